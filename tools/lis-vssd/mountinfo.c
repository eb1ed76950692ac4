// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis-vssd: the mountinfo parser.
 *
 * A line of /proc/self/mountinfo (proc(5)) is
 *
 *   36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw
 *   (1)(2)(3)   (4)   (5)         (6)        (7)     (8) (9)  (10)     (11)
 *
 * with zero or more optional fields (7) ended by a lone "-" (8).  Paths
 * have space, tab, newline and backslash escaped as \ooo octal.  Anything
 * that does not have this shape is refused as a whole line, with -EINVAL:
 * a line the daemon does not understand is never half-used.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "mountinfo.h"

#define VSSD_MAX_FIELDS	64

/* A field of the line: [start, start + len). */
struct field {
	const char *start;
	size_t len;
};

/* split: the space-separated fields of a line, at most @max. */
static int split(const char *line, size_t len, struct field *f, int max)
{
	size_t i = 0;
	int n = 0;

	while (i < len) {
		size_t start;

		while (i < len && line[i] == ' ')
			i++;
		if (i >= len)
			break;
		if (n == max)
			return -EINVAL;
		start = i;
		while (i < len && line[i] != ' ')
			i++;
		f[n].start = line + start;
		f[n].len = i - start;
		n++;
	}
	return n;
}

static int parse_uint(const struct field *f, unsigned int *out)
{
	unsigned long v = 0;
	size_t i;

	if (f->len == 0 || f->len > 10)
		return -EINVAL;
	for (i = 0; i < f->len; i++) {
		if (f->start[i] < '0' || f->start[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned long)(f->start[i] - '0');
	}
	if (v > UINT_MAX)
		return -EINVAL;
	*out = (unsigned int)v;
	return 0;
}

static int parse_dev(const struct field *f, unsigned int *major,
		     unsigned int *minor)
{
	const char *colon = memchr(f->start, ':', f->len);
	struct field a, b;

	if (!colon)
		return -EINVAL;
	a.start = f->start;
	a.len = (size_t)(colon - f->start);
	b.start = colon + 1;
	b.len = f->len - a.len - 1;
	if (parse_uint(&a, major) || parse_uint(&b, minor))
		return -EINVAL;
	return 0;
}

static bool is_odigit(char c)
{
	return c >= '0' && c <= '7';
}

/*
 * unescape: a NUL-terminated copy of the field with \ooo decoded; NULL
 * (errno ENOMEM or EINVAL) on failure.  \000, which would cut the path
 * short, and an empty field are refused.
 */
static char *unescape(const struct field *f)
{
	char *s, *d;
	size_t i;

	if (f->len == 0) {
		errno = EINVAL;
		return NULL;
	}
	s = malloc(f->len + 1);
	if (!s)
		return NULL;
	d = s;
	for (i = 0; i < f->len; i++) {
		if (f->start[i] == '\0')
			goto bad;
		if (f->start[i] == '\\' && i + 3 < f->len &&
		    is_odigit(f->start[i + 1]) &&
		    is_odigit(f->start[i + 2]) && is_odigit(f->start[i + 3])) {
			unsigned int v = (unsigned int)(f->start[i + 1] - '0') << 6 |
					 (unsigned int)(f->start[i + 2] - '0') << 3 |
					 (unsigned int)(f->start[i + 3] - '0');

			if (v == 0 || v > 0xff)
				goto bad;
			*d++ = (char)v;
			i += 3;
		} else {
			*d++ = f->start[i];
		}
	}
	*d = '\0';
	return s;
bad:
	free(s);
	errno = EINVAL;
	return NULL;
}

/**
 * vssd_opt_has() - whether a comma-separated option list holds an option
 * @opts: "rw,noatime,errors=remount-ro"
 * @opt: "ro"; matches a whole option only ("ro" is not in "errors=ro")
 *
 * Return: true if @opt is one of the options.
 */
bool vssd_opt_has(const char *opts, const char *opt)
{
	size_t n = strlen(opt);
	const char *p = opts;

	while (p && *p) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len == n && !memcmp(p, opt, n))
			return true;
		p = end ? end + 1 : NULL;
	}
	return false;
}

/**
 * vssd_mount_free() - free what a parsed mount owns
 * @m: the mount; its strings become NULL
 */
void vssd_mount_free(struct vssd_mount *m)
{
	free(m->root);
	free(m->mount_point);
	free(m->mount_opts);
	free(m->fstype);
	free(m->source);
	free(m->super_opts);
	memset(m, 0, sizeof(*m));
}

/**
 * vssd_parse_mountinfo_line() - parse one mountinfo line
 * @line: the line, without its newline; need not be NUL-terminated
 * @len: its length
 * @out: the result; owns its strings (vssd_mount_free()) on success,
 *	untouched on failure
 *
 * Return: 0, -EINVAL for a malformed line, or -ENOMEM.
 */
int vssd_parse_mountinfo_line(const char *line, size_t len,
			      struct vssd_mount *out)
{
	struct field f[VSSD_MAX_FIELDS];
	struct vssd_mount m;
	int n, dash, i;

	memset(&m, 0, sizeof(m));
	n = split(line, len, f, VSSD_MAX_FIELDS);
	if (n < 10)
		return -EINVAL;
	dash = -1;
	for (i = 6; i < n; i++) {
		if (f[i].len == 1 && f[i].start[0] == '-') {
			dash = i;
			break;
		}
	}
	/* fstype, source and super options follow the "-", exactly. */
	if (dash < 0 || n != dash + 4)
		return -EINVAL;
	if (parse_uint(&f[0], &m.id) || parse_uint(&f[1], &m.parent_id) ||
	    parse_dev(&f[2], &m.major, &m.minor))
		return -EINVAL;

	m.root = unescape(&f[3]);
	m.mount_point = unescape(&f[4]);
	m.mount_opts = unescape(&f[5]);
	m.fstype = unescape(&f[dash + 1]);
	m.source = unescape(&f[dash + 2]);
	m.super_opts = unescape(&f[dash + 3]);
	if (!m.root || !m.mount_point || !m.mount_opts || !m.fstype ||
	    !m.source || !m.super_opts) {
		int err = errno == ENOMEM ? -ENOMEM : -EINVAL;

		vssd_mount_free(&m);
		return err;
	}
	m.read_only = vssd_opt_has(m.mount_opts, "ro") ||
		      vssd_opt_has(m.super_opts, "ro");
	*out = m;
	return 0;
}

static int append(struct vssd_mounts *ms, const struct vssd_mount *m)
{
	if (ms->nr == ms->cap) {
		size_t cap = ms->cap ? ms->cap * 2 : 16;
		struct vssd_mount *p = realloc(ms->m, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		ms->m = p;
		ms->cap = cap;
	}
	ms->m[ms->nr++] = *m;
	return 0;
}

/**
 * vssd_parse_mountinfo() - parse a whole mount table
 * @text: the contents of /proc/self/mountinfo; need not be NUL-terminated
 * @len: its length
 * @out: an empty table (zeroed) that receives every well-formed line
 * @bad_lines: set to the number of malformed lines, which are skipped
 *
 * Empty lines are ignored.  On -ENOMEM, @out keeps what it had so far and
 * must still be freed with vssd_mounts_free().
 *
 * Return: 0 or -ENOMEM.
 */
int vssd_parse_mountinfo(const char *text, size_t len,
			 struct vssd_mounts *out, size_t *bad_lines)
{
	size_t pos = 0;

	*bad_lines = 0;
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - (text + pos)) : len - pos;
		struct vssd_mount m;
		int err;

		if (l > 0) {
			err = vssd_parse_mountinfo_line(text + pos, l, &m);
			if (err == -ENOMEM)
				return err;
			if (err) {
				(*bad_lines)++;
			} else if (append(out, &m)) {
				vssd_mount_free(&m);
				return -ENOMEM;
			}
		}
		pos += l + 1;
	}
	return 0;
}

/**
 * vssd_mounts_free() - free a mount table and everything it owns
 * @ms: the table; left empty
 */
void vssd_mounts_free(struct vssd_mounts *ms)
{
	size_t i;

	for (i = 0; i < ms->nr; i++)
		vssd_mount_free(&ms->m[i]);
	free(ms->m);
	memset(ms, 0, sizeof(*ms));
}

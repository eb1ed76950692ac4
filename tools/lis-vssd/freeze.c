// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis-vssd: freezing and thawing through /dev/lis_vss.
 *
 * vssd_freeze() reads the mount table, asks the planner what to freeze,
 * opens every chosen mount point first (nothing is looked up once the
 * first file system is frozen), then hands the descriptors to the kernel
 * one by one with LIS_VSS_IOC_FREEZE_FD, in the planner's order.  The
 * kernel keeps the stack of what it froze for us and thaws it in reverse
 * with LIS_VSS_IOC_THAW_ALL, or by itself if we die.
 *
 * Per file system, the kernel's answer decides:
 *   0           frozen by us: counted, thawed by us
 *   EBUSY       frozen by someone else (fsfreeze): left alone, not
 *               counted, never thawed by us
 *   EOPNOTSUPP  the file system cannot freeze: skipped
 *   EROFS       read-only by now: skipped
 *   EALREADY    the same superblock, already frozen by us: skipped
 *   anything else fails the whole freeze: what we froze is thawed and
 *   the error goes back to the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/lis_vss.h>

#include "freeze.h"
#include "log.h"
#include "mountinfo.h"
#include "plan.h"

#define MOUNTINFO_MAX	(16 << 20)

/* slurp: the whole of a /proc file, NUL-terminated; NULL on failure. */
static char *slurp(const char *path, size_t *len)
{
	size_t cap = 16384, n = 0;
	char *buf = NULL;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t r;

		if (!buf || n + 1 >= cap) {
			char *p;

			if (buf)
				cap *= 2;
			p = cap > MOUNTINFO_MAX ? NULL : realloc(buf, cap);
			if (!p) {
				free(buf);
				close(fd);
				errno = ENOMEM;
				return NULL;
			}
			buf = p;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			close(fd);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

static bool worth_probing(const struct vssd_mount *m)
{
	return !m->read_only && !vssd_fstype_pseudo(m->fstype) &&
	       !vssd_fstype_network(m->fstype) &&
	       (m->major || !strcmp(m->fstype, "btrfs"));
}

/* probe_loop: the st_dev of a loop device's backing file, if it is one. */
static void probe_loop(const struct vssd_mount *m, struct vssd_probe *p)
{
	char path[64], file[4096];
	struct stat st;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/loop/backing_file",
		 m->major, m->minor);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, file, sizeof(file) - 1);
	close(fd);
	if (n <= 0)
		return;
	file[n] = '\0';
	file[strcspn(file, "\n")] = '\0';
	if (stat(file, &st)) {
		warn("%s: loop device %u:%u: backing file %s: %s",
		     m->mount_point, m->major, m->minor, file, strerror(errno));
		return;
	}
	p->has_backing = true;
	p->backing_major = major(st.st_dev);
	p->backing_minor = minor(st.st_dev);
	dbg("%s: on loop device %u:%u, backing file %s on %u:%u",
	    m->mount_point, m->major, m->minor, file, p->backing_major,
	    p->backing_minor);
}

/* probe: look at each mount the planner may choose. */
static struct vssd_probe *probe(const struct vssd_mounts *ms)
{
	struct vssd_probe *p = calloc(ms->nr ? ms->nr : 1, sizeof(*p));
	size_t i;

	if (!p)
		return NULL;
	for (i = 0; i < ms->nr; i++) {
		struct stat st;

		p[i].is_dir = true;
		if (!worth_probing(&ms->m[i]))
			continue;
		if (!stat(ms->m[i].mount_point, &st))
			p[i].is_dir = S_ISDIR(st.st_mode);
		probe_loop(&ms->m[i], &p[i]);
	}
	return p;
}

/* load: the mount table, probed and planned. */
static int load(const char *mountinfo, struct vssd_mounts *ms,
		struct vssd_plan *plan)
{
	struct vssd_probe *pr;
	size_t len, bad;
	char *text;
	int ret;

	memset(ms, 0, sizeof(*ms));
	text = slurp(mountinfo, &len);
	if (!text) {
		ret = -errno;
		err("%s: %s", mountinfo, strerror(errno));
		return ret;
	}
	ret = vssd_parse_mountinfo(text, len, ms, &bad);
	free(text);
	if (ret)
		goto out_free;
	if (bad)
		warn("%s: %zu malformed lines ignored", mountinfo, bad);
	pr = probe(ms);
	if (!pr) {
		ret = -ENOMEM;
		goto out_free;
	}
	ret = vssd_plan(ms, pr, plan);
	free(pr);
	if (ret == -ELOOP)
		err("loop devices back each other in a cycle: no safe freeze order");
	if (ret)
		goto out_free;
	return 0;
out_free:
	vssd_mounts_free(ms);
	return ret;
}

/**
 * vssd_print_plan() - print what a freeze would do now (--plan)
 * @mountinfo: the mount table to read
 *
 * One line per mount: the verdict (freeze with its rank, or skip-*), the
 * mount point, the type and major:minor.
 *
 * Return: 0 or -errno.
 */
int vssd_print_plan(const char *mountinfo)
{
	struct vssd_mounts ms;
	struct vssd_plan plan;
	size_t i;
	int ret;

	ret = load(mountinfo, &ms, &plan);
	if (ret)
		return ret;
	for (i = 0; i < plan.nr_order; i++) {
		const struct vssd_mount *m = &ms.m[plan.order[i]];

		printf("freeze %zu %s %s %u:%u\n", i + 1, m->mount_point,
		       m->fstype, m->major, m->minor);
	}
	for (i = 0; i < ms.nr; i++)
		if (plan.verdict[i] != VSSD_FREEZE)
			printf("%s - %s %s %u:%u\n",
			       vssd_verdict_name(plan.verdict[i]),
			       ms.m[i].mount_point, ms.m[i].fstype,
			       ms.m[i].major, ms.m[i].minor);
	vssd_plan_free(&plan);
	vssd_mounts_free(&ms);
	return 0;
}

static void forget(struct vssd_frozen *fr)
{
	size_t i;

	for (i = 0; i < fr->nr; i++)
		free(fr->points[i]);
	free(fr->points);
	fr->points = NULL;
	fr->nr = 0;
}

/* open_all: a descriptor per planned mount, -1 for those unreachable. */
static int *open_all(const struct vssd_mounts *ms, const struct vssd_plan *plan)
{
	int *fds = calloc(plan->nr_order ? plan->nr_order : 1, sizeof(*fds));
	size_t i;

	if (!fds)
		return NULL;
	for (i = 0; i < plan->nr_order; i++) {
		const struct vssd_mount *m = &ms->m[plan->order[i]];
		struct stat st;

		fds[i] = open(m->mount_point,
			      O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY);
		if (fds[i] < 0) {
			warn("%s: cannot open: %s: not frozen", m->mount_point,
			     strerror(errno));
			continue;
		}
		/* Another file system mounted over it hides this one. */
		if (fstat(fds[i], &st) || major(st.st_dev) != m->major ||
		    minor(st.st_dev) != m->minor) {
			warn("%s: hidden by another mount on top: %u:%u not frozen",
			     m->mount_point, m->major, m->minor);
			close(fds[i]);
			fds[i] = -1;
		}
	}
	return fds;
}

static void close_all(int *fds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

/**
 * vssd_freeze() - freeze every freezable file system, children first
 * @dev: the open /dev/lis_vss
 * @mountinfo: the mount table to read
 * @fr: receives what we froze; @fr->active is set once anything may be
 *	frozen, and logs are held from then until vssd_thaw()
 *
 * On failure, whatever was frozen is thawed again before returning, and
 * logs are released.
 *
 * Return: the number of file systems frozen by us, or -errno.
 */
int vssd_freeze(int dev, const char *mountinfo, struct vssd_frozen *fr)
{
	struct vssd_mounts ms;
	struct vssd_plan plan;
	size_t i, busy = 0, unsupported = 0;
	int *fds, ret;

	forget(fr);
	ret = load(mountinfo, &ms, &plan);
	if (ret)
		return ret;
	fds = open_all(&ms, &plan);
	fr->points = calloc(plan.nr_order ? plan.nr_order : 1,
			    sizeof(*fr->points));
	if (!fds || !fr->points) {
		ret = -ENOMEM;
		goto out_free;
	}

	/* From here on, nothing may be written to a file system: hold logs. */
	vssd_log_hold();
	fr->active = true;
	for (i = 0; i < plan.nr_order; i++) {
		const struct vssd_mount *m = &ms.m[plan.order[i]];
		__s32 fd = fds[i];

		if (fd < 0)
			continue;
		if (!ioctl(dev, LIS_VSS_IOC_FREEZE_FD, &fd)) {
			fr->points[fr->nr] = strdup(m->mount_point);
			if (!fr->points[fr->nr]) {
				ret = -ENOMEM;
				goto out_thaw;
			}
			fr->nr++;
			info("froze %s (%s %u:%u)", m->mount_point, m->fstype,
			     m->major, m->minor);
			continue;
		}
		switch (errno) {
		case EBUSY:
			busy++;
			warn("%s: already frozen by someone else: left as it is, not thawed by us",
			     m->mount_point);
			break;
		case EOPNOTSUPP:
			unsupported++;
			warn("%s: %s cannot be frozen: skipped", m->mount_point,
			     m->fstype);
			break;
		case EROFS:
			info("%s: read-only: skipped", m->mount_point);
			break;
		case EALREADY:
			info("%s: same file system as one already frozen",
			     m->mount_point);
			break;
		default:
			ret = -errno;
			err("%s: freeze failed: %s", m->mount_point,
			    strerror(errno));
			goto out_thaw;
		}
	}
	info("frozen: %zu file systems by us, %zu already frozen, %zu cannot freeze",
	     fr->nr, busy, unsupported);
	ret = (int)fr->nr;
	goto out_free;

out_thaw:
	vssd_thaw(dev, fr);
out_free:
	if (fds)
		close_all(fds, plan.nr_order);
	vssd_plan_free(&plan);
	vssd_mounts_free(&ms);
	return ret;
}

/**
 * vssd_thaw() - thaw everything frozen through the device, in reverse
 * @dev: the open /dev/lis_vss
 * @fr: what we froze; emptied
 *
 * Releases the logs held since the freeze, then logs what was thawed.
 *
 * Return: how many file systems the kernel thawed, or -errno.
 */
int vssd_thaw(int dev, struct vssd_frozen *fr)
{
	int ret = ioctl(dev, LIS_VSS_IOC_THAW_ALL);
	int saved = errno;
	size_t i;

	fr->active = false;
	vssd_log_release();
	if (ret < 0) {
		err("thaw failed: %s", strerror(saved));
		forget(fr);
		return -saved;
	}
	if ((size_t)ret == fr->nr) {
		for (i = fr->nr; i-- > 0;)
			info("thawed %s", fr->points[i]);
	} else {
		/* The kernel thawed some on its own: its thaw timeout. */
		warn("the kernel thawed %d file systems now; we had frozen %zu, the kernel had thawed the rest on its own",
		     ret, fr->nr);
		for (i = fr->nr; i-- > 0;)
			info("was frozen: %s", fr->points[i]);
	}
	forget(fr);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis-vssd: reaching mounts and finding loop devices.
 *
 * A lookup in a FUSE or network file system whose server does not answer
 * never returns, and a file system mounted below such a mount can only be
 * reached through it.  So mount points are never looked up as whole
 * paths.  reach.c says, from the mount table alone, which mounts a walk
 * to a mount point enters; a mount the walk would have to look names up
 * in a network, FUSE or autofs mount for is not walked to at all (the
 * planner skips it).  Otherwise the walk goes one mount at a time: from a
 * descriptor of the mount above, the directories up to the mount point
 * are resolved with openat2(RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS), so
 * the lookup cannot wander into a mount that appeared since the table was
 * read (where openat2 fails, as before Linux 5.6: one component at a
 * time, checking the mount ID after each), then the last name is opened, which crosses into
 * the mount (the kernel looks nothing up in a file system to enter a
 * mount).  Every landing is checked by mount ID (statx STATX_MNT_ID, or
 * /proc/self/fdinfo before Linux 5.8), the kernel's own name for a mount,
 * never by st_dev, which btrfs subvolumes and other file systems report
 * differently from their superblock.
 *
 * Loop devices: the mounted device's sysfs directory, its whole disk if
 * it is a partition, and every device below it through "slaves"
 * (device-mapper, md), each with a loop/backing_file.  sysfs and /dev
 * never hang; a backing file's path is never looked up (the planner finds
 * its file system in the mount table).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <linux/openat2.h>

#include "log.h"
#include "probe.h"
#include "reach.h"

/* Device stacks deeper than this are not followed further. */
#define STACK_DEPTH	16
/* Loop devices recorded per mount at most. */
#define MAX_BACKING	64

/**
 * vssd_worth_probing() - whether the planner may choose this mount
 * @m: the mount
 *
 * Return: false for what the planner skips by the table alone.
 */
bool vssd_worth_probing(const struct vssd_mount *m)
{
	return !m->read_only && !vssd_fstype_pseudo(m->fstype) &&
	       !vssd_fstype_network(m->fstype) &&
	       (m->major || !strcmp(m->fstype, "btrfs"));
}

/* fdinfo_mnt_id: the "mnt_id:" line of /proc/self/fdinfo/<fd>. */
static int fdinfo_mnt_id(int fd, unsigned int *id)
{
	char path[64], buf[1024], *p;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -errno;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return -EIO;
	buf[n] = '\0';
	p = strstr(buf, "mnt_id:");
	if (!p || sscanf(p, "mnt_id: %u", id) != 1)
		return -ENOTSUP;
	return 0;
}

/**
 * vssd_mnt_id() - the mount an open descriptor is on
 * @fd: the descriptor (O_PATH will do)
 * @id: receives the mount ID, as mountinfo's first field
 * @mode: receives the file's mode
 *
 * Return: 0 or -errno.
 */
int vssd_mnt_id(int fd, unsigned int *id, unsigned int *mode)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH | AT_STATX_DONT_SYNC,
		  STATX_TYPE | STATX_MODE | STATX_MNT_ID, &stx))
		return -errno;
	*mode = stx.stx_mode;
	if (stx.stx_mask & STATX_MNT_ID) {
		*id = (unsigned int)stx.stx_mnt_id;
		return 0;
	}
	return fdinfo_mnt_id(fd, id);
}

/*
 * walk_dirs: the directory @rel (relative, no "." or "..") below @dirfd,
 * without leaving @dirfd's mount (@mnt) or following a symbolic link.
 */
static int walk_dirs(int dirfd, unsigned int mnt, const char *rel)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_NO_XDEV | RESOLVE_NO_SYMLINKS |
			   RESOLVE_NO_MAGICLINKS,
	};
	char name[PATH_MAX];
	int fd, next;

	fd = (int)syscall(SYS_openat2, dirfd, rel, &how, sizeof(how));
	if (fd >= 0)
		return fd;
	/*
	 * openat2 failed: it may not exist (before 5.6) or be refused by a
	 * seccomp filter.  A component at a time, with the mount checked
	 * after each, is as safe, and its answer is the one that counts.
	 */
	fd = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
	while (fd >= 0 && *rel) {
		size_t len = strcspn(rel, "/");
		unsigned int id, mode;
		int ret;

		if (len >= sizeof(name)) {
			close(fd);
			return -ENAMETOOLONG;
		}
		memcpy(name, rel, len);
		name[len] = '\0';
		next = openat(fd, name, O_PATH | O_DIRECTORY | O_NOFOLLOW |
			      O_CLOEXEC);
		ret = next < 0 ? -errno : vssd_mnt_id(next, &id, &mode);
		close(fd);
		if (!ret && id != mnt)
			ret = -EXDEV;
		if (ret) {
			if (next >= 0)
				close(next);
			return ret;
		}
		fd = next;
		rel += len;
		while (*rel == '/')
			rel++;
	}
	return fd >= 0 ? fd : -errno;
}

/* enter: from @dirfd on mount @mnt, open @rel, crossing into what is there. */
static int enter(int dirfd, unsigned int mnt, const char *rel)
{
	const char *last = strrchr(rel, '/');
	char dir[PATH_MAX];
	int parent = dirfd, fd;

	if (last) {
		if ((size_t)(last - rel) >= sizeof(dir))
			return -ENAMETOOLONG;
		memcpy(dir, rel, (size_t)(last - rel));
		dir[last - rel] = '\0';
		parent = walk_dirs(dirfd, mnt, dir);
		if (parent < 0)
			return parent;
		last++;
	} else {
		last = rel;
	}
	fd = openat(parent, last, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		fd = -errno;
	if (parent != dirfd)
		close(parent);
	return fd;
}

/*
 * walk: an O_PATH descriptor of mount @i's root, entering the mounts of
 * @hops in turn; -errno if a landing is not the mount the table says
 * (-ESTALE: the mount table changed).
 */
static int walk(const struct vssd_mounts *ms, const size_t *hops, size_t nr,
		unsigned int *mode)
{
	unsigned int id;
	size_t k = 0;
	int fd, next, ret;

	fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	for (;;) {
		const struct vssd_mount *at = &ms->m[hops[k]];

		/* Mounts stacked at one place: the walk lands on the top. */
		while (k + 1 < nr &&
		       !strcmp(ms->m[hops[k + 1]].mount_point, at->mount_point))
			at = &ms->m[hops[++k]];
		ret = vssd_mnt_id(fd, &id, mode);
		if (!ret && id != at->id)
			ret = -ESTALE;
		if (ret)
			goto out_close;
		if (++k == nr)
			return fd;
		next = enter(fd, at->id,
			     vssd_rel_path(ms->m[hops[k]].mount_point,
					   at->mount_point));
		close(fd);
		if (next < 0)
			return next;
		fd = next;
	}
out_close:
	close(fd);
	return ret;
}

/* join: "@a/@b" in @buf; -ENAMETOOLONG if it does not fit. */
static int join(char *buf, size_t size, const char *a, const char *b)
{
	int n = snprintf(buf, size, "%s/%s", a, b);

	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

/* read_line: the first line of a small file, NUL-terminated. */
static int read_line(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -ENODATA;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int add_backing(struct vssd_probe *p, const char *dev,
		       const char *file)
{
	static const char deleted[] = " (deleted)";
	struct vssd_backing *b;
	size_t len = strlen(file);

	if (p->nr_backing == MAX_BACKING)
		return -E2BIG;
	b = realloc(p->backing, (p->nr_backing + 1) * sizeof(*b));
	if (!b)
		return -ENOMEM;
	p->backing = b;
	b = &b[p->nr_backing];
	b->dev = strdup(dev);
	b->file = strdup(file);
	if (!b->dev || !b->file) {
		free(b->dev);
		free(b->file);
		return -ENOMEM;
	}
	/* An unlinked backing file still lives on its file system. */
	if (len > sizeof(deleted) - 1 &&
	    !strcmp(b->file + len - (sizeof(deleted) - 1), deleted))
		b->file[len - (sizeof(deleted) - 1)] = '\0';
	p->nr_backing++;
	return 0;
}

/* stack: the loop devices at and below the block device sysfs dir @dir. */
static int stack(struct vssd_probe *p, const char *dir, int depth)
{
	char path[PATH_MAX], file[PATH_MAX], sub[PATH_MAX];
	struct dirent *de;
	int ret = 0;
	DIR *d;

	if (depth > STACK_DEPTH)
		return -ELOOP;
	if (!join(path, sizeof(path), dir, "loop/backing_file") &&
	    !read_line(path, file, sizeof(file)) && file[0] == '/') {
		const char *name = strrchr(dir, '/');

		ret = add_backing(p, name ? name + 1 : dir, file);
		if (ret)
			return ret;
	}
	if (join(path, sizeof(path), dir, "slaves"))
		return -ENAMETOOLONG;
	d = opendir(path);
	if (!d)
		return 0;
	while (!ret && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (join(file, sizeof(file), dir, "slaves") ||
		    join(path, sizeof(path), file, de->d_name) ||
		    !realpath(path, sub))
			continue;
		ret = stack(p, sub, depth + 1);
	}
	closedir(d);
	return ret;
}

/*
 * loops: the loop devices under mount @m's device.  btrfs reports an
 * anonymous device: its source (the first device) stands for it.
 */
static int loops(const struct vssd_mounts *ms, const struct vssd_mount *m,
		 struct vssd_probe *p)
{
	char path[PATH_MAX], dir[PATH_MAX], *slash;
	unsigned int maj = m->major, min = m->minor;
	struct stat st;

	if (!maj) {
		/* /dev is never a mount that may hang; check all the same. */
		if (strncmp(m->source, "/dev/", 5) ||
		    !vssd_path_safe(ms, m->source) ||
		    stat(m->source, &st) || !S_ISBLK(st.st_mode))
			return 0;
		maj = major(st.st_rdev);
		min = minor(st.st_rdev);
	}
	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u", maj, min);
	if (!realpath(path, dir))
		return 0;
	if (!join(path, sizeof(path), dir, "partition") &&
	    !access(path, F_OK)) {
		slash = strrchr(dir, '/');
		if (slash)
			*slash = '\0';
	}
	return stack(p, dir, 0);
}

/**
 * vssd_probe_all() - reach each mount the planner may choose, find its
 *	loop devices
 * @ms: the mount table
 * @out: receives the results; free with vssd_probe_free()
 *
 * Nothing here looks a name up in a file system that may hang (see the
 * top of this file).  A mount that cannot be reached is not an error
 * here: its entry says so, and the planner and the freeze decide.
 *
 * Return: 0, or -ENOMEM, or -E2BIG / -ELOOP (a device stack too wide or
 * too deep to be sure of the order: no backup then).
 */
int vssd_probe_all(const struct vssd_mounts *ms, struct vssd_probed *out)
{
	size_t n = ms->nr ? ms->nr : 1, i, nr;
	size_t *hops;
	long blocker;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	out->p = calloc(n, sizeof(*out->p));
	out->fd = calloc(n, sizeof(*out->fd));
	out->error = calloc(n, sizeof(*out->error));
	hops = calloc(n, sizeof(*hops));
	out->nr = ms->nr;
	if (!out->p || !out->fd || !out->error || !hops) {
		free(out->p);
		free(out->fd);
		free(out->error);
		free(hops);
		memset(out, 0, sizeof(*out));
		return -ENOMEM;
	}
	for (i = 0; i < ms->nr; i++) {
		out->fd[i] = -1;
		out->p[i].is_dir = true;
	}
	for (i = 0; i < ms->nr; i++) {
		const struct vssd_mount *m = &ms->m[i];
		unsigned int mode = 0;
		int fd;

		if (!vssd_worth_probing(m))
			continue;
		out->error[i] = vssd_reach(ms, i, hops, &nr, &blocker);
		if (out->error[i] == -EREMOTE)
			continue;
		ret = loops(ms, m, &out->p[i]);
		if (ret) {
			err("%s: the devices below %u:%u: %s", m->mount_point,
			    m->major, m->minor, strerror(-ret));
			goto out_free;
		}
		if (out->error[i])
			continue;
		fd = walk(ms, hops, nr, &mode);
		if (fd < 0) {
			out->error[i] = fd;
			dbg("%s: not reached: %s", m->mount_point,
			    strerror(-fd));
			continue;
		}
		out->fd[i] = fd;
		out->p[i].reached = true;
		out->p[i].is_dir = S_ISDIR(mode);
	}
	free(hops);
	return 0;
out_free:
	free(hops);
	vssd_probe_free(out);
	return ret;
}

/**
 * vssd_probe_free() - close and free what vssd_probe_all() made
 * @pd: its result; left empty
 */
void vssd_probe_free(struct vssd_probed *pd)
{
	size_t i, k;

	for (i = 0; pd->p && i < pd->nr; i++) {
		for (k = 0; k < pd->p[i].nr_backing; k++) {
			free(pd->p[i].backing[k].dev);
			free(pd->p[i].backing[k].file);
		}
		free(pd->p[i].backing);
	}
	for (i = 0; pd->fd && i < pd->nr; i++)
		if (pd->fd[i] >= 0)
			close(pd->fd[i]);
	free(pd->p);
	free(pd->fd);
	free(pd->error);
	memset(pd, 0, sizeof(*pd));
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis-vssd: where a path lands in the mount tree, from the table alone.
 *
 * Looking a path up makes every file system it passes through answer a
 * lookup: a FUSE server that stopped answering, or an NFS server that is
 * gone, would hold the daemon for as long as it likes.  So the daemon
 * decides from /proc/self/mountinfo which mounts a path crosses before it
 * looks anything up, and only then walks, one mount at a time
 * (freeze.c), through file systems that cannot hang.
 *
 * The walk the kernel does, modelled on the table: start at the topmost
 * mount at "/"; at each step, among the mounts whose parent is the
 * current one, go into the one whose mount point is the longest leading
 * part of the path (component by component); a mount stacked on the
 * current one at the same place counts, so the walk ends on the topmost
 * mount at a place, as the kernel's does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "reach.h"

/**
 * vssd_fstype_may_hang() - whether a lookup in a file system may never end
 * @fstype: mountinfo's type field
 *
 * Network and FUSE file systems wait for a server; autofs waits for its
 * daemon to mount something.
 *
 * Return: true if no path may be looked up through it.
 */
bool vssd_fstype_may_hang(const char *fstype)
{
	return vssd_fstype_network(fstype) || !strcmp(fstype, "autofs");
}

/* under: whether @path is @dir or below it, component by component. */
static bool under(const char *path, const char *dir)
{
	size_t n = strlen(dir);

	if (!strcmp(dir, "/"))
		return path[0] == '/';
	return !strncmp(path, dir, n) && (path[n] == '\0' || path[n] == '/');
}

/**
 * vssd_rel_path() - @path relative to the directory @dir above it
 * @path: an absolute path at or below @dir
 * @under: the directory
 *
 * Return: the part of @path after @under and its slashes ("" for @under
 * itself), pointing into @path.
 */
const char *vssd_rel_path(const char *path, const char *under)
{
	const char *p = path + (strcmp(under, "/") ? strlen(under) : 0);

	while (*p == '/')
		p++;
	return p;
}

/* root: the topmost mount at "/", or -1. */
static long root(const struct vssd_mounts *ms)
{
	long top = -1;
	size_t i, j;

	for (i = 0; i < ms->nr; i++) {
		bool covered = false;

		if (strcmp(ms->m[i].mount_point, "/"))
			continue;
		for (j = 0; j < ms->nr; j++)
			if (j != i && ms->m[j].parent_id == ms->m[i].id &&
			    ms->m[j].id != ms->m[i].id &&
			    !strcmp(ms->m[j].mount_point, "/"))
				covered = true;
		if (!covered)
			top = (long)i;
	}
	return top;
}

/**
 * vssd_resolve() - the mount a path lands on
 * @ms: the mount table
 * @path: an absolute path, without symbolic links, "." or ".."
 * @hops: if not NULL, receives the mounts the walk enters, the topmost
 *	at "/" first and the result last (room for @ms->nr entries)
 * @nr_hops: receives the number of @hops (may be NULL if @hops is)
 *
 * Return: the index of the mount holding @path, or -1 if the table has no
 * mount at "/" or @path is not absolute.
 */
long vssd_resolve(const struct vssd_mounts *ms, const char *path,
		  size_t *hops, size_t *nr_hops)
{
	long cur = root(ms);
	size_t n = 0, steps;

	if (cur < 0 || path[0] != '/')
		return -1;
	if (hops)
		hops[n++] = (size_t)cur;
	/* A malformed table may have cycles: at most one hop per mount. */
	for (steps = 0; steps + 1 < ms->nr; steps++) {
		const struct vssd_mount *c = &ms->m[cur];
		size_t best_len = 0, j;
		long best = -1;

		for (j = 0; j < ms->nr; j++) {
			const struct vssd_mount *m = &ms->m[j];
			size_t len = strlen(m->mount_point);

			if ((long)j == cur || m->parent_id != c->id ||
			    m->id == c->id || !under(path, m->mount_point) ||
			    !under(m->mount_point, c->mount_point))
				continue;
			/* Of two at one place, the one on top is its child. */
			if (best < 0 || len > best_len) {
				best = (long)j;
				best_len = len;
			}
		}
		if (best < 0)
			break;
		cur = best;
		if (hops)
			hops[n++] = (size_t)cur;
	}
	if (nr_hops)
		*nr_hops = n;
	return cur;
}

/**
 * vssd_path_safe() - whether looking a path up cannot hang
 * @ms: the mount table
 * @path: an absolute path
 *
 * Return: true if the path lands somewhere and no mount its lookup goes
 * through (the last one included) is a network, FUSE or autofs mount.
 */
bool vssd_path_safe(const struct vssd_mounts *ms, const char *path)
{
	size_t *hops = calloc(ms->nr ? ms->nr : 1, sizeof(*hops));
	size_t nr = 0, k;
	bool safe = hops && vssd_resolve(ms, path, hops, &nr) >= 0;

	for (k = 0; safe && k < nr; k++)
		safe = !vssd_fstype_may_hang(ms->m[hops[k]].fstype);
	free(hops);
	return safe;
}

/**
 * vssd_reach() - whether mount @i can be reached by a safe walk
 * @ms: the mount table
 * @i: the mount
 * @hops: receives the mounts to walk through, as vssd_resolve() (room
 *	for @ms->nr entries)
 * @nr_hops: receives their number
 * @blocker: receives the mount in the way on failure, else -1
 *
 * Return: 0 if the walk to @i's mount point lands on @i and looks up
 * nothing in a file system that may hang; -EXDEV if another mount hides
 * @i (@blocker: the one the walk lands on); -EREMOTE if the walk would
 * look names up in a network, FUSE or autofs mount (@blocker: that
 * mount); -ENOENT if the table has no root.
 */
int vssd_reach(const struct vssd_mounts *ms, size_t i, size_t *hops,
	       size_t *nr_hops, long *blocker)
{
	long got = vssd_resolve(ms, ms->m[i].mount_point, hops, nr_hops);
	size_t k;

	*blocker = -1;
	if (got < 0)
		return -ENOENT;
	/* A lookup happens in hop k when hop k + 1 is mounted deeper. */
	for (k = 0; k + 1 < *nr_hops; k++) {
		const struct vssd_mount *h = &ms->m[hops[k]];

		if (strcmp(ms->m[hops[k + 1]].mount_point, h->mount_point) &&
		    vssd_fstype_may_hang(h->fstype)) {
			*blocker = (long)hops[k];
			return -EREMOTE;
		}
	}
	if ((size_t)got != i) {
		*blocker = got;
		return -EXDEV;
	}
	return 0;
}

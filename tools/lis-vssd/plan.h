/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis-vssd: which mounted file systems to freeze, and in which order.
 * Pure code: the I/O it needs (stat of each mount point, loop devices'
 * backing files) is done by the caller and passed in struct vssd_probe.
 */
#ifndef _VSSD_PLAN_H
#define _VSSD_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "mountinfo.h"

/**
 * struct vssd_backing - a loop device under a mounted file system
 * @dev: the loop device's name ("loop0")
 * @file: its backing file, as sysfs names it (an absolute path)
 */
struct vssd_backing {
	char *dev;
	char *file;
};

/**
 * struct vssd_probe - what the caller found out about one mount
 * @is_dir: the mount point is a directory (false for a bind-mounted file)
 * @reached: a walk that crossed no file system that may hang landed on
 *	this very mount (its mount ID); false if it was not tried
 * @backing: the loop devices found under the mounted device, directly or
 *	through partitions, device-mapper or md (sysfs "slaves")
 * @nr_backing: how many
 */
struct vssd_probe {
	bool is_dir;
	bool reached;
	struct vssd_backing *backing;
	size_t nr_backing;
};

/* Why a mount is or is not frozen. */
enum vssd_verdict {
	VSSD_FREEZE = 0,	/* frozen, through this mount point */
	VSSD_SKIP_RO,		/* read-only: nothing to flush */
	VSSD_SKIP_PSEUDO,	/* proc, sysfs, tmpfs, cgroup, overlay, ... */
	VSSD_SKIP_NETWORK,	/* nfs, cifs, fuse, 9p, ...: not ours to freeze */
	VSSD_SKIP_NODEV,	/* no block device (st_dev major 0) */
	VSSD_SKIP_NOTDIR,	/* a bind-mounted file, not a directory */
	VSSD_SKIP_DUP,		/* another mount of the same superblock */
	VSSD_SKIP_BELOW,	/* reached only through a network/FUSE mount */
};

/**
 * struct vssd_plan - the result of vssd_plan()
 * @verdict: one per mount of the table, enum vssd_verdict
 * @order: indexes into the table of the mounts to freeze, in freeze
 *	order: loop-mounted images before the file system holding the
 *	image, then deeper mounts before shallower ones.  Thawing is the
 *	exact reverse.
 * @nr_order: length of @order
 * @depth: one per mount: its depth in the mount tree (root 0)
 * @before: one per mount: for a frozen mount with a loop device below
 *	it, the frozen mount holding that device's backing file (which
 *	it is frozen before), else -1
 * @before_via: the index into the mount's probe backing[] of that loop
 *	device
 */
struct vssd_plan {
	enum vssd_verdict *verdict;
	size_t *order;
	size_t nr_order;
	unsigned int *depth;
	long *before;
	size_t *before_via;
};

int vssd_plan(const struct vssd_mounts *ms, const struct vssd_probe *probe,
	      struct vssd_plan *plan);
void vssd_plan_free(struct vssd_plan *plan);
const char *vssd_verdict_name(enum vssd_verdict v);
bool vssd_fstype_pseudo(const char *fstype);
bool vssd_fstype_network(const char *fstype);

#endif /* _VSSD_PLAN_H */

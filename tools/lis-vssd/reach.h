/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis-vssd: where a path lands in the mount tree, from the mount table
 * alone.  Pure code: nothing here looks a path up, so it cannot hang on a
 * file system that does not answer.
 */
#ifndef _VSSD_REACH_H
#define _VSSD_REACH_H

#include <stdbool.h>
#include <stddef.h>

#include "mountinfo.h"

bool vssd_fstype_may_hang(const char *fstype);
long vssd_resolve(const struct vssd_mounts *ms, const char *path,
		  size_t *hops, size_t *nr_hops);
int vssd_reach(const struct vssd_mounts *ms, size_t i, size_t *hops,
	       size_t *nr_hops, long *blocker);
bool vssd_path_safe(const struct vssd_mounts *ms, const char *path);
const char *vssd_rel_path(const char *path, const char *under);

#endif /* _VSSD_REACH_H */

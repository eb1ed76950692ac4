/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis-vssd: whether the checkpoint window may open.  Pure code.
 */
#ifndef _VSSD_WINDOW_H
#define _VSSD_WINDOW_H

#include <stdbool.h>
#include <stddef.h>

/* What became of one file system the plan decided to freeze. */
enum vssd_outcome {
	VSSD_PENDING = 0,	/* reached, not frozen yet */
	VSSD_FROZEN,		/* frozen by us */
	VSSD_SAME_SB,		/* EALREADY: its superblock frozen by us */
	VSSD_FROZEN_BY_OTHER,	/* EBUSY: frozen by someone else */
	VSSD_CANNOT_FREEZE,	/* EOPNOTSUPP: the type has no freeze */
	VSSD_NOW_READONLY,	/* EROFS: read-only by now */
	VSSD_UNREACHABLE,	/* no descriptor on it: hidden, gone, ... */
	VSSD_FAILED,		/* the freeze failed with another error */
};

/**
 * struct vssd_fs_state - one planned file system, as the freeze left it
 * @outcome: enum vssd_outcome
 * @error: the errno behind VSSD_UNREACHABLE or VSSD_FAILED
 */
struct vssd_fs_state {
	enum vssd_outcome outcome;
	int error;
};

long vssd_window_check(const struct vssd_fs_state *st, size_t nr,
		       bool opening);
const char *vssd_outcome_name(enum vssd_outcome o);
enum vssd_outcome vssd_outcome_of(int err);

#endif /* _VSSD_WINDOW_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis-vssd: the invariant of a live backup, in one place.
 *
 * The host is told that its checkpoint is consistent only if every file
 * system the plan decided to freeze is frozen when the window opens:
 * frozen by us, or through another mount of the same superblock (the
 * kernel's EALREADY), or by someone else (EBUSY: frozen all the same,
 * but never thawed by us).  Two answers of the kernel mean there is
 * nothing to freeze, so they keep the backup consistent too: EOPNOTSUPP
 * (the file system type has no freeze at all, like vfat) and EROFS (it
 * became read-only since the mount table was read).  Anything else (a
 * mount that cannot be reached without a lookup in another file system,
 * a mount hidden under another, a freeze that failed) fails the backup,
 * and vssd_freeze() names the file system and the reason.
 */
#include <errno.h>

#include "window.h"

/**
 * vssd_outcome_of() - what the kernel's answer to a freeze means
 * @err: 0 or the errno of LIS_VSS_IOC_FREEZE_FD
 *
 * Return: the outcome.
 */
enum vssd_outcome vssd_outcome_of(int err)
{
	switch (err) {
	case 0:
		return VSSD_FROZEN;
	case EALREADY:
		return VSSD_SAME_SB;
	case EBUSY:
		return VSSD_FROZEN_BY_OTHER;
	case EOPNOTSUPP:
		return VSSD_CANNOT_FREEZE;
	case EROFS:
		return VSSD_NOW_READONLY;
	}
	return VSSD_FAILED;
}

/**
 * vssd_outcome_name() - an outcome in words, for the log
 * @o: the outcome
 *
 * Return: a static string.
 */
const char *vssd_outcome_name(enum vssd_outcome o)
{
	switch (o) {
	case VSSD_PENDING:
		return "not frozen yet";
	case VSSD_FROZEN:
		return "frozen";
	case VSSD_SAME_SB:
		return "frozen through another mount";
	case VSSD_FROZEN_BY_OTHER:
		return "frozen by someone else";
	case VSSD_CANNOT_FREEZE:
		return "cannot be frozen (no freeze in this type)";
	case VSSD_NOW_READONLY:
		return "read-only";
	case VSSD_UNREACHABLE:
		return "cannot be reached";
	case VSSD_FAILED:
		return "freeze failed";
	}
	return "unknown";
}

/**
 * vssd_window_check() - whether the checkpoint window may open
 * @st: one state per file system the plan decided to freeze
 * @nr: how many
 * @opening: false before the first freeze (then VSSD_PENDING is fine:
 *	the check only looks for what is already known to fail), true when
 *	every freeze has been done and the window is about to open
 *
 * Return: -1 if the backup may go on; else the index of the first file
 * system that breaks the invariant.
 */
long vssd_window_check(const struct vssd_fs_state *st, size_t nr,
		       bool opening)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		switch (st[i].outcome) {
		case VSSD_FROZEN:
		case VSSD_SAME_SB:
		case VSSD_FROZEN_BY_OTHER:
		case VSSD_CANNOT_FREEZE:
		case VSSD_NOW_READONLY:
			continue;
		case VSSD_PENDING:
			if (!opening)
				continue;
			break;
		case VSSD_UNREACHABLE:
		case VSSD_FAILED:
			break;
		}
		return (long)i;
	}
	return -1;
}

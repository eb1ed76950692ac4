/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis-vssd: freezing and thawing through /dev/lis_vss.
 */
#ifndef _VSSD_FREEZE_H
#define _VSSD_FREEZE_H

#include <stdbool.h>
#include <stddef.h>

/**
 * struct vssd_frozen - what this daemon froze, in freeze order
 * @points: mount points (what the log says)
 * @nr: how many were frozen by us
 * @active: a freeze is in effect: logs are held until the thaw
 * @notes: things to log after the thaw (skipped file systems)
 */
struct vssd_frozen {
	char **points;
	size_t nr;
	bool active;
};

int vssd_freeze(int dev, const char *mountinfo, struct vssd_frozen *fr);
int vssd_thaw(int dev, struct vssd_frozen *fr);
int vssd_print_plan(const char *mountinfo);

#endif /* _VSSD_FREEZE_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Dynamic Memory balancer's decisions (pure code, dm_policy.c):
 * numbers in, one decision out.  All figures are in 4 KiB pages.
 */
#ifndef _LIS_SIM_DM_POLICY_H
#define _LIS_SIM_DM_POLICY_H

#include <lis/shim.h>

/* Smallest growth the automatic balancer bothers with: 4 MiB. */
#define LIS_DM_GROW_MIN		1024

/*
 * After a balloon request the guest answered short, the next one waits
 * twice as long as the one before, up to 2^6 request intervals.
 */
#define LIS_DM_BACKOFF_SHIFT_MAX	6

/**
 * struct lis_dm_policy - the balancer's settings
 * @minimum: the guest never goes below this (Hyper-V's Minimum RAM)
 * @maximum: nor above this (Maximum RAM)
 * @buffer_pct: memory buffer: target = demand * (100 + buffer_pct) / 100
 * @manual: a fixed target instead of the demand-driven one
 * @manual_target: that target (clamped to [@minimum, @maximum])
 * @block: hot-add granularity: the guest's memory block size
 * @step: the most pages one automatic request moves (0: no limit)
 * @ha_step: automatic hot-adds back at most this many pages each, not
 *	rounded to blocks, so that each request after the first starts
 *	inside the region of the one before and runs past it (0: whole
 *	blocks)
 * @hysteresis_pct: the automatic balancer balloons only when the guest
 *	has more than max(@block, @hysteresis_pct % of it) above its target
 * @shrink_reports: ... and only after that many status reports in a row
 *	said so
 */
struct lis_dm_policy {
	u64 minimum;
	u64 maximum;
	u32 buffer_pct;
	bool manual;
	u64 manual_target;
	u64 block;
	u64 step;
	u64 ha_step;
	u32 hysteresis_pct;
	u32 shrink_reports;
};

/**
 * struct lis_dm_view - what the host knows now
 * @assigned: startup + hot-added - ballooned
 * @ballooned: pages in the balloon (holes the host can refill)
 * @hot_add_room: pages the host can still hot-add
 * @demand: the guest's demand from its last report
 * @can_balloon: the guest can balloon
 * @can_hot_add: the guest can hot-add and has not given up on it
 * @shrink_streak: reports in a row whose target was below @assigned by
 *	more than the hysteresis, counted in windows of the policy's
 *	shrink_reports (lis_dm_policy_report())
 * @shrink_peak: the highest target of the reports in the current window
 * @balloon_misses: balancer balloon requests in a row that the guest
 *	answered short (lis_dm_policy_answered())
 */
struct lis_dm_view {
	u64 assigned;
	u64 ballooned;
	u64 hot_add_room;
	u64 demand;
	bool can_balloon;
	bool can_hot_add;
	u32 shrink_streak;
	u64 shrink_peak;
	u32 balloon_misses;
};

enum lis_dm_action {
	LIS_DM_ACT_NONE,
	LIS_DM_ACT_BALLOON,
	LIS_DM_ACT_UNBALLOON,
	LIS_DM_ACT_HOT_ADD,
};

/**
 * struct lis_dm_decision - what to ask the guest next
 * @action: enum lis_dm_action
 * @pages: how many pages
 * @target: the target it was computed for
 */
struct lis_dm_decision {
	int action;
	u64 pages;
	u64 target;
};

u64 lis_dm_policy_target(const struct lis_dm_policy *p, u64 demand);
u64 lis_dm_policy_hysteresis(const struct lis_dm_policy *p, u64 assigned);
void lis_dm_policy_report(const struct lis_dm_policy *p,
			  struct lis_dm_view *v);
void lis_dm_policy_answered(struct lis_dm_view *v, int action, u64 asked,
			    u64 done);
u32 lis_dm_policy_backoff(const struct lis_dm_view *v);
void lis_dm_policy_decide(const struct lis_dm_policy *p,
			  const struct lis_dm_view *v,
			  struct lis_dm_decision *d);

#endif /* _LIS_SIM_DM_POLICY_H */

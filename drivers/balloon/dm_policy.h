/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis_balloon: the floor and pressure arithmetic (dm_policy.c).
 *
 * Pure code: numbers in, numbers out, all in 4 KiB pages.
 * Documentation/dynamic-memory.rst explains every formula here.
 */
#ifndef _LIS_BALLOON_DM_POLICY_H
#define _LIS_BALLOON_DM_POLICY_H

#include <lis/shim.h>

/* 4 KiB pages in @mb MiB. */
#define LIS_DM_MB(mb)		((u64)(mb) << (20 - LIS_HV_PAGE_SHIFT))

/**
 * struct lis_dm_sample - the guest's memory, as the report sees it
 * @total: usable memory at its high-water mark (ballooned pages included)
 * @available: MemAvailable: what could be allocated without swapping
 * @committed_as: Committed_AS: memory promised to processes
 * @ballooned: pages in the balloon
 * @added: hot-added pages the host backed
 * @onlined: hot-added pages handed to the page allocator
 * @floor: the floor the report adds: lis_dm_floor() of @total plus the
 *	floor_mb parameter (lis reports), lis_dm_linux_floor() of MemTotal
 *	(Linux's reports)
 * @pressure: reclaim ran since the last report (lis reports only)
 * @lis: report lis's figures (report=lis) instead of Linux's
 */
struct lis_dm_sample {
	u64 total;
	u64 available;
	u64 committed_as;
	u64 ballooned;
	u64 added;
	u64 onlined;
	u64 floor;
	bool pressure;
	bool lis;
};

/**
 * struct lis_dm_report - the two numbers a STATUS_REPORT carries
 * @committed: the guest's demand, as the host's balancer reads it
 * @avail: pages the guest could give up
 * @used: the guest's own use (without the balloon), for tracing
 */
struct lis_dm_report {
	u64 committed;
	u64 avail;
	u64 used;
};

u64 lis_dm_floor(u64 total);
u64 lis_dm_linux_floor(u64 total);
void lis_dm_report(const struct lis_dm_sample *s, struct lis_dm_report *r);
u64 lis_dm_balloon_allowance(u64 want, u64 available, u64 floor);

#endif /* _LIS_BALLOON_DM_POLICY_H */

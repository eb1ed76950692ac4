// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_balloon: the floor below which the guest never balloons, and the
 * numbers of the status report (Linux's by default, or lis's own).
 *
 * Pure code, all quantities in 4 KiB pages.  The reasoning behind each
 * formula is in Documentation/dynamic-memory.rst ("Pressure reports").
 */
#include "dm_policy.h"

/**
 * lis_dm_floor() - memory a guest of @total pages keeps whatever happens
 * @total: the guest's memory at its high-water mark
 *
 * 64 MiB for the kernel's fixed costs (text, page tables, per-CPU areas,
 * reserves) plus 1/16 of the memory for what grows with it (struct pages,
 * watermarks, a working set of page cache), never more than @total.
 *
 * Context: any.
 * Return: the floor, in 4 KiB pages.
 */
u64 lis_dm_floor(u64 total)
{
	u64 floor = LIS_DM_MB(64) + total / 16;

	return floor < total ? floor : total;
}

/**
 * lis_dm_linux_floor() - the floor Linux's hv_balloon adds to its reports
 * @total: MemTotal now, in 4 KiB pages
 *
 * A continuous piecewise linear function of the memory: half of it plus
 * 8 MiB below 128 MiB, then a quarter plus 40 MiB below 512 MiB, an
 * eighth plus 104 MiB below 2 GiB, a sixteenth plus 232 MiB below 8 GiB,
 * and a thirty-second plus 488 MiB above (768 MiB: 200 MiB; 4 GiB:
 * 488 MiB).  Hosts have been tested against reports carrying it.
 *
 * Context: any.
 * Return: the floor, in 4 KiB pages.
 */
u64 lis_dm_linux_floor(u64 total)
{
	if (total < LIS_DM_MB(128))
		return LIS_DM_MB(8) + total / 2;
	if (total < LIS_DM_MB(512))
		return LIS_DM_MB(40) + total / 4;
	if (total < LIS_DM_MB(2048))
		return LIS_DM_MB(104) + total / 8;
	if (total < LIS_DM_MB(8192))
		return LIS_DM_MB(232) + total / 16;
	return LIS_DM_MB(488) + total / 32;
}

/**
 * lis_dm_report() - the numbers of one STATUS_REPORT
 * @s: the guest's memory now
 * @r: the report
 *
 * Linux's figures (the default): committed = Committed_AS + the balloon
 * + hot-added pages not yet online + the floor; avail = MemAvailable as
 * it is.
 *
 * lis's figures (@s->lis): demand = max(Committed_AS, memory in use by
 * the guest itself); the committed figure adds what the host must not
 * take or count as free: the balloon, hot-added pages not yet online and
 * the floor, and under pressure a margin of 1/32 of the memory so that
 * the host grows the guest before it starts to swap or kill.  avail is
 * what the guest could give up: MemAvailable above the floor.
 *
 * Either way the balloon is counted once: @s->total includes it and
 * @s->available does not, so it is taken off the guest's own use.
 *
 * Context: any.
 */
void lis_dm_report(const struct lis_dm_sample *s, struct lis_dm_report *r)
{
	u64 used = 0, demand;

	/* Memory the guest uses itself: neither available nor ballooned. */
	if (s->total > s->available + s->ballooned)
		used = s->total - s->available - s->ballooned;
	r->used = used;
	demand = s->committed_as;
	if (s->lis && used > demand)
		demand = used;

	r->committed = demand + s->ballooned + s->floor;
	if (s->added > s->onlined)
		r->committed += s->added - s->onlined;
	if (!s->lis) {
		r->avail = s->available;
		return;
	}
	if (s->pressure)
		r->committed += s->total / 32;
	r->avail = s->available > s->floor ? s->available - s->floor : 0;
}

/**
 * lis_dm_balloon_allowance() - pages the guest can give up now
 * @want: pages the host still asks for
 * @available: MemAvailable now
 * @floor: lis_dm_floor() plus the floor_mb parameter
 *
 * Context: any.
 * Return: at most @want, and never so many that @available would fall
 * below @floor.
 */
u64 lis_dm_balloon_allowance(u64 want, u64 available, u64 floor)
{
	u64 spare = available > floor ? available - floor : 0;

	return want < spare ? want : spare;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Dynamic Memory host's hot-add range: which of its pages the guest
 * has accepted (one bit per page, the host's record of what it backed),
 * where the next request goes, and the check of every
 * MEM_HOT_ADD_RESPONSE against what the guest really did.
 *
 * A real host takes the response's page_count as the number of pages,
 * from the start of the range it sent, that the guest now uses: it
 * charges them to the guest and never offers them again.  So the check
 * is the one a host would suffer from if it failed:
 *
 * - page_count is at most what was asked, and comes with result 1 (a
 *   "try again later" answer that claims pages is contradictory);
 * - no page the host has not backed is in use by the guest: in every
 *   online memory block the request touched, a page the host never
 *   backed is still held back from the allocator (PageReserved on 6.1,
 *   PageOffline on 6.12), and a page the guest claimed is not.  Blocks
 *   that are not online (the guest answered before its udev rule ran)
 *   cannot be checked and are skipped.
 *
 * Everything here runs with lis_sim.lock held (sim.h).
 */
#include <linux/bitmap.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/page-flags.h>
#include <linux/slab.h>

#include "dm_host.h"

/**
 * lis_dm_ha_init() - the record of backed pages
 * @dm: the DM host, its range set and @dm->hot_added read (pages at the
 *	start of the range hot-added before this load)
 *
 * Return: 0 or -ENOMEM.
 */
int lis_dm_ha_init(struct lis_sim_dm *dm)
{
	if (!dm->ha_pages)
		return 0;
	dm->ha_map = kvcalloc(BITS_TO_LONGS(dm->ha_pages),
			      sizeof(unsigned long), GFP_KERNEL);
	if (!dm->ha_map)
		return -ENOMEM;
	bitmap_set(dm->ha_map, 0, dm->hot_added);
	return 0;
}

/**
 * lis_dm_ha_exit() - free the record
 * @dm: the DM host
 */
void lis_dm_ha_exit(struct lis_sim_dm *dm)
{
	kvfree(dm->ha_map);
	dm->ha_map = NULL;
}

/* Pages of the range below the highest page the guest can use. */
static u64 lis_dm_ha_limit(const struct lis_sim_dm *dm)
{
	u64 lim = dm->ha_pages;

	if (dm->guest_max_pfn < dm->ha_start + dm->ha_pages)
		lim = dm->guest_max_pfn + 1 > dm->ha_start ?
		      dm->guest_max_pfn + 1 - dm->ha_start : 0;
	return lim;
}

/**
 * lis_dm_ha_room() - pages the host can still hot-add
 * @dm: the DM host
 *
 * Return: pages of the range not backed yet, below the guest's highest
 * page number.
 */
u64 lis_dm_ha_room(const struct lis_sim_dm *dm)
{
	u64 lim = lis_dm_ha_limit(dm);

	if (!lim || !dm->ha_map)
		return 0;
	return lim - bitmap_weight(dm->ha_map, lim);
}

/**
 * lis_dm_ha_next() - where the balancer's next hot-add goes
 * @dm: the DM host
 * @pages: pages it wants to add
 * @pfn: receives the first page frame
 *
 * The first pages the host has not backed, as one contiguous range.
 *
 * Return: pages of the range (at most @pages); 0 if none are left.
 */
u64 lis_dm_ha_next(const struct lis_sim_dm *dm, u64 pages, u64 *pfn)
{
	u64 lim = lis_dm_ha_limit(dm), first, end;

	if (!lim || !dm->ha_map)
		return 0;
	first = find_first_zero_bit(dm->ha_map, lim);
	if (first >= lim)
		return 0;
	end = find_next_bit(dm->ha_map, lim, first);
	*pfn = dm->ha_start + first;
	return min(pages, end - first);
}

/**
 * lis_dm_ha_check_cmd() - can a debugfs command hot-add this range?
 * @dm: the DM host
 * @pfn: first page frame
 * @count: pages
 * @rg_pfn: the region's first page frame (24-byte form), or 0
 * @rg_count: its pages, or 0 for the 16-byte form
 *
 * The range and the region must lie in the host's hot-add range (a host
 * offers only memory it has) and the region must hold the range.  Pages
 * backed before may be asked again: the guest must refuse them.
 *
 * Return: NULL, or why not.
 */
const char *lis_dm_ha_check_cmd(const struct lis_sim_dm *dm, u64 pfn,
				u64 count, u64 rg_pfn, u64 rg_count)
{
	u64 end = dm->ha_start + dm->ha_pages;

	if (!dm->ha_pages)
		return "no hot-add range (dm_hotadd=)";
	if (!count || count > LIS_DM_RANGE_MAX_PAGES)
		return "page count 1 to 2^24-1";
	if (pfn < dm->ha_start || pfn >= end || count > end - pfn)
		return "pages outside the hot-add range";
	if (!rg_count)
		return NULL;
	if (rg_count > LIS_DM_RANGE_MAX_PAGES)
		return "region page count 1 to 2^24-1";
	if (rg_pfn < dm->ha_start || rg_pfn >= end || rg_count > end - rg_pfn)
		return "region outside the hot-add range";
	if (pfn < rg_pfn || pfn + count > rg_pfn + rg_count)
		return "region does not hold the pages";
	return NULL;
}

/* 1: handed to the allocator; 0: held back; -1: block not online. */
static int lis_dm_ha_page_state(u64 pfn)
{
	struct page *page = pfn_to_online_page(pfn);

	if (!page)
		return -1;
	return !(PageReserved(page) || PageOffline(page));
}

/*
 * Every page of the blocks [@pfn, @pfn + @count) touches: in use only if
 * backed.  Return: pages that break the rule; the first in *bad.
 */
static u64 lis_dm_ha_scan(struct lis_sim_dm *dm, u64 pfn, u64 count,
			  u64 *bad)
{
	u64 block = dm->pol.block ? dm->pol.block : 1;
	u64 start = max(rounddown(pfn, block), dm->ha_start);
	u64 end = min(roundup(pfn + count, block), dm->ha_start + dm->ha_pages);
	u64 p, wrong = 0;
	int st;

	for (p = start; p < end; p++) {
		st = lis_dm_ha_page_state(p);
		if (st < 0)
			continue;
		if (st != test_bit(p - dm->ha_start, dm->ha_map)) {
			if (!wrong++)
				*bad = p;
		}
	}
	return wrong;
}

/**
 * lis_dm_ha_answered() - check and record a MEM_HOT_ADD_RESPONSE
 * @dm: the DM host
 * @m: the response
 *
 * Protocol errors: more pages than asked, result 0 with pages, pages in
 * use that the host never backed, claimed pages held back.
 *
 * Return: the pages the host now counts as hot-added.
 */
u64 lis_dm_ha_answered(struct lis_sim_dm *dm, const struct lis_dm_guest_msg *m)
{
	const struct lis_dm_req *req = &dm->req;
	u64 pages = m->u.hot_add.pages, off = req->ha_pfn - dm->ha_start;
	u64 wrong, bad = 0, newly;

	if (pages > req->asked) {
		dm->protocol_errors++;
		pr_warn_ratelimited("dm: guest protocol error: hot-added %llu pages, %llu asked\n",
				    pages, req->asked);
		pages = req->asked;
	}
	if (pages && m->u.hot_add.result != LIS_DM_HOT_ADD_OK) {
		dm->protocol_errors++;
		pr_warn_ratelimited("dm: guest protocol error: hot-add response with %llu pages and result %u (try again)\n",
				    pages, m->u.hot_add.result);
		pages = 0;
	}
	/* Asked again for pages backed before: those count once. */
	newly = pages - (bitmap_weight(dm->ha_map, off + pages) -
			 bitmap_weight(dm->ha_map, off));
	bitmap_set(dm->ha_map, off, pages);
	dm->hot_added += newly;

	wrong = lis_dm_ha_scan(dm, req->ha_pfn, req->asked, &bad);
	if (wrong) {
		dm->protocol_errors++;
		pr_warn_ratelimited("dm: guest protocol error: after hot-adding %llu of %llu pages at %#llx, %llu pages disagree with what the host backed (first %#llx: %s)\n",
				    pages, req->asked, req->ha_pfn, wrong, bad,
				    test_bit(bad - dm->ha_start, dm->ha_map) ?
				    "backed but held back" : "in use, never backed");
	}
	return pages;
}

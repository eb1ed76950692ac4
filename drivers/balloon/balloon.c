// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_balloon: balloon up (give pages to the host) and down (take them
 * back).
 *
 * Up: pages are allocated 2 MiB at a time while that works, then 4 KiB at
 * a time, never so many that MemAvailable would fall below the floor
 * (dm_policy.c).  Each response carries up to 510 ranges; all but the
 * last have more_pages set, and the last may be empty ("at my minimum").
 * Nothing sleeps holding a lock: the xarray has its own.
 *
 * Down: each returned range is first checked against the set of
 * ballooned pages; a range with any page the guest did not balloon is
 * refused whole (logged), the others are freed, 2 MiB blocks as such when
 * they come back whole.  A range made of whole allocations (the usual
 * case) is checked in one walk of the xarray, and its allocations are
 * gathered 64 at a time by further walks, erased and freed at their
 * order; only a range that cuts a 2 MiB block is looked at allocation
 * by allocation.  The answer goes after the
 * chain's last message.
 *
 * Going away: pages still ballooned stay allocated (the host holds them
 * until it returns them); the next device of this module takes them over,
 * and once the module goes they stay allocated for good.
 *
 * Accounting: by default (accounting=used) MemTotal keeps its high-water
 * mark and ballooned pages count as used, as the host documentation
 * describes; with accounting=total, MemTotal shrinks by the balloon
 * (adjust_managed_page_count()).
 */
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/sched.h>

#include "core.h"
#include "dm_span.h"
#include "trace.h"

#define DM_GFP	(GFP_HIGHUSER | __GFP_NORETRY | __GFP_NOWARN | \
		 __GFP_NOMEMALLOC)

/**
 * dm_floor_pages() - pages the guest keeps whatever the host asks
 * @dm: the device
 *
 * Context: any.
 * Return: lis_dm_floor() of the high-water total, plus floor_mb.
 */
u64 dm_floor_pages(struct lis_dm *dm)
{
	u64 total = totalram_pages();

	if (dm_shrink_total)
		total += atomic_long_read(&dm->pages_ballooned);
	return lis_dm_floor(total) + LIS_DM_MB(READ_ONCE(dm_floor_mb));
}

static void dm_account(struct lis_dm *dm, struct page *page, long n)
{
	atomic_long_add(n, &dm->pages_ballooned);
	if (dm_shrink_total)
		adjust_managed_page_count(page, -n);
}

/* Give an allocation back to the guest; its entry is already erased. */
static void dm_give_back(struct lis_dm *dm, unsigned long pfn,
			 unsigned int order)
{
	struct page *page = pfn_to_page(pfn);

	dm_account(dm, page, -(1L << order));
	__free_pages(page, order);
}

/* The allocation holding @pfn: its first pfn and order, or -ENOENT. */
static int dm_lookup(struct lis_dm *dm, unsigned long pfn,
		     unsigned long *base, unsigned int *order)
{
	unsigned long big = ALIGN_DOWN(pfn, 1UL << DM_BIG_ORDER);
	void *e = xa_load(&dm->ballooned, pfn);

	if (!xa_is_value(e) && big != pfn) {
		e = xa_load(&dm->ballooned, big);
		if (!xa_is_value(e) || xa_to_value(e) != DM_BIG_ORDER)
			return -ENOENT;
		pfn = big;
	}
	if (!xa_is_value(e))
		return -ENOENT;
	*base = pfn;
	*order = xa_to_value(e);
	return 0;
}

static int dm_lookup_cb(void *ctx, u64 pfn, u64 *base, unsigned int *order)
{
	unsigned long b;
	int ret;

	ret = dm_lookup(ctx, pfn, &b, order);
	*base = b;
	return ret;
}

/* Return every page of a response that could not be sent. */
static void dm_undo(struct lis_dm *dm, struct lis_dm_balloon_response *resp)
{
	u32 i, n = lis_dm_balloon_resp_count(resp);

	for (i = 0; i < n; i++) {
		unsigned long pfn = lis_dm_range_pfn(resp->range[i]);
		unsigned long end = pfn + lis_dm_range_count(resp->range[i]);
		unsigned long base;
		unsigned int order;

		while (pfn < end && !dm_lookup(dm, pfn, &base, &order)) {
			/* Only the one who erased the entry frees the pages. */
			if (xa_erase(&dm->ballooned, base))
				dm_give_back(dm, base, order);
			pfn = base + (1UL << order);
		}
	}
	lis_dm_balloon_resp_reset(resp);
}

static int dm_flush(struct lis_dm *dm, bool more)
{
	struct lis_dm_balloon_response *resp = dm->resp;
	int ret;

	ret = dm_send(dm, resp, lis_dm_balloon_resp_close(resp, more));
	if (ret)
		dm_undo(dm, resp);
	lis_dm_balloon_resp_reset(resp);
	return ret;
}

/*
 * One allocation into the balloon.  Return: 0; -ENOMEM when nothing could
 * be allocated; another error when the response could not be sent.
 */
static int dm_take(struct lis_dm *dm, unsigned int order, u64 *given)
{
	struct page *page = alloc_pages(DM_GFP, order);
	unsigned long pfn;
	int ret;

	if (!page)
		return -ENOMEM;
	pfn = page_to_pfn(page);
	ret = xa_err(xa_store(&dm->ballooned, pfn, xa_mk_value(order),
			      GFP_KERNEL));
	if (ret) {
		__free_pages(page, order);
		return ret;
	}
	dm_account(dm, page, 1L << order);
	if (!lis_dm_balloon_resp_add(dm->resp, pfn, 1UL << order)) {
		/* Full: send it, more to come, and start the next one. */
		ret = dm_flush(dm, true);
		if (ret) {
			xa_erase(&dm->ballooned, pfn);
			dm_give_back(dm, pfn, order);
			return ret;
		}
		lis_dm_balloon_resp_add(dm->resp, pfn, 1UL << order);
	}
	*given += 1UL << order;
	return 0;
}

/**
 * dm_balloon_work() - answer one BALLOON_REQUEST
 * @work: &lis_dm.balloon_work
 *
 * Context: process, on the driver's workqueue.
 */
void dm_balloon_work(struct work_struct *work)
{
	struct lis_dm *dm = container_of(work, struct lis_dm, balloon_work);
	u64 want, given = 0, allow = 0;
	bool big = true;
	unsigned int order;
	int ret = 0;

	mutex_lock(&dm->lock);
	want = dm->balloon_want;
	mutex_unlock(&dm->lock);
	dm_set_state(dm, DM_BALLOON_UP);
	atomic64_inc(&dm->stats.balloon_requests);
	lis_dm_balloon_resp_reset(dm->resp);

	while (given < want && !READ_ONCE(dm->stopping)) {
		if (!allow) {
			/* Re-read the allowance once the last one is used. */
			allow = lis_dm_balloon_allowance(want - given,
							 si_mem_available(),
							 dm_floor_pages(dm));
			if (!allow)
				break;
		}
		order = big && allow >= (1UL << DM_BIG_ORDER) ?
			DM_BIG_ORDER : 0;
		ret = dm_take(dm, order, &given);
		if (ret == -ENOMEM && order) {
			/* No 2 MiB block left: 4 KiB pages from now on. */
			big = false;
			continue;
		}
		if (ret)
			break;
		allow -= min_t(u64, allow, 1UL << order);
		cond_resched();
	}
	if (!ret || ret == -ENOMEM)
		ret = dm_flush(dm, false);
	if (given < want)
		dev_info_ratelimited(&dm->dev->dev, "balloon: gave %llu of %llu pages (floor %llu MiB)\n",
				     given, want,
				     dm_floor_pages(dm) >> (20 - PAGE_SHIFT));
	trace_lis_balloon_request(LIS_DM_BALLOON_REQUEST, want, given, ret);

	dm_set_state(dm, DM_INITIALIZED);
	dm_request_done(dm, LIS_DM_BALLOON_REQUEST);
}

/*
 * Is [pfn, end) made of whole allocations, back to back?  One walk of
 * the xarray, not one lookup per allocation.
 */
static bool dm_whole_allocations(struct lis_dm *dm, unsigned long pfn,
				 unsigned long end)
{
	XA_STATE(xas, &dm->ballooned, pfn);
	unsigned long next = pfn;
	void *e;

	rcu_read_lock();
	xas_for_each(&xas, e, end - 1) {
		if (xas_retry(&xas, e))
			continue;
		if (xas.xa_index != next || !xa_is_value(e) ||
		    xa_to_value(e) > DM_BIG_ORDER)
			break;
		next += 1UL << xa_to_value(e);
		if (next >= end)
			break;
	}
	rcu_read_unlock();
	return next == end;
}

/* Allocations gathered per walk of the xarray, then erased and freed. */
#define DM_FREE_BATCH	64

/*
 * Erase and free every allocation of [pfn, end), each as the block it was
 * allocated as: a walk gathers up to DM_FREE_BATCH entries without
 * changing the xarray (a store while walking may shrink the tree under
 * the walk), then each is erased, and freed only if this erase removed
 * it.
 */
static void dm_free_allocations(struct lis_dm *dm, unsigned long pfn,
				unsigned long end)
{
	unsigned long base[DM_FREE_BATCH];
	unsigned int order[DM_FREE_BATCH];
	unsigned int i, n;
	void *e;

	while (pfn < end) {
		XA_STATE(xas, &dm->ballooned, pfn);

		n = 0;
		rcu_read_lock();
		xas_for_each(&xas, e, end - 1) {
			if (xas_retry(&xas, e) || !xa_is_value(e))
				continue;
			base[n] = xas.xa_index;
			order[n] = xa_to_value(e);
			if (++n == DM_FREE_BATCH)
				break;
		}
		rcu_read_unlock();
		if (!n)
			break;
		for (i = 0; i < n; i++)
			if (xa_erase(&dm->ballooned, base[i]))
				dm_give_back(dm, base[i], order[i]);
		pfn = base[n - 1] + 1;
		cond_resched();
	}
}

/* Check, then free, one returned range; false if it was refused. */
static bool dm_unballoon_range(struct lis_dm *dm, u64 range)
{
	unsigned long pfn = lis_dm_range_pfn(range);
	unsigned long end = pfn + lis_dm_range_count(range);
	unsigned long p, base;
	unsigned int order;

	if (lis_dm_check_range(range, DM_MAX_PFN))
		return false;
	/* The usual case: whole allocations come back. */
	if (dm_whole_allocations(dm, pfn, end)) {
		dm_free_allocations(dm, pfn, end);
		return true;
	}
	if (lis_dm_check_ballooned(range, dm_lookup_cb, dm))
		return false;

	for (p = pfn; p < end; p = base + (1UL << order)) {
		if (dm_lookup(dm, p, &base, &order))
			break;
		if (order && (base < pfn || base + (1UL << order) > end)) {
			unsigned long i;

			/* Part of a 2 MiB block comes back: split it. */
			split_page(pfn_to_page(base), order);
			for (i = 1; i < (1UL << order); i++)
				if (xa_err(xa_store(&dm->ballooned, base + i,
						    xa_mk_value(0), GFP_KERNEL)))
					dev_err_ratelimited(&dm->dev->dev, "balloon: out of memory tracking pfn %#lx; it stays ballooned\n",
							    base + i);
			xa_store(&dm->ballooned, base, xa_mk_value(0),
				 GFP_KERNEL);
			order = 0;
			base = p;
			if (dm_lookup(dm, p, &base, &order))
				break;
		}
		xa_erase(&dm->ballooned, base);
		dm_give_back(dm, base, order);
	}
	return true;
}

/**
 * dm_unballoon() - handle one UNBALLOON_REQUEST message of a chain
 * @dm: the device
 * @msg: the parsed message
 *
 * Context: process (rx_work).
 */
void dm_unballoon(struct lis_dm *dm, const struct lis_dm_msg *msg)
{
	struct lis_dm_unballoon_response resp;
	u64 pages = 0, chain;
	u32 i;
	int ret;

	dm_set_state(dm, DM_BALLOON_DOWN);
	atomic64_inc(&dm->stats.unballoon_requests);
	for (i = 0; i < msg->nr_ranges; i++) {
		u64 range = lis_dm_msg_range(msg, i);

		if (dm_unballoon_range(dm, range)) {
			pages += lis_dm_range_count(range);
			continue;
		}
		atomic64_inc(&dm->stats.unballoon_rejected);
		dev_warn_ratelimited(&dm->dev->dev, "unballoon: pages %#llx+%llu were not ballooned: refused\n",
				     lis_dm_range_pfn(range),
				     lis_dm_range_count(range));
	}
	mutex_lock(&dm->lock);
	dm->unballoon_chain += pages;
	chain = dm->unballoon_chain;
	if (!msg->more)
		dm->unballoon_chain = 0;
	mutex_unlock(&dm->lock);
	if (msg->more)
		return;

	ret = dm_send(dm, &resp, lis_dm_unballoon_response(&resp));
	trace_lis_balloon_request(LIS_DM_UNBALLOON_REQUEST, chain, chain, ret);
	dm_set_state(dm, DM_INITIALIZED);
}

/*
 * Pages a device instance left ballooned when it went away (rescind,
 * unbind, a failed probe): the host still holds them and may return them
 * to the next instance, as it may to Linux's hv_balloon, whose balloon
 * outlives an unbind.  pfn -> order, as lis_dm.ballooned.
 * dm_kept_lock serialises moving the whole set in and out of an instance;
 * the xarray's own lock guards each entry.
 */
static DEFINE_XARRAY(dm_kept);
static DEFINE_MUTEX(dm_kept_lock);

/**
 * dm_balloon_keep_all() - the device goes away with pages ballooned
 * @dm: the device, with its channel closed and its work finished
 *
 * The host still holds every ballooned page: only an UNBALLOON_REQUEST
 * gives one back.  Handing them to the page allocator would let the
 * guest use memory the host took, so they stay allocated, moved to the
 * module's kept set for the next device to take over
 * (dm_balloon_adopt()); if none does before the module goes, they stay
 * allocated for good, as Linux's hv_balloon leaves them.  With
 * accounting=total, MemTotal stays without them.  The count is logged.
 *
 * Context: process.
 */
void dm_balloon_keep_all(struct lis_dm *dm)
{
	unsigned long pfn, n = 0, lost = 0;
	void *e;

	mutex_lock(&dm_kept_lock);
	xa_for_each(&dm->ballooned, pfn, e) {
		xa_erase(&dm->ballooned, pfn);
		n += 1UL << xa_to_value(e);
		/* Untracked, the pages are still never freed: only leaked. */
		if (xa_err(xa_store(&dm_kept, pfn, e, GFP_KERNEL)))
			lost += 1UL << xa_to_value(e);
		cond_resched();
	}
	mutex_unlock(&dm_kept_lock);
	atomic_long_sub(n, &dm->pages_ballooned);
	if (n)
		dev_warn(&dm->dev->dev, "%lu ballooned pages (%lu MiB) stay with the host: kept for the next device it returns them to\n",
			 n, n >> (20 - PAGE_SHIFT));
	if (lost)
		dev_err(&dm->dev->dev, "out of memory keeping track of %lu ballooned pages: the guest never uses them again\n",
			lost);
}

/**
 * dm_balloon_adopt() - take over the pages an earlier device left
 * @dm: a new device, before its first status report
 *
 * The host may return the pages an earlier device of this guest
 * ballooned (dm_balloon_keep_all()); they become this device's, counted
 * in its reports and accepted back on UNBALLOON_REQUEST.
 *
 * Context: process.
 */
void dm_balloon_adopt(struct lis_dm *dm)
{
	unsigned long pfn, n = 0;
	void *e;

	mutex_lock(&dm_kept_lock);
	xa_for_each(&dm_kept, pfn, e) {
		/* Without memory to track it here, it stays kept. */
		if (xa_err(xa_store(&dm->ballooned, pfn, e, GFP_KERNEL)))
			continue;
		xa_erase(&dm_kept, pfn);
		n += 1UL << xa_to_value(e);
		cond_resched();
	}
	mutex_unlock(&dm_kept_lock);
	/* Already taken from the allocator (and from MemTotal if total). */
	atomic_long_add(n, &dm->pages_ballooned);
	if (n)
		dev_info(&dm->dev->dev, "took over %lu ballooned pages (%lu MiB) the host still holds\n",
			 n, n >> (20 - PAGE_SHIFT));
}

/**
 * dm_balloon_kept_exit() - the module goes with pages still kept
 *
 * No driver is left to take them back: they stay allocated for good.
 *
 * Context: process (module exit, every device removed).
 */
void dm_balloon_kept_exit(void)
{
	unsigned long pfn, n = 0;
	void *e;

	xa_for_each(&dm_kept, pfn, e)
		n += 1UL << xa_to_value(e);
	xa_destroy(&dm_kept);
	if (n)
		pr_warn("%lu ballooned pages (%lu MiB) stay with the host: the guest never uses them again\n",
			n, n >> (20 - PAGE_SHIFT));
}

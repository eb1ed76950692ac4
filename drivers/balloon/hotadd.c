// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_balloon: hot-add.
 *
 * The host asks the guest to back a range of pages, optionally naming the
 * region it will eventually fill.  The guest keeps a region for it,
 * aligned to the memory block size (memory_block_size_bytes()), adds the
 * blocks that cover the range, each run of blocks not added yet with one
 * add_memory(), and waits, for online_timeout seconds at most, for them
 * to come online (by the kernel's auto-online policy or by udev).
 *
 * Hyper-V hot-adds incrementally: a request may start inside a region
 * added earlier and run past its end.  The region then grows to the block
 * boundary after the request (never into the next region), as Linux's
 * hv_balloon grows its "hot-add state"; a request that runs into a later
 * region continues in it.  A request's pages are handled one region
 * piece at a time.
 *
 * Only pages the host backed may be used: while a block is onlined, the
 * online-page callback hands the backed pages to the page allocator and
 * keeps the others (they stay reserved).  A later request that backs such
 * a "gap" onlines its pages then.
 *
 * If a block does not come online in time, the driver takes it away
 * again and answers "try again later" (result 0): onlining may be turned
 * on, or the guest may be less loaded, by the time the host retries.
 * Only a range that something else holds (add_memory() -EEXIST) turns
 * hot-add off for good, as in Linux.  The table of every failure and its
 * answer is in Documentation/dynamic-memory.rst.
 *
 * pages_added counts the pages the host backed (not whole blocks), so
 * that the status report's "added but not online" term is real demand.
 *
 * The online-page callback and the memory notifier are global to the
 * kernel, so they find the device through dm_ha_dev.
 */
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/slab.h>

#include <lis/compat.h>
#include "core.h"
#include "dm_span.h"
#include "trace.h"

/* Separate backed ranges one region can hold (gaps are rare). */
#define DM_REGION_SPANS		64

enum dm_block_state {
	DM_BLOCK_NONE = 0,	/* not added */
	DM_BLOCK_ADDED,		/* added, offline */
	DM_BLOCK_GOING,		/* being onlined */
	DM_BLOCK_ONLINE,
};

/**
 * struct dm_region - memory the host hot-adds, in whole blocks
 * @list: in &lis_dm.regions
 * @start: first pfn (block aligned)
 * @end: pfn after the last (block aligned)
 * @block: enum dm_block_state of each block
 * @backed: the pages the host backed
 * @spans: storage for @backed
 */
struct dm_region {
	struct list_head list;
	unsigned long start;
	unsigned long end;
	u8 *block;
	struct lis_dm_spans backed;
	struct lis_dm_span spans[DM_REGION_SPANS];
};

/* The device whose regions the global hooks serve. */
static struct lis_dm *dm_ha_dev;

/* Caller holds ha_lock. */
static struct dm_region *dm_region_of(struct lis_dm *dm, unsigned long pfn)
{
	struct dm_region *rg;

	list_for_each_entry(rg, &dm->regions, list)
		if (pfn >= rg->start && pfn < rg->end)
			return rg;
	return NULL;
}

/* Pages of [start, end) the host backed.  Caller holds ha_lock. */
static unsigned long dm_backed_in(struct dm_region *rg, unsigned long start,
				  unsigned long end)
{
	return lis_dm_spans_count(&rg->backed, start, end);
}

/* Online a chunk of pages: only backed ones.  Caller holds ha_lock. */
static void dm_online_locked(struct lis_dm *dm, struct page *page,
			     unsigned int order)
{
	unsigned long pfn = page_to_pfn(page), n = 1UL << order, i;
	struct dm_region *rg = dm_region_of(dm, pfn);

	if (!rg || dm_backed_in(rg, pfn, pfn + n) == n) {
		generic_online_page(page, order);
		if (rg)
			atomic_long_add(n, &dm->pages_onlined);
		return;
	}
	for (i = 0; i < n; i++) {
		if (!dm_backed_in(rg, pfn + i, pfn + i + 1))
			continue;
		generic_online_page(pfn_to_page(pfn + i), 0);
		atomic_long_inc(&dm->pages_onlined);
	}
}

/* The online-page callback: only backed pages go to the allocator. */
static void dm_online_page(struct page *page, unsigned int order)
{
	struct lis_dm *dm = READ_ONCE(dm_ha_dev);

	if (!dm) {
		generic_online_page(page, order);
		return;
	}
	spin_lock(&dm->ha_lock);
	dm_online_locked(dm, page, order);
	spin_unlock(&dm->ha_lock);
}

static int dm_mem_notify(struct notifier_block *nb, unsigned long action,
			 void *arg)
{
	struct lis_dm *dm = container_of(nb, struct lis_dm, mem_nb);
	struct memory_notify *mn = arg;
	unsigned long pfn, end = mn->start_pfn + mn->nr_pages;
	struct dm_region *rg;

	spin_lock(&dm->ha_lock);
	for (pfn = mn->start_pfn; pfn < end; pfn += dm->block_pages) {
		unsigned long b;

		rg = dm_region_of(dm, pfn);
		if (!rg)
			continue;
		b = (pfn - rg->start) / dm->block_pages;
		switch (action) {
		case MEM_GOING_ONLINE:
			rg->block[b] = DM_BLOCK_GOING;
			break;
		case MEM_ONLINE:
			rg->block[b] = DM_BLOCK_ONLINE;
			break;
		case MEM_CANCEL_ONLINE:
			rg->block[b] = DM_BLOCK_ADDED;
			break;
		case MEM_OFFLINE:
			rg->block[b] = DM_BLOCK_ADDED;
			atomic_long_sub(dm_backed_in(rg, pfn,
						     pfn + dm->block_pages),
					&dm->pages_onlined);
			break;
		}
	}
	spin_unlock(&dm->ha_lock);
	wake_up(&dm->wait);
	return NOTIFY_OK;
}

static u8 dm_block_state(struct lis_dm *dm, struct dm_region *rg,
			 unsigned long b)
{
	u8 state;

	spin_lock(&dm->ha_lock);
	state = rg->block[b];
	spin_unlock(&dm->ha_lock);
	return state;
}

/* The host's pages [start, end) are not backed after all. */
static void dm_unback(struct lis_dm *dm, struct dm_region *rg,
		      unsigned long start, unsigned long end)
{
	spin_lock(&dm->ha_lock);
	if (lis_dm_spans_remove(&rg->backed, start, end))
		dev_err_ratelimited(&dm->dev->dev, "hot-add: cannot forget pages %#lx-%#lx; they stay reserved\n",
				    start, end);
	spin_unlock(&dm->ha_lock);
}

/* Does any region hold a backed page of [start, end)?  Caller holds ha_lock. */
static bool dm_backed_any(struct lis_dm *dm, unsigned long start,
			  unsigned long end)
{
	struct dm_region *rg;

	list_for_each_entry(rg, &dm->regions, list)
		if (dm_backed_in(rg, start, end))
			return true;
	return false;
}

/*
 * The stretch around @pfn, which lies in no region, that no region
 * holds: [*lo, *hi).  Caller holds ha_lock.
 */
static void dm_free_around(struct lis_dm *dm, unsigned long pfn,
			   unsigned long *lo, unsigned long *hi)
{
	struct dm_region *rg;

	*lo = 0;
	*hi = DM_MAX_PFN;
	list_for_each_entry(rg, &dm->regions, list) {
		if (rg->end <= pfn && rg->end > *lo)
			*lo = rg->end;
		if (rg->start > pfn && rg->start < *hi)
			*hi = rg->start;
	}
}

/*
 * A region for the piece of @plan that starts at @pfn, in no region: the
 * request's region (the host's, or the blocks its pages touch) cut to
 * what no earlier region holds.  A request that runs on past an earlier
 * region's end so gets the blocks after it, as if that region had grown.
 * Return: the region, or NULL when there is no memory for it.
 */
static struct dm_region *dm_new_region(struct lis_dm *dm,
				       const struct lis_dm_ha_plan *plan,
				       unsigned long pfn)
{
	unsigned long lo, hi, nblocks;
	struct dm_region *rg;

	spin_lock(&dm->ha_lock);
	dm_free_around(dm, pfn, &lo, &hi);
	spin_unlock(&dm->ha_lock);

	rg = kzalloc(sizeof(*rg), GFP_KERNEL);
	if (!rg)
		return NULL;
	/* Both ends are block aligned, and pfn's block lies between. */
	rg->start = max_t(u64, plan->rg_start, lo);
	rg->end = min_t(u64, plan->rg_end, hi);
	nblocks = (rg->end - rg->start) / dm->block_pages;
	rg->block = kcalloc(nblocks, 1, GFP_KERNEL);
	if (!rg->block) {
		kfree(rg);
		return NULL;
	}
	rg->backed.span = rg->spans;
	rg->backed.max = DM_REGION_SPANS;

	spin_lock(&dm->ha_lock);
	list_add_tail(&rg->list, &dm->regions);
	spin_unlock(&dm->ha_lock);
	return rg;
}

/* Hot-add is impossible from now on: say why, once. */
static void dm_hot_add_off(struct lis_dm *dm, const char *why)
{
	mutex_lock(&dm->lock);
	dm->hot_add_ok = false;
	mutex_unlock(&dm->lock);
	dev_warn(&dm->dev->dev, "hot-add disabled: %s\n", why);
}

/* Blocks [b, b + n) of @rg that are online, counted from @b. */
static unsigned long dm_run_online(struct lis_dm *dm, struct dm_region *rg,
				   unsigned long b, unsigned long n)
{
	unsigned long i;

	spin_lock(&dm->ha_lock);
	for (i = 0; i < n && rg->block[b + i] == DM_BLOCK_ONLINE; i++)
		;
	spin_unlock(&dm->ha_lock);
	return i;
}

static void dm_set_blocks(struct lis_dm *dm, struct dm_region *rg,
			  unsigned long b, unsigned long n, u8 state)
{
	unsigned long i;

	spin_lock(&dm->ha_lock);
	for (i = 0; i < n; i++)
		rg->block[b + i] = state;
	spin_unlock(&dm->ha_lock);
}

/*
 * Add blocks [b, b + n) of @rg with one add_memory() (the kernel's fixed
 * cost of adding and onlining is paid once, not per block) and wait for
 * them to come online.  A failed add of several blocks is retried block
 * by block, so that the blocks before the one that cannot be added are
 * still added and the error is the one of that block, as if they had
 * been added one by one.
 * Return: 0 with *done = n; else the error, with *done the blocks from
 * @b that were added and are online (they stay): -EEXIST when something
 * else holds the range (hot-add is then off for good); -ETIME when a
 * block did not come online (it and those after it are taken away
 * again); another add_memory() error.
 */
static int dm_add_blocks(struct lis_dm *dm, struct dm_region *rg,
			 unsigned long b, unsigned long n, unsigned long *done)
{
	unsigned long pfn = rg->start + b * dm->block_pages, i, on;
	u64 start = PFN_PHYS(pfn), size = PFN_PHYS(n * dm->block_pages);
	int ret;

	*done = 0;
	dm_set_blocks(dm, rg, b, n, DM_BLOCK_ADDED);
	ret = add_memory(memory_add_physaddr_to_nid(start), start, size,
			 MHP_MERGE_RESOURCE);
	if (ret && n > 1) {
		dm_set_blocks(dm, rg, b, n, DM_BLOCK_NONE);
		for (i = 0; i < n; i++) {
			ret = dm_add_blocks(dm, rg, b + i, 1, &on);
			*done += on;
			if (ret)
				return ret;
		}
		return 0;
	}
	if (ret) {
		dm_set_blocks(dm, rg, b, n, DM_BLOCK_NONE);
		dev_warn_ratelimited(&dm->dev->dev, "hot-add: add_memory(%#llx, %llu MiB) failed: %d\n",
				     start, size >> 20, ret);
		/* The guest's address map precludes this range (Linux too). */
		if (ret == -EEXIST)
			dm_hot_add_off(dm, "the host's range holds other memory or a device");
		return ret;
	}

	if (wait_event_timeout(dm->wait, dm_run_online(dm, rg, b, n) == n,
			       READ_ONCE(dm_online_timeout) * HZ)) {
		*done = n;
		return 0;
	}

	/*
	 * Nothing onlined a block in time: keep those before it, take it
	 * and the rest away, try later.
	 */
	on = dm_run_online(dm, rg, b, n);
	start += PFN_PHYS(on * dm->block_pages);
	size -= PFN_PHYS(on * dm->block_pages);
	ret = lis_remove_memory(start, size);
	if (!ret)
		dm_set_blocks(dm, rg, b + on, n - on, DM_BLOCK_NONE);
	*done = on;
	dev_warn(&dm->dev->dev, "hot-add: memory block at %#llx not online after %u s (removed: %s); the host may try again\n",
		 start, READ_ONCE(dm_online_timeout), ret ? "no" : "yes");
	if (!dm->ha_timeout_said) {
		dm->ha_timeout_said = true;
		dev_warn(&dm->dev->dev, "hot-add: hot-added memory is not onlined: auto_online_blocks is \"offline\" and no udev rule onlines it (boot with memhp_default_state=online)\n");
	}
	return -ETIME;
}

/* Hand the backed pages of an online block to the allocator. */
static void dm_online_backed(struct lis_dm *dm, unsigned long start,
			     unsigned long end)
{
	unsigned long pfn;

	for (pfn = start; pfn < end; pfn++) {
		generic_online_page(pfn_to_page(pfn), 0);
		atomic_long_inc(&dm->pages_onlined);
		if (!(pfn & 1023))
			cond_resched();
	}
}

/*
 * Back [start, end) in @rg: add, or fill gaps in, each block it touches.
 * The pages count in pages_added from the moment they are backed.
 * Return: pages now backed and usable (or waiting for their block to be
 * onlined); *result becomes LIS_DM_HOT_ADD_OK when hot-add went off for
 * good.
 */
static unsigned long dm_back(struct lis_dm *dm, struct dm_region *rg,
			     unsigned long start, unsigned long end,
			     u32 *result)
{
	unsigned long bp = dm->block_pages;
	unsigned long b, n, on, bstart;
	int ret;

	for (bstart = ALIGN_DOWN(start, bp); bstart < end; bstart += bp) {
		unsigned long s = max(start, bstart), e = min(end, bstart + bp);

		b = (bstart - rg->start) / bp;
		switch (dm_block_state(dm, rg, b)) {
		case DM_BLOCK_NONE:
			/* The run of blocks not added yet: one add_memory(). */
			n = 1;
			while (bstart + n * bp < end &&
			       dm_block_state(dm, rg, b + n) == DM_BLOCK_NONE)
				n++;
			e = min(end, bstart + n * bp);
			atomic_long_add(e - s, &dm->pages_added);
			ret = dm_add_blocks(dm, rg, b, n, &on);
			if (ret) {
				/* The blocks before the failed one stay. */
				s = max(start, bstart + on * bp);
				atomic_long_sub(e - s, &dm->pages_added);
				if (ret == -EEXIST)
					*result = LIS_DM_HOT_ADD_OK;
				dm_unback(dm, rg, s, end);
				return s - start;
			}
			bstart += (n - 1) * bp;
			break;
		case DM_BLOCK_GOING:
			atomic_long_add(e - s, &dm->pages_added);
			wait_event_timeout(dm->wait,
					   dm_block_state(dm, rg, b) !=
					   DM_BLOCK_GOING,
					   READ_ONCE(dm_online_timeout) * HZ);
			if (dm_block_state(dm, rg, b) == DM_BLOCK_ONLINE)
				dm_online_backed(dm, s, e);
			break;
		case DM_BLOCK_ONLINE:
			/* A gap in a block already online. */
			atomic_long_add(e - s, &dm->pages_added);
			dm_online_backed(dm, s, e);
			break;
		default:
			/* Offline: its backed pages go online with it. */
			atomic_long_add(e - s, &dm->pages_added);
			break;
		}
	}
	return end - start;
}

/*
 * Back the pages of one request, region piece by region piece.
 * Return: the pages backed, the answer's page_count; *result is its
 * result: LIS_DM_HOT_ADD_OK when pages were backed or hot-add is off for
 * good, LIS_DM_HOT_ADD_RETRY ("try later") for every other failure.
 */
static unsigned long dm_hot_add(struct lis_dm *dm,
				const struct lis_dm_msg *msg, u32 *result)
{
	unsigned long pfn, end, n, done = 0;
	struct lis_dm_ha_plan plan;
	struct dm_region *rg;
	bool dup;
	int ret;

	*result = LIS_DM_HOT_ADD_RETRY;
	ret = lis_dm_hot_add_plan(msg, dm->block_pages, DM_MAX_PFN, &plan);
	if (ret) {
		dev_warn_ratelimited(&dm->dev->dev, "hot-add: bad request (pages %#llx+%llu, region %#llx+%llu): %d\n",
				     lis_dm_range_pfn(msg->range),
				     lis_dm_range_count(msg->range),
				     lis_dm_range_pfn(msg->region),
				     lis_dm_range_count(msg->region), ret);
		atomic64_inc(&dm->stats.malformed);
		return 0;
	}

	spin_lock(&dm->ha_lock);
	dup = dm_backed_any(dm, plan.start, plan.end);
	spin_unlock(&dm->ha_lock);
	if (dup) {
		dev_warn_ratelimited(&dm->dev->dev, "hot-add: pages %#llx-%#llx hold pages backed before: duplicate request refused\n",
				     plan.start, plan.end);
		atomic64_inc(&dm->stats.malformed);
		return 0;
	}

	for (pfn = plan.start; pfn < plan.end; pfn = end) {
		spin_lock(&dm->ha_lock);
		rg = dm_region_of(dm, pfn);
		spin_unlock(&dm->ha_lock);
		if (!rg)
			rg = dm_new_region(dm, &plan, pfn);
		if (!rg) {
			dev_warn_ratelimited(&dm->dev->dev, "hot-add: no memory to track pages %#lx-%#llx\n",
					     pfn, plan.end);
			break;
		}
		end = min_t(u64, plan.end, rg->end);

		spin_lock(&dm->ha_lock);
		ret = lis_dm_spans_add(&rg->backed, pfn, end);
		spin_unlock(&dm->ha_lock);
		if (ret) {
			dev_warn_ratelimited(&dm->dev->dev, "hot-add: too many gaps in region %#lx-%#lx: %d\n",
					     rg->start, rg->end, ret);
			break;
		}
		n = dm_back(dm, rg, pfn, end, result);
		done += n;
		if (n < end - pfn)
			break;
	}
	if (done)
		*result = LIS_DM_HOT_ADD_OK;
	return done;
}

/**
 * dm_hot_add_work() - answer one MEM_HOT_ADD_REQUEST
 * @work: &lis_dm.hot_add_work
 *
 * Context: process, on the driver's workqueue.
 */
void dm_hot_add_work(struct work_struct *work)
{
	struct lis_dm *dm = container_of(work, struct lis_dm, hot_add_work);
	struct lis_dm_hot_add_response resp;
	struct lis_dm_msg msg;
	unsigned long pages;
	u32 result;
	int ret;

	mutex_lock(&dm->lock);
	msg = dm->hot_add_msg;
	mutex_unlock(&dm->lock);
	dm_set_state(dm, DM_HOT_ADD);
	atomic64_inc(&dm->stats.hot_add_requests);

	pages = dm_hot_add(dm, &msg, &result);
	ret = dm_send(dm, &resp, lis_dm_hot_add_response(&resp, pages,
							 result));
	trace_lis_balloon_request(msg.type, lis_dm_range_count(msg.range),
				  pages, ret ? ret : result);

	dm_set_state(dm, DM_INITIALIZED);
	dm_request_done(dm, LIS_DM_MEM_HOT_ADD_REQUEST);
}

/**
 * dm_hot_add_init() - check that hot-add can work, install the hooks
 * @dm: the device
 *
 * Says why, once, when it cannot.
 *
 * Context: process.
 * Return: 0, or a negative errno when hot-add is not possible.
 */
int dm_hot_add_init(struct lis_dm *dm)
{
	unsigned long bytes = memory_block_size_bytes();
	int ret;

	dm->block_pages = bytes >> PAGE_SHIFT;
	if (lis_dm_hot_add_align(bytes) < 0) {
		dev_info(&dm->dev->dev, "hot-add disabled: memory block size %lu bytes cannot be advertised\n",
			 bytes);
		return -EINVAL;
	}
	if (cmpxchg(&dm_ha_dev, NULL, dm)) {
		dev_info(&dm->dev->dev, "hot-add disabled: another Dynamic Memory device has it\n");
		return -EBUSY;
	}
	ret = set_online_page_callback(dm_online_page);
	if (ret) {
		dev_info(&dm->dev->dev, "hot-add disabled: another driver (hv_balloon? virtio_mem?) owns the online-page callback\n");
		goto clear;
	}
	dm->mem_nb.notifier_call = dm_mem_notify;
	ret = register_memory_notifier(&dm->mem_nb);
	if (ret)
		goto restore;
	dm->ha_registered = true;
	return 0;

restore:
	restore_online_page_callback(dm_online_page);
clear:
	WRITE_ONCE(dm_ha_dev, NULL);
	return ret;
}

/**
 * dm_hot_add_exit() - remove the hooks; hot-added memory stays
 * @dm: the device, its work finished
 *
 * Pages the host never backed stay reserved: their blocks cannot be
 * offlined, so they can never be onlined without the callback.
 *
 * Context: process.
 */
void dm_hot_add_exit(struct lis_dm *dm)
{
	struct dm_region *rg, *tmp;
	unsigned long held;

	if (!dm->ha_registered)
		return;
	unregister_memory_notifier(&dm->mem_nb);
	restore_online_page_callback(dm_online_page);
	WRITE_ONCE(dm_ha_dev, NULL);
	dm->ha_registered = false;

	held = 0;
	spin_lock(&dm->ha_lock);
	list_for_each_entry(rg, &dm->regions, list) {
		unsigned long b, nblocks = (rg->end - rg->start) /
					   dm->block_pages;

		for (b = 0; b < nblocks; b++) {
			unsigned long pfn = rg->start + b * dm->block_pages;

			if (rg->block[b] != DM_BLOCK_NONE)
				held += dm->block_pages -
					dm_backed_in(rg, pfn,
						     pfn + dm->block_pages);
		}
	}
	spin_unlock(&dm->ha_lock);
	if (held)
		dev_info(&dm->dev->dev, "%lu hot-added pages the host never backed stay reserved\n",
			 held);
	list_for_each_entry_safe(rg, tmp, &dm->regions, list) {
		list_del(&rg->list);
		kfree(rg->block);
		kfree(rg);
	}
}

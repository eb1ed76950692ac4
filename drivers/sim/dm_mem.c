// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest memory the Dynamic Memory host hands out and takes back.
 *
 * The host and the guest share one kernel, so the host can check what a
 * real host enforces by unmapping: a page the guest ballooned out belongs
 * to the host.  When the guest reports a page ballooned, the host fills it
 * with a pattern made of its page frame number (all of it, or three words
 * of every page: dm verify=full|sample|off); before it gives the page
 * back (UNBALLOON_REQUEST) it checks the pattern.  A guest that wrote to a
 * ballooned page, or reports a page twice, is caught: each such page is a
 * violation (counted, with a rate-limited log line).  "verify_now" checks
 * every page still ballooned without returning it.  Pages stay ballooned
 * when the channel closes: only an UNBALLOON_REQUEST returns them.
 * Reported ranges must
 * lie in guest RAM: System RAM the kernel knows, the hot-added part
 * included.
 *
 * Hot-add offers memory that exists: QEMU gives the guest more RAM than
 * its mem= limit, and dm_hotadd names the range above it.  The range is
 * checked against what the kernel already uses.
 *
 * The benchmark limits (raw page allocation and free, raw add_memory())
 * are measured here too, outside the host lock.
 */
#include <linux/highmem.h>
#include <linux/ioport.h>
#include <linux/ktime.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/slab.h>

#include "dm_host.h"

/* The pattern: "lis_dm" in the top bytes, frame and word below. */
#define LIS_DM_MAGIC		0x6c69735f646d0000ULL
#define LIS_DM_WORDS		(PAGE_SIZE / sizeof(u64))

static u64 lis_dm_word(u64 pfn, u32 i)
{
	return LIS_DM_MAGIC ^ (pfn << 9 | i);
}

/**
 * lis_dm_mem_block_pages() - the guest kernel's memory block size
 *
 * Return: in 4 KiB pages (128 MiB on the test guests).
 */
u64 lis_dm_mem_block_pages(void)
{
	return memory_block_size_bytes() >> LIS_HV_PAGE_SHIFT;
}

struct lis_dm_ram_walk {
	u64 ha_start;	/* bytes */
	u64 ha_end;
	u64 end;	/* end of the highest System RAM */
	u64 outside;	/* bytes of RAM outside the hot-add range */
	u64 inside;	/* bytes hot-added inside it */
	u64 boot;	/* bytes of boot RAM inside it */
};

static int lis_dm_ram_one(struct resource *res, void *arg)
{
	struct lis_dm_ram_walk *w = arg;
	u64 s = res->start, e = res->end + 1;
	u64 is = max(s, w->ha_start), ie = min(e, w->ha_end);
	u64 in = ie > is ? ie - is : 0;

	w->end = max(w->end, e);
	w->outside += e - s - in;
	if (in && lis_dm_boot_ram(is, ie))
		w->boot += in;
	else
		w->inside += in;
	return 0;
}

static void lis_dm_ram_walk(const struct lis_sim_dm *dm,
			    struct lis_dm_ram_walk *w)
{
	memset(w, 0, sizeof(*w));
	w->ha_start = dm->ha_start << LIS_HV_PAGE_SHIFT;
	w->ha_end = (dm->ha_start + dm->ha_pages) << LIS_HV_PAGE_SHIFT;
	walk_iomem_res_desc(IORES_DESC_NONE,
			    IORESOURCE_SYSTEM_RAM | IORESOURCE_BUSY, 0, U64_MAX,
			    w, lis_dm_ram_one);
}

/**
 * lis_dm_mem_startup_pages() - the RAM the guest started with
 * @dm: the DM host, with its hot-add range set
 *
 * Return: System RAM outside the hot-add range, rounded up to a MiB.
 */
u64 lis_dm_mem_startup_pages(const struct lis_sim_dm *dm)
{
	struct lis_dm_ram_walk w;

	lis_dm_ram_walk(dm, &w);
	return round_up(w.outside >> LIS_HV_PAGE_SHIFT, LIS_DM_PAGES_PER_MB);
}

/**
 * lis_dm_mem_added_pages() - pages of the hot-add range hot-added before
 * @dm: the DM host, with its hot-add range set
 *
 * When lis_sim is loaded again, memory hot-added before is still there:
 * the host goes on after it.  That memory must be the start of the range
 * (lis_dm_mem_check_range() then refuses any other RAM in it).
 *
 * Return: hot-added System RAM at the start of the range, in pages; 0 if
 * the range holds boot RAM or hot-added RAM that is not its start.
 */
u64 lis_dm_mem_added_pages(const struct lis_sim_dm *dm)
{
	struct lis_dm_ram_walk w;
	u64 start = dm->ha_start << LIS_HV_PAGE_SHIFT;

	lis_dm_ram_walk(dm, &w);
	if (!w.inside || w.boot ||
	    region_intersects(start, w.inside, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_INTERSECTS)
		return 0;
	return w.inside >> LIS_HV_PAGE_SHIFT;
}

/**
 * lis_dm_mem_check_range() - can this physical range be hot-added?
 * @start: first byte
 * @size: bytes
 * @param: the parameter or command that named it, for the message
 *
 * The range must be whole memory blocks, must not touch RAM the kernel
 * already has, and must be pluggable.  Whether QEMU really backs it
 * cannot be seen from inside: that is the caller's promise
 * (Documentation/simulator.rst).  Device windows are not checked: with
 * mem= the PCI host bridge window may span the RAM above the limit
 * without anything in it.
 *
 * Return: 0, or -EINVAL with a message naming @param.
 */
int lis_dm_mem_check_range(u64 start, u64 size, const char *param)
{
	u64 block = memory_block_size_bytes();
	struct range plug = mhp_get_pluggable_range(true);

	if (!size || start % block || size % block) {
		pr_err("%s: %#llx+%#llx is not whole %llu MiB memory blocks\n",
		       param, start, size, block >> 20);
		return -EINVAL;
	}
	if (start + size < start || start < plug.start ||
	    start + size - 1 > plug.end) {
		pr_err("%s: %#llx+%#llx is outside the pluggable range %#llx-%#llx\n",
		       param, start, size, plug.start, plug.end);
		return -EINVAL;
	}
	if (region_intersects(start, size, IORESOURCE_SYSTEM_RAM,
			      IORES_DESC_NONE) != REGION_DISJOINT) {
		pr_err("%s: %#llx+%#llx overlaps RAM the kernel already uses\n",
		       param, start, size);
		return -EINVAL;
	}
	return 0;
}

/**
 * lis_dm_mem_init() - allocate the ballooned-page map
 * @dm: the DM host, settings read
 *
 * Return: 0, -EINVAL on a guest whose pages are not 4 KiB, or -ENOMEM.
 */
int lis_dm_mem_init(struct lis_sim_dm *dm)
{
	struct lis_dm_ram_walk w;

	if (PAGE_SHIFT != LIS_HV_PAGE_SHIFT) {
		pr_err("dm: the DM host needs 4 KiB pages\n");
		return -EINVAL;
	}
	lis_dm_ram_walk(dm, &w);
	dm->map_pfns = max(w.end >> LIS_HV_PAGE_SHIFT,
			   dm->ha_start + dm->ha_pages);
	dm->map = kvcalloc(BITS_TO_LONGS(dm->map_pfns), sizeof(long),
			   GFP_KERNEL);
	return dm->map ? 0 : -ENOMEM;
}

/**
 * lis_dm_mem_exit() - free the map
 * @dm: the DM host
 */
void lis_dm_mem_exit(struct lis_sim_dm *dm)
{
	kvfree(dm->map);
	dm->map = NULL;
}

/**
 * lis_dm_mem_is_ram() - is a reported range guest RAM?
 * @dm: the DM host
 * @pfn: first page frame
 * @count: pages (at least 1, range checked against 2^40 already)
 *
 * Return: true if every page is System RAM with a struct page.
 */
bool lis_dm_mem_is_ram(const struct lis_sim_dm *dm, u64 pfn, u64 count)
{
	u64 i;

	if (pfn >= dm->map_pfns || count > dm->map_pfns - pfn)
		return false;
	if (region_intersects(PFN_PHYS(pfn), count << PAGE_SHIFT,
			      IORESOURCE_SYSTEM_RAM, IORES_DESC_NONE) !=
	    REGION_INTERSECTS)
		return false;
	/* The memory map comes in sections: one look per section. */
	for (i = 0; i < count; i += PAGES_PER_SECTION - (pfn + i) % PAGES_PER_SECTION)
		if (!pfn_valid(pfn + i))
			return false;
	return pfn_valid(pfn + count - 1);
}

static void lis_dm_fill(struct lis_sim_dm *dm, u64 pfn)
{
	u64 *p;
	u32 i;

	if (dm->verify == LIS_DM_VERIFY_OFF)
		return;
	p = kmap_local_page(pfn_to_page(pfn));
	if (dm->verify == LIS_DM_VERIFY_FULL) {
		for (i = 0; i < LIS_DM_WORDS; i++)
			p[i] = lis_dm_word(pfn, i);
	} else {
		p[0] = lis_dm_word(pfn, 0);
		p[LIS_DM_WORDS / 2] = lis_dm_word(pfn, LIS_DM_WORDS / 2);
		p[LIS_DM_WORDS - 1] = lis_dm_word(pfn, LIS_DM_WORDS - 1);
	}
	kunmap_local(p);
}

static bool lis_dm_check_word(struct lis_sim_dm *dm, const u64 *p, u64 pfn,
			      u32 i)
{
	if (p[i] == lis_dm_word(pfn, i))
		return true;
	dm->violations++;
	pr_warn_ratelimited("dm: violation: ballooned page %#llx was written (word %u is %#llx, not %#llx)\n",
			    pfn, i, p[i], lis_dm_word(pfn, i));
	return false;
}

static void lis_dm_verify(struct lis_sim_dm *dm, u64 pfn)
{
	u64 *p;
	u32 i;

	if (dm->verify == LIS_DM_VERIFY_OFF)
		return;
	p = kmap_local_page(pfn_to_page(pfn));
	if (dm->verify == LIS_DM_VERIFY_FULL) {
		for (i = 0; i < LIS_DM_WORDS; i++)
			if (!lis_dm_check_word(dm, p, pfn, i))
				break;
	} else if (lis_dm_check_word(dm, p, pfn, 0) &&
		   lis_dm_check_word(dm, p, pfn, LIS_DM_WORDS / 2)) {
		lis_dm_check_word(dm, p, pfn, LIS_DM_WORDS - 1);
	}
	kunmap_local(p);
}

/**
 * lis_dm_mem_take() - the guest ballooned out a range
 * @dm: the DM host
 * @pfn: first page frame (lis_dm_mem_is_ram() said yes)
 * @count: pages
 *
 * Pages already ballooned are violations; the others are marked and
 * filled with the pattern.
 *
 * Return: pages newly ballooned.
 */
u64 lis_dm_mem_take(struct lis_sim_dm *dm, u64 pfn, u64 count)
{
	u64 i, dup = 0;

	/* No pattern checks and nothing of it ballooned: one step. */
	if (dm->verify == LIS_DM_VERIFY_OFF &&
	    find_next_bit(dm->map, pfn + count, pfn) >= pfn + count) {
		bitmap_set(dm->map, pfn, count);
		dm->ballooned += count;
		return count;
	}
	for (i = 0; i < count; i++) {
		if (__test_and_set_bit(pfn + i, dm->map)) {
			dup++;
			continue;
		}
		lis_dm_fill(dm, pfn + i);
		if (!(i & 1023))
			cond_resched();
	}
	if (dup) {
		dm->violations += dup;
		pr_warn_ratelimited("dm: violation: guest ballooned %llu pages of %#llx+%llu a second time\n",
				    dup, pfn, count);
	}
	dm->ballooned += count - dup;
	return count - dup;
}

/**
 * lis_dm_mem_scribble() - write into a ballooned page, as a buggy guest
 *	would, to show that the host catches it
 * @dm: the DM host
 *
 * Return: 0, or -ENOENT when nothing is ballooned or checks are off.
 */
int lis_dm_mem_scribble(struct lis_sim_dm *dm)
{
	u64 pfn = find_first_bit(dm->map, dm->map_pfns);
	u64 *p;

	if (pfn >= dm->map_pfns || dm->verify == LIS_DM_VERIFY_OFF)
		return -ENOENT;
	p = kmap_local_page(pfn_to_page(pfn));
	p[0] = ~p[0];
	kunmap_local(p);
	pr_info("dm: scribbled on ballooned page %#llx\n", pfn);
	return 0;
}

/**
 * lis_dm_mem_verify_all() - check every ballooned page's pattern now
 * @dm: the DM host
 *
 * The pages stay ballooned.  Each page found written is a violation.
 *
 * Return: violations found.
 */
u64 lis_dm_mem_verify_all(struct lis_sim_dm *dm)
{
	u64 before = dm->violations, pfn, n = 0;

	for_each_set_bit(pfn, dm->map, dm->map_pfns) {
		lis_dm_verify(dm, pfn);
		if (!(++n & 1023))
			cond_resched();
	}
	return dm->violations - before;
}

/**
 * lis_dm_mem_bad_range() - a range to return that the guest never gave
 * @dm: the DM host
 * @shifted: the first ballooned run moved up by one page, so that it ends
 *	on a page that is not ballooned; else the one page after that run
 * @range: receives the range (lis_dm_range())
 *
 * Return: 0; -ENOENT when nothing is ballooned or the page after the
 * first run is not guest RAM.
 */
int lis_dm_mem_bad_range(struct lis_sim_dm *dm, bool shifted, u64 *range)
{
	u64 pfn = find_first_bit(dm->map, dm->map_pfns), end;

	if (pfn >= dm->map_pfns)
		return -ENOENT;
	end = find_next_zero_bit(dm->map, dm->map_pfns, pfn);
	if (!lis_dm_mem_is_ram(dm, end, 1))
		return -ENOENT;
	if (shifted)
		*range = lis_dm_range(pfn + 1,
				      min_t(u64, end - pfn,
					    LIS_DM_RANGE_MAX_PAGES));
	else
		*range = lis_dm_range(end, 1);
	return 0;
}

/**
 * lis_dm_mem_collect() - take ballooned ranges back for the guest
 * @dm: the DM host
 * @want: pages wanted
 * @ranges: receives page ranges (lis_dm_range())
 * @max_ranges: room in @ranges
 * @nr: receives the number of ranges
 *
 * Each page's pattern is checked, then it is no longer ballooned.  With
 * @dm->piece set no range is longer than that; with @dm->gap, that many
 * ballooned pages are left out after each range (they stay ballooned).
 *
 * Return: pages in @ranges.
 */
u64 lis_dm_mem_collect(struct lis_sim_dm *dm, u64 want, u64 *ranges,
		       u32 max_ranges, u32 *nr)
{
	u64 got = 0, pfn = 0, end, n, i;
	u64 piece = dm->piece ? dm->piece : LIS_DM_RANGE_MAX_PAGES;

	*nr = 0;
	while (got < want && *nr < max_ranges) {
		pfn = find_next_bit(dm->map, dm->map_pfns, pfn);
		if (pfn >= dm->map_pfns)
			break;
		end = find_next_zero_bit(dm->map, dm->map_pfns, pfn);
		n = min3(end - pfn, want - got, piece);
		if (dm->verify == LIS_DM_VERIFY_OFF) {
			bitmap_clear(dm->map, pfn, n);
		} else {
			for (i = 0; i < n; i++) {
				lis_dm_verify(dm, pfn + i);
				__clear_bit(pfn + i, dm->map);
				if (!(i & 1023))
					cond_resched();
			}
		}
		ranges[(*nr)++] = lis_dm_range(pfn, n);
		got += n;
		pfn += n;
		/* The gap: skip that many ballooned pages. */
		for (i = 0; i < dm->gap && pfn < dm->map_pfns; i++) {
			pfn = find_next_bit(dm->map, dm->map_pfns, pfn);
			if (pfn < dm->map_pfns)
				pfn++;
		}
	}
	dm->ballooned -= got;
	return got;
}

/* Raw allocations come in 2 MiB chunks while they can, as balloons do. */
#define LIS_DM_BENCH_ORDER	(21 - PAGE_SHIFT)
#define LIS_DM_BENCH_GFP	(GFP_HIGHUSER | __GFP_NORETRY | __GFP_NOWARN)

/**
 * lis_dm_mem_bench_alloc() - the limit for balloon benchmarks
 * @dm: the DM host
 * @pages: allocate this many pages, then free them
 *
 * What a balloon driver does at the least, without any protocol: 2 MiB
 * chunks while the allocator has them, single pages after; then the
 * same allocations freed, each at its order.  Benchmarks ask for as
 * many pages as the guest gave, so that both do the same work.
 *
 * Context: process, lis_sim.lock not held.
 * Return: 0, or -ENOMEM if not even the chunk array could be had.
 */
int lis_dm_mem_bench_alloc(struct lis_sim_dm *dm, u64 pages)
{
	unsigned int order = LIS_DM_BENCH_ORDER;
	struct page **pg;
	u8 *ord;
	u64 t0, t1, t2, n = 0, got = 0;

	pg = kvmalloc_array(pages, sizeof(*pg), GFP_KERNEL);
	ord = kvmalloc(pages, GFP_KERNEL);
	if (!pg || !ord) {
		kvfree(ord);
		kvfree(pg);
		return -ENOMEM;
	}
	t0 = ktime_get_ns();
	while (got < pages) {
		if (order && pages - got < (1ULL << order))
			order = 0;
		pg[n] = alloc_pages(LIS_DM_BENCH_GFP, order);
		if (!pg[n]) {
			if (!order)
				break;
			order = 0;
			continue;
		}
		ord[n++] = order;
		got += 1ULL << order;
		if (!(n & 255))
			cond_resched();
	}
	t1 = ktime_get_ns();
	while (n) {
		n--;
		__free_pages(pg[n], ord[n]);
	}
	t2 = ktime_get_ns();
	kvfree(ord);
	kvfree(pg);

	mutex_lock(&dm->sim->lock);
	dm->raw_alloc_pages = got;
	dm->raw_alloc_ns = t1 - t0;
	dm->raw_free_ns = t2 - t1;
	mutex_unlock(&dm->sim->lock);
	return 0;
}

/**
 * lis_dm_mem_bench_hot_add() - the limit for hot-add benchmarks
 * @dm: the DM host
 * @start: first byte of a range QEMU backs, outside the DM range
 * @size: bytes
 *
 * The kernel's own add_memory() of the whole range in one call, with the
 * flag the guest drivers pass (MHP_MERGE_RESOURCE); the blocks come
 * online inside that call by the kernel's onlining policy
 * (memhp_default_state=online on 6.1).  The memory stays.
 *
 * Context: process, lis_sim.lock not held.
 * Return: 0 or add_memory()'s error; -EINVAL for a bad range.
 */
int lis_dm_mem_bench_hot_add(struct lis_sim_dm *dm, u64 start, u64 size)
{
	u64 ha_s = dm->ha_start << LIS_HV_PAGE_SHIFT;
	u64 ha_e = (dm->ha_start + dm->ha_pages) << LIS_HV_PAGE_SHIFT;
	u64 t0, t1;
	int ret;

	ret = lis_dm_mem_check_range(start, size, "dm bench_hot_add");
	if (ret)
		return ret;
	if (start < ha_e && start + size > ha_s) {
		pr_err("dm bench_hot_add: %#llx+%#llx overlaps the dm_hotadd range\n",
		       start, size);
		return -EINVAL;
	}
	t0 = ktime_get_ns();
	ret = add_memory(memory_add_physaddr_to_nid(start), start, size,
			 MHP_MERGE_RESOURCE);
	t1 = ktime_get_ns();

	mutex_lock(&dm->sim->lock);
	dm->raw_hot_add_mb = size >> 20;
	dm->raw_hot_add_ns = t1 - t0;
	dm->raw_hot_add_ret = ret;
	mutex_unlock(&dm->sim->lock);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_balloon: sets of page ranges, and the decisions made with them:
 * which hot-added pages the host backed, whether a range the host returns
 * was really ballooned, and where a hot-add request's pages and region
 * lie.  Pure code: shim.h and lis headers only.
 */
#include "dm_span.h"

/**
 * lis_dm_spans_count() - pages of [@start, @end) in the set
 * @s: the set
 * @start: first page frame
 * @end: page frame after the last
 *
 * Context: any.
 * Return: the number of pages.
 */
u64 lis_dm_spans_count(const struct lis_dm_spans *s, u64 start, u64 end)
{
	u64 n = 0;
	u32 i;

	for (i = 0; i < s->nr; i++) {
		u64 a = max(start, s->span[i].start);
		u64 b = min(end, s->span[i].end);

		if (a < b)
			n += b - a;
	}
	return n;
}

static void dm_spans_insert(struct lis_dm_spans *s, u32 at, u64 start,
			    u64 end)
{
	u32 i;

	for (i = s->nr; i > at; i--)
		s->span[i] = s->span[i - 1];
	s->span[at].start = start;
	s->span[at].end = end;
	s->nr++;
}

static void dm_spans_delete(struct lis_dm_spans *s, u32 at)
{
	u32 i;

	for (i = at; i + 1 < s->nr; i++)
		s->span[i] = s->span[i + 1];
	s->nr--;
}

/**
 * lis_dm_spans_add() - add [@start, @end) to the set
 * @s: the set
 * @start: first page frame
 * @end: page frame after the last
 *
 * Spans that touch merge, so the set stays as small as it can be.
 *
 * Context: any.
 * Return: 0; -EINVAL for an empty span; -EEXIST if any page is in the set
 * already (nothing is added); -ENOSPC if the set is full.
 */
int lis_dm_spans_add(struct lis_dm_spans *s, u64 start, u64 end)
{
	u32 i;

	if (start >= end)
		return -EINVAL;
	if (lis_dm_spans_count(s, start, end))
		return -EEXIST;
	for (i = 0; i < s->nr && s->span[i].end < start; i++)
		;
	/* s->span[i] is the first span ending at or after @start. */
	if (i < s->nr && s->span[i].end == start) {
		s->span[i].end = end;
		if (i + 1 < s->nr && s->span[i + 1].start == end) {
			s->span[i].end = s->span[i + 1].end;
			dm_spans_delete(s, i + 1);
		}
		return 0;
	}
	if (i < s->nr && s->span[i].start == end) {
		s->span[i].start = start;
		return 0;
	}
	if (s->nr >= s->max)
		return -ENOSPC;
	dm_spans_insert(s, i, start, end);
	return 0;
}

/**
 * lis_dm_spans_remove() - take [@start, @end) out of the set
 * @s: the set
 * @start: first page frame
 * @end: page frame after the last
 *
 * Context: any.
 * Return: 0; -ENOSPC if a span would split in two and the set is full
 * (nothing is removed).
 */
int lis_dm_spans_remove(struct lis_dm_spans *s, u64 start, u64 end)
{
	u32 i;

	if (start >= end)
		return 0;
	for (i = 0; i < s->nr; i++) {
		struct lis_dm_span *sp = &s->span[i];

		if (sp->start < start && sp->end > end && s->nr >= s->max)
			return -ENOSPC;
	}
	for (i = 0; i < s->nr;) {
		struct lis_dm_span *sp = &s->span[i];

		if (sp->end <= start || sp->start >= end) {
			i++;
		} else if (sp->start >= start && sp->end <= end) {
			dm_spans_delete(s, i);
		} else if (sp->start < start && sp->end > end) {
			dm_spans_insert(s, i + 1, end, sp->end);
			sp->end = start;
			i += 2;
		} else if (sp->start < start) {
			sp->end = start;
			i++;
		} else {
			sp->start = end;
			i++;
		}
	}
	return 0;
}

/**
 * lis_dm_check_ballooned() - was every page of @range ballooned?
 * @range: a range from an UNBALLOON_REQUEST
 * @lookup: finds the allocation holding a page
 * @ctx: for @lookup
 *
 * Context: as @lookup.
 * Return: 0; -EINVAL for an empty range; -ENOENT if any page of it is not
 * in the balloon.
 */
int lis_dm_check_ballooned(u64 range, lis_dm_lookup_fn lookup, void *ctx)
{
	u64 pfn = lis_dm_range_pfn(range);
	u64 end = pfn + lis_dm_range_count(range);
	unsigned int order;
	u64 base;

	if (pfn == end)
		return -EINVAL;
	while (pfn < end) {
		if (lookup(ctx, pfn, &base, &order))
			return -ENOENT;
		if (base > pfn || order > 20 || base + (1ULL << order) <= pfn)
			return -ENOENT;
		pfn = base + (1ULL << order);
	}
	return 0;
}

/**
 * lis_dm_hot_add_plan() - where the pages of a hot-add request go
 * @msg: a parsed MEM_HOT_ADD_REQUEST
 * @block_pages: the memory block size, in pages (a power of two)
 * @max_pfn: first page frame beyond what the guest can address
 * @plan: the region a new request would create, and the pages to back
 *
 * The region is the request's region (or, without one, its range) widened
 * to whole blocks.  A range that does not fit the region is refused.
 *
 * Context: any.
 * Return: 0, or the error of lis_dm_check_hot_add(); -ERANGE also when
 * the widened region would pass @max_pfn.
 */
int lis_dm_hot_add_plan(const struct lis_dm_msg *msg, u64 block_pages,
			u64 max_pfn, struct lis_dm_ha_plan *plan)
{
	u64 rg = msg->has_region ? msg->region : msg->range;
	u64 mask = block_pages - 1;
	int ret;

	if (!block_pages || (block_pages & mask))
		return -EINVAL;
	ret = lis_dm_check_hot_add(msg, max_pfn);
	if (ret)
		return ret;
	plan->start = lis_dm_range_pfn(msg->range);
	plan->end = plan->start + lis_dm_range_count(msg->range);
	plan->rg_start = lis_dm_range_pfn(rg) & ~mask;
	plan->rg_end = (lis_dm_range_pfn(rg) + lis_dm_range_count(rg) + mask) &
		       ~mask;
	if (plan->rg_end > max_pfn)
		return -ERANGE;
	return 0;
}

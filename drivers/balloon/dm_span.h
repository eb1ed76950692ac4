/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis_balloon: sets of page ranges, and the checks built on them
 * (dm_span.c).  Pure code: compiled into the module, the KUnit suite
 * "lis_dm" and the fuzzer.
 */
#ifndef _LIS_BALLOON_DM_SPAN_H
#define _LIS_BALLOON_DM_SPAN_H

#include "dm_msg.h"

/**
 * struct lis_dm_span - pages [start, end)
 * @start: first page frame
 * @end: page frame after the last
 */
struct lis_dm_span {
	u64 start;
	u64 end;
};

/**
 * struct lis_dm_spans - a sorted set of disjoint, non-adjacent spans
 * @span: storage, owned by the caller
 * @nr: spans in use
 * @max: room in @span
 */
struct lis_dm_spans {
	struct lis_dm_span *span;
	u32 nr;
	u32 max;
};

u64 lis_dm_spans_count(const struct lis_dm_spans *s, u64 start, u64 end);
int lis_dm_spans_add(struct lis_dm_spans *s, u64 start, u64 end);
int lis_dm_spans_remove(struct lis_dm_spans *s, u64 start, u64 end);

/**
 * typedef lis_dm_lookup_fn - find the balloon allocation holding a page
 * @ctx: the caller's context
 * @pfn: the page
 * @base: the allocation's first page
 * @order: its order
 *
 * Return: 0, or -ENOENT if @pfn is not ballooned.
 */
typedef int (*lis_dm_lookup_fn)(void *ctx, u64 pfn, u64 *base,
				unsigned int *order);
int lis_dm_check_ballooned(u64 range, lis_dm_lookup_fn lookup, void *ctx);

/**
 * struct lis_dm_ha_plan - where a hot-add request goes
 * @rg_start: first pfn of the region a new request creates (block aligned)
 * @rg_end: pfn after it (block aligned)
 * @start: first pfn to back
 * @end: pfn after the last to back
 */
struct lis_dm_ha_plan {
	u64 rg_start;
	u64 rg_end;
	u64 start;
	u64 end;
};

int lis_dm_hot_add_plan(const struct lis_dm_msg *msg, u64 block_pages,
			u64 max_pfn, struct lis_dm_ha_plan *plan);

#endif /* _LIS_BALLOON_DM_SPAN_H */

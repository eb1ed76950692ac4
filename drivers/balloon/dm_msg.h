/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis_balloon: Dynamic Memory messages, built and validated (dm_msg.c).
 *
 * Pure code: it includes only lis headers, so it compiles into the module,
 * the KUnit suite "lis_dm" and the fuzzer tests/fuzz/fuzz_dm.c.
 */
#ifndef _LIS_BALLOON_DM_MSG_H
#define _LIS_BALLOON_DM_MSG_H

#include <lis/dm.h>

/**
 * struct lis_dm_msg - a host message that passed lis_dm_parse()
 * @type: enum lis_dm_type
 * @size: the header's size, checked against the packet
 * @accepted: VERSION_RESPONSE, CAPABILITIES_RESPONSE: bit 0
 * @flags: CAPABILITIES_RESPONSE: the whole flags word
 * @num_pages: BALLOON_REQUEST: pages the host wants
 * @more: UNBALLOON_REQUEST: more messages of this chain follow
 * @nr_ranges: UNBALLOON_REQUEST: ranges in the message
 * @ranges: UNBALLOON_REQUEST: the first range, inside the caller's buffer;
 *	read with lis_dm_msg_range() (no alignment assumed)
 * @range: MEM_HOT_ADD_REQUEST: the pages to back
 * @region: MEM_HOT_ADD_REQUEST: the region to add (0 when absent)
 * @has_region: MEM_HOT_ADD_REQUEST: the 24-byte form
 * @has_max: INFO_MESSAGE: carried a maximum page count item
 * @max_page_count: INFO_MESSAGE: that item's value
 */
struct lis_dm_msg {
	u16 type;
	u16 size;
	bool accepted;
	u64 flags;
	u32 num_pages;
	bool more;
	u32 nr_ranges;
	const u8 *ranges;
	u64 range;
	u64 region;
	bool has_region;
	bool has_max;
	u64 max_page_count;
};

int lis_dm_parse(const void *buf, u32 len, struct lis_dm_msg *msg);
u64 lis_dm_msg_range(const struct lis_dm_msg *msg, u32 i);
int lis_dm_check_range(u64 range, u64 max_pfn);
int lis_dm_check_hot_add(const struct lis_dm_msg *msg, u64 max_pfn);

u32 lis_dm_next_version(u32 version);
u32 lis_dm_version_request(struct lis_dm_version_request *req, u32 version);
u32 lis_dm_caps_report(struct lis_dm_caps_report *rep, bool balloon,
		       int hot_add_align, u64 min_pages, u64 max_pfn);
int lis_dm_hot_add_align(u64 block_bytes);
u32 lis_dm_status_report(struct lis_dm_status *st, u64 avail, u64 committed);
u32 lis_dm_unballoon_response(struct lis_dm_unballoon_response *resp);
u32 lis_dm_hot_add_response(struct lis_dm_hot_add_response *resp,
			    u32 pages, u32 result);

void lis_dm_balloon_resp_reset(struct lis_dm_balloon_response *resp);
u32 lis_dm_balloon_resp_count(const struct lis_dm_balloon_response *resp);
bool lis_dm_balloon_resp_add(struct lis_dm_balloon_response *resp,
			     u64 pfn, u64 nr_pages);
u32 lis_dm_balloon_resp_close(struct lis_dm_balloon_response *resp,
			      bool more);

#endif /* _LIS_BALLOON_DM_MSG_H */

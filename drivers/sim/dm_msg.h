/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Dynamic Memory host's side of the wire (pure code, dm_msg.c): check
 * every message the guest sends before the host acts on it, and build the
 * messages the host sends.  Layouts are in include/lis/dm.h.
 */
#ifndef _LIS_SIM_DM_MSG_H
#define _LIS_SIM_DM_MSG_H

#include <lis/dm.h>

/**
 * struct lis_dm_guest_msg - a checked guest-to-host DM message
 * @type: enum lis_dm_type: VERSION_REQUEST, CAPABILITIES_REPORT,
 *	STATUS_REPORT, BALLOON_RESPONSE, UNBALLOON_RESPONSE or
 *	MEM_HOT_ADD_RESPONSE
 * @trans_id: the guest's transaction id (informational only)
 * @u: the fields of @type
 * @u.version: VERSION_REQUEST: @u.version.version and whether it is the
 *	guest's @u.version.last attempt
 * @u.caps: CAPABILITIES_REPORT: capability bits, the guest's minimum page
 *	count, its highest page number, and the hot-add alignment in MiB
 *	(0 when the guest cannot hot-add)
 * @u.status: STATUS_REPORT: available and committed pages
 * @u.balloon: BALLOON_RESPONSE: @u.balloon.more responses follow;
 *	@u.balloon.count ranges at @u.balloon.range (inside the message),
 *	each one checked to hold at least one page and to end below 2^40
 * @u.hot_add: MEM_HOT_ADD_RESPONSE: pages added and the result code
 */
struct lis_dm_guest_msg {
	u16 type;
	u32 trans_id;
	union {
		struct {
			u32 version;
			bool last;
		} version;
		struct {
			u64 caps;
			u64 min_pages;
			u64 max_page_number;
			u32 align_mb;
		} caps;
		struct {
			u64 avail;
			u64 committed;
		} status;
		struct {
			bool more;
			u32 count;
			const u8 *range;
		} balloon;
		struct {
			u32 pages;
			u32 result;
		} hot_add;
	} u;
};

/* Range @i of a checked balloon response (may be unaligned in the message). */
static inline u64 lis_dm_guest_range(const struct lis_dm_guest_msg *m, u32 i)
{
	u64 range;

	memcpy(&range, m->u.balloon.range + i * sizeof(u64), sizeof(range));
	return range;
}

bool lis_dm_version_known(u32 version);
int lis_dm_parse_guest(const void *buf, u32 len, struct lis_dm_guest_msg *m,
		       const char **why);

u32 lis_dm_put_version_response(void *buf, u32 trans_id, bool accepted);
u32 lis_dm_put_caps_response(void *buf, u32 trans_id, bool accepted);
u32 lis_dm_put_balloon_request(void *buf, u32 trans_id, u32 pages);
u32 lis_dm_put_unballoon_request(void *buf, u32 trans_id, bool more,
				 const u64 *range, u32 count);
u32 lis_dm_put_hot_add_request(void *buf, u32 trans_id, u64 range,
			       u64 region);
u32 lis_dm_put_info_max_pages(void *buf, u32 trans_id, u64 max_pages);

#endif /* _LIS_SIM_DM_MSG_H */

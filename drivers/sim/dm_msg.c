// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dynamic Memory, host side of the wire: check what the guest sends, build
 * what the host sends.  Pure code (include/lis/shim.h only): it compiles
 * into lis_sim, a KUnit suite and a userspace fuzzer.
 *
 * A guest message is accepted only if its header's size fits the bytes
 * that arrived (the rest can only be the packet's padding to 8 bytes),
 * equals the exact size of its type (for a balloon response: 16 bytes
 * plus 8 per range), and every field that means something holds a value
 * that makes sense.  Reserved fields are ignored, as hosts do.  Messages
 * only the host sends, and type 0, are malformed when the guest sends
 * them; a type this code does not know is reported separately, so that
 * the host can ignore it without calling it an error.
 */
#include "dm_msg.h"

/* Pages the host believes a guest could ever have: 2^40 page frames. */
#define LIS_DM_PFN_LIMIT	(1ULL << LIS_DM_RANGE_PFN_BITS)

/**
 * lis_dm_version_known() - is this a DM protocol version Hyper-V speaks?
 * @version: (major << 16) | minor
 *
 * Return: true for 0.3, 1.0 and 2.0.
 */
bool lis_dm_version_known(u32 version)
{
	return version == LIS_DM_VERSION_WIN7 ||
	       version == LIS_DM_VERSION_WIN8 ||
	       version == LIS_DM_VERSION_WIN10;
}

static int lis_dm_bad(const char **why, const char *reason)
{
	*why = reason;
	return -EINVAL;
}

static int lis_dm_parse_balloon(const u8 *buf, u32 size,
				struct lis_dm_guest_msg *m, const char **why)
{
	struct lis_dm_balloon_response r;
	u32 i, count;

	if (size < sizeof(r))
		return lis_dm_bad(why, "balloon response shorter than 16 bytes");
	memcpy(&r, buf, sizeof(r));
	count = r.more_and_count >> LIS_DM_RANGE_COUNT_SHIFT;
	if (count > LIS_DM_MAX_RANGES)
		return lis_dm_bad(why, "balloon response with more than 510 ranges");
	if (size != sizeof(r) + count * sizeof(u64))
		return lis_dm_bad(why, "balloon response size does not match its range count");
	m->u.balloon.more = r.more_and_count & LIS_DM_MORE_PAGES;
	m->u.balloon.count = count;
	m->u.balloon.range = buf + sizeof(r);
	for (i = 0; i < count; i++) {
		u64 range;

		memcpy(&range, buf + sizeof(r) + i * sizeof(u64), sizeof(range));
		if (!lis_dm_range_count(range))
			return lis_dm_bad(why, "balloon response range of 0 pages");
		if (lis_dm_range_pfn(range) + lis_dm_range_count(range) >
		    LIS_DM_PFN_LIMIT)
			return lis_dm_bad(why, "balloon response range beyond 2^40 pages");
	}
	return 0;
}

/**
 * lis_dm_parse_guest() - check one message the guest sent
 * @buf: the packet's payload, a copy the guest cannot change any more
 * @len: bytes in @buf
 * @m: receives the checked fields; balloon ranges point into @buf
 * @why: receives a static reason when the message is refused
 *
 * Context: any; pure.
 * Return: 0 for a well-formed message; -EINVAL for a malformed one (a
 * protocol error: @why says what is wrong); -EOPNOTSUPP for a type this
 * host does not know (hot-remove messages, future types), which is to be
 * ignored.
 */
int lis_dm_parse_guest(const void *buf, u32 len, struct lis_dm_guest_msg *m,
		       const char **why)
{
	const u8 *b = buf;
	struct lis_dm_hdr hdr;
	u32 want = 0;

	*why = "";
	if (len < sizeof(hdr))
		return lis_dm_bad(why, "message shorter than its 8-byte header");
	memcpy(&hdr, b, sizeof(hdr));
	if (hdr.size < sizeof(hdr) || hdr.size > len)
		return lis_dm_bad(why, "header size outside the packet");
	if (len - hdr.size >= 8)
		return lis_dm_bad(why, "header size leaves 8 or more bytes of the packet unused");
	memset(m, 0, sizeof(*m));
	m->type = hdr.type;
	m->trans_id = hdr.trans_id;

	switch (hdr.type) {
	case LIS_DM_VERSION_REQUEST:
		want = sizeof(struct lis_dm_version_request);
		break;
	case LIS_DM_CAPABILITIES_REPORT:
		want = sizeof(struct lis_dm_caps_report);
		break;
	case LIS_DM_STATUS_REPORT:
		want = sizeof(struct lis_dm_status);
		break;
	case LIS_DM_BALLOON_RESPONSE:
		return lis_dm_parse_balloon(b, hdr.size, m, why);
	case LIS_DM_UNBALLOON_RESPONSE:
		want = sizeof(struct lis_dm_unballoon_response);
		break;
	case LIS_DM_MEM_HOT_ADD_RESPONSE:
		want = sizeof(struct lis_dm_hot_add_response);
		break;
	case LIS_DM_ERROR:
	case LIS_DM_VERSION_RESPONSE:
	case LIS_DM_CAPABILITIES_RESPONSE:
	case LIS_DM_BALLOON_REQUEST:
	case LIS_DM_UNBALLOON_REQUEST:
	case LIS_DM_MEM_HOT_ADD_REQUEST:
	case LIS_DM_INFO_MESSAGE:
		return lis_dm_bad(why, "a message type only the host sends");
	default:
		*why = "unknown message type";
		return -EOPNOTSUPP;
	}
	if (hdr.size != want)
		return lis_dm_bad(why, "wrong size for its type");

	switch (hdr.type) {
	case LIS_DM_VERSION_REQUEST: {
		struct lis_dm_version_request r;

		memcpy(&r, b, sizeof(r));
		m->u.version.version = r.version;
		m->u.version.last = r.flags & LIS_DM_VERSION_LAST_ATTEMPT;
		break;
	}
	case LIS_DM_CAPABILITIES_REPORT: {
		struct lis_dm_caps_report r;

		memcpy(&r, b, sizeof(r));
		if (!(r.caps & (LIS_DM_CAP_BALLOON | LIS_DM_CAP_HOT_ADD)))
			return lis_dm_bad(why, "capabilities: neither balloon nor hot-add");
		m->u.caps.caps = r.caps;
		m->u.caps.min_pages = r.min_page_cnt;
		m->u.caps.max_page_number = r.max_page_number;
		if (r.caps & LIS_DM_CAP_HOT_ADD)
			m->u.caps.align_mb = 1U << ((r.caps & LIS_DM_CAP_ALIGN_MASK) >>
						    LIS_DM_CAP_ALIGN_SHIFT);
		break;
	}
	case LIS_DM_STATUS_REPORT: {
		struct lis_dm_status r;

		memcpy(&r, b, sizeof(r));
		if (r.num_committed >= LIS_DM_PFN_LIMIT ||
		    r.num_avail >= LIS_DM_PFN_LIMIT)
			return lis_dm_bad(why, "status report with more than 2^40 pages");
		m->u.status.avail = r.num_avail;
		m->u.status.committed = r.num_committed;
		break;
	}
	case LIS_DM_MEM_HOT_ADD_RESPONSE: {
		struct lis_dm_hot_add_response r;

		memcpy(&r, b, sizeof(r));
		if (r.result != LIS_DM_HOT_ADD_OK &&
		    r.result != LIS_DM_HOT_ADD_RETRY)
			return lis_dm_bad(why, "hot-add response result neither 0 nor 1");
		m->u.hot_add.pages = r.page_count;
		m->u.hot_add.result = r.result;
		break;
	}
	}
	return 0;
}

static void lis_dm_put_hdr(void *buf, u16 type, u32 size, u32 trans_id)
{
	struct lis_dm_hdr hdr = {
		.type = type,
		.size = (u16)size,
		.trans_id = trans_id,
	};

	memcpy(buf, &hdr, sizeof(hdr));
}

/**
 * lis_dm_put_version_response() - build a VERSION_RESPONSE
 * @buf: at least 16 bytes
 * @trans_id: the host's transaction id
 * @accepted: the guest's version is accepted
 *
 * Return: the message's length.
 */
u32 lis_dm_put_version_response(void *buf, u32 trans_id, bool accepted)
{
	struct lis_dm_version_response r = {
		.flags = accepted ? LIS_DM_VERSION_ACCEPTED : 0,
	};

	lis_dm_put_hdr(&r.hdr, LIS_DM_VERSION_RESPONSE, sizeof(r), trans_id);
	memcpy(buf, &r, sizeof(r));
	return sizeof(r);
}

/**
 * lis_dm_put_caps_response() - build a CAPABILITIES_RESPONSE
 * @buf: at least 16 bytes
 * @trans_id: the host's transaction id
 * @accepted: the guest's capabilities are accepted
 *
 * Return: the message's length.
 */
u32 lis_dm_put_caps_response(void *buf, u32 trans_id, bool accepted)
{
	struct lis_dm_caps_response r = {
		.flags = accepted ? LIS_DM_CAPS_ACCEPTED : 0,
	};

	lis_dm_put_hdr(&r.hdr, LIS_DM_CAPABILITIES_RESPONSE, sizeof(r),
		       trans_id);
	memcpy(buf, &r, sizeof(r));
	return sizeof(r);
}

/**
 * lis_dm_put_balloon_request() - build a BALLOON_REQUEST
 * @buf: at least 16 bytes
 * @trans_id: the host's transaction id
 * @pages: pages the guest is asked to give up
 *
 * Return: the message's length.
 */
u32 lis_dm_put_balloon_request(void *buf, u32 trans_id, u32 pages)
{
	struct lis_dm_balloon_request r = { .num_pages = pages };

	lis_dm_put_hdr(&r.hdr, LIS_DM_BALLOON_REQUEST, sizeof(r), trans_id);
	memcpy(buf, &r, sizeof(r));
	return sizeof(r);
}

/**
 * lis_dm_put_unballoon_request() - build an UNBALLOON_REQUEST
 * @buf: at least LIS_DM_MAX_MSG bytes
 * @trans_id: the host's transaction id
 * @more: another UNBALLOON_REQUEST follows this one
 * @range: the ranges returned to the guest
 * @count: how many, at most LIS_DM_MAX_RANGES (more are cut off)
 *
 * Return: the message's length.
 */
u32 lis_dm_put_unballoon_request(void *buf, u32 trans_id, bool more,
				 const u64 *range, u32 count)
{
	struct lis_dm_unballoon_request r = {
		.more_pages = more ? LIS_DM_MORE_PAGES : 0,
	};
	u32 size;

	if (count > LIS_DM_MAX_RANGES)
		count = LIS_DM_MAX_RANGES;
	r.range_count = count;
	size = sizeof(r) + count * sizeof(u64);
	lis_dm_put_hdr(&r.hdr, LIS_DM_UNBALLOON_REQUEST, size, trans_id);
	memcpy(buf, &r, sizeof(r));
	memcpy((u8 *)buf + sizeof(r), range, count * sizeof(u64));
	return size;
}

/**
 * lis_dm_put_hot_add_request() - build a MEM_HOT_ADD_REQUEST
 * @buf: at least 24 bytes
 * @trans_id: the host's transaction id
 * @range: the pages the host backs (lis_dm_range())
 * @region: the region the host wants added, or 0 for the short form in
 *	which the guest chooses the region itself
 *
 * Return: the message's length: 24 with a region, else 16.
 */
u32 lis_dm_put_hot_add_request(void *buf, u32 trans_id, u64 range,
			       u64 region)
{
	struct lis_dm_hot_add_request r = { .range = range, .region = region };
	u32 size = region ? sizeof(r) : sizeof(r) - sizeof(r.region);

	lis_dm_put_hdr(&r.hdr, LIS_DM_MEM_HOT_ADD_REQUEST, size, trans_id);
	memcpy(buf, &r, size);
	return size;
}

/**
 * lis_dm_put_info_max_pages() - build an INFO_MESSAGE with one item: the
 *	guest's maximum page count
 * @buf: at least 32 bytes
 * @trans_id: the host's transaction id
 * @max_pages: in 4 KiB pages
 *
 * Return: the message's length (32).
 */
u32 lis_dm_put_info_max_pages(void *buf, u32 trans_id, u64 max_pages)
{
	struct lis_dm_info info = {
		.info_size = sizeof(struct lis_dm_info_item) + sizeof(u64),
	};
	struct lis_dm_info_item item = {
		.type = LIS_DM_INFO_MAX_PAGE_CNT,
		.data_size = sizeof(u64),
	};
	u32 size = sizeof(info) + info.info_size;
	u8 *b = buf;

	lis_dm_put_hdr(&info.hdr, LIS_DM_INFO_MESSAGE, size, trans_id);
	memcpy(b, &info, sizeof(info));
	memcpy(b + sizeof(info), &item, sizeof(item));
	memcpy(b + sizeof(info) + sizeof(item), &max_pages, sizeof(max_pages));
	return size;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_balloon: every Dynamic Memory message, built and validated.
 *
 * The host writes the messages this file parses: every size, count and
 * offset is checked against the packet before it is used, and nothing is
 * read beyond the length the caller gives.  Builders fill a message the
 * guest sends, except its transaction id, which the sender assigns from
 * its one counter (see dm_send() in main.c).
 *
 * Pure code: shim.h and lis headers only, no allocation, no locks.
 */
#include "dm_msg.h"

static u16 dm_get16(const u8 *b)
{
	return b[0] | (u16)b[1] << 8;
}

static u32 dm_get32(const u8 *b)
{
	return dm_get16(b) | (u32)dm_get16(b + 2) << 16;
}

static u64 dm_get64(const u8 *b)
{
	return dm_get32(b) | (u64)dm_get32(b + 4) << 32;
}

/* INFO_MESSAGE: walk the items; only the maximum page count is known. */
static int dm_parse_info(const u8 *b, u32 size, struct lis_dm_msg *msg)
{
	u32 info_size, off, end;

	if (size < sizeof(struct lis_dm_info))
		return -EINVAL;
	info_size = dm_get32(b + offsetof(struct lis_dm_info, info_size));
	if (info_size > size - sizeof(struct lis_dm_info))
		return -EINVAL;
	off = sizeof(struct lis_dm_info);
	end = off + info_size;
	while (off < end) {
		u32 type, data_size;

		if (end - off < sizeof(struct lis_dm_info_item))
			return -EINVAL;
		type = dm_get32(b + off);
		data_size = dm_get32(b + off + 4);
		off += sizeof(struct lis_dm_info_item);
		if (data_size > end - off)
			return -EINVAL;
		if (type == LIS_DM_INFO_MAX_PAGE_CNT) {
			if (data_size != sizeof(u64))
				return -EINVAL;
			msg->has_max = true;
			msg->max_page_count = dm_get64(b + off);
		}
		off += data_size;
	}
	return 0;
}

/**
 * lis_dm_parse() - validate a message from the host and decode it
 * @buf: the packet's data
 * @len: its length (the VMBus packet may pad it to 8 bytes)
 * @msg: the decoded message; undefined unless 0 is returned
 *
 * Context: any.
 * A message longer than its fields is accepted (the rest is ignored).
 *
 * Return: 0; -EINVAL for a message that is too short for its fields,
 * longer than 4 KiB or than the packet, or whose counts do not fit its
 * size; -EPROTO for a type only the guest sends;
 * -EOPNOTSUPP for a type this driver does not know (hot-remove, or a
 * later protocol's), to be logged and ignored.
 */
int lis_dm_parse(const void *buf, u32 len, struct lis_dm_msg *msg)
{
	const u8 *b = buf;
	u16 size;

	memset(msg, 0, sizeof(*msg));
	if (len < sizeof(struct lis_dm_hdr))
		return -EINVAL;
	msg->type = dm_get16(b);
	size = dm_get16(b + 2);
	msg->size = size;
	if (size < sizeof(struct lis_dm_hdr) || size > len ||
	    size > LIS_DM_MAX_MSG)
		return -EINVAL;

	/*
	 * A message may be longer than the fields read here: the rest is
	 * ignored, as Linux's hv_balloon ignores it (it checks no size but
	 * the hot-add form's).  Only a message too short for its fields is
	 * refused.
	 */
	switch (msg->type) {
	case LIS_DM_VERSION_RESPONSE:
	case LIS_DM_CAPABILITIES_RESPONSE:
		/* is_accepted is bit 0 of the byte after the header. */
		if (size < sizeof(struct lis_dm_hdr) + 1)
			return -EINVAL;
		msg->flags = size >= 16 ? dm_get64(b + 8) : b[8];
		msg->accepted = msg->flags & 1;
		return 0;
	case LIS_DM_BALLOON_REQUEST:
		if (size < offsetof(struct lis_dm_balloon_request, reserved))
			return -EINVAL;
		msg->num_pages = dm_get32(b + 8);
		return 0;
	case LIS_DM_UNBALLOON_REQUEST:
		if (size < sizeof(struct lis_dm_unballoon_request))
			return -EINVAL;
		msg->more = dm_get32(b + 8) & LIS_DM_MORE_PAGES;
		msg->nr_ranges = dm_get32(b + 12);
		if (msg->nr_ranges > LIS_DM_MAX_RANGES ||
		    size < sizeof(struct lis_dm_unballoon_request) +
			   msg->nr_ranges * sizeof(u64))
			return -EINVAL;
		msg->ranges = b + sizeof(struct lis_dm_unballoon_request);
		return 0;
	case LIS_DM_MEM_HOT_ADD_REQUEST:
		/* 16 to 23 bytes: the range alone; 24 or more: the region too. */
		if (size < 16)
			return -EINVAL;
		msg->range = dm_get64(b + 8);
		if (size < sizeof(struct lis_dm_hot_add_request))
			return 0;
		msg->region = dm_get64(b + 16);
		msg->has_region = true;
		return 0;
	case LIS_DM_INFO_MESSAGE:
		return dm_parse_info(b, size, msg);
	case LIS_DM_ERROR:
	case LIS_DM_VERSION_REQUEST:
	case LIS_DM_CAPABILITIES_REPORT:
	case LIS_DM_STATUS_REPORT:
	case LIS_DM_BALLOON_RESPONSE:
	case LIS_DM_UNBALLOON_RESPONSE:
	case LIS_DM_MEM_HOT_ADD_RESPONSE:
		return -EPROTO;
	default:
		return -EOPNOTSUPP;
	}
}

/**
 * lis_dm_msg_range() - the @i'th range of an UNBALLOON_REQUEST
 * @msg: a message lis_dm_parse() accepted
 * @i: below @msg->nr_ranges
 *
 * Context: any; the parsed buffer must still be valid.
 * Return: the range, as the wire has it.
 */
u64 lis_dm_msg_range(const struct lis_dm_msg *msg, u32 i)
{
	if (i >= msg->nr_ranges)
		return 0;
	return dm_get64(msg->ranges + (u64)i * sizeof(u64));
}

/**
 * lis_dm_check_range() - is a page range the host sent usable?
 * @range: the wire range
 * @max_pfn: first 4 KiB page frame beyond anything the guest can address
 *
 * Context: any.
 * Return: 0; -EINVAL for an empty range; -ERANGE if it ends beyond
 * @max_pfn.
 */
int lis_dm_check_range(u64 range, u64 max_pfn)
{
	u64 pfn = lis_dm_range_pfn(range), n = lis_dm_range_count(range);

	if (!n)
		return -EINVAL;
	/* 40 + 24 bits: the sum cannot overflow. */
	if (pfn + n > max_pfn)
		return -ERANGE;
	return 0;
}

/**
 * lis_dm_check_hot_add() - is a MEM_HOT_ADD_REQUEST consistent?
 * @msg: a parsed MEM_HOT_ADD_REQUEST
 * @max_pfn: first 4 KiB page frame beyond what the guest can address
 *
 * The pages to back must be a valid range and, in the 24-byte form, lie
 * inside the region.
 *
 * Context: any.
 * Return: 0, -EINVAL or -ERANGE (see lis_dm_check_range()).
 */
int lis_dm_check_hot_add(const struct lis_dm_msg *msg, u64 max_pfn)
{
	u64 pfn = lis_dm_range_pfn(msg->range);
	u64 end = pfn + lis_dm_range_count(msg->range);
	u64 rg, rg_end;
	int ret;

	ret = lis_dm_check_range(msg->range, max_pfn);
	if (ret || !msg->has_region)
		return ret;
	ret = lis_dm_check_range(msg->region, max_pfn);
	if (ret)
		return ret;
	rg = lis_dm_range_pfn(msg->region);
	rg_end = rg + lis_dm_range_count(msg->region);
	if (pfn < rg || end > rg_end)
		return -ERANGE;
	return 0;
}

/**
 * lis_dm_next_version() - the version to try after @version was refused
 * @version: the version just refused
 *
 * Context: any.
 * Return: 2.0 -> 1.0 -> 0.3 -> 0 (none left).
 */
u32 lis_dm_next_version(u32 version)
{
	switch (version) {
	case LIS_DM_VERSION_WIN10:
		return LIS_DM_VERSION_WIN8;
	case LIS_DM_VERSION_WIN8:
		return LIS_DM_VERSION_WIN7;
	default:
		return 0;
	}
}

static void dm_hdr(struct lis_dm_hdr *h, u16 type, u16 size)
{
	h->type = type;
	h->size = size;
	h->trans_id = 0;
}

/**
 * lis_dm_version_request() - build a VERSION_REQUEST
 * @req: the message
 * @version: the version offered; the oldest one (0.3) is the last attempt
 *
 * Context: any.
 * Return: the message's size.
 */
u32 lis_dm_version_request(struct lis_dm_version_request *req, u32 version)
{
	memset(req, 0, sizeof(*req));
	dm_hdr(&req->hdr, LIS_DM_VERSION_REQUEST, sizeof(*req));
	req->version = version;
	if (!lis_dm_next_version(version))
		req->flags = LIS_DM_VERSION_LAST_ATTEMPT;
	return sizeof(*req);
}

/**
 * lis_dm_hot_add_align() - the hot-add alignment field for a block size
 * @block_bytes: the guest's memory block size
 *
 * Context: any.
 * Return: log2 of the block size in MiB (0..15), or -EINVAL when the block
 * size is not a power-of-two number of MiB the field can express.
 */
int lis_dm_hot_add_align(u64 block_bytes)
{
	u64 mib = block_bytes >> 20;
	int shift = 0;

	if (!mib || (mib & (mib - 1)) || (block_bytes & ((1ULL << 20) - 1)))
		return -EINVAL;
	while (mib > 1) {
		mib >>= 1;
		shift++;
	}
	return shift <= 15 ? shift : -EINVAL;
}

/**
 * lis_dm_caps_report() - build a CAPABILITIES_REPORT
 * @rep: the message
 * @balloon: advertise ballooning
 * @hot_add_align: from lis_dm_hot_add_align(); negative: no hot-add
 * @min_pages: the smallest size the guest can run in (4 KiB pages)
 * @max_pfn: the highest page frame the guest can use
 *
 * Context: any.
 * Return: the message's size.
 */
u32 lis_dm_caps_report(struct lis_dm_caps_report *rep, bool balloon,
		       int hot_add_align, u64 min_pages, u64 max_pfn)
{
	memset(rep, 0, sizeof(*rep));
	dm_hdr(&rep->hdr, LIS_DM_CAPABILITIES_REPORT, sizeof(*rep));
	if (balloon)
		rep->caps |= LIS_DM_CAP_BALLOON;
	if (hot_add_align >= 0 && hot_add_align <= 15)
		rep->caps |= LIS_DM_CAP_HOT_ADD |
			     ((u64)hot_add_align << LIS_DM_CAP_ALIGN_SHIFT);
	rep->min_page_cnt = min_pages;
	rep->max_page_number = max_pfn;
	return sizeof(*rep);
}

/**
 * lis_dm_status_report() - build a STATUS_REPORT
 * @st: the message
 * @avail: pages the guest could give up (4 KiB units)
 * @committed: the guest's demand (4 KiB units), see dm_policy.c
 *
 * Context: any.
 * Return: the message's size.
 */
u32 lis_dm_status_report(struct lis_dm_status *st, u64 avail, u64 committed)
{
	memset(st, 0, sizeof(*st));
	dm_hdr(&st->hdr, LIS_DM_STATUS_REPORT, sizeof(*st));
	st->num_avail = avail;
	st->num_committed = committed;
	return sizeof(*st);
}

/**
 * lis_dm_unballoon_response() - build an UNBALLOON_RESPONSE
 * @resp: the message
 *
 * Context: any.
 * Return: the message's size.
 */
u32 lis_dm_unballoon_response(struct lis_dm_unballoon_response *resp)
{
	dm_hdr(&resp->hdr, LIS_DM_UNBALLOON_RESPONSE, sizeof(*resp));
	return sizeof(*resp);
}

/**
 * lis_dm_hot_add_response() - build a MEM_HOT_ADD_RESPONSE
 * @resp: the message
 * @pages: pages backed by this request (4 KiB units)
 * @result: LIS_DM_HOT_ADD_OK or LIS_DM_HOT_ADD_RETRY
 *
 * Context: any.
 * Return: the message's size.
 */
u32 lis_dm_hot_add_response(struct lis_dm_hot_add_response *resp,
			    u32 pages, u32 result)
{
	dm_hdr(&resp->hdr, LIS_DM_MEM_HOT_ADD_RESPONSE, sizeof(*resp));
	resp->page_count = pages;
	resp->result = result;
	return sizeof(*resp);
}

/**
 * lis_dm_balloon_resp_reset() - start an empty BALLOON_RESPONSE
 * @resp: a buffer of LIS_DM_MAX_MSG bytes
 *
 * Context: any.
 */
void lis_dm_balloon_resp_reset(struct lis_dm_balloon_response *resp)
{
	dm_hdr(&resp->hdr, LIS_DM_BALLOON_RESPONSE, sizeof(*resp));
	resp->reserved = 0;
	resp->more_and_count = 0;
}

/**
 * lis_dm_balloon_resp_count() - ranges in a BALLOON_RESPONSE being built
 * @resp: the message
 *
 * Context: any.
 * Return: the range count.
 */
u32 lis_dm_balloon_resp_count(const struct lis_dm_balloon_response *resp)
{
	return resp->more_and_count >> LIS_DM_RANGE_COUNT_SHIFT;
}

/**
 * lis_dm_balloon_resp_add() - add pages to a BALLOON_RESPONSE
 * @resp: a message started with lis_dm_balloon_resp_reset()
 * @pfn: first 4 KiB page frame
 * @nr_pages: 4 KiB pages, 1..LIS_DM_RANGE_MAX_PAGES
 *
 * Pages that continue the last range extend it; others take a new range.
 *
 * Context: any.
 * Return: true if added; false if the message is full (510 ranges) or the
 * arguments cannot be expressed.
 */
bool lis_dm_balloon_resp_add(struct lis_dm_balloon_response *resp,
			     u64 pfn, u64 nr_pages)
{
	u32 n = lis_dm_balloon_resp_count(resp);

	if (!nr_pages || nr_pages > LIS_DM_RANGE_MAX_PAGES ||
	    pfn > LIS_DM_RANGE_PFN_MASK)
		return false;
	if (n) {
		u64 last = resp->range[n - 1];
		u64 lpfn = lis_dm_range_pfn(last);
		u64 lcnt = lis_dm_range_count(last);

		if (lpfn + lcnt == pfn &&
		    lcnt + nr_pages <= LIS_DM_RANGE_MAX_PAGES) {
			resp->range[n - 1] = lis_dm_range(lpfn,
							  lcnt + nr_pages);
			return true;
		}
	}
	if (n >= LIS_DM_MAX_RANGES)
		return false;
	resp->range[n] = lis_dm_range(pfn, nr_pages);
	resp->more_and_count = (n + 1) << LIS_DM_RANGE_COUNT_SHIFT;
	return true;
}

/**
 * lis_dm_balloon_resp_close() - finish a BALLOON_RESPONSE for sending
 * @resp: the message
 * @more: more responses to this request follow
 *
 * Context: any.
 * Return: the message's size.
 */
u32 lis_dm_balloon_resp_close(struct lis_dm_balloon_response *resp,
			      bool more)
{
	u32 n = lis_dm_balloon_resp_count(resp);

	resp->more_and_count = n << LIS_DM_RANGE_COUNT_SHIFT |
			       (more ? LIS_DM_MORE_PAGES : 0);
	resp->hdr.size = sizeof(*resp) + n * sizeof(u64);
	return resp->hdr.size;
}

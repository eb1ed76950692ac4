// SPDX-License-Identifier: GPL-2.0-only
/*
 * VMBus channel-management messages: the version table, the validator every
 * host message goes through before anything looks at its fields, and the
 * GPADL encoder.
 *
 * Pure code (see include/lis/shim.h): no allocation, locks or sleeping.
 * The same file is linked into lis_vmbus, compiled into the lis_conn KUnit
 * suite and into the userspace fuzzer tests/fuzz/fuzz_conn.c.
 */

#include "lis/chan_msg.h"

/**
 * DOC: GPADL messages
 *
 * A GPADL (guest physical address descriptor list) tells the host which
 * guest pages make up one buffer.  It never fits in one 240-byte message
 * unless it is small, so it travels as one GPADL_HEADER followed by as many
 * GPADL_BODY messages as needed, all carrying the guest-chosen handle:
 *
 * - the header describes the whole buffer as one range (rangecount 1,
 *   byte_offset 0, byte_count = frames * 4096), gives range_buflen, the size
 *   of that range in bytes (8 + 8 per frame), and carries the first
 *   LIS_GPADL_HEADER_PFNS (26) frame numbers;
 * - each body carries the next LIS_GPADL_BODY_PFNS (28) frame numbers.
 *
 * The host knows from range_buflen how many frames to expect, and answers
 * with GPADL_CREATED once it has them all.  Because range_buflen is 16 bits
 * wide, one GPADL holds at most LIS_GPADL_MAX_PFNS (8190) frames: just under
 * 32 MiB.  Larger buffers must be split into several GPADLs.
 *
 * The body's first field (msgnumber here) is not a sequence number: Linux
 * leaves it zero and OpenVMM calls it reserved.  Hosts ignore it and rely on
 * the order in which the bodies arrive, so we send zero too.
 */

/*
 * Every version this guest speaks, newest first.  Hosts answer
 * INITIATE_CONTACT for a version they do not know with "not supported",
 * and the guest steps down this list.
 */
const u32 lis_vmbus_versions[] = {
	LIS_VMBUS_V6_0,
	LIS_VMBUS_V5_3,
	LIS_VMBUS_V5_2,
	LIS_VMBUS_V5_1,
	LIS_VMBUS_V5_0,
	LIS_VMBUS_V4_1,
	LIS_VMBUS_V4_0,
	LIS_VMBUS_V3_0,
	LIS_VMBUS_V2_4,
};
LIS_EXPORT(lis_vmbus_versions);

const unsigned int lis_vmbus_nversions = ARRAY_SIZE(lis_vmbus_versions);
LIS_EXPORT(lis_vmbus_nversions);

/* Name and fixed size of every message type we know; 0 size: unknown. */
struct lis_chmsg_info {
	const char *name;
	u32 size;
};

#define LIS_CHMSG(type, st)	\
	[LIS_CHMSG_##type] = { .name = #type, .size = sizeof(struct st) }

static const struct lis_chmsg_info lis_chmsg_info[LIS_CHMSG_MAX] = {
	LIS_CHMSG(OFFER, lis_chmsg_offer),
	LIS_CHMSG(RESCIND, lis_chmsg_rescind),
	LIS_CHMSG(REQUESTOFFERS, lis_chmsg_hdr),
	LIS_CHMSG(ALLOFFERS_DELIVERED, lis_chmsg_hdr),
	LIS_CHMSG(OPENCHANNEL, lis_chmsg_open),
	LIS_CHMSG(OPENCHANNEL_RESULT, lis_chmsg_open_result),
	LIS_CHMSG(CLOSECHANNEL, lis_chmsg_close),
	LIS_CHMSG(GPADL_HEADER, lis_chmsg_gpadl_header),
	LIS_CHMSG(GPADL_BODY, lis_chmsg_gpadl_body),
	LIS_CHMSG(GPADL_CREATED, lis_chmsg_gpadl_created),
	LIS_CHMSG(GPADL_TEARDOWN, lis_chmsg_gpadl_teardown),
	LIS_CHMSG(GPADL_TORNDOWN, lis_chmsg_gpadl_torndown),
	LIS_CHMSG(RELID_RELEASED, lis_chmsg_relid_released),
	LIS_CHMSG(INITIATE_CONTACT, lis_chmsg_initiate_contact),
	LIS_CHMSG(VERSION_RESPONSE, lis_chmsg_version_response),
	LIS_CHMSG(UNLOAD, lis_chmsg_hdr),
	LIS_CHMSG(UNLOAD_RESPONSE, lis_chmsg_hdr),
	LIS_CHMSG(MODIFYCHANNEL, lis_chmsg_modify),
	LIS_CHMSG(MODIFYCHANNEL_RESPONSE, lis_chmsg_modify_response),
};

/**
 * lis_chmsg_min_size() - fixed size of a channel message type
 * @type: enum lis_chmsg_type
 *
 * For GPADL_HEADER and GPADL_BODY this is the part before the frame
 * numbers; every other known message has exactly this size (hosts may send
 * longer ones, whose tail is ignored).
 *
 * Context: any.
 * Return: the size in bytes, header included, or 0 for an unknown type.
 */
u32 lis_chmsg_min_size(u32 type)
{
	if (type >= LIS_CHMSG_MAX)
		return 0;
	return lis_chmsg_info[type].size;
}
LIS_EXPORT(lis_chmsg_min_size);

/**
 * lis_chmsg_name() - printable name of a channel message type
 * @type: enum lis_chmsg_type
 *
 * Context: any.
 * Return: a static string such as "OFFER", or "unknown".
 */
const char *lis_chmsg_name(u32 type)
{
	if (type >= LIS_CHMSG_MAX || !lis_chmsg_info[type].name)
		return "unknown";
	return lis_chmsg_info[type].name;
}
LIS_EXPORT(lis_chmsg_name);

/**
 * lis_chmsg_check() - validate a channel message before it is parsed
 * @msg: the message, as posted or delivered
 * @len: its length in bytes
 * @type: set to the message type when @len covers the header, else to
 *	LIS_CHMSG_INVALID; may be NULL
 *
 * Checks only the envelope: the header is there, the message fits in one
 * hypervisor message, its type is one we know and it is at least as long
 * as that type's fixed part.  Whether the message makes sense in the
 * current state is the connection state machine's business.
 *
 * Context: any.
 * Return: 0 if @msg may be read as its type's structure; -EOPNOTSUPP for a
 * well-formed message of a type we do not know (log it, ignore it);
 * -EINVAL if it is shorter than its header or its type's fixed part, or
 * longer than LIS_HV_MSG_PAYLOAD.
 */
int lis_chmsg_check(const void *msg, u32 len, u32 *type)
{
	const struct lis_chmsg_hdr *hdr = msg;
	u32 t, min;

	if (type)
		*type = LIS_CHMSG_INVALID;
	if (len < sizeof(*hdr) || len > LIS_HV_MSG_PAYLOAD)
		return -EINVAL;
	t = hdr->msgtype;
	if (type)
		*type = t;
	min = lis_chmsg_min_size(t);
	if (!min)
		return -EOPNOTSUPP;
	return len < min ? -EINVAL : 0;
}
LIS_EXPORT(lis_chmsg_check);

/**
 * lis_gpadl_msg_count() - messages needed to describe a GPADL
 * @npfns: frames (4 KiB Hyper-V pages) in the GPADL
 *
 * Context: any.
 * Return: 1 (the header) plus one body per LIS_GPADL_BODY_PFNS frames
 * beyond the first LIS_GPADL_HEADER_PFNS; 0 when @npfns is 0 or above
 * LIS_GPADL_MAX_PFNS, which no GPADL can describe.
 */
u32 lis_gpadl_msg_count(u32 npfns)
{
	if (!npfns || npfns > LIS_GPADL_MAX_PFNS)
		return 0;
	if (npfns <= LIS_GPADL_HEADER_PFNS)
		return 1;
	npfns -= LIS_GPADL_HEADER_PFNS;
	return 1 + (npfns + LIS_GPADL_BODY_PFNS - 1) / LIS_GPADL_BODY_PFNS;
}
LIS_EXPORT(lis_gpadl_msg_count);

/**
 * lis_gpadl_encode() - build one message of a GPADL
 * @relid: channel the GPADL belongs to
 * @gpadl: the guest-chosen handle
 * @pfns: all @npfns frame numbers of the buffer, in order
 * @npfns: number of frames, 1 to LIS_GPADL_MAX_PFNS
 * @index: which message: 0 is the GPADL_HEADER, 1 onwards the GPADL_BODY
 *	messages, up to lis_gpadl_msg_count(@npfns) - 1
 * @buf: LIS_HV_MSG_PAYLOAD bytes, all of which are written (unused bytes
 *	are zeroed, so nothing stale can reach the host)
 *
 * See "GPADL messages" above for the layout.  Post the messages in index
 * order to the connection's message connection id.
 *
 * Context: any.
 * Return: the length of the message in @buf, or 0 if @npfns or @index is
 * out of range (@buf is then untouched).
 */
u32 lis_gpadl_encode(u32 relid, u32 gpadl, const u64 *pfns, u32 npfns,
		     u32 index, void *buf)
{
	struct lis_chmsg_gpadl_header *hdr = buf;
	struct lis_chmsg_gpadl_body *body = buf;
	u32 first, n;

	if (index >= lis_gpadl_msg_count(npfns))
		return 0;

	memset(buf, 0, LIS_HV_MSG_PAYLOAD);
	if (index == 0) {
		n = min_t(u32, npfns, LIS_GPADL_HEADER_PFNS);
		hdr->hdr.msgtype = LIS_CHMSG_GPADL_HEADER;
		hdr->child_relid = relid;
		hdr->gpadl = gpadl;
		hdr->range_buflen = sizeof(struct lis_gpa_range) +
				    npfns * sizeof(u64);
		hdr->rangecount = 1;
		hdr->range.byte_count = npfns << LIS_HV_PAGE_SHIFT;
		hdr->range.byte_offset = 0;
		memcpy(hdr->range.pfn, pfns, n * sizeof(u64));
		return sizeof(*hdr) + n * sizeof(u64);
	}

	first = LIS_GPADL_HEADER_PFNS + (index - 1) * LIS_GPADL_BODY_PFNS;
	n = min_t(u32, npfns - first, LIS_GPADL_BODY_PFNS);
	body->hdr.msgtype = LIS_CHMSG_GPADL_BODY;
	body->msgnumber = 0;
	body->gpadl = gpadl;
	memcpy(body->pfn, pfns + first, n * sizeof(u64));
	return sizeof(*body) + n * sizeof(u64);
}
LIS_EXPORT(lis_gpadl_encode);

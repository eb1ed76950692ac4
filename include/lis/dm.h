/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Dynamic Memory (DM): the wire format shared by the guest driver
 * (lis_balloon) and the simulated memory balancer in lis_sim.
 *
 * Every DM message is the data of one in-band VMBus packet without a
 * completion request.  It starts with an 8-byte header; size counts the
 * whole message, header included.  Page numbers and counts are in 4 KiB
 * units (LIS_HV_PAGE_SIZE) whatever the guest's own page size.
 *
 * Layouts follow Hyper-V; field names are ours.  All packed, little-endian.
 */
#ifndef _LIS_DM_H
#define _LIS_DM_H

#include "shim.h"

/* Device class GUID 525074dc-8985-46e2-8057-a307dc18a502 */
#define LIS_DM_CLASS_GUID						\
	GUID_INIT(0x525074dc, 0x8985, 0x46e2,				\
		  0x80, 0x57, 0xa3, 0x07, 0xdc, 0x18, 0xa5, 0x02)

/* Ring sizes and largest packet existing guests use on this channel. */
#define LIS_DM_RING_BYTES	(16 * 1024)
#define LIS_DM_MAX_PKT		(8 * 1024)
/* Hosts send messages of up to one 4 KiB page. */
#define LIS_DM_MAX_MSG		LIS_HV_PAGE_SIZE

/* Protocol versions: (major << 16) | minor. */
#define LIS_DM_VERSION(maj, min)	(((u32)(maj) << 16) | (u32)(min))
#define LIS_DM_VERSION_WIN7	LIS_DM_VERSION(0, 3)
#define LIS_DM_VERSION_WIN8	LIS_DM_VERSION(1, 0)
#define LIS_DM_VERSION_WIN10	LIS_DM_VERSION(2, 0)

/* Message types (struct lis_dm_hdr.type). */
enum lis_dm_type {
	LIS_DM_ERROR			= 0,
	LIS_DM_VERSION_REQUEST		= 1,
	LIS_DM_VERSION_RESPONSE		= 2,
	LIS_DM_CAPABILITIES_REPORT	= 3,
	LIS_DM_CAPABILITIES_RESPONSE	= 4,
	LIS_DM_STATUS_REPORT		= 5,
	LIS_DM_BALLOON_REQUEST		= 6,
	LIS_DM_BALLOON_RESPONSE		= 7,
	LIS_DM_UNBALLOON_REQUEST	= 8,
	LIS_DM_UNBALLOON_RESPONSE	= 9,
	LIS_DM_MEM_HOT_ADD_REQUEST	= 10,
	LIS_DM_MEM_HOT_ADD_RESPONSE	= 11,
	LIS_DM_INFO_MESSAGE		= 12,
	/* 13, 14: hot-remove, 2.0 hosts with the hot_remove capability only */
	LIS_DM_NR_TYPES			= 15,
};

struct lis_dm_hdr {
	u16 type;		/* enum lis_dm_type */
	u16 size;		/* whole message, this header included */
	u32 trans_id;		/* the sender's own counter; never echoed */
} __packed;

/*
 * A page range: bits 0-39 the first 4 KiB page frame, bits 40-63 the
 * number of pages.
 */
#define LIS_DM_RANGE_PFN_BITS	40
#define LIS_DM_RANGE_PFN_MASK	((1ULL << LIS_DM_RANGE_PFN_BITS) - 1)
#define LIS_DM_RANGE_MAX_PAGES	((1ULL << (64 - LIS_DM_RANGE_PFN_BITS)) - 1)

static inline u64 lis_dm_range(u64 start_pfn, u64 nr_pages)
{
	return (start_pfn & LIS_DM_RANGE_PFN_MASK) |
	       (nr_pages << LIS_DM_RANGE_PFN_BITS);
}

static inline u64 lis_dm_range_pfn(u64 range)
{
	return range & LIS_DM_RANGE_PFN_MASK;
}

static inline u64 lis_dm_range_count(u64 range)
{
	return range >> LIS_DM_RANGE_PFN_BITS;
}

/* 1: VERSION_REQUEST, guest to host */
#define LIS_DM_VERSION_LAST_ATTEMPT	0x1	/* flags: no older one follows */
struct lis_dm_version_request {
	struct lis_dm_hdr hdr;
	u32 version;
	u32 flags;
} __packed;

/* 2: VERSION_RESPONSE, host to guest */
#define LIS_DM_VERSION_ACCEPTED		0x1
struct lis_dm_version_response {
	struct lis_dm_hdr hdr;
	u64 flags;
} __packed;

/* 3: CAPABILITIES_REPORT, guest to host */
#define LIS_DM_CAP_BALLOON		0x1
#define LIS_DM_CAP_HOT_ADD		0x2
#define LIS_DM_CAP_ALIGN_SHIFT		2	/* log2 of the alignment in MiB */
#define LIS_DM_CAP_ALIGN_MASK		(0xfULL << LIS_DM_CAP_ALIGN_SHIFT)
struct lis_dm_caps_report {
	struct lis_dm_hdr hdr;
	u64 caps;
	u64 min_page_cnt;
	u64 max_page_number;
} __packed;

/* 4: CAPABILITIES_RESPONSE, host to guest */
#define LIS_DM_CAPS_ACCEPTED		0x1
#define LIS_DM_CAPS_HOT_REMOVE		0x2	/* 2.0 hosts only */
#define LIS_DM_CAPS_SUPPRESS_PRESSURE	0x4	/* 2.0 hosts only */
struct lis_dm_caps_response {
	struct lis_dm_hdr hdr;
	u64 flags;
} __packed;

/*
 * 5: STATUS_REPORT, guest to host; all counts in 4 KiB pages.
 * num_committed is the guest's demand as Hyper-V reads it: its committed
 * memory plus every page it has ballooned out (the host expects the
 * balloon in the figure and takes it off again), plus pages it hot-added
 * but has not onlined yet, plus a floor it must keep to stay alive.  The
 * host balancer uses num_committed only.
 */
struct lis_dm_status {
	struct lis_dm_hdr hdr;
	u64 num_avail;
	u64 num_committed;
	u64 page_file_size;
	u64 zero_free;
	u32 page_file_writes;
	u32 io_diff;
} __packed;

/* 6: BALLOON_REQUEST, host to guest */
struct lis_dm_balloon_request {
	struct lis_dm_hdr hdr;
	u32 num_pages;
	u32 reserved;
} __packed;

/* 7: BALLOON_RESPONSE, guest to host */
#define LIS_DM_MORE_PAGES		0x1
#define LIS_DM_RANGE_COUNT_SHIFT	1
struct lis_dm_balloon_response {
	struct lis_dm_hdr hdr;
	u32 reserved;
	u32 more_and_count;	/* bit 0 more_pages, bits 1-31 range count */
	u64 range[];
} __packed;

/* 8: UNBALLOON_REQUEST, host to guest */
struct lis_dm_unballoon_request {
	struct lis_dm_hdr hdr;
	u32 more_pages;		/* bit 0: more messages follow */
	u32 range_count;
	u64 range[];
} __packed;

/* 9: UNBALLOON_RESPONSE, guest to host: the header alone */
struct lis_dm_unballoon_response {
	struct lis_dm_hdr hdr;
} __packed;

/*
 * 10: MEM_HOT_ADD_REQUEST, host to guest: the pages to back, optionally
 * followed by the region the host wants added (size 24 instead of 16).
 */
struct lis_dm_hot_add_request {
	struct lis_dm_hdr hdr;
	u64 range;
	u64 region;		/* present only when hdr.size >= 24 */
} __packed;

/* 11: MEM_HOT_ADD_RESPONSE, guest to host */
#define LIS_DM_HOT_ADD_OK		1	/* result */
#define LIS_DM_HOT_ADD_RETRY		0	/* result: try again later */
struct lis_dm_hot_add_response {
	struct lis_dm_hdr hdr;
	u32 page_count;
	u32 result;
} __packed;

/* 12: INFO_MESSAGE, host to guest: info_size bytes of items */
#define LIS_DM_INFO_MAX_PAGE_CNT	0	/* item data: u64, 4 KiB pages */
struct lis_dm_info {
	struct lis_dm_hdr hdr;
	u32 reserved;
	u32 info_size;
	u8 info[];
} __packed;

struct lis_dm_info_item {
	u32 type;
	u32 data_size;
	u8 data[];
} __packed;

/* Ranges that fit one 4 KiB balloon response or unballoon request: 510. */
#define LIS_DM_MAX_RANGES						\
	((LIS_DM_MAX_MSG - sizeof(struct lis_dm_balloon_response)) /	\
	 sizeof(u64))

static_assert(sizeof(struct lis_dm_hdr) == 8);
static_assert(sizeof(struct lis_dm_version_request) == 16);
static_assert(sizeof(struct lis_dm_version_response) == 16);
static_assert(sizeof(struct lis_dm_caps_report) == 32);
static_assert(sizeof(struct lis_dm_caps_response) == 16);
static_assert(sizeof(struct lis_dm_status) == 48);
static_assert(sizeof(struct lis_dm_balloon_request) == 16);
static_assert(sizeof(struct lis_dm_balloon_response) == 16);
static_assert(sizeof(struct lis_dm_unballoon_request) == 16);
static_assert(sizeof(struct lis_dm_unballoon_response) == 8);
static_assert(sizeof(struct lis_dm_hot_add_request) == 24);
static_assert(sizeof(struct lis_dm_hot_add_response) == 16);
static_assert(sizeof(struct lis_dm_info) == 16);
static_assert(sizeof(struct lis_dm_info_item) == 8);
static_assert(LIS_DM_MAX_RANGES == 510);

#endif /* _LIS_DM_H */

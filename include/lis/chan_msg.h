/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VMBus channel-management messages: the wire layouts of what guest and host
 * post to each other through the hypervisor (at most 240 bytes each), and the
 * pure encoders and validators both sides share.
 *
 * Layouts follow Hyper-V; field names are ours.  All packed, little-endian.
 */
#ifndef _LIS_CHAN_MSG_H
#define _LIS_CHAN_MSG_H

#include "shim.h"

#define LIS_HV_MSG_PAYLOAD	240	/* bytes in one hypervisor message */

/* Connection ids the guest posts to. */
#define LIS_CONNID_MESSAGE	1	/* channel messages before protocol 5.0 */
#define LIS_CONNID_MONITOR	3
#define LIS_CONNID_CONTACT	4	/* INITIATE_CONTACT from protocol 5.0 */

#define LIS_VMBUS_SINT		2	/* the SINT VMBus messages arrive on */

/* Highest relid this guest accepts: one bit per relid in a 2048-bit slot. */
#define LIS_MAX_RELID		2047

/* Protocol versions, (major << 16) | minor. */
#define LIS_VMBUS_VERSION(maj, min)	(((u32)(maj) << 16) | (u32)(min))
#define LIS_VMBUS_V2_4	LIS_VMBUS_VERSION(2, 4)		/* Windows 8 */
#define LIS_VMBUS_V3_0	LIS_VMBUS_VERSION(3, 0)		/* Windows 8.1 */
#define LIS_VMBUS_V4_0	LIS_VMBUS_VERSION(4, 0)		/* Windows 10 */
#define LIS_VMBUS_V4_1	LIS_VMBUS_VERSION(4, 1)
#define LIS_VMBUS_V5_0	LIS_VMBUS_VERSION(5, 0)
#define LIS_VMBUS_V5_1	LIS_VMBUS_VERSION(5, 1)
#define LIS_VMBUS_V5_2	LIS_VMBUS_VERSION(5, 2)
#define LIS_VMBUS_V5_3	LIS_VMBUS_VERSION(5, 3)		/* Windows Server 2022 */
#define LIS_VMBUS_V6_0	LIS_VMBUS_VERSION(6, 0)

/* Newest first: the order the guest offers them in. */
extern const u32 lis_vmbus_versions[];
extern const unsigned int lis_vmbus_nversions;

enum lis_chmsg_type {
	LIS_CHMSG_INVALID = 0,
	LIS_CHMSG_OFFER = 1,
	LIS_CHMSG_RESCIND = 2,
	LIS_CHMSG_REQUESTOFFERS = 3,
	LIS_CHMSG_ALLOFFERS_DELIVERED = 4,
	LIS_CHMSG_OPENCHANNEL = 5,
	LIS_CHMSG_OPENCHANNEL_RESULT = 6,
	LIS_CHMSG_CLOSECHANNEL = 7,
	LIS_CHMSG_GPADL_HEADER = 8,
	LIS_CHMSG_GPADL_BODY = 9,
	LIS_CHMSG_GPADL_CREATED = 10,
	LIS_CHMSG_GPADL_TEARDOWN = 11,
	LIS_CHMSG_GPADL_TORNDOWN = 12,
	LIS_CHMSG_RELID_RELEASED = 13,
	LIS_CHMSG_INITIATE_CONTACT = 14,
	LIS_CHMSG_VERSION_RESPONSE = 15,
	LIS_CHMSG_UNLOAD = 16,
	LIS_CHMSG_UNLOAD_RESPONSE = 17,
	LIS_CHMSG_MODIFYCHANNEL = 22,
	LIS_CHMSG_MODIFYCHANNEL_RESPONSE = 24,
	LIS_CHMSG_MAX = 25,
};

struct lis_chmsg_hdr {
	u32 msgtype;
	u32 padding;
} __packed;

/* OFFER (host to guest) */
struct lis_chmsg_offer {
	struct lis_chmsg_hdr hdr;
	guid_t if_type;			/* device class */
	guid_t if_instance;		/* this device */
	u64 reserved1[2];
	u16 chn_flags;
	u16 mmio_mb;
	u8 user_def[120];
	u16 sub_channel_index;
	u16 reserved2;
	u32 child_relid;
	u8 monitor_id;
	u8 monitor_flags;		/* bit 0: monitor allocated */
	u16 interrupt_flags;		/* bit 0: dedicated interrupt */
	u32 connection_id;		/* signal this to notify the host */
} __packed;

struct lis_chmsg_rescind {
	struct lis_chmsg_hdr hdr;
	u32 child_relid;
} __packed;

struct lis_chmsg_open {
	struct lis_chmsg_hdr hdr;
	u32 child_relid;
	u32 open_id;
	u32 ring_gpadl;
	u32 target_vp;
	u32 downstream_offset;		/* inbound ring's first page, in pages */
	u8 user_data[120];
} __packed;

struct lis_chmsg_open_result {
	struct lis_chmsg_hdr hdr;
	u32 child_relid;
	u32 open_id;
	u32 status;			/* 0: opened */
} __packed;

struct lis_chmsg_close {
	struct lis_chmsg_hdr hdr;
	u32 child_relid;
} __packed;

/* A GPADL header holds at most 26 frames, each body at most 28. */
#define LIS_GPADL_HEADER_PFNS	26
#define LIS_GPADL_BODY_PFNS	28

/*
 * Largest GPADL: the header's range_buflen is a u16 holding 8 bytes of
 * range plus 8 per frame, so 8190 frames (just under 32 MiB).  Bigger
 * buffers need several GPADLs.
 */
#define LIS_GPADL_MAX_PFNS	((0xffffU - 8) / 8)

struct lis_gpa_range {
	u32 byte_count;
	u32 byte_offset;
	u64 pfn[];
} __packed;

struct lis_chmsg_gpadl_header {
	struct lis_chmsg_hdr hdr;
	u32 child_relid;
	u32 gpadl;
	u16 range_buflen;		/* sizeof(range) + 8 * total pfns */
	u16 rangecount;			/* always 1 here */
	struct lis_gpa_range range;
} __packed;

struct lis_chmsg_gpadl_body {
	struct lis_chmsg_hdr hdr;
	u32 msgnumber;			/* reserved: always 0 (as Linux sends) */
	u32 gpadl;
	u64 pfn[];
} __packed;

struct lis_chmsg_gpadl_created {
	struct lis_chmsg_hdr hdr;
	u32 child_relid;
	u32 gpadl;
	u32 status;			/* 0: created */
} __packed;

struct lis_chmsg_gpadl_teardown {
	struct lis_chmsg_hdr hdr;
	u32 child_relid;
	u32 gpadl;
} __packed;

struct lis_chmsg_gpadl_torndown {
	struct lis_chmsg_hdr hdr;
	u32 gpadl;
} __packed;

struct lis_chmsg_relid_released {
	struct lis_chmsg_hdr hdr;
	u32 child_relid;
} __packed;

struct lis_chmsg_initiate_contact {
	struct lis_chmsg_hdr hdr;
	u32 version;
	u32 target_vcpu;		/* VP that receives channel messages */
	union {
		u64 interrupt_page;	/* before 5.0 */
		struct {
			u8 msg_sint;	/* 5.0 and later */
			u8 msg_vtl;
			u8 reserved[6];
		};
	};
	u64 monitor_page1;
	u64 monitor_page2;
} __packed;

struct lis_chmsg_version_response {
	struct lis_chmsg_hdr hdr;
	u8 supported;
	u8 connection_state;
	u16 padding;
	u32 msg_conn_id;		/* 5.0+: where later messages go */
} __packed;

struct lis_chmsg_modify {
	struct lis_chmsg_hdr hdr;
	u32 child_relid;
	u32 target_vp;
} __packed;

struct lis_chmsg_modify_response {
	struct lis_chmsg_hdr hdr;
	u32 child_relid;
	u32 status;
} __packed;

static_assert(sizeof(struct lis_chmsg_offer) == 196);
static_assert(sizeof(struct lis_chmsg_open) == 148);
static_assert(sizeof(struct lis_chmsg_initiate_contact) == 40);
static_assert(sizeof(struct lis_chmsg_gpadl_header) +
	      LIS_GPADL_HEADER_PFNS * 8 <= LIS_HV_MSG_PAYLOAD);
static_assert(sizeof(struct lis_chmsg_gpadl_body) +
	      LIS_GPADL_BODY_PFNS * 8 <= LIS_HV_MSG_PAYLOAD);
static_assert(sizeof(struct lis_gpa_range) + LIS_GPADL_MAX_PFNS * 8 <= 0xffff);
static_assert((u64)LIS_GPADL_MAX_PFNS * LIS_HV_PAGE_SIZE <= 0xffffffffULL);

int lis_chmsg_check(const void *msg, u32 len, u32 *type);
u32 lis_chmsg_min_size(u32 type);
const char *lis_chmsg_name(u32 type);

u32 lis_gpadl_msg_count(u32 npfns);
u32 lis_gpadl_encode(u32 relid, u32 gpadl, const u64 *pfns, u32 npfns,
		     u32 index, void *buf);

#endif /* _LIS_CHAN_MSG_H */

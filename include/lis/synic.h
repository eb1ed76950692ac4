/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SynIC message and event-flag pages: how the hypervisor (real or
 * simulated) hands VMBus messages and channel signals to a virtual CPU.
 * Pure layouts shared by lis_vmbus and lis_sim.
 */
#ifndef _LIS_SYNIC_H
#define _LIS_SYNIC_H

#include "shim.h"

#define LIS_SINT_COUNT		16

/* Message types in a slot header. */
#define LIS_HVMSG_NONE		0
#define LIS_HVMSG_CHANNEL	1	/* a VMBus channel message */

#define LIS_HVMSG_F_PENDING	BIT(0)	/* another message waits: write EOM */

/*
 * HvPostMessage results (the TLFS's hypercall status codes): what a
 * provider's ->post_msg() returns, real or simulated.
 */
#define LIS_HV_STATUS_SUCCESS			0
#define LIS_HV_STATUS_INVALID_PARAMETER		5
#define LIS_HV_STATUS_ACCESS_DENIED		6
#define LIS_HV_STATUS_INSUFFICIENT_MEMORY	11
#define LIS_HV_STATUS_INVALID_CONNECTION_ID	18
#define LIS_HV_STATUS_INSUFFICIENT_BUFFERS	19

struct lis_hv_msg_header {
	u32 type;
	u8 payload_size;
	u8 flags;
	u8 reserved[2];
	u64 sender;
} __packed;

/* One 256-byte slot per SINT. */
struct lis_hv_message {
	struct lis_hv_msg_header hdr;
	u8 payload[240];
} __packed;

struct lis_hv_msg_page {
	struct lis_hv_message sint[LIS_SINT_COUNT];
} __packed;

/* 2048 event flags per SINT; bit <relid> set means "channel relid signalled". */
#define LIS_EVENT_FLAGS_BYTES	256
#define LIS_EVENT_FLAGS_BITS	(LIS_EVENT_FLAGS_BYTES * 8)

struct lis_hv_event_flags {
	unsigned long bits[LIS_EVENT_FLAGS_BYTES / sizeof(unsigned long)];
};

struct lis_hv_event_page {
	struct lis_hv_event_flags sint[LIS_SINT_COUNT];
};

static_assert(sizeof(struct lis_hv_message) == 256);
static_assert(sizeof(struct lis_hv_msg_page) == LIS_HV_PAGE_SIZE);
static_assert(sizeof(struct lis_hv_event_page) == LIS_HV_PAGE_SIZE);

#endif /* _LIS_SYNIC_H */

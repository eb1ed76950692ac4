/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VSS (live backup): the wire format shared by the guest driver (lis_vss)
 * and the simulated backup requester in lis_sim.
 *
 * VSS is an integration component (include/lis/ic.h): every packet is an
 * in-band VMBus packet holding the pipe and IC headers, then, for
 * icmsgtype LIS_IC_MSG_VSS, the 12-byte body below.  FREEZE and
 * AUTO_RECOVER packets carry more after the body (up to 12,500 bytes in
 * all), which the guest does not interpret.
 *
 * Layouts follow Hyper-V; field names are ours.  All packed, little-endian.
 */
#ifndef _LIS_VSS_H
#define _LIS_VSS_H

#include "shim.h"
#include "ic.h"

/* Device class GUID 35fa2e29-ea23-4236-96ae-3a6ebacba440 */
#define LIS_VSS_CLASS_GUID						\
	GUID_INIT(0x35fa2e29, 0xea23, 0x4236,				\
		  0x96, 0xae, 0x3a, 0x6e, 0xba, 0xcb, 0xa4, 0x40)

/* Largest packet a host sends (AUTO_RECOVER, 12,500 bytes), rounded up. */
#define LIS_VSS_MAX_PKT		13312

/* Versions the guest prefers, best first. */
#define LIS_VSS_FW_MAJOR	3	/* IC framework 3.0 */
#define LIS_VSS_SRV_MAJOR	5	/* VSS 5.0: FREEZE and THAW */

/* operation */
enum lis_vss_op {
	LIS_VSS_OP_CREATE	= 0,
	LIS_VSS_OP_DELETE	= 1,
	LIS_VSS_OP_HOT_BACKUP	= 2,
	LIS_VSS_OP_GET_DM_INFO	= 3,
	LIS_VSS_OP_BU_COMPLETE	= 4,
	LIS_VSS_OP_FREEZE	= 5,
	LIS_VSS_OP_THAW		= 6,
	LIS_VSS_OP_AUTO_RECOVER	= 7,
	LIS_VSS_OP_COUNT	= 8,
};

/* flags answered to HOT_BACKUP when a daemon is listening */
#define LIS_VSS_HOT_BACKUP_FLAGS	5	/* no auto recovery */

struct lis_vss_body {
	union {
		struct {
			u8 operation;	/* enum lis_vss_op */
			u8 reserved[7];
		} __packed;
		s32 error;
	};
	u32 flags;
} __packed;

static_assert(sizeof(struct lis_vss_body) == 12);

#endif /* _LIS_VSS_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Integration components (ICs): the framing every util-style Hyper-V device
 * (VSS, heartbeat, shutdown, time sync, KVP, file copy) wraps its messages
 * in, and the pure helpers that parse it and answer version negotiation.
 *
 * Every IC packet is the data of one in-band VMBus packet:
 *
 *	 0  pipe header   (8 bytes)  u32 flags; u32 msgsize
 *	 8  IC header    (20 bytes)  see struct lis_ic_hdr
 *	28  body     (icmsgsize bytes)
 *
 * Layouts follow Hyper-V; field names are ours.  All packed, little-endian.
 */
#ifndef _LIS_IC_H
#define _LIS_IC_H

#include "shim.h"

/* icmsgtype: what the body is. */
#define LIS_IC_MSG_NEGOTIATE	0
#define LIS_IC_MSG_HEARTBEAT	1
#define LIS_IC_MSG_KVP		2
#define LIS_IC_MSG_SHUTDOWN	3
#define LIS_IC_MSG_TIMESYNC	4
#define LIS_IC_MSG_VSS		5
#define LIS_IC_MSG_FCOPY	7

/* icflags */
#define LIS_IC_FLAG_TRANSACTION	0x01
#define LIS_IC_FLAG_REQUEST	0x02
#define LIS_IC_FLAG_RESPONSE	0x04

/* status: Windows HRESULTs */
#define LIS_IC_S_OK		0x00000000U
#define LIS_IC_E_FAIL		0x80004005U
#define LIS_IC_E_NOT_SUPPORTED	0x80070032U
#define LIS_IC_E_INVALIDARG	0x80070057U

/* Most versions of either kind a NEGOTIATE message may list. */
#define LIS_IC_MAX_VERCNT	100

struct lis_ic_version {
	u16 major;
	u16 minor;
} __packed;

/* The VMBus pipe header in front of every IC message (not interpreted). */
struct lis_ic_pipe_hdr {
	u32 flags;
	u32 msgsize;
} __packed;

struct lis_ic_hdr {
	struct lis_ic_version icverframe;	/* framework version */
	u16 icmsgtype;				/* LIS_IC_MSG_* */
	struct lis_ic_version icvermsg;		/* service version */
	u16 icmsgsize;				/* body bytes after this header */
	u32 status;				/* LIS_IC_S_OK, LIS_IC_E_* */
	u8 ictransaction_id;
	u8 icflags;				/* LIS_IC_FLAG_* */
	u8 reserved[2];
} __packed;

/* Everything in front of the body. */
struct lis_ic_msg_hdr {
	struct lis_ic_pipe_hdr pipe;
	struct lis_ic_hdr ic;
} __packed;

#define LIS_IC_BODY_OFFSET	sizeof(struct lis_ic_msg_hdr)

/*
 * NEGOTIATE body: icframe_vercnt framework versions, then icmsg_vercnt
 * service versions, in versions[].
 */
struct lis_ic_negotiate {
	u16 icframe_vercnt;
	u16 icmsg_vercnt;
	u32 reserved;
	struct lis_ic_version versions[];
} __packed;

/* icmsgsize of a NEGOTIATE answer: the counts and two versions. */
#define LIS_IC_NEGOTIATE_RESP_BODY \
	(sizeof(struct lis_ic_negotiate) + 2 * sizeof(struct lis_ic_version))
/* Bytes a NEGOTIATE packet needs for its answer to be written in place. */
#define LIS_IC_NEGOTIATE_RESP_LEN \
	(LIS_IC_BODY_OFFSET + LIS_IC_NEGOTIATE_RESP_BODY)

static_assert(sizeof(struct lis_ic_version) == 4);
static_assert(sizeof(struct lis_ic_pipe_hdr) == 8);
static_assert(sizeof(struct lis_ic_hdr) == 20);
static_assert(sizeof(struct lis_ic_msg_hdr) == 28);
static_assert(sizeof(struct lis_ic_negotiate) == 8);
static_assert(LIS_IC_NEGOTIATE_RESP_BODY == 0x10);
static_assert(LIS_IC_NEGOTIATE_RESP_LEN == 44);

/**
 * struct lis_ic_msg - a received IC packet, as lis_ic_parse() found it
 * @hdr: copy of the IC header (host memory is read once)
 * @body_off: offset of the body in the packet: always LIS_IC_BODY_OFFSET
 * @body_len: length of the body: every byte received after the headers
 *	(ring padding included), whatever the header's icmsgsize says
 * @type: icmsgtype, LIS_IC_MSG_*
 * @flags: icflags, LIS_IC_FLAG_*
 * @transaction_id: ictransaction_id
 */
struct lis_ic_msg {
	struct lis_ic_hdr hdr;
	u32 body_off;
	u32 body_len;
	u16 type;
	u8 flags;
	u8 transaction_id;
};

int lis_ic_parse(const void *pkt, u32 len, struct lis_ic_msg *out);
int lis_ic_negotiate(void *pkt, u32 len,
		     const struct lis_ic_version *fw, unsigned int nfw,
		     const struct lis_ic_version *srv, unsigned int nsrv,
		     struct lis_ic_version *fw_out,
		     struct lis_ic_version *srv_out);
void lis_ic_make_response(void *pkt, u32 status);

#endif /* _LIS_IC_H */

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis_vss pure protocol code: decoding the host's VSS packets and building
 * the answers (msg.c), and the transaction rules that decide who answers
 * what and when (txn.c).
 *
 * Pure (include/lis/shim.h): no allocation, locks, timers or sleeping.
 * Compiled into lis_vss, the lis_vss KUnit suite and tests/fuzz/fuzz_vss.c.
 */
#ifndef _LIS_VSS_PROTO_H
#define _LIS_VSS_PROTO_H

#include "lis/shim.h"
#include "lis/ic.h"
#include "lis/vss.h"
#include "uapi/linux/lis_vss.h"

/* What a received packet is, as lis_vss_decode() found it. */
enum lis_vss_kind {
	LIS_VSS_PKT_NEGOTIATE,	/* IC version negotiation */
	LIS_VSS_PKT_OP,		/* a VSS operation: see @op */
	LIS_VSS_PKT_SHORT,	/* a VSS message whose body is too short */
	LIS_VSS_PKT_OTHER,	/* another IC message type */
};

/**
 * struct lis_vss_pkt - a decoded host packet
 * @ic: the IC header, as lis_ic_parse() found it
 * @kind: enum lis_vss_kind
 * @op: LIS_VSS_PKT_OP: the operation (any value; unknown ones included)
 * @flags: LIS_VSS_PKT_OP: the body's flags
 */
struct lis_vss_pkt {
	struct lis_ic_msg ic;
	int kind;
	u8 op;
	u32 flags;
};

int lis_vss_decode(const void *pkt, u32 len, struct lis_vss_pkt *out);
int lis_vss_negotiate(void *pkt, u32 len, struct lis_ic_version *fw,
		      struct lis_ic_version *srv);
void lis_vss_answer(void *pkt, const struct lis_vss_pkt *p, u32 status,
		    u32 flags);
const char *lis_vss_op_name(unsigned int op);

/* Timeouts the transaction rules hand out, in milliseconds. */
struct lis_vss_timeouts {
	u32 freeze_ms;		/* daemon's answer to FREEZE */
	u32 thaw_ms;		/* daemon's answer to THAW */
};

/* Why the kernel answered a request with a failure on its own. */
enum lis_vss_why {
	LIS_VSS_WHY_NONE,
	LIS_VSS_WHY_NO_DAEMON,		/* no daemon has said HELLO */
	LIS_VSS_WHY_BUSY,		/* another request is in flight */
	LIS_VSS_WHY_TIMEOUT,		/* the daemon did not answer in time */
	LIS_VSS_WHY_DAEMON_GONE,	/* the daemon closed the device */
	LIS_VSS_WHY_DAEMON_ERROR,	/* the daemon answered an error */
	LIS_VSS_WHY_THAWED_EARLY,	/* thawed before the host's THAW */
	LIS_VSS_WHY_ABORTED,		/* THAW while FREEZE was in flight */
};

/**
 * struct lis_vss_action - what the glue must do after an event
 * @answer: send the request's packet back to the host now, with @status
 *	and, for an operation, body flags @flags
 * @status: LIS_IC_S_OK or LIS_IC_E_*
 * @flags: the body's flags in the answer
 * @why: enum lis_vss_why: a failure the kernel decided on
 * @to_daemon: hand request (@daemon_op, @seq) to the daemon, keep the
 *	host's packet for the answer, and start the reply timer: @timeout_ms
 * @daemon_op: LIS_VSS_REQ_FREEZE or LIS_VSS_REQ_THAW
 * @seq: the request's sequence number
 * @timeout_ms: how long the daemon has
 * @answer_held: answer the packet kept for the daemon's request (not the
 *	one just received) with @status, and stop the reply timer
 * @thaw_all: thaw everything the kernel froze, in reverse order
 * @arm_thaw_timer: the guest is frozen for the host: start the host-THAW
 *	timer (thaw everything if no THAW comes in time)
 * @stop_thaw_timer: stop that timer
 */
struct lis_vss_action {
	bool answer;
	u32 status;
	u32 flags;
	int why;
	bool to_daemon;
	u32 daemon_op;
	u64 seq;
	u32 timeout_ms;
	bool answer_held;
	bool thaw_all;
	bool arm_thaw_timer;
	bool stop_thaw_timer;
};

/**
 * struct lis_vss_txn - the transaction state
 * @daemon: a daemon has completed the HELLO handshake
 * @inflight: the operation handed to the daemon (LIS_VSS_OP_FREEZE or
 *	LIS_VSS_OP_THAW), 0 when none
 * @seq: sequence number of the last request handed to the daemon
 * @expired_seq: the last request that timed out or was abandoned (a reply
 *	to it is "too late": -ETIMEDOUT), 0 if none
 * @frozen: a FREEZE succeeded and no THAW has been answered yet
 * @thawed_early: the kernel thawed a successful freeze on its own (the
 *	daemon left, or the host sent no THAW in time) before the host's
 *	THAW: that THAW must fail, as the host's checkpoint may postdate
 *	the thaw
 */
struct lis_vss_txn {
	bool daemon;
	u8 inflight;
	u64 seq;
	u64 expired_seq;
	bool frozen;
	bool thawed_early;
};

void lis_vss_txn_init(struct lis_vss_txn *t);
void lis_vss_txn_host_op(struct lis_vss_txn *t, unsigned int op,
			 const struct lis_vss_timeouts *to,
			 struct lis_vss_action *act);
int lis_vss_txn_reply(struct lis_vss_txn *t, const struct lis_vss_reply *r,
		      struct lis_vss_action *act);
bool lis_vss_txn_timeout(struct lis_vss_txn *t, u64 seq,
			 struct lis_vss_action *act);
bool lis_vss_txn_thaw_timeout(struct lis_vss_txn *t,
			      struct lis_vss_action *act);
void lis_vss_txn_hello(struct lis_vss_txn *t);
void lis_vss_txn_daemon_gone(struct lis_vss_txn *t,
			     struct lis_vss_action *act);

#endif /* _LIS_VSS_PROTO_H */

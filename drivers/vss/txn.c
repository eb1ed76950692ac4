// SPDX-License-Identifier: GPL-2.0-only
/*
 * VSS transactions: who answers each host request, when, and what is
 * thawed when something goes wrong.  A sans-I/O state machine: each event
 * (a host operation, a daemon reply, a timer, the daemon leaving) updates
 * struct lis_vss_txn and fills in a struct lis_vss_action that the glue
 * (main.c) carries out.  No locks, timers or sleeping here: the caller
 * serialises the calls.
 *
 * Pure code (include/lis/shim.h), compiled into lis_vss, the KUnit suite
 * and the fuzzer.
 */

#include "proto.h"

/**
 * DOC: Transaction rules
 *
 * - HOT_BACKUP, GET_DM_INFO and every operation that needs nothing
 *   (CREATE, DELETE, BU_COMPLETE, AUTO_RECOVER, unknown values) are
 *   answered at once by the kernel.  HOT_BACKUP says S_OK with flags 5
 *   only while a daemon has completed its HELLO.
 * - FREEZE and THAW go to the daemon, one at a time.  While one is in
 *   flight, another FREEZE, or a THAW during a THAW, is answered at once
 *   with E_FAIL (it is not queued: a host sends one at a time, so a
 *   second one means the host has given up on the first, and a late
 *   answer to it would be worse than a quick failure).  The request in
 *   flight is not disturbed.
 * - A THAW while a FREEZE is in flight says the host gave up on that
 *   FREEZE and wants the guest running: the FREEZE is abandoned (answered
 *   E_FAIL, a late reply to it is refused), everything is thawed (a
 *   freeze still in progress is thawed as soon as it returns), and the
 *   THAW is answered E_FAIL, as no consistent freeze ever held.
 * - FREEZE without a daemon fails at once.  A FREEZE while already frozen
 *   (no THAW since) fails at once too; the earlier freeze stays until its
 *   THAW or the thaw timeout.
 * - THAW without a daemon is answered S_OK by the kernel, which thaws
 *   whatever it still holds.
 * - If the kernel thawed a successful freeze on its own before the host's
 *   THAW (the daemon left, or the thaw timer fired), that THAW is
 *   answered E_FAIL whatever the daemon says: the host's checkpoint may
 *   have been taken after the thaw, so the backup cannot be trusted to
 *   be consistent, and the host must hear it.  A daemon still gets the
 *   THAW (its post-thaw hooks must run).
 * - A daemon reply answers the host: S_OK if the daemon's error is 0,
 *   else E_FAIL.  After a failed FREEZE, and after every THAW, the kernel
 *   thaws whatever is still frozen.  After a successful FREEZE the
 *   thaw timer runs until the host's THAW.
 * - No reply in time, or the daemon leaving with a request in flight:
 *   the host gets E_FAIL and everything is thawed.  A reply that comes
 *   later is refused with -ETIMEDOUT.
 */

/**
 * lis_vss_txn_init() - the state of a newly opened channel
 * @t: the state
 *
 * Context: any.
 */
void lis_vss_txn_init(struct lis_vss_txn *t)
{
	memset(t, 0, sizeof(*t));
}

static void lis_vss_fail(struct lis_vss_action *act, int why)
{
	act->answer = true;
	act->status = LIS_IC_E_FAIL;
	act->flags = 0;
	act->why = why;
}

static void lis_vss_ok(struct lis_vss_action *act, u32 flags)
{
	act->answer = true;
	act->status = LIS_IC_S_OK;
	act->flags = flags;
}

static void lis_vss_send_daemon(struct lis_vss_txn *t, u8 op, u32 timeout_ms,
				struct lis_vss_action *act)
{
	t->inflight = op;
	t->seq++;
	act->to_daemon = true;
	act->daemon_op = op == LIS_VSS_OP_FREEZE ? LIS_VSS_REQ_FREEZE :
						   LIS_VSS_REQ_THAW;
	act->seq = t->seq;
	act->timeout_ms = timeout_ms;
}

/**
 * lis_vss_txn_host_op() - the host sent a VSS operation
 * @t: the state
 * @op: the operation (any value)
 * @to: the daemon's timeouts
 * @act: what to do (cleared first)
 *
 * Exactly one of @act->answer and @act->to_daemon is set.
 *
 * Context: any; the caller serialises.
 */
void lis_vss_txn_host_op(struct lis_vss_txn *t, unsigned int op,
			 const struct lis_vss_timeouts *to,
			 struct lis_vss_action *act)
{
	memset(act, 0, sizeof(*act));
	switch (op) {
	case LIS_VSS_OP_HOT_BACKUP:
		if (t->daemon)
			lis_vss_ok(act, LIS_VSS_HOT_BACKUP_FLAGS);
		else
			lis_vss_fail(act, LIS_VSS_WHY_NO_DAEMON);
		break;
	case LIS_VSS_OP_FREEZE:
		if (t->inflight || t->frozen)
			lis_vss_fail(act, LIS_VSS_WHY_BUSY);
		else if (!t->daemon)
			lis_vss_fail(act, LIS_VSS_WHY_NO_DAEMON);
		else
			lis_vss_send_daemon(t, op, to->freeze_ms, act);
		if (act->to_daemon)
			t->thawed_early = false;
		break;
	case LIS_VSS_OP_THAW:
		if (t->inflight == LIS_VSS_OP_FREEZE) {
			/* The host gave up on its FREEZE: abandon it. */
			t->inflight = 0;
			t->expired_seq = t->seq;
			t->thawed_early = false;
			act->answer_held = true;
			lis_vss_fail(act, LIS_VSS_WHY_ABORTED);
			act->thaw_all = true;
			act->stop_thaw_timer = true;
			break;
		}
		if (t->inflight) {
			lis_vss_fail(act, LIS_VSS_WHY_BUSY);
			break;
		}
		t->frozen = false;
		act->stop_thaw_timer = true;
		if (t->daemon) {
			lis_vss_send_daemon(t, op, to->thaw_ms, act);
		} else if (t->thawed_early) {
			t->thawed_early = false;
			lis_vss_fail(act, LIS_VSS_WHY_THAWED_EARLY);
			act->thaw_all = true;
		} else {
			lis_vss_ok(act, 0);
			act->thaw_all = true;
		}
		break;
	default:
		/* GET_DM_INFO (flags 0) and everything that needs nothing. */
		lis_vss_ok(act, 0);
		break;
	}
}

/**
 * lis_vss_txn_reply() - the daemon wrote a reply
 * @t: the state
 * @r: the reply, copied from user space
 * @act: what to do (cleared first)
 *
 * Context: any; the caller serialises.
 * Return: 0 (@act says what to do); -EINVAL if @r does not answer the
 * request in flight (nothing changes); -ETIMEDOUT if it answers a request
 * that already timed out or was abandoned.
 */
int lis_vss_txn_reply(struct lis_vss_txn *t, const struct lis_vss_reply *r,
		      struct lis_vss_action *act)
{
	u32 want;

	memset(act, 0, sizeof(*act));
	if (r->version != LIS_VSS_UAPI_VERSION)
		return -EINVAL;
	if (!t->inflight || r->seq != t->seq) {
		if (t->expired_seq && r->seq == t->expired_seq)
			return -ETIMEDOUT;
		return -EINVAL;
	}
	want = t->inflight == LIS_VSS_OP_FREEZE ? LIS_VSS_REQ_FREEZE :
						  LIS_VSS_REQ_THAW;
	if (r->op != want)
		return -EINVAL;

	act->answer_held = true;
	act->status = r->error ? LIS_IC_E_FAIL : LIS_IC_S_OK;
	act->why = r->error ? LIS_VSS_WHY_DAEMON_ERROR : LIS_VSS_WHY_NONE;
	if (t->inflight == LIS_VSS_OP_THAW && t->thawed_early) {
		t->thawed_early = false;
		act->status = LIS_IC_E_FAIL;
		act->why = LIS_VSS_WHY_THAWED_EARLY;
	}
	if (t->inflight == LIS_VSS_OP_FREEZE && !r->error) {
		t->frozen = true;
		act->arm_thaw_timer = true;
	} else {
		act->thaw_all = true;
	}
	t->inflight = 0;
	return 0;
}

/**
 * lis_vss_txn_timeout() - the reply timer of request @seq expired
 * @t: the state
 * @seq: the request the timer was started for
 * @act: what to do (cleared first)
 *
 * Context: any; the caller serialises.
 * Return: true if that request was still in flight (@act answers it with
 * E_FAIL and thaws everything); false for a stale timer (nothing to do).
 */
bool lis_vss_txn_timeout(struct lis_vss_txn *t, u64 seq,
			 struct lis_vss_action *act)
{
	memset(act, 0, sizeof(*act));
	if (!t->inflight || seq != t->seq)
		return false;
	t->inflight = 0;
	t->expired_seq = seq;
	t->frozen = false;
	t->thawed_early = false;
	act->answer_held = true;
	act->status = LIS_IC_E_FAIL;
	act->why = LIS_VSS_WHY_TIMEOUT;
	act->thaw_all = true;
	return true;
}

/**
 * lis_vss_txn_thaw_timeout() - the host sent no THAW in time
 * @t: the state
 * @act: what to do (cleared first)
 *
 * Context: any; the caller serialises.
 * Return: true if the guest was still frozen for the host (@act thaws
 * everything); false for a stale timer.
 */
bool lis_vss_txn_thaw_timeout(struct lis_vss_txn *t,
			      struct lis_vss_action *act)
{
	memset(act, 0, sizeof(*act));
	if (!t->frozen)
		return false;
	t->frozen = false;
	t->thawed_early = true;
	act->thaw_all = true;
	return true;
}

/**
 * lis_vss_txn_hello() - a daemon completed the handshake
 * @t: the state
 *
 * Context: any; the caller serialises.
 */
void lis_vss_txn_hello(struct lis_vss_txn *t)
{
	t->daemon = true;
}

/**
 * lis_vss_txn_daemon_gone() - the daemon closed the device (or died)
 * @t: the state
 * @act: what to do (cleared first): always thaw everything; answer a
 *	request in flight with E_FAIL
 *
 * Context: any; the caller serialises.
 */
void lis_vss_txn_daemon_gone(struct lis_vss_txn *t,
			     struct lis_vss_action *act)
{
	memset(act, 0, sizeof(*act));
	t->daemon = false;
	if (t->frozen)
		t->thawed_early = true;
	t->frozen = false;
	act->thaw_all = true;
	act->stop_thaw_timer = true;
	if (t->inflight) {
		t->inflight = 0;
		t->thawed_early = false;
		t->expired_seq = t->seq;
		act->answer_held = true;
		act->status = LIS_IC_E_FAIL;
		act->why = LIS_VSS_WHY_DAEMON_GONE;
	}
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "lis_vss": the pure half of lis_vss -- VSS message decoding
 * and answers (drivers/vss/msg.c) and the transaction rules
 * (drivers/vss/txn.c): negotiation against each kind of host, every
 * operation with and without a daemon, every daemon answer and
 * non-answer (timeouts, late and wrong replies, the daemon leaving).
 *
 * Packets are built from the wire offsets below, not from the lis
 * structures, and kmalloc()ed at exactly their length so that KASAN sees
 * any access beyond them.  The glue (timers, the device, freezing) is
 * exercised by tests/integration/scenarios/40-vss-*.sh.
 */
#include "pure.h"
#include "../../drivers/vmbus/ic.c"
#include "../../drivers/vss/msg.c"
#include "../../drivers/vss/txn.c"
#include "pure_end.h"
#include "wire.h"

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>

/* Wire offsets. */
#define O_TYPE		12
#define O_SIZE		18
#define O_STATUS	20
#define O_XID		24
#define O_FLAGS		25
#define O_BODY		28
#define O_FRAME_CNT	28
#define O_MSG_CNT	30
#define O_VERSIONS	36
#define O_VSS_OP	28
#define O_VSS_FLAGS	36
#define VSS_PKT_LEN	40

static u8 *pkt_alloc(struct kunit *test, u32 len)
{
	u8 *b = kunit_kzalloc(test, len ? len : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	return b;
}

/*
 * A VSS request for @op, @len bytes long (cut short if below 40), with
 * icmsgsize @body_len and transaction id 0x5a.
 */
static u8 *vss_pkt(struct kunit *test, u8 op, u32 len, u16 body_len)
{
	u8 *b = pkt_alloc(test, len);
	u8 full[VSS_PKT_LEN] = { };

	put16(full, O_TYPE, LIS_IC_MSG_VSS);
	put16(full, O_SIZE, body_len);
	full[O_XID] = 0x5a;
	full[O_FLAGS] = LIS_IC_FLAG_TRANSACTION | LIS_IC_FLAG_REQUEST;
	full[O_VSS_OP] = op;
	memcpy(b, full, min_t(u32, len, sizeof(full)));
	return b;
}

/* A NEGOTIATE listing @nfw framework then @nsrv service versions. */
static u8 *neg_pkt(struct kunit *test, const u16 *fw, unsigned int nfw,
		   const u16 *srv, unsigned int nsrv, u32 *len)
{
	unsigned int i;
	u8 *b;

	*len = O_VERSIONS + 4 * (nfw + nsrv);
	if (*len < 44)
		*len = 44;
	b = pkt_alloc(test, *len);
	put16(b, O_TYPE, LIS_IC_MSG_NEGOTIATE);
	put16(b, O_SIZE, *len - O_BODY);
	put16(b, O_FRAME_CNT, nfw);
	put16(b, O_MSG_CNT, nsrv);
	for (i = 0; i < nfw; i++)
		put16(b, O_VERSIONS + 4 * i, fw[i]);
	for (i = 0; i < nsrv; i++)
		put16(b, O_VERSIONS + 4 * (nfw + i), srv[i]);
	return b;
}

struct neg_case {
	const char *name;
	u16 fw[3];
	unsigned int nfw;
	u16 srv[4];
	unsigned int nsrv;
	int ret;
	u16 fw_major;
	u16 srv_major;
};

static const struct neg_case neg_cases[] = {
	{ "ws2016: fw 1.0 3.0, vss 5.0 4.0 3.0", { 1, 3 }, 2, { 5, 4, 3 }, 3,
	  0, 3, 5 },
	{ "fw 3.0 first, vss 5.0", { 3, 1 }, 2, { 5 }, 1, 0, 3, 5 },
	{ "fw 1.0 only", { 1 }, 1, { 5 }, 1, 0, 1, 5 },
	{ "ws2012: vss 4.0 3.0 only", { 1, 3 }, 2, { 4, 3 }, 2,
	  -EPROTONOSUPPORT, 0, 0 },
	{ "ws2008: vss 1.0", { 1 }, 1, { 1 }, 1, -EPROTONOSUPPORT, 0, 0 },
	{ "fw 2.0 only", { 2 }, 1, { 5 }, 1, -EPROTONOSUPPORT, 0, 0 },
	{ "no service versions", { 3 }, 1, { 0 }, 0, -EPROTONOSUPPORT, 0, 0 },
};

static void neg_case_desc(const struct neg_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(neg, neg_cases, neg_case_desc);

static void vss_negotiate_hosts(struct kunit *test)
{
	const struct neg_case *c = test->param_value;
	struct lis_ic_version fw = { 0xee, 0xee }, srv = { 0xee, 0xee };
	struct lis_vss_pkt p;
	u32 len;
	u8 *b = neg_pkt(test, c->fw, c->nfw, c->srv, c->nsrv, &len);

	KUNIT_ASSERT_EQ(test, lis_vss_decode(b, len, &p), 0);
	KUNIT_EXPECT_EQ(test, p.kind, LIS_VSS_PKT_NEGOTIATE);
	KUNIT_EXPECT_EQ(test, lis_vss_negotiate(b, len, &fw, &srv), c->ret);
	if (c->ret) {
		KUNIT_EXPECT_EQ(test, get16(b, O_FRAME_CNT), 0);
		KUNIT_EXPECT_EQ(test, get16(b, O_MSG_CNT), 0);
		KUNIT_EXPECT_EQ(test, fw.major, 0xee);
		return;
	}
	KUNIT_EXPECT_EQ(test, fw.major, c->fw_major);
	KUNIT_EXPECT_EQ(test, srv.major, c->srv_major);
	KUNIT_EXPECT_EQ(test, get16(b, O_FRAME_CNT), 1);
	KUNIT_EXPECT_EQ(test, get16(b, O_MSG_CNT), 1);
	KUNIT_EXPECT_EQ(test, get16(b, O_VERSIONS), c->fw_major);
	KUNIT_EXPECT_EQ(test, get16(b, O_VERSIONS + 4), c->srv_major);
	KUNIT_EXPECT_EQ(test, get16(b, O_SIZE), 0x10);
}

/* Counts out of range and packets shorter than their counts: no answer. */
static void vss_negotiate_malformed(struct kunit *test)
{
	static const u16 fw[] = { 3 }, srv[] = { 5 };
	struct lis_ic_version a, b2;
	u32 len;
	u8 *b;

	b = neg_pkt(test, fw, 1, srv, 1, &len);
	put16(b, O_FRAME_CNT, 101);
	KUNIT_EXPECT_EQ(test, lis_vss_negotiate(b, len, &a, &b2), -EINVAL);
	KUNIT_EXPECT_EQ(test, get16(b, O_FRAME_CNT), 101);

	b = neg_pkt(test, fw, 1, srv, 1, &len);
	put16(b, O_MSG_CNT, 3);	/* claims versions beyond the packet */
	KUNIT_EXPECT_EQ(test, lis_vss_negotiate(b, len, &a, &b2), -EINVAL);


	b = pkt_alloc(test, 30);
	put16(b, O_TYPE, LIS_IC_MSG_NEGOTIATE);
	KUNIT_EXPECT_EQ(test, lis_vss_negotiate(b, 30, &a, &b2), -EINVAL);
}

static void vss_decode_ops(struct kunit *test)
{
	struct lis_vss_pkt p;
	unsigned int op;
	u8 *b;

	for (op = 0; op < 256; op++) {
		b = vss_pkt(test, op, VSS_PKT_LEN, 12);
		put32(b, O_VSS_FLAGS, 0x12345678);
		KUNIT_ASSERT_EQ(test, lis_vss_decode(b, VSS_PKT_LEN, &p), 0);
		KUNIT_EXPECT_EQ(test, p.kind, LIS_VSS_PKT_OP);
		KUNIT_EXPECT_EQ(test, p.op, op);
		KUNIT_EXPECT_EQ(test, p.flags, 0x12345678U);
		KUNIT_EXPECT_EQ(test, p.ic.transaction_id, 0x5a);
		kunit_kfree(test, b);
	}
	/* A FREEZE as Hyper-V sends it: 6,260 bytes, body 12. */
	b = vss_pkt(test, LIS_VSS_OP_FREEZE, 6260, 12);
	KUNIT_ASSERT_EQ(test, lis_vss_decode(b, 6260, &p), 0);
	KUNIT_EXPECT_EQ(test, p.op, LIS_VSS_OP_FREEZE);
	KUNIT_EXPECT_STREQ(test, lis_vss_op_name(LIS_VSS_OP_FREEZE), "freeze");
	KUNIT_EXPECT_STREQ(test, lis_vss_op_name(200), "unknown");
}

/* Truncated packets: no header -> error; short body -> SHORT. */
static void vss_decode_truncated(struct kunit *test)
{
	struct lis_vss_pkt p;
	u32 len;
	u8 *b;

	for (len = 0; len < O_BODY; len++) {
		b = vss_pkt(test, LIS_VSS_OP_FREEZE, len, 12);
		KUNIT_EXPECT_EQ(test, lis_vss_decode(b, len, &p), -EINVAL);
	}
	/* Fewer than 12 body bytes received: SHORT, whatever icmsgsize says. */
	for (len = O_BODY; len < VSS_PKT_LEN; len++) {
		b = vss_pkt(test, LIS_VSS_OP_FREEZE, len, 12);
		KUNIT_ASSERT_EQ(test, lis_vss_decode(b, len, &p), 0);
		KUNIT_EXPECT_EQ(test, p.kind, LIS_VSS_PKT_SHORT);
		b = vss_pkt(test, LIS_VSS_OP_FREEZE, len, len - O_BODY);
		KUNIT_ASSERT_EQ(test, lis_vss_decode(b, len, &p), 0);
		KUNIT_EXPECT_EQ(test, p.kind, LIS_VSS_PKT_SHORT);
	}
	b = vss_pkt(test, 0, VSS_PKT_LEN, 12);
	put16(b, O_TYPE, LIS_IC_MSG_HEARTBEAT);
	KUNIT_ASSERT_EQ(test, lis_vss_decode(b, VSS_PKT_LEN, &p), 0);
	KUNIT_EXPECT_EQ(test, p.kind, LIS_VSS_PKT_OTHER);
}

/*
 * Judged by the received length, as Linux does: a whole body is an
 * operation whatever icmsgsize claims (understated, zero, or more than
 * the packet holds), and the answer goes back at the received length.
 */
static void vss_decode_loose_sizes(struct kunit *test)
{
	static const u16 sizes[] = { 0, 4, 11, 13, 0xffff };
	struct lis_vss_pkt p;
	unsigned int i;
	u8 *b;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		b = vss_pkt(test, LIS_VSS_OP_HOT_BACKUP, VSS_PKT_LEN, sizes[i]);
		KUNIT_ASSERT_EQ(test, lis_vss_decode(b, VSS_PKT_LEN, &p), 0);
		KUNIT_EXPECT_EQ(test, p.kind, LIS_VSS_PKT_OP);
		KUNIT_EXPECT_EQ(test, p.op, LIS_VSS_OP_HOT_BACKUP);
		KUNIT_EXPECT_EQ(test, p.ic.body_len, 12);
		lis_vss_answer(b, &p, LIS_IC_S_OK, LIS_VSS_HOT_BACKUP_FLAGS);
		KUNIT_EXPECT_EQ(test, get32(b, O_VSS_FLAGS),
				LIS_VSS_HOT_BACKUP_FLAGS);
		KUNIT_EXPECT_EQ(test, get16(b, O_SIZE), sizes[i]);
		kunit_kfree(test, b);
	}
	/* A FREEZE of 6,260 bytes claiming the whole packet as its body. */
	b = vss_pkt(test, LIS_VSS_OP_FREEZE, 6260, 6260 - O_BODY);
	KUNIT_ASSERT_EQ(test, lis_vss_decode(b, 6260, &p), 0);
	KUNIT_EXPECT_EQ(test, p.kind, LIS_VSS_PKT_OP);
	KUNIT_EXPECT_EQ(test, p.op, LIS_VSS_OP_FREEZE);
}

/* A NEGOTIATE whose icmsgsize exceeds the packet is still answered. */
static void vss_negotiate_loose_size(struct kunit *test)
{
	static const u16 fw[] = { 1, 3 }, srv[] = { 5 };
	struct lis_ic_version a, b2;
	struct lis_vss_pkt p;
	u32 len;
	u8 *b;

	b = neg_pkt(test, fw, 2, srv, 1, &len);
	put16(b, O_SIZE, 0xffff);
	KUNIT_ASSERT_EQ(test, lis_vss_decode(b, len, &p), 0);
	KUNIT_EXPECT_EQ(test, p.kind, LIS_VSS_PKT_NEGOTIATE);
	KUNIT_ASSERT_EQ(test, lis_vss_negotiate(b, len, &a, &b2), 0);
	KUNIT_EXPECT_EQ(test, a.major, 3);
	KUNIT_EXPECT_EQ(test, b2.major, 5);
	KUNIT_EXPECT_EQ(test, get16(b, O_SIZE), 0x10);
}

/* The answer changes status, icflags and the body's flags, nothing else. */
static void vss_answer_in_place(struct kunit *test)
{
	struct lis_vss_pkt p;
	u8 *b = vss_pkt(test, LIS_VSS_OP_HOT_BACKUP, VSS_PKT_LEN, 12);
	u8 before[VSS_PKT_LEN];

	memcpy(before, b, sizeof(before));
	KUNIT_ASSERT_EQ(test, lis_vss_decode(b, VSS_PKT_LEN, &p), 0);
	lis_vss_answer(b, &p, LIS_IC_S_OK, LIS_VSS_HOT_BACKUP_FLAGS);
	KUNIT_EXPECT_EQ(test, get32(b, O_STATUS), LIS_IC_S_OK);
	KUNIT_EXPECT_EQ(test, b[O_FLAGS],
			LIS_IC_FLAG_TRANSACTION | LIS_IC_FLAG_RESPONSE);
	KUNIT_EXPECT_EQ(test, get32(b, O_VSS_FLAGS), 5U);
	KUNIT_EXPECT_EQ(test, b[O_XID], 0x5a);
	KUNIT_EXPECT_EQ(test, memcmp(b, before, O_STATUS), 0);
	KUNIT_EXPECT_EQ(test, memcmp(b + O_BODY, before + O_BODY, 8), 0);

	/* A SHORT packet keeps its body. */
	b = vss_pkt(test, LIS_VSS_OP_FREEZE, 32, 4);
	memcpy(before, b, 32);
	KUNIT_ASSERT_EQ(test, lis_vss_decode(b, 32, &p), 0);
	lis_vss_answer(b, &p, LIS_IC_E_INVALIDARG, 5);
	KUNIT_EXPECT_EQ(test, get32(b, O_STATUS), LIS_IC_E_INVALIDARG);
	KUNIT_EXPECT_EQ(test, memcmp(b + O_BODY, before + O_BODY, 4), 0);
}

static const struct lis_vss_timeouts test_to = {
	.freeze_ms = 1234,
	.thaw_ms = 567,
};

static void host(struct lis_vss_txn *t, unsigned int op,
		 struct lis_vss_action *act)
{
	lis_vss_txn_host_op(t, op, &test_to, act);
}

static struct lis_vss_reply reply_for(const struct lis_vss_action *act,
				      s32 error)
{
	struct lis_vss_reply r = {
		.version = LIS_VSS_UAPI_VERSION,
		.op = act->daemon_op,
		.seq = act->seq,
		.error = error,
	};

	return r;
}

/* Every operation with no daemon: answered at once, nothing to thaw. */
static void vss_txn_no_daemon(struct kunit *test)
{
	struct lis_vss_action act;
	struct lis_vss_txn t;
	unsigned int op;

	lis_vss_txn_init(&t);
	for (op = 0; op < 256; op++) {
		host(&t, op, &act);
		KUNIT_EXPECT_TRUE(test, act.answer);
		KUNIT_EXPECT_FALSE(test, act.to_daemon);
		KUNIT_EXPECT_EQ(test, act.flags, 0U);
		if (op == LIS_VSS_OP_HOT_BACKUP || op == LIS_VSS_OP_FREEZE) {
			KUNIT_EXPECT_EQ(test, act.status, LIS_IC_E_FAIL);
			KUNIT_EXPECT_EQ(test, act.why, LIS_VSS_WHY_NO_DAEMON);
		} else {
			KUNIT_EXPECT_EQ(test, act.status, LIS_IC_S_OK);
		}
		KUNIT_EXPECT_EQ(test, act.thaw_all, op == LIS_VSS_OP_THAW);
	}
	KUNIT_EXPECT_EQ(test, t.seq, 0ULL);
}

/* With a daemon: HOT_BACKUP flags 5, FREEZE/THAW to the daemon. */
static void vss_txn_daemon_backup(struct kunit *test)
{
	struct lis_vss_action act;
	struct lis_vss_reply r;
	struct lis_vss_txn t;

	lis_vss_txn_init(&t);
	lis_vss_txn_hello(&t);
	host(&t, LIS_VSS_OP_HOT_BACKUP, &act);
	KUNIT_EXPECT_TRUE(test, act.answer);
	KUNIT_EXPECT_EQ(test, act.status, LIS_IC_S_OK);
	KUNIT_EXPECT_EQ(test, act.flags, 5U);
	host(&t, LIS_VSS_OP_GET_DM_INFO, &act);
	KUNIT_EXPECT_EQ(test, act.status, LIS_IC_S_OK);
	KUNIT_EXPECT_EQ(test, act.flags, 0U);

	host(&t, LIS_VSS_OP_FREEZE, &act);
	KUNIT_EXPECT_FALSE(test, act.answer);
	KUNIT_ASSERT_TRUE(test, act.to_daemon);
	KUNIT_EXPECT_EQ(test, act.daemon_op, (u32)LIS_VSS_REQ_FREEZE);
	KUNIT_EXPECT_EQ(test, act.timeout_ms, 1234U);
	KUNIT_EXPECT_EQ(test, act.seq, 1ULL);
	r = reply_for(&act, 0);
	KUNIT_ASSERT_EQ(test, lis_vss_txn_reply(&t, &r, &act), 0);
	KUNIT_EXPECT_TRUE(test, act.answer_held);
	KUNIT_EXPECT_EQ(test, act.status, LIS_IC_S_OK);
	KUNIT_EXPECT_TRUE(test, act.arm_thaw_timer);
	KUNIT_EXPECT_FALSE(test, act.thaw_all);
	KUNIT_EXPECT_TRUE(test, t.frozen);

	/* Operations that need nothing are answered even while frozen. */
	host(&t, LIS_VSS_OP_BU_COMPLETE, &act);
	KUNIT_EXPECT_EQ(test, act.status, LIS_IC_S_OK);

	host(&t, LIS_VSS_OP_THAW, &act);
	KUNIT_ASSERT_TRUE(test, act.to_daemon);
	KUNIT_EXPECT_TRUE(test, act.stop_thaw_timer);
	KUNIT_EXPECT_EQ(test, act.daemon_op, (u32)LIS_VSS_REQ_THAW);
	KUNIT_EXPECT_EQ(test, act.timeout_ms, 567U);
	KUNIT_EXPECT_EQ(test, act.seq, 2ULL);
	r = reply_for(&act, 0);
	KUNIT_ASSERT_EQ(test, lis_vss_txn_reply(&t, &r, &act), 0);
	KUNIT_EXPECT_EQ(test, act.status, LIS_IC_S_OK);
	KUNIT_EXPECT_TRUE(test, act.thaw_all);
	KUNIT_EXPECT_FALSE(test, t.frozen);
	KUNIT_EXPECT_EQ(test, t.inflight, 0);
}

/* Replies that answer nothing in flight change nothing. */
static void vss_txn_bad_replies(struct kunit *test)
{
	struct lis_vss_action act, act2;
	struct lis_vss_reply r;
	struct lis_vss_txn t;

	lis_vss_txn_init(&t);
	lis_vss_txn_hello(&t);
	r = (struct lis_vss_reply){ .version = 1, .op = 1, .seq = 0 };
	KUNIT_EXPECT_EQ(test, lis_vss_txn_reply(&t, &r, &act2), -EINVAL);

	host(&t, LIS_VSS_OP_FREEZE, &act);
	r = reply_for(&act, 0);
	r.seq++;
	KUNIT_EXPECT_EQ(test, lis_vss_txn_reply(&t, &r, &act2), -EINVAL);
	r = reply_for(&act, 0);
	r.op = LIS_VSS_REQ_THAW;
	KUNIT_EXPECT_EQ(test, lis_vss_txn_reply(&t, &r, &act2), -EINVAL);
	r = reply_for(&act, 0);
	r.version = 2;
	KUNIT_EXPECT_EQ(test, lis_vss_txn_reply(&t, &r, &act2), -EINVAL);
	KUNIT_EXPECT_EQ(test, t.inflight, LIS_VSS_OP_FREEZE);
	r = reply_for(&act, 0);
	KUNIT_EXPECT_EQ(test, lis_vss_txn_reply(&t, &r, &act2), 0);
	/* The same reply twice: the second answers nothing. */
	KUNIT_EXPECT_EQ(test, lis_vss_txn_reply(&t, &r, &act2), -EINVAL);
}

/* A failed FREEZE: E_FAIL to the host, thaw what was frozen. */
static void vss_txn_daemon_error(struct kunit *test)
{
	struct lis_vss_action act;
	struct lis_vss_reply r;
	struct lis_vss_txn t;

	lis_vss_txn_init(&t);
	lis_vss_txn_hello(&t);
	host(&t, LIS_VSS_OP_FREEZE, &act);
	r = reply_for(&act, -EIO);
	KUNIT_ASSERT_EQ(test, lis_vss_txn_reply(&t, &r, &act), 0);
	KUNIT_EXPECT_EQ(test, act.status, LIS_IC_E_FAIL);
	KUNIT_EXPECT_EQ(test, act.why, LIS_VSS_WHY_DAEMON_ERROR);
	KUNIT_EXPECT_TRUE(test, act.thaw_all);
	KUNIT_EXPECT_FALSE(test, act.arm_thaw_timer);
	KUNIT_EXPECT_FALSE(test, t.frozen);

	/* A failed THAW still thaws. */
	host(&t, LIS_VSS_OP_THAW, &act);
	r = reply_for(&act, -EIO);
	KUNIT_ASSERT_EQ(test, lis_vss_txn_reply(&t, &r, &act), 0);
	KUNIT_EXPECT_EQ(test, act.status, LIS_IC_E_FAIL);
	KUNIT_EXPECT_TRUE(test, act.thaw_all);
}

/* No answer in time: E_FAIL, thaw, and the late reply is ETIMEDOUT. */
static void vss_txn_timeouts(struct kunit *test)
{
	struct lis_vss_action act, act2;
	struct lis_vss_reply r;
	struct lis_vss_txn t;
	unsigned int op;

	for (op = LIS_VSS_OP_FREEZE; op <= LIS_VSS_OP_THAW; op++) {
		lis_vss_txn_init(&t);
		lis_vss_txn_hello(&t);
		host(&t, op, &act);
		KUNIT_ASSERT_TRUE(test, act.to_daemon);
		/* A stale timer (another seq) does nothing. */
		KUNIT_EXPECT_FALSE(test, lis_vss_txn_timeout(&t, act.seq + 1,
							     &act2));
		KUNIT_EXPECT_FALSE(test, act2.answer_held);
		KUNIT_ASSERT_TRUE(test, lis_vss_txn_timeout(&t, act.seq,
							    &act2));
		KUNIT_EXPECT_TRUE(test, act2.answer_held);
		KUNIT_EXPECT_EQ(test, act2.status, LIS_IC_E_FAIL);
		KUNIT_EXPECT_EQ(test, act2.why, LIS_VSS_WHY_TIMEOUT);
		KUNIT_EXPECT_TRUE(test, act2.thaw_all);
		KUNIT_EXPECT_FALSE(test, lis_vss_txn_timeout(&t, act.seq,
							     &act2));
		r = reply_for(&act, 0);
		KUNIT_EXPECT_EQ(test, lis_vss_txn_reply(&t, &r, &act2),
				-ETIMEDOUT);
		/* The next request works. */
		host(&t, LIS_VSS_OP_FREEZE, &act);
		KUNIT_EXPECT_TRUE(test, act.to_daemon);
	}
}

/* The host never sends THAW: the thaw timer thaws, once. */
static void vss_txn_thaw_timeout(struct kunit *test)
{
	struct lis_vss_action act;
	struct lis_vss_reply r;
	struct lis_vss_txn t;

	lis_vss_txn_init(&t);
	KUNIT_EXPECT_FALSE(test, lis_vss_txn_thaw_timeout(&t, &act));
	lis_vss_txn_hello(&t);
	host(&t, LIS_VSS_OP_FREEZE, &act);
	r = reply_for(&act, 0);
	KUNIT_ASSERT_EQ(test, lis_vss_txn_reply(&t, &r, &act), 0);
	KUNIT_ASSERT_TRUE(test, lis_vss_txn_thaw_timeout(&t, &act));
	KUNIT_EXPECT_TRUE(test, act.thaw_all);
	KUNIT_EXPECT_FALSE(test, act.answer || act.answer_held);
	KUNIT_EXPECT_FALSE(test, lis_vss_txn_thaw_timeout(&t, &act));
	/*
	 * A THAW that comes after all still goes to the daemon (its
	 * post-thaw hooks), but the host hears E_FAIL even when the daemon
	 * succeeds: its checkpoint may postdate the thaw.
	 */
	host(&t, LIS_VSS_OP_THAW, &act);
	KUNIT_ASSERT_TRUE(test, act.to_daemon);
	r = reply_for(&act, 0);
	KUNIT_ASSERT_EQ(test, lis_vss_txn_reply(&t, &r, &act), 0);
	KUNIT_EXPECT_TRUE(test, act.answer_held);
	KUNIT_EXPECT_EQ(test, act.status, LIS_IC_E_FAIL);
	KUNIT_EXPECT_EQ(test, act.why, LIS_VSS_WHY_THAWED_EARLY);
	/* The next backup starts afresh. */
	host(&t, LIS_VSS_OP_FREEZE, &act);
	KUNIT_EXPECT_TRUE(test, act.to_daemon);
	r = reply_for(&act, 0);
	KUNIT_ASSERT_EQ(test, lis_vss_txn_reply(&t, &r, &act), 0);
	host(&t, LIS_VSS_OP_THAW, &act);
	KUNIT_EXPECT_TRUE(test, act.to_daemon);
}

/* One at a time: a second FREEZE/THAW fails at once, the first goes on. */
static void vss_txn_busy(struct kunit *test)
{
	struct lis_vss_action act, act2;
	struct lis_vss_reply r;
	struct lis_vss_txn t;

	lis_vss_txn_init(&t);
	lis_vss_txn_hello(&t);
	host(&t, LIS_VSS_OP_FREEZE, &act);
	host(&t, LIS_VSS_OP_FREEZE, &act2);
	KUNIT_EXPECT_TRUE(test, act2.answer);
	KUNIT_EXPECT_EQ(test, act2.status, LIS_IC_E_FAIL);
	KUNIT_EXPECT_EQ(test, act2.why, LIS_VSS_WHY_BUSY);
	host(&t, LIS_VSS_OP_HOT_BACKUP, &act2);
	KUNIT_EXPECT_EQ(test, act2.status, LIS_IC_S_OK);
	r = reply_for(&act, 0);
	KUNIT_ASSERT_EQ(test, lis_vss_txn_reply(&t, &r, &act2), 0);
	KUNIT_EXPECT_EQ(test, act2.status, LIS_IC_S_OK);

	/* A second FREEZE while frozen fails; the freeze stays. */
	host(&t, LIS_VSS_OP_FREEZE, &act2);
	KUNIT_EXPECT_EQ(test, act2.status, LIS_IC_E_FAIL);
	KUNIT_EXPECT_FALSE(test, act2.thaw_all);
	KUNIT_EXPECT_TRUE(test, t.frozen);

	/* A THAW while a THAW is with the daemon fails; the first goes on. */
	host(&t, LIS_VSS_OP_THAW, &act);
	KUNIT_ASSERT_TRUE(test, act.to_daemon);
	host(&t, LIS_VSS_OP_THAW, &act2);
	KUNIT_EXPECT_TRUE(test, act2.answer);
	KUNIT_EXPECT_EQ(test, act2.status, LIS_IC_E_FAIL);
	KUNIT_EXPECT_EQ(test, act2.why, LIS_VSS_WHY_BUSY);
	KUNIT_EXPECT_FALSE(test, act2.answer_held || act2.thaw_all);
	r = reply_for(&act, 0);
	KUNIT_ASSERT_EQ(test, lis_vss_txn_reply(&t, &r, &act2), 0);
	KUNIT_EXPECT_EQ(test, act2.status, LIS_IC_S_OK);
}

/*
 * A THAW while FREEZE is with the daemon: the host gave up on it.  Both
 * are answered E_FAIL, everything is thawed, the daemon's late reply is
 * refused, and the next backup starts afresh.
 */
static void vss_txn_thaw_aborts_freeze(struct kunit *test)
{
	struct lis_vss_action act, act2;
	struct lis_vss_reply r;
	struct lis_vss_txn t;

	lis_vss_txn_init(&t);
	lis_vss_txn_hello(&t);
	host(&t, LIS_VSS_OP_FREEZE, &act);
	KUNIT_ASSERT_TRUE(test, act.to_daemon);
	host(&t, LIS_VSS_OP_THAW, &act2);
	KUNIT_EXPECT_FALSE(test, act2.to_daemon);
	KUNIT_EXPECT_TRUE(test, act2.answer);
	KUNIT_EXPECT_TRUE(test, act2.answer_held);
	KUNIT_EXPECT_EQ(test, act2.status, LIS_IC_E_FAIL);
	KUNIT_EXPECT_EQ(test, act2.why, LIS_VSS_WHY_ABORTED);
	KUNIT_EXPECT_TRUE(test, act2.thaw_all);
	KUNIT_EXPECT_TRUE(test, act2.stop_thaw_timer);
	KUNIT_EXPECT_FALSE(test, t.frozen);
	KUNIT_EXPECT_EQ(test, t.inflight, 0);
	r = reply_for(&act, 0);
	KUNIT_EXPECT_EQ(test, lis_vss_txn_reply(&t, &r, &act2), -ETIMEDOUT);
	/* The stale reply timer does nothing. */
	KUNIT_EXPECT_FALSE(test, lis_vss_txn_timeout(&t, act.seq, &act2));
	/* The next backup works. */
	host(&t, LIS_VSS_OP_FREEZE, &act);
	KUNIT_ASSERT_TRUE(test, act.to_daemon);
	r = reply_for(&act, 0);
	KUNIT_ASSERT_EQ(test, lis_vss_txn_reply(&t, &r, &act2), 0);
	KUNIT_EXPECT_EQ(test, act2.status, LIS_IC_S_OK);
	host(&t, LIS_VSS_OP_THAW, &act);
	KUNIT_ASSERT_TRUE(test, act.to_daemon);
	r = reply_for(&act, 0);
	KUNIT_ASSERT_EQ(test, lis_vss_txn_reply(&t, &r, &act2), 0);
	KUNIT_EXPECT_EQ(test, act2.status, LIS_IC_S_OK);
}

/* The daemon leaves: always thaw; fail a request in flight. */
static void vss_txn_daemon_gone(struct kunit *test)
{
	struct lis_vss_action act, act2;
	struct lis_vss_reply r;
	struct lis_vss_txn t;

	lis_vss_txn_init(&t);
	lis_vss_txn_hello(&t);
	lis_vss_txn_daemon_gone(&t, &act);
	KUNIT_EXPECT_TRUE(test, act.thaw_all);
	KUNIT_EXPECT_FALSE(test, act.answer_held);

	lis_vss_txn_hello(&t);
	host(&t, LIS_VSS_OP_FREEZE, &act);
	lis_vss_txn_daemon_gone(&t, &act2);
	KUNIT_EXPECT_TRUE(test, act2.answer_held);
	KUNIT_EXPECT_EQ(test, act2.status, LIS_IC_E_FAIL);
	KUNIT_EXPECT_EQ(test, act2.why, LIS_VSS_WHY_DAEMON_GONE);
	KUNIT_EXPECT_TRUE(test, act2.thaw_all);
	KUNIT_EXPECT_FALSE(test, t.daemon);
	r = reply_for(&act, 0);
	KUNIT_EXPECT_EQ(test, lis_vss_txn_reply(&t, &r, &act2), -ETIMEDOUT);
	host(&t, LIS_VSS_OP_HOT_BACKUP, &act2);
	KUNIT_EXPECT_EQ(test, act2.status, LIS_IC_E_FAIL);

	/* Frozen, then the daemon dies: thaw and stop the thaw timer. */
	lis_vss_txn_hello(&t);
	host(&t, LIS_VSS_OP_FREEZE, &act);
	r = reply_for(&act, 0);
	KUNIT_ASSERT_EQ(test, lis_vss_txn_reply(&t, &r, &act2), 0);
	lis_vss_txn_daemon_gone(&t, &act2);
	KUNIT_EXPECT_TRUE(test, act2.thaw_all);
	KUNIT_EXPECT_TRUE(test, act2.stop_thaw_timer);
	KUNIT_EXPECT_FALSE(test, t.frozen);
	/* The host's THAW hears that the freeze did not hold. */
	host(&t, LIS_VSS_OP_THAW, &act2);
	KUNIT_EXPECT_TRUE(test, act2.answer);
	KUNIT_EXPECT_EQ(test, act2.status, LIS_IC_E_FAIL);
	KUNIT_EXPECT_EQ(test, act2.why, LIS_VSS_WHY_THAWED_EARLY);
	/* ...once: the next THAW without a freeze is fine again. */
	host(&t, LIS_VSS_OP_THAW, &act2);
	KUNIT_EXPECT_EQ(test, act2.status, LIS_IC_S_OK);
}

static struct kunit_case lis_vss_cases[] = {
	KUNIT_CASE_PARAM(vss_negotiate_hosts, neg_gen_params),
	KUNIT_CASE(vss_negotiate_malformed),
	KUNIT_CASE(vss_negotiate_loose_size),
	KUNIT_CASE(vss_decode_ops),
	KUNIT_CASE(vss_decode_truncated),
	KUNIT_CASE(vss_decode_loose_sizes),
	KUNIT_CASE(vss_answer_in_place),
	KUNIT_CASE(vss_txn_no_daemon),
	KUNIT_CASE(vss_txn_daemon_backup),
	KUNIT_CASE(vss_txn_bad_replies),
	KUNIT_CASE(vss_txn_daemon_error),
	KUNIT_CASE(vss_txn_timeouts),
	KUNIT_CASE(vss_txn_thaw_timeout),
	KUNIT_CASE(vss_txn_busy),
	KUNIT_CASE(vss_txn_thaw_aborts_freeze),
	KUNIT_CASE(vss_txn_daemon_gone),
	{}
};

static struct kunit_suite lis_vss_suite = {
	.name = "lis_vss",
	.test_cases = lis_vss_cases,
};
kunit_test_suite(lis_vss_suite);

MODULE_DESCRIPTION("KUnit tests for lis_vss's message and transaction code");
MODULE_LICENSE("GPL");

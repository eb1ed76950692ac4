// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "lis_conn": the VMBus connection state machine (conn.c) and
 * the channel-message helpers (chan_msg.c), driven by scripted hosts.
 *
 * A script is a table of steps: guest calls and host messages (events),
 * each followed by the exact actions it must queue, in order.  Host
 * messages are built, and expected guest messages checked, byte for byte
 * from the wire offsets written out below, not from the lis structures,
 * so a wrong structure layout cannot hide itself.  An event with an action
 * left unchecked fails the script.
 *
 * The pure files are compiled into this module, so it tests them without
 * lis_vmbus being loaded.
 */

#include <kunit/test.h>
#include <linux/module.h>

#include "pure.h"
#include "../../drivers/vmbus/chan_msg.c"
#include "../../drivers/vmbus/conn.c"
#include "pure_end.h"
#include "wire.h"

/* What the scripted guest passes to lis_conn_init(). */
#define T_VCPU		3
#define T_INTPAGE	0x1122334455667000ULL
#define T_MON1		0x0000000123456000ULL
#define T_MON2		0x0000000789abc000ULL
#define T_CONNID	0x2a	/* the 5.0+ host's message connection id */

static const struct lis_conn_params t_params = {
	.target_vcpu = T_VCPU,
	.interrupt_page = T_INTPAGE,
	.monitor_page1 = T_MON1,
	.monitor_page2 = T_MON2,
};

/* Start a message of @type in a zeroed 240-byte buffer. */
static void msg_start(u8 *b, u32 type)
{
	memset(b, 0, LIS_HV_MSG_PAYLOAD);
	put32(b, 0, type);
}

/* A host OFFER for @relid with recognisable contents everywhere. */
static u32 build_offer(u8 *b, u32 relid)
{
	unsigned int i;

	msg_start(b, 1);
	for (i = 0; i < 16; i++) {
		b[8 + i] = 0x10 + i;			/* if_type */
		b[24 + i] = relid + i;			/* if_instance */
	}
	put16(b, 56, 0x0001);				/* chn_flags */
	put16(b, 58, 0);				/* mmio_mb */
	for (i = 0; i < 120; i++)
		b[60 + i] = i * 3;			/* user_def */
	put16(b, 180, 0);				/* sub_channel_index */
	put32(b, 184, relid);				/* child_relid */
	b[188] = relid & 0x7f;				/* monitor_id */
	b[189] = 1;					/* monitor allocated */
	put32(b, 192, 0x10000 | relid);			/* connection_id */
	return 196;
}

/* ---- the script engine ---- */

enum {
	S_END,
	/* guest calls (events) */
	S_CONNECT, S_OPEN, S_CLOSE, S_GPADL, S_TEARDOWN, S_RELEASE,
	S_UNLOAD, S_ABORT, S_MODIFY, S_MSGFAIL,
	/* host messages (events) */
	H_VERSION, H_OFFER, H_ALL, H_RESCIND, H_OPENRES, H_CREATED, H_TORN,
	H_UNLOADRESP, H_MODRESP, H_RAW,
	/* expected POST actions, in order */
	P_CONTACT, P_REQUEST, P_OPEN, P_CLOSE, P_TEARDOWN, P_RELEASED,
	P_UNLOAD, P_MODIFY,
	/* expected other actions, in order */
	A_ACT,
	/* checks of the state, consuming nothing */
	C_STATE, C_CHAN, C_NOCHAN, C_GPADL, C_NOGPADL,
	/* the POST just checked could not be posted */
	F_POST,
};

/**
 * struct conn_step - one line of a host script
 * @op: S_*, H_*, P_*, A_ACT or C_*
 * @id: P_*: destination connection id; A_ACT: action conn_id
 * @a: first argument (relid, version, action type...)
 * @b: second argument
 * @c: third argument
 * @d: fourth argument (A_ACT: for a protocol error, check the relid)
 * @e: fifth argument
 * @st: A_ACT: expected status
 * @hs: A_ACT: expected host_status
 * @ret: events: expected return value
 * @raw: H_RAW: the message
 * @len: H_RAW: its length; other H_*: override the length when non-zero
 */
struct conn_step {
	u8 op;
	u32 id, a, b, c, d, e;
	s32 st;
	u32 hs;
	int ret;
	const u8 *raw;
	u32 len;
};

#define CONNECT(r)		{ .op = S_CONNECT, .ret = (r) }
#define OPEN(rel, g, vp, off, ulen, r)					\
	{ .op = S_OPEN, .a = (rel), .b = (g), .c = (vp), .d = (off),	\
	  .e = (ulen), .ret = (r) }
#define CLOSE(rel, r)		{ .op = S_CLOSE, .a = (rel), .ret = (r) }
#define GPADL(rel, n, h, r)						\
	{ .op = S_GPADL, .a = (rel), .b = (n), .c = (h), .ret = (r) }
#define TEARDOWN(h, r)		{ .op = S_TEARDOWN, .a = (h), .ret = (r) }
#define RELEASE(rel, r)		{ .op = S_RELEASE, .a = (rel), .ret = (r) }
#define UNLOAD(r)		{ .op = S_UNLOAD, .ret = (r) }
#define ABORT(err)		{ .op = S_ABORT, .st = (err) }
#define MODIFY(rel, vp, r)	{ .op = S_MODIFY, .a = (rel), .b = (vp), .ret = (r) }
/* The guest's own GPADL_HEADER (8) or GPADL_BODY (9) could not be posted. */
#define MSGFAIL(type, rel, h, err)					\
	{ .op = S_MSGFAIL, .a = (type), .b = (rel), .c = (h), .st = (err) }
/*
 * The POST just checked failed with @err: lis_conn_post_failed(); the
 * actions it queues are checked from the front of the queue on.
 */
#define FAIL(err)		{ .op = F_POST, .st = (err) }

#define H_VERSION_ST(ok, cid, cst, r)					\
	{ .op = H_VERSION, .a = (ok), .b = (cid), .c = (cst), .ret = (r) }
#define H_VERSION(ok, cid, r)	H_VERSION_ST(ok, cid, 0, r)
#define H_OFFER(rel, r)		{ .op = H_OFFER, .a = (rel), .ret = (r) }
#define H_ALL(r)		{ .op = H_ALL, .ret = (r) }
#define H_RESCIND(rel, r)	{ .op = H_RESCIND, .a = (rel), .ret = (r) }
#define H_OPENRES(rel, oid, s, r)					\
	{ .op = H_OPENRES, .a = (rel), .b = (oid), .c = (s), .ret = (r) }
#define H_CREATED(rel, h, s, r)						\
	{ .op = H_CREATED, .a = (rel), .b = (h), .c = (s), .ret = (r) }
#define H_TORN(h, r)		{ .op = H_TORN, .a = (h), .ret = (r) }
#define H_UNLOADRESP(r)		{ .op = H_UNLOADRESP, .ret = (r) }
#define H_MODRESP(rel, st, r)						\
	{ .op = H_MODRESP, .a = (rel), .b = (st), .ret = (r) }
#define H_RAW(bytes, r)							\
	{ .op = H_RAW, .raw = (bytes), .len = sizeof(bytes), .ret = (r) }

#define P_CONTACT(ver, sint, cid)					\
	{ .op = P_CONTACT, .a = (ver), .b = (sint), .id = (cid) }
#define P_REQUEST(cid)		{ .op = P_REQUEST, .id = (cid) }
#define P_OPEN(cid, rel, oid, g, vp, off)				\
	{ .op = P_OPEN, .id = (cid), .a = (rel), .b = (oid), .c = (g),	\
	  .d = (vp), .e = (off) }
#define P_CLOSE(cid, rel)	{ .op = P_CLOSE, .id = (cid), .a = (rel) }
#define P_TEARDOWN(cid, rel, h)						\
	{ .op = P_TEARDOWN, .id = (cid), .a = (rel), .b = (h) }
#define P_RELEASED(cid, rel)	{ .op = P_RELEASED, .id = (cid), .a = (rel) }
#define P_UNLOAD(cid)		{ .op = P_UNLOAD, .id = (cid) }
#define P_MODIFY(cid, rel, vp)						\
	{ .op = P_MODIFY, .id = (cid), .a = (rel), .b = (vp) }

#define A_(t, rel, h, s, hst)						\
	{ .op = A_ACT, .a = (t), .b = (rel), .c = (h), .st = (s), .hs = (hst) }
#define A_CONNECTED(ver, cid)						\
	{ .op = A_ACT, .a = LIS_ACT_CONNECTED, .e = (ver), .id = (cid) }
#define A_FAILED(s, hst)	A_(LIS_ACT_CONNECT_FAILED, 0, 0, s, hst)
#define A_OFFER(rel)		A_(LIS_ACT_OFFER, rel, 0, 0, 0)
#define A_ALL()			A_(LIS_ACT_ALL_OFFERS, 0, 0, 0, 0)
#define A_RESCIND(rel)		A_(LIS_ACT_RESCIND, rel, 0, 0, 0)
#define A_OPENRES(rel, s, hst)	A_(LIS_ACT_OPEN_RESULT, rel, 0, s, hst)
#define A_CREATED(rel, h, s, hst) A_(LIS_ACT_GPADL_CREATED, rel, h, s, hst)
#define A_TORN(rel, h)		A_(LIS_ACT_GPADL_TORNDOWN, rel, h, 0, 0)
#define A_UNLOADED()		A_(LIS_ACT_UNLOADED, 0, 0, 0, 0)
#define A_MODIFIED(rel, s, hst)	A_(LIS_ACT_MODIFIED, rel, 0, s, hst)
#define A_POSTFAILED(rel, s)	A_(LIS_ACT_POST_FAILED, rel, 0, s, 0)
/* A protocol error about a message of type @t (relid/handle not checked) */
#define A_ERR(t)		{ .op = A_ACT, .a = LIS_ACT_PROTOCOL_ERROR, .e = (t) }
/* ... naming channel @rel (0: none), which the glue then marks broken */
#define A_ERR_ON(t, rel)						\
	{ .op = A_ACT, .a = LIS_ACT_PROTOCOL_ERROR, .e = (t), .b = (rel),	\
	  .d = 1 }

#define STATE(s)		{ .op = C_STATE, .a = (s) }
#define CHAN(rel, s, resc)						\
	{ .op = C_CHAN, .a = (rel), .b = (s), .c = (resc) }
#define NOCHAN(rel)		{ .op = C_NOCHAN, .a = (rel) }
#define GPSTATE(h, s)		{ .op = C_GPADL, .a = (h), .b = (s) }
#define NOGPADL(h)		{ .op = C_NOGPADL, .a = (h) }
#define END			{ .op = S_END }

/* The conversation so far, as the engine sees it. */
struct conn_engine {
	struct kunit *test;
	struct lis_conn *c;
	unsigned int ai;	/* next queued action to check */
	u32 user_len;		/* of the last S_OPEN */
};

static const char *const act_names[] = {
	"POST", "CONNECTED", "CONNECT_FAILED", "OFFER", "ALL_OFFERS",
	"RESCIND", "OPEN_RESULT", "GPADL_CREATED", "GPADL_TORNDOWN",
	"UNLOADED", "MODIFIED", "PROTOCOL_ERROR", "POST_FAILED",
};

static const char *act_name(u32 type)
{
	return type < ARRAY_SIZE(act_names) ? act_names[type] : "?";
}

/* Before the next event: every action of the last one must be checked. */
static void engine_drain(struct conn_engine *e, unsigned int step)
{
	struct lis_conn *c = e->c;

	KUNIT_EXPECT_EQ_MSG(e->test, e->ai, c->nact,
			    "step %u: unchecked action %s", step,
			    e->ai < c->nact ? act_name(c->act[e->ai].type) :
					      "-");
	KUNIT_EXPECT_FALSE_MSG(e->test, c->overflow, "step %u: overflow",
			       step);
	lis_conn_actions_done(c);
	e->ai = 0;
}

static void user_pattern(u8 *b, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++)
		b[i] = 0xa0 + i;
}

/*
 * Host messages that are a type and then up to three u32 arguments from
 * offset 8 (the step's a, b, c), indexed by H_* op.
 */
static const struct {
	u8 type, nargs, len;
} host_msgs[] = {
	[H_ALL]		= { 4, 0, 8 },
	[H_RESCIND]	= { 2, 1, 12 },
	[H_OPENRES]	= { 6, 3, 20 },
	[H_CREATED]	= { 10, 3, 20 },
	[H_TORN]	= { 12, 1, 12 },
	[H_UNLOADRESP]	= { 17, 0, 8 },
	[H_MODRESP]	= { 24, 2, 16 },
};

/* Build the host message of step @s into @b; return its length. */
static u32 build_host(const struct conn_step *s, u8 *b)
{
	const u32 args[] = { s->a, s->b, s->c };
	u32 i, len;

	msg_start(b, 0);
	switch (s->op) {
	case H_VERSION:
		put32(b, 0, 15);
		b[8] = s->a;		/* supported */
		b[9] = s->c;		/* connection_state */
		put32(b, 12, s->b);	/* msg_conn_id */
		len = 16;
		break;
	case H_OFFER:
		len = build_offer(b, s->a);
		break;
	case H_RAW:
		memcpy(b, s->raw, s->len);
		return s->len;
	default:
		put32(b, 0, host_msgs[s->op].type);
		for (i = 0; i < host_msgs[s->op].nargs; i++)
			put32(b, 8 + 4 * i, args[i]);
		len = host_msgs[s->op].len;
	}
	return s->len ? s->len : len;
}

/* Build the guest message step @s expects into @b; return its length. */
static u32 build_post(struct conn_engine *e, const struct conn_step *s,
		      u8 *b)
{
	/* Posts that are a type and then the step's a, b as u32 from 8. */
	static const struct {
		u8 type, nargs, len;
	} posts[] = {
		[P_REQUEST]	= { 3, 0, 8 },
		[P_CLOSE]	= { 7, 1, 12 },
		[P_TEARDOWN]	= { 11, 2, 16 },
		[P_RELEASED]	= { 13, 1, 12 },
		[P_UNLOAD]	= { 16, 0, 8 },
		[P_MODIFY]	= { 22, 2, 16 },
	};

	switch (s->op) {
	case P_CONTACT:
		msg_start(b, 14);
		put32(b, 8, s->a);
		put32(b, 12, T_VCPU);
		if (s->b)
			b[16] = s->b;		/* msg_sint, vtl 0 */
		else
			put64(b, 16, T_INTPAGE);
		put64(b, 24, T_MON1);
		put64(b, 32, T_MON2);
		return 40;
	case P_OPEN:
		msg_start(b, 5);
		put32(b, 8, s->a);
		put32(b, 12, s->b);
		put32(b, 16, s->c);
		put32(b, 20, s->d);
		put32(b, 24, s->e);
		user_pattern(b + 28, e->user_len);
		return 148;
	default:
		msg_start(b, posts[s->op].type);
		if (posts[s->op].nargs > 0)
			put32(b, 8, s->a);
		if (posts[s->op].nargs > 1)
			put32(b, 12, s->b);
		return posts[s->op].len;
	}
}

static int engine_call(struct conn_engine *e, const struct conn_step *s)
{
	struct lis_conn *c = e->c;
	u8 user[LIS_HV_MSG_PAYLOAD];
	u32 handle = 0;
	int ret;

	switch (s->op) {
	case S_CONNECT:
		return lis_conn_connect(c);
	case S_OPEN:
		e->user_len = s->e;
		user_pattern(user, min_t(u32, s->e, sizeof(user)));
		return lis_conn_open(c, s->a, s->b, s->c, s->d, user, s->e);
	case S_CLOSE:
		return lis_conn_close(c, s->a);
	case S_GPADL:
		ret = lis_conn_gpadl_begin(c, s->a, s->b, &handle);
		if (!ret)
			KUNIT_EXPECT_EQ(e->test, handle, s->c);
		return ret;
	case S_TEARDOWN:
		return lis_conn_gpadl_teardown(c, s->a);
	case S_RELEASE:
		return lis_conn_release(c, s->a);
	case S_UNLOAD:
		return lis_conn_unload(c);
	case S_MODIFY:
		return lis_conn_modify(c, s->a, s->b);
	case S_MSGFAIL:
		/* GPADL_HEADER: relid at 8, handle at 12; BODY: handle at 12 */
		msg_start(user, s->a);
		if (s->a == 8)
			put32(user, 8, s->b);
		put32(user, 12, s->c);
		lis_conn_msg_failed(c, user, s->a == 8 ? 40 : 24, s->st);
		return 0;
	default: /* S_ABORT */
		lis_conn_abort(c, s->st);
		return 0;
	}
}

static void engine_check_act(struct conn_engine *e, const struct conn_step *s,
			     unsigned int i)
{
	struct kunit *test = e->test;
	struct lis_conn_action *a;
	u8 exp[LIS_HV_MSG_PAYLOAD];
	u32 len;

	KUNIT_ASSERT_LT_MSG(test, e->ai, e->c->nact,
			    "step %u: expected an action, none queued", i);
	a = &e->c->act[e->ai++];

	if (s->op != A_ACT) {
		len = build_post(e, s, exp);
		KUNIT_ASSERT_EQ_MSG(test, a->type, LIS_ACT_POST,
				    "step %u: got %s, expected POST", i,
				    act_name(a->type));
		KUNIT_EXPECT_EQ_MSG(test, a->conn_id, s->id, "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, a->len, len, "step %u", i);
		/* The whole buffer: no stack garbage beyond the message. */
		KUNIT_EXPECT_MEMEQ_MSG(test, a->msg, exp, sizeof(exp),
				       "step %u", i);
		return;
	}

	KUNIT_ASSERT_EQ_MSG(test, a->type, s->a, "step %u: got %s, expected %s",
			    i, act_name(a->type), act_name(s->a));
	if (a->type == LIS_ACT_PROTOCOL_ERROR) {
		KUNIT_EXPECT_EQ_MSG(test, a->msgtype, s->e, "step %u", i);
		KUNIT_EXPECT_NOT_NULL_MSG(test, a->what, "step %u", i);
		if (s->d)
			KUNIT_EXPECT_EQ_MSG(test, a->relid, s->b,
					    "step %u: the fault names relid %u",
					    i, a->relid);
		return;
	}
	KUNIT_EXPECT_EQ_MSG(test, a->relid, s->b, "step %u", i);
	KUNIT_EXPECT_EQ_MSG(test, a->handle, s->c, "step %u", i);
	KUNIT_EXPECT_EQ_MSG(test, a->status, s->st, "step %u", i);
	KUNIT_EXPECT_EQ_MSG(test, a->host_status, s->hs, "step %u", i);
	KUNIT_EXPECT_EQ_MSG(test, a->version, s->e, "step %u", i);
	KUNIT_EXPECT_EQ_MSG(test, a->conn_id, s->id, "step %u", i);
	if (a->type == LIS_ACT_OFFER) {
		build_offer(exp, s->b);
		KUNIT_EXPECT_MEMEQ_MSG(test, &a->offer, exp, 196, "step %u",
				       i);
	}
}

static void engine_check_state(struct conn_engine *e,
			       const struct conn_step *s, unsigned int i)
{
	struct kunit *test = e->test;
	struct lis_conn_chan *ch;
	struct lis_conn_gpadl *g;

	switch (s->op) {
	case C_STATE:
		KUNIT_EXPECT_STREQ_MSG(test, lis_conn_state_name(e->c->state),
				       lis_conn_state_name(s->a), "step %u", i);
		break;
	case C_CHAN:
		ch = lis_conn_find(e->c, s->a);
		KUNIT_ASSERT_NOT_NULL_MSG(test, ch, "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, ch->state, s->b, "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, ch->rescinded, !!s->c, "step %u", i);
		break;
	case C_NOCHAN:
		KUNIT_EXPECT_NULL_MSG(test, lis_conn_find(e->c, s->a),
				      "step %u", i);
		break;
	case C_GPADL:
		g = lis_conn_find_gpadl(e->c, s->a);
		KUNIT_ASSERT_NOT_NULL_MSG(test, g, "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, g->state, s->b, "step %u", i);
		break;
	default: /* C_NOGPADL */
		KUNIT_EXPECT_NULL_MSG(test, lis_conn_find_gpadl(e->c, s->a),
				      "step %u", i);
		break;
	}
}

/* Run script @s against @c, which carries on from wherever it is. */
static void run_script(struct kunit *test, struct lis_conn *c,
		       const struct conn_step *s)
{
	struct conn_engine e = { .test = test, .c = c };
	u8 buf[LIS_HV_MSG_PAYLOAD];
	unsigned int i;
	u32 len;
	int ret;

	for (i = 0; s[i].op != S_END; i++) {
		if (s[i].op < H_VERSION) {
			engine_drain(&e, i);
			ret = engine_call(&e, &s[i]);
			KUNIT_EXPECT_EQ_MSG(test, ret, s[i].ret, "step %u", i);
		} else if (s[i].op < P_CONTACT) {
			engine_drain(&e, i);
			len = build_host(&s[i], buf);
			ret = lis_conn_receive(c, buf, len);
			KUNIT_EXPECT_EQ_MSG(test, ret, s[i].ret, "step %u", i);
		} else if (s[i].op <= A_ACT) {
			engine_check_act(&e, &s[i], i);
		} else if (s[i].op == F_POST) {
			KUNIT_ASSERT_GT_MSG(test, e.ai, 0U,
					    "step %u: no POST checked", i);
			lis_conn_post_failed(c, e.ai - 1, s[i].st);
			e.ai = 0;
		} else {
			engine_check_state(&e, &s[i], i);
		}
	}
	engine_drain(&e, i);
}

/* Run the steps given as arguments, kept in static storage, against @c. */
#define RUN_SCRIPT(c, ...)						\
	do {								\
		static const struct conn_step __steps[] = { __VA_ARGS__ }; \
		run_script(test, c, __steps);				\
	} while (0)

static int conn_test_init(struct kunit *test)
{
	struct lis_conn *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	lis_conn_init(c, &t_params);
	test->priv = c;
	return 0;
}

#define V(maj, min)	LIS_VMBUS_VERSION(maj, min)

/* Connected at 6.0, two channels offered, READY. */
static const struct conn_step s_ready[] = {
	CONNECT(0),
	P_CONTACT(V(6, 0), 2, 4),
	H_VERSION(1, T_CONNID, 0),
	A_CONNECTED(V(6, 0), T_CONNID),
	P_REQUEST(T_CONNID),
	H_OFFER(1, 0),
	A_OFFER(1),
	H_OFFER(2, 0),
	A_OFFER(2),
	H_ALL(0),
	A_ALL(),
	STATE(LIS_CONN_READY),
	END
};

/* From s_ready: relid 1 open on GPADL 1 (open id 1). */
static const struct conn_step s_open1[] = {
	GPADL(1, 4, 1, 0),
	H_CREATED(1, 1, 0, 0),
	A_CREATED(1, 1, 0, 0),
	OPEN(1, 1, 0, 2, 0, 0),
	P_OPEN(T_CONNID, 1, 1, 1, 0, 2),
	H_OPENRES(1, 1, 0, 0),
	A_OPENRES(1, 0, 0),
	CHAN(1, LIS_CHAN_OPEN, 0),
	END
};

static void conn_ready(struct kunit *test)
{
	run_script(test, test->priv, s_ready);
}

/* ---- chan_msg.c ---- */

static void chmsg_versions_test(struct kunit *test)
{
	static const u32 want[] = {
		V(6, 0), V(5, 3), V(5, 2), V(5, 1), V(5, 0), V(4, 1),
		V(4, 0), V(3, 0), V(2, 4),
	};
	unsigned int i;

	KUNIT_ASSERT_EQ(test, lis_vmbus_nversions, ARRAY_SIZE(want));
	for (i = 0; i < ARRAY_SIZE(want); i++)
		KUNIT_EXPECT_EQ(test, lis_vmbus_versions[i], want[i]);
}

static const struct {
	u32 type;
	u32 size;
	const char *name;
} chmsg_sizes[] = {
	{ 1, 196, "OFFER" }, { 2, 12, "RESCIND" }, { 3, 8, "REQUESTOFFERS" },
	{ 4, 8, "ALLOFFERS_DELIVERED" }, { 5, 148, "OPENCHANNEL" },
	{ 6, 20, "OPENCHANNEL_RESULT" }, { 7, 12, "CLOSECHANNEL" },
	{ 8, 28, "GPADL_HEADER" }, { 9, 16, "GPADL_BODY" },
	{ 10, 20, "GPADL_CREATED" }, { 11, 16, "GPADL_TEARDOWN" },
	{ 12, 12, "GPADL_TORNDOWN" }, { 13, 12, "RELID_RELEASED" },
	{ 14, 40, "INITIATE_CONTACT" }, { 15, 16, "VERSION_RESPONSE" },
	{ 16, 8, "UNLOAD" }, { 17, 8, "UNLOAD_RESPONSE" },
	{ 22, 16, "MODIFYCHANNEL" }, { 24, 16, "MODIFYCHANNEL_RESPONSE" },
};

/* Types this guest does not know (18-21, 23: optional host features). */
static const u32 unknown_types[] = {
	0, 18, 19, 20, 21, 23, 25, 26, 255, 0x10001, 0xffffffff,
};

static void chmsg_sizes_test(struct kunit *test)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(chmsg_sizes); i++) {
		KUNIT_EXPECT_EQ(test, lis_chmsg_min_size(chmsg_sizes[i].type),
				chmsg_sizes[i].size);
		KUNIT_EXPECT_STREQ(test, lis_chmsg_name(chmsg_sizes[i].type),
				   chmsg_sizes[i].name);
	}
	for (i = 0; i < ARRAY_SIZE(unknown_types); i++) {
		KUNIT_EXPECT_EQ(test, lis_chmsg_min_size(unknown_types[i]), 0);
		KUNIT_EXPECT_STREQ(test, lis_chmsg_name(unknown_types[i]),
				   "unknown");
	}
}

static void chmsg_check_test(struct kunit *test)
{
	u8 b[LIS_HV_MSG_PAYLOAD + 8] = {};
	unsigned int i;
	u32 type;

	put32(b, 0, 1);
	KUNIT_EXPECT_EQ(test, lis_chmsg_check(b, 7, &type), -EINVAL);
	KUNIT_EXPECT_EQ(test, type, 0);
	KUNIT_EXPECT_EQ(test, lis_chmsg_check(b, 0, NULL), -EINVAL);
	KUNIT_EXPECT_EQ(test, lis_chmsg_check(b, 241, &type), -EINVAL);
	KUNIT_EXPECT_EQ(test, lis_chmsg_check(b, 195, &type), -EINVAL);
	KUNIT_EXPECT_EQ(test, type, 1);
	KUNIT_EXPECT_EQ(test, lis_chmsg_check(b, 196, &type), 0);
	KUNIT_EXPECT_EQ(test, lis_chmsg_check(b, 240, NULL), 0);

	for (i = 0; i < ARRAY_SIZE(chmsg_sizes); i++) {
		put32(b, 0, chmsg_sizes[i].type);
		KUNIT_EXPECT_EQ(test, lis_chmsg_check(b, chmsg_sizes[i].size,
						      &type), 0);
		KUNIT_EXPECT_EQ(test, type, chmsg_sizes[i].type);
		KUNIT_EXPECT_EQ(test,
				lis_chmsg_check(b, chmsg_sizes[i].size - 1,
						NULL), -EINVAL);
	}
	for (i = 0; i < ARRAY_SIZE(unknown_types); i++) {
		put32(b, 0, unknown_types[i]);
		KUNIT_EXPECT_EQ(test, lis_chmsg_check(b, 240, &type),
				-EOPNOTSUPP);
		KUNIT_EXPECT_EQ(test, type, unknown_types[i]);
	}
}

/* ---- GPADL encoding ---- */

struct gpadl_case {
	u32 npfns;
	u32 nmsgs;
	const char *name;
};

static const struct gpadl_case gpadl_cases[] = {
	{ 1, 1, "1 page" },
	{ 26, 1, "26 pages: full header" },
	{ 27, 2, "27 pages: first body" },
	{ 54, 2, "54 pages: full body" },
	{ 55, 3, "55 pages: second body" },
	{ 4096, 147, "16 MiB" },
	{ LIS_GPADL_MAX_PFNS, 293, "8190 pages: the maximum" },
};

static void gpadl_case_desc(const struct gpadl_case *p, char *desc)
{
	strscpy(desc, p->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(gpadl_enc, gpadl_cases, gpadl_case_desc);

static void gpadl_encode_test(struct kunit *test)
{
	const struct gpadl_case *p = test->param_value;
	u8 *b = kunit_kzalloc(test, LIS_HV_MSG_PAYLOAD, GFP_KERNEL);
	u64 *pfns = kunit_kmalloc_array(test, p->npfns, sizeof(u64),
					GFP_KERNEL);
	u32 i, j, k, len, n, seen = 0;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_NOT_NULL(test, pfns);
	for (i = 0; i < p->npfns; i++)
		pfns[i] = 0x100000000ULL + i * 7;

	KUNIT_ASSERT_EQ(test, lis_gpadl_msg_count(p->npfns), p->nmsgs);
	for (i = 0; i < p->nmsgs; i++) {
		memset(b, 0xee, LIS_HV_MSG_PAYLOAD);
		len = lis_gpadl_encode(7, 0xabcd, pfns, p->npfns, i, b);
		KUNIT_ASSERT_LE(test, len, LIS_HV_MSG_PAYLOAD);
		if (i == 0) {
			n = min_t(u32, p->npfns, 26);
			KUNIT_EXPECT_EQ(test, len, 28 + 8 * n);
			KUNIT_EXPECT_EQ(test, get32(b, 0), 8);
			KUNIT_EXPECT_EQ(test, get32(b, 4), 0);
			KUNIT_EXPECT_EQ(test, get32(b, 8), 7);
			KUNIT_EXPECT_EQ(test, get32(b, 12), 0xabcd);
			KUNIT_EXPECT_EQ(test, get32(b, 16) & 0xffff,
					8 + 8 * p->npfns);	/* range_buflen */
			KUNIT_EXPECT_EQ(test, get32(b, 16) >> 16, 1);
			KUNIT_EXPECT_EQ(test, get32(b, 20), p->npfns * 4096);
			KUNIT_EXPECT_EQ(test, get32(b, 24), 0);
			k = 28;
		} else {
			n = min_t(u32, p->npfns - seen, 28);
			KUNIT_EXPECT_EQ(test, len, 16 + 8 * n);
			KUNIT_EXPECT_EQ(test, get32(b, 0), 9);
			KUNIT_EXPECT_EQ(test, get32(b, 4), 0);
			KUNIT_EXPECT_EQ(test, get32(b, 8), 0);	/* msgnumber */
			KUNIT_EXPECT_EQ(test, get32(b, 12), 0xabcd);
			k = 16;
		}
		/* Every frame once, in order. */
		for (j = 0; j < n; j++, seen++)
			KUNIT_ASSERT_EQ(test, get64(b, k + 8 * j), pfns[seen]);
		for (j = len; j < LIS_HV_MSG_PAYLOAD; j++)
			KUNIT_ASSERT_EQ(test, b[j], 0);
	}
	KUNIT_EXPECT_EQ(test, seen, p->npfns);
	KUNIT_EXPECT_EQ(test, lis_gpadl_encode(7, 1, pfns, p->npfns, p->nmsgs,
					       b), 0);
}

static void gpadl_limits_test(struct kunit *test)
{
	struct lis_conn *c = test->priv;
	u64 pfn = 1;
	u8 b[LIS_HV_MSG_PAYLOAD];
	u32 h;

	KUNIT_EXPECT_EQ(test, LIS_GPADL_MAX_PFNS, 8190);
	KUNIT_EXPECT_EQ(test, lis_gpadl_msg_count(0), 0);
	KUNIT_EXPECT_EQ(test, lis_gpadl_msg_count(LIS_GPADL_MAX_PFNS + 1), 0);
	KUNIT_EXPECT_EQ(test, lis_gpadl_encode(1, 1, &pfn, 0, 0, b), 0);
	KUNIT_EXPECT_EQ(test, lis_gpadl_encode(1, 1, &pfn, 16384, 0, b), 0);

	conn_ready(test);
	KUNIT_EXPECT_EQ(test, lis_conn_gpadl_begin(c, 1, 0, &h), -EINVAL);
	/* 64 MiB does not fit in range_buflen. */
	KUNIT_EXPECT_EQ(test, lis_conn_gpadl_begin(c, 1, 16384, &h), -E2BIG);
	KUNIT_EXPECT_EQ(test, lis_conn_gpadl_begin(c, 1, 8191, &h), -E2BIG);
	KUNIT_EXPECT_EQ(test, lis_conn_gpadl_begin(c, 1, 8190, &h), 0);
	KUNIT_EXPECT_EQ(test, h, 1);
	KUNIT_EXPECT_EQ(test, c->nact, 0);
}

static void gpadl_handles_test(struct kunit *test)
{
	struct lis_conn *c = test->priv;
	u32 *h = kunit_kmalloc_array(test, LIS_CONN_MAX_GPADLS, sizeof(u32),
				     GFP_KERNEL);
	unsigned int i, j;
	u32 x;

	KUNIT_ASSERT_NOT_NULL(test, h);
	conn_ready(test);
	for (i = 0; i < LIS_CONN_MAX_GPADLS; i++) {
		KUNIT_ASSERT_EQ(test, lis_conn_gpadl_begin(c, 1 + i % 2, 1,
							   &h[i]), 0);
		KUNIT_ASSERT_NE(test, h[i], 0);
		for (j = 0; j < i; j++)
			KUNIT_ASSERT_NE(test, h[i], h[j]);
	}
	KUNIT_EXPECT_EQ(test, lis_conn_gpadl_begin(c, 1, 1, &x), -ENOSPC);

	/* Free handles 1 and 3, then make the counter wrap past 0. */
	RUN_SCRIPT(c,
		H_CREATED(1, 1, 1, 0), A_CREATED(1, 1, -EIO, 1),
		H_CREATED(1, 3, 0xc0000001, 0),
		A_CREATED(1, 3, -EIO, 0xc0000001),
		NOGPADL(1), NOGPADL(3),
		END);
	c->next_gpadl = 0xffffffff;
	KUNIT_ASSERT_EQ(test, lis_conn_gpadl_begin(c, 1, 1, &x), 0);
	KUNIT_EXPECT_EQ(test, x, 1);	/* never 0 */
	KUNIT_ASSERT_EQ(test, lis_conn_gpadl_begin(c, 1, 1, &x), 0);
	KUNIT_EXPECT_EQ(test, x, 3);	/* 2 is still in use */
	KUNIT_EXPECT_EQ(test, lis_conn_gpadl_begin(c, 1, 1, &x), -ENOSPC);
}

/* ---- connecting ---- */

static void connect_exact_bytes_test(struct kunit *test)
{
	static const u8 contact_6_0[40] = {
		0x0e, 0, 0, 0, 0, 0, 0, 0,		/* INITIATE_CONTACT */
		0x00, 0x00, 0x06, 0x00,			/* version 6.0 */
		0x03, 0, 0, 0,				/* target_vcpu */
		0x02, 0, 0, 0, 0, 0, 0, 0,		/* msg_sint 2, vtl 0 */
		0x00, 0x60, 0x45, 0x23, 0x01, 0, 0, 0,	/* monitor_page1 */
		0x00, 0xc0, 0xab, 0x89, 0x07, 0, 0, 0,	/* monitor_page2 */
	};
	struct lis_conn *c = test->priv;

	KUNIT_ASSERT_EQ(test, lis_conn_connect(c), 0);
	KUNIT_ASSERT_EQ(test, c->nact, 1);
	KUNIT_EXPECT_EQ(test, c->act[0].type, LIS_ACT_POST);
	KUNIT_EXPECT_EQ(test, c->act[0].conn_id, 4);
	KUNIT_EXPECT_EQ(test, c->act[0].len, sizeof(contact_6_0));
	KUNIT_EXPECT_MEMEQ(test, c->act[0].msg, contact_6_0,
			   sizeof(contact_6_0));
	lis_conn_actions_done(c);
	RUN_SCRIPT(c,
		H_VERSION(1, 0x800074, 0),
		A_CONNECTED(V(6, 0), 0x800074),
		P_REQUEST(0x800074),
		STATE(LIS_CONN_REQUESTING),
		END);
	KUNIT_EXPECT_EQ(test, c->version, V(6, 0));
	KUNIT_EXPECT_EQ(test, c->msg_conn_id, 0x800074);
}

static const struct conn_step s_happy_path[] = {
	/* A second channel with user data, all 120 bytes. */
	GPADL(2, 40, 2, 0),
	GPSTATE(2, LIS_GPADL_CREATING),
	H_CREATED(2, 2, 0, 0),
	A_CREATED(2, 2, 0, 0),
	GPSTATE(2, LIS_GPADL_CREATED),
	OPEN(2, 2, 5, 20, 120, 0),
	P_OPEN(T_CONNID, 2, 2, 2, 5, 20),
	CHAN(2, LIS_CHAN_OPENING, 0),
	H_OPENRES(2, 2, 0, 0),
	A_OPENRES(2, 0, 0),
	/* Close both and tear the GPADLs down. */
	CLOSE(1, 0),
	P_CLOSE(T_CONNID, 1),
	CHAN(1, LIS_CHAN_OFFERED, 0),
	TEARDOWN(1, 0),
	P_TEARDOWN(T_CONNID, 1, 1),
	GPSTATE(1, LIS_GPADL_TEARING),
	H_TORN(1, 0),
	A_TORN(1, 1),
	NOGPADL(1),
	CLOSE(2, 0),
	P_CLOSE(T_CONNID, 2),
	TEARDOWN(2, 0),
	P_TEARDOWN(T_CONNID, 2, 2),
	H_TORN(2, 0),
	A_TORN(2, 2),
	/* Reopen: a fresh open id. */
	GPADL(1, 4, 3, 0),
	H_CREATED(1, 3, 0, 0),
	A_CREATED(1, 3, 0, 0),
	OPEN(1, 3, 0, 2, 0, 0),
	P_OPEN(T_CONNID, 1, 3, 3, 0, 2),
	H_OPENRES(1, 3, 0, 0),
	A_OPENRES(1, 0, 0),
	MODIFY(1, 1, 0),
	P_MODIFY(T_CONNID, 1, 1),
	H_MODRESP(1, 0, 0),
	A_MODIFIED(1, 0, 0),
	MODIFY(1, 0, 0),
	P_MODIFY(T_CONNID, 1, 0),
	H_MODRESP(1, 0xc0000001, 0),		/* refused */
	A_MODIFIED(1, -EIO, 0xc0000001),
	MODIFY(2, 1, -EINVAL),			/* closed */
	MODIFY(77, 1, -ENOENT),			/* not offered */
	H_MODRESP(77, 0, 0),			/* crossed a rescind */
	UNLOAD(0),
	P_UNLOAD(T_CONNID),
	STATE(LIS_CONN_UNLOADING),
	H_UNLOADRESP(0),
	A_UNLOADED(),
	STATE(LIS_CONN_UNLOADED),
	UNLOAD(-EALREADY),
	END
};

struct version_case {
	unsigned int idx;
	const char *name;
};

static const struct version_case version_cases[] = {
	{ 0, "6.0" }, { 1, "5.3" }, { 2, "5.2" }, { 3, "5.1" }, { 4, "5.0" },
	{ 5, "4.1" }, { 6, "4.0" }, { 7, "3.0" }, { 8, "2.4" },
};

static void version_case_desc(const struct version_case *p, char *desc)
{
	snprintf(desc, KUNIT_PARAM_DESC_SIZE, "host speaks %s", p->name);
}

KUNIT_ARRAY_PARAM(version, version_cases, version_case_desc);

/* The host refuses every newer version, then accepts this one. */
static void version_fallback_test(struct kunit *test)
{
	const struct version_case *p = test->param_value;
	struct lis_conn *c = test->priv;
	struct conn_step *s = kunit_kcalloc(test, 64, sizeof(*s), GFP_KERNEL);
	unsigned int i, n = 0;
	u32 ver = lis_vmbus_versions[p->idx];
	bool v5 = ver >= V(5, 0);
	u32 id = v5 ? T_CONNID : 1;

	KUNIT_ASSERT_NOT_NULL(test, s);
	s[n++] = (struct conn_step)CONNECT(0);
	for (i = 0; i <= p->idx; i++) {
		u32 vi = lis_vmbus_versions[i];
		bool new = vi >= V(5, 0);

		s[n++] = (struct conn_step)P_CONTACT(vi, new ? 2 : 0,
						     new ? 4 : 1);
		s[n++] = (struct conn_step)STATE(LIS_CONN_CONTACTING);
		/* Old hosts leave junk in msg_conn_id: it must be ignored. */
		s[n++] = (struct conn_step)H_VERSION(i == p->idx, T_CONNID, 0);
	}
	s[n++] = (struct conn_step)A_CONNECTED(ver, id);
	s[n++] = (struct conn_step)P_REQUEST(id);
	s[n++] = (struct conn_step)H_OFFER(9, 0);
	s[n++] = (struct conn_step)A_OFFER(9);
	s[n++] = (struct conn_step)H_ALL(0);
	s[n++] = (struct conn_step)A_ALL();
	s[n++] = (struct conn_step)GPADL(9, 1, 1, 0);
	s[n++] = (struct conn_step)H_CREATED(9, 1, 0, 0);
	s[n++] = (struct conn_step)A_CREATED(9, 1, 0, 0);
	s[n++] = (struct conn_step)OPEN(9, 1, 0, 1, 0, 0);
	s[n++] = (struct conn_step)P_OPEN(id, 9, 1, 1, 0, 1);
	s[n++] = (struct conn_step)UNLOAD(0);
	if (ver >= V(3, 0)) {
		s[n++] = (struct conn_step)P_UNLOAD(id);
		s[n++] = (struct conn_step)H_UNLOADRESP(0);
	}
	/* 2.4 hosts do not answer UNLOAD: the guest does not send it. */
	s[n++] = (struct conn_step)A_UNLOADED();
	s[n++] = (struct conn_step)STATE(LIS_CONN_UNLOADED);
	s[n++] = (struct conn_step)END;
	KUNIT_ASSERT_LT(test, n, 64);
	run_script(test, c, s);
	KUNIT_EXPECT_EQ(test, c->version, ver);
	KUNIT_EXPECT_EQ(test, c->msg_conn_id, id);
}

static const struct conn_step s_no_common_version[] = {
	CONNECT(0),
	P_CONTACT(V(6, 0), 2, 4), H_VERSION(0, 0, 0),
	P_CONTACT(V(5, 3), 2, 4), H_VERSION(0, 0, 0),
	P_CONTACT(V(5, 2), 2, 4), H_VERSION(0, 0, 0),
	P_CONTACT(V(5, 1), 2, 4), H_VERSION(0, 0, 0),
	P_CONTACT(V(5, 0), 2, 4), H_VERSION(0, 0, 0),
	P_CONTACT(V(4, 1), 0, 1), H_VERSION(0, 0, 0),
	P_CONTACT(V(4, 0), 0, 1), H_VERSION(0, 0, 0),
	P_CONTACT(V(3, 0), 0, 1), H_VERSION(0, 0, 0),
	P_CONTACT(V(2, 4), 0, 1), H_VERSION(0, 0, 0),
	A_FAILED(-EPROTONOSUPPORT, 0),
	STATE(LIS_CONN_FAILED),
	/* A late answer changes nothing. */
	H_VERSION(1, 5, -EPROTO),
	A_ERR(15),
	STATE(LIS_CONN_FAILED),
	H_OFFER(1, -EPROTO),
	A_ERR(1),
	/* Nothing was accepted: unload says goodbye to no one. */
	UNLOAD(0),
	A_UNLOADED(),
	END
};

static const struct conn_step s_retry_after_failure[] = {
	CONNECT(0),
	P_CONTACT(V(6, 0), 2, 4),
	CONNECT(-EBUSY),
	ABORT(-ETIMEDOUT),
	A_FAILED(-ETIMEDOUT, 0),
	STATE(LIS_CONN_FAILED),
	ABORT(-ETIMEDOUT),			/* no-op now */
	CONNECT(0),
	P_CONTACT(V(6, 0), 2, 4),
	H_VERSION(1, T_CONNID, 0),
	A_CONNECTED(V(6, 0), T_CONNID),
	P_REQUEST(T_CONNID),
	ABORT(0),				/* not an errno */
	A_FAILED(-ECONNABORTED, 0),
	/* Aborted after the host accepted: UNLOAD is owed. */
	UNLOAD(0),
	P_UNLOAD(T_CONNID),
	END
};

static const struct conn_step s_host_refuses_connection[] = {
	CONNECT(0),
	P_CONTACT(V(6, 0), 2, 4),
	H_VERSION_ST(1, T_CONNID, 1, 0),	/* low resources */
	A_FAILED(-ECONNREFUSED, 1),
	STATE(LIS_CONN_FAILED),
	END
};

static void max_version_test(struct kunit *test)
{
	struct lis_conn *c = test->priv;
	struct lis_conn_params p = t_params;

	p.max_version = V(5, 2);
	lis_conn_init(c, &p);
	RUN_SCRIPT(c,
		CONNECT(0),
		P_CONTACT(V(5, 2), 2, 4),
		H_VERSION(0, 0, 0),
		P_CONTACT(V(5, 1), 2, 4),
		END);

	p.max_version = V(5, 4);		/* not one we know */
	lis_conn_init(c, &p);
	RUN_SCRIPT(c,
		CONNECT(0),
		P_CONTACT(V(5, 3), 2, 4),
		END);

	p.max_version = V(4, 0);
	lis_conn_init(c, &p);
	RUN_SCRIPT(c,
		CONNECT(0),
		P_CONTACT(V(4, 0), 0, 1),
		H_VERSION(1, T_CONNID, 0),
		A_CONNECTED(V(4, 0), 1),
		P_REQUEST(1),
		END);

	p.max_version = V(2, 3);		/* below everything */
	lis_conn_init(c, &p);
	RUN_SCRIPT(c,
		CONNECT(-EPROTONOSUPPORT),
		STATE(LIS_CONN_FAILED),
		END);
}

/* ---- offers ---- */

static const struct conn_step s_offers[] = {
	H_OFFER(1, -EPROTO),		/* before connecting */
	A_ERR(1),
	H_ALL(-EPROTO),
	A_ERR(4),
	CONNECT(0),
	P_CONTACT(V(6, 0), 2, 4),
	H_OFFER(1, -EPROTO),		/* before the version answer */
	A_ERR(1),
	NOCHAN(1),
	H_VERSION(1, T_CONNID, 0),
	A_CONNECTED(V(6, 0), T_CONNID),
	P_REQUEST(T_CONNID),
	H_OFFER(5, 0),
	A_OFFER(5),
	CHAN(5, LIS_CHAN_OFFERED, 0),
	H_OFFER(5, -EPROTO),		/* duplicate */
	A_ERR_ON(1, 5),
	H_OFFER(0, -EPROTO),		/* relid 0 */
	A_ERR(1),
	H_OFFER(LIS_MAX_RELID + 1, -EPROTO),
	A_ERR(1),
	H_OFFER(0xffffffff, -EPROTO),
	A_ERR(1),
	NOCHAN(0xffffffff),
	H_OFFER(LIS_MAX_RELID, 0),
	A_OFFER(LIS_MAX_RELID),
	STATE(LIS_CONN_REQUESTING),
	H_ALL(0),
	A_ALL(),
	STATE(LIS_CONN_READY),
	H_ALL(-EPROTO),			/* duplicate */
	A_ERR(4),
	H_OFFER(6, 0),			/* hot-added device */
	A_OFFER(6),
	H_OFFER(6, -EPROTO),
	A_ERR(1),
	H_VERSION(1, T_CONNID, -EPROTO),	/* duplicate */
	A_ERR(15),
	STATE(LIS_CONN_READY),
	END
};

static void offer_table_full_test(struct kunit *test)
{
	struct lis_conn *c = test->priv;
	struct conn_step s[3] = { H_OFFER(0, 0), A_OFFER(0), END };
	unsigned int i;

	conn_ready(test);		/* relids 1 and 2 */
	for (i = 3; i <= LIS_CONN_MAX_CHANNELS; i++) {
		s[0].a = i;
		s[1].b = i;
		run_script(test, c, s);
	}
	RUN_SCRIPT(c,
		H_OFFER(1000, -EPROTO),
		A_ERR(1),
		NOCHAN(1000),
		/* Releasing a relid makes room again. */
		H_RESCIND(7, 0),
		A_RESCIND(7),
		RELEASE(7, 0),
		P_RELEASED(T_CONNID, 7),
		H_OFFER(1000, 0),
		A_OFFER(1000),
		H_OFFER(7, -EPROTO),
		A_ERR(1),
		END);
}

/* ---- rescind ---- */

static const struct conn_step s_rescind_before_open[] = {
	GPADL(1, 4, 1, 0),
	H_CREATED(1, 1, 0, 0),
	A_CREATED(1, 1, 0, 0),
	H_RESCIND(1, 0),
	A_RESCIND(1),
	CHAN(1, LIS_CHAN_OFFERED, 1),
	H_RESCIND(1, -EPROTO),		/* duplicate */
	A_ERR_ON(2, 1),
	H_RESCIND(77, -EPROTO),		/* unknown */
	A_ERR(2),
	OPEN(1, 1, 0, 2, 0, -ENODEV),
	GPADL(1, 4, 0, -ENODEV),
	CLOSE(1, -EINVAL),
	/* The host dropped the GPADL: freed without a message. */
	TEARDOWN(1, 0),
	A_TORN(1, 1),
	NOGPADL(1),
	RELEASE(2, -EINVAL),		/* not rescinded */
	RELEASE(1, 0),
	P_RELEASED(T_CONNID, 1),
	NOCHAN(1),
	RELEASE(1, -ENOENT),
	/* The host may offer the relid again. */
	H_OFFER(1, 0),
	A_OFFER(1),
	CHAN(1, LIS_CHAN_OFFERED, 0),
	END
};

static const struct conn_step s_rescind_during_open[] = {
	GPADL(1, 4, 1, 0),
	H_CREATED(1, 1, 0, 0),
	A_CREATED(1, 1, 0, 0),
	GPADL(1, 30, 2, 0),		/* still CREATING at rescind */
	OPEN(1, 1, 0, 2, 0, 0),
	P_OPEN(T_CONNID, 1, 1, 1, 0, 2),
	H_RESCIND(1, 0),
	A_OPENRES(1, -ENODEV, 0),	/* the open fails first */
	A_RESCIND(1),
	CHAN(1, LIS_CHAN_OFFERED, 1),
	H_OPENRES(1, 1, 0, 0),		/* the host's late answer */
	CHAN(1, LIS_CHAN_OFFERED, 1),
	TEARDOWN(2, 0),
	A_TORN(1, 2),
	TEARDOWN(1, 0),
	A_TORN(1, 1),
	RELEASE(1, 0),
	P_RELEASED(T_CONNID, 1),
	END
};

static const struct conn_step s_rescind_after_open[] = {
	H_RESCIND(1, 0),
	A_RESCIND(1),
	CHAN(1, LIS_CHAN_OPEN, 1),
	CLOSE(1, 0),			/* sends nothing */
	CHAN(1, LIS_CHAN_OFFERED, 1),
	RELEASE(1, 0),			/* GPADL 1 goes with it */
	P_RELEASED(T_CONNID, 1),
	NOGPADL(1),
	NOCHAN(1),
	H_TORN(1, -EPROTO),
	A_ERR(12),
	END
};

/* ---- answers nobody asked for ---- */

static const struct conn_step s_late_and_duplicate[] = {
	H_OPENRES(1, 1, 0, -EPROTO),		/* nothing opening */
	A_ERR(6),
	H_OPENRES(99, 1, 0, -EPROTO),		/* unknown relid */
	A_ERR(6),
	H_CREATED(1, 1, 0, -EPROTO),		/* unknown handle */
	A_ERR(10),
	GPADL(1, 4, 1, 0),
	H_CREATED(2, 1, 0, -EPROTO),		/* wrong relid */
	A_ERR(10),
	GPSTATE(1, LIS_GPADL_CREATING),
	TEARDOWN(1, -EBUSY),			/* host owes an answer */
	H_CREATED(1, 1, 0, 0),
	A_CREATED(1, 1, 0, 0),
	H_CREATED(1, 1, 0, -EPROTO),		/* duplicate */
	A_ERR_ON(10, 1),
	H_TORN(1, -EPROTO),			/* not tearing down */
	A_ERR_ON(12, 1),			/* its channel's fault */
	OPEN(1, 1, 0, 2, 0, 0),
	P_OPEN(T_CONNID, 1, 1, 1, 0, 2),
	OPEN(1, 1, 0, 2, 0, -EBUSY),
	H_OPENRES(1, 2, 0, -EPROTO),		/* wrong open id */
	A_ERR_ON(6, 1),
	CHAN(1, LIS_CHAN_OPENING, 0),
	H_OPENRES(1, 1, 0xc0000001, 0),		/* refused */
	A_OPENRES(1, -EIO, 0xc0000001),
	CHAN(1, LIS_CHAN_OFFERED, 0),
	H_OPENRES(1, 1, 0, -EPROTO),		/* late */
	A_ERR_ON(6, 1),
	OPEN(1, 1, 0, 2, 0, 0),
	P_OPEN(T_CONNID, 1, 2, 1, 0, 2),
	H_OPENRES(1, 2, 0, 0),
	A_OPENRES(1, 0, 0),
	H_OPENRES(1, 2, 0, -EPROTO),		/* duplicate */
	A_ERR_ON(6, 1),
	CHAN(1, LIS_CHAN_OPEN, 0),
	TEARDOWN(1, 0),
	P_TEARDOWN(T_CONNID, 1, 1),
	TEARDOWN(1, -EBUSY),
	H_TORN(1, 0),
	A_TORN(1, 1),
	H_TORN(1, -EPROTO),			/* duplicate */
	A_ERR_ON(12, 0),			/* handle gone: no one */
	H_UNLOADRESP(-EPROTO),			/* never asked */
	A_ERR(17),
	STATE(LIS_CONN_READY),
	END
};

static void guest_errors_test(struct kunit *test)
{
	struct lis_conn *c = test->priv;
	u8 user[121] = {};
	u32 h;

	KUNIT_EXPECT_EQ(test, lis_conn_open(c, 1, 1, 0, 2, NULL, 0),
			-ENOTCONN);
	KUNIT_EXPECT_EQ(test, lis_conn_gpadl_begin(c, 1, 1, &h), -ENOTCONN);
	KUNIT_EXPECT_EQ(test, lis_conn_close(c, 1), -ENOENT);
	KUNIT_EXPECT_EQ(test, lis_conn_gpadl_teardown(c, 1), -ENOENT);
	KUNIT_EXPECT_EQ(test, lis_conn_release(c, 1), -ENOENT);
	conn_ready(test);
	KUNIT_EXPECT_EQ(test, lis_conn_connect(c), -EBUSY);
	KUNIT_EXPECT_EQ(test, lis_conn_open(c, 1, 1, 0, 2, user, 121),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lis_conn_open(c, 1, 1, 0, 2, NULL, 4), -EINVAL);
	KUNIT_EXPECT_EQ(test, lis_conn_open(c, 3, 1, 0, 2, NULL, 0), -ENOENT);
	/* No GPADL yet, then one of the other channel. */
	KUNIT_EXPECT_EQ(test, lis_conn_open(c, 1, 1, 0, 2, NULL, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, lis_conn_gpadl_begin(c, 2, 1, &h), 0);
	KUNIT_EXPECT_EQ(test, lis_conn_gpadl_begin(c, 3, 1, &h), -ENOENT);
	KUNIT_EXPECT_EQ(test, lis_conn_open(c, 1, 1, 0, 2, NULL, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, lis_conn_close(c, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, lis_conn_release(c, 1), -EINVAL);
	KUNIT_EXPECT_EQ(test, lis_conn_gpadl_teardown(c, 0), -ENOENT);
	KUNIT_EXPECT_EQ(test, c->nact, 0);
	KUNIT_EXPECT_EQ(test, c->state, LIS_CONN_READY);
}

/* ---- malformed and unknown messages ---- */

/* Everything but the action queue, to prove a message changed nothing. */
static void conn_snapshot(const struct lis_conn *c, struct lis_conn *snap)
{
	memcpy(snap, c, offsetof(struct lis_conn, nact));
}

static void malformed_test(struct kunit *test)
{
	struct lis_conn *c = test->priv;
	struct lis_conn *snap = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);
	u8 b[LIS_HV_MSG_PAYLOAD + 16];
	unsigned int i;
	u32 len, t;

	KUNIT_ASSERT_NOT_NULL(test, snap);
	conn_ready(test);
	run_script(test, c, s_open1);
	RUN_SCRIPT(c,
		GPADL(2, 1, 2, 0), OPEN(1, 1, 0, 2, 0, -EBUSY), END);
	conn_snapshot(c, snap);

	/* Every type truncated to every length below its fixed size. */
	for (i = 0; i < ARRAY_SIZE(chmsg_sizes); i++) {
		t = chmsg_sizes[i].type;
		for (len = 0; len < chmsg_sizes[i].size; len++) {
			memset(b, 0x5a, sizeof(b));
			put32(b, 0, t);
			put32(b, 8, 1);		/* a known relid, too */
			KUNIT_EXPECT_EQ(test, lis_conn_receive(c, b, len),
					-EINVAL);
			KUNIT_ASSERT_EQ(test, c->nact, 1);
			KUNIT_EXPECT_EQ(test, c->act[0].type,
					LIS_ACT_PROTOCOL_ERROR);
			KUNIT_EXPECT_EQ(test, c->act[0].msgtype,
					len >= 8 ? t : 0);
			KUNIT_EXPECT_NOT_NULL(test, c->act[0].what);
			lis_conn_actions_done(c);
		}
		/* and too long for a hypervisor message */
		KUNIT_EXPECT_EQ(test, lis_conn_receive(c, b, 241), -EINVAL);
		KUNIT_EXPECT_EQ(test, c->act[0].type, LIS_ACT_PROTOCOL_ERROR);
		lis_conn_actions_done(c);
	}
	KUNIT_EXPECT_STREQ(test, conn_malformed(195, 1), "short OFFER");
	KUNIT_EXPECT_STREQ(test, conn_malformed(4, 0),
			   "message shorter than its header");

	/* Unknown types, at every length. */
	for (i = 0; i < ARRAY_SIZE(unknown_types); i++) {
		for (len = 8; len <= LIS_HV_MSG_PAYLOAD; len += 8) {
			memset(b, 0, sizeof(b));
			put32(b, 0, unknown_types[i]);
			KUNIT_EXPECT_EQ(test, lis_conn_receive(c, b, len),
					-EOPNOTSUPP);
			KUNIT_ASSERT_EQ(test, c->nact, 1);
			KUNIT_EXPECT_EQ(test, c->act[0].type,
					LIS_ACT_PROTOCOL_ERROR);
			KUNIT_EXPECT_EQ(test, c->act[0].msgtype,
					unknown_types[i]);
			lis_conn_actions_done(c);
		}
	}

	/* Guest-to-host messages coming from the host. */
	for (i = 0; i < ARRAY_SIZE(chmsg_sizes); i++) {
		static const u32 g2h[] = { 3, 5, 7, 8, 9, 11, 13, 14, 16, 22 };
		unsigned int j;

		t = chmsg_sizes[i].type;
		for (j = 0; j < ARRAY_SIZE(g2h); j++)
			if (g2h[j] == t)
				break;
		if (j == ARRAY_SIZE(g2h))
			continue;
		memset(b, 0, sizeof(b));
		put32(b, 0, t);
		put32(b, 8, 1);
		KUNIT_EXPECT_EQ(test, lis_conn_receive(c, b, 240), -EPROTO);
		KUNIT_ASSERT_EQ(test, c->nact, 1);
		KUNIT_EXPECT_EQ(test, c->act[0].type, LIS_ACT_PROTOCOL_ERROR);
		KUNIT_EXPECT_EQ(test, c->act[0].msgtype, t);
		lis_conn_actions_done(c);
	}

	KUNIT_EXPECT_EQ(test, memcmp(snap, c, offsetof(struct lis_conn, nact)),
			0);
	KUNIT_EXPECT_FALSE(test, c->overflow);
}

/* ---- unload ---- */

static const struct conn_step s_unload_before_connect[] = {
	UNLOAD(0),
	A_UNLOADED(),
	STATE(LIS_CONN_UNLOADED),
	UNLOAD(-EALREADY),
	CONNECT(-EBUSY),
	END
};

static const struct conn_step s_unload_while_contacting[] = {
	CONNECT(0),
	P_CONTACT(V(6, 0), 2, 4),
	UNLOAD(0),
	A_UNLOADED(),
	H_VERSION(1, T_CONNID, -EPROTO),
	A_ERR(15),
	STATE(LIS_CONN_UNLOADED),
	END
};

static const struct conn_step s_unload_after_connect[] = {
	GPADL(2, 1, 2, 0),
	UNLOAD(0),
	P_UNLOAD(T_CONNID),
	STATE(LIS_CONN_UNLOADING),
	UNLOAD(-EALREADY),
	/* Crossing messages: offers dropped, answers still taken. */
	H_OFFER(8, 0),
	NOCHAN(8),
	H_ALL(0),
	H_CREATED(2, 2, 0, 0),
	A_CREATED(2, 2, 0, 0),
	OPEN(2, 2, 0, 1, 0, -ENOTCONN),
	GPADL(2, 1, 0, -ENOTCONN),
	TEARDOWN(1, -EBUSY),		/* wait for the response */
	CLOSE(1, 0),			/* nothing sent after UNLOAD */
	H_UNLOADRESP(0),
	A_UNLOADED(),
	STATE(LIS_CONN_UNLOADED),
	H_UNLOADRESP(-EPROTO),
	A_ERR(17),
	/* The host forgot every GPADL: freed without a message. */
	TEARDOWN(1, 0),
	A_TORN(1, 1),
	TEARDOWN(2, 0),
	A_TORN(2, 2),
	END
};

static void names_test(struct kunit *test)
{
	KUNIT_EXPECT_STREQ(test, lis_conn_state_name(LIS_CONN_IDLE), "idle");
	KUNIT_EXPECT_STREQ(test, lis_conn_state_name(LIS_CONN_READY),
			   "ready");
	KUNIT_EXPECT_STREQ(test, lis_conn_state_name(LIS_CONN_FAILED),
			   "failed");
	KUNIT_EXPECT_STREQ(test, lis_conn_state_name(7), "unknown");
	KUNIT_EXPECT_STREQ(test, lis_conn_state_name(0xffffffff), "unknown");
}

/* ---- failed posts ---- */

/*
 * A host before 5.0 (WS2016): its hypervisor has no connection id 4, so
 * every 5.x INITIATE_CONTACT fails to post (status 18, -ENXIO); the next
 * version goes out at once, and 4.1 goes to id 1, where the host answers.
 */
static const struct conn_step s_contact_no_id4[] = {
	CONNECT(0),
	P_CONTACT(V(6, 0), 2, 4), FAIL(-ENXIO),
	P_CONTACT(V(5, 3), 2, 4), FAIL(-ENXIO),
	P_CONTACT(V(5, 2), 2, 4), FAIL(-ENXIO),
	P_CONTACT(V(5, 1), 2, 4), FAIL(-ENXIO),
	P_CONTACT(V(5, 0), 2, 4), FAIL(-ENXIO),
	P_CONTACT(V(4, 1), 0, 1),
	STATE(LIS_CONN_CONTACTING),
	H_VERSION(0, 0, 0),
	P_CONTACT(V(4, 0), 0, 1),
	H_VERSION(1, T_CONNID, 0),
	A_CONNECTED(V(4, 0), 1),
	P_REQUEST(1),
	H_ALL(0),
	A_ALL(),
	STATE(LIS_CONN_READY),
	END
};

/* No id routes at all: every version fails to post, then the connect. */
static const struct conn_step s_contact_no_route[] = {
	CONNECT(0),
	P_CONTACT(V(6, 0), 2, 4), FAIL(-ENXIO),
	P_CONTACT(V(5, 3), 2, 4), FAIL(-ENXIO),
	P_CONTACT(V(5, 2), 2, 4), FAIL(-ENXIO),
	P_CONTACT(V(5, 1), 2, 4), FAIL(-ENXIO),
	P_CONTACT(V(5, 0), 2, 4), FAIL(-ENXIO),
	P_CONTACT(V(4, 1), 0, 1), FAIL(-ENXIO),
	P_CONTACT(V(4, 0), 0, 1), FAIL(-ENXIO),
	P_CONTACT(V(3, 0), 0, 1), FAIL(-ENXIO),
	P_CONTACT(V(2, 4), 0, 1), FAIL(-ENXIO),
	A_FAILED(-ENXIO, 0),
	STATE(LIS_CONN_FAILED),
	/* It can start over. */
	CONNECT(0),
	P_CONTACT(V(6, 0), 2, 4),
	END
};

/* Any other failure of INITIATE_CONTACT ends the connect at once. */
static const struct conn_step s_contact_post_fails[] = {
	CONNECT(0),
	P_CONTACT(V(6, 0), 2, 4), FAIL(-EIO),
	A_FAILED(-EIO, 0),
	STATE(LIS_CONN_FAILED),
	H_VERSION(1, T_CONNID, -EPROTO),	/* too late */
	A_ERR(15),
	END
};

/* REQUESTOFFERS lost: the connection fails, nobody waits for offers. */
static const struct conn_step s_request_post_fails[] = {
	CONNECT(0),
	P_CONTACT(V(6, 0), 2, 4),
	H_VERSION(0, 0, 0),
	P_CONTACT(V(5, 3), 2, 4),
	H_VERSION(1, T_CONNID, 0),
	A_CONNECTED(V(5, 3), T_CONNID),
	P_REQUEST(T_CONNID), FAIL(-ENOBUFS),
	A_FAILED(-ENOBUFS, 0),
	STATE(LIS_CONN_FAILED),
	END
};

/* From s_ready: each request whose message could not be posted ends. */
static const struct conn_step s_requests_post_fail[] = {
	/* A GPADL whose header never left: the handle is free again. */
	GPADL(1, 4, 1, 0),
	MSGFAIL(8, 1, 1, -EIO),
	A_CREATED(1, 1, -EIO, 0),
	NOGPADL(1),
	/* One whose body was lost: the host holds the header. */
	GPADL(1, 300, 2, 0),
	MSGFAIL(9, 1, 2, -ENOBUFS),
	A_CREATED(1, 2, -ENOBUFS, 0),
	GPSTATE(2, LIS_GPADL_CREATING),
	/* OPENCHANNEL lost: the open fails, the channel is closed again. */
	GPADL(1, 4, 3, 0),
	H_CREATED(1, 3, 0, 0),
	A_CREATED(1, 3, 0, 0),
	OPEN(1, 3, 0, 2, 0, 0),
	P_OPEN(T_CONNID, 1, 1, 3, 0, 2), FAIL(-EIO),
	A_OPENRES(1, -EIO, 0),
	CHAN(1, LIS_CHAN_OFFERED, 0),
	/* ... and opens again. */
	OPEN(1, 3, 0, 2, 0, 0),
	P_OPEN(T_CONNID, 1, 2, 3, 0, 2),
	H_OPENRES(1, 2, 0, 0),
	A_OPENRES(1, 0, 0),
	/* MODIFYCHANNEL lost. */
	MODIFY(1, 1, 0),
	P_MODIFY(T_CONNID, 1, 1), FAIL(-EIO),
	A_MODIFIED(1, -EIO, 0),
	/* CLOSECHANNEL lost: the glue is told, to keep the rings. */
	CLOSE(1, 0),
	P_CLOSE(T_CONNID, 1), FAIL(-EIO),
	A_POSTFAILED(1, -EIO),
	/* GPADL_TEARDOWN lost: the GPADL stays the host's. */
	TEARDOWN(3, 0),
	P_TEARDOWN(T_CONNID, 1, 3), FAIL(-EIO),
	A_(LIS_ACT_GPADL_TORNDOWN, 1, 3, -EIO, 0),
	GPSTATE(3, LIS_GPADL_CREATED),
	/* UNLOAD lost: nobody will answer; unloaded at once. */
	UNLOAD(0),
	P_UNLOAD(T_CONNID), FAIL(-EIO),
	A_(LIS_ACT_UNLOADED, 0, 0, -EIO, 0),
	STATE(LIS_CONN_UNLOADED),
	END
};

/* What an HvPostMessage status means, and the back-off. */
static void post_status_test(struct kunit *test)
{
	unsigned int i;
	u64 total = 0;

	KUNIT_EXPECT_EQ(test, lis_conn_post_errno(0, 14), 0);
	KUNIT_EXPECT_EQ(test, lis_conn_post_errno(18, 14), -ENXIO);
	KUNIT_EXPECT_EQ(test, lis_conn_post_errno(18, 5), -EAGAIN);
	KUNIT_EXPECT_EQ(test, lis_conn_post_errno(11, 14), -EAGAIN);
	KUNIT_EXPECT_EQ(test, lis_conn_post_errno(19, 8), -EAGAIN);
	KUNIT_EXPECT_EQ(test, lis_conn_post_errno(5, 5), -EIO);
	KUNIT_EXPECT_EQ(test, lis_conn_post_errno(6, 14), -EIO);

	KUNIT_EXPECT_EQ(test, lis_conn_post_delay_us(0), 1U);
	KUNIT_EXPECT_EQ(test, lis_conn_post_delay_us(1), 2U);
	KUNIT_EXPECT_EQ(test, lis_conn_post_delay_us(10), 1024U);
	for (i = 0; i + 1 < LIS_CONN_POST_TRIES; i++) {
		KUNIT_EXPECT_LE(test, lis_conn_post_delay_us(i),
				(u32)LIS_CONN_POST_MAX_DELAY_US);
		if (i)
			KUNIT_EXPECT_GE(test, lis_conn_post_delay_us(i),
					lis_conn_post_delay_us(i - 1));
		total += lis_conn_post_delay_us(i);
	}
	KUNIT_EXPECT_EQ(test, lis_conn_post_delay_us(1000),
			(u32)LIS_CONN_POST_MAX_DELAY_US);
	/* Bounded: all the retries end within 10 s. */
	KUNIT_EXPECT_LT(test, total, 10000000ULL);
	KUNIT_EXPECT_GT(test, total, 1000000ULL);
}

/* ---- the scripted-host cases ---- */

/*
 * Each starts from a fresh connection, runs its prelude and then its
 * script: PRE_READY is s_ready, PRE_OPEN1 is s_ready then s_open1.
 */
enum { PRE_NONE, PRE_READY, PRE_OPEN1 };

struct script_case {
	const char *name;
	int pre;
	const struct conn_step *steps;
};

#define SCRIPT(name, pre)	{ #name, pre, s_##name }

static const struct script_case script_cases[] = {
	SCRIPT(happy_path, PRE_OPEN1),
	SCRIPT(no_common_version, PRE_NONE),
	SCRIPT(retry_after_failure, PRE_NONE),
	SCRIPT(host_refuses_connection, PRE_NONE),
	SCRIPT(offers, PRE_NONE),
	SCRIPT(rescind_before_open, PRE_READY),
	SCRIPT(rescind_during_open, PRE_READY),
	SCRIPT(rescind_after_open, PRE_OPEN1),
	SCRIPT(late_and_duplicate, PRE_READY),
	SCRIPT(unload_before_connect, PRE_NONE),
	SCRIPT(unload_while_contacting, PRE_NONE),
	SCRIPT(unload_after_connect, PRE_OPEN1),
	SCRIPT(contact_no_id4, PRE_NONE),
	SCRIPT(contact_no_route, PRE_NONE),
	SCRIPT(contact_post_fails, PRE_NONE),
	SCRIPT(request_post_fails, PRE_NONE),
	SCRIPT(requests_post_fail, PRE_READY),
};

static void script_case_desc(const struct script_case *p, char *desc)
{
	strscpy(desc, p->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(script, script_cases, script_case_desc);

static void script_test(struct kunit *test)
{
	const struct script_case *p = test->param_value;

	if (p->pre >= PRE_READY)
		run_script(test, test->priv, s_ready);
	if (p->pre >= PRE_OPEN1)
		run_script(test, test->priv, s_open1);
	run_script(test, test->priv, p->steps);
}

static struct kunit_case lis_conn_cases[] = {
	KUNIT_CASE(chmsg_versions_test),
	KUNIT_CASE(chmsg_sizes_test),
	KUNIT_CASE(chmsg_check_test),
	KUNIT_CASE_PARAM(gpadl_encode_test, gpadl_enc_gen_params),
	KUNIT_CASE(gpadl_limits_test),
	KUNIT_CASE(gpadl_handles_test),
	KUNIT_CASE(connect_exact_bytes_test),
	KUNIT_CASE_PARAM(version_fallback_test, version_gen_params),
	KUNIT_CASE(max_version_test),
	KUNIT_CASE(offer_table_full_test),
	KUNIT_CASE(guest_errors_test),
	KUNIT_CASE(malformed_test),
	KUNIT_CASE(names_test),
	KUNIT_CASE(post_status_test),
	KUNIT_CASE_PARAM(script_test, script_gen_params),
	{}
};

static struct kunit_suite lis_conn_suite = {
	.name = "lis_conn",
	.init = conn_test_init,
	.test_cases = lis_conn_cases,
};
kunit_test_suite(lis_conn_suite);

MODULE_DESCRIPTION("KUnit tests for the lis VMBus connection state machine");
MODULE_LICENSE("GPL");

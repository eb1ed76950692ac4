// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "lis_hvbridge": lis_hvbridge's adapter (adapter.c) against a
 * fake of the in-kernel VMBus calls it makes.
 *
 * The fake keeps the ring indices, the descriptor in "shared memory", the
 * kernel's copy of the packet (which hv_pkt_iter_first() would have made,
 * lengths clamped), and records every call, so each case checks both what
 * the adapter returns and what it asked the kernel to do.  The test kernel
 * has no CONFIG_HYPERV: adapter.c needs no <linux/hyperv.h>.
 */
#include "pure.h"
#include "../../drivers/hvbridge/adapter.c"
#include "pure_end.h"

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>

#define RING	4096U	/* data bytes of each fake ring */
#define MAXPKT	RING	/* max_pkt_size, as lis_hvbridge sets it */
#define BOUNCE	(RING - 8)

struct fake {
	struct lis_hvb_indices ix;
	/* send: the results to return, in order; then 0 */
	int send_ret[4];
	unsigned int sends;
	u8 sent[RING];
	u32 sent_len;
	u64 sent_trans_id;
	/* room the host makes when it sees pending_send_sz */
	u32 room_on_pending;
	u32 pending;
	unsigned int pending_sets;
	/* the descriptor in shared memory, and the kernel's copy */
	struct lis_vmpacket_desc raw;
	u8 kcopy[MAXPKT];
	bool kcopy_none;
	unsigned int firsts, nexts, closes;
	bool masked;
	bool rescind;
};

static int f_send(void *chan, const void *buf, u32 len, u64 trans_id, u16 type,
		  u16 flags)
{
	struct fake *f = chan;
	int ret = f->sends < ARRAY_SIZE(f->send_ret) ? f->send_ret[f->sends] : 0;

	f->sends++;
	if (!ret) {
		memcpy(f->sent, buf, len);
		f->sent_len = len;
		f->sent_trans_id = trans_id;
	}
	return ret;
}

static void f_indices(void *chan, struct lis_hvb_indices *ix)
{
	*ix = ((struct fake *)chan)->ix;
}

static void f_raw_desc(void *chan, struct lis_vmpacket_desc *desc)
{
	*desc = ((struct fake *)chan)->raw;
}

static const struct lis_vmpacket_desc *f_iter_first(void *chan)
{
	struct fake *f = chan;

	f->firsts++;
	return f->kcopy_none ? NULL : (const struct lis_vmpacket_desc *)f->kcopy;
}

static void f_iter_next(void *chan, const struct lis_vmpacket_desc *desc)
{
	struct fake *f = chan;

	f->nexts++;
	f->ix.in_read = (f->ix.in_read + desc->len8 * 8 + 8) % f->ix.in_size;
}

static void f_iter_close(void *chan)
{
	((struct fake *)chan)->closes++;
}

static void f_set_pending_send(void *chan, u32 bytes)
{
	struct fake *f = chan;

	f->pending = bytes;
	f->pending_sets++;
	if (bytes && f->room_on_pending)
		f->ix.out_read = (f->ix.out_write + f->room_on_pending) %
				 f->ix.out_size;
}

static void f_set_in_masked(void *chan, bool masked)
{
	((struct fake *)chan)->masked = masked;
}

static bool f_rescinded(void *chan)
{
	return ((struct fake *)chan)->rescind;
}

static const struct lis_hvb_calls fake_calls = {
	.send = f_send,
	.indices = f_indices,
	.raw_desc = f_raw_desc,
	.iter_first = f_iter_first,
	.iter_next = f_iter_next,
	.iter_close = f_iter_close,
	.set_pending_send = f_set_pending_send,
	.set_in_masked = f_set_in_masked,
	.rescinded = f_rescinded,
};

struct ctx {
	struct fake f;
	struct lis_hvb_chan a;
	u8 bounce[BOUNCE];
};

static struct ctx *setup(struct kunit *test)
{
	struct ctx *c = kunit_kzalloc(test, sizeof(*c), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, c);
	c->f.ix.out_size = RING;
	c->f.ix.in_size = RING;
	lis_hvb_init(&c->a, &fake_calls, &c->f, c->bounce, sizeof(c->bounce),
		     MAXPKT);
	return c;
}

/*
 * The outbound ring full (the guest wrote up to just before the host's
 * cursor) and the kernel's first send refusing with -EAGAIN.
 */
static struct ctx *setup_full(struct kunit *test)
{
	struct ctx *c = setup(test);

	c->f.ix.out_write = 0;
	c->f.ix.out_read = 8;
	c->f.send_ret[0] = -EAGAIN;
	return c;
}

/* A packet of @len8 * 8 bytes (data at @off8 * 8) waiting, @extra more. */
static void put_packet(struct ctx *c, u16 len8, u16 off8, u32 extra)
{
	struct lis_vmpacket_desc *k = (struct lis_vmpacket_desc *)c->f.kcopy;
	u32 i;

	c->f.raw.type = LIS_VMPKT_DATA_INBAND;
	c->f.raw.len8 = len8;
	c->f.raw.offset8 = off8;
	c->f.raw.trans_id = 0x1234;
	c->f.ix.in_write = (c->f.ix.in_read + len8 * 8 + 8 + extra) % RING;
	*k = c->f.raw;
	for (i = sizeof(*k); i < sizeof(c->f.kcopy); i++)
		c->f.kcopy[i] = (u8)i;
}

static int send1(struct ctx *c, const void *buf, u32 len, bool *full)
{
	struct lis_kvec v = { .base = buf, .len = len };

	return lis_hvb_sendv(&c->a, &v, 1, 7, LIS_VMPKT_DATA_INBAND, 0, full);
}

/* vmbus_open()'s results, as lis_channel_open() gives them. */
static void open_result(struct kunit *test)
{
	static const int map[][2] = {
		{ 0, 0 }, { -EAGAIN, -EIO }, { -ENODEV, -ENODEV },
		{ -ENOMEM, -ENOMEM }, { -EINVAL, -EINVAL },
		{ -ETIMEDOUT, -ETIMEDOUT }, { -EBUSY, -EIO }, { -EPERM, -EIO },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(map); i++)
		KUNIT_EXPECT_EQ_MSG(test, lis_hvb_open_result(map[i][0]),
				    map[i][1], "vmbus_open() = %d", map[i][0]);
}

static void send_ok(struct kunit *test)
{
	struct ctx *c = setup(test);
	bool full = false;
	u8 msg[20] = "hello, host";

	KUNIT_EXPECT_EQ(test, send1(c, msg, sizeof(msg), &full), 0);
	KUNIT_EXPECT_FALSE(test, full);
	KUNIT_EXPECT_EQ(test, c->f.sends, 1U);
	KUNIT_EXPECT_EQ(test, c->f.sent_len, (u32)sizeof(msg));
	KUNIT_EXPECT_MEMEQ(test, c->f.sent, msg, sizeof(msg));
	KUNIT_EXPECT_EQ(test, c->f.sent_trans_id, 7ULL);
	KUNIT_EXPECT_EQ(test, c->f.pending_sets, 0U);
}

/* Several pieces reach vmbus_sendpacket() as one buffer, in order. */
static void send_gather(struct kunit *test)
{
	struct ctx *c = setup(test);
	struct lis_kvec v[3] = {
		{ .base = "abc", .len = 3 }, { .base = "", .len = 0 },
		{ .base = "defgh", .len = 5 },
	};
	bool full = false;

	KUNIT_EXPECT_EQ(test, lis_hvb_sendv(&c->a, v, 3, 1, 6, 0, &full), 0);
	KUNIT_EXPECT_EQ(test, c->f.sent_len, 8U);
	KUNIT_EXPECT_MEMEQ(test, c->f.sent, "abcdefgh", 8);
}

/* Full: pending_send_sz is the packet and its trailer; then cleared. */
static void send_full_pending(struct kunit *test)
{
	struct ctx *c = setup_full(test);
	bool full = false;
	u8 msg[20] = {};

	KUNIT_EXPECT_EQ(test, send1(c, msg, sizeof(msg), &full), -EAGAIN);
	KUNIT_EXPECT_TRUE(test, full);
	KUNIT_EXPECT_EQ(test, c->f.sends, 1U);
	KUNIT_EXPECT_EQ(test, c->f.pending, ALIGN(16U + 20, 8) + 8);

	/* The host read: the next send goes and clears the request. */
	c->f.ix.out_read = 0;
	full = false;
	KUNIT_EXPECT_EQ(test, send1(c, msg, sizeof(msg), &full), 0);
	KUNIT_EXPECT_FALSE(test, full);
	KUNIT_EXPECT_EQ(test, c->f.pending, 0U);
	KUNIT_EXPECT_EQ(test, c->f.pending_sets, 2U);
}

/* Room appeared before the host saw the request: one retry sends it. */
static void send_full_retry(struct kunit *test)
{
	struct ctx *c = setup_full(test);
	bool full = false;
	u8 msg[20] = {};

	c->f.room_on_pending = 1024;
	KUNIT_EXPECT_EQ(test, send1(c, msg, sizeof(msg), &full), 0);
	KUNIT_EXPECT_TRUE(test, full);
	KUNIT_EXPECT_EQ(test, c->f.sends, 2U);
	KUNIT_EXPECT_EQ(test, c->f.pending, 0U);
}

/* Still full after the request: one retry at most. */
static void send_full_twice(struct kunit *test)
{
	struct ctx *c = setup_full(test);
	bool full = false;
	u8 msg[20] = {};

	c->f.send_ret[1] = -EAGAIN;
	c->f.room_on_pending = 1024;
	KUNIT_EXPECT_EQ(test, send1(c, msg, sizeof(msg), &full), -EAGAIN);
	KUNIT_EXPECT_EQ(test, c->f.sends, 2U);
	KUNIT_EXPECT_NE(test, c->f.pending, 0U);
}

static void send_rescinded(struct kunit *test)
{
	struct ctx *c = setup(test);
	bool full = false;
	u8 msg[8] = {};

	KUNIT_EXPECT_FALSE(test, lis_hvb_is_rescinded(&c->a));
	c->f.send_ret[0] = -ENODEV;
	KUNIT_EXPECT_EQ(test, send1(c, msg, sizeof(msg), &full), -ENOTCONN);
	KUNIT_EXPECT_TRUE(test, lis_hvb_is_rescinded(&c->a));
	KUNIT_EXPECT_FALSE(test, c->a.broken);
}

static void rescind_flag(struct kunit *test)
{
	struct ctx *c = setup(test);

	c->f.rescind = true;
	KUNIT_EXPECT_TRUE(test, lis_hvb_is_rescinded(&c->a));
}

/* A failure the kernel does not explain is -EIO, but not "broken". */
static void send_other_error(struct kunit *test)
{
	struct ctx *c = setup(test);
	bool full = false;
	u8 msg[8] = {};

	c->f.send_ret[0] = -ENOMEM;
	KUNIT_EXPECT_EQ(test, send1(c, msg, sizeof(msg), &full), -EIO);
	KUNIT_EXPECT_FALSE(test, c->a.broken);
	KUNIT_EXPECT_EQ(test, send1(c, msg, sizeof(msg), &full), 0);
}

/* Packets that can never fit are refused before the kernel sees them. */
static void send_oversized(struct kunit *test)
{
	struct ctx *c = setup(test);
	u8 *big = kunit_kzalloc(test, RING, GFP_KERNEL);
	struct lis_kvec v[2];
	bool full = false;

	KUNIT_ASSERT_NOT_NULL(test, big);
	/* 16 + len + 8 must stay below the data size. */
	KUNIT_EXPECT_EQ(test, send1(c, big, RING - 24, &full), -EINVAL);
	KUNIT_EXPECT_EQ(test, send1(c, big, RING - 32, &full), 0);
	/* Gathered packets must fit the gather room. */
	c->a.bounce_len = 8;
	v[0].base = big;
	v[0].len = 3;
	v[1].base = big;
	v[1].len = 5;
	KUNIT_EXPECT_EQ(test, lis_hvb_sendv(&c->a, v, 2, 0, 6, 0, &full), 0);
	v[1].len = 6;
	KUNIT_EXPECT_EQ(test, lis_hvb_sendv(&c->a, v, 2, 0, 6, 0, &full),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, c->f.sends, 2U);
}

/* A bad index the host owns: broken, named, and nothing reaches the kernel. */
static void bad_indices(struct kunit *test)
{
	static const struct {
		u32 out_write, out_read, in_write;
		const char *field;
	} cases[] = {
		{ 0, 4, 0, "outbound read_index" },
		{ 0, RING, 0, "outbound read_index" },
		{ 12, 0, 0, "outbound write_index" },
		{ 0, 0, RING + 8, "inbound write_index" },
		{ 0, 0, 3, "inbound write_index" },
	};
	unsigned int i;
	bool full;
	u8 msg[8] = {};

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ctx *c = setup(test);
		struct lis_vmpacket_desc d;
		u32 len;

		c->f.ix.out_write = cases[i].out_write;
		c->f.ix.out_read = cases[i].out_read;
		c->f.ix.in_write = cases[i].in_write;
		KUNIT_EXPECT_EQ(test, send1(c, msg, sizeof(msg), &full), -EIO);
		KUNIT_EXPECT_TRUE(test, c->a.broken);
		KUNIT_EXPECT_STREQ(test, c->a.broken_field, cases[i].field);
		KUNIT_EXPECT_EQ(test, c->f.sends, 0U);
		KUNIT_EXPECT_EQ(test, lis_hvb_peek(&c->a, &d, &len), -EIO);
		KUNIT_EXPECT_EQ(test, c->f.firsts, 0U);
		KUNIT_EXPECT_EQ(test, lis_hvb_out_free(&c->a), 0U);
		KUNIT_EXPECT_EQ(test, lis_hvb_in_avail(&c->a), 0U);
	}
}

static void recv_normal(struct kunit *test)
{
	struct ctx *c = setup(test);
	struct lis_vmpacket_desc d;
	u8 buf[24];
	u32 len;

	put_packet(c, 5, 2, 0);
	KUNIT_ASSERT_EQ(test, lis_hvb_peek(&c->a, &d, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 40U);
	KUNIT_EXPECT_EQ(test, d.trans_id, 0x1234ULL);
	KUNIT_EXPECT_EQ(test, d.offset8, 2);
	/* Peeking again gives the same packet without a second copy. */
	KUNIT_ASSERT_EQ(test, lis_hvb_peek(&c->a, &d, &len), 0);
	KUNIT_EXPECT_EQ(test, c->f.firsts, 1U);
	KUNIT_ASSERT_EQ(test, lis_hvb_copy(&c->a, 16, buf, 24), 0);
	KUNIT_EXPECT_MEMEQ(test, buf, c->f.kcopy + 16, 24);
	KUNIT_EXPECT_EQ(test, lis_hvb_copy(&c->a, 16, buf, 25), -EINVAL);
	KUNIT_EXPECT_EQ(test, lis_hvb_copy(&c->a, 41, buf, 0), -EINVAL);
	lis_hvb_skip(&c->a);
	KUNIT_EXPECT_EQ(test, c->f.nexts, 1U);
	KUNIT_EXPECT_EQ(test, c->f.closes, 0U);
	lis_hvb_commit(&c->a);
	KUNIT_EXPECT_EQ(test, c->f.closes, 1U);
	KUNIT_EXPECT_EQ(test, lis_hvb_peek(&c->a, &d, &len), -EAGAIN);
	KUNIT_EXPECT_EQ(test, lis_hvb_copy(&c->a, 0, buf, 0), -EINVAL);
	KUNIT_EXPECT_FALSE(test, c->a.broken);
}

/* A packet with a descriptor and no data is a packet. */
static void recv_zero_length(struct kunit *test)
{
	struct ctx *c = setup(test);
	struct lis_vmpacket_desc d;
	u8 buf[8];
	u32 len;

	put_packet(c, 2, 2, 0);
	KUNIT_ASSERT_EQ(test, lis_hvb_peek(&c->a, &d, &len), 0);
	KUNIT_EXPECT_EQ(test, len, 16U);
	KUNIT_EXPECT_EQ(test, lis_hvb_copy(&c->a, 16, buf, 0), 0);
	KUNIT_EXPECT_EQ(test, lis_hvb_copy(&c->a, 16, buf, 1), -EINVAL);
	lis_hvb_skip(&c->a);
	KUNIT_EXPECT_EQ(test, c->f.ix.in_read, 24U);
}

static void recv_empty(struct kunit *test)
{
	struct ctx *c = setup(test);
	struct lis_vmpacket_desc d;
	u32 len;

	KUNIT_EXPECT_EQ(test, lis_hvb_peek(&c->a, &d, &len), -EAGAIN);
	KUNIT_EXPECT_EQ(test, c->f.firsts, 0U);
	KUNIT_EXPECT_FALSE(test, c->a.broken);
}

/*
 * Descriptors the kernel would clamp without a word: each marks the
 * channel broken, naming the field, before the kernel copies anything.
 */
static void recv_bad_desc(struct kunit *test)
{
	static const struct {
		u16 len8, off8;
		u32 extra;
		const char *field;
	} cases[] = {
		{ 1, 1, 8, "desc.len8" },	/* shorter than a descriptor */
		{ 0, 0, 16, "desc.len8" },
		{ 4, 1, 0, "desc.offset8" },	/* data inside the descriptor */
		{ 4, 5, 0, "desc.offset8" },	/* data beyond the packet */
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct ctx *c = setup(test);
		struct lis_vmpacket_desc d;
		u32 len;

		put_packet(c, cases[i].len8, cases[i].off8, cases[i].extra);
		KUNIT_EXPECT_EQ(test, lis_hvb_peek(&c->a, &d, &len), -EIO);
		KUNIT_EXPECT_STREQ(test, c->a.broken_field, cases[i].field);
		KUNIT_EXPECT_EQ(test, c->f.firsts, 0U);
	}
}

/* Longer than what the host wrote, or than max_pkt_size. */
static void recv_long(struct kunit *test)
{
	struct ctx *c = setup(test);
	struct lis_vmpacket_desc d;
	u32 len;

	put_packet(c, 5, 2, 0);
	c->f.raw.len8 = 6;	/* 48 bytes claimed, 40 + trailer there */
	KUNIT_EXPECT_EQ(test, lis_hvb_peek(&c->a, &d, &len), -EIO);
	KUNIT_EXPECT_STREQ(test, c->a.broken_field, "desc.len8");

	c = setup(test);
	c->a.max_pkt = 32;
	put_packet(c, 5, 2, 0);
	KUNIT_EXPECT_EQ(test, lis_hvb_peek(&c->a, &d, &len), -EIO);
	KUNIT_EXPECT_STREQ(test, c->a.broken_field,
			   "desc.len8 (beyond max_pkt_size)");
	KUNIT_EXPECT_EQ(test, c->f.firsts, 0U);
}

/* Less than a descriptor and trailer available: a bad write_index. */
static void recv_partial(struct kunit *test)
{
	struct ctx *c = setup(test);
	struct lis_vmpacket_desc d;
	u32 len;

	c->f.ix.in_write = 16;
	KUNIT_EXPECT_EQ(test, lis_hvb_peek(&c->a, &d, &len), -EIO);
	KUNIT_EXPECT_STREQ(test, c->a.broken_field, "inbound write_index");
}

/* The host changed the descriptor between our read and the kernel's. */
static void recv_changed(struct kunit *test)
{
	struct ctx *c = setup(test);
	struct lis_vmpacket_desc d;
	u32 len;

	put_packet(c, 5, 2, 0);
	((struct lis_vmpacket_desc *)c->f.kcopy)->len8 = 3;
	KUNIT_EXPECT_EQ(test, lis_hvb_peek(&c->a, &d, &len), -EIO);
	KUNIT_EXPECT_STREQ(test, c->a.broken_field, "desc (changed while read)");
	/* Broken for good: nothing more is asked of the kernel. */
	lis_hvb_skip(&c->a);
	lis_hvb_commit(&c->a);
	KUNIT_EXPECT_EQ(test, c->f.nexts, 0U);
	KUNIT_EXPECT_EQ(test, c->f.closes, 0U);

	c = setup(test);
	put_packet(c, 5, 2, 0);
	c->f.kcopy_none = true;
	KUNIT_EXPECT_EQ(test, lis_hvb_peek(&c->a, &d, &len), -EIO);
}

static void batch(struct kunit *test)
{
	struct ctx *c = setup(test);

	lis_hvb_batch_begin(&c->a);
	KUNIT_EXPECT_TRUE(test, c->f.masked);
	KUNIT_EXPECT_FALSE(test, lis_hvb_batch_end(&c->a));
	KUNIT_EXPECT_FALSE(test, c->f.masked);

	lis_hvb_batch_begin(&c->a);
	put_packet(c, 5, 2, 0);
	KUNIT_EXPECT_TRUE(test, lis_hvb_batch_end(&c->a));
	KUNIT_EXPECT_FALSE(test, c->f.masked);
	KUNIT_EXPECT_EQ(test, lis_hvb_in_avail(&c->a), 48U);
}

static void levels(struct kunit *test)
{
	struct ctx *c = setup(test);

	KUNIT_EXPECT_EQ(test, lis_hvb_out_free(&c->a), RING);
	c->f.ix.out_write = 64;
	KUNIT_EXPECT_EQ(test, lis_hvb_out_free(&c->a), RING - 64);
	c->f.ix.out_read = 128;
	KUNIT_EXPECT_EQ(test, lis_hvb_out_free(&c->a), 64U);
	c->f.ix.in_read = RING - 8;
	c->f.ix.in_write = 16;
	KUNIT_EXPECT_EQ(test, lis_hvb_in_avail(&c->a), 24U);
}

static struct kunit_case lis_hvbridge_cases[] = {
	KUNIT_CASE(open_result),
	KUNIT_CASE(send_ok),
	KUNIT_CASE(send_gather),
	KUNIT_CASE(send_full_pending),
	KUNIT_CASE(send_full_retry),
	KUNIT_CASE(send_full_twice),
	KUNIT_CASE(send_rescinded),
	KUNIT_CASE(rescind_flag),
	KUNIT_CASE(send_other_error),
	KUNIT_CASE(send_oversized),
	KUNIT_CASE(bad_indices),
	KUNIT_CASE(recv_normal),
	KUNIT_CASE(recv_zero_length),
	KUNIT_CASE(recv_empty),
	KUNIT_CASE(recv_bad_desc),
	KUNIT_CASE(recv_long),
	KUNIT_CASE(recv_partial),
	KUNIT_CASE(recv_changed),
	KUNIT_CASE(batch),
	KUNIT_CASE(levels),
	{}
};

static struct kunit_suite lis_hvbridge_suite = {
	.name = "lis_hvbridge",
	.test_cases = lis_hvbridge_cases,
};
kunit_test_suite(lis_hvbridge_suite);

MODULE_DESCRIPTION("KUnit tests for lis_hvbridge's adapter");
MODULE_LICENSE("GPL");

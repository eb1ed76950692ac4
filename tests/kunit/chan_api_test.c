// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "lis_chan_api": lis_vmbus's common channel wrappers over a
 * backend that has no in-place receive of its own (as lis_hvbridge's),
 * reached the way such a backend is: a device added with
 * lis_foreign_device_add().
 *
 * The fake backend's inbound ring is a lis_ring in memory, written by the
 * test through a second view (the "host"), read through the backend's
 * recv_peek/recv_copy/recv_skip/recv_commit.  lis_channel_recv_begin(),
 * _next() and _end() must then iterate every packet through the caller's
 * bounce buffer, refuse one that does not fit, leave unconsumed packets
 * in place, and count what they consumed.  Needs lis_vmbus loaded (it
 * registers the bus); no host and no provider.
 */
#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "../../drivers/vmbus/core.h"

#define RING_BYTES	(2 * LIS_HV_PAGE_SIZE)

struct fake {
	u8 *mem;
	struct lis_ring host;	/* writes the inbound ring */
	struct lis_ring in;	/* the backend reads it */
	unsigned int commits;
};

static struct fake *fake_of(struct lis_channel *ch)
{
	return lis_channel_backend(ch);
}

static int fake_open(struct lis_channel *ch, u32 out, u32 in,
		     const void *user_data, u32 user_len)
{
	return 0;
}

static void fake_close(struct lis_channel *ch)
{
}

static int fake_sendv(struct lis_channel *ch, const struct lis_kvec *vec,
		      unsigned int nvec, u64 trans_id, u16 type, u16 flags,
		      struct lis_chan_events *ev)
{
	return -EIO;
}

static int fake_recv_peek(struct lis_channel *ch,
			  struct lis_vmpacket_desc *desc, u32 *pkt_len)
{
	struct fake *f = fake_of(ch);
	int ret = lis_ring_peek(&f->in, desc);

	*pkt_len = ret ? 0 : f->in.pkt_len;
	return ret;
}

static int fake_recv_copy(struct lis_channel *ch, u32 offset, void *buf,
			  u32 len)
{
	return lis_ring_copy_packet(&fake_of(ch)->in, offset, buf, len);
}

static void fake_recv_skip(struct lis_channel *ch)
{
	lis_ring_skip(&fake_of(ch)->in);
}

static void fake_recv_commit(struct lis_channel *ch,
			     struct lis_chan_events *ev)
{
	struct fake *f = fake_of(ch);
	bool signal = false;

	f->commits++;
	lis_ring_commit_read(&f->in, &signal);
	ev->signalled = signal;
}

static void fake_batch_begin(struct lis_channel *ch)
{
}

static bool fake_batch_end(struct lis_channel *ch)
{
	return false;
}

static u32 fake_out_free(struct lis_channel *ch)
{
	return 0;
}

static u32 fake_in_avail(struct lis_channel *ch)
{
	return lis_ring_bytes_to_read(&fake_of(ch)->in);
}

static bool fake_no(struct lis_channel *ch)
{
	return false;
}

static u32 fake_u32(struct lis_channel *ch)
{
	return 0;
}

static unsigned int fake_cpu(struct lis_channel *ch)
{
	return 0;
}

static const struct lis_channel_ops fake_ops = {
	.name = "kunit-fake",
	.open = fake_open,
	.close = fake_close,
	.sendv = fake_sendv,
	.recv_peek = fake_recv_peek,
	.recv_copy = fake_recv_copy,
	.recv_skip = fake_recv_skip,
	.recv_commit = fake_recv_commit,
	.batch_begin = fake_batch_begin,
	.batch_end = fake_batch_end,
	.out_free = fake_out_free,
	.in_avail = fake_in_avail,
	.is_broken = fake_no,
	.is_rescinded = fake_no,
	.version = fake_u32,
	.relid = fake_u32,
	.target_cpu = fake_cpu,
};

struct chan_env {
	struct fake f;
	struct lis_device *dev;
	struct lis_channel *ch;
};

static void chan_env_exit(void *data)
{
	struct chan_env *e = data;

	lis_foreign_device_remove(e->dev);
}

static struct chan_env *chan_env_new(struct kunit *test)
{
	static const guid_t class = GUID_INIT(0x6c1a3e55, 0x2f1b, 0x4f5e, 0x9a,
					      0x1d, 0x4b, 0x7e, 0x0c, 0x55,
					      0x3a, 0x01);
	struct chan_env *e = kunit_kzalloc(test, sizeof(*e), GFP_KERNEL);
	guid_t inst;

	KUNIT_ASSERT_NOT_NULL(test, e);
	e->f.mem = kunit_kzalloc(test, RING_BYTES, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, e->f.mem);
	KUNIT_ASSERT_EQ(test, lis_ring_init(&e->f.host, e->f.mem, RING_BYTES),
			0);
	KUNIT_ASSERT_EQ(test, lis_ring_init(&e->f.in, e->f.mem, RING_BYTES), 0);
	lis_ring_reset_shared(&e->f.host);
	guid_gen(&inst);
	e->dev = lis_foreign_device_add(NULL, &class, &inst, &fake_ops, &e->f);
	KUNIT_ASSERT_FALSE(test, IS_ERR(e->dev));
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, chan_env_exit, e),
			0);
	e->ch = e->dev->channel;
	return e;
}

/* The reader gave back everything the host wrote (shared indices). */
static bool host_drained(struct chan_env *e)
{
	const struct lis_ring_hdr *h = (const struct lis_ring_hdr *)e->f.mem;

	return READ_ONCE(h->read_index) == READ_ONCE(h->write_index);
}

/* The host writes an in-band packet of @len bytes of pattern @seed. */
static void host_put(struct kunit *test, struct chan_env *e, u32 len, u8 seed)
{
	u8 *buf = kunit_kmalloc(test, len, GFP_KERNEL);
	bool signal;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, buf);
	for (i = 0; i < len; i++)
		buf[i] = seed + i;
	KUNIT_ASSERT_EQ(test, lis_ring_write_inband(&e->f.host,
						    LIS_VMPKT_DATA_INBAND, 0,
						    seed, buf, len, &signal),
			0);
	kunit_kfree(test, buf);
}

/* @pkt is the packet host_put(@len, @seed) wrote, in the bounce buffer. */
static void expect_pkt(struct kunit *test, const struct lis_ring_pkt *pkt,
		       const u8 *bounce, u32 len, u8 seed)
{
	u32 i, bad = 0;

	KUNIT_EXPECT_TRUE(test, pkt->bounced);
	KUNIT_EXPECT_PTR_EQ(test, pkt->raw, bounce);
	KUNIT_EXPECT_EQ(test, pkt->desc.trans_id, (u64)seed);
	KUNIT_EXPECT_EQ(test, pkt->raw_len, ALIGN(16 + len, 8));
	KUNIT_EXPECT_PTR_EQ(test, pkt->data, bounce + 16);
	KUNIT_EXPECT_EQ(test, pkt->len, ALIGN(16 + len, 8) - 16);
	for (i = 0; i < len; i++)
		bad += pkt->data[i] != (u8)(seed + i);
	KUNIT_EXPECT_EQ(test, bad, 0);
}

static void chan_api_iterates_all_test(struct kunit *test)
{
	static const u32 lens[] = { 8, 100, 500, 1 };
	struct chan_env *e = chan_env_new(test);
	u8 *bounce = kunit_kzalloc(test, 1024, GFP_KERNEL);
	struct lis_ring_pkt pkt;
	u64 bytes = 0;
	unsigned int i;
	int ret;

	KUNIT_ASSERT_NOT_NULL(test, bounce);
	for (i = 0; i < ARRAY_SIZE(lens); i++) {
		host_put(test, e, lens[i], i + 1);
		bytes += ALIGN(16 + lens[i], 8);
	}
	i = 0;
	for (ret = lis_channel_recv_begin(e->ch, bounce, 1024, &pkt); !ret;
	     ret = lis_channel_recv_next(e->ch, &pkt)) {
		KUNIT_ASSERT_LT(test, i, ARRAY_SIZE(lens));
		expect_pkt(test, &pkt, bounce, lens[i], i + 1);
		i++;
	}
	lis_channel_recv_end(e->ch);
	KUNIT_EXPECT_EQ(test, ret, -EAGAIN);
	KUNIT_EXPECT_EQ(test, i, ARRAY_SIZE(lens));
	/* Room given back once, for the whole batch. */
	KUNIT_EXPECT_EQ(test, e->f.commits, 1);
	KUNIT_EXPECT_TRUE(test, host_drained(e));
	KUNIT_EXPECT_EQ(test, atomic64_read(&e->ch->stats.in_packets), ARRAY_SIZE(lens));
	KUNIT_EXPECT_EQ(test, atomic64_read(&e->ch->stats.in_bytes), bytes);
}

static void chan_api_bounce_too_small_test(struct kunit *test)
{
	struct chan_env *e = chan_env_new(test);
	u8 *bounce = kunit_kzalloc(test, 64, GFP_KERNEL);
	struct lis_ring_pkt pkt;

	KUNIT_ASSERT_NOT_NULL(test, bounce);
	host_put(test, e, 500, 7);
	host_put(test, e, 8, 8);
	KUNIT_EXPECT_EQ(test, lis_channel_recv_begin(e->ch, bounce, 64, &pkt),
			-ENOBUFS);
	KUNIT_EXPECT_EQ(test, pkt.raw_len, ALIGN(16 + 500, 8));
	KUNIT_EXPECT_NULL(test, pkt.data);
	/* next drops the packet that did not fit and shows the one after. */
	KUNIT_EXPECT_EQ(test, lis_channel_recv_next(e->ch, &pkt), 0);
	expect_pkt(test, &pkt, bounce, 8, 8);
	KUNIT_EXPECT_EQ(test, lis_channel_recv_next(e->ch, &pkt), -EAGAIN);
	lis_channel_recv_end(e->ch);
	KUNIT_EXPECT_TRUE(test, host_drained(e));
	KUNIT_EXPECT_EQ(test, atomic64_read(&e->ch->stats.in_packets), 2);
}

static void chan_api_end_without_next_test(struct kunit *test)
{
	struct chan_env *e = chan_env_new(test);
	u8 *bounce = kunit_kzalloc(test, 256, GFP_KERNEL);
	struct lis_ring_pkt pkt;

	KUNIT_ASSERT_NOT_NULL(test, bounce);
	host_put(test, e, 40, 3);
	KUNIT_ASSERT_EQ(test, lis_channel_recv_begin(e->ch, bounce, 256, &pkt),
			0);
	lis_channel_recv_end(e->ch);
	/* Not consumed: it is still there, and nothing was counted. */
	KUNIT_EXPECT_EQ(test, atomic64_read(&e->ch->stats.in_packets), 0);
	memset(bounce, 0, 256);
	KUNIT_ASSERT_EQ(test, lis_channel_recv_begin(e->ch, bounce, 256, &pkt),
			0);
	expect_pkt(test, &pkt, bounce, 40, 3);
	KUNIT_EXPECT_EQ(test, lis_channel_recv_next(e->ch, &pkt), -EAGAIN);
	lis_channel_recv_end(e->ch);
	KUNIT_EXPECT_EQ(test, atomic64_read(&e->ch->stats.in_packets), 1);
	KUNIT_EXPECT_TRUE(test, host_drained(e));
}

static void chan_api_empty_test(struct kunit *test)
{
	struct chan_env *e = chan_env_new(test);
	u8 bounce[64];
	struct lis_ring_pkt pkt;

	KUNIT_EXPECT_EQ(test, lis_channel_recv_begin(e->ch, bounce,
						     sizeof(bounce), &pkt),
			-EAGAIN);
	/* No bounce buffer at all: every packet is refused, none lost. */
	host_put(test, e, 8, 1);
	KUNIT_EXPECT_EQ(test, lis_channel_recv_begin(e->ch, NULL, 0, &pkt),
			-ENOBUFS);
	lis_channel_recv_end(e->ch);
	KUNIT_EXPECT_EQ(test, lis_channel_recv_begin(e->ch, bounce,
						     sizeof(bounce), &pkt), 0);
	expect_pkt(test, &pkt, bounce, 8, 1);
	lis_channel_recv_end(e->ch);
}

static struct kunit_case lis_chan_api_cases[] = {
	KUNIT_CASE(chan_api_iterates_all_test),
	KUNIT_CASE(chan_api_bounce_too_small_test),
	KUNIT_CASE(chan_api_end_without_next_test),
	KUNIT_CASE(chan_api_empty_test),
	{}
};

static struct kunit_suite lis_chan_api_suite = {
	.name = "lis_chan_api",
	.test_cases = lis_chan_api_cases,
};

kunit_test_suite(lis_chan_api_suite);

MODULE_DESCRIPTION("KUnit tests for lis_vmbus's channel wrappers over a foreign backend");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(LIS);

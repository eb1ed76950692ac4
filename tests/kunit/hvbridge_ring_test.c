// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "lis_hvbridge_ring": lis_hvbridge's channel backend on the
 * in-kernel VMBus's own ring code, with lis_balloon and lis_vss bound to
 * it unchanged, and a host that answers them.
 *
 * The test kernel has CONFIG_HYPERV=y.  hv_vmbus finds no Hyper-V at boot
 * and registers no bus, but its ring code (vmbus_sendpacket(),
 * hv_pkt_iter_first(), __hv_pkt_iter_next(), hv_pkt_iter_close(),
 * hv_begin_read()/hv_end_read()) is plain code on a struct vmbus_channel.
 * This suite builds the channel by hand, and lis_hvbridge's chan.c is
 * compiled in with only vmbus_open() and vmbus_close() replaced: they
 * post messages to the host, so hvb_fake_open() does what vmbus_open()
 * does on the guest's side (the default max_pkt_size, each ring mapped
 * twice in a row, the inbound copy buffer of max_pkt_size, the callback)
 * and no more.  Everything else chan.c calls is the kernel's.
 *
 * The host is played with lis's own ring code (lis_vmbus's lis_ring) and
 * lis_sim's Dynamic Memory message code.  It signals the guest as a host
 * does (only when the guest's interrupt mask is clear and the ring was
 * empty), through a tasklet as hv_vmbus runs HV_CALL_DIRECT callbacks.
 * No hypercall is ever issued: the host keeps the guest's outbound
 * interrupt_mask set (it polls) and never sets pending_send_sz in the
 * guest's inbound ring, the two things that make the kernel signal a
 * host.  Needs lis_vmbus, lis_balloon (report_delay=1: status reports
 * from a second after the capabilities; accounting=total: MemTotal
 * shrinks by the balloon) and lis_vss loaded.
 */
#include <kunit/test.h>
#include <linux/delay.h>
#include <linux/hyperv.h>
#include <linux/interrupt.h>
#include <linux/iopoll.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <lis/ic.h>
#include <lis/vss.h>

static int hvb_fake_open(struct vmbus_channel *c, u32 send_bytes,
			 u32 recv_bytes, void *userdata, u32 userdatalen,
			 void (*cb)(void *ctx), void *ctx);
static void hvb_fake_close(struct vmbus_channel *c);

#include "pure.h"
#include "../../drivers/hvbridge/adapter.c"
#include "../../drivers/sim/dm_msg.c"
#include "pure_end.h"

#define vmbus_open hvb_fake_open
#define vmbus_close hvb_fake_close
#include "../../drivers/hvbridge/chan.c"
#undef vmbus_open
#undef vmbus_close

#define WAIT_MS		10000	/* for any one answer from the guest */
#define POLL_US		4000	/* the host looks at the rings this often */
#define RELID		14
#define BALLOON_PAGES	512	/* 2 MiB */
#define MAX_RANGES	BALLOON_PAGES

struct hvb_ring_mem {
	struct page *pages;
	unsigned int order;
};

/**
 * struct hvb_host - the hand-built channel and the host on its far side
 * @chan: the in-kernel channel, as hv_vmbus would have built from an offer
 * @hdev: the in-kernel device lis_hvbridge bridges
 * @out_mem: pages of the guest's outbound ring
 * @in_mem: pages of the guest's inbound ring
 * @rx: the host's reader view of the guest's outbound ring
 * @tx: the host's writer view of the guest's inbound ring
 * @event: runs the channel callback in softirq context, as hv_vmbus does
 * @open: hvb_fake_open() succeeded and hvb_fake_close() has not run
 *	(set by the guest's probe, read by the host's thread)
 * @opens: hvb_fake_open() calls that succeeded
 * @signals: times the host signalled the guest
 * @d: the bridge (lis_hvb_dev_add())
 * @ic_fw: IC framework version in use
 * @ic_srv: IC service version in use
 * @next_id: the host's next transaction id
 * @msg: the data of the last packet received
 * @msg_len: its length
 * @msg_trans_id: its transaction id
 */
struct hvb_host {
	struct vmbus_channel chan;
	struct hv_device hdev;
	struct hvb_ring_mem out_mem, in_mem;
	struct lis_ring rx, tx;
	struct tasklet_struct event;
	bool open;
	unsigned int opens;
	unsigned int signals;
	struct lis_hvb_dev *d;
	struct lis_ic_version ic_fw, ic_srv;
	u64 next_id;
	u8 msg[16 * 1024];
	u32 msg_len;
	u64 msg_trans_id;
};

/* ---- the guest's side of vmbus_open()/vmbus_close() ---- */

static void hvb_ring_unmap(struct hv_ring_buffer_info *rbi,
			   struct hvb_ring_mem *m)
{
	kfree(rbi->pkt_buffer);
	rbi->pkt_buffer = NULL;
	rbi->pkt_buffer_size = 0;
	if (rbi->ring_buffer)
		vunmap(rbi->ring_buffer);
	rbi->ring_buffer = NULL;
	if (m->pages)
		__free_pages(m->pages, m->order);
	m->pages = NULL;
}

/* As hv_ringbuffer_init(): header page, then the data pages twice. */
static int hvb_ring_map(struct hv_ring_buffer_info *rbi,
			struct hvb_ring_mem *m, u32 bytes, u32 max_pkt)
{
	u32 n = bytes >> PAGE_SHIFT, i;
	struct page **wrap;

	m->order = get_order(bytes);
	m->pages = alloc_pages(GFP_KERNEL | __GFP_ZERO, m->order);
	if (!m->pages)
		return -ENOMEM;
	wrap = kcalloc(2 * n - 1, sizeof(*wrap), GFP_KERNEL);
	if (!wrap)
		goto fail;
	wrap[0] = m->pages;
	for (i = 0; i < 2 * (n - 1); i++)
		wrap[i + 1] = m->pages + 1 + i % (n - 1);
	rbi->ring_buffer = vmap(wrap, 2 * n - 1, VM_MAP, PAGE_KERNEL);
	kfree(wrap);
	if (!rbi->ring_buffer)
		goto fail;
	if (max_pkt) {
		rbi->pkt_buffer = kzalloc(max_pkt, GFP_KERNEL);
		if (!rbi->pkt_buffer)
			goto fail;
		rbi->pkt_buffer_size = max_pkt;
	}
	rbi->ring_buffer->feature_bits.value = 1;
	rbi->ring_size = bytes;
	rbi->ring_datasize = bytes - PAGE_SIZE;
	rbi->priv_read_index = 0;
	spin_lock_init(&rbi->ring_lock);
	return 0;

fail:
	hvb_ring_unmap(rbi, m);
	return -ENOMEM;
}

static void hvb_event(struct tasklet_struct *t)
{
	struct hvb_host *h = from_tasklet(h, t, event);
	void (*cb)(void *ctx) = READ_ONCE(h->chan.onchannel_callback);

	if (cb)
		cb(h->chan.channel_callback_context);
}

static int hvb_fake_open(struct vmbus_channel *c, u32 send_bytes,
			 u32 recv_bytes, void *userdata, u32 userdatalen,
			 void (*cb)(void *ctx), void *ctx)
{
	struct hvb_host *h = container_of(c, struct hvb_host, chan);
	int ret;

	if (userdatalen > MAX_USER_DEFINED_BYTES || h->open ||
	    !PAGE_ALIGNED(send_bytes) || !PAGE_ALIGNED(recv_bytes) ||
	    send_bytes < 2 * PAGE_SIZE || recv_bytes < 2 * PAGE_SIZE)
		return -EINVAL;
	if (!c->max_pkt_size)
		c->max_pkt_size = VMBUS_DEFAULT_MAX_PKT_SIZE;
	ret = hvb_ring_map(&c->outbound, &h->out_mem, send_bytes, 0);
	if (ret)
		return ret;
	ret = hvb_ring_map(&c->inbound, &h->in_mem, recv_bytes,
			   c->max_pkt_size);
	if (ret)
		goto unmap_out;
	/* The host's views: it reads what the guest sends, and vice versa. */
	if (lis_ring_init(&h->rx, c->outbound.ring_buffer, send_bytes) ||
	    lis_ring_init(&h->tx, c->inbound.ring_buffer, recv_bytes)) {
		ret = -EINVAL;
		goto unmap_in;
	}
	/* The host polls the outbound ring: the guest must never signal. */
	c->outbound.ring_buffer->interrupt_mask = 1;
	c->channel_callback_context = ctx;
	WRITE_ONCE(c->onchannel_callback, cb);
	h->opens++;
	/* The host (the test's thread) polls from here on. */
	smp_store_release(&h->open, true);
	return 0;

unmap_in:
	hvb_ring_unmap(&c->inbound, &h->in_mem);
unmap_out:
	hvb_ring_unmap(&c->outbound, &h->out_mem);
	return ret;
}

static void hvb_fake_close(struct vmbus_channel *c)
{
	struct hvb_host *h = container_of(c, struct hvb_host, chan);

	if (!h->open)
		return;
	/* As vmbus_reset_channel_cb(): no callback runs after this. */
	WRITE_ONCE(c->onchannel_callback, NULL);
	tasklet_kill(&h->event);
	h->open = false;
	hvb_ring_unmap(&c->inbound, &h->in_mem);
	hvb_ring_unmap(&c->outbound, &h->out_mem);
}

/* ---- the host ---- */

static bool hvb_is_open(struct hvb_host *h)
{
	/* Pairs with hvb_fake_open()'s release: the host's views are set. */
	return smp_load_acquire(&h->open);
}

static void hvb_host_signal(struct hvb_host *h)
{
	h->signals++;
	tasklet_schedule(&h->event);
}

/* Read the guest's next packet into h->msg; -EAGAIN if there is none. */
static int hvb_host_recv(struct hvb_host *h)
{
	struct lis_vmpacket_desc desc;
	bool signal = false;
	u32 off, len;
	int ret;

	if (!hvb_is_open(h))
		return -EAGAIN;
	ret = lis_ring_peek(&h->rx, &desc);
	if (ret)
		return ret;
	off = (u32)desc.offset8 * 8;
	len = h->rx.pkt_len - off;
	if (desc.type != LIS_VMPKT_DATA_INBAND || len > sizeof(h->msg))
		ret = -EPROTO;
	else
		ret = lis_ring_copy_packet(&h->rx, off, h->msg, len);
	h->msg_len = len;
	h->msg_trans_id = desc.trans_id;
	lis_ring_skip(&h->rx);
	/* The guest may have asked for room (pending_send_sz). */
	lis_ring_commit_read(&h->rx, &signal);
	if (signal)
		hvb_host_signal(h);
	return ret;
}

/* The guest's next packet into h->msg, waiting up to WAIT_MS. */
static int hvb_host_wait(struct hvb_host *h)
{
	int ret, err;

	err = read_poll_timeout(hvb_host_recv, ret, ret != -EAGAIN, POLL_US,
				WAIT_MS * USEC_PER_MSEC, false, h);
	return err ?: ret;
}

/* A message came from the guest, and not a DM status report. */
static bool hvb_host_got_other(struct hvb_host *h)
{
	return hvb_host_recv(h) != -EAGAIN &&
	       ((struct lis_dm_hdr *)h->msg)->type != LIS_DM_STATUS_REPORT;
}

/* Nothing from the guest for @ms (DM status reports aside). */
static bool hvb_host_quiet(struct hvb_host *h, unsigned int ms)
{
	bool got;

	return read_poll_timeout(hvb_host_got_other, got, got, POLL_US,
				 ms * USEC_PER_MSEC, false, h) == -ETIMEDOUT;
}

/* The guest opened the channel (lis_hvbridge's probe runs on its own). */
static bool hvb_host_wait_open(struct hvb_host *h)
{
	bool is_open;

	return !read_poll_timeout(hvb_is_open, is_open, is_open, POLL_US,
				  WAIT_MS * USEC_PER_MSEC, false, h);
}

static int hvb_host_send(struct hvb_host *h, const void *buf, u32 len,
			 u64 trans_id)
{
	bool signal = false;
	int ret;

	ret = lis_ring_write_inband(&h->tx, LIS_VMPKT_DATA_INBAND, 0, trans_id,
				    buf, len, &signal);
	if (!ret && signal)
		hvb_host_signal(h);
	return ret;
}

static bool hvb_is_broken(struct hvb_host *h)
{
	return READ_ONCE(h->d->adapter.broken);
}

static bool hvb_broken_within(struct hvb_host *h, unsigned int ms)
{
	bool broken;

	return !read_poll_timeout(hvb_is_broken, broken, broken, POLL_US,
				  ms * USEC_PER_MSEC, false, h);
}

/* The last reference to the hv_device (lis's device holds one) frees all. */
static void hvb_hdev_release(struct device *dev)
{
	kfree(container_of(dev, struct hvb_host, hdev.device));
}

static const struct hv_vmbus_device_id hvb_ids[] = {
	{ HV_DM_GUID, },
	{ HV_VSS_GUID, },
};

static void hvb_host_destroy(void *data)
{
	struct hvb_host *h = data;

	if (h->d)
		lis_hvb_dev_remove(h->d);
	/* lis_hvbridge closed the channel before its device went away. */
	WARN_ON(h->open);
	device_unregister(&h->hdev.device);
}

/*
 * An offer of class @class, as hv_vmbus would have made it into a device,
 * bridged by lis_hvb_dev_add() as lis_hvbridge's probe does.
 */
static struct hvb_host *hvb_host_create(struct kunit *test,
					const guid_t *class)
{
	struct hvb_host *h;
	int ret;

	h = kzalloc(sizeof(*h), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, h);
	tasklet_setup(&h->event, hvb_event);
	h->chan.offermsg.child_relid = RELID;
	h->chan.offermsg.offer.if_type = *class;
	h->chan.max_pkt_size = VMBUS_DEFAULT_MAX_PKT_SIZE;
	h->chan.callback_mode = HV_CALL_BATCHED;
	h->hdev.channel = &h->chan;
	h->hdev.dev_type = *class;
	h->hdev.dev_instance = *class;
	h->hdev.dev_instance.b[15] ^= 0x5a;
	device_initialize(&h->hdev.device);
	h->hdev.device.release = hvb_hdev_release;
	ret = dev_set_name(&h->hdev.device, "lis-kunit-hv-%pUl",
			   &h->hdev.dev_instance);
	if (!ret)
		ret = device_add(&h->hdev.device);
	if (ret) {
		put_device(&h->hdev.device);
		KUNIT_ASSERT_EQ(test, ret, 0);
	}
	ret = kunit_add_action_or_reset(test, hvb_host_destroy, h);
	KUNIT_ASSERT_EQ(test, ret, 0);
	h->d = lis_hvb_dev_add(&h->hdev);
	if (IS_ERR(h->d)) {
		ret = PTR_ERR(h->d);
		h->d = NULL;
		KUNIT_ASSERT_EQ(test, ret, 0);
	}
	return h;
}

/* ---- Dynamic Memory ---- */

/* The guest's next DM message other than a status report. */
static void dm_expect(struct kunit *test, struct hvb_host *h, u16 type,
		      struct lis_dm_guest_msg *m)
{
	const char *why = "";
	int ret;

	for (;;) {
		ret = hvb_host_wait(h);
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "waiting for DM type %u", type);
		ret = lis_dm_parse_guest(h->msg, h->msg_len, m, &why);
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "guest message refused: %s",
				    why);
		if (m->type == LIS_DM_STATUS_REPORT &&
		    type != LIS_DM_STATUS_REPORT)
			continue;
		KUNIT_ASSERT_EQ(test, m->type, type);
		return;
	}
}

static void dm_send(struct kunit *test, struct hvb_host *h, const void *msg,
		    u32 len)
{
	KUNIT_ASSERT_GT(test, len, 0);
	KUNIT_ASSERT_EQ(test, hvb_host_send(h, msg, len, 0), 0);
}

/* Version 2.0 and the capabilities, accepted: the guest then reports. */
static void dm_negotiate(struct kunit *test, struct hvb_host *h)
{
	struct lis_dm_guest_msg m;
	u8 buf[64];

	dm_expect(test, h, LIS_DM_VERSION_REQUEST, &m);
	KUNIT_EXPECT_EQ(test, m.u.version.version, LIS_DM_VERSION_WIN10);
	dm_send(test, h, buf, lis_dm_put_version_response(buf, 1, true));
	dm_expect(test, h, LIS_DM_CAPABILITIES_REPORT, &m);
	KUNIT_EXPECT_TRUE(test, m.u.caps.caps & LIS_DM_CAP_BALLOON);
	dm_send(test, h, buf, lis_dm_put_caps_response(buf, 2, true));
	/* lis_hvbridge, not hv_vmbus, masks the host's signals. */
	KUNIT_EXPECT_EQ(test, h->chan.callback_mode, HV_CALL_DIRECT);
}

/*
 * Ask the guest for BALLOON_PAGES and gather its answers' ranges (each of
 * a page the kernel has) into @ranges, *@n of them.  Returns the pages
 * given.
 */
static u32 dm_balloon(struct kunit *test, struct hvb_host *h, u64 *ranges,
		      u32 *n)
{
	struct lis_dm_guest_msg m;
	u32 i, got = 0;
	u8 buf[64];

	*n = 0;
	dm_send(test, h, buf, lis_dm_put_balloon_request(buf, 3,
							 BALLOON_PAGES));
	do {
		dm_expect(test, h, LIS_DM_BALLOON_RESPONSE, &m);
		for (i = 0; i < m.u.balloon.count; i++) {
			u64 r = lis_dm_guest_range(&m, i);

			KUNIT_ASSERT_LT(test, *n, MAX_RANGES);
			KUNIT_EXPECT_TRUE(test, pfn_valid(lis_dm_range_pfn(r)));
			got += lis_dm_range_count(r);
			ranges[(*n)++] = r;
		}
	} while (m.u.balloon.more);
	return got;
}

/*
 * lis_balloon over the kernel's ring code: negotiation, a status report,
 * 2 MiB ballooned (MemTotal falls by as much) and given back (it rises
 * again), each message crossing vmbus_sendpacket() or hv_pkt_iter_*().
 */
static void hvb_dm_exchange(struct kunit *test)
{
	guid_t dm_class = hvb_ids[0].guid;
	struct lis_dm_guest_msg m;
	unsigned long total;
	struct hvb_host *h;
	u64 *ranges;
	u8 *buf;
	u32 n;

	ranges = kunit_kcalloc(test, MAX_RANGES, sizeof(*ranges), GFP_KERNEL);
	buf = kunit_kzalloc(test, LIS_DM_MAX_MSG, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ranges);
	KUNIT_ASSERT_NOT_NULL(test, buf);

	h = hvb_host_create(test, &dm_class);
	dm_negotiate(test, h);
	dm_expect(test, h, LIS_DM_STATUS_REPORT, &m);
	KUNIT_EXPECT_GT(test, m.u.status.avail, 0);
	KUNIT_EXPECT_GT(test, m.u.status.committed, 0);

	total = totalram_pages();
	KUNIT_EXPECT_EQ(test, dm_balloon(test, h, ranges, &n), BALLOON_PAGES);
	KUNIT_EXPECT_EQ(test, totalram_pages(), total - BALLOON_PAGES);

	dm_send(test, h, buf,
		lis_dm_put_unballoon_request(buf, 4, false, ranges, n));
	dm_expect(test, h, LIS_DM_UNBALLOON_RESPONSE, &m);
	KUNIT_EXPECT_EQ(test, totalram_pages(), total);

	KUNIT_EXPECT_FALSE(test, h->d->adapter.broken);
	KUNIT_EXPECT_EQ(test, h->opens, 1);
	KUNIT_EXPECT_GT(test, h->signals, 0);
	KUNIT_EXPECT_EQ(test, READ_ONCE(h->chan.inbound.ring_buffer->pending_send_sz), 0);
}

/*
 * Each way a host can corrupt the inbound ring, after a good
 * negotiation: the kernel's hv_pkt_iter_first() would clamp the values
 * and go on; lis_hvbridge marks the channel broken and names the field,
 * and lis_balloon reads no further.
 */
enum hvb_bad { BAD_WRITE_INDEX, BAD_LEN8, BAD_OFFSET8, BAD_OUT_READ_INDEX };

static const char * const hvb_bad_names[] = {
	[BAD_WRITE_INDEX] = "inbound write_index beyond the ring",
	[BAD_LEN8] = "desc.len8 beyond what was written",
	[BAD_OFFSET8] = "desc.offset8 beyond the packet",
	[BAD_OUT_READ_INDEX] = "outbound read_index beyond the ring",
};

static const char * const hvb_bad_fields[] = {
	[BAD_WRITE_INDEX] = "inbound write_index",
	[BAD_LEN8] = "desc.len8",
	[BAD_OFFSET8] = "desc.offset8",
	[BAD_OUT_READ_INDEX] = "outbound read_index",
};

static const enum hvb_bad hvb_bad_cases[] = {
	BAD_WRITE_INDEX, BAD_LEN8, BAD_OFFSET8, BAD_OUT_READ_INDEX,
};

static void hvb_bad_desc(const enum hvb_bad *c, char *desc)
{
	strscpy(desc, hvb_bad_names[*c], KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(hvb_bad, hvb_bad_cases, hvb_bad_desc);

static void hvb_dm_bad_host(struct kunit *test)
{
	const enum hvb_bad *bad = test->param_value;
	guid_t dm_class = hvb_ids[0].guid;
	struct hv_ring_buffer *in, *out;
	struct lis_dm_version_response r;
	struct lis_vmpacket_desc *desc;
	struct lis_dm_guest_msg m;
	struct hvb_host *h;
	bool signal;
	u32 w;

	h = hvb_host_create(test, &dm_class);
	dm_negotiate(test, h);
	/* Reports begin once the guest has read the host's last answer. */
	dm_expect(test, h, LIS_DM_STATUS_REPORT, &m);
	in = h->chan.inbound.ring_buffer;
	out = h->chan.outbound.ring_buffer;

	switch (*bad) {
	case BAD_WRITE_INDEX:
		WRITE_ONCE(in->write_index, h->chan.inbound.ring_datasize + 8);
		hvb_host_signal(h);
		break;
	case BAD_LEN8:
	case BAD_OFFSET8:
		/*
		 * A good packet, its descriptor rewritten in place, then the
		 * signal (the guest is idle: nothing reads the ring before).
		 */
		w = READ_ONCE(in->write_index);
		lis_dm_put_version_response(&r, 9, true);
		KUNIT_ASSERT_EQ(test, lis_ring_write_inband(&h->tx,
							    LIS_VMPKT_DATA_INBAND,
							    0, 0, &r, sizeof(r),
							    &signal), 0);
		desc = (void *)((u8 *)in + PAGE_SIZE + w);
		if (*bad == BAD_LEN8)
			desc->len8 += 64;
		else
			desc->offset8 = desc->len8 + 1;
		hvb_host_signal(h);
		break;
	case BAD_OUT_READ_INDEX:
		/* The guest's next status report finds it, within a second. */
		WRITE_ONCE(out->read_index, h->chan.outbound.ring_datasize + 8);
		break;
	}
	KUNIT_ASSERT_TRUE(test, hvb_broken_within(h, WAIT_MS));
	KUNIT_EXPECT_STREQ(test, h->d->adapter.broken_field,
			   hvb_bad_fields[*bad]);
	/* Nothing more reaches the host from a broken channel. */
	if (*bad != BAD_OUT_READ_INDEX)
		KUNIT_EXPECT_TRUE(test, hvb_host_quiet(h, 1500));
}

/*
 * A rescind, as hv_vmbus takes one: the channel's rescind flag, then the
 * device's removal.  The kernel's vmbus_sendpacket() refuses from the
 * flag on; lis_balloon's reports stop, the channel says it is rescinded
 * and not broken, and the removal (in the case's cleanup) closes it with
 * 2 MiB still ballooned.
 */
static void hvb_dm_rescind(struct kunit *test)
{
	guid_t dm_class = hvb_ids[0].guid;
	struct lis_dm_guest_msg m;
	struct hvb_host *h;
	u64 *ranges;
	u32 n;

	ranges = kunit_kcalloc(test, MAX_RANGES, sizeof(*ranges), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ranges);
	h = hvb_host_create(test, &dm_class);
	dm_negotiate(test, h);
	dm_expect(test, h, LIS_DM_STATUS_REPORT, &m);
	KUNIT_EXPECT_EQ(test, dm_balloon(test, h, ranges, &n), BALLOON_PAGES);

	WRITE_ONCE(h->chan.rescind, true);
	/* A report sent before the flag may be there; none comes after. */
	msleep(100);
	while (!hvb_host_recv(h))
		;
	msleep(2100);
	KUNIT_EXPECT_EQ(test, hvb_host_recv(h), -EAGAIN);
	KUNIT_EXPECT_TRUE(test, lis_hvb_is_rescinded(&h->d->adapter));
	KUNIT_EXPECT_FALSE(test, h->d->adapter.broken);
}

/* ---- VSS ---- */

/*
 * Send IC message @type with @body_len body bytes in a @len-byte packet
 * and return the guest's answer's status.
 */
static u32 vss_request(struct kunit *test, struct hvb_host *h, u16 type,
		       const void *body, u16 body_len, u32 len)
{
	struct lis_ic_msg_hdr *hdr;
	u8 *pkt;
	u64 id;

	pkt = kunit_kzalloc(test, len, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, pkt);
	hdr = (struct lis_ic_msg_hdr *)pkt;
	hdr->pipe.msgsize = len - sizeof(hdr->pipe);
	hdr->ic.icverframe = h->ic_fw;
	hdr->ic.icmsgtype = type;
	hdr->ic.icvermsg = h->ic_srv;
	hdr->ic.icmsgsize = body_len;
	hdr->ic.ictransaction_id = (u8)h->next_id;
	hdr->ic.icflags = LIS_IC_FLAG_TRANSACTION | LIS_IC_FLAG_REQUEST;
	memcpy(pkt + LIS_IC_BODY_OFFSET, body, body_len);
	id = ++h->next_id;
	KUNIT_ASSERT_EQ(test, hvb_host_send(h, pkt, len, id), 0);

	KUNIT_ASSERT_EQ(test, hvb_host_wait(h), 0);
	KUNIT_ASSERT_EQ(test, h->msg_trans_id, id);
	KUNIT_ASSERT_GE(test, h->msg_len, (u32)LIS_IC_BODY_OFFSET);
	hdr = (struct lis_ic_msg_hdr *)h->msg;
	KUNIT_EXPECT_EQ(test, hdr->ic.icmsgtype, type);
	KUNIT_EXPECT_TRUE(test, hdr->ic.icflags & LIS_IC_FLAG_RESPONSE);
	return hdr->ic.status;
}

static u32 vss_op(struct kunit *test, struct hvb_host *h, u8 op, u32 len)
{
	struct lis_vss_body body = { .operation = op };

	return vss_request(test, h, LIS_IC_MSG_VSS, &body, sizeof(body), len);
}

/*
 * lis_vss over the kernel's ring code: the IC negotiation, then a backup
 * with no daemon listening: HOT_BACKUP and a FREEZE as large as Hyper-V
 * sends (6260 bytes: more than the kernel's default max_pkt_size, so it
 * arrives whole only because lis_hvbridge raised it) are refused, the
 * THAW is answered.
 */
static void hvb_vss_exchange(struct kunit *test)
{
	guid_t vss_class = hvb_ids[1].guid;
	struct {
		struct lis_ic_negotiate n;
		struct lis_ic_version v[5];
	} __packed neg = {
		.n = { .icframe_vercnt = 2, .icmsg_vercnt = 3 },
		.v = { { 1, 0 }, { 3, 0 }, { 5, 0 }, { 4, 0 }, { 3, 0 } },
	};
	const struct lis_ic_negotiate *ans;
	struct hvb_host *h;

	h = hvb_host_create(test, &vss_class);
	KUNIT_ASSERT_TRUE(test, hvb_host_wait_open(h));
	h->ic_fw = (struct lis_ic_version){ 1, 0 };
	KUNIT_ASSERT_EQ(test, vss_request(test, h, LIS_IC_MSG_NEGOTIATE, &neg,
					  sizeof(neg),
					  LIS_IC_BODY_OFFSET + sizeof(neg)),
			LIS_IC_S_OK);
	ans = (const void *)(h->msg + LIS_IC_BODY_OFFSET);
	KUNIT_ASSERT_GE(test, h->msg_len, (u32)LIS_IC_NEGOTIATE_RESP_LEN);
	KUNIT_ASSERT_EQ(test, ans->icframe_vercnt, 1);
	KUNIT_ASSERT_EQ(test, ans->icmsg_vercnt, 1);
	h->ic_fw = ans->versions[0];
	h->ic_srv = ans->versions[1];
	KUNIT_EXPECT_EQ(test, h->ic_fw.major, 3);
	KUNIT_EXPECT_EQ(test, h->ic_srv.major, 5);

	KUNIT_EXPECT_EQ(test, vss_op(test, h, LIS_VSS_OP_HOT_BACKUP,
				     LIS_IC_BODY_OFFSET +
				     sizeof(struct lis_vss_body)),
			LIS_IC_E_FAIL);
	KUNIT_EXPECT_EQ(test, vss_op(test, h, LIS_VSS_OP_FREEZE, 6260),
			LIS_IC_E_FAIL);
	/* The answer is written over the request: its padded length. */
	KUNIT_EXPECT_EQ(test, h->msg_len, ALIGN(6260, 8));
	KUNIT_EXPECT_EQ(test, vss_op(test, h, LIS_VSS_OP_THAW,
				     LIS_IC_BODY_OFFSET +
				     sizeof(struct lis_vss_body)),
			LIS_IC_S_OK);
	KUNIT_EXPECT_FALSE(test, h->d->adapter.broken);
	KUNIT_EXPECT_EQ(test, READ_ONCE(h->chan.inbound.ring_buffer->pending_send_sz), 0);
}

static struct kunit_case hvb_ring_cases[] = {
	KUNIT_CASE(hvb_dm_exchange),
	KUNIT_CASE_PARAM(hvb_dm_bad_host, hvb_bad_gen_params),
	KUNIT_CASE(hvb_dm_rescind),
	KUNIT_CASE(hvb_vss_exchange),
	{}
};

static struct kunit_suite hvb_ring_suite = {
	.name = "lis_hvbridge_ring",
	.test_cases = hvb_ring_cases,
};

kunit_test_suite(hvb_ring_suite);

MODULE_DESCRIPTION("KUnit: lis_hvbridge on the in-kernel VMBus ring code, with lis_balloon and lis_vss");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(LIS);

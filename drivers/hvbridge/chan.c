// SPDX-License-Identifier: GPL-2.0-only
/*
 * The hvbridge channel backend: lis_vmbus channel calls on a channel the
 * in-kernel hv_vmbus owns.  The rings are the kernel's (vmbus_open()
 * allocates and shares them); packets go through vmbus_sendpacket() and
 * come back through hv_pkt_iter_first/next/close.  The lis semantics on
 * top (return codes, pending_send_sz, the checks of what the host wrote)
 * are the pure adapter's (adapter.c); this file only connects it.
 *
 * This code has never run on Hyper-V: it is built and statically checked
 * against the stock kernels, and its adapter is tested against a fake.
 */
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "hvbridge.h"

/* The in-kernel calls, as the adapter sees them. */

static int lis_hvb_k_send(void *chan, const void *buf, u32 len, u64 trans_id,
			  u16 type, u16 flags)
{
	return vmbus_sendpacket(chan, (void *)buf, len, trans_id, type, flags);
}

static void lis_hvb_k_indices(void *chan, struct lis_hvb_indices *ix)
{
	struct vmbus_channel *c = chan;

	ix->out_write = READ_ONCE(c->outbound.ring_buffer->write_index);
	ix->out_read = READ_ONCE(c->outbound.ring_buffer->read_index);
	ix->out_size = c->outbound.ring_datasize;
	ix->in_write = READ_ONCE(c->inbound.ring_buffer->write_index);
	ix->in_read = c->inbound.priv_read_index;
	ix->in_size = c->inbound.ring_datasize;
	/* Read the indices before the data they cover. */
	virt_rmb();
}

/*
 * The descriptor at the read cursor, straight from shared memory.  The
 * kernel maps the data area twice in a row, so 16 bytes starting anywhere
 * in it are readable without wrapping.
 */
static void lis_hvb_k_raw_desc(void *chan, struct lis_vmpacket_desc *desc)
{
	struct vmbus_channel *c = chan;
	const u8 *data = hv_get_ring_buffer(&c->inbound);

	memcpy(desc, data + c->inbound.priv_read_index, sizeof(*desc));
}

static const struct lis_vmpacket_desc *lis_hvb_k_iter_first(void *chan)
{
	static_assert(sizeof(struct vmpacket_descriptor) ==
		      sizeof(struct lis_vmpacket_desc));
	return (const struct lis_vmpacket_desc *)hv_pkt_iter_first(chan);
}

static void lis_hvb_k_iter_next(void *chan,
				const struct lis_vmpacket_desc *desc)
{
	/* It also fetches the next packet; the adapter peeks it itself. */
	__hv_pkt_iter_next(chan, (const struct vmpacket_descriptor *)desc);
}

static void lis_hvb_k_iter_close(void *chan)
{
	hv_pkt_iter_close(chan);
}

static void lis_hvb_k_set_pending_send(void *chan, u32 bytes)
{
	set_channel_pending_send_size(chan, bytes);
	/* The host must see the request before we look for room again. */
	virt_mb();
}

static void lis_hvb_k_set_in_masked(void *chan, bool masked)
{
	struct vmbus_channel *c = chan;

	if (masked)
		hv_begin_read(&c->inbound);
	else
		hv_end_read(&c->inbound);
}

static bool lis_hvb_k_rescinded(void *chan)
{
	return READ_ONCE(((struct vmbus_channel *)chan)->rescind);
}

const struct lis_hvb_calls lis_hvb_kernel_calls = {
	.send = lis_hvb_k_send,
	.indices = lis_hvb_k_indices,
	.raw_desc = lis_hvb_k_raw_desc,
	.iter_first = lis_hvb_k_iter_first,
	.iter_next = lis_hvb_k_iter_next,
	.iter_close = lis_hvb_k_iter_close,
	.set_pending_send = lis_hvb_k_set_pending_send,
	.set_in_masked = lis_hvb_k_set_in_masked,
	.rescinded = lis_hvb_k_rescinded,
};

/* The backend. */

static struct lis_hvb_dev *lis_hvb_of(struct lis_channel *ch)
{
	return lis_channel_backend(ch);
}

/* One line per open, the first time the host is found to corrupt it. */
static int lis_hvb_broken(struct lis_hvb_dev *d, int ret)
{
	if (ret == -EIO && d->adapter.broken && !xchg(&d->broken_logged, true))
		dev_err_ratelimited(&d->hdev->device,
				    "channel %u: host wrote a bad %s; channel marked broken\n",
				    d->hdev->channel->offermsg.child_relid,
				    d->adapter.broken_field);
	return ret;
}

/* The host signalled the channel: softirq (HV_CALL_DIRECT). */
static void lis_hvb_onchannel(void *ctx)
{
	struct lis_hvb_dev *d = ctx;

	lis_channel_notify(d->ch);
}

static int lis_hvb_check_sizes(u32 out_bytes, u32 in_bytes)
{
	if (!PAGE_ALIGNED(out_bytes) || !PAGE_ALIGNED(in_bytes) ||
	    out_bytes < LIS_RING_MIN_BYTES || in_bytes < LIS_RING_MIN_BYTES ||
	    out_bytes > LIS_RING_MAX_BYTES || in_bytes > LIS_RING_MAX_BYTES)
		return -EINVAL;
	return 0;
}

static int lis_hvb_op_open(struct lis_channel *ch, u32 out_ring_bytes,
			u32 in_ring_bytes, const void *user_data, u32 user_len)
{
	struct lis_hvb_dev *d = lis_hvb_of(ch);
	struct vmbus_channel *c = d->hdev->channel;
	u32 out_data = out_ring_bytes - HV_HYP_PAGE_SIZE;
	u32 in_data = in_ring_bytes - HV_HYP_PAGE_SIZE;
	int ret;

	ret = lis_hvb_check_sizes(out_ring_bytes, in_ring_bytes);
	if (ret)
		return ret;
	if (user_len > MAX_USER_DEFINED_BYTES || (user_len && !user_data))
		return -EINVAL;

	mutex_lock(&d->open_lock);
	ret = -EBUSY;
	if (d->opened)
		goto unlock;
	ret = -ENOMEM;
	d->bounce = kvmalloc(out_data, GFP_KERNEL);
	if (!d->bounce)
		goto unlock;
	d->ch = ch;
	d->broken_logged = false;
	lis_hvb_init(&d->adapter, &lis_hvb_kernel_calls, c, d->bounce,
		     out_data, in_data);
	/* Without it the kernel cuts every packet to 4 KiB without a word. */
	c->max_pkt_size = in_data;
	/* The inbound interrupt mask is lis's (batch begin/end), not the kernel's. */
	set_channel_read_mode(c, HV_CALL_DIRECT);

	ret = vmbus_open(c, out_ring_bytes, in_ring_bytes, (void *)user_data,
			 user_len, lis_hvb_onchannel, d);
	ret = lis_hvb_open_result(ret);
	if (ret) {
		dev_warn(&d->hdev->device, "vmbus_open failed: %d\n", ret);
		goto free_bounce;
	}
	d->opened = true;
	mutex_unlock(&d->open_lock);
	return 0;

free_bounce:
	kvfree(d->bounce);
	d->bounce = NULL;
unlock:
	mutex_unlock(&d->open_lock);
	return ret;
}

static void lis_hvb_op_close(struct lis_channel *ch)
{
	struct lis_hvb_dev *d = lis_hvb_of(ch);

	mutex_lock(&d->open_lock);
	if (!d->opened)
		goto unlock;
	spin_lock_irq(&d->send_lock);
	d->opened = false;
	spin_unlock_irq(&d->send_lock);
	/* Waits for a running callback; rescinded channels are handled too. */
	vmbus_close(d->hdev->channel);
	kvfree(d->bounce);
	d->bounce = NULL;
unlock:
	mutex_unlock(&d->open_lock);
}

static int lis_hvb_op_sendv(struct lis_channel *ch, const struct lis_kvec *vec,
			 unsigned int nvec, u64 trans_id, u16 type, u16 flags,
			 struct lis_chan_events *ev)
{
	struct lis_hvb_dev *d = lis_hvb_of(ch);
	unsigned long irqflags;
	int ret = -ENOTCONN;

	spin_lock_irqsave(&d->send_lock, irqflags);
	if (d->opened)
		ret = lis_hvb_sendv(&d->adapter, vec, nvec, trans_id, type,
				    flags, &ev->found_full);
	spin_unlock_irqrestore(&d->send_lock, irqflags);
	return lis_hvb_broken(d, ret);
}

static int lis_hvb_op_recv_peek(struct lis_channel *ch,
			     struct lis_vmpacket_desc *desc, u32 *pkt_len)
{
	struct lis_hvb_dev *d = lis_hvb_of(ch);

	if (!READ_ONCE(d->opened))
		return -ENOTCONN;
	return lis_hvb_broken(d, lis_hvb_peek(&d->adapter, desc, pkt_len));
}

static int lis_hvb_op_recv_copy(struct lis_channel *ch, u32 offset, void *buf,
			     u32 len)
{
	return lis_hvb_copy(&lis_hvb_of(ch)->adapter, offset, buf, len);
}

static void lis_hvb_op_recv_skip(struct lis_channel *ch)
{
	lis_hvb_skip(&lis_hvb_of(ch)->adapter);
}

/* hv_pkt_iter_close() signals the host itself when it asked for room. */
static void lis_hvb_op_recv_commit(struct lis_channel *ch,
				struct lis_chan_events *ev)
{
	lis_hvb_commit(&lis_hvb_of(ch)->adapter);
}

static void lis_hvb_op_batch_begin(struct lis_channel *ch)
{
	struct lis_hvb_dev *d = lis_hvb_of(ch);

	if (READ_ONCE(d->opened))
		lis_hvb_batch_begin(&d->adapter);
}

static bool lis_hvb_op_batch_end(struct lis_channel *ch)
{
	struct lis_hvb_dev *d = lis_hvb_of(ch);

	return READ_ONCE(d->opened) && lis_hvb_batch_end(&d->adapter);
}

static u32 lis_hvb_op_out_free(struct lis_channel *ch)
{
	struct lis_hvb_dev *d = lis_hvb_of(ch);

	return READ_ONCE(d->opened) ? lis_hvb_out_free(&d->adapter) : 0;
}

static u32 lis_hvb_op_in_avail(struct lis_channel *ch)
{
	struct lis_hvb_dev *d = lis_hvb_of(ch);

	return READ_ONCE(d->opened) ? lis_hvb_in_avail(&d->adapter) : 0;
}

static bool lis_hvb_op_is_broken(struct lis_channel *ch)
{
	return READ_ONCE(lis_hvb_of(ch)->adapter.broken);
}

static bool lis_hvb_op_is_rescinded(struct lis_channel *ch)
{
	return lis_hvb_is_rescinded(&lis_hvb_of(ch)->adapter);
}

static u32 lis_hvb_op_version(struct lis_channel *ch)
{
	return READ_ONCE(vmbus_proto_version);
}

static u32 lis_hvb_op_relid(struct lis_channel *ch)
{
	return lis_hvb_of(ch)->hdev->channel->offermsg.child_relid;
}

static unsigned int lis_hvb_op_target_cpu(struct lis_channel *ch)
{
	return READ_ONCE(lis_hvb_of(ch)->hdev->channel->target_cpu);
}

/*
 * No set_target_cpu: the in-kernel VMBus moves its channels itself
 * (/sys/bus/vmbus/devices/<device>/channels/<relid>/cpu).
 */
const struct lis_channel_ops lis_hvb_chan_ops = {
	.name = "hvbridge",
	.open = lis_hvb_op_open,
	.close = lis_hvb_op_close,
	.sendv = lis_hvb_op_sendv,
	.recv_peek = lis_hvb_op_recv_peek,
	.recv_copy = lis_hvb_op_recv_copy,
	.recv_skip = lis_hvb_op_recv_skip,
	.recv_commit = lis_hvb_op_recv_commit,
	.batch_begin = lis_hvb_op_batch_begin,
	.batch_end = lis_hvb_op_batch_end,
	.out_free = lis_hvb_op_out_free,
	.in_avail = lis_hvb_op_in_avail,
	.is_broken = lis_hvb_op_is_broken,
	.is_rescinded = lis_hvb_op_is_rescinded,
	.version = lis_hvb_op_version,
	.relid = lis_hvb_op_relid,
	.target_cpu = lis_hvb_op_target_cpu,
};

/**
 * lis_hvb_dev_add() - bridge an in-kernel VMBus device to lis_vmbus
 * @hdev: the hv_vmbus device lis_hvbridge is probing
 *
 * Adds a lis_vmbus device for @hdev whose channel calls go to @hdev's
 * channel (lis_hvb_chan_ops), and sets @hdev's driver data to the new
 * bridge.  A lis driver may bind, and open the channel, before this
 * returns.
 *
 * Context: process (probe).
 * Return: the bridge, or an ERR_PTR() of -ENOMEM or
 * lis_foreign_device_add()'s error.
 */
struct lis_hvb_dev *lis_hvb_dev_add(struct hv_device *hdev)
{
	struct lis_device *ldev;
	struct lis_hvb_dev *d;
	int ret;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return ERR_PTR(-ENOMEM);
	d->hdev = hdev;
	mutex_init(&d->open_lock);
	spin_lock_init(&d->send_lock);
	lis_hvb_init(&d->adapter, &lis_hvb_kernel_calls, hdev->channel, NULL,
		     0, 0);
	hv_set_drvdata(hdev, d);

	ldev = lis_foreign_device_add(&hdev->device, &hdev->dev_type,
				      &hdev->dev_instance, &lis_hvb_chan_ops,
				      d);
	if (IS_ERR(ldev)) {
		ret = PTR_ERR(ldev);
		goto free_dev;
	}
	d->ldev = ldev;
	return d;

free_dev:
	hv_set_drvdata(hdev, NULL);
	mutex_destroy(&d->open_lock);
	kfree(d);
	return ERR_PTR(ret);
}

/**
 * lis_hvb_dev_remove() - undo lis_hvb_dev_add()
 * @d: the bridge
 *
 * Removes the lis_vmbus device (its driver closes the channel first) and
 * frees @d.
 *
 * Context: process (remove).
 */
void lis_hvb_dev_remove(struct lis_hvb_dev *d)
{
	lis_foreign_device_remove(d->ldev);
	hv_set_drvdata(d->hdev, NULL);
	mutex_destroy(&d->open_lock);
	kfree(d);
}

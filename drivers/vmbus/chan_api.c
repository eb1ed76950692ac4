// SPDX-License-Identifier: GPL-2.0-only
/*
 * The channel calls drivers make, whatever the backend: each dispatches
 * through the channel's struct lis_channel_ops (vmbus_backend.h).  What
 * every backend shares lives here: open/closed state, the driver's
 * callback and its serialisation, and the statistics shown in sysfs.
 */
#include <linux/rcupdate.h>

#include "core.h"

/**
 * lis_channel_init_common() - set up the backend-independent part
 * @ch: a zeroed channel
 * @ops: its backend
 * @backend: the backend's state, or NULL
 */
void lis_channel_init_common(struct lis_channel *ch,
			     const struct lis_channel_ops *ops, void *backend)
{
	ch->ops = ops;
	ch->backend = backend;
	mutex_init(&ch->state_lock);
	spin_lock_init(&ch->cb_lock);
}

/**
 * lis_channel_destroy_common() - mirror of lis_channel_init_common()
 * @ch: a closed channel
 */
void lis_channel_destroy_common(struct lis_channel *ch)
{
	WARN_ON(ch->is_open);
	mutex_destroy(&ch->state_lock);
}

/**
 * lis_channel_backend() - a foreign channel's backend state
 * @ch: the channel
 *
 * Context: any.
 * Return: the @backend given to lis_foreign_device_add().
 */
void *lis_channel_backend(struct lis_channel *ch)
{
	return ch->backend;
}
EXPORT_SYMBOL_NS_GPL(lis_channel_backend, LIS);

/**
 * lis_channel_notify() - the host signalled the channel: run its callback
 * @ch: the channel
 *
 * Backends call this from their interrupt path.  The driver's callback
 * runs (and is counted) if the channel is open, never on two CPUs at once.
 *
 * Context: softirq or process with bottom halves disabled; must not be
 * called with the channel's cb_lock held (that is, from the callback).
 */
void lis_channel_notify(struct lis_channel *ch)
{
	lis_channel_cb cb;

	rcu_read_lock();
	spin_lock(&ch->cb_lock);
	/* Pairs with the release in lis_channel_open(). */
	cb = smp_load_acquire(&ch->cb);
	if (cb) {
		atomic64_inc(&ch->stats.interrupts);
		cb(READ_ONCE(ch->cb_ctx));
	}
	spin_unlock(&ch->cb_lock);
	rcu_read_unlock();
}
EXPORT_SYMBOL_NS_GPL(lis_channel_notify, LIS);

static void lis_channel_count(struct lis_channel *ch, bool sent, u32 out_bytes,
			      u32 in_bytes, const struct lis_chan_events *ev)
{
	struct lis_channel_stats *st = &ch->stats;

	if (sent) {
		atomic64_inc(&st->out_packets);
		atomic64_add(out_bytes, &st->out_bytes);
	}
	if (in_bytes) {
		atomic64_inc(&st->in_packets);
		atomic64_add(in_bytes, &st->in_bytes);
	}
	if (ev->found_full)
		atomic64_inc(&st->out_full);
	if (ev->signalled)
		atomic64_inc(&st->signals);
}

/* Nobody counts while the channel is closed: no atomicity needed here. */
static void lis_channel_stats_reset(struct lis_channel_stats *st)
{
	atomic64_set(&st->out_packets, 0);
	atomic64_set(&st->out_bytes, 0);
	atomic64_set(&st->in_packets, 0);
	atomic64_set(&st->in_bytes, 0);
	atomic64_set(&st->interrupts, 0);
	atomic64_set(&st->out_full, 0);
	atomic64_set(&st->signals, 0);
}

/**
 * lis_channel_open() - open a channel
 * @ch: the channel (from the lis_device passed to probe)
 * @out_ring_bytes: guest-to-host ring, header page included; page multiple
 * @in_ring_bytes: host-to-guest ring, header page included; page multiple
 * @user_data: up to 120 bytes passed to the host in OPENCHANNEL, or NULL
 * @user_len: bytes in @user_data
 * @cb: called when the host signals the channel (see lis_channel_cb)
 * @ctx: argument for @cb
 *
 * The backend allocates and shares the rings and connects.  The channel's
 * statistics start from zero.  @cb may run before this function returns.
 *
 * Context: process; sleeps until the host answers (bounded).
 * Return: 0; -EINVAL for bad sizes; -E2BIG for rings larger than a GPADL
 * can hold; -EBUSY if already open; -ENODEV if rescinded; -ETIMEDOUT if
 * the host did not answer; -EIO if the host refused; -ENOMEM.
 */
int lis_channel_open(struct lis_channel *ch, u32 out_ring_bytes,
		     u32 in_ring_bytes, const void *user_data, u32 user_len,
		     lis_channel_cb cb, void *ctx)
{
	int ret;

	mutex_lock(&ch->state_lock);
	ret = -EBUSY;
	if (ch->is_open)
		goto unlock;
	lis_channel_stats_reset(&ch->stats);
	WRITE_ONCE(ch->cb_ctx, ctx);
	/* Publish the context before the callback that reads it. */
	smp_store_release(&ch->cb, cb);

	ret = ch->ops->open(ch, out_ring_bytes, in_ring_bytes, user_data,
			    user_len);
	if (ret) {
		WRITE_ONCE(ch->cb, NULL);
		/* Backends run callbacks under rcu_read_lock(). */
		synchronize_rcu();
		goto unlock;
	}
	WRITE_ONCE(ch->is_open, true);
unlock:
	mutex_unlock(&ch->state_lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(lis_channel_open, LIS);

/**
 * lis_channel_close() - close an open channel and free its rings
 * @ch: the channel
 *
 * After it returns the callback is not running and will not run again.
 * Closing a rescinded channel sends nothing to the host.
 *
 * Context: process; sleeps until the host confirms (bounded).
 */
void lis_channel_close(struct lis_channel *ch)
{
	mutex_lock(&ch->state_lock);
	if (!ch->is_open)
		goto unlock;
	WRITE_ONCE(ch->cb, NULL);
	/* Backends run callbacks under rcu_read_lock(). */
	synchronize_rcu();
	ch->ops->close(ch);
	WRITE_ONCE(ch->is_open, false);
unlock:
	mutex_unlock(&ch->state_lock);
}
EXPORT_SYMBOL_NS_GPL(lis_channel_close, LIS);

/**
 * lis_channel_sendv() - send one packet gathered from several buffers
 * @ch: an open channel
 * @vec: the packet's data, in pieces (the descriptor is added here)
 * @nvec: number of pieces
 * @trans_id: transaction id carried in the descriptor
 * @type: LIS_VMPKT_DATA_INBAND or another packet type
 * @flags: LIS_VMPKT_F_COMPLETION_REQUESTED or 0
 *
 * Does not wait for room.  When the ring is full it asks the host (through
 * pending_send_sz) to signal the channel once the packet would fit, so the
 * driver's callback runs and it can retry.
 *
 * Context: any; writers are serialised by the channel.
 * Return: 0; -EAGAIN if the ring is full; -EIO if the channel is broken;
 * -ENOTCONN if it is not open; -EINVAL for an oversized packet.
 */
int lis_channel_sendv(struct lis_channel *ch, const struct lis_kvec *vec,
		      unsigned int nvec, u64 trans_id, u16 type, u16 flags)
{
	struct lis_chan_events ev = {};
	u64 len = sizeof(struct lis_vmpacket_desc);
	unsigned int i;
	int ret;

	for (i = 0; i < nvec; i++)
		len += vec[i].len;
	ret = ch->ops->sendv(ch, vec, nvec, trans_id, type, flags, &ev);
	/* An in-band packet: descriptor and data, padded to 8 bytes. */
	lis_channel_count(ch, !ret, (u32)ALIGN(len, 8), 0, &ev);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(lis_channel_sendv, LIS);

/**
 * lis_channel_send() - send one packet
 * @ch: an open channel
 * @buf: the packet's data
 * @len: its length
 * @trans_id: transaction id carried in the descriptor
 * @type: LIS_VMPKT_DATA_INBAND or another packet type
 * @flags: LIS_VMPKT_F_COMPLETION_REQUESTED or 0
 *
 * Context: any; see lis_channel_sendv().
 * Return: as lis_channel_sendv().
 */
int lis_channel_send(struct lis_channel *ch, const void *buf, u32 len,
		     u64 trans_id, u16 type, u16 flags)
{
	struct lis_kvec v = { .base = buf, .len = len };

	return lis_channel_sendv(ch, &v, 1, trans_id, type, flags);
}
EXPORT_SYMBOL_NS_GPL(lis_channel_send, LIS);

static int lis_channel_read(struct lis_channel *ch, void *buf, u32 buflen,
			    u32 *actual, u64 *trans_id, bool raw)
{
	const struct lis_channel_ops *ops = ch->ops;
	struct lis_chan_events ev = {};
	struct lis_vmpacket_desc desc;
	u32 pkt_len, off, len;
	int ret;

	ret = ops->recv_peek(ch, &desc, &pkt_len);
	if (ret)
		return ret;
	/* The backend checked that the data offset is within the packet. */
	off = raw ? 0 : desc.offset8 << 3;
	len = pkt_len - off;
	*actual = len;
	if (trans_id)
		*trans_id = desc.trans_id;
	if (len > buflen)
		return -ENOBUFS;
	ret = ops->recv_copy(ch, off, buf, len);
	if (ret)
		return ret;
	ops->recv_skip(ch);
	ops->recv_commit(ch, &ev);
	lis_channel_count(ch, false, 0, pkt_len, &ev);
	return 0;
}

/**
 * lis_channel_recv() - take the next packet's data off the inbound ring
 * @ch: an open channel
 * @buf: where the data (after the descriptor) goes
 * @buflen: room in @buf
 * @actual: the data's length (also set for -ENOBUFS)
 * @trans_id: the descriptor's transaction id, or NULL
 *
 * Context: any; callers serialise readers of one channel (the callback is
 * never concurrent with itself).
 * Return: 0; -EAGAIN if the ring is empty; -ENOBUFS if @buflen is too small
 * (the packet stays); -EIO if the channel is broken.
 */
int lis_channel_recv(struct lis_channel *ch, void *buf, u32 buflen,
		     u32 *actual, u64 *trans_id)
{
	return lis_channel_read(ch, buf, buflen, actual, trans_id, false);
}
EXPORT_SYMBOL_NS_GPL(lis_channel_recv, LIS);

/**
 * lis_channel_recv_raw() - take the next whole packet, descriptor included
 * @ch: an open channel
 * @buf: where the packet goes
 * @buflen: room in @buf
 * @actual: the packet's length (also set for -ENOBUFS)
 *
 * Context: as lis_channel_recv().
 * Return: as lis_channel_recv().
 */
int lis_channel_recv_raw(struct lis_channel *ch, void *buf, u32 buflen,
			 u32 *actual)
{
	return lis_channel_read(ch, buf, buflen, actual, NULL, true);
}
EXPORT_SYMBOL_NS_GPL(lis_channel_recv_raw, LIS);

/*
 * The in-place iteration of a backend without one: every packet is peeked
 * and copied whole into the caller's bounce buffer.
 */
static int lis_channel_iter_fill(struct lis_channel *ch,
				 struct lis_ring_pkt *pkt)
{
	const struct lis_channel_ops *ops = ch->ops;
	struct lis_vmpacket_desc desc;
	u32 pkt_len, off;
	int ret;

	ret = ops->recv_peek(ch, &desc, &pkt_len);
	if (ret)
		return ret;
	pkt->desc = desc;
	pkt->raw_len = pkt_len;
	if (pkt_len > ch->iter_bounce_len)
		return -ENOBUFS;
	ret = ops->recv_copy(ch, 0, ch->iter_bounce, pkt_len);
	if (ret)
		return ret;
	/* The backend checked that the data offset is within the packet. */
	off = desc.offset8 << 3;
	pkt->raw = ch->iter_bounce;
	pkt->data = pkt->raw + off;
	pkt->len = pkt_len - off;
	pkt->bounced = true;
	return 0;
}

/*
 * What the iteration shows after a call that returned @ret: the packet in
 * @pkt, which the next lis_channel_recv_next() consumes, or none.
 */
static int lis_channel_iter_shown(struct lis_channel *ch, int ret,
				  const struct lis_ring_pkt *pkt)
{
	ch->iter_len = !ret || ret == -ENOBUFS ? pkt->raw_len : 0;
	return ret;
}

/**
 * lis_channel_recv_begin() - see the next inbound packet where it lies
 * @ch: an open channel
 * @bounce: where a packet that wraps past the end of the ring is copied,
 *	whole, for the whole iteration; may be NULL if the caller can
 *	live with -ENOBUFS for such packets
 * @bounce_len: bytes at @bounce
 * @pkt: receives the packet (see struct lis_ring_pkt)
 *
 * The zero-copy receive: @pkt points at the packet in the inbound ring,
 * its descriptor checked once as lis_channel_recv() checks it; only a
 * packet that wraps is copied, into @bounce.  The host can still write
 * the bytes @pkt points at: read each field once and check what was read.
 * Nothing is consumed until lis_channel_recv_next(), and nothing is given
 * back to the host until lis_channel_recv_end(), which must end every
 * iteration, whatever begin and next returned::
 *
 *	for (ret = lis_channel_recv_begin(ch, buf, len, &pkt); !ret;
 *	     ret = lis_channel_recv_next(ch, &pkt))
 *		handle(pkt.data, pkt.len);
 *	lis_channel_recv_end(ch);
 *
 * Between lis_channel_batch_begin() and lis_channel_batch_end() this
 * drains the ring with the host's signals masked, as a batched read with
 * lis_channel_recv() does.  @pkt stays valid until the next call on the
 * channel's inbound ring.
 *
 * Context: any; callers serialise readers of one channel (the callback
 * is never concurrent with itself).
 * Return: 0; -EAGAIN if the ring is empty; -ENOBUFS if the packet wraps
 * and does not fit in @bounce (@pkt->raw_len is its size; it stays, and
 * lis_channel_recv_next() drops it); -ENOTCONN if the channel is not
 * open; -EIO if the channel is broken.
 */
int lis_channel_recv_begin(struct lis_channel *ch, void *bounce,
			   u32 bounce_len, struct lis_ring_pkt *pkt)
{
	int ret;

	memset(pkt, 0, sizeof(*pkt));
	ch->iter_bounce = bounce;
	ch->iter_bounce_len = bounce ? bounce_len : 0;
	if (ch->ops->recv_first)
		ret = ch->ops->recv_first(ch, bounce, bounce_len, pkt);
	else
		ret = lis_channel_iter_fill(ch, pkt);
	return lis_channel_iter_shown(ch, ret, pkt);
}
EXPORT_SYMBOL_NS_GPL(lis_channel_recv_begin, LIS);

/**
 * lis_channel_recv_next() - consume the packet seen, see the next one
 * @ch: an open channel, in an iteration lis_channel_recv_begin() started
 * @pkt: receives the next packet
 *
 * The packet lis_channel_recv_begin() or the last lis_channel_recv_next()
 * returned (or reported with -ENOBUFS) is consumed: pointers into it are
 * no longer valid.  Its space goes back to the host at
 * lis_channel_recv_end().
 *
 * Context: as lis_channel_recv_begin().
 * Return: as lis_channel_recv_begin().
 */
int lis_channel_recv_next(struct lis_channel *ch, struct lis_ring_pkt *pkt)
{
	struct lis_chan_events ev = {};
	u32 len = ch->iter_len;
	int ret;

	memset(pkt, 0, sizeof(*pkt));
	/* The packet shown last is consumed now: count it. */
	if (len)
		lis_channel_count(ch, false, 0, len, &ev);
	if (ch->ops->recv_first) {
		ret = ch->ops->recv_next(ch, pkt);
	} else {
		if (len)
			ch->ops->recv_skip(ch);
		ret = lis_channel_iter_fill(ch, pkt);
	}
	return lis_channel_iter_shown(ch, ret, pkt);
}
EXPORT_SYMBOL_NS_GPL(lis_channel_recv_next, LIS);

/**
 * lis_channel_recv_end() - end an iteration: release the space once
 * @ch: the channel lis_channel_recv_begin() was called on
 *
 * Publishes the read index once for every packet lis_channel_recv_next()
 * consumed, and signals the host at most once, if it asked for room
 * (pending_send_sz) and now has it.  The packet seen last, unless
 * consumed, stays for the next lis_channel_recv_begin().
 *
 * Context: as lis_channel_recv_begin().
 */
void lis_channel_recv_end(struct lis_channel *ch)
{
	struct lis_chan_events ev = {};

	ch->iter_len = 0;
	if (ch->ops->recv_end)
		ch->ops->recv_end(ch, &ev);
	else
		ch->ops->recv_commit(ch, &ev);
	lis_channel_count(ch, false, 0, 0, &ev);
}
EXPORT_SYMBOL_NS_GPL(lis_channel_recv_end, LIS);

/**
 * lis_channel_batch_begin() - stop the host's signals while draining
 * @ch: an open channel
 *
 * Context: the channel's reader.
 */
void lis_channel_batch_begin(struct lis_channel *ch)
{
	ch->ops->batch_begin(ch);
}
EXPORT_SYMBOL_NS_GPL(lis_channel_batch_begin, LIS);

/**
 * lis_channel_batch_end() - re-enable signals after draining
 * @ch: an open channel
 *
 * Context: the channel's reader.
 * Return: true if packets arrived meanwhile: drain again, then call this
 * again.
 */
bool lis_channel_batch_end(struct lis_channel *ch)
{
	return ch->ops->batch_end(ch);
}
EXPORT_SYMBOL_NS_GPL(lis_channel_batch_end, LIS);

/**
 * lis_channel_out_free() - bytes free in the outbound ring
 * @ch: an open channel
 *
 * Context: any.
 * Return: free bytes (0 if broken).
 */
u32 lis_channel_out_free(struct lis_channel *ch)
{
	return ch->ops->out_free(ch);
}
EXPORT_SYMBOL_NS_GPL(lis_channel_out_free, LIS);

/**
 * lis_channel_in_avail() - bytes waiting in the inbound ring
 * @ch: an open channel
 *
 * Context: the channel's reader.
 * Return: bytes available (0 if broken).
 */
u32 lis_channel_in_avail(struct lis_channel *ch)
{
	return ch->ops->in_avail(ch);
}
EXPORT_SYMBOL_NS_GPL(lis_channel_in_avail, LIS);

/**
 * lis_channel_is_broken() - did the host corrupt this channel?
 * @ch: the channel
 *
 * Context: any.
 * Return: true once either ring was found corrupt, or the host broke the
 * channel protocol for it.
 */
bool lis_channel_is_broken(struct lis_channel *ch)
{
	return ch->ops->is_broken(ch);
}
EXPORT_SYMBOL_NS_GPL(lis_channel_is_broken, LIS);

/**
 * lis_channel_is_rescinded() - did the host withdraw this channel?
 * @ch: the channel
 *
 * Context: any.
 * Return: true once the host rescinded it; its device is being removed.
 */
bool lis_channel_is_rescinded(struct lis_channel *ch)
{
	return ch->ops->is_rescinded(ch);
}
EXPORT_SYMBOL_NS_GPL(lis_channel_is_rescinded, LIS);

/**
 * lis_channel_device() - the device a channel belongs to
 * @ch: the channel
 *
 * Context: any.
 * Return: the device.
 */
struct lis_device *lis_channel_device(struct lis_channel *ch)
{
	return ch->device;
}
EXPORT_SYMBOL_NS_GPL(lis_channel_device, LIS);

/**
 * lis_vmbus_version() - the VMBus protocol version negotiated with the host
 * @ch: any channel of the connection
 *
 * Context: any.
 * Return: (major << 16) | minor.
 */
u32 lis_vmbus_version(struct lis_channel *ch)
{
	return ch->ops->version(ch);
}
EXPORT_SYMBOL_NS_GPL(lis_vmbus_version, LIS);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_hvbridge's adapter between lis channel calls and the in-kernel
 * VMBus ring code.  Pure code: see adapter.h.
 */
#include "adapter.h"

#define LIS_HVB_DESC	((u32)sizeof(struct lis_vmpacket_desc))

static int lis_hvb_fail(struct lis_hvb_chan *a, const char *field)
{
	a->broken = true;
	a->broken_field = field;
	a->cur = NULL;
	return -EIO;
}

static bool lis_hvb_index_ok(u32 index, u32 size)
{
	return index < size && IS_ALIGNED(index, 8);
}

/*
 * Load the indices and check them.  The kernel uses the host's inbound
 * write_index and outbound read_index (and its own outbound write_index,
 * which it reads back from shared memory) without checking that they lie
 * in the ring: lis does, as in native mode.
 */
static int lis_hvb_load(struct lis_hvb_chan *a, struct lis_hvb_indices *ix)
{
	if (a->broken)
		return -EIO;
	a->calls->indices(a->chan, ix);
	if (!ix->out_size || !ix->in_size)
		return lis_hvb_fail(a, "ring size");
	if (!lis_hvb_index_ok(ix->out_write, ix->out_size))
		return lis_hvb_fail(a, "outbound write_index");
	if (!lis_hvb_index_ok(ix->out_read, ix->out_size))
		return lis_hvb_fail(a, "outbound read_index");
	if (!lis_hvb_index_ok(ix->in_write, ix->in_size))
		return lis_hvb_fail(a, "inbound write_index");
	if (!lis_hvb_index_ok(ix->in_read, ix->in_size))
		return lis_hvb_fail(a, "inbound read_index");
	return 0;
}

static u32 lis_hvb_write_room(const struct lis_hvb_indices *ix)
{
	if (ix->out_write >= ix->out_read)
		return ix->out_size - (ix->out_write - ix->out_read);
	return ix->out_read - ix->out_write;
}

static u32 lis_hvb_read_avail(const struct lis_hvb_indices *ix)
{
	if (ix->in_write >= ix->in_read)
		return ix->in_write - ix->in_read;
	return ix->in_size - ix->in_read + ix->in_write;
}

/**
 * lis_hvb_init() - start the adapter for a channel being opened
 * @a: its state
 * @calls: the in-kernel calls
 * @chan: their channel argument
 * @bounce: room for gathering multi-piece packets
 * @bounce_len: bytes in @bounce
 * @max_pkt: the channel's max_pkt_size, set before vmbus_open()
 */
void lis_hvb_init(struct lis_hvb_chan *a, const struct lis_hvb_calls *calls,
		  void *chan, void *bounce, u32 bounce_len, u32 max_pkt)
{
	memset(a, 0, sizeof(*a));
	a->calls = calls;
	a->chan = chan;
	a->bounce = bounce;
	a->bounce_len = bounce_len;
	a->max_pkt = max_pkt;
}

/**
 * lis_hvb_open_result() - vmbus_open()'s result as lis_channel_open()'s
 * @err: what vmbus_open() returned
 *
 * Return: 0; -EIO when the host refused (vmbus_open() says -EAGAIN);
 * -ENODEV (rescinded), -ENOMEM, -EINVAL and -ETIMEDOUT as they are; any
 * other failure -EIO.
 */
int lis_hvb_open_result(int err)
{
	switch (err) {
	case 0:
	case -ENODEV:
	case -ENOMEM:
	case -EINVAL:
	case -ETIMEDOUT:
		return err;
	default:
		return -EIO;
	}
}

/* Map a send's result; a rescinded channel is no longer connected. */
static int lis_hvb_send_result(struct lis_hvb_chan *a, int err)
{
	switch (err) {
	case 0:
	case -EAGAIN:
		return err;
	case -ENODEV:
		a->rescinded = true;
		return -ENOTCONN;
	default:
		return -EIO;
	}
}

static void lis_hvb_clear_pending(struct lis_hvb_chan *a)
{
	if (a->pending) {
		a->calls->set_pending_send(a->chan, 0);
		a->pending = false;
	}
}

/**
 * lis_hvb_sendv() - send one in-band packet gathered from @vec
 * @a: the channel
 * @vec: the packet's data, in pieces
 * @nvec: number of pieces
 * @trans_id: transaction id
 * @type: packet type
 * @flags: packet flags
 * @found_full: set when the ring had no room at first
 *
 * When the ring is full it asks the host to signal once the packet fits
 * (pending_send_sz: the packet and its trailer, as hv_sock does), then
 * looks once more, since the host may have made room before it saw the
 * request.  The next successful send clears the request.
 *
 * Context: writers serialised by the caller.
 * Return: 0; -EAGAIN (full); -EIO (broken, or a failure the kernel did
 * not explain); -ENOTCONN (rescinded); -EINVAL (a packet that can never
 * fit, or longer than the gather room).
 */
int lis_hvb_sendv(struct lis_hvb_chan *a, const struct lis_kvec *vec,
		  unsigned int nvec, u64 trans_id, u16 type, u16 flags,
		  bool *found_full)
{
	struct lis_hvb_indices ix;
	const void *buf;
	u64 len = 0, pkt;
	unsigned int i;
	u32 off;
	int ret;

	ret = lis_hvb_load(a, &ix);
	if (ret)
		return ret;
	for (i = 0; i < nvec; i++)
		len += vec[i].len;
	pkt = ALIGN(LIS_HVB_DESC + len, 8);
	/* The ring always keeps a gap: a packet must leave room for it. */
	if (pkt > 0xffffULL * 8 || pkt + LIS_RING_TRAILER_SIZE >= ix.out_size)
		return -EINVAL;
	if (nvec == 1) {
		buf = vec[0].base;
	} else {
		if (len > a->bounce_len)
			return -EINVAL;
		for (i = 0, off = 0; i < nvec; off += vec[i].len, i++)
			memcpy((u8 *)a->bounce + off, vec[i].base, vec[i].len);
		buf = a->bounce;
	}

	ret = a->calls->send(a->chan, buf, (u32)len, trans_id, type, flags);
	if (ret == -EAGAIN) {
		*found_full = true;
		a->calls->set_pending_send(a->chan,
					   (u32)pkt + LIS_RING_TRAILER_SIZE);
		a->pending = true;
		ret = lis_hvb_load(a, &ix);
		if (ret)
			return ret;
		if (lis_hvb_write_room(&ix) <= pkt + LIS_RING_TRAILER_SIZE)
			return -EAGAIN;
		ret = a->calls->send(a->chan, buf, (u32)len, trans_id, type,
				     flags);
	}
	if (!ret)
		lis_hvb_clear_pending(a);
	return lis_hvb_send_result(a, ret);
}

/**
 * lis_hvb_peek() - check the next inbound packet and fetch it
 * @a: the channel
 * @desc: its descriptor
 * @pkt_len: its length in bytes, descriptor included
 *
 * The descriptor is read once from shared memory and checked (length at
 * least a descriptor, data offset within the packet, the packet and its
 * trailer within the bytes available, the packet within max_pkt_size),
 * then the kernel copies the packet (hv_pkt_iter_first()); a copy whose
 * lengths differ from the checked ones means the host changed the
 * descriptor meanwhile.  Peeking again without lis_hvb_skip() returns the
 * same packet.
 *
 * Context: the channel's reader.
 * Return: 0; -EAGAIN (empty); -EIO (broken).
 */
int lis_hvb_peek(struct lis_hvb_chan *a, struct lis_vmpacket_desc *desc,
		 u32 *pkt_len)
{
	const struct lis_vmpacket_desc *kd;
	struct lis_vmpacket_desc raw;
	struct lis_hvb_indices ix;
	u32 avail, len, off;
	int ret;

	if (a->broken)
		return -EIO;
	if (a->cur) {
		*desc = *a->cur;
		*pkt_len = a->cur_len;
		return 0;
	}
	ret = lis_hvb_load(a, &ix);
	if (ret)
		return ret;
	avail = lis_hvb_read_avail(&ix);
	if (!avail)
		return -EAGAIN;
	if (avail < LIS_HVB_DESC + LIS_RING_TRAILER_SIZE)
		return lis_hvb_fail(a, "inbound write_index");

	a->calls->raw_desc(a->chan, &raw);
	len = (u32)raw.len8 << 3;
	off = (u32)raw.offset8 << 3;
	if (len < LIS_HVB_DESC)
		return lis_hvb_fail(a, "desc.len8");
	if (off < LIS_HVB_DESC || off > len)
		return lis_hvb_fail(a, "desc.offset8");
	if (len + LIS_RING_TRAILER_SIZE > avail)
		return lis_hvb_fail(a, "desc.len8");
	/* The kernel would cut it to max_pkt_size without a word. */
	if (len > a->max_pkt)
		return lis_hvb_fail(a, "desc.len8 (beyond max_pkt_size)");

	kd = a->calls->iter_first(a->chan);
	if (!kd)
		return lis_hvb_fail(a, "inbound write_index");
	if (kd->len8 != raw.len8 || kd->offset8 != raw.offset8)
		return lis_hvb_fail(a, "desc (changed while read)");
	a->cur = kd;
	a->cur_len = len;
	*desc = *kd;
	*pkt_len = len;
	return 0;
}

/**
 * lis_hvb_copy() - copy bytes of the peeked packet
 * @a: the channel
 * @offset: from this byte of the packet (0: the descriptor)
 * @buf: to here
 * @len: this many bytes
 *
 * Context: the channel's reader.
 * Return: 0; -EIO (broken); -EINVAL (nothing peeked, or beyond the
 * packet).
 */
int lis_hvb_copy(struct lis_hvb_chan *a, u32 offset, void *buf, u32 len)
{
	if (a->broken)
		return -EIO;
	if (!a->cur || offset > a->cur_len || len > a->cur_len - offset)
		return -EINVAL;
	memcpy(buf, (const u8 *)a->cur + offset, len);
	return 0;
}

/**
 * lis_hvb_skip() - consume the peeked packet
 * @a: the channel
 *
 * Context: the channel's reader.
 */
void lis_hvb_skip(struct lis_hvb_chan *a)
{
	if (!a->cur || a->broken)
		return;
	a->calls->iter_next(a->chan, a->cur);
	a->cur = NULL;
}

/**
 * lis_hvb_commit() - give the room of consumed packets back to the host
 * @a: the channel
 *
 * Context: the channel's reader.
 */
void lis_hvb_commit(struct lis_hvb_chan *a)
{
	if (!a->broken)
		a->calls->iter_close(a->chan);
}

/**
 * lis_hvb_batch_begin() - mask the host's signals while draining
 * @a: the channel
 *
 * Context: the channel's reader.
 */
void lis_hvb_batch_begin(struct lis_hvb_chan *a)
{
	a->calls->set_in_masked(a->chan, true);
}

/**
 * lis_hvb_batch_end() - unmask them
 * @a: the channel
 *
 * Context: the channel's reader.
 * Return: true if packets arrived meanwhile (never for a broken channel).
 */
bool lis_hvb_batch_end(struct lis_hvb_chan *a)
{
	a->calls->set_in_masked(a->chan, false);
	return lis_hvb_in_avail(a) != 0;
}

/**
 * lis_hvb_out_free() - bytes free in the outbound ring
 * @a: the channel
 *
 * Return: free bytes, 0 if broken.
 */
u32 lis_hvb_out_free(struct lis_hvb_chan *a)
{
	struct lis_hvb_indices ix;

	if (lis_hvb_load(a, &ix))
		return 0;
	return lis_hvb_write_room(&ix);
}

/**
 * lis_hvb_in_avail() - bytes waiting in the inbound ring
 * @a: the channel
 *
 * Return: bytes not yet consumed, 0 if broken.
 */
u32 lis_hvb_in_avail(struct lis_hvb_chan *a)
{
	struct lis_hvb_indices ix;

	if (lis_hvb_load(a, &ix))
		return 0;
	return lis_hvb_read_avail(&ix);
}

/**
 * lis_hvb_is_rescinded() - did the host withdraw the channel?
 * @a: the channel
 *
 * Return: true once the kernel saw the rescind, or a send found it.
 */
bool lis_hvb_is_rescinded(struct lis_hvb_chan *a)
{
	return a->rescinded || a->calls->rescinded(a->chan);
}

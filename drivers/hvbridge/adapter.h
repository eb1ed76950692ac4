/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis_hvbridge's adapter: lis channel semantics on top of the in-kernel
 * VMBus ring code (vmbus_sendpacket(), hv_pkt_iter_*()).
 *
 * Pure code (see include/lis/shim.h): it reaches the in-kernel VMBus only
 * through struct lis_hvb_calls, so it builds without <linux/hyperv.h> and
 * a KUnit suite drives it against a fake of those calls.  The kernel glue
 * (chan.c) fills the table with the real calls and serialises writers.
 *
 * What the adapter adds to the kernel's ring code: the return codes lis
 * drivers expect, pending_send_sz when the outbound ring is full (as
 * hv_sock does), and the checks lis makes in native mode on what the host
 * wrote: every ring index the host owns, and every packet descriptor
 * before the kernel's copy of it is trusted.  The kernel clamps a bad
 * length or offset silently; the adapter marks the channel broken
 * instead, naming the field.
 */
#ifndef _LIS_HVBRIDGE_ADAPTER_H
#define _LIS_HVBRIDGE_ADAPTER_H

#include <lis/shim.h>
#include <lis/ring.h>

/**
 * struct lis_hvb_indices - a channel's ring indices, each read once
 * @out_write: outbound write_index (the guest's, in shared memory)
 * @out_read: outbound read_index (the host's)
 * @out_size: outbound data bytes (ring_datasize)
 * @in_write: inbound write_index (the host's)
 * @in_read: inbound read cursor (the kernel's private priv_read_index)
 * @in_size: inbound data bytes (ring_datasize)
 */
struct lis_hvb_indices {
	u32 out_write;
	u32 out_read;
	u32 out_size;
	u32 in_write;
	u32 in_read;
	u32 in_size;
};

/**
 * struct lis_hvb_calls - the in-kernel VMBus calls the adapter makes
 * @send: vmbus_sendpacket() of one in-band packet: 0, -EAGAIN when the
 *	ring is full, -ENODEV when rescinded, or another negative errno
 * @indices: fill in the indices, each read once from shared memory
 * @raw_desc: copy the descriptor at the inbound read cursor out of shared
 *	memory (once)
 * @iter_first: hv_pkt_iter_first(): the kernel's copy of the next packet
 *	(lengths clamped to what is available and to max_pkt_size), or NULL
 * @iter_next: __hv_pkt_iter_next(): consume the packet @iter_first gave
 * @iter_close: hv_pkt_iter_close(): give the consumed room back to the
 *	host (it signals the host if the host asked for room)
 * @set_pending_send: set_channel_pending_send_size() and a full barrier
 * @set_in_masked: hv_begin_read() (true) or hv_end_read() (false)
 * @rescinded: the channel's rescind flag
 */
struct lis_hvb_calls {
	int (*send)(void *chan, const void *buf, u32 len, u64 trans_id,
		    u16 type, u16 flags);
	void (*indices)(void *chan, struct lis_hvb_indices *ix);
	void (*raw_desc)(void *chan, struct lis_vmpacket_desc *desc);
	const struct lis_vmpacket_desc *(*iter_first)(void *chan);
	void (*iter_next)(void *chan, const struct lis_vmpacket_desc *desc);
	void (*iter_close)(void *chan);
	void (*set_pending_send)(void *chan, u32 bytes);
	void (*set_in_masked)(void *chan, bool masked);
	bool (*rescinded)(void *chan);
};

/**
 * struct lis_hvb_chan - the adapter's state for one open channel
 * @calls: the in-kernel calls
 * @chan: their channel argument (a struct vmbus_channel)
 * @bounce: room to gather a multi-piece packet (writers serialised)
 * @bounce_len: bytes in @bounce
 * @max_pkt: the largest packet the kernel copies whole (max_pkt_size)
 * @cur: the kernel's copy of the peeked packet, or NULL
 * @cur_len: its validated length in bytes
 * @pending: pending_send_sz is set
 * @rescinded: a send found the channel rescinded
 * @broken: the host wrote a bad value; every call fails with -EIO
 * @broken_field: names it
 */
struct lis_hvb_chan {
	const struct lis_hvb_calls *calls;
	void *chan;
	void *bounce;
	u32 bounce_len;
	u32 max_pkt;
	const struct lis_vmpacket_desc *cur;
	u32 cur_len;
	bool pending;
	bool rescinded;
	bool broken;
	const char *broken_field;
};

void lis_hvb_init(struct lis_hvb_chan *a, const struct lis_hvb_calls *calls,
		  void *chan, void *bounce, u32 bounce_len, u32 max_pkt);
int lis_hvb_open_result(int err);
int lis_hvb_sendv(struct lis_hvb_chan *a, const struct lis_kvec *vec,
		  unsigned int nvec, u64 trans_id, u16 type, u16 flags,
		  bool *found_full);
int lis_hvb_peek(struct lis_hvb_chan *a, struct lis_vmpacket_desc *desc,
		 u32 *pkt_len);
int lis_hvb_copy(struct lis_hvb_chan *a, u32 offset, void *buf, u32 len);
void lis_hvb_skip(struct lis_hvb_chan *a);
void lis_hvb_commit(struct lis_hvb_chan *a);
void lis_hvb_batch_begin(struct lis_hvb_chan *a);
bool lis_hvb_batch_end(struct lis_hvb_chan *a);
u32 lis_hvb_out_free(struct lis_hvb_chan *a);
u32 lis_hvb_in_avail(struct lis_hvb_chan *a);
bool lis_hvb_is_rescinded(struct lis_hvb_chan *a);

#endif /* _LIS_HVBRIDGE_ADAPTER_H */

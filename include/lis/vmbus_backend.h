/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Channel backends: how a struct lis_channel reaches its host.
 *
 * Every lis_channel_*() call of include/lis/vmbus.h dispatches through the
 * channel's struct lis_channel_ops.  lis_vmbus's own connection provides
 * the native backend (its rings, GPADLs and OPENCHANNEL).  Another module
 * can put a device on the lis_vmbus bus with its own backend through
 * lis_foreign_device_add(): lis_hvbridge does so for channels that the
 * in-kernel hv_vmbus owns.  Drivers never see the difference.
 *
 * The common wrappers (drivers/vmbus/chan_api.c) own what every backend
 * shares: the driver's callback and its serialisation, open/closed state,
 * and the statistics shown in sysfs.
 */
#ifndef _LIS_VMBUS_BACKEND_H
#define _LIS_VMBUS_BACKEND_H

#include "vmbus.h"

/**
 * struct lis_chan_events - what a backend call did, for the statistics
 * @signalled: the host was signalled
 * @found_full: the outbound ring had no room for the packet (even if a
 *	retry then sent it)
 */
struct lis_chan_events {
	bool signalled;
	bool found_full;
};

/**
 * struct lis_channel_ops - a channel backend
 * @name: the backend's name, for logs ("native", "hvbridge")
 * @open: open the channel with rings of these sizes (page multiples,
 *	header page included) and up to 120 bytes of @user_data.  The
 *	driver's callback is already published: the backend calls
 *	lis_channel_notify() (or the native dispatch) whenever the host
 *	signals the channel, from the moment it may.  Returns 0 or a
 *	negative errno as lis_channel_open().  Context: process, may sleep.
 * @close: close an open channel; when it returns the backend calls
 *	lis_channel_notify() no more.  Context: process, may sleep.
 * @sendv: write one in-band packet gathered from @vec (the backend adds
 *	the descriptor); note in *@ev what happened.  Must
 *	not sleep.  Returns 0, -EAGAIN (full: the backend has asked the host
 *	to signal once the packet fits), -EIO (broken), -ENOTCONN (not open),
 *	-EINVAL (oversized).
 * @recv_peek: validate the next inbound packet without consuming it: its
 *	descriptor, and its whole length in bytes (descriptor included, at
 *	least the data offset).  Returns 0, -EAGAIN (empty), -EIO (broken),
 *	-ENOTCONN.  The receive side is an iterator over packets in place,
 *	as the kernel's hv_pkt_iter_first/next/close: @recv_peek (first),
 *	@recv_skip (next), @recv_commit (close).
 * @recv_copy: copy @len bytes at @offset of the peeked packet (both
 *	within its length).  Returns 0 or -EIO.
 * @recv_skip: consume the peeked packet; the host does not get the room
 *	back until @recv_commit.
 * @recv_commit: give the room of consumed packets back to the host; note
 *	in *@ev whether the host was signalled.
 * @recv_first: optional, the in-place receive: check the next inbound
 *	packet and fill *@pkt with where it lies (a packet that wraps is
 *	copied whole into @bounce); nothing consumed.  Returns 0, -EAGAIN
 *	(empty), -ENOBUFS (wraps and @bounce is too small; @pkt->raw_len
 *	set), -EIO, -ENOTCONN.  Without @recv_first, @recv_next and
 *	@recv_end the common code iterates with @recv_peek and @recv_copy,
 *	every packet through the bounce buffer.
 * @recv_next: consume the packet shown (or refused with -ENOBUFS) and
 *	show the next, as @recv_first
 * @recv_end: give the room of consumed packets back to the host; note in
 *	*@ev whether the host was signalled
 * @batch_begin: mask the host's signals while the reader drains
 * @batch_end: unmask them; return true if packets arrived meanwhile
 * @out_free: bytes free in the outbound ring (0 when closed or broken)
 * @in_avail: bytes waiting in the inbound ring (0 when closed or broken)
 * @is_broken: the host corrupted the channel or broke its protocol
 * @is_rescinded: the host withdrew the channel
 * @version: the VMBus protocol version, (major << 16) | minor
 * @relid: the host's id for the channel
 * @target_cpu: the CPU the host signals
 * @set_target_cpu: move the channel to another CPU; NULL when the backend
 *	cannot (sysfs then refuses writes with -EOPNOTSUPP)
 *
 * Callers of @recv_peek, @recv_copy, @recv_skip, @recv_commit, @recv_first,
 * @recv_next, @recv_end, @batch_begin and @batch_end are serialised (one reader per channel); @sendv may be
 * called concurrently from any context and the backend serialises writers.
 */
struct lis_channel_ops {
	const char *name;
	int (*open)(struct lis_channel *ch, u32 out_ring_bytes,
		    u32 in_ring_bytes, const void *user_data, u32 user_len);
	void (*close)(struct lis_channel *ch);
	int (*sendv)(struct lis_channel *ch, const struct lis_kvec *vec,
		     unsigned int nvec, u64 trans_id, u16 type, u16 flags,
		     struct lis_chan_events *ev);
	int (*recv_peek)(struct lis_channel *ch, struct lis_vmpacket_desc *desc,
			 u32 *pkt_len);
	int (*recv_copy)(struct lis_channel *ch, u32 offset, void *buf,
			 u32 len);
	void (*recv_skip)(struct lis_channel *ch);
	void (*recv_commit)(struct lis_channel *ch, struct lis_chan_events *ev);
	int (*recv_first)(struct lis_channel *ch, void *bounce, u32 bounce_len,
			  struct lis_ring_pkt *pkt);
	int (*recv_next)(struct lis_channel *ch, struct lis_ring_pkt *pkt);
	void (*recv_end)(struct lis_channel *ch, struct lis_chan_events *ev);
	void (*batch_begin)(struct lis_channel *ch);
	bool (*batch_end)(struct lis_channel *ch);
	u32 (*out_free)(struct lis_channel *ch);
	u32 (*in_avail)(struct lis_channel *ch);
	bool (*is_broken)(struct lis_channel *ch);
	bool (*is_rescinded)(struct lis_channel *ch);
	u32 (*version)(struct lis_channel *ch);
	u32 (*relid)(struct lis_channel *ch);
	unsigned int (*target_cpu)(struct lis_channel *ch);
	int (*set_target_cpu)(struct lis_channel *ch, unsigned int cpu);
};

struct lis_device *lis_foreign_device_add(struct device *parent,
					  const guid_t *class_id,
					  const guid_t *instance_id,
					  const struct lis_channel_ops *ops,
					  void *backend);
void lis_foreign_device_remove(struct lis_device *ldev);
void *lis_channel_backend(struct lis_channel *ch);
void lis_channel_notify(struct lis_channel *ch);

#endif /* _LIS_VMBUS_BACKEND_H */

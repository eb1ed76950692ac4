// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exports of the kernel's drivers/hv/channel.c that Debian's stock
 * hv_balloon and hv_utils import: open, close, send and receive on a
 * channel.  Each hands over to chan.c.
 *
 * This file includes exactly what channel.c includes (hv_channel_inc.h,
 * made at build time from the kernel's own linux-source, with its private
 * hyperv_vmbus.h), so genksyms sees the same types and the modversion CRCs
 * are those of the stock hv_vmbus.
 */
#include "hv_channel_inc.h"
#include "hvcompat.h"

/**
 * vmbus_open() - open a channel
 * @channel: the channel of the hv_device being probed
 * @send_ringbuffersize: guest-to-host ring in bytes, header page included;
 *	a multiple of PAGE_SIZE
 * @recv_ringbuffersize: host-to-guest ring, the same way
 * @userdata: up to 120 bytes for the host's OPENCHANNEL, or NULL
 * @userdatalen: bytes in @userdata
 * @onchannel_callback: run when the host signals the channel, in the
 *	context the channel's callback_mode asks for
 * @context: its argument
 *
 * The callback may run before this returns.
 *
 * Context: process; sleeps until the host answers.
 * Return: 0 or a negative errno (-EINVAL for bad sizes or an open channel).
 */
int vmbus_open(struct vmbus_channel *channel, u32 send_ringbuffersize,
	       u32 recv_ringbuffersize, void *userdata, u32 userdatalen,
	       void (*onchannel_callback)(void *context), void *context)
{
	return hvc_open(channel, send_ringbuffersize, recv_ringbuffersize,
			userdata, userdatalen, onchannel_callback, context);
}
EXPORT_SYMBOL_GPL(vmbus_open);

/**
 * vmbus_close() - close a channel and free its rings
 * @channel: an open channel (a closed one is left alone)
 *
 * After it returns the callback is not running and will not run again.
 *
 * Context: process; sleeps until the host confirms.
 */
void vmbus_close(struct vmbus_channel *channel)
{
	hvc_close(channel);
}
EXPORT_SYMBOL_GPL(vmbus_close);

/**
 * vmbus_sendpacket() - send one packet
 * @channel: an open channel
 * @buffer: the packet's data (the descriptor is added)
 * @bufferlen: its length
 * @requestid: transaction id written to the descriptor
 * @type: packet type (VM_PKT_DATA_INBAND, ...)
 * @flags: descriptor flags (VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED)
 *
 * Context: any.
 * Return: 0; -EAGAIN if the ring is full; -ENODEV if the channel was
 * rescinded; -EIO if it is broken; -ENOTCONN if it is not open.
 */
int vmbus_sendpacket(struct vmbus_channel *channel, void *buffer,
		     u32 bufferlen, u64 requestid,
		     enum vmbus_packet_type type, u32 flags)
{
	return hvc_sendpacket(channel, buffer, bufferlen, requestid, type,
			      flags);
}
EXPORT_SYMBOL(vmbus_sendpacket);

/**
 * vmbus_recvpacket() - take the next packet's data off the inbound ring
 * @channel: an open channel
 * @buffer: where the data after the descriptor goes
 * @bufferlen: room in @buffer
 * @buffer_actual_len: set to the data's length; 0 when the ring is empty
 * @requestid: set to the descriptor's transaction id
 *
 * Context: the channel's callback (one reader at a time).
 * Return: 0 (also when the ring is empty); -ENOBUFS if @bufferlen is too
 * small (the packet stays, *@buffer_actual_len says how much is needed);
 * -EINVAL if @bufferlen is 0; -EIO if the channel is broken; -ENOTCONN
 * if it is not open.
 */
int vmbus_recvpacket(struct vmbus_channel *channel, void *buffer,
		     u32 bufferlen, u32 *buffer_actual_len, u64 *requestid)
{
	return hvc_recvpacket(channel, buffer, bufferlen, buffer_actual_len,
			      requestid);
}
EXPORT_SYMBOL(vmbus_recvpacket);

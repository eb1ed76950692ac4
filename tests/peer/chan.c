// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_hvcompat's channels: the kernel's struct vmbus_channel carried out
 * with lis_vmbus's channel API.
 *
 * Callbacks run as the kernel's core runs them (drivers/hv/vmbus_drv.c,
 * vmbus_chan_sched(), and connection.c, vmbus_on_event()): lis_vmbus
 * signals the channel in softirq context; for HV_CALL_ISR the driver's
 * callback runs right there, for HV_CALL_DIRECT and HV_CALL_BATCHED the
 * channel's own tasklet (callback_event) is scheduled and runs it once;
 * HV_CALL_BATCHED also keeps the host's signals masked while the tasklet
 * drains and runs it again if packets arrived meanwhile.  hv_utils
 * schedules callback_event itself when its daemon answers, so the tasklet
 * is the channel's, as in the kernel.
 */
#include <linux/interrupt.h>
#include <linux/module.h>

#include "core.h"

/* lis_vmbus's callback: the host signalled the channel.  Softirq. */
static void hvc_lis_cb(void *ctx)
{
	struct vmbus_channel *chan = ctx;
	struct hvc_dev *hd = hvc_from_chan(chan);
	void (*cb)(void *ctx);

	if (READ_ONCE(chan->rescind))
		return;
	spin_lock(&chan->sched_lock);
	cb = chan->onchannel_callback;
	if (!cb)
		goto unlock;
	chan->interrupts++;
	switch (chan->callback_mode) {
	case HV_CALL_ISR:
		cb(chan->channel_callback_context);
		break;
	case HV_CALL_BATCHED:
		lis_channel_batch_begin(hd->lch);
		fallthrough;
	case HV_CALL_DIRECT:
		tasklet_schedule(&chan->callback_event);
		break;
	}
unlock:
	spin_unlock(&chan->sched_lock);
}

/* The channel's tasklet, callback_event. */
static void hvc_on_event(unsigned long data)
{
	struct vmbus_channel *chan = (struct vmbus_channel *)data;
	struct hvc_dev *hd = hvc_from_chan(chan);
	void (*cb)(void *ctx);

	cb = READ_ONCE(chan->onchannel_callback);
	if (!cb)
		return;
	cb(chan->channel_callback_context);
	if (chan->callback_mode != HV_CALL_BATCHED)
		return;
	if (!lis_channel_batch_end(hd->lch))
		return;
	lis_channel_batch_begin(hd->lch);
	tasklet_schedule(&chan->callback_event);
}

/**
 * hvc_chan_init() - set up a device's vmbus_channel as an offer would
 * @hd: the new device
 *
 * Context: process.
 */
void hvc_chan_init(struct hvc_dev *hd)
{
	struct vmbus_channel *chan = &hd->chan;

	spin_lock_init(&chan->sched_lock);
	tasklet_init(&chan->callback_event, hvc_on_event, (unsigned long)chan);
	INIT_LIST_HEAD(&chan->sc_list);
	chan->device_obj = &hd->hv;
	chan->offermsg.offer.if_type = hd->hv.dev_type;
	chan->offermsg.offer.if_instance = hd->hv.dev_instance;
	chan->callback_mode = HV_CALL_BATCHED;
	chan->state = CHANNEL_OPEN_STATE;
}

/**
 * hvc_chan_destroy() - the device is released
 * @hd: the device
 *
 * Context: process.
 */
void hvc_chan_destroy(struct hvc_dev *hd)
{
	tasklet_kill(&hd->chan.callback_event);
}

/**
 * hvc_open() - vmbus_open() (see exp_channel.c)
 * @chan: the channel
 * @send_bytes: outbound ring, header page included
 * @recv_bytes: inbound ring, header page included
 * @userdata: OPENCHANNEL user data, or NULL
 * @userlen: its length
 * @cb: the driver's callback
 * @ctx: its argument
 *
 * Context: process.
 * Return: 0 or a negative errno.
 */
int hvc_open(struct vmbus_channel *chan, u32 send_bytes, u32 recv_bytes,
	     void *userdata, u32 userlen, void (*cb)(void *ctx), void *ctx)
{
	struct hvc_dev *hd = hvc_from_chan(chan);
	unsigned long flags;
	int ret;

	if (chan->state != CHANNEL_OPEN_STATE)
		return -EINVAL;
	if (!PAGE_ALIGNED(send_bytes) || !PAGE_ALIGNED(recv_bytes))
		return -EINVAL;
	if (!chan->max_pkt_size)
		chan->max_pkt_size = VMBUS_DEFAULT_MAX_PKT_SIZE;
	spin_lock_irqsave(&chan->sched_lock, flags);
	chan->channel_callback_context = ctx;
	chan->onchannel_callback = cb;
	spin_unlock_irqrestore(&chan->sched_lock, flags);

	chan->state = CHANNEL_OPENING_STATE;
	ret = lis_channel_open(hd->lch, send_bytes, recv_bytes, userdata,
			       userlen, hvc_lis_cb, chan);
	if (ret) {
		dev_err(&hd->hv.device, "opening the channel failed: %d\n",
			ret);
		spin_lock_irqsave(&chan->sched_lock, flags);
		chan->onchannel_callback = NULL;
		spin_unlock_irqrestore(&chan->sched_lock, flags);
		chan->state = CHANNEL_OPEN_STATE;
		return ret == -EBUSY ? -EINVAL : ret;
	}
	chan->state = CHANNEL_OPENED_STATE;
	return 0;
}

/**
 * hvc_close() - vmbus_close() (see exp_channel.c)
 * @chan: the channel
 *
 * Context: process.
 */
void hvc_close(struct vmbus_channel *chan)
{
	struct hvc_dev *hd = hvc_from_chan(chan);
	unsigned long flags;

	if (chan->state != CHANNEL_OPENED_STATE)
		return;
	/* No callback runs or starts once this is done. */
	tasklet_disable(&chan->callback_event);
	spin_lock_irqsave(&chan->sched_lock, flags);
	chan->onchannel_callback = NULL;
	spin_unlock_irqrestore(&chan->sched_lock, flags);
	tasklet_enable(&chan->callback_event);

	lis_channel_close(hd->lch);
	chan->state = CHANNEL_OPEN_STATE;
}

/**
 * hvc_sendpacket() - vmbus_sendpacket() (see exp_channel.c)
 * @chan: the channel
 * @buf: data
 * @len: its length
 * @requestid: transaction id
 * @type: packet type
 * @flags: descriptor flags
 *
 * Context: any.
 * Return: 0 or a negative errno.
 */
int hvc_sendpacket(struct vmbus_channel *chan, void *buf, u32 len,
		   u64 requestid, enum vmbus_packet_type type, u32 flags)
{
	struct hvc_dev *hd = hvc_from_chan(chan);

	if (READ_ONCE(chan->rescind))
		return -ENODEV;
	/* Not open: lis_vmbus says -ENOTCONN. */
	return lis_channel_send(hd->lch, buf, len, requestid, type, flags);
}

/**
 * hvc_recvpacket() - vmbus_recvpacket() (see exp_channel.c)
 * @chan: the channel
 * @buf: where the data goes
 * @buflen: room in @buf
 * @actual: the data's length, 0 if there was no packet
 * @requestid: the packet's transaction id
 *
 * Context: the channel's reader.
 * Return: 0, also for an empty ring; -ENOBUFS; -EINVAL; -EIO; -ENOTCONN
 * if the channel is not open.
 */
int hvc_recvpacket(struct vmbus_channel *chan, void *buf, u32 buflen,
		   u32 *actual, u64 *requestid)
{
	struct hvc_dev *hd = hvc_from_chan(chan);
	u32 len = 0;
	u64 id = 0;
	int ret;

	if (!buflen)
		return -EINVAL;
	*actual = 0;
	*requestid = 0;
	/*
	 * Not gated on chan->state: the callback may run, and read, before
	 * vmbus_open() returns (hv_utils' services get the host's NEGOTIATE
	 * at once).  A channel that is not open has no rings: -ENOTCONN.
	 */
	ret = lis_channel_recv(hd->lch, buf, buflen, &len, &id);
	switch (ret) {
	case 0:
	case -ENOBUFS:
		*actual = len;
		*requestid = id;
		return ret;
	case -EAGAIN:
		return 0;
	default:
		return ret;
	}
}

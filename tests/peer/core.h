/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis_hvcompat's own objects: one hv_device and its vmbus_channel for each
 * lis_vmbus device it binds.
 */
#ifndef _LIS_HVCOMPAT_CORE_H
#define _LIS_HVCOMPAT_CORE_H

#include <linux/hyperv.h>
#include <linux/interrupt.h>

#include <lis/vmbus.h>

#include "hvcompat.h"

/**
 * struct hvc_dev - a lis_vmbus device as the in-kernel VMBus shows it
 * @hv: what hv_driver probe/remove get; @hv.channel points at @chan
 * @chan: the channel hv drivers open, send and receive on.  Its
 *	sched_lock protects onchannel_callback against hvc_close();
 *	callback_event is the per-channel tasklet, as in the kernel's core
 * @ldev: the lis_vmbus device bound by lis_hvcompat
 * @lch: @ldev's channel
 */
struct hvc_dev {
	struct hv_device hv;
	struct vmbus_channel chan;
	struct lis_device *ldev;
	struct lis_channel *lch;
};

static inline struct hvc_dev *hvc_from_chan(struct vmbus_channel *chan)
{
	return container_of(chan, struct hvc_dev, chan);
}

void hvc_chan_init(struct hvc_dev *hd);
void hvc_chan_destroy(struct hvc_dev *hd);

#endif /* _LIS_HVCOMPAT_CORE_H */

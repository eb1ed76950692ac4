/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis_hvbridge internals: one bridged device, and the channel backend
 * that carries lis_vmbus channel calls to the in-kernel VMBus.
 */
#ifndef _LIS_HVBRIDGE_H
#define _LIS_HVBRIDGE_H

#include <linux/hyperv.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

#include <lis/vmbus_backend.h>
#include "adapter.h"

/**
 * struct lis_hvb_dev - one in-kernel VMBus device bridged to lis_vmbus
 * @hdev: the hv_vmbus device (our parent; its driver is lis_hvbridge)
 * @ldev: the lis_vmbus device standing for it
 * @ch: @ldev's channel, known from the first open
 * @open_lock: serialises open and close (the common wrapper does too;
 *	this one also covers @opened for the backend's own readers)
 * @opened: vmbus_open() succeeded and vmbus_close() has not run
 * @send_lock: serialises writers: the adapter's bounce buffer and its
 *	pending_send_sz bookkeeping
 * @adapter: the adapter's state (pure code, adapter.c)
 * @bounce: the adapter's gather buffer, allocated at open
 * @broken_logged: the "marked broken" line was printed
 */
struct lis_hvb_dev {
	struct hv_device *hdev;
	struct lis_device *ldev;
	struct lis_channel *ch;
	struct mutex open_lock;
	bool opened;
	spinlock_t send_lock;
	struct lis_hvb_chan adapter;
	void *bounce;
	bool broken_logged;
};

extern const struct lis_channel_ops lis_hvb_chan_ops;
extern const struct lis_hvb_calls lis_hvb_kernel_calls;

struct lis_hvb_dev *lis_hvb_dev_add(struct hv_device *hdev);
void lis_hvb_dev_remove(struct lis_hvb_dev *d);

#endif /* _LIS_HVBRIDGE_H */

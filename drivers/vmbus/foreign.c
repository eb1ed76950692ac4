// SPDX-License-Identifier: GPL-2.0-only
/*
 * Foreign devices: a device on the lis_vmbus bus whose channel another
 * module provides (its own struct lis_channel_ops).  lis_hvbridge adds the
 * channels the in-kernel hv_vmbus owns this way; lis_balloon and lis_vss
 * bind to them as to any other lis_vmbus device.
 */
#include <linux/slab.h>

#include "core.h"

static bool lis_foreign_ops_complete(const struct lis_channel_ops *o)
{
	return o->name && o->open && o->close && o->sendv && o->recv_peek &&
	       o->recv_copy && o->recv_skip && o->recv_commit &&
	       o->batch_begin && o->batch_end && o->out_free && o->in_avail &&
	       o->is_broken && o->is_rescinded && o->version && o->relid &&
	       o->target_cpu;
}

static void lis_foreign_device_release(struct device *dev)
{
	kfree(to_lis_device(dev));
}

/**
 * lis_foreign_device_add() - add a device with its own channel backend
 * @parent: the device it stands for (e.g. the in-kernel hv_device)
 * @class_id: interface type GUID: drivers match it
 * @instance_id: interface instance GUID: the device's name
 * @ops: the channel backend; every member but set_target_cpu is required
 * @backend: the backend's state, returned by lis_channel_backend()
 *
 * The device is registered at once, so a driver may probe it (and open
 * its channel) before this returns.  The caller keeps @parent, @ops and
 * @backend alive until lis_foreign_device_remove() returns.
 *
 * Context: process.
 * Return: the device, or ERR_PTR(-EINVAL) for incomplete @ops,
 * ERR_PTR(-ENOMEM), or device_register()'s error.
 */
struct lis_device *lis_foreign_device_add(struct device *parent,
					  const guid_t *class_id,
					  const guid_t *instance_id,
					  const struct lis_channel_ops *ops,
					  void *backend)
{
	struct lis_device *ldev;
	struct lis_channel *ch;
	int ret;

	if (!lis_foreign_ops_complete(ops))
		return ERR_PTR(-EINVAL);
	ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	if (!ch)
		return ERR_PTR(-ENOMEM);
	lis_channel_init_common(ch, ops, backend);
	ldev = kzalloc(sizeof(*ldev), GFP_KERNEL);
	if (!ldev) {
		ret = -ENOMEM;
		goto free_channel;
	}
	ldev->class_id = *class_id;
	ldev->instance_id = *instance_id;
	ldev->channel = ch;
	ldev->dev.bus = &lis_bus_type;
	ldev->dev.parent = parent;
	ldev->dev.release = lis_foreign_device_release;
	dev_set_name(&ldev->dev, "%pUl", &ldev->instance_id);
	ch->device = ldev;

	ret = device_register(&ldev->dev);
	if (ret) {
		pr_err("%s: registering device %pUl failed: %d\n", ops->name,
		       instance_id, ret);
		/* The release function frees ldev. */
		put_device(&ldev->dev);
		goto free_channel;
	}
	return ldev;

free_channel:
	lis_channel_destroy_common(ch);
	kfree(ch);
	return ERR_PTR(ret);
}
EXPORT_SYMBOL_NS_GPL(lis_foreign_device_add, LIS);

/**
 * lis_foreign_device_remove() - take a foreign device off the bus
 * @ldev: from lis_foreign_device_add()
 *
 * Its driver is unbound first (and its channel closed through the
 * backend, if the driver left it open); then the channel is freed.  The
 * backend's state is the caller's to free afterwards.
 *
 * Context: process.
 */
void lis_foreign_device_remove(struct lis_device *ldev)
{
	struct lis_channel *ch = ldev->channel;

	device_unregister(&ldev->dev);
	lis_channel_destroy_common(ch);
	kfree(ch);
}
EXPORT_SYMBOL_NS_GPL(lis_foreign_device_remove, LIS);

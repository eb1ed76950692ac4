/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The lis_vmbus driver API: the bus, devices, drivers and channels.
 *
 * A device appears on the lis_vmbus bus for every channel the host offers.
 * A driver matches it by class GUID, opens its channel in probe, sends and
 * receives packets through the channel's two rings, and closes it in
 * remove.  Documentation/vmbus.rst has a complete example.
 *
 * Nothing here assumes that lis_vmbus's own connection layer owns the
 * channel: a driver sees only struct lis_channel and these calls.
 */
#ifndef _LIS_VMBUS_H
#define _LIS_VMBUS_H

#include <linux/device.h>
#include <linux/mod_devicetable.h>
#include <linux/spinlock.h>
#include <linux/uuid.h>
#include "ring.h"

struct lis_vmbus;
struct lis_channel;

/**
 * typedef lis_channel_cb - a channel's inbound ring was signalled
 * @ctx: the driver's context, as given to lis_channel_open()
 *
 * Context: softirq, on the channel's target CPU.  Never concurrently with
 * itself for one channel.  Must not sleep; defer long work to a workqueue.
 */
typedef void (*lis_channel_cb)(void *ctx);

/**
 * struct lis_device_id - what a driver binds to
 * @guid: device class GUID (the offer's interface type)
 * @driver_data: free for the driver
 */
struct lis_device_id {
	guid_t guid;
	kernel_ulong_t driver_data;
};

/**
 * struct lis_device - one offered channel, as a device
 * @dev: the driver-model device; named after the instance GUID
 * @class_id: interface type GUID from the offer
 * @instance_id: interface instance GUID from the offer
 * @channel: the device's primary channel
 */
struct lis_device {
	struct device dev;
	guid_t class_id;
	guid_t instance_id;
	struct lis_channel *channel;
};

#define to_lis_device(d) container_of(d, struct lis_device, dev)

/**
 * struct lis_driver - a driver for lis_vmbus devices
 * @name: driver name
 * @id_table: class GUIDs served, ending with an all-zero entry
 * @probe: bind to a device; usually opens the channel.  Context: process.
 * @remove: unbind; must close the channel.  Context: process.
 * @driver: the driver-model driver (filled in by lis_driver_register())
 */
struct lis_driver {
	const char *name;
	const struct lis_device_id *id_table;
	int (*probe)(struct lis_device *dev, const struct lis_device_id *id);
	void (*remove)(struct lis_device *dev);
	struct device_driver driver;
};

#define to_lis_driver(d) container_of(d, struct lis_driver, driver)

int __lis_driver_register(struct lis_driver *drv, struct module *owner,
			  const char *mod_name);
#define lis_driver_register(drv) \
	__lis_driver_register(drv, THIS_MODULE, KBUILD_MODNAME)
void lis_driver_unregister(struct lis_driver *drv);

/*
 * Module alias for a class GUID, so that udev autoloads the driver.
 * Written as 32 lower-case hex digits of the GUID's bytes in wire order,
 * e.g. MODULE_ALIAS("lis_vmbus:dc7450528589e2468057a307dc18a502").
 */
#define LIS_MODALIAS_PREFIX "lis_vmbus:"

int lis_channel_open(struct lis_channel *ch, u32 out_ring_bytes,
		     u32 in_ring_bytes, const void *user_data, u32 user_len,
		     lis_channel_cb cb, void *ctx);
void lis_channel_close(struct lis_channel *ch);

int lis_channel_send(struct lis_channel *ch, const void *buf, u32 len,
		     u64 trans_id, u16 type, u16 flags);
int lis_channel_sendv(struct lis_channel *ch, const struct lis_kvec *vec,
		      unsigned int nvec, u64 trans_id, u16 type, u16 flags);
int lis_channel_recv(struct lis_channel *ch, void *buf, u32 buflen,
		     u32 *actual, u64 *trans_id);
int lis_channel_recv_raw(struct lis_channel *ch, void *buf, u32 buflen,
			 u32 *actual);
int lis_channel_recv_begin(struct lis_channel *ch, void *bounce,
			   u32 bounce_len, struct lis_ring_pkt *pkt);
int lis_channel_recv_next(struct lis_channel *ch, struct lis_ring_pkt *pkt);
void lis_channel_recv_end(struct lis_channel *ch);

void lis_channel_batch_begin(struct lis_channel *ch);
bool lis_channel_batch_end(struct lis_channel *ch);

u32 lis_channel_out_free(struct lis_channel *ch);
u32 lis_channel_in_avail(struct lis_channel *ch);
bool lis_channel_is_broken(struct lis_channel *ch);
bool lis_channel_is_rescinded(struct lis_channel *ch);
struct lis_device *lis_channel_device(struct lis_channel *ch);
u32 lis_vmbus_version(struct lis_channel *ch);

#endif /* _LIS_VMBUS_H */

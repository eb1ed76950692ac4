// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exports of the kernel's drivers/hv/vmbus_drv.c that Debian's stock
 * hv_balloon and hv_utils import: driver registration on the vmbus bus.
 * Each hands over to bus.c.
 *
 * This file includes exactly what vmbus_drv.c includes (hv_vmbus_drv_inc.h,
 * made at build time from the kernel's own linux-source), so the
 * modversion CRCs are those of the stock hv_vmbus.
 */
#include "hv_vmbus_drv_inc.h"
#include "hvcompat.h"

/**
 * __vmbus_driver_register() - register a driver on lis_hvcompat's vmbus bus
 * @hv_driver: the driver; its id_table names the device classes it serves
 * @owner: the driver's module
 * @mod_name: its name
 *
 * Devices already on the bus are probed at once.
 *
 * Context: process.
 * Return: 0 or a negative errno from driver_register().
 */
int __vmbus_driver_register(struct hv_driver *hv_driver, struct module *owner,
			    const char *mod_name)
{
	return hvc_driver_register(hv_driver, owner, mod_name);
}
EXPORT_SYMBOL_GPL(__vmbus_driver_register);

/**
 * vmbus_driver_unregister() - unregister a driver; its devices are removed
 * @hv_driver: a driver registered with __vmbus_driver_register()
 *
 * Context: process.
 */
void vmbus_driver_unregister(struct hv_driver *hv_driver)
{
	hvc_driver_unregister(hv_driver);
}
EXPORT_SYMBOL_GPL(vmbus_driver_unregister);

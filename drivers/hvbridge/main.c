// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_hvbridge: lis_balloon and lis_vss on the in-kernel VMBus.
 *
 * An hv_vmbus driver for the Dynamic Memory and VSS devices.  For each one
 * it binds, it adds a device to the lis_vmbus bus whose channel calls go
 * to the in-kernel VMBus (chan.c), so lis_balloon and lis_vss drive it
 * unchanged.  A rescind removes the hv_device, and with it the lis device.
 * The only lis module that uses hv_vmbus symbols; Documentation/install.rst
 * says how the devices are taken over from hv_balloon and hv_utils.
 *
 * This code has never run on Hyper-V.
 */
#include <linux/module.h>
#include <asm/mshyperv.h>

#define LIS_COMPAT_HYPERV
#include <lis/compat.h>
#include "hvbridge.h"

static const struct hv_vmbus_device_id lis_hvb_ids[] = {
	{ HV_DM_GUID, },
	{ HV_VSS_GUID, },
	{ },
};
MODULE_DEVICE_TABLE(vmbus, lis_hvb_ids);

static int lis_hvb_probe(struct hv_device *hdev,
			 const struct hv_vmbus_device_id *id)
{
	struct lis_hvb_dev *d;

	if (hv_is_isolation_supported()) {
		dev_warn(&hdev->device, "isolated (confidential) VM: lis does not support it; leaving the device to the in-kernel drivers\n");
		return -ENODEV;
	}
	d = lis_hvb_dev_add(hdev);
	if (IS_ERR(d))
		return PTR_ERR(d);
	dev_info(&hdev->device, "bridged to lis_vmbus device %s%s\n",
		 dev_name(&d->ldev->dev),
		 lis_hv_has_driver_override(hdev) ?
		 " (claimed through driver_override)" : "");
	return 0;
}

/*
 * Unbind, rescind or unload (through compat.h's lis_hv_remove_cb()): the
 * lis driver closes the channel first.
 */
static void lis_hv_remove(struct hv_device *hdev)
{
	lis_hvb_dev_remove(hv_get_drvdata(hdev));
}

static struct hv_driver lis_hvb_driver = {
	.name = KBUILD_MODNAME,
	.id_table = lis_hvb_ids,
	.probe = lis_hvb_probe,
	.remove = lis_hv_remove_cb,
	.driver = {
		.probe_type = PROBE_PREFER_ASYNCHRONOUS,
	},
};

static int __init lis_hvb_init_module(void)
{
	return vmbus_driver_register(&lis_hvb_driver);
}

static void __exit lis_hvb_exit_module(void)
{
	vmbus_driver_unregister(&lis_hvb_driver);
}

module_init(lis_hvb_init_module);
module_exit(lis_hvb_exit_module);

MODULE_DESCRIPTION("lis: Dynamic Memory and VSS devices of the in-kernel VMBus, for lis_balloon and lis_vss");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(LIS);

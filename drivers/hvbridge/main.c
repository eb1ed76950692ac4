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
#include <linux/slab.h>
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
	struct lis_device *ldev;
	struct lis_hvb_dev *d;
	int ret;

	if (hv_is_isolation_supported()) {
		dev_warn(&hdev->device, "isolated (confidential) VM: lis does not support it; leaving the device to the in-kernel drivers\n");
		return -ENODEV;
	}
	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return -ENOMEM;
	d->hdev = hdev;
	mutex_init(&d->open_lock);
	spin_lock_init(&d->send_lock);
	lis_hvb_init(&d->adapter, &lis_hvb_kernel_calls, hdev->channel, NULL,
		     0, 0);
	hv_set_drvdata(hdev, d);

	ldev = lis_foreign_device_add(&hdev->device, &hdev->dev_type,
				      &hdev->dev_instance, &lis_hvb_chan_ops,
				      d);
	if (IS_ERR(ldev)) {
		ret = PTR_ERR(ldev);
		goto free_dev;
	}
	d->ldev = ldev;
	dev_info(&hdev->device, "bridged to lis_vmbus device %s%s\n",
		 dev_name(&ldev->dev),
		 lis_hv_has_driver_override(hdev) ?
		 " (claimed through driver_override)" : "");
	return 0;

free_dev:
	hv_set_drvdata(hdev, NULL);
	mutex_destroy(&d->open_lock);
	kfree(d);
	return ret;
}

/*
 * Unbind, rescind or unload (through compat.h's lis_hv_remove_cb()): the
 * lis driver closes the channel first.
 */
static void lis_hv_remove(struct hv_device *hdev)
{
	struct lis_hvb_dev *d = hv_get_drvdata(hdev);

	lis_foreign_device_remove(d->ldev);
	hv_set_drvdata(hdev, NULL);
	mutex_destroy(&d->open_lock);
	kfree(d);
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

// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_hvcompat: Debian's stock hv_balloon and hv_utils on lis_vmbus, for
 * tests only (never installed; Documentation/testing.rst, "Peer drivers").
 *
 * It binds, as a lis_vmbus driver, every Dynamic Memory and VSS device
 * lis_vmbus offers, and shows each on a bus named "vmbus" as the kernel's
 * hv_vmbus would: a struct hv_device with its struct vmbus_channel, both
 * the kernel's own types from <linux/hyperv.h>.  hv_drivers registered on
 * that bus are matched by their id tables and probed; they open, use and
 * close the channel through the handful of hv_vmbus symbols this module
 * exports (exp_*.c), which chan.c carries out with lis_vmbus's channel
 * API.  The point is an independent guest: drivers written against real
 * Hyper-V hosts, unmodified, against lis_sim.
 *
 * It refuses to load beside the kernel's VMBus: both cannot own "vmbus".
 */
#include <linux/dma-mapping.h>
#include <linux/hyperv.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/pci_ids.h>
#include <linux/slab.h>

#include <lis/compat.h>
#include <lis/dm.h>
#include <lis/vss.h>

#include "core.h"

static const struct hv_vmbus_device_id *
hvc_match_id(const struct hv_driver *drv, const guid_t *class_id)
{
	const struct hv_vmbus_device_id *id = drv->id_table;

	if (!id || drv->hvsock)
		return NULL;
	for (; !guid_is_null(&id->guid); id++)
		if (guid_equal(&id->guid, class_id))
			return id;
	return NULL;
}

static int hvc_bus_match(struct device *dev, LIS_MATCH_DRV *drv)
{
	const struct hv_driver *hdrv = container_of(drv, struct hv_driver,
						    driver);

	return hvc_match_id(hdrv, &device_to_hv_device(dev)->dev_type) != NULL;
}

static int hvc_bus_probe(struct device *dev)
{
	struct hv_driver *hdrv = drv_to_hv_drv(dev->driver);
	struct hv_device *hv = device_to_hv_device(dev);
	const struct hv_vmbus_device_id *id;

	id = hvc_match_id(hdrv, &hv->dev_type);
	if (!id || !hdrv->probe)
		return -ENODEV;
	return hdrv->probe(hv, id);
}

static void hvc_bus_remove(struct device *dev)
{
	struct hv_driver *hdrv = drv_to_hv_drv(dev->driver);

	if (hdrv->remove)
		hdrv->remove(device_to_hv_device(dev));
}

static void hvc_bus_shutdown(struct device *dev)
{
	struct hv_driver *hdrv;

	if (!dev->driver)
		return;
	hdrv = drv_to_hv_drv(dev->driver);
	if (hdrv->shutdown)
		hdrv->shutdown(device_to_hv_device(dev));
}

static LIS_BUS_CONST struct bus_type hvc_bus = {
	.name = "vmbus",
	.match = hvc_bus_match,
	.probe = hvc_bus_probe,
	.remove = hvc_bus_remove,
	.shutdown = hvc_bus_shutdown,
};

/**
 * hvc_driver_register() - __vmbus_driver_register() on lis_hvcompat's bus
 * @drv: the hv_driver
 * @owner: its module
 * @mod_name: its name
 *
 * Context: process.
 * Return: 0 or a negative errno.
 */
int hvc_driver_register(struct hv_driver *drv, struct module *owner,
			const char *mod_name)
{
	pr_info("registering hv driver %s\n", drv->name);
	drv->driver.name = drv->name;
	drv->driver.owner = owner;
	drv->driver.mod_name = mod_name;
	drv->driver.bus = &hvc_bus;
	spin_lock_init(&drv->dynids.lock);
	INIT_LIST_HEAD(&drv->dynids.list);
	return driver_register(&drv->driver);
}

/**
 * hvc_driver_unregister() - vmbus_driver_unregister()
 * @drv: a registered hv_driver
 *
 * Context: process.
 */
void hvc_driver_unregister(struct hv_driver *drv)
{
	pr_info("unregistering hv driver %s\n", drv->name);
	driver_unregister(&drv->driver);
}

static void hvc_dev_release(struct device *dev)
{
	struct hvc_dev *hd = container_of(device_to_hv_device(dev),
					  struct hvc_dev, hv);

	hvc_chan_destroy(hd);
	kfree(hd);
}

static int hvc_lis_probe(struct lis_device *ldev,
			 const struct lis_device_id *id)
{
	struct hvc_dev *hd;
	int ret;

	hd = kzalloc(sizeof(*hd), GFP_KERNEL);
	if (!hd)
		return -ENOMEM;
	hd->ldev = ldev;
	hd->lch = ldev->channel;
	hd->hv.dev_type = ldev->class_id;
	hd->hv.dev_instance = ldev->instance_id;
	hd->hv.vendor_id = PCI_VENDOR_ID_MICROSOFT;
	hd->hv.channel = &hd->chan;
	hd->hv.device.bus = &hvc_bus;
	hd->hv.device.parent = &ldev->dev;
	hd->hv.device.release = hvc_dev_release;
	hd->hv.dma_mask = DMA_BIT_MASK(64);
	hd->hv.device.dma_mask = &hd->hv.dma_mask;
	hd->hv.device.coherent_dma_mask = DMA_BIT_MASK(64);
	hd->hv.device.dma_parms = &hd->hv.dma_parms;
	hvc_chan_init(hd);

	/* The kernel's core sets it at connect, before any offer. */
	vmbus_proto_version = lis_vmbus_version(hd->lch);
	dev_set_drvdata(&ldev->dev, hd);

	/* Named after the instance GUID, as the kernel's core names them. */
	ret = dev_set_name(&hd->hv.device, "%pUl", &hd->hv.dev_instance);
	if (ret)
		goto put;
	ret = device_register(&hd->hv.device);
	if (ret)
		goto put;
	dev_info(&ldev->dev, "on the vmbus bus as %s (VMBus %u.%u)\n",
		 dev_name(&hd->hv.device), vmbus_proto_version >> 16,
		 vmbus_proto_version & 0xffff);
	return 0;

put:
	dev_set_drvdata(&ldev->dev, NULL);
	put_device(&hd->hv.device);
	return ret;
}

static void hvc_lis_remove(struct lis_device *ldev)
{
	struct hvc_dev *hd = dev_get_drvdata(&ldev->dev);

	/* A rescinded channel: hv drivers must not wait for the host. */
	if (lis_channel_is_rescinded(hd->lch))
		WRITE_ONCE(hd->chan.rescind, true);
	device_unregister(&hd->hv.device);
	dev_set_drvdata(&ldev->dev, NULL);
}

static const struct lis_device_id hvc_lis_ids[] = {
	{ .guid = LIS_DM_CLASS_GUID },
	{ .guid = LIS_VSS_CLASS_GUID },
	{ }
};

static struct lis_driver hvc_lis_driver = {
	.name = "lis_hvcompat",
	.id_table = hvc_lis_ids,
	.probe = hvc_lis_probe,
	.remove = hvc_lis_remove,
};

/* Is the kernel's VMBus (hv_vmbus, or one built in) there? */
static bool hvc_kernel_vmbus(void)
{
	struct path path;

	if (kern_path("/sys/module/hv_vmbus", LOOKUP_FOLLOW, &path) &&
	    kern_path("/sys/bus/vmbus", LOOKUP_FOLLOW, &path))
		return false;
	path_put(&path);
	return true;
}

static int __init hvc_init(void)
{
	int ret;

	if (hvc_kernel_vmbus()) {
		pr_err("the kernel's VMBus (hv_vmbus) is loaded: lis_hvcompat cannot stand in for it\n");
		return -EBUSY;
	}
	ret = bus_register(&hvc_bus);
	if (ret)
		return ret;
	ret = lis_driver_register(&hvc_lis_driver);
	if (ret)
		goto unregister_bus;
	return 0;

unregister_bus:
	bus_unregister(&hvc_bus);
	return ret;
}

static void __exit hvc_exit(void)
{
	lis_driver_unregister(&hvc_lis_driver);
	bus_unregister(&hvc_bus);
}

module_init(hvc_init);
module_exit(hvc_exit);

MODULE_DESCRIPTION("Test only: the hv_vmbus exports of Debian's hv_balloon and hv_utils, on lis_vmbus");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(LIS);

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The lis_vmbus bus: one device per offered channel, named after its
 * instance GUID, matched to drivers by class GUID, with a MODALIAS so that
 * udev loads the right driver, and sysfs attributes for administrators.
 */
#include <linux/device.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include <lis/compat.h>
#include "core.h"

static const struct lis_device_id *
lis_match_id(const struct lis_device_id *id, const guid_t *class_id)
{
	for (; id && !guid_is_null(&id->guid); id++)
		if (guid_equal(&id->guid, class_id))
			return id;
	return NULL;
}

static int lis_bus_match(struct device *dev, LIS_MATCH_DRV *drv)
{
	const struct lis_driver *ldrv =
		container_of(drv, const struct lis_driver, driver);

	return lis_match_id(ldrv->id_table, &to_lis_device(dev)->class_id) !=
	       NULL;
}

static int lis_bus_uevent(LIS_UEVENT_DEV *dev, struct kobj_uevent_env *env)
{
	const struct lis_device *ldev =
		container_of(dev, const struct lis_device, dev);

	return add_uevent_var(env, "MODALIAS=" LIS_MODALIAS_PREFIX "%*phN",
			      (int)sizeof(ldev->class_id), &ldev->class_id);
}

static int lis_bus_probe(struct device *dev)
{
	struct lis_driver *ldrv = to_lis_driver(dev->driver);
	struct lis_device *ldev = to_lis_device(dev);
	const struct lis_device_id *id;

	id = lis_match_id(ldrv->id_table, &ldev->class_id);
	if (!id || !ldrv->probe)
		return -ENODEV;
	return ldrv->probe(ldev, id);
}

static void lis_bus_remove(struct device *dev)
{
	struct lis_driver *ldrv = to_lis_driver(dev->driver);
	struct lis_device *ldev = to_lis_device(dev);
	struct lis_channel *ch = ldev->channel;

	if (ldrv->remove)
		ldrv->remove(ldev);
	if (READ_ONCE(ch->is_open)) {
		dev_warn(dev, "driver %s left its channel open; closing it\n",
			 ldrv->name);
		lis_channel_close(ch);
	}
}

/* sysfs: the device */

static ssize_t class_id_show(struct device *dev, struct device_attribute *a,
			     char *buf)
{
	return sysfs_emit(buf, "{%pUl}\n", &to_lis_device(dev)->class_id);
}
static DEVICE_ATTR_RO(class_id);

static ssize_t device_id_show(struct device *dev, struct device_attribute *a,
			      char *buf)
{
	return sysfs_emit(buf, "{%pUl}\n", &to_lis_device(dev)->instance_id);
}
static DEVICE_ATTR_RO(device_id);

static ssize_t modalias_show(struct device *dev, struct device_attribute *a,
			     char *buf)
{
	return sysfs_emit(buf, LIS_MODALIAS_PREFIX "%*phN\n", 16,
			  &to_lis_device(dev)->class_id);
}
static DEVICE_ATTR_RO(modalias);

static ssize_t relid_show(struct device *dev, struct device_attribute *a,
			  char *buf)
{
	struct lis_channel *ch = to_lis_device(dev)->channel;

	return sysfs_emit(buf, "%u\n", ch->ops->relid(ch));
}
static DEVICE_ATTR_RO(relid);

static ssize_t state_show(struct device *dev, struct device_attribute *a,
			  char *buf)
{
	struct lis_channel *ch = to_lis_device(dev)->channel;
	const char *state = "closed";

	if (lis_channel_is_rescinded(ch))
		state = "rescinded";
	else if (lis_channel_is_broken(ch))
		state = "broken";
	else if (READ_ONCE(ch->is_open))
		state = "open";
	return sysfs_emit(buf, "%s\n", state);
}
static DEVICE_ATTR_RO(state);

static ssize_t target_cpu_show(struct device *dev, struct device_attribute *a,
			       char *buf)
{
	struct lis_channel *ch = to_lis_device(dev)->channel;

	return sysfs_emit(buf, "%u\n", ch->ops->target_cpu(ch));
}

/*
 * Writing a CPU number moves the channel there (native: MODIFYCHANNEL if
 * open); a backend that cannot move channels refuses.
 */
static ssize_t target_cpu_store(struct device *dev,
				struct device_attribute *a, const char *buf,
				size_t count)
{
	struct lis_channel *ch = to_lis_device(dev)->channel;
	unsigned int cpu;
	int ret;

	if (!ch->ops->set_target_cpu)
		return -EOPNOTSUPP;
	ret = kstrtouint(buf, 0, &cpu);
	if (ret)
		return ret;
	ret = ch->ops->set_target_cpu(ch, cpu);
	return ret ? ret : count;
}
static DEVICE_ATTR_RW(target_cpu);

/* sysfs: channel counters and ring levels */

#define LIS_STAT_ATTR(field)						\
static ssize_t field##_show(struct device *dev,				\
			    struct device_attribute *a, char *buf)	\
{									\
	return sysfs_emit(buf, "%llu\n",				\
		(u64)atomic64_read(&to_lis_device(dev)->channel->stats.field));	\
}									\
static DEVICE_ATTR_RO(field)

LIS_STAT_ATTR(out_packets);
LIS_STAT_ATTR(out_bytes);
LIS_STAT_ATTR(in_packets);
LIS_STAT_ATTR(in_bytes);
LIS_STAT_ATTR(interrupts);
LIS_STAT_ATTR(out_full);
LIS_STAT_ATTR(signals);

static ssize_t out_free_bytes_show(struct device *dev,
				   struct device_attribute *a, char *buf)
{
	struct lis_channel *ch = to_lis_device(dev)->channel;
	u32 free = 0;

	mutex_lock(&ch->state_lock);
	if (ch->is_open)
		free = ch->ops->out_free(ch);
	mutex_unlock(&ch->state_lock);
	return sysfs_emit(buf, "%u\n", free);
}
static DEVICE_ATTR_RO(out_free_bytes);

static struct attribute *lis_dev_attrs[] = {
	&dev_attr_class_id.attr,
	&dev_attr_device_id.attr,
	&dev_attr_modalias.attr,
	&dev_attr_relid.attr,
	&dev_attr_state.attr,
	&dev_attr_target_cpu.attr,
	NULL,
};

static const struct attribute_group lis_dev_group = {
	.attrs = lis_dev_attrs,
};

static struct attribute *lis_chan_attrs[] = {
	&dev_attr_out_packets.attr,
	&dev_attr_out_bytes.attr,
	&dev_attr_in_packets.attr,
	&dev_attr_in_bytes.attr,
	&dev_attr_interrupts.attr,
	&dev_attr_out_full.attr,
	&dev_attr_signals.attr,
	&dev_attr_out_free_bytes.attr,
	NULL,
};

static const struct attribute_group lis_chan_group = {
	.name = "channel",
	.attrs = lis_chan_attrs,
};

static const struct attribute_group *lis_dev_groups[] = {
	&lis_dev_group,
	&lis_chan_group,
	NULL,
};

LIS_BUS_CONST struct bus_type lis_bus_type = {
	.name = "lis_vmbus",
	.match = lis_bus_match,
	.uevent = lis_bus_uevent,
	.probe = lis_bus_probe,
	.remove = lis_bus_remove,
	.dev_groups = lis_dev_groups,
};

static void lis_device_release(struct device *dev)
{
	kfree(to_lis_device(dev));
}

/**
 * lis_bus_add_work() - put a newly offered channel on the bus
 * @work: the channel's add_work
 *
 * Context: process (the device workqueue).
 */
void lis_bus_add_work(struct work_struct *work)
{
	struct lis_channel *ch = container_of(work, struct lis_channel,
					      add_work);
	struct lis_device *ldev;
	int ret;

	ldev = kzalloc(sizeof(*ldev), GFP_KERNEL);
	if (!ldev)
		return;
	ldev->class_id = ch->offer.if_type;
	ldev->instance_id = ch->offer.if_instance;
	ldev->channel = ch;
	ldev->dev.bus = &lis_bus_type;
	ldev->dev.parent = ch->vb->root;
	ldev->dev.release = lis_device_release;
	dev_set_name(&ldev->dev, "%pUl", &ldev->instance_id);

	ch->device = ldev;
	ret = device_register(&ldev->dev);
	if (ret) {
		pr_err("channel %u: registering device %pUl failed: %d\n",
		       ch->relid, &ldev->instance_id, ret);
		ch->device = NULL;
		put_device(&ldev->dev);
	}
}

/* Take a channel off the bus and forget it; its driver closes it. */
static void lis_bus_drop_channel(struct lis_channel *ch)
{
	struct lis_vmbus *vb = ch->vb;

	if (ch->device) {
		device_unregister(&ch->device->dev);
		ch->device = NULL;
	}

	mutex_lock(&vb->conn_lock);
	if (READ_ONCE(ch->rescinded)) {
		lis_conn_release(vb->conn, ch->relid);
		lis_vmbus_run_actions(vb);
	}
	RCU_INIT_POINTER(vb->relid_map[ch->relid], NULL);
	mutex_unlock(&vb->conn_lock);

	synchronize_rcu();
	lis_channel_free(ch);
}

/**
 * lis_bus_remove_work() - take a rescinded channel off the bus
 * @work: the channel's remove_work
 *
 * Context: process (the device workqueue).
 */
void lis_bus_remove_work(struct work_struct *work)
{
	lis_bus_drop_channel(container_of(work, struct lis_channel,
					  remove_work));
}

/**
 * lis_bus_remove_all() - take every channel off the bus
 * @vb: the connection
 *
 * Context: process; the provider is still delivering.
 */
void lis_bus_remove_all(struct lis_vmbus *vb)
{
	struct lis_channel *ch;
	u32 relid;

	/* Adds and rescinds already queued go first. */
	flush_workqueue(vb->dev_wq);
	for (relid = 1; relid <= LIS_MAX_RELID; relid++) {
		mutex_lock(&vb->conn_lock);
		ch = lis_vmbus_channel(vb, relid);
		if (ch && ch->dropping)
			ch = NULL;	/* its remove_work has it */
		else if (ch)
			ch->dropping = true;
		mutex_unlock(&vb->conn_lock);
		if (ch)
			lis_bus_drop_channel(ch);
	}
	flush_workqueue(vb->dev_wq);
}

/**
 * __lis_driver_register() - register a lis_vmbus driver
 * @drv: the driver
 * @owner: its module
 * @mod_name: its module name
 *
 * Use lis_driver_register().  Devices already on the bus are probed now.
 *
 * Probes run asynchronously (PROBE_PREFER_ASYNCHRONOUS): a driver whose
 * probe waits for a slow or silent host (Dynamic Memory's version
 * negotiation may wait seconds) delays only its own device, never the
 * devices offered after it.  Loading a driver module still returns only
 * once the probes it started are done (the module loader waits for them).
 *
 * Context: process.
 * Return: 0 or a negative errno from driver_register().
 */
int __lis_driver_register(struct lis_driver *drv, struct module *owner,
			  const char *mod_name)
{
	drv->driver.name = drv->name;
	drv->driver.owner = owner;
	drv->driver.mod_name = mod_name;
	drv->driver.bus = &lis_bus_type;
	drv->driver.probe_type = PROBE_PREFER_ASYNCHRONOUS;
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_NS_GPL(__lis_driver_register, LIS);

/**
 * lis_driver_unregister() - unregister a lis_vmbus driver
 * @drv: the driver; its bound devices are removed first
 *
 * Context: process.
 */
void lis_driver_unregister(struct lis_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_NS_GPL(lis_driver_unregister, LIS);

/**
 * lis_bus_vmbus_registered() - is the in-kernel VMBus driver's bus there?
 *
 * Looks for a bus named "vmbus" beside ours (in /sys/bus): hv_vmbus
 * registers it once it has connected to the host, so the VMBus is taken.
 *
 * Context: process; the lis_vmbus bus is registered.
 * Return: true if a bus named "vmbus" is registered.
 */
bool lis_bus_vmbus_registered(void)
{
	struct kset *ours = bus_get_kset(&lis_bus_type);
	struct kobject *other;

	if (!ours || !ours->kobj.kset)
		return false;
	other = kset_find_obj(ours->kobj.kset, "vmbus");
	if (!other)
		return false;
	kobject_put(other);
	return true;
}

/**
 * lis_bus_init() - register the bus and the devices' parent
 * @vb: the connection
 *
 * Return: 0 or a negative errno.
 */
int lis_bus_init(struct lis_vmbus *vb)
{
	int ret;

	ret = bus_register(&lis_bus_type);
	if (ret)
		return ret;
	vb->root = root_device_register("lis_vmbus");
	if (IS_ERR(vb->root)) {
		ret = PTR_ERR(vb->root);
		bus_unregister(&lis_bus_type);
		return ret;
	}
	return 0;
}

/**
 * lis_bus_exit() - mirror of lis_bus_init()
 * @vb: the connection, with no device left
 */
void lis_bus_exit(struct lis_vmbus *vb)
{
	root_device_unregister(vb->root);
	bus_unregister(&lis_bus_type);
}

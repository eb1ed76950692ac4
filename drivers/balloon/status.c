// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_balloon: what the driver shows, and what it refuses.
 *
 * debugfs lis_balloon/status: the in-kernel driver's keys (host_version,
 * capabilities, state, page_size, pages_added, pages_onlined,
 * pages_ballooned, total_pages_committed, max_dynamic_page_count), one
 * "key: value" line each, so that tools reading one read the other.
 *
 * sysfs: a "balloon" group on the lis_vmbus device with the counters.
 *
 * Power management: hibernation is refused while pages are ballooned or
 * memory is hot-added (the image would restore pages the host took back,
 * or need memory the next boot does not have); suspend to RAM keeps all
 * memory as it is and is allowed (the driver's work is frozen meanwhile).
 */
#include <linux/debugfs.h>
#include <linux/suspend.h>
#include <linux/seq_file.h>
#include <linux/sysfs.h>

#include "core.h"

static struct dentry *dm_debugfs_root;

/**
 * dm_state_name() - the in-kernel driver's name for a state
 * @state: enum dm_state
 *
 * Context: any.
 * Return: a constant string.
 */
const char *dm_state_name(enum dm_state state)
{
	static const char * const names[] = {
		[DM_INITIALIZING] = "Initializing",
		[DM_INITIALIZED] = "Initialized",
		[DM_BALLOON_UP] = "Balloon Up",
		[DM_BALLOON_DOWN] = "Balloon Down",
		[DM_HOT_ADD] = "Hot Add",
		[DM_INIT_ERROR] = "Error",
	};

	return state < ARRAY_SIZE(names) ? names[state] : "Unknown";
}

static int dm_status_show(struct seq_file *f, void *unused)
{
	struct lis_dm *dm = f->private;
	enum dm_state state;
	u64 max_pages;
	bool hot_add;
	u32 v;

	mutex_lock(&dm->lock);
	v = dm->version;
	state = dm->state;
	max_pages = dm->max_page_count;
	hot_add = dm->hot_add_ok;
	mutex_unlock(&dm->lock);

	seq_printf(f, "%-22s: %u.%u\n", "host_version", v >> 16, v & 0xffff);
	seq_printf(f, "%-22s: enabled%s\n", "capabilities",
		   hot_add ? " hot_add" : "");
	seq_printf(f, "%-22s: %u (%s)\n", "state", state,
		   dm_state_name(state));
	seq_printf(f, "%-22s: %u\n", "page_size", LIS_HV_PAGE_SIZE);
	seq_printf(f, "%-22s: %lu\n", "pages_added",
		   atomic_long_read(&dm->pages_added));
	seq_printf(f, "%-22s: %lu\n", "pages_onlined",
		   atomic_long_read(&dm->pages_onlined));
	seq_printf(f, "%-22s: %lu\n", "pages_ballooned",
		   atomic_long_read(&dm->pages_ballooned));
	seq_printf(f, "%-22s: %llu\n", "total_pages_committed",
		   dm_committed_pages(dm));
	seq_printf(f, "%-22s: %llu\n", "max_dynamic_page_count", max_pages);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(dm_status);

#define DM_STAT_ATTR(name)						\
static ssize_t name##_show(struct device *d,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct lis_dm *dm = dev_get_drvdata(d);				\
									\
	return sysfs_emit(buf, "%lld\n",				\
			  (long long)atomic64_read(&dm->stats.name));	\
}									\
static DEVICE_ATTR_RO(name)

#define DM_PAGES_ATTR(name)						\
static ssize_t name##_show(struct device *d,				\
			   struct device_attribute *attr, char *buf)	\
{									\
	struct lis_dm *dm = dev_get_drvdata(d);				\
									\
	return sysfs_emit(buf, "%ld\n", atomic_long_read(&dm->name));	\
}									\
static DEVICE_ATTR_RO(name)

DM_STAT_ATTR(reports);
DM_STAT_ATTR(pressure_reports);
DM_STAT_ATTR(balloon_requests);
DM_STAT_ATTR(unballoon_requests);
DM_STAT_ATTR(unballoon_rejected);
DM_STAT_ATTR(hot_add_requests);
DM_STAT_ATTR(malformed);
DM_STAT_ATTR(unknown);
DM_STAT_ATTR(queued);
DM_PAGES_ATTR(pages_ballooned);
DM_PAGES_ATTR(pages_added);
DM_PAGES_ATTR(pages_onlined);

static struct attribute *dm_attrs[] = {
	&dev_attr_reports.attr,
	&dev_attr_pressure_reports.attr,
	&dev_attr_balloon_requests.attr,
	&dev_attr_unballoon_requests.attr,
	&dev_attr_unballoon_rejected.attr,
	&dev_attr_hot_add_requests.attr,
	&dev_attr_malformed.attr,
	&dev_attr_unknown.attr,
	&dev_attr_queued.attr,
	&dev_attr_pages_ballooned.attr,
	&dev_attr_pages_added.attr,
	&dev_attr_pages_onlined.attr,
	NULL
};

static const struct attribute_group dm_group = {
	.name = "balloon",
	.attrs = dm_attrs,
};

static int dm_pm_notify(struct notifier_block *nb, unsigned long action,
			void *unused)
{
	struct lis_dm *dm = container_of(nb, struct lis_dm, pm_nb);

	if (action != PM_HIBERNATION_PREPARE)
		return NOTIFY_DONE;
	if (!atomic_long_read(&dm->pages_ballooned) &&
	    !atomic_long_read(&dm->pages_added))
		return NOTIFY_DONE;
	dev_warn(&dm->dev->dev, "hibernation refused: %ld pages ballooned, %ld hot-added\n",
		 atomic_long_read(&dm->pages_ballooned),
		 atomic_long_read(&dm->pages_added));
	return notifier_from_errno(-EBUSY);
}

/**
 * dm_status_init() - debugfs file, sysfs group, power notifier
 * @dm: the device
 *
 * None of them is essential: a failure is logged and the driver runs on.
 *
 * Context: process.
 */
void dm_status_init(struct lis_dm *dm)
{
	if (!dm_debugfs_root)
		dm_debugfs_root = debugfs_create_dir("lis_balloon", NULL);
	dm->debugfs = debugfs_create_file("status", 0444, dm_debugfs_root, dm,
					  &dm_status_fops);
	if (device_add_group(&dm->dev->dev, &dm_group))
		dev_warn(&dm->dev->dev, "no sysfs counters\n");
	dm->pm_nb.notifier_call = dm_pm_notify;
	if (register_pm_notifier(&dm->pm_nb))
		dev_warn(&dm->dev->dev, "no power management notifier: hibernation is not refused\n");
}

/**
 * dm_status_exit() - undo dm_status_init()
 * @dm: the device
 *
 * Context: process.
 */
void dm_status_exit(struct lis_dm *dm)
{
	unregister_pm_notifier(&dm->pm_nb);
	device_remove_group(&dm->dev->dev, &dm_group);
	debugfs_remove(dm->debugfs);
	debugfs_remove(dm_debugfs_root);
	dm_debugfs_root = NULL;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel API differences between the kernels lis supports, in one place.
 *
 * Supported: Linux 6.1 to 6.12 (Debian 12's 6.1 and its 6.12 backport).
 * Driver code never tests LINUX_VERSION_CODE itself: it uses these wrappers.
 */
#ifndef _LIS_COMPAT_H
#define _LIS_COMPAT_H

#include <linux/version.h>
#include <linux/device.h>
#include <linux/fs.h>

/* 6.3 made bus_type.uevent take a const struct device. */
#if KERNEL_VERSION(6, 3, 0) <= LINUX_VERSION_CODE
#define LIS_UEVENT_DEV const struct device
#else
#define LIS_UEVENT_DEV struct device
#endif

/* 6.11 made bus_type.match take a const struct device_driver. */
#if KERNEL_VERSION(6, 11, 0) <= LINUX_VERSION_CODE
#define LIS_MATCH_DRV const struct device_driver
#else
#define LIS_MATCH_DRV struct device_driver
#endif

/*
 * Before 6.4 bus_register() wrote into struct bus_type, so it must stay
 * writable there; from 6.4 on it is const.
 */
#if KERNEL_VERSION(6, 4, 0) <= LINUX_VERSION_CODE
#define LIS_BUS_CONST const
#else
#define LIS_BUS_CONST
#endif

/*
 * 6.7 replaced register_shrinker() on a caller-owned struct with
 * shrinker_alloc()/shrinker_register()/shrinker_free().  Both wrappers
 * return an allocated, registered shrinker, or NULL.
 */
#include <linux/shrinker.h>
#include <linux/slab.h>

static inline struct shrinker *
lis_shrinker_create(const char *name,
		    unsigned long (*count)(struct shrinker *,
					   struct shrink_control *),
		    unsigned long (*scan)(struct shrinker *,
					  struct shrink_control *))
{
#if KERNEL_VERSION(6, 7, 0) <= LINUX_VERSION_CODE
	struct shrinker *s = shrinker_alloc(0, "%s", name);

	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	shrinker_register(s);
	return s;
#else
	struct shrinker *s = kzalloc(sizeof(*s), GFP_KERNEL);

	if (!s)
		return NULL;
	s->count_objects = count;
	s->scan_objects = scan;
	s->seeks = DEFAULT_SEEKS;
	if (register_shrinker(s, "%s", name)) {
		kfree(s);
		return NULL;
	}
	return s;
#endif
}

static inline void lis_shrinker_destroy(struct shrinker *s)
{
#if KERNEL_VERSION(6, 7, 0) <= LINUX_VERSION_CODE
	shrinker_free(s);
#else
	unregister_shrinker(s);
	kfree(s);
#endif
}

/* Take an offline memory block away again (it never came online). */
#include <linux/memory_hotplug.h>

static inline int lis_remove_memory(u64 start, u64 size)
{
#if IS_ENABLED(CONFIG_MEMORY_HOTREMOVE)
	return offline_and_remove_memory(start, size);
#else
	return -EOPNOTSUPP;
#endif
}

/*
 * 6.6 gave freeze_super() and thaw_super() (and the super_operations of
 * those names) a holder: a kernel freeze (FREEZE_HOLDER_KERNEL) can only
 * be undone by a kernel thaw, so `fsfreeze -u` cannot thaw it.  Before
 * 6.6 there is one freeze per superblock, whoever holds it.
 */
#if KERNEL_VERSION(6, 6, 0) <= LINUX_VERSION_CODE
static inline int lis_freeze_super(struct super_block *sb)
{
	if (sb->s_op->freeze_super)
		return sb->s_op->freeze_super(sb, FREEZE_HOLDER_KERNEL);
	return freeze_super(sb, FREEZE_HOLDER_KERNEL);
}

static inline int lis_thaw_super(struct super_block *sb)
{
	if (sb->s_op->thaw_super)
		return sb->s_op->thaw_super(sb, FREEZE_HOLDER_KERNEL);
	return thaw_super(sb, FREEZE_HOLDER_KERNEL);
}
#else
static inline int lis_freeze_super(struct super_block *sb)
{
	if (sb->s_op->freeze_super)
		return sb->s_op->freeze_super(sb);
	return freeze_super(sb);
}

static inline int lis_thaw_super(struct super_block *sb)
{
	if (sb->s_op->thaw_super)
		return sb->s_op->thaw_super(sb);
	return thaw_super(sb);
}
#endif

/*
 * The in-kernel VMBus (lis_hvbridge only: it defines LIS_COMPAT_HYPERV).
 * These differences are found by compile tests in Kbuild, not by version
 * numbers: the driver_override move was backported inside 6.12.y.
 *
 * hv_driver.remove returns int up to 6.2 and void from 6.3 on
 * (LIS_HAVE_HV_REMOVE_INT / LIS_HAVE_HV_REMOVE_VOID).  The including file
 * defines lis_hv_remove(); lis_hv_remove_cb() is what goes into
 * hv_driver.remove.
 */
#ifdef LIS_COMPAT_HYPERV
#include <linux/hyperv.h>

static void lis_hv_remove(struct hv_device *hdev);

#if defined(LIS_HAVE_HV_REMOVE_INT)
static int lis_hv_remove_cb(struct hv_device *hdev)
{
	lis_hv_remove(hdev);
	return 0;
}
#elif defined(LIS_HAVE_HV_REMOVE_VOID)
static void lis_hv_remove_cb(struct hv_device *hdev)
{
	lis_hv_remove(hdev);
}
#else
#error "lis: hv_driver.remove has no known type (see the compile tests in Kbuild)"
#endif

/*
 * driver_override: a field of struct hv_device until the driver core took
 * it over (struct device, device_has_driver_override()), which stable
 * 6.12.y backported (LIS_HAVE_DEVICE_DRIVER_OVERRIDE, else
 * LIS_HAVE_HV_DEVICE_DRIVER_OVERRIDE).
 *
 * Context: the device lock held (probe and remove hold it).
 */
static inline bool lis_hv_has_driver_override(struct hv_device *hdev)
{
#if defined(LIS_HAVE_DEVICE_DRIVER_OVERRIDE)
	struct device *dev = &hdev->device;
	bool set;

	/* device_has_driver_override(), without the guard sparse cannot follow */
	spin_lock(&dev->driver_override.lock);
	set = dev->driver_override.name;
	spin_unlock(&dev->driver_override.lock);
	return set;
#elif defined(LIS_HAVE_HV_DEVICE_DRIVER_OVERRIDE)
	return hdev->driver_override;
#else
#error "lis: driver_override found neither in hv_device nor in the driver core"
#endif
}
#endif /* LIS_COMPAT_HYPERV */

#endif /* _LIS_COMPAT_H */

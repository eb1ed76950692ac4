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

#endif /* _LIS_COMPAT_H */

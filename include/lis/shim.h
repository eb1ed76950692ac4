/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The tiny shim that lets lis's pure protocol code build in three places:
 * the kernel modules, the KUnit suites and the userspace fuzzers.
 *
 * Pure files (ring.c, chan_msg.c, conn.c, ...) include only this header and
 * other pure lis headers.  They never allocate, lock or sleep; everything
 * they need from their environment is named here.
 *
 * Wire structures use plain u8..u64: Hyper-V guests are little-endian only
 * (x86_64 and arm64), exactly as the host is, so there is nothing to swap.
 */
#ifndef _LIS_SHIM_H
#define _LIS_SHIM_H

#ifdef __KERNEL__

#include <linux/types.h>
#include <linux/kernel.h>
#include <linux/string.h>
#include <linux/errno.h>
#include <linux/uuid.h>
#include <linux/compiler.h>
#include <linux/export.h>
#include <asm/barrier.h>

/*
 * LIS_EXPORT() exports a pure-code symbol from the module that links it.
 * A KUnit suite that compiles a pure file into its own module defines
 * LIS_NO_EXPORT first, so the suite never re-exports lis_vmbus's symbols.
 */
#ifdef LIS_NO_EXPORT
#define LIS_EXPORT(sym) static_assert(__same_type(sym, sym))
#else
#define LIS_EXPORT(sym) EXPORT_SYMBOL_NS_GPL(sym, LIS)
#endif

/* Full barrier between shared-memory accesses of guest and host. */
#define lis_mb()	virt_mb()	/* orders guest/host shared memory */
#define lis_rmb()	virt_rmb()	/* orders guest/host shared reads */
#define lis_wmb()	virt_wmb()	/* orders guest/host shared writes */

#else /* userspace: fuzzers and host-side programs */

#include "shim_user.h"

#endif /* __KERNEL__ */

/* Hyper-V's page size: every GPADL frame and ring header is 4 KiB. */
#define LIS_HV_PAGE_SHIFT	12
#define LIS_HV_PAGE_SIZE	(1U << LIS_HV_PAGE_SHIFT)

#endif /* _LIS_SHIM_H */

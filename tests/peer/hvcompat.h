/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis_hvcompat: what the files that carry the hv_vmbus exports call.
 *
 * The exp_*.c files see only the include list of the kernel file whose
 * exports they stand in for (their modversion CRCs depend on it), so this
 * header names nothing but types of <linux/hyperv.h>, which every one of
 * those lists includes.
 */
#ifndef _LIS_HVCOMPAT_H
#define _LIS_HVCOMPAT_H

#include <linux/hyperv.h>

int hvc_driver_register(struct hv_driver *drv, struct module *owner,
			const char *mod_name);
void hvc_driver_unregister(struct hv_driver *drv);

int hvc_open(struct vmbus_channel *chan, u32 send_bytes, u32 recv_bytes,
	     void *userdata, u32 userlen, void (*cb)(void *ctx), void *ctx);
void hvc_close(struct vmbus_channel *chan);
int hvc_sendpacket(struct vmbus_channel *chan, void *buf, u32 len,
		   u64 requestid, enum vmbus_packet_type type, u32 flags);
int hvc_recvpacket(struct vmbus_channel *chan, void *buf, u32 buflen,
		   u32 *actual, u64 *requestid);

#endif /* _LIS_HVCOMPAT_H */

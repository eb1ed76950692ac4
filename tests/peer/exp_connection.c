// SPDX-License-Identifier: GPL-2.0-only
/*
 * The export of the kernel's drivers/hv/connection.c that Debian's stock
 * hv_utils imports: the negotiated VMBus protocol version.
 *
 * This file includes exactly what connection.c includes
 * (hv_connection_inc.h, made at build time from the kernel's own
 * linux-source), so the modversion CRC is that of the stock hv_vmbus.
 */
#include "hv_connection_inc.h"

/*
 * The VMBus version lis_vmbus agreed with the host, (major << 16) | minor:
 * set by bus.c before the first hv_device is registered, as the kernel's
 * core sets it before any channel is offered.  hv_utils' VSS service
 * refuses hosts older than VERSION_WIN8_1 with it.
 */
__u32 vmbus_proto_version;
EXPORT_SYMBOL_GPL(vmbus_proto_version);

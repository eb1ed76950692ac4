// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host personalities: what each Windows Server release's Hyper-V offers a
 * guest, so that lis_sim can be the host of a given release.
 *
 * A personality fixes the highest VMBus protocol version (and with it the
 * message connection ids the hypervisor routes: a host before 5.0 has no
 * connection id 4, and HvPostMessage to it fails with status 18), the
 * highest Dynamic Memory protocol version and the highest VSS (backup
 * integration component) version.  Documentation/simulator.rst lists each
 * fact with its source.
 *
 * Chosen with the host= module parameter (default ws2025) or the debugfs
 * file `host` (lis-simctl host NAME), which takes effect from the guest's
 * next connection on.
 */
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/string.h>

#include <lis/dm.h>
#include "core.h"

/*
 * Sources (Documentation/simulator.rst, "Host personalities"):
 * - VMBus: the version comments in Linux's include/linux/hyperv.h
 *   (3.0 Windows 8.1 / WS2012 R2, 4.0 Windows 10 = WS2016, 5.2 WS2019,
 *   5.3 WS2022) and its table in drivers/hv/connection.c; 6.0 from
 *   OpenVMM's vmbus_core, the newest version known, for WS2025.
 * - DM: Linux's drivers/hv/hv_balloon.c names 1.0 "WIN8" and 2.0
 *   "WIN10": hosts before Windows 10 offer at most 1.0.
 * - VSS: Linux's hv_snapshot.c offers only VSS 5.0 with framework 3.0 and
 *   is used on every one of these releases.
 */
static const struct lis_sim_host_info lis_sim_hosts[] = {
	{
		.name = "ws2012r2",
		.release = "Windows Server 2012 R2",
		.vmbus_version = LIS_VMBUS_V3_0,
		.dm_version = LIS_DM_VERSION(1, 0),
		.vss_major = 5,
	},
	{
		.name = "ws2016",
		.release = "Windows Server 2016",
		.vmbus_version = LIS_VMBUS_V4_0,
		.dm_version = LIS_DM_VERSION(2, 0),
		.vss_major = 5,
	},
	{
		.name = "ws2019",
		.release = "Windows Server 2019",
		.vmbus_version = LIS_VMBUS_V5_2,
		.dm_version = LIS_DM_VERSION(2, 0),
		.vss_major = 5,
	},
	{
		.name = "ws2022",
		.release = "Windows Server 2022",
		.vmbus_version = LIS_VMBUS_V5_3,
		.dm_version = LIS_DM_VERSION(2, 0),
		.vss_major = 5,
	},
	{
		.name = "ws2025",
		.release = "Windows Server 2025",
		.vmbus_version = LIS_VMBUS_V6_0,
		.dm_version = LIS_DM_VERSION(2, 0),
		.vss_major = 5,
	},
};

/**
 * lis_sim_host_find() - a personality by name
 * @name: e.g. "ws2019" (a trailing newline is ignored)
 *
 * Context: any.
 * Return: the personality, or NULL if there is none of that name.
 */
const struct lis_sim_host_info *lis_sim_host_find(const char *name)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(lis_sim_hosts); i++)
		if (sysfs_streq(name, lis_sim_hosts[i].name))
			return &lis_sim_hosts[i];
	return NULL;
}

/**
 * lis_sim_host_names() - every personality's name, for messages
 *
 * Context: any.
 * Return: a static string such as "ws2012r2, ws2016, ...".
 */
const char *lis_sim_host_names(void)
{
	return "ws2012r2, ws2016, ws2019, ws2022, ws2025";
}

/**
 * lis_sim_host_set() - become the host of another release
 * @sim: the simulator
 * @host: the personality
 *
 * The VMBus version limit (and with it the connection ids the hypervisor
 * routes) and the VSS versions take effect from the guest's next
 * connection or channel open on; the DM version limit is the DM host's
 * own setting (debugfs dm "version"), which lis-simctl sets alongside.
 *
 * Context: process, lis_sim.lock held (or before the guest attaches).
 */
void lis_sim_host_set(struct lis_sim *sim, const struct lis_sim_host_info *host)
{
	sim->host = host;
	WRITE_ONCE(sim->max_version, host->vmbus_version);
}

/**
 * lis_sim_host_routes() - does the hypervisor route a connection id?
 * @sim: the simulator
 * @conn_id: where the guest posted a message
 *
 * Id 1 always; id 4 only on hosts that speak VMBus 5.0 or later; and the
 * message connection id this host handed out in VERSION_RESPONSE.  A real
 * hypervisor fails a post to any other id with status 18.
 *
 * Context: any (reads the limits locklessly).
 * Return: true if a message posted there reaches the host.
 */
bool lis_sim_host_routes(struct lis_sim *sim, u32 conn_id)
{
	u32 msg_conn_id = READ_ONCE(sim->msg_conn_id);

	if (conn_id == LIS_CONNID_MESSAGE)
		return true;
	if (conn_id == LIS_CONNID_CONTACT)
		return READ_ONCE(sim->max_version) >= LIS_VMBUS_V5_0;
	return msg_conn_id && conn_id == msg_conn_id;
}

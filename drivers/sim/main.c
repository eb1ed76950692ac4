// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_sim: a simulated Hyper-V hypervisor and VMBus host inside the guest
 * kernel, so that everything above the hypercall boundary (lis_vmbus and
 * its drivers) runs for real on machines without Hyper-V.
 *
 * Loading the module registers the simulator as lis_vmbus's hypervisor
 * provider, which connects the guest to it; unloading disconnects the
 * guest (devices removed, UNLOAD) and stops it.
 * Documentation/simulator.rst describes the whole thing.
 */
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "core.h"

#define LIS_SIM_MAX_ECHO	8

static char *host = "ws2025";
module_param(host, charp, 0444);
MODULE_PARM_DESC(host,
		 "Host personality: ws2012r2, ws2016, ws2019, ws2022 or ws2025 (default): its VMBus, DM and VSS versions and the connection ids its hypervisor routes; debugfs 'host' changes it later");

static char *version;
module_param(version, charp, 0444);
MODULE_PARM_DESC(version,
		 "Highest VMBus protocol version the host accepts, major.minor (default: the host personality's); debugfs 'version' changes it later");

static unsigned int echo_devices = 1;
module_param(echo_devices, uint, 0444);
MODULE_PARM_DESC(echo_devices,
		 "Loopback echo devices offered at every connection, 0 to 8 (default 1)");

static unsigned int vss_devices;
module_param(vss_devices, uint, 0444);
MODULE_PARM_DESC(vss_devices,
		 "VSS (live backup) devices offered at every connection, 0 or 1 (default 0; debugfs 'offer vss' adds one later)");

/* The simulator this module runs; module_exit needs it. */
static struct lis_sim *lis_sim_instance;

static int __init lis_sim_init(void)
{
	const struct lis_sim_host_info *info;
	u32 max_version = 0;
	struct lis_sim *sim;
	int ret;

	info = lis_sim_host_find(host);
	if (!info) {
		pr_err("host=%s: not a host personality (%s)\n", host,
		       lis_sim_host_names());
		return -EINVAL;
	}
	if (version && lis_sim_parse_version(version, &max_version)) {
		pr_err("version=%s: not a VMBus version the simulator knows (e.g. 5.3)\n",
		       version);
		return -EINVAL;
	}
	if (echo_devices > LIS_SIM_MAX_ECHO) {
		pr_err("echo_devices=%u: at most %u\n", echo_devices,
		       LIS_SIM_MAX_ECHO);
		return -EINVAL;
	}

	if (vss_devices > 1) {
		pr_err("vss_devices=%u: at most 1\n", vss_devices);
		return -EINVAL;
	}

	sim = kzalloc(sizeof(*sim), GFP_KERNEL);
	if (!sim)
		return -ENOMEM;
	ret = lis_sim_host_init(sim, info, max_version);
	if (ret)
		goto free_sim;
	ret = lis_sim_trace_init(&sim->trace);
	if (ret)
		goto exit_host;
	ret = lis_sim_capture_init(&sim->cap);
	if (ret)
		goto exit_trace;
	ret = lis_sim_hyp_init(sim);
	if (ret)
		goto exit_capture;
	ret = lis_echo_register(sim, echo_devices);
	if (ret)
		goto exit_hyp;
	ret = lis_dm_register(sim);
	if (ret)
		goto free_classes;
	ret = lis_vss_host_register(sim, vss_devices);
	if (ret)
		goto unregister_dm;
	ret = -ENOMEM;
	sim->wq = alloc_ordered_workqueue("lis_sim", 0);
	if (!sim->wq)
		goto exit_vss;
	lis_sim_debugfs_init(sim);
	ret = lis_sim_fault_load(sim);
	if (ret)
		goto remove_debugfs;

	ret = lis_hv_provider_register(&sim->prov);
	if (ret) {
		pr_err("cannot attach to lis_vmbus: %d\n", ret);
		goto remove_debugfs;
	}
	lis_sim_instance = sim;
	return 0;

remove_debugfs:
	lis_sim_debugfs_exit(sim);
	destroy_workqueue(sim->wq);
exit_vss:
	lis_vss_host_exit(sim);
unregister_dm:
	lis_dm_unregister(sim);
free_classes:
	lis_sim_classes_free(sim);
exit_hyp:
	lis_sim_hyp_exit(sim);
exit_capture:
	lis_sim_capture_exit(&sim->cap);
exit_trace:
	lis_sim_trace_exit(&sim->trace);
exit_host:
	lis_sim_host_exit(sim);
free_sim:
	kfree(sim);
	return ret;
}

static void __exit lis_sim_exit(void)
{
	struct lis_sim *sim = lis_sim_instance;

	/* Removes the guest's devices, UNLOADs, then calls our ->stop(). */
	lis_hv_provider_unregister(&sim->prov);
	lis_sim_debugfs_exit(sim);
	lis_vss_host_exit(sim);
	destroy_workqueue(sim->wq);
	lis_sim_classes_free(sim);
	lis_dm_unregister(sim);
	lis_sim_hyp_exit(sim);
	lis_sim_capture_exit(&sim->cap);
	lis_sim_trace_exit(&sim->trace);
	lis_sim_host_exit(sim);
	kfree(sim);
}

module_init(lis_sim_init);
module_exit(lis_sim_exit);

MODULE_DESCRIPTION("lis simulated Hyper-V host");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");
MODULE_IMPORT_NS(LIS);

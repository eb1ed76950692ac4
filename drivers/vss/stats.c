// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_vss statistics and tracepoints.
 *
 * /sys/kernel/debug/lis_vss/<device>/stats, one key=value a line:
 *
 *   fw_version, srv_version   negotiated versions (0.0 before)
 *   daemon                    1 while a daemon has said HELLO
 *   state                     idle, freezing, frozen or thawing
 *   req_<op>                  host operations received, by operation
 *   negotiations, refused_hosts, malformed, failures, busy, timeouts,
 *   auto_thaws                see struct lis_vss_stats
 *   frozen_now                file systems frozen at this moment
 *   freezing_now              freezes in progress at this moment
 *   late_thaws                freezes that completed after their backup
 *                             was abandoned (thawed at once)
 *   frozen_fs                 file systems frozen by the last FREEZE
 *   total_frozen              file systems frozen since the device came
 *   last_window_ms            first freeze to last thaw, last backup
 *
 * This file also defines the tracepoints (trace.h).
 */
#include <linux/debugfs.h>
#include <linux/seq_file.h>

#include "vss.h"

#define CREATE_TRACE_POINTS
#include "trace.h"

/* /sys/kernel/debug/lis_vss: one directory per device below it. */
static struct dentry *lis_vss_debugfs_dir;

static const char *lis_vss_state_name(const struct lis_vss *vss)
{
	if (vss->txn.inflight == LIS_VSS_OP_FREEZE)
		return "freezing";
	if (vss->txn.inflight == LIS_VSS_OP_THAW)
		return "thawing";
	return vss->txn.frozen ? "frozen" : "idle";
}

static int lis_vss_stats_show(struct seq_file *m, void *v)
{
	struct lis_vss *vss = m->private;
	struct lis_vss_stats s;
	unsigned int op;

	mutex_lock(&vss->lock);
	s = vss->stats;
	seq_printf(m, "fw_version=%u.%u\nsrv_version=%u.%u\ndaemon=%d\nstate=%s\n",
		   vss->fw.major, vss->fw.minor, vss->srv.major,
		   vss->srv.minor, vss->txn.daemon, lis_vss_state_name(vss));
	mutex_unlock(&vss->lock);

	for (op = 0; op <= LIS_VSS_OP_COUNT; op++)
		seq_printf(m, "req_%s=%llu\n", lis_vss_op_name(op),
			   s.requests[op]);
	seq_printf(m, "negotiations=%llu\nrefused_hosts=%llu\nmalformed=%llu\n",
		   s.negotiations, s.refused_hosts, s.malformed);
	seq_printf(m, "failures=%llu\nbusy=%llu\ntimeouts=%llu\nauto_thaws=%llu\n",
		   s.failures, s.busy, s.timeouts, s.auto_thaws);
	seq_printf(m, "frozen_now=%u\nfreezing_now=%u\nlate_thaws=%llu\n",
		   lis_vss_frozen_count(&vss->frozen),
		   lis_vss_freezing_count(&vss->frozen),
		   lis_vss_late_thaws(&vss->frozen));
	seq_printf(m, "frozen_fs=%llu\ntotal_frozen=%llu\nlast_window_ms=%llu\n",
		   s.frozen_fs, s.total_frozen, s.last_window_ms);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lis_vss_stats);

/**
 * lis_vss_debugfs_module_init() - create /sys/kernel/debug/lis_vss
 *
 * Failure is not fatal (debugfs may be off); nothing to check.
 */
void lis_vss_debugfs_module_init(void)
{
	lis_vss_debugfs_dir = debugfs_create_dir("lis_vss", NULL);
}

/**
 * lis_vss_debugfs_module_exit() - remove it
 */
void lis_vss_debugfs_module_exit(void)
{
	debugfs_remove(lis_vss_debugfs_dir);
}

/**
 * lis_vss_debugfs_init() - a device's directory and stats file
 * @vss: the device
 */
void lis_vss_debugfs_init(struct lis_vss *vss)
{
	vss->debugfs = debugfs_create_dir(dev_name(&vss->dev->dev),
					  lis_vss_debugfs_dir);
	debugfs_create_file("stats", 0444, vss->debugfs, vss,
			    &lis_vss_stats_fops);
}

/**
 * lis_vss_debugfs_exit() - remove them; waits for readers
 * @vss: the device
 */
void lis_vss_debugfs_exit(struct lis_vss *vss)
{
	debugfs_remove(vss->debugfs);
	vss->debugfs = NULL;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * /sys/kernel/debug/lis_sim/: control and inspection of the simulated host.
 *
 *   devices  (r)  one line per channel: relid class instance state conn_id
 *                 target_cpu
 *   offer    (w)  "<class>": offer a new device of that class now
 *   rescind  (w)  "<relid>": withdraw that channel
 *   version  (rw) "major.minor": highest version the host accepts, from the
 *                 next INITIATE_CONTACT on
 *   host     (rw) "<personality>" (host.c): be that release's host from
 *                 the next connection on; read: key=value lines (name,
 *                 release, vmbus_version, dm_version, vss_version, the
 *                 connection ids routed, the posts refused, and the
 *                 GPADLs the host holds)
 *   crash    (w)  "unload": run the kernel's crash-path UNLOAD
 *                 (lis_hv_provider_crash()) now, interrupts off
 *   faults   (rw) fault commands (fault.c); read: what is armed
 *   trace    (rw) the event trace (trace.c); write "clear" to empty it
 *   capture  (rw) the byte capture (capture.c): "on", "off", "clear"
 *   dm       (rw) the Dynamic Memory host (dm_ctl.c)
 *   vss      (rw) the VSS backup requester (vss_host.c)
 *
 * Every write is validated: nonsense gets -EINVAL and a pr_warn saying
 * why.  Commands that change the host's channels run as host work
 * (lis_sim_host_call()), never concurrently with the guest's messages.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/irqflags.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"

/* Longest command any file takes, newline included. */
#define LIS_SIM_CMD_MAX		128

/*
 * Copy a command from user space, NUL-terminated, with surrounding white
 * space removed.  Returns the allocation (kfree() it) and sets *cmd to the
 * trimmed text inside it.
 */
static char *lis_sim_get_cmd(const char __user *ubuf, size_t count,
			     const char *file, char **cmd)
{
	char *buf;

	if (!count || count >= LIS_SIM_CMD_MAX) {
		pr_warn("%s: commands are 1 to %u bytes\n", file,
			LIS_SIM_CMD_MAX - 1);
		return ERR_PTR(-EINVAL);
	}
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return buf;
	*cmd = strim(buf);
	return buf;
}

static struct lis_sim *lis_sim_file_sim(struct file *file)
{
	return file_inode(file)->i_private;
}

static int lis_sim_devices_show(struct seq_file *m, void *v)
{
	struct lis_sim *sim = m->private;
	struct lis_sim_chan *ch;

	mutex_lock(&sim->lock);
	list_for_each_entry(ch, &sim->chans, node)
		seq_printf(m, "%u %s %pUl %s %#x %u\n", ch->relid,
			   ch->cls->name, &ch->instance,
			   lis_sim_chan_state_name(ch->state), ch->conn_id,
			   ch->target_cpu);
	mutex_unlock(&sim->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(lis_sim_devices);

static ssize_t lis_sim_offer_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct lis_sim *sim = lis_sim_file_sim(file);
	char *buf, *cmd;
	int ret;

	buf = lis_sim_get_cmd(ubuf, count, "offer", &cmd);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = lis_sim_offer(sim, cmd);
	kfree(buf);
	return ret ? ret : count;
}

static const struct file_operations lis_sim_offer_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = lis_sim_offer_write,
	.llseek = noop_llseek,
};

static ssize_t lis_sim_rescind_write(struct file *file,
				     const char __user *ubuf, size_t count,
				     loff_t *ppos)
{
	struct lis_sim *sim = lis_sim_file_sim(file);
	char *buf, *cmd;
	u32 relid;
	int ret;

	buf = lis_sim_get_cmd(ubuf, count, "rescind", &cmd);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	if (kstrtou32(cmd, 0, &relid) || !relid || relid > LIS_MAX_RELID) {
		pr_warn("rescind: '%s' is not a relid (1 to %u)\n", cmd,
			LIS_MAX_RELID);
		ret = -EINVAL;
	} else {
		ret = lis_sim_rescind(sim, relid);
	}
	kfree(buf);
	return ret ? ret : count;
}

static const struct file_operations lis_sim_rescind_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = lis_sim_rescind_write,
	.llseek = noop_llseek,
};

static int lis_sim_version_show(struct seq_file *m, void *v)
{
	struct lis_sim *sim = m->private;
	u32 version;

	mutex_lock(&sim->lock);
	version = sim->max_version;
	mutex_unlock(&sim->lock);
	seq_printf(m, "%u.%u\n", version >> 16, version & 0xffff);
	return 0;
}

static int lis_sim_version_open(struct inode *inode, struct file *file)
{
	return single_open(file, lis_sim_version_show, inode->i_private);
}

static ssize_t lis_sim_version_write(struct file *file,
				     const char __user *ubuf, size_t count,
				     loff_t *ppos)
{
	struct lis_sim *sim = lis_sim_file_sim(file);
	char *buf, *cmd;
	u32 version;
	int ret = 0;

	buf = lis_sim_get_cmd(ubuf, count, "version", &cmd);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	if (lis_sim_parse_version(cmd, &version)) {
		pr_warn("version: '%s' is not a VMBus version the simulator knows (e.g. 5.3)\n",
			cmd);
		ret = -EINVAL;
	} else {
		mutex_lock(&sim->lock);
		WRITE_ONCE(sim->max_version, version);
		mutex_unlock(&sim->lock);
	}
	kfree(buf);
	return ret ? ret : count;
}

static const struct file_operations lis_sim_version_fops = {
	.owner = THIS_MODULE,
	.open = lis_sim_version_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = lis_sim_version_write,
};

static int lis_sim_host_show(struct seq_file *m, void *v)
{
	struct lis_sim *sim = m->private;
	const struct lis_sim_host_info *h;
	u64 quota, conn_id, fault;
	unsigned int gpadls;
	u32 max;

	mutex_lock(&sim->lock);
	h = sim->host;
	max = sim->max_version;
	gpadls = sim->ngpadls;
	mutex_unlock(&sim->lock);
	spin_lock_irq(&sim->in_lock);
	quota = sim->refused_quota;
	conn_id = sim->refused_conn_id;
	fault = sim->refused_fault;
	spin_unlock_irq(&sim->in_lock);

	seq_printf(m, "name=%s\nrelease=%s\n", h->name, h->release);
	seq_printf(m, "vmbus_version=%u.%u\n", max >> 16, max & 0xffff);
	seq_printf(m, "dm_version=%u.%u\n", h->dm_version >> 16,
		   h->dm_version & 0xffff);
	seq_printf(m, "vss_version=%u.0\n", h->vss_major);
	seq_printf(m, "conn_ids=1%s\n",
		   max >= LIS_VMBUS_V5_0 ? ",4" : "");
	seq_printf(m, "refused_quota=%llu\nrefused_conn_id=%llu\nrefused_fault=%llu\n",
		   quota, conn_id, fault);
	seq_printf(m, "gpadls=%u\n", gpadls);
	return 0;
}

static int lis_sim_host_open(struct inode *inode, struct file *file)
{
	return single_open(file, lis_sim_host_show, inode->i_private);
}

static ssize_t lis_sim_host_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct lis_sim *sim = lis_sim_file_sim(file);
	const struct lis_sim_host_info *h;
	char *buf, *cmd;
	int ret = 0;

	buf = lis_sim_get_cmd(ubuf, count, "host", &cmd);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	h = lis_sim_host_find(cmd);
	if (!h) {
		pr_warn("host: '%s' is not a host personality (%s)\n", cmd,
			lis_sim_host_names());
		ret = -EINVAL;
	} else {
		mutex_lock(&sim->lock);
		lis_sim_host_set(sim, h);
		mutex_unlock(&sim->lock);
	}
	kfree(buf);
	return ret ? ret : count;
}

static const struct file_operations lis_sim_host_fops = {
	.owner = THIS_MODULE,
	.open = lis_sim_host_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = lis_sim_host_write,
};

/*
 * "unload": what the kernel's crash path (kdump) does through a
 * provider's crash handler, here on demand: lis_hv_provider_crash() with
 * interrupts off on this CPU.  The host answers from another CPU, as a
 * real host answers from outside the guest; the crash path's own
 * polling must find the answer without sleeping.
 */
static ssize_t lis_sim_crash_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct lis_sim *sim = lis_sim_file_sim(file);
	unsigned long flags;
	char *buf, *cmd;
	bool answered;
	ktime_t t0;
	int ret = 0;

	buf = lis_sim_get_cmd(ubuf, count, "crash", &cmd);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	if (strcmp(cmd, "unload")) {
		pr_warn("crash: '%s': expected 'unload'\n", cmd);
		ret = -EINVAL;
	} else if (num_online_cpus() < 2) {
		pr_warn("crash: needs a second CPU for the host to answer on\n");
		ret = -EOPNOTSUPP;
	} else {
		t0 = ktime_get();
		local_irq_save(flags);
		answered = lis_hv_provider_crash(&sim->prov);
		local_irq_restore(flags);
		pr_info("crash: UNLOAD %s after %lld us of polling\n",
			answered ? "answered" : "not answered",
			ktime_us_delta(ktime_get(), t0));
		ret = answered ? 0 : -ETIMEDOUT;
	}
	kfree(buf);
	return ret ? ret : count;
}

static const struct file_operations lis_sim_crash_fops = {
	.owner = THIS_MODULE,
	.open = simple_open,
	.write = lis_sim_crash_write,
	.llseek = noop_llseek,
};

static int lis_sim_faults_show(struct seq_file *m, void *v)
{
	struct lis_sim *sim = m->private;

	mutex_lock(&sim->lock);
	lis_sim_fault_show(sim, m);
	mutex_unlock(&sim->lock);
	return 0;
}

static int lis_sim_faults_open(struct inode *inode, struct file *file)
{
	return single_open(file, lis_sim_faults_show, inode->i_private);
}

static int lis_sim_fault_call(struct lis_sim *sim, void *arg)
{
	return lis_sim_fault_command(sim, arg);
}

static ssize_t lis_sim_faults_write(struct file *file,
				    const char __user *ubuf, size_t count,
				    loff_t *ppos)
{
	struct lis_sim *sim = lis_sim_file_sim(file);
	char *buf, *cmd;
	int ret;

	buf = lis_sim_get_cmd(ubuf, count, "faults", &cmd);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	/* Host work: "corrupt" may act on an open channel at once. */
	ret = lis_sim_host_call(sim, lis_sim_fault_call, cmd);
	kfree(buf);
	return ret ? ret : count;
}

static const struct file_operations lis_sim_faults_fops = {
	.owner = THIS_MODULE,
	.open = lis_sim_faults_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = lis_sim_faults_write,
};

/**
 * lis_sim_debugfs_init() - create /sys/kernel/debug/lis_sim/
 * @sim: the simulator
 *
 * Failure is not fatal (debugfs may be disabled); nothing to check.
 */
void lis_sim_debugfs_init(struct lis_sim *sim)
{
	struct dentry *dir = debugfs_create_dir("lis_sim", NULL);

	sim->debugfs = dir;
	debugfs_create_file("devices", 0444, dir, sim, &lis_sim_devices_fops);
	debugfs_create_file("offer", 0200, dir, sim, &lis_sim_offer_fops);
	debugfs_create_file("rescind", 0200, dir, sim, &lis_sim_rescind_fops);
	debugfs_create_file("version", 0644, dir, sim, &lis_sim_version_fops);
	debugfs_create_file("host", 0644, dir, sim, &lis_sim_host_fops);
	debugfs_create_file("crash", 0200, dir, sim, &lis_sim_crash_fops);
	debugfs_create_file("faults", 0644, dir, sim, &lis_sim_faults_fops);
	debugfs_create_file("trace", 0644, dir, sim, &lis_sim_trace_fops);
	debugfs_create_file("capture", 0644, dir, sim, &lis_sim_capture_fops);
	lis_dm_debugfs_init(sim);
	debugfs_create_file("vss", 0644, dir, sim, &lis_vss_host_fops);
}

/**
 * lis_sim_debugfs_exit() - remove it; waits for files in use
 * @sim: the simulator
 */
void lis_sim_debugfs_exit(struct lis_sim *sim)
{
	debugfs_remove_recursive(sim->debugfs);
	sim->debugfs = NULL;
}

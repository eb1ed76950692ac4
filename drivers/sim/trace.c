// SPDX-License-Identifier: GPL-2.0-only
/*
 * The trace: a bounded ring of the last LIS_SIM_TRACE_LEN channel messages
 * and packets that crossed the simulated bus, read from debugfs `trace`.
 *
 * One line per event, oldest first (Documentation/simulator.rst):
 *
 *   <usec> <g2h|h2g> msg <TYPE_NAME> <len>[ <note>]
 *   <usec> <g2h|h2g> pkt relid=<n> type=<t> len=<n> trans=0x<id>[ <note>]
 *
 * <usec> is CLOCK_MONOTONIC in microseconds; a message's <len> is its
 * payload size, a packet's the bytes it takes in the ring without the
 * trailer (len8 * 8).  <note> is "dropped", "delayed", "duplicate",
 * "reordered", "refused" or "corrupt" when a fault or the hypervisor
 * intervened.  Writing "clear"
 * empties the trace.
 */
#include <linux/fs.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/overflow.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "core.h"

static const char * const lis_sim_trace_notes[] = {
	[LIS_SIM_NOTE_NONE] = "",
	[LIS_SIM_NOTE_DROPPED] = " dropped",
	[LIS_SIM_NOTE_DELAYED] = " delayed",
	[LIS_SIM_NOTE_REFUSED] = " refused",
	[LIS_SIM_NOTE_CORRUPT] = " corrupt",
	[LIS_SIM_NOTE_DUP] = " duplicate",
	[LIS_SIM_NOTE_REORDERED] = " reordered",
};

/**
 * struct lis_sim_trace_snap - a copy of the trace taken at open
 * @n: records in @ev
 * @ev: the records, oldest first
 */
struct lis_sim_trace_snap {
	unsigned int n;
	struct lis_sim_trace_ev ev[];
};

/**
 * lis_sim_trace_init() - allocate the trace
 * @t: the trace
 *
 * Return: 0 or -ENOMEM.
 */
int lis_sim_trace_init(struct lis_sim_trace *t)
{
	spin_lock_init(&t->lock);
	t->ev = kvcalloc(LIS_SIM_TRACE_LEN, sizeof(*t->ev), GFP_KERNEL);
	return t->ev ? 0 : -ENOMEM;
}

/**
 * lis_sim_trace_exit() - free the trace
 * @t: the trace
 */
void lis_sim_trace_exit(struct lis_sim_trace *t)
{
	kvfree(t->ev);
}

static void lis_sim_trace_add(struct lis_sim_trace *t,
			      struct lis_sim_trace_ev *ev)
{
	unsigned long flags;

	ev->usec = div_u64(ktime_get_ns(), NSEC_PER_USEC);
	spin_lock_irqsave(&t->lock, flags);
	t->ev[t->head] = *ev;
	t->head = (t->head + 1) % LIS_SIM_TRACE_LEN;
	if (t->count < LIS_SIM_TRACE_LEN)
		t->count++;
	spin_unlock_irqrestore(&t->lock, flags);
}

/**
 * lis_sim_trace_msg() - record a channel message
 * @sim: the simulator
 * @dir: enum lis_sim_trace_dir
 * @msg: the message
 * @len: its length
 * @note: enum lis_sim_trace_note
 *
 * Context: any.
 */
void lis_sim_trace_msg(struct lis_sim *sim, int dir, const void *msg,
		       u32 len, int note)
{
	struct lis_sim_trace_ev ev = {
		.len = len,
		.dir = dir,
		.note = note,
	};
	const struct lis_kvec vec = { .base = msg, .len = len };

	if (len >= sizeof(struct lis_chmsg_hdr))
		ev.type = ((const struct lis_chmsg_hdr *)msg)->msgtype;
	lis_sim_trace_add(&sim->trace, &ev);
	/* What a fault dropped or the hypervisor refused never crossed. */
	if (note != LIS_SIM_NOTE_DROPPED && note != LIS_SIM_NOTE_REFUSED)
		lis_sim_capture_add(sim, dir, false, 0, &vec, 1);
}

/**
 * lis_sim_trace_pkt() - record a packet
 * @sim: the simulator
 * @dir: enum lis_sim_trace_dir
 * @relid: the channel
 * @desc: the packet's descriptor, as meant
 * @vec: the packet's bytes as they crossed, descriptor included, for the
 *	byte capture
 * @nvec: pieces in @vec
 * @note: enum lis_sim_trace_note
 *
 * Context: any.
 */
void lis_sim_trace_pkt(struct lis_sim *sim, int dir, u32 relid,
		       const struct lis_vmpacket_desc *desc,
		       const struct lis_kvec *vec, unsigned int nvec, int note)
{
	struct lis_sim_trace_ev ev = {
		.trans = desc->trans_id,
		.len = (u32)desc->len8 * 8,
		.relid = relid,
		.type = desc->type,
		.dir = dir,
		.pkt = 1,
		.note = note,
	};

	lis_sim_trace_add(&sim->trace, &ev);
	lis_sim_capture_add(sim, dir, true, relid, vec, nvec);
}

/**
 * lis_sim_trace_clear() - forget every record
 * @t: the trace
 */
void lis_sim_trace_clear(struct lis_sim_trace *t)
{
	spin_lock_irq(&t->lock);
	t->head = 0;
	t->count = 0;
	spin_unlock_irq(&t->lock);
}

static void *lis_sim_trace_start(struct seq_file *m, loff_t *pos)
{
	struct lis_sim_trace_snap *snap = m->private;

	return *pos < snap->n ? &snap->ev[*pos] : NULL;
}

static void *lis_sim_trace_next(struct seq_file *m, void *v, loff_t *pos)
{
	++*pos;
	return lis_sim_trace_start(m, pos);
}

static void lis_sim_trace_stop(struct seq_file *m, void *v)
{
}

static int lis_sim_trace_show(struct seq_file *m, void *v)
{
	const struct lis_sim_trace_ev *ev = v;
	const char *dir = ev->dir == LIS_SIM_G2H ? "g2h" : "h2g";
	const char *note = ev->note < ARRAY_SIZE(lis_sim_trace_notes) ?
			   lis_sim_trace_notes[ev->note] : "";

	if (ev->pkt)
		seq_printf(m, "%llu %s pkt relid=%u type=%u len=%u trans=0x%llx%s\n",
			   ev->usec, dir, ev->relid, ev->type, ev->len,
			   ev->trans, note);
	else
		seq_printf(m, "%llu %s msg %s %u%s\n", ev->usec, dir,
			   lis_chmsg_name(ev->type), ev->len, note);
	return 0;
}

static const struct seq_operations lis_sim_trace_seq_ops = {
	.start = lis_sim_trace_start,
	.next = lis_sim_trace_next,
	.stop = lis_sim_trace_stop,
	.show = lis_sim_trace_show,
};

/* Copy the ring, oldest first, so that reading never holds the lock. */
static struct lis_sim_trace_snap *lis_sim_trace_snapshot(struct lis_sim_trace *t)
{
	struct lis_sim_trace_snap *snap;
	unsigned int i, first;

	snap = kvmalloc(struct_size(snap, ev, LIS_SIM_TRACE_LEN), GFP_KERNEL);
	if (!snap)
		return NULL;
	spin_lock_irq(&t->lock);
	snap->n = t->count;
	first = (t->head + LIS_SIM_TRACE_LEN - t->count) % LIS_SIM_TRACE_LEN;
	for (i = 0; i < snap->n; i++)
		snap->ev[i] = t->ev[(first + i) % LIS_SIM_TRACE_LEN];
	spin_unlock_irq(&t->lock);
	return snap;
}

static int lis_sim_trace_open(struct inode *inode, struct file *file)
{
	struct lis_sim *sim = inode->i_private;
	struct lis_sim_trace_snap *snap;
	int ret;

	if (!(file->f_mode & FMODE_READ))
		return 0;
	snap = lis_sim_trace_snapshot(&sim->trace);
	if (!snap)
		return -ENOMEM;
	ret = seq_open(file, &lis_sim_trace_seq_ops);
	if (ret) {
		kvfree(snap);
		return ret;
	}
	((struct seq_file *)file->private_data)->private = snap;
	return 0;
}

static int lis_sim_trace_release(struct inode *inode, struct file *file)
{
	struct seq_file *m = file->private_data;

	if (!(file->f_mode & FMODE_READ))
		return 0;
	kvfree(m->private);
	return seq_release(inode, file);
}

static ssize_t lis_sim_trace_write(struct file *file, const char __user *ubuf,
				   size_t count, loff_t *ppos)
{
	struct lis_sim *sim = file_inode(file)->i_private;
	char buf[16];

	if (count >= sizeof(buf))
		goto bad;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (!sysfs_streq(buf, "clear"))
		goto bad;
	lis_sim_trace_clear(&sim->trace);
	return count;

bad:
	pr_warn("trace: the only command is 'clear'\n");
	return -EINVAL;
}

const struct file_operations lis_sim_trace_fops = {
	.owner = THIS_MODULE,
	.open = lis_sim_trace_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = lis_sim_trace_release,
	.write = lis_sim_trace_write,
};

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The byte capture: while it is on, the raw bytes of every channel message
 * and every ring packet (descriptor included) that crossed the simulated
 * bus, in both directions, in a fixed buffer of LIS_SIM_CAPTURE_BYTES.  It
 * exists to seed the fuzzers (scripts/fuzz-seeds.sh) with real traffic.
 *
 * debugfs `capture`:
 *
 *   write "on"     forget what was captured and start (the buffer is
 *                  allocated now, once); the module parameter capture=1
 *                  starts it at load, before the guest connects
 *   write "off"    stop; what was captured stays readable
 *   write "clear"  stop and free the buffer
 *   read           a header line, then one line per record, oldest first:
 *
 *   # lis_sim capture: <n> records, <d> dropped, <used>/<size> bytes
 *   <g2h|h2g> <msg|pkt> <relid> <len> <hex>
 *
 * <relid> is the packet's channel (0 for a message: its own fields name
 * one), <len> the bytes that crossed (a message's payload; a packet's
 * descriptor and body as written, or len8 * 8 as the host read it) and
 * <hex> those bytes in lower-case hex.  A record keeps at most
 * LIS_SIM_CAPTURE_MAX_REC bytes: a longer one has fewer hex digits than
 * <len> says.  When the buffer is full the capture stops keeping records
 * and counts the ones it drops: the first ones, a connection's negotiation,
 * are the interesting ones.  Messages a fault dropped and posts the
 * hypervisor refused never crossed and are not captured.
 *
 * Records are appended from any context, including with interrupts off
 * and other simulator spinlocks held (lis_sim_cpu.lock, lis_sim.in_lock):
 * lis_sim_capture.lock is innermost and taken with interrupts off.
 */
#include <linux/fs.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "core.h"

static bool capture;
module_param(capture, bool, 0444);
MODULE_PARM_DESC(capture,
		 "Capture every message and packet from load on (debugfs 'capture'; default off)");

/**
 * struct lis_sim_cap_rec - a record's header in the buffer
 * @len: bytes that crossed
 * @caplen: bytes kept, which follow the header (padded to 8)
 * @relid: the packet's channel, 0 for a message
 * @dir: enum lis_sim_trace_dir
 * @pkt: a packet (else a channel message)
 * @reserved: 0
 */
struct lis_sim_cap_rec {
	u32 len;
	u32 caplen;
	u32 relid;
	u8 dir;
	u8 pkt;
	u16 reserved;
};

static size_t lis_sim_cap_rec_size(u32 caplen)
{
	return sizeof(struct lis_sim_cap_rec) + ALIGN(caplen, 8);
}

/**
 * lis_sim_capture_init() - set the capture up, on if capture=1
 * @c: the capture
 *
 * Return: 0 or -ENOMEM.
 */
int lis_sim_capture_init(struct lis_sim_capture *c)
{
	spin_lock_init(&c->lock);
	mutex_init(&c->ctl);
	if (!capture)
		return 0;
	c->buf = kvzalloc(LIS_SIM_CAPTURE_BYTES, GFP_KERNEL);
	if (!c->buf)
		return -ENOMEM;
	c->on = true;
	return 0;
}

/**
 * lis_sim_capture_exit() - free the capture
 * @c: the capture; nothing records into it any more
 */
void lis_sim_capture_exit(struct lis_sim_capture *c)
{
	kvfree(c->buf);
	mutex_destroy(&c->ctl);
}

/**
 * lis_sim_capture_add() - record the bytes of a message or packet
 * @sim: the simulator
 * @dir: enum lis_sim_trace_dir
 * @pkt: a packet (else a channel message)
 * @relid: the packet's channel, 0 for a message
 * @vec: the bytes, in pieces
 * @nvec: pieces in @vec
 *
 * Context: any.
 */
void lis_sim_capture_add(struct lis_sim *sim, int dir, bool pkt, u32 relid,
			 const struct lis_kvec *vec, unsigned int nvec)
{
	struct lis_sim_capture *c = &sim->cap;
	struct lis_sim_cap_rec rec = {
		.relid = relid,
		.dir = dir,
		.pkt = pkt,
	};
	unsigned long flags;
	unsigned int i;
	size_t need;
	u8 *p;

	if (!READ_ONCE(c->on))
		return;
	for (i = 0; i < nvec; i++)
		rec.len += vec[i].len;
	rec.caplen = min_t(u32, rec.len, LIS_SIM_CAPTURE_MAX_REC);
	need = lis_sim_cap_rec_size(rec.caplen);

	spin_lock_irqsave(&c->lock, flags);
	if (!c->on)
		goto out;
	if (LIS_SIM_CAPTURE_BYTES - c->used < need) {
		c->dropped++;
		goto out;
	}
	p = c->buf + c->used;
	memcpy(p, &rec, sizeof(rec));
	p += sizeof(rec);
	for (i = 0; i < nvec && rec.caplen; i++) {
		u32 n = min(vec[i].len, rec.caplen);

		memcpy(p, vec[i].base, n);
		p += n;
		rec.caplen -= n;
	}
	c->used += need;
	c->records++;
out:
	spin_unlock_irqrestore(&c->lock, flags);
}

/* The text of a read, made at open. */
struct lis_sim_cap_text {
	size_t len;
	char buf[];
};

/*
 * Format the records of @c (caller holds c->ctl, so @c->buf stays and
 * nothing below @used changes).  Returns NULL if out of memory.
 */
static struct lis_sim_cap_text *lis_sim_capture_format(struct lis_sim_capture *c)
{
	struct lis_sim_cap_text *t;
	u64 records, dropped;
	size_t used, off, max;
	char *s;

	spin_lock_irq(&c->lock);
	used = c->used;
	records = c->records;
	dropped = c->dropped;
	spin_unlock_irq(&c->lock);

	/* Per record at most 64 bytes of words and 2 digits a byte. */
	max = 128 + 2 * used + records * 64;
	t = kvmalloc(struct_size(t, buf, max), GFP_KERNEL);
	if (!t)
		return NULL;
	s = t->buf;
	s += scnprintf(s, max, "# lis_sim capture: %llu records, %llu dropped, %zu/%u bytes\n",
		       records, dropped, used, LIS_SIM_CAPTURE_BYTES);
	for (off = 0; off < used;) {
		struct lis_sim_cap_rec rec;

		memcpy(&rec, c->buf + off, sizeof(rec));
		s += scnprintf(s, t->buf + max - s, "%s %s %u %u ",
			       rec.dir == LIS_SIM_G2H ? "g2h" : "h2g",
			       rec.pkt ? "pkt" : "msg", rec.relid, rec.len);
		s = bin2hex(s, c->buf + off + sizeof(rec), rec.caplen);
		*s++ = '\n';
		off += lis_sim_cap_rec_size(rec.caplen);
	}
	t->len = s - t->buf;
	return t;
}

static int lis_sim_capture_open(struct inode *inode, struct file *file)
{
	struct lis_sim *sim = inode->i_private;
	struct lis_sim_capture *c = &sim->cap;
	struct lis_sim_cap_text *t;

	file->private_data = NULL;
	if (!(file->f_mode & FMODE_READ))
		return 0;
	mutex_lock(&c->ctl);
	if (c->buf) {
		t = lis_sim_capture_format(c);
	} else {
		t = kvmalloc(struct_size(t, buf, 128), GFP_KERNEL);
		if (t)
			t->len = scnprintf(t->buf, 128,
					   "# lis_sim capture: off, no buffer\n");
	}
	mutex_unlock(&c->ctl);
	if (!t)
		return -ENOMEM;
	file->private_data = t;
	return 0;
}

static ssize_t lis_sim_capture_read(struct file *file, char __user *ubuf,
				    size_t count, loff_t *ppos)
{
	struct lis_sim_cap_text *t = file->private_data;

	return simple_read_from_buffer(ubuf, count, ppos, t->buf, t->len);
}

static int lis_sim_capture_release(struct inode *inode, struct file *file)
{
	kvfree(file->private_data);
	return 0;
}

/* "on": clear and start, allocating the buffer the first time. */
static int lis_sim_capture_on(struct lis_sim_capture *c)
{
	u8 *buf = c->buf;

	if (!buf) {
		buf = kvzalloc(LIS_SIM_CAPTURE_BYTES, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
	}
	spin_lock_irq(&c->lock);
	c->buf = buf;
	c->used = 0;
	c->records = 0;
	c->dropped = 0;
	WRITE_ONCE(c->on, true);
	spin_unlock_irq(&c->lock);
	return 0;
}

/* "off" keeps the records, "clear" frees them. */
static void lis_sim_capture_off(struct lis_sim_capture *c, bool free)
{
	u8 *buf = NULL;

	spin_lock_irq(&c->lock);
	WRITE_ONCE(c->on, false);
	if (free) {
		buf = c->buf;
		c->buf = NULL;
		c->used = 0;
		c->records = 0;
		c->dropped = 0;
	}
	spin_unlock_irq(&c->lock);
	/* Recorders copy under the lock: none can be using @buf now. */
	kvfree(buf);
}

static ssize_t lis_sim_capture_write(struct file *file, const char __user *ubuf,
				     size_t count, loff_t *ppos)
{
	struct lis_sim *sim = file_inode(file)->i_private;
	struct lis_sim_capture *c = &sim->cap;
	char buf[16];
	int ret = 0;

	if (count >= sizeof(buf))
		goto bad;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';

	mutex_lock(&c->ctl);
	if (sysfs_streq(buf, "on"))
		ret = lis_sim_capture_on(c);
	else if (sysfs_streq(buf, "off"))
		lis_sim_capture_off(c, false);
	else if (sysfs_streq(buf, "clear"))
		lis_sim_capture_off(c, true);
	else
		ret = -EINVAL;
	mutex_unlock(&c->ctl);
	if (ret == -EINVAL)
		goto bad;
	return ret ? ret : count;

bad:
	pr_warn("capture: the commands are 'on', 'off' and 'clear'\n");
	return -EINVAL;
}

const struct file_operations lis_sim_capture_fops = {
	.owner = THIS_MODULE,
	.open = lis_sim_capture_open,
	.read = lis_sim_capture_read,
	.llseek = default_llseek,
	.release = lis_sim_capture_release,
	.write = lis_sim_capture_write,
};

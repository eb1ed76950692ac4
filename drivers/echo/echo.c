// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_echo: the guest side of lis_sim's loopback echo device.
 *
 * It opens the echo channel and, on request, pushes a stream of numbered,
 * patterned packets through it, reads every echo back, checks each byte and
 * times the run.  Tests use it to prove the rings end to end; `make bench`
 * uses it for the ring_* figures, together with a memcpy of the same bytes
 * timed in the same run as the physical limit.
 *
 * Control, per device, in debugfs: lis_echo/<device>/run
 *   write "<packets> <bytes>"  runs the test (bytes: payload per packet)
 *   read                       the last result, one line of key=value
 */
#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/wait.h>

#include <lis/vmbus.h>

#define ECHO_RING_BYTES		(512 * 1024)
#define ECHO_MAX_PAYLOAD	(128 * 1024)
#define ECHO_MIN_PAYLOAD	8
#define ECHO_STALL_TIMEOUT	(10 * HZ)

/**
 * struct echo_result - what the last run measured
 * @packets: packets sent and verified
 * @bytes: payload bytes per packet
 * @errors: packets that came back wrong or out of order
 * @ns: wall time of the run
 * @send_ns: part of @ns spent sending (filling and writing packets)
 * @recv_ns: part of @ns spent receiving (reading and checking packets)
 * @memcpy_ns: time to memcpy the same total twice (out and back)
 * @status: 0 or the errno that ended the run
 */
struct echo_result {
	u64 packets;
	u32 bytes;
	u64 errors;
	u64 ns;
	u64 send_ns;
	u64 recv_ns;
	u64 memcpy_ns;
	int status;
};

/**
 * struct echo_dev - one bound echo device
 * @dev: the lis_vmbus device
 * @wait: woken by the channel callback
 * @kicks: callbacks so far (a run waits for this to change)
 * @run_lock: one run at a time; protects @last
 * @last: result of the last run
 * @dir: debugfs directory
 */
struct echo_dev {
	struct lis_device *dev;
	wait_queue_head_t wait;
	atomic_t kicks;
	struct mutex run_lock;
	struct echo_result last;
	struct dentry *dir;
};

static struct dentry *echo_debugfs;

static void echo_callback(void *ctx)
{
	struct echo_dev *ed = ctx;

	atomic_inc(&ed->kicks);
	wake_up(&ed->wait);
}

/*
 * Payload byte i (from 8 on) of packet seq is (u8)(seq * 31 + i): the
 * bytes of @pat (pat[k] == (u8)k) from (seq * 31) % 256 on.  Filling and
 * checking a packet are then one memcpy() and one memcmp(), not a loop
 * per byte, so the harness costs little next to the ring it measures.
 */
static const u8 *echo_pattern(const u8 *pat, u32 seq)
{
	return pat + ((seq * 31) & 0xff);
}

static void echo_fill(u8 *buf, const u8 *pat, u32 len, u32 seq)
{
	memcpy(buf, &seq, sizeof(seq));
	memcpy(buf + 4, &len, sizeof(len));
	memcpy(buf + 8, echo_pattern(pat, seq) + 8, len - 8);
}

static bool echo_check(const u8 *buf, const u8 *pat, u32 got, u32 len,
		       u32 seq)
{
	u32 s, l;

	/* The host echoes the 8-byte-padded data area. */
	if (got != ALIGN(len, 8))
		return false;
	memcpy(&s, buf, sizeof(s));
	memcpy(&l, buf + 4, sizeof(l));
	return s == seq && l == len &&
	       !memcmp(buf + 8, echo_pattern(pat, seq) + 8, len - 8);
}

/* Time a memcpy of the same bytes out and back: the physical limit. */
static u64 echo_memcpy_ns(u8 *a, u8 *b, u32 len, u64 packets)
{
	u64 i, t0 = ktime_get_ns();

	for (i = 0; i < packets; i++) {
		memcpy(b, a, len);
		memcpy(a, b, len);
	}
	return ktime_get_ns() - t0;
}

/*
 * While the run makes progress it polls the inbound ring with the host's
 * signals masked (lis_channel_batch_begin()), as a driver draining a batch
 * does: an interrupt per echoed packet would only wake a thread that is
 * awake.  Only before it sleeps does it unmask, and it sleeps only if the
 * ring is still empty then.  The host's pending_send_sz signal (room in
 * the outbound ring) is not affected by the mask.
 */
static void echo_run(struct echo_dev *ed, u64 packets, u32 len,
		     struct echo_result *res)
{
	struct lis_channel *ch = ed->dev->channel;
	u64 sent = 0, got = 0, t0, t1, t2;
	u8 *tx, *rx, *pat;
	u32 actual, i;
	int ret = 0;

	memset(res, 0, sizeof(*res));
	res->bytes = len;
	tx = vmalloc(len);
	rx = vmalloc(ALIGN(len, 8));
	pat = vmalloc(len + 256);
	if (!tx || !rx || !pat) {
		res->status = -ENOMEM;
		goto out;
	}
	for (i = 0; i < len + 256; i++)
		pat[i] = (u8)i;

	t0 = ktime_get_ns();
	lis_channel_batch_begin(ch);
	while (got < packets) {
		int seen = atomic_read(&ed->kicks);
		bool progress = false;

		t1 = ktime_get_ns();
		while (sent < packets) {
			echo_fill(tx, pat, len, (u32)sent);
			ret = lis_channel_send(ch, tx, len, sent,
					       LIS_VMPKT_DATA_INBAND, 0);
			if (ret)
				break;
			sent++;
			progress = true;
		}
		t2 = ktime_get_ns();
		res->send_ns += t2 - t1;
		if (ret && ret != -EAGAIN)
			break;
		for (;;) {
			ret = lis_channel_recv(ch, rx, ALIGN(len, 8), &actual,
					       NULL);
			if (ret)
				break;
			if (!echo_check(rx, pat, actual, len, (u32)got))
				res->errors++;
			got++;
			progress = true;
		}
		res->recv_ns += ktime_get_ns() - t2;
		if (ret != -EAGAIN)
			break;
		ret = 0;
		if (progress)
			continue;
		/* Packets that came while masked raised no signal. */
		if (lis_channel_batch_end(ch)) {
			lis_channel_batch_begin(ch);
			continue;
		}
		if (!wait_event_timeout(ed->wait,
					atomic_read(&ed->kicks) != seen,
					ECHO_STALL_TIMEOUT)) {
			ret = -ETIMEDOUT;
			break;
		}
		lis_channel_batch_begin(ch);
	}
	lis_channel_batch_end(ch);
	res->ns = ktime_get_ns() - t0;
	res->packets = got;
	res->status = got == packets ? 0 : (ret ? ret : -EIO);
	res->memcpy_ns = echo_memcpy_ns(tx, rx, len, packets);
out:
	vfree(pat);
	vfree(rx);
	vfree(tx);
}

static ssize_t echo_run_write(struct file *f, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct echo_dev *ed = file_inode(f)->i_private;
	char buf[64];
	u64 packets;
	u32 len;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	if (sscanf(buf, "%llu %u", &packets, &len) != 2 || !packets ||
	    len < ECHO_MIN_PAYLOAD || len > ECHO_MAX_PAYLOAD) {
		dev_warn(&ed->dev->dev, "run: want \"<packets> <bytes>\", bytes %d..%d\n",
			 ECHO_MIN_PAYLOAD, ECHO_MAX_PAYLOAD);
		return -EINVAL;
	}

	mutex_lock(&ed->run_lock);
	echo_run(ed, packets, len, &ed->last);
	mutex_unlock(&ed->run_lock);
	return count;
}

static ssize_t echo_run_read(struct file *f, char __user *ubuf, size_t count,
			     loff_t *ppos)
{
	struct echo_dev *ed = file_inode(f)->i_private;
	struct echo_result r;
	char buf[256];
	int n;

	mutex_lock(&ed->run_lock);
	r = ed->last;
	mutex_unlock(&ed->run_lock);
	n = scnprintf(buf, sizeof(buf),
		      "status=%d packets=%llu bytes=%u errors=%llu ns=%llu memcpy_ns=%llu send_ns=%llu recv_ns=%llu\n",
		      r.status, r.packets, r.bytes, r.errors, r.ns,
		      r.memcpy_ns, r.send_ns, r.recv_ns);
	return simple_read_from_buffer(ubuf, count, ppos, buf, n);
}

static const struct file_operations echo_run_fops = {
	.owner = THIS_MODULE,
	.read = echo_run_read,
	.write = echo_run_write,
	.llseek = default_llseek,
};

static int echo_probe(struct lis_device *dev, const struct lis_device_id *id)
{
	struct echo_dev *ed;
	int ret;

	ed = kzalloc(sizeof(*ed), GFP_KERNEL);
	if (!ed)
		return -ENOMEM;
	ed->dev = dev;
	init_waitqueue_head(&ed->wait);
	mutex_init(&ed->run_lock);
	dev_set_drvdata(&dev->dev, ed);

	ret = lis_channel_open(dev->channel, ECHO_RING_BYTES, ECHO_RING_BYTES,
			       NULL, 0, echo_callback, ed);
	if (ret) {
		dev_err(&dev->dev, "opening the echo channel failed: %d\n",
			ret);
		goto free_ed;
	}
	ed->dir = debugfs_create_dir(dev_name(&dev->dev), echo_debugfs);
	debugfs_create_file("run", 0600, ed->dir, ed, &echo_run_fops);
	dev_info(&dev->dev, "echo channel open\n");
	return 0;

free_ed:
	mutex_destroy(&ed->run_lock);
	kfree(ed);
	return ret;
}

static void echo_remove(struct lis_device *dev)
{
	struct echo_dev *ed = dev_get_drvdata(&dev->dev);

	debugfs_remove(ed->dir);
	lis_channel_close(dev->channel);
	mutex_destroy(&ed->run_lock);
	kfree(ed);
}

static const struct lis_device_id echo_ids[] = {
	{ .guid = GUID_INIT(0x4c495345, 0xec40, 0x4b3a,
			    0x9f, 0x13, 0x6c, 0x69, 0x73, 0x5f, 0x65, 0x63) },
	{ }
};

static struct lis_driver echo_driver = {
	.name = "lis_echo",
	.id_table = echo_ids,
	.probe = echo_probe,
	.remove = echo_remove,
};

static int __init echo_init(void)
{
	int ret;

	echo_debugfs = debugfs_create_dir("lis_echo", NULL);
	ret = lis_driver_register(&echo_driver);
	if (ret)
		debugfs_remove(echo_debugfs);
	return ret;
}

static void __exit echo_exit(void)
{
	lis_driver_unregister(&echo_driver);
	debugfs_remove(echo_debugfs);
}

module_init(echo_init);
module_exit(echo_exit);

MODULE_DESCRIPTION("lis loopback echo test driver (for lis_sim's echo device)");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(LIS);
/* The class GUID's bytes in wire order. */
MODULE_ALIAS(LIS_MODALIAS_PREFIX "4553494c40ec3a4b9f136c69735f6563");

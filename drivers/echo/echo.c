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
 *   write "<packets> <bytes> [<batch>]"  runs the test (bytes: payload per
 *                              packet; batch 1, the default: receive in
 *                              batches with the host's signals masked;
 *                              0: one packet at a time, unmasked)
 *   read                       the last result, one line of key=value
 *
 * It receives with the in-place iterator (lis_channel_recv_begin()) and
 * checks every echoed byte where it lies in the inbound ring.
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
#define ECHO_MEMCPY_PASSES	3

/**
 * struct echo_result - what the last run measured
 * @packets: packets sent and verified
 * @bytes: payload bytes per packet
 * @errors: packets that came back wrong or out of order
 * @ns: wall time of the run
 * @send_ns: part of @ns spent sending (filling and writing packets)
 * @recv_ns: part of @ns spent receiving (reading and checking packets)
 * @memcpy_ns: time to memcpy the same total twice (out and back), the
 *	fastest of ECHO_MEMCPY_PASSES passes
 * @batch: received in batches (1) or one packet at a time (0)
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
	bool batch;
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
 * bytes of @pat (pat[k] == (u8)k) from (seq * 31) % 256 on.  A packet is
 * then sent straight from @pat and checked with one echo_same(), not a
 * loop per byte, so the harness costs little next to the ring it measures.
 */
static const u8 *echo_pattern(const u8 *pat, u32 seq)
{
	return pat + ((seq * 31) & 0xff);
}

/*
 * The packet's first 8 bytes (sequence number and length) and, from the
 * pattern, the rest: gathered straight into the ring by
 * lis_channel_sendv(), with no staging buffer.
 */
static int echo_send(struct lis_channel *ch, const u8 *pat, u32 len, u32 seq)
{
	u32 head[2] = { seq, len };
	struct lis_kvec vec[2] = {
		{ .base = head, .len = sizeof(head) },
		{ .base = echo_pattern(pat, seq) + 8, .len = len - 8 },
	};

	return lis_channel_sendv(ch, vec, ARRAY_SIZE(vec), seq,
				 LIS_VMPKT_DATA_INBAND, 0);
}

/* The 8 bytes at @p, at any alignment (one load on x86). */
static __always_inline u64 echo_word(const u8 *p)
{
	u64 v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * Whether @len bytes at @a and @b are equal: 32 bytes a step, each word
 * read once and every difference ORed together.  The kernel's memcmp()
 * on x86-64 is the generic one, a word an iteration: under TCG it took
 * 1.7 us for 4 KiB, twice a memcpy() of the same bytes, where this takes
 * 1.1 us.  The check is the harness's cost, not the ring's (testing.rst).
 */
static bool echo_same(const u8 *a, const u8 *b, u32 len)
{
	u64 diff = 0;
	u32 i;

	for (i = 0; i + 32 <= len; i += 32)
		diff |= (echo_word(a + i) ^ echo_word(b + i)) |
			(echo_word(a + i + 8) ^ echo_word(b + i + 8)) |
			(echo_word(a + i + 16) ^ echo_word(b + i + 16)) |
			(echo_word(a + i + 24) ^ echo_word(b + i + 24));
	for (; i < len; i++)
		diff |= a[i] ^ b[i];
	return !diff;
}

/*
 * Check the echo of packet @seq where it lies in the ring.  The host may
 * write the bytes meanwhile: each is read once, by memcpy() or
 * echo_same().
 */
static bool echo_check(const struct lis_ring_pkt *pkt, const u8 *pat,
		       u32 len, u32 seq)
{
	u32 s, l;

	/* The host echoes the 8-byte-padded data area. */
	if (pkt->len != ALIGN(len, 8) || pkt->desc.trans_id != seq)
		return false;
	memcpy(&s, pkt->data, sizeof(s));
	memcpy(&l, pkt->data + 4, sizeof(l));
	return s == seq && l == len &&
	       echo_same(pkt->data + 8, echo_pattern(pat, seq) + 8, len - 8);
}

/*
 * Time a memcpy of the same bytes out and back: the physical limit.  The
 * fastest of ECHO_MEMCPY_PASSES passes, so that a pass slowed down by
 * the machine's load does not lower the limit.
 */
static u64 echo_memcpy_ns(u8 *a, u8 *b, u32 len, u64 packets)
{
	u64 i, t0, best = U64_MAX;
	unsigned int pass;

	for (pass = 0; pass < ECHO_MEMCPY_PASSES; pass++) {
		t0 = ktime_get_ns();
		for (i = 0; i < packets; i++) {
			memcpy(b, a, len);
			memcpy(a, b, len);
		}
		best = min(best, ktime_get_ns() - t0);
	}
	return best;
}

/*
 * Receive and check every echo waiting in the inbound ring, in place
 * (lis_channel_recv_begin()); a packet that wraps comes through @bounce.
 * The read index is published once for them all.  Returns 0 once the ring
 * is empty, else the error.
 */
static int echo_recv(struct lis_channel *ch, u8 *bounce, u32 bounce_len,
		     const u8 *pat, u32 len, struct echo_result *res,
		     u64 *got)
{
	struct lis_ring_pkt pkt;
	int ret;

	for (ret = lis_channel_recv_begin(ch, bounce, bounce_len, &pkt); !ret;
	     ret = lis_channel_recv_next(ch, &pkt)) {
		if (!echo_check(&pkt, pat, len, (u32)*got))
			res->errors++;
		++*got;
	}
	lis_channel_recv_end(ch);
	return ret == -EAGAIN ? 0 : ret;
}

/*
 * Wait for the host's next signal after the one counted in @seen, which
 * then counts it.  Returns 0, or -ETIMEDOUT if none came in time.
 */
static int echo_wait_kick(struct echo_dev *ed, int *seen)
{
	if (!wait_event_timeout(ed->wait, atomic_read(&ed->kicks) != *seen,
				ECHO_STALL_TIMEOUT))
		return -ETIMEDOUT;
	*seen = atomic_read(&ed->kicks);
	return 0;
}

/*
 * Batched: as many packets in flight as the rings hold.  The run polls
 * the inbound ring with the host's signals masked
 * (lis_channel_batch_begin()) while it makes progress, as a driver
 * draining a batch does: an interrupt per echoed packet would only wake a
 * thread that is awake.  Only before it sleeps does it unmask, and it
 * sleeps only if the ring is still empty then.  The host's
 * pending_send_sz signal (room in the outbound ring) is not affected by
 * the mask.
 */
static int echo_run_batched(struct echo_dev *ed, const u8 *pat, u8 *bounce,
			    u32 bounce_len, u64 packets, u32 len,
			    struct echo_result *res, u64 *got)
{
	struct lis_channel *ch = ed->dev->channel;
	u64 sent = 0, t1, t2;
	int ret = 0;

	lis_channel_batch_begin(ch);
	while (*got < packets) {
		int seen = atomic_read(&ed->kicks);
		u64 before = *got;
		bool progress = false;

		t1 = ktime_get_ns();
		while (sent < packets) {
			ret = echo_send(ch, pat, len, (u32)sent);
			if (ret)
				break;
			sent++;
			progress = true;
		}
		t2 = ktime_get_ns();
		res->send_ns += t2 - t1;
		if (ret && ret != -EAGAIN)
			break;
		ret = echo_recv(ch, bounce, bounce_len, pat, len, res, got);
		res->recv_ns += ktime_get_ns() - t2;
		if (ret)
			break;
		if (progress || *got != before)
			continue;
		/* Packets that came while masked raised no signal. */
		if (lis_channel_batch_end(ch)) {
			lis_channel_batch_begin(ch);
			continue;
		}
		ret = echo_wait_kick(ed, &seen);
		if (ret)
			break;
		lis_channel_batch_begin(ch);
	}
	lis_channel_batch_end(ch);
	return ret;
}

/*
 * Unbatched, for comparison: one packet in flight, the host's signals
 * never masked, each echo awaited through its interrupt and released on
 * its own.  What batching saves is the difference in signals and
 * interrupts per packet.
 */
static int echo_run_single(struct echo_dev *ed, const u8 *pat, u8 *bounce,
			   u32 bounce_len, u64 packets, u32 len,
			   struct echo_result *res, u64 *got)
{
	struct lis_channel *ch = ed->dev->channel;
	u64 sent, t1, t2;
	int ret = 0;

	for (sent = 0; sent < packets; sent++) {
		int seen = atomic_read(&ed->kicks);

		for (;;) {
			t1 = ktime_get_ns();
			ret = echo_send(ch, pat, len, (u32)sent);
			t2 = ktime_get_ns();
			res->send_ns += t2 - t1;
			if (ret != -EAGAIN)
				break;
			/*
			 * lis_sim releases the outbound ring once it finds it
			 * empty: room comes with its pending_send_sz signal.
			 */
			ret = echo_wait_kick(ed, &seen);
			if (ret)
				break;
		}
		if (ret)
			break;
		for (;;) {
			t1 = ktime_get_ns();
			ret = echo_recv(ch, bounce, bounce_len, pat, len, res,
					got);
			res->recv_ns += ktime_get_ns() - t1;
			if (ret || *got > sent)
				break;
			ret = echo_wait_kick(ed, &seen);
			if (ret)
				break;
		}
		if (ret)
			break;
	}
	return ret;
}

static void echo_run(struct echo_dev *ed, u64 packets, u32 len, bool batch,
		     struct echo_result *res)
{
	u32 bounce_len = sizeof(struct lis_vmpacket_desc) + ALIGN(len, 8);
	u64 got = 0, t0;
	u8 *bounce, *pat;
	int ret;
	u32 i;

	memset(res, 0, sizeof(*res));
	res->bytes = len;
	res->batch = batch;
	bounce = vmalloc(bounce_len);
	pat = vmalloc(len + 256);
	if (!bounce || !pat) {
		res->status = -ENOMEM;
		goto out;
	}
	for (i = 0; i < len + 256; i++)
		pat[i] = (u8)i;

	t0 = ktime_get_ns();
	if (batch)
		ret = echo_run_batched(ed, pat, bounce, bounce_len, packets,
				       len, res, &got);
	else
		ret = echo_run_single(ed, pat, bounce, bounce_len, packets,
				      len, res, &got);
	res->ns = ktime_get_ns() - t0;
	res->packets = got;
	res->status = got == packets ? 0 : (ret ? ret : -EIO);
	/* The limit's buffers: the pattern and the bounce, both len bytes. */
	res->memcpy_ns = echo_memcpy_ns(pat, bounce, len, packets);
out:
	vfree(pat);
	vfree(bounce);
}

static ssize_t echo_run_write(struct file *f, const char __user *ubuf,
			      size_t count, loff_t *ppos)
{
	struct echo_dev *ed = file_inode(f)->i_private;
	char buf[64];
	u32 len, batch = 1;
	u64 packets;
	int n;

	if (count >= sizeof(buf))
		return -EINVAL;
	if (copy_from_user(buf, ubuf, count))
		return -EFAULT;
	buf[count] = '\0';
	n = sscanf(buf, "%llu %u %u", &packets, &len, &batch);
	if (n < 2 || !packets || len < ECHO_MIN_PAYLOAD ||
	    len > ECHO_MAX_PAYLOAD || batch > 1) {
		dev_warn(&ed->dev->dev, "run: want \"<packets> <bytes> [<batch>]\", bytes %d..%d, batch 0 or 1\n",
			 ECHO_MIN_PAYLOAD, ECHO_MAX_PAYLOAD);
		return -EINVAL;
	}

	mutex_lock(&ed->run_lock);
	echo_run(ed, packets, len, batch, &ed->last);
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
		      "status=%d packets=%llu bytes=%u errors=%llu ns=%llu memcpy_ns=%llu send_ns=%llu recv_ns=%llu batch=%d\n",
		      r.status, r.packets, r.bytes, r.errors, r.ns,
		      r.memcpy_ns, r.send_ns, r.recv_ns, r.batch);
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

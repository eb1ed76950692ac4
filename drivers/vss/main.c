// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_vss: the guest side of Hyper-V live backup (VSS).
 *
 * Binds to the VSS device, answers the host's integration-component
 * negotiation and VSS operations, hands FREEZE and THAW to the lis-vssd
 * daemon through /dev/lis_vss (cdev.c), freezes and thaws superblocks for
 * it (freeze.c), and makes sure nothing stays frozen: the daemon's replies
 * are bounded by timeouts, a host that never sends THAW is bounded by
 * thaw_timeout, and a daemon that dies or a channel that goes away thaws
 * everything.  The rules themselves are pure code (txn.c, msg.c); this
 * file carries out their actions.  Documentation/vss.rst has the details.
 */
#include <linux/delay.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/workqueue.h>

#include "vss.h"
#include "trace.h"

/* Rings: a header page and 16 KiB of data each way (FREEZE: 6,260 bytes). */
#define LIS_VSS_CHAN_RING_BYTES	(LIS_HV_PAGE_SIZE + 4 * LIS_HV_PAGE_SIZE)
/* Send retries while the outbound ring is full, LIS_VSS_SEND_WAIT_MS apart. */
#define LIS_VSS_SEND_TRIES	100
#define LIS_VSS_SEND_WAIT_MS	10

/**
 * struct lis_vss_param - an unsigned module parameter with a range
 * @val: the value
 * @min: smallest accepted
 * @max: largest accepted
 */
struct lis_vss_param {
	unsigned int val;
	unsigned int min;
	unsigned int max;
};

static int lis_vss_param_set(const char *s, const struct kernel_param *kp)
{
	struct lis_vss_param *p = kp->arg;
	unsigned int v;

	if (kstrtouint(s, 0, &v) || v < p->min || v > p->max) {
		pr_err("%s=%.*s refused: want %u to %u seconds\n", kp->name,
		       (int)strcspn(s, "\n"), s, p->min, p->max);
		return -EINVAL;
	}
	WRITE_ONCE(p->val, v);
	return 0;
}

static int lis_vss_param_get(char *buf, const struct kernel_param *kp)
{
	struct lis_vss_param *p = kp->arg;

	return sysfs_emit(buf, "%u\n", READ_ONCE(p->val));
}

static const struct kernel_param_ops lis_vss_param_ops = {
	.set = lis_vss_param_set,
	.get = lis_vss_param_get,
};

/*
 * 15 minutes, as Linux's hv_snapshot allows its daemon: what hosts were
 * tested against.  A host stops waiting for the answer about then, so
 * longer would only keep the guest frozen for nobody.
 */
static struct lis_vss_param freeze_timeout = { 900, 1, 900 };
module_param_cb(freeze_timeout, &lis_vss_param_ops, &freeze_timeout, 0644);
MODULE_PARM_DESC(freeze_timeout,
		 "Seconds the daemon has to answer FREEZE, 1 to 900 (default 900)");

static struct lis_vss_param thaw_reply_timeout = { 30, 1, 300 };
module_param_cb(thaw_reply_timeout, &lis_vss_param_ops, &thaw_reply_timeout,
		0644);
MODULE_PARM_DESC(thaw_reply_timeout,
		 "Seconds the daemon has to answer THAW, 1 to 300 (default 30)");

static struct lis_vss_param thaw_timeout = { 180, 1, 3600 };
module_param_cb(thaw_timeout, &lis_vss_param_ops, &thaw_timeout, 0644);
MODULE_PARM_DESC(thaw_timeout,
		 "Seconds after a successful FREEZE before the kernel thaws everything if the host sends no THAW, 1 to 3600 (default 180)");

static void lis_vss_release(struct kref *ref)
{
	struct lis_vss *vss = container_of(ref, struct lis_vss, ref);

	mutex_destroy(&vss->frozen.lock);
	mutex_destroy(&vss->lock);
	kvfree(vss->held);
	kvfree(vss->rx);
	kfree(vss);
}

/**
 * lis_vss_get() - take a reference on a device's state
 * @vss: the device
 */
void lis_vss_get(struct lis_vss *vss)
{
	kref_get(&vss->ref);
}

/**
 * lis_vss_put() - drop a reference; the last one frees the state
 * @vss: the device
 */
void lis_vss_put(struct lis_vss *vss)
{
	kref_put(&vss->ref, lis_vss_release);
}

/* Send an answer; bounded retries while the host has not read earlier ones. */
static void lis_vss_send(struct lis_vss *vss, const void *buf, u32 len, u64 id)
{
	struct lis_channel *ch = vss->dev->channel;
	unsigned int tries = LIS_VSS_SEND_TRIES;
	int ret;

	lockdep_assert_held(&vss->lock);
	for (;;) {
		ret = lis_channel_send(ch, buf, len, id, LIS_VMPKT_DATA_INBAND,
				       0);
		if (ret != -EAGAIN || !--tries)
			break;
		msleep(LIS_VSS_SEND_WAIT_MS);
	}
	if (ret)
		dev_warn_ratelimited(&vss->dev->dev,
				     "answer to the host not sent: %d\n", ret);
}

static void lis_vss_count_answer(struct lis_vss *vss, u32 status, int why)
{
	if (status != LIS_IC_S_OK)
		vss->stats.failures++;
	if (why == LIS_VSS_WHY_BUSY)
		vss->stats.busy++;
	else if (why == LIS_VSS_WHY_TIMEOUT)
		vss->stats.timeouts++;
}

/**
 * lis_vss_do() - carry out a transaction action (except thaw_all)
 * @vss: the device
 * @act: the action; @act->answer is the caller's job (it has the packet)
 *
 * The caller thaws, if @act->thaw_all, after dropping the lock.
 *
 * Context: process, lis_vss.lock held, device not gone.
 */
void lis_vss_do(struct lis_vss *vss, const struct lis_vss_action *act)
{
	lockdep_assert_held(&vss->lock);
	if (act->answer_held) {
		lis_ic_make_response(vss->held, act->status);
		lis_vss_send(vss, vss->held, vss->held_len, vss->held_id);
		trace_lis_vss_answer(vss->held_pkt.op, act->status, act->why,
				     div_u64(ktime_get_ns() - vss->held_start,
					     NSEC_PER_USEC));
		lis_vss_count_answer(vss, act->status, act->why);
		/* A request the daemon has not read yet is withdrawn. */
		vss->req_ready = false;
		cancel_delayed_work(&vss->reply_timer);
	}
	if (act->to_daemon) {
		vss->timer_seq = act->seq;
		vss->reply_deadline = jiffies + msecs_to_jiffies(act->timeout_ms);
		mod_delayed_work(system_wq, &vss->reply_timer,
				 msecs_to_jiffies(act->timeout_ms));
		lis_vss_cdev_post(vss, act->daemon_op, act->seq,
				  act->timeout_ms);
	}
	if (act->stop_thaw_timer)
		cancel_delayed_work(&vss->thaw_timer);
	if (act->arm_thaw_timer) {
		unsigned long delay = READ_ONCE(thaw_timeout.val) * HZ;

		vss->thaw_deadline = jiffies + delay;
		mod_delayed_work(system_wq, &vss->thaw_timer, delay);
	}
}

/**
 * lis_vss_thaw_all() - thaw everything the kernel froze, last first
 * @vss: the device
 * @why: NULL for the normal end of a backup; else why the kernel thaws on
 *	its own (logged, counted as an auto-thaw when anything was frozen)
 *
 * Never waits for a freeze in progress: one that is still blocked is
 * abandoned, and its freezer thaws it when it returns (freeze.c).
 *
 * Context: process, lis_vss.lock not held; sleeps.
 * Return: file systems thawed.
 */
unsigned int lis_vss_thaw_all(struct lis_vss *vss, const char *why)
{
	unsigned int pending, n = lis_vss_thaw_stack(&vss->frozen, &pending);

	if (pending)
		pr_warn("%u freeze%s still in progress: thawed as soon as %s\n",
			pending, pending == 1 ? "" : "s",
			pending == 1 ? "it returns" : "they return");
	if (!n)
		return 0;
	mutex_lock(&vss->lock);
	vss->stats.last_window_ms = div_u64(ktime_get_ns() - vss->freeze_start,
					    NSEC_PER_MSEC);
	if (why)
		vss->stats.auto_thaws++;
	mutex_unlock(&vss->lock);
	trace_lis_vss_thaw(n, why != NULL);
	if (why)
		pr_warn("thawed %u file system%s: %s\n", n, n == 1 ? "" : "s",
			why);
	return n;
}

static void lis_vss_timeouts(struct lis_vss_timeouts *to)
{
	to->freeze_ms = READ_ONCE(freeze_timeout.val) * MSEC_PER_SEC;
	to->thaw_ms = READ_ONCE(thaw_reply_timeout.val) * MSEC_PER_SEC;
}

static void lis_vss_negotiate_pkt(struct lis_vss *vss, u8 *buf, u32 len,
				  u64 id)
{
	struct lis_ic_version fw, srv;
	int ret;

	ret = lis_vss_negotiate(buf, len, &fw, &srv);
	if (ret == -EPROTONOSUPPORT) {
		vss->stats.refused_hosts++;
		dev_warn_ratelimited(&vss->dev->dev,
				     "the host offers no VSS 5.0 (hosts before Windows Server 2012 R2 cannot freeze a Linux guest): refused\n");
		lis_ic_make_response(buf, LIS_IC_E_FAIL);
		lis_vss_send(vss, buf, len, id);
		return;
	}
	if (ret) {
		vss->stats.malformed++;
		dev_warn_ratelimited(&vss->dev->dev,
				     "malformed NEGOTIATE (%u bytes): %d; ignored\n",
				     len, ret);
		return;
	}
	vss->stats.negotiations++;
	if (fw.major != vss->fw.major || srv.major != vss->srv.major)
		dev_info(&vss->dev->dev, "negotiated framework %u.%u, VSS %u.%u\n",
			 fw.major, fw.minor, srv.major, srv.minor);
	vss->fw = fw;
	vss->srv = srv;
	lis_ic_make_response(buf, LIS_IC_S_OK);
	lis_vss_send(vss, buf, len, id);
}

/*
 * Handle one received packet in @buf (which is vss->rx or a temporary
 * buffer for an oversized one).  Returns why the caller must thaw
 * everything once it dropped the lock, or NULL.
 */
static const char *lis_vss_handle(struct lis_vss *vss, u8 *buf, u32 len,
				  u64 id, bool oversized)
{
	struct lis_vss_timeouts to;
	struct lis_vss_action act;
	struct lis_vss_pkt p;
	int ret;

	lockdep_assert_held(&vss->lock);
	ret = lis_vss_decode(buf, len, &p);
	if (ret) {
		vss->stats.malformed++;
		dev_warn_ratelimited(&vss->dev->dev,
				     "malformed packet (%u bytes): %d; ignored\n",
				     len, ret);
		return NULL;
	}
	if (oversized) {
		/* Sound framing, but bigger than any VSS message: refuse. */
		vss->stats.malformed++;
		vss->stats.failures++;
		dev_warn_ratelimited(&vss->dev->dev,
				     "a %u-byte packet is larger than any VSS message (%u); answered E_FAIL\n",
				     len, LIS_VSS_MAX_PKT);
		lis_vss_answer(buf, &p, LIS_IC_E_FAIL, 0);
		lis_vss_send(vss, buf, len, id);
		return NULL;
	}

	switch (p.kind) {
	case LIS_VSS_PKT_NEGOTIATE:
		lis_vss_negotiate_pkt(vss, buf, len, id);
		return NULL;
	case LIS_VSS_PKT_SHORT:
	case LIS_VSS_PKT_OTHER:
		vss->stats.malformed++;
		vss->stats.failures++;
		dev_warn_ratelimited(&vss->dev->dev,
				     "%s (type %u, %u body bytes); answered E_INVALIDARG\n",
				     p.kind == LIS_VSS_PKT_SHORT ?
				     "truncated VSS message" :
				     "not a VSS message",
				     p.ic.type, p.ic.body_len);
		lis_vss_answer(buf, &p, LIS_IC_E_INVALIDARG, 0);
		lis_vss_send(vss, buf, len, id);
		return NULL;
	}

	vss->stats.requests[min_t(unsigned int, p.op, LIS_VSS_OP_COUNT)]++;
	lis_vss_timeouts(&to);
	lis_vss_txn_host_op(&vss->txn, p.op, &to, &act);
	trace_lis_vss_request(p.op, id, act.to_daemon);
	if (act.to_daemon) {
		/* Keep the packet for the daemon's answer; rx gets the spare. */
		vss->rx = vss->held;
		vss->held = buf;
		vss->held_len = len;
		vss->held_id = id;
		vss->held_pkt = p;
		vss->held_start = ktime_get_ns();
	}
	/* A request this one abandons (held) is answered first. */
	lis_vss_do(vss, &act);
	if (act.answer) {
		lis_vss_answer(buf, &p, act.status, act.flags);
		lis_vss_send(vss, buf, len, id);
		trace_lis_vss_answer(p.op, act.status, act.why, 0);
		lis_vss_count_answer(vss, act.status, act.why);
		if (act.status != LIS_IC_S_OK)
			dev_dbg(&vss->dev->dev, "%s answered E_FAIL (reason %d)\n",
				lis_vss_op_name(p.op), act.why);
	}
	if (!act.thaw_all)
		return NULL;
	if (act.why != LIS_VSS_WHY_ABORTED)
		return "THAW with no daemon listening";
	dev_warn_ratelimited(&vss->dev->dev,
			     "THAW while the daemon was freezing: the host gave up on its FREEZE; both answered E_FAIL\n");
	return "the host sent THAW before FREEZE was answered";
}

/*
 * A packet too big for rx: copy it out whole (the ring bounds its size)
 * with lis_channel_recv() and refuse it.  Returns lis_channel_recv()'s
 * result, or -ENOMEM.
 */
static int lis_vss_handle_oversized(struct lis_vss *vss, u32 need)
{
	struct lis_channel *ch = vss->dev->channel;
	u32 len;
	u64 id;
	u8 *buf;
	int ret;

	/* On failure the packet stays; the next signal retries. */
	buf = kvmalloc(need, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	ret = lis_channel_recv(ch, buf, need, &len, &id);
	if (!ret)
		lis_vss_handle(vss, buf, len, id, true);
	kvfree(buf);
	return ret;
}

/*
 * Take the next packet off the ring into vss->rx: the answer is built in
 * the request's own bytes, and a request for the daemon is kept, so its
 * bytes are copied once out of the ring, where the in-place receive shows
 * them (a packet that wraps comes through vss->rx as the bounce, hence
 * memmove()).  Its space goes back to the host at once.  Returns 0,
 * -ENOBUFS with *@len set for a packet larger than LIS_VSS_MAX_PKT (it
 * stays in the ring), or lis_channel_recv_begin()'s error.
 */
static int lis_vss_recv(struct lis_vss *vss, u32 *len, u64 *id)
{
	struct lis_channel *ch = vss->dev->channel;
	struct lis_ring_pkt pkt;
	int ret;

	ret = lis_channel_recv_begin(ch, vss->rx, LIS_VSS_RX_BYTES, &pkt);
	if (ret == -ENOBUFS) {
		/* It wraps, and the whole packet is larger than the bounce. */
		*len = pkt.raw_len - pkt.desc.offset8 * 8;
	} else if (!ret && pkt.len > LIS_VSS_MAX_PKT) {
		*len = pkt.len;
		ret = -ENOBUFS;
	} else if (!ret) {
		memmove(vss->rx, pkt.data, pkt.len);
		*len = pkt.len;
		*id = pkt.desc.trans_id;
		lis_channel_recv_next(ch, &pkt);
	}
	lis_channel_recv_end(ch);
	/* A data offset past 16 bytes can make a wrapping packet too big. */
	if (ret == -ENOBUFS && *len <= LIS_VSS_MAX_PKT)
		ret = lis_channel_recv(ch, vss->rx, LIS_VSS_MAX_PKT, len, id);
	return ret;
}

static void lis_vss_work(struct work_struct *work)
{
	struct lis_vss *vss = container_of(work, struct lis_vss, work);
	const char *thaw;
	u32 len;
	u64 id;
	int ret;

	for (;;) {
		mutex_lock(&vss->lock);
		if (vss->gone) {
			mutex_unlock(&vss->lock);
			return;
		}
		thaw = NULL;
		ret = lis_vss_recv(vss, &len, &id);
		if (ret == -ENOBUFS)
			ret = lis_vss_handle_oversized(vss, len);
		else if (!ret)
			thaw = lis_vss_handle(vss, vss->rx, len, id, false);
		mutex_unlock(&vss->lock);
		if (ret)
			return;
		if (thaw)
			lis_vss_thaw_all(vss, thaw);
	}
}

static void lis_vss_reply_timeout(struct work_struct *work)
{
	struct lis_vss *vss = container_of(to_delayed_work(work),
					   struct lis_vss, reply_timer);
	struct lis_vss_action act;
	bool fired = false;

	mutex_lock(&vss->lock);
	/* A timer re-armed for a newer request fires again later. */
	if (!vss->gone && !time_before(jiffies, vss->reply_deadline) &&
	    lis_vss_txn_timeout(&vss->txn, vss->timer_seq, &act)) {
		dev_warn(&vss->dev->dev,
			 "the daemon did not answer %s in time; the host is told it failed\n",
			 lis_vss_op_name(vss->held_pkt.op));
		lis_vss_do(vss, &act);
		fired = true;
	}
	mutex_unlock(&vss->lock);
	if (fired)
		lis_vss_thaw_all(vss, "the daemon did not answer in time");
}

static void lis_vss_thaw_timeout(struct work_struct *work)
{
	struct lis_vss *vss = container_of(to_delayed_work(work),
					   struct lis_vss, thaw_timer);
	struct lis_vss_action act;
	bool fired = false;

	mutex_lock(&vss->lock);
	if (!vss->gone && !time_before(jiffies, vss->thaw_deadline) &&
	    lis_vss_txn_thaw_timeout(&vss->txn, &act)) {
		dev_warn(&vss->dev->dev,
			 "the host sent no THAW within %u s of FREEZE\n",
			 READ_ONCE(thaw_timeout.val));
		lis_vss_do(vss, &act);
		fired = true;
	}
	mutex_unlock(&vss->lock);
	if (fired)
		lis_vss_thaw_all(vss, "the host sent no THAW in time");
}

static void lis_vss_callback(void *ctx)
{
	struct lis_vss *vss = ctx;

	schedule_work(&vss->work);
}

static int lis_vss_probe(struct lis_device *dev, const struct lis_device_id *id)
{
	struct lis_vss *vss;
	int ret;

	vss = kzalloc(sizeof(*vss), GFP_KERNEL);
	if (!vss)
		return -ENOMEM;
	kref_init(&vss->ref);
	vss->dev = dev;
	mutex_init(&vss->lock);
	lis_vss_frozen_init(&vss->frozen);
	init_waitqueue_head(&vss->daemon_wait);
	INIT_WORK(&vss->work, lis_vss_work);
	INIT_DELAYED_WORK(&vss->reply_timer, lis_vss_reply_timeout);
	INIT_DELAYED_WORK(&vss->thaw_timer, lis_vss_thaw_timeout);
	lis_vss_txn_init(&vss->txn);
	ret = -ENOMEM;
	vss->rx = kvmalloc(LIS_VSS_RX_BYTES, GFP_KERNEL);
	vss->held = kvmalloc(LIS_VSS_RX_BYTES, GFP_KERNEL);
	if (!vss->rx || !vss->held)
		goto put_vss;
	dev_set_drvdata(&dev->dev, vss);

	ret = lis_channel_open(dev->channel, LIS_VSS_CHAN_RING_BYTES,
			       LIS_VSS_CHAN_RING_BYTES, NULL, 0,
			       lis_vss_callback, vss);
	if (ret) {
		dev_err(&dev->dev, "opening the VSS channel failed: %d\n", ret);
		goto put_vss;
	}
	ret = lis_vss_cdev_register(vss);
	if (ret) {
		dev_err(&dev->dev, "/dev/%s not created: %d (one VSS device at a time)\n",
			LIS_VSS_DEVICE_NAME, ret);
		goto close_channel;
	}
	lis_vss_debugfs_init(vss);
	dev_info(&dev->dev, "VSS channel open; /dev/%s ready\n",
		 LIS_VSS_DEVICE_NAME);
	return 0;

close_channel:
	lis_channel_close(dev->channel);
	cancel_work_sync(&vss->work);
put_vss:
	lis_vss_put(vss);
	return ret;
}

static void lis_vss_remove(struct lis_device *dev)
{
	struct lis_vss *vss = dev_get_drvdata(&dev->dev);

	/* No new daemon; the one that is open gets -ENODEV from now on. */
	lis_vss_cdev_unregister(vss);
	mutex_lock(&vss->lock);
	vss->gone = true;
	vss->req_ready = false;
	mutex_unlock(&vss->lock);
	wake_up_interruptible_all(&vss->daemon_wait);

	lis_channel_close(dev->channel);
	cancel_work_sync(&vss->work);
	cancel_delayed_work_sync(&vss->reply_timer);
	cancel_delayed_work_sync(&vss->thaw_timer);
	lis_vss_thaw_all(vss, "the VSS channel closed");
	lis_vss_debugfs_exit(vss);
	lis_vss_put(vss);
}

static const struct lis_device_id lis_vss_ids[] = {
	{ .guid = LIS_VSS_CLASS_GUID },
	{ }
};

static struct lis_driver lis_vss_driver = {
	.name = "lis_vss",
	.id_table = lis_vss_ids,
	.probe = lis_vss_probe,
	.remove = lis_vss_remove,
};

static int __init lis_vss_init(void)
{
	int ret;

	lis_vss_debugfs_module_init();
	ret = lis_driver_register(&lis_vss_driver);
	if (ret)
		lis_vss_debugfs_module_exit();
	return ret;
}

static void __exit lis_vss_exit(void)
{
	lis_driver_unregister(&lis_vss_driver);
	lis_vss_debugfs_module_exit();
}

module_init(lis_vss_init);
module_exit(lis_vss_exit);

MODULE_DESCRIPTION("lis live backup (Hyper-V VSS) guest driver");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(LIS);
/* The VSS class GUID's bytes in wire order, for udev autoloading. */
MODULE_ALIAS(LIS_MODALIAS_PREFIX "292efa3523ea364296ae3a6ebacba440");

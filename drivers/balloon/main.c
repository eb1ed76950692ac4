// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_balloon: the guest side of Hyper-V Dynamic Memory.
 *
 * Probe opens the channel, negotiates the protocol version (2.0, 1.0,
 * then 0.3 as the last attempt, each answer awaited for a bounded time)
 * and reports the guest's capabilities.  From then on the host drives:
 * balloon, unballoon and hot-add requests arrive on the channel, and the
 * guest reports its memory pressure about once a second.
 *
 * The channel callback runs in softirq context and only queues rx_work;
 * every message is handled in process context on the driver's workqueue.
 * Documentation/dynamic-memory.rst describes the whole driver.
 */
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>

#include "core.h"
#include "trace.h"

#define DM_ANSWER_TIMEOUT	(5 * HZ)
#define DM_SEND_TIMEOUT		(5 * HZ)
/* Bounce for the largest packet a 16 KiB ring carries: never -ENOBUFS. */
#define DM_RX_BYTES		LIS_DM_RING_BYTES

/* Module parameters; Documentation/dynamic-memory.rst, "Tuning". */
unsigned int dm_report_delay = 45;
unsigned int dm_floor_mb;
unsigned int dm_online_timeout = 5;
bool dm_hot_add_param = true;
bool dm_shrink_total;
bool dm_report_lis;

static int dm_param_uint(const char *val, const struct kernel_param *kp,
			 unsigned int lo, unsigned int hi)
{
	unsigned int v;

	if (kstrtouint(val, 0, &v) || v < lo || v > hi) {
		pr_err("parameter %s: \"%s\" is not a number from %u to %u\n",
		       kp->name, val, lo, hi);
		return -EINVAL;
	}
	*(unsigned int *)kp->arg = v;
	return 0;
}

static int dm_set_report_delay(const char *val, const struct kernel_param *kp)
{
	int ret = dm_param_uint(val, kp, 0, 3600);

	if (!ret)
		dm_report_delay_changed();
	return ret;
}

static int dm_set_floor_mb(const char *val, const struct kernel_param *kp)
{
	return dm_param_uint(val, kp, 0, 1U << 20);
}

static int dm_set_online_timeout(const char *val,
				 const struct kernel_param *kp)
{
	return dm_param_uint(val, kp, 1, 120);
}

static int dm_set_accounting(const char *val, const struct kernel_param *kp)
{
	if (sysfs_streq(val, "used")) {
		dm_shrink_total = false;
		return 0;
	}
	if (sysfs_streq(val, "total")) {
		dm_shrink_total = true;
		return 0;
	}
	pr_err("parameter accounting: \"%s\" is neither \"used\" nor \"total\"\n",
	       val);
	return -EINVAL;
}

static int dm_get_accounting(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", dm_shrink_total ? "total" : "used");
}

static int dm_set_report(const char *val, const struct kernel_param *kp)
{
	if (sysfs_streq(val, "linux")) {
		dm_report_lis = false;
		return 0;
	}
	if (sysfs_streq(val, "lis")) {
		dm_report_lis = true;
		return 0;
	}
	pr_err("parameter report: \"%s\" is neither \"linux\" nor \"lis\"\n",
	       val);
	return -EINVAL;
}

static int dm_get_report(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%s\n", dm_report_lis ? "lis" : "linux");
}

static const struct kernel_param_ops dm_report_delay_ops = {
	.set = dm_set_report_delay,
	.get = param_get_uint,
};

static const struct kernel_param_ops dm_floor_mb_ops = {
	.set = dm_set_floor_mb,
	.get = param_get_uint,
};

static const struct kernel_param_ops dm_online_timeout_ops = {
	.set = dm_set_online_timeout,
	.get = param_get_uint,
};

static const struct kernel_param_ops dm_accounting_ops = {
	.set = dm_set_accounting,
	.get = dm_get_accounting,
};

static const struct kernel_param_ops dm_report_ops = {
	.set = dm_set_report,
	.get = dm_get_report,
};

module_param_cb(report_delay, &dm_report_delay_ops, &dm_report_delay, 0644);
MODULE_PARM_DESC(report_delay,
		 "Seconds from the capabilities exchange to the first status report (0-3600, default 45)");
module_param_cb(floor_mb, &dm_floor_mb_ops, &dm_floor_mb, 0644);
MODULE_PARM_DESC(floor_mb,
		 "MiB added to the memory the guest never balloons away (0-1048576, default 0)");
module_param_cb(online_timeout, &dm_online_timeout_ops, &dm_online_timeout,
		0644);
MODULE_PARM_DESC(online_timeout,
		 "Seconds to wait for a hot-added memory block to come online (1-120, default 5)");
module_param_named(hot_add, dm_hot_add_param, bool, 0444);
MODULE_PARM_DESC(hot_add, "Offer hot-add to the host (default Y)");
module_param_cb(accounting, &dm_accounting_ops, NULL, 0444);
MODULE_PARM_DESC(accounting,
		 "Ballooned pages: \"used\" (MemTotal keeps its high-water mark; default) or \"total\" (MemTotal shrinks)");
module_param_cb(report, &dm_report_ops, NULL, 0444);
MODULE_PARM_DESC(report,
		 "Status reports: \"linux\" (Linux's figures, once a second; default) or \"lis\" (MemAvailable above the floor, early reports under memory pressure)");

/**
 * dm_send() - send one message, numbered from the guest's counter
 * @dm: the device
 * @msg: the message, starting with struct lis_dm_hdr
 * @len: its length
 *
 * Waits, bounded, for room in the outbound ring.
 *
 * Context: process; sleeps.
 * Return: 0; -ETIMEDOUT if the ring stayed full; -ESHUTDOWN once remove()
 * has begun; another error from lis_channel_send().
 */
int dm_send(struct lis_dm *dm, void *msg, u32 len)
{
	struct lis_dm_hdr *hdr = msg;
	long left = DM_SEND_TIMEOUT;
	int ret;

	hdr->trans_id = atomic_inc_return(&dm->trans_id);
	for (;;) {
		if (READ_ONCE(dm->stopping))
			return -ESHUTDOWN;
		ret = lis_channel_send(dm->ch, msg, len, 0,
				       LIS_VMPKT_DATA_INBAND, 0);
		if (ret != -EAGAIN)
			break;
		/* The host signals once the packet fits (pending_send_sz). */
		left = wait_event_timeout(dm->wait,
					  READ_ONCE(dm->stopping) ||
					  lis_channel_out_free(dm->ch) > len + 64,
					  left);
		if (!left) {
			ret = -ETIMEDOUT;
			break;
		}
	}
	if (ret && ret != -ESHUTDOWN)
		dev_err_ratelimited(&dm->dev->dev, "sending message type %u failed: %d\n",
				    hdr->type, ret);
	return ret;
}

/**
 * dm_set_state() - record what the driver is doing, for debugfs
 * @dm: the device
 * @state: the new state
 *
 * Context: process.
 */
void dm_set_state(struct lis_dm *dm, enum dm_state state)
{
	mutex_lock(&dm->lock);
	if (dm->state != DM_INIT_ERROR)
		dm->state = state;
	mutex_unlock(&dm->lock);
}

static void dm_callback(void *ctx)
{
	struct lis_dm *dm = ctx;

	wake_up(&dm->wait);
	queue_work(dm->wq, &dm->rx_work);
}

/*
 * Requests that arrive while one of their kind is answered wait in a
 * small queue and are answered in order (dm_request_done()).  A host
 * sends one at a time; more than DM_QUEUE_LEN waiting is answered at
 * once with nothing done.
 */
static bool dm_queue_push(struct dm_queue *q, const struct lis_dm_msg *msg)
{
	if (q->len == DM_QUEUE_LEN)
		return false;
	q->msg[(q->head + q->len) % DM_QUEUE_LEN] = *msg;
	q->len++;
	return true;
}

static void dm_queue_pop(struct dm_queue *q, struct lis_dm_msg *msg)
{
	*msg = q->msg[q->head];
	q->head = (q->head + 1) % DM_QUEUE_LEN;
	q->len--;
}

/* Answer a request that cannot wait: nothing ballooned, or "try later". */
static void dm_answer_now(struct lis_dm *dm, const struct lis_dm_msg *msg,
			  u32 hot_add_result)
{
	struct lis_dm_hot_add_response ha;
	struct lis_dm_balloon_response bl;

	if (msg->type == LIS_DM_BALLOON_REQUEST) {
		atomic64_inc(&dm->stats.balloon_requests);
		lis_dm_balloon_resp_reset(&bl);
		dm_send(dm, &bl, lis_dm_balloon_resp_close(&bl, false));
		trace_lis_balloon_request(msg->type, msg->num_pages, 0, 0);
		return;
	}
	atomic64_inc(&dm->stats.hot_add_requests);
	trace_lis_balloon_request(msg->type, lis_dm_range_count(msg->range),
				  0, hot_add_result);
	dm_send(dm, &ha, lis_dm_hot_add_response(&ha, 0, hot_add_result));
}

/**
 * dm_request_done() - a BALLOON or HOT_ADD request was answered
 * @dm: the device
 * @type: LIS_DM_BALLOON_REQUEST or LIS_DM_MEM_HOT_ADD_REQUEST
 *
 * Starts the next request of that type waiting in the queue, or marks
 * the type idle.
 *
 * Context: process, on the driver's workqueue (the work of @type).
 */
void dm_request_done(struct lis_dm *dm, u16 type)
{
	bool balloon = type == LIS_DM_BALLOON_REQUEST;
	struct dm_queue *q = balloon ? &dm->balloon_q : &dm->hot_add_q;
	struct lis_dm_msg next;
	bool more, give_up;

	for (;;) {
		mutex_lock(&dm->lock);
		more = q->len && !READ_ONCE(dm->stopping);
		give_up = false;
		if (!more) {
			q->len = 0;
			if (balloon)
				dm->busy_balloon = false;
			else
				dm->busy_hot_add = false;
		} else {
			dm_queue_pop(q, &next);
			if (balloon)
				dm->balloon_want = next.num_pages;
			else if (dm->hot_add_ok)
				dm->hot_add_msg = next;
			else
				give_up = true;
		}
		mutex_unlock(&dm->lock);
		if (!more)
			return;
		if (!give_up)
			break;
		/* Hot-add became impossible meanwhile: "give up for good". */
		dm_answer_now(dm, &next, LIS_DM_HOT_ADD_OK);
	}
	queue_work(dm->wq, balloon ? &dm->balloon_work : &dm->hot_add_work);
}

static void dm_on_balloon(struct lis_dm *dm, const struct lis_dm_msg *msg)
{
	bool busy, queued = false;

	mutex_lock(&dm->lock);
	busy = dm->busy_balloon;
	if (!busy) {
		dm->busy_balloon = true;
		dm->balloon_want = msg->num_pages;
	} else {
		queued = dm_queue_push(&dm->balloon_q, msg);
	}
	mutex_unlock(&dm->lock);
	if (!busy) {
		queue_work(dm->wq, &dm->balloon_work);
		return;
	}
	atomic64_inc(&dm->stats.queued);
	if (!queued) {
		dev_warn_ratelimited(&dm->dev->dev, "balloon request while %u wait: answered with 0 pages\n",
				     DM_QUEUE_LEN);
		dm_answer_now(dm, msg, 0);
	}
}

static void dm_on_hot_add(struct lis_dm *dm, const struct lis_dm_msg *msg)
{
	bool busy, ok, queued = false;

	mutex_lock(&dm->lock);
	busy = dm->busy_hot_add;
	ok = dm->hot_add_ok;
	if (busy)
		queued = dm_queue_push(&dm->hot_add_q, msg);
	else if (ok) {
		dm->busy_hot_add = true;
		dm->hot_add_msg = *msg;
	}
	mutex_unlock(&dm->lock);
	if (busy) {
		atomic64_inc(&dm->stats.queued);
		if (!queued) {
			dev_warn_ratelimited(&dm->dev->dev, "hot-add request while %u wait: answered \"try later\"\n",
					     DM_QUEUE_LEN);
			dm_answer_now(dm, msg, LIS_DM_HOT_ADD_RETRY);
		}
		return;
	}
	if (ok) {
		queue_work(dm->wq, &dm->hot_add_work);
		return;
	}
	/* Not offered or no longer possible: "give up for good". */
	dm_answer_now(dm, msg, LIS_DM_HOT_ADD_OK);
}

static void dm_on_answer(struct lis_dm *dm, const struct lis_dm_msg *msg)
{
	if (msg->type != READ_ONCE(dm->answer_type)) {
		dev_warn_ratelimited(&dm->dev->dev, "unexpected message type %u from the host: ignored\n",
				     msg->type);
		atomic64_inc(&dm->stats.malformed);
		return;
	}
	WRITE_ONCE(dm->answer_type, 0);
	dm->answer_accepted = msg->accepted;
	complete(&dm->answer);
}

static void dm_handle(struct lis_dm *dm, const void *buf, u32 len)
{
	struct lis_dm_msg msg;
	int ret;

	ret = lis_dm_parse(buf, len, &msg);
	if (ret == -EOPNOTSUPP) {
		dev_info_ratelimited(&dm->dev->dev, "message type %u not supported: ignored\n",
				     msg.type);
		atomic64_inc(&dm->stats.unknown);
		return;
	}
	if (ret) {
		dev_warn_ratelimited(&dm->dev->dev, "malformed message (type %u, size %u, %u bytes): %d, ignored\n",
				     msg.type, msg.size, len, ret);
		atomic64_inc(&dm->stats.malformed);
		return;
	}

	switch (msg.type) {
	case LIS_DM_VERSION_RESPONSE:
	case LIS_DM_CAPABILITIES_RESPONSE:
		dm_on_answer(dm, &msg);
		break;
	case LIS_DM_BALLOON_REQUEST:
		dm_on_balloon(dm, &msg);
		break;
	case LIS_DM_UNBALLOON_REQUEST:
		dm_unballoon(dm, &msg);
		break;
	case LIS_DM_MEM_HOT_ADD_REQUEST:
		dm_on_hot_add(dm, &msg);
		break;
	case LIS_DM_INFO_MESSAGE:
		if (msg.has_max) {
			mutex_lock(&dm->lock);
			dm->max_page_count = msg.max_page_count;
			mutex_unlock(&dm->lock);
			dev_info(&dm->dev->dev, "host: maximum memory %llu MiB\n",
				 msg.max_page_count >> (20 - LIS_HV_PAGE_SHIFT));
		}
		break;
	}
}

/*
 * Each message is handled where it lies in the inbound ring (a wrapping
 * one through rx_buf) and its space is given back before the next one is
 * looked at: a handler may wait for room in the outbound ring
 * (dm_send()), and the host may be waiting for room in this one.
 */
static void dm_rx_work(struct work_struct *work)
{
	struct lis_dm *dm = container_of(work, struct lis_dm, rx_work);
	struct lis_ring_pkt pkt;
	int ret;

	do {
		lis_channel_batch_begin(dm->ch);
		for (;;) {
			ret = lis_channel_recv_begin(dm->ch, dm->rx_buf,
						     DM_RX_BYTES, &pkt);
			if (!ret) {
				dm_handle(dm, pkt.data, pkt.len);
				/* Consumed; released by the end just below. */
				lis_channel_recv_next(dm->ch, &pkt);
			}
			lis_channel_recv_end(dm->ch);
			if (ret)
				break;
		}
		if (ret == -ENOBUFS || ret == -EIO) {
			dev_err_ratelimited(&dm->dev->dev, "receiving failed: %d; channel unusable\n",
					    ret);
			return;
		}
	} while (lis_channel_batch_end(dm->ch));
}

/* Send @msg and wait for the response of type @type; -ETIMEDOUT if none. */
static int dm_ask(struct lis_dm *dm, void *msg, u32 len, u16 type,
		  bool *accepted)
{
	int ret;

	reinit_completion(&dm->answer);
	WRITE_ONCE(dm->answer_type, type);
	ret = dm_send(dm, msg, len);
	if (ret)
		return ret;
	if (!wait_for_completion_timeout(&dm->answer, DM_ANSWER_TIMEOUT)) {
		WRITE_ONCE(dm->answer_type, 0);
		return -ETIMEDOUT;
	}
	*accepted = dm->answer_accepted;
	return 0;
}

static int dm_negotiate(struct lis_dm *dm, int align)
{
	struct lis_dm_version_request req;
	struct lis_dm_caps_report caps;
	u32 v = LIS_DM_VERSION_WIN10;
	bool ok = false;
	int ret;

	for (; v && !ok; v = ok ? v : lis_dm_next_version(v)) {
		ret = dm_ask(dm, &req, lis_dm_version_request(&req, v),
			     LIS_DM_VERSION_RESPONSE, &ok);
		if (ret) {
			dev_err(&dm->dev->dev, "no answer to version %u.%u: %d\n",
				v >> 16, v & 0xffff, ret);
			return ret;
		}
		if (ok)
			break;
	}
	if (!ok) {
		dev_err(&dm->dev->dev, "the host refused versions 2.0, 1.0 and 0.3\n");
		return -EPROTONOSUPPORT;
	}
	mutex_lock(&dm->lock);
	dm->version = v;
	mutex_unlock(&dm->lock);

	/* min_page_cnt 0 and max_page_number "any", as Linux reports them. */
	ret = dm_ask(dm, &caps, lis_dm_caps_report(&caps, true, align, 0, ~0ULL),
		     LIS_DM_CAPABILITIES_RESPONSE, &ok);
	if (ret) {
		dev_err(&dm->dev->dev, "no answer to the capabilities report: %d\n",
			ret);
		return ret;
	}
	if (!ok) {
		dev_err(&dm->dev->dev, "the host refused the capabilities\n");
		return -EPROTO;
	}
	dev_info(&dm->dev->dev, "protocol %u.%u, balloon%s\n", v >> 16,
		 v & 0xffff, align >= 0 ? ", hot-add" : "");
	return 0;
}

static int dm_probe(struct lis_device *dev, const struct lis_device_id *id)
{
	struct lis_dm *dm;
	int align = -1;
	int ret;

	dm = kzalloc(sizeof(*dm), GFP_KERNEL);
	if (!dm)
		return -ENOMEM;
	dm->dev = dev;
	dm->ch = dev->channel;
	init_waitqueue_head(&dm->wait);
	init_completion(&dm->answer);
	mutex_init(&dm->lock);
	spin_lock_init(&dm->ha_lock);
	INIT_LIST_HEAD(&dm->regions);
	xa_init(&dm->ballooned);
	INIT_WORK(&dm->rx_work, dm_rx_work);
	INIT_WORK(&dm->balloon_work, dm_balloon_work);
	INIT_WORK(&dm->hot_add_work, dm_hot_add_work);
	INIT_DELAYED_WORK(&dm->report_work, dm_report_work);
	dev_set_drvdata(&dev->dev, dm);

	ret = -ENOMEM;
	dm->rx_buf = kmalloc(DM_RX_BYTES, GFP_KERNEL);
	dm->resp = kmalloc(LIS_DM_MAX_MSG, GFP_KERNEL);
	if (!dm->rx_buf || !dm->resp)
		goto free_bufs;
	dm->wq = alloc_workqueue("lis_balloon", WQ_FREEZABLE | WQ_UNBOUND, 0);
	if (!dm->wq)
		goto free_bufs;

	if (dm_hot_add_param && !dm_hot_add_init(dm)) {
		align = lis_dm_hot_add_align((u64)dm->block_pages << PAGE_SHIFT);
		dm->hot_add_ok = true;
	} else if (!dm_hot_add_param) {
		dev_info(&dev->dev, "hot-add disabled: module parameter hot_add=0\n");
	}

	ret = lis_channel_open(dm->ch, LIS_DM_RING_BYTES, LIS_DM_RING_BYTES,
			       NULL, 0, dm_callback, dm);
	if (ret) {
		dev_err(&dev->dev, "opening the channel failed: %d\n", ret);
		goto exit_hot_add;
	}
	ret = dm_negotiate(dm, align);
	if (ret)
		goto close;
	dm_balloon_adopt(dm);
	ret = dm_report_start(dm);
	if (ret)
		goto close;
	dm_set_state(dm, DM_INITIALIZED);
	dm_status_init(dm);
	return 0;

close:
	WRITE_ONCE(dm->stopping, true);
	wake_up(&dm->wait);
	lis_channel_close(dm->ch);
	flush_workqueue(dm->wq);
	dm_balloon_keep_all(dm);
exit_hot_add:
	dm_hot_add_exit(dm);
	destroy_workqueue(dm->wq);
free_bufs:
	kfree(dm->resp);
	kfree(dm->rx_buf);
	mutex_destroy(&dm->lock);
	kfree(dm);
	return ret;
}

static void dm_remove(struct lis_device *dev)
{
	struct lis_dm *dm = dev_get_drvdata(&dev->dev);

	dm_status_exit(dm);
	dm_report_stop(dm);
	WRITE_ONCE(dm->stopping, true);
	wake_up(&dm->wait);
	lis_channel_close(dm->ch);
	/* Queued work runs to its end: it sees @stopping and sends nothing. */
	destroy_workqueue(dm->wq);
	dm_balloon_keep_all(dm);
	dm_hot_add_exit(dm);
	xa_destroy(&dm->ballooned);
	kfree(dm->resp);
	kfree(dm->rx_buf);
	mutex_destroy(&dm->lock);
	kfree(dm);
}

static const struct lis_device_id dm_ids[] = {
	{ .guid = LIS_DM_CLASS_GUID },
	{ }
};

static struct lis_driver dm_driver = {
	.name = "lis_balloon",
	.id_table = dm_ids,
	.probe = dm_probe,
	.remove = dm_remove,
};

static int __init dm_init(void)
{
	return lis_driver_register(&dm_driver);
}

static void __exit dm_exit(void)
{
	lis_driver_unregister(&dm_driver);
	dm_balloon_kept_exit();
}

module_init(dm_init);
module_exit(dm_exit);

MODULE_DESCRIPTION("lis Dynamic Memory driver (Hyper-V ballooning and hot-add)");
MODULE_LICENSE("GPL");
MODULE_IMPORT_NS(LIS);
/* The DM class GUID's bytes in wire order. */
MODULE_ALIAS(LIS_MODALIAS_PREFIX "dc7450528589e2468057a307dc18a502");

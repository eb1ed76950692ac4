// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated host's VSS device: a backup requester.
 *
 * When the guest opens the channel, the host negotiates (framework 1.0
 * and 3.0, VSS 5.0 down to 3.0; an "old" host offers only VSS 4.0 and
 * below and steps down each time the guest refuses, as hosts before
 * Windows 8.1 do).  A backup, started from debugfs, is HOT_BACKUP, then
 * FREEZE, then a checkpoint window that the host holds until it is told
 * to go on (or for hold_ms), then THAW; each step is timed.  Fault modes
 * make the host misbehave in the ways a guest must survive.
 *
 * /sys/kernel/debug/lis_sim/vss (Documentation/simulator.rst):
 *   read   key=value lines: state, versions, counters, timings, faults
 *   write  backup | release | abort | hold_ms N | age new|old |
 *          fault never-thaw|thaw-without-freeze|double-freeze|
 *                rescind-frozen|oversized-freeze|truncated|
 *                loose-sizes|clear
 *
 * All of it runs as host work (sim.h): class callbacks and debugfs
 * commands, serialised by lis_sim.lock, which protects struct
 * lis_vss_host.
 */
#include <linux/debugfs.h>
#include <linux/ktime.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/vmalloc.h>

#include <lis/ic.h>
#include <lis/vss.h>
#include "core.h"

/* Size of a FREEZE as Hyper-V sends it (LUN data after the body). */
#define LIS_VSS_HOST_FREEZE_LEN		6260
/* An oversized FREEZE: more than the guest's LIS_VSS_MAX_PKT buffer. */
#define LIS_VSS_HOST_OVERSIZED_LEN	14000
/* Host buffers: the largest packet the guest's 16 KiB rings can carry. */
#define LIS_VSS_HOST_BUF		(16 * 1024)
/* How long the host waits for each answer. */
#define LIS_VSS_HOST_FREEZE_WAIT_MS	(16 * 60 * 1000)
#define LIS_VSS_HOST_WAIT_MS		(60 * 1000)

enum lis_vss_host_state {
	VH_IDLE,		/* no channel */
	VH_NEGOTIATING,
	VH_READY,
	VH_HOT_BACKUP,
	VH_FREEZING,
	VH_CHECKPOINT,
	VH_THAWING,
	VH_DONE,
	VH_FAILED,
};

static const char * const lis_vss_host_state_names[] = {
	[VH_IDLE] = "idle",
	[VH_NEGOTIATING] = "negotiating",
	[VH_READY] = "ready",
	[VH_HOT_BACKUP] = "hot_backup",
	[VH_FREEZING] = "freezing",
	[VH_CHECKPOINT] = "checkpoint",
	[VH_THAWING] = "thawing",
	[VH_DONE] = "done",
	[VH_FAILED] = "failed",
};

enum lis_vss_host_fault {
	VF_NEVER_THAW,
	VF_THAW_WITHOUT_FREEZE,
	VF_DOUBLE_FREEZE,
	VF_RESCIND_FROZEN,
	VF_OVERSIZED_FREEZE,
	VF_TRUNCATED,
	VF_LOOSE_SIZES,
	VF_COUNT,
};

static const char * const lis_vss_host_fault_names[VF_COUNT] = {
	[VF_NEVER_THAW] = "never-thaw",
	[VF_THAW_WITHOUT_FREEZE] = "thaw-without-freeze",
	[VF_DOUBLE_FREEZE] = "double-freeze",
	[VF_RESCIND_FROZEN] = "rescind-frozen",
	[VF_OVERSIZED_FREEZE] = "oversized-freeze",
	[VF_TRUNCATED] = "truncated",
	[VF_LOOSE_SIZES] = "loose-sizes",
};

enum lis_vss_host_result { VR_NONE, VR_OK, VR_FAILED, VR_TIMEOUT };

static const char * const lis_vss_host_result_names[] = {
	[VR_NONE] = "none",
	[VR_OK] = "ok",
	[VR_FAILED] = "failed",
	[VR_TIMEOUT] = "timeout",
};

/**
 * struct lis_vss_host - the backup requester (protected by lis_sim.lock)
 * @sim: the simulator
 * @ch: the open VSS channel, NULL when none
 * @state: enum lis_vss_host_state
 * @old_host: offer only VSS versions before 5.0
 * @need_negotiate: the channel just opened: the timer sends NEGOTIATE
 * @neg_srv: the VSS major version the current NEGOTIATE offers first
 * @fw: negotiated framework version
 * @srv: negotiated VSS version
 * @faults: armed fault modes, a bit per enum lis_vss_host_fault
 * @hold_ms: checkpoint window before an automatic release; 0: until
 *	"release"
 * @backups: sequences started
 * @result: enum lis_vss_host_result of the last sequence
 * @status: status of the last answer that decided it
 * @extra_status: the answer to a fault's extra request (double FREEZE),
 *	or to the FREEZE an "abort" gave up on
 * @aborted: this sequence gave up on its FREEZE ("abort"): it fails,
 *	whatever the THAW's answer
 * @wait_op: the operation whose answer the host waits for
 * @wait_id: the VMBus transaction id of that request
 * @extra_id: transaction id of a fault's extra request, 0 if none
 * @deadline: when (ktime ns) the host stops waiting
 * @release_at: when (ktime ns) the checkpoint window ends (hold_ms), 0 if
 *	not automatic
 * @next_id: next VMBus transaction id
 * @t: when each step started (ktime ns): backup, FREEZE sent, checkpoint,
 *	THAW sent
 * @ms: timings of the last sequence
 * @timer: runs lis_vss_host_tick() at the next deadline or release
 * @rescind_work: rescinds @rescind_relid outside host work
 * @rescind_relid: the channel to rescind
 * @tx: packet being built
 * @rx: answer being read
 */
struct lis_vss_host {
	struct lis_sim *sim;
	struct lis_sim_chan *ch;
	int state;
	bool old_host;
	bool need_negotiate;
	u16 neg_srv;
	struct lis_ic_version fw;
	struct lis_ic_version srv;
	unsigned long faults;
	u32 hold_ms;
	u64 backups;
	int result;
	u32 status;
	u32 extra_status;
	bool aborted;
	u8 wait_op;
	u64 wait_id;
	u64 extra_id;
	u64 deadline;
	u64 release_at;
	u64 next_id;
	struct {
		u64 start, freeze, checkpoint, thaw;
	} t;
	struct {
		u64 hot_backup, freeze, checkpoint, thaw, total;
	} ms;
	struct delayed_work timer;
	struct work_struct rescind_work;
	u32 rescind_relid;
	u8 *tx;
	u8 *rx;
};

static u64 lis_vss_host_ms(u64 from)
{
	return div_u64(ktime_get_ns() - from, NSEC_PER_MSEC);
}

/* Run the timer at the nearest of the answer deadline and the release. */
static void lis_vss_host_arm(struct lis_vss_host *vh)
{
	u64 next = 0, now = ktime_get_ns();

	if (vh->wait_op)
		next = vh->deadline;
	if (vh->release_at && (!next || vh->release_at < next))
		next = vh->release_at;
	if (!next)
		return;
	mod_delayed_work(vh->sim->wq, &vh->timer,
			 next > now ? nsecs_to_jiffies(next - now) + 1 : 0);
}

/* Wait for the answer to a request, at most @ms. */
static void lis_vss_host_expect(struct lis_vss_host *vh, u8 op, u64 id,
				u32 ms)
{
	vh->wait_op = op;
	vh->wait_id = id;
	vh->deadline = ktime_get_ns() + (u64)ms * NSEC_PER_MSEC;
	lis_vss_host_arm(vh);
}

/* Build an IC request of @len bytes (body @body_len) in tx and send it. */
static int lis_vss_host_send(struct lis_vss_host *vh, u16 type, u16 body_len,
			     u32 len, u64 *id)
{
	struct lis_ic_msg_hdr *h = (struct lis_ic_msg_hdr *)vh->tx;
	int ret;

	h->pipe.flags = 0;
	h->pipe.msgsize = len - sizeof(h->pipe);
	h->ic.icverframe = vh->fw;
	h->ic.icmsgtype = type;
	h->ic.icvermsg = vh->srv;
	h->ic.icmsgsize = body_len;
	h->ic.status = 0;
	h->ic.ictransaction_id = (u8)vh->next_id;
	h->ic.icflags = LIS_IC_FLAG_TRANSACTION | LIS_IC_FLAG_REQUEST;
	h->ic.reserved[0] = 0;
	h->ic.reserved[1] = 0;
	*id = ++vh->next_id;
	ret = lis_sim_send(vh->ch, LIS_VMPKT_DATA_INBAND, 0, *id, vh->tx, len);
	if (ret)
		pr_warn("vss: sending a %u-byte request failed: %d\n", len, ret);
	return ret;
}

static void lis_vss_host_finish(struct lis_vss_host *vh, int result,
				u32 status)
{
	vh->state = result == VR_OK ? VH_DONE : VH_FAILED;
	vh->result = result;
	vh->status = status;
	vh->wait_op = 0;
	vh->release_at = 0;
	if (vh->t.start)
		vh->ms.total = lis_vss_host_ms(vh->t.start);
	pr_info("vss: backup %llu %s (status %#x)\n", vh->backups,
		lis_vss_host_result_names[result], status);
}

static int lis_vss_host_negotiate(struct lis_vss_host *vh)
{
	struct lis_ic_negotiate *neg;
	unsigned int n = 0;
	u16 major;
	u64 id;

	memset(vh->tx, 0, LIS_IC_NEGOTIATE_RESP_LEN + 8 * 4);
	neg = (struct lis_ic_negotiate *)(vh->tx + LIS_IC_BODY_OFFSET);
	neg->icframe_vercnt = 2;
	neg->versions[n++] = (struct lis_ic_version){ 1, 0 };
	neg->versions[n++] = (struct lis_ic_version){ 3, 0 };
	for (major = vh->neg_srv; major >= 3 && n < 5; major--)
		neg->versions[n++] = (struct lis_ic_version){ major, 0 };
	neg->icmsg_vercnt = n - 2;
	vh->fw = (struct lis_ic_version){ 1, 0 };
	vh->srv = (struct lis_ic_version){ 0, 0 };
	vh->state = VH_NEGOTIATING;
	if (lis_vss_host_send(vh, LIS_IC_MSG_NEGOTIATE,
			      sizeof(*neg) + 4 * n,
			      LIS_IC_BODY_OFFSET + sizeof(*neg) + 4 * n, &id))
		return -EIO;
	lis_vss_host_expect(vh, 0xff, id, LIS_VSS_HOST_WAIT_MS);
	return 0;
}

/* Send VSS operation @op in a packet of @len bytes (body 12 bytes). */
static int lis_vss_host_op(struct lis_vss_host *vh, u8 op, u32 len,
			   u16 body_len, u64 *id)
{
	struct lis_vss_body *body;

	memset(vh->tx, 0, len);
	body = (struct lis_vss_body *)(vh->tx + LIS_IC_BODY_OFFSET);
	body->operation = op;
	return lis_vss_host_send(vh, LIS_IC_MSG_VSS, body_len, len, id);
}

/*
 * icmsgsize of an operation under "loose-sizes": less than the body
 * sent.  Hyper-V documents no exact value; a guest must go by what it
 * received, as Linux's does.
 */
#define LIS_VSS_HOST_LOOSE_SIZE		4

static int lis_vss_host_send_op(struct lis_vss_host *vh, u8 op, u32 ms)
{
	u32 len = LIS_IC_BODY_OFFSET + sizeof(struct lis_vss_body);
	u16 body_len = sizeof(struct lis_vss_body);
	u64 id;

	if (op == LIS_VSS_OP_FREEZE)
		len = test_bit(VF_OVERSIZED_FREEZE, &vh->faults) ?
		      LIS_VSS_HOST_OVERSIZED_LEN : LIS_VSS_HOST_FREEZE_LEN;
	if (test_bit(VF_LOOSE_SIZES, &vh->faults))
		body_len = LIS_VSS_HOST_LOOSE_SIZE;
	if (lis_vss_host_op(vh, op, len, body_len, &id))
		return -EIO;
	lis_vss_host_expect(vh, op, id, ms);
	return 0;
}

static void lis_vss_host_rescind_work(struct work_struct *work)
{
	struct lis_vss_host *vh = container_of(work, struct lis_vss_host,
					       rescind_work);

	lis_sim_rescind(vh->sim, vh->rescind_relid);
}

static void lis_vss_host_checkpoint(struct lis_vss_host *vh)
{
	u64 id;

	vh->state = VH_CHECKPOINT;
	vh->t.checkpoint = ktime_get_ns();
	vh->wait_op = 0;
	if (test_bit(VF_DOUBLE_FREEZE, &vh->faults) &&
	    !lis_vss_host_op(vh, LIS_VSS_OP_FREEZE, LIS_VSS_HOST_FREEZE_LEN,
			     sizeof(struct lis_vss_body), &id))
		vh->extra_id = id;
	if (test_bit(VF_RESCIND_FROZEN, &vh->faults)) {
		pr_info("vss: fault: rescinding relid %u while the guest is frozen\n",
			lis_sim_chan_relid(vh->ch));
		vh->rescind_relid = lis_sim_chan_relid(vh->ch);
		schedule_work(&vh->rescind_work);
		return;
	}
	if (vh->hold_ms) {
		vh->release_at = vh->t.checkpoint +
				 (u64)vh->hold_ms * NSEC_PER_MSEC;
		lis_vss_host_arm(vh);
	}
}

static void lis_vss_host_release(struct lis_vss_host *vh)
{
	vh->release_at = 0;
	vh->ms.checkpoint = lis_vss_host_ms(vh->t.checkpoint);
	if (test_bit(VF_NEVER_THAW, &vh->faults)) {
		pr_info("vss: fault: the host gives up without THAW\n");
		lis_vss_host_finish(vh, VR_FAILED, 0);
		return;
	}
	vh->state = VH_THAWING;
	vh->t.thaw = ktime_get_ns();
	if (lis_vss_host_send_op(vh, LIS_VSS_OP_THAW, LIS_VSS_HOST_WAIT_MS))
		lis_vss_host_finish(vh, VR_FAILED, 0);
}

/* The guest answered the request the host waits for with @status. */
static void lis_vss_host_answer(struct lis_vss_host *vh, u32 status,
				const u8 *pkt, u32 len)
{
	const struct lis_ic_negotiate *neg;

	switch (vh->state) {
	case VH_NEGOTIATING:
		neg = (const void *)(pkt + LIS_IC_BODY_OFFSET);
		if (status == LIS_IC_S_OK && len >= LIS_IC_NEGOTIATE_RESP_LEN &&
		    neg->icframe_vercnt == 1 && neg->icmsg_vercnt == 1) {
			vh->fw = neg->versions[0];
			vh->srv = neg->versions[1];
			vh->state = VH_READY;
			vh->wait_op = 0;
			pr_info("vss: negotiated framework %u.%u, VSS %u.%u\n",
				vh->fw.major, vh->fw.minor, vh->srv.major,
				vh->srv.minor);
			return;
		}
		if (vh->old_host && vh->neg_srv > 3) {
			/* Old hosts step down and try again. */
			vh->neg_srv--;
			if (!lis_vss_host_negotiate(vh))
				return;
		}
		pr_info("vss: the guest refused every version offered\n");
		lis_vss_host_finish(vh, VR_FAILED, status);
		return;
	case VH_HOT_BACKUP:
		vh->ms.hot_backup = lis_vss_host_ms(vh->t.start);
		if (status != LIS_IC_S_OK) {
			lis_vss_host_finish(vh, VR_FAILED, status);
			return;
		}
		vh->state = VH_FREEZING;
		vh->t.freeze = ktime_get_ns();
		if (lis_vss_host_send_op(vh, LIS_VSS_OP_FREEZE,
					 LIS_VSS_HOST_FREEZE_WAIT_MS))
			lis_vss_host_finish(vh, VR_FAILED, 0);
		return;
	case VH_FREEZING:
		vh->ms.freeze = lis_vss_host_ms(vh->t.freeze);
		vh->status = status;
		if (status != LIS_IC_S_OK)
			lis_vss_host_finish(vh, VR_FAILED, status);
		else
			lis_vss_host_checkpoint(vh);
		return;
	case VH_THAWING:
		vh->ms.thaw = lis_vss_host_ms(vh->t.thaw);
		lis_vss_host_finish(vh, status == LIS_IC_S_OK && !vh->aborted ?
				    VR_OK : VR_FAILED, status);
		return;
	}
}

/* Read the guest's answers. */
static void lis_vss_host_drain(struct lis_vss_host *vh)
{
	struct lis_sim_chan *ch = vh->ch;
	struct lis_vmpacket_desc desc;
	struct lis_ic_msg msg;
	u32 off, len;

	while (!lis_sim_recv_peek(ch, &desc)) {
		off = (u32)desc.offset8 * 8;
		len = (u32)desc.len8 * 8 - off;
		/* Strict: an answer's icmsgsize must fit in it. */
		if (len > LIS_VSS_HOST_BUF ||
		    lis_sim_recv_copy(ch, off, vh->rx, len) ||
		    lis_ic_parse(vh->rx, len, &msg) ||
		    msg.hdr.icmsgsize > msg.body_len ||
		    !(msg.flags & LIS_IC_FLAG_RESPONSE)) {
			pr_warn_ratelimited("vss: a malformed %u-byte answer from the guest; ignored\n",
					    len);
		} else if (vh->extra_id && desc.trans_id == vh->extra_id) {
			vh->extra_status = msg.hdr.status;
			vh->extra_id = 0;
		} else if (vh->wait_op && desc.trans_id == vh->wait_id) {
			vh->wait_op = 0;
			lis_vss_host_answer(vh, msg.hdr.status, vh->rx, len);
		} else {
			pr_warn_ratelimited("vss: an answer to request %llu, which the host is not waiting for\n",
					    desc.trans_id);
		}
		lis_sim_recv_skip(ch);
	}
	lis_sim_recv_commit(ch);
}

/* Deadlines: a missing answer ends the sequence; hold_ms releases. */
static void lis_vss_host_tick(struct lis_vss_host *vh)
{
	u64 now = ktime_get_ns();

	if (vh->wait_op && now >= vh->deadline) {
		pr_warn("vss: the guest did not answer %s in time\n",
			vh->state == VH_NEGOTIATING ? "NEGOTIATE" : "a request");
		lis_vss_host_finish(vh, VR_TIMEOUT, 0);
	}
	if (vh->state == VH_CHECKPOINT && vh->release_at &&
	    now >= vh->release_at)
		lis_vss_host_release(vh);
	lis_vss_host_arm(vh);
}

static void lis_vss_host_timer(struct work_struct *work)
{
	struct lis_vss_host *vh = container_of(to_delayed_work(work),
					       struct lis_vss_host, timer);

	mutex_lock(&vh->sim->lock);
	if (vh->ch && vh->need_negotiate) {
		vh->need_negotiate = false;
		if (lis_vss_host_negotiate(vh))
			lis_vss_host_finish(vh, VR_FAILED, 0);
	} else if (vh->ch) {
		lis_vss_host_tick(vh);
	}
	mutex_unlock(&vh->sim->lock);
}

static void lis_vss_host_packet_work(struct lis_sim_chan *ch)
{
	struct lis_vss_host *vh = lis_sim_chan_priv(ch);

	lis_vss_host_drain(vh);
	lis_vss_host_tick(vh);
}

static int lis_vss_host_open(struct lis_sim_chan *ch)
{
	struct lis_vss_host *vh = ch->sim->vss;

	if (vh->ch) {
		pr_warn("vss: a second VSS channel opened; refused\n");
		return -EBUSY;
	}
	vh->ch = ch;
	lis_sim_chan_set_priv(ch, vh);
	vh->neg_srv = min_t(u16, vh->old_host ? 4 : LIS_VSS_SRV_MAJOR,
			    ch->sim->host->vss_major);
	vh->extra_id = 0;
	vh->wait_op = 0;
	vh->release_at = 0;
	/*
	 * The host speaks first, but only once the channel is open on its
	 * side (after this returns): a guest signal before that is dropped.
	 * The timer runs on the host's ordered workqueue, after this work.
	 */
	vh->state = VH_NEGOTIATING;
	vh->need_negotiate = true;
	mod_delayed_work(vh->sim->wq, &vh->timer, 0);
	return 0;
}

static void lis_vss_host_close(struct lis_sim_chan *ch)
{
	struct lis_vss_host *vh = lis_sim_chan_priv(ch);

	if (!vh)
		return;
	if (vh->state != VH_DONE && vh->state != VH_FAILED &&
	    vh->state != VH_READY && vh->state != VH_IDLE)
		lis_vss_host_finish(vh, VR_FAILED, 0);
	if (vh->state == VH_READY)
		vh->state = VH_IDLE;
	vh->ch = NULL;
	vh->wait_op = 0;
	vh->need_negotiate = false;
}

static const struct lis_sim_dev_class lis_vss_host_class = {
	.name = "vss",
	.class_id = LIS_VSS_CLASS_GUID,
	.open = lis_vss_host_open,
	.packet_work = lis_vss_host_packet_work,
	.close = lis_vss_host_close,
};

/* "backup": start a sequence. */
static int lis_vss_host_backup(struct lis_vss_host *vh)
{
	u64 id;

	if (!vh->ch || (vh->state != VH_READY && vh->state != VH_DONE &&
			vh->state != VH_FAILED)) {
		pr_warn("vss: backup: the host is %s (needs an open, negotiated channel and no backup running)\n",
			lis_vss_host_state_names[vh->state]);
		return -EBUSY;
	}
	if (!vh->srv.major) {
		pr_warn("vss: backup: no VSS version was agreed\n");
		return -EPROTO;
	}
	vh->backups++;
	memset(&vh->t, 0, sizeof(vh->t));
	memset(&vh->ms, 0, sizeof(vh->ms));
	vh->result = VR_NONE;
	vh->status = 0;
	vh->extra_status = 0;
	vh->aborted = false;
	vh->t.start = ktime_get_ns();
	if (test_bit(VF_TRUNCATED, &vh->faults)) {
		/* Shorter than the IC headers: the guest must drop it... */
		memset(vh->tx, 0, 20);
		lis_sim_send(vh->ch, LIS_VMPKT_DATA_INBAND, 0, ++vh->next_id,
			     vh->tx, 20);
		/* ...and a HOT_BACKUP whose body is cut short: refuse it. */
		vh->state = VH_HOT_BACKUP;
		if (lis_vss_host_op(vh, LIS_VSS_OP_HOT_BACKUP,
				    LIS_IC_BODY_OFFSET + 4, 4, &id))
			return -EIO;
		lis_vss_host_expect(vh, LIS_VSS_OP_HOT_BACKUP, id,
				    LIS_VSS_HOST_WAIT_MS);
		return 0;
	}
	if (test_bit(VF_THAW_WITHOUT_FREEZE, &vh->faults)) {
		vh->state = VH_THAWING;
		vh->t.thaw = ktime_get_ns();
		return lis_vss_host_send_op(vh, LIS_VSS_OP_THAW,
					    LIS_VSS_HOST_WAIT_MS);
	}
	vh->state = VH_HOT_BACKUP;
	return lis_vss_host_send_op(vh, LIS_VSS_OP_HOT_BACKUP,
				    LIS_VSS_HOST_WAIT_MS);
}

/*
 * "abort": give up on the FREEZE in flight and send THAW at once, as a
 * host whose patience ran out.  The FREEZE's late answer, if any, lands
 * in extra_status; the sequence fails whatever the THAW's answer.
 */
static int lis_vss_host_abort(struct lis_vss_host *vh)
{
	if (vh->state != VH_FREEZING || !vh->wait_op) {
		pr_warn("vss: abort: no FREEZE is waiting for its answer (state %s)\n",
			lis_vss_host_state_names[vh->state]);
		return -EINVAL;
	}
	pr_info("vss: giving up on FREEZE: sending THAW\n");
	vh->extra_id = vh->wait_id;
	vh->aborted = true;
	vh->ms.freeze = lis_vss_host_ms(vh->t.freeze);
	vh->state = VH_THAWING;
	vh->t.thaw = ktime_get_ns();
	if (lis_vss_host_send_op(vh, LIS_VSS_OP_THAW, LIS_VSS_HOST_WAIT_MS))
		lis_vss_host_finish(vh, VR_FAILED, 0);
	return 0;
}

static int lis_vss_host_fault(struct lis_vss_host *vh, const char *name)
{
	unsigned int i;

	if (!strcmp(name, "clear")) {
		vh->faults = 0;
		return 0;
	}
	for (i = 0; i < VF_COUNT; i++) {
		if (!strcmp(name, lis_vss_host_fault_names[i])) {
			set_bit(i, &vh->faults);
			return 0;
		}
	}
	pr_warn("vss: unknown fault '%s'\n", name);
	return -EINVAL;
}

static int lis_vss_host_command(struct lis_sim *sim, void *arg)
{
	struct lis_vss_host *vh = sim->vss;
	char *cmd = arg;
	char *word = strsep(&cmd, " \t");
	u32 ms;

	cmd = cmd ? strim(cmd) : "";
	if (!strcmp(word, "backup") && !*cmd)
		return lis_vss_host_backup(vh);
	if (!strcmp(word, "release") && !*cmd) {
		if (vh->state != VH_CHECKPOINT) {
			pr_warn("vss: release: no checkpoint window is open (state %s)\n",
				lis_vss_host_state_names[vh->state]);
			return -EINVAL;
		}
		lis_vss_host_release(vh);
		return 0;
	}
	if (!strcmp(word, "abort") && !*cmd)
		return lis_vss_host_abort(vh);
	if (!strcmp(word, "hold_ms")) {
		if (kstrtou32(cmd, 0, &ms) || ms > 3600 * 1000) {
			pr_warn("vss: hold_ms: want 0 to 3600000, not '%s'\n",
				cmd);
			return -EINVAL;
		}
		vh->hold_ms = ms;
		return 0;
	}
	if (!strcmp(word, "age")) {
		if (strcmp(cmd, "new") && strcmp(cmd, "old")) {
			pr_warn("vss: age: want new or old, not '%s'\n", cmd);
			return -EINVAL;
		}
		/* From the next channel open on. */
		vh->old_host = !strcmp(cmd, "old");
		return 0;
	}
	if (!strcmp(word, "fault") && *cmd)
		return lis_vss_host_fault(vh, cmd);
	pr_warn("vss: unknown command '%s%s%s'\n", word, *cmd ? " " : "",
		cmd);
	return -EINVAL;
}

static int lis_vss_host_show(struct seq_file *m, void *v)
{
	struct lis_sim *sim = m->private;
	struct lis_vss_host *vh = sim->vss;
	bool any = false;
	unsigned int i;

	mutex_lock(&sim->lock);
	seq_printf(m, "state=%s\nfw_version=%u.%u\nsrv_version=%u.%u\n",
		   lis_vss_host_state_names[vh->state], vh->fw.major,
		   vh->fw.minor, vh->srv.major, vh->srv.minor);
	seq_printf(m, "backups=%llu\nlast_result=%s\nlast_status=%#010x\n",
		   vh->backups, lis_vss_host_result_names[vh->result],
		   vh->status);
	seq_printf(m, "hot_backup_ms=%llu\nfreeze_ms=%llu\ncheckpoint_ms=%llu\nthaw_ms=%llu\ntotal_ms=%llu\n",
		   vh->ms.hot_backup, vh->ms.freeze, vh->ms.checkpoint,
		   vh->ms.thaw, vh->ms.total);
	seq_puts(m, "faults=");
	for (i = 0; i < VF_COUNT; i++) {
		if (!test_bit(i, &vh->faults))
			continue;
		seq_printf(m, "%s%s", any ? "," : "",
			   lis_vss_host_fault_names[i]);
		any = true;
	}
	seq_printf(m, "%s\nhold_ms=%u\nage=%s\nextra_status=%#010x\n",
		   any ? "" : "none", vh->hold_ms,
		   vh->old_host ? "old" : "new", vh->extra_status);
	mutex_unlock(&sim->lock);
	return 0;
}

static int lis_vss_host_file_open(struct inode *inode, struct file *file)
{
	return single_open(file, lis_vss_host_show, inode->i_private);
}

static ssize_t lis_vss_host_write(struct file *file, const char __user *ubuf,
				  size_t count, loff_t *ppos)
{
	struct lis_sim *sim = file_inode(file)->i_private;
	char *buf;
	int ret;

	if (!count || count >= 128)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	ret = lis_sim_host_call(sim, lis_vss_host_command, strim(buf));
	kfree(buf);
	return ret ? ret : count;
}

/* /sys/kernel/debug/lis_sim/vss; i_private is the simulator. */
const struct file_operations lis_vss_host_fops = {
	.owner = THIS_MODULE,
	.open = lis_vss_host_file_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = lis_vss_host_write,
};

/**
 * lis_vss_host_register() - register the VSS device class
 * @sim: the simulator
 * @nr_boot: VSS devices to offer at every connection (0 or 1)
 *
 * Context: process, before the provider is registered.
 * Return: 0 or -ENOMEM.
 */
int lis_vss_host_register(struct lis_sim *sim, unsigned int nr_boot)
{
	struct lis_vss_host *vh;
	int ret = -ENOMEM;

	vh = kzalloc(sizeof(*vh), GFP_KERNEL);
	if (!vh)
		return -ENOMEM;
	vh->sim = sim;
	INIT_WORK(&vh->rescind_work, lis_vss_host_rescind_work);
	INIT_DELAYED_WORK(&vh->timer, lis_vss_host_timer);
	vh->tx = vzalloc(LIS_VSS_HOST_BUF);
	vh->rx = vzalloc(LIS_VSS_HOST_BUF);
	if (!vh->tx || !vh->rx)
		goto free_vh;
	sim->vss = vh;
	ret = lis_sim_register_class(sim, &lis_vss_host_class, nr_boot);
	if (ret)
		goto free_vh;
	return 0;

free_vh:
	sim->vss = NULL;
	vfree(vh->rx);
	vfree(vh->tx);
	kfree(vh);
	return ret;
}

/**
 * lis_vss_host_exit() - free the requester's state
 * @sim: the simulator, with no channel open any more
 */
void lis_vss_host_exit(struct lis_sim *sim)
{
	struct lis_vss_host *vh = sim->vss;

	if (!vh)
		return;
	cancel_work_sync(&vh->rescind_work);
	cancel_delayed_work_sync(&vh->timer);
	sim->vss = NULL;
	vfree(vh->rx);
	vfree(vh->tx);
	kfree(vh);
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated VMBus host: version negotiation, offers, open/close,
 * rescind, unload, and the host-side bookkeeping of channels.  GPADLs are
 * in gpadl.c, the device classes and packet helpers in device.c.
 *
 * Everything here runs on the simulator's ordered workqueue with
 * lis_sim.lock held (see core.h), so it never races with itself.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"

static const char * const lis_sim_chan_states[] = {
	[LIS_SIM_CHAN_PENDING] = "pending",
	[LIS_SIM_CHAN_OFFERED] = "offered",
	[LIS_SIM_CHAN_OPEN] = "open",
	[LIS_SIM_CHAN_RESCINDED] = "rescinded",
};

/**
 * lis_sim_chan_state_name() - printable name of a channel state
 * @state: enum lis_sim_chan_state
 *
 * Return: a static string.
 */
const char *lis_sim_chan_state_name(int state)
{
	if (state < 0 || state >= ARRAY_SIZE(lis_sim_chan_states))
		return "?";
	return lis_sim_chan_states[state];
}

static bool lis_sim_version_known(u32 version)
{
	unsigned int i;

	for (i = 0; i < lis_vmbus_nversions; i++)
		if (lis_vmbus_versions[i] == version)
			return true;
	return false;
}

/**
 * lis_sim_parse_version() - parse "major.minor" into a VMBus version
 * @s: the text, e.g. "5.3"; surrounding white space is ignored
 * @version: the version, on success
 *
 * Context: any.
 * Return: 0, or -EINVAL if @s is not a version lis_vmbus_versions[] lists.
 */
int lis_sim_parse_version(const char *s, u32 *version)
{
	char buf[16], *major_s, *minor_s;
	u16 major, minor;
	u32 v;

	if (strscpy(buf, s, sizeof(buf)) < 0)
		return -EINVAL;
	minor_s = strim(buf);
	major_s = strsep(&minor_s, ".");
	if (!minor_s || kstrtou16(major_s, 10, &major) ||
	    kstrtou16(minor_s, 10, &minor))
		return -EINVAL;
	v = LIS_VMBUS_VERSION(major, minor);
	if (!lis_sim_version_known(v))
		return -EINVAL;
	*version = v;
	return 0;
}

/* How long a reordered message waits for a message to overtake it. */
#define LIS_SIM_HELD_MS		500

/**
 * lis_sim_held_flush() - send the message a reorder fault holds back
 * @sim: the simulator
 *
 * Context: process, lis_sim.lock held.
 */
void lis_sim_held_flush(struct lis_sim *sim)
{
	struct lis_sim_held *h = &sim->held;

	lockdep_assert_held(&sim->lock);
	if (!h->valid)
		return;
	h->valid = false;
	cancel_delayed_work(&h->work);
	lis_sim_deliver_msg(sim, sim->msg_cpu, h->msg, h->len,
			    LIS_SIM_NOTE_REORDERED);
}

static void lis_sim_held_work(struct work_struct *work)
{
	struct lis_sim *sim = container_of(to_delayed_work(work),
					   struct lis_sim, held.work);

	mutex_lock(&sim->lock);
	lis_sim_held_flush(sim);
	mutex_unlock(&sim->lock);
}

/**
 * lis_sim_held_cancel() - forget a held-back message for good
 * @sim: the simulator, stopped: nothing holds messages any more
 *
 * Context: process, not on sim->wq, lis_sim.lock not held.
 */
void lis_sim_held_cancel(struct lis_sim *sim)
{
	cancel_delayed_work_sync(&sim->held.work);
	mutex_lock(&sim->lock);
	sim->held.valid = false;
	mutex_unlock(&sim->lock);
}

/* Hold @msg back until the next message (an older held one goes now). */
static void lis_sim_hold(struct lis_sim *sim, const void *msg, u32 len)
{
	struct lis_sim_held *h = &sim->held;

	lis_sim_held_flush(sim);
	/* After ->stop() nothing may outlive the host: send it (to nowhere). */
	if (!READ_ONCE(sim->attached)) {
		lis_sim_deliver_msg(sim, sim->msg_cpu, msg, len,
				    LIS_SIM_NOTE_REORDERED);
		return;
	}
	h->len = min_t(u32, len, sizeof(h->msg));
	memcpy(h->msg, msg, h->len);
	h->valid = true;
	queue_delayed_work(sim->wq, &h->work,
			   msecs_to_jiffies(LIS_SIM_HELD_MS));
}

/**
 * lis_sim_host_post() - send a channel message to the guest
 * @sim: the simulator
 * @msg: the message
 * @len: its length, at least a struct lis_chmsg_hdr
 *
 * Applies armed faults (drop, dup, delay, reorder) and chaos mode, then
 * hands the message to the hypervisor for the CPU the guest named in
 * INITIATE_CONTACT.  A message a reorder fault held back follows the
 * next message sent.
 *
 * Context: process, lis_sim.lock held.
 */
void lis_sim_host_post(struct lis_sim *sim, const void *msg, u32 len)
{
	u32 type = ((const struct lis_chmsg_hdr *)msg)->msgtype;
	unsigned int ms = 0;

	lockdep_assert_held(&sim->lock);
	switch (lis_sim_fault_msg(sim, type, &ms)) {
	case LIS_SIM_MSG_DROP:
		pr_info("fault: dropped %s\n", lis_chmsg_name(type));
		lis_sim_trace_msg(sim, LIS_SIM_H2G, msg, len,
				  LIS_SIM_NOTE_DROPPED);
		return;
	case LIS_SIM_MSG_DELAY:
		pr_info("fault: delaying %s by %u ms\n", lis_chmsg_name(type),
			ms);
		lis_sim_deliver_later(sim, sim->msg_cpu, msg, len, ms);
		return;
	case LIS_SIM_MSG_REORDER:
		pr_info("fault: holding %s back until the next message\n",
			lis_chmsg_name(type));
		lis_sim_hold(sim, msg, len);
		return;
	case LIS_SIM_MSG_DUP:
		pr_info("fault: sending %s twice\n", lis_chmsg_name(type));
		lis_sim_deliver_msg(sim, sim->msg_cpu, msg, len,
				    LIS_SIM_NOTE_NONE);
		lis_sim_deliver_msg(sim, sim->msg_cpu, msg, len,
				    LIS_SIM_NOTE_DUP);
		break;
	default:
		lis_sim_deliver_msg(sim, sim->msg_cpu, msg, len,
				    LIS_SIM_NOTE_NONE);
		break;
	}
	lis_sim_held_flush(sim);
}

/**
 * lis_sim_chan_find() - look a channel up by relid
 * @sim: the simulator
 * @relid: the relid
 *
 * Context: lis_sim.lock held.
 * Return: the channel, or NULL.
 */
struct lis_sim_chan *lis_sim_chan_find(struct lis_sim *sim, u32 relid)
{
	if (!relid || relid > LIS_MAX_RELID)
		return NULL;
	return rcu_dereference_protected(sim->relid_map[relid],
					 lockdep_is_held(&sim->lock));
}

/* The next free relid, searching upwards from the last one handed out. */
static u32 lis_sim_relid_alloc(struct lis_sim *sim)
{
	u32 relid = sim->next_relid;
	unsigned int i;

	for (i = 0; i < LIS_MAX_RELID; i++, relid++) {
		if (relid == 0 || relid > LIS_MAX_RELID)
			relid = 1;
		if (!lis_sim_chan_find(sim, relid)) {
			sim->next_relid = relid + 1;
			return relid;
		}
	}
	return 0;
}

static void lis_sim_send_offer(struct lis_sim *sim, struct lis_sim_chan *ch)
{
	struct lis_chmsg_offer o = {
		.hdr.msgtype = LIS_CHMSG_OFFER,
		.if_type = ch->cls->class_id,
		.if_instance = ch->instance,
		.child_relid = ch->relid,
		.interrupt_flags = 1,		/* dedicated interrupt */
		.connection_id = ch->conn_id,
	};

	WRITE_ONCE(ch->state, LIS_SIM_CHAN_OFFERED);
	lis_sim_host_post(sim, &o, sizeof(o));
}

/* Create a channel of @cls; offered now if the guest already asked. */
static int lis_sim_chan_create(struct lis_sim *sim,
			       const struct lis_sim_dev_class *cls)
{
	struct lis_sim_chan *ch, *pos;
	u32 relid;

	relid = lis_sim_relid_alloc(sim);
	if (!relid)
		return -ENOSPC;
	ch = kzalloc(sizeof(*ch), GFP_KERNEL);
	if (!ch)
		return -ENOMEM;
	ch->sim = sim;
	ch->cls = cls;
	ch->relid = relid;
	ch->conn_id = LIS_SIM_CHAN_CONN_BASE + relid;
	guid_gen(&ch->instance);
	ch->state = LIS_SIM_CHAN_PENDING;
	INIT_DELAYED_WORK(&ch->work, lis_sim_chan_work);

	/* Keep the list sorted by relid, for `devices`. */
	list_for_each_entry(pos, &sim->chans, node)
		if (pos->relid > relid)
			break;
	list_add_tail(&ch->node, &pos->node);
	rcu_assign_pointer(sim->relid_map[relid], ch);

	if (sim->offers_sent)
		lis_sim_send_offer(sim, ch);
	return 0;
}

/*
 * Free the channels on @dead, already unlinked from lis_sim.chans and
 * closed.  Runs on sim->wq (or after it is gone), so no channel work is
 * running: cancelling one cannot wait for lis_sim.lock, which we hold.
 */
static void lis_sim_chans_free(struct lis_sim *sim, struct list_head *dead)
{
	struct lis_sim_chan *ch, *tmp;

	if (list_empty(dead))
		return;
	list_for_each_entry(ch, dead, node) {
		RCU_INIT_POINTER(sim->relid_map[ch->relid], NULL);
		lis_sim_gpadl_free_relid(sim, ch->relid);
	}
	/* ->signal_event() may still see them and queue their work. */
	synchronize_rcu();
	list_for_each_entry_safe(ch, tmp, dead, node) {
		cancel_delayed_work_sync(&ch->work);
		kfree(ch);
	}
}

static void lis_sim_chan_free(struct lis_sim *sim, struct lis_sim_chan *ch)
{
	LIST_HEAD(dead);

	lis_sim_chan_close(ch);
	list_move(&ch->node, &dead);
	lis_sim_chans_free(sim, &dead);
}

/**
 * lis_sim_host_reset() - forget the guest: close, unmap and free everything
 * @sim: the simulator
 *
 * What UNLOAD does, and what ->stop() does to a guest that did not unload.
 * Armed faults and the configured version survive.
 *
 * Context: on sim->wq with lis_sim.lock held, or after sim->wq is gone.
 */
void lis_sim_host_reset(struct lis_sim *sim)
{
	struct lis_sim_chan *ch;
	LIST_HEAD(dead);

	list_for_each_entry(ch, &sim->chans, node)
		lis_sim_chan_close(ch);
	list_splice_init(&sim->chans, &dead);
	lis_sim_chans_free(sim, &dead);
	/* Every GPADL belonged to one of them; this only makes sure. */
	lis_sim_gpadl_free_all(sim);

	/* A held-back message belongs to the old connection. */
	sim->held.valid = false;
	sim->version = 0;
	WRITE_ONCE(sim->msg_conn_id, 0);
	sim->offers_sent = false;
	sim->booted = false;
	sim->next_relid = 1;
}

static void lis_sim_initiate_contact(struct lis_sim *sim, u32 conn_id,
				     const struct lis_chmsg_initiate_contact *ic)
{
	struct lis_chmsg_version_response resp = {
		.hdr.msgtype = LIS_CHMSG_VERSION_RESPONSE,
	};
	u32 v = ic->version;
	u32 want_conn = v >= LIS_VMBUS_V5_0 ? LIS_CONNID_CONTACT :
					      LIS_CONNID_MESSAGE;

	if (sim->version) {
		pr_warn("INITIATE_CONTACT while connected at %u.%u: forgetting that connection\n",
			sim->version >> 16, sim->version & 0xffff);
		lis_sim_host_reset(sim);
	}
	sim->msg_cpu = lis_sim_vp_to_cpu(ic->target_vcpu, "INITIATE_CONTACT");
	if (v >= LIS_VMBUS_V5_0 && ic->msg_sint != LIS_VMBUS_SINT)
		pr_warn_ratelimited("guest asks for messages on SINT %u; the simulator uses SINT %u\n",
				    ic->msg_sint, LIS_VMBUS_SINT);

	if (conn_id != want_conn) {
		/* No guest does this; what a host would do is unknown. */
		pr_warn_ratelimited("INITIATE_CONTACT for %u.%u posted to connection %u, expected %u: refused\n",
				    v >> 16, v & 0xffff, conn_id, want_conn);
	} else if (lis_sim_version_known(v) && v <= sim->max_version) {
		sim->version = v;
		resp.supported = 1;
		resp.msg_conn_id = v >= LIS_VMBUS_V5_0 ? LIS_SIM_MSG_CONN_ID :
							 LIS_CONNID_MESSAGE;
		WRITE_ONCE(sim->msg_conn_id, resp.msg_conn_id);
		pr_info("guest connected with VMBus protocol %u.%u\n",
			v >> 16, v & 0xffff);
	} else {
		pr_info("refusing VMBus protocol %u.%u (host accepts up to %u.%u)\n",
			v >> 16, v & 0xffff, sim->max_version >> 16,
			sim->max_version & 0xffff);
	}
	lis_sim_host_post(sim, &resp, sizeof(resp));
}

static void lis_sim_request_offers(struct lis_sim *sim)
{
	struct lis_chmsg_hdr done = {
		.msgtype = LIS_CHMSG_ALLOFFERS_DELIVERED,
	};
	struct lis_sim_class_reg *reg;
	struct lis_sim_chan *ch;
	unsigned int i;
	int ret;

	if (!sim->booted) {
		sim->booted = true;
		list_for_each_entry(reg, &sim->classes, node) {
			for (i = 0; i < reg->nr_boot; i++) {
				ret = lis_sim_chan_create(sim, reg->cls);
				if (ret)
					pr_err("cannot create %s device: %d\n",
					       reg->cls->name, ret);
			}
		}
	}
	list_for_each_entry(ch, &sim->chans, node)
		if (ch->state == LIS_SIM_CHAN_PENDING)
			lis_sim_send_offer(sim, ch);
	sim->offers_sent = true;
	lis_sim_host_post(sim, &done, sizeof(done));
}

static void lis_sim_open_channel(struct lis_sim *sim,
				 const struct lis_chmsg_open *req)
{
	struct lis_chmsg_open_result res = {
		.hdr.msgtype = LIS_CHMSG_OPENCHANNEL_RESULT,
		.child_relid = req->child_relid,
		.open_id = req->open_id,
		.status = LIS_SIM_STATUS_INVALID_PARAM,
	};
	struct lis_sim_chan *ch = lis_sim_chan_find(sim, req->child_relid);
	u32 d = req->downstream_offset;
	struct lis_sim_gpadl *g;
	const char *why;
	int ret;

	if (!ch || ch->state != LIS_SIM_CHAN_OFFERED) {
		why = ch ? lis_sim_chan_state_name(ch->state) : "unknown";
		goto refuse;
	}
	if (lis_sim_rescind_at(sim, ch->relid, LIS_SIM_STEP_OPEN))
		return;
	if (lis_sim_fault_take_chan(sim, ch->relid,
				    LIS_SIM_FAULT_REFUSE_OPEN)) {
		why = "refused by fault injection";
		res.status = LIS_SIM_STATUS_UNSUCCESSFUL;
		goto refuse;
	}
	g = lis_sim_gpadl_find(sim, req->ring_gpadl);
	if (!g || g->relid != ch->relid || !g->vaddr || g->user) {
		why = "ring GPADL unknown, incomplete, in use or not this channel's";
		goto refuse;
	}
	if (g->npfns < 4 || d < 2 || d > g->npfns - 2) {
		why = "downstream offset leaves a ring under 2 pages";
		goto refuse;
	}
	ch->target_cpu = lis_sim_vp_to_cpu(req->target_vp, "OPENCHANNEL");
	ret = lis_sim_chan_open(ch, g, d);
	if (ret) {
		why = "the device refused";
		res.status = LIS_SIM_STATUS_UNSUCCESSFUL;
		goto refuse;
	}
	res.status = LIS_SIM_STATUS_OK;
	lis_sim_host_post(sim, &res, sizeof(res));
	if (lis_sim_rescind_at(sim, ch->relid, LIS_SIM_STEP_OPEN_RESULT))
		return;

	/* Index corruption armed for this relid fires once it is open. */
	if (lis_sim_fault_take_chan(sim, ch->relid,
				    LIS_SIM_FAULT_CORRUPT_WRITE_INDEX))
		lis_sim_chan_corrupt(ch, LIS_SIM_FAULT_CORRUPT_WRITE_INDEX);
	if (lis_sim_fault_take_chan(sim, ch->relid,
				    LIS_SIM_FAULT_CORRUPT_READ_INDEX))
		lis_sim_chan_corrupt(ch, LIS_SIM_FAULT_CORRUPT_READ_INDEX);
	return;

refuse:
	pr_warn_ratelimited("OPENCHANNEL for relid %u refused: %s\n",
			    req->child_relid, why);
	lis_sim_host_post(sim, &res, sizeof(res));
}

static void lis_sim_close_channel(struct lis_sim *sim,
				  const struct lis_chmsg_close *req)
{
	struct lis_sim_chan *ch = lis_sim_chan_find(sim, req->child_relid);

	if (!ch || ch->state != LIS_SIM_CHAN_OPEN) {
		pr_warn_ratelimited("CLOSECHANNEL for relid %u, which is not open; ignored\n",
				    req->child_relid);
		return;
	}
	lis_sim_chan_close(ch);
	lis_sim_rescind_at(sim, ch->relid, LIS_SIM_STEP_CLOSE);
}

static void lis_sim_relid_released(struct lis_sim *sim,
				   const struct lis_chmsg_relid_released *req)
{
	struct lis_sim_chan *ch = lis_sim_chan_find(sim, req->child_relid);

	if (!ch || ch->state != LIS_SIM_CHAN_RESCINDED) {
		pr_warn_ratelimited("RELID_RELEASED for relid %u, which was not rescinded; ignored\n",
				    req->child_relid);
		return;
	}
	lis_sim_chan_free(sim, ch);
}

static void lis_sim_modify_channel(struct lis_sim *sim,
				   const struct lis_chmsg_modify *req)
{
	struct lis_chmsg_modify_response res = {
		.hdr.msgtype = LIS_CHMSG_MODIFYCHANNEL_RESPONSE,
		.child_relid = req->child_relid,
		.status = LIS_SIM_STATUS_INVALID_PARAM,
	};
	struct lis_sim_chan *ch = lis_sim_chan_find(sim, req->child_relid);

	/* Hosts before 4.1 do not know the message. */
	if (sim->version < LIS_VMBUS_V4_1) {
		pr_warn_ratelimited("MODIFYCHANNEL at protocol %u.%u, which has no such message; ignored\n",
				    sim->version >> 16, sim->version & 0xffff);
		return;
	}
	if (ch && (ch->state == LIS_SIM_CHAN_OFFERED ||
		   ch->state == LIS_SIM_CHAN_OPEN)) {
		ch->target_cpu = lis_sim_vp_to_cpu(req->target_vp,
						   "MODIFYCHANNEL");
		res.status = LIS_SIM_STATUS_OK;
	} else {
		pr_warn_ratelimited("MODIFYCHANNEL for relid %u, which is not offered\n",
				    req->child_relid);
	}
	/* Hosts answer only from protocol 5.3 on. */
	if (sim->version >= LIS_VMBUS_V5_3)
		lis_sim_host_post(sim, &res, sizeof(res));
}

static void lis_sim_unload(struct lis_sim *sim)
{
	struct lis_chmsg_hdr resp = { .msgtype = LIS_CHMSG_UNLOAD_RESPONSE };

	lis_sim_host_reset(sim);
	pr_info("guest unloaded\n");
	lis_sim_host_post(sim, &resp, sizeof(resp));
}

/**
 * lis_sim_host_receive() - handle one message the guest posted
 * @sim: the simulator
 * @conn_id: the connection id it was posted to
 * @msg: the message
 * @len: its length
 *
 * Context: on sim->wq, lis_sim.lock held.
 */
void lis_sim_host_receive(struct lis_sim *sim, u32 conn_id, const void *msg,
			  u32 len)
{
	u32 type;
	int ret;

	lockdep_assert_held(&sim->lock);
	ret = lis_chmsg_check(msg, len, &type);
	if (ret) {
		pr_warn_ratelimited("ignoring guest message %s (type %u, %u bytes): %s\n",
				    lis_chmsg_name(type), type, len,
				    ret == -EOPNOTSUPP ? "unknown type" :
							 "bad length");
		return;
	}
	if (!sim->version && type != LIS_CHMSG_INITIATE_CONTACT &&
	    type != LIS_CHMSG_UNLOAD) {
		pr_warn_ratelimited("ignoring %s: the guest is not connected\n",
				    lis_chmsg_name(type));
		return;
	}

	switch (type) {
	case LIS_CHMSG_INITIATE_CONTACT:
		lis_sim_initiate_contact(sim, conn_id, msg);
		break;
	case LIS_CHMSG_REQUESTOFFERS:
		lis_sim_request_offers(sim);
		break;
	case LIS_CHMSG_GPADL_HEADER:
		lis_sim_gpadl_header(sim, msg, len);
		break;
	case LIS_CHMSG_GPADL_BODY:
		lis_sim_gpadl_body(sim, msg, len);
		break;
	case LIS_CHMSG_GPADL_TEARDOWN:
		lis_sim_gpadl_teardown(sim, msg, len);
		break;
	case LIS_CHMSG_OPENCHANNEL:
		lis_sim_open_channel(sim, msg);
		break;
	case LIS_CHMSG_CLOSECHANNEL:
		lis_sim_close_channel(sim, msg);
		break;
	case LIS_CHMSG_RELID_RELEASED:
		lis_sim_relid_released(sim, msg);
		break;
	case LIS_CHMSG_MODIFYCHANNEL:
		lis_sim_modify_channel(sim, msg);
		break;
	case LIS_CHMSG_UNLOAD:
		lis_sim_unload(sim);
		break;
	default:
		pr_warn_ratelimited("ignoring %s: hosts send it, guests do not\n",
				    lis_chmsg_name(type));
		break;
	}
}

/**
 * struct lis_sim_call - a debugfs command run as host work
 * @work: queued on sim->wq
 * @sim: the simulator
 * @fn: the command
 * @arg: its argument
 * @ret: its result
 */
struct lis_sim_call {
	struct work_struct work;
	struct lis_sim *sim;
	int (*fn)(struct lis_sim *sim, void *arg);
	void *arg;
	int ret;
};

static void lis_sim_call_work(struct work_struct *work)
{
	struct lis_sim_call *c = container_of(work, struct lis_sim_call, work);

	mutex_lock(&c->sim->lock);
	c->ret = c->fn(c->sim, c->arg);
	mutex_unlock(&c->sim->lock);
}

/**
 * lis_sim_host_call() - run @fn as host work and wait for it
 * @sim: the simulator
 * @fn: called on sim->wq with lis_sim.lock held
 * @arg: passed to @fn
 *
 * Everything that changes the host's channels runs on the host's one
 * thread, so commands from debugfs never race with the guest's messages.
 *
 * Context: process, not on sim->wq.
 * Return: what @fn returned.
 */
int lis_sim_host_call(struct lis_sim *sim,
		      int (*fn)(struct lis_sim *sim, void *arg), void *arg)
{
	struct lis_sim_call c = { .sim = sim, .fn = fn, .arg = arg };

	INIT_WORK_ONSTACK(&c.work, lis_sim_call_work);
	queue_work(sim->wq, &c.work);
	flush_work(&c.work);
	destroy_work_on_stack(&c.work);
	return c.ret;
}

static int lis_sim_offer_call(struct lis_sim *sim, void *arg)
{
	const char *name = arg;
	const struct lis_sim_dev_class *cls = lis_sim_class_find(sim, name);
	int ret;

	if (!cls) {
		pr_warn("offer: no device class '%s'\n", name);
		return -EINVAL;
	}
	ret = lis_sim_chan_create(sim, cls);
	if (ret)
		pr_warn("offer: cannot create a %s device: %d\n", name, ret);
	return ret;
}

/**
 * lis_sim_offer() - offer a new device of a class now
 * @sim: the simulator
 * @class_name: the class's name
 *
 * If the guest has not asked for offers yet, the device is offered with
 * the others when it does.
 *
 * Context: process.
 * Return: 0, -EINVAL for an unknown class, -ENOSPC when every relid is
 * taken, or -ENOMEM.
 */
int lis_sim_offer(struct lis_sim *sim, const char *class_name)
{
	return lis_sim_host_call(sim, lis_sim_offer_call, (void *)class_name);
}

/* Withdraw @ch: close the host side, send RESCIND. */
static int lis_sim_chan_rescind(struct lis_sim *sim, struct lis_sim_chan *ch)
{
	struct lis_chmsg_rescind msg = { .hdr.msgtype = LIS_CHMSG_RESCIND };

	switch (ch->state) {
	case LIS_SIM_CHAN_PENDING:
		/* Never offered: the guest does not know it. */
		lis_sim_chan_free(sim, ch);
		return 0;
	case LIS_SIM_CHAN_RESCINDED:
		pr_warn("rescind: relid %u is already rescinded\n", ch->relid);
		return -EINVAL;
	default:
		lis_sim_chan_close(ch);
		WRITE_ONCE(ch->state, LIS_SIM_CHAN_RESCINDED);
		msg.child_relid = ch->relid;
		lis_sim_host_post(sim, &msg, sizeof(msg));
		return 0;
	}
}

/**
 * lis_sim_rescind_at() - rescind a channel if a rescind-at fault says so
 * @sim: the simulator
 * @relid: the channel the host is handling a message for
 * @step: enum lis_sim_step, where the host is
 *
 * Context: host work, lis_sim.lock held.
 * Return: true if the channel was rescinded: a step "on receipt" then
 * drops the guest's message unanswered.
 */
bool lis_sim_rescind_at(struct lis_sim *sim, u32 relid, int step)
{
	struct lis_sim_chan *ch = lis_sim_chan_find(sim, relid);

	if (!ch || ch->state == LIS_SIM_CHAN_RESCINDED ||
	    !lis_sim_fault_take_rescind(sim, relid, step))
		return false;
	pr_info("fault: rescinding relid %u at %s\n", relid,
		lis_sim_step_name(step));
	return !lis_sim_chan_rescind(sim, ch);
}

static int lis_sim_rescind_call(struct lis_sim *sim, void *arg)
{
	u32 relid = *(u32 *)arg;
	struct lis_sim_chan *ch = lis_sim_chan_find(sim, relid);

	if (!ch) {
		pr_warn("rescind: no channel with relid %u\n", relid);
		return -EINVAL;
	}
	return lis_sim_chan_rescind(sim, ch);
}

/**
 * lis_sim_rescind() - withdraw a channel
 * @sim: the simulator
 * @relid: the channel
 *
 * The host stops using the channel at once and sends RESCIND; the relid is
 * free again when the guest answers RELID_RELEASED.
 *
 * Context: process.
 * Return: 0, or -EINVAL if there is no such channel or it is already
 * rescinded.
 */
int lis_sim_rescind(struct lis_sim *sim, u32 relid)
{
	return lis_sim_host_call(sim, lis_sim_rescind_call, &relid);
}

/**
 * lis_sim_host_init() - set up the VMBus host's state
 * @sim: the simulator
 * @host: the personality to start as
 * @max_version: highest version to accept (0: the personality's)
 *
 * Context: process.
 * Return: 0 or -ENOMEM.
 */
int lis_sim_host_init(struct lis_sim *sim,
		      const struct lis_sim_host_info *host, u32 max_version)
{
	mutex_init(&sim->lock);
	INIT_LIST_HEAD(&sim->chans);
	INIT_LIST_HEAD(&sim->gpadls);
	INIT_LIST_HEAD(&sim->classes);
	INIT_DELAYED_WORK(&sim->held.work, lis_sim_held_work);
	lis_sim_host_set(sim, host);
	if (max_version)
		sim->max_version = max_version;
	sim->next_relid = 1;
	sim->relid_map = kcalloc(LIS_MAX_RELID + 1, sizeof(*sim->relid_map),
				 GFP_KERNEL);
	if (!sim->relid_map) {
		mutex_destroy(&sim->lock);
		return -ENOMEM;
	}
	return 0;
}

/**
 * lis_sim_host_exit() - free the VMBus host's state
 * @sim: the simulator, stopped, with sim->wq gone
 */
void lis_sim_host_exit(struct lis_sim *sim)
{
	/* debugfs may have offered devices after ->stop() reset the host. */
	mutex_lock(&sim->lock);
	lis_sim_host_reset(sim);
	mutex_unlock(&sim->lock);
	kfree(sim->relid_map);
	mutex_destroy(&sim->lock);
}

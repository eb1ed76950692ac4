// SPDX-License-Identifier: GPL-2.0-only
/*
 * The simulated hypervisor: lis_sim's struct lis_hv_provider.
 *
 * Guest to host: ->post_msg() copies the message onto a queue that the
 * host's ordered workqueue drains; ->signal_event() queues the signalled
 * channel's host work.  Neither calls back into the guest.
 *
 * Host to guest: a message goes into the SINT 2 slot of the guest's
 * message page on the target CPU, or waits in that CPU's queue while the
 * slot is busy (the slot's pending flag then asks the guest for an EOM).
 * A channel signal sets the relid's bit in the target CPU's event flags.
 * Either way the host then raises the guest's interrupt on that CPU: an
 * IPI, or an irq_work when the host runs on that very CPU, so that
 * lis_vmbus_isr() always runs in hard interrupt context on the CPU
 * concerned and never inside the host's own call chain.
 */
#include <linux/cpumask.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <linux/slab.h>
#include <linux/wait_bit.h>

#include "core.h"

/**
 * struct lis_sim_delayed - a host message a fault holds back
 * @dw: delivers it when the delay expires
 * @node: in lis_sim.delayed; empty once someone took it off the list
 * @sim: the simulator
 * @cpu: target CPU
 * @len: bytes in @msg
 * @msg: the message
 */
struct lis_sim_delayed {
	struct delayed_work dw;
	struct list_head node;
	struct lis_sim *sim;
	unsigned int cpu;
	u32 len;
	u8 msg[LIS_HV_MSG_PAYLOAD];
};

static struct lis_sim *lis_sim_of(struct lis_hv_provider *p)
{
	return container_of(p, struct lis_sim, prov);
}

/* Interrupt handler when the host raised it from this CPU. */
static void lis_sim_self_irq(struct irq_work *work)
{
	struct lis_sim_cpu *sc = container_of(work, struct lis_sim_cpu,
					      self_irq);

	if (READ_ONCE(sc->running))
		lis_vmbus_isr();
}

/* Interrupt handler when the host raised it from another CPU. */
static void lis_sim_ipi(void *info)
{
	struct lis_sim_cpu *sc = info;
	struct lis_sim *sim = sc->sim;

	if (READ_ONCE(sc->running))
		lis_vmbus_isr();
	if (atomic_dec_and_test(&sim->irqs_inflight))
		wake_up_var(&sim->irqs_inflight);
}

/* Raise the guest's VMBus interrupt on @sc's CPU.  Called with sc->lock. */
static void lis_sim_raise(struct lis_sim_cpu *sc)
{
	struct lis_sim *sim = sc->sim;
	int ret;

	lockdep_assert_held(&sc->lock);
	if (!sc->running)
		return;
	if (sc->cpu == smp_processor_id()) {
		irq_work_queue(&sc->self_irq);
		return;
	}
	atomic_inc(&sim->irqs_inflight);
	ret = smp_call_function_single_async(sc->cpu, &sc->ipi);
	if (!ret)
		return;
	/* -EBUSY: an IPI is still queued; its handler will see our state. */
	atomic_dec(&sim->irqs_inflight);
	if (ret == -ENXIO)
		pr_warn_ratelimited("CPU %u is offline: its VMBus interrupt is lost\n",
				    sc->cpu);
}

/*
 * Move the oldest queued message into the CPU's SINT 2 slot if the guest
 * has emptied it.  Returns true if a message was delivered.
 *
 * If the slot is busy, set its pending flag so that the guest writes EOM
 * when it frees the slot, then look again: the guest may have freed it
 * before it could see the flag.  Guest and host each write one field and
 * then read the other's, with a full barrier between, so at least one of
 * them sees the other's write and no message is stranded.
 */
static bool lis_sim_fill_slot(struct lis_sim_cpu *sc)
{
	struct lis_hv_msg_page *page = lis_hv_msg_page(sc->cpu);
	struct lis_hv_message *slot;
	struct lis_sim_msg *m;

	lockdep_assert_held(&sc->lock);
	m = list_first_entry_or_null(&sc->queue, struct lis_sim_msg, node);
	if (!m || !page)
		return false;
	slot = &page->sint[LIS_VMBUS_SINT];

	if (READ_ONCE(slot->hdr.type) != LIS_HVMSG_NONE) {
		WRITE_ONCE(slot->hdr.flags, LIS_HVMSG_F_PENDING);
		/* Flag before the type check; pairs with the guest's cmpxchg. */
		virt_mb();
		if (READ_ONCE(slot->hdr.type) != LIS_HVMSG_NONE)
			return false;
	}

	list_del(&m->node);
	sc->queued--;
	memcpy(slot->payload, m->data, m->len);
	slot->hdr.payload_size = m->len;
	slot->hdr.sender = 0;
	WRITE_ONCE(slot->hdr.flags, sc->queued ? LIS_HVMSG_F_PENDING : 0);
	/* Payload, size and flags before the type that publishes them. */
	virt_wmb();
	WRITE_ONCE(slot->hdr.type, LIS_HVMSG_CHANNEL);
	kfree(m);
	return true;
}

/**
 * lis_sim_deliver_msg() - hand a host message to the guest
 * @sim: the simulator
 * @cpu: CPU whose SINT 2 slot receives it
 * @msg: the message
 * @len: its length, at most LIS_HV_MSG_PAYLOAD
 * @note: enum lis_sim_trace_note for the trace
 *
 * Messages to one CPU arrive in the order they were delivered.  After
 * ->stop() they are dropped.
 *
 * Context: process.
 */
void lis_sim_deliver_msg(struct lis_sim *sim, unsigned int cpu,
			 const void *msg, u32 len, int note)
{
	struct lis_sim_cpu *sc = per_cpu_ptr(sim->cpus, cpu);
	struct lis_sim_msg *m;
	unsigned long flags;

	/* Out of memory, the message is lost: the guest's wait times out. */
	m = kmalloc(sizeof(*m), GFP_KERNEL);
	if (!m)
		return;
	m->len = min_t(u32, len, sizeof(m->data));
	memcpy(m->data, msg, m->len);

	spin_lock_irqsave(&sc->lock, flags);
	if (!sc->running || sc->queued >= LIS_SIM_OUT_MAX) {
		bool running = sc->running;

		spin_unlock_irqrestore(&sc->lock, flags);
		if (running)
			pr_warn_ratelimited("CPU %u has %u undelivered host messages: %s dropped\n",
					    cpu, LIS_SIM_OUT_MAX,
					    lis_chmsg_name(*(const u32 *)msg));
		kfree(m);
		return;
	}
	lis_sim_trace_msg(sim, LIS_SIM_H2G, m->data, m->len, note);
	list_add_tail(&m->node, &sc->queue);
	sc->queued++;
	if (lis_sim_fill_slot(sc))
		lis_sim_raise(sc);
	spin_unlock_irqrestore(&sc->lock, flags);
}

static void lis_sim_delayed_work(struct work_struct *work)
{
	struct lis_sim_delayed *d = container_of(to_delayed_work(work),
						 struct lis_sim_delayed, dw);
	struct lis_sim *sim = d->sim;
	bool mine;

	spin_lock(&sim->delayed_lock);
	mine = !list_empty(&d->node);
	list_del_init(&d->node);
	spin_unlock(&sim->delayed_lock);
	/* Otherwise lis_sim_cancel_delayed() owns it and frees it. */
	if (!mine)
		return;
	lis_sim_deliver_msg(sim, d->cpu, d->msg, d->len, LIS_SIM_NOTE_DELAYED);
	kfree(d);
}

/**
 * lis_sim_deliver_later() - deliver a host message after a delay
 * @sim: the simulator
 * @cpu: target CPU
 * @msg: the message
 * @len: its length
 * @ms: delay in milliseconds
 *
 * Messages sent meanwhile overtake it, as answers from a slow part of a
 * real host would.
 *
 * Context: process.
 */
void lis_sim_deliver_later(struct lis_sim *sim, unsigned int cpu,
			   const void *msg, u32 len, unsigned int ms)
{
	struct lis_sim_delayed *d;

	d = kzalloc(sizeof(*d), GFP_KERNEL);
	if (!d)
		return;
	INIT_DELAYED_WORK(&d->dw, lis_sim_delayed_work);
	d->sim = sim;
	d->cpu = cpu;
	d->len = min_t(u32, len, sizeof(d->msg));
	memcpy(d->msg, msg, d->len);

	spin_lock(&sim->delayed_lock);
	/*
	 * After ->stop() has cancelled the delayed messages (it clears
	 * @attached first, then takes delayed_lock) nothing may be held
	 * past the host's end: the message is lost, as it would be anyway.
	 */
	if (!READ_ONCE(sim->attached)) {
		spin_unlock(&sim->delayed_lock);
		kfree(d);
		return;
	}
	list_add_tail(&d->node, &sim->delayed);
	queue_delayed_work(sim->wq, &d->dw, msecs_to_jiffies(ms));
	spin_unlock(&sim->delayed_lock);
}

/* Forget every delayed message.  Context: process, not on sim->wq. */
static void lis_sim_cancel_delayed(struct lis_sim *sim)
{
	struct lis_sim_delayed *d;

	for (;;) {
		spin_lock(&sim->delayed_lock);
		d = list_first_entry_or_null(&sim->delayed,
					     struct lis_sim_delayed, node);
		if (d)
			list_del_init(&d->node);
		spin_unlock(&sim->delayed_lock);
		if (!d)
			return;
		cancel_delayed_work_sync(&d->dw);
		kfree(d);
	}
}

/**
 * lis_sim_signal_guest() - signal a channel to the guest
 * @sim: the simulator
 * @cpu: the channel's target CPU
 * @relid: the channel
 *
 * Context: any.
 */
void lis_sim_signal_guest(struct lis_sim *sim, unsigned int cpu, u32 relid)
{
	struct lis_sim_cpu *sc = per_cpu_ptr(sim->cpus, cpu);
	struct lis_hv_event_page *ev = lis_hv_event_page(cpu);
	unsigned long flags;

	if (WARN_ON_ONCE(!relid || relid > LIS_MAX_RELID) || !ev)
		return;
	spin_lock_irqsave(&sc->lock, flags);
	if (sc->running) {
		set_bit(relid, ev->sint[LIS_VMBUS_SINT].bits);
		lis_sim_raise(sc);
	}
	spin_unlock_irqrestore(&sc->lock, flags);
}

/**
 * lis_sim_vp_to_cpu() - the CPU a guest-supplied VP index names
 * @vp: VP index from a guest message (the simulator's VP index is the CPU)
 * @what: the message, for the log
 *
 * Context: any.
 * Return: @vp if it is an online CPU, else 0 (logged).
 */
unsigned int lis_sim_vp_to_cpu(u32 vp, const char *what)
{
	if (vp < nr_cpu_ids && cpu_online(vp))
		return vp;
	pr_warn_ratelimited("%s: VP %u is not an online CPU; using CPU 0\n",
			    what, vp);
	return 0;
}

/* Which queue (0 .. LIS_SIM_PORTS - 1) a routed connection id uses. */
static unsigned int lis_sim_port(u32 conn_id)
{
	if (conn_id == LIS_CONNID_MESSAGE)
		return 0;
	if (conn_id == LIS_CONNID_CONTACT)
		return 1;
	return 2;
}

/* A post fault that applies to @msgtype takes one post.  in_lock held. */
static u32 lis_sim_post_fault_take(struct lis_sim *sim, u32 msgtype)
{
	struct lis_sim_post_fault *f = &sim->post_fault;

	lockdep_assert_held(&sim->in_lock);
	if (!f->count || (!f->any && f->msgtype != msgtype))
		return LIS_HV_STATUS_SUCCESS;
	f->count--;
	sim->refused_fault++;
	return f->status;
}

/*
 * HvPostMessage: answer with the statuses a real hypervisor gives.  18
 * (invalid connection id) for an id this host's hypervisor does not
 * route, 5 for a bad length, 11 when no memory is left for the copy, 19
 * when the connection's queue already holds LIS_SIM_PORT_QUOTA messages
 * the host has not taken yet.
 */
static int lis_sim_post_msg(struct lis_hv_provider *p, u32 conn_id,
			    const void *msg, u32 len)
{
	struct lis_sim *sim = lis_sim_of(p);
	unsigned int port = lis_sim_port(conn_id);
	struct lis_sim_msg *m;
	unsigned long flags;
	u32 status;

	/* No host behind the hypervisor: no port is connected. */
	if (!READ_ONCE(sim->attached))
		return LIS_HV_STATUS_INVALID_CONNECTION_ID;
	if (!len || len > LIS_HV_MSG_PAYLOAD)
		return LIS_HV_STATUS_INVALID_PARAMETER;
	if (!lis_sim_host_routes(sim, conn_id)) {
		spin_lock_irqsave(&sim->in_lock, flags);
		sim->refused_conn_id++;
		spin_unlock_irqrestore(&sim->in_lock, flags);
		lis_sim_trace_msg(sim, LIS_SIM_G2H, msg, len,
				  LIS_SIM_NOTE_REFUSED);
		pr_info_ratelimited("guest posted to connection id %#x, which this host does not route: status 18\n",
				    conn_id);
		return LIS_HV_STATUS_INVALID_CONNECTION_ID;
	}

	m = kmalloc(sizeof(*m), GFP_ATOMIC);
	if (!m)
		return LIS_HV_STATUS_INSUFFICIENT_MEMORY;
	m->conn_id = conn_id;
	m->len = len;
	memcpy(m->data, msg, len);

	spin_lock_irqsave(&sim->in_lock, flags);
	status = lis_sim_post_fault_take(sim, m->len >= 4 ?
					 *(const u32 *)msg : 0);
	if (!status && sim->port_count[port] >= LIS_SIM_PORT_QUOTA) {
		sim->refused_quota++;
		status = LIS_HV_STATUS_INSUFFICIENT_BUFFERS;
	}
	if (status) {
		lis_sim_trace_msg(sim, LIS_SIM_G2H, msg, len,
				  LIS_SIM_NOTE_REFUSED);
		spin_unlock_irqrestore(&sim->in_lock, flags);
		kfree(m);
		return status;
	}
	/* Traced under in_lock: before the host can answer it. */
	lis_sim_trace_msg(sim, LIS_SIM_G2H, msg, len, LIS_SIM_NOTE_NONE);
	list_add_tail(&m->node, &sim->in_list);
	sim->port_count[port]++;
	spin_unlock_irqrestore(&sim->in_lock, flags);
	queue_work(sim->wq, &sim->in_work);
	return LIS_HV_STATUS_SUCCESS;
}

static int lis_sim_signal_event(struct lis_hv_provider *p, u32 conn_id)
{
	struct lis_sim *sim = lis_sim_of(p);
	u32 relid = conn_id - LIS_SIM_CHAN_CONN_BASE;
	struct lis_sim_chan *ch;
	int ret = 0;

	if (!READ_ONCE(sim->attached))
		return -ENODEV;
	if (conn_id <= LIS_SIM_CHAN_CONN_BASE || relid > LIS_MAX_RELID)
		return -EINVAL;

	rcu_read_lock();
	ch = rcu_dereference(sim->relid_map[relid]);
	if (!ch)
		ret = -EINVAL;
	else if (READ_ONCE(ch->state) == LIS_SIM_CHAN_OPEN)
		mod_delayed_work(sim->wq, &ch->work, 0);
	rcu_read_unlock();
	return ret;
}

static void lis_sim_eom(struct lis_hv_provider *p)
{
	struct lis_sim *sim = lis_sim_of(p);
	struct lis_sim_cpu *sc;
	unsigned long flags;

	/* EOM acts on the SynIC of the CPU that writes it. */
	sc = per_cpu_ptr(sim->cpus, get_cpu());
	spin_lock_irqsave(&sc->lock, flags);
	if (lis_sim_fill_slot(sc))
		lis_sim_raise(sc);
	spin_unlock_irqrestore(&sc->lock, flags);
	put_cpu();
}

static u32 lis_sim_vp_index(struct lis_hv_provider *p, unsigned int cpu)
{
	return cpu;
}

/* Feed the messages the guest posted to the VMBus host, in order. */
static void lis_sim_in_work(struct work_struct *work)
{
	struct lis_sim *sim = container_of(work, struct lis_sim, in_work);
	struct lis_sim_msg *m;

	for (;;) {
		spin_lock_irq(&sim->in_lock);
		m = list_first_entry_or_null(&sim->in_list, struct lis_sim_msg,
					     node);
		if (m) {
			list_del(&m->node);
			sim->port_count[lis_sim_port(m->conn_id)]--;
		}
		spin_unlock_irq(&sim->in_lock);
		if (!m)
			return;

		mutex_lock(&sim->lock);
		if (READ_ONCE(sim->attached))
			lis_sim_host_receive(sim, m->conn_id, m->data, m->len);
		mutex_unlock(&sim->lock);
		kfree(m);
	}
}

static void lis_sim_drop_posted(struct lis_sim *sim)
{
	struct lis_sim_msg *m, *tmp;
	LIST_HEAD(list);

	spin_lock_irq(&sim->in_lock);
	list_splice_init(&sim->in_list, &list);
	memset(sim->port_count, 0, sizeof(sim->port_count));
	spin_unlock_irq(&sim->in_lock);
	list_for_each_entry_safe(m, tmp, &list, node)
		kfree(m);
}

static int lis_sim_start(struct lis_hv_provider *p)
{
	struct lis_sim *sim = lis_sim_of(p);
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct lis_sim_cpu *sc = per_cpu_ptr(sim->cpus, cpu);

		spin_lock_irq(&sc->lock);
		sc->running = true;
		spin_unlock_irq(&sc->lock);
	}
	WRITE_ONCE(sim->attached, true);
	return 0;
}

static int lis_sim_host_stop_call(struct lis_sim *sim, void *arg)
{
	lis_sim_host_reset(sim);
	return 0;
}

/*
 * Stop delivering and forget the guest: no interrupt handler runs once
 * this returns, and the host no longer touches any guest memory.
 */
static void lis_sim_stop(struct lis_hv_provider *p)
{
	struct lis_sim *sim = lis_sim_of(p);
	struct lis_sim_msg *m, *tmp;
	unsigned int cpu;

	WRITE_ONCE(sim->attached, false);
	for_each_possible_cpu(cpu) {
		struct lis_sim_cpu *sc = per_cpu_ptr(sim->cpus, cpu);
		LIST_HEAD(list);

		spin_lock_irq(&sc->lock);
		sc->running = false;
		list_splice_init(&sc->queue, &list);
		sc->queued = 0;
		spin_unlock_irq(&sc->lock);
		list_for_each_entry_safe(m, tmp, &list, node)
			kfree(m);
	}
	wait_var_event(&sim->irqs_inflight,
		       !atomic_read(&sim->irqs_inflight));
	for_each_possible_cpu(cpu)
		irq_work_sync(&per_cpu_ptr(sim->cpus, cpu)->self_irq);

	lis_sim_cancel_delayed(sim);
	lis_sim_host_call(sim, lis_sim_host_stop_call, NULL);
	/* The reset dropped a held-back message; its timer may still run. */
	lis_sim_held_cancel(sim);
	lis_sim_drop_posted(sim);
}

/**
 * lis_sim_hyp_init() - set up the simulated hypervisor
 * @sim: the simulator; @sim->wq is created later but before registration
 *
 * Context: process.
 * Return: 0 or -ENOMEM.
 */
int lis_sim_hyp_init(struct lis_sim *sim)
{
	unsigned int cpu;

	sim->prov.name = "lis_sim";
	sim->prov.owner = THIS_MODULE;
	sim->prov.start = lis_sim_start;
	sim->prov.stop = lis_sim_stop;
	sim->prov.post_msg = lis_sim_post_msg;
	sim->prov.signal_event = lis_sim_signal_event;
	sim->prov.eom = lis_sim_eom;
	sim->prov.vp_index = lis_sim_vp_index;

	atomic_set(&sim->irqs_inflight, 0);
	spin_lock_init(&sim->in_lock);
	INIT_LIST_HEAD(&sim->in_list);
	INIT_WORK(&sim->in_work, lis_sim_in_work);
	spin_lock_init(&sim->delayed_lock);
	INIT_LIST_HEAD(&sim->delayed);

	sim->cpus = alloc_percpu(struct lis_sim_cpu);
	if (!sim->cpus)
		return -ENOMEM;
	for_each_possible_cpu(cpu) {
		struct lis_sim_cpu *sc = per_cpu_ptr(sim->cpus, cpu);

		sc->sim = sim;
		sc->cpu = cpu;
		spin_lock_init(&sc->lock);
		INIT_LIST_HEAD(&sc->queue);
		sc->self_irq = IRQ_WORK_INIT_HARD(lis_sim_self_irq);
		INIT_CSD(&sc->ipi, lis_sim_ipi, sc);
	}
	return 0;
}

/**
 * lis_sim_hyp_exit() - free what lis_sim_hyp_init() allocated
 * @sim: the simulator, stopped (or never started)
 */
void lis_sim_hyp_exit(struct lis_sim *sim)
{
	free_percpu(sim->cpus);
}

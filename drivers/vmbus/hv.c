// SPDX-License-Identifier: GPL-2.0-only
/*
 * The core's side of the hypervisor interface: per-CPU SynIC pages, the
 * interrupt entry a provider calls, and the per-CPU tasklet that empties
 * the message slot and scans the event flags.
 *
 * The pages belong to lis_vmbus.  A real provider points the hypervisor at
 * them (SIMP/SIEFP); lis_sim writes into them itself.  Either way the
 * provider then calls lis_vmbus_isr() in hard interrupt context on the CPU
 * concerned, and the rest runs here, identically.
 */
#include <linux/cpumask.h>
#include <linux/gfp.h>
#include <linux/mm.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "core.h"

/**
 * struct lis_synic_cpu - one CPU's SynIC state
 * @msg_page: the message page (16 slots; VMBus uses SINT 2)
 * @event_page: the event-flags page
 * @dpc: empties the message slot and runs signalled channels' callbacks
 */
struct lis_synic_cpu {
	struct lis_hv_msg_page *msg_page;
	struct lis_hv_event_page *event_page;
	struct tasklet_struct dpc;
};

/* The connection the interrupt path serves; set by lis_synic_init(). */
static struct lis_vmbus *lis_synic_vb;
static struct lis_synic_cpu __percpu *lis_synic;

/*
 * Copy each message out of this CPU's SINT 2 slot, free the slot and, if
 * the hypervisor has another queued, ask for it with EOM.
 */
static void lis_synic_drain_msgs(struct lis_vmbus *vb,
				 struct lis_hv_message *slot,
				 struct tasklet_struct *dpc)
{
	struct lis_hv_provider *prov = READ_ONCE(vb->prov);
	u32 type;
	u8 len;

	for (;;) {
		type = READ_ONCE(slot->hdr.type);
		if (type == LIS_HVMSG_NONE)
			return;
		/* The payload was written before the type. */
		virt_rmb();
		len = min_t(u8, READ_ONCE(slot->hdr.payload_size),
			    sizeof(slot->payload));
		if (type != LIS_HVMSG_CHANNEL)
			pr_warn_ratelimited("unexpected SynIC message type %#x; dropped\n",
					    type);
		else if (lis_vmbus_queue_msg(vb, slot->payload, len,
					     GFP_ATOMIC)) {
			/* Out of memory: leave it in the slot, try again. */
			tasklet_schedule(dpc);
			return;
		}

		if (cmpxchg(&slot->hdr.type, type, LIS_HVMSG_NONE) != type)
			continue;
		/* The slot must read as free before EOM asks for the next. */
		virt_mb();
		if ((READ_ONCE(slot->hdr.flags) & LIS_HVMSG_F_PENDING) && prov)
			prov->eom(prov);
	}
}

static void lis_synic_scan_events(struct lis_vmbus *vb,
				  struct lis_hv_event_flags *flags)
{
	unsigned int relid;

	/* Bit 0 is not a channel. */
	for_each_set_bit(relid, flags->bits, LIS_EVENT_FLAGS_BITS) {
		if (!test_and_clear_bit(relid, flags->bits) || relid == 0)
			continue;
		lis_channel_dispatch(vb, relid);
	}
}

static void lis_synic_dpc(struct tasklet_struct *t)
{
	struct lis_synic_cpu *sc = from_tasklet(sc, t, dpc);
	struct lis_vmbus *vb = READ_ONCE(lis_synic_vb);

	if (!vb)
		return;
	lis_synic_scan_events(vb, &sc->event_page->sint[LIS_VMBUS_SINT]);
	lis_synic_drain_msgs(vb, &sc->msg_page->sint[LIS_VMBUS_SINT],
			     &sc->dpc);
}

/**
 * lis_vmbus_isr() - the hypervisor interrupted this CPU for VMBus
 *
 * A provider calls this after it put a message in this CPU's SINT 2 slot or
 * set event flags in its SINT 2 event slot.  The work runs in a tasklet.
 *
 * Context: hard interrupt (or any atomic context), on the CPU concerned.
 */
void lis_vmbus_isr(void)
{
	if (!lis_synic)
		return;
	tasklet_schedule(&this_cpu_ptr(lis_synic)->dpc);
}
EXPORT_SYMBOL_NS_GPL(lis_vmbus_isr, LIS);

/**
 * lis_hv_msg_page() - a CPU's SynIC message page
 * @cpu: the CPU
 *
 * Context: any.
 * Return: the page, owned by lis_vmbus for its whole lifetime.
 */
struct lis_hv_msg_page *lis_hv_msg_page(unsigned int cpu)
{
	return per_cpu_ptr(lis_synic, cpu)->msg_page;
}
EXPORT_SYMBOL_NS_GPL(lis_hv_msg_page, LIS);

/**
 * lis_hv_event_page() - a CPU's SynIC event-flags page
 * @cpu: the CPU
 *
 * Context: any.
 * Return: the page, owned by lis_vmbus for its whole lifetime.
 */
struct lis_hv_event_page *lis_hv_event_page(unsigned int cpu)
{
	return per_cpu_ptr(lis_synic, cpu)->event_page;
}
EXPORT_SYMBOL_NS_GPL(lis_hv_event_page, LIS);

/**
 * lis_synic_quiesce() - wait until no tasklet of ours runs or is queued
 *
 * The provider must have stopped delivering first.
 */
void lis_synic_quiesce(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		tasklet_kill(&per_cpu_ptr(lis_synic, cpu)->dpc);
}

static void lis_synic_free_pages(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu) {
		struct lis_synic_cpu *sc = per_cpu_ptr(lis_synic, cpu);

		free_page((unsigned long)sc->msg_page);
		free_page((unsigned long)sc->event_page);
	}
}

/**
 * lis_synic_init() - allocate every possible CPU's SynIC pages
 * @vb: the connection the interrupt path will serve
 *
 * Context: process.
 * Return: 0 or -ENOMEM.
 */
int lis_synic_init(struct lis_vmbus *vb)
{
	unsigned int cpu;

	lis_synic = alloc_percpu(struct lis_synic_cpu);
	if (!lis_synic)
		return -ENOMEM;

	for_each_possible_cpu(cpu) {
		struct lis_synic_cpu *sc = per_cpu_ptr(lis_synic, cpu);

		sc->msg_page = (void *)get_zeroed_page(GFP_KERNEL);
		sc->event_page = (void *)get_zeroed_page(GFP_KERNEL);
		if (!sc->msg_page || !sc->event_page)
			goto free_pages;
		tasklet_setup(&sc->dpc, lis_synic_dpc);
	}
	WRITE_ONCE(lis_synic_vb, vb);
	return 0;

free_pages:
	lis_synic_free_pages();
	free_percpu(lis_synic);
	lis_synic = NULL;
	return -ENOMEM;
}

/**
 * lis_synic_exit() - free what lis_synic_init() allocated
 *
 * No provider may be attached any more.
 */
void lis_synic_exit(void)
{
	WRITE_ONCE(lis_synic_vb, NULL);
	lis_synic_quiesce();
	lis_synic_free_pages();
	free_percpu(lis_synic);
	lis_synic = NULL;
}

/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor interface: the one place that knows whether a real
 * hypervisor is underneath.  A provider (the x86_64 Hyper-V one in
 * lis_vmbus, or lis_sim) posts messages, signals events, and delivers the
 * host's messages and event flags into the per-CPU SynIC pages that
 * lis_vmbus owns, then calls lis_vmbus_isr() on that CPU in hard interrupt
 * context.  Everything above this line is the same code on both.
 */
#ifndef _LIS_HV_H
#define _LIS_HV_H

#include <linux/types.h>
#include "synic.h"

struct module;

/**
 * struct lis_hv_provider - a hypervisor, real or simulated
 * @name: shown in dmesg and sysfs
 * @owner: module implementing the provider (pinned while attached)
 * @start: the core's per-CPU pages exist; arrange for the hypervisor to use
 *	them (program SIMP/SIEFP, or remember them).  Context: process.
 * @stop: stop delivering; after it returns no lis_vmbus_isr() call is in
 *	flight or will come.  Context: process.
 * @cpu_online: optional: make @cpu deliver into its pages (after @start,
 *	and for each CPU that comes online).  Context: process, on @cpu.
 * @cpu_offline: optional: undo @cpu_online (before @stop, and for each CPU
 *	that goes offline).  Context: process, on @cpu.
 * @post_msg: post @len (<= 240) bytes to connection @conn_id.  Returns
 *	the hypervisor's HvPostMessage status, unchanged: 0 on success, else
 *	an LIS_HV_STATUS_* code (synic.h), e.g. 18 for a connection id the
 *	hypervisor does not know, 11 or 19 while it is out of memory or its
 *	message queue is full.  lis_vmbus decides what each one means.
 *	Context: any, does not sleep.
 * @signal_event: signal connection @conn_id (a channel's connection id).
 *	Context: any, does not sleep.
 * @eom: end of message: the slot of SINT 2 on this CPU was emptied and its
 *	pending flag was set; deliver the next message.  Context: any, on the
 *	CPU whose slot was consumed, does not sleep.
 * @vp_index: the hypervisor's number for @cpu.
 * @atomic_unload: the host answers UNLOAD even while this kernel's CPUs are
 *	stopped (a real hypervisor), and @post_msg works in any context, with
 *	other CPUs dead: the panic path then sends UNLOAD and polls for the
 *	answer.  A simulated host runs on the guest's CPUs: leave it false.
 */
struct lis_hv_provider {
	const char *name;
	struct module *owner;
	int (*start)(struct lis_hv_provider *p);
	void (*stop)(struct lis_hv_provider *p);
	int (*cpu_online)(struct lis_hv_provider *p, unsigned int cpu);
	void (*cpu_offline)(struct lis_hv_provider *p, unsigned int cpu);
	int (*post_msg)(struct lis_hv_provider *p, u32 conn_id,
			const void *msg, u32 len);
	int (*signal_event)(struct lis_hv_provider *p, u32 conn_id);
	void (*eom)(struct lis_hv_provider *p);
	u32 (*vp_index)(struct lis_hv_provider *p, unsigned int cpu);
	bool atomic_unload;
};

int lis_hv_provider_register(struct lis_hv_provider *p);
void lis_hv_provider_unregister(struct lis_hv_provider *p);
bool lis_hv_provider_crash(struct lis_hv_provider *p);

struct lis_hv_msg_page *lis_hv_msg_page(unsigned int cpu);
struct lis_hv_event_page *lis_hv_event_page(unsigned int cpu);
void lis_vmbus_isr(void);

#endif /* _LIS_HV_H */

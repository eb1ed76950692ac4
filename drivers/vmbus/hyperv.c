// SPDX-License-Identifier: GPL-2.0-only
/*
 * The native x86_64 Hyper-V provider: the real hypervisor under lis_vmbus.
 *
 * It points each CPU's SynIC at the pages lis_vmbus owns (SIMP, SIEFP),
 * routes SINT 2 to the kernel's Hyper-V callback vector, whose handler
 * calls lis_vmbus_isr(), and talks to the host with the kernel's hypercall
 * page (HvPostMessage, HvSignalEvent).  Facts from Documentation/vmbus.rst
 * and the TLFS; built only on x86_64 kernels with CONFIG_HYPERV.
 *
 * This code has not run on a real Hyper-V host yet: only its refusal
 * paths are exercised (under QEMU, which is not Hyper-V).
 */
#include <linux/cpuhotplug.h>
#include <linux/irqflags.h>
#include <linux/module.h>
#include <linux/percpu.h>
#include <asm/hypervisor.h>
#include <asm/irq_vectors.h>
#include <asm/msr.h>
#include <asm/mshyperv.h>

#include "core.h"

/* Synthetic MSRs (protocols.md, "Hypervisor interface"). */
#define LIS_MSR_SCONTROL	0x40000080
#define LIS_MSR_SIEFP		0x40000082
#define LIS_MSR_SIMP		0x40000083
#define LIS_MSR_EOM		0x40000084
#define LIS_MSR_SINT(n)		(0x40000090 + (n))

#define LIS_SCONTROL_ENABLE	BIT_ULL(0)
#define LIS_PAGE_MSR_ENABLE	BIT_ULL(0)	/* SIMP and SIEFP */
#define LIS_PAGE_MSR_KEEP	GENMASK_ULL(11, 1)	/* reserved: preserve */
#define LIS_SINT_VECTOR		GENMASK_ULL(7, 0)
#define LIS_SINT_MASKED		BIT_ULL(16)
#define LIS_SINT_AUTO_EOI	BIT_ULL(17)

/* Hypercalls and their results. */
#define LIS_HVCALL_POST_MESSAGE	0x005c
#define LIS_HVCALL_SIGNAL_EVENT	0x005d
#define LIS_HV_STATUS_MASK	GENMASK_ULL(15, 0)

static struct lis_hv_provider lis_hyperv;

/* HvPostMessage input: 8-byte aligned, in the per-CPU hypercall page. */
struct lis_hv_post_input {
	u32 conn_id;
	u32 reserved;
	u32 msg_type;
	u32 payload_size;
	u8 payload[LIS_HV_MSG_PAYLOAD];
} __packed;

/**
 * lis_hyperv_refusal() - why the native provider cannot attach here
 *
 * Reads this CPU's SIMP: hv_vmbus enables it on every CPU it serves, so a
 * set enable bit means the in-kernel VMBus driver (or another SynIC user)
 * owns the message pages and the callback vector.
 *
 * Context: process.
 * Return: NULL if it can attach, else the reason, for one dmesg line.
 */
const char *lis_hyperv_refusal(void)
{
	u64 simp;

	if (!hypervisor_is_type(X86_HYPER_MS_HYPERV) ||
	    !hv_is_hyperv_initialized())
		return "not running on Hyper-V";
	if (hv_is_isolation_supported())
		return "isolated (confidential) Hyper-V VMs are not supported";
	if (!hv_hypercall_pg || !hyperv_pcpu_input_arg || !hv_vp_index)
		return "the kernel did not set up Hyper-V hypercalls";
	preempt_disable();
	rdmsrl(LIS_MSR_SIMP, simp);
	preempt_enable();
	if (simp & LIS_PAGE_MSR_ENABLE)
		return "the in-kernel hv_vmbus already owns the VMBus (SynIC message page enabled): blacklist hv_vmbus to use lis_vmbus";
	return NULL;
}

static u64 lis_page_msr(u64 old, void *page)
{
	return (old & LIS_PAGE_MSR_KEEP) | (virt_to_phys(page) & PAGE_MASK) |
	       LIS_PAGE_MSR_ENABLE;
}

/* Program this CPU's SynIC for VMBus.  Context: the CPU itself. */
static int lis_hyperv_cpu_online(struct lis_hv_provider *p, unsigned int cpu)
{
	u64 simp, siefp, sint, sctrl;

	rdmsrl(LIS_MSR_SIMP, simp);
	if (simp & LIS_PAGE_MSR_ENABLE) {
		pr_err("CPU %u: SynIC message page already in use by someone else\n",
		       cpu);
		return -EBUSY;
	}
	wrmsrl(LIS_MSR_SIMP, lis_page_msr(simp, lis_hv_msg_page(cpu)));
	rdmsrl(LIS_MSR_SIEFP, siefp);
	wrmsrl(LIS_MSR_SIEFP, lis_page_msr(siefp, lis_hv_event_page(cpu)));

	rdmsrl(LIS_MSR_SINT(LIS_VMBUS_SINT), sint);
	sint &= ~(LIS_SINT_VECTOR | LIS_SINT_MASKED | LIS_SINT_AUTO_EOI);
	sint |= HYPERVISOR_CALLBACK_VECTOR;
	/* The kernel's vector handler EOIs the APIC itself only then. */
	if (!(ms_hyperv.hints & HV_DEPRECATING_AEOI_RECOMMENDED))
		sint |= LIS_SINT_AUTO_EOI;
	wrmsrl(LIS_MSR_SINT(LIS_VMBUS_SINT), sint);

	rdmsrl(LIS_MSR_SCONTROL, sctrl);
	wrmsrl(LIS_MSR_SCONTROL, sctrl | LIS_SCONTROL_ENABLE);
	return 0;
}

/* Undo lis_hyperv_cpu_online().  Context: the CPU itself. */
static void lis_hyperv_cpu_offline(struct lis_hv_provider *p,
				   unsigned int cpu)
{
	u64 val;

	rdmsrl(LIS_MSR_SINT(LIS_VMBUS_SINT), val);
	wrmsrl(LIS_MSR_SINT(LIS_VMBUS_SINT), val | LIS_SINT_MASKED);
	rdmsrl(LIS_MSR_SIMP, val);
	wrmsrl(LIS_MSR_SIMP, val & LIS_PAGE_MSR_KEEP);
	rdmsrl(LIS_MSR_SIEFP, val);
	wrmsrl(LIS_MSR_SIEFP, val & LIS_PAGE_MSR_KEEP);
	rdmsrl(LIS_MSR_SCONTROL, val);
	wrmsrl(LIS_MSR_SCONTROL, val & ~LIS_SCONTROL_ENABLE);
}

/*
 * kexec: machine_shutdown() calls this before the next kernel starts;
 * UNLOAD and SynIC teardown on every CPU (process context).
 */
static void lis_hyperv_kexec(void)
{
	lis_vmbus_kexec_shutdown();
}

/*
 * kdump: machine_crash_shutdown() calls this before the crash kernel
 * starts, with interrupts off: UNLOAD by polling, then this CPU's SynIC
 * off (the other CPUs are stopped right after; their pages are the crash
 * kernel's to reprogram).
 */
static void lis_hyperv_crash(struct pt_regs *regs)
{
	if (!lis_hv_provider_crash(&lis_hyperv))
		pr_emerg("crash: the host did not answer UNLOAD\n");
	lis_hyperv_cpu_offline(&lis_hyperv, smp_processor_id());
}

static int lis_hyperv_start(struct lis_hv_provider *p)
{
	const char *why = lis_hyperv_refusal();

	if (why) {
		pr_err("native Hyper-V provider not started: %s\n", why);
		return -EBUSY;
	}
	/* Before any SINT is unmasked: no interrupt may find no handler. */
	hv_setup_vmbus_handler(lis_vmbus_isr);
	/* The kernel's own hooks, which hv_vmbus would otherwise own. */
	hv_setup_kexec_handler(lis_hyperv_kexec);
	hv_setup_crash_handler(lis_hyperv_crash);
	return 0;
}

static void lis_hyperv_stop(struct lis_hv_provider *p)
{
	hv_remove_crash_handler();
	hv_remove_kexec_handler();
	/* Every CPU's SINT 2 is masked by now (->cpu_offline). */
	hv_remove_vmbus_handler();
	/* The vector's handler runs with interrupts off: an RCU reader. */
	synchronize_rcu();
}

static int lis_hyperv_post_msg(struct lis_hv_provider *p, u32 conn_id,
			       const void *msg, u32 len)
{
	struct lis_hv_post_input *in;
	unsigned long flags;
	u64 status;

	if (!len || len > LIS_HV_MSG_PAYLOAD)
		return LIS_HV_STATUS_INVALID_PARAMETER;
	local_irq_save(flags);
	in = *this_cpu_ptr(hyperv_pcpu_input_arg);
	in->conn_id = conn_id;
	in->reserved = 0;
	in->msg_type = LIS_HVMSG_CHANNEL;
	in->payload_size = len;
	memcpy(in->payload, msg, len);
	status = hv_do_hypercall(LIS_HVCALL_POST_MESSAGE, in, NULL);
	local_irq_restore(flags);

	/* lis_vmbus decides what each status means (lis_conn_post_errno()). */
	return status & LIS_HV_STATUS_MASK;
}

static int lis_hyperv_signal_event(struct lis_hv_provider *p, u32 conn_id)
{
	/* Input: u32 connection id, u16 flag number 0, u16 reserved. */
	u64 status = hv_do_fast_hypercall8(LIS_HVCALL_SIGNAL_EVENT, conn_id);

	return (status & LIS_HV_STATUS_MASK) ? -EIO : 0;
}

static void lis_hyperv_eom(struct lis_hv_provider *p)
{
	wrmsrl(LIS_MSR_EOM, 0);
}

static u32 lis_hyperv_vp_index(struct lis_hv_provider *p, unsigned int cpu)
{
	/* Filled in by the kernel as each CPU comes up. */
	return hv_vp_index[cpu];
}

static struct lis_hv_provider lis_hyperv = {
	.name = "Hyper-V",
	.owner = THIS_MODULE,
	.start = lis_hyperv_start,
	.stop = lis_hyperv_stop,
	.cpu_online = lis_hyperv_cpu_online,
	.cpu_offline = lis_hyperv_cpu_offline,
	.post_msg = lis_hyperv_post_msg,
	.signal_event = lis_hyperv_signal_event,
	.eom = lis_hyperv_eom,
	.vp_index = lis_hyperv_vp_index,
	.atomic_unload = true,
};

/**
 * lis_hyperv_provider() - the native provider, which lis_vmbus attaches
 *	itself when lis_hyperv_refusal() finds nothing in the way
 *
 * Return: the provider.
 */
struct lis_hv_provider *lis_hyperv_provider(void)
{
	return &lis_hyperv;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_vmbus: the VMBus channel core.
 *
 * Module init sets up the bus and the per-CPU SynIC pages; the connection
 * to a host starts when a hypervisor provider attaches: the native
 * Hyper-V one (hyperv.c), attached here at load time on Hyper-V, or the
 * simulated host (lis_sim) on machines without Hyper-V.
 *
 * Reboot and kexec (a reboot notifier) and panic (a panic notifier) say
 * UNLOAD to the host, so that the next kernel can connect again.
 */
#include <linux/cpuhotplug.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/panic_notifier.h>
#include <linux/reboot.h>
#include <linux/slab.h>
#include <asm/hypervisor.h>

#include "core.h"

/*
 * The one connection this module serves: the bus has one host.  Providers
 * reach it through lis_hv_provider_register(), the interrupt path through
 * hv.c.
 */
static struct lis_vmbus *lis_vb;

/*
 * Serialises provider attach, detach and the reboot-time unload; protects
 * lis_cpuhp_state and lis_shut_down.
 */
static DEFINE_MUTEX(lis_provider_lock);

/* Dynamic CPU hotplug state while a provider is attached, else 0. */
static int lis_cpuhp_state;
/* The reboot notifier unloaded the connection: attach nothing more. */
static bool lis_shut_down;
/*
 * The provider lis_cpu_online()/lis_cpu_offline() act for: set before
 * lis_cpuhp_state is set up, stable until it is removed.
 */
static struct lis_hv_provider *lis_cpuhp_prov;

static bool native = true;
module_param(native, bool, 0444);
MODULE_PARM_DESC(native,
		 "On Hyper-V, attach the native Hyper-V provider at load (default Y); N leaves the VMBus to a simulated host (lis_sim), e.g. to test with it on Hyper-V");

static char *max_version;
module_param(max_version, charp, 0444);
MODULE_PARM_DESC(max_version,
		 "Highest VMBus protocol version to offer the host, major.minor (e.g. 4.0; default: the newest lis knows, 6.0); versions below it are still tried if the host refuses");

/*
 * max_version= as a VMBus version: 0 if unset, else one that
 * lis_vmbus_versions[] lists.  Return 0 or -EINVAL (logged).
 */
static int lis_parse_max_version(u32 *version)
{
	unsigned int major, minor, i;
	char extra;
	u32 v;

	*version = 0;
	if (!max_version || !*max_version)
		return 0;
	if (sscanf(max_version, "%u.%u%c", &major, &minor, &extra) == 2 &&
	    major <= 0xffff && minor <= 0xffff) {
		v = LIS_VMBUS_VERSION(major, minor);
		for (i = 0; i < lis_vmbus_nversions; i++) {
			if (lis_vmbus_versions[i] == v) {
				*version = v;
				return 0;
			}
		}
	}
	pr_err("max_version=%s: not a VMBus version lis knows (6.0, 5.3, 5.2, 5.1, 5.0, 4.1, 4.0, 3.0 or 2.4)\n",
	       max_version);
	return -EINVAL;
}

/* The native provider, when this module attached it. */
static struct lis_hv_provider *lis_native_prov;

/* A CPU came online (or the provider attached): make it deliver to us. */
static int lis_cpu_online(unsigned int cpu)
{
	struct lis_hv_provider *p = lis_cpuhp_prov;
	struct lis_vmbus *vb = lis_vb;
	int ret = 0;

	if (p->cpu_online)
		ret = p->cpu_online(p, cpu);
	if (ret)
		return ret;
	mutex_lock(&vb->conn_lock);
	cpumask_set_cpu(cpu, &vb->cpus_ready);
	mutex_unlock(&vb->conn_lock);
	return 0;
}

/*
 * A CPU is going offline (or the provider detaches): refuse while a
 * channel is bound to it, else stop its delivery.
 */
static int lis_cpu_offline(unsigned int cpu)
{
	struct lis_hv_provider *p = lis_cpuhp_prov;
	int ret;

	ret = lis_vmbus_cpu_leave(lis_vb, cpu);
	if (ret)
		return ret;
	if (p->cpu_offline)
		p->cpu_offline(p, cpu);
	return 0;
}

static int lis_cpuhp_add(struct lis_hv_provider *p)
{
	int ret;

	lis_cpuhp_prov = p;
	ret = cpuhp_setup_state(CPUHP_AP_ONLINE_DYN, "lis_vmbus:online",
				lis_cpu_online, lis_cpu_offline);
	if (ret < 0)
		return ret;
	lis_cpuhp_state = ret;
	return 0;
}

static void lis_cpuhp_remove(void)
{
	if (!lis_cpuhp_state)
		return;
	/* Detaching: lis_vmbus_cpu_leave() refuses nothing now. */
	cpuhp_remove_state(lis_cpuhp_state);
	lis_cpuhp_state = 0;
}

/**
 * lis_hv_provider_register() - attach a hypervisor and connect to its host
 * @p: the provider
 *
 * Starts @p, negotiates the VMBus version and requests the offers; returns
 * once the host has delivered them (devices appear asynchronously).  Only
 * one provider can be attached at a time.
 *
 * Context: process; sleeps (bounded by the connect timeout).
 * Return: 0; -EBUSY if a provider is attached; -EPROTONOSUPPORT if the host
 * speaks no version we know; -ETIMEDOUT; or the provider's start error.
 */
int lis_hv_provider_register(struct lis_hv_provider *p)
{
	struct lis_vmbus *vb = lis_vb;
	int ret;

	mutex_lock(&lis_provider_lock);
	ret = -EBUSY;
	if (vb->prov || lis_shut_down)
		goto unlock;

	ret = p->start(p);
	if (ret)
		goto unlock;
	ret = lis_cpuhp_add(p);
	if (ret)
		goto stop;
	ret = lis_vmbus_connect(vb, p);
	if (ret)
		goto remove_cpuhp;
	mutex_unlock(&lis_provider_lock);
	return 0;

remove_cpuhp:
	lis_cpuhp_remove();
stop:
	p->stop(p);
	lis_synic_quiesce();
	lis_vmbus_flush_msgs(vb);
unlock:
	mutex_unlock(&lis_provider_lock);
	return ret;
}
EXPORT_SYMBOL_NS_GPL(lis_hv_provider_register, LIS);

/**
 * lis_hv_provider_unregister() - disconnect from the host and detach
 * @p: the attached provider
 *
 * Removes every device (drivers close their channels while the host still
 * answers), sends UNLOAD and waits for the answer (bounded), then stops @p.
 *
 * Context: process; sleeps.
 */
void lis_hv_provider_unregister(struct lis_hv_provider *p)
{
	struct lis_vmbus *vb = lis_vb;

	mutex_lock(&lis_provider_lock);
	if (WARN_ON(vb->prov != p))
		goto unlock;

	lis_bus_remove_all(vb);
	if (!lis_shut_down)
		lis_vmbus_disconnect(vb);
	lis_cpuhp_remove();
	p->stop(p);
	lis_synic_quiesce();
	lis_vmbus_flush_msgs(vb);
	/* Offers that raced with the unload never reached the bus. */
	lis_bus_remove_all(vb);

	mutex_lock(&vb->conn_lock);
	vb->prov = NULL;
	mutex_unlock(&vb->conn_lock);
	pr_info("detached from %s\n", p->name);
unlock:
	mutex_unlock(&lis_provider_lock);
}
EXPORT_SYMBOL_NS_GPL(lis_hv_provider_unregister, LIS);

/*
 * Attach the native provider on Hyper-V, or say in one line why not and
 * that a simulated host may attach instead.
 */
static void lis_attach_native(void)
{
	struct lis_hv_provider *p = lis_hyperv_provider();
	const char *why;
	int ret;

	/* First: the one refusal a guest without Hyper-V can show (tests). */
	if (lis_bus_vmbus_registered()) {
		pr_warn("native Hyper-V provider not attached: the in-kernel hv_vmbus owns the VMBus (bus \"vmbus\" registered): use lis_hvbridge (hosted mode), or blacklist hv_vmbus\n");
		return;
	}
	if (!hypervisor_is_type(X86_HYPER_MS_HYPERV)) {
		pr_info("not running on Hyper-V: waiting for a simulated host (lis_sim)\n");
		return;
	}
	if (!p) {
		pr_info("running on Hyper-V, but this build has no native Hyper-V provider; only a simulated host (lis_sim) can attach\n");
		return;
	}
	if (!native) {
		pr_info("running on Hyper-V, native provider disabled (native=0): waiting for a simulated host (lis_sim)\n");
		return;
	}
	why = lis_hyperv_refusal();
	if (why) {
		pr_warn("native Hyper-V provider not attached: %s\n", why);
		return;
	}
	ret = lis_hv_provider_register(p);
	if (ret) {
		pr_err("native Hyper-V provider failed to connect (%d); a simulated host may attach instead\n",
		       ret);
		return;
	}
	lis_native_prov = p;
}

/*
 * Reboot, halt, power-off and kexec: tell the host we are going, so that
 * the next kernel finds the VMBus free, and stop the SynIC.  Devices stay:
 * their drivers' packets after this go nowhere.
 */
static void lis_shutdown(void)
{
	struct lis_vmbus *vb = lis_vb;

	mutex_lock(&lis_provider_lock);
	if (vb->prov && !lis_shut_down) {
		lis_shut_down = true;
		lis_vmbus_shutdown_unload(vb);
		lis_cpuhp_remove();
	}
	mutex_unlock(&lis_provider_lock);
}

static int lis_reboot_notify(struct notifier_block *nb, unsigned long action,
			     void *data)
{
	lis_shutdown();
	return NOTIFY_DONE;
}

/**
 * lis_vmbus_kexec_shutdown() - the native provider's kexec handler
 *
 * machine_shutdown() runs it when kexec starts the next kernel, after the
 * reboot notifiers: if they have not done it already, UNLOAD (bounded
 * wait) and stop every CPU's SynIC, so the next kernel finds the VMBus
 * free, as Linux's hv_kexec_handler() does.
 *
 * Context: process, may sleep (bounded).
 */
void lis_vmbus_kexec_shutdown(void)
{
	lis_shutdown();
}

/**
 * lis_hv_provider_crash() - the kernel is crashing into a crash kernel
 * @p: the attached provider
 *
 * For a provider's crash handler (the native provider's runs from
 * machine_crash_shutdown(), before a kdump kernel starts and before the
 * panic notifiers): posts UNLOAD without any lock, polls every online
 * CPU's SINT 2 slot for UNLOAD_RESPONSE for at most 5 s without sleeping,
 * then empties every CPU's slot.  UNLOAD is posted once per connection:
 * the panic notifier does nothing after this.  The provider then stops
 * its CPU's SynIC itself.
 *
 * Context: atomic, interrupts off; other CPUs may still run.
 * Return: true if the host answered; false if it did not, if UNLOAD was
 * posted already, or if @p is not attached or not connected.
 */
bool lis_hv_provider_crash(struct lis_hv_provider *p)
{
	struct lis_vmbus *vb = lis_vb;

	if (!vb || READ_ONCE(vb->prov) != p)
		return false;
	return lis_vmbus_crash_unload(vb, p);
}
EXPORT_SYMBOL_NS_GPL(lis_hv_provider_crash, LIS);

static struct notifier_block lis_reboot_nb = {
	.notifier_call = lis_reboot_notify,
};

/* Panic: other CPUs are stopped; nothing may sleep or take a lock. */
static int lis_panic_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	lis_vmbus_panic_unload(lis_vb);
	return NOTIFY_DONE;
}

/* Late in the chain: after the notifiers that record the crash. */
static struct notifier_block lis_panic_nb = {
	.notifier_call = lis_panic_notify,
	.priority = INT_MIN,
};

static int __init lis_vmbus_init(void)
{
	struct lis_vmbus *vb;
	int ret;

	vb = kzalloc(sizeof(*vb), GFP_KERNEL);
	if (!vb)
		return -ENOMEM;
	ret = lis_parse_max_version(&vb->max_version);
	if (ret)
		goto free_vb;
	ret = lis_vmbus_conn_init(vb);
	if (ret)
		goto free_vb;
	ret = lis_synic_init(vb);
	if (ret)
		goto exit_conn;
	ret = lis_bus_init(vb);
	if (ret)
		goto exit_synic;

	lis_vb = vb;
	ret = register_reboot_notifier(&lis_reboot_nb);
	if (ret)
		goto exit_bus;
	atomic_notifier_chain_register(&panic_notifier_list, &lis_panic_nb);
	lis_attach_native();
	return 0;

exit_bus:
	lis_bus_exit(vb);
exit_synic:
	lis_synic_exit();
exit_conn:
	lis_vmbus_conn_exit(vb);
free_vb:
	kfree(vb);
	return ret;
}

static void __exit lis_vmbus_exit(void)
{
	struct lis_vmbus *vb = lis_vb;

	if (lis_native_prov)
		lis_hv_provider_unregister(lis_native_prov);
	/* Other providers are modules that depend on us: gone by now. */
	atomic_notifier_chain_unregister(&panic_notifier_list, &lis_panic_nb);
	unregister_reboot_notifier(&lis_reboot_nb);
	lis_bus_exit(vb);
	lis_synic_exit();
	lis_vmbus_conn_exit(vb);
	kfree(vb);
}

module_init(lis_vmbus_init);
module_exit(lis_vmbus_exit);

MODULE_DESCRIPTION("lis VMBus channel core");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");

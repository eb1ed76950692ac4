// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_vmbus: the VMBus channel core.
 *
 * Module init sets up the bus and the per-CPU SynIC pages; the connection
 * to a host starts when a hypervisor provider attaches.  The provider is
 * the simulated host (lis_sim) on machines without Hyper-V.
 */
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <asm/hypervisor.h>

#include "core.h"

/*
 * The one connection this module serves: the bus has one host.  Providers
 * reach it through lis_hv_provider_register(), the interrupt path through
 * hv.c.
 */
static struct lis_vmbus *lis_vb;

/* Serialises provider attach and detach. */
static DEFINE_MUTEX(lis_provider_lock);

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
	if (vb->prov)
		goto unlock;

	ret = p->start(p);
	if (ret)
		goto unlock;
	ret = lis_vmbus_connect(vb, p);
	if (ret)
		goto stop;
	mutex_unlock(&lis_provider_lock);
	return 0;

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
	lis_vmbus_disconnect(vb);
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

static void lis_report_platform(void)
{
	if (hypervisor_is_type(X86_HYPER_MS_HYPERV))
		pr_info("running on Hyper-V, but this version has no native Hyper-V provider; only a simulated host (lis_sim) can attach\n");
	else
		pr_info("not running on Hyper-V: waiting for a simulated host (lis_sim)\n");
}

static int __init lis_vmbus_init(void)
{
	struct lis_vmbus *vb;
	int ret;

	vb = kzalloc(sizeof(*vb), GFP_KERNEL);
	if (!vb)
		return -ENOMEM;
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
	lis_report_platform();
	return 0;

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

	/* Providers are modules that depend on us: all are gone by now. */
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

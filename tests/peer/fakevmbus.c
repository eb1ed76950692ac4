// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_fakevmbus, for tests only: registers an empty bus named "vmbus", as
 * the in-kernel hv_vmbus does once it has connected to Hyper-V, so that a
 * guest without Hyper-V can show lis_vmbus's native provider refusing to
 * share the VMBus with it (60-peer-version).  Nothing binds to it.  Built
 * beside lis_hvcompat (tests/peer/Kbuild); never installed.
 */
#include <linux/device.h>
#include <linux/module.h>

static struct bus_type lis_fake_vmbus = {
	.name = "vmbus",
};

static int __init lis_fake_vmbus_init(void)
{
	return bus_register(&lis_fake_vmbus);
}

static void __exit lis_fake_vmbus_exit(void)
{
	bus_unregister(&lis_fake_vmbus);
}

module_init(lis_fake_vmbus_init);
module_exit(lis_fake_vmbus_exit);

MODULE_DESCRIPTION("An empty bus named vmbus, for lis's tests");
MODULE_LICENSE("GPL");

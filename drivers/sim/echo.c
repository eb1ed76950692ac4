// SPDX-License-Identifier: GPL-2.0-only
/*
 * The loopback echo device: every packet the guest sends comes back
 * unchanged, byte for byte (type, flags, transaction id, data offset and
 * payload).  For ring tests and benchmarks.
 *
 * Flow control is exercised both ways: when the guest's inbound ring is
 * full the device stops, sets pending_send_sz and resumes when the guest
 * signals that it has read; meanwhile it leaves the guest's packets in the
 * outbound ring, so the guest's writer fills up and waits in turn.
 * Packets are read in batches: interrupts masked, drain, unmask, recheck,
 * and go straight from the guest's outbound ring into its inbound ring.
 * The device keeps no state of its own.
 */
#include "core.h"

/* Packets echoed per run before the host lets other work in. */
#define LIS_ECHO_BUDGET		256

/*
 * Echo the peeked packet.  Returns 0 once it is consumed, -ENOSPC if the
 * guest's inbound ring has no room (the packet stays in place), -EIO if a
 * ring is broken.
 */
static int lis_echo_one(struct lis_sim_chan *ch,
			const struct lis_vmpacket_desc *desc)
{
	int ret;

	for (;;) {
		ret = lis_sim_send_back(ch);
		if (ret != -EAGAIN)
			break;
		if (!lis_sim_send_wait(ch, (u32)desc->len8 * 8))
			return -ENOSPC;
	}
	if (ret == -EINVAL)
		pr_warn_ratelimited("echo relid %u: a %u-byte packet can never fit the guest's inbound ring; dropped\n",
				    lis_sim_chan_relid(ch), (u32)desc->len8 * 8);
	else if (ret)
		return ret;
	lis_sim_recv_skip(ch);
	return 0;
}

/*
 * Echo packets until the ring is empty (0), the guest's inbound ring is
 * full (-ENOSPC), the budget is spent (-EBUSY) or a ring broke (-EIO).
 */
static int lis_echo_drain(struct lis_sim_chan *ch, unsigned int *budget)
{
	struct lis_vmpacket_desc desc;
	int ret;

	while (!(ret = lis_sim_recv_peek(ch, &desc))) {
		ret = lis_echo_one(ch, &desc);
		if (ret)
			return ret;
		if (!--*budget)
			return -EBUSY;
	}
	return ret == -EAGAIN ? 0 : ret;
}

static void lis_echo_packet_work(struct lis_sim_chan *ch)
{
	unsigned int budget = LIS_ECHO_BUDGET;
	int ret;

	do {
		lis_sim_recv_batch_begin(ch);
		ret = lis_echo_drain(ch, &budget);
		lis_sim_recv_commit(ch);
		if (ret == -EBUSY) {
			/* Stay masked: we come back without a signal. */
			lis_sim_chan_kick(ch, 0);
			return;
		}
		/*
		 * -ENOSPC: stay masked; the guest signals when it has read
		 * (pending_send_sz), and we drain again then.
		 */
		if (ret)
			return;
	} while (lis_sim_recv_batch_end(ch));
}

static const struct lis_sim_dev_class lis_echo_class = {
	.name = "echo",
	.class_id = LIS_ECHO_CLASS_GUID,
	.packet_work = lis_echo_packet_work,
};

/**
 * lis_echo_register() - register the echo device class
 * @sim: the simulator
 * @nr_boot: echo devices to offer at every connection
 *
 * Context: process.
 * Return: 0 or -ENOMEM.
 */
int lis_echo_register(struct lis_sim *sim, unsigned int nr_boot)
{
	return lis_sim_register_class(sim, &lis_echo_class, nr_boot);
}

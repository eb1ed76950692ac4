/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis_sim host device classes: how a simulated host device (the loopback
 * echo device today, the Dynamic Memory and VSS hosts later) plugs into the
 * simulated VMBus host without touching it.
 *
 * A class names a device type (its VMBus class GUID) and three callbacks.
 * The VMBus host offers devices of the class, maps the ring GPADL when the
 * guest opens one, and then calls the class in process context on the
 * simulator's ordered workqueue, with the host state lock held:
 *
 *   open(ch)         the guest opened the channel; rings are ready
 *   packet_work(ch)  the guest signalled the channel (or the class asked
 *                    for a run with lis_sim_chan_kick())
 *   close(ch)        the guest closed the channel, it was rescinded, or the
 *                    guest unloaded; after it returns the class must not
 *                    touch the rings again
 *
 * Calls for one simulator never run concurrently with each other, nor with
 * any other host work: a class needs no lock of its own for state that only
 * these callbacks touch.  They may sleep, but must not wait for the guest:
 * the guest runs concurrently and answers through further packet_work
 * calls.
 *
 * Packets are read and written with the lis_sim_recv_*() and
 * lis_sim_send*() helpers below, which use the same ring primitives as the
 * guest (include/lis/ring.h) on the host's mirror-image views, follow the
 * signalling rules, and record every packet in the trace.
 */
#ifndef _LIS_SIM_H
#define _LIS_SIM_H

#include <linux/types.h>
#include <linux/uuid.h>
#include <lis/ring.h>

struct lis_sim;
struct lis_sim_chan;

/*
 * The loopback echo device's class GUID, 4c495345-ec40-4b3a-9f13-6c69735f6563
 * (the first field reads "LISE" in ASCII hex, the last six bytes "lis_ec").
 * Not a Hyper-V device: a guest test driver binds to it to exercise rings
 * against the simulator.
 */
#define LIS_ECHO_CLASS_GUID						\
	GUID_INIT(0x4c495345, 0xec40, 0x4b3a,				\
		  0x9f, 0x13, 0x6c, 0x69, 0x73, 0x5f, 0x65, 0x63)

/**
 * struct lis_sim_dev_class - a kind of simulated host device
 * @name: short name, used by debugfs ("offer echo") and in `devices`
 * @class_id: VMBus class GUID put in the offer's interface type
 * @open: the guest opened a channel of this class; return 0 to accept, or
 *	a negative errno to refuse the open (the guest sees a failed
 *	OPENCHANNEL_RESULT).  May set private data with lis_sim_chan_set_priv().
 * @packet_work: the guest signalled, or lis_sim_chan_kick() fired.  Drain
 *	what there is; return when done or blocked.  Called only while the
 *	channel is open.
 * @close: the channel is closing; free what @open allocated.
 */
struct lis_sim_dev_class {
	const char *name;
	guid_t class_id;
	int (*open)(struct lis_sim_chan *ch);
	void (*packet_work)(struct lis_sim_chan *ch);
	void (*close)(struct lis_sim_chan *ch);
};

int lis_sim_register_class(struct lis_sim *sim,
			   const struct lis_sim_dev_class *cls,
			   unsigned int nr_boot);

void *lis_sim_chan_priv(const struct lis_sim_chan *ch);
void lis_sim_chan_set_priv(struct lis_sim_chan *ch, void *priv);
u32 lis_sim_chan_relid(const struct lis_sim_chan *ch);
u32 lis_sim_chan_max_packet(const struct lis_sim_chan *ch);
void lis_sim_chan_kick(struct lis_sim_chan *ch, unsigned long delay);

int lis_sim_recv_peek(struct lis_sim_chan *ch, struct lis_vmpacket_desc *desc);
int lis_sim_recv_copy(struct lis_sim_chan *ch, u32 offset, void *buf,
		      u32 len);
void lis_sim_recv_skip(struct lis_sim_chan *ch);
void lis_sim_recv_commit(struct lis_sim_chan *ch);
void lis_sim_recv_batch_begin(struct lis_sim_chan *ch);
bool lis_sim_recv_batch_end(struct lis_sim_chan *ch);

int lis_sim_send(struct lis_sim_chan *ch, u16 type, u16 flags, u64 trans_id,
		 const void *buf, u32 len);
int lis_sim_send_back(struct lis_sim_chan *ch);
bool lis_sim_send_wait(struct lis_sim_chan *ch, u32 pkt_len);

#endif /* _LIS_SIM_H */

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host device classes (sim.h): registration, opening and closing a
 * channel's host side, and the packet helpers host devices use.
 *
 * The host's ring views are the mirror image of the guest's: the host
 * reads the guest's outbound ring (the first downstream_offset pages of
 * the ring GPADL) and writes its inbound ring (the rest), with the same
 * ring.c primitives the guest uses.  The guest reset both headers before
 * it opened the channel; the host never resets them.
 */
#include <linux/slab.h>
#include <linux/string.h>

#include "core.h"

/**
 * lis_sim_register_class() - make a device class available
 * @sim: the simulator
 * @cls: the class; must stay valid until the simulator is gone
 * @nr_boot: devices of @cls offered at every connection
 *
 * Context: process, before the provider is registered (or any time: a
 * class registered later is offered from the next connection on).
 * Return: 0 or -ENOMEM.
 */
int lis_sim_register_class(struct lis_sim *sim,
			   const struct lis_sim_dev_class *cls,
			   unsigned int nr_boot)
{
	struct lis_sim_class_reg *reg;

	reg = kzalloc(sizeof(*reg), GFP_KERNEL);
	if (!reg)
		return -ENOMEM;
	reg->cls = cls;
	reg->nr_boot = nr_boot;
	mutex_lock(&sim->lock);
	list_add_tail(&reg->node, &sim->classes);
	mutex_unlock(&sim->lock);
	return 0;
}

/**
 * lis_sim_class_find() - a registered class, by name
 * @sim: the simulator
 * @name: the class's name
 *
 * Context: lis_sim.lock held.
 * Return: the class, or NULL.
 */
const struct lis_sim_dev_class *lis_sim_class_find(struct lis_sim *sim,
						   const char *name)
{
	struct lis_sim_class_reg *reg;

	lockdep_assert_held(&sim->lock);
	list_for_each_entry(reg, &sim->classes, node)
		if (!strcmp(reg->cls->name, name))
			return reg->cls;
	return NULL;
}

/**
 * lis_sim_classes_free() - forget every registered class
 * @sim: the simulator; no channel may be open
 */
void lis_sim_classes_free(struct lis_sim *sim)
{
	struct lis_sim_class_reg *reg, *tmp;

	list_for_each_entry_safe(reg, tmp, &sim->classes, node) {
		list_del(&reg->node);
		kfree(reg);
	}
}

/**
 * lis_sim_chan_open() - set up the host side of an open channel
 * @ch: the channel, offered and closed
 * @ring: its complete, unused ring GPADL
 * @downstream_pages: the guest's outbound ring size, in pages (at least 2,
 *	and at least 2 pages left for the inbound ring)
 *
 * Context: host work, lis_sim.lock held.
 * Return: 0, or the class's or the ring setup's negative errno.
 */
int lis_sim_chan_open(struct lis_sim_chan *ch, struct lis_sim_gpadl *ring,
		      u32 downstream_pages)
{
	u32 out_bytes = downstream_pages << LIS_HV_PAGE_SHIFT;
	u32 in_bytes = (ring->npfns - downstream_pages) << LIS_HV_PAGE_SHIFT;
	int ret;

	/* The guest's outbound ring is the host's inbound one, and back. */
	ret = lis_ring_init(&ch->in, ring->vaddr, out_bytes);
	if (ret)
		return ret;
	ret = lis_ring_init(&ch->out, ring->vaddr + out_bytes, in_bytes);
	if (ret)
		return ret;
	ch->pending_send = false;
	ch->peek_traced = false;
	ch->broken_logged = false;
	ch->priv = NULL;
	if (ch->cls->open) {
		ret = ch->cls->open(ch);
		if (ret)
			return ret;
	}
	ch->ring = ring;
	ring->user = ch;
	WRITE_ONCE(ch->state, LIS_SIM_CHAN_OPEN);
	return 0;
}

/**
 * lis_sim_chan_close() - stop the host side of a channel
 * @ch: the channel; nothing happens unless it is open
 *
 * The channel goes back to "offered"; the class's close runs, and the host
 * does not touch the rings again.  Work already queued finds the channel
 * closed and does nothing.
 *
 * Context: host work, lis_sim.lock held.
 */
void lis_sim_chan_close(struct lis_sim_chan *ch)
{
	if (ch->state != LIS_SIM_CHAN_OPEN)
		return;
	WRITE_ONCE(ch->state, LIS_SIM_CHAN_OFFERED);
	if (ch->cls->close)
		ch->cls->close(ch);
	ch->priv = NULL;
	ch->ring->user = NULL;
	ch->ring = NULL;
}

/**
 * lis_sim_chan_work() - a channel's host work: run its class
 * @work: lis_sim_chan.work
 */
void lis_sim_chan_work(struct work_struct *work)
{
	struct lis_sim_chan *ch = container_of(to_delayed_work(work),
					       struct lis_sim_chan, work);
	struct lis_sim *sim = ch->sim;

	mutex_lock(&sim->lock);
	if (ch->state == LIS_SIM_CHAN_OPEN && ch->cls->packet_work)
		ch->cls->packet_work(ch);
	mutex_unlock(&sim->lock);
}

/**
 * lis_sim_chan_corrupt() - corrupt a host-written ring index, once
 * @ch: an open channel
 * @kind: LIS_SIM_FAULT_CORRUPT_WRITE_INDEX (the guest's inbound ring; the
 *	guest is signalled so that it looks) or
 *	LIS_SIM_FAULT_CORRUPT_READ_INDEX (its outbound ring; the guest sees
 *	it at its next send)
 *
 * The index is set just past the data area, which the guest must
 * reject.  The host's own view of that ring breaks too: the channel is
 * dead either way.
 *
 * Context: host work, lis_sim.lock held.
 */
void lis_sim_chan_corrupt(struct lis_sim_chan *ch, int kind)
{
	if (kind == LIS_SIM_FAULT_CORRUPT_WRITE_INDEX) {
		pr_info("fault: corrupting write_index of relid %u's inbound ring\n",
			ch->relid);
		WRITE_ONCE(ch->out.hdr->write_index, ch->out.size + 8);
		lis_sim_signal_guest(ch->sim, ch->target_cpu, ch->relid);
	} else if (kind == LIS_SIM_FAULT_CORRUPT_READ_INDEX) {
		pr_info("fault: corrupting read_index of relid %u's outbound ring\n",
			ch->relid);
		WRITE_ONCE(ch->in.hdr->read_index, ch->in.size + 8);
	}
}

/* Report, once, a ring that a bad value broke. */
static void lis_sim_chan_note_broken(struct lis_sim_chan *ch)
{
	struct lis_ring *r = ch->in.broken ? &ch->in : &ch->out;

	if (!r->broken || ch->broken_logged)
		return;
	ch->broken_logged = true;
	pr_warn("relid %u: %s ring broken (bad %s); the host stops using it\n",
		ch->relid, r == &ch->in ? "guest-to-host" : "host-to-guest",
		r->broken_field);
}

/**
 * lis_sim_chan_priv() - a class's private data for a channel
 * @ch: the channel
 *
 * Return: what the class set with lis_sim_chan_set_priv() (NULL before).
 */
void *lis_sim_chan_priv(const struct lis_sim_chan *ch)
{
	return ch->priv;
}

/**
 * lis_sim_chan_set_priv() - set a class's private data for a channel
 * @ch: the channel
 * @priv: the data; cleared when the channel closes
 */
void lis_sim_chan_set_priv(struct lis_sim_chan *ch, void *priv)
{
	ch->priv = priv;
}

/**
 * lis_sim_chan_relid() - a channel's relid, for messages
 * @ch: the channel
 *
 * Return: the relid.
 */
u32 lis_sim_chan_relid(const struct lis_sim_chan *ch)
{
	return ch->relid;
}

/**
 * lis_sim_chan_max_packet() - size of a buffer that holds any guest packet
 * @ch: an open channel
 *
 * Return: the size of the guest's outbound ring data area; no packet the
 * guest can write is longer.
 */
u32 lis_sim_chan_max_packet(const struct lis_sim_chan *ch)
{
	return ch->in.size;
}

/**
 * lis_sim_chan_kick() - run the class's packet_work again
 * @ch: an open channel
 * @delay: in jiffies; 0 runs it as soon as the host is free
 *
 * For classes that act on their own (timers, continuing a long batch).
 * A pending earlier run is not postponed.
 *
 * Context: any.
 */
void lis_sim_chan_kick(struct lis_sim_chan *ch, unsigned long delay)
{
	if (delay)
		queue_delayed_work(ch->sim->wq, &ch->work, delay);
	else
		mod_delayed_work(ch->sim->wq, &ch->work, 0);
}

/*
 * The peeked packet of @in from byte @from on (0: its descriptor), as the
 * two pieces of the ring's data area it lies in (the second one empty
 * unless it wraps).  lis_ring_peek() checked that it lies within
 * published data.
 */
static void lis_sim_peeked_vec(const struct lis_ring *in, u32 from,
			       struct lis_kvec vec[2])
{
	u32 pos = in->priv_read_index + from;
	u32 rest = in->pkt_len - from;
	u32 first;

	if (pos >= in->size)
		pos -= in->size;
	first = min(rest, in->size - pos);
	vec[0].base = in->data + pos;
	vec[0].len = first;
	vec[1].base = in->data;
	vec[1].len = rest - first;
}

/**
 * lis_sim_recv_peek() - look at the guest's next packet
 * @ch: an open channel
 * @desc: receives the checked descriptor
 *
 * Context: the class's callbacks.
 * Return: as lis_ring_peek(): 0, -EAGAIN if there is none, -EIO if the
 * ring is broken (logged once).
 */
int lis_sim_recv_peek(struct lis_sim_chan *ch, struct lis_vmpacket_desc *desc)
{
	struct lis_kvec vec[2];
	int ret = lis_ring_peek(&ch->in, desc);

	if (ret == -EIO)
		lis_sim_chan_note_broken(ch);
	if (ret)
		return ret;
	ch->peeked = *desc;
	if (ch->peek_traced)
		return 0;
	/* Recorded once, when the host first sees it. */
	ch->peek_traced = true;
	lis_sim_peeked_vec(&ch->in, 0, vec);
	lis_sim_trace_pkt(ch->sim, LIS_SIM_G2H, ch->relid, desc, vec,
			  ARRAY_SIZE(vec), LIS_SIM_NOTE_NONE);
	return 0;
}

/**
 * lis_sim_recv_copy() - copy bytes of the peeked packet
 * @ch: an open channel
 * @offset: from the start of the packet (the descriptor is at 0)
 * @buf: destination
 * @len: bytes
 *
 * The guest may change the bytes at any time: check what was copied.
 *
 * Context: the class's callbacks.
 * Return: as lis_ring_copy_packet().
 */
int lis_sim_recv_copy(struct lis_sim_chan *ch, u32 offset, void *buf, u32 len)
{
	return lis_ring_copy_packet(&ch->in, offset, buf, len);
}

/**
 * lis_sim_recv_skip() - consume the peeked packet
 * @ch: an open channel
 *
 * The space returns to the guest at lis_sim_recv_commit().
 *
 * Context: the class's callbacks.
 */
void lis_sim_recv_skip(struct lis_sim_chan *ch)
{
	lis_ring_skip(&ch->in);
	ch->peek_traced = false;
}

/**
 * lis_sim_recv_commit() - give consumed space back to the guest
 * @ch: an open channel
 *
 * Signals the guest if it was waiting for that much room.
 *
 * Context: the class's callbacks.
 */
void lis_sim_recv_commit(struct lis_sim_chan *ch)
{
	bool signal;

	lis_ring_commit_read(&ch->in, &signal);
	if (signal)
		lis_sim_signal_guest(ch->sim, ch->target_cpu, ch->relid);
}

/**
 * lis_sim_recv_batch_begin() - start a batch: the guest stops signalling
 * @ch: an open channel
 *
 * Context: the class's callbacks.
 */
void lis_sim_recv_batch_begin(struct lis_sim_chan *ch)
{
	lis_ring_mask_interrupts(&ch->in);
}

/**
 * lis_sim_recv_batch_end() - end a batch: the guest may signal again
 * @ch: an open channel
 *
 * Context: the class's callbacks.
 * Return: true if packets arrived meanwhile: drain again (and call this
 * again); false if the ring is empty or broken.
 */
bool lis_sim_recv_batch_end(struct lis_sim_chan *ch)
{
	bool more = lis_ring_unmask_interrupts(&ch->in);

	if (!more)
		lis_sim_chan_note_broken(ch);
	return more;
}

/*
 * After a packet was written (@ret 0): clear our pending_send_sz request,
 * trace the packet (@desc as meant, @vec/@nvec the bytes written, @note)
 * and signal the guest if the ring rules say so.  On failure only report a
 * broken ring.
 */
static int lis_sim_sent(struct lis_sim_chan *ch, int ret,
			const struct lis_vmpacket_desc *desc,
			const struct lis_kvec *vec, unsigned int nvec, int note,
			bool signal)
{
	if (ret) {
		if (ret == -EIO)
			lis_sim_chan_note_broken(ch);
		return ret;
	}
	if (ch->pending_send) {
		lis_ring_set_pending_send(&ch->out, 0);
		ch->pending_send = false;
	}
	lis_sim_trace_pkt(ch->sim, LIS_SIM_H2G, ch->relid, desc, vec, nvec,
			  note);
	if (signal)
		lis_sim_signal_guest(ch->sim, ch->target_cpu, ch->relid);
	return 0;
}

/*
 * An armed descriptor fault, or chaos mode's (@chaos): write @desc, then
 * the @nbody (at most 2) pieces of @body, with the data offset past the
 * packet's end.  Returns -ENOENT, writing nothing, if there is no such
 * fault for @ch.
 */
static int lis_sim_write_corrupt(struct lis_sim_chan *ch,
				 const struct lis_vmpacket_desc *desc,
				 const struct lis_kvec *body,
				 unsigned int nbody, bool chaos)
{
	struct lis_sim *sim = ch->sim;
	struct lis_vmpacket_desc bad = *desc;
	struct lis_kvec vec[3] = { { .base = &bad, .len = sizeof(bad) } };
	bool signal;
	int ret;

	if (!chaos && !lis_sim_fault_chan_armed(sim, ch->relid,
						LIS_SIM_FAULT_CORRUPT_DESC))
		return -ENOENT;
	if (WARN_ON_ONCE(nbody > ARRAY_SIZE(vec) - 1))
		return -EINVAL;
	memcpy(&vec[1], body, nbody * sizeof(*body));
	bad.offset8 = bad.len8 + 1;
	ret = lis_ring_write(&ch->out, vec, nbody + 1, &signal);
	if (!ret) {
		if (!chaos)
			lis_sim_fault_take_chan(sim, ch->relid,
						LIS_SIM_FAULT_CORRUPT_DESC);
		pr_info("fault: corrupted a packet descriptor on relid %u\n",
			ch->relid);
	}
	return lis_sim_sent(ch, ret, desc, vec, nbody + 1,
			    LIS_SIM_NOTE_CORRUPT, signal);
}

/*
 * An armed payload fault: write @desc, then the @nbody pieces of @body
 * (@len bytes in all) with the data byte the fault names flipped, as a
 * host that garbles a packet's data would.  Returns -ENOENT, writing
 * nothing, if there is no such fault for @ch or the packet is too short
 * for it (it stays armed for a longer one).  Context: sim->lock held (a
 * class's packet_work), may sleep.
 */
static int lis_sim_write_flipped(struct lis_sim_chan *ch,
				 const struct lis_vmpacket_desc *desc,
				 const struct lis_kvec *body,
				 unsigned int nbody, u32 len)
{
	struct lis_sim *sim = ch->sim;
	struct lis_kvec vec[2] = { { .base = desc, .len = sizeof(*desc) } };
	unsigned int i;
	bool signal;
	int offset, ret;
	u8 *data, *p;

	offset = lis_sim_fault_chan_arg(sim, ch->relid,
					LIS_SIM_FAULT_CORRUPT_PAYLOAD);
	if (offset < 0 || offset >= len)
		return -ENOENT;
	data = kvmalloc(len, GFP_KERNEL);
	if (!data)
		return -ENOENT;	/* stays armed: the next packet tries again */
	for (p = data, i = 0; i < nbody; p += body[i].len, i++)
		memcpy(p, body[i].base, body[i].len);
	data[offset] ^= 0xff;
	vec[1].base = data;
	vec[1].len = len;
	ret = lis_ring_write(&ch->out, vec, ARRAY_SIZE(vec), &signal);
	if (!ret) {
		lis_sim_fault_take_chan(sim, ch->relid,
					LIS_SIM_FAULT_CORRUPT_PAYLOAD);
		pr_info("fault: flipped data byte %d of a packet on relid %u\n",
			offset, ch->relid);
	}
	ret = lis_sim_sent(ch, ret, desc, vec, ARRAY_SIZE(vec),
			   LIS_SIM_NOTE_CORRUPT, signal);
	kvfree(data);
	return ret;
}

/* Chaos mode's index fault, once the packet (@ret 0) is in the ring. */
static void lis_sim_chaos_index(struct lis_sim_chan *ch, int ret, int fault)
{
	if (!ret && (fault == LIS_SIM_FAULT_CORRUPT_WRITE_INDEX ||
		     fault == LIS_SIM_FAULT_CORRUPT_READ_INDEX))
		lis_sim_chan_corrupt(ch, fault);
}

/**
 * lis_sim_send() - send a packet to the guest
 * @ch: an open channel
 * @type: packet type (LIS_VMPKT_*)
 * @flags: packet flags
 * @trans_id: transaction id
 * @buf: payload
 * @len: payload bytes
 *
 * Writes an in-band packet with lis_ring_write_inband_vec(), the guest's
 * own primitive, and signals the guest if the ring rules say so.
 *
 * Context: the class's callbacks.
 * Return: 0; -EAGAIN if the guest's inbound ring is full now (see
 * lis_sim_send_wait()); -EINVAL if the packet can never fit; -EIO if the
 * ring is broken.
 */
int lis_sim_send(struct lis_sim_chan *ch, u16 type, u16 flags, u64 trans_id,
		 const void *buf, u32 len)
{
	struct lis_vmpacket_desc desc;
	const struct lis_kvec vec[2] = {
		{ .base = &desc, .len = sizeof(desc) },
		{ .base = buf, .len = len },
	};
	bool signal;
	int fault;
	int ret;

	ret = lis_ring_inband_desc(&desc, type, flags, trans_id, len);
	if (ret)
		return ret;
	fault = lis_sim_fault_packet(ch->sim, ch->relid);
	ret = lis_sim_write_corrupt(ch, &desc, &vec[1], 1,
				    fault == LIS_SIM_FAULT_CORRUPT_DESC);
	if (ret != -ENOENT)
		return ret;
	ret = lis_ring_write_inband_vec(&ch->out, &vec[1], 1, type, flags,
					trans_id, &desc, &signal);
	ret = lis_sim_sent(ch, ret, &desc, vec, ARRAY_SIZE(vec),
			   LIS_SIM_NOTE_NONE, signal);
	lis_sim_chaos_index(ch, ret, fault);
	return ret;
}

/**
 * lis_sim_send_back() - return the peeked packet to the guest unchanged
 * @ch: an open channel, with a packet peeked
 *
 * Writes the packet's checked descriptor and then its bytes straight from
 * the guest's outbound ring into its inbound ring: no intermediate copy.
 * The guest may change those bytes meanwhile; it gets back what was there.
 * The packet stays peeked: lis_sim_recv_skip() consumes it.
 *
 * Context: the class's callbacks.
 * Return: as lis_sim_send(); -EINVAL also if no packet is peeked.
 */
int lis_sim_send_back(struct lis_sim_chan *ch)
{
	struct lis_ring *in = &ch->in;
	struct lis_vmpacket_desc desc = ch->peeked;
	struct lis_kvec vec[3] = { { .base = &desc, .len = sizeof(desc) } };
	struct lis_kvec *body = &vec[1];
	bool signal;
	int fault;
	int ret;

	if (!in->pkt_len || in->broken)
		return -EINVAL;
	lis_sim_peeked_vec(in, sizeof(desc), body);
	fault = lis_sim_fault_packet(ch->sim, ch->relid);
	ret = lis_sim_write_corrupt(ch, &desc, body, 2,
				    fault == LIS_SIM_FAULT_CORRUPT_DESC);
	if (ret == -ENOENT)
		ret = lis_sim_write_flipped(ch, &desc, body, 2,
					    in->pkt_len - sizeof(desc));
	if (ret != -ENOENT)
		return ret;
	ret = lis_ring_write(&ch->out, vec, ARRAY_SIZE(vec), &signal);
	ret = lis_sim_sent(ch, ret, &desc, vec, ARRAY_SIZE(vec),
			   LIS_SIM_NOTE_NONE, signal);
	lis_sim_chaos_index(ch, ret, fault);
	return ret;
}

/**
 * lis_sim_send_wait() - ask the guest to signal when a packet fits
 * @ch: an open channel
 * @pkt_len: the packet's length, descriptor included
 *
 * Sets pending_send_sz on the guest's inbound ring; the guest signals the
 * channel (running packet_work) once it has read enough.  The next
 * successful send clears it.
 *
 * Context: the class's callbacks.
 * Return: true if the packet fits now after all (retry the send at once);
 * false if the class should return and wait for packet_work.
 */
bool lis_sim_send_wait(struct lis_sim_chan *ch, u32 pkt_len)
{
	u32 need = ALIGN(pkt_len, 8) + LIS_RING_TRAILER_SIZE;

	lis_ring_set_pending_send(&ch->out, need);
	ch->pending_send = true;
	/* The guest may have made room before it saw the request. */
	return lis_ring_bytes_to_write(&ch->out) > need;
}

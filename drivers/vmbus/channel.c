// SPDX-License-Identifier: GPL-2.0-only
/*
 * The native channel backend: open (rings, GPADL, OPENCHANNEL), close,
 * send and receive on the rings lis_vmbus shares with the host, and the
 * dispatch of the host's signals to drivers' callbacks.  Drivers reach it
 * through the common wrappers of chan_api.c and lis_native_chan_ops.
 */
#include <linux/cpumask.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "core.h"

/**
 * lis_channel_alloc() - a channel for a new offer
 * @vb: the connection
 * @offer: the validated offer (copied)
 *
 * Context: process.
 * Return: the channel, or NULL when out of memory.
 */
struct lis_channel *lis_channel_alloc(struct lis_vmbus *vb,
				      const struct lis_chmsg_offer *offer)
{
	struct lis_channel *ch = kzalloc(sizeof(*ch), GFP_KERNEL);

	if (!ch)
		return NULL;
	lis_channel_init_common(ch, &lis_native_chan_ops, NULL);
	ch->vb = vb;
	ch->offer = *offer;
	ch->relid = offer->child_relid;
	ch->sig_conn_id = offer->connection_id;
	mutex_init(&ch->open_lock);
	spin_lock_init(&ch->out_lock);
	init_completion(&ch->open_done);
	init_completion(&ch->modify_done);
	INIT_WORK(&ch->add_work, lis_bus_add_work);
	INIT_WORK(&ch->remove_work, lis_bus_remove_work);
	return ch;
}

/**
 * lis_vmbus_pick_cpu() - the next CPU to bind a channel to, round-robin
 * @vb: the connection; conn_lock held
 *
 * Context: conn_lock held.
 * Return: a CPU in cpus_ready (CPU 0 if none is).
 */
unsigned int lis_vmbus_pick_cpu(struct lis_vmbus *vb)
{
	unsigned int cpu;

	lockdep_assert_held(&vb->conn_lock);
	cpu = cpumask_next(vb->last_cpu, &vb->cpus_ready);
	if (cpu >= nr_cpu_ids)
		cpu = cpumask_first(&vb->cpus_ready);
	if (cpu >= nr_cpu_ids)
		cpu = 0;
	vb->last_cpu = cpu;
	return cpu;
}

/* Is a channel bound to its target CPU: opening or open on the host? */
static bool lis_channel_bound(struct lis_vmbus *vb, u32 relid)
{
	struct lis_conn_chan *cc = lis_conn_find(vb->conn, relid);

	return cc && !cc->rescinded &&
	       (cc->state == LIS_CHAN_OPENING || cc->state == LIS_CHAN_OPEN);
}

/**
 * lis_vmbus_cpu_leave() - may @cpu go offline?
 * @vb: the connection
 * @cpu: the CPU
 *
 * While connected, CPU 0 receives the host's messages and each open
 * channel's signals arrive on its target CPU: such a CPU stays online
 * (move the channels first through their target_cpu attribute).
 * Otherwise @cpu leaves cpus_ready.
 *
 * Context: process (CPU hotplug).
 * Return: 0 or -EBUSY.
 */
int lis_vmbus_cpu_leave(struct lis_vmbus *vb, unsigned int cpu)
{
	struct lis_conn *c = vb->conn;
	struct lis_channel *ch;
	unsigned int i;
	int ret = 0;

	mutex_lock(&vb->conn_lock);
	if (c->state != LIS_CONN_REQUESTING && c->state != LIS_CONN_READY)
		goto leave;
	if (cpu == 0) {
		pr_warn("CPU 0 receives the VMBus messages: it stays online\n");
		ret = -EBUSY;
		goto unlock;
	}
	for (i = 0; i < ARRAY_SIZE(c->chans); i++) {
		if (!c->chans[i].relid || !lis_channel_bound(vb, c->chans[i].relid))
			continue;
		ch = lis_vmbus_channel(vb, c->chans[i].relid);
		if (ch && ch->target_cpu == cpu) {
			pr_warn("CPU %u serves VMBus channel %u: it stays online (write another CPU to the channel's target_cpu first)\n",
				cpu, ch->relid);
			ret = -EBUSY;
			goto unlock;
		}
	}
leave:
	cpumask_clear_cpu(cpu, &vb->cpus_ready);
unlock:
	mutex_unlock(&vb->conn_lock);
	return ret;
}

/**
 * lis_channel_set_cpu() - bind a channel to another CPU
 * @ch: the channel
 * @cpu: the new target CPU
 *
 * A closed channel uses @cpu from its next open on.  An open one is moved
 * with MODIFYCHANNEL (VMBus 4.1 and later); from 5.3 on the host answers,
 * and the move counts only if it agreed.  Signals may arrive on both CPUs
 * for a while: the callback is serialised by cb_lock.
 *
 * Context: process; sleeps until the host answers (bounded).
 * Return: 0; -EINVAL if @cpu is not online for VMBus; -EOPNOTSUPP if the
 * host's protocol is older than 4.1; -ENODEV if rescinded; -ETIMEDOUT;
 * -EIO if the host refused.
 */
int lis_channel_set_cpu(struct lis_channel *ch, unsigned int cpu)
{
	struct lis_vmbus *vb = ch->vb;
	struct lis_hv_provider *prov;
	bool wait;
	int ret;

	if (cpu >= nr_cpu_ids)
		return -EINVAL;
	mutex_lock(&ch->open_lock);
	mutex_lock(&vb->conn_lock);
	ret = -EINVAL;
	if (!cpumask_test_cpu(cpu, &vb->cpus_ready))
		goto unlock_conn;
	ret = 0;
	if (cpu == ch->target_cpu)
		goto unlock_conn;
	if (!ch->opened) {
		ch->target_cpu = cpu;
		goto unlock_conn;
	}
	prov = vb->prov;
	reinit_completion(&ch->modify_done);
	ch->modify_status = -EIO;
	ret = lis_conn_modify(vb->conn, ch->relid, prov->vp_index(prov, cpu));
	lis_vmbus_run_actions(vb);
	wait = vb->conn->version >= LIS_VMBUS_V5_3;
	/* MODIFYCHANNEL could not be posted: nothing moved. */
	if (!ret && completion_done(&ch->modify_done))
		ret = ch->modify_status;
	if (!ret && !wait)
		ch->target_cpu = cpu;
	mutex_unlock(&vb->conn_lock);
	if (ret || !wait)
		goto unlock;

	if (!wait_for_completion_timeout(&ch->modify_done,
					 LIS_REQUEST_TIMEOUT)) {
		pr_err("channel %u: host did not answer MODIFYCHANNEL\n",
		       ch->relid);
		ret = -ETIMEDOUT;
		goto unlock;
	}
	ret = ch->modify_status;
	if (ret) {
		pr_warn("channel %u: host refused to move it to CPU %u\n",
			ch->relid, cpu);
		goto unlock;
	}
	mutex_lock(&vb->conn_lock);
	ch->target_cpu = cpu;
	mutex_unlock(&vb->conn_lock);
	goto unlock;

unlock_conn:
	mutex_unlock(&vb->conn_lock);
unlock:
	mutex_unlock(&ch->open_lock);
	return ret;
}

/**
 * lis_channel_free() - free a channel that is closed and off the bus
 * @ch: the channel
 */
void lis_channel_free(struct lis_channel *ch)
{
	WARN_ON(ch->opened);
	mutex_destroy(&ch->open_lock);
	lis_channel_destroy_common(ch);
	kfree(ch);
}

/**
 * lis_channel_dispatch() - the host signalled channel @relid
 * @vb: the connection
 * @relid: the channel's id
 *
 * Context: softirq (the SynIC tasklet).
 */
void lis_channel_dispatch(struct lis_vmbus *vb, u32 relid)
{
	struct lis_channel *ch;

	rcu_read_lock();
	ch = lis_vmbus_channel(vb, relid);
	/* Pairs with the release in lis_native_open(). */
	if (ch && smp_load_acquire(&ch->rings_live))
		lis_channel_notify(ch);
	rcu_read_unlock();
}

/* One line per channel, the first time its rings are found corrupt. */
static int lis_channel_broken(struct lis_channel *ch, struct lis_ring *ring)
{
	if (!xchg(&ch->broken_logged, true))
		pr_err_ratelimited("channel %u: host wrote a bad %s in the %s ring; channel marked broken\n",
				   ch->relid, ring->broken_field,
				   ring == &ch->out ? "outbound" : "inbound");
	return -EIO;
}

/**
 * lis_channel_host_fault() - the host broke the protocol on a channel
 * @ch: the channel the offending message named
 * @what: the fault, for the log
 * @msgtype: the offending message's type
 *
 * The channel is broken for good: sends and reads fail with -EIO, and
 * lis_channel_is_broken() says so.  The rest of the bus carries on.  One
 * log line per channel.
 *
 * Context: process, conn_lock held.
 */
void lis_channel_host_fault(struct lis_channel *ch, const char *what,
			    u32 msgtype)
{
	WRITE_ONCE(ch->host_fault, true);
	if (!xchg(&ch->broken_logged, true))
		pr_err_ratelimited("channel %u: host protocol error: %s (message %s); channel marked broken\n",
				   ch->relid, what, lis_chmsg_name(msgtype));
}

/* Signal the host; true if it was (the common wrapper counts it). */
static bool lis_channel_signal(struct lis_channel *ch)
{
	struct lis_hv_provider *prov = READ_ONCE(ch->vb->prov);

	if (!prov)
		return false;
	prov->signal_event(prov, ch->sig_conn_id);
	return true;
}

/* Later sends and reads find no ring rather than freed (or leaked) memory. */
static void lis_channel_forget_rings(struct lis_channel *ch)
{
	spin_lock_irq(&ch->out_lock);
	memset(&ch->out, 0, sizeof(ch->out));
	memset(&ch->in, 0, sizeof(ch->in));
	spin_unlock_irq(&ch->out_lock);
	ch->ring_mem = NULL;
}

static void lis_channel_release_rings(struct lis_channel *ch)
{
	int ret;

	ret = lis_gpadl_teardown(ch->vb, ch->gpadl);
	if (ret) {
		/* The host may still write to the rings: never free them. */
		pr_err("channel %u: GPADL %u not torn down (%d); leaking %u bytes\n",
		       ch->relid, ch->gpadl, ret, ch->ring_bytes);
	} else {
		vfree(ch->ring_mem);
	}
	lis_channel_forget_rings(ch);
	ch->gpadl = 0;
}

static int lis_channel_check_sizes(u32 out_bytes, u32 in_bytes)
{
	u64 total = (u64)out_bytes + in_bytes;

	if (!PAGE_ALIGNED(out_bytes) || !PAGE_ALIGNED(in_bytes) ||
	    out_bytes < LIS_RING_MIN_BYTES || in_bytes < LIS_RING_MIN_BYTES ||
	    out_bytes > LIS_RING_MAX_BYTES || in_bytes > LIS_RING_MAX_BYTES)
		return -EINVAL;
	if (total > (u64)LIS_GPADL_MAX_PFNS << PAGE_SHIFT)
		return -E2BIG;
	return 0;
}

/*
 * Open: allocate the rings, share them (GPADL), OPENCHANNEL.  The common
 * wrapper has published the callback; the SynIC dispatch runs it once
 * rings_live is set.  Context: process; sleeps until the host answers.
 */
static int lis_native_open(struct lis_channel *ch, u32 out_ring_bytes,
			   u32 in_ring_bytes, const void *user_data,
			   u32 user_len)
{
	struct lis_vmbus *vb = ch->vb;
	struct lis_hv_provider *prov;
	u32 total;
	int ret;

	ret = lis_channel_check_sizes(out_ring_bytes, in_ring_bytes);
	if (ret)
		return ret;
	if (user_len > sizeof(ch->offer.user_def) || (user_len && !user_data))
		return -EINVAL;
	total = out_ring_bytes + in_ring_bytes;

	mutex_lock(&ch->open_lock);
	ret = -EBUSY;
	if (ch->opened)
		goto unlock;
	ret = -ENODEV;
	if (READ_ONCE(ch->rescinded))
		goto unlock;
	ret = -EIO;
	if (READ_ONCE(ch->host_fault))
		goto unlock;

	ret = -ENOMEM;
	ch->ring_mem = vzalloc(total);
	if (!ch->ring_mem)
		goto unlock;
	ch->ring_bytes = total;
	if (lis_ring_init(&ch->out, ch->ring_mem, out_ring_bytes) ||
	    lis_ring_init(&ch->in, ch->ring_mem + out_ring_bytes,
			  in_ring_bytes)) {
		ret = -EINVAL;
		goto free_rings;
	}
	lis_ring_reset_shared(&ch->out);
	lis_ring_reset_shared(&ch->in);
	ch->broken_logged = false;

	ret = lis_gpadl_create(vb, ch->relid, ch->ring_mem, total, &ch->gpadl);
	if (ret == -ETIMEDOUT || ret == -EREMOTEIO)
		goto leak_rings;
	if (ret)
		goto free_rings;

	/* Publish the rings before the callback that reads them. */
	smp_store_release(&ch->rings_live, true);

	reinit_completion(&ch->open_done);
	ch->open_status = -EIO;
	mutex_lock(&vb->conn_lock);
	prov = vb->prov;
	/* Its CPU may have gone offline since it was picked. */
	if (!cpumask_test_cpu(ch->target_cpu, &vb->cpus_ready))
		ch->target_cpu = lis_vmbus_pick_cpu(vb);
	ret = lis_conn_open(vb->conn, ch->relid, ch->gpadl,
			    prov->vp_index(prov, ch->target_cpu),
			    out_ring_bytes >> PAGE_SHIFT, user_data, user_len);
	lis_vmbus_run_actions(vb);
	mutex_unlock(&vb->conn_lock);
	if (ret)
		goto clear_cb;

	if (!wait_for_completion_timeout(&ch->open_done,
					 LIS_REQUEST_TIMEOUT)) {
		/*
		 * A late answer could still open the channel on the host
		 * side: keep the rings shared and give up on the channel.
		 */
		pr_err("channel %u: host did not answer OPENCHANNEL; channel unusable\n",
		       ch->relid);
		ch->out.broken = true;
		ch->out.broken_field = "open timeout";
		ch->in.broken = true;
		ch->in.broken_field = "open timeout";
		WRITE_ONCE(ch->rings_live, false);
		ret = -ETIMEDOUT;
		goto unlock;
	}
	ret = ch->open_status;
	if (ret)
		goto clear_cb;
	ch->opened = true;
	mutex_unlock(&ch->open_lock);
	return 0;

clear_cb:
	WRITE_ONCE(ch->rings_live, false);
	synchronize_rcu();
	lis_channel_release_rings(ch);
	mutex_unlock(&ch->open_lock);
	return ret;
leak_rings:
	/* The host may map the rings whenever it likes: never free them. */
	pr_err("channel %u: GPADL of its rings %s; leaking %u bytes\n",
	       ch->relid, ret == -ETIMEDOUT ? "not answered" : "posted in part",
	       ch->ring_bytes);
	mutex_lock(&vb->conn_lock);
	lis_channel_host_fault(ch, ret == -ETIMEDOUT ?
			       "no answer to the GPADL of its rings" :
			       "the GPADL of its rings was posted in part",
			       LIS_CHMSG_GPADL_HEADER);
	mutex_unlock(&vb->conn_lock);
	lis_channel_forget_rings(ch);
	goto unlock;
free_rings:
	vfree(ch->ring_mem);
	ch->ring_mem = NULL;
unlock:
	mutex_unlock(&ch->open_lock);
	return ret;
}

/*
 * Close and free the rings.  The common wrapper has unpublished the
 * callback and waited for it.  Closing a rescinded channel sends nothing
 * to the host.  Context: process; sleeps until the host confirms.
 */
static void lis_native_close(struct lis_channel *ch)
{
	struct lis_vmbus *vb = ch->vb;
	bool close_failed;

	mutex_lock(&ch->open_lock);
	if (!ch->opened)
		goto unlock;

	WRITE_ONCE(ch->rings_live, false);

	mutex_lock(&vb->conn_lock);
	ch->close_failed = false;
	lis_conn_close(vb->conn, ch->relid);
	lis_vmbus_run_actions(vb);
	close_failed = ch->close_failed;
	/* The host may still use the channel: never open it again. */
	if (close_failed)
		WRITE_ONCE(ch->host_fault, true);
	mutex_unlock(&vb->conn_lock);

	ch->opened = false;
	if (close_failed) {
		/* The host still has the channel open: as Linux, leak. */
		pr_err("channel %u: host not told of the close; leaking %u bytes of rings\n",
		       ch->relid, ch->ring_bytes);
		lis_channel_forget_rings(ch);
		ch->gpadl = 0;
		goto unlock;
	}
	lis_channel_release_rings(ch);
unlock:
	mutex_unlock(&ch->open_lock);
}

/*
 * Send one in-band packet.  Does not wait for room: when the ring is full
 * it asks the host (pending_send_sz) to signal the channel once the packet
 * fits, so the driver's callback runs and it can retry.
 */
static int lis_native_sendv(struct lis_channel *ch, const struct lis_kvec *vec,
			    unsigned int nvec, u64 trans_id, u16 type,
			    u16 flags, struct lis_chan_events *ev)
{
	unsigned long irqflags;
	bool signal = false;
	u32 pkt;
	int ret;

	if (!READ_ONCE(ch->out.hdr))
		return -ENOTCONN;
	if (READ_ONCE(ch->host_fault))
		return -EIO;

	spin_lock_irqsave(&ch->out_lock, irqflags);
	ret = lis_ring_send_inband_vec(&ch->out, vec, nvec, type, flags,
				       trans_id, &pkt, &ev->found_full,
				       &signal);
	spin_unlock_irqrestore(&ch->out_lock, irqflags);

	if (ret == -EIO)
		return lis_channel_broken(ch, &ch->out);
	if (signal)
		ev->signalled = lis_channel_signal(ch);
	return ret;
}

static int lis_native_recv_peek(struct lis_channel *ch,
				struct lis_vmpacket_desc *desc, u32 *pkt_len)
{
	int ret;

	if (!READ_ONCE(ch->in.hdr))
		return -ENOTCONN;
	if (READ_ONCE(ch->host_fault))
		return -EIO;
	ret = lis_ring_peek(&ch->in, desc);
	if (ret == -EIO)
		return lis_channel_broken(ch, &ch->in);
	if (ret)
		return ret;
	*pkt_len = ch->in.pkt_len;
	return 0;
}

static int lis_native_recv_copy(struct lis_channel *ch, u32 offset, void *buf,
				u32 len)
{
	int ret = lis_ring_copy_packet(&ch->in, offset, buf, len);

	return ret == -EIO ? lis_channel_broken(ch, &ch->in) : ret;
}

static void lis_native_recv_skip(struct lis_channel *ch)
{
	lis_ring_skip(&ch->in);
}

static void lis_native_recv_commit(struct lis_channel *ch,
				   struct lis_chan_events *ev)
{
	bool signal = false;

	lis_ring_commit_read(&ch->in, &signal);
	if (signal)
		ev->signalled = lis_channel_signal(ch);
}

/* The in-place iterator's result: a broken ring is logged once. */
static int lis_native_iter_ret(struct lis_channel *ch, int ret)
{
	return ret == -EIO ? lis_channel_broken(ch, &ch->in) : ret;
}

/* The packets where they lie in the ring: lis_ring_iter_first/next/end. */
static int lis_native_recv_first(struct lis_channel *ch, void *bounce,
				 u32 bounce_len, struct lis_ring_pkt *pkt)
{
	if (!READ_ONCE(ch->in.hdr))
		return -ENOTCONN;
	if (READ_ONCE(ch->host_fault))
		return -EIO;
	return lis_native_iter_ret(ch, lis_ring_iter_first(&ch->in, bounce,
							   bounce_len, pkt));
}

static int lis_native_recv_next(struct lis_channel *ch,
				struct lis_ring_pkt *pkt)
{
	if (!READ_ONCE(ch->in.hdr))
		return -ENOTCONN;
	if (READ_ONCE(ch->host_fault))
		return -EIO;
	return lis_native_iter_ret(ch, lis_ring_iter_next(&ch->in, pkt));
}

static void lis_native_recv_end(struct lis_channel *ch,
				struct lis_chan_events *ev)
{
	bool signal = false;

	if (!READ_ONCE(ch->in.hdr))
		return;
	lis_ring_iter_end(&ch->in, &signal);
	if (signal)
		ev->signalled = lis_channel_signal(ch);
}

static void lis_native_batch_begin(struct lis_channel *ch)
{
	lis_ring_mask_interrupts(&ch->in);
}

static bool lis_native_batch_end(struct lis_channel *ch)
{
	return lis_ring_unmask_interrupts(&ch->in);
}

static u32 lis_native_out_free(struct lis_channel *ch)
{
	return lis_ring_bytes_to_write(&ch->out);
}

static u32 lis_native_in_avail(struct lis_channel *ch)
{
	return lis_ring_bytes_to_read(&ch->in);
}

static bool lis_native_is_broken(struct lis_channel *ch)
{
	return READ_ONCE(ch->host_fault) || READ_ONCE(ch->out.broken) ||
	       READ_ONCE(ch->in.broken);
}

static bool lis_native_is_rescinded(struct lis_channel *ch)
{
	return READ_ONCE(ch->rescinded);
}

static u32 lis_native_version(struct lis_channel *ch)
{
	return READ_ONCE(ch->vb->conn->version);
}

static u32 lis_native_relid(struct lis_channel *ch)
{
	return ch->relid;
}

static unsigned int lis_native_target_cpu(struct lis_channel *ch)
{
	return READ_ONCE(ch->target_cpu);
}

const struct lis_channel_ops lis_native_chan_ops = {
	.name = "native",
	.open = lis_native_open,
	.close = lis_native_close,
	.sendv = lis_native_sendv,
	.recv_peek = lis_native_recv_peek,
	.recv_copy = lis_native_recv_copy,
	.recv_skip = lis_native_recv_skip,
	.recv_commit = lis_native_recv_commit,
	.recv_first = lis_native_recv_first,
	.recv_next = lis_native_recv_next,
	.recv_end = lis_native_recv_end,
	.batch_begin = lis_native_batch_begin,
	.batch_end = lis_native_batch_end,
	.out_free = lis_native_out_free,
	.in_avail = lis_native_in_avail,
	.is_broken = lis_native_is_broken,
	.is_rescinded = lis_native_is_rescinded,
	.version = lis_native_version,
	.relid = lis_native_relid,
	.target_cpu = lis_native_target_cpu,
	.set_target_cpu = lis_channel_set_cpu,
};

// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel glue around the connection state machine (conn.c): host messages
 * go in through an ordered workqueue, the actions it queues are carried out
 * here under conn_lock, and tasks that wait for an answer (connect, GPADL,
 * open, unload) sleep on completions with a bound.
 */
#include <linux/delay.h>
#include <linux/io.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include <lis/chan_msg.h>
#include "core.h"

/**
 * struct lis_host_msg - a host message copied out of the SynIC slot
 * @node: in lis_vmbus.msg_list
 * @len: bytes in @data
 * @data: the message
 */
struct lis_host_msg {
	struct list_head node;
	u32 len;
	u8 data[LIS_HV_MSG_PAYLOAD];
};

/**
 * lis_vmbus_queue_msg() - hand one host message to the state machine
 * @vb: the connection
 * @msg: message bytes (copied)
 * @len: length, at most 240
 * @gfp: allocation flags for the copy
 *
 * Context: any.
 * Return: 0, or -ENOMEM (the caller keeps the message and retries).
 */
int lis_vmbus_queue_msg(struct lis_vmbus *vb, const void *msg, u32 len,
			gfp_t gfp)
{
	struct lis_host_msg *m;
	unsigned long flags;

	/* For the crash path, which may find the answer taken already. */
	if (len >= sizeof(u32) && *(const u32 *)msg == LIS_CHMSG_UNLOAD_RESPONSE)
		WRITE_ONCE(vb->unload_seen, true);
	m = kmalloc(sizeof(*m), gfp);
	if (!m)
		return -ENOMEM;
	m->len = min_t(u32, len, sizeof(m->data));
	memcpy(m->data, msg, m->len);

	spin_lock_irqsave(&vb->msg_lock, flags);
	list_add_tail(&m->node, &vb->msg_list);
	spin_unlock_irqrestore(&vb->msg_lock, flags);
	queue_work(vb->msg_wq, &vb->msg_work);
	return 0;
}

static void lis_vmbus_msg_work(struct work_struct *work)
{
	struct lis_vmbus *vb = container_of(work, struct lis_vmbus, msg_work);
	struct lis_host_msg *m;

	for (;;) {
		spin_lock_irq(&vb->msg_lock);
		m = list_first_entry_or_null(&vb->msg_list,
					     struct lis_host_msg, node);
		if (m)
			list_del(&m->node);
		spin_unlock_irq(&vb->msg_lock);
		if (!m)
			return;

		mutex_lock(&vb->conn_lock);
		lis_conn_receive(vb->conn, m->data, m->len);
		lis_vmbus_run_actions(vb);
		mutex_unlock(&vb->conn_lock);
		kfree(m);
	}
}

/**
 * lis_vmbus_post() - post a message to the host, retrying while it is busy
 * @vb: the connection
 * @conn_id: destination connection id
 * @msg: the message
 * @len: its length, at most 240
 *
 * A transient HvPostMessage status (lis_conn_post_errno()) is retried
 * with Linux's doubling back-off, at most LIS_CONN_POST_TRIES times in all
 * (lis_conn_post_delay_us(): about 8.5 s at worst).
 *
 * Context: process; sleeps while the hypervisor is busy.
 * Return: 0; -ENXIO if the hypervisor knows no such connection id for
 * INITIATE_CONTACT (the host predates it: step down, at once); -ENOBUFS
 * if it stayed busy; -EIO for any other status; -ENODEV without a
 * provider.
 */
int lis_vmbus_post(struct lis_vmbus *vb, u32 conn_id, const void *msg,
		   u32 len)
{
	struct lis_hv_provider *prov = vb->prov;
	u32 msgtype = *(const u32 *)msg;
	unsigned int tries;
	u32 status = 0;
	int ret;

	if (!prov)
		return -ENODEV;
	for (tries = 0;; tries++) {
		status = prov->post_msg(prov, conn_id, msg, len);
		ret = lis_conn_post_errno(status, msgtype);
		if (ret != -EAGAIN)
			break;
		if (tries + 1 >= LIS_CONN_POST_TRIES) {
			ret = -ENOBUFS;
			break;
		}
		fsleep(lis_conn_post_delay_us(tries));
	}
	if (ret == -ENXIO)
		pr_info("connection id %u unknown to %s: it predates VMBus %u.%u\n",
			conn_id, prov->name,
			((const struct lis_chmsg_initiate_contact *)msg)->version >> 16,
			((const struct lis_chmsg_initiate_contact *)msg)->version & 0xffff);
	else if (ret)
		pr_err_ratelimited("posting %s to connection %u failed: status %u after %u tries (%d)\n",
				   lis_chmsg_name(msgtype), conn_id, status,
				   tries + 1, ret);
	return ret;
}

static void lis_gpadl_complete(struct lis_vmbus *vb, u32 handle, int status)
{
	struct lis_gpadl_wait *w;

	list_for_each_entry(w, &vb->gpadl_waits, node) {
		if (w->handle == handle) {
			w->status = status;
			complete(&w->done);
			return;
		}
	}
}

static void lis_vmbus_offer(struct lis_vmbus *vb,
			    const struct lis_chmsg_offer *offer)
{
	struct lis_channel *ch;

	ch = lis_channel_alloc(vb, offer);
	if (!ch) {
		pr_err("no memory for channel %u; offer ignored\n",
		       offer->child_relid);
		return;
	}
	ch->target_cpu = lis_vmbus_pick_cpu(vb);
	rcu_assign_pointer(vb->relid_map[ch->relid], ch);
	queue_work(vb->dev_wq, &ch->add_work);
}

static void lis_vmbus_rescind(struct lis_vmbus *vb, u32 relid)
{
	struct lis_channel *ch = lis_vmbus_channel(vb, relid);
	struct lis_gpadl_wait *w;

	/*
	 * The host answers nothing more for a withdrawn channel: a GPADL
	 * being created failed, one being torn down is the host's no more.
	 */
	list_for_each_entry(w, &vb->gpadl_waits, node) {
		if (w->relid == relid && !completion_done(&w->done)) {
			w->status = w->teardown ? 0 : -ENODEV;
			complete(&w->done);
		}
	}
	if (!ch)
		return;
	WRITE_ONCE(ch->rescinded, true);
	if (!ch->dropping) {
		ch->dropping = true;
		queue_work(vb->dev_wq, &ch->remove_work);
	}
}

/**
 * lis_vmbus_run_actions() - carry out what the state machine asked for
 * @vb: the connection; conn_lock held
 *
 * Context: process, conn_lock held.
 */
void lis_vmbus_run_actions(struct lis_vmbus *vb)
{
	struct lis_conn *c = vb->conn;
	struct lis_channel *ch;
	unsigned int i;

	lockdep_assert_held(&vb->conn_lock);
restart:
	for (i = 0; i < c->nact; i++) {
		struct lis_conn_action *a = &c->act[i];
		int ret;

		switch (a->type) {
		case LIS_ACT_POST:
			ret = lis_vmbus_post(vb, a->conn_id, a->msg, a->len);
			if (ret) {
				/* act[0] is now the next action to carry out. */
				lis_conn_post_failed(c, i, ret);
				goto restart;
			}
			break;
		case LIS_ACT_CONNECTED:
			pr_info("connected to %s, VMBus protocol %u.%u\n",
				vb->prov->name, a->version >> 16,
				a->version & 0xffff);
			vb->connect_status = 0;
			complete(&vb->connected);
			break;
		case LIS_ACT_CONNECT_FAILED:
			vb->connect_status = a->status;
			complete(&vb->connected);
			/* REQUESTOFFERS may be what failed: no offers come. */
			complete(&vb->all_offers);
			break;
		case LIS_ACT_OFFER:
			lis_vmbus_offer(vb, &a->offer);
			break;
		case LIS_ACT_ALL_OFFERS:
			complete(&vb->all_offers);
			break;
		case LIS_ACT_RESCIND:
			lis_vmbus_rescind(vb, a->relid);
			break;
		case LIS_ACT_OPEN_RESULT:
			ch = lis_vmbus_channel(vb, a->relid);
			if (ch) {
				ch->open_status = a->status;
				complete(&ch->open_done);
			}
			break;
		case LIS_ACT_GPADL_CREATED:
		case LIS_ACT_GPADL_TORNDOWN:
			lis_gpadl_complete(vb, a->handle, a->status);
			break;
		case LIS_ACT_UNLOADED:
			if (a->status)
				pr_warn("UNLOAD could not be posted (%d): leaving without the host's answer\n",
					a->status);
			complete(&vb->unloaded);
			break;
		case LIS_ACT_POST_FAILED:
			ch = lis_vmbus_channel(vb, a->relid);
			if (ch && a->msgtype == LIS_CHMSG_CLOSECHANNEL)
				ch->close_failed = true;
			break;
		case LIS_ACT_MODIFIED:
			ch = lis_vmbus_channel(vb, a->relid);
			if (ch) {
				ch->modify_status = a->status;
				complete(&ch->modify_done);
			}
			break;
		case LIS_ACT_PROTOCOL_ERROR:
			/* A host that misbehaves on a channel breaks it. */
			ch = lis_vmbus_channel(vb, a->relid);
			if (ch)
				lis_channel_host_fault(ch, a->what, a->msgtype);
			else
				pr_err_ratelimited("host protocol error: %s (message %s, relid %u); ignored\n",
						   a->what,
						   lis_chmsg_name(a->msgtype),
						   a->relid);
			break;
		}
	}
	lis_conn_actions_done(c);
}

/**
 * lis_vmbus_channel() - look a channel up by relid
 * @vb: the connection
 * @relid: the host's channel id
 *
 * Context: conn_lock held, or an RCU read-side section.
 * Return: the channel or NULL.
 */
struct lis_channel *lis_vmbus_channel(struct lis_vmbus *vb, u32 relid)
{
	if (relid == 0 || relid > LIS_MAX_RELID)
		return NULL;
	return rcu_dereference_check(vb->relid_map[relid],
				     lockdep_is_held(&vb->conn_lock));
}

/* Wait for a GPADL answer; on timeout the waiter is unlinked. */
static int lis_gpadl_wait(struct lis_vmbus *vb, struct lis_gpadl_wait *w,
			  const char *what)
{
	long left = wait_for_completion_timeout(&w->done,
						LIS_REQUEST_TIMEOUT);

	mutex_lock(&vb->conn_lock);
	list_del(&w->node);
	mutex_unlock(&vb->conn_lock);
	if (!left) {
		pr_err("host did not answer GPADL %u %s in time\n", w->handle,
		       what);
		return -ETIMEDOUT;
	}
	return w->status;
}

/**
 * lis_gpadl_create() - share guest memory with the host
 * @vb: the connection
 * @relid: the channel the GPADL is for
 * @mem: page-aligned vmalloc'd or kmalloc'd memory
 * @bytes: a multiple of the page size
 * @handle: the new GPADL handle, on success
 *
 * Context: process; sleeps until the host answers (bounded).
 * Return: 0, -E2BIG if too large, -EIO if the host refused, -ETIMEDOUT if
 * it did not answer, -EREMOTEIO if the header was posted but a later part
 * could not be, or another negative errno (e.g. from lis_vmbus_post() when
 * the header could not be posted: nothing reached the host).  After
 * -ETIMEDOUT or -EREMOTEIO the host may map @mem at any time: the caller
 * must never free it.
 */
int lis_gpadl_create(struct lis_vmbus *vb, u32 relid, void *mem, u32 bytes,
		     u32 *handle)
{
	u32 npfns = bytes >> LIS_HV_PAGE_SHIFT;
	struct lis_gpadl_wait w;
	u8 buf[LIS_HV_MSG_PAYLOAD];
	u32 conn_id, i, n, len;
	u64 *pfns;
	int ret;

	BUILD_BUG_ON(PAGE_SIZE != LIS_HV_PAGE_SIZE);
	if (!npfns || !PAGE_ALIGNED(mem) || !PAGE_ALIGNED(bytes))
		return -EINVAL;
	if (npfns > LIS_GPADL_MAX_PFNS)
		return -E2BIG;

	pfns = kvmalloc_array(npfns, sizeof(*pfns), GFP_KERNEL);
	if (!pfns)
		return -ENOMEM;
	for (i = 0; i < npfns; i++) {
		void *p = mem + ((size_t)i << PAGE_SHIFT);

		pfns[i] = is_vmalloc_addr(p) ? vmalloc_to_pfn(p) :
					       page_to_pfn(virt_to_page(p));
	}

	init_completion(&w.done);
	w.status = -EIO;
	w.relid = relid;
	mutex_lock(&vb->conn_lock);
	ret = lis_conn_gpadl_begin(vb->conn, relid, npfns, &w.handle);
	if (ret) {
		mutex_unlock(&vb->conn_lock);
		goto free_pfns;
	}
	list_add_tail(&w.node, &vb->gpadl_waits);
	conn_id = vb->conn->msg_conn_id;
	mutex_unlock(&vb->conn_lock);

	n = lis_gpadl_msg_count(npfns);
	for (i = 0; i < n; i++) {
		len = lis_gpadl_encode(relid, w.handle, pfns, npfns, i, buf);
		ret = lis_vmbus_post(vb, conn_id, buf, len);
		if (ret)
			break;
	}
	if (ret) {
		/*
		 * Fail at once: the host cannot answer a GPADL it did not
		 * get whole.  The state machine frees the handle if the
		 * header never arrived; after a lost body the host holds
		 * the header and @mem must stay shared.
		 */
		mutex_lock(&vb->conn_lock);
		lis_conn_msg_failed(vb->conn, buf, len, ret);
		lis_vmbus_run_actions(vb);
		list_del(&w.node);
		mutex_unlock(&vb->conn_lock);
		if (i)
			ret = -EREMOTEIO;
		goto free_pfns;
	}
	ret = lis_gpadl_wait(vb, &w, "creation");
	if (!ret)
		*handle = w.handle;
free_pfns:
	kvfree(pfns);
	return ret;
}

/**
 * lis_gpadl_teardown() - stop sharing a GPADL's memory
 * @vb: the connection
 * @handle: from lis_gpadl_create()
 *
 * The memory may be freed only when this returns 0: until the host
 * confirms, it may still write to it.
 *
 * Context: process; sleeps until the host answers (bounded).
 * Return: 0, or a negative errno (the memory must then be leaked).
 */
int lis_gpadl_teardown(struct lis_vmbus *vb, u32 handle)
{
	struct lis_gpadl_wait w = {
		.handle = handle, .teardown = true, .status = -EIO,
	};
	struct lis_conn_gpadl *g;
	int ret;

	init_completion(&w.done);
	mutex_lock(&vb->conn_lock);
	g = lis_conn_find_gpadl(vb->conn, handle);
	w.relid = g ? g->relid : 0;
	list_add_tail(&w.node, &vb->gpadl_waits);
	ret = lis_conn_gpadl_teardown(vb->conn, handle);
	if (ret) {
		list_del(&w.node);
		mutex_unlock(&vb->conn_lock);
		return ret;
	}
	lis_vmbus_run_actions(vb);
	mutex_unlock(&vb->conn_lock);
	return lis_gpadl_wait(vb, &w, "teardown");
}

static void lis_contact_pages_free(struct lis_vmbus *vb)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vb->contact_pages); i++) {
		free_page((unsigned long)vb->contact_pages[i]);
		vb->contact_pages[i] = NULL;
	}
}

static int lis_contact_pages_alloc(struct lis_vmbus *vb)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(vb->contact_pages); i++) {
		vb->contact_pages[i] = (void *)get_zeroed_page(GFP_KERNEL);
		if (!vb->contact_pages[i]) {
			lis_contact_pages_free(vb);
			return -ENOMEM;
		}
	}
	return 0;
}

/**
 * lis_vmbus_connect() - negotiate with the host behind a provider
 * @vb: the connection
 * @p: the provider, already started
 *
 * Sends INITIATE_CONTACT (newest version first), then REQUESTOFFERS, and
 * waits until the host has delivered its initial offers.  Devices are added
 * asynchronously on the device workqueue.
 *
 * Context: process; sleeps (bounded).
 * Return: 0, -EPROTONOSUPPORT if no version is common, -ETIMEDOUT, or
 * another negative errno.
 */
int lis_vmbus_connect(struct lis_vmbus *vb, struct lis_hv_provider *p)
{
	struct lis_conn_params params = {};
	int ret;

	ret = lis_contact_pages_alloc(vb);
	if (ret)
		return ret;

	params.target_vcpu = p->vp_index(p, 0);
	params.interrupt_page = virt_to_phys(vb->contact_pages[0]);
	params.monitor_page1 = virt_to_phys(vb->contact_pages[1]);
	params.monitor_page2 = virt_to_phys(vb->contact_pages[2]);
	params.max_version = vb->max_version;

	reinit_completion(&vb->connected);
	reinit_completion(&vb->all_offers);
	reinit_completion(&vb->unloaded);

	mutex_lock(&vb->conn_lock);
	vb->prov = p;
	WRITE_ONCE(vb->atomic_unload_sent, false);
	lis_conn_init(vb->conn, &params);
	ret = lis_conn_connect(vb->conn);
	lis_vmbus_run_actions(vb);
	mutex_unlock(&vb->conn_lock);
	if (ret)
		goto fail;

	if (!wait_for_completion_timeout(&vb->connected,
					 LIS_CONNECT_TIMEOUT)) {
		pr_err("%s did not answer INITIATE_CONTACT\n", p->name);
		ret = -ETIMEDOUT;
		goto fail;
	}
	ret = vb->connect_status;
	if (ret == -EPROTONOSUPPORT) {
		pr_err("%s supports no VMBus version this driver knows (%d)\n",
		       p->name, ret);
		goto fail;
	}
	if (ret) {
		pr_err("connecting to %s failed (%d)\n", p->name, ret);
		goto fail;
	}
	if (!wait_for_completion_timeout(&vb->all_offers,
					 LIS_CONNECT_TIMEOUT))
		pr_warn("%s never sent ALLOFFERS_DELIVERED; going on\n",
			p->name);
	/* REQUESTOFFERS could not be posted. */
	ret = vb->connect_status;
	if (ret) {
		pr_err("asking %s for its offers failed (%d)\n", p->name, ret);
		goto fail;
	}
	return 0;

fail:
	mutex_lock(&vb->conn_lock);
	lis_conn_abort(vb->conn, ret);
	lis_conn_actions_done(vb->conn);
	vb->prov = NULL;
	mutex_unlock(&vb->conn_lock);
	lis_contact_pages_free(vb);
	return ret;
}

/**
 * lis_vmbus_disconnect() - unload the connection
 * @vb: the connection; every device must be gone already
 *
 * Sends UNLOAD and waits (bounded) for UNLOAD_RESPONSE.
 *
 * Context: process; sleeps (bounded).
 */
void lis_vmbus_disconnect(struct lis_vmbus *vb)
{
	mutex_lock(&vb->conn_lock);
	lis_conn_unload(vb->conn);
	lis_vmbus_run_actions(vb);
	mutex_unlock(&vb->conn_lock);

	if (!wait_for_completion_timeout(&vb->unloaded, LIS_UNLOAD_TIMEOUT))
		pr_warn("%s did not answer UNLOAD in %u s\n", vb->prov->name,
			LIS_UNLOAD_TIMEOUT / HZ);
	lis_contact_pages_free(vb);
}

/**
 * lis_vmbus_shutdown_unload() - UNLOAD at reboot, halt or kexec
 * @vb: the connection
 *
 * Like lis_vmbus_disconnect() but with devices still on the bus and a
 * shorter bound: the machine is going down either way.
 *
 * Context: process (the reboot notifier chain); sleeps (bounded).
 */
void lis_vmbus_shutdown_unload(struct lis_vmbus *vb)
{
	int ret;

	mutex_lock(&vb->conn_lock);
	ret = lis_conn_unload(vb->conn);
	lis_vmbus_run_actions(vb);
	mutex_unlock(&vb->conn_lock);
	if (ret)
		return;
	if (wait_for_completion_timeout(&vb->unloaded,
					LIS_SHUTDOWN_UNLOAD_TIMEOUT))
		pr_info("unloaded from %s for shutdown\n", vb->prov->name);
	else
		pr_warn("%s did not answer UNLOAD in %u s; shutting down anyway\n",
			vb->prov->name, LIS_SHUTDOWN_UNLOAD_TIMEOUT / HZ);
}

/* Is the message in @slot UNLOAD_RESPONSE?  Frees the slot either way. */
static bool lis_panic_take_slot(struct lis_hv_provider *prov,
				struct lis_hv_message *slot)
{
	u32 type = READ_ONCE(slot->hdr.type);
	u32 msgtype;

	if (type == LIS_HVMSG_NONE)
		return false;
	/* The host wrote the payload before the type. */
	virt_rmb();
	memcpy(&msgtype, slot->payload, sizeof(msgtype));
	if (type != LIS_HVMSG_CHANNEL ||
	    READ_ONCE(slot->hdr.payload_size) < sizeof(msgtype))
		msgtype = 0;
	WRITE_ONCE(slot->hdr.type, LIS_HVMSG_NONE);
	/* The slot must read as free before EOM asks for the next. */
	virt_mb();
	/* EOM reaches this CPU's SynIC only; other CPUs' slots stay full. */
	if (READ_ONCE(slot->hdr.flags) & LIS_HVMSG_F_PENDING)
		prov->eom(prov);
	return msgtype == LIS_CHMSG_UNLOAD_RESPONSE;
}

/*
 * UNLOAD without locks or sleeping, then poll every online CPU's SINT 2
 * slot for UNLOAD_RESPONSE for at most @max_ms, emptying each slot it
 * looks at (Linux's vmbus_wait_for_unload() does the same).  A CPU still
 * running may take the answer through its own interrupt path first:
 * lis_vmbus_queue_msg() notes it in unload_seen.  Sent once per
 * connection, whoever asks first (panic notifier or crash handler).
 * Return: true if the host answered.
 */
static bool lis_vmbus_atomic_unload(struct lis_vmbus *vb,
				    struct lis_hv_provider *prov,
				    unsigned int max_ms)
{
	struct lis_chmsg_hdr m = { .msgtype = LIS_CHMSG_UNLOAD };
	u32 state = READ_ONCE(vb->conn->state);
	unsigned int ms, cpu;

	if ((state != LIS_CONN_REQUESTING && state != LIS_CONN_READY) ||
	    READ_ONCE(vb->conn->version) < LIS_VMBUS_V3_0)
		return false;
	if (xchg(&vb->atomic_unload_sent, true))
		return false;
	WRITE_ONCE(vb->unload_seen, false);
	if (prov->post_msg(prov, READ_ONCE(vb->conn->msg_conn_id), &m,
			   sizeof(m)))
		return false;
	for (ms = 0; ms < max_ms; ms++) {
		if (READ_ONCE(vb->unload_seen))
			return true;
		for_each_online_cpu(cpu) {
			struct lis_hv_msg_page *page = lis_hv_msg_page(cpu);

			if (lis_panic_take_slot(prov,
						&page->sint[LIS_VMBUS_SINT]))
				return true;
		}
		mdelay(1);
	}
	return READ_ONCE(vb->unload_seen);
}

/**
 * lis_vmbus_panic_unload() - UNLOAD from the panic path
 * @vb: the connection
 *
 * Only for providers whose host runs without this kernel's help
 * (atomic_unload).  Posts UNLOAD without any lock (the CPU that held one
 * may be stopped) and polls every CPU's SINT 2 slot for UNLOAD_RESPONSE,
 * for at most LIS_PANIC_UNLOAD_MS.  Nothing here sleeps.  Does nothing if
 * the crash handler (lis_vmbus_crash_unload()) already said goodbye.
 *
 * Context: panic notifier: atomic, other CPUs stopped.
 */
void lis_vmbus_panic_unload(struct lis_vmbus *vb)
{
	struct lis_hv_provider *prov = READ_ONCE(vb->prov);
	u32 state = READ_ONCE(vb->conn->state);

	if (!prov || !prov->atomic_unload || READ_ONCE(vb->atomic_unload_sent))
		return;
	if (!lis_vmbus_atomic_unload(vb, prov, LIS_PANIC_UNLOAD_MS) &&
	    (state == LIS_CONN_REQUESTING || state == LIS_CONN_READY))
		pr_emerg("host did not answer UNLOAD in %u ms\n",
			 LIS_PANIC_UNLOAD_MS);
}

/**
 * lis_vmbus_crash_unload() - UNLOAD before a crash kernel (kdump) starts
 * @vb: the connection
 * @prov: the attached provider
 *
 * For lis_hv_provider_crash(): as lis_vmbus_panic_unload() (no lock, no
 * sleep, at most LIS_PANIC_UNLOAD_MS of polling), whatever the provider's
 * atomic_unload (its caller knows the host can answer now), and then every
 * online CPU's SINT 2 slot is emptied, so that nothing this kernel was
 * sent blocks the crash kernel's first message.
 *
 * Context: atomic, interrupts off; other CPUs may still run.
 * Return: true if the host answered UNLOAD.
 */
bool lis_vmbus_crash_unload(struct lis_vmbus *vb, struct lis_hv_provider *prov)
{
	unsigned int cpu;
	bool answered;

	answered = lis_vmbus_atomic_unload(vb, prov, LIS_PANIC_UNLOAD_MS);
	for_each_online_cpu(cpu)
		lis_panic_take_slot(prov,
				    &lis_hv_msg_page(cpu)->sint[LIS_VMBUS_SINT]);
	return answered;
}

/**
 * lis_vmbus_conn_init() - set up the connection's locks, lists, workqueues
 * @vb: zeroed connection
 *
 * Return: 0 or -ENOMEM.
 */
int lis_vmbus_conn_init(struct lis_vmbus *vb)
{
	mutex_init(&vb->conn_lock);
	spin_lock_init(&vb->msg_lock);
	INIT_LIST_HEAD(&vb->msg_list);
	INIT_LIST_HEAD(&vb->gpadl_waits);
	INIT_WORK(&vb->msg_work, lis_vmbus_msg_work);
	init_completion(&vb->connected);
	init_completion(&vb->all_offers);
	init_completion(&vb->unloaded);

	vb->conn = kvzalloc(sizeof(*vb->conn), GFP_KERNEL);
	if (!vb->conn)
		return -ENOMEM;
	vb->relid_map = kcalloc(LIS_MAX_RELID + 1, sizeof(*vb->relid_map),
				GFP_KERNEL);
	if (!vb->relid_map)
		goto free_conn;
	vb->msg_wq = alloc_ordered_workqueue("lis_vmbus_msg", 0);
	if (!vb->msg_wq)
		goto free_map;
	vb->dev_wq = alloc_ordered_workqueue("lis_vmbus_dev", 0);
	if (!vb->dev_wq)
		goto destroy_msg_wq;
	return 0;

destroy_msg_wq:
	destroy_workqueue(vb->msg_wq);
free_map:
	kfree(vb->relid_map);
free_conn:
	kvfree(vb->conn);
	return -ENOMEM;
}

/**
 * lis_vmbus_conn_exit() - mirror of lis_vmbus_conn_init()
 * @vb: the connection, with no provider attached
 */
void lis_vmbus_conn_exit(struct lis_vmbus *vb)
{
	destroy_workqueue(vb->dev_wq);
	destroy_workqueue(vb->msg_wq);
	kfree(vb->relid_map);
	kvfree(vb->conn);
}

/* Drop host messages that arrived after the provider stopped. */
void lis_vmbus_flush_msgs(struct lis_vmbus *vb)
{
	struct lis_host_msg *m, *tmp;
	LIST_HEAD(list);

	flush_workqueue(vb->msg_wq);
	spin_lock_irq(&vb->msg_lock);
	list_splice_init(&vb->msg_list, &list);
	spin_unlock_irq(&vb->msg_lock);
	list_for_each_entry_safe(m, tmp, &list, node)
		kfree(m);
}

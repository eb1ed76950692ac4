/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis_vmbus internals shared by its kernel-glue files: the one connection
 * to the host, its channels, and the per-CPU interrupt plumbing.
 */
#ifndef _LIS_VMBUS_CORE_H
#define _LIS_VMBUS_CORE_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/cpumask.h>
#include <linux/interrupt.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include <lis/compat.h>
#include <lis/conn.h>
#include <lis/hv.h>
#include <lis/vmbus.h>
#include <lis/vmbus_backend.h>

/* How long the guest waits for the host's answers. */
#define LIS_CONNECT_TIMEOUT	(30 * HZ)
#define LIS_REQUEST_TIMEOUT	(30 * HZ)
#define LIS_UNLOAD_TIMEOUT	(30 * HZ)
/* At reboot or kexec, and (polling) at panic: long waits help no one. */
#define LIS_SHUTDOWN_UNLOAD_TIMEOUT	(10 * HZ)
#define LIS_PANIC_UNLOAD_MS		5000

/**
 * struct lis_channel_stats - per-channel counters, shown in sysfs
 * @out_packets: packets written to the outbound ring
 * @out_bytes: bytes written (descriptor and padding included)
 * @in_packets: packets read from the inbound ring
 * @in_bytes: bytes read
 * @interrupts: callbacks run for this channel
 * @out_full: sends that found the outbound ring full
 * @signals: times the host was signalled
 *
 * Each counter is atomic on its own and needs no lock: a reader sees
 * each one whole, not the set as of one moment.  They are counted on
 * every packet, in any context, and a lock that masks interrupts there
 * cost as much as the rest of a small packet's send (testing.rst).
 */
struct lis_channel_stats {
	atomic64_t out_packets;
	atomic64_t out_bytes;
	atomic64_t in_packets;
	atomic64_t in_bytes;
	atomic64_t interrupts;
	atomic64_t out_full;
	atomic64_t signals;
};

/**
 * struct lis_channel - one channel, as drivers see it
 * @ops: its backend (lis_native_chan_ops, or a foreign module's)
 * @backend: the foreign backend's state (NULL for native channels, whose
 *	state is the rest of this structure)
 * @state_lock: serialises lis_channel_open() and lis_channel_close();
 *	protects @is_open
 * @is_open: the backend opened the channel and it is not closed yet
 * @device: its device on the bus (NULL until registered)
 * @cb: callback for inbound signals; NULL when closed (RCU-published)
 * @cb_ctx: its argument
 * @cb_lock: held while @cb runs, so that it never runs on two CPUs at
 *	once (after a target CPU change, both CPUs may see a signal)
 * @stats: counters shown in sysfs, counted by the common wrappers
 * @iter_bounce: the bounce buffer of the receive iteration in progress
 *	(lis_channel_recv_begin(); the channel's reader only)
 * @iter_bounce_len: bytes at @iter_bounce
 * @iter_len: bytes of the packet the iteration shows now, consumed by the
 *	next lis_channel_recv_next() (0: none)
 *
 * The native backend's fields (unused by foreign channels):
 *
 * @vb: the connection it belongs to
 * @offer: the host's offer, validated
 * @relid: the host's id for the channel
 * @sig_conn_id: connection id to signal the host with
 * @target_cpu: CPU the host signals for this channel (conn_lock)
 * @open_lock: serialises the native open and close (and CPU moves);
 *	protects @opened, @ring_mem, @ring_bytes and @gpadl
 * @opened: the host accepted OPENCHANNEL and the channel is not closed yet
 * @ring_mem: both rings, outbound first (vmalloc'd, shared with the host)
 * @ring_bytes: size of @ring_mem
 * @gpadl: GPADL handle of @ring_mem
 * @out_lock: serialises writers of @out
 * @out: outbound ring (guest writes)
 * @in: inbound ring (guest reads; callers serialise readers)
 * @rings_live: the rings are shared with the host (GPADL created) and the
 *	SynIC dispatch may run the callback (release/acquire; RCU readers)
 * @modify_done: completed by MODIFYCHANNEL_RESPONSE
 * @modify_status: that response's result
 * @open_done: completed by the OPENCHANNEL result
 * @open_status: that result
 * @rescinded: the host withdrew the channel
 * @host_fault: the host broke the channel protocol for this channel (a
 *	duplicate or unexpected message naming it): it is broken for good
 * @broken_logged: the "marked broken" line was printed
 * @dropping: someone is taking the channel off the bus (conn_lock)
 * @close_failed: CLOSECHANNEL could not be posted: the host still has
 *	the channel open, its rings must never be freed (conn_lock)
 * @add_work: registers @device (on the device workqueue)
 * @remove_work: unregisters it after a rescind
 */
struct lis_channel {
	const struct lis_channel_ops *ops;
	void *backend;
	struct mutex state_lock;
	bool is_open;
	struct lis_device *device;
	lis_channel_cb cb;
	void *cb_ctx;
	spinlock_t cb_lock;
	struct lis_channel_stats stats;
	void *iter_bounce;
	u32 iter_bounce_len;
	u32 iter_len;

	struct lis_vmbus *vb;
	struct lis_chmsg_offer offer;
	u32 relid;
	u32 sig_conn_id;
	unsigned int target_cpu;

	struct mutex open_lock;
	bool opened;
	void *ring_mem;
	u32 ring_bytes;
	u32 gpadl;

	spinlock_t out_lock;
	struct lis_ring out;
	struct lis_ring in;
	bool rings_live;

	struct completion modify_done;
	int modify_status;

	struct completion open_done;
	int open_status;
	bool rescinded;
	bool host_fault;
	bool broken_logged;
	bool dropping;
	bool close_failed;

	struct work_struct add_work;
	struct work_struct remove_work;
};

/**
 * struct lis_gpadl_wait - a task waiting for a GPADL answer
 * @node: in lis_vmbus.gpadl_waits
 * @handle: GPADL handle waited for
 * @relid: channel the GPADL belongs to
 * @teardown: waiting for GPADL_TORNDOWN (else GPADL_CREATED)
 * @done: completed by GPADL_CREATED / GPADL_TORNDOWN
 * @status: the answer
 */
struct lis_gpadl_wait {
	struct list_head node;
	u32 handle;
	u32 relid;
	bool teardown;
	struct completion done;
	int status;
};

/**
 * struct lis_vmbus - the connection to one host
 * @prov: the hypervisor provider; set while attached
 * @max_version: highest VMBus version to offer (0: the newest known);
 *	the max_version module parameter, set before any provider attaches
 * @conn_lock: protects @conn, @gpadl_waits, @relid_map updates, and the
 *	connection results below; held while the state machine's actions run
 * @conn: the connection state machine (pure code, conn.c)
 * @contact_pages: interrupt page and the two monitor pages, zeroed
 * @connected: completed when version negotiation ends (either way)
 * @connect_status: 0 or the failure
 * @all_offers: completed by ALLOFFERS_DELIVERED
 * @unloaded: completed by UNLOAD_RESPONSE
 * @relid_map: channel by relid (RCU readers: the event tasklet)
 * @gpadl_waits: tasks waiting for GPADL answers
 * @msg_lock: protects @msg_list
 * @msg_list: host messages copied out of the SynIC slot, oldest first
 * @msg_work: feeds @msg_list to the state machine
 * @msg_wq: ordered workqueue for @msg_work
 * @dev_wq: ordered workqueue for device add and remove
 * @root: parent device of every lis_vmbus device
 * @atomic_unload_sent: the panic notifier or the crash handler posted
 *	UNLOAD (once per connection; xchg)
 * @unload_seen: an UNLOAD_RESPONSE reached lis_vmbus_queue_msg() (for the
 *	crash path's polling)
 * @cpus_ready: CPUs whose SynIC delivers to us: channel targets are picked
 *	from these (conn_lock)
 * @last_cpu: the CPU the last offer was given, for round-robin (conn_lock)
 */
struct lis_vmbus {
	struct lis_hv_provider *prov;
	u32 max_version;

	struct mutex conn_lock;
	struct lis_conn *conn;
	void *contact_pages[3];
	struct completion connected;
	int connect_status;
	struct completion all_offers;
	struct completion unloaded;

	struct lis_channel __rcu **relid_map;
	struct list_head gpadl_waits;

	spinlock_t msg_lock;
	struct list_head msg_list;
	struct work_struct msg_work;
	struct workqueue_struct *msg_wq;
	struct workqueue_struct *dev_wq;

	struct device *root;

	bool atomic_unload_sent;
	bool unload_seen;

	struct cpumask cpus_ready;
	unsigned int last_cpu;
};

/* hv.c: per-CPU SynIC pages and the interrupt path */
int lis_synic_init(struct lis_vmbus *vb);
void lis_synic_exit(void);
void lis_synic_quiesce(void);

/* connection.c */
int lis_vmbus_conn_init(struct lis_vmbus *vb);
void lis_vmbus_conn_exit(struct lis_vmbus *vb);
void lis_vmbus_flush_msgs(struct lis_vmbus *vb);
int lis_vmbus_connect(struct lis_vmbus *vb, struct lis_hv_provider *p);
void lis_vmbus_disconnect(struct lis_vmbus *vb);
void lis_vmbus_shutdown_unload(struct lis_vmbus *vb);
void lis_vmbus_panic_unload(struct lis_vmbus *vb);
bool lis_vmbus_crash_unload(struct lis_vmbus *vb,
			    struct lis_hv_provider *prov);

/* main.c: for the native provider's kexec handler */
void lis_vmbus_kexec_shutdown(void);
int lis_vmbus_queue_msg(struct lis_vmbus *vb, const void *msg, u32 len,
			gfp_t gfp);
int lis_vmbus_post(struct lis_vmbus *vb, u32 conn_id, const void *msg,
		   u32 len);
void lis_vmbus_run_actions(struct lis_vmbus *vb);
struct lis_channel *lis_vmbus_channel(struct lis_vmbus *vb, u32 relid);
int lis_gpadl_create(struct lis_vmbus *vb, u32 relid, void *mem, u32 bytes,
		     u32 *handle);
int lis_gpadl_teardown(struct lis_vmbus *vb, u32 handle);

/* chan_api.c: what every backend shares */
void lis_channel_init_common(struct lis_channel *ch,
			     const struct lis_channel_ops *ops, void *backend);
void lis_channel_destroy_common(struct lis_channel *ch);

/* channel.c: the native backend */
extern const struct lis_channel_ops lis_native_chan_ops;
unsigned int lis_vmbus_pick_cpu(struct lis_vmbus *vb);
int lis_vmbus_cpu_leave(struct lis_vmbus *vb, unsigned int cpu);
int lis_channel_set_cpu(struct lis_channel *ch, unsigned int cpu);
struct lis_channel *lis_channel_alloc(struct lis_vmbus *vb,
				      const struct lis_chmsg_offer *offer);
void lis_channel_free(struct lis_channel *ch);
void lis_channel_dispatch(struct lis_vmbus *vb, u32 relid);
void lis_channel_host_fault(struct lis_channel *ch, const char *what,
			    u32 msgtype);

/* bus.c */
extern LIS_BUS_CONST struct bus_type lis_bus_type;
int lis_bus_init(struct lis_vmbus *vb);
void lis_bus_exit(struct lis_vmbus *vb);
void lis_bus_add_work(struct work_struct *work);
void lis_bus_remove_work(struct work_struct *work);
void lis_bus_remove_all(struct lis_vmbus *vb);
bool lis_bus_vmbus_registered(void);

/* hyperv.c: the native provider, only on x86_64 with CONFIG_HYPERV */
#if defined(CONFIG_X86_64) && IS_ENABLED(CONFIG_HYPERV)
struct lis_hv_provider *lis_hyperv_provider(void);
const char *lis_hyperv_refusal(void);
#else
static inline struct lis_hv_provider *lis_hyperv_provider(void)
{
	return NULL;
}

static inline const char *lis_hyperv_refusal(void)
{
	return "this build has no native Hyper-V provider";
}
#endif

#endif /* _LIS_VMBUS_CORE_H */

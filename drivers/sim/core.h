/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis_sim internals shared by its files: the one simulator instance, the
 * simulated hypervisor's per-CPU delivery state, the VMBus host's channels
 * and GPADLs, fault injection, the trace and the byte capture.
 *
 * Execution model (Documentation/simulator.rst has the long version):
 *
 * - The guest calls the provider ops (hyp.c) in any context.  They only
 *   queue: a posted message goes to @in_list, a signal queues the
 *   channel's work.  Nothing calls back into the guest synchronously.
 * - All host work runs on @wq, an ordered workqueue, with @lock held:
 *   channel messages (vmbus_host.c), device packet work (device.c and the
 *   classes) and debugfs commands (lis_sim_host_call()).  So the host is
 *   one thread, like a small remote machine, and at most one host work
 *   item runs at a time; debugfs readers take @lock to see a consistent
 *   state.
 * - The host answers through the hypervisor (hyp.c): messages into the
 *   guest's SINT 2 message slot, channel signals into its event flags, and
 *   an interrupt (IPI or irq_work) that runs lis_vmbus_isr() on the target
 *   CPU in hard interrupt context, as real hardware does.
 */
#ifndef _LIS_SIM_CORE_H
#define _LIS_SIM_CORE_H

#include <linux/atomic.h>
#include <linux/irq_work.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/rcupdate.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>

#include <lis/chan_msg.h>
#include <lis/hv.h>
#include <lis/ring.h>
#include "sim.h"

/* Connection id the host hands out for channel messages from 5.0 on. */
#define LIS_SIM_MSG_CONN_ID	0x2000
/* A channel's signal connection id is this plus its relid. */
#define LIS_SIM_CHAN_CONN_BASE	0x10000

/*
 * Guest messages one connection id's queue holds before ->post_msg()
 * answers HV_STATUS_INSUFFICIENT_BUFFERS (Hyper-V's per-port message
 * queue is small and its depth undocumented; a small quota makes bursts,
 * such as a large GPADL's bodies, meet it).
 */
#define LIS_SIM_PORT_QUOTA	16
/* Connection ids a guest may post to: 1, 4 and the handed-out one. */
#define LIS_SIM_PORTS		3
/* Host messages queued for one CPU's slot before new ones are dropped. */
#define LIS_SIM_OUT_MAX		4096

/* Limits the host puts on GPADLs (real hosts cap about 1280 MB). */
#define LIS_SIM_MAX_GPADLS	1024
#define LIS_SIM_MAX_GPADL_PAGES	((1280UL << 20) >> LIS_HV_PAGE_SHIFT)

/* NTSTATUS values the host answers with. */
#define LIS_SIM_STATUS_OK		0
#define LIS_SIM_STATUS_UNSUCCESSFUL	0xc0000001U
#define LIS_SIM_STATUS_INVALID_PARAM	0xc000000dU
#define LIS_SIM_STATUS_NO_RESOURCES	0xc000009aU

#define LIS_SIM_TRACE_LEN	4096
#define LIS_SIM_MAX_CHAN_FAULTS	16

struct lis_sim;
struct lis_vss_host;

/**
 * struct lis_sim_host_info - a host personality (host.c)
 * @name: what host= and debugfs `host` take, e.g. "ws2019"
 * @release: the Windows Server release it stands for
 * @vmbus_version: highest VMBus protocol version its host accepts; from
 *	5.0 on its hypervisor routes connection id 4 too
 * @dm_version: highest Dynamic Memory protocol version it accepts
 * @vss_major: highest VSS integration component major version it offers
 */
struct lis_sim_host_info {
	const char *name;
	const char *release;
	u32 vmbus_version;
	u32 dm_version;
	u16 vss_major;
};

/**
 * struct lis_sim_post_fault - HvPostMessage failures armed by a fault
 * @count: how many of the next posts fail
 * @status: the hypercall status they fail with
 * @msgtype: only posts of this channel message type (if @any is false)
 * @any: every post counts
 *
 * Protected by lis_sim.in_lock.
 */
struct lis_sim_post_fault {
	u32 count;
	u32 status;
	u32 msgtype;
	bool any;
};
/**
 * struct lis_sim_msg - one hypervisor message, queued in either direction
 * @node: in lis_sim.in_list (guest to host) or lis_sim_cpu.queue (host to
 *	guest)
 * @conn_id: guest to host: the connection id it was posted to
 * @len: bytes in @data
 * @data: the message
 */
struct lis_sim_msg {
	struct list_head node;
	u32 conn_id;
	u32 len;
	u8 data[LIS_HV_MSG_PAYLOAD];
};

/**
 * struct lis_sim_cpu - the simulated SynIC of one CPU
 * @sim: back pointer
 * @cpu: the CPU
 * @lock: protects @queue, @queued and @running, and serialises the host's
 *	writes to this CPU's SINT 2 message slot (taken with interrupts off:
 *	->eom() takes it from the guest's tasklet)
 * @queue: host messages waiting for the slot, oldest first
 * @queued: entries in @queue
 * @running: the provider is started: interrupts may be raised
 * @self_irq: raises the interrupt when the host runs on this very CPU
 * @ipi: raises it from another CPU
 */
struct lis_sim_cpu {
	struct lis_sim *sim;
	unsigned int cpu;
	spinlock_t lock;		/* queue, queued, running, the slot */
	struct list_head queue;
	unsigned int queued;
	bool running;
	struct irq_work self_irq;
	call_single_data_t ipi;
};

enum lis_sim_chan_state {
	LIS_SIM_CHAN_PENDING,	/* created, offer not sent yet */
	LIS_SIM_CHAN_OFFERED,	/* offered, closed */
	LIS_SIM_CHAN_OPEN,
	LIS_SIM_CHAN_RESCINDED,	/* RESCIND sent, waiting for RELID_RELEASED */
};

struct lis_sim_gpadl;

/**
 * struct lis_sim_chan - one offered channel, as the host sees it
 * @node: in lis_sim.chans, sorted by relid
 * @sim: the simulator
 * @cls: its device class
 * @relid: the channel's relid
 * @conn_id: connection id the guest signals
 * @instance: instance GUID from the offer
 * @state: enum lis_sim_chan_state; also read without @lock (READ_ONCE) by
 *	->signal_event()
 * @target_cpu: CPU whose event flags the host sets
 * @ring: the open channel's ring GPADL
 * @in: host reader view of the guest's outbound ring
 * @out: host writer view of the guest's inbound ring
 * @peeked: descriptor of the packet lis_sim_recv_peek() returned
 * @peek_traced: @peeked is recorded in the trace (until it is skipped)
 * @pending_send: the host set pending_send_sz on @out
 * @broken_logged: a broken ring was reported
 * @work: runs the class's packet_work
 * @priv: the class's private data
 *
 * Everything but @work is protected by lis_sim.lock.  The channel is freed
 * only after an RCU grace period: ->signal_event() finds it under RCU.
 */
struct lis_sim_chan {
	struct list_head node;
	struct lis_sim *sim;
	const struct lis_sim_dev_class *cls;
	u32 relid;
	u32 conn_id;
	guid_t instance;
	int state;
	unsigned int target_cpu;
	struct lis_sim_gpadl *ring;
	struct lis_ring in;
	struct lis_ring out;
	struct lis_vmpacket_desc peeked;
	bool peek_traced;
	bool pending_send;
	bool broken_logged;
	struct delayed_work work;
	void *priv;
};

/**
 * struct lis_sim_gpadl - a GPADL the guest described to the host
 * @node: in lis_sim.gpadls
 * @handle: guest-chosen handle
 * @relid: channel it was created for
 * @npfns: frames in the GPADL
 * @received: frames received so far (header and bodies)
 * @pages: the frames' pages while assembling; freed once mapped
 * @vaddr: the mapping of all frames, once complete
 * @user: the open channel using it as its ring, if any
 *
 * Protected by lis_sim.lock.
 */
struct lis_sim_gpadl {
	struct list_head node;
	u32 handle;
	u32 relid;
	u32 npfns;
	u32 received;
	struct page **pages;
	void *vaddr;
	struct lis_sim_chan *user;
};

/**
 * struct lis_sim_class_reg - a registered device class
 * @node: in lis_sim.classes
 * @cls: the class
 * @nr_boot: devices of this class offered at every connection
 */
struct lis_sim_class_reg {
	struct list_head node;
	const struct lis_sim_dev_class *cls;
	unsigned int nr_boot;
};

enum lis_sim_chan_fault_kind {
	LIS_SIM_FAULT_NONE,
	LIS_SIM_FAULT_REFUSE_OPEN,
	LIS_SIM_FAULT_CORRUPT_WRITE_INDEX,
	LIS_SIM_FAULT_CORRUPT_READ_INDEX,
	LIS_SIM_FAULT_CORRUPT_DESC,
	LIS_SIM_FAULT_CORRUPT_PAYLOAD,
	LIS_SIM_FAULT_RESCIND_AT,
};

/*
 * The points of the open and close sequences where `rescind-at` makes the
 * host rescind a channel.  "On receipt" steps rescind instead of handling
 * the guest's message (no answer); the others rescind right after the
 * host's answer went out.
 */
enum lis_sim_step {
	LIS_SIM_STEP_GPADL_HEADER,	/* on receipt of GPADL_HEADER */
	LIS_SIM_STEP_GPADL_BODY,	/* on receipt of a GPADL_BODY */
	LIS_SIM_STEP_GPADL_CREATED,	/* after GPADL_CREATED (success) */
	LIS_SIM_STEP_OPEN,		/* on receipt of OPENCHANNEL */
	LIS_SIM_STEP_OPEN_RESULT,	/* after OPENCHANNEL_RESULT (success) */
	LIS_SIM_STEP_CLOSE,		/* after handling CLOSECHANNEL */
	LIS_SIM_STEP_GPADL_TEARDOWN,	/* on receipt of GPADL_TEARDOWN */
	LIS_SIM_STEP_GPADL_TORNDOWN,	/* after GPADL_TORNDOWN */
	LIS_SIM_NR_STEPS
};

/* What chaos mode can do; a bit each in lis_sim_chaos.kinds. */
enum lis_sim_chaos_kind {
	LIS_SIM_CHAOS_DROP,	/* messages: not sent */
	LIS_SIM_CHAOS_DUP,	/* messages: sent twice */
	LIS_SIM_CHAOS_DELAY,	/* messages: sent 1 to 500 ms late */
	LIS_SIM_CHAOS_REORDER,	/* messages: sent after the next one */
	LIS_SIM_CHAOS_INDEX,	/* packets: a ring index corrupted */
	LIS_SIM_CHAOS_DESC,	/* packets: the descriptor corrupted */
	LIS_SIM_CHAOS_NR
};

#define LIS_SIM_CHAOS_MSG_KINDS	(BIT(LIS_SIM_CHAOS_DROP) |		\
				 BIT(LIS_SIM_CHAOS_DUP) |		\
				 BIT(LIS_SIM_CHAOS_DELAY) |		\
				 BIT(LIS_SIM_CHAOS_REORDER))
#define LIS_SIM_CHAOS_PKT_KINDS	(BIT(LIS_SIM_CHAOS_INDEX) |		\
				 BIT(LIS_SIM_CHAOS_DESC))
#define LIS_SIM_CHAOS_ALL	(LIS_SIM_CHAOS_MSG_KINDS |		\
				 LIS_SIM_CHAOS_PKT_KINDS)

/* What lis_sim_fault_msg() tells lis_sim_host_post() to do. */
enum lis_sim_msg_fate {
	LIS_SIM_MSG_SEND,
	LIS_SIM_MSG_DROP,
	LIS_SIM_MSG_DUP,
	LIS_SIM_MSG_DELAY,
	LIS_SIM_MSG_REORDER,
};

/**
 * struct lis_sim_chaos - the random fault mode
 * @on: armed
 * @seed: as given, for `faults` to show
 * @state: the xorshift64* state
 * @permille: chance, per message or packet, of a fault
 * @kinds: enabled faults, a bit per enum lis_sim_chaos_kind
 * @msgs: host messages considered
 * @pkts: host packets considered
 * @done: faults made, per enum lis_sim_chaos_kind
 *
 * Protected by lis_sim.lock.  The counters survive `chaos off` and are
 * reset by the next `chaos <seed> ...`.
 */
struct lis_sim_chaos {
	bool on;
	u64 seed;
	u64 state;
	u32 permille;
	u32 kinds;
	u64 msgs;
	u64 pkts;
	u64 done[LIS_SIM_CHAOS_NR];
};

/**
 * struct lis_sim_faults - armed faults, each fires once
 * @drop: per host message type: how many of the next ones to drop
 * @dup: per host message type: how many of the next ones to send twice
 * @reorder: per host message type: how many of the next ones to hold back
 *	until the host's following message
 * @delay_ms: per host message type: delay the next one by this much
 * @chan: per-channel faults, by relid (kind NONE: slot free)
 * @chan.kind: enum lis_sim_chan_fault_kind
 * @chan.relid: the channel
 * @chan.step: LIS_SIM_FAULT_RESCIND_AT: enum lis_sim_step;
 *	LIS_SIM_FAULT_CORRUPT_PAYLOAD: the data byte to flip
 *
 * Protected by lis_sim.lock.
 */
struct lis_sim_faults {
	u32 drop[LIS_CHMSG_MAX];
	u32 dup[LIS_CHMSG_MAX];
	u32 reorder[LIS_CHMSG_MAX];
	u32 delay_ms[LIS_CHMSG_MAX];
	struct {
		int kind;
		u32 relid;
		int step;
	} chan[LIS_SIM_MAX_CHAN_FAULTS];
};

/**
 * struct lis_sim_held - a host message held back by a reorder fault
 * @valid: a message is held
 * @len: bytes in @msg
 * @msg: the message
 * @work: sends it anyway if no other message follows in time
 *
 * Protected by lis_sim.lock (@work takes it).
 */
struct lis_sim_held {
	bool valid;
	u32 len;
	u8 msg[LIS_HV_MSG_PAYLOAD];
	struct delayed_work work;
};

/**
 * struct lis_sim_trace_ev - one trace record
 * @usec: CLOCK_MONOTONIC time, in microseconds
 * @trans: packets: transaction id
 * @len: bytes (message payload, or packet without its trailer)
 * @relid: packets: the channel
 * @type: message type, or packet type
 * @dir: 0 guest to host, 1 host to guest
 * @pkt: a packet (else a channel message)
 * @note: enum lis_sim_trace_note
 */
struct lis_sim_trace_ev {
	u64 usec;
	u64 trans;
	u32 len;
	u32 relid;
	u32 type;
	u8 dir;
	u8 pkt;
	u8 note;
};

enum lis_sim_trace_dir {
	LIS_SIM_G2H,
	LIS_SIM_H2G,
};

enum lis_sim_trace_note {
	LIS_SIM_NOTE_NONE,
	LIS_SIM_NOTE_DROPPED,	/* a fault dropped it */
	LIS_SIM_NOTE_DELAYED,	/* a fault delayed it; this is the delivery */
	LIS_SIM_NOTE_REFUSED,	/* the hypervisor refused the post */
	LIS_SIM_NOTE_CORRUPT,	/* a fault corrupted its descriptor */
	LIS_SIM_NOTE_DUP,	/* a fault sent it a second time */
	LIS_SIM_NOTE_REORDERED,	/* a fault held it back; this is the delivery */
};

/**
 * struct lis_sim_trace - the last LIS_SIM_TRACE_LEN events
 * @lock: protects @ev, @head and @count (any context: interrupts off)
 * @ev: the ring of records
 * @head: where the next record goes
 * @count: valid records (at most LIS_SIM_TRACE_LEN)
 */
struct lis_sim_trace {
	spinlock_t lock;		/* ev, head, count */
	struct lis_sim_trace_ev *ev;
	unsigned int head;
	unsigned int count;
};

#define LIS_SIM_CAPTURE_BYTES	(2U << 20)
#define LIS_SIM_CAPTURE_MAX_REC	8192

/**
 * struct lis_sim_capture - the byte capture (capture.c)
 * @lock: protects @on, @buf, @used, @records and @dropped; any context,
 *	interrupts off; innermost: taken under lis_sim_cpu.lock and
 *	lis_sim.in_lock
 * @ctl: serialises the debugfs commands and reads: @buf is allocated,
 *	reset or freed only under it, so a reader holding it can copy the
 *	records below @used without @lock
 * @on: recording; also read without @lock (READ_ONCE) as a fast path
 * @buf: LIS_SIM_CAPTURE_BYTES of records, NULL until first switched on
 * @used: bytes of @buf holding records
 * @records: records in @buf
 * @dropped: records not kept since the last "on": the buffer was full
 */
struct lis_sim_capture {
	spinlock_t lock;		/* on, buf, used, records, dropped */
	struct mutex ctl;		/* commands, reads; buf's lifetime */
	bool on;
	u8 *buf;
	size_t used;
	u64 records;
	u64 dropped;
};

/**
 * struct lis_sim - the simulator: a hypervisor and a VMBus host
 * @prov: the provider registered with lis_vmbus
 * @wq: ordered workqueue: the host's one thread
 * @cpus: per-CPU SynIC delivery state
 * @irqs_inflight: interrupts raised by IPI whose handler has not finished
 * @attached: between ->start() and ->stop(); read locklessly
 * @in_lock: protects @in_list, @port_count, @post_fault and the refusal
 *	counters (any context: interrupts off)
 * @in_list: messages the guest posted, oldest first
 * @port_count: entries in @in_list per connection id (lis_sim_port())
 * @post_fault: posts a fault makes fail
 * @refused_quota: posts refused because their queue was full
 * @refused_conn_id: posts refused for a connection id not routed here
 * @refused_fault: posts a fault made fail
 * @in_work: feeds @in_list to the VMBus host
 * @msg_conn_id: connection id handed out in VERSION_RESPONSE (0: none);
 *	written under @lock, read locklessly by ->post_msg()
 * @relid_map: channel by relid; written under @lock, read under RCU by
 *	->signal_event()
 * @delayed_lock: protects @delayed
 * @delayed: host messages a fault holds back (struct lis_sim_delayed)
 * @lock: the host state lock: protects everything below
 * @host: the personality (host.c)
 * @max_version: highest VMBus version the host accepts (the personality's
 *	unless version= or debugfs `version` set another); read
 *	locklessly by ->post_msg()
 * @version: negotiated version, 0 when the guest is not connected
 * @msg_cpu: CPU that receives channel messages
 * @offers_sent: the guest asked for offers: new channels are offered now
 * @booted: the boot devices of this connection were created
 * @next_relid: where the search for a free relid starts
 * @chans: every channel, sorted by relid
 * @gpadls: every GPADL, complete or being assembled
 * @ngpadls: entries in @gpadls
 * @gpadl_pages: frames in @gpadls
 * @classes: registered device classes
 * @faults: armed faults
 * @held: the message a reorder fault holds back
 * @chaos: the random fault mode
 * @trace: the event trace (own lock)
 * @cap: the byte capture (own locks)
 * @debugfs: the debugfs directory
 * @dm: the Dynamic Memory host (dm_host.h); set at init, its state is
 *	protected by @lock
 * @vss: the VSS backup requester (vss_host.c), protected by @lock
 */
struct lis_sim {
	struct lis_hv_provider prov;
	struct workqueue_struct *wq;
	struct lis_sim_cpu __percpu *cpus;
	atomic_t irqs_inflight;
	bool attached;

	spinlock_t in_lock;		/* in_list, port_count, post_fault */
	struct list_head in_list;
	unsigned int port_count[LIS_SIM_PORTS];
	struct lis_sim_post_fault post_fault;
	u64 refused_quota;
	u64 refused_conn_id;
	u64 refused_fault;
	struct work_struct in_work;

	u32 msg_conn_id;
	struct lis_sim_chan __rcu **relid_map;

	spinlock_t delayed_lock;	/* delayed */
	struct list_head delayed;

	struct mutex lock;		/* the host state below */
	const struct lis_sim_host_info *host;
	u32 max_version;
	u32 version;
	unsigned int msg_cpu;
	bool offers_sent;
	bool booted;
	u32 next_relid;
	struct list_head chans;
	struct list_head gpadls;
	unsigned int ngpadls;
	unsigned long gpadl_pages;
	struct list_head classes;
	struct lis_sim_faults faults;
	struct lis_sim_held held;
	struct lis_sim_chaos chaos;

	struct lis_sim_trace trace;
	struct lis_sim_capture cap;
	struct dentry *debugfs;
	struct lis_sim_dm *dm;
	struct lis_vss_host *vss;
};

/* hyp.c: the simulated hypervisor */
int lis_sim_hyp_init(struct lis_sim *sim);
void lis_sim_hyp_exit(struct lis_sim *sim);
void lis_sim_deliver_msg(struct lis_sim *sim, unsigned int cpu,
			 const void *msg, u32 len, int note);
void lis_sim_deliver_later(struct lis_sim *sim, unsigned int cpu,
			   const void *msg, u32 len, unsigned int ms);
void lis_sim_signal_guest(struct lis_sim *sim, unsigned int cpu, u32 relid);
unsigned int lis_sim_vp_to_cpu(u32 vp, const char *what);

/* host.c: host personalities */
const struct lis_sim_host_info *lis_sim_host_find(const char *name);
const char *lis_sim_host_names(void);
void lis_sim_host_set(struct lis_sim *sim,
		      const struct lis_sim_host_info *host);
bool lis_sim_host_routes(struct lis_sim *sim, u32 conn_id);

/* vmbus_host.c: the VMBus host */
int lis_sim_host_init(struct lis_sim *sim,
		      const struct lis_sim_host_info *host, u32 max_version);
void lis_sim_host_exit(struct lis_sim *sim);
void lis_sim_host_receive(struct lis_sim *sim, u32 conn_id, const void *msg,
			  u32 len);
void lis_sim_host_post(struct lis_sim *sim, const void *msg, u32 len);
void lis_sim_host_reset(struct lis_sim *sim);
int lis_sim_host_call(struct lis_sim *sim,
		      int (*fn)(struct lis_sim *sim, void *arg), void *arg);
struct lis_sim_chan *lis_sim_chan_find(struct lis_sim *sim, u32 relid);
int lis_sim_offer(struct lis_sim *sim, const char *class_name);
int lis_sim_rescind(struct lis_sim *sim, u32 relid);
bool lis_sim_rescind_at(struct lis_sim *sim, u32 relid, int step);
void lis_sim_held_flush(struct lis_sim *sim);
void lis_sim_held_cancel(struct lis_sim *sim);
const char *lis_sim_chan_state_name(int state);
int lis_sim_parse_version(const char *s, u32 *version);

/* gpadl.c: GPADL assembly and mapping */
void lis_sim_gpadl_header(struct lis_sim *sim, const void *msg, u32 len);
void lis_sim_gpadl_body(struct lis_sim *sim, const void *msg, u32 len);
void lis_sim_gpadl_teardown(struct lis_sim *sim, const void *msg, u32 len);
struct lis_sim_gpadl *lis_sim_gpadl_find(struct lis_sim *sim, u32 handle);
void lis_sim_gpadl_free_relid(struct lis_sim *sim, u32 relid);
void lis_sim_gpadl_free_all(struct lis_sim *sim);

/* device.c: device classes and the packet helpers */
int lis_sim_chan_open(struct lis_sim_chan *ch, struct lis_sim_gpadl *ring,
		      u32 downstream_pages);
void lis_sim_chan_close(struct lis_sim_chan *ch);
void lis_sim_chan_work(struct work_struct *work);
void lis_sim_chan_corrupt(struct lis_sim_chan *ch, int kind);
const struct lis_sim_dev_class *lis_sim_class_find(struct lis_sim *sim,
						   const char *name);
void lis_sim_classes_free(struct lis_sim *sim);

/* echo.c: the loopback echo device */
int lis_echo_register(struct lis_sim *sim, unsigned int nr_boot);

/* dm.c, dm_ctl.c: the Dynamic Memory host */
struct lis_sim_dm;
int lis_dm_register(struct lis_sim *sim);
void lis_dm_unregister(struct lis_sim *sim);
void lis_dm_debugfs_init(struct lis_sim *sim);
/* vss_host.c: the VSS backup requester */
int lis_vss_host_register(struct lis_sim *sim, unsigned int nr_boot);
void lis_vss_host_exit(struct lis_sim *sim);
extern const struct file_operations lis_vss_host_fops;

/* fault.c: fault injection */
int lis_sim_fault_msg(struct lis_sim *sim, u32 type, unsigned int *ms);
int lis_sim_fault_packet(struct lis_sim *sim, u32 relid);
bool lis_sim_fault_take_rescind(struct lis_sim *sim, u32 relid, int step);
const char *lis_sim_step_name(int step);
bool lis_sim_fault_chan_armed(struct lis_sim *sim, u32 relid, int kind);
bool lis_sim_fault_take_chan(struct lis_sim *sim, u32 relid, int kind);
int lis_sim_fault_chan_arg(struct lis_sim *sim, u32 relid, int kind);
int lis_sim_fault_command(struct lis_sim *sim, char *cmd);
int lis_sim_fault_load(struct lis_sim *sim);
void lis_sim_fault_show(struct lis_sim *sim, struct seq_file *m);

/* trace.c: the event trace */
int lis_sim_trace_init(struct lis_sim_trace *t);
void lis_sim_trace_exit(struct lis_sim_trace *t);
void lis_sim_trace_msg(struct lis_sim *sim, int dir, const void *msg,
		       u32 len, int note);
void lis_sim_trace_pkt(struct lis_sim *sim, int dir, u32 relid,
		       const struct lis_vmpacket_desc *desc,
		       const struct lis_kvec *vec, unsigned int nvec, int note);
void lis_sim_trace_clear(struct lis_sim_trace *t);
extern const struct file_operations lis_sim_trace_fops;

/* capture.c: the byte capture */
int lis_sim_capture_init(struct lis_sim_capture *c);
void lis_sim_capture_exit(struct lis_sim_capture *c);
void lis_sim_capture_add(struct lis_sim *sim, int dir, bool pkt, u32 relid,
			 const struct lis_kvec *vec, unsigned int nvec);
extern const struct file_operations lis_sim_capture_fops;

/* debugfs.c */
void lis_sim_debugfs_init(struct lis_sim *sim);
void lis_sim_debugfs_exit(struct lis_sim *sim);

#endif /* _LIS_SIM_CORE_H */

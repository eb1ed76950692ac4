/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis_vss internals shared by its glue files: the per-device state, the
 * daemon device (cdev.c), the stack of frozen superblocks (freeze.c) and
 * the statistics (stats.c).  Documentation/vss.rst has the whole story.
 *
 * Locking, outermost first:
 *
 *   lis_vss.lock     the transaction (txn, held packet, the daemon's
 *                    request and file, timers' arming, statistics)
 *   lis_vss_frozen.lock
 *                    the stack of frozen superblocks; taken without
 *                    lis_vss.lock held whenever a thaw may take long, so
 *                    that the host's packets keep being answered; never
 *                    held across freeze_super(), which may block until
 *                    another file system is thawed (freeze.c)
 *
 * Nothing here runs in atomic context except the channel callback, which
 * only queues work.
 */
#ifndef _LIS_VSS_GLUE_H
#define _LIS_VSS_GLUE_H

#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/path.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include <lis/vmbus.h>
#include "proto.h"

/* Most file systems one backup may freeze. */
#define LIS_VSS_MAX_FROZEN	256

/* rx and held: a whole packet of LIS_VSS_MAX_PKT data bytes, descriptor too. */
#define LIS_VSS_RX_BYTES	(LIS_VSS_MAX_PKT + sizeof(struct lis_vmpacket_desc))

/**
 * struct lis_vss_frozen_sb - one superblock on the stack
 * @path: the mount it is (being) frozen through; a reference, so the
 *	superblock cannot go away while it is here
 * @freezing: its freeze_super() has not returned yet: only the task
 *	freezing it may remove the entry
 * @abandoned: a thaw of the stack went past it while it was @freezing:
 *	its freezer thaws it as soon as freeze_super() returns
 */
struct lis_vss_frozen_sb {
	struct path path;
	bool freezing;
	bool abandoned;
};

/**
 * struct lis_vss_frozen - what the kernel froze, in order (freeze.c)
 * @lock: protects everything below; never held across freeze_super(),
 *	which may block for as long as a file system it depends on stays
 *	frozen, so that a thaw never waits for a freeze
 * @sb: the stack, bottom first: frozen entries and at most one entry
 *	per task still freezing
 * @nr: entries in @sb, frozen or freezing
 * @nr_frozen: entries whose freeze completed; read locklessly for
 *	statistics
 * @late_thaws: freezes that completed after their backup was abandoned,
 *	and were thawed at once by their freezer
 */
struct lis_vss_frozen {
	struct mutex lock;	/* sb, nr, nr_frozen, late_thaws */
	struct lis_vss_frozen_sb sb[LIS_VSS_MAX_FROZEN];
	unsigned int nr;
	unsigned int nr_frozen;
	u64 late_thaws;
};

/**
 * struct lis_vss_stats - counters, shown in debugfs (stats.c)
 * @requests: host operations received, by operation (the last slot
 *	counts unknown operations)
 * @negotiations: NEGOTIATE messages answered
 * @refused_hosts: negotiations refused (no common version)
 * @malformed: packets that failed validation
 * @failures: operations answered with a failure
 * @busy: FREEZE/THAW refused because another was in flight
 * @timeouts: daemon replies that did not come in time
 * @auto_thaws: times the kernel thawed because the host sent no THAW,
 *	the daemon left, or a request failed or timed out, with
 *	something frozen
 * @frozen_fs: file systems frozen by the last FREEZE
 * @total_frozen: file systems frozen, all time
 * @last_window_ms: last freeze window, first freeze to last thaw
 */
struct lis_vss_stats {
	u64 requests[LIS_VSS_OP_COUNT + 1];
	u64 negotiations;
	u64 refused_hosts;
	u64 malformed;
	u64 failures;
	u64 busy;
	u64 timeouts;
	u64 auto_thaws;
	u64 frozen_fs;
	u64 total_frozen;
	u64 last_window_ms;
};

/**
 * struct lis_vss - one bound VSS device
 * @ref: the device lives until remove and the last daemon file are gone
 * @dev: the lis_vmbus device; NULL once removed
 * @work: reads and answers the host's packets (process context)
 * @reply_timer: the daemon's reply timeout for request @timer_seq
 * @thaw_timer: the host-THAW timeout (module parameter thaw_timeout)
 * @lock: protects everything below but @frozen (see the locking rules at
 *	the top of this file)
 * @txn: the transaction state (txn.c)
 * @rx: receive buffer, LIS_VSS_RX_BYTES: a packet's data (at most
 *	LIS_VSS_MAX_PKT bytes), or a whole wrapping packet as the bounce
 * @held: the packet of the request in flight with the daemon
 * @held_len: its length
 * @held_id: its VMBus transaction id
 * @held_pkt: its decoding
 * @held_start: when it arrived (ktime ns), for the trace
 * @timer_seq: the request @reply_timer runs for
 * @reply_deadline: when (jiffies) @reply_timer is due for @timer_seq
 * @thaw_deadline: when (jiffies) @thaw_timer is due
 * @fw: negotiated framework version (0.0 until negotiated)
 * @srv: negotiated VSS version
 * @gone: the device was removed: every daemon call fails with -ENODEV
 * @file: the daemon's open file, NULL when none
 * @hello: the daemon completed the handshake
 * @req: the request for the daemon
 * @req_ready: @req waits to be read
 * @daemon_wait: woken when @req_ready or @gone changes
 * @freeze_start: when the first file system of this backup was frozen
 * @stats: the counters
 * @misc: /dev/lis_vss
 * @misc_registered: @misc is registered
 * @debugfs: this device's debugfs directory
 * @frozen: the stack of frozen superblocks (own lock)
 */
struct lis_vss {
	struct kref ref;
	struct lis_device *dev;
	struct work_struct work;
	struct delayed_work reply_timer;
	struct delayed_work thaw_timer;

	struct mutex lock;	/* everything below but frozen */
	struct lis_vss_txn txn;
	u8 *rx;
	u8 *held;
	u32 held_len;
	u64 held_id;
	struct lis_vss_pkt held_pkt;
	u64 held_start;
	u64 timer_seq;
	unsigned long reply_deadline;
	unsigned long thaw_deadline;
	struct lis_ic_version fw;
	struct lis_ic_version srv;
	bool gone;
	struct file *file;
	bool hello;
	struct lis_vss_request req;
	bool req_ready;
	wait_queue_head_t daemon_wait;
	u64 freeze_start;
	struct lis_vss_stats stats;
	struct miscdevice misc;
	bool misc_registered;
	struct dentry *debugfs;

	struct lis_vss_frozen frozen;
};

/* main.c */
void lis_vss_put(struct lis_vss *vss);
void lis_vss_get(struct lis_vss *vss);
void lis_vss_do(struct lis_vss *vss, const struct lis_vss_action *act);
unsigned int lis_vss_thaw_all(struct lis_vss *vss, const char *why);

/* cdev.c */
int lis_vss_cdev_register(struct lis_vss *vss);
void lis_vss_cdev_unregister(struct lis_vss *vss);
void lis_vss_cdev_post(struct lis_vss *vss, u32 op, u64 seq, u32 timeout_ms);

/* freeze.c */
void lis_vss_frozen_init(struct lis_vss_frozen *f);
int lis_vss_freeze_fd(struct lis_vss_frozen *f, int fd);
unsigned int lis_vss_thaw_stack(struct lis_vss_frozen *f,
				unsigned int *pending);
unsigned int lis_vss_frozen_count(struct lis_vss_frozen *f);
unsigned int lis_vss_freezing_count(struct lis_vss_frozen *f);
u64 lis_vss_late_thaws(struct lis_vss_frozen *f);

/* stats.c */
void lis_vss_debugfs_module_init(void);
void lis_vss_debugfs_module_exit(void);
void lis_vss_debugfs_init(struct lis_vss *vss);
void lis_vss_debugfs_exit(struct lis_vss *vss);

#endif /* _LIS_VSS_GLUE_H */

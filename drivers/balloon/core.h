/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis_balloon: the per-device state shared by the driver's files.
 *
 *   main.c     probe/remove, negotiation, the receive path, sending
 *   balloon.c  balloon up and down, the set of ballooned pages
 *   hotadd.c   hot-add: regions, blocks, onlining only backed pages
 *   report.c   status reports: the 1 s tick and pressure between ticks
 *   status.c   debugfs status, sysfs counters, power management
 *   dm_msg.c, dm_policy.c   pure message and policy code
 */
#ifndef _LIS_BALLOON_CORE_H
#define _LIS_BALLOON_CORE_H

#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>

#include <lis/vmbus.h>
#include "dm_msg.h"
#include "dm_policy.h"

/* States, numbered as the in-kernel driver's debugfs shows them. */
enum dm_state {
	DM_INITIALIZING = 0,
	DM_INITIALIZED,
	DM_BALLOON_UP,
	DM_BALLOON_DOWN,
	DM_HOT_ADD,
	DM_INIT_ERROR,
};

/* First page frame beyond what this kernel can address. */
#define DM_MAX_PFN		(1ULL << (MAX_PHYSMEM_BITS - PAGE_SHIFT))

/* Order of the large balloon allocations: 2 MiB. */
#define DM_BIG_ORDER		(21 - PAGE_SHIFT)

/**
 * struct dm_stats - counters shown in sysfs
 * @reports: status reports sent
 * @pressure_reports: of which sent early, on memory pressure
 * @balloon_requests: BALLOON_REQUESTs answered
 * @unballoon_requests: UNBALLOON_REQUEST messages handled
 * @unballoon_rejected: ranges refused because they were not ballooned
 * @hot_add_requests: MEM_HOT_ADD_REQUESTs answered
 * @malformed: host messages dropped as malformed
 * @unknown: host messages of unknown type, ignored
 * @queued: BALLOON or HOT_ADD requests that arrived while one of their
 *	kind was being answered (queued, answered in turn)
 */
struct dm_stats {
	atomic64_t reports;
	atomic64_t pressure_reports;
	atomic64_t balloon_requests;
	atomic64_t unballoon_requests;
	atomic64_t unballoon_rejected;
	atomic64_t hot_add_requests;
	atomic64_t malformed;
	atomic64_t unknown;
	atomic64_t queued;
};

/* Requests of one kind that wait while one is answered. */
#define DM_QUEUE_LEN		8

/**
 * struct dm_queue - BALLOON or HOT_ADD requests waiting their turn
 * @msg: the requests, oldest at @head
 * @head: index of the oldest
 * @len: how many wait
 */
struct dm_queue {
	struct lis_dm_msg msg[DM_QUEUE_LEN];
	unsigned int head;
	unsigned int len;
};

/**
 * struct lis_dm - one bound Dynamic Memory device
 * @dev: the lis_vmbus device
 * @ch: its channel
 * @wq: runs every piece of work below; freezable, so nothing runs while
 *	the system sleeps
 * @rx_work: drains the inbound ring (queued by the channel callback)
 * @balloon_work: answers one BALLOON_REQUEST
 * @hot_add_work: answers one MEM_HOT_ADD_REQUEST
 * @report_work: the status report tick
 * @wait: woken by the channel callback (room in the ring, answers)
 * @trans_id: the guest's message counter, one for every message it sends
 * @stopping: remove() has begun; work ends early and sends nothing more
 * @rx_buf: bounce buffer for a message that wraps past the end of the
 *	inbound ring (the others are read in place), rx_work's only
 * @resp: the balloon response being built, balloon_work's only
 * @answer: completed by rx_work when a version or capabilities response
 *	arrives during negotiation
 * @answer_accepted: that response's verdict
 * @answer_type: the response type probe() waits for
 * @lock: protects @state, @version, @balloon_want, @busy_balloon,
 *	@hot_add_msg, @busy_hot_add, @balloon_q, @hot_add_q,
 *	@max_page_count, @unballoon_chain
 * @state: enum dm_state
 * @version: the protocol version the host accepted
 * @balloon_want: pages the pending BALLOON_REQUEST asks for
 * @busy_balloon: a BALLOON_REQUEST is being answered
 * @hot_add_msg: the pending MEM_HOT_ADD_REQUEST
 * @busy_hot_add: a MEM_HOT_ADD_REQUEST is being answered
 * @balloon_q: BALLOON_REQUESTs waiting while one is answered
 * @hot_add_q: MEM_HOT_ADD_REQUESTs waiting while one is answered
 * @max_page_count: from the host's INFO message (0: not sent)
 * @unballoon_chain: pages returned so far in this UNBALLOON chain
 * @ballooned: pfn of each ballooned allocation -> its order (a value
 *	entry); has its own lock
 * @pages_ballooned: pages in @ballooned, in guest pages
 * @hot_add_ok: hot-add is advertised and still possible
 * @ha_registered: the online-page callback and memory notifier are ours
 * @ha_timeout_said: why a block did not come online was said already;
 *	hot_add_work's only
 * @ha_lock: protects @regions and everything in them; taken by the
 *	online-page callback and the memory notifier too
 * @regions: hot-add regions (struct dm_region)
 * @pages_added: hot-added pages the host backed (not whole blocks)
 * @pages_onlined: hot-added pages given to the page allocator
 * @block_pages: memory block size, in guest pages
 * @mem_nb: memory hotplug notifier (block online/offline)
 * @pm_nb: power management notifier (refuses hibernation, see status.c)
 * @last_report: jiffies of the last status report
 * @pressure: reclaim was seen since the last report
 * @stats: counters
 * @debugfs: the device's debugfs files
 */
struct lis_dm {
	struct lis_device *dev;
	struct lis_channel *ch;
	struct workqueue_struct *wq;
	struct work_struct rx_work;
	struct work_struct balloon_work;
	struct work_struct hot_add_work;
	struct delayed_work report_work;
	wait_queue_head_t wait;
	atomic_t trans_id;
	bool stopping;
	u8 *rx_buf;
	struct lis_dm_balloon_response *resp;

	struct completion answer;
	bool answer_accepted;
	u16 answer_type;

	struct mutex lock;
	enum dm_state state;
	u32 version;
	u64 balloon_want;
	bool busy_balloon;
	struct lis_dm_msg hot_add_msg;
	bool busy_hot_add;
	struct dm_queue balloon_q;
	struct dm_queue hot_add_q;
	u64 max_page_count;
	u64 unballoon_chain;

	struct xarray ballooned;
	atomic_long_t pages_ballooned;

	bool hot_add_ok;
	bool ha_registered;
	bool ha_timeout_said;
	spinlock_t ha_lock;
	struct list_head regions;
	atomic_long_t pages_added;
	atomic_long_t pages_onlined;
	unsigned long block_pages;
	struct notifier_block mem_nb;
	struct notifier_block pm_nb;

	unsigned long last_report;
	atomic_t pressure;
	struct dm_stats stats;
	struct dentry *debugfs;
};

/* main.c */
int dm_send(struct lis_dm *dm, void *msg, u32 len);
void dm_set_state(struct lis_dm *dm, enum dm_state state);
void dm_request_done(struct lis_dm *dm, u16 type);
extern bool dm_shrink_total;
extern bool dm_report_lis;
extern unsigned int dm_floor_mb;
extern unsigned int dm_report_delay;
extern unsigned int dm_online_timeout;
extern bool dm_hot_add_param;

/* balloon.c */
void dm_balloon_work(struct work_struct *work);
void dm_unballoon(struct lis_dm *dm, const struct lis_dm_msg *msg);
void dm_balloon_keep_all(struct lis_dm *dm);
void dm_balloon_adopt(struct lis_dm *dm);
void dm_balloon_kept_exit(void);
u64 dm_floor_pages(struct lis_dm *dm);

/* report.c */
void dm_report_work(struct work_struct *work);
int dm_report_start(struct lis_dm *dm);
void dm_report_stop(struct lis_dm *dm);
void dm_report_delay_changed(void);
u64 dm_committed_pages(struct lis_dm *dm);

/* status.c */
void dm_status_init(struct lis_dm *dm);
void dm_status_exit(struct lis_dm *dm);
const char *dm_state_name(enum dm_state state);

/* hotadd.c */
#if IS_ENABLED(CONFIG_MEMORY_HOTPLUG)
int dm_hot_add_init(struct lis_dm *dm);
void dm_hot_add_exit(struct lis_dm *dm);
void dm_hot_add_work(struct work_struct *work);
#else
static inline int dm_hot_add_init(struct lis_dm *dm)
{
	dev_info(&dm->dev->dev, "hot-add disabled: the kernel was built without CONFIG_MEMORY_HOTPLUG\n");
	return -EOPNOTSUPP;
}

static inline void dm_hot_add_exit(struct lis_dm *dm)
{
}

static inline void dm_hot_add_work(struct work_struct *work)
{
}
#endif

/* Guest pages <-> 4 KiB Hyper-V pages: lis_balloon needs 4 KiB pages. */
static_assert(PAGE_SIZE == LIS_HV_PAGE_SIZE);

#endif /* _LIS_BALLOON_CORE_H */

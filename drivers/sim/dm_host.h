/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * lis_sim's Dynamic Memory host: state shared by dm.c (the device class and
 * its protocol), dm_mem.c (the guest memory it hands out and takes back)
 * and dm_ctl.c (module parameters and the debugfs file).
 * Documentation/simulator.rst, "The Dynamic Memory host", is the manual.
 */
#ifndef _LIS_SIM_DM_HOST_H
#define _LIS_SIM_DM_HOST_H

#include <linux/seq_file.h>
#ifdef CONFIG_X86
#include <asm/e820/api.h>
#endif
#include "core.h"
#include "dm_msg.h"
#include "dm_policy.h"

#define LIS_DM_PAGES_PER_MB	(1U << (20 - LIS_HV_PAGE_SHIFT))
/* Most zero bytes the "pad" command adds to a host message. */
#define LIS_DM_PAD_MAX		64

/* Protocol states of the open channel. */
enum lis_dm_state {
	LIS_DM_ST_CLOSED,	/* no channel open */
	LIS_DM_ST_VERSION,	/* waiting for an acceptable VERSION_REQUEST */
	LIS_DM_ST_CAPS,		/* version accepted, waiting for capabilities */
	LIS_DM_ST_INFO,		/* capabilities accepted, INFO not sent yet */
	LIS_DM_ST_READY,	/* balancing */
};

/* Ballooned-page checks: what the host writes into them and verifies. */
enum lis_dm_verify {
	LIS_DM_VERIFY_OFF,	/* nothing: for benchmarks */
	LIS_DM_VERIFY_SAMPLE,	/* three words of every page */
	LIS_DM_VERIFY_FULL,	/* every word of every page */
};

/* Faults on one host-to-guest message type (dm_fault.c). */
enum lis_dm_fault_kind {
	LIS_DM_FAULT_NONE,
	LIS_DM_FAULT_DROP,	/* never sent: the guest waits for it */
	LIS_DM_FAULT_DUP,	/* sent twice */
	LIS_DM_FAULT_DELAY,	/* sent delay_ms later */
};

/**
 * struct lis_dm_fault - a fault armed on the next message of one type
 * @kind: enum lis_dm_fault_kind
 * @type: the DM message type it applies to
 * @count: messages it still applies to (then it disarms itself)
 * @delay_ms: LIS_DM_FAULT_DELAY: how long the message is held
 * @fired: messages it applied to, since the module was loaded
 * @held: LIS_DM_FAULT_DELAY: a held message, LIS_DM_MAX_MSG bytes
 * @held_len: its length (0: none held)
 * @held_at_ns: when it goes out
 * @dup_sent: a request was just sent twice (lis_dm_start() reads it)
 * @pad: bytes added to the size of every host message (zeros), 0-64
 */
struct lis_dm_fault {
	int kind;
	u16 type;
	u32 count;
	u32 delay_ms;
	u64 fired;
	u8 *held;
	u32 held_len;
	u64 held_at_ns;
	bool dup_sent;
	u32 pad;
};

/**
 * struct lis_dm_req - one request to the guest
 * @type: enum lis_dm_action (NONE: no request)
 * @asked: pages asked for
 * @done: pages the guest gave, took back or added so far
 * @start_ns: when it was sent (unballoon: when its first message was
 *	built, so that the host's own bookkeeping is not counted)
 * @answer_ns: when the guest's last answer arrived, before the host
 *	checked it (0: none yet); the request's time ends there
 * @cmd: it came from a debugfs command, not from the balancer
 * @left: unballoon: pages still to put into UNBALLOON_REQUESTs
 * @tx_len: unballoon: a built message waits in the tx buffer
 * @sent_all: unballoon: the last message (more_pages 0) went out
 * @ha_pfn: hot-add: the first page frame asked for
 * @answers: balloon, hot-add: answers still expected (2 when the request
 *	was sent twice)
 */
struct lis_dm_req {
	int type;
	u64 asked;
	u64 done;
	u64 start_ns;
	u64 answer_ns;
	bool cmd;
	u64 left;
	u32 tx_len;
	bool sent_all;
	u64 ha_pfn;
	u32 answers;
};

/**
 * struct lis_dm_last - the last finished request, for the debugfs file
 * @type: enum lis_dm_action
 * @asked: pages asked for
 * @done: pages moved
 * @result: "ok", "partial", "refused", "retry", "timeout" or "error"
 * @us: from request to last answer, in microseconds (the host's checks of
 *	the answer not counted)
 */
struct lis_dm_last {
	int type;
	u64 asked;
	u64 done;
	const char *result;
	u64 us;
};

/**
 * struct lis_sim_dm - the Dynamic Memory host of one simulator
 * @sim: the simulator
 * @ch: the open DM channel, or NULL
 *
 * Settings (module parameters, then debugfs):
 * @max_version: highest DM protocol version accepted
 * @startup: Startup RAM, pages
 * @pol: balancer settings (minimum, maximum, buffer, manual target, ...);
 *	@pol.block comes from the guest's capabilities
 * @info_delay_ms: from the capabilities exchange to INFO and balancing
 * @interval_ms: least time between two requests
 * @timeout_ms: a request unanswered this long is given up
 * @verify: enum lis_dm_verify
 * @region_form: hot-add requests carry the region too (24 bytes)
 * @ha_start: first page frame of the hot-add range
 * @ha_pages: its size (0: no hot-add)
 * @hot_added: pages of it the guest accepted (bits set in @ha_map);
 *	kept across channel sessions (added memory stays in the guest)
 * @ha_map: one bit per page of the range: the guest accepted it
 *	(dm_hotadd.c)
 * @last_ha_pfn: first page frame of the last hot-add request sent
 * @last_ha_pages: its page count
 * @piece: unballoon: most pages in one range (0: no limit)
 * @gap: unballoon: ballooned pages skipped after each range
 * @fault: the armed message fault and the padding (dm_fault.c)
 *
 * Guest memory (dm_mem.c):
 * @map: one bit per page frame below @map_pfns: the page is ballooned
 * @map_pfns: frames @map covers (end of RAM or of the hot-add range)
 * @ballooned: bits set in @map; kept across channel sessions (the host
 *	does not give pages back because the guest's driver went away)
 *
 * The session (reset at every open):
 * @state: enum lis_dm_state
 * @version: the accepted protocol version
 * @caps: the guest's capability bits
 * @guest_min: the guest's own minimum page count
 * @guest_max_pfn: the highest page number the guest can use
 * @ha_stopped: the guest added fewer pages than asked: no more hot-add
 * @info_at_ns: when INFO is due
 * @committed: last report's num_committed
 * @avail: last report's num_avail
 * @demand: @committed less the balloon at that report
 * @view: the balancer's view (streak of shrink reports)
 * @req: the request in flight
 * @next_ns: no new request before this
 * @balloon_after_ns: no balancer balloon request before this (the
 *	back-off after short answers, lis_dm_policy_backoff())
 * @cmd_type: a debugfs command waiting to be sent (NONE: none)
 * @cmd_pages: its page count
 * @cmd_range: a hot_add_range command's pages (0: take the next free)
 * @cmd_region: its region (0: the 16-byte form)
 *
 * Counters (kept across sessions):
 * @reports: status reports received
 * @requests: requests sent
 * @by_type: requests sent, by enum lis_dm_action
 * @hot_add_over_holes: automatic hot-adds sent while pages were ballooned
 *	(the balancer refills holes first: always 0 unless it is broken)
 * @protocol_errors: malformed or unexpected guest messages
 * @violations: pages the guest touched or reported twice while ballooned
 * @answers: answers received, by enum lis_dm_action (a balloon chain
 *	counts once)
 * @kept_on_close: pages ballooned when the last channel closed
 * @dup_due: answers still expected to requests the fault sent twice
 * @dup_at_ns: when the last of them was sent
 * @report_ns: when the last status report arrived
 * @report_last_ms: time between the last two status reports
 * @report_min_ms: least time between two reports since the channel
 *	opened or "reports_reset" (U64_MAX: fewer than two)
 * @report_max_ms: most time between two reports, likewise
 * @last: the last finished request
 * @trans_id: the host's message counter
 * @rx: receive buffer, LIS_DM_MAX_MSG bytes
 * @tx: send buffer, LIS_DM_MAX_MSG bytes
 * @ranges: unballoon: ranges being put together
 *
 * Benchmark limits (dm_mem.c, measured outside the host lock):
 * @raw_alloc_pages: pages of the last raw allocation run
 * @raw_alloc_ns: time to allocate them one by one
 * @raw_free_ns: time to free them
 * @raw_hot_add_mb: MiB of the last raw add_memory() run
 * @raw_hot_add_ns: its time
 * @raw_hot_add_ret: its result
 *
 * Everything is protected by lis_sim.lock (the host lock): the class's
 * callbacks hold it, debugfs takes it.
 */
struct lis_sim_dm {
	struct lis_sim *sim;
	struct lis_sim_chan *ch;

	u32 max_version;
	u64 startup;
	struct lis_dm_policy pol;
	u32 info_delay_ms;
	u32 interval_ms;
	u32 timeout_ms;
	int verify;
	bool region_form;
	u64 ha_start;
	u64 ha_pages;
	u64 hot_added;
	unsigned long *ha_map;
	u64 last_ha_pfn;
	u64 last_ha_pages;
	u32 piece;
	u32 gap;
	struct lis_dm_fault fault;

	unsigned long *map;
	u64 map_pfns;
	u64 ballooned;

	int state;
	u32 version;
	u64 caps;
	u64 guest_min;
	u64 guest_max_pfn;
	bool ha_stopped;
	u64 info_at_ns;
	u64 committed;
	u64 avail;
	u64 demand;
	struct lis_dm_view view;
	struct lis_dm_req req;
	u64 next_ns;
	u64 balloon_after_ns;
	int cmd_type;
	u64 cmd_pages;
	u64 cmd_range;
	u64 cmd_region;

	u64 reports;
	u64 requests;
	u64 by_type[LIS_DM_ACT_HOT_ADD + 1];
	u64 hot_add_over_holes;
	u64 protocol_errors;
	u64 violations;
	u64 answers[LIS_DM_ACT_HOT_ADD + 1];
	u64 kept_on_close;
	u32 dup_due;
	u64 dup_at_ns;
	u64 report_ns;
	u64 report_last_ms;
	u64 report_min_ms;
	u64 report_max_ms;
	struct lis_dm_last last;
	u32 trans_id;
	u8 *rx;
	u8 *tx;
	u64 *ranges;

	u64 raw_alloc_pages;
	u64 raw_alloc_ns;
	u64 raw_free_ns;
	u64 raw_hot_add_mb;
	u64 raw_hot_add_ns;
	int raw_hot_add_ret;
};

/*
 * Is [@start, @end) RAM the kernel booted with (the firmware's map, mem=
 * applied), as opposed to memory hot-added since?  Only x86 can tell;
 * elsewhere all RAM counts as boot RAM.
 */
#ifdef CONFIG_X86
static inline bool lis_dm_boot_ram(u64 start, u64 end)
{
	return e820__mapped_any(start, end, E820_TYPE_RAM);
}
#else
static inline bool lis_dm_boot_ram(u64 start, u64 end)
{
	return true;
}
#endif

/* dm.c */
u64 lis_dm_assigned(const struct lis_sim_dm *dm);
void lis_dm_poke(struct lis_sim_dm *dm);
int lis_dm_bad_unballoon(struct lis_sim_dm *dm, bool shifted);
const char *lis_dm_action_name(int action);
const char *lis_dm_state_name(int state);

/* dm_mem.c */
int lis_dm_mem_init(struct lis_sim_dm *dm);
void lis_dm_mem_exit(struct lis_sim_dm *dm);
u64 lis_dm_mem_block_pages(void);
int lis_dm_mem_check_range(u64 start, u64 size, const char *param);
u64 lis_dm_mem_startup_pages(const struct lis_sim_dm *dm);
u64 lis_dm_mem_added_pages(const struct lis_sim_dm *dm);
bool lis_dm_mem_is_ram(const struct lis_sim_dm *dm, u64 pfn, u64 count);
u64 lis_dm_mem_take(struct lis_sim_dm *dm, u64 pfn, u64 count);
u64 lis_dm_mem_collect(struct lis_sim_dm *dm, u64 want, u64 *ranges,
		       u32 max_ranges, u32 *nr);
int lis_dm_mem_scribble(struct lis_sim_dm *dm);
u64 lis_dm_mem_verify_all(struct lis_sim_dm *dm);
int lis_dm_mem_bad_range(struct lis_sim_dm *dm, bool shifted, u64 *range);
int lis_dm_mem_bench_alloc(struct lis_sim_dm *dm, u64 pages);
int lis_dm_mem_bench_hot_add(struct lis_sim_dm *dm, u64 start, u64 size);

/* dm_hotadd.c */
int lis_dm_ha_init(struct lis_sim_dm *dm);
void lis_dm_ha_exit(struct lis_sim_dm *dm);
u64 lis_dm_ha_room(const struct lis_sim_dm *dm);
u64 lis_dm_ha_next(const struct lis_sim_dm *dm, u64 pages, u64 *pfn);
const char *lis_dm_ha_check_cmd(const struct lis_sim_dm *dm, u64 pfn,
				u64 count, u64 rg_pfn, u64 rg_count);
u64 lis_dm_ha_answered(struct lis_sim_dm *dm,
		       const struct lis_dm_guest_msg *m);
/* dm_fault.c */
int lis_dm_xmit(struct lis_sim_dm *dm, const void *msg, u32 len);
void lis_dm_fault_run(struct lis_sim_dm *dm);
void lis_dm_fault_reset(struct lis_sim_dm *dm);
int lis_dm_fault_set(struct lis_sim_dm *dm, const char *arg);
void lis_dm_fault_show(struct seq_file *m, const struct lis_sim_dm *dm);
int lis_dm_fault_init(struct lis_sim_dm *dm);
void lis_dm_fault_exit(struct lis_sim_dm *dm);

/* dm_ctl.c */
int lis_dm_ctl_init(struct lis_sim_dm *dm, unsigned int *nr_boot);

#endif /* _LIS_SIM_DM_HOST_H */

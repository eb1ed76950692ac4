// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Dynamic Memory host: a lis_sim device class that speaks the host side
 * of Hyper-V's DM protocol to the guest's balloon driver, and a balancer
 * that decides, from the guest's pressure reports, when to hot-add, balloon
 * and unballoon.
 *
 * The sequence, as a Hyper-V host runs it:
 *
 *   guest VERSION_REQUEST      -> VERSION_RESPONSE (accepted if the version
 *                                 is known and not above dm_version)
 *   guest CAPABILITIES_REPORT  -> CAPABILITIES_RESPONSE
 *   (info_delay_ms later)      -> INFO_MESSAGE: maximum page count
 *   guest STATUS_REPORT, about once a second: the demand
 *   then one request at a time: BALLOON_REQUEST (answered by a chain of
 *   BALLOON_RESPONSEs), UNBALLOON_REQUEST chain (answered once), or
 *   MEM_HOT_ADD_REQUEST (answered by MEM_HOT_ADD_RESPONSE).
 *
 * Every guest message is checked (dm_msg.c) before it is used; a malformed
 * or unexpected one is a counted protocol error with one rate-limited log
 * line, and is otherwise ignored.  A request the guest leaves unanswered
 * for timeout_ms is given up.  The pages the guest balloons out are
 * checked in dm_mem.c.
 *
 * Everything here runs as host work with lis_sim.lock held (sim.h).
 */
#include <linux/jiffies.h>
#include <linux/ktime.h>
#include <linux/slab.h>

#include "dm_host.h"

/* A guest that asks to try again later gets this much time. */
#define LIS_DM_RETRY_MS		5000
/* The host looks at its timers at least this often while it waits. */
#define LIS_DM_TICK		(HZ / 10)

static const char *const lis_dm_action_names[] = {
	[LIS_DM_ACT_NONE] = "none",
	[LIS_DM_ACT_BALLOON] = "balloon",
	[LIS_DM_ACT_UNBALLOON] = "unballoon",
	[LIS_DM_ACT_HOT_ADD] = "hot_add",
};

static const char *const lis_dm_state_names[] = {
	[LIS_DM_ST_CLOSED] = "closed",
	[LIS_DM_ST_VERSION] = "version",
	[LIS_DM_ST_CAPS] = "capabilities",
	[LIS_DM_ST_INFO] = "info",
	[LIS_DM_ST_READY] = "ready",
};

/**
 * lis_dm_action_name() - a request type's name, as debugfs prints it
 * @action: enum lis_dm_action
 *
 * Return: its name.
 */
const char *lis_dm_action_name(int action)
{
	if (action < 0 || action >= ARRAY_SIZE(lis_dm_action_names))
		return "?";
	return lis_dm_action_names[action];
}

/**
 * lis_dm_state_name() - a protocol state's name, as debugfs prints it
 * @state: enum lis_dm_state
 *
 * Return: its name.
 */
const char *lis_dm_state_name(int state)
{
	if (state < 0 || state >= ARRAY_SIZE(lis_dm_state_names))
		return "?";
	return lis_dm_state_names[state];
}

/**
 * lis_dm_assigned() - the guest's memory as the host counts it
 * @dm: the DM host
 *
 * Return: startup + hot-added - ballooned, in pages.
 */
u64 lis_dm_assigned(const struct lis_sim_dm *dm)
{
	u64 have = dm->startup + dm->hot_added;

	return have > dm->ballooned ? have - dm->ballooned : 0;
}

static void lis_dm_proto_error(struct lis_sim_dm *dm, const char *what)
{
	dm->protocol_errors++;
	pr_warn_ratelimited("dm: guest protocol error: %s\n", what);
}

/* Send one message; false (and a retry later) if the ring is full. */
static bool lis_dm_send(struct lis_sim_dm *dm, const void *msg, u32 len)
{
	int ret = lis_dm_xmit(dm, msg, len);

	if (ret == -EAGAIN) {
		lis_sim_send_wait(dm->ch, sizeof(struct lis_vmpacket_desc) + len);
		return false;
	}
	if (ret)
		pr_warn_ratelimited("dm: cannot send a %u-byte message: %d\n",
				    len, ret);
	return !ret;
}

/* Answers that cannot wait for room are sent from a stack copy. */
static void lis_dm_reply(struct lis_sim_dm *dm, const void *msg, u32 len)
{
	int ret = lis_dm_xmit(dm, msg, len);

	if (ret)
		pr_warn_ratelimited("dm: cannot answer the guest: %d\n", ret);
}

static u64 lis_dm_now_ms(u64 since_ns)
{
	return div_u64(ktime_get_ns() - since_ns, NSEC_PER_MSEC);
}

static void lis_dm_finish(struct lis_sim_dm *dm, const char *result)
{
	struct lis_dm_req *req = &dm->req;
	u64 end = req->answer_ns ? req->answer_ns : ktime_get_ns();

	dm->last.type = req->type;
	dm->last.asked = req->asked;
	dm->last.done = req->done;
	dm->last.result = result;
	dm->last.us = div_u64(end - req->start_ns, NSEC_PER_USEC);
	/* A command in manual mode moves the target with it. */
	if (req->cmd && dm->pol.manual)
		dm->pol.manual_target = lis_dm_assigned(dm);
	if (!req->cmd) {
		lis_dm_policy_answered(&dm->view, req->type, req->asked,
				       req->done);
		dm->balloon_after_ns = ktime_get_ns() +
				       (u64)dm->interval_ms * NSEC_PER_MSEC *
				       lis_dm_policy_backoff(&dm->view);
	}
	memset(req, 0, sizeof(*req));
	dm->next_ns = ktime_get_ns() + (u64)dm->interval_ms * NSEC_PER_MSEC;
}

/* ---- guest messages ---- */

static void lis_dm_on_version(struct lis_sim_dm *dm,
			      const struct lis_dm_guest_msg *m)
{
	struct lis_dm_version_response r;
	u32 v = m->u.version.version;
	bool ok = lis_dm_version_known(v) && v <= dm->max_version;

	if (dm->state != LIS_DM_ST_VERSION) {
		lis_dm_proto_error(dm, "VERSION_REQUEST after the version was agreed");
		return;
	}
	lis_dm_reply(dm, &r, lis_dm_put_version_response(&r, dm->trans_id++, ok));
	if (ok) {
		dm->version = v;
		dm->state = LIS_DM_ST_CAPS;
		pr_info("dm: guest speaks DM protocol %u.%u\n", v >> 16,
			v & 0xffff);
	} else if (m->u.version.last) {
		pr_info("dm: refused the guest's last version %u.%u (host: at most %u.%u)\n",
			v >> 16, v & 0xffff, dm->max_version >> 16,
			dm->max_version & 0xffff);
	}
}

static void lis_dm_on_caps(struct lis_sim_dm *dm,
			   const struct lis_dm_guest_msg *m)
{
	struct lis_dm_caps_response r;

	if (dm->state != LIS_DM_ST_CAPS) {
		lis_dm_proto_error(dm, "CAPABILITIES_REPORT out of sequence");
		return;
	}
	dm->caps = m->u.caps.caps;
	dm->guest_min = m->u.caps.min_pages;
	dm->guest_max_pfn = m->u.caps.max_page_number;
	if (m->u.caps.align_mb)
		dm->pol.block = (u64)m->u.caps.align_mb * LIS_DM_PAGES_PER_MB;
	lis_dm_reply(dm, &r, lis_dm_put_caps_response(&r, dm->trans_id++, true));
	dm->state = LIS_DM_ST_INFO;
	dm->info_at_ns = ktime_get_ns() + (u64)dm->info_delay_ms * NSEC_PER_MSEC;
}

static void lis_dm_on_status(struct lis_sim_dm *dm,
			     const struct lis_dm_guest_msg *m)
{
	u64 c = m->u.status.committed, now, ms;

	if (dm->state != LIS_DM_ST_INFO && dm->state != LIS_DM_ST_READY) {
		lis_dm_proto_error(dm, "STATUS_REPORT before the capabilities exchange");
		return;
	}
	now = ktime_get_ns();
	if (dm->report_ns) {
		ms = div_u64(now - dm->report_ns, NSEC_PER_MSEC);
		dm->report_last_ms = ms;
		dm->report_min_ms = min(dm->report_min_ms, ms);
		dm->report_max_ms = max(dm->report_max_ms, ms);
	}
	dm->report_ns = now;
	dm->reports++;
	dm->committed = c;
	dm->avail = m->u.status.avail;
	/* The report counts the balloon in; the host takes it off. */
	dm->demand = c > dm->ballooned ? c - dm->ballooned : 0;
	dm->view.assigned = lis_dm_assigned(dm);
	dm->view.demand = dm->demand;
	lis_dm_policy_report(&dm->pol, &dm->view);
}

static void lis_dm_on_balloon(struct lis_sim_dm *dm,
			      const struct lis_dm_guest_msg *m)
{
	struct lis_dm_req *req = &dm->req;
	bool expected = req->type == LIS_DM_ACT_BALLOON;
	bool dup = !expected && dm->dup_due;
	u64 got = 0, at = ktime_get_ns();
	u32 i;

	if (!expected && !dup)
		lis_dm_proto_error(dm, "BALLOON_RESPONSE without a balloon request");
	/* Pages the guest says it gave up are gone either way: record them. */
	for (i = 0; i < m->u.balloon.count; i++) {
		u64 range = lis_dm_guest_range(m, i);
		u64 pfn = lis_dm_range_pfn(range);
		u64 n = lis_dm_range_count(range);

		if (!lis_dm_mem_is_ram(dm, pfn, n)) {
			dm->protocol_errors++;
			pr_warn_ratelimited("dm: guest ballooned pages %#llx+%llu: not guest RAM; ignored\n",
					    pfn, n);
			continue;
		}
		got += lis_dm_mem_take(dm, pfn, n);
	}
	if (dup && !m->u.balloon.more) {
		/* The answer to a request the fault sent twice. */
		dm->dup_due--;
		dm->answers[LIS_DM_ACT_BALLOON]++;
		/* In manual mode the target follows, as after a command. */
		if (dm->pol.manual)
			dm->pol.manual_target = lis_dm_assigned(dm);
	}
	if (!expected)
		return;
	req->done += got;
	if (req->done > req->asked)
		lis_dm_proto_error(dm, "guest ballooned more pages than asked");
	if (m->u.balloon.more)
		return;
	dm->answers[LIS_DM_ACT_BALLOON]++;
	req->answer_ns = at;
	lis_dm_finish(dm, req->done >= req->asked ? "ok" : "partial");
}

static void lis_dm_on_unballoon(struct lis_sim_dm *dm)
{
	if (dm->req.type != LIS_DM_ACT_UNBALLOON || !dm->req.sent_all) {
		lis_dm_proto_error(dm, "UNBALLOON_RESPONSE without a complete unballoon request");
		return;
	}
	dm->answers[LIS_DM_ACT_UNBALLOON]++;
	dm->req.answer_ns = ktime_get_ns();
	lis_dm_finish(dm, dm->req.done >= dm->req.asked ? "ok" : "partial");
}

static void lis_dm_on_hot_add(struct lis_sim_dm *dm,
			      const struct lis_dm_guest_msg *m)
{
	struct lis_dm_req *req = &dm->req;
	u64 pages, at = ktime_get_ns();

	if (req->type != LIS_DM_ACT_HOT_ADD && dm->dup_due) {
		/* The answer to a request the fault sent twice. */
		dm->dup_due--;
		dm->answers[LIS_DM_ACT_HOT_ADD]++;
		pr_info("dm: guest answered a duplicate hot-add request: %llu pages, result %u\n",
			(u64)m->u.hot_add.pages, m->u.hot_add.result);
		return;
	}
	if (req->type != LIS_DM_ACT_HOT_ADD) {
		lis_dm_proto_error(dm, "MEM_HOT_ADD_RESPONSE without a hot-add request");
		return;
	}
	dm->answers[LIS_DM_ACT_HOT_ADD]++;
	/* The time ends here: the page checks are the host's cost. */
	req->answer_ns = at;
	pages = lis_dm_ha_answered(dm, m);
	req->done = pages;
	if (!pages && m->u.hot_add.result == LIS_DM_HOT_ADD_RETRY) {
		lis_dm_finish(dm, "retry");
		dm->next_ns = ktime_get_ns() + LIS_DM_RETRY_MS * NSEC_PER_MSEC;
		return;
	}
	if (pages < req->asked) {
		/* Hyper-V stops hot-adding to a guest that fell short. */
		dm->ha_stopped = true;
		pr_info("dm: guest hot-added %llu of %llu pages; no more hot-add\n",
			pages, req->asked);
	}
	lis_dm_finish(dm, !pages ? "refused" : pages < req->asked ? "partial" : "ok");
}

static void lis_dm_handle(struct lis_sim_dm *dm, u32 len)
{
	struct lis_dm_guest_msg m;
	const char *why;
	int ret;

	ret = lis_dm_parse_guest(dm->rx, len, &m, &why);
	if (ret == -EOPNOTSUPP) {
		pr_info_ratelimited("dm: ignoring guest message type %u\n",
				    m.type);
		return;
	}
	if (ret) {
		lis_dm_proto_error(dm, why);
		return;
	}
	switch (m.type) {
	case LIS_DM_VERSION_REQUEST:
		lis_dm_on_version(dm, &m);
		break;
	case LIS_DM_CAPABILITIES_REPORT:
		lis_dm_on_caps(dm, &m);
		break;
	case LIS_DM_STATUS_REPORT:
		lis_dm_on_status(dm, &m);
		break;
	case LIS_DM_BALLOON_RESPONSE:
		lis_dm_on_balloon(dm, &m);
		break;
	case LIS_DM_UNBALLOON_RESPONSE:
		lis_dm_on_unballoon(dm);
		break;
	case LIS_DM_MEM_HOT_ADD_RESPONSE:
		lis_dm_on_hot_add(dm, &m);
		break;
	}
}

/* Read and handle every guest packet there is. */
static void lis_dm_drain(struct lis_sim_dm *dm)
{
	struct lis_sim_chan *ch = dm->ch;
	struct lis_vmpacket_desc desc;
	u32 off, len;

	do {
		lis_sim_recv_batch_begin(ch);
		while (!lis_sim_recv_peek(ch, &desc)) {
			off = (u32)desc.offset8 * 8;
			len = (u32)desc.len8 * 8 - off;
			if (desc.type != LIS_VMPKT_DATA_INBAND)
				lis_dm_proto_error(dm, "packet that is not in-band data");
			else if (len > LIS_DM_MAX_MSG)
				lis_dm_proto_error(dm, "message longer than 4 KiB");
			else if (lis_sim_recv_copy(ch, off, dm->rx, len))
				lis_dm_proto_error(dm, "packet shorter than its descriptor");
			else
				lis_dm_handle(dm, len);
			lis_sim_recv_skip(ch);
		}
		lis_sim_recv_commit(ch);
	} while (lis_sim_recv_batch_end(ch));
}

/* ---- requests ---- */

/**
 * lis_dm_bad_unballoon() - return a range the guest never ballooned
 * @dm: the DM host
 * @shifted: the first ballooned run moved up one page (it ends on a
 *	page that is not ballooned); else one page just past that run
 *
 * A host that does this is broken: the guest must refuse the range and
 * free nothing.  The host's own map does not change.
 *
 * Context: host work, lis_sim.lock held.
 * Return: 0; -EBUSY while a request runs or before the session is
 * ready; -ENOENT when nothing suitable is ballooned.
 */
int lis_dm_bad_unballoon(struct lis_sim_dm *dm, bool shifted)
{
	struct lis_dm_req *req = &dm->req;
	u64 range;
	u32 len;
	int ret;

	if (!dm->ch || dm->state != LIS_DM_ST_READY ||
	    req->type != LIS_DM_ACT_NONE || dm->dup_due)
		return -EBUSY;
	ret = lis_dm_mem_bad_range(dm, shifted, &range);
	if (ret)
		return ret;
	len = lis_dm_put_unballoon_request(dm->tx, dm->trans_id, false,
					   &range, 1);
	if (!lis_dm_send(dm, dm->tx, len))
		return -EBUSY;
	dm->trans_id++;
	memset(req, 0, sizeof(*req));
	req->type = LIS_DM_ACT_UNBALLOON;
	req->asked = lis_dm_range_count(range);
	req->start_ns = ktime_get_ns();
	req->cmd = true;
	req->sent_all = true;
	dm->requests++;
	dm->by_type[LIS_DM_ACT_UNBALLOON]++;
	pr_info("dm: returned pages %#llx+%llu, which the guest never ballooned\n",
		lis_dm_range_pfn(range), lis_dm_range_count(range));
	return 0;
}

/* Send the unballoon chain; false while the guest's ring is full. */
static bool lis_dm_pump_unballoon(struct lis_sim_dm *dm)
{
	struct lis_dm_req *req = &dm->req;
	u32 nr;
	u64 got;

	while (!req->sent_all) {
		if (!req->tx_len) {
			got = lis_dm_mem_collect(dm, req->left, dm->ranges,
						 LIS_DM_MAX_RANGES, &nr);
			/* The clock starts when the first message is ready. */
			if (!req->done)
				req->start_ns = ktime_get_ns();
			req->left -= got;
			req->done += got;
			if (!dm->ballooned)
				req->left = 0;
			req->tx_len = lis_dm_put_unballoon_request(dm->tx,
					dm->trans_id++, req->left != 0,
					dm->ranges, nr);
		}
		if (!lis_dm_send(dm, dm->tx, req->tx_len))
			return false;
		req->tx_len = 0;
		if (!req->left)
			req->sent_all = true;
	}
	return true;
}

static bool lis_dm_start(struct lis_sim_dm *dm, int type, u64 pages, bool cmd)
{
	struct lis_dm_req *req = &dm->req;
	u64 start = 0, end, region = 0;
	u32 len;

	switch (type) {
	case LIS_DM_ACT_BALLOON:
		pages = min_t(u64, pages, U32_MAX);
		len = lis_dm_put_balloon_request(dm->tx, dm->trans_id, pages);
		break;
	case LIS_DM_ACT_UNBALLOON:
		pages = min(pages, dm->ballooned);
		len = 0;
		break;
	case LIS_DM_ACT_HOT_ADD:
		if (cmd && dm->cmd_range) {
			/* hot_add_range: exactly what the operator asked. */
			start = lis_dm_range_pfn(dm->cmd_range);
			pages = lis_dm_range_count(dm->cmd_range);
			region = dm->cmd_region;
		} else {
			pages = min_t(u64, pages, LIS_DM_RANGE_MAX_PAGES);
			pages = lis_dm_ha_next(dm, pages, &start);
			if (pages && dm->region_form && dm->pol.block) {
				end = roundup(start + pages, dm->pol.block);
				end = min(end, dm->ha_start + dm->ha_pages);
				region = rounddown(start, dm->pol.block);
				region = max(region, dm->ha_start);
				region = lis_dm_range(region, end - region);
			}
		}
		len = lis_dm_put_hot_add_request(dm->tx, dm->trans_id,
						 lis_dm_range(start, pages),
						 region);
		break;
	default:
		return false;
	}
	if (!pages) {
		/* Nothing to do: a command says so in last_request. */
		if (cmd) {
			memset(req, 0, sizeof(*req));
			req->type = type;
			req->start_ns = ktime_get_ns();
			req->cmd = true;
			lis_dm_finish(dm, "refused");
		}
		return true;
	}
	if (len && !lis_dm_send(dm, dm->tx, len))
		return false;
	if (len)
		dm->trans_id++;
	if (dm->fault.dup_sent) {
		dm->fault.dup_sent = false;
		dm->dup_due++;
		dm->dup_at_ns = ktime_get_ns();
	}
	memset(req, 0, sizeof(*req));
	req->type = type;
	req->asked = pages;
	req->start_ns = ktime_get_ns();
	req->cmd = cmd;
	req->left = type == LIS_DM_ACT_UNBALLOON ? pages : 0;
	req->ha_pfn = type == LIS_DM_ACT_HOT_ADD ? start : 0;
	if (type == LIS_DM_ACT_HOT_ADD) {
		dm->last_ha_pfn = start;
		dm->last_ha_pages = pages;
	}
	dm->requests++;
	dm->by_type[type]++;
	if (type == LIS_DM_ACT_HOT_ADD && !cmd && dm->ballooned)
		dm->hot_add_over_holes++;
	if (type == LIS_DM_ACT_UNBALLOON)
		lis_dm_pump_unballoon(dm);
	return true;
}

static void lis_dm_fill_view(struct lis_sim_dm *dm)
{
	struct lis_dm_view *v = &dm->view;
	/* Not past the highest page number the guest says it can use. */
	u64 room = lis_dm_ha_room(dm);

	v->assigned = lis_dm_assigned(dm);
	v->ballooned = dm->ballooned;
	v->hot_add_room = room;
	v->demand = dm->demand;
	v->can_balloon = dm->caps & LIS_DM_CAP_BALLOON;
	v->can_hot_add = (dm->caps & LIS_DM_CAP_HOT_ADD) && !dm->ha_stopped;
}

/* The next request: a waiting command, else what the balancer wants. */
static void lis_dm_next(struct lis_sim_dm *dm)
{
	struct lis_dm_policy pol = dm->pol;
	struct lis_dm_decision d;

	if (dm->cmd_type != LIS_DM_ACT_NONE) {
		if (lis_dm_start(dm, dm->cmd_type, dm->cmd_pages, true)) {
			dm->cmd_type = LIS_DM_ACT_NONE;
			dm->cmd_range = 0;
			dm->cmd_region = 0;
		}
		return;
	}
	if (!dm->reports && !pol.manual)
		return;
	lis_dm_fill_view(dm);
	/* The guest's own minimum counts too. */
	pol.minimum = max(pol.minimum, dm->guest_min);
	lis_dm_policy_decide(&pol, &dm->view, &d);
	/* A guest that answered short waits out its back-off. */
	if (d.action == LIS_DM_ACT_BALLOON &&
	    ktime_get_ns() < dm->balloon_after_ns)
		return;
	if (d.action != LIS_DM_ACT_NONE)
		lis_dm_start(dm, d.action, d.pages, false);
}

/* Timers, requests, and when to look again. */
static void lis_dm_run(struct lis_sim_dm *dm)
{
	u64 now = ktime_get_ns();
	u8 info[32];

	lis_dm_fault_run(dm);
	if (dm->state == LIS_DM_ST_INFO) {
		if (now < dm->info_at_ns) {
			lis_sim_chan_kick(dm->ch, min_t(unsigned long, LIS_DM_TICK,
					  nsecs_to_jiffies(dm->info_at_ns - now) + 1));
			return;
		}
		if (!lis_dm_send(dm, info, lis_dm_put_info_max_pages(info,
				 dm->trans_id, dm->pol.maximum)))
			return;
		dm->trans_id++;
		dm->state = LIS_DM_ST_READY;
		dm->next_ns = now;
	}
	if (dm->state != LIS_DM_ST_READY)
		return;

	if (dm->req.type != LIS_DM_ACT_NONE &&
	    lis_dm_now_ms(dm->req.start_ns) >= dm->timeout_ms) {
		pr_warn("dm: the guest did not answer a %s request of %llu pages in %u ms\n",
			lis_dm_action_name(dm->req.type), dm->req.asked,
			dm->timeout_ms);
		lis_dm_finish(dm, "timeout");
	}
	if (dm->dup_due && lis_dm_now_ms(dm->dup_at_ns) >= dm->timeout_ms) {
		pr_warn("dm: the guest did not answer %u duplicated request(s) in %u ms\n",
			dm->dup_due, dm->timeout_ms);
		dm->dup_due = 0;
	}
	if (dm->req.type == LIS_DM_ACT_UNBALLOON && !dm->req.sent_all &&
	    !lis_dm_pump_unballoon(dm)) {
		/* The guest signals when there is room; the timeout runs. */
		lis_sim_chan_kick(dm->ch, LIS_DM_TICK);
		return;
	}
	if (dm->req.type == LIS_DM_ACT_NONE && !dm->dup_due &&
	    now >= dm->next_ns)
		lis_dm_next(dm);
	/* Look again while anything is pending. */
	if (dm->req.type != LIS_DM_ACT_NONE || dm->dup_due ||
	    dm->cmd_type != LIS_DM_ACT_NONE ||
	    ktime_get_ns() < dm->next_ns)
		lis_sim_chan_kick(dm->ch, LIS_DM_TICK);
}

/**
 * lis_dm_poke() - settings or commands changed: act on them soon
 * @dm: the DM host
 *
 * Context: host work, lis_sim.lock held.
 */
void lis_dm_poke(struct lis_sim_dm *dm)
{
	if (dm->ch)
		lis_sim_chan_kick(dm->ch, 0);
}

/* ---- the device class ---- */

static struct lis_sim_dm *lis_dm_of(struct lis_sim_chan *ch)
{
	return lis_sim_chan_priv(ch);
}

static int lis_dm_open(struct lis_sim_chan *ch)
{
	struct lis_sim *sim = ch->sim;
	struct lis_sim_dm *dm = sim->dm;

	if (dm->ch) {
		pr_warn("dm: relid %u: one DM channel at a time (relid %u is open)\n",
			lis_sim_chan_relid(ch), lis_sim_chan_relid(dm->ch));
		return -EBUSY;
	}
	dm->ch = ch;
	dm->state = LIS_DM_ST_VERSION;
	dm->version = 0;
	dm->caps = 0;
	dm->guest_min = 0;
	dm->guest_max_pfn = U64_MAX;
	dm->ha_stopped = false;
	dm->committed = 0;
	dm->avail = 0;
	dm->demand = 0;
	memset(&dm->view, 0, sizeof(dm->view));
	memset(&dm->req, 0, sizeof(dm->req));
	dm->balloon_after_ns = 0;
	dm->dup_due = 0;
	dm->report_ns = 0;
	dm->report_last_ms = 0;
	dm->report_min_ms = U64_MAX;
	dm->report_max_ms = 0;
	lis_dm_fault_reset(dm);
	dm->pol.block = lis_dm_mem_block_pages();
	lis_sim_chan_set_priv(ch, dm);
	return 0;
}

static void lis_dm_packet_work(struct lis_sim_chan *ch)
{
	struct lis_sim_dm *dm = lis_dm_of(ch);

	lis_dm_drain(dm);
	lis_dm_run(dm);
}

static void lis_dm_close(struct lis_sim_chan *ch)
{
	struct lis_sim_dm *dm = lis_dm_of(ch);

	if (dm->req.type != LIS_DM_ACT_NONE)
		lis_dm_finish(dm, "error");
	/*
	 * A host does not give pages back because the guest's driver went
	 * away: they stay ballooned, and their patterns are checked when
	 * they are returned (to the next session's driver, which refuses
	 * them: they were not its own).
	 */
	dm->kept_on_close = dm->ballooned;
	if (dm->ballooned)
		pr_info("dm: channel closed with %llu pages ballooned; the host keeps them\n",
			dm->ballooned);
	lis_dm_fault_reset(dm);
	dm->dup_due = 0;
	dm->cmd_type = LIS_DM_ACT_NONE;
	dm->cmd_range = 0;
	dm->cmd_region = 0;
	dm->state = LIS_DM_ST_CLOSED;
	dm->ch = NULL;
}

static const struct lis_sim_dev_class lis_dm_class = {
	.name = "dm",
	.class_id = LIS_DM_CLASS_GUID,
	.open = lis_dm_open,
	.packet_work = lis_dm_packet_work,
	.close = lis_dm_close,
};

/**
 * lis_dm_register() - set up the DM host and register its device class
 * @sim: the simulator
 *
 * Reads and checks the dm_* module parameters (dm_ctl.c): a bad one
 * refuses the load with a message naming it.
 *
 * Context: process, module init.
 * Return: 0, -EINVAL for a bad parameter, or -ENOMEM.
 */
int lis_dm_register(struct lis_sim *sim)
{
	struct lis_sim_dm *dm;
	unsigned int nr_boot;
	int ret;

	dm = kzalloc(sizeof(*dm), GFP_KERNEL);
	if (!dm)
		return -ENOMEM;
	dm->sim = sim;
	ret = -ENOMEM;
	dm->rx = kzalloc(LIS_DM_MAX_MSG, GFP_KERNEL);
	dm->tx = kzalloc(LIS_DM_MAX_MSG, GFP_KERNEL);
	dm->ranges = kcalloc(LIS_DM_MAX_RANGES, sizeof(u64), GFP_KERNEL);
	if (!dm->rx || !dm->tx || !dm->ranges)
		goto free_bufs;
	ret = lis_dm_ctl_init(dm, &nr_boot);
	if (ret)
		goto free_bufs;
	ret = lis_dm_fault_init(dm);
	if (ret)
		goto free_bufs;
	ret = lis_dm_mem_init(dm);
	if (ret)
		goto exit_fault;
	ret = lis_dm_ha_init(dm);
	if (ret)
		goto exit_mem;
	ret = lis_sim_register_class(sim, &lis_dm_class, nr_boot);
	if (ret)
		goto exit_ha;
	sim->dm = dm;
	return 0;

exit_ha:
	lis_dm_ha_exit(dm);
exit_mem:
	lis_dm_mem_exit(dm);
exit_fault:
	lis_dm_fault_exit(dm);
free_bufs:
	kfree(dm->ranges);
	kfree(dm->tx);
	kfree(dm->rx);
	kfree(dm);
	return ret;
}

/**
 * lis_dm_unregister() - free the DM host
 * @sim: the simulator; its channels are gone and its classes freed
 */
void lis_dm_unregister(struct lis_sim *sim)
{
	struct lis_sim_dm *dm = sim->dm;

	if (!dm)
		return;
	sim->dm = NULL;
	lis_dm_ha_exit(dm);
	lis_dm_mem_exit(dm);
	lis_dm_fault_exit(dm);
	kfree(dm->ranges);
	kfree(dm->tx);
	kfree(dm->rx);
	kfree(dm);
}

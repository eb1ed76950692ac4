// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Dynamic Memory host's settings: module parameters at load, and
 * /sys/kernel/debug/lis_sim/dm afterwards (read: the host's view as
 * key=value lines; write: one command).  Documentation/simulator.rst
 * lists both.  Every value is checked; a bad parameter refuses the load
 * with a message naming it, a bad command fails with -EINVAL and a line
 * saying why.
 */
#include <linux/debugfs.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "dm_host.h"

#define LIS_DM_MAX_BUFFER_PCT	2000
#define LIS_DM_MAX_MB		(1U << 24)	/* 16 TiB */
#define LIS_DM_MAX_MS		600000
#define LIS_DM_CMD_MAX		64

static unsigned int dm_devices;
module_param(dm_devices, uint, 0444);
MODULE_PARM_DESC(dm_devices,
		 "Dynamic Memory devices offered at every connection, 0 or 1 (default 0; debugfs 'offer dm' offers one later)");

static char *dm_version = "2.0";
module_param(dm_version, charp, 0444);
MODULE_PARM_DESC(dm_version,
		 "Highest DM protocol version the host accepts: 2.0, 1.0 or 0.3 (default 2.0)");

static char *dm_hotadd = "";
module_param(dm_hotadd, charp, 0444);
MODULE_PARM_DESC(dm_hotadd,
		 "Physical range the host may hot-add, SIZE@START (e.g. 1G@1G): above the kernel's mem= limit, backed by QEMU (default: none)");

static unsigned int dm_startup_mb;
module_param(dm_startup_mb, uint, 0444);
MODULE_PARM_DESC(dm_startup_mb,
		 "Startup RAM in MiB (default: the RAM the kernel has at load)");

static unsigned int dm_minimum_mb;
module_param(dm_minimum_mb, uint, 0444);
MODULE_PARM_DESC(dm_minimum_mb,
		 "Minimum RAM in MiB (default: 512, or Startup if less)");

static unsigned int dm_maximum_mb;
module_param(dm_maximum_mb, uint, 0444);
MODULE_PARM_DESC(dm_maximum_mb,
		 "Maximum RAM in MiB (default: Startup plus the hot-add range)");

static unsigned int dm_buffer_pct = 20;
module_param(dm_buffer_pct, uint, 0444);
MODULE_PARM_DESC(dm_buffer_pct,
		 "Memory buffer, percent of demand, 0 to 2000 (default 20)");

static unsigned int dm_target_mb;
module_param(dm_target_mb, uint, 0444);
MODULE_PARM_DESC(dm_target_mb,
		 "Manual mode: a fixed target in MiB (default 0: automatic balancing)");

static unsigned int dm_info_delay_ms = 5000;
module_param(dm_info_delay_ms, uint, 0444);
MODULE_PARM_DESC(dm_info_delay_ms,
		 "From the capabilities exchange to INFO and the first request, ms (default 5000; Hyper-V waits about 50 s)");

static unsigned int dm_interval_ms = 200;
module_param(dm_interval_ms, uint, 0444);
MODULE_PARM_DESC(dm_interval_ms, "Least time between two requests, ms (default 200)");

static unsigned int dm_step_mb = 512;
module_param(dm_step_mb, uint, 0444);
MODULE_PARM_DESC(dm_step_mb,
		 "Most memory one automatic request moves, MiB (default 512)");

static unsigned int dm_hot_add_step_mb;
module_param(dm_hot_add_step_mb, uint, 0444);
MODULE_PARM_DESC(dm_hot_add_step_mb,
		 "Automatic hot-adds in pieces of this many MiB, each starting where the last ended (default 0: whole memory blocks)");

static unsigned int dm_shrink_reports = 3;
module_param(dm_shrink_reports, uint, 0444);
MODULE_PARM_DESC(dm_shrink_reports,
		 "Status reports in a row above target before ballooning (default 3)");

static unsigned int dm_hysteresis_pct = 5;
module_param(dm_hysteresis_pct, uint, 0444);
MODULE_PARM_DESC(dm_hysteresis_pct,
		 "Balloon only when more than this percent (and one memory block) above target (default 5)");

static unsigned int dm_timeout_ms = 120000;
module_param(dm_timeout_ms, uint, 0444);
MODULE_PARM_DESC(dm_timeout_ms,
		 "A request unanswered this long is given up, ms (default 120000)");

static char *dm_verify = "full";
module_param(dm_verify, charp, 0444);
MODULE_PARM_DESC(dm_verify,
		 "Ballooned-page pattern checks: full, sample or off (default full)");

static char *dm_hot_add_form = "region";
module_param(dm_hot_add_form, charp, 0444);
MODULE_PARM_DESC(dm_hot_add_form,
		 "Hot-add requests: 'region' (range and region, 24 bytes) or 'range' (16 bytes) (default region)");

static const char *const lis_dm_verify_names[] = {
	[LIS_DM_VERIFY_OFF] = "off",
	[LIS_DM_VERIFY_SAMPLE] = "sample",
	[LIS_DM_VERIFY_FULL] = "full",
};

static u64 mb_pages(u64 mb)
{
	return mb * LIS_DM_PAGES_PER_MB;
}

static u64 pages_mb(u64 pages)
{
	return pages / LIS_DM_PAGES_PER_MB;
}

static int lis_dm_parse_dm_version(const char *s, u32 *version)
{
	unsigned int maj, min;
	char c;

	if (sscanf(s, "%u.%u%c", &maj, &min, &c) != 2 || maj > 0xffff ||
	    min > 0xffff || !lis_dm_version_known(LIS_DM_VERSION(maj, min)))
		return -EINVAL;
	*version = LIS_DM_VERSION(maj, min);
	return 0;
}

static int lis_dm_parse_verify(const char *s)
{
	int i = match_string(lis_dm_verify_names,
			     ARRAY_SIZE(lis_dm_verify_names), s);

	return i;
}

static int lis_dm_parse_form(const char *s, bool *region)
{
	if (!strcmp(s, "region"))
		*region = true;
	else if (!strcmp(s, "range"))
		*region = false;
	else
		return -EINVAL;
	return 0;
}

/* "SIZE@START" with K/M/G suffixes. */
static int lis_dm_parse_hotadd(const char *s, u64 *start, u64 *size)
{
	char *end;

	*size = memparse(s, &end);
	if (*end != '@')
		return -EINVAL;
	*start = memparse(end + 1, &end);
	return *end ? -EINVAL : 0;
}

/* Minimum <= Startup <= Maximum, as Hyper-V insists. */
static int lis_dm_check_bounds(u64 min, u64 startup, u64 max,
			       const char *what)
{
	if (!startup || min > startup || startup > max) {
		pr_err("%s: needs 0 < minimum (%llu MiB) <= startup (%llu MiB) <= maximum (%llu MiB)\n",
		       what, pages_mb(min), pages_mb(startup), pages_mb(max));
		return -EINVAL;
	}
	return 0;
}

/**
 * lis_dm_ctl_init() - read the dm_* module parameters
 * @dm: the DM host being set up
 * @nr_boot: receives dm_devices
 *
 * Context: process, module init.
 * Return: 0, or -EINVAL with a message naming the bad parameter.
 */
int lis_dm_ctl_init(struct lis_sim_dm *dm, unsigned int *nr_boot)
{
	u64 start = 0, size = 0, added;
	int v;

	if (dm_devices > 1) {
		pr_err("dm_devices=%u: 0 or 1\n", dm_devices);
		return -EINVAL;
	}
	if (lis_dm_parse_dm_version(dm_version, &dm->max_version)) {
		pr_err("dm_version=%s: not a DM version (2.0, 1.0 or 0.3)\n",
		       dm_version);
		return -EINVAL;
	}
	/* No higher than the host personality's (host.c). */
	dm->max_version = min(dm->max_version, dm->sim->host->dm_version);
	if (*dm_hotadd && lis_dm_parse_hotadd(dm_hotadd, &start, &size)) {
		pr_err("dm_hotadd=%s: not SIZE@START (e.g. 1G@1G)\n", dm_hotadd);
		return -EINVAL;
	}
	dm->ha_start = start >> LIS_HV_PAGE_SHIFT;
	dm->ha_pages = size >> LIS_HV_PAGE_SHIFT;
	/* After a reload, what was hot-added before is still there. */
	added = lis_dm_mem_added_pages(dm);
	if (size && added < dm->ha_pages &&
	    lis_dm_mem_check_range(start + (added << LIS_HV_PAGE_SHIFT),
				   size - (added << LIS_HV_PAGE_SHIFT),
				   "dm_hotadd"))
		return -EINVAL;
	dm->hot_added = added;

	v = lis_dm_parse_verify(dm_verify);
	if (v < 0) {
		pr_err("dm_verify=%s: full, sample or off\n", dm_verify);
		return -EINVAL;
	}
	dm->verify = v;
	if (lis_dm_parse_form(dm_hot_add_form, &dm->region_form)) {
		pr_err("dm_hot_add_form=%s: region or range\n", dm_hot_add_form);
		return -EINVAL;
	}
	if (dm_buffer_pct > LIS_DM_MAX_BUFFER_PCT) {
		pr_err("dm_buffer_pct=%u: at most %u\n", dm_buffer_pct,
		       LIS_DM_MAX_BUFFER_PCT);
		return -EINVAL;
	}
	if (dm_startup_mb > LIS_DM_MAX_MB || dm_minimum_mb > LIS_DM_MAX_MB ||
	    dm_maximum_mb > LIS_DM_MAX_MB || dm_target_mb > LIS_DM_MAX_MB ||
	    dm_step_mb > LIS_DM_MAX_MB || dm_hot_add_step_mb > LIS_DM_MAX_MB) {
		pr_err("dm_startup_mb, dm_minimum_mb, dm_maximum_mb, dm_target_mb, dm_step_mb, dm_hot_add_step_mb: at most %u\n",
		       LIS_DM_MAX_MB);
		return -EINVAL;
	}
	if (dm_info_delay_ms > LIS_DM_MAX_MS || dm_interval_ms > LIS_DM_MAX_MS ||
	    dm_timeout_ms > LIS_DM_MAX_MS || !dm_timeout_ms) {
		pr_err("dm_info_delay_ms, dm_interval_ms, dm_timeout_ms: at most %u (dm_timeout_ms at least 1)\n",
		       LIS_DM_MAX_MS);
		return -EINVAL;
	}
	if (dm_hysteresis_pct > 100) {
		pr_err("dm_hysteresis_pct=%u: at most 100\n", dm_hysteresis_pct);
		return -EINVAL;
	}

	dm->startup = dm_startup_mb ? mb_pages(dm_startup_mb) :
				      lis_dm_mem_startup_pages(dm);
	dm->pol.minimum = dm_minimum_mb ? mb_pages(dm_minimum_mb) :
					  min(dm->startup, mb_pages(512));
	dm->pol.maximum = dm_maximum_mb ? mb_pages(dm_maximum_mb) :
					  dm->startup + dm->ha_pages;
	if (lis_dm_check_bounds(dm->pol.minimum, dm->startup, dm->pol.maximum,
				"dm_minimum_mb, dm_startup_mb, dm_maximum_mb"))
		return -EINVAL;
	if (dm_target_mb && (mb_pages(dm_target_mb) < dm->pol.minimum ||
			     mb_pages(dm_target_mb) > dm->pol.maximum)) {
		pr_err("dm_target_mb=%u: outside minimum..maximum\n",
		       dm_target_mb);
		return -EINVAL;
	}
	dm->pol.buffer_pct = dm_buffer_pct;
	dm->pol.manual = dm_target_mb;
	dm->pol.manual_target = mb_pages(dm_target_mb);
	dm->pol.step = mb_pages(dm_step_mb);
	dm->pol.ha_step = mb_pages(dm_hot_add_step_mb);
	dm->pol.hysteresis_pct = dm_hysteresis_pct;
	dm->pol.shrink_reports = dm_shrink_reports;
	dm->pol.block = lis_dm_mem_block_pages();
	dm->info_delay_ms = dm_info_delay_ms;
	dm->interval_ms = dm_interval_ms;
	dm->timeout_ms = dm_timeout_ms;
	dm->last.result = "none";
	*nr_boot = dm_devices;
	return 0;
}

/* ---- debugfs ---- */

static int lis_dm_show(struct seq_file *m, void *v)
{
	struct lis_sim *sim = m->private;
	struct lis_sim_dm *dm = sim->dm;
	struct lis_dm_policy pol;
	u64 target, now = ktime_get_ns();

	mutex_lock(&sim->lock);
	pol = dm->pol;
	pol.minimum = max(pol.minimum, dm->guest_min);
	target = lis_dm_policy_target(&pol, dm->demand);
	seq_printf(m, "state=%s\n", lis_dm_state_name(dm->state));
	if (dm->version)
		seq_printf(m, "version=%u.%u\n", dm->version >> 16,
			   dm->version & 0xffff);
	else
		seq_puts(m, "version=none\n");
	seq_printf(m, "max_version=%u.%u\n", dm->max_version >> 16,
		   dm->max_version & 0xffff);
	seq_printf(m, "mode=%s\n", dm->pol.manual ? "manual" : "auto");
	seq_printf(m, "startup_mb=%llu\n", pages_mb(dm->startup));
	seq_printf(m, "minimum_mb=%llu\n", pages_mb(dm->pol.minimum));
	seq_printf(m, "maximum_mb=%llu\n", pages_mb(dm->pol.maximum));
	seq_printf(m, "buffer_pct=%u\n", dm->pol.buffer_pct);
	seq_printf(m, "target_mb=%llu\n", pages_mb(target));
	seq_printf(m, "demand_mb=%llu\n", pages_mb(dm->demand));
	seq_printf(m, "committed_mb=%llu\n", pages_mb(dm->committed));
	seq_printf(m, "avail_mb=%llu\n", pages_mb(dm->avail));
	seq_printf(m, "avail_pages=%llu\n", dm->avail);
	seq_printf(m, "committed_pages=%llu\n", dm->committed);
	seq_printf(m, "report_last_ms=%llu\n", dm->report_last_ms);
	seq_printf(m, "report_min_ms=%llu\n",
		   dm->report_min_ms == U64_MAX ? 0 : dm->report_min_ms);
	seq_printf(m, "report_max_ms=%llu\n", dm->report_max_ms);
	seq_printf(m, "assigned_mb=%llu\n", pages_mb(lis_dm_assigned(dm)));
	seq_printf(m, "assigned_pages=%llu\n", lis_dm_assigned(dm));
	seq_printf(m, "ballooned_mb=%llu\n", pages_mb(dm->ballooned));
	seq_printf(m, "ballooned_pages=%llu\n", dm->ballooned);
	seq_printf(m, "hot_added_mb=%llu\n", pages_mb(dm->hot_added));
	seq_printf(m, "hot_added_pages=%llu\n", dm->hot_added);
	seq_printf(m, "hot_add_range=%llu@%llu\n",
		   dm->ha_pages << LIS_HV_PAGE_SHIFT,
		   dm->ha_start << LIS_HV_PAGE_SHIFT);
	seq_printf(m, "hot_add_left_mb=%llu\n",
		   pages_mb(dm->ha_pages - dm->hot_added));
	seq_printf(m, "hot_add_stopped=%d\n", dm->ha_stopped);
	seq_printf(m, "last_hot_add=%#llx+%llu\n", dm->last_ha_pfn,
		   dm->last_ha_pages);
	seq_printf(m, "block_mb=%llu\n", pages_mb(dm->pol.block));
	seq_printf(m, "reports=%llu\n", dm->reports);
	seq_printf(m, "requests=%llu\n", dm->requests);
	seq_printf(m, "balloon_requests=%llu\n",
		   dm->by_type[LIS_DM_ACT_BALLOON]);
	seq_printf(m, "unballoon_requests=%llu\n",
		   dm->by_type[LIS_DM_ACT_UNBALLOON]);
	seq_printf(m, "hot_add_requests=%llu\n",
		   dm->by_type[LIS_DM_ACT_HOT_ADD]);
	seq_printf(m, "balloon_answers=%llu\n",
		   dm->answers[LIS_DM_ACT_BALLOON]);
	seq_printf(m, "unballoon_answers=%llu\n",
		   dm->answers[LIS_DM_ACT_UNBALLOON]);
	seq_printf(m, "hot_add_answers=%llu\n",
		   dm->answers[LIS_DM_ACT_HOT_ADD]);
	seq_printf(m, "dup_due=%u\n", dm->dup_due);
	seq_printf(m, "kept_on_close_pages=%llu\n", dm->kept_on_close);
	seq_printf(m, "hot_add_over_holes=%llu\n", dm->hot_add_over_holes);
	seq_printf(m, "protocol_errors=%llu\n", dm->protocol_errors);
	seq_printf(m, "violations=%llu\n", dm->violations);
	seq_printf(m, "balloon_misses=%u\n", dm->view.balloon_misses);
	seq_printf(m, "balloon_wait_ms=%llu\n",
		   dm->balloon_after_ns > now ?
		   div_u64(dm->balloon_after_ns - now, NSEC_PER_MSEC) : 0);
	seq_printf(m, "busy=%d\n", dm->req.type != LIS_DM_ACT_NONE ||
				  dm->cmd_type != LIS_DM_ACT_NONE ||
				  dm->dup_due);
	seq_printf(m, "last_request=%s %llu %llu %s %llu\n",
		   lis_dm_action_name(dm->last.type), dm->last.asked,
		   dm->last.done, dm->last.result,
		   div_u64(dm->last.us, USEC_PER_MSEC));
	seq_printf(m, "last_us=%llu\n", dm->last.us);
	seq_printf(m, "verify=%s\n", lis_dm_verify_names[dm->verify]);
	seq_printf(m, "hot_add_form=%s\n", dm->region_form ? "region" : "range");
	seq_printf(m, "unballoon_piece=%u\n", dm->piece);
	seq_printf(m, "unballoon_gap=%u\n", dm->gap);
	lis_dm_fault_show(m, dm);
	seq_printf(m, "info_delay_ms=%u\n", dm->info_delay_ms);
	seq_printf(m, "interval_ms=%u\n", dm->interval_ms);
	seq_printf(m, "timeout_ms=%u\n", dm->timeout_ms);
	seq_printf(m, "step_mb=%llu\n", pages_mb(dm->pol.step));
	seq_printf(m, "hot_add_step_mb=%llu\n", pages_mb(dm->pol.ha_step));
	seq_printf(m, "shrink_reports=%u\n", dm->pol.shrink_reports);
	seq_printf(m, "hysteresis_pct=%u\n", dm->pol.hysteresis_pct);
	seq_printf(m, "raw_alloc_pages=%llu\n", dm->raw_alloc_pages);
	seq_printf(m, "raw_alloc_ns=%llu\n", dm->raw_alloc_ns);
	seq_printf(m, "raw_free_ns=%llu\n", dm->raw_free_ns);
	seq_printf(m, "raw_hot_add_mb=%llu\n", dm->raw_hot_add_mb);
	seq_printf(m, "raw_hot_add_ns=%llu\n", dm->raw_hot_add_ns);
	seq_printf(m, "raw_hot_add_ret=%d\n", dm->raw_hot_add_ret);
	mutex_unlock(&sim->lock);
	return 0;
}

static int lis_dm_open_file(struct inode *inode, struct file *file)
{
	return single_open(file, lis_dm_show, inode->i_private);
}

/* A command for the host thread: "key" and its argument. */
struct lis_dm_cmd {
	const char *key;
	const char *arg;
	u64 num;
};

static int lis_dm_bad_cmd(const struct lis_dm_cmd *c, const char *why)
{
	pr_warn("dm: '%s %s': %s\n", c->key, c->arg, why);
	return -EINVAL;
}

static int lis_dm_queue(struct lis_sim_dm *dm, const struct lis_dm_cmd *c,
			int type, u64 pages)
{
	if (!dm->ch)
		return lis_dm_bad_cmd(c, "no DM channel is open");
	if (dm->cmd_type != LIS_DM_ACT_NONE) {
		pr_warn("dm: '%s %s': a command is already waiting\n", c->key,
			c->arg);
		return -EBUSY;
	}
	if (!pages)
		return lis_dm_bad_cmd(c, "0 pages");
	dm->cmd_type = type;
	dm->cmd_pages = pages;
	return 0;
}

/*
 * "hot_add_range PFN COUNT [REGION_PFN REGION_COUNT]": one request for
 * exactly these pages, in the 16-byte form, or the 24-byte form when a
 * region is given.
 */
static int lis_dm_queue_range(struct lis_sim_dm *dm,
			      const struct lis_dm_cmd *c)
{
	u64 pfn, count, rg_pfn = 0, rg_count = 0;
	const char *why;
	char extra;
	int n, ret;

	n = sscanf(c->arg, "%llu %llu %llu %llu %c", &pfn, &count, &rg_pfn,
		   &rg_count, &extra);
	if (n != 2 && n != 4)
		return lis_dm_bad_cmd(c, "PFN COUNT [REGION_PFN REGION_COUNT]");
	why = lis_dm_ha_check_cmd(dm, pfn, count, rg_pfn, rg_count);
	if (why)
		return lis_dm_bad_cmd(c, why);
	ret = lis_dm_queue(dm, c, LIS_DM_ACT_HOT_ADD, count);
	if (ret)
		return ret;
	dm->cmd_range = lis_dm_range(pfn, count);
	dm->cmd_region = n == 4 ? lis_dm_range(rg_pfn, rg_count) : 0;
	return 0;
}

/* Minimum, Startup, Maximum: keep min <= startup <= max. */
static int lis_dm_set_bound(struct lis_sim_dm *dm, const struct lis_dm_cmd *c)
{
	u64 min = dm->pol.minimum, startup = dm->startup, max = dm->pol.maximum;
	u64 pages = mb_pages(c->num);

	if (c->num > LIS_DM_MAX_MB)
		return lis_dm_bad_cmd(c, "too large");
	if (!strcmp(c->key, "minimum"))
		min = pages;
	else if (!strcmp(c->key, "startup"))
		startup = pages;
	else
		max = pages;
	if (lis_dm_check_bounds(min, startup, max, "dm"))
		return -EINVAL;
	dm->pol.minimum = min;
	dm->startup = startup;
	dm->pol.maximum = max;
	if (dm->pol.manual)
		dm->pol.manual_target = clamp(dm->pol.manual_target, min, max);
	return 0;
}

static int lis_dm_cmd_call(struct lis_sim *sim, void *arg)
{
	const struct lis_dm_cmd *c = arg;
	struct lis_sim_dm *dm = sim->dm;
	const char *k = c->key;
	int ret = 0, v;

	if (!strcmp(k, "startup") || !strcmp(k, "minimum") ||
	    !strcmp(k, "maximum")) {
		ret = lis_dm_set_bound(dm, c);
	} else if (!strcmp(k, "buffer")) {
		if (c->num > LIS_DM_MAX_BUFFER_PCT)
			return lis_dm_bad_cmd(c, "at most 2000 percent");
		dm->pol.buffer_pct = c->num;
	} else if (!strcmp(k, "target")) {
		if (mb_pages(c->num) < dm->pol.minimum ||
		    mb_pages(c->num) > dm->pol.maximum)
			return lis_dm_bad_cmd(c, "outside minimum..maximum");
		dm->pol.manual = true;
		dm->pol.manual_target = mb_pages(c->num);
	} else if (!strcmp(k, "auto")) {
		dm->pol.manual = false;
	} else if (!strcmp(k, "scribble")) {
		if (lis_dm_mem_scribble(dm))
			return lis_dm_bad_cmd(c, "nothing ballooned, or checks off");
	} else if (!strcmp(k, "verify_now")) {
		pr_info("dm: verify_now: %llu pages ballooned, %llu written\n",
			dm->ballooned, lis_dm_mem_verify_all(dm));
	} else if (!strcmp(k, "reports_reset")) {
		dm->report_min_ms = U64_MAX;
		dm->report_max_ms = 0;
	} else if (!strcmp(k, "fault")) {
		ret = lis_dm_fault_set(dm, c->arg);
	} else if (!strcmp(k, "pad")) {
		if (c->num > LIS_DM_PAD_MAX)
			return lis_dm_bad_cmd(c, "at most 64 bytes");
		dm->fault.pad = c->num;
	} else if (!strcmp(k, "unballoon_shape")) {
		unsigned int piece, gap;
		char x;

		if (sscanf(c->arg, "%u %u%c", &piece, &gap, &x) != 2 ||
		    piece > LIS_DM_RANGE_MAX_PAGES || gap > LIS_DM_RANGE_MAX_PAGES)
			return lis_dm_bad_cmd(c, "needs PIECE GAP (pages, 0 to 2^24-1; PIECE 0: whole runs)");
		dm->piece = piece;
		dm->gap = gap;
	} else if (!strcmp(k, "bad_unballoon")) {
		if (strcmp(c->arg, "shifted") && strcmp(c->arg, "foreign"))
			return lis_dm_bad_cmd(c, "shifted or foreign");
		ret = lis_dm_bad_unballoon(dm, !strcmp(c->arg, "shifted"));
		if (ret)
			pr_warn("dm: '%s %s': %s\n", c->key, c->arg,
				ret == -EBUSY ? "not while a request runs or before the session is ready" :
						"nothing ballooned with guest RAM after it");
	} else if (!strcmp(k, "balloon")) {
		ret = lis_dm_queue(dm, c, LIS_DM_ACT_BALLOON, c->num);
	} else if (!strcmp(k, "unballoon")) {
		ret = lis_dm_queue(dm, c, LIS_DM_ACT_UNBALLOON, c->num);
	} else if (!strcmp(k, "hot_add")) {
		ret = lis_dm_queue(dm, c, LIS_DM_ACT_HOT_ADD, mb_pages(c->num));
	} else if (!strcmp(k, "hot_add_range")) {
		ret = lis_dm_queue_range(dm, c);
	} else if (!strcmp(k, "version")) {
		u32 version;

		if (lis_dm_parse_dm_version(c->arg, &version))
			return lis_dm_bad_cmd(c, "not a DM version (2.0, 1.0 or 0.3)");
		dm->max_version = version;
	} else if (!strcmp(k, "verify")) {
		v = lis_dm_parse_verify(c->arg);
		if (v < 0)
			return lis_dm_bad_cmd(c, "full, sample or off");
		if (dm->ballooned)
			return lis_dm_bad_cmd(c, "only while nothing is ballooned");
		dm->verify = v;
	} else if (!strcmp(k, "hot_add_form")) {
		if (lis_dm_parse_form(c->arg, &dm->region_form))
			return lis_dm_bad_cmd(c, "region or range");
	} else if (!strcmp(k, "interval") || !strcmp(k, "info_delay") ||
		   !strcmp(k, "timeout")) {
		if (c->num > LIS_DM_MAX_MS || (!c->num && !strcmp(k, "timeout")))
			return lis_dm_bad_cmd(c, "1 to 600000 ms");
		if (!strcmp(k, "interval"))
			dm->interval_ms = c->num;
		else if (!strcmp(k, "info_delay"))
			dm->info_delay_ms = c->num;
		else
			dm->timeout_ms = c->num;
	} else if (!strcmp(k, "hot_add_step")) {
		if (c->num > LIS_DM_MAX_MB)
			return lis_dm_bad_cmd(c, "too large");
		dm->pol.ha_step = mb_pages(c->num);
	} else if (!strcmp(k, "step")) {
		if (c->num > LIS_DM_MAX_MB)
			return lis_dm_bad_cmd(c, "too large");
		dm->pol.step = mb_pages(c->num);
	} else if (!strcmp(k, "shrink_reports")) {
		dm->pol.shrink_reports = min_t(u64, c->num, U32_MAX);
	} else if (!strcmp(k, "hysteresis")) {
		if (c->num > 100)
			return lis_dm_bad_cmd(c, "at most 100 percent");
		dm->pol.hysteresis_pct = c->num;
	} else {
		return lis_dm_bad_cmd(c, "unknown command");
	}
	if (!ret) {
		/* The operator's word starts the balancer afresh. */
		dm->view.balloon_misses = 0;
		dm->balloon_after_ns = 0;
		lis_dm_poke(dm);
	}
	return ret;
}

/* Commands whose argument is a word, not a number. */
static bool lis_dm_word_arg(const char *key)
{
	return !strcmp(key, "version") || !strcmp(key, "verify") ||
	       !strcmp(key, "hot_add_form") || !strcmp(key, "bench_hot_add") ||
	       !strcmp(key, "hot_add_range") ||
	       !strcmp(key, "auto") || !strcmp(key, "scribble") ||
	       !strcmp(key, "verify_now") || !strcmp(key, "reports_reset") ||
	       !strcmp(key, "fault") || !strcmp(key, "unballoon_shape") ||
	       !strcmp(key, "bad_unballoon");
}

static ssize_t lis_dm_write(struct file *file, const char __user *ubuf,
			    size_t count, loff_t *ppos)
{
	struct lis_sim *sim = file_inode(file)->i_private;
	struct lis_dm_cmd c = { .arg = "" };
	char *buf, *cmd, *sp;
	u64 start, size;
	int ret;

	if (!count || count >= LIS_DM_CMD_MAX)
		return -EINVAL;
	buf = memdup_user_nul(ubuf, count);
	if (IS_ERR(buf))
		return PTR_ERR(buf);
	cmd = strim(buf);
	sp = strchr(cmd, ' ');
	if (sp) {
		*sp = '\0';
		c.arg = skip_spaces(sp + 1);
	}
	c.key = cmd;
	ret = -EINVAL;
	if (!lis_dm_word_arg(c.key) && kstrtou64(c.arg, 0, &c.num)) {
		lis_dm_bad_cmd(&c, "needs a number");
		goto out;
	}
	if ((!strcmp(c.key, "auto") || !strcmp(c.key, "scribble") ||
	     !strcmp(c.key, "verify_now") || !strcmp(c.key, "reports_reset")) &&
	    *c.arg) {
		lis_dm_bad_cmd(&c, "takes no argument");
		goto out;
	}
	if (!strcmp(c.key, "bench_alloc")) {
		ret = c.num && c.num <= mb_pages(LIS_DM_MAX_MB) ?
		      lis_dm_mem_bench_alloc(sim->dm, c.num) :
		      lis_dm_bad_cmd(&c, "1 to 2^36 pages");
	} else if (!strcmp(c.key, "bench_hot_add")) {
		ret = lis_dm_parse_hotadd(c.arg, &start, &size) ?
		      lis_dm_bad_cmd(&c, "not SIZE@START") :
		      lis_dm_mem_bench_hot_add(sim->dm, start, size);
	} else {
		ret = lis_sim_host_call(sim, lis_dm_cmd_call, &c);
	}
out:
	kfree(buf);
	return ret ? ret : count;
}

static const struct file_operations lis_dm_fops = {
	.owner = THIS_MODULE,
	.open = lis_dm_open_file,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = single_release,
	.write = lis_dm_write,
};

/**
 * lis_dm_debugfs_init() - create /sys/kernel/debug/lis_sim/dm
 * @sim: the simulator, its debugfs directory made
 *
 * Removed with the directory.
 */
void lis_dm_debugfs_init(struct lis_sim *sim)
{
	if (sim->dm)
		debugfs_create_file("dm", 0644, sim->debugfs, sim,
				    &lis_dm_fops);
}

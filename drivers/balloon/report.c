// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis_balloon: status reports.
 *
 * A report goes out once a second, starting report_delay seconds after
 * the capabilities exchange, with the figures Linux's hv_balloon sends
 * (dm_policy.c): the cadence and the numbers hosts have been tested
 * against.
 *
 * With report=lis, the figures are lis's own and memory pressure sends a
 * report early: the kernel asks every shrinker how much it could free
 * when it reclaims, so a shrinker that frees nothing is a cheap "reclaim
 * is running" hook that works from a module on every supported kernel.
 * It brings the next report forward, at most once per DM_PRESSURE_GAP.
 *
 * The shrinker has no context pointer on every kernel, so the device it
 * reports for is held in dm_pressure_dev (one DM device per guest).
 */
#include <linux/jiffies.h>
#include <linux/mman.h>
#include <linux/mm.h>
#include <linux/mutex.h>

#include <lis/compat.h>
#include "core.h"
#include "trace.h"

#define DM_REPORT_PERIOD	HZ
/* Pressure reports: at most one per 200 ms. */
#define DM_PRESSURE_GAP		(HZ / 5)

/*
 * The device reports are sent for, and the pressure hook (report=lis
 * only).  dm_report_lock protects both against a concurrent report_delay
 * write; the shrinker itself reads dm_pressure_dev locklessly (it is
 * cleared only after the shrinker is gone).
 */
static DEFINE_MUTEX(dm_report_lock);
static struct lis_dm *dm_pressure_dev;
static struct shrinker *dm_shrinker;

static void dm_sample(struct lis_dm *dm, struct lis_dm_sample *s,
		      bool pressure)
{
	s->ballooned = atomic_long_read(&dm->pages_ballooned);
	/* Ballooned pages included, whatever the accounting. */
	s->total = totalram_pages() + (dm_shrink_total ? s->ballooned : 0);
	s->available = si_mem_available();
	s->committed_as = vm_memory_committed();
	s->added = atomic_long_read(&dm->pages_added);
	s->onlined = atomic_long_read(&dm->pages_onlined);
	s->lis = dm_report_lis;
	/* Linux's floor is of MemTotal as it is now. */
	s->floor = s->lis ? dm_floor_pages(dm) :
			    lis_dm_linux_floor(totalram_pages());
	s->pressure = s->lis && pressure;
}

/**
 * dm_committed_pages() - what the next report would say the demand is
 * @dm: the device
 *
 * Context: any.
 * Return: num_committed, in 4 KiB pages.
 */
u64 dm_committed_pages(struct lis_dm *dm)
{
	struct lis_dm_sample s;
	struct lis_dm_report r;

	dm_sample(dm, &s, false);
	lis_dm_report(&s, &r);
	return r.committed;
}

/*
 * One status report: sample, build, send.  Kept out of line: make bench
 * times it with function_graph against hv_balloon's post_status(), which
 * does the same work (its thread plans the next report outside it, as
 * dm_report_work() does here).
 */
static noinline void dm_report_post(struct lis_dm *dm, bool pressure)
{
	struct lis_dm_status st;
	struct lis_dm_sample s;
	struct lis_dm_report r;

	dm_sample(dm, &s, pressure);
	lis_dm_report(&s, &r);
	trace_lis_balloon_status(r.avail, r.committed, s.committed_as, r.used,
				 s.ballooned, s.added, s.onlined, pressure);
	WRITE_ONCE(dm->last_report, jiffies);
	if (!dm_send(dm, &st, lis_dm_status_report(&st, r.avail,
						     r.committed))) {
		atomic64_inc(&dm->stats.reports);
		if (pressure)
			atomic64_inc(&dm->stats.pressure_reports);
	}
}

/**
 * dm_report_work() - send one status report and plan the next
 * @work: &lis_dm.report_work
 *
 * Context: process, on the driver's workqueue.
 */
void dm_report_work(struct work_struct *work)
{
	struct lis_dm *dm = container_of(to_delayed_work(work), struct lis_dm,
					 report_work);
	bool pressure = atomic_xchg(&dm->pressure, 0);

	if (READ_ONCE(dm->stopping))
		return;
	dm_report_post(dm, pressure);
	if (!READ_ONCE(dm->stopping))
		queue_delayed_work(dm->wq, &dm->report_work,
				   DM_REPORT_PERIOD);
}

static unsigned long dm_pressure_count(struct shrinker *s,
				       struct shrink_control *sc)
{
	struct lis_dm *dm = READ_ONCE(dm_pressure_dev);
	unsigned long last;

	if (!dm || READ_ONCE(dm->stopping))
		return 0;
	last = READ_ONCE(dm->last_report);
	if (time_before(jiffies, last + DM_PRESSURE_GAP))
		return 0;
	/* Only once reporting has started: the first tick is still queued. */
	if (!atomic64_read(&dm->stats.reports) ||
	    atomic_xchg(&dm->pressure, 1))
		return 0;
	mod_delayed_work(dm->wq, &dm->report_work, 0);
	return 0;
}

static unsigned long dm_pressure_scan(struct shrinker *s,
				      struct shrink_control *sc)
{
	return SHRINK_STOP;
}

/**
 * dm_report_start() - schedule the first report, hook memory pressure
 *	(report=lis)
 * @dm: the device
 *
 * Context: process.
 * Return: 0, or -ENOMEM.
 */
int dm_report_start(struct lis_dm *dm)
{
	mutex_lock(&dm_report_lock);
	if (!dm_pressure_dev) {
		if (dm_report_lis) {
			dm_shrinker = lis_shrinker_create("lis_balloon",
							  dm_pressure_count,
							  dm_pressure_scan);
			if (!dm_shrinker) {
				mutex_unlock(&dm_report_lock);
				return -ENOMEM;
			}
		}
		WRITE_ONCE(dm_pressure_dev, dm);
	}
	queue_delayed_work(dm->wq, &dm->report_work,
			   READ_ONCE(dm_report_delay) * HZ);
	mutex_unlock(&dm_report_lock);
	return 0;
}

/**
 * dm_report_delay_changed() - report_delay was written after probe
 *
 * A first report still waiting goes out at the new delay, counted from
 * now.
 *
 * Context: process.
 */
void dm_report_delay_changed(void)
{
	struct lis_dm *dm;

	mutex_lock(&dm_report_lock);
	dm = dm_pressure_dev;
	if (dm && !READ_ONCE(dm->stopping) &&
	    !atomic64_read(&dm->stats.reports))
		mod_delayed_work(dm->wq, &dm->report_work,
				 READ_ONCE(dm_report_delay) * HZ);
	mutex_unlock(&dm_report_lock);
}

/**
 * dm_report_stop() - no more reports
 * @dm: the device
 *
 * Context: process.
 */
void dm_report_stop(struct lis_dm *dm)
{
	mutex_lock(&dm_report_lock);
	if (dm_pressure_dev == dm) {
		if (dm_shrinker)
			lis_shrinker_destroy(dm_shrinker);
		dm_shrinker = NULL;
		WRITE_ONCE(dm_pressure_dev, NULL);
	}
	WRITE_ONCE(dm->stopping, true);
	mutex_unlock(&dm_report_lock);
	cancel_delayed_work_sync(&dm->report_work);
}

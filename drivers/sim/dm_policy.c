// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Dynamic Memory balancer: from the guest's demand and the host's
 * settings, the next request to send.  Pure code (include/lis/shim.h
 * only), so that KUnit can check every decision with plain numbers.
 *
 * As the Hyper-V documentation describes it:
 *
 * - The target is the demand plus the memory buffer
 *   (demand * (100 + buffer%) / 100), never below Minimum nor above
 *   Maximum.  In manual mode the target is fixed by the operator, within
 *   the same bounds.
 * - Growing refills holes first: pages the guest ballooned out come back
 *   (unballoon) before any new memory is hot-added.  The automatic
 *   balancer hot-adds whole memory blocks of the guest, except that it
 *   never passes Maximum nor the memory the host has left to offer; a
 *   manual target is met to the page.  With a hot-add step it adds
 *   pieces of that size instead, each starting where the last ended.
 * - Shrinking balloons, never below Minimum.  The automatic balancer
 *   grows at once but shrinks only when the guest is more than the
 *   hysteresis H (at least one block, so that rounding a hot-add up to a
 *   block never triggers a balloon) above its target, only after a few
 *   reports in a row said so, and then only down to H/2 above the highest
 *   target those reports asked for: a demand that wobbles inside the band
 *   moves nothing, and the balancer does not oscillate.
 * - One request at a time, at most @step pages each; the caller paces
 *   them in time.
 * - A guest that answers a balloon request short is at its floor: asking
 *   again at once would only burn both sides' time.  Each short answer in
 *   a row doubles the wait before the next balloon request, up to 2^6
 *   request intervals; a full answer, or any memory the guest gains,
 *   ends the back-off.  Growing never waits for it.
 */
#include "dm_policy.h"

static u64 lis_dm_clamp(const struct lis_dm_policy *p, u64 pages)
{
	if (pages > p->maximum)
		pages = p->maximum;
	if (pages < p->minimum)
		pages = p->minimum;
	return pages;
}

static u64 lis_dm_min(u64 a, u64 b)
{
	return a < b ? a : b;
}

/**
 * lis_dm_policy_target() - the memory the guest should have
 * @p: settings
 * @demand: the guest's demand, in pages
 *
 * Context: any; pure.
 * Return: the target, in pages, within [minimum, maximum] (minimum wins
 * if the settings are inconsistent).
 */
u64 lis_dm_policy_target(const struct lis_dm_policy *p, u64 demand)
{
	u64 target;

	if (p->manual)
		return lis_dm_clamp(p, p->manual_target);
	/* demand < 2^40 and buffer_pct < 2^20: no overflow. */
	target = demand + demand * p->buffer_pct / 100;
	return lis_dm_clamp(p, target);
}

/**
 * lis_dm_policy_hysteresis() - how far above target the automatic
 *	balancer lets the guest stay
 * @p: settings
 * @assigned: the guest's memory now
 *
 * Return: max(block, hysteresis_pct % of @assigned), in pages.
 */
u64 lis_dm_policy_hysteresis(const struct lis_dm_policy *p, u64 assigned)
{
	u64 h = assigned / 100 * p->hysteresis_pct;

	return h > p->block ? h : p->block;
}

/**
 * lis_dm_policy_report() - account for a new status report
 * @p: settings
 * @v: the view, with the report's demand; its shrink_streak is updated
 *
 * Context: any; pure.
 */
void lis_dm_policy_report(const struct lis_dm_policy *p,
			  struct lis_dm_view *v)
{
	u64 target = lis_dm_policy_target(p, v->demand);

	if (target < v->assigned &&
	    v->assigned - target > lis_dm_policy_hysteresis(p, v->assigned)) {
		/*
		 * The peak is the highest target of the last shrink_reports
		 * reports, not of the whole streak: once a window is full a
		 * new one starts, so a report from before a load ended
		 * cannot hold the balloon up for good.
		 */
		if (!v->shrink_streak ||
		    v->shrink_streak >= (p->shrink_reports ?: 1)) {
			v->shrink_streak = 0;
			v->shrink_peak = target;
		} else if (target > v->shrink_peak) {
			v->shrink_peak = target;
		}
		v->shrink_streak++;
	} else {
		v->shrink_streak = 0;
		v->shrink_peak = 0;
	}
}

/**
 * lis_dm_policy_answered() - account for the guest's answer to a
 *	balancer request
 * @v: the view; its balloon_misses is updated
 * @action: enum lis_dm_action of the request
 * @asked: pages asked
 * @done: pages the guest moved (a timeout counts as what came before it)
 *
 * Context: any; pure.
 */
void lis_dm_policy_answered(struct lis_dm_view *v, int action, u64 asked,
			    u64 done)
{
	if (action == LIS_DM_ACT_BALLOON && done < asked) {
		if (v->balloon_misses <= LIS_DM_BACKOFF_SHIFT_MAX)
			v->balloon_misses++;
	} else if (action == LIS_DM_ACT_BALLOON || done) {
		v->balloon_misses = 0;
	}
}

/**
 * lis_dm_policy_backoff() - how long the next balloon request waits
 * @v: the view
 *
 * Context: any; pure.
 * Return: the wait, in request intervals: 1 normally, 2^n after n short
 * answers in a row, at most 2^LIS_DM_BACKOFF_SHIFT_MAX.
 */
u32 lis_dm_policy_backoff(const struct lis_dm_view *v)
{
	u32 shift = v->balloon_misses;

	if (shift > LIS_DM_BACKOFF_SHIFT_MAX)
		shift = LIS_DM_BACKOFF_SHIFT_MAX;
	return 1U << shift;
}

static void lis_dm_grow(const struct lis_dm_policy *p,
			const struct lis_dm_view *v, u64 need,
			struct lis_dm_decision *d)
{
	u64 pages;

	if (v->ballooned) {
		d->action = LIS_DM_ACT_UNBALLOON;
		d->pages = lis_dm_min(need, v->ballooned);
		return;
	}
	if (!v->can_hot_add || !v->hot_add_room || !p->block)
		return;
	/*
	 * Whole blocks, but not past Maximum nor past what there is.  A
	 * manual target is met exactly: the guest adds the whole block and
	 * backs only what was asked, and a later request fills the gap.
	 * With @ha_step, sub-block steps as some hosts send them: each one
	 * starts where the last ended, inside a block already added.
	 */
	pages = need;
	if (p->ha_step) {
		pages = lis_dm_min(need, p->ha_step);
	} else if (!p->manual) {
		pages = (need + p->block - 1) / p->block * p->block;
		if (p->step && pages > p->step)
			pages = p->step / p->block ?
				p->step / p->block * p->block : p->block;
	}
	pages = lis_dm_min(pages, v->hot_add_room);
	if (p->maximum > v->assigned)
		pages = lis_dm_min(pages, p->maximum - v->assigned);
	else
		pages = 0;
	if (!pages)
		return;
	d->action = LIS_DM_ACT_HOT_ADD;
	d->pages = pages;
}

/**
 * lis_dm_policy_decide() - the next request, if any
 * @p: settings
 * @v: the host's view now (no request in flight)
 * @d: receives the decision; action NONE when the guest is where it
 *	should be, or nothing can move it there
 *
 * Context: any; pure.
 */
void lis_dm_policy_decide(const struct lis_dm_policy *p,
			  const struct lis_dm_view *v,
			  struct lis_dm_decision *d)
{
	u64 target = lis_dm_policy_target(p, v->demand);
	u64 diff, goal, h;

	d->action = LIS_DM_ACT_NONE;
	d->pages = 0;
	d->target = target;

	if (target > v->assigned) {
		diff = target - v->assigned;
		if (!p->manual && diff < LIS_DM_GROW_MIN)
			return;
		if (p->step)
			diff = lis_dm_min(diff, p->step);
		lis_dm_grow(p, v, diff, d);
		return;
	}
	if (target == v->assigned || !v->can_balloon)
		return;
	diff = v->assigned - target;
	if (!p->manual) {
		h = lis_dm_policy_hysteresis(p, v->assigned);
		if (diff <= h || v->shrink_streak < p->shrink_reports)
			return;
		goal = (v->shrink_peak > target ? v->shrink_peak : target) + h / 2;
		if (goal >= v->assigned)
			return;
		diff = v->assigned - goal;
	}
	if (p->step)
		diff = lis_dm_min(diff, p->step);
	d->action = LIS_DM_ACT_BALLOON;
	d->pages = diff;
}

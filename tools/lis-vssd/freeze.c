// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis-vssd: freezing and thawing through /dev/lis_vss.
 *
 * vssd_freeze() reads the mount table, reaches the mounts the planner
 * may choose (probe.c: by mount ID, never through a file system that may
 * hang), asks the planner what to freeze, opens every chosen file system
 * first (nothing is looked up once the first one is frozen), then hands
 * the descriptors to the kernel one by one with LIS_VSS_IOC_FREEZE_FD,
 * in the planner's order.  The kernel keeps the stack of what it froze
 * for us and thaws it in reverse with LIS_VSS_IOC_THAW_ALL, or by itself
 * if we die.
 *
 * Per file system, the kernel's answer decides:
 *   0           frozen by us: counted, thawed by us
 *   EBUSY       frozen by someone else (fsfreeze): left alone, not
 *               counted, never thawed by us
 *   EOPNOTSUPP  the file system type cannot freeze: nothing to do
 *   EROFS       read-only by now: nothing to do
 *   EALREADY    the same superblock, already frozen by us
 *   anything else fails the whole freeze.  Whether the host is told
 *   success is decided in one place, window.c, when the window opens: a
 *   file system that could not be reached fails it as well.  On failure
 *   what we froze is thawed and the error goes back to the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/lis_vss.h>

#include "freeze.h"
#include "log.h"
#include "mountinfo.h"
#include "plan.h"
#include "probe.h"
#include "reach.h"
#include "window.h"

#define MOUNTINFO_MAX	(16 << 20)

/* slurp: the whole of a /proc file, NUL-terminated; NULL on failure. */
static char *slurp(const char *path, size_t *len)
{
	size_t cap = 16384, n = 0;
	char *buf = NULL;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	for (;;) {
		ssize_t r;

		if (!buf || n + 1 >= cap) {
			char *p;

			if (buf)
				cap *= 2;
			p = cap > MOUNTINFO_MAX ? NULL : realloc(buf, cap);
			if (!p) {
				free(buf);
				close(fd);
				errno = ENOMEM;
				return NULL;
			}
			buf = p;
		}
		r = read(fd, buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			free(buf);
			close(fd);
			return NULL;
		}
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	*len = n;
	return buf;
}

/* load: the mount table, probed and planned. */
static int load(const char *mountinfo, struct vssd_mounts *ms,
		struct vssd_probed *pd, struct vssd_plan *plan)
{
	size_t len, bad;
	char *text;
	int ret;

	memset(ms, 0, sizeof(*ms));
	text = slurp(mountinfo, &len);
	if (!text) {
		ret = -errno;
		err("%s: %s", mountinfo, strerror(errno));
		return ret;
	}
	ret = vssd_parse_mountinfo(text, len, ms, &bad);
	free(text);
	if (ret)
		goto out_free;
	if (bad)
		warn("%s: %zu malformed lines ignored", mountinfo, bad);
	ret = vssd_probe_all(ms, pd);
	if (ret)
		goto out_free;
	ret = vssd_plan(ms, pd->p, plan);
	if (ret == -ELOOP)
		err("loop devices back each other in a cycle: no safe freeze order, nothing frozen");
	if (ret)
		goto out_probe;
	return 0;
out_probe:
	vssd_probe_free(pd);
out_free:
	vssd_mounts_free(ms);
	return ret;
}

/*
 * why_unreached: in @buf, why planned mount @i has no descriptor, and
 * the errno to answer with.
 */
static int why_unreached(const struct vssd_mounts *ms,
			 const struct vssd_probed *pd, size_t i, char *buf,
			 size_t size)
{
	size_t *hops = calloc(ms->nr ? ms->nr : 1, sizeof(*hops));
	long blocker = -1;
	size_t nr;
	int ret;

	ret = hops ? vssd_reach(ms, i, hops, &nr, &blocker) : -ENOMEM;
	free(hops);
	if (ret == -EXDEV && blocker >= 0) {
		snprintf(buf, size, "hidden under %s (%s %u:%u), and no other mount of it can be reached",
			 ms->m[blocker].mount_point, ms->m[blocker].fstype,
			 ms->m[blocker].major, ms->m[blocker].minor);
		return -EXDEV;
	}
	if (!ret)
		ret = pd->error[i] ? pd->error[i] : -ENOENT;
	snprintf(buf, size, "cannot be reached: %s", strerror(-ret));
	return ret;
}

/**
 * vssd_print_plan() - print what a freeze would do now (--plan)
 * @mountinfo: the mount table to read
 *
 * One line per mount: the verdict (freeze with its rank, or skip-*), the
 * mount point, the type and major:minor; for a file system frozen early
 * because a loop device below it has its backing file on another, which
 * one and why; for one that cannot be reached, why (a backup would fail).
 *
 * Return: 0 or -errno.
 */
int vssd_print_plan(const char *mountinfo)
{
	struct vssd_probed pd;
	struct vssd_mounts ms;
	struct vssd_plan plan;
	char why[512];
	size_t i;
	int ret;

	ret = load(mountinfo, &ms, &pd, &plan);
	if (ret)
		return ret;
	for (i = 0; i < plan.nr_order; i++) {
		size_t k = plan.order[i];
		const struct vssd_mount *m = &ms.m[k];

		printf("freeze %zu %s %s %u:%u", i + 1, m->mount_point,
		       m->fstype, m->major, m->minor);
		if (plan.before[k] >= 0) {
			const struct vssd_backing *b =
				&pd.p[k].backing[plan.before_via[k]];

			printf(" before %s (%s backing file %s)",
			       ms.m[plan.before[k]].mount_point, b->dev,
			       b->file);
		}
		if (!pd.p[k].reached) {
			why_unreached(&ms, &pd, k, why, sizeof(why));
			printf(" unreachable: %s: a backup would fail", why);
		}
		printf("\n");
	}
	for (i = 0; i < ms.nr; i++) {
		size_t nr;
		long blocker;

		if (plan.verdict[i] == VSSD_FREEZE)
			continue;
		printf("%s - %s %s %u:%u", vssd_verdict_name(plan.verdict[i]),
		       ms.m[i].mount_point, ms.m[i].fstype, ms.m[i].major,
		       ms.m[i].minor);
		if (plan.verdict[i] == VSSD_SKIP_BELOW) {
			size_t *hops = calloc(ms.nr, sizeof(*hops));

			if (hops && vssd_reach(&ms, i, hops, &nr, &blocker) ==
			    -EREMOTE)
				printf(" below %s (%s)",
				       ms.m[blocker].mount_point,
				       ms.m[blocker].fstype);
			free(hops);
		}
		printf("\n");
	}
	vssd_plan_free(&plan);
	vssd_probe_free(&pd);
	vssd_mounts_free(&ms);
	return 0;
}

static void forget(struct vssd_frozen *fr)
{
	size_t i;

	for (i = 0; i < fr->nr; i++)
		free(fr->points[i]);
	free(fr->points);
	fr->points = NULL;
	fr->nr = 0;
}

/*
 * open_all: a descriptor to freeze through per planned mount (-1 where
 * none), opened from the probe's descriptor of the mount's root, never
 * by path; @st says what became of each.
 */
static int *open_all(const struct vssd_mounts *ms,
		     const struct vssd_probed *pd,
		     const struct vssd_plan *plan, struct vssd_fs_state *st)
{
	int *fds = calloc(plan->nr_order ? plan->nr_order : 1, sizeof(*fds));
	size_t i;

	if (!fds)
		return NULL;
	for (i = 0; i < plan->nr_order; i++) {
		size_t k = plan->order[i];
		char why[512];

		fds[i] = -1;
		if (pd->fd[k] < 0) {
			st[i].outcome = VSSD_UNREACHABLE;
			st[i].error = -why_unreached(ms, pd, k, why,
						     sizeof(why));
			err("%s (%s %u:%u): %s: the backup fails",
			    ms->m[k].mount_point, ms->m[k].fstype,
			    ms->m[k].major, ms->m[k].minor, why);
			continue;
		}
		fds[i] = openat(pd->fd[k], ".",
				O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOCTTY);
		if (fds[i] < 0) {
			st[i].outcome = VSSD_UNREACHABLE;
			st[i].error = errno;
			err("%s (%s %u:%u): cannot open: %s: the backup fails",
			    ms->m[k].mount_point, ms->m[k].fstype,
			    ms->m[k].major, ms->m[k].minor, strerror(errno));
		}
	}
	return fds;
}

static void close_all(int *fds, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	free(fds);
}

/* note: log what the kernel said about planned mount @m. */
static void note(const struct vssd_mount *m, const struct vssd_fs_state *st)
{
	switch (st->outcome) {
	case VSSD_FROZEN:
		info("froze %s (%s %u:%u)", m->mount_point, m->fstype,
		     m->major, m->minor);
		break;
	case VSSD_FROZEN_BY_OTHER:
		warn("%s: already frozen by someone else: left as it is, not thawed by us",
		     m->mount_point);
		break;
	case VSSD_CANNOT_FREEZE:
		warn("%s: %s cannot be frozen: skipped", m->mount_point,
		     m->fstype);
		break;
	case VSSD_NOW_READONLY:
		info("%s: read-only: skipped", m->mount_point);
		break;
	case VSSD_SAME_SB:
		info("%s: same file system as one already frozen",
		     m->mount_point);
		break;
	default:
		break;
	}
}

/**
 * vssd_freeze() - freeze every file system the plan chose, in its order
 * @dev: the open /dev/lis_vss
 * @mountinfo: the mount table to read
 * @fr: receives what we froze; @fr->active is set once anything may be
 *	frozen, and logs are held from then until vssd_thaw()
 *
 * Succeeds only if every file system the plan chose is frozen when it
 * returns (window.c says what counts); else whatever was frozen is thawed
 * again, the log names the file system and why, and logs are released.
 * A file system known not to be freezable before the first freeze (it
 * cannot be reached) fails the backup with nothing frozen.
 *
 * Return: the number of file systems frozen by us, or -errno.
 */
int vssd_freeze(int dev, const char *mountinfo, struct vssd_frozen *fr)
{
	size_t i, busy = 0, unsupported = 0;
	struct vssd_fs_state *st = NULL;
	struct vssd_probed pd;
	struct vssd_mounts ms;
	struct vssd_plan plan;
	int *fds = NULL, ret;
	long bad;

	forget(fr);
	ret = load(mountinfo, &ms, &pd, &plan);
	if (ret)
		return ret;
	st = calloc(plan.nr_order ? plan.nr_order : 1, sizeof(*st));
	fr->points = calloc(plan.nr_order ? plan.nr_order : 1,
			    sizeof(*fr->points));
	if (st)
		fds = open_all(&ms, &pd, &plan, st);
	if (!st || !fds || !fr->points) {
		ret = -ENOMEM;
		goto out_free;
	}
	bad = vssd_window_check(st, plan.nr_order, false);
	if (bad >= 0) {
		ret = -st[bad].error;
		err("nothing frozen: the backup would not hold %s",
		    ms.m[plan.order[bad]].mount_point);
		goto out_free;
	}

	/* From here on, nothing may be written to a file system: hold logs. */
	vssd_log_hold();
	fr->active = true;
	for (i = 0; i < plan.nr_order; i++) {
		const struct vssd_mount *m = &ms.m[plan.order[i]];
		char *point = strdup(m->mount_point);
		__s32 fd = fds[i];
		int e;

		if (!point) {
			ret = -ENOMEM;
			goto out_thaw;
		}
		e = ioctl(dev, LIS_VSS_IOC_FREEZE_FD, &fd) ? errno : 0;
		st[i].outcome = vssd_outcome_of(e);
		st[i].error = e;
		note(m, &st[i]);
		if (st[i].outcome == VSSD_FROZEN)
			fr->points[fr->nr++] = point;
		else
			free(point);
		busy += st[i].outcome == VSSD_FROZEN_BY_OTHER;
		unsupported += st[i].outcome == VSSD_CANNOT_FREEZE;
		if (st[i].outcome == VSSD_FAILED)
			break;
	}
	/* The window opens now: the one check of the invariant. */
	bad = vssd_window_check(st, plan.nr_order, true);
	if (bad >= 0) {
		const struct vssd_mount *m = &ms.m[plan.order[bad]];

		ret = st[bad].error ? -st[bad].error : -EIO;
		vssd_thaw(dev, fr);
		err("%s (%s %u:%u): %s: %s: the backup fails, everything thawed",
		    m->mount_point, m->fstype, m->major, m->minor,
		    vssd_outcome_name(st[bad].outcome), strerror(-ret));
		goto out_free;
	}
	info("frozen: %zu file systems by us, %zu already frozen, %zu cannot freeze",
	     fr->nr, busy, unsupported);
	ret = (int)fr->nr;
	goto out_free;

out_thaw:
	vssd_thaw(dev, fr);
out_free:
	if (fds)
		close_all(fds, plan.nr_order);
	free(st);
	vssd_plan_free(&plan);
	vssd_probe_free(&pd);
	vssd_mounts_free(&ms);
	return ret;
}

/**
 * vssd_thaw() - thaw everything frozen through the device, in reverse
 * @dev: the open /dev/lis_vss
 * @fr: what we froze; emptied
 *
 * Releases the logs held since the freeze, then logs what was thawed.
 *
 * Return: how many file systems the kernel thawed, or -errno.
 */
int vssd_thaw(int dev, struct vssd_frozen *fr)
{
	int ret = ioctl(dev, LIS_VSS_IOC_THAW_ALL);
	int saved = errno;
	size_t i;

	fr->active = false;
	vssd_log_release();
	if (ret < 0) {
		err("thaw failed: %s", strerror(saved));
		forget(fr);
		return -saved;
	}
	if ((size_t)ret == fr->nr) {
		for (i = fr->nr; i-- > 0;)
			info("thawed %s", fr->points[i]);
	} else {
		/* The kernel thawed some on its own: its thaw timeout. */
		warn("the kernel thawed %d file systems now; we had frozen %zu, the kernel had thawed the rest on its own",
		     ret, fr->nr);
		for (i = fr->nr; i-- > 0;)
			info("was frozen: %s", fr->points[i]);
	}
	forget(fr);
	return ret;
}

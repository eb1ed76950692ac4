// SPDX-License-Identifier: GPL-2.0-only
/*
 * lis-vssd: the freeze planner.
 *
 * Rules, in the order they are applied to each mount of the table:
 *
 * 1. read-only mounts are skipped (per-mount or per-superblock "ro");
 * 2. pseudo file systems (proc, sysfs, tmpfs, cgroup, overlay, ...) and
 *    network or FUSE file systems are skipped by type;
 * 3. file systems without a block device (st_dev major 0) are skipped,
 *    except btrfs, which always reports an anonymous device;
 * 4. mount points that are not directories (bind-mounted files) are
 *    skipped: the kernel freezes through a directory descriptor;
 * 5. mounts whose mount point can only be reached by looking names up
 *    in a network, FUSE or autofs mount are skipped (reach.c): such a
 *    lookup may never return, and the file system above them is not
 *    frozen either;
 * 6. of several mounts of one superblock (same major:minor in mountinfo,
 *    which is the superblock's device number) only one is kept: one the
 *    daemon can reach (not hidden under another mount), then the one
 *    showing the file system's root, else the shallowest, else the
 *    first in the table.
 *
 * Order: a file system with a loop device below it (directly, or under a
 * partition, device-mapper or md device) whose backing file lives on
 * another frozen file system must be frozen before that one, or flushing
 * it would write into a frozen file system and hang: these are hard
 * constraints (a cycle of them is refused with -ELOOP).  Which file
 * system holds a backing file is found from the mount table alone
 * (vssd_resolve()), never by a lookup, and by superblock, so that a
 * btrfs subvolume or a bind mount holding the file counts as its file
 * system.  A mount must also be frozen before the file system it is
 * mounted on (children before parents), unless that contradicts the
 * loop rule, in which case only the loop rule holds.  Among the file
 * systems free to go next, the deepest in the mount tree goes first,
 * then the one mounted last.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "plan.h"
#include "reach.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static const char *const pseudo_types[] = {
	"autofs", "binfmt_misc", "bpf", "cgroup", "cgroup2", "configfs",
	"debugfs", "devpts", "devtmpfs", "efivarfs", "fusectl", "hugetlbfs",
	"mqueue", "nsfs", "overlay", "proc", "pstore", "ramfs", "rootfs",
	"rpc_pipefs", "securityfs", "selinuxfs", "squashfs", "sysfs",
	"tmpfs", "tracefs", "iso9660", "zonefs",
};

static const char *const network_types[] = {
	"9p", "afs", "ceph", "cifs", "coda", "fuse", "fuseblk", "glusterfs",
	"gfs2", "lustre", "ncpfs", "nfs", "nfs4", "ocfs2", "smb3", "smbfs",
	"sshfs", "virtiofs",
};

static bool in_list(const char *s, const char *const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(s, list[i]))
			return true;
	return false;
}

/**
 * vssd_fstype_pseudo() - whether a file system type holds no user data
 * @fstype: mountinfo's type field
 *
 * Return: true for proc, sysfs, tmpfs and the like.
 */
bool vssd_fstype_pseudo(const char *fstype)
{
	return in_list(fstype, pseudo_types, ARRAY_SIZE(pseudo_types));
}

/**
 * vssd_fstype_network() - whether a file system type is remote or FUSE
 * @fstype: mountinfo's type field ("fuse.sshfs" counts as FUSE)
 *
 * Return: true for nfs, cifs, fuse.* and the like.
 */
bool vssd_fstype_network(const char *fstype)
{
	return !strncmp(fstype, "fuse.", 5) ||
	       in_list(fstype, network_types,
		       ARRAY_SIZE(network_types));
}

/**
 * vssd_verdict_name() - a verdict as one word, for logs and --plan
 * @v: the verdict
 *
 * Return: a static string.
 */
const char *vssd_verdict_name(enum vssd_verdict v)
{
	switch (v) {
	case VSSD_FREEZE:
		return "freeze";
	case VSSD_SKIP_RO:
		return "skip-readonly";
	case VSSD_SKIP_PSEUDO:
		return "skip-pseudo";
	case VSSD_SKIP_NETWORK:
		return "skip-network";
	case VSSD_SKIP_NODEV:
		return "skip-nodev";
	case VSSD_SKIP_NOTDIR:
		return "skip-notdir";
	case VSSD_SKIP_DUP:
		return "skip-bind";
	case VSSD_SKIP_BELOW:
		return "skip-below-network";
	}
	return "unknown";
}

/* find: the index of mount @id in the table, or -1. */
static long find(const struct vssd_mounts *ms, unsigned int id)
{
	size_t i;

	for (i = 0; i < ms->nr; i++)
		if (ms->m[i].id == id)
			return (long)i;
	return -1;
}

/*
 * depth: steps from mount @i up to the namespace root.  A malformed table
 * may have parent cycles; the walk stops after as many steps as mounts.
 */
static unsigned int depth(const struct vssd_mounts *ms, size_t i)
{
	unsigned int d = 0;
	size_t steps;

	for (steps = 0; steps < ms->nr; steps++) {
		long p;

		if (ms->m[i].parent_id == ms->m[i].id)
			break;
		p = find(ms, ms->m[i].parent_id);
		if (p < 0)
			break;
		i = (size_t)p;
		d++;
	}
	return d;
}

static enum vssd_verdict filter(const struct vssd_mounts *ms, size_t i,
				const struct vssd_probe *probe, size_t *hops)
{
	const struct vssd_mount *m = &ms->m[i];
	size_t nr;
	long blocker;

	if (m->read_only)
		return VSSD_SKIP_RO;
	if (vssd_fstype_pseudo(m->fstype))
		return VSSD_SKIP_PSEUDO;
	if (vssd_fstype_network(m->fstype))
		return VSSD_SKIP_NETWORK;
	if (m->major == 0 && strcmp(m->fstype, "btrfs"))
		return VSSD_SKIP_NODEV;
	if (vssd_reach(ms, i, hops, &nr, &blocker) == -EREMOTE)
		return VSSD_SKIP_BELOW;
	if (probe && !probe->is_dir)
		return VSSD_SKIP_NOTDIR;
	return VSSD_FREEZE;
}

/* better: whether mount @a is a better representative of its superblock. */
static bool better(const struct vssd_mounts *ms, const unsigned int *dep,
		   const bool *reach, size_t a, size_t b)
{
	bool ra = !strcmp(ms->m[a].root, "/");
	bool rb = !strcmp(ms->m[b].root, "/");

	if (reach[a] != reach[b])
		return reach[a];
	if (ra != rb)
		return ra;
	if (dep[a] != dep[b])
		return dep[a] < dep[b];
	return a < b;
}

static bool same_sb(const struct vssd_mount *a, const struct vssd_mount *b)
{
	return a->major == b->major && a->minor == b->minor;
}

/*
 * struct edges - the "before" relation between frozen mounts
 * @anc: per mount, the frozen mount standing for its nearest ancestor on
 *	another superblock, or -1
 * @tree: whether children must precede their parents (else only the
 *	loop rule holds)
 * @held: per mount, from @held[@off[i]] on, @probe[i].nr_backing
 *	entries: the mount holding each backing file, or -1
 * @off: per mount, where its entries of @held start
 */
struct edges {
	long *anc;
	bool tree;
	long *held;
	size_t *off;
};

/* rep: the frozen mount that stands for mount @i's superblock, or -1. */
static long rep(const struct vssd_mounts *ms, const struct vssd_plan *plan,
		size_t i)
{
	size_t j;

	for (j = 0; j < ms->nr; j++)
		if (plan->verdict[j] == VSSD_FREEZE &&
		    same_sb(&ms->m[i], &ms->m[j]))
			return (long)j;
	return -1;
}

static void ancestors(const struct vssd_mounts *ms,
		      const struct vssd_plan *plan, long *anc)
{
	size_t i, steps;

	for (i = 0; i < ms->nr; i++) {
		size_t cur = i;

		anc[i] = -1;
		if (plan->verdict[i] != VSSD_FREEZE)
			continue;
		for (steps = 0; steps < ms->nr; steps++) {
			long p;

			if (ms->m[cur].parent_id == ms->m[cur].id)
				break;
			p = find(ms, ms->m[cur].parent_id);
			if (p < 0)
				break;
			cur = (size_t)p;
			if (same_sb(&ms->m[cur], &ms->m[i]))
				continue;
			anc[i] = rep(ms, plan, cur);
			if (anc[i] >= 0)
				break;
		}
	}
}

/*
 * backs: the index into @probe[a].backing of a loop device under @a whose
 * backing file is on @b's superblock, or -1.
 */
static long backs(const struct vssd_mounts *ms,
		  const struct vssd_probe *probe, const struct edges *e,
		  size_t a, size_t b)
{
	size_t k;

	if (!probe)
		return -1;
	for (k = 0; k < probe[a].nr_backing; k++) {
		long h = e->held[e->off[a] + k];

		if (h >= 0 && same_sb(&ms->m[h], &ms->m[b]))
			return (long)k;
	}
	return -1;
}

/* must_precede: whether frozen mount @a must be frozen before @b. */
static bool must_precede(const struct vssd_mounts *ms,
			 const struct vssd_probe *probe,
			 const struct edges *e, size_t a, size_t b)
{
	if (a == b || same_sb(&ms->m[a], &ms->m[b]))
		return false;
	if (e->tree && e->anc[a] == (long)b)
		return true;
	return backs(ms, probe, e, a, b) >= 0;
}

/* holders: where each backing file of each mount is (e->held, e->off). */
static int holders(const struct vssd_mounts *ms,
		   const struct vssd_probe *probe, struct edges *e)
{
	size_t i, k, total = 0;

	e->off = calloc(ms->nr ? ms->nr : 1, sizeof(*e->off));
	if (!e->off)
		return -ENOMEM;
	for (i = 0; probe && i < ms->nr; i++) {
		e->off[i] = total;
		total += probe[i].nr_backing;
	}
	e->held = calloc(total ? total : 1, sizeof(*e->held));
	if (!e->held)
		return -ENOMEM;
	for (i = 0; probe && i < ms->nr; i++)
		for (k = 0; k < probe[i].nr_backing; k++)
			e->held[e->off[i] + k] =
				vssd_resolve(ms, probe[i].backing[k].file,
					     NULL, NULL);
	return 0;
}

/* explain: for --plan and the log, which mount each one goes before. */
static void explain(const struct vssd_mounts *ms,
		    const struct vssd_probe *probe, const struct edges *e,
		    struct vssd_plan *plan)
{
	size_t i, j;

	for (i = 0; i < ms->nr; i++) {
		plan->before[i] = -1;
		if (plan->verdict[i] != VSSD_FREEZE)
			continue;
		for (j = 0; j < ms->nr; j++) {
			long k;

			if (j == i || plan->verdict[j] != VSSD_FREEZE ||
			    same_sb(&ms->m[i], &ms->m[j]))
				continue;
			k = backs(ms, probe, e, i, j);
			if (k >= 0) {
				plan->before[i] = (long)j;
				plan->before_via[i] = (size_t)k;
				break;
			}
		}
	}
}

/*
 * order: Kahn's algorithm over the "before" relation, the deepest (then
 * the last mounted) first among those free to go; -ELOOP if it is cyclic.
 */
static int order(const struct vssd_mounts *ms, const struct vssd_probe *probe,
		 const struct edges *e, struct vssd_plan *plan)
{
	size_t nr = 0, i, j;
	size_t *pending = NULL;
	bool *done = NULL;
	int err = -ENOMEM;

	pending = calloc(ms->nr ? ms->nr : 1, sizeof(*pending));
	done = calloc(ms->nr ? ms->nr : 1, sizeof(*done));
	if (!pending || !done)
		goto out_free;
	for (i = 0; i < ms->nr; i++) {
		if (plan->verdict[i] != VSSD_FREEZE) {
			done[i] = true;
			continue;
		}
		nr++;
		for (j = 0; j < ms->nr; j++)
			if (plan->verdict[j] == VSSD_FREEZE &&
			    must_precede(ms, probe, e, j, i))
				pending[i]++;
	}
	plan->nr_order = 0;
	while (plan->nr_order < nr) {
		long best = -1;

		for (i = 0; i < ms->nr; i++) {
			if (done[i] || pending[i])
				continue;
			if (best < 0 || plan->depth[i] > plan->depth[best] ||
			    (plan->depth[i] == plan->depth[best] &&
			     i > (size_t)best))
				best = (long)i;
		}
		if (best < 0) {
			plan->nr_order = 0;
			err = -ELOOP;
			goto out_free;
		}
		done[best] = true;
		plan->order[plan->nr_order++] = (size_t)best;
		for (j = 0; j < ms->nr; j++)
			if (!done[j] &&
			    must_precede(ms, probe, e, (size_t)best, j))
				pending[j]--;
	}
	err = 0;
out_free:
	free(done);
	free(pending);
	return err;
}

/**
 * vssd_plan() - decide what to freeze, and in which order
 * @ms: the mount table
 * @probe: one entry per mount, or NULL (every mount point a directory,
 *	reached when the table says it can be, no loop devices)
 * @plan: receives the plan; free it with vssd_plan_free()
 *
 * Return: 0; -ELOOP if loop devices back each other in a cycle, so that
 * no order is safe (nothing may be frozen then); or -ENOMEM.  @plan is
 * empty (zeroed) on failure.
 */
int vssd_plan(const struct vssd_mounts *ms, const struct vssd_probe *probe,
	      struct vssd_plan *plan)
{
	size_t n = ms->nr ? ms->nr : 1, i, j, nr;
	struct edges e = { 0 };
	size_t *hops = NULL;
	bool *reach = NULL;
	long blocker;
	int err = -ENOMEM;

	memset(plan, 0, sizeof(*plan));
	plan->verdict = calloc(n, sizeof(*plan->verdict));
	plan->order = calloc(n, sizeof(*plan->order));
	plan->depth = calloc(n, sizeof(*plan->depth));
	plan->before = calloc(n, sizeof(*plan->before));
	plan->before_via = calloc(n, sizeof(*plan->before_via));
	hops = calloc(n, sizeof(*hops));
	reach = calloc(n, sizeof(*reach));
	e.anc = calloc(n, sizeof(*e.anc));
	if (!plan->verdict || !plan->order || !plan->depth || !plan->before ||
	    !plan->before_via || !hops || !reach || !e.anc)
		goto out_free;
	for (i = 0; i < ms->nr; i++) {
		plan->depth[i] = depth(ms, i);
		plan->verdict[i] = filter(ms, i, probe ? &probe[i] : NULL,
					  hops);
		reach[i] = !vssd_reach(ms, i, hops, &nr, &blocker) &&
			   (!probe || probe[i].reached);
	}
	/* One representative per superblock. */
	for (i = 0; i < ms->nr; i++) {
		if (plan->verdict[i] != VSSD_FREEZE)
			continue;
		for (j = 0; j < ms->nr; j++) {
			if (j == i || plan->verdict[j] != VSSD_FREEZE ||
			    !same_sb(&ms->m[i], &ms->m[j]))
				continue;
			if (better(ms, plan->depth, reach, j, i)) {
				plan->verdict[i] = VSSD_SKIP_DUP;
				break;
			}
		}
	}
	err = holders(ms, probe, &e);
	if (err)
		goto out_free;
	/*
	 * Children before parents, and images before their holders; if the
	 * two rules contradict each other (an image's holder mounted below
	 * the image), the loop rule alone decides, depth breaking ties.
	 */
	ancestors(ms, plan, e.anc);
	e.tree = true;
	err = order(ms, probe, &e, plan);
	if (err == -ELOOP) {
		e.tree = false;
		err = order(ms, probe, &e, plan);
	}
	if (err)
		goto out_free;
	explain(ms, probe, &e, plan);
	goto out_edges;
out_free:
	vssd_plan_free(plan);
out_edges:
	free(e.held);
	free(e.off);
	free(e.anc);
	free(reach);
	free(hops);
	return err;
}

/**
 * vssd_plan_free() - free a plan
 * @plan: the plan; left empty
 */
void vssd_plan_free(struct vssd_plan *plan)
{
	free(plan->verdict);
	free(plan->order);
	free(plan->depth);
	free(plan->before);
	free(plan->before_via);
	memset(plan, 0, sizeof(*plan));
}

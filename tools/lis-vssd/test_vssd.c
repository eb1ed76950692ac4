// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit test of lis-vssd's pure parts: the mountinfo parser (mountinfo.c),
 * the freeze planner (plan.c), where paths land in the mount tree
 * (reach.c) and the invariant checked when the window opens (window.c).  TAP output; the last line is
 * "N passed, N failed"; the exit status is non-zero on any failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mountinfo.h"
#include "plan.h"
#include "reach.h"
#include "window.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int passed, failed;

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			printf("# %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			ok = false;					\
		}							\
	} while (0)

static void result(const char *name, bool ok)
{
	if (ok)
		passed++;
	else
		failed++;
	printf("%sok %d %s\n", ok ? "" : "not ", passed + failed, name);
}

static int parse(const char *line, struct vssd_mount *m)
{
	return vssd_parse_mountinfo_line(line, strlen(line), m);
}

static void test_parse_line(void)
{
	struct vssd_mount m;
	bool ok = true;

	CHECK(!parse("36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue", &m));
	CHECK(m.id == 36 && m.parent_id == 35 && m.major == 98 && m.minor == 0);
	CHECK(!strcmp(m.root, "/mnt1") && !strcmp(m.mount_point, "/mnt/parent"));
	CHECK(!strcmp(m.fstype, "ext3") && !strcmp(m.source, "/dev/root"));
	CHECK(!strcmp(m.mount_opts, "rw,noatime"));
	CHECK(!strcmp(m.super_opts, "rw,errors=continue"));
	CHECK(!m.read_only);
	vssd_mount_free(&m);
	result("parse-line", ok);
}

static void test_parse_optional_fields(void)
{
	struct vssd_mount m;
	bool ok = true;

	/* none */
	CHECK(!parse("1 0 8:1 / / rw - ext4 /dev/sda1 rw", &m));
	CHECK(!strcmp(m.fstype, "ext4") && m.major == 8 && m.minor == 1);
	vssd_mount_free(&m);
	/* several, and one looking like a dash option */
	CHECK(!parse("2 1 8:2 / /a rw shared:1 master:2 propagate_from:3 unbindable - xfs /dev/sda2 rw,attr2", &m));
	CHECK(!strcmp(m.fstype, "xfs") && !strcmp(m.mount_point, "/a"));
	vssd_mount_free(&m);
	result("parse-optional-fields", ok);
}

static void test_parse_escapes(void)
{
	struct vssd_mount m;
	bool ok = true;

	CHECK(!parse("3 1 8:3 /with\\040space /mnt/a\\040b\\011c\\012d\\134e rw - ext4 /dev/x\\040y rw", &m));
	CHECK(!strcmp(m.root, "/with space"));
	CHECK(!strcmp(m.mount_point, "/mnt/a b\tc\nd\\e"));
	CHECK(!strcmp(m.source, "/dev/x y"));
	vssd_mount_free(&m);
	/* a backslash not followed by three octal digits stays */
	CHECK(!parse("3 1 8:3 / /x\\9 rw - ext4 a\\04 rw", &m));
	CHECK(!strcmp(m.mount_point, "/x\\9") && !strcmp(m.source, "a\\04"));
	vssd_mount_free(&m);
	/* \000 would cut a path short: refused */
	CHECK(parse("3 1 8:3 / /x\\000y rw - ext4 a rw", &m) == -EINVAL);
	result("parse-escapes", ok);
}

static void test_parse_read_only(void)
{
	struct vssd_mount m;
	bool ok = true;

	CHECK(!parse("4 1 8:4 / /r ro,relatime - ext4 /dev/sdb rw", &m));
	CHECK(m.read_only);
	vssd_mount_free(&m);
	CHECK(!parse("4 1 8:4 / /r rw,relatime - ext4 /dev/sdb ro,data=ordered", &m));
	CHECK(m.read_only);
	vssd_mount_free(&m);
	CHECK(!parse("4 1 8:4 / /r rw - ext4 /dev/sdb rw,errors=remount-ro", &m));
	CHECK(!m.read_only);
	vssd_mount_free(&m);
	CHECK(vssd_opt_has("a,ro,b", "ro") && vssd_opt_has("ro", "ro"));
	CHECK(!vssd_opt_has("rox,xro,errors=ro", "ro") && !vssd_opt_has("", "ro"));
	result("parse-read-only", ok);
}

static void test_parse_malformed(void)
{
	static const char *const bad[] = {
		"",
		"1 0 8:1 / / rw ext4 /dev/sda1 rw",		/* no dash */
		"1 0 8:1 / / rw - ext4 /dev/sda1",		/* short */
		"1 0 8:1 / / rw - ext4 /dev/sda1 rw extra",	/* long */
		"x 0 8:1 / / rw - ext4 /dev/sda1 rw",
		"1 0 81 / / rw - ext4 /dev/sda1 rw",
		"1 0 8: / / rw - ext4 /dev/sda1 rw",
		"1 0 :1 / / rw - ext4 /dev/sda1 rw",
		"1 0 8:1:2 / / rw - ext4 /dev/sda1 rw",
		"4294967296 0 8:1 / / rw - ext4 /dev/sda1 rw",
		"1 0 8:99999999999 / / rw - ext4 /dev/sda1 rw",
		"-1 0 8:1 / / rw - ext4 /dev/sda1 rw",
		"1 0 8:1 / - rw ext4 /dev/sda1 rw",		/* dash too early */
	};
	struct vssd_mount m;
	bool ok = true;
	size_t i;

	memset(&m, 0x5a, sizeof(m));
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (parse(bad[i], &m) != -EINVAL) {
			printf("# accepted: '%s'\n", bad[i]);
			ok = false;
		}
	}
	CHECK(m.id == 0x5a5a5a5a);	/* untouched on failure */
	CHECK(!parse("4294967295 0 8:1 / / rw - ext4 /dev/sda1 rw", &m));
	CHECK(m.id == 4294967295u);
	vssd_mount_free(&m);
	result("parse-malformed", ok);
}

static void test_parse_table(void)
{
	static const char text[] =
		"1 0 8:1 / / rw - ext4 /dev/sda1 rw\n"
		"\n"
		"garbage line\n"
		"2 1 0:5 / /proc rw - proc none rw\n"
		"3 1 8:2 / /b rw - xfs /dev/sda2 rw";	/* no final newline */
	struct vssd_mounts ms = { 0 };
	size_t bad;
	bool ok = true;

	CHECK(!vssd_parse_mountinfo(text, sizeof(text) - 1, &ms, &bad));
	CHECK(ms.nr == 3 && bad == 1);
	CHECK(ms.nr == 3 && !strcmp(ms.m[2].mount_point, "/b"));
	vssd_mounts_free(&ms);
	CHECK(!vssd_parse_mountinfo("", 0, &ms, &bad) && ms.nr == 0 && !bad);
	vssd_mounts_free(&ms);
	result("parse-table", ok);
}

/* A table plus probe data, and the plan for it. */
struct fixture {
	struct vssd_mounts ms;
	struct vssd_probe pr[32];
	struct vssd_backing bk[32][4];
	struct vssd_plan plan;
	int err;
};

static void setup(struct fixture *f, const char *text)
{
	size_t bad, i;

	memset(f, 0, sizeof(*f));
	if (vssd_parse_mountinfo(text, strlen(text), &f->ms, &bad) || bad ||
	    f->ms.nr > 32)
		abort();
	for (i = 0; i < f->ms.nr; i++) {
		f->pr[i].is_dir = true;
		f->pr[i].reached = true;
		f->pr[i].backing = f->bk[i];
	}
}

static long idx(const struct fixture *f, const char *mp)
{
	size_t i;

	for (i = 0; i < f->ms.nr; i++)
		if (!strcmp(f->ms.m[i].mount_point, mp))
			return (long)i;
	abort();
}

/* backing: a loop device @dev under @mp, backed by @file. */
static void backing(struct fixture *f, const char *mp, const char *dev,
		    const char *file)
{
	struct vssd_probe *p = &f->pr[idx(f, mp)];
	struct vssd_backing *b = &p->backing[p->nr_backing++];

	b->dev = strdup(dev);
	b->file = strdup(file);
	if (!b->dev || !b->file || p->nr_backing > 4)
		abort();
}

static enum vssd_verdict verdict(const struct fixture *f, const char *mp)
{
	return f->plan.verdict[idx(f, mp)];
}

/* rank: 1-based position of @mp in the freeze order, 0 if absent. */
static size_t rank(const struct fixture *f, const char *mp)
{
	size_t i;

	for (i = 0; i < f->plan.nr_order; i++)
		if (!strcmp(f->ms.m[f->plan.order[i]].mount_point, mp))
			return i + 1;
	return 0;
}

static void run_plan(struct fixture *f)
{
	f->err = vssd_plan(&f->ms, f->pr, &f->plan);
}

static void teardown(struct fixture *f)
{
	size_t i, k;

	for (i = 0; i < f->ms.nr; i++)
		for (k = 0; k < f->pr[i].nr_backing; k++) {
			free(f->bk[i][k].dev);
			free(f->bk[i][k].file);
		}
	vssd_plan_free(&f->plan);
	vssd_mounts_free(&f->ms);
}

static const char guest[] =
	"20 1 254:1 / / rw,relatime - ext4 /dev/vda1 rw\n"
	"21 20 0:20 / /proc rw - proc none rw\n"
	"22 20 0:21 / /sys rw - sysfs sys rw\n"
	"23 20 0:22 / /tmp rw - tmpfs tmp rw\n"
	"24 20 254:16 / /data rw - xfs /dev/vdb rw\n"
	"25 24 254:32 / /data/sub rw - ext4 /dev/vdc rw\n"
	"26 20 7:0 / /mnt/img rw - ext4 /dev/loop0 rw\n"
	"27 20 254:16 /dir /srv rw - xfs /dev/vdb rw\n"
	"28 20 254:16 /dir/file /etc/conf rw - xfs /dev/vdb rw\n"
	"29 20 254:48 / /ro ro - ext4 /dev/vdd rw\n"
	"30 20 0:50 / /nfs rw - nfs4 srv:/x rw\n"
	"31 20 0:51 / /ssh rw - fuse.sshfs a@b:/ rw\n"
	"32 20 0:52 / /ov rw - overlay ov rw\n"
	"33 20 0:45 / /bt rw - btrfs /dev/vde rw\n"
	"34 20 254:64 / /one-file rw - ext4 /dev/vdf rw\n"
	"35 20 0:60 / /virt rw - someunknownfs none rw\n";

static void test_plan_verdicts(void)
{
	struct fixture f;
	bool ok = true;

	setup(&f, guest);
	f.pr[idx(&f, "/etc/conf")].is_dir = false;
	f.pr[idx(&f, "/one-file")].is_dir = false;
	backing(&f, "/mnt/img", "loop0", "/data/images/img.raw");
	run_plan(&f);
	CHECK(f.err == 0);
	CHECK(verdict(&f, "/") == VSSD_FREEZE);
	CHECK(verdict(&f, "/proc") == VSSD_SKIP_PSEUDO);
	CHECK(verdict(&f, "/sys") == VSSD_SKIP_PSEUDO);
	CHECK(verdict(&f, "/tmp") == VSSD_SKIP_PSEUDO);
	CHECK(verdict(&f, "/data") == VSSD_FREEZE);
	CHECK(verdict(&f, "/data/sub") == VSSD_FREEZE);
	CHECK(verdict(&f, "/mnt/img") == VSSD_FREEZE);
	CHECK(verdict(&f, "/srv") == VSSD_SKIP_DUP);
	CHECK(verdict(&f, "/etc/conf") == VSSD_SKIP_NOTDIR);
	CHECK(verdict(&f, "/ro") == VSSD_SKIP_RO);
	CHECK(verdict(&f, "/nfs") == VSSD_SKIP_NETWORK);
	CHECK(verdict(&f, "/ssh") == VSSD_SKIP_NETWORK);
	CHECK(verdict(&f, "/ov") == VSSD_SKIP_PSEUDO);
	CHECK(verdict(&f, "/bt") == VSSD_FREEZE);
	/* the only mount of its superblock is a file: nothing to open */
	CHECK(verdict(&f, "/one-file") == VSSD_SKIP_NOTDIR);
	CHECK(verdict(&f, "/virt") == VSSD_SKIP_NODEV);
	CHECK(f.plan.nr_order == 5);
	teardown(&f);
	result("plan-verdicts", ok);
}

static void test_plan_order(void)
{
	struct fixture f;
	bool ok = true;

	setup(&f, guest);
	backing(&f, "/mnt/img", "loop0", "/data/images/img.raw");
	run_plan(&f);
	CHECK(f.err == 0);
	/* the image before the file system holding it */
	CHECK(rank(&f, "/mnt/img") < rank(&f, "/data"));
	/* children before parents */
	CHECK(rank(&f, "/data/sub") < rank(&f, "/data"));
	CHECK(rank(&f, "/data") < rank(&f, "/"));
	CHECK(rank(&f, "/bt") < rank(&f, "/"));
	CHECK(rank(&f, "/") == f.plan.nr_order);
	CHECK(f.plan.depth[idx(&f, "/data/sub")] == 2);
	teardown(&f);
	result("plan-order", ok);
}

/*
 * The image's file system is shallow, the one holding the image deep:
 * depth alone would freeze the holder first and hang; the loop rule wins.
 */
static void test_plan_loop_beats_depth(void)
{
	struct fixture f;
	bool ok = true;

	setup(&f,
	      "1 0 254:0 / / rw - ext4 /dev/vda rw\n"
	      "2 1 254:16 / /x rw - ext4 /dev/vdb rw\n"
	      "3 2 254:32 / /x/y rw - ext4 /dev/vdc rw\n"
	      "4 3 254:48 / /x/y/z rw - xfs /dev/vdd rw\n"
	      "5 1 7:1 / /img rw - ext4 /dev/loop1 rw\n");
	backing(&f, "/img", "loop1", "/x/y/z/img");
	run_plan(&f);
	CHECK(f.err == 0);
	CHECK(rank(&f, "/img") == 1);
	CHECK(rank(&f, "/x/y/z") == 2);
	CHECK(rank(&f, "/x/y") == 3 && rank(&f, "/x") == 4 && rank(&f, "/") == 5);
	teardown(&f);
	result("plan-loop-beats-depth", ok);
}

static void test_plan_loop_chain(void)
{
	struct fixture f;
	bool ok = true;

	/* an image inside an image inside /: innermost first */
	setup(&f,
	      "1 0 254:0 / / rw - ext4 /dev/vda rw\n"
	      "2 1 7:0 / /outer rw - ext4 /dev/loop0 rw\n"
	      "3 1 7:1 / /inner rw - xfs /dev/loop1 rw\n");
	backing(&f, "/outer", "loop0", "/outer.img");
	backing(&f, "/inner", "loop1", "/outer/inner.img");
	run_plan(&f);
	CHECK(f.err == 0);
	CHECK(rank(&f, "/inner") == 1 && rank(&f, "/outer") == 2 &&
	      rank(&f, "/") == 3);
	teardown(&f);
	result("plan-loop-chain", ok);
}

/* The holder is mounted inside the image: the rules conflict, loop wins. */
static void test_plan_loop_beats_tree(void)
{
	struct fixture f;
	bool ok = true;

	setup(&f,
	      "1 0 254:0 / / rw - ext4 /dev/vda rw\n"
	      "2 1 7:0 / /img rw - ext4 /dev/loop0 rw\n"
	      "3 2 254:16 / /img/holder rw - xfs /dev/vdb rw\n");
	backing(&f, "/img", "loop0", "/img/holder/f");
	run_plan(&f);
	CHECK(f.err == 0);
	CHECK(rank(&f, "/img") < rank(&f, "/img/holder"));
	CHECK(rank(&f, "/") == 3);
	teardown(&f);
	result("plan-loop-beats-tree", ok);
}

static void test_plan_loop_cycle(void)
{
	struct fixture f;
	bool ok = true;

	setup(&f,
	      "1 0 254:0 / / rw - ext4 /dev/vda rw\n"
	      "2 1 7:0 / /a rw - ext4 /dev/loop0 rw\n"
	      "3 1 7:1 / /b rw - ext4 /dev/loop1 rw\n");
	backing(&f, "/a", "loop0", "/b/a.img");
	backing(&f, "/b", "loop1", "/a/b.img");
	run_plan(&f);
	CHECK(f.err == -ELOOP);
	CHECK(!f.plan.order && !f.plan.verdict && f.plan.nr_order == 0);
	teardown(&f);
	result("plan-loop-cycle", ok);
}

static void test_plan_bind_prefers_root(void)
{
	struct fixture f;
	bool ok = true;

	/* the bind mount comes first in the table, and is shallower */
	setup(&f,
	      "1 0 254:0 / / rw - ext4 /dev/vda rw\n"
	      "2 1 254:16 /sub /b rw - ext4 /dev/vdb rw\n"
	      "3 1 0:30 / /m rw - tmpfs t rw\n"
	      "4 3 254:16 / /m/real rw - ext4 /dev/vdb rw\n"
	      "5 1 254:16 / /ro-view ro - ext4 /dev/vdb rw\n");
	run_plan(&f);
	CHECK(f.err == 0);
	CHECK(verdict(&f, "/b") == VSSD_SKIP_DUP);
	CHECK(verdict(&f, "/m/real") == VSSD_FREEZE);
	CHECK(verdict(&f, "/ro-view") == VSSD_SKIP_RO);
	CHECK(f.plan.nr_order == 2);
	teardown(&f);
	/* an rw bind of a file system whose own mount is read-only here */
	setup(&f,
	      "1 0 254:0 / / rw - ext4 /dev/vda rw\n"
	      "2 1 254:16 / /a ro - ext4 /dev/vdb rw\n"
	      "3 1 254:16 /d /b rw - ext4 /dev/vdb rw\n");
	run_plan(&f);
	CHECK(verdict(&f, "/a") == VSSD_SKIP_RO);
	CHECK(verdict(&f, "/b") == VSSD_FREEZE);
	teardown(&f);
	result("plan-bind-prefers-root", ok);
}

static void test_plan_malformed_tree(void)
{
	struct fixture f;
	bool ok = true;

	/* parents in a cycle, a missing parent: depth stays bounded */
	setup(&f,
	      "1 2 254:0 / / rw - ext4 /dev/vda rw\n"
	      "2 1 254:16 / /a rw - ext4 /dev/vdb rw\n"
	      "3 99 254:32 / /b rw - ext4 /dev/vdc rw\n");
	run_plan(&f);
	CHECK(f.err == 0 && f.plan.nr_order == 3);
	CHECK(f.plan.depth[0] <= 3 && f.plan.depth[2] == 0);
	teardown(&f);
	/* nothing at all */
	setup(&f, "");
	run_plan(&f);
	CHECK(f.err == 0 && f.plan.nr_order == 0);
	teardown(&f);
	result("plan-malformed-tree", ok);
}

static void test_plan_without_probe(void)
{
	struct vssd_mounts ms = { 0 };
	struct vssd_plan plan;
	size_t bad;
	bool ok = true;

	CHECK(!vssd_parse_mountinfo(guest, sizeof(guest) - 1, &ms, &bad));
	CHECK(!vssd_plan(&ms, NULL, &plan));
	/* no probe: every mount point a directory, no loop devices */
	CHECK(plan.nr_order == 6);
	vssd_plan_free(&plan);
	vssd_mounts_free(&ms);
	result("plan-without-probe", ok);
}

static void test_resolve(void)
{
	struct fixture f;
	size_t hops[32], nr;
	long blocker;
	bool ok = true;

	setup(&f, guest);
	CHECK(vssd_resolve(&f.ms, "/data/sub/x/y", NULL, NULL) ==
	      idx(&f, "/data/sub"));
	CHECK(vssd_resolve(&f.ms, "/data/sub", hops, &nr) ==
	      idx(&f, "/data/sub"));
	CHECK(nr == 3 && hops[0] == 0 && hops[1] == (size_t)idx(&f, "/data"));
	/* component by component: /datax is not below /data */
	CHECK(vssd_resolve(&f.ms, "/datax/f", NULL, NULL) == idx(&f, "/"));
	CHECK(vssd_resolve(&f.ms, "/", NULL, NULL) == idx(&f, "/"));
	CHECK(vssd_resolve(&f.ms, "relative", NULL, NULL) == -1);
	CHECK(!strcmp(vssd_rel_path("/data/sub", "/data"), "sub"));
	CHECK(!strcmp(vssd_rel_path("/data", "/"), "data"));
	CHECK(!strcmp(vssd_rel_path("/data", "/data"), ""));
	CHECK(!vssd_reach(&f.ms, idx(&f, "/data/sub"), hops, &nr, &blocker) &&
	      blocker == -1);
	CHECK(vssd_path_safe(&f.ms, "/data/sub/f"));
	CHECK(!vssd_path_safe(&f.ms, "/ssh/f"));
	teardown(&f);
	result("resolve", ok);
}

/*
 * A FUSE mount with a file system below it, an NFS mount with a bind
 * below it, autofs: nothing below them is reached by a lookup.  A mount
 * stacked right on a FUSE mount needs no lookup in it.
 */
static void test_plan_below_network(void)
{
	struct fixture f;
	size_t hops[32], nr;
	long blocker;
	bool ok = true;

	setup(&f,
	      "1 0 254:0 / / rw - ext4 /dev/vda rw\n"
	      "2 1 0:40 / /mnt/fuse rw - fuse.stall stall rw\n"
	      "3 2 254:16 / /mnt/fuse/sub rw - ext4 /dev/vdb rw\n"
	      "4 3 254:32 / /mnt/fuse/sub/deeper rw - xfs /dev/vdc rw\n"
	      "5 1 0:41 / /nfs rw - nfs4 srv:/x rw\n"
	      "6 5 254:48 /d /nfs/x/y rw - ext4 /dev/vdd rw\n"
	      "7 1 254:48 / /local rw - ext4 /dev/vdd rw\n"
	      "8 1 0:42 / /auto rw - autofs map rw\n"
	      "9 8 254:64 / /auto/home rw - ext4 /dev/vde rw\n"
	      "10 1 0:43 / /f2 rw - fuse.other x rw\n"
	      "11 10 254:80 / /f2 rw - ext4 /dev/vdf rw\n");
	run_plan(&f);
	CHECK(f.err == 0);
	CHECK(verdict(&f, "/mnt/fuse") == VSSD_SKIP_NETWORK);
	CHECK(verdict(&f, "/mnt/fuse/sub") == VSSD_SKIP_BELOW);
	CHECK(verdict(&f, "/mnt/fuse/sub/deeper") == VSSD_SKIP_BELOW);
	CHECK(verdict(&f, "/nfs/x/y") == VSSD_SKIP_BELOW);
	/* the same superblock mounted where it can be reached: frozen */
	CHECK(verdict(&f, "/local") == VSSD_FREEZE);
	CHECK(verdict(&f, "/auto/home") == VSSD_SKIP_BELOW);
	CHECK(f.plan.verdict[9] == VSSD_SKIP_NETWORK);
	CHECK(f.plan.verdict[10] == VSSD_FREEZE);
	CHECK(f.plan.nr_order == 3);
	CHECK(vssd_reach(&f.ms, idx(&f, "/mnt/fuse/sub/deeper"), hops, &nr,
			 &blocker) == -EREMOTE);
	CHECK(blocker == idx(&f, "/mnt/fuse"));
	CHECK(!strcmp(vssd_verdict_name(VSSD_SKIP_BELOW),
		      "skip-below-network"));
	teardown(&f);
	result("plan-below-network", ok);
}

/* A mount hidden under another: a reachable mount of it is preferred. */
static void test_plan_hidden(void)
{
	struct fixture f;
	size_t hops[32], nr;
	long blocker;
	bool ok = true;

	setup(&f,
	      "1 0 254:0 / / rw - ext4 /dev/vda rw\n"
	      "2 1 254:16 / /mnt/h rw - ext4 /dev/vdb rw\n"
	      "3 2 0:30 / /mnt/h rw - tmpfs t rw\n"
	      "4 1 254:16 /sub /view rw - ext4 /dev/vdb rw\n"
	      "5 1 254:32 / /x rw - ext4 /dev/vdc rw\n"
	      "6 1 0:31 / /x rw - tmpfs t rw\n");
	/* #6 is mounted over /x by the parent /: it hides #5 as well */
	f.ms.m[5].parent_id = 5;
	f.pr[idx(&f, "/mnt/h")].reached = false;
	run_plan(&f);
	CHECK(f.err == 0);
	CHECK(vssd_reach(&f.ms, 1, hops, &nr, &blocker) == -EXDEV);
	CHECK(blocker == 2);
	/* the bind shows a subdirectory, but it can be reached */
	CHECK(f.plan.verdict[1] == VSSD_SKIP_DUP);
	CHECK(verdict(&f, "/view") == VSSD_FREEZE);
	/* the only mount of 254:32 is hidden: still chosen, so that the
	 * backup fails and names it rather than going on without it
	 */
	CHECK(f.plan.verdict[4] == VSSD_FREEZE);
	CHECK(vssd_reach(&f.ms, 4, hops, &nr, &blocker) == -EXDEV &&
	      blocker == 5);
	teardown(&f);
	result("plan-hidden", ok);
}

/*
 * btrfs subvolumes mounted separately share one superblock (one
 * major:minor in mountinfo, whatever stat() says): one is frozen, and a
 * loop image on any subvolume goes before it.
 */
static void test_plan_btrfs_subvolumes(void)
{
	struct fixture f;
	bool ok = true;

	setup(&f,
	      "1 0 254:0 / / rw - ext4 /dev/vda rw\n"
	      "2 1 0:45 /@home /home rw - btrfs /dev/vdb rw,subvol=/@home\n"
	      "3 1 0:45 /@srv /srv rw - btrfs /dev/vdb rw,subvol=/@srv\n"
	      "4 1 0:45 / /mnt/pool rw - btrfs /dev/vdb rw,subvol=/\n"
	      "5 1 7:3 / /img rw - xfs /dev/loop3 rw\n");
	backing(&f, "/img", "loop3", "/srv/disks/img");
	run_plan(&f);
	CHECK(f.err == 0);
	CHECK(verdict(&f, "/mnt/pool") == VSSD_FREEZE);
	CHECK(verdict(&f, "/home") == VSSD_SKIP_DUP);
	CHECK(verdict(&f, "/srv") == VSSD_SKIP_DUP);
	CHECK(f.plan.nr_order == 3);
	CHECK(rank(&f, "/img") < rank(&f, "/mnt/pool"));
	CHECK(f.plan.before[idx(&f, "/img")] == idx(&f, "/mnt/pool"));
	CHECK(f.plan.before_via[idx(&f, "/img")] == 0);
	CHECK(f.plan.before[idx(&f, "/mnt/pool")] == -1);
	teardown(&f);
	result("plan-btrfs-subvolumes", ok);
}

/*
 * A device-mapper device over two loop devices, whose backing files live
 * on two file systems (one reached through a bind mount): before both.
 * A backing file on tmpfs or NFS orders nothing.
 */
static void test_plan_dm_over_loops(void)
{
	struct fixture f;
	bool ok = true;

	setup(&f,
	      "1 0 254:0 / / rw - ext4 /dev/vda rw\n"
	      "2 1 254:16 / /data rw - xfs /dev/vdb rw\n"
	      "3 1 254:16 /dir /srv rw - xfs /dev/vdb rw\n"
	      "4 1 254:32 / /deep/er rw - ext4 /dev/vdc rw\n"
	      "5 1 253:0 / /lv rw - ext4 /dev/mapper/vg-lv rw\n"
	      "6 1 0:30 / /tmp rw - tmpfs t rw\n"
	      "7 1 0:31 / /nfs rw - nfs4 s:/ rw\n"
	      "8 1 253:1 / /lv2 rw - ext4 /dev/mapper/vg-lv2 rw\n");
	backing(&f, "/lv", "loop0", "/srv/pv0.img");
	backing(&f, "/lv", "loop1", "/deep/er/pv1.img");
	backing(&f, "/lv2", "loop2", "/tmp/pv.img");
	backing(&f, "/lv2", "loop3", "/nfs/pv.img");
	run_plan(&f);
	CHECK(f.err == 0);
	CHECK(rank(&f, "/lv") < rank(&f, "/data"));
	CHECK(rank(&f, "/lv") < rank(&f, "/deep/er"));
	CHECK(f.plan.before[idx(&f, "/lv")] >= 0);
	CHECK(f.plan.before[idx(&f, "/lv2")] == -1);
	teardown(&f);
	result("plan-dm-over-loops", ok);
}

/* A dm device over loop devices backed by each other's file systems. */
static void test_plan_dm_cycle(void)
{
	struct fixture f;
	bool ok = true;

	setup(&f,
	      "1 0 254:0 / / rw - ext4 /dev/vda rw\n"
	      "2 1 253:0 / /a rw - ext4 /dev/mapper/a rw\n"
	      "3 1 7:1 / /b rw - ext4 /dev/loop1 rw\n");
	backing(&f, "/a", "loop2", "/b/a-again.img");
	backing(&f, "/b", "loop1", "/a/b.img");
	run_plan(&f);
	CHECK(f.err == -ELOOP && f.plan.nr_order == 0);
	teardown(&f);
	result("plan-dm-cycle", ok);
}

static void test_window(void)
{
	struct vssd_fs_state st[4] = {
		{ VSSD_FROZEN, 0 }, { VSSD_SAME_SB, EALREADY },
		{ VSSD_FROZEN_BY_OTHER, EBUSY }, { VSSD_PENDING, 0 },
	};
	bool ok = true;

	CHECK(vssd_window_check(st, 4, false) == -1);
	/* the window opens with one not frozen */
	CHECK(vssd_window_check(st, 4, true) == 3);
	st[3].outcome = VSSD_CANNOT_FREEZE;
	CHECK(vssd_window_check(st, 4, true) == -1);
	st[3].outcome = VSSD_NOW_READONLY;
	CHECK(vssd_window_check(st, 4, true) == -1);
	/* a mount the daemon could not reach: known before any freeze */
	st[2].outcome = VSSD_UNREACHABLE;
	CHECK(vssd_window_check(st, 4, false) == 2);
	CHECK(vssd_window_check(st, 4, true) == 2);
	st[2].outcome = VSSD_FROZEN;
	st[0].outcome = vssd_outcome_of(EIO);
	CHECK(st[0].outcome == VSSD_FAILED);
	CHECK(vssd_window_check(st, 4, true) == 0);
	CHECK(vssd_outcome_of(0) == VSSD_FROZEN);
	CHECK(vssd_outcome_of(EALREADY) == VSSD_SAME_SB);
	CHECK(vssd_outcome_of(EBUSY) == VSSD_FROZEN_BY_OTHER);
	CHECK(vssd_outcome_of(EOPNOTSUPP) == VSSD_CANNOT_FREEZE);
	CHECK(vssd_outcome_of(EROFS) == VSSD_NOW_READONLY);
	CHECK(vssd_outcome_of(EPERM) == VSSD_FAILED);
	CHECK(vssd_outcome_of(ENOSPC) == VSSD_FAILED);
	CHECK(vssd_window_check(st, 0, true) == -1);
	result("window", ok);
}

int main(void)
{
	printf("TAP version 13\n1..22\n");
	test_parse_line();
	test_parse_optional_fields();
	test_parse_escapes();
	test_parse_read_only();
	test_parse_malformed();
	test_parse_table();
	test_plan_verdicts();
	test_plan_order();
	test_plan_loop_beats_depth();
	test_plan_loop_chain();
	test_plan_loop_beats_tree();
	test_plan_loop_cycle();
	test_plan_bind_prefers_root();
	test_plan_malformed_tree();
	test_plan_without_probe();
	test_resolve();
	test_plan_below_network();
	test_plan_hidden();
	test_plan_btrfs_subvolumes();
	test_plan_dm_over_loops();
	test_plan_dm_cycle();
	test_window();
	printf("%d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for lis-vssd's mountinfo parser and freeze planner
 * (tools/lis-vssd/mountinfo.c, plan.c, reach.c).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-fno-sanitize-recover=all -Iinclude <this file>
 *
 * Input: two bytes seeding what the probe reports (which mount points are
 * directories, which mounts sit on loop devices backed by which other
 * mount's file system), then the mount table text, copied to a buffer of
 * exactly its length (not NUL-terminated) so that AddressSanitizer sees
 * any read beyond it.
 *
 * Invariants: every parsed mount has all its strings; a plan orders each
 * mount it chose to freeze exactly once, and only those; it never freezes
 * a read-only, pseudo, network or non-directory mount, nor one reached
 * only through a network mount, nor two mounts of one superblock; a
 * loop-mounted file system comes before the frozen file system holding
 * its image (found by path in the table); a refused plan (-ELOOP) is
 * empty.
 */
#include "../../tools/lis-vssd/mountinfo.c"
#include "../../tools/lis-vssd/plan.c"
#include "../../tools/lis-vssd/reach.c"

#include "fuzz_input.h"

static unsigned int next(unsigned int *seed)
{
	*seed = *seed * 1103515245u + 12345u;
	return *seed >> 16;
}

static void check_plan(const struct vssd_mounts *ms,
		       const struct vssd_probe *pr, const struct vssd_plan *pl)
{
	size_t i, j, frozen = 0;
	size_t *rank = calloc(ms->nr + 1, sizeof(*rank));

	CHECK(rank);
	for (i = 0; i < ms->nr; i++)
		if (pl->verdict[i] == VSSD_FREEZE)
			frozen++;
	CHECK(pl->nr_order == frozen);
	for (i = 0; i < pl->nr_order; i++) {
		size_t k = pl->order[i];
		const struct vssd_mount *m;

		CHECK(k < ms->nr);
		CHECK(!rank[k]);
		rank[k] = i + 1;
		m = &ms->m[k];
		CHECK(pl->verdict[k] == VSSD_FREEZE);
		CHECK(!m->read_only && pr[k].is_dir);
		CHECK(!vssd_fstype_pseudo(m->fstype));
		CHECK(!vssd_fstype_network(m->fstype));
		CHECK(pl->before[k] < (long)ms->nr);
	}
	for (i = 0; i < ms->nr; i++) {
		if (!rank[i])
			continue;
		for (j = 0; j < ms->nr; j++) {
			if (!rank[j] || i == j)
				continue;
			CHECK(!same_sb(&ms->m[i], &ms->m[j]));
			if (pr[i].nr_backing) {
				long h = vssd_resolve(ms, pr[i].backing[0].file,
						      NULL, NULL);

				if (h >= 0 && same_sb(&ms->m[h], &ms->m[j]))
					CHECK(rank[i] < rank[j]);
			}
		}
	}
	free(rank);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };
	struct vssd_mounts ms = { 0 };
	struct vssd_backing *bk;
	struct vssd_probe *pr;
	struct vssd_plan pl;
	unsigned int seed;
	size_t i, bad, len;
	char *text;
	int err;

	if (size < 2)
		return 0;
	seed = take16(&in);
	text = (char *)take_rest(&in, &len);
	err = vssd_parse_mountinfo(text, len, &ms, &bad);
	CHECK(err == 0);
	free(text);
	for (i = 0; i < ms.nr; i++) {
		CHECK(ms.m[i].root && ms.m[i].mount_point && ms.m[i].fstype);
		CHECK(ms.m[i].source && ms.m[i].mount_opts &&
		      ms.m[i].super_opts);
	}

	pr = calloc(ms.nr ? ms.nr : 1, sizeof(*pr));
	CHECK(pr);
	bk = calloc(ms.nr ? ms.nr : 1, sizeof(*bk));
	CHECK(bk);
	for (i = 0; i < ms.nr; i++) {
		unsigned int r = next(&seed);

		pr[i].is_dir = r % 8 != 0;
		pr[i].reached = r % 5 != 0;
		if (r % 3 == 0) {
			const struct vssd_mount *t = &ms.m[next(&seed) % ms.nr];

			/* a file in (or below) another mount's directory */
			bk[i].dev = "loop0";
			bk[i].file = r % 2 ? t->mount_point : "/img";
			pr[i].backing = &bk[i];
			pr[i].nr_backing = 1;
		}
	}
	err = vssd_plan(&ms, pr, &pl);
	CHECK(err == 0 || err == -ELOOP);
	if (err) {
		CHECK(!pl.order && !pl.verdict && !pl.depth && !pl.nr_order);
	} else {
		check_plan(&ms, pr, &pl);
		vssd_plan_free(&pl);
	}
	free(bk);
	free(pr);
	vssd_mounts_free(&ms);
	return 0;
}

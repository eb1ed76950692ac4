// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suites "lis_dm_msg" and "lis_dm_policy": the Dynamic Memory host's
 * checks of guest messages and its messages (drivers/sim/dm_msg.c), and
 * its balancer (drivers/sim/dm_policy.c).
 *
 * Messages are built and checked byte for byte from the wire offsets
 * written out here, not from the lis structures, and every guest message
 * is kmalloc()ed at exactly its length, so KASAN reports any read past it.
 * Both files are compiled into this module: it needs nothing from lis_sim.
 */
#include "pure.h"
#include "../../drivers/sim/dm_msg.c"
#include "../../drivers/sim/dm_policy.c"
#include "pure_end.h"
#include "wire.h"

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>

#define MB	256ULL		/* pages in a MiB */
#define BLOCK	(128 * MB)

/* A guest message of exactly @len bytes: header, rest zero. */
static u8 *msg(struct kunit *test, u32 len, u16 type, u16 size)
{
	u8 *b = kunit_kzalloc(test, len ? len : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, b);
	if (len >= 8) {
		put16(b, 0, type);
		put16(b, 2, size);
		put32(b, 4, 0x1234);
	}
	return b;
}

static int parse(struct kunit *test, const u8 *b, u32 len,
		 struct lis_dm_guest_msg *m)
{
	const char *why = NULL;
	int ret = lis_dm_parse_guest(b, len, m, &why);

	KUNIT_EXPECT_NOT_NULL(test, why);
	return ret;
}

/* ---- well-formed guest messages ---- */

static void parse_version_test(struct kunit *test)
{
	struct lis_dm_guest_msg m;
	u8 *b = msg(test, 16, 1, 16);

	put32(b, 8, 0x00020000);
	put32(b, 12, 0);
	KUNIT_ASSERT_EQ(test, parse(test, b, 16, &m), 0);
	KUNIT_EXPECT_EQ(test, m.type, 1);
	KUNIT_EXPECT_EQ(test, m.trans_id, 0x1234);
	KUNIT_EXPECT_EQ(test, m.u.version.version, 0x00020000);
	KUNIT_EXPECT_FALSE(test, m.u.version.last);
	put32(b, 12, 1);
	KUNIT_ASSERT_EQ(test, parse(test, b, 16, &m), 0);
	KUNIT_EXPECT_TRUE(test, m.u.version.last);
	KUNIT_EXPECT_TRUE(test, lis_dm_version_known(0x00000003));
	KUNIT_EXPECT_TRUE(test, lis_dm_version_known(0x00010000));
	KUNIT_EXPECT_TRUE(test, lis_dm_version_known(0x00020000));
	KUNIT_EXPECT_FALSE(test, lis_dm_version_known(0x00030000));
	KUNIT_EXPECT_FALSE(test, lis_dm_version_known(0x00000002));
}

static void parse_caps_test(struct kunit *test)
{
	struct lis_dm_guest_msg m;
	u8 *b = msg(test, 32, 3, 32);

	put64(b, 8, 0x1 | 0x2 | (7 << 2));
	put64(b, 16, 1000);
	put64(b, 24, ~0ULL);
	KUNIT_ASSERT_EQ(test, parse(test, b, 32, &m), 0);
	KUNIT_EXPECT_EQ(test, m.u.caps.caps, 0x1fULL);
	KUNIT_EXPECT_EQ(test, m.u.caps.min_pages, 1000);
	KUNIT_EXPECT_EQ(test, m.u.caps.max_page_number, ~0ULL);
	KUNIT_EXPECT_EQ(test, m.u.caps.align_mb, 128);
	/* Balloon only: no hot-add alignment. */
	put64(b, 8, 0x1 | (7 << 2));
	KUNIT_ASSERT_EQ(test, parse(test, b, 32, &m), 0);
	KUNIT_EXPECT_EQ(test, m.u.caps.align_mb, 0);
}

static void parse_status_test(struct kunit *test)
{
	struct lis_dm_guest_msg m;
	u8 *b = msg(test, 48, 5, 48);

	put64(b, 8, 111);
	put64(b, 16, 222);
	put64(b, 24, 333);	/* page file: ignored */
	KUNIT_ASSERT_EQ(test, parse(test, b, 48, &m), 0);
	KUNIT_EXPECT_EQ(test, m.u.status.avail, 111);
	KUNIT_EXPECT_EQ(test, m.u.status.committed, 222);
}

static void parse_balloon_test(struct kunit *test)
{
	struct lis_dm_guest_msg m;
	u32 n = 510, len = 16 + 8 * n, i;
	u8 *b = msg(test, len, 7, len);

	put32(b, 12, n << 1 | 1);
	for (i = 0; i < n; i++)
		put64(b, 16 + 8 * i, lis_dm_range(0x1000 + 4 * i, 1 + i % 3));
	KUNIT_ASSERT_EQ(test, parse(test, b, len, &m), 0);
	KUNIT_EXPECT_TRUE(test, m.u.balloon.more);
	KUNIT_EXPECT_EQ(test, m.u.balloon.count, n);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, lis_dm_guest_range(&m, i),
				lis_dm_range(0x1000 + 4 * i, 1 + i % 3));

	/* The final "at my minimum" answer: no ranges. */
	b = msg(test, 16, 7, 16);
	KUNIT_ASSERT_EQ(test, parse(test, b, 16, &m), 0);
	KUNIT_EXPECT_FALSE(test, m.u.balloon.more);
	KUNIT_EXPECT_EQ(test, m.u.balloon.count, 0);
}

static void parse_small_test(struct kunit *test)
{
	struct lis_dm_guest_msg m;
	u8 *b = msg(test, 8, 9, 8);

	KUNIT_ASSERT_EQ(test, parse(test, b, 8, &m), 0);
	KUNIT_EXPECT_EQ(test, m.type, 9);
	/* The packet's padding to 8 bytes is no error. */
	b = msg(test, 16, 9, 8);
	KUNIT_EXPECT_EQ(test, parse(test, b, 16, &m), -EINVAL);
	b = msg(test, 15, 9, 8);
	KUNIT_EXPECT_EQ(test, parse(test, b, 15, &m), 0);

	b = msg(test, 16, 11, 16);
	put32(b, 8, 32768);
	put32(b, 12, 1);
	KUNIT_ASSERT_EQ(test, parse(test, b, 16, &m), 0);
	KUNIT_EXPECT_EQ(test, m.u.hot_add.pages, 32768);
	KUNIT_EXPECT_EQ(test, m.u.hot_add.result, 1);
	put32(b, 12, 0);
	KUNIT_ASSERT_EQ(test, parse(test, b, 16, &m), 0);
	KUNIT_EXPECT_EQ(test, m.u.hot_add.result, 0);
}

/* ---- malformed guest messages ---- */

struct bad_case {
	const char *name;
	u32 len;
	u16 type;
	u16 size;
	u32 off;	/* then put64(off, val) if off */
	u64 val;
	int ret;
};

static const struct bad_case bad_cases[] = {
	{ "empty", 0, 0, 0, 0, 0, -EINVAL },
	{ "short-header", 7, 1, 7, 0, 0, -EINVAL },
	{ "size-below-header", 16, 1, 4, 0, 0, -EINVAL },
	{ "size-past-packet", 16, 1, 24, 0, 0, -EINVAL },
	{ "version-short", 12, 1, 12, 0, 0, -EINVAL },
	{ "version-long", 24, 1, 24, 0, 0, -EINVAL },
	{ "caps-short", 24, 3, 24, 8, 3, -EINVAL },
	{ "caps-nothing", 32, 3, 32, 8, 0, -EINVAL },
	{ "status-short", 40, 5, 40, 0, 0, -EINVAL },
	{ "status-huge", 48, 5, 48, 16, 1ULL << 40, -EINVAL },
	{ "unballoon-resp-long", 16, 9, 16, 0, 0, -EINVAL },
	{ "hot-add-resp-result-2", 16, 11, 16, 8, 2ULL << 32, -EINVAL },
	{ "hot-add-resp-short", 8, 11, 8, 0, 0, -EINVAL },
	{ "balloon-count-too-big", 24, 7, 24, 8, 2ULL << 32, -EINVAL },
	{ "balloon-count-short", 16, 7, 16, 8, 2ULL << 32, -EINVAL },
	{ "balloon-511", 16, 7, 16, 8, 511ULL << 33, -EINVAL },
	{ "error-type", 8, 0, 8, 0, 0, -EINVAL },
	{ "host-version-response", 16, 2, 16, 0, 0, -EINVAL },
	{ "host-caps-response", 16, 4, 16, 0, 0, -EINVAL },
	{ "host-balloon-request", 16, 6, 16, 0, 0, -EINVAL },
	{ "host-unballoon-request", 16, 8, 16, 0, 0, -EINVAL },
	{ "host-hot-add-request", 24, 10, 24, 0, 0, -EINVAL },
	{ "host-info", 16, 12, 16, 0, 0, -EINVAL },
	{ "hot-remove-13", 16, 13, 16, 0, 0, -EOPNOTSUPP },
	{ "unknown-999", 16, 999, 16, 0, 0, -EOPNOTSUPP },
};

static void bad_case_desc(const struct bad_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(bad, bad_cases, bad_case_desc);

static void parse_bad_test(struct kunit *test)
{
	const struct bad_case *c = test->param_value;
	struct lis_dm_guest_msg m;
	u8 *b = msg(test, c->len, c->type, c->size), *s;

	if (c->off && c->off + 8 <= c->len)
		put64(b, c->off, c->val);
	s = kunit_kmalloc(test, c->len ? c->len : 1, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s);
	memcpy(s, b, c->len);
	KUNIT_EXPECT_EQ(test, parse(test, b, c->len, &m), c->ret);
	KUNIT_EXPECT_MEMEQ(test, b, s, c->len);
}

static void parse_bad_range_test(struct kunit *test)
{
	struct lis_dm_guest_msg m;
	u8 *b = msg(test, 32, 7, 32);

	put32(b, 12, 2 << 1);
	put64(b, 16, lis_dm_range(10, 1));
	put64(b, 24, lis_dm_range(20, 0));
	KUNIT_EXPECT_EQ(test, parse(test, b, 32, &m), -EINVAL);
	put64(b, 24, lis_dm_range((1ULL << 40) - 1, 2));
	KUNIT_EXPECT_EQ(test, parse(test, b, 32, &m), -EINVAL);
	put64(b, 24, lis_dm_range((1ULL << 40) - 1, 1));
	KUNIT_EXPECT_EQ(test, parse(test, b, 32, &m), 0);
}

/* ---- host messages, byte for byte ---- */

static void put_msgs_test(struct kunit *test)
{
	u8 *b = kunit_kzalloc(test, LIS_DM_MAX_MSG, GFP_KERNEL);
	u64 ranges[LIS_DM_MAX_RANGES + 1];
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_EXPECT_EQ(test, lis_dm_put_version_response(b, 7, true), 16);
	KUNIT_EXPECT_EQ(test, get32(b, 0), 2 | 16 << 16);
	KUNIT_EXPECT_EQ(test, get32(b, 4), 7);
	KUNIT_EXPECT_EQ(test, get64(b, 8), 1);
	lis_dm_put_version_response(b, 8, false);
	KUNIT_EXPECT_EQ(test, get64(b, 8), 0);

	KUNIT_EXPECT_EQ(test, lis_dm_put_caps_response(b, 9, true), 16);
	KUNIT_EXPECT_EQ(test, get32(b, 0), 4 | 16 << 16);
	KUNIT_EXPECT_EQ(test, get64(b, 8), 1);

	KUNIT_EXPECT_EQ(test, lis_dm_put_balloon_request(b, 10, 123456), 16);
	KUNIT_EXPECT_EQ(test, get32(b, 0), 6 | 16 << 16);
	KUNIT_EXPECT_EQ(test, get32(b, 8), 123456);
	KUNIT_EXPECT_EQ(test, get32(b, 12), 0);

	for (i = 0; i <= LIS_DM_MAX_RANGES; i++)
		ranges[i] = lis_dm_range(i * 100, i + 1);
	KUNIT_EXPECT_EQ(test, lis_dm_put_unballoon_request(b, 11, true, ranges, 3),
			16 + 24);
	KUNIT_EXPECT_EQ(test, get32(b, 0), 8 | 40 << 16);
	KUNIT_EXPECT_EQ(test, get32(b, 8), 1);
	KUNIT_EXPECT_EQ(test, get32(b, 12), 3);
	KUNIT_EXPECT_EQ(test, get64(b, 16), ranges[0]);
	KUNIT_EXPECT_EQ(test, get64(b, 32), ranges[2]);
	/* 511 ranges do not fit: 510 go. */
	KUNIT_EXPECT_EQ(test, lis_dm_put_unballoon_request(b, 12, false, ranges,
							   LIS_DM_MAX_RANGES + 1),
			LIS_DM_MAX_MSG);
	KUNIT_EXPECT_EQ(test, get32(b, 0), 8 | LIS_DM_MAX_MSG << 16);
	KUNIT_EXPECT_EQ(test, get32(b, 8), 0);
	KUNIT_EXPECT_EQ(test, get32(b, 12), 510);
	KUNIT_EXPECT_EQ(test, get64(b, LIS_DM_MAX_MSG - 8), ranges[509]);

	memset(b, 0xee, 32);
	KUNIT_EXPECT_EQ(test, lis_dm_put_hot_add_request(b, 13,
			lis_dm_range(0x40000, 0x8000), 0), 16);
	KUNIT_EXPECT_EQ(test, get32(b, 0), 10 | 16 << 16);
	KUNIT_EXPECT_EQ(test, get64(b, 8), 0x40000ULL | 0x8000ULL << 40);
	KUNIT_EXPECT_EQ(test, get64(b, 16), 0xeeeeeeeeeeeeeeeeULL);
	KUNIT_EXPECT_EQ(test, lis_dm_put_hot_add_request(b, 14,
			lis_dm_range(0x41000, 0x1000),
			lis_dm_range(0x40000, 0x8000)), 24);
	KUNIT_EXPECT_EQ(test, get32(b, 0), 10 | 24 << 16);
	KUNIT_EXPECT_EQ(test, get64(b, 8), 0x41000ULL | 0x1000ULL << 40);
	KUNIT_EXPECT_EQ(test, get64(b, 16), 0x40000ULL | 0x8000ULL << 40);

	KUNIT_EXPECT_EQ(test, lis_dm_put_info_max_pages(b, 15, 0x123456789ULL),
			32);
	KUNIT_EXPECT_EQ(test, get32(b, 0), 12 | 32 << 16);
	KUNIT_EXPECT_EQ(test, get32(b, 4), 15);
	KUNIT_EXPECT_EQ(test, get32(b, 8), 0);
	KUNIT_EXPECT_EQ(test, get32(b, 12), 16);	/* info_size */
	KUNIT_EXPECT_EQ(test, get32(b, 16), 0);		/* max page count */
	KUNIT_EXPECT_EQ(test, get32(b, 20), 8);
	KUNIT_EXPECT_EQ(test, get64(b, 24), 0x123456789ULL);
}

static struct kunit_case lis_dm_msg_cases[] = {
	KUNIT_CASE(parse_version_test),
	KUNIT_CASE(parse_caps_test),
	KUNIT_CASE(parse_status_test),
	KUNIT_CASE(parse_balloon_test),
	KUNIT_CASE(parse_small_test),
	KUNIT_CASE_PARAM(parse_bad_test, bad_gen_params),
	KUNIT_CASE(parse_bad_range_test),
	KUNIT_CASE(put_msgs_test),
	{}
};

static struct kunit_suite lis_dm_msg_suite = {
	.name = "lis_dm_msg",
	.test_cases = lis_dm_msg_cases,
};

/* ---- the balancer ---- */

/* 768 MiB startup, 256 MiB..2 GiB, 20 % buffer, 128 MiB blocks. */
static struct lis_dm_policy pol_default(void)
{
	struct lis_dm_policy p = {
		.minimum = 256 * MB,
		.maximum = 2048 * MB,
		.buffer_pct = 20,
		.block = BLOCK,
		.step = 0,
		.hysteresis_pct = 5,
		.shrink_reports = 3,
	};

	return p;
}

static struct lis_dm_view view_of(u64 assigned, u64 ballooned, u64 room,
				  u64 demand)
{
	struct lis_dm_view v = {
		.assigned = assigned,
		.ballooned = ballooned,
		.hot_add_room = room,
		.demand = demand,
		.can_balloon = true,
		.can_hot_add = true,
		.shrink_streak = 100,
	};

	return v;
}

static void target_test(struct kunit *test)
{
	struct lis_dm_policy p = pol_default();

	KUNIT_EXPECT_EQ(test, lis_dm_policy_target(&p, 1000 * MB), 1200 * MB);
	KUNIT_EXPECT_EQ(test, lis_dm_policy_target(&p, 10 * MB), 256 * MB);
	KUNIT_EXPECT_EQ(test, lis_dm_policy_target(&p, 4096 * MB), 2048 * MB);
	KUNIT_EXPECT_EQ(test, lis_dm_policy_target(&p, (1ULL << 40) - 1),
			2048 * MB);
	p.buffer_pct = 0;
	KUNIT_EXPECT_EQ(test, lis_dm_policy_target(&p, 1000 * MB), 1000 * MB);
	p.buffer_pct = 2000;
	KUNIT_EXPECT_EQ(test, lis_dm_policy_target(&p, 50 * MB), 1050 * MB);
	p.manual = true;
	p.manual_target = 900 * MB;
	KUNIT_EXPECT_EQ(test, lis_dm_policy_target(&p, 0), 900 * MB);
	p.manual_target = 100 * MB;
	KUNIT_EXPECT_EQ(test, lis_dm_policy_target(&p, 0), 256 * MB);
	p.manual_target = 9000 * MB;
	KUNIT_EXPECT_EQ(test, lis_dm_policy_target(&p, 0), 2048 * MB);
}

struct decide_case {
	const char *name;
	bool manual;
	u64 manual_target;
	u64 step;
	u64 assigned, ballooned, room, demand;
	bool no_hot_add;
	u32 streak;
	int action;
	u64 pages;
};

static const struct decide_case decide_cases[] = {
	/* demand 1000 MiB -> target 1200 MiB */
	{ "grow-hot-add-blocks", false, 0, 0, 768 * MB, 0, 1024 * MB, 1000 * MB,
	  false, 0, LIS_DM_ACT_HOT_ADD, 512 * MB },
	{ "grow-refills-holes-first", false, 0, 0, 768 * MB, 600 * MB, 1024 * MB,
	  1000 * MB, false, 0, LIS_DM_ACT_UNBALLOON, 432 * MB },
	{ "grow-holes-smaller-than-need", false, 0, 0, 768 * MB, 100 * MB,
	  1024 * MB, 1000 * MB, false, 0, LIS_DM_ACT_UNBALLOON, 100 * MB },
	{ "grow-limited-by-room", false, 0, 0, 768 * MB, 0, 256 * MB, 1000 * MB,
	  false, 0, LIS_DM_ACT_HOT_ADD, 256 * MB },
	{ "grow-no-room", false, 0, 0, 768 * MB, 0, 0, 1000 * MB, false, 0,
	  LIS_DM_ACT_NONE, 0 },
	{ "grow-no-hot-add-cap", false, 0, 0, 768 * MB, 0, 1024 * MB, 1000 * MB,
	  true, 0, LIS_DM_ACT_NONE, 0 },
	{ "grow-limited-by-maximum", false, 0, 0, 1984 * MB, 0, 1024 * MB,
	  4000 * MB, false, 0, LIS_DM_ACT_HOT_ADD, 64 * MB },
	{ "grow-step", false, 0, 256 * MB, 768 * MB, 0, 1024 * MB, 1000 * MB,
	  false, 0, LIS_DM_ACT_HOT_ADD, 256 * MB },
	{ "grow-step-below-block", false, 0, 64 * MB, 768 * MB, 0, 1024 * MB,
	  1000 * MB, false, 0, LIS_DM_ACT_HOT_ADD, 128 * MB },
	{ "grow-tiny-ignored", false, 0, 0, 1198 * MB, 0, 1024 * MB, 1000 * MB,
	  false, 0, LIS_DM_ACT_NONE, 0 },
	/* demand 250 MiB -> target 300 MiB */
	/* down to H/2 (64 MiB) above the target */
	{ "shrink-balloons", false, 0, 0, 768 * MB, 0, 0, 250 * MB, false, 3,
	  LIS_DM_ACT_BALLOON, 404 * MB },
	{ "shrink-waits-for-reports", false, 0, 0, 768 * MB, 0, 0, 250 * MB,
	  false, 2, LIS_DM_ACT_NONE, 0 },
	{ "shrink-hysteresis", false, 0, 0, 400 * MB, 0, 0, 250 * MB, false, 3,
	  LIS_DM_ACT_NONE, 0 },
	{ "shrink-never-below-minimum", false, 0, 0, 768 * MB, 0, 0, 10 * MB,
	  false, 3, LIS_DM_ACT_BALLOON, 448 * MB },
	{ "shrink-step", false, 0, 100 * MB, 768 * MB, 0, 0, 250 * MB, false, 3,
	  LIS_DM_ACT_BALLOON, 100 * MB },
	{ "at-target", false, 0, 0, 1200 * MB, 0, 1024 * MB, 1000 * MB, false, 3,
	  LIS_DM_ACT_NONE, 0 },
	{ "manual-balloon-exact", true, 700 * MB, 0, 768 * MB, 0, 0, 0, false, 0,
	  LIS_DM_ACT_BALLOON, 68 * MB },
	{ "manual-hot-add-exact", true, 900 * MB, 0, 768 * MB, 0, 1024 * MB, 0,
	  false, 0, LIS_DM_ACT_HOT_ADD, 132 * MB },
	{ "manual-unballoon-first", true, 900 * MB, 0, 768 * MB, 50 * MB,
	  1024 * MB, 0, false, 0, LIS_DM_ACT_UNBALLOON, 50 * MB },
	{ "manual-at-target", true, 768 * MB, 0, 768 * MB, 50 * MB, 1024 * MB, 0,
	  false, 0, LIS_DM_ACT_NONE, 0 },
	{ "manual-below-minimum", true, 0, 0, 768 * MB, 0, 0, 0, false, 0,
	  LIS_DM_ACT_BALLOON, 512 * MB },
};

static void decide_case_desc(const struct decide_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(decide, decide_cases, decide_case_desc);

static void decide_test(struct kunit *test)
{
	const struct decide_case *c = test->param_value;
	struct lis_dm_policy p = pol_default();
	struct lis_dm_view v = view_of(c->assigned, c->ballooned, c->room,
				       c->demand);
	struct lis_dm_decision d;

	p.manual = c->manual;
	p.manual_target = c->manual_target;
	p.step = c->step;
	v.can_hot_add = !c->no_hot_add;
	v.shrink_streak = c->streak;
	lis_dm_policy_decide(&p, &v, &d);
	KUNIT_EXPECT_EQ(test, d.action, c->action);
	KUNIT_EXPECT_EQ(test, d.pages, c->pages);
}

/*
 * hot_add_step: pieces of that size, not rounded to blocks, so that the
 * next request starts inside the block of this one (Hyper-V's
 * incremental hot-add); never past the need, the room or Maximum;
 * holes are still refilled first.
 */
static void ha_step_test(struct kunit *test)
{
	struct lis_dm_policy p = pol_default();
	struct lis_dm_view v = view_of(768 * MB, 0, 1024 * MB, 1000 * MB);
	struct lis_dm_decision d;

	p.ha_step = 24 * MB;
	lis_dm_policy_decide(&p, &v, &d);
	KUNIT_EXPECT_EQ(test, d.action, LIS_DM_ACT_HOT_ADD);
	KUNIT_EXPECT_EQ(test, d.pages, 24 * MB);

	v.hot_add_room = 10 * MB;
	lis_dm_policy_decide(&p, &v, &d);
	KUNIT_EXPECT_EQ(test, d.pages, 10 * MB);

	v.hot_add_room = 1024 * MB;
	p.manual = true;
	p.manual_target = 780 * MB;
	lis_dm_policy_decide(&p, &v, &d);
	KUNIT_EXPECT_EQ(test, d.action, LIS_DM_ACT_HOT_ADD);
	KUNIT_EXPECT_EQ(test, d.pages, 12 * MB);

	p.manual_target = 2048 * MB;
	v.assigned = 2040 * MB;
	lis_dm_policy_decide(&p, &v, &d);
	KUNIT_EXPECT_EQ(test, d.pages, 8 * MB);

	v.assigned = 768 * MB;
	v.ballooned = 100 * MB;
	lis_dm_policy_decide(&p, &v, &d);
	KUNIT_EXPECT_EQ(test, d.action, LIS_DM_ACT_UNBALLOON);
	KUNIT_EXPECT_EQ(test, d.pages, 100 * MB);
}

static void streak_test(struct kunit *test)
{
	struct lis_dm_policy p = pol_default();
	struct lis_dm_view v = view_of(768 * MB, 0, 0, 250 * MB);

	v.shrink_streak = 0;
	lis_dm_policy_report(&p, &v);
	v.demand = 260 * MB;
	lis_dm_policy_report(&p, &v);
	v.demand = 250 * MB;
	lis_dm_policy_report(&p, &v);
	KUNIT_EXPECT_EQ(test, v.shrink_streak, 3);
	KUNIT_EXPECT_EQ(test, v.shrink_peak, 312 * MB);
	{
		struct lis_dm_decision d;

		/* Down to the peak's target plus H/2: 376 MiB. */
		lis_dm_policy_decide(&p, &v, &d);
		KUNIT_EXPECT_EQ(test, d.action, LIS_DM_ACT_BALLOON);
		KUNIT_EXPECT_EQ(test, d.pages, 392 * MB);
	}
	/* One report that wants more memory starts the count again. */
	v.demand = 700 * MB;
	lis_dm_policy_report(&p, &v);
	KUNIT_EXPECT_EQ(test, v.shrink_streak, 0);
	KUNIT_EXPECT_EQ(test, v.shrink_peak, 0);
	/* Inside the hysteresis: no count either. */
	v.demand = 540 * MB;	/* target 648 MiB, 120 MiB below: < 1 block */
	lis_dm_policy_report(&p, &v);
	KUNIT_EXPECT_EQ(test, v.shrink_streak, 0);
	KUNIT_EXPECT_EQ(test, lis_dm_policy_hysteresis(&p, 768 * MB), BLOCK);
	KUNIT_EXPECT_EQ(test, lis_dm_policy_hysteresis(&p, 8192 * MB),
			8192 * MB / 100 * 5);
}

/*
 * A high report just before a load ended must not hold the balloon up
 * for good: the peak is that of the last window of reports only.  (Found
 * by make demo: the host ballooned 204 MiB and then never again.)
 */
static void stale_peak_test(struct kunit *test)
{
	struct lis_dm_policy p = pol_default();
	struct lis_dm_view v = view_of(2048 * MB, 0, 0, 1483 * MB);
	struct lis_dm_decision d;
	int i;

	lis_dm_policy_report(&p, &v);
	v.demand = 360 * MB;
	for (i = 0; i < 5; i++)
		lis_dm_policy_report(&p, &v);
	KUNIT_EXPECT_EQ(test, v.shrink_streak, 3);
	KUNIT_EXPECT_EQ(test, v.shrink_peak, 432 * MB);
	lis_dm_policy_decide(&p, &v, &d);
	KUNIT_EXPECT_EQ(test, d.action, LIS_DM_ACT_BALLOON);
	/* Target 432 MiB (360 + 20 %) plus H/2 = 64 MiB. */
	KUNIT_EXPECT_EQ(test, d.pages, 2048 * MB - 496 * MB);
}

/* Apply a decision as the guest would, in full. */
static void apply(struct lis_dm_view *v, const struct lis_dm_decision *d)
{
	switch (d->action) {
	case LIS_DM_ACT_BALLOON:
		v->assigned -= d->pages;
		v->ballooned += d->pages;
		break;
	case LIS_DM_ACT_UNBALLOON:
		v->assigned += d->pages;
		v->ballooned -= d->pages;
		break;
	case LIS_DM_ACT_HOT_ADD:
		v->assigned += d->pages;
		v->hot_add_room -= d->pages;
		break;
	}
}

/*
 * A steady demand, noisy by up to +-40 MiB: the balancer settles within a
 * few requests and then stays put; it never turns round.
 */
static void no_oscillation_test(struct kunit *test)
{
	static const u64 demands[] = { 300, 900, 1400, 600, 250 };
	struct lis_dm_policy p = pol_default();
	struct lis_dm_view v = view_of(768 * MB, 0, 1280 * MB, 0);
	struct lis_dm_decision d;
	unsigned int i, r, moves, turns;
	int last_dir;

	v.shrink_streak = 0;
	p.step = 256 * MB;
	for (i = 0; i < ARRAY_SIZE(demands); i++) {
		moves = 0;
		turns = 0;
		last_dir = 0;
		for (r = 0; r < 200; r++) {
			int dir;

			v.demand = demands[i] * MB + (r % 5) * 20 * MB - 40 * MB;
			lis_dm_policy_report(&p, &v);
			lis_dm_policy_decide(&p, &v, &d);
			if (d.action == LIS_DM_ACT_NONE)
				continue;
			dir = d.action == LIS_DM_ACT_BALLOON ? -1 : 1;
			if (last_dir && dir != last_dir)
				turns++;
			last_dir = dir;
			moves++;
			apply(&v, &d);
			KUNIT_EXPECT_GE(test, v.assigned, p.minimum);
			KUNIT_EXPECT_LE(test, v.assigned, p.maximum);
		}
		KUNIT_EXPECT_LE_MSG(test, moves, 8U, "demand %llu MiB", demands[i]);
		KUNIT_EXPECT_EQ_MSG(test, turns, 0U, "demand %llu MiB", demands[i]);
		/* Settled near the target: within the hysteresis above it. */
		KUNIT_EXPECT_LE_MSG(test, v.assigned,
				    lis_dm_policy_target(&p, demands[i] * MB + 40 * MB) +
				    lis_dm_policy_hysteresis(&p, v.assigned),
				    "demand %llu MiB", demands[i]);
		KUNIT_EXPECT_GE_MSG(test, v.assigned + LIS_DM_GROW_MIN,
				    lis_dm_policy_target(&p, demands[i] * MB - 40 * MB),
				    "demand %llu MiB", demands[i]);
	}
	/* Holes were refilled before anything new was added: room left. */
	KUNIT_EXPECT_GT(test, v.hot_add_room, 0);
}

/*
 * A guest at its floor answers every balloon request short.  The waits
 * double up to the cap, so over 600 request intervals (two minutes at
 * the default 200 ms) the host asks a handful of times, not 600; a full
 * answer or memory gained ends the back-off, a refused hot-add does not.
 */
static void backoff_test(struct kunit *test)
{
	struct lis_dm_view v = {};
	u32 t, next = 0, asked = 0;

	KUNIT_EXPECT_EQ(test, lis_dm_policy_backoff(&v), 1U);
	for (t = 0; t < 600; t++) {
		if (t < next)
			continue;
		asked++;
		lis_dm_policy_answered(&v, LIS_DM_ACT_BALLOON, 256, t % 2 ? 0 : 17);
		next = t + lis_dm_policy_backoff(&v);
	}
	/* 1 + 2 + ... + 32 intervals, then one request per 64. */
	KUNIT_EXPECT_LE(test, asked, 16U);
	KUNIT_EXPECT_GE(test, asked, 12U);
	KUNIT_EXPECT_EQ(test, lis_dm_policy_backoff(&v),
			1U << LIS_DM_BACKOFF_SHIFT_MAX);

	/* Neither a refused hot-add nor an unballoon of nothing ends it. */
	lis_dm_policy_answered(&v, LIS_DM_ACT_HOT_ADD, BLOCK, 0);
	lis_dm_policy_answered(&v, LIS_DM_ACT_UNBALLOON, 256, 0);
	KUNIT_EXPECT_EQ(test, lis_dm_policy_backoff(&v),
			1U << LIS_DM_BACKOFF_SHIFT_MAX);
	/* Memory the guest gains does. */
	lis_dm_policy_answered(&v, LIS_DM_ACT_UNBALLOON, 256, 1);
	KUNIT_EXPECT_EQ(test, lis_dm_policy_backoff(&v), 1U);

	lis_dm_policy_answered(&v, LIS_DM_ACT_BALLOON, 256, 255);
	lis_dm_policy_answered(&v, LIS_DM_ACT_BALLOON, 256, 0);
	KUNIT_EXPECT_EQ(test, lis_dm_policy_backoff(&v), 4U);
	lis_dm_policy_answered(&v, LIS_DM_ACT_HOT_ADD, BLOCK, BLOCK);
	KUNIT_EXPECT_EQ(test, lis_dm_policy_backoff(&v), 1U);
	/* So does a balloon answered in full. */
	lis_dm_policy_answered(&v, LIS_DM_ACT_BALLOON, 256, 0);
	lis_dm_policy_answered(&v, LIS_DM_ACT_BALLOON, 256, 256);
	KUNIT_EXPECT_EQ(test, lis_dm_policy_backoff(&v), 1U);
}

static struct kunit_case lis_dm_policy_cases[] = {
	KUNIT_CASE(target_test),
	KUNIT_CASE_PARAM(decide_test, decide_gen_params),
	KUNIT_CASE(ha_step_test),
	KUNIT_CASE(streak_test),
	KUNIT_CASE(stale_peak_test),
	KUNIT_CASE(no_oscillation_test),
	KUNIT_CASE(backoff_test),
	{}
};

static struct kunit_suite lis_dm_policy_suite = {
	.name = "lis_dm_policy",
	.test_cases = lis_dm_policy_cases,
};

kunit_test_suites(&lis_dm_msg_suite, &lis_dm_policy_suite);

MODULE_DESCRIPTION("KUnit tests for the lis_sim Dynamic Memory host");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "lis_dm": lis_balloon's pure code, message by message
 * (dm_msg.c), the floor and pressure arithmetic (dm_policy.c), and the
 * range sets and checks the driver decides with (dm_span.c).
 *
 * Host messages are written byte by byte at their wire offsets, not
 * through the lis structures, so a wrong layout cannot hide itself, and
 * each is kmalloc()ed at exactly its length: with KASAN, a read past it
 * is reported.
 */
#include "pure.h"
#include "../../drivers/balloon/dm_msg.c"
#include "../../drivers/balloon/dm_policy.c"
#include "../../drivers/balloon/dm_span.c"
#include "pure_end.h"
#include "wire.h"

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>

#define MB(x)	LIS_DM_MB(x)
#define RANGE(pfn, n)	(((u64)(n) << 40) | (pfn))

/* A host message of exactly @len bytes whose header says @type, @size. */
static u8 *msg_alloc(struct kunit *test, u32 len, u16 type, u16 size)
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

/* ---- lis_dm_parse(): sizes ---- */

struct parse_case {
	const char *name;
	u32 len;
	u16 type;
	u16 size;
	u32 count;	/* UNBALLOON range_count / INFO info_size */
	int ret;
};

static const struct parse_case parse_cases[] = {
	{ "empty", 0, 0, 0, 0, -EINVAL },
	{ "short header", 7, 2, 7, 0, -EINVAL },
	{ "size below header", 16, 2, 7, 0, -EINVAL },
	{ "size beyond packet", 16, 2, 24, 0, -EINVAL },
	{ "size beyond 4 KiB", 4104, 8, 4104, 511, -EINVAL },
	{ "version response", 16, 2, 16, 0, 0 },
	{ "version response padded", 24, 2, 16, 0, 0 },
	{ "version response 9 bytes", 16, 2, 9, 0, 0 },
	{ "version response 8 bytes", 16, 2, 8, 0, -EINVAL },
	{ "version response long", 24, 2, 24, 0, 0 },
	{ "caps response", 16, 4, 16, 0, 0 },
	{ "caps response short", 8, 4, 8, 0, -EINVAL },
	{ "balloon request", 16, 6, 16, 0, 0 },
	{ "balloon request 12 bytes", 16, 6, 12, 0, 0 },
	{ "balloon request short", 16, 6, 11, 0, -EINVAL },
	{ "balloon request long", 32, 6, 32, 0, 0 },
	{ "unballoon no ranges", 16, 8, 16, 0, 0 },
	{ "unballoon 1 range", 24, 8, 24, 1, 0 },
	{ "unballoon 510 ranges", 4096, 8, 4096, 510, 0 },
	{ "unballoon count beyond size", 24, 8, 24, 2, -EINVAL },
	{ "unballoon longer than its ranges", 32, 8, 32, 1, 0 },
	{ "unballoon count huge", 24, 8, 24, 0x20000001, -EINVAL },
	{ "unballoon short", 12, 8, 12, 0, -EINVAL },
	{ "hot-add range", 16, 10, 16, 0, 0 },
	{ "hot-add region", 24, 10, 24, 0, 0 },
	{ "hot-add 20 bytes: range form", 24, 10, 20, 0, 0 },
	{ "hot-add short", 16, 10, 15, 0, -EINVAL },
	{ "hot-add 32 bytes: region form", 32, 10, 32, 0, 0 },
	{ "info empty", 16, 12, 16, 0, 0 },
	{ "info size beyond message", 16, 12, 16, 1, -EINVAL },
	{ "info short", 12, 12, 12, 0, -EINVAL },
	{ "error type", 16, 0, 16, 0, -EPROTO },
	{ "guest's version request", 16, 1, 16, 0, -EPROTO },
	{ "guest's status report", 48, 5, 48, 0, -EPROTO },
	{ "guest's balloon response", 16, 7, 16, 0, -EPROTO },
	{ "guest's hot-add response", 16, 11, 16, 0, -EPROTO },
	{ "hot-remove", 16, 13, 16, 0, -EOPNOTSUPP },
	{ "type 14", 16, 14, 16, 0, -EOPNOTSUPP },
	{ "type 0xffff", 16, 0xffff, 16, 0, -EOPNOTSUPP },
};

static void parse_desc(const struct parse_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(parse, parse_cases, parse_desc);

static void parse_test(struct kunit *test)
{
	const struct parse_case *c = test->param_value;
	struct lis_dm_msg msg;
	u8 *b = msg_alloc(test, c->len, c->type, c->size);

	if (c->len >= 16 && (c->type == 8 || c->type == 12))
		put32(b, 12, c->count);
	KUNIT_EXPECT_EQ(test, lis_dm_parse(b, c->len, &msg), c->ret);
}

/* ---- lis_dm_parse(): fields ---- */

static void parse_fields_test(struct kunit *test)
{
	struct lis_dm_msg msg;
	u8 *b;

	b = msg_alloc(test, 16, 2, 16);
	put64(b, 8, 1);
	KUNIT_ASSERT_EQ(test, lis_dm_parse(b, 16, &msg), 0);
	KUNIT_EXPECT_TRUE(test, msg.accepted);
	put64(b, 8, 0x100);
	KUNIT_ASSERT_EQ(test, lis_dm_parse(b, 16, &msg), 0);
	KUNIT_EXPECT_FALSE(test, msg.accepted);

	b = msg_alloc(test, 16, 4, 16);
	put64(b, 8, 0x7);
	KUNIT_ASSERT_EQ(test, lis_dm_parse(b, 16, &msg), 0);
	KUNIT_EXPECT_TRUE(test, msg.accepted);
	KUNIT_EXPECT_EQ(test, msg.flags, 7);

	b = msg_alloc(test, 16, 6, 16);
	put32(b, 8, 262144);
	KUNIT_ASSERT_EQ(test, lis_dm_parse(b, 16, &msg), 0);
	KUNIT_EXPECT_EQ(test, msg.num_pages, 262144);

	b = msg_alloc(test, 32, 8, 32);
	put32(b, 8, 1);
	put32(b, 12, 2);
	put64(b, 16, RANGE(0x12345, 512));
	put64(b, 24, RANGE(0xfffffffffULL, 1));
	KUNIT_ASSERT_EQ(test, lis_dm_parse(b, 32, &msg), 0);
	KUNIT_EXPECT_TRUE(test, msg.more);
	KUNIT_EXPECT_EQ(test, msg.nr_ranges, 2);
	KUNIT_EXPECT_EQ(test, lis_dm_msg_range(&msg, 0), RANGE(0x12345, 512));
	KUNIT_EXPECT_EQ(test, lis_dm_msg_range(&msg, 1),
			RANGE(0xfffffffffULL, 1));
	KUNIT_EXPECT_EQ(test, lis_dm_msg_range(&msg, 2), 0);

	b = msg_alloc(test, 24, 10, 24);
	put64(b, 8, RANGE(0x40000, 0x8000));
	put64(b, 16, RANGE(0x40000, 0x40000));
	KUNIT_ASSERT_EQ(test, lis_dm_parse(b, 24, &msg), 0);
	KUNIT_EXPECT_TRUE(test, msg.has_region);
	KUNIT_EXPECT_EQ(test, msg.range, RANGE(0x40000, 0x8000));
	KUNIT_EXPECT_EQ(test, msg.region, RANGE(0x40000, 0x40000));
	put16(b, 2, 16);
	KUNIT_ASSERT_EQ(test, lis_dm_parse(b, 24, &msg), 0);
	KUNIT_EXPECT_FALSE(test, msg.has_region);
}

static void parse_info_test(struct kunit *test)
{
	struct lis_dm_msg msg;
	u8 *b;

	/* An unknown item, then the maximum page count. */
	b = msg_alloc(test, 44, 12, 44);
	put32(b, 12, 28);
	put32(b, 16, 7);
	put32(b, 20, 4);
	put32(b, 28, LIS_DM_INFO_MAX_PAGE_CNT);
	put32(b, 32, 8);
	put64(b, 36, 0x100000);
	KUNIT_ASSERT_EQ(test, lis_dm_parse(b, 44, &msg), 0);
	KUNIT_EXPECT_TRUE(test, msg.has_max);
	KUNIT_EXPECT_EQ(test, msg.max_page_count, 0x100000);

	/* An item whose data runs past info_size. */
	put32(b, 32, 9);
	KUNIT_EXPECT_EQ(test, lis_dm_parse(b, 44, &msg), -EINVAL);
	/* A maximum page count of the wrong size. */
	put32(b, 32, 4);
	KUNIT_EXPECT_EQ(test, lis_dm_parse(b, 44, &msg), -EINVAL);
	/* info_size cutting an item header. */
	put32(b, 32, 8);
	put32(b, 12, 16);
	KUNIT_EXPECT_EQ(test, lis_dm_parse(b, 44, &msg), -EINVAL);
	/* A huge data_size must not wrap the walk. */
	put32(b, 12, 28);
	put32(b, 20, 0xfffffff8);
	KUNIT_EXPECT_EQ(test, lis_dm_parse(b, 44, &msg), -EINVAL);
}

/* ---- ranges and hot-add checks ---- */

static void check_range_test(struct kunit *test)
{
	u64 max = 1ULL << 24;

	KUNIT_EXPECT_EQ(test, lis_dm_check_range(RANGE(0x1000, 1), max), 0);
	KUNIT_EXPECT_EQ(test, lis_dm_check_range(RANGE(0x1000, 0), max),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lis_dm_check_range(RANGE(max - 1, 1), max), 0);
	KUNIT_EXPECT_EQ(test, lis_dm_check_range(RANGE(max - 1, 2), max),
			-ERANGE);
	KUNIT_EXPECT_EQ(test,
			lis_dm_check_range(RANGE(0xffffffffffULL, 0xffffff),
					   max), -ERANGE);
}

static void hot_add_plan_test(struct kunit *test)
{
	struct lis_dm_msg msg = { .type = LIS_DM_MEM_HOT_ADD_REQUEST };
	struct lis_dm_ha_plan p;
	u64 bp = MB(128), max = 1ULL << 30;

	/* Range alone, unaligned: widened to whole blocks. */
	msg.range = RANGE(MB(1024) + 256, MB(128));
	KUNIT_ASSERT_EQ(test, lis_dm_hot_add_plan(&msg, bp, max, &p), 0);
	KUNIT_EXPECT_EQ(test, p.rg_start, MB(1024));
	KUNIT_EXPECT_EQ(test, p.rg_end, MB(1280));
	KUNIT_EXPECT_EQ(test, p.start, MB(1024) + 256);
	KUNIT_EXPECT_EQ(test, p.end, MB(1152) + 256);

	/* With a region: the region decides. */
	msg.has_region = true;
	msg.region = RANGE(MB(1024), MB(1024));
	msg.range = RANGE(MB(1024), MB(128));
	KUNIT_ASSERT_EQ(test, lis_dm_hot_add_plan(&msg, bp, max, &p), 0);
	KUNIT_EXPECT_EQ(test, p.rg_start, MB(1024));
	KUNIT_EXPECT_EQ(test, p.rg_end, MB(2048));
	KUNIT_EXPECT_EQ(test, p.end, MB(1152));

	/* Pages beyond the region, or before it. */
	msg.range = RANGE(MB(2000), MB(128));
	KUNIT_EXPECT_EQ(test, lis_dm_hot_add_plan(&msg, bp, max, &p), -ERANGE);
	msg.range = RANGE(MB(1000), MB(64));
	KUNIT_EXPECT_EQ(test, lis_dm_hot_add_plan(&msg, bp, max, &p), -ERANGE);
	/* Empty range, empty region. */
	msg.range = RANGE(MB(1024), 0);
	KUNIT_EXPECT_EQ(test, lis_dm_hot_add_plan(&msg, bp, max, &p), -EINVAL);
	msg.range = RANGE(MB(1024), 1);
	msg.region = RANGE(MB(1024), 0);
	KUNIT_EXPECT_EQ(test, lis_dm_hot_add_plan(&msg, bp, max, &p), -EINVAL);
	/* Beyond what the guest can address, also once widened. */
	msg.has_region = false;
	msg.range = RANGE(max - 1, 2);
	KUNIT_EXPECT_EQ(test, lis_dm_hot_add_plan(&msg, bp, max, &p), -ERANGE);
	msg.range = RANGE(max - bp, 1);
	KUNIT_EXPECT_EQ(test, lis_dm_hot_add_plan(&msg, bp, max - bp + 1, &p),
			-ERANGE);
	KUNIT_EXPECT_EQ(test, lis_dm_hot_add_plan(&msg, bp + 1, max, &p),
			-EINVAL);
}

/* ---- builders ---- */

static void builders_test(struct kunit *test)
{
	struct lis_dm_version_request vr;
	struct lis_dm_caps_report cr;
	struct lis_dm_status st;
	struct lis_dm_hot_add_response hr;
	struct lis_dm_unballoon_response ur;
	const u8 *b;

	KUNIT_EXPECT_EQ(test, lis_dm_next_version(0x20000), 0x10000);
	KUNIT_EXPECT_EQ(test, lis_dm_next_version(0x10000), 3);
	KUNIT_EXPECT_EQ(test, lis_dm_next_version(3), 0);

	KUNIT_EXPECT_EQ(test, lis_dm_version_request(&vr, 0x20000), 16);
	b = (const u8 *)&vr;
	KUNIT_EXPECT_EQ(test, get16(b, 0), 1);
	KUNIT_EXPECT_EQ(test, get16(b, 2), 16);
	KUNIT_EXPECT_EQ(test, get32(b, 8), 0x20000);
	KUNIT_EXPECT_EQ(test, get32(b, 12), 0);
	lis_dm_version_request(&vr, 3);
	KUNIT_EXPECT_EQ(test, get32(b, 12), 1);

	KUNIT_EXPECT_EQ(test, lis_dm_hot_add_align(128ULL << 20), 7);
	KUNIT_EXPECT_EQ(test, lis_dm_hot_add_align(2ULL << 30), 11);
	KUNIT_EXPECT_EQ(test, lis_dm_hot_add_align(1ULL << 20), 0);
	KUNIT_EXPECT_EQ(test, lis_dm_hot_add_align(64ULL << 30), -EINVAL);
	KUNIT_EXPECT_EQ(test, lis_dm_hot_add_align(96ULL << 20), -EINVAL);
	KUNIT_EXPECT_EQ(test, lis_dm_hot_add_align(4096), -EINVAL);

	KUNIT_EXPECT_EQ(test, lis_dm_caps_report(&cr, true, 7, 0, ~0ULL), 32);
	b = (const u8 *)&cr;
	KUNIT_EXPECT_EQ(test, get16(b, 0), 3);
	KUNIT_EXPECT_EQ(test, get16(b, 2), 32);
	KUNIT_EXPECT_EQ(test, get64(b, 8), 0x1f);
	KUNIT_EXPECT_EQ(test, get64(b, 16), 0);
	KUNIT_EXPECT_EQ(test, get64(b, 24), ~0ULL);
	lis_dm_caps_report(&cr, true, -1, 5, 6);
	KUNIT_EXPECT_EQ(test, get64(b, 8), 1);
	KUNIT_EXPECT_EQ(test, get64(b, 16), 5);

	KUNIT_EXPECT_EQ(test, lis_dm_status_report(&st, 11, 22), 48);
	b = (const u8 *)&st;
	KUNIT_EXPECT_EQ(test, get16(b, 0), 5);
	KUNIT_EXPECT_EQ(test, get16(b, 2), 48);
	KUNIT_EXPECT_EQ(test, get64(b, 8), 11);
	KUNIT_EXPECT_EQ(test, get64(b, 16), 22);
	KUNIT_EXPECT_EQ(test, get64(b, 24), 0);

	KUNIT_EXPECT_EQ(test, lis_dm_hot_add_response(&hr, 32768, 1), 16);
	b = (const u8 *)&hr;
	KUNIT_EXPECT_EQ(test, get16(b, 0), 11);
	KUNIT_EXPECT_EQ(test, get32(b, 8), 32768);
	KUNIT_EXPECT_EQ(test, get32(b, 12), 1);

	KUNIT_EXPECT_EQ(test, lis_dm_unballoon_response(&ur), 8);
	KUNIT_EXPECT_EQ(test, get16((const u8 *)&ur, 0), 9);
	KUNIT_EXPECT_EQ(test, get16((const u8 *)&ur, 2), 8);
}

/* ---- balloon response packing ---- */

static void packing_test(struct kunit *test)
{
	struct lis_dm_balloon_response *r;
	const u8 *b;
	u32 i;

	r = kunit_kzalloc(test, LIS_DM_MAX_MSG, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, r);
	b = (const u8 *)r;
	lis_dm_balloon_resp_reset(r);
	KUNIT_EXPECT_EQ(test, lis_dm_balloon_resp_close(r, false), 16);
	KUNIT_EXPECT_EQ(test, get32(b, 12), 0);

	/* Contiguous pages merge into one range. */
	lis_dm_balloon_resp_reset(r);
	KUNIT_EXPECT_TRUE(test, lis_dm_balloon_resp_add(r, 0x1000, 512));
	KUNIT_EXPECT_TRUE(test, lis_dm_balloon_resp_add(r, 0x1200, 1));
	KUNIT_EXPECT_EQ(test, lis_dm_balloon_resp_count(r), 1);
	KUNIT_EXPECT_EQ(test, get64(b, 16), RANGE(0x1000, 513));
	/* Nothing empty, nothing beyond 40 bits. */
	KUNIT_EXPECT_FALSE(test, lis_dm_balloon_resp_add(r, 0x5000, 0));
	KUNIT_EXPECT_FALSE(test, lis_dm_balloon_resp_add(r, 1ULL << 40, 1));
	KUNIT_EXPECT_FALSE(test,
			   lis_dm_balloon_resp_add(r, 0x5000, 1ULL << 24));

	/* 510 separate ranges fit one 4 KiB message; the 511th does not. */
	lis_dm_balloon_resp_reset(r);
	for (i = 0; i < 510; i++)
		KUNIT_ASSERT_TRUE(test,
				  lis_dm_balloon_resp_add(r, 2 * i + 0x100, 1));
	KUNIT_EXPECT_FALSE(test, lis_dm_balloon_resp_add(r, 0x10000, 1));
	/* ... but a page that extends the last range still does. */
	KUNIT_EXPECT_TRUE(test, lis_dm_balloon_resp_add(r, 2 * 509 + 0x101, 1));
	KUNIT_EXPECT_EQ(test, lis_dm_balloon_resp_close(r, true), 4096);
	KUNIT_EXPECT_EQ(test, get16(b, 0), 7);
	KUNIT_EXPECT_EQ(test, get16(b, 2), 4096);
	KUNIT_EXPECT_EQ(test, get32(b, 12), 510 << 1 | 1);
	KUNIT_EXPECT_EQ(test, get64(b, 16 + 8 * 509), RANGE(0x100 + 1018, 2));
	lis_dm_balloon_resp_close(r, false);
	KUNIT_EXPECT_EQ(test, get32(b, 12), 510 << 1);

	/* A range never grows past 2^24 - 1 pages. */
	lis_dm_balloon_resp_reset(r);
	KUNIT_EXPECT_TRUE(test, lis_dm_balloon_resp_add(r, 0, 0xfffffe));
	KUNIT_EXPECT_TRUE(test, lis_dm_balloon_resp_add(r, 0xfffffe, 2));
	KUNIT_EXPECT_EQ(test, lis_dm_balloon_resp_count(r), 2);
}

/* ---- policy ---- */

static void floor_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, lis_dm_floor(MB(1024)), MB(128));
	KUNIT_EXPECT_EQ(test, lis_dm_floor(MB(16384)), MB(1088));
	KUNIT_EXPECT_EQ(test, lis_dm_floor(MB(768)), MB(112));
	/* A tiny guest keeps everything. */
	KUNIT_EXPECT_EQ(test, lis_dm_floor(MB(32)), MB(32));
	KUNIT_EXPECT_EQ(test, lis_dm_floor(0), 0);
}

static void report_test(struct kunit *test)
{
	struct lis_dm_sample s = {
		.total = MB(1024), .available = MB(700),
		.committed_as = MB(200), .floor = MB(128), .lis = true,
	};
	struct lis_dm_report r;

	/* Idle: 324 MiB in use is above Committed_AS: use is the demand. */
	lis_dm_report(&s, &r);
	KUNIT_EXPECT_EQ(test, r.used, MB(324));
	KUNIT_EXPECT_EQ(test, r.committed, MB(324 + 128));
	KUNIT_EXPECT_EQ(test, r.avail, MB(700 - 128));

	/* Committed_AS above use: the promise counts. */
	s.committed_as = MB(500);
	lis_dm_report(&s, &r);
	KUNIT_EXPECT_EQ(test, r.committed, MB(500 + 128));

	/*
	 * Ballooned pages: not the guest's use, but counted as demand, once
	 * (total includes them, available does not, in both accountings).
	 */
	s.committed_as = MB(100);
	s.ballooned = MB(200);
	s.available = MB(500);
	lis_dm_report(&s, &r);
	KUNIT_EXPECT_EQ(test, r.used, MB(324));
	KUNIT_EXPECT_EQ(test, r.committed, MB(324 + 200 + 128));

	/* Added but not online: demand; pressure: a margin of total/32. */
	s.added = MB(128);
	s.onlined = MB(100);
	s.pressure = true;
	lis_dm_report(&s, &r);
	KUNIT_EXPECT_EQ(test, r.committed, MB(324 + 200 + 128 + 28 + 32));

	/* Under the floor there is nothing to give. */
	s.available = MB(100);
	lis_dm_report(&s, &r);
	KUNIT_EXPECT_EQ(test, r.avail, 0);
	/* Inconsistent samples never underflow. */
	s.available = MB(4096);
	lis_dm_report(&s, &r);
	KUNIT_EXPECT_EQ(test, r.used, 0);
}

/* Linux's figures: Committed_AS + balloon + not online + floor; raw avail. */
static void report_linux_test(struct kunit *test)
{
	struct lis_dm_sample s = {
		.total = MB(1024), .available = MB(700),
		.committed_as = MB(200), .floor = MB(232), .pressure = true,
	};
	struct lis_dm_report r;

	lis_dm_report(&s, &r);
	KUNIT_EXPECT_EQ(test, r.committed, MB(200 + 232));
	KUNIT_EXPECT_EQ(test, r.avail, MB(700));

	/* Ballooning N pages raises committed by N, not 2N. */
	s.ballooned = MB(64);
	s.available = MB(636);
	lis_dm_report(&s, &r);
	KUNIT_EXPECT_EQ(test, r.committed, MB(200 + 64 + 232));
	KUNIT_EXPECT_EQ(test, r.avail, MB(636));

	s.added = MB(128);
	s.onlined = MB(100);
	lis_dm_report(&s, &r);
	KUNIT_EXPECT_EQ(test, r.committed, MB(200 + 64 + 28 + 232));

	/* The same balloon in lis's figures: also once. */
	s.added = 0;
	s.onlined = 0;
	s.pressure = false;
	s.lis = true;
	s.floor = MB(128);
	s.committed_as = MB(10);
	s.available = MB(700);
	s.ballooned = 0;
	lis_dm_report(&s, &r);
	KUNIT_EXPECT_EQ(test, r.committed, MB(324 + 128));
	s.available = MB(636);
	s.ballooned = MB(64);
	lis_dm_report(&s, &r);
	KUNIT_EXPECT_EQ(test, r.committed, MB(324 + 64 + 128));
}

static void linux_floor_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, lis_dm_linux_floor(0), MB(8));
	KUNIT_EXPECT_EQ(test, lis_dm_linux_floor(MB(16)), MB(16));
	KUNIT_EXPECT_EQ(test, lis_dm_linux_floor(MB(128)), MB(72));
	KUNIT_EXPECT_EQ(test, lis_dm_linux_floor(MB(512)), MB(168));
	KUNIT_EXPECT_EQ(test, lis_dm_linux_floor(MB(768)), MB(200));
	KUNIT_EXPECT_EQ(test, lis_dm_linux_floor(MB(2048)), MB(360));
	KUNIT_EXPECT_EQ(test, lis_dm_linux_floor(MB(8192)), MB(744));
	KUNIT_EXPECT_EQ(test, lis_dm_linux_floor(MB(32768)), MB(1512));
	/* Continuous at each step. */
	KUNIT_EXPECT_EQ(test, lis_dm_linux_floor(MB(512) - 1),
			MB(40) + (MB(512) - 1) / 4);
}

static void allowance_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, lis_dm_balloon_allowance(100, 1000, 800), 100);
	KUNIT_EXPECT_EQ(test, lis_dm_balloon_allowance(500, 1000, 800), 200);
	KUNIT_EXPECT_EQ(test, lis_dm_balloon_allowance(500, 800, 800), 0);
	KUNIT_EXPECT_EQ(test, lis_dm_balloon_allowance(500, 10, 800), 0);
	KUNIT_EXPECT_EQ(test, lis_dm_balloon_allowance(0, 1000, 800), 0);
}

/* ---- span sets ---- */

static void spans_test(struct kunit *test)
{
	struct lis_dm_span st[3];
	struct lis_dm_spans s = { .span = st, .max = 3 };

	KUNIT_EXPECT_EQ(test, lis_dm_spans_add(&s, 100, 200), 0);
	KUNIT_EXPECT_EQ(test, lis_dm_spans_add(&s, 300, 400), 0);
	KUNIT_EXPECT_EQ(test, s.nr, 2);
	/* Duplicates and overlaps are refused and change nothing. */
	KUNIT_EXPECT_EQ(test, lis_dm_spans_add(&s, 100, 200), -EEXIST);
	KUNIT_EXPECT_EQ(test, lis_dm_spans_add(&s, 150, 350), -EEXIST);
	KUNIT_EXPECT_EQ(test, lis_dm_spans_add(&s, 399, 500), -EEXIST);
	KUNIT_EXPECT_EQ(test, lis_dm_spans_add(&s, 5, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, lis_dm_spans_count(&s, 0, 1000), 200);
	/* Filling the gap merges all three. */
	KUNIT_EXPECT_EQ(test, lis_dm_spans_add(&s, 200, 300), 0);
	KUNIT_EXPECT_EQ(test, s.nr, 1);
	KUNIT_EXPECT_EQ(test, st[0].start, 100);
	KUNIT_EXPECT_EQ(test, st[0].end, 400);
	/* In front, adjacent: merged. */
	KUNIT_EXPECT_EQ(test, lis_dm_spans_add(&s, 50, 100), 0);
	KUNIT_EXPECT_EQ(test, s.nr, 1);
	KUNIT_EXPECT_EQ(test, lis_dm_spans_add(&s, 0, 10), 0);
	KUNIT_EXPECT_EQ(test, lis_dm_spans_add(&s, 20, 30), 0);
	KUNIT_EXPECT_EQ(test, s.nr, 3);
	KUNIT_EXPECT_EQ(test, lis_dm_spans_add(&s, 500, 600), -ENOSPC);
	KUNIT_EXPECT_EQ(test, st[0].end, 10);
	KUNIT_EXPECT_EQ(test, st[1].start, 20);
	KUNIT_EXPECT_EQ(test, st[2].start, 50);
	/* Removing from the middle of a span needs room when full. */
	KUNIT_EXPECT_EQ(test, lis_dm_spans_remove(&s, 100, 200), -ENOSPC);
	KUNIT_EXPECT_EQ(test, lis_dm_spans_count(&s, 0, 1000), 370);
	/* Removing nothing splits nothing. */
	KUNIT_EXPECT_EQ(test, lis_dm_spans_remove(&s, 60, 60), 0);
	KUNIT_EXPECT_EQ(test, s.nr, 3);
	KUNIT_EXPECT_EQ(test, lis_dm_spans_remove(&s, 0, 30), 0);
	KUNIT_EXPECT_EQ(test, s.nr, 1);
	KUNIT_EXPECT_EQ(test, lis_dm_spans_remove(&s, 100, 200), 0);
	KUNIT_EXPECT_EQ(test, s.nr, 2);
	KUNIT_EXPECT_EQ(test, lis_dm_spans_count(&s, 0, 1000), 250);
	KUNIT_EXPECT_EQ(test, lis_dm_spans_count(&s, 90, 210), 20);
	KUNIT_EXPECT_EQ(test, lis_dm_spans_remove(&s, 60, 1000), 0);
	KUNIT_EXPECT_EQ(test, s.nr, 1);
	KUNIT_EXPECT_EQ(test, st[0].end, 60);
}

/* ---- "was this really ballooned?" ---- */

/* A fake balloon: a 2 MiB block at 0x200, pages 0x1000 and 0x1001. */
static int fake_lookup(void *ctx, u64 pfn, u64 *base, unsigned int *order)
{
	if (pfn >= 0x200 && pfn < 0x400) {
		*base = 0x200;
		*order = 9;
		return 0;
	}
	if (pfn == 0x1000 || pfn == 0x1001) {
		*base = pfn;
		*order = 0;
		return 0;
	}
	return -ENOENT;
}

/* A broken lookup: claims a block that does not hold the page. */
static int bad_lookup(void *ctx, u64 pfn, u64 *base, unsigned int *order)
{
	*base = pfn + 1;
	*order = 0;
	return 0;
}

static void ballooned_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, lis_dm_check_ballooned(RANGE(0x200, 512),
						     fake_lookup, NULL), 0);
	KUNIT_EXPECT_EQ(test, lis_dm_check_ballooned(RANGE(0x300, 16),
						     fake_lookup, NULL), 0);
	KUNIT_EXPECT_EQ(test, lis_dm_check_ballooned(RANGE(0x1000, 2),
						     fake_lookup, NULL), 0);
	/* Never ballooned, or partly: refused. */
	KUNIT_EXPECT_EQ(test, lis_dm_check_ballooned(RANGE(0x5000, 1),
						     fake_lookup, NULL),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, lis_dm_check_ballooned(RANGE(0x3ff, 2),
						     fake_lookup, NULL),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, lis_dm_check_ballooned(RANGE(0x1000, 3),
						     fake_lookup, NULL),
			-ENOENT);
	KUNIT_EXPECT_EQ(test, lis_dm_check_ballooned(RANGE(0x1000, 0),
						     fake_lookup, NULL),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, lis_dm_check_ballooned(RANGE(0x10, 4),
						     bad_lookup, NULL),
			-ENOENT);
}

static struct kunit_case lis_dm_cases[] = {
	KUNIT_CASE_PARAM(parse_test, parse_gen_params),
	KUNIT_CASE(parse_fields_test),
	KUNIT_CASE(parse_info_test),
	KUNIT_CASE(check_range_test),
	KUNIT_CASE(hot_add_plan_test),
	KUNIT_CASE(builders_test),
	KUNIT_CASE(packing_test),
	KUNIT_CASE(floor_test),
	KUNIT_CASE(report_test),
	KUNIT_CASE(report_linux_test),
	KUNIT_CASE(linux_floor_test),
	KUNIT_CASE(allowance_test),
	KUNIT_CASE(spans_test),
	KUNIT_CASE(ballooned_test),
	{}
};

static struct kunit_suite lis_dm_suite = {
	.name = "lis_dm",
	.test_cases = lis_dm_cases,
};
kunit_test_suite(lis_dm_suite);

MODULE_DESCRIPTION("KUnit tests for lis_balloon's Dynamic Memory messages and policy");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for lis_balloon's pure code: the parser of every host
 * message (dm_msg.c), the hot-add plan and the range sets (dm_span.c),
 * and the report arithmetic (dm_policy.c).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-fno-sanitize-recover=all -Iinclude <this file>
 *
 * Input: one control byte, then the message, copied to a buffer of
 * exactly its length so that AddressSanitizer sees any read beyond it.
 *
 *   control bit 0   "fix up" the header: size = length (capped at 4 KiB),
 *                   so the type-specific checks are reached often
 *   control bit 1-3 the type to force when fixing up (0-7 -> 6..13)
 *
 * Invariants: the parser never writes the message; an accepted message
 * fits the packet and its type's layout; an accepted UNBALLOON's ranges
 * lie inside it; a hot-add plan covers its pages with whole blocks; a
 * span set fed the message's ranges agrees with a page-by-page reference;
 * the report never underflows.
 */
#include "../../drivers/balloon/dm_msg.c"
#include "../../drivers/balloon/dm_span.c"
#include "../../drivers/balloon/dm_policy.c"

#include "fuzz_input.h"

static void check_parsed(const u8 *b, u32 len, const struct lis_dm_msg *m)
{
	CHECK(len >= 8);
	CHECK(m->size == get16(b, 2) && m->size <= len && m->size <= 4096);
	CHECK(m->type == get16(b, 0));
	switch (m->type) {
	case LIS_DM_VERSION_RESPONSE:
	case LIS_DM_CAPABILITIES_RESPONSE:
		CHECK(m->size >= 9);
		break;
	case LIS_DM_BALLOON_REQUEST:
		CHECK(m->size >= 12);
		break;
	case LIS_DM_UNBALLOON_REQUEST:
		CHECK(m->nr_ranges <= 510);
		CHECK(m->size >= 16 + 8 * m->nr_ranges);
		CHECK(m->nr_ranges == get32(b, 12));
		CHECK(!m->nr_ranges || (m->ranges == b + 16 &&
					m->ranges + 8 * m->nr_ranges <= b + len));
		break;
	case LIS_DM_MEM_HOT_ADD_REQUEST:
		CHECK(m->size >= 16);
		CHECK(m->has_region == (m->size >= 24));
		break;
	case LIS_DM_INFO_MESSAGE:
		CHECK(m->size >= 16 && get32(b, 12) <= m->size - 16u);
		break;
	default:
		CHECK(0);
	}
}

/* Hot-add: the plan covers the pages with whole blocks. */
static void check_plan(const struct lis_dm_msg *m)
{
	static const u64 blocks[] = { 1, 512, 32768 };
	u64 max = 1ULL << 30;
	unsigned int i;

	for (i = 0; i < 3; i++) {
		struct lis_dm_ha_plan p;
		u64 bp = blocks[i];

		if (lis_dm_hot_add_plan(m, bp, max, &p))
			continue;
		CHECK(p.start < p.end && p.end <= max);
		CHECK(p.rg_start % bp == 0 && p.rg_end % bp == 0);
		CHECK(p.rg_start <= p.start && p.end <= p.rg_end);
		CHECK(p.rg_end <= max);
	}
}

/* Feed the unballoon ranges, folded into 4096 pages, to a span set. */
static void check_spans(const struct lis_dm_msg *m)
{
	static u8 ref[4096];
	struct lis_dm_span st[8];
	struct lis_dm_spans s = { .span = st, .max = 8 };
	u32 i, j;

	memset(ref, 0, sizeof(ref));
	for (i = 0; i < m->nr_ranges; i++) {
		u64 r = lis_dm_msg_range(m, i);
		u64 a = lis_dm_range_pfn(r) % 4096;
		u64 e = a + lis_dm_range_count(r) % 64;
		u64 had = 0;
		bool remove = r & (1ULL << 39);
		int ret;

		if (e > 4096)
			e = 4096;
		for (j = a; j < e; j++)
			had += ref[j];
		if (remove) {
			ret = lis_dm_spans_remove(&s, a, e);
			CHECK(ret == 0 || ret == -ENOSPC);
			if (!ret)
				for (j = a; j < e; j++)
					ref[j] = 0;
		} else {
			ret = lis_dm_spans_add(&s, a, e);
			CHECK(ret != -EEXIST || had);
			CHECK(ret != -EINVAL || a >= e);
			if (!ret) {
				CHECK(!had);
				for (j = a; j < e; j++)
					ref[j] = 1;
			}
		}
		CHECK(s.nr <= s.max);
		for (j = 0; j < s.nr; j++) {
			CHECK(st[j].start < st[j].end);
			CHECK(!j || st[j - 1].end < st[j].start);
		}
		for (j = 0; j < 4096; j += 97) {
			u64 n = 0, k;

			for (k = j; k < j + 97 && k < 4096; k++)
				n += ref[k];
			CHECK(lis_dm_spans_count(&s, j, j + 97) == n);
		}
	}
}

static void check_report(const u8 *b, u32 len)
{
	struct lis_dm_sample s;
	struct lis_dm_report r;
	u64 v[6] = { 0 };
	u32 i;

	for (i = 0; i < 6 && 8 * (i + 1) <= len; i++)
		memcpy(&v[i], b + 8 * i, 8);
	memset(&s, 0, sizeof(s));
	/* Numbers as large as a guest can have: 2^40 pages. */
	s.total = v[0] >> 24;
	s.available = v[1] >> 24;
	s.committed_as = v[2] >> 24;
	s.ballooned = v[3] >> 24;
	s.added = v[4] >> 24;
	s.onlined = v[5] >> 24;
	s.pressure = len & 1;
	s.lis = len & 2;
	s.floor = s.lis ? lis_dm_floor(s.total) : lis_dm_linux_floor(s.total);
	lis_dm_report(&s, &r);
	CHECK(!s.lis || s.floor <= s.total);
	CHECK(s.lis || r.avail == s.available);
	CHECK(r.committed >= s.ballooned + s.floor);
	CHECK(r.committed >= s.committed_as);
	CHECK(r.used <= s.total);
	CHECK(r.avail <= s.available);
	CHECK(lis_dm_balloon_allowance(s.ballooned, s.available, s.floor) <=
	      s.ballooned);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct input in = { data, size };
	struct lis_dm_msg m;
	u8 *b, *snap;
	size_t rest;
	u8 ctl;
	u32 len;
	int ret;

	if (!size || size > 0x10000)
		return 0;
	ctl = take8(&in);
	b = take_rest(&in, &rest);
	len = rest;
	snap = malloc(len ? len : 1);
	CHECK(snap);
	if ((ctl & 1) && len >= 8) {
		u32 sz = len > 4096 ? 4096 : len;

		b[0] = 6 + ((ctl >> 1) & 7);
		b[1] = 0;
		b[2] = sz & 0xff;
		b[3] = sz >> 8;
	}
	memcpy(snap, b, len);

	ret = lis_dm_parse(b, len, &m);
	CHECK(memcmp(b, snap, len) == 0);
	if (!ret) {
		check_parsed(b, len, &m);
		if (m.type == LIS_DM_MEM_HOT_ADD_REQUEST)
			check_plan(&m);
		if (m.type == LIS_DM_UNBALLOON_REQUEST)
			check_spans(&m);
	} else {
		CHECK(ret == -EINVAL || ret == -EPROTO || ret == -EOPNOTSUPP);
	}
	check_report(b, len);

	free(snap);
	free(b);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the Dynamic Memory host's checks of guest messages
 * (drivers/sim/dm_msg.c) and its balancer (drivers/sim/dm_policy.c).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-fno-sanitize-recover=all -Iinclude <this file>
 *
 * Input: the message, copied to a buffer of exactly its length so that
 * AddressSanitizer sees any access beyond it.  The same bytes, read as
 * numbers, also drive one balancer decision.
 *
 * Invariants: an accepted message's header size fits the input and
 * leaves less than 8 bytes over; an accepted balloon response's ranges lie
 * inside the message, each of at least one page below 2^40; hot-add
 * results are 0 or 1; a refusal says why.  A decision never moves the
 * guest outside [minimum, maximum], never balloons more than it has above
 * minimum, and never hot-adds while pages are ballooned.
 */
#include "../../drivers/sim/dm_msg.c"
#include "../../drivers/sim/dm_policy.c"

#include "fuzz_input.h"

static void fuzz_policy(struct input *in)
{
	struct lis_dm_policy p = { 0 };
	struct lis_dm_view v = { 0 };
	struct lis_dm_decision d;
	u64 lim = 1ULL << 36;

	p.minimum = take64(in) % lim;
	p.maximum = p.minimum + take64(in) % lim;
	p.buffer_pct = take64(in) % 2001;
	p.manual = take64(in) & 1;
	p.manual_target = take64(in) % lim;
	p.block = 1 + take64(in) % 65536;
	p.step = take64(in) % lim;
	p.ha_step = take64(in) & 1 ? take64(in) % lim : 0;
	p.hysteresis_pct = take64(in) % 101;
	p.shrink_reports = take64(in) % 8;
	v.assigned = p.minimum + take64(in) % (p.maximum - p.minimum + 1);
	v.ballooned = take64(in) % lim;
	v.hot_add_room = take64(in) % lim;
	v.demand = take64(in) % (1ULL << 40);
	v.can_balloon = take64(in) & 1;
	v.can_hot_add = take64(in) & 1;
	lis_dm_policy_report(&p, &v);
	lis_dm_policy_decide(&p, &v, &d);
	CHECK(d.target >= p.minimum && d.target <= p.maximum);
	switch (d.action) {
	case LIS_DM_ACT_NONE:
		CHECK(!d.pages);
		break;
	case LIS_DM_ACT_BALLOON:
		CHECK(v.can_balloon && d.pages);
		CHECK(v.assigned - d.pages >= p.minimum);
		break;
	case LIS_DM_ACT_UNBALLOON:
		CHECK(d.pages && d.pages <= v.ballooned);
		CHECK(v.assigned + d.pages <= p.maximum);
		break;
	case LIS_DM_ACT_HOT_ADD:
		CHECK(!v.ballooned && v.can_hot_add && d.pages);
		CHECK(d.pages <= v.hot_add_room);
		CHECK(v.assigned + d.pages <= p.maximum);
		CHECK(!p.ha_step || d.pages <= p.ha_step);
		break;
	default:
		CHECK(0);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size }, whole = in;
	struct lis_dm_guest_msg m;
	const char *why = NULL;
	size_t len;
	u8 *b = take_rest(&whole, &len);
	u16 hsize;
	u32 i;
	int ret;

	ret = lis_dm_parse_guest(b, size, &m, &why);
	CHECK(why);
	CHECK(ret == 0 || ret == -EINVAL || ret == -EOPNOTSUPP);
	CHECK(!memcmp(b, data, size));
	if (ret == -EINVAL)
		CHECK(*why);
	if (!ret) {
		CHECK(size >= 8);
		hsize = b[2] | b[3] << 8;
		CHECK(hsize <= size && size - hsize < 8);
		if (m.type == LIS_DM_BALLOON_RESPONSE) {
			CHECK(m.u.balloon.range == b + 16);
			CHECK(16 + 8 * (size_t)m.u.balloon.count == hsize);
			for (i = 0; i < m.u.balloon.count; i++) {
				u64 r = lis_dm_guest_range(&m, i);

				CHECK(lis_dm_range_count(r) > 0);
				CHECK(lis_dm_range_pfn(r) + lis_dm_range_count(r) <=
				      1ULL << 40);
			}
		}
		if (m.type == LIS_DM_MEM_HOT_ADD_RESPONSE)
			CHECK(m.u.hot_add.result <= 1);
	}
	free(b);
	fuzz_policy(&in);
	return 0;
}

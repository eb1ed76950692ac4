// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit suite "lis_ic": integration-component framing (ic.c).
 *
 * Packets are built, and answers checked, byte for byte from the wire
 * offsets written out below, not from the lis structures, so a wrong
 * structure layout cannot hide itself.  Every packet is kmalloc()ed at
 * exactly its length: with KASAN, a read or write past it is reported.
 * Every call that must fail is also checked to leave the packet unchanged.
 *
 * ic.c is compiled into this module, so the suite needs nothing from
 * lis_vmbus.
 */
#include "pure.h"
#include "../../drivers/vmbus/ic.c"
#include "pure_end.h"
#include "wire.h"

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/slab.h>

/* Wire offsets. */
#define O_PIPE_FLAGS	0
#define O_PIPE_SIZE	4
#define O_FRAME_MAJ	8
#define O_FRAME_MIN	10
#define O_TYPE		12
#define O_MSG_MAJ	14
#define O_MSG_MIN	16
#define O_SIZE		18
#define O_STATUS	20
#define O_XID		24
#define O_FLAGS		25
#define O_BODY		28
#define O_FRAME_CNT	28
#define O_MSG_CNT	30
#define O_VERSIONS	36

/* A version as the u32 its four wire bytes read as: minor in the top half. */
#define V(maj, min)	((u32)(min) << 16 | (maj))

/* A packet of exactly @len bytes, filled with a recognisable pattern. */
static u8 *pkt_alloc(struct kunit *test, u32 len)
{
	u8 *b = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, b);
	for (i = 0; i < len; i++)
		b[i] = 0xa0 + i % 31;
	return b;
}

static u8 *snapshot(struct kunit *test, const u8 *b, u32 len)
{
	u8 *s = kunit_kmalloc(test, len ? len : 1, GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	memcpy(s, b, len);
	return s;
}

/* Fill in the 28 header bytes of a host request; needs @len >= 28. */
static void put_hdr(u8 *b, u32 len, u16 type, u16 icmsgsize)
{
	put32(b, O_PIPE_FLAGS, 1);
	put32(b, O_PIPE_SIZE, len - 8);
	put16(b, O_FRAME_MAJ, 3);
	put16(b, O_FRAME_MIN, 0);
	put16(b, O_TYPE, type);
	put16(b, O_MSG_MAJ, 5);
	put16(b, O_MSG_MIN, 0);
	put16(b, O_SIZE, icmsgsize);
	put32(b, O_STATUS, 0);
	b[O_XID] = 0x42;
	b[O_FLAGS] = LIS_IC_FLAG_TRANSACTION | LIS_IC_FLAG_REQUEST;
	b[26] = 0;
	b[27] = 0;
}

/* ---- layout ---- */

static void sizes_test(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, sizeof(struct lis_ic_pipe_hdr), 8);
	KUNIT_EXPECT_EQ(test, sizeof(struct lis_ic_hdr), 20);
	KUNIT_EXPECT_EQ(test, LIS_IC_BODY_OFFSET, O_BODY);
	KUNIT_EXPECT_EQ(test, offsetof(struct lis_ic_msg_hdr, ic.icmsgtype),
			O_TYPE);
	KUNIT_EXPECT_EQ(test, offsetof(struct lis_ic_msg_hdr, ic.icmsgsize),
			O_SIZE);
	KUNIT_EXPECT_EQ(test, offsetof(struct lis_ic_msg_hdr, ic.status),
			O_STATUS);
	KUNIT_EXPECT_EQ(test, offsetof(struct lis_ic_msg_hdr, ic.icflags),
			O_FLAGS);
	KUNIT_EXPECT_EQ(test, O_BODY + offsetof(struct lis_ic_negotiate,
						versions), O_VERSIONS);
	KUNIT_EXPECT_EQ(test, LIS_IC_NEGOTIATE_RESP_BODY, 0x10);
	KUNIT_EXPECT_EQ(test, LIS_IC_NEGOTIATE_RESP_LEN, 44);
	KUNIT_EXPECT_EQ(test, LIS_IC_E_FAIL, 0x80004005U);
	KUNIT_EXPECT_EQ(test, LIS_IC_E_NOT_SUPPORTED, 0x80070032U);
	KUNIT_EXPECT_EQ(test, LIS_IC_E_INVALIDARG, 0x80070057U);
}

/* ---- lis_ic_parse() ---- */

struct parse_case {
	const char *name;
	u32 len;
	u32 icmsgsize;	/* header written only when len >= 28 */
	int ret;
	u32 body_len;	/* on success: judged by len, never icmsgsize */
};

static const struct parse_case parse_cases[] = {
	{ "empty", 0, 0, -EINVAL },
	{ "pipe header only", 8, 0, -EINVAL },
	{ "one byte short of the header", 27, 0, -EINVAL },
	{ "header only, empty body", 28, 0, 0, 0 },
	{ "header only, body claimed", 28, 1, 0, 0 },
	{ "exact body", 40, 12, 0, 12 },
	{ "icmsgsize one byte over", 40, 13, 0, 12 },
	{ "padded to 8 bytes", 48, 12, 0, 20 },
	{ "icmsgsize understated", 40, 4, 0, 12 },
	{ "icmsgsize 0", 40, 0, 0, 12 },
	{ "icmsgsize 0xffff", 64, 0xffff, 0, 36 },
	{ "largest body", 28 + 0xffff, 0xffff, 0, 0xffff },
};

static void parse_case_desc(const struct parse_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(parse, parse_cases, parse_case_desc);

static void parse_test(struct kunit *test)
{
	const struct parse_case *c = test->param_value;
	struct lis_ic_msg msg;
	u8 *b = pkt_alloc(test, c->len), *s;
	int ret;

	if (c->len >= O_BODY)
		put_hdr(b, c->len, LIS_IC_MSG_VSS, c->icmsgsize);
	s = snapshot(test, b, c->len);
	memset(&msg, 0x5a, sizeof(msg));

	ret = lis_ic_parse(b, c->len, &msg);
	KUNIT_EXPECT_EQ(test, ret, c->ret);
	KUNIT_EXPECT_MEMEQ(test, b, s, c->len);
	if (ret) {
		u8 poison[sizeof(msg)];

		memset(poison, 0x5a, sizeof(poison));
		KUNIT_EXPECT_MEMEQ(test, &msg, poison, sizeof(msg));
		return;
	}
	KUNIT_EXPECT_EQ(test, msg.body_off, O_BODY);
	KUNIT_EXPECT_EQ(test, msg.body_len, c->body_len);
	KUNIT_EXPECT_EQ(test, msg.body_off + msg.body_len, c->len);
	KUNIT_EXPECT_EQ(test, msg.hdr.icmsgsize, c->icmsgsize);
	KUNIT_EXPECT_EQ(test, msg.type, LIS_IC_MSG_VSS);
	KUNIT_EXPECT_EQ(test, msg.flags,
			LIS_IC_FLAG_TRANSACTION | LIS_IC_FLAG_REQUEST);
	KUNIT_EXPECT_EQ(test, msg.transaction_id, 0x42);
	KUNIT_EXPECT_MEMEQ(test, &msg.hdr, b + 8, 20);
}

/* Every header field lands where the wire says, whatever its value. */
static void parse_fields_test(struct kunit *test)
{
	struct lis_ic_msg msg;
	u8 *b = pkt_alloc(test, 36);

	put32(b, O_PIPE_FLAGS, 0xdeadbeef);
	put32(b, O_PIPE_SIZE, 0xffffffff);	/* not checked: see ic.c */
	put16(b, O_FRAME_MAJ, 0x1234);
	put16(b, O_FRAME_MIN, 0x5678);
	put16(b, O_TYPE, 0xfff7);
	put16(b, O_MSG_MAJ, 0x9abc);
	put16(b, O_MSG_MIN, 0xdef0);
	put16(b, O_SIZE, 8);
	put32(b, O_STATUS, LIS_IC_E_INVALIDARG);
	b[O_XID] = 0xfe;
	b[O_FLAGS] = 0x81;

	KUNIT_ASSERT_EQ(test, lis_ic_parse(b, 36, &msg), 0);
	KUNIT_EXPECT_EQ(test, msg.type, 0xfff7);
	KUNIT_EXPECT_EQ(test, msg.flags, 0x81);
	KUNIT_EXPECT_EQ(test, msg.transaction_id, 0xfe);
	KUNIT_EXPECT_EQ(test, msg.body_len, 8);
	KUNIT_EXPECT_EQ(test, msg.hdr.icverframe.major, 0x1234);
	KUNIT_EXPECT_EQ(test, msg.hdr.icverframe.minor, 0x5678);
	KUNIT_EXPECT_EQ(test, msg.hdr.icvermsg.major, 0x9abc);
	KUNIT_EXPECT_EQ(test, msg.hdr.icvermsg.minor, 0xdef0);
	KUNIT_EXPECT_EQ(test, msg.hdr.status, LIS_IC_E_INVALIDARG);

	/* The header was copied: the host rewriting the buffer changes nothing. */
	put16(b, O_SIZE, 0xffff);
	KUNIT_EXPECT_EQ(test, msg.body_len, 8);
	KUNIT_EXPECT_EQ(test, msg.hdr.icmsgsize, 8);
	KUNIT_ASSERT_EQ(test, lis_ic_parse(b, 36, &msg), 0);
	KUNIT_EXPECT_EQ(test, msg.body_len, 8);
	KUNIT_EXPECT_EQ(test, msg.hdr.icmsgsize, 0xffff);
}

/* ---- lis_ic_negotiate() ---- */

#define MAXV	8

struct nego_case {
	const char *name;
	/* the host's offer */
	u32 host_fw[MAXV];
	u32 host_srv[MAXV];
	unsigned int nhost_fw, nhost_srv;
	/* the guest's preferences */
	u32 fw[MAXV];
	u32 srv[MAXV];
	unsigned int nfw, nsrv;
	/* what to break */
	int count_fw, count_srv;	/* >= 0: counts written instead */
	int len_adj;			/* added to the exact length */
	int size_adj;			/* added to the honest icmsgsize */
	u16 type;
	/* the verdict */
	int ret;
	u32 want_fw, want_srv;
};

#define HOST_FW_1_3	.host_fw = { V(1, 0), V(3, 0) }, .nhost_fw = 2
#define GUEST_FW	.fw = { V(3, 0), V(1, 0) }, .nfw = 2
#define GUEST_VSS	.srv = { V(5, 0) }, .nsrv = 1
#define HONEST		.count_fw = -1, .count_srv = -1

static const struct nego_case nego_cases[] = {
	{ "VSS 5.0 from 5.0/6.0/7.0", HOST_FW_1_3, GUEST_FW, GUEST_VSS, HONEST,
	  .host_srv = { V(5, 0), V(6, 0), V(7, 0) }, .nhost_srv = 3,
	  .ret = 0, .want_fw = V(3, 0), .want_srv = V(5, 0) },
	{ "guest prefers 7.0, host lists it last", HOST_FW_1_3, GUEST_FW,
	  HONEST,
	  .host_srv = { V(5, 0), V(6, 0), V(7, 0) }, .nhost_srv = 3,
	  .srv = { V(7, 0), V(5, 0) }, .nsrv = 2,
	  .ret = 0, .want_fw = V(3, 0), .want_srv = V(7, 0) },
	{ "guest prefers a version the host lacks", HOST_FW_1_3, GUEST_FW,
	  HONEST,
	  .host_srv = { V(5, 0), V(6, 0), V(7, 0) }, .nhost_srv = 3,
	  .srv = { V(8, 0), V(6, 0), V(5, 0) }, .nsrv = 3,
	  .ret = 0, .want_fw = V(3, 0), .want_srv = V(6, 0) },
	{ "guest prefers framework 1.0", HOST_FW_1_3, GUEST_VSS, HONEST,
	  .host_srv = { V(5, 0) }, .nhost_srv = 1,
	  .fw = { V(1, 0), V(3, 0) }, .nfw = 2,
	  .ret = 0, .want_fw = V(1, 0), .want_srv = V(5, 0) },
	{ "framework 1.0 only", GUEST_FW, GUEST_VSS, HONEST,
	  .host_fw = { V(1, 0) }, .nhost_fw = 1,
	  .host_srv = { V(5, 0) }, .nhost_srv = 1,
	  .ret = 0, .want_fw = V(1, 0), .want_srv = V(5, 0) },
	{ "old host: VSS 4.0/3.0", HOST_FW_1_3, GUEST_FW, GUEST_VSS, HONEST,
	  .host_srv = { V(4, 0), V(3, 0) }, .nhost_srv = 2,
	  .ret = -EPROTONOSUPPORT },
	{ "no common framework", GUEST_VSS, HONEST,
	  .host_fw = { V(1, 0) }, .nhost_fw = 1,
	  .host_srv = { V(5, 0) }, .nhost_srv = 1,
	  .fw = { V(3, 0) }, .nfw = 1,
	  .ret = -EPROTONOSUPPORT },
	{ "minor version differs", HOST_FW_1_3, GUEST_FW, GUEST_VSS, HONEST,
	  .host_srv = { V(5, 1) }, .nhost_srv = 1,
	  .ret = -EPROTONOSUPPORT },
	{ "service version only among frameworks", GUEST_FW, GUEST_VSS, HONEST,
	  .host_fw = { V(3, 0), V(5, 0) }, .nhost_fw = 2,
	  .host_srv = { V(4, 0) }, .nhost_srv = 1,
	  .ret = -EPROTONOSUPPORT },
	{ "guest speaks nothing", HOST_FW_1_3, HONEST,
	  .host_srv = { V(5, 0) }, .nhost_srv = 1,
	  .ret = -EPROTONOSUPPORT },
	{ "counts 0/0", GUEST_FW, GUEST_VSS, HONEST,
	  .ret = -EPROTONOSUPPORT },
	{ "counts 1/0", GUEST_FW, GUEST_VSS, HONEST,
	  .host_fw = { V(3, 0) }, .nhost_fw = 1,
	  .ret = -EPROTONOSUPPORT },
	{ "counts 0/0 padded to 44", GUEST_FW, GUEST_VSS, HONEST,
	  .len_adj = 8, .ret = -EPROTONOSUPPORT },
	{ "padded by 4", HOST_FW_1_3, GUEST_FW, GUEST_VSS, HONEST,
	  .host_srv = { V(5, 0) }, .nhost_srv = 1, .len_adj = 4,
	  .ret = 0, .want_fw = V(3, 0), .want_srv = V(5, 0) },
	{ "framework count 101", HOST_FW_1_3, GUEST_FW, GUEST_VSS,
	  .host_srv = { V(5, 0) }, .nhost_srv = 1,
	  .count_fw = 101, .count_srv = -1, .len_adj = 4 * 101,
	  .ret = -EINVAL },
	{ "service count 101", HOST_FW_1_3, GUEST_FW, GUEST_VSS,
	  .host_srv = { V(5, 0) }, .nhost_srv = 1,
	  .count_fw = -1, .count_srv = 101, .len_adj = 4 * 101,
	  .ret = -EINVAL },
	{ "counts 0xffff/0xffff", HOST_FW_1_3, GUEST_FW, GUEST_VSS,
	  .host_srv = { V(5, 0) }, .nhost_srv = 1,
	  .count_fw = 0xffff, .count_srv = 0xffff, .ret = -EINVAL },
	{ "counts claim one version more", HOST_FW_1_3, GUEST_FW, GUEST_VSS,
	  .host_srv = { V(5, 0), V(6, 0) }, .nhost_srv = 2,
	  .count_fw = -1, .count_srv = 3, .ret = -EINVAL },
	{ "one byte short", HOST_FW_1_3, GUEST_FW, GUEST_VSS, HONEST,
	  .host_srv = { V(5, 0), V(6, 0) }, .nhost_srv = 2,
	  .len_adj = -1, .size_adj = -1, .ret = -EINVAL },
	{ "icmsgsize one byte over", HOST_FW_1_3, GUEST_FW, GUEST_VSS, HONEST,
	  .host_srv = { V(5, 0) }, .nhost_srv = 1, .size_adj = 1,
	  .ret = 0, .want_fw = V(3, 0), .want_srv = V(5, 0) },
	{ "icmsgsize 0xffff", HOST_FW_1_3, GUEST_FW, GUEST_VSS, HONEST,
	  .host_srv = { V(5, 0) }, .nhost_srv = 1, .size_adj = 0xffff - 24,
	  .ret = 0, .want_fw = V(3, 0), .want_srv = V(5, 0) },
	{ "icmsgsize understated", HOST_FW_1_3, GUEST_FW, GUEST_VSS, HONEST,
	  .host_srv = { V(5, 0) }, .nhost_srv = 1, .size_adj = -12,
	  .ret = 0, .want_fw = V(3, 0), .want_srv = V(5, 0) },
	{ "not a NEGOTIATE", HOST_FW_1_3, GUEST_FW, GUEST_VSS, HONEST,
	  .host_srv = { V(5, 0) }, .nhost_srv = 1,
	  .type = LIS_IC_MSG_VSS, .ret = -EINVAL },
};

static void nego_case_desc(const struct nego_case *c, char *desc)
{
	strscpy(desc, c->name, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(nego, nego_cases, nego_case_desc);

static void to_versions(const u32 *v, unsigned int n,
			struct lis_ic_version *out)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		out[i].major = v[i] & 0xffff;
		out[i].minor = v[i] >> 16;
	}
}

static void nego_test(struct kunit *test)
{
	const struct nego_case *c = test->param_value;
	unsigned int nver = c->nhost_fw + c->nhost_srv, i;
	u32 exact = O_VERSIONS + 4 * nver;
	u32 len = exact + c->len_adj;
	struct lis_ic_version fw[MAXV], srv[MAXV], fw_out, srv_out;
	u8 *b = pkt_alloc(test, len), *s;
	int ret;

	put_hdr(b, len, c->type, exact - O_BODY + c->size_adj);
	put16(b, O_FRAME_CNT, c->count_fw >= 0 ? c->count_fw : c->nhost_fw);
	put16(b, O_MSG_CNT, c->count_srv >= 0 ? c->count_srv : c->nhost_srv);
	for (i = 0; i < nver && O_VERSIONS + 4 * i + 4 <= len; i++)
		put32(b, O_VERSIONS + 4 * i, i < c->nhost_fw ?
		      c->host_fw[i] : c->host_srv[i - c->nhost_fw]);
	s = snapshot(test, b, len);
	to_versions(c->fw, c->nfw, fw);
	to_versions(c->srv, c->nsrv, srv);
	fw_out.major = 0xeeee;
	srv_out.major = 0xeeee;

	ret = lis_ic_negotiate(b, len, fw, c->nfw, srv, c->nsrv,
			       &fw_out, &srv_out);
	KUNIT_ASSERT_EQ(test, ret, c->ret);

	if (ret != 0 && ret != -EPROTONOSUPPORT) {
		KUNIT_EXPECT_MEMEQ(test, b, s, len);
		KUNIT_EXPECT_EQ(test, fw_out.major, 0xeeee);
		return;
	}

	/* Only icmsgsize and the body's first 16 bytes may change. */
	KUNIT_EXPECT_MEMEQ(test, b, s, O_SIZE);
	KUNIT_EXPECT_MEMEQ(test, b + O_STATUS, s + O_STATUS, 8);
	KUNIT_EXPECT_MEMEQ(test, b + 32, s + 32, 4);	/* reserved */
	if (len > LIS_IC_NEGOTIATE_RESP_LEN)
		KUNIT_EXPECT_MEMEQ(test, b + 44, s + 44, len - 44);

	if (!ret) {
		KUNIT_EXPECT_EQ(test, get16(b, O_SIZE), 0x10);
		KUNIT_EXPECT_EQ(test, get16(b, O_FRAME_CNT), 1);
		KUNIT_EXPECT_EQ(test, get16(b, O_MSG_CNT), 1);
		KUNIT_EXPECT_EQ(test, get32(b, O_VERSIONS), c->want_fw);
		KUNIT_EXPECT_EQ(test, get32(b, O_VERSIONS + 4), c->want_srv);
		KUNIT_EXPECT_EQ(test, V(fw_out.major, fw_out.minor),
				c->want_fw);
		KUNIT_EXPECT_EQ(test, V(srv_out.major, srv_out.minor),
				c->want_srv);
		return;
	}

	KUNIT_EXPECT_EQ(test, get16(b, O_FRAME_CNT), 0);
	KUNIT_EXPECT_EQ(test, get16(b, O_MSG_CNT), 0);
	KUNIT_EXPECT_EQ(test, fw_out.major, 0xeeee);
	KUNIT_EXPECT_EQ(test, srv_out.major, 0xeeee);
	if (len >= LIS_IC_NEGOTIATE_RESP_LEN) {
		KUNIT_EXPECT_EQ(test, get16(b, O_SIZE), 0x10);
		KUNIT_EXPECT_EQ(test, get32(b, O_VERSIONS), 0);
		KUNIT_EXPECT_EQ(test, get32(b, O_VERSIONS + 4), 0);
	} else {
		KUNIT_EXPECT_EQ(test, get16(b, O_SIZE), 8);
		if (len > O_VERSIONS)
			KUNIT_EXPECT_MEMEQ(test, b + O_VERSIONS,
					   s + O_VERSIONS, len - O_VERSIONS);
	}
}

/* The counts' limit is inclusive, and the versions may fill it exactly. */
static void nego_limits_test(struct kunit *test)
{
	struct lis_ic_version fw = { 3, 0 }, srv = { 5, 0 }, fw_out, srv_out;
	u32 len = O_VERSIONS + 4 * 2 * LIS_IC_MAX_VERCNT, i;
	u8 *b = pkt_alloc(test, len), *s;

	put_hdr(b, len, LIS_IC_MSG_NEGOTIATE, len - O_BODY);
	put16(b, O_FRAME_CNT, LIS_IC_MAX_VERCNT);
	put16(b, O_MSG_CNT, LIS_IC_MAX_VERCNT);
	for (i = 0; i < 2 * LIS_IC_MAX_VERCNT; i++)
		put32(b, O_VERSIONS + 4 * i, V(1, i));
	/* the last of each kind matches */
	put32(b, O_VERSIONS + 4 * (LIS_IC_MAX_VERCNT - 1), V(3, 0));
	put32(b, len - 4, V(5, 0));
	s = snapshot(test, b, len);

	KUNIT_EXPECT_EQ(test, lis_ic_negotiate(b, len, &fw, 1, &srv, 1,
					       &fw_out, &srv_out), 0);
	KUNIT_EXPECT_EQ(test, get32(b, O_VERSIONS), V(3, 0));
	KUNIT_EXPECT_EQ(test, get32(b, O_VERSIONS + 4), V(5, 0));
	KUNIT_EXPECT_MEMEQ(test, b + 44, s + 44, len - 44);

	/* One byte less cannot hold the last version. */
	memcpy(b, s, len);
	put16(b, O_SIZE, len - 1 - O_BODY);
	memcpy(s, b, len);
	KUNIT_EXPECT_EQ(test, lis_ic_negotiate(b, len - 1, &fw, 1, &srv, 1,
					       NULL, NULL), -EINVAL);
	KUNIT_EXPECT_MEMEQ(test, b, s, len);
}

/* Packets too short for the header or the counts. */
static void nego_truncated_test(struct kunit *test)
{
	struct lis_ic_version fw = { 3, 0 }, srv = { 5, 0 };
	u32 len;

	for (len = 0; len < O_VERSIONS; len++) {
		u8 *b = pkt_alloc(test, len), *s;

		if (len >= O_BODY)
			put_hdr(b, len, LIS_IC_MSG_NEGOTIATE, len - O_BODY);
		s = snapshot(test, b, len);
		KUNIT_EXPECT_EQ_MSG(test, lis_ic_negotiate(b, len, &fw, 1,
							   &srv, 1, NULL,
							   NULL),
				    -EINVAL, "len %u", len);
		KUNIT_EXPECT_MEMEQ(test, b, s, len);
	}
}

/* The NULL outputs are optional, and a second answer is idempotent. */
static void nego_answer_again_test(struct kunit *test)
{
	struct lis_ic_version fw = { 3, 0 }, srv = { 5, 0 };
	u32 len = O_VERSIONS + 8;
	u8 *b = pkt_alloc(test, len), *s;

	put_hdr(b, len, LIS_IC_MSG_NEGOTIATE, len - O_BODY);
	put16(b, O_FRAME_CNT, 1);
	put16(b, O_MSG_CNT, 1);
	put32(b, O_VERSIONS, V(3, 0));
	put32(b, O_VERSIONS + 4, V(5, 0));
	s = snapshot(test, b, len);

	KUNIT_EXPECT_EQ(test, lis_ic_negotiate(b, len, &fw, 1, &srv, 1,
					       NULL, NULL), 0);
	KUNIT_EXPECT_MEMEQ(test, b, s, len);	/* already the answer */
	KUNIT_EXPECT_EQ(test, lis_ic_negotiate(b, len, &fw, 1, &srv, 1,
					       NULL, NULL), 0);
	KUNIT_EXPECT_MEMEQ(test, b, s, len);
}

/* ---- lis_ic_make_response() ---- */

static void response_test(struct kunit *test)
{
	static const u8 flags[] = {
		0, LIS_IC_FLAG_TRANSACTION | LIS_IC_FLAG_REQUEST,
		LIS_IC_FLAG_REQUEST, 0xff,
	};
	static const u32 status[] = {
		LIS_IC_S_OK, LIS_IC_E_FAIL, LIS_IC_E_NOT_SUPPORTED,
		LIS_IC_E_INVALIDARG,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(flags); i++) {
		u8 *b = pkt_alloc(test, O_BODY), *s;
		struct lis_ic_msg msg;

		put_hdr(b, O_BODY, LIS_IC_MSG_HEARTBEAT, 0);
		b[O_FLAGS] = flags[i];
		put32(b, O_STATUS, 0x12345678);
		s = snapshot(test, b, O_BODY);

		lis_ic_make_response(b, status[i]);
		KUNIT_EXPECT_EQ(test, get32(b, O_STATUS), status[i]);
		KUNIT_EXPECT_EQ(test, b[O_FLAGS],
				LIS_IC_FLAG_TRANSACTION | LIS_IC_FLAG_RESPONSE);
		KUNIT_EXPECT_MEMEQ(test, b, s, O_STATUS);
		KUNIT_EXPECT_EQ(test, b[O_XID], s[O_XID]);
		KUNIT_EXPECT_MEMEQ(test, b + 26, s + 26, 2);

		KUNIT_EXPECT_EQ(test, lis_ic_parse(b, O_BODY, &msg), 0);
		KUNIT_EXPECT_EQ(test, msg.flags,
				LIS_IC_FLAG_TRANSACTION | LIS_IC_FLAG_RESPONSE);
		KUNIT_EXPECT_EQ(test, msg.hdr.status, status[i]);
	}
}

/* The whole exchange as a util driver does it. */
static void nego_then_respond_test(struct kunit *test)
{
	static const struct lis_ic_version fw[] = { { 3, 0 }, { 1, 0 } };
	static const struct lis_ic_version srv[] = { { 5, 0 } };
	u32 len = O_VERSIONS + 4 * 5;
	u8 *b = pkt_alloc(test, len);
	struct lis_ic_msg msg;

	put_hdr(b, len, LIS_IC_MSG_NEGOTIATE, len - O_BODY);
	put16(b, O_FRAME_CNT, 2);
	put16(b, O_MSG_CNT, 3);
	put32(b, O_VERSIONS, V(1, 0));
	put32(b, O_VERSIONS + 4, V(3, 0));
	put32(b, O_VERSIONS + 8, V(5, 0));
	put32(b, O_VERSIONS + 12, V(6, 0));
	put32(b, O_VERSIONS + 16, V(7, 0));

	KUNIT_ASSERT_EQ(test, lis_ic_parse(b, len, &msg), 0);
	KUNIT_ASSERT_EQ(test, msg.type, LIS_IC_MSG_NEGOTIATE);
	KUNIT_ASSERT_EQ(test, lis_ic_negotiate(b, len, fw, ARRAY_SIZE(fw),
					       srv, ARRAY_SIZE(srv),
					       NULL, NULL), 0);
	lis_ic_make_response(b, LIS_IC_S_OK);

	/* The answer parses, and says exactly what it should. */
	KUNIT_ASSERT_EQ(test, lis_ic_parse(b, len, &msg), 0);
	KUNIT_EXPECT_EQ(test, msg.hdr.icmsgsize, 0x10);
	KUNIT_EXPECT_EQ(test, msg.body_len, len - O_BODY);
	KUNIT_EXPECT_EQ(test, msg.flags,
			LIS_IC_FLAG_TRANSACTION | LIS_IC_FLAG_RESPONSE);
	KUNIT_EXPECT_EQ(test, get32(b, O_STATUS), 0);
	KUNIT_EXPECT_EQ(test, get32(b, O_VERSIONS), V(3, 0));
	KUNIT_EXPECT_EQ(test, get32(b, O_VERSIONS + 4), V(5, 0));
}

static struct kunit_case lis_ic_cases[] = {
	KUNIT_CASE(sizes_test),
	KUNIT_CASE_PARAM(parse_test, parse_gen_params),
	KUNIT_CASE(parse_fields_test),
	KUNIT_CASE_PARAM(nego_test, nego_gen_params),
	KUNIT_CASE(nego_limits_test),
	KUNIT_CASE(nego_truncated_test),
	KUNIT_CASE(nego_answer_again_test),
	KUNIT_CASE(response_test),
	KUNIT_CASE(nego_then_respond_test),
	{}
};

static struct kunit_suite lis_ic_suite = {
	.name = "lis_ic",
	.test_cases = lis_ic_cases,
};
kunit_test_suite(lis_ic_suite);

MODULE_DESCRIPTION("KUnit tests for the lis integration-component helpers");
MODULE_LICENSE("GPL");

// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for the integration-component helpers (ic.c).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-fno-sanitize-recover=all -Iinclude <this file>
 *
 * Input: one control byte, the guest's preferences, then the packet.
 *
 *   control bit 0-1   framework versions the guest speaks (0-3)
 *   control bit 2-3   service versions the guest speaks (0-3)
 *   control bit 4     "fix up" the packet: make it a NEGOTIATE whose
 *                     icmsgsize fits, so negotiation is reached often
 *   then one byte per guest version: major = bits 0-2, minor = bit 3
 *   then the packet, copied to a buffer of exactly its length so that
 *   AddressSanitizer sees any access beyond it.
 *
 * Invariants: a successful parse describes a body inside the packet and
 * the header's own fields; a failed parse or negotiation changes nothing;
 * a negotiation that succeeded or found no common version changed only
 * icmsgsize and the body's first 16 bytes, and agrees with an independent
 * reference; make_response changes only status and flags.
 */
#include "../../drivers/vmbus/ic.c"

#include "fuzz_input.h"

static bool same_range(const u8 *a, const u8 *b, u32 from, u32 to)
{
	return to <= from || memcmp(a + from, b + from, to - from) == 0;
}

/* The reference: the guest's first version that @host[0..n) lists. */
static int ref_pick(const struct lis_ic_version *want, unsigned int nwant,
		    const u8 *host, unsigned int n)
{
	unsigned int i, j;

	for (i = 0; i < nwant; i++)
		for (j = 0; j < n; j++)
			if (get16(host, 4 * j) == want[i].major &&
			    get16(host, 4 * j + 2) == want[i].minor)
				return i;
	return -1;
}

static void check_parse(const u8 *b, const u8 *snap, u32 len)
{
	struct lis_ic_msg msg;
	int ret;

	memset(&msg, 0x5a, sizeof(msg));
	ret = lis_ic_parse(b, len, &msg);
	CHECK(memcmp(b, snap, len) == 0);
	if (ret) {
		CHECK(ret == -EINVAL && len < 28);
		return;
	}
	CHECK(len >= 28);
	CHECK(msg.body_off == 28);
	/* Judged by the received length, never by icmsgsize. */
	CHECK(msg.body_off + msg.body_len == len);
	CHECK(msg.hdr.icmsgsize == get16(b, 18));
	CHECK(msg.type == get16(b, 12));
	CHECK(msg.flags == b[25]);
	CHECK(msg.transaction_id == b[24]);
	CHECK(memcmp(&msg.hdr, b + 8, 20) == 0);
}

static void check_negotiate(u8 *b, const u8 *snap, u32 len,
			    const struct lis_ic_version *fw, unsigned int nfw,
			    const struct lis_ic_version *srv,
			    unsigned int nsrv)
{
	struct lis_ic_version fw_out = { 0xeeee, 0xeeee };
	struct lis_ic_version srv_out = { 0xeeee, 0xeeee };
	unsigned int nframe, nmsg;
	int ret, rf, rs;

	ret = lis_ic_negotiate(b, len, fw, nfw, srv, nsrv, &fw_out, &srv_out);
	if (ret != 0 && ret != -EPROTONOSUPPORT) {
		CHECK(ret == -EINVAL);
		CHECK(memcmp(b, snap, len) == 0);
		CHECK(fw_out.major == 0xeeee && srv_out.major == 0xeeee);
		return;
	}

	/* Well formed: check it against the request as it was. */
	CHECK(len >= 36);
	CHECK(get16(snap, 12) == LIS_IC_MSG_NEGOTIATE);
	nframe = get16(snap, 28);
	nmsg = get16(snap, 30);
	CHECK(nframe <= LIS_IC_MAX_VERCNT && nmsg <= LIS_IC_MAX_VERCNT);
	CHECK(36 + 4 * (nframe + nmsg) <= len);
	rf = ref_pick(fw, nfw, snap + 36, nframe);
	rs = ref_pick(srv, nsrv, snap + 36 + 4 * nframe, nmsg);

	CHECK(same_range(b, snap, 0, 18));
	CHECK(same_range(b, snap, 20, 28));
	CHECK(same_range(b, snap, 32, 36));
	CHECK(same_range(b, snap, 44, len));

	if (!ret) {
		CHECK(rf >= 0 && rs >= 0);
		CHECK(len >= 44);
		CHECK(get16(b, 18) == 0x10);
		CHECK(get16(b, 28) == 1 && get16(b, 30) == 1);
		CHECK(get16(b, 36) == fw[rf].major &&
		      get16(b, 38) == fw[rf].minor);
		CHECK(get16(b, 40) == srv[rs].major &&
		      get16(b, 42) == srv[rs].minor);
		CHECK(fw_out.major == fw[rf].major &&
		      fw_out.minor == fw[rf].minor);
		CHECK(srv_out.major == srv[rs].major &&
		      srv_out.minor == srv[rs].minor);
		return;
	}

	CHECK(rf < 0 || rs < 0);
	CHECK(get16(b, 28) == 0 && get16(b, 30) == 0);
	CHECK(fw_out.major == 0xeeee && srv_out.major == 0xeeee);
	if (len >= 44) {
		CHECK(get16(b, 18) == 0x10);
		CHECK(get32(b, 36) == 0 && get32(b, 40) == 0);
	} else {
		CHECK(get16(b, 18) == 8);
		CHECK(same_range(b, snap, 36, len));
	}
	/* The answer is itself a well-formed packet. */
	CHECK(get16(b, 18) <= len - 28);
}

static void check_response(u8 *b, u32 len, u32 status)
{
	u8 before[28];

	if (len < 28)
		return;
	memcpy(before, b, 28);
	lis_ic_make_response(b, status);
	CHECK(get32(b, 20) == status);
	CHECK(b[25] == (LIS_IC_FLAG_TRANSACTION | LIS_IC_FLAG_RESPONSE));
	CHECK(memcmp(b, before, 20) == 0);
	CHECK(b[24] == before[24] && b[26] == before[26] &&
	      b[27] == before[27]);
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	struct input in = { data, size };
	struct lis_ic_version fw[3], srv[3];
	unsigned int nfw, nsrv, i;
	u8 ctl, *b, *snap;
	size_t rest;
	u32 len;

	if (!size)
		return 0;
	ctl = take8(&in);
	nfw = ctl & 3;
	nsrv = (ctl >> 2) & 3;
	if (in.n < nfw + nsrv || in.n - (nfw + nsrv) > 0x20000)
		return 0;
	for (i = 0; i < nfw + nsrv; i++) {
		struct lis_ic_version *v = i < nfw ? &fw[i] : &srv[i - nfw];
		u8 byte = take8(&in);

		v->major = byte & 7;
		v->minor = (byte >> 3) & 1;
	}
	b = take_rest(&in, &rest);
	len = rest;
	snap = malloc(len ? len : 1);
	CHECK(snap);
	if ((ctl & 0x10) && len >= 28) {
		b[12] = LIS_IC_MSG_NEGOTIATE;
		b[13] = 0;
		if (get16(b, 18) > len - 28) {
			b[18] = (len - 28) & 0xff;
			b[19] = (len - 28) >> 8;
			if (len - 28 > 0xffff)
				b[18] = b[19] = 0xff;
		}
		if (len >= 32) {
			b[29] = 0;	/* counts below 256 */
			b[31] = 0;
		}
	}
	memcpy(snap, b, len);

	check_parse(b, snap, len);
	check_negotiate(b, snap, len, fw, nfw, srv, nsrv);

	/* Responding works on whatever parses, before or after. */
	if (len >= 28)
		check_response(b, len, get32(snap, 0) ^ 0x80004005U);

	free(snap);
	free(b);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for lis_vss's pure code: VSS message decoding and
 * answers (drivers/vss/msg.c) and the transaction rules (txn.c).
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined \
 *	-fno-sanitize-recover=all -Iinclude <this file>
 *
 * Input: u16 packet length (little-endian), the packet, then a script of
 * transaction events, one byte each (see run_script()).  The packet is
 * copied to a buffer of exactly its length so that AddressSanitizer sees
 * any access beyond it.
 *
 * Invariants: decoding never writes the packet and agrees with its bytes;
 * answering changes only status, icflags and (for an operation) the
 * body's flags; negotiation picks only versions the guest speaks.  The
 * transaction rules: every host operation is answered at once or handed
 * to the daemon, never both; a held request is answered exactly once
 * (reply, timeout, daemon gone, or a THAW abandoning a FREEZE, which
 * thaws); the daemon leaving always thaws; a FREEZE never reaches the
 * daemon while one is in flight.
 */
#include "fuzz_input.h"

#include "../../drivers/vmbus/ic.c"
#include "../../drivers/vss/msg.c"
#include "../../drivers/vss/txn.c"

static void check_packet(u8 *b, u32 len)
{
	struct lis_vss_pkt p;
	struct lis_ic_version fw, srv;
	u8 *snap = malloc(len ? len : 1);
	u32 i;
	int ret;

	CHECK(snap);
	memcpy(snap, b, len);
	ret = lis_vss_decode(b, len, &p);
	CHECK(memcmp(b, snap, len) == 0);
	if (ret) {
		CHECK(ret == -EINVAL && len < 28);
		free(snap);
		return;
	}
	CHECK(len >= 28);
	/* Judged by the received length, never by icmsgsize. */
	switch (p.kind) {
	case LIS_VSS_PKT_OP:
		CHECK(get16(b, 12) == LIS_IC_MSG_VSS && len >= 40);
		CHECK(p.op == b[28]);
		break;
	case LIS_VSS_PKT_SHORT:
		CHECK(get16(b, 12) == LIS_IC_MSG_VSS && len < 40);
		break;
	case LIS_VSS_PKT_NEGOTIATE:
		CHECK(get16(b, 12) == LIS_IC_MSG_NEGOTIATE);
		ret = lis_vss_negotiate(b, len, &fw, &srv);
		if (!ret) {
			CHECK((fw.major == 3 || fw.major == 1) && !fw.minor);
			CHECK(srv.major == 5 && !srv.minor);
		} else if (ret != -EPROTONOSUPPORT) {
			CHECK(memcmp(b, snap, len) == 0);
		}
		free(snap);
		return;
	default:
		CHECK(p.kind == LIS_VSS_PKT_OTHER);
		break;
	}
	lis_vss_answer(b, &p, LIS_IC_E_FAIL, 0xa5a5a5a5);
	for (i = 0; i < len; i++) {
		if (i >= 20 && i < 24)
			continue;	/* status */
		if (i == 25)
			continue;	/* icflags */
		if (p.kind == LIS_VSS_PKT_OP && i >= 36 && i < 40)
			continue;	/* body flags */
		CHECK(b[i] == snap[i]);
	}
	CHECK(b[25] == (LIS_IC_FLAG_TRANSACTION | LIS_IC_FLAG_RESPONSE));
	free(snap);
}

/*
 * Script bytes: low 3 bits pick the event, the rest is its argument.
 *   0 host op (arg = op)     1 daemon reply (arg bit0: error, bit1: bad
 *   2 reply timer (arg bit0: stale)                 seq, bit2: bad op)
 *   3 thaw timer             4 hello     5 daemon gone   6,7 host FREEZE
 */
static void run_script(const u8 *s, size_t n)
{
	static const struct lis_vss_timeouts to = { 1000, 500 };
	struct lis_vss_action act;
	struct lis_vss_txn t;
	bool held = false;
	u64 held_seq = 0;
	u32 held_op = 0;
	size_t i;

	lis_vss_txn_init(&t);
	for (i = 0; i < n; i++) {
		u8 ev = s[i] & 7, arg = s[i] >> 3;
		struct lis_vss_reply r;
		int ret;

		switch (ev) {
		case 0:
		case 6:
		case 7:
			lis_vss_txn_host_op(&t, ev ? LIS_VSS_OP_FREEZE : arg,
					    &to, &act);
			CHECK(act.answer != act.to_daemon);
			if (act.answer_held) {
				/* Only a THAW abandoning a FREEZE. */
				CHECK(held && held_op == LIS_VSS_REQ_FREEZE);
				CHECK(!ev && arg == LIS_VSS_OP_THAW);
				CHECK(act.thaw_all && act.answer);
				CHECK(act.status != LIS_IC_S_OK);
				held = false;
			}
			if (act.to_daemon) {
				CHECK(!held && t.daemon);
				held = true;
				held_seq = act.seq;
				held_op = act.daemon_op;
			}
			break;
		case 1:
			r.version = LIS_VSS_UAPI_VERSION;
			r.op = held_op ^ ((arg & 4) ? 3 : 0);
			r.seq = held_seq + ((arg & 2) ? 1 : 0);
			r.error = arg & 1;
			r.nr_fs = 0;
			ret = lis_vss_txn_reply(&t, &r, &act);
			if (!ret) {
				CHECK(held && act.answer_held);
				held = false;
			} else {
				CHECK(!act.answer_held);
			}
			break;
		case 2:
			if (lis_vss_txn_timeout(&t, held_seq + (arg & 1),
						&act)) {
				CHECK(held && act.answer_held && act.thaw_all);
				held = false;
			}
			break;
		case 3:
			if (lis_vss_txn_thaw_timeout(&t, &act))
				CHECK(act.thaw_all && !act.answer_held);
			break;
		case 4:
			lis_vss_txn_hello(&t);
			break;
		case 5:
			lis_vss_txn_daemon_gone(&t, &act);
			CHECK(act.thaw_all);
			CHECK(act.answer_held == held);
			held = false;
			break;
		}
		CHECK(!!t.inflight == held);
		CHECK(!(t.frozen && t.inflight == LIS_VSS_OP_THAW));
	}
}

int LLVMFuzzerTestOneInput(const u8 *data, size_t size);

int LLVMFuzzerTestOneInput(const u8 *data, size_t size)
{
	u32 len;
	u8 *b;

	if (size < 2)
		return 0;
	len = get16(data, 0);
	data += 2;
	size -= 2;
	if (len > size)
		len = size;
	b = malloc(len ? len : 1);
	CHECK(b);
	memcpy(b, data, len);
	check_packet(b, len);
	free(b);
	run_script(data + len, size - len);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-only
/*
 * VSS messages: what a packet from the host is, the answer to version
 * negotiation, and turning a request into its answer.
 *
 * Pure code (include/lis/shim.h): the same file is compiled into lis_vss,
 * the lis_vss KUnit suite and the userspace fuzzer tests/fuzz/fuzz_vss.c.
 * The packet is the driver's own copy (never the shared ring), and every
 * field is read after the length that covers it is checked.
 */

#include "proto.h"

/*
 * Versions the guest speaks, best first.  Framework 3.0 is what hosts
 * from Windows Server 2012 R2 on offer; 1.0 is accepted as Linux accepts
 * it.  VSS 5.0 is the first service version with FREEZE and THAW: hosts
 * that offer only older VSS versions (before Windows 8.1) cannot take a
 * consistent backup with a Linux guest and are refused.
 */
static const struct lis_ic_version lis_vss_fw_versions[] = {
	{ LIS_VSS_FW_MAJOR, 0 },
	{ 1, 0 },
};

static const struct lis_ic_version lis_vss_srv_versions[] = {
	{ LIS_VSS_SRV_MAJOR, 0 },
};

/**
 * lis_vss_decode() - check a host packet and say what it is
 * @pkt: the packet's data, as received
 * @len: its length
 * @out: the result
 *
 * The IC headers must be there (lis_ic_parse()).  The body is judged by
 * the received length, as Linux's hv_snapshot does, never by icmsgsize:
 * a VSS message (icmsgtype LIS_IC_MSG_VSS) is an operation when @len
 * holds a whole struct lis_vss_body after the headers, whatever icmsgsize
 * claims (Hyper-V documents no exact value), and LIS_VSS_PKT_SHORT
 * otherwise: its header is sound, so it can still be answered (with a
 * failure).  Nothing at or beyond @len is read; @pkt is never written.
 *
 * Context: any.
 * Return: 0 and @out filled in; -EINVAL when @len does not even cover the
 * headers (nothing can be answered then).
 */
int lis_vss_decode(const void *pkt, u32 len, struct lis_vss_pkt *out)
{
	const struct lis_vss_body *body;
	int ret;

	ret = lis_ic_parse(pkt, len, &out->ic);
	if (ret)
		return ret;
	out->op = 0;
	out->flags = 0;
	switch (out->ic.type) {
	case LIS_IC_MSG_NEGOTIATE:
		out->kind = LIS_VSS_PKT_NEGOTIATE;
		break;
	case LIS_IC_MSG_VSS:
		if (out->ic.body_len < sizeof(*body)) {
			out->kind = LIS_VSS_PKT_SHORT;
			break;
		}
		body = (const struct lis_vss_body *)((const u8 *)pkt +
						     out->ic.body_off);
		out->kind = LIS_VSS_PKT_OP;
		out->op = body->operation;
		out->flags = body->flags;
		break;
	default:
		out->kind = LIS_VSS_PKT_OTHER;
		break;
	}
	return 0;
}

/**
 * lis_vss_negotiate() - answer a NEGOTIATE packet in place
 * @pkt: the packet (lis_vss_decode() said LIS_VSS_PKT_NEGOTIATE)
 * @len: its length
 * @fw: set to the agreed framework version on success
 * @srv: set to the agreed VSS version on success
 *
 * See lis_ic_negotiate(); the guest's lists are framework 3.0 then 1.0,
 * and VSS 5.0.
 *
 * Context: any.
 * Return: 0 (answer with S_OK), -EPROTONOSUPPORT (answer written; send it
 * with E_FAIL), or -EINVAL (malformed: nothing to send).
 */
int lis_vss_negotiate(void *pkt, u32 len, struct lis_ic_version *fw,
		      struct lis_ic_version *srv)
{
	return lis_ic_negotiate(pkt, len, lis_vss_fw_versions,
				ARRAY_SIZE(lis_vss_fw_versions),
				lis_vss_srv_versions,
				ARRAY_SIZE(lis_vss_srv_versions), fw, srv);
}

/**
 * lis_vss_answer() - turn a request into its answer, in place
 * @pkt: the packet @p was decoded from
 * @p: its decoding
 * @status: LIS_IC_S_OK or LIS_IC_E_*
 * @flags: for an operation, the body's flags in the answer
 *
 * The answer goes back with the length the request came with.
 *
 * Context: any.
 */
void lis_vss_answer(void *pkt, const struct lis_vss_pkt *p, u32 status,
		    u32 flags)
{
	struct lis_vss_body *body;

	if (p->kind == LIS_VSS_PKT_OP) {
		body = (struct lis_vss_body *)((u8 *)pkt + p->ic.body_off);
		body->flags = flags;
	}
	lis_ic_make_response(pkt, status);
}

/**
 * lis_vss_op_name() - an operation's name, for logs and statistics
 * @op: the operation
 *
 * Context: any.
 * Return: a static string ("unknown" for values beyond AUTO_RECOVER).
 */
const char *lis_vss_op_name(unsigned int op)
{
	static const char * const names[LIS_VSS_OP_COUNT] = {
		[LIS_VSS_OP_CREATE] = "create",
		[LIS_VSS_OP_DELETE] = "delete",
		[LIS_VSS_OP_HOT_BACKUP] = "hot_backup",
		[LIS_VSS_OP_GET_DM_INFO] = "get_dm_info",
		[LIS_VSS_OP_BU_COMPLETE] = "bu_complete",
		[LIS_VSS_OP_FREEZE] = "freeze",
		[LIS_VSS_OP_THAW] = "thaw",
		[LIS_VSS_OP_AUTO_RECOVER] = "auto_recover",
	};

	return op < LIS_VSS_OP_COUNT ? names[op] : "unknown";
}

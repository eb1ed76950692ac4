// SPDX-License-Identifier: GPL-2.0-only
/*
 * Integration-component framing: the checks every received IC packet goes
 * through before a util-style driver looks at its body, the answer to the
 * host's version negotiation, and turning a request into its response.
 *
 * Pure code (see include/lis/shim.h): no allocation, locks or sleeping.
 * The same file is linked into lis_vmbus, compiled into the lis_ic KUnit
 * suite and into the userspace fuzzer tests/fuzz/fuzz_ic.c.
 */

#include "lis/ic.h"

/**
 * DOC: IC packets and their lengths
 *
 * An IC device's channel carries one IC message per in-band VMBus packet.
 * The length a driver hands to these helpers is the length of the packet's
 * data as the ring delivered it (everything after the VMBus descriptor).
 * The ring rounds packets up to 8 bytes, so that length may exceed the
 * message by up to 7 bytes of padding; nothing here relies on it being
 * exact.
 *
 * What lis_ic_parse() insists on: the 28 bytes of pipe and IC header are
 * there.  Nothing more.
 *
 * The body is judged by the received length, not by the header's
 * icmsgsize: it is everything after the headers (len - 28 bytes,
 * padding included), and a driver checks that this covers the structure
 * it reads.  icmsgsize is reported but trusted for nothing, in either
 * direction: a host that announces fewer bytes than the structure it
 * sent, or more than the packet holds, is still understood and answered,
 * and nothing is ever read beyond the received length.  This is what
 * Linux's util drivers do (they check the received length against the
 * message they read and never look at icmsgsize), and so what hosts have
 * been tested against; Hyper-V documents no exact sizes.  Refusing a
 * packet over icmsgsize would leave its sender waiting for an answer
 * that never comes.
 *
 * The pipe header's msgsize is not checked and never used either: guests
 * in use today ignore the pipe header altogether.
 *
 * Answers are written into the received buffer and sent back with the same
 * length it arrived with (see lis_ic_negotiate() for NEGOTIATE).
 */

/**
 * lis_ic_parse() - validate a received IC packet and find its body
 * @pkt: the packet's data, as received
 * @len: its length in bytes
 * @out: where the header fields and the body's position go
 *
 * See "IC packets and their lengths" above for exactly what is checked.
 * On success the body is @out->body_len bytes at @pkt + @out->body_off:
 * everything the packet holds after the headers, whatever icmsgsize
 * says.  A driver must still check that body_len covers the structure it
 * expects for @out->type.  The header is copied into @out (icmsgsize as
 * the host sent it in @out->hdr), so later changes to @pkt do not affect
 * it.
 *
 * Context: any.
 * Return: 0 and @out filled in; -EINVAL if @len does not cover the pipe
 * and IC headers (@out is untouched then).  @pkt is never written.
 */
int lis_ic_parse(const void *pkt, u32 len, struct lis_ic_msg *out)
{
	const struct lis_ic_msg_hdr *h = pkt;

	if (len < LIS_IC_BODY_OFFSET)
		return -EINVAL;
	out->hdr = h->ic;
	out->body_off = LIS_IC_BODY_OFFSET;
	out->body_len = len - LIS_IC_BODY_OFFSET;
	out->type = out->hdr.icmsgtype;
	out->flags = out->hdr.icflags;
	out->transaction_id = out->hdr.ictransaction_id;
	return 0;
}
LIS_EXPORT(lis_ic_parse);

/*
 * The first of the guest's @nwant versions, in the guest's order, that the
 * host's @nhave versions include.
 */
static bool lis_ic_pick(const struct lis_ic_version *want, unsigned int nwant,
			const struct lis_ic_version *have, unsigned int nhave,
			struct lis_ic_version *pick)
{
	unsigned int i, j;

	for (i = 0; i < nwant; i++) {
		for (j = 0; j < nhave; j++) {
			if (have[j].major == want[i].major &&
			    have[j].minor == want[i].minor) {
				*pick = want[i];
				return true;
			}
		}
	}
	return false;
}

/**
 * lis_ic_negotiate() - answer a NEGOTIATE packet in place
 * @pkt: the received packet's data; rewritten into the answer
 * @len: its length in bytes
 * @fw: framework versions the guest speaks, most preferred first
 * @nfw: entries in @fw
 * @srv: service versions the guest speaks, most preferred first
 * @nsrv: entries in @srv
 * @fw_out: set to the chosen framework version on success; may be NULL
 * @srv_out: set to the chosen service version on success; may be NULL
 *
 * The host lists icframe_vercnt framework versions followed by
 * icmsg_vercnt service versions.  The guest picks, independently for each
 * kind, the first entry of its own list that the host lists too (only in
 * the host's list of that kind): the guest's preference decides, not the
 * host's order.
 *
 * The packet must pass lis_ic_parse(), be of type LIS_IC_MSG_NEGOTIATE,
 * hold the counts, have neither count above LIS_IC_MAX_VERCNT and hold
 * every version the counts announce within @len.  (The versions are
 * bounded by @len, not by icmsgsize, as Linux does.)
 *
 * The answer:
 *
 * - match: counts 1/1, the chosen framework and service versions in
 *   versions[0] and versions[1], icmsgsize LIS_IC_NEGOTIATE_RESP_BODY
 *   (0x10).  A packet that lists at least one version of each kind is at
 *   least LIS_IC_NEGOTIATE_RESP_LEN (44) bytes long, so this always fits.
 * - no match: counts 0/0.  If @len is at least LIS_IC_NEGOTIATE_RESP_LEN,
 *   versions[0] and versions[1] are zeroed and icmsgsize is 0x10, the
 *   shape of any other answer; a shorter packet (one that listed fewer
 *   than two versions) gets icmsgsize 8, the counts alone, so the answer
 *   never claims bytes it does not have.
 *
 * Nothing else in @pkt changes and nothing at or beyond @len is written.
 * The caller then sets status and flags with lis_ic_make_response() and
 * sends the whole answer back: @len bytes, the length the request came
 * with.  On -EPROTONOSUPPORT it must still send it (status
 * LIS_IC_E_FAIL is appropriate), so that the host stops offering.
 *
 * Context: any.
 * Return: 0 when both versions were agreed; -EPROTONOSUPPORT when either
 * kind has no common version (answer written as above); -EINVAL when the
 * packet is malformed, in which case @pkt is untouched and nothing should
 * be sent.
 */
int lis_ic_negotiate(void *pkt, u32 len,
		     const struct lis_ic_version *fw, unsigned int nfw,
		     const struct lis_ic_version *srv, unsigned int nsrv,
		     struct lis_ic_version *fw_out,
		     struct lis_ic_version *srv_out)
{
	struct lis_ic_msg_hdr *h = pkt;
	struct lis_ic_negotiate *neg;
	struct lis_ic_version fw_pick, srv_pick;
	unsigned int nframe, nmsg;
	struct lis_ic_msg msg;
	int ret;

	ret = lis_ic_parse(pkt, len, &msg);
	if (ret)
		return ret;
	if (msg.type != LIS_IC_MSG_NEGOTIATE)
		return -EINVAL;
	if (len - LIS_IC_BODY_OFFSET < sizeof(*neg))
		return -EINVAL;

	neg = (struct lis_ic_negotiate *)((u8 *)pkt + LIS_IC_BODY_OFFSET);
	nframe = neg->icframe_vercnt;
	nmsg = neg->icmsg_vercnt;
	if (nframe > LIS_IC_MAX_VERCNT || nmsg > LIS_IC_MAX_VERCNT)
		return -EINVAL;
	if ((len - LIS_IC_BODY_OFFSET - sizeof(*neg)) /
	    sizeof(struct lis_ic_version) < nframe + nmsg)
		return -EINVAL;

	if (!lis_ic_pick(fw, nfw, neg->versions, nframe, &fw_pick) ||
	    !lis_ic_pick(srv, nsrv, neg->versions + nframe, nmsg, &srv_pick)) {
		neg->icframe_vercnt = 0;
		neg->icmsg_vercnt = 0;
		if (len < LIS_IC_NEGOTIATE_RESP_LEN) {
			h->ic.icmsgsize = sizeof(*neg);
			return -EPROTONOSUPPORT;
		}
		neg->versions[0].major = 0;
		neg->versions[0].minor = 0;
		neg->versions[1].major = 0;
		neg->versions[1].minor = 0;
		h->ic.icmsgsize = LIS_IC_NEGOTIATE_RESP_BODY;
		return -EPROTONOSUPPORT;
	}

	neg->icframe_vercnt = 1;
	neg->icmsg_vercnt = 1;
	neg->versions[0] = fw_pick;
	neg->versions[1] = srv_pick;
	h->ic.icmsgsize = LIS_IC_NEGOTIATE_RESP_BODY;
	if (fw_out)
		*fw_out = fw_pick;
	if (srv_out)
		*srv_out = srv_pick;
	return 0;
}
LIS_EXPORT(lis_ic_negotiate);

/**
 * lis_ic_make_response() - turn a received IC packet into its response
 * @pkt: a packet that passed lis_ic_parse() (at least LIS_IC_BODY_OFFSET
 *	bytes), with any answer already written into its body
 * @status: LIS_IC_S_OK or a LIS_IC_E_* code
 *
 * Sets status to @status and icflags to TRANSACTION|RESPONSE; nothing else
 * changes.  The caller sends the packet back with the VMBus request id of
 * the packet it answers.
 *
 * Context: any.
 */
void lis_ic_make_response(void *pkt, u32 status)
{
	struct lis_ic_msg_hdr *h = pkt;

	h->ic.status = status;
	h->ic.icflags = LIS_IC_FLAG_TRANSACTION | LIS_IC_FLAG_RESPONSE;
}
LIS_EXPORT(lis_ic_make_response);

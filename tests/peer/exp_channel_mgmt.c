// SPDX-License-Identifier: GPL-2.0-only
/*
 * The export of the kernel's drivers/hv/channel_mgmt.c that Debian's stock
 * hv_utils imports: the answer to an integration component's NEGOTIATE.
 *
 * This file includes exactly what channel_mgmt.c includes
 * (hv_channel_mgmt_inc.h, made at build time from the kernel's own
 * linux-source), so the modversion CRC is that of the stock hv_vmbus.
 */
#include "hv_channel_mgmt_inc.h"

/* The first of @want (newest first) that the host offers in @offer. */
static bool hvc_pick_version(const struct ic_version *offer, unsigned int n,
			     const int *want, int nwant, struct ic_version *out)
{
	unsigned int j;
	int i;

	for (i = 0; i < nwant; i++) {
		for (j = 0; j < n; j++) {
			if (offer[j].major == (u16)(want[i] >> 16) &&
			    offer[j].minor == (u16)want[i]) {
				*out = offer[j];
				return true;
			}
		}
	}
	return false;
}

/**
 * vmbus_prep_negotiate_resp() - turn a host's NEGOTIATE into the answer
 * @icmsghdrp: the message's IC header, inside @buf
 * @buf: the whole packet as received (pipe header, IC header, negotiate)
 * @buflen: bytes received in @buf
 * @fw_version: framework versions the service supports, newest first,
 *	each (major << 16) | minor
 * @fw_vercnt: entries in @fw_version
 * @srv_version: service versions, the same way
 * @srv_vercnt: entries in @srv_version
 * @nego_fw_version: set to the framework version chosen (0 if none), or NULL
 * @nego_srv_version: set to the service version chosen (0 if none), or NULL
 *
 * The host offers icframe_vercnt framework versions followed by
 * icmsg_vercnt service versions.  The answer, written over the request in
 * @buf, carries one of each: the newest framework and service versions
 * that both sides support.  If either has no match the answer carries no
 * versions (both counts 0), which tells the host the service refuses.
 * The caller sets the header's flags and sends @buf back.
 *
 * Context: any.
 * Return: true if both versions were agreed; false if not, or if the
 * message is too short for the counts it claims (then, if it is too short
 * even for the counts, @buf is left alone).
 */
bool vmbus_prep_negotiate_resp(struct icmsg_hdr *icmsghdrp, u8 *buf,
			       u32 buflen, const int *fw_version, int fw_vercnt,
			       const int *srv_version, int srv_vercnt,
			       int *nego_fw_version, int *nego_srv_version)
{
	struct ic_version fw = { 0 }, srv = { 0 };
	struct icmsg_negotiate *neg;
	unsigned int nfw, nsrv;
	bool agreed = false;

	if (buflen < ICMSG_HDR + sizeof(*neg)) {
		pr_err_ratelimited("NEGOTIATE of %u bytes is too short\n",
				   buflen);
		return false;
	}
	neg = (struct icmsg_negotiate *)(buf + ICMSG_HDR);
	nfw = neg->icframe_vercnt;
	nsrv = neg->icmsg_vercnt;
	if (nfw > IC_VERSION_NEGOTIATION_MAX_VER_COUNT ||
	    nsrv > IC_VERSION_NEGOTIATION_MAX_VER_COUNT ||
	    ICMSG_NEGOTIATE_PKT_SIZE(nfw, nsrv) > buflen) {
		pr_err_ratelimited("NEGOTIATE claims %u + %u versions in %u bytes\n",
				   nfw, nsrv, buflen);
		goto answer;
	}
	if (hvc_pick_version(neg->icversion_data, nfw, fw_version, fw_vercnt,
			     &fw) &&
	    hvc_pick_version(neg->icversion_data + nfw, nsrv, srv_version,
			     srv_vercnt, &srv))
		agreed = true;

answer:
	icmsghdrp->icmsgsize = sizeof(*neg) + 2 * sizeof(struct ic_version);
	neg->icframe_vercnt = agreed;
	neg->icmsg_vercnt = agreed;
	if (agreed) {
		/* Room for both: the host sent at least one of each. */
		neg->icversion_data[0] = fw;
		neg->icversion_data[1] = srv;
	}
	if (nego_fw_version)
		*nego_fw_version = agreed ? (fw.major << 16) | fw.minor : 0;
	if (nego_srv_version)
		*nego_srv_version = agreed ? (srv.major << 16) | srv.minor : 0;
	return agreed;
}
EXPORT_SYMBOL_GPL(vmbus_prep_negotiate_resp);

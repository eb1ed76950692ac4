# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# Helpers for the peer drivers' scenarios (tests/integration/scenarios/
# 6*-peer-*.sh: Debian's stock hv_balloon and hv_utils on lis_hvcompat,
# Documentation/testing.rst, "Peer drivers"), sourced after lib.sh (and
# dm-lib.sh for Dynamic Memory):
#
#   . /lis/peer-lib.sh
#
#   PEER                  where the stock modules are (/lis/peer/<name>.ko)
#   peer_load NAME [ARGS] insmod the stock module: result load-NAME
#   peer_bound DRIVER     the hv driver is bound to a device on lis_hvcompat's
#                         vmbus bus
#   peer_dm_msgs DIR      the Dynamic Memory packets lis_sim captured in
#                         direction DIR (g2h or h2g), decoded, one a line:
#                         NAME size=<header size> len=<bytes after the
#                         descriptor> trans=<header trans_id>
#                         w8=<u32 at 8> w12=<u32 at 12> q8=<u64 at 8>
#                         q16=<u64 at 16> w24=<u32 at 24>
#                         x24=<the 8 bytes at 24, in hex as sent>
#                         (offsets from the start of the DM header;
#                         values above 2^53 lose precision: use x24).
#                         Needs lis_sim loaded with capture=1.
#   peer_dm_first DIR NAME
#                         the first such line of that message
#   peer_field LINE KEY   the value of KEY= in such a line
#   peer_between V LO HI  LO <= V <= HI
#   peer_dmesg_has TEXT   the kernel log has TEXT

PEER=/lis/peer

peer_load()
{
	local name=$1 out

	shift
	if out=$(insmod "$PEER/$name.ko" "$@" 2>&1); then
		ok "load-$name"
	else
		not_ok "load-$name" "insmod of the stock $name.ko failed: $out" \
			"$(dmesg | tail -n 15)"
		return 1
	fi
}

peer_bound()
{
	local d

	for d in /sys/bus/vmbus/drivers/"$1"/*-*; do
		[ -e "$d" ] && return 0
	done
	return 1
}

peer_dm_msgs()
{
	local relid

	relid=$(cat "$(dm_dev)/relid" 2>/dev/null) || return 1
	awk -v dir="$1" -v relid="$relid" '
	function hexval(h,   i, v) {
		v = 0
		for (i = 1; i <= length(h); i++)
			v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
		return v
	}
	# le(off, n): little-endian n-byte value at byte off of the record
	function le(off, n,   i, v) {
		v = 0
		for (i = n - 1; i >= 0; i--)
			v = v * 256 + hexval(substr(hex, 1 + 2 * (off + i), 2))
		return v
	}
	BEGIN {
		split("VERSION_REQUEST VERSION_RESPONSE CAPABILITIES_REPORT " \
		      "CAPABILITIES_RESPONSE STATUS_REPORT BALLOON_REQUEST " \
		      "BALLOON_RESPONSE UNBALLOON_REQUEST UNBALLOON_RESPONSE " \
		      "MEM_HOT_ADD_REQUEST MEM_HOT_ADD_RESPONSE INFO_MESSAGE", names)
	}
	$1 == dir && $2 == "pkt" && $3 == relid {
		hex = $5
		d = le(2, 2) * 8
		type = le(d, 2)
		name = (type in names) ? names[type] : "type" type
		printf "%s size=%.0f len=%.0f trans=%.0f w8=%.0f w12=%.0f q8=%.0f q16=%.0f w24=%.0f x24=%s\n",
			name, le(d + 2, 2), $4 - d, le(d + 4, 4), le(d + 8, 4),
			le(d + 12, 4), le(d + 8, 8), le(d + 16, 8), le(d + 24, 4),
			substr(hex, 1 + 2 * (d + 24), 16)
	}' /sys/kernel/debug/lis_sim/capture
}

peer_dm_first()
{
	peer_dm_msgs "$1" | grep -m 1 "^$2 "
}

# peer_field LINE KEY: the value of KEY= in a decoded line.
peer_field()
{
	echo "$1" | sed -n "s/.* $2=\([^ ]*\).*/\1/p"
}

# peer_between VALUE LOW HIGH: LOW <= VALUE <= HIGH.
peer_between()
{
	[ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
}

# peer_dmesg_has TEXT: the kernel log has a line with TEXT.
peer_dmesg_has()
{
	dmesg | grep -qF -- "$1"
}

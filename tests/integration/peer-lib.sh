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
PEER_SIMCTL=lis-simctl
[ -x /usr/bin/lis-simctl ] || PEER_SIMCTL=/lis/lis-simctl

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
	"$PEER_SIMCTL" dm messages "$1" "$relid"
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

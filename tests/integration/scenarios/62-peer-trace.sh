# SPDX-License-Identifier: GPL-2.0-only
#
# The same host script against lis_balloon and against the peer (Debian's
# stock hv_balloon.ko on lis_hvcompat), one after the other in one boot,
# on one lis_sim: start, balloon 32 MiB, unballoon it, hot-add 128 MiB.
# lis_sim's byte capture of each session is decoded (lis-simctl dm
# messages) and printed side by side (lis-simctl dm compare), and the
# differences that matter are asserted: the message types the guest
# sends, in order (runs of one type counted once), their sizes, the
# version asked for, the capabilities, and what each answer says.
# hv_balloon has no module_exit, so lis_balloon goes first; the two never
# run at once.
#
# lis-memory: 2G
# lis-cmdline: mem=768M memhp_default_state=online
# lis-timeout: 600
# lis-peer: hv_balloon

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh
# shellcheck source=tests/integration/peer-lib.sh
. /lis/peer-lib.sh

# session NAME: the host script, then the guest's messages into
# /tmp/NAME.g2h (status reports apart, in /tmp/NAME.status).
session()
{
	sleep 3
	dm_cmd balloon 8192 && sleep 0.5 && wait_for 60 dm_idle
	check "$1-balloon-ok" [ "$(dm last_request | cut -d' ' -f1-4)" = "balloon 8192 8192 ok" ]
	dm_cmd unballoon 8192 && sleep 0.5 && wait_for 60 dm_idle
	check "$1-unballoon-ok" [ "$(dm last_request | cut -d' ' -f1-4)" = "unballoon 8192 8192 ok" ]
	dm_cmd hot_add 128 && sleep 0.5 && wait_for 60 dm_idle
	check "$1-hot-add-ok" [ "$(dm last_request | cut -d' ' -f1-4)" = "hot_add 32768 32768 ok" ]
	peer_dm_msgs g2h | grep -v '^STATUS_REPORT ' >"/tmp/$1.g2h"
	peer_dm_msgs g2h | grep '^STATUS_REPORT ' >"/tmp/$1.status"
}

# first FILE NAME: the first line of that type.
first()
{
	grep -m 1 "^$2 " "$1"
}

# same NAME TYPE KEY...: the first TYPE message has the same KEYs in both.
same()
{
	local name=$1 type=$2 key a b bad=""

	shift 2
	for key in "$@"; do
		a=$(peer_field "$(first /tmp/lis.g2h "$type")" "$key")
		b=$(peer_field "$(first /tmp/peer.g2h "$type")" "$key")
		[ -n "$a" ] && [ "$a" = "$b" ] || bad="$bad $key: lis $a, peer $b;"
	done
	if [ -z "$bad" ]; then
		ok "$name"
	else
		not_ok "$name" "$type differs:$bad"
	fi
}

lis_load lis_vmbus || exit 0
check load-sim insmod "$LIS_MODULES/lis_sim.ko" capture=1 dm_devices=1 \
	dm_hotadd=1G@1G dm_startup_mb=768 dm_minimum_mb=512 \
	dm_maximum_mb=1792 dm_info_delay_ms=1000
wait_for 20 dm_dev
check dm-device-offered dm_dev
dm_cmd target "$(dm assigned_mb)"

# --- lis_balloon ----------------------------------------------------------
check load-lis_balloon insmod "$LIS_MODULES/lis_balloon.ko" report_delay=1
check lis-ready wait_for 60 dm_ready
session lis
lis_unload lis_balloon
check lis-closed wait_for 20 [ "$(dm state)" = closed ]

# --- the peer ----------------------------------------------------------------
echo on >"$SIM/capture"
dm_cmd target "$(dm assigned_mb)"
lis_load lis_hvcompat || exit 0
peer_load hv_balloon pressure_report_delay=1 || exit 0
check peer-ready wait_for 60 dm_ready
session peer

# --- side by side -------------------------------------------------------------
# lis-simctl dm compare prints the two sequences and fails if the message
# types differ.
if "$PEER_SIMCTL" dm compare /tmp/lis.g2h /tmp/peer.g2h >/tmp/compare 2>&1; then
	ok same-types
else
	not_ok same-types "$(tail -n 3 /tmp/compare)"
fi
sed 's/^/trace: /' /tmp/compare
echo "trace: lis  $(tail -n 1 /tmp/lis.status)"
echo "trace: peer $(tail -n 1 /tmp/peer.status)"
same same-version-request VERSION_REQUEST size w8 w12
same same-capabilities CAPABILITIES_REPORT size q8 q16 x24
same same-unballoon-response UNBALLOON_RESPONSE size
same same-hot-add-response MEM_HOT_ADD_RESPONSE size w8 w12
check same-status-size [ "$(peer_field "$(tail -n 1 /tmp/lis.status)" size)" = \
	"$(peer_field "$(tail -n 1 /tmp/peer.status)" size)" ]
check no-protocol-errors [ "$(dm protocol_errors)" = 0 ]
check no-violations [ "$(dm violations)" = 0 ]
dmesg_clean

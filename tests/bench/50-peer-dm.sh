# SPDX-License-Identifier: GPL-2.0-only
#
# The peer beside lis (Documentation/testing.rst, "Peer drivers"): the
# Dynamic Memory figures of 20-dm, with Debian's stock hv_balloon.ko (on
# lis_hvcompat) as the guest instead of lis_balloon, on the same simulated
# host with the same settings and the same VM size, in the same make bench.
# scripts/bench.sh puts each beside lis's figure as "peer" and
# "peer_ratio" (lis / peer: above 1.0 lis is faster).  hv_balloon gives
# what its floor allows, so it may balloon fewer pages than asked: the
# figure is GiB/s of the pages it gave.
#
# lis-memory: 2G
# lis-cmdline: mem=768M memhp_default_state=online
# lis-timeout: 900
# lis-peer: hv_balloon

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh
# shellcheck source=tests/integration/peer-lib.sh
. /lis/peer-lib.sh

PAGES=131072	# 512 MiB, as 20-dm
lis_load lis_vmbus || exit 0
check load-sim insmod "$LIS_MODULES/lis_sim.ko" dm_devices=1 dm_hotadd=256M@1G \
	dm_minimum_mb=128 dm_target_mb=768 dm_verify=off dm_info_delay_ms=200
lis_load lis_hvcompat || exit 0
peer_load hv_balloon pressure_report_delay=1 || exit 0
if ! dm_up 60; then
	not_ok dm-ready "$(cat "$SIM/dm")"
	exit 0
fi

# last <field>: field of last_request (1 type 2 asked 3 done 4 result 5 ms)
last()
{
	dm last_request | cut -d' ' -f"$1"
}

run()
{
	dm_cmd "$@" && wait_for 300 dm_idle
}

if run balloon $PAGES && [ "$(last 4)" != timeout ] && [ "$(last 3)" -gt 0 ]; then
	got=$(last 3)
	echo "lis-bench peer_dm_balloon_inflate pages=$got us=$(dm last_us)"
	ok balloon_inflate
	if run unballoon "$got" && [ "$(last 4)" = ok ]; then
		echo "lis-bench peer_dm_balloon_deflate pages=$got us=$(dm last_us)"
		ok balloon_deflate
	else
		not_ok balloon_deflate "$(dm last_request)"
	fi
else
	not_ok balloon_inflate "$(dm last_request)"
fi

mt0=$(mem MemTotal)
if run hot_add 256 && [ "$(last 4)" = ok ]; then
	echo "lis-bench peer_dm_hot_add pages=$(last 3) us=$(dm last_us)"
	ok hot_add
	check hot-add-online [ $(($(mem MemTotal) - mt0)) -ge 255 ]
else
	not_ok hot_add "$(dm last_request)"
fi

check no-violations [ "$(dm violations)/$(dm protocol_errors)" = 0/0 ]
dmesg_clean

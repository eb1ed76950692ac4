# SPDX-License-Identifier: GPL-2.0-only
#
# The peer beside lis (Documentation/testing.rst, "Peer drivers"): the
# Dynamic Memory figures of 20-dm, with Debian's stock hv_balloon.ko (on
# lis_hvcompat) as the guest instead of lis_balloon, on the same simulated
# host with the same settings and the same VM size, in the same make bench,
# five rounds each as 20-dm.  scripts/bench.sh puts the median of each
# beside lis's as "peer" and "peer_ratio" (lis / peer: above 1.0 lis is
# faster).  hv_balloon gives what its floor allows, so it may balloon
# fewer pages than asked: the figure is GiB/s of the pages it gave.
#
# lis-memory: 3456M
# lis-cmdline: mem=768M memhp_default_state=online
# lis-timeout: 900
# lis-peer: hv_balloon

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh
# shellcheck source=tests/integration/peer-lib.sh
. /lis/peer-lib.sh

PAGES=131072	# 512 MiB, as 20-dm
ROUNDS=5
lis_load lis_vmbus || exit 0
check load-sim insmod "$LIS_MODULES/lis_sim.ko" dm_devices=1 dm_hotadd=1280M@768M \
	dm_minimum_mb=128 dm_target_mb=768 dm_verify=off dm_info_delay_ms=200
lis_load lis_hvcompat || exit 0
peer_load hv_balloon pressure_report_delay=1 || exit 0
if ! dm_up 60; then
	not_ok dm-ready "$(cat "$SIM/dm")"
	exit 0
fi

r=1
while [ $r -le $ROUNDS ]; do
	if ! dm_bench_request balloon $PAGES || [ "$(dm_last 4)" = timeout ] ||
	   [ "$(dm_last 3)" -eq 0 ]; then
		not_ok "balloon_inflate-$r" "$(dm last_request)"
		break
	fi
	got=$(dm_last 3)
	echo "lis-bench peer_dm_balloon_inflate round=$r pages=$got us=$(dm last_us)"
	if ! dm_bench_request unballoon "$got" || [ "$(dm_last 4)" != ok ]; then
		not_ok "balloon_deflate-$r" "$(dm last_request)"
		break
	fi
	echo "lis-bench peer_dm_balloon_deflate round=$r pages=$got us=$(dm last_us)"
	r=$((r + 1))
done
check balloon-rounds [ $r -gt $ROUNDS ]

r=1
while [ $r -le $ROUNDS ]; do
	mt0=$(mem MemTotal)
	if ! dm_bench_request hot_add 256 || [ "$(dm_last 4)" != ok ]; then
		not_ok "hot_add-$r" "$(dm last_request)"
		break
	fi
	echo "lis-bench peer_dm_hot_add round=$r pages=$(dm_last 3) us=$(dm last_us)"
	if [ $(($(mem MemTotal) - mt0)) -lt 255 ]; then
		not_ok "hot-add-online-$r" "MemTotal $mt0 -> $(mem MemTotal) MiB"
		break
	fi
	r=$((r + 1))
done
check hot-add-rounds [ $r -gt $ROUNDS ]

check no-violations [ "$(dm violations)/$(dm protocol_errors)" = 0/0 ]
dmesg_clean

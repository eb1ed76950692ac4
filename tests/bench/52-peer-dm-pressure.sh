# SPDX-License-Identifier: GPL-2.0-only
#
# 21-dm-pressure with Debian's stock hv_balloon.ko (on lis_hvcompat) as the
# guest instead of lis_balloon: the same host, VM, load and steps, in the
# same make bench.  The steady-state CPU figure times hv_balloon's
# post_status() (its thread's once-a-second report) as 21-dm-pressure
# times lis_balloon's dm_report_post().  scripts/bench.sh puts each median
# beside lis's as "peer" and "peer_ratio".
#
# lis-memory: 2G
# lis-cmdline: mem=768M memhp_default_state=online
# lis-timeout: 900
# lis-peer: hv_balloon

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh
# shellcheck source=tests/integration/peer-lib.sh
. /lis/peer-lib.sh
# shellcheck source=tests/integration/dm-bench-lib.sh
. /lis/dm-bench-lib.sh

lis_load lis_vmbus || exit 0
check load-sim insmod "$LIS_MODULES/lis_sim.ko" dm_devices=1 dm_hotadd=1G@1G \
	dm_startup_mb=768 dm_minimum_mb=768 dm_maximum_mb=1792 \
	dm_buffer_pct=20 dm_info_delay_ms=200 dm_verify=off
lis_load lis_hvcompat || exit 0
peer_load hv_balloon pressure_report_delay=1 || exit 0
if ! dm_up 60; then
	not_ok dm-ready "$(cat "$SIM/dm")"
	exit 0
fi
dm_settle 30
dm_bench_cpu peer_ post_status 30

for mb in 512 256 256; do
	dm_bench_hot_add_latency peer_ "$mb" || break
	dm_settle 60
done
echo "peer: loaded: host assigned=$(dm assigned_mb) hot_added=$(dm hot_added_mb) MemTotal=$(mem MemTotal)"

# Manual mode, the load gone: the balloon rounds.
dm_unload
dm_cmd target "$(dm assigned_mb)"
dm_settle 30
for _ in 1 2 3 4 5; do
	dm_bench_balloon_fall peer_ 131072 || break
	dm_bench_unballoon_back peer_ || break
done

check no-violations [ "$(dm violations)/$(dm protocol_errors)" = 0/0 ]
dm_no_oom no-oom
dmesg_clean

# SPDX-License-Identifier: GPL-2.0-only
#
# Pressure to memory, as a Hyper-V administrator feels it (issue 14's side
# by side figures; 52-peer-dm-pressure measures the same with the stock
# hv_balloon, in the same make bench, with the same host, VM and load):
#
# - dm_report_cpu: the guest driver's CPU time per second of steady state
#   (the idle guest reporting once a second): every report
#   (dm_report_post(): sample, build, send; the work item that plans the
#   next one is left out, as hv_balloon's thread is) timed by ftrace's
#   function_graph tracer over 30 s (ten calls were too few under TCG);
# - dm_hot_add_latency: the host balancing on its own (Startup = Minimum
#   768 MiB, buffer 20 %), a tmpfs load grown three times at once (by 512,
#   256, 256 MiB; each step's demand is past what the guest has), each
#   step started right after a status report: ms from the step's start to
#   MemTotal grown;
# - dm_balloon_avail_left: in manual mode, a request to balloon 512 MiB of
#   the idle guest: the lowest MemAvailable seen while it runs and after
#   (the driver's floor decides), five rounds;
# - dm_unballoon_latency: the host returns those pages: ms from its command
#   to MemAvailable up by 90 % of them, five rounds.
#
# tests/integration/dm-bench-lib.sh does the measuring; scripts/bench.sh
# takes the medians.
#
# lis-memory: 2G
# lis-cmdline: mem=768M memhp_default_state=online
# lis-timeout: 900

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh
# shellcheck source=tests/integration/dm-bench-lib.sh
. /lis/dm-bench-lib.sh

lis_load lis_vmbus || exit 0
check load-sim insmod "$LIS_MODULES/lis_sim.ko" dm_devices=1 dm_hotadd=1G@1G \
	dm_startup_mb=768 dm_minimum_mb=768 dm_maximum_mb=1792 \
	dm_buffer_pct=20 dm_info_delay_ms=200 dm_verify=off
dm_guest_up || exit 0
if ! dm_up 60; then
	not_ok dm-ready "$(cat "$SIM/dm")"
	exit 0
fi
dm_settle 30
dm_bench_cpu "" dm_report_post 30

for mb in 512 256 256; do
	dm_bench_hot_add_latency "" "$mb" || break
	dm_settle 60
done
dm_views loaded

# Manual mode, the load gone: the balloon rounds.
dm_unload
dm_cmd target "$(dm assigned_mb)"
dm_settle 30
for _ in 1 2 3 4 5; do
	dm_bench_balloon_fall "" 131072 || break
	dm_bench_unballoon_back "" || break
done

check no-violations [ "$(dm violations)/$(dm protocol_errors)" = 0/0 ]
dm_no_oom no-oom
lis_unload lis_balloon lis_sim lis_vmbus
dmesg_clean

# SPDX-License-Identifier: GPL-2.0-only
#
# The peer's Dynamic Memory version fallback against lis_sim's refusals:
# Debian's stock hv_balloon.ko (on lis_hvcompat) asks for 2.0 first, then
# 1.0, then 0.3 as its last attempt.  A host whose newest version is 1.0
# must refuse 2.0 and accept 1.0; rebound to a host whose newest is 0.3,
# hv_balloon must get to 0.3 with is_last_attempt set, and the session
# must run (pressure reports arrive).  What the peer sent is read from
# lis_sim's byte capture.
#
# lis-memory: 1G
# lis-cmdline: mem=768M
# lis-timeout: 300
# lis-peer: hv_balloon

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh
# shellcheck source=tests/integration/peer-lib.sh
. /lis/peer-lib.sh

# requests: the versions hv_balloon asked for, "major.minor/last" each.
requests()
{
	peer_dm_msgs g2h | awk '$1 == "VERSION_REQUEST" {
		split($5, v, "="); split($6, l, "=")
		printf "%s%d.%d/%d", sep, int(v[2] / 65536), v[2] % 65536, l[2]
		sep = " "
	}'
}

lis_load lis_vmbus || exit 0
check load-sim insmod "$LIS_MODULES/lis_sim.ko" capture=1 dm_devices=1 \
	dm_version=1.0 dm_startup_mb=768 dm_minimum_mb=512 dm_maximum_mb=768
wait_for 20 dm_dev
check dm-device-offered dm_dev
lis_load lis_hvcompat || exit 0
peer_load hv_balloon pressure_report_delay=1 || exit 0
check ready-1.0 wait_for 60 dm_ready
got=$(requests)
echo "peer: asked for $got"
check asked-2.0-then-1.0 [ "$got" = "2.0/0 1.0/0" ]
check agreed-1.0 [ "$(dm version)" = 1.0 ]
check peer-says-1.0 peer_dmesg_has "Using Dynamic Memory protocol version 1.0"
wait_for 30 [ "$(dm reports)" -ge 2 ]
check reports-1.0 [ "$(dm reports)" -ge 2 ]

# views: both sides' balloon accounting, for the log.
views()
{
	echo "peer: $1: host ballooned_pages=$(dm ballooned_pages) assigned_mb=$(dm assigned_mb) demand_mb=$(dm demand_mb) committed_mb=$(dm committed_mb) | hv_balloon $(grep -E 'pages_ballooned|total_pages_committed' /sys/kernel/debug/hv-balloon 2>/dev/null | tr -s ' \n' ' ')"
}

views before-unbind

# The same device, unbound and bound again, now on a 0.3 host.
dev=$(basename "$(find /sys/bus/vmbus/drivers/hv_balloon/ -name '*-*' | head -n 1)")
check host-version-0.3 dm_cmd version 0.3
echo on >"$SIM/capture"
check unbind sh -c "echo $dev >/sys/bus/vmbus/drivers/hv_balloon/unbind"
check closed wait_for 20 [ "$(dm state)" = closed ]
check bind sh -c "echo $dev >/sys/bus/vmbus/drivers/hv_balloon/bind"
check ready-0.3 wait_for 60 dm_ready
got=$(requests)
echo "peer: asked for $got"
check asked-2.0-1.0-0.3-last [ "$got" = "2.0/0 1.0/0 0.3/1" ]
check agreed-0.3 [ "$(dm version)" = 0.3 ]
check peer-says-0.3 peer_dmesg_has "Using Dynamic Memory protocol version 0.3"
r0=$(dm reports)
wait_for 30 [ "$(dm reports)" -ge $((r0 + 2)) ]
check reports-0.3 [ "$(dm reports)" -ge $((r0 + 2)) ]
views after-rebind

check no-protocol-errors [ "$(dm protocol_errors)" = 0 ]
dmesg_clean

# SPDX-License-Identifier: GPL-2.0-only
#
# The peer's Dynamic Memory version fallback against lis_sim's refusals:
# Debian's stock hv_balloon.ko (on lis_hvcompat) asks for 2.0 first, then
# 1.0, then 0.3 as its last attempt.  A host whose newest version is 1.0
# must refuse 2.0 and accept 1.0; rebound to a host whose newest is 0.3,
# hv_balloon must get to 0.3 with is_last_attempt set, and the session
# must run (pressure reports arrive).  Pages ballooned before the unbind
# come back after the rebind (lis_balloon's 34-dm-fidelity checks that it
# takes them back the same way).  What the peer sent is read from lis_sim's
# byte capture.  First of all, lis_vmbus's native provider refuses a VMBus
# whose bus "vmbus" is registered.
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

# A guest whose in-kernel hv_vmbus has registered its bus: lis_vmbus's
# native provider must not take the VMBus too (lis_fakevmbus stands in
# for that bus; no Hyper-V here, so the refusal is all there is to see).
check load-fake-vmbus-bus insmod "$LIS_MODULES/lis_fakevmbus.ko"
lis_load lis_vmbus || exit 0
check native-refuses-beside-hv_vmbus peer_dmesg_has \
	'native Hyper-V provider not attached: the in-kernel hv_vmbus owns the VMBus'
check unload-fake-vmbus-bus rmmod lis_fakevmbus
check load-sim insmod "$LIS_MODULES/lis_sim.ko" capture=1 dm_devices=1 \
	dm_version=1.0 dm_startup_mb=768 dm_minimum_mb=512 dm_maximum_mb=768
wait_for 20 dm_dev
check dm-device-offered dm_dev
# Manual mode at the Startup size: only the scenario's requests.
dm_cmd target "$(dm assigned_mb)"
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

# 32 MiB ballooned before the unbind: hv_balloon keeps them (its count is
# global), lis_sim keeps them too, and they come back after the rebind.
dm_cmd balloon 8192 && sleep 0.5 && wait_for 60 dm_idle
check balloon-before-unbind [ "$(dm ballooned_pages)" = 8192 ]
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
# The rebound peer takes back what it ballooned before: the pages return
# to the guest (hv_balloon takes them out of MemTotal and puts them back),
# and both sides' counts go to 0.
total0=$(mem MemTotal)
dm_cmd unballoon 8192 && sleep 0.5 && wait_for 60 dm_idle
total1=$(mem MemTotal)
echo "peer: unballoon after rebind: MemTotal $total0 -> $total1 MiB"
check unballoon-after-rebind [ "$(dm last_request | cut -d' ' -f1-4)" = "unballoon 8192 8192 ok" ]
check unballoon-after-rebind-returned [ $((total1 - total0)) = 32 ]
check host-balloon-empty [ "$(dm ballooned_pages)" = 0 ]
if [ -r /sys/kernel/debug/hv-balloon ]; then
	check peer-balloon-empty [ "$(sed -n 's/^pages_ballooned *: *//p' /sys/kernel/debug/hv-balloon)" = 0 ]
fi

check no-protocol-errors [ "$(dm protocol_errors)" = 0 ]
dmesg_clean

# SPDX-License-Identifier: GPL-2.0-only
#
# lis_balloon, seen from the guest, against lis_sim's Dynamic Memory host
# driven by hand: bad module parameters are refused by name; the debugfs
# status has the in-kernel driver's keys; a balloon request is answered
# with exactly the pages asked, MemTotal stays (accounting=used) while
# MemAvailable falls; unballoon returns them; a request far beyond what
# the guest can give gets a partial answer above the floor and no OOM
# kill; lis's own reports (report=lis) come early under memory pressure;
# 30 balloon/unballoon cycles leak no page; hibernation is refused while
# ballooned; unloading while ballooned gives no page back (the host holds
# them); version fallback to 0.3; and with accounting=total MemTotal
# shrinks by the balloon.
#
# lis-memory: 1G
# lis-timeout: 900

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh

mount -t debugfs none /sys/kernel/debug 2>/dev/null

# free_mb: free_kb (dm-lib.sh) in MiB.
free_mb()
{
	echo $(($(free_kb) / 1024))
}

counter()
{
	cat "$(dm_dev)/balloon/$1"
}

no_oom()
{
	! dmesg | grep -qiE 'out of memory|oom-kill|invoked oom-killer'
}

lis_load lis_vmbus || exit 0

# --- parameters are validated, by name ----------------------------------
out=$(insmod "$LIS_MODULES/lis_balloon.ko" report_delay=99999 2>&1)
check param-report_delay-refused [ $? -ne 0 ]
check param-report_delay-named sh -c "dmesg | grep -q 'parameter report_delay'"
out=$(insmod "$LIS_MODULES/lis_balloon.ko" accounting=bogus 2>&1)
check param-accounting-refused [ $? -ne 0 ]
check param-accounting-named sh -c "dmesg | grep -q 'parameter accounting'"
out=$(insmod "$LIS_MODULES/lis_balloon.ko" report=windows 2>&1)
check param-report-refused [ $? -ne 0 ]
check param-report-named sh -c "dmesg | grep -q 'parameter report'"
: "$out"

# --- a manual host; the guest comes up ----------------------------------
# lis's report figures and early reports (pressure-reports below).
DM_GUEST_ARGS=report=lis
dm_start_manual dm_minimum_mb=128 || exit 0
check autoload-alias [ "$(cat "$(dm_dev)/modalias")" = \
	lis_vmbus:dc7450528589e2468057a307dc18a502 ]
check driver-bound [ "$(basename "$(readlink "$(dm_dev)/driver")")" = lis_balloon ]
echo "--- status"; cat "$DM_STATUS"
for k in host_version capabilities state page_size pages_added \
	pages_onlined pages_ballooned total_pages_committed \
	max_dynamic_page_count; do
	check "status-has-$k" grep -q "^$k *: " "$DM_STATUS"
done
check status-version-2.0 [ "$(dm_status host_version)" = 2.0 ]
check status-page-size [ "$(dm_status page_size)" = 4096 ]
wait_for 10 [ "$(counter reports)" -ge 2 ]
check reports-every-second [ "$(counter reports)" -ge 2 ]
check host-sees-reports [ "$(dm reports)" -ge 2 ]
# The host's demand figure is the guest's committed figure.
committed=$(dm_status total_pages_committed)
check committed-above-floor [ "$committed" -ge $((128 * 256)) ]

wait_for 30 dm_both_idle
check manual-nothing-ballooned [ "$(dm_status pages_ballooned)" = 0 ]

# --- balloon up and down, traced ----------------------------------------
T=/sys/kernel/tracing
[ -d $T/events ] || mount -t tracefs none $T 2>/dev/null
echo 1 >$T/events/lis_balloon/enable 2>/dev/null
mt0=$(mem MemTotal)
av0=$(mem MemAvailable)
dm_request balloon 16384
check balloon-64M-guest [ "$(dm_status pages_ballooned)" = 16384 ]
check balloon-64M-host [ "$(dm ballooned_pages)" = 16384 ]
check balloon-memtotal-kept [ "$(mem MemTotal)" = "$mt0" ]
av1=$(mem MemAvailable)
echo "MemAvailable $av0 -> $av1 MiB"
check balloon-available-fell [ $((av0 - av1)) -ge 56 ]
check balloon-sysfs [ "$(counter pages_ballooned)" = 16384 ]
check trace-request sh -c "grep -q 'lis_balloon_request: type=6 asked=16384 done=16384' $T/trace"
# Reports go out once a second: the balloon request may take less.
check trace-status wait_for 3 sh -c "grep -q 'lis_balloon_status: avail=' $T/trace"
echo 0 >$T/events/lis_balloon/enable 2>/dev/null
dm_request unballoon 16384
check unballoon-guest [ "$(dm_status pages_ballooned)" = 0 ]
check unballoon-host [ "$(dm ballooned_pages)" = 0 ]
check unballoon-available-back [ $(($(mem MemAvailable) - av1)) -ge 40 ]
check no-rejected-ranges [ "$(counter unballoon_rejected)" = 0 ]

# --- more than the guest can give: partial, above the floor -------------
dm_request balloon 1048576
got=$(dm_status pages_ballooned)
echo "asked 4 GiB, got $((got / 256)) MiB; MemAvailable $(mem MemAvailable) MiB"
check huge-balloon-partial [ "$got" -gt 0 -a "$got" -lt 262144 ]
check huge-balloon-host-agrees [ "$(dm ballooned_pages)" = "$got" ]
check huge-balloon-floor-kept [ "$(mem MemAvailable)" -ge 100 ]
check huge-balloon-no-oom no_oom
# Reclaim brings reports forward, between the ticks: a load on top of
# the balloon, then slab reclaim (drop_caches runs every shrinker).
# One pass may see nothing: a pass within 200 ms of the last report is
# not reported again, and 6.1's shrink_slab() skips every shrinker when it
# cannot take shrinker_rwsem at once (a mount registering its own
# shrinker is enough), so reclaim is repeated until a report comes.
p0=$(counter pressure_reports)
pressure_reported()
{
	echo 2 >/proc/sys/vm/drop_caches
	sleep 0.3
	[ "$(counter pressure_reports)" -gt "$p0" ]
}
mkdir -p /mnt/p && mount -t tmpfs -o size=256m tmpfs /mnt/p
dd if=/dev/zero of=/mnt/p/f bs=1M count=64 2>/dev/null
wait_for 10 pressure_reported
echo "pressure reports: $p0 -> $(counter pressure_reports)"
check pressure-reports [ "$(counter pressure_reports)" -gt "$p0" ]
rm -f /mnt/p/f
check pressure-no-oom no_oom
# Still alive and answering: give it all back.
dm_request unballoon "$got"
check huge-unballoon [ "$(dm_status pages_ballooned)" = 0 ]

# --- a target below the guest's floor: the host backs off ---------------
# The guest gives what it can spare and then answers short; every short
# answer doubles the wait before lis_sim asks again (at 200 ms a
# request, 60 requests in 12 s without the back-off).
t0=$(dm assigned_mb)
r0=$(dm balloon_requests)
dm_cmd target 128
sleep 12
r1=$(dm balloon_requests)
echo "target 128 MiB: $((r1 - r0)) balloon requests in 12 s," \
	"$(dm ballooned_mb) MiB ballooned, $(dm balloon_misses) short answers"
check floor-backoff-misses [ "$(dm balloon_misses)" -ge 3 ]
check floor-backoff-few-requests [ $((r1 - r0)) -le 10 ]
check floor-no-oom no_oom
dm_cmd target "$t0"
wait_for 60 [ "$(dm ballooned_pages)" = 0 ]
check floor-target-restored [ "$(dm ballooned_pages)" = 0 ]
check floor-backoff-reset [ "$(dm balloon_misses)" = 0 ]
wait_for 30 dm_both_idle

# --- cycles leak nothing ------------------------------------------------
# 30 cycles of 10 MiB, measured from the guest's side (30-dm-cycles runs
# the 100-cycle count checks from the host's).  A few cycles first, so
# that the xarray's and workqueue's own memory is there before the
# baseline; caches dropped around each measurement.
dm_request balloon 2560 && dm_request unballoon 2560
free0=$(free_mb)
slab0=$(mem SUnreclaim)
n=0
while [ $n -lt 30 ]; do
	dm_request balloon 2560 || break
	dm_request unballoon 2560 || break
	n=$((n + 1))
done
check cycles-30 [ $n -eq 30 ]
free1=$(free_mb)
echo "free (with per-CPU lists) $free0 -> $free1 MiB, SUnreclaim $slab0 -> $(mem SUnreclaim) MiB after $n cycles"
check cycles-no-ballooned-left [ "$(dm_status pages_ballooned)" = 0 ]
# 300 MiB went through the balloon: one 2 MiB block lost per cycle would
# be 60 MiB; with the per-CPU lists counted the drift is under 1 MiB.
check cycles-no-leak [ $((free0 - free1)) -lt 8 ]
check cycles-host-clean [ "$(dm violations)" = 0 ]
check cycles-no-protocol-errors [ "$(dm protocol_errors)" = 0 ]

# --- unload while ballooned: the host keeps the pages -------------------
dm_request balloon 32768
check before-unload-ballooned [ "$(dm_status pages_ballooned)" = 32768 ]
# Hibernation is refused while pages are ballooned (before any freezing).
if grep -qw disk /sys/power/state 2>/dev/null; then
	check hibernate-refused sh -c '! echo disk >/sys/power/state'
	check hibernate-refusal-said sh -c "dmesg | grep -q 'hibernation refused: 32768 pages ballooned'"
else
	skip hibernate-refused "this kernel cannot hibernate here"
fi
av0=$(free_mb)
lis_unload lis_balloon
av1=$(free_mb)
echo "free (with per-CPU lists) $av0 -> $av1 MiB on unload"
check unload-keeps-pages [ $((av1 - av0)) -lt 32 ]
check unload-said-so sh -c "dmesg | grep -q '32768 ballooned pages (128 MiB) stay with the host'"
check unload-host-holds [ "$(dm ballooned_pages)" = 32768 ]

# --- version fallback ----------------------------------------------------
# A new host (the old one's balloon is lost to this guest for good).
lis_unload lis_sim
check reload-lis_sim insmod "$LIS_MODULES/lis_sim.ko" dm_devices=1 \
	dm_minimum_mb=128
wait_for 20 dm_dev
dm_cmd target "$(dm assigned_mb)"
dm_cmd version 0.3
check reload-lis_balloon insmod "$LIS_MODULES/lis_balloon.ko" report_delay=1 \
	accounting=total
if wait_for 60 dm_both_ready; then
	check fallback-to-0.3 [ "$(dm_status host_version)" = 0.3 ]
	dm_cmd target "$(dm assigned_mb)"
	wait_for 30 dm_both_idle
	mt0=$(mem MemTotal)
	dm_request balloon 16384
	check total-accounting-shrinks [ $((mt0 - $(mem MemTotal))) -ge 63 ]
	dm_request unballoon 16384
	check total-accounting-grows-back [ "$(mem MemTotal)" = "$mt0" ]
else
	not_ok fallback-to-0.3 "no DM session at 0.3" "$(dmesg | tail -n 20)"
fi
lis_unload lis_balloon lis_sim lis_vmbus
dmesg_clean

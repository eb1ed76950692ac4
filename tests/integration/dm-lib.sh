# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# Helpers for the Dynamic Memory scenarios (tests/integration/scenarios/
# 30-dm-*.sh), which source it after lib.sh:
#
#   . /lis/dm-lib.sh
#
#   dm KEY              a value of the host's view (lis_sim/dm)
#   dm_cmd WORDS...     a command to the host (fails the scenario's check
#                       if refused)
#   mem KEY             /proc/meminfo value in MiB (MemTotal, MemAvailable)
#   guest_used          MemTotal - MemAvailable, MiB
#   dm_dev              sysfs path of the guest's DM device
#   guest_attr NAME     lis_balloon's attribute of that device
#                       (pages_ballooned, ...)
#   dm_guest_up         insmod lis_balloon, reporting every second from
#                       the start (report_delay=1), with $DM_GUEST_ARGS
#   dm_idle             no request waiting or running
#   dm_target MB        manual target MB; wait until assigned memory is MB
#   dm_up [SECONDS]     lis_balloon bound and the host balancing
#   dm_load_to MB       grow the load file $DM_LOAD (in a tmpfs of its own,
#                       big enough) to MB, 32 MiB at a time, letting the
#                       balancer catch up between
#   dm_unload           remove the load file
#   dm_settle SECONDS [QUIET]
#                       wait until the balancer has had nothing to do for
#                       QUIET (default 5) s in a row
#   dm_no_oom NAME      ok unless the OOM killer ran
#   dm_views NAME       log both views, one line
#   dm_status KEY       first word of a key in lis_balloon's debugfs status
#   dm_both_ready       the host is balancing and lis_balloon's status exists
#   dm_both_idle        no request on the host, and the guest's state is 1
#   dm_request CMD ARG  a host command (balloon PAGES, unballoon PAGES,
#                       hot_add MB), then wait until both sides are idle
#   dm_bench_request CMD ARG
#                       the same for make bench: the host's side only, and
#                       the shell keeps still for the first second
#   dm_last N           field N of the host's last_request (1 type,
#                       2 pages asked, 3 pages done, 4 result, 5 ms)
#   dm_start_manual [lis_sim parameters...]
#                       with lis_vmbus loaded: lis_sim with one DM device
#                       and those parameters, held in manual mode at the
#                       Startup size, then lis_balloon (report_delay=1
#                       and $DM_GUEST_ARGS);
#                       results load-lis_sim, dm-device-offered,
#                       load-lis_balloon and guest-ready; returns 1 when no
#                       DM session came up

SIM=/sys/kernel/debug/lis_sim
DM_CLASS="{525074dc-8985-46e2-8057-a307dc18a502}"
DM_LOAD=/mnt/dmload/load
DM_STATUS=/sys/kernel/debug/lis_balloon/status
DM_GUEST_ARGS=${DM_GUEST_ARGS:-}

dm()
{
	sed -n "s/^$1=//p" "$SIM/dm"
}

dm_cmd()
{
	echo "$*" >"$SIM/dm"
}

mem()
{
	echo $(($(sed -n "s/^$1: *\([0-9]*\) kB/\1/p" /proc/meminfo) / 1024))
}

# free_kb: free memory in KiB as a leak check needs it: caches dropped,
# per-CPU vmstat deltas folded, and the pages parked in the per-CPU free
# lists counted (they are free but not in MemFree, and how many sit there
# changes from one minute to the next: 10-20 MiB on these guests).
free_kb()
{
	local pcp

	sync
	echo 3 >/proc/sys/vm/drop_caches
	echo 1 >/proc/sys/vm/stat_refresh 2>/dev/null
	pcp=$(awk '$1 == "count:" { s += $2 } END { print s + 0 }' /proc/zoneinfo)
	echo $(($(sed -n 's/^MemFree: *\([0-9]*\) kB/\1/p' /proc/meminfo) + pcp * 4))
}

guest_used()
{
	echo $(($(mem MemTotal) - $(mem MemAvailable)))
}

dm_dev()
{
	lis_device "$DM_CLASS"
}

guest_attr()
{
	local d

	d=$(dm_dev)
	cat "$d/balloon/$1" 2>/dev/null || cat "$d/$1" 2>/dev/null
}

dm_guest_up()
{
	# shellcheck disable=SC2086
	check load-lis_balloon insmod "$LIS_MODULES/lis_balloon.ko" report_delay=1 \
		$DM_GUEST_ARGS
}

dm_idle()
{
	[ "$(dm busy)" = 0 ]
}

dm_assigned_is()
{
	[ "$(dm assigned_mb)" = "$1" ] && dm_idle
}

dm_target()
{
	dm_cmd target "$1" && wait_for 60 dm_assigned_is "$1"
}

dm_ready()
{
	[ "$(dm state)" = ready ]
}

dm_up()
{
	wait_for "${1:-60}" dm_ready
}

# The balancer is done when it has sent no request for QUIET s (default 5).
dm_settle()
{
	local left=$1 quiet=${2:-5} last n=0

	last=$(dm requests)
	while [ "$left" -gt 0 ]; do
		sleep 1
		left=$((left - 1))
		if [ "$(dm requests)" = "$last" ] && dm_idle; then
			n=$((n + 1))
			[ "$n" -ge "$quiet" ] && return 0
		else
			n=0
			last=$(dm requests)
		fi
	done
	return 1
}

dm_load_to()
{
	local have

	if [ ! -d /mnt/dmload ]; then
		mkdir -p /mnt/dmload
		mount -t tmpfs -o size=4g tmpfs /mnt/dmload || return 1
	fi
	have=$(($(stat -c %s "$DM_LOAD" 2>/dev/null || echo 0) / 1048576))
	while [ "$have" -lt "$1" ]; do
		dd if=/dev/zero of="$DM_LOAD" bs=1M count=32 seek="$have" \
			conv=notrunc 2>/dev/null || return 1
		have=$((have + 32))
		# One report later the host knows; give it time to act.
		sleep 1
		wait_for 30 dm_idle
	done
}

dm_unload()
{
	rm -f "$DM_LOAD"
}

dm_no_oom()
{
	if dmesg | grep -qiE 'out of memory|oom-kill|invoked oom-killer'; then
		not_ok "$1" "the OOM killer ran" "$(dmesg | grep -iE 'oom' | tail -n 5)"
	else
		ok "$1"
	fi
}

dm_views()
{
	echo "dm[$1]: host assigned=$(dm assigned_mb) ballooned=$(dm ballooned_mb) hot_added=$(dm hot_added_mb) target=$(dm target_mb) demand=$(dm demand_mb) requests=$(dm requests) last='$(dm last_request)' | guest MemTotal=$(mem MemTotal) used=$(guest_used) pages_ballooned=$(guest_attr pages_ballooned)"
}

# refuses NAME COMMAND...: ok if the command fails.
dm_refuses()
{
	local name=$1

	shift
	if "$@" >/dev/null 2>&1; then
		not_ok "$name" "'$*' was accepted"
	else
		ok "$name"
	fi
}

# kb FIELD: a /proc/meminfo field in kB.
kb()
{
	sed -n "s/^$1: *\([0-9]*\) kB/\1/p" /proc/meminfo
}

# linux_floor PAGES: hv_balloon's floor for a guest of PAGES 4 KiB pages,
# which report=linux adds to num_committed (dynamic-memory.rst).
linux_floor()
{
	local t=$1 mb=256

	if [ "$t" -lt $((128 * mb)) ]; then echo $((8 * mb + t / 2))
	elif [ "$t" -lt $((512 * mb)) ]; then echo $((40 * mb + t / 4))
	elif [ "$t" -lt $((2048 * mb)) ]; then echo $((104 * mb + t / 8))
	elif [ "$t" -lt $((8192 * mb)) ]; then echo $((232 * mb + t / 16))
	else echo $((488 * mb + t / 32))
	fi
}

dm_status()
{
	sed -n "s/^$1 *: *\([^ ]*\).*/\1/p" "$DM_STATUS"
}

dm_both_ready()
{
	[ "$(dm state)" = ready ] && [ -e "$DM_STATUS" ]
}

dm_both_idle()
{
	[ "$(dm busy)" = 0 ] && [ "$(dm_status state)" = 1 ]
}

dm_request()
{
	dm_cmd "$@" && sleep 0.5 && wait_for 60 dm_both_idle
}

# The shell keeps still while a request runs (the host times it): its
# polling would take CPU from the guest driver, never from the limits,
# which run in the shell's own write.
dm_bench_request()
{
	dm_cmd "$@" && sleep 1 && wait_for 300 dm_idle
}

dm_last()
{
	dm last_request | cut -d' ' -f"$1"
}

dm_start_manual()
{
	check load-lis_sim insmod "$LIS_MODULES/lis_sim.ko" dm_devices=1 "$@"
	wait_for 20 dm_dev
	check dm-device-offered dm_dev
	# Manual mode at the Startup size: only the scenario's requests.
	dm_cmd target "$(dm assigned_mb)"
	# shellcheck disable=SC2086
	check load-lis_balloon insmod "$LIS_MODULES/lis_balloon.ko" report_delay=1 \
		$DM_GUEST_ARGS
	if ! wait_for 60 dm_both_ready; then
		not_ok guest-ready "no DM session" "$(cat "$SIM/dm")" "$(dmesg | tail -n 20)"
		return 1
	fi
	ok guest-ready
}

# dm_seed_host: lis_sim as the host of the seed's example (Startup =
# Minimum 768 MiB, Maximum 1792 MiB, buffer 20 %, 1 GiB to hot-add at
# 1 GiB), checked before any guest driver is loaded.
dm_seed_host()
{
	check load-sim insmod "$LIS_MODULES/lis_sim.ko" dm_devices=1 dm_hotadd=1G@1G \
		dm_startup_mb=768 dm_minimum_mb=768 dm_maximum_mb=1792 \
		dm_info_delay_ms=1000 dm_buffer_pct=20
	wait_for 20 dm_dev
	check dm-device-offered dm_dev
	check host-waits-for-guest [ "$(dm state)" = closed ]
	check startup-assigned [ "$(dm assigned_mb)" = 768 ]
	check maximum [ "$(dm maximum_mb)" = 1792 ]
}

# dm_seed_up_and_grow: with the guest driver loaded, the protocol comes
# up (2.0, reports), the idle guest stays at Startup, then step 1 of the
# example: a load makes the host hot-add whole blocks and MemTotal grows
# by them.  Sets mt0, mt1 (MemTotal before and after, MiB) and ha1 (MiB
# hot-added).  Returns 1 when the protocol never came up.
dm_seed_up_and_grow()
{
	if ! dm_up 90; then
		not_ok host-ready "the DM protocol did not reach 'ready'" \
			"$(cat "$SIM/dm")" "$(dmesg | tail -n 20)"
		return 1
	fi
	ok host-ready
	check version-2.0 [ "$(dm version)" = 2.0 ]
	wait_for 30 [ "$(dm reports)" -ge 2 ]
	check reports-arrive [ "$(dm reports)" -ge 2 ]
	# Idle: the demand is far below Startup = Minimum: nothing to do.
	dm_settle 20
	dm_views idle
	check idle-startup-assigned [ "$(dm assigned_mb)" = 768 ]
	check idle-no-requests [ "$(dm requests)" = 0 ]
	mt0=$(mem MemTotal)

	# 1: a load makes the host hot-add.
	if dm_load_to 640; then ok load-640-written; else not_ok load-640-written; fi
	dm_settle 60
	dm_views load1
	ha1=$(dm hot_added_mb)
	mt1=$(mem MemTotal)
	check load1-hot-added [ "$ha1" -ge 128 ]
	check load1-whole-blocks [ $((ha1 % 128)) -eq 0 ]
	check load1-assigned [ "$(dm assigned_mb)" -eq $((768 + ha1)) ]
	check load1-nothing-ballooned [ "$(dm ballooned_pages)" = 0 ]
	check load1-guest-memtotal-grew [ $((mt1 - mt0)) -ge $((ha1 - 2)) ]
	check load1-guest-memtotal-not-more [ $((mt1 - mt0)) -le $((ha1 + 2)) ]
	check load1-covers-target [ "$(dm assigned_mb)" -ge "$(dm target_mb)" ]
	dm_no_oom load1-no-oom
}

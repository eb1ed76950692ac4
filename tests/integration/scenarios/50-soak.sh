# SPDX-License-Identifier: GPL-2.0-only
#
# Soak: everything at once, for lis.soak_minutes (default 2; make soak
# sets it from SOAK_MINUTES), on the debug test kernel (KASAN, lockdep,
# atomic-sleep checks, kmemleak).  lis_sim plays a host with a Dynamic
# Memory device (a 1 GiB hot-add region, the automatic balancer), a VSS
# device and an echo device, and meanwhile:
#   - a memory load rises and falls (lis-soak load: anonymous memory,
#     every page patterned and checked when it is given back), so the
#     balancer hot-adds, balloons and unballoons;
#   - two writers append checksummed records to an ext4 disk;
#   - lis-vssd runs and the host takes a backup every 5 s;
#   - echo packets go through the echo device every minute;
#   - every RELOAD minutes (1 in a run of up to 5, else 5) the daemon,
#     lis_vss and lis_balloon are unloaded and loaded again, the guest's
#     and the host's balloon counts compared first, and every ballooned
#     page returned by the host (and seen back) before the unload.
# One "soak: minute N" line a minute on the console.  Afterwards: every
# backup succeeded; balloon counts agree, no pattern violation, no
# protocol error, no hot-add over holes; the balloon's pages all come back
# when the host returns them before the final unload (free memory rises
# by them); every hot-added block
# is online and MemTotal grew by what the host hot-added; free memory is
# back to where it started plus the hot-added memory (less its memory
# map and KASAN shadow); nothing is left frozen (a write with a timeout
# goes through); every record the writers were told was written verifies
# after a remount; the load's pages are intact; no OOM kill; dmesg
# clean; and (init.sh) kmemleak finds nothing of lis's.
#
# lis-series: debug
# lis-soak: minutes
# lis-memory: 2G
# lis-cmdline: mem=768M memhp_default_state=online
# lis-timeout: 900
# lis-kmods: virtio_pci virtio_blk ext4
# lis-disk: ext4 256M

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh

VSS=/sys/kernel/debug/lis_sim/vss
DATA=/mnt/data

MINUTES=$(sed -n 's/.*lis\.soak_minutes=\([0-9]*\).*/\1/p' /proc/cmdline)
MINUTES=${MINUTES:-2}
RELOAD=5
[ "$MINUTES" -le 5 ] && RELOAD=1

# between N LOW HIGH: LOW <= N <= HIGH.
between()
{
	[ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
}

up()
{
	cut -d. -f1 /proc/uptime
}

vss()
{
	sed -n "s/^$1=//p" $VSS
}

find_echo()
{
	lis_device "$LIS_ECHO_CLASS" open
}

# echo_run: 50 packets of 4 KiB through the echo device, verified.
ECHO_RUNS=0
ECHO_BAD=""
echo_run()
{
	local dev res

	dev=$(find_echo) || { ECHO_BAD="no open echo device"; return 1; }
	echo "50 4096" >"/sys/kernel/debug/lis_echo/${dev##*/}/run"
	res=$(cat "/sys/kernel/debug/lis_echo/${dev##*/}/run")
	case $res in
	"status=0 packets=50 bytes=4096 errors=0 "*) ECHO_RUNS=$((ECHO_RUNS + 1)) ;;
	*) ECHO_BAD="$res"; return 1 ;;
	esac
}

daemon_start()
{
	lis-vssd >>/tmp/vssd.log 2>&1 &
	VSSD=$!
}

vss_ready()
{
	lis-simctl backup wait ready 120 >/dev/null 2>&1 &&
		wait_for 30 grep -q '^daemon=1' /sys/kernel/debug/lis_vss/*/stats
}

# backup: one backup, start to done.
BACKUPS=0
BACKUPS_BAD=0
BACKUP_FAIL=""
backup()
{
	if lis-simctl backup start >/dev/null 2>&1 &&
		lis-simctl backup wait "done" 120 >/dev/null 2>&1 &&
		[ "$(vss last_result)" = ok ]; then
		BACKUPS=$((BACKUPS + 1))
	else
		BACKUPS_BAD=$((BACKUPS_BAD + 1))
		[ -n "$BACKUP_FAIL" ] || BACKUP_FAIL="backup $((BACKUPS + BACKUPS_BAD)) at $(up) s: $(tr '\n' ' ' <$VSS)"
		lis-simctl backup wait "done" 60 >/dev/null 2>&1
	fi
}

# records WRITER: how many records the writer was told were written.
records()
{
	sed 's/^0*\(.\)/\1/' "/tmp/told-$1" 2>/dev/null
}

# hold: the balancer holds still (manual target = assigned), idle.  The
# target is in MiB and met to the page: rounded up, so that at most an
# unballoon of a few pages meets it (rounded down, a guest at its floor
# refuses the small balloon and the host asks again and again); then no
# request for 3 s.
hold()
{
	dm_cmd target $((($(dm assigned_pages) + 255) / 256)) &&
		dm_settle 60 3 && wait_for 60 dm_both_idle
}

# counts_agree NAME: the guest's and the host's balloon agree.
COUNT_BAD=""
counts_agree()
{
	local g h

	g=$(guest_attr pages_ballooned)
	h=$(dm ballooned_pages)
	echo "soak: $1: guest pages_ballooned=$g host ballooned_pages=$h"
	[ "$g" = "$h" ] && return 0
	[ -n "$COUNT_BAD" ] || COUNT_BAD="$1: guest $g, host $h pages ballooned"
	return 1
}

# unload_balloon NAME: the host returns every ballooned page (an unload
# keeps what is still ballooned: the host holds it), they come back to
# the guest, and lis_balloon goes away with nothing ballooned.
RETURN_BAD=""
unload_balloon()
{
	local p f0 f1

	p=$(guest_attr pages_ballooned)
	f0=$(free_kb)
	if [ "$p" -gt 0 ] && ! dm_request unballoon "$p"; then
		RETURN_BAD="$1: the host's unballoon of $p pages did not finish: $(dm last_request)"
		return 1
	fi
	f1=$(free_kb)
	echo "soak: $1: host returned $p ballooned pages; free $f0 -> $f1 KiB; guest $(guest_attr pages_ballooned), host $(dm ballooned_pages) left"
	if [ "$(guest_attr pages_ballooned)/$(dm ballooned_pages)" != 0/0 ]; then
		RETURN_BAD="$1: after the unballoon, guest $(guest_attr pages_ballooned), host $(dm ballooned_pages) pages ballooned"
	elif [ $((f1 - f0)) -lt $((p * 4 * 9 / 10)) ]; then
		RETURN_BAD="$1: $p pages returned, free memory rose by $((f1 - f0)) KiB only"
	fi
	if ! rmmod lis_balloon; then
		RETURN_BAD="$1: rmmod lis_balloon failed"
		return 1
	fi
	wait_for 10 [ "$(dm state)" = closed ]
	if [ "$(dm ballooned_pages)/$(dm kept_on_close_pages)" != 0/0 ]; then
		RETURN_BAD="$1: the host kept $(dm kept_on_close_pages) pages on unload"
	fi
	[ -z "$RETURN_BAD" ]
}

# reload N: the daemon, lis_vss and lis_balloon out and in again.
RELOADS=0
RELOAD_BAD=""
reload()
{
	local rc=0

	# The load holds still while free memory is measured.
	kill -STOP "$LOAD"
	reload_modules "$1" || rc=1
	kill -CONT "$LOAD"
	return $rc
}

reload_modules()
{
	kill "$VSSD"
	wait "$VSSD"
	if ! rmmod lis_vss; then
		RELOAD_BAD="reload $1: rmmod lis_vss: $(dmesg | tail -n 3)"
		return 1
	fi
	hold || echo "soak: reload $1: the balancer did not settle"
	counts_agree "reload-$1"
	unload_balloon "reload-$1"
	if ! insmod "$LIS_MODULES/lis_balloon.ko" report_delay=1 ||
		! wait_for 120 dm_both_ready; then
		RELOAD_BAD="reload $1: lis_balloon did not come back: $(dmesg | tail -n 5)"
		return 1
	fi
	dm_cmd auto
	if ! insmod "$LIS_MODULES/lis_vss.ko"; then
		RELOAD_BAD="reload $1: insmod lis_vss: $(dmesg | tail -n 3)"
		return 1
	fi
	daemon_start
	if ! vss_ready; then
		RELOAD_BAD="reload $1: VSS not ready again: $(tr '\n' ' ' <$VSS)"
		return 1
	fi
	RELOADS=$((RELOADS + 1))
}

# --- set up ------------------------------------------------------------------
mount -t debugfs none /sys/kernel/debug 2>/dev/null
mkdir -p $DATA
check mount-data mount -t ext4 /dev/vda $DATA || exit 0
mt0=$(mem MemTotal)
free0=$(free_kb)
lis_load lis_vmbus || exit 0
check load-lis_sim insmod "$LIS_MODULES/lis_sim.ko" dm_devices=1 \
	vss_devices=1 dm_hotadd=1G@1G dm_startup_mb=768 dm_minimum_mb=512 \
	dm_maximum_mb=1792 dm_info_delay_ms=2000 || exit 0
lis_load lis_echo || exit 0
dm_guest_up || exit 0
lis_load lis_vss || exit 0
if ! wait_for 120 dm_both_ready; then
	not_ok dm-ready "no DM session" "$(cat $SIM/dm)" "$(dmesg | tail -n 20)"
	exit 0
fi
ok dm-ready
daemon_start
if vss_ready; then ok vss-ready; else
	not_ok vss-ready "$(cat $VSS)" "$(cat /tmp/vssd.log)"
	exit 0
fi
lis-simctl backup hold_ms 200
echo_run
check echo-first [ -z "$ECHO_BAD" ]

lis-soak load 64 640 40 >/tmp/load.log 2>&1 &
LOAD=$!
lis-soak write $DATA/a /tmp/told-a a 20 &
WRITERS=$!
lis-soak write $DATA/b /tmp/told-b b 20 &
WRITERS="$WRITERS $!"

# --- the soak --------------------------------------------------------------
echo "soak: $MINUTES minutes, reload every $RELOAD, backups every 5 s"
t0=$(up)
end=$((t0 + MINUTES * 60))
minute=0
next_backup=$t0
last_bp=$(dm ballooned_pages)
moved=0
req0=$(($(dm balloon_requests) + $(dm unballoon_requests)))
while [ "$(up)" -lt "$end" ]; do
	now=$(up)
	bp=$(dm ballooned_pages)
	d=$((bp - last_bp))
	[ "$d" -lt 0 ] && d=$((-d))
	moved=$((moved + d))
	last_bp=$bp
	if [ "$now" -ge "$next_backup" ]; then
		backup
		next_backup=$((now + 5))
	fi
	if [ $((now - t0)) -ge $(((minute + 1) * 60)) ]; then
		minute=$((minute + 1))
		echo_run || echo "soak: echo failed: $ECHO_BAD"
		req=$(($(dm balloon_requests) + $(dm unballoon_requests)))
		echo "soak: minute $minute: backups $BACKUPS ok $BACKUPS_BAD failed;" \
			"balloon ops $req (+$((req - req0))), pages moved $moved;" \
			"hot-add ops $(dm hot_add_requests), hot-added $(dm hot_added_mb) MiB;" \
			"assigned $(dm assigned_mb) MiB, ballooned $((bp / 256)) MiB;" \
			"load $(tail -n 1 /tmp/load.log | cut -d' ' -f2) MiB;" \
			"records $(records a)+$(records b);" \
			"reloads $RELOADS; MemFree $(mem MemFree) MiB"
		req0=$req
		if [ $((minute % RELOAD)) -eq 0 ] && [ "$minute" -lt "$MINUTES" ]; then
			reload "$minute" || echo "soak: $RELOAD_BAD"
		fi
	fi
	sleep 1
done

# --- wind down ---------------------------------------------------------------
kill "$LOAD"
wait "$LOAD"
check load-pages-intact [ $? -eq 0 ]
tail -n 2 /tmp/load.log
# shellcheck disable=SC2086 # a list of pids
kill $WRITERS
# shellcheck disable=SC2086 # a list of pids
wait $WRITERS
check writers-exit [ $? -eq 0 ]
backup
echo "soak: $BACKUPS backups ok, $BACKUPS_BAD failed, $RELOADS reloads, $ECHO_RUNS echo runs"
check backups-all-ok [ "$BACKUPS_BAD" -eq 0 ] || echo "$BACKUP_FAIL"
check backups-some [ "$BACKUPS" -ge $((MINUTES * 6)) ]
check reloads-done [ "$RELOADS" -ge $(((MINUTES - 1) / RELOAD)) ] || echo "$RELOAD_BAD"
check echo-every-minute [ "$ECHO_RUNS" -ge "$MINUTES" ]
check nothing-frozen-vss [ "$(sed -n 's/^frozen_now=//p' /sys/kernel/debug/lis_vss/*/stats)" = 0 ]
kill "$VSSD"
wait "$VSSD"
check daemon-exit [ $? -eq 0 ]

# The host balances the idle guest, then holds still.
dm_settle 30 5
hold
dm_views end
check counts-agree counts_agree end
if [ -n "$COUNT_BAD" ]; then not_ok counts-agree-always "$COUNT_BAD"; else ok counts-agree-always; fi
check dm-no-violations [ "$(dm violations)" = 0 ]
check dm-no-protocol-errors [ "$(dm protocol_errors)" = 0 ]
check dm-no-hot-add-over-holes [ "$(dm hot_add_over_holes)" = 0 ]
check dm-hot-added [ "$(dm hot_added_mb)" -gt 0 ]
check dm-ballooned-during-soak [ "$moved" -gt 0 ]
hot=$(dm hot_added_mb)
unload_balloon end
if [ -n "$RETURN_BAD" ]; then not_ok balloon-pages-returned "$RETURN_BAD"; else ok balloon-pages-returned; fi
offline=$(grep -L '^online' /sys/devices/system/memory/memory*/state | head -n 3)
check hot-added-online [ -z "$offline" ] || echo "offline: $offline"
mt1=$(mem MemTotal)
echo "soak: MemTotal $mt0 -> $mt1 MiB, host hot-added $hot MiB"
check memtotal-grew-by-hot-add between $((mt1 - mt0)) $((hot - hot / 64 - 2)) "$hot"
free1=$(free_kb)
# Hot-added memory pays for its memory map (1/64) and KASAN shadow (1/8).
want=$((free0 + hot * 1024 * 55 / 64 - 65536))
echo "soak: free (caches dropped, per-CPU lists counted) $free0 -> $free1 KiB; want >= $want"
check memfree-back [ "$free1" -ge "$want" ]

# --- the data ------------------------------------------------------------------
check write-not-frozen timeout 30 sh -c "echo probe >$DATA/probe && sync"
umount $DATA
check remount mount -t ext4 /dev/vda $DATA
check records-a lis-soak verify $DATA/a /tmp/told-a a
check records-b lis-soak verify $DATA/b /tmp/told-b b
umount $DATA

echo_run
check echo-all-verified [ -z "$ECHO_BAD" ]
lis_unload lis_vss lis_echo lis_sim lis_vmbus
dm_no_oom no-oom
dmesg_clean

# SPDX-License-Identifier: GPL-2.0-only
#
# The traffic that seeds the fuzz corpora (scripts/fuzz-seeds.sh, make
# fuzz-seeds); not part of make check.  Booted like an integration
# scenario (scripts/run-integration.sh with LIS_SCENARIO_DIR=tests/fuzz).
#
# lis_sim is loaded with capture=1, so its byte capture (debugfs
# lis_sim/capture) holds every channel message and ring packet from the
# first INITIATE_CONTACT on.  Then: echo packets of several sizes; the
# Dynamic Memory protocol (version and capabilities, status reports,
# balloon, unballoon, hot-add in both forms); a live backup with lis-vssd
# (negotiation, hot-backup query, freeze, thaw); an echo channel rescinded
# and offered again; lis_balloon unloaded and loaded again (close, GPADL
# teardown, a second session).  The capture goes to the result channel as
# "cap <record>" lines, and the guest's /proc/self/mountinfo, with ext4,
# XFS, tmpfs, bind mounts and mount points with spaces, tabs and
# backslashes, as "mountinfo <line>" lines.
#
# lis-memory: 2G
# lis-cmdline: mem=768M memhp_default_state=online
# lis-timeout: 900
# lis-kmods: virtio_pci virtio_blk ext4 xfs
# lis-disk: ext4 64M
# lis-disk: xfs 300M

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh

CAP=$SIM/capture

mount -t debugfs none /sys/kernel/debug 2>/dev/null

# run_echo <dev> <packets> <bytes>: echo traffic, checked by lis_echo.
run_echo()
{
	local run res

	run=/sys/kernel/debug/lis_echo/$(basename "$1")/run
	echo "$2 $3" >"$run" || return 1
	res=$(cat "$run")
	echo "echo $3 B: $res"
	case $res in
	"status=0 packets=$2 "*) return 0 ;;
	esac
	return 1
}

# --- file systems for the backup and for mountinfo ------------------------
mkdir -p /mnt/a "/mnt/with space" /mnt/tab "/mnt/back\\slash" /mnt/bind
check mount-ext4 mount -t ext4 /dev/vda /mnt/a || exit 0
check mount-xfs mount -t xfs /dev/vdb "/mnt/with space" || exit 0
mkdir -p /mnt/a/sub "/mnt/a/dir	tab"
mount --bind /mnt/a/sub /mnt/bind
mount --bind "/mnt/with space" "/mnt/a/dir	tab"
mount -t tmpfs -o size=1m,mode=0700 "odd source" "/mnt/back\\slash"
mount -o remount,ro,bind /mnt/bind

lis-vssd >/tmp/vssd.log 2>&1 &
vssd=$!

# --- the host, capturing from the start -----------------------------------
lis_load lis_vmbus || exit 0
check load-lis_sim insmod "$LIS_MODULES/lis_sim.ko" capture=1 \
	vss_devices=1 dm_devices=1 dm_hotadd=1G@1G dm_startup_mb=768 \
	dm_minimum_mb=512 dm_maximum_mb=1792 || exit 0
check capture-on grep -q '^# lis_sim capture: ' "$CAP"

# --- echo -----------------------------------------------------------------
check load-lis_echo insmod "$LIS_MODULES/lis_echo.ko"
if wait_for 20 lis_device "$LIS_ECHO_CLASS"; then
	dev=$(lis_device "$LIS_ECHO_CLASS")
	wait_for 20 [ "$(cat "$dev/state" 2>/dev/null)" = open ]
	for bytes in 8 100 1000 4000; do
		check "echo-$bytes" run_echo "$dev" 3 "$bytes"
	done
else
	not_ok echo-device "no echo device"
fi

# --- Dynamic Memory -------------------------------------------------------
wait_for 20 dm_dev
dm_cmd target "$(dm assigned_mb)"
check load-lis_balloon insmod "$LIS_MODULES/lis_balloon.ko" report_delay=1
if wait_for 60 dm_both_ready; then
	ok dm-ready
	dm_request balloon 2048
	dm_request balloon 5000
	dm_request unballoon 3000
	dm_request unballoon 4048
	dm_cmd hot_add_form region
	dm_request hot_add 128
	dm_cmd hot_add_form range
	dm_request hot_add 64
	sleep 3
	check dm-hot-added [ "$(dm hot_added_mb)" -gt 0 ]
else
	not_ok dm-ready "$(cat "$SIM/dm")"
fi

# --- a live backup --------------------------------------------------------
check load-lis_vss insmod "$LIS_MODULES/lis_vss.ko"
if lis-simctl backup wait ready 120 && wait_for 30 grep -q ' ready: ' /tmp/vssd.log; then
	check backup-start lis-simctl backup start
	check backup-checkpoint lis-simctl backup wait checkpoint 120
	sleep 1
	check backup-release lis-simctl backup release
	check backup-done lis-simctl backup wait "done" 60
else
	not_ok backup-ready "$(cat "$SIM/vss")" "$(cat /tmp/vssd.log)"
fi

# --- rescind and offer again; a driver closes and opens again --------------
if dev=$(lis_device "$LIS_ECHO_CLASS"); then
	relid=$(awk -v c="$LIS_ECHO_CLASS" '$2 == "echo" || index($0, c) { print $1; exit }' "$SIM/devices")
	echo "rescinding echo relid $relid"
	[ -n "$relid" ] && echo "$relid" >"$SIM/rescind"
	sleep 2
	echo echo >"$SIM/offer"
	if wait_for 20 lis_device "$LIS_ECHO_CLASS"; then
		dev=$(lis_device "$LIS_ECHO_CLASS")
		wait_for 20 [ "$(cat "$dev/state" 2>/dev/null)" = open ]
		check echo-again run_echo "$dev" 2 64
	fi
fi
check unload-lis_balloon rmmod lis_balloon
check reload-lis_balloon insmod "$LIS_MODULES/lis_balloon.ko" report_delay=1
wait_for 60 dm_both_ready
sleep 3

# --- out to the host -------------------------------------------------------
echo off >"$CAP"
head -n 1 "$CAP"
sed 's/^/cap /' "$CAP" >>"$LIS_RESULT"
check capture-records [ "$(grep -c '^[gh]2[gh] ' "$CAP")" -gt 100 ]
sed 's/^/mountinfo /' /proc/self/mountinfo >>"$LIS_RESULT"
cat /proc/self/mountinfo

kill "$vssd"
wait "$vssd"
lis_unload lis_vss lis_balloon lis_echo lis_sim lis_vmbus
dmesg_clean

# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# make demo, guest side (scripts/demo.sh boots it like an integration
# scenario): the host documentation's Dynamic Memory example, then a live
# backup, with lis_sim as the Hyper-V host.
#
#   1. the VM starts: assigned memory = Startup memory (1 GiB);
#   2. a load raises demand: the host hot-adds;
#   3. the load goes away: the host balloons memory back;
#   4. demand again: the host refills the balloon's holes first, then
#      hot-adds more;
#   5. a live backup: freeze, checkpoint, thaw, with its timings.
#
# Lines on the result channel (scripts/demo-report.awk reads them):
#   demo-sample t=S assigned= demand= ballooned= hot_added= guest_total=
#               guest_used= guest_free= guest_avail=     (MiB, every second)
#   demo-step n=N t=S name=WORD text=explanation
#   demo-state n=N <the same keys as demo-sample>
#   demo-say text                                         (printed as is)
#   demo-backup result= freeze_ms= checkpoint_ms= thaw_ms= total_ms=
#               filesystems=
# plus ordinary TAP results, so a step that does not happen fails the demo.
#
# Guest used memory is MemTotal - MemAvailable: the load is a tmpfs file,
# which counts as committed memory and cannot be reclaimed, but which
# free(1) files under "buff/cache".
#
# lis-memory: 4G
# lis-cmdline: mem=1G memhp_default_state=online
# lis-timeout: 1500
# lis-kmods: virtio_pci virtio_blk ext4 xfs
# lis-disk: ext4 64M
# lis-disk: xfs 300M

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh

T0=$(cut -d. -f1 /proc/uptime)
STARTUP=1024
MINIMUM=512
MAXIMUM=3072
BUFFER=20

now()
{
	echo $(($(cut -d. -f1 /proc/uptime) - T0))
}

say()
{
	echo "demo-say $*" >>"$LIS_RESULT"
	echo "demo: $*"
}

# views: both views as key=value words, MiB.
views()
{
	local total avail

	total=$(mem MemTotal)
	avail=$(mem MemAvailable)
	echo "assigned=$(dm assigned_mb) demand=$(dm demand_mb)" \
		"ballooned=$(dm ballooned_mb) hot_added=$(dm hot_added_mb)" \
		"guest_total=$total guest_used=$((total - avail))" \
		"guest_free=$(mem MemFree) guest_avail=$avail"
}

step()
{
	STEP=$1
	echo "demo-step n=$1 t=$(now) name=$2 text=$3" >>"$LIS_RESULT"
	echo "demo: step $1: $3"
}

state()
{
	echo "demo-state n=$STEP $(views)" >>"$LIS_RESULT"
}

sampler()
{
	while :; do
		echo "demo-sample t=$(now) $(views)" >>"$LIS_RESULT"
		sleep 1
	done
}

gt()
{
	[ "$1" -gt "$2" ] 2>/dev/null
}

vss()
{
	sed -n "s/^$1=//p" "$SIM/vss"
}

mount -t debugfs none /sys/kernel/debug 2>/dev/null
lis_load lis_vmbus || exit 0
if ! check load-lis_sim insmod "$LIS_MODULES/lis_sim.ko" dm_devices=1 \
	vss_devices=1 dm_hotadd=2G@1G dm_startup_mb=$STARTUP \
	dm_minimum_mb=$MINIMUM dm_maximum_mb=$MAXIMUM \
	dm_buffer_pct=$BUFFER dm_info_delay_ms=15000; then
	exit 0
fi
dm_guest_up || exit 0
lis_load lis_vss || exit 0
sampler &
SAMPLER=$!

step 1 start "The VM starts: assigned memory is the Startup memory ($STARTUP MiB)"
dm_up 90 || { not_ok dm-ready "$(cat "$SIM/dm")"; exit 0; }
wait_for 30 [ "$(dm reports)" -ge 3 ]
state
say "The host assigns the Startup memory; the guest reports its demand every second."
check assigned-is-startup [ "$(dm assigned_mb)" -eq $STARTUP ]
wait_for 60 [ "$(dm requests)" -ge 1 ]
dm_settle 120 12
dm_views start
say "After its start-up delay the host trims the VM to demand + $BUFFER% buffer, never below Minimum ($MINIMUM MiB)."

step 2 load "A load raises demand: the host hot-adds memory"
TOTAL1=$(mem MemTotal)
dm_load_to 1280
dm_settle 120 12
state
say "Demand grew past what was assigned: the host hot-added memory blocks; the guest's total grew."
check hot-added gt "$(dm hot_added_mb)" 0
check guest-total-grew gt "$(mem MemTotal)" "$TOTAL1"
dm_no_oom no-oom-on-load

step 3 idle "The load goes away: the host balloons memory back"
TOTAL2=$(mem MemTotal)
dm_unload
dm_settle 180 12
state
say "Demand fell: the host took memory back by ballooning (never below Minimum, $MINIMUM MiB). The guest's total stays at its high-water mark; the balloon counts as used."
check ballooned gt "$(dm ballooned_mb)" 0
check guest-total-kept [ "$(mem MemTotal)" -eq "$TOTAL2" ]
check not-below-minimum [ "$(dm assigned_mb)" -ge $MINIMUM ]

step 4 load-again "Demand again: the host refills the balloon's holes first, then hot-adds"
HOT3=$(dm hot_added_mb)
dm_load_to 1792
dm_settle 180 12
state
say "The host gave back every ballooned page before it hot-added more."
check holes-refilled [ "$(dm ballooned_mb)" -eq 0 ]
check hot-added-more gt "$(dm hot_added_mb)" "$HOT3"
dm_no_oom no-oom-on-load-again
dm_unload

step 5 backup "A live backup: freeze, checkpoint, thaw"
mkdir -p /mnt/ext4 /mnt/xfs
check mount-ext4 mount -t ext4 /dev/vda /mnt/ext4
check mount-xfs mount -t xfs /dev/vdb /mnt/xfs
lis-vssd >/tmp/vssd.log 2>&1 &
VSSD=$!
wait_for 20 [ "$(sed -n 's/^daemon=//p' /sys/kernel/debug/lis_vss/*/stats)" = 1 ]
(
	i=0
	while :; do
		echo "record $i $(date +%s)" >>/mnt/ext4/log
		echo "record $i $(date +%s)" >>/mnt/xfs/log
		i=$((i + 1))
		sleep 0.2
	done
) &
WRITER=$!
sleep 2
if lis-simctl backup start && lis-simctl backup wait checkpoint 120; then
	FROZEN=$(sed -n 's/^frozen_now=//p' /sys/kernel/debug/lis_vss/*/stats)
	say "$FROZEN file systems frozen and flushed: the host takes its checkpoint now; the writers wait."
	sleep 2
	lis-simctl backup release
	lis-simctl backup wait "done" 60
fi
echo "demo-backup result=$(vss last_result) freeze_ms=$(vss freeze_ms)" \
	"checkpoint_ms=$(vss checkpoint_ms) thaw_ms=$(vss thaw_ms)" \
	"total_ms=$(vss total_ms) filesystems=${FROZEN:-0}" >>"$LIS_RESULT"
check backup-ok [ "$(vss last_result)" = ok ]
check two-filesystems-frozen [ "${FROZEN:-0}" -ge 2 ]
sleep 1
N1=$(wc -l </mnt/ext4/log)
sleep 2
check writers-resumed gt "$(wc -l </mnt/ext4/log)" "$N1"
kill "$WRITER" "$VSSD" 2>/dev/null
wait "$WRITER" 2>/dev/null
state
say "The guest kept running; its file systems were consistent at the checkpoint."
kill "$SAMPLER"
dmesg_clean

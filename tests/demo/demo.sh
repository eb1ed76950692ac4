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
# lis-kmods: ext4 xfs virtio_blk
# lis-disk: ext4 128M xfs 320M

SIM=/sys/kernel/debug/lis_sim
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

# dm <key>: one value of the host's view.
dm()
{
	sed -n "s/^$1=//p" "$SIM/dm"
}

mem_mib()
{
	awk -v k="$1:" '$1 == k { print int($2 / 1024) }' /proc/meminfo
}

# views: both views as key=value words, MiB.
views()
{
	local total avail

	total=$(mem_mib MemTotal)
	avail=$(mem_mib MemAvailable)
	echo "assigned=$(dm assigned_mb) demand=$(dm demand_mb)" \
		"ballooned=$(dm ballooned_mb) hot_added=$(dm hot_added_mb)" \
		"guest_total=$total guest_used=$((total - avail))" \
		"guest_free=$(mem_mib MemFree) guest_avail=$avail"
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

# settle <secs>: wait until assigned memory has not changed for 5 s.
settle()
{
	local end last same=0 cur

	end=$(($(now) + $1))
	last=$(dm assigned_mb)
	while [ "$(now)" -lt "$end" ]; do
		sleep 1
		cur=$(dm assigned_mb)
		if [ "$cur" = "$last" ]; then
			same=$((same + 1))
			[ "$same" -ge 5 ] && return 0
		else
			same=0
			last=$cur
		fi
	done
	return 1
}

# load_to <MiB>: grow the tmpfs load to MiB, 64 MiB at a time, never
# faster than the guest keeps 160 MiB available (the balancer adds memory
# as demand grows; a real workload is not this polite, the balloon driver's
# pressure reports are for that).
load_to()
{
	local have want=$1 waited

	have=$(du -sm /mnt/load | cut -f1)
	while [ "$have" -lt "$want" ]; do
		waited=0
		while [ "$(mem_mib MemAvailable)" -lt 160 ] && [ "$waited" -lt 60 ]; do
			sleep 1
			waited=$((waited + 1))
		done
		dd if=/dev/zero of="/mnt/load/chunk$have" bs=1M count=64 2>/dev/null ||
			return 1
		have=$((have + 64))
	done
}

gt()
{
	[ "$1" -gt "$2" ] 2>/dev/null
}

mount -t debugfs none /sys/kernel/debug 2>/dev/null
insmod /lis/modules/lis_vmbus.ko || { not_ok load-lis_vmbus; exit 0; }
if ! insmod /lis/modules/lis_sim.ko dm_hotadd=2G@1G dm_minimum=$MINIMUM \
	dm_maximum=$MAXIMUM dm_buffer=$BUFFER; then
	not_ok load-lis_sim "$(dmesg | tail -n 5)"
	exit 0
fi
lis_load lis_balloon lis_vss || exit 0
sampler &
SAMPLER=$!

step 1 start "The VM starts: assigned memory is the Startup memory ($STARTUP MiB)"
settle 60
state
say "The host gives the VM its Startup memory; the guest reports its demand every second."
check assigned-is-startup [ "$(dm assigned_mb)" -le $((STARTUP + 128)) ]

step 2 load "A load raises demand: the host hot-adds memory"
mkdir -p /mnt/load
mount -t tmpfs -o size=3G tmpfs /mnt/load
TOTAL1=$(mem_mib MemTotal)
load_to 1536
settle 120
state
say "Demand grew past what was assigned: the host hot-added memory blocks, and the guest's total grew."
check hot-added gt "$(dm hot_added_mb)" 0
check guest-total-grew gt "$(mem_mib MemTotal)" "$TOTAL1"

step 3 idle "The load goes away: the host balloons memory back"
TOTAL2=$(mem_mib MemTotal)
rm -f /mnt/load/*
settle 180
state
say "Demand fell: the host took memory back by ballooning. The guest's total stays at its high-water mark; the balloon shows as used."
check ballooned gt "$(dm ballooned_mb)" 0
check guest-total-kept [ "$(mem_mib MemTotal)" -ge "$TOTAL2" ]

step 4 load-again "Demand again: the host refills the balloon's holes first, then hot-adds"
HOT3=$(dm hot_added_mb)
load_to 2048
settle 180
state
say "The host returned ballooned memory before it hot-added any more."
check holes-refilled [ "$(dm ballooned_mb)" -eq 0 ]
check hot-added-more gt "$(dm hot_added_mb)" "$HOT3"
rm -f /mnt/load/*

step 5 backup "A live backup: freeze, checkpoint, thaw"
mkdir -p /mnt/ext4 /mnt/xfs
mount /dev/vda /mnt/ext4 && mount /dev/vdb /mnt/xfs
lis-vssd >/tmp/vssd.log 2>&1 &
VSSD=$!
(
	i=0
	while :; do
		echo "record $i $(date +%s)" >>/mnt/ext4/log
		echo "record $i $(date +%s)" >>/mnt/xfs/log
		i=$((i + 1))
		sleep 0.1
	done
) &
WRITER=$!
sleep 2
if lis-simctl backup start && lis-simctl backup wait checkpoint 120; then
	say "File systems frozen: the host takes its checkpoint now (writers are blocked)."
	sleep 2
	lis-simctl backup release
	lis-simctl backup wait done 60
fi
B=$SIM/vss
echo "demo-backup result=$(sed -n 's/^last_result=//p' $B)" \
	"freeze_ms=$(sed -n 's/^freeze_ms=//p' $B)" \
	"checkpoint_ms=$(sed -n 's/^checkpoint_ms=//p' $B)" \
	"thaw_ms=$(sed -n 's/^thaw_ms=//p' $B)" \
	"total_ms=$(sed -n 's/^total_ms=//p' $B)" \
	"filesystems=2" >>"$LIS_RESULT"
check backup-ok [ "$(sed -n 's/^last_result=//p' $B)" = ok ]
kill "$WRITER" "$VSSD" 2>/dev/null
wait "$WRITER" 2>/dev/null
state
say "The guest kept running; the backup is file-system consistent."
kill "$SAMPLER"
dmesg_clean

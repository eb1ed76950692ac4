# SPDX-License-Identifier: GPL-2.0-only
#
# Live backup timings, with lis-vssd freezing N file systems for lis_sim's
# backup requester, each time after the same 4 MiB of fresh writes to each:
#   vss_freeze_window  ms from the host's FREEZE to the guest's answer
#                      (lis_sim's freeze_ms): hooks scan, mount table,
#                      plan, N freezes;
#   vss_backup_total   ms of the whole sequence as the host sees it
#                      (HOT_BACKUP to THAW answered, checkpoint released at
#                      once: lis_sim's total_ms less checkpoint_ms).
# The limit, measured in the same run after the same writes: freezing the
# same N file systems with fsfreeze --freeze and thawing them with
# --unfreeze, timed by the kernel log's clock.  Averages over ROUNDS.
# scripts/bench.sh reads the "lis-bench vss_*" lines.
#
# lis-memory: 512M
# lis-timeout: 900
# lis-kmods: virtio_pci virtio_blk ext4
# lis-disk: ext4 64M
# lis-disk: ext4 64M
# lis-disk: ext4 64M

VSS=/sys/kernel/debug/lis_sim/vss
ROUNDS=5
DIRS="/mnt/a /mnt/b /mnt/c"

hstat()
{
	sed -n "s/^$1=//p" $VSS
}

dirty()
{
	for d in $DIRS; do
		dd if=/dev/urandom of="$d/data" bs=64k count=64 2>/dev/null
	done
}

# mark <word>: a line in the kernel log; stamp <word>: its time in ms.
mark()
{
	echo "lis-bench-mark $1" >/dev/kmsg
}

stamp()
{
	dmesg | sed -n "s/^\[ *\([0-9.]*\)\] lis-bench-mark $1\$/\1/p" | tail -n 1 |
		awk '{ printf "%d", $1 * 1000 }'
}

n=0
for d in $DIRS; do
	n=$((n + 1))
	mkdir -p "$d"
	mount -t ext4 "/dev/vd$(echo "$n" | tr 123 abc)" "$d" || {
		not_ok mount "$d"
		exit 0
	}
done
lis_load lis_vmbus || exit 0
check load-sim-vss insmod "$LIS_MODULES/lis_sim.ko" vss_devices=1 || exit 0
lis_load lis_vss || exit 0
wait_for 30 test -c /dev/lis_vss
check host-ready lis-simctl backup wait ready 120 || exit 0
lis-vssd -H /nonexistent >/tmp/vssd.log 2>&1 &
vssd=$!
wait_for 20 grep -q ' ready: ' /tmp/vssd.log || {
	not_ok daemon-ready "$(cat /tmp/vssd.log)"
	exit 0
}
lis-simctl backup hold_ms 1

window=0 total=0 limit=0 fails=0 i=0
while [ "$i" -lt "$ROUNDS" ]; do
	i=$((i + 1))
	dirty
	if lis-simctl backup start && lis-simctl backup wait done 60 &&
		[ "$(hstat last_result)" = ok ]; then
		window=$((window + $(hstat freeze_ms)))
		total=$((total + $(hstat total_ms) - $(hstat checkpoint_ms)))
	else
		fails=$((fails + 1))
	fi
	dirty
	mark "f$i"
	# shellcheck disable=SC2086
	for d in $DIRS; do fsfreeze --freeze "$d"; done
	for d in $DIRS; do fsfreeze --unfreeze "$d"; done
	mark "u$i"
	limit=$((limit + $(stamp "u$i") - $(stamp "f$i")))
done

if [ "$fails" -eq 0 ]; then
	echo "lis-bench vss_freeze_window fs=3 rounds=$ROUNDS ms=$((window / ROUNDS)) limit_ms=$((limit / ROUNDS))"
	echo "lis-bench vss_backup_total fs=3 rounds=$ROUNDS ms=$((total / ROUNDS)) limit_ms=$((limit / ROUNDS))"
	ok vss-backups
else
	not_ok vss-backups "$fails of $ROUNDS backups failed" "$(tail -n 20 /tmp/vssd.log)"
fi
kill "$vssd"
wait "$vssd"
for d in $DIRS; do umount "$d"; done
lis_unload lis_vss lis_sim lis_vmbus
dmesg_clean

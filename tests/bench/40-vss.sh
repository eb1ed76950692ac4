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

# shellcheck source=tests/integration/vss-bench-lib.sh
. /lis/vss-bench-lib.sh

ROUNDS=5
DIRS="/mnt/a /mnt/b /mnt/c"

# shellcheck disable=SC2086
vb_mount $DIRS || exit 0
lis_load lis_vmbus || exit 0
check load-sim-vss insmod "$LIS_MODULES/lis_sim.ko" vss_devices=1 || exit 0
lis_load lis_vss || exit 0
wait_for 30 test -c /dev/lis_vss
vb_host_ready || exit 0
lis-vssd -H /nonexistent >/tmp/vssd.log 2>&1 &
vssd=$!
wait_for 20 grep -q ' ready: ' /tmp/vssd.log || {
	not_ok daemon-ready "$(cat /tmp/vssd.log)"
	exit 0
}
lis-simctl backup hold_ms 1

i=0
while [ "$i" -lt "$ROUNDS" ]; do
	i=$((i + 1))
	# shellcheck disable=SC2086
	vb_dirty 4096 $DIRS
	vb_backup 60
	# shellcheck disable=SC2086
	vb_dirty 4096 $DIRS
	vb_fsfreeze "$i" "$DIRS" "$DIRS"
done

if [ "$VB_FAILS" -eq 0 ]; then
	echo "lis-bench vss_freeze_window fs=3 rounds=$ROUNDS ms=$((VB_WINDOW / ROUNDS)) limit_ms=$((VB_LIMIT / ROUNDS))"
	echo "lis-bench vss_backup_total fs=3 rounds=$ROUNDS ms=$((VB_TOTAL / ROUNDS)) limit_ms=$((VB_LIMIT / ROUNDS))"
	ok vss-backups
else
	not_ok vss-backups "$VB_FAILS of $ROUNDS backups failed" "$(tail -n 20 /tmp/vssd.log)"
fi
kill "$vssd"
wait "$vssd"
for d in $DIRS; do umount "$d"; done
lis_unload lis_vss lis_sim lis_vmbus
dmesg_clean

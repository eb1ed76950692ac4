# SPDX-License-Identifier: GPL-2.0-only
#
# The peer beside lis (Documentation/testing.rst, "Peer drivers"): the
# live backup timings of 40-vss, with Debian's stock hv_utils.ko (on
# lis_hvcompat) and hyperv-daemons' hv_vss_daemon instead of lis_vss and
# lis-vssd, against the same backup requester, on the same disks, after
# the same writes, in the same make bench.  scripts/bench.sh puts each
# beside lis's figure as "peer" and "peer_ratio" (peer / lis: above 1.0
# lis is faster).  With hv_vss_daemon freezing N file systems, each time
# after the same 4 MiB of fresh writes to each:
#   vss_freeze_window  ms from the host's FREEZE to the guest's answer
#                      (lis_sim's freeze_ms): the daemon's mount table
#                      walk and N freezes;
#   vss_backup_total   ms of the whole sequence as the host sees it
#                      (HOT_BACKUP to THAW answered, checkpoint released at
#                      once: lis_sim's total_ms less checkpoint_ms).
# Averages over ROUNDS.  scripts/bench.sh reads the "lis-bench peer_vss_*"
# lines.
#
# lis-memory: 512M
# lis-timeout: 900
# lis-kmods: virtio_pci virtio_blk ext4
# lis-disk: ext4 64M
# lis-disk: ext4 64M
# lis-disk: ext4 64M
# lis-peer: hv_utils
# lis-peer-bin: hv_vss_daemon

# shellcheck source=tests/integration/peer-lib.sh
. /lis/peer-lib.sh

# shellcheck source=tests/integration/vss-bench-lib.sh
. /lis/vss-bench-lib.sh

ROUNDS=5
DIRS="/mnt/a /mnt/b /mnt/c"

# shellcheck disable=SC2086
vb_mount $DIRS || exit 0
lis_load lis_vmbus || exit 0
check load-sim-vss insmod "$LIS_MODULES/lis_sim.ko" vss_devices=1 || exit 0
lis_load lis_hvcompat || exit 0
peer_load hv_utils || exit 0
wait_for 30 test -c /dev/vmbus/hv_vss
vb_host_ready || exit 0
hv_vss_daemon -n >/tmp/vssd.log 2>&1 &
vssd=$!
wait_for 20 peer_dmesg_has "VSS: userspace daemon ver." || {
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
done

if [ "$VB_FAILS" -eq 0 ]; then
	echo "lis-bench peer_vss_freeze_window fs=3 rounds=$ROUNDS ms=$((VB_WINDOW / ROUNDS))"
	echo "lis-bench peer_vss_backup_total fs=3 rounds=$ROUNDS ms=$((VB_TOTAL / ROUNDS))"
	ok vss-backups
else
	not_ok vss-backups "$VB_FAILS of $ROUNDS backups failed" "$(tail -n 20 /tmp/vssd.log)"
fi
kill "$vssd"
wait "$vssd"
for d in $DIRS; do umount "$d"; done
dmesg_clean

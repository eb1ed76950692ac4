# SPDX-License-Identifier: GPL-2.0-only
#
# The peer for live backup: Debian's stock hv_utils.ko (its VSS service,
# on lis_hvcompat) and hyperv-daemons' hv_vss_daemon, unmodified, against
# lis_sim's backup requester (Documentation/testing.rst, "Peer drivers").
# The same checks as 41-vss-backup: with writers running on an ext4 and
# an XFS disk, the disk copies the host takes in the checkpoint window
# need no journal or log replay, and copies taken without a freeze do
# (proof the check can fail).  Then the backup hv_vss_daemon cannot take
# (the daemon is gone) must fail at the host the way lis_sim reports
# failures.
#
# lis-memory: 512M
# lis-timeout: 400
# lis-kmods: virtio_pci virtio_blk ext4 xfs
# lis-disk: ext4 64M
# lis-disk: xfs 300M
# lis-host: agent
# lis-peer: hv_utils
# lis-peer-bin: hv_vss_daemon

# shellcheck source=tests/integration/peer-lib.sh
. /lis/peer-lib.sh

VSS=/sys/kernel/debug/lis_sim/vss

# writer <dir>: append numbered records until /tmp/stop exists.
writer()
{
	n=0
	while [ ! -e /tmp/stop ]; do
		n=$((n + 1))
		echo "$n $(echo "$1 $n" | md5sum | cut -c1-32)" >>"$1/log"
	done
}

mkdir -p /mnt/a /mnt/b
check mount-ext4 mount -t ext4 /dev/vda /mnt/a || exit 0
check mount-xfs mount -t xfs /dev/vdb /mnt/b || exit 0

lis_load lis_vmbus || exit 0
check load-sim-vss insmod "$LIS_MODULES/lis_sim.ko" vss_devices=1 || exit 0
lis_load lis_hvcompat || exit 0
peer_load hv_utils || exit 0
check hv-utils-bound peer_bound hv_utils
check host-ready lis-simctl backup wait ready 120 || exit 0
grep -E '^(fw|srv)_version=' $VSS | sed 's/^/peer: /'
check framework-3.0 grep -qx 'fw_version=3.0' $VSS
check vss-5.0 grep -qx 'srv_version=5.0' $VSS
check peer-says-5.0 peer_dmesg_has "VSS IC version 5.0"
if ! wait_for 20 test -c /dev/vmbus/hv_vss; then
	not_ok vss-device "/dev/vmbus/hv_vss did not appear" "$(dmesg | tail -n 20)"
	exit 0
fi
ok vss-device
hv_vss_daemon -n >/tmp/vssd.log 2>&1 &
daemon=$!
# The daemon registers with hv_utils (VSS_OP_REGISTER1).
check daemon-connected wait_for 20 peer_dmesg_has "VSS: userspace daemon ver."
check daemon-running kill -0 "$daemon"

writer /mnt/a &
writers=$!
writer /mnt/b &
writers="$writers $!"
sleep 3
sync

check backup-start lis-simctl backup start
if ! lis-simctl backup wait checkpoint 120; then
	not_ok checkpoint "$(cat $VSS)" "$(cat /tmp/vssd.log)" "$(dmesg | tail -n 20)"
	touch /tmp/stop
	kill "$daemon"
	wait
	exit 0
fi
ok checkpoint
host_copy frozen clean
check backup-release lis-simctl backup release
check backup-done lis-simctl backup wait 'done' 60
check backup-result grep -qx 'last_result=ok' $VSS
grep -E '^(freeze|checkpoint|thaw|total)_ms=' $VSS | sed 's/^/peer: /'

sleep 3
sync
host_copy live dirty
touch /tmp/stop
# shellcheck disable=SC2086 # a list of pids
wait $writers

# Without the daemon hv_utils answers the host's request with a failure.
kill "$daemon"
wait "$daemon"
cat /tmp/vssd.log
check no-daemon-start lis-simctl backup start
check no-daemon-host-failed lis-simctl backup wait failed 60
grep -E '^(last_result|last_status)=' $VSS | sed 's/^/peer: /'
check no-daemon-result grep -qx 'last_result=failed' $VSS
# Nothing stays frozen: the file systems take writes.
check ext4-writable sh -c 'echo x >/mnt/a/after && sync'
check xfs-writable sh -c 'echo x >/mnt/b/after && sync'

umount /mnt/a
umount /mnt/b
dmesg_clean

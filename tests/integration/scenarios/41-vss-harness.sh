# SPDX-License-Identifier: GPL-2.0-only
#
# The backup harness itself, without lis_vss: the host's copies and their
# checks must tell a consistent copy from an inconsistent one, or the
# backup scenarios (41-vss-*) could pass by accident.  With writers
# running on an ext4 and an XFS disk:
#   - frozen by fsfreeze(8), the host's copies must be clean (no journal
#     or log to replay);
#   - not frozen (after a sync, so that XFS's log surely holds changes,
#     and ext4 is always marked needs_recovery while mounted), the copies
#     must be dirty.
#
# lis-memory: 512M
# lis-timeout: 300
# lis-kmods: virtio_pci virtio_blk ext4 xfs
# lis-disk: ext4 64M
# lis-disk: xfs 300M
# lis-host: agent

mkdir -p /mnt/a /mnt/b
check mount-ext4 mount -t ext4 /dev/vda /mnt/a || exit 0
check mount-xfs mount -t xfs /dev/vdb /mnt/b || exit 0

writer()
{
	n=0
	while [ ! -e /tmp/stop ]; do
		n=$((n + 1))
		echo "$n $(echo "$1 $n" | md5sum | cut -c1-32)" >>"$1/log"
	done
}

writer /mnt/a &
writer /mnt/b &
sleep 2

# The sync puts changes in XFS's on-disk log: the freeze must clean it.
sync
check fsfreeze-xfs fsfreeze --freeze /mnt/b
check fsfreeze-ext4 fsfreeze --freeze /mnt/a
host_copy frozen clean
check fsthaw-ext4 fsfreeze --unfreeze /mnt/a
check fsthaw-xfs fsfreeze --unfreeze /mnt/b

sleep 1
sync
host_copy live dirty

touch /tmp/stop
wait
umount /mnt/a
umount /mnt/b
dmesg_clean

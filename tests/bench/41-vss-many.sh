# SPDX-License-Identifier: GPL-2.0-only
#
# The freeze window with many file systems: lis-vssd freezing 10, then 50
# mounted file systems for lis_sim's backup requester, some of them
# stacked (ext4 images on loop devices whose backing files live on
# another frozen file system, and images inside images), each time after
# the same 256 KiB of fresh writes to each:
#   vss_window_10fs, vss_window_50fs
#       ms from the host's FREEZE to the guest's answer (lis_sim's
#       freeze_ms): hooks scan, mount table, reaching every mount,
#       sysfs for loop devices, plan, N freezes.
# The limit, measured in the same run after the same writes: fsfreeze
# --freeze of the same file systems in the daemon's plan order (the
# stacked ones must go first, or fsfreeze itself would hang), then
# --unfreeze in reverse, timed by the kernel log's clock.  Averages over
# ROUNDS.  scripts/bench.sh reads the "lis-bench vss_*" lines.
#
# lis-memory: 1G
# lis-timeout: 1200
# lis-kmods: virtio_pci virtio_blk ext4 loop
# lis-disk: ext4 256M

# shellcheck source=tests/integration/vss-bench-lib.sh
. /lis/vss-bench-lib.sh

ROUNDS=3

# image <dir holding it> <mount point> <MiB>: an ext2 image, mounted
# through a loop device with the ext4 driver.
image()
{
	dd if=/dev/zero of="$1/img-${2##*/}" bs=1M count="$3" 2>/dev/null &&
		mke2fs -F "$1/img-${2##*/}" >/dev/null 2>&1 &&
		mkdir -p "$2" &&
		mount -t ext4 -o loop "$1/img-${2##*/}" "$2"
}

# grow <count>: mount images until <count> file systems are mounted:
# every third on the disk (8 MiB, stacked on it), every seventh inside
# the last image on the disk (2 MiB, stacked twice), the rest on tmpfs
# (4 MiB).
grow()
{
	while [ "$nfs" -lt "$1" ]; do
		nfs=$((nfs + 1))
		mp=/mnt/fs$nfs
		size=4
		if [ $((nfs % 7)) -eq 0 ] && [ -n "$last_on_disk" ]; then
			holder=$last_on_disk
			size=2
		elif [ $((nfs % 3)) -eq 0 ]; then
			holder=/mnt/disk
			last_on_disk=$mp
			size=8
		else
			holder=/tmp/images
		fi
		image "$holder" "$mp" "$size" || {
			not_ok "mount-$mp" "on $holder"
			return 1
		}
	done
}

# measure <n>: ROUNDS backups and ROUNDS fsfreeze passes over what is
# mounted now (n file systems).
measure()
{
	plan=$(lis-vssd --plan)
	FSS=$(echo "$plan" | awk '$1 == "freeze" { print $3 }')
	got=$(echo "$FSS" | wc -l)
	echo "$plan" | grep '^freeze'
	if [ "$got" -ne "$1" ]; then
		not_ok "plan-$1" "the plan freezes $got file systems, not $1"
		return
	fi
	ok "plan-$1"
	rev=$(echo "$FSS" | sed -n '1!G;h;$p')
	VB_WINDOW=0 VB_LIMIT=0 VB_FAILS=0 i=0
	while [ "$i" -lt "$ROUNDS" ]; do
		i=$((i + 1))
		# shellcheck disable=SC2086
		vb_dirty 256 $FSS
		vb_backup 120
		# shellcheck disable=SC2086
		vb_dirty 256 $FSS
		vb_fsfreeze "$1-$i" "$FSS" "$rev"
	done
	if [ "$VB_FAILS" -eq 0 ]; then
		echo "lis-bench vss_window_${1}fs fs=$1 rounds=$ROUNDS ms=$((VB_WINDOW / ROUNDS)) limit_ms=$((VB_LIMIT / ROUNDS))"
		ok "vss-backups-$1"
	else
		not_ok "vss-backups-$1" "$VB_FAILS of $ROUNDS backups failed" "$(tail -n 20 /tmp/vssd.log)"
	fi
}

# Loop devices on demand beyond the 8 made at load.
rmmod loop 2>/dev/null
insmod /lis/kmods/loop.ko max_loop=64 || {
	not_ok loop-max "insmod loop max_loop=64"
	exit 0
}
mkdir -p /mnt/disk /tmp/images
mount -t ext4 /dev/vda /mnt/disk || {
	not_ok mount /mnt/disk
	exit 0
}
nfs=1
last_on_disk=
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

grow 10 && measure 10
grow 50 && measure 50

kill "$vssd"
wait "$vssd"
for d in $(lis-vssd --plan 2>/dev/null | awk '$1 == "freeze" { print $3 }'); do
	umount "$d"
done
lis_unload lis_vss lis_sim lis_vmbus
dmesg_clean

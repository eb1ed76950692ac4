# SPDX-License-Identifier: GPL-2.0-only
#
# lis-vssd on file-system layouts where stat() and the mount table
# disagree, several mounts share one superblock, or a mount cannot be
# reached (Documentation/vss.rst, "What is frozen, and what is not"):
#
#   A. a btrfs with two subvolumes mounted on their own (btrfs reports
#      another st_dev for every subvolume than mountinfo's), an ext4
#      mounted twice with a bind mount of part of it, an image on a loop
#      device whose backing file lives in a btrfs subvolume, and one on
#      device-mapper over a loop device backed by a file on the ext4:
#      one writer on each of those eight mounts; every one is held in
#      the window and resumes after it; the host's copies of the disks
#      taken in the window pass btrfs check / e2fsck (copy-frozen-*);
#      the plan freezes each superblock once, and says each image goes
#      before the file system holding it; the daemon froze them first;
#   B. the invariant: an ext4 hidden under a tmpfs mounted on top of it
#      cannot be frozen (not EOPNOTSUPP: it cannot be reached): --plan
#      says a backup would fail, and the backup fails, naming it, with
#      nothing left frozen;
#   C. a FUSE server that stops answering, with an ext4 mounted below its
#      mount point: --plan answers at once and skips the ext4, and a
#      backup of the rest succeeds at normal speed, writes held;
#   D. loop devices backing each other through device-mapper (the dm
#      device of A grows a tail on a loop device whose file lives in a
#      file system on an image inside A): no order is safe, --plan and
#      the backup refuse, nothing frozen.
#
# lis-memory: 768M
# lis-timeout: 600
# lis-kmods: virtio_pci virtio_blk ext4 btrfs loop fuse dm_mod
# lis-disk: btrfs 256M
# lis-disk: ext4 64M
# lis-disk: ext4 32M
# lis-disk: ext4 32M
# lis-host: agent

VSS=/sys/kernel/debug/lis_sim/vss

up()
{
	read -r t _ </proc/uptime
	echo "$t"
}

# writer <dir> <tag>: append a line to <dir>/w-<tag> until /tmp/stop;
# after each write returned, note "n start end" (uptime) in
# /tmp/told-<tag>.  No process is forked per write.
writer()
{
	n=0
	while [ ! -e /tmp/stop ]; do
		n=$((n + 1))
		read -r t1 _ </proc/uptime
		echo "$n" >>"$1/w-$2"
		read -r t2 _ </proc/uptime
		echo "$n $t1 $t2" >>"/tmp/told-$2"
	done
}

# window <tag> <frozen at> <released at>: the writer was held in the
# window and resumed after it.
window()
{
	told=/tmp/told-$1
	during=$(awk -v f="$2" -v r="$3" '$2 > f && $3 < r' "$told" | head -n 3)
	held=$(awk -v f="$2" -v r="$3" '$2 < r && $3 >= r' "$told" | head -n 1)
	after=$(awk -v r="$3" '$2 >= r' "$told" | wc -l)
	if [ -n "$during" ]; then
		not_ok "blocked-$1" "writes started and completed within the window ($2 .. $3 s):" "$during"
	elif [ -z "$held" ]; then
		not_ok "blocked-$1" "no write was held across the release at $3 s" "$(tail -n 5 "$told")"
	else
		ok "blocked-$1"
		echo "lis-test: $1: held write: $held"
	fi
	if [ "$after" -gt 0 ]; then
		ok "resumed-$1"
	else
		not_ok "resumed-$1" "no write after the release"
	fi
}

# rank <mount point>: its place in the daemon's freeze order (log).
rank()
{
	grep -n "\] froze $1 " /tmp/vssd.log | tail -n 1 | cut -d: -f1
}

# --- layout A
mkdir -p /mnt/bt /mnt/s1 /srv/s2 /mnt/e /mnt/e2 /mnt/part /mnt/loop /mnt/dm
check mount-btrfs mount -t btrfs /dev/vda /mnt/bt || exit 0
check subvol-s1 lis-fs-test subvol /mnt/bt/s1 || exit 0
check subvol-s2 lis-fs-test subvol /mnt/bt/s2 || exit 0
check mount-s1 mount -t btrfs -o subvol=s1 /dev/vda /mnt/s1
check mount-s2 mount -t btrfs -o subvol=s2 /dev/vda /srv/s2
echo "lis-test: st_dev of /mnt/bt /mnt/s1 /srv/s2: $(stat -c %D /mnt/bt /mnt/s1 /srv/s2 | tr '\n' ' ')"
grep btrfs /proc/self/mountinfo
check mount-ext4 mount -t ext4 /dev/vdb /mnt/e || exit 0
check mount-ext4-twice mount -t ext4 /dev/vdb /mnt/e2
mkdir -p /mnt/e/part
check bind-part mount --bind /mnt/e/part /mnt/part
dd if=/dev/zero of=/mnt/s1/img bs=1M count=16 2>/dev/null
mke2fs -F /mnt/s1/img >/dev/null 2>&1
check mount-loop mount -o loop /mnt/s1/img /mnt/loop
dd if=/dev/zero of=/mnt/e/dm.img bs=1M count=16 2>/dev/null
dmlo=$(losetup -f) && losetup "$dmlo" /mnt/e/dm.img
check dm-create lis-fs-test dm-linear lisdm "$dmlo"
dmdev=$(cat /sys/block/dm-*/uevent | sed -n 's/^DEVNAME=//p' | head -n 1)
mke2fs -F "/dev/$dmdev" >/dev/null 2>&1
check mount-dm mount -t ext4 "/dev/$dmdev" /mnt/dm

lis-vssd >/tmp/vssd.log 2>&1 &
vssd=$!
lis_load lis_vmbus || exit 0
check load-sim-vss insmod "$LIS_MODULES/lis_sim.ko" vss_devices=1 || exit 0
lis_load lis_vss || exit 0
if ! wait_for 30 test -c /dev/lis_vss; then
	not_ok vss-device "/dev/lis_vss did not appear" "$(dmesg | tail -n 20)"
	exit 0
fi
check host-ready lis-simctl backup wait ready 120 || exit 0
if ! wait_for 20 grep -q ' ready: ' /tmp/vssd.log; then
	not_ok daemon-ready "$(cat /tmp/vssd.log)"
	exit 0
fi
ok daemon-ready

plan=$(lis-vssd --plan)
echo "$plan"
if [ "$(echo "$plan" | grep -c '^freeze [0-9]* [^ ]* btrfs ')" -eq 1 ]; then
	ok plan-btrfs-once
else
	not_ok plan-btrfs-once "one btrfs, three mounts: one freeze" "$plan"
fi
if [ "$(echo "$plan" | grep -cE '^freeze [0-9]* /mnt/(e|e2|part) ')" -eq 1 ]; then
	ok plan-ext4-once
else
	not_ok plan-ext4-once "one ext4, three mounts: one freeze" "$plan"
fi
if echo "$plan" | grep -q '^freeze [0-9]* /mnt/loop [a-z0-9]* [0-9:]* before /mnt/bt (loop[0-9]* backing file /mnt/s1/img)'; then
	ok plan-loop-before-holder
else
	not_ok plan-loop-before-holder "the image in a subvolume goes before the btrfs" "$plan"
fi
if echo "$plan" | grep -q '^freeze [0-9]* /mnt/dm [a-z0-9]* [0-9:]* before /mnt/e (loop[0-9]* backing file /mnt/e/dm.img)'; then
	ok plan-dm-before-holder
else
	not_ok plan-dm-before-holder "dm over a loop device goes before the ext4 holding its file" "$plan"
fi

rm -f /tmp/stop
writers=""
for spec in /mnt/bt:bt /mnt/s1:s1 /srv/s2:s2 /mnt/e:e /mnt/e2:e2 \
	/mnt/part:part /mnt/loop:loop /mnt/dm:dm; do
	writer "${spec%:*}" "${spec#*:}" &
	writers="$writers $!"
done
sleep 3
sync

check backup-start lis-simctl backup start
if ! lis-simctl backup wait checkpoint 120; then
	not_ok checkpoint "$(cat $VSS)" "$(cat /tmp/vssd.log)"
	touch /tmp/stop
	kill "$vssd"
	wait
	exit 0
fi
frozen_at=$(up)
ok checkpoint
host_copy frozen clean
sleep 2
released_at=$(up)
check backup-release lis-simctl backup release
check backup-done lis-simctl backup wait done 60
check backup-result grep -qx 'last_result=ok' $VSS
grep -E '^(freeze|checkpoint|thaw|total)_ms=' $VSS | sed 's/^/lis-test: /'
sleep 2
touch /tmp/stop
# shellcheck disable=SC2086 # a list of pids
wait $writers
for tag in bt s1 s2 e e2 part loop dm; do
	window "$tag" "$frozen_at" "$released_at"
done
if [ -n "$(rank /mnt/loop)" ] && [ -n "$(rank /mnt/bt)" ] &&
	[ "$(rank /mnt/loop)" -lt "$(rank /mnt/bt)" ]; then
	ok froze-loop-before-btrfs
else
	not_ok froze-loop-before-btrfs "$(cat /tmp/vssd.log)"
fi
if [ -n "$(rank /mnt/dm)" ] && [ -n "$(rank /mnt/e)" ] &&
	[ "$(rank /mnt/dm)" -lt "$(rank /mnt/e)" ]; then
	ok froze-dm-before-ext4
else
	not_ok froze-dm-before-ext4 "$(cat /tmp/vssd.log)"
fi

# --- B: a file system hidden under another mount: the backup fails
mkdir -p /mnt/h
check mount-hidden mount -t ext4 /dev/vdc /mnt/h
echo data >/mnt/h/f
check hide mount -t tmpfs tmpfs /mnt/h
plan=$(lis-vssd --plan)
echo "$plan"
if echo "$plan" | grep -q '^freeze [0-9]* /mnt/h ext4 [0-9:]* unreachable: hidden under /mnt/h (tmpfs .*a backup would fail'; then
	ok plan-hidden-named
else
	not_ok plan-hidden-named "$plan"
fi
lines=$(wc -l </tmp/vssd.log)
lis-simctl backup start
if lis-simctl backup wait failed 60 && grep -qx 'last_result=failed' $VSS; then
	ok hidden-backup-fails
else
	not_ok hidden-backup-fails "$(cat $VSS)" "$(tail -n 20 /tmp/vssd.log)"
fi
wait_for 10 grep -q 'nothing frozen' /tmp/vssd.log
if tail -n +"$lines" /tmp/vssd.log | grep -q '/mnt/h (ext4 [0-9:]*): hidden under /mnt/h (tmpfs'; then
	ok hidden-named
else
	not_ok hidden-named "$(tail -n 20 /tmp/vssd.log)"
fi
(echo x >>/mnt/e/after-hidden && touch /tmp/done-hidden) &
check hidden-nothing-frozen wait_for 5 test -e /tmp/done-hidden
if tail -n +"$lines" /tmp/vssd.log | grep -q '\] froze '; then
	not_ok hidden-froze-nothing "$(tail -n 20 /tmp/vssd.log)"
else
	ok hidden-froze-nothing
fi
umount /mnt/h
umount /mnt/h

# --- C: a FUSE server that stopped answering, an ext4 below its mount
mkdir -p /mnt/fuse
lis-fs-test fuse-stall /mnt/fuse >/tmp/fuse.log 2>&1 &
fuse=$!
check fuse-mounted wait_for 10 grep -q mounted /tmp/fuse.log
check mount-below-fuse mount -t ext4 /dev/vdd /mnt/fuse/sub
echo data >/mnt/fuse/sub/f
kill -USR1 "$fuse"
check fuse-stalled wait_for 10 grep -q stalled /tmp/fuse.log
# The stall is real: a lookup through the FUSE mount does not return.
if timeout 3 stat /mnt/fuse/sub >/dev/null 2>&1; then
	not_ok fuse-lookup-hangs "stat /mnt/fuse/sub returned: the server still answers"
else
	ok fuse-lookup-hangs
fi
t0=$(up)
plan=$(timeout 20 lis-vssd --plan)
rc=$?
t1=$(up)
echo "$plan"
echo "lis-test: --plan with a hung FUSE mount: rc $rc, $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') s"
if [ "$rc" -eq 0 ] && awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 5) }'; then
	ok fuse-plan-fast
else
	not_ok fuse-plan-fast "lis-vssd --plan: exit $rc after $t0 .. $t1 s"
fi
check fuse-plan-skips-below sh -c "echo '$plan' | grep -q '^skip-below-network - /mnt/fuse/sub ext4 [0-9:]* below /mnt/fuse (fuse.lisstall)'"
check fuse-plan-freezes-rest sh -c "echo '$plan' | grep -q '^freeze [0-9]* /mnt/e '"

echo 60 >/sys/module/lis_vss/parameters/freeze_timeout
rm -f /tmp/stop /tmp/told-fuse-e
writer /mnt/e fuse-e &
writers=$!
sleep 2
t0=$(up)
check fuse-backup-start lis-simctl backup start
if lis-simctl backup wait checkpoint 90; then
	frozen_at=$(up)
	ok fuse-checkpoint
	echo "lis-test: FREEZE to checkpoint with a hung FUSE mount: $(awk -v a="$t0" -v b="$frozen_at" 'BEGIN { print b - a }') s"
	if awk -v a="$t0" -v b="$frozen_at" 'BEGIN { exit !(b - a < 10) }'; then
		ok fuse-freeze-fast
	else
		not_ok fuse-freeze-fast "the freeze took from $t0 to $frozen_at s"
	fi
	sleep 2
	released_at=$(up)
	lis-simctl backup release
	check fuse-backup-done lis-simctl backup wait done 60
	check fuse-backup-result grep -qx 'last_result=ok' $VSS
	grep -E '^(freeze|total)_ms=' $VSS | sed 's/^/lis-test: /'
	sleep 2
	touch /tmp/stop
	wait $writers
	window fuse-e "$frozen_at" "$released_at"
else
	not_ok fuse-checkpoint "no checkpoint with a hung FUSE mount" "$(cat $VSS)" "$(tail -n 20 /tmp/vssd.log)"
	touch /tmp/stop
	wait $writers
fi
kill -9 "$fuse"
wait "$fuse" 2>/dev/null
umount -l /mnt/fuse

# --- D: a cycle through device-mapper: refused before freezing anything
mkdir -p /mnt/cyc
dd if=/dev/zero of=/mnt/dm/b.img bs=1M count=4 2>/dev/null
mke2fs -F /mnt/dm/b.img >/dev/null 2>&1
check mount-cycle mount -t ext4 -o loop /mnt/dm/b.img /mnt/cyc
dd if=/dev/zero of=/mnt/cyc/tail.img bs=1M count=1 2>/dev/null
tail=$(losetup -f) && losetup "$tail" /mnt/cyc/tail.img
# The file system on lisdm ends before the tail: it never writes there.
sync
check dm-grow lis-fs-test dm-linear lisdm "$dmlo" "$tail"
plan=$(lis-vssd --plan 2>&1)
rc=$?
echo "$plan"
if [ "$rc" -ne 0 ] && echo "$plan" | grep -q 'in a cycle: no safe freeze order'; then
	ok plan-cycle-refused
else
	not_ok plan-cycle-refused "lis-vssd --plan exited with $rc" "$plan"
fi
lines=$(wc -l </tmp/vssd.log)
lis-simctl backup start
if lis-simctl backup wait failed 60 && grep -qx 'last_result=failed' $VSS; then
	ok cycle-backup-fails
else
	not_ok cycle-backup-fails "$(cat $VSS)" "$(tail -n 20 /tmp/vssd.log)"
fi
wait_for 10 grep -q 'cycle: no safe freeze order, nothing frozen' /tmp/vssd.log
if tail -n +"$lines" /tmp/vssd.log | grep -q 'cycle: no safe freeze order, nothing frozen' &&
	! tail -n +"$lines" /tmp/vssd.log | grep -q '\] froze '; then
	ok cycle-froze-nothing
else
	not_ok cycle-froze-nothing "$(tail -n 20 /tmp/vssd.log)"
fi
# No sync here: a flush of lisdm would now reach the tail, whose fsync
# waits for the file system on the image inside lisdm: a cycle.
check dm-shrink lis-fs-test dm-linear lisdm "$dmlo"
losetup -d "$tail"
umount /mnt/cyc
sync

cat /tmp/vssd.log
kill "$vssd"
wait "$vssd"
check daemon-exit [ $? -eq 0 ]
umount /mnt/dm
lis-fs-test dm-remove lisdm
losetup -d "$dmlo"
umount /mnt/loop
umount /mnt/part
umount /mnt/e2
umount /mnt/e
umount /srv/s2
umount /mnt/s1
umount /mnt/bt
lis_unload lis_vss lis_sim lis_vmbus
dmesg_clean

# SPDX-License-Identifier: GPL-2.0-only
#
# Nothing stays frozen, even when a freeze never returns by itself
# (Documentation/vss.rst, "A freeze that does not return").  The freeze
# order is driven on purpose with the test client tools/lis-vss-test, the
# wrong way round:
#
#   a) ext4 /mnt/a on a virtio disk, a loop device backed by a file on it
#      with a file system /mnt/b, dirty data in /mnt/b; freeze /mnt/a, then
#      /mnt/b: that freeze blocks (its writes wait for /mnt/a's thaw).
#      lis_vss's freeze timeout fires: the host is told FREEZE failed,
#      /mnt/a is thawed at once, /mnt/b's freeze then returns and /mnt/b
#      is thawed too; nothing frozen, no hung task;
#   b) the daemon stops itself (SIGSTOP) in the middle of its freeze list:
#      the timeout thaws what it froze; continued, it freezes nothing;
#   c) as a), but the host gives up on its FREEZE and sends THAW while the
#      freeze is blocked: both are answered E_FAIL, and everything is
#      thawed at once, not at the freeze timeout;
#   d) as a), but the VSS channel is rescinded while the freeze blocks:
#      everything is thawed, the blocked freeze when it returns, and the
#      daemon is told the device went (ENODEV).
#
# lis-memory: 1G
# lis-timeout: 400
# lis-kmods: virtio_pci virtio_blk ext4 loop
# lis-disk: ext4 64M
# lis-disk: ext4 16M

SIMCTL=lis-simctl
PARAMS=/sys/module/lis_vss/parameters
HUNG=/proc/sys/kernel/hung_task_timeout_secs
mount -t debugfs none /sys/kernel/debug 2>/dev/null

# shellcheck source=tests/integration/vss-lib.sh
. /lis/vss-lib.sh
VSS_WRITE_SECONDS=3

stop_client()
{
	kill -CONT "$CLIENT" 2>/dev/null
	kill "$CLIENT" 2>/dev/null
	wait "$CLIENT" 2>/dev/null
}

# dirty_b: data in /mnt/b's page cache, so that freezing it must write
# through the loop device into /mnt/a.
dirty_b()
{
	dd if=/dev/urandom of=/mnt/b/dirty bs=64k count=32 2>/dev/null
}

# A guest left frozen cannot go on: report and end here.
give_up()
{
	not_ok "$1" "file systems still frozen; the rest cannot run" \
		"$(cat /sys/kernel/debug/lis_vss/*/stats)" "$(dmesg | tail -n 20)"
	exit 0
}

mkdir -p /mnt/a /mnt/b /mnt/c
check mount-a mount -t ext4 /dev/vda /mnt/a || exit 0
check mount-c mount -t ext4 /dev/vdb /mnt/c || exit 0
dd if=/dev/zero of=/mnt/a/img bs=1M count=16 2>/dev/null
mke2fs -F /mnt/a/img >/dev/null 2>&1
check mount-loop mount -o loop /mnt/a/img /mnt/b || exit 0
check loop-writable writable /mnt/b

# A freeze blocked for longer than this is reported as a hung task; the
# freezes here block for seconds at most.
[ -w $HUNG ] && echo 30 >$HUNG

lis_load lis_vmbus || exit 0
check load-sim-vss insmod "$LIS_MODULES/lis_sim.ko" vss_devices=1 || exit 0
lis_load lis_vss || exit 0
wait_for 20 [ -c /dev/lis_vss ]
wait_for 10 [ "$(hstat state)" = ready ]
check host-ready [ "$(hstat state)" = ready ] || exit 0
check freeze-timeout-default-15min [ "$(cat $PARAMS/freeze_timeout)" = 900 ]

# --- a) /mnt/a, then the loop-mounted /mnt/b on it: the second blocks.
echo 3 >$PARAMS/freeze_timeout
timeouts0=$(vstat timeouts)
dirty_b
client /tmp/a -n 1 -f /mnt/a -f /mnt/b
$SIMCTL backup start
wait_for 10 grep -q '^freeze /mnt/a 0$' /tmp/a
check stuck-froze-a grep -q '^freeze /mnt/a 0$' /tmp/a
wait_for 2 [ "$(vstat freezing_now)" = 1 ]
check stuck-freezing-b [ "$(vstat freezing_now)" = 1 ]
check stuck-host-failed $SIMCTL backup wait failed 20
check stuck-host-status [ "$(hstat last_status)" = 0x80004005 ]
check stuck-timeout-counted [ "$(vstat timeouts)" = $((timeouts0 + 1)) ]
wait_for 10 writable /mnt/a
check stuck-a-thawed writable /mnt/a || give_up stuck-a-left-frozen
wait_for 20 grep -q '^freeze /mnt/b' /tmp/a
check stuck-b-freeze-returned grep -q '^freeze /mnt/b ETIMEDOUT$' /tmp/a
check stuck-b-thawed writable /mnt/b || give_up stuck-b-left-frozen
check stuck-nothing-frozen [ "$(vstat frozen_now)" = 0 ]
check stuck-nothing-freezing [ "$(vstat freezing_now)" = 0 ]
check stuck-late-thaw-counted [ "$(vstat late_thaws)" = 1 ]
wait_for 10 grep -q '^reply freeze' /tmp/a
check stuck-late-reply-etimedout grep -q '^reply freeze seq=[0-9]* error=0 -> ETIMEDOUT' /tmp/a
check stuck-logged-pending sh -c 'dmesg | grep -q "1 freeze still in progress: thawed as soon as it returns"'
check stuck-logged-late sh -c 'dmesg | grep -q "froze after its backup was abandoned: thawed at once"'
wait "$CLIENT" 2>/dev/null
cat /tmp/a

# The next backup, in the right order, works.
echo 60 >$PARAMS/freeze_timeout
dirty_b
client /tmp/a2 -n 2 -f /mnt/b -f /mnt/a
$SIMCTL backup hold_ms 200
$SIMCTL backup start
check after-stuck-backup-ok $SIMCTL backup wait "done" 30
check after-stuck-writable writable /mnt/b
$SIMCTL backup hold_ms 0
stop_client

# --- b) the daemon stopped in the middle of its freeze list.
echo 3 >$PARAMS/freeze_timeout
client /tmp/b -n 1 -f /mnt/c -f /mnt/a -s 1
$SIMCTL backup start
wait_for 10 grep -q '^stopping after 1' /tmp/b
check sigstop-stopped grep -q '^freeze /mnt/c 0$' /tmp/b
check sigstop-frozen-c frozen /mnt/c
check sigstop-host-failed $SIMCTL backup wait failed 20
wait_for 5 writable /mnt/c
check sigstop-c-thawed writable /mnt/c || give_up sigstop-c-left-frozen
check sigstop-nothing-frozen [ "$(vstat frozen_now)" = 0 ]
kill -CONT "$CLIENT"
wait_for 10 grep -q '^reply freeze' /tmp/b
check sigstop-continued-einval grep -q '^freeze /mnt/a EINVAL$' /tmp/b
check sigstop-late-reply-etimedout grep -q '^reply freeze seq=[0-9]* error=0 -> ETIMEDOUT' /tmp/b
check sigstop-a-writable writable /mnt/a
check sigstop-c-writable writable /mnt/c
check sigstop-nothing-frozen-after [ "$(vstat frozen_now)" = 0 ]
wait "$CLIENT" 2>/dev/null
cat /tmp/b

# --- c) the host gives up and sends THAW while /mnt/b's freeze blocks.
echo 60 >$PARAMS/freeze_timeout
timeouts0=$(vstat timeouts)
dirty_b
client /tmp/c -n 1 -f /mnt/a -f /mnt/b
$SIMCTL backup start
wait_for 10 grep -q '^freeze /mnt/a 0$' /tmp/c
wait_for 5 [ "$(vstat freezing_now)" = 1 ]
check abort-freezing-b [ "$(vstat freezing_now)" = 1 ]
check abort-sent $SIMCTL backup abort
check abort-host-failed $SIMCTL backup wait failed 10
check abort-thaw-status [ "$(hstat last_status)" = 0x80004005 ]
check abort-freeze-status [ "$(hstat extra_status)" = 0x80004005 ]
wait_for 5 writable /mnt/a
check abort-a-thawed writable /mnt/a || give_up abort-a-left-frozen
wait_for 20 grep -q '^freeze /mnt/b' /tmp/c
check abort-b-freeze-returned grep -q '^freeze /mnt/b ETIMEDOUT$' /tmp/c
check abort-b-thawed writable /mnt/b || give_up abort-b-left-frozen
check abort-no-timeout [ "$(vstat timeouts)" = "$timeouts0" ]
check abort-nothing-frozen [ "$(vstat frozen_now)" = 0 ]
check abort-logged sh -c 'dmesg | grep -q "THAW while the daemon was freezing"'
wait_for 10 grep -q '^reply freeze' /tmp/c
wait "$CLIENT" 2>/dev/null
cat /tmp/c

# --- d) the VSS channel is rescinded while /mnt/b's freeze blocks.
dirty_b
client /tmp/d -n 1 -f /mnt/a -f /mnt/b
$SIMCTL backup start
wait_for 10 grep -q '^freeze /mnt/a 0$' /tmp/d
wait_for 5 [ "$(vstat freezing_now)" = 1 ]
check rescind-freezing-b [ "$(vstat freezing_now)" = 1 ]
relid=$(awk '$2 == "vss" && $4 == "open" { print $1 }' /sys/kernel/debug/lis_sim/devices)
check rescind-sent $SIMCTL rescind "$relid"
wait_for 10 writable /mnt/a
check rescind-a-thawed writable /mnt/a || give_up rescind-a-left-frozen
wait_for 20 grep -q '^freeze /mnt/b' /tmp/d
check rescind-b-freeze-enodev grep -q '^freeze /mnt/b ENODEV$' /tmp/d
check rescind-b-thawed writable /mnt/b || give_up rescind-b-left-frozen
wait_for 10 grep -q '^reply freeze' /tmp/d
check rescind-reply-enodev grep -q '^reply freeze seq=[0-9]* error=0 -> ENODEV' /tmp/d
wait "$CLIENT" 2>/dev/null
cat /tmp/d
check rescind-logged sh -c 'dmesg | grep -q "thawed 1 file system: the VSS channel closed"'
echo 900 >$PARAMS/freeze_timeout

check no-hung-task sh -c '! dmesg | grep -q "blocked for more than"'
cat /sys/kernel/debug/lis_vss/*/stats 2>/dev/null
lis_unload lis_vss lis_sim lis_vmbus
umount /mnt/b
dmesg_clean

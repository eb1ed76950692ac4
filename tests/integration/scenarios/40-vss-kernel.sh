# SPDX-License-Identifier: GPL-2.0-only
#
# lis_vss, kernel side, against lis_sim's backup requester and the
# scriptable client tools/lis-vss-test: negotiation, HOT_BACKUP with and
# without a daemon, a full backup with the FIFREEZE-like checks (EALREADY
# for a bind mount, EOPNOTSUPP for tmpfs, EBUSY for a file system someone
# else froze, EROFS), and every way the kernel has to thaw on its own:
# the host never sends THAW, the daemon dies while frozen, the daemon
# answers too late.  Nothing may stay frozen.
#
# lis-memory: 1G
# lis-timeout: 600
# lis-kmods: virtio_pci virtio_blk ext4
# lis-disk: ext4 16M
# lis-disk: ext4 16M
# lis-disk: ext4 16M
# lis-disk: ext4 16M

SIMCTL=lis-simctl
PARAMS=/sys/module/lis_vss/parameters
mount -t debugfs none /sys/kernel/debug 2>/dev/null

# shellcheck source=tests/integration/vss-lib.sh
. /lis/vss-lib.sh

mkdir -p /mnt/a /mnt/b /mnt/c /mnt/ro /mnt/a-bind
mount -t ext4 /dev/vda /mnt/a && mount -t ext4 /dev/vdb /mnt/b &&
	mount -t ext4 /dev/vdc /mnt/c && mount -t ext4 -o ro /dev/vdd /mnt/ro &&
	mount --bind /mnt/a /mnt/a-bind
check disks-mounted writable /mnt/a

lis_load lis_vmbus || exit 0
check load-sim-vss insmod "$LIS_MODULES/lis_sim.ko" vss_devices=1 || exit 0
lis_load lis_vss || exit 0
wait_for 20 [ -c /dev/lis_vss ]
check dev-node [ -c /dev/lis_vss ]
wait_for 10 [ "$(hstat state)" = ready ]
check host-ready [ "$(hstat state)" = ready ]
check negotiated-fw [ "$(hstat fw_version)" = 3.0 ]
check negotiated-srv [ "$(hstat srv_version)" = 5.0 ]
check guest-negotiated [ "$(vstat srv_version)" = 5.0 ]

# Bad module parameters are refused, naming the parameter.
check param-refused sh -c "! echo 0 >$PARAMS/thaw_timeout"
check param-named sh -c 'dmesg | grep -q "thaw_timeout=0 refused"'

# No daemon: HOT_BACKUP is answered E_FAIL, nothing is frozen.
$SIMCTL backup start
check no-daemon-fails $SIMCTL backup wait failed 10
check no-daemon-status [ "$(hstat last_status)" = 0x80004005 ]
check no-daemon-counted [ "$(vstat req_hot_backup)" = 1 ]
check no-daemon-nothing-frozen [ "$(vstat frozen_now)" = 0 ]

# Tracepoints on for the full backup.
TRACING=/sys/kernel/tracing
mount -t tracefs none $TRACING 2>/dev/null
echo 1 >$TRACING/events/lis_vss/enable

# Only CAP_SYS_ADMIN opens the device: the node is root's (0600), and the
# driver checks the capability itself when the node is opened up.
check open-nobody-eacces sh -c 'lis-vss-test -u 65534 | grep -qx "open EACCES"'
chmod 0666 /dev/lis_vss
check open-nobody-eperm sh -c 'lis-vss-test -u 65534 | grep -qx "open EPERM"'
chmod 0600 /dev/lis_vss

# A full backup.  /mnt/c is frozen by the administrator beforehand.
fsfreeze --freeze /mnt/c
client /tmp/c1 -2 -f /mnt/a -f /mnt/a-bind -f /mnt/b -f /mnt/c -f /mnt/ro -f /
check second-open-busy grep -q '^second-open EBUSY' /tmp/c1
$SIMCTL backup start
check backup-checkpoint $SIMCTL backup wait checkpoint 20
check frozen-a frozen /mnt/a
check frozen-b frozen /mnt/b
check freeze-ok grep -q '^freeze /mnt/a 0$' /tmp/c1
check freeze-bind-ealready grep -q '^freeze /mnt/a-bind EALREADY$' /tmp/c1
check freeze-other-ebusy grep -q '^freeze /mnt/c EBUSY$' /tmp/c1
check freeze-ro-erofs grep -q '^freeze /mnt/ro EROFS$' /tmp/c1
check freeze-tmpfs-eopnotsupp grep -q '^freeze / EOPNOTSUPP$' /tmp/c1
check stats-frozen-now [ "$(vstat frozen_now)" = 2 ]
check guest-state-frozen [ "$(vstat state)" = frozen ]
sleep 0.5
$SIMCTL backup release
check backup-done $SIMCTL backup wait "done" 20
check backup-ok [ "$(hstat last_result)" = ok ]
check thawed-a writable /mnt/a
check thawed-b writable /mnt/b
check others-freeze-kept frozen /mnt/c
fsfreeze --unfreeze /mnt/c
check stats-frozen-fs [ "$(vstat frozen_fs)" = 2 ]
echo 0 >$TRACING/events/lis_vss/enable
grep lis_vss $TRACING/trace | tail -n 8
check trace-request grep -q 'lis_vss_request: op=5 .*to_daemon=1' $TRACING/trace
check trace-answer grep -q 'lis_vss_answer: op=6 status=0x0 ' $TRACING/trace
check trace-thaw grep -q 'lis_vss_thaw: thawed=2 automatic=0' $TRACING/trace
check stats-window [ "$(vstat last_window_ms)" -ge 400 ]
echo "timings: $(grep _ms= /sys/kernel/debug/lis_sim/vss | tr '\n' ' ')"
stop_client

# The host never sends THAW: the kernel thaws after thaw_timeout.
echo 2 >$PARAMS/thaw_timeout
$SIMCTL backup fault never-thaw
client /tmp/c2 -f /mnt/a -f /mnt/b
$SIMCTL backup start
check never-thaw-checkpoint $SIMCTL backup wait checkpoint 20
check never-thaw-frozen frozen /mnt/a
wait_for 10 writable /mnt/b
check never-thaw-auto-thawed writable /mnt/a
check never-thaw-counted [ "$(vstat auto_thaws)" = 1 ]
check never-thaw-logged sh -c 'dmesg | grep -q "sent no THAW"'
$SIMCTL backup release
$SIMCTL backup fault clear
stop_client
echo 180 >$PARAMS/thaw_timeout

# The daemon dies while frozen: the host is told FREEZE failed, all thawed.
client /tmp/c3 -m die -f /mnt/a -f /mnt/b
$SIMCTL backup start
check die-host-failed $SIMCTL backup wait failed 20
check die-reported grep -q '^dying with 2 frozen' /tmp/c3
wait_for 5 writable /mnt/a
check die-thawed-a writable /mnt/a
check die-thawed-b writable /mnt/b
check die-nothing-frozen [ "$(vstat frozen_now)" = 0 ]
wait "$CLIENT" 2>/dev/null

# The daemon answers FREEZE too late: the host gets E_FAIL after
# freeze_timeout, everything is thawed, the late reply gets ETIMEDOUT.
freeze_timeout0=$(cat $PARAMS/freeze_timeout)
check freeze-timeout-15min [ "$freeze_timeout0" = 900 ]
echo 1 >$PARAMS/freeze_timeout
timeouts0=$(vstat timeouts)
client /tmp/c4 -d 2500 -n 1 -f /mnt/a
$SIMCTL backup start
check late-host-failed $SIMCTL backup wait failed 20
check late-counted [ "$(vstat timeouts)" = $((timeouts0 + 1)) ]
wait_for 5 grep -q '^reply freeze' /tmp/c4
check late-reply-etimedout grep -q '^reply freeze seq=[0-9]* error=0 -> ETIMEDOUT' /tmp/c4
check late-thawed writable /mnt/a
wait "$CLIENT" 2>/dev/null
echo "$freeze_timeout0" >$PARAMS/freeze_timeout

# The daemon never answers THAW: after thaw_reply_timeout the host gets
# E_FAIL and the kernel thaws what the daemon left frozen.
echo 1 >$PARAMS/thaw_reply_timeout
client /tmp/c5 -m hang-thaw -f /mnt/a -f /mnt/b
$SIMCTL backup start
check hang-thaw-checkpoint $SIMCTL backup wait checkpoint 20
$SIMCTL backup release
check hang-thaw-host-failed $SIMCTL backup wait failed 20
check hang-thaw-ignored grep -q '^ignoring thaw' /tmp/c5
wait_for 5 writable /mnt/a
check hang-thaw-thawed-a writable /mnt/a
check hang-thaw-thawed-b writable /mnt/b
check hang-thaw-logged sh -c 'dmesg | grep -q "thawed 2 file systems: the daemon did not answer in time"'
stop_client
echo 30 >$PARAMS/thaw_reply_timeout

# Ten backups in a row, each with a new daemon: nothing leaks or sticks.
n=0
while [ $n -lt 10 ]; do
	client /tmp/c6 -f /mnt/b -f /mnt/a
	$SIMCTL backup hold_ms 50
	$SIMCTL backup start
	$SIMCTL backup wait "done" 20 || break
	stop_client
	n=$((n + 1))
done
$SIMCTL backup hold_ms 0
stop_client
check ten-backups [ $n -eq 10 ]
check ten-backups-thawed writable /mnt/a
echo "timings: $(grep _ms= /sys/kernel/debug/lis_sim/vss | tr '\n' ' ')"

# A daemon speaking another uAPI version is refused.
check hello-eproto sh -c 'lis-vss-test -v 99 | grep -q "^hello EPROTO version=1"'

cat /sys/kernel/debug/lis_vss/*/stats
lis_unload lis_vss lis_sim lis_vmbus
dmesg_clean

# SPDX-License-Identifier: GPL-2.0-only
#
# lis-vssd against the awkward cases of a real guest (Documentation/vss.rst,
# "The daemon"):
#   - no daemon: the backup fails, nothing is frozen;
#   - a loop-mounted image inside a frozen file system is frozen before
#     it, thawed after it, and its writers are held too;
#   - a bind-mounted file, a bind-mounted directory and a read-only mount
#     are skipped (lis-vssd --plan says why);
#   - a file system frozen beforehand by fsfreeze(8) is left frozen, and
#     the backup still succeeds;
#   - hooks run pre-freeze and post-thaw; a failing pre-freeze hook fails
#     the backup with nothing frozen;
#   - the daemon SIGKILLed while frozen: the kernel thaws at once, and a
#     restarted daemon serves the next backup with nothing left frozen;
#   - a host that never sends THAW: the kernel thaws after thaw_timeout;
#   - the VSS channel rescinded and offered again: the daemon waits for
#     the device and serves the new channel.
#
# lis-memory: 512M
# lis-timeout: 600
# lis-kmods: virtio_pci virtio_blk ext4 loop
# lis-disk: ext4 64M
# lis-disk: ext4 32M
# lis-disk: ext4 16M

VSS=/sys/kernel/debug/lis_sim/vss

# probe <dir> <name>: a write to <dir> in the background; /tmp/done-<name>
# appears when it has completed.
probe()
{
	rm -f "/tmp/done-$2"
	(echo x >>"$1/probe" && touch "/tmp/done-$2") &
}

done_within()
{
	wait_for "$2" test -e "/tmp/done-$1"
}

# backup: start, wait for the window, release, wait for the end.
backup()
{
	lis-simctl backup start &&
		lis-simctl backup wait checkpoint 60 &&
		lis-simctl backup release &&
		lis-simctl backup wait done 60
}

start_daemon()
{
	lis-vssd -H /tmp/hooks -t 5 >>/tmp/vssd.log 2>&1 &
	vssd=$!
	wait_for 20 sh -c "[ \$(grep -c ' ready: ' /tmp/vssd.log) -ge $ready ]"
	ready=$((ready + 1))
}
ready=1

# rank <mount point>: its place in the daemon's freeze order (log).
rank()
{
	grep -n "\] froze $1 " /tmp/vssd.log | tail -n 1 | cut -d: -f1
}

mkdir -p /mnt/a /mnt/c /mnt/ro /mnt/loop /mnt/bind /tmp/hooks
check mount-a mount -t ext4 /dev/vda /mnt/a || exit 0
check mount-c mount -t ext4 /dev/vdb /mnt/c || exit 0
check mount-ro mount -t ext4 -o ro /dev/vdc /mnt/ro || exit 0
dd if=/dev/zero of=/mnt/a/img bs=1M count=8 2>/dev/null
mke2fs -F /mnt/a/img >/dev/null 2>&1
check mount-loop mount -o loop /mnt/a/img /mnt/loop || exit 0
mkdir -p /mnt/a/dir
touch /mnt/a/file /tmp/file-view
check bind-dir mount --bind /mnt/a/dir /mnt/bind
check bind-file mount --bind /mnt/a/file /tmp/file-view
lis_load lis_vmbus || exit 0
check load-sim-vss insmod "$LIS_MODULES/lis_sim.ko" vss_devices=1 || exit 0
lis_load lis_vss || exit 0
if ! wait_for 30 test -c /dev/lis_vss; then
	not_ok vss-device "/dev/lis_vss did not appear" "$(dmesg | tail -n 20)"
	exit 0
fi
check host-ready lis-simctl backup wait ready 120 || exit 0

# --- no daemon
lis-simctl backup start
if lis-simctl backup wait failed 60 && grep -qx 'last_result=failed' $VSS; then
	ok no-daemon-host-told
else
	not_ok no-daemon-host-told "$(cat $VSS)"
fi
probe /mnt/a nodaemon
check no-daemon-nothing-frozen done_within nodaemon 5

# --- the plan
cat >/tmp/hooks/10-log <<'HOOK'
#!/bin/sh
echo "$1" >>/tmp/hooklog
echo "hook says $1"
HOOK
chmod +x /tmp/hooks/10-log
plan=$(lis-vssd --plan)
echo "$plan"
loop_rank=$(echo "$plan" | awk '$1 == "freeze" && $3 == "/mnt/loop" { print $2 }')
a_rank=$(echo "$plan" | awk '$1 == "freeze" && $3 == "/mnt/a" { print $2 }')
if [ -n "$loop_rank" ] && [ -n "$a_rank" ] && [ "$loop_rank" -lt "$a_rank" ]; then
	ok plan-loop-first
else
	not_ok plan-loop-first "$plan"
fi
check plan-skips-file-bind sh -c "echo '$plan' | grep -q '^skip-notdir - /tmp/file-view '"
check plan-skips-dir-bind sh -c "echo '$plan' | grep -q '^skip-bind - /mnt/bind '"
check plan-skips-readonly sh -c "echo '$plan' | grep -q '^skip-readonly - /mnt/ro '"

# --- loop image, pre-frozen file system, hooks
if ! start_daemon; then
	not_ok daemon-ready "$(cat /tmp/vssd.log)"
	exit 0
fi
ok daemon-ready
check fsfreeze-c fsfreeze --freeze /mnt/c
if lis-simctl backup start && lis-simctl backup wait checkpoint 60; then
	ok checkpoint
	probe /mnt/loop loop
	sleep 2
	if [ -e /tmp/done-loop ]; then
		not_ok loop-held "a write to the loop-mounted image completed in the window"
	else
		ok loop-held
	fi
	lis-simctl backup release
fi
check backup-with-loop-and-prefrozen lis-simctl backup wait done 60
check backup-result grep -qx 'last_result=ok' $VSS
check loop-resumed done_within loop 10
if [ -n "$(rank /mnt/loop)" ] && [ "$(rank /mnt/loop)" -lt "$(rank /mnt/a)" ]; then
	ok froze-loop-first
else
	not_ok froze-loop-first "$(cat /tmp/vssd.log)"
fi
check prefrozen-logged grep -q '/mnt/c: already frozen by someone else' /tmp/vssd.log
probe /mnt/c prefrozen
sleep 2
if [ -e /tmp/done-prefrozen ]; then
	not_ok prefrozen-left-frozen "lis-vssd thawed a file system it had not frozen"
else
	ok prefrozen-left-frozen
fi
fsfreeze --unfreeze /mnt/c
check prefrozen-thawed-by-owner done_within prefrozen 10
check hooks-ran sh -c '[ "$(cat /tmp/hooklog | tr "\n" " ")" = "pre-freeze post-thaw " ]'
check hook-output-logged grep -q 'hook /tmp/hooks/10-log: hook says post-thaw' /tmp/vssd.log

# --- a failing pre-freeze hook
cat >/tmp/hooks/20-fail <<'HOOK'
#!/bin/sh
[ "$1" = pre-freeze ] && exit 3
exit 0
HOOK
chmod +x /tmp/hooks/20-fail
: >/tmp/hooklog
lis-simctl backup start
if lis-simctl backup wait failed 60; then
	ok failing-hook-fails-backup
else
	not_ok failing-hook-fails-backup "$(cat $VSS)" "$(tail -n 20 /tmp/vssd.log)"
fi
probe /mnt/a hookfail
check failing-hook-nothing-frozen done_within hookfail 5
# 10-log ran pre-freeze, then post-thaw when 20-fail failed
check failing-hook-undone sh -c '[ "$(cat /tmp/hooklog | tr "\n" " ")" = "pre-freeze post-thaw " ]'
rm /tmp/hooks/20-fail

# --- the daemon killed while frozen
if lis-simctl backup start && lis-simctl backup wait checkpoint 60; then
	probe /mnt/a killed
	sleep 1
	kill -9 "$vssd"
	check thawed-when-daemon-killed done_within killed 10
	lis-simctl backup release
	lis-simctl backup wait done 60 || lis-simctl backup wait failed 5
	# The file systems were thawed before the host's checkpoint ended:
	# the host should hear that its backup may not be consistent.
	if grep -qx 'last_result=failed' $VSS; then
		ok daemon-killed-host-told
	else
		not_ok daemon-killed-host-told "lis_vss answered the THAW with $(grep -E '^last_(result|status)=' $VSS | tr '\n' ' ')after thawing on the daemon's death"
	fi
else
	not_ok thawed-when-daemon-killed "no checkpoint: $(cat $VSS)"
fi
wait "$vssd" 2>/dev/null
if start_daemon; then
	ok daemon-restarted
else
	not_ok daemon-restarted "$(tail -n 20 /tmp/vssd.log)"
fi
check backup-after-restart backup
check backup-after-restart-result grep -qx 'last_result=ok' $VSS

# --- the host never sends THAW: the kernel's thaw_timeout
if [ -w /sys/module/lis_vss/parameters/thaw_timeout ]; then
	echo 3 >/sys/module/lis_vss/parameters/thaw_timeout
	if lis-simctl backup start && lis-simctl backup wait checkpoint 60; then
		probe /mnt/a nothaw
		sleep 1
		if [ -e /tmp/done-nothaw ]; then
			not_ok never-thaw-frozen "not frozen in the window"
		else
			ok never-thaw-frozen
		fi
		check never-thaw-auto-thawed done_within nothaw 15
		check never-thaw-daemon-alive kill -0 "$vssd"
		lis-simctl backup release
		lis-simctl backup wait done 60 || lis-simctl backup wait failed 5
		# The checkpoint outlived the freeze: the host must hear it.
		check never-thaw-host-told grep -qx 'last_result=failed' $VSS
		check never-thaw-daemon-noticed grep -q 'the kernel had thawed the rest on its own' /tmp/vssd.log
	else
		not_ok never-thaw-frozen "no checkpoint: $(cat $VSS)"
	fi
	echo 180 >/sys/module/lis_vss/parameters/thaw_timeout
	check backup-after-auto-thaw backup
else
	not_ok never-thaw "no writable thaw_timeout parameter"
fi

# --- the channel goes away and comes back: the daemon waits, reconnects
relid=$(lis-simctl devices | awk '$2 == "vss" && $4 == "open" { print $1; exit }')
if [ -n "$relid" ] && lis-simctl rescind "$relid"; then
	check daemon-saw-device-go wait_for 20 grep -q '/dev/lis_vss went away' /tmp/vssd.log
	check daemon-alive-without-device kill -0 "$vssd"
	lis-simctl offer vss
	check daemon-reconnected wait_for 60 sh -c "[ \$(grep -c ' ready: ' /tmp/vssd.log) -ge $ready ]"
	lis-simctl backup wait ready 120
	check backup-after-reoffer backup
else
	not_ok rescind-vss "no open VSS channel to rescind:" "$(lis-simctl devices)"
fi

cat /tmp/vssd.log
kill "$vssd"
wait "$vssd"
umount /tmp/file-view
umount /mnt/bind
umount /mnt/loop
umount /mnt/ro
umount /mnt/c
umount /mnt/a
lis_unload lis_vss lis_sim lis_vmbus
dmesg_clean

# SPDX-License-Identifier: GPL-2.0-only
#
# A live backup end to end: lis-vssd freezes an ext4 and an XFS disk for
# the simulated host's backup, while two writers append checksummed
# records to them; during the checkpoint window the host copies both disks
# with QMP drive-backup.  Checks:
#   - the copies taken in the window need no journal or log replay
#     (copy-frozen-disk*-clean, checked on the host), while copies taken
#     while writing, without a freeze, do (copy-live-disk*-dirty): proof
#     that the check can fail;
#   - no write started in the window completed before the release, one
#     write per writer was held across it, and writing resumed after;
#   - the daemon wrote no log line during the window, and logged the held
#     lines and what it thawed, in reverse order, afterwards;
#   - every record a writer was told was written is on disk afterwards,
#     after a remount, in order, with its checksum.
#
# lis-memory: 512M
# lis-timeout: 500
# lis-kmods: virtio_pci virtio_blk ext4 xfs
# lis-disk: ext4 64M
# lis-disk: xfs 300M
# lis-host: agent

VSS=/sys/kernel/debug/lis_sim/vss

up()
{
	cut -d' ' -f1 /proc/uptime
}

# writer <dir>: append "n md5" records; after each write returned, note
# "n start end" (uptime seconds) in /tmp/told-<name>.
writer()
{
	told=/tmp/told-${1##*/}
	n=0
	while [ ! -e /tmp/stop ]; do
		n=$((n + 1))
		t1=$(up)
		echo "$n $(echo "$1 $n" | md5sum | cut -c1-32)" >>"$1/log"
		echo "$n $t1 $(up)" >>"$told"
	done
}

# verify <dir>: the records are 1..N in order, N >= the last one told, and
# the checksums of the last told record and of a sample are right.
verify()
{
	told=/tmp/told-${1##*/}
	last=$(tail -n 1 "$told" | cut -d' ' -f1)
	bad=$(awk '$1 != NR || length($2) != 32 { print "line " NR ": " $0; exit }' "$1/log")
	lines=$(wc -l <"$1/log")
	if [ -n "$bad" ] || [ "$lines" -lt "$last" ]; then
		not_ok "records-${1##*/}" "told $last records, file has $lines: $bad"
		return
	fi
	for n in 1 $((last / 2 + 1)) "$last"; do
		want=$(echo "$1 $n" | md5sum | cut -c1-32)
		got=$(sed -n "${n}p" "$1/log" | cut -d' ' -f2)
		if [ "$want" != "$got" ]; then
			not_ok "records-${1##*/}" "record $n: checksum $got, want $want"
			return
		fi
	done
	ok "records-${1##*/}"
	echo "lis-test: ${1##*/}: $last records told, $lines on disk"
}

# window <dir> <frozen at> <released at>: how the writer fared.
window()
{
	told=/tmp/told-${1##*/}
	during=$(awk -v f="$2" -v r="$3" '$2 > f && $3 < r' "$told" | head -n 3)
	held=$(awk -v f="$2" -v r="$3" '$2 < r && $3 >= r' "$told" | head -n 1)
	after=$(awk -v r="$3" '$2 >= r' "$told" | wc -l)
	if [ -n "$during" ]; then
		not_ok "blocked-${1##*/}" "writes started and completed within the window ($2 .. $3 s):" "$during"
	elif [ -z "$held" ]; then
		not_ok "blocked-${1##*/}" "no write was held across the release at $3 s" "$(tail -n 5 "$told")"
	else
		ok "blocked-${1##*/}"
		echo "lis-test: ${1##*/}: held write: $held"
	fi
	if [ "$after" -gt 0 ]; then
		ok "resumed-${1##*/}"
	else
		not_ok "resumed-${1##*/}" "no write after the release"
	fi
}

mkdir -p /mnt/a /mnt/b
check mount-ext4 mount -t ext4 /dev/vda /mnt/a || exit 0
check mount-xfs mount -t xfs /dev/vdb /mnt/b || exit 0
# The daemon starts first, as at boot: it waits for the device.
lis-vssd >/tmp/vssd.log 2>&1 &
vssd=$!
check daemon-waits wait_for 10 grep -q 'waiting for /dev/lis_vss' /tmp/vssd.log

lis_load lis_vmbus || exit 0
check load-sim-vss insmod "$LIS_MODULES/lis_sim.ko" vss_devices=1 || exit 0
lis_load lis_vss || exit 0
if ! wait_for 30 test -c /dev/lis_vss; then
	not_ok vss-device "/dev/lis_vss did not appear" "$(dmesg | tail -n 20)"
	exit 0
fi
check host-ready lis-simctl backup wait ready 120 || exit 0

if wait_for 20 grep -q ' ready: ' /tmp/vssd.log; then
	ok daemon-ready
else
	not_ok daemon-ready "$(cat /tmp/vssd.log)"
	exit 0
fi

plan=$(lis-vssd --plan)
echo "$plan"
if echo "$plan" | grep -q '^freeze [0-9]* /mnt/a ext4 ' &&
	echo "$plan" | grep -q '^freeze [0-9]* /mnt/b xfs '; then
	ok plan
else
	not_ok plan "both disks should be frozen:" "$plan"
fi

writer /mnt/a &
writers=$!
writer /mnt/b &
writers="$writers $!"
sleep 3
# Changes in XFS's on-disk log, so that the freeze has something to clean.
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
log_size=$(wc -c </tmp/vssd.log)
ok checkpoint
host_copy frozen clean
sleep 2
released_at=$(up)
check log-quiet-while-frozen [ "$(wc -c </tmp/vssd.log)" -eq "$log_size" ]
check backup-release lis-simctl backup release
check backup-done lis-simctl backup wait done 60
check backup-result grep -qx 'last_result=ok' $VSS
grep -E '^(freeze|checkpoint|thaw|total)_ms=' $VSS | sed 's/^/lis-test: /'

sleep 3
# Without a freeze: ext4 is marked needs_recovery while mounted, and the
# sync puts the latest changes into XFS's log.
sync
host_copy live dirty
touch /tmp/stop
# shellcheck disable=SC2086 # a list of pids
wait $writers

window /mnt/a "$frozen_at" "$released_at"
window /mnt/b "$frozen_at" "$released_at"

cat /tmp/vssd.log
check daemon-held-lines grep -q '\[frozen +[0-9]* ms\] froze /mnt/a' /tmp/vssd.log
# thawed in exact reverse of the freeze order
froze=$(sed -n 's/.*\] froze \([^ ]*\) .*/\1/p' /tmp/vssd.log | tr '\n' ' ')
thawed=$(sed -n 's/.*: thawed \(.*\)$/\1/p' /tmp/vssd.log | tac | tr '\n' ' ')
if [ -n "$froze" ] && [ "$froze" = "$thawed" ]; then
	ok daemon-thaw-order
else
	not_ok daemon-thaw-order "froze: $froze; thawed (reversed): $thawed"
fi

kill "$vssd"
wait "$vssd"
check daemon-exit [ $? -eq 0 ]

umount /mnt/a && umount /mnt/b &&
	mount -t ext4 /dev/vda /mnt/a && mount -t xfs /dev/vdb /mnt/b
verify /mnt/a
verify /mnt/b
umount /mnt/a
umount /mnt/b
lis_unload lis_vss lis_sim lis_vmbus
dmesg_clean

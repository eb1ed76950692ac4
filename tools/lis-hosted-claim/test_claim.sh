#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# lis-hosted-claim against a fake sysfs (LIS_SYSFS): what it binds, what
# it refuses and that a refusal changes nothing.  TAP on stdout.

CLAIM=$(dirname "$0")/lis-hosted-claim
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
n=0
failed=0
DM="{525074dc-8985-46e2-8057-a307dc18a502}"
VSS="{35fa2e29-ea23-4236-96ae-3a6ebacba440}"

result()	# result <name> <true|false>
{
	n=$((n + 1))
	if [ "$2" = true ]; then
		echo "ok $n $1"
	else
		echo "not ok $n $1"
		failed=$((failed + 1))
	fi
}

check()		# check <name> <command...>
{
	name=$1
	shift
	if "$@"; then result "$name" true; else result "$name" false; fi
}

# fake <device> <class> [driver]: a vmbus device, bound to [driver]
fake()
{
	d=$T/sys/bus/vmbus/devices/$1
	mkdir -p "$d" "$T/sys/bus/vmbus/drivers/lis_hvbridge"
	echo "$2" >"$d/class_id"
	: >"$d/driver_override"
	: >"$T/sys/bus/vmbus/drivers/lis_hvbridge/bind"
	if [ -n "${3:-}" ]; then
		mkdir -p "$T/sys/bus/vmbus/drivers/$3"
		: >"$T/sys/bus/vmbus/drivers/$3/unbind"
		ln -s "../../drivers/$3" "$d/driver"
	fi
}

run()		# run <args...>: status in $rc, stderr in $T/err
{
	LIS_SYSFS=$T/sys LIS_MOUNTS=$T/mounts LIS_FSFREEZE=$T/fsfreeze \
		"$CLAIM" "$@" 2>"$T/err"
	rc=$?
}

: >"$T/mounts"
# The fake fsfreeze: /srv is frozen (a backup is running), / is not.
cat >"$T/fsfreeze" <<'END'
#!/bin/sh
echo "$*" >>"${0%/*}/fsfreeze.log"
case $* in
"--freeze /srv")
	echo "fsfreeze: /srv: freeze failed: Device or resource busy" >&2
	exit 1 ;;
esac
END
chmod +x "$T/fsfreeze"

# No in-kernel VMBus: exit 2, one clear line, nothing written.
run
check no-vmbus-exit-2 [ "$rc" -eq 2 ]
check no-vmbus-says-why grep -q "not on Hyper-V" "$T/err"
check no-vmbus-nothing-changed [ ! -e "$T/sys" ]

# An unbound DM device is bound to lis_hvbridge through driver_override.
fake dm1 "$DM"
run
check dm-unbound-claimed [ "$rc" -eq 0 ]
check dm-override-set grep -qx lis_hvbridge "$T/sys/bus/vmbus/devices/dm1/driver_override"
check dm-bound grep -qx dm1 "$T/sys/bus/vmbus/drivers/lis_hvbridge/bind"
rm -rf "$T/sys"

# DM bound to hv_balloon: refused, with what to do, and nothing changed.
fake dm1 "$DM" hv_balloon
run
check dm-balloon-refused [ "$rc" -eq 1 ]
check dm-balloon-says-what-to-do grep -q "blacklist hv_balloon" "$T/err"
check dm-balloon-no-override [ ! -s "$T/sys/bus/vmbus/devices/dm1/driver_override" ]
check dm-balloon-no-bind [ ! -s "$T/sys/bus/vmbus/drivers/lis_hvbridge/bind" ]
rm -rf "$T/sys"

# VSS bound to hv_utils, no backup running: unbound from hv_utils, bound.
fake vss1 "$VSS" hv_utils
run vss1
check vss-claimed [ "$rc" -eq 0 ]
check vss-unbound grep -qx vss1 "$T/sys/bus/vmbus/drivers/hv_utils/unbind"
check vss-bound grep -qx vss1 "$T/sys/bus/vmbus/drivers/lis_hvbridge/bind"
rm -rf "$T/sys"

# A backup is running (a file system is frozen): refused, nothing changed;
# the file system that could be frozen was thawed again at once.
fake vss1 "$VSS" hv_utils
printf '/dev/vda1 / ext4 rw,relatime 0 0\n/dev/vdb /srv ext4 rw 0 0\n' >"$T/mounts"
run
check vss-backup-refused [ "$rc" -eq 1 ]
check vss-backup-says-why grep -q "backup is in progress (/srv is frozen)" "$T/err"
check vss-backup-not-unbound [ ! -s "$T/sys/bus/vmbus/drivers/hv_utils/unbind" ]
check vss-backup-no-override [ ! -s "$T/sys/bus/vmbus/devices/vss1/driver_override" ]
check vss-backup-probe-thawed grep -qx -- "--unfreeze /" "$T/fsfreeze.log"
: >"$T/mounts"
rm -rf "$T/sys"

# Already lis_hvbridge's, or another class: nothing to do.
fake vss1 "$VSS" lis_hvbridge
fake kvp1 "{a9a0f4e7-5a45-4d96-b827-8a841e8c03e6}" hv_utils
run
check already-claimed-ok [ "$rc" -eq 0 ]
check other-class-untouched [ ! -s "$T/sys/bus/vmbus/drivers/hv_utils/unbind" ]
run kvp1
check one-other-class-refused [ "$rc" -eq 1 ]
rm -rf "$T/sys"

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]

# SPDX-License-Identifier: GPL-2.0-only
#
# lis_vss against a misbehaving host (lis_sim's VSS fault modes): a
# rescind while frozen thaws everything and the daemon sees the device go;
# an oversized FREEZE, a truncated packet, operations whose icmsgsize
# understates their body, a second FREEZE while frozen and
# a THAW without FREEZE are each answered and leave nothing frozen; an old
# host (no VSS 5.0) is refused cleanly; removing the host with the daemon
# attached unloads cleanly.  None of it may crash or warn.
#
# lis-memory: 1G
# lis-timeout: 600
# lis-kmods: virtio_pci virtio_blk ext4
# lis-disk: ext4 16M

SIMCTL=lis-simctl
mount -t debugfs none /sys/kernel/debug 2>/dev/null

# shellcheck source=tests/integration/vss-lib.sh
. /lis/vss-lib.sh

vss_relid()
{
	awk '$2 == "vss" && $4 == "open" { print $1 }' /sys/kernel/debug/lis_sim/devices
}

# run_fault <name> <fault> <final state> [release]: one backup with a
# fault armed; "release" ends its checkpoint window.
run_fault()
{
	$SIMCTL backup fault "$2"
	$SIMCTL backup start
	if [ "${4:-}" = release ]; then
		$SIMCTL backup wait checkpoint 20 >/dev/null 2>&1 &&
			$SIMCTL backup release
	fi
	check "$1-ends-$3" $SIMCTL backup wait "$3" 20
	check "$1-nothing-frozen" [ "$(vstat frozen_now)" = 0 ]
	check "$1-writable" writable /mnt/a
	$SIMCTL backup fault clear
}

mkdir -p /mnt/a
mount -t ext4 /dev/vda /mnt/a
check disk-mounted writable /mnt/a

# The device node exists only while a VSS channel is open; the driver is
# autoloaded by the device's modalias.
lis_load lis_vmbus lis_sim || exit 0
check no-dev-without-channel [ ! -e /dev/lis_vss ]
$SIMCTL offer vss
wait_for 10 [ -n "$(awk '$2 == "vss" { print $1 }' /sys/kernel/debug/lis_sim/devices)" ]
for d in /sys/bus/lis_vmbus/devices/*; do
	[ "$(cat "$d/modalias")" = lis_vmbus:292efa3523ea364296ae3a6ebacba440 ] && dev=$d
done
check vss-modalias [ -n "${dev:-}" ]
kdir=/lib/modules/$(uname -r)
mkdir -p "$kdir/extra"
cp "$LIS_MODULES"/*.ko "$kdir/extra/"
depmod
check autoload-by-modalias modprobe "$(cat "$dev/modalias")"
wait_for 20 [ -c /dev/lis_vss ]
check dev-with-channel [ -c /dev/lis_vss ]
wait_for 10 [ "$(hstat state)" = ready ]
check host-ready [ "$(hstat state)" = ready ]

client /tmp/c1 -f /mnt/a
check client-hello grep -q '^hello 0' /tmp/c1

# Oversized FREEZE: bigger than the guest's buffer; answered E_FAIL.
malformed0=$(vstat malformed)
run_fault oversized oversized-freeze failed
check oversized-status [ "$(hstat last_status)" = 0x80004005 ]
check oversized-counted [ "$(vstat malformed)" -gt "$malformed0" ]

# Truncated: a runt packet is dropped, a short body gets E_INVALIDARG.
run_fault truncated truncated failed
check truncated-status [ "$(hstat last_status)" = 0x80070057 ]
check truncated-logged sh -c 'dmesg | grep -q "truncated VSS message"'

# icmsgsize below the body the packet holds: judged by the received
# length, the backup goes through.
run_fault loose-sizes loose-sizes "done" release
check loose-sizes-ok [ "$(hstat last_result)" = ok ]

# A second FREEZE while frozen: refused, the first backup completes.
busy0=$(vstat busy)
run_fault double-freeze double-freeze "done" release
check double-freeze-refused [ "$(hstat extra_status)" = 0x80004005 ]
check double-freeze-ok [ "$(hstat last_result)" = ok ]
check double-freeze-counted [ "$(vstat busy)" -gt "$busy0" ]

# THAW without FREEZE: answered S_OK.
run_fault thaw-alone thaw-without-freeze "done"
check thaw-alone-ok [ "$(hstat last_result)" = ok ]

# Rescind while frozen: thawed, the device goes, the daemon gets ENODEV.
$SIMCTL backup fault rescind-frozen
$SIMCTL backup start
wait_for 20 [ ! -e /dev/lis_vss ]
check rescind-removes-dev [ ! -e /dev/lis_vss ]
check rescind-thawed writable /mnt/a
wait_for 10 grep -q '^hangup' /tmp/c1
check rescind-daemon-told grep -q '^hangup read ENODEV' /tmp/c1
# Whichever comes first, the daemon's close or the device's removal thaws.
check rescind-logged sh -c 'dmesg | grep -qE "thawed 1 file system: the (VSS channel closed|daemon closed)"'
wait "$CLIENT" 2>/dev/null
$SIMCTL backup fault clear

# A new offer brings the device back; a backup works again.
$SIMCTL offer vss
wait_for 20 [ -c /dev/lis_vss ]
check reoffer-dev [ -c /dev/lis_vss ]
wait_for 10 [ "$(hstat state)" = ready ]
client /tmp/c2 -f /mnt/a
$SIMCTL backup hold_ms 300
$SIMCTL backup start
check reoffer-backup-done $SIMCTL backup wait "done" 20
check reoffer-writable writable /mnt/a
$SIMCTL backup hold_ms 0
echo "timings: $(grep _ms= /sys/kernel/debug/lis_sim/vss | tr '\n' ' ')"

# An old host (VSS 4.0 and 3.0 only) is refused at each attempt.
$SIMCTL backup age old
$SIMCTL rescind "$(vss_relid)"
wait_for 20 [ ! -e /dev/lis_vss ]
wait "$CLIENT" 2>/dev/null
$SIMCTL offer vss
check old-host-refused $SIMCTL backup wait failed 20
check old-host-no-version [ "$(hstat srv_version)" = 0.0 ]
check old-host-counted [ "$(vstat refused_hosts)" = 2 ]
check old-host-logged sh -c 'dmesg | grep -q "offers no VSS 5.0"'
$SIMCTL backup age new

# Unloading the host with a daemon attached: the daemon sees ENODEV.
$SIMCTL rescind "$(vss_relid)"
wait_for 20 [ ! -e /dev/lis_vss ]
$SIMCTL offer vss
wait_for 20 [ -c /dev/lis_vss ]
client /tmp/c3 -f /mnt/a
lis_unload lis_sim
wait_for 10 grep -q '^hangup' /tmp/c3
check unload-daemon-told grep -q '^hangup read ENODEV' /tmp/c3
wait "$CLIENT" 2>/dev/null
lis_unload lis_vss lis_vmbus
rm -f "$kdir"/extra/lis_*.ko
dmesg_clean

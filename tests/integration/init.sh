#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# /init of an integration guest (busybox sh), packed by
# scripts/run-integration.sh with:
#   /lis/lib.sh           the scenario helpers
#   /lis/scenario.sh      the scenario under test
#   /lis/modules/*.ko     lis's modules, as dkms built them for this kernel
#   /lis/kmods/*.ko       stock modules the scenario declared (lis-kmods:),
#                         loaded in /lis/kmods/order's order before it runs
#   /usr/bin/*            lis's userspace tools, when tools/ exists
# The scenario runs in a subshell, so neither its "exit" nor its failure
# can end init; an explicit non-zero "exit" is a failed result.  The result channel (ttyS1) gets LIS-BEGIN, the scenario's
# TAP lines, and LIS-DONE once the scenario returned; then the guest
# powers off.

/bin/busybox mount -t proc proc /proc
/bin/busybox --install -s /bin
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t debugfs debugfs /sys/kernel/debug
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
export PATH=/usr/bin:/usr/sbin:/bin:/sbin
RESULT=/dev/ttyS1

echo "LIS-BEGIN $(uname -r)" >>"$RESULT"
if [ -s /lis/kmods/order ]; then
	# One file name a line; '?' marks one that may refuse to load.
	while read -r ko; do
		case $ko in
		"?"*) insmod "/lis/kmods/${ko#?}" || echo "lis-init: optional ${ko#?} did not load" ;;
		*) out=$(insmod "/lis/kmods/$ko" 2>&1) ||
			printf 'not ok kmod-%s\n# insmod %s: %s\n' "${ko%.ko}" "$ko" "$out" >>"$RESULT" ;;
		esac
	done </lis/kmods/order
fi

echo "lis-init: running scenario on $(uname -r)"
(
	cd /tmp || exit 1
	LIS_RESULT=$RESULT
	# shellcheck source=tests/integration/lib.sh
	. /lis/lib.sh
	# shellcheck disable=SC1091 # the scenario is copied in by the host
	. /lis/scenario.sh
	# Falling off the end is success, whatever the last helper returned
	# (its failure is already a result); only "exit N" reports N.
	exit 0
)
rc=$?
echo "lis-init: scenario exited with $rc"
[ "$rc" -eq 0 ] || printf 'not ok scenario-exit\n# the scenario exited with status %s\n' "$rc" >>"$RESULT"

echo "LIS-DONE" >>"$RESULT"
sync
poweroff -f
# No ACPI power-off: a reboot ends QEMU too (-no-reboot).
reboot -f

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
#
# On a kernel with kmemleak (the debug series' test kernel, where all but
# lis's modules are built in), the leaks of the boot are scanned for and
# cleared before the scenario (console marker LIS-KMEMLEAK-BASELINE).
# After it every lis module still loaded is unloaded, kmemleak scans twice
# and every report is judged: one naming lis code (a lis_ symbol, or a
# backtrace line that is a bare module-area address, one that no longer
# resolves: only lis's modules were ever loaded) fails "kmemleak-lis";
# the others go to the console.

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

KMEMLEAK=/sys/kernel/debug/kmemleak

# kmemleak reports only objects older than 5 s.
leak_scan()
{
	sleep 5.5
	echo scan >"$KMEMLEAK"
}

if [ -w "$KMEMLEAK" ]; then
	leak_scan
	cat "$KMEMLEAK" >/dev/console
	echo clear >"$KMEMLEAK"
	echo "LIS-KMEMLEAK-BASELINE" >/dev/console
fi

# leak_check: after the scenario, on a kmemleak kernel.
leak_check()
{
	local mod left="" report lis

	for mod in lis_echo lis_balloon lis_vss lis_sim lis_vmbus; do
		grep -q "^$mod " /proc/modules || continue
		left="$left $mod"
		rmmod "$mod" || echo "lis-init: rmmod $mod failed"
	done
	[ -n "$left" ] && echo "lis-init: unloaded what the scenario left:$left"
	leak_scan
	leak_scan
	report=$(cat "$KMEMLEAK")
	lis=$(echo "$report" | awk '
		/^unreferenced object/ { if (hit) print obj; obj = ""; hit = 0 }
		{ obj = obj $0 "\n" }
		/\[lis_|(^|[ <])lis_[a-z0-9_]+\+0x|^ *(\[<[0-9a-f]+>\] )?0xffffffff[a-f][0-9a-f]+$/ { hit = 1 }
		END { if (hit) print obj }')
	if [ -n "$lis" ]; then
		printf 'not ok kmemleak-lis\n' >>"$RESULT"
		printf '%b\n' "$lis" | head -n 60 | sed 's/^/# /' >>"$RESULT"
		printf '%b\n' "$lis" >/dev/console
	else
		echo "ok kmemleak-lis" >>"$RESULT"
	fi
	if [ -n "$report" ]; then
		echo "lis-init: kmemleak's full report (reports not naming lis are the kernel's own):"
		echo "$report"
	fi
}

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
[ -w "$KMEMLEAK" ] && leak_check

echo "LIS-DONE" >>"$RESULT"
sync
# Without ACPI (the debug series' test kernel) power-off only halts, and
# never returns: there a reboot ends QEMU (-no-reboot).
[ -d /sys/firmware/acpi ] && poweroff -f
reboot -f

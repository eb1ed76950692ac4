# SPDX-License-Identifier: GPL-2.0-only
#
# lis_vmbus on a machine that is not Hyper-V (QEMU): hosted mode's claim
# script refuses; the native Hyper-V
# provider does not attach and says so in one line; the native= parameter
# is validated; the modules' reference counts refuse an unload in the
# wrong order; and the reboot notifier's UNLOAD reaches the host.
#
# lis-timeout: 300

SIM=/sys/kernel/debug/lis_sim

# vmbus_lines: lis_vmbus's own dmesg lines (not the kernel's taint notes)
vmbus_lines()
{
	dmesg | grep "lis_vmbus: " | grep -vc taint
}

# --- hosted mode's claim script, off Hyper-V -----------------------------
# No in-kernel VMBus here: it says so, exits 2 and changes nothing (it
# does not even load lis_hvbridge).
lis-hosted-claim 2>/tmp/claim.err
check claim-not-hyperv-exit-2 [ $? -eq 2 ]
check claim-not-hyperv-says-why grep -q "lis-hosted-claim: not on Hyper-V" /tmp/claim.err
check claim-not-hyperv-one-line [ "$(wc -l </tmp/claim.err)" -eq 1 ]
check claim-not-hyperv-nothing-loaded [ ! -d /sys/module/lis_hvbridge ]

# --- not Hyper-V, no simulator -------------------------------------------
dmesg -c >/dev/null
lis_load lis_vmbus || exit 0
check not-hyperv-one-line [ "$(vmbus_lines)" -eq 1 ]
check not-hyperv-says-why sh -c \
	'dmesg | grep -q "lis_vmbus: not running on Hyper-V: waiting for a simulated host (lis_sim)"'
check native-default-y [ "$(cat /sys/module/lis_vmbus/parameters/native)" = Y ]
check no-devices-without-host [ -z "$(ls /sys/bus/lis_vmbus/devices/)" ]
lis_unload lis_vmbus

if insmod "$LIS_MODULES/lis_vmbus.ko" native=maybe 2>/dev/null; then
	not_ok native-bad-value-refused "insmod native=maybe succeeded"
	rmmod lis_vmbus
else
	ok native-bad-value-refused
fi
check native-bad-value-named sh -c 'dmesg | grep -q "native"'

dmesg -c >/dev/null
check load-native-0 insmod "$LIS_MODULES/lis_vmbus.ko" native=0
check native-0-shown [ "$(cat /sys/module/lis_vmbus/parameters/native)" = N ]
check native-0-one-line [ "$(vmbus_lines)" -eq 1 ]

# --- unload order is enforced by module references ------------------------
lis_load lis_sim lis_echo || exit 0
if rmmod lis_vmbus 2>/dev/null; then
	not_ok unload-core-first-refused "rmmod lis_vmbus succeeded with lis_sim loaded"
	exit 0
fi
ok unload-core-first-refused
if rmmod lis_sim 2>/dev/null; then
	ok unload-host-with-driver-loaded
	check devices-gone-with-host [ -z "$(ls /sys/bus/lis_vmbus/devices/)" ]
	lis_load lis_sim
else
	not_ok unload-host-with-driver-loaded "rmmod lis_sim failed"
fi

# --- reboot: UNLOAD reaches the host --------------------------------------
# The host holds UNLOAD_RESPONSE back for 3 s, so the guest's reboot
# notifier is still waiting while a watcher sees UNLOAD in the host's
# trace; only then does the watcher write the done marker.  Without the
# UNLOAD the reboot ends the guest before it: "done" fails.
echo clear >"$SIM/trace"
echo "delay UNLOAD_RESPONSE 3000" >"$SIM/faults"
(
	i=0
	while [ $i -lt 100 ]; do
		if grep -q "g2h msg UNLOAD" "$SIM/trace"; then
			ok unload-on-reboot
			echo LIS-DONE >>"$LIS_RESULT"
			exit 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
) &
sync
reboot -f
sleep 30
not_ok unload-on-reboot "reboot -f returned"

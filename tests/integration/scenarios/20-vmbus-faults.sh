# SPDX-License-Identifier: GPL-2.0-only
#
# A host that misbehaves: older protocol versions (the guest steps down to
# them), a refused open, and corrupted ring indices and descriptors.  A
# corrupted channel is marked broken with one log line and nothing worse;
# the other channel keeps working; a new offer of the device works again.
#
# lis-memory: 1G
# lis-timeout: 600

SIM=/sys/kernel/debug/lis_sim
mount -t debugfs none /sys/kernel/debug 2>/dev/null

# open_echos: sysfs paths of the open echo devices, one per line.
open_echos()
{
	lis_devices "$LIS_ECHO_CLASS" open
}

have_echos()
{
	[ "$(open_echos | wc -l)" -ge "$1" ]
}

# echo_run <dev> <packets> <bytes>: print lis_echo's result line.
echo_run()
{
	local run=/sys/kernel/debug/lis_echo/$(basename "$1")/run

	echo "$2 $3" >"$run" 2>/dev/null
	cat "$run"
}

lis_load lis_vmbus || exit 0

# The guest offers 6.0 first and steps down until the host accepts.
for v in 5.2 4.0 3.0 2.4; do
	dmesg -c >/dev/null
	if insmod "$LIS_MODULES/lis_sim.ko" version=$v; then
		check "version-fallback-$v" \
			sh -c "dmesg | grep -q 'connected to lis_sim, VMBus protocol $v\$'"
		rmmod lis_sim
	else
		not_ok "version-fallback-$v" "insmod lis_sim version=$v failed" \
			"$(dmesg | tail -n 10)"
	fi
done
if insmod "$LIS_MODULES/lis_sim.ko" version=1.0 2>/dev/null; then
	not_ok bad-version-param-refused "lis_sim accepted version=1.0"
	rmmod lis_sim
else
	check bad-version-param-named sh -c "dmesg | tail -n 5 | grep -q version"
fi

insmod "$LIS_MODULES/lis_sim.ko" echo_devices=2 &&
	insmod "$LIS_MODULES/lis_echo.ko"
if ! wait_for 20 have_echos 2; then
	not_ok two-echo-devices "expected 2 open echo devices" \
		"$(dmesg | tail -n 20)"
	exit 0
fi
ok two-echo-devices
a=$(open_echos | sed -n 1p)
b=$(open_echos | sed -n 2p)
ra=$(cat "$a/relid")

# A corrupted descriptor: channel A broken, one log line, B unaffected.
echo "corrupt $ra desc" >"$SIM/faults"
res=$(echo_run "$a" 50 1024)
echo "A after corrupt desc: $res"
case "$res" in
status=0*) not_ok corrupt-desc-detected "echo still succeeded: $res" ;;
*) ok corrupt-desc-detected ;;
esac
check corrupt-desc-state-broken [ "$(cat "$a/state")" = broken ]
echo_run "$a" 50 1024 >/dev/null
n=$(dmesg | grep -c "channel $ra: host wrote a bad")
check corrupt-desc-one-log-line [ "$n" -eq 1 ]
res=$(echo_run "$b" 200 4096)
case "$res" in
"status=0 "*"errors=0 "*) ok other-channel-unaffected ;;
*) not_ok other-channel-unaffected "$res" ;;
esac

# Recovery: rescind the broken device, offer a new one.
echo "$ra" >"$SIM/rescind"
wait_for 20 [ ! -e "$a" ]
echo echo >"$SIM/offer"
if wait_for 20 have_echos 2; then
	a=$(open_echos | grep -v "^$b\$" | head -n 1)
	res=$(echo_run "$a" 100 1024)
	case "$res" in
	"status=0 "*"errors=0 "*) ok new-offer-works ;;
	*) not_ok new-offer-works "$res" ;;
	esac
else
	not_ok new-offer-works "no second open echo device" "$(dmesg | tail -n 20)"
fi

# Corrupted indices: the inbound write_index, the outbound read_index.
for field in write_index read_index; do
	ra=$(cat "$a/relid")
	echo "corrupt $ra $field" >"$SIM/faults"
	sleep 0.5
	res=$(echo_run "$a" 50 1024)
	echo "after corrupt $field: $res"
	check "corrupt-$field-state-broken" [ "$(cat "$a/state")" = broken ]
	n=$(dmesg | grep -c "channel $ra: host wrote a bad $field")
	check "corrupt-$field-named" [ "$n" -eq 1 ]
	echo "$ra" >"$SIM/rescind"
	wait_for 20 [ ! -e "$a" ]
	echo echo >"$SIM/offer"
	wait_for 20 have_echos 2
	a=$(open_echos | grep -v "^$b\$" | head -n 1)
done

# A refused open: probe fails cleanly; the next bind succeeds.
name=$(basename "$a")
ra=$(cat "$a/relid")
echo "$name" >/sys/bus/lis_vmbus/drivers/lis_echo/unbind
echo "refuse-open $ra" >"$SIM/faults"
if echo "$name" >/sys/bus/lis_vmbus/drivers/lis_echo/bind 2>/dev/null; then
	not_ok refused-open-fails-probe "bind succeeded"
else
	ok refused-open-fails-probe
fi
check refused-open-state-closed [ "$(cat "$a/state")" = closed ]
echo "$name" >/sys/bus/lis_vmbus/drivers/lis_echo/bind
check open-after-refusal [ "$(cat "$a/state")" = open ]

rmmod lis_echo
lis_unload lis_sim lis_vmbus
dmesg_clean

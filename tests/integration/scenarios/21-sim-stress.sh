# SPDX-License-Identifier: GPL-2.0-only
#
# lis_sim under load and at old protocol versions: eight echo devices with
# traffic on all of them at once (the host's one thread serves them all,
# with flow control on every ring), rescinds and offers while traffic
# runs, and full echo traffic at VMBus 4.1, 3.0 and 2.4 (messages on
# connection 1, no msg_conn_id).
#
# lis-memory: 1G
# lis-timeout: 900

SIMCTL=lis-simctl

echo_devs()
{
	lis_devices "$LIS_ECHO_CLASS"
}

n_open()
{
	[ "$(lis_devices "$LIS_ECHO_CLASS" open | wc -l)" -eq "$1" ]
}

# run_on <dev> <packets> <bytes>: lis_echo's result line.
run_on()
{
	local run=/sys/kernel/debug/lis_echo/$(basename "$1")/run

	echo "$2 $3" >"$run" 2>/dev/null
	cat "$run"
}

good()
{
	case "$1" in
	"status=0 packets=$2 bytes=$3 errors=0 "*) return 0 ;;
	*) return 1 ;;
	esac
}

lis_load lis_vmbus || exit 0
check load-sim-8 insmod "$LIS_MODULES/lis_sim.ko" echo_devices=8
check load-lis_echo insmod "$LIS_MODULES/lis_echo.ko"
check eight-open wait_for 30 n_open 8

# Traffic on all eight at once, sizes from 64 B to 64 KiB.
i=0
for d in $(echo_devs); do
	size=$((64 << (i % 11)))
	(good "$(run_on "$d" 300 "$size")" 300 "$size" && echo ok >/tmp/par.$i) &
	i=$((i + 1))
done
wait
check parallel-all-ok [ "$(ls /tmp/par.* 2>/dev/null | wc -l)" -eq 8 ]

# Rescind and offer while traffic runs on the others.
set -- $(echo_devs)
victim=$(cat "$1/relid")
shift
for d in "$@"; do
	(good "$(run_on "$d" 200 4096)" 200 4096 && echo ok >/tmp/busy.$(basename "$d")) &
done
$SIMCTL rescind "$victim"
$SIMCTL offer echo
$SIMCTL offer echo
wait
check busy-all-ok [ "$(ls /tmp/busy.* 2>/dev/null | wc -l)" -eq 7 ]
check victim-released $SIMCTL wait "$victim" gone 20
check nine-open wait_for 30 n_open 9
$SIMCTL devices

lis_unload lis_echo lis_sim

# Old protocol versions: messages on connection 1, everything else equal.
for v in 4.1 3.0 2.4; do
	check "load-sim-$v" insmod "$LIS_MODULES/lis_sim.ko" version=$v
	check "connected-$v" sh -c "dmesg | grep -q 'connected to lis_sim, VMBus protocol $v'"
	check "echo-load-$v" insmod "$LIS_MODULES/lis_echo.ko"
	check "echo-open-$v" wait_for 20 n_open 1
	d=$(echo_devs)
	check "echo-traffic-$v" good "$(run_on "$d" 200 8192)" 200 8192
	check "no-warnings-$v" sh -c '! dmesg | grep -q "lis_sim: INITIATE_CONTACT for\|lis_sim: ignoring"'
	rmmod lis_echo
	rmmod lis_sim
done
lis_unload lis_vmbus
dmesg_clean

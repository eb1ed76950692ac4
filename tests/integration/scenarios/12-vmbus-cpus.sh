# SPDX-License-Identifier: GPL-2.0-only
#
# Channel target CPUs (the guest has 2 CPUs): offers are spread over the
# online CPUs, the host signals each channel on its CPU, writing
# target_cpu moves an open channel with MODIFYCHANNEL (answered from 5.3,
# silent on 5.2, refused before 4.1), and a CPU that serves an open
# channel refuses to go offline until its channels moved away.
#
# lis-memory: 1G
# lis-timeout: 600

SIM=/sys/kernel/debug/lis_sim
CPU1=/sys/devices/system/cpu/cpu1/online

# echo_devs: sysfs paths of the echo devices
echo_devs()
{
	lis_devices "$LIS_ECHO_CLASS"
}

all_open()
{
	local d

	for d in $(echo_devs); do
		[ "$(cat "$d/state")" = open ] || return 1
	done
	[ -n "$(echo_devs)" ]
}

# host_cpu <dev>: the target CPU the simulated host uses for it
host_cpu()
{
	awk -v r="$(cat "$1/relid")" '$1 == r { print $6 }' "$SIM/devices"
}

# traffic <name> <dev>: 200 packets through lis_echo, verified
traffic()
{
	local run res

	run=/sys/kernel/debug/lis_echo/$(basename "$2")/run
	echo "200 1024" >"$run" 2>/dev/null
	res=$(cat "$run" 2>/dev/null)
	case "$res" in
	"status=0 packets=200 bytes=1024 errors=0 "*) ok "$1" ;;
	*) not_ok "$1" "lis_echo reported: $res" ;;
	esac
}

# load_at <version>: lis_vmbus + lis_sim (4 echo devices) + lis_echo
load_at()
{
	insmod "$LIS_MODULES/lis_vmbus.ko" &&
		insmod "$LIS_MODULES/lis_sim.ko" version="$1" echo_devices=4 &&
		insmod "$LIS_MODULES/lis_echo.ko" && wait_for 30 all_open
}

unload_all()
{
	rmmod lis_echo; rmmod lis_sim; rmmod lis_vmbus
}

if [ ! -e "$CPU1" ] || [ "$(cat "$CPU1")" != 1 ]; then
	skip cpus "the guest has no hot-pluggable CPU 1"
	exit 0
fi

# --- newest protocol: spread, move with an answer -----------------------
if ! load_at 6.0; then
	not_ok load-6.0 "$(dmesg | tail -n 20)"
	exit 0
fi
ok load-6.0
cpus=$(for d in $(echo_devs); do cat "$d/target_cpu"; done | sort -u | tr '\n' ' ')
check spread-over-cpus [ "$cpus" = "0 1 " ]
mismatch=
for d in $(echo_devs); do
	[ "$(cat "$d/target_cpu")" = "$(host_cpu "$d")" ] || mismatch="$mismatch $(basename "$d")"
done
check host-agrees-on-cpus [ -z "$mismatch" ]

on1=
for d in $(echo_devs); do
	[ "$(cat "$d/target_cpu")" = 1 ] && on1="$on1 $d"
done
# shellcheck disable=SC2086 # a list of paths
set -- $on1
first1=$1
traffic traffic-on-cpu1 "$first1"

# A CPU serving open channels stays online.
if echo 0 >"$CPU1" 2>/dev/null; then
	not_ok offline-refused "CPU 1 went offline with channels bound to it"
	echo 1 >"$CPU1"
else
	ok offline-refused
fi
check cpu1-still-online [ "$(cat "$CPU1")" = 1 ]

# Move them to CPU 0: the host must agree and signal there.
moved=1
for d in $on1; do
	echo 0 >"$d/target_cpu" || moved=0
done
check move-to-cpu0 [ $moved = 1 ]
check moved-sysfs [ "$(cat "$first1/target_cpu")" = 0 ]
check moved-host [ "$(host_cpu "$first1")" = 0 ]
traffic traffic-after-move "$first1"
check move-to-bad-cpu-refused sh -c "! echo 64 >$first1/target_cpu"

# Now CPU 1 may go; new opens avoid it; then it comes back.
check offline-allowed sh -c "echo 0 >$CPU1"
name=$(basename "$first1")
echo "$name" >/sys/bus/lis_vmbus/drivers/lis_echo/unbind
echo "$name" >/sys/bus/lis_vmbus/drivers/lis_echo/bind
check reopen-avoids-offline-cpu [ "$(cat "$first1/target_cpu")" = 0 ]
check move-to-offline-cpu-refused sh -c "! echo 1 >$first1/target_cpu"
check online-again sh -c "echo 1 >$CPU1"
check move-back-to-cpu1 sh -c "echo 1 >$first1/target_cpu"
check moved-back-host [ "$(host_cpu "$first1")" = 1 ]
traffic traffic-after-move-back "$first1"
unload_all

# --- 5.2: MODIFYCHANNEL without an answer --------------------------------
if load_at 5.2; then
	d=$(echo_devs | head -n 1)
	to=$((1 - $(cat "$d/target_cpu")))
	check move-5.2 sh -c "echo $to >$d/target_cpu"
	wait_for 10 [ "$(host_cpu "$d")" = "$to" ]
	check moved-host-5.2 [ "$(host_cpu "$d")" = "$to" ]
	traffic traffic-after-move-5.2 "$d"
else
	not_ok load-5.2 "$(dmesg | tail -n 20)"
fi
unload_all

# --- 4.0: no MODIFYCHANNEL yet -------------------------------------------
if load_at 4.0; then
	d=$(echo_devs | head -n 1)
	before=$(cat "$d/target_cpu")
	to=$((1 - before))
	check move-4.0-refused sh -c "! echo $to >$d/target_cpu"
	check unmoved-4.0 [ "$(cat "$d/target_cpu")" = "$before" ]
	traffic traffic-4.0 "$d"
else
	not_ok load-4.0 "$(dmesg | tail -n 20)"
fi
unload_all
dmesg_clean

# SPDX-License-Identifier: GPL-2.0-only
#
# lis_sim itself: parameter validation, version negotiation against a capped
# host, debugfs input validation, the trace format, rescind and re-offer
# through lis-simctl, and each fault (refuse-open, delay, drop, corrupted
# descriptor and ring indices) against lis_echo: the guest must notice,
# mark the channel broken, and recover on the next open.
#
# lis-memory: 1G
# lis-timeout: 600

SIM=/sys/kernel/debug/lis_sim
SIMCTL=lis-simctl
[ -x /usr/bin/lis-simctl ] || SIMCTL=/lis/lis-simctl

# refuses <name> <command...>: ok if the command fails.
refuses()
{
	local name=$1

	shift
	if "$@" >/dev/null 2>&1; then
		not_ok "$name" "'$*' was accepted"
	else
		ok "$name"
	fi
}

# dev_of <relid>: the guest's sysfs device for a relid.
dev_of()
{
	local d

	for d in /sys/bus/lis_vmbus/devices/*; do
		[ "$(cat "$d/relid" 2>/dev/null)" = "$1" ] && echo "$d" && return 0
	done
	return 1
}

guest_state()
{
	cat "$(dev_of "$1")/state" 2>/dev/null
}

is_open()
{
	[ "$(guest_state "$1")" = open ]
}

# run_echo <relid> <packets> <bytes>: prints lis_echo's result line.
run_echo()
{
	local run

	run=/sys/kernel/debug/lis_echo/$(basename "$(dev_of "$1")")/run
	echo "$2 $3" >"$run" 2>/dev/null
	cat "$run"
}

echo_ok()
{
	case "$(run_echo "$@")" in
	"status=0 packets=$2 bytes=$3 errors=0 "*) return 0 ;;
	*) return 1 ;;
	esac
}

uptime_ms()
{
	awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime
}

rebind()
{
	local name

	name=$(basename "$(dev_of "$1")")
	echo "$name" >/sys/bus/lis_vmbus/drivers/lis_echo/unbind 2>/dev/null
	echo "$name" >/sys/bus/lis_vmbus/drivers/lis_echo/bind
}

lis_load lis_vmbus || exit 0

# --- parameters ------------------------------------------------------------
refuses param-version-refused insmod "$LIS_MODULES/lis_sim.ko" version=9.9
check param-version-named sh -c 'dmesg | grep -q "lis_sim: version=9.9"'
refuses param-echo-refused insmod "$LIS_MODULES/lis_sim.ko" echo_devices=9
check param-echo-named sh -c 'dmesg | grep -q "lis_sim: echo_devices=9"'

check load-sim-none insmod "$LIS_MODULES/lis_sim.ko" echo_devices=0
check no-devices [ -z "$($SIMCTL devices)" ]
check unload-sim-none rmmod lis_sim

# --- version negotiation -----------------------------------------------------
check load-sim-5.2 insmod "$LIS_MODULES/lis_sim.ko" version=5.2 echo_devices=2
check connected-5.2 sh -c 'dmesg | grep -q "connected to lis_sim, VMBus protocol 5.2"'
trace=$($SIMCTL trace)
echo "$trace" | head -n 20
check trace-three-contacts [ "$(echo "$trace" | grep -c ' g2h msg INITIATE_CONTACT 40$')" -eq 3 ]
check trace-three-answers [ "$(echo "$trace" | grep -c ' h2g msg VERSION_RESPONSE 16$')" -eq 3 ]
check trace-offers [ "$(echo "$trace" | grep -c ' h2g msg OFFER 196$')" -eq 2 ]
check trace-all-offers sh -c "echo \"\$0\" | grep -q ' h2g msg ALLOFFERS_DELIVERED 8$'" "$trace"
check trace-format sh -c "! echo \"\$0\" | grep -Ev '^[0-9]+ (g2h|h2g) (msg [A-Za-z_]+ [0-9]+|pkt relid=[0-9]+ type=[0-9]+ len=[0-9]+ trans=0x[0-9a-f]+)( (dropped|delayed|refused|corrupt))?$'" "$trace"

devs=$($SIMCTL devices)
echo "$devs"
check devices-two [ "$(echo "$devs" | grep -c '^[12] echo [0-9a-f-]\{36\} offered 0x1000[12] [0-9]*$')" -eq 2 ]
check version-read [ "$($SIMCTL version)" = 5.2 ]
check version-write sh -c "$SIMCTL version 5.0 && [ \"\$($SIMCTL version)\" = 5.0 ]"

# --- debugfs input validation ------------------------------------------------
refuses version-unknown $SIMCTL version 5.4
refuses version-garbage $SIMCTL version banana
refuses offer-unknown $SIMCTL offer nosuch
refuses rescind-zero $SIMCTL rescind 0
refuses rescind-unknown $SIMCTL rescind 999
refuses rescind-garbage $SIMCTL rescind abc
refuses fault-unknown $SIMCTL fault bogus
refuses fault-guest-type $SIMCTL fault drop OPENCHANNEL
refuses fault-delay-zero $SIMCTL fault delay OFFER 0
refuses fault-delay-words $SIMCTL fault delay OFFER 10 20
refuses fault-corrupt-what $SIMCTL fault corrupt 1 nothing
refuses fault-payload-no-offset $SIMCTL fault corrupt 1 payload
refuses fault-payload-bad-offset $SIMCTL fault corrupt 1 payload x
refuses fault-desc-offset $SIMCTL fault corrupt 1 desc 4
refuses fault-relid-zero $SIMCTL fault refuse-open 0
refuses trace-garbage sh -c "echo bogus >$SIM/trace"
refuses offer-empty sh -c "echo '' >$SIM/offer"
check warns-on-nonsense sh -c 'dmesg | grep -q "lis_sim: rescind: .abc. is not a relid"'

$SIMCTL fault drop offer && $SIMCTL fault delay GPADL_CREATED 100 &&
	$SIMCTL fault refuse-open 5 && $SIMCTL fault corrupt 7 desc &&
	$SIMCTL fault corrupt 7 payload 12
faults=$($SIMCTL fault list)
echo "$faults"
check faults-listed [ "$faults" = "drop OFFER
delay GPADL_CREATED 100
refuse-open 5
corrupt 7 desc
corrupt 7 payload 12" ]
$SIMCTL fault clear
check faults-cleared [ -z "$($SIMCTL fault list)" ]

# --- rescind and re-offer of a closed channel ----------------------------------
check rescind-2 $SIMCTL rescind 2
check rescind-released $SIMCTL wait 2 gone 10
check offer-echo $SIMCTL offer echo
check reoffer-new-relid $SIMCTL wait 3 offered 10
check reoffer-on-bus wait_for 10 dev_of 3

# --- traffic ---------------------------------------------------------------------
check load-lis_echo insmod "$LIS_MODULES/lis_echo.ko"
check echo-open-1 wait_for 20 is_open 1
check echo-open-3 wait_for 20 is_open 3
check host-sees-open $SIMCTL wait 1 open 5
$SIMCTL trace clear
check echo-1k echo_ok 1 100 1024
check trace-g2h-pkt sh -c "$SIMCTL trace | grep -q ' g2h pkt relid=1 type=6 len=1040 trans=0x'"
check trace-h2g-pkt sh -c "$SIMCTL trace | grep -q ' h2g pkt relid=1 type=6 len=1040 trans=0x'"
# 4 MiB of 64 KiB packets through 512 KiB rings: both sides wait for room.
check echo-flow-control echo_ok 3 64 65536

# --- faults --------------------------------------------------------------------------
$SIMCTL fault refuse-open 1
refuses refuse-open-fails rebind 1
check refuse-open-closed [ "$(guest_state 1)" = closed ]
check refuse-open-consumed [ -z "$($SIMCTL fault list)" ]
check refuse-open-then-ok rebind 1
check refuse-open-echo echo_ok 1 10 256

$SIMCTL fault delay OPENCHANNEL_RESULT 1500
t0=$(uptime_ms)
check delay-open-ok rebind 1
t1=$(uptime_ms)
echo "delayed open took $((t1 - t0)) ms"
check delay-open-waited [ $((t1 - t0)) -ge 1400 ]
check delay-traced sh -c "$SIMCTL trace | grep -q ' h2g msg OPENCHANNEL_RESULT 20 delayed$'"
check delay-echo echo_ok 1 10 256

$SIMCTL fault corrupt 1 desc
refuses corrupt-desc-run echo_ok 1 10 256
check corrupt-desc-broken [ "$(guest_state 1)" = broken ]
check corrupt-desc-traced sh -c "$SIMCTL trace | grep -q ' h2g pkt relid=1 .* corrupt$'"
check corrupt-desc-logged sh -c 'dmesg | grep -q "channel 1: host wrote a bad desc.offset8"'
check corrupt-desc-reopen rebind 1
check corrupt-desc-recovered echo_ok 1 10 256

$SIMCTL fault corrupt 1 write_index
refuses corrupt-windex-run echo_ok 1 10 256
check corrupt-windex-broken [ "$(guest_state 1)" = broken ]
check corrupt-windex-reopen rebind 1
check corrupt-windex-recovered echo_ok 1 10 256

$SIMCTL fault corrupt 1 read_index
refuses corrupt-rindex-run echo_ok 1 10 256
check corrupt-rindex-broken [ "$(guest_state 1)" = broken ]
check corrupt-rindex-reopen rebind 1
check corrupt-rindex-recovered echo_ok 1 10 256

# Armed before the open: fires right after it.
name=$(basename "$(dev_of 3)")
echo "$name" >/sys/bus/lis_vmbus/drivers/lis_echo/unbind
$SIMCTL fault corrupt 3 write_index
echo "$name" >/sys/bus/lis_vmbus/drivers/lis_echo/bind
refuses corrupt-at-open-run echo_ok 3 10 256
check corrupt-at-open-broken [ "$(guest_state 3)" = broken ]

# A dropped RESCIND: the guest never hears of it; the host waits.
$SIMCTL fault drop RESCIND
check drop-rescind $SIMCTL rescind 3
sleep 1
check drop-keeps-device [ -n "$(dev_of 3)" ]
check drop-host-waits $SIMCTL wait 3 rescinded 1
check drop-traced sh -c "$SIMCTL trace | grep -q ' h2g msg RESCIND 12 dropped$'"

# Rescind of an open channel: the driver is removed, the relid released.
check rescind-open $SIMCTL rescind 1
check rescind-open-gone $SIMCTL wait 1 gone 20
relid1_gone()
{
	! dev_of 1 >/dev/null
}
check rescind-open-removed wait_for 10 relid1_gone

# A slow UNLOAD_RESPONSE: unload waits for it and still ends cleanly.
$SIMCTL fault delay UNLOAD_RESPONSE 2000
t0=$(uptime_ms)
lis_unload lis_echo lis_sim
t1=$(uptime_ms)
echo "unload took $((t1 - t0)) ms"
check unload-waited [ $((t1 - t0)) -ge 1900 ]

# And the guest connects again afterwards.
check reload-sim insmod "$LIS_MODULES/lis_sim.ko"
check reload-device $SIMCTL wait 1 offered 10
lis_unload lis_sim lis_vmbus
dmesg_clean

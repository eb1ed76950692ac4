# SPDX-License-Identifier: GPL-2.0-only
#
# A host that misbehaves on purpose, everywhere: lis_sim's one-shot faults
# (dup, reorder, rescind-at every step of open and close) on one echo
# channel while two others carry verified traffic, then rounds of random
# chaos under traffic with fixed seeds.  The guest must stay up (the
# harness fails on any oops, KASAN, lockdep report or WARN), report the
# victim broken or remove its device, keep the others working, and come
# back whole after `chaos off` and a reload of lis_sim.
#
# lis-memory: 1G
# lis-timeout: 600

SIM=/sys/kernel/debug/lis_sim
DRV=/sys/bus/lis_vmbus/drivers/lis_echo
NECHO=3
mount -t debugfs none /sys/kernel/debug 2>/dev/null

# echos [state]: sysfs paths of echo devices (in that state), one a line.
echos()
{
	lis_devices "$LIS_ECHO_CLASS" "$1"
}

have_open()
{
	[ "$(echos open | wc -l)" -ge "$1" ]
}

# traffic <dev> <packets> <bytes>: succeed if lis_echo verified it all.
traffic()
{
	local run=/sys/kernel/debug/lis_echo/$(basename "$1")/run res

	echo "$2 $3" >"$run" 2>/dev/null || return 1
	res=$(cat "$run")
	case "$res" in
	"status=0 packets=$2 bytes=$3 errors=0 "*) return 0 ;;
	esac
	echo "$(basename "$1"): $res"
	return 1
}

# others_ok <name> <victim>: every other open echo passes traffic.
others_ok()
{
	local d bad=

	for d in $(echos open); do
		[ "$d" = "$2" ] && continue
		traffic "$d" 100 4096 || bad="$bad $(basename "$d")"
	done
	if [ -z "$bad" ] && [ "$(echos open | grep -cv "^$2\$")" -ge $((NECHO - 1)) ]; then
		ok "$1"
	else
		not_ok "$1" "bystanders failed:${bad:- fewer than $((NECHO - 1)) open}" \
			"$(dmesg | tail -n 15)"
	fi
}

# restore: get back to NECHO open, working echo devices.
restore()
{
	local d

	echo clear >"$SIM/faults"
	for d in $(echos); do
		case "$(cat "$d/state" 2>/dev/null)" in
		open) ;;
		closed) echo "$(basename "$d")" >"$DRV/bind" 2>/dev/null ;;
		*) echo "$(cat "$d/relid")" >"$SIM/rescind" 2>/dev/null
		   wait_for 20 [ ! -e "$d" ] ;;
		esac
	done
	while [ "$(echos | wc -l)" -lt $NECHO ]; do
		echo echo >"$SIM/offer" || break
		wait_for 10 [ "$(echos | wc -l)" -ge $NECHO ] || break
	done
	wait_for 20 have_open $NECHO
}

# arm <commands> <relid>: write each line of commands, RELID replaced.
arm()
{
	local line

	echo "$1" | sed "s/RELID/$2/" | while read -r line; do
		echo "$line" >"$SIM/faults"
	done
}

victim()
{
	echos open | head -n 1
}

# expect <name> <dev> broken|gone|works: the victim's fate.
expect()
{
	local name=$1 dev=$2 want=$3 got

	case "$want" in
	gone)
		wait_for 20 [ ! -e "$dev" ]
		[ ! -e "$dev" ] && got=gone ;;
	broken)
		wait_for 5 [ "$(cat "$dev/state" 2>/dev/null)" = broken ]
		[ "$(cat "$dev/state" 2>/dev/null)" = broken ] && got=broken ;;
	works)
		wait_for 10 [ "$(cat "$dev/state" 2>/dev/null)" = open ] &&
			traffic "$dev" 50 1024 && got=works ;;
	esac
	if [ "$got" = "$want" ]; then
		ok "$name"
	else
		not_ok "$name" "expected the victim $want; state: $(cat "$dev/state" 2>&1)" \
			"$(dmesg | tail -n 15)"
	fi
}

# bind_cycle <fault-cmd> <want> <name>: arm, then bind the victim.
bind_cycle()
{
	local dev name

	dev=$(victim)
	name=$(basename "$dev")
	echo "$name" >"$DRV/unbind"
	arm "$1" "$(cat "$dev/relid")"
	echo "$name" >"$DRV/bind" 2>/dev/null
	expect "$3" "$dev" "$2"
	others_ok "$3-others" "$dev"
	restore
}

# unbind_cycle <fault-cmd> <want> <name>: arm, unbind, rebind the victim.
unbind_cycle()
{
	local dev name

	dev=$(victim)
	name=$(basename "$dev")
	arm "$1" "$(cat "$dev/relid")"
	echo "$name" >"$DRV/unbind"
	[ "$2" = gone ] || echo "$name" >"$DRV/bind" 2>/dev/null
	expect "$3" "$dev" "$2"
	others_ok "$3-others" "$dev"
	restore
}

# bus_whole <name> [lis_sim parameters...]: load lis_sim (with those
# parameters) and lis_echo; ok if all NECHO echo devices open and each
# carries verified traffic.
bus_whole()
{
	local name=$1 d bad=

	shift
	insmod "$LIS_MODULES/lis_sim.ko" echo_devices=$NECHO "$@" &&
		insmod "$LIS_MODULES/lis_echo.ko"
	if ! wait_for 30 have_open $NECHO; then
		not_ok "$name" "not $NECHO open echo devices" "$(dmesg | tail -n 20)"
		return
	fi
	for d in $(echos open); do
		traffic "$d" 100 4096 || bad="$bad $(basename "$d")"
	done
	check "$name" [ -z "$bad" ]
}

lis_load lis_vmbus || exit 0
insmod "$LIS_MODULES/lis_sim.ko" echo_devices=$NECHO &&
	insmod "$LIS_MODULES/lis_echo.ko"
if ! wait_for 30 have_open $NECHO; then
	not_ok echo-devices "expected $NECHO open echo devices" \
		"$(dmesg | tail -n 20)"
	exit 0
fi
ok echo-devices

# The grammar: bad commands are refused, good ones are listed.
check bad-step-refused sh -c "! echo 'rescind-at 1 nowhere' >$SIM/faults"
check bad-kind-refused sh -c "! echo 'chaos 1 10 drop,bogus' >$SIM/faults"
echo "dup OFFER" >"$SIM/faults"
echo "reorder GPADL_CREATED" >"$SIM/faults"
echo "rescind-at 1 gpadl-body" >"$SIM/faults"
check faults-listed sh -c "grep -qx 'dup OFFER' $SIM/faults &&
	grep -qx 'reorder GPADL_CREATED' $SIM/faults &&
	grep -qx 'rescind-at 1 gpadl-body' $SIM/faults"
echo clear >"$SIM/faults"
check faults-cleared sh -c "! grep -qv '^chaos:' $SIM/faults"

# Duplicated messages of the open sequence: the host broke the protocol
# on that channel, which is marked broken with one line naming it.
dmesg -c >/dev/null
bind_cycle "dup GPADL_CREATED" broken dup-gpadl-created
check dup-one-line [ "$(dmesg | grep -c 'host protocol error.*channel marked broken')" -eq 1 ]
bind_cycle "dup OPENCHANNEL_RESULT" broken dup-open-result
# A GPADL_CREATED that never comes (the open waits its 30 s): the host
# may map the rings later, so they are never freed and the channel is
# broken for good.
bind_cycle "drop GPADL_CREATED" broken drop-gpadl-created
check drop-gpadl-created-leaks sh -c "dmesg | grep -q 'GPADL of its rings not answered; leaking'"
# A duplicate GPADL_TORNDOWN names no channel: logged, nothing breaks.
unbind_cycle "dup GPADL_TORNDOWN" works dup-gpadl-torndown

# Reordered messages that nothing overtakes arrive late: no harm.
bind_cycle "reorder GPADL_CREATED" works reorder-gpadl-created
bind_cycle "reorder OPENCHANNEL_RESULT" works reorder-open-result
unbind_cycle "reorder GPADL_TORNDOWN" works reorder-gpadl-torndown

# A RESCIND that overtakes the OPENCHANNEL_RESULT it follows.
bind_cycle "reorder OPENCHANNEL_RESULT
rescind-at RELID open-result" gone rescind-overtakes-open-result

# Offers and rescinds, duplicated and reordered.
echo "dup OFFER" >"$SIM/faults"
before=$(echos)
echo echo >"$SIM/offer"
wait_for 20 [ "$(echos | wc -l)" -gt $NECHO ]
new=$(echos | grep -vxF "$before" | head -n 1)
if [ -n "$new" ]; then
	expect dup-offer "$new" broken
else
	not_ok dup-offer "no new device" "$(dmesg | tail -n 15)"
fi
others_ok dup-offer-others "$new"
restore
dev=$(victim)
echo "dup RESCIND" >"$SIM/faults"
echo "$(cat "$dev/relid")" >"$SIM/rescind"
expect dup-rescind "$dev" gone
others_ok dup-rescind-others "$dev"
restore
echo "reorder OFFER" >"$SIM/faults"
echo "reorder RESCIND" >"$SIM/faults"
dev=$(victim)
echo "$(cat "$dev/relid")" >"$SIM/rescind"
echo echo >"$SIM/offer"
expect reorder-rescind-offer "$dev" gone
check reorder-offer-bound wait_for 20 have_open $NECHO
others_ok reorder-others "$dev"
restore

# Rescind at every step of the open sequence: the device goes away.  A
# GPADL being created is the host's no more once its channel is
# rescinded: the open stops waiting for GPADL_CREATED at once, never
# after its 30 s timeout.
timeouts=$(dmesg | grep -c 'did not answer GPADL')
for step in gpadl-header gpadl-body gpadl-created open open-result; do
	bind_cycle "rescind-at RELID $step" gone "rescind-at-$step"
done
check rescind-ends-gpadl-wait [ "$(dmesg | grep -c 'did not answer GPADL')" = "$timeouts" ]
# ... and of the close sequence.
for step in close gpadl-teardown gpadl-torndown; do
	unbind_cycle "rescind-at RELID $step" gone "rescind-at-$step"
done
check all-back-after-one-shots have_open $NECHO

# churn <n>: n times, unbind and rebind every echo device, offer a new
# one and rescind the newest.
churn()
{
	local d i=0

	while [ $i -lt "$1" ]; do
		for d in $(echos); do
			echo "$(basename "$d")" >"$DRV/unbind" 2>/dev/null
			echo "$(basename "$d")" >"$DRV/bind" 2>/dev/null
		done
		echo echo >"$SIM/offer"
		sleep 1
		d=$(echos | tail -n 1)
		[ -n "$d" ] && echo "$(cat "$d/relid")" >"$SIM/rescind" 2>/dev/null
		i=$((i + 1))
	done
}

# Random chaos with fixed seeds, under traffic: packets only, messages
# only (drops cost the guest's 30 s waits, so fewer of them), both.
for round in "1001 5 index,desc 1" "1002 300 dup,reorder,delay 3" \
	"1003 100 drop,dup,reorder,delay 2" "1004 30 all 2"; do
	set -- $round
	echo "chaos round: seed $1, $2 permille, kinds $3, churn $4"
	echo "chaos $1 $2 $3" >"$SIM/faults"
	for d in $(echos open); do
		traffic "$d" 300 4096 >/dev/null &
	done
	churn "$4"
	wait
	for d in $(echos open); do
		traffic "$d" 100 1024 >/dev/null
	done
	echo "chaos off" >"$SIM/faults"
	grep '^chaos:' "$SIM/faults"
	check "chaos-$1-counted" sh -c "grep '^chaos:' $SIM/faults |
		grep -Eq '(drop|dup|delay|reorder|index|desc)=[1-9]'"
	check "chaos-$1-bus-alive" test -d /sys/bus/lis_vmbus/devices
	# Back to a clean host: reload lis_sim; the bus must come back whole.
	rmmod lis_echo && rmmod lis_sim
	bus_whole "chaos-$1-bus-whole"
done

# Faults armed at load (faults=) reach the connection's own messages,
# which the debugfs file is too late for: a duplicated VERSION_RESPONSE
# (one line, then ignored), offers out of order and ALLOFFERS_DELIVERED
# held back.  The guest connects and every device works.  A command the
# simulator does not know refuses the load, naming the parameter.
rmmod lis_echo && rmmod lis_sim
check load-faults-bad-refused sh -c \
	"! insmod $LIS_MODULES/lis_sim.ko 'faults=\"dup NOSUCH\"' 2>/dev/null"
check load-faults-bad-named sh -c \
	"dmesg | grep -q 'faults=\"dup NOSUCH\": command 1 refused'"
bus_whole load-faults-connected \
	'faults="dup VERSION_RESPONSE;reorder OFFER;reorder ALLOFFERS_DELIVERED"'
# Consumed: each fault was applied to its message.
check load-faults-consumed sh -c "! grep -qv '^chaos:' $SIM/faults"
check load-faults-dup-seen sh -c "dmesg | grep -q 'duplicate VERSION_RESPONSE'"

# Unload with chaos armed (and a message held back) must be clean.
echo "chaos 7 500 delay,reorder" >"$SIM/faults"
echo "reorder UNLOAD_RESPONSE" >"$SIM/faults"
rmmod lis_echo
lis_unload lis_sim lis_vmbus
dmesg_clean

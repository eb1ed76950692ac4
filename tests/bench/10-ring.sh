# SPDX-License-Identifier: GPL-2.0-only
#
# Ring throughput through the whole stack: lis_echo sends numbered packets
# through lis_vmbus's outbound ring, lis_sim echoes them back through the
# inbound ring, and lis_echo verifies every byte.  In the same run, on the
# same CPU, lis_echo times a memcpy of the same bytes out and back: the
# physical limit the figure is a ratio of.  scripts/bench.sh reads the
# "lis-bench" lines from the console.
#
# lis-memory: 1G
# lis-timeout: 900

mount -t debugfs none /sys/kernel/debug 2>/dev/null

find_echo()
{
	lis_device "$LIS_ECHO_CLASS" open
}

lis_load lis_vmbus lis_sim lis_echo || exit 0
if ! wait_for 20 find_echo; then
	not_ok echo-device "no open echo device" "$(dmesg | tail -n 20)"
	exit 0
fi
dev=$(find_echo)
run=/sys/kernel/debug/lis_echo/$(basename "$dev")/run

# counters: the channel's signal and interrupt counters, "signals interrupts"
counters()
{
	echo "$(cat "$dev/channel/signals") $(cat "$dev/channel/interrupts")"
}

# per_pkt <before> <after> <packets>: signals to the host and callbacks
# (interrupts) per packet during the run, in thousandths.
per_pkt()
{
	# shellcheck disable=SC2086 # split "signals interrupts" in two
	set -- $1 $2 $3
	echo "signals_per_kpkt=$((($3 - $1) * 1000 / $5)) irqs_per_kpkt=$((($4 - $2) * 1000 / $5))"
}

# bench <name> <packets> <bytes>
bench()
{
	echo "$(($2 / 10 + 1)) $3" >"$run"	# warm-up
	c0=$(counters)
	if echo "$2 $3" >"$run"; then
		res=$(cat "$run")
		echo "lis-bench $1 $res $(per_pkt "$c0" "$(counters)" "$2")"
		case "$res" in
		"status=0 "*"errors=0 "*) ok "$1" ;;
		*) not_ok "$1" "$res" ;;
		esac
	else
		not_ok "$1" "run failed"
	fi
}

bench ring_64 20000 64
bench ring_1k 20000 1024
bench ring_4k 5000 4096
bench ring_64k 500 65536

rmmod lis_echo
lis_unload lis_sim lis_vmbus
dmesg_clean

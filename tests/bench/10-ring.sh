# SPDX-License-Identifier: GPL-2.0-only
#
# Ring throughput through the whole stack: lis_echo sends numbered packets
# through lis_vmbus's outbound ring, lis_sim echoes them back through the
# inbound ring, and lis_echo verifies every byte.  In the same run, on the
# same CPU, lis_echo times a memcpy of the same bytes out and back: the
# physical limit the figure is a ratio of (the fastest of three passes).
# lis_echo receives in place (lis_channel_recv_begin()) and checks every
# echoed byte.  scripts/bench.sh reads the "lis-bench" lines from the
# console.
#
# lis-memory: 1G
# lis-timeout: 1800

mount -t debugfs none /sys/kernel/debug 2>/dev/null

find_echo()
{
	lis_device "$LIS_ECHO_CLASS" open
}

# On a real host the host's side of the ring runs on the host's own
# CPUs, never on the guest's.  Here lis_sim's host work (an unbound
# workqueue) would otherwise wake up on the vCPU of the thread that
# signalled it and take turns with lis_echo on that one vCPU: keep
# unbound work on CPU 0 and this shell (lis_echo runs in the writer's
# context, and times its memcpy limit there) on CPU 1.
cpumask=/sys/devices/virtual/workqueue/cpumask
if [ -w "$cpumask" ] && [ "$(nproc)" -ge 2 ]; then
	echo 1 >"$cpumask" && taskset -p 2 $$ >/dev/null &&
		echo "ring: host work on CPU 0, lis_echo on CPU 1"
fi

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

# bench <name> <packets> <bytes> [<batch>]: one run, after a warm-up.
bench()
{
	echo "$(($2 / 10 + 1)) $3 ${4:-1}" >"$run"	# warm-up
	c0=$(counters)
	if echo "$2 $3 ${4:-1}" >"$run"; then
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

# Five runs of each figure, interleaved so that a burst of load on the
# machine hits every figure alike; scripts/bench.sh takes the median.
# The *_unbatched runs keep one packet in flight and wait for each echo's
# interrupt, unmasked: their signals and interrupts per packet are what
# batching saves.
for i in 1 2 3 4 5; do
	bench ring_64 20000 64
	bench ring_1k 20000 1024
	bench ring_4k 5000 4096
	bench ring_64k 500 65536
	bench ring_4k_unbatched 1000 4096 0
	bench ring_64k_unbatched 200 65536 0
done

rmmod lis_echo
lis_unload lis_sim lis_vmbus
dmesg_clean

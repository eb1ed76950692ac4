# SPDX-License-Identifier: GPL-2.0-only
#
# Dynamic Memory throughput through the whole protocol (lis_sim's host,
# lis_vmbus's rings, lis_balloon): balloon_inflate and balloon_deflate in
# GiB/s of pages given up and taken back, and hot_add in GiB/s added and
# onlined, each against its limit: the fastest way the kernel does the
# same work, measured by lis_sim in the same run right after it.
#
# - inflate: the raw allocation of as many pages as the guest gave, 2 MiB
#   (order 9) while that succeeds, then 4 KiB (dm bench_alloc);
# - deflate: freeing those same allocations, each at its order; and the
#   driver's own part of it, dm_unballoon() timed alone by function_graph
#   (balloon_deflate_driver): the rest is the host's request, the answer
#   and the two wake-ups between the vCPUs;
# - hot-add: one add_memory() of the same size (256 MiB) on a separate
#   range, onlined by the kernel's policy inside that call
#   (dm bench_hot_add).
#
# Five rounds each, interleaved with their limits (hot-add: in odd rounds
# lis first, in even rounds the limit first); scripts/bench.sh takes
# the median of each and shows the spread.  The host's page pattern
# checks are off (dm_verify=off): they are the simulator's cost, not the
# protocol's.  scripts/bench.sh reads the "lis-bench dm_*" lines from the
# console.
#
# Memory: RAM to 3456 MiB, the kernel told 768 MiB (mem=); lis hot-adds
# 5 x 256 MiB at 768 MiB, the limit adds 5 x 256 MiB at 2048 MiB.
#
# lis-memory: 3456M
# lis-cmdline: mem=768M memhp_default_state=online
# lis-timeout: 900

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh
# shellcheck source=tests/integration/dm-bench-lib.sh
. /lis/dm-bench-lib.sh

PAGES=131072	# 512 MiB
ROUNDS=5
lis_load lis_vmbus || exit 0
check load-sim insmod "$LIS_MODULES/lis_sim.ko" dm_devices=1 dm_hotadd=1280M@768M \
	dm_minimum_mb=128 dm_target_mb=768 dm_verify=off dm_info_delay_ms=200
dm_guest_up || exit 0
if ! dm_up 60; then
	not_ok dm-ready "$(cat "$SIM/dm")"
	exit 0
fi

# Warm the allocator up once, as the first round would otherwise.
dm_cmd bench_alloc $PAGES

r=1
while [ $r -le $ROUNDS ]; do
	if ! dm_bench_request balloon $PAGES || [ "$(dm_last 4)" = timeout ] ||
	   [ "$(dm_last 3)" -eq 0 ]; then
		not_ok "balloon_inflate-$r" "$(dm last_request)"
		break
	fi
	got=$(dm_last 3)
	in_us=$(dm last_us)
	# The driver's own share of the deflate: dm_unballoon() alone.
	trace_calls "" dm_unballoon || break
	if ! dm_bench_request unballoon "$got" || [ "$(dm_last 4)" != ok ]; then
		trace_calls_end >/dev/null
		not_ok "balloon_deflate-$r" "$(dm last_request)"
		break
	fi
	out_us=$(dm last_us)
	driver_us=$(trace_calls_end)
	case $driver_us in
	"" | *,*) not_ok "deflate-traced-once-$r" "dm_unballoon calls: '$driver_us'" ;;
	*) ok "deflate-traced-once-$r" ;;
	esac
	check "guest-all-back-$r" [ "$(guest_attr pages_ballooned)" = 0 ]
	# The limit: the same number of pages, right after.
	if ! dm_cmd bench_alloc "$got"; then
		not_ok "raw-alloc-$r"
		break
	fi
	# The limit did the same work: a limit that allocated more (4 KiB
	# pages the guest never reached) was no limit.
	check "limit-same-pages-$r" [ "$(dm raw_alloc_pages)" = "$got" ]
	echo "lis-bench dm_balloon_inflate round=$r pages=$got us=$in_us limit_pages=$(dm raw_alloc_pages) limit_ns=$(dm raw_alloc_ns)"
	echo "lis-bench dm_balloon_deflate round=$r pages=$got us=$out_us driver_us=$driver_us limit_pages=$(dm raw_alloc_pages) limit_ns=$(dm raw_free_ns)"
	r=$((r + 1))
done
check balloon-rounds [ $r -gt $ROUNDS ]

# raw_hot_add ROUND: the limit, on its own range; sets limit_mb, limit_ns.
raw_hot_add()
{
	local mt

	mt=$(mem MemTotal)
	if ! dm_cmd bench_hot_add "256M@$((2048 + ($1 - 1) * 256))M" ||
	   [ $(($(mem MemTotal) - mt)) -lt 255 ]; then
		not_ok "raw-hot-add-$1" "$(dmesg | tail -n 5)"
		return 1
	fi
	limit_mb=$(dm raw_hot_add_mb)
	limit_ns=$(dm raw_hot_add_ns)
}

# Odd rounds measure lis first, even rounds the limit first, so that
# neither always runs right after the other.
r=1
while [ $r -le $ROUNDS ]; do
	if [ $((r % 2)) -eq 0 ] && ! raw_hot_add $r; then
		break
	fi
	mt0=$(mem MemTotal)
	if ! dm_bench_request hot_add 256 || [ "$(dm_last 4)" != ok ]; then
		not_ok "hot_add-$r" "$(dm last_request)"
		break
	fi
	pages=$(dm_last 3)
	us=$(dm last_us)
	if [ $(($(mem MemTotal) - mt0)) -lt 255 ]; then
		not_ok "hot-add-online-$r" "MemTotal $mt0 -> $(mem MemTotal) MiB"
		break
	fi
	if [ $((r % 2)) -eq 1 ] && ! raw_hot_add $r; then
		break
	fi
	echo "lis-bench dm_hot_add round=$r pages=$pages us=$us limit_mb=$limit_mb limit_ns=$limit_ns"
	r=$((r + 1))
done
check hot-add-rounds [ $r -gt $ROUNDS ]

check no-violations [ "$(dm violations)/$(dm protocol_errors)" = 0/0 ]
lis_unload lis_balloon lis_sim lis_vmbus
dmesg_clean

# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=dash
#
# The "pressure to memory" figures of make bench (tests/bench/21-dm-pressure.sh
# for lis_balloon, 52-peer-dm-pressure.sh for the stock hv_balloon), measured
# the same way for both, and the driver's own time in 20-dm; sourced after
# lib.sh and dm-lib.sh:
#
#   . /lis/dm-bench-lib.sh
#
#   poll SECONDS CMD...   wait_for, looking every 10 ms
#   stamp NAME            put "lis-stamp NAME" in the kernel log (debug level:
#                         not on the console); its time is the log's clock
#   stamp_ms FROM TO      ms between the last two such stamps
#   trace_calls PREFIX FUNC
#                         from now on, time every call of FUNC alone (its
#                         callees untraced) with ftrace's function_graph
#   trace_calls_end       stop; print the calls' times (us, comma-separated)
#   dm_bench_cpu PREFIX FUNC SECONDS
#                         the guest driver's CPU time in steady state: every
#                         call of FUNC (the function that builds and sends a
#                         status report) timed by ftrace's function_graph
#                         tracer, FUNC alone, for SECONDS; prints
#                         "lis-bench PREFIXdm_report_cpu calls=N us=T s=SECONDS"
#   dm_bench_hot_add_latency PREFIX MB
#                         with the host balancing on its own: MB MiB more
#                         of the load file $DM_LOAD (tmpfs) written at once,
#                         right after a status report reached the host
#                         (dm_after_report); ms from its start to MemTotal
#                         grown; prints
#                         "lis-bench PREFIXdm_hot_add_latency ms=..."
#   dm_bench_balloon_fall PREFIX PAGES
#                         in manual mode: a balloon request of PAGES; the
#                         lowest MemAvailable seen while it runs and after;
#                         prints "lis-bench PREFIXdm_balloon_avail_left
#                         mb=LOWEST before_mb=... pages=GIVEN"
#   dm_bench_unballoon_back PREFIX
#                         right after dm_bench_balloon_fall: the host
#                         returns every page; ms from its command to
#                         MemAvailable up by 90 % of them (the rest is
#                         noise: page cache, per-CPU lists); prints
#                         "lis-bench PREFIXdm_unballoon_latency ms=..."
#
# Times come from the kernel log's clock (microseconds), taken by the shell
# as it sees each event: the shell's polling (a few ms under TCG) is part
# of every latency, for lis and the peer alike.

TRACE=/sys/kernel/debug/tracing

# poll SECONDS COMMAND...: like wait_for, but looks every 10 ms.
poll()
{
	wait_every 100 "$@"
}

# mem_above KEY MB: /proc/meminfo's KEY is above MB MiB (read at each call).
mem_above()
{
	[ "$(mem "$1")" -gt "$2" ]
}

# reports_above N: the host has had more than N status reports.
reports_above()
{
	[ "$(dm reports)" -gt "$1" ]
}

# dm_after_report: back as soon as the host has the guest's next status
# report (3 s at most), so that every step starts at the same point of the
# guest's 1-s report cycle.  Both drivers report at most once a second, and
# the host can act only on a report: started at a random point, a step's
# latency carries up to a second of luck, more than the difference the
# figure is meant to show.
dm_after_report()
{
	poll 3 reports_above "$(dm reports)"
}

stamp()
{
	echo "<7>lis-stamp $1" >/dev/kmsg
}

stamp_ms()
{
	dmesg | tr -d '\r' | awk -v a="$1" -v b="$2" '
		$0 ~ "lis-stamp " a "$" { sub(/^\[ */, ""); sub(/\].*/, ""); ta = $0 }
		$0 ~ "lis-stamp " b "$" { sub(/^\[ */, ""); sub(/\].*/, ""); tb = $0 }
		END { if (ta == "" || tb == "") print -1; else printf "%.1f\n", (tb - ta) * 1000 }'
}

# trace_calls PREFIX FUNC: time every call of FUNC alone (its callees
# untraced) with ftrace's function_graph tracer, from now on.
trace_calls()
{
	echo 0 >"$TRACE/tracing_on"
	echo nop >"$TRACE/current_tracer"
	echo >"$TRACE/trace"
	if ! echo "$2" >"$TRACE/set_graph_function" ||
	   ! echo "$2" >"$TRACE/set_ftrace_filter"; then
		not_ok "${1}trace-$2" "$2 cannot be traced"
		return 1
	fi
	echo function_graph >"$TRACE/current_tracer"
	echo 1 >"$TRACE/tracing_on"
}

# trace_calls_end: stop; print the calls' times, us, comma-separated.
trace_calls_end()
{
	echo 0 >"$TRACE/tracing_on"
	awk 'match($0, /[0-9]+\.[0-9]+ us +\|/) {
		printf "%s%.1f", n++ ? "," : "", substr($0, RSTART, RLENGTH) + 0
	}' "$TRACE/trace"
	echo nop >"$TRACE/current_tracer"
	echo >"$TRACE/set_graph_function"
	echo >"$TRACE/set_ftrace_filter"
}

dm_bench_cpu()
{
	local prefix=$1 func=$2 secs=$3 each

	trace_calls "$prefix" "$func" || return 1
	sleep "$secs"
	each=$(trace_calls_end)
	echo "$each" | awk -v p="$prefix" -v s="$secs" -F, '
		{ for (i = 1; i <= NF; i++) t += $i }
		END { printf "lis-bench %sdm_report_cpu calls=%d us=%.1f s=%d each=%s\n", p, NF, t, s, $0 }'
	ok "${prefix}cpu-traced"
}

dm_bench_hot_add_latency()
{
	local prefix=$1 mb=$2 mt0 ms have

	if [ ! -d /mnt/dmload ]; then
		mkdir -p /mnt/dmload
		mount -t tmpfs -o size=4g tmpfs /mnt/dmload || return 1
	fi
	have=$(($(stat -c %s "$DM_LOAD" 2>/dev/null || echo 0) / 1048576))
	mt0=$(mem MemTotal)
	dm_after_report || echo "no status report within 3 s: starting anyway"
	stamp "${prefix}load"
	dd if=/dev/zero of="$DM_LOAD" bs=1M count="$mb" seek="$have" \
		conv=notrunc 2>/dev/null &
	if ! poll 60 mem_above MemTotal "$mt0"; then
		wait
		not_ok "${prefix}hot-add-latency" "MemTotal stayed $mt0 MiB" \
			"$(cat "$SIM/dm")"
		return 1
	fi
	stamp "${prefix}grown"
	wait
	ms=$(stamp_ms "${prefix}load" "${prefix}grown")
	echo "lis-bench ${prefix}dm_hot_add_latency ms=$ms load_mb=$mb memtotal_mb=$mt0-$(mem MemTotal)"
	ok "${prefix}hot-add-latency"
}

dm_bench_balloon_fall()
{
	local prefix=$1 pages=$2 low a

	BENCH_AVAIL0=$(mem MemAvailable)
	low=$BENCH_AVAIL0
	dm_cmd balloon "$pages" || return 1
	while ! dm_idle; do
		a=$(mem MemAvailable)
		[ "$a" -lt "$low" ] && low=$a
	done
	a=$(mem MemAvailable)
	[ "$a" -lt "$low" ] && low=$a
	BENCH_AVAIL1=$a
	BENCH_GOT=$(dm last_request | cut -d' ' -f3)
	echo "lis-bench ${prefix}dm_balloon_avail_left mb=$low before_mb=$BENCH_AVAIL0 pages=$BENCH_GOT asked=$pages"
	ok "${prefix}balloon-fall"
}

dm_bench_unballoon_back()
{
	local prefix=$1 ms
	local want=$((BENCH_AVAIL1 + BENCH_GOT * 9 / 2560))

	stamp "${prefix}unballoon"
	dm_cmd unballoon "$BENCH_GOT" || return 1
	if ! poll 30 mem_above MemAvailable $((want - 1)); then
		not_ok "${prefix}unballoon-back" "MemAvailable $(mem MemAvailable) MiB, want $want"
		return 1
	fi
	stamp "${prefix}back"
	ms=$(stamp_ms "${prefix}unballoon" "${prefix}back")
	wait_for 30 dm_idle
	echo "lis-bench ${prefix}dm_unballoon_latency ms=$ms pages=$BENCH_GOT"
	ok "${prefix}unballoon-back"
}

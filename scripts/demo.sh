#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make demo: the host documentation's Dynamic Memory example and a live
# backup, played by lis_sim (the simulated Hyper-V host) against lis's
# drivers in a QEMU guest running Debian's stock 6.12 kernel.
#
# The guest side is tests/demo/demo.sh, booted like an integration scenario
# (scripts/run-integration.sh with LIS_SCENARIO_DIR=tests/demo).  It writes
# "demo-*" lines to its result channel; this script follows that file live
# and prints each step with the host's and the guest's view side by side,
# then scripts/demo-report.awk turns the same lines into
#   build/demo/timeline.svg   assigned memory, guest total, guest used
#   build/demo/summary.json   per step: both views; the backup's timings
#
# Environment: LIS_DEMO_KERNEL (default 6.12; 6.1 works too).

set -u
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

OUT=$LIS_ROOT/build/demo
SERIES=${LIS_DEMO_KERNEL:-6.12}
RESULT=$LIS_LOGS/integration-$SERIES-demo.result

# view <key=value...>: the host's and the guest's view, side by side.
view()
{
	local w a="" d="" b="" h="" t="" u="" f="" av=""

	for w in "$@"; do
		case $w in
		assigned=*) a=${w#*=} ;;
		demand=*) d=${w#*=} ;;
		ballooned=*) b=${w#*=} ;;
		hot_added=*) h=${w#*=} ;;
		guest_total=*) t=${w#*=} ;;
		guest_used=*) u=${w#*=} ;;
		guest_free=*) f=${w#*=} ;;
		guest_avail=*) av=${w#*=} ;;
		esac
	done
	printf '   %-34s | %s\n' "host (Hyper-V Manager, Memory tab)" "guest (free -m)"
	printf '   %-20s %8s MiB   | %-10s %8s MiB\n' \
		"assigned memory" "$a" "total" "$t" \
		"memory demand" "$d" "used" "$u" \
		"ballooned" "$b" "free" "$f" \
		"hot-added" "$h" "available" "$av"
}

# progress <key=value...>: one line of both views.
progress()
{
	local w t="" a="" d="" b="" h="" gt="" gu=""

	for w in "$@"; do
		case $w in
		t=*) t=${w#*=} ;;
		assigned=*) a=${w#*=} ;;
		demand=*) d=${w#*=} ;;
		ballooned=*) b=${w#*=} ;;
		hot_added=*) h=${w#*=} ;;
		guest_total=*) gt=${w#*=} ;;
		guest_used=*) gu=${w#*=} ;;
		esac
	done
	printf '   %4ss  host: assigned %5s demand %5s ballooned %5s hot-added %5s | guest: total %5s used %5s MiB\n' \
		"$t" "$a" "$d" "$b" "$h" "$gt" "$gu"
}

# follow: print the guest's demo lines as they arrive, until QEMU is done.
follow()
{
	local pid=$1 line tag rest seen=0 t last_t=-5

	while IFS= read -r line; do
		line=${line%$'\r'}
		tag=${line%% *}
		rest=${line#* }
		case $tag in
		LIS-BEGIN)
			seen=1
			echo "demo: guest booted ($rest)"
			;;
		demo-say) echo "   $rest" ;;
		demo-step)
			echo
			echo "== Step ${rest#n=}" | sed 's/ t=[0-9]* name=[^ ]* text=/: /'
			;;
		demo-state)
			# shellcheck disable=SC2086 # key=value words
			view $rest
			;;
		demo-sample)
			# a progress line every 5 s of guest time
			t=${rest#t=}
			t=${t%% *}
			if [ $((t - last_t)) -ge 5 ]; then
				last_t=$t
				# shellcheck disable=SC2086 # key=value words
				progress $rest
			fi
			;;
		demo-backup)
			echo "   backup: $rest"
			;;
		"not ok"*) echo "   FAILED: ${line#not ok }" ;;
		"# "*) echo "   $line" ;;
		esac
	done < <(tail -n +1 -F --pid="$pid" "$RESULT" 2>/dev/null)
	[ "$seen" = 1 ]
}

main()
{
	local pid rc

	"$LIS_ROOT/scripts/deps.sh" || return 1
	mkdir -p "$OUT"
	rm -f "$RESULT" "$OUT/timeline.svg" "$OUT/summary.json"
	echo "demo: building lis with dkms against the stock $SERIES kernel, then booting a QEMU guest"
	echo "demo: (software emulation: booting takes a minute; every step is printed as it happens)"
	LIS_KERNELS=$SERIES LIS_SCENARIO_DIR=$LIS_ROOT/tests/demo \
	LIS_TAP_LAYER=demo LIS_TAP_FILE=demo.tap \
		"$LIS_ROOT/scripts/run-integration.sh" >"$OUT/run.log" 2>&1 &
	pid=$!
	follow "$pid"
	wait "$pid"
	rc=$?
	echo
	if ! lis_result_lines "$RESULT" 2>/dev/null |
		awk -v svg="$OUT/timeline.svg" -v json="$OUT/summary.json" \
			-f "$LIS_ROOT/scripts/demo-report.awk"; then
		echo "demo: no timeline: the guest reported too little (see ${OUT#"$LIS_ROOT"/}/run.log)"
		rc=1
	fi
	grep -E '^(FAIL|lis:)|passed' "$OUT/run.log" | sed 's/^/demo: /'
	if [ "$rc" -eq 0 ]; then
		echo "demo: done: ${OUT#"$LIS_ROOT"/}/timeline.svg and ${OUT#"$LIS_ROOT"/}/summary.json"
	else
		echo "demo: FAILED (console log: ${LIS_LOGS#"$LIS_ROOT"/}/integration-$SERIES-demo.console)"
	fi
	return "$rc"
}

main "$@"

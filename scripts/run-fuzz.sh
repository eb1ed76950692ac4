#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Fuzz layer: every tests/fuzz/fuzz_<name>.c is a libFuzzer target over
# lis's pure parsers of host-written data.  Each file #includes the pure .c
# files it needs itself, so one clang command builds it:
#
#   clang -g -O1 -fsanitize=fuzzer,address,undefined
#         -fno-sanitize-recover=all -Iinclude <file> -o build/fuzz/<name>
#
# and it runs for FUZZ_SECONDS (20 by default, 600 with --long: make fuzz),
# one target per CPU at a time, from a scratch copy of tests/fuzz/corpus/<name>/ when that exists, so the
# tree is never written to.  One result per target, named <name>: a build
# failure, a crash, a sanitizer report, a leak or a timeout fails it, and
# the reproducer is kept in build/fuzz/artifacts/<name>/.  No fuzz files is
# not an error (0 tests).  Writes build/test-results/fuzz.tap.

set -u
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

WORK=$LIS_ROOT/build/fuzz
# shellcheck disable=SC2054 # commas belong to -fsanitize=
CFLAGS=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)

# report <log>: the sanitizer's or libFuzzer's report, else the log's tail.
report()
{
	local first

	first=$(grep -n -m 1 -E '==ERROR:|runtime error:|ERROR: libFuzzer|^==[0-9]+== ?ERROR' "$1" | cut -d: -f1)
	if [ -n "$first" ]; then
		sed -n "$first,$((first + LIS_TAIL_LINES))p" "$1" | sed 's/^/    | /'
		grep -m 1 '^SUMMARY:' "$1" | sed 's/^/    | /'
	else
		lis_tail "$1"
	fi
}

# fuzz_one <name> <seconds>: build and run one target (in the background);
# its verdict, "ok", "build" or "crash", goes to $WORK/<name>.status.
fuzz_one()
{
	local name=$1 seconds=$2 log=$LIS_LOGS/fuzz-$1.log
	local corpus=$WORK/corpus/$1 artifacts=$WORK/artifacts/$1

	if ! (cd "$LIS_ROOT" && clang "${CFLAGS[@]}" -Iinclude \
		"tests/fuzz/$name.c" -o "$WORK/$name") >"$log" 2>&1; then
		echo build >"$WORK/$name.status"
		return
	fi
	rm -rf "$corpus" "$artifacts"
	mkdir -p "$corpus" "$artifacts"
	if [ -d "$LIS_ROOT/tests/fuzz/corpus/$name" ]; then
		cp -r "$LIS_ROOT/tests/fuzz/corpus/$name/." "$corpus/"
	fi
	lis_log "fuzz: $name for ${seconds}s"
	# -timeout: one input running 25 s is a hang, not slowness.
	if "$WORK/$name" -max_total_time="$seconds" -timeout=25 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="$artifacts/" "$corpus" >>"$log" 2>&1; then
		echo ok >"$WORK/$name.status"
	else
		echo crash >"$WORK/$name.status"
	fi
}

# verdict <name>: the target's TAP result.
verdict()
{
	local name=$1 log=$LIS_LOGS/fuzz-$1.log repro

	case $(cat "$WORK/$name.status" 2>/dev/null) in
	ok)
		tap_ok "$name"
		;;
	build)
		tap_fail_log "$name" "the fuzz target did not build" "$log"
		;;
	crash)
		repro=$(find "$WORK/artifacts/$name" -type f | head -n 1)
		tap_fail "$name" "libFuzzer stopped with a failure; reproducer: ${repro#"$LIS_ROOT"/}" \
			"$(report "$log")"
		;;
	*)
		tap_fail_log "$name" "the fuzz run died without a verdict" "$log"
		;;
	esac
}

main()
{
	local seconds=${FUZZ_SECONDS:-20} file name names=()

	lis_lock_tree

	if [ "${1:-}" = --long ]; then
		seconds=${FUZZ_SECONDS:-600}
	fi
	tap_begin fuzz fuzz.tap
	mkdir -p "$WORK"
	# One target per CPU at a time: each fuzzer is single-threaded.
	for file in "$LIS_ROOT"/tests/fuzz/fuzz_*.c; do
		[ -e "$file" ] || continue
		name=$(basename "$file" .c)
		names+=("$name")
		rm -f "$WORK/$name.status"
		while [ "$(jobs -rp | wc -l)" -ge "$(nproc)" ]; do
			wait -n
		done
		fuzz_one "$name" "$seconds" &
	done
	wait
	for name in "${names[@]}"; do
		verdict "$name"
	done
	tap_end "TAP version 13"
}

main "$@"

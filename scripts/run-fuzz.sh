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
# and it runs for FUZZ_SECONDS (20 by default, 600 with --long: make fuzz)
# from a scratch copy of tests/fuzz/corpus/<name>/ when that exists, so the
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

fuzz_one()
{
	local file=$1 seconds=$2 name log corpus artifacts repro

	name=$(basename "$file" .c)
	log=$LIS_LOGS/fuzz-$name.log
	corpus=$WORK/corpus/$name
	artifacts=$WORK/artifacts/$name

	if ! (cd "$LIS_ROOT" && clang "${CFLAGS[@]}" -Iinclude \
		"tests/fuzz/$name.c" -o "$WORK/$name") >"$log" 2>&1; then
		tap_fail_log "$name" "the fuzz target did not build" "$log"
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
		tap_ok "$name"
	else
		repro=$(find "$artifacts" -type f | head -n 1)
		tap_fail "$name" "libFuzzer stopped with a failure; reproducer: ${repro#"$LIS_ROOT"/}" \
			"$(report "$log")"
	fi
}

main()
{
	local seconds=${FUZZ_SECONDS:-20} file

	if [ "${1:-}" = --long ]; then
		seconds=${FUZZ_SECONDS:-600}
	fi
	tap_begin fuzz fuzz.tap
	mkdir -p "$WORK"
	for file in "$LIS_ROOT"/tests/fuzz/fuzz_*.c; do
		[ -e "$file" ] || continue
		fuzz_one "$file" "$seconds"
	done
	tap_end "TAP version 13"
}

main "$@"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make fuzz-seeds: seed the fuzz corpora from real traffic.
#
# Boots tests/fuzz/capture.sh like an integration scenario (on the stock
# 6.12 kernel, scripts/run-integration.sh with LIS_SCENARIO_DIR=tests/fuzz):
# lis_sim's byte capture records every channel message and ring packet of
# echo traffic, the Dynamic Memory protocol and a live backup, and the
# guest sends it and its mount table to the result channel.
# scripts/fuzz-seeds.py turns that into candidate inputs for every
# tests/fuzz/fuzz_<name>.c; each target, built as run-fuzz.sh builds it,
# keeps with -merge=1 only the candidates that add coverage to the
# hand-made seeds; those replace tests/fuzz/corpus/<name>/trace-<n>.
# Commit the result.
#
# Environment: FUZZ_SEEDS_RESULT=<file> converts an earlier capture (a
# result file) instead of booting; FUZZ_SEEDS_MAX (default 40) caps the
# trace files per target; LIS_SEEDS_KERNEL (default 6.12).

set -u
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

WORK=$LIS_ROOT/build/fuzz-seeds
SERIES=${LIS_SEEDS_KERNEL:-6.12}
# shellcheck disable=SC2054 # commas belong to -fsanitize=
CFLAGS=(-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all)

# capture: boot the capture scenario; prints the result file.
capture()
{
	local result=$LIS_LOGS/integration-$SERIES-capture.result

	lis_log "fuzz-seeds: booting tests/fuzz/capture.sh on $SERIES (about 10 minutes)"
	LIS_KERNELS=$SERIES LIS_SCENARIO_DIR=$LIS_ROOT/tests/fuzz \
	LIS_TAP_LAYER=fuzz-seeds LIS_TAP_FILE=fuzz-seeds.tap \
		"$LIS_ROOT/scripts/run-integration.sh" >"$WORK/run.log" 2>&1
	if grep -q '^not ok' "$LIS_RESULTS/fuzz-seeds.tap"; then
		lis_log "fuzz-seeds: the capture scenario failed:"
		grep -A3 '^not ok' "$LIS_RESULTS/fuzz-seeds.tap" >&2
		return 1
	fi
	echo "$result"
}

# minimise <name>: keep the candidates that add coverage to the hand-made
# seeds, as tests/fuzz/corpus/<name>/trace-<n>.
minimise()
{
	local name=$1 bin=$WORK/bin/$1 corpus=$LIS_ROOT/tests/fuzz/corpus/$1
	local merged=$WORK/merged/$1 file n=0 max=${FUZZ_SEEDS_MAX:-40}

	if ! (cd "$LIS_ROOT" && clang "${CFLAGS[@]}" -Iinclude \
		"tests/fuzz/$name.c" -o "$bin") >"$WORK/$name.build.log" 2>&1; then
		lis_log "fuzz-seeds: $name did not build ($WORK/$name.build.log)"
		return 1
	fi
	rm -rf "$merged"
	mkdir -p "$merged" "$corpus"
	rm -f "$corpus"/trace-*
	cp "$corpus"/. "$merged/" -r
	if ! "$bin" -merge=1 -rss_limit_mb=2048 -timeout=25 "$merged" \
		"$WORK/candidates/$name" >"$WORK/$name.merge.log" 2>&1; then
		lis_log "fuzz-seeds: $name failed on a candidate ($WORK/$name.merge.log)"
		return 1
	fi
	# The new files are the ones not among the hand-made seeds; largest
	# coverage first is not known here, so keep the smallest ones.
	while IFS= read -r file; do
		[ -e "$corpus/$(basename "$file")" ] && continue
		[ "$n" -lt "$max" ] || break
		n=$((n + 1))
		cp "$file" "$corpus/trace-$n"
	done < <(find "$merged" -type f -printf '%s %p\n' | sort -n | cut -d' ' -f2-)
	lis_log "fuzz-seeds: $name: $n trace seeds ($(grep -o 'cov: [0-9]*' "$WORK/$name.merge.log" | tail -n 1))"
}

main()
{
	local result name file

	lis_lock_tree
	mkdir -p "$WORK/bin" "$LIS_LOGS"
	result=${FUZZ_SEEDS_RESULT:-}
	if [ -z "$result" ]; then
		"$LIS_ROOT/scripts/deps.sh" || return 1
		result=$(capture) || return 1
	fi
	rm -rf "$WORK/candidates"
	python3 "$LIS_ROOT/scripts/fuzz-seeds.py" "$result" "$WORK/candidates" || return 1
	for file in "$LIS_ROOT"/tests/fuzz/fuzz_*.c; do
		name=$(basename "$file" .c)
		[ -d "$WORK/candidates/$name" ] || continue
		minimise "$name" || return 1
	done
	lis_log "fuzz-seeds: done; review and commit tests/fuzz/corpus/"
}

main "$@"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make mutants: are the tests able to fail?  Each tests/mutants/*.patch is
# one plausible bug (it builds; it is not a syntax error) and names the
# tests that are meant to catch it.  For each mutant, in a scratch copy of
# the working tree: apply it, check that the modules and tools still
# build, run only its named tests (scripts/check.sh with LIS_LAYERS and
# the filters below) and say
#
#   caught      some named test failed (the first failures are named)
#   survived    every named test passed: a gap in the tests
#   broken      the patch does not apply or the tree does not build: the
#               mutant must be mended (it proves nothing)
#
# A mutant file starts with its header, then the diff (patch -p1 ignores
# what comes before the first "diff --git"):
#
#   Mutant: <the bug, in one line>
#   Tests: <test> [<test>...]
#
# where <test> is one of
#   kunit:<test module>             one line of tests/kunit/modules.list
#   integration:<scenario>          on MUTANT_KERNEL (default 6.12)
#   integration:<series>:<scenario> on that series (6.1, 6.12, debug)
#   userspace                       lis-vssd's builds and unit tests
#
#   scripts/run-mutants.sh                  every mutant (make mutants)
#   scripts/run-mutants.sh NAME...          only these (file names
#                                           without .patch)
#   scripts/run-mutants.sh --smoke          those in tests/mutants/smoke.list,
#                                           as a make check layer
#
# Prints a progress line per mutant and ends with "N caught, N survived"
# (and "N broken" when any).  Exits non-zero on any survivor or broken
# mutant.  As a layer (--smoke, or whenever run by check.sh) it writes
# build/test-results/mutants.tap: a mutant that is caught passes.

set -u
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

DIR=$LIS_ROOT/tests/mutants
WORK=$LIS_ROOT/build/mutants
KERNEL=${MUTANT_KERNEL:-6.12}

# field <file> <key>: the value of a header line "<key>: value".
field()
{
	sed -n "/^diff --git /q; s/^$2: *//p" "$1" | head -n 1
}

# plan_tests <tests...>: set LAYERS, KERNELS, SCENARIOS and KMODS for
# check.sh from a mutant's Tests: line.  Returns 1 on an unknown test.
plan_tests()
{
	local t series scenario

	LAYERS="" KERNELS="" SCENARIOS="" KMODS=""
	for t in "$@"; do
		case $t in
		kunit:*)
			KMODS="$KMODS ${t#kunit:}"
			LAYERS="$LAYERS kunit"
			;;
		integration:*:*)
			series=${t#integration:}
			scenario=${series#*:}
			series=${series%%:*}
			KERNELS="$KERNELS $series"
			SCENARIOS="$SCENARIOS $scenario"
			LAYERS="$LAYERS integration"
			;;
		integration:*)
			KERNELS="$KERNELS $KERNEL"
			SCENARIOS="$SCENARIOS ${t#integration:}"
			LAYERS="$LAYERS integration"
			;;
		userspace)
			LAYERS="$LAYERS userspace"
			;;
		*)
			return 1
			;;
		esac
	done
	# check.sh runs its layers in its own order; each once.
	LAYERS=$(tr ' ' '\n' <<<"$LAYERS" | awk 'NF && !seen[$0]++' | xargs)
	KERNELS=$(tr ' ' '\n' <<<"$KERNELS" | awk 'NF && !seen[$0]++' | xargs)
	[ -n "$LAYERS" ]
}

# builds <tree> <log>: the mutant's modules (against the stock kernel of
# MUTANT_KERNEL, or the newest 6.12) and tools build.
builds()
{
	local tree=$1 log=$2 kver

	kver=$(lis_stock_kernel "$KERNEL") || kver=$(lis_stock_kernel 6.12) || {
		echo "no stock kernel with headers to build against" >"$log"
		return 1
	}
	make -C "$tree" KDIR="/lib/modules/$kver/build" -j"$LIS_JOBS" modules \
		>"$log" 2>&1 &&
		make -C "$tree/tools" -j"$LIS_JOBS" >>"$log" 2>&1
}

# run_one <patch>: prints "caught <tests>", "survived" or "broken <why>".
run_one()
{
	local patch=$1 name tree log tests failed

	name=$(basename "$patch" .patch)
	tree=$WORK/tree
	log=$WORK/logs/$name
	mkdir -p "$WORK/logs"
	read -r -a tests <<<"$(field "$patch" Tests)"
	if [ -z "$(field "$patch" Mutant)" ] || ! plan_tests "${tests[@]}"; then
		echo "broken: its header needs 'Mutant:' and 'Tests:' with known tests"
		return
	fi
	lis_copy_tree "$tree"
	rm -rf "$tree/tests/mutants"
	if ! patch -d "$tree" -p1 -s -f --no-backup-if-mismatch -i "$patch" \
		>"$log.apply" 2>&1; then
		echo "broken: does not apply ($(head -n 1 "$log.apply"))"
		return
	fi
	if ! builds "$tree" "$log.build"; then
		echo "broken: does not build (${log#"$LIS_ROOT"/}.build)"
		return
	fi
	(cd "$tree" && env LIS_TREE_LOCKED= LIS_LAYERS="$LAYERS" \
		LIS_KERNELS="${KERNELS:-$KERNEL}" LIS_SCENARIOS="$SCENARIOS" \
		LIS_KUNIT_MODULES="$KMODS" scripts/check.sh) >"$log.check" 2>&1
	failed=$(cat "$tree"/build/test-results/{integration,userspace}.tap \
		"$tree"/build/test-results/kunit.ktap 2>/dev/null |
		sed -n 's/^not ok [0-9]* //p' | head -n 3 | xargs)
	if [ -n "$failed" ]; then
		echo "caught by $failed"
	elif grep -q '^0 passed, 0 failed$' "$log.check"; then
		echo "broken: its tests ran nothing (${log#"$LIS_ROOT"/}.check)"
	else
		echo "survived"
	fi
}

main()
{
	local patches=() patch name verdict n=0 caught=0 survived=0 broken=0
	local start t0

	lis_lock_tree
	if [ "${1:-}" = --smoke ]; then
		while read -r name; do
			patches+=("$DIR/$name.patch")
		done < <(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$DIR/smoke.list")
	elif [ $# -gt 0 ]; then
		for name in "$@"; do
			patches+=("$DIR/${name%.patch}.patch")
		done
	else
		patches=("$DIR"/*.patch)
	fi

	tap_begin mutants mutants.tap
	start=$(date +%s)
	for patch in "${patches[@]}"; do
		n=$((n + 1))
		name=$(basename "$patch" .patch)
		t0=$(date +%s)
		if [ ! -f "$patch" ]; then
			verdict="broken: no such mutant"
		else
			verdict=$(run_one "$patch")
		fi
		case $verdict in
		caught*)
			caught=$((caught + 1))
			tap_ok "mutant/$name"
			;;
		survived*)
			survived=$((survived + 1))
			tap_fail "mutant/$name" "survived: $(field "$patch" Mutant)" \
				"its tests ($(field "$patch" Tests)) all passed"
			;;
		*)
			broken=$((broken + 1))
			tap_fail "mutant/$name" "$verdict"
			;;
		esac
		echo "mutants: [$n/${#patches[@]}] $name: $verdict ($(($(date +%s) - t0)) s, $(($(date +%s) - start)) s in all)"
	done
	tap_end "TAP version 13"
	echo "$caught caught, $survived survived$([ "$broken" -gt 0 ] && echo ", $broken broken")"
	[ $((survived + broken)) -eq 0 ]
}

main "$@"

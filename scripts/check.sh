#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make check: every test layer, in order, whatever the earlier ones said.
#
#   0. deps          scripts/deps.sh (packages; fast when all installed)
#   1. static        scripts/run-static.sh       build/test-results/static.tap
#   2. integration   scripts/run-integration.sh  .../integration.tap
#   3. kunit         scripts/run-kunit.sh        build/test-results/kunit.ktap
#   4. fuzz          scripts/run-fuzz.sh         .../fuzz.tap
#   5. userspace     scripts/run-userspace.sh    .../userspace.tap
#   6. mutants       scripts/run-mutants.sh --smoke  .../mutants.tap
#                    (two mutants from tests/mutants/smoke.list, so the
#                    machinery of make mutants is known to work)
#
# The KUnit test kernel (scripts/test-kernel.sh) is the longest thing a
# cold run does, and only kunit and integration's debug series need it.
# So it is built in the background, niced, from the start: static and the
# stock kernels' integration run meanwhile (their guests mostly wait on
# timers, which leaves the CPUs to the build), and the debug series, at
# the end of integration, then kunit wait for it on its cache lock.  A
# warm cache makes this a no-op.
#
# Prints one summary line per layer ("kunit: N passed, N failed") and, as
# its very last line, the totals: "N passed, N failed".  Exits non-zero
# when anything failed.  A layer that dies without writing its results
# counts as one failed test named after the layer.
#
# Environment: LIS_LAYERS limits the layers (default
# "static integration kunit fuzz userspace mutants"); see Documentation/testing.rst for the
# per-layer variables (LIS_KERNELS, FUZZ_SECONDS, ...).

set -u
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

LAYERS=${LIS_LAYERS:-static integration kunit fuzz userspace mutants}

# run_layer <layer> <command...>: run it, keep its output, note its time.
run_layer()
{
	local layer=$1 start rc

	shift
	echo "=== $layer ==="
	start=$(date +%s)
	"$@" 2>&1 | tee "$LIS_LOGS/$layer.out"
	rc=${PIPESTATUS[0]}
	echo "$(($(date +%s) - start))" >"$LIS_RESULTS/$layer.seconds"
	if [ ! -s "$LIS_RESULTS/$layer.counts" ]; then
		echo "FAIL: $layer: the layer died (status $rc) before writing its results"
		lis_tail "$LIS_LOGS/$layer.out"
		echo "0 1" >"$LIS_RESULTS/$layer.counts"
	fi
}

deps()
{
	tap_begin deps deps.tap
	if "$LIS_ROOT/scripts/deps.sh"; then
		tap_ok deps
	else
		tap_fail deps "scripts/deps.sh failed: the layers below may fail for want of packages"
	fi
	tap_end "TAP version 13"
}

# prebuild_kernel: start the test kernel's build in the background when
# a layer will want it (PREBUILD_PID, its log in logs/test-kernel.log).
prebuild_kernel()
{
	case " $LAYERS " in
	*" kunit "*) ;;
	*" integration "*)
		case " $LIS_KERNELS " in
		*" debug "*) ;;
		*) return 0 ;;
		esac
		;;
	*) return 0 ;;
	esac
	nice -n 10 "$LIS_ROOT/scripts/test-kernel.sh" >/dev/null \
		2>"$LIS_LOGS/test-kernel.log" &
	PREBUILD_PID=$!
	trap 'kill -- "$PREBUILD_PID" 2>/dev/null' EXIT
}

main()
{
	local start layer passed failed total_pass=0 total_fail=0 summary=()

	lis_lock_tree
	start=$(date +%s)
	rm -rf "$LIS_RESULTS"
	mkdir -p "$LIS_LOGS"
	run_layer deps deps
	prebuild_kernel
	for layer in $LAYERS; do
		case $layer in
		static | kunit | integration | fuzz | userspace)
			run_layer "$layer" "$LIS_ROOT/scripts/run-$layer.sh"
			;;
		mutants)
			run_layer "$layer" "$LIS_ROOT/scripts/run-mutants.sh" --smoke
			;;
		*)
			echo "FAIL: unknown layer '$layer' in LIS_LAYERS"
			echo "0 1" >"$LIS_RESULTS/$layer.counts"
			;;
		esac
	done

	echo "=== summary ($(($(date +%s) - start)) s) ==="
	for layer in deps $LAYERS; do
		read -r passed failed <"$LIS_RESULTS/$layer.counts"
		total_pass=$((total_pass + passed))
		total_fail=$((total_fail + failed))
		summary+=("$layer: $passed passed, $failed failed ($(cat "$LIS_RESULTS/$layer.seconds" 2>/dev/null || echo 0) s)")
	done
	printf '%s\n' "${summary[@]}"
	echo "results: ${LIS_RESULTS#"$LIS_ROOT"/}/"
	echo "$total_pass passed, $total_fail failed"
	[ "$total_fail" -eq 0 ]
}

main "$@"

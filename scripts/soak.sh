#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make soak: tests/integration/scenarios/50-soak.sh for SOAK_MINUTES
# (default 60) in the integration layer's debug series (the KASAN,
# lockdep and kmemleak test kernel), its "soak: minute N" progress lines
# shown as they come.  make check runs the same scenario for 2 minutes.
# Writes build/test-results/soak.tap; the guest's console is
# build/test-results/logs/integration-debug-50-soak.console.

set -u
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

main()
{
	local console=$LIS_LOGS/integration-debug-50-soak.console pid rc

	lis_log "soak: ${SOAK_MINUTES:-60} minutes on the debug test kernel (console: ${console#"$LIS_ROOT"/})"
	rm -f "$console"
	LIS_SOAK_MINUTES=${SOAK_MINUTES:-60} LIS_KERNELS=debug \
		LIS_SCENARIOS=50-soak LIS_TAP_LAYER=soak LIS_TAP_FILE=soak.tap \
		"$LIS_ROOT/scripts/run-integration.sh" &
	pid=$!
	tail -F -n +1 --pid="$pid" "$console" 2>/dev/null |
		grep --line-buffered -E '^soak: |lis-test: not ok' &
	wait "$pid"
	rc=$?
	wait
	return "$rc"
}

main "$@"

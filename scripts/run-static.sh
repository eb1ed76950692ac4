#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Static layer: sparse, W=1 and checkpatch.  Results:
#   sparse-<series>   make KDIR=<stock headers> C=2: any sparse warning or
#                     error in lis's own files (or a failed build) fails
#   w1-<series>       make KDIR=<stock headers> W=1: any compiler, modpost
#                     or Kbuild warning (or a failed build) fails
#   modinfo-<series>  the W=1 build's lis_hvbridge.ko carries the vmbus
#                     aliases of the Dynamic Memory and VSS devices and
#                     depends on hv_vmbus; lis_vmbus.ko does not
#   checkpatch        scripts/checkpatch.sh over every C source
#   mutants-apply     every tests/mutants/*.patch still applies to the tree
#                     (a change to the code a mutant breaks must carry the
#                     mutant along, or make mutants calls it "broken")
# The builds include the peer drivers' test module lis_hvcompat
# (tests/peer), given drivers/hv of the series' Debian linux-source.
# <series> runs over $LIS_KERNELS (default "6.1 6.12").  Every build starts
# from a fresh copy of the tree under build/static/, so nothing is stale.
# Writes build/test-results/static.tap; logs in build/test-results/logs/.

set -u
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

# Diagnostics about lis's files: sparse/gcc print "file:line:col: warning:",
# with paths either relative to the module or absolute inside the copy.
# Kernel headers' own diagnostics (paths under the kernel tree) are not
# lis's to fix and are left out.
own_diagnostics()
{
	local log=$1 dir=$2

	grep -E '^[^ :]+:[0-9]+(:[0-9]+)?: (warning|error):' "$log" |
		grep -Ev '^(/usr/src/|/lib/modules/|\./include/|\./arch/|include/linux/|arch/x86/include/)' |
		sed "s|^$dir/||"
}

# static_build <sparse|w1> <series> <kver>: one result, from a build of a
# fresh copy in build/static/<kind>-<series>, logged to
# logs/static-<kind>-<series>.log.
static_build()
{
	local kind=$1 series=$2 kver=$3 name=$1-$2 dir log diag hv peer=()

	dir=$LIS_ROOT/build/static/$name
	log=$LIS_LOGS/static-$name.log
	lis_copy_tree "$dir"
	# The peer drivers' compat module too (tests/peer/Kbuild).
	if hv=$(lis_kernel_hv_source "$series" 2>"$log"); then
		peer=(LIS_PEER_HV="$hv")
	fi
	if ! make -C "$dir" KDIR="/lib/modules/$kver/build" -j"$LIS_JOBS" "${peer[@]}" \
		"$([ "$kind" = sparse ] && echo C=2 || echo W=1)" >>"$log" 2>&1; then
		tap_fail_log "$name" "build failed against $kver" "$log"
		return
	fi
	if [ "$kind" = sparse ]; then
		# gcc's warnings end in [-Wname]; the W=1 test owns those.
		diag=$(own_diagnostics "$log" "$dir" | grep -Ev '\[-W[^]]*\]$')
	else
		# ... and modpost's and Kbuild's too.
		diag=$( (own_diagnostics "$log" "$dir"
			grep -E '^(WARNING|warning):' "$log") | sed "s|$dir/||g")
	fi
	if [ -n "$diag" ]; then
		tap_fail "$name" "$kind diagnostics against $kver:" "$diag"
	else
		tap_ok "$name"
	fi
}

# The in-kernel VMBus device ids udev loads lis_hvbridge for, as modinfo
# prints them: vmbus:<the class GUID's 16 bytes in wire order>.
LIS_HVB_ALIASES="vmbus:dc7450528589e2468057a307dc18a502 vmbus:292efa3523ea364296ae3a6ebacba440"

static_modinfo()
{
	local series=$1 dir=$LIS_ROOT/build/static/w1-$1 ko aliases deps a bad=""

	ko=$dir/lis_hvbridge.ko
	if [ ! -f "$ko" ]; then
		tap_fail "modinfo-$series" "no lis_hvbridge.ko from the W=1 build (kernel without CONFIG_HYPERV?)"
		return
	fi
	aliases=$(modinfo -F alias "$ko")
	for a in $LIS_HVB_ALIASES; do
		grep -qx "$a" <<<"$aliases" || bad+="lis_hvbridge.ko lacks alias $a"$'\n'
	done
	deps=$(modinfo -F depends "$ko")
	grep -qw hv_vmbus <<<"$deps" || bad+="lis_hvbridge.ko does not depend on hv_vmbus (depends: $deps)"$'\n'
	deps=$(modinfo -F depends "$dir/lis_vmbus.ko")
	grep -qw hv_vmbus <<<"$deps" && bad+="lis_vmbus.ko depends on hv_vmbus (depends: $deps)"$'\n'
	if [ -n "$bad" ]; then
		tap_fail "modinfo-$series" "module metadata:" "$bad"
	else
		tap_ok "modinfo-$series"
	fi
}

static_checkpatch()
{
	local log=$LIS_LOGS/static-checkpatch.log

	if "$LIS_ROOT/scripts/checkpatch.sh" >"$log" 2>&1; then
		tap_ok checkpatch
	else
		tap_fail checkpatch "checkpatch.pl found problems:" \
			"$(grep -E '^(ERROR|WARNING|CHECK):|^#[0-9]+: FILE:' "$log" | head -n 60)"
	fi
}

static_mutants_apply()
{
	local patch bad=""

	for patch in "$LIS_ROOT"/tests/mutants/*.patch; do
		patch -d "$LIS_ROOT" -p1 --dry-run -s -f -i "$patch" \
			>/dev/null 2>&1 || bad+="${patch##*/} "
	done
	if [ -z "$bad" ]; then
		tap_ok mutants-apply
	else
		tap_fail mutants-apply "these mutants no longer apply (regenerate them against the code they break):" "$bad"
	fi
}

main()
{
	local series kver

	lis_lock_tree

	tap_begin static static.tap
	for series in $(lis_stock_series); do
		if ! kver=$(lis_stock_kernel "$series"); then
			tap_fail "sparse-$series" "no installed $series kernel with headers"
			tap_fail "w1-$series" "no installed $series kernel with headers"
			tap_fail "modinfo-$series" "no installed $series kernel with headers"
			continue
		fi
		lis_log "static: sparse and W=1 against $kver"
		static_build sparse "$series" "$kver"
		static_build w1 "$series" "$kver"
		static_modinfo "$series"
	done
	lis_log "static: checkpatch"
	static_checkpatch
	static_mutants_apply
	tap_end "TAP version 13"
}

main "$@"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Userspace layer: lis's compiled tools (tools/Makefile) and their unit
# tests, in a fresh copy of the tree under build/userspace/.  Results:
#   tools-build            make -C tools (-Wall -Wextra -Werror)
#   tools-build-static     make -C tools LDFLAGS=-static (the guest's build)
#   <tool>/<test>          each TAP line of each tool's unit test
#                          (make -C tools check), e.g. lis-vssd/plan-order
#   <tool>/unit-test       a unit test that died or printed no plan
#   lis-vssd/help          "lis-vssd --help" exits 0 and names --plan
#   tools-install          make -C tools install DESTDIR=<scratch root>
#                          installs the daemon's and hosted mode's files
#   tools-uninstall        ... and make uninstall removes every one
# Writes build/test-results/userspace.tap.

set -u
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

WORK=$LIS_ROOT/build/userspace

# unit_tests <tool> <log> <status>: one result per TAP line of the
# tool's tests; <status> is make check's.
unit_tests()
{
	local tool=$1 log=$2 status=$3 line name n=0

	while IFS= read -r line; do
		case $line in
		"ok "*)
			name=${line#ok }
			tap_ok "$tool/${name#* }"
			n=$((n + 1))
			;;
		"not ok "*)
			name=${line#not ok }
			tap_fail "$tool/${name#* }" "$(grep -B 20 -F "$line" "$log" | grep '^#' | tail -n 10)"
			n=$((n + 1))
			;;
		esac
	done <"$log"
	if [ "$n" -eq 0 ] || [ "$status" -ne 0 ] ||
		grep -qE '^[0-9]+ passed, [1-9][0-9]* failed$' "$log"; then
		tap_fail_log "$tool/unit-test" "the unit test failed or reported nothing" "$log"
	fi
}

# install_roundtrip <log>: "make install" of the tools into a DESTDIR puts
# the daemon, its unit and its man page, and hosted mode's claim script,
# unit, udev rule and modprobe configuration, where a distribution expects
# them (and not the test client); "make uninstall" takes them all away.
install_roundtrip()
{
	local log=$1 dest=$WORK/destdir file missing="" left

	rm -rf "$dest"
	if ! make -C "$WORK/tools" install DESTDIR="$dest" >"$log" 2>&1; then
		tap_fail_log tools-install "make -C tools install DESTDIR=... failed" "$log"
		return
	fi
	for file in usr/sbin/lis-vssd lib/systemd/system/lis-vssd.service \
		usr/share/man/man8/lis-vssd.8 usr/sbin/lis-hosted-claim \
		lib/systemd/system/lis-hosted-claim.service \
		lib/udev/rules.d/60-lis-hosted.rules \
		etc/modprobe.d/lis-hosted.conf; do
		[ -f "$dest/$file" ] || missing+=" /$file"
	done
	if [ -n "$missing" ]; then
		tap_fail tools-install "not installed:$missing" "$(find "$dest" -type f)"
	elif find "$dest" -name 'lis-vss-test*' -o -name 'lis-soak*' | grep -q .; then
		tap_fail tools-install "a test tool (lis-vss-test, lis-soak) was installed"
	else
		tap_ok tools-install
	fi
	make -C "$WORK/tools" uninstall DESTDIR="$dest" >>"$log" 2>&1
	left=$(find "$dest" -type f)
	if [ -z "$left" ]; then
		tap_ok tools-uninstall
	else
		tap_fail tools-uninstall "left after make uninstall:" "$left"
	fi
}

main()
{
	local log=$LIS_LOGS/userspace

	lis_lock_tree
	tap_begin userspace userspace.tap
	if [ ! -f "$LIS_ROOT/tools/Makefile" ]; then
		tap_end "TAP version 13"
		return
	fi
	lis_copy_tree "$WORK"
	if make -C "$WORK/tools" -j"$LIS_JOBS" >"$log-build.log" 2>&1; then
		tap_ok tools-build
	else
		tap_fail_log tools-build "make -C tools failed" "$log-build.log"
	fi
	make -C "$WORK/tools/lis-vssd" check >"$log-lis-vssd.log" 2>&1
	unit_tests lis-vssd "$log-lis-vssd.log" $?
	make -C "$WORK/tools/lis-hosted-claim" check >"$log-lis-hosted-claim.log" 2>&1
	unit_tests lis-hosted-claim "$log-lis-hosted-claim.log" $?
	if "$WORK/tools/bin/lis-vssd" --help 2>&1 | grep -q -- --plan; then
		tap_ok lis-vssd/help
	else
		tap_fail lis-vssd/help "lis-vssd --help failed or does not document --plan"
	fi
	install_roundtrip "$log-install.log"
	make -C "$WORK/tools" clean >/dev/null 2>&1
	if make -C "$WORK/tools" LDFLAGS=-static -j"$LIS_JOBS" \
		>"$log-static.log" 2>&1; then
		tap_ok tools-build-static
	else
		tap_fail_log tools-build-static "make -C tools LDFLAGS=-static failed" "$log-static.log"
	fi
	tap_end "TAP version 13"
}

main "$@"

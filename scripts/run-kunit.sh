#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# KUnit layer: build the test kernel (scripts/test-kernel.sh, cached), build
# lis's modules against it (the *_test.ko suites exist because the test
# kernel has CONFIG_KUNIT), boot it in QEMU with the modules listed in
# tests/kunit/modules.list, and count every KUnit test case.
#
# tests/kunit/modules.list, one test module a line, '#' starts a comment:
#   lis_ring_test                          standalone
#   lis_bus_test: lis_vmbus lis_sim        deps insmod'ed first, in order,
#                                          rmmod'ed in reverse afterwards
#   lis_x_test: lis_balloon@report_delay=1 a dep loaded with parameters
#
# Result names: <module>/<suite>/<case>, and <module>/<suite>/<case>/<param>
# for each result of a parameterised case.  A failed insmod/rmmod, a module
# whose suites never appeared, a kmemleak report, a missing done marker, a
# timeout, or a kernel bug report on the console (see common.sh) each fail
# a test named after it.  Writes build/test-results/kunit.ktap.
#
# Environment: LIS_KUNIT_TIMEOUT (seconds for the guest, default 600);
# LIS_KUNIT_MODULES (only these test modules of the list, e.g.
# "lis_ring_test lis_ic_test"; make mutants uses it).

set -u
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

LIST=$LIS_ROOT/tests/kunit/modules.list
WORK=$LIS_ROOT/build/kunit
TIMEOUT=${LIS_KUNIT_TIMEOUT:-600}
CMDLINE="panic=-1 oops=panic panic_on_warn=1 kasan.fault=panic"

# parse_list: modules.list as "<module> <dep>..." lines, comments dropped;
# with LIS_KUNIT_MODULES set, only the lines of the test modules it names.
parse_list()
{
	sed -e 's/#.*//' -e 's/:/ /' -e 's/[[:space:]]\+/ /g' \
		-e 's/^ //' -e 's/ $//' "$LIST" | grep -v '^$' |
		awk -v only="${LIS_KUNIT_MODULES:-}" '
		BEGIN { n = split(only, names, " "); for (i = 1; i <= n; i++) want[names[i]] = 1 }
		n == 0 || ($1 in want)'
}

# ktap_results: turn the guest's result channel into one line per result,
# "<ok|fail|skip>\t<name>\t<diagnostics joined by \x1f>".  Case results sit
# at indent 4 in a suite's debugfs KTAP, parameter results at indent 8 just
# before their case's line; a parameterised case counts its parameters.
ktap_results()
{
	awk '
	function emit(status, name, diag) {
		printf "%s\t%s\t%s\n", status, name, diag
		if (status == "fail")
			failed++
	}
	function result_status(line) {
		if (line ~ /# SKIP/)
			return "skip"
		return line ~ /^ *not ok / ? "fail" : "ok"
	}
	function skip_reason(line) {
		return sub(/.* # SKIP ?/, "", line) ? line : ""
	}
	function result_name(line) {
		sub(/^ *(not )?ok [0-9]+ /, "", line)
		sub(/ # SKIP.*/, "", line)
		gsub(/[ \t]+/, "_", line)
		return line
	}
	/^LIS-SUITE-END / { insuite = 0; next }
	/^LIS-SUITE / {
		suite = $2; insuite = 1; failed = 0; nparams = 0; ncases = 0
		plan = -1; diag = ""
		next
	}
	/^LIS-MODULE-END / { next }
	/^LIS-MODULE / { mod = $2; next }
	!insuite { next }
	{
		match($0, /^ */); indent = RLENGTH; text = substr($0, indent + 1)
	}
	indent == 4 && text ~ /^1\.\.[0-9]+/ { plan = substr(text, 4) + 0; next }
	text == "" || text ~ /^KTAP version/ || text ~ /^1\.\./ { next }
	text ~ /^# (Subtest|module):/ || text ~ /^# Totals:/ { next }
	text ~ /^# [^ ]+: pass:[0-9]+ fail:/ { next }
	text !~ /^(not )?ok [0-9]+ / {
		# Expectation failures and what the test printed.
		sub(/^# ?/, "", text)
		diag = diag (diag == "" ? "" : "\037") text
		next
	}
	text ~ /^(not )?ok [0-9]+ / && indent >= 8 {
		pstatus[nparams] = result_status(text)
		pname[nparams] = result_name(text)
		pdiag[nparams] = pstatus[nparams] == "skip" ? skip_reason(text) : diag
		nparams++; diag = ""
		next
	}
	text ~ /^(not )?ok [0-9]+ / && indent == 4 {
		name = mod "/" suite "/" result_name(text)
		ncases++
		if (nparams == 0) {
			emit(result_status(text), name,
			     result_status(text) == "skip" ? skip_reason(text) : diag)
		} else {
			for (i = 0; i < nparams; i++)
				emit(pstatus[i], name "/" pname[i], pdiag[i])
			if (result_status(text) == "fail" && failed == 0)
				emit("fail", name, diag)
		}
		nparams = 0; diag = ""
		next
	}
	text ~ /^(not )?ok [0-9]+ / && indent == 0 {
		if (plan >= 0 && ncases != plan)
			emit("fail", mod "/" suite, "plan was 1.." plan ", " ncases " results")
		else if (result_status(text) == "fail" && failed == 0)
			emit("fail", mod "/" suite, "suite failed" (diag == "" ? "" : "\037" diag))
		next
	}
	'
}

# check_guest <result> <console> <guest modules.list> <timed out: 0|1>: the
# test results, per-module bookkeeping, kmemleak, done marker and console.
check_guest()
{
	local result=$1 console=$2 list=$3 timed_out=$4 mod step what leak problems lines attributed
	local -A suites=()

	lis_result_lines "$result" >"$WORK/result.txt"
	while IFS=$'\t' read -r status name diag; do
		IFS=$'\x1f' read -r -a lines <<<"$diag"
		suites[${name%%/*}]=1
		case $status in
		ok) tap_ok "$name" ;;
		skip) tap_skip "$name" "${lines[0]:-skipped by KUnit}" ;;
		*) tap_fail "$name" "${lines[@]}" ;;
		esac
	done < <(ktap_results <"$WORK/result.txt")

	while read -r mod _; do
		if ! grep -qxF "LIS-MODULE-END $mod" "$WORK/result.txt"; then
			if grep -qxF "LIS-MODULE $mod" "$WORK/result.txt"; then
				tap_fail "$mod/run" "the guest crashed or hung while testing $mod (see kunit/done)"
			else
				tap_fail "$mod/run" "never tested: the guest died before it got there"
			fi
			continue
		fi
		while read -r _ _ step what; do
			tap_fail "$mod/$step-$what" "$step $what.ko failed in the guest:" \
				"$(tr -d '\r' <"$console" | grep -E "$what: |(insmod|rmmod): .*$what" | tail -n 10)"
		done < <(grep "^LIS-ERROR $mod " "$WORK/result.txt")
		if [ -z "${suites[$mod]:-}" ] &&
			! grep -qxF "LIS-ERROR $mod insmod $mod" "$WORK/result.txt"; then
			tap_fail "$mod/suites" "no KUnit suite appeared in debugfs after insmod $mod"
		fi
		leak=$(sed -n "/^LIS-KMEMLEAK $mod\$/,/^LIS-KMEMLEAK-END\$/p" "$WORK/result.txt" | sed '1d;$d')
		if [ -n "$leak" ]; then
			tap_fail "$mod/kmemleak" "kmemleak found leaks once $mod and its deps were unloaded:" \
				"$(head -n 40 <<<"$leak")"
		fi
	done <"$list"

	if [ "$timed_out" -eq 0 ] && ! grep -qxF "LIS-DONE" "$WORK/result.txt"; then
		tap_fail_log "kunit/done" "the guest did not reach its done marker (crash, panic or hang)" "$console"
	fi
	# kmemleak's reports before the baseline marker are the kernel's own;
	# those after it were already reported by module, if the guest did.
	attributed=0
	grep -q '^LIS-KMEMLEAK ' "$WORK/result.txt" && attributed=1
	tr -d '\r' <"$console" | awk -v attributed="$attributed" '
		/LIS-KMEMLEAK-BASELINE/ { seen = 1 }
		(!seen || attributed) && /kmemleak: [0-9]+ new suspected/ { next }
		{ print }' >"$WORK/console.checked"
	problems=$(lis_console_problems "$WORK/console.checked")
	if [ -n "$problems" ]; then
		tap_fail "kunit/console" "kernel bug reports on the console:" "$problems" \
			"$(lis_tail "$console")"
	fi
}

# build_modules <kdir>: lis's modules against the test kernel.
build_modules()
{
	local kdir=$1 log=$LIS_LOGS/kunit-modules.log

	lis_copy_tree "$WORK/src"
	if ! make -C "$WORK/src" KDIR="$kdir" -j"$LIS_JOBS" >"$log" 2>&1; then
		tap_fail_log "kunit/build-modules" "lis modules did not build against the test kernel" "$log"
		return 1
	fi
	# The integration layer's debug series uses this build when the
	# tree has not changed since (scripts/run-integration.sh).
	echo "$kdir $(lis_tree_hash)" >"$WORK/src/.lis-built-for"
}

main()
{
	local kdir mod deps ko rc listed=()
	local -A seen=()

	lis_lock_tree

	tap_begin kunit kunit.ktap
	mkdir -p "$WORK"
	if ! kdir=$("$LIS_ROOT/scripts/test-kernel.sh" 2>"$LIS_LOGS/kunit-test-kernel.log"); then
		tap_fail_log "kunit/test-kernel" "the test kernel did not build" "$LIS_LOGS/kunit-test-kernel.log"
		tap_end "KTAP version 1"
		return
	fi
	cat "$LIS_LOGS/kunit-test-kernel.log" >&2
	if [ ! -s "$LIST" ] || [ -z "$(parse_list)" ]; then
		lis_log "kunit: tests/kunit/modules.list lists no modules"
		tap_end "KTAP version 1"
		return
	fi
	build_modules "$kdir"

	# The initramfs: busybox, /init, the modules and the list of those
	# whose .ko files exist.
	lis_initramfs_base "$WORK/root"
	cp "$LIS_ROOT/scripts/kunit-init.sh" "$WORK/root/init"
	chmod 755 "$WORK/root/init"
	mkdir -p "$WORK/root/lis/modules"
	: >"$WORK/root/lis/modules.list"
	while read -r mod deps; do
		local missing=()
		if [ -n "${seen[$mod]:-}" ]; then
			tap_fail "$mod/list" "listed twice in tests/kunit/modules.list"
			continue
		fi
		seen[$mod]=1
		for ko in $mod $deps; do
			ko=${ko%%@*}
			if [ -e "$WORK/src/$ko.ko" ]; then
				cp "$WORK/src/$ko.ko" "$WORK/root/lis/modules/"
			else
				missing+=("$ko.ko")
			fi
		done
		if [ "${#missing[@]}" -gt 0 ]; then
			tap_fail "$mod/build" "not built: ${missing[*]} (is it in Kbuild?)"
		else
			echo "$mod $deps" >>"$WORK/root/lis/modules.list"
			listed+=("$mod")
		fi
	done < <(parse_list)
	if [ "${#listed[@]}" -eq 0 ]; then
		tap_end "KTAP version 1"
		return
	fi
	lis_initramfs_pack "$WORK/root" "$WORK/initramfs.cpio"

	lis_log "kunit: booting the test kernel with ${listed[*]} (timeout ${TIMEOUT}s)"
	for boot in 1 2; do
		lis_qemu kunit "$kdir/arch/x86/boot/bzImage" \
			"$WORK/initramfs.cpio" 1G "$TIMEOUT" "$CMDLINE"
		rc=$?
		# A crash before /init is the emulator's (testing.rst): once more.
		[ "$boot" = 1 ] && lis_boot_again kunit kunit || break
	done
	if [ "$rc" -eq 124 ]; then
		tap_fail_log "kunit/timeout" "the guest ran for more than ${TIMEOUT}s and was killed" \
			"$LIS_LOGS/kunit.console"
	fi
	check_guest "$LIS_LOGS/kunit.result" "$LIS_LOGS/kunit.console" \
		"$WORK/root/lis/modules.list" "$((rc == 124))"
	tap_end "KTAP version 1"
}

main "$@"

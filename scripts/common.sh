# SPDX-License-Identifier: GPL-2.0-only
# shellcheck shell=bash
#
# Shared helpers for the lis test harness.  Sourced (never executed) by
# scripts/check.sh and scripts/run-*.sh; bash only.
#
# Environment:
#   LIS_CACHE    cache outside the tree (default /var/cache/lis)
#   LIS_KERNELS  kernel series to test (default "6.1 6.12 debug": Debian's
#                stock 6.1 and 6.12, and the debug test kernel, which only
#                the integration layer runs; lis_stock_series filters it)
#   LIS_JOBS     make -j (default: number of CPUs + 1)

LIS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LIS_CACHE=${LIS_CACHE:-/var/cache/lis}
LIS_KERNELS=${LIS_KERNELS:-6.1 6.12 debug}
LIS_JOBS=${LIS_JOBS:-$(($(nproc) + 1))}
LIS_RESULTS=$LIS_ROOT/build/test-results
LIS_LOGS=$LIS_RESULTS/logs
LIS_TAIL_LINES=40
export LIS_CACHE LIS_KERNELS LIS_JOBS

mkdir -p "$LIS_LOGS"

lis_log()
{
	echo "lis: $*" >&2
}

# lis_lock_tree: one test run per tree at a time, as they share build/.
# The lock is inherited by the layers check.sh runs.
lis_lock_tree()
{
	[ -n "${LIS_TREE_LOCKED:-}" ] && return 0
	exec 8>"$LIS_ROOT/build/.lock"
	if ! flock -n 8; then
		lis_log "another test run in this tree holds build/.lock: waiting for it"
		flock 8
	fi
	export LIS_TREE_LOCKED=1
}

# Print the last lines of a log, indented, so a failure shows its cause.
lis_tail()
{
	local file=$1 lines=${2:-$LIS_TAIL_LINES}

	if [ ! -s "$file" ]; then
		echo "    | (${file#"$LIS_ROOT"/} is empty)"
		return
	fi
	echo "    | --- last $lines lines of ${file#"$LIS_ROOT"/} ---"
	tail -n "$lines" "$file" | tr -d '\r' | sed 's/^/    | /'
}

# ---------------------------------------------------------------------------
# TAP results.  A layer calls tap_begin once, then tap_ok/tap_fail/tap_skip
# per test, then tap_end, which writes build/test-results/<file>, prints
# "<layer>: N passed, N failed" and records the counts for check.sh.
# tap_end returns 1 when anything failed.

tap_begin()
{
	TAP_LAYER=$1
	TAP_FILE=$LIS_RESULTS/$2
	TAP_BODY=$(mktemp)
	TAP_N=0
	TAP_PASS=0
	TAP_FAIL=0
	TAP_SKIP=0
}

# tap_result <ok|not ok> <name> [directive] [diagnostic text...]
tap_result()
{
	local status=$1 name=$2 directive=${3:-}

	shift 3 2>/dev/null || shift $#
	TAP_N=$((TAP_N + 1))
	echo "$status $TAP_N $name$directive" >>"$TAP_BODY"
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" | tr -d '\r' | sed 's/^/# /' >>"$TAP_BODY"
	fi
}

tap_ok()
{
	TAP_PASS=$((TAP_PASS + 1))
	tap_result "ok" "$1" ""
}

# tap_fail <name> [diagnostic lines...]: also echoed to stdout.
tap_fail()
{
	local name=$1

	shift
	TAP_FAIL=$((TAP_FAIL + 1))
	tap_result "not ok" "$name" "" "$@"
	echo "FAIL: $TAP_LAYER: $name"
	if [ $# -gt 0 ]; then
		printf '%s\n' "$@" | sed 's/^/    /'
	fi
}

# tap_skip <name> <reason>
tap_skip()
{
	TAP_SKIP=$((TAP_SKIP + 1))
	tap_result "ok" "$1" " # SKIP $2"
}

# tap_fail_log <name> <reason> <log>: a failure with the tail of a log.
tap_fail_log()
{
	local name=$1 reason=$2 log=$3

	tap_fail "$name" "$reason" "$(lis_tail "$log")"
}

# tap_fork <dir>: in a subshell that runs beside others (see
# run-integration.sh's job pool), send its results to <dir>/tap.body
# with counters of their own; tap_join writes <dir>/tap.counts.
tap_fork()
{
	TAP_BODY=$1/tap.body
	: >"$TAP_BODY"
	TAP_N=0
	TAP_PASS=0
	TAP_FAIL=0
	TAP_SKIP=0
}

tap_join()
{
	echo "$TAP_PASS $TAP_FAIL $TAP_SKIP" >"$1/tap.counts"
}

# tap_merge <dir>: a forked subshell's results into this TAP file,
# renumbered; returns 1 when it left no counts (it died).
tap_merge()
{
	local dir=$1 line pass fail skip

	[ -s "$dir/tap.counts" ] || return 1
	while IFS= read -r line; do
		if [[ $line =~ ^(ok|not\ ok)\ [0-9]+(.*)$ ]]; then
			TAP_N=$((TAP_N + 1))
			line="${BASH_REMATCH[1]} $TAP_N${BASH_REMATCH[2]}"
		fi
		printf '%s\n' "$line"
	done <"$dir/tap.body" >>"$TAP_BODY"
	read -r pass fail skip <"$dir/tap.counts"
	TAP_PASS=$((TAP_PASS + pass))
	TAP_FAIL=$((TAP_FAIL + fail))
	TAP_SKIP=$((TAP_SKIP + skip))
}

# tap_end <header line>: "TAP version 13" or "KTAP version 1".
tap_end()
{
	local header=$1 skipped=""

	{
		echo "$header"
		echo "1..$TAP_N"
		cat "$TAP_BODY"
	} >"$TAP_FILE"
	rm -f "$TAP_BODY"
	[ "$TAP_SKIP" -gt 0 ] && skipped=", $TAP_SKIP skipped"
	echo "$TAP_LAYER: $((TAP_PASS + TAP_SKIP)) passed, $TAP_FAIL failed$skipped"
	echo "$((TAP_PASS + TAP_SKIP)) $TAP_FAIL" >"$LIS_RESULTS/$TAP_LAYER.counts"
	[ "$TAP_FAIL" -eq 0 ]
}

# ---------------------------------------------------------------------------
# Kernels.

# lis_stock_series: the stock series of $LIS_KERNELS (all but "debug").
lis_stock_series()
{
	local series

	for series in $LIS_KERNELS; do
		[ "$series" = debug ] || echo "$series"
	done
}

# lis_stock_kernel <series>: newest installed Debian amd64 kernel of a
# series ("6.1" -> 6.1.0-56-amd64) that also has its headers.  The glob
# "6.1.*" cannot match 6.12: the character after "6.1" must be a dot.
lis_stock_kernel()
{
	local series=$1 f kver best=""

	for f in /boot/vmlinuz-"$series".*-amd64; do
		[ -e "$f" ] || continue
		kver=${f#/boot/vmlinuz-}
		case $kver in *-rt-amd64 | *-cloud-amd64) continue ;; esac
		[ -e "/lib/modules/$kver/build/Makefile" ] || continue
		best=$(printf '%s\n%s\n' "$best" "$kver" | sed '/^$/d' | sort -V | tail -n 1)
	done
	[ -n "$best" ] && echo "$best"
}

# lis_kernel_source: Debian's linux-source-6.12, extracted once into the
# cache (keyed by the package version); prints the source directory.
lis_kernel_source()
{
	local ver dir tarball=/usr/src/linux-source-6.12.tar.xz

	ver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null) || ver=unknown
	dir=$LIS_CACHE/src/$ver
	mkdir -p "$LIS_CACHE/src"
	# One extraction at a time: make check builds the test kernel in the
	# background while other layers may ask for it.
	(
		flock 8
		[ -e "$dir/.lis-extracted" ] && exit 0
		[ -r "$tarball" ] || { lis_log "missing $tarball (run scripts/deps.sh)"; exit 1; }
		lis_log "extracting $tarball into $dir"
		rm -rf "$dir"
		mkdir -p "$dir"
		tar -C "$dir" -xJf "$tarball" || exit 1
		touch "$dir/.lis-extracted"
	) 8>"$LIS_CACHE/src/.lock" || return 1
	echo "$dir/linux-source-6.12"
}

# lis_kernel_hv_source <series>: drivers/hv of Debian's linux-source-<series>
# (6.1 or 6.12: the source of that series' stock kernel), for the peer
# drivers' compat module (tests/peer/Kbuild); prints the directory.  6.12's
# whole tree is extracted already (lis_kernel_source); for another series
# only drivers/hv is, once, into the cache keyed by the package version.
lis_kernel_hv_source()
{
	local series=$1 ver dir tarball=/usr/src/linux-source-$1.tar.xz

	if [ "$series" = 6.12 ]; then
		dir=$(lis_kernel_source) || return 1
		echo "$dir/drivers/hv"
		return
	fi
	ver=$(dpkg-query -W -f='${Version}' "linux-source-$series" 2>/dev/null) || {
		lis_log "linux-source-$series is not installed (run scripts/deps.sh)"
		return 1
	}
	dir=$LIS_CACHE/src/$ver
	mkdir -p "$LIS_CACHE/src"
	(
		flock 8
		[ -e "$dir/.lis-extracted" ] || [ -e "$dir/.lis-hv-extracted" ] && exit 0
		[ -r "$tarball" ] || { lis_log "missing $tarball (run scripts/deps.sh)"; exit 1; }
		lis_log "extracting drivers/hv of $tarball into $dir"
		rm -rf "$dir"
		mkdir -p "$dir"
		tar -C "$dir" -xJf "$tarball" "linux-source-$series/drivers/hv" || exit 1
		touch "$dir/.lis-hv-extracted"
	) 8>"$LIS_CACHE/src/.lock" || return 1
	echo "$dir/linux-source-$series/drivers/hv"
}

# ---------------------------------------------------------------------------
# Source copies: every build runs in a scratch copy of the working tree
# (tracked and untracked files, without build products), so results are
# real and the tree other engineers edit is never written to.

_lis_tar_tree()
{
	tar -C "$LIS_ROOT" --sort=name \
		--exclude=./.git --exclude=./build \
		--exclude='*.o' --exclude='*.ko' --exclude='*.ko.xz' \
		--exclude='*.mod' --exclude='*.mod.c' --exclude='.*.cmd' \
		--exclude='*.a' --exclude=Module.symvers --exclude=modules.order \
		-cf - .
}

lis_copy_tree()
{
	local dest=$1

	rm -rf "$dest"
	mkdir -p "$dest"
	_lis_tar_tree | tar -C "$dest" -xf -
}

# lis_tree_hash: a hash of what lis_copy_tree would copy (contents, names,
# modes and times), so a build of one copy can stand for another's.
lis_tree_hash()
{
	_lis_tar_tree | sha256sum | cut -c1-16
}

# ---------------------------------------------------------------------------
# Guests.

# lis_initramfs_base <dir>: busybox, /dev/console and the directories an
# init needs.  The caller adds /init and its payload.
lis_initramfs_base()
{
	local dir=$1

	rm -rf "$dir"
	mkdir -p "$dir"/{bin,sbin,dev,proc,sys,tmp,etc,root,usr/bin,usr/sbin}
	cp /bin/busybox "$dir/bin/busybox"
	ln -s busybox "$dir/bin/sh"
	mknod -m 600 "$dir/dev/console" c 5 1
	mknod -m 666 "$dir/dev/null" c 1 3
}

# lis_initramfs_pack <dir> <out.cpio>: uncompressed newc archive.
lis_initramfs_pack()
{
	(cd "$1" && find . -print0 | LC_ALL=C sort -z |
		cpio --null -o -H newc --owner 0:0 --quiet) >"$2"
}

# A /dev/kvm is not always a KVM that can run a guest: a nested,
# paravirtualised one (PVM) has been seen to stop Debian's kernel in its
# decompressor with "KVM internal error ... emulation failure", and the
# guest then hangs until its timeout.  So /dev/kvm is used only after a
# probe guest has booted on it with the same kernel and answered; the
# verdict is kept per kernel under build/kvm-probe/, and the probe never
# takes more than LIS_KVM_PROBE_SECONDS.
LIS_KVM_PROBE_SECONDS=${LIS_KVM_PROBE_SECONDS:-40}

# lis_kvm_usable <bzImage>: true when a guest of this kernel runs on KVM.
lis_kvm_usable()
{
	local kernel=$1 dir=$LIS_ROOT/build/kvm-probe key verdict

	[ -w /dev/kvm ] && [ "${LIS_NO_KVM:-}" != 1 ] || return 1
	mkdir -p "$dir"
	key=$(printf '%s %s' "$kernel" "$(stat -c %s.%Y "$kernel")" |
		sha256sum | cut -c1-16)
	verdict=$dir/$key.verdict
	(
		flock 9
		[ -s "$verdict" ] && exit 0
		lis_initramfs_base "$dir/$key.root"
		mknod -m 600 "$dir/$key.root/dev/ttyS1" c 4 65
		printf '%s\n' '#!/bin/sh' \
			'echo lis-kvm-ok >/dev/ttyS1' 'poweroff -f' \
			>"$dir/$key.root/init"
		chmod 755 "$dir/$key.root/init"
		lis_initramfs_pack "$dir/$key.root" "$dir/$key.cpio"
		lis_qemu_on kvm "kvm-probe-$key" "$kernel" "$dir/$key.cpio" \
			256M "$LIS_KVM_PROBE_SECONDS" "panic=-1 quiet"
		if grep -q lis-kvm-ok "$LIS_LOGS/kvm-probe-$key.result"; then
			echo kvm >"$verdict"
		else
			echo tcg >"$verdict"
			lis_log "KVM cannot run $(basename "$kernel") here" \
				"($(grep -m 1 -iE 'error|fail' \
				"$LIS_LOGS/kvm-probe-$key.qemu" ||
				echo 'no answer')): using TCG"
		fi
		rm -rf "$dir/$key.root" "$dir/$key.cpio"
	) 9>"$dir/lock"
	[ "$(cat "$verdict" 2>/dev/null)" = kvm ]
}

# lis_qemu_on <tcg|kvm> <name> <bzImage> <initrd> <memory> <timeout>
#	<cmdline> [qemu args]
# Console (ttyS0) goes to logs/<name>.console, the result channel (ttyS1)
# to logs/<name>.result, QEMU's own output to logs/<name>.qemu.  Returns
# 124 when the guest ran out of time.
lis_qemu_on()
{
	local name=$2 kernel=$3 initrd=$4 mem=$5 timeout=$6 cmdline=$7
	local console=$LIS_LOGS/$name.console result=$LIS_LOGS/$name.result
	local accel=(-accel tcg) rc

	if [ "$1" = kvm ]; then
		accel=(-accel kvm -cpu host)
	fi
	shift 7
	rm -f "$console" "$result"
	timeout -k 10 "$timeout" qemu-system-x86_64 \
		"${accel[@]}" -m "$mem" -smp 2 \
		-display none -vga none -monitor none -no-reboot \
		-nic none -serial "file:$console" -serial "file:$result" \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 $cmdline" "$@" \
		</dev/null >"$LIS_LOGS/$name.qemu" 2>&1
	rc=$?
	touch "$console" "$result"
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 124 ]; then
		cat "$LIS_LOGS/$name.qemu" >>"$console"
	fi
	return "$rc"
}

# lis_qemu <name> <bzImage> <initrd> <memory> <timeout> <cmdline> [qemu args]
# lis_qemu_on, on KVM where lis_kvm_usable says it can run the kernel.
lis_qemu()
{
	local on=tcg

	if lis_kvm_usable "$2"; then
		on=kvm
	fi
	lis_qemu_on "$on" "$@"
}

# Kernel messages that mean a bug, whatever the tests said.  Matched only
# on kernel lines (they carry a "[    1.234567]" time stamp), so a guest
# script echoing text can never trigger or hide one.
LIS_CONSOLE_BUGS='BUG:|WARNING:|KASAN|possible circular locking|inconsistent lock state|possible recursive locking|sleeping function called from invalid context|Oops|kmemleak: [0-9]+ new suspected memory leak|Kernel panic|general protection fault|UBSAN:|Call Trace:'

# lis_console_problems <console log>: print the offending lines, if any.
lis_console_problems()
{
	tr -d '\r' <"$1" | grep -E '\[ *[0-9]+\.[0-9]+\]' |
		grep -E "$LIS_CONSOLE_BUGS" | head -n 20
}

# lis_boot_again <guest> <label>: whether guest <guest> (logs/<guest>.*)
# must boot once more because its kernel crashed before it ran /init (a
# bug report before "Run /init", nothing on the result channel), so that
# no lis code had run.  Under TCG this happens now and then: an int3 Oops
# in timer code at about 1.4 s, while the kernel patches its own text at
# boot.  If so, the console is kept as <guest>.console.boot1 and the
# retry is logged.
lis_boot_again()
{
	local console=$LIS_LOGS/$1.console

	[ -s "$LIS_LOGS/$1.result" ] && return 1
	tr -d '\r' <"$console" | awk -v bugs="$LIS_CONSOLE_BUGS" '
		/Run \/init as init process/ { exit }
		/\[ *[0-9]+\.[0-9]+\]/ && $0 ~ bugs { found = 1; exit }
		END { exit !found }' || return 1
	mv "$console" "$console.boot1"
	lis_log "$2: the kernel crashed before /init, no lis code had run (logs/$1.console.boot1): booting again"
}

# lis_result_lines <result log>: the result channel without CRs.
lis_result_lines()
{
	tr -d '\r' <"$1"
}

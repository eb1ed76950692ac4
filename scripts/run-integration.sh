#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Integration layer: lis's modules, built by dkms against each stock Debian
# kernel's headers (scripts/dkms.sh build), exercised by the scenarios in
# tests/integration/scenarios/*.sh, each in its own boot of that kernel
# under QEMU.  A third series, "debug", boots the KUnit test kernel
# (scripts/test-kernel.sh: KASAN, lockdep, atomic-sleep checks, kmemleak)
# with lis's modules built against its build directory, for the few
# scenarios that ask for it (lis-series:); after such a scenario the guest
# unloads whatever lis module is left and runs kmemleak (result
# kmemleak-lis: no report naming lis code).
#
# A scenario is a busybox sh fragment; tests/integration/lib.sh documents
# its helpers.  Header lines it may declare:
#   # lis-memory: 4G          QEMU -m (default 1G)
#   # lis-cmdline: mem=1G     appended to the kernel command line
#   # lis-timeout: 300        seconds before QEMU is killed (default 300;
#                             doubled in the debug series)
#   # lis-series: stock debug the series the scenario runs in: series
#                             names, "stock" for every stock kernel
#                             (default "stock")
#   # lis-soak: minutes       the scenario runs for lis.soak_minutes= on
#                             the command line (LIS_SOAK_MINUTES, when
#                             set); its timeout grows by 90 s a minute
#   # lis-kmods: ext4 virtio_blk
#                             stock modules, with their dependencies from
#                             modules.dep and soft dependencies from
#                             modules.softdep, insmod'ed in dependency order
#                             at boot (built-in ones are skipped)
#   # lis-disk: ext4 64M      a virtio disk (/dev/vda, vdb, ... in order)
#                             made with mkfs.<fs> on the host; "raw" for an
#                             unformatted one.  Several pairs, or several
#                             lines, make several disks ("xfs 300M": recent
#                             mkfs.xfs refuses anything smaller)
#   # lis-peer: hv_balloon    the peer drivers (Documentation/testing.rst,
#                             "Peer drivers"): the kernel's own stock
#                             modules, named here, as they are in
#                             /lib/modules (decompressed, not loaded) in
#                             /lis/peer/<name>.ko, and lis_hvcompat.ko in
#                             /lis/modules.  lis_hvcompat is built for the
#                             series from tests/peer (results
#                             build-peer-<series>, peer-crc-<series>) only
#                             when a selected scenario asks; the guest's
#                             ACPI has no S4 (hv_balloon turns ballooning
#                             and hot-add off in a VM that can hibernate,
#                             and a Hyper-V VM can only when so configured)
#   # lis-peer-bin: hv_vss_daemon
#                             programs of Debian's packages (hyperv-daemons)
#                             for the peer scenarios, in the guest's
#                             /usr/sbin with the shared libraries they need
#   # lis-host: agent         run tests/integration/host_agent.py beside
#                             QEMU: it copies the disks with QMP
#                             drive-backup when the guest asks (host_copy
#                             in lib.sh), and each copy's file system check
#                             (e2fsck -fn, xfs_repair -n, btrfs check
#                             --readonly, no journal replay) is a result
#                             copy-<tag>-disk<N>-<want>
# The guest's /usr/bin holds lis's tools: the executable scripts at the
# top of tools/, and tools/bin/* when tools/Makefile exists (built once,
# statically: result tools-build).
# Result names: build-<series>, tools-build, and
# <series>/<scenario>/<test> (<series> is 6.1, 6.12 or debug).  A timeout, a
# missing done marker or a kernel bug on the console fails
# <series>/<scenario>/{timeout,done,console}.
# Writes build/test-results/integration.tap.
#
# Scenarios run LIS_GUESTS at a time (default 2), each guest in its own
# subshell with its own results; they are merged in scenario order, so
# the TAP file reads as if they had run one by one.  Most scenarios wait
# on timers (report intervals, balancer pacing, sleeps) far more than
# they compute, so two guests on two CPUs take little more than one.
#
# Environment: LIS_KERNELS (default "6.1 6.12 debug"; "debug" is the test
# kernel); LIS_GUESTS (guests at once; make bench sets 1); LIS_SOAK_MINUTES (see lis-soak:); LIS_SCENARIOS, a list of
# scenario names (e.g. "00-smoke") to run only those; LIS_SCENARIO_DIR
# (default tests/integration/scenarios) and LIS_TAP_LAYER/LIS_TAP_FILE
# (default integration, integration.tap), which make bench sets to run
# tests/bench the same way.

set -u
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

WORK=$LIS_ROOT/build/integration
GUESTS=${LIS_GUESTS:-2}
# Scenarios started and not merged yet, in order: "<pid> <dir> <prefix>".
JOBS=()
CMDLINE="panic=-1 oops=panic panic_on_warn=1"

# header <file> <key> <default>: the value of "# lis-<key>: value" lines,
# joined by spaces.
header()
{
	local value

	value=$(sed -n "s/^# lis-$2:[[:space:]]*//p" "$1" | tr '\n' ' ' | sed 's/ *$//')
	echo "${value:-$3}"
}

# load_modules_dep <kver>: index modules.dep, modules.softdep and
# modules.builtin by module name ('-' and '_' are the same to the kernel).
load_modules_dep()
{
	local dir=/lib/modules/$1 mod rest key word list

	KMOD_DIR=$dir
	declare -gA KMOD_PATH=() KMOD_DEPS=() KMOD_BUILTIN=() KMOD_PRE=() KMOD_POST=()
	while IFS=: read -r mod rest; do
		key=${mod##*/}
		key=${key%%.ko*}
		KMOD_PATH[${key//-/_}]=$mod
		KMOD_DEPS[${key//-/_}]=$rest
	done <"$dir/modules.dep"
	while read -r mod; do
		key=${mod##*/}
		key=${key%%.ko*}
		KMOD_BUILTIN[${key//-/_}]=1
	done <"$dir/modules.builtin"
	# "softdep ext4 pre: crypto-crc32c post: ..."
	while read -r word key rest; do
		[ "$word" = softdep ] || continue
		key=${key//-/_}
		list=pre
		for word in $rest; do
			case $word in
			pre:) list=pre ;;
			post:) list=post ;;
			*)
				if [ "$list" = pre ]; then
					KMOD_PRE[$key]+=" $word"
				else
					KMOD_POST[$key]+=" $word"
				fi
				;;
			esac
		done
	done <"$dir/modules.softdep"
}

# visit_kmod <name> [optional]: depth first into KMOD_ORDER, dependencies
# (modules.dep lists them transitively) and "pre:" soft dependencies
# before the module, "post:" ones after.  A name that is no module may be
# an alias ("crypto-crc32c"): each module it names is added as optional
# (the guest ignores one that refuses to load, as modprobe would: not
# every CPU can run crc32c_intel).  A name the kernel does not know fails
# a test unless optional.
visit_kmod()
{
	local key=${1//-/_} optional=${2:-} dep mod

	[ -n "${KMOD_SEEN[$key]:-}" ] && return
	KMOD_SEEN[$key]=1
	if [ -z "${KMOD_PATH[$key]:-}" ]; then
		[ -n "${KMOD_BUILTIN[$key]:-}" ] && return
		mod=$(awk -v a="$1" '$1 == "alias" && $2 == a { print $3 }' \
			"$KMOD_DIR/modules.alias" 2>/dev/null)
		if [ -n "$mod" ]; then
			for dep in $mod; do
				visit_kmod "$dep" optional
			done
		elif [ -z "$optional" ]; then
			tap_fail "$KMOD_PREFIX/kmod-$1" "the kernel has no module $1 (lis-kmods: line)"
		fi
		return
	fi
	for dep in ${KMOD_PRE[$key]:-}; do
		visit_kmod "$dep" optional
	done
	for dep in ${KMOD_DEPS[$key]}; do
		dep=${dep##*/}
		visit_kmod "${dep%%.ko*}"
	done
	KMOD_ORDER+=("${optional:+?}${KMOD_PATH[$key]}")
	for dep in ${KMOD_POST[$key]:-}; do
		visit_kmod "$dep" optional
	done
}

# add_kmods <kver> <root> <test prefix> <names...>: copy (decompressed) and
# write /lis/kmods/order, one file name a line, '?' before optional ones.
add_kmods()
{
	local kver=$1 root=$2 name path ko

	KMOD_PREFIX=$3
	shift 3
	declare -gA KMOD_SEEN=()
	KMOD_ORDER=()
	for name in "$@"; do
		visit_kmod "$name"
	done
	mkdir -p "$root/lis/kmods"
	: >"$root/lis/kmods/order"
	for path in "${KMOD_ORDER[@]}"; do
		ko=${path##*/}
		ko=${ko%%.ko*}.ko
		case $path in
		"?"*) path=${path#\?}; echo "?$ko" ;;
		*) echo "$ko" ;;
		esac >>"$root/lis/kmods/order"
		case $path in
		*.ko.xz) xz -dc "/lib/modules/$kver/$path" ;;
		*.ko.gz) gzip -dc "/lib/modules/$kver/$path" ;;
		*.ko.zst) zstd -qdc "/lib/modules/$kver/$path" ;;
		*) cat "/lib/modules/$kver/$path" ;;
		esac >"$root/lis/kmods/$ko"
	done
}

# build_peer <series> <kver> <outdir>: lis_hvcompat.ko for that kernel in
# <outdir>/peer, built from a copy of the tree against drivers/hv of the
# kernel's own linux-source; then its modversion CRCs against every
# symbol Debian's hv_balloon.ko and hv_utils.ko import from hv_vmbus.
build_peer()
{
	local series=$1 kver=$2 out=$3/peer log=$LIS_LOGS/integration-peer-$1.log
	local hv src stock sym crc mine bad="" n=0

	rm -rf "$out"
	mkdir -p "$out"
	src=$out/src
	if ! hv=$(lis_kernel_hv_source "$series" 2>"$log"); then
		tap_fail_log "build-peer-$series" "no drivers/hv of linux-source-$series" "$log"
		return 1
	fi
	lis_copy_tree "$src"
	if ! make -C "/lib/modules/$kver/build" M="$src" LIS_PEER_HV="$hv" \
		-j"$LIS_JOBS" modules >>"$log" 2>&1; then
		tap_fail_log "build-peer-$series" "lis_hvcompat did not build against $kver" "$log"
		return 1
	fi
	tap_ok "build-peer-$series"
	cp "$src/tests/peer/lis_hvcompat.ko" "$src/tests/peer/lis_fakevmbus.ko" "$out/"
	for stock in "/lib/modules/$kver/kernel/drivers/hv/"hv_{balloon,utils}.ko*; do
		case $stock in
		*.xz) xz -dc "$stock" ;;
		*.zst) zstd -qdc "$stock" ;;
		*) cat "$stock" ;;
		esac >"$out/stock.ko"
		while read -r crc sym; do
			awk -v s="$sym" '$2 == s && $3 == "drivers/hv/hv_vmbus" { f = 1 } END { exit !f }' \
				"/lib/modules/$kver/build/Module.symvers" || continue
			n=$((n + 1))
			mine=$(awk -v s="$sym" '$2 == s { print $1 }' "$src/Module.symvers")
			echo "peer-crc: ${stock##*/} $sym stock $crc lis_hvcompat ${mine:-none}" >>"$log"
			[ "$mine" = "$crc" ] || bad+=" ${stock##*/}:$sym($crc/${mine:-none})"
		done < <(modprobe --dump-modversions "$out/stock.ko")
	done
	rm -f "$out/stock.ko"
	if [ "$n" -eq 0 ] || [ -n "$bad" ]; then
		tap_fail "peer-crc-$series" "modversion CRCs (stock/lis_hvcompat) differ:$bad" \
			"($n hv_vmbus imports checked)"
	else
		tap_ok "peer-crc-$series"
	fi
}

# add_peer <kver> <root> <peer dir> <prefix> <names...>: the stock modules
# into <root>/lis/peer, lis_hvcompat.ko and lis_fakevmbus.ko into
# <root>/lis/modules.
add_peer()
{
	local kver=$1 root=$2 dir=$3 prefix=$4 name path

	shift 4
	if [ ! -e "$dir/lis_hvcompat.ko" ]; then
		tap_fail "$prefix/peer" "lis_hvcompat was not built (build-peer-*)"
		return 1
	fi
	cp "$dir/lis_hvcompat.ko" "$root/lis/modules/"
	cp "$dir/lis_fakevmbus.ko" "$root/lis/modules/"
	mkdir -p "$root/lis/peer"
	for name in "$@"; do
		path=""
		for path in "/lib/modules/$kver/kernel/drivers/hv/$name".ko*; do
			break
		done
		if [ ! -e "$path" ]; then
			tap_fail "$prefix/peer-$name" "$kver has no stock $name module"
			return 1
		fi
		case $path in
		*.xz) xz -dc "$path" ;;
		*.zst) zstd -qdc "$path" ;;
		*) cat "$path" ;;
		esac >"$root/lis/peer/$name.ko"
	done
}

# add_peer_bins <root> <prefix> <names...>: /usr/sbin/<name> of the host
# into <root>/usr/sbin, with the libraries ldd names.
add_peer_bins()
{
	local root=$1 prefix=$2 name lib

	shift 2
	for name in "$@"; do
		if [ ! -x "/usr/sbin/$name" ]; then
			tap_fail "$prefix/peer-$name" "/usr/sbin/$name is missing (scripts/deps.sh)"
			return 1
		fi
		cp "/usr/sbin/$name" "$root/usr/sbin/"
		for lib in $(ldd "/usr/sbin/$name" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
			$1 ~ /^\// { print $1 }'); do
			mkdir -p "$root$(dirname "$lib")"
			cp -L "$lib" "$root$lib"
		done
	done
}

# add_disks <dir> <spec...>: "<fs> <size>" pairs -> QEMU -drive arguments
# in DISK_ARGS.
add_disks()
{
	local dir=$1 fs size n=0 img

	shift
	DISK_ARGS=()
	DISK_FS=()
	while [ $# -ge 2 ]; do
		fs=$1 size=$2
		shift 2
		img=$dir/disk$n.img
		rm -f "$img"
		truncate -s "$size" "$img" || return 1
		if [ "$fs" != raw ]; then
			"mkfs.$fs" -q "$img" >/dev/null 2>&1 ||
				"mkfs.$fs" -q -F "$img" >/dev/null || return 1
		fi
		DISK_ARGS+=(-drive "file=$img,if=virtio,format=raw,id=disk$n")
		DISK_FS+=("$fs")
		n=$((n + 1))
	done
}

# parse_results <result> <prefix>: the scenario's TAP lines into results;
# RESULT_COUNT says how many there were.
parse_results()
{
	local result=$1 prefix=$2 line status="" name="" diag=()

	RESULT_COUNT=0
	flush()
	{
		[ -n "$status" ] || return 0
		RESULT_COUNT=$((RESULT_COUNT + 1))
		case $status in
		ok) tap_ok "$prefix/$name" ;;
		skip) tap_skip "$prefix/$name" "${diag[0]}" ;;
		*) tap_fail "$prefix/$name" "${diag[@]}" ;;
		esac
		status="" diag=()
	}
	while IFS= read -r line; do
		case $line in
		"ok "*" # SKIP"*)
			flush
			status=skip name=${line#ok }
			diag=("${name#* # SKIP }")
			name=${name%% # SKIP*}
			;;
		"ok "*) flush; status=ok name=${line#ok } ;;
		"not ok "*) flush; status=fail name=${line#not ok } ;;
		"# "*) diag+=("${line#\# }") ;;
		esac
	done < <(lis_result_lines "$result")
	flush
}

# agent_start <root> <log name>: the host agent for a "lis-host: agent"
# scenario, in the background (AGENT_PID); QEMU arguments in AGENT_ARGS.
agent_start()
{
	local root=$1 log=$LIS_LOGS/$2.agent

	rm -f "$root/qmp.sock" "$root/host.sock" "$root/copies" "$root"/copy-*.img
	AGENT_ARGS=(-qmp "unix:$root/qmp.sock,server=on,wait=off"
		-chardev "socket,id=lishost,path=$root/host.sock,server=on,wait=off"
		-serial chardev:lishost)
	python3 "$LIS_ROOT/tests/integration/host_agent.py" --qmp "$root/qmp.sock" \
		--serial "$root/host.sock" --out "$root" --disks "${DISK_FS[*]}" \
		>"$log" 2>&1 &
	AGENT_PID=$!
}

# copy_state <fs> <image>: "clean", or "dirty: why", without replaying
# any journal.
#   ext4: dirty if the journal needs recovery (set while mounted, cleared
#         by a freeze) or "e2fsck -fn" finds anything.
#   xfs:  a frozen XFS log is covered, not unmounted: it holds only
#         superblock updates, and xfs_repair -n's "valuable metadata
#         changes in a log" alert cannot tell that from a live log.  So:
#         dirty if the log (xfs_logprint -t) holds any item but the
#         superblock buffer, or xfs_repair -n finds any problem besides
#         the lazily counted superblock counters.
#   btrfs: dirty if "btrfs check --readonly" finds anything.  btrfs is
#         copy-on-write: a copy of a live btrfs is normally clean too,
#         so for btrfs only held writes prove a freeze.
copy_state()
{
	local fs=$1 img=$2 out rc items

	case $fs in
	ext2 | ext3 | ext4)
		if dumpe2fs -h "$img" 2>/dev/null | grep -q '^Filesystem features:.*needs_recovery'; then
			echo "dirty: the journal needs recovery (needs_recovery)"
			return
		fi
		out=$(e2fsck -fn "$img" 2>&1)
		rc=$?
		if [ "$rc" -ne 0 ]; then
			echo "dirty: e2fsck -fn exited with $rc: $(tail -n 5 <<<"$out" | tr '\n' ' ')"
			return
		fi
		;;
	xfs)
		if ! out=$(xfs_logprint -t "$img" 2>&1); then
			echo "dirty: xfs_logprint failed: $(tail -n 3 <<<"$out" | tr '\n' ' ')"
			return
		fi
		items=$( (grep -E '^[A-Z]+: cnt:' <<<"$out" | grep -v '^BUF:'
			grep -E '^[[:space:]]+BUF: .*start blkno:' <<<"$out" |
				grep -v 'start blkno:0x0 ') | head -n 3 | tr '\n' ' ')
		if [ -n "$items" ]; then
			echo "dirty: the log holds changes to replay: $items"
			return
		fi
		out=$(xfs_repair -n "$img" 2>&1 | grep -vE \
			'^Phase |^        - |^No modify flag|host filesystem geometry|^Repair may fail|^the image and the host|^ALERT: The filesystem has valuable|^ignored because the -n|^Expect spurious|^which may be resolved|^sb_(fdblocks|icount|ifree|frextents) [0-9]+, counted [0-9]+$|^$')
		if [ -n "$out" ]; then
			echo "dirty: xfs_repair -n: $(head -n 5 <<<"$out" | tr '\n' ' ')"
			return
		fi
		;;
	btrfs)
		out=$(btrfs check --readonly "$img" 2>&1)
		rc=$?
		if [ "$rc" -ne 0 ]; then
			echo "dirty: btrfs check --readonly exited with $rc: $(tail -n 5 <<<"$out" | tr '\n' ' ')"
			return
		fi
		;;
	*)
		echo "dirty: no check for file system '$fs'"
		return
		;;
	esac
	echo clean
}

# agent_finish <root> <prefix>: stop the agent, check every copy it made.
agent_finish()
{
	local root=$1 prefix=$2 tag n fs want img state

	kill "$AGENT_PID" 2>/dev/null
	wait "$AGENT_PID" 2>/dev/null
	[ -s "$root/copies" ] || return 0
	while read -r tag n fs want img; do
		state=$(copy_state "$fs" "$img")
		if [ "${state%%:*}" = "$want" ]; then
			tap_ok "$prefix/copy-$tag-disk$n-$want"
		else
			tap_fail "$prefix/copy-$tag-disk$n-$want" \
				"the $fs copy '$tag' of disk $n should be $want: it is $state"
		fi
		[ -n "${LIS_KEEP_COPIES:-}" ] || rm -f "$img"
	done <"$root/copies"
}

# in_series <scenario> <series>: whether its lis-series: names the series.
in_series()
{
	local word

	for word in $(header "$1" series stock); do
		[ "$word" = "$2" ] && return 0
		[ "$word" = stock ] && [ "$2" != debug ] && return 0
	done
	return 1
}

# console_checked <series> <console>: the console as the bug check reads
# it.  In the debug series kmemleak's "new suspected" lines are the
# guest's to judge (the boot's own leaks, reports not naming lis): its
# kmemleak-lis result stands for them.
console_checked()
{
	if [ "$1" = debug ]; then
		tr -d '\r' <"$2" | grep -vE 'kmemleak: [0-9]+ new suspected'
	else
		cat "$2"
	fi
}

run_scenario()
{
	local series=$1 kver=$2 file=$3 modules=$4 image=$5
	local name prefix root mem timeout cmdline kmods disks log rc problems host
	local start peer peer_bins qemu_args=()

	name=$(basename "$file" .sh)
	prefix=$series/$name
	log=integration-$series-$name
	root=$WORK/$series/$name
	mem=$(header "$file" memory 1G)
	timeout=$(header "$file" timeout 300)
	cmdline=$(header "$file" cmdline "")
	kmods=$(header "$file" kmods "")
	disks=$(header "$file" disk "")
	host=$(header "$file" host "")
	peer=$(header "$file" peer "")
	peer_bins=$(header "$file" peer-bin "")
	if [ "$series" = debug ]; then
		timeout=$((timeout * 2))
		cmdline="kasan.fault=panic $cmdline"
	fi
	if [ "$(header "$file" soak "")" = minutes ] && [ -n "${LIS_SOAK_MINUTES:-}" ]; then
		timeout=$((timeout + LIS_SOAK_MINUTES * 90))
		cmdline="lis.soak_minutes=$LIS_SOAK_MINUTES $cmdline"
	fi

	lis_initramfs_base "$root/initramfs"
	cp "$LIS_ROOT/tests/integration/init.sh" "$root/initramfs/init"
	chmod 755 "$root/initramfs/init"
	mkdir -p "$root/initramfs/lis/modules"
	cp "$LIS_ROOT/tests/integration/lib.sh" "$root/initramfs/lis/lib.sh"
	# Helpers for a group of scenarios (e.g. dm-lib.sh): /lis/<name>-lib.sh.
	cp "$LIS_ROOT"/tests/integration/*-lib.sh "$root/initramfs/lis/" 2>/dev/null
	cp "$file" "$root/initramfs/lis/scenario.sh"
	cp "$modules"/*.ko "$root/initramfs/lis/modules/" 2>/dev/null
	cp "$TOOLS_BIN"/* "$root/initramfs/usr/bin/" 2>/dev/null
	# shellcheck disable=SC2086 # lists of words
	add_kmods "$kver" "$root/initramfs" "$prefix" $kmods
	if [ -n "$peer" ]; then
		# shellcheck disable=SC2086
		add_peer "$kver" "$root/initramfs" "$(dirname "$modules")/peer" \
			"$prefix" $peer || return
		qemu_args=(-global PIIX4_PM.disable_s4=1)
	fi
	# shellcheck disable=SC2086
	[ -z "$peer_bins" ] || add_peer_bins "$root/initramfs" "$prefix" $peer_bins || return
	# shellcheck disable=SC2086
	if ! add_disks "$root" $disks; then
		tap_fail "$prefix/disks" "could not make the disks '$disks'"
		return
	fi
	lis_initramfs_pack "$root/initramfs" "$root/initramfs.cpio"
	AGENT_ARGS=()

	lis_log "integration: $prefix on $kver (-m $mem, timeout ${timeout}s)"
	for boot in 1 2; do
		[ "$host" = agent ] && agent_start "$root" "$log"
		start=$(date +%s)
		lis_qemu "$log" "$image" "$root/initramfs.cpio" "$mem" "$timeout" \
			"$CMDLINE lis.kver=$kver lis.series=$series $cmdline" \
			"${DISK_ARGS[@]}" "${AGENT_ARGS[@]}" "${qemu_args[@]}"
		rc=$?
		lis_log "integration: $prefix: $(($(date +%s) - start)) s"
		# The agent took no copy if the guest never got to /init.
		[ "$host" = agent ] && agent_finish "$root" "$prefix"
		# A crash before /init is the emulator's, not lis's: once more.
		[ "$boot" = 1 ] &&
			lis_boot_again "$log" "integration: $prefix" || break
		# Fresh disks all the same, whatever the first boot got to.
		# shellcheck disable=SC2086
		if ! add_disks "$root" $disks; then
			tap_fail "$prefix/disks" "could not make the disks '$disks' again"
			return
		fi
	done

	parse_results "$LIS_LOGS/$log.result" "$prefix"
	if [ "$rc" -eq 124 ]; then
		tap_fail_log "$prefix/timeout" "killed after ${timeout}s" "$LIS_LOGS/$log.console"
	elif ! lis_result_lines "$LIS_LOGS/$log.result" | grep -qxF LIS-DONE; then
		tap_fail_log "$prefix/done" "the guest did not reach its done marker (crash, panic or boot failure)" \
			"$LIS_LOGS/$log.console"
	elif [ "$RESULT_COUNT" -eq 0 ]; then
		tap_fail "$prefix/results" "the scenario reported no results"
	fi
	console_checked "$series" "$LIS_LOGS/$log.console" >"$root/console.checked"
	problems=$(lis_console_problems "$root/console.checked")
	if [ -n "$problems" ]; then
		tap_fail "$prefix/console" "kernel bug reports on the console:" "$problems" \
			"$(lis_tail "$LIS_LOGS/$log.console")"
	fi
}

# merge_jobs [all]: merge the results of the scenarios at the head of
# JOBS that have ended (with "all": wait for each), in the order they
# were started.
merge_jobs()
{
	local pid dir prefix

	while [ "${#JOBS[@]}" -gt 0 ]; do
		read -r pid dir prefix <<<"${JOBS[0]}"
		if [ -z "${1:-}" ] && kill -0 "$pid" 2>/dev/null; then
			break
		fi
		wait "$pid" 2>/dev/null
		cat "$dir/job.out"
		if ! tap_merge "$dir"; then
			tap_fail "$prefix/runner" "the scenario's runner died before writing its results" \
				"$(lis_tail "$dir/job.out")"
		fi
		JOBS=("${JOBS[@]:1}")
	done
}

# start_scenario <run_scenario arguments>: run_scenario in the background
# once fewer than GUESTS guests run.
start_scenario()
{
	local prefix dir

	prefix=$1/$(basename "$3" .sh)
	dir=$WORK/jobs/${prefix//\//-}
	while [ "$(jobs -rp | wc -l)" -ge "$GUESTS" ]; do
		wait -n
		merge_jobs
	done
	rm -rf "$dir"
	mkdir -p "$dir"
	(
		tap_fork "$dir"
		run_scenario "$@"
		tap_join "$dir"
	) >"$dir/job.out" &
	JOBS+=("$! $dir $prefix")
}

# build_tools: lis's userspace tools for the guest's /usr/bin, in
# $TOOLS_BIN: executable scripts at the top of tools/ as they are, and
# when tools/Makefile exists, tools/bin/* of a static build.
build_tools()
{
	local src=$WORK/tools-src log=$LIS_LOGS/integration-tools.log file

	TOOLS_BIN=$WORK/tools-bin
	rm -rf "$TOOLS_BIN"
	mkdir -p "$TOOLS_BIN"
	for file in "$LIS_ROOT"/tools/*; do
		if [ -f "$file" ] && [ -x "$file" ] && [ "$(head -c 2 "$file")" = "#!" ]; then
			cp "$file" "$TOOLS_BIN/"
		fi
	done
	[ -f "$LIS_ROOT/tools/Makefile" ] || return 0
	lis_copy_tree "$src"
	if make -C "$src/tools" LDFLAGS=-static -j"$LIS_JOBS" >"$log" 2>&1; then
		tap_ok tools-build
		cp "$src"/tools/bin/* "$TOOLS_BIN/" 2>/dev/null
	else
		tap_fail_log tools-build "make -C tools LDFLAGS=-static failed" "$log"
	fi
}

# debug_series: the test kernel (built or cached), lis's modules built
# against it into $WORK/debug/modules, and the kernel's built-in modules
# indexed (everything a scenario names must be built in: lis-kmods:
# lines are checked against modules.builtin).  Sets DEBUG_KDIR.
debug_series()
{
	local out=$WORK/debug log=$LIS_LOGS/integration-build-debug.log ko src

	if ! DEBUG_KDIR=$("$LIS_ROOT/scripts/test-kernel.sh" 2>"$log.kernel"); then
		tap_fail_log build-debug "the test kernel did not build" "$log.kernel"
		return 1
	fi
	# The KUnit layer's build of the same tree against the same kernel
	# (make check runs it first) is this build.
	src=$LIS_ROOT/build/kunit/src
	if [ "$(cat "$src/.lis-built-for" 2>/dev/null)" = "$DEBUG_KDIR $(lis_tree_hash)" ]; then
		echo "reusing the KUnit layer's build in $src" >"$log"
	else
		src=$out/src
		lis_copy_tree "$src"
		if ! make -C "$src" KDIR="$DEBUG_KDIR" -j"$LIS_JOBS" >"$log" 2>&1; then
			tap_fail_log build-debug "lis did not build against the test kernel" "$log"
			return 1
		fi
	fi
	tap_ok build-debug
	rm -rf "$out/modules"
	mkdir -p "$out/modules"
	for ko in "$src"/*.ko; do
		case $ko in *_test.ko) continue ;; esac
		cp "$ko" "$out/modules/"
	done
	declare -gA KMOD_PATH=() KMOD_DEPS=() KMOD_BUILTIN=() KMOD_PRE=() KMOD_POST=()
	KMOD_DIR=$DEBUG_KDIR
	while read -r ko; do
		ko=${ko##*/}
		ko=${ko%%.ko*}
		KMOD_BUILTIN[${ko//-/_}]=1
	done <"$DEBUG_KDIR/modules.builtin"
}

main()
{
	local version series kver file out log scenarios=() selected

	lis_lock_tree

	tap_begin "${LIS_TAP_LAYER:-integration}" "${LIS_TAP_FILE:-integration.tap}"
	version=$(cat "$LIS_ROOT/VERSION")
	for file in "${LIS_SCENARIO_DIR:-$LIS_ROOT/tests/integration/scenarios}"/*.sh; do
		[ -e "$file" ] || continue
		if [ -n "${LIS_SCENARIOS:-}" ] &&
			! grep -qw -- "$(basename "$file" .sh)" <<<"$LIS_SCENARIOS"; then
			continue
		fi
		scenarios+=("$file")
	done
	build_tools
	for series in $LIS_KERNELS; do
		if [ "$series" = debug ]; then
			selected=()
			for file in "${scenarios[@]}"; do
				in_series "$file" debug && selected+=("$file")
			done
			[ "${#selected[@]}" -gt 0 ] || continue
			debug_series || continue
			kver=$(cat "$DEBUG_KDIR/include/config/kernel.release")
			lis_log "integration: debug series on the test kernel $kver"
			for file in "${selected[@]}"; do
				start_scenario debug "$kver" "$file" "$WORK/debug/modules" \
					"$DEBUG_KDIR/arch/x86/boot/bzImage"
			done
			continue
		fi
		if ! kver=$(lis_stock_kernel "$series"); then
			tap_fail "build-$series" "no installed $series kernel with headers (scripts/deps.sh)"
			continue
		fi
		out=$WORK/$series/dkms
		log=$LIS_LOGS/integration-dkms-$series.log
		lis_log "integration: dkms build of lis $version against $kver"
		if "$LIS_ROOT/scripts/dkms.sh" build "$version" "$kver" "$out" >"$log" 2>&1; then
			tap_ok "build-$series"
		else
			tap_fail_log "build-$series" "dkms build against $kver failed" "$log"
		fi
		# make dkms-install / dkms-remove, into a private install tree;
		# the modules the scenarios use were copied out already.
		if "$LIS_ROOT/scripts/dkms.sh" roundtrip "$version" "$kver" "$out" \
			>"$log.roundtrip" 2>&1; then
			tap_ok "dkms-install-remove-$series"
		else
			tap_fail_log "dkms-install-remove-$series" \
				"dkms install/remove against $kver failed" "$log.roundtrip"
		fi
		mkdir -p "$out/modules"
		for file in "${scenarios[@]}"; do
			if in_series "$file" "$series" && [ -n "$(header "$file" peer "")" ]; then
				lis_log "integration: lis_hvcompat for $kver"
				build_peer "$series" "$kver" "$out"
				break
			fi
		done
		load_modules_dep "$kver"
		for file in "${scenarios[@]}"; do
			in_series "$file" "$series" || continue
			start_scenario "$series" "$kver" "$file" "$out/modules" \
				"/boot/vmlinuz-$kver"
		done
	done
	merge_jobs all
	tap_end "TAP version 13"
}

main "$@"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Build (or reuse) the KUnit test kernel and print its build directory.
#
#   scripts/test-kernel.sh        -> /var/cache/lis/kernel/<key>/build
#
# The kernel is Debian's linux-source-6.12: ARCH=x86_64 allnoconfig, with
# tests/kunit/kunitconfig merged by scripts/kconfig/merge_config.sh, then
# olddefconfig.  Every line of the fragment is checked against the final
# .config; a symbol Kconfig dropped (a missing dependency) fails the build.
#
# The cache key hashes the linux-source package version, the fragment,
# this script and the compiler version, so a change to any of them builds
# a new kernel and a warm run (bzImage + stamp present) builds nothing.
# The build directory doubles as KDIR for out-of-tree modules.  All output
# except the final path goes to stderr; the build log is kept beside the
# build directory.

set -u
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

FRAGMENT=$LIS_ROOT/tests/kunit/kunitconfig

cache_key()
{
	{
		dpkg-query -W -f='${Version}\n' linux-source-6.12 2>/dev/null
		cat "$FRAGMENT" "$0"
		gcc --version | head -n 1
	} | sha256sum | cut -c1-16
}

# verify_config <.config>: each fragment line must hold in the result.
verify_config()
{
	local config=$1 line sym bad=0

	while IFS= read -r line; do
		case $line in
		CONFIG_*=*)
			sym=${line%%=*}
			;;
		"# CONFIG_"*" is not set")
			sym=${line#"# "}
			sym=${sym%% *}
			;;
		*)
			continue
			;;
		esac
		if ! grep -qxF -- "$line" "$config"; then
			lis_log "test kernel: $sym: wanted '$line', got '$(grep -E "^$sym=|^# $sym is not set" "$config" || echo "<absent>")'"
			bad=1
		fi
	done <"$FRAGMENT"
	if [ "$bad" -ne 0 ]; then
		lis_log "test kernel: tests/kunit/kunitconfig did not apply (see above: a dependency is missing)"
		return 1
	fi
}

build_kernel()
{
	local src=$1 dir=$2 out=$2/build log=$2/build.log start

	rm -rf "$out" "$dir/stamp"
	mkdir -p "$out"
	start=$(date +%s)
	lis_log "building the KUnit test kernel in $out (log: $log)"
	{
		make -C "$src" O="$out" ARCH=x86_64 allnoconfig &&
		(cd "$src" && scripts/kconfig/merge_config.sh -m -O "$out" \
			"$out/.config" "$FRAGMENT") &&
		make -C "$src" O="$out" ARCH=x86_64 olddefconfig
	} >"$log" 2>&1 || { tail -n 40 "$log" >&2; return 1; }
	verify_config "$out/.config" || return 1
	if ! make -C "$src" O="$out" ARCH=x86_64 -j"$LIS_JOBS" all >>"$log" 2>&1; then
		lis_log "test kernel build failed:"
		tail -n 40 "$log" >&2
		return 1
	fi
	[ -e "$out/arch/x86/boot/bzImage" ] || { lis_log "no bzImage after the build"; return 1; }
	echo "$(($(date +%s) - start))" >"$dir/build-seconds"
	lis_log "test kernel built in $(cat "$dir/build-seconds") s"
	touch "$dir/stamp"
}

main()
{
	local src key dir

	src=$(lis_kernel_source) || return 1
	key=$(cache_key)
	dir=$LIS_CACHE/kernel/$key
	mkdir -p "$dir"
	exec 9>"$dir/.lock"
	flock 9
	if [ -e "$dir/stamp" ] && [ -e "$dir/build/arch/x86/boot/bzImage" ]; then
		lis_log "test kernel: cached in $dir"
	else
		build_kernel "$src" "$dir" || return 1
	fi
	echo "$dir/build"
}

main "$@"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Install every Debian 12 package the lis build and test harness needs.
# Idempotent and fast when nothing is missing: dpkg-query decides, and
# apt-get (update + install) runs only for what is not installed yet.
#
# The stock kernels for the integration layer come from the metapackages
# (bookworm-security): linux-image-amd64/linux-headers-amd64 (6.1) and
# linux-image-6.12-amd64/linux-headers-6.12-amd64.  Their versions are
# never named here; scripts/common.sh picks the newest installed 6.1.x
# and 6.12.x at run time.  Installing a linux-image runs update-initramfs,
# which is slow but happens once per machine.

set -u
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

PACKAGES=(
	# module builds and the test kernel
	build-essential bc bison flex libelf-dev libssl-dev cpio kmod
	xz-utils openssl perl
	linux-source-6.12
	# the peer drivers' compat module reads drivers/hv of each stock
	# kernel's own source (tests/peer)
	linux-source-6.1
	# stock kernels and their headers (integration layer)
	linux-image-amd64 linux-headers-amd64
	linux-image-6.12-amd64 linux-headers-6.12-amd64
	# static checks
	sparse
	# guests
	qemu-system-x86 busybox-static
	# dkms builds, file systems for scenarios (and their checks)
	dkms e2fsprogs xfsprogs btrfs-progs
	# the host agent of backup scenarios (QMP)
	python3
	# the peer's VSS daemon, hv_vss_daemon (tests/integration/scenarios/6*)
	hyperv-daemons
	# fuzzers (libFuzzer runtime)
	clang libclang-rt-14-dev
)

# missing: the packages of PACKAGES that are not installed, one a line.
missing()
{
	local installed

	installed=$(dpkg-query -W -f='${db:Status-Abbrev} ${Package}\n' \
		"${PACKAGES[@]}" 2>/dev/null | awk '$1 == "ii" { print $2 }')
	printf '%s\n' "${PACKAGES[@]}" | grep -vxF -e "$installed" -e ""
}

main()
{
	local todo series kver rc=0

	mapfile -t todo < <(missing)
	if [ "${#todo[@]}" -gt 0 ]; then
		if [ "$(id -u)" -ne 0 ]; then
			lis_log "deps: missing packages (run as root to install): ${todo[*]}"
			return 1
		fi
		lis_log "deps: installing ${todo[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -q || return 1
		apt-get install -y -q --no-install-recommends \
			-o Dpkg::Options::=--force-confdef \
			-o Dpkg::Options::=--force-confold \
			"${todo[@]}" </dev/null || return 1
		mapfile -t todo < <(missing)
		if [ "${#todo[@]}" -gt 0 ]; then
			lis_log "deps: still missing after apt-get: ${todo[*]}"
			return 1
		fi
	fi
	for series in $(lis_stock_series); do
		if kver=$(lis_stock_kernel "$series"); then
			lis_log "deps: kernel $series: $kver"
		else
			lis_log "deps: no installed $series kernel with headers"
			rc=1
		fi
	done
	return "$rc"
}

main "$@"

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# lis and DKMS.
#
#   scripts/dkms.sh install <version>   copy the tree to /usr/src/lis-<version>,
#                                       dkms add + install (make dkms-install)
#   scripts/dkms.sh remove <version>    dkms remove --all, drop the source
#                                       (make dkms-remove)
#   scripts/dkms.sh build <version> <kver> <outdir>
#                                       a private DKMS build for the tests:
#                                       the modules land, uncompressed, in
#                                       <outdir>/modules; nothing on the
#                                       system is touched
#   scripts/dkms.sh roundtrip <version> <kver> <outdir>
#                                       after "build" into <outdir>: dkms
#                                       install into <outdir>/install, check
#                                       every module of dkms.conf is there,
#                                       dkms remove --all, check none is left
#
# The private build runs dkms 3.0.10 itself with --dkmstree/--sourcetree
# pointing into <outdir>, so it builds exactly as a real install would
# (dkms.conf's MAKE line, its module list, strip, signing, compression).
# Signing: dkms would otherwise create /var/lib/dkms/mok.key; the key and
# certificate variables (which dkms reads from framework.conf, and which
# Debian's framework.conf leaves unset) are pointed into <outdir>, so a
# throw-away key signs the modules.

set -u
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

# stage <version> <dir>: the tree as a DKMS source, <dir>/lis-<version>.
stage()
{
	local version=$1 dest=$2/lis-$1

	lis_copy_tree "$dest" || return 1
	sed -i "s/#VERSION#/$version/g" "$dest/dkms.conf"
}

do_install()
{
	local version=$1

	stage "$version" /usr/src || return 1
	if ! dkms status -m lis -v "$version" | grep -q .; then
		dkms add -m lis -v "$version" || return 1
	fi
	dkms install -m lis -v "$version" || return 1
	# Hosted mode's files (claim script, unit, udev rule, modprobe.d).
	make -C "$LIS_ROOT/tools/lis-hosted-claim" install
}

do_remove()
{
	local version=$1

	if dkms status -m lis -v "$version" | grep -q .; then
		dkms remove -m lis -v "$version" --all || return 1
	fi
	rm -rf "/usr/src/lis-$version"
	make -C "$LIS_ROOT/tools/lis-hosted-claim" uninstall
}

# do_build <version> <kver> <outdir>: prints the make log on failure.
do_build()
{
	local version=$1 kver=$2 out=$3 tree rc ko

	rm -rf "$out"
	mkdir -p "$out/source" "$out/tree" "$out/modules"
	out=$(cd "$out" && pwd)
	tree=$out/tree
	stage "$version" "$out/source" || return 1
	export mok_signing_key=$out/mok.key mok_certificate=$out/mok.pub
	dkms add -m lis -v "$version" --dkmstree "$tree" --sourcetree "$out/source" \
		>"$out/dkms.log" 2>&1 || { cat "$out/dkms.log"; return 1; }
	dkms build -m lis -v "$version" -k "$kver" --dkmstree "$tree" \
		--sourcetree "$out/source" >>"$out/dkms.log" 2>&1
	rc=$?
	cat "$out/dkms.log"
	if [ "$rc" -ne 0 ]; then
		echo "--- $tree/lis/$version/build/make.log ---"
		cat "$tree/lis/$version/build/make.log" 2>/dev/null
		return "$rc"
	fi
	for ko in "$tree/lis/$version/$kver"/*/module/*.ko*; do
		[ -e "$ko" ] || continue
		case $ko in
		*.ko.xz) xz -dc "$ko" >"$out/modules/$(basename "$ko" .xz)" ;;
		*.ko.gz) gzip -dc "$ko" >"$out/modules/$(basename "$ko" .gz)" ;;
		*.ko.zst) zstd -qdc "$ko" >"$out/modules/$(basename "$ko" .zst)" ;;
		*) cp "$ko" "$out/modules/" ;;
		esac
	done
}

# do_roundtrip <version> <kver> <outdir>: what "make dkms-install" and
# "make dkms-remove" do, on the private tree of a do_build, with dkms's
# --installtree instead of /lib/modules.
do_roundtrip()
{
	local version=$1 kver=$2 out tree inst mod missing="" left
	local args

	out=$(cd "$3" && pwd) || return 1
	tree=$out/tree
	inst=$out/install
	args=(-m lis -v "$version" --dkmstree "$tree" --sourcetree "$out/source"
	      --installtree "$inst")
	rm -rf "$inst"
	mkdir -p "$inst/$kver"
	export mok_signing_key=$out/mok.key mok_certificate=$out/mok.pub
	dkms install "${args[@]}" -k "$kver" || return 1
	while read -r mod; do
		ls "$inst/$kver/updates/dkms/$mod".ko* >/dev/null 2>&1 ||
			missing+=" $mod"
	done < <(sed -n 's/^BUILT_MODULE_NAME\[[0-9]*\]="\(.*\)"$/\1/p' \
		"$out/source/lis-$version/dkms.conf")
	if [ -n "$missing" ]; then
		echo "dkms install did not install:$missing"
		return 1
	fi
	if ! dkms status "${args[@]}" | grep -q "$kver.*: installed"; then
		echo "dkms status does not say installed:"
		dkms status "${args[@]}"
		return 1
	fi
	dkms remove "${args[@]}" --all || return 1
	left=$(find "$inst" -name '*.ko*')
	if [ -n "$left" ] || [ -e "$tree/lis" ]; then
		echo "left after dkms remove: $left $(ls -d "$tree/lis" 2>/dev/null)"
		return 1
	fi
	echo "dkms install and remove of lis $version for $kver: ok"
}

usage()
{
	echo "usage: $0 install|remove <version>" >&2
	echo "       $0 build|roundtrip <version> <kver> <outdir>" >&2
	return 2
}

main()
{
	case ${1:-}:$# in
	install:2) do_install "$2" ;;
	remove:2) do_remove "$2" ;;
	build:4) do_build "$2" "$3" "$4" ;;
	roundtrip:4) do_roundtrip "$2" "$3" "$4" ;;
	*) usage ;;
	esac
}

main "$@"

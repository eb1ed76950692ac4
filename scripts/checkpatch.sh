#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Run the kernel's checkpatch.pl over the lis C sources (make style).
#
#   scripts/checkpatch.sh              every *.c/*.h under drivers/ include/
#                                      tests/kunit/ tests/fuzz/ tools/
#   scripts/checkpatch.sh FILE...      just those files
#
# checkpatch.pl comes from Debian's linux-source-6.12, extracted into the
# cache (scripts/common.sh: lis_kernel_source), so that spelling.txt and
# const_structs.checkpatch sit beside it.  Default checks plus --no-tree
# (there is no kernel tree around the files), with -f (whole files, not
# patches).  Errors and warnings fail; exit status is non-zero then.
#
# Ignored, because they make no sense out of tree:
#   LINUX_VERSION_CODE  "should be avoided, code should be for the version
#                       to which it is merged": lis is built for several
#                       kernels from one tree, so its compat layer must be
#                       able to test the version.
#   CONST_STRUCT        see IGNORE below.
# and include/lis/shim_user.h is not checked: it is the userspace half of
# the shim, there to define what kernel style forbids (typedefs for
# u8..u64, volatile accessors).  Nothing else is left out.

set -u
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

# CONST_STRUCT: lis_bus_type is const from 6.4 on (LIS_BUS_CONST in
# include/lis/compat.h), but 6.1's bus_register() writes into it, and
# checkpatch cannot see through the macro.
IGNORE=LINUX_VERSION_CODE,CONST_STRUCT

main()
{
	local src files=() pids=() rc tmp per i

	src=$(lis_kernel_source) || return 1
	if [ $# -gt 0 ]; then
		files=("$@")
	else
		cd "$LIS_ROOT" || return 1
		mapfile -t files < <(find drivers include tests/kunit tests/fuzz tests/peer tools \
			-type f \( -name '*.c' -o -name '*.h' \) \
			! -path include/lis/shim_user.h 2>/dev/null | LC_ALL=C sort)
	fi
	if [ "${#files[@]}" -eq 0 ]; then
		echo "checkpatch: no C sources to check"
		return 0
	fi
	# One checkpatch.pl per CPU over a slice of the files each; the
	# reports are printed in file order.
	tmp=$(mktemp -d)
	per=$(((${#files[@]} + $(nproc) - 1) / $(nproc)))
	for ((i = 0; i * per < ${#files[@]}; i++)); do
		perl "$src/scripts/checkpatch.pl" --no-tree -f --color=never \
			--show-types --ignore "$IGNORE" "${files[@]:i * per:per}" \
			>"$tmp/$i" 2>&1 &
		pids+=($!)
	done
	rc=0
	for ((i = 0; i < ${#pids[@]}; i++)); do
		wait "${pids[i]}" || rc=1
		cat "$tmp/$i"
	done
	rm -rf "$tmp"
	[ "$rc" -eq 0 ] && echo "checkpatch: ${#files[@]} files clean"
	return "$rc"
}

main "$@"

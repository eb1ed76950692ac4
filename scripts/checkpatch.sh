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
# Nothing else is ignored.

set -u
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

IGNORE=LINUX_VERSION_CODE

main()
{
	local src files=() rc

	src=$(lis_kernel_source) || return 1
	if [ $# -gt 0 ]; then
		files=("$@")
	else
		cd "$LIS_ROOT" || return 1
		mapfile -t files < <(find drivers include tests/kunit tests/fuzz tools \
			-type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null | LC_ALL=C sort)
	fi
	if [ "${#files[@]}" -eq 0 ]; then
		echo "checkpatch: no C sources to check"
		return 0
	fi
	perl "$src/scripts/checkpatch.pl" --no-tree -f --color=never \
		--show-types --ignore "$IGNORE" "${files[@]}"
	rc=$?
	[ "$rc" -eq 0 ] && echo "checkpatch: ${#files[@]} files clean"
	return "$rc"
}

main "$@"

# SPDX-License-Identifier: GPL-2.0-only
#
# Helpers for the live-backup benchmarks (tests/bench/40-vss.sh,
# 41-vss-many.sh, 51-peer-vss.sh), sourced from /lis/vss-bench-lib.sh
# after lib.sh:
#
#   vb_hstat KEY          a value of lis_sim's VSS host (debugfs vss)
#   vb_dirty KIB DIR...   fresh writes of KIB KiB into DIR/data, each DIR
#   vb_mount DIR...       mount /dev/vda, vdb, ... (ext4) on the DIRs, in
#                         order; fails (not_ok) on the first that will not
#   vb_backup SECONDS     one backup by lis_sim's requester, waited for;
#                         adds its freeze_ms to VB_WINDOW and its total_ms
#                         less checkpoint_ms to VB_TOTAL, or counts it in
#                         VB_FAILS when it does not end "ok"
#   vb_fsfreeze TAG "FS..." "FS..."
#                         the limit: fsfreeze --freeze of the first list,
#                         --unfreeze of the second, in order, timed by the
#                         kernel log's clock; adds the ms to VB_LIMIT
#   vb_host_ready         lis_sim's VSS host negotiated (the check
#                         host-ready)

VB_VSS=/sys/kernel/debug/lis_sim/vss
VB_WINDOW=0
VB_TOTAL=0
VB_LIMIT=0
VB_FAILS=0

vb_hstat()
{
	sed -n "s/^$1=//p" $VB_VSS
}

vb_dirty()
{
	local kib=$1 d

	shift
	for d in "$@"; do
		dd if=/dev/urandom of="$d/data" bs=4k count=$((kib / 4)) 2>/dev/null
	done
}

vb_mount()
{
	local d n=0

	for d in "$@"; do
		mkdir -p "$d"
		mount -t ext4 "/dev/vd$(printf "\\$(printf '%03o' $((97 + n)))")" "$d" || {
			not_ok mount "$d"
			return 1
		}
		n=$((n + 1))
	done
}

vb_backup()
{
	if lis-simctl backup start && lis-simctl backup wait done "$1" &&
		[ "$(vb_hstat last_result)" = ok ]; then
		VB_WINDOW=$((VB_WINDOW + $(vb_hstat freeze_ms)))
		VB_TOTAL=$((VB_TOTAL + $(vb_hstat total_ms) - $(vb_hstat checkpoint_ms)))
	else
		VB_FAILS=$((VB_FAILS + 1))
	fi
}

# vb_stamp WORD: the kernel log time of "lis-bench-mark WORD", in ms.
vb_stamp()
{
	dmesg | sed -n "s/^\[ *\([0-9.]*\)\] lis-bench-mark $1\$/\1/p" | tail -n 1 |
		awk '{ printf "%d", $1 * 1000 }'
}

vb_fsfreeze()
{
	local d

	echo "lis-bench-mark f$1" >/dev/kmsg
	for d in $2; do fsfreeze --freeze "$d"; done
	for d in $3; do fsfreeze --unfreeze "$d"; done
	echo "lis-bench-mark u$1" >/dev/kmsg
	VB_LIMIT=$((VB_LIMIT + $(vb_stamp "u$1") - $(vb_stamp "f$1")))
}

vb_host_ready()
{
	check host-ready lis-simctl backup wait ready 120
}

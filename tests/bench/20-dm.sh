# SPDX-License-Identifier: GPL-2.0-only
#
# Dynamic Memory throughput through the whole protocol (lis_sim's host,
# lis_vmbus's rings, lis_balloon): balloon_inflate and balloon_deflate in
# GiB/s of pages given up and taken back, against the raw allocation and
# free of the same number of pages in the same run (lis_sim measures them:
# dm bench_alloc); hot_add in GiB/s added and onlined, against the
# kernel's own add_memory() and onlining of the same size on a separate
# range.  The host's page pattern checks are off (dm_verify=off): they are
# the simulator's cost, not the protocol's.  scripts/bench.sh reads the
# "lis-bench dm_*" lines from the console.
#
# lis-memory: 2G
# lis-cmdline: mem=768M memhp_default_state=online
# lis-timeout: 900

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh

PAGES=131072	# 512 MiB
lis_load lis_vmbus || exit 0
check load-sim insmod "$LIS_MODULES/lis_sim.ko" dm_devices=1 dm_hotadd=256M@1G \
	dm_minimum_mb=128 dm_target_mb=768 dm_verify=off dm_info_delay_ms=200
dm_guest_up || exit 0
if ! dm_up 60; then
	not_ok dm-ready "$(cat "$SIM/dm")"
	exit 0
fi

# last <field>: field of last_request (1 type 2 asked 3 done 4 result 5 ms)
last()
{
	dm last_request | cut -d' ' -f"$1"
}

run()
{
	dm_cmd "$@" && wait_for 300 dm_idle
}

# The limit first: allocate and free the same pages (once to warm the
# allocator up, once for the figure).
dm_cmd bench_alloc $PAGES
check raw-alloc dm_cmd bench_alloc $PAGES

if run balloon $PAGES && [ "$(last 4)" != timeout ] && [ "$(last 3)" -gt 0 ]; then
	got=$(last 3)
	echo "lis-bench dm_balloon_inflate pages=$got us=$(dm last_us) limit_pages=$(dm raw_alloc_pages) limit_ns=$(dm raw_alloc_ns)"
	ok balloon_inflate
	if run unballoon "$got" && [ "$(last 4)" = ok ]; then
		echo "lis-bench dm_balloon_deflate pages=$got us=$(dm last_us) limit_pages=$(dm raw_alloc_pages) limit_ns=$(dm raw_free_ns)"
		ok balloon_deflate
	else
		not_ok balloon_deflate "$(dm last_request)"
	fi
else
	not_ok balloon_inflate "$(dm last_request)"
fi

mt0=$(mem MemTotal)
if run hot_add 256 && [ "$(last 4)" = ok ]; then
	echo "lis-bench dm_hot_add pages=$(last 3) us=$(dm last_us)"
	ok hot_add
	check hot-add-online [ $(($(mem MemTotal) - mt0)) -ge 255 ]
else
	not_ok hot_add "$(dm last_request)"
fi
mt1=$(mem MemTotal)
if dm_cmd bench_hot_add 256M@1280M; then
	wait_for 10 [ $(($(mem MemTotal) - mt1)) -ge 255 ]
	echo "lis-bench dm_raw_hot_add mb=$(dm raw_hot_add_mb) ns=$(dm raw_hot_add_ns)"
	check raw-hot-add-online [ $(($(mem MemTotal) - mt1)) -ge 255 ]
else
	not_ok raw-hot-add "$(dmesg | tail -n 5)"
fi

check no-violations [ "$(dm violations)/$(dm protocol_errors)" = 0/0 ]
lis_unload lis_balloon lis_sim lis_vmbus
dmesg_clean

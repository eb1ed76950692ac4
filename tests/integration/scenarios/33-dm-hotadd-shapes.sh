# SPDX-License-Identifier: GPL-2.0-only
#
# The shapes of hot-add request a Hyper-V host sends, driven by hand
# through lis_sim's hot_add_range command, and what the host sees:
# - incremental: a request that starts inside a region added earlier and
#   runs past its end is backed whole (range form, then region form with
#   a region that overlaps the earlier one);
# - sub-block steps: eight 16 MiB requests fill one block;
# - an unaligned start, then the pages before it (through lis-simctl);
#   requests a host could not send are refused;
# - after a hot-add that ends inside a block, the status report's
#   committed figure holds no unbacked pages (checked against meminfo);
# - transient failures answer result 0 ("try again later"), never "give
#   up for good": a block that does not come online in time, a duplicate;
# - the balancer's own sub-block steps (hot_add_step) across the holes
#   and regions left behind.
# Every answer's page_count is what was asked, MemTotal grows by exactly
# what the host backed, and the host's checks of each answer (pages in
# use only if backed) find no protocol error.
#
# lis-memory: 2G
# lis-cmdline: mem=768M memhp_default_state=online
# lis-timeout: 600

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh

mount -t debugfs none /sys/kernel/debug 2>/dev/null
SIMCTL=lis-simctl
[ -x /usr/bin/lis-simctl ] || SIMCTL=/lis/lis-simctl

# MemTotal in 4 KiB pages.
memtotal_pages()
{
	echo $(($(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo) / 4))
}

# ha NAME EXPECT PFN COUNT [RGPFN RGCOUNT]: one hot_add_range request;
# ok if last_request's "asked done result" is EXPECT.
ha()
{
	local name=$1 want=$2

	shift 2
	dm_cmd hot_add_range "$@" && sleep 0.5 && wait_for 60 dm_both_idle
	echo "$name: host $(dm last_request) (asked $(dm last_hot_add)) guest added=$(dm_status pages_added) onlined=$(dm_status pages_onlined)"
	check "$name" [ "$(dm last_request | cut -d' ' -f2-4)" = "$want" ]
}

# grew NAME BEFORE PAGES: MemTotal is BEFORE + PAGES, to the page.
grew()
{
	local now

	now=$(memtotal_pages)
	check "$1" [ "$now" -eq $(($2 + $3)) ] || echo "MemTotal $now, want $(($2 + $3))"
}

lis_load lis_vmbus || exit 0
dm_start_manual dm_hotadd=1G@1G dm_startup_mb=768 dm_minimum_mb=512 \
	dm_maximum_mb=1792 || exit 0
echo "auto_online_blocks: $(cat /sys/devices/system/memory/auto_online_blocks)"
BP=$(($(cat /sys/devices/system/memory/block_size_bytes | sed 's/^/0x/') / 4096))
B=262144	# pfn of 1 GiB, the first page of the host's range
check block-128m [ "$BP" = 32768 ]

# --- incremental: past the end of an earlier region ------------------------
ha half-block "16384 16384 ok" "$B" 16384
m0=$(memtotal_pages)
# Starts inside block 0's region, runs 64 MiB into block 1.
ha incremental-range "32768 32768 ok" $((B + 16384)) 32768
grew incremental-range-memtotal "$m0" 32768
check incremental-range-added [ "$(dm_status pages_added)" = 49152 ]
check incremental-range-onlined [ "$(dm_status pages_onlined)" = 49152 ]
check incremental-host [ "$(dm hot_added_pages)" = 49152 ]
# Region form: the host's region (blocks 1-2) overlaps block 1's region.
m0=$(memtotal_pages)
ha incremental-region "32768 32768 ok" $((B + 49152)) 32768 \
	$((B + BP)) $((2 * BP))
grew incremental-region-memtotal "$m0" 32768
check incremental-region-added [ "$(dm_status pages_added)" = 81920 ]

# --- sub-block steps: block 3 in eight pieces -------------------------------
m0=$(memtotal_pages)
i=0
steps_ok=1
while [ "$i" -lt 8 ]; do
	# 16 MiB each, the first at the start of a block no region holds.
	dm_cmd hot_add_range $((B + 3 * BP + i * 4096)) 4096 &&
		sleep 0.3 && wait_for 60 dm_both_idle
	[ "$(dm last_request | cut -d' ' -f2-4)" = "4096 4096 ok" ] || steps_ok=0
	i=$((i + 1))
done
check sub-block-steps-ok [ "$steps_ok" = 1 ]
grew sub-block-steps-memtotal "$m0" 32768

# --- unaligned start, then the pages before it ------------------------------
m0=$(memtotal_pages)
ha unaligned-start "5000 5000 ok" $((B + 4 * BP + 1000)) 5000
grew unaligned-memtotal "$m0" 5000

# --- no phantom demand: block 4 is added, 5000 of its pages backed ----------
added=$(dm_status pages_added)
onlined=$(dm_status pages_onlined)
check partial-added-is-backed [ "$added" = "$(dm hot_added_pages)" ]
check partial-nothing-waiting [ "$added" = "$onlined" ]
# committed = Committed_AS + Linux's floor of MemTotal (report=linux, the
# default; nothing ballooned, nothing waiting to go online); a block's
# unbacked pages would add 27,768 pages (108 MiB).  Allow 16 MiB for what
# moves between reads.
sleep 2
c=$(dm_status total_pages_committed)
demand=$(($(kb Committed_AS) / 4))
floor=$(linux_floor $(($(kb MemTotal) / 4)))
excess=$((c - demand - floor))
echo "committed=$c demand=$demand floor=$floor excess=$excess pages; host committed_mb=$(dm committed_mb)"
check partial-committed-real [ "$excess" -gt -4096 -a "$excess" -lt 4096 ]

# The pages before it, through lis-simctl.
m0=$(memtotal_pages)
out=$($SIMCTL dm hot_add_range $((B + 4 * BP)) 1000)
echo "unaligned-before: $out"
check unaligned-before [ "$(echo "$out" | cut -d' ' -f2-4)" = "1000 1000 ok" ]
grew unaligned-before-memtotal "$m0" 1000
# A host offers only memory it has, and a region holds its pages.
dm_refuses range-outside-refused $SIMCTL dm hot_add_range 1000 10
dm_refuses region-must-hold-pages dm_cmd hot_add_range $((B + 7 * BP)) 10 \
	$((B + 7 * BP + 20)) 10
dm_refuses range-form-words dm_cmd hot_add_range $((B + 7 * BP)) 10 20

# --- transient failures: result 0, and the host may come back --------------
# A duplicate: pages backed before.
ha duplicate-retry "1000 0 retry" $((B + 4 * BP)) 1000
check duplicate-not-stopped [ "$(dm hot_add_stopped)" = 0 ]
# A block that does not come online in time.
echo offline >/sys/devices/system/memory/auto_online_blocks
echo 2 >/sys/module/lis_balloon/parameters/online_timeout
m0=$(memtotal_pages)
ha online-timeout-retry "8192 0 retry" $((B + 5 * BP)) 8192
check online-timeout-not-stopped [ "$(dm hot_add_stopped)" = 0 ]
check online-timeout-advertised [ "$(sed -n 's/^capabilities *: //p' "$DM_STATUS")" = \
	"enabled hot_add" ]
echo online >/sys/devices/system/memory/auto_online_blocks
echo 5 >/sys/module/lis_balloon/parameters/online_timeout
ha online-timeout-then-ok "8192 8192 ok" $((B + 5 * BP)) 8192
grew online-timeout-memtotal "$m0" 8192

# --- the balancer's own steps: 24 MiB at a time, across holes ---------------
m0=$(memtotal_pages)
r0=$(dm hot_add_requests)
dm_cmd hot_add_step 24
a=$(dm assigned_mb)
ap=$(dm assigned_pages)
check balancer-steps dm_target $((a + 96))
echo "balancer: $(($(dm hot_add_requests) - r0)) requests, last $(dm last_request) at $(dm last_hot_add)"
check balancer-steps-several [ $(($(dm hot_add_requests) - r0)) -ge 4 ]
check balancer-not-stopped [ "$(dm hot_add_stopped)" = 0 ]
grew balancer-memtotal "$m0" $(((a + 96) * 256 - ap))

check host-guest-agree [ "$(dm_status pages_added)" = "$(dm hot_added_pages)" ]
check no-protocol-errors [ "$(dm protocol_errors)" = 0 ]
lis_unload lis_balloon lis_sim lis_vmbus
dmesg_clean

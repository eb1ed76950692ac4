# SPDX-License-Identifier: GPL-2.0-only
#
# lis_balloon's hot-add, driven by hand through lis_sim's DM host: a
# request in the region form adds one 128 MiB block, onlined, and MemTotal
# grows by it; the range-only form adds two more, with one add_memory()
# call; half a block backs half
# of a new block (pages_added counts the half the host backed, not the
# block), and the next half fills the gap in the block already online;
# with the onlining policy switched to "offline" the next block never
# comes online: the driver says why once, takes the block away and
# answers "try again later" (result 0), keeps hot-add advertised, and
# once onlining is back the host's retry adds the block; unloading the
# driver leaves the hot-added memory in use.  The host saw no protocol
# error throughout.  The guest has 2 GiB under QEMU, boots with mem=768M, and the host
# offers the 1 GiB at 1 GiB.
#
# lis-memory: 2G
# lis-cmdline: mem=768M memhp_default_state=online
# lis-timeout: 600

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh

mount -t debugfs none /sys/kernel/debug 2>/dev/null

lis_load lis_vmbus || exit 0
dm_start_manual dm_hotadd=1G@1G dm_startup_mb=768 dm_minimum_mb=512 \
	dm_maximum_mb=1792 || exit 0
check hot-add-advertised [ "$(sed -n 's/^capabilities *: //p' "$DM_STATUS")" = \
	"enabled hot_add" ]
echo "auto_online_blocks: $(cat /sys/devices/system/memory/auto_online_blocks)"
echo "block size: $(cat /sys/devices/system/memory/block_size_bytes)"

# --- region form: one block -----------------------------------------------
mt0=$(mem MemTotal)
dm_cmd hot_add_form region
dm_request hot_add 128
echo "--- after 128 MiB"; cat "$DM_STATUS"; echo "host: $(dm last_request)"
check region-added [ "$(dm_status pages_added)" = 32768 ]
check region-onlined [ "$(dm_status pages_onlined)" = 32768 ]
check region-host [ "$(dm hot_added_mb)" = 128 ]
mt1=$(mem MemTotal)
check region-memtotal-grew [ $((mt1 - mt0)) -ge 126 -a $((mt1 - mt0)) -le 128 ]

# --- range-only form: two more blocks -------------------------------------
# Added with one add_memory() (the kernel's fixed cost paid once): the
# function tracer counts the calls.
T=/sys/kernel/debug/tracing
echo add_memory >"$T/set_ftrace_filter"
echo function >"$T/current_tracer"
echo >"$T/trace"
echo 1 >"$T/tracing_on"
dm_cmd hot_add_form range
dm_request hot_add 256
echo 0 >"$T/tracing_on"
calls=$(grep -c ' add_memory <-' "$T/trace")
echo nop >"$T/current_tracer"
echo >"$T/set_ftrace_filter"
echo "host: $(dm last_request)"
check range-one-add-memory [ "$calls" = 1 ]
check range-added [ "$(dm_status pages_added)" = 98304 ]
check range-onlined [ "$(dm_status pages_onlined)" = 98304 ]
check range-host [ "$(dm hot_added_mb)" = 384 ]
mt2=$(mem MemTotal)
check range-memtotal-grew [ $((mt2 - mt1)) -ge 254 -a $((mt2 - mt1)) -le 256 ]

# --- half a block, then the other half: a gap filled later ----------------
dm_request hot_add 64
echo "host: $(dm last_request)"
check half-block-added [ "$(dm_status pages_added)" = 114688 ]
check half-block-half-onlined [ "$(dm_status pages_onlined)" = 114688 ]
mt3=$(mem MemTotal)
check half-block-memtotal [ $((mt3 - mt2)) -ge 62 -a $((mt3 - mt2)) -le 64 ]
dm_request hot_add 64
echo "host: $(dm last_request)"
check gap-filled-no-new-block [ "$(dm_status pages_added)" = 131072 ]
check gap-filled-onlined [ "$(dm_status pages_onlined)" = 131072 ]
mt2=$(mem MemTotal)
check gap-filled-memtotal [ $((mt2 - mt3)) -ge 63 -a $((mt2 - mt3)) -le 64 ]

# The new memory is usable: fill most of it.
mkdir -p /mnt/t && mount -t tmpfs -o size=1g tmpfs /mnt/t
check use-hot-added dd if=/dev/zero of=/mnt/t/f bs=1M count=$((mt2 - 400))
rm -f /mnt/t/f

# --- onlining policy "offline": the driver says why, the host retries --
echo offline >/sys/devices/system/memory/auto_online_blocks
echo 2 >/sys/module/lis_balloon/parameters/online_timeout
dm_request hot_add 128
echo "host: $(dm last_request) stopped=$(dm hot_add_stopped)"
check offline-nothing-added [ "$(dm_status pages_added)" = 131072 ]
check offline-memtotal-same [ "$(mem MemTotal)" = "$mt2" ]
check offline-says-why sh -c "dmesg | grep -q 'hot-added memory is not onlined'"
check offline-block-removed sh -c "dmesg | grep -q 'not online after 2 s (removed: yes)'"
# A timeout is transient: result 0, "try again later"; hot-add stays on.
check offline-host-retries [ "$(dm last_request | cut -d' ' -f3-4)" = "0 retry" ]
check offline-host-not-stopped [ "$(dm hot_add_stopped)" = 0 ]
check offline-still-advertised [ "$(sed -n 's/^capabilities *: //p' "$DM_STATUS")" = \
	"enabled hot_add" ]
dm_request hot_add 128
check offline-again-retry [ "$(dm last_request | cut -d' ' -f3-4)" = "0 retry" ]
check offline-said-once [ "$(dmesg | grep -c 'hot-added memory is not onlined')" = 1 ]
# Onlining is back: the host's next try adds the block.
echo online >/sys/devices/system/memory/auto_online_blocks
dm_request hot_add 128
echo "host: $(dm last_request)"
check online-again-added [ "$(dm last_request | cut -d' ' -f2-4)" = "32768 32768 ok" ]
check online-again-pages [ "$(dm_status pages_added)" = 163840 ]
mt2=$(mem MemTotal)
check no-protocol-errors [ "$(dm protocol_errors)" = 0 ]

# --- unload: the memory stays ----------------------------------------------
lis_unload lis_balloon
check unload-memtotal-kept [ "$(mem MemTotal)" = "$mt2" ]
lis_unload lis_sim lis_vmbus
dmesg_clean

# SPDX-License-Identifier: GPL-2.0-only
#
# The Dynamic Memory host's example (Documentation/dynamic-memory.rst, "The
# simulated host"), asserted on both views at every step: the guest starts
# with its Startup memory; a memory load (a tmpfs file: committed memory)
# makes the balancer hot-add and the guest's MemTotal grows; the load ends
# and the balancer balloons: assigned memory falls, MemTotal stays at its
# high-water mark and "used" grows by the balloon; a bigger load refills
# the holes first and then hot-adds more.  The guest has 2 GiB under QEMU
# but boots with mem=768M; the host offers the 1 GiB at 1 GiB.
#
# lis-memory: 2G
# lis-cmdline: mem=768M memhp_default_state=online
# lis-timeout: 900

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh

lis_load lis_vmbus || exit 0
dm_seed_host

# lis_balloon's report delay is 45 s by default, as on Linux; 1 s here.
dm_guest_up || exit 0
dm_seed_up_and_grow || exit 0

# --- 2: the load ends: the host balloons ------------------------------------
dm_unload
sync
used0=$(guest_used)
dm_settle 60
dm_views idle2
b2=$(dm ballooned_mb)
check idle2-ballooned [ "$b2" -gt 0 ]
check idle2-assigned-fell [ "$(dm assigned_mb)" -lt $((768 + ha1)) ]
check idle2-assigned-sum [ "$(dm assigned_pages)" -eq \
	$(((768 + ha1) * 256 - $(dm ballooned_pages))) ]
check idle2-not-below-minimum [ "$(dm assigned_mb)" -ge 768 ]
check idle2-memtotal-high-water [ "$(mem MemTotal)" -eq "$mt1" ]
check idle2-used-grew-by-balloon [ $(($(guest_used) - used0)) -ge $((b2 - 24)) ]
check idle2-views-agree [ "$(guest_attr pages_ballooned)" = "$(dm ballooned_pages)" ]

# --- 3: a bigger load: holes first, then more hot-add -----------------------
unb0=$(dm unballoon_requests)
if dm_load_to 960; then ok load-960-written; else not_ok load-960-written; fi
dm_settle 60
dm_views load3
ha3=$(dm hot_added_mb)
check load3-holes-refilled [ "$(dm ballooned_pages)" = 0 ]
check load3-unballooned [ "$(dm unballoon_requests)" -gt "$unb0" ]
check load3-more-hot-added [ "$ha3" -gt "$ha1" ]
check load3-holes-before-hot-add [ "$(dm hot_add_over_holes)" = 0 ]
check load3-assigned [ "$(dm assigned_mb)" -eq $((768 + ha3)) ]
check load3-guest-memtotal [ $(($(mem MemTotal) - mt1)) -ge $((ha3 - ha1 - 2)) ]
check load3-views-agree [ "$(guest_attr pages_ballooned)" = 0 ]
dm_no_oom load3-no-oom

check no-protocol-errors [ "$(dm protocol_errors)" = 0 ]
check no-violations [ "$(dm violations)" = 0 ]
dm_unload
lis_unload lis_balloon
check closed-after-unload [ "$(dm state)" = closed ]
lis_unload lis_sim lis_vmbus
dmesg_clean

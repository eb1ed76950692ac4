# SPDX-License-Identifier: GPL-2.0-only
#
# The Dynamic Memory host's example of 30-dm-basic with the peer as the
# guest: Debian's stock hv_balloon.ko on lis_hvcompat, under lis_sim's
# automatic balancer (Documentation/testing.rst, "Peer drivers").  A
# memory load makes the host hot-add and MemTotal grows; the load ends and
# the host balloons (hv_balloon takes ballooned pages out of MemTotal, so
# the guest's total falls by the balloon); a bigger load refills the
# holes first and then hot-adds more.  Both views are compared at each
# step: lis_sim's and hv_balloon's own (debugfs hv-balloon).  On 6.12
# only, to keep make check's time: 60-peer-dm runs the same peer's
# requests on both kernels, and this scenario's two minutes add nothing
# a second kernel would change in the host.
#
# lis-series: 6.12
# lis-memory: 2G
# lis-cmdline: mem=768M memhp_default_state=online
# lis-timeout: 900
# lis-peer: hv_balloon

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh
# shellcheck source=tests/integration/peer-lib.sh
. /lis/peer-lib.sh

# peer_attr KEY: a value of hv_balloon's debugfs file.
peer_attr()
{
	sed -n "s/^$1 *: *\([0-9]*\).*/\1/p" /sys/kernel/debug/hv-balloon
}

lis_load lis_vmbus || exit 0
dm_seed_host

lis_load lis_hvcompat || exit 0
# hv_balloon's report delay is 45 s by default; 1 s here.
peer_load hv_balloon pressure_report_delay=1 || exit 0
dm_seed_up_and_grow || exit 0

# --- 2: the load ends: the host balloons ------------------------------------
dm_unload
sync
dm_settle 60
dm_views idle2
b2=$(dm ballooned_mb)
check idle2-ballooned [ "$b2" -gt 0 ]
check idle2-assigned-fell [ "$(dm assigned_mb)" -lt $((768 + ha1)) ]
check idle2-assigned-sum [ "$(dm assigned_pages)" -eq \
	$(((768 + ha1) * 256 - $(dm ballooned_pages))) ]
check idle2-not-below-minimum [ "$(dm assigned_mb)" -ge 768 ]
check idle2-memtotal-fell-by-balloon [ $((mt1 - $(mem MemTotal))) -ge $((b2 - 2)) ]
check idle2-views-agree [ "$(peer_attr pages_ballooned)" = "$(dm ballooned_pages)" ]

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
check load3-views-agree [ "$(peer_attr pages_ballooned)" = 0 ]
dm_no_oom load3-no-oom

check no-protocol-errors [ "$(dm protocol_errors)" = 0 ]
check no-violations [ "$(dm violations)" = 0 ]
dm_unload
dmesg_clean

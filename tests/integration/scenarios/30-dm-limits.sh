# SPDX-License-Identifier: GPL-2.0-only
#
# Dynamic Memory at its limits: a balloon request larger than the guest
# can give gets a partial answer and no process is killed; memory pressure
# from a second process while the host balloons kills nothing either
# while the demand stays under Maximum (the host unballoons and hot-adds
# in time); both hot-add forms (range alone, range and region) work, and
# a manual target that is not whole blocks leaves a gap that the next
# hot-add fills.
#
# lis-memory: 2G
# lis-cmdline: mem=768M memhp_default_state=online
# lis-timeout: 900

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh

lis_load lis_vmbus || exit 0
check load-sim insmod "$LIS_MODULES/lis_sim.ko" dm_devices=1 \
	dm_hotadd=1G@1G dm_minimum_mb=128 dm_maximum_mb=1792 \
	dm_target_mb=768 dm_info_delay_ms=200
dm_guest_up || exit 0
if ! dm_up 60; then
	not_ok host-ready "$(cat "$SIM/dm")" "$(dmesg | tail -n 20)"
	exit 0
fi
ok host-ready

# --- more than the guest has ------------------------------------------------
used0=$(guest_used)
dm_cmd balloon 196608
wait_for 300 dm_idle
dm_views too-much
# shellcheck disable=SC2046 # five words: type asked done result ms
set -- $(dm last_request)
check too-much-answered [ "$1" = balloon ]
check too-much-in-time [ "$4" != timeout ]
check too-much-partial [ "$4" = partial ]
check too-much-gave-some [ "$3" -gt 0 ]
check too-much-not-all [ "$3" -lt 196608 ]
check too-much-counted [ "$(dm ballooned_pages)" = "$3" ]
check too-much-views-agree [ "$(guest_attr pages_ballooned)" = "$3" ]
check too-much-used-grew [ $(($(guest_used) - used0)) -ge $(($3 / 256 - 24)) ]
dm_no_oom too-much-no-oom
check too-much-guest-alive sh -c 'echo alive >/tmp/alive && grep -q alive /tmp/alive'
got=$3
dm_cmd unballoon "$got"
wait_for 120 dm_idle
check all-back [ "$(dm last_request | cut -d' ' -f1,3,4)" = "unballoon $got ok" ]
check all-back-counted [ "$(dm ballooned_pages)/$(guest_attr pages_ballooned)" = 0/0 ]

# --- both hot-add forms, and a gap --------------------------------------------
mt0=$(mem MemTotal)
check form-range dm_cmd hot_add_form range
check hot-add-range-form dm_target 896
check range-form-added [ "$(dm hot_added_mb)" = 128 ]
check range-form-memtotal [ $(($(mem MemTotal) - mt0)) -ge 126 ]
check form-region dm_cmd hot_add_form region
# 960 = 896 + half a block: the guest adds the block, backs half of it.
check hot-add-half dm_target 960
check half-added [ "$(dm hot_added_mb)" = 192 ]
check half-memtotal [ $(($(mem MemTotal) - mt0)) -ge 190 ]
check half-memtotal-not-more [ $(($(mem MemTotal) - mt0)) -le 194 ]
check hot-add-gap dm_target 1024
check gap-filled [ "$(dm hot_added_mb)" = 256 ]
check gap-memtotal [ $(($(mem MemTotal) - mt0)) -ge 254 ]
check gap-last-ok [ "$(dm last_request | cut -d' ' -f1,4)" = "hot_add ok" ]

# --- pressure while the host balloons -------------------------------------------
# Automatic mode, Minimum 256: the idle guest is ballooned down; meanwhile
# a process fills 1 GiB of tmpfs.  Demand stays under Maximum (1792).
check set-minimum dm_cmd minimum 256
check auto dm_cmd auto
wait_for 30 [ "$(dm balloon_requests)" -ge 2 ]
check balloon-started [ "$(dm balloon_requests)" -ge 2 ]
(
	mkdir -p /mnt/dmload && mount -t tmpfs -o size=4g tmpfs /mnt/dmload &&
	n=0 &&
	while [ "$n" -lt 32 ]; do
		dd if=/dev/zero of="$DM_LOAD" bs=1M count=32 seek=$((n * 32)) \
			conv=notrunc 2>/dev/null || exit 1
		n=$((n + 1))
		sleep 1
	done
) &
loader=$!
if wait $loader; then ok pressure-load-written; else not_ok pressure-load-written; fi
dm_settle 60
dm_views pressure
check pressure-file-complete [ "$(stat -c %s "$DM_LOAD")" = $((1024 << 20)) ]
check pressure-covered [ "$(dm assigned_mb)" -ge 1024 ]
check pressure-holes-first [ "$(dm hot_add_over_holes)" = 0 ]
dm_no_oom pressure-no-oom
dm_unload

check no-protocol-errors [ "$(dm protocol_errors)" = 0 ]
check no-violations [ "$(dm violations)" = 0 ]
lis_unload lis_balloon lis_sim lis_vmbus
dmesg_clean

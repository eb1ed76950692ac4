# SPDX-License-Identifier: GPL-2.0-only
#
# Dynamic Memory bookkeeping over time: 100 balloon/unballoon cycles leak
# no page (the host's and the guest's counts agree after every cycle, the
# host's pattern checks pass, and once the per-CPU page lists have grown
# the guest's free memory stays put); unloading lis_balloon while pages
# are ballooned gives none of them back (the host keeps them, their
# patterns intact); a host that speaks only DM 1.0 or 0.3 makes the guest
# fall back to it.
#
# lis-memory: 2G
# lis-cmdline: mem=768M memhp_default_state=online
# lis-timeout: 900

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh

SIMKO=$LIS_MODULES/lis_sim.ko

# up <lis_sim args...>: the host with those settings, lis_balloon bound.
up()
{
	insmod "$SIMKO" dm_devices=1 dm_minimum_mb=128 dm_target_mb=768 \
		dm_info_delay_ms=200 "$@" &&
		insmod "$LIS_MODULES/lis_balloon.ko" report_delay=1 &&
		dm_up 60
}

# req <balloon|unballoon> <pages>: one request, answered in full.
req()
{
	dm_cmd "$1" "$2" && wait_for 60 dm_idle &&
		[ "$(dm last_request | cut -d' ' -f1,3,4)" = "$1 $2 ok" ]
}

lis_load lis_vmbus || exit 0
if up; then ok host-ready; else
	not_ok host-ready "$(cat "$SIM/dm" 2>&1)" "$(dmesg | tail -n 20)"
	exit 0
fi
wait_for 10 [ "$(dm reports)" -ge 1 ]

# free_slab_kb: free_kb (dm-lib.sh) plus slab: what a leaked page would
# take away (the shell's own slab churn is not the balloon's).
free_slab_kb()
{
	echo $(($(free_kb) + $(sed -n 's/^Slab: *\([0-9]*\) kB/\1/p' /proc/meminfo)))
}

# --- 100 cycles of 32 MiB -----------------------------------------------------
n=0
bad=""
while [ $n -lt 100 ]; do
	# The first 40 let the balloon's own structures reach their size.
	[ $n -eq 40 ] && free0=$(free_slab_kb) && cp /proc/meminfo /tmp/meminfo0
	if ! req balloon 8192; then
		bad="cycle $n: balloon: $(dm last_request)"
		break
	fi
	if [ "$(guest_attr pages_ballooned)" != 8192 ] ||
		[ "$(dm ballooned_pages)" != 8192 ]; then
		bad="cycle $n: guest $(guest_attr pages_ballooned), host $(dm ballooned_pages) pages ballooned"
		break
	fi
	if ! req unballoon 8192; then
		bad="cycle $n: unballoon: $(dm last_request)"
		break
	fi
	if [ "$(guest_attr pages_ballooned)" != 0 ] ||
		[ "$(dm ballooned_pages)" != 0 ]; then
		bad="cycle $n: guest $(guest_attr pages_ballooned), host $(dm ballooned_pages) pages left ballooned"
		break
	fi
	n=$((n + 1))
done
if [ -z "$bad" ]; then ok cycles-100; else not_ok cycles-100 "$bad"; fi
check cycles-requests [ "$(dm balloon_requests)/$(dm unballoon_requests)" = 100/100 ]
check cycles-assigned [ "$(dm assigned_mb)" = 768 ]
free1=$(free_slab_kb)
echo "free (with per-CPU lists) + slab ${free0:-?} -> $free1 KiB over the last 60 cycles"
paste /tmp/meminfo0 /proc/meminfo | awk '$2 != $5 { print "meminfo:", $1, $2, "->", $5 }'
# The balloon moves 32 MiB a cycle: a leak of even 1 % of it is 19 MiB.
check cycles-no-leak [ $((${free0:-0} - free1)) -lt 4096 ]
check cycles-no-violations [ "$(dm violations)/$(dm protocol_errors)" = 0/0 ]

# --- the host catches a guest that writes to a ballooned page -----------------
check small-balloon req balloon 256
check scribble dm_cmd scribble
check small-unballoon req unballoon 256
check violation-counted [ "$(dm violations)" = 1 ]
check violation-logged sh -c 'dmesg | grep -q "dm: violation: ballooned page"'
dm_refuses scribble-nothing-ballooned dm_cmd scribble

# --- unload while ballooned: the host keeps the pages ------------------------
check balloon-256m req balloon 65536
free0=$(mem MemFree)
check unload-with-balloon rmmod lis_balloon
check host-closed [ "$(dm state)" = closed ]
check host-balloon-kept [ "$(dm ballooned_pages)/$(dm kept_on_close_pages)" = 65536/65536 ]
free1=$(mem MemFree)
echo "MemFree $free0 -> $free1 MiB after unloading with 256 MiB ballooned"
check unload-pages-not-back [ $((free1 - free0)) -lt 32 ]
check unload-said sh -c "dmesg | grep -q '65536 ballooned pages (256 MiB) stay with the host'"
dm_cmd verify_now
check unload-no-new-violations [ "$(dm violations)" = 1 ]
lis_unload lis_sim

# --- older hosts --------------------------------------------------------------
for v in 1.0 0.3; do
	if up dm_version=$v; then
		check "version-fallback-$v" [ "$(dm version)" = $v ]
		check "works-at-$v" req balloon 4096
		check "unballoon-at-$v" req unballoon 4096
		lis_unload lis_balloon lis_sim
	else
		not_ok "version-fallback-$v" "$(cat "$SIM/dm" 2>&1)" "$(dmesg | tail -n 10)"
		rmmod lis_balloon 2>/dev/null
		rmmod lis_sim 2>/dev/null
	fi
done
lis_unload lis_vmbus
dm_no_oom no-oom
dmesg_clean

# SPDX-License-Identifier: GPL-2.0-only
#
# The peer for Dynamic Memory: Debian's own hv_balloon.ko, unmodified, on
# lis_hvcompat, against lis_sim's DM host (Documentation/testing.rst,
# "Peer drivers").  Where the two disagree, lis_sim is wrong until shown
# otherwise.  The host is held in manual mode, so only the scenario's
# requests move memory.  What the peer sends is read from lis_sim's byte
# capture: its version request and capabilities as sent; then pressure
# reports every second, a balloon request (the pages leave: MemFree
# falls), an unballoon (they come back, lis_sim's pattern checks find
# them untouched), and a hot-add (MemTotal grows).  hv_balloon has no
# module_exit: it stays loaded to the end.
#
# lis-memory: 2G
# lis-cmdline: mem=768M memhp_default_state=online
# lis-timeout: 600
# lis-peer: hv_balloon

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh
# shellcheck source=tests/integration/peer-lib.sh
. /lis/peer-lib.sh

# dm_request_peer CMD ARG: a host command, then wait until the host is idle.
dm_request_peer()
{
	dm_cmd "$@" && sleep 0.5 && wait_for 60 dm_idle
}

lis_load lis_vmbus || exit 0
check load-sim insmod "$LIS_MODULES/lis_sim.ko" capture=1 dm_devices=1 \
	dm_hotadd=1G@1G dm_startup_mb=768 dm_minimum_mb=512 \
	dm_maximum_mb=1792 dm_info_delay_ms=1000
wait_for 20 dm_dev
check dm-device-offered dm_dev
dm_cmd target "$(dm assigned_mb)"
lis_load lis_hvcompat || exit 0
check hv-device [ -n "$(find /sys/bus/vmbus/devices -mindepth 1 -maxdepth 1)" ]
peer_load hv_balloon pressure_report_delay=1 || exit 0
check hv-balloon-bound peer_bound hv_balloon
if ! wait_for 60 dm_ready; then
	not_ok host-ready "the DM protocol did not reach 'ready'" \
		"$(cat "$SIM/dm")" "$(dmesg | tail -n 20)"
	exit 0
fi
ok host-ready

# --- what the peer sends at start ------------------------------------------
# hv_balloon asks for the newest version first (2.0, Windows 10 hosts).
ver=$(peer_dm_first g2h VERSION_REQUEST)
echo "peer: $ver"
check version-request-sent [ -n "$ver" ]
check version-request-2.0 [ "$(peer_field "$ver" w8)" = $((2 << 16)) ]
check version-request-size [ "$(peer_field "$ver" size)" = 16 ]
check version-agreed-2.0 [ "$(dm version)" = 2.0 ]
check peer-says-2.0 peer_dmesg_has "Using Dynamic Memory protocol version 2.0"
# Capabilities: balloon, hot-add, alignment = log2 of the memory block in
# MiB (128 MiB on x86_64: 7); min_page_cnt 0, max_page_number (a u64: the
# message is 32 bytes) all ones.
caps=$(peer_dm_first g2h CAPABILITIES_REPORT)
echo "peer: $caps"
c=$(peer_field "$caps" q8)
check caps-size [ "$(peer_field "$caps" size)" = 32 ]
check caps-balloon [ $((c & 1)) = 1 ]
check caps-hot-add [ $(((c >> 1) & 1)) = 1 ]
check caps-alignment-128M [ $(((c >> 2) & 15)) = 7 ]
check caps-min-pages-0 [ "$(peer_field "$caps" q16)" = 0 ]
check caps-max-page-number [ "$(peer_field "$caps" x24)" = ffffffffffffffff ]
check host-block-128 [ "$(dm block_mb)" = 128 ]

# --- pressure reports, one a second -----------------------------------------
wait_for 30 [ "$(dm reports)" -ge 2 ]
r0=$(dm reports)
sleep 10
r1=$(dm reports)
echo "peer: $((r1 - r0)) reports in 10 s"
check reports-every-second peer_between $((r1 - r0)) 8 12
st=$(peer_dm_msgs g2h | grep '^STATUS_REPORT ' | tail -n 1)
echo "peer: $st"
check status-size [ "$(peer_field "$st" size)" = 48 ]
check host-demand-known [ "$(dm committed_mb)" -gt 0 ]

# --- a balloon request: the pages leave --------------------------------------
dm_settle 20
free0=$(free_kb)
total0=$(mem MemTotal)
dm_request_peer balloon 32768
dm_views balloon
echo "peer: last_request $(dm last_request)"
check host-ballooned [ "$(dm ballooned_pages)" = 32768 ]
check balloon-answered-ok [ "$(dm last_request | cut -d' ' -f4)" = ok ]
free1=$(free_kb)
echo "peer: free $free0 -> $free1 kB"
check memfree-fell [ $((free0 - free1)) -ge $((120 * 1024)) ]
echo "peer: MemTotal $total0 -> $(mem MemTotal) MiB while ballooned"

# --- unballoon: the pages come back -------------------------------------------
dm_request_peer unballoon 32768
dm_views unballoon
check host-balloon-empty [ "$(dm ballooned_pages)" = 0 ]
check unballoon-answered-ok [ "$(dm last_request | cut -d' ' -f4)" = ok ]
free2=$(free_kb)
echo "peer: free $free1 -> $free2 kB"
check memfree-back [ $((free2 - free1)) -ge $((120 * 1024)) ]
check memtotal-back [ "$(mem MemTotal)" -ge $((total0 - 2)) ]
check pages-untouched [ "$(dm violations)" = 0 ]

# --- hot-add: MemTotal grows --------------------------------------------------
mt0=$(mem MemTotal)
dm_request_peer hot_add 256
dm_views hot_add
check host-hot-added [ "$(dm hot_added_mb)" = 256 ]
check hot-add-answered-ok [ "$(dm last_request | cut -d' ' -f4)" = ok ]
wait_for 10 [ $(($(mem MemTotal) - mt0)) -ge 254 ]
check memtotal-grew peer_between $(($(mem MemTotal) - mt0)) 254 258

echo "peer: guest-to-host DM packets:"
peer_dm_msgs g2h | grep -v '^STATUS_REPORT ' | sed 's/^/peer: g2h /'
echo "peer: host-to-guest DM packets:"
peer_dm_msgs h2g | sed 's/^/peer: h2g /'
check no-protocol-errors [ "$(dm protocol_errors)" = 0 ]
check no-violations [ "$(dm violations)" = 0 ]
dmesg_clean

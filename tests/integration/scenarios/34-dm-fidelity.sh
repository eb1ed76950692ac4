# SPDX-License-Identifier: GPL-2.0-only
#
# lis_balloon against a host that behaves as real hosts do, and against
# the host faults lis_sim can play (Documentation/simulator.rst, DM):
#
# - status reports: once a second, num_avail = MemAvailable as it is, and
#   num_committed = Committed_AS + balloon + not-online + Linux's floor,
#   which rises by N (not 2N) when N pages are ballooned, with
#   accounting=used and accounting=total, and so does lis's own figure
#   (report=lis) in both;
# - host messages longer than their fields are answered;
# - a BALLOON or HOT_ADD request sent twice is answered twice;
# - a returned range the guest never ballooned (shifted or foreign) is
#   refused: counted, logged, balloon unchanged, nothing freed;
# - an unballoon in 1-page pieces with gaps (510-range chains splitting
#   2 MiB blocks) frees exactly the pages returned;
# - a version or capabilities response left unanswered fails the probe in
#   bounded time, and the driver probes again afterwards; a delayed one
#   is waited for;
# - unloading lis_balloon, or a rescind, with pages ballooned gives none
#   of them back to the guest: the host still holds them, their patterns
#   hold under memory churn, and the next driver refuses them when the
#   host returns them.
#
# lis-memory: 2G
# lis-cmdline: mem=768M memhp_default_state=online
# lis-timeout: 900

# shellcheck source=tests/integration/dm-lib.sh
. /lis/dm-lib.sh

mount -t debugfs none /sys/kernel/debug 2>/dev/null

counter()
{
	cat "$(dm_dev)/balloon/$1"
}

# within V LO HI: LO <= V <= HI.
within()
{
	[ "$1" -ge "$2" ] && [ "$1" -le "$3" ]
}

# formula_gap: |committed - (Committed_AS + ballooned + not-online +
# floor(MemTotal))| in pages, as dynamic-memory.rst documents it.
formula_gap()
{
	local c f

	c=$(dm_status total_pages_committed)
	f=$(($(kb Committed_AS) / 4 + $(dm_status pages_ballooned) +
		$(dm_status pages_added) - $(dm_status pages_onlined) +
		$(linux_floor $(($(kb MemTotal) / 4)))))
	echo "committed $c, formula $f" >&2
	[ "$c" -ge "$f" ] && echo $((c - f)) || echo $((f - c))
}

# rise NAME PAGES: ballooning PAGES raises the committed figure by about
# PAGES (less what Linux's floor loses when MemTotal shrinks), not 2x.
rise()
{
	local c0 c1 d

	wait_for 30 dm_both_idle
	c0=$(dm_status total_pages_committed)
	dm_request balloon "$2"
	c1=$(dm_status total_pages_committed)
	d=$((c1 - c0))
	echo "$1: committed $c0 -> $c1 (+$d) for $2 ballooned pages"
	# N, not 2N (counted twice) and not 0 (not counted); less than N as
	# the floor falls with MemTotal, or when the allocator reclaimed page
	# cache for the balloon (seen: 0.74 N with lis's figures under load).
	check "$1-committed-rises-once" within "$d" $(($2 / 2)) $(($2 + 2048))
	# report=linux's formula; lis's own (report=lis) is checked by its rise.
	[ "${3:-}" = lis ] ||
		check "$1-committed-formula" [ "$(formula_gap)" -le 1024 ]
}

# fill MB: write and remove a tmpfs file: the allocator hands out (and
# the file zeroes) most free pages, so a page freed wrongly gets written.
fill()
{
	mkdir -p /mnt/fill
	mountpoint -q /mnt/fill || mount -t tmpfs -o size=2g tmpfs /mnt/fill
	dd if=/dev/zero of=/mnt/fill/f bs=1M count="$1" 2>/dev/null
	rm -f /mnt/fill/f
}

fill_free()
{
	fill $(($(mem MemAvailable) - 160))
}

lis_load lis_vmbus || exit 0
dm_start_manual dm_minimum_mb=128 dm_hotadd=512M@1G dm_info_delay_ms=200 ||
	exit 0
dm_cmd timeout 15000
check report-default-linux [ "$(cat /sys/module/lis_balloon/parameters/report)" = linux ]
wait_for 10 [ "$(dm reports)" -ge 3 ]

# --- status reports: cadence and raw num_avail -------------------------------
# Reclaim runs (drop_caches and a file): lis's own reports would come early.
dm_cmd reports_reset
r0=$(dm reports)
mkdir -p /mnt/p && mount -t tmpfs -o size=256m tmpfs /mnt/p
i=0
while [ $i -lt 6 ]; do
	dd if=/dev/zero of=/mnt/p/f bs=1M count=32 2>/dev/null
	echo 2 >/proc/sys/vm/drop_caches
	rm -f /mnt/p/f
	sleep 1
	i=$((i + 1))
done
umount /mnt/p
r1=$(dm reports)
echo "reports: $((r1 - r0)) in about 6 s; between two: $(dm report_min_ms)-$(dm report_max_ms) ms"
check report-cadence-kept [ "$((r1 - r0))" -ge 4 ]
check report-not-early [ "$(dm report_min_ms)" -ge 900 ]
check report-not-late [ "$(dm report_max_ms)" -le 3000 ]
check report-no-pressure-reports [ "$(counter pressure_reports)" = 0 ]
# num_avail is MemAvailable: read both around one report.
n=$(dm reports)
wait_for 5 [ "$(dm reports)" -gt "$n" ]
a_guest=$(($(kb MemAvailable) / 4))
a_host=$(dm avail_pages)
echo "num_avail $a_host pages, MemAvailable $a_guest pages"
check report-avail-raw within $((a_host - a_guest)) -4096 4096
check report-committed-formula [ "$(formula_gap)" -le 1024 ]

# --- committed rises by N, not 2N (accounting=used) ---------------------------
rise used 16384
dm_request unballoon 16384
check used-unballoon [ "$(dm_status pages_ballooned)" = 0 ]

# --- host messages longer than their fields ------------------------------------
m0=$(counter malformed)
dm_cmd pad 24
check padded-balloon dm_request balloon 256
check padded-balloon-done [ "$(dm last_request | cut -d' ' -f1,3,4)" = "balloon 256 ok" ]
check padded-unballoon dm_request unballoon 256
check padded-unballoon-done [ "$(dm last_request | cut -d' ' -f1,3,4)" = "unballoon 256 ok" ]
check padded-not-malformed [ "$(counter malformed)" = "$m0" ]
dm_cmd pad 0

# --- a request sent twice is answered twice -------------------------------------
b0=$(dm balloon_answers)
dm_cmd fault balloon dup
# 64 MiB each: the guest's balloon work (on an unbound workqueue) takes
# long enough that the second request, read right after the first, finds
# it still running and waits in the queue.
dm_request balloon 16384
check dup-balloon-answered-twice [ "$(dm balloon_answers)" = $((b0 + 2)) ]
check dup-balloon-queued [ "$(counter queued)" -ge 1 ]
check dup-balloon-both-sides [ "$(dm_status pages_ballooned)" = "$(dm ballooned_pages)" ]
check dup-balloon-pages [ "$(dm ballooned_pages)" = 32768 ]
dm_request unballoon 32768
check dup-balloon-back [ "$(dm_status pages_ballooned)/$(dm ballooned_pages)" = 0/0 ]
h0=$(dm hot_add_answers)
dm_cmd fault hot_add dup
dm_request hot_add 128
check dup-hot-add-answered-twice [ "$(dm hot_add_answers)" = $((h0 + 2)) ]
check dup-no-timeout sh -c "! dmesg | grep -q 'did not answer'"

# --- ranges the guest never ballooned are refused ------------------------------
dm_request balloon 4096
j0=$(counter unballoon_rejected)
free0=$(mem MemFree)
for how in shifted foreign; do
	check "bad-$how-sent" dm_cmd bad_unballoon $how
	wait_for 30 dm_both_idle
done
check bad-refused-counted [ "$(counter unballoon_rejected)" = $((j0 + 2)) ]
check bad-refused-logged sh -c "dmesg | grep -q 'were not ballooned: refused'"
check bad-balloon-unchanged [ "$(dm_status pages_ballooned)/$(dm ballooned_pages)" = 4096/4096 ]
check bad-nothing-freed [ $(($(mem MemFree) - free0)) -lt 8 ]
fill_free
dm_cmd verify_now
check bad-pages-untouched [ "$(dm violations)" = 0 ]
dm_request unballoon 4096
check bad-then-all-back [ "$(dm_status pages_ballooned)/$(dm ballooned_pages)" = 0/0 ]

# --- 510-range chains that split 2 MiB blocks ------------------------------------
dm_request balloon 8192
u0=$(dm unballoon_requests)
dm_cmd unballoon_shape 1 1
dm_request unballoon 4096
dm_cmd unballoon_shape 0 0
echo "pieces: $(dm last_request); guest $(dm_status pages_ballooned), host $(dm ballooned_pages)"
check pieces-answered [ "$(dm last_request | cut -d' ' -f1,3,4)" = "unballoon 4096 ok" ]
check pieces-both-sides [ "$(dm_status pages_ballooned)/$(dm ballooned_pages)" = 4096/4096 ]
check pieces-none-refused [ "$(counter unballoon_rejected)" = $((j0 + 2)) ]
fill_free
dm_cmd verify_now
check pieces-held-untouched [ "$(dm violations)" = 0 ]
dm_request unballoon 4096
check pieces-rest-back [ "$(dm_status pages_ballooned)/$(dm ballooned_pages)" = 0/0 ]
check pieces-no-violations [ "$(dm violations)/$(dm protocol_errors)" = 0/0 ]
echo "unballoon messages: $u0 -> $(dm unballoon_requests)"

# --- version and capabilities responses left unanswered, or late ------------------
# probe_fails FAULT WORDS: with that response dropped, the probe gives up
# in bounded time (5 s per question) and says so with WORDS.
probe_fails()
{
	local what=$1 t0 t1

	lis_unload lis_balloon
	dm_cmd fault "$what" drop
	t0=$(date +%s)
	insmod "$LIS_MODULES/lis_balloon.ko" report_delay=1
	wait_for 30 sh -c "dmesg | grep -q '$2'"
	t1=$(date +%s)
	echo "$what dropped: the probe gave up after $((t1 - t0)) s"
	check "$what-unanswered-said" sh -c "dmesg | grep -q '$2'"
	check "$what-unanswered-bounded" [ $((t1 - t0)) -le 15 ]
	wait_for 10 [ "$(dm state)" = closed ]
	check "$what-unanswered-host-closed" [ "$(dm state)" = closed ]
	check "$what-unanswered-unbound" [ ! -e "$(dm_dev)/driver" ]
}
probe_fails version_response 'no answer to version 2.0'
probe_fails caps_response 'no answer to the capabilities report'
lis_unload lis_balloon
check reprobe insmod "$LIS_MODULES/lis_balloon.ko" report_delay=1
check reprobe-ready wait_for 30 dm_both_ready
lis_unload lis_balloon
dm_cmd fault version_response delay 1500
dm_cmd pad 16
check delayed-version insmod "$LIS_MODULES/lis_balloon.ko" report_delay=1
check delayed-version-ready wait_for 30 dm_both_ready
check padded-negotiation [ "$(dm_status host_version)" = 2.0 ]
dm_cmd pad 0

# --- unload with pages ballooned: none comes back ---------------------------------
dm_request balloon 16384
check unload-ballooned-first [ "$(dm_status pages_ballooned)/$(dm ballooned_pages)" = 16384/16384 ]
free0=$(mem MemFree)
total0=$(mem MemTotal)
lis_unload lis_balloon
free1=$(mem MemFree)
echo "unload with 64 MiB ballooned: MemFree $free0 -> $free1 MiB, MemTotal $total0 -> $(mem MemTotal) MiB"
# Freed, the 64 MiB would show; the unload itself (the module's memory,
# per-CPU page lists drained) has moved MemFree by up to 16 MiB.
check unload-pages-kept [ $((free1 - free0)) -lt 32 ]
check unload-memtotal-same [ "$(mem MemTotal)" = "$total0" ]
check unload-said sh -c "dmesg | grep -q '16384 ballooned pages (64 MiB) stay with the host'"
check unload-host-holds [ "$(dm ballooned_pages)/$(dm kept_on_close_pages)" = 16384/16384 ]
fill_free
dm_cmd verify_now
check unload-pages-untouched [ "$(dm violations)" = 0 ]

# The next driver (accounting=total) refuses the pages it never had.
check reload-total insmod "$LIS_MODULES/lis_balloon.ko" report_delay=1 accounting=total
check reload-total-ready wait_for 30 dm_both_ready
j0=$(counter unballoon_rejected)
free0=$(mem MemFree)
dm_request unballoon 16384
check returned-to-other-driver-refused [ "$(counter unballoon_rejected)" -gt "$j0" ]
check returned-to-other-driver-not-freed [ $(($(mem MemFree) - free0)) -lt 16 ]
check returned-patterns-held [ "$(dm violations)" = 0 ]

# --- committed rises by N, not 2N (accounting=total) --------------------------------
rise total 16384
dm_request unballoon 16384
check total-unballoon [ "$(dm_status pages_ballooned)" = 0 ]

# --- lis's own figures (report=lis) count the balloon once too -----------------------
for acct in used total; do
	lis_unload lis_balloon
	check "reload-lis-$acct" insmod "$LIS_MODULES/lis_balloon.ko" report_delay=1 \
		report=lis accounting=$acct
	check "reload-lis-$acct-ready" wait_for 30 dm_both_ready
	rise "lis-$acct" 16384 lis
	dm_request unballoon 16384
	check "lis-$acct-unballoon" [ "$(dm_status pages_ballooned)" = 0 ]
done

# --- rescind with pages ballooned ----------------------------------------------------
dm_request balloon 8192
check rescind-ballooned-first [ "$(dm_status pages_ballooned)/$(dm ballooned_pages)" = 8192/8192 ]
free0=$(mem MemFree)
relid=$(cat "$(dm_dev)/relid")
echo "$relid" >"$SIM/rescind"
wait_for 20 [ "$(dm state)" = closed ]
sleep 1
check rescind-pages-kept [ $(($(mem MemFree) - free0)) -lt 16 ]
check rescind-said sh -c "dmesg | grep -q '8192 ballooned pages (32 MiB) stay with the host'"
check rescind-host-holds [ "$(dm ballooned_pages)" = 8192 ]
echo dm >"$SIM/offer"
check reoffer-ready wait_for 60 dm_both_ready
dm_cmd target "$(dm assigned_mb)"
dm_cmd verify_now
check rescind-pages-untouched [ "$(dm violations)" = 0 ]
# The new device takes them over (hv_balloon's count outlives an unbind
# too), reports them, and takes them back when the host returns them.
check reoffer-took-over sh -c "dmesg | grep -q 'took over 8192 ballooned pages'"
check reoffer-counts-them [ "$(dm_status pages_ballooned)" = 8192 ]
j0=$(counter unballoon_rejected)
total0=$(mem MemTotal)
dm_request unballoon 8192
total1=$(mem MemTotal)
echo "returned to the next device (accounting=total): MemTotal $total0 -> $total1 MiB"
check reoffer-returned-accepted [ "$(counter unballoon_rejected)" = "$j0" ]
check reoffer-returned-freed [ $((total1 - total0)) = 32 ]
check reoffer-balloon-empty [ "$(dm_status pages_ballooned)/$(dm ballooned_pages)" = 0/0 ]
check no-protocol-errors [ "$(dm protocol_errors)" = 0 ]

dm_no_oom no-oom
lis_unload lis_balloon lis_sim lis_vmbus
dmesg_clean

#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: every benchmark scenario in tests/bench/, booted like an
# integration scenario on the stock kernels LIS_BENCH_KERNEL names (default
# 6.12; e.g. "6.1 6.12"), one guest at a time, each kernel's "lis-bench
# <name> key=value..." console lines turned into
# build/bench/results-<series>.json, the first kernel's also into
# build/bench/results.json.  Each figure is reported with the physical limit
# measured in the same run and the ratio (1.0 = at the limit).  Benchmarks
# print figures; they pass or fail only on correctness (every echoed byte
# verified), never on speed.

set -u
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

OUT=$LIS_ROOT/build/bench
mkdir -p "$OUT"

SERIES=${LIS_BENCH_KERNEL:-6.12}
LIS_GUESTS=1 LIS_KERNELS=$SERIES \
LIS_SCENARIO_DIR=$LIS_ROOT/tests/bench \
LIS_TAP_LAYER=bench LIS_TAP_FILE=bench.tap \
	"$LIS_ROOT/scripts/run-integration.sh"
rc=$?

# ring_*: payload MiB/s round-tripped (out and back) against memcpy of the
# same bytes out and back, on the same CPU, in the same run; the median of
# the runs 10-ring makes (five), with the ratio's spread, and the median
# signals to the host and interrupts (callbacks) per packet.
# vss_*: ms of lis-vssd's freeze window and of the whole backup against
# fsfreeze --freeze and --unfreeze of the same file systems, same run
# (ratio = limit / ours: 1.0 = as fast as fsfreeze); with "peer" and
# "peer_ratio" (peer / lis) where 51-peer-vss measured the same with the
# stock hv_utils and hv_vss_daemon (its console is read first).
# dm_*: GiB/s through the whole Dynamic Memory protocol against the raw
# page allocation/free (balloon) or add_memory() (hot-add) in the same run,
# the medians of five rounds with their spread; with "peer" and
# "peer_ratio" (lis / peer) where 50-peer-dm measured the same with the
# stock hv_balloon (its console is read first).  The pressure figures of
# 21-dm-pressure and 52-peer-dm-pressure (report_cpu, hot_add_latency,
# unballoon_latency, balloon_avail_fall) have no limit, only the peer;
# their peer_ratio is above 1.0 when lis is better (peer / lis: lower is
# better for all four).
# bench_parse SERIES OUT: that kernel's consoles into OUT.
bench_parse()
{
	local c

	for c in 50-peer-dm 52-peer-dm-pressure 51-peer-vss 21-dm-pressure \
		 10-ring 20-dm 40-vss 41-vss-many; do
		cat "$LIS_LOGS/integration-$1-$c.console" 2>/dev/null
	done | tr -d '\r' |
awk -v out="$2" '
function val(key,   i, kv) {
	for (i = 3; i <= NF; i++) {
		split($i, kv, "=")
		if (kv[1] == key)
			return kv[2]
	}
	return ""
}
/^lis-bench ring_/ {
	name = $2
	if (!(name in nring))
		rorder[++nrnames] = name
	k = ++nring[name]
	mib = val("packets") * val("bytes") / 1048576
	rval[name, k] = mib / (val("ns") / 1e9)
	rlim[name, k] = mib / (val("memcpy_ns") / 1e9)
	rrat[name, k] = rval[name, k] / rlim[name, k]
	rsig[name, k] = val("signals_per_kpkt") / 1000
	rirq[name, k] = val("irqs_per_kpkt") / 1000
}
/^lis-bench peer_vss_/ {
	pvss[substr($2, 6)] = val("ms")
}
/^lis-bench vss_/ {
	name = $2
	ours = val("ms")
	limit = val("limit_ms")
	ratio = ours > 0 ? limit / ours : 0
	p = ""
	if (name in pvss && ours > 0)
		p = sprintf(", \"peer\": %d, \"peer_ratio\": %.4f", pvss[name], pvss[name] / ours)
	fig[++n] = sprintf("  \"%s\": {\"value\": %d, \"unit\": \"ms\", \"file_systems\": %d, \"limit\": %d, \"limit_what\": \"fsfreeze --freeze and --unfreeze of the same file systems, same run\", \"ratio\": %.4f%s}", name, ours, val("fs"), limit, ratio, p)
	printf "%-18s %6d ms   limit %6d ms   ratio %.4f", name, ours, limit, ratio
	if (name in pvss && ours > 0)
		printf "   peer %6d ms   peer_ratio %.4f", pvss[name], pvss[name] / ours
	printf "\n"
}
# rmedian(a, name, n): the median of a[name, 1..n] (n >= 1).
function rmedian(a, name, n,   i, v) {
	for (i = 1; i <= n; i++)
		v[i] = a[name, i]
	return median(v, n)
}
function ring_fig(name,   m, i, lo, hi, r) {
	m = nring[name]
	lo = hi = rrat[name, 1]
	for (i = 2; i <= m; i++) {
		lo = rrat[name, i] < lo ? rrat[name, i] : lo
		hi = rrat[name, i] > hi ? rrat[name, i] : hi
	}
	r = rmedian(rrat, name, m)
	fig[++n] = sprintf("  \"%s\": {\"value\": %.1f, \"unit\": \"MiB/s\", \"limit\": %.1f, \"limit_what\": \"memcpy of the same bytes out and back, fastest of 3 passes, same CPU, same run\", \"ratio\": %.4f, \"ratio_min\": %.4f, \"ratio_max\": %.4f, \"runs\": %d, \"signals_per_pkt\": %.3f, \"irqs_per_pkt\": %.3f}", name, rmedian(rval, name, m), rmedian(rlim, name, m), r, lo, hi, m, rmedian(rsig, name, m), rmedian(rirq, name, m))
	printf "%-18s %8.1f MiB/s   limit %8.1f MiB/s   ratio %.4f (%.4f-%.4f, %d runs)   signals/pkt %.3f   irqs/pkt %.3f\n", name, rmedian(rval, name, m), rmedian(rlim, name, m), r, lo, hi, m, rmedian(rsig, name, m), rmedian(rirq, name, m)
	if (hi > 1.0)
		printf "bench: %s: a ratio above 1.0 (%.4f): the limit measured is not the limit\n", name, hi
}
function gib(pages) {
	return pages * 4096 / 1073741824
}
# Sorts a[1..k] in place (k is small: the rounds of one figure).
function isort(a, k,   i, j, t) {
	for (i = 2; i <= k; i++) {
		t = a[i]
		for (j = i - 1; j >= 1 && a[j] > t; j--)
			a[j + 1] = a[j]
		a[j + 1] = t
	}
}
function median(a, k) {
	isort(a, k)
	return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
}
# One round of a DM figure: lis value, its limit in the same round.
function dm_round(name, value, limit) {
	k = ++rounds[name]
	rv[name, k] = value
	rl[name, k] = limit
}
function dm_peer_round(name, value) {
	k = ++prounds[name]
	pv[name, k] = value
}
# The median of the rounds, the median of the limits, the median of the
# per-round ratios, and the spread (lowest and highest) of each.
function dm(name, what,   k, i, v, l, r, p, value, limit, ratio, pmed, pk, pa, extra) {
	k = rounds[name]
	for (i = 1; i <= k; i++) {
		v[i] = rv[name, i]
		l[i] = rl[name, i]
		r[i] = rv[name, i] / rl[name, i]
	}
	value = median(v, k)
	limit = median(l, k)
	ratio = median(r, k)
	p = ""
	pk = prounds[name]
	if (pk > 0) {
		for (i = 1; i <= pk; i++)
			pa[i] = pv[name, i]
		pmed = median(pa, pk)
		p = sprintf(", \"peer\": %.3f, \"peer_spread\": [%.3f, %.3f], \"peer_rounds\": %d, \"peer_ratio\": %.4f", pmed, pa[1], pa[pk], pk, value / pmed)
	}
	fig[++n] = sprintf("  \"%s\": {\"value\": %.3f, \"unit\": \"GiB/s\", \"spread\": [%.3f, %.3f], \"rounds\": %d, \"limit\": %.3f, \"limit_spread\": [%.3f, %.3f], \"limit_what\": \"%s\", \"ratio\": %.4f, \"ratio_spread\": [%.4f, %.4f]%s}", name, value, v[1], v[k], k, limit, l[1], l[k], what, ratio, r[1], r[k], p)
	printf "%-16s %8.3f GiB/s (%.3f-%.3f)   limit %8.3f GiB/s   ratio %.4f (%.4f-%.4f)", name, value, v[1], v[k], limit, ratio, r[1], r[k]
	if (pk > 0)
		printf "   peer %8.3f GiB/s (%.3f-%.3f)   peer_ratio %.4f", pmed, pa[1], pa[pk], value / pmed
	printf "\n"
}
# Pressure to memory (21-dm-pressure, 52-peer-dm-pressure): rounds of a
# figure with a unit, no limit; better is lower ("low") or higher.
function pr_round(name, value, peer) {
	if (peer) {
		k = ++pprounds[name]
		ppv[name, k] = value
	} else {
		k = ++lprounds[name]
		lpv[name, k] = value
	}
}
function pressure(name, unit, better, what,   k, pk, i, v, pa, value, pmed, ratio, p) {
	k = lprounds[name]
	if (!k)
		return
	for (i = 1; i <= k; i++)
		v[i] = lpv[name, i]
	value = median(v, k)
	p = ""
	pk = pprounds[name]
	if (pk) {
		for (i = 1; i <= pk; i++)
			pa[i] = ppv[name, i]
		pmed = median(pa, pk)
		if (better == "low")
			ratio = value > 0 ? pmed / value : 0
		else
			ratio = pmed > 0 ? value / pmed : 0
		p = sprintf(", \"peer\": %.1f, \"peer_spread\": [%.1f, %.1f], \"peer_rounds\": %d, \"peer_ratio\": %.4f", pmed, pa[1], pa[pk], pk, ratio)
	}
	fig[++n] = sprintf("  \"%s\": {\"value\": %.1f, \"unit\": \"%s\", \"spread\": [%.1f, %.1f], \"rounds\": %d, \"what\": \"%s\"%s}", name, value, unit, v[1], v[k], k, what, p)
	printf "%-20s %8.1f %-5s (%.1f-%.1f)", name, value, unit, v[1], v[k]
	if (pk)
		printf "   peer %8.1f %-5s (%.1f-%.1f)   peer_ratio %.4f", pmed, unit, pa[1], pa[pk], ratio
	printf "\n"
}
# The median report (a report the vCPU was taken from in the middle
# costs more wall time, not more CPU) times the reports a second.
/^lis-bench (peer_)?dm_report_cpu / {
	nc = split(val("each"), each, ",")
	if (nc)
		pr_round("report_cpu", median(each, nc) * nc / val("s"), $2 ~ /^peer_/)
}
/^lis-bench (peer_)?dm_hot_add_latency / {
	pr_round("hot_add_latency", val("ms"), $2 ~ /^peer_/)
}
/^lis-bench (peer_)?dm_unballoon_latency / {
	pr_round("unballoon_latency", val("ms"), $2 ~ /^peer_/)
}
/^lis-bench (peer_)?dm_balloon_avail_left / {
	pr_round("balloon_avail_fall", val("before_mb") - val("mb"), $2 ~ /^peer_/)
}
/^lis-bench peer_dm_[a-z_]* round=/ {
	us = val("us") > 0 ? val("us") : 1
	dm_peer_round(substr($2, 9), gib(val("pages")) / (us / 1e6))
}
/^lis-bench dm_balloon_(inflate|deflate) / {
	us = val("us") > 0 ? val("us") : 1
	ns = val("limit_ns") > 0 ? val("limit_ns") : 1
	dm_round(substr($2, 4), gib(val("pages")) / (us / 1e6), gib(val("limit_pages")) / (ns / 1e9))
	if (val("driver_us") > 0)
		dm_round(substr($2, 4) "_driver", gib(val("pages")) / (val("driver_us") / 1e6), gib(val("limit_pages")) / (ns / 1e9))
}
/^lis-bench dm_hot_add / {
	us = val("us") > 0 ? val("us") : 1
	ns = val("limit_ns") > 0 ? val("limit_ns") : 1
	dm_round("hot_add", gib(val("pages")) / (us / 1e6), (val("limit_mb") / 1024) / (ns / 1e9))
}
END {
	for (i = 1; i <= nrnames; i++)
		ring_fig(rorder[i])
	if (rounds["balloon_inflate"])
		dm("balloon_inflate", "raw allocation of as many pages, order 9 while it succeeds then order 0, same run")
	if (rounds["balloon_deflate"])
		dm("balloon_deflate", "freeing the same allocations at their order, same run")
	if (rounds["balloon_deflate_driver"])
		dm("balloon_deflate_driver", "dm_unballoon() alone (function_graph) against the same limit: the driver without the host, the answer and the wake-ups")
	if (rounds["hot_add"])
		dm("hot_add", "one add_memory() of the same size and its onlining, separate range, same run")
	pressure("report_cpu", "us/s", "low", "guest driver CPU time per second of steady state: median report (function_graph) times reports a second")
	pressure("hot_add_latency", "ms", "low", "a load grown at once to MemTotal grown, the host balancing")
	pressure("unballoon_latency", "ms", "low", "the host unballoon command to MemAvailable up by 90 % of the pages")
	pressure("balloon_avail_fall", "MiB", "low", "how far MemAvailable falls under a 512 MiB balloon request that both drivers give whole")
	printf "{\n" > out
	for (i = 1; i <= n; i++)
		printf "%s%s\n", fig[i], i < n ? "," : "" > out
	printf "}\n" > out
	if (n == 0)
		exit 1
}'
}

parse=0
first=
for series in $SERIES; do
	echo "bench: $series"
	if ! bench_parse "$series" "$OUT/results-$series.json"; then
		parse=1
		continue
	fi
	echo "bench: results in ${OUT#"$LIS_ROOT"/}/results-$series.json"
	if [ -z "$first" ]; then
		first=$series
		cp "$OUT/results-$series.json" "$OUT/results.json"
	fi
done
[ "$rc" -eq 0 ] && [ "$parse" -eq 0 ]

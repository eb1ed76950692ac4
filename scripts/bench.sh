#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# make bench: every benchmark scenario in tests/bench/, booted like an
# integration scenario on one stock kernel (LIS_BENCH_KERNEL, default
# 6.12), its "lis-bench <name> key=value..." console lines turned into
# build/bench/results.json.  Each figure is reported with the physical limit
# measured in the same run and the ratio (1.0 = at the limit).  Benchmarks
# print figures; they pass or fail only on correctness (every echoed byte
# verified), never on speed.

set -u
# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"

OUT=$LIS_ROOT/build/bench
mkdir -p "$OUT"

LIS_GUESTS=1 LIS_KERNELS=${LIS_BENCH_KERNEL:-6.12} \
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
# page allocation/free (balloon) or add_memory() (hot-add) in the same run;
# with "peer" and "peer_ratio" (lis / peer) where 50-peer-dm measured the
# same with the stock hv_balloon (its console is read first).
cat "$LIS_LOGS"/integration-*-50-peer-dm.console \
	"$LIS_LOGS"/integration-*-51-peer-vss.console \
	"$LIS_LOGS"/integration-*-10-ring.console \
	"$LIS_LOGS"/integration-*-20-dm.console \
	"$LIS_LOGS"/integration-*-40-vss.console \
	"$LIS_LOGS"/integration-*-41-vss-many.console 2>/dev/null | tr -d '\r' |
awk -v out="$OUT/results.json" '
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
# median(a, name, n): the median of a[name, 1..n] (n >= 1).
function median(a, name, n,   i, j, t, v) {
	for (i = 1; i <= n; i++)
		v[i] = a[name, i]
	for (i = 2; i <= n; i++)
		for (j = i; j > 1 && v[j - 1] > v[j]; j--) {
			t = v[j]; v[j] = v[j - 1]; v[j - 1] = t
		}
	return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
}
function ring_fig(name,   m, i, lo, hi, r) {
	m = nring[name]
	lo = hi = rrat[name, 1]
	for (i = 2; i <= m; i++) {
		lo = rrat[name, i] < lo ? rrat[name, i] : lo
		hi = rrat[name, i] > hi ? rrat[name, i] : hi
	}
	r = median(rrat, name, m)
	fig[++n] = sprintf("  \"%s\": {\"value\": %.1f, \"unit\": \"MiB/s\", \"limit\": %.1f, \"limit_what\": \"memcpy of the same bytes out and back, fastest of 3 passes, same CPU, same run\", \"ratio\": %.4f, \"ratio_min\": %.4f, \"ratio_max\": %.4f, \"runs\": %d, \"signals_per_pkt\": %.3f, \"irqs_per_pkt\": %.3f}", name, median(rval, name, m), median(rlim, name, m), r, lo, hi, m, median(rsig, name, m), median(rirq, name, m))
	printf "%-18s %8.1f MiB/s   limit %8.1f MiB/s   ratio %.4f (%.4f-%.4f, %d runs)   signals/pkt %.3f   irqs/pkt %.3f\n", name, median(rval, name, m), median(rlim, name, m), r, lo, hi, m, median(rsig, name, m), median(rirq, name, m)
	if (hi > 1.0)
		printf "bench: %s: a ratio above 1.0 (%.4f): the limit measured is not the limit\n", name, hi
}
function gib(pages) {
	return pages * 4096 / 1073741824
}
function dm(name, value, limit, what,   p) {
	p = ""
	if (peer[name] > 0)
		p = sprintf(", \"peer\": %.3f, \"peer_ratio\": %.4f", peer[name], value / peer[name])
	fig[++n] = sprintf("  \"%s\": {\"value\": %.3f, \"unit\": \"GiB/s\", \"limit\": %.3f, \"limit_what\": \"%s\", \"ratio\": %.4f%s}", name, value, limit, what, value / limit, p)
	printf "%-16s %8.3f GiB/s   limit %8.3f GiB/s   ratio %.4f", name, value, limit, value / limit
	if (peer[name] > 0)
		printf "   peer %8.3f GiB/s   peer_ratio %.4f", peer[name], value / peer[name]
	printf "\n"
}
/^lis-bench peer_dm_/ {
	us = val("us") > 0 ? val("us") : 1
	peer[substr($2, 9)] = gib(val("pages")) / (us / 1e6)
}
/^lis-bench dm_balloon_/ {
	name = substr($2, 4)
	us = val("us") > 0 ? val("us") : 1
	ns = val("limit_ns") > 0 ? val("limit_ns") : 1
	what = name == "balloon_inflate" ? "raw allocation of the same pages (2 MiB chunks while possible), same run" : "raw free of the same pages, same run"
	dm(name, gib(val("pages")) / (us / 1e6), gib(val("limit_pages")) / (ns / 1e9), what)
}
/^lis-bench dm_hot_add / {
	ha_gib = gib(val("pages"))
	ha_us = val("us") > 0 ? val("us") : 1
}
/^lis-bench dm_raw_hot_add / {
	raw_gib = val("mb") / 1024
	raw_ns = val("ns") > 0 ? val("ns") : 1
}
END {
	for (i = 1; i <= nrnames; i++)
		ring_fig(rorder[i])
	if (ha_gib && raw_gib)
		dm("hot_add", ha_gib / (ha_us / 1e6), raw_gib / (raw_ns / 1e9), "add_memory() and onlining of the same size, separate range, same run")
	printf "{\n" > out
	for (i = 1; i <= n; i++)
		printf "%s%s\n", fig[i], i < n ? "," : "" > out
	printf "}\n" > out
	if (n == 0)
		exit 1
}'
parse=$?
echo "bench: results in ${OUT#"$LIS_ROOT"/}/results.json"
[ "$rc" -eq 0 ] && [ "$parse" -eq 0 ]

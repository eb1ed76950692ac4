# SPDX-License-Identifier: GPL-2.0-only
#
# make demo's report: reads the demo guest's result-channel lines
# (tests/demo/demo.sh documents them) and writes
#   svg=<file>   the timeline: assigned memory, guest total and guest used
#                over time, steps marked
#   json=<file>  the summary: per step the host's and the guest's view,
#                then the backup
# Run with: awk -v svg=... -v json=... -f demo-report.awk <result lines>
#
# Input lines (key=value words after the tag):
#   demo-sample t=S assigned=MiB demand=MiB ballooned=MiB hot_added=MiB
#               guest_total=MiB guest_used=MiB
#   demo-step n=N t=S name=WORD text=one line of explanation
#   demo-state n=N assigned=.. guest_total=.. guest_used=.. ballooned=..
#               hot_added=.. demand=..
#   demo-backup result=ok|failed freeze_ms=.. checkpoint_ms=.. thaw_ms=..
#               total_ms=.. filesystems=..

function kv(start,    i, eq, k) {
	delete V
	for (i = start; i <= NF; i++) {
		eq = index($i, "=")
		if (!eq)
			continue
		k = substr($i, 1, eq - 1)
		V[k] = substr($i, eq + 1)
		if (k == "text") {
			# text= takes the rest of the line
			V[k] = substr($0, index($0, "text=") + 5)
			break
		}
	}
}

function esc(s) {
	gsub(/&/, "\\&amp;", s)
	gsub(/</, "\\&lt;", s)
	gsub(/>/, "\\&gt;", s)
	gsub(/"/, "\\&quot;", s)
	return s
}

function jstr(s) {
	gsub(/\\/, "\\\\", s)
	gsub(/"/, "\\\"", s)
	return "\"" s "\""
}

function num(s) {
	return s == "" ? "null" : s + 0
}

/^demo-sample / {
	kv(2)
	n = ++ns
	T[n] = V["t"] + 0
	A[n] = V["assigned"] + 0
	GT[n] = V["guest_total"] + 0
	GU[n] = V["guest_used"] + 0
	B[n] = V["ballooned"] + 0
	if (A[n] > ymax) ymax = A[n]
	if (GT[n] > ymax) ymax = GT[n]
	if (GU[n] > ymax) ymax = GU[n]
	if (T[n] > tmax) tmax = T[n]
	next
}
/^demo-step / {
	kv(2)
	k = ++nsteps
	SN[k] = V["n"]
	ST[k] = V["t"] + 0
	SNAME[k] = V["name"]
	STEXT[k] = V["text"]
	if (ST[k] > tmax) tmax = ST[k]
	next
}
/^demo-state / {
	kv(2)
	k = V["n"]
	STATE[k] = sprintf("\"host_assigned_mib\": %s, \"host_demand_mib\": %s, \"guest_total_mib\": %s, \"guest_used_mib\": %s, \"ballooned_mib\": %s, \"hot_added_mib\": %s",
		num(V["assigned"]), num(V["demand"]), num(V["guest_total"]),
		num(V["guest_used"]), num(V["ballooned"]), num(V["hot_added"]))
	next
}
/^demo-backup / {
	kv(2)
	backup = sprintf("{\"result\": %s, \"freeze_window_ms\": %s, \"checkpoint_ms\": %s, \"thaw_ms\": %s, \"total_ms\": %s, \"filesystems\": %s}",
		jstr(V["result"]), num(V["freeze_ms"]), num(V["checkpoint_ms"]),
		num(V["thaw_ms"]), num(V["total_ms"]), num(V["filesystems"]))
	next
}

function px(t) { return L + (t / tmax) * W }
function py(m) { return TOP + H - (m / ymax) * H }

function polyline(arr, color, dash,    i, pts) {
	pts = ""
	for (i = 1; i <= ns; i++)
		pts = pts sprintf("%.1f,%.1f ", px(T[i]), py(arr[i]))
	printf "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\"%s points=\"%s\"/>\n",
		color, dash ? " stroke-dasharray=\"6 4\"" : "", pts > svg
}

END {
	# summary.json
	printf "{\n  \"steps\": [\n" > json
	for (k = 1; k <= nsteps; k++) {
		printf "    {\"step\": %d, \"name\": %s, \"t_s\": %s, \"what\": %s%s}%s\n",
			SN[k], jstr(SNAME[k]), ST[k], jstr(STEXT[k]),
			(SN[k] in STATE) ? ", " STATE[SN[k]] : "",
			k < nsteps ? "," : "" > json
	}
	printf "  ],\n  \"backup\": %s,\n  \"samples\": %d\n}\n",
		backup == "" ? "null" : backup, ns > json

	# timeline.svg
	if (ns < 2 || ymax <= 0 || tmax <= 0)
		exit 1
	Wd = 960; Ht = 540; L = 70; R = 190; TOP = 50; BOT = 60
	W = Wd - L - R; H = Ht - TOP - BOT
	# y axis up to a round number of 512 MiB steps
	ystep = 512
	ymax = (int(ymax / ystep) + 1) * ystep
	if (ymax / ystep > 10) { ystep = 1024; ymax = (int(ymax / ystep) + 1) * ystep }
	tstep = tmax > 300 ? 60 : tmax > 120 ? 30 : tmax > 40 ? 10 : 5

	printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"13\">\n",
		Wd, Ht, Wd, Ht > svg
	printf "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n" > svg
	printf "<text x=\"%d\" y=\"28\" font-size=\"18\" font-weight=\"bold\">lis Dynamic Memory: host and guest views over time</text>\n", L > svg
	# grid and axes
	for (m = 0; m <= ymax; m += ystep) {
		printf "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>\n", L, py(m), L + W, py(m) > svg
		printf "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%d</text>\n", L - 6, py(m) + 4, m > svg
	}
	for (t = 0; t <= tmax; t += tstep) {
		printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\"/>\n", px(t), TOP + H, px(t), TOP + H + 5 > svg
		printf "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%d</text>\n", px(t), TOP + H + 20, t > svg
	}
	printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", L, TOP + H, L + W, TOP + H > svg
	printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\"/>\n", L, TOP, L, TOP + H > svg
	printf "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time (s)</text>\n", L + W / 2, Ht - 15 > svg
	printf "<text x=\"18\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 18 %d)\">MiB</text>\n", TOP + H / 2, TOP + H / 2 > svg
	# steps
	for (k = 1; k <= nsteps; k++) {
		x = px(ST[k])
		printf "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#888\" stroke-dasharray=\"3 3\"/>\n", x, TOP, x, TOP + H > svg
		printf "<text x=\"%.1f\" y=\"%d\" font-size=\"12\" fill=\"#444\">%d %s</text>\n", x + 3, TOP + 12 + ((k - 1) % 3) * 14, SN[k], esc(SNAME[k]) > svg
	}
	polyline(A, "#1f77b4", 0)
	polyline(GT, "#2ca02c", 1)
	polyline(GU, "#d62728", 0)
	# legend
	lx = L + W + 15
	printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#1f77b4\" stroke-width=\"3\"/><text x=\"%d\" y=\"%d\">host: assigned</text>\n", lx, TOP + 10, lx + 25, TOP + 10, lx + 30, TOP + 14 > svg
	printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#2ca02c\" stroke-width=\"3\" stroke-dasharray=\"6 4\"/><text x=\"%d\" y=\"%d\">guest: total</text>\n", lx, TOP + 32, lx + 25, TOP + 32, lx + 30, TOP + 36 > svg
	printf "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#d62728\" stroke-width=\"3\"/><text x=\"%d\" y=\"%d\">guest: used</text>\n", lx, TOP + 54, lx + 25, TOP + 54, lx + 30, TOP + 58 > svg
	for (k = 1; k <= nsteps; k++)
		printf "<text x=\"%d\" y=\"%d\" font-size=\"11\" fill=\"#444\">%d: %s</text>\n", lx, TOP + 90 + (k - 1) * 16, SN[k], esc(SNAME[k]) > svg
	printf "</svg>\n" > svg
}

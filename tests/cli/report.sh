#!/bin/sh
# drtop report: every format against golden files on a fixture with a fixed
# clock, each parsed and checked by its own rules, the exit codes, atomic
# output; and the backup wrapper of contrib/.
# UPDATE_GOLDEN=1 rewrites the golden files (then review the diff).
. "$SRCDIR/tests/lib.sh"
NOW=1795608000 # 2026-11-25T12:00:00Z
GOLDEN="$SRCDIR/tests/golden"

d() { "$DRTOP" "$@" >/dev/null || echo "Bail out! drtop $*"; }
d system add payments-db --rto 15m --rpo 5m --strategy warm-standby --tier 0 --since -60d --owner '<script>alert("x")</script>'
d endpoint add payments-db https://db.example/health
d schedule add payments-db hourly --every 1h --grace 5m --since -3d
d checkin payments-db --at -2h
d drill add payments-db --kind restore --started -20d --recovered -20d
d system add web --rto 4h --rpo 1d --strategy active-active --tier 1 --since -60d --owner '=HYPERLINK("http://evil")'
d drill add web --kind failover --started -10d --recovered -10d
d checkin web --at -20h
d system add docs --rto 1d --rpo 1d --tier 3 --since -60d --owner 'docs team'
d drill add docs --kind restore --started -5d --recovered -5d # live: evidence for the RTO
d checkin docs --at -1h
d system add lab --rto 1d --rpo 1d --tier 3 --since -60d
d drill add lab --kind tabletop --started -5d --recovered -5d
sql "INSERT INTO outage (endpoint_id, system_id, started_ms, ended_ms, res_start_ms, res_end_ms)
     SELECT id, system_id, ($NOW - 40 * 86400) * 1000, ($NOW - 40 * 86400 + 1800) * 1000, 1000, 1000
     FROM endpoint WHERE url = 'https://db.example/health';
     INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok, data_time)
     SELECT id, $NOW * 1000 - 30000, 1, $NOW - 7200 FROM endpoint WHERE url = 'https://db.example/health';
     INSERT INTO probe_result (endpoint_id, at_ms, ok, latency_ms, data_time, lag_s)
     SELECT id, ($NOW - 3600 * k.v) * 1000, 1, 5, $NOW - 3600 * k.v - 600 * k.v, 600 * k.v
     FROM endpoint, (SELECT 1 AS v UNION SELECT 2 UNION SELECT 3) k WHERE url = 'https://db.example/health'"

golden() { # golden FORMAT EXT: the report in FORMAT equals tests/golden/report.EXT
	"$DRTOP" report --format "$1" >"$T/report.$2"
	rc=$?
	# the ledger's head hashes real times: the golden files say SEQ:HASH
	sed -i 's/[0-9][0-9]*:[0-9a-f]\{64\}/SEQ:HASH/g' "$T/report.$2"
	if [ -n "${UPDATE_GOLDEN:-}" ]; then cp "$T/report.$2" "$GOLDEN/report.$2"; fi
	diff -u "$GOLDEN/report.$2" "$T/report.$2" | sed 's/^/# /' | head -20
	cmp -s "$GOLDEN/report.$2" "$T/report.$2" && [ "$rc" -eq 2 ]
}
for f in text:txt json:json csv:csv markdown:md html:html prometheus:prom nagios:nagios; do
	ok "${f%%:*} matches its golden file (and exits 2: a BREACH)" golden "${f%%:*}" "${f#*:}"
done

# JSON: parsed, and what it says checked.
json() { sqlite3 :memory: "SELECT $1 FROM (SELECT readfile('$T/report.json') AS j)"; }
ok "json is valid" test "$(json "json_valid(j)")" = 1
ok "json summary" test "$(json "json_extract(j, '\$.summary.breach') || json_extract(j, '\$.summary.warn') || json_extract(j, '\$.summary.ok') || json_extract(j, '\$.summary.unknown') || json_extract(j, '\$.status')")" = "1111BREACH"
ok "json systems worst first, with their findings" test "$(json "json_extract(j, '\$.systems[0].name') || ' ' || json_extract(j, '\$.systems[0].worst_finding') || ' ' || json_array_length(j, '\$.systems[0].findings') || ' ' || json_extract(j, '\$.systems[0].data_lag_s') || ' ' || json_extract(j, '\$.systems[1].worst_finding')")" = "payments-db rto-breach 4 7200 rpo-near"
ok "json keeps the owner's text exactly" test "$(json "json_extract(j, '\$.systems[0].owner')")" = '<script>alert("x")</script>'

# CSV: parsed back, formulas neutralised.
csvcheck() {
	python3 - "$T/report.csv" <<'PY'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
head, body = rows[0], rows[1:]
assert head[:4] == ["system", "status", "owner", "finding"], head
assert all(len(r) == len(head) for r in body), "ragged rows"
owners = {r[0]: r[2] for r in body}
assert owners["web"] == "'=HYPERLINK(\"http://evil\")", owners["web"]
assert owners["payments-db"] == '<script>alert("x")</script>'
assert ("payments-db", "rpo-breach", "BREACH", "300", "7200") in [(r[0], r[3], r[4], r[6], r[7]) for r in body]
assert ["docs", "OK", "docs team"] + [""] * (len(head) - 3) in body, "a system without findings is listed"
assert sorted({r[0] for r in body}) == ["docs", "lab", "payments-db", "web"], "every system"
PY
}
ok "csv parses back, one row per finding and one per system without any, a formula neutralised" csvcheck

# Prometheus: the exposition format's rules, line by line.
promcheck() {
	awk '
	/^# HELP [a-z_]+ .+/ { help[$3] = 1; next }
	/^# TYPE [a-z_]+ gauge$/ { if (!help[$3]) bad = "TYPE before HELP: " $0; type[$3] = 1; next }
	/^#/ { bad = "stray comment: " $0; next }
	{
		if ($0 !~ /^[a-z_]+(\{([a-z_]+="([^"\\]|\\.)*",?)+\})? -?[0-9.e+]+$/) bad = "bad sample: " $0
		name = $0; sub(/[{ ].*/, "", name)
		if (!type[name]) bad = "sample without TYPE: " $0
		series = $0; sub(/ [^ ]*$/, "", series)
		if (seen[series]++) bad = "a series repeated (the textfile collector refuses the file): " series
		n++
	}
	END { if (bad) { print "# " bad; exit 1 } if (n < 10) { print "# too few samples"; exit 1 } }
	' "$T/report.prom"
}
ok "prometheus: HELP and TYPE first, valid samples, no timestamps, no series twice" promcheck
ok "prometheus: base units and the status code" sh -c "grep -qx 'drtop_data_lag_seconds{system=\"payments-db\"} 7200' '$T/report.prom' && grep -qx 'drtop_system_status{system=\"payments-db\"} 2' '$T/report.prom'"

# HTML: well-formed, self-contained, every value escaped.
htmlcheck() {
	python3 - "$T/report.html" <<'PY'
import sys, xml.etree.ElementTree as ET
text = open(sys.argv[1]).read()
ET.fromstring(text[text.index("<html"):])          # well-formed
assert "<script>" not in text, "an unescaped script"
assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in text
assert "src=" not in text and "href=\"http" not in text and "@import" not in text, "external asset"
assert text.count("<svg") == 8, "two charts per system"
# each chart has a time axis over the window (its first and last day, its span)
# and a duration axis with the objective labelled
assert text.count(">2026-08-27</text>") == 8 and text.count(">2026-11-25</text>") == 8, "time axes"
assert text.count(">90d</text>") == 8, "the window's span"
assert ">RTO 15m</text>" in text and ">RPO 5m</text>" in text, "objectives labelled"
# the executive summary comes first: who fixes what, the cheapest fixes, the changes
summary = text[text.index('<section class="summary">'):text.index("<table>")]
root = ET.fromstring(summary[:summary.index("</section>") + len("</section>")])
lis = {h.text: [ET.tostring(li, encoding="unicode", method="text") for li in ul.iter("li")]
       for h, ul in zip(root.iter("h3"), root.iter("ul"))}
assert lis["To fix, by owner"][0].startswith('<script>alert("x")</script>: payments-db BREACH rto-breach'), lis
assert len(lis["To fix, by owner"]) == 3, "three owners have something to fix (docs is OK)"
assert lis["Cheapest fixes"] == ["lab: no strategy \u2192 backup-restore ($)"], lis["Cheapest fixes"]
assert "2026-11-25T12:00:00Z payments-db: first judged BREACH" in lis["Changes of status in the last 7 days"]
plan = text[text.index("<h2>Recovery order</h2>"):]
plan = ET.fromstring(plan[plan.index("<table>"):plan.index("</table>") + len("</table>")])
rows = [[ET.tostring(td, encoding="unicode", method="text") for td in tr.iter("td")] for tr in plan.iter("tr")][1:]
assert ["1", "lab", "?", "?", "1d", "?"] in rows, rows          # no drill, no strategy: unknown
assert ["1", "payments-db", "0s (drill)", "0s", "15m", "yes"] in rows, rows
PY
}
ok "html: well-formed, self-contained, escaped, with charts" htmlcheck

ok "nagios: one line, status and perfdata" sh -c "test \$(wc -l <'$T/report.nagios') -eq 1 && grep -q \"^DRTOP CRITICAL - 1 BREACH, 1 WARN, 1 UNKNOWN, 1 OK: payments-db rto-breach 30m (29m59s-30m1s) (target 15m), web rpo-near 20h (target 1d), lab no-evidence | 'breach'=1;;;0 .*'payments-db data_lag'=7200s;240;300;0\" '$T/report.nagios'"
"$DRTOP" report --format nagios --system payments-db >"$T/one"
ok "nagios for one system labels its lag data_lag" grep -q "'data_lag'=7200s;240;300;0" "$T/one"
"$DRTOP" report --format nagios --system payments-db --system payments-db >"$T/one-twice"
ok "... and named twice, it is still one system" grep -q " 'data_lag'=7200s;240;300;0" "$T/one-twice"
"$DRTOP" report --format nagios --min-severity breach >"$T/one-left"
ok "nagios: one system left by --min-severity keeps its named label (graphs follow it)" \
	grep -q "'payments-db data_lag'=7200s;240;300;0" "$T/one-left"
(DRTOP_DB="$T/many.db"; export DRTOP_DB
 for n in 1 2 3 4 5 6 7; do "$DRTOP" system add "many-$n" --rto 1h --rpo 1h >/dev/null; done
 "$DRTOP" report --format nagios >"$T/many.nagios")
ok "nagios names five systems and counts the rest" grep -q "^DRTOP UNKNOWN - 0 BREACH, 0 WARN, 7 UNKNOWN, 0 OK: many-1 [^,]*, many-2 [^,]*, many-3 [^,]*, many-4 [^,]*, many-5 [^,|]*, +2 more | " "$T/many.nagios"

# Exit codes.
status_of() { "$DRTOP" report --format nagios "$@" >/dev/null 2>&1; echo $?; }
ok "0 when all OK" test "$(status_of --system docs)" = 0
ok "1 when some WARN" test "$(status_of --system web --system docs)" = 1
ok "2 when some BREACH" test "$(status_of)" = 2
ok "3 when only UNKNOWN" test "$(status_of --system lab)" = 3
DRTOP_DB="$T/missing.db"
fails "3 when the database is missing" 3 "no database at $T/missing.db" report
ok "and the missing database is not created" test ! -e "$T/missing.db"
run report --format nagios
ok "nagios: 3 when the database is missing, its UNKNOWN line on standard output, where Nagios reads it" \
	sh -c '[ "$1" -eq 3 ] && [ "$(cat "$2")" = "DRTOP UNKNOWN - no database at $3" ]' - "$rc" "$T/out" "$T/missing.db"
DRTOP_DB="$T/drtop.db"
fails "64 for a usage error" 64 "--format: expected text, json" report --format yaml
fails "an unknown system is an error: 3" 3 "unknown system 'nope'" report --system nope
run report --format=nagios --system nope
ok "nagios: so is an unknown system, said on standard output" \
	sh -c '[ "$1" -eq 3 ] && [ "$(cat "$2")" = "DRTOP UNKNOWN - unknown system '"'nope'"'" ]' - "$rc" "$T/out"

# Filters and window.
"$DRTOP" report --format csv --min-severity breach >"$T/b.csv"
ok "--min-severity breach keeps only BREACH systems" sh -c "! cut -d, -f1 '$T/b.csv' | grep -q 'web\|docs'"
"$DRTOP" report --format json --min-severity warn >"$T/w.json"
ok "--min-severity warn keeps WARN, BREACH and UNKNOWN" test "$(sqlite3 :memory: "SELECT json_extract(readfile('$T/w.json'), '\$.summary.systems')")" = 3
"$DRTOP" report --format json --window 30d >"$T/win.json"
ok "--window 30d leaves the 40-day-old outage out" test "$(sqlite3 :memory: "SELECT json_extract(readfile('$T/win.json'), '\$.systems[0].worst_recovery_s') IS NULL")" = 1
ok "without changing the setting" test "$(sql "SELECT value FROM setting WHERE key = 'window_s'")" = 7776000

# --output: atomic, and the same bytes.
"$DRTOP" report --format prometheus --output "$T/out.prom"
ok "--output writes the report" cmp -s "$T/out.prom" "$GOLDEN/report.prom"
ok "and leaves no temporary file" test "$(ls "$T" | grep -c 'out.prom.tmp')" -eq 0
fails "--output into a missing directory" 3 "cannot write $T/nodir/x.prom" report --output "$T/nodir/x.prom"
NO_COLOR=1 script -qec "\"$DRTOP\" report" /dev/null >"$T/tty" 2>&1
ok "no colour with NO_COLOR, even on a terminal" sh -c "! grep -q \$(printf '\033') '$T/tty'"
script -qec "\"$DRTOP\" report" /dev/null >"$T/tty" 2>&1
ok "colour on a terminal" grep -q "$(printf '\033')\[1;31mBREACH" "$T/tty"

# contrib/backup/drtop-wrap records a check-in either way and keeps the status.
wrap() { DRTOP="$DRTOP" sh "$SRCDIR/contrib/backup/drtop-wrap" "$@"; }
wrap docs -- true
ok "drtop-wrap: success is a check-in" test "$(sql "SELECT ok FROM checkin WHERE system_id = (SELECT id FROM system WHERE name = 'docs') ORDER BY id DESC LIMIT 1")" = 1
wrap docs -- sh -c 'exit 7'
ok "drtop-wrap: failure is a failed check-in, the status kept" test "$?|$(sql "SELECT ok || ':' || exit_status || ':' || (started_at IS NOT NULL) FROM checkin ORDER BY id DESC LIMIT 1")" = "7|0:7:1"

# Several findings of a kind on one system (two looser dependencies): one
# series, counting them, with the values of the one measured largest.
P="$T/deps.db"
d --db "$P" system add front --rto 5m --rpo 5m
d --db "$P" system add mid --rto 1h --rpo 1h
d --db "$P" system add back --rto 2h --rpo 2h
d --db "$P" depend add front --on mid
d --db "$P" depend add mid --on back
"$DRTOP" --db "$P" report --format prometheus >"$T/deps.prom"
ok "prometheus: two dependency conflicts are one series counting 2" \
	grep -qx 'drtop_finding{system="front",finding="dependency-conflict",severity="WARN"} 2' "$T/deps.prom"
ok "... measured as the loosest dependency's RTO, against the system's" sh -c \
	"grep -qx 'drtop_finding_measured_seconds{system=\"front\",finding=\"dependency-conflict\",objective=\"rto\"} 7200' '$T/deps.prom' &&
	 grep -qx 'drtop_finding_target_seconds{system=\"front\",finding=\"dependency-conflict\",objective=\"rto\"} 300' '$T/deps.prom'"
ok "... and no series twice" sh -c "test -z \"\$(grep -v '^#' '$T/deps.prom' | sed 's/ [^ ]*\$//' | sort | uniq -d)\""

done_testing

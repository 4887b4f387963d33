#!/bin/sh
# Outage lengths with their bounds in `drtop status` and every report format:
# "40m (38m–41m)" when bounded on both sides, "≥ 10m" for a lower bound only
# (an outage cut by a gap, an ongoing one), never a bare number that reads as
# a recovery; findings show target and measurement in the same units.
. "$SRCDIR/tests/lib.sh"
NOW=1795608000 # 2026-11-25T12:00:00Z

d() { "$DRTOP" "$@" >/dev/null || echo "Bail out! drtop $*"; }
d system add cut --rto 1h --rpo 1d --tier 1
d endpoint add cut http://127.0.0.1:9/cut
d system add gapped --rto 30m --rpo 1d --tier 1
d endpoint add gapped http://127.0.0.1:9/gapped
d system add down --rto 1h --rpo 1d --tier 1
d endpoint add down http://127.0.0.1:9/down
for s in cut gapped down; do d checkin $s --at -1h; done
ep() { echo "(SELECT id FROM endpoint WHERE url LIKE '%/$1')"; }
sys() { echo "(SELECT id FROM system WHERE name = '$1')"; }
# cut: 10 minutes of failures, then the endpoint was disabled: no end known.
# gapped: 10 minutes of failures, an hour of silence, 5 more minutes, a success.
# down: failing for the last 20 minutes.
sql "INSERT INTO outage (endpoint_id, system_id, started_ms, ended_ms, res_start_ms, res_end_ms, gap)
     VALUES ($(ep cut), $(sys cut), ($NOW - 2 * 86400) * 1000, ($NOW - 2 * 86400 + 600) * 1000, 1000, NULL, 1);
     INSERT INTO outage (endpoint_id, system_id, started_ms, ended_ms, res_start_ms, res_end_ms)
     VALUES ($(ep gapped), $(sys gapped), ($NOW - 86400) * 1000, ($NOW - 86400 + 4500) * 1000, 30000, 1000);
     INSERT INTO outage_gap (outage_id, from_ms, to_ms)
     SELECT max(id), ($NOW - 86400 + 600) * 1000, ($NOW - 86400 + 4200) * 1000 FROM outage;
     INSERT INTO outage (endpoint_id, system_id, started_ms, res_start_ms)
     VALUES ($(ep down), $(sys down), ($NOW - 1200) * 1000, 2000);
     INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok, last_ok_ms, failures, outage_id)
     SELECT $(ep down), ($NOW - 5) * 1000, 0, ($NOW - 1202) * 1000, 200, max(id) FROM outage;
     INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok) VALUES ($(ep cut), ($NOW - 5) * 1000, 1),
       ($(ep gapped), ($NOW - 5) * 1000, 1)"

ok "v_outages: the gapped outage is at least its longest stretch of failures, at most across the gap" \
	sql_is "SELECT lower_ms, upper_ms, gaps, gap_ms FROM v_outages WHERE system = 'gapped'" "600000|4530000|1|3600000"
ok "the outage cut short has only a lower bound" \
	sql_is "SELECT lower_ms, coalesce(upper_ms, 'none') FROM v_outages WHERE system = 'cut'" "600000|none"

line() { grep -E "(^| )$1 " "$T/out" | head -1; }
has_line() { line "$1" | grep -qF -- "$2"; }

succeeds "status" status
ok "status: a lower bound only reads ≥, never as a recovery" has_line cut "1h   ≥ 10m"
ok "status: an outage with both bounds reads point (lower–upper)" has_line gapped "30m  1h15m (10m–1h16m)"
ok "status: an ongoing outage is a lower bound" has_line down "≥ 19m55s"
ok "status findings: the target beside the bounded measurement" \
	sh -c "grep 'gapped  *rto-breach-possible' '$T/out' | grep -q 'WARN  *30m  *1h16m (10m–1h16m)'"
ok "status findings: a cut outage's finding is a lower bound" \
	sh -c "grep 'cut  *rto-breach-possible' '$T/out' | grep -q 'WARN  *1h  *≥ 10m '"
"$DRTOP" status --format json >"$T/status.json"
ok "status json: exact seconds with the bounds beside them" \
	test "$(sqlite3 :memory: "SELECT group_concat(coalesce(json_extract(value, '\$.worst_recovery_lower_s'), 'null') || '/' || coalesce(json_extract(value, '\$.worst_recovery_upper_s'), 'null'), ' ') FROM json_each(readfile('$T/status.json')) ORDER BY json_extract(value, '\$.system')")" != ""
ok "status json: cut has a lower bound and no upper one" \
	test "$(sqlite3 :memory: "SELECT json_extract(value, '\$.worst_recovery_s') || '|' || json_extract(value, '\$.worst_recovery_lower_s') || '|' || coalesce(json_extract(value, '\$.worst_recovery_upper_s'), 'null') FROM json_each(readfile('$T/status.json')) WHERE json_extract(value, '\$.system') = 'cut'")" = "600|600|null"

report() { "$DRTOP" report --format "$1" >"$T/out"; }
report text
ok "text: ≥ for the lower bound" has_line cut "1h   ≥ 10m"
ok "text: both bounds" has_line gapped "1h15m (10m–1h16m)"
ok "text findings: target and bounded measurement" grep -qF "gapped rto-breach-possible: an outage may have lasted longer than the RTO (target 30m, measured 1h16m (10m–1h16m))" "$T/out"
ok "text findings: a lower bound reads as one" grep -qF "cut rto-breach-possible: an outage cut by a gap in probing may have lasted longer than the RTO (target 1h, measured ≥ 10m)" "$T/out"
report markdown
ok "markdown: the worst recovery cell of the cut outage" grep -qF "| cut | 1 | - | 1h | ≥ 10m |" "$T/out"
ok "markdown: findings carry target and measurement" grep -qF "(target 30m, measured 1h16m (10m–1h16m))" "$T/out"
report html
ok "html: bounds in the table" grep -qF '<td class="n">≥ 10m</td>' "$T/out"
ok "html: findings carry target and measurement" grep -qF "(target 1h, measured ≥ 19m55s)" "$T/out"
ok "html: the charts draw a possible breach amber, never red as a sure one" \
	sh -c "test \$(grep -o 'fill=\"#e90\"' '$T/out' | wc -l) -eq 2 && ! grep -q 'fill=\"#c33\"' '$T/out'"
ok "html: a chart of a system down now says its outage going on is not drawn" \
	grep -qF "0 ended outages in the window, at their start, as high as they lasted; red: above the RTO in force then, amber: maybe, grey: planned; one going on now, not drawn" "$T/out"
report json
j() { sqlite3 :memory: "SELECT $1 FROM json_each(readfile('$T/out'), '\$.systems') WHERE json_extract(value, '\$.name') = '$2'"; }
ok "json: exact seconds, lower and upper (null: not bounded)" \
	test "$(j "json_extract(value, '\$.worst_recovery_s') || '|' || json_extract(value, '\$.worst_recovery_lower_s') || '|' || coalesce(json_extract(value, '\$.worst_recovery_upper_s'), 'null')" cut)" = "600|600|null"
ok "json: a finding's measured bounds" \
	test "$(sqlite3 :memory: "SELECT json_extract(f.value, '\$.measured_s') || '|' || json_extract(f.value, '\$.measured_lower_s') || '|' || json_extract(f.value, '\$.measured_upper_s') FROM json_each(readfile('$T/out'), '\$.systems') s, json_each(s.value, '\$.findings') f WHERE json_extract(s.value, '\$.name') = 'gapped' AND json_extract(f.value, '\$.finding') = 'rto-breach-possible'")" = "4530|600|4530"
report csv
ok "csv: measured_lower_s and measured_upper_s beside measured_s" grep -q '^gapped,WARN,,rto-breach-possible,WARN,rto,1800,4530,600,4530,' "$T/out"
ok "csv: an unbounded upper is empty" grep -q '^cut,WARN,,rto-breach-possible,WARN,rto,3600,600,600,,' "$T/out"
report nagios
ok "nagios: the worst finding with its measurement and target, in ASCII" \
	grep -qF "cut rto-breach-possible >= 10m (target 1h)" "$T/out"
report prometheus
ok "prometheus: the lower bound of the cut outage" grep -qx 'drtop_recovery_worst_lower_seconds{system="cut"} 600' "$T/out"
ok "prometheus: and no upper bound for it" sh -c "! grep -q 'drtop_recovery_worst_upper_seconds{system=\"cut\"}' '$T/out'"
ok "prometheus: the upper bound of the gapped one" grep -qx 'drtop_recovery_worst_upper_seconds{system="gapped"} 4530' "$T/out"

done_testing

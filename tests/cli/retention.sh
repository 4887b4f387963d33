#!/bin/sh
# Retention that is real: raw results are folded into hourly rollups before
# they are pruned, rollups and the other history go after history_s, and the
# ledger accepts exactly those deletions.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW
echo ok >"$T/up"
UP="file://$T/up"
# tampered DESCRIPTION PROBLEM: db verify exits 65 naming PROBLEM; the copy kept before is put back
tampered() {
	last_args="db verify"
	run db verify
	ok "$1" sh -c '[ "$1" -eq 65 ] && grep -qF -- "$2" "$3"' - "$rc" "$2" "$T/out"
	ok "and by the plain sqlite3 query" sh -c '[ -n "$(sqlite3 -readonly "$1" <"$2")" ]' - "$DRTOP_DB" "$SRCDIR/db/ledger-verify.sql"
	cp "$T/before.db" "$DRTOP_DB"
	rm -f "$DRTOP_DB-wal" "$DRTOP_DB-shm"
}
DOWN="file://$T/missing"

# --- rollups before pruning ---
"$DRTOP" system add keep --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add keep "$UP" --interval 1s --timeout 1s >/dev/null
"$DRTOP" endpoint add keep "$DOWN" --interval 1s --timeout 1s >/dev/null
for i in 1 2 3 4; do "$DRTOP" probe --once >/dev/null; done
ok "nothing is folded while the hour is on and the retention (30d) is far" \
	sql_is "SELECT count(*) FROM probe_rollup" 0
succeeds "retention set to 1s" config set retention 1s
sleep 1.1 # older than the retention
succeeds "a probe folds and prunes" probe --once
ok "every result older than the retention is folded, per endpoint and hour" \
	sql_is "SELECT group_concat(probes || '/' || failures, ' ') FROM (SELECT sum(probes) AS probes,
	          sum(failures) AS failures FROM probe_rollup GROUP BY endpoint_id ORDER BY endpoint_id)" "4/0 4/4"
ok "with its hour and the span of its probes" \
	sql_is "SELECT count(*) FROM probe_rollup WHERE hour = first_ms / 3600000 * 3600 AND first_ms <= last_ms" 2
ok "raw results are pruned only once folded" \
	sql_is "SELECT count(*) FROM probe_result r JOIN probe_rollup_mark m USING (endpoint_id) WHERE r.at_ms < m.folded_ms
	          AND id NOT IN (SELECT max(id) FROM probe_result GROUP BY endpoint_id)
	          AND id NOT IN (SELECT min(id) FROM probe_result GROUP BY endpoint_id)
	          AND id NOT IN (SELECT r.id FROM probe_result r JOIN endpoint_state st USING (endpoint_id)
	                         WHERE st.outage_id IS NOT NULL)" 0
ok "nothing is lost: rollups and raw results count every probe" \
	sql_is "SELECT (SELECT sum(probes) FROM probe_rollup) + (SELECT count(*) FROM probe_result r
	          JOIN probe_rollup_mark m USING (endpoint_id) WHERE r.at_ms >= m.folded_ms)" 10
ok "watched time: consecutive probes within 3 intervals and a timeout" \
	sql_is "SELECT sum(watched_ms) > 0 AND sum(watched_ms) <= max(last_ms) - min(first_ms) FROM probe_rollup
	          WHERE endpoint_id = (SELECT id FROM endpoint WHERE url = '$UP')" 1
ok "each rollup step is a ledger entry with a digest" \
	sql_is "SELECT count(*) > 0, min(length(payload ->> '$.sha3')) FROM ledger WHERE kind = 'probe_rollup.batch'" "1|64"
succeeds "the ledger verifies" db verify
cp "$DRTOP_DB" "$T/before.db"
sql "UPDATE probe_rollup SET failures = 0 WHERE failures > 0"
tampered "an edited rollup is found" "changed outside drtop: the digest of the rows differs"
sql "DELETE FROM probe_rollup WHERE id = (SELECT min(id) FROM probe_rollup)"
tampered "a deleted rollup is found" "rows added or deleted outside drtop"
sql "INSERT INTO probe_rollup (endpoint_id, hour, probes, failures, watched_ms, first_ms, last_ms, first_id, last_id)
     SELECT endpoint_id, hour, 1, 0, 0, first_ms, first_ms, first_id, first_id FROM probe_rollup LIMIT 1"
tampered "an added rollup is found" "not in the ledger: written outside drtop"
succeeds "a deleted endpoint takes its rollups with it, and the ledger still verifies" \
	endpoint rm --purge "$(sql "SELECT id FROM endpoint WHERE url = '$DOWN'")"
succeeds "verify" db verify
"$DRTOP" config set retention 30d >/dev/null
"$DRTOP" system rm keep --force >/dev/null

# --- history_s: outages, check-ins, drills, status history and rollups go, ledgered ---
FLIP="file://$T/flip"
"$DRTOP" notify add told --kind exec --command true >/dev/null
"$DRTOP" system add old --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add old "$FLIP" --interval 1s --timeout 1s >/dev/null
"$DRTOP" probe --once >/dev/null; "$DRTOP" probe --once >/dev/null # two failures: an outage
echo ok >"$T/flip"
"$DRTOP" probe --once >/dev/null # ended
"$DRTOP" checkin old --at -2h >/dev/null
"$DRTOP" checkin old --at -1h --failed >/dev/null
"$DRTOP" drill add old --kind restore --started -3h --recovered -2h50m >/dev/null
"$DRTOP" status >/dev/null
"$DRTOP" config set retention 1s >/dev/null
sleep 1.1
"$DRTOP" probe --once >/dev/null # rollups of the results so far
counts() { sql "SELECT (SELECT count(*) FROM checkin) || '|' || (SELECT count(*) FROM drill) || '|'
  || (SELECT count(*) FROM outage WHERE ended_ms IS NOT NULL) || '|' || (SELECT count(*) FROM status_history) || '|'
  || (SELECT count(*) > 0 FROM probe_rollup) || '|' || (SELECT count(*) > 0 FROM notify_outbox)"; }
ok "there is history: check-ins, a drill, an ended outage, status history, rollups, notifications" \
	test "$(counts)" = "2|1|1|2|1|1"
succeeds "verify before" db verify
succeeds "history set to 2s" config set history 2s
cp "$DRTOP_DB" "$T/tamper.db"
sleep 2.1
for i in 1 2; do "$DRTOP" probe --once >/dev/null; done
# What was older than the history when the last run began must be gone (rows
# the runs wrote themselves may have grown older since).
cut=$(($(date +%s) - 2))
"$DRTOP" probe --once >/dev/null
ok "all of it older than the history is gone" \
	sql_is "SELECT (SELECT count(*) FROM checkin WHERE at < $cut) + (SELECT count(*) FROM drill)
	  + (SELECT count(*) FROM outage WHERE ended_ms IS NOT NULL) + (SELECT count(*) FROM status_history WHERE at < $cut)
	  + (SELECT count(*) FROM probe_rollup WHERE hour < $cut - 3600)
	  + (SELECT count(*) FROM notify_outbox WHERE created_at < $cut)" 0
ok "notifications too, in one entry" sql_ge "SELECT payload ->> '$.rows' FROM ledger WHERE kind = 'notify_outbox.prune'" 1
ok "each step is an entry: the table, the time, the rows and their digest" \
	sql_is "SELECT group_concat(kind || ':' || (payload ->> '$.column') || ':' || (payload ->> '$.rows') || ':' || length(payload ->> '$.sha3'), ' ')
	  FROM (SELECT * FROM ledger WHERE kind IN ('checkin.prune', 'drill.prune', 'outage.prune') ORDER BY seq)" \
	"checkin.prune:at:2:64 drill.prune:recovered_at:1:64 outage.prune:ended_ms:1:64"
ok "no entry per row" sql_is "SELECT count(*) FROM ledger WHERE kind IN ('checkin.delete', 'drill.delete', 'outage.delete',
	'status_history.delete', 'notify_outbox.delete') AND seq > (SELECT min(seq) FROM ledger WHERE kind GLOB '*.prune')" 0
succeeds "the ledger verifies after the prune" db verify
ok "so does the plain sqlite3 query" sh -c '[ -z "$(sqlite3 -readonly "$1" <"$2")" ]' - "$DRTOP_DB" "$SRCDIR/db/ledger-verify.sql"
"$DRTOP" config set history 400d >/dev/null
"$DRTOP" checkin old >/dev/null
sleep 1.1
"$DRTOP" probe --once >/dev/null
ok "rollups again, kept now" sql_is "SELECT count(*) > 0 FROM probe_rollup" 1
cp "$DRTOP_DB" "$T/before.db"
sql "DELETE FROM checkin WHERE id = (SELECT max(id) FROM checkin)"
tampered "a check-in deleted outside drtop is still found" "deleted outside drtop"
sql "DELETE FROM probe_rollup WHERE id = (SELECT max(id) FROM probe_rollup)"
tampered "so is a rollup newer than the history" "rows added or deleted outside drtop"
# A check-in changed outside drtop before the prune is not laundered by it.
cp "$T/tamper.db" "$DRTOP_DB"; rm -f "$DRTOP_DB-wal" "$DRTOP_DB-shm"
sql "UPDATE checkin SET ok = 1 WHERE ok = 0"
sleep 0.5
for i in 1 2 3; do "$DRTOP" probe --once >/dev/null; done
cp "$DRTOP_DB" "$T/before.db"
tampered "a row changed outside drtop and then pruned is found" "pruned rows differ from the ledger"
"$DRTOP" config set history 400d >/dev/null
"$DRTOP" config set retention 30d >/dev/null

# --- latency percentiles, nearest rank (a database of its own, results written directly) ---
P="$T/pct.db"
DRTOP_DB=$P "$DRTOP" system add pct --rto 1h --rpo 1h >/dev/null
DRTOP_DB=$P "$DRTOP" endpoint add pct "$UP" --interval 30s --timeout 10s >/dev/null
# an hour two hours ago: probes every 30 s with latencies 1..100 ms, one without
sqlite3 "$P" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 101)
  INSERT INTO probe_result (endpoint_id, at_ms, ok, latency_ms)
  SELECT 1, ((CAST(strftime('%s', 'now') AS INTEGER) / 3600 - 2) * 3600) * 1000 + i * 30000,
         i % 10 <> 0, CASE WHEN i <= 100 THEN 101 - i END FROM n"
DRTOP_DB=$P "$DRTOP" probe --once >/dev/null
for row in "probes|101" "failures|10" "latency_p50_ms|50" "latency_p95_ms|95" "latency_max_ms|100" \
           "watched_ms|3000000" "last_id - first_id|100"; do
	col=${row%|*}
	ok "rollup of 101 probes: $col = ${row#*|}" test "$(sqlite3 "$P" "SELECT sum($col) FROM probe_rollup")" = "${row#*|}"
done

# --- coverage over 90 days with 30-day retention: the same before and after pruning ---
C="$T/cov.db"
c() { DRTOP_DB=$C "$DRTOP" "$@"; }
c system add cov --rto 1h --rpo 1h >/dev/null
c endpoint add cov "$UP" --interval 10m --timeout 10s >/dev/null
c config set retention 30d >/dev/null # a new database keeps 4h
NOW_S=$(date +%s)
# created 100 days ago, disabled (nothing probes it meanwhile); probed every
# 10 minutes for 100 days but for 9 days from 60 days ago and 3 days from 10 days ago
sqlite3 "$C" "UPDATE endpoint SET created_at = $NOW_S - 100 * 86400, enabled = 0;
  WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 100 * 144 - 1)
  INSERT INTO probe_result (endpoint_id, at_ms, ok, latency_ms)
  SELECT 1, ($NOW_S - 100 * 86400 + i * 600) * 1000, 1, 5 FROM k
  WHERE NOT (i * 600 >= 40 * 86400 AND i * 600 < 49 * 86400)
    AND NOT (i * 600 >= 90 * 86400 AND i * 600 < 93 * 86400)"
seal_results "$C"
WINDOWS="20d 29d 31d 45d 60d 75d 90d"
share() { c config set window "$1" >/dev/null; c db query "SELECT watched_ms / 60000, share FROM v_coverage"; }
for w in $WINDOWS; do eval "raw_$w=\$(share $w)"; done
i=0
while [ $i -lt 20 ] && ! [ "$(sqlite3 "$C" "SELECT count(*) FROM probe_result WHERE at_ms < ($NOW_S - 30 * 86400) * 1000")" = 1 ]; do
	c probe --once >/dev/null
	i=$((i + 1))
done
ok "raw results older than the retention (30d) are gone, but for the first" \
	test "$(sqlite3 "$C" "SELECT count(*), min(at_ms) >= ($NOW_S - 30 * 86400 - 3600) * 1000 FROM probe_result
	  WHERE at_ms > ($NOW_S - 100 * 86400) * 1000")|$(sqlite3 "$C" "SELECT count(*) FROM probe_result WHERE at_ms = ($NOW_S - 100 * 86400) * 1000")" = "$((30 * 144 - 3 * 144 - 1))|1|1"
ok "and folded into rollups up to then" \
	test "$(sqlite3 "$C" "SELECT sum(probes) FROM probe_rollup")" -ge $((70 * 144 - 9 * 144))
# window: minutes watched and share, before pruning (raw results only) and after
for row in "20d|17d" "29d|26d" "31d|28d" "45d|42d" "60d|48d" "75d|63d" "90d|78d"; do
	w=${row%|*} watched=${row#*|}
	eval "before=\$raw_$w"
	after=$(share "$w")
	ok "window $w: watched $watched (about), as before pruning: $before, after: $after" sh -c '
		b=${1%|*} a=${2%|*} want=$3
		[ $((b - a)) -le 60 ] && [ $((a - b)) -le 60 ] && [ $((want - a)) -le 70 ] && [ $((a - want)) -le 70 ]' \
		- "$before" "$after" "$(($(echo "$watched" | tr -d d) * 1440))"
done
c config set window 90d >/dev/null

# --- coverage-min: evidence-gap when a system was watched less of the window ---
sqlite3 "$C" "UPDATE endpoint SET enabled = 1" # as if probed until now; nothing probes it here
gap() { c db query "SELECT severity FROM v_findings WHERE finding = 'evidence-gap'"; }
for row in "90d|86%|" "90d|87%|WARN" "90d|0.866|" "90d|0.867|WARN" "20d|84%|" "20d|85%|WARN" \
           "29d|89%|" "29d|90%|WARN" "45d|93%|" "45d|94%|WARN"; do
	w=${row%%|*} m=${row#*|}; m=${m%|*} want=${row##*|}
	c config set window "$w" >/dev/null
	c config set coverage-min "$m" >/dev/null
	ok "window $w, coverage-min $m: ${want:-no finding}" test "$(gap)" = "$want"
done
c config set window 90d >/dev/null
c config set coverage-min 87% >/dev/null
ok "with the time required and the time watched" test "$(c db query "SELECT f.target_s = CAST(g.span_ms * 0.87 / 1000 AS INTEGER),
	f.measured_s = g.watched_ms / 1000, f.objective FROM v_findings f JOIN v_coverage_system g USING (system_id)
	WHERE f.finding = 'evidence-gap'")" = "1|1|evidence"
# (the share moves with the real clock: 86.6% or 86.7% by the time this runs)
ok "and says how much was watched, against what, and where least" \
	test "$(c db query "SELECT detail FROM v_findings WHERE finding = 'evidence-gap'" | sed 's/86\.[67]%/86.6%/')" = "endpoints watched 86.6% of the window, below 87% (least covered: $UP)"
c checkin cov >/dev/null # evidence for the RPO
ok "the system is WARN for it" test "$(c db query "SELECT status, worst_finding FROM v_system_status")" = "WARN|evidence-gap"
ok "the setting reads back as stored" test "$(c config get coverage-min)" = "0.87"
c config set coverage-min 0.95 >/dev/null
ok "the default is 95%" test "$(sqlite3 "$T/pct.db" "SELECT value FROM setting WHERE key = 'coverage_min'")" = "0.95"
fails "coverage-min refuses 100%" 65 "coverage-min: expected a number between 0 and 1 or a percentage, not '100%'" \
	config set coverage-min 100%
fails "and a percentage sign alone" 65 "coverage-min: expected a number between 0 and 1 or a percentage, not '%'" \
	config set coverage-min %

# --- drtop db prune: the same steps, until nothing is due ---
Q="$T/prune.db"
DRTOP_DB=$Q "$DRTOP" system add q --rto 1h --rpo 1h >/dev/null
DRTOP_DB=$Q "$DRTOP" endpoint add q "$UP" --interval 30s --timeout 10s >/dev/null
DRTOP_DB=$Q "$DRTOP" endpoint add q "$UP?2" --interval 30s --timeout 10s >/dev/null
# three hours before the current one, both endpoints every 30 s
sqlite3 "$Q" "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 359)
  INSERT INTO probe_result (endpoint_id, at_ms, ok, latency_ms)
  SELECT e.id, ((CAST(strftime('%s', 'now') AS INTEGER) - 300) / 3600 * 3600 - 3 * 3600) * 1000 + i * 30000, 1, 7
  FROM n, endpoint e ORDER BY 2, 1"
DRTOP_DB=$Q run db prune
ok "db prune folds every hour that is over" sh -c '[ "$1" -eq 0 ] && grep -q "retention applied in [0-9]* steps" "$2"' - "$rc" "$T/out"
ok "one rollup per endpoint and hour" test "$(sqlite3 "$Q" "SELECT count(*), sum(probes), min(probes), max(probes) FROM probe_rollup")" = "6|720|120|120"

# --- pruned to the shortest retention, the verdict as of a past date is the same ---
# A freshness endpoint probed every 10 minutes for three hours, six hours ago,
# its recovery point moving twice (A, then B from the 7th probe, C from the
# 16th); only the rows the verdict reads as of then stay.
F="$T/fresh.db"
f() { DRTOP_DB=$F "$DRTOP" "$@"; }
f system add fresh --rto 1h --rpo 2h >/dev/null
f endpoint add fresh "$UP" --kind freshness --interval 10m --timeout 10s >/dev/null
H=$(($(date +%s) / 3600 * 3600 - 6 * 3600))
A=$((H - 600)) B=$((H + 3000)) C=$((H + 8400))
sqlite3 "$F" "WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 17),
    p AS (SELECT i, ($H + i * 600) AS at, CASE WHEN i < 6 THEN $A WHEN i < 15 THEN $B ELSE $C END AS dt FROM k)
  INSERT INTO probe_result (endpoint_id, at_ms, ok, data_time, lag_s) SELECT 1, at * 1000, 1, dt, at - dt FROM p;
  INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok, last_ok_ms, data_time, data_seen_ms)
  VALUES (1, ($H + 17 * 600) * 1000, 1, ($H + 17 * 600) * 1000, $C, ($H + 15 * 600) * 1000)"
seal_results "$F"
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
INSTANTS="$((H + 1800)) $((H + 3700)) $((H + 6000)) $((H + 9300))"
lag() { f --now "$(iso "$1")" db query "SELECT recovery_point_at FROM v_recovery_point"; }
for t in $INSTANTS; do
	f --now "$(iso "$t")" status --format json >"$T/fresh-before-$t.json"
done
ok "as of then, the recovery point moves with the probes" \
	test "$(for t in $INSTANTS; do lag "$t"; done | tr '\n' ' ')" = "$A $B $B $C "
f config set retention 1s >/dev/null
f db prune >/dev/null
ok "pruned: the first probe, each recovery point's first sighting and the newest stay" \
	test "$(sqlite3 "$F" "SELECT group_concat((at_ms / 1000 - $H) / 600, ',') FROM (SELECT at_ms FROM probe_result ORDER BY at_ms)")" = "0,6,15,17"
ok "the rest is in the rollups" test "$(sqlite3 "$F" "SELECT sum(probes) FROM probe_rollup")" -ge 16
ok "as of then, the recovery points are the same after pruning" \
	test "$(for t in $INSTANTS; do lag "$t"; done | tr '\n' ' ')" = "$A $B $B $C "
# The newest probe by then is the same, or, when its raw result is pruned,
# within the hour of it (an hour watched throughout gives 'now').
same_but_probe() { # BEFORE AFTER: the same verdict, last_probe_at within the hour
	jq -e --slurpfile a "$2" '[., $a[0]] | (.[0] | map(del(.last_probe_at))) == (.[1] | map(del(.last_probe_at)))
		and all(transpose[]; (.[1].last_probe_at - .[0].last_probe_at) * (.[1].last_probe_at - .[0].last_probe_at) < 3600 * 3600)' "$1" >/dev/null
}
for t in $INSTANTS; do
	f --now "$(iso "$t")" status --format json >"$T/fresh-after-$t.json"
	ok "the verdict as of $(iso "$t") is the same after pruning" same_but_probe "$T/fresh-before-$t.json" "$T/fresh-after-$t.json"
done
succeeds "intact" --db "$F" db verify
# A result written outside drtop, in no batch entry, is folded like the others
# but never pruned: it stays for verification to name.
sqlite3 "$F" "INSERT INTO probe_result (endpoint_id, at_ms, ok, data_time, lag_s) VALUES (1, ($H + 5 * 600 + 300) * 1000, 0, NULL, NULL)"
forged=$(sqlite3 "$F" "SELECT max(id) FROM probe_result")
f db prune >/dev/null
ok "a result written outside drtop is not pruned" test "$(sqlite3 "$F" "SELECT count(*) FROM probe_result WHERE id = $forged")" = 1
run --db "$F" db verify
ok "and stays named" sh -c "test $rc -eq 65 && grep -q '^probe_result $forged-$forged: not in the ledger: written outside drtop' '$T/out'"

done_testing

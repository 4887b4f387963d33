#!/bin/sh
# v_coverage reads, for each endpoint, the summary its state keeps of the raw
# results not folded yet (endpoint_state.tail_*) instead of the results
# themselves. After every kind of change the summary must be what the results
# give (v_probe_tail), and v_coverage must give the rows it gives from the
# results alone, at 'now' and at instants in the past.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW
NOW=$(date +%s)
"$DRTOP" system add cov --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add cov http://127.0.0.1:9/a --interval 30s --timeout 10s >/dev/null
"$DRTOP" endpoint add cov http://127.0.0.1:9/b --interval 30s --timeout 10s >/dev/null
A=$(sql "SELECT id FROM endpoint WHERE url LIKE '%/a'")
B=$(sql "SELECT id FROM endpoint WHERE url LIKE '%/b'")
sql "UPDATE endpoint SET created_at = $NOW - 10000" # watched since before their results
# a state for each, as the prober keeps it (any client may write one)
sql "INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok) VALUES ($A, $NOW * 1000, 1), ($B, $NOW * 1000, 1)"
# result ENDPOINT SECONDS-BEFORE-NOW [MS]: one result, written as any client may
result() { sql "INSERT INTO probe_result (endpoint_id, at_ms, ok) VALUES ($1, ($NOW - $2) * 1000 + ${3:-0}, 1)"; }
# results ENDPOINT FROM-SECONDS-AGO TO-SECONDS-AGO STEP: one every STEP seconds
results() {
	sql "WITH RECURSIVE s(t) AS (SELECT $2 UNION ALL SELECT t - $4 FROM s WHERE t - $4 >= $3)
	     INSERT INTO probe_result (endpoint_id, at_ms, ok) SELECT $1, ($NOW - t) * 1000, 1 FROM s"
}
MISMATCH="SELECT count(*) FROM endpoint_state m JOIN v_probe_tail t USING (endpoint_id)
  WHERE m.tail_from_ms IS NOT t.from_ms OR m.tail_probes IS NOT t.probes OR m.tail_first_ms IS NOT t.first_ms
     OR m.tail_last_ms IS NOT t.last_ms OR m.tail_between_ms IS NOT t.between_ms OR m.tail_limit_ms IS NOT t.limit_ms"
COVERAGE="SELECT endpoint_id, probes, first_probe_at, last_probe_at, watched_ms, span_ms, share FROM v_coverage ORDER BY endpoint_id"
# same DESCRIPTION [WHEN]: the summary is what the results give, and v_coverage
# at WHEN (default: the test's now) is what it gives from the results alone
# (a copy whose summaries are set aside: no limit they were counted with)
same() {
	ok "$1: the summary is what the results give" sql_is "$MISMATCH" 0
	cp "$DRTOP_DB" "$T/raw.db"
	sqlite3 "$T/raw.db" "UPDATE endpoint_state SET tail_limit_ms = NULL"
	at=$(date -u -d "@${2:-$NOW}" +%Y-%m-%dT%H:%M:%SZ)
	"$DRTOP" --now "$at" db query "$COVERAGE" >"$T/summary.out" 2>&1
	DRTOP_DB="$T/raw.db" "$DRTOP" --now "$at" db query "$COVERAGE" >"$T/raw.out" 2>&1
	ok "$1: v_coverage at $at is what the results give" cmp -s "$T/summary.out" "$T/raw.out"
}

# Marks 8000 s back (the prober's retention step makes them; any client may).
sql "INSERT INTO probe_rollup_mark (endpoint_id, folded_ms) VALUES ($A, ($NOW - 8000) * 1000), ($B, ($NOW - 8000) * 1000)"
ok "a summary for each state, from its mark" \
	sql_is "SELECT count(*) FROM endpoint_state WHERE tail_probes = 0 AND tail_limit_ms = 100000
	          AND tail_from_ms = ($NOW - 8000) * 1000" 2

results "$A" 7000 600 30
results "$B" 7000 4000 30
results "$B" 3000 600 30 # a gap of 1000 s: more than three intervals and a timeout
same "results in time order"
ok "the summary counts them" sql_is "SELECT tail_probes FROM endpoint_state WHERE endpoint_id = $A" 214
ok "and the steps within the limit, not the gap" \
	sql_is "SELECT tail_between_ms FROM endpoint_state WHERE endpoint_id = $B" $(((7000 - 4000 + 3000 - 600) * 1000))

# The summary is what v_coverage reads: one changed by hand changes it.
cp "$DRTOP_DB" "$T/used.db"
sqlite3 "$T/used.db" "UPDATE endpoint_state SET tail_between_ms = tail_between_ms - 60000 WHERE endpoint_id = $A"
"$DRTOP" db query "$COVERAGE" >"$T/a.out"
DRTOP_DB="$T/used.db" "$DRTOP" db query "$COVERAGE" >"$T/b.out"
ok "v_coverage reads the summary" sh -c '! cmp -s "$1" "$2"' - "$T/a.out" "$T/b.out"

result "$A" 600
same "a result in the same millisecond as the newest"
result "$A" 30 500
same "a newer one"
result "$A" 615
same "a result before the newest"
sql "DELETE FROM probe_result WHERE endpoint_id = $B AND at_ms = ($NOW - 2010) * 1000"
same "a result removed"
sql "UPDATE probe_result SET at_ms = at_ms - 5000 WHERE endpoint_id = $B AND at_ms = ($NOW - 1200) * 1000"
same "a result moved"
sql "UPDATE probe_result SET endpoint_id = $A WHERE endpoint_id = $B AND at_ms = ($NOW - 900) * 1000"
same "a result given to another endpoint"
sql "UPDATE endpoint SET interval_ms = 300000 WHERE id = $B"
same "the endpoint's interval changed: a larger limit"
ok "counted with it" sql_is "SELECT tail_limit_ms FROM endpoint_state WHERE endpoint_id = $B" 910000
for ago in 6000 3000 1000 650 601 100; do
	same "at $ago s before now, read from the results" $((NOW - ago))
done

# Folding moves the mark: what stays after it is counted again.
succeeds "a retention of an hour" config set retention 1h
succeeds "folds the hours over" db prune
ok "the marks moved" sql_is "SELECT count(*) FROM probe_rollup_mark WHERE folded_ms > 0" 2
ok "into rollups" sql_ge "SELECT count(*) FROM probe_rollup" 2
same "after folding"
same "after folding, five minutes ago" $((NOW - 300))
result "$A" 3
same "a result after folding"
result "$A" 7500
same "a result before the mark: folded already, not in the summary"

# An endpoint whose results came before its state and its mark: counted when
# each is made.
"$DRTOP" endpoint add cov http://127.0.0.1:9/c --interval 30s --timeout 10s >/dev/null
C=$(sql "SELECT id FROM endpoint WHERE url LIKE '%/c'")
results "$C" 200 10 30
same "an endpoint without a state"
sql "INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok) VALUES ($C, $NOW * 1000, 1)"
ok "no mark yet: counted from the start" sql_is "SELECT tail_from_ms || '|' || tail_probes FROM endpoint_state WHERE endpoint_id = $C" "0|7"
same "an endpoint without a mark"
succeeds "the retention step gives it one" db prune
same "its mark counts the results before it"
ok "all of them after it" sql_is "SELECT s.tail_probes = (SELECT count(*) FROM probe_result r WHERE r.endpoint_id = $C
	AND r.at_ms >= m.folded_ms) AND s.tail_from_ms = m.folded_ms FROM endpoint_state s JOIN probe_rollup_mark m USING (endpoint_id)
	WHERE endpoint_id = $C" 1
"$DRTOP" endpoint add cov http://127.0.0.1:9/d --interval 30s --timeout 10s >/dev/null
D=$(sql "SELECT id FROM endpoint WHERE url LIKE '%/d'")
sql "UPDATE endpoint SET created_at = $NOW - 10000 WHERE id = $D"
sql "INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok) VALUES ($D, $NOW * 1000, 1)"
sql "INSERT INTO probe_rollup_mark (endpoint_id, folded_ms) VALUES ($D, ($NOW - 100) * 1000)"
result "$D" 50
same "one result after the mark"

# The prober's own results keep it too.
echo ok >"$T/up"
"$DRTOP" endpoint add cov "file://$T/up" --interval 1s --timeout 1s >/dev/null
for i in 1 2 3; do "$DRTOP" probe --once >/dev/null; done
same "the prober's results" "$(date +%s)"
sql "DELETE FROM probe_rollup_mark WHERE endpoint_id = $A"
same "a mark removed"
ok "its summary counts them" sql_is "SELECT tail_probes FROM endpoint_state m JOIN endpoint e ON e.id = m.endpoint_id
	WHERE e.url = 'file://$T/up'" 3
done_testing

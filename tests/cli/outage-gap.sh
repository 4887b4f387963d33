#!/bin/sh
# An outage cut by a gap in probing goes on: the watcher stops while the
# endpoint fails and starts again later. Still failing, the same outage
# continues with the gap marked inside it and no upper bound; once the
# endpoint recovers it ends with bounds that never count the gap as down.
# Recovered during the gap, the outage ends at the first probe after it.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/watch-lib.sh"
unset DRTOP_NOW
start_server

"$DRTOP" system add web --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add web "$URL/health" --interval 500ms --timeout 1s >/dev/null
# a silence longer than three intervals plus the timeout plus 1 s (3.5 s) is a gap
PAUSE=4

res() { sql "SELECT $1 FROM probe_result WHERE $2"; }
verify() { "$DRTOP" db verify >"$T/verify" 2>&1; }

# --- still failing after the gap -------------------------------------------
start_watch
ok "the watcher probes" wait_for 10 sql_ge "SELECT count(*) FROM probe_result WHERE ok" 2
ctl down >/dev/null
ok "an outage opens while the server is down" wait_for 10 sql_is "SELECT count(*) FROM outage WHERE ended_ms IS NULL" 1
stop_watch
before=$(res "max(at_ms)" 1)
sleep $PAUSE
start_watch
ok "probing again, still failing" wait_for 10 sql_ge "SELECT count(*) FROM probe_result WHERE NOT ok AND at_ms > $before" 2
after=$(res "min(at_ms)" "at_ms > $before")
ok "the outage goes on: still one outage, open" sql_is "SELECT count(*), sum(ended_ms IS NULL) FROM outage" "1|1"
ok "the gap is marked inside it, from the last probe before to the first after" \
	sql_is "SELECT count(*), min(from_ms) = $before, min(to_ms) = $after FROM outage_gap" "1|1|1"
ok "v_outages counts the gap and its silence" \
	sql_is "SELECT gaps, gap_ms = $after - $before, coalesce(upper_ms, 'none') FROM v_outages" "1|1|none"
ok "ongoing, it has no upper bound" \
	sh -c "test \"\$('$DRTOP' db query 'SELECT ongoing, coalesce(upper_ms, 0), gaps FROM v_outage_measure')\" = '1|0|1'"
ctl up >/dev/null
ok "the first success ends it" wait_for 10 sql_is "SELECT count(*) FROM outage WHERE ended_ms IS NOT NULL" 1
stop_watch
started=$(sql "SELECT started_ms FROM outage")
ok_before=$(res "max(at_ms)" "ok AND at_ms < $started")
first_ok=$(res "min(at_ms)" "ok AND at_ms > $after")
last_fail=$(res "max(at_ms)" "NOT ok AND at_ms < $first_ok")
# The longest stretch of failures watched without a gap: the silence is no data.
run1=$((before - started)) run2=$((last_fail - after))
lower=$((run1 > run2 ? run1 : run2))
echo "# failures $started..$before, gap to $after, failures to $last_fail, first success $first_ok"
ok "one outage, ended at the first success, not ended by the gap" \
	sql_is "SELECT count(*), min(ended_ms) = $first_ok, min(gap) FROM outage" "1|1|0"
ok "its lower bound is the longest stretch of failures between gaps ($lower ms)" \
	sql_is "SELECT lower_ms FROM v_outages" "$lower"
ok "its upper bound runs from the last success before to the first after" \
	sql_is "SELECT upper_ms = $first_ok - $ok_before, gaps FROM v_outages" "1|1"
ok "the verdict reads the same bounds" \
	sh -c "test \"\$('$DRTOP' db query 'SELECT lower_ms, upper_ms = $first_ok - $ok_before, gaps, ongoing FROM v_outage_measure')\" = '$lower|1|1|0'"
# Judged at a 'now' inside the gap, the outage was still going on: v_outages
# says so (no end, no bounds) and knows no gap yet; before it began, it is
# not there at all.
in_gap=$((before / 1000 + 1))
asof() { "$DRTOP" --now "@$1" db query "$2"; }
ok "v_outages at a 'now' inside the gap: ongoing, no end, no bounds, no gap yet" \
	test "$(asof $in_gap "SELECT coalesce(ended, '-'), coalesce(lower_ms, '-'), coalesce(breach, '-'), gaps FROM v_outages")" = "-|-|-|0"
ok "... as v_outage_measure has it" test "$(asof $in_gap "SELECT ongoing, gaps FROM v_outage_measure")" = "1|0"
ok "v_outages before the outage began: none" test "$(asof $((started / 1000 - 1)) "SELECT count(*) FROM v_outages")" = 0
ok "db verify: the gap is in the ledger" verify
ok "as an entry of its own" sql_is "SELECT count(*) FROM ledger WHERE kind = 'outage_gap.insert'" 1

# --- recovered during the gap ---------------------------------------------
start_watch
ok "probing again" wait_for 10 sql_ge "SELECT count(*) FROM probe_result WHERE ok AND at_ms > $first_ok" 2
ctl down >/dev/null
ok "a second outage opens" wait_for 10 sql_is "SELECT count(*) FROM outage WHERE ended_ms IS NULL" 1
stop_watch
id=$(sql "SELECT id FROM outage WHERE ended_ms IS NULL")
started=$(sql "SELECT started_ms FROM outage WHERE id = $id")
before=$(res "max(at_ms)" 1)
ctl up >/dev/null
sleep $PAUSE
succeeds "probe once after the pause" probe --once
first_ok=$(res "min(at_ms)" "at_ms > $before")
ok_before=$(res "max(at_ms)" "ok AND at_ms < $started")
ok "the probe after the gap succeeded" sql_is "SELECT ok FROM probe_result WHERE at_ms = $first_ok" 1
ok "the outage ends at that success, the gap marked inside it" \
	sql_is "SELECT ended_ms = $first_ok, res_end_ms = $first_ok - $before, gap, gaps FROM v_outages WHERE id = $id" "1|1|0|1"
ok "no outage starts after it" sql_is "SELECT count(*) FROM outage" 2
ok "it claims no more than it saw: at least first to last failure" \
	sql_is "SELECT lower_ms = $before - $started FROM v_outages WHERE id = $id" 1
ok "at most last success before to first success after (across the gap)" \
	sql_is "SELECT upper_ms = $first_ok - $ok_before FROM v_outages WHERE id = $id" 1
ok "db verify still passes" verify

done_testing

#!/bin/sh
# A system down now whose outage has a gap in probing inside it (the watcher
# was stopped for a while): its running time is the longest stretch watched
# failing, so it stays still for a while; the list and the system's page say
# how much of the outage nobody watched.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"
unset DRTOP_NOW

"$DRTOP" system add gapped --rto 1h --rpo 1d >/dev/null
"$DRTOP" endpoint add gapped "http://127.0.0.1:9/gapped" >/dev/null
"$DRTOP" checkin gapped >/dev/null
R=$(date +%s)
E=$(sql "SELECT id FROM endpoint")
# failing from, nobody probing until R-100, failing since
sql "INSERT INTO outage (endpoint_id, system_id, started_ms, res_start_ms)
       SELECT id, system_id, ($R - 700) * 1000, 1000 FROM endpoint WHERE id = $E;
     INSERT INTO outage_gap (outage_id, from_ms, to_ms) VALUES ((SELECT max(id) FROM outage), ($R - 640) * 1000, ($R - 100) * 1000);
     INSERT INTO probe_result (endpoint_id, at_ms, ok) VALUES ($E, ($R - 700) * 1000, 0), ($E, ($R - 640) * 1000, 0), ($E, ($R - 100) * 1000, 0);
     INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok, failures, first_fail_ms, last_fail_ms, outage_id)
       VALUES ($E, ($R - 100) * 1000, 0, 3, ($R - 700) * 1000, ($R - 100) * 1000, (SELECT max(id) FROM outage))"

DASH_COLS=140 dashboard --db "'$DRTOP_DB'" --readonly
ok "the dashboard starts" wait_for 10 shows "gapped"
ok "down for the longest stretch watched failing (1m), and 9m nobody watched" \
	wait_for 10 sh -c "tmux capture-pane -p -t '$S' | grep gapped | grep -q 'down ≥ 1m, RTO 1h (+9m unwatched)'"
keys Enter
ok "the system's page says it too" \
	wait_for 5 shows "down now, for ≥ 1m (RTO 1h): an outage is going on, with 9m of it unwatched"
keys q q
ok "q q leaves" wait_for 5 test -s "$T/exited"

done_testing

#!/bin/sh
# The system view (detail) says the same numbers as `drtop status`.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"
unset DRTOP_NOW # the probes below happen now: the dashboard's clock is the present

"$DRTOP" system add lagging --rto 15m --rpo 1h --tier 1 >/dev/null
"$DRTOP" checkin lagging --at -3h >/dev/null
"$DRTOP" drill add lagging --kind tabletop --started -10d --recovered -238h >/dev/null
# A freshness endpoint failing: the page says why, as a health one's does.
"$DRTOP" endpoint add lagging "file://$T/no-such-dump" --kind freshness >/dev/null
"$DRTOP" probe --once >/dev/null 2>&1
# A freshness endpoint that answered for an hour, then failed for two: the
# chart of its data lag grows while it fails, not stays at the last good one.
"$DRTOP" system add fresh --rto 1h --rpo 30m --tier 3 >/dev/null
"$DRTOP" endpoint add fresh "file://$T/fresh-dump" --kind freshness >/dev/null
now=$(date +%s)
sql "WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 17)
     INSERT INTO probe_result (endpoint_id, at_ms, ok, data_time, lag_s, error)
     SELECT e.id, ($now - 10800 + k.i * 600) * 1000, k.i < 6,
            CASE WHEN k.i < 6 THEN $now - 10800 + k.i * 600 - 60 END,
            CASE WHEN k.i < 6 THEN 60 END, CASE WHEN k.i >= 6 THEN 'unreachable' END
     FROM endpoint e, k WHERE e.url = 'file://$T/fresh-dump'"
lag=$("$DRTOP" status | awk '$2 == "lagging" { print $8 }')
ok "status measures the data lag" test "$lag" = 3h

dashboard --db "'$DRTOP_DB'" --readonly
ok "the dashboard starts" wait_for 10 shows "lagging"
keys Enter
ok "Enter opens the system" wait_for 5 shows "RPO 1h, data lag"
ok "its header gives the data lag status gives (not the RTO), once the verdict is read" wait_for 10 shows "RTO 15m, .*RPO 1h, data lag $lag"
ok "a tabletop drill took its time and recovered nothing" shows "tabletop .* took 2h (nothing was recovered)"
ok "a failing freshness endpoint says why" shows "freshness .*no-such-dump .*failing: [A-Za-z]"
ok "a check-in of no schedule is shown, the data lag's source" \
	shows "(none) *1 check-in of no schedule *last ok 20[0-9-]*T"
keys Escape '/'
keys 'fresh' Enter Enter
ok "the data lag chart grows while its probes fail: low first, its highest last" \
	wait_for 5 sh -c "tmux capture-pane -p -t '$S' | grep -q 'data lag (RPO 30m): *▁▁▁▁▁▁.*█ now'"
keys q q
ok "q q leaves" wait_for 5 test -s "$T/exited"

done_testing

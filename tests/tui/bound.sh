#!/bin/sh
# An outage cut by a gap in probing (the dashboard quit during it) is a lower
# bound: the dashboard shows it as "≥", never as a measured recovery.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"
unset DRTOP_NOW

start_server
"$DRTOP" system add web --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add web "$URL/health" --interval 500ms --timeout 1s >/dev/null

dashboard --db "'$DRTOP_DB'"
ok "the dashboard probes" wait_for 10 sql_is "SELECT count(*) > 0 FROM probe_result WHERE ok" 1
ctl down >/dev/null
ok "an outage opens" wait_for 10 sql_is "SELECT count(*) FROM outage WHERE ended_ms IS NULL" 1
keys q
ok "the dashboard quits during it" wait_for 5 sh -c "grep -q 'EXITED 0' '$T/exited'"
sleep 5 # longer than three intervals plus the timeout plus 1 s (3.5 s): a gap in probing
tmux kill-session -t "$S"
dashboard --db "'$DRTOP_DB'"
ok "restarted, it ends the outage as cut by the gap" wait_for 20 sql_is "SELECT count(*) FROM outage WHERE gap = 1 AND ended_ms IS NOT NULL" 1
ok "the list shows the worst recovery as a lower bound" wait_for 10 sh -c "tmux capture-pane -p -t '$S' | grep 'web' | grep -q '1h/≥'"
keys Enter
ok "so does the system's header" wait_for 5 shows "worst recovery ≥[0-9].*, last ≥[0-9]"
ok "and the outage chart" shows "worst ≥[0-9]"
keys q q
ok "q q quits" wait_for 5 sh -c "grep -q 'EXITED 0' '$T/exited'"

done_testing

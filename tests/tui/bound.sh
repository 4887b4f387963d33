#!/bin/sh
# An outage cut by a gap in probing (the dashboard quit during it) goes on
# when probing resumes and the endpoint still fails: it is a lower bound, and
# the dashboard shows it as "≥", never as a measured recovery.
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
ok "restarted, the outage goes on with the gap marked inside it" wait_for 20 sql_is "SELECT count(*), sum(ended_ms IS NULL), (SELECT count(*) FROM outage_gap) FROM outage" "1|1|1"
ok "the list shows the worst recovery as a lower bound" wait_for 10 sh -c "tmux capture-pane -p -t '$S' | grep 'web' | grep -q '1h/≥'"
keys Enter
ok "so does the system's header" wait_for 5 shows "worst recovery ≥ \?[0-9].*, last -"
ok "and its outage-ongoing finding, as status gives it: at least, the gap's silence not counted" \
	wait_for 5 shows "outage-ongoing *target 1h, measured ≥ [0-9]"
ctl up >/dev/null
ok "once a probe succeeds the outage ends, bounded on both sides" wait_for 10 sql_is "SELECT count(*) FROM v_outages WHERE upper_ms IS NOT NULL AND gaps = 1" 1
ok "and the header shows a recovery, no longer a lower bound" wait_for 10 shows "worst recovery [0-9].*, last [0-9]"
keys q q
ok "q q quits" wait_for 5 sh -c "grep -q 'EXITED 0' '$T/exited'"

done_testing

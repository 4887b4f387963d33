#!/bin/sh
# The list says why: a REASON column with the worst finding in words (the
# measured figure against the target), a reason for UNKNOWN, and for a
# system down now a marker, its running time against the RTO, and a count of
# the outages going on in the header.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"
unset DRTOP_NOW

start_server
"$DRTOP" system add web --rto 1h --rpo 1d --tier 1 >/dev/null
"$DRTOP" endpoint add web "$URL/health" --interval 500ms --timeout 1s >/dev/null
"$DRTOP" checkin web >/dev/null
"$DRTOP" system add lagging --rto 1d --rpo 1h --tier 2 >/dev/null
"$DRTOP" checkin lagging --at -26h >/dev/null
"$DRTOP" system add unjudged --rto 1h --rpo 1h --tier 2 >/dev/null
"$DRTOP" system add nightly --rto 1d --rpo 1d --tier 3 >/dev/null
"$DRTOP" schedule add nightly hourly --every 1h >/dev/null
"$DRTOP" checkin nightly --schedule hourly --at -5h >/dev/null
# A cron schedule's missed run: how long since it was due, not an age of the
# last backup (two days here).
"$DRTOP" system add cronbk --rto 1d --rpo 3d --tier 3 --since -3d >/dev/null
"$DRTOP" schedule add cronbk hourly --cron '0 * * * *' --duration 5m --grace 10m --since -3d >/dev/null
"$DRTOP" checkin cronbk --at -2d >/dev/null
# Watched a few minutes of its hour: below coverage-min, "watched X < Y", not "X > Y".
"$DRTOP" system add patchy --rto 1d --rpo 1d --tier 3 --since -1h >/dev/null
echo ok >"$T/patchy" # a file: up whatever the test server does
"$DRTOP" endpoint add patchy "file://$T/patchy" --interval 1m --timeout 10s --since -1h >/dev/null
"$DRTOP" checkin patchy >/dev/null
# (probed an hour ago and a moment ago: watched now, too little in between)
sql "INSERT INTO probe_result (endpoint_id, at_ms, ok) SELECT id, (strftime('%s', 'now') - k.s) * 1000, 1
     FROM endpoint, (SELECT 3540 AS s UNION ALL SELECT 20) k WHERE url = 'file://$T/patchy'"
# Down within its RTO, but BREACH by its data lag: the reason says both.
"$DRTOP" system add lagdown --rto 1h --rpo 1h --tier 2 >/dev/null
echo ok >"$T/lagdown"
"$DRTOP" endpoint add lagdown "file://$T/lagdown" --interval 500ms --timeout 1s >/dev/null
"$DRTOP" checkin lagdown --at -2h >/dev/null
# Disabled: nothing probes it, and the list says so rather than a stale figure.
"$DRTOP" system add parked --rto 1h --rpo 1d --tier 3 >/dev/null
"$DRTOP" system set parked --disable >/dev/null
row() { screen | grep -- "$1"; }

dashboard --db "'$DRTOP_DB'"
ok "the dashboard starts" wait_for 10 shows "REASON"
ok "a reason in words: the data lag against the RPO" wait_for 10 sh -c "tmux capture-pane -p -t '$S' | grep lagging | grep -q 'data lag 1d2h > 1h'"
keys G # the selection to the last row, which is not lagging's
ok "a figure past its objective is in the breach colour" wait_for 5 sh -c "tmux capture-pane -e -p -t '$S' | grep lagging | grep -q '41m1h/1d2h'"
ok "and its reason too" sh -c "tmux capture-pane -e -p -t '$S' | grep lagging | grep -q '41mdata lag'"
ok "a missed backup, with how long since" sh -c "tmux capture-pane -p -t '$S' | grep nightly | grep -q 'no backup since [45]h'"
ok "a cron schedule's missed run, with how long since it was due" sh -c "tmux capture-pane -p -t '$S' | grep cronbk | grep -q 'missed: due [0-9dhms]* ago'"
ok "UNKNOWN says which evidence is missing" sh -c "tmux capture-pane -p -t '$S' | grep unjudged | grep -q 'no evidence: RTO+RPO'"
ok "a disabled system says so" sh -c "tmux capture-pane -p -t '$S' | grep parked | grep -q 'disabled: not probed'"
ok "too little watched reads the right way round" sh -c "tmux capture-pane -p -t '$S' | grep patchy | grep -q 'watched [0-9hms]* < [0-9hms]*'"
ok "nothing down yet" shows "DOWN 0"
ok "the dashboard probes" wait_for 10 sql_is "SELECT count(*) > 0 FROM probe_result WHERE ok" 1
ctl down >/dev/null
ok "an outage opens" wait_for 10 sql_is "SELECT count(*) FROM outage WHERE ended_ms IS NULL" 1
ok "the header counts it" wait_for 10 shows "DOWN 1"
ok "the system is marked as down" sh -c "tmux capture-pane -p -t '$S' | grep -q '● web'"
ok "with its running time against the RTO" sh -c "tmux capture-pane -p -t '$S' | grep web | grep -q 'down ≥ [0-9]*s, RTO 1h'"
t1=$(screen | grep web | sed 's/.*down ≥ \([0-9]*\)s.*/\1/')
same_figure() { # RTO/WORST and REASON give the same running time on web's row
	row=$(screen | grep ' web ')
	test -n "$(echo "$row" | sed -n 's/.*1h\/≥\([0-9]*\)s.*down ≥ \1s, RTO 1h.*/x/p')"
}
always_same() { # ten looks, a fifth of a second apart, each agreeing
	for i in 1 2 3 4 5 6 7 8 9 10; do same_figure || return 1; sleep 0.2; done
}
ok "RTO/WORST gives the running time the reason gives, on the same row" always_same
ok "the running time goes on" wait_for 5 sh -c "test \"\$(tmux capture-pane -p -t '$S' | grep web | sed 's/.*down ≥ \([0-9]*\)s.*/\1/')\" -gt '$t1'"
keys '/'
keys 'web' Enter Enter
ok "the system's page says it is down, for how long, against the RTO" wait_for 5 shows "● down now, for ≥ [0-9]*s (RTO 1h)"
keys q
keys F1 End
ok "the help explains the reason column and the marker" wait_for 5 sh -c "tmux capture-pane -p -t '$S' | grep -q 'REASON     why: the worst finding'"
keys q
ctl up >/dev/null
ok "back up: no longer counted" wait_for 10 shows "DOWN 0"
ok "nor marked" lacks "● web"
rm "$T/lagdown"
ok "down within its RTO, BREACH by its data lag" wait_for 10 shows "DOWN 1"
ok "... the reason says both, in the breach colour" wait_for 5 sh -c \
	"tmux capture-pane -e -p -t '$S' | grep lagdown | grep -q '41mdown ≥ [0-9]*s, RTO 1h; data lag'"
echo ok >"$T/lagdown"
ok "... and up again, the data lag alone" wait_for 10 sh -c "tmux capture-pane -p -t '$S' | grep lagdown | grep -q ' data lag 2h > 1h'"
# The database held by another writer: the header says the results wait, and
# for how long, until they are recorded.
( printf '.timeout 5000\nBEGIN IMMEDIATE;\n.shell touch %s\n' "$T/locked"; sleep 6; printf 'COMMIT;\n' ) | sqlite3 "$DRTOP_DB" &
locker=$!
pids="$pids $locker"
ok "a writer holds the database" wait_for 5 test -f "$T/locked"
ok "the header says the results are not recorded, and for how long" wait_for 8 shows "db busy, [0-9]* unrecorded [0-9]*s"
wait "$locker"
ok "once it lets go, they are, and the header says so no more" wait_for 40 lacks "unrecorded"
keys q
ok "q quits" wait_for 5 grep -q 'EXITED 0' "$T/exited"
ok "nothing on stderr" test ! -s "$T/stderr"

done_testing

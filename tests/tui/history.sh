#!/bin/sh
# The list's history cells say each status by their height, so that a BREACH
# stands out in every theme, monochrome too; the help's legend says which is
# which, and a system's page lists the changes with their times.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"

"$DRTOP" system add flapping --rto 1h --rpo 1h >/dev/null
# Four changes, oldest first: OK, WARN, BREACH, UNKNOWN (a fixture written
# straight into the table: the dashboard only reads it).
sql "INSERT INTO status_history (system_id, at, status, reason)
     SELECT id, 1795132800 + n * 3600, s, '' FROM system,
       (SELECT 1 AS n, 'OK' AS s UNION SELECT 2, 'WARN' UNION SELECT 3, 'BREACH' UNION SELECT 4, 'UNKNOWN')
     WHERE name = 'flapping'"

DASH_COLS=140 # wide enough for the HISTORY column
dashboard --db "'$DRTOP_DB'" --readonly --theme monochrome
ok "the dashboard starts in the monochrome theme" wait_for 10 shows "flapping"
ok "OK, WARN, BREACH, UNKNOWN are told apart by the cells' height" \
	wait_for 10 sh -c "tmux capture-pane -p -t '$S' | grep flapping | grep -q '▂▅█░'"
keys F1 End
ok "the help's legend says which height is which" wait_for 5 sh -c "tmux capture-pane -p -t '$S' | grep -q '█ BREACH, ▅ WARN, ▂ OK, ░ UNKNOWN'"
keys q Enter
ok "a system's page lists its status changes with their times, newest first" wait_for 5 sh -c "
	tmux capture-pane -p -t '$S' | grep -A4 'status history' | sed -n 2,5p | tr -s ' ' | tr '\n' '|' |
	grep -qx ' 2026-11-20T04:00:00Z BREACH -> UNKNOWN| 2026-11-20T03:00:00Z WARN -> BREACH| 2026-11-20T02:00:00Z OK -> WARN| 2026-11-20T01:00:00Z first judged OK|'"
keys q
keys q
wait_for 5 test -s "$T/exited"

# The dashboard that probes keeps the status history itself, from the verdict
# it reads (its prober does not read the verdict again).
unset DRTOP_NOW
start_server
"$DRTOP" system add web --rto 3s --rpo 1d >/dev/null # WARN (never drilled), BREACH when down 3 s
"$DRTOP" endpoint add web "$URL/health" --interval 500ms --timeout 1s >/dev/null
"$DRTOP" checkin web >/dev/null
web_history="SELECT group_concat(h.status, ' ') FROM (SELECT status FROM status_history h
  JOIN system s ON s.id = h.system_id WHERE s.name = 'web' ORDER BY h.at, h.id) h"
tmux kill-session -t "$S"
DASH_ENV="-u DRTOP_NOW" # the test's tmux server has it from the first dashboard
dashboard --db "'$DRTOP_DB'"
ok "the probing dashboard keeps web's first status" wait_for 20 db_is "$web_history" "WARN"
ctl down >/dev/null
ok "and its change when web goes down" wait_for 30 db_is "$web_history" "WARN BREACH"
ok "the change shows in web's history cells" wait_for 10 sh -c "tmux capture-pane -p -t '$S' | grep ' web ' | grep -q '▅█'"
keys q
wait_for 5 test -s "$T/exited"

done_testing

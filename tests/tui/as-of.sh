#!/bin/sh
# drtop --as-of T: the dashboard as it stood at T, from what was recorded by
# then; read-only, and its header says so.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"
unset DRTOP_NOW

d() { "$DRTOP" "$@" >/dev/null || echo "Bail out! drtop $*"; }
quit() {
	keys q
	wait_for 10 test -s "$T/exited" || echo "# the dashboard did not quit"
}

d system add payments-db --rto 1h --rpo 1d --since -30d
d checkin payments-db --at -2d
d status # the history: BREACH
t1=$(date +%s)
while [ "$(date +%s)" -le "$t1" ]; do sleep 0.1; done
d checkin payments-db --at "$((t1 - 3600))" # backfilled after T1
d status # ... then UNKNOWN, after T1
changes=$(sql "SELECT count(*) FROM audit_log")

dashboard --db "'$DRTOP_DB'" --as-of "$t1"
ok "the header says the dashboard shows what was recorded by then" wait_for 10 shows "as recorded by then"
ok "the clock is T1, with its date" shows "$(date -u -d "@$t1" '+%Y-%m-%d %H:%M:%SZ')"
ok "payments-db is in breach as it was at T1: the backfilled check-in takes no part" \
	wait_for 10 sh -c "tmux capture-pane -p -t '$S' | grep -q '^BREACH *payments-db.*data lag 2d'"
keys a
ok "an edit is refused, naming --as-of" wait_for 5 shows "read-only: no changes (started with --as-of)"
quit
tmux kill-session -t "$S"
blk=$(printf '\342\226\210') # a BREACH in the HISTORY column
DASH_COLS=130 dashboard --db "'$DRTOP_DB'" --as-of "$t1"
ok "its HISTORY has the change of status recorded by T1, not the one after" \
	wait_for 10 sh -c "tmux capture-pane -p -t '$S' | grep -q '^BREACH *payments-db.* -  *$blk\$'"
keys Enter
ok "the system opens" wait_for 5 shows "backup schedules and check-ins"
keys w
ok "its what-if tries every strategy on the evidence of T1" \
	wait_for 5 sh -c "tmux capture-pane -p -t '$S' | grep -q '^ *pilot-light  *[$][$]  *BREACH  *no change to the findings'"
keys Escape Escape
quit
ok "it leaves with status 0" grep -q "EXITED 0" "$T/exited"
ok "and wrote nothing" test "$(sql "SELECT count(*) FROM audit_log")" -eq "$changes"
tmux kill-session -t "$S"

dashboard --db "'$DRTOP_DB'" --readonly
ok "without --as-of the backfill counts: the data lag is an hour" \
	wait_for 10 sh -c "tmux capture-pane -p -t '$S' | grep -q '^[A-Z]* *payments-db.*1d/1h'"
quit
tmux kill-session -t "$S"

DASH_COLS=100 dashboard --db "'$DRTOP_DB'" --now "$t1" --readonly
ok "with --now T1 the header says --now, beside T1's date" \
	wait_for 10 sh -c "tmux capture-pane -p -t '$S' | head -1 | grep -q -- '--now, read-.*$(date -u -d "@$t1" '+%Y-%m-%d %H:%M:%SZ')'"
quit
tmux kill-session -t "$S"

# Before the first system was created (--since -30d): none had been added.
rm -f "$T/exited"
dashboard --db "'$DRTOP_DB'" --as-of -31d
ok "as of before any system, the list says none had been added by then (not: press a)" \
	wait_for 10 shows "no systems had been added by then"
quit
tmux kill-session -t "$S"

# An endpoint that answered at T2 and fails now: its line on the system's page
# as of T2 tells of its probe by then, not of the present.
start_server
d system add web --rto 1h --rpo 1h
d endpoint add web "$URL/health" --interval 1m
d probe --once
t2=$(date +%s)
while [ "$(date +%s)" -le "$t2" ]; do sleep 0.1; done
ctl down >/dev/null
d probe --once
rm -f "$T/exited"
dashboard --db "'$DRTOP_DB'" --as-of "$t2"
wait_for 10 shows " web " && keys / w e b Enter Enter
ok "as of T2, web's endpoint was ok" wait_for 10 shows "^  health .*/health .*every 1m  ok\$"
keys Escape
quit
tmux kill-session -t "$S"
rm -f "$T/exited"
dashboard --db "'$DRTOP_DB'" --readonly
wait_for 10 shows " web " && keys / w e b Enter Enter
ok "now it is failing" wait_for 10 shows "^  health .*/health .*every 1m  failing: Failed to connect"
keys Escape
quit

done_testing

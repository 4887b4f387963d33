#!/bin/sh
# A drill run from the dashboard (r): a form with the commands, the steps and
# commands shown before it asks, then a screen with the timer against the
# RTO, the probes as they come, the command's output and the result; x aborts
# it. The dashboard goes on probing the other systems meanwhile.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"
unset DRTOP_NOW # a drill runs in real time
start_server
C="http://127.0.0.1:$CTL"

d() { "$DRTOP" "$@" >/dev/null || echo "Bail out! drtop $*"; }
d system add pay --rto 1m --rpo 1h --tier 0
d endpoint add pay "$URL/health" --interval 1m
d system add other --rto 1h --rpo 1h --tier 3
d endpoint add other "$URL/count/other" --interval 1s
cat >"$T/failover.sh" <<EOF
curl -fsS $C/down >/dev/null
sleep 2
curl -fsS $C/up >/dev/null
echo standby promoted
EOF

DASH_ENV="-u DRTOP_NOW" dashboard --db "'$DRTOP_DB'"
ok "the dashboard starts" wait_for 10 shows "pay"
keys / pay Enter
keys r
ok "r opens the drill's form" wait_for 5 shows "Run a drill"
keys Tab "sh $T/failover.sh" Enter
ok "before it starts, the screen names every step and the command" \
	wait_for 5 shows "run the recovery command: /bin/sh -c 'sh $T/failover.sh'"
ok "... with the endpoint it judges by" shows "$URL/health (health)"
ok "... and asks" shows "Start this failover drill of pay now?"
ok "nothing is recorded before the yes" db_is "SELECT count(*) FROM drill" 0
before=$(curl -fsS "$C/hits/other")
keys y
ok "y starts it: the screen shows it running against the RTO" wait_for 5 shows "running .*s / RTO 1m"
ok "the probes show as they come" wait_for 5 shows "probe +.* down"
ok "the command's output shows" wait_for 10 shows "| standby promoted"
ok "the result shows" wait_for 15 shows "result: met the RTO and RPO"
ok "... with the recovery time and its bounds against the RTO" shows "back after .*s (between .*s and .*s), RTO 1m: met"
ok "recorded as a measured drill" db_is "SELECT evidence, state FROM v_drills" "measured|recovered"
ok "the other system was probed all along" test "$(curl -fsS "$C/hits/other")" -ge $((before + 2))

# A drill that hangs, aborted with x: its abort command runs.
keys Escape
ok "Esc returns to the list" wait_for 5 shows "STATUS"
keys Enter
ok "the system's page lists the drill as measured, with its resolution" \
	wait_for 5 shows "failover .* recovered in .* (to within .*s), measured"
keys Escape
wait_for 5 shows "STATUS"
keys r
ok "r offers the last drill's commands again" wait_for 5 shows "sh $T/failover.sh"
keys Tab C-u "sleep 30" Tab Tab C-u "echo undone >$T/abort.out" Enter
wait_for 5 shows "Start this failover drill"
keys y
ok "the hanging drill runs" wait_for 5 shows "x: abort the drill"
keys x
ok "x aborts it: the result says so" wait_for 10 shows "result: aborted: interrupted"
ok "... after the abort command ran" test "$(cat "$T/abort.out" 2>/dev/null)" = undone
ok "recorded as aborted" db_is "SELECT state FROM v_drills ORDER BY id DESC LIMIT 1" aborted
keys Escape
wait_for 5 shows "STATUS"

# q while a drill runs asks to abort it first; Ctrl-C aborts the drill, not
# the dashboard.
keys r
wait_for 5 shows "Run a drill"
keys Enter
wait_for 5 shows "Start this failover drill"
keys y
wait_for 5 shows "x: abort the drill"
keys Escape
wait_for 5 shows "STATUS"
keys q
ok "q during a drill asks to abort it instead of quitting" wait_for 5 shows "A drill of pay is running. Abort it"
keys n
ok "... no: the drill goes on" db_is "SELECT state FROM v_drills ORDER BY id DESC LIMIT 1" running
keys C-c
ok "Ctrl-C aborts the drill" wait_for 10 db_is "SELECT state, failure FROM v_drills ORDER BY id DESC LIMIT 1" "aborted|interrupted"
ok "... and the dashboard stays" test ! -s "$T/exited"
keys q
ok "q quits when no drill runs" wait_for 5 test -s "$T/exited"

# The terminal closed (SIGHUP) or the dashboard stopped (SIGTERM) while a
# drill runs: the drill is aborted as by Ctrl-C (its command ended, its abort
# command run, its end recorded), never left running with nobody to end it.
drill_hangs() { # drill_hangs TAG: start a drill whose command hangs, its abort writing $T/TAG.out
	tmux kill-session -t "$S" 2>/dev/null
	DASH_ENV="-u DRTOP_NOW" dashboard --db "'$DRTOP_DB'"
	wait_for 10 shows "pay"
	keys / pay Enter
	keys r
	wait_for 5 shows "Run a drill"
	keys Tab C-u "sleep 3$1" Tab Tab C-u "echo undone >$T/$1.out" Enter
	wait_for 5 shows "Start this failover drill"
	keys y
	wait_for 5 shows "x: abort the drill"
}
running() { pgrep -f "^sleep 3$1\$" >/dev/null; }
gone() { ! running "$1"; }
drill_hangs 7
ok "(a drill whose command hangs runs)" wait_for 5 running 7
tmux kill-session -t "$S"
ok "the terminal closed during a drill: the drill is recorded aborted" \
	wait_for 10 db_is "SELECT state, failure FROM v_drills ORDER BY id DESC LIMIT 1" "aborted|interrupted"
ok "... its abort command ran" wait_for 5 test -s "$T/7.out"
ok "... and its command was ended" wait_for 5 gone 7
drill_hangs 8
pane=$(tmux display -p -t "$S" '#{pane_pid}')
kill -TERM "$(pgrep -P "$pane" -x drtop)"
ok "SIGTERM during a drill: the drill is recorded aborted" \
	wait_for 10 db_is "SELECT state, failure FROM v_drills ORDER BY id DESC LIMIT 1" "aborted|interrupted"
ok "... its abort command ran" wait_for 5 test -s "$T/8.out"
ok "... its command was ended" wait_for 5 gone 8
ok "... and the dashboard left" wait_for 10 grep -qs "EXITED 0" "$T/exited"
ok "the ledger verifies" "$DRTOP" db verify

done_testing

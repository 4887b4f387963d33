#!/bin/sh
# The dashboard's header says when notifications wait to be delivered (and
# when nobody delivers them), are held for a disabled channel, or failed, and
# when an alertmanager's refreshes fail; it says nothing once all are
# delivered; a system's page lists its last notifications with their errors.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"
unset DRTOP_NOW

start_server
start_receiver
d() { "$DRTOP" "$@" >/dev/null; }
head1() { screen | head -1 | grep -q -- "$1"; }
nohead1() { ! screen | head -1 | grep -q -- "$1"; }
# need DESCRIPTION COMMAND...: what the test builds on (not what it tests)
need() {
	desc=$1
	shift
	"$@" || { echo "Bail out! $desc"; exit 1; }
}
quit() {
	keys q q
	wait_for 10 test -s "$T/exited" || echo "# the dashboard did not quit"
	tmux kill-session -t "$S"
}
DASH_COLS=120
DASH_ROWS=60 # the whole system page on one screen

d system add web --rto 1h --rpo 1h
d endpoint add web "$URL/health" --interval 500ms --timeout 1s
d checkin web --at -1m
d drill add web --kind restore --started -30d --recovered -30d
d notify add hook --kind webhook --url "$RURL/hook"
d config set alertmanager-refresh 1s
d probe --once
ctl mode/status/500 >/dev/null
d probe --once
d probe --once
need "web's outage waits in the outbox" sql_is "SELECT state FROM notify_outbox" pending

# Nobody holds the probing lease and this dashboard only reads: nobody delivers.
dashboard --db "'$DRTOP_DB'" --readonly
ok "the header says a notification waits and nobody delivers it" \
	wait_for 10 head1 "notify: 1 waiting (nobody delivering) "
tmux resize-window -t "$S" -x 100
ok "narrower, it says so in a word" wait_for 5 head1 "notify: 1 stuck  read-only"
quit

# The receiver fails: the dashboard holds the lease and retries.
rmode 500
dashboard --db "'$DRTOP_DB'"
need "the dashboard tries to deliver it" wait_for 10 sql_ge "SELECT attempts FROM notify_outbox" 1
wait_for 10 head1 "notify: 1 waiting  probing"
said=$? # kept: after delivery, the header must no longer say it
ok "the header says it waits, delivered by this dashboard" test $said = 0
keys Enter
ok "the system's page lists it, waiting to retry" wait_for 10 shows "OK -> WARN *waiting to retry ([0-9] attempts\{0,1\} failed)"
ok "with the receiver's error" wait_for 5 shows "last error: HTTP 500: receiver failing"
rmode ok
need "delivered at last" wait_for 20 sql_is "SELECT state FROM notify_outbox" delivered
ok "the page says so" wait_for 5 shows "OK -> WARN *delivered after [0-9] attempts"
ok "and the header no longer says anything of notifications" eval 'test $said = 0 && wait_for 5 nohead1 notify'

# A channel allowed one attempt, whose receiver answers 500: failed.
d notify remove hook
d notify add once --kind webhook --url "$RURL/once" --attempts 1
rmode 500
d system set web --rpo 30s # the last check-in is older: BREACH
need "web's breach is told to the channel, and fails at once" \
	wait_for 20 sql_is "SELECT state || ':' || attempts FROM notify_outbox WHERE channel = 'once'" failed:1
ok "the header says 1 failed" wait_for 5 head1 "notify: 1 failed  probing"
ok "in the alarm colour" sh -c "tmux capture-pane -e -p -t '$S' | head -1 | grep -q \"$(printf '\033')\[41m1 failed\""
ok "the page marks it failed" wait_for 5 shows "-> BREACH *FAILED after 1 attempt$"
ok "with the error that ended it" shows "^ *error: HTTP 500: receiver failing"
tmux resize-window -t "$S" -x 80
ok "at 80 columns the header still says it" wait_for 5 head1 "notify: 1 failed"
tmux resize-window -t "$S" -x 120

# A channel whose target is down: its notification waits, retried.
d notify add down --kind webhook --url "http://127.0.0.1:9/"
d system set web --rpo 1h
need "the end of web's breach goes to both channels" \
	wait_for 20 sql_ge "SELECT count(*) FROM notify_outbox WHERE attempts > 0 AND channel = 'down'" 1
ok "the header counts the waiting and the failed" wait_for 10 head1 "notify: 1 waiting, 2 failed"
ok "the page gives the waiting one's error" wait_for 5 shows "last error: .*onnect"

# Its channel disabled: nobody will send it until it is enabled, so it is
# held, not waiting.
d notify disable down
ok "the header counts it held, not waiting" wait_for 10 head1 "notify: 1 held (channel disabled), 2 failed "
ok "the page says it is held" wait_for 5 shows "-> [A-Z]* *held: channel disabled$"
d notify enable down
ok "enabled again, it waits" wait_for 10 head1 "notify: 1 waiting, 2 failed"

# An alertmanager channel (hearing no event) whose refreshes the receiver
# answers with 500: the header says so, until a refresh succeeds again.
d notify add am --kind alertmanager --url "$RURL/am" --system none
ok "the header says the alertmanager's refreshes fail" \
	wait_for 10 head1 "notify: 1 waiting, 2 failed, 1 alertmanager failing"
ok "in the alarm colour" sh -c "tmux capture-pane -e -p -t '$S' | head -1 | grep -q \"$(printf '\033')\[41m2 failed, 1 alertmanager failing\""
rmode ok
ok "and no longer once a refresh succeeds" wait_for 10 nohead1 "alertmanager failing"
quit
succeeds "the ledger verifies" db verify
done_testing

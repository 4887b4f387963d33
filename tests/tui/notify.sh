#!/bin/sh
# The dashboard delivers notifications while it holds the probing lease, and
# only then: a dashboard that sees another prober leaves them to it.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"
unset DRTOP_NOW

start_server
start_receiver
d() { "$DRTOP" "$@" >/dev/null; }

d system add web --rto 1h --rpo 1h
d endpoint add web "$URL/health" --interval 1s --timeout 1s
d checkin web --at -1m
d drill add web --kind restore --started -30d --recovered -30d
d notify add hook --kind webhook --url "$RURL/hook"
d probe --once
ctl mode/status/500 >/dev/null
d probe --once
d probe --once
ok "web's outage waits in the outbox" sql_is "SELECT state FROM notify_outbox" pending

# Another prober (a live process of this host) holds the lease.
sleep 60 &
holder=$!
pids="$pids $holder"
sql "INSERT INTO prober (id, pid, host, started_at, last_cycle_at, kind)
     VALUES (1, $holder, '$(hostname)', strftime('%s', 'now'), strftime('%s', 'now'), 'watch')"
DASH_COLS=120 # room in the header for the waiting notification and a long PID
dashboard --db "'$DRTOP_DB'"
ok "the dashboard sees the other prober" wait_for 10 shows "probing elsewhere (pid $holder)"
sleep 2 # time in which a dashboard that delivered would have
ok "and delivers nothing" sh -c "sql_is() { test \"\$(sqlite3 '$DRTOP_DB' \"\$1\")\" = \"\$2\"; }; sql_is 'SELECT state FROM notify_outbox' pending && test ! -s '$T/recv.log'"

# The other prober dies: the dashboard takes the lease, and delivers.
kill "$holder"
ok "the dashboard takes the probing over" wait_for 20 sql_is "SELECT kind FROM prober" dashboard
ok "and delivers the notification" wait_for 10 sql_is "SELECT state || ':' || attempts FROM notify_outbox" "delivered:1"
ok "the receiver has it once" test "$(jq -r '.body.system + " " + .body.status' "$T/recv.log")" = "web WARN"
keys q
ok "the dashboard quits" wait_for 10 test -s "$T/exited"
succeeds "the ledger verifies" db verify
done_testing

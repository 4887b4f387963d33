#!/bin/sh
# The time nobody probed: a prober that takes the lease after nobody probed
# for notify-unwatched tells of that stretch, once, to the channels that hear
# changes to UNKNOWN.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/watch-lib.sh"
unset DRTOP_NOW
start_server
d() { "$DRTOP" "$@" >/dev/null; }
events() { sql "SELECT count(*) FROM notify_outbox WHERE kind = 'prober'"; }

d system add web --rto 1h --rpo 1h
d endpoint add web "$URL/health" --interval 1s --timeout 1s
d notify add ex --kind exec --command "cat >>'$T/exec.log'; echo >>'$T/exec.log'"
d notify add breach-only --kind exec --command "cat >>'$T/never'" --severity BREACH
fails "a bad duration" 65 "notify-unwatched" config set notify-unwatched soon
succeeds "the stretch that is told of is a setting" config set notify-unwatched 2s

start_watch
ok "a first prober has nothing to tell" sql_is "SELECT count(*) FROM notify_outbox" 0
wait_for 20 sql_ge "SELECT count(*) FROM probe_result" 1
stop_watch
last=$(sql "SELECT max(at_ms) / 1000 FROM probe_result")
# Nobody probes for three seconds: that is the case itself, not a wait.
sleep 3
start_watch
ok "the next prober tells of the time nobody probed" sql_is "SELECT count(*) FROM notify_outbox WHERE kind = 'prober'" 1
ok "from the newest result on" sql_is "SELECT payload ->> '$.from_unix' FROM notify_outbox WHERE kind = 'prober'" "$last"
ok "to when it took the lease" sql_ge "SELECT payload ->> '$.unwatched_s' FROM notify_outbox WHERE kind = 'prober'" 3
ok "as UNKNOWN, to the channel that hears it" sql_is "SELECT channel || ' ' || severity FROM notify_outbox WHERE kind = 'prober'" "ex UNKNOWN"
ok "it says what happened" sql_is "SELECT payload ->> '$.summary' LIKE 'nobody probed from % to % (%s): what happened then is unknown; probing again'
	FROM notify_outbox WHERE kind = 'prober'" 1
ok "it is delivered" wait_for 20 sql_is "SELECT state FROM notify_outbox WHERE kind = 'prober'" delivered
ok "the receiver heard it" grep -q '"event":"prober"' "$T/exec.log"
ok "auditors see it" sql_is "SELECT event || ' ' || severity FROM v_notifications WHERE event = 'prober'" "prober UNKNOWN"
stop_watch
start_watch
ok "a prober started at once tells of nothing" sql_is "SELECT count(*) FROM notify_outbox WHERE kind = 'prober'" 1
stop_watch
d config set notify-unwatched 0
sleep 3
start_watch
ok "0: never told" sql_is "SELECT count(*) FROM notify_outbox WHERE kind = 'prober'" 1
stop_watch
ok "the BREACH-only channel heard nothing" test ! -e "$T/never"
ok "the ledger verifies" "$DRTOP" db verify
done_testing

#!/bin/sh
# Nothing lost: the prober is killed (kill -9) while notifications are in
# flight to a hanging receiver and others wait; after a restart the receiver
# has every event, each key at least once, and nothing is left undelivered.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/watch-lib.sh"
unset DRTOP_NOW
start_server
start_receiver
d() { "$DRTOP" "$@" >/dev/null; }
undelivered() { sql "SELECT count(*) FROM notify_outbox WHERE state IN ('pending', 'in-flight')"; }

# Ten independent systems go from OK to WARN: ten events, more than can be in
# flight at once (8).
for i in 0 1 2 3 4 5 6 7 8 9; do
	d system add s$i --rto 1h --rpo 1h
	d endpoint add s$i "$URL/health?s$i" --interval 1s --timeout 1s
	d checkin s$i --at -1m
	d drill add s$i --kind restore --started -30d --recovered -30d
done
d notify add hook --kind webhook --url "$RURL/hook" --timeout 30s
d probe --once
ctl mode/status/500 >/dev/null
d probe --once
d probe --once
ok "ten events wait in the outbox" sql_is "SELECT count(*) FROM notify_outbox WHERE state = 'pending'" 10

rmode hang
start_watch
ok "eight are in flight to the hanging receiver, two wait" \
	wait_for 10 sql_is "SELECT group_concat(n, ' ') FROM (SELECT state || ':' || count(*) AS n FROM notify_outbox GROUP BY state ORDER BY state)" "in-flight:8 pending:2"
ok "the receiver has the eight requests" wait_for 5 sh -c "test \$(wc -l <'$T/recv.log') -eq 8"
kill -9 "$watch_pid"
wait "$watch_pid" 2>/dev/null
ok "killed: nothing was delivered" test "$(undelivered)" -eq 10

rmode ok
start_watch
ok "after a restart the outbox empties" wait_for 20 sh -c "test \$(sqlite3 '$DRTOP_DB' \"SELECT count(*) FROM notify_outbox WHERE state IN ('pending', 'in-flight')\") -eq 0"
stop_watch
ok "every notification is delivered" sql_is "SELECT count(*) FROM notify_outbox WHERE state = 'delivered'" 10
sql "SELECT key FROM notify_outbox ORDER BY key" >"$T/keys"
jq -r 'select(.status == 204) | .key' "$T/recv.log" | sort -u >"$T/answered"
ok "the receiver answered every key" cmp -s "$T/keys" "$T/answered"
jq -r '.key' "$T/recv.log" | sort -u >"$T/seen"
ok "and saw no other" cmp -s "$T/keys" "$T/seen"
ok "the ones in flight at the kill came twice (at least once: dropped by key)" \
	test "$(jq -r '.key' "$T/recv.log" | sort | uniq -d | wc -l)" -eq 8
ok "each body carries its key" test "$(jq -r 'select(.key != .body.key)' "$T/recv.log" | wc -l)" -eq 0
succeeds "the ledger verifies" db verify
done_testing

#!/bin/sh
# A receiver's HTTP answer decides whether sending again can help: a 4xx other
# than 408, 425 and 429 is a refusal of the request itself (400, 404...), and
# fails the notification at once; 429 and 5xx are retried until delivered.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/watch-lib.sh"
unset DRTOP_NOW
start_server
start_receiver
d() { "$DRTOP" "$@" >/dev/null; }
row() { sql "SELECT state || '|' || attempts FROM notify_outbox WHERE channel = 'hook' ORDER BY id DESC LIMIT 1"; }

d system add web --rto 1h --rpo 1h
d endpoint add web "$URL/health" --interval 1s --timeout 1s
d checkin web --at -1m
d drill add web --kind restore --started -30d --recovered -30d
d notify add hook --kind webhook --url "$RURL/hook" --attempts 5
d probe --once

# web goes down: a change to tell, and the receiver answers 404 (no such hook).
rmode status/404
ctl mode/status/500 >/dev/null
d probe --once
d probe --once
ok "a notification waits" test "$(row)" = "pending|0"
start_watch
ok "404: failed after one attempt, its four others left unused" wait_for 20 sql_is "SELECT state || '|' || attempts FROM notify_outbox WHERE channel = 'hook'" "failed|1"
ok "... with the answer as its error" sql_is "SELECT last_error FROM notify_outbox WHERE channel = 'hook'" "HTTP 404"
ok "... and nothing sent again" test "$(curl -fsS "$RURL/count")" -eq 1
stop_watch

# web comes back: the receiver answers 429 (too many requests), then 204.
rmode status/429
ctl mode/up >/dev/null
d probe --once
d probe --once
start_watch
ok "429: retried" wait_for 20 sh -c "[ \"\$(curl -fsS '$RURL/count')\" -ge 3 ]"
ok "... and not failed meanwhile: waiting to be sent again, or being sent" \
	sh -c 'case "$1" in pending\|*|in-flight\|*) true ;; *) false ;; esac' - "$(row)"
rmode ok
ok "... then delivered" wait_for 30 sql_is "SELECT state FROM notify_outbox WHERE channel = 'hook' ORDER BY id DESC LIMIT 1" delivered
stop_watch
ok "the ledger verifies" "$DRTOP" db verify
done_testing

#!/bin/sh
# An alertmanager channel whose refreshes fail (the receiver answers 500, or
# nobody listens) says so where failed deliveries are told: notify list,
# notify show, --format json (the dashboard's header: tests/tui/notify-status.sh);
# once a refresh succeeds again, it no longer does. The Alertmanager here is
# tests/receiver.py, which can be told to fail.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/watch-lib.sh"
unset DRTOP_NOW
d() { "$DRTOP" "$@" >/dev/null; }
start_server
start_receiver
refreshes() { jq -r 'select(.path == "/am/api/v2/alerts" and (.key | startswith("refresh-"))) | .status' "$T/recv.log" | grep -c "$1"; }
refreshed() { [ "$(refreshes "$1")" -ge "$2" ]; }

d config set alertmanager-refresh 1s
d system add web --rto 1h --rpo 1h
d endpoint add web "$URL/health" --interval 1s --timeout 1s
d notify add am --kind alertmanager --url "$RURL/am"
start_watch
ok "the prober refreshes the channel's alerts" wait_for 10 refreshed 204 1
ok "nothing says it fails" sql_is "SELECT count(*) FROM notify_refresh" 0
succeeds "notify list" notify list
ok "its refresh is not failing" grep -q '^am .* - *yes$' "$T/out"

rmode 500
ok "a refresh answered 500 is recorded, with the receiver's answer" \
	wait_for 10 sql_is "SELECT last_error FROM notify_refresh" "HTTP 500: receiver failing"
ok "each one that fails is counted" wait_for 10 sql_ge "SELECT failures FROM notify_refresh" 2
succeeds "notify list" notify list
ok "says the channel's refresh is failing" grep -q '^am .* FAILING *yes$' "$T/out"
succeeds "notify show" notify show am
ok "says since when, how often, and why" \
	grep -q '^refresh:  FAILING since 20[0-9-]*T[0-9:]*Z ([0-9]* failed): HTTP 500: receiver failing$' "$T/out"
succeeds "notify list --format json" notify list --format json
ok "has the error" test "$(jq -r '.[0].refresh_error' "$T/out")" = "HTTP 500: receiver failing"

rmode ok
ok "the receiver back: the next refresh succeeds" wait_for 10 refreshed 204 2
ok "and the failure is no longer told" wait_for 10 sql_is "SELECT count(*) FROM notify_refresh" 0
succeeds "notify show" notify show am
ok "notify show no longer says it" sh -c "! grep -q '^refresh:' '$T/out'"

# Nobody listening at all: a connection error, told the same way.
d notify add down --kind alertmanager --url "http://127.0.0.1:9"
ok "a refresh nobody answers is recorded" \
	wait_for 10 sql_is "SELECT c.name || ': ' || (r.last_error LIKE '%onnect%') FROM notify_refresh r JOIN notify_channel c ON c.id = r.channel_id" "down: 1"
d notify remove down
ok "a removed channel's failure goes with it" sql_is "SELECT count(*) FROM notify_refresh" 0
stop_watch
succeeds "the ledger verifies" db verify
done_testing

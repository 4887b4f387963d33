#!/bin/sh
# Flapping: a system whose status changes more than notify-flap-changes times
# within notify-flap-window is held back with one "flapping" notice, and told
# once more when it has kept one status for a whole window.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/watch-lib.sh"
unset DRTOP_NOW
start_server
d() { "$DRTOP" "$@" >/dev/null; }
# notes KIND [STATE]: outbox rows of that kind (and state)
notes() { sql "SELECT count(*) FROM notify_outbox WHERE kind = '$1' ${2:+AND state = '$2'}"; }
outages() { sql "SELECT count(*) FROM outage $1"; }
# keep the status history now, until the newest status is $1
status_is() { "$DRTOP" status >/dev/null 2>&1; sql_is "SELECT status FROM status_history ORDER BY id DESC LIMIT 1" "$1"; }

d system add web --rto 1h --rpo 1h
fails "the count is a whole number" 65 "notify-flap-changes: expected a whole number from 0 to 100" \
	config set notify-flap-changes many
succeeds "flapping: more than 3 changes" config set notify-flap-changes 3
succeeds "within 10 minutes" config set notify-flap-window 10m
d config set outage-threshold 1
d endpoint add web "$URL/health" --interval 1s --timeout 1s
d checkin web --at -1m
d drill add web --kind restore --started -30d --recovered -30d
d notify add ex --kind exec --command "cat >>'$T/exec.log'; echo >>'$T/exec.log'"
start_watch
wait_for 20 sql_ge "SELECT count(*) FROM probe_result WHERE ok" 1
ok "web is OK, and that is kept" wait_for 20 status_is OK

# down, up, down, up: each change of status is told
flip() {
	ctl mode/status/500 >/dev/null
	wait_for 20 sh -c "[ \$(sqlite3 '$DRTOP_DB' 'SELECT count(*) FROM outage WHERE ended_ms IS NULL') -ge 1 ]" &&
		wait_for 20 status_is WARN &&
		ctl mode/up >/dev/null &&
		wait_for 20 sh -c "[ \$(sqlite3 '$DRTOP_DB' 'SELECT count(*) FROM outage WHERE ended_ms IS NULL') -eq 0 ]" &&
		wait_for 20 status_is OK
}
ok "first flip" flip
ok "two changes, each told" sql_is "SELECT count(*) FROM notify_outbox WHERE kind = 'status' AND state <> 'suppressed'" 2
ok "no notice of flapping yet" sql_is "SELECT count(*) FROM notify_outbox WHERE kind = 'flapping'" 0
ok "second flip" flip
ok "the third change is told" sql_is "SELECT state <> 'suppressed' FROM notify_outbox WHERE kind = 'status' ORDER BY id LIMIT 1 OFFSET 2" 1
ok "the fourth is held back" sql_is "SELECT state || ' ' || (payload ->> '$.flapping')
	FROM notify_outbox WHERE kind = 'status' ORDER BY id LIMIT 1 OFFSET 3" "suppressed 1"
ok "one notice of flapping instead" sql_is "SELECT count(*) FROM notify_outbox WHERE kind = 'flapping'" 1
ok "it says so" sql_is "SELECT payload ->> '$.summary' FROM notify_outbox WHERE kind = 'flapping'" \
	"web is flapping: 4 changes of status in 10m, now OK; held back until it settles"
ok "third flip" flip
ok "still held back, with no second notice" sql_is "SELECT count(*) FROM notify_outbox
	WHERE kind = 'flapping' OR (kind = 'status' AND state <> 'suppressed')" 4
ok "the notice is delivered" wait_for 20 sql_is "SELECT state FROM notify_outbox WHERE kind = 'flapping'" delivered
ok "the receiver heard it" grep -q '"event":"flapping"' "$T/exec.log"

# Settled: no change for a whole window (made short here).
d config set notify-flap-window 2s
ok "it settles, and is told once" wait_for 20 sh -c "'$DRTOP' status >/dev/null 2>&1;
	[ \$(sqlite3 '$DRTOP_DB' \"SELECT count(*) FROM notify_outbox WHERE payload ->> '$.change' = 'settled'\") -eq 1 ]"
ok "settled at its status, told" sql_is "SELECT (state <> 'suppressed') || ' ' || (payload ->> '$.summary')
	FROM notify_outbox WHERE payload ->> '$.change' = 'settled'" "1 web: settled at OK after flapping"
"$DRTOP" status >/dev/null 2>&1
ok "only once" sql_is "SELECT count(*) FROM notify_outbox WHERE payload ->> '$.change' = 'settled'" 1
d config set notify-flap-window 10m
ok "after settling, a change is told again" flip
ok "both changes" sql_is "SELECT count(*) FROM notify_outbox WHERE kind = 'status' AND state <> 'suppressed'
	AND id > (SELECT id FROM notify_outbox WHERE payload ->> '$.change' = 'settled')" 2

d config set notify-flap-changes 0
ok "0: never flapping" flip
ok "both told" sql_is "SELECT count(*) FROM notify_outbox WHERE kind = 'flapping'" 1
stop_watch
ok "the ledger verifies" "$DRTOP" db verify
done_testing

#!/bin/sh
# drtop notify disable|enable: a disabled channel hears nothing, and what
# waits for it waits until it is enabled again.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/watch-lib.sh"
unset DRTOP_NOW
start_server
d() { "$DRTOP" "$@" >/dev/null; }
state_of() { sql "SELECT group_concat(state, ',') FROM notify_outbox WHERE channel = '$1'"; }

d system add web --rto 1h --rpo 1h
d endpoint add web "$URL/health" --interval 1s --timeout 1s
d checkin web --at -1m
d drill add web --kind restore --started -30d --recovered -30d
d notify add ex --kind exec --command "cat >>'$T/ex.log'"
d notify add other --kind exec --command "cat >>'$T/other.log'"
d probe --once

fails "an unknown channel" 65 "no notification channel named 'nope'" notify disable nope
succeeds "disable" notify disable ex
ok "says what it means" out_has "disabled channel ex: it hears no events until it is enabled again"
ok "the channel is kept, disabled" sql_is "SELECT enabled FROM notify_channel WHERE name = 'ex'" 0
succeeds "notify list" notify list
ok "says which channel is disabled" sh -c "grep -q '^ex .* no\$' '$T/out' && grep -q '^other .* yes\$' '$T/out'"
succeeds "notify show" notify show ex
ok "says it too, and how to enable it" out_has "enabled:  no (drtop notify enable ex)"
ctl mode/status/500 >/dev/null
d probe --once
d probe --once
ok "a disabled channel hears no event" sql_is "SELECT count(*) FROM notify_outbox WHERE channel = 'ex'" 0
ok "the others do" sql_is "SELECT count(*) FROM notify_outbox WHERE channel = 'other'" 1

succeeds "enable" notify enable ex
ctl mode/up >/dev/null
d probe --once
ok "an enabled channel hears the next one" sql_is "SELECT count(*) FROM notify_outbox WHERE channel = 'ex'" 1
succeeds "disabled while a notification waits" notify disable ex
ok "says it waits" out_has "disabled channel ex: it hears no events until it is enabled again; 1 undelivered notification waits for it"
start_watch
ok "the other channel's is delivered" wait_for 20 sql_is "SELECT count(*) FROM notify_outbox WHERE channel = 'other' AND state = 'pending'" 0
ok "the disabled channel's waits" test "$(state_of ex)" = pending
ok "... and auditors read it as held by its channel, not as waiting for a prober" \
	sql_is "SELECT state || ':' || held || ':' || (SELECT coalesce(group_concat(held), '-') FROM v_notifications WHERE channel = 'other') FROM v_notifications WHERE channel = 'ex'" "pending:channel disabled:-"
succeeds "enabled again" notify enable ex
ok "says it will be sent" out_has "enabled channel ex; 1 undelivered notification will be sent"
ok "and it is" wait_for 20 sql_is "SELECT state FROM notify_outbox WHERE channel = 'ex'" delivered
stop_watch
succeeds "enabling an enabled channel changes nothing" notify enable ex
ok "no entry for it" sql_is "SELECT count(*) FROM ledger WHERE kind = 'notify_channel.update'" 4
ok "the ledger verifies" "$DRTOP" db verify
done_testing

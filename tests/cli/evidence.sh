#!/bin/sh
# drtop checkin and drtop drill add|list
. "$SRCDIR/tests/lib.sh"

"$DRTOP" system add db --rto 4h --rpo 1d >/dev/null
"$DRTOP" system add cache --rto 1h --rpo 1h >/dev/null
"$DRTOP" schedule add db nightly --cron '@daily' >/dev/null
succeeds "check in now (--at now: the verdict clock's, fixed by the suite)" checkin db --at now
ok "recorded against the only schedule, at the fixed clock" test "$(sql "SELECT c.at, c.ok, b.name FROM checkin c JOIN backup_schedule b ON b.id = c.schedule_id")" = "1795608000|1|nightly"
succeeds "check in a failure earlier" checkin db --schedule nightly --at -1d --failed --note "disk full"
ok "failure recorded" test "$(sql "SELECT at, ok, note FROM checkin WHERE ok = 0")" = "1795521600|0|disk full"
"$DRTOP" schedule add db wal --every 15m >/dev/null
succeeds "check in without a schedule when there are two" checkin db
ok "then it belongs to no schedule" test "$(sql "SELECT count(*) FROM checkin WHERE schedule_id IS NULL")" = 1
fails "unknown schedule" 65 "has no schedule 'weekly'" checkin db --schedule weekly
fails "unknown system" 65 "unknown system" checkin nope
fails "in the future (by the real clock)" 65 "cannot be in the future" checkin db --at "@$(($(date +%s) + 86400))"
fails "malformed time" 65 "--at: malformed time" checkin db --at 25:00

succeeds "record a drill" drill add db --kind restore --started 2026-11-20T10:00Z --recovered 2026-11-20T12:30Z --data-loss 20m --notes "from last night's dump"
ok "says how long recovery took" out_has "recovered in 150m"
ok "stored with the computed recovery time" test "$(sql "SELECT kind, recovery_s, data_loss_s FROM drill")" = "restore|9000|1200"
ok "drills are audited" test "$(sql "SELECT count(*) FROM audit_log WHERE table_name = 'drill'")" = 1
succeeds "list drills" drill list
ok "list shows it" sh -c "grep -q 'db  *restore  *2026-11-20T10:00:00Z  *150m  *20m' '$T/out'"
fails "recovered before started" 65 "cannot recover before it started" drill add db --kind restore --started -1h --recovered -2h
fails "unknown kind" 65 "drill kind must be restore, failover or tabletop" drill add db --kind chaos --started -2h --recovered -1h
fails "missing --recovered" 64 "missing --recovered" drill add db --kind restore --started -2h

done_testing

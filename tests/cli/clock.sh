#!/bin/sh
# --now and DRTOP_NOW move the verdict clock, for reading. What is written is
# dated by the real clock (audit log, recorded_at, created_at of evidence), and
# nothing is written while the clock is set ahead of the real time.
# (tests/lib.sh fixes DRTOP_NOW at 2026-11-25T12:00:00Z, in the real past.)
. "$SRCDIR/tests/lib.sh"
NOW=1795608000 # 2026-11-25T12:00:00Z
start=$(date +%s)

d() { "$DRTOP" "$@" >/dev/null || echo "Bail out! drtop $*"; }
d system add payments-db --rto 1h --rpo 1h
d schedule add payments-db nightly --every 1d
real() { test "$(sql "$1")" -ge "$start"; } # the value of the query is a real time

fails "--now in the future: a check-in is refused like any write" 64 "ahead of the real time; drtop does not write with a clock in the future" --now 2030-01-01T00:00:00Z checkin payments-db
fails "--now 9999: refused too" 64 "ahead of the real time" --now 9999-12-31T00:00:00Z checkin payments-db
fails "--now in the future: a drill at 'now' is refused" 65 "a drill cannot have recovered in the future" --now 2099-01-01 drill add payments-db --kind restore --started now --recovered now
fails "--now in the future: any other write is refused" 64 "ahead of the real time; drtop does not write with a clock in the future" --now 2030-01-01T00:00:00Z system add web --rto 1h --rpo 1h
DRTOP_NOW=2099-01-01T00:00:00Z
export DRTOP_NOW
fails "DRTOP_NOW in the future: system set is refused" 64 "the clock is set to 2099-01-01T00:00:00Z by --now or DRTOP_NOW" system set payments-db --rto 4h
DRTOP_NOW=2026-11-25T12:00:00Z

succeeds "whatif with a future clock still answers (it writes nothing)" --now +400d whatif payments-db --rto 2h
succeeds "status with a future clock answers" --now +400d status
ok "... and records no history about the future" test "$(sql "SELECT count(*) FROM status_history")" -eq 0

DRTOP_NOW=2020-01-01T00:00:00Z "$DRTOP" system set payments-db --rto 4h >/dev/null
ok "DRTOP_NOW in the past: the audit log holds the real time of the change" real "SELECT at FROM audit_log WHERE table_name = 'system' AND action = 'update' ORDER BY id DESC LIMIT 1"
ok "... not 2020" test "$(sql "SELECT count(*) FROM audit_log WHERE at < $start")" -eq 0

d checkin payments-db
ok "a check-in without --at claims the real time, whatever --now says" real "SELECT at FROM checkin ORDER BY id DESC LIMIT 1"
ok "... and is recorded at the real time" real "SELECT recorded_at FROM checkin ORDER BY id DESC LIMIT 1"
ok "... so it is not backfilled" test "$(sql "SELECT backfilled FROM v_checkins ORDER BY id DESC LIMIT 1")" = 0
d checkin payments-db --at now
ok "--at now claims the verdict clock's now" test "$(sql "SELECT at FROM checkin ORDER BY id DESC LIMIT 1")" -eq "$NOW"
ok "... recorded at the real time: backfilled, and by how much" test "$(sql "SELECT backfilled, recorded_late_s >= $((start - NOW)) FROM v_checkins ORDER BY id DESC LIMIT 1")" = "1|1"
d checkin payments-db --at 2026-11-20T00:00:00Z
ok "an explicit --at is the claimed time" test "$(sql "SELECT at FROM checkin ORDER BY id DESC LIMIT 1")" -eq 1795132800
fails "a check-in claimed in the real future is refused" 65 "a check-in cannot be in the future" checkin payments-db --at "@$((start + 3600))"
d drill add payments-db --kind restore --started -2h --recovered -1h
ok "a drill is recorded (created_at) at the real time" real "SELECT created_at FROM drill"
ok "... with the times it claims" test "$(sql "SELECT started_at FROM drill")" -eq $((NOW - 7200))
ok "... told after the fact: backfilled" test "$(sql "SELECT backfilled FROM v_drills")" = 1
d maintenance add payments-db --from +1h --to +2h
ok "a maintenance window is recorded at the real time" real "SELECT created_at FROM maintenance_window"
ok "... a window of the verdict clock's past, told now: backfilled" test "$(sql "SELECT backfilled FROM v_maintenance")" = 1
d maintenance add payments-db --from "@$((start + 3600))" --to "@$((start + 7200))"
ok "a window declared before it starts (by the real clock): not backfilled" test "$(sql "SELECT backfilled FROM v_maintenance ORDER BY id DESC LIMIT 1")" = 0
d maintenance add payments-db --from -3h --to -2h
ok "a window declared after it began is backfilled" test "$(sql "SELECT backfilled FROM v_maintenance ORDER BY id DESC LIMIT 1")" = 1

# status_history moves forward only
d status
ok "status records the history at the verdict clock" test "$(sql "SELECT max(at) FROM status_history")" -eq "$NOW"
rows=$(sql "SELECT count(*) FROM status_history")
d --now -30d status
ok "a verdict for an earlier instant adds nothing behind the newest entry" test "$(sql "SELECT count(*) FROM status_history")" -eq "$rows"

# Every recorded time written under --now (DRTOP_NOW is in the real past) is
# the real clock's: each *_at column but the times a fact claims.
d system add web --rto 1h --rpo 1h
d endpoint add web http://127.0.0.1:9/health
d schedule add web nightly --every 1d
d depend add web --on payments-db
d system set web --rto 2h --reason "agreed with the business"
d config set backup-grace 2h
d checkin web
d checkin web --start
d checkin web --size 1
# a drill drtop ran (it runs in real time: without DRTOP_NOW), aborted by its
# timeout: the endpoint never answers
env -u DRTOP_NOW "$DRTOP" drill run web --kind failover --command true --timeout 1s --every 200ms --yes >/dev/null
ok "a drill run under the real clock, aborted by its timeout" test "$(sql "SELECT state FROM drill WHERE state IS NOT NULL")" = aborted
recorded_times() {
	for t in $(sql "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"); do
		for c in $(sql "SELECT name FROM pragma_table_info('$t') WHERE (name GLOB '*_at' OR name = 'at')
		                AND '$t.' || name NOT IN ('checkin.at', 'drill.started_at', 'drill.recovered_at',
		                  'maintenance_window.starts_at', 'maintenance_window.ends_at', 'status_history.at', 'status_latest.at',
		                  'objective_history.valid_at', 'checkin.started_at', 'run_start.started_at',
		                  'backup_due.due_at')"); do
			echo "$t.$c $(sql "SELECT coalesce(min($c), $start) FROM $t")"
		done
	done
}
ok "every recorded time written under --now is the real clock's" sh -c "! printf '%s\\n' \"\$1\" | awk -v s=$start '\$2 < s' | grep ." - "$(recorded_times)"
ok "... and the check sees them" sh -c "printf '%s\\n' \"\$1\" | grep -q '^system.created_at ' && printf '%s\\n' \"\$1\" | grep -q '^ledger.recorded_at '" - "$(recorded_times)"
d system add old --rto 1h --rpo 1h --since -30d
ok "a plan back-filled says so explicitly: --since claims when it came into force" test "$(sql "SELECT created_at FROM system WHERE name = 'old'")" -eq $((NOW - 30 * 86400))
ok "... while the ledger records it at the real time" real "SELECT recorded_at FROM ledger WHERE kind = 'system.insert' AND payload ->> '$.row.name' = 'old'"
fails "--since in the real future is refused" 65 "is in the future; a plan is back-filled, never dated ahead" system add later --rto 1h --rpo 1h --since "@$((start + 86400))"

done_testing

#!/bin/sh
# Every example query of doc/auditing.md, run against a fixture database with a
# fixed clock, must give the answer the fixture implies.
. "$SRCDIR/tests/lib.sh"
NOW=1795608000 # 2026-11-25T12:00:00Z
START=$(date -u +%Y-%m-%dT%H:%M:%SZ) # the audit log holds the real time, not DRTOP_NOW
DOC="$SRCDIR/doc/auditing.md"

d() { "$DRTOP" "$@" >/dev/null || echo "Bail out! drtop $*"; }
d system add payments-db --rto 15m --rpo 5m --strategy warm-standby --tier 0
d endpoint add payments-db https://db.example/health --insecure
d schedule add payments-db hourly --every 1h --grace 5m --since -3d
d checkin payments-db --at -2m
d system add web --rto 4h --rpo 1d --strategy active-active --tier 1
d endpoint add web https://web.example/
d drill add web --kind failover --started -10d --recovered -9d19h
d endpoint add web https://web.example/status --since -1h
d system add ledger --rto 1h --rpo 1h --tier 0
d schedule add ledger hourly --every 1h --grace 10m --since -1d
d checkin ledger --at -3h
d depend add web --on payments-db
d system set payments-db --rto 20m
# An unplanned outage of payments-db 40 days ago, 30 minutes long.
sql "INSERT INTO outage (endpoint_id, system_id, started_ms, ended_ms, res_start_ms, res_end_ms)
     SELECT id, system_id, ($NOW - 40 * 86400) * 1000, ($NOW - 40 * 86400 + 1800) * 1000, 1000, 1000
     FROM endpoint WHERE url = 'https://db.example/health'"
# One of web 5 days ago: 4h exactly as measured, between 4h-1s and 4h1m long.
sql "INSERT INTO outage (endpoint_id, system_id, started_ms, ended_ms, res_start_ms, res_end_ms)
     SELECT id, system_id, ($NOW - 5 * 86400) * 1000, ($NOW - 5 * 86400 + 14400) * 1000, 60000, 1000
     FROM endpoint WHERE url = 'https://web.example/'"
# One of payments-db 10 days ago with a gap in probing inside it: 2 minutes
# of failures, 5 minutes nobody probed, 1 more minute of failures, a success.
sql "INSERT INTO outage (endpoint_id, system_id, started_ms, ended_ms, res_start_ms, res_end_ms)
     SELECT id, system_id, ($NOW - 10 * 86400) * 1000, ($NOW - 10 * 86400 + 480) * 1000, 1000, 1000
     FROM endpoint WHERE url = 'https://db.example/health';
     INSERT INTO outage_gap (outage_id, from_ms, to_ms)
     SELECT max(id), ($NOW - 10 * 86400 + 120) * 1000, ($NOW - 10 * 86400 + 420) * 1000 FROM outage"
DRTOP_NOW=$((NOW - 2 * 86400)) "$DRTOP" status >/dev/null # the status said two days ago

query() { # the SQL of example N
	awk -v n="$1" '$0 == "<!-- query: " n " -->" { f = 1; next }
	               f && /^```sql/ { g = 1; next } g && /^```/ { exit } g { print }' "$DOC"
}
check() { # check N EXPECTED
	sqlq=$(query "$1")
	got=$("$DRTOP" db query "$sqlq" 2>&1)
	[ "$got" = "$2" ] || { printf '# query %s gave:\n%s\n# expected:\n%s\n' "$1" "$got" "$2" | sed 's/^/# /'; return 1; }
}

ok "the guide has at least ten example queries" test "$(grep -c '^<!-- query: ' "$DOC")" -ge 10
ok "1. RTO breaches last quarter, by how much at the least, against the RTO in force then (15m)" check 1 "payments-db|2026-10-16T12:00:00Z|1800|1799|900|899"
ok "2. since when (status history)" check 2 "BREACH|2026-11-23T12:00:00Z|rto-breach"
ok "3. never drilled" check 3 "ledger
payments-db"
ok "4. plans that cannot meet the RPO (ledger's is exactly its RPO)" check 4 "payments-db|3600|300"
check_real_times() { # check N EXPECTED, where each row's first column is a real time since START
	sqlq=$(query "$1")
	got=$("$DRTOP" db query "$sqlq" 2>&1)
	[ "$(printf '%s\n' "$got" | cut -d'|' -f2-)" = "$2" ] || { printf '# query %s gave:\n%s\n' "$1" "$got"; return 1; }
	printf '%s\n' "$got" | cut -d'|' -f1 | while read -r t; do
		[ "$t" \> "$START" ] || [ "$t" = "$START" ] || { echo "# $t is not the real time"; exit 1; }
	done
}
ok "5. who changed what (at the real time, whatever DRTOP_NOW says)" check_real_times 5 "$(id -un)|insert|payments-db||900
$(id -un)|insert|web||14400
$(id -un)|insert|ledger||3600
$(id -un)|update|payments-db|900|1200"
ok "6. paying for more than needed" check 6 "web|active-active|4|pilot-light|2"
ok "7. in breach now, and why" check 7 "ledger|rpo-breach
payments-db|rto-breach"
ok "8. backups that did not check in" check 8 "ledger|schedule hourly has not checked in|2026-11-25T10:10:00Z"
ok "9. drills slower than the RTO" check 9 "web|failover|2026-11-15T12:00:00Z|18000|14400"
ok "10. the recovery order: parallel steps, tier then RTO, the time back against the RTO in force" check 10 "1|payments-db||300|900|1
1|ledger|||3600|
2|web|payments-db|18300|14400|0"
ok "11. endpoints without TLS verification" check 11 "payments-db|https://db.example/health"
ok "12. data lag against the RPO" check 12 "ledger|10800|3600|300.0
payments-db|120|300|40.0"
check_real_clock() { (unset DRTOP_NOW; check_real_times "$@"); } # the loosening is in force by the real clock only
ok "13. targets loosened after a breach: the 15m RTO breached, then set to 20m" check_real_clock 13 "payments-db|rto|900|1200"
ok "14. the objectives and when each came into force" check_real_times 14 "900|300|warm-standby|0|0
1200|300|warm-standby|0|1"
ok "15. systems that cannot be judged" check 15 "ledger|rto|nothing shows the RTO is met: no health endpoint and no live drill
web|rpo|nothing shows the RPO is met: no freshness endpoint and no check-in"
ok "16. endpoints never probed" check 16 "web|endpoint https://web.example/status was never probed|2026-11-25T11:03:10Z"
ok "17. failed live drills" check 17 "web|rto|14400|18000|2026-11-15T17:00:00Z"
ok "18. outages with their bounds, against the RTO then" check 18 "payments-db|2026-10-16T12:00:00Z|1799|1801|900|1|1
payments-db|2026-11-15T12:00:00Z|120|481|900|0|0
web|2026-11-20T12:00:00Z|14399|14460|14400|0|1"
ok "19. possible RTO breaches" check 19 "web|14400|14460|an outage may have lasted longer than the RTO"
ok "20. coverage: endpoints added at 'now' have had no time; the one added an hour ago watched none of it" check 20 "payments-db|https://db.example/health|0|no time yet
web|https://web.example/|0|no time yet
web|https://web.example/status|0|0.0"
ok "21. facts told after the fact (the suite's clock is in the real past)" check_real_times 21 "check-in|ledger|2026-11-25T09:00:00Z
check-in|payments-db|2026-11-25T11:58:00Z
drill|web|2026-11-15T17:00:00Z"
ok "22. outages with gaps in probing inside them: the silence is no evidence either way" check 22 "payments-db|2026-11-15T12:00:00Z|1|300|120|481|900"
ok "23. coverage per system: the least covered endpoint is the one that had time" check 23 "ledger|0|no time yet|-
payments-db|1|no time yet|-
web|2|0.0|https://web.example/status"
ok "24. below coverage-min (95%): web watched nothing of its hour" check 24 "web|0.0|0.95"
# A weekly cron schedule of ledger since September: due Sundays 03:00 (2h, the
# grace 1h), answered on Mondays at 05:48 but on 13 September (on time) and
# 20 September (no run).
d schedule add ledger weekly --cron '0 3 * * sun' --duration 2h --since 2026-09-01T00:00:00Z
d checkin ledger --schedule weekly --at 2026-09-13T04:00:00Z
for day in 09-07 09-28 10-05 10-12 10-19 10-26 11-02 11-09 11-16 11-23; do
	d checkin ledger --schedule weekly --at "2026-${day}T05:48:00Z"
done
ok "25. last quarter's backups by outcome: Sundays of September from the 6th" check 25 "ledger|weekly|late|2|85680
ledger|weekly|missed|1|5724000
ledger|weekly|on-time|1|"
ok "26. compliance in the window: 12 Sundays, one on time, one missed" check 26 "ledger|weekly|12|1|10|1|0|0.0833"
ok "27. the backup findings now: the newest Sunday late, the hourly schedule silent" check 27 "ledger|backup-late|schedule weekly: the run due at 2026-11-22T03:00:00Z finished at 2026-11-23T05:48:00Z, after its deadline
ledger|backup-missed|schedule hourly has not checked in"
# A drill drtop ran and measured, two days ago: back 95.4 s after its command
# started, known to within a second.
sql "INSERT INTO drill (system_id, kind, started_at, recovered_at, created_at, state, started_ms,
       recovered_ms, recovered_lower_ms, ended_at, command, command_status, runner)
     SELECT id, 'failover', $NOW - 172800, $NOW - 172800 + 95, $NOW - 172800, 'recovered',
       ($NOW - 172800) * 1000, ($NOW - 172800) * 1000 + 95400, ($NOW - 172800) * 1000 + 94400,
       $NOW - 172700, 'sh failover.sh', 0, 'ops@host' FROM system WHERE name = 'ledger'"
ok "28. measured drills beside typed-in ones" check 28 "web|failover|typed-in|-|18000000|-|0
ledger|failover|measured|recovered|95400|1000|1"
ok "29. status and findings from one evaluation, as v_system_status and v_findings give them" check 29 "$("$DRTOP" db query "SELECT s.system || '|' || s.status || '|' || s.findings || '|' || (SELECT count(*) FROM v_findings f WHERE f.system_id = s.system_id AND f.severity = 'BREACH') FROM v_system_status s ORDER BY s.system")"
# A tier-0 system whose last backup was 2 hours ago, against an RPO of 1 hour:
# 90 minutes ago its lag was within it, now it breaches. A channel for tier-0
# breaches hears it, and no prober delivers.
d system add vault --rto 1h --rpo 1h --tier 0 --since -1d
d checkin vault --at -2h
DRTOP_NOW=$((NOW - 5400)) "$DRTOP" status >/dev/null # the status said 90 minutes ago
d notify add oncall --kind exec --command true --severity BREACH --tier 0
d status
ok "30. notifications not delivered: vault's breach waits for a prober" check 30 "vault|UNKNOWN>BREACH|BREACH|oncall|pending|0|-"
# The newest probe result an hour ago; a prober (of vault alone, which has no
# endpoint to probe) takes the lease now and tells ops of the hour unwatched, and delivers it.
d notify add ops --kind exec --command true
sql "INSERT INTO probe_result (endpoint_id, at_ms, ok, status_code, latency_ms)
     SELECT id, (strftime('%s', 'now') - 3600) * 1000, 1, 200, 5 FROM endpoint WHERE url = 'https://web.example/'"
from=$(sql "SELECT strftime('%Y-%m-%dT%H:%M:%SZ', max(at_ms) / 1000, 'unixepoch') FROM probe_result")
(unset DRTOP_NOW; exec "$DRTOP" probe --watch --system vault >/dev/null 2>&1) &
watcher=$!
pids="$pids $watcher"
wait_for 20 sql_is "SELECT state FROM notify_outbox WHERE kind = 'prober'" delivered
kill "$watcher"; wait "$watcher"
ok "31. the time nobody probed, and who was told" sh -c '"$1" db query "$2" | grep -q "^$3|.*|36[0-9][0-9]|ops delivered$"' - \
	"$DRTOP" "$(query 31)" "$from"
# Everything above was recorded after DRTOP_NOW, the past instant the suite
# judges at: what --as-of leaves out of that instant is what example 32 lists.
left_out() { # left_out TABLE CLAIMED: rows claiming DRTOP_NOW or before, by --now less by --as-of
	q="SELECT count(*) FROM $1 WHERE $2 <= unixepoch('now')"
	echo $(( $("$DRTOP" db query "$q") - $("$DRTOP" --as-of "$DRTOP_NOW" db query "$q") ))
}
ok "32. what was entered after an instant about an earlier time is what --as-of leaves out" sh -c '
	got=$("$1" db query "$2")
	[ "$(printf "%s\n" "$got" | grep -c "^checkin|")" -eq "$3" ] && [ "$3" -gt 0 ] &&
	[ "$(printf "%s\n" "$got" | grep -c "^drill|")" -eq "$4" ] && [ "$4" -gt 0 ] &&
	[ "$(printf "%s\n" "$got" | grep -c "^maintenance|")" -eq "$5" ]' - \
	"$DRTOP" "$(query 32)" "$(left_out checkin at)" "$(left_out drill recovered_at)" "$(left_out maintenance_window starts_at)"
cp "$DRTOP_DB" "$T/tail.db"
sqlite3 "$T/tail.db" "INSERT OR IGNORE INTO endpoint_state (endpoint_id, last_probe_ms, last_ok) SELECT id, 0, 1 FROM endpoint;
	INSERT OR IGNORE INTO probe_rollup_mark (endpoint_id, folded_ms) SELECT id, 0 FROM endpoint;
	UPDATE probe_rollup_mark SET folded_ms = 0"
ok "33. every summary matches the results" sh -c '[ -n "$(sqlite3 "$2" "SELECT 1 FROM endpoint_state WHERE tail_probes > 0")" ] &&
	[ -z "$(DRTOP_DB="$2" "$1" db query "$3")" ]' - "$DRTOP" "$T/tail.db" "$(query 33)"
sqlite3 "$T/tail.db" "UPDATE endpoint_state SET tail_between_ms = tail_between_ms + 1
	WHERE endpoint_id = (SELECT id FROM endpoint WHERE url = 'https://db.example/health')"
ok "33. a summary changed by hand is named" sh -c '[ "$(DRTOP_DB="$2" "$1" db query "$3" | cut -d"|" -f1)" = https://db.example/health ]' \
	- "$DRTOP" "$T/tail.db" "$(query 33)"
ok "every query also runs in a plain sqlite3 shell" sh -c '
	for n in $(grep "^<!-- query: " "'"$DOC"'" | tr -dc "0-9\n"); do
		awk -v n="$n" "\$0 == \"<!-- query: \" n \" -->\" { f = 1; next } f && /^\`\`\`sql/ { g = 1; next } g && /^\`\`\`/ { exit } g { print }" "'"$DOC"'" |
			sqlite3 -readonly "'"$DRTOP_DB"'" >/dev/null || exit 1
	done'

done_testing

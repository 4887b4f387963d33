#!/bin/sh
# The verdict: each finding of DESIGN.md on both sides of its boundary, the
# status of a system, its history, what-if and the recovery order.
#
# The clock is fixed (DRTOP_NOW). Inventory, check-ins and drills go through
# drtop's commands; outages and endpoint state are written as the prober
# writes them.
. "$SRCDIR/tests/lib.sh"
NOW=1795608000 # 2026-11-25T12:00:00Z, as DRTOP_NOW in tests/lib.sh

d() { "$DRTOP" "$@" >/dev/null || echo "Bail out! drtop $*"; }
q() { "$DRTOP" db query "$1"; } # the views, read at drtop's fixed clock
sys() { name=$1; shift; d system add "$name" "$@"; }
drilled() { d drill add "$1" --kind restore --started -30d --recovered -30d; } # keeps drill-overdue away
has() { test "$(q "SELECT count(*) FROM v_findings WHERE system = '$1' AND finding = '$2'")" -ge 1; }
lacks() { test "$(q "SELECT count(*) FROM v_findings WHERE system = '$1' AND finding = '$2'")" -eq 0; }
status_is() { test "$(q "SELECT status FROM v_system_status WHERE system = '$1'")" = "$2"; }
# outage SYSTEM START_AGO_S DURATION_MS|ongoing [PLANNED [LAST_PROBE_AGO_S]]
outage() {
	eid=$(sql "SELECT e.id FROM endpoint e JOIN system s ON s.id = e.system_id WHERE s.name = '$1' LIMIT 1")
	start=$(( (NOW - $2) * 1000 ))
	if [ "$3" = ongoing ]; then
		sql "INSERT INTO outage (endpoint_id, system_id, started_ms, planned) SELECT $eid, system_id, $start, ${4:-0} FROM endpoint WHERE id = $eid;
		     INSERT OR REPLACE INTO endpoint_state (endpoint_id, last_probe_ms, last_ok, failures, outage_id)
		     VALUES ($eid, $(( (NOW - ${5:-0}) * 1000 )), 0, 9, last_insert_rowid())"
	else
		sql "INSERT INTO outage (endpoint_id, system_id, started_ms, ended_ms, planned, res_start_ms, res_end_ms)
		     SELECT $eid, system_id, $start, $start + $3, ${4:-0}, 500, 700 FROM endpoint WHERE id = $eid;
		     INSERT OR REPLACE INTO endpoint_state (endpoint_id, last_probe_ms, last_ok) VALUES ($eid, $NOW * 1000, 1)"
	fi
}
withep() { sys "$@"; d endpoint add "$1" "http://127.0.0.1:9/$1"; drilled "$1"; }

# --- rto-breach and outage-ongoing ---
withep rto-at --rto 1h --rpo 1d;        outage rto-at 7200 3600000
withep rto-over --rto 1h --rpo 1d;      outage rto-over 7200 3601000
withep rto-planned --rto 1h --rpo 1d;   outage rto-planned 7200 7200000 1
withep rto-old --rto 1h --rpo 1d;       outage rto-old $((100 * 86400)) 7200000
withep rto-ongoing --rto 1h --rpo 1d;   outage rto-ongoing 7200 ongoing
withep rto-young --rto 1h --rpo 1d;     outage rto-young 600 ongoing; d checkin rto-young --at -1h
withep rto-unwatched --rto 1h --rpo 1d; outage rto-unwatched 7200 ongoing 0 $((7200 - 1800))
ok "an outage exactly as long as the RTO is no breach" lacks rto-at rto-breach
ok "one second longer is" has rto-over rto-breach
ok "measured in seconds, with its resolution, since it passed the RTO" test "$(q "SELECT target_s, measured_s, resolution_s, since FROM v_findings WHERE system = 'rto-over' AND finding = 'rto-breach'")" = "3600|3601|2|$((NOW - 7200 + 3600))"
ok "a planned outage does not count" lacks rto-planned rto-breach
ok "but is shown to auditors" test "$(q "SELECT planned, over_rto FROM v_outages WHERE system = 'rto-planned'")" = "1|1"
ok "an outage older than the window does not count" lacks rto-old rto-breach
ok "an ongoing outage longer than the RTO is a breach" has rto-ongoing rto-breach
ok "and not merely ongoing" lacks rto-ongoing outage-ongoing
ok "an ongoing outage within the RTO warns" has rto-young outage-ongoing
ok "and is no breach" lacks rto-young rto-breach
ok "an outage nobody watched is measured to its last probe" lacks rto-unwatched rto-breach
ok "(the stale prober shows)" has rto-unwatched prober-stale
ok "a breach makes the status BREACH" status_is rto-over BREACH
ok "an ongoing outage makes it WARN" status_is rto-young WARN
ok "worst and last recovery are in the status" test "$(q "SELECT worst_recovery_s, last_recovery_s FROM v_system_status WHERE system = 'rto-over'")" = "3601|3601"

# --- rpo-breach and rpo-near ---
for x in rpo-at rpo-over near-at near-over; do sys $x --rto 1d --rpo 1h; drilled $x; done
d checkin rpo-at --at -3600s
d checkin rpo-over --at -3601s
d checkin near-at --at -2880s
d checkin near-over --at -2881s
ok "data lag exactly at the RPO is no breach" lacks rpo-at rpo-breach
ok "one second more is" has rpo-over rpo-breach
ok "the breach says since when" test "$(q "SELECT measured_s, since FROM v_findings WHERE system = 'rpo-over' AND finding = 'rpo-breach'")" = "3601|$((NOW - 1))"
ok "at the RPO it is near" has rpo-at rpo-near
ok "exactly 80% is not near" lacks near-at rpo-near
ok "one second above 80% is" has near-over rpo-near
ok "a breach is not also near" lacks rpo-over rpo-near
sys fresh-probe --rto 1d --rpo 1h; drilled fresh-probe; d endpoint add fresh-probe file:///backup --kind freshness
sql "INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok, data_time) SELECT id, $NOW * 1000, 1, $NOW - 7200 FROM endpoint WHERE url = 'file:///backup'"
ok "a freshness probe's data time feeds the data lag" has fresh-probe rpo-breach
d checkin fresh-probe --at -60s
ok "and so does a check-in, the newer one winning" lacks fresh-probe rpo-breach
d checkin fresh-probe --at -10s --failed
ok "a failed check-in is no recovery point" test "$(q "SELECT data_lag_s FROM v_system_status WHERE system = 'fresh-probe'")" = 60

# --- backup-missed ---
for x in bk-ok bk-missed bk-never bk-new bk-failed; do sys $x --rto 1d --rpo 1d; drilled $x; done
for x in bk-ok bk-missed bk-failed; do d schedule add $x hourly --every 1h --grace 10m --since -1d; done
d schedule add bk-never hourly --every 1h --grace 10m --since -2h
d schedule add bk-new hourly --every 1h --grace 10m --since -30m
d checkin bk-ok --at -70m
d checkin bk-missed --at -4201s
d checkin bk-failed --at -5h
d checkin bk-failed --at -10m --failed
ok "a check-in within gap + duration + grace is on time" lacks bk-ok backup-missed
ok "one second later the run is missed" has bk-missed backup-missed
ok "target and measured age" test "$(q "SELECT target_s, measured_s FROM v_findings WHERE system = 'bk-missed' AND finding = 'backup-missed'")" = "4200|4201"
ok "a schedule that never checked in is missed" has bk-never backup-missed
ok "a new schedule is given its first run" lacks bk-new backup-missed
ok "a failed run does not count as a backup" has bk-failed backup-missed
d config set backup-grace 2h
d schedule add bk-ok lax --every 1h --since -1d
d checkin bk-ok --schedule lax --at -3h
ok "a schedule without its own grace takes the backup-grace setting" lacks bk-ok backup-missed
d config set backup-grace 1h
ok "and follows it when it changes" has bk-ok backup-missed

# --- plan-gap ---
for x in plan-at plan-over plan-two; do sys $x --rto 1d --rpo 1h; drilled $x; done
d schedule add plan-at s --every 45m --duration 15m --since -1d
d schedule add plan-over s --every 45m --duration 901s --since -1d
d schedule add plan-two daily --cron @daily --since -1d
d schedule add plan-two wal --every 5m --since -1d
ok "a plan whose worst case equals the RPO is no gap" lacks plan-at plan-gap
ok "one second more is" has plan-over plan-gap
ok "the best schedule bounds the loss" lacks plan-two plan-gap
sys plan-cron --rto 1d --rpo 1d; drilled plan-cron
d schedule add plan-cron nightly --cron '0 2 * * *' --tz Europe/Berlin --since -1d
ok "a daily job across the autumn change has a 25h gap: more than a 1d RPO" has plan-cron plan-gap

# --- strategy-under and strategy-over ---
sys strat-under --rto 1m --rpo 1d --strategy backup-restore; drilled strat-under
sys strat-exact --rto 30m --rpo 5m --strategy pilot-light; drilled strat-exact
sys strat-over --rto 2d --rpo 2d --strategy warm-standby; drilled strat-over
ok "a strategy whose typical RTO exceeds the target is under" has strat-under strategy-under
ok "typical figures exactly at the targets are not" lacks strat-exact strategy-under
ok "nor over, when nothing cheaper fits" lacks strat-exact strategy-over
ok "a cheaper fitting strategy makes it over" has strat-over strategy-over
ok "over is information, not a warning" test "$(q "SELECT severity FROM v_findings WHERE system = 'strat-over' AND finding = 'strategy-over'")" = INFO
ok "and the recommendation is the cheapest fit" test "$(q "SELECT recommended_strategy, recommended_cost_tier FROM v_system_status WHERE system = 'strat-over'")" = "backup-restore|1"
ok "strategy fit, system by strategy" test "$(q "SELECT group_concat(strategy || ':' || meets, ' ') FROM v_strategy_fit WHERE system = 'strat-exact'")" = "backup-restore:0 pilot-light:1 warm-standby:1 active-active:1"

# --- dependency-conflict and dependency-cycle ---
sys dep-a --rto 1h --rpo 1h; sys dep-b --rto 4h --rpo 1h
sys dep-c --rto 1h --rpo 1h; sys dep-d --rto 1h --rpo 1h; sys dep-e --rto 2h --rpo 1h
sys dep-f --rto 1h --rpo 1h; sys dep-g --rto 1h --rpo 1h
for x in dep-a dep-b dep-c dep-d dep-e dep-f dep-g; do drilled $x; done
d depend add dep-a --on dep-b
d depend add dep-c --on dep-d; d depend add dep-d --on dep-e
d depend add dep-f --on dep-g
ok "depending on a looser RTO conflicts" has dep-a dependency-conflict
ok "the looser one itself does not" lacks dep-b dependency-conflict
ok "transitively: C needs D needs E" test "$(q "SELECT detail FROM v_findings WHERE system = 'dep-c' AND finding = 'dependency-conflict'")" = "depends on dep-e, whose RTO is looser"
ok "equal targets do not conflict" lacks dep-f dependency-conflict
sys cyc-1 --rto 1h --rpo 1h; sys cyc-2 --rto 1h --rpo 1h; sys cyc-3 --rto 1h --rpo 1h
d depend add cyc-1 --on cyc-2; d depend add cyc-2 --on cyc-3; d depend add cyc-3 --on cyc-1
ok "a cycle is found on each of its members" test "$(q "SELECT count(*) FROM v_findings WHERE finding = 'dependency-cycle'")" -eq 3
ok "and nowhere else" lacks dep-a dependency-cycle

# --- drill-overdue ---
sys drill-edge --rto 1h --rpo 1h; sys drill-old --rto 1h --rpo 1h; sys drill-never --rto 1h --rpo 1h
d drill add drill-edge --kind restore --started -365d --recovered -365d
d drill add drill-old --kind failover --started -365d1s --recovered -365d
ok "a drill exactly 365 days ago is not overdue" lacks drill-edge drill-overdue
ok "one second older is" has drill-old drill-overdue
ok "never drilled is overdue" test "$(q "SELECT detail FROM v_findings WHERE system = 'drill-never' AND finding = 'drill-overdue'")" = "never drilled live"
sys drill-table --rto 1h --rpo 1h
d drill add drill-table --kind tabletop --started -1d --recovered -1d
ok "a tabletop exercise is no live drill: still overdue" test "$(q "SELECT detail FROM v_findings WHERE system = 'drill-table' AND finding = 'drill-overdue'")" = "never drilled live"
ok "and has no met_rto or met_rpo" test "$(q "SELECT live, coalesce(met_rto, 'null'), coalesce(met_rpo, 'null') FROM v_drills WHERE system = 'drill-table'")" = "0|null|null"
d config set drill-max-age 400d
ok "the age comes from the setting" lacks drill-old drill-overdue
d config set drill-max-age 365d

# --- prober-stale ---
withep stale-edge --rto 1d --rpo 1d; withep stale-yes --rto 1d --rpo 1d
sql "INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok) SELECT e.id, ($NOW - 190) * 1000, 1 FROM endpoint e JOIN system s ON s.id = e.system_id WHERE s.name = 'stale-edge'"
sql "INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok) SELECT e.id, ($NOW - 191) * 1000, 1 FROM endpoint e JOIN system s ON s.id = e.system_id WHERE s.name = 'stale-yes'"
ok "a probe exactly three intervals and the timeout old (3 x 1m + 10s) is not stale" lacks stale-edge prober-stale
ok "one second older is" has stale-yes prober-stale

# --- status ---
sys unknown --rto 1h --rpo 1h; drilled unknown
sys fine --rto 1h --rpo 1h; drilled fine; d checkin fine --at -1m
ok "no evidence at all is UNKNOWN, not OK" status_is unknown UNKNOWN
ok "evidence and no finding is OK" status_is fine OK
ok "no evidence beats a warning: UNKNOWN" status_is drill-never UNKNOWN
d checkin drill-old --at -1m
ok "a warning finding makes WARN" status_is drill-old WARN
ok "information alone leaves OK or UNKNOWN" status_is strat-over UNKNOWN

# --- history ---
succeeds "drtop status" status
ok "lists the worst first" sh -c "sed -n 2p '$T/out' | grep -q '^BREACH'"
ok "and the findings, the measurement with its bounds" sh -c "grep -q '^rto-over  *rto-breach  *BREACH  *1h  *1h1s (1h–1h2s)  *2s' '$T/out'"
ok "records every system's status once" test "$(sql "SELECT count(*) FROM status_history")" -eq "$(sql "SELECT count(*) FROM system")"
"$DRTOP" status >/dev/null
ok "nothing new when nothing changed" test "$(sql "SELECT count(*) FROM status_history")" -eq "$(sql "SELECT count(*) FROM system")"
"$DRTOP" --now +1h checkin rpo-over --at now >/dev/null
"$DRTOP" --now +1h status >/dev/null
ok "a change is recorded with its time" test "$(sql "SELECT h.status || '@' || h.at FROM status_history h JOIN system s ON s.id = h.system_id WHERE s.name = 'rpo-over' ORDER BY h.id DESC LIMIT 1")" = "OK@$((NOW + 3600))"
ok "since when in breach is one query" test "$(sql "SELECT h.at FROM status_history h JOIN system s ON s.id = h.system_id WHERE s.name = 'rto-over' AND h.status = 'BREACH' ORDER BY h.at DESC LIMIT 1")" = "$NOW"
succeeds "status of one system" status strat-over --format json
ok "as JSON" sh -c "sqlite3 :memory: \"SELECT json_extract(readfile('$T/out'), '\$[0].recommended_strategy')\" | grep -qx backup-restore"
fails "status of an unknown system" 65 "unknown system" status nope

# --- what-if ---
d checkin strat-under --at -1m # evidence for the RPO: the what-if is then OK
before=$(db_sum)
succeeds "what if strat-under took active-active" whatif strat-under --strategy active-active
shows_whatif() { grep -q '^now: WARN (strategy-under)' "$T/out" && grep -q '^what if: OK; RTO 1m, RPO 1d; strategy active-active [$]\{4\}' "$T/out"; }
ok "shows the verdict before and after" shows_whatif
ok "and leaves the database byte for byte as it was" test "$(db_sum)" = "$before"
succeeds "what if plan-over backed up every 30m" whatif plan-over --schedule-every 30m
ok "the plan gap goes away" sh -c "grep -A9 '^what if' '$T/out' | grep -vq 'plan-gap'"
ok "nothing saved" test "$(db_sum)" = "$before"
fails "what if with nothing" 64 "nothing to try" whatif plan-over
fails "what if with an unknown strategy" 65 "unknown strategy \"gold\"" whatif plan-over --strategy gold
fails "what if with a bad cron" 65 "malformed cron expression" whatif plan-over --schedule-cron 'every day'

# --- recovery order ---
run recovery-order
ok "dependencies first" sh -c "grep -n 'dep-e\|dep-d\|dep-c' '$T/out' | cut -d: -f2 | tr -s ' ' | cut -d' ' -f3 | tr '\n' ' ' | grep -q 'dep-e dep-d dep-c'"
ok "cycles are named on stderr, exit 65" sh -c "test $rc -eq 65 && grep -q 'dependency cycle: cyc-1, cyc-2, cyc-3' '$T/err'"

# Parallel steps and the time each system is back, against its RTO: its own
# recovery from its latest live drill, else its strategy's typical RTO.
sys ro-store --rto 2h --rpo 1h --tier 1 --strategy backup-restore # 1d (strategy)
sys ro-wiki --rto 1d --rpo 1d --tier 3 --strategy backup-restore  # 1d, needs nothing
sys ro-db --rto 1h --rpo 5m --tier 0 --strategy warm-standby
sys ro-app --rto 90m --rpo 1h --tier 0
sys ro-pay --rto 30m --rpo 5m --tier 0 --strategy pilot-light      # 30m (strategy)
sys ro-lost --rto 1h --rpo 1h --tier 2                             # no drill, no strategy
sys ro-after --rto 1d --rpo 1d --tier 2 --strategy pilot-light
d depend add ro-db --on ro-store; d depend add ro-app --on ro-db; d depend add ro-pay --on ro-db
d depend add ro-after --on ro-lost
d drill add ro-db --kind failover --started -72h --recovered -71h20m # 40m, older
d drill add ro-db --kind failover --started -30h --recovered -29h40m # the latest: 20m
d drill add ro-app --kind restore --started -1d --recovered -23h50m   # 10m
d drill add ro-app --kind tabletop --started -2h --recovered -1h59m   # not a recovery
ro() { q "SELECT step, recovery_s, estimate, ready_s, done_s, coalesce(meets_rto, '?') FROM v_recovery_order WHERE system = '$1'"; }
ok "recovery order: what needs nothing is step 1, its strategy's RTO" test "$(ro ro-store)" = "1|86400|strategy|0|86400|0"
ok "the latest live drill gives a system's own recovery time" test "$(ro ro-db)" = "2|1200|drill|86400|87600|0"
ok "a tabletop exercise is no recovery time" test "$(ro ro-app)" = "3|600|drill|87600|88200|0"
ok "a tier-0 system waits only for what it needs, not for a tier-3 one" test "$(ro ro-pay)" = "3|1800|strategy|87600|89400|0"
ok "within a step: tier, then RTO" test "$(q "SELECT group_concat(system, ' ') FROM (SELECT system FROM v_recovery_order WHERE system GLOB 'ro-*' AND step = 3 ORDER BY position)")" = "ro-pay ro-app"
ok "a system back within its RTO" test "$(ro ro-wiki)" = "1|86400|strategy|0|86400|1"
ok "an unknown recovery time leaves the time back unknown" test "$(ro ro-lost)" = "1|||||?"
ok "... and that of everything that needs it" test "$(ro ro-after)" = "2|1800|strategy|||?"
run recovery-order
ok "the CLI shows the steps, the times and the verdict" sh -c "grep -q '^ *3  ro-pay  *0  *30m  *30m (strategy)  *+1d20m  *+1d50m  *NO  *ro-db\$' '$T/out' && grep -q '^ *1  ro-lost .* ?  *?  *?  *?' '$T/out'"

# --- the verdict in one evaluation: v_verdict_rows ---
# Its system rows are v_system_status, its finding rows v_findings, on the
# demo (every finding there is); drtop reads it once for a command.
"$DRTOP" --db "$T/one.db" demo --no-dashboard >/dev/null 2>&1
one() { "$DRTOP" --db "$T/one.db" db query "$1"; }
ok "the demo's file verifies intact: each endpoint's state has its results behind it" "$DRTOP" --db "$T/one.db" db verify
fcols="system_id, system, finding, severity, objective, target_s, measured_s, resolution_s, since, since_iso, detail, lower_s, upper_s"
ok "the demo has findings of many kinds to compare" test "$(one "SELECT count(DISTINCT finding) FROM v_findings")" -ge 12
ok "v_verdict_rows: a system row for each system" test "$(one "SELECT count(*) FROM v_verdict_rows WHERE row_kind = 'system'")" = "$(one "SELECT count(*) FROM system")"
ok "... and its finding rows are v_findings, row for row" test "$(one "SELECT ((SELECT count(*) FROM (SELECT $fcols FROM v_verdict_rows WHERE row_kind = 'finding' EXCEPT SELECT $fcols FROM v_findings)) + (SELECT count(*) FROM (SELECT $fcols FROM v_findings EXCEPT SELECT $fcols FROM v_verdict_rows WHERE row_kind = 'finding'))) || ' ' || ((SELECT count(*) FROM v_verdict_rows WHERE row_kind = 'finding') - (SELECT count(*) FROM v_findings))")" = "0 0"
one "SELECT system, finding, severity, detail FROM v_findings ORDER BY 1, 2, 4" >"$T/view-findings"
"$DRTOP" --db "$T/one.db" report --format json >"$T/one.json" 2>/dev/null
python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
rows = sorted((s["name"], f["finding"], f["severity"], f["detail"]) for s in r["systems"] for f in s["findings"])
print("\n".join("|".join(x) for x in rows))' "$T/one.json" >"$T/report-findings"
ok "the report, read from it, lists every finding of v_findings" cmp "$T/view-findings" "$T/report-findings"

# --- config ---
fails "an unknown setting" 65 "unknown setting 'windows'" config set windows 30d
fails "a bad ratio" 65 "rpo-near-ratio: expected a number between 0 and 1" config set rpo-near-ratio 1.5
fails "a bad window" 65 "window: malformed duration" config set window forever
succeeds "config list" config list
ok "lists every setting" test "$(grep -c . "$T/out")" -eq 19
ok "with history (400d) and coverage-min (0.95)" sh -c 'grep -q "^history  *400d " "$1" && grep -q "^coverage-min  *0.95 " "$1"' - "$T/out"

done_testing

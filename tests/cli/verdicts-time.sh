#!/bin/sh
# Verdicts over time (db/*-verdicts-over-time.sql): objectives judged as they
# were in force, tabletop against live drills, no evidence, bounds of outages,
# and the verdict as of a past date, each on both sides of its boundary.
#
# Objectives change at the real time of the change, so the sections on them
# run on the real clock; the others keep DRTOP_NOW fixed.
. "$SRCDIR/tests/lib.sh"
NOW=1795608000 # 2026-11-25T12:00:00Z, as DRTOP_NOW in tests/lib.sh

d() { "$DRTOP" "$@" >/dev/null || echo "Bail out! drtop $*"; }
q() { "$DRTOP" db query "$1"; }
has() { test "$(q "SELECT count(*) FROM v_findings WHERE system = '$1' AND finding = '$2'")" -ge 1; }
lacks() { test "$(q "SELECT count(*) FROM v_findings WHERE system = '$1' AND finding = '$2'")" -eq 0; }
status_is() { test "$(q "SELECT status FROM v_system_status WHERE system = '$1'")" = "$2"; }
eid() { sql "SELECT e.id FROM endpoint e JOIN system s ON s.id = e.system_id WHERE s.name = '$1' LIMIT 1"; }
# closed SYSTEM START_S DURATION_MS RES_START_MS RES_END_MS [GAP]: an ended outage at START_S (Unix s)
closed() {
	sql "INSERT INTO outage (endpoint_id, system_id, started_ms, ended_ms, res_start_ms, res_end_ms, gap)
	     SELECT id, system_id, $2 * 1000, $2 * 1000 + $3, $4, $5, ${6:-0} FROM endpoint WHERE id = $(eid "$1")"
}
# live SYSTEM: a health endpoint, a check-in and a restore drill: evidence for both objectives
live() { d endpoint add "$1" "http://127.0.0.1:9/$1"; d checkin "$1" --at -1m; d drill add "$1" --kind restore --started -30d --recovered -30d; }

# --- effective-dated objectives (real clock) ---
unset DRTOP_NOW
R=$(date +%s)
d system add loosen --rto 15m --rpo 1h; live loosen
d system add loosen-ok --rto 15m --rpo 1h; live loosen-ok
d system add tighten --rto 1h --rpo 1h; live tighten
closed loosen $((R - 7200)) 2400000 1000 1000    # 40m against 15m: a breach
closed loosen-ok $((R - 7200)) 600000 1000 1000  # 10m against 15m: none
closed tighten $((R - 7200)) 2400000 1000 1000   # 40m against 1h: none
ok "each system has its first objective" test "$(sql "SELECT count(*) FROM objective_history WHERE valid_to IS NULL")" -eq 3
d system set loosen --owner ops
ok "a change of anything else is no new objective" test "$(sql "SELECT count(*) FROM objective_history h JOIN system s ON s.id = h.system_id WHERE s.name = 'loosen'")" -eq 1
d system set loosen --rto 1h
d system set loosen-ok --rto 1h
d system set tighten --rto 15m
ok "a change of the RTO closes the old interval and opens one" test "$(q "SELECT group_concat(rto_s || ':' || (from_at IS NULL) || (to_at IS NULL), ' ') FROM v_objectives WHERE system = 'loosen'")" = "900:10 3600:01"
ok "the interval is bounded by the real time of the change" test "$(sql "SELECT valid_from >= $R FROM objective_history h JOIN system s ON s.id = h.system_id WHERE s.name = 'loosen' AND valid_to IS NULL")" = 1
ok "a breach of the RTO in force then stays after loosening" has loosen rto-breach
ok "measured against the old target" test "$(q "SELECT target_s FROM v_findings WHERE system = 'loosen' AND finding = 'rto-breach'")" = 900
ok "v_outages judges it against the old target too" test "$(q "SELECT rto_s, over_rto, breach FROM v_outages WHERE system = 'loosen'")" = "900|1|1"
ok "loosening after a breach is told" test "$(q "SELECT severity, target_s, measured_s, detail FROM v_findings WHERE system = 'loosen' AND finding = 'target-loosened'")" = "INFO|3600|900|RTO loosened from 900 s to 3600 s after a breach of the old value"
ok "loosening without a breach is not" lacks loosen-ok target-loosened
ok "the status shows the target in force now" test "$(q "SELECT rto_s FROM v_system_status WHERE system = 'loosen'")" = 3600
ok "tightening does not turn an old outage into a breach" lacks tighten rto-breach
ok "nor is it a loosening" lacks tighten target-loosened
d system add dr-loosen --rto 1h --rpo 5m; live dr-loosen
d drill add dr-loosen --kind failover --started -2h --recovered -1h --data-loss 10m
ok "a live drill that lost more data than the RPO failed" test "$(q "SELECT objective, target_s, measured_s FROM v_findings WHERE system = 'dr-loosen' AND finding = 'drill-failed'")" = "rpo|300|600"
d system set dr-loosen --rpo 15m
ok "loosening the RPO after it keeps the failed drill" has dr-loosen drill-failed
ok "and is told" test "$(q "SELECT objective, detail FROM v_findings WHERE system = 'dr-loosen' AND finding = 'target-loosened'")" = "rpo|RPO loosened from 300 s to 900 s after a breach of the old value"
loosened() { q "SELECT coalesce(group_concat(objective, ','), 'none') FROM (SELECT objective FROM v_findings WHERE system = '$1' AND finding = 'target-loosened' ORDER BY objective)"; }
# both targets loosened at once: a row for each one whose old value was breached
d system add both-rpo --rto 30m --rpo 10m; live both-rpo
d drill add both-rpo --kind restore --started -2h --recovered -1h50m --data-loss 15m
d system set both-rpo --rto 45m --rpo 20m
ok "RTO and RPO loosened, only the RPO breached: only the RPO is told" test "$(loosened both-rpo)" = rpo
d system add both-both --rto 30m --rpo 10m; live both-both
d drill add both-both --kind restore --started -2h --recovered -1h15m --data-loss 15m
d system set both-both --rto 1h --rpo 20m
ok "... both breached: both are told" test "$(loosened both-both)" = "rpo,rto"
# the data lag breached the old RPO: loosening it does not erase that
d system add lag-loosen --rto 1h --rpo 1h; d endpoint add lag-loosen http://127.0.0.1:9/lag-loosen
d drill add lag-loosen --kind restore --started -30d --recovered -30d; d checkin lag-loosen --at -2h
ok "a data lag of 2h against an RPO of 1h is a breach" has lag-loosen rpo-breach
d system set lag-loosen --rpo 1d
ok "loosening the RPO during it ends the breach..." lacks lag-loosen rpo-breach
ok "... and is told, with the old and the new value" test "$(q "SELECT objective, target_s, measured_s, detail FROM v_findings WHERE system = 'lag-loosen' AND finding = 'target-loosened'")" = "rpo|86400|3600|RPO loosened from 3600 s to 86400 s after a breach of the old value"
d system add lag-ok --rto 1h --rpo 1h; d endpoint add lag-ok http://127.0.0.1:9/lag-ok
d drill add lag-ok --kind restore --started -30d --recovered -30d; d checkin lag-ok --at -30m
d system set lag-ok --rpo 1d
ok "... a lag within the old RPO is no breach to tell" test "$(loosened lag-ok)" = none
d system add gap-loosen --rto 1h --rpo 1h; d endpoint add gap-loosen http://127.0.0.1:9/gap-loosen
d drill add gap-loosen --kind restore --started -30d --recovered -30d
d checkin gap-loosen --at -10h; d checkin gap-loosen --at -3h; d checkin gap-loosen --at -1m
d system set gap-loosen --rpo 1d
ok "... a lag above it between two earlier check-ins is one" test "$(loosened gap-loosen)" = rpo

sql "DELETE FROM objective_history" 2>"$T/sqlerr"
ok "the history cannot be deleted behind the verdict's back" sh -c "grep -q 'append-only' '$T/sqlerr' && test \"\$(sqlite3 '$DRTOP_DB' 'SELECT count(*) FROM objective_history')\" -gt 0"
sql "UPDATE objective_history SET rto_s = 86400" 2>"$T/sqlerr"
ok "nor rewritten" sh -c "grep -q 'append-only' '$T/sqlerr' && test \"\$(sqlite3 '$DRTOP_DB' 'SELECT max(rto_s) FROM objective_history')\" -eq 3600"
d system rm loosen-ok --force
ok "it goes with its system" test "$(sql "SELECT count(*) FROM objective_history WHERE system_id NOT IN (SELECT id FROM system)")" -eq 0

# An older database: the history is read back from the audit log.
old="$T/old.db"
for f in "$SRCDIR"/db/000[1-4]-*.sql; do sqlite3 "$old" <"$f"; done
sqlite3 "$old" "PRAGMA user_version = 4;
  INSERT INTO system (name, rto_s, rpo_s, created_at, updated_at) VALUES ('legacy', 7200, 600, 1, 1);
  UPDATE system SET rto_s = 3600 WHERE name = 'legacy';
  UPDATE system SET owner = 'x' WHERE name = 'legacy';
  UPDATE system SET rpo_s = 300 WHERE name = 'legacy';"
d --db "$old" db migrate
ok "migration rebuilds each change of the objectives from the audit log" test "$(sqlite3 "$old" "SELECT group_concat(rto_s || '/' || rpo_s || '/' || source || '/' || (valid_to IS NULL), ' ') FROM (SELECT * FROM objective_history ORDER BY id)")" = "7200/600/audit/0 3600/600/audit/0 3600/300/audit/1"

# --- drills: tabletop against live, drill-failed (fixed clock) ---
export DRTOP_NOW="2026-11-25T12:00:00Z"
for x in dr-at dr-over dr-later dr-table; do d system add $x --rto 1h --rpo 1h; d endpoint add $x "http://127.0.0.1:9/$x"; d checkin $x --at -1m; done
d drill add dr-at --kind restore --started -10d --recovered -9d23h
d drill add dr-over --kind failover --started -10d --recovered -9d22h59m59s
d drill add dr-later --kind restore --started -10d --recovered -9d22h
d drill add dr-later --kind restore --started -5d --recovered -4d23h30m
d drill add dr-table --kind restore --started -10d --recovered -9d22h
d drill add dr-table --kind tabletop --started -5d --recovered -4d23h59m
ok "a live drill exactly at the RTO met it" lacks dr-at drill-failed
ok "one second longer failed" test "$(q "SELECT severity, target_s, measured_s FROM v_findings WHERE system = 'dr-over' AND finding = 'drill-failed'")" = "WARN|3600|3601"
ok "v_drills agrees" test "$(q "SELECT group_concat(system || ':' || met_rto, ' ') FROM (SELECT * FROM v_drills WHERE system IN ('dr-at', 'dr-over') ORDER BY system)")" = "dr-at:1 dr-over:0"
ok "a later live drill that meets the RTO ends it" lacks dr-later drill-failed
ok "a later tabletop exercise does not" has dr-table drill-failed

# --- no evidence, never probed (fixed clock) ---
d system add ev-none --rto 1h --rpo 1h
d system add ev-table --rto 1h --rpo 1h; d drill add ev-table --kind tabletop --started -1d --recovered -1d
d system add ev-drill --rto 1h --rpo 1h; d drill add ev-drill --kind restore --started -1d --recovered -1d
d system add ev-health --rto 1h --rpo 1h; d endpoint add ev-health http://127.0.0.1:9/h
d system add ev-off --rto 1h --rpo 1h; d endpoint add ev-off http://127.0.0.1:9/off; sql "UPDATE endpoint SET enabled = 0 WHERE url = 'http://127.0.0.1:9/off'"
d system add ev-fresh --rto 1h --rpo 1h; d endpoint add ev-fresh file:///backup --kind freshness
d system add ev-failed --rto 1h --rpo 1h; d checkin ev-failed --at -1h --failed
objectives() { q "SELECT group_concat(objective, ',') FROM (SELECT objective FROM v_findings WHERE system = '$1' AND finding = 'no-evidence' ORDER BY objective)"; }
ok "nothing at all: no evidence for either objective" test "$(objectives ev-none)" = "rpo,rto"
ok "which is UNKNOWN, above the drill-overdue warning" sh -c "$(command -v "$DRTOP") db query \"SELECT status, worst_finding FROM v_system_status WHERE system = 'ev-none'\" | grep -qx 'UNKNOWN|no-evidence'"
ok "the finding names what is missing" test "$(q "SELECT detail FROM v_findings WHERE system = 'ev-none' AND finding = 'no-evidence' AND objective = 'rto'")" = "nothing shows the RTO is met: no health endpoint and no live drill"
ok "a tabletop exercise is no evidence for the RTO" test "$(objectives ev-table)" = "rpo,rto"
ok "a live drill is" test "$(objectives ev-drill)" = "rpo"
ok "so is a health endpoint" test "$(objectives ev-health)" = "rpo"
ok "but not a disabled one" test "$(objectives ev-off)" = "rpo,rto"
ok "a freshness endpoint is evidence for the RPO" test "$(objectives ev-fresh)" = "rto"
ok "so is a check-in, even a failed one" test "$(objectives ev-failed)" = "rto"
d system add gap-at --rto 1h --rpo 1h --since -190s; d endpoint add gap-at http://127.0.0.1:9/g1 --since -190s
d system add gap-over --rto 1h --rpo 1h --since -191s; d endpoint add gap-over http://127.0.0.1:9/g2 --since -191s
d system add gap-probed --rto 1h --rpo 1h --since -1d; d endpoint add gap-probed http://127.0.0.1:9/g3 --since -1d
sql "INSERT INTO probe_result (endpoint_id, at_ms, ok) VALUES ($(eid gap-probed), ($NOW - 3600) * 1000, 1)"
ok "an endpoint not yet probed three intervals plus a timeout after it was added is no gap" lacks gap-at evidence-gap
ok "one second later it is" test "$(q "SELECT severity, target_s, measured_s, detail FROM v_findings WHERE system = 'gap-over' AND finding = 'evidence-gap'")" = "WARN|190|191|endpoint http://127.0.0.1:9/g2 was never probed"
ok "a probed endpoint is none" test "$(q "SELECT count(*) FROM v_findings WHERE system = 'gap-probed' AND detail LIKE '%never probed%'")" -eq 0
ok "as of before its first probe, it was one" test "$("$DRTOP" --now -2h db query "SELECT count(*) FROM v_findings WHERE system = 'gap-probed' AND finding = 'evidence-gap'")" -eq 1

# --- bounds on outages (fixed clock) ---
for x in lo-at lo-over up-at up-over cut; do d system add $x --rto 1h --rpo 1d; d endpoint add $x "http://127.0.0.1:9/$x"; d checkin $x --at -1m; d drill add $x --kind restore --started -1d --recovered -1d; done
closed lo-at $((NOW - 86400)) 3600700 500 700    # lower exactly 1h, upper 1h0m1.2s
closed lo-over $((NOW - 86400)) 3600701 500 700  # lower 1 ms over
closed up-at $((NOW - 86400)) 3000000 600000 700 # upper exactly 1h
closed up-over $((NOW - 86400)) 3000000 600001 700
closed cut $((NOW - 86400)) 1800000 500 900000 1 # cut by a gap after 30m
ok "bounds in v_outages: lower, upper" test "$(q "SELECT lower_ms, upper_ms FROM v_outages WHERE system = 'lo-at'")" = "3600000|3601200"
ok "a lower bound exactly at the RTO is no breach" lacks lo-at rto-breach
ok "but the upper bound above it is a possible one" test "$(q "SELECT severity, target_s, measured_s FROM v_findings WHERE system = 'lo-at' AND finding = 'rto-breach-possible'")" = "WARN|3600|3602"
ok "a lower bound one millisecond above is a breach" has lo-over rto-breach
ok "and not merely possible" lacks lo-over rto-breach-possible
ok "an upper bound exactly at the RTO is nothing" sh -c "! $(command -v "$DRTOP") db query \"SELECT finding FROM v_findings WHERE system = 'up-at'\" | grep -q rto-breach"
ok "one millisecond above is a possible breach" has up-over rto-breach-possible
ok "an outage cut by a gap has no upper bound" test "$(q "SELECT lower_ms, coalesce(upper_ms, 'none') FROM v_outages WHERE system = 'cut'")" = "1800000|none"
ok "so it may have breached" test "$(q "SELECT detail FROM v_findings WHERE system = 'cut' AND finding = 'rto-breach-possible'")" = "an outage cut by a gap in probing may have lasted longer than the RTO"
ok "a possible breach warns" status_is up-over WARN

# --- coverage (fixed clock) ---
# Every 60 s with a 10 s timeout: probes at most 190 s apart watched the time between them.
d system add cov --rto 1h --rpo 1h --since -1000s; d endpoint add cov http://127.0.0.1:9/cov --interval 1m --timeout 10s --since -1000s
d system add cov-none --rto 1h --rpo 1h --since -1000s; d endpoint add cov-none http://127.0.0.1:9/cov-none --since -1000s
for ago in 1000 810 619 600; do sql "INSERT INTO probe_result (endpoint_id, at_ms, ok) VALUES ($(eid cov), ($NOW - $ago) * 1000, 1)"; done
ok "190 s apart is watched, 191 s is not; the newest probe watches up to 190 s more" test "$(q "SELECT probes, watched_ms, span_ms, share FROM v_coverage WHERE system = 'cov'")" = "4|399000|1000000|0.399"
ok "with its first and last probe" test "$(q "SELECT first_probe, last_probe FROM v_coverage WHERE system = 'cov'")" = "2026-11-25T11:43:20Z|2026-11-25T11:50:00Z"
ok "an endpoint never probed watched nothing" test "$(q "SELECT probes, watched_ms, share FROM v_coverage WHERE system = 'cov-none'")" = "0|0|0.0"
ok "as of before its first probe, nothing was watched yet" test "$("$DRTOP" --now -1001s db query "SELECT probes, coalesce(share, 'none') FROM v_coverage WHERE system = 'cov'")" = "0|none"
# A system of two endpoints is given, for the time they missed, the allowance
# of a new endpoint (three intervals and a timeout, 190 s) for each: both
# first probed 150 s after they were added, then every minute, missed 300 s
# of 600 and are no gap; first probed 200 s after, 400 s of 600 are one.
for pair in "cov-two 150" "cov-late 200"; do
	set -- $pair
	d system add "$1" --rto 1h --rpo 1h --since -300s
	for k in a b; do
		d endpoint add "$1" "http://127.0.0.1:9/$1-$k" --interval 1m --timeout 10s --since -300s
		id=$(sql "SELECT id FROM endpoint WHERE url = 'http://127.0.0.1:9/$1-$k'")
		for ago in $((300 - $2)) $((240 - $2)) $((180 - $2)) $((120 - $2)); do
			[ "$ago" -ge 0 ] && sql "INSERT INTO probe_result (endpoint_id, at_ms, ok) VALUES ($id, ($NOW - $ago) * 1000, 1)"
		done
	done
done
ok "two endpoints each probed within a new endpoint's allowance: no evidence-gap" lacks cov-two evidence-gap
ok "each probed later than it: an evidence-gap" has cov-late evidence-gap

# --- as of any date: a scripted month, replayed (fixed clock) ---
d system add hist --rto 30m --rpo 2d --since -30d
d endpoint add hist http://127.0.0.1:9/hist --since -30d
sql "INSERT INTO probe_result (endpoint_id, at_ms, ok) VALUES ($(eid hist), ($NOW - 29 * 86400) * 1000, 1)"
d checkin hist --at -28d
closed hist $((NOW - 25 * 86400)) 2400000 1000 1000  # 40m: an RTO breach
d drill add hist --kind restore --started -20d --recovered -19d23h50m
d checkin hist --at -12d
closed hist $((NOW - 16 * 86400)) 172800000 1000 1000  # two days, over T3
sql "INSERT INTO probe_result (endpoint_id, at_ms, ok) VALUES ($(eid hist), ($NOW - 15 * 86400 - 3600) * 1000, 0)"
verdict() { "$DRTOP" --now "$1" status hist --format json; }
for t in -29d -27d -22d -15d -5d; do verdict $t >"$T/before$t.json"; done
ok "the verdict changes as the month goes on" sh -c "! cmp -s '$T/before-27d.json' '$T/before-22d.json'"
ok "as of day 27 nothing from later counts: no drill yet" test "$("$DRTOP" --now -27d db query "SELECT count(*) FROM v_findings WHERE system = 'hist' AND finding = 'drill-overdue'")" = 1
ok "as of day 22 the drill of day 20 is not there yet either" test "$("$DRTOP" --now -21d db query "SELECT detail FROM v_findings WHERE system = 'hist' AND finding = 'drill-overdue'")" = "never drilled live"
ok "as of day 19 it is" test "$("$DRTOP" --now -19d db query "SELECT count(*) FROM v_findings WHERE system = 'hist' AND finding = 'drill-overdue'")" -eq 0
ok "as of day 15 the two-day outage is ongoing, measured to the last probe before then" test "$("$DRTOP" --now -15d db query "SELECT measured_s FROM v_findings WHERE system = 'hist' AND finding = 'rto-breach'")" -eq $((86400 - 3600))
ok "and no data lag is negative" test "$("$DRTOP" --now -27d db query "SELECT count(*) FROM v_system_status WHERE data_lag_s < 0")" -eq 0
# Later evidence: a check-in, an outage, a live drill that failed, a probe.
d checkin hist --at -3d
closed hist $((NOW - 4 * 86400)) 7200000 1000 1000
d drill add hist --kind failover --started -2d --recovered -1d22h
sql "INSERT INTO probe_result (endpoint_id, at_ms, ok) VALUES ($(eid hist), ($NOW - 86400) * 1000, 1)"
sql "INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok, last_ok_ms) VALUES ($(eid hist), ($NOW - 86400) * 1000, 1, ($NOW - 86400) * 1000)"
for t in -29d -27d -22d -15d -5d; do
	verdict $t >"$T/after$t.json"
	ok "the verdict as of $t is the same after later evidence" cmp -s "$T/before$t.json" "$T/after$t.json"
done
ok "while today's verdict sees it" test "$(q "SELECT count(*) FROM v_findings WHERE system = 'hist' AND finding = 'drill-failed'")" -eq 1
# The raw results folded and pruned to the shortest retention: what the
# verdict reads of them as of a past date stays (the first probe, an
# outage's probes), so it says the same.
seal_results "$DRTOP_DB" # the results written here with sqlite3 are evidence like drtop's
d config set retention 1s >/dev/null
d db prune >/dev/null
ok "folded and pruned" test "$(sql "SELECT count(*) FROM probe_rollup WHERE endpoint_id = $(eid hist)")" -ge 3
for t in -29d -27d -22d -15d -5d; do
	verdict $t >"$T/pruned$t.json"
	ok "the verdict as of $t is the same after pruning" cmp -s "$T/before$t.json" "$T/pruned$t.json"
done
d config set retention 4h >/dev/null

# The worst outage is the one whose figure as shown is the largest: an
# ongoing one with a gap inside (610 s from its start to its newest probe,
# 60 s of them watched failing) is ">= 1m", less than an ended one of 2m53s.
d system add gapworst --rto 1h --rpo 1d
d endpoint add gapworst "http://127.0.0.1:9/gapworst"
closed gapworst $((NOW - 3600)) 173000 1000 1000
sql "INSERT INTO outage (endpoint_id, system_id, started_ms, res_start_ms) VALUES ($(eid gapworst), (SELECT id FROM system WHERE name = 'gapworst'), ($NOW - 700) * 1000, 1000);
     INSERT INTO outage_gap (outage_id, from_ms, to_ms) VALUES ((SELECT max(id) FROM outage), ($NOW - 640) * 1000, ($NOW - 100) * 1000);
     INSERT INTO probe_result (endpoint_id, at_ms, ok) VALUES ($(eid gapworst), ($NOW - 700) * 1000, 0), ($(eid gapworst), ($NOW - 640) * 1000, 0), ($(eid gapworst), ($NOW - 90) * 1000, 0);
     INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok, failures, first_fail_ms, last_fail_ms, outage_id)
     VALUES ($(eid gapworst), ($NOW - 90) * 1000, 0, 3, ($NOW - 700) * 1000, ($NOW - 90) * 1000, (SELECT max(id) FROM outage))"
ok "(the ongoing outage: 610 s to its newest probe, at least 60 s)" \
	test "$(q "SELECT (measured_ms / 1000) || ' ' || (lower_ms / 1000) FROM v_outage_measure WHERE ongoing AND system_id = (SELECT id FROM system WHERE name = 'gapworst')")" = "610 60"
ok "the worst recovery is the ended 2m53s, not the ongoing >= 1m" \
	test "$(q "SELECT worst_recovery_s || ' ' || worst_recovery_lower_s || ' ' || coalesce(worst_recovery_upper_s, '-') FROM v_system_status WHERE system = 'gapworst'")" = "173 172 174"

# Coverage as of a moment inside an hour whose raw results were later folded
# into a rollup (and pruned): watched throughout, the hour counts as watched up
# to that moment, as it was when the moment was the present.
H1=$(( (NOW - 3 * 3600) / 3600 * 3600 ))
d system add rolled --rto 1d --rpo 1d
d endpoint add rolled "http://127.0.0.1:9/rolled" --interval 1m --timeout 10s --since "@$H1"
sql "INSERT INTO probe_rollup (endpoint_id, hour, probes, failures, watched_ms, first_ms, last_ms, first_id, last_id)
     SELECT $(eid rolled), h, 60, 0, 3540000, h * 1000, (h + 3540) * 1000, 1, 1
     FROM (SELECT $H1 AS h UNION ALL SELECT $H1 + 3600 UNION ALL SELECT $H1 + 7200);
     INSERT INTO probe_rollup_mark (endpoint_id, folded_ms) VALUES ($(eid rolled), ($H1 + 10800) * 1000);
     INSERT INTO probe_result (endpoint_id, at_ms, ok) VALUES ($(eid rolled), $H1 * 1000, 1)" # the first, which pruning keeps
AT=$((H1 + 7200 + 1800)) # half way through the third hour
ok "as of half an hour into a folded hour watched throughout, the endpoint was watched (share over 0.95)" \
	test "$("$DRTOP" --now "@$AT" db query "SELECT share > 0.95 FROM v_coverage WHERE system = 'rolled'")" = 1
ok "... so no evidence-gap then" \
	test "$("$DRTOP" --now "@$AT" db query "SELECT count(*) FROM v_findings WHERE system = 'rolled' AND finding = 'evidence-gap'")" = 0

done_testing

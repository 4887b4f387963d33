#!/bin/sh
# drtop drill run: a drill that drtop runs and measures against the test
# server on 127.0.0.1, whose control port the drill's own commands use to take
# the service down and bring it back.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW # a drill runs in real time
start_server
d() { "$DRTOP" "$@" >/dev/null || echo "Bail out! drtop $*"; }
C="http://127.0.0.1:$CTL"

d system add pay --rto 1m --rpo 1m
d endpoint add pay "$URL/health"
d system add bare --rto 1h --rpo 1h
d system add slow --rto 2s --rpo 1m
d endpoint add slow "$URL/health"
touch "$T/data"
d endpoint add slow "file://$T/data" --kind freshness
d system add store --rto 1h --rpo 1h
d endpoint add store "$URL/health"

# Refusals: one line, the right status, nothing written.
fails "a system with no health endpoint is refused, saying what it needs" 65 "system 'bare' has no health endpoint: a drill measures the recovery by probing one" drill run bare --kind failover --yes
fails "an unknown system is refused" 65 "unknown system \"nope\"" drill run nope --kind failover --yes
fails "a tabletop exercise is not run" 64 "a drill that drtop runs is a failover or a restore, not 'tabletop'" drill run pay --kind tabletop --yes
fails "--every slower than a twentieth of the RTO is refused" 64 "--every 5s is slower than a twentieth of the RTO (3s)" drill run pay --kind failover --every 5s --yes
fails "--every below 100ms is refused" 64 "--every must be at least 100ms" drill run pay --kind failover --every 10ms --yes
fails "--healthy 0 is refused" 65 "--healthy: expected a whole number from 1 to 100" drill run pay --kind failover --healthy 0 --yes
fails "a fixed clock is refused: a drill runs in real time" 64 "a drill runs in real time, but the clock is set to 2026-11-25T12:00:00Z" --now 2026-11-25T12:00:00Z drill run pay --kind failover --yes
fails "without a terminal, --yes is needed" 64 "a drill acts on the real system: confirm with --yes" drill run pay --kind failover --command true </dev/null

run --help
ok "--help gives drill run's exit statuses" out_has "drill run 0 met the RTO and"
run drill run --help
ok "drill run --help lists its options" sh -c "grep -q -- '--abort CMD' '$T/out' && grep -q -- '--dry-run' '$T/out'"

# --dry-run names every step, endpoint and command, and changes nothing.
before=$(db_sum)
run drill run pay --kind failover --command "curl -fsS $C/down" --verify "echo verify" --abort "echo undo" --timeout 30s --dry-run
ok "a dry run exits 0" test "$rc" -eq 0
ok "... names the health endpoint" out_has "$URL/health (health)"
ok "... the commands" sh -c "grep -qF \"run the recovery command: /bin/sh -c 'curl -fsS $C/down'\" '$T/out' && grep -qF \"/bin/sh -c 'echo verify'\" '$T/out' && grep -qF \"/bin/sh -c 'echo undo'\" '$T/out'"
ok "... the maintenance window and the timeout" sh -c "grep -qF 'open a maintenance window for up to 90s' '$T/out' && grep -qF 'on Ctrl-C or after 30s' '$T/out'"
ok "... and leaves the database byte for byte as it was" test "$(db_sum)" = "$before"

# A failover: the command takes the service down and brings it back after
# 1 s; the script notes when (the truth the measurement is checked against).
cat >"$T/failover.sh" <<EOF
curl -fsS $C/down >/dev/null
sleep 1
date +%s%3N >"$T/up.before"
curl -fsS $C/up >/dev/null
date +%s%3N >"$T/up.after"
echo switched to the standby
EOF
run drill run pay --kind failover --command "sh $T/failover.sh" --every 200ms --yes
ok "a failover that meets the RTO exits 0" test "$rc" -eq 0
ok "... shows the command's output and the probes as they come" sh -c "grep -q '^  | switched to the standby' '$T/out' && grep -q '^  probe .* down' '$T/out' && grep -q '^  probe .* up' '$T/out'"
ok "... and the recovery time with its resolution" out_has "recovery time: "
ok "... and, with no data loss measured, does not call the RPO met" sh -c \
	'grep -q "^data loss: not measured" "$1" && grep -q "recovered: it met the RTO in force; the RPO was not judged" "$1"' - "$T/out"
q() { sql "SELECT $1 FROM drill WHERE id = (SELECT max(id) FROM drill)"; }
up0=$(cat "$T/up.before") up1=$(cat "$T/up.after")
ok "recorded as a measured, recovered failover" test "$(sql "SELECT evidence, state, kind, command_status FROM v_drills ORDER BY id DESC LIMIT 1")" = "measured|recovered|failover|0"
ok "the measured interval holds the moment the service came back" test "$(q "recovered_lower_ms <= $up1 AND recovered_ms >= $up0")" = 1
ok "... and about one probe spacing wide (200ms, more on a busy machine)" test "$(q "recovered_ms - recovered_lower_ms BETWEEN 100 AND 1000")" = 1
ok "the recovery time counts from the command's start" test "$(q "recovered_ms - started_ms BETWEEN 1000 AND 1600")" = 1
ok "its output is kept with the drill" test "$(q "command_output")" = "switched to the standby"
ok "the outage it caused was recorded, as planned" test "$(sql "SELECT count(*), sum(planned) FROM outage WHERE system_id = (SELECT id FROM system WHERE name = 'pay')")" = "1|1"
ok "its maintenance window is closed" test "$(sql "SELECT count(*) FROM maintenance_window WHERE reason GLOB 'drill * (failover)' AND ends_at <= CAST(strftime('%s', 'now') AS INTEGER) + 1")" = 1
ok "who ran it is kept, and no process any more" test "$(q "runner IS NOT NULL AND pid IS NULL")" = 1
ok "the verdict takes it as a live drill: no drill-overdue for pay" test "$(sql "SELECT count(*) FROM v_findings f JOIN system s ON s.id = f.system_id WHERE s.name = 'pay' AND finding = 'drill-overdue'")" = 0
ok "recovery-order estimates from it" test "$(sql "SELECT estimate FROM v_recovery_order WHERE system = 'pay'")" = drill
run drill list pay
ok "drill list says it was measured" sh -c "grep -q 'failover .* measured  *recovered' '$T/out'"

# A failover that misses both objectives: back after 2.5 s against an RTO of
# 2 s, and the standby's data (the file's time) ten minutes behind.
touch -d @$(($(date +%s) - 5)) "$T/data"
cat >"$T/slow.sh" <<EOF
curl -fsS $C/down >/dev/null
sleep 2.5
touch -d @\$((\$(date +%s) - 600)) "$T/data"
curl -fsS $C/up >/dev/null
EOF
run drill run slow --kind failover --command "sh $T/slow.sh" --every 100ms --yes
ok "a failover that misses the RTO and RPO exits 1" test "$rc" -eq 1
ok "... and says it missed the RTO" out_has "RTO 2s: missed"
ok "recorded: recovered, met neither" test "$(sql "SELECT state, met_rto, met_rpo FROM v_drills ORDER BY id DESC LIMIT 1")" = "recovered|0|0"
ok "data loss is the recovery point before minus the one it came back with (about 595 s)" test "$(q "data_loss_s BETWEEN 590 AND 600 AND recovery_point_before - recovery_point_after = data_loss_s")" = 1
ok "the verdict warns: drill-failed" test "$(sql "SELECT count(*) FROM v_findings f JOIN system s ON s.id = f.system_id WHERE s.name = 'slow' AND finding = 'drill-failed'")" = 1

# A verify that takes a while has the drill's whole --timeout, not only the
# few seconds the recovery point after takes; the recovery command's output is
# kept bounded, its last 4 KiB.
d system add fresh --rto 1m --rpo 1h
d endpoint add fresh "$URL/health"
d endpoint add fresh "file://$T/data" --kind freshness --timeout 1s
run drill run fresh --kind failover --command "seq 1 3000; echo switched" --verify "sleep 3.5; echo checked" --every 200ms --timeout 30s --yes
ok "a slow verify within the timeout passes: exit 0" test "$rc" -eq 0
ok "... its output kept" test "$(q "verify_status || ':' || verify_output")" = "0:checked"
ok "a long output is kept to its last 4 KiB, saying how much was left out" test "$(q "substr(command_output, 1, 1) = '[' AND instr(command_output, ' earlier bytes not kept]') > 0
  AND rtrim(command_output, char(10)) LIKE '%2999' || char(10) || '3000' || char(10) || 'switched'
  AND length(command_output) BETWEEN 4096 AND 4200")" = 1

# A restore whose verify fails: the drill failed. Without a freshness
# endpoint, the newest check-in is the backup restored, and its age the loss.
d checkin store --at "@$(($(date +%s) - 600))"
run drill run store --kind restore --command "echo restoring" --verify "echo 3 rows missing; exit 3" --every 200ms --healthy 2 --yes
ok "a restore whose verify fails exits 2" test "$rc" -eq 2
ok "... and says why" out_has "failed: the verify command exited 3"
ok "recorded as failed, with the verify's status and output" test "$(sql "SELECT state, verify_status, verified, met_rto FROM v_drills ORDER BY id DESC LIMIT 1")" = "failed|3|0|0"
ok "... the verify output kept" test "$(q "verify_output")" = "3 rows missing"
ok "... the check-in it restored, and its age as the data loss" test "$(q "restored_checkin_id = (SELECT max(id) FROM checkin) AND data_loss_s BETWEEN 598 AND 605")" = 1
ok "the verdict warns: drill-failed" test "$(sql "SELECT count(*) FROM v_findings f JOIN system s ON s.id = f.system_id WHERE s.name = 'store' AND finding = 'drill-failed'")" = 1
ok "... saying the drill failed and why, not that it took too long" test "$(sql "SELECT detail, coalesce(measured_s, '-') FROM v_findings f JOIN system s ON s.id = f.system_id WHERE s.name = 'store' AND finding = 'drill-failed'")" = "the latest live drill (restore) failed: the verify command exited 3|-"
ok "a failed drill is no recovery estimate" test "$(sql "SELECT coalesce(estimate, '-') FROM v_recovery_order WHERE system = 'store'")" = "-"

# A command that hangs: the timeout ends its process group, runs --abort,
# records the drill as aborted.
run drill run pay --kind failover --command "echo \$\$ >$T/hang.pid; sleep 60" --abort "echo undone >$T/abort.out" --timeout 2s --every 200ms --yes
ok "a hanging command times out: exit 2" test "$rc" -eq 2
ok "... the abort command ran, told which drill" test "$(cat "$T/abort.out" 2>/dev/null)" = undone
ok "... the command's process group is gone" sh -c "! kill -0 -- -$(cat "$T/hang.pid") 2>/dev/null"
ok "recorded as aborted: timed out, the abort's status, no recovery" test "$(sql "SELECT state, failure, abort_status, coalesce(recovery_ms, '-'), met_rto FROM v_drills ORDER BY id DESC LIMIT 1")" = "aborted|timed out after 2s|0|-|0"
ok "... and the verdict says it was aborted and why" test "$(sql "SELECT detail FROM v_findings f JOIN system s ON s.id = f.system_id WHERE s.name = 'pay' AND finding = 'drill-failed'")" = "the latest live drill (failover) was aborted: timed out after 2s"

# Ctrl-C in the middle; a second drill of the system meanwhile is refused.
"$DRTOP" drill run pay --kind failover --command "sleep 30" --abort "echo undone >$T/int.out" --every 200ms --yes >"$T/int.log" 2>&1 &
drill_pid=$!
pids="$pids $drill_pid"
wait_for 10 sql_is "SELECT count(*) FROM drill WHERE state = 'running'" 1
run drill run pay --kind failover --command true --yes
ok "a second drill of the system is refused while one runs (75)" test "$rc" -eq 75
ok "... naming the drill running" err_has "a drill of 'pay' is already running (drill"
kill -INT "$drill_pid"
wait "$drill_pid"
rc=$?
ok "Ctrl-C aborts the drill: exit 2" test "$rc" -eq 2
ok "... after running the abort command" test "$(cat "$T/int.out" 2>/dev/null)" = undone
ok "recorded as aborted: interrupted" test "$(sql "SELECT state, failure FROM v_drills ORDER BY id DESC LIMIT 1")" = "aborted|interrupted"

# A drtop killed in the middle leaves its drill 'running': the next drill
# finds its process gone and records it as aborted.
"$DRTOP" drill run pay --kind failover --command "echo \$\$ >$T/left.pid; exec sleep 30" --every 200ms --yes >/dev/null 2>&1 &
drill_pid=$!
pids="$pids $drill_pid"
wait_for 10 sql_is "SELECT count(*) FROM drill WHERE state = 'running'" 1
stale=$(sql "SELECT id FROM drill WHERE state = 'running'")
kill -9 "$drill_pid"
wait "$drill_pid" 2>/dev/null
wait_for 5 test -s "$T/left.pid" && kill -9 "$(cat "$T/left.pid")" # its command, left behind
run drill run pay --kind failover --dry-run
# (a second later than the drills before: windows closed in the same second as
# another of theirs keep their end)
later() { [ "$(date +%s)" -gt "$(sql "SELECT max(starts_at) FROM maintenance_window")" ]; }
wait_for 3 later
ok "a drill left by a killed drtop: the dry run says it would be closed" out_has "mark drill $stale aborted"
run drill run pay --kind failover --command "sh $T/failover.sh" --every 200ms --yes
ok "... and the next drill runs" test "$rc" -eq 0
ok "... recording the stale one as aborted" test "$(sql "SELECT state, failure FROM v_drills WHERE id = $stale")" = "aborted|its drtop process ended before the drill did"
ok "... and closing its maintenance window" test "$(sql "SELECT ends_at < starts_at + 120 FROM maintenance_window WHERE reason = 'drill $stale (failover)'")" = 1

succeeds "after all of it the ledger verifies" db verify
sql "UPDATE drill SET recovered_ms = recovered_ms - 500 WHERE id = (SELECT min(id) FROM drill)"
run db verify
ok "a measured recovery time changed behind drtop's back is found" sh -c "[ $rc -ne 0 ] && grep -q 'drill 1' '$T/out'"
done_testing

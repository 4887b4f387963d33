#!/bin/sh
# Backups checked against their schedule, run by run: runs with a start and a
# finish, the instants a cron schedule is due (its zone, across daylight-saving
# changes), each matched with the run that answered it, and the findings
# backup-late, backup-missed, backup-failed, backup-running-long and
# backup-suspect on both sides of their boundaries. The clock is fixed
# (DRTOP_NOW, or --now for one read).
. "$SRCDIR/tests/lib.sh"

d() { "$DRTOP" "$@" >/dev/null || echo "Bail out! drtop $*"; }
q() { "$DRTOP" db query "$1"; }
qat() { "$DRTOP" --now "$1" db query "$2"; } # the views at another instant
sys() { d system add "$1" --rto 2d --rpo 8d; }
count() { # count NOW SYSTEM FINDING
	qat "$1" "SELECT count(*) FROM v_findings WHERE system = '$2' AND finding = '$3'"
}
has() { test "$(count "$@")" -ge 1; }
lacks() { test "$(count "$@")" -eq 0; }
outcome() { # outcome NOW SYSTEM DUE: the outcome of the run due at DUE
	qat "$1" "SELECT outcome FROM v_backup_runs WHERE system = '$2' AND due = '$3'"
}
outcome_is() { test "$(outcome "$1" "$2" "$3")" = "$4"; }

# --- a weekly schedule answered 26 hours late (the demo's reporting) ---
sys rep
d schedule add rep weekly --cron '0 3 * * sun' --duration 2h --since 2026-10-01T00:00:00Z
for day in 2026-10-05 2026-10-12 2026-10-19 2026-10-26 2026-11-02 2026-11-09 2026-11-16 2026-11-23; do
	d checkin rep --at "${day}T05:48:00Z"
done
d status # records the history: the due instants up to now are appended
ok "the weekly schedule is due every Sunday at 03:00 since it came into force" \
	test "$(q "SELECT count(*) || ' ' || min(due) || ' ' || max(due) FROM v_backup_runs WHERE system = 'rep'")" = \
	"8 2026-10-04T03:00:00Z 2026-11-22T03:00:00Z"
ok "each Sunday is answered by Monday's run, 26h48m after it was due" \
	test "$(q "SELECT DISTINCT delay_s || ' ' || late_s || ' ' || outcome FROM v_backup_runs WHERE system = 'rep'")" = "96480 85680 late"
ok "backup-late: target due + duration + grace, measured the delay" \
	test "$(q "SELECT severity, target_s, measured_s, since_iso FROM v_findings WHERE system = 'rep' AND finding = 'backup-late'")" = \
	"WARN|10800|96480|2026-11-22T06:00:00Z"
ok "not missed: a run did answer" lacks 2026-11-25T12:00:00Z rep backup-missed
ok "compliance: 8 due, none on time, 8 late" \
	test "$(q "SELECT due, on_time, late, missed, failed, on_time_share FROM v_backup_compliance WHERE system = 'rep'")" = "8|0|8|0|0|0.0"
ok "while Sunday's run is pending, last week's lateness still speaks" \
	has 2026-11-22T05:00:00Z rep backup-late
ok "... and the pending run is no finding yet" \
	outcome_is 2026-11-22T05:00:00Z rep 2026-11-22T03:00:00Z pending

run report
ok "the text report carries each schedule's compliance" out_has "rep weekly: 8 due, 0 on time, 8 late, 0 missed, 0 failed (0.0% on time)"
run report --format json
ok "... and so does the JSON report" sh -c "python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); c=[x for x in d[\"backup_compliance\"] if x[\"system\"]==\"rep\"][0]; sys.exit(not (c[\"due\"], c[\"late\"], c[\"on_time\"]) == (8, 8, 0))' '$T/out'"
run report --format prometheus
ok "... and the Prometheus one" out_has 'drtop_backup_due_runs{system="rep",schedule="weekly",outcome="late"} 8'
run report --format markdown
ok "... and the Markdown one" out_has '| `rep` | `weekly` | 8 | 0 | 8 | 0 | 0 |'
run report --format html
ok "... and the HTML one" out_has '<td class="n">8</td><td class="n">0</td><td class="n">8</td><td class="n">0</td><td class="n">0</td></tr>'

# on-time against late, at the deadline (due 03:00 + 2h + 1h grace = 06:00)
for x in rep-edge rep-over; do
	sys $x
	d schedule add $x weekly --cron '0 3 * * sun' --duration 2h --since 2026-11-20T00:00:00Z
done
d checkin rep-edge --at 2026-11-22T06:00:00Z
d checkin rep-over --at 2026-11-22T06:00:01Z
ok "a run finishing at the deadline is on time" outcome_is 2026-11-25T12:00:00Z rep-edge 2026-11-22T03:00:00Z on-time
ok "... and raises nothing" lacks 2026-11-25T12:00:00Z rep-edge backup-late
ok "one second later it is late" outcome_is 2026-11-25T12:00:00Z rep-over 2026-11-22T03:00:00Z late
ok "... backup-late, by one second past the deadline" \
	test "$(q "SELECT measured_s - target_s FROM v_findings WHERE system = 'rep-over' AND finding = 'backup-late'")" = 1

# --- backup-missed, per due run ---
sys daily
d schedule add daily nightly --cron '0 2 * * *' --since 2026-11-20T00:00:00Z
for day in 21 22 23 24; do d checkin daily --at "2026-11-${day}T02:10:00Z"; done
d status
ok "at the deadline (due 02:00 + grace 1h) the run is pending" outcome_is 2026-11-25T03:00:00Z daily 2026-11-25T02:00:00Z pending
ok "... and not missed" lacks 2026-11-25T03:00:00Z daily backup-missed
ok "one second past it, missed" outcome_is 2026-11-25T03:00:01Z daily 2026-11-25T02:00:00Z missed
ok "... backup-missed, BREACH, measured from the due instant" \
	test "$(qat 2026-11-25T03:00:01Z "SELECT severity, target_s, measured_s, since_iso FROM v_findings WHERE system = 'daily' AND finding = 'backup-missed'")" = \
	"BREACH|3600|3601|2026-11-25T03:00:00Z"
ok "the gap since the last run alone would not say so yet (24h50m < 25h)" \
	test "$(qat 2026-11-25T03:00:01Z "SELECT detail FROM v_findings WHERE system = 'daily' AND finding = 'backup-missed'")" = \
	"schedule nightly: the run due at 2026-11-25T02:00:00Z did not report"
d checkin daily --at 2026-11-25T04:00:00Z
ok "a run after the deadline answers it: late, not missed" outcome_is 2026-11-25T12:00:00Z daily 2026-11-25T02:00:00Z late
ok "... backup-late" has 2026-11-25T12:00:00Z daily backup-late
ok "... and no backup-missed" lacks 2026-11-25T12:00:00Z daily backup-missed
ok "at an earlier instant the later run is not seen: still missed" has 2026-11-25T03:59:59Z daily backup-missed
ok "compliance counts the window's due runs by outcome" \
	test "$(q "SELECT due, on_time, late, missed FROM v_backup_compliance WHERE system = 'daily'")" = "6|4|1|1"

# --- a schedule in Europe/Berlin across both daylight-saving changes ---
d config set window 300d
sys berlin
d schedule add berlin nightly --cron '30 2 * * *' --tz Europe/Berlin --since 2026-03-27T00:00:00Z
d checkin berlin --at 2026-03-29T02:00:00Z # spring: due at the jump (01:00Z), deadline 02:00Z
d checkin berlin --at 2026-03-30T01:30:01Z # CEST: due 00:30Z, one second past the deadline
d checkin berlin --at 2026-10-25T01:30:01Z # autumn: 02:30 CEST (00:30Z), the first of the two
d checkin berlin --at 2026-10-26T02:30:00Z # CET: due 01:30Z, at the deadline
d status
dues() { q "SELECT group_concat(due, ' ') FROM (SELECT due FROM v_backup_runs WHERE system = 'berlin' AND due_at BETWEEN $1 AND $2 ORDER BY due_at)"; }
ok "spring: 02:30 does not exist on 29 March; the run is due when the clocks jump (03:00 CEST)" \
	test "$(dues 1774656000 1774915200)" = "2026-03-28T01:30:00Z 2026-03-29T01:00:00Z 2026-03-30T00:30:00Z"
ok "autumn: 02:30 happens twice on 25 October; the run is due once, at the first" \
	test "$(dues 1792756800 1793016000)" = "2026-10-24T00:30:00Z 2026-10-25T00:30:00Z 2026-10-26T01:30:00Z"
ok "the spring run at its deadline is on time" outcome_is 2026-11-25T12:00:00Z berlin 2026-03-29T01:00:00Z on-time
ok "the day after, in summer time, one second past is late" outcome_is 2026-11-25T12:00:00Z berlin 2026-03-30T00:30:00Z late
ok "the autumn run one second past the first 02:30's deadline is late" outcome_is 2026-11-25T12:00:00Z berlin 2026-10-25T00:30:00Z late
ok "the day after, in winter time, at the deadline is on time" outcome_is 2026-11-25T12:00:00Z berlin 2026-10-26T01:30:00Z on-time
ok "a day without a run is missed" outcome_is 2026-11-25T12:00:00Z berlin 2026-03-28T01:30:00Z missed
d config set window 90d

# --- runs with a start: backup-running-long ---
sys longrun
d schedule add longrun nightly --every 1d --duration 30m --since -2d
d checkin longrun --start --at 2026-11-25T10:00:00Z
ok "a run started 60 minutes ago (twice its 30m) is not long yet" lacks 2026-11-25T11:00:00Z longrun backup-running-long
ok "one second later it is running long" has 2026-11-25T11:00:01Z longrun backup-running-long
ok "... target twice the duration, measured since its start" \
	test "$(qat 2026-11-25T11:00:01Z "SELECT target_s, measured_s, since_iso FROM v_findings WHERE system = 'longrun' AND finding = 'backup-running-long'")" = \
	"3600|3601|2026-11-25T11:00:00Z"
d checkin longrun --at 2026-11-25T11:30:00Z --size 1234 --artifact longrun-1.dump \
	--sha256 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef --exit-status 0
ok "the check-in finishes the open run: its start, duration and what it wrote" \
	test "$(q "SELECT started, duration_s, exit_status, size_bytes, artifact, result FROM v_checkins WHERE system = 'longrun'")" = \
	"2026-11-25T10:00:00Z|5400|0|1234|longrun-1.dump|ok"
ok "a finished run is no longer running long" lacks 2026-11-25T12:00:00Z longrun backup-running-long
d checkin longrun --start --at 2026-11-25T12:00:00Z
ok "a run that never finished: the newest start without a check-in" has 2026-11-25T13:00:01Z longrun backup-running-long

# --- backup-failed: the newest finished run failed ---
sys failing
d schedule add failing nightly --every 1d --since -3d
d checkin failing --at -26h --failed --exit-status 2
d checkin failing --at -2h
ok "a failed run followed by a good one: no backup-failed" lacks 2026-11-25T12:00:00Z failing backup-failed
d checkin failing --at -1h --exit-status 3
fails "--failed with --exit-status 0 contradict each other" 64 "checkin: --failed with --exit-status 0 contradict each other" \
	checkin failing --failed --exit-status 0
ok "a non-zero exit status is a failed run" test "$(q "SELECT result FROM v_checkins WHERE system = 'failing' ORDER BY id DESC LIMIT 1")" = failed
ok "the newest run failed: backup-failed, BREACH, with its exit status" \
	test "$(q "SELECT severity, measured_s, detail FROM v_findings WHERE system = 'failing' AND finding = 'backup-failed'")" = \
	"BREACH|7200|schedule nightly: the newest run failed (exited with 3)"
ok "before it failed, nothing" lacks 2026-11-25T10:59:59Z failing backup-failed
ok "the system's status is BREACH" test "$(q "SELECT status FROM v_system_status WHERE system = 'failing'")" = BREACH

# --- backup-suspect: an empty artifact after ten normal ones ---
for x in small half; do
	sys $x
	d schedule add $x nightly --every 1d --since -12d
	for i in 11 10 9 8 7 6 5 4 3 2; do
		d checkin $x --start --at "-${i}d"
		d checkin $x --at "-${i}d" --size $((1000000 + i * 10)) --note "day $i"
	done
done
d checkin small --at -1h --size 0
d checkin half --at -1h --size 500040
ok "an empty artifact after ten normal ones is suspect" has 2026-11-25T12:00:00Z small backup-suspect
ok "... the detail names the size and the median" \
	test "$(q "SELECT detail FROM v_findings WHERE system = 'small' AND finding = 'backup-suspect'")" = \
	"schedule nightly: the newest run wrote 0 bytes, below 50% of the median 1000065 bytes of the 10 successful runs before it"
ok "half the median (500032.5 < 500040) is not suspect" lacks 2026-11-25T12:00:00Z half backup-suspect
d checkin half --at -30m --size 500027
ok "just below half of the median of the ten before it (now 1000055) is" has 2026-11-25T12:00:00Z half backup-suspect
# durations: ten runs of ten minutes, then one of 4m59s (the median of the ten is 600 s)
sys fast
d schedule add fast nightly --every 1d --since -12d
for i in 11 10 9 8 7 6 5 4 3 2; do
	d checkin fast --start --at "-${i}d"
	d checkin fast --at "@$((1795608000 - i * 86400 + 600))"
done
d checkin fast --start --at -1h
d checkin fast --at "@$((1795608000 - 3600 + 300))"
ok "a run half as long as the median is not suspect" lacks 2026-11-25T12:00:00Z fast backup-suspect
d checkin fast --start --at -30m
d checkin fast --at "@$((1795608000 - 1800 + 299))"
ok "one second quicker it is, with target and measured durations" \
	test "$(q "SELECT target_s, measured_s FROM v_findings WHERE system = 'fast' AND finding = 'backup-suspect'")" = "300|299"

# --- drtop checkin --run -- CMD ARGS... ---
sys wrapped
d schedule add wrapped nightly --every 1d
printf 'twelve bytes' >"$T/artifact"
fails "--size-of a directory is no backup's size" 65 "--size-of $T: not a regular file" checkin wrapped --size-of "$T"
fails "... nor is a device's" 65 "--size-of /dev/zero: not a regular file" checkin wrapped --size-of /dev/zero
sys twosched
d schedule add twosched daily --every 1d
d schedule add twosched hourly --every 1h
run checkin twosched
ok "a check-in of a system with two schedules, none named, is recorded" test "$rc" -eq 0
ok "... saying it counts for neither" err_has "twosched has 2 schedules (daily, hourly): this run counts for none of them; name its schedule with --schedule"
run checkin twosched --schedule daily
ok "... and naming one, nothing to say" test "$rc" -eq 0 -a ! -s "$T/err"
run checkin wrapped --run --size-of "$T/artifact" -- sh -c 'exit 0'
ok "--run: exits as the command did" test "$rc" -eq 0
ok "... records a start, the finish, the exit status and the size" \
	test "$(sql "SELECT ok, exit_status, size_bytes, start_id IS NOT NULL, started_at <= at FROM checkin WHERE id = (SELECT max(id) FROM checkin)")" = "1|0|12|1|1"
run checkin wrapped --run --size-of "$T/not-written" -- sh -c 'exit 0'
ok "--run: a command that exits 0 but leaves no --size-of file: exit 1" test "$rc" -eq 1
ok "... saying so" err_has "--size-of $T/not-written: No such file or directory; the run is recorded as failed"
ok "... and the run is recorded failed (its exit status 0), the reason its note" \
	test "$(sql "SELECT ok, exit_status, note FROM checkin WHERE id = (SELECT max(id) FROM checkin)")" = "0|0|--size-of $T/not-written: No such file or directory"
run checkin wrapped --run -- sh -c 'echo from the job; exit 3'
ok "--run: a failing command's exit status is drtop's" test "$rc" -eq 3
ok "... its output passes through" out_has "from the job"
ok "... and the run is recorded failed, exit status 3" \
	test "$(sql "SELECT ok, exit_status FROM checkin WHERE id = (SELECT max(id) FROM checkin)")" = "0|3"
run checkin wrapped --run -- "$T/no-such-command"
ok "--run: a command that cannot start exits 127, recorded as failed" \
	test "$rc-$(sql "SELECT ok, exit_status FROM checkin WHERE id = (SELECT max(id) FROM checkin)")" = "127-0|127"

# SIGTERM or SIGHUP to drtop alone (kill, a service manager's stop): passed on
# to the command, whose end drtop waits for and records.
# signalled SIGNAL SCRIPT: run SCRIPT (which writes $T/up once started) under
# checkin --run, send drtop alone SIGNAL then, and set rc to drtop's status.
signalled() {
	rm -f "$T/up"
	"$DRTOP" checkin wrapped --run -- sh -c "$2" >/dev/null 2>&1 &
	job=$!
	wait_for 10 test -s "$T/up"
	kill -"$1" "$job"
	wait "$job"
	rc=$?
}
last_run() { sql "SELECT ok || '|' || exit_status FROM checkin ORDER BY id DESC LIMIT 1"; }
runs_before=$(sql "SELECT count(*) FROM checkin")
signalled TERM "sleep 30 & p=\$!; trap 'kill \$p; exit 9' TERM; echo up >'$T/up'; wait"
ok "--run: SIGTERM to drtop goes on to the command; drtop waits and exits as it did" test "$rc" -eq 9
ok "... and the run is recorded, failed with its exit status" \
	test "$(sql "SELECT count(*) - $runs_before FROM checkin")|$(last_run)" = "1|0|9"
# ... to the command's whole tree: a wrapper's own children end with it
signalled TERM "sleep 30 & echo \$! >'$T/up'; wait"
ok "--run: SIGTERM reaches what the command started too" wait_for 5 sh -c "! kill -0 $(cat "$T/up") 2>/dev/null"
signalled HUP "echo up >'$T/up'; exec sleep 30"
ok "--run: SIGHUP ends the command, recorded as killed by it (128 + 1)" test "$rc-$(last_run)" = "129-0|129"

# A schedule whose only run failed did check in: it has no successful run.
sys allfail
d schedule add allfail c --every 1h --grace 7m --since -3d
d checkin allfail --schedule c --at -1d --failed
ok "a schedule whose runs all failed 'has no successful run', not 'never checked in'" \
	test "$("$DRTOP" db query "SELECT detail FROM v_findings WHERE system = 'allfail' AND finding = 'backup-missed'")" = "schedule c has no successful run"
sys silent
d schedule add silent c --every 1h --grace 7m --since -3d
ok "... and one without any check-in never checked in" \
	test "$("$DRTOP" db query "SELECT detail FROM v_findings WHERE system = 'silent' AND finding = 'backup-missed'")" = "schedule c never checked in"

# --- bad input: one message, the right status, the database unchanged ---
fails "a malformed SHA-256" 65 "a SHA-256 is 64 lowercase hexadecimal digits" checkin wrapped --sha256 abc
fails "--run without a command" 64 "--run needs a command" checkin wrapped --run
fails "a command without --run" 64 "needs --run" checkin wrapped -- true
fails "--start says nothing of the end" 64 "--start records only that a run began" checkin wrapped --start --size 1
fails "--run times itself" 64 "it takes no --at" checkin wrapped --run --at -1h -- true
fails "an exit status out of range" 65 "--exit-status: expected a whole number from 0 to 255" checkin wrapped --exit-status 300
fails "a negative size" 65 "--size: expected a whole number" checkin wrapped --size -1
fails "a size beyond the largest number, not clamped to it" 65 \
	"--size: expected a whole number from 0 to 9223372036854775807, not '99999999999999999999'" \
	checkin wrapped --size 99999999999999999999
fails "a number with a sign it needs not" 65 "not '+5'" checkin wrapped --size +5
fails "... or a minus sign where no number is negative" 65 "not '-0'" checkin wrapped --size -0
fails "a check-in before 1970" 65 "--at 1969-12-31T23:59:59Z is not a plausible time: not after 1970" \
	checkin wrapped --at 1969-12-31T23:59:59Z
fails "... or at the epoch itself" 65 "--at 1970-01-01T00:00:00Z is not a plausible time" checkin wrapped --at @0
fails "a drill started before 1970" 65 "--started 1969-12-31T23:59:59Z is not a plausible time" \
	drill add wrapped --kind restore --started 1969-12-31T23:59:59Z --recovered -1h
fails "--size-of a missing file" 66 "--size-of $T/missing" checkin wrapped --size-of "$T/missing"
fails "a start in the future" 65 "a run cannot start in the future" checkin wrapped --start --at "@$(($(date +%s) + 3600))"

# --- history_s prunes due instants (and starts) like check-ins, accounted for in the ledger ---
d config set history 40d
succeeds "db prune applies the history" db prune
ok "due instants older than history_s are gone (Berlin's March ones), newer ones kept" \
	test "$(sql "SELECT count(*) FROM backup_due WHERE due_at < strftime('%s', 'now') - 40 * 86400") $(sql "SELECT count(*) > 0 FROM backup_due")" = "0 1"
succeeds "db verify: the pruned due instants and check-ins are accounted for" db verify
d config set history 400d

# --- an expression changed by an import: the runs due so far stay the old one's ---
sys chg
sys other
d schedule add chg daily --cron '0 3 * * *' --since 2026-10-01T00:00:00Z
d schedule add other daily --cron '0 5 * * *' --since 2026-10-01T00:00:00Z
printf '{"systems": [{"name": "chg", "rto": "2d", "rpo": "8d", "schedules": [{"name": "daily", "cron": "0 4 * * *"}]}]}' >"$T/chg.json"
succeeds "an import changes a schedule's expression" import "$T/chg.json"
dues() { # dues SYSTEM HH:MM: its due instants at that time of day, from 2026-10-01 to DRTOP_NOW
	sql "SELECT count(*) FROM backup_due d JOIN backup_schedule b ON b.id = d.schedule_id
	     JOIN system s ON s.id = b.system_id WHERE s.name = '$1'
	     AND d.due_at <= strftime('%s', '2026-11-25T12:00:00') AND strftime('%H:%M', d.due_at, 'unixepoch') = '$2'"
}
ok "... the runs due before the change are the old expression's: 03:00 daily from Oct 1 to Nov 25" \
	test "$(dues chg 03:00) $(dues chg 04:00)" = "56 0"
ok "... and no other schedule's runs were appended by it" test "$(dues other 05:00)" = 0

# --- the ledger covers runs and due instants ---
succeeds "db verify: intact after runs, starts and due instants" db verify
sql "UPDATE backup_due SET due_at = due_at + 60 WHERE id = (SELECT min(id) FROM backup_due)"
run db verify
ok "a due instant moved behind drtop's back is named" sh -c "test $rc -ne 0 && grep -q 'backup_due' '$T/out'"
sql "UPDATE backup_due SET due_at = due_at - 60 WHERE id = (SELECT min(id) FROM backup_due)"
sql "DELETE FROM run_start WHERE id = (SELECT max(id) FROM run_start)"
run db verify
ok "a run start deleted behind drtop's back is named" sh -c "test $rc -ne 0 && grep -q 'run_start' '$T/out'"

echo "1..$n"

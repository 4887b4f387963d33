#!/bin/sh
# Recording probe results when times do not line up: a second prober's
# results arriving out of order, the clock stepping back, retention, and the
# outages of a disabled system.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW
start_server

ep_id() { sql "SELECT id FROM endpoint WHERE url = '$1'"; }

# --- out of order: a result older than one already recorded (D4) ---
"$DRTOP" system add order --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add order "$URL/health" --interval 1s --timeout 1s >/dev/null
ep=$(ep_id "$URL/health")
ctl mode/status/500 >/dev/null
succeeds "a first failure" probe --once
succeeds "a second failure opens an outage" probe --once
ok "the outage is open" sql_is "SELECT count(*) FROM outage WHERE ended_ms IS NULL" 1
# Another prober recorded those failures 3 s later than this one will probe
# (within the window two probers can overlap in): shift them ahead.
sql "UPDATE outage SET started_ms = started_ms + 3000;
     UPDATE endpoint_state SET last_probe_ms = last_probe_ms + 3000,
       first_fail_ms = first_fail_ms + 3000, last_fail_ms = last_fail_ms + 3000"
ctl mode/up >/dev/null
succeeds "a success older than the last recorded probe is recorded" probe --once
ok "in probe_result" sql_is "SELECT count(*) FROM probe_result WHERE endpoint_id = $ep AND ok" 1
ok "but it does not end the later outage" sql_is "SELECT count(*) FROM outage WHERE ended_ms IS NULL" 1
ok "nor move the endpoint's state back" sql_is "SELECT last_ok FROM endpoint_state WHERE endpoint_id = $ep" 0
sleep 3 # until a probe is newer than the shifted ones
succeeds "a newer success" probe --once
ok "ends the outage, after its start" sql_is "SELECT count(*) FROM outage WHERE ended_ms > started_ms" 1
"$DRTOP" system rm order --force >/dev/null

# --- the clock stepped back 10 minutes (D5) ---
"$DRTOP" system add clock --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add clock "$URL/health" --interval 1s --timeout 1s >/dev/null
ep=$(ep_id "$URL/health")
succeeds "a success" probe --once
sql "UPDATE endpoint_state SET last_probe_ms = last_probe_ms + 600000, last_ok_ms = last_ok_ms + 600000"
ctl mode/status/500 >/dev/null
succeeds "a failure after the step back" probe --once
succeeds "a second one" probe --once
succeeds "a third one" probe --once
ok "every result is recorded" sql_is "SELECT count(*) FROM probe_result WHERE endpoint_id = $ep" 4
ok "an outage is open from the first failure after the step" \
	sql_is "SELECT count(*) FROM outage WHERE endpoint_id = $ep AND ended_ms IS NULL AND started_ms = (SELECT min(at_ms) FROM probe_result WHERE endpoint_id = $ep AND NOT ok)" 1
ok "with no success before it to bound its start (not a negative resolution)" \
	sql_is "SELECT coalesce(res_start_ms, 'none') FROM outage WHERE endpoint_id = $ep" none
ctl mode/up >/dev/null
succeeds "a success" probe --once
ok "ends it normally" sql_is "SELECT gap, ended_ms >= started_ms FROM outage WHERE endpoint_id = $ep" "0|1"
# An outage open when the clock steps back ends as a gap at its last failure.
ctl mode/status/500 >/dev/null
"$DRTOP" probe --once >/dev/null
"$DRTOP" probe --once >/dev/null
last_fail=$(sql "SELECT last_fail_ms FROM endpoint_state WHERE endpoint_id = $ep")
open=$(sql "SELECT outage_id FROM endpoint_state WHERE endpoint_id = $ep")
sql "UPDATE endpoint_state SET last_probe_ms = last_probe_ms + 600000, last_fail_ms = last_fail_ms + 600000"
succeeds "a failure after a step back during an outage" probe --once
ok "the outage open before the step ends by a gap, its end unknown" \
	sql_is "SELECT gap, ended_ms = $last_fail + 600000, coalesce(res_end_ms, 'unknown') FROM outage WHERE id = $open" "1|1|unknown"
"$DRTOP" system rm clock --force >/dev/null

# --- retention (D15) ---
"$DRTOP" system add keep --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add keep "$URL/ok" --interval 1s --timeout 1s >/dev/null
"$DRTOP" endpoint add keep "$URL/status/500" --interval 1s --timeout 1s >/dev/null
okid=$(ep_id "$URL/ok")
badid=$(ep_id "$URL/status/500")
succeeds "retention set to 1s" config set retention 1s
for i in 1 2 3; do
	"$DRTOP" probe --once >/dev/null
	sleep 1.2 # older than the retention
done
succeeds "probe once more" probe --once
ok "results older than the retention are removed; the first and the newest stay" \
	sql_is "SELECT count(*) FROM probe_result WHERE endpoint_id = $okid" 2
ok "the results of an ongoing outage are kept" \
	sql_is "SELECT count(*) FROM probe_result WHERE endpoint_id = $badid" 4
ctl mode/up >/dev/null
# Kept while they are probed (each probe prunes), then older than the retention.
"$DRTOP" config set retention 1h >/dev/null
for i in 1 2 3; do "$DRTOP" probe --once >/dev/null; done
"$DRTOP" config set retention 1s >/dev/null
sleep 1.2
old=$(now_ms)
ok "old results are there before the watcher starts" \
	sql_is "SELECT count(*) > 1 FROM probe_result WHERE endpoint_id = $okid AND at_ms < $old" 1
"$DRTOP" probe --watch >"$T/watch.out" 2>"$T/watch.err" &
watch_pid=$!
pids="$pids $watch_pid"
wait_for 10 sql_is "SELECT count(*) FROM prober" 1
ok "the watcher removes them too" wait_for 10 sql_is "SELECT count(*) FROM probe_result WHERE endpoint_id = $okid AND at_ms < $old
	AND id > (SELECT min(id) FROM probe_result WHERE endpoint_id = $okid)" 0
kill -TERM "$watch_pid"
wait "$watch_pid"
ok "and stops cleanly" test $? -eq 0
"$DRTOP" config set retention 30d >/dev/null
"$DRTOP" system rm keep --force >/dev/null

# --- an outage open when its system is disabled (D32) ---
ctl mode/status/500 >/dev/null
for s in off on; do
	"$DRTOP" system add $s --rto 1h --rpo 1h >/dev/null
	"$DRTOP" endpoint add $s "$URL/health?$s" --interval 1s --timeout 1s >/dev/null
done
"$DRTOP" probe --once >/dev/null
"$DRTOP" probe --once >/dev/null
ok "both have an ongoing outage" sql_is "SELECT count(*) FROM outage WHERE ended_ms IS NULL" 2
succeeds "disable one" system set off --disable
offid=$(sql "SELECT id FROM system WHERE name = 'off'")
ok "its outage ends by a gap at its last failed probe" \
	sql_is "SELECT o.gap, o.ended_ms = (SELECT max(at_ms) FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.system_id = $offid) FROM outage o WHERE o.system_id = $offid" "1|1"
run --now +200d status off
ok "200 days later the disabled system has no outage-ongoing" out_lacks outage-ongoing
run --now +200d status on
ok "an enabled system's open outage is still ongoing" out_has outage-ongoing
succeeds "enable it again" system set off --enable
"$DRTOP" probe --once >/dev/null
ok "a failure after enabling starts a new run, no outage yet" \
	sql_is "SELECT count(*) FROM outage WHERE system_id = $offid AND ended_ms IS NULL" 0
"$DRTOP" probe --once >/dev/null
ok "and the next opens a new outage" \
	sql_is "SELECT count(*) FROM outage WHERE system_id = $offid AND ended_ms IS NULL" 1
succeeds "the database checks out" db check
sql "UPDATE endpoint SET enabled = 0 WHERE system_id = $offid"
ok "disabling an endpoint (any SQL client) ends its outage the same way" \
	sql_is "SELECT count(*) FROM outage WHERE system_id = $offid AND ended_ms IS NULL" 0
run db check
ok "and db check names that change as made outside drtop" sh -c "test $rc -eq 65 && grep -q '^endpoint [0-9]*: changed outside drtop' '$T/out'"

done_testing

#!/bin/sh
# drtop probe --watch: measured outages, dropped probes, gaps, signals,
# one prober per database, and crash safety.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW
start_server

"$DRTOP" system add web --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add web "$URL/health" --interval 500ms --timeout 1s >/dev/null

count() { sql "SELECT count(*) FROM probe_result WHERE $1"; }
at_least() { [ "$(count "$1")" -ge "$2" ]; }
start_watch() {
	"$DRTOP" probe --watch "$@" >"$T/watch.out" 2>"$T/watch.err" &
	watch_pid=$!
	pids="$pids $watch_pid"
}
stop_watch() { kill -TERM "$watch_pid"; wait "$watch_pid"; watch_rc=$?; }

# One dropped probe is recorded but makes no outage.
start_watch
ok "the watcher probes" wait_for 10 at_least "ok = 1" 2
ctl mode/status/500 >/dev/null
ok "one probe fails" wait_for 10 at_least "ok = 0" 1
ctl mode/up >/dev/null
ok "and the next one succeeds" wait_for 10 at_least "ok = 1 AND id > (SELECT max(id) FROM probe_result WHERE ok = 0)" 1
ok "a single failure is no outage" test "$(sql "SELECT count(*) FROM outage")" -eq 0 -o "$(count "ok = 0")" -ge 2

ok "a second watcher on the same database is refused" sh -c "\"$DRTOP\" probe --watch 2>'$T/second.err'; test \$? -eq 75 && grep -q 'another prober (pid $watch_pid' '$T/second.err'"

# An injected outage of known length.
sql "DELETE FROM outage"
ctl down >/dev/null
down_ms=$(now_ms)
sleep 3 # the length of the outage being injected
ctl up >/dev/null
up_ms=$(now_ms)
ok "the outage is closed by the first success" wait_for 10 sql_ge "SELECT count(*) FROM outage WHERE ended_ms IS NOT NULL" 1
stop_watch
ok "the watcher stops cleanly on SIGTERM" test "$watch_rc" -eq 0
ok "exactly one outage" test "$(sql "SELECT count(*) FROM outage")" -eq 1
ok "its first error names the cause" sh -c "sqlite3 '$DRTOP_DB' 'SELECT first_error FROM outage' | grep -qi 'connect'"
injected=$((up_ms - down_ms))
within() {
	set -- $(sql "SELECT duration_ms, res_start_ms, res_end_ms FROM outage" | tr '|' ' ')
	diff=$(($1 - injected))
	[ "$diff" -lt 0 ] && diff=$((-diff))
	echo "# injected ${injected}ms, measured $1ms, resolution $2ms + $3ms"
	[ "$diff" -le $(($2 + $3 + 100)) ] && [ "$2" -le 1000 ] && [ "$3" -le 1000 ]
}
ok "it lasted 3 s within its stated resolution" within
ok "the heartbeat is released" test "$(sql "SELECT count(*) FROM prober")" -eq 0

# Held up (SIGSTOP, a paused machine) until its lease looked dead, a watcher
# finds at its next batch that another watcher probes now: it stops rather
# than probe beside it. (The beat is aged by hand: three missed beats.)
start_watch
ok "(a watcher probes)" wait_for 10 sql_is "SELECT pid FROM prober" "$watch_pid"
first_pid=$watch_pid
kill -STOP "$first_pid"
sql "UPDATE prober SET last_cycle_at = coalesce(last_cycle_at, started_at) - 60, started_at = started_at - 60"
"$DRTOP" probe --watch >"$T/w2.out" 2>"$T/w2.err" &
second_pid=$!
pids="$pids $second_pid"
ok "another watcher takes the lease the held-up one seems to have left" \
	wait_for 10 sql_is "SELECT pid FROM prober" "$second_pid"
kill -CONT "$first_pid"
gone() { st=$(cut -d' ' -f3 "/proc/$1/stat" 2>/dev/null); [ -z "$st" ] || [ "$st" = Z ]; }
wait_for 15 gone "$first_pid" || kill -TERM "$first_pid"
wait "$first_pid"
first_rc=$?
ok "the first, resumed, stops (75: busy) and says why" sh -c '[ "$1" -eq 75 ] && grep -q "probing was taken over while this watcher was held up: another prober (pid $2" "$3"' - \
	"$first_rc" "$second_pid" "$T/watch.err"
ok "the second probes on, alone" sh -c 'kill -0 "$1" && [ "$(sqlite3 "$2" "SELECT pid FROM prober")" = "$1" ]' - "$second_pid" "$DRTOP_DB"
kill -TERM "$second_pid"
wait "$second_pid"

# SIGINT with a probe hanging: stop within about a second.
"$DRTOP" endpoint add web "$URL/hang" --interval 1s --timeout 30s >/dev/null
start_watch
ok "the hanging probe starts" wait_for 10 sql_is "SELECT count(*) FROM prober" 1
sleep 0.5 # let the hang be in flight
t=$(now_ms)
kill -INT "$watch_pid"
wait "$watch_pid"
rc=$?
took=$(( $(now_ms) - t ))
ok "SIGINT: exit 0 within about a second despite a hanging probe (${took}ms)" test "$rc" -eq 0 -a "$took" -lt 2000
"$DRTOP" endpoint rm --purge "$(sql "SELECT id FROM endpoint WHERE url LIKE '%/hang'")" >/dev/null

# Endpoints added while it watches are picked up.
start_watch
ok "watching again" wait_for 10 sql_is "SELECT count(*) FROM prober" 1
"$DRTOP" endpoint add web "$URL/status/204" --interval 500ms --timeout 1s --expect 204 >/dev/null
ok "an endpoint added meanwhile is probed within seconds" wait_for 20 sql_ge "SELECT count(*) FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.url = '$URL/status/204' AND r.ok" 1
stop_watch
ok "and the watcher still stops cleanly" test "$watch_rc" -eq 0
"$DRTOP" endpoint rm --purge "$(sql "SELECT id FROM endpoint WHERE url LIKE '%/status/204'")" >/dev/null

# kill -9: everything committed survives, and the file is sound.
start_watch
since=$(now_ms)
ok "results are being committed" wait_for 10 at_least "at_ms > $since" 3
seen=$(count 1)
kill -9 "$watch_pid"
wait "$watch_pid" 2>/dev/null
ok "after kill -9 the database passes integrity_check" test "$(sql "PRAGMA integrity_check")" = ok
ok "and holds every result committed before ($seen)" test "$(count 1)" -ge "$seen"
start_watch
ok "a new watcher takes over from the dead one" wait_for 10 sql_is "SELECT pid FROM prober" "$watch_pid"
stop_watch

# --verbose: a line per result, with its time, written as it happens (a log
# read live through a pipe or a file, not a block when the buffer fills).
start_watch --verbose
ok "--watch --verbose: each result on its line as it comes, with its time" \
	wait_for 10 grep -q "^20[0-9-]*T[0-9:]*Z  web  *$URL/health  *200 " "$T/watch.out"
ok "... while the watcher still runs" kill -0 "$watch_pid"
stop_watch

# A long pause with nobody probing is a gap, never counted as down (nor up).
sql "DELETE FROM outage"
ctl down >/dev/null
start_watch
ok "an outage opens while the server is down" wait_for 10 sql_is "SELECT count(*) FROM outage WHERE ended_ms IS NULL" 1
stop_watch
last_fail=$(sql "SELECT last_fail_ms FROM endpoint_state st JOIN endpoint e ON e.id = st.endpoint_id WHERE e.url = '$URL/health'")
sleep 4 # a pause longer than three intervals plus the timeout (3 s)
ctl up >/dev/null
restart=$(now_ms)
succeeds "probe again after the pause" probe --once
ok "the outage ends at the first success after the pause" test "$(sql "SELECT ended_ms FROM outage")" = "$(sql "SELECT min(at_ms) FROM probe_result WHERE ok AND at_ms > $last_fail")"
ok "with the pause marked inside it as a gap" test "$(sql "SELECT o.gap, g.from_ms FROM outage o JOIN outage_gap g ON g.outage_id = o.id")" = "0|$last_fail"
ok "and keeps the gap in its resolution" test "$(sql "SELECT res_end_ms FROM outage")" -ge $((restart - last_fail - 50))
ok "no second outage" test "$(sql "SELECT count(*) FROM outage")" -eq 1

done_testing

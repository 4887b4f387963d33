#!/bin/sh
# probe --watch and --once, re-tested: retention while watching, signals during
# --once, endpoint ids reused while probed, a long write lock, and the file
# moved away.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW
start_server

. "$SRCDIR/tests/watch-lib.sh"

"$DRTOP" system add web --rto 1h --rpo 1h >/dev/null

# --- retention keeps being applied while watching (D15) ---
"$DRTOP" endpoint add web "$URL/count/r" --interval 100ms --timeout 1s >/dev/null
"$DRTOP" config set retention 2s >/dev/null
"$DRTOP" config set seal-every 1s >/dev/null # nothing is pruned before it is sealed
t0=$(now_ms)
start_watch
ok "probing" wait_for 10 rows_ge "$URL/count/r" "" 5
# (but for each endpoint's first, which the verdict as of then reads)
later="SELECT min(at_ms) FROM probe_result r WHERE r.id > (SELECT min(q.id) FROM probe_result q WHERE q.endpoint_id = r.endpoint_id)"
ok "results older than the retention disappear while it runs" \
	wait_for 15 sql_ge "$later" "$((t0 + 3000))"
ok "and go on disappearing" \
	wait_for 15 sql_ge "$later" "$(($(now_ms) + 1000))"
stop_watch
ok "the watcher stops cleanly" test "$watch_rc" -eq 0
"$DRTOP" config set retention 30d >/dev/null
sql "DELETE FROM endpoint"

# --- probe --once stopped by a signal records what finished (D28) ---
for i in 1 2 3 4 5; do "$DRTOP" endpoint add web "$URL/count/once$i" --timeout 10s >/dev/null; done
for i in 1 2 3; do "$DRTOP" endpoint add web "$URL/delay/5000?$i" --timeout 10s >/dev/null; done
hits_are() { # the five fast endpoints have each been asked N times (in round $1)
	for i in 1 2 3 4 5; do [ "$(ctl "hits/once$i")" = "$2" ] || return 1; done
}
round=0
for sig in INT TERM HUP; do
	round=$((round + 1))
	before=$(sql "SELECT count(*) FROM probe_result")
	t=$(now_ms)
	"$DRTOP" probe --once >"$T/once.out" 2>"$T/once.err" &
	once_pid=$!
	pids="$pids $once_pid"
	wait_for 10 hits_are "$sig" "$round"
	kill -$sig "$once_pid"
	wait "$once_pid"
	once_rc=$?
	ok "probe --once on SIG$sig exits 0" test "$once_rc" -eq 0
	ok "before the slow probes finished" test "$(($(now_ms) - t))" -lt 4500
	ok "the 5 finished results are recorded" \
		test "$(($(sql "SELECT count(*) FROM probe_result") - before))" -eq 5
	ok "it says it was interrupted" grep -q "interrupted: 5 of 8 endpoints" "$T/once.err"
done
sql "DELETE FROM endpoint"

# --- an endpoint id reused while its old endpoint's results are pending (N2) ---
"$DRTOP" endpoint add web "$URL/count/old" --interval 100ms --timeout 1s >/dev/null
old_id=$(sql "SELECT id FROM endpoint WHERE url = '$URL/count/old'")
start_watch
ok "probing the old endpoint" wait_for 10 rows_ge "$URL/count/old" "" 3
"$DRTOP" endpoint rm --purge "$old_id" >/dev/null
"$DRTOP" endpoint add web "$URL/status/500" --interval 100ms --timeout 1s >/dev/null
ok "the new endpoint has the old one's id" sql_is "SELECT id FROM endpoint WHERE url = '$URL/status/500'" "$old_id"
ok "the new endpoint is probed" wait_for 10 rows_ge "$URL/status/500" "" 3
ok "no result of the old endpoint is filed under the new one" \
	sql_is "SELECT count(*) FROM probe_result WHERE endpoint_id = $old_id AND ok" 0
ok "none from before the new endpoint was added" \
	sql_is "SELECT count(*) FROM probe_result WHERE endpoint_id = $old_id AND at_ms < 1000 * (SELECT created_at FROM endpoint WHERE id = $old_id)" 0
ok "the watcher said so at most once, then reloaded" \
	test "$(grep -c "removed meanwhile not recorded" "$T/watch.err")" -le 1
stop_watch
ok "and stops cleanly" test "$watch_rc" -eq 0
sql "DELETE FROM endpoint"

# --- probing goes on while the database is locked (N5) ---
"$DRTOP" endpoint add web "$URL/count/lk" --interval 100ms --timeout 1s >/dev/null
hits_ge() { [ "$(ctl "hits/$1")" -ge "$2" ]; }
start_watch
ok "probing" wait_for 10 rows_ge "$URL/count/lk" "" 3
( printf '.timeout 5000\nBEGIN IMMEDIATE;\n.shell touch %s\n' "$T/locked"; sleep 3; printf 'COMMIT;\n' ) | sqlite3 "$DRTOP_DB" &
locker=$!
pids="$pids $locker"
wait_for 5 test -f "$T/locked"
held_from=$(now_ms)
h0=$(ctl hits/lk)
ok "probes go on while another process holds the write lock" wait_for 3 hits_ge lk $((h0 + 15))
ok "(the lock is still held)" kill -0 "$locker"
wait "$locker"
held_to=$(now_ms)
ok "what was probed meanwhile is recorded after" \
	wait_for 20 rows_ge "$URL/count/lk" "AND at_ms > $held_from + 200 AND at_ms < $held_to - 200" 15
ok "it said it was waiting" grep -q "locked by another process.*results wait" "$T/watch.err"
ok "and recording again" wait_for 5 grep -q "recording again" "$T/watch.err"
stop_watch
ok "and stops cleanly" test "$watch_rc" -eq 0
sql "DELETE FROM endpoint"

# --- the database file moved away while watching (N9) ---
"$DRTOP" endpoint add web "$URL/count/mv" --interval 100ms --timeout 1s >/dev/null
t=$(now_ms)
start_watch
ok "probing" wait_for 10 rows_ge "$URL/count/mv" "AND at_ms >= $t" 10
mv "$DRTOP_DB" "$T/moved.db"
# No file at the path: the watcher cannot reopen it, says so and stops.
ok "the watcher notices, and stops" wait_for 15 sh -c "! kill -0 $watch_pid 2>/dev/null"
ok "saying why" grep -q "was replaced or removed; reopening" "$T/watch.err"
moved=$(sqlite3 "$T/moved.db" "SELECT count(*) FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.url = '$URL/count/mv' AND at_ms >= $t")
probes=$(sed -n 's/.*stopped after \([0-9]*\) probes.*/\1/p' "$T/watch.err")
ok "moved.db has results of before the move" test "$moved" -ge 5
ok "the count includes them ($probes >= $moved)" test "${probes:-0}" -ge "$moved"

done_testing

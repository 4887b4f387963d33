#!/bin/sh
# probe --watch outlives what operators do around it: endpoints removed, a
# second prober, a write lock held longer than the busy timeout, the file
# replaced, a stale heartbeat whose PID lives on, SIGHUP, and SIGPIPE.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW
start_server

. "$SRCDIR/tests/watch-lib.sh"

"$DRTOP" system add web --rto 1h --rpo 1h >/dev/null
"$DRTOP" system add gone --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add web "$URL/count/a" --interval 100ms --timeout 1s >/dev/null
"$DRTOP" endpoint add web "$URL/count/b" --interval 100ms --timeout 1s >/dev/null
"$DRTOP" endpoint add gone "$URL/count/c" --interval 100ms --timeout 1s >/dev/null

# --- endpoints removed while probed (D3) ---
start_watch
ok "the watcher probes all three" wait_for 10 rows_ge "$URL/count/c" "" 3
"$DRTOP" endpoint rm --purge "$(sql "SELECT id FROM endpoint WHERE url = '$URL/count/b'")" >/dev/null
succeeds "remove a system with its endpoint" system rm gone --force
t=$(now_ms)
ok "results keep being recorded for the endpoint that is left" wait_for 15 rows_ge "$URL/count/a" "AND at_ms > $t + 6000" 1
ok "the watcher is alive" alive
stop_watch
ok "and stops cleanly" test "$watch_rc" -eq 0

# --- a write lock held longer than the busy timeout (D11) ---
DRTOP_BUSY_TIMEOUT_MS=200 start_watch
ok "watching with a 200 ms busy timeout" wait_for 10 rows_ge "$URL/count/a" "AND at_ms > $(now_ms)" 2
( printf '.timeout 5000\nBEGIN IMMEDIATE;\n.shell touch %s\n' "$T/locked"; sleep 2.5; printf 'COMMIT;\n' ) | sqlite3 "$DRTOP_DB" &
locker=$!
pids="$pids $locker"
wait_for 5 test -f "$T/locked"
held_from=$(now_ms)
wait "$locker"
held_to=$(now_ms)
ok "the watcher lived through a 2.5 s write lock" alive
ok "what it probed meanwhile is recorded after" wait_for 10 rows_ge "$URL/count/a" "AND at_ms > $held_from + 500 AND at_ms < $held_to - 500" 5
ok "it said it was waiting" grep -q "locked by another process.*results wait" "$T/watch.err"
stop_watch
ok "and stops cleanly" test "$watch_rc" -eq 0

# --- SIGHUP commits and clears the heartbeat (D28) ---
start_watch
ok "watching" wait_for 10 rows_ge "$URL/count/a" "AND at_ms > $(now_ms)" 1
stop_watch HUP
ok "SIGHUP: exit 0" test "$watch_rc" -eq 0
ok "the heartbeat is cleared" sql_is "SELECT count(*) FROM prober" 0
hits=$(ctl hits/a)
ok "every probe whose answer arrived was recorded (hits $hits)" test "$(rows "$URL/count/a")" -ge $((hits - 1))

# --- SIGPIPE: `probe | head -1` records everything (D28) ---
sql "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
     INSERT INTO endpoint (system_id, url, interval_ms, timeout_ms, created_at, updated_at)
     SELECT (SELECT id FROM system WHERE name = 'web'), '$URL/count/pipe?' || i, 60000, 5000, 0, 0 FROM n"
before=$(sql "SELECT count(*) FROM probe_result")
{ "$DRTOP" probe --once 2>/dev/null; echo $? >"$T/pipe.rc"; } | head -1 >"$T/pipe.out"
ok "probe | head -1: drtop exits 0, not killed by SIGPIPE" test "$(cat "$T/pipe.rc")" -eq 0
ok "the one line was printed" test "$(wc -l <"$T/pipe.out")" -eq 1
ok "all 301 results are recorded" test "$(($(sql "SELECT count(*) FROM probe_result") - before))" -eq 301
sql "DELETE FROM endpoint WHERE url LIKE '%/count/pipe?%'"

# --- a stale heartbeat whose PID belongs to a live process (D12) ---
sql "INSERT OR REPLACE INTO prober (id, pid, host, started_at, last_cycle_at)
     VALUES (1, $$, '$(uname -n)', strftime('%s') - 3 * 86400, strftime('%s') - 3 * 86400)"
start_watch
ok "a heartbeat three days old is dead, though its PID runs" alive
stop_watch
sql "INSERT OR REPLACE INTO prober (id, pid, host, started_at, last_cycle_at)
     VALUES (1, $$, '$(uname -n)', strftime('%s') - 3 * 86400, strftime('%s') - 2)"
fails "one that beat 2 s ago is alive" 75 "another prober (pid $$" probe --watch
sql "DELETE FROM prober"

# --- the database file replaced while watching (D6) ---
DRTOP_DB="$T/other.db" "$DRTOP" system add other --rto 1h --rpo 1h >/dev/null
DRTOP_DB="$T/other.db" "$DRTOP" endpoint add other "$URL/count/other" --interval 100ms --timeout 1s >/dev/null
start_watch
ok "watching the first file" wait_for 10 rows_ge "$URL/count/a" "AND at_ms > $(now_ms)" 2
cp "$T/other.db" "$T/new.db"
# Replace it between two batches of the watcher (each is checkpointed; a file
# moved in during the milliseconds of a commit would take that commit's -wal
# frames for its own, see doc/probing.md): right after the file has been
# checkpointed here, so the -wal holds nothing of the old file.
sqlite3 -cmd ".timeout 5000" "$DRTOP_DB" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
mv "$T/new.db" "$DRTOP_DB"
for i in 1 2 3 4 5; do
	"$DRTOP" system add "new$i" --rto 1h --rpo 1h >/dev/null || echo "# system add new$i failed"
	sleep 0.3
done
ok "the watcher probes the new file's endpoint, into the new file" wait_for 15 rows_ge "$URL/count/other" "" 3
ok "every result there is of a probe of the new file's endpoint (no more than the server saw)" \
	test "$(rows "$URL/count/other")" -le "$(ctl hits/other)" -a "$(sql "SELECT count(*) FROM probe_result")" = "$(rows "$URL/count/other")"
ok "it said it reopened the file" grep -q "was replaced or removed; reopening" "$T/watch.err"
ok "the watcher is alive" alive
succeeds "db check says ok" db check
ok "the systems added meanwhile are there" sql_is "SELECT count(*) FROM system WHERE name LIKE 'new%'" 5
ok "nothing of the old file was written into it" sql_is "SELECT count(*) FROM endpoint WHERE url LIKE '%/count/a'" 0
ok "the heartbeat is in the new file" sql_is "SELECT pid FROM prober" "$watch_pid"
stop_watch
ok "and it stops cleanly" test "$watch_rc" -eq 0
succeeds "db check still says ok" db check

# --- stopped while the lock is still held: what waits is lost, and said so ---
DRTOP_BUSY_TIMEOUT_MS=200 start_watch
wait_for 10 sql_ge "SELECT count(*) FROM probe_result WHERE at_ms > $(now_ms)" 2
rm -f "$T/locked"
( printf '.timeout 5000\nBEGIN IMMEDIATE;\n.shell touch %s\n' "$T/locked"; sleep 8; printf 'COMMIT;\n' ) | sqlite3 "$DRTOP_DB" &
locker=$!
pids="$pids $locker"
wait_for 5 test -f "$T/locked"
ok "results wait while the lock is held" wait_for 10 grep -q "results wait" "$T/watch.err"
stop_watch
ok "stopped with the lock still held: exit 75" test "$watch_rc" -eq 75
ok "... saying how many results were not recorded" grep -q "stopped after [0-9]* probes ([0-9]* failed, [1-9][0-9]* not recorded)" "$T/watch.err"
ok "... and that they are probe results" grep -q "drtop: [1-9][0-9]* probe results\{0,1\} not recorded: .*locked" "$T/watch.err"
wait "$locker"

done_testing

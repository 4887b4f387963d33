#!/bin/sh
# probe --watch and --once, re-tested: retention while watching, signals during
# --once, endpoint ids reused while probed, a long write lock, and the file
# moved away.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW
start_server

sql_is() { [ "$(sql "$1")" = "$2" ]; }
sql_ge() { [ "$(sql "$1")" -ge "$2" ]; }
rows() { sql "SELECT count(*) FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.url = '$1' $2"; }
rows_ge() { [ "$(rows "$1" "$2")" -ge "$3" ]; }
alive() { kill -0 "$watch_pid" 2>/dev/null; }
start_watch() {
	"$DRTOP" probe --watch "$@" >"$T/watch.out" 2>"$T/watch.err" &
	watch_pid=$!
	pids="$pids $watch_pid"
	wait_for 10 sql_is "SELECT pid FROM prober" "$watch_pid"
}
stop_watch() { kill -${1:-TERM} "$watch_pid"; wait "$watch_pid"; watch_rc=$?; }

"$DRTOP" system add web --rto 1h --rpo 1h >/dev/null

# --- retention keeps being applied while watching (D15) ---
"$DRTOP" endpoint add web "$URL/count/r" --interval 100ms --timeout 1s >/dev/null
"$DRTOP" config set retention 2s >/dev/null
t0=$(now_ms)
start_watch
ok "probing" wait_for 10 rows_ge "$URL/count/r" "" 5
ok "results older than the retention disappear while it runs" \
	wait_for 15 sql_ge "SELECT min(at_ms) FROM probe_result" "$((t0 + 3000))"
ok "and go on disappearing" \
	wait_for 15 sql_ge "SELECT min(at_ms) FROM probe_result" "$(($(now_ms) + 1000))"
stop_watch
ok "the watcher stops cleanly" test "$watch_rc" -eq 0
"$DRTOP" config set retention 30d >/dev/null
sql "DELETE FROM endpoint"

done_testing

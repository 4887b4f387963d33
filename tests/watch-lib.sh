# Helpers for the tests of a running `drtop probe --watch` (sourced after lib.sh).
# rows URL [SQL]: probe results of the endpoint with URL; start_watch [OPTIONS]
# starts a watcher and waits until it holds the lease; stop_watch [SIGNAL]
# stops it and keeps its exit status in watch_rc.
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

# tests/lib.sh - TAP helpers for drtop's command-line tests.
#
# Each test script sources this file, drives the real binary ($DRTOP) on a
# temporary database and reports in TAP. A bad-input check also proves the
# database file is byte-for-byte unchanged.

: "${DRTOP:?DRTOP must name the drtop binary}"
: "${SRCDIR:=.}"
T=$(mktemp -d "${TMPDIR:-/tmp}/drtop-test.XXXXXX")
pids=
trap 'for p in $pids; do kill -9 $p 2>/dev/null; done; rm -rf "$T"' EXIT
export DRTOP_DB="$T/drtop.db"
export DRTOP_NOW="2026-11-25T12:00:00Z"
export TZ=UTC
unset XDG_DATA_HOME NO_COLOR
export XDG_CONFIG_HOME="$T/config" # the dashboard's drtoprc: the test's own
n=0
failures=0

# Run drtop; stdout in $T/out, stderr in $T/err, status in $rc.
run() {
	"$DRTOP" "$@" >"$T/out" 2>"$T/err"
	rc=$?
}

ok() { # ok DESCRIPTION COMMAND...
	desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $desc"
	else
		echo "not ok $n - $desc"
		failures=$((failures + 1))
		echo "# command: drtop $last_args (exit $rc)"
		sed 's/^/# out: /' "$T/out" | head -20
		sed 's/^/# err: /' "$T/err" | head -5
	fi
}

# succeeds DESCRIPTION ARGS...: drtop ARGS exits 0.
succeeds() {
	desc=$1
	shift
	last_args="$*"
	run "$@"
	ok "$desc" test "$rc" -eq 0
}

out_has() { grep -qF -- "$1" "$T/out"; }
err_has() { grep -qF -- "$1" "$T/err"; }
out_lacks() { ! grep -qF -- "$1" "$T/out"; }

db_sum() {
	if [ -f "$DRTOP_DB" ]; then sha256sum "$DRTOP_DB" | cut -d' ' -f1; else echo none; fi
}

# fails DESCRIPTION STATUS MESSAGE ARGS...: drtop ARGS exits STATUS, says MESSAGE
# on stderr in one line, prints nothing on stdout and leaves the database as it was.
fails() {
	desc=$1 want=$2 msg=$3
	shift 3
	last_args="$*"
	before=$(db_sum)
	run "$@"
	after=$(db_sum)
	ok "$desc" check_failure
}

check_failure() {
	[ "$rc" -eq "$want" ] || { echo "# expected exit $want"; return 1; }
	err_has "$msg" || { echo "# expected message: $msg"; return 1; }
	[ "$(wc -l <"$T/err")" -eq 1 ] || { echo "# expected one line on stderr"; return 1; }
	[ ! -s "$T/out" ] || { echo "# expected no output"; return 1; }
	[ "$before" = "$after" ] || { echo "# the database changed"; return 1; }
}

# (waiting up to 10 s for a writer, a running prober, to let go: not "database is locked")
sql() { sqlite3 -cmd ".timeout 10000" "$DRTOP_DB" "$@"; }
# sql_is SQL WANT / sql_ge SQL N: the query's answer, read afresh each time
# (so that wait_for polls the database, not a value read once).
sql_is() { [ "$(sql "$1")" = "$2" ]; }
sql_ge() { [ "$(sql "$1")" -ge "$2" ]; }

# wait_for SECONDS COMMAND...: poll COMMAND every 0.1s until it succeeds.
wait_for() {
	limit=$(($1 * 10))
	shift
	while ! "$@"; do
		limit=$((limit - 1))
		[ "$limit" -gt 0 ] || return 1
		sleep 0.1
	done
}

now_ms() { date +%s%3N; }

# seal_results DB: give the probe results a test wrote with the sqlite3 shell
# (history made up) a probe_result.batch entry, as drtop gives its own, so
# that they are evidence like them (pruned after the retention).
seal_results() {
	sqlite3 "$1" "WITH t AS (SELECT CAST(strftime('%s', 'now') AS INTEGER) AS now),
	  b AS (SELECT coalesce(max(CAST(payload ->> '\$.last' AS INTEGER)), 0) AS after
	        FROM ledger WHERE kind = 'probe_result.batch'),
	  r AS (SELECT id, at_ms, quote(endpoint_id) || '|' || quote(at_ms) || '|' || quote(ok) || '|'
	          || quote(status_code) || '|' || quote(latency_ms) || '|' || quote(error) || '|'
	          || quote(data_time) || '|' || quote(lag_s) || char(10) AS row
	        FROM probe_result, b WHERE id > b.after ORDER BY id),
	  p AS (SELECT json_object('first', min(id), 'last', max(id), 'rows', count(*), 'from_ms', min(at_ms),
	          'to_ms', max(at_ms), 'sha3', (SELECT lower(hex(sha3(group_concat(row, ''), 256))) FROM r))
	          AS payload FROM r HAVING count(*) > 0),
	  h AS (SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1)
	  INSERT INTO ledger (seq, recorded_at, actor, kind, payload, prev_hash, hash)
	  SELECT h.seq + 1, t.now, 'test', 'probe_result.batch', p.payload, h.hash,
	    lower(hex(sha3(h.hash || '|' || (h.seq + 1) || '|' || t.now || '|test|probe_result.batch|'
	                   || p.payload, 256)))
	  FROM h, p, t"
}

# Start tests/server.py; sets PORT, CTL and URL.
start_server() {
	python3 "$SRCDIR/tests/server.py" >"$T/server.out" 2>"$T/server.err" &
	pids="$pids $!"
	wait_for 10 test -s "$T/server.out" || { echo "Bail out! test server did not start"; exit 1; }
	read -r PORT CTL <"$T/server.out"
	URL="http://127.0.0.1:$PORT"
}

# Tell the test server to switch: ctl down, ctl up, ctl mode/status/500 ...
ctl() { curl -fsS "http://127.0.0.1:$CTL/$1"; }

# Start tests/receiver.py, the webhook receiver, logging POSTs to $T/recv.log;
# sets RURL. rmode MODE switches how it answers (ok, 500, fail/N, hang).
start_receiver() {
	touch "$T/recv.log"
	python3 "$SRCDIR/tests/receiver.py" "$T/recv.log" >"$T/recv.out" 2>"$T/recv.err" &
	pids="$pids $!"
	wait_for 10 test -s "$T/recv.out" || { echo "Bail out! the receiver did not start"; exit 1; }
	RURL="http://127.0.0.1:$(cat "$T/recv.out")"
}
rmode() { curl -fsS "$RURL/mode/$1" >/dev/null; }

done_testing() {
	echo "1..$n"
	[ "$failures" -eq 0 ]
	exit $?
}

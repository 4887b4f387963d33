#!/bin/sh
# Endpoints that answer with hostile replies: each one is a failed (or ok)
# probe, recorded as such, and never harms the prober itself.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW
start_server

result() { # result URL: "ok|status|error" of the endpoint's newest result
	sql "SELECT r.ok || '|' || coalesce(r.status_code, '') || '|' || coalesce(r.error, '')
	     FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id
	     WHERE e.url = '$1' ORDER BY r.id DESC LIMIT 1"
}
has() { case "$(result "$1")" in $2) return 0 ;; *) echo "# got: $(result "$1")"; return 1 ;; esac; }
count() { sql "SELECT count(*) FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.url = '$1' $2"; }
at_least() { [ "$(count "$1" "$2")" -ge "$3" ]; }

# A redirect to a scheme that is not probed, then a body larger than libcurl's
# receive buffer on the same (reused) easy handle: this used to overflow the heap.
# localhost sorts after 127.0.0.1, so with one transfer at a time the big body
# comes second, on the handle the failed redirect used.
gopher="$URL/redirect-to/gopher%3A%2F%2F127.0.0.1%3A$PORT%2F"
big="http://localhost:$PORT/big/40"
"$DRTOP" system add a --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add a "$gopher" --interval 1s >/dev/null
"$DRTOP" endpoint add a "$big" --interval 1s >/dev/null
succeeds "probe --once --concurrency 1: a redirect to gopher, then a 40 KiB body" probe --once --concurrency 1
ok "the redirect to gopher fails" has "$gopher" "0|302|*gopher*"
ok "the 40 KiB body is ok" has "$big" "1|200|"
"$DRTOP" endpoint add a "$big" --kind freshness --json-path '$.x' --interval 1s >/dev/null
succeeds "again, the big body now on a handle reused twice" probe --once --concurrency 1
ok "both recorded again" test "$(sql "SELECT count(*) FROM probe_result")" -eq 5

"$DRTOP" probe --watch >"$T/watch.out" 2>"$T/watch.err" &
watch_pid=$!
pids="$pids $watch_pid"
watched() { at_least "$gopher" "AND r.id > 5" 3 && at_least "$big" "AND r.id > 5 AND r.ok" 3; }
ok "probe --watch keeps probing them" wait_for 15 watched
kill -INT "$watch_pid"
wait "$watch_pid"
ok "and stops cleanly on SIGINT" test $? -eq 0
ok "the big body never failed its health probe" test "$(count "$big" "AND e.kind = 'health' AND NOT r.ok")" -eq 0
ok "every probe of the redirect failed" test "$(count "$gopher" "AND r.ok")" -eq 0

# A header block cut off by a closed connection is no answer.
"$DRTOP" system add b --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add b "$URL/cut-headers" --timeout 2s >/dev/null
succeeds "probe an endpoint that closes inside its headers" probe --system b
ok "it fails: incomplete response headers" has "$URL/cut-headers" "0|200|incomplete response headers*"

done_testing

#!/bin/sh
# drtop probe --once: health and freshness checks against a real local server,
# every hostile answer recorded as a clear failure within its timeout.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW
start_server

"$DRTOP" system add web --rto 1h --rpo 1h >/dev/null
add() { "$DRTOP" endpoint add web "$@" >/dev/null || echo "Bail out! endpoint add $*"; }
add "$URL/health" --expect 200
add "$URL/status/503" --timeout 2s
add "$URL/hang" --timeout 1s
add "$URL/huge" --timeout 2s
add "$URL/drip" --timeout 1s
add "$URL/garbage" --timeout 2s
add "$URL/redirect-loop" --timeout 2s
add "$URL/delay/300" --max-latency 100ms
add "$URL/health" --kind freshness --timeout 2s
add "http://127.0.0.1:1/refused" --timeout 2s
add "$URL/status/204" --expect 200,204
add "$URL/json/lag/5" --kind freshness --json-path '$.nothing' --timeout 2s

# with the clock set ahead, nothing can be recorded: no probe is even sent
fails "with --now ahead of the real time, probe refuses" 64 "does not write with a clock in the future" \
	--now +1h probe --once
ok "... before sending any probe" test "$(sql "SELECT count(*) FROM probe_result")" = 0
ok "... the server saw none" test "$(curl -fsS "http://127.0.0.1:$CTL/hits")" = 0
start=$(now_ms)
succeeds "probe --once runs every probe" probe --once
took=$(( $(now_ms) - start ))
ok "all of them, in parallel, within the longest timeout (${took}ms)" test "$took" -lt 3500
ok "prints a total" out_has "probed 12 endpoints in"
ok "and a line per endpoint" test "$(grep -c '^web ' "$T/out")" -eq 12

result() { # result URL-SUFFIX: "ok|status|error" of the health endpoint's newest result
	sql "SELECT r.ok || '|' || coalesce(r.status_code, '') || '|' || coalesce(r.error, '')
	     FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id
	     WHERE (e.url = '$URL$1' OR e.url = '$1') AND e.kind = 'health'
	     ORDER BY r.id DESC LIMIT 1"
}
has() { case "$(result "$1")" in $2) return 0 ;; *) echo "# got: $(result "$1")"; return 1 ;; esac; }
ok "up: ok with status 200" has /health "1|200|"
ok "a bad status" has /status/503 "0|503|HTTP status 503, expected 200-399"
ok "an expected 204" has /status/204 "1|204|"
ok "hanging: timed out" has /hang "0||*timed out after*"
ok "a huge body: refused at 64 KiB" has /huge "0|200|the response body exceeds 64 KiB"
ok "a slow drip: timed out" has /drip "0|200|*timed out*"
ok "garbage: not HTTP" has /garbage "0||*"
ok "the garbage error says what it is" sh -c "sqlite3 '$DRTOP_DB' \"SELECT error FROM probe_result WHERE error LIKE '%HTTP/0.9%' OR error LIKE '%eird server reply%'\" | grep -q ."
ok "a redirect loop: stopped after 5" has /redirect-loop "0|302|Maximum (5) redirects followed"
ok "too slow for its latency limit" has /delay/300 "0|200|answered in *ms, more than the 100ms allowed"
ok "connection refused" has http://127.0.0.1:1/refused "0||*onnect*"
ok "latency is recorded" test "$(sql "SELECT latency_ms >= 300 FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.url = '$URL/delay/300'")" = 1
ok "freshness without Last-Modified fails clearly" test "$(sql "SELECT error FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.kind = 'freshness' AND e.json_path IS NULL")" = "the response has no Last-Modified header"
ok "a missing JSON field fails clearly" test "$(sql "SELECT error FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.json_path = '\$.nothing'")" = "the response has no \$.nothing"
ok "every result is recorded" test "$(sql "SELECT count(*) FROM probe_result")" -eq 12
ok "single failures open no outage" test "$(sql "SELECT count(*) FROM outage")" -eq 0
ok "the prober records the system's status after its cycle" test "$(sql "SELECT count(*) FROM status_history")" -eq 1

if command -v script >/dev/null; then
	script -qec "\"$DRTOP\" probe" /dev/null >"$T/tty.out" 2>&1
	ok "on a terminal it shows progress" grep -q "probing 12/12" "$T/tty.out"
fi
succeeds "--system limits the run" probe --system web
fails "--system with an unknown system" 65 "unknown system \"nope\"" probe --system nope
fails "--once and --watch" 64 "contradict" probe --once --watch
fails "a bad concurrency" 65 "--concurrency: expected a whole number from 1 to 4096" probe --concurrency 0

# A header line over libcurl's limit is the endpoint's doing, said so (libcurl
# calls it being out of memory).
"$DRTOP" system add big --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add big "$URL/long-header" --timeout 5s >/dev/null
succeeds "a header line of 400,000 bytes" probe --system big
ok "... fails the probe, saying why" \
	out_has "the response has a header line too long to read (over 100 KiB)"

done_testing

#!/bin/sh
# A prober short of file descriptors: it keeps what it has in flight within
# the limit on open files, and a probe it could not make for want of one is
# no evidence against the endpoint: nothing is recorded, no outage opens.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW
start_server

i=0
while [ $i -lt 150 ]; do
	printf '{"name": "e%d", "url": "%s/health?i=%d"}\n' $i "$URL" $i
	i=$((i + 1))
done | python3 -c '
import json, sys
eps = [{"url": json.loads(l)["url"], "interval": "1m"} for l in sys.stdin]
print(json.dumps({"systems": [{"name": "many", "rto": "5m", "rpo": "1h", "endpoints": eps}]}))' >"$T/inv.json"
succeeds "150 endpoints of a healthy server" import "$T/inv.json"

# A hard limit of 100 open files: 150 probes at once cannot all have a socket.
sh -c "ulimit -S -n 100 && ulimit -H -n 100 && exec '$DRTOP' probe --once --concurrency 150 --per-host 150" \
	>"$T/out" 2>"$T/err"
rc=$?
ok "probe --once under a limit of 100 open files succeeds" test $rc -eq 0
ok "... saying it probes fewer at once than asked" grep -q "probing at most [0-9]* at once, not 150: the limit on open files" "$T/err"
ok "... and every probe of the healthy server is a success" grep -q "probed 150 endpoints in .*: 150 ok, 0 failed" "$T/out"
ok "... so no outage opened" test "$(sql "SELECT count(*) FROM outage")" = 0

# No socket to be had at all: nothing is recorded against the endpoints.
${CC:-cc} -shared -fPIC -o "$T/no-socket.so" "$SRCDIR/tests/no-socket.c" -ldl
before=$(sql "SELECT count(*) FROM probe_result")
LD_PRELOAD="$T/no-socket.so" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0" \
	"$DRTOP" probe --once >"$T/out" 2>"$T/err"
rc=$?
ok "with no socket to be had, probe --once still ends well" test $rc -eq 0
ok "... each probe says it was not made, and why" \
	test "$(grep -c 'not probed: drtop has no file descriptor left' "$T/out")" -eq 150
ok "... the total says so" grep -q "150 probes not made, nothing recorded of them" "$T/err"
ok "... no result was recorded against the endpoints" test "$(sql "SELECT count(*) FROM probe_result")" = "$before"
ok "... and no outage opened" test "$(sql "SELECT count(*) FROM outage")" = 0
succeeds "db verify: intact" db verify

done_testing

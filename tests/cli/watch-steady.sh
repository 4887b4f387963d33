#!/bin/sh
# probe --watch goes on probing while it reads the verdict to keep the status
# history, which takes a second or more with thousands of systems: an
# endpoint's probes come at its interval throughout, never held up by it. The
# last read, when it stops, starts no probe it would not record.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/watch-lib.sh"

start_server
"$DRTOP" system add web --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add web "$URL/count/steady" --interval 200ms --timeout 1s >/dev/null
# 8,000 more systems with ten outages each (their endpoints disabled: only
# web's is probed), so that reading the verdict takes a while.
sql "WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < 8000)
     INSERT INTO system (name, rto_s, rpo_s, created_at, updated_at)
     SELECT 'sys-' || i, 900, 3600, 1790000000, 1790000000 FROM k;
     INSERT INTO endpoint (system_id, url, enabled, created_at, updated_at)
     SELECT id, 'http://127.0.0.1:9/' || id, 0, 1790000000, 1790000000 FROM system WHERE name GLOB 'sys-*';
     WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < 9)
     INSERT INTO outage (endpoint_id, system_id, started_ms, ended_ms, res_start_ms, res_end_ms)
     SELECT e.id, e.system_id, (1795000000 + k.i * 200000 + e.id) * 1000,
            (1795000000 + k.i * 200000 + e.id + 60 + e.id % 1800) * 1000, 60000, 60000
     FROM endpoint e, k WHERE e.enabled = 0" >/dev/null
web_rows="SELECT count(*) FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.url = '$URL/count/steady'"

start_watch
ok "the watcher probes" wait_for 20 sql_ge "$web_rows" 3
ok "it reads the verdict and keeps the history" wait_for 30 sql_ge "SELECT count(*) FROM status_history" 8001
probes=$(sql "$web_rows")
ok "and probes on after it" wait_for 20 sql_ge "$web_rows" $((probes + 5))
stop_watch
ok "it stops cleanly" test "$watch_rc" -eq 0
hits=$(ctl hits/steady)
ok "every probe the server answered was recorded, none started by the last read (hits $hits)" \
	test "$(sql "$web_rows")" -ge $((hits - 1))
# The longest wait between two probes of web, in ms: its interval (200 ms,
# less up to 5%) and the probe's own time, never the verdict's.
gap=$(sql "SELECT max(at_ms - prev) FROM (SELECT r.at_ms, lag(r.at_ms) OVER (ORDER BY r.at_ms) AS prev
           FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.url = '$URL/count/steady')")
verdict_ms=$( { /usr/bin/env time -f %e "$DRTOP" status --format csv >/dev/null; } 2>&1)
echo "# longest wait between two probes: ${gap} ms (reading the verdict once: ${verdict_ms} s)"
ok "no probe waited for the verdict: the longest wait between two is under a second" test "$gap" -lt 1000

done_testing

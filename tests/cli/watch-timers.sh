#!/bin/sh
# probe --watch runs every endpoint at its own interval, from a timer heap:
# a fast endpoint among many slow ones is probed at its pace throughout, and
# no slow one more often than its own.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/watch-lib.sh"

start_server
d() { "$DRTOP" "$@" >/dev/null; }
d system add fast --rto 1h --rpo 1h
d endpoint add fast "$URL/count/fast" --interval 200ms --timeout 1s
d system add slow --rto 1h --rpo 1h
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	d endpoint add slow "$URL/count/slow$i" --interval 3s --timeout 1s
done
start_watch
ok "the fast endpoint is probed" wait_for 20 sh -c "[ \$(curl -fsS http://127.0.0.1:$CTL/hits/fast) -ge 20 ]"
stop_watch
fast="SELECT r.at_ms FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.url LIKE '%/fast'"
ok "at its interval throughout: no gap over 600 ms" sql_is "SELECT max(d) < 600 FROM (SELECT at_ms - lag(at_ms)
	OVER (ORDER BY at_ms) AS d FROM ($fast))" 1
ok "and not more often than it (5% jitter)" sql_is "SELECT min(d) >= 190 FROM (SELECT at_ms - lag(at_ms)
	OVER (ORDER BY at_ms) AS d FROM ($fast))" 1
ok "each slow endpoint at its own pace" sql_is "SELECT coalesce(min(d), 9999) >= 2850 FROM (SELECT r.at_ms
	- lag(r.at_ms) OVER (PARTITION BY r.endpoint_id ORDER BY r.at_ms) AS d FROM probe_result r
	JOIN endpoint e ON e.id = r.endpoint_id WHERE e.url LIKE '%/slow%')" 1
ok "every slow endpoint was probed within its first interval" \
	sql_is "SELECT count(DISTINCT endpoint_id) FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.url LIKE '%/slow%'" 20

# An endpoint never probed, or not for longer than three intervals and a
# timeout (stale already), is probed as the watcher starts, not at a random
# point of its interval; one probed a moment ago keeps its pace.
d system add daily --rto 1d --rpo 1d
d endpoint add daily "$URL/count/never" --interval 1d --timeout 1s
d endpoint add daily "$URL/count/stale" --interval 1d --timeout 1s
d endpoint add daily "$URL/count/recent" --interval 1d --timeout 1s
sql "INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok, last_ok_ms)
     SELECT id, CASE WHEN url LIKE '%/stale' THEN (strftime('%s', 'now') - 4 * 86400) * 1000
                     ELSE (strftime('%s', 'now') - 60) * 1000 END, 1, NULL
     FROM endpoint WHERE url LIKE '%/stale' OR url LIKE '%/recent'"
start_watch --system daily
ok "a never probed endpoint of a daily interval is probed at once" wait_for 10 rows_ge "$URL/count/never" "" 1
ok "... and a stale one" wait_for 5 rows_ge "$URL/count/stale" "" 1
# (spread over a day, it is due in these seconds once in tens of thousands of runs)
ok "... one probed a minute ago waits for its interval" test "$(rows "$URL/count/recent")" -eq 0
stop_watch
done_testing

#!/bin/sh
# Soak: probe --watch runs for a bounded time (SOAK_SECONDS, 12 by default)
# while this script removes and adds endpoints and a whole system, runs
# probe --once beside it, holds the write lock longer than the watcher's busy
# timeout, steps the recorded clock (endpoint_state moved 10 minutes ahead or
# back) and flaps a health endpoint. At the end the watcher is alive, exits 0
# on SIGINT, the file checks out, and every probe of the endpoints that were
# there throughout is recorded: the server's count of requests for each
# against its rows, within the probes in flight when the watcher stopped.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW
start_server

rows() { sql "SELECT count(*) FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.url = '$URL/count/$1'"; }
d() { "$DRTOP" "$@" >>"$T/cli.out" 2>&1 || echo "# drtop $* failed: $(tail -1 "$T/cli.out")"; }

d config set outage-threshold 1
d system add keep --rto 1h --rpo 1h
d endpoint add keep "$URL/count/a" --interval 150ms --timeout 2s
d endpoint add keep "$URL/count/b" --interval 150ms --timeout 2s
d endpoint add keep "$URL/health" --interval 100ms --timeout 2s
d system add churn --rto 1h --rpo 1h

DRTOP_BUSY_TIMEOUT_MS=300 "$DRTOP" probe --watch >"$T/watch.out" 2>"$T/watch.err" &
watch_pid=$!
pids="$pids $watch_pid"
ok "the watcher starts" wait_for 10 sql_is "SELECT pid FROM prober" "$watch_pid"

end=$(($(now_ms) + ${SOAK_SECONDS:-12} * 1000))
i=0
while [ "$(now_ms)" -lt "$end" ] && kill -0 "$watch_pid" 2>/dev/null; do
	i=$((i + 1))
	d endpoint add churn "$URL/count/c$i" --interval 100ms --timeout 2s
	gone=$(sql "SELECT id FROM endpoint WHERE url = '$URL/count/c$((i - 1))'")
	[ -n "$gone" ] && d endpoint rm --purge "$gone"
	case $((i % 2)) in 0) ctl mode/status/500 ;; 1) ctl mode/up ;; esac >/dev/null
	[ $((i % 3)) -eq 0 ] && d probe --once
	if [ $((i % 4)) -eq 0 ]; then # hold the write lock for 1 s, past the 300 ms busy timeout
		rm -f "$T/locked"
		(printf '.timeout 5000\nBEGIN IMMEDIATE;\n.shell touch %s\n' "$T/locked"; sleep 1; printf 'COMMIT;\n') |
			sqlite3 "$DRTOP_DB" >/dev/null
	fi
	if [ $((i % 5)) -eq 0 ]; then # the clock steps: ahead 10 minutes, then back
		step=$((i % 10 == 0 ? -600000 : 600000))
		sqlite3 -cmd ".timeout 5000" "$DRTOP_DB" "UPDATE endpoint_state SET last_probe_ms = last_probe_ms + $step,
			last_ok_ms = last_ok_ms + $step, last_fail_ms = last_fail_ms + $step"
	fi
	if [ $((i % 7)) -eq 0 ]; then # a whole system goes, and comes back
		d system rm churn --force
		d system add churn --rto 1h --rpo 1h
	fi
	sleep 0.2
done
echo "# $i rounds"
ok "the watcher is alive at the end" kill -0 "$watch_pid"
sleep 1 # let the last batch commit
kill -INT "$watch_pid"
wait "$watch_pid"
ok "it exits 0 on SIGINT" test $? -eq 0
sed 's/^/# watcher: /' "$T/watch.err" | sort | uniq -c | sort -rn | head -8
# The clock steps above edited endpoint_state by hand, which verification
# names as changed outside drtop until a probe writes the state again: one more
# probe of every endpoint, which also shows the state mended after a step.
d probe --once
succeeds "db check says ok" db check
ok "the heartbeat is released" sql_is "SELECT count(*) FROM prober" 0
for ep in a b; do
	hits=$(ctl "hits/$ep")
	got=$(rows $ep)
	ok "every committed probe of $ep is there ($got rows for $hits requests)" \
		test "$got" -le "$hits" -a "$got" -ge $((hits - 3)) -a "$got" -gt 20
done
ok "no result of an endpoint that is gone" \
	sql_is "SELECT count(*) FROM probe_result WHERE endpoint_id NOT IN (SELECT id FROM endpoint)" 0
ok "at most one open outage per endpoint" \
	sql_is "SELECT count(*) FROM (SELECT endpoint_id FROM outage WHERE ended_ms IS NULL GROUP BY endpoint_id HAVING count(*) > 1)" 0
ok "outages happened and ended while the health endpoint flapped" \
	sql_is "SELECT count(*) > 0 FROM outage WHERE ended_ms IS NOT NULL" 1

done_testing

#!/bin/sh
# probe --watch against endpoints that answer with randomised hostile replies
# (tests/hostile.py) for a bounded time: the watcher stays alive, records
# every probe, sends no secret header to another origin and stops cleanly.
# DRTOP_FUZZ_SEED (default 1) and DRTOP_FUZZ_SECONDS (default 10) change the
# run; tests/bench/README.md describes a longer one.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW
seed=${DRTOP_FUZZ_SEED:-1}
seconds=${DRTOP_FUZZ_SECONDS:-10}
endpoints=40
: >"$T/out"
: >"$T/err"

python3 "$SRCDIR/tests/hostile.py" "$seed" >"$T/hostile.out" 2>"$T/hostile.err" &
pids="$pids $!"
wait_for 10 test -s "$T/hostile.out" || { echo "Bail out! hostile server did not start"; exit 1; }
read -r HPORT HCTL <"$T/hostile.out"
echo "# seed $seed, $seconds s, $endpoints endpoints"

FUZZ_KEY=fuzz-s3cr3t
export FUZZ_KEY
"$DRTOP" system add fuzz --rto 1h --rpo 1h >/dev/null
i=0
while [ "$i" -lt "$endpoints" ]; do
	u="http://127.0.0.1:$HPORT/e/$i"
	case $((i % 4)) in
	0) "$DRTOP" endpoint add fuzz "$u" --interval 200ms --timeout 1s ;;
	1) "$DRTOP" endpoint add fuzz "$u" --interval 200ms --timeout 1s --header 'X-Api-Key: ${FUZZ_KEY}' ;;
	2) "$DRTOP" endpoint add fuzz "$u" --interval 200ms --timeout 1s --kind freshness ;;
	3) "$DRTOP" endpoint add fuzz "$u" --interval 200ms --timeout 1s --kind freshness \
		--json-path '$.last_backup' --header 'X-Api-Key: ${FUZZ_KEY}' ;;
	esac >/dev/null || echo "Bail out! endpoint add $u"
	i=$((i + 1))
done

"$DRTOP" probe --watch >"$T/watch.out" 2>"$T/watch.err" &
watch_pid=$!
pids="$pids $watch_pid"
alive=1
end=$(($(date +%s) + seconds))
while [ "$(date +%s)" -lt "$end" ]; do
	kill -0 "$watch_pid" 2>/dev/null || { alive=0; break; }
	sleep 0.5
done
ok "the watcher is alive after ${seconds}s of hostile answers" test "$alive" -eq 1
kill -INT "$watch_pid"
wait "$watch_pid"
rc=$?
ok "it exits 0 on SIGINT" test "$rc" -eq 0
sed 's/^/# watch: /' "$T/watch.err" | head -5

curl -fsS "http://127.0.0.1:$HCTL/hits" >"$T/hits"
rows() { sql "SELECT count(*) FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.url = 'http://127.0.0.1:$HPORT/e/$1'"; }
# Every request that reached the server belongs to a probe, and every probe is
# recorded, except the one per endpoint that may be in flight at SIGINT (and
# abandoned) and one that libcurl may have sent twice (it retries a request on a
# reused connection that died without an answer). A probe can also fail without
# reaching the server (a send on a connection the server had closed).
recorded() {
	bad=0 total_rows=0 total_hits=0
	while read -r e hits; do
		r=$(rows "$e")
		total_rows=$((total_rows + r))
		total_hits=$((total_hits + hits))
		if [ "$r" -lt 1 ] || [ "$r" -lt $((hits - 2)) ]; then
			echo "# endpoint $e: $r results for $hits requests"
			bad=1
		fi
	done <"$T/hits"
	echo "# $total_rows results for $total_hits requests"
	[ "$bad" -eq 0 ] && [ "$(wc -l <"$T/hits")" -eq "$endpoints" ]
}
ok "every probe is recorded" recorded
ok "both kinds of result occur" test "$(sql "SELECT count(DISTINCT ok) FROM probe_result")" -eq 2
ok "no secret header reached another origin" test "$(curl -fsS "http://127.0.0.1:$HCTL/leaks")" -eq 0
ok "no recovery point from the future was kept" test "$(sql "SELECT count(*) FROM endpoint_state WHERE data_time > data_seen_ms / 1000 + 300 OR data_time < 0")" -eq 0
ok "the database is sound" sh -c "\"$DRTOP\" db check >/dev/null"

done_testing

#!/bin/sh
# Drill measurement accuracy: a failover command takes tests/server.py down
# and brings it back after an injected delay (2, 5 and 10 s); drtop drill run
# measures the recovery. The script notes the real moment the service came
# back (just before and just after it told the server), and each measured
# interval [lower, upper] must hold it: the error is never more than the
# resolution. Not a test: it prints a table (Markdown) and exits 1 when a
# measurement missed.
#   tests/bench/drill.sh [EVERY...]   (probe spacings; default: 1s 200ms)
set -eu
DRTOP=${DRTOP:-$(dirname "$0")/../../drtop}
SRC=$(dirname "$0")/../..
T=$(mktemp -d)
trap 'kill $server 2>/dev/null; rm -rf "$T"' EXIT
unset DRTOP_NOW
export DRTOP_DB="$T/bench.db"
python3 "$SRC/tests/server.py" >"$T/server.out" 2>/dev/null &
server=$!
while [ ! -s "$T/server.out" ]; do sleep 0.05; done
read -r PORT CTL <"$T/server.out"
"$DRTOP" system add bench --rto 5m --rpo 1h >/dev/null
"$DRTOP" endpoint add bench "http://127.0.0.1:$PORT/health" >/dev/null

[ $# -gt 0 ] || set -- 1s 200ms
missed=0
echo "| --every | injected delay | came back (ms after the start) | measured interval (ms) | resolution | error of the upper bound | held |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
for every in "$@"; do
	for delay in 2 5 10; do
		cat >"$T/failover.sh" <<EOF
curl -fsS http://127.0.0.1:$CTL/down >/dev/null
sleep $delay
date +%s%3N >"$T/before"
curl -fsS http://127.0.0.1:$CTL/up >/dev/null
date +%s%3N >"$T/after"
EOF
		"$DRTOP" drill run bench --kind failover --command "sh $T/failover.sh" --every "$every" --yes \
			>"$T/run.out" 2>&1 || { cat "$T/run.out"; exit 1; }
		row=$(sqlite3 "$DRTOP_DB" "SELECT started_ms, recovered_lower_ms, recovered_ms FROM drill ORDER BY id DESC LIMIT 1")
		start=${row%%|*} rest=${row#*|}
		lower=${rest%%|*} upper=${rest#*|}
		b=$(($(cat "$T/before") - start)) a=$(($(cat "$T/after") - start))
		lo=$((lower - start)) up=$((upper - start))
		held=yes
		if [ "$lo" -gt "$a" ] || [ "$up" -lt "$b" ]; then held=NO; missed=1; fi
		echo "| $every | ${delay}s | $b-$a | [$lo, $up] | $((up - lo)) ms | +$((up - a)) ms | $held |"
	done
done
exit $missed

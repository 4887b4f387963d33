#!/bin/sh
# Dashboard benchmark: time to the first frame and to a full verdict with
# 10,000 systems, in a real terminal (tmux), and how long keys wait while the
# verdict is re-read. Not a test: it prints figures.
#   tests/bench/dashboard.sh [DB]   (DB: e.g. one kept by tests/bench/verdict.py --keep)
set -eu
DRTOP=${DRTOP:-$(dirname "$0")/../../drtop}
DB=${1:-}
T=$(mktemp -d)
trap 'tmux -L drtopbench kill-server 2>/dev/null; rm -rf "$T"' EXIT
if [ -z "$DB" ]; then
	DB="$T/bench.db"
	python3 "$(dirname "$0")/verdict.py" --drtop "$DRTOP" --keep "$DB" >/dev/null
fi
export DRTOP_THEME_DIR="$(dirname "$0")/../../themes"
export XDG_CONFIG_HOME="$T/config" # a sort kept by an earlier run would shift the keys' answers
run() { # run FRAMES: milliseconds from start to exit
	start=$(date +%s%3N)
	tmux -L drtopbench new-session -d -x 120 -y 40 "'$DRTOP' --db '$DB' --readonly --frames $1; touch '$T/done'"
	while [ ! -e "$T/done" ]; do sleep 0.01; done
	rm -f "$T/done"
	echo $(($(date +%s%3N) - start))
}
systems=$("$DRTOP" --db "$DB" db query "SELECT count(*) FROM system")
first=$(run 1)
full=$(run 2)
echo "$systems systems: first frame (start, quick look, draw, leave) ${first}ms; with the full verdict ${full}ms"

# A key press to its redraw: press s (sort) and wait for "sorted by" to show, through tmux.
tmux -L drtopbench new-session -d -s k -x 120 -y 40 "'$DRTOP' --db '$DB' --readonly"
until tmux -L drtopbench capture-pane -p -t k | grep -q 'STATUS'; do sleep 0.05; done
# Let the full verdict arrive before timing keys (at 100,000 systems it takes
# most of a minute): until then the header says it is reading.
sleep 1
i=0
while tmux -L drtopbench capture-pane -p -t k | grep -q 'reading verdict' && [ $i -lt 600 ]; do
	sleep 0.5
	i=$((i + 1))
done
total=0
for name in name tier "data lag" RTO status name tier "data lag" RTO status; do
	start=$(date +%s%N)
	tmux -L drtopbench send-keys -t k s
	until tmux -L drtopbench capture-pane -p -t k | grep -q "sorted by $name"; do :; done
	total=$((total + ($(date +%s%N) - start) / 1000))
done
echo "a key press (sort $systems systems) to its redraw, seen through tmux: $((total / 10 / 1000))ms on average (tmux's capture included)"

# Keys while the verdict is re-read. A key's latency is from tmux send-keys to
# the screen showing its answer ("sorted by ..."), tmux's capture included.
cur=status
key_ms() { # press s; sets ms to the milliseconds until its answer shows, and
	# reading to 1 when the header still said "reading verdict" then
	case $cur in name) cur=tier ;; tier) cur=data_lag ;; data_lag) cur=RTO ;; RTO) cur=status ;; *) cur=name ;; esac
	want=$(echo "$cur" | tr _ ' ')
	start=$(date +%s%N)
	tmux -L drtopbench send-keys -t k s
	until screen=$(tmux -L drtopbench capture-pane -p -t k) && echo "$screen" | grep -q "sorted by $want"; do :; done
	ms=$((($(date +%s%N) - start) / 1000000))
	case $screen in *"reading verdict"*) reading=1 ;; *) reading=0 ;; esac
}
# The same measure with no read going on, for comparison: 30 keys, 50 ms apart.
worst=0
for i in $(seq 30); do
	key_ms
	[ "$ms" -gt "$worst" ] && worst=$ms
	echo "$ms" >>"$T/idle"
	sleep 0.05
done
sort -n "$T/idle" | awk -v w="$worst" '{ v[NR] = $1 } END { printf "no read going on: 30 keys, median %dms, worst %dms\n", v[int(NR * 0.5) + 1], w }'
# R starts a re-read at once; s is pressed right after it, and again every
# 50 ms for as long as the header says it is reading (a dashboard that does
# not serve keys meanwhile answers the first only when the read is over).
worst=0 n=0 nr=0
for round in 1 2 3; do
	tmux -L drtopbench send-keys -t k R
	while :; do
		key_ms
		n=$((n + 1))
		[ "$ms" -gt "$worst" ] && worst=$ms
		echo "$ms" >>"$T/latencies"
		[ "$reading" = 1 ] || break
		nr=$((nr + 1))
		sleep 0.05
	done
	sleep 1
done
echo "keys during 3 re-reads (R, then s every 50 ms while reading): $n keys, $nr of them answered while the header said 'reading verdict'; worst latency ${worst}ms"
sort -n "$T/latencies" | awk '{ v[NR] = $1 } END { printf "latencies: median %dms, 95th percentile %dms, 99th %dms, the five worst:", v[int(NR * 0.5) + 1], v[int(NR * 0.95) + 1], v[int(NR * 0.99) + 1]; for (i = NR - 4; i <= NR; i++) if (i > 0) printf " %d", v[i]; print "" }'

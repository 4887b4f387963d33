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
sleep 3 # let the full verdict arrive before timing keys
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

next_sort() { # the sort after $1
	case $1 in name) echo tier ;; tier) echo data_lag ;; data_lag) echo RTO ;; RTO) echo status ;; *) echo name ;; esac
}
cur=status
key_ms() { # press s; print the milliseconds until its answer shows, and "R" when shown while reading
	cur=$(next_sort "$cur")
	want=$(echo "$cur" | tr _ ' ')
	start=$(date +%s%N)
	tmux -L drtopbench send-keys -t k s
	until screen=$(tmux -L drtopbench capture-pane -p -t k) && echo "$screen" | grep -q "sorted by $want"; do :; done
	ms=$((($(date +%s%N) - start) / 1000000))
	case $screen in *"reading verdict"*) echo "$ms R" ;; *) echo "$ms" ;; esac
}
# 1. r starts a re-read at once; s follows it right away.
worst=0
for i in 1 2 3 4 5; do
	tmux -L drtopbench send-keys -t k r
	set -- $(key_ms)
	[ "$1" -gt "$worst" ] && worst=$1
	sleep 3 # let the re-read end
done
echo "s right after r (a re-read begins), worst of 5: ${worst}ms"
# 2. A key every 100 ms for 45 s: the periodic re-reads (every ten times the
# read's cost at this size) fall in it.
worst=0 worst_r=0 n=0 nr=0
end=$(($(date +%s) + 45))
while [ "$(date +%s)" -lt "$end" ]; do
	set -- $(key_ms)
	n=$((n + 1))
	[ "$1" -gt "$worst" ] && worst=$1
	if [ "${2:-}" = R ]; then
		nr=$((nr + 1))
		[ "$1" -gt "$worst_r" ] && worst_r=$1
	fi
	sleep 0.1
done
echo "a key every 100 ms for 45 s: $n keys, worst ${worst}ms; $nr answered while the header said 'reading verdict', worst of those ${worst_r}ms"

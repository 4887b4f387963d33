#!/bin/sh
# Dashboard benchmark: time to the first frame and to a full verdict with
# 10,000 systems, in a real terminal (tmux). Not a test: it prints figures.
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

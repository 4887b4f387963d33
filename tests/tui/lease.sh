#!/bin/sh
# One prober per database: a dashboard takes the same lease as
# `drtop probe --watch`; a second dashboard only reads and says who probes; a
# watcher takes the probing over from a dashboard.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"
unset DRTOP_NOW

start_server
"$DRTOP" system add web --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add web "$URL/health" --interval 500ms --timeout 1s >/dev/null
on() { tmux capture-pane -p -t "$1" | grep -q -- "$2"; }

DASH_COLS=120 # room in the header for a long PID
dashboard --db "'$DRTOP_DB'"
ok "the first dashboard probes" wait_for 10 on "$S" " probing "
ok "holding the lease" wait_for 10 sql_is "SELECT count(*) FROM prober" 1
first=$(sql "SELECT pid FROM prober")
tmux new-session -d -s second -x 120 -y 30 "env LANG=C.UTF-8 '$DRTOP' --db '$DRTOP_DB'; echo EXITED \$? >'$T/second'; sleep 60"
ok "the second says who probes" wait_for 10 on second "probing elsewhere (pid $first)"

# Over 4 s at a 500 ms interval one prober makes about 8 probes, two about 16.
h0=$(ctl hits)
sleep 4
h1=$(ctl hits)
echo "# $((h1 - h0)) probes in 4 s"
ok "the endpoint is probed by one of them only" test $((h1 - h0)) -le 11
ok "the lease is still the first's" sql_is "SELECT pid FROM prober" "$first"

# A watcher (the prober an operator runs under systemd) takes the probing over
# from a dashboard, which stops probing and says who probes.
"$DRTOP" probe --watch >"$T/watch.out" 2>"$T/watch.err" &
watcher=$!
ok "a probe --watch takes the lease over from a dashboard" wait_for 10 sql_is "SELECT pid || ' ' || kind FROM prober" "$watcher watch"
ok "the first dashboard says the watcher probes now" wait_for 15 on "$S" "probing elsewhere (pid $watcher)"
ok "and why" wait_for 5 on "$S" "took over probing"
ok "the second dashboard too" wait_for 15 on second "probing elsewhere (pid $watcher)"
h0=$(ctl hits)
sleep 4
h1=$(ctl hits)
echo "# $((h1 - h0)) probes in 4 s"
ok "the endpoint is probed by the watcher only" test $((h1 - h0)) -le 11
ok "a second watcher is refused" sh -c "timeout 10 '$DRTOP' probe --watch >/dev/null 2>'$T/err2'; test \$? -eq 75"
kill -INT "$watcher"
wait "$watcher"
ok "the watcher stops cleanly" test $? -eq 0
ok "a dashboard takes the probing back" wait_for 15 sql_is "SELECT kind FROM prober" dashboard
# The dashboard that probes again no longer says that the watcher took over.
takeover_no_longer_said() { # the dashboard that probes now lacks the message
	for s in "$S" second; do
		c=$(tmux capture-pane -p -t "$s")
		if echo "$c" | head -1 | grep -q 'probing' && ! echo "$c" | head -1 | grep -q 'elsewhere'; then
			! echo "$c" | grep -q 'took over probing'
			return $?
		fi
	done
	return 1
}
ok "... and no longer says that the watcher took over" wait_for 10 takeover_no_longer_said
first=$(sql "SELECT pid FROM prober")
# The lease row gone between two beats (a watcher took it over and stopped
# before the dashboard noticed) or naming a dead prober: the dashboard takes
# it again as a dashboard, so that a watcher can still take over from it.
sql "DELETE FROM prober"
ok "the row gone, the dashboard takes it again, as a dashboard" \
	wait_for 15 sql_is "SELECT kind FROM prober" dashboard
first=$(sql "SELECT pid FROM prober")
sql "UPDATE prober SET pid = 4194303, kind = 'watch'" # no such process
ok "a row naming a dead prober: taken again, as a dashboard" \
	wait_for 15 sql_is "SELECT pid <> 4194303 AND kind = 'dashboard' FROM prober" 1
"$DRTOP" probe --watch >"$T/watch.out" 2>"$T/watch.err" &
watcher=$!
ok "so a watcher still takes over from it" wait_for 10 sql_is "SELECT pid || ' ' || kind FROM prober" "$watcher watch"
kill -INT "$watcher"
wait "$watcher"
ok "a dashboard takes the probing back again" wait_for 15 sql_is "SELECT kind FROM prober" dashboard
first=$(sql "SELECT pid FROM prober")

tmux send-keys -t second q
keys q
ok "the first quits" wait_for 5 sh -c "grep -q 'EXITED 0' '$T/exited'"
ok "and both free the lease" wait_for 5 sql_is "SELECT count(*) FROM prober" 0

done_testing

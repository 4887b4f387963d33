#!/bin/sh
# Probing, the clock and redraws go on while a form, a menu, a prompt or a
# confirmation is open: each is a state of the one event loop.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"
unset DRTOP_NOW # the clock must run

start_server
"$DRTOP" system add web --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add web "$URL/health" --interval 500ms --timeout 1s >/dev/null

clock() { screen | head -1 | grep -oE '[0-9]{2}:[0-9]{2}:[0-9]{2}Z? *$' | tr -d ' '; }
clock_moved() { [ "$(clock)" != "$1" ]; }

dashboard --db "'$DRTOP_DB'"
ok "the dashboard starts probing" wait_for 10 sql_is "SELECT count(*) > 0 FROM probe_result" 1
keys a
ok "a opens the add form" wait_for 5 shows "Add a system"
c=$(clock)
ok "the header clock ticks with the form open" wait_for 5 clock_moved "$c"

# An outage of known length, injected while the form is open.
ctl down >/dev/null
down_ms=$(now_ms)
ok "the outage is seen with the form open" wait_for 10 sql_is "SELECT count(*) FROM outage WHERE ended_ms IS NULL" 1
sleep 2 # the outage goes on
ctl up >/dev/null
up_ms=$(now_ms)
ok "and closed by the first success, the form still open" wait_for 10 sql_is "SELECT count(*) FROM outage WHERE ended_ms IS NOT NULL" 1
ok "the form is still there" shows "Add a system"
keys Escape
ok "Esc closes it" wait_for 5 lacks "Add a system"
injected=$((up_ms - down_ms))
within() {
	set -- $(sql "SELECT duration_ms, res_start_ms, res_end_ms, gap FROM outage" | tr '|' ' ')
	diff=$(($1 - injected))
	[ "$diff" -lt 0 ] && diff=$((-diff))
	echo "# injected ${injected}ms, measured $1ms, resolution $2ms + $3ms, gap $4"
	[ "$4" = 0 ] && [ "$diff" -le $(($2 + $3 + 200)) ] && [ "$2" -le 1500 ] && [ "$3" -le 1500 ]
}
ok "the outage is recorded with its resolution, not as a gap" within

# The other pop-ups: a prompt (filter), a confirmation (delete), a menu (E).
keys '\'
ok "the filter prompt opens" wait_for 5 shows "filter (name"
c=$(clock)
ok "the clock ticks with a prompt open" wait_for 5 clock_moved "$c"
hits=$(ctl hits)
ok "and probing goes on" wait_for 5 sh -c "[ \$(curl -fsS http://127.0.0.1:$CTL/hits) -gt $hits ]"
keys Escape
keys d
ok "d asks" wait_for 5 shows "Delete web with"
c=$(clock)
ok "the clock ticks while it asks" wait_for 5 clock_moved "$c"
keys n
ok "n keeps it" wait_for 5 shows "nothing deleted"
keys Enter E
ok "E offers the endpoints" wait_for 5 shows "Endpoints: edit one, or add one"
c=$(clock)
ok "the clock ticks with a menu open" wait_for 5 clock_moved "$c"
keys Escape
ok "Esc closes the menu" wait_for 5 lacks "Endpoints: edit one"
keys '?'
ok "the help opens" wait_for 5 shows "drtop keys"
c=$(clock)
ok "the clock ticks with the help open" wait_for 5 clock_moved "$c"
keys q
keys q q
ok "q quits" wait_for 5 sh -c "grep -q 'EXITED 0' '$T/exited'"
ok "nothing on stderr" test ! -s "$T/stderr"

done_testing

#!/bin/sh
# The what-if (w) of a system's page: every strategy of the catalogue side by
# side, with the status it would give and the findings it would clear or
# raise, the current one starred; w marks the next, Enter saves only a real
# change, and --readonly offers no saving.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"

"$DRTOP" system add shop --rto 1h --rpo 1h --strategy warm-standby >/dev/null
row() { screen | grep -A6 "^what if" | grep -- "$1"; }

DASH_COLS=120
dashboard --db "'$DRTOP_DB'"
ok "the dashboard starts" wait_for 10 shows "shop"
keys Enter w
ok "w shows every strategy of the catalogue" wait_for 5 sh -c "
	tmux capture-pane -p -t '$S' | grep -A5 '^what if: every strategy' | grep -c '\\$' | grep -qx 4"
ok "the current one starred, as the plan now" row '\* warm-standby .*(the plan now)'
ok "the cheapest one that meets the objectives clears the finding that a cheaper one would do" \
	row 'pilot-light .*clears strategy-over'
ok "too cheap a one raises strategy-under" row 'backup-restore .*raises strategy-under'
ok "the first other strategy is marked" row '^  >  backup-restore'
keys w
ok "w marks the next" wait_for 5 row '^  >  pilot-light'
keys Enter
ok "Enter saves the marked one" wait_for 5 db_is "SELECT strategy FROM system WHERE name = 'shop'" pilot-light
keys w w
ok "the current strategy marked" wait_for 5 row '^  >\* pilot-light'
before=$(sql "SELECT count(*) FROM ledger WHERE kind GLOB 'system.*'")
keys Enter
ok "Enter on the current one saves nothing, and says so" wait_for 5 shows "pilot-light is the current strategy: nothing to save"
ok "... nothing written" test "$(sql "SELECT count(*) FROM ledger WHERE kind GLOB 'system.*'")" = "$before"
keys Escape
ok "Esc closes it" wait_for 5 lacks "what if: every strategy"
keys q q
wait_for 5 test -s "$T/exited"
tmux kill-session -t "$S"

dashboard --db "'$DRTOP_DB'" --readonly
ok "read-only: the dashboard starts" wait_for 10 shows "shop"
keys Enter w
ok "read-only: the table offers no saving" wait_for 5 shows "what if: every strategy (w: mark the next, Esc: close)"
keys q q
wait_for 5 test -s "$T/exited"

done_testing

#!/bin/sh
# The dashboard's forms: a choice can never be emptied, a required field is
# refused beside it, errors in full, hints in parentheses, a frame, Esc cancels.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"

"$DRTOP" system add tiered --rto 1h --rpo 1h --tier 1 >/dev/null

dashboard --db "'$DRTOP_DB'"
ok "the dashboard starts" wait_for 10 shows "tiered"
keys F9
ok "F9 opens the edit form" wait_for 5 shows "Edit system"
keys Tab Tab Tab Tab BSpace BSpace C-u
ok "Backspace and Ctrl-U leave the tier chosen" wait_for 5 sh -c "tmux capture-pane -p -t '$S' | grep -q 'tier  *1 *│'"
keys Right
ok "Right chooses the next tier" wait_for 5 sh -c "tmux capture-pane -p -t '$S' | grep -q 'tier  *2 *│'"
keys Left Enter
ok "saving keeps the tier" wait_for 5 shows "saved system tiered"
ok "in the database too" db_is "SELECT tier FROM system WHERE name = 'tiered'" 1

# (not the file's checksum: the dashboard holds the prober lease, and its
# heartbeat is written every few seconds whatever the form does)
inventory() { sql "SELECT group_concat(name || ':' || rto_s || ':' || rpo_s || ':' || tier, ' ') FROM system"; }
before=$(inventory)
keys a
ok "a opens the add form" wait_for 5 shows "Add a system"
keys 'no-rto' Enter
ok "an empty RTO is refused beside the field" wait_for 5 shows "RTO is required"
ok "and so is the RPO" shows "RPO is required"
keys Escape
ok "Esc cancels" wait_for 5 lacks "Add a system"
ok "and nothing was stored" test "$before" = "$(inventory)"
# A framed pop-up, hints that cannot be taken for values, an error in full.
DRTOP_NAME_ERR="bad system name \"x y z\": use letters, digits, '.', '_' and '-', starting with a letter or digit"
tmux resize-window -t "$S" -x 130 # room for the error in full
keys a
ok "the form is framed" wait_for 5 sh -c "tmux capture-pane -p -t '$S' | grep -q '└─*┘'"
ok "a hint is in parentheses, never like a value" shows "owner            (who answers for it)"
keys 'x y z' Tab 1h Tab 1h Enter
ok "an error is shown in full under its field" wait_for 5 shows "$DRTOP_NAME_ERR"
keys Escape
ok "Esc cancels it" wait_for 5 lacks "Add a system"
keys q
ok "q quits" wait_for 5 test -s "$T/exited"

done_testing

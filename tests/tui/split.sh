#!/bin/sh
# A terminal at least 160 columns wide shows the selected system's page beside
# the list, and it follows the selection; a narrower one shows the list alone.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"

"$DRTOP" system add alpha --rto 1h --rpo 1h --owner 'team a' >/dev/null
"$DRTOP" system add beta --rto 1h --rpo 1h --owner 'team b' >/dev/null

DASH_COLS=170
dashboard --db "'$DRTOP_DB'" --readonly
ok "the dashboard starts" wait_for 10 shows "alpha"
selected_page() { screen | sed -n 2p | grep -q "│ .* $1  *tier 2  *owner $2"; }
ok "the selected system's page beside the list" wait_for 5 selected_page alpha 'team a'
ok "with its findings" sh -c "tmux capture-pane -p -t '$S' | grep -q '│findings'"
keys Down
ok "it follows the selection" wait_for 5 selected_page beta 'team b'
tmux resize-window -t "$S" -x 120
ok "narrower: the list alone" wait_for 5 sh -c "! tmux capture-pane -p -t '$S' | grep -q '│findings'"
keys q
wait_for 5 test -s "$T/exited"

done_testing

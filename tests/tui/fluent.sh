#!/bin/sh
# The dashboard as fluent as htop: the sorted column marked and reversible,
# a click on a title sorts, the filter and its counts in the key bar, F3
# searching as one types, everything in 80x24, a help for the view it came
# from, --readonly without the keys that write, and theme and sort kept.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"

for s in backup-one:0 backup-two:1 web:2 db:0 cache:3; do
	"$DRTOP" system add "${s%:*}" --rto 1h --rpo 1h --tier "${s#*:}" >/dev/null
done
version=$("$DRTOP" --version | awk '{ print $2 }')
title() { screen | sed -n 2p; }
first() { screen | sed -n 3p | cut -c9-20 | tr -d ' '; }
# the selected row (default theme: cyan background) names $1
selected_is() { tmux capture-pane -e -p -t "$S" | grep -- "$1" | grep -q '46m'; }

DASH_COLS=80 DASH_ROWS=24 dashboard --db "'$DRTOP_DB'"
tmux new-session -d -s keep "sleep 300" # the tmux server stays up between the dashboard's sessions
tmux resize-window -t "$S" -x 80 -y 24 2>/dev/null || tmux resize-pane -t "$S" -x 80 -y 24
ok "the dashboard starts in 80x24" wait_for 10 shows "backup-one"
ok "the sorted column is marked (worst first: down)" sh -c "tmux capture-pane -p -t '$S' | sed -n 2p | grep -q 'STATUS▼'"
ok "F9 and F10 are in the key bar at 80 columns" sh -c "tmux capture-pane -p -t '$S' | tail -1 | grep -q 'F9Edit.*F10Quit'"
ok "no column title is cut at 80 columns" sh -c "tmux capture-pane -p -t '$S' | sed -n 2p | grep -Eq '(STATUS|SYSTEM|TIER|STRATEGY|RTO/WORST|RPO/LAG|PROBED|HISTORY|REASON)(▲|▼)? *\$'"

keys s
ok "s sorts by name, marked up" wait_for 5 sh -c "tmux capture-pane -p -t '$S' | sed -n 2p | grep -q 'SYSTEM▲'"
ok "a to z" test "$(first)" = backup-one
keys I
ok "I reverses it, marked down" wait_for 5 sh -c "tmux capture-pane -p -t '$S' | sed -n 2p | grep -q 'SYSTEM▼'"
ok "z to a" test "$(first)" = web
ok "and says so" shows "sorted by name, reversed"

# A click on a title (xterm's mouse encoding: button, x + 33, y + 33).
col=$(title | awk '{ print index($0, "TIER") }')
char() { printf "\\$(printf %o $((32 + $1)))"; }
click_at() { # click_at X Y (1-based): press and release
	tmux send-keys -t "$S" -l "$(printf '\033[M ')$(char "$1")$(char "$2")$(printf '\033[M#')$(char "$1")$(char "$2")"
}
click_at "$col" 2
ok "a click on a title sorts by it" wait_for 5 shows "sorted by tier"
ok "marked" sh -c "tmux capture-pane -p -t '$S' | sed -n 2p | grep -q 'TIER▲'"
click_at "$col" 2
ok "a second click reverses it" wait_for 5 shows "sorted by tier, reversed"
ok "tier 3 first" test "$(first)" = cache

keys '\'
keys 'backup' Enter
ok "the filter is in the key bar with its counts" wait_for 5 shows "Filter: backup  2 of 5"
ok "F10 is still there" sh -c "tmux capture-pane -p -t '$S' | tail -1 | grep -q 'F10Quit'"
keys '\'
keys C-u Enter
ok "an empty filter: gone from the bar" wait_for 5 lacks "Filter:"

keys F3
keys 'ca'
ok "F3 selects as one types, before Enter" wait_for 5 selected_is cache
keys BSpace BSpace 'we'
ok "and follows the text" wait_for 5 selected_is web
keys Enter

keys F1
ok "the help says for which view" wait_for 5 shows "drtop keys in the list"
ok "and drtop's version" shows "(drtop $version)"
ok "no ? for keys without a name" sh -c "! tmux capture-pane -p -t '$S' | grep -Eq '^ +(Enter|Esc) +[?] '"
ok "it fits: the first lines of keys show" shows "F10"
keys End
ok "it scrolls to a legend of the columns" wait_for 5 shows "HISTORY    its last status changes"
ok "and the cost marks" shows '\$ cheapest .. \$\$\$\$ dearest'
keys Home
keys NPage
ok "statuses and colours are in it" wait_for 5 shows "BREACH   an objective is missed"
keys q
ok "q returns to the list" wait_for 5 shows "backup-one"
keys Enter
ok "a system opens" wait_for 5 shows "findings"
keys '?'
ok "the help from a system's page is for it" wait_for 5 shows "drtop keys in a system's page"
ok "with its keys" shows "record a drill"
keys Escape
ok "Esc returns to the system, not the list" wait_for 5 shows "findings"
keys q
wait_for 5 shows "STATUS"
keys t
ok "t changes the theme" wait_for 5 shows "theme light"
keys q
ok "q quits" wait_for 5 grep -q 'EXITED 0' "$T/exited"
rc="$XDG_CONFIG_HOME/drtop/drtoprc"
ok "theme and sort are kept in drtoprc" sh -c "grep -q '^theme = light' '$rc' && grep -q '^sort = tier' '$rc' && grep -q '^reverse = yes' '$rc'"
tmux kill-session -t "$S"

before=$(ls -l --time-style=+%s.%N "$rc")
dashboard --db "'$DRTOP_DB'"
ok "started again" wait_for 10 shows "backup-one"
ok "the kept sort is used" sh -c "tmux capture-pane -p -t '$S' | sed -n 2p | grep -q 'TIER▼'"
ok "and the kept theme (light: blue selection)" sh -c "tmux capture-pane -e -p -t '$S' | grep cache | grep -q '44m'"
keys q
ok "q quits" wait_for 5 grep -q 'EXITED 0' "$T/exited"
ok "nothing changed: drtoprc not written" test "$(ls -l --time-style=+%s.%N "$rc")" = "$before"
tmux kill-session -t "$S"

rm -rf "$XDG_CONFIG_HOME"
dashboard --db "'$DRTOP_DB'" --readonly
ok "--readonly starts" wait_for 10 shows "backup-one"
ok "--readonly: no keys that write in the bar" sh -c "! tmux capture-pane -p -t '$S' | tail -1 | grep -Eq 'F2Add|F5Probe|F8Delete|F9Edit'"
ok "but the others" sh -c "tmux capture-pane -p -t '$S' | tail -1 | grep -q 'F1Help.*F10Quit'"
keys F1
ok "nor in the help" wait_for 5 shows "(read-only)"
ok "(no 'add a system')" lacks "add a system"
keys q q
ok "q q quits" wait_for 5 grep -q 'EXITED 0' "$T/exited"
ok "no drtoprc when nothing changed" test ! -e "$rc"

done_testing

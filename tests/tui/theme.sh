#!/bin/sh
# Themes work without DRTOP_THEME_DIR and without an installed prefix (a
# build tree), from ~/.config/drtop/themes, and a bad theme leaves the
# current one in place.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"

"$DRTOP" system add themed --rto 1h --rpo 1h >/dev/null
mkdir -p "$T/home/.config/drtop/themes"
DASH_ENV="-u DRTOP_THEME_DIR -u XDG_CONFIG_HOME HOME='$T/home'"
# The selected row's background in the screen's escape codes: 44 blue, 42 green.
selected_bg() { tmux capture-pane -e -p -t "$S" | grep -- "themed" | grep -q "$1"; }

dashboard --db "'$DRTOP_DB'" --readonly
ok "the dashboard starts (default theme: cyan selection)" wait_for 10 selected_bg '46m'
keys t
ok "t switches to the light theme without a theme directory" wait_for 5 shows "theme light"
ok "and its colours show" wait_for 5 selected_bg '44m'
printf 'selected = purple on green\n' >"$T/home/.config/drtop/themes/monochrome.theme"
keys t
ok "a bad theme in ~/.config/drtop/themes is named" wait_for 5 shows "monochrome.theme:1: unknown colour"
ok "and the current theme stays, colours and all" selected_bg '44m'
keys q
wait_for 5 test -s "$T/exited"
tmux kill-session -t "$S"

printf 'selected = black on green\n' >"$T/home/.config/drtop/themes/mine.theme"
dashboard --db "'$DRTOP_DB'" --readonly --theme mine
ok "--theme finds a theme in ~/.config/drtop/themes" wait_for 10 selected_bg '42m'
keys q
ok "and leaves cleanly" wait_for 5 sh -c "grep -q 'EXITED 0' '$T/exited'"

DASH_ENV="-u DRTOP_THEME_DIR XDG_CONFIG_HOME='$T/home/.config' HOME=/nonexistent"
tmux kill-session -t "$S"
dashboard --db "'$DRTOP_DB'" --readonly --theme mine
ok "or in \$XDG_CONFIG_HOME/drtop/themes" wait_for 10 selected_bg '42m'
keys q
wait_for 5 test -s "$T/exited"

done_testing

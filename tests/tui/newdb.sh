#!/bin/sh
# The dashboard on a missing database asks before creating it.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"

DASH_STDERR=tty dashboard --db "'$T/new.db'"
ok "the dashboard asks before creating a database" wait_for 10 shows "Create a new, empty database there? \[y/N\]"
ok "naming the path" shows "no database at $T/new.db"
keys n Enter
ok "n: it leaves with status 66" wait_for 5 sh -c "grep -q 'EXITED 66' '$T/exited'"
ok "and creates nothing" test ! -e "$T/new.db"
tmux kill-session -t "$S"

DASH_STDERR=tty dashboard --db "'$T/new.db'"
wait_for 10 shows "Create a new, empty database"
keys y Enter
ok "y: it creates the database and opens the dashboard" wait_for 10 shows "no systems yet"
ok "the file is there" test -s "$T/new.db"
keys q
ok "q quits with status 0" wait_for 5 sh -c "grep -q 'EXITED 0' '$T/exited'"

tmux kill-session -t "$S"

DASH_STDERR=tty dashboard --db "'$T/other.db'" --readonly
ok "--readonly never creates one: it leaves with status 66" wait_for 10 sh -c "grep -q 'EXITED 66' '$T/exited'"
ok "saying so" shows "no database at $T/other.db"
ok "without asking" lacks "Create a new"
ok "and creates nothing" test ! -e "$T/other.db"

done_testing

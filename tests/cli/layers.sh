#!/bin/sh
# The layers of STYLE.md: only src/tui may include curses; src/core knows no
# terminal and no command line.
. "$SRCDIR/tests/lib.sh"

curses=$(grep -rlE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"](n?curses|ncursesw/|term\.h)' \
	"$SRCDIR/src" 2>/dev/null | grep -v '/src/tui/')
ok "no curses include outside src/tui" test -z "$curses"
upward=$(grep -rlE '#[[:space:]]*include[[:space:]]*"(cmd|tui|report)/' "$SRCDIR/src/core")
ok "src/core includes nothing from the layers above it" test -z "$upward"
# (a forked child that could not exec a drill's command ends with _exit(127))
exits=$(grep -rnwE 'exit|_exit' "$SRCDIR/src/core" --include='*.c' | grep -v 'fatal\|^.*/util.c:.*exit(70)\|^.*/child.c:.*_exit(127)')
ok "no exit() below src/cmd (only fatal)" test -z "$exits"

done_testing

# tests/tui/tmux.sh - helpers for the dashboard tests: drtop runs in a tmux
# server of the test's own; the test sends keys and reads the screen.
# Source after tests/lib.sh. Sets S (the session) and starts nothing.
if ! command -v tmux >/dev/null; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi
export DRTOP_THEME_DIR="$SRCDIR/themes"
S="drtop-test-$$"
TMUX_TMPDIR="$T"
export TMUX_TMPDIR
trap 'tmux kill-server 2>/dev/null; for p in $pids; do kill -9 $p 2>/dev/null; done; rm -rf "$T"' EXIT

screen() { tmux capture-pane -p -t "$S"; }
shows() { screen | grep -q -- "$1"; }
lacks() { ! screen | grep -q -- "$1"; }
keys() { tmux send-keys -t "$S" "$@"; }
# db_is SQL WANT: the database answers SQL with WANT, read anew on each call
# (so that wait_for polls it).
db_is() { test "$(sql "$1")" = "$2"; }

# dashboard [ARGS...]: start drtop ARGS in session $S, 100x30 (or $DASH_COLS
# wide and $DASH_ROWS high), UTF-8, with the
# environment changes in $DASH_ENV (for env(1)); its stderr goes to $T/stderr
# (or the terminal when DASH_STDERR=tty) and "EXITED status" to $T/exited
# when it ends.
dashboard() {
	rm -f "$T/exited"
	# A spare session keeps the test's tmux server up between dashboards: a
	# session started just after the last one was killed would race the
	# server's exit.
	tmux has-session -t "$S-spare" 2>/dev/null || tmux new-session -d -s "$S-spare" "sleep 3600"
	tmux new-session -d -s "$S" -x "${DASH_COLS:-100}" -y "${DASH_ROWS:-30}" \
		"env $DASH_ENV LANG=C.UTF-8 '$DRTOP' $* $([ "$DASH_STDERR" = tty ] || echo "2>'$T/stderr'"); echo EXITED \$? >'$T/exited'; sleep 60"
}

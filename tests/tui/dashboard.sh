#!/bin/sh
# The dashboard in a real terminal: tmux runs drtop on a fixture database;
# the test sends keys and reads the screen.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW
if ! command -v tmux >/dev/null; then
	echo "1..0 # SKIP tmux is not installed"
	exit 0
fi
export DRTOP_THEME_DIR="$SRCDIR/themes"
S="drtop-test-$$"
TMUX_TMPDIR="$T" # a tmux server of our own
export TMUX_TMPDIR
trap 'tmux kill-server 2>/dev/null; rm -rf "$T"' EXIT

d() { "$DRTOP" "$@" >/dev/null || echo "Bail out! drtop $*"; }
d system add zeta-ok --rto 1d --rpo 1d --tier 2
d drill add zeta-ok --kind restore --started -1d --recovered -1d
d checkin zeta-ok
d system add alpha-breach --rto 1h --rpo 1h --tier 1 --owner 'ops'
d checkin alpha-breach --at -1d
d system add mid-warn --rto 1h --rpo 1d --tier 0
d endpoint add mid-warn http://127.0.0.1:9/mid-warn # evidence for both objectives,
d checkin mid-warn --at -1h                          # so never drilled warns

screen() { tmux capture-pane -p -t "$S"; }
shows() { screen | grep -q -- "$1"; }
lacks() { ! screen | grep -q -- "$1"; }
keys() { tmux send-keys -t "$S" "$@"; }
# db_is SQL WANT: the database answers SQL with WANT. Give wait_for this, not
# `test "$(sql ...)"`: a command substitution is expanded once, before wait_for
# starts, so wait_for would only re-test the answer read at the moment the key
# was sent, before the dashboard could act on it.
db_is() { test "$(sql "$1")" = "$2"; }

tmux new-session -d -s "$S" -x 100 -y 30 "env LANG=C.UTF-8 '$DRTOP' --db '$DRTOP_DB' 2>'$T/stderr'; echo EXITED \$? >'$T/exited'; sleep 60"
ok "the dashboard starts" wait_for 10 shows "STATUS.* SYSTEM"
ok "the header counts the statuses" wait_for 10 shows "BREACH 1 .*WARN 1 .*OK 1"
ok "worst first: BREACH, then WARN, then OK" sh -c "tmux capture-pane -p -t '$S' | grep -E '^(BREACH|WARN|OK|UNKNOWN) ' | cut -c1-30 | tr -s ' ' | cut -d' ' -f2 | tr '\n' ' ' | grep -q '^alpha-breach mid-warn zeta-ok'"
ok "the function-key bar" shows "F1Help"

keys Enter
ok "Enter opens the system with its findings" wait_for 5 shows "rpo-breach"
ok "with its strategies" shows "strategies"
keys w
ok "w shows the what-if" wait_for 5 shows "what if"
keys Escape Escape
ok "Esc goes back to the list" wait_for 5 shows "STATUS.* SYSTEM"

keys '?'
ok "help is generated from the key table" wait_for 5 shows "show only systems matching a text"
keys q
ok "any key leaves the help" wait_for 5 shows "STATUS.* SYSTEM"

keys '\'
keys 'zeta' Enter
ok "the filter narrows the list" wait_for 5 lacks "alpha-breach"
ok "to the matching system" shows "zeta-ok"
keys '\'
keys C-u Enter
ok "an empty filter shows all again" wait_for 5 shows "alpha-breach"

keys '/'
keys 'mid' Enter
keys Enter
ok "search selects the match" wait_for 5 sh -c "tmux capture-pane -p -t '$S' | sed -n 2p | grep -q 'mid-warn'"
keys Escape

keys a
ok "a opens the add form" wait_for 5 shows "Add a system"
keys 'new-sys' Tab '4x' Tab '1h' Enter
ok "a bad RTO is named in place" wait_for 5 shows "malformed duration '4x'"
keys BSpace BSpace '4h' Enter
ok "the form saves" wait_for 5 shows "added system new-sys"
ok "into the database" test "$(sql "SELECT rto_s, rpo_s FROM system WHERE name = 'new-sys'")" = "14400|3600"
ok "and the list shows it" wait_for 5 shows "new-sys"

# Inside a system: endpoints and schedules, added and edited; a what-if on the schedule.
keys '/'
keys 'alpha' Enter
keys Enter
ok "alpha-breach is open" wait_for 5 shows "owner ops"
keys E
ok "E opens the endpoint form" wait_for 5 shows "Add an endpoint"
keys "file:///tmp/alpha.health" Enter
ok "the endpoint is added" wait_for 5 db_is "SELECT url FROM endpoint WHERE url LIKE 'file:%'" "file:///tmp/alpha.health"
keys E
ok "E again offers to edit it" wait_for 5 shows "Endpoints: edit one, or add one"
keys Enter
ok "the edit form is filled in" wait_for 5 shows "Edit an endpoint"
keys Tab Tab C-u '30s' Enter
ok "and saves the change" wait_for 5 db_is "SELECT interval_ms FROM endpoint WHERE url LIKE 'file:%'" 30000
keys S
ok "S opens the schedule form" wait_for 10 shows "Add a backup schedule"
keys 'hourly' Tab Tab Tab '1h' Enter
ok "S adds a schedule" wait_for 5 db_is "SELECT name, every_s FROM backup_schedule" "hourly|3600"
keys S
ok "S again offers the schedule" wait_for 10 shows "Backup schedules: edit one"
keys Enter
ok "S again edits it" wait_for 5 shows "Edit a backup schedule"
keys Tab Tab Tab C-u '2h' Enter
ok "the edited schedule is saved" wait_for 5 db_is "SELECT name, every_s FROM backup_schedule" "hourly|7200"
keys W
ok "W asks for a schedule to try" wait_for 10 shows "what if backups ran every"
keys '15m' Enter
ok "W tries another schedule" wait_for 5 shows "backups every 15m"
keys Enter
ok "Enter saves the tried schedule" wait_for 5 db_is "SELECT name, every_s FROM backup_schedule" "what-if|900"
keys t
ok "t cycles the theme" wait_for 5 shows "theme light"
keys Escape

# The mouse, in xterm's encoding: a click selects a row; the wheel scrolls.
click() { tmux send-keys -t "$S" -l "$(printf '\033[M %s\033[M#%s' "$1" "$1")"; } # $1: x and y + 33, as two characters
row_of() { screen | grep -n -- "$1" | head -1 | cut -d: -f1; }
ychar() { printf "\\$(printf %o $((33 + $1 - 1)))"; }
ok "Esc once goes back to the list" wait_for 5 shows "STATUS.* SYSTEM"
# The selection's background: blue in the light theme, which t switched to.
selected_row() { tmux capture-pane -e -p -t "$S" | grep -- "$1" | grep -q '44m'; }
click "+$(ychar "$(row_of zeta-ok)")"
ok "a click selects the row it is on" wait_for 5 selected_row zeta-ok
keys Enter
ok "and Enter opens it" wait_for 5 shows "zeta-ok   tier 2"
keys Escape
wait_for 5 shows "STATUS.* SYSTEM"
tmux send-keys -t "$S" -l "$(printf '\033[M`+$')" # wheel up: to the top
ok "the wheel scrolls" wait_for 5 selected_row alpha-breach
keys Escape
wait_for 5 shows "STATUS.* SYSTEM"

# Delete asks first.
keys '/'
keys 'new-sys' Enter
keys d
ok "d asks before deleting" wait_for 5 shows "Delete new-sys with its endpoints"
keys n
ok "anything but y keeps it" wait_for 5 shows "nothing deleted"
ok "in the database too" db_is "SELECT count(*) FROM system WHERE name = 'new-sys'" 1
keys d y
ok "y deletes it" wait_for 5 db_is "SELECT count(*) FROM system WHERE name = 'new-sys'" 0

"$DRTOP" system add from-elsewhere --rto 1h --rpo 1h >/dev/null
ok "edits made elsewhere appear within seconds" wait_for 10 shows "from-elsewhere"

tmux resize-window -t "$S" -x 70 -y 20 2>/dev/null || tmux resize-pane -t "$S" -x 70 -y 20
ok "below 80x24 it says so" wait_for 5 shows "needs at least 80x24"
tmux resize-window -t "$S" -x 110 -y 32 2>/dev/null || tmux resize-pane -t "$S" -x 110 -y 32
ok "a resize redraws cleanly" wait_for 5 shows "STATUS.* SYSTEM"

keys q
ok "q quits with status 0" wait_for 5 sh -c "grep -q 'EXITED 0' '$T/exited'"
ok "and leaves the terminal as it was (no alternate screen left)" sh -c "! tmux capture-pane -p -t '$S' | grep -q 'STATUS.* SYSTEM'"
ok "nothing on stderr" test ! -s "$T/stderr"

tmux new-session -d -s c -x 100 -y 30 "env LANG=C.UTF-8 '$DRTOP' --db '$DRTOP_DB'; echo EXITED \$? >'$T/ctrlc'; sleep 60"
ok "started again" wait_for 10 sh -c "tmux capture-pane -p -t c | grep -q 'STATUS.* SYSTEM'"
tmux send-keys -t c C-c
ok "Ctrl-C leaves cleanly, status 0, the terminal restored" wait_for 5 sh -c "grep -q 'EXITED 0' '$T/ctrlc' 2>/dev/null && ! tmux capture-pane -p -t c | grep -q 'STATUS.* SYSTEM'"

tmux new-session -d -s r -x 100 -y 30 "env LANG=C.UTF-8 '$DRTOP' --db '$DRTOP_DB' --readonly; sleep 60"
ok "--readonly starts, saying nobody probes" wait_for 10 sh -c "tmux capture-pane -p -t r | head -1 | grep -q 'read-only, nobody probing'"
tmux send-keys -t r a
ok "--readonly refuses edits" wait_for 5 sh -c "tmux capture-pane -p -t r | grep -q 'read-only: no changes'"
tmux send-keys -t r q
# 80x24: whether the dashboard probes is told before the clock
tmux new-session -d -s n -x 80 -y 24 "env LANG=C.UTF-8 '$DRTOP' --db '$DRTOP_DB' --readonly; sleep 60"
ok "at 80 columns the header still says read-only (nothing probes)" \
	wait_for 10 sh -c "tmux capture-pane -p -t n | head -1 | grep -q ' DOWN [0-9]*  read-only'"
tmux send-keys -t n q
# a dashboard that only reads says whether another process probes, and which
"$DRTOP" --db "$DRTOP_DB" probe --watch >/dev/null 2>&1 &
watcher=$!
pids="$pids $watcher"
tmux new-session -d -s ro -x 120 -y 30 "env LANG=C.UTF-8 '$DRTOP' --db '$DRTOP_DB' --readonly; sleep 60"
ok "--readonly beside a watcher: read-only, probing elsewhere, with its pid" \
	wait_for 15 sh -c "tmux capture-pane -p -t ro | head -1 | grep -q 'read-only, probing elsewhere (pid $watcher)'"
kill $watcher; wait $watcher 2>/dev/null
ok "... and once it stopped, nobody probing" \
	wait_for 15 sh -c "tmux capture-pane -p -t ro | head -1 | grep -q 'read-only, nobody probing'"
tmux send-keys -t ro q
# at 80 columns a probing dashboard keeps its clock beside "probing"
tmux new-session -d -s p80 -x 80 -y 24 "env LANG=C.UTF-8 '$DRTOP' --db '$DRTOP_DB'; sleep 60"
ok "at 80 columns, probing and the clock both show" \
	wait_for 10 sh -c "tmux capture-pane -p -t p80 | head -1 | grep -q 'probing *[0-9][0-9]:[0-9][0-9]:[0-9][0-9]Z'"
tmux send-keys -t p80 q

tmux new-session -d -s f -x 100 -y 30 "env LANG=C.UTF-8 '$DRTOP' demo --db '$T/demo.db' --frames 5; echo EXITED \$? >'$T/demo-exit'; sleep 60"
ok "drtop demo opens the dashboard (--frames 5 draws five frames and leaves)" wait_for 30 sh -c "grep -q 'EXITED 0' '$T/demo-exit' 2>/dev/null"
# (as made: its stale endpoint, probed at once by a dashboard, is stale no more)
"$DRTOP" demo --db "$T/demo-made.db" --no-dashboard >/dev/null 2>&1
ok "the demo shows every finding" test "$("$DRTOP" --db "$T/demo-made.db" db query "SELECT count(DISTINCT finding) FROM v_findings")" -eq 15
ok "the demo's reporting checks in about 26 hours late every week" test "$("$DRTOP" --db "$T/demo.db" db query "SELECT late >= 4 AND on_time = 0 FROM v_backup_compliance WHERE system = 'reporting'")" = 1
ok "the demo's status history holds changes only" test "$("$DRTOP" --db "$T/demo.db" db query "SELECT count(*) FROM (SELECT status, lag(status) OVER (PARTITION BY system_id ORDER BY at, id) AS before FROM status_history) WHERE status = before")" -eq 0
ok "and all four strategies" test "$("$DRTOP" --db "$T/demo.db" db query "SELECT count(DISTINCT strategy) FROM system")" -eq 4
fails "drtop demo never overwrites a real database" 73 "is not a demo database" demo --db "$DRTOP_DB" --no-dashboard
cp "$T/demo.db" "$T/newer.db"
sqlite3 "$T/newer.db" "PRAGMA user_version = 999"
fails "nor a file it cannot read, saying why" 73 \
	"newer.db exists and cannot be read: $T/newer.db has schema version 999, newer than this drtop understands" \
	demo --db "$T/newer.db" --no-dashboard
ok "... and leaves it as it was" test "$(sqlite3 "$T/newer.db" "PRAGMA user_version")" = 999

# The selected system stays selected when the verdict is read again, even as
# the list changes under it (a system removed by another command); the top
# row, the worst, stays the top row.
SEL="$T/sel.db"
for name in a-one b-two c-three d-four; do "$DRTOP" --db "$SEL" system add "$name" --rto 1h --rpo 1h >/dev/null; done
tmux new-session -d -s sel -x 100 -y 30 "env LANG=C.UTF-8 '$DRTOP' --db '$SEL' --readonly; sleep 60"
on_sel() { tmux capture-pane -p -t sel | grep -q -- "$1"; }
wait_for 10 on_sel "d-four"
tmux send-keys -t sel Down Down Down # d-four, the last row
"$DRTOP" --db "$SEL" system rm a-one >/dev/null
"$DRTOP" --db "$SEL" system rm b-two >/dev/null
tmux send-keys -t sel R
ok "a reload after systems were removed still shows the rest" wait_for 10 sh -c "! tmux capture-pane -p -t sel | grep -q a-one"
tmux send-keys -t sel Enter
ok "... and the system selected before is still the one selected" wait_for 5 on_sel "d-four   tier"
tmux send-keys -t sel Escape Up Up # c-three, the top row
"$DRTOP" --db "$SEL" system add 0-first --rto 1h --rpo 1h --tier 0 >/dev/null # sorts above it
tmux send-keys -t sel R
wait_for 10 on_sel "0-first"
tmux send-keys -t sel Enter
ok "a system selected in the top row stays selected when another goes above it" wait_for 5 on_sel "c-three   tier"
tmux send-keys -t sel q

# A database named relative to the working directory, in a directory whose
# name a URL or the inventory's JSON would take apart: its files are probed.
mkdir -p "$T/rel/a b\"\$x"
(cd "$T/rel" && "$DRTOP" --db 'a b"$x/demo.db' demo --no-dashboard) >"$T/out" 2>&1
ok "drtop demo makes a database named relative to the working directory, in an odd directory" \
	test "$("$DRTOP" --db "$T/rel/a b\"\$x/demo.db" db query "SELECT count(*) FROM system")" -eq 15
ok "... its file endpoints are absolute and percent-encoded" \
	test "$("$DRTOP" --db "$T/rel/a b\"\$x/demo.db" db query "SELECT url FROM endpoint ORDER BY id LIMIT 1")" \
	= "file://$(echo "$T" | sed 's/ /%20/g')/rel/a%20b%22%24x/demo.db.files/payments-db.health"
"$DRTOP" --db "$T/rel/a b\"\$x/demo.db" probe --once >/dev/null 2>&1
ok "... and probed: every file endpoint is up" \
	test "$("$DRTOP" --db "$T/rel/a b\"\$x/demo.db" db query "SELECT count(*) FROM endpoint e JOIN endpoint_state st ON st.endpoint_id = e.id WHERE e.url LIKE 'file:%' AND st.last_ok = 1")" -eq 9
mkdir -p "$T/rel/sub"
(cd "$T/rel" && "$DRTOP" --db ./sub/../dot.db demo --no-dashboard) >"$T/out" 2>&1
ok "... named with ./ and ..: its URLs name the files plainly" \
	test "$("$DRTOP" --db "$T/rel/dot.db" db query "SELECT url FROM endpoint ORDER BY id LIMIT 1")" \
	= "file://$(echo "$T" | sed 's/ /%20/g')/rel/dot.db.files/payments-db.health"
touch "$T/rel/half.db.files" # a file where the demo's directory goes
fails "a demo that cannot be made says why" 73 "half.db.files/payments-db.health: Not a directory" \
	demo --db "$T/rel/half.db" --no-dashboard
ok "... and leaves no half-made database to block the next try" test ! -e "$T/rel/half.db"

# A database damaged inside (its header whole): the dashboard leaves with the
# message and exit 65, as status does, not show an empty inventory to add to.
for i in 1 2 3 4 5 6; do "$DRTOP" --db "$T/dmg.db" system add "s$i" --rto 1h --rpo 1h >/dev/null; done
sqlite3 "$T/dmg.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
python3 -c 'import sys
f = open(sys.argv[1], "r+b"); f.seek(3 * 4096); f.write(b"\xde\xad" * 2048)' "$T/dmg.db"
tmux new-session -d -s d -x 100 -y 30 "env LANG=C.UTF-8 '$DRTOP' --db '$T/dmg.db' 2>'$T/dmg.err'; echo EXITED \$? >'$T/dmg-exit'; sleep 60"
ok "the dashboard on a damaged database leaves with exit 65" wait_for 10 grep -q "EXITED 65" "$T/dmg-exit"
ok "saying so" grep -q "the database $T/dmg.db is damaged" "$T/dmg.err"

# Damaged while the dashboard runs and probes: it leaves the same way, rather
# than go on showing the verdict it read before.
for i in 1 2 3 4 5 6; do "$DRTOP" --db "$T/dmg2.db" system add "s$i" --rto 1h --rpo 1h >/dev/null; done
tmux new-session -d -s d2 -x 100 -y 30 "env LANG=C.UTF-8 '$DRTOP' --db '$T/dmg2.db' 2>'$T/dmg2.err'; echo EXITED \$? >'$T/dmg2-exit'; sleep 60"
ok "a dashboard that probes starts" wait_for 10 sh -c "tmux capture-pane -p -t d2 | grep -q 'probing'"
sqlite3 "$T/dmg2.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
python3 -c 'import sys
f = open(sys.argv[1], "r+b"); f.seek(4096); f.write(b"\xde\xad" * 2048 * 6)' "$T/dmg2.db"
ok "the file damaged under it: it leaves with exit 65" wait_for 20 grep -q "EXITED 65" "$T/dmg2-exit"
ok "saying so" grep -q "damaged" "$T/dmg2.err"

# The file replaced while the dashboard runs (a restore by mv): it leaves and
# says so, rather than go on showing, or writing to, the file that is gone.
for i in 1 2; do "$DRTOP" --db "$T/old.db" system add "old$i" --rto 1h --rpo 1h >/dev/null; done
"$DRTOP" --db "$T/new.db" system add new1 --rto 1h --rpo 1h >/dev/null
sqlite3 "$T/new.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
tmux new-session -d -s mv -x 100 -y 30 "env LANG=C.UTF-8 '$DRTOP' --db '$T/old.db' 2>'$T/mv.err'; echo EXITED \$? >'$T/mv-exit'; sleep 60"
ok "a dashboard that probes starts on a file" wait_for 10 sh -c "tmux capture-pane -p -t mv | grep -q 'old1'"
mv "$T/new.db" "$T/old.db"
ok "the file replaced: it leaves with exit 74" wait_for 10 grep -q "EXITED 74" "$T/mv-exit"
ok "saying so" grep -q "was replaced or removed while the dashboard ran" "$T/mv.err"
ok "the new file is whole" sh -c "'$DRTOP' --db '$T/old.db' db check >/dev/null"
ok "... and holds what it held" test "$("$DRTOP" --db "$T/old.db" db query "SELECT group_concat(name) FROM system")" = new1

done_testing

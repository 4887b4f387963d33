#!/bin/sh
# Keys never wait for the verdict to be read: while a re-read is under way
# (here held up by another process's exclusive lock on the file, so that it
# lasts as long as the test wants) the dashboard still answers keys.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"

"$DRTOP" system add alpha --rto 1h --rpo 1h --tier 1 >/dev/null
"$DRTOP" system add beta --rto 2h --rpo 1h --tier 0 >/dev/null

DASH_ENV="DRTOP_BUSY_TIMEOUT_MS=30000" dashboard --db "'$DRTOP_DB'" --readonly
ok "the dashboard starts" wait_for 10 shows "alpha"
ok "with the full verdict read" wait_for 10 lacks "reading verdict"

# Between readings the dashboard rests: a reading every 2 s of two systems
# costs next to nothing, where readings back to back would keep a core busy.
cpu_ticks() { # utime + stime of the dashboard, in clock ticks
	awk '{ print $14 + $15 }' "/proc/$(pgrep -f -- "--db $DRTOP_DB --readonly" | head -1)/stat"
}
before=$(cpu_ticks)
sleep 4
ok "idle, it uses under a quarter of a core (readings are not back to back)" \
	test $(($(cpu_ticks) - before)) -lt $((4 * $(getconf CLK_TCK) / 4))

# Another process makes every new read wait until told to let go: it takes
# the WAL index's write and recovery locks, as a process recovering the index
# does, and makes the index header's two copies differ, as they do during a
# recovery. A reader then waits (SQLITE_BUSY_RECOVERY, through the busy
# handler) until the header is put back and the locks are let go.
hold_lock() { # until $T/release exists; $T/locked once held
	rm -f "$T/locked" "$T/release"
	python3 - "$DRTOP_DB-shm" "$T/locked" "$T/release" <<'PY' &
import fcntl, mmap, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
deadline = time.time() + 10
while True:  # bytes 120 (write lock) and 122 (recovery lock) of the -shm file
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 120)
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 122)
        break
    except OSError:
        if time.time() > deadline:
            raise
        time.sleep(0.005)
m = mmap.mmap(fd, 32768)
saved = m[8]
m[8] = (saved + 1) % 256  # the first copy's change counter
open(sys.argv[2], "w").close()
deadline = time.time() + 20
while not os.path.exists(sys.argv[3]) and time.time() < deadline:
    time.sleep(0.02)
m[8] = saved
m.flush()
fcntl.lockf(fd, fcntl.LOCK_UN, 1, 122)
fcntl.lockf(fd, fcntl.LOCK_UN, 1, 120)
PY
}
hold_lock
ok "the file is locked" wait_for 5 test -e "$T/locked"
keys R
ok "r starts a re-read, which waits for the lock" wait_for 5 shows "reading verdict"
keys s
ok "s is answered during the re-read" wait_for 2 shows "sorted by name"
ok "the re-read is still under way" shows "reading verdict"
keys j
ok "and so is j (beta selected)" wait_for 2 sh -c "tmux capture-pane -e -p -t '$S' | grep beta | grep -q '46m'"
keys '?'
ok "the help opens during the re-read" wait_for 2 shows "drtop keys"
keys q
ok "and closes" wait_for 2 shows "STATUS.* SYSTEM"
# The header looks at the outbox every 2 s: that look must not wait for the
# lock either.
sleep 3
keys s
ok "3 s into the lock, keys are still answered" wait_for 2 shows "sorted by tier"
touch "$T/release"
wait
ok "the lock gone, the re-read ends" wait_for 5 lacks "reading verdict"

# q during a re-read leaves at once: the read is abandoned, not waited for
# (it would wait for the lock for 30 s).
hold_lock
ok "the file is locked again" wait_for 5 test -e "$T/locked"
keys R
ok "R starts a re-read, which waits for the lock" wait_for 5 shows "reading verdict"
keys q
ok "q quits during the re-read, without waiting for it" wait_for 3 grep -q 'EXITED 0' "$T/exited"
touch "$T/release"
wait
ok "nothing on stderr" test ! -s "$T/stderr"

done_testing

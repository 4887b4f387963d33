#!/bin/sh
# Read commands on a file drtop cannot write: a read-only file, a read-only
# directory (WAL mode needs its -wal and -shm files beside the database), a
# write lock held by another process, a full disk. Reads work and write
# nothing; writes fail with the real cause. Bad report arguments change nothing.
#
# Permission bits do not stop root, so as root the commands run as nobody
# (setpriv); the disk-full case needs a small tmpfs, which only root can mount.
. "$SRCDIR/tests/lib.sh"

d() { "$DRTOP" "$@" >/dev/null || echo "Bail out! drtop $*"; }
d system add a --rto 1h --rpo 1h --owner ops
d endpoint add a http://127.0.0.1:9/a
d schedule add a nightly --every 1d --since -1d
d checkin a --at -1h

# --- bad report arguments leave the database as it was ---------------------
# (status_history would have recorded the new status of 'a' first)
fails "report --system nope changes nothing" 3 "unknown system 'nope'" report --system nope
fails "report --output in a missing directory changes nothing" 3 "cannot write /nonexistent/dir/x: directory /nonexistent/dir does not exist" report --output /nonexistent/dir/x
fails "status of an unknown system changes nothing" 65 'unknown system "nope"' status nope
fails "report --format bad changes nothing" 64 "--format: expected" report --format bad

# --- a write lock held elsewhere: reads answer at once ----------------------
wfifo="$T/lock.fifo"
mkfifo "$wfifo"
sqlite3 "$DRTOP_DB" <"$wfifo" >/dev/null 2>&1 &
pids="$pids $!"
exec 9>"$wfifo"
# (a busy timeout, or BEGIN fails at once when it meets the check below)
printf '.timeout 10000\nBEGIN IMMEDIATE;\n' >&9
locked() { ! sqlite3 "$DRTOP_DB" "PRAGMA busy_timeout = 0; BEGIN IMMEDIATE; ROLLBACK;" >/dev/null 2>&1; }
ok "(another process holds the write lock)" wait_for 10 locked
start=$(now_ms)
run status
ok "status answers while another process holds the write lock" test "$rc" -eq 0
ok "... at once, not after the busy timeout" test $(($(now_ms) - start)) -lt 3000
start=$(now_ms)
run report --format nagios
ok "report answers while the lock is held" test "$rc" -ne 3 -a $(($(now_ms) - start)) -lt 3000
start=$(now_ms)
run whatif a --rto 2h
ok "whatif answers while the lock is held" test "$rc" -eq 0 -a $(($(now_ms) - start)) -lt 3000
ok "... with the verdict" out_has "what if:"
echo 'ROLLBACK;' >&9
exec 9>&-
run status
ok "once the lock is gone, status records the history" test "$(sql "SELECT count(*) FROM status_history")" -ge 1

# --- read-only file and read-only directory, as a user without root ---------
if [ "$(id -u)" -eq 0 ]; then
	# (nobody must be able to run the binary: a build below /root is out of reach)
	if command -v setpriv >/dev/null &&
		setpriv --reuid=65534 --regid=65534 --clear-groups "$DRTOP" --version >/dev/null 2>&1; then
		as_user() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
		owner=65534
	else
		as_user=
	fi
else
	as_user() { "$@"; }
	owner=$(id -u)
fi
if command -v as_user >/dev/null; then
	chmod 755 "$T"
	mkdir "$T/ro"
	RO="$T/ro/drtop.db"
	cp "$DRTOP_DB" "$RO"
	chown -R "$owner" "$T/ro"
	sha() { sha256sum "$RO" | cut -d' ' -f1; }
	ro() { # ro DESCRIPTION STATUS ARGS...: run as the user, exit STATUS, the file unchanged
		desc=$1 want=$2
		shift 2
		last_args="$*"
		before=$(sha)
		as_user env DRTOP_DB="$RO" "$DRTOP" "$@" >"$T/out" 2>"$T/err"
		rc=$?
		ok "$desc" sh -c "[ $rc -eq $want ] && [ '$before' = '$(sha)' ]"
	}

	chmod 444 "$RO"
	ro "0444 file: system list" 0 system list
	ok "... lists the system" out_has "ops"
	ro "0444 file: status reads, and does not fail for not recording history" 0 status
	ro "0444 file: report" 1 report --format nagios
	ro "0444 file: export" 0 export
	ro "0444 file: db check" 0 db check
	ro "0444 file: whatif, which never saves" 0 whatif a --rto 2h
	ok "... shows the verdict" out_has "what if:"
	ro "0444 file: a write says the file is read-only" 74 system add b --rto 1h --rpo 1h
	ok "... naming it" err_has "the database file $RO is read-only"

	chmod 644 "$RO"
	rm -f "$RO-wal" "$RO-shm"
	chmod 555 "$T/ro"
	ro "read-only directory: system list" 0 system list
	ok "... lists the system" out_has "ops"
	ro "read-only directory: export" 0 export
	ok "... exports it" out_has '"owner": "ops"'
	ro "read-only directory: db check" 0 db check
	ro "read-only directory: status" 0 status
	ro "read-only directory: report" 1 report
	ro "read-only directory: a write names the directory" 74 system add b --rto 1h --rpo 1h
	ok "... and the -shm file it cannot create" err_has "cannot create $RO-shm: directory $T/ro is not writable"
	ok "no -wal or -shm was left behind" test ! -e "$RO-wal" -a ! -e "$RO-shm"
	chmod 755 "$T/ro"
	if [ "$(id -u)" -eq 0 ]; then
		# A reader in a shared sticky directory must not lock the owner out
		# with -wal and -shm files of its own.
		mkdir -m 1777 "$T/shared"
		cp "$DRTOP_DB" "$T/shared/drtop.db"
		chmod 644 "$T/shared/drtop.db"
		chown 1:1 "$T/shared/drtop.db" # daemon owns it, nobody reads it
		as_user env DRTOP_DB="$T/shared/drtop.db" "$DRTOP" status >"$T/out" 2>"$T/err"
		rc=$?
		ok "a reader of another user's 644 file: status works" test "$rc" -eq 0
		ok "... and leaves no -wal or -shm behind" test ! -e "$T/shared/drtop.db-wal" -a ! -e "$T/shared/drtop.db-shm"
		setpriv --reuid=1 --regid=1 --clear-groups env DRTOP_DB="$T/shared/drtop.db" "$DRTOP" system add shared --rto 1h --rpo 1h >"$T/out" 2>"$T/err"
		rc=$?
		ok "... so the owner still writes" test "$rc" -eq 0
	fi
	chmod 000 "$RO"
	ro "an unreadable file: 66, saying so" 66 system list
	ok "... not 'unable to open database file'" err_has "the database file $RO is not readable (permission denied)"
	chmod 644 "$RO"
else
	echo "ok $((n + 1)) # SKIP cannot run drtop as another user (setpriv, or the build's directory)"
	n=$((n + 1))
fi

# --- a full disk ------------------------------------------------------------
if [ "$(id -u)" -eq 0 ] && mkdir "$T/full" && mount -t tmpfs -o size=512k tmpfs "$T/full" 2>/dev/null; then
	cp "$DRTOP_DB" "$T/full/drtop.db"
	dd if=/dev/zero of="$T/full/fill" bs=4k 2>/dev/null
	FULL="$T/full/drtop.db"
	before=$(sha256sum "$FULL")
	DRTOP_DB="$FULL" "$DRTOP" system add b --rto 1h --rpo 1h >"$T/out" 2>"$T/err"
	rc=$?
	ok "full disk: a write exits 74" test "$rc" -eq 74
	ok "... and says the disk is full, not 'disk I/O error'" err_has "disk full"
	DRTOP_DB="$FULL" "$DRTOP" system list >"$T/out" 2>"$T/err"
	rc=$?
	ok "full disk: system list still reads" sh -c "[ $rc -eq 0 ] && grep -q ops '$T/out'"
	ok "full disk: the file is unchanged" test "$before" = "$(sha256sum "$FULL")"
	umount "$T/full"
else
	echo "ok $((n + 1)) # SKIP no tmpfs to fill (needs root)"
	n=$((n + 1))
fi

done_testing

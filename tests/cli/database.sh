#!/bin/sh
# drtop db path|check|migrate, and how drtop treats files that are not right
. "$SRCDIR/tests/lib.sh"
# the newest schema version: one migration file each
V=$(ls "$SRCDIR"/db/[0-9][0-9][0-9][0-9]-*.sql | wc -l)

succeeds "db path follows DRTOP_DB" db path
ok "prints it" test "$(cat "$T/out")" = "$DRTOP_DB"
succeeds "--db wins" --db "$T/other.db" db path
ok "prints it" test "$(cat "$T/out")" = "$T/other.db"
(unset DRTOP_DB; XDG_DATA_HOME="$T/xdg" "$DRTOP" system add s --rto 1h --rpo 1h >/dev/null)
ok "without either, the XDG data directory, created as needed, mode 0600" test "$(stat -c %a "$T/xdg/drtop/drtop.db")" = 600
ok "db path does not create the file" test ! -e "$DRTOP_DB"

"$DRTOP" system add a --rto 1h --rpo 1h >/dev/null
succeeds "db check on a good file" db check
ok "says ok with the version" out_has "ok (schema version $V)"
ok "in WAL mode" test "$(sql "PRAGMA journal_mode")" = wal
sql "DROP TRIGGER audit_log_no_update"
run db check
ok "db check finds a schema change" sh -c "test $rc -eq 65 && grep -q 'trigger audit_log_no_update is missing' '$T/out'"
sql "REPLACE INTO audit_log (id, at, actor, table_name, row_id, action) VALUES (1, 0, 'evil', 'x', 0, 'insert')" 2>"$T/sqlerr"
ok "REPLACE cannot overwrite an audit row" sh -c "grep -q 'append-only' '$T/sqlerr' && test \"\$(sqlite3 '$DRTOP_DB' 'SELECT actor FROM audit_log WHERE id = 1')\" != evil"
sql "INSERT INTO audit_log (id, at, actor, table_name, row_id, action) VALUES (0, 0, 'evil', 'x', 0, 'insert')" 2>"$T/sqlerr"
ok "nor can an insert below the newest id" grep -q 'append-only' "$T/sqlerr"

# An older database: only the first migration, with data in it.
old="$T/old.db"
sqlite3 "$old" <"$SRCDIR/db/0001-inventory.sql"
sqlite3 "$old" "PRAGMA user_version = 1; INSERT INTO system (name, rto_s, rpo_s, created_at, updated_at) VALUES ('legacy', 7200, 600, 1, 1)"
succeeds "db migrate upgrades it" --db "$old" db migrate
ok "says from and to, and where the copy is" out_has "migrated from schema version 1 to $V; previous file kept as $old.v1.bak"
ok "the data survived" test "$(sqlite3 "$old" "SELECT rto_s FROM system WHERE name='legacy'")|$(sqlite3 "$old" "PRAGMA user_version")" = "7200|$V"
ok "the copy is the old version" test "$(sqlite3 "$old.v1.bak" "PRAGMA user_version")" = 1
succeeds "migrate again" --db "$old" db migrate
ok "nothing to do" out_has "already at schema version $V"
sqlite3 "$T/old2.db" <"$SRCDIR/db/0001-inventory.sql"
sqlite3 "$T/old2.db" "PRAGMA user_version = 1"
succeeds "any command migrates an older file" --db "$T/old2.db" system list
ok "and says so" err_has "upgraded the database schema from version 1 to $V"

# A newer database is refused and not touched.
sqlite3 "$T/new.db" <"$SRCDIR/db/0001-inventory.sql"
sqlite3 "$T/new.db" "PRAGMA user_version = $((V + 1))"
DRTOP_DB="$T/new.db"
fails "a newer database is refused" 65 "has schema version $((V + 1)), newer than this drtop understands ($V)" system list
fails "db migrate refuses it too" 65 "newer than this drtop" db migrate
DRTOP_DB="$T/drtop.db"

printf 'hello, I am a text file and not a database at all, promise.\n' >"$T/text.db"
DRTOP_DB="$T/text.db"
fails "a text file" 65 "is not a SQLite database, or it is damaged" system list
sqlite3 "$T/foreign.db" "CREATE TABLE customers (id INTEGER)"
DRTOP_DB="$T/foreign.db"
fails "another program's database" 65 "is not a drtop database" system add x --rto 1h --rpo 1h
DRTOP_DB="$T/drtop.db"

# A damaged file: overwrite pages in the middle of a real database.
"$DRTOP" --db "$T/broken.db" import "$SRCDIR/doc/examples/inventory.json" >/dev/null
sqlite3 "$T/broken.db" "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
size=$(stat -c %s "$T/broken.db")
dd if=/dev/urandom of="$T/broken.db" bs=4096 seek=3 count=$((size / 4096 - 4)) conv=notrunc 2>/dev/null
DRTOP_DB="$T/broken.db"
run system list
ok "a damaged file gives a clear message" sh -c "test $rc -ne 0 && grep -q 'damaged' '$T/err'"
run db check
ok "db check reports the damage" sh -c "test $rc -eq 65 && grep -Eq 'integrity|damaged' '$T/out' '$T/err'"
DRTOP_DB="$T/drtop.db"

# A database locked by another writer: a clear message and the tempfail status.
if command -v python3 >/dev/null; then
	mkfifo "$T/hold" "$T/ready"
	python3 -c '
import sqlite3, sys
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.read()
' "$DRTOP_DB" <"$T/hold" >"$T/ready" &
	exec 3>"$T/hold"
	read -r _ <"$T/ready"
	export DRTOP_BUSY_TIMEOUT_MS=200
	fails "a locked database" 75 "is locked by another process" system add z --rto 1h --rpo 1h
	unset DRTOP_BUSY_TIMEOUT_MS
	exec 3>&-
	wait
	succeeds "works again once the lock is gone" system add z --rto 1h --rpo 1h
else
	n=$((n + 1)); echo "ok $n # SKIP python3 not installed"
fi

done_testing

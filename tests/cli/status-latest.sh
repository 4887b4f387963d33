#!/bin/sh
# status_latest (migration 0034) holds each system's newest change of status,
# kept by triggers: after every kind of change to status_history (drtop's own
# history, rows written later, earlier or in the same second, deleted,
# changed by hand, a system removed, a database migrated) it is exactly the
# newest row the history holds, and what reads it (the dashboard's first
# frame, the keeping of the history) says what the history says.
. "$SRCDIR/tests/lib.sh"

# The rows status_latest should hold, computed from the history itself, and
# whether it holds exactly those.
newest="SELECT h.system_id, h.id, h.at, h.status FROM status_history h
  WHERE h.id = (SELECT n.id FROM status_history n WHERE n.system_id = h.system_id
                ORDER BY n.at DESC, n.id DESC LIMIT 1)"
kept="SELECT system_id, history_id, at, status FROM status_latest"
agrees() {
	[ "$(sql "SELECT (SELECT count(*) FROM ($newest EXCEPT $kept)) + (SELECT count(*) FROM ($kept EXCEPT $newest))")" = 0 ]
}
id_of() { sql "SELECT id FROM system WHERE name = '$1'"; }

"$DRTOP" system add alpha --rto 1h --rpo 1h >/dev/null
"$DRTOP" system add beta --rto 1h --rpo 1h >/dev/null
"$DRTOP" system add gamma --rto 1h --rpo 1h >/dev/null
export DRTOP_NOW=
"$DRTOP" status >/dev/null 2>&1
ok "drtop's own history: one newest change a system" sql_is "SELECT count(*) FROM status_latest" 3
ok "... the newest the history holds" agrees
A=$(id_of alpha)
B=$(id_of beta)
G=$(id_of gamma)
at=$(sql "SELECT at FROM status_latest WHERE system_id = $A")

sql "INSERT INTO status_history (system_id, at, status) VALUES ($A, $at + 10, 'BREACH')"
ok "a later change takes the place of the one kept" sql_is "SELECT status FROM status_latest WHERE system_id = $A" BREACH
ok "... and agrees with the history" agrees
sql "INSERT INTO status_history (system_id, at, status) VALUES ($A, $at + 5, 'WARN')"
ok "a change written later but for an earlier time does not" sql_is "SELECT status FROM status_latest WHERE system_id = $A" BREACH
ok "... and agrees with the history" agrees
sql "INSERT INTO status_history (system_id, at, status) VALUES ($A, $at + 10, 'OK')"
ok "a change for the same second written after does" sql_is "SELECT status FROM status_latest WHERE system_id = $A" OK
ok "... and agrees with the history" agrees

sql "DELETE FROM status_history WHERE id = (SELECT history_id FROM status_latest WHERE system_id = $A)"
ok "the newest change removed: the one before it is kept" sql_is "SELECT status FROM status_latest WHERE system_id = $A" BREACH
ok "... and agrees with the history" agrees
sql "DELETE FROM status_history WHERE system_id = $A AND status = 'WARN'"
ok "an older change removed: the newest stays" sql_is "SELECT status FROM status_latest WHERE system_id = $A" BREACH
ok "... and agrees with the history" agrees

sql "UPDATE status_history SET status = 'WARN' WHERE id = (SELECT history_id FROM status_latest WHERE system_id = $A)"
ok "the newest change edited by hand: its new status is kept" sql_is "SELECT status FROM status_latest WHERE system_id = $A" WARN
ok "... and agrees with the history" agrees
sql "UPDATE status_history SET at = 1 WHERE id = (SELECT history_id FROM status_latest WHERE system_id = $A)"
ok "its time moved back: the newest is found again" agrees
sql "UPDATE status_history SET system_id = $B WHERE system_id = $G"
ok "changes moved to another system: both systems' newest are found again" agrees
ok "... gamma has none left" sql_is "SELECT count(*) FROM status_latest WHERE system_id = $G" 0

sql "INSERT INTO status_history (system_id, at, status) VALUES ($G, $at + 20, 'WARN'),
                                                                ($G, $at + 30, 'BREACH')"
sql "INSERT OR REPLACE INTO status_history (id, system_id, at, status)
     VALUES ((SELECT history_id FROM status_latest WHERE system_id = $G), $B, $at + 40, 'OK')"
ok "gamma's newest row replaced by one of beta's (INSERT OR REPLACE): both are found again" agrees
ok "... beta's is the new row" sql_is "SELECT status FROM status_latest WHERE system_id = $B" OK
ok "... gamma's the one before" sql_is "SELECT status FROM status_latest WHERE system_id = $G" WARN
sql "DELETE FROM status_history WHERE system_id = $G"

sql "DELETE FROM status_history WHERE system_id = $B"
ok "every change of a system removed: nothing is kept for it" sql_is "SELECT count(*) FROM status_latest WHERE system_id = $B" 0
ok "... and agrees with the history" agrees
"$DRTOP" status >/dev/null 2>&1
ok "the next keeping of the history records beta and gamma again, and only them" \
	sql_is "SELECT group_concat(s.name, ' ') FROM status_latest l JOIN system s ON s.id = l.system_id ORDER BY s.name" "alpha beta gamma"
ok "... and agrees with the history" agrees
rows=$(sql "SELECT count(*) FROM status_history")
"$DRTOP" status >/dev/null 2>&1
ok "nothing changed: nothing is recorded" sql_is "SELECT count(*) FROM status_history" "$rows"

"$DRTOP" system rm gamma >/dev/null 2>&1
ok "a system removed: its row goes with its history" sql_is "SELECT count(*) FROM status_latest WHERE system_id = $G" 0
ok "... and the rest agrees with the history" agrees

# Edited behind drtop's back, it would hold back the next change of status
# (and its notification): db verify names it, and the copy is left as it was.
cp "$DRTOP_DB" "$T/edited.db"
sqlite3 "$T/edited.db" "UPDATE status_latest SET status = 'BREACH' WHERE system_id = $A"
ok "db verify names an edited status_latest" sh -c \
	"DRTOP_DB='$T/edited.db' '$DRTOP' db verify >'$T/v.out' 2>&1; test \$? -eq 65 &&
	 grep -q 'status_latest of system $A: changed outside drtop' '$T/v.out'"
cp "$DRTOP_DB" "$T/deleted.db"
sqlite3 "$T/deleted.db" "DELETE FROM status_latest WHERE system_id = $A"
ok "... and a deleted one" sh -c \
	"DRTOP_DB='$T/deleted.db' '$DRTOP' db verify >'$T/v.out' 2>&1; test \$? -eq 65 &&
	 grep -q 'status_latest of system $A: deleted outside drtop' '$T/v.out'"

# A database from before the migration: its newest changes are found once.
sql "DROP TRIGGER status_latest_insert; DROP TRIGGER status_latest_delete; DROP TRIGGER status_latest_update;
     DROP TABLE status_latest; PRAGMA user_version = 33"
sql "INSERT INTO status_history (system_id, at, status) VALUES ($A, $at + 100, 'UNKNOWN')"
succeeds "a database at schema 33 is migrated" db migrate
ok "... status_latest is filled from its history" agrees
ok "... alpha's newest change is the one written before the migration" \
	sql_is "SELECT status FROM status_latest WHERE system_id = $A" UNKNOWN

done_testing

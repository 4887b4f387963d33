#!/bin/sh
# An import's ledger entries: the rows of the plan it writes are sealed in a
# few import.batch entries, verified row by row as entries of their own
# (db/ledger-verify.sql), and a failed import leaves nothing behind.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW
QUERY="$SRCDIR/db/ledger-verify.sql"
# the Python program of doc/auditing.md
awk '$0 == "<!-- ledger: python -->" { f = 1; next } f && /^```/ && !g { g = 1; next }
	g && /^```/ { exit } g { print }' "$SRCDIR/doc/auditing.md" >"$T/verify.py"

# inventory N RTO: N systems, each with an endpoint, a cron schedule and a
# maintenance window, each but the first depending on the one before it
inventory() {
	awk -v n="$1" -v rto="$2" 'BEGIN {
		printf "{\"systems\": ["
		for (i = 0; i < n; i++) {
			printf "%s{\"name\": \"sys-%03d\", \"rto\": \"%s\", \"rpo\": \"1d\",", i ? "," : "", i, rto
			printf " \"owner\": \"team \\\"%d\\\" \\u00e9\",", i % 7
			printf " \"endpoints\": [{\"url\": \"http://127.0.0.1:9/%d\", \"headers\": [\"X-Token: ${TOKEN}\"]}],", i
			printf " \"schedules\": [{\"name\": \"nightly\", \"cron\": \"%d 2 * * *\", \"tz\": \"Europe/Berlin\"}],", i % 60
			printf " \"maintenance\": [{\"from\": \"2026-01-01T00:00Z\", \"to\": \"2026-01-01T02:00Z\", \"reason\": \"patch %d\"}]", i
			if (i) printf ", \"depends_on\": [\"sys-%03d\"]", i - 1
			printf "}"
		}
		print "]}"
	}'
}
inventory 300 1h >"$T/a.json"

"$DRTOP" system add before --rto 1h --rpo 1h >/dev/null
mark=$(sql "SELECT max(seq) FROM ledger")
succeeds "import 300 systems" import "$T/a.json"
ok "it reports them" out_has "imported 300 systems, 300 endpoints, 300 schedules, 299 dependencies, 300 maintenance windows: database updated"
ok "every row is there" test "$(sql "SELECT (SELECT count(*) FROM system) || ' ' || (SELECT count(*) FROM endpoint)
	|| ' ' || (SELECT count(*) FROM backup_schedule) || ' ' || (SELECT count(*) FROM dependency)
	|| ' ' || (SELECT count(*) FROM maintenance_window) || ' ' || (SELECT count(*) FROM objective_history)")" = "301 300 300 299 300 301"
ok "every row has its audit row, by the user drtop ran as" test "$(sql "SELECT count(*) FROM audit_log
	WHERE action = 'insert' AND actor = '$(id -un)' AND (table_name, row_id) IN (
	SELECT 'system', id FROM system WHERE name <> 'before' UNION ALL SELECT 'endpoint', id FROM endpoint
	UNION ALL SELECT 'backup_schedule', id FROM backup_schedule UNION ALL SELECT 'dependency', rowid FROM dependency
	UNION ALL SELECT 'maintenance_window', id FROM maintenance_window)")" -eq 1499
ok "the import is sealed in a few batch entries, not one entry per row" \
	test "$(sql "SELECT count(*) || ' ' || sum(kind = 'import.batch') FROM ledger WHERE seq > $mark")" = "$(sql "SELECT count(*) || ' ' || count(*) FROM ledger WHERE seq > $mark")"
ok "of about 64 KiB each" sql_is "SELECT count(*) >= 4 AND max(length(payload)) < 80000 FROM ledger WHERE seq > $mark" 1
ok "their elements are the entries of the rows, the audit rows and the objectives" \
	sql_is "SELECT count(*) FROM ledger, json_each(payload, '\$.entries') WHERE seq > $mark" 3298
ok "each as the entry of its own would have been" sql_is "SELECT count(*) FROM ledger, json_each(payload, '\$.entries') e
	WHERE seq > $mark AND e.value ->> '\$.kind' = 'system.insert' AND e.value -> '\$.row' = (SELECT json_object('name', name,
	'rto_s', rto_s, 'rpo_s', rpo_s, 'strategy', strategy, 'tier', tier, 'owner', owner, 'description', description,
	'enabled', enabled, 'created_at', created_at, 'updated_at', updated_at) FROM system WHERE id = e.value ->> '\$.id')" 300
succeeds "db verify: intact after the import" db verify
ok "the plain sqlite3 query finds nothing" test -z "$(sqlite3 "$DRTOP_DB" <"$QUERY")"
ok "nor the Python program" sh -c "python3 '$T/verify.py' '$DRTOP_DB' '$QUERY' >'$T/py' && grep -q '^intact, head ' '$T/py'"

# Changed and new rows in a second import, then a change of its own after it.
inventory 310 2h >"$T/b.json"
mark=$(sql "SELECT max(seq) FROM ledger")
succeeds "import it again with every RTO changed and 10 systems more" import "$T/b.json"
ok "the updates are batched too" sql_is "SELECT count(*) FROM ledger, json_each(payload, '\$.entries') e
	WHERE seq > $mark AND e.value ->> '\$.kind' = 'system.update'" 300
ok "with the objectives they closed" sql_is "SELECT count(*) FROM ledger, json_each(payload, '\$.entries') e
	WHERE seq > $mark AND e.value ->> '\$.kind' = 'objective_history.update'" 300
"$DRTOP" system set sys-007 --rpo 2d >/dev/null
"$DRTOP" checkin sys-007 --schedule nightly >/dev/null
succeeds "db verify: intact after both and a change of its own" db verify
ok "the plain query agrees" test -z "$(sqlite3 "$DRTOP_DB" <"$QUERY")"

sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp "$DRTOP_DB" "$T/base.db"
# tamper DESCRIPTION SUBJECT PROBLEM SQL, as in tests/cli/ledger.sh
tamper() {
	rm -f "$DRTOP_DB" "$DRTOP_DB-wal" "$DRTOP_DB-shm"
	cp "$T/base.db" "$DRTOP_DB"
	sqlite3 "$DRTOP_DB" "$4" || echo "# the tampering itself failed"
	run db verify
	ok "$1: db verify finds it" sh -c "test $rc -eq 65 && grep -qF -- '$2: $3' '$T/out'"
	sqlite3 "$DRTOP_DB" <"$QUERY" >"$T/plain"
	ok "$1: the plain sqlite3 query too" grep -qF -- "|$2|$3" "$T/plain"
	ok "$1: and the Python program" sh -c "! python3 '$T/verify.py' '$DRTOP_DB' '$QUERY' >'$T/py' && grep -qF -- '$2: ' '$T/py'"
}
id=$(sql "SELECT id FROM system WHERE name = 'sys-123'")
tamper "an imported RTO edited" "system $id" "changed outside drtop: the ledger has {\"name\":\"sys-123\",\"rto_s\":7200" \
	"UPDATE system SET rto_s = 60 WHERE id = $id"
ep=$(sql "SELECT id FROM endpoint WHERE url = 'http://127.0.0.1:9/205'")
tamper "an imported URL edited" "endpoint $ep" "changed outside drtop" \
	"UPDATE endpoint SET url = 'http://127.0.0.1:9/x' WHERE id = $ep"
mw=$(sql "SELECT max(id) FROM maintenance_window")
tamper "an imported maintenance window deleted" "maintenance_window $mw" "deleted outside drtop" \
	"DELETE FROM maintenance_window WHERE id = $mw"
tamper "a dependency added" "dependency 1>$id" "not in the ledger" \
	"INSERT INTO dependency (system_id, depends_on, created_at) VALUES (1, $id, 0)"
batch=$(sql "SELECT min(seq) FROM ledger WHERE kind = 'import.batch'")
tamper "a batch entry edited" "ledger entry $batch" "its hash does not match its contents" \
	"DROP TRIGGER ledger_no_update; UPDATE ledger SET payload = replace(payload, '\"rto_s\":3600', '\"rto_s\":60') WHERE seq = $batch;
	 $(sqlite3 "$T/base.db" "SELECT sql FROM sqlite_schema WHERE name = 'ledger_no_update'")"

# An import that fails after writing (a dependency on a system it does not
# name) leaves the file as it was, its staged entries too.
rm -f "$DRTOP_DB" "$DRTOP_DB-wal" "$DRTOP_DB-shm"
cp "$T/base.db" "$DRTOP_DB"
sed 's/"depends_on": \["sys-299"\]/"depends_on": ["nowhere"]/' "$T/b.json" >"$T/bad.json"
fails "an import that fails half-way" 65 "unknown system \"nowhere\"" import "$T/bad.json"
succeeds "a command after it" system add after --rto 1h --rpo 1h
succeeds "verifies intact" db verify
done_testing

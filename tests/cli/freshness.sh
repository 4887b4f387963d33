#!/bin/sh
# Data lag from Last-Modified, file:// modification times, JSON fields and
# check-ins; and secrets in headers that never reach the database.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW
start_server

now=$(date +%s)
"$DRTOP" system add db --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add db "$URL/last-modified/$((now - 3600))" --kind freshness >/dev/null
touch -d "@$((now - 7200))" "$T/backup.tar"
"$DRTOP" endpoint add db "file://$T/backup.tar" --kind freshness >/dev/null
"$DRTOP" endpoint add db "$URL/json/lag/90" --kind freshness --json-path '$.lag_seconds' >/dev/null
"$DRTOP" endpoint add db "$URL/json/time/2026-01-02T03:04:05Z" --kind freshness --json-path '$.last_backup' >/dev/null
"$DRTOP" endpoint add db "$URL/json/time/1767225600" --kind freshness --json-path '$.last_backup' >/dev/null
"$DRTOP" endpoint add db "$URL/json/time/yesterday" --kind freshness --json-path '$.last_backup' >/dev/null
"$DRTOP" endpoint add db "$URL/health" --kind freshness --json-path '$.lag_seconds' >/dev/null
"$DRTOP" endpoint add db "file://$T/missing.tar" --kind freshness >/dev/null

succeeds "probe" probe
late=$(($(date +%s) - now)) # how long after "now" the probes ran: a slow machine takes seconds
point() { sql "SELECT data_time FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.url = '$1'"; }
lag() { sql "SELECT lag_s FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.url = '$1'"; }
near() { [ "$1" -ge "$2" ] && [ "$1" -le "$3" ]; }
ok "Last-Modified gives the recovery point" test "$(point "$URL/last-modified/$((now - 3600))")" = $((now - 3600))
ok "and a lag of an hour" near "$(lag "$URL/last-modified/$((now - 3600))")" 3600 $((3601 + late))
ok "a file's modification time" test "$(point "file://$T/backup.tar")" = $((now - 7200))
ok "file lag of two hours" near "$(lag "file://$T/backup.tar")" 7200 $((7201 + late))
ok "a JSON lag in seconds" test "$(lag "$URL/json/lag/90")" = 90
ok "a JSON ISO-8601 time" test "$(point "$URL/json/time/2026-01-02T03:04:05Z")" = 1767323045
ok "a JSON Unix time" test "$(point "$URL/json/time/1767225600")" = 1767225600
ok "the output shows the lag" sh -c "grep 'json/lag/90' '$T/out' | grep -q 'ok  lag 90s'"
ok "a JSON string that is not a time fails clearly" sh -c "grep 'json/time/yesterday' '$T/out' | grep -q 'last_backup is not a time'"
ok "a body that is not JSON fails clearly" sh -c "grep '/health' '$T/out' | grep -q 'the response is not JSON'"
ok "a missing file fails clearly" sh -c "grep 'missing.tar' '$T/out' | grep -q 'cannot look at file://$T/missing.tar: No such file or directory'"
ok "the newest recovery point per system, for auditors" test "$(sql "SELECT recovery_point_at BETWEEN $((now - 90)) AND $((now - 80)), source FROM v_recovery_point")" = "1|probe"
ok "the endpoint keeps the last data time it saw" test "$(sql "SELECT data_time FROM endpoint_state st JOIN endpoint e ON e.id = st.endpoint_id WHERE e.url = 'file://$T/backup.tar'")" = $((now - 7200))

# Evidence from the future, absurd numbers, relative times and malformed dates
# fail the probe: none of them may make a system look fresh.
"$DRTOP" system add far --rto 1h --rpo 1h >/dev/null
old=$((now - 3 * 86400))
jfresh() { "$DRTOP" endpoint add far "$URL/json/raw/$1" --kind freshness --json-path '$.last_backup' >/dev/null; }
"$DRTOP" endpoint add far "$URL/last-modified/$old" --kind freshness >/dev/null
for path in last-modified/253402300799 last-modified/$((now + 3600)) last-modified/$((now + 60)) \
	"last-modified-raw/Mon,%2001%20Jan%201900%2000:00:00%20GMT" last-modified-raw/garbage; do
	"$DRTOP" endpoint add far "$URL/$path" --kind freshness >/dev/null
done
for v in %22now%22 %22%2B50w%22 %22-1h%22 %22$now%22 1e300 9e18 -5 $((now + 86400)) %229999-01-01T00:00:00Z%22; do
	jfresh "$v"
done
succeeds "probe endpoints that claim the future" probe --system far
error() { sql "SELECT coalesce(error, 'ok') FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.url = '$URL/$1' ORDER BY r.id DESC LIMIT 1"; }
says() { case "$(error "$1")" in $2) return 0 ;; *) echo "# got: $(error "$1")"; return 1 ;; esac; }
ok "Last-Modified in year 9999: in the future" says last-modified/253402300799 "recovery point in the future (9999-12-31T23:59:59Z)*"
ok "Last-Modified an hour ahead: in the future" says last-modified/$((now + 3600)) "recovery point in the future*"
ok "a minute ahead is within future-skew" says last-modified/$((now + 60)) ok
ok "Last-Modified in 1900: before 1970" says "last-modified-raw/Mon,%2001%20Jan%201900%2000:00:00%20GMT" "Last-Modified 'Mon, 01 Jan 1900 00:00:00 GMT' is before 1970"
ok "a garbage Last-Modified: malformed, not missing" says last-modified-raw/garbage "malformed Last-Modified header 'garbage'"
ok "JSON \"now\" is not read as a time" says json/raw/%22now%22 "\$.last_backup is not a time: malformed time 'now': expected ISO-8601*"
ok "JSON \"+50w\" is not read as a time" says json/raw/%22%2B50w%22 "*is not a time*"
ok "JSON \"-1h\" is not read as a time" says json/raw/%22-1h%22 "*is not a time*"
ok "JSON text of digits is not read as a time" says json/raw/%22$now%22 "*is not a time*"
ok "JSON 1e300: not a plausible time" says json/raw/1e300 "\$.last_backup is 1e+300: not a plausible time"
ok "JSON 9e18: not a plausible time" says json/raw/9e18 "*not a plausible time"
ok "JSON -5: not a plausible time" says json/raw/-5 "*not a plausible time"
ok "a JSON Unix time tomorrow: in the future" says json/raw/$((now + 86400)) "recovery point in the future*"
ok "a JSON ISO time in 9999: in the future" says json/raw/%229999-01-01T00:00:00Z%22 "recovery point in the future (9999-01-01T00:00:00Z)*"
ok "no stored result holds a point beyond the skew" test "$(sql "SELECT count(*) FROM probe_result WHERE data_time > at + 300 OR data_time < 0")" -eq 0
ok "nor any endpoint's state" test "$(sql "SELECT count(*) FROM endpoint_state WHERE data_time > data_seen_ms / 1000 + 300 OR data_time < 0")" -eq 0
ok "the system's recovery point is the newest plausible one" test "$(sql "SELECT recovery_point_at FROM v_recovery_point WHERE system = 'far'")" = "$((now + 60))"
"$DRTOP" endpoint rm --purge "$(sql "SELECT id FROM endpoint WHERE url = '$URL/last-modified/$((now + 60))'")" >/dev/null
succeeds "probe again" probe --system far
ok "the RPO breach shows: three days old" sh -c "\"$DRTOP\" status far | grep -q rpo-breach"
succeeds "future-skew is a setting" config set future-skew 2h
succeeds "probe with two hours of skew allowed" probe --system far
ok "an hour ahead is now believed" says last-modified/$((now + 3600)) ok
fails "future-skew is a duration" 65 "future-skew: malformed duration" config set future-skew soon

# A database from before future-skew: recovery points from the future that an
# earlier version kept are forgotten by the migration; plausible ones stay.
old_db="$T/v3.db"
cat "$SRCDIR/db/0001-inventory.sql" "$SRCDIR/db/0002-evidence.sql" "$SRCDIR/db/0003-verdicts.sql" | sqlite3 "$old_db"
sqlite3 "$old_db" "PRAGMA user_version = 3;
	INSERT INTO system (id, name, rto_s, rpo_s, created_at, updated_at) VALUES (1, 'legacy', 3600, 3600, 1, 1);
	INSERT INTO endpoint (id, system_id, url, kind, created_at, updated_at) VALUES
	  (1, 1, 'http://a/', 'freshness', 1, 1), (2, 1, 'http://b/', 'freshness', 1, 1), (3, 1, 'http://c/', 'freshness', 1, 1);
	INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok, data_time, data_seen_ms) VALUES
	  (1, ${now}000, 1, $((now - 7200)), ${now}000), (2, ${now}000, 1, 253402300799, ${now}000),
	  (3, ${now}000, 1, -9223372036854775808, ${now}000)"
succeeds "migrate a database that kept points from the future" --db "$old_db" db migrate
ok "the future and the absurd points are forgotten, the plausible one kept" test "$(sqlite3 "$old_db" "SELECT group_concat(coalesce(data_time, 'none'), ' ') FROM (SELECT data_time FROM endpoint_state ORDER BY endpoint_id)")" = "$((now - 7200)) none none"
ok "so the system's data lag is real again" test "$(sqlite3 "$old_db" "SELECT recovery_point_at FROM v_recovery_point")" = $((now - 7200))
ok "and future-skew has its default" test "$("$DRTOP" --db "$old_db" config get future-skew)" = 5m

# Check-ins feed the same recovery point.
"$DRTOP" system add files --rto 1h --rpo 1d >/dev/null
"$DRTOP" checkin files --at "@$((now - 600))" >/dev/null
"$DRTOP" checkin files --at "@$((now - 60))" --failed >/dev/null
ok "a successful check-in is a recovery point, a failed one is not" test "$(sql "SELECT recovery_point_at, source FROM v_recovery_point WHERE system = 'files'")" = "$((now - 600))|checkin"

# Secrets: expanded at probe time, never stored, never printed.
"$DRTOP" system add api --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add api "$URL/echo-headers" --header 'Authorization: Bearer ${DRTOP_TEST_TOKEN}' >/dev/null
DRTOP_TEST_TOKEN=s3cr3t-value-42
export DRTOP_TEST_TOKEN
succeeds "probe with a secret header" probe --system api
server_saw() { ctl headers | grep -qF "$1"; }
ok "the server received the expanded value" server_saw 'Authorization: Bearer s3cr3t-value-42'
ok "the output does not show it" out_lacks "s3cr3t"
sqlite3 "$DRTOP_DB" "PRAGMA wal_checkpoint" >/dev/null
ok "no database file holds it" sh -c "! cat '$DRTOP_DB'* | grep -aq s3cr3t"
unset DRTOP_TEST_TOKEN
succeeds "probe with the variable unset" probe --system api
ok "fails, naming the variable, not a value" out_has 'header Authorization names ${DRTOP_TEST_TOKEN}, which is not set in the environment'

# A recovery point that goes back (a replica rebuilt from an older copy): the
# data lag as of a past time is the one the newest probe then gave, as it was
# said live, not the newest recovery point ever seen.
"$DRTOP" system add replica --rto 1h --rpo 30m >/dev/null
"$DRTOP" endpoint add replica "file://$T/replica" --kind freshness >/dev/null
t0=$(date +%s)
touch -d "@$((t0 - 1500))" "$T/replica" # 25 minutes old
"$DRTOP" probe --system replica >/dev/null
sleep 2
touch -d "@$((t0 - 2100))" "$T/replica" # rebuilt from a copy 35 minutes old
"$DRTOP" probe --system replica >/dev/null
t2=$(date +%s)
live=$("$DRTOP" db query "SELECT recovery_point_at || ' ' || status FROM v_system_status WHERE system = 'replica'")
sleep 2
touch -d "@$((t0 - 600))" "$T/replica" # and a fresh copy after that
"$DRTOP" probe --system replica >/dev/null
at_t2() { "$DRTOP" --now "$(date -u -d "@$t2" +%Y-%m-%dT%H:%M:%SZ)" db query "SELECT recovery_point_at || ' ' || status FROM v_system_status WHERE system = 'replica'"; }
ok "live, the recovery point went back to 35 minutes ago: rpo-breach" test "$live" = "$((t0 - 2100)) BREACH"
ok "as of then, after a newer probe, the same recovery point and status" test "$(at_t2)" = "$live"
ok "... and with --as-of" test "$("$DRTOP" --as-of "$(date -u -d "@$t2" +%Y-%m-%dT%H:%M:%SZ)" db query "SELECT recovery_point_at FROM v_recovery_point WHERE system = 'replica'")" = $((t0 - 2100))
ok "now, the fresh copy" test "$("$DRTOP" db query "SELECT recovery_point_at FROM v_recovery_point WHERE system = 'replica'")" = $((t0 - 600))
# The live verdict reads the endpoint's state: put back to an older recovery
# point a probe did report, it is named, as verification compares it with the
# result the state says it was seen by.
succeeds "db verify: the file as drtop left it is intact" db verify
cp "$DRTOP_DB" "$T/rolled.db"
sqlite3 "$T/rolled.db" "UPDATE endpoint_state SET data_time = $((t0 - 1500))
  WHERE endpoint_id = (SELECT id FROM endpoint WHERE url = 'file://$T/replica')"
ok "the state's recovery point put back to an older one a probe reported: named" sh -c \
	"DRTOP_DB='$T/rolled.db' '$DRTOP' db verify >'$T/rolled.out' 2>&1; test \$? -eq 65 &&
	 grep -q 'changed outside drtop: no successful probe result reported its recovery point $((t0 - 1500)) when it says it was seen' '$T/rolled.out'"

# A file: URL naming a FIFO: libcurl's open(2) would wait for a writer, with no
# timeout, holding every other probe. It is refused at once, never opened.
mkfifo "$T/fifo"
"$DRTOP" system add piped --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add piped "file://$T/fifo" --kind freshness --timeout 1s >/dev/null
"$DRTOP" endpoint add piped "$URL/health" >/dev/null
ok "a FIFO does not hold the probes (probe ends in seconds)" sh -c "timeout 20 '$DRTOP' probe --system piped >'$T/fifo.out' 2>&1"
ok "... its probe fails, saying why" grep -q "fifo .*the file is a FIFO, not a regular file or a directory: never opened" "$T/fifo.out"
ok "... and the other endpoint was probed" grep -q "/health .* ok" "$T/fifo.out"

# A file on a network mount that stopped answering: stat(2) does not return
# (tests/hung-stat.c makes it wait until the mount "comes back"). The look runs
# on a thread of its own, so the other probes go on, and the probe fails at its
# timeout.
mkdir -p "$T/hung-mount"
touch -d "@$((now - 600))" "$T/hung-mount/backup.tar"
${CC:-cc} -shared -fPIC -o "$T/hung-stat.so" "$SRCDIR/tests/hung-stat.c" -ldl
"$DRTOP" system add mounted --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add mounted "file://$T/hung-mount/backup.tar" --kind freshness --timeout 1s >/dev/null
"$DRTOP" endpoint add mounted "$URL/health" >/dev/null
ok "a hung mount does not hold the probes (probe ends in seconds)" sh -c \
	"$(command -v timeout) -k 5 20 env LD_PRELOAD='$T/hung-stat.so' ASAN_OPTIONS='${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0' '$DRTOP' probe --system mounted >'$T/hung.out' 2>&1"
ok "... its probe fails at its timeout, saying why" grep -q "hung-mount/backup.tar .*the file system did not answer within 1000ms" "$T/hung.out"
ok "... and the other endpoint was probed" grep -q "/health .* ok" "$T/hung.out"
touch "$T/hung-mount.back"
succeeds "... once the mount is back, the file is looked at again" probe --system mounted
touch -d 1960-01-01T00:00:00Z "$T/old.tar"
"$DRTOP" endpoint add mounted "file://$T/old.tar" --kind freshness >/dev/null
run probe --system mounted
ok "a file dated before 1970 fails its probe, saying so" grep -q "old.tar .*the file's modification time is before 1970" "$T/out"
ok "... and its recovery point is read" test "$(point "file://$T/hung-mount/backup.tar" | sort -n | tail -1)" = $((now - 600))

done_testing

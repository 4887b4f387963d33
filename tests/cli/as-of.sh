#!/bin/sh
# --as-of T: the verdict as drtop could have given it at T. The clock is T and
# what drtop recorded after T (by the real time of recording) takes no part,
# whatever time it claims; --now T counts it. Here the instants are real ones:
# each verdict is taken as it stands, evidence is backfilled after it, and
# --as-of must give the verdict taken then, while --now shows the backfill.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW

d() { "$DRTOP" "$@" >/dev/null || echo "Bail out! drtop $*"; }
after() { # wait until the real clock is past Unix second $1: what is recorded next is later
	while [ "$(date +%s)" -le "$1" ]; do sleep 0.1; done
}
verdict() { "$DRTOP" "$@" status --format csv; }
same() { [ "$1" = "$2" ] || { printf '# got:\n%s\n# expected:\n%s\n' "$1" "$2" | sed '2,$s/^/# /'; return 1; }; }

d system add payments-db --rto 1h --rpo 1d --since -30d
d schedule add payments-db nightly --every 1d --since -30d
d checkin payments-db --at -2d

# T1: the newest backup is two days old, against an RPO of a day.
t1=$(date +%s)
v1=$(verdict --now "$t1")
after "$t1"
ok "at T1 the RPO is breached" sh -c 'printf "%s\n" "$1" | grep -q "^payments-db,BREACH,rpo-breach,"' - "$v1"

# After T1: a check-in backfilled to 12 hours before T1, a restore drill of
# the day before T1, a maintenance window over T1.
d checkin payments-db --at "$((t1 - 43200))"
d drill add payments-db --kind restore --started "$((t1 - 86400))" --recovered "$((t1 - 86400 + 600))"
d maintenance add payments-db --from "$((t1 - 600))" --to "$((t1 + 600))" --reason "patching"
t2=$(date +%s)
v2=$(verdict --now "$t2")
after "$t2"
ok "--now T1 counts the backfill: T1 judged with what is known since" sh -c '! printf "%s\n" "$1" | grep -q "rpo-breach"' - "$(verdict --now "$t1")"
ok "--as-of T1 gives the verdict taken at T1" same "$(verdict --as-of "$t1")" "$v1"
q="SELECT (SELECT count(*) FROM checkin) || ' ' || (SELECT count(*) FROM v_drills) || ' ' || (SELECT count(*) FROM v_maintenance)"
ok "--as-of T1: the check-in, drill and window entered later take no part" same "$("$DRTOP" --as-of "$t1" db query "$q")" "1 0 0"
ok "--now T1: they all do" same "$("$DRTOP" --now "$t1" db query "$q")" "2 1 1"

# After T2: another backfill, to before T2.
d checkin payments-db --at "$((t2 - 60))" --failed
ok "--as-of T2 gives the verdict taken at T2" same "$(verdict --as-of "$t2")" "$v2"
ok "--as-of T1 still gives the verdict of T1" same "$(verdict --as-of "$t1")" "$v1"
ok "... and the views say the same through drtop db query" same \
	"$("$DRTOP" --as-of "$t1" db query "SELECT status || ' ' || data_lag_s FROM v_system_status")" \
	"BREACH $((t1 - $(sql "SELECT min(at) FROM checkin")))"

history=$(sql "SELECT count(*) FROM status_history")
succeeds "status --as-of answers" --as-of "$t1" status
ok "... and records no change of status (history is what was said, when it was said)" \
	test "$(sql "SELECT count(*) FROM status_history")" -eq "$history"
last_args="--as-of $t1 report --format json"; run --as-of "$t1" report --format json
ok "report --as-of T1 answers BREACH, as the verdict of T1 was (exit 2)" test "$rc" -eq 2
ok "... and says it rests on what was recorded by T1" out_has "\"as_of\": \"$(date -u -d "@$t1" +%Y-%m-%dT%H:%M:%SZ)\""
head_t1=$(sql "SELECT seq || ':' || hash FROM ledger WHERE recorded_at <= $t1 ORDER BY seq DESC LIMIT 1")
ok "... and names the ledger's head as it stood at T1, not the newest" sh -c \
	'grep -q "\"ledger_head\": \"$1\"" "$2" && [ "$1" != "$3" ]' - "$head_t1" "$T/out" \
	"$(sql "SELECT seq || ':' || hash FROM ledger ORDER BY seq DESC LIMIT 1")"
ok "db anchor --as-of T1 gives that head too" test "$("$DRTOP" --as-of "$t1" db anchor)" = "$head_t1"
ok "db verify --as-of T1 still checks the whole ledger, to its newest entry" sh -c \
	'"$1" --as-of "$2" db verify | grep -q "head $3\$"' - "$DRTOP" "$t1" \
	"$(sql "SELECT seq || ':' || hash FROM ledger ORDER BY seq DESC LIMIT 1")"
last_args="--as-of $t1 report --window 30d --format json"; run --as-of "$t1" report --window 30d --format json
ok "report --as-of T1 --window 30d answers too, BREACH (its window is set on a private copy)" test "$rc" -eq 2
ok "... with that window" out_has '"window_s": 2592000'
last_args="--as-of $t1 report"; run --as-of "$t1" report
ok "the text report says so in its first line" sh -c 'head -1 "$1" | grep -q "(as recorded by then): 1 BREACH"' - "$T/out"
last_args="report --format json"; run report --format json
ok "a report without --as-of has as_of null" out_has '"as_of": null'
iso1=$(date -u -d "@$t1" +%Y-%m-%dT%H:%M:%SZ)
last_args="--as-of $t1 status"; run --as-of "$t1" status
ok "status --as-of T1 says so in its first line" test "$(head -1 "$T/out")" = "as of $iso1 (as recorded by then)"
last_args="status"; run status
ok "... which status without it has not" sh -c '! grep -q "as recorded by then" "$1"' - "$T/out"
last_args="--now $t1 status"; run --now "$t1" status
ok "status --now T1 says its clock was set, in its first line" test "$(head -1 "$T/out")" = "as of $iso1 (clock set by --now)"
last_args="--now $t1 report --format json"; run --now "$t1" report --format json
ok "so does a JSON report (and its as_of stays null)" sh -c 'grep -q "\"clock_set_by_now\": true" "$1" && grep -q "\"as_of\": null" "$1"' - "$T/out"
last_args="report --format json"; run report --format json
ok "... which a report of the present has not" sh -c '! grep -q clock_set_by_now "$1"' - "$T/out"
last_args="--as-of $t1 report --format nagios"; run --as-of "$t1" report --format nagios
ok "the Nagios line too: a past state never reads as the present" grep -q "^DRTOP CRITICAL - 1 BREACH, .* OK as of $iso1 (as recorded by then)" "$T/out"

fails "--as-of writes nothing: a check-in is refused" 64 "--as-of $(date -u -d "@$t1" +%Y-%m-%dT%H:%M:%SZ) shows what drtop had recorded by then and writes nothing" --as-of "$t1" checkin payments-db
fails "... and so is a change of the plan" 64 "writes nothing" --as-of "$t1" system set payments-db --rto 2h
fails "... and probing" 64 "writes nothing" --as-of "$t1" probe --once
fails "--now and --as-of together are refused" 64 "give --now or --as-of, not both" --now "$t1" --as-of "$t1" status
fails "... in either order" 64 "give --now or --as-of, not both" --as-of "$t1" status --now "$t1"
fails "a malformed --as-of is named" 65 "--as-of: malformed time 'yesterdayish'" --as-of yesterdayish status
fails "a future --as-of is refused: nothing has been recorded after now" 65 \
	"--as-of 2099-01-01T00:00:00Z lies in the future: nothing has been recorded after now (--now judges a time to come)" \
	--as-of 2099-01-01 status
fails "--as-of the first second of 1970 writes nothing either" 64 "--as-of 1970-01-01T00:00:00Z shows what drtop had recorded by then" \
	--as-of 1970-01-01T00:00:00Z checkin payments-db --at 2026-11-01T00:00:00Z
fails "... nor given as Unix second 0" 64 "writes nothing" --as-of 0 system set payments-db --rto 2h
fails "checkin --run is refused before its command runs" 64 "writes nothing" \
	--as-of "$t1" checkin payments-db --run -- touch "$T/ran"
ok "... which did not run" test ! -e "$T/ran"
fails "--as-of creates no database" 66 "no database at $T/none.db" --db "$T/none.db" --as-of "$t1" system add web --rto 1h --rpo 1h
ok "... there is no file" test ! -e "$T/none.db"
sqlite3 "$T/old.db" <"$SRCDIR/db/0001-inventory.sql"
sqlite3 "$T/old.db" "PRAGMA user_version = 1; PRAGMA journal_mode = WAL" >/dev/null # as drtop keeps it
old_sum=$(sha256sum "$T/old.db")
fails "--as-of does not upgrade an older database" 64 "$T/old.db has schema version 1 and needs an upgrade to" --db "$T/old.db" --as-of "$t1" status
fails "... nor does db migrate under it" 64 "which --as-of does not write" --db "$T/old.db" --as-of "$t1" db migrate
ok "... the file is as it was, and no copy was kept" sh -c 'test "$(sha256sum "$1")" = "$2" && test ! -e "$1.v1.bak"' - "$T/old.db" "$old_sum"

d --db "$T/demo.db" demo --no-dashboard
demo_sum=$(sha256sum "$T/demo.db")
fails "demo --as-of is refused: it makes its database anew" 64 "writes nothing" --db "$T/demo.db" --as-of "$t1" demo --no-dashboard
ok "... and leaves the demo database there as it was" test "$(sha256sum "$T/demo.db" 2>&1)" = "$demo_sum"

# Checking the file is not a verdict: the rows entered after T1 are no tampering.
succeeds "db verify --as-of T1 finds the ledger intact" --as-of "$t1" db verify
ok "... as it is" out_has ": intact: "
succeeds "db check --as-of T1 finds no problem" --as-of "$t1" db check

# What-ifs are tried on a private copy, which --as-of does not keep from being written.
succeeds "whatif --as-of T1 answers" --as-of "$t1" whatif payments-db --rpo 3d
ok "... from the verdict taken at T1, and judges the change with the evidence of T1" sh -c \
	'grep -q "^now: BREACH (rpo-breach)" "$1" && grep -q "^what if: BREACH (backup-missed); RTO 1h, RPO 3d" "$1"' - "$T/out"

# The bound is inclusive: a row recorded in the second T counts at T.
r=$(sql "SELECT max(recorded_at) FROM checkin")
q="SELECT count(*) FROM checkin WHERE recorded_at = $r"
ok "a check-in recorded at T counts --as-of T" same "$("$DRTOP" --as-of "$(date -u -d "@$r" +%Y-%m-%dT%H:%M:%SZ)" db query "$q")" 1
ok "... and not --as-of the second before" same "$("$DRTOP" --as-of "$((r - 1))" db query "$q")" 0

# Example 32 in the sqlite3 shell, asked of T1, lists what --as-of T1 leaves
# out of what --now T1 counts, and nothing else: a drill under way at T1 and
# entered after it counts for neither.
after "$((t1 + 1))"
d drill add payments-db --kind failover --started "$((t1 - 1))" --recovered "$((t1 + 1))"
q32=$(awk '$0 == "<!-- query: 32 -->" { f = 1; next } f && /^```sql/ { g = 1; next } g && /^```/ { exit } g { print }' "$SRCDIR/doc/auditing.md")
counted="SELECT 'checkin' || ' ' || id FROM checkin WHERE at <= unixepoch('now')
	UNION ALL SELECT 'drill' || ' ' || id FROM v_drill_measure
	UNION ALL SELECT 'maintenance' || ' ' || id FROM maintenance_window WHERE starts_at <= unixepoch('now')"
left_out=$("$DRTOP" --now "$t1" db query "$counted" | grep -vxF "$("$DRTOP" --as-of "$t1" db query "$counted")" | cut -d' ' -f1 | sort)
ok "example 32 in the sqlite3 shell lists what --as-of leaves out" same \
	"$(printf '%s\n' "$q32" | sed "s/unixepoch('now')/$t1/g" | sqlite3 "$DRTOP_DB" | cut -d'|' -f1 | sort)" "$left_out"
ok "... the check-ins, drill and window entered after T1" same "$(echo $(printf "%s\n" "$left_out" | uniq))" "checkin drill maintenance"

DRTOP_NOW=2020-01-01T00:00:00Z
export DRTOP_NOW
ok "--as-of overrides DRTOP_NOW" same "$(verdict --as-of "$t1")" "$v1"

# The inventory added after T1 was not there to judge at T1: a system, an
# endpoint, a schedule and a dependency created later take no part --as-of T1.
start_server
d system add later-db --rto 1h --rpo 1h
d endpoint add payments-db "$URL/count/asof"
d schedule add payments-db hourly --every 1h
d depend add payments-db --on later-db
ok "--as-of T1 still gives the verdict of T1 after the inventory grew" same "$(verdict --as-of "$t1")" "$v1"
q="SELECT (SELECT count(*) FROM system) || ' ' || (SELECT count(*) FROM endpoint) || ' ' || (SELECT count(*) FROM backup_schedule) || ' ' || (SELECT count(*) FROM dependency)"
ok "... the system, endpoint, schedule and dependency created later take no part" same "$("$DRTOP" --as-of "$t1" db query "$q")" "1 0 1 0"
ok "... while --now T1 reads the inventory as it is" same "$("$DRTOP" --now "$t1" db query "$q")" "2 1 2 1"
fails "--as-of T1: a system created later is unknown then" 65 "later-db" --as-of "$t1" whatif later-db --rpo 2h
fails "probe --as-of probes nothing: it could not record it" 64 "writes nothing" --as-of "$t1" probe --once
ok "... no request reached the endpoint" test "$(ctl hits/asof)" -eq 0

# A system known by its probes, replayed after a prober probed it again: its
# newest probe by T (not the state's newest, after T) is its last probe then,
# and three intervals and the timeout without one then make prober-stale then.
unset DRTOP_NOW
d system add probed --rto 1h --rpo 1d
d endpoint add probed "$URL/count/probed" --interval 1s --timeout 1s
d drill add probed --kind restore --started -2h --recovered -110m
d checkin probed
d probe --once --system probed
first=$(sql "SELECT max(at_ms) / 1000 FROM probe_result")
after "$((first + 4))" # more than three intervals and the timeout later
t3=$(date +%s)
v3=$(verdict --now "$t3")
ok "at T3 the probed system is WARN: prober-stale, its last probe seconds ago" \
	sh -c 'printf "%s\n" "$1" | grep -q "^probed,WARN,prober-stale,"' - "$v3"
after "$t3"
d probe --once --system probed
ok "after T3 a probe came: it is not prober-stale now" sh -c '"$1" status probed --format csv | grep -q "^probed," && ! "$1" report --format json | grep -q "prober-stale"' - "$DRTOP"
ok "--as-of T3 gives the verdict taken at T3, prober-stale and all" same "$(verdict --as-of "$t3")" "$v3"
ok "--now T3 too" same "$(verdict --now "$t3")" "$v3"
ok "... its last probe then is the first probe, not the state's newest" same \
	"$("$DRTOP" --as-of "$t3" db query "SELECT last_probe_at FROM v_system_status WHERE system = 'probed'")" "$first"

# A replay keeps no status history: --now an hour before the present (here
# DRTOP_NOW's) judges what drtop never said then, and tells nobody of it.
r0=$(date +%s)
DRTOP_NOW=$((r0 - 7200))
export DRTOP_NOW
d system add replayed --rto 1h --rpo 1d
d notify add tell --kind exec --command true --events all --system replayed
d drill add replayed --kind restore --started "$((r0 - 10800))" --recovered "$((r0 - 10500))"
d checkin replayed --at "$((r0 - 5400))"
d status
DRTOP_NOW=$r0
said() { sql "SELECT group_concat(status || '@' || at, ' ') FROM status_history WHERE system_id = (SELECT id FROM system WHERE name = 'replayed')"; }
ok "two hours back, the status history says UNKNOWN (no check-in by then)" same "$(said)" "UNKNOWN@$((r0 - 7200))"
ok "an hour back the verdict is OK (the check-in of 90 minutes back)" sh -c \
	'"$1" --now -1h status replayed --format csv | grep -q "^replayed,OK,"' - "$DRTOP"
told=$(sql "SELECT count(*) FROM notify_outbox")
ok "... and that replay is kept as no change of status" same "$(said)" "UNKNOWN@$((r0 - 7200))"
"$DRTOP" --now -1m status >/dev/null
ok "... nor is one a minute back, and neither tells of a finding that appeared or cleared" \
	sh -c '[ "$1" = "$2" ] && [ "$3" = "$4" ]' - "$(said)" "UNKNOWN@$((r0 - 7200))" "$(sql "SELECT count(*) FROM notify_outbox")" "$told"
"$DRTOP" status >/dev/null
ok "while the present's verdict is" same "$(said)" "UNKNOWN@$((r0 - 7200)) OK@$r0"
unset DRTOP_NOW

done_testing

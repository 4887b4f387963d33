#!/bin/sh
# drtop notify: channels and rules, events written with the status history
# they come from, root cause once, and delivery by the prober holding the
# lease (webhook and exec) with retries, backoff and a final failed state,
# against a real receiver (tests/receiver.py) on 127.0.0.1.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/watch-lib.sh"
unset DRTOP_NOW
start_server
start_receiver
# posts [JQ-FILTER]: the POSTs received (as JSON lines), filtered
posts() { jq -c "select(${1:-true})" "$T/recv.log"; }
nposts() { posts "$1" | wc -l; }
nposts_ge() { [ "$(nposts "$1")" -ge "$2" ]; }
d() { "$DRTOP" "$@" >/dev/null; }
# watched SYSTEM...: systems probed every second, backed up and drilled: OK
watched() {
	for s in "$@"; do
		d system add $s --rto 1h --rpo 1h
		d endpoint add $s "$URL/health?$s" --interval 1s --timeout 1s
		d checkin $s --at -1m
		d drill add $s --kind restore --started -30d --recovered -30d
	done
}
# events N: keep the status history now (drtop status does, when it can take
# the lock at once), until the outbox has at least N rows
events() { "$DRTOP" status >/dev/null 2>&1; sql_ge "SELECT count(*) FROM notify_outbox" "$1"; }
export NOTIFY_TOKEN=s3cr3t-token-value

# --- channels and rules, and bad input ----------------------------------------
succeeds "the retry cap is a setting" config set notify-retry-max 2m
fails "a channel needs a kind" 64 "missing --kind KIND" notify add x --url "$RURL/"
fails "an unknown kind" 65 "channel kind must be webhook, exec, email or alertmanager, not 'pager'" \
	notify add x --kind pager --url "$RURL/"
fails "a webhook needs a URL" 64 "a webhook channel needs --url URL" notify add x --kind webhook
fails "exec needs a command" 64 "an exec channel needs --command CMD" notify add x --kind exec
fails "a webhook is http or https, never a file" 65 "a webhook URL is http or https, not 'file:///etc/passwd'" \
	notify add x --kind webhook --url file:///etc/passwd
fails "a literal secret in a header is refused" 65 "holds a literal secret, and drtop never stores secrets" \
	notify add x --kind webhook --url "$RURL/" --header "Authorization: Bearer abc123"
fails "headers belong to webhooks" 64 "--header belongs to a webhook channel" \
	notify add x --kind exec --command true --header 'X-A: b'
fails "--url and --command together" 64 "give one" notify add x --kind exec --command true --url "$RURL/"
fails "a bad severity" 65 "--severity must be WARN, UNKNOWN or BREACH, not 'SEVERE'" \
	notify add x --kind exec --command true --severity SEVERE
fails "a bad tier" 65 "--tier: expected a tier from 0 to 3" notify add x --kind exec --command true --tier 5
fails "a bad finding" 65 "--finding: expected a finding's name" notify add x --kind exec --command true --finding 'RTO!'
fails "a bad channel name" 65 "bad channel name" notify add 'a b' --kind exec --command true
fails "a bad timeout" 65 "--timeout must be from 100ms to 10m" notify add x --kind exec --command true --timeout 1h
fails "an unknown payload shape" 65 "--shape must be drtop, slack, mattermost or teams, not 'discord'" \
	notify add x --kind webhook --url "$RURL/" --shape discord
fails "a shape is a webhook's" 64 "--shape belongs to a webhook channel" notify add x --kind exec --command true --shape slack

"$DRTOP" notify add hook --kind webhook --url "$RURL/hook" --header 'Authorization: Bearer ${NOTIFY_TOKEN}' \
	--timeout 2s >"$T/out"
ok "a webhook channel is added" out_has "added webhook channel hook"
d notify add ex --kind exec --command "cat >>'$T/exec.log'; echo >>'$T/exec.log'; echo \"key \$DRTOP_NOTIFY_KEY\" >>'$T/exec.log'"
d notify add breach-only --kind exec --command "cat >>'$T/never'" --severity BREACH
d notify add tier0 --kind exec --command "cat >>'$T/never'" --tier 0
d notify add other-systems --kind exec --command "cat >>'$T/never'" --system 'zz*' --system 'pay*'
d notify add rpo-only --kind exec --command "cat >>'$T/never'" --finding rpo-breach
fails "a second channel of the same name" 65 "a notification channel named 'hook' exists already" \
	notify add hook --kind exec --command true
fails "show: an unknown channel" 65 "no notification channel named 'nope'" notify show nope
fails "remove: an unknown channel" 65 "no notification channel named 'nope'" notify remove nope
fails "rule add: an unknown channel" 65 "no notification channel named 'nope'" notify rule add nope
fails "rule rm: not an id" 64 "expected a rule id" notify rule rm x
fails "rule rm: an unknown rule" 65 "no notification rule 99" notify rule rm 99
fails "log: an unknown state" 65 "--state must be pending, in-flight, delivered, failed or suppressed" notify log --state sent

succeeds "notify list" notify list
ok "lists the channels" sh -c "grep -q '^hook *webhook' '$T/out' && grep -q '^ex *exec' '$T/out'"
succeeds "notify show" notify show hook
ok "shows the header as given, the secret by its name" out_has 'header:   Authorization: Bearer ${NOTIFY_TOKEN}'
ok "and the channel's rule" sh -c "grep -A1 '^RULE' '$T/out' | grep -q 'WARN *0-3 *\* *\*'"
"$DRTOP" notify rule add tier0 --tier 0-1 --severity breach >"$T/out"
ok "rule add" out_has "added rule 7 to channel tier0"
succeeds "rule rm" notify rule rm 7
succeeds "rule list" notify rule list other-systems
ok "rule list shows the patterns" sh -c "grep -q 'other-systems *status *WARN *0-3 *\\* *zz\\*,pay\\*' '$T/out'"

# --- events, root cause once ---------------------------------------------------
# A chain: a depends on b, b on c. Each is watched and backed up, so it is OK.
watched c b a
d depend add a --on b
d depend add b --on c
d probe --once
ok "the systems start OK, and a first status notifies nobody" \
	sql_is "SELECT group_concat(status) || ':' || (SELECT count(*) FROM notify_outbox) FROM status_history" "OK,OK,OK:0"
# The bottom one fails, and with it (in the same probes) the two above it.
ctl mode/status/500 >/dev/null
d probe --once
d probe --once
ok "all three are in outage" sql_is "SELECT count(DISTINCT system_id) FROM outage WHERE ended_ms IS NULL" 3
ok "one event to tell of: c's, naming the two it affects" \
	sql_is "SELECT group_concat(system || ':' || state || ':' || coalesce(cause, '-') || ':' || coalesce(affected, '-'), ' ') FROM (SELECT * FROM v_notifications WHERE channel = 'hook' ORDER BY system)" \
	"a:suppressed:c:- b:suppressed:c:- c:pending:c:a,b"
ok "each event is written with the status change it tells of" \
	sql_is "SELECT count(*) FROM notify_outbox o JOIN status_history h ON h.id = o.history_id AND h.system_id = o.system_id AND h.at = o.at AND o.payload ->> '\$.status' = h.status" 6
ok "rules filter: severity, tier, system pattern and finding hear nothing of a WARN of tier 2" \
	sql_is "SELECT count(*) FROM notify_outbox WHERE channel IN ('breach-only', 'tier0', 'other-systems', 'rpo-only')" 0

# --- delivery --------------------------------------------------------------------
start_watch
ok "the lease holder delivers c's event to the webhook and the command" \
	wait_for 15 sql_is "SELECT count(*) FROM notify_outbox WHERE state = 'delivered'" 2
ok "the receiver has exactly one notification" test "$(nposts)" -eq 1
ok "it names c as the cause and lists a and b" \
	test "$(posts | jq -r '.body | .system + " " + .cause + " " + ([.affected[].system] | join(",")) + " " + .previous_status + ">" + .status')" = "c c a,b OK>WARN"
key=$(sql "SELECT key FROM notify_outbox WHERE channel = 'hook' AND state = 'delivered'")
ok "the idempotency key is sent as a header and in the body" \
	test "$(posts | jq -r '.key + " " + .body.key')" = "$key $key"
ok "the header's secret was read from the environment" \
	test "$(posts | jq -r '.headers.Authorization')" = "Bearer s3cr3t-token-value"
ok "and never stored" sh -c "! cat '$DRTOP_DB'* | grep -qa s3cr3t-token-value"
ekey=$(sql "SELECT key FROM notify_outbox WHERE channel = 'ex' AND state = 'delivered'")
ok "the command got the event on its standard input, and its key in DRTOP_NOTIFY_KEY" \
	sh -c "head -1 '$T/exec.log' | jq -e '.system == \"c\" and .key == \"$ekey\" and (.affected | length) == 2' >/dev/null && grep -qx 'key $ekey' '$T/exec.log'"
ok "no channel whose rules did not match ran" test ! -e "$T/never"

# Retries with backoff: the receiver fails twice, then answers. c recovers.
rmode fail/2
ctl mode/up >/dev/null
ok "the recoveries are events" wait_for 10 events 12
ok "c's recovery is delivered at the third attempt" \
	wait_for 25 sql_is "SELECT attempts || ':' || coalesce(last_error, '-') FROM notify_outbox WHERE channel = 'hook' AND payload ->> '\$.status' = 'OK' AND state = 'delivered'" "3:-"
ok "a's and b's recoveries are suppressed with their cause's" \
	sql_is "SELECT group_concat(state) FROM v_notifications WHERE channel = 'hook' AND status = 'OK' AND system IN ('a', 'b')" "suppressed,suppressed"
posts '.body.status == "OK"' >"$T/recovery"
ok "the receiver saw three attempts with one key: 500, 500, 204" \
	test "$(jq -r '.status' "$T/recovery" | tr '\n' ' ')$(jq -r '.key' "$T/recovery" | sort -u | wc -l)" = "500 500 204 1"
gaps() {
	set -- $(jq -r '.t' "$T/recovery")
	echo "# attempts at $1 $2 $3"
	python3 -c "import sys; t=[float(x) for x in sys.argv[1:]]; sys.exit(not (0.85 <= t[1]-t[0] < t[2]-t[1] and t[2]-t[1] >= 1.75))" "$@"
}
ok "backing off: about 1 s, then about 2 s, between attempts" gaps

# A hanging receiver holds up neither probing nor the other channels; its
# attempt times out and is retried. Channels that fail for good end failed.
d notify add refused --kind webhook --url "http://127.0.0.1:9/" --attempts 2
d notify add slow --kind exec --command "sleep 30" --timeout 1s --attempts 1
d notify add exits --kind exec --command "echo nope >&2; exit 3" --attempts 1
rmode hang
ctl mode/status/500 >/dev/null
ok "the new outages are events" wait_for 10 events 27
ok "c's new outage is in flight to the hanging receiver" \
	wait_for 20 sql_is "SELECT count(*) FROM notify_outbox WHERE channel = 'hook' AND state = 'in-flight'" 1
before=$(sql "SELECT count(*) FROM probe_result")
ok "probing goes on meanwhile" wait_for 5 sql_ge "SELECT count(*) FROM probe_result" $((before + 3))
ok "the command still delivers" wait_for 10 sql_is "SELECT count(*) FROM notify_outbox WHERE channel = 'ex' AND state = 'delivered'" 3
ok "the hanging attempt times out, kept as the error" \
	wait_for 10 sql_is "SELECT count(*) FROM notify_outbox WHERE channel = 'hook' AND last_error LIKE '%timed out%'" 1
rmode ok
ok "and is delivered when the receiver answers again" \
	wait_for 15 sql_is "SELECT count(*) FROM notify_outbox WHERE channel = 'hook' AND state IN ('pending', 'in-flight')" 0
ok "a refused connection fails after its attempts, the error kept" \
	wait_for 15 sql_is "SELECT state || ':' || attempts || ':' || (last_error LIKE '%connect%') FROM v_notifications WHERE channel = 'refused' AND system = 'c'" "failed:2:1"
ok "a command past its timeout is killed and failed" \
	wait_for 15 sql_is "SELECT state || ':' || last_error FROM v_notifications WHERE channel = 'slow' AND system = 'c'" "failed:timed out after 1000ms"
ok "a command that exits non-zero is failed with its status and output" \
	wait_for 15 sql_is "SELECT state || ':' || last_error FROM v_notifications WHERE channel = 'exits' AND system = 'c'" "failed:exited with status 3: nope"
stop_watch
ok "the watcher stops cleanly" test "$watch_rc" -eq 0

succeeds "notify log" notify log --channel refused
ok "lists the failed notification with its error" sh -c "grep -q 'c .*OK>WARN.*failed *2 *Failed to connect' '$T/out'"
succeeds "notify log --format json" notify log --state suppressed --format json
ok "selects by state" test "$(jq 'length' "$T/out")" -eq "$(sql "SELECT count(*) FROM notify_outbox WHERE state = 'suppressed'")"

# notify test: delivered now, or an error; the database untouched.
before=$(db_sum)
succeeds "notify test: delivered" notify test hook
ok "the receiver got a test event" test "$(posts '.body.event == "test"' | jq -r '.body.channel + " " + (.key == .body.key | tostring)')" = "hook true"
ok "the database is unchanged" test "$(db_sum)" = "$before"
fails "notify test: not delivered" 74 "channel refused: the test notification was not delivered: Failed to connect" notify test refused

# Removing a channel fails what it has not delivered and keeps the rest.
d notify add gone --kind webhook --url "$RURL/gone"
ctl mode/up >/dev/null
d probe --once
ok "with nobody delivering, c's recovery waits" \
	sql_is "SELECT group_concat(system || ':' || state, ' ') FROM v_notifications WHERE channel = 'gone'" "c:pending b:suppressed a:suppressed"
succeeds "notify remove" notify remove gone
ok "its undelivered notifications are failed, its name kept" \
	sql_is "SELECT state || ':' || last_error || ':' || channel || ':' || coalesce(channel_id, '-') FROM notify_outbox WHERE channel = 'gone' AND state <> 'suppressed'" "failed:channel removed:gone:-"
ok "and the channel is gone" sh -c "! '$DRTOP' notify list | grep -q '^gone'"

# A dependant seen failing before its cause: its notification is held
# (notify-hold), and when the cause's outage shows, suppressed in its favour.
d notify add held --kind exec --command true --system x --system y
export CHAT_PATH=chat
d notify add chat --kind webhook --url "$RURL/\${CHAT_PATH}" --shape slack --system x
watched x y
d depend add y --on x
d probe --once --system x --system y
ctl mode/status/500 >/dev/null
d probe --once --system y
d probe --once --system y
ok "y fails first: its notification is held for notify-hold (30s)" \
	sql_is "SELECT system || ':' || state || ':' || (next_at_ms > 1000 * strftime('%s', 'now') + 20000) FROM v_notifications WHERE channel = 'held'" "y:pending:1"
d probe --once --system x
d probe --once --system x
ok "x's outage shows: x is told of, naming y, and y's held notification is suppressed naming x" \
	sql_is "SELECT group_concat(system || ':' || state || ':' || cause || ':' || coalesce(affected, '-'), ' ') FROM (SELECT * FROM v_notifications WHERE channel = 'held' ORDER BY system)" "x:pending:x:y y:suppressed:x:-"

# Slack and Mattermost: {"text": ...}, the key in the header; the URL's
# secret part named by a variable, read when sending.
ok "the URL is stored with the variable's name" sql_is "SELECT target FROM notify_channel WHERE name = 'chat'" "$RURL/\${CHAT_PATH}"
succeeds "notify test: a Slack-shaped channel" notify test chat
ok "the receiver gets Slack's shape" \
	test "$(posts '.path == "/chat"' | jq -r '.body.text + " " + (.key | length | tostring)')" = ":information_source: drtop test notification for channel chat 32"
start_watch
ok "x's outage reaches the Slack-shaped channel" \
	wait_for 15 sql_is "SELECT state FROM notify_outbox WHERE channel = 'chat'" delivered
stop_watch
ok "as a line of text with a mark for its status" \
	test "$(posts '.path == "/chat" and .status == 204' | tail -n 1 | jq -r '.body | keys[0] + " " + .text')" = "text :warning: x: OK -> WARN (outage-ongoing); affects y"

# Maintenance: an outage inside a declared window notifies nobody, and
# neither do the outages of what depends on the system in maintenance.
d notify add maint --kind exec --command true --system 'm*'
watched m1 m2
d depend add m2 --on m1
ctl mode/up >/dev/null
d probe --once --system m1 --system m2
d maintenance add m1 --from -1m --to +1h --reason "disk swap"
ctl mode/status/500 >/dev/null
d probe --once --system m1 --system m2
d probe --once --system m1 --system m2
ok "m1's outage is planned, m2's is not" \
	sql_is "SELECT group_concat(s.name || ':' || o.planned, ' ') FROM outage o JOIN system s ON s.id = o.system_id WHERE s.name IN ('m1', 'm2') AND o.ended_ms IS NULL ORDER BY s.name" "m1:1 m2:0"
ok "m2 is not told of on its own: its cause is in maintenance" \
	sql_is "SELECT group_concat(system || ':' || state || ':' || cause, ' ') FROM v_notifications WHERE channel = 'maint'" "m2:suppressed:m1"

# Findings: a rule for findings hears one appear and clear, and not the
# changes of status that come with it.
fails "a bad --events" 65 "--events must be status, findings or all, not 'finding'" \
	notify rule add hook --events finding
ctl mode/up >/dev/null
watched f1
d probe --once --system f1
d status
d notify add fnd --kind exec --command true --events findings --system f1 --finding rpo-breach
d system set f1 --rpo 10s
d status
ok "a finding appears" sql_is "SELECT group_concat(event || ':' || finding || ':' || change || ':' || severity, ' ') FROM v_notifications WHERE channel = 'fnd'" "finding:rpo-breach:appeared:BREACH"
d system set f1 --rpo 1h
d status
ok "and clears; the status changes are not heard" \
	sql_is "SELECT group_concat(event || ':' || finding || ':' || change, ' ') FROM (SELECT * FROM v_notifications WHERE channel = 'fnd' ORDER BY id)" "finding:rpo-breach:appeared finding:rpo-breach:cleared"
# (back from BREACH to OK, or to WARN when a slow run took long enough for
# prober-stale: no watcher probes f1)
ok "the status changes were heard by the channels for them" \
	sql_is "SELECT group_concat(previous_status || '>' || CASE status WHEN 'BREACH' THEN status ELSE 'better' END, ' ') FROM (SELECT * FROM v_notifications WHERE channel = 'ex' AND system = 'f1' ORDER BY id)" "OK>BREACH BREACH>better"
succeeds "notify log shows what appeared" notify log --channel fnd
ok "in the change column" sh -c "grep -q 'fnd *f1 *cleared *rpo-breach' '$T/out'"

# Reminders: while a system stays in BREACH, again every --remind.
fails "reminders are of a status" 64 "--remind is for changes of status" \
	notify rule add hook --events findings --remind 1h
d notify add remind --kind exec --command true --system r1 --severity BREACH --remind 4s
watched r1
d probe --once --system r1
d status
d system set r1 --rpo 10s
d status
sleep 4.2 # the reminder's interval (the second status, within it, adds none)
d status
d status
ok "a BREACH that lasts is told of again after the interval, once" \
	sql_is "SELECT group_concat(event || ':' || status, ' ') FROM (SELECT * FROM v_notifications WHERE channel = 'remind' ORDER BY id)" "status:BREACH reminder:BREACH"
ok "the reminder says since when" \
	sql_is "SELECT (payload ->> '\$.since') = (SELECT payload ->> '\$.at' FROM notify_outbox WHERE channel = 'remind' AND kind = 'status') AND payload ->> '\$.summary' LIKE 'still BREACH: r1: OK -> BREACH%' FROM notify_outbox WHERE channel = 'remind' AND kind = 'reminder'" 1
d system set r1 --rpo 1h
d status
sleep 4.2
d status
ok "after it ends, no more reminders" \
	sql_is "SELECT group_concat(event || ':' || (status = 'BREACH'), ' ') FROM (SELECT * FROM v_notifications WHERE channel = 'remind' ORDER BY id)" "status:1 reminder:1 status:0"

# The ledger covers channels, rules and the outbox: a failed notification
# marked delivered behind drtop's back is found.
succeeds "the database verifies" db verify
failed=$(sql "SELECT min(id) FROM notify_outbox WHERE state = 'failed'")
sql "UPDATE notify_outbox SET state = 'delivered', last_error = NULL WHERE id = $failed"
run db verify
ok "a delivery forged outside drtop is found" sh -c "test $rc -eq 65 && grep -q 'notify_outbox $failed: changed outside drtop' '$T/out'"
done_testing

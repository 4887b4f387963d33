#!/bin/sh
# drtop notify, kind alertmanager: alerts pushed to a real Prometheus
# Alertmanager started here (its own config, storage and free port, no
# cluster), read back from its API; resolved ones are read from the
# notifications Alertmanager sends to tests/receiver.py (its v2 API lists
# only unresolved alerts), through a route on severity.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/watch-lib.sh"
AM=$(command -v prometheus-alertmanager || command -v alertmanager)
if [ -z "$AM" ]; then
	echo "1..0 # SKIP prometheus-alertmanager is not installed"
	exit 0
fi
unset DRTOP_NOW
d() { "$DRTOP" "$@" >/dev/null; }
start_server
start_receiver

# --- Alertmanager: everything at WARN or worse goes to the receiver at once ----
amport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$T/am.yml" <<EOF
route:
  receiver: "null"
  group_by: ["..."]
  group_wait: 0s
  group_interval: 1s
  routes:
    - matchers: ['severity=~"BREACH|WARN"']
      receiver: hook
receivers:
  - name: "null"
  - name: hook
    webhook_configs:
      - url: $RURL/am
        send_resolved: true
EOF
"$AM" --config.file="$T/am.yml" --storage.path="$T/am" --web.listen-address="127.0.0.1:$amport" \
	--cluster.listen-address= >"$T/am.log" 2>&1 &
am_pid=$!
pids="$pids $am_pid"
AMURL="http://127.0.0.1:$amport"
wait_for 20 curl -fs "$AMURL/-/ready" >/dev/null 2>&1 || { echo "Bail out! Alertmanager did not start"; exit 1; }

# alerts [JQ-FILTER]: Alertmanager's active alerts (one JSON line each), filtered
alerts() { curl -fs "$AMURL/api/v2/alerts" | jq -c ".[] | select(${1:-true})"; }
alerts_n() { [ "$(alerts "$1" | wc -l)" -eq "$2" ]; }
# pushed [JQ-FILTER]: the alerts of the events (not refreshes) drtop POSTed to
# the receiver (channel amr), filtered; reminded: the same, after keeping the
# status history (which writes the reminders)
pushed() { jq -c 'select(.path == "/prefix/api/v2/alerts" and (.key | startswith("refresh-") | not)) | .body' "$T/recv.log" | jq -c "select(${1:-true})"; }
pushed_some() { [ -n "$(pushed "$1")" ]; }
reminded() { keep; pushed_some "$1"; }
# refreshed [JQ-FILTER]: some alert of the refreshes (channel amr) matches
refreshed() { [ -n "$(jq -c 'select(.path == "/prefix/api/v2/alerts" and (.key | startswith("refresh-"))) | .body[]' "$T/recv.log" | jq -c "select(${1:-true})")" ]; }
# sent [JQ-FILTER]: the alerts Alertmanager sent to the receiver, filtered
sent() { jq -c 'select(.path == "/am") | .body.alerts[]' "$T/recv.log" | jq -c "select(${1:-true})"; }
sent_some() { [ -n "$(sent "$1")" ]; }
# keep: keep the status history now (drtop status does, when it can lock at once)
keep() { "$DRTOP" status >/dev/null 2>&1; }
kept() { keep; sql_is "$1" "$2"; }
iso() { sql "SELECT strftime('%Y-%m-%dT%H:%M:%S.000Z', $1, 'unixepoch')"; }
status_at() { iso "(SELECT at FROM status_history h JOIN system s ON s.id = h.system_id WHERE s.name = '$1' AND h.status = '$2' ORDER BY h.id DESC LIMIT 1)"; }

# --- channels, and bad input -------------------------------------------------------
succeeds "the refresh interval is a setting" config set alertmanager-refresh 1s
fails "an alertmanager channel needs a URL" 64 "an alertmanager channel needs --url URL" \
	notify add x --kind alertmanager
fails "takes --url, not --command" 64 "alertmanager takes --url, not --command" \
	notify add x --kind alertmanager --command true
fails "an Alertmanager URL is http or https" 65 "an Alertmanager URL is http or https, not 'file:///tmp'" \
	notify add x --kind alertmanager --url file:///tmp
fails "an Alertmanager URL is its base" 65 "an Alertmanager URL is its base" \
	notify add x --kind alertmanager --url "$AMURL/?x=1"
fails "a label is NAME=VALUE" 65 "--label: expected NAME=VALUE, not 'prod'" \
	notify add x --kind alertmanager --url "$AMURL" --label prod
fails "a label's name is a Prometheus one" 65 "--label: 'my-env' is not a label name" \
	notify add x --kind alertmanager --url "$AMURL" --label my-env=prod
fails "names starting with __ are reserved" 65 "--label: names starting with __ are reserved" \
	notify add x --kind alertmanager --url "$AMURL" --label __name__=x
fails "drtop's own labels are not a channel's" 65 "--label: 'severity' is one of drtop's own labels" \
	notify add x --kind alertmanager --url "$AMURL" --label severity=low
fails "a label needs a value" 65 "--label: 'env=' has no value" \
	notify add x --kind alertmanager --url "$AMURL" --label env=
fails "a label given twice" 65 "--label: 'env' is given twice" \
	notify add x --kind alertmanager --url "$AMURL" --label env=a --label env=b
fails "a label's value is text" 65 "--label: the value of" \
	notify add x --kind alertmanager --url "$AMURL" --label "env=$(printf 'a\033b')"
fails "labels belong to alertmanager channels" 64 "--label belongs to an alertmanager channel" \
	notify add x --kind webhook --url "$RURL/" --label env=prod
fails "the refresh is a duration" 65 "alertmanager-refresh" config set alertmanager-refresh often

export AM_TOKEN=am-s3cr3t
"$DRTOP" notify add am --kind alertmanager --url "$AMURL/" --label env=prod --label team=dr \
	--header 'X-Scope-OrgID: ${AM_TOKEN}' >"$T/out"
ok "an alertmanager channel is added" out_has "added alertmanager channel am"
ok "its labels are kept in its options" \
	sql_is "SELECT options FROM notify_channel WHERE name = 'am'" '{"labels":{"env":"prod","team":"dr"}}'
succeeds "notify show" notify show am
ok "shows its URL and its labels" sh -c "grep -qx 'url:      $AMURL/' '$T/out' && grep -qx 'label:    env=prod' '$T/out'"
succeeds "notify list --format json" notify list --format json
ok "lists its options" test "$(jq -r '.[0].options.labels.team' "$T/out")" = dr
d notify rule add am --events findings --finding rto-breach

# --- a test alert --------------------------------------------------------------
before=$(db_sum)
succeeds "notify test: pushed" notify test am
ok "Alertmanager has the test alert, with the channel's labels, ending in 5 minutes" \
	test "$(alerts '.labels.alertname == "DrtopTest"' | jq -r '[.labels.env, .labels.team, .annotations.summary, ((.endsAt | sub("\\.000Z$"; "Z") | fromdate) - (.startsAt | sub("\\.000Z$"; "Z") | fromdate))] | join(":")')" = \
	"prod:dr:drtop test alert for channel am:300"
ok "the database is unchanged" test "$(db_sum)" = "$before"
# What is sent, as the receiver sees it (channel amr, kept to the end): the
# API's path under the URL given, the header's secret read from the
# environment (and never stored); a reminder every second while in BREACH.
d notify add amr --kind alertmanager --url "$RURL/prefix" --header 'X-Scope-OrgID: ${AM_TOKEN}'
d notify rule add amr --severity BREACH --remind 1s
d notify test amr
ok "the alerts are POSTed to URL/api/v2/alerts, with the header's secret" \
	test "$(jq -r 'select(.path | startswith("/prefix")) | .path + " " + .headers["X-Scope-OrgID"] + " " + (.body | type)' "$T/recv.log")" = \
	"/prefix/api/v2/alerts am-s3cr3t array"
ok "the secret is never stored" sh -c "! cat '$DRTOP_DB'* | grep -qa am-s3cr3t"
d notify add nobody --kind alertmanager --url "http://127.0.0.1:9"
fails "notify test: nobody there" 74 "channel nobody: the test notification was not delivered: Failed to connect" \
	notify test nobody
d notify remove nobody

# --- systems: p (owner, tier 1), q (an RTO of 15 s), r depends on p --------------
# (A generous timeout and a low coverage-min: a machine slow enough to leave
# a young system's endpoint a few seconds unprobed tells of no evidence-gap.)
d config set coverage-min 1%
for s in p q r; do
	rto=1h
	[ $s = q ] && rto=15s # long enough for its WARN to be kept first on a busy machine
	d system add $s --rto $rto --rpo 1h --tier 1 --owner "payments team"
	d endpoint add $s "$URL/health?$s" --interval 1s --timeout 10s
	d checkin $s --at -1m
	d drill add $s --kind restore --started -30d --recovered -30d
done
d depend add r --on p
d probe --once
ok "the systems start OK" sql_is "SELECT group_concat(status) FROM status_history" "OK,OK,OK"

ctl mode/status/500 >/dev/null
start_watch
ok "all three fail: outages" wait_for 20 sql_is "SELECT count(*) FROM outage WHERE ended_ms IS NULL" 3
ok "the changes to WARN are kept" \
	wait_for 20 kept "SELECT group_concat(s.name || ':' || h.status) FROM status_history h JOIN system s ON s.id = h.system_id WHERE h.status <> 'OK'" "p:WARN,q:WARN,r:WARN"
ok "p's alert fires in Alertmanager" wait_for 20 alerts_n '.labels.system == "p"' 1
ok "and the watchdog, while the prober probes" \
	wait_for 20 alerts_n '.labels.alertname == "DrtopWatchdog" and .labels.severity == "none" and .labels.env == "prod" and (.labels | has("system") | not)' 1
ok "with drtop's labels and the channel's" \
	test "$(alerts '.labels.system == "p"' | jq -c '.labels')" = \
	'{"alertname":"DrtopSystemStatus","env":"prod","finding":"outage-ongoing","owner":"payments team","severity":"WARN","system":"p","team":"dr","tier":"1"}'
ok "starting at the change of status" \
	test "$(alerts '.labels.system == "p"' | jq -r '.startsAt')" = "$(status_at p WARN)"
ok "its annotations: the summary, the event's key, the systems it affects" \
	test "$(alerts '.labels.system == "p"' | jq -r '.annotations | .summary + "|" + .key + "|" + .affected')" = \
	"p: OK -> WARN (outage-ongoing); affects r|$(sql "SELECT key FROM notify_outbox WHERE channel = 'am' AND system_id = (SELECT id FROM system WHERE name = 'p')")|r"
ok "routed on severity: Alertmanager sent p's alert on to the receiver" \
	wait_for 20 sent_some '.labels.system == "p" and .status == "firing"'

# A long outage: the refresh (every second, each alert ending 3 s later)
# keeps p's alert firing well past the end it was first pushed with.
first_end=$(alerts '.labels.system == "p"' | jq -r '.endsAt')
late() { [ "$(date -u +%s)" -ge $(($(date -u -d "$first_end" +%s) + 1)) ]; }
wait_for 20 late
ok "the refresh keeps a long outage's alert firing past its first endsAt" \
	test "$(alerts '.labels.system == "p"' | jq -r --arg f "$first_end" '(.endsAt > $f) and .status.state == "active"')" = true
ok "the alert is still the same one (it started at the change)" \
	test "$(alerts '.labels.system == "p"' | jq -r '.startsAt')" = "$(status_at p WARN)"
ok "r, whose cause is p, is not an alert of its own: never pushed, never refreshed" \
	alerts_n '.labels.system == "r"' 0

# q's outage outlasts its RTO: WARN -> BREACH resolves the WARN alert and fires
# the BREACH one; the rto-breach finding is an alert of its own.
qbreach() { keep; sql_is "SELECT status FROM status_history WHERE system_id = (SELECT id FROM system WHERE name = 'q') ORDER BY id DESC LIMIT 1" BREACH; }
ok "q breaches its RTO" wait_for 15 qbreach
ok "q's BREACH alert fires, its finding rto-breach" \
	wait_for 20 alerts_n '.labels.system == "q" and .labels.severity == "BREACH" and .labels.finding == "rto-breach" and .labels.alertname == "DrtopSystemStatus"' 1
ok "q's WARN alert is no longer active" alerts_n '.labels.system == "q" and .labels.severity == "WARN"' 0
ok "Alertmanager sent q's WARN alert resolved, ending at the change" \
	wait_for 20 sent_some ".labels.system == \"q\" and .labels.severity == \"WARN\" and .status == \"resolved\" and (.endsAt | sub(\"Z\$\"; \".000Z\")) == \"$(status_at q BREACH)\""
ok "q's change to BREACH is pushed as two alerts: the WARN one ending at the change, the BREACH one starting then" \
	wait_for 20 pushed_some "length == 2 and .[0].labels.severity == \"WARN\" and (.[0] | has(\"startsAt\") | not) and .[0].endsAt == \"$(status_at q BREACH | sed 's/\.000Z$/Z/')\" and .[1].labels.severity == \"BREACH\" and .[1].startsAt == .[0].endsAt and .[1].labels.system == \"q\""
ok "a reminder pushes the BREACH alert again, started at the change" \
	wait_for 20 reminded "length == 1 and (.[0].annotations.summary | startswith(\"still BREACH: q:\")) and .[0].startsAt == \"$(status_at q BREACH | sed 's/\.000Z$/Z/')\""
ok "the finding rto-breach fires as a DrtopFinding alert" \
	wait_for 15 alerts_n '.labels.alertname == "DrtopFinding" and .labels.system == "q" and .labels.finding == "rto-breach" and .labels.severity == "BREACH" and .labels.env == "prod"' 1

# Recovery: p's alert is resolved at once (long before its endsAt would end it).
ctl mode/up >/dev/null
ok "the outages end" wait_for 20 sql_is "SELECT count(*) FROM outage WHERE ended_ms IS NULL" 0
ok "p's recovery is kept" \
	wait_for 20 kept "SELECT status FROM status_history WHERE system_id = (SELECT id FROM system WHERE name = 'p') ORDER BY id DESC LIMIT 1" OK
ok "p's alert is no longer active" wait_for 20 alerts_n '.labels.system == "p"' 0
ok "Alertmanager sent p's alert resolved, ending at the recovery" \
	wait_for 20 sent_some ".labels.system == \"p\" and .status == \"resolved\" and (.endsAt | sub(\"Z\$\"; \".000Z\")) == \"$(status_at p OK)\""
ok "for a few refreshes after, p's alert is pushed resolved again (a refresh read before the change may arrive after it)" \
	wait_for 5 refreshed ".labels.system == \"p\" and (has(\"startsAt\") | not) and .endsAt == \"$(status_at p OK | sed 's/\.000Z$/Z/')\""
ok "q stays in BREACH (its outage outlasted the RTO): its alert stays" \
	sh -c "[ \"\$(curl -fs '$AMURL/api/v2/alerts' | jq -c '.[] | select(.labels.system == \"q\" and .labels.alertname == \"DrtopSystemStatus\") | .labels.severity')\" = '\"BREACH\"' ]"
ok "every event reached Alertmanager (the newest, sent as the prober goes on)" \
	wait_for 20 sql_is "SELECT group_concat(DISTINCT state) FROM notify_outbox WHERE channel = 'am' AND state <> 'suppressed'" delivered

# A dead prober: nobody refreshes, and its alerts resolve on their own.
stop_watch KILL
ok "with the prober gone, q's alerts resolve on their own within a few refreshes" \
	wait_for 20 alerts_n '.labels.system == "q"' 0
ok "the watchdog too: a dead-man's switch on it notices" alerts_n '.labels.alertname == "DrtopWatchdog"' 0
succeeds "the ledger still verifies" db verify

kill "$am_pid" 2>/dev/null
wait "$am_pid" 2>/dev/null
done_testing

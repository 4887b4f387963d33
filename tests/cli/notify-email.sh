#!/bin/sh
# drtop notify: email channels, through a real SMTP server (tests/smtp.py,
# Debian's python3-aiosmtpd) on 127.0.0.1: the mail of a status change, a
# refusing server retried and failed with its answer kept, STARTTLS and SMTPS
# with a certificate made here, AUTH from the environment; and the Mattermost
# and Teams shapes of a webhook, read back from tests/receiver.py.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/watch-lib.sh"
unset DRTOP_NOW
# A python that has aiosmtpd (Debian's python3; another one may lead PATH).
PY=
for p in python3 /usr/bin/python3; do
	if "$p" -c 'import aiosmtpd' 2>/dev/null; then PY=$p; break; fi
done
[ -n "$PY" ] || { echo "Bail out! no python3 with aiosmtpd (Debian: apt-get install python3-aiosmtpd)"; exit 1; }
d() { "$DRTOP" "$@" >/dev/null; }
# start_smtp DIR [OPTIONS]: an SMTP receiver writing to DIR; sets SPORT
start_smtp() {
	dir=$1
	shift
	"$PY" "$SRCDIR/tests/smtp.py" "$dir" "$@" >"$dir.port" 2>"$dir.err" &
	pids="$pids $!"
	wait_for 10 test -s "$dir.port" || { echo "Bail out! the SMTP receiver did not start"; exit 1; }
	SPORT=$(cat "$dir.port")
}
# mail FILE EXPR: EXPR (Python) of the mail FILE parsed as m, its text as b
mail() {
	"$PY" -c 'import email, email.policy, sys
m = email.message_from_binary_file(open(sys.argv[1], "rb"), policy=email.policy.default)
b = m.get_content()
print(eval(sys.argv[2]))' "$@"
}
nmails() { ls "$1" | grep -c '\.eml$'; }
nmails_is() { [ "$(nmails "$1")" -eq "$2" ]; }
# post PATH EXPR: EXPR (Python) of the body b of the last POST to PATH
post() {
	"$PY" -c 'import json, sys
b = [p for p in map(json.loads, open(sys.argv[1])) if p["path"] == sys.argv[2]][-1]["body"]
print(eval(sys.argv[3]))' "$T/recv.log" "$@"
}
start_server
start_receiver
start_smtp "$T/plain"
PLAIN=$SPORT
start_smtp "$T/refusing"
echo 550 >"$T/refusing/mode"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
	-subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 \
	-keyout "$T/key.pem" -out "$T/cert.pem" 2>/dev/null
start_smtp "$T/tls" --starttls "$T/cert.pem" "$T/key.pem" --auth drtop-user:s3cret-smtp-pass
TLS=$SPORT
start_smtp "$T/smtps" --smtps "$T/cert.pem" "$T/key.pem"
SMTPS=$SPORT
M="--kind email --from drtop@example.com --to ops@example.com"

# --- bad input: one message, the database unchanged ----------------------------
d config set notify-retry-max 1m
fails "a literal password is refused, and not echoed" 65 "--password holds a literal secret, and drtop never stores secrets" \
	notify add m $M --url "smtp://127.0.0.1:$TLS" --user ops --password hunter2
ok "the message does not hold the password" sh -c "! grep -q hunter2 '$T/err'"
fails "a password is one variable" 65 "--password: expected one \${VARIABLE} and nothing else" \
	notify add m $M --url "smtp://127.0.0.1:$TLS" --user ops --password 'pre${SMTP_PASSWORD}'
fails "a password needs a user" 64 "--user and --password go together" \
	notify add m $M --url "smtp://127.0.0.1:$TLS" --password '${SMTP_PASSWORD}'
fails "credentials only over TLS" 64 "--user and --password need TLS" \
	notify add m $M --url "smtp://127.0.0.1:$TLS" --tls none --user ops --password '${SMTP_PASSWORD}'
fails "no credentials in the URL" 65 "a mail server URL with credentials (user:password@host) is refused" \
	notify add m $M --url "smtp://ops:hunter2@127.0.0.1:$TLS"
ok "and they are not echoed" sh -c "! grep -q hunter2 '$T/err'"
fails "an email URL is smtp or smtps" 65 "an email channel's URL is smtp://HOST[:PORT] or smtps://HOST[:PORT], not 'http://127.0.0.1/'" \
	notify add m $M --url http://127.0.0.1/
fails "an email channel needs a URL" 64 "an email channel needs --url smtp://HOST[:PORT]" notify add m $M
fails "and a sender" 64 "an email channel needs --from ADDR and at least one --to ADDR" \
	notify add m --kind email --url "smtp://127.0.0.1:$PLAIN" --to ops@example.com
fails "and a recipient" 64 "an email channel needs --from ADDR and at least one --to ADDR" \
	notify add m --kind email --url "smtp://127.0.0.1:$PLAIN" --from drtop@example.com
fails "a recipient is a mail address" 65 "--to: 'ops@example.com, evil@example.org' is not a mail address" \
	notify add m $M --url "smtp://127.0.0.1:$PLAIN" --to 'ops@example.com, evil@example.org'
fails "an unknown TLS mode" 65 "--tls must be starttls, try or none, not 'always'" \
	notify add m $M --url "smtp://127.0.0.1:$PLAIN" --tls always
fails "--tls is for smtp://" 64 "an smtps:// server speaks TLS from the start" \
	notify add m $M --url "smtps://127.0.0.1:$SMTPS" --tls starttls
fails "a CA file that cannot be read" 66 "--cacert: cannot read '$T/nope.pem'" \
	notify add m $M --url "smtp://127.0.0.1:$TLS" --cacert "$T/nope.pem"
fails "mail options belong to email" 64 "--to belongs to an email channel" \
	notify add m --kind webhook --url "$RURL/" --to ops@example.com
fails "a shape is a webhook's" 64 "--shape belongs to a webhook channel" \
	notify add m $M --url "smtp://127.0.0.1:$PLAIN" --shape teams
fails "an unknown shape" 65 "--shape must be drtop, slack, mattermost or teams, not 'discord'" \
	notify add m --kind webhook --url "$RURL/" --shape discord

# --- channels --------------------------------------------------------------------
"$DRTOP" notify add mail $M --to dba@example.org --url "smtp://127.0.0.1:$PLAIN" --tls none >"$T/out"
ok "an email channel is added" out_has "added email channel mail"
d notify add refused $M --url "smtp://127.0.0.1:$(cat "$T/refusing.port")" \
	--tls none --attempts 5
d notify add chat --kind webhook --shape mattermost --url "$RURL/mattermost"
d notify add teams --kind webhook --shape teams --url "$RURL/teams"
d notify add secure $M --url "smtp://127.0.0.1:$TLS" --cacert "$T/cert.pem" \
	--user '${SMTP_USER}' --password '${SMTP_PASSWORD}' --system none
succeeds "notify show: an email channel" notify show mail
ok "shows its sender, recipients and TLS mode" sh -c "grep -qx 'from:     drtop@example.com' '$T/out' &&
	grep -qx 'to:       ops@example.com, dba@example.org' '$T/out' && grep -qx 'tls:      none' '$T/out'"
succeeds "notify show: with credentials" notify show secure
ok "shows the variables' names, STARTTLS by default, the CA file" sh -c "grep -qx 'user:     \${SMTP_USER}' '$T/out' &&
	grep -qx 'password: \${SMTP_PASSWORD}' '$T/out' && grep -qx 'tls:      starttls' '$T/out' &&
	grep -qx 'cacert:   $T/cert.pem' '$T/out'"
succeeds "notify list" notify list
ok "lists the server and the recipients" sh -c "grep -q '^mail *email *smtp://127.0.0.1:$PLAIN to ops@example.com,dba@example.org ' '$T/out'"

# --- a status change, as one mail -------------------------------------------------
# app depends on db; both probed every second, backed up and drilled: OK.
# (A generous timeout and a low coverage-min: a machine slow enough to leave
# a young system's endpoint a few seconds unprobed tells of no evidence-gap.)
d config set coverage-min 1%
for s in db app; do
	d system add $s --rto 1h --rpo 1h --owner "Équipe $s (Zoë)"
	d endpoint add $s "$URL/health?$s" --interval 1s --timeout 10s
	d checkin $s --at -1m
	d drill add $s --kind restore --started -30d --recovered -30d
done
d depend add app --on db
d probe --once
ctl mode/status/500 >/dev/null
d probe --once
d probe --once
ok "db's outage is the one event to tell of, naming app" \
	sql_is "SELECT group_concat(channel || ':' || system || ':' || state, ' ') FROM (SELECT * FROM v_notifications WHERE channel IN ('mail', 'refused') ORDER BY channel, system)" \
	"mail:app:suppressed mail:db:pending refused:app:suppressed refused:db:pending"
start_watch
ok "the prober delivers it by mail" \
	wait_for 15 sql_is "SELECT state FROM notify_outbox WHERE channel = 'mail' AND system_id = (SELECT id FROM system WHERE name = 'db')" delivered
key=$(sql "SELECT key FROM notify_outbox WHERE channel = 'mail' AND state = 'delivered'")
ok "the server got one mail" nmails_is "$T/plain" 1
ok "its subject names the system and the change" \
	test "$(mail "$T/plain/1.eml" "m['Subject']")" = "[drtop] db: OK -> WARN (outage-ongoing); affects app"
ok "to every recipient, from the sender" \
	test "$(mail "$T/plain/1.eml" "m['X-Envelope-To'] + ' ' + m['To'] + ' ' + m['X-Envelope-From'] + ' ' + m['From']")" = \
	"ops@example.com,dba@example.org ops@example.com, dba@example.org drtop@example.com drtop <drtop@example.com>"
ok "its Message-ID and X-Drtop-Key carry the key" \
	test "$(mail "$T/plain/1.eml" "m['Message-ID'] + ' ' + m['X-Drtop-Key']")" = "<drtop.$key@example.com> $key"
ok "it has a date" test "$(mail "$T/plain/1.eml" "m['Date'].datetime.tzname()")" = UTC
ok "its text tells the facts: status, finding, tier, owner (UTF-8), when, the systems affected" \
	test "$(mail "$T/plain/1.eml" "b")" = "$(printf '%s\n' 'db: OK -> WARN (outage-ongoing); affects app' '' \
		'System:       db' 'Status:       WARN (was OK)' 'Finding:      outage-ongoing' 'Tier:         2' \
		'Owner:        Équipe db (Zoë)' "When:         $(sql "SELECT payload ->> '\$.at' FROM notify_outbox WHERE key = '$key'")" \
		'Affected:     app (WARN)' '' '-- ' "drtop notification $key" '(a copy sent again carries the same key: drop it)')"

# --- a refusing server: a 5xx fails at once, with its answer ------------------------
ok "a server that refuses the recipient for good (550): failed at the first attempt, its answer kept" \
	wait_for 15 sql_is "SELECT state || ':' || attempts || ':' || last_error FROM v_notifications WHERE channel = 'refused' AND system = 'db'" \
	"failed:1:RCPT failed: 550; the server answered: 550 5.1.1 no such user here"
ok "and it saw one attempt" test "$(grep -c ' 550 ' "$T/refusing/rcpt.log")" -eq 1
# A refusal that passes: the next mail is refused once (451), then delivered.
echo fail/1 >"$T/plain/mode"
ctl mode/up >/dev/null
# (drtop status keeps the status history now, when it can take the lock at once)
kept_is() { "$DRTOP" status >/dev/null 2>&1; sql_is "$@"; }
ok "db's recovery is delivered at the second attempt" \
	wait_for 15 kept_is "SELECT attempts || ':' || coalesce(last_error, '-') FROM notify_outbox WHERE channel = 'mail' AND payload ->> '\$.status' = 'OK' AND state = 'delivered'" "2:-"
ok "after a 451" grep -q '^ops@example.com 451 4.3.0 ' "$T/plain/rcpt.log"
key2=$(sql "SELECT key FROM notify_outbox WHERE channel = 'mail' AND state = 'delivered' AND payload ->> '\$.status' = 'OK'")
ok "as a second mail, with its own key" \
	test "$(mail "$T/plain/2.eml" "m['Subject'] + ' ' + m['X-Drtop-Key']")" = "[drtop] db: WARN -> OK $key2"

# --- Mattermost and Teams ------------------------------------------------------------
ok "the webhooks got db's outage too" \
	wait_for 30 sql_is "SELECT count(*) FROM notify_outbox WHERE channel IN ('chat', 'teams') AND state = 'delivered'" 4
stop_watch
ok "Mattermost: {\"text\": ...}, a mark for the status and the summary" \
	test "$(post /mattermost "b == {'text': ':white_check_mark: db: WARN -> OK'}")" = True
ok "Teams: a message with one Adaptive Card" \
	test "$(post /teams "(b['type'], len(b['attachments']), b['attachments'][0]['contentType'], b['attachments'][0]['contentUrl'], b['attachments'][0]['content']['type'], b['attachments'][0]['content']['version'])")" = \
	"('message', 1, 'application/vnd.microsoft.card.adaptive', None, 'AdaptiveCard', '1.4')"
"$PY" -c 'import json, sys
for p in map(json.loads, open(sys.argv[1])):
    if p["path"] == "/teams" and p["body"]["attachments"][0]["content"]["body"][0]["text"].startswith("db: OK"):
        print(json.dumps(p["body"]))' "$T/recv.log" >"$T/teams.json"
ok "its card: the summary in bold, coloured by the status, and the facts, as text" \
	test "$("$PY" -c 'import json, sys
c = json.load(open(sys.argv[1]))["attachments"][0]["content"]["body"]
print(c[0]["text"], c[0]["weight"], c[0]["color"], c[0]["wrap"], c[1]["type"])
for f in c[1]["facts"]:
    print(f["title"] + "=" + f["value"] if isinstance(f["value"], str) else "not text")' "$T/teams.json" | grep -v '^When=')" = \
	"$(printf '%s\n' 'db: OK -> WARN (outage-ongoing); affects app Bolder Warning True FactSet' 'System=db' \
		'Status=WARN (was OK)' 'Finding=outage-ongoing' 'Tier=2' 'Owner=Équipe db (Zoë)' 'Affected=app (WARN)')"

# --- STARTTLS, SMTPS, AUTH from the environment --------------------------------------
export SMTP_USER=drtop-user SMTP_PASSWORD=s3cret-smtp-pass
succeeds "notify test: STARTTLS to a server whose certificate --cacert trusts, with AUTH" notify test secure
ok "the mail went over TLS, logged in as the user from the environment" \
	test "$(mail "$T/tls/1.eml" "m['X-Tls'] + ' ' + m['X-Auth'] + ' ' + m['Subject']")" = "yes drtop-user [drtop] test notification for channel secure"
ok "the password is never stored" sh -c "! cat '$DRTOP_DB'* | grep -qa s3cret-smtp-pass"
unset SMTP_PASSWORD
fails "the password's variable unset: said, not sent" 74 "channel secure: the test notification was not delivered: the channel's --password names \${SMTP_PASSWORD}, which is not set in the environment" \
	notify test secure
d notify add untrusted $M --url "smtp://127.0.0.1:$TLS"
fails "a certificate nobody vouches for is refused" 74 "channel untrusted: the test notification was not delivered: SSL certificate problem" \
	notify test untrusted
d notify add notls $M --url "smtp://127.0.0.1:$PLAIN"
fails "STARTTLS (the default) from a server without it fails, saying so" 74 \
	"channel notls: the test notification was not delivered: STARTTLS not supported: the server offers no TLS" \
	notify test notls
ok "and sent nothing" nmails_is "$T/plain" 2
d notify add maybe $M --url "smtp://127.0.0.1:$PLAIN" --tls try
succeeds "--tls try: STARTTLS when offered, else in clear" notify test maybe
ok "to the server without it, in clear" test "$(mail "$T/plain/3.eml" "m['X-Tls'] + ' ' + m['Subject']")" = "no [drtop] test notification for channel maybe"
d notify add smtps $M --url "smtps://127.0.0.1:$SMTPS" --cacert "$T/cert.pem"
succeeds "notify test: SMTPS" notify test smtps
ok "over TLS from the start" test "$(mail "$T/smtps/1.eml" "m['X-Tls'] + ' ' + m['Subject']")" = "yes [drtop] test notification for channel smtps"
succeeds "the database verifies" db verify
done_testing

#!/bin/sh
# Secrets in endpoint headers: never sent to another origin on a redirect,
# never over plain http after https, checked for line breaks when expanded,
# and never accepted literally (in a header or in a URL's userinfo).
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW
start_server

# A second origin: another test server on another port.
other_server() { # other_server NAME [--tls CERT KEY]: sets PORT2, CTL2
	name=$1
	shift
	python3 "$SRCDIR/tests/server.py" "$@" >"$T/$name.out" 2>"$T/$name.err" &
	pids="$pids $!"
	wait_for 10 test -s "$T/$name.out" || { echo "Bail out! second test server did not start"; exit 1; }
	read -r PORT2 CTL2 <"$T/$name.out"
}
other_server plain
other_saw() { curl -fsS "http://127.0.0.1:$CTL2/headers"; }

result() {
	sql "SELECT r.ok || '|' || coalesce(r.status_code, '') || '|' || coalesce(r.error, '')
	     FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id
	     WHERE e.url = '$1' ORDER BY r.id DESC LIMIT 1"
}
has() { case "$(result "$1")" in $2) return 0 ;; *) echo "# got: $(result "$1")"; return 1 ;; esac; }

API_KEY=s3cr3t-value-42
export API_KEY
"$DRTOP" system add api --rto 1h --rpo 1h >/dev/null
secret() { "$DRTOP" endpoint add api "$1" --timeout 2s --header 'X-Api-Key: ${API_KEY}' --header 'Authorization: Bearer ${API_KEY}' >/dev/null; }
away="$URL/redirect-to/http%3A%2F%2F127.0.0.1%3A$PORT2%2Fecho-headers"
twice="$URL/redirect-to/%2Fredirect-to%2Fhttp%253A%252F%252F127.0.0.1%253A$PORT2%252Fecho-headers"
home="$URL/redirect-to/%2Fecho-headers"
loop="$URL/redirect-loop"
broken="$URL/redirect-to/http%3A%2F%2F%5B%3A%3A1%2F"
secret "$broken"
secret "$away"
secret "$twice"
secret "$home"
secret "$loop"
succeeds "probe endpoints with secret headers that redirect" probe --system api
ok "another origin never receives the secret" sh -c "! curl -fsS 'http://127.0.0.1:$CTL2/headers' | grep -q s3cr3t"
ok "nor any request at all" test -z "$(other_saw)"
ok "a redirect to another origin fails the probe, saying why" has "$away" "0|302|redirected to another origin (http://127.0.0.1:$PORT2): the endpoint's secrets (\${VARIABLES}) are not sent there; probe that URL directly*"
ok "also after a first redirect within the origin" has "$twice" "0|302|redirected to another origin (http://127.0.0.1:$PORT2)*"
ok "a redirect within the origin is followed" has "$home" "1|200|"
home_saw() { ctl headers | grep -qF 'X-Api-Key: s3cr3t-value-42'; }
ok "and the headers are sent there" home_saw
ok "a redirect loop still stops after 5" has "$loop" "0|302|Maximum (5) redirects followed"
ok "a redirect to a malformed URL fails" has "$broken" "0|302|redirected to a malformed URL"
ok "no output shows the secret" out_lacks s3cr3t

# Without secret headers a redirect to another origin is followed as before.
"$DRTOP" system add open --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add open "$URL/redirect-to/http%3A%2F%2F127.0.0.1%3A$PORT2%2Fstatus%2F204" --header 'Accept: text/plain' >/dev/null
succeeds "probe a plain endpoint that redirects away" probe --system open
ok "it follows the redirect" has "$URL/redirect-to/http%3A%2F%2F127.0.0.1%3A$PORT2%2Fstatus%2F204" "1|204|"

# Expanded values with a line break are not sent.
"$DRTOP" system add crlf --rto 1h --rpo 1h >/dev/null
"$DRTOP" endpoint add crlf "http://127.0.0.1:$PORT2/echo-headers" --header 'X-Api-Key: ${TOK}' >/dev/null
TOK=$(printf 'abc\r\nX-Injected: yes\r\n\r\nGET /smuggled HTTP/1.1') "$DRTOP" probe --system crlf >"$T/out" 2>"$T/err"
ok "a value with CR LF fails the probe, naming header and variable" has "http://127.0.0.1:$PORT2/echo-headers" '0||header X-Api-Key: ${TOK} holds a line break (CR or LF)*'
ok "nothing was sent" test -z "$(other_saw)"
ok "the value is not shown" sh -c "! grep -q 'Injected' '$T/out' '$T/err'"
TOK=$(printf 'abc\r') "$DRTOP" probe --system crlf >"$T/out" 2>"$T/err"
ok "a lone CR (a token file with CRLF endings) too" has "http://127.0.0.1:$PORT2/echo-headers" '0||header X-Api-Key: ${TOK} holds a line break*'

# Literal secrets are refused, and never echoed.
fails "a URL with user and password" 65 "a URL with literal credentials (user:password@host) is refused" endpoint add api 'http://admin:Hunter2@127.0.0.1:1/health'
ok "the password is not echoed" sh -c "! grep -q Hunter2 '$T/err'"
ok "the message shows how to name a variable" err_has 'https://user:${SITE_PASSWORD}@host/'
fails "a URL with a user name only (a token)" 65 "a URL with literal credentials" endpoint add api 'https://ghp_abc123@127.0.0.1:1/health'
for h in 'Authorization: Bearer literal-s3cret' 'Proxy-Authorization: Basic YWJj' 'Cookie: session=abc' \
	'X-Api-Key: abc' 'PRIVATE-TOKEN: abc' 'x-my-secret: abc' 'X-Auth-User: abc' 'X-Password: abc' \
	'apikey: abc'; do
	name=${h%%:*}
	fails "a literal $name header" 65 "header $name holds a literal secret, and drtop never stores secrets" endpoint add api "$URL/health" --header "$h"
done
ok "the message says how to name a variable" err_has "e.g. 'apikey: \${APIKEY}'"
ok "and does not echo the value" sh -c "! grep -q abc '$T/err'"
succeeds "other headers are taken literally" endpoint add api "$URL/health" --header 'Accept: application/json' --header 'X-Request-Source: drtop'
succeeds "and secret ones naming a variable" endpoint add api "$URL/status/204" --header 'Authorization: Bearer ${API_KEY}'
printf '{"drtop":1,"systems":[{"name":"imp","rto":"1h","rpo":"1h","endpoints":[{"url":"http://127.0.0.1:1/x","headers":["X-Api-Key: literal"]}]}]}' >"$T/lit.json"
fails "import refuses a literal secret header" 65 "header X-Api-Key holds a literal secret" import "$T/lit.json"
printf '{"drtop":1,"systems":[{"name":"imp","rto":"1h","rpo":"1h","endpoints":[{"url":"http://u:p@127.0.0.1:1/x"}]}]}' >"$T/user.json"
fails "import refuses a URL with credentials" 65 "a URL with literal credentials" import "$T/user.json"

# Variables in a URL's user, password, path and query: expanded (percent-encoded)
# at probe time, never stored; never in its scheme, host or port.
"$DRTOP" system add urlvars --rto 1h --rpo 1h >/dev/null
vurl="http://drtop:\${URL_PW}@127.0.0.1:$PORT/echo-headers?key=\${URL_KEY}"
succeeds "a URL may name variables in its password and query" endpoint add urlvars "$vurl"
URL_PW='p@ss/w:rd' URL_KEY='k&x=1' "$DRTOP" probe --system urlvars >"$T/out" 2>"$T/err"
ok "the probe is sent with the values" has "$vurl" "1|200|"
saw() { ctl headers | grep -qF "$1"; }
ok "percent-encoded into the query" saw "GET /echo-headers?key=k%26x%3D1 "
ok "and decoded into the credentials" saw "Authorization: Basic $(printf 'drtop:p@ss/w:rd' | base64)"
ok "the output does not show them" sh -c "! grep -q 'p@ss\|k%26x' '$T/out' '$T/err'"
sqlite3 "$DRTOP_DB" "PRAGMA wal_checkpoint" >/dev/null
ok "no database file holds them" sh -c "! cat '$DRTOP_DB'* | grep -aq 'p@ss/w:rd\|k%26x%3D1'"
URL_PW=x "$DRTOP" probe --system urlvars >"$T/out" 2>"$T/err"
ok "an unset variable fails the probe, naming it" has "$vurl" '0||URL names ${URL_KEY}, which is not set in the environment'
fails "not in the host" 65 'may stand in its user, password, path or query, not in its scheme, host or port' endpoint add urlvars 'http://${API_HOST}/x'
fails "a malformed reference" 65 'malformed variable reference' endpoint add urlvars 'http://127.0.0.1/${1X}'
fails "a literal password beside a variable user" 65 "literal credentials" endpoint add urlvars 'http://${U}:pw@127.0.0.1/'


# https never redirects to http, with or without secret headers.
if command -v openssl >/dev/null &&
	openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -days 1 \
		-keyout "$T/key.pem" -out "$T/cert.pem" >/dev/null 2>&1; then
	other_server tls --tls "$T/cert.pem" "$T/key.pem"
	plain=$(printf 'http%%3A%%2F%%2F127.0.0.1%%3A%s%%2Fecho-headers' "$PORT")
	"$DRTOP" system add tls --rto 1h --rpo 1h >/dev/null
	"$DRTOP" endpoint add tls "https://127.0.0.1:$PORT2/redirect-to/$plain" --insecure >/dev/null
	"$DRTOP" endpoint add tls "https://127.0.0.1:$PORT2/redirect-to/$plain" --kind freshness --insecure --header 'X-Api-Key: ${API_KEY}' >/dev/null
	"$DRTOP" endpoint add tls "https://127.0.0.1:$PORT2/status/204" --insecure --header 'X-Api-Key: ${API_KEY}' >/dev/null
	ctl mode/up >/dev/null
	before=$(ctl headers)
	succeeds "probe https endpoints that redirect to http" probe --system tls
	ok "the https test server answers" has "https://127.0.0.1:$PORT2/status/204" "1|204|"
	ok "https to http is not followed" has "https://127.0.0.1:$PORT2/redirect-to/$plain" "0|302|*"
	ok "without secret headers it says why too" test "$(sql "SELECT error FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.kind = 'health' AND e.url LIKE 'https:%redirect-to%'")" = "redirected from https to http (127.0.0.1:$PORT): refused, the request would travel in clear text"
	ok "with secret headers it says why" test "$(sql "SELECT error FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.kind = 'freshness' AND e.url LIKE 'https:%'")" = "redirected from https to http (127.0.0.1:$PORT): refused, the request would travel in clear text"
	ok "the http server never heard from either" test "$(ctl headers)" = "$before"
else
	echo "# no openssl: https to http not tested"
fi

done_testing

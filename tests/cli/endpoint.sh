#!/bin/sh
# drtop endpoint add|list|rm
. "$SRCDIR/tests/lib.sh"

"$DRTOP" system add api --rto 1h --rpo 1h >/dev/null
succeeds "add a health endpoint" endpoint add api http://127.0.0.1:8080/health --interval 500ms --expect 200,204 --body ok
succeeds "add a freshness endpoint with a secret header" endpoint add api https://127.0.0.1:8443/backup --kind freshness \
	--json-path '$.last_backup' --header 'Authorization: Bearer ${API_TOKEN}' --header 'X-Env: prod' --insecure
succeeds "add a file endpoint" endpoint add api file:///var/backups/api.tar --kind freshness
ok "stored as given, the secret only as a variable name" test "$(sql "SELECT interval_ms, expect, body_match FROM endpoint WHERE id=1")|$(sql "SELECT headers, tls_verify FROM endpoint WHERE id=2")" = '500|200,204|ok|["Authorization: Bearer ${API_TOKEN}","X-Env: prod"]|0'
succeeds "list" endpoint list api
ok "list shows every endpoint and the insecure one" sh -c "grep -c 'api' '$T/out' | grep -qx 3 && grep -q 'insecure' '$T/out' && grep -q '500ms' '$T/out'"
succeeds "list as json" endpoint list --format json
ok "json holds the headers" sh -c "sqlite3 :memory: \"SELECT json_extract(readfile('$T/out'), '\$[2].json_path'), json_extract(readfile('$T/out'), '\$[2].headers[1]')\" | grep -qx '\$.last_backup|X-Env: prod'"

fails "refuses ftp" 65 "unsupported URL scheme in 'ftp://example.com/x'" endpoint add api ftp://example.com/x
fails "refuses a URL without scheme" 65 "malformed URL 'example.com'" endpoint add api example.com
fails "refuses a bad port" 65 "malformed URL" endpoint add api http://127.0.0.1:99999/
fails "refuses an unknown kind" 65 "endpoint kind must be health or freshness" endpoint add api http://127.0.0.1/ --kind liveness
fails "refuses a timeout under 100ms" 65 "probe timeout must be at least 100ms, not 50ms" endpoint add api http://127.0.0.1/ --timeout 50ms
fails "refuses a timeout over 10m: a probe would hold its slot, and a silence go unseen" 65 \
	"probe timeout must be at most 10m, not 100w" endpoint add api http://127.0.0.1/ --timeout 100w
fails "refuses bad codes" 65 "malformed status codes '200-'" endpoint add api http://127.0.0.1/x --expect 200-
fails "refuses a status of 600" 65 "malformed status codes" endpoint add api http://127.0.0.1/x --expect 600
fails "refuses a bad header" 65 "malformed header 'Authorization'" endpoint add api http://127.0.0.1/x --header Authorization
fails "refuses a bad variable" 65 "malformed variable reference" endpoint add api http://127.0.0.1/x --header 'A: ${1X}'
fails "refuses a bad JSON path" 65 "malformed JSON path '\$.a[' " endpoint add api http://127.0.0.1/x --kind freshness --json-path '$.a['
fails "refuses a JSON path without \$" 65 "malformed JSON path 'last'" endpoint add api http://127.0.0.1/x --kind freshness --json-path last
fails "refuses a tiny interval" 65 "at least 100ms" endpoint add api http://127.0.0.1/x --interval 10ms
fails "refuses a bad interval" 65 "--interval: malformed duration" endpoint add api http://127.0.0.1/x --interval fast
fails "refuses a duplicate" 65 "already has a health endpoint" endpoint add api http://127.0.0.1:8080/health
fails "unknown system" 65 "unknown system" endpoint add nope http://127.0.0.1/
fails "missing URL" 64 "missing SYSTEM URL" endpoint add api
fails "rm a missing id" 65 "no endpoint with id 42" endpoint rm 42
fails "rm a non-number" 64 "expected an endpoint id" endpoint rm first
succeeds "rm" endpoint rm 1
ok "gone" test "$(sql "SELECT count(*) FROM endpoint")" = 2
# An endpoint with evidence: its outage is a breach of the RTO; removing it
# would erase the breach from the verdict and from every --as-of.
id=$(sql "SELECT id FROM endpoint ORDER BY id LIMIT 1")
sys=$(sql "SELECT system_id FROM endpoint WHERE id = $id")
sql "INSERT INTO probe_result (endpoint_id, at_ms, ok, error) VALUES ($id, 1795000000000, 0, 'down'), ($id, 1795010000000, 1, NULL);
     INSERT INTO outage (system_id, endpoint_id, started_ms, ended_ms) VALUES ($sys, $id, 1795000000000, 1795010000000)"
fails "rm of an endpoint with evidence is refused, saying what it would erase" 65 \
	"endpoint $id has recorded evidence (1 outage, 2 probes): removing it erases that from the verdict and from every --as-of; --purge removes it with its evidence" \
	endpoint rm "$id"
succeeds "--purge removes it, with its evidence" endpoint rm --purge "$id"
ok "its outage and results gone with it" test "$(sql "SELECT (SELECT count(*) FROM outage WHERE endpoint_id = $id) + (SELECT count(*) FROM probe_result WHERE endpoint_id = $id)")" = 0

done_testing

#!/bin/sh
# drtop import FILE and drtop export
. "$SRCDIR/tests/lib.sh"

example="$SRCDIR/doc/examples/inventory.json"
succeeds "import the example inventory" import "$example"
ok "reports what it read" out_has "imported 4 systems, 5 endpoints, 4 schedules, 4 dependencies, 1 maintenance windows: database updated"
ok "all systems are there" test "$(sql "SELECT group_concat(name) FROM (SELECT name FROM system ORDER BY name)")" = "auth-db,payments-db,reporting,web-frontend"
ok "durations are stored in seconds and milliseconds" test "$(sql "SELECT s.rto_s, e.interval_ms FROM system s JOIN endpoint e ON e.system_id = s.id WHERE s.name='auth-db' AND e.kind='health'")" = "1800|30000"
audit=$(sql "SELECT count(*) FROM audit_log")
before=$(sql .dump)
succeeds "import it again" import "$example"
ok "the second import changes nothing" out_has "no changes"
ok "not a row, not an audit entry" test "$(sql .dump)" = "$before" -a "$(sql "SELECT count(*) FROM audit_log")" = "$audit"

succeeds "export" export --output "$T/a.json"
DRTOP_DB="$T/empty.db" "$DRTOP" import "$T/a.json" >/dev/null
ok "export then import into an empty database" test $? -eq 0
DRTOP_DB="$T/empty.db" "$DRTOP" export >"$T/b.json"
ok "round-trips exactly" cmp -s "$T/a.json" "$T/b.json"
ok "the export is valid JSON" sh -c "sqlite3 :memory: \"SELECT json_valid(readfile('$T/a.json'))\" | grep -qx 1"

# An update by name: change one field, add one endpoint.
sed -e 's/"rto": "2d"/"rto": "3d"/' "$example" >"$T/changed.json"
succeeds "import a changed file" import "$T/changed.json"
ok "updates what changed and only that" test "$(sql "SELECT rto_s FROM system WHERE name='reporting'")|$(sql "SELECT count(*) FROM audit_log") " = "259200|$((audit + 1)) "

succeeds "show --format json is an importable document" system show reporting --format json
ok "it holds one system" sh -c "sqlite3 :memory: \"SELECT json_array_length(readfile('$T/out'), '\$.systems'), json_extract(readfile('$T/out'), '\$.systems[0].rto')\" | grep -qx '1|3d'"

bad() { printf '%s' "$2" >"$T/bad.json"; fails "$1" 65 "$3" import "$T/bad.json"; }
bad "syntax error with line and column" '{
  "systems": [
    {"name": "x", "rto": "1h",, "rpo": "1h"}
  ]
}' "bad.json:3:31: malformed JSON: expected a quoted key"
bad "truncated file" '{"systems": [' "bad.json:1:14: malformed JSON: unexpected end of file"
bad "not an object" '[1, 2]' "\$: expected an object"
bad "unknown top-level key" '{"system": []}' "\$: unknown key \"system\""
bad "unknown system key, with its path" '{"systems": [{"name": "a", "rto": "1h", "rpo": "1h"}, {"name": "b", "rto": "1h", "rpo": "1h", "rt0": "2h"}]}' "\$.systems[1]: unknown key \"rt0\""
bad "malformed duration, with its path" '{"systems": [{"name": "a", "rto": "1x", "rpo": "1h"}]}' "\$.systems[0].rto: malformed duration '1x'"
bad "missing field" '{"systems": [{"name": "a", "rto": "1h"}]}' "\$.systems[0]: missing \"rpo\""
bad "wrong type" '{"systems": [{"name": "a", "rto": "1h", "rpo": "1h", "enabled": "yes"}]}' "\$.systems[0].enabled: expected true or false"
bad "bad URL deep inside" '{"systems": [{"name": "a", "rto": "1h", "rpo": "1h", "endpoints": [{"url": "gopher://x"}]}]}' "\$.systems[0].endpoints[0]: unsupported URL scheme"
bad "bad cron deep inside" '{"systems": [{"name": "a", "rto": "1h", "rpo": "1h", "schedules": [{"name": "n", "cron": "0 25 * * *"}]}]}' "\$.systems[0].schedules[0]: malformed cron expression '0 25 * * *': hour 25"
bad "unknown dependency rolls back everything" '{"systems": [{"name": "new-one", "rto": "1h", "rpo": "1h", "depends_on": ["ghost"]}]}' "\$.systems[0].depends_on[0]: unknown system \"ghost\""
bad "unknown strategy" '{"systems": [{"name": "a", "rto": "1h", "rpo": "1h", "strategy": "gold"}]}' "\$.systems[0]: unknown strategy \"gold\""
bad "duplicate system" '{"systems": [{"name": "a", "rto": "1h", "rpo": "1h"}, {"name": "a", "rto": "1h", "rpo": "1h"}]}' "appears twice"
bad "duplicate system, with both paths" '{"systems": [{"name": "a", "rto": "1h", "rpo": "1h"}, {"name": "b", "rto": "1h", "rpo": "1h"}, {"name": "c", "rto": "1h", "rpo": "1h"}, {"name": "b", "rto": "1h", "rpo": "1h"}, {"name": "a", "rto": "1h", "rpo": "1h"}]}' "\$.systems[3].name: system 'b' appears twice (also \$.systems[1])"
bad "duplicate dependency, with its path" '{"systems": [{"name": "a", "rto": "1h", "rpo": "1h"}, {"name": "b", "rto": "1h", "rpo": "1h", "depends_on": ["a", "a"]}]}' "\$.systems[1].depends_on[1]: dependency 'a' appears twice (also \$.systems[1].depends_on[0])"
bad "wrong format version" '{"drtop": 2, "systems": []}' "reads inventory format 1"
ok "nothing of the failed imports is there" test "$(sql "SELECT count(*) FROM system WHERE name IN ('a', 'new-one')")" = 0
fails "missing file" 66 "cannot read $T/nope.json" import "$T/nope.json"
succeeds "import from standard input" import - <"$example"
printf '%s' '{"systems": [{"name": "big", "rto": 99999999999999999999, "rpo": "1h"}]}' >"$T/big.json"
fails "a number of seconds past 64 bits is named too large" 65 \
	"\$.systems[0].rto: a number of seconds too large (at most 100 years)" import "$T/big.json"
printf '%s' '{"systems": [{"name": "rel", "rto": "1h", "rpo": "1h",
  "maintenance": [{"from": "-1h", "to": "+1h", "reason": "patch"}]}]}' >"$T/relative.json"
fails "a maintenance window dated relative to the import is refused (importing twice would add two)" 65 \
	"maintenance[0].from: a maintenance window in an import file is dated (ISO-8601 or Unix seconds), not '-1h'" \
	import "$T/relative.json"
printf '%s' '{"systems": [{"name": "epoch", "rto": "1h", "rpo": "1h",
  "maintenance": [{"from": "0", "to": "1", "reason": "patch"}]}]}' >"$T/epoch.json"
fails "... and one at the epoch, as a command would" 65 "maintenance[0].from: '0' is not a plausible time: not after 1970" \
	import "$T/epoch.json"

# --output to something that is not a regular file writes into it, like a shell
# redirection, and leaves it what it was; a missing directory is named as such.
mkfifo "$T/fifo"
cat "$T/fifo" >"$T/from-fifo" &
reader=$!
pids="$pids $reader"
# (Old code renamed a regular file over the FIFO and the reader waited forever.)
succeeds "export --output a FIFO" export --output "$T/fifo"
wait_for 5 grep -q '}' "$T/from-fifo"
kill "$reader" 2>/dev/null
ok "the FIFO is still a FIFO and its reader got the document" sh -c "test -p '$T/fifo' && grep -q '\"systems\"' '$T/from-fifo'"
ln -s "$T/fifo" "$T/fifo-link"
cat "$T/fifo" >"$T/from-link" &
reader=$!
pids="$pids $reader"
succeeds "export --output a link to a FIFO" export --output "$T/fifo-link"
wait_for 5 grep -q '}' "$T/from-link"
kill "$reader" 2>/dev/null
ok "the link still points to the FIFO" sh -c "test -L '$T/fifo-link' && test -p '$T/fifo' && test -s '$T/from-link'"
if mknod -m 666 "$T/mynull" c 1 3 2>/dev/null; then
	succeeds "export --output a character device" export --output "$T/mynull"
	ok "the device is still a character device" test -c "$T/mynull"
	run report --output "$T/mynull"
	ok "report --output a character device keeps it one" sh -c "test ! -s '$T/err' && test -c '$T/mynull'"
else
	n=$((n + 1)); echo "ok $n # skip mknod not permitted"
fi
fails "output into a missing directory" 73 "directory $T/nodir does not exist" export --output "$T/nodir/x.json"

done_testing

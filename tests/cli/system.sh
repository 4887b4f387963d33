#!/bin/sh
# drtop system add|list|show|set|rm
. "$SRCDIR/tests/lib.sh"

succeeds "add a system" system add payments-db --rto 4h --rpo 15m --strategy warm-standby \
	--tier 0 --owner "Team Pay" --description "ledger"
ok "it is stored with seconds" test "$(sql "SELECT rto_s, rpo_s, strategy, tier FROM system")" = "14400|900|warm-standby|0"
ok "the database file is private (0600)" test "$(stat -c %a "$DRTOP_DB")" = 600
succeeds "add a second system with defaults" system add web --rto 1h30m --rpo 1d
succeeds "list" system list
ok "list is a table, most critical first" sh -c "head -1 '$T/out' | grep -q '^NAME *TIER *RTO' && sed -n 2p '$T/out' | grep -q '^payments-db' && sed -n 3p '$T/out' | grep -q '^web .* 90m .* 1d '"
succeeds "list as json" system list --format json
ok "json is an array with typed values" sh -c "sqlite3 :memory: \"SELECT json_extract(readfile('$T/out'), '\$[0].rto_s'), json_extract(readfile('$T/out'), '\$[1].strategy') IS NULL\" | grep -qx '14400|1'"
succeeds "list as csv" system list --format csv
ok "csv has a header and CRLF rows" sh -c "head -1 '$T/out' | grep -q '^name,tier,rto_s,rpo_s' && test \$(tr -cd '\r' <'$T/out' | wc -c) -eq 3"
succeeds "show" system show payments-db
ok "show lists the objectives and strategy cost" sh -c "grep -q '^rto  *4h' '$T/out' && grep -q 'warm-standby (\$\$\$)' '$T/out'"
succeeds "set changes fields" system set web --rpo 6h --strategy backup-restore --owner ops
ok "set is stored" test "$(sql "SELECT rpo_s, strategy, owner FROM system WHERE name='web'")" = "21600|backup-restore|ops"
succeeds "set with no change" system set web --rpo 6h
ok "says nothing changed" out_has "no change to system web"
succeeds "rename" system set web --name web-frontend
succeeds "clear the strategy" system set web-frontend --strategy none
ok "strategy cleared" test "$(sql "SELECT strategy IS NULL FROM system WHERE name='web-frontend'")" = 1
ok "every change is in the audit log with its actor" test "$(sql "SELECT count(*) FROM audit_log WHERE table_name='system' AND actor='$(id -un)'")" -eq 5

fails "unknown system" 65 "unknown system \"nope\"" system show nope
fails "duplicate name" 65 "already exists" system add web-frontend --rto 1h --rpo 1h
fails "malformed RTO" 65 "--rto: malformed duration '4x'" system add x --rto 4x --rpo 1h
fails "zero RPO" 65 "must be greater than zero" system add x --rto 1h --rpo 0
fails "negative RTO" 65 "cannot be negative" system add x --rto -1h --rpo 1h
fails "missing --rpo" 64 "missing --rpo" system add x --rto 1h
fails "missing name" 64 "missing NAME" system add --rto 1h --rpo 1h
fails "bad name" 65 "bad system name" system add 'a b' --rto 1h --rpo 1h
fails "escape in name" 65 "bad system name \"\\u001b[31mx\"" system add "$(printf '\033[31mx')" --rto 1h --rpo 1h
fails "unknown strategy" 65 "unknown strategy \"gold\" (known: backup-restore" system add x --rto 1h --rpo 1h --strategy gold
fails "tier out of range" 65 "--tier: expected a whole number from 0 to 3" system add x --rto 1h --rpo 1h --tier 4
fails "control character in description" 65 "description contains a control character" system add x --rto 1h --rpo 1h --description "$(printf 'a\033[2Jb')"
fails "unknown option" 64 "unknown option '--rtoo'" system add x --rtoo 1h --rpo 1h
fails "unknown subcommand" 64 "unknown command 'ad'" system ad x
fails "bad format" 64 "--format: expected table, json or csv" system list --format xml
fails "set with nothing" 64 "nothing to change" system set payments-db
fails "rename onto another" 65 "already exists" system set web-frontend --name payments-db
fails "rm unknown" 65 "unknown system" system rm nope

# Data from elsewhere is shown printable.
sql "UPDATE system SET owner = 'evil' || char(27) || '[2J' WHERE name = 'payments-db'"
succeeds "list with an escape sequence in the data" system list
ok "no escape byte reaches the terminal" sh -c "! grep -q \$(printf '\033') '$T/out' && grep -q 'evil?\[2J' '$T/out'"

"$DRTOP" endpoint add payments-db http://127.0.0.1:1/health >/dev/null
fails "rm refuses a system with endpoints" 65 "has 1 endpoint(s); use --force" system rm payments-db
succeeds "rm --force" system rm payments-db --force
ok "system and its endpoints are gone" test "$(sql "SELECT count(*) FROM system WHERE name='payments-db'")$(sql "SELECT count(*) FROM endpoint")" = 00
succeeds "rm a bare system" system rm web-frontend

done_testing

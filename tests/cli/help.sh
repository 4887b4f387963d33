#!/bin/sh
# drtop help, --help and --version: generated from the command table
. "$SRCDIR/tests/lib.sh"

succeeds "drtop help" help
for c in demo system endpoint schedule depend maintenance checkin drill strategy status report whatif recovery-order config probe notify import export db; do
	ok "help lists $c" sh -c "grep -q '^  $c ' '$T/out'"
	ok "the man page documents $c" sh -c "sed 's/\\\\-/-/g' '$SRCDIR/doc/drtop.1' | grep -q '^\.B drtop $c'"
done
succeeds "drtop --help" --help
ok "--help shows exit statuses" out_has "64 usage error"
succeeds "group help" system --help
ok "lists every subcommand with its synopsis" sh -c "grep -q 'drtop system add NAME --rto DUR --rpo DUR \[options\]' '$T/out' && grep -q 'drtop system rm NAME' '$T/out'"
succeeds "command help" endpoint add --help
ok "lists the options with their help" sh -c "grep -q -- '--header .Name: value.' '$T/out' && grep -q 'may be repeated' '$T/out' && grep -q -- '--db PATH' '$T/out'"
succeeds "help for a command" help schedule add
ok "same text as --help" sh -c "\"$DRTOP\" schedule add --help | cmp -s - '$T/out'"
succeeds "version" --version
ok "prints it" sh -c "grep -Eq '^drtop [0-9]+\.[0-9]+\.[0-9]+$' '$T/out'"
run
ok "no command is a usage error" test "$rc" -eq 64
run system
ok "a group without a subcommand is a usage error" sh -c "test $rc -eq 64 && grep -q 'drtop system add' '$T/err'"
fails "unknown command" 64 "unknown command 'sytem'" sytem list
fails "help for an unknown command" 64 "unknown command 'nope'" help nope
DRTOP_NOW=yesterday
export DRTOP_NOW
fails "a bad DRTOP_NOW" 65 "DRTOP_NOW: malformed time 'yesterday'" system list
DRTOP_NOW=2026-11-25T12:00:00Z
fails "a bad --now" 65 "--now: malformed time" --now soon system list

done_testing

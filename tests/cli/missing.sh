#!/bin/sh
# A mistyped --db: commands that only read refuse a missing file (exit 66,
# the path named) and create nothing; commands that write create it.
. "$SRCDIR/tests/lib.sh"

export DRTOP_DB="$T/typo.db"
for c in "status" "status payments" "system list" "system show payments" "endpoint list" \
	"schedule list" "drill list" "depend list" "maintenance list" "strategy list" \
	"config list" "config get rto-breach-grace" "export" "recovery-order" \
	"whatif payments --strategy pilot-light" "db query SELECT" "probe --once" "probe"; do
	# shellcheck disable=SC2086 # the words of $c are the arguments
	fails "drtop $c refuses a missing database" 66 "no database at $T/typo.db" $c
	ok "and creates none" test ! -e "$T/typo.db"
done
fails "so does --db" 66 "no database at $T/other.db" --db "$T/other.db" status
ok "and creates none either" test ! -e "$T/other.db"
fails "the dashboard without a terminal does not ask, and refuses" 64 "the dashboard needs a terminal"
ok "creating nothing" test ! -e "$T/typo.db"

: >"$T/empty.db" # a full disk, a copy cut short
for c in "status" "system list" "db verify" "db check" "export"; do
	# shellcheck disable=SC2086 # the words of $c are the arguments
	fails "drtop $c refuses an empty file: no inventory, not an empty healthy one" 66 "$T/empty.db is empty (0 bytes): no drtop database" --db "$T/empty.db" $c
	ok "and leaves it empty" test ! -s "$T/empty.db"
done
run --db "$T/empty.db" report --format nagios
ok "report --format nagios too: UNKNOWN, and why" sh -c '[ "$1" -eq 3 ] && grep -q "^DRTOP UNKNOWN - .*is empty (0 bytes)" "$2"' - "$rc" "$T/out"
ok "... still empty" test ! -s "$T/empty.db"

fails "a check-in refuses a missing database, as probing does: it records for systems it has" 66 \
	"no database at $T/cron.db" --db "$T/cron.db" checkin web
ok "and creates none (a cron job's mistyped path)" test ! -e "$T/cron.db" -a ! -e "$T/cron.db-wal"
run --db "$T/cron.db" checkin web --run -- sh -c 'echo dumped >"$1"; exit 3' - "$T/dump"
ok "checkin --run runs the backup all the same, and exits with its status" sh -c '[ "$1" -eq 3 ] && grep -qx dumped "$2"' - "$rc" "$T/dump"
ok "saying the database is missing and the run not recorded" \
	test "$(cat "$T/err")" = "$(printf 'drtop: no database at %s; running the command anyway\ndrtop: the run (exit status 3) is not recorded' "$T/cron.db")"
ok "creating none" test ! -e "$T/cron.db" -a ! -e "$T/cron.db-wal"
printf 'not a database, but a file that damage left behind........................................' >"$T/damaged.db"
cp "$T/damaged.db" "$T/damaged.orig"
run --db "$T/damaged.db" checkin web --run -- sh -c 'echo dumped again >"$1"' - "$T/dump"
ok "a damaged database: the backup runs all the same" sh -c '[ "$1" -eq 0 ] && grep -qx "dumped again" "$2"' - "$rc" "$T/dump"
ok "and the file is left as it was" cmp -s "$T/damaged.db" "$T/damaged.orig"

succeeds "a command that writes creates it" system add payments --rto 1h --rpo 5m
ok "there" test -s "$T/typo.db"
succeeds "and then reading works" status payments

done_testing

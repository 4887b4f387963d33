#!/bin/sh
# drtop depend add|rm|list and drtop maintenance add|list|rm
. "$SRCDIR/tests/lib.sh"

for s in web api db; do "$DRTOP" system add $s --rto 1h --rpo 1h >/dev/null; done
succeeds "web depends on api" depend add web --on api
succeeds "api depends on db" depend add api --on db
succeeds "list" depend list
ok "both dependencies listed" sh -c "grep -q '^api  *db' '$T/out' && grep -q '^web  *api' '$T/out'"
succeeds "list for one system" depend list api
ok "shows what it needs and what needs it" test "$(grep -c api "$T/out")" -eq 2
fails "self dependency" 65 "cannot depend on itself" depend add web --on web
fails "duplicate" 65 "already depends on" depend add web --on api
fails "unknown other" 65 "unknown system \"cache\"" depend add web --on cache
fails "missing --on" 64 "missing --on" depend add web
fails "rm a missing one" 65 "does not depend on" depend rm db --on web
succeeds "a dependency that closes a cycle is kept" depend add db --on web
ok "... with a warning that no recovery order exists while it stands" \
	sh -c 'grep -q "warning: db now depends on itself through its dependencies: no recovery order exists" "$1"' - "$T/err"
succeeds "rm" depend rm db --on web
succeeds "one that closes none says nothing more" depend add web --on db
ok "... on stderr" test ! -s "$T/err"
succeeds "rm" depend rm web --on db
succeeds "rm" depend rm web --on api
ok "one left" test "$(sql "SELECT count(*) FROM dependency")" = 1

succeeds "add a maintenance window" maintenance add db --from 2026-12-01T22:00Z --to 2026-12-02T01:00:00+01:00 --reason "kernel upgrade"
ok "stored in Unix seconds" test "$(sql "SELECT starts_at, ends_at, reason FROM maintenance_window")" = "1796162400|1796169600|kernel upgrade"
succeeds "add a relative window" maintenance add api --from now --to +2h
succeeds "list" maintenance list
ok "lists both, with lengths" sh -c "grep -q 'db  *2026-12-01T22:00:00Z  *2026-12-02T00:00:00Z  *2h  *kernel upgrade' '$T/out' && grep -q 'api  *2026-11-25T12:00:00Z' '$T/out'"
fails "end before start" 65 "must end after it starts" maintenance add db --from 2026-12-02T00:00Z --to 2026-12-01T00:00Z
fails "malformed time" 65 "--from: malformed time 'tomorrow'" maintenance add db --from tomorrow --to +1h
fails "missing --to" 64 "missing --to" maintenance add db --from now
fails "rm missing" 65 "no maintenance window with id 9" maintenance rm 9
succeeds "rm" maintenance rm 2
ok "one left" test "$(sql "SELECT count(*) FROM maintenance_window")" = 1

done_testing

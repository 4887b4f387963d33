#!/bin/sh
# The recovery order in the dashboard (o): the systems in parallel steps,
# dependencies first, each with its own recovery time, when it is back and
# whether that is within its RTO, as drtop recovery-order gives them.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"

d() { "$DRTOP" "$@" >/dev/null || echo "Bail out! drtop $*"; }
d system add store --rto 2h --rpo 1h --tier 1 --strategy backup-restore
d system add db --rto 1h --rpo 5m --tier 0
d system add lost --rto 1h --rpo 1h --tier 2
d depend add db --on store
d drill add db --kind failover --started -30h --recovered -29h40m

dashboard --db "'$DRTOP_DB'" --readonly
ok "the dashboard starts" wait_for 10 shows "store"
keys o
ok "o shows the recovery order" wait_for 5 shows "Recovery order"
has_row() { screen | grep -q -- "$1"; }
ok "what needs nothing is step 1, with its strategy's time, past its RTO" \
	has_row '^ *1  store  *1  1d (strategy)  *1d  *2h  NO'
ok "what needs it comes after, back when both are" has_row '^ *2  db  *0  20m (drill)  *1d20m  *1h  NO'
ok "an unknown recovery time is said so" has_row '^ *1  lost  *2  ?  *?  *1h  ?'
ok "the same rows as the CLI" test "$("$DRTOP" recovery-order --format csv | cut -d, -f2,3 | tail -n +2 | tr '\n' ' ')" = "1,store 1,lost 2,db "
d system add later --rto 4h --rpo 1h --tier 3 --strategy pilot-light
ok "the order follows the verdict as it is re-read (a system added meanwhile shows)" \
	wait_for 15 has_row '^ *1  later  *3  30m (strategy)'
keys Escape
ok "Esc returns to the list" wait_for 5 shows "STATUS"
keys q
wait_for 5 test -s "$T/exited"

done_testing

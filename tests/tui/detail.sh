#!/bin/sh
# The system view (detail) says the same numbers as `drtop status`.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"

"$DRTOP" system add lagging --rto 15m --rpo 1h --tier 1 >/dev/null
"$DRTOP" checkin lagging --at -3h >/dev/null
"$DRTOP" drill add lagging --kind tabletop --started -10d --recovered -238h >/dev/null
# A freshness endpoint failing: the page says why, as a health one's does.
"$DRTOP" endpoint add lagging "file://$T/no-such-dump" --kind freshness >/dev/null
"$DRTOP" probe --once >/dev/null 2>&1
lag=$("$DRTOP" status | awk '$2 == "lagging" { print $8 }')
ok "status measures the data lag" test "$lag" = 3h

dashboard --db "'$DRTOP_DB'" --readonly
ok "the dashboard starts" wait_for 10 shows "lagging"
keys Enter
ok "Enter opens the system" wait_for 5 shows "RPO 1h, data lag"
ok "its header gives the data lag status gives (not the RTO), once the verdict is read" wait_for 10 shows "RTO 15m, .*RPO 1h, data lag $lag"
ok "a tabletop drill took its time and recovered nothing" shows "tabletop .* took 2h (nothing was recovered)"
ok "a failing freshness endpoint says why" shows "freshness .*no-such-dump .*failing: [A-Za-z]"
keys q q
ok "q q leaves" wait_for 5 test -s "$T/exited"

done_testing

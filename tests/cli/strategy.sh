#!/bin/sh
# drtop strategy list|set
. "$SRCDIR/tests/lib.sh"

fails "listing never creates a database" 66 "no database at $DRTOP_DB" strategy list
"$DRTOP" system add first --rto 1h --rpo 1h >/dev/null
succeeds "list the seeded catalogue" strategy list
ok "four strategies, cheapest first, with cost tiers" sh -c "sed -n 2p '$T/out' | grep -q '^backup-restore  *\\\$ ' && sed -n 5p '$T/out' | grep -q '^active-active  *\\\$\\\$\\\$\\\$ '"
succeeds "set typical figures" strategy set pilot-light --rto 45m --rpo 10m --cost-tier 2
ok "stored" test "$(sql "SELECT rto_s, rpo_s, cost_tier FROM strategy WHERE name='pilot-light'")" = "2700|600|2"
ok "audited with old and new values" test "$(sql "SELECT json_extract(old_values,'\$.rto_s') || '>' || json_extract(new_values,'\$.rto_s') FROM audit_log WHERE table_name='strategy' AND action='update'")" = "1800>2700"
fails "unknown strategy" 65 "unknown strategy \"gold\"" strategy set gold --rto 1h
fails "cost tier out of range" 65 "--cost-tier: expected a whole number from 1 to 4" strategy set pilot-light --cost-tier 5
fails "nothing to change" 64 "nothing to change" strategy set pilot-light

done_testing

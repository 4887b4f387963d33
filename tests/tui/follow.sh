#!/bin/sh
# The dashboard's prober follows the inventory as `probe --watch` does:
# endpoints added or removed by another command are probed, or no longer, within
# seconds, and removing one does not stop the dashboard delivering
# notifications.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"
unset DRTOP_NOW

start_server
d() { "$DRTOP" "$@" >/dev/null || echo "Bail out! drtop $*"; }
d system add web --rto 1h --rpo 1d
d endpoint add web "$URL/health" --interval 200ms --timeout 1s
d endpoint add web "$URL/health?two" --interval 200ms --timeout 1s
d schedule add web daily --every 1d
d checkin web
d notify add ops --kind exec --command "cat >>'$T/told'"
results() { sql "SELECT count(*) FROM probe_result r JOIN endpoint e ON e.id = r.endpoint_id WHERE e.url = '$1'"; }
has_results() { test "$(results "$1")" -ge "$2"; }

dashboard --db "'$DRTOP_DB'"
ok "the dashboard probes" wait_for 10 sh -c "tmux capture-pane -p -t '$S' | grep -q ' probing '"
ok "both endpoints" wait_for 10 has_results "$URL/health?two" 1

d endpoint add web "$URL/health?three" --interval 200ms --timeout 1s
ok "an endpoint added by another command is probed within seconds" \
	wait_for 15 has_results "$URL/health?three" 1

two=$(sql "SELECT id FROM endpoint WHERE url = '$URL/health?two'")
d endpoint rm --purge "$two"
sleep 1 # results of the removed endpoint come back, and are dropped
h0=$(ctl hits)
sleep 2
h1=$(ctl hits)
echo "# $((h1 - h0)) probes in 2 s of the two endpoints left, every 200 ms (about 20; 30 with the removed one)"
ok "a removed one is no longer probed" test $((h1 - h0)) -le 25

d checkin web --failed
ok "a notification after the removal is delivered" \
	wait_for 30 db_is "SELECT count(*) FROM notify_outbox WHERE state = 'delivered' AND payload ->> '\$.status' = 'BREACH'" 1
ok "... by the dashboard, which told of the failed backup" grep -q backup-failed "$T/told"

keys q
ok "the dashboard leaves cleanly" wait_for 10 sh -c "grep -q 'EXITED 0' '$T/exited' 2>/dev/null"
done_testing

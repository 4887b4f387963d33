#!/bin/sh
# A system's page shows each cron schedule's last due runs as a strip, oldest
# to newest (+ on time, L late, M missed, F failed), with how many of the
# window's were on time; the line takes the colour of the newest outcome.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui/tmux.sh"

d() { "$DRTOP" "$@" >/dev/null || echo "Bail out! drtop $*"; }
d system add nightly-db --rto 1h --rpo 2d
d schedule add nightly-db nightly --cron '0 2 * * *' --since 2026-11-20T00:00:00Z
d checkin nightly-db --at 2026-11-20T02:30:00Z            # on time (deadline 03:00)
d checkin nightly-db --at 2026-11-21T04:00:00Z            # late
d checkin nightly-db --at 2026-11-23T02:10:00Z --failed   # the 22nd had none: missed
d checkin nightly-db --at 2026-11-24T02:20:00Z
d checkin nightly-db --at 2026-11-25T02:05:00Z
d status # appends the due runs

dashboard --db "'$DRTOP_DB'" --readonly
ok "the dashboard starts" wait_for 10 shows "nightly-db"
keys Enter
ok "the page shows the runs' strip: on time, late, missed, failed, on time, on time" \
	wait_for 5 sh -c "tmux capture-pane -p -t '$S' | grep -A1 '^ *backup runs' | grep -q 'nightly  *+LMF++  *3 of 6 on time, 1 late, 1 missed, 1 failed'"
keys q
keys q
wait_for 5 test -s "$T/exited"

done_testing

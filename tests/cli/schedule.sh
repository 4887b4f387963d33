#!/bin/sh
# drtop schedule add|list|rm
. "$SRCDIR/tests/lib.sh"

"$DRTOP" system add db --rto 4h --rpo 1d >/dev/null
succeeds "add a cron schedule with a zone" schedule add db nightly --cron '30 2 * * *' --tz Europe/Berlin --duration 45m --grace 30m
ok "stores the largest gap (25h across the autumn change)" test "$(sql "SELECT cron, tz, duration_s, grace_s, max_gap_s FROM backup_schedule WHERE name='nightly'")" = "30 2 * * *|Europe/Berlin|2700|1800|90000"
succeeds "add an interval schedule" schedule add db wal --every 15m
ok "interval gap is the interval; grace from the setting" test "$(sql "SELECT every_s, max_gap_s, grace_s IS NULL FROM backup_schedule WHERE name='wal'")" = "900|900|1"
succeeds "add with a nickname and CRON_TZ" schedule add db weekly --cron 'CRON_TZ=America/New_York @weekly'
succeeds "list" schedule list db
ok "list shows runs and gaps" sh -c "grep -q 'nightly  *30 2 \* \* \*  *Europe/Berlin  *45m  *30m  *25h' '$T/out' && grep -q 'wal  *every 15m' '$T/out'"

# Every five minutes in a zone with daylight saving: the repeated autumn hour is
# run through twice, so the worst gap stays five minutes.
"$DRTOP" system add often --rto 1h --rpo 15m >/dev/null
succeeds "add a five-minute schedule in Berlin" schedule add often five --cron '*/5 * * * *' --tz Europe/Berlin
succeeds "list it" schedule list often
ok "its largest gap is 5m, not the hour the clocks go back" sh -c "grep -q 'five  *\*/5 \* \* \* \*  *Europe/Berlin .* 5m *\$' '$T/out'"
succeeds "status of a system backed up every five minutes" status often
ok "has no plan-gap against a 15m RPO" out_lacks "plan-gap"
succeeds "the same in New York" schedule add often ny --cron 'CRON_TZ=America/New_York */5 * * * *'
ok "stores a 300 s gap" test "$(sql "SELECT max_gap_s FROM backup_schedule WHERE name='ny'")" = 300

fails "refuses six fields" 65 "expected five fields" schedule add db x --cron '0 0 * * * *'
fails "refuses minute 61" 65 "minute 61 is out of range 0-59" schedule add db x --cron '61 * * * *'
fails "names a long number as written" 65 "minute 99999999999999999999 is out of range 0-59" \
	schedule add db x --cron '99999999999999999999 * * * *'
fails "... and the end of a range" 65 "hour 0024 is out of range 0-23" schedule add db x --cron '0 1-0024 * * *'
fails "refuses a schedule that never runs" 65 "never runs" schedule add db x --cron '0 0 31 2 *'
fails "refuses an unknown zone" 65 "unknown time zone 'Nowhere/City'" schedule add db x --cron '0 0 * * *' --tz Nowhere/City
# zones are read from their files ($TZDIR): a damaged one is named, not guessed at
mkdir -p "$T/zoneinfo/Broken"
head -c 1000 /usr/share/zoneinfo/Europe/Berlin > "$T/zoneinfo/Broken/Zone"
cp /usr/share/zoneinfo/Europe/Berlin "$T/zoneinfo/Copied"
export TZDIR="$T/zoneinfo"
fails "refuses a damaged zone file" 65 "time zone 'Broken/Zone': the zone file is truncated" \
	schedule add db x --cron '0 0 * * *' --tz Broken/Zone
succeeds "reads a zone from TZDIR" schedule add db tzdir --cron '0 0 * * *' --tz Copied
succeeds "... and removes it" schedule rm db tzdir
unset TZDIR
if [ -f /usr/share/zoneinfo/right/Europe/Berlin ]; then
	fails "refuses a zone counting leap seconds" 65 "counts leap seconds" \
		schedule add db x --cron '0 0 * * *' --tz right/Europe/Berlin
fi
fails "refuses both cron and every" 64 "not both" schedule add db x --cron '@daily' --every 1h
fails "refuses neither" 64 "give --cron EXPR or --every DUR" schedule add db x
fails "refuses a zone on an interval" 65 "applies to a cron schedule only" schedule add db x --every 1h --tz UTC
fails "refuses a duplicate" 65 "already has a schedule 'wal'" schedule add db wal --every 1h
fails "refuses a bad name" 65 "bad schedule name" schedule add db 'a/b' --every 1h
fails "rm unknown" 65 "has no schedule 'nope'" schedule rm db nope
succeeds "rm" schedule rm db weekly
ok "gone" test "$(sql "SELECT count(*) FROM backup_schedule WHERE system_id = (SELECT id FROM system WHERE name = 'db')")" = 2

done_testing

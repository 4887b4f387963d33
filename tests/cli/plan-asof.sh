#!/bin/sh
# The findings about the plan (plan-gap, strategy-under, strategy-over,
# dependency-conflict) judge the objectives and strategy in force at drtop's
# clock: with --now before a change they give the plan as it was, after it
# the plan as it is. The changes below are made now (the real clock dates
# them); --now -10m is before every one of them.
. "$SRCDIR/tests/lib.sh"
unset DRTOP_NOW

d() { "$DRTOP" "$@" >/dev/null || echo "Bail out! drtop $*"; }
# The plan as it was ...
d system add gap-tight --rto 1d --rpo 2h
d system add gap-loose --rto 1d --rpo 30m
d system add gap-new --rto 1d --rpo 30m
d system add under --rto 4h --rpo 1h --strategy pilot-light
d system add over --rto 1d --rpo 1d --strategy warm-standby
d system add swapped --rto 4h --rpo 1h --strategy pilot-light
d system add dep-a --rto 1h --rpo 1h
d system add dep-b --rto 30m --rpo 30m
d depend add dep-a --on dep-b
d system add target --rto 1h --rpo 1h
for s in gap-tight gap-loose; do d schedule add $s hourly --every 1h --since -1h; done
# ... and the changes, now.
d system set gap-tight --rpo 30m
d system set gap-loose --rpo 2h
d schedule add gap-new hourly --every 1h
d system set under --rto 10m
d system set over --rto 10m --rpo 1m
d system set swapped --strategy backup-restore
d system set dep-b --rto 2h
d system set target --rto 2h

q() { "$DRTOP" "$@" db query "$Q"; }
# SYSTEM FINDING VALUE BEFORE AFTER: VALUE (an SQL aggregate over the
# system's rows of FINDING) as of ten minutes ago and as of now.
while read -r sys finding value before after why; do
	Q="SELECT coalesce($value, '-') FROM v_findings WHERE system = '$sys' AND finding = '$finding'"
	ok "$sys $finding: $before then $after ($why)" \
		test "$(q --now -10m)|$(q)" = "$before|$after"
done <<EOF
gap-tight plan-gap count(*) 0 1 the RPO was tightened below the hourly schedule
gap-loose plan-gap count(*) 1 0 the RPO was loosened above it
gap-loose plan-gap max(target_s) 1800 - the target in force then, no finding now
gap-tight plan-gap max(target_s) - 1800 the target in force
gap-new plan-gap count(*) 0 1 a schedule added later was no plan before
under strategy-under count(*) 0 1 the RTO was tightened below pilot-light's
over strategy-over count(*) 1 0 a cheaper strategy met the old objectives
swapped strategy-under replace(max(detail),char(32),char(95)) - backup-restore_typically_cannot_meet_the_RTO_and_RPO the strategy in force
dep-a dependency-conflict count(*) 0 1 the dependency's RTO was loosened
target no-evidence max(target_s) 3600 7200 the target in force
EOF

Q="SELECT recommended_strategy FROM v_system_status WHERE system = 'over'"
ok "the cheapest fit is judged on the objectives in force too" test "$(q --now -10m)|$(q)" = "backup-restore|warm-standby"
"$DRTOP" --now -10m whatif under --rto 5m >"$T/out"
ok "whatif as of a past clock judges the tried plan" sh -c "grep -A9 '^what if' '$T/out' | grep -q 'strategy-under'"
ok "against the plan as it was then" sh -c "grep '^now' '$T/out' | grep -q 'RTO 4h'"

# Since when: the plan's findings hold since the objectives in force were
# set, not since a later edit of something else, and never after 'now'.
t_under=$(sql "SELECT max(valid_from) FROM objective_history h JOIN system s ON s.id = h.system_id WHERE s.name = 'under'")
d system set under --owner "db team"
Q="SELECT since FROM v_findings WHERE system = 'under' AND finding = 'strategy-under'"
ok "strategy-under holds since the RTO was tightened, not since its owner changed" test "$(q)" = "$t_under"
Q="SELECT count(*) FROM v_findings WHERE since > unixepoch('now')"
ok "as of ten minutes ago, no finding holds since a later time" test "$(q --now -10m)" = 0
Q="SELECT count(*) FROM v_findings WHERE finding IN ('strategy-over', 'dependency-conflict', 'plan-gap')"
ok "(there are plan findings then to hold since some time)" test "$(q --now -10m)" -ge 2

done_testing

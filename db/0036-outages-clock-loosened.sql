-- 0036: the outages list bounded by the clock, target-loosened for each
-- objective loosened after a breach of the old value, and rto-breach since
-- its outage passed the RTO.
--
-- v_outages read every outage whatever drtop's clock said, while the gaps it
-- joins (v_outage_gaps) are bounded by it: judged at a past 'now' (--now,
-- --as-of), an outage then still going on showed the end it had later and a
-- lower bound computed over a gap it did not yet know of (a breach that never
-- was), and outages begun after 'now' were listed. It now lists the outages
-- begun by 'now', and one that ended after 'now' is ongoing then (no end, no
-- duration, no bounds), as v_outage_measure has it.
--
-- target-loosened gave one row when both targets were loosened together, and
-- named the RTO even when only the RPO had been breached. It now gives a row
-- for each objective loosened after a breach of its old value. And an RPO was
-- counted breached only by a live drill's data loss: loosening it while the
-- data lag was above it (an ongoing rpo-breach) erased the breach without a
-- trace. The data lag before the change now counts too: a freshness probe's
-- observed lag, a successful check-in that came longer than the old RPO after
-- the one before it, or the lag at the change itself.
--
-- A finding's since is when it became true (doc/auditing.md). rto-breach gave
-- its outage's start: a report said a breach had held since a moment at which
-- the verdict as of then (--as-of, --now) had none, the outage being still
-- within its RTO. It now holds since the outage's start plus the RTO in force
-- when it began.

DROP VIEW v_outages;

CREATE VIEW v_outages AS
WITH k AS (
  -- the outages begun by 'now'; one that ended after it is ongoing then
  SELECT o.id, o.endpoint_id, o.system_id, o.started_ms, o.started_at, o.res_start_ms, o.planned,
         o.cause_system_id, o.first_error,
         CASE WHEN o.ended_ms / 1000 <= p.now THEN o.ended_ms END AS ended_ms,
         CASE WHEN o.ended_ms / 1000 <= p.now THEN o.res_end_ms END AS res_end_ms,
         CASE WHEN o.ended_ms / 1000 <= p.now THEN o.gap ELSE 0 END AS gap
  FROM outage o JOIN v_settings p WHERE o.started_ms / 1000 <= p.now
), o AS (
  SELECT k.*, k.ended_ms / 1000 AS ended_at, k.ended_ms - k.started_ms AS duration_ms,
         (k.ended_ms - k.started_ms + 999) / 1000 AS duration_s,
         CASE WHEN k.gap THEN k.ended_ms - k.started_ms
              ELSE max(k.ended_ms - k.started_ms - coalesce(k.res_end_ms, 0), 0) END AS last_fail_off,
         coalesce(g.gaps, 0) AS gaps, coalesce(g.gap_ms, 0) AS gap_ms, g.last_to_ms, g.run_ms
  FROM k LEFT JOIN v_outage_gaps g ON g.outage_id = k.id
), b AS (
  SELECT o.*,
         CASE WHEN o.ended_ms IS NOT NULL THEN
              max(coalesce(o.run_ms, 0), o.started_ms + o.last_fail_off - coalesce(o.last_to_ms, o.started_ms), 0)
         END AS lower_ms,
         CASE WHEN o.ended_ms IS NOT NULL AND NOT o.gap AND o.res_start_ms IS NOT NULL
              THEN o.duration_ms + o.res_start_ms END AS upper_ms
  FROM o
)
SELECT o.id, s.name AS system, e.url AS endpoint,
       strftime('%Y-%m-%dT%H:%M:%SZ', o.started_at, 'unixepoch') AS started,
       strftime('%Y-%m-%dT%H:%M:%SZ', o.ended_at, 'unixepoch') AS ended,
       o.started_ms, o.ended_ms, o.duration_ms, o.duration_s, h.rto_s,
       o.duration_ms > h.rto_s * 1000 AS over_rto,
       o.res_start_ms, o.res_end_ms, o.gap, o.planned, c.name AS likely_cause, o.first_error,
       o.lower_ms, o.upper_ms, o.lower_ms > h.rto_s * 1000 AS breach, o.upper_ms > h.rto_s * 1000 AS may_breach,
       o.gaps, o.gap_ms
FROM b o JOIN system s ON s.id = o.system_id JOIN endpoint e ON e.id = o.endpoint_id
JOIN v_objectives h ON h.system_id = o.system_id
  AND (h.from_at IS NULL OR h.from_at <= o.started_at) AND (h.to_at IS NULL OR o.started_at < h.to_at)
LEFT JOIN system c ON c.id = o.cause_system_id;

DROP VIEW v_verdict_rows;

CREATE VIEW v_verdict_rows AS
WITH rp AS MATERIALIZED (SELECT system_id, recovery_point_at, source FROM v_recovery_point),
     reach AS MATERIALIZED (SELECT system_id, depends_on FROM v_dependency_reach),
     obj AS MATERIALIZED (SELECT * FROM v_objectives),
     cur AS MATERIALIZED (SELECT system_id, rto_s, rpo_s, strategy, from_at FROM v_objectives_now),
     oa AS MATERIALIZED (SELECT system_id, measured_ms, resolution_ms, started_ms, ended_ms, ongoing, gap,
                                lower_ms, upper_ms, rto_s,
                                lower_ms > rto_s * 1000 AS breach,
                                NOT ongoing AND lower_ms <= rto_s * 1000
                                  AND (upper_ms IS NULL OR upper_ms > rto_s * 1000) AS possible
                         FROM v_outage_measure),
     om AS MATERIALIZED (SELECT * FROM oa
                         WHERE ongoing OR lower_ms > rto_s * 1000 OR upper_ms IS NULL OR upper_ms > rto_s * 1000),
     dm AS MATERIALIZED (SELECT * FROM v_drill_measure),
     live AS MATERIALIZED (SELECT system_id, max(started_at) AS last FROM dm WHERE live GROUP BY system_id),
     cov AS MATERIALIZED (SELECT c.*, (p.now * 1000 - c.span_ms) / 1000 AS first_span_s,
                                 row_number() OVER (PARTITION BY c.system_id
                                   ORDER BY c.span_ms > 0 DESC, c.share, c.url) AS least_rank
                          FROM v_coverage c JOIN v_settings p WHERE c.enabled),
     fits AS MATERIALIZED (SELECT system_id, strategy, cost_tier FROM v_strategy_fit WHERE cheapest),
     lp AS MATERIALIZED (SELECT * FROM v_last_probe),
-- the findings, each with its rank (severity) and its place in the order of
-- priority that picks a system's worst finding
fr AS MATERIALIZED (
  SELECT f.system_id, s.name AS system, f.finding, f.severity, f.objective, f.target_s,
         f.measured_s, f.resolution_s, min(f.since, p.now) AS since,
         strftime('%Y-%m-%dT%H:%M:%SZ', min(f.since, p.now), 'unixepoch') AS since_iso, f.detail,
         f.lower_s, f.upper_s,
         CASE f.severity WHEN 'BREACH' THEN 4 WHEN 'UNKNOWN' THEN 3 WHEN 'WARN' THEN 2 WHEN 'INFO' THEN 1 ELSE 0 END AS rank,
         instr(',rto-breach,rpo-breach,backup-missed,backup-failed,no-evidence,outage-ongoing,rpo-near,rto-breach-possible,'
               || 'backup-late,backup-running-long,backup-suspect,drill-failed,prober-stale,evidence-gap,plan-gap,strategy-under,dependency-cycle,'
               || 'dependency-conflict,drill-overdue,target-loosened,strategy-over,', ',' || f.finding || ',') AS prio
  FROM (
    -- rto-breach: an outage in the window lasted, at the least, longer than the
    -- RTO in force when it began (or an ongoing one already has). The worst one
    -- is reported, measured by its point estimate, since it passed the RTO.
    SELECT m.system_id, 'rto-breach' AS finding, 'BREACH' AS severity, 'rto' AS objective,
           m.rto_s AS target_s, (m.measured_ms + 999) / 1000 AS measured_s,
           (m.resolution_ms + 999) / 1000 AS resolution_s, m.started_ms / 1000 + m.rto_s AS since,
           CASE WHEN m.ongoing THEN 'an ongoing outage has lasted longer than the RTO'
                ELSE 'an outage lasted longer than the RTO' END AS detail, m.lower_ms / 1000 AS lower_s, (m.upper_ms + 999) / 1000 AS upper_s
    FROM (SELECT *, row_number() OVER (PARTITION BY system_id ORDER BY measured_ms DESC) AS rn
          FROM om WHERE breach) m
    WHERE m.rn = 1

    UNION ALL
    -- rto-breach-possible: an ended outage lasted at least no longer than the
    -- RTO, but at most longer (or its end is not bounded: cut by a gap).
    SELECT m.system_id, 'rto-breach-possible', 'WARN', 'rto', m.rto_s,
           (coalesce(m.upper_ms, m.lower_ms) + 999) / 1000, (m.resolution_ms + 999) / 1000, m.started_ms / 1000,
           CASE WHEN m.upper_ms IS NULL THEN 'an outage cut by a gap in probing may have lasted longer than the RTO'
                ELSE 'an outage may have lasted longer than the RTO' END, m.lower_ms / 1000, (m.upper_ms + 999) / 1000
    FROM (SELECT *, row_number() OVER (PARTITION BY system_id ORDER BY coalesce(upper_ms, lower_ms) DESC) AS rn
          FROM om WHERE possible) m
    WHERE m.rn = 1 AND NOT EXISTS (SELECT 1 FROM om b WHERE b.system_id = m.system_id AND b.breach)

    UNION ALL
    -- outage-ongoing: an outage is in progress and still within the RTO target.
    SELECT m.system_id, 'outage-ongoing', 'WARN', 'rto', m.rto_s, (m.measured_ms + 999) / 1000,
           (m.resolution_ms + 999) / 1000, m.started_ms / 1000, 'an outage is in progress', m.lower_ms / 1000, (m.upper_ms + 999) / 1000
    FROM (SELECT *, row_number() OVER (PARTITION BY system_id ORDER BY measured_ms DESC) AS rn
          FROM om WHERE ongoing AND NOT breach) m
    WHERE m.rn = 1

    UNION ALL
    -- rpo-breach: the data lag now is above the RPO in force now.
    SELECT c.system_id, 'rpo-breach', 'BREACH', 'rpo', c.rpo_s, p.now - rp.recovery_point_at, NULL,
           rp.recovery_point_at + c.rpo_s, 'the newest recovery point (' || rp.source || ') is older than the RPO', NULL, NULL
    FROM cur c JOIN rp ON rp.system_id = c.system_id JOIN v_settings p
    WHERE p.now - rp.recovery_point_at > c.rpo_s

    UNION ALL
    -- rpo-near: the data lag is above rpo_near_ratio (80%) of the RPO target.
    SELECT c.system_id, 'rpo-near', 'WARN', 'rpo', c.rpo_s, p.now - rp.recovery_point_at, NULL,
           rp.recovery_point_at + CAST(c.rpo_s * p.rpo_near_ratio AS INTEGER),
           'the data lag is close to the RPO', NULL, NULL
    FROM cur c JOIN rp ON rp.system_id = c.system_id JOIN v_settings p
    WHERE p.now - rp.recovery_point_at > c.rpo_s * p.rpo_near_ratio
      AND p.now - rp.recovery_point_at <= c.rpo_s

    UNION ALL
    -- backup-missed, backup-late, backup-failed, backup-running-long and
    -- backup-suspect: the backups against their schedules (v_backup_findings).
    SELECT system_id, finding, severity, objective, target_s, measured_s, resolution_s, since,
           detail, lower_s, upper_s
    FROM v_backup_findings

    UNION ALL
    -- The findings about the plan (plan-gap, strategy-under, strategy-over,
    -- dependency-conflict) judge the objectives and strategy in force at drtop's
    -- clock (cur), so that a past 'now' gives the plan as it was then; each
    -- holds since those objectives were set (the system's creation for its
    -- first ones), never after 'now'.
    --
    -- plan-gap: even when every run succeeds, the best schedule's worst-case data
    -- loss (its largest gap between runs plus a run's duration) exceeds the RPO.
    SELECT s.id, 'plan-gap', 'WARN', 'plan', c.rpo_s, g.worst, NULL, max(g.changed, coalesce(c.from_at, s.created_at)),
           'the backup schedules cannot meet the RPO even when every run succeeds', NULL, NULL
    FROM system s JOIN cur c ON c.system_id = s.id
    JOIN (SELECT b.system_id, min(b.max_gap_s + b.duration_s) AS worst, max(min(b.updated_at, p.now)) AS changed
          FROM backup_schedule b JOIN v_settings p WHERE b.created_at <= p.now
          GROUP BY b.system_id) g ON g.system_id = s.id
    WHERE g.worst > c.rpo_s

    UNION ALL
    -- strategy-under: the strategy's typical figures cannot meet the targets.
    SELECT s.id, 'strategy-under', 'WARN', CASE WHEN st.rto_s > c.rto_s THEN 'rto' ELSE 'rpo' END,
           CASE WHEN st.rto_s > c.rto_s THEN c.rto_s ELSE c.rpo_s END,
           CASE WHEN st.rto_s > c.rto_s THEN st.rto_s ELSE st.rpo_s END, NULL, coalesce(c.from_at, s.created_at),
           st.name || ' typically cannot meet the ' ||
           CASE WHEN st.rto_s > c.rto_s AND st.rpo_s > c.rpo_s THEN 'RTO and RPO'
                WHEN st.rto_s > c.rto_s THEN 'RTO' ELSE 'RPO' END, NULL, NULL
    FROM system s JOIN cur c ON c.system_id = s.id JOIN strategy st ON st.name = c.strategy
    WHERE st.rto_s > c.rto_s OR st.rpo_s > c.rpo_s

    UNION ALL
    -- strategy-over (information): a cheaper strategy would meet the targets.
    SELECT s.id, 'strategy-over', 'INFO', 'cost', NULL, NULL, NULL, coalesce(c.from_at, s.created_at),
           f.strategy || ' (' || substr('$$$$', 1, f.cost_tier) || ') would meet the objectives for less than '
           || cs.name || ' (' || substr('$$$$', 1, cs.cost_tier) || ')', NULL, NULL
    FROM system s JOIN cur c ON c.system_id = s.id JOIN strategy cs ON cs.name = c.strategy
    JOIN fits f ON f.system_id = s.id
    WHERE f.cost_tier < cs.cost_tier

    UNION ALL
    -- dependency-conflict: the system depends, directly or not, on a system whose
    -- RTO or RPO target is looser than its own.
    SELECT a.id, 'dependency-conflict', 'WARN', CASE WHEN cb.rto_s > ca.rto_s THEN 'rto' ELSE 'rpo' END,
           CASE WHEN cb.rto_s > ca.rto_s THEN ca.rto_s ELSE ca.rpo_s END,
           CASE WHEN cb.rto_s > ca.rto_s THEN cb.rto_s ELSE cb.rpo_s END, NULL,
           max(coalesce(ca.from_at, a.created_at), coalesce(cb.from_at, b.created_at)),
           'depends on ' || b.name || ', whose ' ||
           CASE WHEN cb.rto_s > ca.rto_s AND cb.rpo_s > ca.rpo_s THEN 'RTO and RPO are'
                WHEN cb.rto_s > ca.rto_s THEN 'RTO is' ELSE 'RPO is' END || ' looser', NULL, NULL
    FROM reach r JOIN system a ON a.id = r.system_id JOIN system b ON b.id = r.depends_on
    JOIN cur ca ON ca.system_id = a.id JOIN cur cb ON cb.system_id = b.id
    WHERE a.id <> b.id AND (cb.rto_s > ca.rto_s OR cb.rpo_s > ca.rpo_s)

    UNION ALL
    -- dependency-cycle: the system depends on itself through others.
    SELECT a.id, 'dependency-cycle', 'WARN', 'dependency', NULL, NULL, NULL, min(a.updated_at, p.now),
           'the system depends on itself through its dependencies: no recovery order exists', NULL, NULL
    FROM reach r JOIN system a ON a.id = r.system_id JOIN v_settings p
    WHERE r.depends_on = r.system_id

    UNION ALL
    -- drill-overdue: no live drill (restore or failover) in the last
    -- drill_max_age_s (365 days); a tabletop exercise recovers nothing.
    SELECT s.id, 'drill-overdue', 'WARN', 'drill', p.drill_max_age_s, p.now - d.last, NULL,
           coalesce(d.last + p.drill_max_age_s, s.created_at),
           CASE WHEN d.last IS NULL THEN 'never drilled live' ELSE 'no recent live drill' END, NULL, NULL
    FROM system s JOIN v_settings p LEFT JOIN live d ON d.system_id = s.id
    WHERE d.last IS NULL OR p.now - d.last > p.drill_max_age_s

    UNION ALL
    -- drill-failed: the latest live drill took longer than the RTO in force
    -- (or lost more data than the RPO), or, run by drtop, failed (its command or
    -- its verify exited non-zero) or was aborted, saying why; a later live
    -- drill that meets both ends it.
    SELECT d.system_id, 'drill-failed', 'WARN', CASE WHEN NOT d.met_rto THEN 'rto' ELSE 'rpo' END,
           CASE WHEN NOT d.met_rto THEN d.rto_s ELSE d.rpo_s END,
           CASE WHEN d.state IN ('failed', 'aborted') THEN NULL
                WHEN NOT d.met_rto THEN d.recovery_s ELSE d.data_loss_s END, NULL, d.recovered_at,
           'the latest live drill (' || d.kind || ') ' ||
           CASE WHEN d.state IN ('failed', 'aborted')
                THEN CASE d.state WHEN 'failed' THEN 'failed' ELSE 'was aborted' END
                     || coalesce(': ' || d.failure, '')
                WHEN NOT d.met_rto AND d.met_rpo IS 0 THEN 'exceeded the RTO and the RPO'
                WHEN NOT d.met_rto THEN 'took longer than the RTO' ELSE 'lost more data than the RPO' END, NULL, NULL
    FROM (SELECT *, row_number() OVER (PARTITION BY system_id ORDER BY started_at DESC, id DESC) AS rn
          FROM dm WHERE live) d
    WHERE d.rn = 1 AND (NOT d.met_rto OR d.met_rpo IS 0)

    UNION ALL
    -- target-loosened (information): inside the window, an RTO or RPO was
    -- loosened after evidence breached the old value; a row for each. The
    -- breach stays. An RTO breach is an outage or a live drill that took
    -- longer; an RPO breach a live drill that lost more data, or a data lag
    -- above it before the change: a freshness probe's observed lag, a
    -- successful check-in later than that after the one before it, or the lag
    -- at the change itself (the newest recovery point by then).
    SELECT h.system_id, 'target-loosened', 'INFO', o.objective,
           CASE o.objective WHEN 'rto' THEN h.rto_s ELSE h.rpo_s END,
           CASE o.objective WHEN 'rto' THEN h.prev_rto_s ELSE h.prev_rpo_s END, NULL, h.from_at,
           CASE o.objective WHEN 'rto' THEN 'RTO loosened from ' || h.prev_rto_s || ' s to ' || h.rto_s
                ELSE 'RPO loosened from ' || h.prev_rpo_s || ' s to ' || h.rpo_s END
           || ' s after a breach of the old value', NULL, NULL
    FROM obj h JOIN v_settings p JOIN (SELECT 'rto' AS objective UNION ALL SELECT 'rpo') o
    WHERE h.from_at IS NOT NULL AND h.from_at <= p.now AND h.from_at >= p.now - p.window_s
      AND CASE o.objective
        WHEN 'rto' THEN h.rto_s > h.prev_rto_s
          AND (EXISTS (SELECT 1 FROM oa m WHERE m.system_id = h.system_id
                         AND m.started_ms < h.from_at * 1000 AND m.lower_ms > h.prev_rto_s * 1000)
               OR EXISTS (SELECT 1 FROM dm WHERE dm.system_id = h.system_id AND dm.live
                            AND dm.started_at < h.from_at AND dm.recovery_s > h.prev_rto_s))
        ELSE h.rpo_s > h.prev_rpo_s
          AND (EXISTS (SELECT 1 FROM dm WHERE dm.system_id = h.system_id AND dm.live
                         AND dm.started_at < h.from_at AND dm.data_loss_s > h.prev_rpo_s)
               OR EXISTS (SELECT 1 FROM endpoint e JOIN probe_result r ON r.endpoint_id = e.id
                          WHERE e.system_id = h.system_id AND e.kind = 'freshness'
                            AND r.at_ms >= (p.now - p.window_s) * 1000 AND r.at_ms < h.from_at * 1000
                            AND r.ok = 1 AND r.lag_s > h.prev_rpo_s)
               OR EXISTS (SELECT 1 FROM checkin k WHERE k.system_id = h.system_id AND k.ok = 1
                            AND k.at >= p.now - p.window_s AND k.at <= h.from_at
                            AND k.at - (SELECT max(k2.at) FROM checkin k2 WHERE k2.system_id = k.system_id
                                          AND k2.ok = 1 AND k2.at < k.at) > h.prev_rpo_s)
               OR h.from_at - max((SELECT max(k.at) FROM checkin k WHERE k.system_id = h.system_id
                                     AND k.ok = 1 AND k.at <= h.from_at),
                                  coalesce((SELECT max(r.data_time) FROM endpoint e JOIN probe_result r
                                              ON r.endpoint_id = e.id
                                            WHERE e.system_id = h.system_id AND e.kind = 'freshness'
                                              AND r.ok = 1 AND r.data_time IS NOT NULL
                                              AND r.at_ms <= h.from_at * 1000), 0))
                  > h.prev_rpo_s)
        END

    UNION ALL
    -- no-evidence: the system (enabled) has an objective nothing can show it
    -- meets: no health endpoint and no live drill for the RTO, no freshness
    -- endpoint and no check-in for the RPO.
    SELECT s.id, 'no-evidence', 'UNKNOWN', o.objective,
           CASE o.objective WHEN 'rto' THEN coalesce(c.rto_s, s.rto_s) ELSE coalesce(c.rpo_s, s.rpo_s) END,
           NULL, NULL, s.created_at,
           CASE o.objective WHEN 'rto' THEN 'nothing shows the RTO is met: no health endpoint and no live drill'
                ELSE 'nothing shows the RPO is met: no freshness endpoint and no check-in' END, NULL, NULL
    FROM system s JOIN v_settings p JOIN (SELECT 'rto' AS objective UNION ALL SELECT 'rpo') o
    LEFT JOIN cur c ON c.system_id = s.id
    WHERE s.enabled AND CASE o.objective
      WHEN 'rto' THEN NOT EXISTS (SELECT 1 FROM endpoint e WHERE e.system_id = s.id AND e.kind = 'health' AND e.enabled)
                  AND NOT EXISTS (SELECT 1 FROM live WHERE live.system_id = s.id)
      ELSE NOT EXISTS (SELECT 1 FROM endpoint e WHERE e.system_id = s.id AND e.kind = 'freshness' AND e.enabled)
           AND NOT EXISTS (SELECT 1 FROM checkin k WHERE k.system_id = s.id AND k.at <= p.now) END

    UNION ALL
    -- evidence-gap: an enabled endpoint had not been probed by 'now', three of
    -- its intervals plus its timeout after it was added.
    SELECT s.id, 'evidence-gap', 'WARN', 'evidence', (3 * min(e.interval_ms) + min(e.timeout_ms)) / 1000,
           p.now - min(e.created_at), NULL, min(e.created_at + (3 * e.interval_ms + e.timeout_ms) / 1000),
           CASE WHEN count(*) = 1 THEN 'endpoint ' || min(e.url) || ' was never probed'
                ELSE count(*) || ' endpoints were never probed' END, NULL, NULL
    FROM endpoint e JOIN system s ON s.id = e.system_id JOIN v_settings p
    WHERE e.enabled AND s.enabled
      AND NOT EXISTS (SELECT 1 FROM endpoint_state st WHERE st.endpoint_id = e.id AND st.last_probe_ms / 1000 <= p.now)
      AND NOT EXISTS (SELECT 1 FROM probe_result r WHERE r.endpoint_id = e.id AND r.at_ms < (p.now + 1) * 1000)
      AND (p.now - e.created_at) * 1000 > 3 * e.interval_ms + e.timeout_ms
    GROUP BY s.id

    UNION ALL
    -- evidence-gap: the enabled endpoints of an enabled system were watched less
    -- of the window than coverage_min (95%) of it, missing more than three
    -- intervals plus a timeout (what a new endpoint is given), and none of them
    -- is one never probed (the finding above). target_s is the time that share of
    -- the span is, measured_s the time watched (v_coverage).
    SELECT g.system_id, 'evidence-gap', 'WARN', 'evidence', CAST(g.span_ms * g.min_share / 1000 AS INTEGER),
           g.watched_ms / 1000, NULL, g.from_s,
           'endpoints watched ' || printf('%.1f', 100.0 * g.watched_ms / g.span_ms) || '% of the window, below '
           || printf('%g', 100 * g.min_share) || '% (least covered: ' || g.least || ')', NULL, NULL
    FROM (SELECT c.system_id, sum(c.watched_ms) AS watched_ms, sum(c.span_ms) AS span_ms,
                 sum(3 * e.interval_ms + e.timeout_ms) AS limit_ms,
                 min(c.first_span_s) AS from_s,
                 max(CASE WHEN c.least_rank = 1 AND c.span_ms > 0 THEN c.url END) AS least,
                 coalesce((SELECT CAST(value AS REAL) FROM setting WHERE key = 'coverage_min'), 0.95) AS min_share
          FROM cov c JOIN endpoint e ON e.id = c.endpoint_id
          GROUP BY c.system_id) g
    JOIN system s ON s.id = g.system_id
    WHERE s.enabled AND g.span_ms > 0 AND g.watched_ms < g.span_ms * g.min_share
      AND g.span_ms - g.watched_ms > g.limit_ms
      AND NOT EXISTS (SELECT 1 FROM endpoint e JOIN v_settings p
                      WHERE e.system_id = g.system_id AND e.enabled
                        AND NOT EXISTS (SELECT 1 FROM endpoint_state st WHERE st.endpoint_id = e.id AND st.last_probe_ms / 1000 <= p.now)
                        AND NOT EXISTS (SELECT 1 FROM probe_result r WHERE r.endpoint_id = e.id AND r.at_ms < (p.now + 1) * 1000)
                        AND (p.now - e.created_at) * 1000 > 3 * e.interval_ms + e.timeout_ms)

    UNION ALL
    -- prober-stale: an endpoint of the system has not been probed for three of its
    -- intervals and its timeout (a probe counts from its start, and one of an
    -- endpoint that hangs ends only at the timeout): the live evidence is old,
    -- so "up" is not known.
    SELECT s.id, 'prober-stale', 'WARN', 'evidence', min(3 * e.interval_ms + e.timeout_ms) / 1000,
           p.now - min(st.last_probe_ms) / 1000, NULL,
           min((st.last_probe_ms + 3 * e.interval_ms + e.timeout_ms) / 1000), 'no recent probe', NULL, NULL
    FROM endpoint e JOIN lp st ON st.endpoint_id = e.id
    JOIN system s ON s.id = e.system_id JOIN v_settings p
    WHERE e.enabled AND s.enabled AND p.now * 1000 - st.last_probe_ms > 3 * e.interval_ms + e.timeout_ms
    GROUP BY s.id
  ) f JOIN system s ON s.id = f.system_id JOIN v_settings p
), worst AS (
  -- per system, its findings counted and the worst of them: the highest rank,
  -- then the first in the list above (the row holding the one max())
  SELECT system_id, max(rank * 1000 - prio) AS worst, rank, finding, count(*) AS findings
  FROM fr GROUP BY system_id
), worst_o AS (
  -- per system, the worst outage (by the figure it is shown with: its point
  -- estimate, or its lower bound when it has no upper one, ongoing or cut by
  -- a gap; then its lower bound) and the last ended one: the row that holds
  -- each maximum
  SELECT system_id, max(printf('%020d%020d', CASE WHEN upper_ms IS NULL THEN lower_ms ELSE measured_ms END,
                               lower_ms)) AS worst,
         (measured_ms + 999) / 1000 AS worst_recovery_s, lower_ms / 1000 AS worst_lower_s,
         (upper_ms + 999) / 1000 AS worst_upper_s
  FROM oa GROUP BY system_id
), last_o AS (
  SELECT system_id, max(ended_ms) AS last, (ended_ms - started_ms + 999) / 1000 AS last_recovery_s,
         lower_ms / 1000 AS last_lower_s, (upper_ms + 999) / 1000 AS last_upper_s
  FROM oa WHERE NOT ongoing GROUP BY system_id
), outages AS (
  SELECT w.system_id, w.worst_recovery_s, w.worst_lower_s, w.worst_upper_s,
         l.last_recovery_s, l.last_lower_s, l.last_upper_s
  FROM worst_o w LEFT JOIN last_o l ON l.system_id = w.system_id
), probes AS (
  SELECT system_id, max(last_probe_ms) / 1000 AS last_probe_at
  FROM lp GROUP BY system_id
)
SELECT 'system' AS row_kind, s.id AS system_id, s.name AS system, s.tier, s.owner, s.enabled,
       CASE WHEN w.rank = 4 THEN 'BREACH' WHEN w.rank = 3 THEN 'UNKNOWN' WHEN w.rank = 2 THEN 'WARN'
            WHEN pr.last_probe_at IS NOT NULL
              OR EXISTS (SELECT 1 FROM checkin c WHERE c.system_id = s.id AND c.at <= p.now)
            THEN 'OK' ELSE 'UNKNOWN' END AS status,
       CASE WHEN w.rank >= 2 THEN w.finding END AS worst_finding,
       coalesce(w.findings, 0) AS findings,
       coalesce(c.rto_s, s.rto_s) AS rto_s, o.worst_recovery_s, o.last_recovery_s,
       coalesce(c.rpo_s, s.rpo_s) AS rpo_s, p.now - rp.recovery_point_at AS data_lag_s, rp.recovery_point_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', rp.recovery_point_at, 'unixepoch') AS recovery_point,
       s.strategy, st.cost_tier,
       fit.strategy AS recommended_strategy, fit.cost_tier AS recommended_cost_tier,
       pr.last_probe_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', pr.last_probe_at, 'unixepoch') AS last_probe,
       o.worst_lower_s AS worst_recovery_lower_s, o.worst_upper_s AS worst_recovery_upper_s,
       o.last_lower_s AS last_recovery_lower_s, o.last_upper_s AS last_recovery_upper_s,
       NULL AS finding, NULL AS severity, NULL AS objective, NULL AS target_s, NULL AS measured_s,
       NULL AS resolution_s, NULL AS since, NULL AS since_iso, NULL AS detail, NULL AS lower_s,
       NULL AS upper_s
FROM system s JOIN v_settings p
LEFT JOIN worst w ON w.system_id = s.id
LEFT JOIN outages o ON o.system_id = s.id
LEFT JOIN rp ON rp.system_id = s.id
LEFT JOIN cur c ON c.system_id = s.id
LEFT JOIN strategy st ON st.name = s.strategy
LEFT JOIN fits fit ON fit.system_id = s.id
LEFT JOIN probes pr ON pr.system_id = s.id
UNION ALL
SELECT 'finding', system_id, system,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, -- the 23 other status columns
       finding, severity, objective, target_s, measured_s, resolution_s, since, since_iso, detail,
       lower_s, upper_s
FROM fr;

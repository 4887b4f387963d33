-- The verdict views compute the same answers with less work (at 10,000
-- systems and 100,000 outages, v_findings did about 105 million steps of
-- SQLite's virtual machine):
--   - an outage's measure is computed once per outage, and in its short form
--     for the outages that ended with no gap in probing inside;
--   - the findings keep only the outages a finding can come from;
--   - the newest check-in of a system is read from its index (one step down
--     checkin_system_at), not by grouping every check-in;
--   - gaps in probing are read from outage_gap, not looked up per outage;
--   - v_system_status picks each system's worst and last outage in one pass,
--     without keeping every outage aside first.
-- Views are replaced with DROP VIEW + CREATE VIEW, their text otherwise as in
-- the migration named above each.

DROP VIEW v_system_status;
DROP VIEW v_findings;
DROP VIEW v_outage_measure;
DROP VIEW v_outage_gaps;
DROP VIEW v_recovery_point;

-- Each outage's gaps in probing known by drtop's clock, as in 0008, read from
-- the gaps (few) rather than from every outage.
CREATE VIEW v_outage_gaps AS
SELECT g.outage_id, count(*) AS gaps, sum(g.to_ms - g.from_ms) AS gap_ms,
       max(g.to_ms) AS last_to_ms,
       max(g.from_ms - coalesce((SELECT max(h.to_ms) FROM outage_gap h
                                 WHERE h.outage_id = g.outage_id AND h.to_ms <= g.from_ms),
                                o.started_ms)) AS run_ms
FROM outage_gap g CROSS JOIN outage o CROSS JOIN v_settings p
WHERE o.id = g.outage_id AND g.to_ms < (p.now + 1) * 1000
GROUP BY g.outage_id;

-- Each system's newest recovery point by drtop's clock, as in 0005: the
-- newest check-in is one step down each system's index of check-ins.
CREATE VIEW v_recovery_point AS
SELECT s.id AS system_id, s.name AS system, p.at AS recovery_point_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', p.at, 'unixepoch') AS recovery_point, p.source,
       CAST(strftime('%s', 'now') AS INTEGER) - p.at AS lag_s
FROM system s JOIN (
  SELECT system_id, max(at) AS at, source FROM (
    SELECT e.system_id,
           CASE WHEN coalesce(st.data_seen_ms, st.last_probe_ms) / 1000 <= n.now THEN st.data_time
                ELSE (SELECT max(r.data_time) FROM probe_result r WHERE r.endpoint_id = e.id
                        AND r.ok = 1 AND r.at_ms < (n.now + 1) * 1000) END AS at,
           'probe' AS source
      FROM endpoint_state st JOIN endpoint e ON e.id = st.endpoint_id JOIN v_settings n
     WHERE st.data_time IS NOT NULL
    UNION ALL
    SELECT y.id, (SELECT k.at FROM checkin k WHERE k.system_id = y.id AND k.ok = 1 AND k.at <= n.now
                  ORDER BY k.at DESC LIMIT 1), 'checkin'
      FROM system y JOIN v_settings n
  ) WHERE at IS NOT NULL GROUP BY system_id
) p ON p.system_id = s.id;

-- v_outage_measure, as in 0008, in two parts with the same columns. Nearly
-- every outage in the window has ended by 'now' with no gap in probing
-- inside it: its bounds are plain arithmetic on its row (the lower bound to
-- its last failure, the upper from the last success before it), computed
-- once. Ongoing outages and outages with gaps take the general form below.
CREATE VIEW v_outage_measure AS
WITH c AS (
  SELECT o.id, o.system_id, o.endpoint_id, o.started_ms, o.ended_ms, o.ended_ms - o.started_ms AS measured_ms,
         coalesce(o.res_start_ms, 0) + coalesce(o.res_end_ms, 0) AS resolution_ms, o.gap, o.res_start_ms, o.res_end_ms
  FROM outage o JOIN v_settings p
  WHERE o.planned = 0 AND o.ended_ms / 1000 <= p.now AND o.ended_ms >= (p.now - p.window_s) * 1000
    AND NOT EXISTS (SELECT 1 FROM outage_gap g WHERE g.outage_id = o.id)
)
SELECT c.id, c.system_id, c.endpoint_id, c.started_ms, c.ended_ms, c.measured_ms, c.resolution_ms,
       0 AS ongoing, c.gap,
       CASE WHEN c.gap THEN c.measured_ms ELSE max(c.measured_ms - coalesce(c.res_end_ms, 0), 0) END AS lower_ms,
       CASE WHEN NOT c.gap AND c.res_start_ms IS NOT NULL THEN c.measured_ms + c.res_start_ms END AS upper_ms,
       h.rto_s, 0 AS gaps, 0 AS gap_ms
FROM c JOIN v_objectives h ON h.system_id = c.system_id
  AND (h.from_at IS NULL OR h.from_at <= c.started_ms / 1000)
  AND (h.to_at IS NULL OR c.started_ms / 1000 < h.to_at)
UNION ALL
-- The rest: ongoing at 'now', or with gaps in probing inside.
SELECT * FROM (
WITH o AS (
  SELECT o.*, p.now * 1000 + 999 AS now_ms, o.ended_ms IS NULL OR o.ended_ms / 1000 > p.now AS open_now,
         st.last_probe_ms AS st_probe_ms
  FROM outage o JOIN v_settings p
  LEFT JOIN endpoint_state st ON st.endpoint_id = o.endpoint_id AND st.outage_id = o.id
  WHERE o.planned = 0 AND o.started_ms / 1000 <= p.now
    AND coalesce(o.ended_ms, p.now * 1000) >= (p.now - p.window_s) * 1000
    AND (o.ended_ms IS NULL OR o.ended_ms / 1000 > p.now
         OR EXISTS (SELECT 1 FROM outage_gap g WHERE g.outage_id = o.id))
), m AS (
  SELECT o.id, o.system_id, o.endpoint_id, o.started_ms,
         CASE WHEN NOT o.open_now THEN o.ended_ms END AS ended_ms,
         CASE WHEN NOT o.open_now THEN o.ended_ms - o.started_ms
              ELSE max(coalesce(CASE WHEN o.st_probe_ms <= o.now_ms THEN o.st_probe_ms END,
                                (SELECT max(r.at_ms) FROM probe_result r WHERE r.endpoint_id = o.endpoint_id
                                   AND r.at_ms BETWEEN o.started_ms AND o.now_ms),
                                o.started_ms) - o.started_ms, 0) END AS measured_ms,
         CASE WHEN NOT o.open_now THEN coalesce(o.res_start_ms, 0) + coalesce(o.res_end_ms, 0)
              ELSE coalesce(o.res_start_ms, 0) END AS resolution_ms,
         o.open_now AS ongoing, o.gap AND NOT o.open_now AS gap,
         o.res_start_ms, o.res_end_ms, o.now_ms
  FROM o
), b AS (
  -- the last failure (as an offset from the start) and the gaps known by 'now'
  SELECT m.*, CASE WHEN m.ongoing OR m.gap THEN m.measured_ms
                   ELSE max(m.measured_ms - coalesce(m.res_end_ms, 0), 0) END AS last_fail_off,
         g.gaps, g.gap_ms, g.last_to_ms, g.run_ms
  FROM m LEFT JOIN v_outage_gaps g ON g.outage_id = m.id
)
SELECT b.id, b.system_id, b.endpoint_id, b.started_ms, b.ended_ms, b.measured_ms,
       b.resolution_ms + coalesce(CASE WHEN b.last_to_ms <= b.started_ms + b.last_fail_off THEN b.gap_ms
                                       ELSE b.gap_ms - (b.last_to_ms - b.started_ms - b.last_fail_off) END, 0)
         AS resolution_ms,
       b.ongoing, b.gap,
       max(coalesce(b.run_ms, 0), b.started_ms + b.last_fail_off - coalesce(b.last_to_ms, b.started_ms), 0)
         AS lower_ms,
       CASE WHEN NOT b.ongoing AND NOT b.gap AND b.res_start_ms IS NOT NULL
            THEN b.measured_ms + b.res_start_ms END AS upper_ms,
       h.rto_s, coalesce(b.gaps, 0) AS gaps, coalesce(b.gap_ms, 0) AS gap_ms
FROM b JOIN v_objectives h ON h.system_id = b.system_id
  AND (h.from_at IS NULL OR h.from_at <= b.started_ms / 1000)
  AND (h.to_at IS NULL OR b.started_ms / 1000 < h.to_at)
);

-- v_findings, as in 0009: om keeps the outages that are ongoing or may have
-- lasted longer than the RTO; target-loosened reads v_outage_measure for the
-- system it looks at; no-evidence looks for a check-in in the index.
CREATE VIEW v_findings AS
WITH rp AS MATERIALIZED (SELECT system_id, recovery_point_at, source FROM v_recovery_point),
     reach AS MATERIALIZED (SELECT system_id, depends_on FROM v_dependency_reach),
     obj AS MATERIALIZED (SELECT * FROM v_objectives),
     cur AS MATERIALIZED (SELECT system_id, rto_s, rpo_s, strategy FROM v_objectives_now),
     om AS MATERIALIZED (SELECT system_id, measured_ms, resolution_ms, started_ms, ongoing, gap,
                                lower_ms, upper_ms, rto_s,
                                lower_ms > rto_s * 1000 AS breach,
                                NOT ongoing AND lower_ms <= rto_s * 1000
                                  AND (upper_ms IS NULL OR upper_ms > rto_s * 1000) AS possible
                         FROM v_outage_measure
                         WHERE ongoing OR lower_ms > rto_s * 1000 OR upper_ms IS NULL OR upper_ms > rto_s * 1000),
     dm AS MATERIALIZED (SELECT * FROM v_drill_measure),
     live AS MATERIALIZED (SELECT system_id, max(started_at) AS last FROM dm WHERE live GROUP BY system_id),
     cov AS MATERIALIZED (SELECT c.*, (p.now * 1000 - c.span_ms) / 1000 AS first_span_s,
                                 row_number() OVER (PARTITION BY c.system_id
                                   ORDER BY c.span_ms > 0 DESC, c.share, c.url) AS least_rank
                          FROM v_coverage c JOIN v_settings p WHERE c.enabled)
SELECT f.system_id, s.name AS system, f.finding, f.severity, f.objective, f.target_s,
       f.measured_s, f.resolution_s, f.since,
       strftime('%Y-%m-%dT%H:%M:%SZ', f.since, 'unixepoch') AS since_iso, f.detail,
       f.lower_s, f.upper_s
FROM (
  -- rto-breach: an outage in the window lasted, at the least, longer than the
  -- RTO in force when it began (or an ongoing one already has). The worst one
  -- is reported, measured by its point estimate.
  SELECT m.system_id, 'rto-breach' AS finding, 'BREACH' AS severity, 'rto' AS objective,
         m.rto_s AS target_s, (m.measured_ms + 999) / 1000 AS measured_s,
         (m.resolution_ms + 999) / 1000 AS resolution_s, m.started_ms / 1000 AS since,
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
  -- backup-missed: no successful check-in for longer than the schedule's largest
  -- gap plus the run's duration plus the grace: a scheduled run did not report.
  SELECT s.id, 'backup-missed', 'BREACH', 'backup', x.target, p.now - x.last, NULL,
         x.last + x.target,
         'schedule ' || x.name || CASE WHEN x.last_ok IS NULL THEN ' never checked in'
                                       ELSE ' has not checked in' END, NULL, NULL
  FROM (SELECT b.system_id, b.name, max(c.last_ok) AS last_ok,
               coalesce(max(c.last_ok), b.created_at) AS last,
               b.max_gap_s + b.duration_s + coalesce(b.grace_s, p.backup_grace_s) AS target
        FROM backup_schedule b JOIN v_settings p
        LEFT JOIN (SELECT k.schedule_id, k.system_id, max(k.at) AS last_ok FROM checkin k JOIN v_settings q
                   WHERE k.ok = 1 AND k.at <= q.now GROUP BY k.schedule_id, k.system_id) c
          ON c.system_id = b.system_id AND (c.schedule_id = b.id OR c.schedule_id IS NULL)
        WHERE b.created_at <= p.now
        GROUP BY b.id) x
  JOIN system s ON s.id = x.system_id JOIN v_settings p
  WHERE p.now - x.last > x.target

  UNION ALL
  -- The findings about the plan (plan-gap, strategy-under, strategy-over,
  -- dependency-conflict) judge the objectives and strategy in force at drtop's
  -- clock (cur), so that a past 'now' gives the plan as it was then.
  --
  -- plan-gap: even when every run succeeds, the best schedule's worst-case data
  -- loss (its largest gap between runs plus a run's duration) exceeds the RPO.
  SELECT s.id, 'plan-gap', 'WARN', 'plan', c.rpo_s, g.worst, NULL, max(g.changed, s.updated_at),
         'the backup schedules cannot meet the RPO even when every run succeeds', NULL, NULL
  FROM system s JOIN cur c ON c.system_id = s.id
  JOIN (SELECT b.system_id, min(b.max_gap_s + b.duration_s) AS worst, max(b.updated_at) AS changed
        FROM backup_schedule b JOIN v_settings p WHERE b.created_at <= p.now
        GROUP BY b.system_id) g ON g.system_id = s.id
  WHERE g.worst > c.rpo_s

  UNION ALL
  -- strategy-under: the strategy's typical figures cannot meet the targets.
  SELECT s.id, 'strategy-under', 'WARN', CASE WHEN st.rto_s > c.rto_s THEN 'rto' ELSE 'rpo' END,
         CASE WHEN st.rto_s > c.rto_s THEN c.rto_s ELSE c.rpo_s END,
         CASE WHEN st.rto_s > c.rto_s THEN st.rto_s ELSE st.rpo_s END, NULL, s.updated_at,
         st.name || ' typically cannot meet the ' ||
         CASE WHEN st.rto_s > c.rto_s AND st.rpo_s > c.rpo_s THEN 'RTO and RPO'
              WHEN st.rto_s > c.rto_s THEN 'RTO' ELSE 'RPO' END, NULL, NULL
  FROM system s JOIN cur c ON c.system_id = s.id JOIN strategy st ON st.name = c.strategy
  WHERE st.rto_s > c.rto_s OR st.rpo_s > c.rpo_s

  UNION ALL
  -- strategy-over (information): a cheaper strategy would meet the targets.
  SELECT s.id, 'strategy-over', 'INFO', 'cost', NULL, NULL, NULL, s.updated_at,
         f.strategy || ' (' || substr('$$$$', 1, f.cost_tier) || ') would meet the objectives for less than '
         || cs.name || ' (' || substr('$$$$', 1, cs.cost_tier) || ')', NULL, NULL
  FROM system s JOIN cur c ON c.system_id = s.id JOIN strategy cs ON cs.name = c.strategy
  JOIN v_strategy_fit f ON f.system_id = s.id AND f.cheapest
  WHERE f.cost_tier < cs.cost_tier

  UNION ALL
  -- dependency-conflict: the system depends, directly or not, on a system whose
  -- RTO or RPO target is looser than its own.
  SELECT a.id, 'dependency-conflict', 'WARN', CASE WHEN cb.rto_s > ca.rto_s THEN 'rto' ELSE 'rpo' END,
         CASE WHEN cb.rto_s > ca.rto_s THEN ca.rto_s ELSE ca.rpo_s END,
         CASE WHEN cb.rto_s > ca.rto_s THEN cb.rto_s ELSE cb.rpo_s END, NULL,
         max(a.updated_at, b.updated_at),
         'depends on ' || b.name || ', whose ' ||
         CASE WHEN cb.rto_s > ca.rto_s AND cb.rpo_s > ca.rpo_s THEN 'RTO and RPO are'
              WHEN cb.rto_s > ca.rto_s THEN 'RTO is' ELSE 'RPO is' END || ' looser', NULL, NULL
  FROM reach r JOIN system a ON a.id = r.system_id JOIN system b ON b.id = r.depends_on
  JOIN cur ca ON ca.system_id = a.id JOIN cur cb ON cb.system_id = b.id
  WHERE a.id <> b.id AND (cb.rto_s > ca.rto_s OR cb.rpo_s > ca.rpo_s)

  UNION ALL
  -- dependency-cycle: the system depends on itself through others.
  SELECT a.id, 'dependency-cycle', 'WARN', 'dependency', NULL, NULL, NULL, a.updated_at,
         'the system depends on itself through its dependencies: no recovery order exists', NULL, NULL
  FROM reach r JOIN system a ON a.id = r.system_id
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
  -- (or lost more data than the RPO); a later live drill that meets both ends it.
  SELECT d.system_id, 'drill-failed', 'WARN', CASE WHEN NOT d.met_rto THEN 'rto' ELSE 'rpo' END,
         CASE WHEN NOT d.met_rto THEN d.rto_s ELSE d.rpo_s END,
         CASE WHEN NOT d.met_rto THEN d.recovery_s ELSE d.data_loss_s END, NULL, d.recovered_at,
         'the latest live drill (' || d.kind || ') ' ||
         CASE WHEN NOT d.met_rto AND d.met_rpo IS 0 THEN 'exceeded the RTO and the RPO'
              WHEN NOT d.met_rto THEN 'took longer than the RTO' ELSE 'lost more data than the RPO' END, NULL, NULL
  FROM (SELECT *, row_number() OVER (PARTITION BY system_id ORDER BY started_at DESC, id DESC) AS rn
        FROM dm WHERE live) d
  WHERE d.rn = 1 AND (NOT d.met_rto OR d.met_rpo IS 0)

  UNION ALL
  -- target-loosened (information): inside the window, an RTO or RPO was
  -- loosened after evidence breached the old value. The breach stays.
  SELECT h.system_id, 'target-loosened', 'INFO', CASE WHEN h.rto_s > h.prev_rto_s THEN 'rto' ELSE 'rpo' END,
         CASE WHEN h.rto_s > h.prev_rto_s THEN h.rto_s ELSE h.rpo_s END,
         CASE WHEN h.rto_s > h.prev_rto_s THEN h.prev_rto_s ELSE h.prev_rpo_s END, NULL, h.from_at,
         CASE WHEN h.rto_s > h.prev_rto_s THEN 'RTO loosened from ' || h.prev_rto_s || ' s to ' || h.rto_s
              ELSE 'RPO loosened from ' || h.prev_rpo_s || ' s to ' || h.rpo_s END
         || ' s after a breach of the old value', NULL, NULL
  FROM obj h JOIN v_settings p
  WHERE h.from_at IS NOT NULL AND h.from_at <= p.now AND h.from_at >= p.now - p.window_s
    AND ((h.rto_s > h.prev_rto_s
          AND (EXISTS (SELECT 1 FROM v_outage_measure m WHERE m.system_id = h.system_id
                         AND m.started_ms < h.from_at * 1000 AND m.lower_ms > h.prev_rto_s * 1000)
               OR EXISTS (SELECT 1 FROM dm WHERE dm.system_id = h.system_id AND dm.live
                            AND dm.started_at < h.from_at AND dm.recovery_s > h.prev_rto_s)))
      OR (h.rpo_s > h.prev_rpo_s
          AND EXISTS (SELECT 1 FROM dm WHERE dm.system_id = h.system_id AND dm.live
                        AND dm.started_at < h.from_at AND dm.data_loss_s > h.prev_rpo_s)))

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
               max(3 * e.interval_ms + e.timeout_ms) AS limit_ms,
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
  -- intervals: the live evidence is old, so "up" is not known.
  SELECT s.id, 'prober-stale', 'WARN', 'evidence', 3 * min(e.interval_ms) / 1000,
         p.now - min(st.last_probe_ms) / 1000, NULL,
         min((st.last_probe_ms + 3 * e.interval_ms) / 1000), 'no recent probe', NULL, NULL
  FROM endpoint e JOIN endpoint_state st ON st.endpoint_id = e.id
  JOIN system s ON s.id = e.system_id JOIN v_settings p
  WHERE e.enabled AND s.enabled AND p.now * 1000 - st.last_probe_ms > 3 * e.interval_ms
  GROUP BY s.id
) f JOIN system s ON s.id = f.system_id;

-- v_system_status, as in 0008, with the outages picked in one pass.
CREATE VIEW v_system_status AS
WITH f AS MATERIALIZED (
  SELECT system_id, finding,
         CASE severity WHEN 'BREACH' THEN 4 WHEN 'UNKNOWN' THEN 3 WHEN 'WARN' THEN 2 WHEN 'INFO' THEN 1 ELSE 0 END AS rank,
         instr(',rto-breach,rpo-breach,backup-missed,no-evidence,outage-ongoing,rpo-near,rto-breach-possible,'
               || 'drill-failed,prober-stale,evidence-gap,plan-gap,strategy-under,dependency-cycle,'
               || 'dependency-conflict,drill-overdue,target-loosened,strategy-over,', ',' || finding || ',') AS prio
  FROM v_findings
), worst AS (
  SELECT system_id, rank, finding, findings FROM (
    SELECT system_id, finding, rank, count(*) OVER (PARTITION BY system_id) AS findings,
           row_number() OVER (PARTITION BY system_id ORDER BY rank DESC, prio) AS rn
    FROM f)
  WHERE rn = 1
), outages AS (
  -- per system, the worst outage (by its point estimate) and the last ended
  -- one, picked in one pass over the outages
  SELECT system_id,
         max(CASE WHEN wrn = 1 THEN (measured_ms + 999) / 1000 END) AS worst_recovery_s,
         max(CASE WHEN wrn = 1 THEN lower_ms / 1000 END) AS worst_lower_s,
         max(CASE WHEN wrn = 1 THEN (upper_ms + 999) / 1000 END) AS worst_upper_s,
         max(CASE WHEN lrn = 1 AND NOT ongoing THEN (ended_ms - started_ms + 999) / 1000 END) AS last_recovery_s,
         max(CASE WHEN lrn = 1 AND NOT ongoing THEN lower_ms / 1000 END) AS last_lower_s,
         max(CASE WHEN lrn = 1 AND NOT ongoing THEN (upper_ms + 999) / 1000 END) AS last_upper_s
  FROM (SELECT system_id, measured_ms, ongoing, started_ms, ended_ms, lower_ms, upper_ms,
               row_number() OVER (PARTITION BY system_id ORDER BY measured_ms DESC, lower_ms DESC) AS wrn,
               row_number() OVER (PARTITION BY system_id ORDER BY ongoing, ended_ms DESC) AS lrn
        FROM v_outage_measure)
  WHERE wrn = 1 OR lrn = 1
  GROUP BY system_id
), probes AS (
  SELECT e.system_id, max(st.last_probe_ms) / 1000 AS last_probe_at
  FROM endpoint_state st JOIN endpoint e ON e.id = st.endpoint_id JOIN v_settings p
  WHERE st.last_probe_ms / 1000 <= p.now GROUP BY e.system_id
), fits AS MATERIALIZED (
  SELECT system_id, strategy, cost_tier FROM v_strategy_fit WHERE cheapest
), points AS MATERIALIZED (
  SELECT system_id, recovery_point_at FROM v_recovery_point
), cur AS MATERIALIZED (
  SELECT system_id, rto_s, rpo_s FROM v_objectives_now
)
SELECT s.id AS system_id, s.name AS system, s.tier, s.owner, s.enabled,
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
       o.last_lower_s AS last_recovery_lower_s, o.last_upper_s AS last_recovery_upper_s
FROM system s JOIN v_settings p
LEFT JOIN worst w ON w.system_id = s.id
LEFT JOIN outages o ON o.system_id = s.id
LEFT JOIN points rp ON rp.system_id = s.id
LEFT JOIN cur c ON c.system_id = s.id
LEFT JOIN strategy st ON st.name = s.strategy
LEFT JOIN fits fit ON fit.system_id = s.id
LEFT JOIN probes pr ON pr.system_id = s.id;

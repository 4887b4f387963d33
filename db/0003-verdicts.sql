-- 0003: the verdict. Every rule that judges a system lives here, as views, so
-- that the dashboard, the reports and an auditor's own query read one and the
-- same verdict. The views read the inventory, outages, endpoint_state,
-- check-ins and drills; none of them scans probe_result.
--
-- 'now' is SQLite's clock (drtop's own connections honour DRTOP_NOW/--now).

-- Settings, typed, with the current time: one row.
CREATE VIEW v_settings AS
SELECT CAST(strftime('%s', 'now') AS INTEGER) AS now,
  coalesce((SELECT CAST(value AS INTEGER) FROM setting WHERE key = 'window_s'), 7776000) AS window_s,
  coalesce((SELECT CAST(value AS REAL) FROM setting WHERE key = 'rpo_near_ratio'), 0.8) AS rpo_near_ratio,
  coalesce((SELECT CAST(value AS INTEGER) FROM setting WHERE key = 'drill_max_age_s'), 31536000) AS drill_max_age_s,
  coalesce((SELECT CAST(value AS INTEGER) FROM setting WHERE key = 'backup_grace_s'), 3600) AS backup_grace_s;

-- Outages that count against the RTO: unplanned, ended (or still going) inside
-- the window. An ongoing outage is measured up to its last failed probe: time
-- nobody probed is not known to be down.
CREATE VIEW v_outage_measure AS
SELECT o.id, o.system_id, o.endpoint_id, o.started_ms, o.ended_ms,
       CASE WHEN o.ended_ms IS NOT NULL THEN o.ended_ms - o.started_ms
            ELSE max(coalesce(st.last_probe_ms, o.started_ms) - o.started_ms, 0) END AS measured_ms,
       coalesce(o.res_start_ms, 0) + coalesce(o.res_end_ms, 0) AS resolution_ms,
       o.ended_ms IS NULL AS ongoing
FROM outage o
LEFT JOIN endpoint_state st ON st.endpoint_id = o.endpoint_id AND st.outage_id = o.id
JOIN v_settings p
WHERE o.planned = 0 AND coalesce(o.ended_ms, p.now * 1000) >= (p.now - p.window_s) * 1000;

-- Every pair (system, a system it depends on, directly or through others).
CREATE VIEW v_dependency_reach AS
WITH RECURSIVE reach(system_id, depends_on) AS (
  SELECT system_id, depends_on FROM dependency
  UNION
  SELECT r.system_id, d.depends_on FROM reach r JOIN dependency d ON d.system_id = r.depends_on
)
SELECT system_id, depends_on FROM reach;

-- Each system against each strategy of the catalogue.
CREATE VIEW v_strategy_fit AS
SELECT s.id AS system_id, s.name AS system, st.name AS strategy, st.cost_tier,
       st.rto_s AS typical_rto_s, st.rpo_s AS typical_rpo_s,
       st.rto_s <= s.rto_s AS meets_rto,
       st.rpo_s <= s.rpo_s AS meets_rpo,
       (st.rto_s <= s.rto_s AND st.rpo_s <= s.rpo_s) AS meets,
       st.name IS s.strategy AS current,
       (st.rto_s <= s.rto_s AND st.rpo_s <= s.rpo_s AND NOT EXISTS (
          SELECT 1 FROM strategy o WHERE o.rto_s <= s.rto_s AND o.rpo_s <= s.rpo_s
             AND (o.cost_tier < st.cost_tier OR (o.cost_tier = st.cost_tier AND o.name < st.name))
       )) AS cheapest
FROM system s CROSS JOIN strategy st;

-- One row per finding. target_s, measured_s and resolution_s are seconds;
-- since is when the finding became true (Unix seconds).
CREATE VIEW v_findings AS
WITH rp AS MATERIALIZED (SELECT system_id, recovery_point_at, source FROM v_recovery_point),
     reach AS MATERIALIZED (SELECT system_id, depends_on FROM v_dependency_reach),
     om AS MATERIALIZED (SELECT system_id, measured_ms, resolution_ms, started_ms, ongoing,
                                row_number() OVER (PARTITION BY system_id ORDER BY measured_ms DESC) AS rn,
                                row_number() OVER (PARTITION BY system_id, ongoing ORDER BY measured_ms DESC) AS rn_ongoing
                         FROM v_outage_measure)
SELECT f.system_id, s.name AS system, f.finding, f.severity, f.objective, f.target_s,
       f.measured_s, f.resolution_s, f.since,
       strftime('%Y-%m-%dT%H:%M:%SZ', f.since, 'unixepoch') AS since_iso, f.detail
FROM (
  -- rto-breach: an outage in the window lasted longer than the RTO target, or an
  -- ongoing one already has. The worst one is reported.
  SELECT m.system_id, 'rto-breach' AS finding, 'BREACH' AS severity, 'rto' AS objective,
         s.rto_s AS target_s, (m.measured_ms + 999) / 1000 AS measured_s,
         (m.resolution_ms + 999) / 1000 AS resolution_s, m.started_ms / 1000 AS since,
         CASE WHEN m.ongoing THEN 'an ongoing outage has lasted longer than the RTO'
              ELSE 'an outage lasted longer than the RTO' END AS detail
  FROM om m JOIN system s ON s.id = m.system_id
  WHERE m.rn = 1 AND m.measured_ms > s.rto_s * 1000

  UNION ALL
  -- outage-ongoing: an outage is in progress and still within the RTO target.
  SELECT m.system_id, 'outage-ongoing', 'WARN', 'rto', s.rto_s, (m.measured_ms + 999) / 1000,
         (m.resolution_ms + 999) / 1000, m.started_ms / 1000, 'an outage is in progress'
  FROM om m JOIN system s ON s.id = m.system_id
  WHERE m.ongoing AND m.rn_ongoing = 1 AND m.measured_ms <= s.rto_s * 1000

  UNION ALL
  -- rpo-breach: the data lag now is above the RPO target.
  SELECT s.id, 'rpo-breach', 'BREACH', 'rpo', s.rpo_s, p.now - rp.recovery_point_at, NULL,
         rp.recovery_point_at + s.rpo_s, 'the newest recovery point (' || rp.source || ') is older than the RPO'
  FROM system s JOIN rp ON rp.system_id = s.id JOIN v_settings p
  WHERE p.now - rp.recovery_point_at > s.rpo_s

  UNION ALL
  -- rpo-near: the data lag is above rpo_near_ratio (80%) of the RPO target.
  SELECT s.id, 'rpo-near', 'WARN', 'rpo', s.rpo_s, p.now - rp.recovery_point_at, NULL,
         rp.recovery_point_at + CAST(s.rpo_s * p.rpo_near_ratio AS INTEGER),
         'the data lag is close to the RPO'
  FROM system s JOIN rp ON rp.system_id = s.id JOIN v_settings p
  WHERE p.now - rp.recovery_point_at > s.rpo_s * p.rpo_near_ratio
    AND p.now - rp.recovery_point_at <= s.rpo_s

  UNION ALL
  -- backup-missed: no successful check-in for longer than the schedule's largest
  -- gap plus the run's duration plus the grace: a scheduled run did not report.
  SELECT s.id, 'backup-missed', 'BREACH', 'backup', x.target, p.now - x.last, NULL,
         x.last + x.target,
         'schedule ' || x.name || CASE WHEN x.last_ok IS NULL THEN ' never checked in'
                                       ELSE ' has not checked in' END
  FROM (SELECT b.system_id, b.name, max(c.last_ok) AS last_ok,
               coalesce(max(c.last_ok), b.created_at) AS last,
               b.max_gap_s + b.duration_s + coalesce(b.grace_s, p.backup_grace_s) AS target
        FROM backup_schedule b JOIN v_settings p
        LEFT JOIN (SELECT k.schedule_id, k.system_id, max(k.at) AS last_ok FROM checkin k
                   WHERE k.ok = 1 GROUP BY k.schedule_id, k.system_id) c
          ON c.system_id = b.system_id AND (c.schedule_id = b.id OR c.schedule_id IS NULL)
        GROUP BY b.id) x
  JOIN system s ON s.id = x.system_id JOIN v_settings p
  WHERE p.now - x.last > x.target

  UNION ALL
  -- plan-gap: even when every run succeeds, the best schedule's worst-case data
  -- loss (its largest gap between runs plus a run's duration) exceeds the RPO.
  SELECT s.id, 'plan-gap', 'WARN', 'plan', s.rpo_s, g.worst, NULL, max(g.changed, s.updated_at),
         'the backup schedules cannot meet the RPO even when every run succeeds'
  FROM system s JOIN (SELECT system_id, min(max_gap_s + duration_s) AS worst,
                             max(updated_at) AS changed
                      FROM backup_schedule GROUP BY system_id) g ON g.system_id = s.id
  WHERE g.worst > s.rpo_s

  UNION ALL
  -- strategy-under: the strategy's typical figures cannot meet the targets.
  SELECT s.id, 'strategy-under', 'WARN', CASE WHEN st.rto_s > s.rto_s THEN 'rto' ELSE 'rpo' END,
         CASE WHEN st.rto_s > s.rto_s THEN s.rto_s ELSE s.rpo_s END,
         CASE WHEN st.rto_s > s.rto_s THEN st.rto_s ELSE st.rpo_s END, NULL, s.updated_at,
         st.name || ' typically cannot meet the ' ||
         CASE WHEN st.rto_s > s.rto_s AND st.rpo_s > s.rpo_s THEN 'RTO and RPO'
              WHEN st.rto_s > s.rto_s THEN 'RTO' ELSE 'RPO' END
  FROM system s JOIN strategy st ON st.name = s.strategy
  WHERE st.rto_s > s.rto_s OR st.rpo_s > s.rpo_s

  UNION ALL
  -- strategy-over (information): a cheaper strategy would meet the targets.
  SELECT s.id, 'strategy-over', 'INFO', 'cost', NULL, NULL, NULL, s.updated_at,
         f.strategy || ' (' || substr('$$$$', 1, f.cost_tier) || ') would meet the objectives for less than '
         || cur.name || ' (' || substr('$$$$', 1, cur.cost_tier) || ')'
  FROM system s JOIN strategy cur ON cur.name = s.strategy
  JOIN v_strategy_fit f ON f.system_id = s.id AND f.cheapest
  WHERE f.cost_tier < cur.cost_tier

  UNION ALL
  -- dependency-conflict: the system depends, directly or not, on a system whose
  -- RTO or RPO target is looser than its own.
  SELECT a.id, 'dependency-conflict', 'WARN', CASE WHEN b.rto_s > a.rto_s THEN 'rto' ELSE 'rpo' END,
         CASE WHEN b.rto_s > a.rto_s THEN a.rto_s ELSE a.rpo_s END,
         CASE WHEN b.rto_s > a.rto_s THEN b.rto_s ELSE b.rpo_s END, NULL,
         max(a.updated_at, b.updated_at),
         'depends on ' || b.name || ', whose ' ||
         CASE WHEN b.rto_s > a.rto_s AND b.rpo_s > a.rpo_s THEN 'RTO and RPO are'
              WHEN b.rto_s > a.rto_s THEN 'RTO is' ELSE 'RPO is' END || ' looser'
  FROM reach r JOIN system a ON a.id = r.system_id JOIN system b ON b.id = r.depends_on
  WHERE a.id <> b.id AND (b.rto_s > a.rto_s OR b.rpo_s > a.rpo_s)

  UNION ALL
  -- dependency-cycle: the system depends on itself through others.
  SELECT a.id, 'dependency-cycle', 'WARN', 'dependency', NULL, NULL, NULL, a.updated_at,
         'the system depends on itself through its dependencies: no recovery order exists'
  FROM reach r JOIN system a ON a.id = r.system_id
  WHERE r.depends_on = r.system_id

  UNION ALL
  -- drill-overdue: no drill in the last drill_max_age_s (365 days).
  SELECT s.id, 'drill-overdue', 'WARN', 'drill', p.drill_max_age_s, p.now - d.last, NULL,
         coalesce(d.last + p.drill_max_age_s, s.created_at),
         CASE WHEN d.last IS NULL THEN 'never drilled' ELSE 'no recent drill' END
  FROM system s JOIN v_settings p
  LEFT JOIN (SELECT system_id, max(started_at) AS last FROM drill GROUP BY system_id) d
    ON d.system_id = s.id
  WHERE d.last IS NULL OR p.now - d.last > p.drill_max_age_s

  UNION ALL
  -- prober-stale: an endpoint of the system has not been probed for three of its
  -- intervals: the live evidence is old, so "up" is not known.
  SELECT s.id, 'prober-stale', 'WARN', 'evidence', 3 * min(e.interval_ms) / 1000,
         p.now - min(st.last_probe_ms) / 1000, NULL,
         min((st.last_probe_ms + 3 * e.interval_ms) / 1000), 'no recent probe'
  FROM endpoint e JOIN endpoint_state st ON st.endpoint_id = e.id
  JOIN system s ON s.id = e.system_id JOIN v_settings p
  WHERE e.enabled AND s.enabled AND p.now * 1000 - st.last_probe_ms > 3 * e.interval_ms
  GROUP BY s.id
) f JOIN system s ON s.id = f.system_id;

-- One row per system: its status, the worst finding, objectives against the evidence,
-- the strategy with its cost tier and the cheapest one that would meet the objectives.
CREATE VIEW v_system_status AS
WITH f AS MATERIALIZED (
  SELECT system_id, finding,
         CASE severity WHEN 'BREACH' THEN 3 WHEN 'WARN' THEN 2 WHEN 'INFO' THEN 1 ELSE 0 END AS rank,
         instr(',rto-breach,rpo-breach,backup-missed,outage-ongoing,rpo-near,prober-stale,'
               || 'plan-gap,strategy-under,dependency-cycle,dependency-conflict,drill-overdue,'
               || 'strategy-over,', ',' || finding || ',') AS prio
  FROM v_findings
), worst AS (
  SELECT system_id, rank, finding, findings FROM (
    SELECT system_id, finding, rank, count(*) OVER (PARTITION BY system_id) AS findings,
           row_number() OVER (PARTITION BY system_id ORDER BY rank DESC, prio) AS rn
    FROM f)
  WHERE rn = 1
), om AS MATERIALIZED (
  SELECT system_id, measured_ms, ongoing, started_ms, ended_ms FROM v_outage_measure
), outages AS (
  SELECT w.system_id, w.worst_recovery_s, l.last_recovery_s
  FROM (SELECT system_id, (max(measured_ms) + 999) / 1000 AS worst_recovery_s
        FROM om GROUP BY system_id) w
  LEFT JOIN (SELECT system_id, (ended_ms - started_ms + 999) / 1000 AS last_recovery_s,
                    row_number() OVER (PARTITION BY system_id ORDER BY ended_ms DESC) AS rn
             FROM om WHERE NOT ongoing) l ON l.system_id = w.system_id AND l.rn = 1
), probes AS (
  SELECT e.system_id, max(st.last_probe_ms) / 1000 AS last_probe_at
  FROM endpoint_state st JOIN endpoint e ON e.id = st.endpoint_id GROUP BY e.system_id
), fits AS MATERIALIZED (
  SELECT system_id, strategy, cost_tier FROM v_strategy_fit WHERE cheapest
), points AS MATERIALIZED (
  SELECT system_id, recovery_point_at FROM v_recovery_point
)
SELECT s.id AS system_id, s.name AS system, s.tier, s.owner, s.enabled,
       CASE WHEN w.rank = 3 THEN 'BREACH' WHEN w.rank = 2 THEN 'WARN'
            WHEN pr.last_probe_at IS NOT NULL OR EXISTS (SELECT 1 FROM checkin c WHERE c.system_id = s.id)
            THEN 'OK' ELSE 'UNKNOWN' END AS status,
       CASE WHEN w.rank >= 2 THEN w.finding END AS worst_finding,
       coalesce(w.findings, 0) AS findings,
       s.rto_s, o.worst_recovery_s, o.last_recovery_s,
       s.rpo_s, p.now - rp.recovery_point_at AS data_lag_s, rp.recovery_point_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', rp.recovery_point_at, 'unixepoch') AS recovery_point,
       s.strategy, st.cost_tier,
       fit.strategy AS recommended_strategy, fit.cost_tier AS recommended_cost_tier,
       pr.last_probe_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', pr.last_probe_at, 'unixepoch') AS last_probe
FROM system s JOIN v_settings p
LEFT JOIN worst w ON w.system_id = s.id
LEFT JOIN outages o ON o.system_id = s.id
LEFT JOIN points rp ON rp.system_id = s.id
LEFT JOIN strategy st ON st.name = s.strategy
LEFT JOIN fits fit ON fit.system_id = s.id
LEFT JOIN probes pr ON pr.system_id = s.id;

-- Readable outages, with their systems and ISO-8601 times.
CREATE VIEW v_outages AS
SELECT o.id, s.name AS system, e.url AS endpoint,
       strftime('%Y-%m-%dT%H:%M:%SZ', o.started_at, 'unixepoch') AS started,
       strftime('%Y-%m-%dT%H:%M:%SZ', o.ended_at, 'unixepoch') AS ended,
       o.started_ms, o.ended_ms, o.duration_ms, o.duration_s, s.rto_s,
       o.duration_ms > s.rto_s * 1000 AS over_rto,
       o.res_start_ms, o.res_end_ms, o.gap, o.planned, c.name AS likely_cause, o.first_error
FROM outage o JOIN system s ON s.id = o.system_id JOIN endpoint e ON e.id = o.endpoint_id
LEFT JOIN system c ON c.id = o.cause_system_id;

CREATE VIEW v_checkins AS
SELECT k.id, s.name AS system, b.name AS schedule, k.at,
       strftime('%Y-%m-%dT%H:%M:%SZ', k.at, 'unixepoch') AS at_iso,
       CASE WHEN k.ok THEN 'ok' ELSE 'failed' END AS result, k.note,
       strftime('%Y-%m-%dT%H:%M:%SZ', k.recorded_at, 'unixepoch') AS recorded
FROM checkin k JOIN system s ON s.id = k.system_id
LEFT JOIN backup_schedule b ON b.id = k.schedule_id;

CREATE VIEW v_drills AS
SELECT d.id, s.name AS system, d.kind,
       strftime('%Y-%m-%dT%H:%M:%SZ', d.started_at, 'unixepoch') AS started,
       strftime('%Y-%m-%dT%H:%M:%SZ', d.recovered_at, 'unixepoch') AS recovered,
       d.recovery_s, s.rto_s, d.recovery_s <= s.rto_s AS met_rto,
       d.data_loss_s, s.rpo_s, CASE WHEN d.data_loss_s IS NOT NULL THEN d.data_loss_s <= s.rpo_s END AS met_rpo,
       d.notes
FROM drill d JOIN system s ON s.id = d.system_id;

-- The order to recover systems in: dependencies first. depth is the length of
-- the longest chain of dependencies below a system (0: it needs nothing).
-- Systems in a dependency cycle have no order and are left out.
CREATE VIEW v_recovery_order AS
WITH RECURSIVE depth(system_id, depth) AS (
  SELECT id, 0 FROM system
  UNION
  SELECT d.system_id, x.depth + 1 FROM depth x JOIN dependency d ON d.depends_on = x.system_id
  WHERE x.depth < (SELECT count(*) FROM system)
)
SELECT row_number() OVER (ORDER BY max(x.depth), s.tier, s.name) AS step, s.name AS system,
       max(x.depth) AS depth, s.tier, s.rto_s,
       (SELECT group_concat(o.name, ', ') FROM dependency d JOIN system o ON o.id = d.depends_on
        WHERE d.system_id = s.id) AS needs
FROM depth x JOIN system s ON s.id = x.system_id
WHERE s.id NOT IN (SELECT system_id FROM v_dependency_reach WHERE system_id = depends_on)
GROUP BY s.id;

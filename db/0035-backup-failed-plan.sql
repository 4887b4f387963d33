-- 0035: backup-failed looks up each schedule's newest run instead of indexing
-- every check-in.
--
-- backup-failed joined each schedule's newest finished run (fin.last_id) with
-- checkin on its id, WHERE k.ok = 0. SQLite's planner took checkin as the
-- outer table: every read of the verdict built a temporary index of all the
-- failed check-ins (a pass over the whole table: 330,000 rows at 10,000
-- systems, 3.3 million at 100,000) to join it with the schedules. The schedules
-- now lead (CROSS JOIN fixes the order), and each looks up its newest run by
-- its key. v_backup_findings is otherwise 0029's, row for row.

DROP VIEW v_backup_findings;

CREATE VIEW v_backup_findings AS
WITH p AS MATERIALIZED (SELECT * FROM v_settings),
newest AS MATERIALIZED (
  SELECT b.id AS schedule_id, (SELECT max(v.due_at) FROM backup_due v WHERE v.schedule_id = b.id
                                 AND v.due_at <= p.now) AS due_at
  FROM backup_schedule b JOIN p),
last2 AS MATERIALIZED (
  SELECT schedule_id, due_at FROM newest WHERE due_at IS NOT NULL
  UNION ALL
  SELECT n.schedule_id, (SELECT max(v.due_at) FROM backup_due v WHERE v.schedule_id = n.schedule_id
                           AND v.due_at < n.due_at)
  FROM newest n WHERE n.due_at IS NOT NULL),
cur AS MATERIALIZED (
  SELECT r.*, row_number() OVER (PARTITION BY r.schedule_id
                                 ORDER BY r.outcome = 'pending', r.due_at DESC) AS rn
  FROM last2 l JOIN v_backup_slot r ON r.schedule_id = l.schedule_id AND r.due_at = l.due_at),
spoke AS MATERIALIZED (SELECT * FROM cur WHERE rn = 1 AND outcome <> 'pending'),
-- each schedule's newest finished run, and its newest successful one
fin AS MATERIALIZED (
  SELECT b.id AS schedule_id, b.system_id, b.name,
         (SELECT k.id FROM checkin k WHERE k.system_id = b.system_id
            AND (k.schedule_id = b.id OR k.schedule_id IS NULL) AND k.at <= p.now
          ORDER BY k.at DESC, k.id DESC LIMIT 1) AS last_id,
         (SELECT k.id FROM checkin k WHERE k.system_id = b.system_id
            AND (k.schedule_id = b.id OR k.schedule_id IS NULL) AND k.at <= p.now AND k.ok = 1
          ORDER BY k.at DESC, k.id DESC LIMIT 1) AS good_id
  FROM backup_schedule b JOIN p WHERE b.created_at <= p.now),
-- the ten successful runs before the newest one
prev AS MATERIALIZED (
  SELECT f.schedule_id, k.size_bytes, k.duration_s
  FROM fin f JOIN checkin g ON g.id = f.good_id
  JOIN checkin k ON k.id IN (SELECT k2.id FROM checkin k2 WHERE k2.system_id = f.system_id
                               AND (k2.schedule_id = f.schedule_id OR k2.schedule_id IS NULL)
                               AND k2.ok = 1 AND (k2.at < g.at OR (k2.at = g.at AND k2.id < g.id))
                             ORDER BY k2.at DESC, k2.id DESC LIMIT 10)
  -- (only when the newest says its size or duration: else there is nothing to compare)
  WHERE g.size_bytes IS NOT NULL OR g.duration_s IS NOT NULL),
size_med AS (
  SELECT schedule_id, avg(v) AS med, max(n) AS n FROM (
    SELECT schedule_id, size_bytes AS v, count(*) OVER (PARTITION BY schedule_id) AS n,
           row_number() OVER (PARTITION BY schedule_id ORDER BY size_bytes) AS i
    FROM prev WHERE size_bytes IS NOT NULL)
  WHERE i IN ((n + 1) / 2, (n + 2) / 2) GROUP BY schedule_id),
duration_med AS (
  SELECT schedule_id, avg(v) AS med, max(n) AS n FROM (
    SELECT schedule_id, duration_s AS v, count(*) OVER (PARTITION BY schedule_id) AS n,
           row_number() OVER (PARTITION BY schedule_id ORDER BY duration_s) AS i
    FROM prev WHERE duration_s IS NOT NULL)
  WHERE i IN ((n + 1) / 2, (n + 2) / 2) GROUP BY schedule_id),
ratio AS (SELECT coalesce((SELECT CAST(value AS REAL) FROM setting WHERE key = 'backup_suspect_ratio'), 0.5) AS r)
SELECT f.system_id, s.name AS system, f.finding, f.severity, f.objective, f.target_s,
       f.measured_s, f.resolution_s, f.since,
       strftime('%Y-%m-%dT%H:%M:%SZ', f.since, 'unixepoch') AS since_iso, f.detail,
       f.lower_s, f.upper_s
FROM (
  -- backup-missed: the due run that speaks had no run by its deadline, nor since.
  SELECT c.system_id, 'backup-missed' AS finding, 'BREACH' AS severity, 'backup' AS objective,
         c.duration_s + c.grace_s AS target_s, c.now - c.due_at AS measured_s, NULL AS resolution_s,
         c.deadline AS since,
         'schedule ' || b.name || ': the run due at '
         || strftime('%Y-%m-%dT%H:%M:%SZ', c.due_at, 'unixepoch') || ' did not report' AS detail,
         NULL AS lower_s, NULL AS upper_s
  FROM spoke c JOIN backup_schedule b ON b.id = c.schedule_id
  WHERE c.outcome = 'missed'

  UNION ALL
  -- backup-missed: no successful check-in for longer than the schedule's largest
  -- gap plus the run's duration plus the grace: a scheduled run did not report.
  SELECT s.id, 'backup-missed', 'BREACH', 'backup', x.target, p.now - x.last, NULL,
         x.last + x.target,
         'schedule ' || x.name || CASE WHEN x.last_ok IS NOT NULL THEN ' has not checked in'
                                       WHEN x.last_id IS NOT NULL THEN ' has no successful run'
                                       ELSE ' never checked in' END, NULL, NULL
  FROM (SELECT b.id, b.system_id, b.name, g.at AS last_ok, f.last_id,
               coalesce(g.at, b.created_at) AS last,
               b.max_gap_s + b.duration_s + coalesce(b.grace_s, p.backup_grace_s) AS target
        FROM fin f JOIN backup_schedule b ON b.id = f.schedule_id JOIN v_settings p
        LEFT JOIN checkin g ON g.id = f.good_id) x
  JOIN system s ON s.id = x.system_id JOIN v_settings p
  WHERE p.now - x.last > x.target
    AND x.id NOT IN (SELECT schedule_id FROM spoke WHERE outcome = 'missed')

  UNION ALL
  -- backup-late: the due run that speaks finished after its deadline.
  SELECT c.system_id, 'backup-late', 'WARN', 'backup', c.duration_s + c.grace_s,
         c.finished_at - c.due_at, NULL, c.deadline,
         'schedule ' || b.name || ': the run due at '
         || strftime('%Y-%m-%dT%H:%M:%SZ', c.due_at, 'unixepoch') || ' finished at '
         || strftime('%Y-%m-%dT%H:%M:%SZ', c.finished_at, 'unixepoch') || ', after its deadline',
         NULL, NULL
  FROM spoke c JOIN backup_schedule b ON b.id = c.schedule_id
  WHERE c.outcome = 'late'

  UNION ALL
  -- backup-failed: the newest finished run failed. target_s is how old the
  -- newest good backup may get, measured_s how old it is (NULL: none).
  SELECT f.system_id, 'backup-failed', 'BREACH', 'backup',
         b.max_gap_s + b.duration_s + coalesce(b.grace_s, p.backup_grace_s),
         p.now - g.at, NULL, k.at,
         'schedule ' || f.name || ': the newest run failed'
         || CASE WHEN k.exit_status IS NOT NULL THEN ' (exited with ' || k.exit_status || ')' ELSE '' END,
         NULL, NULL
  FROM fin f CROSS JOIN checkin k ON k.id = f.last_id CROSS JOIN p
  CROSS JOIN backup_schedule b ON b.id = f.schedule_id LEFT JOIN checkin g ON g.id = f.good_id
  WHERE k.ok = 0

  UNION ALL
  -- backup-running-long: the newest run started and has not finished after
  -- twice its expected duration.
  SELECT b.system_id, 'backup-running-long', 'WARN', 'backup', 2 * x.expect, p.now - r.started_at,
         NULL, r.started_at + 2 * x.expect,
         'schedule ' || b.name || ': a run started at '
         || strftime('%Y-%m-%dT%H:%M:%SZ', r.started_at, 'unixepoch') || ' has not finished', NULL, NULL
  FROM backup_schedule b JOIN p
  JOIN (SELECT b2.id, CASE WHEN b2.duration_s > 0 THEN b2.duration_s
                           ELSE coalesce(b2.grace_s, p2.backup_grace_s) END AS expect
        FROM backup_schedule b2 JOIN v_settings p2) x ON x.id = b.id
  JOIN run_start r ON r.id = (SELECT r2.id FROM run_start r2 WHERE r2.system_id = b.system_id
                                AND (r2.schedule_id = b.id OR r2.schedule_id IS NULL) AND r2.started_at <= p.now
                              ORDER BY r2.started_at DESC, r2.id DESC LIMIT 1)
  WHERE NOT EXISTS (SELECT 1 FROM checkin k WHERE k.start_id = r.id AND k.at <= p.now)
    AND p.now - r.started_at > 2 * x.expect

  UNION ALL
  -- backup-suspect: the newest successful run is much smaller, or much
  -- quicker, than the median of the ten before it.
  SELECT f.system_id, 'backup-suspect', 'WARN', 'backup',
         CASE WHEN NOT x.small THEN CAST(x.r * x.dmed AS INTEGER) END,
         CASE WHEN NOT x.small THEN x.duration_s END, NULL, x.at,
         'schedule ' || f.name || ': the newest run '
         || CASE WHEN x.small
                 THEN 'wrote ' || x.size_bytes || ' bytes, below ' || printf('%g', 100 * x.r)
                      || '% of the median ' || CAST(x.smed AS INTEGER) || ' bytes of the '
                      || x.sn || ' successful runs before it'
                 ELSE 'took ' || x.duration_s || ' s, below ' || printf('%g', 100 * x.r)
                      || '% of the median ' || CAST(x.dmed AS INTEGER) || ' s of the '
                      || x.dn || ' successful runs before it' END, NULL, NULL
  FROM fin f
  JOIN (SELECT f2.schedule_id, rr.r, g.at, g.size_bytes, g.duration_s, sm.med AS smed, sm.n AS sn,
               dm.med AS dmed, dm.n AS dn,
               coalesce(g.size_bytes < rr.r * sm.med, 0) AS small,
               coalesce(g.duration_s < rr.r * dm.med, 0) AS quick
        FROM fin f2 JOIN ratio rr JOIN checkin g ON g.id = f2.good_id
        LEFT JOIN size_med sm ON sm.schedule_id = f2.schedule_id AND sm.n >= 3
        LEFT JOIN duration_med dm ON dm.schedule_id = f2.schedule_id AND dm.n >= 3) x
    ON x.schedule_id = f.schedule_id
  WHERE x.small OR x.quick
) f JOIN system s ON s.id = f.system_id;

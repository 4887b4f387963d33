-- 0010: backups checked against their schedule, run by run.
--
-- A run is a check-in that may say more: when it started, how it exited,
-- the size, id and SHA-256 of what it wrote. `drtop checkin --start` records
-- a start (run_start) before the job runs; the check-in that finishes the
-- run names it (start_id) and carries its start time. A start that no
-- check-in names is a run still going (or one that never finished).
--
-- The instants a cron schedule is due are kept in backup_due, computed by
-- drtop from the schedule in force (cron expression, time zone, daylight
-- saving) and appended incrementally: each time drtop records the verdict's
-- history or a check-in, it adds the instants from the newest one kept up to
-- the real clock (and, for a schedule never expanded, from the later of its
-- creation and the start of the verdict window). Nothing is computed at
-- import. Fixed-interval schedules (every_s) have no due instants: they stay
-- judged by the gap since the last successful run.
--
-- Each due instant is answered by the runs that began (or, without a start,
-- finished) at or after it and before the next due instant: the first
-- successful one, else the first failed one. Its deadline is the due instant
-- plus the run's expected duration plus the grace.
--
-- Views are replaced with DROP VIEW + CREATE VIEW, keeping their text
-- otherwise as it was.

CREATE TABLE run_start (
  id          INTEGER PRIMARY KEY,
  system_id   INTEGER NOT NULL REFERENCES system(id) ON DELETE CASCADE,
  schedule_id INTEGER REFERENCES backup_schedule(id) ON DELETE SET NULL,
  started_at  INTEGER NOT NULL,          -- when the run started (the time claimed)
  recorded_at INTEGER NOT NULL           -- when drtop was told
) STRICT;
CREATE INDEX run_start_system_started ON run_start(system_id, started_at);
CREATE INDEX run_start_schedule_started ON run_start(schedule_id, started_at);

-- What a finished run says beyond ok: all NULL for a plain check-in.
ALTER TABLE checkin ADD COLUMN start_id INTEGER;      -- the run_start it finishes
ALTER TABLE checkin ADD COLUMN started_at INTEGER;    -- when the run started
ALTER TABLE checkin ADD COLUMN exit_status INTEGER;
ALTER TABLE checkin ADD COLUMN size_bytes INTEGER CHECK (size_bytes >= 0);
ALTER TABLE checkin ADD COLUMN artifact TEXT;
ALTER TABLE checkin ADD COLUMN sha256 TEXT
  CHECK (sha256 IS NULL OR (length(sha256) = 64 AND sha256 NOT GLOB '*[^0-9a-f]*'));
ALTER TABLE checkin ADD COLUMN duration_s INTEGER GENERATED ALWAYS AS (at - started_at) VIRTUAL;
CREATE INDEX checkin_start ON checkin(start_id) WHERE start_id IS NOT NULL;
-- A run answers a due instant by its start, or its finish when it has none.
CREATE INDEX checkin_anchor ON checkin(system_id, coalesce(started_at, at));

CREATE TABLE backup_due (
  id          INTEGER PRIMARY KEY,
  schedule_id INTEGER NOT NULL REFERENCES backup_schedule(id) ON DELETE CASCADE,
  due_at      INTEGER NOT NULL,          -- an instant the cron expression names
  UNIQUE (schedule_id, due_at)
) STRICT;

-- A run may be suspect when its size or duration falls below this share of
-- the median of the schedule's last ten successful runs.
INSERT INTO setting (key, value) VALUES ('backup_suspect_ratio', '0.5');

-- The ledger. A check-in's row object gains the new columns that are set
-- (json_patch leaves out the NULL ones), so the entries of check-ins recorded
-- before this version keep matching their rows. src/core/retention.c and
-- db/ledger-verify.sql build the same objects.
DROP TRIGGER ledger_checkin_insert;
CREATE TRIGGER ledger_checkin_insert AFTER INSERT ON checkin BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('checkin.insert', json_object('id', NEW.id,
    'row', json_patch(json_object('system_id', NEW.system_id, 'schedule_id', NEW.schedule_id,
    'at', NEW.at, 'ok', NEW.ok, 'recorded_at', NEW.recorded_at, 'note', NEW.note),
    json_object('start_id', NEW.start_id, 'started_at', NEW.started_at, 'exit_status',
    NEW.exit_status, 'size_bytes', NEW.size_bytes, 'artifact', NEW.artifact, 'sha256',
    NEW.sha256))));
END;
DROP TRIGGER ledger_checkin_update;
CREATE TRIGGER ledger_checkin_update AFTER UPDATE ON checkin BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('checkin.update', json_object('id', NEW.id,
    'row', json_patch(json_object('system_id', NEW.system_id, 'schedule_id', NEW.schedule_id,
    'at', NEW.at, 'ok', NEW.ok, 'recorded_at', NEW.recorded_at, 'note', NEW.note),
    json_object('start_id', NEW.start_id, 'started_at', NEW.started_at, 'exit_status',
    NEW.exit_status, 'size_bytes', NEW.size_bytes, 'artifact', NEW.artifact, 'sha256',
    NEW.sha256))));
END;
CREATE TRIGGER ledger_run_start_insert AFTER INSERT ON run_start BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('run_start.insert', json_object('id', NEW.id,
    'row', json_object('system_id', NEW.system_id, 'schedule_id', NEW.schedule_id,
    'started_at', NEW.started_at, 'recorded_at', NEW.recorded_at)));
END;
CREATE TRIGGER ledger_run_start_update AFTER UPDATE ON run_start BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('run_start.update', json_object('id', NEW.id,
    'row', json_object('system_id', NEW.system_id, 'schedule_id', NEW.schedule_id,
    'started_at', NEW.started_at, 'recorded_at', NEW.recorded_at)));
END;
CREATE TRIGGER ledger_run_start_delete AFTER DELETE ON run_start
WHEN NOT EXISTS (SELECT 1 FROM audit_context WHERE id = 1 AND pruning) BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('run_start.delete', json_object('id',
    OLD.id));
END;
CREATE TRIGGER ledger_backup_due_insert AFTER INSERT ON backup_due BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('backup_due.insert', json_object('id', NEW.id,
    'row', json_object('schedule_id', NEW.schedule_id, 'due_at', NEW.due_at)));
END;
CREATE TRIGGER ledger_backup_due_update AFTER UPDATE ON backup_due BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('backup_due.update', json_object('id', NEW.id,
    'row', json_object('schedule_id', NEW.schedule_id, 'due_at', NEW.due_at)));
END;
CREATE TRIGGER ledger_backup_due_delete AFTER DELETE ON backup_due
WHEN NOT EXISTS (SELECT 1 FROM audit_context WHERE id = 1 AND pruning) BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('backup_due.delete', json_object('id',
    OLD.id));
END;

-- Readable check-ins, as in 0007, with what a run says besides.
DROP VIEW v_checkins;
CREATE VIEW v_checkins AS
SELECT k.id, s.name AS system, b.name AS schedule, k.at,
       strftime('%Y-%m-%dT%H:%M:%SZ', k.at, 'unixepoch') AS at_iso,
       CASE WHEN k.ok THEN 'ok' ELSE 'failed' END AS result, k.note,
       strftime('%Y-%m-%dT%H:%M:%SZ', k.recorded_at, 'unixepoch') AS recorded,
       max(k.recorded_at - k.at, 0) AS recorded_late_s, k.recorded_at - k.at > 300 AS backfilled,
       strftime('%Y-%m-%dT%H:%M:%SZ', k.started_at, 'unixepoch') AS started, k.duration_s,
       k.exit_status, k.size_bytes, k.artifact, k.sha256
FROM checkin k JOIN system s ON s.id = k.system_id
LEFT JOIN backup_schedule b ON b.id = k.schedule_id;

-- Each due instant up to 'now' with the run that answered it. A run answers
-- the due instant its start (or, without one, its finish) falls after, before
-- the next one; the first successful run, else the first failed one. A start
-- with no finish yet is shown as started_at alone. outcome:
--   on-time  a successful run finished by the deadline
--   late     a successful run finished after the deadline
--   failed   the runs that answered all failed
--   missed   the deadline passed and no run finished
--   pending  the deadline has not passed and no run finished yet
CREATE VIEW v_backup_slot AS
SELECT x.due_id, x.schedule_id, x.system_id, x.due_at, x.next_due, x.deadline, x.duration_s, x.grace_s,
       k.id AS checkin_id, r.id AS start_id, x.now, k.ok, k.at AS finished_at,
       coalesce(k.started_at, r.started_at) AS started_at,
       CASE k.ok WHEN 1 THEN CASE WHEN k.at <= x.deadline THEN 'on-time' ELSE 'late' END
                 WHEN 0 THEN 'failed'
                 ELSE CASE WHEN x.now <= x.deadline THEN 'pending' ELSE 'missed' END END AS outcome
FROM (
  SELECT u.id AS due_id, u.schedule_id, b.system_id, b.id AS sched, u.due_at, p.now, b.duration_s,
         coalesce(b.grace_s, p.backup_grace_s) AS grace_s,
         u.due_at + b.duration_s + coalesce(b.grace_s, p.backup_grace_s) AS deadline,
         (SELECT min(v.due_at) FROM backup_due v WHERE v.schedule_id = u.schedule_id
            AND v.due_at > u.due_at) AS next_due
  FROM backup_due u JOIN backup_schedule b ON b.id = u.schedule_id JOIN v_settings p
  WHERE u.due_at <= p.now) x
LEFT JOIN checkin k ON k.id = coalesce(
  (SELECT k1.id FROM checkin k1
   WHERE k1.system_id = x.system_id AND coalesce(k1.started_at, k1.at) >= x.due_at
     AND coalesce(k1.started_at, k1.at) < coalesce(x.next_due, 1 << 62)
     AND k1.ok = 1 AND (k1.schedule_id = x.sched OR k1.schedule_id IS NULL) AND k1.at <= x.now
   ORDER BY coalesce(k1.started_at, k1.at), k1.id LIMIT 1),
  (SELECT k2.id FROM checkin k2
   WHERE k2.system_id = x.system_id AND coalesce(k2.started_at, k2.at) >= x.due_at
     AND coalesce(k2.started_at, k2.at) < coalesce(x.next_due, 1 << 62)
     AND (k2.schedule_id = x.sched OR k2.schedule_id IS NULL) AND k2.at <= x.now
   ORDER BY coalesce(k2.started_at, k2.at), k2.id LIMIT 1))
LEFT JOIN run_start r ON r.id = (
  SELECT r1.id FROM run_start r1
  WHERE r1.system_id = x.system_id AND r1.started_at >= x.due_at
    AND r1.started_at < coalesce(x.next_due, 1 << 62)
    AND (r1.schedule_id = x.sched OR r1.schedule_id IS NULL) AND r1.started_at <= x.now
  ORDER BY r1.started_at, r1.id LIMIT 1);

-- For auditors: every due run kept (from the later of the schedule's creation
-- and the verdict window's start when drtop first expanded it) up to 'now',
-- with the run that answered it, how late it finished (late_s: after the
-- deadline; delay_s: after the due instant) and its outcome. in_window says
-- whether it lies in the verdict window.
CREATE VIEW v_backup_runs AS
SELECT s.name AS system, b.name AS schedule, r.schedule_id, r.due_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', r.due_at, 'unixepoch') AS due,
       strftime('%Y-%m-%dT%H:%M:%SZ', r.deadline, 'unixepoch') AS deadline,
       r.checkin_id, strftime('%Y-%m-%dT%H:%M:%SZ', r.started_at, 'unixepoch') AS started,
       strftime('%Y-%m-%dT%H:%M:%SZ', r.finished_at, 'unixepoch') AS finished,
       r.finished_at - r.started_at AS duration_s,
       r.finished_at - r.due_at AS delay_s,
       CASE WHEN r.outcome = 'late' THEN r.finished_at - r.deadline
            WHEN r.outcome = 'missed' THEN r.now - r.deadline END AS late_s,
       r.outcome, r.due_at >= r.now - p.window_s AS in_window
FROM v_backup_slot r JOIN backup_schedule b ON b.id = r.schedule_id
JOIN system s ON s.id = r.system_id JOIN v_settings p;

-- Per schedule, the due runs of the verdict window by outcome: due counts
-- those whose outcome is known (not pending). A schedule without due runs in
-- the window (an interval schedule, or one not yet due) has zeros.
CREATE VIEW v_backup_compliance AS
SELECT s.name AS system, b.name AS schedule, b.id AS schedule_id,
       strftime('%Y-%m-%dT%H:%M:%SZ', max(p.now - p.window_s, b.created_at), 'unixepoch') AS window_from,
       coalesce(sum(r.outcome <> 'pending'), 0) AS due,
       coalesce(sum(r.outcome = 'on-time'), 0) AS on_time,
       coalesce(sum(r.outcome = 'late'), 0) AS late,
       coalesce(sum(r.outcome = 'missed'), 0) AS missed,
       coalesce(sum(r.outcome = 'failed'), 0) AS failed,
       coalesce(sum(r.outcome = 'pending'), 0) AS pending,
       CASE WHEN sum(r.outcome <> 'pending') > 0
            THEN round(1.0 * sum(r.outcome = 'on-time') / sum(r.outcome <> 'pending'), 4) END AS on_time_share,
       max(r.late_s) AS worst_late_s
FROM backup_schedule b JOIN system s ON s.id = b.system_id JOIN v_settings p
LEFT JOIN v_backup_runs r ON r.schedule_id = b.id AND r.in_window
GROUP BY b.id;

-- The findings about backups against their schedules, with v_findings'
-- columns (v_findings includes them). Per schedule, the due run that speaks is
-- the newest one whose outcome is known (the one before it while the newest is
-- pending):
--   backup-missed (BREACH): it had no run by its deadline, and none since;
--     or, for any schedule (interval schedules, and cron schedules whose due
--     instants were not expanded lately), no successful run for longer than
--     the largest gap between runs plus the duration plus the grace;
--   backup-late (WARN): it was answered by a run that finished after the
--     deadline (due + expected duration + grace);
--   backup-failed (BREACH): the newest finished run failed;
--   backup-running-long (WARN): the newest run started and has not finished
--     after twice its expected duration (the grace when none is set);
--   backup-suspect (WARN): the newest successful run wrote less than
--     backup_suspect_ratio (50%) of the median size of the schedule's previous
--     ten successful runs, or took less than that share of their median
--     duration (at least three of them with a size or duration).
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
         'schedule ' || x.name || CASE WHEN x.last_ok IS NULL THEN ' never checked in'
                                       ELSE ' has not checked in' END, NULL, NULL
  FROM (SELECT b.id, b.system_id, b.name, max(c.last_ok) AS last_ok,
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
  FROM fin f JOIN p JOIN backup_schedule b ON b.id = f.schedule_id
  JOIN checkin k ON k.id = f.last_id LEFT JOIN checkin g ON g.id = f.good_id
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

-- v_findings, as in 0010, with the findings about backups read from
-- v_backup_findings.
DROP VIEW v_findings;
-- One row per finding. target_s, measured_s and resolution_s are seconds;
-- since is when the finding became true (Unix seconds).
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
  -- backup-missed, backup-late, backup-failed, backup-running-long and
  -- backup-suspect: the backups against their schedules (v_backup_findings).
  SELECT system_id, finding, severity, objective, target_s, measured_s, resolution_s, since,
         detail, lower_s, upper_s
  FROM v_backup_findings

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

-- v_system_status, as in 0010, ranking the new backup findings among the others.
DROP VIEW v_system_status;
CREATE VIEW v_system_status AS
WITH f AS MATERIALIZED (
  SELECT system_id, finding,
         CASE severity WHEN 'BREACH' THEN 4 WHEN 'UNKNOWN' THEN 3 WHEN 'WARN' THEN 2 WHEN 'INFO' THEN 1 ELSE 0 END AS rank,
         instr(',rto-breach,rpo-breach,backup-missed,backup-failed,no-evidence,outage-ongoing,rpo-near,rto-breach-possible,'
               || 'backup-late,backup-running-long,backup-suspect,drill-failed,prober-stale,evidence-gap,plan-gap,strategy-under,dependency-cycle,'
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

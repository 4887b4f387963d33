-- 0011: drills that drtop runs and measures (drtop drill run).
--
-- A measured drill is a row of `drill` like a typed-in one, with the run's
-- own columns filled in; a typed-in drill leaves them NULL. The row is written
-- when the drill starts (state 'running', recovered_at = started_at as a
-- placeholder), so that a second drill of the system is refused and an auditor
-- sees it going on, and it is completed when the drill ends:
--   state               running, recovered (back in service, verify passed or
--                       none), failed (the command or the verify failed, or the
--                       system never came back), aborted (Ctrl-C or --timeout)
--   started_ms          when the command started, Unix milliseconds
--   recovered_ms        the start of the first of the healthy probes that
--                       declared recovery: the recovery's upper bound
--   recovered_lower_ms  the start of the probe before it: its lower bound
--                       (recovered_ms - recovered_lower_ms is the resolution)
--   ended_at            when the drill ended, by the real clock
--   recovery_point_before / _after   the newest recoverable data before the
--                       drill and what the system came back with (Unix seconds)
--   restored_checkin_id the check-in (backup) a restore drill took as its
--                       recovery point, when no freshness endpoint gave one
--   runner, pid         who ran it (user@host) and the drtop process
-- The commands, the status each ended with and the last of their output (bounded)
-- are kept too. recovered_at is recovered_ms in seconds; a drill that never
-- recovered keeps recovered_at = ended_at and recovered_ms NULL.
ALTER TABLE drill ADD COLUMN state TEXT
  CHECK (state IN ('running', 'recovered', 'failed', 'aborted'));
ALTER TABLE drill ADD COLUMN started_ms INTEGER;
ALTER TABLE drill ADD COLUMN recovered_ms INTEGER;
ALTER TABLE drill ADD COLUMN recovered_lower_ms INTEGER;
ALTER TABLE drill ADD COLUMN ended_at INTEGER;
ALTER TABLE drill ADD COLUMN failure TEXT;
ALTER TABLE drill ADD COLUMN command TEXT;
ALTER TABLE drill ADD COLUMN command_status INTEGER;
ALTER TABLE drill ADD COLUMN command_output TEXT;
ALTER TABLE drill ADD COLUMN verify_command TEXT;
ALTER TABLE drill ADD COLUMN verify_status INTEGER;
ALTER TABLE drill ADD COLUMN verify_output TEXT;
ALTER TABLE drill ADD COLUMN abort_command TEXT;
ALTER TABLE drill ADD COLUMN abort_status INTEGER;
ALTER TABLE drill ADD COLUMN recovery_point_before INTEGER;
ALTER TABLE drill ADD COLUMN recovery_point_after INTEGER;
ALTER TABLE drill ADD COLUMN restored_checkin_id INTEGER;
ALTER TABLE drill ADD COLUMN runner TEXT;
ALTER TABLE drill ADD COLUMN pid INTEGER;
CREATE INDEX drill_running ON drill(system_id) WHERE state = 'running';

-- The ledger's row of a drill: the columns it always had, then those of a
-- measured drill that are set (json_patch drops the NULL ones), so the entries
-- of typed-in drills keep the shape they had (db/ledger-verify.sql and
-- src/core/retention.c write the same object).
DROP TRIGGER ledger_drill_insert;
CREATE TRIGGER ledger_drill_insert AFTER INSERT ON drill BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('drill.insert', json_object('id', NEW.id,
    'row', json_patch(json_object('system_id', NEW.system_id, 'kind', NEW.kind, 'started_at',
    NEW.started_at, 'recovered_at', NEW.recovered_at, 'data_loss_s', NEW.data_loss_s,
    'notes', NEW.notes, 'created_at', NEW.created_at), json_object('state', NEW.state,
    'started_ms', NEW.started_ms, 'recovered_ms', NEW.recovered_ms, 'recovered_lower_ms',
    NEW.recovered_lower_ms, 'ended_at', NEW.ended_at, 'failure', NEW.failure, 'command',
    NEW.command, 'command_status', NEW.command_status, 'command_output', NEW.command_output,
    'verify_command', NEW.verify_command, 'verify_status', NEW.verify_status, 'verify_output',
    NEW.verify_output, 'abort_command', NEW.abort_command, 'abort_status', NEW.abort_status,
    'recovery_point_before', NEW.recovery_point_before, 'recovery_point_after',
    NEW.recovery_point_after, 'restored_checkin_id', NEW.restored_checkin_id, 'runner',
    NEW.runner, 'pid', NEW.pid))));
END;
DROP TRIGGER ledger_drill_update;
CREATE TRIGGER ledger_drill_update AFTER UPDATE ON drill BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('drill.update', json_object('id', NEW.id,
    'row', json_patch(json_object('system_id', NEW.system_id, 'kind', NEW.kind, 'started_at',
    NEW.started_at, 'recovered_at', NEW.recovered_at, 'data_loss_s', NEW.data_loss_s,
    'notes', NEW.notes, 'created_at', NEW.created_at), json_object('state', NEW.state,
    'started_ms', NEW.started_ms, 'recovered_ms', NEW.recovered_ms, 'recovered_lower_ms',
    NEW.recovered_lower_ms, 'ended_at', NEW.ended_at, 'failure', NEW.failure, 'command',
    NEW.command, 'command_status', NEW.command_status, 'command_output', NEW.command_output,
    'verify_command', NEW.verify_command, 'verify_status', NEW.verify_status, 'verify_output',
    NEW.verify_output, 'abort_command', NEW.abort_command, 'abort_status', NEW.abort_status,
    'recovery_point_before', NEW.recovery_point_before, 'recovery_point_after',
    NEW.recovery_point_after, 'restored_checkin_id', NEW.restored_checkin_id, 'runner',
    NEW.runner, 'pid', NEW.pid))));
END;

-- Drills finished by drtop's clock, each against the objectives in force when
-- it began. Only live drills (restore, failover) recover anything; a tabletop
-- exercise has no met_rto or met_rpo. A measured drill still running is left
-- out; one that failed or was aborted did not bring the system back: it met
-- no RTO (met_rto 0, recovery_s NULL when it never came back). A measured
-- recovery time is judged in milliseconds, its upper bound against the RTO;
-- recovery_s rounds it up to whole seconds.
DROP VIEW v_drill_measure;
CREATE VIEW v_drill_measure AS
SELECT d.id, d.system_id, d.kind, d.kind IN ('restore', 'failover') AS live,
       d.started_at, d.recovered_at,
       CASE WHEN d.state IS NULL THEN d.recovery_s
            WHEN d.recovered_ms IS NOT NULL THEN (d.recovered_ms - d.started_ms + 999) / 1000 END AS recovery_s,
       d.data_loss_s, d.notes, h.rto_s, h.rpo_s,
       CASE WHEN d.kind IN ('restore', 'failover')
            THEN CASE WHEN d.state IS NULL THEN d.recovery_s <= h.rto_s
                      ELSE d.state = 'recovered' AND d.recovered_ms - d.started_ms <= h.rto_s * 1000 END
       END AS met_rto,
       CASE WHEN d.kind IN ('restore', 'failover') AND d.data_loss_s IS NOT NULL
            THEN d.data_loss_s <= h.rpo_s END AS met_rpo
FROM drill d JOIN v_settings p JOIN v_objectives h ON h.system_id = d.system_id
  AND (h.from_at IS NULL OR h.from_at <= d.started_at) AND (h.to_at IS NULL OR d.started_at < h.to_at)
WHERE d.recovered_at <= p.now AND d.state IS NOT 'running';

-- Every drill, against the objectives in force when it began; met_rto and
-- met_rpo are NULL for a tabletop exercise and for a drill still running.
-- `evidence` says what stands behind it: 'measured' (drtop ran and timed it:
-- drtop drill run), 'typed-in' (told after the fact: drtop drill add) or
-- 'exercise' (a tabletop exercise, which recovers nothing). A measured drill
-- that failed or was aborted met no RTO; recovery_ms, recovery_lower_ms and
-- resolution_ms give its measured recovery time as an interval, whose upper
-- bound (recovery_ms, in recovery_s rounded up) is judged against the RTO.
DROP VIEW v_drills;
CREATE VIEW v_drills AS
SELECT d.id, s.name AS system, d.kind, d.kind IN ('restore', 'failover') AS live,
       strftime('%Y-%m-%dT%H:%M:%SZ', d.started_at, 'unixepoch') AS started,
       CASE WHEN d.state IS NULL OR d.recovered_ms IS NOT NULL
            THEN strftime('%Y-%m-%dT%H:%M:%SZ', d.recovered_at, 'unixepoch') END AS recovered,
       CASE WHEN d.state IS NULL THEN d.recovery_s
            WHEN d.recovered_ms IS NOT NULL THEN (d.recovered_ms - d.started_ms + 999) / 1000 END AS recovery_s,
       h.rto_s,
       CASE WHEN d.kind IN ('restore', 'failover') AND d.state IS NOT 'running'
            THEN CASE WHEN d.state IS NULL THEN d.recovery_s <= h.rto_s
                      ELSE d.state = 'recovered' AND d.recovered_ms - d.started_ms <= h.rto_s * 1000 END
       END AS met_rto,
       d.data_loss_s, h.rpo_s,
       CASE WHEN d.kind IN ('restore', 'failover') AND d.data_loss_s IS NOT NULL
            AND d.state IS NOT 'running' THEN d.data_loss_s <= h.rpo_s END AS met_rpo,
       d.notes,
       strftime('%Y-%m-%dT%H:%M:%SZ', d.created_at, 'unixepoch') AS recorded,
       max(d.created_at - d.recovered_at, 0) AS recorded_late_s,
       d.created_at - d.recovered_at > 300 AS backfilled,
       CASE WHEN d.kind = 'tabletop' THEN 'exercise' WHEN d.state IS NOT NULL THEN 'measured'
            ELSE 'typed-in' END AS evidence,
       d.state, d.failure,
       d.recovered_ms - d.started_ms AS recovery_ms,
       d.recovered_lower_ms - d.started_ms AS recovery_lower_ms,
       d.recovered_ms - d.recovered_lower_ms AS resolution_ms,
       strftime('%Y-%m-%dT%H:%M:%SZ', d.ended_at, 'unixepoch') AS ended,
       d.command, d.command_status, d.verify_command, d.verify_status,
       CASE WHEN d.verify_command IS NOT NULL THEN d.verify_status IS 0 END AS verified,
       d.abort_command, d.abort_status,
       strftime('%Y-%m-%dT%H:%M:%SZ', d.recovery_point_before, 'unixepoch') AS recovery_point_before,
       strftime('%Y-%m-%dT%H:%M:%SZ', d.recovery_point_after, 'unixepoch') AS recovery_point_after,
       d.restored_checkin_id, d.runner
FROM drill d JOIN system s ON s.id = d.system_id
JOIN v_objectives h ON h.system_id = d.system_id
  AND (h.from_at IS NULL OR h.from_at <= d.started_at) AND (h.to_at IS NULL OR d.started_at < h.to_at);

-- The recovery order as a plan of parallel steps. A system's recovery can begin
-- once everything it depends on is back: `step` is one more than the longest
-- chain of dependencies below it (step 1 needs nothing), and the systems of a
-- step can be recovered in parallel; within a step the order (`position`) is by
-- tier, then RTO. `recovery_s` is how long its own recovery takes: its latest
-- live drill's recovery time (`estimate` 'drill'), else its strategy's typical
-- RTO ('strategy'), else unknown. `ready_s` is when it can begin (its slowest
-- chain of dependencies, each recovered in turn), `done_s` when it is back, both
-- counted from the start of the recovery, and `meets_rto` compares `done_s` with
-- the RTO in force: NULL when some recovery time in the chain is unknown. A
-- system waits only for what it needs, never for another system of its step.
-- Systems in a dependency cycle have no order and are left out; a system that
-- needs one has no `done_s`. A measured drill counts once it recovered (not
-- while it runs, nor when it failed or was aborted).
DROP VIEW v_recovery_order;
CREATE VIEW v_recovery_order AS
WITH RECURSIVE
cyc AS MATERIALIZED (SELECT system_id FROM v_dependency_reach WHERE system_id = depends_on),
own AS MATERIALIZED (
  SELECT s.id AS system_id, coalesce(d.recovery_s, st.rto_s) AS recovery_s,
         CASE WHEN d.recovery_s IS NOT NULL THEN 'drill' WHEN st.rto_s IS NOT NULL THEN 'strategy' END
           AS estimate,
         EXISTS (SELECT 1 FROM v_dependency_reach r WHERE r.system_id = s.id
                 AND r.depends_on IN cyc) AS needs_cycle
  FROM system s
  LEFT JOIN strategy st ON st.name = s.strategy
  LEFT JOIN (SELECT system_id, recovery_s,
                    row_number() OVER (PARTITION BY system_id ORDER BY started_at DESC, id DESC) AS rn
             FROM drill JOIN v_settings p
             WHERE kind IN ('restore', 'failover') AND recovered_at <= p.now
               AND (state IS NULL OR state = 'recovered')) d
    ON d.system_id = s.id AND d.rn = 1
  WHERE s.id NOT IN cyc),
-- every chain of dependencies from a system down, with the time it takes
chain(root, cur, total, unknown, hops) AS (
  SELECT system_id, system_id, coalesce(recovery_s, 0), recovery_s IS NULL, 0 FROM own
  UNION ALL
  SELECT c.root, d.depends_on, c.total + coalesce(o.recovery_s, 0), c.unknown OR o.recovery_s IS NULL,
         c.hops + 1
  FROM chain c JOIN dependency d ON d.system_id = c.cur JOIN own o ON o.system_id = d.depends_on
),
longest AS (
  SELECT root AS system_id, max(hops) AS depth, max(total) AS total, max(unknown) AS unknown
  FROM chain GROUP BY root)
SELECT row_number() OVER (ORDER BY l.depth, s.tier, coalesce(c.rto_s, s.rto_s), s.name) AS position,
       l.depth + 1 AS step, s.name AS system, l.depth, s.tier, coalesce(c.rto_s, s.rto_s) AS rto_s,
       o.recovery_s, o.estimate,
       CASE WHEN NOT l.unknown AND NOT o.needs_cycle THEN l.total - o.recovery_s END AS ready_s,
       CASE WHEN NOT l.unknown AND NOT o.needs_cycle THEN l.total END AS done_s,
       CASE WHEN NOT l.unknown AND NOT o.needs_cycle THEN l.total <= coalesce(c.rto_s, s.rto_s) END
         AS meets_rto,
       (SELECT group_concat(x.name, ', ') FROM dependency d JOIN system x ON x.id = d.depends_on
        WHERE d.system_id = s.id) AS needs
FROM longest l JOIN system s ON s.id = l.system_id JOIN own o ON o.system_id = s.id
LEFT JOIN v_objectives_now c ON c.system_id = s.id;

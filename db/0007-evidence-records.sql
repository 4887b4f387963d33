-- 0007: compact probe batches, and facts recorded after the time they claim.

-- Probe batches. From this version on, a probe_result.batch entry holds one
-- digest for the whole batch, a fixed size however many endpoints it probed,
-- where earlier entries held a digest per endpoint (src/core/ledger.c writes
-- them; db/ledger-verify.sql checks both). A result's canonical text is its
-- columns as quote() writes them, joined by '|' and ended by a newline; the
-- digest is the SHA3-256 of the batch's texts in id order. Results that drtop
-- removes on purpose, with the endpoint they belong to, leave their texts in a
-- probe_result.removal entry first, so that every batch that held them stays
-- checkable.
CREATE TRIGGER ledger_probe_result_removal BEFORE DELETE ON endpoint
WHEN EXISTS (SELECT 1 FROM probe_result WHERE endpoint_id = OLD.id)
BEGIN
  INSERT INTO ledger_new (kind, payload)
  SELECT 'probe_result.removal', json_object('endpoint_id', OLD.id, 'rows', count(*),
    'results', json_group_array(json_array(id, row)))
  FROM (SELECT id, quote(endpoint_id) || '|' || quote(at_ms) || '|' || quote(ok) || '|'
          || quote(status_code) || '|' || quote(latency_ms) || '|' || quote(error) || '|'
          || quote(data_time) || '|' || quote(lag_s) || char(10) AS row
        FROM probe_result WHERE endpoint_id = OLD.id ORDER BY id);
END;

-- Facts recorded after the time they claim. A check-in claims when the backup
-- finished (`at`, by --at or the real clock), a drill when it recovered, a
-- maintenance window when it starts; `recorded` is when drtop was told, by the
-- real clock. A fact recorded more than five minutes after what it claims was
-- told after the fact: `backfilled` says so, and `recorded_late_s` by how much.
-- (A maintenance window declared after it began cannot excuse an outage that
-- began before it was declared: outages take `planned` when they open.)
DROP VIEW v_checkins;
CREATE VIEW v_checkins AS
SELECT k.id, s.name AS system, b.name AS schedule, k.at,
       strftime('%Y-%m-%dT%H:%M:%SZ', k.at, 'unixepoch') AS at_iso,
       CASE WHEN k.ok THEN 'ok' ELSE 'failed' END AS result, k.note,
       strftime('%Y-%m-%dT%H:%M:%SZ', k.recorded_at, 'unixepoch') AS recorded,
       max(k.recorded_at - k.at, 0) AS recorded_late_s, k.recorded_at - k.at > 300 AS backfilled
FROM checkin k JOIN system s ON s.id = k.system_id
LEFT JOIN backup_schedule b ON b.id = k.schedule_id;

DROP VIEW v_drills;
CREATE VIEW v_drills AS
SELECT d.id, s.name AS system, d.kind, d.kind IN ('restore', 'failover') AS live,
       strftime('%Y-%m-%dT%H:%M:%SZ', d.started_at, 'unixepoch') AS started,
       strftime('%Y-%m-%dT%H:%M:%SZ', d.recovered_at, 'unixepoch') AS recovered,
       d.recovery_s, h.rto_s,
       CASE WHEN d.kind IN ('restore', 'failover') THEN d.recovery_s <= h.rto_s END AS met_rto,
       d.data_loss_s, h.rpo_s,
       CASE WHEN d.kind IN ('restore', 'failover') AND d.data_loss_s IS NOT NULL
            THEN d.data_loss_s <= h.rpo_s END AS met_rpo,
       d.notes,
       strftime('%Y-%m-%dT%H:%M:%SZ', d.created_at, 'unixepoch') AS recorded,
       max(d.created_at - d.recovered_at, 0) AS recorded_late_s,
       d.created_at - d.recovered_at > 300 AS backfilled
FROM drill d JOIN system s ON s.id = d.system_id
JOIN v_objectives h ON h.system_id = d.system_id
  AND (h.from_at IS NULL OR h.from_at <= d.started_at) AND (h.to_at IS NULL OR d.started_at < h.to_at);

CREATE VIEW v_maintenance AS
SELECT m.id, s.name AS system,
       strftime('%Y-%m-%dT%H:%M:%SZ', m.starts_at, 'unixepoch') AS starts,
       strftime('%Y-%m-%dT%H:%M:%SZ', m.ends_at, 'unixepoch') AS ends, m.reason,
       strftime('%Y-%m-%dT%H:%M:%SZ', m.created_at, 'unixepoch') AS recorded,
       max(m.created_at - m.starts_at, 0) AS recorded_late_s,
       m.created_at - m.starts_at > 300 AS backfilled
FROM maintenance_window m JOIN system s ON s.id = m.system_id;

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
-- needs one has no `done_s`.
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
             WHERE kind IN ('restore', 'failover') AND recovered_at <= p.now) d
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

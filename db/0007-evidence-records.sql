-- 0007: compact probe batches, and facts recorded after the time they claim.

-- Probe batches. From this version on, a probe_result.batch entry holds one
-- digest for the whole batch (the SHA3-256 of its rows' hashes in id order),
-- a fixed size however many endpoints it probed, where earlier entries held a
-- digest per endpoint (src/core/ledger.c writes them; db/ledger-verify.sql
-- checks both). Results that drtop removes on purpose, with the endpoint they
-- belong to, leave their row hashes in a probe_result.removal entry first, so
-- that every batch that held them stays checkable.
CREATE TRIGGER ledger_probe_result_removal BEFORE DELETE ON endpoint
WHEN EXISTS (SELECT 1 FROM probe_result WHERE endpoint_id = OLD.id)
BEGIN
  INSERT INTO ledger_new (kind, payload)
  SELECT 'probe_result.removal', json_object('endpoint_id', OLD.id, 'rows', count(*),
    'results', json_group_array(json_array(id, h)))
  FROM (SELECT id, lower(hex(sha3(json_object('endpoint_id', endpoint_id, 'at_ms', at_ms,
          'ok', ok, 'status_code', status_code, 'latency_ms', latency_ms, 'error', error,
          'data_time', data_time, 'lag_s', lag_s), 256))) AS h
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

-- 0028: the recovery point as of a past 'now' is the one its newest probe
-- then reported, as it was said live.
--
-- Live, v_recovery_point reads endpoint_state.data_time: the recovery point
-- of the endpoint's newest successful probe. As of a past 'now' it read the
-- largest recovery point any probe had reported by then, so a recovery point
-- that went back (a replica rebuilt from an older copy, a rollback) was not
-- seen again: `drtop --as-of T status` gave a smaller data lag than `drtop
-- status` had given at T and recorded in status_history. It now reads the
-- newest successful probe by then, as the live state does; pruning keeps each
-- recovery point's first sighting, so the answer is the same after pruning.
-- The text is otherwise 0010's.

DROP VIEW v_recovery_point;

CREATE VIEW v_recovery_point AS
SELECT s.id AS system_id, s.name AS system, p.at AS recovery_point_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', p.at, 'unixepoch') AS recovery_point, p.source,
       CAST(strftime('%s', 'now') AS INTEGER) - p.at AS lag_s
FROM system s JOIN (
  SELECT system_id, max(at) AS at, source FROM (
    SELECT e.system_id,
           CASE WHEN coalesce(st.data_seen_ms, st.last_probe_ms) / 1000 <= n.now THEN st.data_time
                ELSE (SELECT r.data_time FROM probe_result r WHERE r.endpoint_id = e.id
                        AND r.ok = 1 AND r.data_time IS NOT NULL AND r.at_ms < (n.now + 1) * 1000
                      ORDER BY r.at_ms DESC, r.id DESC LIMIT 1) END AS at,
           'probe' AS source
      FROM endpoint_state st JOIN endpoint e ON e.id = st.endpoint_id JOIN v_settings n
     WHERE st.data_time IS NOT NULL
    UNION ALL
    SELECT y.id, (SELECT k.at FROM checkin k WHERE k.system_id = y.id AND k.ok = 1 AND k.at <= n.now
                  ORDER BY k.at DESC LIMIT 1), 'checkin'
      FROM system y JOIN v_settings n
  ) WHERE at IS NOT NULL GROUP BY system_id
) p ON p.system_id = s.id;

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

-- Verify a drtop database's ledger: every row is a problem (seq: the entry
-- concerned, NULL for a row the ledger never saw), no row means intact.
-- Needs only the sqlite3 shell (its sha3() function); doc/auditing.md
-- explains each part. drtop db verify runs this same query.
WITH
chain AS (
  SELECT seq, hash,
    lower(hex(sha3(prev_hash || '|' || seq || '|' || recorded_at || '|' || actor || '|'
                   || kind || '|' || payload, 256))) AS computed,
    prev_hash, lag(hash, 1, '0000000000000000000000000000000000000000000000000000000000000000') OVER (ORDER BY seq) AS before,
    lag(seq, 1, 0) OVER (ORDER BY seq) AS prev_seq
  FROM ledger),
live (tbl, id, row) AS (
  SELECT 'strategy', name, json_object('name', name, 'cost_tier', cost_tier, 'rto_s', rto_s,
    'rpo_s', rpo_s, 'description', description) FROM strategy
  UNION ALL
  SELECT 'system', id, json_object('name', name, 'rto_s', rto_s, 'rpo_s', rpo_s, 'strategy',
    strategy, 'tier', tier, 'owner', owner, 'description', description, 'enabled', enabled,
    'created_at', created_at, 'updated_at', updated_at) FROM system
  UNION ALL
  SELECT 'endpoint', id, json_object('system_id', system_id, 'url', url, 'kind', kind,
    'interval_ms', interval_ms, 'timeout_ms', timeout_ms, 'expect', expect, 'body_match',
    body_match, 'json_path', json_path, 'headers', headers, 'max_latency_ms',
    max_latency_ms, 'tls_verify', tls_verify, 'enabled', enabled, 'created_at', created_at,
    'updated_at', updated_at) FROM endpoint
  UNION ALL
  SELECT 'backup_schedule', id, json_object('system_id', system_id, 'name', name, 'cron',
    cron, 'tz', tz, 'every_s', every_s, 'duration_s', duration_s, 'grace_s', grace_s,
    'max_gap_s', max_gap_s, 'created_at', created_at, 'updated_at', updated_at) FROM
    backup_schedule
  UNION ALL
  SELECT 'dependency', system_id || '>' || depends_on, json_object('system_id', system_id,
    'depends_on', depends_on, 'created_at', created_at) FROM dependency
  UNION ALL
  SELECT 'maintenance_window', id, json_object('system_id', system_id, 'starts_at',
    starts_at, 'ends_at', ends_at, 'reason', reason, 'created_at', created_at) FROM
    maintenance_window
  UNION ALL
  SELECT 'setting', key, json_object('key', key, 'value', value) FROM setting
  UNION ALL
  SELECT 'audit_log', id, json_object('at', at, 'actor', actor, 'table_name', table_name,
    'row_id', row_id, 'action', action, 'old_values', old_values, 'new_values', new_values)
    FROM audit_log
  UNION ALL
  SELECT 'checkin', id, json_patch(json_object('system_id', system_id, 'schedule_id',
    schedule_id, 'at', at, 'ok', ok, 'recorded_at', recorded_at, 'note', note),
    json_object('start_id', start_id, 'started_at', started_at, 'exit_status', exit_status,
    'size_bytes', size_bytes, 'artifact', artifact, 'sha256', sha256)) FROM checkin
  UNION ALL
  SELECT 'run_start', id, json_object('system_id', system_id, 'schedule_id', schedule_id,
    'started_at', started_at, 'recorded_at', recorded_at) FROM run_start
  UNION ALL
  SELECT 'backup_due', id, json_object('schedule_id', schedule_id, 'due_at', due_at)
    FROM backup_due
  UNION ALL
  SELECT 'drill', id, json_patch(json_object('system_id', system_id, 'kind', kind, 'started_at',
    started_at, 'recovered_at', recovered_at, 'data_loss_s', data_loss_s, 'notes', notes,
    'created_at', created_at), json_object('state', state, 'started_ms', started_ms,
    'recovered_ms', recovered_ms, 'recovered_lower_ms', recovered_lower_ms, 'ended_at',
    ended_at, 'failure', failure, 'command', command, 'command_status', command_status,
    'command_output', command_output, 'verify_command', verify_command, 'verify_status',
    verify_status, 'verify_output', verify_output, 'abort_command', abort_command,
    'abort_status', abort_status, 'recovery_point_before', recovery_point_before,
    'recovery_point_after', recovery_point_after, 'restored_checkin_id', restored_checkin_id,
    'runner', runner, 'pid', pid)) FROM drill
  UNION ALL
  SELECT 'outage', id, json_object('endpoint_id', endpoint_id, 'system_id', system_id,
    'started_ms', started_ms, 'ended_ms', ended_ms, 'res_start_ms', res_start_ms,
    'res_end_ms', res_end_ms, 'gap', gap, 'first_error', first_error, 'planned', planned,
    'cause_system_id', cause_system_id) FROM outage
  UNION ALL
  SELECT 'outage_gap', id, json_object('outage_id', outage_id, 'from_ms', from_ms, 'to_ms',
    to_ms) FROM outage_gap
  UNION ALL
  SELECT 'status_history', id, json_object('system_id', system_id, 'at', at, 'status',
    status, 'reason', reason) FROM status_history
  UNION ALL
  SELECT 'objective_history', id, json_object('system_id', system_id, 'rto_s', rto_s,
    'rpo_s', rpo_s, 'strategy', strategy, 'tier', tier, 'valid_from', valid_from,
    'valid_to', valid_to, 'source', source) FROM objective_history
  UNION ALL
  SELECT 'notify_channel', id, json_patch(json_object('name', name, 'kind', kind, 'target', target,
    'headers', headers, 'shape', shape, 'timeout_ms', timeout_ms, 'max_attempts', max_attempts, 'enabled',
    enabled, 'created_at', created_at, 'updated_at', updated_at), json_object('options', options))
    FROM notify_channel
  UNION ALL
  SELECT 'notify_rule', id, json_object('channel_id', channel_id, 'min_severity',
    min_severity, 'tier_min', tier_min, 'tier_max', tier_max, 'findings', findings, 'systems',
    systems, 'created_at', created_at, 'events', events, 'remind_s', remind_s) FROM notify_rule
  UNION ALL
  SELECT 'notify_outbox', id, json_object('key', key, 'channel_id', channel_id, 'channel',
    channel, 'history_id', history_id, 'system_id', system_id, 'at', at, 'kind', kind,
    'severity', severity, 'payload', payload, 'state', state, 'attempts', attempts,
    'next_at_ms', next_at_ms, 'last_error', last_error, 'created_at', created_at,
    'delivered_at', delivered_at) FROM notify_outbox
),
-- the entries of rows: entries of their own, and the elements of import.batch
-- entries (each the payload of the entry it stands for, with its kind), in
-- order: pos is an element's place in its batch
row_entry AS (
  SELECT seq, 0 AS pos, kind, payload FROM ledger WHERE kind <> 'import.batch'
  UNION ALL
  SELECT l.seq, 1 + e.key, e.value ->> '$.kind', e.value
  FROM ledger l, json_each(l.payload, '$.entries') AS e WHERE l.kind = 'import.batch'),
entry AS (
  SELECT seq, substr(kind, 1, instr(kind, '.') - 1) || ' ' || (payload ->> '$.id') AS key,
    substr(kind, 1, instr(kind, '.') - 1) AS tbl, payload ->> '$.id' AS id,
    substr(kind, instr(kind, '.') + 1) AS action,
    payload -> '$.row' AS row,
    row_number() OVER (PARTITION BY substr(kind, 1, instr(kind, '.') - 1), payload ->> '$.id'
                       ORDER BY seq DESC, pos DESC) AS newest,
    -- the next entry of the same row: an insert after no delete reuses the id
    -- of a row removed without an entry of its own (pruned)
    lead(substr(kind, instr(kind, '.') + 1)) OVER (PARTITION BY substr(kind, 1, instr(kind, '.') - 1),
                       payload ->> '$.id' ORDER BY seq, pos) AS next_action,
    lead(seq) OVER (PARTITION BY substr(kind, 1, instr(kind, '.') - 1), payload ->> '$.id'
                    ORDER BY seq, pos) AS next_seq
  FROM row_entry
  WHERE kind GLOB '*.insert' OR kind GLOB '*.update' OR kind GLOB '*.delete'
     OR kind GLOB '*.existing'),
ledgered AS (SELECT * FROM entry WHERE newest = 1 AND action <> 'delete'),
-- the same key for the live rows: text on both sides, so that joins can use an index
current AS (SELECT tbl || ' ' || id AS key, row FROM live),
batch AS (
  SELECT seq, payload ->> '$.first' AS first, payload ->> '$.last' AS last,
    payload ->> '$.from_ms' AS from_ms, payload ->> '$.to_ms' AS to_ms,
    payload ->> '$.rows' AS rows, payload ->> '$.sha3' AS sha3,
    payload -> '$.endpoints' AS endpoints,
    lag(payload ->> '$.last', 1, 0) OVER (ORDER BY payload ->> '$.first') AS prev_last,
    -- results older than the shortest retention period the ledger shows ever
    -- set may have been pruned
    payload ->> '$.from_ms' < 1000 * (CAST(strftime('%s', 'now') AS INTEGER) + 1
      - (SELECT coalesce(min(CAST(payload ->> '$.row.value' AS INTEGER)), 2592000) FROM ledger
         WHERE kind GLOB 'setting.*' AND payload ->> '$.id' = 'retention_s'
           AND CAST(payload ->> '$.row.value' AS INTEGER) > 0)) AS prunable
  FROM ledger WHERE kind = 'probe_result.batch'),
-- the texts of results drtop removed on purpose (an endpoint deleted with its
-- results), kept so that the batches that held them stay checkable
removed AS (
  SELECT r.value ->> '$[0]' AS id, r.value ->> '$[1]' AS row
  FROM ledger, json_each(payload -> '$.results') AS r WHERE kind = 'probe_result.removal'),
-- a batch's digest: the SHA3-256 of its rows' texts in id order, each its
-- columns as quote() writes them, joined by '|' and ended by a newline (batches
-- recorded before migration 0007 hold a digest per endpoint instead, checked
-- further below)
batch_check AS (
  SELECT b.seq, b.first, b.last, b.rows, b.sha3, b.prunable,
    (SELECT count(*) + (SELECT count(*) FROM removed WHERE id BETWEEN b.first AND b.last)
     FROM probe_result WHERE id BETWEEN b.first AND b.last) AS n,
    (SELECT lower(hex(sha3(group_concat(row, ''), 256)))
     FROM (SELECT id, quote(endpoint_id) || '|' || quote(at_ms) || '|' || quote(ok) || '|'
             || quote(status_code) || '|' || quote(latency_ms) || '|' || quote(error) || '|'
             || quote(data_time) || '|' || quote(lag_s) || char(10) AS row
           FROM probe_result WHERE id BETWEEN b.first AND b.last
           UNION ALL
           SELECT id, row FROM removed WHERE id BETWEEN b.first AND b.last
           ORDER BY id)) AS digest
  FROM batch b WHERE b.sha3 IS NOT NULL),
-- ranges of rows drtop wrote that wait for their batch entry (the watcher
-- seals them once a minute): not in the ledger yet, but each noted with the
-- payload its entry would have had (their number and digest), which must
-- still hold
waiting AS (
  SELECT w.tbl, w.first, w.last, w.payload ->> '$.rows' AS rows, w.payload ->> '$.sha3' AS sha3,
    CASE w.tbl WHEN 'probe_result'
      THEN (SELECT count(*) FROM probe_result WHERE id BETWEEN w.first AND w.last)
      ELSE (SELECT count(*) FROM probe_rollup WHERE id BETWEEN w.first AND w.last) END AS n,
    CASE w.tbl WHEN 'probe_result'
      THEN (SELECT lower(hex(sha3(group_concat(row, ''), 256)))
            FROM (SELECT quote(endpoint_id) || '|' || quote(at_ms) || '|' || quote(ok) || '|'
                    || quote(status_code) || '|' || quote(latency_ms) || '|' || quote(error) || '|'
                    || quote(data_time) || '|' || quote(lag_s) || char(10) AS row
                  FROM probe_result WHERE id BETWEEN w.first AND w.last ORDER BY id))
      ELSE (SELECT lower(hex(sha3(group_concat(row, char(10)), 256)))
            FROM (SELECT json_object('endpoint_id', endpoint_id, 'hour', hour, 'probes', probes,
                    'failures', failures, 'latency_p50_ms', latency_p50_ms, 'latency_p95_ms',
                    latency_p95_ms, 'latency_max_ms', latency_max_ms, 'watched_ms', watched_ms,
                    'first_ms', first_ms, 'last_ms', last_ms, 'first_id', first_id, 'last_id',
                    last_id) AS row
                  FROM probe_rollup WHERE id BETWEEN w.first AND w.last ORDER BY id)) END AS digest
  FROM ledger_pending w),
-- rows drtop pruned after history_s: all rows of the table older than 'before'
pruned AS (
  SELECT seq, payload ->> '$.table' AS tbl, payload ->> '$.column' AS col,
    payload ->> '$.before' AS before, payload ->> '$.rows' AS rows, payload ->> '$.sha3' AS sha3
  FROM ledger WHERE kind GLOB '*.prune'),
-- rows the ledger has that are gone (or whose id a new row took), with the
-- first prune after their entry that covered their time: the one that removed
-- them (NULL: none did)
gone_row AS MATERIALIZED (
  SELECT l.seq, l.key, l.tbl, l.id, l.row,
    (SELECT min(p.seq) FROM pruned p WHERE p.tbl = l.tbl AND p.seq > l.seq
       AND (l.next_seq IS NULL OR p.seq < l.next_seq)
       AND l.row ->> ('$.' || p.col) < p.before) AS pruned_by
  FROM entry l LEFT JOIN current v ON v.key = l.key AND l.newest = 1
  WHERE l.action <> 'delete'
    AND (l.newest = 1 AND v.key IS NULL OR l.next_action = 'insert')),
-- rollup batches, and what each holds now
rollup AS (
  SELECT b.seq, b.payload ->> '$.first' AS first, b.payload ->> '$.last' AS last,
    b.payload ->> '$.rows' AS rows, b.payload ->> '$.sha3' AS sha3,
    lag(b.payload ->> '$.last', 1, 0) OVER (ORDER BY b.payload ->> '$.first') AS prev_last,
    (SELECT count(*) FROM probe_rollup WHERE id BETWEEN b.payload ->> '$.first'
       AND b.payload ->> '$.last') AS n,
    (SELECT lower(hex(sha3(group_concat(row, char(10)), 256)))
     FROM (SELECT json_object('endpoint_id', endpoint_id, 'hour', hour, 'probes', probes,
             'failures', failures, 'latency_p50_ms', latency_p50_ms, 'latency_p95_ms',
             latency_p95_ms, 'latency_max_ms', latency_max_ms, 'watched_ms', watched_ms,
             'first_ms', first_ms, 'last_ms', last_ms, 'first_id', first_id, 'last_id',
             last_id) AS row
           FROM probe_rollup WHERE id BETWEEN b.payload ->> '$.first' AND b.payload ->> '$.last'
           ORDER BY id)) AS digest,
    -- rollups drtop pruned later (history_s), or that went with their endpoint
    EXISTS (SELECT 1 FROM pruned p WHERE p.tbl = 'probe_rollup' AND p.seq > b.seq
            AND p.before > b.payload ->> '$.from_hour')
    OR EXISTS (SELECT 1 FROM ledger d, json_each(b.payload -> '$.endpoints') j
               WHERE d.kind = 'endpoint.delete' AND d.seq > b.seq AND d.payload ->> '$.id' = j.value)
      AS prunable
  FROM ledger b WHERE b.kind = 'probe_rollup.batch'),
-- endpoints drtop deleted, with their results, and when (ids may be reused)
deleted_endpoint AS (
  SELECT payload ->> '$.id' AS id, max(seq) AS seq FROM ledger
  WHERE kind = 'endpoint.delete' GROUP BY 1),
probe AS (
  SELECT b.seq, b.first, b.last, e.value ->> '$.endpoint_id' AS ep,
    e.value ->> '$.rows' AS rows, e.value ->> '$.sha3' AS sha3,
    (SELECT count(*) FROM probe_result
     WHERE endpoint_id = e.value ->> '$.endpoint_id' AND at_ms BETWEEN b.from_ms AND b.to_ms
       AND id BETWEEN b.first AND b.last) AS n,
    (SELECT lower(hex(sha3(group_concat(row, char(10)), 256)))
     FROM (SELECT json_object('endpoint_id', endpoint_id, 'at_ms', at_ms, 'ok', ok,
             'status_code', status_code, 'latency_ms', latency_ms, 'error', error,
             'data_time', data_time, 'lag_s', lag_s) AS row
           FROM probe_result
           WHERE endpoint_id = e.value ->> '$.endpoint_id' AND at_ms BETWEEN b.from_ms AND b.to_ms
             AND id BETWEEN b.first AND b.last
           ORDER BY id)) AS digest,
    -- the results of an endpoint deleted after the batch went with it
    EXISTS (SELECT 1 FROM deleted_endpoint d
            WHERE d.id = e.value ->> '$.endpoint_id' AND d.seq > b.seq) AS gone, b.prunable
  FROM batch b, json_each(b.endpoints) AS e),
problem (seq, subject, problem) AS (
  SELECT seq, 'ledger entry ' || seq,
    CASE WHEN seq <> prev_seq + 1 THEN CASE WHEN seq = prev_seq + 2 THEN 'entry ' || (seq - 1)
                                                 ELSE 'entries ' || (prev_seq + 1) || ' to ' || (seq - 1) END
                                            || ' before it ' || CASE WHEN seq = prev_seq + 2 THEN 'is' ELSE 'are' END
                                            || ' missing: removed'
         WHEN hash IS NULL THEN 'not sealed: written outside drtop'
         WHEN before IS NULL THEN 'it follows entry ' || prev_seq || ', which is not sealed: its own hash cannot be checked'
         WHEN hash IS NOT computed THEN 'its hash does not match its contents: changed after it was recorded'
         ELSE 'it does not follow the entry before it: an entry was removed, inserted or reordered'
    END
  FROM chain WHERE seq <> prev_seq + 1 OR hash IS NOT computed OR prev_hash IS NOT before
  UNION ALL
  SELECT l.seq, l.key,
    'changed outside drtop: the ledger has ' || l.row || ', the table has ' || v.row
  FROM ledgered l JOIN current v ON v.key = l.key WHERE v.row <> l.row
  UNION ALL
  SELECT seq, key, 'deleted outside drtop (ledger entry ' || seq || ' has it)'
  FROM gone_row WHERE pruned_by IS NULL
  UNION ALL
  SELECT p.seq, p.tbl || ' before ' || p.before,
    'pruned rows differ from the ledger: the entry has ' || p.rows || ' rows, the ledger '
    || count(g.key) || CASE WHEN count(g.key) = p.rows THEN ' with another digest' ELSE '' END
  FROM pruned p LEFT JOIN gone_row g ON g.pruned_by = p.seq
  WHERE p.tbl <> 'probe_rollup'
  GROUP BY p.seq
  HAVING count(g.key) <> p.rows
    OR (SELECT lower(hex(sha3(group_concat(row, char(10)), 256)))
        FROM (SELECT row FROM gone_row WHERE pruned_by = p.seq ORDER BY CAST(id AS INTEGER)))
       IS NOT p.sha3
  UNION ALL
  SELECT seq, 'probe_rollup ' || first || '-' || last,
    CASE WHEN n <> rows THEN 'rows added or deleted outside drtop: the ledger has ' || rows
                             || ', the table ' || n
         ELSE 'changed outside drtop: the digest of the rows differs' END
  FROM rollup WHERE (n <> rows OR digest IS NOT sha3) AND NOT (n < rows AND prunable)
  UNION ALL
  SELECT NULL, tbl || ' ' || first || '-' || last || ' (waiting for its batch entry)',
    CASE WHEN n <> rows THEN 'rows added or deleted outside drtop: noted ' || rows
                             || ', the table ' || n
         ELSE 'changed outside drtop: the digest of the rows differs from the one noted' END
  FROM waiting WHERE n <> rows OR digest IS NOT sha3
  UNION ALL
  SELECT NULL, 'probe_rollup ' || min(r.id) || '-' || max(r.id),
    'not in the ledger: written outside drtop'
  FROM rollup b JOIN probe_rollup r ON r.id > b.prev_last AND r.id < b.first GROUP BY b.seq
  UNION ALL
  SELECT NULL, 'probe_rollup ' || min(id) || '-' || max(id),
    'not in the ledger: written outside drtop, or its entry cut from the ledger''s end'
  FROM probe_rollup r WHERE id > (SELECT coalesce(max(last), 0) FROM rollup)
    AND NOT EXISTS (SELECT 1 FROM waiting w WHERE w.tbl = 'probe_rollup'
                    AND r.id BETWEEN w.first AND w.last)
  HAVING count(*) > 0
  UNION ALL
  SELECT NULL, v.key, 'not in the ledger: written outside drtop, or its entry cut from the ledger''s end'
  FROM current v LEFT JOIN ledgered l ON l.key = v.key WHERE l.key IS NULL
  UNION ALL
  SELECT seq, 'probe_result ' || first || '-' || last || ' of endpoint ' || ep,
    CASE WHEN n <> rows THEN 'rows added or deleted outside drtop: the ledger has ' || rows
                             || ', the table ' || n
         ELSE 'changed outside drtop: the digest of the rows differs' END
  FROM probe
  WHERE (n <> rows OR digest IS NOT sha3) AND NOT (n < rows AND (prunable OR gone AND n = 0))
  UNION ALL
  SELECT seq, 'probe_result ' || first || '-' || last,
    CASE WHEN n <> rows THEN 'rows added or deleted outside drtop: the ledger has ' || rows
                             || ', the table ' || n
         ELSE 'changed outside drtop: the digest of the rows differs' END
  FROM batch_check
  WHERE (n <> rows OR digest IS NOT sha3) AND NOT (n < rows AND prunable)
  UNION ALL
  SELECT b.seq, 'probe_result ' || b.first || '-' || b.last,
    'rows added outside drtop, of endpoints or times the batch does not have'
  FROM batch b
  WHERE b.sha3 IS NULL AND (SELECT count(*) FROM probe_result WHERE id BETWEEN b.first AND b.last)
        > (SELECT sum(n) FROM probe p WHERE p.seq = b.seq)
  UNION ALL
  SELECT NULL, 'probe_result ' || min(p.id) || '-' || max(p.id),
    'not in the ledger: written outside drtop'
  FROM batch b JOIN probe_result p ON p.id > b.prev_last AND p.id < b.first GROUP BY b.seq
  UNION ALL
  SELECT NULL, 'probe_result ' || min(id) || '-' || max(id),
    'not in the ledger: written outside drtop, or its entry cut from the ledger''s end'
  FROM probe_result r WHERE id > (SELECT coalesce(max(last), 0) FROM batch)
    AND NOT EXISTS (SELECT 1 FROM waiting w WHERE w.tbl = 'probe_result'
                    AND r.id BETWEEN w.first AND w.last)
  HAVING count(*) > 0
  UNION ALL
  -- an endpoint's state, which the live verdict reads, must come from its
  -- results: its newest probe one of them; its recovery point the one the
  -- successful probe it was seen by reported (when that result is there),
  -- else one a successful probe reported by then
  SELECT NULL, 'endpoint_state of endpoint ' || st.endpoint_id,
    'changed outside drtop: ' || CASE
      WHEN st.last_probe_ms IS NOT NULL AND NOT EXISTS (SELECT 1 FROM probe_result r
             WHERE r.endpoint_id = st.endpoint_id AND r.at_ms = st.last_probe_ms)
      THEN 'no probe result at its newest probe time ' || st.last_probe_ms
      ELSE 'no successful probe result reported its recovery point ' || st.data_time
           || ' when it says it was seen' END
  FROM endpoint_state st
  WHERE (st.last_probe_ms IS NOT NULL AND NOT EXISTS (SELECT 1 FROM probe_result r
           WHERE r.endpoint_id = st.endpoint_id AND r.at_ms = st.last_probe_ms))
     OR (st.data_time IS NOT NULL AND CASE
           WHEN EXISTS (SELECT 1 FROM probe_result r WHERE r.endpoint_id = st.endpoint_id
                          AND r.ok = 1 AND r.data_time IS NOT NULL AND r.at_ms = st.data_seen_ms)
           THEN NOT EXISTS (SELECT 1 FROM probe_result r WHERE r.endpoint_id = st.endpoint_id
                              AND r.ok = 1 AND r.at_ms = st.data_seen_ms AND r.data_time = st.data_time)
           ELSE NOT EXISTS (SELECT 1 FROM probe_result r WHERE r.endpoint_id = st.endpoint_id
                              AND r.ok = 1 AND r.data_time = st.data_time
                              AND r.at_ms <= coalesce(st.data_seen_ms, st.last_probe_ms)) END)
  UNION ALL
  -- each system's newest status (status_latest, which the dashboard's first
  -- frame reads and the recording of status changes compares with) must be
  -- the newest change of its status history: the one row, as it is there
  SELECT NULL, 'status_latest of system ' || l.system_id,
    'changed outside drtop: not the newest change of the system''s status history'
  FROM status_latest l LEFT JOIN status_history h ON h.id = l.history_id
  WHERE h.id IS NULL OR h.system_id IS NOT l.system_id OR h.at IS NOT l.at
     OR h.status IS NOT l.status
     OR EXISTS (SELECT 1 FROM status_history n WHERE n.system_id = l.system_id
                AND (n.at > l.at OR (n.at = l.at AND n.id > l.history_id)))
  UNION ALL
  SELECT NULL, 'status_latest of system ' || h.system_id,
    'deleted outside drtop: the system''s newest status change is missing'
  FROM (SELECT DISTINCT system_id FROM status_history) h
  WHERE NOT EXISTS (SELECT 1 FROM status_latest l WHERE l.system_id = h.system_id))
SELECT seq, subject, problem FROM problem ORDER BY seq IS NULL, seq, subject;

-- 0006: the ledger. Every recorded fact and every change of the plan is an
-- entry of an append-only, hash-chained table that an auditor can verify with
-- nothing but the sqlite3 shell (doc/auditing.md, "Verifying the evidence").
--
-- Entry seq has
--   hash = lower(hex(sha3(prev_hash || '|' || seq || '|' || recorded_at || '|'
--                         || actor || '|' || kind || '|' || payload, 256)))
-- (SHA3-256 of those UTF-8 bytes, integers in decimal) and prev_hash is the
-- hash of entry seq - 1, or 64 zeros for the first entry (the genesis).
--
-- The triggers below append entries, without their hashes, inside drtop's
-- write transactions only: they need the actor and the real time that drtop
-- puts in audit_context. When drtop commits, it appends the digest of the
-- transaction's probe results (probe_result.batch) and seals the entries the
-- transaction added: it computes prev_hash and hash (SHA3-256 from OpenSSL's
-- libcrypto). A change made with another SQLite client gets no entry, or an
-- entry nobody seals, and 'drtop db verify' names it.

CREATE TABLE ledger (
  seq         INTEGER PRIMARY KEY,
  recorded_at INTEGER NOT NULL,          -- real time, Unix seconds
  actor       TEXT NOT NULL CHECK (actor <> '' AND actor NOT GLOB '*|*'),
  kind        TEXT NOT NULL CHECK (kind GLOB '[a-z]*' AND kind NOT GLOB '*[^a-z_.]*'),
  payload     TEXT NOT NULL CHECK (json_valid(payload)),
  prev_hash   TEXT CHECK (prev_hash IS NULL OR length(prev_hash) = 64), -- NULL until sealed
  hash        TEXT UNIQUE CHECK (hash IS NULL OR length(hash) = 64)     -- NULL until sealed
) STRICT;

-- Append-only: an entry may only be sealed, once.
CREATE TRIGGER ledger_no_update BEFORE UPDATE ON ledger
WHEN OLD.hash IS NOT NULL OR OLD.prev_hash IS NOT NULL OR NEW.seq IS NOT OLD.seq
  OR NEW.recorded_at IS NOT OLD.recorded_at OR NEW.actor IS NOT OLD.actor
  OR NEW.kind IS NOT OLD.kind OR NEW.payload IS NOT OLD.payload
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_no_delete BEFORE DELETE ON ledger
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER ledger_no_replace BEFORE INSERT ON ledger
WHEN NEW.seq <= (SELECT coalesce(max(seq), 0) FROM ledger)
BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;

-- Appending: INSERT INTO ledger_new (kind, payload) adds the next entry.
-- Outside a drtop transaction (no audit_context) it adds nothing.
CREATE VIEW ledger_new (kind, payload) AS SELECT NULL, NULL WHERE 0;
CREATE TRIGGER ledger_append INSTEAD OF INSERT ON ledger_new BEGIN
  INSERT INTO ledger (seq, recorded_at, actor, kind, payload)
  SELECT coalesce((SELECT max(seq) FROM ledger), 0) + 1, c.at, c.actor, NEW.kind, NEW.payload
  FROM audit_context AS c WHERE c.id = 1;
END;

-- The genesis entry: what it covers is stated in its payload.
INSERT INTO ledger_new (kind, payload)
VALUES ('genesis', json_object('schema', 6, 'covers',
  'the contents of the database when the ledger began: each row then present is an entry '
  || 'of kind TABLE.existing, probe results are probe_result.batch entries; what happened '
  || 'before this entry is not in the ledger'));

-- Probe result ids are never reused (AUTOINCREMENT): a probe_result.batch
-- entry names its rows by a range of ids, which no later row may enter when
-- the newest rows were deleted (an endpoint removed with its results).
CREATE TABLE probe_result_new (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  endpoint_id INTEGER NOT NULL REFERENCES endpoint(id) ON DELETE CASCADE,
  at_ms       INTEGER NOT NULL,          -- when the probe started, Unix milliseconds
  at          INTEGER GENERATED ALWAYS AS (at_ms / 1000) VIRTUAL,
  ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
  status_code INTEGER,
  latency_ms  INTEGER CHECK (latency_ms >= 0),
  error       TEXT,
  data_time   INTEGER,                   -- freshness: time of the newest recovery point
  lag_s       INTEGER                    -- freshness: at - data_time
) STRICT;
INSERT INTO probe_result_new (id, endpoint_id, at_ms, ok, status_code, latency_ms, error,
                              data_time, lag_s)
SELECT id, endpoint_id, at_ms, ok, status_code, latency_ms, error, data_time, lag_s
FROM probe_result ORDER BY id;
DROP TABLE probe_result;
-- The views that read probe_result (v_coverage, v_outage_measure) name it
-- again once renamed; the legacy rename does not check them meanwhile.
PRAGMA legacy_alter_table = ON;
ALTER TABLE probe_result_new RENAME TO probe_result;
PRAGMA legacy_alter_table = OFF;
CREATE INDEX probe_result_endpoint_at ON probe_result(endpoint_id, at_ms);
CREATE INDEX probe_result_at ON probe_result(at_ms);

-- Why a system's objectives, strategy or tier, or a strategy's figures,
-- changed: drtop's --reason, kept in the entry of the change ("reason").
-- A setting makes it required.
ALTER TABLE audit_context ADD COLUMN reason TEXT;
INSERT INTO setting (key, value) VALUES ('require_reason', '0');

-- How often a long-running drtop (probe --watch, the dashboard) sends the
-- ledger's head to the system log, as an anchor kept outside the file (0: never).
INSERT INTO setting (key, value) VALUES ('anchor_log_s', '3600');

-- One entry per change of a row: TABLE.insert and TABLE.update carry the row
-- as it is now ({"id": ID, "row": {...}}), TABLE.delete only its id (its values
-- are in the entry before). ID is the row's id, or its key where the table
-- has none (strategy: name, setting: key, dependency: 'SYSTEM_ID>DEPENDS_ON'),
-- never a rowid, which VACUUM may renumber. The row objects are the ones the
-- verification query rebuilds from the live tables.
CREATE TRIGGER ledger_strategy_insert AFTER INSERT ON strategy BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('strategy.insert',
    json_patch(json_object('id', NEW.name, 'row', json_object('name', NEW.name, 'cost_tier',
    NEW.cost_tier, 'rto_s', NEW.rto_s, 'rpo_s', NEW.rpo_s, 'description', NEW.description)),
    json_object('reason', (SELECT reason FROM audit_context WHERE id = 1))));
END;
CREATE TRIGGER ledger_strategy_update AFTER UPDATE ON strategy BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('strategy.update',
    json_patch(json_object('id', NEW.name, 'row', json_object('name', NEW.name, 'cost_tier',
    NEW.cost_tier, 'rto_s', NEW.rto_s, 'rpo_s', NEW.rpo_s, 'description', NEW.description)),
    json_object('reason', (SELECT reason FROM audit_context WHERE id = 1))));
END;
CREATE TRIGGER ledger_strategy_delete AFTER DELETE ON strategy BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('strategy.delete', json_object('id',
    OLD.name));
END;
CREATE TRIGGER ledger_system_insert AFTER INSERT ON system BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('system.insert',
    json_patch(json_object('id', NEW.id, 'row', json_object('name', NEW.name, 'rto_s',
    NEW.rto_s, 'rpo_s', NEW.rpo_s, 'strategy', NEW.strategy, 'tier', NEW.tier, 'owner',
    NEW.owner, 'description', NEW.description, 'enabled', NEW.enabled, 'created_at',
    NEW.created_at, 'updated_at', NEW.updated_at)), json_object('reason', (SELECT reason
    FROM audit_context WHERE id = 1))));
END;
CREATE TRIGGER ledger_system_update AFTER UPDATE ON system BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('system.update',
    json_patch(json_object('id', NEW.id, 'row', json_object('name', NEW.name, 'rto_s',
    NEW.rto_s, 'rpo_s', NEW.rpo_s, 'strategy', NEW.strategy, 'tier', NEW.tier, 'owner',
    NEW.owner, 'description', NEW.description, 'enabled', NEW.enabled, 'created_at',
    NEW.created_at, 'updated_at', NEW.updated_at)), json_object('reason', (SELECT reason
    FROM audit_context WHERE id = 1))));
END;
CREATE TRIGGER ledger_system_delete AFTER DELETE ON system BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('system.delete', json_object('id',
    OLD.id));
END;
CREATE TRIGGER ledger_endpoint_insert AFTER INSERT ON endpoint BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('endpoint.insert', json_object('id',
    NEW.id, 'row', json_object('system_id', NEW.system_id, 'url', NEW.url, 'kind', NEW.kind,
    'interval_ms', NEW.interval_ms, 'timeout_ms', NEW.timeout_ms, 'expect', NEW.expect,
    'body_match', NEW.body_match, 'json_path', NEW.json_path, 'headers', NEW.headers,
    'max_latency_ms', NEW.max_latency_ms, 'tls_verify', NEW.tls_verify, 'enabled',
    NEW.enabled, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at)));
END;
CREATE TRIGGER ledger_endpoint_update AFTER UPDATE ON endpoint BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('endpoint.update', json_object('id',
    NEW.id, 'row', json_object('system_id', NEW.system_id, 'url', NEW.url, 'kind', NEW.kind,
    'interval_ms', NEW.interval_ms, 'timeout_ms', NEW.timeout_ms, 'expect', NEW.expect,
    'body_match', NEW.body_match, 'json_path', NEW.json_path, 'headers', NEW.headers,
    'max_latency_ms', NEW.max_latency_ms, 'tls_verify', NEW.tls_verify, 'enabled',
    NEW.enabled, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at)));
END;
CREATE TRIGGER ledger_endpoint_delete AFTER DELETE ON endpoint BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('endpoint.delete', json_object('id',
    OLD.id));
END;
CREATE TRIGGER ledger_backup_schedule_insert AFTER INSERT ON backup_schedule BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('backup_schedule.insert', json_object('id',
    NEW.id, 'row', json_object('system_id', NEW.system_id, 'name', NEW.name, 'cron',
    NEW.cron, 'tz', NEW.tz, 'every_s', NEW.every_s, 'duration_s', NEW.duration_s, 'grace_s',
    NEW.grace_s, 'max_gap_s', NEW.max_gap_s, 'created_at', NEW.created_at, 'updated_at',
    NEW.updated_at)));
END;
CREATE TRIGGER ledger_backup_schedule_update AFTER UPDATE ON backup_schedule BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('backup_schedule.update', json_object('id',
    NEW.id, 'row', json_object('system_id', NEW.system_id, 'name', NEW.name, 'cron',
    NEW.cron, 'tz', NEW.tz, 'every_s', NEW.every_s, 'duration_s', NEW.duration_s, 'grace_s',
    NEW.grace_s, 'max_gap_s', NEW.max_gap_s, 'created_at', NEW.created_at, 'updated_at',
    NEW.updated_at)));
END;
CREATE TRIGGER ledger_backup_schedule_delete AFTER DELETE ON backup_schedule BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('backup_schedule.delete', json_object('id',
    OLD.id));
END;
CREATE TRIGGER ledger_dependency_insert AFTER INSERT ON dependency BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('dependency.insert', json_object('id',
    NEW.system_id || '>' || NEW.depends_on, 'row', json_object('system_id', NEW.system_id,
    'depends_on', NEW.depends_on, 'created_at', NEW.created_at)));
END;
CREATE TRIGGER ledger_dependency_update AFTER UPDATE ON dependency BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('dependency.update', json_object('id',
    NEW.system_id || '>' || NEW.depends_on, 'row', json_object('system_id', NEW.system_id,
    'depends_on', NEW.depends_on, 'created_at', NEW.created_at)));
END;
CREATE TRIGGER ledger_dependency_delete AFTER DELETE ON dependency BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('dependency.delete', json_object('id',
    OLD.system_id || '>' || OLD.depends_on));
END;
CREATE TRIGGER ledger_maintenance_window_insert AFTER INSERT ON maintenance_window BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('maintenance_window.insert',
    json_object('id', NEW.id, 'row', json_object('system_id', NEW.system_id, 'starts_at',
    NEW.starts_at, 'ends_at', NEW.ends_at, 'reason', NEW.reason, 'created_at',
    NEW.created_at)));
END;
CREATE TRIGGER ledger_maintenance_window_update AFTER UPDATE ON maintenance_window BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('maintenance_window.update',
    json_object('id', NEW.id, 'row', json_object('system_id', NEW.system_id, 'starts_at',
    NEW.starts_at, 'ends_at', NEW.ends_at, 'reason', NEW.reason, 'created_at',
    NEW.created_at)));
END;
CREATE TRIGGER ledger_maintenance_window_delete AFTER DELETE ON maintenance_window BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('maintenance_window.delete',
    json_object('id', OLD.id));
END;
CREATE TRIGGER ledger_setting_insert AFTER INSERT ON setting BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('setting.insert', json_object('id',
    NEW.key, 'row', json_object('key', NEW.key, 'value', NEW.value)));
END;
CREATE TRIGGER ledger_setting_update AFTER UPDATE ON setting BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('setting.update', json_object('id',
    NEW.key, 'row', json_object('key', NEW.key, 'value', NEW.value)));
END;
CREATE TRIGGER ledger_setting_delete AFTER DELETE ON setting BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('setting.delete', json_object('id',
    OLD.key));
END;
CREATE TRIGGER ledger_audit_log_insert AFTER INSERT ON audit_log BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('audit_log.insert', json_object('id',
    NEW.id, 'row', json_object('at', NEW.at, 'actor', NEW.actor, 'table_name',
    NEW.table_name, 'row_id', NEW.row_id, 'action', NEW.action, 'old_values',
    NEW.old_values, 'new_values', NEW.new_values)));
END;
CREATE TRIGGER ledger_checkin_insert AFTER INSERT ON checkin BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('checkin.insert', json_object('id', NEW.id,
    'row', json_object('system_id', NEW.system_id, 'schedule_id', NEW.schedule_id, 'at',
    NEW.at, 'ok', NEW.ok, 'recorded_at', NEW.recorded_at, 'note', NEW.note)));
END;
CREATE TRIGGER ledger_checkin_update AFTER UPDATE ON checkin BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('checkin.update', json_object('id', NEW.id,
    'row', json_object('system_id', NEW.system_id, 'schedule_id', NEW.schedule_id, 'at',
    NEW.at, 'ok', NEW.ok, 'recorded_at', NEW.recorded_at, 'note', NEW.note)));
END;
CREATE TRIGGER ledger_checkin_delete AFTER DELETE ON checkin BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('checkin.delete', json_object('id',
    OLD.id));
END;
CREATE TRIGGER ledger_drill_insert AFTER INSERT ON drill BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('drill.insert', json_object('id', NEW.id,
    'row', json_object('system_id', NEW.system_id, 'kind', NEW.kind, 'started_at',
    NEW.started_at, 'recovered_at', NEW.recovered_at, 'data_loss_s', NEW.data_loss_s,
    'notes', NEW.notes, 'created_at', NEW.created_at)));
END;
CREATE TRIGGER ledger_drill_update AFTER UPDATE ON drill BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('drill.update', json_object('id', NEW.id,
    'row', json_object('system_id', NEW.system_id, 'kind', NEW.kind, 'started_at',
    NEW.started_at, 'recovered_at', NEW.recovered_at, 'data_loss_s', NEW.data_loss_s,
    'notes', NEW.notes, 'created_at', NEW.created_at)));
END;
CREATE TRIGGER ledger_drill_delete AFTER DELETE ON drill BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('drill.delete', json_object('id', OLD.id));
END;
CREATE TRIGGER ledger_outage_insert AFTER INSERT ON outage BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('outage.insert', json_object('id', NEW.id,
    'row', json_object('endpoint_id', NEW.endpoint_id, 'system_id', NEW.system_id,
    'started_ms', NEW.started_ms, 'ended_ms', NEW.ended_ms, 'res_start_ms',
    NEW.res_start_ms, 'res_end_ms', NEW.res_end_ms, 'gap', NEW.gap, 'first_error',
    NEW.first_error, 'planned', NEW.planned, 'cause_system_id', NEW.cause_system_id)));
END;
CREATE TRIGGER ledger_outage_update AFTER UPDATE ON outage BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('outage.update', json_object('id', NEW.id,
    'row', json_object('endpoint_id', NEW.endpoint_id, 'system_id', NEW.system_id,
    'started_ms', NEW.started_ms, 'ended_ms', NEW.ended_ms, 'res_start_ms',
    NEW.res_start_ms, 'res_end_ms', NEW.res_end_ms, 'gap', NEW.gap, 'first_error',
    NEW.first_error, 'planned', NEW.planned, 'cause_system_id', NEW.cause_system_id)));
END;
CREATE TRIGGER ledger_outage_delete AFTER DELETE ON outage BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('outage.delete', json_object('id',
    OLD.id));
END;
CREATE TRIGGER ledger_status_history_insert AFTER INSERT ON status_history BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('status_history.insert', json_object('id',
    NEW.id, 'row', json_object('system_id', NEW.system_id, 'at', NEW.at, 'status',
    NEW.status, 'reason', NEW.reason)));
END;
CREATE TRIGGER ledger_status_history_update AFTER UPDATE ON status_history BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('status_history.update', json_object('id',
    NEW.id, 'row', json_object('system_id', NEW.system_id, 'at', NEW.at, 'status',
    NEW.status, 'reason', NEW.reason)));
END;
CREATE TRIGGER ledger_status_history_delete AFTER DELETE ON status_history BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('status_history.delete', json_object('id',
    OLD.id));
END;
CREATE TRIGGER ledger_objective_history_insert AFTER INSERT ON objective_history BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('objective_history.insert',
    json_object('id', NEW.id, 'row', json_object('system_id', NEW.system_id, 'rto_s',
    NEW.rto_s, 'rpo_s', NEW.rpo_s, 'strategy', NEW.strategy, 'tier', NEW.tier, 'valid_from',
    NEW.valid_from, 'valid_to', NEW.valid_to, 'source', NEW.source)));
END;
CREATE TRIGGER ledger_objective_history_update AFTER UPDATE ON objective_history BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('objective_history.update',
    json_object('id', NEW.id, 'row', json_object('system_id', NEW.system_id, 'rto_s',
    NEW.rto_s, 'rpo_s', NEW.rpo_s, 'strategy', NEW.strategy, 'tier', NEW.tier, 'valid_from',
    NEW.valid_from, 'valid_to', NEW.valid_to, 'source', NEW.source)));
END;
CREATE TRIGGER ledger_objective_history_delete AFTER DELETE ON objective_history BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('objective_history.delete',
    json_object('id', OLD.id));
END;

-- The rows present at migration.
INSERT INTO ledger_new (kind, payload) SELECT 'strategy.existing', json_object('id', name,
  'row', json_object('name', name, 'cost_tier', cost_tier, 'rto_s', rto_s, 'rpo_s', rpo_s,
  'description', description)) FROM strategy ORDER BY name;
INSERT INTO ledger_new (kind, payload) SELECT 'system.existing', json_object('id', id,
  'row', json_object('name', name, 'rto_s', rto_s, 'rpo_s', rpo_s, 'strategy', strategy,
  'tier', tier, 'owner', owner, 'description', description, 'enabled', enabled,
  'created_at', created_at, 'updated_at', updated_at)) FROM system ORDER BY id;
INSERT INTO ledger_new (kind, payload) SELECT 'endpoint.existing', json_object('id', id,
  'row', json_object('system_id', system_id, 'url', url, 'kind', kind, 'interval_ms',
  interval_ms, 'timeout_ms', timeout_ms, 'expect', expect, 'body_match', body_match,
  'json_path', json_path, 'headers', headers, 'max_latency_ms', max_latency_ms,
  'tls_verify', tls_verify, 'enabled', enabled, 'created_at', created_at, 'updated_at',
  updated_at)) FROM endpoint ORDER BY id;
INSERT INTO ledger_new (kind, payload) SELECT 'backup_schedule.existing', json_object('id',
  id, 'row', json_object('system_id', system_id, 'name', name, 'cron', cron, 'tz', tz,
  'every_s', every_s, 'duration_s', duration_s, 'grace_s', grace_s, 'max_gap_s', max_gap_s,
  'created_at', created_at, 'updated_at', updated_at)) FROM backup_schedule ORDER BY id;
INSERT INTO ledger_new (kind, payload) SELECT 'dependency.existing', json_object('id',
  system_id || '>' || depends_on, 'row', json_object('system_id', system_id, 'depends_on',
  depends_on, 'created_at', created_at)) FROM dependency ORDER BY system_id || '>' ||
  depends_on;
INSERT INTO ledger_new (kind, payload) SELECT 'maintenance_window.existing',
  json_object('id', id, 'row', json_object('system_id', system_id, 'starts_at', starts_at,
  'ends_at', ends_at, 'reason', reason, 'created_at', created_at)) FROM maintenance_window
  ORDER BY id;
INSERT INTO ledger_new (kind, payload) SELECT 'setting.existing', json_object('id', key,
  'row', json_object('key', key, 'value', value)) FROM setting ORDER BY key;
INSERT INTO ledger_new (kind, payload) SELECT 'audit_log.existing', json_object('id', id,
  'row', json_object('at', at, 'actor', actor, 'table_name', table_name, 'row_id', row_id,
  'action', action, 'old_values', old_values, 'new_values', new_values)) FROM audit_log
  ORDER BY id;
INSERT INTO ledger_new (kind, payload) SELECT 'checkin.existing', json_object('id', id,
  'row', json_object('system_id', system_id, 'schedule_id', schedule_id, 'at', at, 'ok', ok,
  'recorded_at', recorded_at, 'note', note)) FROM checkin ORDER BY id;
INSERT INTO ledger_new (kind, payload) SELECT 'drill.existing', json_object('id', id, 'row',
  json_object('system_id', system_id, 'kind', kind, 'started_at', started_at,
  'recovered_at', recovered_at, 'data_loss_s', data_loss_s, 'notes', notes, 'created_at',
  created_at)) FROM drill ORDER BY id;
INSERT INTO ledger_new (kind, payload) SELECT 'outage.existing', json_object('id', id,
  'row', json_object('endpoint_id', endpoint_id, 'system_id', system_id, 'started_ms',
  started_ms, 'ended_ms', ended_ms, 'res_start_ms', res_start_ms, 'res_end_ms', res_end_ms,
  'gap', gap, 'first_error', first_error, 'planned', planned, 'cause_system_id',
  cause_system_id)) FROM outage ORDER BY id;
INSERT INTO ledger_new (kind, payload) SELECT 'status_history.existing', json_object('id',
  id, 'row', json_object('system_id', system_id, 'at', at, 'status', status, 'reason',
  reason)) FROM status_history ORDER BY id;
INSERT INTO ledger_new (kind, payload) SELECT 'objective_history.existing',
  json_object('id', id, 'row', json_object('system_id', system_id, 'rto_s', rto_s, 'rpo_s',
  rpo_s, 'strategy', strategy, 'tier', tier, 'valid_from', valid_from, 'valid_to', valid_to,
  'source', source)) FROM objective_history ORDER BY id;

-- Probe results at migration, in batches of up to 10000 rows: the same
-- probe_result.batch entries as drtop appends when it commits (src/core/ledger.c).
-- A digest per endpoint, so that deleting an endpoint with its results (and
-- pruning old results) leaves the other digests checkable.
INSERT INTO ledger_new (kind, payload)
SELECT 'probe_result.batch', json_object('first', lo, 'last', hi, 'rows', n,
  'from_ms', from_ms, 'to_ms', to_ms, 'endpoints', json((
    SELECT json_group_array(json_object('endpoint_id', ep, 'rows', c, 'sha3',
      (SELECT lower(hex(sha3(group_concat(row, char(10)), 256)))
       FROM (SELECT json_object('endpoint_id', endpoint_id, 'at_ms', at_ms, 'ok', ok,
             'status_code', status_code, 'latency_ms', latency_ms, 'error', error,
             'data_time', data_time, 'lag_s', lag_s) AS row
             FROM probe_result WHERE endpoint_id = ep AND at_ms BETWEEN from_ms AND to_ms
             AND id BETWEEN lo AND hi ORDER BY id))))
    FROM (SELECT endpoint_id AS ep, count(*) AS c FROM probe_result
          WHERE id BETWEEN lo AND hi GROUP BY endpoint_id ORDER BY endpoint_id))))
FROM (SELECT min(id) AS lo, max(id) AS hi, count(*) AS n, min(at_ms) AS from_ms,
             max(at_ms) AS to_ms
      FROM probe_result GROUP BY (id - 1) / 10000)
ORDER BY lo;

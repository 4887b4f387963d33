-- 0001: the inventory: strategies, systems, endpoints, backup schedules,
-- dependencies, maintenance windows, settings, and the append-only audit log
-- that records every change made to them.
--
-- Times are integer Unix seconds (UTC). Every table is STRICT.

PRAGMA application_id = 1685222512; -- 'drtp'

CREATE TABLE strategy (
  name        TEXT PRIMARY KEY,
  cost_tier   INTEGER NOT NULL CHECK (cost_tier BETWEEN 1 AND 4),
  rto_s       INTEGER NOT NULL CHECK (rto_s > 0),   -- typical recovery time
  rpo_s       INTEGER NOT NULL CHECK (rpo_s > 0),   -- typical data loss
  description TEXT NOT NULL DEFAULT ''
) STRICT;

CREATE TABLE system (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE
              CHECK (length(name) BETWEEN 1 AND 64
                     AND name GLOB '[A-Za-z0-9]*'
                     AND name NOT GLOB '*[^A-Za-z0-9._-]*'),
  rto_s       INTEGER NOT NULL CHECK (rto_s > 0),
  rpo_s       INTEGER NOT NULL CHECK (rpo_s > 0),
  strategy    TEXT REFERENCES strategy(name) ON UPDATE CASCADE ON DELETE RESTRICT,
  tier        INTEGER NOT NULL DEFAULT 2 CHECK (tier BETWEEN 0 AND 3),
  owner       TEXT NOT NULL DEFAULT '',
  description TEXT NOT NULL DEFAULT '',
  enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE endpoint (
  id             INTEGER PRIMARY KEY,
  system_id      INTEGER NOT NULL REFERENCES system(id) ON DELETE CASCADE,
  url            TEXT NOT NULL,
  kind           TEXT NOT NULL DEFAULT 'health' CHECK (kind IN ('health', 'freshness')),
  interval_ms    INTEGER NOT NULL DEFAULT 60000 CHECK (interval_ms >= 100),
  timeout_ms     INTEGER NOT NULL DEFAULT 10000 CHECK (timeout_ms >= 100),
  expect         TEXT NOT NULL DEFAULT '200-399',
  body_match     TEXT,
  json_path      TEXT,
  headers        TEXT NOT NULL DEFAULT '[]'
                 CHECK (json_valid(headers) AND json_type(headers) = 'array'),
  max_latency_ms INTEGER CHECK (max_latency_ms > 0),
  tls_verify     INTEGER NOT NULL DEFAULT 1 CHECK (tls_verify IN (0, 1)),
  enabled        INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  UNIQUE (system_id, url, kind)
) STRICT;

CREATE TABLE backup_schedule (
  id          INTEGER PRIMARY KEY,
  system_id   INTEGER NOT NULL REFERENCES system(id) ON DELETE CASCADE,
  name        TEXT NOT NULL
              CHECK (length(name) BETWEEN 1 AND 64
                     AND name GLOB '[A-Za-z0-9]*'
                     AND name NOT GLOB '*[^A-Za-z0-9._-]*'),
  cron        TEXT,                       -- five-field expression, or NULL
  tz          TEXT,                       -- IANA zone of the cron expression
  every_s     INTEGER CHECK (every_s > 0), -- fixed interval, or NULL
  duration_s  INTEGER NOT NULL DEFAULT 0 CHECK (duration_s >= 0),
  grace_s     INTEGER CHECK (grace_s >= 0), -- NULL: the backup_grace_s setting
  max_gap_s   INTEGER NOT NULL CHECK (max_gap_s > 0), -- largest gap between runs
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  UNIQUE (system_id, name),
  CHECK ((cron IS NULL) <> (every_s IS NULL)),
  CHECK (tz IS NULL OR cron IS NOT NULL)
) STRICT;

CREATE TABLE dependency (
  system_id   INTEGER NOT NULL REFERENCES system(id) ON DELETE CASCADE,
  depends_on  INTEGER NOT NULL REFERENCES system(id) ON DELETE CASCADE,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (system_id, depends_on),
  CHECK (system_id <> depends_on)
) STRICT;
CREATE INDEX dependency_on ON dependency(depends_on);

CREATE TABLE maintenance_window (
  id          INTEGER PRIMARY KEY,
  system_id   INTEGER NOT NULL REFERENCES system(id) ON DELETE CASCADE,
  starts_at   INTEGER NOT NULL,
  ends_at     INTEGER NOT NULL,
  reason      TEXT NOT NULL DEFAULT '',
  created_at  INTEGER NOT NULL,
  CHECK (ends_at > starts_at),
  UNIQUE (system_id, starts_at, ends_at)
) STRICT;

CREATE TABLE setting (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE INDEX endpoint_system ON endpoint(system_id);
CREATE INDEX schedule_system ON backup_schedule(system_id);

-- Seeded catalogue, after AWS's "Disaster Recovery of Workloads on AWS".
INSERT INTO strategy (name, cost_tier, rto_s, rpo_s, description) VALUES
  ('backup-restore', 1, 86400, 86400, 'restore from backups into new infrastructure'),
  ('pilot-light',    2,  1800,   300, 'core data replicated, compute started on failover'),
  ('warm-standby',   3,   300,    30, 'a scaled-down copy running, scaled up on failover'),
  ('active-active',  4,    10,     1, 'several sites serving traffic at once');

INSERT INTO setting (key, value) VALUES
  ('outage_threshold', '2'),          -- consecutive failed probes that open an outage
  ('window_s', '7776000'),            -- evaluation window for the RTO verdict (90d)
  ('rpo_near_ratio', '0.8'),          -- data lag above this share of the RPO warns
  ('drill_max_age_s', '31536000'),    -- a system without a drill for this long warns (365d)
  ('retention_s', '2592000'),         -- raw probe results kept this long (30d)
  ('backup_grace_s', '3600');         -- a check-in may be this late before a run counts as missed

-- Audit log: append-only; drtop writes its actor into audit_context for
-- the length of each write transaction. Changes made with another SQLite
-- client are recorded too, with the actor 'sql'.
CREATE TABLE audit_context (
  id    INTEGER PRIMARY KEY CHECK (id = 1),
  actor TEXT NOT NULL,
  at    INTEGER NOT NULL
) STRICT;

CREATE TABLE audit_log (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  table_name  TEXT NOT NULL,
  row_id      INTEGER NOT NULL,
  action      TEXT NOT NULL CHECK (action IN ('insert', 'update', 'delete')),
  old_values  TEXT CHECK (old_values IS NULL OR json_valid(old_values)),
  new_values  TEXT CHECK (new_values IS NULL OR json_valid(new_values))
) STRICT;
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_row ON audit_log(table_name, row_id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

CREATE VIEW audit_now (actor, at) AS
  SELECT COALESCE((SELECT actor FROM audit_context WHERE id = 1), 'sql'),
         COALESCE((SELECT at FROM audit_context WHERE id = 1),
                  CAST(strftime('%s', 'now') AS INTEGER));

-- strategy
CREATE TRIGGER audit_strategy_insert AFTER INSERT ON strategy BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'strategy', NEW.rowid, 'insert', NULL,
    json_object('name', NEW.name, 'cost_tier', NEW.cost_tier, 'rto_s', NEW.rto_s,
                'rpo_s', NEW.rpo_s, 'description', NEW.description)
  FROM audit_now;
END;
CREATE TRIGGER audit_strategy_update AFTER UPDATE ON strategy BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'strategy', NEW.rowid, 'update',
    json_object('name', OLD.name, 'cost_tier', OLD.cost_tier, 'rto_s', OLD.rto_s,
                'rpo_s', OLD.rpo_s, 'description', OLD.description),
    json_object('name', NEW.name, 'cost_tier', NEW.cost_tier, 'rto_s', NEW.rto_s,
                'rpo_s', NEW.rpo_s, 'description', NEW.description)
  FROM audit_now;
END;
CREATE TRIGGER audit_strategy_delete AFTER DELETE ON strategy BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'strategy', OLD.rowid, 'delete',
    json_object('name', OLD.name, 'cost_tier', OLD.cost_tier, 'rto_s', OLD.rto_s,
                'rpo_s', OLD.rpo_s, 'description', OLD.description), NULL
  FROM audit_now;
END;

-- system
CREATE TRIGGER audit_system_insert AFTER INSERT ON system BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'system', NEW.id, 'insert', NULL,
    json_object('name', NEW.name, 'rto_s', NEW.rto_s, 'rpo_s', NEW.rpo_s,
                'strategy', NEW.strategy, 'tier', NEW.tier, 'owner', NEW.owner,
                'description', NEW.description, 'enabled', NEW.enabled)
  FROM audit_now;
END;
CREATE TRIGGER audit_system_update AFTER UPDATE ON system BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'system', NEW.id, 'update',
    json_object('name', OLD.name, 'rto_s', OLD.rto_s, 'rpo_s', OLD.rpo_s,
                'strategy', OLD.strategy, 'tier', OLD.tier, 'owner', OLD.owner,
                'description', OLD.description, 'enabled', OLD.enabled),
    json_object('name', NEW.name, 'rto_s', NEW.rto_s, 'rpo_s', NEW.rpo_s,
                'strategy', NEW.strategy, 'tier', NEW.tier, 'owner', NEW.owner,
                'description', NEW.description, 'enabled', NEW.enabled)
  FROM audit_now;
END;
CREATE TRIGGER audit_system_delete AFTER DELETE ON system BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'system', OLD.id, 'delete',
    json_object('name', OLD.name, 'rto_s', OLD.rto_s, 'rpo_s', OLD.rpo_s,
                'strategy', OLD.strategy, 'tier', OLD.tier, 'owner', OLD.owner,
                'description', OLD.description, 'enabled', OLD.enabled), NULL
  FROM audit_now;
END;

-- endpoint (headers are recorded as written: they name variables, never secrets)
CREATE TRIGGER audit_endpoint_insert AFTER INSERT ON endpoint BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'endpoint', NEW.id, 'insert', NULL,
    json_object('system', (SELECT name FROM system WHERE id = NEW.system_id),
                'url', NEW.url, 'kind', NEW.kind, 'interval_ms', NEW.interval_ms,
                'timeout_ms', NEW.timeout_ms, 'expect', NEW.expect,
                'body_match', NEW.body_match, 'json_path', NEW.json_path,
                'headers', json(NEW.headers), 'max_latency_ms', NEW.max_latency_ms,
                'tls_verify', NEW.tls_verify, 'enabled', NEW.enabled)
  FROM audit_now;
END;
CREATE TRIGGER audit_endpoint_update AFTER UPDATE ON endpoint BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'endpoint', NEW.id, 'update',
    json_object('system', (SELECT name FROM system WHERE id = OLD.system_id),
                'url', OLD.url, 'kind', OLD.kind, 'interval_ms', OLD.interval_ms,
                'timeout_ms', OLD.timeout_ms, 'expect', OLD.expect,
                'body_match', OLD.body_match, 'json_path', OLD.json_path,
                'headers', json(OLD.headers), 'max_latency_ms', OLD.max_latency_ms,
                'tls_verify', OLD.tls_verify, 'enabled', OLD.enabled),
    json_object('system', (SELECT name FROM system WHERE id = NEW.system_id),
                'url', NEW.url, 'kind', NEW.kind, 'interval_ms', NEW.interval_ms,
                'timeout_ms', NEW.timeout_ms, 'expect', NEW.expect,
                'body_match', NEW.body_match, 'json_path', NEW.json_path,
                'headers', json(NEW.headers), 'max_latency_ms', NEW.max_latency_ms,
                'tls_verify', NEW.tls_verify, 'enabled', NEW.enabled)
  FROM audit_now;
END;
CREATE TRIGGER audit_endpoint_delete AFTER DELETE ON endpoint BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'endpoint', OLD.id, 'delete',
    json_object('system', (SELECT name FROM system WHERE id = OLD.system_id),
                'url', OLD.url, 'kind', OLD.kind, 'interval_ms', OLD.interval_ms,
                'timeout_ms', OLD.timeout_ms, 'expect', OLD.expect,
                'body_match', OLD.body_match, 'json_path', OLD.json_path,
                'headers', json(OLD.headers), 'max_latency_ms', OLD.max_latency_ms,
                'tls_verify', OLD.tls_verify, 'enabled', OLD.enabled), NULL
  FROM audit_now;
END;

-- backup_schedule
CREATE TRIGGER audit_schedule_insert AFTER INSERT ON backup_schedule BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'backup_schedule', NEW.id, 'insert', NULL,
    json_object('system', (SELECT name FROM system WHERE id = NEW.system_id),
                'name', NEW.name, 'cron', NEW.cron, 'tz', NEW.tz, 'every_s', NEW.every_s,
                'duration_s', NEW.duration_s, 'grace_s', NEW.grace_s)
  FROM audit_now;
END;
CREATE TRIGGER audit_schedule_update AFTER UPDATE ON backup_schedule BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'backup_schedule', NEW.id, 'update',
    json_object('system', (SELECT name FROM system WHERE id = OLD.system_id),
                'name', OLD.name, 'cron', OLD.cron, 'tz', OLD.tz, 'every_s', OLD.every_s,
                'duration_s', OLD.duration_s, 'grace_s', OLD.grace_s),
    json_object('system', (SELECT name FROM system WHERE id = NEW.system_id),
                'name', NEW.name, 'cron', NEW.cron, 'tz', NEW.tz, 'every_s', NEW.every_s,
                'duration_s', NEW.duration_s, 'grace_s', NEW.grace_s)
  FROM audit_now;
END;
CREATE TRIGGER audit_schedule_delete AFTER DELETE ON backup_schedule BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'backup_schedule', OLD.id, 'delete',
    json_object('system', (SELECT name FROM system WHERE id = OLD.system_id),
                'name', OLD.name, 'cron', OLD.cron, 'tz', OLD.tz, 'every_s', OLD.every_s,
                'duration_s', OLD.duration_s, 'grace_s', OLD.grace_s), NULL
  FROM audit_now;
END;

-- dependency
CREATE TRIGGER audit_dependency_insert AFTER INSERT ON dependency BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'dependency', NEW.rowid, 'insert', NULL,
    json_object('system', (SELECT name FROM system WHERE id = NEW.system_id),
                'depends_on', (SELECT name FROM system WHERE id = NEW.depends_on))
  FROM audit_now;
END;
CREATE TRIGGER audit_dependency_delete AFTER DELETE ON dependency BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'dependency', OLD.rowid, 'delete',
    json_object('system', (SELECT name FROM system WHERE id = OLD.system_id),
                'depends_on', (SELECT name FROM system WHERE id = OLD.depends_on)), NULL
  FROM audit_now;
END;

-- maintenance_window
CREATE TRIGGER audit_maintenance_insert AFTER INSERT ON maintenance_window BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'maintenance_window', NEW.id, 'insert', NULL,
    json_object('system', (SELECT name FROM system WHERE id = NEW.system_id),
                'starts_at', NEW.starts_at, 'ends_at', NEW.ends_at, 'reason', NEW.reason)
  FROM audit_now;
END;
CREATE TRIGGER audit_maintenance_update AFTER UPDATE ON maintenance_window BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'maintenance_window', NEW.id, 'update',
    json_object('system', (SELECT name FROM system WHERE id = OLD.system_id),
                'starts_at', OLD.starts_at, 'ends_at', OLD.ends_at, 'reason', OLD.reason),
    json_object('system', (SELECT name FROM system WHERE id = NEW.system_id),
                'starts_at', NEW.starts_at, 'ends_at', NEW.ends_at, 'reason', NEW.reason)
  FROM audit_now;
END;
CREATE TRIGGER audit_maintenance_delete AFTER DELETE ON maintenance_window BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'maintenance_window', OLD.id, 'delete',
    json_object('system', (SELECT name FROM system WHERE id = OLD.system_id),
                'starts_at', OLD.starts_at, 'ends_at', OLD.ends_at, 'reason', OLD.reason), NULL
  FROM audit_now;
END;

-- setting
CREATE TRIGGER audit_setting_insert AFTER INSERT ON setting BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'setting', NEW.rowid, 'insert', NULL,
    json_object('key', NEW.key, 'value', NEW.value)
  FROM audit_now;
END;
CREATE TRIGGER audit_setting_update AFTER UPDATE ON setting BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'setting', NEW.rowid, 'update',
    json_object('key', OLD.key, 'value', OLD.value),
    json_object('key', NEW.key, 'value', NEW.value)
  FROM audit_now;
END;
CREATE TRIGGER audit_setting_delete AFTER DELETE ON setting BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'setting', OLD.rowid, 'delete',
    json_object('key', OLD.key, 'value', OLD.value), NULL
  FROM audit_now;
END;

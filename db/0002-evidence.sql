-- 0002: evidence: backup check-ins, recovery drills, probe results,
-- outages, status history and the prober's heartbeat.
--
-- Unlike the inventory, evidence is appended by drtop as it observes; only
-- drills (entered by people) are audited.

CREATE TABLE checkin (
  id          INTEGER PRIMARY KEY,
  system_id   INTEGER NOT NULL REFERENCES system(id) ON DELETE CASCADE,
  schedule_id INTEGER REFERENCES backup_schedule(id) ON DELETE SET NULL,
  at          INTEGER NOT NULL,          -- when the backup finished
  ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
  recorded_at INTEGER NOT NULL,          -- when drtop was told
  note        TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX checkin_system_at ON checkin(system_id, at);
CREATE INDEX checkin_schedule_at ON checkin(schedule_id, at);

CREATE TABLE drill (
  id           INTEGER PRIMARY KEY,
  system_id    INTEGER NOT NULL REFERENCES system(id) ON DELETE CASCADE,
  kind         TEXT NOT NULL CHECK (kind IN ('restore', 'failover', 'tabletop')),
  started_at   INTEGER NOT NULL,
  recovered_at INTEGER NOT NULL,
  recovery_s   INTEGER GENERATED ALWAYS AS (recovered_at - started_at) VIRTUAL,
  data_loss_s  INTEGER CHECK (data_loss_s >= 0),
  notes        TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  CHECK (recovered_at >= started_at)
) STRICT;
CREATE INDEX drill_system_started ON drill(system_id, started_at);

CREATE TABLE probe_result (
  id          INTEGER PRIMARY KEY,
  endpoint_id INTEGER NOT NULL REFERENCES endpoint(id) ON DELETE CASCADE,
  at          INTEGER NOT NULL,          -- when the probe started
  ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
  status_code INTEGER,
  latency_ms  INTEGER CHECK (latency_ms >= 0),
  error       TEXT,
  data_time   INTEGER,                   -- freshness: time of the newest recovery point
  lag_s       INTEGER                    -- freshness: at - data_time
) STRICT;
CREATE INDEX probe_result_endpoint_at ON probe_result(endpoint_id, at);
CREATE INDEX probe_result_at ON probe_result(at);

CREATE TABLE outage (
  id              INTEGER PRIMARY KEY,
  endpoint_id     INTEGER NOT NULL REFERENCES endpoint(id) ON DELETE CASCADE,
  system_id       INTEGER NOT NULL REFERENCES system(id) ON DELETE CASCADE,
  started_at      INTEGER NOT NULL,      -- the first failed probe
  ended_at        INTEGER,               -- the first success after it; NULL while ongoing
  duration_s      INTEGER GENERATED ALWAYS AS (ended_at - started_at) VIRTUAL,
  res_start_s     INTEGER NOT NULL DEFAULT 0 CHECK (res_start_s >= 0),
  res_end_s       INTEGER CHECK (res_end_s >= 0),
  first_error     TEXT,
  planned         INTEGER NOT NULL DEFAULT 0 CHECK (planned IN (0, 1)),
  cause_system_id INTEGER REFERENCES system(id) ON DELETE SET NULL,
  CHECK (ended_at IS NULL OR ended_at >= started_at)
) STRICT;
CREATE INDEX outage_system_started ON outage(system_id, started_at);
CREATE INDEX outage_ongoing ON outage(system_id) WHERE ended_at IS NULL;

CREATE TABLE status_history (
  id        INTEGER PRIMARY KEY,
  system_id INTEGER NOT NULL REFERENCES system(id) ON DELETE CASCADE,
  at        INTEGER NOT NULL,
  status    TEXT NOT NULL CHECK (status IN ('OK', 'WARN', 'BREACH', 'UNKNOWN')),
  reason    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX status_history_system_at ON status_history(system_id, at);

CREATE TABLE prober (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  pid           INTEGER NOT NULL,
  host          TEXT NOT NULL,
  started_at    INTEGER NOT NULL,
  last_cycle_at INTEGER
) STRICT;

-- drill (entered by people, so audited like the inventory)
CREATE TRIGGER audit_drill_insert AFTER INSERT ON drill BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'drill', NEW.id, 'insert', NULL,
    json_object('system', (SELECT name FROM system WHERE id = NEW.system_id),
                'kind', NEW.kind, 'started_at', NEW.started_at,
                'recovered_at', NEW.recovered_at, 'data_loss_s', NEW.data_loss_s,
                'notes', NEW.notes)
  FROM audit_now;
END;
CREATE TRIGGER audit_drill_update AFTER UPDATE ON drill BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'drill', NEW.id, 'update',
    json_object('system', (SELECT name FROM system WHERE id = OLD.system_id),
                'kind', OLD.kind, 'started_at', OLD.started_at,
                'recovered_at', OLD.recovered_at, 'data_loss_s', OLD.data_loss_s,
                'notes', OLD.notes),
    json_object('system', (SELECT name FROM system WHERE id = NEW.system_id),
                'kind', NEW.kind, 'started_at', NEW.started_at,
                'recovered_at', NEW.recovered_at, 'data_loss_s', NEW.data_loss_s,
                'notes', NEW.notes)
  FROM audit_now;
END;
CREATE TRIGGER audit_drill_delete AFTER DELETE ON drill BEGIN
  INSERT INTO audit_log (at, actor, table_name, row_id, action, old_values, new_values)
  SELECT at, actor, 'drill', OLD.id, 'delete',
    json_object('system', (SELECT name FROM system WHERE id = OLD.system_id),
                'kind', OLD.kind, 'started_at', OLD.started_at,
                'recovered_at', OLD.recovered_at, 'data_loss_s', OLD.data_loss_s,
                'notes', OLD.notes), NULL
  FROM audit_now;
END;

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
  at_ms       INTEGER NOT NULL,          -- when the probe started, Unix milliseconds
  at          INTEGER GENERATED ALWAYS AS (at_ms / 1000) VIRTUAL,
  ok          INTEGER NOT NULL CHECK (ok IN (0, 1)),
  status_code INTEGER,
  latency_ms  INTEGER CHECK (latency_ms >= 0),
  error       TEXT,
  data_time   INTEGER,                   -- freshness: time of the newest recovery point
  lag_s       INTEGER                    -- freshness: at - data_time
) STRICT;
CREATE INDEX probe_result_endpoint_at ON probe_result(endpoint_id, at_ms);
CREATE INDEX probe_result_at ON probe_result(at_ms);

-- An outage: a run of failed health probes, from the first failure to the
-- first success after it. Times in milliseconds, with seconds beside them.
CREATE TABLE outage (
  id              INTEGER PRIMARY KEY,
  endpoint_id     INTEGER NOT NULL REFERENCES endpoint(id) ON DELETE CASCADE,
  system_id       INTEGER NOT NULL REFERENCES system(id) ON DELETE CASCADE,
  started_ms      INTEGER NOT NULL,      -- the first failed probe
  ended_ms        INTEGER,               -- the first success after it; NULL while ongoing
  started_at      INTEGER GENERATED ALWAYS AS (started_ms / 1000) VIRTUAL,
  ended_at        INTEGER GENERATED ALWAYS AS (ended_ms / 1000) VIRTUAL,
  duration_ms     INTEGER GENERATED ALWAYS AS (ended_ms - started_ms) VIRTUAL,
  duration_s      INTEGER GENERATED ALWAYS AS ((ended_ms - started_ms + 999) / 1000) VIRTUAL,
  res_start_ms    INTEGER CHECK (res_start_ms >= 0), -- since the last success before it; NULL: none seen
  res_end_ms      INTEGER CHECK (res_end_ms >= 0),   -- from the last failure to the end
  gap             INTEGER NOT NULL DEFAULT 0 CHECK (gap IN (0, 1)), -- ended by a gap in probing
  first_error     TEXT,
  planned         INTEGER NOT NULL DEFAULT 0 CHECK (planned IN (0, 1)),
  cause_system_id INTEGER REFERENCES system(id) ON DELETE SET NULL,
  CHECK (ended_ms IS NULL OR ended_ms >= started_ms)
) STRICT;
CREATE INDEX outage_system_started ON outage(system_id, started_ms);
CREATE INDEX outage_ongoing ON outage(system_id) WHERE ended_ms IS NULL;

-- The prober's running state per endpoint, so that outages and data lag are
-- kept up to date without reading the probe history again.
CREATE TABLE endpoint_state (
  endpoint_id    INTEGER PRIMARY KEY REFERENCES endpoint(id) ON DELETE CASCADE,
  last_probe_ms  INTEGER NOT NULL,
  last_ok        INTEGER NOT NULL CHECK (last_ok IN (0, 1)),
  last_ok_ms     INTEGER,                -- the last success
  failures       INTEGER NOT NULL DEFAULT 0, -- consecutive failures up to now
  first_fail_ms  INTEGER,                -- the first of them
  last_fail_ms   INTEGER,                -- the last of them
  first_error    TEXT,
  outage_id      INTEGER REFERENCES outage(id) ON DELETE SET NULL, -- open outage
  data_time      INTEGER,                -- freshness: newest recovery point seen
  data_seen_ms   INTEGER                 -- when it was seen
) STRICT;

CREATE TABLE status_history (
  id        INTEGER PRIMARY KEY,
  system_id INTEGER NOT NULL REFERENCES system(id) ON DELETE CASCADE,
  at        INTEGER NOT NULL,
  status    TEXT NOT NULL CHECK (status IN ('OK', 'WARN', 'BREACH', 'UNKNOWN')),
  reason    TEXT NOT NULL DEFAULT ''
) STRICT;
CREATE INDEX status_history_system_at ON status_history(system_id, at);

-- The heartbeat of the running `drtop probe --watch`, if any.
CREATE TABLE prober (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  pid           INTEGER NOT NULL,
  host          TEXT NOT NULL,
  started_at    INTEGER NOT NULL,
  last_cycle_at INTEGER
) STRICT;

-- The newest recovery point of each system: the newest data time seen by its
-- freshness endpoints, or its newest successful check-in, whichever is later.
-- Data lag is now minus recovery_point_at.
CREATE VIEW v_recovery_point AS
SELECT s.id AS system_id, s.name AS system, p.at AS recovery_point_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', p.at, 'unixepoch') AS recovery_point, p.source,
       CAST(strftime('%s', 'now') AS INTEGER) - p.at AS lag_s
FROM system s JOIN (
  SELECT system_id, max(at) AS at, source FROM (
    SELECT e.system_id, st.data_time AS at, 'probe' AS source
      FROM endpoint_state st JOIN endpoint e ON e.id = st.endpoint_id
     WHERE st.data_time IS NOT NULL
    UNION ALL
    SELECT system_id, max(at), 'checkin' FROM checkin WHERE ok = 1 GROUP BY system_id
  ) GROUP BY system_id
) p ON p.system_id = s.id;

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

-- 0007: retention that is real. Raw probe results are folded into hourly
-- rollups per endpoint before the prober prunes them (retention_s); rollups,
-- outages, check-ins, drills and status history are pruned after history_s.
-- Both are evidence: each rollup step appends a probe_rollup.batch entry with
-- the digest of the rollups it wrote, and each prune a TABLE.prune entry that
-- states what went (table, up to which time, how many rows, their digest), so
-- that db/ledger-verify.sql accepts exactly those deletions.

-- One row per endpoint, hour and piece: the raw results of that hour folded
-- together. An hour is usually one piece; it has more when results of the hour
-- arrived late, when a step ended inside it, or when the retention is shorter
-- than an hour (the hour is then folded as it goes).
CREATE TABLE probe_rollup (
  id             INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused: batches name ranges
  endpoint_id    INTEGER NOT NULL REFERENCES endpoint(id) ON DELETE CASCADE,
  hour           INTEGER NOT NULL CHECK (hour % 3600 = 0), -- the hour's start, Unix seconds
  probes         INTEGER NOT NULL CHECK (probes > 0),
  failures       INTEGER NOT NULL CHECK (failures >= 0 AND failures <= probes),
  latency_p50_ms INTEGER,                -- nearest rank, over the results with a latency
  latency_p95_ms INTEGER,
  latency_max_ms INTEGER,
  watched_ms     INTEGER NOT NULL CHECK (watched_ms >= 0), -- as v_coverage counts it
  first_ms       INTEGER NOT NULL,       -- the first and last probe folded in
  last_ms        INTEGER NOT NULL,
  first_id       INTEGER NOT NULL,       -- and their probe_result ids
  last_id        INTEGER NOT NULL
) STRICT;
CREATE INDEX probe_rollup_endpoint ON probe_rollup(endpoint_id, last_ms);
CREATE INDEX probe_rollup_hour ON probe_rollup(hour);

-- Every probe_result id up to last_id has been folded into a rollup: only
-- those rows may be pruned.
CREATE TABLE probe_rollup_mark (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  last_id INTEGER NOT NULL
) STRICT;
INSERT INTO probe_rollup_mark (id, last_id) VALUES (1, 0);

-- How long outages, check-ins, drills, status history and rollups are kept
-- (400 days: longer than the verdict window), and the share of the window an
-- enabled system's endpoints must have been watched (coverage_min).
INSERT INTO setting (key, value) VALUES ('history_s', '34560000');
INSERT INTO setting (key, value) VALUES ('coverage_min', '0.95');

-- While drtop prunes (audit_context.pruning), deleted rows get no entry each:
-- the TABLE.prune entry covers them.
ALTER TABLE audit_context ADD COLUMN pruning INTEGER;
DROP TRIGGER ledger_checkin_delete;
CREATE TRIGGER ledger_checkin_delete AFTER DELETE ON checkin
WHEN NOT EXISTS (SELECT 1 FROM audit_context WHERE id = 1 AND pruning) BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('checkin.delete', json_object('id',
    OLD.id));
END;
DROP TRIGGER ledger_drill_delete;
CREATE TRIGGER ledger_drill_delete AFTER DELETE ON drill
WHEN NOT EXISTS (SELECT 1 FROM audit_context WHERE id = 1 AND pruning) BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('drill.delete', json_object('id', OLD.id));
END;
DROP TRIGGER ledger_outage_delete;
CREATE TRIGGER ledger_outage_delete AFTER DELETE ON outage
WHEN NOT EXISTS (SELECT 1 FROM audit_context WHERE id = 1 AND pruning) BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('outage.delete', json_object('id',
    OLD.id));
END;
DROP TRIGGER ledger_status_history_delete;
CREATE TRIGGER ledger_status_history_delete AFTER DELETE ON status_history
WHEN NOT EXISTS (SELECT 1 FROM audit_context WHERE id = 1 AND pruning) BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('status_history.delete', json_object('id',
    OLD.id));
END;

-- 0016: an import's ledger entries in a few batches. Sealing an entry per
-- row (and per audit row) was most of what importing thousands of systems
-- cost. While drtop writes in bulk (audit_context.bulk = 1, set by drtop for
-- an import), the append trigger adds nothing: drtop itself appends the
-- insert and update entries of rows of the plan (system, endpoint,
-- backup_schedule, dependency, maintenance_window, objective_history,
-- audit_log) together, as import.batch entries whose "entries" hold each
-- entry's payload with its kind, and every other entry as before. The
-- verification query (db/ledger-verify.sql) reads those elements as it reads
-- the entries they stand for. Nothing else changes: the rows, their audit
-- rows and their history are written by the same triggers.

ALTER TABLE audit_context ADD COLUMN bulk INTEGER NOT NULL DEFAULT 0;

-- The append itself is a single-row VALUES: an INSERT ... SELECT that reads
-- the table it writes (max(seq)) goes through a temporary table each time.
-- It appends when drtop is writing (audit_context holds its row), not in bulk.
DROP TRIGGER ledger_append;
CREATE TRIGGER ledger_append INSTEAD OF INSERT ON ledger_new
WHEN (SELECT NOT bulk FROM audit_context WHERE id = 1)
BEGIN
  INSERT INTO ledger (seq, recorded_at, actor, kind, payload)
  VALUES ((SELECT coalesce(max(seq), 0) + 1 FROM ledger),
          (SELECT at FROM audit_context WHERE id = 1),
          (SELECT actor FROM audit_context WHERE id = 1), NEW.kind, NEW.payload);
END;

-- The two CHECK constraints that name a list of three values, on the audit
-- log and on the objectives' history, are written as comparisons. For an IN
-- list of three or more values SQLite builds a temporary index each time the
-- statement runs, and a trigger's statement runs once per row: each row an
-- import wrote paid for one or two of them (a tenth of its time). The same
-- rows and the same rules; the tables are rebuilt with their rows, indexes
-- and triggers as they were (the legacy rename, as in 0006, leaves the
-- triggers and views that name them as they are).
PRAGMA legacy_alter_table = ON;

CREATE TABLE audit_log_new (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  table_name  TEXT NOT NULL,
  row_id      INTEGER NOT NULL,
  action      TEXT NOT NULL CHECK (action = 'insert' OR action = 'update' OR action = 'delete'),
  old_values  TEXT CHECK (old_values IS NULL OR json_valid(old_values)),
  new_values  TEXT CHECK (new_values IS NULL OR json_valid(new_values))
) STRICT;
INSERT INTO audit_log_new (id, at, actor, table_name, row_id, action, old_values, new_values)
SELECT id, at, actor, table_name, row_id, action, old_values, new_values FROM audit_log ORDER BY id;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_row ON audit_log(table_name, row_id);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN NEW.id <> -1 AND NEW.id <= (SELECT coalesce(max(id), 0) FROM audit_log)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER ledger_audit_log_insert AFTER INSERT ON audit_log BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('audit_log.insert', json_object('id',
    NEW.id, 'row', json_object('at', NEW.at, 'actor', NEW.actor, 'table_name',
    NEW.table_name, 'row_id', NEW.row_id, 'action', NEW.action, 'old_values',
    NEW.old_values, 'new_values', NEW.new_values)));
END;

CREATE TABLE objective_history_new (
  id         INTEGER PRIMARY KEY,
  system_id  INTEGER NOT NULL REFERENCES system(id) ON DELETE CASCADE,
  rto_s      INTEGER NOT NULL,
  rpo_s      INTEGER NOT NULL,
  strategy   TEXT,
  tier       INTEGER NOT NULL,
  valid_from INTEGER NOT NULL,           -- when it came into force (real time)
  valid_to   INTEGER,                    -- when it was replaced; NULL: in force
  source     TEXT NOT NULL DEFAULT 'change'
             CHECK (source = 'change' OR source = 'audit' OR source = 'seed') -- a trigger, the audit log, the current values
) STRICT;
INSERT INTO objective_history_new (id, system_id, rto_s, rpo_s, strategy, tier, valid_from, valid_to, source)
SELECT id, system_id, rto_s, rpo_s, strategy, tier, valid_from, valid_to, source
FROM objective_history ORDER BY id;
DROP TABLE objective_history;
ALTER TABLE objective_history_new RENAME TO objective_history;
CREATE INDEX objective_history_system ON objective_history(system_id, valid_from);
CREATE TRIGGER objective_history_no_update BEFORE UPDATE ON objective_history
WHEN OLD.valid_to IS NOT NULL OR NEW.valid_to IS NULL
  OR (NEW.id, NEW.system_id, NEW.rto_s, NEW.rpo_s, NEW.strategy, NEW.tier, NEW.valid_from, NEW.source)
     IS NOT (OLD.id, OLD.system_id, OLD.rto_s, OLD.rpo_s, OLD.strategy, OLD.tier, OLD.valid_from, OLD.source)
BEGIN SELECT RAISE(ABORT, 'objective_history is append-only'); END;
CREATE TRIGGER objective_history_no_delete BEFORE DELETE ON objective_history
WHEN EXISTS (SELECT 1 FROM system WHERE id = OLD.system_id)
BEGIN SELECT RAISE(ABORT, 'objective_history is append-only'); END;
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
PRAGMA legacy_alter_table = OFF;

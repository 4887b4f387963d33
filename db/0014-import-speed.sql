-- 0014: an import's ledger entries in a few batches. Sealing an entry per
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

DROP TRIGGER ledger_append;
CREATE TRIGGER ledger_append INSTEAD OF INSERT ON ledger_new BEGIN
  INSERT INTO ledger (seq, recorded_at, actor, kind, payload)
  SELECT coalesce((SELECT max(seq) FROM ledger), 0) + 1, c.at, c.actor, NEW.kind, NEW.payload
  FROM audit_context AS c WHERE c.id = 1 AND NOT c.bulk;
END;

-- 0004: hardening. Closes ways of changing recorded data without trace that
-- the first schema left open.

-- REPLACE deletes the row it conflicts with without firing the DELETE
-- trigger (recursive triggers are off), so audit_log_no_delete alone does not
-- make the log append-only: an explicit id must be a new one. SQLite gives
-- NEW.id the value -1 in a BEFORE INSERT trigger when no id was given.
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN NEW.id <> -1 AND NEW.id <= (SELECT coalesce(max(id), 0) FROM audit_log)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- 0004: hardening. Closes ways of changing recorded data without trace that
-- the first schema left open.

-- REPLACE deletes the row it conflicts with without firing the DELETE
-- trigger (recursive triggers are off), so audit_log_no_delete alone does not
-- make the log append-only: an explicit id must be a new one. SQLite gives
-- NEW.id the value -1 in a BEFORE INSERT trigger when no id was given.
CREATE TRIGGER audit_log_no_replace BEFORE INSERT ON audit_log
WHEN NEW.id <> -1 AND NEW.id <= (SELECT coalesce(max(id), 0) FROM audit_log)
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

-- future_skew_s: how far past the probe's own clock a recovery point may lie
-- (clock skew between the probed server and this machine). A later one fails
-- the freshness probe, so it is never recorded as the newest recovery point.
INSERT OR IGNORE INTO setting (key, value) VALUES ('future_skew_s', '300');

-- Recovery points from the future recorded by earlier versions (which believed
-- a Last-Modified in year 9999, a JSON "now" or 9e18) would make their system
-- look fresh forever: forget them. The probe results keep what was seen.
UPDATE endpoint_state SET data_time = NULL
WHERE data_time > coalesce(data_seen_ms, last_probe_ms) / 1000 + 300 OR data_time < 0;

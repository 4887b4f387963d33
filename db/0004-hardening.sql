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

-- Disabling a system or an endpoint stops its probing, so an outage open at
-- that moment could never close and would stay "ongoing" forever. It ends
-- instead as ended by a gap: at its last failed probe, with its end unknown
-- (res_end_ms NULL), and the endpoint's run of failures is forgotten. The
-- measured time is then a lower bound, as for any gap. (The prober records
-- results that arrive for a disabled endpoint in probe_result only.)
CREATE TRIGGER system_disable_ends_outages AFTER UPDATE OF enabled ON system
WHEN OLD.enabled = 1 AND NEW.enabled = 0
BEGIN
  UPDATE outage SET gap = 1, res_end_ms = NULL,
    ended_ms = max(started_ms, coalesce((SELECT st.last_fail_ms FROM endpoint_state st
                                         WHERE st.outage_id = outage.id), started_ms))
  WHERE system_id = NEW.id AND ended_ms IS NULL;
  UPDATE endpoint_state SET failures = 0, first_fail_ms = NULL, last_fail_ms = NULL,
    first_error = NULL, outage_id = NULL
  WHERE endpoint_id IN (SELECT id FROM endpoint WHERE system_id = NEW.id);
END;
CREATE TRIGGER endpoint_disable_ends_outages AFTER UPDATE OF enabled ON endpoint
WHEN OLD.enabled = 1 AND NEW.enabled = 0
BEGIN
  UPDATE outage SET gap = 1, res_end_ms = NULL,
    ended_ms = max(started_ms, coalesce((SELECT st.last_fail_ms FROM endpoint_state st
                                         WHERE st.outage_id = outage.id), started_ms))
  WHERE endpoint_id = NEW.id AND ended_ms IS NULL;
  UPDATE endpoint_state SET failures = 0, first_fail_ms = NULL, last_fail_ms = NULL,
    first_error = NULL, outage_id = NULL
  WHERE endpoint_id = NEW.id;
END;

-- Who holds the probing lease: a `probe --watch` or a dashboard. A watcher
-- (the one an operator runs under systemd) takes the lease over from a
-- dashboard, which then stops probing and says who probes.
ALTER TABLE prober ADD COLUMN kind TEXT NOT NULL DEFAULT 'watch'
  CHECK (kind IN ('watch', 'dashboard'));

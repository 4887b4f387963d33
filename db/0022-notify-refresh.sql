-- 0022: an alertmanager channel whose refreshes fail says so.
--
-- The prober holding the lease pushes every alertmanager channel's firing
-- alerts every alertmanager-refresh (migration 0019). Those pushes are state,
-- never written to the outbox, so a receiver that is down or answers 5xx
-- left no trace: its alerts resolved on their own while drtop said nothing.
-- A row here says a channel's refreshes are failing, from the first that
-- failed; the first refresh that succeeds deletes it. Like the prober's
-- heartbeat it is the deliverer's state, not evidence: not in the ledger.
CREATE TABLE notify_refresh (
  channel_id    INTEGER PRIMARY KEY REFERENCES notify_channel(id) ON DELETE CASCADE,
  failing_since INTEGER NOT NULL, -- the first refresh of this run of failures, real time
  failures      INTEGER NOT NULL CHECK (failures > 0),
  last_error    TEXT NOT NULL,
  last_at       INTEGER NOT NULL  -- the last refresh that failed, real time
) STRICT;

-- 0027: the watcher seals its probe results once a minute, not once a second;
-- raw results are kept hours, not a month.
--
-- Every write transaction that added probe results (or rollups) appended one
-- probe_result.batch (probe_rollup.batch) entry at its commit. The watcher
-- commits every second, so 10,000 endpoints probed every 30 s wrote 86,400
-- batch entries a day, a gigabyte a month of ledger for 333 results each.
--
-- Now a transaction notes the range of ids it wrote here, in the same
-- transaction as the rows, with the payload its batch entry would have had
-- then (their digest), and the ranges are sealed as batch entries later:
-- at the commit of the watcher's next batch once the oldest range has waited
-- seal_every_s (a minute; 0 seals at every commit), at the watcher's stop, and at the start of every other drtop
-- write transaction (any command, `probe --once`, `db prune`). Ranges that
-- follow each other with no row of the table between them become one entry;
-- a row some other client slipped in between two ranges is in no range and
-- no entry, and db/ledger-verify.sql names it, as before. A range whose rows
-- are no longer what was noted (one removed or changed outside drtop) is
-- sealed on its own with the payload noted, so that verification names it. Rows in a range
-- here are not yet in the ledger: verification counts them apart, and
-- nothing prunes them before they are sealed.
CREATE TABLE ledger_pending (
  tbl   TEXT NOT NULL CHECK (tbl IN ('probe_result', 'probe_rollup')),
  first INTEGER NOT NULL,               -- the ids the transaction wrote
  last  INTEGER NOT NULL CHECK (last >= first),
  rows  INTEGER NOT NULL CHECK (rows > 0),
  at_ms INTEGER NOT NULL,               -- when it committed (the real clock)
  payload TEXT NOT NULL,                -- its batch entry's payload as of then
  PRIMARY KEY (tbl, first)
) STRICT, WITHOUT ROWID;
INSERT INTO setting (key, value) VALUES ('seal_every_s', '60');

-- Raw probe results are kept for 4 hours on a new database (retention_s; it
-- was 30 days): older ones live on as hourly rollups (probe_rollup, kept for
-- history_s), which is what the coverage reads beyond the raw horizon. What
-- the verdict reads of the raw results as of a past 'now' is kept longer (an
-- endpoint's first result, its outages' results, each recovery point's first
-- sighting: src/core/recorder.c). A database that already holds probe results
-- (or rollups) keeps its setting.
UPDATE setting SET value = '14400'
WHERE key = 'retention_s' AND value = '2592000' AND NOT EXISTS (SELECT 1 FROM probe_result)
  AND NOT EXISTS (SELECT 1 FROM probe_rollup);

-- The prober keeps the raw results of every outage still kept (not only of
-- an ongoing one), found through their endpoint: src/core/recorder.c.
CREATE INDEX outage_endpoint_started ON outage(endpoint_id, started_ms);

-- Only raw results in a batch entry are pruned: a result written outside
-- drtop, in no batch, stays for verification to name (before, it was folded
-- and then pruned after the retention like any other). The batch that could
-- hold a result is found by the end of its range: src/core/recorder.c.
CREATE INDEX ledger_batch_last ON ledger(CAST(payload ->> '$.last' AS INTEGER))
  WHERE kind = 'probe_result.batch';

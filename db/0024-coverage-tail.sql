-- 0024: coverage without reading every raw result at every verdict.
--
-- v_coverage counted the time watched from the raw results not yet folded
-- into rollups, but found them by reading every raw result of the window (the
-- whole retention: a month of them by default) and keeping those after each
-- endpoint's fold mark; then it counted the steps between them again at every
-- reading of the verdict. It now reads each endpoint's results from its mark
-- through probe_result_endpoint_at, and, for the endpoints whose state keeps a
-- summary of them that holds at 'now', reads the summary instead.
--
-- The summary (the tail_* columns of endpoint_state, whose row the prober
-- rewrites with every result anyway) is what v_coverage counts from the
-- results after the mark (tail_from_ms, the mark when it was counted): how
-- many, the first and the last, and the steps between consecutive ones that
-- were at most the endpoint's limit (three intervals plus a timeout), the
-- first result's step excluded (it is measured from the last rollup, which
-- v_coverage finds as before). Triggers keep it for every writer: a result
-- appended in time order adds to it; anything else (a result before the
-- newest, one removed or changed after the mark, the mark made or moved by
-- folding, the endpoint's interval or timeout changed, the state written
-- anew) counts it again from the results (v_probe_tail). v_coverage reads the
-- summary only when it holds everything the results would give at 'now': it
-- was counted from the endpoint's mark of now with its limit of now, its
-- newest result is not after 'now', and its first is inside the window; else
-- it reads the results, as for a 'now' in the past.

ALTER TABLE endpoint_state ADD COLUMN tail_from_ms INTEGER;    -- the fold mark it counts from
ALTER TABLE endpoint_state ADD COLUMN tail_probes INTEGER;     -- results since; NULL: count again
ALTER TABLE endpoint_state ADD COLUMN tail_first_ms INTEGER;   -- the first and the last of them
ALTER TABLE endpoint_state ADD COLUMN tail_last_ms INTEGER;
ALTER TABLE endpoint_state ADD COLUMN tail_between_ms INTEGER; -- their steps within tail_limit_ms
ALTER TABLE endpoint_state ADD COLUMN tail_limit_ms INTEGER;   -- 3 * interval_ms + timeout_ms when counted

CREATE VIEW v_probe_tail AS
SELECT t.endpoint_id, t.from_ms,
       (SELECT count(*) FROM probe_result r WHERE r.endpoint_id = t.endpoint_id AND r.at_ms >= t.from_ms) AS probes,
       (SELECT min(r.at_ms) FROM probe_result r WHERE r.endpoint_id = t.endpoint_id AND r.at_ms >= t.from_ms) AS first_ms,
       (SELECT max(r.at_ms) FROM probe_result r WHERE r.endpoint_id = t.endpoint_id AND r.at_ms >= t.from_ms) AS last_ms,
       (SELECT coalesce(sum(CASE WHEN d.step_ms <= t.limit_ms THEN d.step_ms END), 0)
        FROM (SELECT r.at_ms - lag(r.at_ms) OVER (ORDER BY r.at_ms) AS step_ms FROM probe_result r
              WHERE r.endpoint_id = t.endpoint_id AND r.at_ms >= t.from_ms) d) AS between_ms,
       t.limit_ms
FROM (SELECT st.endpoint_id, coalesce(m.folded_ms, 0) AS from_ms, 3 * e.interval_ms + e.timeout_ms AS limit_ms
      FROM endpoint_state st LEFT JOIN probe_rollup_mark m ON m.endpoint_id = st.endpoint_id
      LEFT JOIN endpoint e ON e.id = st.endpoint_id) t;

-- A summary set to NULL is counted again from the results.
CREATE TRIGGER probe_tail_count AFTER UPDATE OF tail_probes ON endpoint_state
WHEN NEW.tail_probes IS NULL BEGIN
  UPDATE endpoint_state
  SET (tail_from_ms, tail_probes, tail_first_ms, tail_last_ms, tail_between_ms, tail_limit_ms) =
    (SELECT from_ms, probes, first_ms, last_ms, between_ms, limit_ms FROM v_probe_tail t
     WHERE t.endpoint_id = NEW.endpoint_id)
  WHERE endpoint_id = NEW.endpoint_id;
END;
CREATE TRIGGER probe_tail_state AFTER INSERT ON endpoint_state BEGIN
  UPDATE endpoint_state SET tail_probes = NULL WHERE endpoint_id = NEW.endpoint_id;
END;
CREATE TRIGGER probe_tail_mark_insert AFTER INSERT ON probe_rollup_mark BEGIN
  UPDATE endpoint_state SET tail_probes = NULL WHERE endpoint_id = NEW.endpoint_id;
END;
CREATE TRIGGER probe_tail_mark_folded AFTER UPDATE OF folded_ms ON probe_rollup_mark BEGIN
  UPDATE endpoint_state SET tail_probes = NULL WHERE endpoint_id = NEW.endpoint_id;
END;
CREATE TRIGGER probe_tail_mark_delete AFTER DELETE ON probe_rollup_mark BEGIN
  UPDATE endpoint_state SET tail_probes = NULL WHERE endpoint_id = OLD.endpoint_id;
END;
CREATE TRIGGER probe_tail_endpoint AFTER UPDATE OF interval_ms, timeout_ms ON endpoint BEGIN
  UPDATE endpoint_state SET tail_probes = NULL WHERE endpoint_id = NEW.id;
END;
-- A result in time order adds its step; one before the newest counts again.
CREATE TRIGGER probe_tail_result AFTER INSERT ON probe_result BEGIN
  UPDATE endpoint_state
  SET tail_probes = CASE WHEN NEW.at_ms >= coalesce(tail_last_ms, NEW.at_ms) THEN tail_probes + 1 END,
      tail_first_ms = coalesce(tail_first_ms, NEW.at_ms), tail_last_ms = NEW.at_ms,
      tail_between_ms = tail_between_ms
        + CASE WHEN NEW.at_ms - tail_last_ms <= tail_limit_ms THEN NEW.at_ms - tail_last_ms ELSE 0 END
  WHERE endpoint_id = NEW.endpoint_id AND NEW.at_ms >= tail_from_ms AND tail_probes IS NOT NULL;
END;
CREATE TRIGGER probe_tail_result_delete AFTER DELETE ON probe_result BEGIN
  UPDATE endpoint_state SET tail_probes = NULL
  WHERE endpoint_id = OLD.endpoint_id AND OLD.at_ms >= tail_from_ms;
END;
CREATE TRIGGER probe_tail_result_update AFTER UPDATE OF endpoint_id, at_ms ON probe_result BEGIN
  UPDATE endpoint_state SET tail_probes = NULL WHERE endpoint_id IN (OLD.endpoint_id, NEW.endpoint_id);
END;

UPDATE endpoint_state SET tail_probes = NULL;

DROP VIEW v_coverage;

CREATE VIEW v_coverage AS
WITH p AS (SELECT now, max(now - window_s, 0) AS from_s FROM v_settings),
k AS (
  -- each endpoint's mark, and whether its state's summary holds what its
  -- results after the mark give at 'now'
  SELECT e.id AS endpoint_id, coalesce(m.folded_ms, 0) AS folded_ms, 3 * e.interval_ms + e.timeout_ms AS limit_ms,
         st.tail_probes, st.tail_first_ms, st.tail_last_ms, st.tail_between_ms,
         coalesce(st.tail_from_ms = coalesce(m.folded_ms, 0)
                  AND st.tail_limit_ms = 3 * e.interval_ms + e.timeout_ms
                  AND coalesce(st.tail_last_ms, 0) < (p.now + 1) * 1000
                  AND coalesce(st.tail_first_ms, p.from_s * 1000) >= p.from_s * 1000, 0) AS kept
  FROM endpoint e JOIN p LEFT JOIN probe_rollup_mark m ON m.endpoint_id = e.id
  LEFT JOIN endpoint_state st ON st.endpoint_id = e.id
),
r AS (
  -- the results not folded yet of the endpoints without such a summary
  SELECT r.endpoint_id, r.at_ms,
         r.at_ms - coalesce(lag(r.at_ms) OVER (PARTITION BY r.endpoint_id ORDER BY r.at_ms),
                            (SELECT max(u.last_ms) FROM probe_rollup u WHERE u.endpoint_id = r.endpoint_id
                               AND u.last_ms < r.at_ms AND u.first_ms >= p.from_s * 1000)) AS step_ms
  FROM k CROSS JOIN p CROSS JOIN probe_result r ON r.endpoint_id = k.endpoint_id
    AND r.at_ms >= max(k.folded_ms, p.from_s * 1000) AND r.at_ms < (p.now + 1) * 1000
  WHERE NOT k.kept
), rs AS (
  SELECT r.endpoint_id, count(*) AS probes, min(r.at_ms) AS first_ms, max(r.at_ms) AS last_ms,
         coalesce(sum(CASE WHEN r.step_ms <= 3 * e.interval_ms + e.timeout_ms THEN r.step_ms END), 0) AS between_ms
  FROM r JOIN endpoint e ON e.id = r.endpoint_id GROUP BY r.endpoint_id
  UNION ALL
  -- the summaries: their first result's step is from the last rollup before it
  SELECT endpoint_id, probes, first_ms, last_ms,
         between_ms + CASE WHEN step_ms <= limit_ms THEN step_ms ELSE 0 END
  FROM (SELECT k.endpoint_id, k.tail_probes AS probes, k.tail_first_ms AS first_ms, k.tail_last_ms AS last_ms,
               k.tail_between_ms AS between_ms, k.limit_ms,
               k.tail_first_ms - (SELECT max(u.last_ms) FROM probe_rollup u WHERE u.endpoint_id = k.endpoint_id
                                    AND u.last_ms < k.tail_first_ms AND u.first_ms >= p.from_s * 1000) AS step_ms
        FROM k CROSS JOIN p WHERE k.kept AND k.tail_probes > 0)
), us AS (
  SELECT u.endpoint_id, sum(u.probes) AS probes, min(u.first_ms) AS first_ms, max(u.last_ms) AS last_ms,
         sum(u.watched_ms) AS between_ms
  FROM probe_rollup u JOIN p
  WHERE u.hour >= p.from_s - 3600 AND u.first_ms >= p.from_s * 1000 AND u.last_ms < (p.now + 1) * 1000
  GROUP BY u.endpoint_id
), c AS (
  SELECT e.id, e.system_id, e.url, e.kind, e.enabled, 3 * e.interval_ms + e.timeout_ms AS limit_ms,
         max(e.created_at, p.from_s) * 1000 AS from_ms, p.now * 1000 AS now_ms,
         coalesce(rs.probes, 0) + coalesce(us.probes, 0) AS probes,
         min(coalesce(rs.first_ms, us.first_ms), coalesce(us.first_ms, rs.first_ms)) AS first_ms,
         max(coalesce(rs.last_ms, us.last_ms), coalesce(us.last_ms, rs.last_ms)) AS last_ms,
         coalesce(rs.between_ms, 0) + coalesce(us.between_ms, 0) AS between_ms
  FROM endpoint e JOIN p LEFT JOIN rs ON rs.endpoint_id = e.id LEFT JOIN us ON us.endpoint_id = e.id
), w AS (
  SELECT c.*, c.between_ms + CASE WHEN c.last_ms IS NOT NULL
                                  THEN max(min(c.now_ms - c.last_ms, c.limit_ms), 0) ELSE 0 END AS watched_ms,
         max(c.now_ms - c.from_ms, 0) AS span_ms
  FROM c
)
SELECT w.id AS endpoint_id, w.system_id, s.name AS system, w.url, w.kind, w.enabled, w.probes,
       w.first_ms / 1000 AS first_probe_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', w.first_ms / 1000, 'unixepoch') AS first_probe,
       w.last_ms / 1000 AS last_probe_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', w.last_ms / 1000, 'unixepoch') AS last_probe,
       min(w.watched_ms, w.span_ms) AS watched_ms, w.span_ms,
       CASE WHEN w.span_ms > 0 THEN round(1.0 * min(w.watched_ms, w.span_ms) / w.span_ms, 4) END AS share
FROM w JOIN system s ON s.id = w.system_id;

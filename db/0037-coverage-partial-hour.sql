-- 0037: coverage as of a past 'now' inside an hour later folded.
--
-- v_coverage read the hourly rollups only when all their probes were by 'now':
-- judged as of a moment inside an hour whose raw results were later folded and
-- pruned, that hour counted as unwatched, so a replay (--as-of, --now) said
-- evidence-gap where the verdict at the time had said nothing. Such an hour,
-- when it was watched throughout, now counts as watched up to 'now', as
-- v_last_probe takes 'now' for its newest probe then. v_coverage is otherwise
-- 0024's.

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
  -- the hourly rollups by 'now'; the one of the hour of 'now', when that hour
  -- was watched throughout, up to 'now' (as v_last_probe has its newest probe)
  SELECT u.endpoint_id,
         sum(CASE WHEN u.last_ms < (p.now + 1) * 1000 THEN u.probes ELSE 0 END) AS probes,
         min(u.first_ms) AS first_ms,
         max(CASE WHEN u.last_ms < (p.now + 1) * 1000 THEN u.last_ms ELSE p.now * 1000 END) AS last_ms,
         sum(CASE WHEN u.last_ms < (p.now + 1) * 1000 THEN u.watched_ms
                  ELSE p.now * 1000 - u.first_ms END) AS between_ms
  FROM probe_rollup u JOIN p
  WHERE u.hour >= p.from_s - 3600 AND u.first_ms >= p.from_s * 1000
    AND (u.last_ms < (p.now + 1) * 1000
         OR (u.first_ms <= p.now * 1000 AND u.watched_ms >= u.last_ms - u.first_ms))
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

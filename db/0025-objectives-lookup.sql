-- 0025: v_objectives without window functions. Each row's previous objectives
-- (and whether it has any: the first row of a system is in force from the
-- beginning, from_at NULL) are looked up through objective_history's index
-- rather than numbered over every row of the history. With no window function
-- the view is no longer computed whole wherever it is used (eleven times in
-- one reading of v_system_status, each time for every system) but joined, row
-- by row, where the verdict asks for a system's objectives at a time. The
-- same rows of v_verdict_rows at four as-of instants on the verdict
-- benchmark's database; 4% fewer virtual machine steps for v_system_status.

DROP VIEW v_objectives;

CREATE VIEW v_objectives AS
SELECT h.id, h.system_id, s.name AS system, h.rto_s, h.rpo_s, h.strategy, h.tier,
       CASE WHEN pr.id IS NOT NULL THEN h.valid_from END AS from_at,
       h.valid_to AS to_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', h.valid_from, 'unixepoch') AS valid_from,
       strftime('%Y-%m-%dT%H:%M:%SZ', h.valid_to, 'unixepoch') AS valid_to,
       pr.rto_s AS prev_rto_s, pr.rpo_s AS prev_rpo_s, pr.id AS prev_id
FROM objective_history h JOIN system s ON s.id = h.system_id
LEFT JOIN objective_history pr ON pr.id = (SELECT max(q.id) FROM objective_history q
                                          WHERE q.system_id = h.system_id AND q.id < h.id);

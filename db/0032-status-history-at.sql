-- 0032: the newest change of status of any system, found through an index.
--
-- Each time drtop keeps the status history it asks for the newest change of
-- any system (a clock behind it, a past DRTOP_NOW, tells of no finding),
-- which without an index on `at` read the whole history: a cost that grew
-- with every change kept. Nothing else changes.

CREATE INDEX status_history_at ON status_history(at);

-- 0020: the outbox at a glance, for the dashboard.
--
-- The dashboard's header counts the notifications still waiting to be
-- delivered (pending or in flight, with the oldest one's age) and those that
-- failed for good lately, every few seconds. Delivered ones pile up without
-- end: these partial indexes hold only the rows counted, so the count costs
-- what there is to tell, not the size of the outbox.
CREATE INDEX notify_outbox_waiting ON notify_outbox(created_at)
  WHERE state IN ('pending', 'in-flight');
CREATE INDEX notify_outbox_failed ON notify_outbox(created_at) WHERE state = 'failed';

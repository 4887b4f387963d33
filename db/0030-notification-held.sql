-- 0030: a notification held back by its disabled channel says so.
--
-- v_notifications showed a notification whose channel was disabled as
-- `pending`, the state of one waiting for a prober to send it, so an
-- auditor reading example 30 took a disabled channel for a missing prober.
-- The new last column `held` says `channel disabled` for a pending
-- notification whose channel is disabled (the deliverer sends none of them
-- until it is enabled again), and is NULL otherwise. The other columns are
-- 0017's.

DROP VIEW v_notifications;

CREATE VIEW v_notifications AS
SELECT o.id, o.key, o.channel, c.kind AS channel_kind, o.system_id,
       coalesce(s.name, o.payload ->> '$.system') AS system, o.kind AS event,
       o.payload ->> '$.previous_status' AS previous_status, o.payload ->> '$.status' AS status,
       o.payload ->> '$.change' AS change,
       o.severity, o.payload ->> '$.finding' AS finding, o.payload ->> '$.cause' AS cause,
       (SELECT group_concat(a.value ->> '$.system', ',') FROM json_each(o.payload -> '$.affected') a)
         AS affected,
       o.at, strftime('%Y-%m-%dT%H:%M:%SZ', o.at, 'unixepoch') AS at_iso,
       o.state, o.attempts, o.last_error,
       o.created_at, strftime('%Y-%m-%dT%H:%M:%SZ', o.created_at, 'unixepoch') AS created,
       o.delivered_at, strftime('%Y-%m-%dT%H:%M:%SZ', o.delivered_at, 'unixepoch') AS delivered,
       o.next_at_ms, o.history_id,
       CASE WHEN o.state = 'pending' AND coalesce(c.enabled, 0) = 0 THEN 'channel disabled' END AS held
FROM notify_outbox o
LEFT JOIN notify_channel c ON c.id = o.channel_id
LEFT JOIN system s ON s.id = o.system_id;

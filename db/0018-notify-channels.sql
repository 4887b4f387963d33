-- 0018: more kinds of notification channel, and more kinds of event.
--
-- A channel may now be email (SMTP or SMTPS through libcurl) or alertmanager
-- (alerts pushed to a Prometheus Alertmanager's v2 API), beside webhook and
-- exec; a webhook's body may take the shape of a Mattermost or a Microsoft
-- Teams incoming webhook too. What a kind needs beyond its target is kept in
-- options, a JSON object (NULL: none): for email the sender, the recipients,
-- the TLS mode and the names of the environment variables that hold the
-- credentials (never the credentials); for alertmanager extra labels.
--
-- The outbox hears two more kinds of event: flapping (a system whose status
-- changed more than notify_flap_changes times in notify_flap_window_s is held
-- back, with one notice, until it settles) and prober (nobody probed for a
-- while: told by the next lease holder).
--
-- Both tables are rebuilt with their rows; the legacy rename, as in 0006 and
-- 0016, leaves the references, triggers and views that name them as they are.
-- Their ledger triggers go with the old tables and are made again, the
-- channel's with its options.
PRAGMA legacy_alter_table = ON;

CREATE TABLE notify_channel_new (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE
               CHECK (length(name) BETWEEN 1 AND 64
                      AND name GLOB '[A-Za-z0-9]*'
                      AND name NOT GLOB '*[^A-Za-z0-9._-]*'),
  kind         TEXT NOT NULL CHECK (kind IN ('webhook', 'exec', 'email', 'alertmanager')),
  target       TEXT NOT NULL CHECK (target <> ''), -- webhook: the URL; exec: the command;
                                                  -- email: the smtp(s) URL; alertmanager: its URL
  headers      TEXT NOT NULL DEFAULT '[]'         -- webhook: "Name: value", may name ${VARIABLES}
               CHECK (json_valid(headers) AND json_type(headers) = 'array'),
  shape        TEXT NOT NULL DEFAULT 'drtop'      -- webhook: the body
               CHECK (shape IN ('drtop', 'slack', 'mattermost', 'teams')),
  timeout_ms   INTEGER NOT NULL DEFAULT 10000 CHECK (timeout_ms >= 100),
  max_attempts INTEGER NOT NULL DEFAULT 8 CHECK (max_attempts BETWEEN 1 AND 100),
  enabled      INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL,
  options      TEXT CHECK (options IS NULL OR (json_valid(options) AND json_type(options) = 'object'))
) STRICT;
INSERT INTO notify_channel_new (id, name, kind, target, headers, shape, timeout_ms, max_attempts,
                                enabled, created_at, updated_at)
SELECT id, name, kind, target, headers, shape, timeout_ms, max_attempts, enabled, created_at,
       updated_at
FROM notify_channel ORDER BY id;
DROP TABLE notify_channel;
ALTER TABLE notify_channel_new RENAME TO notify_channel;

CREATE TABLE notify_outbox_new (
  id           INTEGER PRIMARY KEY,
  key          TEXT NOT NULL UNIQUE,             -- the idempotency key sent with it
  channel_id   INTEGER REFERENCES notify_channel(id) ON DELETE SET NULL,
  channel      TEXT NOT NULL,                    -- the channel's name, kept when it is removed
  history_id   INTEGER,                          -- the status_history row that caused it (status)
  system_id    INTEGER REFERENCES system(id) ON DELETE SET NULL,
  at           INTEGER NOT NULL,                 -- when the change happened (verdict clock)
  kind         TEXT NOT NULL
               CHECK (kind IN ('status', 'finding', 'reminder', 'flapping', 'prober')),
  severity     TEXT NOT NULL CHECK (severity IN ('WARN', 'UNKNOWN', 'BREACH')),
  payload      TEXT NOT NULL CHECK (json_valid(payload)), -- the event; "key" is added when sent
  state        TEXT NOT NULL DEFAULT 'pending'
               CHECK (state IN ('pending', 'in-flight', 'delivered', 'failed', 'suppressed')),
  attempts     INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_at_ms   INTEGER NOT NULL,                 -- real time, Unix ms: the next attempt is due
  last_error   TEXT,
  created_at   INTEGER NOT NULL,                 -- real time
  delivered_at INTEGER                           -- real time of the attempt that succeeded
) STRICT;
INSERT INTO notify_outbox_new (id, key, channel_id, channel, history_id, system_id, at, kind,
                               severity, payload, state, attempts, next_at_ms, last_error,
                               created_at, delivered_at)
SELECT id, key, channel_id, channel, history_id, system_id, at, kind, severity, payload, state,
       attempts, next_at_ms, last_error, created_at, delivered_at
FROM notify_outbox ORDER BY id;
DROP TABLE notify_outbox;
ALTER TABLE notify_outbox_new RENAME TO notify_outbox;
CREATE INDEX notify_outbox_due ON notify_outbox(next_at_ms)
  WHERE state IN ('pending', 'in-flight');
CREATE INDEX notify_outbox_system ON notify_outbox(system_id, id);
-- Whether a system is held back as flapping: its notices, and its settling.
CREATE INDEX notify_outbox_flapping ON notify_outbox(system_id, id) WHERE kind = 'flapping';
CREATE INDEX notify_outbox_settled ON notify_outbox(system_id, id)
  WHERE kind = 'status' AND payload ->> '$.change' = 'settled';

PRAGMA legacy_alter_table = OFF;

CREATE TRIGGER ledger_notify_channel_insert AFTER INSERT ON notify_channel BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('notify_channel.insert', json_object('id',
    NEW.id, 'row', json_patch(json_object('name', NEW.name, 'kind', NEW.kind, 'target', NEW.target,
    'headers', NEW.headers, 'shape', NEW.shape, 'timeout_ms', NEW.timeout_ms, 'max_attempts', NEW.max_attempts,
    'enabled', NEW.enabled, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at),
    json_object('options', NEW.options))));
END;
CREATE TRIGGER ledger_notify_channel_update AFTER UPDATE ON notify_channel BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('notify_channel.update', json_object('id',
    NEW.id, 'row', json_patch(json_object('name', NEW.name, 'kind', NEW.kind, 'target', NEW.target,
    'headers', NEW.headers, 'shape', NEW.shape, 'timeout_ms', NEW.timeout_ms, 'max_attempts', NEW.max_attempts,
    'enabled', NEW.enabled, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at),
    json_object('options', NEW.options))));
END;
CREATE TRIGGER ledger_notify_channel_delete AFTER DELETE ON notify_channel BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('notify_channel.delete', json_object('id',
    OLD.id));
END;
CREATE TRIGGER ledger_notify_outbox_insert AFTER INSERT ON notify_outbox BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('notify_outbox.insert', json_object('id',
    NEW.id, 'row', json_object('key', NEW.key, 'channel_id', NEW.channel_id, 'channel',
    NEW.channel, 'history_id', NEW.history_id, 'system_id', NEW.system_id, 'at', NEW.at,
    'kind', NEW.kind, 'severity', NEW.severity, 'payload', NEW.payload, 'state', NEW.state,
    'attempts', NEW.attempts, 'next_at_ms', NEW.next_at_ms, 'last_error', NEW.last_error,
    'created_at', NEW.created_at, 'delivered_at', NEW.delivered_at)));
END;
CREATE TRIGGER ledger_notify_outbox_update AFTER UPDATE ON notify_outbox BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('notify_outbox.update', json_object('id',
    NEW.id, 'row', json_object('key', NEW.key, 'channel_id', NEW.channel_id, 'channel',
    NEW.channel, 'history_id', NEW.history_id, 'system_id', NEW.system_id, 'at', NEW.at,
    'kind', NEW.kind, 'severity', NEW.severity, 'payload', NEW.payload, 'state', NEW.state,
    'attempts', NEW.attempts, 'next_at_ms', NEW.next_at_ms, 'last_error', NEW.last_error,
    'created_at', NEW.created_at, 'delivered_at', NEW.delivered_at)));
END;
-- Notifications older than history_s are pruned as the rest of the history
-- is: one notify_outbox.prune entry, no entry per row.
CREATE TRIGGER ledger_notify_outbox_delete AFTER DELETE ON notify_outbox
WHEN NOT EXISTS (SELECT 1 FROM audit_context WHERE id = 1 AND pruning) BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('notify_outbox.delete', json_object('id',
    OLD.id));
END;

-- Flapping: a system whose status changed more than this many times within
-- the window is held back, with one "flapping" notice, until it has kept one
-- status for a whole window; then its status is told once.
INSERT INTO setting (key, value) VALUES ('notify_flap_changes', '4');
INSERT INTO setting (key, value) VALUES ('notify_flap_window_s', '600');

-- A prober that takes the lease after nobody probed for this long (the newest
-- probe result is this old) tells of that time: a "prober" event. 0: never.
INSERT INTO setting (key, value) VALUES ('notify_unwatched_s', '300');

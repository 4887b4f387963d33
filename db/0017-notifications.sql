-- Notifications: channels (where to tell), rules (which channels hear which
-- events) and the outbox (every event for every channel, written in the same
-- transaction as the status change that caused it, and its delivery).
--
-- The outbox is the delivery log too: a row is pending until the prober
-- holding the lease delivers it, in-flight while an attempt runs, then
-- delivered, or failed once its attempts are used up (last_error says why).
-- A row is suppressed when its change was caused by a dependency whose own
-- event tells of it (root cause once). Channels, rules and the outbox are
-- ledger entries like every other fact.

CREATE TABLE notify_channel (
  id           INTEGER PRIMARY KEY,
  name         TEXT NOT NULL UNIQUE
               CHECK (length(name) BETWEEN 1 AND 64
                      AND name GLOB '[A-Za-z0-9]*'
                      AND name NOT GLOB '*[^A-Za-z0-9._-]*'),
  kind         TEXT NOT NULL CHECK (kind IN ('webhook', 'exec')),
  target       TEXT NOT NULL CHECK (target <> ''), -- webhook: the URL; exec: the command
  headers      TEXT NOT NULL DEFAULT '[]'         -- webhook: "Name: value", may name ${VARIABLES}
               CHECK (json_valid(headers) AND json_type(headers) = 'array'),
  shape        TEXT NOT NULL DEFAULT 'drtop'      -- webhook: the body, drtop's event or Slack's {"text"}
               CHECK (shape IN ('drtop', 'slack')),
  timeout_ms   INTEGER NOT NULL DEFAULT 10000 CHECK (timeout_ms >= 100),
  max_attempts INTEGER NOT NULL DEFAULT 8 CHECK (max_attempts BETWEEN 1 AND 100),
  enabled      INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) STRICT;

-- A channel hears an event when one of its rules matches: the event is of
-- the rule's kind (events), its severity (for a change of status the worse
-- of the status before and after, for a finding the finding's) at least
-- min_severity,
-- the system's tier within tier_min..tier_max, the worst finding before or
-- after among findings (a JSON array, NULL: any), and the system's name
-- matching one of the GLOB patterns of systems (a JSON array, NULL: any).
CREATE TABLE notify_rule (
  id           INTEGER PRIMARY KEY,
  channel_id   INTEGER NOT NULL REFERENCES notify_channel(id) ON DELETE CASCADE,
  min_severity TEXT NOT NULL DEFAULT 'WARN' CHECK (min_severity IN ('WARN', 'UNKNOWN', 'BREACH')),
  tier_min     INTEGER NOT NULL DEFAULT 0 CHECK (tier_min BETWEEN 0 AND 3),
  tier_max     INTEGER NOT NULL DEFAULT 3 CHECK (tier_max BETWEEN tier_min AND 3),
  findings     TEXT CHECK (findings IS NULL OR (json_valid(findings) AND json_type(findings) = 'array')),
  systems      TEXT CHECK (systems IS NULL OR (json_valid(systems) AND json_type(systems) = 'array')),
  created_at   INTEGER NOT NULL,
  -- status: changes of status; findings: a finding appearing or clearing; all: both
  events       TEXT NOT NULL DEFAULT 'status' CHECK (events IN ('status', 'findings', 'all')),
  -- while a system stays in BREACH, tell of it again this often (NULL: never)
  remind_s     INTEGER CHECK (remind_s IS NULL OR remind_s > 0)
) STRICT;
CREATE INDEX notify_rule_channel ON notify_rule(channel_id);

CREATE TABLE notify_outbox (
  id           INTEGER PRIMARY KEY,
  key          TEXT NOT NULL UNIQUE,             -- the idempotency key sent with it
  channel_id   INTEGER REFERENCES notify_channel(id) ON DELETE SET NULL,
  channel      TEXT NOT NULL,                    -- the channel's name, kept when it is removed
  history_id   INTEGER,                          -- the status_history row that caused it (status)
  system_id    INTEGER REFERENCES system(id) ON DELETE SET NULL,
  at           INTEGER NOT NULL,                 -- when the change happened (verdict clock)
  kind         TEXT NOT NULL CHECK (kind IN ('status', 'finding', 'reminder')),
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
-- The findings each system had when notify_emit last looked (kept only while
-- a rule hears findings): what appears or clears is the difference.
CREATE TABLE notify_finding (
  system_id    INTEGER NOT NULL REFERENCES system(id) ON DELETE CASCADE,
  finding      TEXT NOT NULL,
  severity     TEXT NOT NULL,
  PRIMARY KEY (system_id, finding)
) STRICT;

CREATE INDEX notify_outbox_due ON notify_outbox(next_at_ms)
  WHERE state IN ('pending', 'in-flight');
CREATE INDEX notify_outbox_system ON notify_outbox(system_id, id);

-- Retries back off exponentially from a second up to this cap, with jitter.
INSERT INTO setting (key, value) VALUES ('notify_retry_max_s', '300');
-- A change for the worse of a system that depends on others waits this long
-- before it is sent: the outage of what it depends on, when that is the
-- cause, may be seen a little later, and then tells of it instead.
INSERT INTO setting (key, value) VALUES ('notify_hold_s', '30');

CREATE TRIGGER ledger_notify_channel_insert AFTER INSERT ON notify_channel BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('notify_channel.insert', json_object('id',
    NEW.id, 'row', json_object('name', NEW.name, 'kind', NEW.kind, 'target', NEW.target,
    'headers', NEW.headers, 'shape', NEW.shape, 'timeout_ms', NEW.timeout_ms, 'max_attempts', NEW.max_attempts,
    'enabled', NEW.enabled, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at)));
END;
CREATE TRIGGER ledger_notify_channel_update AFTER UPDATE ON notify_channel BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('notify_channel.update', json_object('id',
    NEW.id, 'row', json_object('name', NEW.name, 'kind', NEW.kind, 'target', NEW.target,
    'headers', NEW.headers, 'shape', NEW.shape, 'timeout_ms', NEW.timeout_ms, 'max_attempts', NEW.max_attempts,
    'enabled', NEW.enabled, 'created_at', NEW.created_at, 'updated_at', NEW.updated_at)));
END;
CREATE TRIGGER ledger_notify_channel_delete AFTER DELETE ON notify_channel BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('notify_channel.delete', json_object('id',
    OLD.id));
END;
CREATE TRIGGER ledger_notify_rule_insert AFTER INSERT ON notify_rule BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('notify_rule.insert', json_object('id',
    NEW.id, 'row', json_object('channel_id', NEW.channel_id, 'min_severity',
    NEW.min_severity, 'tier_min', NEW.tier_min, 'tier_max', NEW.tier_max, 'findings',
    NEW.findings, 'systems', NEW.systems, 'created_at', NEW.created_at, 'events', NEW.events,
    'remind_s', NEW.remind_s)));
END;
CREATE TRIGGER ledger_notify_rule_update AFTER UPDATE ON notify_rule BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('notify_rule.update', json_object('id',
    NEW.id, 'row', json_object('channel_id', NEW.channel_id, 'min_severity',
    NEW.min_severity, 'tier_min', NEW.tier_min, 'tier_max', NEW.tier_max, 'findings',
    NEW.findings, 'systems', NEW.systems, 'created_at', NEW.created_at, 'events', NEW.events,
    'remind_s', NEW.remind_s)));
END;
CREATE TRIGGER ledger_notify_rule_delete AFTER DELETE ON notify_rule BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('notify_rule.delete', json_object('id',
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
CREATE TRIGGER ledger_notify_outbox_delete AFTER DELETE ON notify_outbox BEGIN
  INSERT INTO ledger_new (kind, payload) VALUES ('notify_outbox.delete', json_object('id',
    OLD.id));
END;

-- For auditors: every notification with its channel, system and delivery,
-- times as ISO-8601 text beside the Unix ones.
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
       o.next_at_ms, o.history_id
FROM notify_outbox o
LEFT JOIN notify_channel c ON c.id = o.channel_id
LEFT JOIN system s ON s.id = o.system_id;

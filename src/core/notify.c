/*
 * notify.c - see notify.h.
 *
 * The events are made by one SQL statement (EMIT_SQL) over the status
 * history rows just recorded: the previous status of each system, the
 * systems in outage, and the dependency graph walked from the changed
 * systems only, so its cost follows the changes and not the inventory.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inventory.h"
#include "notify-am.h"
#include "notify-mail.h"
#include "notify.h"
#include "probe.h"
#include "recorder.h"
#include "strbuf.h"
#include "url.h"
#include "util.h"
#include "verdict.h"
#include "when.h"

#define NOTIFY_TIMEOUT_MAX_MS (10 * 60 * 1000)

void notify_channel_defaults(struct notify_channel *c)
{
	memset(c, 0, sizeof(*c));
	c->timeout_ms = 10000;
	c->max_attempts = 8;
	c->shape = "drtop";
}

void notify_rule_defaults(struct notify_rule *r)
{
	memset(r, 0, sizeof(*r));
	r->events = "status";
	r->min_severity = "WARN";
	r->tier_min = 0;
	r->tier_max = 3;
}

int notify_rule_tiers(struct notify_rule *r, const char *s, struct error *e)
{
	if (s[0] >= '0' && s[0] <= '3' && !s[1]) {
		r->tier_min = r->tier_max = s[0] - '0';
		return 0;
	}
	if (s[0] >= '0' && s[0] <= '3' && s[1] == '-' && s[2] >= '0' && s[2] <= '3' && !s[3] &&
	    s[0] <= s[2]) {
		r->tier_min = s[0] - '0';
		r->tier_max = s[2] - '0';
		return 0;
	}
	return error_set(e, ERR_DATA, "--tier: expected a tier from 0 to 3 or a range such as 0-1, "
				      "not '%s'", s);
}

/* A webhook goes to http or https only: never a file, never another scheme. */
static int webhook_url_check(const char *url, struct error *e)
{
	if (url_check(url, e) < 0)
		return -1;
	if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))
		return error_set(e, ERR_DATA, "a webhook URL is http or https, not '%s'", url);
	return 0;
}

int notify_channel_check(const struct notify_channel *c, struct error *e)
{
	size_t i;

	if (inventory_name_check("channel", c->name, e) < 0)
		return -1;
	if (!c->kind)
		return error_set(e, ERR_USAGE, "--kind is required: webhook, exec, email or alertmanager");
	if (strcmp(c->kind, "webhook") && strcmp(c->kind, "exec") && strcmp(c->kind, "email") &&
	    strcmp(c->kind, "alertmanager"))
		return error_set(e, ERR_DATA,
				 "channel kind must be webhook, exec, email or alertmanager, not '%s'",
				 c->kind);
	if (!c->target || !*c->target)
		return error_set(e, ERR_USAGE, "%s", !strcmp(c->kind, "exec")
							   ? "an exec channel needs --command CMD"
						     : !strcmp(c->kind, "email")
							   ? "an email channel needs --url smtp://HOST[:PORT] "
							     "or smtps://HOST[:PORT]"
						     : !strcmp(c->kind, "webhook")
							   ? "a webhook channel needs --url URL"
							   : "an alertmanager channel needs --url URL");
	if (!strcmp(c->kind, "webhook") && webhook_url_check(c->target, e) < 0)
		return -1;
	if (!strcmp(c->kind, "alertmanager") && notify_am_url_check(c->target, e) < 0)
		return -1;
	if (!strcmp(c->kind, "exec") && inventory_text_check("command", c->target, e) < 0)
		return -1;
	if (!strcmp(c->kind, "email") && notify_mail_url_check(c->target, e) < 0)
		return -1;
	if (!strcmp(c->kind, "email") && !c->options)
		return error_set(e, ERR_USAGE, "an email channel needs --from ADDR and at least one "
					       "--to ADDR");
	if (strcmp(c->kind, "webhook") && strcmp(c->kind, "alertmanager") && c->nheaders)
		return error_set(e, ERR_USAGE, "--header belongs to a webhook channel");
	if (strcmp(c->shape, "drtop") && strcmp(c->shape, "slack") && strcmp(c->shape, "mattermost") &&
	    strcmp(c->shape, "teams"))
		return error_set(e, ERR_DATA, "--shape must be drtop, slack, mattermost or teams, not "
					      "'%s'", c->shape);
	if (strcmp(c->kind, "webhook") && strcmp(c->shape, "drtop"))
		return error_set(e, ERR_USAGE, "--shape belongs to a webhook channel");
	for (i = 0; i < c->nheaders; i++)
		if (inventory_header_check(c->headers[i], e) < 0)
			return -1;
	if (c->timeout_ms < 100 || c->timeout_ms > NOTIFY_TIMEOUT_MAX_MS)
		return error_set(e, ERR_DATA, "--timeout must be from 100ms to 10m");
	if (c->max_attempts < 1 || c->max_attempts > 100)
		return error_set(e, ERR_DATA, "--attempts must be from 1 to 100");
	return 0;
}

static int finding_check(const char *f, struct error *e)
{
	size_t n = strlen(f);

	if (n == 0 || n > 64 || !islower((unsigned char)f[0]) ||
	    strspn(f, "abcdefghijklmnopqrstuvwxyz-") != n)
		return error_set(e, ERR_DATA, "--finding: expected a finding's name such as rto-breach, "
					      "not '%s'", f);
	return 0;
}

int notify_rule_check(const struct notify_rule *r, struct error *e)
{
	size_t i;

	if (strcmp(r->events, "status") && strcmp(r->events, "findings") && strcmp(r->events, "all"))
		return error_set(e, ERR_DATA, "--events must be status, findings or all, not '%s'",
				 r->events);
	if (strcasecmp(r->min_severity, "WARN") && strcasecmp(r->min_severity, "UNKNOWN") &&
	    strcasecmp(r->min_severity, "BREACH"))
		return error_set(e, ERR_DATA, "--severity must be WARN, UNKNOWN or BREACH, not '%s'",
				 r->min_severity);
	for (i = 0; i < r->nfindings; i++)
		if (finding_check(r->findings[i], e) < 0)
			return -1;
	if (r->remind_s && strcmp(r->events, "findings") == 0)
		return error_set(e, ERR_USAGE, "--remind is for changes of status: it reminds of a "
					       "BREACH that lasts (--events status or all)");
	for (i = 0; i < r->nsystems; i++) {
		if (!*r->systems[i])
			return error_set(e, ERR_DATA, "--system: empty name pattern");
		if (strlen(r->systems[i]) > 64 || str_text_problem(r->systems[i], strlen(r->systems[i])))
			return error_set(e, ERR_DATA, "--system: '%s' is not a name pattern (letters, "
						      "digits, '.', '_', '-', and * ? [ ])",
					 r->systems[i]);
	}
	return 0;
}

int notify_channel_id(struct db *db, const char *name, int64_t *id, struct error *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT id FROM notify_channel WHERE name = ?1", e);
	int rc;

	if (!st)
		return -1;
	db_bind_text(st, 1, name);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*id = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc == SQLITE_ROW)
		return 0;
	if (rc != SQLITE_DONE)
		return db_fail(db, e, "reading channels");
	return error_set(e, ERR_DATA, "no notification channel named '%s' (see 'drtop notify list')",
			 name);
}

/* A JSON array of the N strings of V, or NULL for none; the caller frees. */
static char *json_list(char **v, size_t n)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	if (!n)
		return NULL;
	strbuf_putc(&sb, '[');
	for (i = 0; i < n; i++) {
		if (i)
			strbuf_putc(&sb, ',');
		strbuf_json_string(&sb, v[i]);
	}
	strbuf_putc(&sb, ']');
	return strbuf_detach(&sb);
}

/* The findings now, one row per system and finding (the worst severity, and
 * its detail), INFO ones left out, read once into temp.notify_found from
 * FROM: v_findings, or the findings of the snapshot just taken. */
/* Keyed like notify_finding: the changes are found by looking each side up in
 * the other (without the key, each of 60,000 findings scanned the other 60,000). */
#define FINDINGS_NOW_SQL(FROM)                                                                     \
	"DROP TABLE IF EXISTS temp.notify_found;"                                                  \
	" CREATE TEMP TABLE notify_found (system_id INTEGER, finding TEXT, severity TEXT,"         \
	"  detail TEXT, PRIMARY KEY (system_id, finding)) WITHOUT ROWID;"                          \
	" INSERT INTO temp.notify_found SELECT system_id, finding, severity, detail FROM ("       \
	"  SELECT system_id, finding, severity, detail, row_number() OVER (PARTITION BY"           \
	"   system_id, finding ORDER BY CASE severity WHEN 'BREACH' THEN 0 WHEN 'UNKNOWN' THEN 1"  \
	"   ELSE 2 END, detail) AS rn FROM " FROM " WHERE severity <> 'INFO') WHERE rn = 1;"

static int rule_insert(struct db *db, int64_t channel, const struct notify_rule *r, int64_t *id,
		       struct error *e)
{
	sqlite3_stmt *st;
	char *findings = json_list(r->findings, r->nfindings);
	char *systems = json_list(r->systems, r->nsystems);
	int rc;

	st = db_prepare(db,
			"INSERT INTO notify_rule (channel_id, min_severity, tier_min, tier_max, findings,"
			" systems, created_at, events, remind_s) VALUES (?1, upper(?2), ?3, ?4, ?5, ?6, ?7,"
			" ?8, nullif(?9, 0))",
			e);
	if (st) {
		sqlite3_bind_int64(st, 1, channel);
		db_bind_text(st, 2, r->min_severity);
		sqlite3_bind_int64(st, 3, r->tier_min);
		sqlite3_bind_int64(st, 4, r->tier_max);
		db_bind_text(st, 5, findings);
		db_bind_text(st, 6, systems);
		sqlite3_bind_int64(st, 7, when_real_now());
		db_bind_text(st, 8, r->events);
		sqlite3_bind_int64(st, 9, r->remind_s);
	}
	free(findings);
	free(systems);
	if (!st)
		return -1;
	rc = inventory_step(db, st, e);
	if (rc == 0 && id)
		*id = sqlite3_last_insert_rowid(db->h);
	/* Findings are heard from now on: what is found now is the starting point. */
	if (rc == 0 && strcmp(r->events, "status"))
		rc = db_exec(db, "DELETE FROM notify_finding; " FINDINGS_NOW_SQL("v_findings")
			     " INSERT INTO notify_finding SELECT system_id, finding, severity"
			     " FROM temp.notify_found; DROP TABLE temp.notify_found",
			     e);
	return rc;
}

int notify_channel_add(struct db *db, const struct notify_channel *c, const struct notify_rule *r,
		       struct error *e)
{
	char *headers;
	sqlite3_stmt *st;
	int64_t id;
	int rc;

	if (notify_channel_check(c, e) < 0 || notify_rule_check(r, e) < 0)
		return -1;
	if (notify_channel_id(db, c->name, &id, NULL) == 0)
		return error_set(e, ERR_DATA, "a notification channel named '%s' exists already",
				 c->name);
	st = db_prepare(db,
			"INSERT INTO notify_channel (name, kind, target, headers, timeout_ms, max_attempts,"
			" created_at, updated_at, shape, options) VALUES (?1, ?2, ?3, coalesce(?4, '[]'), ?5,"
			" ?6, ?7, ?7, ?8, ?9)",
			e);
	if (!st)
		return -1;
	headers = json_list(c->headers, c->nheaders);
	db_bind_text(st, 1, c->name);
	db_bind_text(st, 2, c->kind);
	db_bind_text(st, 3, c->target);
	db_bind_text(st, 4, headers);
	sqlite3_bind_int64(st, 5, c->timeout_ms);
	sqlite3_bind_int64(st, 6, c->max_attempts);
	sqlite3_bind_int64(st, 7, when_real_now());
	db_bind_text(st, 8, c->shape);
	db_bind_text(st, 9, c->options);
	free(headers);
	rc = inventory_step(db, st, e);
	if (rc < 0)
		return -1;
	return rule_insert(db, sqlite3_last_insert_rowid(db->h), r, NULL, e);
}

/* Run SQL with ?1 bound to ID. */
static int run_id(struct db *db, const char *sql, int64_t id, struct error *e)
{
	sqlite3_stmt *st = db_prepare(db, sql, e);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return inventory_step(db, st, e);
}

int notify_channel_remove(struct db *db, const char *name, struct error *e)
{
	int64_t id;

	if (notify_channel_id(db, name, &id, e) < 0)
		return -1;
	if (run_id(db,
		   "UPDATE notify_outbox SET state = 'failed', last_error = 'channel removed'"
		   " WHERE channel_id = ?1 AND state IN ('pending', 'in-flight')",
		   id, e) < 0)
		return -1;
	return run_id(db, "DELETE FROM notify_channel WHERE id = ?1", id, e);
}

int notify_rule_add(struct db *db, const char *channel, const struct notify_rule *r, int64_t *id,
		    struct error *e)
{
	int64_t cid;

	if (notify_rule_check(r, e) < 0 || notify_channel_id(db, channel, &cid, e) < 0)
		return -1;
	return rule_insert(db, cid, r, id, e);
}

int notify_rule_remove(struct db *db, int64_t id, struct error *e)
{
	if (run_id(db, "DELETE FROM notify_rule WHERE id = ?1", id, e) < 0)
		return -1;
	if (sqlite3_changes(db->h) == 0)
		return error_set(e, ERR_DATA, "no notification rule %lld (see 'drtop notify rule list')",
				 (long long)id);
	return 0;
}

int notify_mark(struct db *db, int64_t *mark, struct error *e)
{
	return db_int64(db, "SELECT coalesce(max(id), 0) FROM status_history", mark, e);
}

/* The systems in an outage (planned: every one of its ongoing outages is in a
 * maintenance window), what the systems of FROM (a query of system ids) and
 * those in outage depend on (reach), and the root causes: in outage,
 * depending on nothing in outage, and told of: in maintenance (declared), with
 * a notification of this outage (sent or to be sent), or changing now (in ch). */
#define ROOTS_SQL(FROM)                                                                            \
	" down AS MATERIALIZED (SELECT system_id, min(started_ms) AS since_ms,"                    \
	"  min(planned) AS planned FROM outage WHERE ended_ms IS NULL GROUP BY system_id),"        \
	" reach(origin, dep) AS ("                                                                 \
	"  SELECT d.system_id, d.depends_on FROM dependency d"                                     \
	"  WHERE d.system_id IN (" FROM " UNION SELECT system_id FROM down)"                       \
	"  UNION SELECT r.origin, d.depends_on FROM reach r JOIN dependency d ON d.system_id = r.dep)," \
	" root AS MATERIALIZED (SELECT system_id FROM down WHERE NOT EXISTS (SELECT 1 FROM reach r" \
	"   WHERE r.origin = down.system_id AND r.dep IN (SELECT system_id FROM down)"              \
	"    AND r.dep <> down.system_id)"                                                         \
	"  AND (down.planned OR down.system_id IN (SELECT system_id FROM ch WHERE status <> 'OK')" \
	"   OR EXISTS (SELECT 1 FROM notify_outbox o WHERE o.system_id = down.system_id"           \
	"    AND o.state <> 'suppressed' AND o.payload ->> '$.status' <> 'OK'"                     \
	"    AND o.created_at * 1000 >= down.since_ms - 1000))),"

/* SYS is held back as flapping: told of its flapping since it last settled. */
#define FLAP_HELD_SQL(SYS)                                                                         \
	"EXISTS (SELECT 1 FROM notify_outbox fl WHERE fl.system_id = " SYS                          \
	" AND fl.kind = 'flapping' AND fl.id > coalesce((SELECT max(st.id) FROM notify_outbox st"  \
	"  WHERE st.system_id = " SYS " AND st.kind = 'status'"                                     \
	"  AND st.payload ->> '$.change' = 'settled'), 0))"

/* The integer setting KEY, or DEF when it is not set. */
static int setting_int64(struct db *db, const char *key, int64_t def, int64_t *v, struct error *e)
{
	sqlite3_stmt *st = db_cached(db, "SELECT CAST(value AS INTEGER) FROM setting WHERE key = ?1", e);
	int rc;

	if (!st)
		return -1;
	db_bind_text(st, 1, key);
	rc = sqlite3_step(st);
	*v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : def;
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(db, e, "reading settings");
}

/* More than *changes changes of status within *window_s is flapping (0: never). */
static int flap_settings(struct db *db, int64_t *changes, int64_t *window_s, struct error *e)
{
	if (setting_int64(db, "notify_flap_changes", 4, changes, e) < 0 ||
	    setting_int64(db, "notify_flap_window_s", 600, window_s, e) < 0)
		return -1;
	if (*window_s <= 0)
		*changes = 0;
	return 0;
}

/* ?1: the status_history id after which the new rows are; ?2: the real time in
 * ms (due now); ?3: the real time in seconds; ?4: how long a change of a
 * system that depends on others is held, in ms; ?5, ?6: the flapping window
 * in seconds and the changes within it that are flapping (0: never). */
static const char emit_sql[] =
	"INSERT INTO notify_outbox (key, channel_id, channel, history_id, system_id, at, kind,"
	" severity, payload, state, next_at_ms, created_at)"
	" WITH RECURSIVE"
	" sev(name, rank) AS (VALUES ('OK', 0), ('WARN', 2), ('UNKNOWN', 3), ('BREACH', 4)),"
	/* the changes, each with the status before it */
	" ch AS MATERIALIZED ("
	"  SELECT h.id AS hid, h.system_id, h.at, h.status, nullif(h.reason, '') AS finding,"
	"   p.status AS prev, nullif(p.reason, '') AS prev_finding,"
	/* flapping: more than ?6 changes in the window ?5 up to this one (since
	 * it last settled; its first status is no change), or held back since a notice of flapping that has not
	 * settled yet */
	"   ?6 > 0 AND ((SELECT count(*) FROM status_history q WHERE q.system_id = h.system_id"
	"     AND q.at > h.at - ?5 AND q.id <= h.id AND q.id > (SELECT max(coalesce(max(st.history_id), 0),"
	"      (SELECT min(f.id) FROM status_history f WHERE f.system_id = h.system_id))"
	"      FROM notify_outbox st WHERE st.system_id = h.system_id AND st.kind = 'status'"
	"      AND st.payload ->> '$.change' = 'settled')) > ?6"
	"    OR " FLAP_HELD_SQL("h.system_id") ") AS flapping"
	"  FROM status_history h"
	"  LEFT JOIN status_history p ON p.id = (SELECT q.id FROM status_history q"
	"   WHERE q.system_id = h.system_id AND q.id < h.id ORDER BY q.at DESC, q.id DESC LIMIT 1)"
	"  WHERE h.id > ?1 AND h.status IS NOT p.status"
	"   AND NOT (p.status IS NULL AND h.status IN ('OK', 'UNKNOWN'))),"
	ROOTS_SQL("SELECT system_id FROM ch")
	/* every system that depends on a root that changed, directly or not */
	" below(root, dependant) AS ("
	"  SELECT d.depends_on, d.system_id FROM dependency d"
	"  WHERE d.depends_on IN (SELECT system_id FROM ch WHERE system_id IN root AND status <> 'OK')"
	"  UNION SELECT b.root, d.system_id FROM below b JOIN dependency d ON d.depends_on = b.dependant),"
	" ev AS MATERIALIZED ("
	"  SELECT ch.*, s.name, s.tier, s.owner,"
	"   (SELECT name FROM sev WHERE rank = max((SELECT rank FROM sev WHERE name = ch.status),"
	"     coalesce((SELECT rank FROM sev WHERE name = ch.prev), 0))) AS severity,"
	"   (SELECT rank FROM sev WHERE name = ch.status)"
	"     <= coalesce((SELECT rank FROM sev WHERE name = ch.prev), 0) AS better,"
	"   CASE WHEN ch.status <> 'OK' AND ch.system_id IN (SELECT system_id FROM down"
	"     WHERE NOT planned) THEN"
	"    (SELECT min(r.dep) FROM reach r"
	"     WHERE r.origin = ch.system_id AND r.dep IN root AND r.dep <> ch.system_id) END AS cause_id,"
	"   CASE WHEN ch.status <> 'OK' AND ch.system_id IN root THEN"
	"    (SELECT json_group_array(json_object('system', x.name, 'tier', x.tier, 'status', x.status))"
	"     FROM (SELECT s2.name, s2.tier, (SELECT h.status FROM status_history h"
	"       WHERE h.system_id = s2.id ORDER BY h.at DESC, h.id DESC LIMIT 1) AS status"
	"      FROM system s2 WHERE s2.id IN (SELECT b.dependant FROM below b"
	"       WHERE b.root = ch.system_id) ORDER BY s2.name) x) END AS affected,"
	/* a system that depends on others: its cause may show only later */
	"   ch.status <> 'OK' AND EXISTS (SELECT 1 FROM dependency d WHERE d.system_id = ch.system_id)"
	"    AS held"
	"  FROM ch JOIN system s ON s.id = ch.system_id),"
	" e AS MATERIALIZED ("
	"  SELECT ev.*,"
	"   CASE WHEN ev.cause_id IS NOT NULL THEN (SELECT name FROM system WHERE id = ev.cause_id)"
	"    WHEN json_array_length(ev.affected) > 0 THEN ev.name END AS cause,"
	"   ev.flapping OR ev.cause_id IS NOT NULL OR (ev.better AND (SELECT o.state"
	"    FROM notify_outbox o WHERE o.system_id = ev.system_id AND o.kind = 'status'"
	"    ORDER BY o.id DESC LIMIT 1) IS 'suppressed') AS suppressed"
	"  FROM ev),"
	/* the channels whose rules hear each change */
	" m AS MATERIALIZED (SELECT DISTINCT e.hid, c.id AS cid, c.name AS cname"
	"  FROM e JOIN notify_rule r JOIN notify_channel c ON c.id = r.channel_id AND c.enabled"
	"  WHERE r.events IN ('status', 'all') AND (SELECT rank FROM sev WHERE name = e.severity)"
	"    >= (SELECT rank FROM sev WHERE name = r.min_severity)"
	"   AND e.tier BETWEEN r.tier_min AND r.tier_max"
	"   AND (r.findings IS NULL OR EXISTS (SELECT 1 FROM json_each(r.findings) f"
	"    WHERE f.value IN (e.finding, e.prev_finding)))"
	"   AND (r.systems IS NULL OR EXISTS (SELECT 1 FROM json_each(r.systems) g"
	"    WHERE e.name GLOB g.value)))"
	" SELECT lower(hex(randomblob(16))), m.cid, m.cname, e.hid, e.system_id, e.at, 'status',"
	"  e.severity,"
	"  json_object('version', 1, 'event', 'status', 'system', e.name, 'tier', e.tier,"
	"   'owner', e.owner, 'status', e.status, 'previous_status', e.prev,"
	"   'severity', e.severity, 'finding', e.finding, 'previous_finding', e.prev_finding,"
	"   'at', strftime('%Y-%m-%dT%H:%M:%SZ', e.at, 'unixepoch'), 'at_unix', e.at,"
	"   'cause', e.cause, 'affected', json(coalesce(e.affected, '[]')),"
	"   'flapping', CASE WHEN e.flapping THEN json('true') END,"
	"   'summary', e.name || ': ' || coalesce(e.prev, 'new') || ' -> ' || e.status"
	"    || coalesce(' (' || e.finding || ')', '')"
	"    || CASE WHEN e.cause_id IS NOT NULL THEN '; likely caused by ' || e.cause"
	"     WHEN json_array_length(e.affected) > 0 THEN '; affects ' || (SELECT"
	"      group_concat(a.value ->> '$.system', ', ') FROM json_each(e.affected) a)"
	"     ELSE '' END),"
	"  CASE WHEN e.suppressed THEN 'suppressed' ELSE 'pending' END,"
	"  ?2 + CASE WHEN e.held AND NOT e.suppressed THEN ?4 ELSE 0 END, ?3"
	" FROM e JOIN m ON m.hid = e.hid ORDER BY e.hid, m.cid";

/* Held notifications (never attempted) of systems whose outage now shows a
 * cause that is told of: suppressed, naming it. ch is empty here. */
static const char reattribute_sql[] =
	"WITH RECURSIVE ch(system_id, status) AS (SELECT NULL, NULL WHERE 0),"
	" held AS MATERIALIZED (SELECT o.id, o.system_id FROM notify_outbox o"
	"  WHERE o.state = 'pending' AND o.attempts = 0 AND o.payload ->> '$.status' <> 'OK'"
	"   AND o.system_id IN (SELECT system_id FROM outage WHERE ended_ms IS NULL AND planned = 0)),"
	ROOTS_SQL("SELECT system_id FROM held")
	" cause AS MATERIALIZED (SELECT h.id, (SELECT min(r.dep) FROM reach r"
	"   WHERE r.origin = h.system_id AND r.dep IN root AND r.dep <> h.system_id) AS cause_id"
	"  FROM held h)"
	/* printf: the text alone, without the JSON subtype json_set gives it, so
	 * that the ledger's row (its update trigger) is the table's */
	" UPDATE notify_outbox SET state = 'suppressed',"
	"  payload = printf('%s', json_set(payload, '$.cause', (SELECT s.name FROM cause c"
	"   JOIN system s ON s.id = c.cause_id WHERE c.id = notify_outbox.id)))"
	" WHERE id IN (SELECT id FROM cause WHERE cause_id IS NOT NULL)";

/* ?1: the status_history id after which the new rows are; ?2: the real time
 * in ms; ?3: in seconds; ?4: the window, seconds. One notice of flapping for
 * each channel that was to hear a change just held back as flapping, unless
 * the system was already told of as flapping. */
static const char flap_notice_sql[] =
	"INSERT INTO notify_outbox (key, channel_id, channel, system_id, at, kind, severity,"
	" payload, state, next_at_ms, created_at)"
	" WITH held AS MATERIALIZED (SELECT o.system_id, o.channel_id, max(o.id) AS id"
	"  FROM notify_outbox o WHERE o.history_id > ?1 AND o.kind = 'status'"
	"   AND o.payload ->> '$.flapping' AND o.channel_id IS NOT NULL"
	"   AND NOT " FLAP_HELD_SQL("o.system_id") " GROUP BY o.system_id, o.channel_id),"
	" w AS MATERIALIZED (SELECT h.system_id, count(*) AS changes,"
	"   CASE max(CASE x.status WHEN 'BREACH' THEN 4 WHEN 'UNKNOWN' THEN 3 ELSE 2 END)"
	"    WHEN 4 THEN 'BREACH' WHEN 3 THEN 'UNKNOWN' ELSE 'WARN' END AS severity"
	"  FROM (SELECT DISTINCT system_id FROM held) h JOIN status_history x"
	"   ON x.system_id = h.system_id AND x.at > (SELECT max(at) FROM status_history"
	"    WHERE system_id = h.system_id) - ?4"
	"   AND x.id > (SELECT min(f.id) FROM status_history f WHERE f.system_id = h.system_id)"
	"   AND x.id > (SELECT coalesce(max(st.history_id), 0) FROM notify_outbox st"
	"    WHERE st.system_id = h.system_id AND st.kind = 'status'"
	"    AND st.payload ->> '$.change' = 'settled')"
	"  GROUP BY h.system_id)"
	" SELECT lower(hex(randomblob(16))), o.channel_id, o.channel, o.system_id, o.at, 'flapping',"
	"  w.severity, json_object('version', 1, 'event', 'flapping', 'system', o.payload ->> '$.system',"
	"   'tier', o.payload -> '$.tier', 'owner', o.payload ->> '$.owner',"
	"   'status', o.payload ->> '$.status', 'finding', o.payload ->> '$.finding',"
	"   'severity', w.severity, 'changes', w.changes, 'window_s', ?4,"
	"   'at', o.payload ->> '$.at', 'at_unix', o.at,"
	"   'summary', (o.payload ->> '$.system') || ' is flapping: ' || w.changes"
	"    || ' changes of status in ' || (?4 / 60) || 'm, now ' || (o.payload ->> '$.status')"
	"    || '; held back until it settles'),"
	"  'pending', ?2, ?3"
	" FROM held h JOIN notify_outbox o ON o.id = h.id JOIN w ON w.system_id = h.system_id"
	" ORDER BY o.system_id, o.channel_id";

static int flap_notice(struct db *db, int64_t mark, int64_t window_s, struct error *e)
{
	sqlite3_stmt *st = db_cached(db, flap_notice_sql, e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, mark);
	sqlite3_bind_int64(st, 2, probe_now_ms());
	sqlite3_bind_int64(st, 3, when_real_now());
	sqlite3_bind_int64(st, 4, window_s);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, e, "writing a notice of flapping");
}

int notify_emit(struct db *db, int64_t mark, struct error *e)
{
	sqlite3_stmt *st;
	int64_t rules = 0, hold_ms = 0, flap_changes = 0, flap_window_s = 0;
	int rc;

	/* No channel hears changes of status: nothing to read the graph for. */
	if (db_int64(db, "SELECT EXISTS (SELECT 1 FROM notify_rule WHERE events IN ('status', 'all'))",
		     &rules, e) < 0)
		return -1;
	if (!rules)
		return 0;
	if (setting_int64(db, "notify_hold_s", 30, &hold_ms, e) < 0 ||
	    flap_settings(db, &flap_changes, &flap_window_s, e) < 0)
		return -1;
	hold_ms *= 1000;
	st = db_cached(db, emit_sql, e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, mark);
	sqlite3_bind_int64(st, 2, probe_now_ms());
	sqlite3_bind_int64(st, 3, when_real_now());
	sqlite3_bind_int64(st, 4, hold_ms);
	sqlite3_bind_int64(st, 5, flap_window_s);
	sqlite3_bind_int64(st, 6, flap_changes);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, e, "writing notifications");
	if (flap_changes > 0 && flap_notice(db, mark, flap_window_s, e) < 0)
		return -1;
	st = db_cached(db, reattribute_sql, e);
	if (!st)
		return -1;
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, e, "writing notifications");
	return 0;
}

/* Run the event-writing statement SQL, cached: ?1 is the real time in ms, ?2
 * in seconds, and ?3 (when it has one) EXTRA. WHAT names it in an error. */
static int emit(struct db *db, const char *sql, int64_t extra, const char *what, struct error *e)
{
	sqlite3_stmt *st = db_cached(db, sql, e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, probe_now_ms());
	sqlite3_bind_int64(st, 2, when_real_now());
	if (sqlite3_bind_parameter_count(st) >= 3)
		sqlite3_bind_int64(st, 3, extra);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, e, what);
}

/* ?1: the real time in ms; ?2: in seconds. Reads temp.notify_found. */
static const char findings_sql[] =
	"INSERT INTO notify_outbox (key, channel_id, channel, system_id, at, kind, severity,"
	" payload, state, next_at_ms, created_at)"
	" WITH sev(name, rank) AS (VALUES ('WARN', 2), ('UNKNOWN', 3), ('BREACH', 4)),"
	" chg AS MATERIALIZED ("
	"  SELECT f.system_id, f.finding, f.severity, f.detail, 'appeared' AS change"
	"  FROM temp.notify_found f WHERE NOT EXISTS (SELECT 1 FROM notify_finding n"
	"   WHERE n.system_id = f.system_id AND n.finding = f.finding)"
	"  UNION ALL SELECT n.system_id, n.finding, n.severity, NULL, 'cleared'"
	"  FROM notify_finding n WHERE NOT EXISTS (SELECT 1 FROM temp.notify_found f"
	"   WHERE f.system_id = n.system_id AND f.finding = n.finding)),"
	" e AS MATERIALIZED (SELECT chg.*, s.name, s.tier, s.owner, p.now"
	"  FROM chg JOIN system s ON s.id = chg.system_id JOIN v_settings p),"
	" m AS MATERIALIZED (SELECT DISTINCT e.system_id, e.finding, c.id AS cid, c.name AS cname"
	"  FROM e JOIN notify_rule r JOIN notify_channel c ON c.id = r.channel_id AND c.enabled"
	"  WHERE r.events IN ('findings', 'all') AND (SELECT rank FROM sev WHERE name = e.severity)"
	"    >= (SELECT rank FROM sev WHERE name = r.min_severity)"
	"   AND e.tier BETWEEN r.tier_min AND r.tier_max"
	"   AND (r.findings IS NULL OR EXISTS (SELECT 1 FROM json_each(r.findings) f"
	"    WHERE f.value = e.finding))"
	"   AND (r.systems IS NULL OR EXISTS (SELECT 1 FROM json_each(r.systems) g"
	"    WHERE e.name GLOB g.value)))"
	" SELECT lower(hex(randomblob(16))), m.cid, m.cname, e.system_id, e.now, 'finding',"
	"  e.severity,"
	"  json_object('version', 1, 'event', 'finding', 'system', e.name, 'tier', e.tier,"
	"   'owner', e.owner, 'finding', e.finding, 'severity', e.severity, 'change', e.change,"
	"   'detail', e.detail, 'at', strftime('%Y-%m-%dT%H:%M:%SZ', e.now, 'unixepoch'),"
	"   'at_unix', e.now, 'summary', e.name || ': ' || e.finding || ' ' || e.change"
	"    || coalesce(' (' || e.detail || ')', '')),"
	"  'pending', ?1, ?2"
	" FROM e JOIN m ON m.system_id = e.system_id AND m.finding = e.finding"
	" ORDER BY e.name, e.finding, m.cid";

int notify_finding_rules(struct db *db, int64_t *rules, struct error *e)
{
	return db_int64(db, "SELECT EXISTS (SELECT 1 FROM notify_rule WHERE events <> 'status')", rules, e);
}

int notify_emit_findings(struct db *db, int snapshot, struct error *e)
{
	int64_t rules = 0;

	if (notify_finding_rules(db, &rules, e) < 0)
		return -1;
	if (!rules)
		return 0;
	if (db_exec(db, snapshot ? FINDINGS_NOW_SQL(VERDICT_SNAPSHOT_FINDINGS) : FINDINGS_NOW_SQL("v_findings"),
		    e) < 0)
		return -1;
	if (emit(db, findings_sql, 0, "writing notifications of findings", e) < 0)
		return -1;
	/* What was found is the next look's starting point. */
	return db_exec(db,
		       "DELETE FROM notify_finding WHERE NOT EXISTS (SELECT 1 FROM temp.notify_found f"
		       "  WHERE f.system_id = notify_finding.system_id AND f.finding = notify_finding.finding);"
		       " INSERT OR REPLACE INTO notify_finding SELECT system_id, finding, severity"
		       "  FROM temp.notify_found;"
		       " DROP TABLE temp.notify_found",
		       e);
}

/* ?1: the real time in ms; ?2: in seconds. The last notification of status
 * (or reminder) of each system on each channel that reminds. */
static const char reminders_sql[] =
	"INSERT INTO notify_outbox (key, channel_id, channel, history_id, system_id, at, kind,"
	" severity, payload, state, next_at_ms, created_at)"
	" WITH r AS MATERIALIZED (SELECT channel_id, min(remind_s) AS remind_s FROM notify_rule"
	"  WHERE remind_s IS NOT NULL AND events <> 'findings' GROUP BY channel_id),"
	" last AS MATERIALIZED (SELECT o.*, r.remind_s FROM r JOIN notify_outbox o"
	"  ON o.id = (SELECT max(o2.id) FROM notify_outbox o2 WHERE o2.channel_id = r.channel_id"
	"   AND o2.system_id = o.system_id AND o2.kind IN ('status', 'reminder'))"
	"  WHERE o.channel_id = r.channel_id AND o.kind IN ('status', 'reminder'))"
	" SELECT lower(hex(randomblob(16))), l.channel_id, l.channel, l.history_id, l.system_id,"
	"  p.now, 'reminder', 'BREACH',"
	"  json_set(l.payload, '$.event', 'reminder', '$.at',"
	"   strftime('%Y-%m-%dT%H:%M:%SZ', p.now, 'unixepoch'), '$.at_unix', p.now,"
	"   '$.since', l.payload ->> (CASE l.kind WHEN 'reminder' THEN '$.since' ELSE '$.at' END),"
	"   '$.summary', 'still BREACH: ' || (CASE l.kind WHEN 'reminder'"
	"    THEN substr(l.payload ->> '$.summary', 15) ELSE l.payload ->> '$.summary' END)),"
	"  'pending', ?1, ?2"
	" FROM last l JOIN v_settings p"
	" WHERE l.state <> 'suppressed' AND l.payload ->> '$.status' = 'BREACH'"
	"  AND l.created_at + l.remind_s <= ?2"
	"  AND (SELECT h.status FROM status_history h WHERE h.system_id = l.system_id"
	"   ORDER BY h.at DESC, h.id DESC LIMIT 1) = 'BREACH'"
	" ORDER BY l.system_id, l.channel_id";

int notify_emit_reminders(struct db *db, struct error *e)
{
	int64_t rules = 0;

	if (db_int64(db, "SELECT EXISTS (SELECT 1 FROM notify_rule WHERE remind_s IS NOT NULL)",
		     &rules, e) < 0)
		return -1;
	if (!rules)
		return 0;
	return emit(db, reminders_sql, 0, "writing reminders", e);
}

/* ?1: the real time in ms; ?2: in seconds; ?3: the window, seconds. A system
 * held back as flapping whose status has not changed for a whole window has
 * settled: its status is told once, to each channel told of its flapping. */
static const char settled_sql[] =
	"INSERT INTO notify_outbox (key, channel_id, channel, history_id, system_id, at, kind,"
	" severity, payload, state, next_at_ms, created_at)"
	" WITH held AS MATERIALIZED (SELECT fl.system_id, fl.channel_id, max(fl.id) AS id"
	"  FROM notify_outbox fl WHERE fl.kind = 'flapping' AND fl.channel_id IS NOT NULL"
	"   AND " FLAP_HELD_SQL("fl.system_id") " GROUP BY fl.system_id, fl.channel_id),"
	" cur AS MATERIALIZED (SELECT h.*, x.id AS hid, x.at AS since, x.status,"
	"   nullif(x.reason, '') AS finding"
	"  FROM held h JOIN status_history x ON x.id = (SELECT y.id FROM status_history y"
	"   WHERE y.system_id = h.system_id ORDER BY y.at DESC, y.id DESC LIMIT 1))"
	" SELECT lower(hex(randomblob(16))), c.channel_id, f.channel, c.hid, c.system_id, p.now,"
	"  'status', CASE c.status WHEN 'OK' THEN f.severity ELSE c.status END,"
	"  json_object('version', 1, 'event', 'status', 'change', 'settled',"
	"   'system', s.name, 'tier', s.tier, 'owner', s.owner, 'status', c.status,"
	"   'previous_status', f.payload ->> '$.status',"
	"   'severity', CASE c.status WHEN 'OK' THEN f.severity ELSE c.status END,"
	"   'finding', c.finding, 'previous_finding', f.payload ->> '$.finding',"
	"   'at', strftime('%Y-%m-%dT%H:%M:%SZ', p.now, 'unixepoch'), 'at_unix', p.now,"
	"   'since', strftime('%Y-%m-%dT%H:%M:%SZ', c.since, 'unixepoch'),"
	"   'cause', NULL, 'affected', json('[]'),"
	"   'summary', s.name || ': settled at ' || c.status || coalesce(' (' || c.finding || ')', '')"
	"    || ' after flapping'),"
	"  'pending', ?1, ?2"
	" FROM cur c JOIN notify_outbox f ON f.id = c.id JOIN system s ON s.id = c.system_id"
	" JOIN v_settings p WHERE c.since <= p.now - ?3"
	" ORDER BY c.system_id, c.channel_id";

int notify_emit_settled(struct db *db, struct error *e)
{
	int64_t held = 0, changes = 0, window_s = 0;

	if (db_int64(db, "SELECT EXISTS (SELECT 1 FROM notify_outbox WHERE kind = 'flapping')", &held,
		     e) < 0)
		return -1;
	if (!held)
		return 0;
	if (flap_settings(db, &changes, &window_s, e) < 0)
		return -1;
	return emit(db, settled_sql, window_s > 0 ? window_s : 0,
		    "writing that a flapping system settled", e);
}

/* ?1: the real time in ms; ?2: in seconds; ?3: how long nobody probed, at
 * least, to tell of it, in ms. */
static const char unwatched_sql[] =
	"INSERT INTO notify_outbox (key, channel_id, channel, at, kind, severity, payload, state,"
	" next_at_ms, created_at)"
	" WITH gap AS MATERIALIZED (SELECT max(at_ms) / 1000 AS from_s FROM probe_result"
	"  HAVING max(at_ms) <= ?1 - ?3 AND EXISTS (SELECT 1 FROM endpoint WHERE enabled)),"
	/* every channel that hears changes to UNKNOWN: the time nobody probed is unknown */
	" m AS MATERIALIZED (SELECT DISTINCT c.id, c.name FROM notify_rule r"
	"  JOIN notify_channel c ON c.id = r.channel_id AND c.enabled"
	"  WHERE r.events IN ('status', 'all') AND r.min_severity IN ('WARN', 'UNKNOWN'))"
	" SELECT lower(hex(randomblob(16))), m.id, m.name, ?2, 'prober', 'UNKNOWN',"
	"  json_object('version', 1, 'event', 'prober', 'status', 'UNKNOWN', 'severity', 'UNKNOWN',"
	"   'from', strftime('%Y-%m-%dT%H:%M:%SZ', g.from_s, 'unixepoch'), 'from_unix', g.from_s,"
	"   'to', strftime('%Y-%m-%dT%H:%M:%SZ', ?2, 'unixepoch'), 'to_unix', ?2,"
	"   'unwatched_s', ?2 - g.from_s, 'at', strftime('%Y-%m-%dT%H:%M:%SZ', ?2, 'unixepoch'),"
	"   'at_unix', ?2, 'summary', 'nobody probed from '"
	"    || strftime('%Y-%m-%dT%H:%M:%SZ', g.from_s, 'unixepoch') || ' to '"
	"    || strftime('%Y-%m-%dT%H:%M:%SZ', ?2, 'unixepoch') || ' (' || duration(?2 - g.from_s)"
	"    || '): what happened then is unknown; probing again'),"
	"  'pending', ?1, ?2"
	" FROM gap g, m WHERE NOT EXISTS (SELECT 1 FROM notify_outbox o WHERE o.kind = 'prober'"
	"  AND o.payload ->> '$.from_unix' = g.from_s)"
	" ORDER BY m.id";

int notify_emit_unwatched(struct db *db, struct error *e)
{
	int64_t after_s = 0;

	if (setting_int64(db, "notify_unwatched_s", 300, &after_s, e) < 0)
		return -1;
	if (after_s <= 0)
		return 0;
	return emit(db, unwatched_sql, after_s * 1000, "writing that nobody probed", e);
}

int notify_channel_enable(struct db *db, const char *name, int on, struct error *e)
{
	sqlite3_stmt *st;
	int64_t id;

	if (notify_channel_id(db, name, &id, e) < 0)
		return -1;
	st = db_prepare(db,
			"UPDATE notify_channel SET enabled = ?2, updated_at = ?3"
			" WHERE id = ?1 AND enabled <> ?2",
			e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	sqlite3_bind_int(st, 2, on);
	sqlite3_bind_int64(st, 3, when_real_now());
	return inventory_step(db, st, e);
}

/* A pending row is held when the deliverer would not send it (its due_sql
 * joins only enabled channels): its channel is disabled (v_notifications.held).
 * One in flight is being sent whatever became of its channel meanwhile. */
static const char status_sql[] =
	"SELECT w.n - w.held, w.oldest, f.n, w.held, a.n FROM"
	" (SELECT count(*) AS n, min(CASE WHEN NOT held THEN created_at END) AS oldest,"
	"  coalesce(sum(held), 0) AS held FROM (SELECT created_at, held IS NOT NULL AS held"
	"   FROM v_notifications WHERE state IN ('pending', 'in-flight'))) w,"
	" (SELECT count(*) AS n FROM notify_outbox WHERE state = 'failed' AND created_at >= ?1) f,"
	" (SELECT count(*) AS n FROM notify_refresh r JOIN notify_channel c ON c.id = r.channel_id"
	"  AND c.enabled) a";

int notify_status_read(struct db *db, int self, struct notify_status *s, struct error *e)
{
	int64_t now = when_real_now();
	sqlite3_stmt *st = db_cached(db, status_sql, e);
	int rc;

	memset(s, 0, sizeof(*s));
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, now - NOTIFY_STATUS_FAILED_S);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		s->waiting = sqlite3_column_int64(st, 0);
		if (s->waiting && now > sqlite3_column_int64(st, 1))
			s->oldest_s = now - sqlite3_column_int64(st, 1);
		s->failed = sqlite3_column_int64(st, 2);
		s->held = sqlite3_column_int64(st, 3);
		s->am_failing = sqlite3_column_int64(st, 4);
	} else {
		db_fail(db, e, "reading the notifications' status");
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW)
		return -1;
	s->late = s->oldest_s >= NOTIFY_STATUS_LATE_S;
	s->nobody = s->waiting && !self && recorder_heartbeat_other(db, NULL, NULL, NULL) == 0;
	return 0;
}

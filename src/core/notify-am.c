/*
 * notify-am.c - see notify-am.h.
 *
 * The refresher reads what is wrong now (the latest status of each system,
 * the findings last seen) with the channel's rules and posts it on the probe
 * engine's multi handle (notify_send_post), one post per channel at a time.
 * A refresh that fails is only the next one's to do, and an alert it stops
 * refreshing resolves at its endsAt; what it writes is only whether a
 * channel's refreshes fail (notify_refresh, for the operator to see), when
 * that changes or a failure repeats, without waiting for a locked database.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "inventory.h"
#include "notify-am.h"
#include "notify-send.h"
#include "prober.h"
#include "strbuf.h"
#include "url.h"
#include "util.h"
#include "when.h"

/* drtop's own labels: a channel's may not take their names. */
static const char *const own_labels[] = {"alertname", "system", "tier", "severity",
					 "finding",   "owner",  NULL};

static int label_name_check(const char *name, size_t len, struct error *e)
{
	size_t i;

	if (!len || !(isalpha((unsigned char)name[0]) || name[0] == '_') || len > 64)
		goto bad;
	for (i = 1; i < len; i++)
		if (!isalnum((unsigned char)name[i]) && name[i] != '_')
			goto bad;
	if (len >= 2 && name[0] == '_' && name[1] == '_')
		return error_set(e, ERR_DATA, "--label: names starting with __ are reserved by "
					      "Prometheus: '%.*s'", (int)len, name);
	for (i = 0; own_labels[i]; i++)
		if (strlen(own_labels[i]) == len && !memcmp(own_labels[i], name, len))
			return error_set(e, ERR_DATA, "--label: '%s' is one of drtop's own labels "
						      "(alertname, system, tier, severity, finding, owner)",
					 own_labels[i]);
	return 0;
bad:
	return error_set(e, ERR_DATA, "--label: '%.*s' is not a label name (a letter or _, then "
				      "letters, digits and _, at most 64)", (int)len, name);
}

int notify_am_url_check(const char *url, struct error *e)
{
	if (url_check(url, e) < 0)
		return -1;
	if (strncasecmp(url, "http://", 7) && strncasecmp(url, "https://", 8))
		return error_set(e, ERR_DATA, "an Alertmanager URL is http or https, not '%s'", url);
	if (strpbrk(url, "?#"))
		return error_set(e, ERR_DATA, "an Alertmanager URL is its base, such as "
					      "http://alertmanager:9093, without query: '%s'", url);
	return 0;
}

int notify_am_options(char **labels, size_t n, char **options, struct error *e)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, j;

	*options = NULL;
	if (!n)
		return 0;
	strbuf_puts(&sb, "{\"labels\":{");
	for (i = 0; i < n; i++) {
		const char *eq = strchr(labels[i], '=');
		char *name;

		if (!eq) {
			strbuf_done(&sb);
			return error_set(e, ERR_DATA, "--label: expected NAME=VALUE, not '%s'", labels[i]);
		}
		if (label_name_check(labels[i], (size_t)(eq - labels[i]), e) < 0 ||
		    inventory_text_check("--label: the value of", labels[i], e) < 0) {
			strbuf_done(&sb);
			return -1;
		}
		if (!eq[1]) {
			strbuf_done(&sb);
			return error_set(e, ERR_DATA, "--label: '%s' has no value", labels[i]);
		}
		for (j = 0; j < i; j++)
			if (!strncmp(labels[j], labels[i], (size_t)(eq - labels[i]) + 1)) {
				strbuf_done(&sb);
				return error_set(e, ERR_DATA, "--label: '%.*s' is given twice",
						 (int)(eq - labels[i]), labels[i]);
			}
		name = xstrndup(labels[i], (size_t)(eq - labels[i]));
		if (i)
			strbuf_putc(&sb, ',');
		strbuf_json_string(&sb, name);
		strbuf_putc(&sb, ':');
		strbuf_json_string(&sb, eq + 1);
		free(name);
	}
	strbuf_puts(&sb, "}}");
	*options = strbuf_detach(&sb);
	return 0;
}

/* --- the refresher -------------------------------------------------------- */

/* ?1: the channel; ?2: now (real time, Unix seconds). What is wrong now and
 * the channel's rules hear: the latest status of each system not OK (with
 * the annotations of its last event on the channel when that told of this
 * status; never one whose event is suppressed, as a dependant of a root
 * cause is, or still waiting to be sent), and the findings last seen. And
 * what ended within the horizon, resolved again: a refresh read before a
 * change and arriving after its event would otherwise fire the old alert
 * again until its end. */
static const char refresh_sql[] =
	"WITH c AS (SELECT * FROM notify_channel WHERE id = ?1),"
	" latest AS MATERIALIZED (SELECT s.id AS system_id, s.name, s.tier, s.owner, h.id AS hid,"
	"  h.status, nullif(h.reason, '') AS finding, h.at"
	"  FROM system s JOIN status_history h ON h.id = (SELECT q.id FROM status_history q"
	"   WHERE q.system_id = s.id ORDER BY q.at DESC, q.id DESC LIMIT 1)),"
	" cur AS (SELECT * FROM latest WHERE status <> 'OK'),"
	" ended AS (SELECT l.*, p.status AS prev, nullif(p.reason, '') AS prev_finding"
	"  FROM latest l JOIN status_history p ON p.id = (SELECT q.id FROM status_history q"
	"   WHERE q.system_id = l.system_id AND (q.at < l.at OR (q.at = l.at AND q.id < l.hid))"
	"   ORDER BY q.at DESC, q.id DESC LIMIT 1)"
	"  WHERE l.at >= ?2 - " NOTIFY_AM_HORIZON_SQL " AND p.status <> 'OK'"
	"   AND " NOTIFY_AM_HEARS("?1", "p.status", "l.tier", "nullif(p.reason, '')", "l.name") "),"
	" heard AS MATERIALIZED (SELECT cur.*, (SELECT o.id FROM notify_outbox o"
	"   WHERE o.system_id = cur.system_id AND o.channel_id = ?1"
	"    AND o.kind IN ('status', 'reminder') ORDER BY o.id DESC LIMIT 1) AS oid"
	"  FROM cur WHERE " NOTIFY_AM_HEARS("?1", "cur.status", "cur.tier", "cur.finding", "cur.name") "),"
	" told AS (SELECT heard.*, o.state, o.key, CASE WHEN o.payload ->> '$.finding'"
	"   IS heard.finding THEN o.payload END AS payload"
	"  FROM heard LEFT JOIN notify_outbox o"
	"  ON o.id = heard.oid AND o.payload ->> '$.status' = heard.status),"
	" ends(t) AS (SELECT " NOTIFY_AM_TIME("?2 + " NOTIFY_AM_HORIZON_SQL) "),"
	" a(a) AS ("
	"  SELECT " NOTIFY_AM_ALERT("c.options", "'DrtopSystemStatus'", "told.name", "told.tier",
				    "told.status", "told.finding", "told.owner",
				    "json_object('summary', coalesce(told.payload ->> '$.summary',"
				    " told.name || ': ' || told.status"
				    " || coalesce(' (' || told.finding || ')', '')), 'key', told.key,"
				    " 'cause', told.payload ->> '$.cause', 'affected', (SELECT"
				    " group_concat(x.value ->> '$.system', ', ')"
				    " FROM json_each(told.payload, '$.affected') x))",
				    NOTIFY_AM_TIME("told.at"), "ends.t")
	"  FROM told, c, ends"
	"  WHERE told.state IS NULL OR told.state IN ('delivered', 'failed')"
	"  UNION ALL SELECT " NOTIFY_AM_ALERT("c.options", "'DrtopSystemStatus'", "ended.name",
					      "ended.tier", "ended.prev", "ended.prev_finding",
					      "ended.owner",
					      "json_object('summary', ended.name || ': ' || ended.prev"
					      " || ' -> ' || ended.status)",
					      "NULL", NOTIFY_AM_TIME("ended.at"))
	"  FROM ended, c"
	/* (cleared findings: among the newest events, enough for a horizon) */
	"  UNION ALL SELECT " NOTIFY_AM_ALERT("c.options", "'DrtopFinding'", "o.payload ->> '$.system'",
					      "o.payload ->> '$.tier'", "o.payload ->> '$.severity'",
					      "o.payload ->> '$.finding'", "o.payload ->> '$.owner'",
					      "json_object('summary', o.payload ->> '$.summary', 'key', o.key)",
					      "NULL", NOTIFY_AM_TIME("o.at"))
	"  FROM (SELECT * FROM notify_outbox ORDER BY id DESC LIMIT 1000) o, c"
	"  WHERE o.channel_id = ?1 AND o.kind = 'finding' AND o.payload ->> '$.change' = 'cleared'"
	"   AND o.at >= ?2 - " NOTIFY_AM_HORIZON_SQL
	"  UNION ALL SELECT " NOTIFY_AM_ALERT("c.options", "'DrtopFinding'", "s.name", "s.tier",
					      "n.severity", "n.finding", "s.owner",
					      "json_object('summary', s.name || ': ' || n.finding,"
					      " 'key', o.key, 'detail', o.payload ->> '$.detail')",
					      "coalesce(" NOTIFY_AM_TIME("o.at") ", "
					      NOTIFY_AM_TIME("?2") ")", "ends.t")
	"  FROM notify_finding n JOIN system s ON s.id = n.system_id JOIN c JOIN ends"
	"  LEFT JOIN notify_outbox o ON o.id = (SELECT max(o2.id) FROM notify_outbox o2"
	"   WHERE o2.system_id = n.system_id AND o2.channel_id = ?1 AND o2.kind = 'finding'"
	"    AND o2.payload ->> '$.finding' = n.finding AND o2.payload ->> '$.change' = 'appeared')"
	"  WHERE EXISTS (SELECT 1 FROM notify_rule r WHERE r.channel_id = ?1"
	"   AND r.events IN ('findings', 'all')"
	"   AND " NOTIFY_AM_RANK("n.severity") " >= " NOTIFY_AM_RANK("r.min_severity")
	"   AND s.tier BETWEEN r.tier_min AND r.tier_max"
	"   AND (r.findings IS NULL OR EXISTS (SELECT 1 FROM json_each(r.findings) f"
	"    WHERE f.value = n.finding))"
	"   AND (r.systems IS NULL OR EXISTS (SELECT 1 FROM json_each(r.systems) g"
	"    WHERE s.name GLOB g.value)))"
	/* and the watchdog: firing for as long as somebody probes, for a
	 * dead-man's switch to notice when it stops */
	"  UNION ALL SELECT " NOTIFY_AM_ALERT("c.options", "'DrtopWatchdog'", "NULL", "NULL", "'none'",
					      "NULL", "NULL",
					      "json_object('summary', 'drtop is probing: this alert fires"
					      " for as long as a prober holds the lease; route it to a"
					      " dead-man''s switch')",
					      "coalesce(" NOTIFY_AM_TIME("(SELECT started_at FROM prober"
					      " WHERE id = 1)") ", " NOTIFY_AM_TIME("?2") ")", "ends.t")
	"  FROM c, ends"
	" )"
	" SELECT count(*), json_group_array(json(a)) FROM a";

struct am_refresh {
	int64_t channel;
	struct notify_post *post;
	/* the outcome of the last refresh not yet written: NONE, OK or FAILED */
	enum { OUTCOME_NONE, OUTCOME_OK, OUTCOME_FAILED } outcome;
	char *error; /* FAILED: why */
	int64_t at;  /* FAILED: when (real time) */
	int failing; /* a row says its refreshes fail (or may: unknown at the start) */
};

struct notify_am {
	struct db *db;
	struct probe_engine *pe;
	int64_t every_ms, next_ms; /* monotonic */
	struct am_refresh *r;
	size_t n, cap;
};

struct notify_am *notify_am_new(struct db *db, struct probe_engine *pe)
{
	struct notify_am *am = xcalloc(1, sizeof(*am));
	int64_t every = NOTIFY_AM_REFRESH_S;

	am->db = db;
	am->pe = pe;
	if (db_int64(db, "SELECT " NOTIFY_AM_REFRESH_SQL, &every, NULL) < 0 || every < 1)
		every = NOTIFY_AM_REFRESH_S;
	am->every_ms = every * 1000;
	return am;
}

/* The refresh of CHANNEL, made when there is none. */
static struct am_refresh *refresh_of(struct notify_am *am, int64_t channel)
{
	size_t i;

	for (i = 0; i < am->n; i++)
		if (am->r[i].channel == channel)
			return &am->r[i];
	am->r = xgrow(am->r, &am->cap, am->n + 1, sizeof(*am->r));
	memset(&am->r[am->n], 0, sizeof(am->r[am->n]));
	am->r[am->n].channel = channel;
	am->r[am->n].failing = 1; /* a row may be left by an earlier prober */
	return &am->r[am->n++];
}

static const char failed_sql[] =
	"INSERT INTO notify_refresh (channel_id, failing_since, failures, last_error, last_at)"
	" SELECT id, ?3, 1, ?2, ?3 FROM notify_channel WHERE id = ?1"
	" ON CONFLICT (channel_id) DO UPDATE SET failures = failures + 1,"
	" last_error = excluded.last_error, last_at = excluded.last_at";
static const char ok_sql[] = "DELETE FROM notify_refresh WHERE channel_id = ?1";

/* Write R's outcome, if any, at once or not at all (a locked database: at the
 * next step); a success when nothing failed before writes nothing. */
static void outcome_write(struct notify_am *am, struct am_refresh *r)
{
	struct error e = {0};
	sqlite3_stmt *st;
	int rc;

	if (r->outcome == OUTCOME_NONE)
		return;
	if (r->outcome == OUTCOME_OK && !r->failing) {
		r->outcome = OUTCOME_NONE;
		return;
	}
	if (db_try_begin(am->db, &e) < 0) {
		error_done(&e);
		return;
	}
	st = db_cached(am->db, r->outcome == OUTCOME_OK ? ok_sql : failed_sql, &e);
	if (st) {
		sqlite3_bind_int64(st, 1, r->channel);
		if (r->outcome == OUTCOME_FAILED) {
			db_bind_text(st, 2, r->error);
			sqlite3_bind_int64(st, 3, r->at);
		}
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE)
			st = NULL;
	}
	if (!st || db_commit(am->db, &e) < 0) {
		db_rollback(am->db);
		error_done(&e);
		return;
	}
	r->failing = r->outcome == OUTCOME_FAILED;
	r->outcome = OUTCOME_NONE;
	free(r->error);
	r->error = NULL;
}

/* Post what channel ID (its URL, headers, timeout) should show firing now. */
static void refresh(struct notify_am *am, struct am_refresh *r, const char *url,
		    const char *headers, int64_t timeout_ms)
{
	sqlite3_stmt *st = db_cached(am->db, refresh_sql, NULL);
	char *body = NULL, *key;

	if (!st)
		return;
	sqlite3_bind_int64(st, 1, r->channel);
	sqlite3_bind_int64(st, 2, when_real_now());
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0)
		body = db_column_strdup(st, 1);
	sqlite3_reset(st);
	if (!body) /* nothing firing: nothing to keep alive */
		return;
	key = xasprintf("refresh-%lld-%lld", (long long)r->channel, (long long)probe_now_ms());
	r->post = notify_send_post(am->db, am->pe, url, headers, timeout_ms, key, body);
	free(key);
	free(body);
}

void notify_am_step(struct notify_am *am)
{
	int64_t now = prober_clock_ms();
	sqlite3_stmt *st;
	size_t i;

	for (i = 0; i < am->n; i++) {
		struct am_refresh *r = &am->r[i];

		if (r->post && notify_send_post_ended(r->post)) {
			const char *why = notify_send_post_error(r->post);

			free(r->error);
			r->error = why ? xstrdup(why) : NULL;
			r->outcome = why ? OUTCOME_FAILED : OUTCOME_OK;
			r->at = when_real_now();
			notify_send_post_free(r->post);
			r->post = NULL;
		}
		outcome_write(am, r);
	}
	if (now < am->next_ms)
		return;
	am->next_ms = now + am->every_ms;
	st = db_cached(am->db,
		       "SELECT id, " NOTIFY_AM_URL_SQL("target") ", headers, timeout_ms"
		       " FROM notify_channel WHERE kind = 'alertmanager' AND enabled ORDER BY id",
		       NULL);
	if (!st)
		return;
	while (sqlite3_step(st) == SQLITE_ROW) {
		struct am_refresh *r = refresh_of(am, sqlite3_column_int64(st, 0));
		char *url, *headers;

		if (r->post) /* the last one still runs: this one is skipped */
			continue;
		url = db_column_strdup(st, 1);
		headers = db_column_strdup(st, 2);
		refresh(am, r, url, headers, sqlite3_column_int64(st, 3));
		free(url);
		free(headers);
	}
	sqlite3_reset(st);
}

void notify_am_free(struct notify_am *am)
{
	size_t i;

	if (!am)
		return;
	for (i = 0; i < am->n; i++) {
		notify_send_post_free(am->r[i].post);
		free(am->r[i].error);
	}
	free(am->r);
	free(am);
}

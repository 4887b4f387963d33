/*
 * notify-send.c - see notify-send.h.
 *
 * An attempt is one try at one outbox row: a POST on an easy handle of our
 * own, added to the engine's multi handle (probe_engine_transfer), or a
 * child process fed the event on its standard input (child_start_input).
 * The engine's callback only marks the attempt ended: it may run while the
 * prober's connection is reading the verdict, so every database write waits
 * for notifier_step.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "child.h"
#include "notify-am.h"
#include "notify-mail.h"
#include "notify-send.h"
#include "prober.h"
#include "strbuf.h"
#include "util.h"
#include "when.h"

#define ANSWER_KEEP 200      /* bytes of a receiver's answer kept for the error */
#define LOOK_EVERY_MS 1000   /* how often the outbox is read for its soonest row */
#define RETRY_MAX_MS 300000  /* notify_retry_max_s's default */

struct attempt {
	int64_t id; /* the outbox row; 0 for a test */
	int64_t attempts, max_attempts;
	int exec;
	CURL *easy;
	struct curl_slist *headers;
	char *body;
	struct strbuf answer;
	char errbuf[CURL_ERROR_SIZE];
	struct child child;
	int64_t timeout_ms, deadline_ms; /* monotonic */
	int running, ended, ok;
	int permanent; /* failed for good: no attempt will do better (a mail server's 5xx) */
	char *error;
	struct probe_engine *pe;
	struct notify_mail *mail; /* email: the message libcurl reads */
};

struct notifier {
	struct db *db;
	struct probe_engine *pe;
	struct attempt *a[NOTIFY_IN_FLIGHT_MAX];
	int reset;           /* rows left in flight were given back */
	int64_t looked_ms;   /* the outbox was last read for its soonest row */
	int64_t due_ms;      /* then: when its soonest pending row is due (wall clock), or -1 */
	int64_t retry_max_ms;
	struct notify_am *am; /* keeps alertmanager's firing alerts alive */
};

static void attempt_free(struct attempt *a)
{
	if (!a)
		return;
	if (a->easy) {
		if (a->running)
			probe_engine_transfer_cancel(a->pe, a->easy);
		curl_easy_cleanup(a->easy);
	}
	curl_slist_free_all(a->headers);
	if (a->exec)
		child_done(&a->child);
	free(a->body);
	free(a->error);
	strbuf_done(&a->answer);
	notify_mail_free(a->mail);
	free(a);
}

static void ended(struct attempt *a, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void ended(struct attempt *a, int ok, const char *fmt, ...)
{
	struct strbuf why = STRBUF_INIT;
	va_list ap;
	char *p;

	a->running = 0;
	a->ended = 1;
	a->ok = ok;
	if (!ok && fmt) {
		va_start(ap, fmt);
		free(a->error);
		a->error = xvasprintf(fmt, ap);
		va_end(ap);
		/* Kept in the database and shown: printable, one line. */
		child_printable(&why, a->error, strlen(a->error));
		free(a->error);
		a->error = strbuf_detach(&why);
		for (p = a->error; *p; p++)
			if (*p == '\n' || *p == '\t')
				*p = ' ';
		while (p > a->error && p[-1] == ' ')
			*--p = '\0';
	}
}

static size_t on_answer(char *data, size_t size, size_t n, void *arg)
{
	struct attempt *a = arg;

	if (a->answer.len < ANSWER_KEEP)
		strbuf_add(&a->answer, data,
			   size * n < ANSWER_KEEP - a->answer.len ? size * n : ANSWER_KEEP - a->answer.len);
	return size * n;
}

/* The engine's callback: only note the outcome (no database here). */
static void on_done(void *easy, int code, void *arg)
{
	struct attempt *a = arg;
	long status = 0;

	if (a->mail) {
		char *why = code == CURLE_OK ? NULL : notify_mail_error(a->mail, code);

		if (why) {
			ended(a, 0, "%s", why);
			a->permanent = notify_mail_permanent(a->mail, code);
		} else
			ended(a, 1, NULL);
		free(why);
		return;
	}
	curl_easy_getinfo((CURL *)easy, CURLINFO_RESPONSE_CODE, &status);
	if (code != CURLE_OK)
		ended(a, 0, "%s", a->errbuf[0] ? a->errbuf : curl_easy_strerror((CURLcode)code));
	else if (status < 200 || status > 299) {
		ended(a, 0, "HTTP %ld%s%s", status, a->answer.len ? ": " : "",
		      a->answer.len ? strbuf_str(&a->answer) : "");
		/* The receiver refused this request for good (400 malformed, 404 no
		 * such hook, 410 gone...): sending it again would only be refused
		 * again. A timeout, too many requests and every 5xx may pass later. */
		a->permanent = status >= 400 && status <= 499 && status != 408 && status != 425 &&
			       status != 429;
	} else
		ended(a, 1, NULL);
}

static int webhook_start(struct attempt *a, const char *url, char **headers, const char *key)
{
	struct error err = {0};
	char *h;
	size_t i;

	a->easy = curl_easy_init();
	if (!a->easy)
		fatal("out of memory");
	h = xasprintf("Idempotency-Key: %s", key);
	a->headers = curl_slist_append(a->headers, "Content-Type: application/json");
	a->headers = curl_slist_append(a->headers, h);
	free(h);
	for (i = 0; headers && headers[i]; i++) {
		if (probe_expand_header(headers[i], &h, &err) < 0) {
			ended(a, 0, "%s", err.msg);
			error_done(&err);
			return 0;
		}
		a->headers = curl_slist_append(a->headers, h);
		memset(h, 0, strlen(h)); /* the secret lives only in libcurl's list */
		free(h);
	}
	if (!a->headers)
		fatal("out of memory");
	if (probe_expand_url(url, &h, &err) < 0) {
		ended(a, 0, "%s", err.msg);
		error_done(&err);
		return 0;
	}
	curl_easy_setopt(a->easy, CURLOPT_URL, h); /* copied by libcurl */
	memset(h, 0, strlen(h));
	free(h);
	curl_easy_setopt(a->easy, CURLOPT_HTTPHEADER, a->headers);
	curl_easy_setopt(a->easy, CURLOPT_POSTFIELDS, a->body);
	curl_easy_setopt(a->easy, CURLOPT_POSTFIELDSIZE, (long)strlen(a->body));
	curl_easy_setopt(a->easy, CURLOPT_ERRORBUFFER, a->errbuf);
	curl_easy_setopt(a->easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(a->easy, CURLOPT_USERAGENT, "drtop/" PACKAGE_VERSION);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(a->easy, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	curl_easy_setopt(a->easy, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
	/* A redirect would carry the headers (and their secrets) elsewhere. */
	curl_easy_setopt(a->easy, CURLOPT_FOLLOWLOCATION, 0L);
	curl_easy_setopt(a->easy, CURLOPT_TIMEOUT_MS, (long)a->timeout_ms);
	curl_easy_setopt(a->easy, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)(a->timeout_ms < 5000 ? a->timeout_ms : 5000));
	curl_easy_setopt(a->easy, CURLOPT_WRITEFUNCTION, on_answer);
	curl_easy_setopt(a->easy, CURLOPT_WRITEDATA, a);
	a->running = 1;
	probe_engine_transfer(a->pe, a->easy, on_done, a);
	return 0;
}

static void exec_start(struct attempt *a, const char *command, const char *key)
{
	struct error err = {0};
	char *env[2] = {xasprintf("DRTOP_NOTIFY_KEY=%s", key), NULL};

	a->exec = 1;
	if (child_start_input(&a->child, command, env, a->body, strlen(a->body), NULL, NULL, &err) < 0) {
		a->exec = 0; /* nothing runs */
		ended(a, 0, "%s", err.msg);
		error_done(&err);
	} else {
		a->running = 1;
		a->deadline_ms = prober_clock_ms() + a->timeout_ms;
	}
	free(env[0]);
}

/* A mail of the event BODY through the server TARGET, with the channel's OPTIONS. */
static void mail_start(struct attempt *a, struct db *db, const char *target, const char *options)
{
	struct error err = {0};

	a->easy = curl_easy_init();
	if (!a->easy)
		fatal("out of memory");
	a->mail = notify_mail_new(db, a->easy, target, options, a->body, (long)a->timeout_ms, &err);
	if (!a->mail) {
		ended(a, 0, "%s", err.msg);
		error_done(&err);
		return;
	}
	a->running = 1;
	probe_engine_transfer(a->pe, a->easy, on_done, a);
}

/* Start an attempt at sending BODY through a channel of KIND to TARGET. */
static struct attempt *attempt_start(struct db *db, struct probe_engine *pe, const char *kind,
				     const char *target, char **headers, const char *options,
				     int64_t timeout_ms, const char *key, const char *body)
{
	struct attempt *a = xcalloc(1, sizeof(*a));

	a->pe = pe;
	a->timeout_ms = timeout_ms;
	a->body = xstrdup(body);
	if (!strcmp(kind, "exec"))
		exec_start(a, target, key);
	else if (!strcmp(kind, "email"))
		mail_start(a, db, target, options);
	else
		webhook_start(a, target, headers, key);
	return a;
}

/* A command's progress, without waiting: its end, or its timeout. */
static void attempt_poll(struct attempt *a)
{
	if (!a->exec || !a->running)
		return;
	if (!a->child.killed && prober_clock_ms() >= a->deadline_ms)
		child_kill(&a->child);
	if (child_poll(&a->child)) {
		char *out = child_output(&a->child), *last = out + strlen(out);

		while (last > out && last[-1] == '\n')
			*--last = '\0';
		last = strrchr(out, '\n') ? strrchr(out, '\n') + 1 : out;
		if (a->child.killed)
			ended(a, 0, "timed out after %lldms", (long long)a->timeout_ms);
		else if (a->child.status)
			ended(a, 0, "exited with status %d%s%s", a->child.status, *last ? ": " : "",
			      last);
		else
			ended(a, 1, NULL);
		free(out);
	}
}

/* --- the notifier --------------------------------------------------------- */

struct notifier *notifier_new(struct db *db, struct probe_engine *pe)
{
	struct notifier *n = xcalloc(1, sizeof(*n));
	sqlite3_stmt *st;

	n->db = db;
	n->pe = pe;
	n->retry_max_ms = RETRY_MAX_MS;
	st = db_prepare(db, "SELECT CAST(value AS INTEGER) FROM setting WHERE key = 'notify_retry_max_s'",
			NULL);
	if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0)
		n->retry_max_ms = sqlite3_column_int64(st, 0) * 1000;
	sqlite3_finalize(st);
	n->am = notify_am_new(db, pe);
	return n;
}

size_t notifier_running(const struct notifier *n)
{
	size_t i, k = 0;

	for (i = 0; i < NOTIFY_IN_FLIGHT_MAX; i++)
		k += n->a[i] != NULL;
	return k;
}

static const char record_ok_sql[] =
	"UPDATE notify_outbox SET state = 'delivered', delivered_at = ?2, last_error = NULL"
	" WHERE id = ?1 AND state = 'in-flight'";
static const char record_fail_sql[] =
	"UPDATE notify_outbox SET state = CASE WHEN attempts >= ?3 THEN 'failed' ELSE 'pending' END,"
	" next_at_ms = ?4, last_error = ?2 WHERE id = ?1 AND state = 'in-flight'";

/* After a transaction that failed with ERR: a locked (or full) database is
 * tried again at the next step (0); anything else goes to E (-1). */
static int later(struct error *err, struct error *e)
{
	int rc = 0;

	if (err->kind != ERR_BUSY && err->kind != ERR_IO)
		rc = error_set(e, err->kind, "%s", err->msg);
	error_done(err);
	return rc;
}

/* Write the attempts that ended, in one transaction; 0 when the database was
 * busy (they wait for the next step), 1 when written, -1 on an error. */
static int record(struct notifier *n, struct error *e)
{
	struct error err = {0};
	size_t i, k = 0;

	for (i = 0; i < NOTIFY_IN_FLIGHT_MAX; i++)
		k += n->a[i] && n->a[i]->ended;
	if (!k)
		return 1;
	if (db_try_begin(n->db, &err) < 0)
		goto busy;
	for (i = 0; i < NOTIFY_IN_FLIGHT_MAX; i++) {
		struct attempt *a = n->a[i];
		sqlite3_stmt *st;
		int rc;

		if (!a || !a->ended)
			continue;
		st = db_cached(n->db, a->ok ? record_ok_sql : record_fail_sql, &err);
		if (!st)
			goto undo;
		sqlite3_bind_int64(st, 1, a->id);
		if (a->ok) {
			sqlite3_bind_int64(st, 2, when_real_now());
		} else {
			db_bind_text(st, 2, a->error ? a->error : "failed");
			sqlite3_bind_int64(st, 3, a->permanent ? 0 : a->max_attempts);
			sqlite3_bind_int64(st, 4,
					   probe_now_ms() + prober_delay_ms(n->retry_max_ms, 0,
									    (int)a->attempts - 1, 0,
									    random()));
		}
		rc = sqlite3_step(st);
		sqlite3_reset(st);
		if (rc != SQLITE_DONE) {
			db_fail(n->db, &err, "recording a notification");
			goto undo;
		}
	}
	if (db_commit(n->db, &err) < 0)
		goto busy;
	for (i = 0; i < NOTIFY_IN_FLIGHT_MAX; i++)
		if (n->a[i] && n->a[i]->ended) {
			attempt_free(n->a[i]);
			n->a[i] = NULL;
		}
	return 1;
undo:
	db_rollback(n->db);
busy:
	return later(&err, e);
}

/* Run SQL (no parameters) in a transaction of its own; 0 when busy. */
static int write_now(struct notifier *n, const char *sql, struct error *e)
{
	struct error err = {0};

	if (db_try_begin(n->db, &err) == 0 && db_exec(n->db, sql, &err) == 0 &&
	    db_commit(n->db, &err) == 0)
		return 1;
	if (n->db->h && sqlite3_get_autocommit(n->db->h) == 0)
		db_rollback(n->db);
	return later(&err, e);
}

/* What is sent for the event P (JSON, without its key) with key K through a
 * channel of shape SHAPE: the event with its key; for Slack and Mattermost
 * incoming webhooks {"text": ...}, a mark for the status and the summary; for
 * a Microsoft Teams Workflows webhook a message with an Adaptive Card: the
 * summary, coloured by the status, and the event's facts. */
#define STATUS_OF(P)                                                                               \
	"coalesce(" P " ->> '$.status', CASE " P " ->> '$.change' WHEN 'cleared' THEN 'OK'"         \
	" ELSE " P " ->> '$.severity' END)"
#define BODY_SQL(SHAPE, P, K)                                                                      \
	"CASE WHEN " SHAPE " IN ('slack', 'mattermost') THEN json_object('text', CASE "            \
	STATUS_OF(P) " WHEN 'BREACH' THEN ':red_circle:' WHEN 'UNKNOWN' THEN ':grey_question:'"    \
	" WHEN 'WARN' THEN ':warning:' WHEN 'OK' THEN ':white_check_mark:'"                         \
	" ELSE ':information_source:' END || ' ' || (" P " ->> '$.summary'))"                      \
	" WHEN " SHAPE " = 'teams' THEN json_object('type', 'message', 'attachments', json_array(" \
	"  json_object('contentType', 'application/vnd.microsoft.card.adaptive', 'contentUrl', NULL," \
	"  'content', json_object('$schema', 'http://adaptivecards.io/schemas/adaptive-card.json',"  \
	"  'type', 'AdaptiveCard', 'version', '1.4', 'body', json_array("                            \
	"   json_object('type', 'TextBlock', 'text', " P " ->> '$.summary', 'weight', 'Bolder',"     \
	"    'size', 'Medium', 'wrap', json('true'), 'color', CASE " STATUS_OF(P)                    \
	"    WHEN 'BREACH' THEN 'Attention' WHEN 'WARN' THEN 'Warning' WHEN 'UNKNOWN'"                \
	"    THEN 'Accent' WHEN 'OK' THEN 'Good' ELSE 'Default' END),"                               \
	"   json_object('type', 'FactSet', 'facts', json(" NOTIFY_FACTS_SQL(P) "))),"              \
	"  'msteams', json_object('width', 'Full')))))"                                            \
	" ELSE json_set(" P ", '$.key', " K ") END"

/* Where a channel of KIND with TARGET is sent to: Alertmanager's alerts
 * endpoint below its base URL, any other's target as it is. */
#define SEND_TO_SQL(KIND, TARGET)                                                                  \
	"CASE " KIND " WHEN 'alertmanager' THEN " NOTIFY_AM_URL_SQL(TARGET) " ELSE " TARGET " END"

static const char due_sql[] =
	"SELECT o.id, o.key, CASE c.kind WHEN 'alertmanager' THEN "
	NOTIFY_AM_EVENT_SQL("o.payload", "o.key", "c", "?1 / 1000")
	" ELSE " BODY_SQL("c.shape", "o.payload", "o.key") " END, o.attempts, c.kind,"
	" " SEND_TO_SQL("c.kind", "c.target") ","
	" c.headers, c.timeout_ms, c.max_attempts, c.options"
	" FROM notify_outbox o JOIN notify_channel c ON c.id = o.channel_id AND c.enabled"
	" WHERE o.state = 'pending' AND o.next_at_ms <= ?1 ORDER BY o.next_at_ms, o.id LIMIT ?2";
static const char claim_sql[] =
	"UPDATE notify_outbox SET state = 'in-flight', attempts = attempts + 1"
	" WHERE id = ?1 AND state = 'pending'";

/* The headers of a channel (a JSON array) as a NULL-terminated list; the caller frees. */
static char **header_list(struct db *db, const char *json)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT value FROM json_each(?1)", NULL);
	char **v = xcalloc(1, sizeof(char *));
	size_t k = 0, cap = 1;

	if (!st)
		return v;
	db_bind_text(st, 1, json);
	while (sqlite3_step(st) == SQLITE_ROW) {
		v = xgrow(v, &cap, k + 2, sizeof(char *));
		v[k++] = db_column_strdup(st, 0);
		v[k] = NULL;
	}
	sqlite3_finalize(st);
	return v;
}

static void header_list_free(char **v)
{
	size_t i;

	for (i = 0; v && v[i]; i++)
		free(v[i]);
	free(v);
}

struct due {
	int64_t id, attempts, timeout_ms, max_attempts;
	char *key, *body, *kind, *target, *headers, *options;
};

static void due_free(struct due *d)
{
	free(d->key);
	free(d->body);
	free(d->kind);
	free(d->target);
	free(d->headers);
	free(d->options);
}

/* Claim the due rows there is room for, and once that is committed start
 * them; 0 when busy (nothing claimed, nothing started). */
static int start_due(struct notifier *n, struct error *e)
{
	struct error err = {0};
	size_t room = NOTIFY_IN_FLIGHT_MAX - notifier_running(n), k = 0, i, j;
	struct due d[NOTIFY_IN_FLIGHT_MAX];
	sqlite3_stmt *st, *claim;
	int rc = SQLITE_DONE, ok = 0;

	if (!room)
		return 1;
	if (db_try_begin(n->db, &err) < 0)
		goto busy;
	st = db_cached(n->db, due_sql, &err);
	claim = st ? db_cached(n->db, claim_sql, &err) : NULL;
	if (!claim)
		goto undo;
	sqlite3_bind_int64(st, 1, probe_now_ms());
	sqlite3_bind_int64(st, 2, (sqlite3_int64)room);
	/* Read first, claim after: the claim changes the index the read walks. */
	while (k < room && (rc = sqlite3_step(st)) == SQLITE_ROW) {
		d[k].id = sqlite3_column_int64(st, 0);
		d[k].key = db_column_strdup(st, 1);
		d[k].body = db_column_strdup(st, 2);
		d[k].attempts = sqlite3_column_int64(st, 3) + 1;
		d[k].kind = db_column_strdup(st, 4);
		d[k].target = db_column_strdup(st, 5);
		d[k].headers = db_column_strdup(st, 6);
		d[k].timeout_ms = sqlite3_column_int64(st, 7);
		d[k].max_attempts = sqlite3_column_int64(st, 8);
		d[k].options = db_column_strdup(st, 9);
		k++;
	}
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		db_fail(n->db, &err, "reading the notification outbox");
		sqlite3_reset(st);
		goto undo;
	}
	sqlite3_reset(st);
	for (i = 0; i < k; i++) {
		sqlite3_bind_int64(claim, 1, d[i].id);
		rc = sqlite3_step(claim);
		sqlite3_reset(claim);
		if (rc != SQLITE_DONE) {
			db_fail(n->db, &err, "claiming a notification");
			goto undo;
		}
	}
	if (db_commit(n->db, &err) < 0)
		goto busy;
	for (i = 0; i < k; i++) {
		char **headers = header_list(n->db, d[i].headers);
		struct attempt *a = attempt_start(n->db, n->pe, d[i].kind, d[i].target, headers,
						  d[i].options, d[i].timeout_ms, d[i].key, d[i].body);

		header_list_free(headers);
		a->id = d[i].id;
		a->attempts = d[i].attempts;
		a->max_attempts = d[i].max_attempts;
		for (j = 0; j < NOTIFY_IN_FLIGHT_MAX && n->a[j]; j++)
			;
		n->a[j] = a;
	}
	ok = 1;
	goto out;
undo:
	db_rollback(n->db);
busy:
	ok = later(&err, e);
out:
	for (i = 0; i < k; i++)
		due_free(&d[i]);
	return ok;
}

/* When the soonest pending row is due (wall clock, ms), or -1: a read, no lock. */
static int64_t soonest(struct notifier *n)
{
	sqlite3_stmt *st = db_cached(n->db,
				     "SELECT min(next_at_ms) FROM notify_outbox WHERE state = 'pending'",
				     NULL);
	int64_t due = -1;

	if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL)
		due = sqlite3_column_int64(st, 0);
	if (st)
		sqlite3_reset(st);
	return due;
}

int notifier_step(struct notifier *n, struct error *e)
{
	int64_t now = prober_clock_ms();
	size_t i;
	int rc, ended = 0;

	notify_am_step(n->am);
	/* We hold the lease: what another holder left in flight is ours to send. */
	if (!n->reset) {
		rc = write_now(n, "UPDATE notify_outbox SET state = 'pending' WHERE state = 'in-flight'", e);
		if (rc <= 0)
			return rc;
		n->reset = 1;
	}
	for (i = 0; i < NOTIFY_IN_FLIGHT_MAX; i++)
		if (n->a[i]) {
			attempt_poll(n->a[i]);
			ended += n->a[i]->ended;
		}
	if (ended && (rc = record(n, e)) <= 0)
		return rc;
	/* Rows come from other processes too: look again every second, and at
	 * once after a change of ours. Between looks, a row due starts on time. */
	if (ended || now - n->looked_ms >= LOOK_EVERY_MS) {
		n->looked_ms = now;
		n->due_ms = soonest(n);
	}
	if (n->due_ms < 0 || probe_now_ms() < n->due_ms ||
	    notifier_running(n) >= NOTIFY_IN_FLIGHT_MAX)
		return 0;
	rc = start_due(n, e);
	if (rc > 0)
		n->looked_ms = 0; /* claimed: the next due row is another */
	return rc < 0 ? -1 : 0;
}

void notifier_free(struct notifier *n, int write)
{
	struct error err = {0};
	size_t i;

	if (!n)
		return;
	for (i = 0; i < NOTIFY_IN_FLIGHT_MAX; i++)
		if (n->a[i])
			attempt_poll(n->a[i]);
	if (write && n->db->h && !db_replaced(n->db) && record(n, &err) >= 0) {
		/* What still runs is abandoned: pending again, for the next holder. */
		for (i = 0; i < NOTIFY_IN_FLIGHT_MAX; i++)
			if (n->a[i] && n->db->h && db_try_begin(n->db, &err) == 0) {
				sqlite3_stmt *st = db_prepare(n->db,
							      "UPDATE notify_outbox SET state = 'pending'"
							      " WHERE id = ?1 AND state = 'in-flight'",
							      &err);

				if (st) {
					sqlite3_bind_int64(st, 1, n->a[i]->id);
					sqlite3_step(st);
					sqlite3_finalize(st);
				}
				if (db_commit(n->db, &err) < 0)
					db_rollback(n->db);
			}
	}
	error_done(&err);
	for (i = 0; i < NOTIFY_IN_FLIGHT_MAX; i++)
		attempt_free(n->a[i]);
	notify_am_free(n->am);
	free(n);
}

/* --- a test --------------------------------------------------------------- */

int notify_send_test(struct db *db, const char *name, struct error *e)
{
	sqlite3_stmt *st = db_prepare(db,
				      "SELECT kind, " SEND_TO_SQL("kind", "target") ", headers, timeout_ms, key,"
				      " CASE kind WHEN 'alertmanager' THEN " NOTIFY_AM_TEST_SQL("x", "key", "?2")
				      " ELSE " BODY_SQL("shape", "p", "key") " END, options"
				      " FROM (SELECT c.*, k.key, json_object('version', 1, 'event', 'test',"
				      "  'channel', c.name, 'at', strftime('%Y-%m-%dT%H:%M:%SZ', ?2, 'unixepoch'),"
				      "  'at_unix', ?2, 'summary', 'drtop test notification for channel '"
				      "  || c.name) AS p"
				      "  FROM notify_channel c, (SELECT lower(hex(randomblob(16))) AS key) k"
				      "  WHERE c.name = ?1) x",
				      e);
	struct probe_engine *pe;
	struct attempt *a;
	char **headers;
	int rc;

	if (!st)
		return -1;
	db_bind_text(st, 1, name);
	sqlite3_bind_int64(st, 2, when_real_now());
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return db_fail(db, e, "reading channels");
		return error_set(e, ERR_DATA,
				 "no notification channel named '%s' (see 'drtop notify list')", name);
	}
	pe = probe_engine_new(NULL, NULL, NULL, e);
	if (!pe) {
		sqlite3_finalize(st);
		return -1;
	}
	headers = header_list(db, (const char *)sqlite3_column_text(st, 2));
	a = attempt_start(db, pe, (const char *)sqlite3_column_text(st, 0),
			  (const char *)sqlite3_column_text(st, 1), headers,
			  (const char *)sqlite3_column_text(st, 6), sqlite3_column_int64(st, 3),
			  (const char *)sqlite3_column_text(st, 4), (const char *)sqlite3_column_text(st, 5));
	header_list_free(headers);
	sqlite3_finalize(st);
	rc = 0;
	while (!a->ended && rc == 0) {
		rc = probe_engine_step(pe, a->exec ? 20 : 200, -1, NULL, e);
		attempt_poll(a);
	}
	if (rc == 0 && !a->ok)
		rc = error_set(e, ERR_IO, "channel %s: the test notification was not delivered: %s",
			       name, a->error ? a->error : "failed");
	attempt_free(a);
	probe_engine_free(pe);
	return rc;
}

/* --- posts for other modules ---------------------------------------------- */

struct notify_post {
	struct attempt *a;
};

struct notify_post *notify_send_post(struct db *db, struct probe_engine *pe, const char *url,
				     const char *headers, int64_t timeout_ms, const char *key,
				     const char *body)
{
	struct notify_post *p = xmalloc(sizeof(*p));
	char **hl = header_list(db, headers);

	p->a = attempt_start(db, pe, "webhook", url, hl, NULL, timeout_ms, key, body);
	header_list_free(hl);
	return p;
}

int notify_send_post_ended(const struct notify_post *p)
{
	return p->a->ended;
}

const char *notify_send_post_error(const struct notify_post *p)
{
	return p->a->ok ? NULL : p->a->error ? p->a->error : "failed";
}

void notify_send_post_free(struct notify_post *p)
{
	if (p) {
		attempt_free(p->a);
		free(p);
	}
}

/*
 * inventory.c - see inventory.h.
 *
 * Validation happens here, not in the schema alone: the CHECK constraints
 * are the last line of defence (and what protects the data from other
 * SQLite clients), but their messages do not say what was wrong, so every
 * value is checked first with a message a person can act on.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cron.h"
#include "evidence.h"
#include "duration.h"
#include "inventory.h"
#include "probe.h"
#include "strbuf.h"
#include "url.h"
#include "util.h"
#include "when.h"

/* Horizon over which a cron schedule's largest gap is measured. */
#define GAP_HORIZON_S (366 * 86400LL)

int inventory_name_check(const char *what, const char *name, struct error *e)
{
	size_t n = name ? strlen(name) : 0;

	if (n == 0)
		return error_set(e, ERR_DATA, "empty %s name", what);
	if (n > 64)
		return error_set(e, ERR_DATA, "%s name '%.64s...' is longer than 64 characters",
				 what, name);
	if (!isalnum((unsigned char)name[0]) ||
	    strspn(name, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._-") != n) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_json_string(&sb, name);
		error_set(e, ERR_DATA,
			  "bad %s name %s: use letters, digits, '.', '_' and '-', "
			  "starting with a letter or digit",
			  what, strbuf_str(&sb));
		strbuf_done(&sb);
		return -1;
	}
	return 0;
}

int inventory_text_check(const char *what, const char *s, struct error *e)
{
	const char *why = s ? str_text_problem(s, strlen(s)) : NULL;

	if (why)
		return error_set(e, ERR_DATA, "%s %s", what, why);
	if (s && strlen(s) > TEXT_MAX)
		return error_set(e, ERR_DATA, "%s is longer than %d bytes", what, TEXT_MAX);
	return 0;
}

int inventory_step(struct db *db, sqlite3_stmt *st, struct error *e)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		db_fail(db, e, "database");
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	return 0;
}

/* Step the cached statement ST once and reset it (for statements kept with
 * db_cached, which an import runs thousands of times). */
static int cached_step(struct db *db, sqlite3_stmt *st, struct error *e)
{
	int rc = sqlite3_step(st);

	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		db_fail(db, e, "database");
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* Run a one-value lookup; returns 1 found, 0 not found, -1 error. */
static int lookup_id(struct db *db, const char *sql, const char *a, int64_t b, int64_t *id,
		     struct error *e)
{
	sqlite3_stmt *st = db_cached(db, sql, e); /* SQL is a literal: one per call site */
	int rc;

	if (!st)
		return -1;
	db_bind_text(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && id)
		*id = sqlite3_column_int64(st, 0);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		db_fail(db, e, "database");
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return -1;
	return rc == SQLITE_ROW;
}

int inventory_system_id(struct db *db, const char *name, int64_t *id, struct error *e)
{
	int rc = lookup_id(db, "SELECT id FROM system WHERE name = ?1", name, 0, id, e);

	if (rc == 0) {
		struct strbuf sb = STRBUF_INIT;

		strbuf_json_string(&sb, name);
		error_set(e, ERR_DATA, "unknown system %s (see 'drtop system list')",
			  strbuf_str(&sb));
		strbuf_done(&sb);
		return -1;
	}
	return rc < 0 ? -1 : 0;
}

/* --- systems ------------------------------------------------------------ */

void inventory_system_defaults(struct inventory_system *s)
{
	memset(s, 0, sizeof(*s));
	s->tier = 2;
	s->owner = "";
	s->description = "";
	s->enabled = 1;
}

static int strategy_check(struct db *db, const char *name, struct error *e)
{
	static const char strategies_sql[] = "SELECT name FROM strategy ORDER BY cost_tier, name";
	struct strbuf known = STRBUF_INIT;
	sqlite3_stmt *st;
	int found = 0;

	if (!name || !*name)
		return 0;
	st = db_cached(db, strategies_sql, e);
	if (!st)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *n = (const char *)sqlite3_column_text(st, 0);

		found |= !strcmp(n, name);
		strbuf_printf(&known, "%s%s", known.len ? ", " : "", n);
	}
	sqlite3_reset(st);
	if (!found) {
		struct strbuf q = STRBUF_INIT;

		strbuf_json_string(&q, name);
		error_set(e, ERR_DATA, "unknown strategy %s (known: %s)", strbuf_str(&q),
			  strbuf_str(&known));
		strbuf_done(&q);
	}
	strbuf_done(&known);
	return found ? 0 : -1;
}

static int system_check(struct db *db, const struct inventory_system *s, struct error *e)
{
	if (inventory_name_check("system", s->name, e) < 0)
		return -1;
	if (s->rto_s <= 0 || s->rpo_s <= 0)
		return error_set(e, ERR_DATA, "RTO and RPO targets must be greater than zero");
	if (s->tier < 0 || s->tier > 3)
		return error_set(e, ERR_DATA, "tier must be 0 (most critical) to 3, not %ld", s->tier);
	if (inventory_text_check("owner", s->owner, e) < 0 ||
	    inventory_text_check("description", s->description, e) < 0)
		return -1;
	return strategy_check(db, s->strategy, e);
}

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* When a new row of the plan comes into force: SINCE when the plan is
 * back-filled (--since), else now by the real clock. Changes to existing rows
 * always take the real clock: --now moves only the verdict's clock. */
static int64_t in_force(int64_t since)
{
	return since ? since : when_real_now();
}

/* Write S over the row ID (or insert when ID is 0), unless nothing differs. */
static int system_write(struct db *db, int64_t id, const struct inventory_system *s, int *changed,
			struct error *e)
{
	static const char insert_sql[] =
		"INSERT INTO main.system (name, rto_s, rpo_s, strategy, tier, owner, description, "
		"enabled, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)";
	static const char update_sql[] =
		"UPDATE main.system SET name = ?1, rto_s = ?2, rpo_s = ?3, strategy = ?4, tier = ?5, "
		"owner = ?6, description = ?7, enabled = ?8, updated_at = ?9 WHERE id = ?10 AND "
		"(name, rto_s, rpo_s, strategy, tier, owner, description, enabled) IS NOT "
		"(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
	/* kept prepared: compiling the statement with its ledger and audit triggers
	 * costs more than running it, and an import writes thousands of rows */
	sqlite3_stmt *st = db_cached(db, id ? update_sql : insert_sql, e);

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, s->rto_s);
	sqlite3_bind_int64(st, 3, s->rpo_s);
	db_bind_text(st, 4, nonempty(s->strategy));
	sqlite3_bind_int64(st, 5, s->tier);
	db_bind_text(st, 6, s->owner ? s->owner : "");
	db_bind_text(st, 7, s->description ? s->description : "");
	sqlite3_bind_int(st, 8, s->enabled ? 1 : 0);
	sqlite3_bind_int64(st, 9, id ? when_real_now() : in_force(s->since));
	if (id)
		sqlite3_bind_int64(st, 10, id);
	if (cached_step(db, st, e) < 0)
		return -1;
	if (changed)
		*changed = sqlite3_changes(db->h) > 0;
	return 0;
}

int inventory_system_put(struct db *db, const struct inventory_system *s, unsigned flags,
			 int *changed, struct error *e)
{
	int64_t id = 0;
	int rc;

	if (system_check(db, s, e) < 0)
		return -1;
	rc = lookup_id(db, "SELECT id FROM system WHERE name = ?1", s->name, 0, &id, e);
	if (rc < 0)
		return -1;
	if (rc && !(flags & INVENTORY_UPSERT))
		return error_set(e, ERR_DATA,
				 "system '%s' already exists (use 'drtop system set' to change it)",
				 s->name);
	return system_write(db, rc ? id : 0, s, changed, e);
}

int inventory_system_set(struct db *db, const char *name, const struct inventory_system *s,
			 unsigned mask, int *changed, struct error *e)
{
	struct inventory_system cur;
	sqlite3_stmt *st;
	char *strategy = NULL, *owner = NULL, *description = NULL;
	int64_t id, other;
	int rc;

	if (inventory_system_id(db, name, &id, e) < 0)
		return -1;
	st = db_prepare(db,
			"SELECT rto_s, rpo_s, strategy, tier, owner, description, enabled "
			"FROM system WHERE id = ?1",
			e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) != SQLITE_ROW) {
		sqlite3_finalize(st);
		return db_fail(db, e, "database");
	}
	cur.name = name;
	cur.rto_s = sqlite3_column_int64(st, 0);
	cur.rpo_s = sqlite3_column_int64(st, 1);
	if (sqlite3_column_type(st, 2) != SQLITE_NULL)
		strategy = xstrdup((const char *)sqlite3_column_text(st, 2));
	cur.strategy = strategy;
	cur.tier = sqlite3_column_int(st, 3);
	cur.owner = owner = xstrdup((const char *)sqlite3_column_text(st, 4));
	cur.description = description = xstrdup((const char *)sqlite3_column_text(st, 5));
	cur.enabled = sqlite3_column_int(st, 6);
	sqlite3_finalize(st);

	if (mask & SYS_NAME)
		cur.name = s->name;
	if (mask & SYS_RTO)
		cur.rto_s = s->rto_s;
	if (mask & SYS_RPO)
		cur.rpo_s = s->rpo_s;
	if (mask & SYS_STRATEGY)
		cur.strategy = s->strategy;
	if (mask & SYS_TIER)
		cur.tier = s->tier;
	if (mask & SYS_OWNER)
		cur.owner = s->owner;
	if (mask & SYS_DESCRIPTION)
		cur.description = s->description;
	if (mask & SYS_ENABLED)
		cur.enabled = s->enabled;
	rc = system_check(db, &cur, e);
	if (rc == 0 && (mask & SYS_NAME) && strcmp(name, s->name)) {
		rc = lookup_id(db, "SELECT id FROM system WHERE name = ?1", s->name, 0, &other, e);
		if (rc > 0)
			rc = error_set(e, ERR_DATA, "system '%s' already exists", s->name);
	}
	if (rc == 0)
		rc = system_write(db, id, &cur, changed, e);
	free(strategy);
	free(owner);
	free(description);
	return rc;
}

static int64_t count(struct db *db, const char *sql, int64_t id)
{
	sqlite3_stmt *st = db_prepare(db, sql, NULL);
	int64_t n = 0;

	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		n = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return n;
}

int inventory_system_rm(struct db *db, const char *name, int force, struct error *e)
{
	static const struct {
		const char *what, *sql;
	} holds[] = {
		{"endpoint(s)", "SELECT count(*) FROM endpoint WHERE system_id = ?1"},
		{"backup schedule(s)", "SELECT count(*) FROM backup_schedule WHERE system_id = ?1"},
		{"system(s) depending on it",
		 "SELECT count(*) FROM dependency WHERE depends_on = ?1"},
		{"check-in(s)", "SELECT count(*) FROM checkin WHERE system_id = ?1"},
		{"drill(s)", "SELECT count(*) FROM drill WHERE system_id = ?1"},
		{"outage(s)", "SELECT count(*) FROM outage WHERE system_id = ?1"},
	};
	struct strbuf what = STRBUF_INIT;
	sqlite3_stmt *st;
	int64_t id;
	size_t i;

	if (inventory_system_id(db, name, &id, e) < 0)
		return -1;
	if (!force) {
		for (i = 0; i < sizeof(holds) / sizeof(holds[0]); i++) {
			int64_t n = count(db, holds[i].sql, id);

			if (n)
				strbuf_printf(&what, "%s%lld %s", what.len ? ", " : "", (long long)n,
					      holds[i].what);
		}
		if (what.len) {
			error_set(e, ERR_DATA,
				  "system '%s' has %s; use --force to remove it with all of them",
				  name, strbuf_str(&what));
			strbuf_done(&what);
			return -1;
		}
	}
	st = db_prepare(db, "DELETE FROM main.system WHERE id = ?1", e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	return inventory_step(db, st, e);
}

/* --- endpoints ---------------------------------------------------------- */

void inventory_endpoint_defaults(struct inventory_endpoint *ep)
{
	memset(ep, 0, sizeof(*ep));
	ep->kind = "health";
	ep->interval_ms = 60000;
	ep->timeout_ms = 10000;
	ep->expect = PROBE_EXPECT_DEFAULT;
	ep->tls_verify = 1;
	ep->enabled = 1;
}

static int expect_check(const char *s, struct error *e)
{
	const char *p = s;

	while (*p) {
		long lo, hi;
		char *end;

		if (!isdigit((unsigned char)*p))
			goto bad;
		lo = hi = strtol(p, &end, 10);
		p = end;
		if (*p == '-') {
			p++;
			if (!isdigit((unsigned char)*p))
				goto bad;
			hi = strtol(p, &end, 10);
			p = end;
		}
		if (lo < 100 || hi > 599 || hi < lo)
			goto bad;
		if (*p == ',' && p[1])
			p++;
		else if (*p)
			goto bad;
	}
	if (*s)
		return 0;
bad:
	return error_set(e, ERR_DATA,
			 "malformed status codes '%s': expected codes and ranges from 100 to "
			 "599, e.g. 200,204,300-399",
			 s);
}

int inventory_header_check(const char *h, struct error *e)
{
	size_t name = strspn(h, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
				"0123456789!#$%&'*+-.^_`|~");
	const char *why;

	if (name == 0 || h[name] != ':')
		return error_set(e, ERR_DATA, "malformed header '%s': expected 'Name: value'", h);
	why = strlen(h) > TEXT_MAX ? "is too long" : str_text_problem(h, strlen(h));
	if (why)
		return error_set(e, ERR_DATA, "header '%.*s' %s", (int)name, h, why);
	if (!str_vars_ok(h))
		return error_set(e, ERR_DATA,
				 "header '%.*s': malformed variable reference (expected ${NAME})",
				 (int)name, h);
	/* A secret by its name, with a value that is not blank and names no variable. */
	if (str_name_is_secret(h, name) && !strstr(h, "${") &&
	    h[name + 1 + strspn(h + name + 1, " \t")]) {
		struct strbuf var = STRBUF_INIT;
		size_t i;

		for (i = 0; i < name; i++)
			strbuf_putc(&var, isalnum((unsigned char)h[i])
						  ? (char)toupper((unsigned char)h[i])
						  : '_');
		/* The value is not echoed: it is the secret. */
		error_set(e, ERR_DATA,
			  "header %.*s holds a literal secret, and drtop never stores secrets: name "
			  "an environment variable instead, read at probe time, e.g. '%.*s: ${%s}'",
			  (int)name, h, (int)name, h, strbuf_str(&var));
		strbuf_done(&var);
		return -1;
	}
	return 0;
}

/* A JSON path as SQLite reads it: $ then .key, ."quoted key", [N] or [#-N] steps. */
static int json_path_check(const char *path, struct error *e)
{
	const char *p = path + 1;

	while (*p) {
		if (*p == '.' && p[1] == '"') {
			const char *q = strchr(p + 2, '"');

			if (!q || q == p + 2)
				goto bad;
			p = q + 1;
		} else if (*p == '.') {
			size_t n = strspn(p + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
						 "0123456789_-");

			if (n == 0)
				goto bad;
			p += 1 + n;
		} else if (*p == '[') {
			size_t n;

			p++;
			if (!strncmp(p, "#-", 2))
				p += 2;
			n = strspn(p, "0123456789");
			if (n == 0 || p[n] != ']')
				goto bad;
			p += n + 1;
		} else {
			goto bad;
		}
	}
	return 0;
bad:
	return error_set(e, ERR_DATA, "malformed JSON path '%s' (expected e.g. $.last_backup "
				      "or $.replicas[0].lag_seconds)", path);
}

int inventory_endpoint_check(const struct inventory_endpoint *ep, struct error *e)
{
	char d[DURATION_BUFSZ];
	size_t i;

	if (url_check(ep->url, e) < 0)
		return -1;
	if (strcmp(ep->kind, "health") && strcmp(ep->kind, "freshness"))
		return error_set(e, ERR_DATA, "endpoint kind must be health or freshness, not '%s'",
				 ep->kind);
	if (ep->interval_ms < 100)
		return error_set(e, ERR_DATA, "probe interval must be at least 100ms, not %s",
				 duration_format_ms(ep->interval_ms, d));
	if (ep->timeout_ms < 100)
		return error_set(e, ERR_DATA, "probe timeout must be at least 100ms, not %s",
				 duration_format_ms(ep->timeout_ms, d));
	/* A probe holds its slot this long, and a silence shorter than three
	 * intervals plus it is not seen as a gap in probing. */
	if (ep->timeout_ms > INVENTORY_TIMEOUT_MAX_MS)
		return error_set(e, ERR_DATA, "probe timeout must be at most 10m, not %s",
				 duration_format_ms(ep->timeout_ms, d));
	if (expect_check(ep->expect, e) < 0)
		return -1;
	if (inventory_text_check("body match", ep->body_match, e) < 0)
		return -1;
	if (ep->body_match && !*ep->body_match)
		return error_set(e, ERR_DATA, "empty body match");
	if (ep->json_path && ep->json_path[0] != '$')
		return error_set(e, ERR_DATA, "malformed JSON path '%s': it starts with $, e.g. "
					      "$.last_backup", ep->json_path);
	if (ep->json_path && json_path_check(ep->json_path, e) < 0)
		return -1;
	if (ep->json_path && strcmp(ep->kind, "freshness"))
		return error_set(e, ERR_DATA, "a JSON path belongs to a freshness endpoint "
					      "(--kind freshness)");
	if (ep->max_latency_ms < 0)
		return error_set(e, ERR_DATA, "latency threshold must be positive");
	for (i = 0; i < ep->nheaders; i++)
		if (inventory_header_check(ep->headers[i], e) < 0)
			return -1;
	return 0;
}

/* Insert EP for system SYS (ID 0), or write all of its fields over endpoint ID. */
static int endpoint_write(struct db *db, int64_t sys, int64_t id, const struct inventory_endpoint *ep,
			  int *changed, struct error *e)
{
	static const char insert_sql[] =
		"INSERT INTO main.endpoint (system_id, url, kind, interval_ms, timeout_ms, expect, "
		"body_match, json_path, headers, max_latency_ms, tls_verify, enabled, created_at, "
		"updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?13)";
	static const char update_sql[] =
		"UPDATE main.endpoint SET url = ?2, kind = ?3, interval_ms = ?4, timeout_ms = ?5, "
		"expect = ?6, body_match = ?7, json_path = ?8, headers = ?9, max_latency_ms = ?10, "
		"tls_verify = ?11, enabled = ?12, updated_at = ?13 WHERE id = ?14 AND "
		"(url, kind, interval_ms, timeout_ms, expect, body_match, json_path, headers, "
		"max_latency_ms, tls_verify, enabled) IS NOT "
		"(?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
	struct strbuf headers = STRBUF_INIT;
	sqlite3_stmt *st;
	size_t i;
	int rc;

	strbuf_putc(&headers, '[');
	for (i = 0; i < ep->nheaders; i++) {
		if (i)
			strbuf_putc(&headers, ',');
		strbuf_json_string(&headers, ep->headers[i]);
	}
	strbuf_putc(&headers, ']');
	st = db_cached(db, id ? update_sql : insert_sql, e); /* kept prepared, as above */
	if (!st) {
		strbuf_done(&headers);
		return -1;
	}
	sqlite3_bind_int64(st, 1, sys);
	sqlite3_bind_text(st, 2, ep->url, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, ep->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, ep->interval_ms);
	sqlite3_bind_int64(st, 5, ep->timeout_ms);
	sqlite3_bind_text(st, 6, ep->expect, -1, SQLITE_STATIC);
	db_bind_text(st, 7, ep->body_match);
	db_bind_text(st, 8, ep->json_path);
	sqlite3_bind_text(st, 9, strbuf_str(&headers), -1, SQLITE_TRANSIENT);
	if (ep->max_latency_ms > 0)
		sqlite3_bind_int64(st, 10, ep->max_latency_ms);
	sqlite3_bind_int(st, 11, ep->tls_verify ? 1 : 0);
	sqlite3_bind_int(st, 12, ep->enabled ? 1 : 0);
	sqlite3_bind_int64(st, 13, id ? when_real_now() : in_force(ep->since));
	if (id)
		sqlite3_bind_int64(st, 14, id);
	rc = cached_step(db, st, e);
	strbuf_done(&headers);
	if (rc < 0)
		return -1;
	if (changed)
		*changed = sqlite3_changes(db->h) > 0;
	return 0;
}

/* The endpoint of system SYS with URL and KIND other than EXCEPT: its id, 0 when none. */
static int64_t endpoint_find(struct db *db, int64_t sys, const char *url, const char *kind,
			     int64_t except)
{
	static const char find_sql[] = "SELECT id FROM endpoint WHERE system_id = ?1 AND url = ?2"
				       " AND kind = ?3 AND id <> ?4";
	sqlite3_stmt *st = db_cached(db, find_sql, NULL);
	int64_t id = 0;

	if (!st)
		return 0;
	sqlite3_bind_int64(st, 1, sys);
	sqlite3_bind_text(st, 2, url, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, except);
	if (sqlite3_step(st) == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	return id;
}

int inventory_endpoint_put(struct db *db, const char *system, const struct inventory_endpoint *ep,
			   unsigned flags, int64_t *id_out, int *changed, struct error *e)
{
	int64_t sys, id;

	if (inventory_system_id(db, system, &sys, e) < 0 || inventory_endpoint_check(ep, e) < 0)
		return -1;
	id = endpoint_find(db, sys, ep->url, ep->kind, 0);
	if (id && !(flags & INVENTORY_UPSERT))
		return error_set(e, ERR_DATA, "system '%s' already has a %s endpoint %s (id %lld)",
				 system, ep->kind, ep->url, (long long)id);
	if (endpoint_write(db, sys, id, ep, changed, e) < 0)
		return -1;
	if (id_out)
		*id_out = id ? id : sqlite3_last_insert_rowid(db->h);
	return 0;
}

int inventory_endpoint_set(struct db *db, int64_t id, const struct inventory_endpoint *ep,
			   int *changed, struct error *e)
{
	sqlite3_stmt *st;
	int64_t sys = 0, other;

	if (inventory_endpoint_check(ep, e) < 0)
		return -1;
	st = db_prepare(db, "SELECT system_id FROM endpoint WHERE id = ?1", e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW)
		sys = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (!sys)
		return error_set(e, ERR_DATA, "no endpoint with id %lld", (long long)id);
	other = endpoint_find(db, sys, ep->url, ep->kind, id);
	if (other)
		return error_set(e, ERR_DATA, "the system already has a %s endpoint %s (id %lld)",
				 ep->kind, ep->url, (long long)other);
	return endpoint_write(db, sys, id, ep, changed, e);
}

int inventory_endpoint_rm(struct db *db, int64_t id, int purge, struct error *e)
{
	sqlite3_stmt *st;
	int64_t outages = 0, results = 0;

	/* The evidence goes with the endpoint (its outages, results and rollups):
	 * not on one word, for a breach removed would leave the verdict, and
	 * every --as-of of the past, as if it never happened. */
	if (!purge &&
	    (db_run3(db, "SELECT count(*) FROM main.outage WHERE endpoint_id = ?1", 0, id, 0, 0,
		     &outages, "counting the endpoint's outages", e) < 0 ||
	     db_run3(db, "SELECT (SELECT count(*) FROM main.probe_result WHERE endpoint_id = ?1)"
			 " + (SELECT coalesce(sum(probes), 0) FROM main.probe_rollup WHERE endpoint_id = ?1)",
		     0, id, 0, 0, &results, "counting the endpoint's probes", e) < 0))
		return -1;
	if (outages || results)
		return error_set(e, ERR_DATA,
				 "endpoint %lld has recorded evidence (%lld outage%s, %lld probe%s): "
				 "removing it erases that from the verdict and from every --as-of; "
				 "--purge removes it with its evidence (the ledger keeps the trace)",
				 (long long)id, (long long)outages, outages == 1 ? "" : "s",
				 (long long)results, results == 1 ? "" : "s");
	st = db_prepare(db, "DELETE FROM main.endpoint WHERE id = ?1", e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (inventory_step(db, st, e) < 0)
		return -1;
	if (sqlite3_changes(db->h) == 0)
		return error_set(e, ERR_DATA, "no endpoint with id %lld (see 'drtop endpoint list')",
				 (long long)id);
	return 0;
}

/* --- backup schedules --------------------------------------------------- */

void inventory_schedule_defaults(struct inventory_schedule *s)
{
	memset(s, 0, sizeof(*s));
	s->grace_s = -1; /* the backup_grace_s setting */
}

int inventory_schedule_check(struct inventory_schedule *s, struct error *e)
{
	struct cron *c;

	if (inventory_name_check("schedule", s->name, e) < 0)
		return -1;
	if (!s->cron == !s->every_s)
		return error_set(e, ERR_DATA, "a schedule needs either a cron expression or a fixed "
					      "interval (--cron EXPR or --every DUR), not both");
	if (s->duration_s < 0 || s->grace_s < -1)
		return error_set(e, ERR_DATA, "duration and grace cannot be negative");
	if (s->every_s) {
		if (s->tz)
			return error_set(e, ERR_DATA, "a time zone applies to a cron schedule only");
		s->max_gap_s = s->every_s;
		return 0;
	}
	c = cron_new(s->cron, s->tz, e);
	if (!c)
		return -1;
	if (cron_max_gap(c, when_now(), GAP_HORIZON_S, &s->max_gap_s) < 0) {
		cron_free(c);
		return error_set(e, ERR_DATA, "cron expression '%s' never runs", s->cron);
	}
	cron_free(c);
	return 0;
}

int inventory_schedule_put(struct db *db, const char *system, const struct inventory_schedule *s,
			   unsigned flags, int *changed, struct error *e)
{
	static const char insert_sql[] =
		"INSERT INTO main.backup_schedule (system_id, name, cron, tz, every_s, duration_s, "
		"grace_s, max_gap_s, created_at, updated_at) "
		"VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)";
	static const char update_sql[] =
		"UPDATE main.backup_schedule SET cron = ?3, tz = ?4, every_s = ?5, duration_s = ?6, "
		"grace_s = ?7, max_gap_s = ?8, updated_at = ?9 WHERE id = ?10 AND "
		"(cron, tz, every_s, duration_s, grace_s, max_gap_s) IS NOT "
		"(?3, ?4, ?5, ?6, ?7, ?8)";
	struct inventory_schedule checked = *s; /* checked once: an import has done it already */
	sqlite3_stmt *st;
	int64_t sys, id = 0, gap;
	const char *tz = s->tz;
	int rc;

	if (inventory_system_id(db, system, &sys, e) < 0 ||
	    (!checked.max_gap_s && inventory_schedule_check(&checked, e) < 0))
		return -1;
	gap = checked.max_gap_s;
	rc = lookup_id(db, "SELECT id FROM backup_schedule WHERE name = ?1 AND system_id = ?2",
		       s->name, sys, &id, e);
	if (rc < 0)
		return -1;
	if (rc && !(flags & INVENTORY_UPSERT))
		return error_set(e, ERR_DATA, "system '%s' already has a schedule '%s'", system,
				 s->name);
	/* The runs due so far were due under the expression in force until now. */
	if (rc && evidence_due_extend(db, id, when_real_now(), e) < 0)
		return -1;
	/* kept prepared: compiling the statement with its ledger and audit triggers
	 * costs more than running it, and an import adds thousands of schedules */
	st = db_cached(db, rc ? update_sql : insert_sql, e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, sys);
	sqlite3_bind_text(st, 2, s->name, -1, SQLITE_TRANSIENT);
	db_bind_text(st, 3, s->cron);
	db_bind_text(st, 4, tz);
	if (s->every_s)
		sqlite3_bind_int64(st, 5, s->every_s);
	sqlite3_bind_int64(st, 6, s->duration_s);
	if (s->grace_s >= 0)
		sqlite3_bind_int64(st, 7, s->grace_s);
	sqlite3_bind_int64(st, 8, gap);
	sqlite3_bind_int64(st, 9, rc ? when_real_now() : in_force(s->since));
	if (rc)
		sqlite3_bind_int64(st, 10, id);
	if (cached_step(db, st, e) < 0)
		return -1;
	if (changed)
		*changed = sqlite3_changes(db->h) > 0;
	return 0;
}

int inventory_schedule_rm(struct db *db, const char *system, const char *name, struct error *e)
{
	sqlite3_stmt *st;
	int64_t sys;

	if (inventory_system_id(db, system, &sys, e) < 0)
		return -1;
	st = db_prepare(db, "DELETE FROM main.backup_schedule WHERE system_id = ?1 AND name = ?2", e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, sys);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	if (inventory_step(db, st, e) < 0)
		return -1;
	if (sqlite3_changes(db->h) == 0)
		return error_set(e, ERR_DATA, "system '%s' has no schedule '%s'", system, name);
	return 0;
}

/* --- dependencies ------------------------------------------------------- */

int inventory_depend_add(struct db *db, const char *system, const char *on, unsigned flags,
			 int *changed, struct error *e)
{
	static const char insert_sql[] = "INSERT INTO main.dependency (system_id, depends_on, created_at)"
					 " VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING";
	sqlite3_stmt *st;
	int64_t a, b;

	if (inventory_system_id(db, system, &a, e) < 0 || inventory_system_id(db, on, &b, e) < 0)
		return -1;
	if (a == b)
		return error_set(e, ERR_DATA, "a system cannot depend on itself");
	st = db_cached(db, insert_sql, e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	sqlite3_bind_int64(st, 3, when_real_now());
	if (cached_step(db, st, e) < 0)
		return -1;
	if (changed)
		*changed = sqlite3_changes(db->h) > 0;
	if (sqlite3_changes(db->h) == 0 && !(flags & INVENTORY_UPSERT))
		return error_set(e, ERR_DATA, "'%s' already depends on '%s'", system, on);
	return 0;
}

int inventory_depend_rm(struct db *db, const char *system, const char *on, struct error *e)
{
	sqlite3_stmt *st;
	int64_t a, b;

	if (inventory_system_id(db, system, &a, e) < 0 || inventory_system_id(db, on, &b, e) < 0)
		return -1;
	st = db_prepare(db, "DELETE FROM main.dependency WHERE system_id = ?1 AND depends_on = ?2", e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, a);
	sqlite3_bind_int64(st, 2, b);
	if (inventory_step(db, st, e) < 0)
		return -1;
	if (sqlite3_changes(db->h) == 0)
		return error_set(e, ERR_DATA, "'%s' does not depend on '%s'", system, on);
	return 0;
}

/* --- maintenance windows ------------------------------------------------ */

int inventory_maintenance_put(struct db *db, const char *system, int64_t from, int64_t to,
			      const char *reason, unsigned flags, int64_t *id_out, int *changed,
			      struct error *e)
{
	static const char find_sql[] = "SELECT id FROM maintenance_window WHERE system_id = ?1 AND"
				       " starts_at = ?2 AND ends_at = ?3";
	static const char update_sql[] = "UPDATE maintenance_window SET reason = ?4 WHERE id = ?5"
					 " AND reason IS NOT ?4";
	static const char insert_sql[] = "INSERT INTO maintenance_window (system_id, starts_at,"
					 " ends_at, reason, created_at) VALUES (?1, ?2, ?3, ?4, ?6)";
	sqlite3_stmt *st;
	int64_t sys, id = 0;
	int rc;

	if (inventory_system_id(db, system, &sys, e) < 0 ||
	    inventory_text_check("reason", reason, e) < 0)
		return -1;
	if (to <= from)
		return error_set(e, ERR_DATA, "a maintenance window must end after it starts");
	st = db_cached(db, find_sql, e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, sys);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		id = sqlite3_column_int64(st, 0);
	sqlite3_reset(st);
	if (id && !(flags & INVENTORY_UPSERT))
		return error_set(e, ERR_DATA, "system '%s' already has this maintenance window (id %lld)",
				 system, (long long)id);
	st = db_cached(db, id ? update_sql : insert_sql, e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, sys);
	sqlite3_bind_int64(st, 2, from);
	sqlite3_bind_int64(st, 3, to);
	db_bind_text(st, 4, reason ? reason : "");
	sqlite3_bind_int64(st, 5, id);
	sqlite3_bind_int64(st, 6, when_real_now()); /* when it was recorded */
	if (cached_step(db, st, e) < 0)
		return -1;
	if (changed)
		*changed = sqlite3_changes(db->h) > 0;
	if (id_out)
		*id_out = id ? id : sqlite3_last_insert_rowid(db->h);
	return 0;
}

int inventory_maintenance_rm(struct db *db, int64_t id, struct error *e)
{
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM maintenance_window WHERE id = ?1", e);

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (inventory_step(db, st, e) < 0)
		return -1;
	if (sqlite3_changes(db->h) == 0)
		return error_set(e, ERR_DATA,
				 "no maintenance window with id %lld (see 'drtop maintenance list')",
				 (long long)id);
	return 0;
}

/* --- strategies --------------------------------------------------------- */

int inventory_strategy_set(struct db *db, const char *name, int64_t rto_s, int64_t rpo_s,
			   long cost_tier, const char *description, unsigned mask,
			   struct error *e)
{
	sqlite3_stmt *st;

	if (strategy_check(db, name, e) < 0 ||
	    inventory_text_check("description", description, e) < 0)
		return -1;
	if ((mask & STRAT_COST) && (cost_tier < 1 || cost_tier > 4))
		return error_set(e, ERR_DATA, "cost tier must be 1 ($) to 4 ($$$$), not %ld",
				 cost_tier);
	st = db_prepare(db,
			"UPDATE strategy SET rto_s = CASE WHEN ?2 THEN ?3 ELSE rto_s END, "
			"rpo_s = CASE WHEN ?4 THEN ?5 ELSE rpo_s END, "
			"cost_tier = CASE WHEN ?6 THEN ?7 ELSE cost_tier END, "
			"description = CASE WHEN ?8 THEN ?9 ELSE description END WHERE name = ?1",
			e);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, !!(mask & STRAT_RTO));
	sqlite3_bind_int64(st, 3, rto_s);
	sqlite3_bind_int(st, 4, !!(mask & STRAT_RPO));
	sqlite3_bind_int64(st, 5, rpo_s);
	sqlite3_bind_int(st, 6, !!(mask & STRAT_COST));
	sqlite3_bind_int64(st, 7, cost_tier);
	sqlite3_bind_int(st, 8, !!(mask & STRAT_DESCRIPTION));
	db_bind_text(st, 9, description ? description : "");
	return inventory_step(db, st, e);
}

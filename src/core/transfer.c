/*
 * transfer.c - see transfer.h.
 *
 * Import is in two passes. The first reads the document through SQLite's
 * json_each() into plain structs, checking every value with the same
 * parsers as the command line; nothing is written. The second applies the
 * structs through inventory.c's _put functions in one transaction, which
 * hands its ledger entries to the ledger in bulk (ledger_bulk_begin): a few
 * batch entries rather than one per row.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "inventory.h"
#include "ledger.h"
#include "transfer.h"
#include "util.h"
#include "when.h"

/* --- export ------------------------------------------------------------- */

static const char export_sql[] =
	"SELECT json_object('drtop', 1, 'systems', (SELECT json_group_array(json(sys)) FROM ("
	" SELECT json_patch('{}', json_object("
	"  'name', s.name, 'rto', duration(s.rto_s), 'rpo', duration(s.rpo_s),"
	"  'strategy', s.strategy, 'tier', s.tier, 'owner', s.owner,"
	"  'description', s.description,"
	"  'enabled', json(CASE WHEN s.enabled THEN 'true' ELSE 'false' END),"
	"  'endpoints', (SELECT json_group_array(json(x)) FROM (SELECT json_patch('{}', json_object("
	"    'url', e.url, 'kind', e.kind, 'interval', duration_ms(e.interval_ms),"
	"    'timeout', duration_ms(e.timeout_ms), 'expect', e.expect, 'body', e.body_match,"
	"    'json_path', e.json_path, 'headers', json(e.headers),"
	"    'max_latency', duration_ms(e.max_latency_ms),"
	"    'tls_verify', json(CASE WHEN e.tls_verify THEN 'true' ELSE 'false' END),"
	"    'enabled', json(CASE WHEN e.enabled THEN 'true' ELSE 'false' END))) AS x"
	"    FROM endpoint e WHERE e.system_id = s.id ORDER BY e.url, e.kind)),"
	"  'schedules', (SELECT json_group_array(json(x)) FROM (SELECT json_patch('{}', json_object("
	"    'name', b.name, 'cron', b.cron, 'tz', b.tz, 'every', duration(b.every_s),"
	"    'duration', duration(b.duration_s), 'grace', duration(b.grace_s))) AS x"
	"    FROM backup_schedule b WHERE b.system_id = s.id ORDER BY b.name)),"
	"  'depends_on', (SELECT json_group_array(n) FROM (SELECT o.name AS n FROM dependency d"
	"    JOIN system o ON o.id = d.depends_on WHERE d.system_id = s.id ORDER BY o.name)),"
	"  'maintenance', (SELECT json_group_array(json(x)) FROM (SELECT json_object("
	"    'from', iso_time(m.starts_at), 'to', iso_time(m.ends_at), 'reason', m.reason) AS x"
	"    FROM maintenance_window m WHERE m.system_id = s.id ORDER BY m.starts_at, m.ends_at))"
	" )) AS sys FROM system s WHERE ?1 IS NULL OR s.name = ?1 ORDER BY s.name)))";

int transfer_export(struct db *db, const char *only, struct strbuf *out, struct error *e)
{
	sqlite3_stmt *st;
	int rc;

	if (only) {
		int64_t id;

		if (inventory_system_id(db, only, &id, e) < 0)
			return -1;
	}
	st = db_prepare(db, export_sql, e);
	if (!st)
		return -1;
	db_bind_text(st, 1, only);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		strbuf_json_pretty(out, (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, e, "export");
	return 0;
}

/* --- JSON syntax errors, for messages with a line and column ------------- */

struct scan {
	const char *s, *p, *why;
	/* The JSON path of the value being read, and of the first string with a \u0000:
	 * SQLite's JSON functions cut a string there, so it is found here. */
	struct strbuf path;
	char *nul_path;
};

static void ws(struct scan *sc)
{
	while (*sc->p == ' ' || *sc->p == '\t' || *sc->p == '\n' || *sc->p == '\r')
		sc->p++;
}

static int fail(struct scan *sc, const char *why)
{
	sc->why = why;
	return -1;
}

static int value(struct scan *sc, int depth);

static int string(struct scan *sc)
{
	sc->p++;
	while (*sc->p != '"') {
		if (!*sc->p || (unsigned char)*sc->p < 0x20)
			return fail(sc, "unterminated string");
		if (*sc->p == '\\') {
			sc->p++;
			if (*sc->p == 'u') {
				int i;

				for (i = 1; i <= 4; i++)
					if (!isxdigit((unsigned char)sc->p[i]))
						return fail(sc, "bad \\u escape");
				if (!strncmp(sc->p + 1, "0000", 4) && !sc->nul_path)
					sc->nul_path = xstrdup(strbuf_str(&sc->path));
				sc->p += 4;
			} else if (!strchr("\"\\/bfnrt", *sc->p) || !*sc->p) {
				return fail(sc, "bad escape in string");
			}
		}
		sc->p++;
	}
	sc->p++;
	return 0;
}

static int number(struct scan *sc)
{
	const char *start = sc->p;

	if (*sc->p == '-')
		sc->p++;
	if (!isdigit((unsigned char)*sc->p))
		return fail(sc, "unexpected character");
	if (*sc->p == '0' && isdigit((unsigned char)sc->p[1]))
		return fail(sc, "number with a leading zero");
	while (isdigit((unsigned char)*sc->p))
		sc->p++;
	if (*sc->p == '.') {
		sc->p++;
		if (!isdigit((unsigned char)*sc->p))
			return fail(sc, "bad number");
		while (isdigit((unsigned char)*sc->p))
			sc->p++;
	}
	if (*sc->p == 'e' || *sc->p == 'E') {
		sc->p++;
		if (*sc->p == '+' || *sc->p == '-')
			sc->p++;
		if (!isdigit((unsigned char)*sc->p))
			return fail(sc, "bad number");
		while (isdigit((unsigned char)*sc->p))
			sc->p++;
	}
	return sc->p > start ? 0 : -1;
}

static int container(struct scan *sc, int depth, char close)
{
	size_t len = sc->path.len, i = 0;

	sc->p++;
	ws(sc);
	if (*sc->p == close) {
		sc->p++;
		return 0;
	}
	for (;; i++) {
		ws(sc);
		if (close == '}') {
			const char *key = sc->p + 1;

			if (*sc->p != '"')
				return fail(sc, "expected a quoted key");
			if (string(sc) < 0)
				return -1;
			strbuf_printf(&sc->path, ".%.*s", (int)(sc->p - 1 - key), key);
			ws(sc);
			if (*sc->p != ':')
				return fail(sc, "expected ':' after a key");
			sc->p++;
		} else {
			strbuf_printf(&sc->path, "[%zu]", i);
		}
		if (value(sc, depth + 1) < 0)
			return -1;
		sc->path.len = len;
		sc->path.buf[len] = '\0';
		ws(sc);
		if (*sc->p == close) {
			sc->p++;
			return 0;
		}
		if (*sc->p != ',')
			return fail(sc, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
		sc->p++;
		ws(sc);
		if (*sc->p == close)
			return fail(sc, "trailing comma");
	}
}

static int value(struct scan *sc, int depth)
{
	ws(sc);
	if (depth > 100)
		return fail(sc, "nested too deeply");
	switch (*sc->p) {
	case '{':
		return container(sc, depth, '}');
	case '[':
		return container(sc, depth, ']');
	case '"':
		return string(sc);
	case 't':
		if (strncmp(sc->p, "true", 4))
			return fail(sc, "unexpected word");
		sc->p += 4;
		return 0;
	case 'f':
		if (strncmp(sc->p, "false", 5))
			return fail(sc, "unexpected word");
		sc->p += 5;
		return 0;
	case 'n':
		if (strncmp(sc->p, "null", 4))
			return fail(sc, "unexpected word");
		sc->p += 4;
		return 0;
	case '\0':
		return fail(sc, "unexpected end of file");
	default:
		return number(sc);
	}
}

/* Scan TEXT; returns -1 for a well-formed document, else the offset of the error. */
static long scan_document(struct scan *sc)
{
	strbuf_puts(&sc->path, "$");
	if (value(sc, 0) == 0) {
		ws(sc);
		if (!*sc->p)
			return -1;
		sc->why = "unexpected text after the document";
	}
	if (!sc->why)
		sc->why = "unexpected character";
	return (long)(sc->p - sc->s);
}

long transfer_json_error(const char *text, const char **why)
{
	struct scan sc = {text, text, NULL, STRBUF_INIT, NULL};
	long off = scan_document(&sc);

	*why = sc.why;
	strbuf_done(&sc.path);
	free(sc.nul_path);
	return off;
}

/* transfer_json_error() in one pass with the path of the first string holding
 * \u0000, into *NUL (NULL when none; the caller frees it). */
static long check_document(const char *text, char **nul)
{
	struct scan sc = {text, text, NULL, STRBUF_INIT, NULL};
	long off = scan_document(&sc);

	strbuf_done(&sc.path);
	*nul = sc.nul_path;
	return off;
}

/* --- reading a document through json_each() ----------------------------- */

/* Strings allocated while reading, freed together. */
struct pool {
	void **p;
	size_t n, cap;
};

static void *keep(struct pool *pool, void *s)
{
	pool->p = xgrow(pool->p, &pool->cap, pool->n + 1, sizeof(void *));
	pool->p[pool->n++] = s;
	return s;
}

struct jitem {
	const char *key;  /* NULL for array items */
	const char *type; /* json_each's type: null true false integer real text array object */
	const char *val;  /* text, number as text, or JSON text of arrays and objects */
	int used;
};

struct jobj {
	struct jitem *items;
	size_t n;
	const char *path;
};

struct reader {
	struct db *db;
	struct pool pool;
	struct error *e;
};

/* Load the members of the object or array JSON (at PATH). */
static int load(struct reader *r, const char *json, const char *path, const char *want,
		struct jobj *o)
{
	static const char each_sql[] =
		"SELECT json_type(?1), key, type, CASE WHEN type IN ('array', 'object') THEN value"
		" ELSE CAST(value AS TEXT) END FROM json_each(?1)";
	static const char type_sql[] = "SELECT json_type(?1)";
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	memset(o, 0, sizeof(*o));
	o->path = path;
	st = db_cached(r->db, each_sql, r->e); /* kept prepared: one call per object read */
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *key = (const char *)sqlite3_column_text(st, 1);
		struct jitem *it;
		size_t i;

		if (strcmp((const char *)sqlite3_column_text(st, 0), want)) {
			sqlite3_reset(st);
			free(o->items);
			return error_set(r->e, ERR_DATA, "%s: expected an %s", path, want);
		}
		for (i = 0; key && sqlite3_column_type(st, 1) == SQLITE_TEXT && i < o->n; i++)
			if (!strcmp(o->items[i].key, key)) {
				error_set(r->e, ERR_DATA, "%s: duplicate key \"%s\"", path, key);
				sqlite3_reset(st);
				free(o->items);
				return -1;
			}
		o->items = xgrow(o->items, &cap, o->n + 1, sizeof(*o->items));
		it = &o->items[o->n++];
		it->key = sqlite3_column_type(st, 1) == SQLITE_TEXT
				  ? keep(&r->pool, xstrdup((const char *)sqlite3_column_text(st, 1)))
				  : NULL;
		it->type = keep(&r->pool, xstrdup((const char *)sqlite3_column_text(st, 2)));
		it->val = sqlite3_column_type(st, 3) == SQLITE_NULL
				  ? NULL
				  : keep(&r->pool, xstrdup((const char *)sqlite3_column_text(st, 3)));
		it->used = 0;
	}
	if (rc != SQLITE_DONE) {
		db_fail(r->db, r->e, path);
		sqlite3_reset(st);
		free(o->items);
		return -1;
	}
	sqlite3_reset(st);
	if (o->n == 0) {
		/* An empty container, or a scalar where a container belongs. */
		st = db_cached(r->db, type_sql, r->e);
		if (!st)
			return -1;
		sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
		rc = sqlite3_step(st) == SQLITE_ROW &&
		     !strcmp((const char *)sqlite3_column_text(st, 0), want);
		sqlite3_reset(st);
		if (!rc)
			return error_set(r->e, ERR_DATA, "%s: expected an %s", path, want);
	}
	keep(&r->pool, o->items);
	return 0;
}

static struct jitem *member(struct jobj *o, const char *key)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (o->items[i].key && !strcmp(o->items[i].key, key)) {
			o->items[i].used = 1;
			return !strcmp(o->items[i].type, "null") ? NULL : &o->items[i];
		}
	return NULL;
}

static int wrong(struct reader *r, struct jobj *o, const char *key, const char *what)
{
	return error_set(r->e, ERR_DATA, "%s.%s: expected %s", o->path, key, what);
}

static int get_str(struct reader *r, struct jobj *o, const char *key, int required,
		   const char **out)
{
	struct jitem *it = member(o, key);

	if (!it)
		return required ? error_set(r->e, ERR_DATA, "%s: missing \"%s\"", o->path, key) : 0;
	if (strcmp(it->type, "text"))
		return wrong(r, o, key, "a string");
	*out = it->val;
	return 0;
}

/* A duration as a string ("4h") or a number of seconds. */
static int get_dur(struct reader *r, struct jobj *o, const char *key, int required, int ms,
		   unsigned flags, int64_t *out)
{
	struct jitem *it = member(o, key);
	int rc;

	if (!it)
		return required ? error_set(r->e, ERR_DATA, "%s: missing \"%s\"", o->path, key) : 0;
	if (strcmp(it->type, "text") && strcmp(it->type, "integer"))
		return wrong(r, o, key, "a duration such as \"4h\" or a number of seconds");
	/* an integer past 64 bits reaches here as SQLite wrote it, "1.0e+20" */
	if (!strcmp(it->type, "integer") && strspn(it->val + (*it->val == '-'), "0123456789") !=
						    strlen(it->val + (*it->val == '-')))
		return error_set(r->e, ERR_DATA, "%s.%s: a number of seconds too large (at most 100 years)",
				 o->path, key);
	rc = ms ? duration_parse_ms(it->val, flags, out, r->e)
		: duration_parse(it->val, flags, out, r->e);
	if (rc < 0)
		return error_prefix(r->e, "%s.%s", o->path, key);
	return 0;
}

static int get_bool(struct reader *r, struct jobj *o, const char *key, int *out)
{
	struct jitem *it = member(o, key);

	if (!it)
		return 0;
	if (strcmp(it->type, "true") && strcmp(it->type, "false"))
		return wrong(r, o, key, "true or false");
	*out = !strcmp(it->type, "true");
	return 0;
}

static int get_container(struct reader *r, struct jobj *o, const char *key, const char *want,
			 struct jobj *out)
{
	struct jitem *it = member(o, key);
	char *path = keep(&r->pool, xasprintf("%s.%s", o->path, key));

	memset(out, 0, sizeof(*out));
	if (!it)
		return 0;
	if (strcmp(it->type, want))
		return wrong(r, o, key, !strcmp(want, "array") ? "an array" : "an object");
	return load(r, it->val, path, want, out);
}

static int no_unknown(struct reader *r, struct jobj *o)
{
	size_t i;

	for (i = 0; i < o->n; i++)
		if (!o->items[i].used)
			return error_set(r->e, ERR_DATA, "%s: unknown key \"%s\"", o->path,
					 o->items[i].key);
	return 0;
}

/* Each item of ARR must be an object; load item I into O. */
static int item_object(struct reader *r, struct jobj *arr, size_t i, struct jobj *o)
{
	char *path = keep(&r->pool, xasprintf("%s[%zu]", arr->path, i));

	if (strcmp(arr->items[i].type, "object"))
		return error_set(r->e, ERR_DATA, "%s: expected an object", path);
	return load(r, arr->items[i].val, path, "object", o);
}

struct window {
	int64_t from, to;
	const char *reason;
};

struct isystem {
	const char *path;
	struct inventory_system s;
	struct inventory_endpoint *eps;
	struct inventory_schedule *scheds;
	const char **deps;
	struct window *windows;
	size_t neps, nscheds, ndeps, nwindows;
};

static const char *ep_kind(const struct inventory_endpoint *ep)
{
	return ep->kind ? ep->kind : "health";
}

static int read_endpoint(struct reader *r, struct jobj *o, struct inventory_endpoint *ep)
{
	struct jobj headers;
	size_t i;

	inventory_endpoint_defaults(ep);
	if (get_str(r, o, "url", 1, &ep->url) < 0 || get_str(r, o, "kind", 0, &ep->kind) < 0 ||
	    get_dur(r, o, "interval", 0, 1, 0, &ep->interval_ms) < 0 ||
	    get_dur(r, o, "timeout", 0, 1, 0, &ep->timeout_ms) < 0 ||
	    get_str(r, o, "expect", 0, &ep->expect) < 0 ||
	    get_str(r, o, "body", 0, &ep->body_match) < 0 ||
	    get_str(r, o, "json_path", 0, &ep->json_path) < 0 ||
	    get_dur(r, o, "max_latency", 0, 1, 0, &ep->max_latency_ms) < 0 ||
	    get_bool(r, o, "tls_verify", &ep->tls_verify) < 0 ||
	    get_bool(r, o, "enabled", &ep->enabled) < 0 ||
	    get_container(r, o, "headers", "array", &headers) < 0 || no_unknown(r, o) < 0)
		return -1;
	ep->nheaders = headers.n;
	ep->headers = (char **)keep(&r->pool, xcalloc(headers.n + 1, sizeof(char *)));
	for (i = 0; i < headers.n; i++) {
		if (strcmp(headers.items[i].type, "text"))
			return error_set(r->e, ERR_DATA, "%s[%zu]: expected a string 'Name: value'",
					 headers.path, i);
		ep->headers[i] = (char *)headers.items[i].val;
	}
	if (inventory_endpoint_check(ep, r->e) < 0)
		return error_prefix(r->e, "%s", o->path);
	return 0;
}

static int read_schedule(struct reader *r, struct jobj *o, struct inventory_schedule *s)
{
	inventory_schedule_defaults(s);
	if (get_str(r, o, "name", 1, &s->name) < 0 || get_str(r, o, "cron", 0, &s->cron) < 0 ||
	    get_str(r, o, "tz", 0, &s->tz) < 0 || get_dur(r, o, "every", 0, 0, 0, &s->every_s) < 0 ||
	    get_dur(r, o, "duration", 0, 0, DURATION_ZERO_OK, &s->duration_s) < 0 ||
	    get_dur(r, o, "grace", 0, 0, DURATION_ZERO_OK, &s->grace_s) < 0 || no_unknown(r, o) < 0)
		return -1;
	if (inventory_schedule_check(s, r->e) < 0)
		return error_prefix(r->e, "%s", o->path);
	return 0;
}

/* A maintenance window's time TEXT, its member KEY. A file imported twice
 * changes nothing: its times are dated (ISO-8601 or Unix seconds, as text),
 * never relative to the import, and after 1970 as a command's. */
static int window_time(struct reader *r, struct jobj *o, const char *key, const char *text,
		       int64_t *out)
{
	const char *t = text + strspn(text, " \t");

	if (!strcasecmp(t, "now") || *t == '-' || *t == '+')
		return error_set(r->e, ERR_DATA,
				 "%s.%s: a maintenance window in an import file is dated (ISO-8601 or "
				 "Unix seconds), not '%s': a relative time would move with each import",
				 o->path, key, text);
	if (when_parse(text, when_now(), out, r->e) < 0)
		return error_prefix(r->e, "%s.%s", o->path, key);
	if (*out <= 0)
		return error_set(r->e, ERR_DATA, "%s.%s: '%s' is not a plausible time: not after 1970",
				 o->path, key, text);
	return 0;
}

static int read_window(struct reader *r, struct jobj *o, struct window *w)
{
	const char *from, *to;

	w->reason = "";
	if (get_str(r, o, "from", 1, &from) < 0 || get_str(r, o, "to", 1, &to) < 0 ||
	    get_str(r, o, "reason", 0, &w->reason) < 0 || no_unknown(r, o) < 0)
		return -1;
	if (window_time(r, o, "from", from, &w->from) < 0 || window_time(r, o, "to", to, &w->to) < 0)
		return -1;
	if (w->to <= w->from)
		return error_set(r->e, ERR_DATA, "%s: a maintenance window must end after it starts",
				 o->path);
	if (inventory_text_check("reason", w->reason, r->e) < 0)
		return error_prefix(r->e, "%s", o->path);
	return 0;
}

static int read_system(struct reader *r, struct jobj *o, struct isystem *sys)
{
	struct jobj eps, scheds, deps, windows, item;
	const char *tier = NULL;
	struct jitem *t;
	size_t i, j;

	sys->path = o->path;
	inventory_system_defaults(&sys->s);
	if (get_str(r, o, "name", 1, &sys->s.name) < 0)
		return -1;
	if (inventory_name_check("system", sys->s.name, r->e) < 0)
		return error_prefix(r->e, "%s.name", o->path);
	t = member(o, "tier");
	if (t) {
		if (strcmp(t->type, "integer"))
			return wrong(r, o, "tier", "a whole number from 0 to 3");
		tier = t->val;
		sys->s.tier = atol(tier);
		if (sys->s.tier < 0 || sys->s.tier > 3 || strlen(tier) > 2)
			return wrong(r, o, "tier", "a whole number from 0 to 3");
	}
	if (get_dur(r, o, "rto", 1, 0, 0, &sys->s.rto_s) < 0 ||
	    get_dur(r, o, "rpo", 1, 0, 0, &sys->s.rpo_s) < 0 ||
	    get_str(r, o, "strategy", 0, &sys->s.strategy) < 0 ||
	    get_str(r, o, "owner", 0, &sys->s.owner) < 0 ||
	    get_str(r, o, "description", 0, &sys->s.description) < 0 ||
	    get_bool(r, o, "enabled", &sys->s.enabled) < 0 ||
	    get_container(r, o, "endpoints", "array", &eps) < 0 ||
	    get_container(r, o, "schedules", "array", &scheds) < 0 ||
	    get_container(r, o, "depends_on", "array", &deps) < 0 ||
	    get_container(r, o, "maintenance", "array", &windows) < 0 || no_unknown(r, o) < 0)
		return -1;
	if (inventory_text_check("owner", sys->s.owner, r->e) < 0 ||
	    inventory_text_check("description", sys->s.description, r->e) < 0)
		return error_prefix(r->e, "%s", o->path);
	sys->neps = eps.n;
	sys->eps = keep(&r->pool, xcalloc(eps.n + 1, sizeof(*sys->eps)));
	for (i = 0; i < eps.n; i++)
		if (item_object(r, &eps, i, &item) < 0 || read_endpoint(r, &item, &sys->eps[i]) < 0)
			return -1;
	for (i = 0; i < eps.n; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(sys->eps[i].url, sys->eps[j].url) &&
			    !strcmp(ep_kind(&sys->eps[i]), ep_kind(&sys->eps[j])))
				return error_set(r->e, ERR_DATA,
						 "%s[%zu]: %s endpoint %s appears twice (also %s[%zu])",
						 eps.path, i, ep_kind(&sys->eps[i]), sys->eps[i].url,
						 eps.path, j);
	sys->nscheds = scheds.n;
	sys->scheds = keep(&r->pool, xcalloc(scheds.n + 1, sizeof(*sys->scheds)));
	for (i = 0; i < scheds.n; i++) {
		if (item_object(r, &scheds, i, &item) < 0 ||
		    read_schedule(r, &item, &sys->scheds[i]) < 0)
			return -1;
		for (j = 0; j < i; j++)
			if (!strcmp(sys->scheds[i].name, sys->scheds[j].name))
				return error_set(r->e, ERR_DATA,
						 "%s.name: schedule '%s' appears twice (also %s[%zu])",
						 item.path, sys->scheds[i].name, scheds.path, j);
	}
	sys->nwindows = windows.n;
	sys->windows = keep(&r->pool, xcalloc(windows.n + 1, sizeof(*sys->windows)));
	for (i = 0; i < windows.n; i++)
		if (item_object(r, &windows, i, &item) < 0 ||
		    read_window(r, &item, &sys->windows[i]) < 0)
			return -1;
	sys->ndeps = deps.n;
	sys->deps = keep(&r->pool, xcalloc(deps.n + 1, sizeof(char *)));
	for (i = 0; i < deps.n; i++) {
		if (strcmp(deps.items[i].type, "text"))
			return error_set(r->e, ERR_DATA, "%s[%zu]: expected a system name", deps.path,
					 i);
		sys->deps[i] = deps.items[i].val;
		for (j = 0; j < i; j++)
			if (!strcmp(sys->deps[i], sys->deps[j]))
				return error_set(r->e, ERR_DATA,
						 "%s[%zu]: dependency '%s' appears twice (also %s[%zu])",
						 deps.path, i, sys->deps[i], deps.path, j);
	}
	return 0;
}

static int apply(struct reader *r, struct isystem *sys, size_t n, struct transfer_stats *stats)
{
	size_t i, j;
	int changed;

	/* Systems first, so that dependencies may point forward in the file. */
	for (i = 0; i < n; i++) {
		if (inventory_system_put(r->db, &sys[i].s, INVENTORY_UPSERT, &changed, r->e) < 0)
			return error_prefix(r->e, "%s", sys[i].path);
		stats->changed += changed;
		if (ledger_bulk_flush(r->db, r->e) < 0)
			return -1;
	}
	for (i = 0; i < n; i++) {
		const char *name = sys[i].s.name;

		for (j = 0; j < sys[i].neps; j++) {
			if (inventory_endpoint_put(r->db, name, &sys[i].eps[j], INVENTORY_UPSERT,
						   NULL, &changed, r->e) < 0)
				return error_prefix(r->e, "%s.endpoints[%zu]", sys[i].path, j);
			stats->changed += changed;
		}
		for (j = 0; j < sys[i].nscheds; j++) {
			if (inventory_schedule_put(r->db, name, &sys[i].scheds[j], INVENTORY_UPSERT,
						   &changed, r->e) < 0)
				return error_prefix(r->e, "%s.schedules[%zu]", sys[i].path, j);
			stats->changed += changed;
		}
		for (j = 0; j < sys[i].nwindows; j++) {
			struct window *w = &sys[i].windows[j];

			if (inventory_maintenance_put(r->db, name, w->from, w->to, w->reason,
						      INVENTORY_UPSERT, NULL, &changed, r->e) < 0)
				return error_prefix(r->e, "%s.maintenance[%zu]", sys[i].path, j);
			stats->changed += changed;
		}
		for (j = 0; j < sys[i].ndeps; j++) {
			if (inventory_depend_add(r->db, name, sys[i].deps[j], INVENTORY_UPSERT,
						 &changed, r->e) < 0)
				return error_prefix(r->e, "%s.depends_on[%zu]", sys[i].path, j);
			stats->changed += changed;
		}
		if (ledger_bulk_flush(r->db, r->e) < 0)
			return -1;
		stats->endpoints += (int)sys[i].neps;
		stats->schedules += (int)sys[i].nscheds;
		stats->maintenance += (int)sys[i].nwindows;
		stats->dependencies += (int)sys[i].ndeps;
	}
	stats->systems = (int)n;
	return 0;
}

static int syntax_error(const char *text, const char *name, struct error *e)
{
	const char *why, *p;
	long off = transfer_json_error(text, &why), line = 1, col = 1;

	if (off < 0)
		return error_set(e, ERR_DATA, "%s: not a JSON document", name);
	for (p = text; p < text + off; p++) {
		if (*p == '\n')
			line++, col = 1;
		else
			col++;
	}
	return error_set(e, ERR_DATA, "%s:%ld:%ld: malformed JSON: %s", name, line, col, why);
}

/* FNV-1a of the string S. */
static size_t name_hash(const char *s)
{
	size_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

int transfer_import(struct db *db, const char *text, const char *name, struct transfer_stats *stats,
		    struct error *e)
{
	struct reader r = {db, {NULL, 0, 0}, e};
	struct jobj top, systems, item;
	struct isystem *sys = NULL;
	size_t *slots = NULL, nslots;
	struct jitem *version;
	char *nul;
	size_t i;
	int rc = -1;

	memset(stats, 0, sizeof(*stats));
	if (check_document(text, &nul) >= 0) {
		free(nul);
		return syntax_error(text, name, e);
	}
	if (nul) {
		error_set(e, ERR_DATA, "%s: %s: contains a NUL character", name, nul);
		free(nul);
		return -1;
	}
	/* Statement journals in memory: a row's insert with its triggers journals
	 * more than SQLite keeps in memory by default, and spilling it to a
	 * temporary file made hundreds of thousands of writes (an optimization
	 * only: it cannot be changed while temporary storage is in use). */
	sqlite3_exec(db->h, "PRAGMA temp_store = MEMORY", NULL, NULL, NULL);
	/* One read transaction for the whole reading pass: each statement of its
	 * own would take and release the file's locks, several times per system. */
	if (db_exec(db, "BEGIN", e) < 0 || load(&r, text, "$", "object", &top) < 0)
		goto out;
	version = member(&top, "drtop");
	if (version && (strcmp(version->type, "integer") || strcmp(version->val, "1"))) {
		error_set(e, ERR_DATA, "$.drtop: this drtop reads inventory format 1");
		goto out;
	}
	if (get_container(&r, &top, "systems", "array", &systems) < 0 || no_unknown(&r, &top) < 0)
		goto out;
	sys = xcalloc(systems.n + 1, sizeof(*sys));
	/* The systems read so far by name (indices + 1; 0: empty), to find a name
	 * given twice without comparing every pair: open addressing, at most half full. */
	for (nslots = 2; nslots < 2 * systems.n; nslots *= 2)
		;
	slots = xcalloc(nslots, sizeof(*slots));
	for (i = 0; i < systems.n; i++) {
		size_t h;

		if (item_object(&r, &systems, i, &item) < 0 || read_system(&r, &item, &sys[i]) < 0)
			goto out;
		for (h = name_hash(sys[i].s.name) & (nslots - 1); slots[h]; h = (h + 1) & (nslots - 1))
			if (!strcmp(sys[slots[h] - 1].s.name, sys[i].s.name)) {
				error_set(e, ERR_DATA, "%s.name: system '%s' appears twice (also %s)",
					  item.path, sys[i].s.name, sys[slots[h] - 1].path);
				goto out;
			}
		slots[h] = i + 1;
	}
	db_rollback(db); /* the reading pass wrote nothing */
	if (db_begin(db, e) < 0)
		goto out;
	if (ledger_bulk_begin(db, e) < 0 || apply(&r, sys, systems.n, stats) < 0) {
		db_rollback(db);
		goto out;
	}
	rc = db_commit(db, e);
out:
	if (rc < 0)
		db_rollback(db);
	if (rc < 0 && e->msg && e->kind == ERR_DATA && strncmp(e->msg, name, strlen(name)))
		error_prefix(e, "%s", name);
	for (i = 0; i < r.pool.n; i++)
		free(r.pool.p[i]);
	free(r.pool.p);
	free(sys);
	free(slots);
	return rc;
}

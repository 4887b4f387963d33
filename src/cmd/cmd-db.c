/*
 * cmd-db.c - drtop db path|check|verify|anchor|migrate|prune|query: the database
 * file itself, and the ledger that makes its evidence verifiable.
 */
#include "config.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "ledger.h"
#include "when.h"
#include "output.h"
#include "retention.h"
#include "util.h"

static int run_path(struct ctx *ctx, struct args *a, struct error *e)
{
	char *path = db_resolve_path(ctx->db_path, e);

	if (!path)
		return -1;
	fprintf(ctx->out, "%s\n", path);
	free(path);
	return 0;
}

/* Problem lines quote the database's contents: each is made printable. */
static void print_problems(struct ctx *ctx, const struct strbuf *out)
{
	struct strbuf safe = STRBUF_INIT;
	const char *p = strbuf_str(out), *nl;

	while (*p) {
		char *line;

		nl = strchr(p, '\n');
		line = nl ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
		strbuf_reset(&safe);
		output_printable(&safe, line);
		fprintf(ctx->out, "%s\n", strbuf_str(&safe));
		free(line);
		p = nl ? nl + 1 : p + strlen(p);
	}
	strbuf_done(&safe);
}

static const struct opt verify_opts[] = {
	{"anchor", "SEQ:HASH", "also prove that entry SEQ is the one 'drtop db anchor' printed", 0},
	{NULL},
};

/* The rows that wait for their batch entry: the watcher seals them once a
 * minute (seal-every); ones that have waited much longer were left by a
 * prober that stopped short, and the next drtop write seals them. */
static void print_waiting(struct ctx *ctx, struct db *db, int64_t rows, int64_t since)
{
	char buf[WHEN_BUFSZ];
	int64_t every = ledger_seal_every_s(db), age = when_real_now() - since;

	fprintf(ctx->out, "%s: %" PRId64 " probe result%s or rollup%s, recorded since %s, wait%s for "
		"their batch entry%s\n",
		db->path, rows, rows == 1 ? "" : "s", rows == 1 ? "" : "s", when_format(since, buf),
		rows == 1 ? "s" : "", age > 2 * every + 60 ? "; longer than seal-every: the prober that "
		"wrote them stopped short, and the next drtop write seals them" : "");
}

static int run_verify(struct ctx *ctx, struct args *a, struct error *e)
{
	struct strbuf out = STRBUF_INIT;
	struct db *db;
	char head[LEDGER_HASH_HEX + 1];
	int64_t first = 0, seq, waiting = 0, since = 0;
	int n, m;

	db = db_open(ctx->db_path, DB_NO_CREATE | DB_NO_MIGRATE | DB_READ | DB_WHOLE, e);
	if (!db)
		return -1;
	n = db_check_schema(db, &out, e);
	m = n < 0 ? -1 : ledger_verify(db, arg(a, "anchor"), &out, &first, e);
	if (m < 0) {
		strbuf_done(&out);
		db_close(db);
		return -1;
	}
	n += m;
	print_problems(ctx, &out);
	if (!n && ledger_head(db, &seq, head, e) == 0)
		fprintf(ctx->out, "%s: intact: %" PRId64 " ledger entries, head %" PRId64 ":%s\n",
			db->path, seq, seq, head);
	else if (first)
		fprintf(ctx->out, "%s: NOT intact: %d problems; the first ledger entry the file no longer agrees with is %"
			PRId64 "\n", db->path, n, first);
	else if (n)
		fprintf(ctx->out, "%s: NOT intact: %d problems\n", db->path, n);
	if (!e->msg && ledger_waiting(db, &waiting, &since, e) == 0 && waiting)
		print_waiting(ctx, db, waiting, since);
	strbuf_done(&out);
	db_close(db);
	if (!n && e->msg)
		return -1;
	return n ? 65 : 0;
}

static int run_anchor(struct ctx *ctx, struct args *a, struct error *e)
{
	char hash[LEDGER_HASH_HEX + 1];
	int64_t seq;

	if (ledger_head(ctx->db, &seq, hash, e) < 0)
		return -1;
	fprintf(ctx->out, "%" PRId64 ":%s\n", seq, hash);
	return 0;
}

static int run_check(struct ctx *ctx, struct args *a, struct error *e)
{
	struct strbuf out = STRBUF_INIT;
	struct db *db = db_open(ctx->db_path, DB_NO_CREATE | DB_NO_MIGRATE | DB_READ | DB_WHOLE, e);
	int n;

	if (!db)
		return -1;
	n = db_check(db, &out, e);
	if (n >= 0) {
		print_problems(ctx, &out);
		fprintf(ctx->out, "%s: %s (schema version %d)\n", db->path,
			n ? "problems found" : "ok", db->version);
	}
	strbuf_done(&out);
	db_close(db);
	if (n < 0)
		return -1;
	return n ? 65 : 0;
}

static int run_migrate(struct ctx *ctx, struct args *a, struct error *e)
{
	struct db *db = db_open(ctx->db_path, DB_NO_CREATE | DB_NO_MIGRATE, e);
	int from;

	if (!db)
		return -1;
	from = db->version;
	if (db_migrate(db, db_latest_version(), e) < 0) {
		db_close(db);
		return -1;
	}
	if (from == db->version)
		fprintf(ctx->out, "%s: already at schema version %d\n", db->path, db->version);
	else
		fprintf(ctx->out, "%s: migrated from schema version %d to %d%s%s\n", db->path, from,
			db->version, db->backup_path ? "; previous file kept as " : "",
			db->backup_path ? db->backup_path : "");
	db_close(db);
	return 0;
}

static const struct opt query_opts[] = {
	{"format", "FMT", "list (default: values joined by |), table, json or csv", 0},
	{NULL},
};

/* Does SQL hold nothing but blanks, comments and semicolons? */
static int sql_is_blank(const char *sql)
{
	while (*sql) {
		if (strchr(" \t\r\n\f\v;", *sql)) {
			sql++;
		} else if (sql[0] == '-' && sql[1] == '-') {
			sql += strcspn(sql, "\n");
		} else if (sql[0] == '/' && sql[1] == '*') {
			const char *end = strstr(sql + 2, "*/");

			if (!end)
				return 1; /* SQLite reads an unclosed comment to the end */
			sql = end + 2;
		} else {
			return 0;
		}
	}
	return 1;
}

/* Read-only SQL with drtop's clock (DRTOP_NOW, --now) and functions: how tests
 * and auditors see the verdict views at a chosen time. */
static int run_query(struct ctx *ctx, struct args *a, struct error *e)
{
	enum out_format f = OUT_LIST;
	const char *tail = NULL;
	sqlite3_stmt *st;
	int rc;

	if (arg(a, "format") && output_format_list(arg(a, "format"), &f, e) < 0)
		return -1;
	/* What goes wrong here is the query, a user's input: 65, with SQLite's message. */
	st = db_prepare_tail(ctx->db, a->pos[0], &tail, e);
	if (st && !sql_is_blank(tail)) {
		sqlite3_finalize(st);
		return error_set(e, ERR_USAGE, "drtop db query: one statement only; found more "
					       "after the first ';'");
	}
	if (!st && !e->msg)
		return error_set(e, ERR_USAGE, "drtop db query: empty SQL");
	if (!st) {
		if (e->kind == ERR_INTERNAL)
			e->kind = ERR_DATA;
		return error_prefix(e, "drtop db query");
	}
	if (!sqlite3_stmt_readonly(st)) {
		sqlite3_finalize(st);
		return error_set(e, ERR_USAGE, "drtop db query runs read-only statements; change the "
					       "inventory with drtop's commands");
	}
	rc = output_rows(ctx, ctx->db, st, f, e);
	sqlite3_finalize(st);
	if (rc < 0 && e->kind == ERR_INTERNAL) {
		e->kind = ERR_DATA;
		error_prefix(e, "drtop db query");
	}
	return rc;
}

/* What a running prober does between batches, all at once: step after step,
 * each in a transaction of its own, until nothing is due. */
static int run_prune(struct ctx *ctx, struct args *a, struct error *e)
{
	int64_t before, after, steps = 0;
	int rc;

	(void)a;
	if (db_int64(ctx->db, "PRAGMA page_count", &before, e) < 0)
		return -1;
	while ((rc = retention_step(ctx->db, 10000, e)) > 0)
		steps++;
	if (rc < 0 || db_int64(ctx->db, "PRAGMA freelist_count", &after, e) < 0)
		return -1;
	fprintf(ctx->out, "%s: retention applied in %" PRId64 " steps; %" PRId64
		" of %" PRId64 " pages free\n", ctx->db->path, steps + 1, after, before);
	return 0;
}

const struct cmd cmd_db[] = {
	{"path", NULL, "print where the database file is", NULL, 0, 0, run_path, NULL, CMD_NO_DB},
	{"check", NULL, "check the file's integrity, foreign keys, schema and ledger", NULL, 0, 0,
	 run_check, NULL, CMD_NO_DB | CMD_READ},
	{"verify", NULL,
	 "verify the ledger: its hash chain, and that the tables hold what it recorded (exit 65 "
	 "when not)",
	 verify_opts, 0, 0, run_verify, NULL, CMD_NO_DB | CMD_READ},
	{"anchor", NULL, "print the ledger's head, SEQ:HASH, to keep outside the file", NULL, 0, 0,
	 run_anchor, NULL, CMD_READ | CMD_DB_EXISTS},
	{"migrate", NULL, "bring an older database up to this drtop's schema", NULL, 0, 0,
	 run_migrate, NULL, CMD_NO_DB},
	{"prune", NULL,
	 "fold raw probe results into rollups and prune what retention and history say, now",
	 NULL, 0, 0, run_prune, NULL, CMD_DB_EXISTS},
	{"query", "SQL", "run a read-only query (e.g. on the verdict views) with drtop's clock",
	 query_opts, 1, 1, run_query, NULL, CMD_READ},
	{NULL},
};

/*
 * ledger.c - see ledger.h.
 *
 * The schema's triggers append entries without their hashes, and only in
 * drtop's transactions (they need audit_context). Sealing is the one thing
 * done here: at commit, the entries the transaction added get prev_hash and
 * hash. Entries some other client managed to add are never sealed by a later
 * transaction (they precede its mark), so verification names them.
 *
 * Probe results are the one kind of evidence without an entry per row: a
 * probe cycle writes one row per endpoint, so each write transaction that
 * adds probe results appends one probe_result.batch entry holding the range
 * of ids, the count and a SHA3-256 digest of the rows. A BEGIN IMMEDIATE
 * transaction holds the write lock from its start, so the rows with an id
 * above the largest one at its start are exactly the ones it wrote: rows that
 * another client slipped in between two transactions fall outside every
 * batch, and verification names them.
 */
#include "config.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <openssl/evp.h>

#include "ledger.h"
#include "util.h"
#include "when.h"

extern const char ledger_verify_sql[];

/* libcrypto's SHA3-256, fetched once per process (whichever thread seals
 * first: the dashboard keeps its history on a thread of its own): an implicit
 * fetch on every use costs more than hashing a probe result. NULL when
 * libcrypto has none. */
static EVP_MD *sha3_fetched;
static pthread_once_t sha3_once = PTHREAD_ONCE_INIT;

static void sha3_fetch(void)
{
	sha3_fetched = EVP_MD_fetch(NULL, "SHA3-256", NULL);
}

static const EVP_MD *sha3_md(void)
{
	pthread_once(&sha3_once, sha3_fetch);
	return sha3_fetched;
}

/* SHA3-256 of N bytes at P into MD (32 bytes). Returns 0, or -1 when libcrypto fails. */
static int sha3_256(const void *p, size_t n, unsigned char *md)
{
	unsigned int len = 0;

	return sha3_md() && EVP_Digest(p, n, md, &len, sha3_md(), NULL) == 1 && len == 32 ? 0 : -1;
}

/* The bytes of a value as the sqlite3 shell's sha3() hashes them: a BLOB as
 * it is, anything else as its text. NULL for NULL. */
static const void *value_bytes(sqlite3_value *v, int *n)
{
	const void *p;

	if (sqlite3_value_type(v) == SQLITE_NULL)
		return NULL;
	p = sqlite3_value_type(v) == SQLITE_BLOB ? sqlite3_value_blob(v) : sqlite3_value_text(v);
	*n = sqlite3_value_bytes(v);
	return p ? p : "";
}

static void sql_sha3(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	unsigned char md[32];
	const void *p;
	int n = 0;

	if (argc == 2 && sqlite3_value_int(argv[1]) != 256) {
		sqlite3_result_error(cx, "drtop's sha3() computes SHA3-256 only", -1);
		return;
	}
	p = value_bytes(argv[0], &n);
	if (!p)
		return;
	if (sha3_256(p, (size_t)n, md) < 0) {
		sqlite3_result_error(cx, "SHA3-256 failed in libcrypto", -1);
		return;
	}
	sqlite3_result_blob(cx, md, 32, SQLITE_TRANSIENT);
}

void ledger_register(sqlite3 *h)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;

	sqlite3_create_function(h, "sha3", 1, flags, NULL, sql_sha3, NULL, NULL);
	sqlite3_create_function(h, "sha3", 2, flags, NULL, sql_sha3, NULL, NULL);
}

static int pending_since(struct db *db, int64_t older_than_ms, int64_t *yes, struct error *e);
static int seal_pending(struct db *db, struct error *e);

int ledger_mark(struct db *db, int version, struct error *e)
{
	int64_t waiting = 0;

	db->probe_mark = db->ledger_mark = db->rollup_mark = -1;
	db->sealed_seq = 0;
	db->pend = version >= LEDGER_PENDING_VERSION;
	if (version < LEDGER_SCHEMA_VERSION)
		return 0;
	if (db_int64(db, "SELECT coalesce(max(id), 0) FROM probe_result", &db->probe_mark, e) < 0 ||
	    db_int64(db, "SELECT coalesce(max(seq), 0) FROM ledger", &db->ledger_mark, e) < 0 ||
	    db_int64(db, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM setting"
			" WHERE key = 'anchor_log_s'), 3600)",
		    &db->anchor_log_s, e) < 0)
		return -1;
	if (version >= LEDGER_ROLLUP_VERSION &&
	    db_int64(db, "SELECT coalesce(max(id), 0) FROM probe_rollup", &db->rollup_mark, e) < 0)
		return -1;
	/* Batches left waiting (by the watcher, or by one that stopped short) are
	 * sealed before anything else this transaction does: it may remove rows. */
	if (db->pend && db->seal_defer == SEAL_NOW &&
	    (pending_since(db, 0, &waiting, e) < 0 || (waiting && seal_pending(db, e) < 0)))
		return -1;
	return 0;
}

void ledger_committed(struct db *db)
{
	int64_t now = when_real_now();

	if (!db->sealed_seq || db->anchor_log_s <= 0 || now - db->anchor_logged < db->anchor_log_s)
		return;
	openlog("drtop", LOG_PID, LOG_USER);
	syslog(LOG_INFO, "ledger head of %s: %lld:%s", db->path, (long long)db->sealed_seq,
	       db->sealed_hash);
	closelog();
	db->anchor_logged = now;
}

/* Lowercase hex of the 32 bytes at MD into HEX (LEDGER_HASH_HEX + 1 bytes). */
static void to_hex(const unsigned char *md, char *hex)
{
	static const char digits[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		hex[2 * i] = digits[md[i] >> 4];
		hex[2 * i + 1] = digits[md[i] & 15];
	}
	hex[LEDGER_HASH_HEX] = '\0';
}

/*
 * The payload of the probe_result.batch entry of the rows with ids FIRST to
 * LAST into PAYLOAD (emptied first; left empty when there is none).
 * Each row's canonical text is its columns as SQLite's quote() writes them
 * (integers in decimal, NULL as NULL, the error text in single quotes with
 * quotes doubled), joined by '|' and ended by a newline; the batch's digest is
 * the SHA3-256 of its rows' texts in id order. The integers are formatted here
 * (STRICT columns hold nothing else) and the text by quote() itself, then
 * streamed through libcrypto in one pass: an entry of fixed size per batch,
 * for a few hundred instructions a row. Removing rows on purpose (an endpoint
 * deleted with its results) keeps their texts (probe_result.removal) so that
 * every batch stays checkable. db/ledger-verify.sql recomputes the same in SQL.
 */
static int batch_payload(struct db *db, int64_t first, int64_t last, struct strbuf *payload,
			 struct error *e)
{
	static const char rows_sql[] =
		"SELECT id, endpoint_id, at_ms, ok, status_code, latency_ms, quote(error), data_time,"
		" lag_s FROM probe_result WHERE id BETWEEN ?1 AND ?2 ORDER BY id";
	sqlite3_stmt *rows = db_cached(db, rows_sql, e);
	const EVP_MD *sha3 = sha3_md();
	EVP_MD_CTX *md = EVP_MD_CTX_new();
	struct strbuf row = STRBUF_INIT;
	unsigned char sum[32];
	unsigned int len = 0;
	char hex[LEDGER_HASH_HEX + 1];
	int64_t count = 0, lo = 0, hi = 0, from = INT64_MAX, to = INT64_MIN;
	int rc = -1, step, i;

	strbuf_reset(payload);
	if (!rows)
		goto out;
	if (!sha3 || !md || EVP_DigestInit_ex2(md, sha3, NULL) != 1)
		goto crypto;
	sqlite3_bind_int64(rows, 1, first);
	sqlite3_bind_int64(rows, 2, last);
	while ((step = sqlite3_step(rows)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(rows, 0), at = sqlite3_column_int64(rows, 2);

		strbuf_reset(&row);
		for (i = 1; i <= 8; i++) {
			int type = sqlite3_column_type(rows, i);

			if (i > 1)
				strbuf_putc(&row, '|');
			if (i == 6)
				strbuf_puts(&row, (const char *)sqlite3_column_text(rows, i));
			else if (type == SQLITE_INTEGER)
				strbuf_put_int(&row, sqlite3_column_int64(rows, i));
			else if (type == SQLITE_NULL)
				strbuf_puts(&row, "NULL");
			else {
				error_set(e, ERR_DATA, "ledger: probe result %lld holds a value that is not an "
					  "integer", (long long)id);
				goto out;
			}
		}
		strbuf_putc(&row, '\n');
		if (EVP_DigestUpdate(md, row.buf, row.len) != 1)
			goto crypto;
		lo = count++ == 0 ? id : lo;
		hi = id;
		from = at < from ? at : from;
		to = at > to ? at : to;
	}
	if (step != SQLITE_DONE) {
		db_fail(db, e, "ledger: probe results");
		goto out;
	}
	rc = 0;
	if (count == 0)
		goto out;
	if (EVP_DigestFinal_ex(md, sum, &len) != 1 || len != 32)
		goto crypto;
	to_hex(sum, hex);
	strbuf_printf(payload, "{\"first\":%lld,\"last\":%lld,\"rows\":%lld,\"from_ms\":%lld,"
		      "\"to_ms\":%lld,\"sha3\":\"%s\"}", (long long)lo, (long long)hi,
		      (long long)count, (long long)from, (long long)to, hex);
	goto out;
crypto:
	error_set(e, ERR_INTERNAL, "ledger: SHA3-256 failed in libcrypto");
	rc = -1;
out:
	if (rows)
		sqlite3_reset(rows);
	EVP_MD_CTX_free(md);
	strbuf_done(&row);
	return rc;
}

/* The payload of the probe_rollup.batch entry of the rollups with ids FIRST to
 * LAST into PAYLOAD (left empty when there is none): their range, hours and
 * endpoints, and the SHA3-256 of their rows as LEDGER_ROLLUP_ROW writes them,
 * joined by newlines in id order. */
static int rollup_payload(struct db *db, int64_t first, int64_t last, struct strbuf *payload,
			  struct error *e)
{
	static const char sql[] =
		"SELECT json_object('first', min(id), 'last', max(id), 'rows', count(*),"
		"  'from_hour', min(hour), 'to_hour', max(hour),"
		"  'endpoints', json((SELECT json_group_array(endpoint_id) FROM"
		"   (SELECT DISTINCT endpoint_id FROM probe_rollup WHERE id BETWEEN ?1 AND ?2"
		"    ORDER BY endpoint_id))),"
		"  'sha3', (SELECT lower(hex(sha3(group_concat(row, char(10)), 256)))"
		"   FROM (SELECT " LEDGER_ROLLUP_ROW " AS row FROM probe_rollup"
		"    WHERE id BETWEEN ?1 AND ?2 ORDER BY id)))"
		" FROM probe_rollup WHERE id BETWEEN ?1 AND ?2 HAVING count(*) > 0";
	sqlite3_stmt *st = db_cached(db, sql, e);
	int rc;

	strbuf_reset(payload);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, first);
	sqlite3_bind_int64(st, 2, last);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		strbuf_add(payload, (const char *)sqlite3_column_text(st, 0),
			   (size_t)sqlite3_column_bytes(st, 0));
	sqlite3_reset(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(db, e, "ledger: rollups");
}

/* Append an entry of KIND with PAYLOAD (sealed at commit). */
static int put_entry(struct db *db, const char *kind, const struct strbuf *payload, struct error *e)
{
	static const char sql[] = "INSERT INTO ledger_new (kind, payload) VALUES (?1, ?2)";
	sqlite3_stmt *st = db_cached(db, sql, e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, kind, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, payload->buf, (int)payload->len, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, e, "ledger: batches");
}

/* --- batches sealed later (ledger_pending, migration 0027) -------------- */

static const struct pending_table {
	const char *name, *kind;
	const char *between_sql; /* any row strictly between ?1 and ?2? */
	const char *first_sql;   /* the first id waiting */
	int (*payload)(struct db *, int64_t, int64_t, struct strbuf *, struct error *);
} pending_tables[] = {
	{"probe_result", "probe_result.batch",
	 "SELECT EXISTS (SELECT 1 FROM probe_result WHERE id > ?1 AND id < ?2)",
	 "SELECT min(first) FROM ledger_pending WHERE tbl = 'probe_result'", batch_payload},
	{"probe_rollup", "probe_rollup.batch",
	 "SELECT EXISTS (SELECT 1 FROM probe_rollup WHERE id > ?1 AND id < ?2)",
	 "SELECT min(first) FROM ledger_pending WHERE tbl = 'probe_rollup'", rollup_payload},
};

/* Run a constant statement, kept prepared, with ?1 and ?2 (those it has). */
static int step2(struct db *db, const char *sql, int64_t a, int64_t b, int64_t *out,
		 struct error *e)
{
	return db_run3(db, sql, 1, a, b, 0, out, "ledger: pending batches", e);
}

/* Note the range of T's rows with ids above MARK, with the payload its entry
 * would have now, as waiting since NOW_MS. */
static int note_range(struct db *db, const struct pending_table *t, int64_t mark, int64_t now_ms,
		      struct error *e)
{
	static const char sql[] = "INSERT INTO ledger_pending (tbl, first, last, rows, at_ms, payload)"
				  " VALUES (?1, ?2 ->> '$.first', ?2 ->> '$.last', ?2 ->> '$.rows', ?3, ?2)";
	struct strbuf payload = STRBUF_INIT;
	sqlite3_stmt *st;
	int rc = -1;

	if (t->payload(db, mark + 1, INT64_MAX, &payload, e) < 0)
		goto out;
	rc = 0;
	if (!payload.len)
		goto out;
	rc = -1;
	if (!(st = db_cached(db, sql, e)))
		goto out;
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, payload.buf, (int)payload.len, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now_ms);
	rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_fail(db, e, "ledger: pending batches");
	sqlite3_reset(st);
out:
	strbuf_done(&payload);
	return rc;
}

struct range {
	int64_t first, last;
	char *noted; /* the payload noted with it */
	int intact;  /* its rows are still what was noted */
};

/* Append the entry of the intact ranges R[G] to R[I - 1] (no row between them). */
static int seal_group(struct db *db, const struct pending_table *t, const struct range *r, size_t g,
		      size_t i, struct strbuf *payload, struct error *e)
{
	if (g == i)
		return 0;
	if (i - g > 1 && t->payload(db, r[g].first, r[i - 1].last, payload, e) < 0)
		return -1;
	if (i - g == 1) {
		strbuf_reset(payload);
		strbuf_puts(payload, r[g].noted);
	}
	return put_entry(db, t->kind, payload, e);
}

/*
 * Seal one table's waiting ranges. A range whose rows are no longer what was
 * noted at its commit (a row removed or changed since, outside drtop) gets
 * its entry as noted, on its own, so that verification names the difference.
 * Intact ranges with no row of the table between them make one entry; a row
 * between two (written by some other client) separates them, and stays in no
 * entry.
 */
static int seal_table(struct db *db, const struct pending_table *t, struct error *e)
{
	static const char ranges_sql[] =
		"SELECT first, last, payload FROM ledger_pending WHERE tbl = ?1 ORDER BY first";
	sqlite3_stmt *st = db_cached(db, ranges_sql, e);
	struct strbuf payload = STRBUF_INIT;
	struct range *r = NULL;
	int64_t between = 0;
	size_t n = 0, cap = 0, i, g;
	int step, rc = -1;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
	while ((step = sqlite3_step(st)) == SQLITE_ROW) {
		if (n == cap)
			r = xrealloc(r, (cap = cap ? 2 * cap : 16) * sizeof(*r));
		r[n].first = sqlite3_column_int64(st, 0);
		r[n].last = sqlite3_column_int64(st, 1);
		r[n++].noted = xstrdup((const char *)sqlite3_column_text(st, 2));
	}
	sqlite3_reset(st);
	if (step != SQLITE_DONE) {
		db_fail(db, e, "ledger: pending batches");
		goto out;
	}
	for (i = 0; i < n; i++) {
		if (t->payload(db, r[i].first, r[i].last, &payload, e) < 0)
			goto out;
		r[i].intact = payload.len && !strcmp(strbuf_str(&payload), r[i].noted);
	}
	for (g = 0, i = 0; i <= n; i++) {
		if (i < n && r[i].intact) {
			if (i == g)
				continue;
			if (step2(db, t->between_sql, r[i - 1].last, r[i].first, &between, e) < 0)
				goto out;
			if (!between)
				continue;
		}
		if (seal_group(db, t, r, g, i, &payload, e) < 0)
			goto out;
		g = i;
		if (i < n && !r[i].intact) {
			strbuf_reset(&payload);
			strbuf_puts(&payload, r[i].noted);
			if (put_entry(db, t->kind, &payload, e) < 0)
				goto out;
			g = i + 1;
		}
	}
	rc = 0;
out:
	for (i = 0; i < n; i++)
		free(r[i].noted);
	free(r);
	strbuf_done(&payload);
	return rc;
}

/* Seal every waiting range, as batch entries of this transaction. */
static int seal_pending(struct db *db, struct error *e)
{
	size_t i;

	for (i = 0; i < sizeof(pending_tables) / sizeof(pending_tables[0]); i++)
		if (seal_table(db, &pending_tables[i], e) < 0)
			return -1;
	return db_exec(db, "DELETE FROM ledger_pending", e);
}

/* Does anything wait to be sealed (when OLDER_THAN_MS is 0), or has anything
 * waited since before OLDER_THAN_MS? */
static int pending_since(struct db *db, int64_t older_than_ms, int64_t *yes, struct error *e)
{
	int64_t oldest = -1;

	if (step2(db, "SELECT min(at_ms) FROM ledger_pending", 0, 0, &oldest, e) < 0)
		return -1;
	*yes = oldest >= 0 && (older_than_ms == 0 || oldest <= older_than_ms);
	return 0;
}

int64_t ledger_unsealed_from(struct db *db, int rollups, struct error *e)
{
	int64_t first = -1, mark = rollups ? db->rollup_mark : db->probe_mark;

	if (mark < 0)
		return INT64_MAX;
	if (db->pend && step2(db, pending_tables[rollups != 0].first_sql, 0, 0, &first, e) < 0)
		return -1;
	return first >= 0 && first <= mark ? first : mark + 1;
}

/* Lowercase hex SHA3-256 of S into HEX (LEDGER_HASH_HEX + 1 bytes). */
static int hash_hex(const struct strbuf *s, char *hex, struct error *e)
{
	unsigned char md[32];

	if (sha3_256(s->buf ? s->buf : "", s->len, md) < 0)
		return error_set(e, ERR_INTERNAL, "ledger: SHA3-256 failed in libcrypto");
	to_hex(md, hex);
	return 0;
}

/* Give every entry after the mark its prev_hash and hash, in order. */
static int seal_entries(struct db *db, struct error *e)
{
	static const char prev_sql[] = "SELECT coalesce(hash, '') FROM ledger WHERE seq = ?1";
	static const char next_sql[] = "SELECT seq, recorded_at, actor, kind, payload FROM ledger"
				       " WHERE seq > ?1 ORDER BY seq LIMIT 1";
	static const char put_sql[] = "UPDATE ledger SET prev_hash = ?2, hash = ?3 WHERE seq = ?1";
	sqlite3_stmt *next = NULL, *put = NULL, *prev = NULL;
	struct strbuf canon = STRBUF_INIT;
	char before[LEDGER_HASH_HEX + 1], hash[LEDGER_HASH_HEX + 1];
	int64_t seq = db->ledger_mark;
	int rc = -1, step, i;

	memset(before, '0', LEDGER_HASH_HEX);
	before[LEDGER_HASH_HEX] = '\0';
	if (!(prev = db_cached(db, prev_sql, e)) || !(next = db_cached(db, next_sql, e)) ||
	    !(put = db_cached(db, put_sql, e)))
		goto out;
	/* An entry before the mark that nobody sealed stays visible as such: the
	 * chain goes on from it and breaks there. */
	sqlite3_bind_int64(prev, 1, seq);
	if (sqlite3_step(prev) == SQLITE_ROW)
		snprintf(before, sizeof(before), "%s", (const char *)sqlite3_column_text(prev, 0));
	for (;;) {
		sqlite3_reset(next);
		sqlite3_bind_int64(next, 1, seq);
		step = sqlite3_step(next);
		if (step == SQLITE_DONE)
			break;
		if (step != SQLITE_ROW) {
			db_fail(db, e, "ledger");
			goto out;
		}
		seq = sqlite3_column_int64(next, 0);
		strbuf_reset(&canon);
		strbuf_puts(&canon, before);
		strbuf_putc(&canon, '|');
		strbuf_put_int(&canon, seq);
		for (i = 1; i <= 4; i++) {
			/* a batch's payload runs to hundreds of kilobytes: copied, not formatted */
			strbuf_putc(&canon, '|');
			strbuf_add(&canon, (const char *)sqlite3_column_text(next, i),
				   (size_t)sqlite3_column_bytes(next, i));
		}
		if (hash_hex(&canon, hash, e) < 0)
			goto out;
		sqlite3_reset(put);
		sqlite3_bind_int64(put, 1, seq);
		if (*before)
			sqlite3_bind_text(put, 2, before, -1, SQLITE_STATIC);
		else
			sqlite3_bind_null(put, 2);
		sqlite3_bind_text(put, 3, hash, -1, SQLITE_STATIC);
		if (sqlite3_step(put) != SQLITE_DONE) {
			db_fail(db, e, "ledger");
			goto out;
		}
		memcpy(before, hash, sizeof(hash));
		db->sealed_seq = seq;
		memcpy(db->sealed_hash, hash, sizeof(hash));
	}
	rc = 0;
out:
	if (prev)
		sqlite3_reset(prev);
	if (next)
		sqlite3_reset(next);
	if (put)
		sqlite3_reset(put);
	strbuf_done(&canon);
	return rc;
}

/* --- an import's entries, in batches ------------------------------------ */

/*
 * An import adds three or more rows per system, and each row two entries (its
 * own and its audit_log row's): sealing them one by one was most of what an
 * import cost. While a transaction writes in bulk, the schema's ledger_append
 * trigger appends nothing (audit_context.bulk = 1) and a TEMP trigger of this
 * connection hands every entry to stage() instead, which keeps them in order.
 * They are appended between writes and at commit: the insert and update
 * entries of rows of the plan together, as import.batch entries of about
 * BULK_BATCH_BYTES ({"entries": [...]}, each element the payload of the entry
 * it stands for with its "kind" in front), any other entry as it came. The
 * verification query reads the elements as it reads entries of their own, so
 * an edited row is named as before; what changes is that a few hundred
 * entries are sealed where there were tens of thousands.
 */

#define BULK_BATCH_BYTES 65536
#define BULK_FLUSH_BYTES (4 * BULK_BATCH_BYTES)

struct staged {
	char *kind; /* NULL: an import.batch entry, open while it is the last one */
	struct strbuf payload;
};

struct ledger_bulk {
	sqlite3 *h; /* the connection the function and the TEMP trigger were made on */
	struct staged *items;
	size_t n, cap, bytes;
	int on;
};

/* Is KIND the insert or update entry of a row of the plan? Those go in batches;
 * deletions, evidence and settings keep entries of their own, which the
 * verification query also reads by kind. */
static int batched_kind(const char *kind)
{
	static const char *const tables[] = {"system", "endpoint", "backup_schedule", "dependency",
					     "maintenance_window", "objective_history", "audit_log"};
	const char *dot = strchr(kind, '.');
	size_t i;

	if (!dot || (strcmp(dot, ".insert") && strcmp(dot, ".update")))
		return 0;
	for (i = 0; i < sizeof(tables) / sizeof(tables[0]); i++)
		if (strlen(tables[i]) == (size_t)(dot - kind) && !strncmp(kind, tables[i], dot - kind))
			return 1;
	return 0;
}

static struct staged *stage_item(struct ledger_bulk *b, const char *kind)
{
	struct staged *it;

	b->items = xgrow(b->items, &b->cap, b->n + 1, sizeof(*b->items));
	it = &b->items[b->n++];
	it->kind = kind ? xstrdup(kind) : NULL;
	strbuf_init(&it->payload);
	return it;
}

/* drtop_ledger_stage(KIND, PAYLOAD), called by the TEMP trigger for each entry. */
static void sql_stage(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	struct ledger_bulk *b = sqlite3_user_data(cx);
	const char *kind = (const char *)sqlite3_value_text(argv[0]);
	const char *payload = (const char *)sqlite3_value_text(argv[1]);
	size_t len = (size_t)sqlite3_value_bytes(argv[1]);
	struct staged *last = b->n ? &b->items[b->n - 1] : NULL;

	(void)argc;
	if (!b->on || !kind || !payload) {
		sqlite3_result_error(cx, "ledger: an entry staged outside a bulk write", -1);
		return;
	}
	/* A payload is a JSON object of the triggers' own making: {"id": ...}. */
	if (batched_kind(kind) && len > 2 && payload[0] == '{' && payload[len - 1] == '}') {
		if (!last || last->kind || last->payload.len >= BULK_BATCH_BYTES) {
			last = stage_item(b, NULL);
			strbuf_puts(&last->payload, "{\"entries\":[");
		} else {
			strbuf_putc(&last->payload, ',');
		}
		strbuf_puts(&last->payload, "{\"kind\":");
		strbuf_json_string(&last->payload, kind);
		strbuf_putc(&last->payload, ',');
		strbuf_add(&last->payload, payload + 1, len - 1);
	} else {
		last = stage_item(b, kind);
		strbuf_add(&last->payload, payload, len);
	}
	b->bytes += len;
}

static void bulk_clear(struct ledger_bulk *b)
{
	size_t i;

	for (i = 0; i < b->n; i++) {
		free(b->items[i].kind);
		strbuf_done(&b->items[i].payload);
	}
	b->n = b->bytes = 0;
}

/* Switch the schema's trigger off (1) or on (0) for the rest of the transaction. */
static int bulk_switch(struct db *db, int on, struct error *e)
{
	static const char sql[] = "UPDATE audit_context SET bulk = ?1 WHERE id = 1";
	sqlite3_stmt *st = db_cached(db, sql, e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, on);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, e, "ledger");
	db->bulk->on = on;
	return 0;
}

int ledger_bulk_begin(struct db *db, struct error *e)
{
	static const char trigger_sql[] =
		"CREATE TEMP TRIGGER IF NOT EXISTS ledger_stage INSTEAD OF INSERT ON main.ledger_new"
		" WHEN (SELECT bulk FROM main.audit_context WHERE id = 1)"
		" BEGIN SELECT drtop_ledger_stage(NEW.kind, NEW.payload); END";
	struct ledger_bulk *b;

	if (db->ledger_mark < 0 || db->version < db_latest_version())
		return 0;
	if (!db->bulk)
		db->bulk = xcalloc(1, sizeof(*db->bulk));
	b = db->bulk;
	if (b->h != db->h) {
		/* DIRECTONLY: no trigger or view of the file itself can call it. */
		if (sqlite3_create_function(db->h, "drtop_ledger_stage", 2,
					    SQLITE_UTF8 | SQLITE_DIRECTONLY, b, sql_stage, NULL,
					    NULL) != SQLITE_OK ||
		    db_exec(db, trigger_sql, e) < 0)
			return db_fail(db, e, "ledger");
		b->h = db->h;
	}
	bulk_clear(b);
	return bulk_switch(db, 1, e);
}

/* Append the staged entries, in order, through the schema's trigger. */
static int bulk_append(struct db *db, struct error *e)
{
	static const char put_sql[] = "INSERT INTO ledger_new (kind, payload) VALUES (?1, ?2)";
	struct ledger_bulk *b = db->bulk;
	sqlite3_stmt *put;
	size_t i;
	int rc = 0;

	if (!b->n)
		return 0;
	if (bulk_switch(db, 0, e) < 0 || !(put = db_cached(db, put_sql, e)))
		return -1;
	for (i = 0; i < b->n && rc == 0; i++) {
		struct staged *it = &b->items[i];

		if (!it->kind)
			strbuf_puts(&it->payload, "]}");
		sqlite3_bind_text(put, 1, it->kind ? it->kind : "import.batch", -1, SQLITE_STATIC);
		sqlite3_bind_text(put, 2, it->payload.buf, (int)it->payload.len, SQLITE_STATIC);
		if (sqlite3_step(put) != SQLITE_DONE)
			rc = db_fail(db, e, "ledger");
		sqlite3_reset(put);
	}
	sqlite3_clear_bindings(put);
	bulk_clear(b);
	return rc < 0 ? -1 : bulk_switch(db, 1, e);
}

int ledger_bulk_flush(struct db *db, struct error *e)
{
	if (!db->bulk || !db->bulk->on || db->bulk->bytes < BULK_FLUSH_BYTES)
		return 0;
	return bulk_append(db, e);
}

void ledger_bulk_discard(struct db *db)
{
	if (db->bulk) {
		bulk_clear(db->bulk);
		db->bulk->on = 0;
	}
}

void ledger_bulk_free(struct db *db)
{
	if (db->bulk) {
		bulk_clear(db->bulk);
		free(db->bulk->items);
		free(db->bulk);
		db->bulk = NULL;
	}
}

/* The batch entries of the rows this transaction wrote, appended now (a
 * schema without ledger_pending). */
static int append_batches(struct db *db, struct error *e)
{
	struct strbuf payload = STRBUF_INIT;
	int64_t marks[2] = {db->probe_mark, db->rollup_mark};
	size_t i;
	int rc = 0;

	for (i = 0; rc == 0 && i < sizeof(pending_tables) / sizeof(pending_tables[0]); i++) {
		const struct pending_table *t = &pending_tables[i];

		if (marks[i] >= 0 && (rc = t->payload(db, marks[i] + 1, INT64_MAX, &payload, e)) == 0 &&
		    payload.len)
			rc = put_entry(db, t->kind, &payload, e);
	}
	strbuf_done(&payload);
	return rc;
}

/* Note the ranges of rows this transaction wrote; seal every waiting range
 * now, unless the connection may defer them and the oldest has not waited
 * that long. */
static int note_batches(struct db *db, struct error *e)
{
	int64_t now_ms = when_real_now() * 1000, due = 1;
	int64_t marks[2] = {db->probe_mark, db->rollup_mark};
	size_t i;

	for (i = 0; i < sizeof(pending_tables) / sizeof(pending_tables[0]); i++)
		if (marks[i] >= 0 && note_range(db, &pending_tables[i], marks[i], now_ms, e) < 0)
			return -1;
	if (db->seal_defer == SEAL_LATER) {
		int64_t every = ledger_seal_every_s(db);

		if (every > 0 && pending_since(db, now_ms - every * 1000, &due, e) < 0)
			return -1;
	}
	return due ? seal_pending(db, e) : 0;
}

int ledger_seal(struct db *db, struct error *e)
{
	int rc = 0;

	if (db->ledger_mark < 0)
		return 0;
	if (db->bulk && db->bulk->on) {
		rc = bulk_append(db, e);
		if (rc == 0)
			rc = bulk_switch(db, 0, e);
	}
	if (rc == 0)
		rc = db->pend ? note_batches(db, e) : append_batches(db, e);
	if (rc == 0)
		rc = seal_entries(db, e);
	db->probe_mark = db->ledger_mark = db->rollup_mark = -1;
	return rc;
}

int64_t ledger_seal_every_s(struct db *db)
{
	int64_t every = 60;

	db_int64(db, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM setting"
		     " WHERE key = 'seal_every_s'), 60)", &every, NULL);
	return every;
}

int ledger_seal_when_due(struct db *db)
{
	int before = db->seal_defer;

	if (before == SEAL_NOW)
		db->seal_defer = SEAL_LATER;
	return before;
}

int ledger_seal_waiting(struct db *db, struct error *e)
{
	int64_t waiting = 0;

	if (db->version < LEDGER_PENDING_VERSION)
		return 0;
	db->seal_defer = SEAL_NOW;
	if (pending_since(db, 0, &waiting, e) < 0)
		return -1;
	/* db_begin seals them (ledger_mark) */
	return waiting ? (db_begin(db, e) < 0 ? -1 : db_commit(db, e)) : 0;
}

int ledger_head(struct db *db, int64_t *seq, char *hash, struct error *e)
{
	sqlite3_stmt *st;
	int rc;

	if (db->version < LEDGER_SCHEMA_VERSION)
		return error_set(e, ERR_DATA,
				 "%s has schema version %d, without a ledger; run 'drtop db migrate'",
				 db->path, db->version);
	/* Under --as-of, the head as it stood then: the newest entry recorded by T. */
	st = db_prepare(db, "SELECT seq, hash FROM ledger WHERE ?1 OR recorded_at <= ?2"
			    " ORDER BY seq DESC LIMIT 1", e);
	if (!st)
		return -1;
	sqlite3_bind_int(st, 1, !db->shadowed);
	sqlite3_bind_int64(st, 2, when_known_by());
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		*seq = sqlite3_column_int64(st, 0);
		snprintf(hash, LEDGER_HASH_HEX + 1, "%s", (const char *)sqlite3_column_text(st, 1));
	}
	sqlite3_finalize(st);
	if (rc == SQLITE_DONE && db->shadowed)
		return error_set(e, ERR_DATA, "%s: the ledger has no entry recorded by --as-of", db->path);
	if (rc == SQLITE_DONE)
		return error_set(e, ERR_DATA, "%s: the ledger is empty (no genesis entry)", db->path);
	return rc == SQLITE_ROW ? 0 : db_fail(db, e, "ledger");
}

/* Parse "SEQ:HASH". Returns 0, or -1 with e set. */
static int parse_anchor(const char *anchor, int64_t *seq, char *hash, struct error *e)
{
	const char *colon = strchr(anchor, ':');
	char *end;
	size_t i;

	if (colon && colon > anchor) {
		*seq = strtoll(anchor, &end, 10);
		if (end == colon && *seq > 0 && strlen(colon + 1) == LEDGER_HASH_HEX) {
			for (i = 0; i < LEDGER_HASH_HEX; i++) {
				char c = colon[1 + i];

				if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
					break;
				hash[i] = c;
			}
			hash[i] = '\0';
			if (i == LEDGER_HASH_HEX)
				return 0;
		}
	}
	return error_set(e, ERR_USAGE,
			 "--anchor: '%s' is not SEQ:HASH (a sequence number, a colon and 64 "
			 "lowercase hex digits, as 'drtop db anchor' prints)",
			 anchor);
}

static void first_of(int64_t *first, int64_t seq)
{
	if (seq > 0 && (*first == 0 || seq < *first))
		*first = seq;
}

/* Is entry SEQ of the ledger the anchored one? One problem line when not. */
static int check_anchor(struct db *db, int64_t seq, const char *hash, struct strbuf *out,
			int64_t *first, struct error *e)
{
	sqlite3_stmt *st = db_prepare(db,
				      "SELECT hash, (SELECT max(seq) FROM ledger) FROM ledger "
				      "WHERE seq = ?1 UNION ALL SELECT NULL, max(seq) FROM ledger",
				      e);
	int rc, problems = 0;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, seq);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && sqlite3_column_type(st, 0) == SQLITE_NULL) {
		strbuf_printf(out,
			      "ledger entry %" PRId64 ": missing: the ledger ends at entry %lld, "
			      "before the anchor: entries were removed\n",
			      seq, (long long)sqlite3_column_int64(st, 1));
		first_of(first, sqlite3_column_int64(st, 1) + 1);
		problems = 1;
	} else if (rc == SQLITE_ROW && strcmp((const char *)sqlite3_column_text(st, 0), hash)) {
		strbuf_printf(out,
			      "ledger entry %" PRId64 ": not the anchored entry: its hash is %s, "
			      "the anchor says %s\n",
			      seq, sqlite3_column_text(st, 0), hash);
		first_of(first, seq);
		problems = 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, e, "ledger");
	return problems;
}

int ledger_verify(struct db *db, const char *anchor, struct strbuf *out, int64_t *first,
		  struct error *e)
{
	char want[LEDGER_HASH_HEX + 1];
	int64_t anchor_seq = 0;
	sqlite3_stmt *st;
	int problems = 0, rc;

	*first = 0;
	if (anchor && parse_anchor(anchor, &anchor_seq, want, e) < 0)
		return -1;
	if (db->version < LEDGER_SCHEMA_VERSION) {
		strbuf_printf(out, "ledger: none (schema version %d); run 'drtop db migrate'\n",
			      db->version);
		return 1;
	}
	/* The query reads ledger_pending; before it existed, nothing waited. */
	if (db->version < LEDGER_PENDING_VERSION &&
	    db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS ledger_pending (tbl TEXT, first INTEGER,"
			" last INTEGER, payload TEXT)", e) < 0)
		return -1;
	st = db_prepare(db, ledger_verify_sql, e);
	if (!st)
		return error_prefix(e, "ledger verification");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		strbuf_printf(out, "%s: %s\n", sqlite3_column_text(st, 1),
			      sqlite3_column_text(st, 2));
		if (sqlite3_column_type(st, 0) != SQLITE_NULL)
			first_of(first, sqlite3_column_int64(st, 0));
		problems++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, e, "ledger verification");
	if (anchor) {
		rc = check_anchor(db, anchor_seq, want, out, first, e);
		if (rc < 0)
			return -1;
		problems += rc;
	}
	return problems;
}

int ledger_waiting(struct db *db, int64_t *rows, int64_t *since, struct error *e)
{
	*rows = *since = 0;
	if (db->version < LEDGER_PENDING_VERSION)
		return 0;
	if (db_int64(db, "SELECT coalesce(sum(rows), 0) FROM ledger_pending", rows, e) < 0)
		return -1;
	return db_int64(db, "SELECT coalesce(min(at_ms), 0) / 1000 FROM ledger_pending", since, e);
}

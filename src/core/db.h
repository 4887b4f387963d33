/*
 * db.h - the drtop database: finding it, opening it, migrating it.
 *
 * One SQLite file holds everything. Opening resolves the path (--db, then
 * DRTOP_DB, then $XDG_DATA_HOME/drtop/drtop.db), creates a new file with
 * mode 0600, refuses files that are not drtop databases or that a newer
 * drtop wrote, and brings an older schema up to date after keeping a copy.
 * The connection runs in WAL mode with foreign keys on and a busy timeout,
 * so the dashboard, a prober and an auditor's client can share the file.
 *
 * Write transactions go through db_begin()/db_commit(), which record who is
 * acting so that the audit triggers can name them.
 */
#ifndef DRTOP_DB_H
#define DRTOP_DB_H

#include <stdint.h>

#include <sqlite3.h>

#include "error.h"
#include "strbuf.h"

#define DB_NO_CREATE 0x1  /* a missing file is an error */
#define DB_NO_MIGRATE 0x2 /* leave an older schema as it is (db migrate, tests) */
#define DB_READ 0x4       /* only reading: when the file, its directory or the disk cannot take
			   * a write, open it read-only instead of failing (db_open) */
#define DB_WHOLE 0x8      /* every row of the file, --as-of notwithstanding (db verify, check) */

#define DB_CACHE_MAX 64

/* When a write transaction seals the batches of probe results and rollups
 * that wait (db->seal_defer; ledger_pending, migration 0027). */
enum {
	SEAL_NOW,       /* at its start, as it may remove rows, and at its commit */
	SEAL_LATER,     /* at its commit once the oldest has waited seal_every_s (the watcher) */
	SEAL_AT_COMMIT, /* at its commit, not before: it removes no unsealed row (the watcher's last) */
};

struct db {
	sqlite3 *h;
	char *path;
	int version;       /* schema version after opening */
	int migrated_from; /* version before an automatic migration, or -1 */
	char *backup_path; /* the copy kept before migrating, or NULL */
	char *actor;
	const char *reason;  /* why, kept in the ledger with the next changes (borrowed), or NULL */
	int64_t probe_mark;  /* the largest probe_result id when the write transaction began */
	int64_t ledger_mark; /* the newest ledger entry then; -1: no ledger to keep */
	int64_t rollup_mark; /* the largest probe_rollup id then; -1: no rollups */
	int pend;            /* the schema has ledger_pending: batches may be sealed later */
	int seal_defer;        /* how this transaction seals batches: SEAL_* (ledger_seal) */
	int64_t anchor_log_s;   /* log the head to the system log this often (0: never) */
	int64_t anchor_logged;  /* when it was last logged, or when the database was opened */
	const char *prober_kind; /* the probing lease this connection claimed: "watch", "dashboard" */
	int64_t sealed_seq;     /* the entry the last commit sealed last, or 0 */
	char sealed_hash[65];
	unsigned long long dev, ino; /* the file opened, to notice it being replaced */
	int scratch; /* a private copy (db_private_copy): written to try plans, even under --as-of */
	int shadowed; /* reads only what was recorded by --as-of's time (shadow_unrecorded) */
	int created;  /* this process made the file: a command that fails removes it */
	int64_t snapshot_now; /* drtop's clock when temp.verdict_snapshot was filled */
	/* the busy handler db_busy_handler installed, kept across db_try_begin; NULL: the timeout */
	int (*busy_fn)(void *arg, int count);
	void *busy_arg;
	struct ledger_bulk *bulk;    /* entries staged while writing in bulk (ledger.c), or NULL */
	struct {
		const char *sql;
		sqlite3_stmt *st;
	} cache[DB_CACHE_MAX]; /* statements kept for the connection's life (db_cached) */
};

/* The path the database would have: EXPLICIT, else DRTOP_DB, else the XDG data
 * directory. Returns a string the caller frees, or NULL with e set. */
char *db_resolve_path(const char *explicit_path, struct error *e);

/* Open (creating or migrating as FLAGS allow). Returns NULL with e set. */
struct db *db_open(const char *explicit_path, unsigned flags, struct error *e);
void db_close(struct db *db);
/* Close DB after its command failed: a file this process created goes too
 * (a mistyped --db or $DRTOP_DB leaves no new, empty inventory behind). */
void db_close_failed(struct db *db);
/* Remove the database file PATH and its WAL and shared-memory files. */
void db_remove_files(const char *path);

/* Does the path no longer name the file that is open (moved over, or removed)?
 * Writing then would go to the path's -wal beside another file and damage it. */
int db_replaced(const struct db *db);

/* Drop the connection to a replaced file without a checkpoint (its -wal may
 * belong to the new file now) and open what the path names now, in place.
 * Every statement of the old connection must be finalized first. On failure
 * db->h is NULL and only db_close may follow. */
int db_reopen(struct db *db, struct error *e);

/* The newest schema version this binary knows. */
int db_latest_version(void);

/* Apply migrations up to TARGET (at most the latest), each in its own
 * transaction, keeping a backup copy first when the file holds data. */
int db_migrate(struct db *db, int target, struct error *e);

/* Integrity, foreign-key and schema checks and the ledger's verification
 * (ledger_verify); each problem is a line in OUT. Returns the number of
 * problems, or -1 with e set when the check could not run. */
int db_check(struct db *db, struct strbuf *out, struct error *e);

/* Is the schema exactly what the migrations build: no table, trigger or view
 * missing, altered or added? Each problem is a line in OUT; returns their
 * number, or -1 with e set. */
int db_check_schema(struct db *db, struct strbuf *out, struct error *e);

/* Under --as-of, -1 with e set (ERR_USAGE) saying nothing is written; else 0. */
int db_refuse_as_of(struct error *e);
/* -1 with e set (ERR_USAGE) when --now or DRTOP_NOW puts the clock ahead of the
 * real time, which nothing is written with; 0 otherwise. */
int db_refuse_future(struct error *e);

/* Start a write transaction (BEGIN IMMEDIATE) that the audit log attributes
 * to this process's user, at the real time (when_real_now(), never --now). */
/* A private in-memory copy of SRC, with drtop's clock and functions, to change
 * and evaluate without writing (or locking) the file. Close it with db_close(). */
struct db *db_private_copy(struct db *src, struct error *e);
int db_begin(struct db *db, struct error *e);
/* The same without waiting for a lock: fails at once with ERR_BUSY. */
int db_try_begin(struct db *db, struct error *e);
/* Wait for locks with FN (sqlite3_busy_handler) rather than the busy timeout,
 * until called again with NULL; db_try_begin keeps it. */
void db_busy_handler(struct db *db, int (*fn)(void *arg, int count), void *arg);
/* NOWAIT 1: DB's statements fail at once (SQLITE_BUSY) where they would wait
 * for a lock; 0: they wait again as before. */
void db_nowait(struct db *db, int nowait);
/* Commit; refused (rolled back, ERR_USAGE) while --now sets the clock ahead of the real time. */
int db_commit(struct db *db, struct error *e);
void db_rollback(struct db *db);

/* How long a connection waits for a lock, in ms (DRTOP_BUSY_TIMEOUT_MS, else 5 s). */
int db_busy_timeout_ms(void);

/* Run SQL without results. */
int db_exec(struct db *db, const char *sql, struct error *e);

/* Prepare SQL; NULL with e set on failure. */
sqlite3_stmt *db_prepare(struct db *db, const char *sql, struct error *e);

/* The statement of SQL, prepared once for the connection's life and ready to
 * bind: for SQL run again and again (a probe batch's ledger, the status
 * history), whose preparation reads the large verdict views each time. SQL
 * must be a string constant: its address is the key. Never finalize it;
 * sqlite3_reset() it when done so that it holds no read transaction. */
sqlite3_stmt *db_cached(struct db *db, const char *sql, struct error *e);
/* Run the cached statement of SQL (db_cached) once, without bindings or
 * results; errors are prefixed with WHAT. 0, or -1 with e set. */
int db_exec_cached(struct db *db, const char *sql, const char *what, struct error *e);
/* Run SQL, which yields one row, and store its first column in *OUT. 0, or -1
 * with e set. */
int db_int64(struct db *db, const char *sql, int64_t *out, struct error *e);

/* Run SQL once with ?1, ?2 and ?3 bound to A, B and C (those it has); *OUT,
 * when given, gets column 0 of its first row (-1 for NULL). CACHED: SQL is a
 * constant, kept prepared for the connection (db_cached); else it is prepared
 * and finalized here. WHAT names the work in an error. */
int db_run3(struct db *db, const char *sql, int cached, int64_t a, int64_t b, int64_t c,
	    int64_t *out, const char *what, struct error *e);
/* The same, setting *TAIL to what follows the first statement in SQL. */
sqlite3_stmt *db_prepare_tail(struct db *db, const char *sql, const char **tail,
			      struct error *e);

/* Fill e from the connection's last error, prefixed with WHAT; returns -1. */
int db_fail(struct db *db, struct error *e, const char *what);

/* Column I of the current row as a string the caller frees, or NULL for NULL. */
char *db_column_strdup(sqlite3_stmt *st, int i);

/* Bind a string, or NULL when S is NULL. */
void db_bind_text(sqlite3_stmt *st, int i, const char *s);

#endif

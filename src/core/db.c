/*
 * db.c - see db.h.
 *
 * A drtop database is recognised by its application_id ('drtp'); its
 * schema version is PRAGMA user_version, and migration N (db/NNNN-*.sql,
 * compiled in) takes it from N-1 to N. Nothing is written to a file until
 * it is known to be ours and not newer than this binary.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "db-migrations.h"
#include "duration.h"
#include "db.h"
#include "ledger.h"
#include "util.h"
#include "when.h"

#define DRTOP_APPLICATION_ID 1685222512 /* 'drtp' */

int db_latest_version(void)
{
	return db_migrations_count;
}

char *db_column_strdup(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL
		       ? NULL
		       : xstrdup((const char *)sqlite3_column_text(st, i));
}

void db_bind_text(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_TRANSIENT);
	else
		sqlite3_bind_null(st, i);
}

/* The directory holding PATH, as a string the caller frees. */
static char *dir_of(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		return xstrdup(".");
	return slash == path ? xstrdup("/") : xstrndup(path, (size_t)(slash - path));
}

/*
 * SQLite reports "disk I/O error" or "attempt to write a readonly database" for
 * several causes that a person fixes differently: a full disk, a read-only file,
 * a directory where the -wal and -shm files of WAL mode cannot be created. ERR is
 * the errno of SQLite's last failed system call. Returns a message the caller
 * frees, or NULL when the cause is none of these.
 */
static char *io_cause(const char *path, int rc, int err)
{
	static const char *const sidecar[] = {"-shm", "-wal"};
	char *dir, *msg = NULL;
	size_t i;

	if ((rc & 0xff) == SQLITE_FULL || err == ENOSPC || err == EDQUOT)
		return xasprintf("disk full: cannot write %s or its -wal and -shm files", path);
	if (err == EROFS)
		return xasprintf("%s is on a read-only file system", path);
	if ((rc & 0xff) != SQLITE_READONLY && (rc & 0xff) != SQLITE_CANTOPEN &&
	    (rc & 0xff) != SQLITE_PERM && err != EACCES && err != EPERM)
		return NULL;
	if (access(path, R_OK) < 0 && errno == EACCES)
		return xasprintf("the database file %s is not readable (permission denied)", path);
	if (access(path, W_OK) < 0 && errno != ENOENT)
		return xasprintf("the database file %s is read-only", path);
	dir = dir_of(path);
	for (i = 0; !msg && i < sizeof(sidecar) / sizeof(sidecar[0]); i++) {
		char *f = xasprintf("%s%s", path, sidecar[i]);

		if (access(f, F_OK) < 0 && access(dir, W_OK) < 0)
			msg = xasprintf("cannot create %s: directory %s is not writable", f, dir);
		else if (access(f, F_OK) == 0 && access(f, W_OK) < 0)
			msg = xasprintf("%s is read-only", f);
		free(f);
	}
	free(dir);
	return msg;
}

int db_fail(struct db *db, struct error *e, const char *what)
{
	int rc = sqlite3_extended_errcode(db->h);
	enum error_kind kind;
	char *cause;

	switch (rc & 0xff) {
	case SQLITE_BUSY:
	case SQLITE_LOCKED:
		return error_set(e, ERR_BUSY,
				 "%s: the database %s is locked by another process; try again",
				 what, db->path);
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return error_set(e, ERR_DATA, "%s: the database %s is damaged (%s)", what,
				 db->path, sqlite3_errmsg(db->h));
	case SQLITE_CONSTRAINT:
	case SQLITE_MISMATCH:
	case SQLITE_TOOBIG:
		kind = ERR_DATA;
		break;
	case SQLITE_FULL:
	case SQLITE_IOERR:
	case SQLITE_READONLY:
	case SQLITE_CANTOPEN:
	case SQLITE_PERM:
		cause = io_cause(db->path, rc, sqlite3_system_errno(db->h));
		if (cause) {
			error_set(e, ERR_IO, "%s: %s", what, cause);
			free(cause);
			return -1;
		}
		kind = ERR_IO;
		break;
	default:
		kind = ERR_INTERNAL;
	}
	return error_set(e, kind, "%s: %s", what, sqlite3_errmsg(db->h));
}

int db_exec(struct db *db, const char *sql, struct error *e)
{
	if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
		return db_fail(db, e, "database");
	return 0;
}

sqlite3_stmt *db_prepare(struct db *db, const char *sql, struct error *e)
{
	return db_prepare_tail(db, sql, NULL, e);
}

sqlite3_stmt *db_cached(struct db *db, const char *sql, struct error *e)
{
	int i;

	for (i = 0; i < DB_CACHE_MAX && db->cache[i].sql; i++) {
		if (db->cache[i].sql == sql) {
			sqlite3_reset(db->cache[i].st);
			sqlite3_clear_bindings(db->cache[i].st);
			return db->cache[i].st;
		}
	}
	if (i == DB_CACHE_MAX) /* full: a programming error, but still correct */
		return db_prepare(db, sql, e);
	db->cache[i].st = db_prepare(db, sql, e);
	if (db->cache[i].st)
		db->cache[i].sql = sql;
	return db->cache[i].st;
}

int db_run3(struct db *db, const char *sql, int cached, int64_t a, int64_t b, int64_t c,
	    int64_t *out, const char *what, struct error *e)
{
	sqlite3_stmt *st = cached ? db_cached(db, sql, e) : db_prepare(db, sql, e);
	int64_t args[3] = {a, b, c};
	int rc, n, i;

	if (!st)
		return -1;
	n = sqlite3_bind_parameter_count(st);
	for (i = 0; i < n && i < 3; i++)
		sqlite3_bind_int64(st, i + 1, args[i]);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW && out)
		*out = sqlite3_column_type(st, 0) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 0);
	if (cached)
		sqlite3_reset(st);
	else
		sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 : db_fail(db, e, what);
}

int db_exec_cached(struct db *db, const char *sql, const char *what, struct error *e)
{
	sqlite3_stmt *st = db_cached(db, sql, e);
	int rc;

	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		db_fail(db, e, what);
	sqlite3_reset(st);
	return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : -1;
}

/* Finalize the cached statements: before the connection closes, so that it
 * closes at once rather than lingering until they are gone. */
static void drop_cache(struct db *db)
{
	int i;

	for (i = 0; i < DB_CACHE_MAX && db->cache[i].sql; i++) {
		sqlite3_finalize(db->cache[i].st);
		db->cache[i].sql = NULL;
		db->cache[i].st = NULL;
	}
}

sqlite3_stmt *db_prepare_tail(struct db *db, const char *sql, const char **tail, struct error *e)
{
	sqlite3_stmt *st = NULL;

	if (sqlite3_prepare_v2(db->h, sql, -1, &st, tail) != SQLITE_OK) {
		db_fail(db, e, "database");
		return NULL;
	}
	return st;
}

int db_int64(struct db *db, const char *sql, int64_t *out, struct error *e)
{
	sqlite3_stmt *st = db_prepare(db, sql, e);
	int rc;

	if (!st)
		return -1;
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW)
		*out = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, e, "database");
	return 0;
}

static int pragma_int(struct db *db, const char *sql, int *out, struct error *e)
{
	int64_t v = 0;

	if (db_int64(db, sql, &v, e) < 0)
		return -1;
	*out = (int)v;
	return 0;
}

char *db_resolve_path(const char *explicit_path, struct error *e)
{
	const char *env = getenv("DRTOP_DB"), *xdg = getenv("XDG_DATA_HOME"), *home;

	if (explicit_path && *explicit_path)
		return xstrdup(explicit_path);
	if (env && *env)
		return xstrdup(env);
	if (xdg && *xdg == '/')
		return xasprintf("%s/drtop/drtop.db", xdg);
	home = getenv("HOME");
	if (!home || !*home) {
		struct passwd *pw = getpwuid(getuid());

		home = pw ? pw->pw_dir : NULL;
	}
	if (!home || !*home) {
		error_set(e, ERR_USAGE, "cannot find a home directory: use --db PATH or DRTOP_DB");
		return NULL;
	}
	return xasprintf("%s/.local/share/drtop/drtop.db", home);
}

/* mkdir -p for the directories above PATH, mode 0700. */
static int make_parents(const char *path, struct error *e)
{
	char *dir = xstrdup(path), *p;
	int ret = 0;

	for (p = dir + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
			ret = error_set(e, ERR_CANTCREAT, "cannot create directory %s: %s", dir,
					strerror(errno));
			break;
		}
		*p = '/';
	}
	free(dir);
	return ret;
}

/* 1 when it made the file, 0 when another process just had, -1 on error. */
static int create_file(const char *path, struct error *e)
{
	int fd;

	if (make_parents(path, e) < 0)
		return -1;
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 && errno != EEXIST)
		return error_set(e, ERR_CANTCREAT, "cannot create database %s: %s", path,
				 strerror(errno));
	if (fd < 0)
		return 0;
	fchmod(fd, 0600);
	close(fd);
	return 1;
}

static char *current_actor(void)
{
	struct passwd *pw = getpwuid(geteuid());
	const char *user = getenv("USER");

	if (pw && pw->pw_name && *pw->pw_name)
		return xstrdup(pw->pw_name);
	if (user && *user)
		return xstrdup(user);
	return xasprintf("uid:%ld", (long)geteuid());
}

static int keep_backup(struct db *db, int from, struct error *e)
{
	sqlite3 *dst;
	sqlite3_backup *b;
	char *path = xasprintf("%s.v%d.bak", db->path, from);
	int rc, fd;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		error_set(e, ERR_CANTCREAT, "cannot keep a copy before migrating: %s: %s", path,
			  strerror(errno));
		free(path);
		return -1;
	}
	close(fd);
	rc = sqlite3_open_v2(path, &dst, SQLITE_OPEN_READWRITE, NULL);
	if (rc == SQLITE_OK) {
		b = sqlite3_backup_init(dst, "main", db->h, "main");
		if (b) {
			rc = sqlite3_backup_step(b, -1);
			sqlite3_backup_finish(b);
			rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
		} else {
			rc = sqlite3_errcode(dst);
		}
	}
	if (rc != SQLITE_OK) {
		error_set(e, ERR_IO, "cannot keep a copy before migrating: %s: %s", path,
			  sqlite3_errstr(rc));
		sqlite3_close(dst);
		unlink(path);
		free(path);
		return -1;
	}
	sqlite3_close(dst);
	free(db->backup_path);
	db->backup_path = path;
	return 0;
}

/* Name drtop's actor, the real time and the --reason given for the audit and
 * ledger triggers of the open transaction (EXISTS: the audit_context table
 * exists yet). Migrations that change audited rows are then dated and
 * attributed like any other change. */
static int audit_context_set(struct db *db, int exists, struct error *e)
{
	sqlite3_stmt *st;
	int rc;

	if (!exists)
		return 0;
	/* A reason is given only on a schema with the ledger (cmd_reason). */
	st = db_prepare(db,
			db->reason ? "INSERT OR REPLACE INTO audit_context (id, actor, at, reason) "
				     "VALUES (1, ?1, ?2, ?3)"
				   : "INSERT OR REPLACE INTO audit_context (id, actor, at) VALUES (1, ?1, ?2)",
			e);
	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, db->actor, -1, SQLITE_STATIC);
	/* The audit log and the ledger hold when a change was made, never the
	 * verdict clock. */
	sqlite3_bind_int64(st, 2, when_real_now());
	if (db->reason)
		sqlite3_bind_text(st, 3, db->reason, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, e, "database");
	return 0;
}

/* Seal the ledger entries migration VERSION added: from the genesis on when
 * it created the ledger, else those after the mark set before it ran. */
static int ledger_seal_migration(struct db *db, int version, struct error *e)
{
	if (version == LEDGER_SCHEMA_VERSION)
		db->ledger_mark = 0;
	return ledger_seal(db, e);
}

int db_migrate(struct db *db, int target, struct error *e)
{
	int v, i;

	if (target > db_migrations_count)
		target = db_migrations_count;
	if (pragma_int(db, "PRAGMA user_version", &v, e) < 0)
		return -1;
	if (v >= target)
		return 0;
	if (when_known())
		return error_set(e, ERR_USAGE, "%s has schema version %d and needs an upgrade to %d, "
					       "which --as-of does not write; upgrade it first without "
					       "--as-of ('drtop db migrate')",
				 db->path, v, target);
	if (v > 0 && keep_backup(db, v, e) < 0)
		return -1;
	for (i = v; i < target; i++) {
		const struct db_migration *m = &db_migrations[i];
		char *sql;
		int now;

		if (db_exec(db, "BEGIN IMMEDIATE", e) < 0)
			return -1;
		/* Another process may have migrated while we waited for the lock. */
		if (pragma_int(db, "PRAGMA user_version", &now, e) < 0) {
			db_rollback(db);
			return -1;
		}
		if (now >= m->version) {
			db_exec(db, "COMMIT", NULL);
			continue;
		}
		if (audit_context_set(db, i > 0, e) < 0 || ledger_mark(db, now, e) < 0) {
			db_rollback(db);
			return -1;
		}
		if (sqlite3_exec(db->h, m->sql, NULL, NULL, NULL) != SQLITE_OK ||
		    ledger_seal_migration(db, m->version, e) < 0) {
			if (!e->msg)
				db_fail(db, e, "database");
			error_prefix(e, "migration %s failed", m->name);
			db_rollback(db);
			return -1;
		}
		sql = xasprintf("PRAGMA user_version = %d", m->version);
		if (db_exec(db, "DELETE FROM audit_context", e) < 0 || db_exec(db, sql, e) < 0 ||
		    db_exec(db, "COMMIT", e) < 0) {
			free(sql);
			db_rollback(db);
			return -1;
		}
		free(sql);
	}
	db->version = target;
	return 0;
}

/* SQL functions drtop's own queries use to show values the way people type them:
 * duration(seconds), duration_ms(milliseconds) and iso_time(unix seconds);
 * the rounded forms for verdicts below. */
static void sql_duration(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	char buf[DURATION_BUFSZ];
	intptr_t ms = (intptr_t)sqlite3_user_data(cx);

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	if (ms)
		duration_format_ms(sqlite3_value_int64(argv[0]), buf);
	else
		duration_format(sqlite3_value_int64(argv[0]), buf);
	sqlite3_result_text(cx, buf, -1, SQLITE_TRANSIENT);
}

static int64_t value_or_none(sqlite3_value *v)
{
	return sqlite3_value_type(v) == SQLITE_NULL ? DURATION_NONE : sqlite3_value_int64(v);
}

/* duration_round(s), duration_versus(s, other): the rounded form for people
 * (as it reads beside OTHER: a target beside a measurement), and
 * duration_bounds(point, lower, upper[, target]): an outage's length with its
 * bounds (beside TARGET). */
static void sql_duration_round(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	char buf[DURATION_BUFSZ], other[DURATION_BUFSZ];

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	if (argc == 2)
		duration_format_pair(sqlite3_value_int64(argv[0]), value_or_none(argv[1]), buf, other);
	else
		duration_format_round(sqlite3_value_int64(argv[0]), buf);
	sqlite3_result_text(cx, buf, -1, SQLITE_TRANSIENT);
}

static void sql_duration_bounds(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	char buf[DURATION_BOUNDS_BUFSZ];

	(void)argc;
	if (sqlite3_value_type(argv[0]) == SQLITE_NULL && sqlite3_value_type(argv[1]) == SQLITE_NULL)
		return;
	duration_format_bounds_versus(value_or_none(argv[0]), value_or_none(argv[1]),
				      value_or_none(argv[2]), argc > 3 ? value_or_none(argv[3]) : DURATION_NONE,
				      0, buf);
	sqlite3_result_text(cx, buf, -1, SQLITE_TRANSIENT);
}

static void sql_iso_time(sqlite3_context *cx, int argc, sqlite3_value **argv)
{
	char buf[WHEN_BUFSZ];

	if (sqlite3_value_type(argv[0]) == SQLITE_NULL)
		return;
	sqlite3_result_text(cx, when_format(sqlite3_value_int64(argv[0]), buf), -1,
			    SQLITE_TRANSIENT);
}

/*
 * drtop's connections use a VFS that is the default one except for its clock:
 * 'now' in SQL is when_now(), so the fixed clock of DRTOP_NOW and --now holds
 * inside the verdict views too, while an auditor's client reads real time.
 */
#define JULIAN_UNIX_EPOCH_MS 210866760000000LL

static int clock_time64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
	(void)vfs;
	*out = when_now_ms() + JULIAN_UNIX_EPOCH_MS;
	return SQLITE_OK;
}

static int clock_time(sqlite3_vfs *vfs, double *out)
{
	(void)vfs;
	*out = (double)(when_now_ms() + JULIAN_UNIX_EPOCH_MS) / 86400000.0;
	return SQLITE_OK;
}

static const char *clock_vfs_name(void)
{
	static sqlite3_vfs vfs;
	sqlite3_vfs *base;

	if (vfs.zName)
		return vfs.zName;
	/* Before SQLite starts (the first connection): no count of the memory it
	 * uses, which drtop never reads and which took a global lock per allocation. */
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	base = sqlite3_vfs_find(NULL);
	if (!base || base->iVersion < 2)
		return NULL;
	vfs = *base;
	vfs.zName = "drtop-clock";
	vfs.xCurrentTime = clock_time;
	vfs.xCurrentTimeInt64 = clock_time64;
	if (sqlite3_vfs_register(&vfs, 0) != SQLITE_OK) {
		vfs.zName = NULL;
		return NULL;
	}
	return vfs.zName;
}

static void register_functions(sqlite3 *h)
{
	int flags = SQLITE_UTF8 | SQLITE_DETERMINISTIC;

	sqlite3_create_function(h, "duration", 1, flags, (void *)0, sql_duration, NULL, NULL);
	sqlite3_create_function(h, "duration_ms", 1, flags, (void *)1, sql_duration, NULL, NULL);
	sqlite3_create_function(h, "duration_round", 1, flags, NULL, sql_duration_round, NULL, NULL);
	sqlite3_create_function(h, "duration_versus", 2, flags, NULL, sql_duration_round, NULL, NULL);
	sqlite3_create_function(h, "duration_bounds", 3, flags, NULL, sql_duration_bounds, NULL, NULL);
	sqlite3_create_function(h, "duration_bounds", 4, flags, NULL, sql_duration_bounds, NULL, NULL);
	sqlite3_create_function(h, "iso_time", 1, flags, NULL, sql_iso_time, NULL, NULL);
	ledger_register(h);
}

/* Is this a file we may use? Reads only; writes nothing. */
static int recognise(struct db *db, int *version, struct error *e)
{
	int app, tables;

	if (pragma_int(db, "PRAGMA application_id", &app, e) < 0) {
		if ((sqlite3_extended_errcode(db->h) & 0xff) == SQLITE_NOTADB) {
			error_done(e);
			return error_set(e, ERR_DATA,
					 "%s is not a SQLite database, or it is damaged", db->path);
		}
		return -1;
	}
	if (pragma_int(db, "PRAGMA user_version", version, e) < 0 ||
	    pragma_int(db, "SELECT count(*) FROM sqlite_schema", &tables, e) < 0)
		return -1;
	if (app != DRTOP_APPLICATION_ID && !(app == 0 && *version == 0 && tables == 0))
		return error_set(e, ERR_DATA, "%s is not a drtop database (it holds other data)",
				 db->path);
	if (*version > db_migrations_count)
		return error_set(e, ERR_DATA,
				 "%s has schema version %d, newer than this drtop understands (%d); "
				 "upgrade drtop. The file was not changed.",
				 db->path, *version, db_migrations_count);
	return 0;
}

int db_busy_timeout_ms(void)
{
	const char *timeout = getenv("DRTOP_BUSY_TIMEOUT_MS");

	return timeout && atoi(timeout) > 0 ? atoi(timeout) : 5000;
}

/* A URI naming PATH for sqlite3_open_v2() with SQLITE_OPEN_URI, with QUERY appended. */
static char *file_uri(const char *path, const char *query)
{
	struct strbuf sb = STRBUF_INIT;
	const unsigned char *p;

	/* "file:///abs" or "file:rel": never an authority part. */
	strbuf_puts(&sb, path[0] == '/' ? "file://" : "file:");
	for (p = (const unsigned char *)path; *p; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/._-~", *p))
			strbuf_putc(&sb, (char)*p);
		else
			strbuf_printf(&sb, "%%%02X", *p);
	}
	strbuf_printf(&sb, "?%s", query);
	return strbuf_detach(&sb);
}

/*
 * Open a read-only connection for a read command when a read-write one failed
 * because nothing can be written near the file (read-only directory, full disk).
 * With frames in the -wal file SQLite reads them through the -shm file; with an
 * empty or no -wal file the database file holds every commit, and `immutable`
 * lets SQLite read it without the -shm file it could not create. (A failed open
 * may leave an empty -wal behind.)
 */
static int open_readonly(struct db *db)
{
	char *wal = xasprintf("%s-wal", db->path), *uri;
	struct stat sb;
	int rc;

	uri = stat(wal, &sb) == 0 && sb.st_size > 0 ? file_uri(db->path, "mode=ro")
						    : file_uri(db->path, "mode=ro&immutable=1");
	free(wal);
	rc = sqlite3_open_v2(uri, &db->h, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX,
			     clock_vfs_name());
	free(uri);
	if (rc != SQLITE_OK)
		return -1;
	sqlite3_extended_result_codes(db->h, 1);
	register_functions(db->h);
	sqlite3_busy_timeout(db->h, db_busy_timeout_ms());
	return 0;
}

/* The read-write connection: WAL mode, foreign keys on. */
static int open_readwrite(struct db *db, int *version, struct error *e)
{
	char mode[16] = "";
	sqlite3_stmt *st;

	if (sqlite3_open_v2(db->path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    clock_vfs_name()) != SQLITE_OK) {
		char *cause = db->h ? io_cause(db->path, sqlite3_extended_errcode(db->h),
					       sqlite3_system_errno(db->h))
				    : NULL;

		/* An unreadable file is missing input (66); one that cannot be written, I/O (74). */
		error_set(e, cause && access(db->path, R_OK) == 0 ? ERR_IO : ERR_NOINPUT,
			  "cannot open database %s: %s", db->path,
			  cause ? cause : db->h ? sqlite3_errmsg(db->h) : "out of memory");
		free(cause);
		return -1;
	}
	sqlite3_extended_result_codes(db->h, 1);
	register_functions(db->h);
	sqlite3_busy_timeout(db->h, db_busy_timeout_ms());
	if (recognise(db, version, e) < 0)
		return -1;
	st = db_prepare(db, "PRAGMA journal_mode = WAL", e);
	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW)
		snprintf(mode, sizeof(mode), "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	if (strcmp(mode, "wal"))
		return db_fail(db, e, "cannot switch the database to WAL mode");
	/* In WAL mode NORMAL is safe from corruption; only the last commits before
	 * a power cut may be lost. It keeps the prober's commits cheap. */
	return db_exec(db, "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL", e);
}

/*
 * --as-of T: the verdict as drtop could have given it at T. Evidence entered
 * after T takes no part, whatever time it claims: a check-in or a run's start
 * recorded later (a backfill), a drill or a maintenance window entered later.
 * Nor does the inventory added after T: a system, endpoint, backup schedule or
 * dependency created later (by its created_at, which --since may set earlier)
 * was not there to judge. This connection sees each of those tables through a
 * TEMP view of the rows by T, and every view of the file again as a TEMP view
 * of the same text, which reads them: SQLite looks for a name in temp before
 * main, while the file's own views read the file's tables. The views keep one
 * definition.
 */
static int shadow_unrecorded(struct db *db, struct error *e)
{
	static const struct {
		const char *table, *recorded;
	} evidence[] = {
		{"checkin", "recorded_at"},
		{"run_start", "recorded_at"},
		{"drill", "created_at"},
		{"maintenance_window", "created_at"},
		{"system", "created_at"},
		{"endpoint", "created_at"},
		{"backup_schedule", "created_at"},
		{"dependency", "created_at"},
	};
	static const char views_sql[] =
		"SELECT name, sql FROM main.sqlite_master WHERE type = 'view' ORDER BY rowid";
	static const char exists_sql[] =
		"SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?1";
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = 0;

	if (!when_known())
		return 0;
	db->shadowed = 1;
	if (sqlite3_prepare_v2(db->h, exists_sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, e, "--as-of");
	for (i = 0; i < sizeof(evidence) / sizeof(evidence[0]) && rc == 0; i++) {
		char *sql;
		int found;

		sqlite3_bind_text(st, 1, evidence[i].table, -1, SQLITE_STATIC);
		found = sqlite3_step(st) == SQLITE_ROW;
		sqlite3_reset(st);
		if (!found)
			continue; /* an older schema without this table */
		sql = xasprintf("CREATE TEMP VIEW %s AS SELECT * FROM main.%s WHERE %s <= %lld",
				evidence[i].table, evidence[i].table, evidence[i].recorded,
				(long long)when_known_by());
		rc = db_exec(db, sql, e);
		free(sql);
	}
	sqlite3_finalize(st);
	if (rc < 0)
		return -1;
	if (sqlite3_prepare_v2(db->h, views_sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, e, "--as-of");
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *text = (const char *)sqlite3_column_text(st, 1);
		char *sql;

		/* SQLite keeps the text from "CREATE VIEW " on, with no TEMP or schema. */
		if (!text || strncmp(text, "CREATE VIEW ", 12)) {
			rc = error_set(e, ERR_DATA, "--as-of: view %s has an unexpected definition",
				       sqlite3_column_text(st, 0));
			break;
		}
		sql = xasprintf("CREATE TEMP VIEW %s", text + 12);
		rc = db_exec(db, sql, e);
		free(sql);
	}
	sqlite3_finalize(st);
	return rc < 0 ? -1 : 0;
}

struct db *db_open(const char *explicit_path, unsigned flags, struct error *e)
{
	struct db *db = xcalloc(1, sizeof(*db));
	struct stat sb;
	int version, ro_only = 0;

	db->migrated_from = -1;
	db->probe_mark = db->ledger_mark = db->rollup_mark = -1;
	db->anchor_logged = when_real_now();
	db->path = db_resolve_path(explicit_path, e);
	if (!db->path)
		goto fail;
	if (stat(db->path, &sb) < 0) {
		/* --as-of writes nothing, not even a new file. */
		if ((flags & DB_NO_CREATE) || when_known()) {
			error_set(e, ERR_NOINPUT, "no database at %s", db->path);
			goto fail;
		}
		if ((db->created = create_file(db->path, e)) < 0)
			goto fail;
	} else if (S_ISDIR(sb.st_mode)) {
		error_set(e, ERR_NOINPUT, "%s is a directory, not a database", db->path);
		goto fail;
	} else if (S_ISREG(sb.st_mode) && sb.st_size == 0 && ((flags & DB_NO_CREATE) || when_known())) {
		/* An empty file (a full disk, a copy cut short) is no inventory: a
		 * read never takes it for an empty, healthy one, nor writes to it. */
		error_set(e, ERR_NOINPUT, "%s is empty (0 bytes): no drtop database", db->path);
		goto fail;
	}
	db->actor = current_actor();
	/* A reader that cannot write the file opens it read-only at once: a
	 * read-write open would create -wal and -shm files owned by this user, which
	 * the owner could not write afterwards (in a sticky shared directory). */
	if ((flags & DB_READ) && access(db->path, R_OK) == 0 && access(db->path, W_OK) < 0)
		ro_only = error_set(e, ERR_IO, "cannot open database %s: the database file %s is "
					       "read-only", db->path, db->path);
	if (ro_only < 0 || open_readwrite(db, &version, e) < 0) {
		struct error ro = {0};

		/* A read command still works when only writing is impossible; the first
		 * error, which names the cause, stands when reading fails too. */
		if (!(flags & DB_READ) || e->kind != ERR_IO)
			goto fail;
		sqlite3_close_v2(db->h);
		db->h = NULL;
		if (open_readonly(db) < 0 || recognise(db, &version, &ro) < 0) {
			error_done(&ro);
			goto fail;
		}
		if (!(flags & DB_NO_MIGRATE) && version < db_migrations_count) {
			error_prefix(e, "%s has schema version %d and needs an upgrade to %d, which "
					"cannot be written",
				     db->path, version, db_migrations_count);
			goto fail;
		}
		error_done(e);
	}
	if (stat(db->path, &sb) == 0) {
		/* Which file is open, so that a file moved over the path is noticed. */
		db->dev = (unsigned long long)sb.st_dev;
		db->ino = (unsigned long long)sb.st_ino;
	}
	db->version = version;
	if (!(flags & DB_NO_MIGRATE) && version < db_migrations_count) {
		if (db_migrate(db, db_migrations_count, e) < 0)
			goto fail;
		if (version > 0)
			db->migrated_from = version;
	}
	if (!(flags & DB_WHOLE) && shadow_unrecorded(db, e) < 0)
		goto fail;
	return db;
fail:
	db_close(db);
	return NULL;
}

void db_close(struct db *db)
{
	if (!db)
		return;
	drop_cache(db);
	ledger_bulk_free(db);
	if (db->h)
		sqlite3_close_v2(db->h);
	free(db->path);
	free(db->backup_path);
	free(db->actor);
	free(db);
}

void db_remove_files(const char *path)
{
	char *side;

	unlink(path);
	side = xasprintf("%s-wal", path);
	unlink(side);
	free(side);
	side = xasprintf("%s-shm", path);
	unlink(side);
	free(side);
}

void db_close_failed(struct db *db)
{
	char *path;

	if (!db || db->created <= 0) {
		db_close(db);
		return;
	}
	path = xstrdup(db->path);
	db_close(db);
	db_remove_files(path);
	free(path);
}

int db_replaced(const struct db *db)
{
	struct stat sb;

	if (stat(db->path, &sb) < 0)
		return 1;
	return (unsigned long long)sb.st_dev != db->dev || (unsigned long long)sb.st_ino != db->ino;
}

int db_reopen(struct db *db, struct error *e)
{
	struct db *fresh;
	char *path = xstrdup(db->path);

	/* Close before opening: in one process, two connections to different files
	 * sharing the path's -shm would drop each other's POSIX locks. */
	drop_cache(db);
	if (db->h) {
		sqlite3_db_config(db->h, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
		sqlite3_close_v2(db->h);
		db->h = NULL;
	}
	fresh = db_open(path, DB_NO_CREATE, e);
	free(path);
	if (!fresh)
		return -1;
	free(db->path);
	free(db->backup_path);
	free(db->actor);
	*db = *fresh;
	free(fresh);
	return 0;
}

struct db *db_private_copy(struct db *src, struct error *e)
{
	struct db *db = xcalloc(1, sizeof(*db));
	sqlite3_backup *b;
	int rc;

	db->path = xstrdup(src->path);
	db->actor = src->actor ? xstrdup(src->actor) : NULL;
	db->version = src->version;
	db->migrated_from = -1;
	db->scratch = 1;
	/* The clock VFS gives the copy drtop's clock, as on the file. */
	if (sqlite3_open_v2(":memory:", &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
			    clock_vfs_name()) != SQLITE_OK) {
		error_set(e, ERR_INTERNAL, "cannot copy the database: %s",
			  db->h ? sqlite3_errmsg(db->h) : "out of memory");
		goto fail;
	}
	sqlite3_extended_result_codes(db->h, 1);
	register_functions(db->h);
	b = sqlite3_backup_init(db->h, "main", src->h, "main");
	if (!b) {
		db_fail(db, e, "cannot copy the database");
		goto fail;
	}
	rc = sqlite3_backup_step(b, -1);
	sqlite3_backup_finish(b);
	if (rc != SQLITE_DONE) {
		error_set(e, rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? ERR_BUSY : ERR_IO,
			  "cannot copy the database: %s", sqlite3_errstr(rc));
		goto fail;
	}
	if (db_exec(db, "PRAGMA foreign_keys = ON", e) < 0 || shadow_unrecorded(db, e) < 0)
		goto fail;
	return db;
fail:
	db_close(db);
	return NULL;
}

int db_try_begin(struct db *db, struct error *e)
{
	int rc;

	db_nowait(db, 1);
	rc = db_begin(db, e);
	db_nowait(db, 0);
	return rc;
}

void db_nowait(struct db *db, int nowait)
{
	if (nowait)
		sqlite3_busy_timeout(db->h, 0);
	else
		db_busy_handler(db, db->busy_fn, db->busy_arg);
}

void db_busy_handler(struct db *db, int (*fn)(void *arg, int count), void *arg)
{
	db->busy_fn = fn;
	db->busy_arg = arg;
	if (fn)
		sqlite3_busy_handler(db->h, fn, arg);
	else
		sqlite3_busy_timeout(db->h, db_busy_timeout_ms());
}

int db_refuse_as_of(struct error *e)
{
	char buf[WHEN_BUFSZ];

	if (!when_known())
		return 0;
	return error_set(e, ERR_USAGE,
			 "--as-of %s shows what drtop had recorded by then and writes nothing; "
			 "leave it out to write",
			 when_format(when_known_by(), buf));
}

int db_begin(struct db *db, struct error *e)
{
	/* Its connection reads the evidence through views (shadow_unrecorded); a
	 * private copy is written only to try a plan on, and thrown away. */
	if (!db->scratch && db_refuse_as_of(e) < 0)
		return -1;
	if (db_exec(db, "BEGIN IMMEDIATE", e) < 0)
		return -1;
	if (audit_context_set(db, 1, e) < 0 || ledger_mark(db, db->version, e) < 0) {
		db_rollback(db);
		return -1;
	}
	return 0;
}

/* --now moves the verdict clock. Writes made with it set ahead could date
 * evidence or objectives in the future (a check-in "at now", a system created
 * "now"), so nothing is committed with a clock ahead of the real one. */
int db_refuse_future(struct error *e)
{
	char buf[WHEN_BUFSZ];

	if (when_now() <= when_real_now() + WHEN_SKEW_S)
		return 0;
	return error_set(e, ERR_USAGE,
			 "the clock is set to %s by --now or DRTOP_NOW, ahead of the real "
			 "time; drtop does not write with a clock in the future",
			 when_format(when_now(), buf));
}

int db_commit(struct db *db, struct error *e)
{
	if (db_refuse_future(e) < 0) {
		db_rollback(db);
		return -1;
	}
	if (ledger_seal(db, e) < 0 || db_exec(db, "DELETE FROM audit_context", e) < 0 ||
	    db_exec(db, "COMMIT", e) < 0) {
		db_rollback(db);
		return -1;
	}
	ledger_committed(db);
	return 0;
}

void db_rollback(struct db *db)
{
	ledger_bulk_discard(db);
	if (!sqlite3_get_autocommit(db->h))
		sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
}

/* Collect "type name sql" of every schema object, sorted, for comparison. */
static int schema_rows(sqlite3 *h, struct strbuf *out)
{
	sqlite3_stmt *st;

	if (sqlite3_prepare_v2(h,
			       "SELECT type || ' ' || name || char(10) || coalesce(sql, '') FROM "
			       "sqlite_schema WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		strbuf_puts(out, (const char *)sqlite3_column_text(st, 0));
		strbuf_putc(out, '\0');
	}
	return sqlite3_finalize(st) == SQLITE_OK ? 0 : -1;
}

static int has_entry(const struct strbuf *set, const char *entry)
{
	const char *p = strbuf_str(set), *end = p + set->len;

	for (; p < end; p += strlen(p) + 1)
		if (!strcmp(p, entry))
			return 1;
	return 0;
}

int db_check_schema(struct db *db, struct strbuf *out, struct error *e)
{
	struct strbuf want = STRBUF_INIT, have = STRBUF_INIT;
	sqlite3 *ref = NULL;
	int problems = 0, i;
	const char *p;

	/* The schema must be exactly what the migrations build. */
	if (sqlite3_open_v2(":memory:", &ref, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
		fatal("out of memory");
	register_functions(ref);
	for (i = 0; i < db->version && i < db_migrations_count; i++)
		if (sqlite3_exec(ref, db_migrations[i].sql, NULL, NULL, NULL) != SQLITE_OK)
			fatal("built-in migration %s does not apply: %s", db_migrations[i].name,
			      sqlite3_errmsg(ref));
	if (schema_rows(ref, &want) < 0 || schema_rows(db->h, &have) < 0) {
		sqlite3_close(ref);
		strbuf_done(&want);
		strbuf_done(&have);
		return db_fail(db, e, "schema check");
	}
	for (p = strbuf_str(&want); p < want.buf + want.len; p += strlen(p) + 1) {
		if (!has_entry(&have, p)) {
			strbuf_printf(out, "schema: %.*s is missing or altered\n",
				      (int)strcspn(p, "\n"), p);
			problems++;
		}
	}
	/* An added trigger or view can change what is written or read, as much as
	 * an altered one; an added index cannot. */
	for (p = strbuf_str(&have); p < have.buf + have.len; p += strlen(p) + 1) {
		if (!has_entry(&want, p) && strncmp(p, "index", 5)) {
			strbuf_printf(out, "schema: unexpected %.*s\n", (int)strcspn(p, "\n"), p);
			problems++;
		}
	}
	sqlite3_close(ref);
	strbuf_done(&want);
	strbuf_done(&have);
	return problems;
}

int db_check(struct db *db, struct strbuf *out, struct error *e)
{
	sqlite3_stmt *st;
	int64_t first;
	int problems = 0, n;

	st = db_prepare(db, "PRAGMA integrity_check", e);
	if (!st)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *msg = (const char *)sqlite3_column_text(st, 0);

		if (msg && strcmp(msg, "ok")) {
			strbuf_printf(out, "integrity: %s\n", msg);
			problems++;
		}
	}
	if (sqlite3_finalize(st) != SQLITE_OK)
		return db_fail(db, e, "integrity check");
	st = db_prepare(db, "PRAGMA foreign_key_check", e);
	if (!st)
		return -1;
	while (sqlite3_step(st) == SQLITE_ROW) {
		strbuf_printf(out, "foreign key: %s row %lld refers to a missing %s row\n",
			      sqlite3_column_text(st, 0), (long long)sqlite3_column_int64(st, 1),
			      sqlite3_column_text(st, 2));
		problems++;
	}
	sqlite3_finalize(st);
	if (db->version < db_migrations_count) {
		strbuf_printf(out, "schema: version %d, this drtop expects %d (run 'drtop db migrate')\n",
			      db->version, db_migrations_count);
		problems++;
	}
	n = db_check_schema(db, out, e);
	if (n < 0)
		return -1;
	problems += n;
	if (db->version >= LEDGER_SCHEMA_VERSION) {
		n = ledger_verify(db, NULL, out, &first, e);
		if (n < 0)
			return -1;
		problems += n;
	}
	return problems;
}

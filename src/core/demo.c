/*
 * demo.c - see demo.h.
 *
 * The inventory goes in through the same import as `drtop import`; the
 * history (outages, probe results, check-ins, drills, status changes) is
 * written as the prober and the commands would have written it, relative to
 * now.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "db.h"
#include "demo.h"
#include "evidence.h"
#include "strbuf.h"
#include "transfer.h"
#include "util.h"
#include "when.h"

char *demo_path(const char *explicit_path, struct error *e)
{
	char *real, *slash, *path;

	if (explicit_path && *explicit_path)
		return xstrdup(explicit_path);
	/* The data directory of the default database, ignoring DRTOP_DB. */
	{
		char *saved = getenv("DRTOP_DB") ? xstrdup(getenv("DRTOP_DB")) : NULL;

		unsetenv("DRTOP_DB");
		real = db_resolve_path(NULL, e);
		if (saved) {
			setenv("DRTOP_DB", saved, 1);
			free(saved);
		}
	}
	if (!real)
		return NULL;
	slash = strrchr(real, '/');
	*slash = '\0';
	path = xasprintf("%s/demo.db", real);
	free(real);
	return path;
}

/* A file whose modification time is AGE seconds ago. */
static int touch(const char *dir, const char *name, int64_t age, struct error *e)
{
	char *path = xasprintf("%s/%s", dir, name);
	struct timeval tv[2];
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0) {
		error_set(e, ERR_CANTCREAT, "cannot create %s: %s", path, strerror(errno));
		free(path);
		return -1;
	}
	if (write(fd, "demo\n", 5) != 5) {
		/* the content does not matter, only the file and its time */
	}
	close(fd);
	tv[0].tv_sec = tv[1].tv_sec = (time_t)(when_now() - age);
	tv[0].tv_usec = tv[1].tv_usec = 0;
	utimes(path, tv);
	free(path);
	return 0;
}

/* DIR (made already) as the path of a file:// URL: absolute and canonical
 * (the demo's database may be named relative to the working directory, as
 * ./sub/x.db) and percent-encoded, so that a space, a quote or a '$' in it
 * names the file and nothing else; the result needs no escaping inside the
 * inventory's JSON. NULL if the directory cannot be resolved. */
static char *file_url_path(const char *dir)
{
	struct strbuf out = STRBUF_INIT;
	char *full = realpath(dir, NULL);
	const unsigned char *c;

	if (!full)
		return NULL;
	for (c = (const unsigned char *)full; *c; c++)
		if ((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
		    strchr("/-._~", *c))
			strbuf_putc(&out, (char)*c);
		else
			strbuf_printf(&out, "%%%02X", *c);
	free(full);
	return strbuf_detach(&out);
}

static const char inventory[] =
	"{\"drtop\":1,\"systems\":["
	"{\"name\":\"payments-db\",\"rto\":\"15m\",\"rpo\":\"5m\",\"strategy\":\"warm-standby\",\"tier\":0,"
	" \"owner\":\"payments team\",\"description\":\"ledger of record (PostgreSQL)\","
	" \"endpoints\":[{\"url\":\"file://%1$s/payments-db.health\",\"interval\":\"10s\"},"
	"  {\"url\":\"file://%1$s/payments-db.wal\",\"kind\":\"freshness\",\"interval\":\"30s\"}],"
	" \"schedules\":[{\"name\":\"wal\",\"every\":\"5m\"},{\"name\":\"nightly\",\"cron\":\"30 2 * * *\","
	"  \"tz\":\"Europe/Berlin\",\"duration\":\"40m\"}],\"depends_on\":[\"auth-db\"]},"
	"{\"name\":\"auth-db\",\"rto\":\"30m\",\"rpo\":\"5m\",\"strategy\":\"pilot-light\",\"tier\":0,"
	" \"owner\":\"identity team\",\"endpoints\":[{\"url\":\"file://%1$s/auth-db.health\",\"interval\":\"10s\"},"
	"  {\"url\":\"file://%1$s/auth-db.dump\",\"kind\":\"freshness\",\"interval\":\"30s\"}],"
	" \"schedules\":[{\"name\":\"wal-archive\",\"every\":\"5m\"}]},"
	"{\"name\":\"orders-api\",\"rto\":\"15m\",\"rpo\":\"15m\",\"strategy\":\"warm-standby\",\"tier\":1,"
	" \"owner\":\"commerce team\",\"description\":\"its health port has nothing listening: watch the outage\","
	" \"endpoints\":[{\"url\":\"http://127.0.0.1:9/health\",\"interval\":\"5s\",\"timeout\":\"2s\"}],"
	" \"depends_on\":[\"payments-db\",\"auth-db\"]},"
	"{\"name\":\"web-frontend\",\"rto\":\"1h\",\"rpo\":\"1d\",\"strategy\":\"active-active\",\"tier\":1,"
	" \"owner\":\"web team\",\"endpoints\":[{\"url\":\"file://%1$s/web-frontend.health\",\"interval\":\"10s\"}],"
	" \"depends_on\":[\"orders-api\"]},"
	"{\"name\":\"reporting\",\"rto\":\"2d\",\"rpo\":\"1d\",\"strategy\":\"backup-restore\",\"tier\":3,"
	" \"owner\":\"data team\",\"schedules\":[{\"name\":\"weekly\",\"cron\":\"0 3 * * sun\",\"duration\":\"2h\"}]},"
	"{\"name\":\"search\",\"rto\":\"30m\",\"rpo\":\"1h\",\"strategy\":\"pilot-light\",\"tier\":2,"
	" \"owner\":\"search team\",\"schedules\":[{\"name\":\"hourly\",\"every\":\"1h\",\"grace\":\"10m\"}]},"
	"{\"name\":\"billing\",\"rto\":\"1h\",\"rpo\":\"1h\",\"strategy\":\"backup-restore\",\"tier\":1,"
	" \"owner\":\"finance\",\"endpoints\":[{\"url\":\"file://%1$s/billing.health\",\"interval\":\"20s\"}]},"
	"{\"name\":\"inventory-svc\",\"rto\":\"10m\",\"rpo\":\"5m\",\"strategy\":\"warm-standby\",\"tier\":1,"
	" \"owner\":\"commerce team\",\"depends_on\":[\"cache\"]},"
	"{\"name\":\"cache\",\"rto\":\"1h\",\"rpo\":\"1d\",\"strategy\":\"pilot-light\",\"tier\":2,\"owner\":\"platform\"},"
	"{\"name\":\"mail-relay\",\"rto\":\"4h\",\"rpo\":\"1d\",\"strategy\":\"backup-restore\",\"tier\":3,"
	" \"owner\":\"platform\",\"endpoints\":[{\"url\":\"file://%1$s/mail-relay.health\",\"interval\":\"30s\"}]},"
	"{\"name\":\"ledger-archive\",\"rto\":\"1d\",\"rpo\":\"1d\",\"strategy\":\"backup-restore\",\"tier\":3,"
	" \"owner\":\"finance\",\"endpoints\":[{\"url\":\"file://%1$s/ledger-archive.tar\",\"kind\":\"freshness\","
	"  \"interval\":\"1m\"}]},"
	"{\"name\":\"analytics\",\"rto\":\"1d\",\"rpo\":\"1d\",\"strategy\":\"backup-restore\",\"tier\":3,"
	" \"owner\":\"data team\",\"depends_on\":[\"etl\"]},"
	"{\"name\":\"etl\",\"rto\":\"1d\",\"rpo\":\"1d\",\"strategy\":\"backup-restore\",\"tier\":3,"
	" \"owner\":\"data team\",\"depends_on\":[\"analytics\"]},"
	"{\"name\":\"legacy-ftp\",\"rto\":\"1d\",\"rpo\":\"1d\",\"strategy\":\"backup-restore\",\"tier\":3,"
	" \"owner\":\"nobody\",\"endpoints\":[{\"url\":\"file://%1$s/legacy-ftp.health\",\"interval\":\"1d\"}]},"
	"{\"name\":\"new-service\",\"rto\":\"1h\",\"rpo\":\"1h\",\"strategy\":\"pilot-light\",\"tier\":2,"
	" \"owner\":\"platform\",\"description\":\"no evidence yet: UNKNOWN, not OK\"}"
	"]}";

/* 30 days of history, relative to ?1 (now, Unix seconds). */
static const char history[] =
	"INSERT INTO setting (key, value) VALUES ('demo', '1');"
	"INSERT INTO maintenance_window (system_id, starts_at, ends_at, reason, created_at)"
	" SELECT id, ?1 - 5 * 86400, ?1 - 5 * 86400 + 3 * 3600, 'CDN migration', ?1 - 6 * 86400"
	" FROM system WHERE name = 'web-frontend';"
	/* outages: payments-db 40 minutes ten days ago, and short ones everywhere */
	"INSERT INTO outage (endpoint_id, system_id, started_ms, ended_ms, res_start_ms, res_end_ms, first_error, planned)"
	" SELECT e.id, e.system_id, (?1 - k.d * 86400 - e.id * 977) * 1000,"
	"  (?1 - k.d * 86400 - e.id * 977 + CASE WHEN s.name = 'payments-db' AND k.d = 10 THEN 2400"
	"   ELSE 30 + (e.id * 37 + k.d * 11) % 300 END) * 1000, 10000, 10000, 'connection refused',"
	"  s.name = 'web-frontend' AND k.d = 5"
	" FROM endpoint e JOIN system s ON s.id = e.system_id,"
	" (SELECT 2 AS d UNION SELECT 5 UNION SELECT 10 UNION SELECT 17 UNION SELECT 26) k"
	" WHERE e.kind = 'health' AND e.url NOT LIKE '%legacy-ftp%' AND e.url NOT LIKE 'http%';"
	"UPDATE outage SET started_ms = (?1 - 5 * 86400 + 600) * 1000, ended_ms = (?1 - 5 * 86400 + 600 + 5400) * 1000"
	" WHERE planned = 1;"
	/* freshness seen by probes over the last two days */
	"WITH RECURSIVE h(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM h WHERE i < 48)"
	" INSERT INTO probe_result (endpoint_id, at_ms, ok, latency_ms, data_time, lag_s)"
	" SELECT e.id, (?1 - h.i * 3600) * 1000, 1, 1, ?1 - h.i * 3600 - (e.id * 31 + h.i * 17) % 240,"
	"  (e.id * 31 + h.i * 17) % 240 FROM endpoint e, h WHERE e.kind = 'freshness' AND e.url NOT LIKE '%ledger%';"
	/* (an endpoint's state is its newest result's: each has the result behind it) */
	"INSERT INTO probe_result (endpoint_id, at_ms, ok, status_code, latency_ms)"
	" SELECT id, (?1 - 4 * 86400) * 1000, 1, 200, 12 FROM endpoint WHERE url LIKE '%legacy-ftp%';"
	"INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok, last_ok_ms)"
	" SELECT id, (?1 - 4 * 86400) * 1000, 1, (?1 - 4 * 86400) * 1000 FROM endpoint WHERE url LIKE '%legacy-ftp%';"
	/* orders-api is down right now: an outage in progress, still within its RTO */
	"INSERT INTO outage (endpoint_id, system_id, started_ms, res_start_ms, first_error)"
	" SELECT id, system_id, (?1 - 300) * 1000, 5000, 'Failed to connect' FROM endpoint"
	" WHERE url LIKE 'http://127.0.0.1:9/%';"
	"INSERT INTO probe_result (endpoint_id, at_ms, ok, latency_ms, error)"
	" SELECT e.id, (?1 - k.s) * 1000, 0, 0, 'Failed to connect' FROM endpoint e,"
	" (SELECT 300 AS s UNION SELECT 0) k WHERE e.url LIKE 'http://127.0.0.1:9/%';"
	"INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok, failures, first_fail_ms,"
	" last_fail_ms, first_error, outage_id) SELECT id, ?1 * 1000, 0, 60, (?1 - 300) * 1000,"
	" ?1 * 1000, 'Failed to connect', (SELECT max(id) FROM outage) FROM endpoint"
	" WHERE url LIKE 'http://127.0.0.1:9/%';"
	/* check-ins */
	"INSERT INTO checkin (system_id, schedule_id, at, ok, recorded_at, note)"
	" SELECT b.system_id, b.id, ?1 - CASE WHEN b.system_id = (SELECT id FROM system WHERE"
	"  name = 'payments-db') THEN 250 ELSE 120 END, 1, ?1 - 120,"
	" 'demo' FROM backup_schedule b WHERE b.name IN ('wal', 'wal-archive', 'nightly');"
	"INSERT INTO checkin (system_id, schedule_id, at, ok, recorded_at, note)"
	" SELECT b.system_id, b.id, ?1 - 5 * 3600, 1, ?1 - 5 * 3600, 'the last one that ran'"
	" FROM backup_schedule b WHERE b.name = 'hourly';"
	/* reporting's weekly full backup is due Sunday 03:00 and checks in on
	 * Monday at 05:48, every week of the month its schedule has been in force:
	 * about 26 hours late */
	"UPDATE backup_schedule SET created_at = ?1 - 30 * 86400, updated_at = ?1 - 30 * 86400"
	" WHERE name = 'weekly';"
	"INSERT INTO checkin (system_id, schedule_id, at, ok, recorded_at, note)"
	" SELECT b.system_id, b.id, k.due + 96480, 1, k.due + 96480, 'weekly full'"
	" FROM backup_schedule b, (SELECT (?1 / 86400 - (?1 / 86400 + 4) % 7 - w.n * 7) * 86400 + 10800 AS due"
	"  FROM (SELECT 0 AS n UNION SELECT 1 UNION SELECT 2 UNION SELECT 3 UNION SELECT 4 UNION SELECT 5) w) k"
	" WHERE b.name = 'weekly' AND k.due >= b.created_at AND k.due + 96480 <= ?1;"
	"INSERT INTO checkin (system_id, at, ok, recorded_at, note)"
	" SELECT id, ?1 - 6 * 3600, 1, ?1 - 6 * 3600, 'snapshot' FROM system WHERE name IN ('cache', 'inventory-svc');"
	"INSERT INTO checkin (system_id, at, ok, recorded_at, note)"
	" SELECT id, ?1 - 60, 1, ?1 - 60, 'replica in sync' FROM system"
	" WHERE name IN ('orders-api', 'web-frontend', 'billing', 'mail-relay');"
	/* drills: everyone but mail-relay; billing's took longer than its RTO */
	"INSERT INTO drill (system_id, kind, started_at, recovered_at, data_loss_s, notes, created_at)"
	" SELECT id, CASE WHEN tier = 0 THEN 'failover' WHEN tier = 3 THEN 'tabletop' ELSE 'restore' END,"
	"  ?1 - (20 + id * 7) * 86400, ?1 - (20 + id * 7) * 86400 + CASE WHEN name = 'billing' THEN 7200"
	"  ELSE rto_s / 2 END, CASE WHEN tier < 2 THEN 60 END, 'demo drill', ?1"
	" FROM system WHERE name <> 'mail-relay';"
	/* status history for the history bars */
	/* (changes only: a day whose status is the day before's is left out) */
	"INSERT INTO status_history (system_id, at, status, reason)"
	" SELECT system_id, at, status, 'demo' FROM (SELECT system_id, at, status,"
	"  lag(status) OVER (PARTITION BY system_id ORDER BY at) AS before FROM ("
	"  SELECT s.id AS system_id, ?1 - k.d * 86400 AS at, CASE WHEN (s.id + k.d) % 5 = 0"
	"  THEN 'BREACH' WHEN (s.id + k.d) % 3 = 0 THEN 'WARN' ELSE 'OK' END AS status"
	"  FROM system s, (SELECT 28 AS d UNION SELECT 21 UNION SELECT 14 UNION SELECT 10 UNION"
	"  SELECT 7 UNION SELECT 3 UNION SELECT 1) k WHERE s.name <> 'new-service'))"
	" WHERE before IS NULL OR before <> status;";

/* 1: PATH is a demo database, 0: a database that is not, -1: one drtop cannot
 * open (E says why: a newer schema, not a database...). */
static int is_demo(const char *path, struct error *e)
{
	struct db *db = db_open(path, DB_NO_CREATE | DB_NO_MIGRATE, e);
	sqlite3_stmt *st;
	int demo = 0;

	if (!db)
		return -1;
	st = db_prepare(db, "SELECT value FROM setting WHERE key = 'demo'", NULL);
	if (st && sqlite3_step(st) == SQLITE_ROW)
		demo = !strcmp((const char *)sqlite3_column_text(st, 0), "1");
	sqlite3_finalize(st);
	db_close(db);
	return demo;
}

int demo_create(const char *path, struct error *e)
{
	struct strbuf json = STRBUF_INIT;
	struct transfer_stats stats;
	struct stat sb;
	char *dir, *url_dir = NULL;
	struct db *db;
	sqlite3_stmt *st;
	const char *p, *tail;
	int rc = -1, made = 1;
	static const struct {
		const char *name;
		int64_t age;
	} files[] = {
		{"payments-db.health", 0},   {"payments-db.wal", 250},      {"auth-db.health", 0},
		{"auth-db.dump", 60},        {"web-frontend.health", 0},    {"billing.health", 0},
		{"mail-relay.health", 0},    {"ledger-archive.tar", 3 * 86400}, {"legacy-ftp.health", 0},
	};
	size_t i;

	if (stat(path, &sb) == 0) {
		struct error why = {0};
		int demo = is_demo(path, &why);

		if (demo < 0) {
			size_t n = strlen(why.msg);

			error_set(e, ERR_CANTCREAT,
				  "%s exists and cannot be read: %.*s; drtop demo never overwrites "
				  "what may be a real database (use --db for another path)",
				  path, (int)(n && why.msg[n - 1] == '.' ? n - 1 : n), why.msg);
			error_done(&why);
			return -1;
		}
		if (!demo)
			return error_set(e, ERR_CANTCREAT,
					 "%s exists and is not a demo database; drtop demo never "
					 "overwrites a real one (use --db for another path)",
					 path);
		db_remove_files(path);
	} else if (errno != ENOENT) {
		made = 0; /* not ours to remove if this fails */
	}
	db = db_open(path, 0, e);
	if (!db)
		return -1;
	dir = xasprintf("%s.files", path);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		error_set(e, ERR_CANTCREAT, "cannot create %s: %s", dir, strerror(errno));
		goto out;
	}
	url_dir = file_url_path(dir);
	if (!url_dir) {
		error_set(e, ERR_CANTCREAT, "cannot resolve %s: %s", dir, strerror(errno));
		goto out;
	}
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		if (touch(dir, files[i].name, files[i].age, e) < 0)
			goto out;
	strbuf_printf(&json, inventory, url_dir);
	if (transfer_import(db, strbuf_str(&json), "demo inventory", &stats, e) < 0)
		goto out;
	if (db_begin(db, e) < 0)
		goto out;
	for (p = history; *p; p = tail) {
		if (sqlite3_prepare_v2(db->h, p, -1, &st, &tail) != SQLITE_OK) {
			db_fail(db, e, "demo history");
			db_rollback(db);
			goto out;
		}
		if (!st)
			break;
		sqlite3_bind_int64(st, 1, when_now());
		if (sqlite3_step(st) != SQLITE_DONE) {
			sqlite3_finalize(st);
			db_fail(db, e, "demo history");
			db_rollback(db);
			goto out;
		}
		sqlite3_finalize(st);
	}
	if (evidence_due_extend(db, 0, when_real_now(), e) < 0) {
		db_rollback(db);
		goto out;
	}
	rc = db_commit(db, e);
out:
	strbuf_done(&json);
	free(url_dir);
	free(dir);
	db_close(db);
	if (rc < 0 && made)
		db_remove_files(path); /* a half-made demo would block the next try */
	return rc;
}

/* Unit tests for src/core/db.c: creating, recognising and migrating databases. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "db.h"
#include "util.h"

static char dir[] = "/tmp/drtop-test-db-XXXXXX";

static char *path_in_dir(const char *name)
{
	return xasprintf("%s/%s", dir, name);
}

static int64_t scalar(sqlite3 *h, const char *sql)
{
	sqlite3_stmt *st;
	int64_t v = -1;

	assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		v = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return v;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	*len = (size_t)ftell(f);
	rewind(f);
	buf = xmalloc(*len + 1);
	assert_int_equal(fread(buf, 1, *len, f), *len);
	fclose(f);
	return buf;
}

static void test_create_mode_and_xdg(void **state)
{
	struct error e = {0};
	char *xdg = path_in_dir("xdg"), *want = xasprintf("%s/drtop/drtop.db", xdg);
	struct db *db;
	struct stat sb;

	unsetenv("DRTOP_DB");
	setenv("XDG_DATA_HOME", xdg, 1);
	umask(022);
	db = db_open(NULL, 0, &e);
	assert_non_null(db);
	assert_string_equal(db->path, want);
	assert_int_equal(stat(want, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	assert_int_equal(db->version, db_latest_version());
	assert_int_equal(scalar(db->h, "PRAGMA foreign_keys"), 1);
	assert_int_equal(scalar(db->h, "SELECT count(*) FROM strategy"), 4);
	db_close(db);
	/* --db wins over DRTOP_DB, which wins over XDG. */
	setenv("DRTOP_DB", "/elsewhere/x.db", 1);
	free(want);
	want = db_resolve_path(NULL, &e);
	assert_string_equal(want, "/elsewhere/x.db");
	free(want);
	want = db_resolve_path("/explicit.db", &e);
	assert_string_equal(want, "/explicit.db");
	unsetenv("DRTOP_DB");
	free(xdg);
	free(want);
}

static void test_upgrade_keeps_data(void **state)
{
	struct error e = {0};
	char *path = path_in_dir("old.db"), *bak;
	struct db *db;
	struct stat sb;

	db = db_open(path, DB_NO_MIGRATE, &e);
	assert_non_null(db);
	assert_int_equal(db_migrate(db, 1, &e), 0);
	assert_int_equal(scalar(db->h, "PRAGMA user_version"), 1);
	assert_int_equal(db_exec(db, "INSERT INTO system (name, rto_s, rpo_s, created_at, "
				     "updated_at) VALUES ('old-system', 3600, 60, 1, 1)",
				 &e),
			 0);
	/* The evidence tables of migration 2 do not exist yet. */
	assert_int_equal(scalar(db->h, "SELECT count(*) FROM sqlite_schema WHERE name = 'checkin'"),
			 0);
	db_close(db);

	db = db_open(path, 0, &e);
	assert_non_null(db);
	assert_int_equal(db->migrated_from, 1);
	assert_int_equal(db->version, db_latest_version());
	assert_int_equal(scalar(db->h, "SELECT rto_s FROM system WHERE name = 'old-system'"), 3600);
	assert_int_equal(scalar(db->h, "SELECT count(*) FROM checkin"), 0);
	bak = xasprintf("%s.v1.bak", path);
	assert_string_equal(db->backup_path, bak);
	assert_int_equal(stat(bak, &sb), 0);
	assert_int_equal(sb.st_mode & 0777, 0600);
	db_close(db);
	free(bak);
	free(path);
}

static void test_newer_refused_untouched(void **state)
{
	struct error e = {0};
	char *path = path_in_dir("new.db"), *before, *after;
	size_t n1, n2;
	struct db *db;
	sqlite3 *h;

	db = db_open(path, 0, &e);
	assert_non_null(db);
	db_close(db);
	assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "PRAGMA journal_mode = DELETE; PRAGMA user_version = 99",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(h);
	before = read_file(path, &n1);
	db = db_open(path, 0, &e);
	assert_null(db);
	assert_int_equal(e.kind, ERR_DATA);
	assert_non_null(strstr(e.msg, "newer than this drtop"));
	after = read_file(path, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	error_done(&e);
	free(before);
	free(after);
	free(path);
}

static void test_foreign_files(void **state)
{
	struct error e = {0};
	char *junk = path_in_dir("junk.db"), *other = path_in_dir("other.db");
	FILE *f = fopen(junk, "w");
	sqlite3 *h;

	fputs("this is not a database, just some text that is long enough to matter\n", f);
	fclose(f);
	assert_null(db_open(junk, 0, &e));
	assert_int_equal(e.kind, ERR_DATA);
	assert_non_null(strstr(e.msg, "not a SQLite database"));
	error_done(&e);

	assert_int_equal(sqlite3_open(other, &h), SQLITE_OK);
	assert_int_equal(sqlite3_exec(h, "CREATE TABLE t (x)", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(h);
	assert_null(db_open(other, 0, &e));
	assert_int_equal(e.kind, ERR_DATA);
	assert_non_null(strstr(e.msg, "not a drtop database"));
	error_done(&e);

	{
		char *missing = path_in_dir("missing.db");

		assert_null(db_open(missing, DB_NO_CREATE, &e));
		free(missing);
	}
	assert_int_equal(e.kind, ERR_NOINPUT);
	error_done(&e);
	free(junk);
	free(other);
}

static void test_audit_log(void **state)
{
	struct error e = {0};
	char *path = path_in_dir("audit.db");
	struct db *db = db_open(path, 0, &e);

	assert_non_null(db);
	free(db->actor);
	db->actor = xstrdup("alice");
	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(db_exec(db, "INSERT INTO system (name, rto_s, rpo_s, created_at, "
				     "updated_at) VALUES ('a', 60, 60, 1, 1)", &e), 0);
	assert_int_equal(db_commit(db, &e), 0);
	assert_int_equal(scalar(db->h, "SELECT count(*) FROM audit_log WHERE actor = 'alice' AND "
				       "table_name = 'system' AND action = 'insert'"), 1);
	assert_int_equal(scalar(db->h, "SELECT count(*) FROM audit_context"), 0);
	/* Outside drtop's transactions, changes are attributed to 'sql'. */
	assert_int_equal(db_exec(db, "UPDATE system SET rto_s = 120", &e), 0);
	assert_int_equal(scalar(db->h, "SELECT count(*) FROM audit_log WHERE actor = 'sql' AND "
				       "action = 'update' AND json_extract(old_values, '$.rto_s') = "
				       "60 AND json_extract(new_values, '$.rto_s') = 120"), 1);
	/* The log itself cannot be changed. */
	assert_int_equal(db_exec(db, "UPDATE audit_log SET actor = 'mallory'", &e), -1);
	assert_non_null(strstr(e.msg, "append-only"));
	error_done(&e);
	assert_int_equal(db_exec(db, "DELETE FROM audit_log", &e), -1);
	error_done(&e);
	assert_int_equal(scalar(db->h, "SELECT count(*) FROM audit_log WHERE actor = 'mallory'"), 0);
	db_close(db);
	free(path);
}

static void test_check(void **state)
{
	struct error e = {0};
	struct strbuf out = STRBUF_INIT;
	char *path = path_in_dir("check.db");
	struct db *db = db_open(path, 0, &e);

	assert_non_null(db);
	assert_int_equal(db_check(db, &out, &e), 0);
	assert_int_equal(db_exec(db, "DROP TRIGGER audit_log_no_delete", &e), 0);
	assert_int_equal(db_check(db, &out, &e), 1);
	assert_non_null(strstr(strbuf_str(&out), "trigger audit_log_no_delete is missing"));
	strbuf_done(&out);
	db_close(db);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_mode_and_xdg),
		cmocka_unit_test(test_upgrade_keeps_data),
		cmocka_unit_test(test_newer_refused_untouched),
		cmocka_unit_test(test_foreign_files),
		cmocka_unit_test(test_audit_log),
		cmocka_unit_test(test_check),
	};
	int rc;

	if (!mkdtemp(dir))
		return 99;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	if (rc == 0) {
		char *cmd = xasprintf("rm -rf '%s'", dir);

		if (system(cmd) != 0)
			rc = 1;
		free(cmd);
	}
	return rc;
}

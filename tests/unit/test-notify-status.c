/* Unit tests for notify_status_read (src/core/notify.c): what the dashboard's
 * header says of the outbox, on a real database file. The rows are written
 * with the times the tests need (a notification made two minutes or two days
 * ago), which the command line cannot do without waiting that long. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "db.h"
#include "notify.h"
#include "util.h"

static char dir[] = "/tmp/drtop-test-notify-XXXXXX";
static struct db *db;

static void run(const char *sql)
{
	struct error e = {0};

	assert_int_equal(db_begin(db, &e), 0);
	assert_int_equal(db_exec(db, sql, &e), 0);
	assert_int_equal(db_commit(db, &e), 0);
}

/* An outbox row of channel CHANNEL (1 hook, 2 paused) in STATE, made AGO
 * seconds before now. */
static void row_of(int channel, const char *state, int64_t ago)
{
	static int n;
	char *sql = xasprintf(
		"INSERT INTO notify_outbox (key, channel_id, channel, system_id, at, kind, severity,"
		" payload, state, next_at_ms, created_at) VALUES ('k%d', %d, '%s', 1, %lld, 'status',"
		" 'WARN', '{}', '%s', 0, %lld)",
		++n, channel, channel == 1 ? "hook" : "paused", (long long)time(NULL), state,
		(long long)(time(NULL) - ago));

	run(sql);
	free(sql);
}

static void row(const char *state, int64_t ago)
{
	row_of(1, state, ago);
}

static void read_status(int self, struct notify_status *s)
{
	struct error e = {0};

	assert_int_equal(notify_status_read(db, self, s, &e), 0);
}

static void test_quiet(void **state)
{
	struct notify_status s;

	(void)state;
	row("delivered", 30);
	row("suppressed", 30);
	read_status(0, &s);
	assert_int_equal(s.waiting, 0);
	assert_int_equal(s.failed, 0);
	assert_int_equal(s.nobody, 0); /* nothing waits: nobody need deliver */
	assert_int_equal(s.late, 0);
}

static void test_waiting(void **state)
{
	struct notify_status s;

	(void)state;
	row("pending", 10);
	read_status(0, &s);
	assert_int_equal(s.waiting, 1);
	assert_int_equal(s.late, 0);
	assert_true(s.oldest_s >= 10 && s.oldest_s < 20);
	assert_int_equal(s.nobody, 1); /* no prober holds the lease */
	read_status(1, &s);
	assert_int_equal(s.nobody, 0); /* the caller holds it */
	/* a live prober elsewhere delivers */
	run("INSERT INTO prober (id, pid, host, started_at, last_cycle_at, kind) VALUES (1, 1,"
	    " 'another-host', strftime('%s', 'now'), strftime('%s', 'now'), 'watch')");
	read_status(0, &s);
	assert_int_equal(s.nobody, 0);
	/* one that stopped beating long ago does not */
	run("UPDATE prober SET last_cycle_at = last_cycle_at - 3600");
	read_status(0, &s);
	assert_int_equal(s.nobody, 1);
	run("DELETE FROM prober");
	/* in flight counts as waiting; the oldest makes it late */
	row("in-flight", 125);
	read_status(0, &s);
	assert_int_equal(s.waiting, 2);
	assert_true(s.oldest_s >= 125 && s.oldest_s < 135);
	assert_int_equal(s.late, 1);
	run("UPDATE notify_outbox SET state = 'delivered' WHERE state IN ('pending', 'in-flight')");
}

/* A disabled channel's pending rows are sent by nobody until it is enabled
 * (the deliverer skips them): held, not waiting, and never "nobody
 * delivering" nor late for them. */
static void test_held(void **state)
{
	struct notify_status s;

	(void)state;
	run("UPDATE notify_channel SET enabled = 0 WHERE name = 'paused'");
	row_of(2, "pending", 600);
	row_of(2, "pending", 300);
	read_status(0, &s);
	assert_int_equal(s.waiting, 0);
	assert_int_equal(s.held, 2);
	assert_int_equal(s.oldest_s, 0);
	assert_int_equal(s.late, 0);
	assert_int_equal(s.nobody, 0);
	/* one of the enabled channel waits beside them: only it is waiting */
	row("pending", 10);
	read_status(0, &s);
	assert_int_equal(s.waiting, 1);
	assert_int_equal(s.held, 2);
	assert_true(s.oldest_s >= 10 && s.oldest_s < 20);
	assert_int_equal(s.late, 0);
	assert_int_equal(s.nobody, 1);
	/* an attempt already in flight when the channel was disabled is being sent */
	row_of(2, "in-flight", 5);
	read_status(0, &s);
	assert_int_equal(s.waiting, 2);
	assert_int_equal(s.held, 2);
	/* enabled again: they all wait to be sent */
	run("UPDATE notify_channel SET enabled = 1 WHERE name = 'paused'");
	read_status(0, &s);
	assert_int_equal(s.waiting, 4);
	assert_int_equal(s.held, 0);
	assert_int_equal(s.late, 1);
	run("UPDATE notify_outbox SET state = 'delivered' WHERE state IN ('pending', 'in-flight')");
}

static void test_failed_lately(void **state)
{
	struct notify_status s;

	(void)state;
	row("failed", 2 * 86400); /* two days ago: no longer told */
	read_status(0, &s);
	assert_int_equal(s.failed, 0);
	row("failed", 3600);
	row("failed", 60);
	read_status(0, &s);
	assert_int_equal(s.failed, 2);
	assert_int_equal(s.waiting, 0);
	assert_int_equal(s.nobody, 0);
}

static int setup(void **state)
{
	struct error e = {0};
	char *path;

	(void)state;
	assert_non_null(mkdtemp(dir));
	path = xasprintf("%s/drtop.db", dir);
	db = db_open(path, 0, &e);
	free(path);
	assert_non_null(db);
	run("INSERT INTO system (name, rto_s, rpo_s, created_at, updated_at) VALUES ('web', 3600,"
	    " 3600, 1, 1);"
	    "INSERT INTO notify_channel (name, kind, target, created_at, updated_at) VALUES"
	    " ('hook', 'webhook', 'http://127.0.0.1:9/', 1, 1),"
	    " ('paused', 'webhook', 'http://127.0.0.1:9/', 1, 1)");
	return 0;
}

static int teardown(void **state)
{
	char *cmd = xasprintf("rm -rf '%s'", dir);

	(void)state;
	db_close(db);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quiet),
		cmocka_unit_test(test_waiting),
		cmocka_unit_test(test_held),
		cmocka_unit_test(test_failed_lately),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

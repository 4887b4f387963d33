/* Unit tests for src/core/cron.c, including daylight-saving changes. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "cron.h"
#include "when.h"

static int64_t at(const char *iso)
{
	struct error e = {0};
	int64_t t;

	if (when_parse(iso, 0, &t, &e) < 0)
		fail_msg("%s", e.msg);
	return t;
}

static struct cron *make(const char *expr, const char *tz)
{
	struct error e = {0};
	struct cron *c = cron_new(expr, tz, &e);

	if (!c)
		fail_msg("'%s' rejected: %s", expr, e.msg);
	return c;
}

/* The next run after FROM must be WANT. */
static void next_is(const char *expr, const char *tz, const char *from, const char *want)
{
	struct cron *c = make(expr, tz);
	char got[WHEN_BUFSZ], exp[WHEN_BUFSZ];
	int64_t t;

	assert_int_equal(cron_next(c, at(from), &t), 0);
	when_format(t, got);
	when_format(at(want), exp);
	if (strcmp(got, exp))
		fail_msg("'%s' after %s: got %s, want %s", expr, from, got, exp);
	cron_free(c);
}

static void bad(const char *expr, const char *tz, const char *needle)
{
	struct error e = {0};

	assert_null(cron_new(expr, tz, &e));
	assert_int_equal(e.kind, ERR_DATA);
	if (!strstr(e.msg, needle))
		fail_msg("message '%s' does not mention '%s'", e.msg, needle);
	error_done(&e);
}

static void test_fields(void **state)
{
	next_is("* * * * *", NULL, "2026-01-01T00:00:30Z", "2026-01-01T00:01:00Z");
	next_is("* * * * *", NULL, "2026-01-01T00:01:00Z", "2026-01-01T00:02:00Z");
	next_is("0 2 * * *", NULL, "2026-01-01T02:00:00Z", "2026-01-02T02:00:00Z");
	next_is("*/15 * * * *", NULL, "2026-01-01T10:16:00Z", "2026-01-01T10:30:00Z");
	next_is("5,35 */6 * * *", NULL, "2026-01-01T06:36:00Z", "2026-01-01T12:05:00Z");
	next_is("0 9-17/4 * * *", NULL, "2026-01-01T13:00:00Z", "2026-01-01T17:00:00Z");
	next_is("10/20 * * * *", NULL, "2026-01-01T00:31:00Z", "2026-01-01T00:50:00Z");
	next_is("0 0 1 jan,JUL *", NULL, "2026-02-01T00:00:00Z", "2026-07-01T00:00:00Z");
	next_is("0 3 * * mon-fri", NULL, "2026-01-02T04:00:00Z", "2026-01-05T03:00:00Z");
	next_is("0 3 * * 7", NULL, "2026-01-01T00:00:00Z", "2026-01-04T03:00:00Z");
	next_is("0 0 29 2 *", NULL, "2026-01-01T00:00:00Z", "2028-02-29T00:00:00Z");
	next_is("0 0 31 * *", NULL, "2026-04-01T00:00:00Z", "2026-05-31T00:00:00Z");
	/* Day of month and day of week both restricted: either matches. */
	next_is("0 0 13 * fri", NULL, "2026-02-01T00:00:00Z", "2026-02-06T00:00:00Z");
	next_is("0 0 13 * fri", NULL, "2026-02-07T00:00:00Z", "2026-02-13T00:00:00Z");
}

static void test_nicknames(void **state)
{
	next_is("@hourly", NULL, "2026-01-01T10:00:00Z", "2026-01-01T11:00:00Z");
	next_is("@daily", NULL, "2026-01-01T10:00:00Z", "2026-01-02T00:00:00Z");
	next_is("@midnight", NULL, "2026-01-01T10:00:00Z", "2026-01-02T00:00:00Z");
	next_is("@weekly", NULL, "2026-01-01T10:00:00Z", "2026-01-04T00:00:00Z");
	next_is("@monthly", NULL, "2026-01-15T10:00:00Z", "2026-02-01T00:00:00Z");
	next_is("@yearly", NULL, "2026-01-15T10:00:00Z", "2027-01-01T00:00:00Z");
}

static void test_zones(void **state)
{
	/* 02:00 in Berlin is 01:00 UTC in winter and 00:00 UTC in summer. */
	next_is("0 2 * * *", "Europe/Berlin", "2026-01-10T12:00:00Z", "2026-01-11T01:00:00Z");
	next_is("0 2 * * *", "Europe/Berlin", "2026-07-10T12:00:00Z", "2026-07-11T00:00:00Z");
	next_is("CRON_TZ=America/New_York 0 2 * * *", NULL, "2026-01-10T12:00:00Z",
		"2026-01-11T07:00:00Z");
	bad("CRON_TZ=Europe/Berlin 0 2 * * *", "UTC", "names zone");
	bad("0 2 * * *", "Mars/Olympus_Mons", "unknown time zone");
	bad("0 2 * * *", "../../etc/passwd", "unknown time zone");
}

static void test_dst_spring(void **state)
{
	/* Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST (01:00 UTC). A daily 02:30
	 * job whose time does not exist runs at the jump, not a day later. */
	next_is("30 2 * * *", "Europe/Berlin", "2026-03-28T12:00:00Z", "2026-03-29T01:00:00Z");
	next_is("30 2 * * *", "Europe/Berlin", "2026-03-29T01:00:00Z", "2026-03-30T00:30:00Z");
	next_is("0 * * * *", "Europe/Berlin", "2026-03-29T00:30:00Z", "2026-03-29T01:00:00Z");
	next_is("0 * * * *", "Europe/Berlin", "2026-03-29T01:00:00Z", "2026-03-29T02:00:00Z");
	/* Every five minutes: 01:55 CET, then the skipped 02:00-02:55 all at the jump
	 * (once), then 03:05 CEST. */
	next_is("*/5 * * * *", "Europe/Berlin", "2026-03-29T00:50:00Z", "2026-03-29T00:55:00Z");
	next_is("*/5 * * * *", "Europe/Berlin", "2026-03-29T00:55:00Z", "2026-03-29T01:00:00Z");
	next_is("*/5 * * * *", "Europe/Berlin", "2026-03-29T01:00:00Z", "2026-03-29T01:05:00Z");
	/* Lord Howe Island, 2026-10-04: 02:00 +1030 jumps half an hour to 02:30 +11. */
	next_is("*/5 * * * *", "Australia/Lord_Howe", "2026-10-03T15:25:00Z",
		"2026-10-03T15:30:00Z");
	next_is("*/5 * * * *", "Australia/Lord_Howe", "2026-10-03T15:30:00Z",
		"2026-10-03T15:35:00Z");
}

static void test_dst_autumn(void **state)
{
	/* Berlin, 2026-10-25: 03:00 CEST falls back to 02:00 CET (01:00 UTC), so the
	 * wall hour 02:00-03:00 happens twice. A fixed-hour job runs once... */
	next_is("30 2 * * *", "Europe/Berlin", "2026-10-24T12:00:00Z", "2026-10-25T00:30:00Z");
	next_is("30 2 * * *", "Europe/Berlin", "2026-10-25T00:30:00Z", "2026-10-26T01:30:00Z");
	/* ...and an hourly job runs in both passes. */
	next_is("0 * * * *", "Europe/Berlin", "2026-10-25T00:30:00Z", "2026-10-25T01:00:00Z");
	next_is("0 * * * *", "Europe/Berlin", "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z");
	next_is("30 * * * *", "Europe/Berlin", "2026-10-25T00:30:00Z", "2026-10-25T01:30:00Z");
	/* A sub-hourly job runs through the first pass minute by minute, then again
	 * through the second: 02:00 CEST, 02:05 CEST, ... 02:55 CEST, 02:00 CET. */
	next_is("*/5 * * * *", "Europe/Berlin", "2026-10-24T23:55:00Z", "2026-10-25T00:00:00Z");
	next_is("*/5 * * * *", "Europe/Berlin", "2026-10-25T00:00:00Z", "2026-10-25T00:05:00Z");
	next_is("*/5 * * * *", "Europe/Berlin", "2026-10-25T00:32:00Z", "2026-10-25T00:35:00Z");
	next_is("*/5 * * * *", "Europe/Berlin", "2026-10-25T00:55:00Z", "2026-10-25T01:00:00Z");
	next_is("*/5 * * * *", "Europe/Berlin", "2026-10-25T01:00:00Z", "2026-10-25T01:05:00Z");
	next_is("*/5 * * * *", "Europe/Berlin", "2026-10-25T01:55:00Z", "2026-10-25T02:00:00Z");
	next_is("* * * * *", "Europe/Berlin", "2026-10-25T00:00:00Z", "2026-10-25T00:01:00Z");
	next_is("*/5 * * * *", "America/New_York", "2026-11-01T05:00:00Z", "2026-11-01T05:05:00Z");
	next_is("*/5 * * * *", "America/New_York", "2026-11-01T05:55:00Z", "2026-11-01T06:00:00Z");
	/* Lord Howe Island, 2026-04-05: 02:00 +11 falls back half an hour to 01:30 +1030. */
	next_is("*/5 * * * *", "Australia/Lord_Howe", "2026-04-04T14:30:00Z",
		"2026-04-04T14:35:00Z");
	next_is("*/5 * * * *", "Australia/Lord_Howe", "2026-04-04T14:55:00Z",
		"2026-04-04T15:00:00Z");
	next_is("*/5 * * * *", "Australia/Lord_Howe", "2026-04-04T15:00:00Z",
		"2026-04-04T15:05:00Z");
	/* A fixed hour still runs once, in the first pass. */
	next_is("*/5 2 * * *", "Europe/Berlin", "2026-10-25T00:30:00Z", "2026-10-25T00:35:00Z");
	next_is("*/5 2 * * *", "Europe/Berlin", "2026-10-25T00:55:00Z", "2026-10-26T01:00:00Z");
}

static int64_t gap(const char *expr, const char *tz, const char *from, int64_t horizon)
{
	struct cron *c = make(expr, tz);
	int64_t g;

	assert_int_equal(cron_max_gap(c, at(from), horizon, &g), 0);
	cron_free(c);
	return g;
}

static void test_max_gap(void **state)
{
	assert_int_equal(gap("0 2 * * *", NULL, "2026-01-01T00:00:00Z", 366 * 86400LL), 86400);
	assert_int_equal(gap("0 */6 * * *", NULL, "2026-01-01T00:00:00Z", 7 * 86400), 6 * 3600);
	assert_int_equal(gap("0 1,23 * * *", NULL, "2026-01-01T00:00:00Z", 7 * 86400), 22 * 3600);
	assert_int_equal(gap("0 3 * * mon-fri", NULL, "2026-01-01T00:00:00Z", 30 * 86400),
			 3 * 86400);
	assert_int_equal(gap("0 0 1 * *", NULL, "2026-01-01T00:00:00Z", 366 * 86400LL), 31 * 86400);
	/* Across a year in Berlin, the autumn change stretches one night to 25 hours,
	 * and the spring change shortens one to 23 hours but never loses a run. */
	assert_int_equal(gap("0 2 * * *", "Europe/Berlin", "2026-01-01T00:00:00Z", 366 * 86400LL),
			 25 * 3600);
	assert_int_equal(gap("30 2 * * *", "Europe/Berlin", "2026-03-01T00:00:00Z", 60 * 86400),
			 24 * 3600);
	assert_int_equal(gap("0 * * * *", "Europe/Berlin", "2026-01-01T00:00:00Z", 366 * 86400LL),
			 3600);
	/* Sub-hourly schedules across both changes: the repeated hour in autumn is run
	 * through in both passes, so no gap is longer than the schedule's step. */
	assert_int_equal(gap("*/5 * * * *", "Europe/Berlin", "2026-01-01T00:00:00Z", 366 * 86400LL),
			 300);
	assert_int_equal(gap("*/5 * * * *", "America/New_York", "2026-10-31T00:00:00Z", 2 * 86400),
			 300);
	assert_int_equal(gap("* * * * *", "Europe/Berlin", "2026-10-24T00:00:00Z", 2 * 86400), 60);
	assert_int_equal(gap("*/5 * * * *", "Australia/Lord_Howe", "2026-04-04T00:00:00Z", 86400),
			 300);
	assert_int_equal(gap("*/5 * * * *", "Australia/Lord_Howe", "2026-10-03T00:00:00Z", 86400),
			 300);
	/* Fewer than two runs in the horizon: the horizon is extended. */
	assert_int_equal(gap("@yearly", NULL, "2026-06-01T00:00:00Z", 86400), 365 * 86400);
}

static void test_rejects(void **state)
{
	bad("", NULL, "five fields");
	bad("* * * *", NULL, "five fields");
	bad("* * * * * *", NULL, "five fields");
	bad("60 * * * *", NULL, "minute 60 is out of range 0-59");
	bad("0 24 * * *", NULL, "hour 24 is out of range 0-23");
	bad("0 0 0 * *", NULL, "day-of-month 0 is out of range 1-31");
	bad("0 0 * 13 *", NULL, "month 13 is out of range 1-12");
	bad("0 0 * * 8", NULL, "day-of-week 8 is out of range 0-7");
	bad("*/0 * * * *", NULL, "bad step");
	bad("5-1 * * * *", NULL, "upwards");
	bad("1,,2 * * * *", NULL, "minute");
	bad("1, * * * *", NULL, "empty list item");
	bad("? * * * *", NULL, "minute");
	bad("0 0 * foo *", NULL, "month");
	bad("@reboot", NULL, "unknown nickname");
	bad("0 0 30 2 *", NULL, "never runs");
}

/*
 * Another thread computing runs in many zones leaves this thread's local time
 * and environment alone (the dashboard reads the verdict, which appends due
 * runs, on a thread of its own, while the loop shows times and libcurl reads
 * the environment): no TZ is switched under it.
 */
static const char *const worker_zones[] = {
	"Europe/Berlin", "America/New_York", "Australia/Sydney", "Asia/Kathmandu",
	"America/Santiago", "Europe/Dublin", "Pacific/Chatham", "America/Sao_Paulo",
};

static void *worker(void *arg)
{
	volatile int *done = arg;
	size_t i;

	for (i = 0; i < sizeof(worker_zones) / sizeof(worker_zones[0]); i++) {
		struct error e = {0};
		struct cron *c = cron_new("30 2 * * *", worker_zones[i], &e);
		int64_t t = 1893456000; /* 2030 */
		int y;

		if (!c)
			break;
		/* a run in each of 80 years: each year's offsets are needed anew */
		for (y = 0; y < 80; y++, t += 366LL * 86400)
			if (cron_next(c, t, &t) < 0)
				break;
		cron_free(c);
	}
	*done = 1;
	return NULL;
}

static void test_threads(void **state)
{
	volatile int done = 0;
	pthread_t th;
	long seen = 0, wrong = 0;
	const char *tz;

	(void)state;
	setenv("TZ", "Asia/Tokyo", 1);
	tzset();
	tz = getenv("TZ");
	assert_int_equal(pthread_create(&th, NULL, worker, (void *)&done), 0);
	while (!done) {
		time_t now = 1767225600;
		struct tm tm;

		localtime_r(&now, &tm);
		seen++;
		if (tm.tm_gmtoff != 9 * 3600 || getenv("TZ") != tz || strcmp(getenv("TZ"), "Asia/Tokyo"))
			wrong++;
	}
	pthread_join(th, NULL);
	if (wrong)
		fail_msg("%ld of %ld local times read while another thread computed runs were "
			 "not Tokyo's",
			 wrong, seen);
	setenv("TZ", "UTC", 1);
	tzset();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),      cmocka_unit_test(test_nicknames),
		cmocka_unit_test(test_zones),       cmocka_unit_test(test_dst_spring),
		cmocka_unit_test(test_dst_autumn),  cmocka_unit_test(test_max_gap),
		cmocka_unit_test(test_rejects),     cmocka_unit_test(test_threads),
	};

	when_set_now(1767225600); /* 2026-01-01T00:00:00Z */
	return cmocka_run_group_tests(tests, NULL, NULL);
}

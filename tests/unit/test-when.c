/* Unit tests for src/core/when.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "when.h"

#define NOW 1764064800 /* 2025-11-25T10:00:00Z */

static int64_t ok(const char *s)
{
	struct error e = {0};
	int64_t t = 0;

	if (when_parse(s, NOW, &t, &e) < 0)
		fail_msg("'%s' rejected: %s", s, e.msg);
	return t;
}

static void bad(const char *s)
{
	struct error e = {0};
	int64_t t = 0;

	assert_int_equal(when_parse(s, NOW, &t, &e), -1);
	assert_int_equal(e.kind, ERR_DATA);
	assert_non_null(strstr(e.msg, s));
	error_done(&e);
}

static void test_iso(void **state)
{
	assert_int_equal(ok("2025-11-25T10:00:00Z"), NOW);
	assert_int_equal(ok("2025-11-25T10:00Z"), NOW);
	assert_int_equal(ok("2025-11-25 10:00:00z"), NOW);
	assert_int_equal(ok("2025-11-25T11:00:00+01:00"), NOW);
	assert_int_equal(ok("2025-11-25T05:30:00-0430"), NOW);
	assert_int_equal(ok("2025-11-25T10:00:00.123Z"), NOW);
	assert_int_equal(ok("1970-01-01T00:00:00Z"), 0);
	assert_int_equal(ok("2024-02-29T00:00:00Z"), 1709164800);
	assert_int_equal(ok("2000-03-01T00:00:00Z"), 951868800);
}

static void test_local_zone(void **state)
{
	setenv("TZ", "Europe/Berlin", 1);
	tzset();
	assert_int_equal(ok("2025-11-25T11:00:00"), NOW);  /* CET, UTC+1 */
	assert_int_equal(ok("2025-07-01T02:00:00"), 1751328000); /* CEST, UTC+2 */
	assert_int_equal(ok("2025-11-25"), NOW - 11 * 3600);
	setenv("TZ", "UTC", 1);
	tzset();
}

static void test_relative_and_unix(void **state)
{
	assert_int_equal(ok("now"), NOW);
	assert_int_equal(ok("-2h"), NOW - 7200);
	assert_int_equal(ok("+15m"), NOW + 900);
	assert_int_equal(ok("-1d12h"), NOW - 129600);
	assert_int_equal(ok("1764064800"), NOW);
	assert_int_equal(ok("@0"), 0);
}

static void test_rejects(void **state)
{
	bad("yesterday");
	bad("2025-13-01");
	bad("2025-02-29");
	bad("2025-11-31T00:00Z");
	bad("2025-11-25T24:00Z");
	bad("2025-11-25T10:60Z");
	bad("2025-11-25T10:00:00+15:00");
	bad("2025-11-25T10");
	bad("2025-11-25T10:00:00Zjunk");
	bad("-2x");
	bad("--2h");
	bad("@");
	bad("99999999999999");
	bad("25-11-25");
}

/* A well-formed time out of reach is named as such, not as malformed. */
static void out_of_reach(const char *s, const char *why)
{
	struct error e = {0};
	int64_t t = 0;

	assert_int_equal(when_parse(s, NOW, &t, &e), -1);
	assert_int_equal(e.kind, ERR_DATA);
	assert_non_null(strstr(e.msg, s));
	assert_null(strstr(e.msg, "malformed"));
	assert_non_null(strstr(e.msg, why));
	error_done(&e);
}

static void test_out_of_reach(void **state)
{
	(void)state;
	out_of_reach("-50000d", "more than 100 years");
	out_of_reach("+5300w", "more than 100 years");
	out_of_reach("99999999999999", "after 9999-12-31T23:59:59Z");
	out_of_reach("@99999999999999999999999", "after 9999-12-31T23:59:59Z");
	assert_int_equal(ok("-36500d"), NOW - 36500LL * 86400);
}

static void test_format(void **state)
{
	char buf[WHEN_BUFSZ];

	assert_string_equal(when_format(NOW, buf), "2025-11-25T10:00:00Z");
	assert_string_equal(when_format(0, buf), "1970-01-01T00:00:00Z");
	assert_string_equal(when_format(-1, buf), "1969-12-31T23:59:59Z");
	assert_string_equal(when_format(951868800, buf), "2000-03-01T00:00:00Z");
	assert_int_equal(ok(when_format(1709164799, buf)), 1709164799);
}

/* Times read from a server's answer: ISO-8601 only, nothing relative to our clock. */
static void test_iso_only(void **state)
{
	static const char *const refused[] = {"now", "+50w", "-1h", "1764064800", "@1764064800",
					      "", "yesterday", " 2025-11-25T10:00:00Z"};
	struct error e = {0};
	int64_t t = 0;
	size_t i;

	assert_int_equal(when_parse_iso("2025-11-25T11:00:00+01:00", &t, &e), 0);
	assert_int_equal(t, NOW);
	for (i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		assert_int_equal(when_parse_iso(refused[i], &t, &e), -1);
		assert_int_equal(e.kind, ERR_DATA);
		assert_non_null(strstr(e.msg, "expected ISO-8601"));
		assert_null(strstr(e.msg, "relative"));
		error_done(&e);
	}
}

static void test_fixed_clock(void **state)
{
	when_set_now(42);
	assert_int_equal(when_now(), 42);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_iso),
		cmocka_unit_test(test_local_zone),
		cmocka_unit_test(test_relative_and_unix),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_out_of_reach),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_iso_only),
		cmocka_unit_test(test_fixed_clock),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

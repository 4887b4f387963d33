/* Unit tests for src/core/duration.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "duration.h"

static int64_t parse_ok(const char *s, unsigned flags)
{
	struct error e = {0};
	int64_t v = -1;

	assert_int_equal(duration_parse(s, flags, &v, &e), 0);
	assert_null(e.msg);
	return v;
}

static void parse_bad(const char *s, unsigned flags, const char *needle)
{
	struct error e = {0};
	int64_t v = 12345;

	assert_int_equal(duration_parse(s, flags, &v, &e), -1);
	assert_int_equal(e.kind, ERR_DATA);
	assert_non_null(e.msg);
	if (!strstr(e.msg, needle))
		fail_msg("message '%s' does not mention '%s'", e.msg, needle);
	assert_int_equal(v, 12345); /* output untouched */
	error_done(&e);
}

static void test_units(void **state)
{
	assert_int_equal(parse_ok("90s", 0), 90);
	assert_int_equal(parse_ok("15m", 0), 900);
	assert_int_equal(parse_ok("4h", 0), 14400);
	assert_int_equal(parse_ok("2d", 0), 172800);
	assert_int_equal(parse_ok("1w", 0), 604800);
	assert_int_equal(parse_ok("1h30m", 0), 5400);
	assert_int_equal(parse_ok("1w2d3h4m5s", 0), 604800 + 2 * 86400 + 3 * 3600 + 245);
	assert_int_equal(parse_ok("3600", 0), 3600);
	assert_int_equal(parse_ok("0", DURATION_ZERO_OK), 0);
	assert_int_equal(parse_ok("0s", DURATION_ZERO_OK), 0);
}

static void test_rejects(void **state)
{
	parse_bad("", 0, "empty");
	parse_bad("-5m", 0, "negative");
	parse_bad("0", 0, "greater than zero");
	parse_bad("0h0m", 0, "greater than zero");
	parse_bad("5x", 0, "unknown unit");
	parse_bad("h", 0, "expected a number");
	parse_bad("1h30", 0, "no unit");
	parse_bad("30m1h", 0, "largest to smallest");
	parse_bad("1h1h", 0, "largest to smallest");
	parse_bad("1.5h", 0, "unknown unit");
	parse_bad(" 5m", 0, "expected a number");
	parse_bad("5m ", 0, "expected a number");
	parse_bad("500ms", 0, "unknown unit");
	parse_bad("99999999999999999999s", 0, "too long");
	parse_bad("101y", 0, "unknown unit");
	parse_bad("5300w", 0, "too long");
	parse_bad("+5m", 0, "expected a number");
}

static void test_ms(void **state)
{
	struct error e = {0};
	int64_t v;

	assert_int_equal(duration_parse_ms("500ms", 0, &v, &e), 0);
	assert_int_equal(v, 500);
	assert_int_equal(duration_parse_ms("1s500ms", 0, &v, &e), 0);
	assert_int_equal(v, 1500);
	assert_int_equal(duration_parse_ms("2m", 0, &v, &e), 0);
	assert_int_equal(v, 120000);
	assert_int_equal(duration_parse_ms("0ms", 0, &v, &e), -1);
	error_done(&e);
}

static void check_format(int64_t s, const char *want)
{
	char buf[DURATION_BUFSZ];
	struct error e = {0};
	int64_t back;

	assert_string_equal(duration_format(s, buf), want);
	/* Formatting is exact: it parses back to the same value. */
	assert_int_equal(duration_parse(buf, DURATION_ZERO_OK, &back, &e), 0);
	assert_int_equal(back, s);
}

static void test_format(void **state)
{
	char buf[DURATION_BUFSZ];

	check_format(0, "0s");
	check_format(1, "1s");
	check_format(60, "1m");
	check_format(90, "90s");     /* shorter than 1m30s */
	check_format(5400, "90m");   /* shorter than 1h30m */
	check_format(3600, "1h");
	check_format(3660, "61m");
	check_format(3601, "1h1s");
	check_format(86400, "1d");
	check_format(93600, "26h");
	check_format(604800, "1w");
	check_format(864000, "10d");
	check_format(694861, "8d1h1m1s");
	check_format(DURATION_MAX_S, "5214w2d");
	check_format(999, "999s");
	check_format(1000, "16m40s");
	assert_string_equal(duration_format_ms(500, buf), "500ms");
	assert_string_equal(duration_format_ms(60000, buf), "1m");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_ms),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

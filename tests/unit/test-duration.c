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

/* The rounded form: both sides of every unit boundary and of every rounding
 * step (half up), and the carry into the next unit. */
static void test_round(void **state)
{
	static const struct {
		int64_t secs;
		const char *want;
	} cases[] = {
		{0, "0s"},
		{1, "1s"},
		{45, "45s"},
		{59, "59s"},
		{60, "1m"},
		{61, "1m1s"},
		{255, "4m15s"},
		{3599, "59m59s"},     /* below an hour: seconds stay exact */
		{3600, "1h"},
		{3601, "1h"},         /* seconds are rounded away from an hour on */
		{3629, "1h"},
		{3630, "1h1m"},       /* half a minute rounds up */
		{22349, "6h12m"},
		{22350, "6h13m"},
		{86369, "23h59m"},
		{86370, "1d"},        /* 23h59m30s carries into the next unit */
		{86399, "1d"},
		{86400, "1d"},
		{86401, "1d"},
		{88199, "1d"},        /* 1d0h29m59s */
		{88200, "1d1h"},      /* 1d0h30m: half an hour rounds up */
		{266400, "3d2h"},
		{268199, "3d2h"},
		{268200, "3d3h"},
		{603000, "7d"},       /* 6d23h30m carries; no weeks */
		{31536000, "365d"},
		{-1, "-"},
		{DURATION_NONE, "-"},
	};
	char buf[DURATION_BUFSZ];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		if (strcmp(duration_format_round(cases[i].secs, buf), cases[i].want))
			fail_msg("round(%lld): got '%s', want '%s'", (long long)cases[i].secs, buf,
				 cases[i].want);
}

static void test_bounds(void **state)
{
	static const struct {
		int64_t point, lower, upper;
		unsigned flags;
		const char *want;
		int64_t target; /* 0: none */
	} cases[] = {
		{2400, 2280, 2460, 0, "40m (38m\u201341m)"},
		{2400, 2280, 2460, DURATION_ASCII, "40m (38m-41m)"},
		{600, 600, DURATION_NONE, 0, "\u2265 10m"},        /* a lower bound only */
		{600, 600, DURATION_NONE, DURATION_ASCII, ">= 10m"},
		{900, 600, DURATION_NONE, 0, "\u2265 10m"},        /* the bound, not the point */
		{2400, 2400, 2400, 0, "40m"},                     /* bounds that read the same */
		{3600, 3601, 3629, 0, "1h"},                      /* ... once rounded */
		{3600, 3601, 3630, 0, "1h (1h\u20131h1m)"},         /* one second apart: they differ */
		{59, 58, 60, 0, "59s (58s\u20131m)"},
		{2400, DURATION_NONE, 2460, 0, "40m (40m\u201341m)"}, /* no lower bound: the point */
		{DURATION_NONE, 600, DURATION_NONE, 0, "\u2265 10m"},
		{DURATION_NONE, DURATION_NONE, DURATION_NONE, 0, "-"},
		{DURATION_NONE, DURATION_NONE, 60, 0, "-"},
		/* beside a target: exact where rounding would hide a difference */
		{3601, 3601, DURATION_NONE, 0, "\u2265 1h", 0},
		{3601, 3601, DURATION_NONE, 0, "\u2265 1h1s", 3600},
		{3601, 3600, 3602, 0, "1h1s (1h\u20131h2s)", 3600},
		{3660, 3600, 3700, 0, "1h1m (1h\u20131h2m)", 3600}, /* equal to it is no reason */
		{2400, 2280, 2460, 0, "40m (38m\u201341m)", 900},
	};
	char buf[DURATION_BOUNDS_BUFSZ];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (cases[i].target) {
			duration_format_bounds_versus(cases[i].point, cases[i].lower, cases[i].upper,
						      cases[i].target, cases[i].flags, buf);
			if (strcmp(buf, cases[i].want))
				fail_msg("bounds(%lld, %lld, %lld) beside %lld: got '%s', want '%s'",
					 (long long)cases[i].point, (long long)cases[i].lower,
					 (long long)cases[i].upper, (long long)cases[i].target, buf,
					 cases[i].want);
			continue;
		}
		duration_format_bounds(cases[i].point, cases[i].lower, cases[i].upper, cases[i].flags,
				       buf);
		if (strcmp(buf, cases[i].want))
			fail_msg("bounds(%lld, %lld, %lld): got '%s', want '%s'",
				 (long long)cases[i].point, (long long)cases[i].lower,
				 (long long)cases[i].upper, buf, cases[i].want);
	}
}

static void test_pair(void **state)
{
	static const struct {
		int64_t target, measured;
		const char *t, *m;
	} cases[] = {
		{900, 2400, "15m", "40m"},
		{3600, 3629, "1h", "1h29s"},    /* rounded alike but different: exact */
		{3600, 3630, "1h", "1h1m"},
		{3600, 3600, "1h", "1h"},       /* equal: rounded */
		{86400, 93600, "1d", "1d2h"},
		{86400, 87000, "1d", "1d10m"},  /* 1d0h10m rounds to 1d: exact */
		{300, DURATION_NONE, "5m", "-"},
	};
	char t[DURATION_BUFSZ], m[DURATION_BUFSZ];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		duration_format_pair(cases[i].target, cases[i].measured, t, m);
		if (strcmp(t, cases[i].t) || strcmp(m, cases[i].m))
			fail_msg("pair(%lld, %lld): got '%s' '%s', want '%s' '%s'",
				 (long long)cases[i].target, (long long)cases[i].measured, t, m,
				 cases[i].t, cases[i].m);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_rejects),
		cmocka_unit_test(test_ms),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_round),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_pair),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

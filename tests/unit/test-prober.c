/* Unit tests for the prober's schedule: jitter and capped exponential backoff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "prober.h"

static void test_success_jitter(void **state)
{
	int64_t min = INT64_MAX, max = 0;
	long r;

	for (r = 0; r < 20000; r += 7) {
		int64_t d = prober_delay_ms(60000, 3600, 0, 1, r);

		assert_true(d >= 57000 && d <= 63000); /* within 5% of the interval */
		min = d < min ? d : min;
		max = d > max ? d : max;
	}
	/* and spread over that range, not fixed */
	assert_true(min < 57500 && max > 62500);
}

static void test_backoff_grows_to_the_interval(void **state)
{
	/* Interval 60s, RTO 1h (a tenth: 6 min): the interval is the cap. */
	static const int64_t want[] = {1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000};
	int i;

	for (i = 0; i < 8; i++)
		assert_int_equal(prober_delay_ms(60000, 3600, i, 0, 0), want[i]);
	assert_int_equal(prober_delay_ms(60000, 3600, 1000, 0, 0), 60000); /* no overflow */
}

static void test_backoff_capped_by_rto(void **state)
{
	/* RTO 2 min: no retry waits longer than 12 s, however long the interval. */
	int i;
	long r;

	for (i = 0; i < 40; i++)
		for (r = 0; r < 5000; r += 13)
			assert_true(prober_delay_ms(300000, 120, i, 0, r) <= 12000);
	assert_int_equal(prober_delay_ms(300000, 120, 10, 0, 0), 12000);
}

static void test_backoff_jitter_only_shortens(void **state)
{
	long r;
	int64_t min = INT64_MAX;

	for (r = 0; r < 10000; r++) {
		int64_t d = prober_delay_ms(60000, 3600, 3, 0, r);

		assert_true(d <= 8000 && d >= 7200);
		min = d < min ? d : min;
	}
	assert_true(min < 7300);
}

static void test_short_intervals(void **state)
{
	/* A 500 ms interval retries every 500 ms at most. */
	int i;

	for (i = 0; i < 5; i++)
		assert_true(prober_delay_ms(500, 3600, i, 0, 0) == 500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_success_jitter),
		cmocka_unit_test(test_backoff_grows_to_the_interval),
		cmocka_unit_test(test_backoff_capped_by_rto),
		cmocka_unit_test(test_backoff_jitter_only_shortens),
		cmocka_unit_test(test_short_intervals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

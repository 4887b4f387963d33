/* Unit tests for src/core/strbuf.c: the integer formatter agrees with printf. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "strbuf.h"

static void put_int_is_lld(void **state)
{
	static const long long cases[] = {0, 1, -1, 9, 10, -10, 99, 100, 1795608000123LL,
					  -1795608000123LL, LLONG_MAX, LLONG_MIN, LLONG_MIN + 1};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct strbuf sb = STRBUF_INIT;
		char want[32];

		strbuf_puts(&sb, "x");
		strbuf_put_int(&sb, cases[i]);
		snprintf(want, sizeof(want), "x%lld", cases[i]);
		assert_string_equal(strbuf_str(&sb), want);
		strbuf_done(&sb);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(put_int_is_lld),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

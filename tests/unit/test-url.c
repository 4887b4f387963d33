/* Unit tests for src/core/url.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "url.h"

static void ok(const char *u)
{
	struct error e = {0};

	if (url_check(u, &e) < 0)
		fail_msg("'%s' rejected: %s", u, e.msg);
}

static void bad(const char *u, const char *needle)
{
	struct error e = {0};

	assert_int_equal(url_check(u, &e), -1);
	assert_int_equal(e.kind, ERR_DATA);
	if (!strstr(e.msg, needle))
		fail_msg("message '%s' does not mention '%s'", e.msg, needle);
	error_done(&e);
}

static void test_accepted(void **state)
{
	ok("http://127.0.0.1:8080/health");
	ok("https://payments.example.com/healthz?deep=1");
	ok("HTTPS://example.com");
	ok("http://[::1]:9000/");
	ok("file:///var/backups/latest.tar");
	ok("file://localhost/var/backups/latest.tar");
}

static void test_refused(void **state)
{
	bad("", "empty");
	bad("ftp://example.com/x", "unsupported URL scheme");
	bad("gopher://example.com", "unsupported URL scheme");
	bad("dict://example.com", "unsupported URL scheme");
	bad("example.com/health", "expected http://");
	bad("http://", "malformed URL");
	bad("http://exa mple.com", "space");
	bad("http://example.com/\x1b[31m", "control character");
	bad("http://example.com:99999/", "malformed URL");
	bad("file://otherhost/etc/passwd", "malformed URL");
	bad("file:///", "no file path");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

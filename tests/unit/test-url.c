/* Unit tests for src/core/url.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
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
	ok("https://backup:${BACKUP_PW}@nas.example/status?key=${NAS_KEY}");
	ok("https://${TOKEN}@example.com/");
	ok("file:///var/backups/${HOST_NAME}.tar");
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
	bad("file:relative/backup.tar", "an absolute path");
	bad("http:///x", "no host");
	bad("http:/x", "no host");
	bad("https:example.com/x", "slashes");
	bad("http://example.com:0/", "port 0");
	bad("http://admin:Hunter2@example.com/", "literal credentials");
	bad("http://ghp_abc@example.com/", "literal credentials");
	bad("http://${U}:pw@example.com/", "literal credentials");
	bad("http://${API_HOST}/x", "not in its scheme, host or port");
	bad("http://example.com:${PORT}/x", "malformed URL");
	bad("http://example.com/${1X}", "malformed variable reference");
	bad("http://example.com/${A", "malformed variable reference");
}

static void test_sample(void **state)
{
	char *s = url_sample("http://u:${PW}@h/${A}/b");

	assert_string_equal(s, "http://u:drtopvar@h/drtopvar/b");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accepted),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_sample),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

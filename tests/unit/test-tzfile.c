/*
 * Unit tests for src/core/tzfile.c: every zone of the machine's tz database,
 * and POSIX TZ strings, against the C library's own reading of the same zone
 * (localtime_r with TZ set, which this single-threaded test may do).
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "tzfile.h"

#define ZONEINFO "/usr/share/zoneinfo"

static long libc_offset(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	return tm.tm_gmtoff;
}

static void use_tz(const char *tz)
{
	setenv("TZ", tz, 1);
	tzset();
}

/* Compare Z with the C library (TZ already set) at T and a second either side. */
static int same_at(const struct tzfile *z, const char *name, int64_t t)
{
	int64_t d;

	for (d = -1; d <= 1; d++) {
		long want = libc_offset(t + d), got = tzfile_offset(z, t + d);

		if (want != got) {
			print_error("%s at %lld: offset %ld, the C library says %ld\n", name,
				    (long long)(t + d), got, want);
			return 0;
		}
	}
	return 1;
}

/*
 * Walk FROM to TO by STEP; where the C library's offset changes, find the
 * instant to the second and compare there too. Returns the changes seen, or
 * -1 on a difference.
 */
static int compare_range(const struct tzfile *z, const char *name, int64_t from, int64_t to,
			 int64_t step)
{
	long prev = libc_offset(from);
	int64_t t;
	int changes = 0;

	if (!same_at(z, name, from))
		return -1;
	for (t = from + step; t <= to; t += step) {
		long o = libc_offset(t);

		if (o != tzfile_offset(z, t)) {
			print_error("%s at %lld: offset %ld, the C library says %ld\n", name,
				    (long long)t, tzfile_offset(z, t), o);
			return -1;
		}
		if (o != prev) {
			int64_t a = t - step, b = t;

			while (b - a > 1) {
				int64_t mid = a + (b - a) / 2;

				if (libc_offset(mid) == prev)
					a = mid;
				else
					b = mid;
			}
			if (!same_at(z, name, b))
				return -1;
			changes++;
			prev = o;
		}
	}
	return changes;
}

static int zones_read, zones_bad;

static int each_zone(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	const char *name = path + strlen(ZONEINFO) + 1;
	struct error e = {0};
	struct tzfile *z;
	char magic[4] = {0}, *tz;
	FILE *f;

	(void)st;
	(void)ftw;
	if (flag != FTW_F || !strncmp(name, "posix/", 6) || !strncmp(name, "right/", 6))
		return 0;
	f = fopen(path, "rb");
	if (!f)
		return 0;
	if (fread(magic, 1, 4, f) != 4 || memcmp(magic, "TZif", 4)) {
		fclose(f);
		return 0; /* zone.tab, tzdata.zi and the like */
	}
	fclose(f);
	z = tzfile_load(path, name, &e);
	if (!z) {
		print_error("%s: %s\n", name, e.msg);
		error_done(&e);
		zones_bad++;
		return 0;
	}
	tz = malloc(strlen(path) + 2);
	sprintf(tz, ":%s", path);
	use_tz(tz);
	/* 1900 to 2100, every 9 days and an hour and 7 s (so that every time of
	 * day is met), each change found to the second */
	if (compare_range(z, name, -2208988800LL, 4102444800LL, 9 * 86400 + 3607) < 0)
		zones_bad++;
	zones_read++;
	free(tz);
	tzfile_free(z);
	return 0;
}

static void test_every_zone(void **state)
{
	(void)state;
	assert_int_equal(nftw(ZONEINFO, each_zone, 16, FTW_PHYS), 0);
	/* Debian's tzdata has some 600 zones, links included */
	if (zones_read < 300)
		fail_msg("only %d zones read under " ZONEINFO, zones_read);
	assert_int_equal(zones_bad, 0);
}

/* Zones whose rules are unusual, hour by hour through the years their files'
 * footers take over (the files list transitions up to 2037). */
static void test_rules_after_2037(void **state)
{
	static const char *const names[] = {
		"Europe/Berlin",      "America/New_York", "Australia/Sydney",   "Australia/Lord_Howe",
		"Europe/Dublin",      "America/Nuuk",     "Pacific/Chatham",    "America/Santiago",
		"Antarctica/Troll",   "Asia/Kathmandu",   "America/St_Johns",   "Africa/Casablanca",
		"Pacific/Auckland",   "Asia/Tehran",      "America/Asuncion",   "Europe/London",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[256], tz[260];
		struct error e = {0};
		struct tzfile *z;
		int changes;

		snprintf(path, sizeof(path), ZONEINFO "/%s", names[i]);
		snprintf(tz, sizeof(tz), ":%s", path);
		z = tzfile_load(path, names[i], &e);
		if (!z)
			fail_msg("%s: %s", names[i], e.msg);
		use_tz(tz);
		/* 2024 to 2045, every three hours */
		changes = compare_range(z, names[i], 1704067200LL, 2366841600LL, 3 * 3600);
		if (changes < 0)
			fail_msg("%s differs from the C library", names[i]);
		tzfile_free(z);
	}
}

/* POSIX TZ strings as footers write them, and the odd ones the format allows:
 * quoted names, minutes, southern hemisphere, negative and late times of day,
 * Julian days, all-year daylight saving time. */
static void test_rule_strings(void **state)
{
	static const char *const rules[] = {
		"CET-1CEST,M3.5.0,M10.5.0/3",
		"EST5EDT,M3.2.0,M11.1.0",
		"AEST-10AEDT,M10.1.0,M4.1.0/3",
		"<+1030>-10:30<+11>-11,M10.1.0,M4.1.0",
		"IST-1GMT0,M10.5.0,M3.5.0/1",
		"<-02>2<-01>,M3.5.0/-1,M10.5.0/0",
		"<-03>3<-02>,M3.5.0/-2,M10.5.0/-1",
		"<+0545>-5:45",
		"EST5EDT,0/0,J365/25",
		"AAA3BBB,J60/2,J300/2",
		"CCC-5DDD-6,59/1:30,299/23:59:59",
		"<-04>4<-03>,M9.1.6/24,M4.1.6/24",
		"NZST-12NZDT,M9.5.0,M4.1.0/3",
		"UTC0",
		"<+13>-13",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++) {
		struct error e = {0};
		struct tzfile *z = tzfile_from_rule(rules[i], &e);

		if (!z)
			fail_msg("'%s': %s", rules[i], e.msg);
		use_tz(rules[i]);
		/* 2000 to 2040 (leap years and not), every 7 hours 1 minute */
		if (compare_range(z, rules[i], 946684800LL, 2208988800LL, 7 * 3600 + 60) < 0)
			fail_msg("'%s' differs from the C library", rules[i]);
		tzfile_free(z);
	}
}

static void test_malformed(void **state)
{
	static const char *const bad_rules[] = {
		"", "CET", "CET-", "CE-1", "CET-1CEST,M3.5.0", "CET-1CEST,M13.5.0,M10.5.0",
		"CET-1CEST,M3.6.0,M10.5.0", "CET-1CEST,M3.5.7,M10.5.0", "CET-1CEST,J0,J300",
		"CET-1CEST,366,300", "<CET-1", "CET-25", "CET-1CEST,M3.5.0/168,M10.5.0",
		"CET-1CEST,M3.5.0,M10.5.0x",
	};
	char path[] = "/tmp/drtop-tzfile-XXXXXX";
	struct error e = {0};
	size_t i;
	FILE *f;
	int fd;

	(void)state;
	for (i = 0; i < sizeof(bad_rules) / sizeof(bad_rules[0]); i++) {
		if (tzfile_from_rule(bad_rules[i], &e))
			fail_msg("'%s' accepted", bad_rules[i]);
		assert_int_equal(e.kind, ERR_DATA);
		error_done(&e);
	}
	/* a missing file, a file that is not a zone, a truncated one */
	assert_null(tzfile_load("/nonexistent/zone", "No/Zone", &e));
	assert_int_equal(e.kind, ERR_NOINPUT);
	error_done(&e);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "wb");
	fputs("not a zone\n", f);
	fclose(f);
	assert_null(tzfile_load(path, "Not/Zone", &e));
	assert_int_equal(e.kind, ERR_DATA);
	assert_non_null(strstr(e.msg, "not a zone file"));
	error_done(&e);
	{
		FILE *in = fopen(ZONEINFO "/Europe/Berlin", "rb");
		char buf[4096];
		size_t n;

		assert_non_null(in);
		n = fread(buf, 1, sizeof(buf), in);
		fclose(in);
		f = fopen(path, "wb");
		fwrite(buf, 1, n / 2, f);
		fclose(f);
		assert_null(tzfile_load(path, "Cut/Zone", &e));
		assert_int_equal(e.kind, ERR_DATA);
		assert_non_null(strstr(e.msg, "truncated"));
		error_done(&e);
	}
	/* a zone counting leap seconds is refused, by name */
	if (tzfile_load(ZONEINFO "/right/Europe/Berlin", "right/Europe/Berlin", &e) == NULL &&
	    e.kind == ERR_DATA)
		assert_non_null(strstr(e.msg, "leap seconds"));
	error_done(&e);
	remove(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_zone),
		cmocka_unit_test(test_rules_after_2037),
		cmocka_unit_test(test_rule_strings),
		cmocka_unit_test(test_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

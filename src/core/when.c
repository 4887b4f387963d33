/*
 * when.c - see when.h.
 *
 * Calendar arithmetic is done by hand (days_from_civil) rather than through
 * timegm(), so UTC conversions never depend on the process's time zone.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "duration.h"
#include "when.h"

static int fixed_set;
static int64_t fixed_now;
static int known_set;
static int replay_set, now_given;
static int64_t known_by;

int64_t when_now(void)
{
	return fixed_set ? fixed_now : (int64_t)time(NULL);
}

int64_t when_real_now(void)
{
	return (int64_t)time(NULL);
}

int64_t when_now_ms(void)
{
	struct timespec ts;

	if (fixed_set)
		return fixed_now * 1000;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void when_set_now(int64_t t)
{
	fixed_set = 1;
	fixed_now = t;
}

void when_set_replay(int64_t t)
{
	/* The present it looks back from: DRTOP_NOW's when it set the clock. */
	int64_t present = fixed_set ? fixed_now : (int64_t)time(NULL);

	when_set_now(t);
	replay_set = t < present;
	now_given = 1;
}

int when_replay(void)
{
	return replay_set;
}

int when_now_given(void)
{
	return now_given;
}

const char *when_clock_note(void)
{
	return known_set ? "as recorded by then" : now_given ? "clock set by --now" : NULL;
}

void when_set_known(int64_t t)
{
	when_set_now(t);
	known_set = 1;
	known_by = t;
}

int when_known(void)
{
	return known_set;
}

int64_t when_known_by(void)
{
	return known_by;
}

int64_t when_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

unsigned when_days_in_month(int64_t y, unsigned m)
{
	static const unsigned days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;

	return m == 2 && leap ? 29 : days[m - 1];
}

void when_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d)
{
	int64_t z = days + 719468, era, doe, yoe, doy, mp;

	era = (z >= 0 ? z : z - 146096) / 146097;
	doe = z - era * 146097;
	yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	mp = (5 * doy + 2) / 153;
	*d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
	*m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
	*y = yoe + era * 400 + (*m <= 2);
}

char *when_format(int64_t t, char buf[WHEN_BUFSZ])
{
	int64_t days = t / 86400, rem = t % 86400, y;
	unsigned d, m;

	if (rem < 0) {
		rem += 86400;
		days--;
	}
	when_civil_from_days(days, &y, &m, &d);
	snprintf(buf, WHEN_BUFSZ, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d,
		 (int)(rem / 3600), (int)(rem / 60 % 60), (int)(rem % 60));
	return buf;
}

/* Read exactly N digits at *p into *v. */
static int digits(const char **p, int n, int *v)
{
	int i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)(*p)[i]))
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

static int bad(struct error *e, const char *s, int iso_only)
{
	if (iso_only)
		return error_set(e, ERR_DATA,
				 "malformed time '%.40s': expected ISO-8601 (2026-11-25T10:00:00Z)", s);
	return error_set(e, ERR_DATA,
			 "malformed time '%s': expected ISO-8601 (2026-11-25T10:00:00Z), "
			 "'now', a relative time (-2h) or Unix seconds",
			 s);
}

static int parse_iso(const char *s, int iso_only, int64_t *out, struct error *e)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, has_zone = 0, off = 0;

	if (digits(&p, 4, &y) < 0 || *p++ != '-' || digits(&p, 2, &mo) < 0 || *p++ != '-' ||
	    digits(&p, 2, &d) < 0)
		return bad(e, s, iso_only);
	if (mo < 1 || mo > 12 || d < 1 || (unsigned)d > when_days_in_month(y, (unsigned)mo))
		return error_set(e, ERR_DATA, "malformed time '%.40s': no such date", s);
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (digits(&p, 2, &h) < 0 || *p++ != ':' || digits(&p, 2, &mi) < 0)
			return bad(e, s, iso_only);
		if (*p == ':') {
			p++;
			if (digits(&p, 2, &sec) < 0)
				return bad(e, s, iso_only);
			if (*p == '.' || *p == ',') {
				p++;
				if (!isdigit((unsigned char)*p))
					return bad(e, s, iso_only);
				while (isdigit((unsigned char)*p))
					p++;
			}
		}
		if (h > 23 || mi > 59 || sec > 59)
			return error_set(e, ERR_DATA, "malformed time '%.40s': no such time of day", s);
	}
	if (*p == 'Z' || *p == 'z') {
		has_zone = 1;
		p++;
	} else if (*p == '+' || *p == '-') {
		int sign = *p++ == '-' ? -1 : 1, oh, om = 0;

		if (digits(&p, 2, &oh) < 0)
			return bad(e, s, iso_only);
		if (*p == ':')
			p++;
		if (*p && digits(&p, 2, &om) < 0)
			return bad(e, s, iso_only);
		if (oh > 14 || om > 59)
			return error_set(e, ERR_DATA, "malformed time '%.40s': bad zone offset", s);
		has_zone = 1;
		off = sign * (oh * 3600 + om * 60);
	}
	if (*p)
		return bad(e, s, iso_only);
	if (has_zone) {
		*out = when_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 +
		       mi * 60 + sec - off;
	} else {
		struct tm tm = {0};
		time_t t;

		tm.tm_year = y - 1900;
		tm.tm_mon = mo - 1;
		tm.tm_mday = d;
		tm.tm_hour = h;
		tm.tm_min = mi;
		tm.tm_sec = sec;
		tm.tm_isdst = -1;
		t = mktime(&tm);
		if (t == (time_t)-1)
			return bad(e, s, iso_only);
		*out = (int64_t)t;
	}
	return 0;
}

int when_parse(const char *s, int64_t now, int64_t *out, struct error *e)
{
	int64_t v;

	if (!s || !*s)
		return error_set(e, ERR_DATA, "empty time: expected ISO-8601, 'now', -2h or Unix seconds");
	if (!strcmp(s, "now")) {
		*out = now;
		return 0;
	}
	if (*s == '-' || *s == '+') {
		struct error sub = {0};

		if (duration_parse(s + 1, DURATION_ZERO_OK, &v, &sub) < 0) {
			/* A well-formed duration too long to reach says so, not "malformed". */
			int too_long = sub.msg && strstr(sub.msg, "too long") != NULL;

			error_done(&sub);
			if (too_long)
				return error_set(e, ERR_DATA, "time '%.40s' lies more than 100 years from now",
						 s);
			return bad(e, s, 0);
		}
		*out = *s == '-' ? now - v : now + v;
		return 0;
	}
	if (*s == '@' || strspn(s, "0123456789") == strlen(s)) {
		const char *p = *s == '@' ? s + 1 : s;
		char *end;
		long long n;

		if (!isdigit((unsigned char)*p))
			return bad(e, s, 0);
		errno = 0;
		n = strtoll(p, &end, 10);
		if (*end)
			return bad(e, s, 0);
		if (n > WHEN_MAX || errno == ERANGE)
			return error_set(e, ERR_DATA, "time '%.40s' lies after 9999-12-31T23:59:59Z, the latest "
						      "drtop reads", s);
		*out = n;
		return 0;
	}
	return parse_iso(s, 0, out, e);
}

int when_parse_iso(const char *s, int64_t *out, struct error *e)
{
	if (!s || !isdigit((unsigned char)*s))
		return bad(e, s ? s : "", 1);
	return parse_iso(s, 1, out, e);
}

/*
 * tzfile.c - see tzfile.h.
 *
 * A zone file (RFC 8536) holds a header, a block of 32-bit data and, from
 * version 2 on, a second header, the same data with 64-bit times, and a
 * footer: a POSIX TZ string for the instants after the last transition.
 * Only the offsets are kept (cron needs nothing else). Where the RFC leaves
 * room, this reads a file the way the GNU C library does, which is what cron
 * and every other program on the machine use: before the first transition,
 * and in a zone with none, the first time type that is not daylight saving
 * time; from the last transition on, the footer's rule when there is one.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tzfile.h"
#include "util.h"
#include "when.h"

#define TZFILE_MAX (1 << 20) /* the largest zone file read; real ones are under 4 KiB */

/* A day of a POSIX TZ rule: Jn (1-365, February 29 never counted), n (0-365,
 * counted) or Mm.w.d (weekday d of week w of month m, week 5 the last). */
struct rule_day {
	char kind; /* 'J', 'N' or 'M' */
	int n, m, w, d;
	long secs; /* the local time of day of the change (may be negative, or past 24 h) */
};

struct tzfile {
	size_t n;
	int64_t *at; /* the transitions, in order */
	long *off;   /* the offset from at[i] on */
	long first;  /* the offset before the first transition */
	int typed;   /* read from a file, which gives FIRST (not a rule alone) */
	/* the footer's rule, in force from the last transition on */
	int has_rule, has_dst;
	long std_off, dst_off; /* seconds east of UTC */
	struct rule_day start, end;
};

/* --- the POSIX TZ string -------------------------------------------------- */

static int rule_name(const char **s)
{
	const char *p = *s;

	if (*p == '<') {
		while (*p && *p != '>')
			p++;
		if (*p != '>' || p - *s < 2)
			return -1;
		*s = p + 1;
		return 0;
	}
	while (isalpha((unsigned char)*p))
		p++;
	if (p - *s < 3)
		return -1;
	*s = p;
	return 0;
}

static int rule_number(const char **s, int lo, int hi, int *v)
{
	const char *p = *s;

	if (!isdigit((unsigned char)*p))
		return -1;
	for (*v = 0; isdigit((unsigned char)*p); p++)
		if ((*v = *v * 10 + (*p - '0')) > hi)
			return -1;
	if (*v < lo)
		return -1;
	*s = p;
	return 0;
}

/* [+-]hh[:mm[:ss]], hours up to MAX_H, into seconds. */
static int rule_time(const char **s, int max_h, long *out)
{
	int h, m = 0, sec = 0, neg = **s == '-';

	if (**s == '+' || **s == '-')
		(*s)++;
	if (rule_number(s, 0, max_h, &h) < 0)
		return -1;
	if (**s == ':') {
		(*s)++;
		if (rule_number(s, 0, 59, &m) < 0)
			return -1;
		if (**s == ':') {
			(*s)++;
			if (rule_number(s, 0, 59, &sec) < 0)
				return -1;
		}
	}
	*out = (neg ? -1L : 1L) * (h * 3600L + m * 60L + sec);
	return 0;
}

static int rule_date(const char **s, struct rule_day *d)
{
	memset(d, 0, sizeof(*d));
	if (**s == 'J') {
		(*s)++;
		d->kind = 'J';
		if (rule_number(s, 1, 365, &d->n) < 0)
			return -1;
	} else if (**s == 'M') {
		(*s)++;
		d->kind = 'M';
		if (rule_number(s, 1, 12, &d->m) < 0 || *(*s)++ != '.' ||
		    rule_number(s, 1, 5, &d->w) < 0 || *(*s)++ != '.' || rule_number(s, 0, 6, &d->d) < 0)
			return -1;
	} else {
		d->kind = 'N';
		if (rule_number(s, 0, 365, &d->n) < 0)
			return -1;
	}
	d->secs = 7200;
	if (**s == '/') {
		(*s)++;
		return rule_time(s, 167, &d->secs);
	}
	return 0;
}

static int rule_parse(struct tzfile *z, const char *s)
{
	long off;

	if (rule_name(&s) < 0 || rule_time(&s, 24, &off) < 0)
		return -1;
	z->has_rule = 1;
	z->std_off = -off; /* POSIX counts west */
	if (!*s)
		return 0;
	if (rule_name(&s) < 0)
		return -1;
	z->has_dst = 1;
	z->dst_off = z->std_off + 3600;
	if (*s && *s != ',') {
		if (rule_time(&s, 24, &off) < 0)
			return -1;
		z->dst_off = -off;
	}
	if (!*s) /* no dates: the C library's default, the United States' rule since 2007 */
		s = ",M3.2.0,M11.1.0";
	if (*s++ != ',' || rule_date(&s, &z->start) < 0 || *s++ != ',' || rule_date(&s, &z->end) < 0)
		return -1;
	return *s ? -1 : 0;
}

/* Days since 1970-01-01 of day D of year Y. */
static int64_t rule_day_of(const struct rule_day *d, int64_t y)
{
	int64_t jan1 = when_days_from_civil(y, 1, 1), first, day;
	unsigned len;

	switch (d->kind) {
	case 'J':
		return jan1 + d->n - 1 + (d->n >= 60 && when_days_in_month(y, 2) == 29);
	case 'N':
		return jan1 + d->n;
	default:
		first = when_days_from_civil(y, (unsigned)d->m, 1);
		len = when_days_in_month(y, (unsigned)d->m);
		/* 1970-01-01 was a Thursday (4) */
		day = (d->d - ((first % 7 + 7 + 4) % 7) + 7) % 7 + (int64_t)(d->w - 1) * 7;
		while (day >= len)
			day -= 7;
		return first + day;
	}
}

static long rule_offset(const struct tzfile *z, int64_t t)
{
	int64_t y, start, end;
	unsigned m, d;
	int dst;

	if (!z->has_dst)
		return z->std_off;
	/* the changes of the year T is in (UTC), as the C library takes them */
	when_civil_from_days(t / 86400 - (t % 86400 < 0), &y, &m, &d);
	start = rule_day_of(&z->start, y) * 86400 + z->start.secs - z->std_off;
	end = rule_day_of(&z->end, y) * 86400 + z->end.secs - z->dst_off;
	if (start > end)
		dst = t < end || t >= start;
	else
		dst = t >= start && t < end;
	return dst ? z->dst_off : z->std_off;
}

/* --- the file ------------------------------------------------------------- */

struct counts {
	size_t isut, isstd, leap, time, type, chars;
};

static uint64_t be(const unsigned char *p, int n)
{
	uint64_t v = 0;
	int i;

	for (i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static int64_t be_signed(const unsigned char *p, int n)
{
	return n == 4 ? (int64_t)(int32_t)(uint32_t)be(p, 4) : (int64_t)be(p, 8);
}

/* The header at AT; its version in *VERSION (0, '2', '3', ...). */
static int header(const unsigned char *p, size_t len, size_t at, struct counts *c, int *version)
{
	if (len < 44 || at > len - 44 || memcmp(p + at, "TZif", 4))
		return -1;
	*version = p[at + 4];
	c->isut = be(p + at + 20, 4);
	c->isstd = be(p + at + 24, 4);
	c->leap = be(p + at + 28, 4);
	c->time = be(p + at + 32, 4);
	c->type = be(p + at + 36, 4);
	c->chars = be(p + at + 40, 4);
	return 0;
}

/* The length of the data block after a header, with TSIZE-byte times. */
static size_t block_len(const struct counts *c, int tsize)
{
	return c->time * (size_t)(tsize + 1) + c->type * 6 + c->chars + c->leap * (size_t)(tsize + 4) +
	       c->isstd + c->isut;
}

static int parse(struct tzfile *z, const unsigned char *p, size_t len, const char *name,
		 struct error *e)
{
	const unsigned char *times, *idx, *types;
	struct counts c;
	size_t at = 44, i, foot;
	int version, tsize = 4, first;

	if (header(p, len, 0, &c, &version) < 0)
		return error_set(e, ERR_DATA, "time zone '%s': not a zone file (TZif)", name);
	if (version >= '2') {
		at += block_len(&c, 4);
		if (header(p, len, at, &c, &version) < 0)
			return error_set(e, ERR_DATA, "time zone '%s': the zone file is truncated", name);
		at += 44;
		tsize = 8;
	}
	if (block_len(&c, tsize) > len - at || !c.type || (c.isstd && c.isstd != c.type) ||
	    (c.isut && c.isut != c.type))
		return error_set(e, ERR_DATA, "time zone '%s': the zone file is truncated or malformed",
				 name);
	if (c.leap)
		return error_set(e, ERR_DATA,
				 "time zone '%s' counts leap seconds (a right/ zone); name the zone "
				 "without them",
				 name);
	times = p + at;
	idx = times + c.time * (size_t)tsize;
	types = idx + c.time;
	z->n = c.time;
	z->at = xcalloc(c.time ? c.time : 1, sizeof(*z->at));
	z->off = xcalloc(c.time ? c.time : 1, sizeof(*z->off));
	for (i = 0; i < c.time; i++) {
		z->at[i] = be_signed(times + i * tsize, tsize);
		if (idx[i] >= c.type || (i && z->at[i] <= z->at[i - 1]))
			return error_set(e, ERR_DATA, "time zone '%s': the zone file is malformed",
					 name);
		z->off[i] = (long)be_signed(types + idx[i] * 6, 4);
	}
	/* before the first transition: the first type that is not DST (the C library's choice) */
	for (first = 0; (size_t)first < c.type && types[first * 6 + 4]; first++)
		;
	z->first = (long)be_signed(types + ((size_t)first < c.type ? first : 0) * 6, 4);
	z->typed = 1;
	foot = at + block_len(&c, tsize);
	if (tsize == 8 && foot < len && p[foot] == '\n') {
		const unsigned char *nl = memchr(p + foot + 1, '\n', len - foot - 1);
		char *rule;
		int bad;

		if (!nl)
			return error_set(e, ERR_DATA, "time zone '%s': the zone file's footer is truncated",
					 name);
		if (nl > p + foot + 1) {
			rule = xstrndup((const char *)p + foot + 1, (size_t)(nl - p - foot - 1));
			bad = rule_parse(z, rule) < 0;
			if (bad)
				error_set(e, ERR_DATA, "time zone '%s': cannot read the rule '%s' of its zone file",
					  name, rule);
			free(rule);
			if (bad)
				return -1;
		}
	}
	return 0;
}

struct tzfile *tzfile_load(const char *path, const char *name, struct error *e)
{
	struct tzfile *z;
	unsigned char *buf;
	size_t len;
	FILE *f = fopen(path, "rb");

	if (!f) {
		error_set(e, ERR_NOINPUT, "time zone '%s': cannot read %s: %s", name, path,
			  strerror(errno));
		return NULL;
	}
	buf = xmalloc(TZFILE_MAX);
	len = fread(buf, 1, TZFILE_MAX, f);
	if (ferror(f)) {
		error_set(e, ERR_NOINPUT, "time zone '%s': cannot read %s", name, path);
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	z = xcalloc(1, sizeof(*z));
	if (parse(z, buf, len, name, e) < 0) {
		tzfile_free(z);
		z = NULL;
	}
	free(buf);
	return z;
}

struct tzfile *tzfile_from_rule(const char *rule, struct error *e)
{
	struct tzfile *z = xcalloc(1, sizeof(*z));

	if (rule_parse(z, rule) < 0) {
		error_set(e, ERR_DATA, "malformed POSIX TZ string '%s'", rule);
		tzfile_free(z);
		return NULL;
	}
	return z;
}

void tzfile_free(struct tzfile *z)
{
	if (!z)
		return;
	free(z->at);
	free(z->off);
	free(z);
}

long tzfile_offset(const struct tzfile *z, int64_t t)
{
	size_t lo = 0, hi = z->n;

	if (!z->n)
		return z->typed ? z->first : rule_offset(z, t);
	if (t >= z->at[z->n - 1])
		return z->has_rule ? rule_offset(z, t) : z->off[z->n - 1];
	if (t < z->at[0])
		return z->first;
	while (hi - lo > 1) { /* at[lo] <= t < at[hi] */
		size_t mid = lo + (hi - lo) / 2;

		if (z->at[mid] <= t)
			lo = mid;
		else
			hi = mid;
	}
	return z->off[lo];
}

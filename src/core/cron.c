/*
 * cron.c - see cron.h.
 *
 * The search walks wall-clock time (year, month, day, hour, minute) in the
 * schedule's zone, skipping whole months, days and hours that cannot match,
 * and only then turns a matching wall time into instants. That conversion
 * is where daylight saving lives: a wall time may have no instant (spring)
 * or two (autumn). The zone's offsets come from its file in the tz database,
 * read once per process (tzfile.c): no TZ switching, which would change the
 * local time of every other thread and write the environment under libcurl,
 * which reads it. After that, walking runs is arithmetic.
 */
#include "config.h"

#include <ctype.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "cron.h"
#include "tzfile.h"
#include "util.h"
#include "when.h"

/* A time zone as cron reads it: its file, read once per process and never
 * changed after (so reading its offsets needs no lock). */
struct zone {
	char *name;
	struct tzfile *tz; /* NULL: UTC */
	struct zone *next;
};

static struct zone *zones;
/* The list of zones read and the remembered gaps are the process's, shared by
 * its threads (the dashboard reads the verdict, which appends due runs, on a
 * thread of its own): the entry points that add to them hold this lock. */
static pthread_mutex_t cache_lock = PTHREAD_MUTEX_INITIALIZER;

struct cron;
static int next_in_zone(const struct cron *c, int64_t after, int64_t *next);

struct cron {
	uint64_t minutes; /* bit n: minute n (0-59) */
	uint32_t hours;   /* 0-23 */
	uint32_t mdays;   /* 1-31 */
	uint32_t months;  /* 1-12 */
	uint32_t wdays;   /* 0-6, Sunday 0 */
	int dom_star, dow_star, hour_star;
	char *zone;
	struct zone *z; /* its offsets, shared by every schedule in the zone */
};

struct field {
	const char *name;
	int lo, hi;
	const char *const *names; /* names[i] is value lo + i */
};

static const char *const month_names[] = {"jan", "feb", "mar", "apr", "may", "jun",
					  "jul", "aug", "sep", "oct", "nov", "dec", NULL};
static const char *const wday_names[] = {"sun", "mon", "tue", "wed", "thu", "fri", "sat", NULL};

static const struct field fields[5] = {
	{"minute", 0, 59, NULL},
	{"hour", 0, 23, NULL},
	{"day-of-month", 1, 31, NULL},
	{"month", 1, 12, month_names},
	{"day-of-week", 0, 7, wday_names},
};

static const struct {
	const char *nick, *expr;
} nicknames[] = {
	{"@yearly", "0 0 1 1 *"}, {"@annually", "0 0 1 1 *"}, {"@monthly", "0 0 1 * *"},
	{"@weekly", "0 0 * * 0"}, {"@daily", "0 0 * * *"},    {"@midnight", "0 0 * * *"},
	{"@hourly", "0 * * * *"},
};

/* Read a number or a name at *p. */
static int read_value(const char **p, const struct field *f, int *v)
{
	const char *s = *p;
	int i;

	if (isdigit((unsigned char)*s)) {
		long n = 0;

		/* every digit is read (a number past 999 is out of any field's range) */
		for (; isdigit((unsigned char)*s); s++)
			n = n < 1000 ? n * 10 + (*s - '0') : n;
		*v = (int)n;
		*p = s;
		return 0;
	}
	for (i = 0; f->names && f->names[i]; i++) {
		if (!strncasecmp(s, f->names[i], 3) && !isalpha((unsigned char)s[3])) {
			*v = f->lo + i;
			*p = s + 3;
			return 0;
		}
	}
	return -1;
}

static int field_error(struct error *e, const char *expr, const struct field *f, const char *why)
{
	return error_set(e, ERR_DATA, "malformed cron expression '%s': bad %s field (%s)", expr,
			 f->name, why);
}

/* The value [from, to) of the expression is out of F's range: named as written. */
static int range_error(struct error *e, const char *expr, const struct field *f, const char *from,
		       const char *to)
{
	return error_set(e, ERR_DATA, "malformed cron expression '%s': %s %.*s is out of range %d-%d",
			 expr, f->name, (int)(to - from), from, f->lo, f->hi);
}

/* Parse one field's text [s, end) into a bit set. */
static int parse_field(const char *expr, const char *s, const char *end, const struct field *f,
		       uint64_t *bits, struct error *e)
{
	*bits = 0;
	while (s < end) {
		int lo, hi, step = 1, v;
		const char *item = s;

		if (*s == '*') {
			lo = f->lo;
			hi = f->hi;
			s++;
		} else {
			if (read_value(&s, f, &lo) < 0)
				return field_error(e, expr, f, "expected a number, a name or *");
			if (lo < f->lo || lo > f->hi)
				return range_error(e, expr, f, item, s);
			hi = lo;
			if (*s == '-') {
				const char *to = ++s;

				if (read_value(&s, f, &hi) < 0)
					return field_error(e, expr, f, "expected the end of a range");
				if (hi < f->lo || hi > f->hi)
					return range_error(e, expr, f, to, s);
				if (hi < lo)
					return field_error(e, expr, f, "a range must go upwards");
			}
		}
		if (*s == '/') {
			s++;
			if (!isdigit((unsigned char)*s) || read_value(&s, f, &step) < 0 || step < 1 ||
			    step > f->hi)
				return field_error(e, expr, f, "bad step");
			if (item[0] != '*' && hi == lo)
				hi = f->hi; /* "5/15" means 5-max/15 */
		}
		if (s < end && *s != ',')
			return field_error(e, expr, f, "unexpected character");
		if (s < end)
			s++;
		if (*item == ',' || (s == end && end[-1] == ','))
			return field_error(e, expr, f, "empty list item");
		for (v = lo; v <= hi; v += step)
			*bits |= 1ULL << (v == 7 && f->hi == 7 ? 0 : v);
	}
	if (!*bits)
		return field_error(e, expr, f, "empty");
	return 0;
}

/* The zone named TZ, its file read once per process (an import checks the
 * zone of every schedule it reads). NULL with e set when the tz database has
 * no such zone, or a file drtop cannot read. */
static struct zone *zone_find(const char *tz, struct error *e)
{
	const char *dir = getenv("TZDIR");
	struct tzfile *file = NULL;
	struct error fe = {0};
	struct zone *z;
	char *path;

	for (z = zones; z; z = z->next)
		if (!strcmp(z->name, tz))
			return z;
	if (strcmp(tz, "UTC")) {
		if (!*tz || *tz == '/' || strstr(tz, "..") ||
		    strspn(tz, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/_+-") !=
			    strlen(tz)) {
			error_set(e, ERR_DATA, "unknown time zone '%s'", tz);
			return NULL;
		}
		path = xasprintf("%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", tz);
		file = tzfile_load(path, tz, &fe);
		free(path);
		if (!file && fe.kind == ERR_NOINPUT)
			error_set(e, ERR_DATA,
				  "unknown time zone '%s' (expected an IANA name such as "
				  "Europe/Berlin; is tzdata installed?)",
				  tz);
		else if (!file)
			error_set(e, ERR_DATA, "%s", fe.msg);
		error_done(&fe);
		if (!file)
			return NULL;
	}
	z = xcalloc(1, sizeof(*z));
	z->name = xstrdup(tz);
	z->tz = file;
	z->next = zones;
	zones = z;
	return z;
}

static struct cron *parse(const char *expr, const char *tz, struct error *e)
{
	struct cron *c;
	const char *p = expr, *start[5], *end[5];
	char *zone = NULL;
	struct zone *z;
	uint64_t bits[5];
	size_t i, n = 0;
	int64_t probe;

	while (isspace((unsigned char)*p))
		p++;
	if (!strncmp(p, "CRON_TZ=", 8) || !strncmp(p, "TZ=", 3)) {
		const char *zs = strchr(p, '=') + 1, *ze = zs;

		while (*ze && !isspace((unsigned char)*ze))
			ze++;
		zone = xstrndup(zs, (size_t)(ze - zs));
		p = ze;
		while (isspace((unsigned char)*p))
			p++;
	}
	if (zone && tz && strcmp(zone, tz)) {
		error_set(e, ERR_DATA, "cron expression '%s' names zone %s but the schedule says %s",
			  expr, zone, tz);
		free(zone);
		return NULL;
	}
	if (!zone)
		zone = xstrdup(tz ? tz : "UTC");
	z = zone_find(zone, e);
	if (!z) {
		free(zone);
		return NULL;
	}
	if (*p == '@') {
		for (i = 0; i < sizeof(nicknames) / sizeof(nicknames[0]); i++)
			if (!strcmp(p, nicknames[i].nick))
				break;
		if (i == sizeof(nicknames) / sizeof(nicknames[0])) {
			error_set(e, ERR_DATA,
				  "malformed cron expression '%s': unknown nickname (use @hourly, "
				  "@daily, @weekly, @monthly or @yearly)",
				  expr);
			free(zone);
			return NULL;
		}
		p = nicknames[i].expr;
	}
	while (*p) {
		if (n == 5) {
			n++;
			break;
		}
		start[n] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		end[n++] = p;
		while (isspace((unsigned char)*p))
			p++;
	}
	if (n != 5) {
		error_set(e, ERR_DATA,
			  "malformed cron expression '%s': expected five fields (minute hour "
			  "day-of-month month day-of-week) or a nickname such as @daily",
			  expr);
		free(zone);
		return NULL;
	}
	for (i = 0; i < 5; i++) {
		if (parse_field(expr, start[i], end[i], &fields[i], &bits[i], e) < 0) {
			free(zone);
			return NULL;
		}
	}
	c = xcalloc(1, sizeof(*c));
	c->minutes = bits[0];
	c->hours = (uint32_t)bits[1];
	c->mdays = (uint32_t)bits[2];
	c->months = (uint32_t)bits[3];
	c->wdays = (uint32_t)bits[4];
	c->hour_star = *start[1] == '*';
	c->dom_star = *start[2] == '*';
	c->dow_star = *start[4] == '*';
	c->zone = zone;
	c->z = z;
	if (next_in_zone(c, when_now(), &probe) < 0) {
		error_set(e, ERR_DATA, "cron expression '%s' never runs", expr);
		cron_free(c);
		return NULL;
	}
	return c;
}

void cron_free(struct cron *c)
{
	if (!c)
		return;
	free(c->zone);
	free(c);
}

const char *cron_zone(const struct cron *c)
{
	return c->zone;
}

/* --- time zone offsets ------------------------------------------------- */

static int64_t floor_div(int64_t a, int64_t b)
{
	return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static long offset_at(const struct cron *c, int64_t t)
{
	return c->z->tz ? tzfile_offset(c->z->tz, t) : 0;
}

/* --- wall-clock search -------------------------------------------------- */

struct wall {
	int64_t y;
	int mo, d, h, mi;
};

static int64_t wall_seconds(const struct wall *w)
{
	return when_days_from_civil(w->y, (unsigned)w->mo, (unsigned)w->d) * 86400 + w->h * 3600 +
	       w->mi * 60;
}

static int day_matches(const struct cron *c, const struct wall *w)
{
	int64_t days = when_days_from_civil(w->y, (unsigned)w->mo, (unsigned)w->d);
	int wday = (int)(((days % 7) + 11) % 7); /* 1970-01-01 was a Thursday */
	int dom = (c->mdays >> w->d) & 1, dow = (c->wdays >> wday) & 1;

	if (c->dom_star || c->dow_star)
		return dom && dow;
	return dom || dow;
}

/* The lowest bit of BITS at V or above, or -1. */
static int next_bit(uint64_t bits, int v)
{
	bits = v < 64 ? bits >> v : 0;
	return bits ? v + __builtin_ctzll(bits) : -1;
}

/* Advance W to the first matching wall time at or after it, before year LIMIT. */
static int wall_next(const struct cron *c, struct wall *w, int64_t limit)
{
	while (w->y < limit) {
		int v;

		if (!((c->months >> w->mo) & 1)) {
			w->mo++, w->d = 1, w->h = 0, w->mi = 0;
		} else if (w->d > (int)when_days_in_month(w->y, (unsigned)w->mo)) {
			w->mo++, w->d = 1, w->h = 0, w->mi = 0;
		} else if (!day_matches(c, w) || (v = next_bit(c->hours, w->h)) < 0) {
			w->d++, w->h = 0, w->mi = 0;
			continue;
		} else {
			if (v != w->h)
				w->h = v, w->mi = 0;
			v = next_bit(c->minutes, w->mi);
			if (v >= 0) {
				w->mi = v;
				return 0;
			}
			w->h++, w->mi = 0;
			if (w->h > 23)
				w->d++, w->h = 0;
			continue;
		}
		if (w->mo > 12)
			w->y++, w->mo = 1;
	}
	return -1;
}

static void wall_from(const struct cron *c, int64_t t, struct wall *w)
{
	int64_t s = t + offset_at(c, t), days = floor_div(s, 86400), rem = s - days * 86400;
	unsigned mo, d;

	when_civil_from_days(days, &w->y, &mo, &d);
	w->mo = (int)mo;
	w->d = (int)d;
	w->h = (int)(rem / 3600);
	w->mi = (int)(rem / 60 % 60);
}

/*
 * The instants at which wall time W runs: one normally, none made into the
 * moment of the jump when W was skipped, two when W was repeated. *FOLD is
 * how far the clocks are set back near W (0 if they are not): a later wall
 * time less than that past W may still be an earlier instant.
 */
static int wall_instants(const struct cron *c, const struct wall *w, int64_t out[2], long *fold)
{
	int64_t ws = wall_seconds(w), ta, tb;
	long oa = offset_at(c, ws - 50400), ob = offset_at(c, ws + 50400);
	int va, vb;

	*fold = oa > ob ? oa - ob : 0;
	ta = ws - oa;
	tb = ws - ob;
	va = offset_at(c, ta) == oa;
	vb = offset_at(c, tb) == ob;
	if (oa == ob || (va && !vb) || (vb && !va)) {
		out[0] = va ? ta : tb;
		return 1;
	}
	if (va && vb) {
		out[0] = ta < tb ? ta : tb;
		out[1] = ta < tb ? tb : ta;
		return c->hour_star ? 2 : 1;
	}
	/* Skipped: find the first instant with the later offset. */
	{
		int64_t lo = ta < tb ? ta : tb, hi = ta < tb ? tb : ta;

		while (hi - lo > 1) {
			int64_t mid = lo + (hi - lo) / 2;

			if (offset_at(c, mid) == ob)
				hi = mid;
			else
				lo = mid;
		}
		out[0] = hi;
		return 1;
	}
}

/*
 * The first instant after AFTER. Walking wall times in order finds instants in
 * order, except where the clocks were set back: there the walk reaches the
 * second pass of a repeated wall time (02:00 CET, 01:00 UTC) before wall times
 * of the first pass that come earlier in time (02:05 ... 02:55 CEST, 00:05 ...
 * 00:55 UTC). So once a run is found, the walk goes on through the repeated
 * stretch (FOLD past the wall time found) and keeps the earliest instant.
 */
static int next_in_zone(const struct cron *c, int64_t after, int64_t *next)
{
	int64_t t0 = after - (((after % 60) + 60) % 60) + 60;
	long back = offset_at(c, t0 - 10800) - offset_at(c, t0 + 10800);
	struct wall w;
	int64_t limit, best = 0, stop = 0;
	int found = 0;

	/* Near a change that sets the clocks back, wall times repeat: start the walk
	 * early enough to see the repeated ones (instants up to AFTER are skipped). */
	wall_from(c, t0 - (back > 0 ? back : 0), &w);
	limit = w.y + 10;
	for (;;) {
		int64_t inst[2];
		long fold;
		int i, n;

		if (wall_next(c, &w, limit) < 0)
			break;
		if (found && wall_seconds(&w) > stop)
			break;
		n = wall_instants(c, &w, inst, &fold);
		for (i = 0; i < n; i++) {
			if (inst[i] <= after || (found && inst[i] >= best))
				continue;
			if (!found)
				stop = wall_seconds(&w) + fold;
			best = inst[i];
			found = 1;
		}
		if (found && wall_seconds(&w) >= stop)
			break; /* every later wall time is past STOP */
		w.mi++;
		if (w.mi > 59)
			w.h++, w.mi = 0;
		if (w.h > 23)
			w.d++, w.h = 0;
	}
	if (!found)
		return -1;
	*next = best;
	return 0;
}

int cron_next(const struct cron *c, int64_t after, int64_t *next)
{
	return next_in_zone(c, after, next);
}

/*
 * Schedules share expressions (thousands of systems backed up "0 2 * * *"),
 * so the largest gap is remembered per expression, zone, day of FROM and
 * horizon for the life of the process: importing many schedules computes a
 * year of runs once per distinct expression, not once per schedule.
 */
#define GAP_MEMO 256

struct gap_memo {
	uint64_t minutes;
	uint32_t hours, mdays, months, wdays;
	int flags;
	const struct zone *z;
	int64_t day, horizon, gap;
	int rc, used;
};

static struct gap_memo gap_memo[GAP_MEMO];
static size_t gap_memo_next;

static int max_gap_walk(const struct cron *c, int64_t from, int64_t horizon, int64_t *gap)
{
	int64_t prev, t, max = 0;
	int runs = 1;

	if (next_in_zone(c, from, &prev) < 0)
		return -1;
	while (prev < from + horizon || runs < 2) {
		if (next_in_zone(c, prev, &t) < 0) {
			if (runs < 2)
				return -1;
			break;
		}
		if (t - prev > max)
			max = t - prev;
		prev = t;
		runs++;
	}
	*gap = max;
	return 0;
}

static int max_gap(const struct cron *c, int64_t from, int64_t horizon, int64_t *gap)
{
	int flags = c->dom_star | c->dow_star << 1 | c->hour_star << 2;
	int64_t day = floor_div(from, 86400);
	struct gap_memo *m;
	size_t i;

	for (i = 0; i < GAP_MEMO && gap_memo[i].used; i++) {
		m = &gap_memo[i];
		if (m->minutes == c->minutes && m->hours == c->hours && m->mdays == c->mdays &&
		    m->months == c->months && m->wdays == c->wdays && m->flags == flags &&
		    m->z == c->z && m->day == day && m->horizon == horizon) {
			*gap = m->gap;
			return m->rc;
		}
	}
	m = &gap_memo[gap_memo_next];
	gap_memo_next = (gap_memo_next + 1) % GAP_MEMO;
	m->minutes = c->minutes;
	m->hours = c->hours;
	m->mdays = c->mdays;
	m->months = c->months;
	m->wdays = c->wdays;
	m->flags = flags;
	m->z = c->z;
	m->day = day;
	m->horizon = horizon;
	/* from the start of FROM's day, so that every FROM of the day agrees */
	m->rc = max_gap_walk(c, day * 86400, horizon, &m->gap);
	m->used = 1;
	*gap = m->gap;
	return m->rc;
}

int cron_max_gap(const struct cron *c, int64_t from, int64_t horizon, int64_t *gap)
{
	int rc;

	pthread_mutex_lock(&cache_lock);
	rc = max_gap(c, from, horizon, gap);
	pthread_mutex_unlock(&cache_lock);
	return rc;
}

int cron_zone_check(const char *tz, struct error *e)
{
	int rc;

	pthread_mutex_lock(&cache_lock);
	rc = zone_find(tz, e) ? 0 : -1;
	pthread_mutex_unlock(&cache_lock);
	return rc;
}

struct cron *cron_new(const char *expr, const char *tz, struct error *e)
{
	struct cron *c;

	pthread_mutex_lock(&cache_lock);
	c = parse(expr, tz, e);
	pthread_mutex_unlock(&cache_lock);
	return c;
}

/*
 * duration.c - see duration.h.
 *
 * Parsing works in milliseconds so that one grammar serves both objectives
 * (whole seconds) and probe intervals (which may be "500ms").
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"

struct unit {
	const char *name;
	int64_t ms;
};

/* Largest first: parts must appear in this order. */
static const struct unit units[] = {
	{"w", 7 * 86400000LL}, {"d", 86400000LL}, {"h", 3600000LL},
	{"m", 60000LL},        {"s", 1000LL},     {"ms", 1LL},
};
#define NUNITS (sizeof(units) / sizeof(units[0]))

static int bad(struct error *e, const char *s, const char *why)
{
	return error_set(e, ERR_DATA, "malformed duration '%s': %s", s, why);
}

static int parse(const char *s, unsigned flags, int allow_ms, int64_t *out, struct error *e)
{
	const char *p = s;
	int64_t total = 0;
	int last = -1;
	const int64_t max_ms = DURATION_MAX_S * 1000;

	if (!s || !*s)
		return error_set(e, ERR_DATA, "empty duration: expected e.g. 90s, 15m, 1h30m");
	if (*s == '-')
		return bad(e, s, "a duration cannot be negative");
	if (*s == '+')
		return bad(e, s, "expected a number followed by a unit, e.g. 90s, 15m, 1h30m");
	while (*p) {
		int64_t n = 0;
		size_t len, u;
		int found = -1;

		if (!isdigit((unsigned char)*p))
			return bad(e, s, "expected a number followed by a unit (w, d, h, m, s), e.g. 90s, 15m, 1h30m");
		while (isdigit((unsigned char)*p)) {
			if (n > max_ms / 10)
				return error_set(e, ERR_DATA, "duration '%s' is too long (at most 100 years)", s);
			n = n * 10 + (*p++ - '0');
		}
		if (!*p) {
			/* A bare number: seconds, allowed only on its own. */
			if (p != s + strspn(s, "0123456789"))
				return bad(e, s, "the last number has no unit");
			found = 4;
			len = 0;
		} else {
			for (len = 0; isalpha((unsigned char)p[len]); len++)
				;
			for (u = 0; u < NUNITS; u++)
				if (strlen(units[u].name) == len && !strncmp(p, units[u].name, len))
					found = (int)u;
			if (found < 0 || (found == 5 && !allow_ms))
				return bad(e, s, allow_ms ? "unknown unit (use w, d, h, m, s or ms)"
							  : "unknown unit (use w, d, h, m or s)");
		}
		if (found <= last)
			return bad(e, s, "units must go from largest to smallest, each once (e.g. 1h30m)");
		last = found;
		if (n > max_ms / units[found].ms || total > max_ms - n * units[found].ms)
			return error_set(e, ERR_DATA, "duration '%s' is too long (at most 100 years)", s);
		total += n * units[found].ms;
		p += len;
	}
	if (total == 0 && !(flags & DURATION_ZERO_OK))
		return error_set(e, ERR_DATA, "duration '%s' must be greater than zero", s);
	*out = total;
	return 0;
}

int duration_parse(const char *s, unsigned flags, int64_t *secs, struct error *e)
{
	int64_t ms;

	if (parse(s, flags, 0, &ms, e) < 0)
		return -1;
	*secs = ms / 1000;
	return 0;
}

int duration_parse_ms(const char *s, unsigned flags, int64_t *ms, struct error *e)
{
	return parse(s, flags, 1, ms, e);
}

/* Greedy decomposition using units no larger than units[top]. */
static void decompose(int64_t secs, size_t top, char *buf, size_t size)
{
	size_t u, len = 0;

	buf[0] = '\0';
	for (u = top; u < NUNITS - 1 && secs > 0; u++) {
		int64_t us = units[u].ms / 1000, n = secs / us;

		if (n > 0) {
			len += (size_t)snprintf(buf + len, size - len, "%lld%s", (long long)n,
						units[u].name);
			secs -= n * us;
		}
	}
}

char *duration_format(int64_t secs, char buf[DURATION_BUFSZ])
{
	char cand[DURATION_BUFSZ];
	size_t top;

	if (secs <= 0) {
		snprintf(buf, DURATION_BUFSZ, "%s", secs == 0 ? "0s" : "-");
		return buf;
	}
	buf[0] = '\0';
	/* Shortest text wins, but a leading number stays below 1000 ("90m", never
	 * "694861s"); on a tie the larger unit (tried first) stays. */
	for (top = 0; top < NUNITS - 1; top++) {
		int64_t us = units[top].ms / 1000;

		if (us > secs || (secs / us >= 1000 && buf[0]))
			continue;
		decompose(secs, top, cand, sizeof(cand));
		if (!buf[0] || strlen(cand) < strlen(buf))
			memcpy(buf, cand, sizeof(cand));
	}
	return buf;
}

char *duration_format_ms(int64_t ms, char buf[DURATION_BUFSZ])
{
	if (ms % 1000)
		snprintf(buf, DURATION_BUFSZ, "%lldms", (long long)ms);
	else
		duration_format(ms / 1000, buf);
	return buf;
}

/* The units of the rounded form, largest first (no weeks: "36d" reads better). */
static const int64_t round_units[] = {86400, 3600, 60, 1};
static const char *const round_names[] = {"d", "h", "m", "s"};

char *duration_format_round(int64_t secs, char buf[DURATION_BUFSZ])
{
	size_t u = 0;
	int64_t r, hi, lo;

	if (secs == DURATION_NONE || secs < 0) {
		snprintf(buf, DURATION_BUFSZ, "-");
		return buf;
	}
	if (secs < 60) {
		snprintf(buf, DURATION_BUFSZ, "%llds", (long long)secs);
		return buf;
	}
	/* Round to the second-largest unit; a carry may reach the next unit up
	 * (23h59m30s is 1d), which is then the largest one. */
	for (r = secs;;) {
		for (u = 0; r < round_units[u]; u++)
			;
		lo = round_units[u + 1];
		r = r / lo * lo + (r % lo >= (lo + 1) / 2 ? lo : 0);
		if (u == 0 || r < round_units[u - 1])
			break;
	}
	hi = round_units[u];
	if (r % hi / lo)
		snprintf(buf, DURATION_BUFSZ, "%lld%s%lld%s", (long long)(r / hi), round_names[u],
			 (long long)(r % hi / lo), round_names[u + 1]);
	else
		snprintf(buf, DURATION_BUFSZ, "%lld%s", (long long)(r / hi), round_names[u]);
	return buf;
}

/* V rounded, or exact when rounded it would read like TARGET but is not it. */
static char *format_versus(int64_t v, int64_t target, int exact, char buf[DURATION_BUFSZ])
{
	return exact && v >= 0 && v != DURATION_NONE ? duration_format(v, buf)
						      : duration_format_round(v, buf);
}

/* Would V, rounded, read like TARGET though it differs? */
static int reads_like(int64_t v, int64_t target)
{
	char a[DURATION_BUFSZ], b[DURATION_BUFSZ];

	if (v == DURATION_NONE || target == DURATION_NONE || v == target)
		return 0;
	return !strcmp(duration_format_round(v, a), duration_format_round(target, b));
}

char *duration_format_bounds_versus(int64_t point, int64_t lower, int64_t upper, int64_t target,
				    unsigned flags, char buf[DURATION_BOUNDS_BUFSZ])
{
	char p[DURATION_BUFSZ], l[DURATION_BUFSZ], h[DURATION_BUFSZ];
	int ascii = flags & DURATION_ASCII, exact;

	if (lower == DURATION_NONE)
		lower = point;
	if (point == DURATION_NONE)
		point = lower;
	if (lower == DURATION_NONE) {
		snprintf(buf, DURATION_BOUNDS_BUFSZ, "-");
		return buf;
	}
	exact = reads_like(point, target) || reads_like(lower, target) || reads_like(upper, target);
	format_versus(lower, target, exact, l);
	if (upper == DURATION_NONE) {
		snprintf(buf, DURATION_BOUNDS_BUFSZ, "%s %s", ascii ? ">=" : "\u2265", l);
		return buf;
	}
	format_versus(point, target, exact, p);
	format_versus(upper, target, exact, h);
	if (!strcmp(l, h) && !strcmp(l, p))
		snprintf(buf, DURATION_BOUNDS_BUFSZ, "%s", p);
	else
		snprintf(buf, DURATION_BOUNDS_BUFSZ, "%s (%s%s%s)", p, l, ascii ? "-" : "\u2013", h);
	return buf;
}

char *duration_format_bounds(int64_t point, int64_t lower, int64_t upper, unsigned flags,
			     char buf[DURATION_BOUNDS_BUFSZ])
{
	return duration_format_bounds_versus(point, lower, upper, DURATION_NONE, flags, buf);
}

void duration_format_pair(int64_t target, int64_t measured, char t[DURATION_BUFSZ],
			  char m[DURATION_BUFSZ])
{
	duration_format_round(target, t);
	duration_format_round(measured, m);
	if (target != measured && target >= 0 && measured >= 0 && target != DURATION_NONE &&
	    measured != DURATION_NONE && !strcmp(t, m)) {
		duration_format(target, t);
		duration_format(measured, m);
	}
}

/*
 * duration.h - durations as people write them: 90s, 15m, 4h, 2d, 1w, 1h30m.
 *
 * A duration is a sequence of NUMBER UNIT parts with units in decreasing
 * order (w, d, h, m, s; and ms where sub-second values make sense), or a
 * plain number of seconds. Formatting gives back the shortest exact text
 * whose leading number stays below 1000, so that format(parse(x)) is stable
 * and readable ("90s", "90m", "26h", "2w", "8d1h1m1s").
 *
 * For people reading a verdict there is one rounded form instead: the two
 * largest units (d, h, m, s), the second one rounded half up ("6h12m",
 * "4m15s", "3d2h", "45s"); an outage's length with its bounds ("40m
 * (38m–41m)", or "≥ 10m" when only a lower bound is known); and a target
 * beside a measurement ("15m" against "40m"), exact where rounding would make
 * two different values read the same. The list, the detail, `drtop status`
 * and every report use these.
 */
#ifndef DRTOP_DURATION_H
#define DRTOP_DURATION_H

#include <stdint.h>

#include "error.h"

#define DURATION_ZERO_OK 0x1 /* accept "0" (e.g. a backup that takes no time) */
#define DURATION_MAX_S ((int64_t)100 * 365 * 86400)
#define DURATION_BUFSZ 48

/* Parse S into whole seconds. Returns 0, or -1 with e set (ERR_DATA). */
int duration_parse(const char *s, unsigned flags, int64_t *secs, struct error *e);

/* Parse S into milliseconds; also accepts the unit "ms". */
int duration_parse_ms(const char *s, unsigned flags, int64_t *ms, struct error *e);

/* Format SECS (>= 0) in its shortest exact form into BUF; returns BUF. */
char *duration_format(int64_t secs, char buf[DURATION_BUFSZ]);

/* Format milliseconds: as duration_format when whole seconds, else "1500ms". */
char *duration_format_ms(int64_t ms, char buf[DURATION_BUFSZ]);

#define DURATION_NONE INT64_MIN /* a value not known (NULL): shown as "-" */
#define DURATION_ASCII 0x1      /* ">=" and "-" for terminals without UTF-8 */
#define DURATION_BOUNDS_BUFSZ (3 * DURATION_BUFSZ + 16)

/* SECS rounded to its two largest units: "6h12m", "4m15s", "3d2h", "45s";
 * "-" for a negative or DURATION_NONE value. Returns BUF. */
char *duration_format_round(int64_t secs, char buf[DURATION_BUFSZ]);

/* An outage's length in seconds: its point estimate POINT, at least LOWER,
 * at most UPPER (each DURATION_NONE when not known). "40m (38m–41m)"; just
 * "40m" when the bounds read the same; "≥ 10m" without an upper bound (a
 * lower bound, never a recovery); "-" when nothing is known. Returns BUF. */
char *duration_format_bounds(int64_t point, int64_t lower, int64_t upper, unsigned flags,
			     char buf[DURATION_BOUNDS_BUFSZ]);

/* The same beside a TARGET (DURATION_NONE: none): exact (duration_format)
 * where rounding would make a bound read like the target though it differs
 * ("1h1s" against an RTO of "1h", never "1h"). */
char *duration_format_bounds_versus(int64_t point, int64_t lower, int64_t upper, int64_t target,
				    unsigned flags, char buf[DURATION_BOUNDS_BUFSZ]);

/* A TARGET and a MEASURED value side by side, in the same rounded form;
 * both exact (duration_format) when rounding would make them read the same
 * though they differ ("1h" against "1h20s" rather than "1h" against "1h"). */
void duration_format_pair(int64_t target, int64_t measured, char t[DURATION_BUFSZ],
			  char m[DURATION_BUFSZ]);

#endif

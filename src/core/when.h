/*
 * when.h - points in time: parsing what people type, formatting for people.
 *
 * drtop stores times as integer Unix seconds (UTC). People type ISO-8601
 * ("2026-11-25T10:00:00Z", "2026-11-25 10:00", "2026-11-25T10:00+01:00";
 * without a zone the local time zone applies), "now", a time relative to now
 * ("-2h", "+15m"), or Unix seconds ("1764064800" or "@1764064800").
 *
 * The clock itself lives here too: every command asks when_now(), which the
 * DRTOP_NOW environment variable or --now can fix for reproducible runs.
 */
#ifndef DRTOP_WHEN_H
#define DRTOP_WHEN_H

#include <stdint.h>

#include "error.h"

#define WHEN_BUFSZ 32
#define WHEN_MAX 253402300799LL /* 9999-12-31T23:59:59Z, the latest time drtop reads */

/* The current time: the fixed clock if one was set, else the system clock. */
int64_t when_now(void);

/* The same clock in milliseconds. */
int64_t when_now_ms(void);

/* The system clock, whatever --now or DRTOP_NOW say. when_now() is the verdict's
 * clock, for reading; this one dates what is written (audit log, recorded_at). */
int64_t when_real_now(void);

/* How far a time may lie ahead of the real clock before drtop calls it the future. */
#define WHEN_SKEW_S 300

/* Fix the clock at T for the rest of the process. */
void when_set_now(int64_t t);

/* --now T: fix the clock at T. An instant before the present (DRTOP_NOW's,
 * which fixes the clock of a whole environment, else the real one) is a
 * replay: what drtop computes then is not what it said at T, so no status
 * history is kept from it and nobody is told. when_replay() says whether
 * the clock was set so. */
void when_set_replay(int64_t t);
int when_replay(void);
/* Was the clock set by --now (in the past or the future)? What drtop shows
 * then says so, so that it never passes for a verdict of the present. */
int when_now_given(void);
/* What a verdict shown under --as-of or --now says of its clock ("as
 * recorded by then", "clock set by --now"); NULL for the present. */
const char *when_clock_note(void);

/* --as-of T: fix the clock at T and take only the evidence drtop had recorded
 * by T (by the real time of its recording). when_known() says whether there is
 * such a bound (by default there is none: evidence counts by the time it
 * claims); when_known_by() is T, which may be 0 (1970-01-01) or before. */
void when_set_known(int64_t t);
int when_known(void);
int64_t when_known_by(void);

/* Parse S relative to NOW. Returns 0, or -1 with e set (ERR_DATA). */
int when_parse(const char *s, int64_t now, int64_t *out, struct error *e);

/* Parse S as an ISO-8601 time only: never "now", a relative time or a bare
 * number, so that data from elsewhere (a server's answer) cannot name a time
 * relative to our clock. Returns 0, or -1 with e set (ERR_DATA). */
int when_parse_iso(const char *s, int64_t *out, struct error *e);

/* Format T as ISO-8601 UTC ("2026-11-25T10:00:00Z") into BUF; returns BUF. */
char *when_format(int64_t t, char buf[WHEN_BUFSZ]);

/* Days since 1970-01-01 of a proleptic Gregorian date (no time zones involved). */
int64_t when_days_from_civil(int64_t y, unsigned m, unsigned d);

/* The proleptic Gregorian date of day DAYS since 1970-01-01. */
void when_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);

/* Number of days in month M (1-12) of year Y. */
unsigned when_days_in_month(int64_t y, unsigned m);

#endif

/*
 * cron.h - five-field cron expressions, their next runs and their largest gap.
 *
 * Syntax as in Vixie cron / cronie: minute hour day-of-month month
 * day-of-week, with lists, ranges, steps, month and weekday names, the
 * nicknames @hourly @daily @midnight @weekly @monthly @yearly @annually,
 * and an optional "CRON_TZ=Zone " prefix. When day-of-month and day-of-week
 * are both restricted, a day matching either one runs (as cron does).
 *
 * Times are evaluated in the schedule's zone (UTC when none is given), and
 * daylight-saving changes are handled the way cronie runs jobs:
 *  - a run whose wall time does not exist (the hour skipped in spring) fires
 *    at the moment the clocks jump, so a daily job is not lost for a day;
 *  - a wall time that happens twice (the hour repeated in autumn) fires once
 *    when the hour field is fixed, and at both occurrences when it is "*"
 *    (in time order: a job every five minutes runs through the first pass of
 *    the hour, then through the second).
 * cron_max_gap() uses these runs: it is what the plan-gap finding needs.
 */
#ifndef DRTOP_CRON_H
#define DRTOP_CRON_H

#include <stdint.h>

#include "error.h"

struct cron;

/* Parse EXPR; TZ (may be NULL) names an IANA zone. Returns NULL with e set (ERR_DATA). */
struct cron *cron_new(const char *expr, const char *tz, struct error *e);
void cron_free(struct cron *c);

/* The schedule's zone ("UTC" when none was given); borrowed. */
const char *cron_zone(const struct cron *c);

/* The first run strictly after AFTER. Returns 0, or -1 when none within ten years. */
int cron_next(const struct cron *c, int64_t after, int64_t *next);

/* The largest interval between consecutive runs from FROM to FROM + HORIZON
 * (extended until at least two runs are seen). Returns 0, or -1 (never runs). */
int cron_max_gap(const struct cron *c, int64_t from, int64_t horizon, int64_t *gap);

/* 0 when TZ names a zone this machine knows (a TZif file), else -1 with e set. */
int cron_zone_check(const char *tz, struct error *e);

#endif

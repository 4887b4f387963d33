/*
 * detail.h - what a system's page shows beside its verdict: its endpoints,
 * backup schedules, drills, dependencies and strategies as lines, the series
 * its charts draw (outage durations, data lag), and the stored values of an
 * endpoint or a schedule to edit.
 *
 * The dashboard reads a system's page only through these loaders (it holds
 * no SQL of its own); each line comes with the status word that colours it.
 * Nothing here judges: the verdict is board.c's, read from the views.
 */
#ifndef DRTOP_DETAIL_H
#define DRTOP_DETAIL_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "error.h"

enum detail_section {
	DETAIL_ENDPOINTS,    /* each endpoint, probed state in words */
	DETAIL_SCHEDULES,    /* each backup schedule with its last good check-in */
	DETAIL_RUNS,         /* each cron schedule's last due runs as a strip, with its compliance */
	DETAIL_DRILLS,       /* the last five drills */
	DETAIL_DEPENDENCIES, /* what it needs and what needs it */
	DETAIL_STRATEGIES,   /* the strategy catalogue against its objectives */
	DETAIL_HISTORY,      /* its last status changes, newest first, with their times */
	DETAIL_NOTIFICATIONS, /* its last five notifications, newest first, with their delivery */
	DETAIL_ENDPOINT_MENU, /* short lines with each endpoint's id, to pick one */
	DETAIL_SCHEDULE_MENU, /* the same for backup schedules */
};

struct detail_line {
	char *text;
	char *status; /* OK, WARN, BREACH, UNKNOWN, INFO, or NULL */
	int64_t id;   /* the endpoint or schedule of a menu line, else 0 */
};

struct detail_lines {
	struct detail_line *v;
	size_t n;
};

/* Read SECTION of system SYSTEM_ID into OUT (detail_lines_done frees it).
 * Returns 0, or -1 with e set. */
int detail_lines_load(struct db *db, enum detail_section section, int64_t system_id,
		      struct detail_lines *out, struct error *e);
void detail_lines_done(struct detail_lines *l);

enum detail_series {
	DETAIL_OUTAGES, /* durations (s) of the last ended outages, oldest first */
	DETAIL_LAG,     /* data lag (s) seen by the last freshness probes, oldest first */
};

/* Up to MAX values of SERIES for system SYSTEM_ID into V. Returns their
 * number, or -1 with e set. */
int detail_series_load(struct db *db, enum detail_series series, int64_t system_id, int64_t *v,
		       int max, struct error *e);

enum detail_record { DETAIL_ENDPOINT, DETAIL_SCHEDULE };

#define DETAIL_ENDPOINT_FIELDS 6 /* URL, kind, interval, timeout, expect, JSON path */
#define DETAIL_SCHEDULE_FIELDS 5 /* name, cron, time zone, every, takes */

/* The stored values of endpoint or schedule ID, as text in the order above, into
 * VALS (each NULL when unset; the caller frees them). Returns 1, 0 when there is
 * no such record, or -1 with e set. */
int detail_record_load(struct db *db, enum detail_record what, int64_t id, char **vals,
		       struct error *e);

#endif

/*
 * duration.h - durations as people write them: 90s, 15m, 4h, 2d, 1w, 1h30m.
 *
 * A duration is a sequence of NUMBER UNIT parts with units in decreasing
 * order (w, d, h, m, s; and ms where sub-second values make sense), or a
 * plain number of seconds. Formatting gives back the shortest exact text
 * whose leading number stays below 1000, so that format(parse(x)) is stable
 * and readable ("90s", "90m", "26h", "2w", "8d1h1m1s").
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

#endif

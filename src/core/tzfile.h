/*
 * tzfile.h - a zone of the tz database read from its file (TZif, RFC 8536).
 *
 * The zone's UTC offset at any instant, from the file's transitions and,
 * after the last of them, from the POSIX TZ string of its footer. Nothing
 * here touches the process environment or the C library's zone (no TZ
 * switching, no tzset), so any thread may ask while others read the local
 * time or the environment.
 */
#ifndef DRTOP_TZFILE_H
#define DRTOP_TZFILE_H

#include <stdint.h>

#include "error.h"

struct tzfile;

/* Read the zone file at PATH; NAME is the zone's name, for messages. Returns
 * NULL with e set: ERR_NOINPUT when the file cannot be read, ERR_DATA when it
 * is not a zone file drtop can use. */
struct tzfile *tzfile_load(const char *path, const char *name, struct error *e);
void tzfile_free(struct tzfile *z);

/* The offset from UTC, in seconds east, in force at instant T (Unix seconds). */
long tzfile_offset(const struct tzfile *z, int64_t t);

/* Parse a POSIX TZ string (as in a zone file's footer, e.g.
 * "CET-1CEST,M3.5.0,M10.5.0/3") into a zone with no transitions. */
struct tzfile *tzfile_from_rule(const char *rule, struct error *e);

#endif

/*
 * evidence.h - what people and jobs report: backup check-ins and drills.
 *
 * A check-in is a backup job saying it finished (or failed), the way a
 * dead-man's switch works: the verdicts later compare the check-ins with the
 * schedule. A drill is a recorded recovery exercise with its measured times.
 * As in inventory.h, callers hold the transaction.
 */
#ifndef DRTOP_EVIDENCE_H
#define DRTOP_EVIDENCE_H

#include <stdint.h>

#include "db.h"
#include "error.h"

/* Record a check-in for SYSTEM at AT. SCHEDULE may be NULL: the check-in then
 * belongs to the system's only schedule, if it has exactly one. */
int evidence_checkin_add(struct db *db, const char *system, const char *schedule, int64_t at,
			 int ok, const char *note, int64_t *id, struct error *e);

/* Record a drill. DATA_LOSS_S < 0 means not measured. */
int evidence_drill_add(struct db *db, const char *system, const char *kind, int64_t started,
		       int64_t recovered, int64_t data_loss_s, const char *notes, int64_t *id,
		       struct error *e);

#endif

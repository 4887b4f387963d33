/*
 * evidence.h - what people and jobs report: backup check-ins and drills.
 *
 * A check-in is a backup job saying it finished (or failed), the way a
 * dead-man's switch works: the verdicts later compare the check-ins with the
 * schedule. A check-in may be the end of a run that said when it started
 * (run_start), with its exit status, size, artifact and hash; the instants a
 * cron schedule was due are kept (backup_due) so that each can be matched
 * with the run that answered it (the backup-runs migration). A drill is a
 * recorded recovery exercise with its measured times. As in inventory.h,
 * callers hold the transaction.
 */
#ifndef DRTOP_EVIDENCE_H
#define DRTOP_EVIDENCE_H

#include <stdint.h>

#include "db.h"
#include "error.h"

/* What a check-in says. A plain check-in sets only ok (and maybe note); a run
 * also says what it wrote. Initialise with evidence_run_init(). */
struct evidence_run {
	const char *schedule; /* NULL: the system's only schedule, if it has one */
	int64_t at;           /* when it finished (a start: when it started) */
	int ok;
	const char *note;
	int64_t exit_status; /* -1: not given */
	int64_t size_bytes;  /* -1: not given */
	const char *artifact, *sha256;
};

void evidence_run_init(struct evidence_run *r, int64_t at);

/* Record a check-in for SYSTEM: a run finished at r->at. It finishes the
 * newest run of its schedule that was started (evidence_run_start) and not
 * finished yet, and takes that start. *STARTED (may be NULL) gets the start,
 * or -1 when there was none. */
int evidence_checkin_add(struct db *db, const char *system, const struct evidence_run *r,
			 int64_t *id, int64_t *started, struct error *e);

/* Record that a run of SYSTEM's schedule started at AT. */
int evidence_run_start(struct db *db, const char *system, const char *schedule, int64_t at,
		       int64_t *id, struct error *e);

/* Append the instants the cron schedules are due (backup_due), from the newest
 * one kept (or the later of the schedule's creation and the verdict window's
 * start) up to UNTIL. SCHEDULE_ID limits it to one schedule (0: all). */
int evidence_due_extend(struct db *db, int64_t schedule_id, int64_t until, struct error *e);

/* Record a drill. DATA_LOSS_S < 0 means not measured. */
int evidence_drill_add(struct db *db, const char *system, const char *kind, int64_t started,
		       int64_t recovered, int64_t data_loss_s, const char *notes, int64_t *id,
		       struct error *e);

#endif

/*
 * verdict.h - reading the verdict, keeping its history, and asking "what if".
 *
 * The rules themselves are SQL views (db/0003-verdicts.sql): v_findings and
 * v_system_status are the one verdict that the dashboard, the reports and an
 * auditor read. This module only does what SQL alone cannot: record each
 * change of status in status_history, and evaluate a changed plan inside a
 * transaction that is rolled back.
 */
#ifndef DRTOP_VERDICT_H
#define DRTOP_VERDICT_H

#include <stdint.h>

#include "db.h"
#include "error.h"
#include "strbuf.h"

/* Record, at the current time, the status of every system whose status differs
 * from its last recorded one. Holds its own transaction; *changed (may be NULL)
 * receives how many changed. History only moves forward: nothing is recorded
 * while --now sets the clock ahead of the real time, nor for a system whose
 * newest recorded change is later than the clock. The notifications of the
 * changes go to the outbox in the same transaction (notify_emit). */
int verdict_record_history(struct db *db, int *changed, struct error *e);
/* Prepare what verdict_record_history runs, ahead of time: preparing the
 * views takes about 0.1 s, in one call that nothing can interrupt (a
 * prober does it before it starts probing). */
int verdict_prepare_history(struct db *db, struct error *e);

/* The same without waiting for a lock: fails at once with ERR_BUSY. */
int verdict_try_record_history(struct db *db, int *changed, struct error *e);

/* The same for read commands (status, report): only when it can be done at once,
 * never waiting for a lock, never failing; a read-only file is left alone.
 * Returns how many changes were recorded. */
int verdict_note_history(struct db *db);

/* The verdict read once, whole, into temp.verdict_snapshot, a table of the
 * connection's own, for a command that shows the verdict and keeps its
 * history: both then read the same rows, and the views are evaluated once.
 * It holds v_verdict_rows: the rows of v_system_status and of v_findings,
 * which VERDICT_SNAPSHOT_SYSTEMS and VERDICT_SNAPSHOT_FINDINGS select. */
int verdict_snapshot(struct db *db, struct error *e);
#define VERDICT_SNAPSHOT_SYSTEMS "(SELECT * FROM temp.verdict_snapshot WHERE row_kind = 'system')"
#define VERDICT_SNAPSHOT_FINDINGS "(SELECT * FROM temp.verdict_snapshot WHERE row_kind = 'finding')"
/* verdict_note_history from the snapshot verdict_snapshot took. */
int verdict_note_snapshot_history(struct db *db);

/* A system's verdict, as v_system_status and v_findings give it. */
struct verdict {
	char *status, *worst_finding, *strategy, *recommended;
	long cost_tier, recommended_cost_tier; /* 0: none */
	int64_t rto_s, rpo_s;
	struct strbuf findings; /* "finding severity detail" lines */
};

void verdict_done(struct verdict *v);

/* Read system NAME's verdict into V. */
int verdict_read(struct db *db, const char *name, struct verdict *v, struct error *e);

/* A changed plan to try. Unset fields (NULL, 0) keep what the system has. */
struct whatif {
	const char *strategy;
	int64_t rto_s, rpo_s;
	int64_t schedule_every_s; /* replace the backup schedules by one fixed interval... */
	const char *schedule_cron; /* ...or one cron expression */
	const char *schedule_tz;
	int64_t schedule_duration_s;
};

/* Apply W to system NAME (inside the caller's transaction): the strategy and
 * targets, and a tried schedule replacing the system's schedules. */
int verdict_apply(struct db *db, const char *name, const struct whatif *w, struct error *e);

/* Read NAME's verdict before and after applying W, inside a transaction that is
 * rolled back: the database is left exactly as it was. */
int verdict_whatif(struct db *db, const char *name, const struct whatif *w,
		   struct verdict *before, struct verdict *after, struct error *e);

/* Every strategy of the catalogue tried on NAME, cheapest first: *n of them,
 * *names[i] (the caller frees each and the array) with the verdict *after[i]
 * (verdict_done each, then free the array), and NAME's verdict now in BEFORE.
 * One private copy of the database serves them all. */
int verdict_whatif_strategies(struct db *db, const char *name, struct verdict *before,
			      char ***names, struct verdict **after, size_t *n, struct error *e);

#endif

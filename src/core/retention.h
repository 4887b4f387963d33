/*
 * retention.h - what the prober keeps, and for how long (db/0007-retention.sql).
 *
 * Raw probe results are folded into hourly rollups per endpoint as soon as
 * their hour is over (or, with a retention shorter than that, once they are
 * older than the retention); only folded results are pruned after
 * retention_s (recorder_prune). Rollups, outages, check-ins, drills and status
 * history are pruned after history_s. Every step is small (a bounded number
 * of rows) and runs inside the caller's write transaction; each appends its
 * ledger entry: probe_rollup.batch for a rollup step, TABLE.prune for a prune.
 */
#ifndef DRTOP_RETENTION_H
#define DRTOP_RETENTION_H

#include <stdint.h>

#include "db.h"
#include "error.h"

/* Fold about LIMIT raw results whose hour is over at NOW_MS, or which are
 * older than the retention, into rollups, an hour of an endpoint at a time.
 * Returns how many results were folded (LIMIT: more are waiting), or -1. */
int retention_rollup(struct db *db, int64_t now_ms, int limit, struct error *e);

/* Remove rows older than history_s at NOW_MS, a step of about LIMIT rows per
 * table (rows sharing the step's last time go with it). Returns how many rows
 * went, or -1 with e set. */
int retention_prune_history(struct db *db, int64_t now_ms, int limit, struct error *e);

/* One step of everything (rollup, raw results, history) in one transaction of
 * its own, at the real time. Returns 1 when more is waiting, 0 when done, -1. */
int retention_step(struct db *db, int limit, struct error *e);

#endif

/*
 * ledger.h - the hash-chained ledger of every recorded fact (db/0006-ledger.sql).
 *
 * The schema's triggers append one entry per change of an evidence or
 * inventory row while drtop writes; this module appends the digest of a
 * transaction's probe results when it commits, appends an import's row
 * entries in batches (ledger_bulk_begin), seals the transaction's
 * entries (SHA3-256 from OpenSSL's libcrypto), and verifies the whole ledger
 * against the live tables with the query of db/ledger-verify.sql, the one
 * doc/auditing.md gives auditors for the plain sqlite3 shell.
 */
#ifndef DRTOP_LEDGER_H
#define DRTOP_LEDGER_H

#include <stdint.h>

#include <sqlite3.h>

#include "db.h"
#include "error.h"
#include "strbuf.h"

/* The schema version that introduced the ledger. */
#define LEDGER_SCHEMA_VERSION 6

/* The schema versions that introduced rollups (their batch entries), and
 * batches sealed later (ledger_pending). */
#define LEDGER_ROLLUP_VERSION 9
#define LEDGER_PENDING_VERSION 27

/* A rollup row as its probe_rollup.batch digest sees it (db/ledger-verify.sql). */
#define LEDGER_ROLLUP_ROW                                                            \
	"json_object('endpoint_id', endpoint_id, 'hour', hour, 'probes', probes,"     \
	" 'failures', failures, 'latency_p50_ms', latency_p50_ms, 'latency_p95_ms',"   \
	" latency_p95_ms, 'latency_max_ms', latency_max_ms, 'watched_ms', watched_ms," \
	" 'first_ms', first_ms, 'last_ms', last_ms, 'first_id', first_id, 'last_id',"  \
	" last_id)"

/* The length of a hash as lowercase hex, without the NUL. */
#define LEDGER_HASH_HEX 64

/* Register sha3(X[, 256]) on a connection: SHA3-256 as a BLOB, as in the
 * sqlite3 shell, for the probe digests and the verification query. */
void ledger_register(sqlite3 *h);

/* Note where this write transaction's ledger entries and probe results will
 * begin (db_begin), on a database of schema VERSION. */
int ledger_mark(struct db *db, int version, struct error *e);

/* At commit (db_commit, inside the transaction): give the probe results and
 * rollups written since ledger_mark() their batch entries, and seal the
 * entries added since. On a schema with ledger_pending, the ranges of ids
 * written wait there and are sealed together: at this commit, unless
 * db->seal_defer is SEAL_LATER and the oldest has waited less than the
 * setting seal_every_s; else at the start of the next SEAL_NOW transaction. */
int ledger_seal(struct db *db, struct error *e);

/* The first id of probe_result (ROLLUPS: probe_rollup) that is in no batch
 * entry yet, INT64_MAX when nothing is kept unsealed; -1 with e set. Rows from
 * there on must not be removed before they are sealed. In a write transaction. */
int64_t ledger_unsealed_from(struct db *db, int rollups, struct error *e);

/* How long the watcher's batches may wait (setting seal_every_s, 60 when unset). */
int64_t ledger_seal_every_s(struct db *db);

/* The write transactions that follow remove no probe result or rollup: unless
 * the caller chose otherwise (db->seal_defer), what waits is sealed at their
 * commit once due, not at their start. Returns the mode to put back after. */
int ledger_seal_when_due(struct db *db);

/* Seal the batches left waiting, in a transaction of their own, if any. */
int ledger_seal_waiting(struct db *db, struct error *e);

/* How many probe results and rollups wait for their batch entry, and since
 * when the oldest has waited (Unix seconds, 0: none). */
int ledger_waiting(struct db *db, int64_t *rows, int64_t *since, struct error *e);

/* After a commit: in a process that has run for the anchor-log interval since it
 * opened the database (or last logged), send the head the commit sealed to the
 * system log, as an anchor kept outside the file ("drtop[PID]: ledger head of
 * PATH: SEQ:HASH"). One-shot commands never run that long. */
void ledger_committed(struct db *db);

/* Write the rest of this transaction (an import) in bulk: the entries of
 * rows of the plan are appended as a few import.batch entries instead of one
 * entry each. Only on a database of the newest schema; elsewhere, and until
 * it is called, every entry is appended as it comes. Returns 0, or -1 with e
 * set. */
int ledger_bulk_begin(struct db *db, struct error *e);

/* Append the entries staged in bulk once there are enough of them for a few
 * batches (call it between writes; ledger_seal appends the rest). */
int ledger_bulk_flush(struct db *db, struct error *e);

/* Forget the staged entries (the transaction is rolled back). */
void ledger_bulk_discard(struct db *db);

/* Free what bulk writing kept for the connection (db_close). */
void ledger_bulk_free(struct db *db);

/* The newest entry: its sequence number and its hash (HASH holds
 * LEDGER_HASH_HEX + 1 bytes). Returns 0, or -1 with e set. */
int ledger_head(struct db *db, int64_t *seq, char *hash, struct error *e);

/* Recompute the chain and compare the live tables with it; when ANCHOR
 * ("SEQ:HASH") is given, check that entry too. Each problem is a line in OUT,
 * the first broken entry's sequence number goes to *FIRST (0: none, or only
 * rows the ledger never saw). Returns the number of problems, or -1 with e set
 * (ERR_USAGE for a malformed anchor). */
int ledger_verify(struct db *db, const char *anchor, struct strbuf *out, int64_t *first,
		  struct error *e);

#endif

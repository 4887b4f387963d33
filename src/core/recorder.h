/*
 * recorder.h - writing what the probes found: results, outages, data lag.
 *
 * The recorder turns a stream of probe results into rows: every result in
 * probe_result, each endpoint's running state in endpoint_state, and
 * outages opened after N consecutive failures of a health endpoint (their
 * start is the first failure) and closed at the first success. Time when no
 * prober ran is a gap, never counted as up or down: when the next result
 * comes long after the previous one, an open outage goes on with the gap
 * marked inside it (outage_gap), and ends at that result if it succeeds.
 *
 * Results are written in batches, one transaction per batch.
 */
#ifndef DRTOP_RECORDER_H
#define DRTOP_RECORDER_H

#include <stdint.h>

#include "db.h"
#include "error.h"
#include "probe.h"

/* What the recorder needs to know of an endpoint. */
struct recorder_endpoint {
	int64_t id, system_id;
	int64_t interval_ms, timeout_ms;
	int health; /* health endpoints make outages; freshness ones data lag */
	const char *url; /* what was probed: an id reused since by another endpoint
			  * (removed, then another added) no longer has it */
};

struct recorder;

struct recorder *recorder_new(struct db *db, struct error *e);
void recorder_free(struct recorder *rec);

/* Consecutive failures that open an outage (the outage_threshold setting). */
int recorder_threshold(const struct recorder *rec);

/* Longest silence between two probes of EP that still counts as watched. */
int64_t recorder_gap_ms(const struct recorder_endpoint *ep);

int recorder_begin(struct recorder *rec, struct error *e);
/* Record R for EP inside the batch: 0 when recorded, 1 when the endpoint is
 * gone (removed while it was probed, its id perhaps taken by a new endpoint
 * with another URL or kind), -1 with e set when this result could not
 * be recorded; it is then undone and the rest of the batch stands. A result
 * older than one already applied for EP (a second prober) is kept in
 * probe_result but moves no state; one far older (the clock stepped back)
 * is treated like a gap in probing. */
int recorder_add(struct recorder *rec, const struct recorder_endpoint *ep,
		 const struct probe_result *r, struct error *e);
/* ON: the results recorded next are evidence only, kept in probe_result but
 * moving no endpoint state and no outage: those of a prober whose lease
 * another took over while it was held up, older than what the new holder
 * has applied (they would read as a clock stepped back). */
void recorder_evidence_only(struct recorder *rec, int on);
int recorder_commit(struct recorder *rec, struct error *e);
void recorder_rollback(struct recorder *rec);

/* The prober's heartbeat. Claim fails (ERR_BUSY) while another live prober
 * holds it; beat updates the last cycle (every RECORDER_BEAT_S, taking the row
 * again if it vanished); release removes it. A holder is dead when it has not
 * beaten for three beats, or when it is on this host and its PID is gone. */
#define RECORDER_BEAT_S 5
enum recorder_prober_kind { RECORDER_WATCH, RECORDER_DASHBOARD };
/* A watcher takes the lease over from a live dashboard; nothing else takes it
 * from a live holder. */
int recorder_heartbeat_claim(struct db *db, enum recorder_prober_kind kind, struct error *e);
/* Is a live prober other than this process holding the heartbeat? 1 (with its
 * PID, host and start filled where not NULL), 0 when not, -1 when it cannot be
 * read. The dashboard asks this too, so both agree on who probes. */
int recorder_heartbeat_other(struct db *db, long *pid, struct strbuf *host, int64_t *since);
/* 0 when beaten, 1 when another prober has taken the lease over (stop probing),
 * -1 with e set on failure. */
int recorder_heartbeat_beat(struct db *db, struct error *e);
void recorder_heartbeat_release(struct db *db);

/* Remove probe results older than the retention_s setting at NOW_MS, at
 * most LIMIT of them, oldest first, keeping each endpoint's newest result and
 * the results of ongoing outages, and every result not yet folded into a
 * rollup (retention_rollup). Returns how many went, or -1. */
int recorder_prune(struct db *db, int64_t now_ms, int limit, struct error *e);

#endif

/*
 * recorder.h - writing what the probes found: results, outages, data lag.
 *
 * The recorder turns a stream of probe results into rows: every result in
 * probe_result, each endpoint's running state in endpoint_state, and
 * outages opened after N consecutive failures of a health endpoint (their
 * start is the first failure) and closed at the first success. Time when no
 * prober ran is a gap, never counted as down: when the next result comes
 * long after the previous one, an open outage ends at its last failed probe
 * and keeps the gap in its resolution.
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
};

struct recorder;

struct recorder *recorder_new(struct db *db, struct error *e);
void recorder_free(struct recorder *rec);

/* Consecutive failures that open an outage (the outage_threshold setting). */
int recorder_threshold(const struct recorder *rec);

/* Longest silence between two probes of EP that still counts as watched. */
int64_t recorder_gap_ms(const struct recorder_endpoint *ep);

int recorder_begin(struct recorder *rec, struct error *e);
/* Record R for EP inside the batch. */
int recorder_add(struct recorder *rec, const struct recorder_endpoint *ep,
		 const struct probe_result *r, struct error *e);
int recorder_commit(struct recorder *rec, struct error *e);
void recorder_rollback(struct recorder *rec);

/* The prober's heartbeat. Claim fails (ERR_BUSY) while another live prober
 * holds it; beat updates the last cycle; release removes it. */
int recorder_heartbeat_claim(struct db *db, struct error *e);
int recorder_heartbeat_beat(struct db *db, struct error *e);
void recorder_heartbeat_release(struct db *db);

#endif

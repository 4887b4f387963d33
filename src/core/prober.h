/*
 * prober.h - probing the inventory: which endpoint is due, and what to do
 * with what the engine finds.
 *
 * The prober loads the enabled endpoints of enabled systems, feeds them to
 * the probe engine and hands the results to the recorder in batches (one
 * transaction a second, or sooner when many are waiting). In watch mode it
 * schedules each endpoint: first runs spread over the interval, every run
 * jittered so endpoints never fire in lockstep, and a failing endpoint
 * retried with capped exponential backoff plus jitter, the cap at most a
 * tenth of its system's RTO and at most its interval.
 *
 * One thread: prober_step() waits in curl_multi_poll, optionally on one
 * more descriptor (a signal self-pipe, or the dashboard's terminal). While
 * the prober holds the heartbeat (the lease), each step also delivers the
 * notification outbox (notify-send.h) on the same multi handle.
 *
 * What others do to the database does not stop it: results of one batch are
 * applied in time order; a locked (or full) database keeps them in memory,
 * bounded, and the batch is retried with backoff; results of endpoints
 * removed meanwhile are dropped; a database file replaced under it is never
 * written again (the caller reopens). Timers run on the monotonic clock, so
 * a step of the wall clock neither stalls nor hurries probing. Each batch
 * also removes results past the retention setting, a bounded number at a time.
 */
#ifndef DRTOP_PROBER_H
#define DRTOP_PROBER_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "error.h"
#include "probe.h"

/* The settings few endpoints have, kept apart: most endpoints have none. */
struct prober_extra {
	char *expect, *body_match, *json_path;
	char **headers;
	size_t nheaders;
	int64_t max_latency_ms;
};

/* One endpoint to probe: 80 bytes and its URL, which is most of what the
 * prober's memory grows by per endpoint (tests/bench/README.md). */
struct prober_endpoint {
	int64_t id, system_id;
	char *system; /* shared by a system's endpoints */
	char *url;
	struct prober_extra *extra; /* NULL: none of them */
	int64_t interval_ms, timeout_ms, rto_s;
	/* scheduling */
	int64_t due_ms;
	int failures;
	unsigned char health, tls_verify, in_flight;
};

/* Called for every result as it arrives (before it is committed). */
typedef void (*prober_result_fn)(const struct prober_endpoint *ep, const struct probe_result *r,
				 void *arg);

struct prober_options {
	int concurrency, per_host;
	char **systems; /* only these systems (NULL-terminated), or NULL for all */
	/* Keep no status history: the caller keeps it from the verdict it reads
	 * anyway (the dashboard), rather than the prober reading every system's
	 * verdict again every few seconds, with probing held up meanwhile. */
	int no_history;
	/* Probe every endpoint this often, the first time at once, instead of at its
	 * own interval spread over it (a drill); 0: the endpoints' intervals. */
	int64_t every_ms;
};

struct prober;

/* Load the endpoints to probe. NULL with e set on failure (e.g. an unknown system). */
struct prober *prober_new(struct db *db, const struct prober_options *opt, prober_result_fn fn,
			  void *arg, struct error *e);
void prober_free(struct prober *p);

/* The endpoints loaded, and how many. */
const struct prober_endpoint *prober_endpoints(const struct prober *p, size_t *n);

/* Probe every endpoint once and record the results. When STOP_FD (or -1)
 * becomes readable (a signal's self-pipe), *STOPPED is set, the probes still
 * in flight are abandoned, those not started are skipped, and what finished
 * is recorded. */
int prober_once(struct prober *p, int stop_fd, int *stopped, struct error *e);

/* Watch mode: start what is due, wait up to WAIT_MS (less when something is
 * due sooner) or until EXTRA_FD is readable, record finished batches. */
int prober_step(struct prober *p, int wait_ms, int extra_fd, int *extra_ready, struct error *e);

/* Stop: let in-flight probes finish for up to GRACE_MS, abandon the rest, and
 * commit everything recorded. */
int prober_stop(struct prober *p, int grace_ms, struct error *e);

/* Load the inventory again (endpoints added, changed or removed elsewhere):
 * in-flight probes get up to GRACE_MS, results waiting to be recorded stay. */
int prober_reload(struct prober *p, int grace_ms, struct error *e);

/* How often prober_follow_inventory() looks at the inventory. */
#define PROBER_INVENTORY_EVERY_MS 5000
/* Follow the inventory while watching: when endpoints or systems were added,
 * changed, enabled or removed by anyone (another command, another process)
 * since they were loaded, load them again (prober_reload). Looks every
 * PROBER_INVENTORY_EVERY_MS, and at once when results of removed endpoints
 * came back. 1 when it reloaded, 0 when nothing changed, -1 on error. Both
 * loops that watch (probe --watch, the dashboard) call it at every turn. */
int prober_follow_inventory(struct prober *p, int grace_ms, struct error *e);

/* Make every endpoint due now (the dashboard's "probe now"). */
void prober_probe_now(struct prober *p);

/* Beat the prober heartbeat (claimed with recorder_heartbeat_claim) with every
 * batch; on after a claim again ends a lost lease. */
void prober_set_heartbeat(struct prober *p, int on);
/* Has another prober (a watcher, from a dashboard) taken the heartbeat over?
 * The caller should then stop this prober. */
int prober_lost_lease(const struct prober *p);

/* How long to wait before probing again an endpoint with INTERVAL_MS whose system
 * has RTO_S, after a success (OK) or after its FAILURES-th consecutive failure
 * (0 for the first); RND is a random number for the jitter. */
int64_t prober_delay_ms(int64_t interval_ms, int64_t rto_s, int failures, int ok, long rnd);

/* Probes finished so far, and how many of them failed. */
void prober_counts(const struct prober *p, size_t *done, size_t *failed);

/* Probes that could not be made for want of drtop's own resources (a file
 * descriptor, a thread): nothing was recorded of them. */
size_t prober_unprobed(const struct prober *p);

/* Probes in flight at most (fewer than asked when the limit on open files is lower). */
size_t prober_concurrency(const struct prober *p);

/* Results waiting to be recorded. */
size_t prober_pending(const struct prober *p);
/* Since when (ms) the results waiting could not be recorded (the database
 * locked by another writer, a full disk), or 0 when they are being recorded. */
int64_t prober_unrecorded_since(const struct prober *p);

/* The monotonic clock the prober schedules by, in milliseconds. */
int64_t prober_clock_ms(void);

/* Results not recorded: of endpoints removed meanwhile, ones the database
 * refused, ones dropped when too many waited for a locked database. */
size_t prober_dropped(const struct prober *p);

/* Problems the prober carried on through since the last call (a locked
 * database, results dropped), one per line, or NULL; the caller frees. */
char *prober_take_warning(struct prober *p);

/* Did a step stop because the database file was replaced or removed? The
 * results then waiting are lost: the caller reopens (db_reopen) and starts a
 * new prober, or gives up. */
int prober_db_replaced(const struct prober *p);

#endif

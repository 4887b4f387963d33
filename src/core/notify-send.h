/*
 * notify-send.h - delivering the notification outbox, from the prober's loop.
 *
 * The notifier belongs to the prober that holds the lease (probe --watch, or
 * the dashboard while it probes): webhook POSTs run on the probe engine's
 * own curl multi handle, commands run as children watched without waiting,
 * so a slow or hanging receiver never holds up probing. Each step records
 * the attempts that finished and starts the ones due, a few at a time, each
 * claimed first (state in-flight, one more attempt) in its own small
 * transaction; a locked database only postpones them.
 *
 * An attempt that fails is retried with capped exponential backoff and
 * jitter (prober_delay_ms, the probes' own), up to the channel's attempts;
 * then the row is failed, its last error kept. A mail server's permanent
 * refusal (5xx) fails it at once. Every attempt carries the
 * row's idempotency key (the Idempotency-Key header and "key" in the body;
 * DRTOP_NOTIFY_KEY for a command). Rows a killed prober left in flight are
 * pending again when the next lease holder starts: delivery is at least
 * once, and a receiver drops duplicates by key.
 */
#ifndef DRTOP_NOTIFY_SEND_H
#define DRTOP_NOTIFY_SEND_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "error.h"
#include "probe.h"

#define NOTIFY_IN_FLIGHT_MAX 8 /* attempts running at once */

struct notifier;

/* A notifier delivering DB's outbox through engine PE (borrowed; free the
 * notifier first). Only a lease holder may make one. */
struct notifier *notifier_new(struct db *db, struct probe_engine *pe);

/* Record the attempts that ended and start those due. Never waits; call it
 * between batches, never while the connection is reading. A locked database
 * is no error: it is tried again at the next step. */
int notifier_step(struct notifier *n, struct error *e);

/* Attempts running. */
size_t notifier_running(const struct notifier *n);

/* Stop: record what ended, abandon what runs (its rows pending again when
 * the database can be written, else the next lease holder's), and free.
 * WRITE 0: the database file was replaced, write nothing to it. */
void notifier_free(struct notifier *n, int write);

/* Send a test event to channel NAME now and wait for the answer (at most its
 * timeout): 0 when it was delivered, else -1 with e saying why (ERR_IO). The
 * outbox is not touched. */
int notify_send_test(struct db *db, const char *name, struct error *e);

/* A POST of BODY to URL with the channel headers HEADERS (a JSON array, may
 * name ${VARIABLES}) and KEY, on engine PE's multi handle, as a webhook's
 * attempt (for alertmanager's refreshes, notify-am.c): it runs while
 * notify_send_post_ended says 0; free it at any time (a running one is
 * abandoned). */
struct notify_post;
struct notify_post *notify_send_post(struct db *db, struct probe_engine *pe, const char *url,
				     const char *headers, int64_t timeout_ms, const char *key,
				     const char *body);
int notify_send_post_ended(const struct notify_post *p);
/* Once it ended: NULL when it was delivered (2xx), else why not (borrowed). */
const char *notify_send_post_error(const struct notify_post *p);
void notify_send_post_free(struct notify_post *p);

#endif

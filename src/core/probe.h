/*
 * probe.h - the probe engine: many HTTP(S) and file probes at once, one thread.
 *
 * The engine runs on libcurl's multi interface. It takes probe specs, keeps
 * at most `concurrency` transfers in flight and at most `per_host` to any one
 * host, reuses easy handles and connections, and hands each result to a
 * callback. It knows nothing of the database or the terminal: the caller
 * (the prober, or the dashboard with its terminal as an extra descriptor of
 * curl_multi_poll) decides what a result means and when to probe again.
 *
 * Every probe has a connect and a total timeout, follows at most 5
 * redirects (http and https only, never from https to http), reads at most
 * 64 KiB of body (a larger body fails the probe and is never buffered) and
 * verifies TLS unless the spec opts out. Header values, and a URL's user,
 * password, path and query, may name environment variables (${TOKEN}); they
 * are expanded when the transfer starts (percent-encoded in a URL), the value
 * is never kept, and such a probe never sends them to another origin.
 */
#ifndef DRTOP_PROBE_H
#define DRTOP_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define PROBE_BODY_MAX (64 * 1024)
#define PROBE_MAX_REDIRECTS 5
#define PROBE_FUTURE_SKEW_S 300 /* the future-skew setting's default */
#define PROBE_EXPECT_DEFAULT "200-399" /* the status codes expected when none are given */

enum probe_kind { PROBE_HEALTH, PROBE_FRESHNESS };

struct probe_spec {
	int64_t id; /* the caller's key (an endpoint id) */
	const char *url;
	enum probe_kind kind;
	int64_t timeout_ms;
	const char *expect;     /* status codes; NULL: PROBE_EXPECT_DEFAULT */
	const char *body_match; /* NULL: none */
	const char *json_path;  /* freshness: field with a time or a lag */
	char **headers;         /* "Name: value", may name ${VARIABLES} */
	size_t nheaders;
	int64_t max_latency_ms; /* 0: none */
	int tls_verify;
};

struct probe_result {
	int64_t id;
	int64_t started_ms; /* wall clock, Unix milliseconds */
	int64_t latency_ms;
	int ok;
	long status;       /* HTTP status, 0 when none */
	const char *error; /* why it failed, NULL when ok; borrowed for the callback */
	int has_data_time; /* freshness: the newest recovery point was found */
	int64_t data_time; /* Unix seconds */
	/* drtop itself could not make the probe (no file descriptor or thread left):
	 * no evidence either way, so nothing is recorded; ERROR says why */
	int unprobed;
};

typedef void (*probe_done_fn)(const struct probe_result *r, void *arg);

struct probe_options {
	int concurrency; /* transfers in flight (default 64) */
	int per_host;    /* transfers in flight to one host (default 6) */
	/* How far past the probe's start a recovery point may lie (clock skew);
	 * negative: PROBE_FUTURE_SKEW_S. A later one fails the probe. */
	int64_t future_skew_s;
};

struct probe_engine;

/* A new engine; DONE receives every finished probe. NULL with e set on failure. */
struct probe_engine *probe_engine_new(const struct probe_options *opt, probe_done_fn done,
				      void *arg, struct error *e);
void probe_engine_free(struct probe_engine *pe);

/* Queue a probe (copied). A malformed spec is reported as a failed result, not here. */
void probe_engine_add(struct probe_engine *pe, const struct probe_spec *spec);

/* The probes it keeps in flight at most: the concurrency asked for, or fewer
 * when the process's limit on open files cannot hold that many. */
int probe_engine_concurrency(const struct probe_engine *pe);

/* Start what the limits allow, wait up to WAIT_MS for progress (or for EXTRA_FD,
 * when >= 0, to become readable: *extra_ready is then set), and deliver finished
 * results. Returns 0, or -1 with e set when libcurl fails. */
int probe_engine_step(struct probe_engine *pe, int wait_ms, int extra_fd, int *extra_ready,
		      struct error *e);

/* A transfer of the caller's own (a notification) on the engine's multi
 * handle, so that one curl_multi_poll serves probes and it alike. EASY is a
 * CURL * the caller set up and still owns; DONE receives it with its CURLcode
 * when it ends, from within probe_engine_step (and so possibly while the
 * caller's database connection is busy reading: DONE must not use it). The
 * engine's limits do not count it, and abandoning probes leaves it alone. */
typedef void (*probe_transfer_fn)(void *easy, int code, void *arg);
void probe_engine_transfer(struct probe_engine *pe, void *easy, probe_transfer_fn done, void *arg);
/* Take EASY off the engine before it ended; DONE is not called. */
void probe_engine_transfer_cancel(struct probe_engine *pe, void *easy);

/* Probes queued or in flight. */
size_t probe_engine_pending(const struct probe_engine *pe);

/* Drop every queued and in-flight probe without delivering results. */
void probe_engine_abandon(struct probe_engine *pe);

/* Wall clock in Unix milliseconds. */
int64_t probe_now_ms(void);

/* Does STATUS match EXPECT ("200,204,300-399")? */
int probe_status_expected(const char *expect, long status);

/* Expand ${NAME} in HEADER from the environment into OUT (caller frees). Returns -1
 * with e set naming the variable when one is unset or its value holds a control
 * character (CR, LF: a way to add headers); the value never appears in e. */
int probe_expand_header(const char *header, char **out, struct error *e);
/* The same for a URL: each value is percent-encoded (a '/' in it too). */
int probe_expand_url(const char *url, char **out, struct error *e);
/* The same for another value (a user name, a password), named LABEL in errors. */
int probe_expand_value(const char *label, const char *value, char **out, struct error *e);

#endif

/*
 * probe.c - see probe.h.
 *
 * Each probe is a job: its spec (copied), an easy handle (reused only after
 * a transfer that completed), and a body buffer that never grows past
 * PROBE_BODY_MAX. Jobs wait in a FIFO queue until a slot is free under both
 * the global and the per-host limit; the per-host count is kept by the
 * engine rather than libcurl, so a probe's timeout and latency only start
 * when it really starts.
 *
 * A JSON freshness field is read with SQLite's JSON functions on a private
 * in-memory connection: no hand-written JSON parser, and no database. A
 * recovery point is believed only when it is a plausible time no later than
 * the probe's start plus the allowed clock skew; text from a server is read
 * as an absolute ISO-8601 time, never as "now" or "-2h".
 *
 * Secrets: a probe whose headers (or URL) name ${VARIABLES} does not let libcurl
 * follow redirects (libcurl strips only Authorization and Cookie when a
 * redirect leaves the origin). The engine follows them itself, on the same
 * easy handle, and only within the origin (or from http to https on the same
 * host); any other redirect fails the probe. No probe follows https to http.
 *
 * A file: URL is looked at (stat) on a thread of its own, never by libcurl
 * (see "files" below).
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>

#include <curl/curl.h>
#include <sqlite3.h>

#include "probe.h"
#include "strbuf.h"
#include "url.h"
#include "util.h"
#include "when.h"

struct job {
	struct probe_spec spec; /* strings owned by the job */
	char *host;             /* "scheme://host:port", the per-host key; NULL for file:// */
	CURL *easy;
	struct curl_slist *headers;
	struct strbuf body;
	int too_big;
	int completed;       /* the transfer ran to its end: the handle may be reused */
	int secret;          /* a header or the URL names ${VAR}: redirects are followed here */
	int redirects;       /* followed here so far */
	int64_t prior_us;    /* time taken by the redirects followed here */
	char *redirect_fail; /* why a redirect was not followed; NULL when none */
	int headers_done;    /* the blank line ending the last response's headers came */
	int headers_started; /* a response's status line came */
	int socket_errno;    /* why a socket for it could not be opened; 0 */
	char *last_modified; /* the last response's Last-Modified, NULL when none */
	int has_location;    /* the last response has a Location header */
	int64_t started_ms;
	struct look *look; /* a file: URL being looked at; NULL otherwise */
	char errbuf[CURL_ERROR_SIZE];
	struct job *next;
};

struct hostcount {
	char *host;
	int n;
};

struct transfer {
	CURL *easy;
	probe_transfer_fn done;
	void *arg;
};

struct probe_engine {
	CURLM *multi;
	struct transfer *transfers; /* the caller's own (probe_engine_transfer) */
	size_t ntransfers, captransfers;
	struct probe_options opt;
	probe_done_fn done;
	void *arg;
	struct job *head, *tail; /* queued */
	size_t queued;
	struct job **running;
	int nrunning;
	CURL **idle; /* easy handles to reuse */
	int nidle;
	struct hostcount *hosts;
	size_t nhosts, caphosts;
	struct lookers *lookers; /* the threads looking at files */
	sqlite3 *json;
};

int64_t probe_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int probe_status_expected(const char *expect, long status)
{
	const char *p = expect && *expect ? expect : PROBE_EXPECT_DEFAULT;

	while (*p) {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;

		if (end == p)
			return 0;
		p = end;
		if (*p == '-') {
			hi = strtol(p + 1, &end, 10);
			p = end;
		}
		if (status >= lo && status <= hi)
			return 1;
		if (*p == ',')
			p++;
		else if (*p)
			return 0;
	}
	return 0;
}

/* Expand ${NAME} in S (a header, or a URL when URL is set: values are then
 * percent-encoded; LABEL, when set, names S in errors) from the environment
 * into OUT (caller frees). */
static int expand(const char *s, int url, const char *label, char **out, struct error *e)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = s, *v;
	char *who = label ? xstrdup(label)
			  : url ? xstrdup("URL") : xasprintf("header %.*s", (int)strcspn(s, ":"), s);

	while (*p) {
		const char *close;

		if (p[0] == '$' && p[1] == '{' && (close = strchr(p + 2, '}'))) {
			char *name = xstrndup(p + 2, (size_t)(close - p - 2));
			const char *value = getenv(name);

			if (!value || (!url && str_has_control(value))) {
				if (!value)
					error_set(e, ERR_DATA,
						  "%s names ${%s}, which is not set in the environment",
						  who, name);
				else
					error_set(e, ERR_DATA,
						  "%s: ${%s} holds a line break (CR or LF) or "
						  "another control character, so it is not sent (a "
						  "file with CRLF line endings?)",
						  who, name);
				free(name);
				free(who);
				strbuf_done(&sb);
				return -1;
			}
			for (v = value; *v; v++)
				if (!url || isalnum((unsigned char)*v) || strchr("-._~", *v))
					strbuf_putc(&sb, *v);
				else
					strbuf_printf(&sb, "%%%02X", (unsigned char)*v);
			free(name);
			p = close + 1;
		} else {
			strbuf_putc(&sb, *p++);
		}
	}
	free(who);
	*out = strbuf_detach(&sb);
	return 0;
}

int probe_expand_header(const char *header, char **out, struct error *e)
{
	return expand(header, 0, NULL, out, e);
}

int probe_expand_url(const char *url, char **out, struct error *e)
{
	return expand(url, 1, NULL, out, e);
}

int probe_expand_value(const char *label, const char *value, char **out, struct error *e)
{
	return expand(value, 0, label, out, e);
}

/* Free S, a string that held expanded secrets, wiping it first. */
static void wipe(char *s)
{
	memset(s, 0, strlen(s));
	free(s);
}

/* --- jobs ----------------------------------------------------------------- */

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

static void job_free(struct job *j)
{
	size_t i;

	free((char *)j->spec.url);
	free((char *)j->spec.expect);
	free((char *)j->spec.body_match);
	free((char *)j->spec.json_path);
	for (i = 0; i < j->spec.nheaders; i++)
		free(j->spec.headers[i]);
	free(j->spec.headers);
	free(j->host);
	free(j->redirect_fail);
	free(j->last_modified);
	curl_slist_free_all(j->headers);
	strbuf_done(&j->body);
	free(j);
}

/* The per-host key of URL, or NULL for file:// URLs (no host to spare). */
static char *host_key(const char *url)
{
	CURLU *u = curl_url();
	char *scheme = NULL, *host = NULL, *port = NULL, *key = NULL;
	char *sample = url_sample(url); /* the host is never a variable */

	if (!u)
		fatal("out of memory");
	if (curl_url_set(u, CURLUPART_URL, sample, 0) == CURLUE_OK &&
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) == CURLUE_OK &&
	    strcmp(scheme, "file") &&
	    curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK) {
		curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
		key = xasprintf("%s://%s:%s", scheme, host, port ? port : "");
	}
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_url_cleanup(u);
	free(sample);
	return key;
}

static struct hostcount *host_slot(struct probe_engine *pe, const char *host)
{
	size_t i;

	for (i = 0; i < pe->nhosts; i++)
		if (!strcmp(pe->hosts[i].host, host))
			return &pe->hosts[i];
	pe->hosts = xgrow(pe->hosts, &pe->caphosts, pe->nhosts + 1, sizeof(*pe->hosts));
	pe->hosts[pe->nhosts].host = xstrdup(host);
	pe->hosts[pe->nhosts].n = 0;
	return &pe->hosts[pe->nhosts++];
}

void probe_engine_add(struct probe_engine *pe, const struct probe_spec *spec)
{
	struct job *j = xcalloc(1, sizeof(*j));
	size_t i;

	j->spec = *spec;
	j->spec.url = xstrdup(spec->url);
	j->spec.expect = dup_or_null(spec->expect);
	j->spec.body_match = dup_or_null(spec->body_match);
	j->spec.json_path = dup_or_null(spec->json_path);
	j->spec.headers = xcalloc(spec->nheaders + 1, sizeof(char *));
	for (i = 0; i < spec->nheaders; i++)
		j->spec.headers[i] = xstrdup(spec->headers[i]);
	j->host = host_key(spec->url);
	j->secret = strstr(spec->url, "${") != NULL;
	for (i = 0; i < spec->nheaders; i++)
		if (strstr(spec->headers[i], "${"))
			j->secret = 1;
	if (pe->tail)
		pe->tail->next = j;
	else
		pe->head = j;
	pe->tail = j;
	pe->queued++;
}

size_t probe_engine_pending(const struct probe_engine *pe)
{
	return pe->queued + (size_t)pe->nrunning;
}

/* --- results ------------------------------------------------------------- */

static void deliver(struct probe_engine *pe, struct job *j, struct probe_result *r)
{
	r->id = j->spec.id;
	r->started_ms = j->started_ms;
	pe->done(r, pe->arg);
}

static void fail(struct probe_engine *pe, struct job *j, long status, int64_t latency,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void fail(struct probe_engine *pe, struct job *j, long status, int64_t latency,
		 const char *fmt, ...)
{
	struct probe_result r = {0};
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	r.status = status;
	r.latency_ms = latency;
	r.error = msg;
	deliver(pe, j, &r);
	free(msg);
}

/* J could not be made for want of drtop's own resources (a file descriptor, a
 * thread): not the endpoint's doing, so no failure of it, and nothing recorded. */
static void unprobed(struct probe_engine *pe, struct job *j, const char *why)
{
	struct probe_result r = {0};

	r.unprobed = 1;
	r.error = why;
	deliver(pe, j, &r);
}

#define NO_FD "not probed: drtop has no file descriptor left (raise its limit, ulimit -n, or lower --concurrency)"

/* Did the transfer fail for want of a file descriptor in this process or system? */
static int out_of_fds(struct job *j)
{
	long oe = 0;

	curl_easy_getinfo(j->easy, CURLINFO_OS_ERRNO, &oe);
	return oe == EMFILE || oe == ENFILE || j->socket_errno == EMFILE || j->socket_errno == ENFILE;
}

/* libcurl opens a probe's sockets through this, so that a socket refused for
 * want of a descriptor here is known as drtop's own trouble, not the
 * endpoint's (libcurl says only that it could not connect). */
static curl_socket_t open_socket(void *p, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct job *j = p;
	curl_socket_t s = socket(a->family, a->socktype, a->protocol);

	(void)purpose;
	if (s == CURL_SOCKET_BAD)
		j->socket_errno = errno;
	return s;
}

/* Is POINT a recovery point to believe, for a probe started at J's start?
 * Returns 0 or -1 with *why set (owned). */
static int plausible(struct probe_engine *pe, struct job *j, int64_t point, char **why)
{
	char buf[WHEN_BUFSZ];

	if (point < 0) {
		*why = xasprintf("not a plausible time: %s is before 1970", when_format(point, buf));
		return -1;
	}
	if (point > j->started_ms / 1000 + pe->opt.future_skew_s) {
		*why = xasprintf("recovery point in the future (%s): later than this machine's "
				 "clock plus future-skew",
				 when_format(point, buf));
		return -1;
	}
	return 0;
}

/* Find the recovery point in a JSON body. Returns 0 or -1 with *why set (owned). */
static int json_point(struct probe_engine *pe, struct job *j, int64_t *point, char **why)
{
	sqlite3_stmt *st;
	const char *type;
	int rc;

	if (sqlite3_prepare_v2(pe->json, "SELECT json_type(?1, ?2), json_extract(?1, ?2)", -1, &st,
			       NULL) != SQLITE_OK)
		fatal("json: %s", sqlite3_errmsg(pe->json));
	sqlite3_bind_text(st, 1, strbuf_str(&j->body), (int)j->body.len, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, j->spec.json_path, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		*why = xstrdup("the response is not JSON");
		sqlite3_finalize(st);
		return -1;
	}
	type = (const char *)sqlite3_column_text(st, 0);
	if (!type || !strcmp(type, "null")) {
		*why = xasprintf("the response has no %s", j->spec.json_path);
		rc = -1;
	} else if (!strcmp(type, "integer") || !strcmp(type, "real")) {
		double v = sqlite3_column_double(st, 1);
		double secs = v < 1e12 ? v : v / 1000;

		/* A small number is a lag in seconds; a large one a Unix time (s or ms).
		 * The range is checked before any conversion to an integer. */
		if (!isfinite(v) || v < 0 || secs > (double)WHEN_MAX) {
			*why = xasprintf("%s is %g: not a plausible time", j->spec.json_path, v);
			rc = -1;
		} else {
			if (v < 1e9)
				*point = j->started_ms / 1000 - (int64_t)v;
			else
				*point = (int64_t)secs;
			rc = plausible(pe, j, *point, why);
		}
	} else if (!strcmp(type, "text")) {
		struct error e = {0};

		rc = when_parse_iso((const char *)sqlite3_column_text(st, 1), point, &e);
		if (rc < 0)
			*why = xasprintf("%s is not a time: %s", j->spec.json_path, e.msg);
		else
			rc = plausible(pe, j, *point, why);
		error_done(&e);
	} else {
		*why = xasprintf("%s is a JSON %s, not a time or a lag", j->spec.json_path, type);
		rc = -1;
	}
	sqlite3_finalize(st);
	return rc;
}

/* The recovery point of a response's Last-Modified header (or of a file's
 * modification time). Returns 0 or -1 with *why set (owned). */
static int modified_point(struct probe_engine *pe, struct job *j, curl_off_t filetime,
			  int64_t *point, char **why)
{
	if (!strncasecmp(j->spec.url, "file:", 5)) {
		if (filetime < 0) {
			*why = xstrdup("the file's modification time is before 1970");
			return -1;
		}
		*point = (int64_t)filetime;
		return plausible(pe, j, *point, why);
	}
	if (!j->last_modified) {
		*why = xstrdup("the response has no Last-Modified header");
		return -1;
	}
	/* libcurl's own date parser, the one behind CURLINFO_FILETIME, which gives
	 * -1 both for a missing and a malformed header. */
	*point = (int64_t)curl_getdate(j->last_modified, NULL);
	if (*point == -1) {
		*why = xasprintf("malformed Last-Modified header '%.40s'", j->last_modified);
		return -1;
	}
	if (*point < 0) {
		*why = xasprintf("Last-Modified '%.40s' is before 1970", j->last_modified);
		return -1;
	}
	return plausible(pe, j, *point, why);
}

static char *redirect_refused(const char *from, const char *to, int any_origin);

/* libcurl, following redirects itself (no secrets), refused a target's scheme:
 * say why as follow() would ("redirected from https to http ..."), not
 * "Protocol not supported". NULL when it was not a redirect. Only http and
 * https were allowed after an http start, only https after an https one. */
static char *refused_by_curl(struct job *j)
{
	char *to = NULL;
	long n = 0;

	curl_easy_getinfo(j->easy, CURLINFO_REDIRECT_COUNT, &n);
	curl_easy_getinfo(j->easy, CURLINFO_EFFECTIVE_URL, &to);
	return n > 0 && to ? redirect_refused(j->spec.url, to, 1) : NULL;
}

static void judge(struct probe_engine *pe, struct job *j, long status, int64_t latency,
		  curl_off_t filetime);

static void finish(struct probe_engine *pe, struct job *j, CURLcode code)
{
	struct probe_result r = {0};
	curl_off_t total = 0, filetime = -1;
	long status = 0;
	char *why = NULL;

	curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(j->easy, CURLINFO_TOTAL_TIME_T, &total);
	curl_easy_getinfo(j->easy, CURLINFO_FILETIME_T, &filetime);
	r.latency_ms = (int64_t)((total + j->prior_us) / 1000);
	r.status = status;
	if (j->too_big) {
		fail(pe, j, status, r.latency_ms, "the response body exceeds %d KiB",
		     PROBE_BODY_MAX / 1024);
		return;
	}
	if (code == CURLE_UNSUPPORTED_PROTOCOL && (why = refused_by_curl(j))) {
		fail(pe, j, status, r.latency_ms, "%s", why);
		free(why);
		return;
	}
	if (code != CURLE_OK && out_of_fds(j)) {
		unprobed(pe, j, NO_FD);
		return;
	}
	if (code == CURLE_OUT_OF_MEMORY && j->headers_started && !j->headers_done) {
		/* libcurl's word for a header line over its limit (100 KiB), which is
		 * the endpoint's doing, not a want of memory here */
		fail(pe, j, status, r.latency_ms,
		     "the response has a header line too long to read (over 100 KiB)");
		return;
	}
	if (code != CURLE_OK) {
		fail(pe, j, status, r.latency_ms, "%s",
		     j->errbuf[0] ? j->errbuf : curl_easy_strerror(code));
		return;
	}
	if (j->redirect_fail) {
		fail(pe, j, status, r.latency_ms, "%s", j->redirect_fail);
		return;
	}
	/* libcurl takes a connection closed inside the header block for the end of
	 * a response; it is not an answer to trust. */
	if (!j->headers_done) {
		fail(pe, j, status, r.latency_ms,
		     "incomplete response headers: the connection closed before their end");
		return;
	}
	if (!probe_status_expected(j->spec.expect, status)) {
		fail(pe, j, status, r.latency_ms, "HTTP status %ld, expected %s", status,
		     j->spec.expect ? j->spec.expect : PROBE_EXPECT_DEFAULT);
		return;
	}
	judge(pe, j, status, r.latency_ms, filetime);
}

/* What a probe that was answered says, beyond its status: the text it must
 * hold, its latency, and a freshness probe's recovery point. */
static void judge(struct probe_engine *pe, struct job *j, long status, int64_t latency,
		  curl_off_t filetime)
{
	struct probe_result r = {0};
	char *why = NULL;

	r.latency_ms = latency;
	r.status = status;
	if (j->spec.body_match && !strstr(strbuf_str(&j->body), j->spec.body_match)) {
		fail(pe, j, status, r.latency_ms, "the response does not contain the expected text");
		return;
	}
	if (j->spec.max_latency_ms > 0 && r.latency_ms > j->spec.max_latency_ms) {
		fail(pe, j, status, r.latency_ms, "answered in %lldms, more than the %lldms allowed",
		     (long long)r.latency_ms, (long long)j->spec.max_latency_ms);
		return;
	}
	if (j->spec.kind == PROBE_FRESHNESS) {
		if ((j->spec.json_path ? json_point(pe, j, &r.data_time, &why)
				       : modified_point(pe, j, filetime, &r.data_time, &why)) < 0) {
			fail(pe, j, status, r.latency_ms, "%s", why);
			free(why);
			return;
		}
		r.has_data_time = 1;
	}
	r.ok = 1;
	deliver(pe, j, &r);
}

/* --- transfers ------------------------------------------------------------ */

static size_t on_body(char *data, size_t size, size_t n, void *p)
{
	struct job *j = p;
	size_t len = size * n;

	if (j->body.len + len > PROBE_BODY_MAX) {
		j->too_big = 1;
		return 0; /* abort: never buffer beyond the cap */
	}
	strbuf_add(&j->body, data, len);
	return len;
}

/* Headers of each response (a redirect's too): note whether the blank line
 * ending the block arrived, and keep the Last-Modified of the last response. */
static size_t on_header(char *data, size_t size, size_t n, void *p)
{
	struct job *j = p;
	size_t len = size * n;

	if (len >= 5 && !strncmp(data, "HTTP/", 5)) {
		j->headers_started = 1;
		j->headers_done = 0;
		j->has_location = 0;
		free(j->last_modified);
		j->last_modified = NULL;
	} else if ((len == 2 && data[0] == '\r' && data[1] == '\n') || (len == 1 && data[0] == '\n')) {
		j->headers_done = 1;
	} else if (len >= 9 && !strncasecmp(data, "Location:", 9)) {
		j->has_location = 1;
	} else if (len > 14 && !strncasecmp(data, "Last-Modified:", 14) && !j->last_modified) {
		const char *v = data + 14, *end = data + len;

		while (v < end && (*v == ' ' || *v == '\t'))
			v++;
		while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' '))
			end--;
		j->last_modified = xstrndup(v, (size_t)(end - v));
	}
	return len;
}

/* The origin of URL: scheme, host and port (caller frees each with curl_free). */
static int origin(const char *url, char **scheme, char **host, char **port)
{
	CURLU *u = curl_url();
	int rc;

	if (!u)
		fatal("out of memory");
	*scheme = *host = *port = NULL;
	rc = curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
			     curl_url_get(u, CURLUPART_SCHEME, scheme, 0) == CURLUE_OK &&
			     curl_url_get(u, CURLUPART_HOST, host, 0) == CURLUE_OK &&
			     curl_url_get(u, CURLUPART_PORT, port, CURLU_DEFAULT_PORT) == CURLUE_OK
		     ? 0
		     : -1;
	curl_url_cleanup(u);
	return rc;
}

/* Why a probe with secret headers may not follow a redirect from FROM to TO,
 * or NULL when it may: same scheme, host and port, or http to https on the
 * same host's standard ports. ANY_ORIGIN: a probe without secrets, which may go
 * to another origin. The reason is owned by the caller. */
static char *redirect_refused(const char *from, const char *to, int any_origin)
{
	char *fs = NULL, *fh = NULL, *fp = NULL, *ts = NULL, *th = NULL, *tp = NULL, *why = NULL;

	if (origin(from, &fs, &fh, &fp) < 0 || origin(to, &ts, &th, &tp) < 0)
		why = xstrdup("redirected to a malformed URL");
	else if (strcasecmp(ts, "http") && strcasecmp(ts, "https"))
		why = xasprintf("redirected to a %s URL: only http and https are followed", ts);
	else if (!strcasecmp(fs, "https") && !strcasecmp(ts, "http"))
		why = xasprintf("redirected from https to http (%s:%s): refused, the request "
				"would travel in clear text",
				th, tp);
	else if (!any_origin && (strcasecmp(fh, th) ||
		 (strcasecmp(fs, ts) ? strcmp(fp, "80") || strcmp(tp, "443") : strcmp(fp, tp))))
		why = xasprintf("redirected to another origin (%s://%s:%s): the endpoint's secrets "
				"(${VARIABLES}) are not sent there; probe that URL directly if it "
				"is the one to watch",
				ts, th, tp);
	curl_free(fs);
	curl_free(fh);
	curl_free(fp);
	curl_free(ts);
	curl_free(th);
	curl_free(tp);
	return why;
}

/* After a completed transfer of a probe with secret headers: when the answer
 * is a redirect that may be followed, send the same easy handle on to it and
 * return 1 (the probe is still running). Otherwise return 0, with
 * j->redirect_fail set when a redirect was refused. */
static int follow(struct probe_engine *pe, struct job *j)
{
	char *target = NULL, *from = NULL;
	long status = 0;
	curl_off_t t = 0;
	int64_t left;

	curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
	if (status < 300 || status > 399 || !j->has_location)
		return 0;
	if (curl_easy_getinfo(j->easy, CURLINFO_REDIRECT_URL, &target) != CURLE_OK || !target) {
		j->redirect_fail = xstrdup("redirected to a malformed URL");
		return 0;
	}
	if (j->redirects >= PROBE_MAX_REDIRECTS) {
		j->redirect_fail = xasprintf("Maximum (%d) redirects followed", PROBE_MAX_REDIRECTS);
		return 0;
	}
	curl_easy_getinfo(j->easy, CURLINFO_EFFECTIVE_URL, &from);
	if (!from || (j->redirect_fail = redirect_refused(from, target, 0)))
		return 0;
	left = j->spec.timeout_ms - (probe_now_ms() - j->started_ms);
	if (left <= 0) {
		j->redirect_fail = xasprintf("timed out after %lld milliseconds, following redirects",
					     (long long)j->spec.timeout_ms);
		return 0;
	}
	target = xstrdup(target); /* it lives in the handle, which the next setopt changes */
	curl_multi_remove_handle(pe->multi, j->easy);
	curl_easy_getinfo(j->easy, CURLINFO_TOTAL_TIME_T, &t);
	j->prior_us += t;
	curl_easy_setopt(j->easy, CURLOPT_URL, target);
	curl_easy_setopt(j->easy, CURLOPT_TIMEOUT_MS, (long)left);
	free(target);
	strbuf_reset(&j->body);
	j->headers_done = 0;
	j->redirects++;
	j->completed = 0;
	if (curl_multi_add_handle(pe->multi, j->easy) != CURLM_OK)
		fatal("curl_multi_add_handle failed");
	return 1;
}

/* --- files ---------------------------------------------------------------- */

/*
 * A file: URL is looked at (stat), never opened or read: it may be a backup of
 * many gigabytes, and opening a FIFO with no writer would wait for one. The
 * look runs on a thread of its own: on a network mount that stopped answering,
 * stat() does not return, and on the engine's thread it would hold every other
 * probe (and, in the dashboard, the screen). The engine waits for the answer up
 * to the probe's timeout, as for any probe, then fails it; a thread that comes
 * back after that finds its look abandoned and frees it. At most LOOKS_MAX
 * threads wait at once: beyond them a file probe fails at once rather than
 * start one more thread that would hang too.
 */
#define LOOKS_MAX 16

struct lookers {
	pthread_mutex_t lock;
	CURLM *multi;      /* woken when a look is answered; NULL once the engine is gone */
	int waiting;       /* looks whose thread has not come back */
	struct look *done; /* answered, not yet taken by the engine */
};

struct look {
	struct lookers *ls;
	struct job *job; /* NULL once the engine gave up on it: the thread frees it */
	char *path;      /* may hold a secret (a ${VARIABLE} of the URL) */
	int err;         /* stat's errno, or 0 */
	mode_t mode;
	int64_t mtime, took_ms;
	struct look *next;
};

static int64_t mono_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void look_free(struct look *l)
{
	wipe(l->path);
	free(l);
}

static void *look_thread(void *arg)
{
	struct look *l = arg;
	struct lookers *ls = l->ls;
	int64_t t0 = mono_now_ms();
	struct stat sb;
	int last;

	if (stat(l->path, &sb) == 0) {
		l->mode = sb.st_mode;
		l->mtime = (int64_t)sb.st_mtime;
	} else {
		l->err = errno;
	}
	l->took_ms = mono_now_ms() - t0;
	pthread_mutex_lock(&ls->lock);
	ls->waiting--;
	if (l->job && ls->multi) {
		l->next = ls->done;
		ls->done = l;
		curl_multi_wakeup(ls->multi);
		pthread_mutex_unlock(&ls->lock);
		return NULL;
	}
	last = !ls->multi && !ls->waiting;
	pthread_mutex_unlock(&ls->lock);
	look_free(l);
	if (last) {
		pthread_mutex_destroy(&ls->lock);
		free(ls);
	}
	return NULL;
}

/* Start looking at the file URL names (J's, with its variables expanded).
 * Returns 0, or -1 with J failed. */
static int look_start(struct probe_engine *pe, struct job *j, const char *url)
{
	struct lookers *ls = pe->lookers;
	CURLU *u = curl_url();
	char *path = NULL;
	pthread_attr_t attr;
	pthread_t th;
	struct look *l;
	int busy, rc;

	if (!u)
		fatal("out of memory");
	if (curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, CURLU_URLDECODE) != CURLUE_OK || !*path) {
		if (path)
			memset(path, 0, strlen(path));
		curl_free(path);
		curl_url_cleanup(u);
		fail(pe, j, 0, 0, "malformed file URL: no path to look at");
		return -1;
	}
	curl_url_cleanup(u);
	pthread_mutex_lock(&ls->lock);
	busy = ls->waiting >= LOOKS_MAX;
	if (!busy)
		ls->waiting++;
	pthread_mutex_unlock(&ls->lock);
	if (busy) {
		memset(path, 0, strlen(path));
		curl_free(path);
		fail(pe, j, 0, 0,
		     "%d looks at files are still waiting for their file system (a mount that "
		     "stopped answering?): not starting another",
		     LOOKS_MAX);
		return -1;
	}
	l = xcalloc(1, sizeof(*l));
	l->ls = ls;
	l->job = j;
	l->path = xstrdup(path);
	memset(path, 0, strlen(path));
	curl_free(path);
	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	rc = pthread_create(&th, &attr, look_thread, l);
	pthread_attr_destroy(&attr);
	if (rc) {
		pthread_mutex_lock(&ls->lock);
		ls->waiting--;
		pthread_mutex_unlock(&ls->lock);
		look_free(l);
		unprobed(pe, j, "not probed: drtop cannot start a thread to look at the file");
		return -1;
	}
	j->look = l;
	return 0;
}

/* The engine no longer waits for L: its thread frees it, or, if it was
 * answered already, the engine does when it takes it. */
static void look_abandon(struct look *l)
{
	pthread_mutex_lock(&l->ls->lock);
	l->job = NULL;
	pthread_mutex_unlock(&l->ls->lock);
}

static void look_judge(struct probe_engine *pe, struct job *j, const struct look *l)
{
	if (l->err) {
		/* the URL as given, not the path: its variables may be secrets */
		fail(pe, j, 0, l->took_ms, "cannot look at %s: %s", j->spec.url, strerror(l->err));
		return;
	}
	if (!S_ISREG(l->mode) && !S_ISDIR(l->mode)) {
		fail(pe, j, 0, l->took_ms,
		     "the file is %s, not a regular file or a directory: never opened",
		     S_ISFIFO(l->mode) ? "a FIFO" : S_ISSOCK(l->mode) ? "a socket" : "a device");
		return;
	}
	judge(pe, j, 0, l->took_ms, (curl_off_t)l->mtime);
}

static void release(struct probe_engine *pe, struct job *j);

/* Deliver the looks answered; returns how many. */
static int looks_take(struct probe_engine *pe)
{
	struct look *l, *next;
	int n = 0;

	pthread_mutex_lock(&pe->lookers->lock);
	l = pe->lookers->done;
	pe->lookers->done = NULL;
	pthread_mutex_unlock(&pe->lookers->lock);
	for (; l; l = next) {
		struct job *j = l->job;

		next = l->next;
		if (j) { /* not given up meanwhile */
			j->look = NULL;
			look_judge(pe, j, l);
			release(pe, j);
			n++;
		}
		look_free(l);
	}
	return n;
}

/* Fail the looks that outlived their probe's timeout; and the time until the
 * next one would, capped at WAIT_MS. */
static int looks_expire(struct probe_engine *pe, int wait_ms)
{
	int64_t now = probe_now_ms();
	int i = 0;

	while (i < pe->nrunning) {
		struct job *j = pe->running[i];
		int64_t left = j->started_ms + j->spec.timeout_ms - now;

		if (!j->look) {
			i++;
			continue;
		}
		if (left <= 0) {
			fail(pe, j, 0, now - j->started_ms,
			     "the file system did not answer within %lldms (a mount that stopped "
			     "answering?)",
			     (long long)j->spec.timeout_ms);
			release(pe, j); /* takes J out of running: the next one is at I now */
			continue;
		}
		if (left < wait_ms)
			wait_ms = (int)left;
		i++;
	}
	return wait_ms;
}

static void running_add(struct probe_engine *pe, struct job *j)
{
	pe->running = xrealloc(pe->running, (size_t)(pe->nrunning + 1) * sizeof(*pe->running));
	pe->running[pe->nrunning++] = j;
	if (j->host)
		host_slot(pe, j->host)->n++;
}

static int start(struct probe_engine *pe, struct job *j)
{
	int https = !strncasecmp(j->spec.url, "https:", 6);
	struct error err = {0};
	CURL *e;
	size_t i;

	j->started_ms = probe_now_ms();
	if (!strncasecmp(j->spec.url, "file:", 5)) {
		char *url = NULL;
		int rc;

		if (j->secret && expand(j->spec.url, 1, NULL, &url, &err) < 0) {
			fail(pe, j, 0, 0, "%s", err.msg);
			error_done(&err);
			return -1;
		}
		rc = look_start(pe, j, url ? url : j->spec.url);
		if (url)
			wipe(url);
		if (rc < 0)
			return -1;
		running_add(pe, j);
		return 0;
	}
	e = pe->nidle ? pe->idle[--pe->nidle] : curl_easy_init();
	if (!e)
		fatal("out of memory");
	curl_easy_reset(e);
	j->easy = e;
	for (i = 0; i < j->spec.nheaders; i++) {
		char *h;
		struct curl_slist *l;

		if (probe_expand_header(j->spec.headers[i], &h, &err) < 0) {
			fail(pe, j, 0, 0, "%s", err.msg);
			error_done(&err);
			return -1;
		}
		l = curl_slist_append(j->headers, h);
		/* The expanded value lives only in libcurl's list, freed with the job. */
		wipe(h);
		if (!l)
			fatal("out of memory");
		j->headers = l;
	}
	if (j->secret && strstr(j->spec.url, "${")) {
		char *url;

		if (expand(j->spec.url, 1, NULL, &url, &err) < 0) {
			fail(pe, j, 0, 0, "%s", err.msg);
			error_done(&err);
			return -1;
		}
		curl_easy_setopt(e, CURLOPT_URL, url); /* copied by libcurl */
		wipe(url);
	} else {
		curl_easy_setopt(e, CURLOPT_URL, j->spec.url);
	}
	curl_easy_setopt(e, CURLOPT_PRIVATE, j);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETFUNCTION, open_socket);
	curl_easy_setopt(e, CURLOPT_OPENSOCKETDATA, j);
	curl_easy_setopt(e, CURLOPT_ERRORBUFFER, j->errbuf);
	curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(e, CURLOPT_USERAGENT, "drtop/" PACKAGE_VERSION);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, https ? "https" : "http,https");
#else
	curl_easy_setopt(e, CURLOPT_PROTOCOLS, CURLPROTO_HTTP | CURLPROTO_HTTPS);
	curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS,
			 https ? CURLPROTO_HTTPS : CURLPROTO_HTTP | CURLPROTO_HTTPS);
#endif
	/* Secret headers: redirects are followed by follow(), within the origin. */
	curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, j->secret ? 0L : 1L);
	curl_easy_setopt(e, CURLOPT_MAXREDIRS, (long)PROBE_MAX_REDIRECTS);
	curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, (long)j->spec.timeout_ms);
	curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS,
			 (long)(j->spec.timeout_ms < 5000 ? j->spec.timeout_ms : 5000));
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, j->spec.tls_verify ? 1L : 0L);
	curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, j->spec.tls_verify ? 2L : 0L);
	curl_easy_setopt(e, CURLOPT_FILETIME, 1L);
	/* No CURLOPT_BUFFERSIZE: libcurl's default receive buffer is the one every
	 * code path of it is tested with. A smaller one, set on a handle that had
	 * failed a redirect, was written past by the next transfer on that handle. */
	curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(e, CURLOPT_WRITEDATA, j);
	curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
	curl_easy_setopt(e, CURLOPT_HEADERDATA, j);
	if (j->headers)
		curl_easy_setopt(e, CURLOPT_HTTPHEADER, j->headers);
	if (curl_multi_add_handle(pe->multi, e) != CURLM_OK)
		fatal("curl_multi_add_handle failed");
	running_add(pe, j);
	return 0;
}

/* Keep E for the next probe, or throw it away. Only a handle whose transfer
 * completed is reused: curl_easy_reset() restores the options, but a transfer
 * that failed half way (a refused redirect, an aborted body, a timeout) can
 * leave state behind in the handle that the next transfer trips over, and that
 * is exactly what a hostile endpoint can arrange. A new handle costs little;
 * connections live in the multi handle's pool and are still reused. */
static void recycle(struct probe_engine *pe, CURL *e, int reuse)
{
	if (!reuse) {
		curl_easy_cleanup(e);
		return;
	}
	pe->idle = xrealloc(pe->idle, (size_t)(pe->nidle + 1) * sizeof(*pe->idle));
	pe->idle[pe->nidle++] = e;
}

static void release(struct probe_engine *pe, struct job *j)
{
	int i;

	if (j->easy) {
		curl_multi_remove_handle(pe->multi, j->easy);
		recycle(pe, j->easy, j->completed);
	}
	if (j->look)
		look_abandon(j->look);
	for (i = 0; i < pe->nrunning; i++)
		if (pe->running[i] == j) {
			pe->running[i] = pe->running[--pe->nrunning];
			break;
		}
	if (j->host)
		host_slot(pe, j->host)->n--;
	job_free(j);
}

/* Start queued jobs while slots are free, skipping (a bounded number of) jobs
 * whose host is at its limit so that one busy host does not block the rest. */
static void dispatch(struct probe_engine *pe)
{
	struct job *prev = NULL, *j = pe->head;
	int scanned = 0;

	while (j && pe->nrunning < pe->opt.concurrency && scanned < 1024) {
		struct job *next = j->next;

		if (j->host && host_slot(pe, j->host)->n >= pe->opt.per_host) {
			prev = j;
			j = next;
			scanned++;
			continue;
		}
		if (prev)
			prev->next = next;
		else
			pe->head = next;
		if (pe->tail == j)
			pe->tail = prev;
		j->next = NULL;
		pe->queued--;
		if (start(pe, j) < 0) {
			if (j->easy)
				recycle(pe, j->easy, 1); /* never used for a transfer */
			job_free(j);
		}
		j = next;
	}
}

void probe_engine_transfer(struct probe_engine *pe, void *easy, probe_transfer_fn done, void *arg)
{
	pe->transfers = xgrow(pe->transfers, &pe->captransfers, pe->ntransfers + 1,
			      sizeof(*pe->transfers));
	pe->transfers[pe->ntransfers++] = (struct transfer){easy, done, arg};
	if (curl_multi_add_handle(pe->multi, easy) != CURLM_OK)
		fatal("curl_multi_add_handle failed");
}

/* Take EASY off the multi handle and out of the list; its entry, or 0 if not there. */
static int transfer_take(struct probe_engine *pe, CURL *easy, struct transfer *t)
{
	size_t i;

	for (i = 0; i < pe->ntransfers; i++)
		if (pe->transfers[i].easy == easy) {
			*t = pe->transfers[i];
			pe->transfers[i] = pe->transfers[--pe->ntransfers];
			curl_multi_remove_handle(pe->multi, easy);
			return 1;
		}
	return 0;
}

void probe_engine_transfer_cancel(struct probe_engine *pe, void *easy)
{
	struct transfer t;

	transfer_take(pe, easy, &t);
}

/* Deliver every finished transfer; returns how many. */
static int drain(struct probe_engine *pe)
{
	CURLMsg *msg;
	int left, n = 0;

	while ((msg = curl_multi_info_read(pe->multi, &left))) {
		struct transfer t;
		struct job *j;
		CURLcode code;

		if (msg->msg != CURLMSG_DONE)
			continue;
		code = msg->data.result; /* msg does not outlive the removal of its handle */
		if (transfer_take(pe, msg->easy_handle, &t)) {
			t.done(t.easy, (int)code, t.arg);
			continue;
		}
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&j);
		j->completed = msg->data.result == CURLE_OK && !j->too_big;
		if (j->completed && j->secret && follow(pe, j))
			continue;
		finish(pe, j, msg->data.result);
		release(pe, j);
		n++;
	}
	return n;
}

int probe_engine_step(struct probe_engine *pe, int wait_ms, int extra_fd, int *extra_ready,
		      struct error *e)
{
	struct curl_waitfd wfd = {0};
	CURLMcode mc;
	int still, n;

	if (extra_ready)
		*extra_ready = 0;
	dispatch(pe);
	mc = curl_multi_perform(pe->multi, &still);
	n = mc == CURLM_OK ? drain(pe) : 0;
	n += looks_take(pe);
	wait_ms = looks_expire(pe, wait_ms);
	if (n) {
		/* Fill the freed slots at once rather than after a wait. */
		dispatch(pe);
		mc = curl_multi_perform(pe->multi, &still);
	}
	if (mc == CURLM_OK) {
		/* Never sleep while results are flowing, but always look at EXTRA_FD. */
		wfd.fd = extra_fd;
		wfd.events = CURL_WAIT_POLLIN;
		mc = curl_multi_poll(pe->multi, extra_fd >= 0 ? &wfd : NULL, extra_fd >= 0 ? 1 : 0,
				     n ? 0 : wait_ms, NULL);
	}
	if (mc == CURLM_OK)
		mc = curl_multi_perform(pe->multi, &still);
	if (mc != CURLM_OK)
		return error_set(e, ERR_INTERNAL, "libcurl: %s", curl_multi_strerror(mc));
	if (extra_ready && extra_fd >= 0 && (wfd.revents & CURL_WAIT_POLLIN))
		*extra_ready = 1;
	drain(pe);
	looks_take(pe);
	looks_expire(pe, 0);
	dispatch(pe);
	return 0;
}

void probe_engine_abandon(struct probe_engine *pe)
{
	while (pe->nrunning)
		release(pe, pe->running[pe->nrunning - 1]);
	while (pe->head) {
		struct job *j = pe->head;

		pe->head = j->next;
		job_free(j);
	}
	pe->tail = NULL;
	pe->queued = 0;
}

/*
 * Each probe in flight holds a socket, and libcurl's resolver a pair more while
 * it looks a name up. A probe that cannot have one fails with the server
 * never asked, so the soft limit on open files is raised to the hard one, and
 * what is in flight is kept within it (with room for the database's files,
 * the terminal and the like): the most WANT may be.
 */
#define FD_RESERVE 64
#define FD_PER_PROBE 3

/* Descriptors open in this process now (some inherited); 0 when not known. */
static rlim_t fds_open(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	rlim_t n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	return n;
}

static int fd_budget(int want)
{
	struct rlimit rl;
	rlim_t room, used;

	if (getrlimit(RLIMIT_NOFILE, &rl) < 0)
		return want;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < rl.rlim_max) {
		rlim_t old = rl.rlim_cur;

		rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > 65536 ? 65536 : rl.rlim_max;
		if (rl.rlim_cur < old || setrlimit(RLIMIT_NOFILE, &rl) < 0)
			rl.rlim_cur = old;
	}
	if (rl.rlim_cur == RLIM_INFINITY)
		return want;
	used = fds_open() + FD_RESERVE;
	room = rl.rlim_cur > used + FD_PER_PROBE ? (rl.rlim_cur - used) / FD_PER_PROBE : 1;
	return (rlim_t)want > room ? (int)room : want;
}

int probe_engine_concurrency(const struct probe_engine *pe)
{
	return pe->opt.concurrency;
}

struct probe_engine *probe_engine_new(const struct probe_options *opt, probe_done_fn done,
				      void *arg, struct error *e)
{
	struct probe_engine *pe;
	static int global_init;

	if (!global_init) {
		if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
			error_set(e, ERR_INTERNAL, "libcurl failed to initialise");
			return NULL;
		}
		global_init = 1;
	}
	pe = xcalloc(1, sizeof(*pe));
	pe->opt.concurrency = fd_budget(opt && opt->concurrency > 0 ? opt->concurrency : 64);
	pe->opt.per_host = opt && opt->per_host > 0 ? opt->per_host : 6;
	pe->opt.future_skew_s =
		opt && opt->future_skew_s >= 0 ? opt->future_skew_s : PROBE_FUTURE_SKEW_S;
	pe->done = done;
	pe->arg = arg;
	pe->multi = curl_multi_init();
	if (!pe->multi || sqlite3_open(":memory:", &pe->json) != SQLITE_OK)
		fatal("out of memory");
	pe->lookers = xcalloc(1, sizeof(*pe->lookers));
	pthread_mutex_init(&pe->lookers->lock, NULL);
	pe->lookers->multi = pe->multi;
	curl_multi_setopt(pe->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, (long)pe->opt.concurrency);
	curl_multi_setopt(pe->multi, CURLMOPT_MAXCONNECTS, (long)pe->opt.concurrency);
	return pe;
}

/* The engine is going: threads still looking free their looks, and the last
 * of them the lookers; none wakes the engine any more. */
static void lookers_close(struct lookers *ls)
{
	struct look *l, *next;
	int last;

	pthread_mutex_lock(&ls->lock);
	ls->multi = NULL;
	l = ls->done;
	ls->done = NULL;
	last = !ls->waiting;
	pthread_mutex_unlock(&ls->lock);
	for (; l; l = next) {
		next = l->next;
		look_free(l);
	}
	if (last) {
		pthread_mutex_destroy(&ls->lock);
		free(ls);
	}
}

void probe_engine_free(struct probe_engine *pe)
{
	size_t i;

	if (!pe)
		return;
	probe_engine_abandon(pe);
	while (pe->ntransfers)
		probe_engine_transfer_cancel(pe, pe->transfers[0].easy);
	free(pe->transfers);
	while (pe->nidle)
		curl_easy_cleanup(pe->idle[--pe->nidle]);
	lookers_close(pe->lookers);
	curl_multi_cleanup(pe->multi);
	sqlite3_close(pe->json);
	for (i = 0; i < pe->nhosts; i++)
		free(pe->hosts[i].host);
	free(pe->hosts);
	free(pe->idle);
	free(pe->running);
	free(pe);
}

/*
 * prober.c - see prober.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "inventory.h"
#include "ledger.h"
#include "notify-send.h"
#include "prober.h"
#include "recorder.h"
#include "retention.h"
#include "verdict.h"
#include "util.h"

#define FLUSH_EVERY_MS 1000
#define FLUSH_AT 2000 /* results waiting */
#define HISTORY_EVERY_MS 10000
#define PRUNE_EVERY_MS 60000
#define PRUNE_BATCH 2000     /* old results removed in one batch */
#define ROLLUP_BATCH 2000    /* results folded into rollups in one batch (about 0.2 s) */
#define PENDING_MAX 100000   /* results kept while the database cannot be written */
#define RETRY_FIRST_MS 1000  /* then doubling, up to: */
#define RETRY_MAX_MS 30000

struct pending {
	struct recorder_endpoint re; /* a copy: the inventory may be reloaded meanwhile */
	size_t seq; /* arrival order, to keep the sort stable */
	struct probe_result r;
	char *error;
	char *url; /* re.url's own copy */
};

struct prober {
	struct db *db;
	struct probe_engine *engine;
	struct notifier *notifier; /* delivering notifications, while we hold the lease */
	struct recorder *rec;
	struct prober_endpoint *eps;
	size_t neps;
	/* The endpoints not in flight, as indexes into eps in a binary min-heap by
	 * due_ms: starting what is due costs a pop each, not a scan of them all. */
	size_t *heap;
	size_t nheap, capheap;
	int heap_ready; /* built since the endpoints were loaded or all made due */
	char **systems; /* borrowed from the options, for reloading */
	int64_t every_ms; /* every endpoint this often (prober_options.every_ms), or 0 */
	prober_result_fn fn;
	void *arg;
	struct pending *pending;
	size_t npending, cappending;
	size_t seq;
	/* Timers run on the monotonic clock, so a step of the wall clock neither
	 * stalls nor hurries probing; results carry wall-clock times. */
	int64_t last_flush_ms;
	size_t done, failed;
	size_t unprobed; /* could not be made for want of drtop's own resources */
	size_t concurrency;
	int heartbeat; /* we hold the prober heartbeat: beat with every batch */
	int no_history; /* the caller keeps the status history */
	int watching;   /* probing on a schedule (prober_step), not once */
	int64_t pumped_ms; /* the last time probing went on during a read of the verdict */
	int64_t last_beat_ms;
	int64_t last_history_ms;
	int64_t history_cost_ms; /* what the last read of the verdict for the history took */
	int64_t next_prune_ms;
	int64_t retry_at_ms, retry_ms; /* backing off while the database cannot be written */
	int64_t unrecorded_since_ms;   /* the first try to record that failed since the last that did */
	size_t dropped;                /* results not recorded */
	int replaced;                  /* the database file was replaced: write nothing */
	int gone;                      /* results of endpoints gone: the inventory is stale */
	char *stamp;                   /* the inventory as loaded, summed up (inventory_stamp) */
	int64_t stamp_checked_ms;
	int64_t data_version;          /* PRAGMA data_version when the stamp was taken */
	int lost_lease;                /* another prober took the heartbeat over */
	struct strbuf warning;         /* problems survived since the caller last asked */
};

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Start a new line of warning; the text follows with strbuf_printf. */
static struct strbuf *warning(struct prober *p)
{
	if (p->warning.len > 8192) /* nobody reads them (the dashboard): keep the latest */
		strbuf_reset(&p->warning);
	if (p->warning.len)
		strbuf_putc(&p->warning, '\n');
	return &p->warning;
}

static const char load_sql[] =
	"SELECT e.id, e.system_id, s.name, e.url, e.kind, e.interval_ms, e.timeout_ms,"
	" nullif(e.expect, '" PROBE_EXPECT_DEFAULT "'),"
	" e.body_match, e.json_path, e.headers, coalesce(e.max_latency_ms, 0), e.tls_verify,"
	" s.rto_s, (SELECT count(*) FROM json_each(e.headers)),"
	" (SELECT st.last_probe_ms FROM endpoint_state st WHERE st.endpoint_id = e.id)"
	" FROM endpoint e JOIN system s ON s.id = e.system_id"
	" WHERE e.enabled AND s.enabled AND (?1 IS NULL OR s.name IN (SELECT value FROM json_each(?1)))"
	" ORDER BY s.name, e.url, e.kind";

/* What the prober depends on, summed up: it changes when an endpoint or system is
 * added, changed, enabled or removed. The caller frees. */
static char *inventory_stamp(struct db *db)
{
	sqlite3_stmt *st = db_prepare(db,
				      "SELECT (SELECT count(*) || ':' || coalesce(max(updated_at), 0) || ':' ||"
				      " coalesce(sum(id), 0) FROM endpoint) || '/' || (SELECT count(*) || ':'"
				      " || coalesce(max(updated_at), 0) FROM system)",
				      NULL);
	char *s = NULL;

	if (st && sqlite3_step(st) == SQLITE_ROW)
		s = xstrdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return s ? s : xstrdup("");
}

/* What changes when another connection commits (this one's own commits, the
 * results, leave it): the inventory can have changed only then. -1 unknown. */
static int64_t data_version(struct db *db)
{
	int64_t v = -1;

	return db_int64(db, "PRAGMA data_version", &v, NULL) < 0 ? -1 : v;
}

static int load(struct prober *p, char **systems, struct error *e)
{
	struct strbuf names = STRBUF_INIT;
	sqlite3_stmt *st, *hs;
	size_t cap = 0, i;
	int rc;

	if (systems) {
		strbuf_putc(&names, '[');
		for (i = 0; systems[i]; i++) {
			int64_t id;

			if (inventory_system_id(p->db, systems[i], &id, e) < 0) {
				strbuf_done(&names);
				return -1;
			}
			strbuf_puts(&names, i ? "," : "");
			strbuf_json_string(&names, systems[i]);
		}
		strbuf_putc(&names, ']');
	}
	/* first, in this order: a change made meanwhile shows next time */
	p->data_version = data_version(p->db);
	free(p->stamp);
	p->stamp = inventory_stamp(p->db);
	p->stamp_checked_ms = mono_ms();
	st = db_prepare(p->db, load_sql, e);
	hs = db_prepare(p->db, "SELECT value FROM json_each(?1)", e);
	if (!st || !hs) {
		sqlite3_finalize(st);
		strbuf_done(&names);
		return -1;
	}
	db_bind_text(st, 1, systems ? strbuf_str(&names) : NULL);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct prober_endpoint *ep;
		struct prober_extra *x;
		size_t h = 0, nheaders;

		p->eps = xgrow(p->eps, &cap, p->neps + 1, sizeof(*p->eps));
		ep = &p->eps[p->neps++];
		memset(ep, 0, sizeof(*ep));
		ep->id = sqlite3_column_int64(st, 0);
		ep->system_id = sqlite3_column_int64(st, 1);
		/* A system's endpoints come together (ORDER BY s.name): they share
		 * its name rather than each keeping a copy. */
		ep->system = p->neps > 1 && ep[-1].system_id == ep->system_id
				     ? ep[-1].system
				     : db_column_strdup(st, 2);
		ep->url = db_column_strdup(st, 3);
		ep->health = !strcmp((const char *)sqlite3_column_text(st, 4), "health");
		ep->interval_ms = sqlite3_column_int64(st, 5);
		ep->timeout_ms = sqlite3_column_int64(st, 6);
		ep->rto_s = sqlite3_column_int64(st, 13);
		ep->tls_verify = sqlite3_column_int(st, 12) != 0;
		/* Never probed, or not for three intervals and a timeout (the verdict
		 * already calls it stale): due at once, not at a random point of its
		 * interval; the others are spread over theirs. */
		if (sqlite3_column_type(st, 15) == SQLITE_NULL ||
		    probe_now_ms() - sqlite3_column_int64(st, 15) > 3 * ep->interval_ms + ep->timeout_ms)
			ep->due_ms = 1;
		nheaders = (size_t)sqlite3_column_int64(st, 14);
		if (sqlite3_column_type(st, 7) == SQLITE_NULL && sqlite3_column_type(st, 8) == SQLITE_NULL &&
		    sqlite3_column_type(st, 9) == SQLITE_NULL && !sqlite3_column_int64(st, 11) && !nheaders)
			continue;
		x = ep->extra = xcalloc(1, sizeof(*x));
		x->expect = db_column_strdup(st, 7);
		x->body_match = db_column_strdup(st, 8);
		x->json_path = db_column_strdup(st, 9);
		x->max_latency_ms = sqlite3_column_int64(st, 11);
		x->nheaders = nheaders;
		if (!nheaders)
			continue;
		x->headers = xcalloc(nheaders + 1, sizeof(char *));
		sqlite3_bind_text(hs, 1, (const char *)sqlite3_column_text(st, 10), -1,
				  SQLITE_TRANSIENT);
		while (sqlite3_step(hs) == SQLITE_ROW && h < nheaders)
			x->headers[h++] = db_column_strdup(hs, 0);
		sqlite3_reset(hs);
	}
	sqlite3_finalize(st);
	sqlite3_finalize(hs);
	strbuf_done(&names);
	if (rc != SQLITE_DONE)
		return db_fail(p->db, e, "loading endpoints");
	if (p->neps)
		p->eps = xrealloc(p->eps, p->neps * sizeof(*p->eps)); /* give back the slack */
	return 0;
}

/* Hand endpoint I to the engine: the engine copies what it needs. */
static void add(struct prober *p, size_t i)
{
	const struct prober_endpoint *ep = &p->eps[i];
	const struct prober_extra *x = ep->extra;
	struct probe_spec spec = {0};

	spec.id = (int64_t)i; /* the engine hands back our index */
	spec.url = ep->url;
	spec.kind = ep->health ? PROBE_HEALTH : PROBE_FRESHNESS;
	spec.timeout_ms = ep->timeout_ms;
	spec.tls_verify = ep->tls_verify;
	if (x) {
		spec.expect = x->expect;
		spec.body_match = x->body_match;
		spec.json_path = x->json_path;
		spec.headers = x->headers;
		spec.nheaders = x->nheaders;
		spec.max_latency_ms = x->max_latency_ms;
	}
	probe_engine_add(p->engine, &spec);
}

/* --- the timer heap ------------------------------------------------------- */

static int earlier(const struct prober *p, size_t a, size_t b)
{
	return p->eps[p->heap[a]].due_ms < p->eps[p->heap[b]].due_ms;
}

static void heap_swap(struct prober *p, size_t a, size_t b)
{
	size_t t = p->heap[a];

	p->heap[a] = p->heap[b];
	p->heap[b] = t;
}

static void heap_down(struct prober *p, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < p->nheap && earlier(p, l, m))
			m = l;
		if (r < p->nheap && earlier(p, r, m))
			m = r;
		if (m == i)
			return;
		heap_swap(p, i, m);
		i = m;
	}
}

static void heap_push(struct prober *p, size_t ep)
{
	size_t i;

	p->heap = xgrow(p->heap, &p->capheap, p->nheap + 1, sizeof(*p->heap));
	i = p->nheap++;
	p->heap[i] = ep;
	while (i > 0 && earlier(p, i, (i - 1) / 2)) {
		heap_swap(p, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
}

static size_t heap_pop(struct prober *p)
{
	size_t top = p->heap[0];

	p->heap[0] = p->heap[--p->nheap];
	heap_down(p, 0);
	return top;
}

/* Every endpoint not in flight, in the heap; the first run of each spread
 * over its interval, unless all are wanted at once. */
static void heap_build(struct prober *p, int64_t now)
{
	size_t i;

	p->nheap = 0;
	p->heap = xgrow(p->heap, &p->capheap, p->neps + 1, sizeof(*p->heap));
	for (i = 0; i < p->neps; i++) {
		struct prober_endpoint *ep = &p->eps[i];

		if (ep->due_ms == 0)
			ep->due_ms = p->every_ms ? now : now + random() % (ep->interval_ms + 1);
		if (!ep->in_flight)
			p->heap[p->nheap++] = i;
	}
	for (i = p->nheap / 2; i-- > 0;)
		heap_down(p, i);
	p->heap_ready = 1;
}

static void reschedule(struct prober *p, struct prober_endpoint *ep, int ok, int64_t now_ms);

/* The engine's callback: keep the result for the next batch, and schedule
 * the endpoint's next probe. */
static void on_result(const struct probe_result *r, void *arg)
{
	struct prober *p = arg;
	struct pending *pd;
	struct prober_endpoint *ep;
	size_t i = (size_t)r->id;

	if (r->id < 0 || i >= p->neps)
		return;
	ep = &p->eps[i];
	if (r->unprobed) {
		/* no evidence either way: tried again an interval later, nothing recorded */
		ep->due_ms = mono_ms() + prober_delay_ms(p->every_ms ? p->every_ms : ep->interval_ms,
							  ep->rto_s, 0, 1, random());
		if (ep->in_flight && p->heap_ready)
			heap_push(p, i);
		ep->in_flight = 0;
		p->unprobed++;
		if (p->fn)
			p->fn(ep, r, p->arg);
		return;
	}
	reschedule(p, ep, r->ok, mono_ms());
	if (ep->in_flight && p->heap_ready)
		heap_push(p, i); /* started from the heap: back in it */
	ep->in_flight = 0;
	p->pending = xgrow(p->pending, &p->cappending, p->npending + 1, sizeof(*p->pending));
	pd = &p->pending[p->npending++];
	pd->url = xstrdup(ep->url);
	pd->re = (struct recorder_endpoint){ep->id, ep->system_id, ep->interval_ms, ep->timeout_ms,
					    ep->health, pd->url};
	pd->seq = p->seq++;
	pd->r = *r;
	pd->error = r->error ? xstrdup(r->error) : NULL;
	pd->r.error = pd->error;
	p->done++;
	p->failed += !r->ok;
	if (p->fn)
		p->fn(&p->eps[i], &pd->r, p->arg);
}

static int by_time(const void *a, const void *b)
{
	const struct pending *x = a, *y = b;

	if (x->r.started_ms != y->r.started_ms)
		return x->r.started_ms < y->r.started_ms ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static void forget_pending(struct prober *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		free(p->pending[i].error);
		free(p->pending[i].url);
	}
	if (n < p->npending)
		memmove(p->pending, p->pending + n, (p->npending - n) * sizeof(*p->pending));
	p->npending -= n;
}

/* Can the trouble in E pass (the results wait in memory), or must the prober stop? */
static int passing(const struct error *e)
{
	return e->kind == ERR_BUSY || e->kind == ERR_IO;
}

/* Is the path now another file than the one open (or none)? Then nothing may
 * be written through this connection again: its -wal is the path's, and
 * the new file would take what is written there for its own. */
static int replaced(struct prober *p, struct error *e)
{
	if (!p->replaced && !db_replaced(p->db))
		return 0;
	p->replaced = 1;
	return error_set(e, ERR_IO,
			 "the database file %s was replaced or removed; nothing more was written to it",
			 p->db->path);
}

/* Copy what the -wal holds into the database file, without waiting for anyone
 * (other writers' commits too): between batches the -wal then holds nothing
 * that a file moved over this one (a restore by `mv`) could take for its own. */
static void checkpoint(struct prober *p)
{
	if (!replaced(p, NULL))
		sqlite3_wal_checkpoint_v2(p->db->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
}

/* How long between two prunes: a tenth of the retention, at least a second and
 * at most a minute, so that a short retention is kept to closely too. */
static int64_t prune_every_ms(struct prober *p)
{
	sqlite3_stmt *st = db_prepare(p->db,
				      "SELECT CAST(value AS INTEGER) FROM setting WHERE key = 'retention_s'"
				      " AND CAST(value AS INTEGER) > 0",
				      NULL);
	int64_t every = PRUNE_EVERY_MS;

	if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) < PRUNE_EVERY_MS / 100)
		every = sqlite3_column_int64(st, 0) * 100; /* a tenth, in ms */
	sqlite3_finalize(st);
	return every < FLUSH_EVERY_MS ? FLUSH_EVERY_MS : every;
}

/* Write the pending results in one transaction, with the heartbeat and, when
 * due, a batch of retention. FINAL: the last chance (stop, --once): a database
 * that cannot be written is an error rather than a reason to wait. */
static int flush_batch(struct prober *p, int final, struct error *e)
{
	struct error err = {0};
	int64_t now = mono_ms();
	size_t i, dropped = 0, failed = 0;
	int rc = 0, prune = 0, pruned = 0;

	p->last_flush_ms = now;
	if (!p->npending && !(p->heartbeat && now - p->last_beat_ms >= RECORDER_BEAT_S * 1000) &&
	    !(final && p->next_prune_ms == 0))
		return 0;
	if (!final && now < p->retry_at_ms)
		return 0;
	if (replaced(p, e))
		return -1;
	/* In time order: two results of one endpoint in one batch apply oldest first. */
	if (p->npending > 1)
		qsort(p->pending, p->npending, sizeof(*p->pending), by_time);
	checkpoint(p); /* what other writers left since the last batch */
	/* Never wait for a lock between probes: the loop must go on serving them
	 * while the results wait here. Only the last batch waits (busy timeout). */
	if ((final ? recorder_begin(p->rec, &err) : db_try_begin(p->db, &err)) < 0)
		goto retry;
	if (p->heartbeat && (rc = recorder_heartbeat_beat(p->db, &err)) < 0)
		goto undo;
	if (p->heartbeat && rc > 0) {
		/* Taken over: this batch is still evidence; the new holder probes on,
		 * and its state, newer than these results, is the one that stands. */
		p->heartbeat = 0;
		p->lost_lease = 1;
	}
	recorder_evidence_only(p->rec, p->lost_lease);
	p->last_beat_ms = now;
	for (i = 0; i < p->npending; i++) {
		rc = recorder_add(p->rec, &p->pending[i].re, &p->pending[i].r, &err);
		if (rc > 0) {
			dropped++;
		} else if (rc < 0 && passing(&err)) {
			goto undo;
		} else if (rc < 0) {
			/* This one result cannot be recorded: say so, keep the rest. */
			if (!failed++)
				strbuf_printf(warning(p), "a result of endpoint %lld was not recorded: %s",
					      (long long)p->pending[i].re.id, err.msg);
			error_done(&err);
		}
	}
	if (now >= p->next_prune_ms) {
		/* Fold results into rollups before any is pruned; then history_s. */
		int64_t at = probe_now_ms();
		int folded = retention_rollup(p->db, at, ROLLUP_BATCH, &err), gone = 0;

		if (folded < 0 || (prune = recorder_prune(p->db, at, PRUNE_BATCH, &err)) < 0 ||
		    (gone = retention_prune_history(p->db, at, PRUNE_BATCH, &err)) < 0)
			goto undo;
		if (folded >= ROLLUP_BATCH || gone >= PRUNE_BATCH)
			prune = PRUNE_BATCH; /* more waiting: the next step soon */
		pruned = 1;
	}
	if (recorder_commit(p->rec, &err) < 0)
		goto retry;
	checkpoint(p);
	/* Due again one interval after this prune (not after this batch: batches come
	 * every second). A full batch of old results: more are waiting, take the next soon. */
	if (pruned)
		p->next_prune_ms = now + (prune >= PRUNE_BATCH ? FLUSH_EVERY_MS : prune_every_ms(p));
	if (dropped)
		p->gone = 1;
	if (dropped)
		strbuf_printf(warning(p), "%zu result%s of endpoints removed meanwhile not recorded",
			      dropped, dropped == 1 ? "" : "s");
	p->dropped += dropped + failed;
	forget_pending(p, p->npending);
	if (p->retry_ms)
		strbuf_printf(warning(p), "recording again");
	p->retry_ms = p->retry_at_ms = p->unrecorded_since_ms = 0;
	return 0;
undo:
	recorder_rollback(p->rec);
retry:
	if (final || !passing(&err)) {
		error_set(e, err.kind, "%s", err.msg);
		error_done(&err);
		return -1;
	}
	/* Locked by another writer, or the disk is full: keep the results (the
	 * oldest go past PENDING_MAX) and try again later, backing off. */
	if (!p->unrecorded_since_ms)
		p->unrecorded_since_ms = now;
	p->retry_ms = p->retry_ms ? p->retry_ms * 2 : RETRY_FIRST_MS;
	if (p->retry_ms > RETRY_MAX_MS)
		p->retry_ms = RETRY_MAX_MS;
	p->retry_at_ms = now + p->retry_ms;
	if (p->npending > PENDING_MAX) {
		size_t over = p->npending - PENDING_MAX;

		strbuf_printf(warning(p), "%zu results dropped: too many waiting", over);
		p->dropped += over;
		forget_pending(p, over);
	}
	strbuf_printf(warning(p), "%s; %zu results wait, retrying in %lds", err.msg, p->npending,
		      (long)(p->retry_ms / 1000));
	error_done(&err);
	return 0;
}

struct prober *prober_new(struct db *db, const struct prober_options *opt, prober_result_fn fn,
			  void *arg, struct error *e)
{
	struct prober *p = xcalloc(1, sizeof(*p));
	struct probe_options po = {opt ? opt->concurrency : 0, opt ? opt->per_host : 0,
				   PROBE_FUTURE_SKEW_S};
	sqlite3_stmt *st;

	p->db = db;
	st = db_prepare(db, "SELECT CAST(value AS INTEGER) FROM setting WHERE key = 'future_skew_s'",
			NULL);
	if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int64(st, 0) >= 0)
		po.future_skew_s = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	p->concurrency = po.concurrency > 0 ? (size_t)po.concurrency : 64;
	p->fn = fn;
	p->arg = arg;
	p->last_flush_ms = mono_ms();
	srandom((unsigned)(probe_now_ms() ^ (getpid() << 16)));
	/* Recording appends and looks up by key: a small page cache will do, and keeps
	 * the prober's footprint flat. */
	db_exec(db, "PRAGMA cache_size = -1024", NULL);
	p->systems = opt ? opt->systems : NULL;
	p->no_history = opt && opt->no_history;
	p->every_ms = opt && opt->every_ms > 0 ? opt->every_ms : 0;
	if (load(p, p->systems, e) < 0 || !(p->rec = recorder_new(db, e)) ||
	    !(p->engine = probe_engine_new(&po, on_result, p, e)) ||
	    (!p->no_history && verdict_prepare_history(db, e) < 0)) {
		prober_free(p);
		return NULL;
	}
	p->concurrency = (size_t)probe_engine_concurrency(p->engine);
	return p;
}

static void free_endpoints(struct prober *p)
{
	size_t i, h;

	for (i = 0; i < p->neps; i++) {
		struct prober_endpoint *ep = &p->eps[i];

		if (!i || ep->system != p->eps[i - 1].system)
			free(ep->system);
		free(ep->url);
		if (!ep->extra)
			continue;
		free(ep->extra->expect);
		free(ep->extra->body_match);
		free(ep->extra->json_path);
		for (h = 0; h < ep->extra->nheaders; h++)
			free(ep->extra->headers[h]);
		free(ep->extra->headers);
		free(ep->extra);
	}
	free(p->eps);
	p->eps = NULL;
	p->neps = 0;
	p->nheap = 0;
	p->heap_ready = 0;
}

void prober_free(struct prober *p)
{
	if (!p)
		return;
	notifier_free(p->notifier, !p->replaced);
	probe_engine_free(p->engine);
	recorder_free(p->rec);
	forget_pending(p, p->npending);
	free(p->pending);
	strbuf_done(&p->warning);
	free_endpoints(p);
	free(p->heap);
	free(p->stamp);
	free(p);
}

const struct prober_endpoint *prober_endpoints(const struct prober *p, size_t *n)
{
	*n = p->neps;
	return p->eps;
}

void prober_probe_now(struct prober *p)
{
	size_t i;

	for (i = 0; i < p->neps; i++)
		if (!p->eps[i].in_flight)
			p->eps[i].due_ms = 1; /* long past: due at the next step */
	p->heap_ready = 0;
}

int prober_lost_lease(const struct prober *p)
{
	return p->lost_lease;
}

void prober_set_heartbeat(struct prober *p, int on)
{
	p->heartbeat = on;
	if (on)
		p->lost_lease = 0; /* claimed (again) */
}

void prober_counts(const struct prober *p, size_t *done, size_t *failed)
{
	*done = p->done;
	*failed = p->failed;
}

size_t prober_unprobed(const struct prober *p)
{
	return p->unprobed;
}

size_t prober_concurrency(const struct prober *p)
{
	return p->concurrency;
}

size_t prober_pending(const struct prober *p)
{
	return p->npending;
}

int64_t prober_unrecorded_since(const struct prober *p)
{
	return p->npending ? p->unrecorded_since_ms : 0;
}

int64_t prober_clock_ms(void)
{
	return mono_ms();
}

size_t prober_dropped(const struct prober *p)
{
	return p->dropped;
}

int prober_db_replaced(const struct prober *p)
{
	return p->replaced;
}

char *prober_take_warning(struct prober *p)
{
	return p->warning.len ? strbuf_detach(&p->warning) : NULL;
}

static int64_t start_due(struct prober *p, int64_t now, int64_t soonest);

/* While the verdict is read for the history (seconds, with many systems),
 * probing goes on: every 10 ms SQLite hands over, and the engine starts what
 * is due and takes what has finished. The results wait in memory for the next
 * batch: nothing here may use the connection that is reading. */
static int pump(void *arg)
{
	struct prober *p = arg;
	int64_t now = mono_ms();

	if (now - p->pumped_ms < 10)
		return 0;
	p->pumped_ms = now;
	if (p->watching)
		start_due(p, now, now);
	probe_engine_step(p->engine, 0, -1, NULL, NULL);
	return 0;
}

/* Status changes are kept every few seconds, not with every batch: the verdict
 * reads every system. A locked database only postpones them. */
/* While watching, the prober's own transactions leave their batches to be
 * sealed once a minute (setting seal_every_s) rather than at every commit, and
 * its last ones seal what waits at their commit; any other transaction, on
 * this connection (the dashboard's) or another, seals them first. */
static int sealing(struct prober *p, int final, int (*write)(struct prober *, int, struct error *),
		   struct error *e)
{
	int rc;

	p->db->seal_defer = !p->watching ? SEAL_NOW : final ? SEAL_AT_COMMIT : SEAL_LATER;
	rc = write(p, final, e);
	p->db->seal_defer = SEAL_NOW;
	return rc;
}

static int flush(struct prober *p, int final, struct error *e)
{
	return sealing(p, final, flush_batch, e);
}

static int record_history(struct prober *p, int final, struct error *e);

static int history(struct prober *p, int final, struct error *e)
{
	return sealing(p, final, record_history, e);
}

static int record_history(struct prober *p, int final, struct error *e)
{
	struct error err = {0};
	int64_t t0 = mono_ms();
	int rc;

	if (p->no_history)
		return 0;
	/* The last read, when probing ends, starts nothing: what it probed would
	 * never be recorded. */
	if (!final)
		sqlite3_progress_handler(p->db->h, 1000, pump, p);
	rc = final ? verdict_record_history(p->db, NULL, &err)
		   : verdict_try_record_history(p->db, NULL, &err);
	sqlite3_progress_handler(p->db->h, 0, NULL, NULL);
	p->history_cost_ms = mono_ms() - t0;
	if (rc == 0)
		return 0;
	if (final || !passing(&err)) {
		error_set(e, err.kind, "%s", err.msg);
		error_done(&err);
		return -1;
	}
	strbuf_printf(warning(p), "status history not kept this time: %s", err.msg);
	error_done(&err);
	return 0;
}

/* Every HISTORY_EVERY_MS, or every ten times what the last read cost when
 * that is longer (many systems): the verdict then takes a tenth of the time
 * at most, not most of it. */
static int64_t history_every_ms(const struct prober *p)
{
	return p->history_cost_ms * 10 > HISTORY_EVERY_MS ? p->history_cost_ms * 10 : HISTORY_EVERY_MS;
}

static int maybe_flush(struct prober *p, struct error *e)
{
	int64_t now = mono_ms();

	if (p->npending >= FLUSH_AT || now - p->last_flush_ms >= FLUSH_EVERY_MS) {
		if (flush(p, 0, e) < 0)
			return -1;
		/* Not while the inventory is stale (p->gone): the caller reloads it
		 * first, or probing during the read would gather more results of
		 * endpoints that are gone. */
		if (now - p->last_history_ms >= history_every_ms(p) && !p->retry_ms && !p->gone) {
			if (replaced(p, e))
				return -1;
			p->last_history_ms = now;
			return history(p, 0, e);
		}
	}
	return 0;
}

int prober_once(struct prober *p, int stop_fd, int *stopped, struct error *e)
{
	size_t next = 0;

	*stopped = 0;
	p->heap_ready = 0; /* the results reschedule every endpoint: built again if watching */
	/* Feed the engine a few slots ahead rather than all at once: memory stays
	 * flat however many endpoints there are. */
	while (!*stopped && (next < p->neps || probe_engine_pending(p->engine))) {
		while (next < p->neps && probe_engine_pending(p->engine) < p->concurrency + 64)
			add(p, next++);
		if (probe_engine_step(p->engine, 200, stop_fd, stopped, e) < 0 ||
		    maybe_flush(p, e) < 0)
			return -1;
	}
	if (*stopped)
		probe_engine_abandon(p->engine);
	if (flush(p, 1, e) < 0 || replaced(p, e))
		return -1;
	/* Every result is recorded: the endpoints are not needed to read the
	 * verdict, and freed first, the peak is that of probing or that of the
	 * verdict rather than their sum. */
	free_endpoints(p);
	return history(p, 1, e);
}

int64_t prober_delay_ms(int64_t interval_ms, int64_t rto_s, int failures, int ok, long rnd)
{
	int64_t cap = interval_ms, delay;

	if (rnd < 0)
		rnd = -rnd;
	if (ok) /* the interval, give or take 5%, so endpoints drift apart */
		return interval_ms - interval_ms / 20 + rnd % (interval_ms / 10 + 1);
	if (rto_s > 0 && rto_s * 100 < cap)
		cap = rto_s * 100; /* a tenth of the RTO, in ms */
	delay = cap < 1000 ? cap : 1000;
	delay = failures < 30 ? delay << failures : cap;
	if (delay > cap)
		delay = cap;
	/* Up to a tenth less, never more: the cap holds. */
	return delay - rnd % (delay / 10 + 1);
}

/* When EP runs next, after a result at NOW_MS. */
static void reschedule(struct prober *p, struct prober_endpoint *ep, int ok, int64_t now_ms)
{
	ep->due_ms = now_ms + prober_delay_ms(p->every_ms ? p->every_ms : ep->interval_ms, ep->rto_s,
					      ep->failures, ok, random());
	ep->failures = ok ? 0 : ep->failures + 1;
}

/* Hand the engine every endpoint due by NOW; returns the soonest time one not
 * in flight is due, or SOONEST if that is sooner. */
static int64_t start_due(struct prober *p, int64_t now, int64_t soonest)
{
	if (!p->heap_ready)
		heap_build(p, now);
	while (p->nheap && p->eps[p->heap[0]].due_ms <= now) {
		size_t i = heap_pop(p);

		p->eps[i].in_flight = 1;
		add(p, i);
	}
	if (p->nheap && p->eps[p->heap[0]].due_ms < soonest)
		soonest = p->eps[p->heap[0]].due_ms;
	return soonest;
}

/* Only the lease holder delivers notifications, between batches, never
 * stopping probing: trouble with them is a warning. */
static void notify(struct prober *p)
{
	struct error err = {0};

	if (!p->heartbeat || p->lost_lease || replaced(p, NULL)) {
		notifier_free(p->notifier, !p->replaced);
		p->notifier = NULL;
		return;
	}
	/* Not while the inventory is stale: the caller reloads it first, at once. */
	if (p->gone)
		return;
	if (!p->notifier)
		p->notifier = notifier_new(p->db, p->engine);
	if (notifier_step(p->notifier, &err) < 0) {
		strbuf_printf(warning(p), "notifications: %s", err.msg);
		error_done(&err);
	}
}

int prober_step(struct prober *p, int wait_ms, int extra_fd, int *extra_ready, struct error *e)
{
	int64_t now = mono_ms(), soonest;

	p->watching = 1;
	soonest = start_due(p, now, now + wait_ms);
	if (probe_engine_step(p->engine, (int)(soonest > now ? soonest - now : 0), extra_fd,
			      extra_ready, e) < 0 ||
	    maybe_flush(p, e) < 0)
		return -1;
	notify(p);
	return 0;
}

/* Let in-flight probes finish for up to GRACE_MS and abandon the rest. */
static void drain(struct prober *p, int grace_ms)
{
	int64_t deadline = mono_ms() + grace_ms;

	while (probe_engine_pending(p->engine) && mono_ms() < deadline)
		if (probe_engine_step(p->engine, 50, -1, NULL, NULL) < 0)
			break;
	probe_engine_abandon(p->engine);
}

int prober_reload(struct prober *p, int grace_ms, struct error *e)
{
	drain(p, grace_ms);
	free_endpoints(p);
	p->gone = 0;
	if (load(p, p->systems, e) < 0)
		return -1;
	return maybe_flush(p, e);
}

int prober_follow_inventory(struct prober *p, int grace_ms, struct error *e)
{
	int64_t now = mono_ms(), version;
	char *stamp;
	int changed;

	if (!p->gone && now - p->stamp_checked_ms < PROBER_INVENTORY_EVERY_MS)
		return 0;
	p->stamp_checked_ms = now;
	/* Nobody else committed: the inventory is as loaded, and its summary
	 * (a scan of every endpoint and system) need not be read again. */
	version = data_version(p->db);
	if (!p->gone && version >= 0 && version == p->data_version)
		return 0;
	p->data_version = version;
	stamp = inventory_stamp(p->db);
	changed = p->gone || !p->stamp || strcmp(stamp, p->stamp);
	free(stamp);
	if (!changed)
		return 0;
	return prober_reload(p, grace_ms, e) < 0 ? -1 : 1;
}

int prober_stop(struct prober *p, int grace_ms, struct error *e)
{
	drain(p, grace_ms);
	notifier_free(p->notifier, !p->replaced);
	p->notifier = NULL;
	if (p->replaced)
		return 0; /* nothing to write to: the caller was told */
	if (flush(p, 1, e) < 0 || replaced(p, e) || history(p, 1, e) < 0)
		return -1;
	return ledger_seal_waiting(p->db, e);
}

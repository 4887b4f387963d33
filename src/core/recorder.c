/*
 * recorder.c - see recorder.h.
 *
 * The state of each endpoint lives in endpoint_state rather than in memory,
 * so a restarted prober (or a second `probe --once`) carries on where the
 * last one stopped, and nothing ever rereads the probe history.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "notify.h"
#include "ledger.h"
#include "recorder.h"
#include "util.h"
#include "when.h"

enum {
	ST_STATE,
	ST_STATE_PUT,
	ST_RESULT,
	ST_OUTAGE_OPEN,
	ST_OUTAGE_CLOSE,
	ST_OUTAGE_GAP,
	ST_ENDPOINT,
	ST_SAVE,
	ST_RELEASE,
	ST_UNDO,
	ST_COUNT
};

static const char *const sql[ST_COUNT] = {
	[ST_STATE] = "SELECT last_probe_ms, last_ok_ms, failures, first_fail_ms, last_fail_ms,"
		     " first_error, outage_id FROM endpoint_state WHERE endpoint_id = ?1",
	/* Updated in place: the row's other columns (the summary of the results
	 * since the fold mark, which the result's own trigger keeps) stay. */
	[ST_STATE_PUT] = "INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok,"
			 " last_ok_ms, failures, first_fail_ms, last_fail_ms, first_error, outage_id,"
			 " data_time, data_seen_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)"
			 " ON CONFLICT (endpoint_id) DO UPDATE SET last_probe_ms = excluded.last_probe_ms,"
			 " last_ok = excluded.last_ok, last_ok_ms = excluded.last_ok_ms,"
			 " failures = excluded.failures, first_fail_ms = excluded.first_fail_ms,"
			 " last_fail_ms = excluded.last_fail_ms, first_error = excluded.first_error,"
			 " outage_id = excluded.outage_id,"
			 " data_time = coalesce(excluded.data_time, data_time),"
			 " data_seen_ms = coalesce(excluded.data_seen_ms, data_seen_ms)",
	[ST_RESULT] = "INSERT INTO probe_result (endpoint_id, at_ms, ok, status_code, latency_ms,"
		      " error, data_time, lag_s) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
	[ST_OUTAGE_OPEN] =
		"INSERT INTO outage (endpoint_id, system_id, started_ms, res_start_ms, first_error,"
		" planned, cause_system_id) VALUES (?1, ?2, ?3, ?4, ?5,"
		" EXISTS (SELECT 1 FROM maintenance_window WHERE system_id = ?2"
		"   AND starts_at * 1000 <= ?3 AND ends_at * 1000 > ?3),"
		" (WITH RECURSIVE deps(id) AS (SELECT depends_on FROM dependency WHERE system_id = ?2"
		"   UNION SELECT d.depends_on FROM dependency d JOIN deps ON d.system_id = deps.id)"
		"  SELECT o.system_id FROM outage o WHERE o.ended_ms IS NULL AND o.system_id IN deps"
		"  ORDER BY o.started_ms LIMIT 1))",
	[ST_OUTAGE_CLOSE] = "UPDATE outage SET ended_ms = ?2, res_end_ms = ?3, gap = ?4"
			    " WHERE id = ?1 AND ended_ms IS NULL",
	[ST_OUTAGE_GAP] = "INSERT INTO outage_gap (outage_id, from_ms, to_ms) VALUES (?1, ?2, ?3)",
	[ST_ENDPOINT] = "SELECT e.system_id, e.enabled AND s.enabled FROM endpoint e"
			" JOIN system s ON s.id = e.system_id WHERE e.id = ?1"
			" AND (?2 IS NULL OR e.url = ?2) AND e.kind = ?3",
	[ST_SAVE] = "SAVEPOINT recorder_add",
	[ST_RELEASE] = "RELEASE recorder_add",
	[ST_UNDO] = "ROLLBACK TO recorder_add",
};

struct recorder {
	struct db *db;
	sqlite3_stmt *st[ST_COUNT];
	int threshold;
	int evidence_only; /* recorder_evidence_only */
};

void recorder_evidence_only(struct recorder *rec, int on)
{
	rec->evidence_only = on;
}

struct state {
	int exists;
	int64_t last_probe_ms, last_ok_ms, first_fail_ms, last_fail_ms, outage_id;
	int have_ok, have_first, have_last_fail;
	int failures;
	char *first_error;
};

int64_t recorder_gap_ms(const struct recorder_endpoint *ep)
{
	/* Three missed intervals (backoff never waits longer than one) plus a timeout. */
	return 3 * ep->interval_ms + ep->timeout_ms + 1000;
}

int recorder_threshold(const struct recorder *rec)
{
	return rec->threshold;
}

struct recorder *recorder_new(struct db *db, struct error *e)
{
	struct recorder *rec = xcalloc(1, sizeof(*rec));
	sqlite3_stmt *st;
	int i;

	rec->db = db;
	rec->threshold = 2;
	for (i = 0; i < ST_COUNT; i++) {
		rec->st[i] = db_prepare(db, sql[i], e);
		if (!rec->st[i]) {
			recorder_free(rec);
			return NULL;
		}
	}
	st = db_prepare(db, "SELECT value FROM setting WHERE key = 'outage_threshold'", e);
	if (st && sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) >= 1)
		rec->threshold = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return rec;
}

void recorder_free(struct recorder *rec)
{
	int i;

	if (!rec)
		return;
	for (i = 0; i < ST_COUNT; i++)
		sqlite3_finalize(rec->st[i]);
	free(rec);
}

int recorder_begin(struct recorder *rec, struct error *e)
{
	return db_begin(rec->db, e);
}

int recorder_commit(struct recorder *rec, struct error *e)
{
	return db_commit(rec->db, e);
}

void recorder_rollback(struct recorder *rec)
{
	db_rollback(rec->db);
}

static int done(struct recorder *rec, sqlite3_stmt *st, struct error *e)
{
	int rc = sqlite3_step(st);

	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW)
		return db_fail(rec->db, e, "recording probe results");
	return 0;
}

static void bind_opt(sqlite3_stmt *st, int i, int have, int64_t v)
{
	if (have)
		sqlite3_bind_int64(st, i, v);
	else
		sqlite3_bind_null(st, i);
}

static int load_state(struct recorder *rec, int64_t id, struct state *s, struct error *e)
{
	sqlite3_stmt *st = rec->st[ST_STATE];
	int rc;

	memset(s, 0, sizeof(*s));
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		s->exists = 1;
		s->last_probe_ms = sqlite3_column_int64(st, 0);
		s->have_ok = sqlite3_column_type(st, 1) != SQLITE_NULL;
		s->last_ok_ms = sqlite3_column_int64(st, 1);
		s->failures = sqlite3_column_int(st, 2);
		s->have_first = sqlite3_column_type(st, 3) != SQLITE_NULL;
		s->first_fail_ms = sqlite3_column_int64(st, 3);
		s->have_last_fail = sqlite3_column_type(st, 4) != SQLITE_NULL;
		s->last_fail_ms = sqlite3_column_int64(st, 4);
		if (sqlite3_column_type(st, 5) != SQLITE_NULL)
			s->first_error = xstrdup((const char *)sqlite3_column_text(st, 5));
		s->outage_id = sqlite3_column_int64(st, 6);
	}
	sqlite3_reset(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(rec->db, e, "recording probe results");
	return 0;
}

static int close_outage(struct recorder *rec, struct state *s, int64_t end_ms, int64_t res_end,
			int gap, struct error *e)
{
	sqlite3_stmt *st = rec->st[ST_OUTAGE_CLOSE];

	if (!s->outage_id)
		return 0;
	if (s->have_first && end_ms < s->first_fail_ms)
		end_ms = s->first_fail_ms; /* never before its start, whatever the clock did */
	sqlite3_bind_int64(st, 1, s->outage_id);
	sqlite3_bind_int64(st, 2, end_ms);
	bind_opt(st, 3, res_end >= 0, res_end); /* negative: not known */
	sqlite3_bind_int(st, 4, gap);
	s->outage_id = 0;
	return done(rec, st, e);
}

/* Forget the current run of failures (its open outage was closed). */
static void forget_run(struct state *s)
{
	s->failures = 0;
	s->have_first = s->have_last_fail = 0;
	free(s->first_error);
	s->first_error = NULL;
}

static int insert_result(struct recorder *rec, const struct recorder_endpoint *ep,
			 const struct probe_result *r, struct error *e)
{
	sqlite3_stmt *st = rec->st[ST_RESULT];
	int64_t at = r->started_ms;

	sqlite3_bind_int64(st, 1, ep->id);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_int(st, 3, r->ok);
	bind_opt(st, 4, r->status > 0, r->status);
	sqlite3_bind_int64(st, 5, r->latency_ms);
	db_bind_text(st, 6, r->ok ? NULL : r->error);
	bind_opt(st, 7, r->has_data_time, r->data_time);
	bind_opt(st, 8, r->has_data_time,
		 at / 1000 > r->data_time ? at / 1000 - r->data_time : 0);
	return done(rec, st, e);
}

/* The endpoint's system, or 0 when the endpoint is gone (or its id now names
 * another endpoint: ids are reused); and is it enabled? */
static int endpoint_system(struct recorder *rec, const struct recorder_endpoint *ep,
			   int64_t *system_id, int *enabled, struct error *e)
{
	sqlite3_stmt *st = rec->st[ST_ENDPOINT];
	int rc;

	sqlite3_bind_int64(st, 1, ep->id);
	db_bind_text(st, 2, ep->url);
	sqlite3_bind_text(st, 3, ep->health ? "health" : "freshness", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	*system_id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
	*enabled = rc == SQLITE_ROW && sqlite3_column_int(st, 1);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return db_fail(rec->db, e, "recording probe results");
	return 0;
}

static int add(struct recorder *rec, const struct recorder_endpoint *ep,
	       const struct probe_result *r, struct error *e)
{
	struct state s;
	sqlite3_stmt *st;
	int64_t at = r->started_ms, system_id;
	int rc = -1, enabled;

	if (endpoint_system(rec, ep, &system_id, &enabled, e) < 0)
		return -1;
	if (!system_id)
		return 1; /* removed while it was probed: nothing to record it against */
	if (!enabled || rec->evidence_only) /* disabled meanwhile, or the lease lost: */
		return insert_result(rec, ep, r, e); /* evidence, but no outage may open now */
	if (load_state(rec, ep->id, &s, e) < 0)
		return -1;
	if (s.exists && at < s.last_probe_ms && s.last_probe_ms - at <= recorder_gap_ms(ep)) {
		/* Older than a result already applied: another prober (`probe --once`
		 * beside `probe --watch`) recorded a later one. It is evidence, so it
		 * is kept, but the endpoint's state and outages never go backwards. */
		rc = insert_result(rec, ep, r, e);
		goto out;
	}
	if (s.exists && at < s.last_probe_ms) {
		/* Far older than the last probe: the clock stepped back. Times before
		 * the step cannot be compared with times after it, so the step is a
		 * gap: an open outage ends at its last failed probe with an unknown
		 * end, and the last success is no bound for what follows. */
		if (close_outage(rec, &s, s.have_last_fail ? s.last_fail_ms : s.last_probe_ms, -1, 1,
				 e) < 0)
			goto out;
		forget_run(&s);
		s.have_ok = 0;
	} else if (s.exists && at - s.last_probe_ms > recorder_gap_ms(ep)) {
		/* Nobody probed for a while: what happened then is not known. An open
		 * outage goes on, the silence marked inside it: a failure now
		 * continues it, a success ends it here (its upper bound then spans
		 * the silence, its lower bound does not). A run of failures too
		 * short to have opened an outage starts from scratch. */
		if (s.outage_id) {
			st = rec->st[ST_OUTAGE_GAP];
			sqlite3_bind_int64(st, 1, s.outage_id);
			sqlite3_bind_int64(st, 2, s.last_probe_ms);
			sqlite3_bind_int64(st, 3, at);
			if (done(rec, st, e) < 0)
				goto out;
		} else {
			forget_run(&s);
		}
	}

	if (insert_result(rec, ep, r, e) < 0)
		goto out;
	if (r->ok) {
		if (close_outage(rec, &s, at, s.have_last_fail ? at - s.last_fail_ms : 0, 0, e) < 0)
			goto out;
		forget_run(&s);
		s.have_ok = 1;
		s.last_ok_ms = at;
	} else if (ep->health) {
		if (s.failures++ == 0) {
			s.have_first = 1;
			s.first_fail_ms = at;
			free(s.first_error);
			s.first_error = xstrdup(r->error ? r->error : "failed");
		}
		s.have_last_fail = 1;
		s.last_fail_ms = at;
		if (s.failures >= rec->threshold && !s.outage_id) {
			st = rec->st[ST_OUTAGE_OPEN];
			sqlite3_bind_int64(st, 1, ep->id);
			sqlite3_bind_int64(st, 2, system_id);
			sqlite3_bind_int64(st, 3, s.first_fail_ms);
			bind_opt(st, 4, s.have_ok && s.first_fail_ms >= s.last_ok_ms,
				 s.first_fail_ms - s.last_ok_ms);
			db_bind_text(st, 5, s.first_error);
			if (done(rec, st, e) < 0)
				goto out;
			s.outage_id = sqlite3_last_insert_rowid(rec->db->h);
		}
	}

	st = rec->st[ST_STATE_PUT];
	sqlite3_bind_int64(st, 1, ep->id);
	sqlite3_bind_int64(st, 2, at);
	sqlite3_bind_int(st, 3, r->ok);
	bind_opt(st, 4, s.have_ok, s.last_ok_ms);
	sqlite3_bind_int(st, 5, s.failures);
	bind_opt(st, 6, s.have_first, s.first_fail_ms);
	bind_opt(st, 7, s.have_last_fail, s.last_fail_ms);
	db_bind_text(st, 8, s.first_error);
	bind_opt(st, 9, s.outage_id != 0, s.outage_id);
	bind_opt(st, 10, r->has_data_time, r->data_time);
	bind_opt(st, 11, r->has_data_time, at);
	rc = done(rec, st, e);
out:
	free(s.first_error);
	return rc;
}

/* Run one of the savepoint statements. */
static int savepoint(struct recorder *rec, int which, struct error *e)
{
	return done(rec, rec->st[which], e);
}

int recorder_add(struct recorder *rec, const struct recorder_endpoint *ep,
		 const struct probe_result *r, struct error *e)
{
	int rc;

	if (savepoint(rec, ST_SAVE, e) < 0)
		return -1;
	rc = add(rec, ep, r, e);
	if (rc < 0) /* undo this result only; the batch decides what follows */
		savepoint(rec, ST_UNDO, NULL);
	if (savepoint(rec, ST_RELEASE, rc < 0 ? NULL : e) < 0 && rc >= 0)
		rc = -1;
	return rc;
}

/* --- heartbeat ------------------------------------------------------------ */

static void hostname(char *buf, size_t n)
{
	if (gethostname(buf, n) < 0)
		snprintf(buf, n, "unknown");
	buf[n - 1] = '\0';
}

/* The kind of prober the live holder is (0 when none or when it cannot be read). */
static int holder_is_dashboard(struct db *db)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT kind = 'dashboard' FROM prober WHERE id = 1", NULL);
	int yes = 0;

	if (!st)
		return 0;
	if (sqlite3_step(st) == SQLITE_ROW)
		yes = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	return yes;
}

int recorder_heartbeat_other(struct db *db, long *pid, struct strbuf *host, int64_t *since)
{
	char me[256];
	sqlite3_stmt *st;
	int alive = 0;

	hostname(me, sizeof(me));
	st = db_prepare(db, "SELECT pid, host, started_at, coalesce(last_cycle_at, started_at) FROM "
			    "prober WHERE id = 1",
			NULL);
	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		long p = (long)sqlite3_column_int64(st, 0);
		const char *h = (const char *)sqlite3_column_text(st, 1);
		int64_t beat = sqlite3_column_int64(st, 3), age = (int64_t)time(NULL) - beat;
		int same_host = h && !strcmp(h, me);

		/* A beat is due every RECORDER_BEAT_S: three missed ones mean dead, whatever
		 * the PID (it may belong to another process since a reboot). A beat far in
		 * the future is from before the clock stepped back. */
		alive = age < 3 * RECORDER_BEAT_S && age > -3 * RECORDER_BEAT_S &&
			!(same_host && p == (long)getpid());
		if (alive && same_host)
			alive = p > 0 && (kill((pid_t)p, 0) == 0 || errno == EPERM);
		if (alive) {
			if (pid)
				*pid = p;
			if (host)
				strbuf_puts(host, h ? h : "");
			if (since)
				*since = sqlite3_column_int64(st, 2);
		}
	}
	sqlite3_finalize(st);
	return alive;
}

int recorder_heartbeat_claim(struct db *db, enum recorder_prober_kind kind, struct error *e)
{
	char host[256], when[WHEN_BUFSZ];
	struct strbuf other = STRBUF_INIT;
	sqlite3_stmt *st;
	int64_t since = 0;
	long pid = 0;
	int alive, rc;

	hostname(host, sizeof(host));
	if (db_begin(db, e) < 0)
		return -1;
	alive = recorder_heartbeat_other(db, &pid, &other, &since);
	if (alive < 0) {
		db_fail(db, e, "prober heartbeat");
		goto fail;
	}
	if (alive && kind == RECORDER_WATCH && holder_is_dashboard(db))
		alive = 0; /* the dashboard notices at its next beat and stops probing */
	if (alive) {
		error_set(e, ERR_BUSY,
			  "another prober (pid %ld on %s, running since %s) is probing this database",
			  pid, strbuf_str(&other), when_format(since, when));
		goto fail;
	}
	st = db_prepare(db, "INSERT OR REPLACE INTO prober (id, pid, host, started_at, last_cycle_at, "
			    "kind) VALUES (1, ?1, ?2, ?3, NULL, ?4)",
			e);
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, (int64_t)getpid());
	sqlite3_bind_text(st, 2, host, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, (int64_t)time(NULL));
	db->prober_kind = kind == RECORDER_DASHBOARD ? "dashboard" : "watch";
	sqlite3_bind_text(st, 4, db->prober_kind, -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		db_fail(db, e, "prober heartbeat");
		goto fail;
	}
	/* The time nobody probed, made known now that somebody does. */
	if (notify_emit_unwatched(db, e) < 0)
		goto fail;
	strbuf_done(&other);
	return db_commit(db, e);
fail:
	strbuf_done(&other);
	db_rollback(db);
	return -1;
}

int recorder_heartbeat_beat(struct db *db, struct error *e)
{
	sqlite3_stmt *st = db_prepare(db, "UPDATE prober SET last_cycle_at = ?1 WHERE pid = ?2", e);
	char host[256];
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)time(NULL));
	sqlite3_bind_int64(st, 2, (int64_t)getpid());
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, e, "prober heartbeat");
	if (sqlite3_changes(db->h))
		return 0;
	/* Another prober holds the lease now (a watcher took it over from this
	 * dashboard, or took over a heartbeat that looked dead): let it probe. */
	if (recorder_heartbeat_other(db, NULL, NULL, NULL) > 0)
		return 1;
	/* The row is gone (cleared by hand, a new file, a watcher that took it
	 * over and stopped since) or names a prober that is dead (one that took it
	 * over while this one was held up): take it again, as what this is. */
	hostname(host, sizeof(host));
	st = db_prepare(db, "INSERT OR REPLACE INTO prober (id, pid, host, started_at, last_cycle_at, kind)"
			    " VALUES (1, ?1, ?2, ?3, ?3, ?4)",
			e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, (int64_t)getpid());
	sqlite3_bind_text(st, 2, host, -1, SQLITE_TRANSIENT);
	sqlite3_bind_int64(st, 3, (int64_t)time(NULL));
	sqlite3_bind_text(st, 4, db->prober_kind ? db->prober_kind : "watch", -1, SQLITE_STATIC);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, e, "prober heartbeat");
}

void recorder_heartbeat_release(struct db *db)
{
	sqlite3_stmt *st = db_prepare(db, "DELETE FROM prober WHERE pid = ?1", NULL);

	if (!st)
		return;
	sqlite3_bind_int64(st, 1, (int64_t)getpid());
	sqlite3_step(st);
	sqlite3_finalize(st);
}

/* --- retention ------------------------------------------------------------ */

int recorder_prune(struct db *db, int64_t now_ms, int limit, struct error *e)
{
	/* Only results already folded into rollups go (src/core/retention.c).
	 * What the verdict reads of the raw results as of a past 'now' stays, so
	 * that it is the same after pruning as before: the newest result of each
	 * endpoint (what endpoint_state describes, with the one its recovery point
	 * was last seen by) and its first (whether it had
	 * been probed by then); every result of an outage still kept, from the
	 * last success before it to its end (how long it had lasted by then);
	 * and each recovery point's first sighting, an ok result whose data_time
	 * differs from the ok result's before it (the data lag then). A result in
	 * no batch entry (written outside drtop) stays for verification to name. */
	sqlite3_stmt *st = db_prepare(
		db,
		"DELETE FROM probe_result WHERE id IN (SELECT r.id FROM probe_result r"
		" WHERE r.at_ms < ?1 - 1000 * (SELECT CAST(value AS INTEGER) FROM setting"
		"   WHERE key = 'retention_s' AND CAST(value AS INTEGER) > 0)"
		" AND NOT EXISTS (SELECT 1 FROM endpoint_state st"
		"   WHERE st.endpoint_id = r.endpoint_id AND (st.last_probe_ms <= r.at_ms"
		"     OR st.data_seen_ms = r.at_ms))" /* the state's results, for db verify */
		" AND r.id <> (SELECT q.id FROM probe_result q WHERE q.endpoint_id = r.endpoint_id"
		"   ORDER BY q.at_ms, q.id LIMIT 1)"
		" AND coalesce((SELECT coalesce(o.ended_ms, 9223372036854775807) FROM outage o"
		"   WHERE o.endpoint_id = r.endpoint_id AND o.started_ms <= r.at_ms"
		"   ORDER BY o.started_ms DESC LIMIT 1), -1) < r.at_ms"
		" AND coalesce((SELECT o.started_ms - coalesce(o.res_start_ms, 0) FROM outage o"
		"   WHERE o.endpoint_id = r.endpoint_id AND o.started_ms > r.at_ms"
		"   ORDER BY o.started_ms LIMIT 1), 9223372036854775807) > r.at_ms"
		" AND NOT (r.ok = 1 AND r.data_time IS NOT NULL AND r.data_time IS NOT"
		"   (SELECT q.data_time FROM probe_result q WHERE q.endpoint_id = r.endpoint_id"
		"    AND q.at_ms < r.at_ms AND q.ok = 1 ORDER BY q.at_ms DESC LIMIT 1))"
		" AND EXISTS (SELECT 1 FROM probe_rollup u WHERE u.endpoint_id = r.endpoint_id" /* folded */
		"   AND u.last_ms >= r.at_ms AND u.first_ms <= r.at_ms AND u.last_id >= r.id)"
		" AND r.id < ?3" /* not waiting for its batch entry (ledger_pending) */
		" AND (SELECT CAST(l.payload ->> '$.first' AS INTEGER) FROM ledger l" /* but in one */
		"   WHERE l.kind = 'probe_result.batch' AND CAST(l.payload ->> '$.last' AS INTEGER) >= r.id"
		"   ORDER BY CAST(l.payload ->> '$.last' AS INTEGER) LIMIT 1) <= r.id"
		" ORDER BY r.at_ms LIMIT ?2)",
		e);
	int64_t below;
	int rc;

	if (!st)
		return -1;
	if ((below = ledger_unsealed_from(db, 0, e)) < 0) {
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_bind_int64(st, 1, now_ms);
	sqlite3_bind_int(st, 2, limit);
	sqlite3_bind_int64(st, 3, below);
	rc = sqlite3_step(st);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, e, "removing old probe results");
	return sqlite3_changes(db->h);
}

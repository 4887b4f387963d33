/*
 * retention.c - see retention.h.
 *
 * A rollup step takes the endpoints folded least far (probe_rollup_mark) and
 * folds, for each, the results of the hour of its first result not folded
 * yet, once that hour is over (up to about LIMIT results a step): probes,
 * failures, latency percentiles (nearest rank), and the time they watched, counted as v_coverage counts it (each probe
 * watched the time since the endpoint's previous one, when that was at most
 * three intervals plus a timeout earlier). The previous probe of the first
 * one folded may itself be folded already: its rollup's last_ms stands in.
 *
 * A history step, per table, removes the rows older than history_s, a
 * bounded number at a time, and states them in one ledger entry
 * ({table, column, before, rows, sha3}); the rows' digest is over the same
 * row objects as the ledger's own entries, so db/ledger-verify.sql can
 * recompute it from the entries the rows had.
 */
#include "config.h"

#include "ledger.h"
#include "probe.h"
#include "recorder.h"
#include "retention.h"
#include "strbuf.h"
#include "util.h"
#include "when.h"

/* Run one of the constant statements below with ?1 .. ?3. */
static int run3(struct db *db, const char *sql, int64_t a, int64_t b, int64_t c, int64_t *out,
		struct error *e)
{
	return db_run3(db, sql, 0, a, b, c, out, "rollups", e);
}

int retention_rollup(struct db *db, int64_t now_ms, int limit, struct error *e)
{
	/* Results are due once their hour has been over for 5 minutes, or once
	 * they are older than a retention shorter than that. */
	static const char due_sql[] =
		"SELECT max((?1 - 300000) / 3600000 * 3600000,"
		"  ?1 - 1000 * coalesce((SELECT CAST(value AS INTEGER) FROM setting"
		"   WHERE key = 'retention_s' AND CAST(value AS INTEGER) > 0), 1 << 40))";
	static const char marks_sql[] =
		"INSERT INTO probe_rollup_mark (endpoint_id, folded_ms) SELECT e.id, 0 FROM endpoint e"
		" WHERE NOT EXISTS (SELECT 1 FROM probe_rollup_mark m WHERE m.endpoint_id = e.id)";
	/* The endpoints folded least far, each over whole hours from its first
	 * result not yet folded, about LIMIT results at most (at least an hour),
	 * and no further than 'due'; as many endpoints as make LIMIT results. */
	static const char range_sql[] =
		"INSERT INTO temp.rollup_range (endpoint_id, from_ms, upto_ms, n)"
		" WITH cand AS (SELECT endpoint_id, folded_ms FROM probe_rollup_mark WHERE folded_ms < ?1"
		"   ORDER BY folded_ms, endpoint_id LIMIT 200),"
		" nxt AS (SELECT c.*, (SELECT min(r.at_ms) FROM probe_result r"
		"   WHERE r.endpoint_id = c.endpoint_id AND r.at_ms >= c.folded_ms) AS first_ms,"
		"   (SELECT r.at_ms FROM probe_result r WHERE r.endpoint_id = c.endpoint_id"
		"    AND r.at_ms >= c.folded_ms ORDER BY r.at_ms LIMIT 1 OFFSET ?2) AS over_ms FROM cand c),"
		" rng AS (SELECT endpoint_id, folded_ms AS from_ms,"
		"   CASE WHEN first_ms IS NULL OR first_ms >= ?1 THEN ?1"
		"        ELSE min(max((first_ms / 3600000 + 1) * 3600000, coalesce(over_ms / 3600000 * 3600000, ?1)),"
		"                 ?1) END AS upto_ms FROM nxt),"
		" cnt AS (SELECT g.*, (SELECT count(*) FROM probe_result r WHERE r.endpoint_id = g.endpoint_id"
		"   AND r.at_ms >= g.from_ms AND r.at_ms < g.upto_ms) AS n FROM rng g),"
		" acc AS (SELECT *, sum(n) OVER (ORDER BY from_ms, endpoint_id ROWS UNBOUNDED PRECEDING) AS total"
		"   FROM cnt)"
		" SELECT endpoint_id, from_ms, upto_ms, n FROM acc WHERE total - n < ?2";
	static const char fold_sql[] =
		"INSERT INTO probe_rollup (endpoint_id, hour, probes, failures, latency_p50_ms,"
		" latency_p95_ms, latency_max_ms, watched_ms, first_ms, last_ms, first_id, last_id)"
		" WITH r AS (SELECT r.id, r.endpoint_id, r.at_ms, r.ok, r.latency_ms,"
		"   r.at_ms / 3600000 * 3600 AS hour,"
		"   r.at_ms - coalesce(lag(r.at_ms) OVER (PARTITION BY r.endpoint_id ORDER BY r.at_ms, r.id),"
		"    max(coalesce((SELECT max(q.at_ms) FROM probe_result q"
		"                  WHERE q.endpoint_id = r.endpoint_id AND q.at_ms < r.at_ms), 0),"
		"        coalesce((SELECT max(u.last_ms) FROM probe_rollup u"
		"                  WHERE u.endpoint_id = r.endpoint_id AND u.last_ms < r.at_ms), 0)))"
		"    AS step_ms"
		"  FROM temp.rollup_range f JOIN probe_result r ON r.endpoint_id = f.endpoint_id"
		"   AND r.at_ms >= f.from_ms AND r.at_ms < f.upto_ms),"
		" l AS (SELECT r.*, row_number() OVER (PARTITION BY endpoint_id, hour"
		"   ORDER BY latency_ms IS NULL, latency_ms) AS k,"
		"   count(latency_ms) OVER (PARTITION BY endpoint_id, hour) AS n FROM r)"
		" SELECT l.endpoint_id, l.hour, count(*), sum(1 - l.ok),"
		"  max(CASE WHEN l.k = (l.n + 1) / 2 AND l.k <= l.n THEN l.latency_ms END),"
		"  max(CASE WHEN l.k = (95 * l.n + 99) / 100 AND l.k <= l.n THEN l.latency_ms END),"
		"  max(l.latency_ms),"
		"  sum(CASE WHEN l.step_ms <= 3 * e.interval_ms + e.timeout_ms THEN l.step_ms ELSE 0 END),"
		"  min(l.at_ms), max(l.at_ms), min(l.id), max(l.id)"
		" FROM l JOIN endpoint e ON e.id = l.endpoint_id"
		" GROUP BY l.endpoint_id, l.hour ORDER BY l.hour, l.endpoint_id";
	static const char mark_sql[] =
		"UPDATE probe_rollup_mark SET folded_ms = (SELECT upto_ms FROM temp.rollup_range f"
		"  WHERE f.endpoint_id = probe_rollup_mark.endpoint_id)"
		" WHERE endpoint_id IN (SELECT endpoint_id FROM temp.rollup_range)";
	int64_t due = 0, folded = 0, waiting = 0;

	if (run3(db, due_sql, now_ms, 0, 0, &due, e) < 0 || run3(db, marks_sql, 0, 0, 0, NULL, e) < 0 ||
	    db_exec(db, "CREATE TEMP TABLE IF NOT EXISTS rollup_range (endpoint_id INTEGER PRIMARY KEY,"
			" from_ms INTEGER, upto_ms INTEGER, n INTEGER)", e) < 0 ||
	    db_exec(db, "DELETE FROM temp.rollup_range", e) < 0 ||
	    run3(db, range_sql, due, limit, 0, NULL, e) < 0 ||
	    db_int64(db, "SELECT coalesce(sum(n), 0) FROM temp.rollup_range", &folded, e) < 0)
		return -1;
	/* the batch entry of the rollups is the ledger's, at commit (ledger_seal) */
	if (folded && run3(db, fold_sql, 0, 0, 0, NULL, e) < 0)
		return -1;
	if (run3(db, mark_sql, 0, 0, 0, NULL, e) < 0 ||
	    run3(db, "SELECT count(*) FROM probe_rollup_mark WHERE folded_ms < ?1", due, 0, 0, &waiting,
		 e) < 0)
		return -1;
	/* more waiting: say the step was full */
	return waiting ? limit : (int)(folded < limit ? folded : limit);
}

/* What history_s removes: each table, the column its time is in (in the
 * column's unit: SCALE per second), and its rows as the ledger has them. */
static const struct history_table {
	const char *table, *column;
	int scale;
	const char *row;
	int sealed_first; /* only rows already in a batch entry go */
} history_tables[] = {
	{"checkin", "at", 1,
	 "json_patch(json_object('system_id', system_id, 'schedule_id', schedule_id, 'at', at,"
	 " 'ok', ok, 'recorded_at', recorded_at, 'note', note), json_object('start_id', start_id,"
	 " 'started_at', started_at, 'exit_status', exit_status, 'size_bytes', size_bytes,"
	 " 'artifact', artifact, 'sha256', sha256))"},
	{"run_start", "started_at", 1,
	 "json_object('system_id', system_id, 'schedule_id', schedule_id, 'started_at',"
	 " started_at, 'recorded_at', recorded_at)"},
	{"backup_due", "due_at", 1, "json_object('schedule_id', schedule_id, 'due_at', due_at)"},
	{"drill", "recovered_at", 1,
	 "json_patch(json_object('system_id', system_id, 'kind', kind, 'started_at', started_at,"
	 " 'recovered_at', recovered_at, 'data_loss_s', data_loss_s, 'notes', notes,"
	 " 'created_at', created_at), json_object('state', state, 'started_ms', started_ms,"
	 " 'recovered_ms', recovered_ms, 'recovered_lower_ms', recovered_lower_ms, 'ended_at',"
	 " ended_at, 'failure', failure, 'command', command, 'command_status', command_status,"
	 " 'command_output', command_output, 'verify_command', verify_command, 'verify_status',"
	 " verify_status, 'verify_output', verify_output, 'abort_command', abort_command,"
	 " 'abort_status', abort_status, 'recovery_point_before', recovery_point_before,"
	 " 'recovery_point_after', recovery_point_after, 'restored_checkin_id', restored_checkin_id,"
	 " 'runner', runner, 'pid', pid))"},
	{"outage", "ended_ms", 1000,
	 "json_object('endpoint_id', endpoint_id, 'system_id', system_id, 'started_ms', started_ms,"
	 " 'ended_ms', ended_ms, 'res_start_ms', res_start_ms, 'res_end_ms', res_end_ms, 'gap', gap,"
	 " 'first_error', first_error, 'planned', planned, 'cause_system_id', cause_system_id)"},
	{"status_history", "at", 1,
	 "json_object('system_id', system_id, 'at', at, 'status', status, 'reason', reason)"},
	{"probe_rollup", "hour", 1, LEDGER_ROLLUP_ROW, 1},
	{"notify_outbox", "created_at", 1,
	 "json_object('key', key, 'channel_id', channel_id, 'channel', channel, 'history_id',"
	 " history_id, 'system_id', system_id, 'at', at, 'kind', kind, 'severity', severity,"
	 " 'payload', payload, 'state', state, 'attempts', attempts, 'next_at_ms', next_at_ms,"
	 " 'last_error', last_error, 'created_at', created_at, 'delivered_at', delivered_at)"},
};

/* Run SQL (made from the constant table above, never from input) with ?1, ?2
 * and ?3 (the ids below which rows may go). */
static int run(struct db *db, const struct strbuf *sql, int64_t a, int64_t b, int64_t below,
	       int64_t *out, struct error *e)
{
	return db_run3(db, strbuf_str(sql), 0, a, b, below, out, "pruning history", e);
}

static int prune_table(struct db *db, const struct history_table *t, int64_t cutoff, int limit,
		       struct error *e)
{
	struct strbuf sql = STRBUF_INIT;
	int64_t before = -1, below = INT64_MAX;
	int n = -1;

	/* Rollups not in a batch entry yet stay until they are (ledger_pending). */
	if (t->sealed_first && (below = ledger_unsealed_from(db, 1, e)) < 0)
		goto out;
	/* Up to the time of the row after the first LIMIT ones, at least past the oldest. */
	strbuf_printf(&sql,
		      "SELECT max(coalesce((SELECT %s FROM %s WHERE %s < ?1 ORDER BY %s LIMIT 1 OFFSET ?2), ?1),"
		      " (SELECT min(%s) + 1 FROM %s WHERE %s < ?1)) WHERE EXISTS (SELECT 1 FROM %s WHERE %s < ?1"
		      " AND id < ?3)",
		      t->column, t->table, t->column, t->column, t->column, t->table, t->column, t->table,
		      t->column);
	if (run(db, &sql, cutoff, limit, below, &before, e) < 0)
		goto out;
	n = 0;
	if (before < 0)
		goto out;
	strbuf_reset(&sql);
	strbuf_printf(&sql,
		      "INSERT INTO ledger_new (kind, payload) SELECT '%s.prune', json_object('table', '%s',"
		      " 'column', '%s', 'before', ?1, 'rows', count(*),"
		      " 'sha3', lower(hex(sha3(group_concat(row, char(10)), 256))))"
		      " FROM (SELECT %s AS row FROM %s WHERE %s < ?1 AND id < ?3 ORDER BY id)",
		      t->table, t->table, t->column, t->row, t->table, t->column);
	if (run(db, &sql, before, 0, below, NULL, e) < 0 ||
	    db_exec(db, "UPDATE audit_context SET pruning = 1 WHERE id = 1", e) < 0) {
		n = -1;
		goto out;
	}
	strbuf_reset(&sql);
	strbuf_printf(&sql, "DELETE FROM %s WHERE %s < ?1 AND id < ?3", t->table, t->column);
	if (run(db, &sql, before, 0, below, NULL, e) < 0)
		n = -1;
	else
		n = sqlite3_changes(db->h);
	if (db_exec(db, "UPDATE audit_context SET pruning = NULL WHERE id = 1", n < 0 ? NULL : e) < 0)
		n = -1;
out:
	strbuf_done(&sql);
	return n;
}

int retention_prune_history(struct db *db, int64_t now_ms, int limit, struct error *e)
{
	int64_t history_s;
	size_t i;
	int total = 0, n;

	if (db_int64(db, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM setting"
			 " WHERE key = 'history_s' AND CAST(value AS INTEGER) > 0), 0)",
		     &history_s, e) < 0)
		return -1;
	if (!history_s)
		return 0; /* kept for ever */
	for (i = 0; i < sizeof(history_tables) / sizeof(history_tables[0]); i++) {
		n = prune_table(db, &history_tables[i],
				(now_ms / 1000 - history_s) * history_tables[i].scale, limit, e);
		if (n < 0)
			return -1;
		total += n;
	}
	return total;
}

int retention_step(struct db *db, int limit, struct error *e)
{
	int64_t now = probe_now_ms();
	int folded, pruned, gone;

	if (db_begin(db, e) < 0)
		return -1;
	if ((folded = retention_rollup(db, now, limit, e)) < 0 ||
	    (pruned = recorder_prune(db, now, limit, e)) < 0 ||
	    (gone = retention_prune_history(db, now, limit, e)) < 0) {
		db_rollback(db);
		return -1;
	}
	if (db_commit(db, e) < 0)
		return -1;
	return folded >= limit || pruned >= limit || gone >= limit;
}

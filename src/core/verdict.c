/*
 * verdict.c - see verdict.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "evidence.h"
#include "inventory.h"
#include "ledger.h"
#include "notify.h"
#include "util.h"
#include "verdict.h"
#include "when.h"

/* The status of every system whose status differs from its last recorded
 * one, read from FROM (the views, or the snapshot a command has just shown),
 * at AT: the time the verdict was evaluated. A snapshot is kept at the time
 * it was taken, not when its history is written (a dashboard writes it after
 * reading the whole board): a change recorded in between by another process
 * is newer, and that system's row is left to the next look. */
#define HISTORY_SQL(FROM, AT)                                                                      \
	"INSERT INTO status_history (system_id, at, status, reason)"                               \
	" SELECT v.system_id, " AT ", v.status, coalesce(v.worst_finding, '')"                     \
	" FROM " FROM " v LEFT JOIN status_latest l ON l.system_id = v.system_id"                  \
	" WHERE v.status IS NOT l.status AND " AT " >= coalesce(l.at, 0)"

static const char history_views_sql[] = HISTORY_SQL("v_system_status", "(SELECT now FROM v_settings)");
static const char history_snapshot_sql[] = HISTORY_SQL(VERDICT_SNAPSHOT_SYSTEMS, "?1");

int verdict_prepare_history(struct db *db, struct error *e)
{
	sqlite3_stmt *st = db_cached(db, history_views_sql, e);

	if (st)
		sqlite3_reset(st);
	return st ? 0 : -1;
}

static int snapshot_fill(struct db *db, struct error *e);

static int write_history(struct db *db, int wait, int snapshot, int *changed, struct error *e);

/* The history removes no probe result or rollup: the batches that wait are
 * left to be sealed when due (a dashboard looks every few seconds), not at
 * every look. */
static int record_history(struct db *db, int wait, int snapshot, int *changed, struct error *e)
{
	int seal = ledger_seal_when_due(db), rc;

	rc = write_history(db, wait, snapshot, changed, e);
	db->seal_defer = seal;
	return rc;
}

static int write_history(struct db *db, int wait, int snapshot, int *changed, struct error *e)
{
	sqlite3_stmt *st;
	int64_t mark = 0, rules = 0, behind = 0;
	int rc, n;

	if (changed)
		*changed = 0;
	if (when_now() > when_real_now() + WHEN_SKEW_S || when_known() || when_replay())
		return 0; /* a verdict about the future, a replay (--now) or of what was known
			   * then (--as-of) is not history: drtop did not say it at its time */
	if ((wait ? db_begin(db, e) : db_try_begin(db, e)) < 0)
		return -1;
	/* The instants backups were due, up to now, before the verdict is read. */
	if (evidence_due_extend(db, 0, when_real_now(), e) < 0) {
		db_rollback(db);
		return -1;
	}
	/* The events of the changes are written with them, in this transaction. */
	if (notify_mark(db, &mark, e) < 0) {
		db_rollback(db);
		return -1;
	}
	/* When a rule hears findings, they are read too: the verdict is then
	 * evaluated once, into the snapshot, rather than once for the statuses
	 * and again for the findings. */
	if (!snapshot && (notify_finding_rules(db, &rules, e) < 0 ||
			  (rules && (snapshot = 1, snapshot_fill(db, e)) < 0))) {
		db_rollback(db);
		return -1;
	}
	st = db_cached(db, snapshot ? history_snapshot_sql : history_views_sql, e);
	if (!st) {
		db_rollback(db);
		return -1;
	}
	if (snapshot)
		sqlite3_bind_int64(st, 1, db->snapshot_now);
	rc = sqlite3_step(st);
	sqlite3_reset(st);
	if (rc != SQLITE_DONE) {
		db_fail(db, e, "recording status history");
		db_rollback(db);
		return -1;
	}
	n = sqlite3_changes(db->h);
	if (changed)
		*changed = n;
	/* History moves forward only (the insert above writes nothing behind a
	 * system's newest change): a clock behind the newest change of any (a
	 * past DRTOP_NOW) tells of no finding, nor reminds of any. */
	if (db_int64(db, "SELECT coalesce(max(at), 0) > (SELECT now FROM v_settings) FROM status_history",
		     &behind, e) < 0) {
		db_rollback(db);
		return -1;
	}
	if ((n > 0 && notify_emit(db, mark, e) < 0) ||
	    (!behind && (notify_emit_findings(db, snapshot, e) < 0 || notify_emit_reminders(db, e) < 0)) ||
	    notify_emit_settled(db, e) < 0) {
		db_rollback(db);
		return -1;
	}
	return db_commit(db, e);
}

int verdict_record_history(struct db *db, int *changed, struct error *e)
{
	return record_history(db, 1, 0, changed, e);
}

int verdict_try_record_history(struct db *db, int *changed, struct error *e)
{
	return record_history(db, 0, 0, changed, e);
}

static int note_history(struct db *db, int snapshot)
{
	struct error e = {0};
	int changed = 0;

	if (sqlite3_db_readonly(db->h, "main") != 1 &&
	    record_history(db, 0, snapshot, &changed, &e) < 0)
		changed = 0;
	error_done(&e);
	return changed;
}

int verdict_note_history(struct db *db)
{
	return note_history(db, 0);
}

/* Append the instants backups were due, up to now, when the file can be
 * written and the clock is not ahead of the real one; a locked database or a
 * read-only file leaves them as they are (the gap since the last successful
 * run still finds a schedule that stopped). */
static void due_refresh(struct db *db)
{
	struct error e = {0};
	int seal;

	if (sqlite3_db_readonly(db->h, "main") == 1 || when_now() > when_real_now() + WHEN_SKEW_S ||
	    when_known())
		return;
	seal = ledger_seal_when_due(db); /* it removes no probe result */
	if (db_try_begin(db, &e) == 0) {
		if (evidence_due_extend(db, 0, when_real_now(), &e) < 0)
			db_rollback(db);
		else
			db_commit(db, &e);
	}
	db->seal_defer = seal;
	error_done(&e);
}

/* The snapshot's table is made once per connection and emptied and filled
 * by statements kept prepared: preparing the verdict's views takes about
 * 100 ms at 10,000 systems, in one call no progress handler interrupts, and
 * a table dropped and made again would have SQLite prepare them anew. */
/* Emptied row by row (the WHERE clause): emptied whole, SQLite frees its
 * pages in one step, some 60 ms for 100,000 rows, that no progress handler
 * interrupts; row by row the handler is called as for any other work. */
static const char snapshot_clear_sql[] = "DELETE FROM temp.verdict_snapshot WHERE rowid > 0";
static const char snapshot_fill_sql[] = "INSERT INTO temp.verdict_snapshot SELECT * FROM v_verdict_rows";

/* Fill temp.verdict_snapshot with the verdict (v_verdict_rows), made the first time. */
static int snapshot_fill(struct db *db, struct error *e)
{
	int64_t made;

	if (db_int64(db, "SELECT count(*) FROM temp.sqlite_schema WHERE name = 'verdict_snapshot'",
		     &made, e) < 0 ||
	    (!made && db_exec(db,
			      "CREATE TEMP TABLE verdict_snapshot AS"
			      " SELECT * FROM v_verdict_rows LIMIT 0",
			      e) < 0))
		return -1;
	if (db_exec_cached(db, snapshot_clear_sql, "clearing the verdict snapshot", e) < 0 ||
	    db_int64(db, "SELECT now FROM v_settings", &db->snapshot_now, e) < 0)
		return -1;
	return db_exec_cached(db, snapshot_fill_sql, "reading the verdict", e);
}

int verdict_snapshot(struct db *db, struct error *e)
{
	due_refresh(db);
	return snapshot_fill(db, e);
}

int verdict_note_snapshot_history(struct db *db)
{
	return note_history(db, 1);
}

void verdict_done(struct verdict *v)
{
	free(v->status);
	free(v->worst_finding);
	free(v->strategy);
	free(v->recommended);
	strbuf_done(&v->findings);
	memset(v, 0, sizeof(*v));
}

int verdict_read(struct db *db, const char *name, struct verdict *v, struct error *e)
{
	sqlite3_stmt *st;
	int64_t id;
	int rc;

	memset(v, 0, sizeof(*v));
	if (inventory_system_id(db, name, &id, e) < 0)
		return -1;
	st = db_prepare(db,
			"SELECT status, worst_finding, strategy, cost_tier, recommended_strategy,"
			" recommended_cost_tier, rto_s, rpo_s FROM v_system_status WHERE system_id = ?1",
			e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		v->status = db_column_strdup(st, 0);
		v->worst_finding = db_column_strdup(st, 1);
		v->strategy = db_column_strdup(st, 2);
		v->cost_tier = sqlite3_column_int(st, 3);
		v->recommended = db_column_strdup(st, 4);
		v->recommended_cost_tier = sqlite3_column_int(st, 5);
		v->rto_s = sqlite3_column_int64(st, 6);
		v->rpo_s = sqlite3_column_int64(st, 7);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return db_fail(db, e, "reading the verdict");
	st = db_prepare(db,
			"SELECT finding, severity, detail FROM v_findings WHERE system_id = ?1"
			" ORDER BY CASE severity WHEN 'BREACH' THEN 0 WHEN 'WARN' THEN 1 ELSE 2 END,"
			" finding",
			e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		strbuf_printf(&v->findings, "%s %s %s\n", sqlite3_column_text(st, 0),
			      sqlite3_column_text(st, 1), sqlite3_column_text(st, 2));
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, e, "reading the findings");
	return 0;
}

int verdict_apply(struct db *db, const char *name, const struct whatif *w, struct error *e)
{
	struct inventory_system s;
	unsigned mask = 0;

	inventory_system_defaults(&s);
	if (w->strategy) {
		s.strategy = strcmp(w->strategy, "none") ? w->strategy : NULL;
		mask |= SYS_STRATEGY;
	}
	if (w->rto_s) {
		s.rto_s = w->rto_s;
		mask |= SYS_RTO;
	}
	if (w->rpo_s) {
		s.rpo_s = w->rpo_s;
		mask |= SYS_RPO;
	}
	if (mask && inventory_system_set(db, name, &s, mask, NULL, e) < 0)
		return -1;
	if (w->schedule_every_s || w->schedule_cron) {
		struct inventory_schedule sc;
		sqlite3_stmt *st;
		int64_t id;

		if (inventory_system_id(db, name, &id, e) < 0)
			return -1;
		st = db_prepare(db, "DELETE FROM main.backup_schedule WHERE system_id = ?1", e);
		if (!st)
			return -1;
		sqlite3_bind_int64(st, 1, id);
		if (inventory_step(db, st, e) < 0)
			return -1;
		inventory_schedule_defaults(&sc);
		sc.name = "what-if";
		sc.every_s = w->schedule_every_s;
		sc.cron = w->schedule_cron;
		sc.tz = w->schedule_tz;
		sc.duration_s = w->schedule_duration_s;
		if (inventory_schedule_put(db, name, &sc, 0, NULL, e) < 0)
			return -1;
	}
	return 0;
}

/* The plan is judged as it stands at drtop's clock, and objectives are
 * effective-dated by the real clock: on the private copy only, objectives
 * tried by a what-if (history rows after LAST) are put in force at drtop's
 * clock, the ones they replace ended then. */
static int in_force_now(struct db *copy, int64_t last, struct error *e)
{
	static const char *const sql[] = {
		"DROP TRIGGER objective_history_no_update",
		"UPDATE objective_history SET valid_to = (SELECT now FROM v_settings)"
		" WHERE id <= ?1 AND system_id IN (SELECT system_id FROM objective_history WHERE id > ?1)"
		" AND coalesce(valid_to, 9e18) > (SELECT now FROM v_settings)",
		"UPDATE objective_history SET valid_from = min(valid_from, (SELECT now FROM v_settings))"
		" WHERE id > ?1",
	};
	size_t i;

	for (i = 0; i < sizeof(sql) / sizeof(sql[0]); i++) {
		sqlite3_stmt *st = db_prepare(copy, sql[i], e);
		int rc;

		if (!st)
			return -1;
		if (i)
			sqlite3_bind_int64(st, 1, last);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return db_fail(copy, e, "trying the plan");
	}
	return 0;
}

/* A private in-memory copy of DB in a transaction, to try plans on: the file
 * is never written or locked, so what-ifs work on a read-only file and beside
 * a writer. *last: the newest objective interval of the real plan. */
static struct db *trial_open(struct db *db, int64_t *last, struct error *e)
{
	struct db *copy = db_private_copy(db, e);

	if (!copy || db_begin(copy, e) < 0 ||
	    db_int64(copy, "SELECT coalesce(max(id), 0) FROM objective_history", last, e) < 0) {
		db_close(copy);
		return NULL;
	}
	return copy;
}

/* Try W on NAME in the trial COPY, in force at drtop's clock; its verdict into AFTER. */
static int trial_run(struct db *copy, int64_t last, const char *name, const struct whatif *w,
		     struct verdict *after, struct error *e)
{
	if (verdict_apply(copy, name, w, e) < 0 || in_force_now(copy, last, e) < 0)
		return -1;
	return verdict_read(copy, name, after, e);
}

static void trial_close(struct db *copy)
{
	db_rollback(copy);
	db_close(copy);
}

int verdict_whatif(struct db *db, const char *name, const struct whatif *w,
		   struct verdict *before, struct verdict *after, struct error *e)
{
	struct db *copy;
	int64_t last = 0;
	int rc;

	memset(after, 0, sizeof(*after));
	if (verdict_read(db, name, before, e) < 0 || !(copy = trial_open(db, &last, e)))
		return -1;
	rc = trial_run(copy, last, name, w, after, e);
	trial_close(copy);
	return rc;
}

/* The catalogue's strategy names, cheapest first. */
static int strategy_names(struct db *db, char ***names, size_t *n, struct error *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT name FROM strategy ORDER BY cost_tier, name", e);
	size_t cap = 0;
	int rc;

	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		*names = xgrow(*names, &cap, *n + 1, sizeof(**names));
		(*names)[(*n)++] = db_column_strdup(st, 0);
	}
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, e, "reading the strategies");
}

int verdict_whatif_strategies(struct db *db, const char *name, struct verdict *before,
			      char ***names, struct verdict **after, size_t *n, struct error *e)
{
	struct db *copy = NULL;
	int64_t last = 0;
	size_t i;
	int rc;

	*names = NULL;
	*after = NULL;
	*n = 0;
	if (verdict_read(db, name, before, e) < 0 || strategy_names(db, names, n, e) < 0)
		return -1;
	*after = xcalloc(*n + 1, sizeof(**after));
	if (!(copy = trial_open(db, &last, e)))
		return -1;
	/* Each strategy in a savepoint rolled back before the next is tried. */
	for (i = 0, rc = 0; rc == 0 && i < *n; i++) {
		struct whatif w = {0};

		w.strategy = (*names)[i];
		rc = db_exec(copy, "SAVEPOINT whatif", e);
		if (rc == 0)
			rc = trial_run(copy, last, name, &w, &(*after)[i], e);
		if (db_exec(copy, "ROLLBACK TO whatif", rc == 0 ? e : NULL) < 0)
			rc = -1;
	}
	trial_close(copy);
	return rc;
}

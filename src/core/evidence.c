/*
 * evidence.c - see evidence.h.
 */
#include "config.h"

#include <string.h>

#include "cron.h"
#include "evidence.h"
#include "inventory.h"
#include "when.h"

/* The schedule a check-in belongs to: the named one, or the only one. */
static int checkin_schedule(struct db *db, int64_t sys, const char *system, const char *name,
			    int64_t *sched, struct error *e)
{
	sqlite3_stmt *st = db_prepare(db,
				      "SELECT id FROM backup_schedule WHERE system_id = ?1 AND "
				      "(?2 IS NULL OR name = ?2)",
				      e);
	int n = 0;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, sys);
	db_bind_text(st, 2, name);
	while (sqlite3_step(st) == SQLITE_ROW) {
		*sched = sqlite3_column_int64(st, 0);
		n++;
	}
	sqlite3_finalize(st);
	if (name && n == 0)
		return error_set(e, ERR_DATA, "system '%s' has no schedule '%s' (see 'drtop schedule "
					      "list %s')", system, name, system);
	if (n != 1)
		*sched = 0;
	return 0;
}

void evidence_run_init(struct evidence_run *r, int64_t at)
{
	memset(r, 0, sizeof(*r));
	r->at = at;
	r->ok = 1;
	r->exit_status = -1;
	r->size_bytes = -1;
}

static int sha256_check(const char *hex, struct error *e)
{
	size_t i;

	for (i = 0; hex[i]; i++)
		if (!strchr("0123456789abcdef", hex[i]))
			break;
	if (i != 64 || hex[i])
		return error_set(e, ERR_DATA, "a SHA-256 is 64 lowercase hexadecimal digits, not '%s'",
				 hex);
	return 0;
}

/* SQL prepared with ?1 the system, ?2 the schedule (NULL when SCHED is 0), ?3 AT. */
static sqlite3_stmt *prepare_run(struct db *db, const char *sql, int64_t sys, int64_t sched,
				 int64_t at, struct error *e)
{
	sqlite3_stmt *st = db_prepare(db, sql, e);

	if (st) {
		sqlite3_bind_int64(st, 1, sys);
		if (sched)
			sqlite3_bind_int64(st, 2, sched);
		sqlite3_bind_int64(st, 3, at);
	}
	return st;
}

/* The newest run of the schedule (or the system, when SCHED is 0) started by
 * AT and not finished: its id and start, or 0. */
static int open_run(struct db *db, int64_t sys, int64_t sched, int64_t at, int64_t *id,
		    int64_t *started, struct error *e)
{
	sqlite3_stmt *st = prepare_run(db,
				       "SELECT r.id, r.started_at FROM run_start r WHERE r.system_id = ?1"
				       " AND r.schedule_id IS ?2 AND r.started_at <= ?3 AND NOT EXISTS"
				       " (SELECT 1 FROM checkin k WHERE k.start_id = r.id)"
				       " ORDER BY r.started_at DESC, r.id DESC LIMIT 1",
				       sys, sched, at, e);

	*id = 0;
	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		*id = sqlite3_column_int64(st, 0);
		*started = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	return 0;
}

int evidence_checkin_add(struct db *db, const char *system, const struct evidence_run *r,
			 int64_t *id, int64_t *started, struct error *e)
{
	sqlite3_stmt *st;
	int64_t sys, sched = 0, now = when_real_now(), start_id = 0, start_at = -1;

	if (inventory_system_id(db, system, &sys, e) < 0 ||
	    inventory_text_check("note", r->note, e) < 0 ||
	    inventory_text_check("artifact", r->artifact, e) < 0 ||
	    (r->sha256 && sha256_check(r->sha256, e) < 0) ||
	    checkin_schedule(db, sys, system, r->schedule, &sched, e) < 0)
		return -1;
	/* AT is the time claimed; the real clock judges "future" and dates the record. */
	if (r->at > now + WHEN_SKEW_S)
		return error_set(e, ERR_DATA, "a check-in cannot be in the future");
	if (open_run(db, sys, sched, r->at, &start_id, &start_at, e) < 0 ||
	    (sched && evidence_due_extend(db, sched, now, e) < 0))
		return -1;
	st = db_prepare(db,
			"INSERT INTO checkin (system_id, schedule_id, at, ok, recorded_at, note,"
			" start_id, started_at, exit_status, size_bytes, artifact, sha256)"
			" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
			e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, sys);
	if (sched)
		sqlite3_bind_int64(st, 2, sched);
	sqlite3_bind_int64(st, 3, r->at);
	sqlite3_bind_int(st, 4, r->ok ? 1 : 0);
	sqlite3_bind_int64(st, 5, now);
	db_bind_text(st, 6, r->note ? r->note : "");
	if (start_id) {
		sqlite3_bind_int64(st, 7, start_id);
		sqlite3_bind_int64(st, 8, start_at);
	}
	if (r->exit_status >= 0)
		sqlite3_bind_int64(st, 9, r->exit_status);
	if (r->size_bytes >= 0)
		sqlite3_bind_int64(st, 10, r->size_bytes);
	db_bind_text(st, 11, r->artifact);
	db_bind_text(st, 12, r->sha256);
	if (inventory_step(db, st, e) < 0)
		return -1;
	if (id)
		*id = sqlite3_last_insert_rowid(db->h);
	if (started)
		*started = start_id ? start_at : -1;
	return 0;
}

int evidence_run_start(struct db *db, const char *system, const char *schedule, int64_t at,
		       int64_t *id, struct error *e)
{
	sqlite3_stmt *st;
	int64_t sys, sched = 0, now = when_real_now();

	if (inventory_system_id(db, system, &sys, e) < 0 ||
	    checkin_schedule(db, sys, system, schedule, &sched, e) < 0)
		return -1;
	if (at > now + WHEN_SKEW_S)
		return error_set(e, ERR_DATA, "a run cannot start in the future");
	if (sched && evidence_due_extend(db, sched, now, e) < 0)
		return -1;
	st = prepare_run(db,
			 "INSERT INTO run_start (system_id, schedule_id, started_at, recorded_at)"
			 " VALUES (?1, ?2, ?3, ?4)",
			 sys, sched, at, e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 4, now);
	if (inventory_step(db, st, e) < 0)
		return -1;
	if (id)
		*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

/*
 * Due instants are appended, never rewritten: each call continues from the
 * newest one kept, so the work is proportional to the time since the last
 * call, and a schedule that changes keeps the instants it was due under its
 * old expression (drtop extends a schedule before changing it).
 */
int evidence_due_extend(struct db *db, int64_t schedule_id, int64_t until, struct error *e)
{
	sqlite3_stmt *sel, *ins;
	int rc = 0;

	sel = db_cached(db,
			"SELECT b.id, b.cron, b.tz, (SELECT max(d.due_at) FROM backup_due d"
			"  WHERE d.schedule_id = b.id),"
			" max(b.created_at, ?2 - (SELECT window_s FROM v_settings)) - 1"
			" FROM backup_schedule b WHERE b.id BETWEEN ?1 AND ?3 AND b.cron IS NOT NULL"
			" AND b.created_at <= ?2",
			e);
	ins = sel ? db_cached(db, "INSERT OR IGNORE INTO backup_due (schedule_id, due_at) VALUES (?1, ?2)",
			      e)
		  : NULL;
	if (!ins)
		return -1;
	/* one schedule by its key (a range the planner can seek), or all of them */
	sqlite3_bind_int64(sel, 1, schedule_id);
	sqlite3_bind_int64(sel, 2, until);
	sqlite3_bind_int64(sel, 3, schedule_id ? schedule_id : INT64_MAX);
	while (rc == 0 && sqlite3_step(sel) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(sel, 0), t;
		const char *tz = (const char *)sqlite3_column_text(sel, 2);
		struct error ce = {0};
		struct cron *c = cron_new((const char *)sqlite3_column_text(sel, 1), tz, &ce);

		error_done(&ce);
		if (!c)
			continue; /* stored before this machine lost its zone: nothing to expand */
		t = sqlite3_column_type(sel, 3) == SQLITE_NULL ? sqlite3_column_int64(sel, 4)
							       : sqlite3_column_int64(sel, 3);
		while (cron_next(c, t, &t) == 0 && t <= until) {
			sqlite3_bind_int64(ins, 1, id);
			sqlite3_bind_int64(ins, 2, t);
			if (sqlite3_step(ins) != SQLITE_DONE)
				rc = db_fail(db, e, "recording when backups were due");
			sqlite3_reset(ins);
			if (rc < 0)
				break;
		}
		cron_free(c);
	}
	sqlite3_reset(sel);
	return rc;
}

int evidence_drill_add(struct db *db, const char *system, const char *kind, int64_t started,
		       int64_t recovered, int64_t data_loss_s, const char *notes, int64_t *id,
		       struct error *e)
{
	sqlite3_stmt *st;
	int64_t sys;

	if (inventory_system_id(db, system, &sys, e) < 0 ||
	    inventory_text_check("notes", notes, e) < 0)
		return -1;
	if (strcmp(kind, "restore") && strcmp(kind, "failover") && strcmp(kind, "tabletop"))
		return error_set(e, ERR_DATA, "drill kind must be restore, failover or tabletop, not '%s'",
				 kind);
	if (recovered < started)
		return error_set(e, ERR_DATA, "a drill cannot recover before it started");
	if (recovered > when_real_now() + WHEN_SKEW_S)
		return error_set(e, ERR_DATA, "a drill cannot have recovered in the future");
	st = db_prepare(db,
			"INSERT INTO drill (system_id, kind, started_at, recovered_at, data_loss_s, "
			"notes, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, sys);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, started);
	sqlite3_bind_int64(st, 4, recovered);
	if (data_loss_s >= 0)
		sqlite3_bind_int64(st, 5, data_loss_s);
	db_bind_text(st, 6, notes ? notes : "");
	sqlite3_bind_int64(st, 7, when_real_now()); /* when it was recorded */
	if (inventory_step(db, st, e) < 0)
		return -1;
	if (id)
		*id = sqlite3_last_insert_rowid(db->h);
	return 0;
}

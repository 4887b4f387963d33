/*
 * evidence.c - see evidence.h.
 */
#include "config.h"

#include <string.h>

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

int evidence_checkin_add(struct db *db, const char *system, const char *schedule, int64_t at,
			 int ok, const char *note, int64_t *id, struct error *e)
{
	sqlite3_stmt *st;
	int64_t sys, sched = 0, now = when_real_now();

	if (inventory_system_id(db, system, &sys, e) < 0 ||
	    inventory_text_check("note", note, e) < 0 ||
	    checkin_schedule(db, sys, system, schedule, &sched, e) < 0)
		return -1;
	/* AT is the time claimed; the real clock judges "future" and dates the record. */
	if (at > now + WHEN_SKEW_S)
		return error_set(e, ERR_DATA, "a check-in cannot be in the future");
	st = db_prepare(db,
			"INSERT INTO checkin (system_id, schedule_id, at, ok, recorded_at, note) "
			"VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, sys);
	if (sched)
		sqlite3_bind_int64(st, 2, sched);
	sqlite3_bind_int64(st, 3, at);
	sqlite3_bind_int(st, 4, ok ? 1 : 0);
	sqlite3_bind_int64(st, 5, now);
	db_bind_text(st, 6, note ? note : "");
	if (inventory_step(db, st, e) < 0)
		return -1;
	if (id)
		*id = sqlite3_last_insert_rowid(db->h);
	return 0;
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

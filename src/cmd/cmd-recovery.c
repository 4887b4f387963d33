/*
 * cmd-recovery.c - drtop recovery-order: the runbook order, dependencies first,
 * in steps of systems that can be recovered in parallel, each with the time it
 * would be back against its RTO (v_recovery_order).
 */
#include "config.h"

#include "cmd.h"
#include "output.h"

static const struct opt opts[] = {
	{"format", "FMT", "table (default), json or csv", 0},
	{NULL},
};

static const char table_sql[] =
	"SELECT step, system, tier, duration_round(rto_s) AS rto,"
	" coalesce(duration_round(recovery_s) || ' (' || estimate || ')', '?') AS takes,"
	/* when it starts and is back: exact, sums where the minutes matter */
	" coalesce('+' || duration(ready_s), '?') AS starts,"
	" coalesce('+' || duration(done_s), '?') AS back,"
	" CASE meets_rto WHEN 1 THEN 'yes' WHEN 0 THEN 'NO' ELSE '?' END AS within_rto,"
	" coalesce(needs, '') AS needs"
	" FROM v_recovery_order ORDER BY position";
static const char data_sql[] =
	"SELECT position, step, system, depth, tier, rto_s, recovery_s, estimate, ready_s, done_s,"
	" meets_rto, needs FROM v_recovery_order ORDER BY position";

static int run(struct ctx *ctx, struct args *a, struct error *e)
{
	sqlite3_stmt *st;
	int rc = output_list(ctx, a, table_sql, data_sql, e), cycles = 0;

	if (rc < 0)
		return -1;
	st = db_prepare(ctx->db,
			"SELECT group_concat(name, ', ') FROM system WHERE id IN (SELECT system_id"
			" FROM v_dependency_reach WHERE system_id = depends_on)",
			e);
	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
		cmd_note("no order exists for systems in a dependency cycle: %s",
			 (const char *)sqlite3_column_text(st, 0));
		cycles = 1;
	}
	sqlite3_finalize(st);
	return cycles ? 65 : 0;
}

const struct cmd cmd_recovery_order = {"recovery-order", NULL,
				       "list the systems in the order to recover them: "
				       "dependencies first, in parallel steps, each with "
				       "when it is back against its RTO",
				       opts, 0, 0, run, NULL, CMD_READ};

/*
 * cmd-status.c - drtop status [SYSTEM]: the verdict on the command line.
 *
 * Reads the verdict once, into a snapshot (v_system_status and v_findings in
 * one evaluation, the same views as the dashboard and the reports), and
 * records any change of status in status_history from the rows it showed.
 */
#include "config.h"

#include <string.h>

#include "cmd.h"
#include "inventory.h"
#include "output.h"
#include "verdict.h"
#include "when.h"

static const struct opt opts[] = {
	{"format", "FMT", "table (default), json or csv", 0},
	{NULL},
};

/* Worst first: BREACH, WARN, UNKNOWN, OK; then the most critical tier. */
#define STATUS_ORDER                                                                              \
	" ORDER BY CASE v.status WHEN 'BREACH' THEN 0 WHEN 'WARN' THEN 1 WHEN 'UNKNOWN' THEN 2"  \
	" ELSE 3 END, v.tier, v.system"

/* The view is read whole, once, into the snapshot (verdict_snapshot), then
 * filtered: a condition pushed down into it would be evaluated per system and
 * cost far more than reading it all. The history is kept from the same rows. */
#define STATUS_ROWS VERDICT_SNAPSHOT_SYSTEMS " v WHERE ?1 IS NULL OR v.system = ?1"

/* Durations rounded to two units; targets beside the evidence in the same
 * units; an outage with its bounds ("40m (38m–41m)", "≥ 10m"). */
static const char table_sql[] =
	"SELECT v.status, v.system, v.tier, coalesce(v.strategy || ' ' || substr('$$$$', 1,"
	" v.cost_tier), '-') AS strategy, duration_versus(v.rto_s, v.worst_recovery_s) AS rto,"
	" coalesce(duration_bounds(v.worst_recovery_s, v.worst_recovery_lower_s,"
	" v.worst_recovery_upper_s, v.rto_s), '-') AS worst_recovery,"
	" duration_versus(v.rpo_s, v.data_lag_s) AS rpo,"
	" coalesce(duration_versus(v.data_lag_s, v.rpo_s), '-') AS data_lag,"
	" coalesce(v.worst_finding, '') AS finding,"
	" coalesce(v.recommended_strategy || ' ' || substr('$$$$', 1, v.recommended_cost_tier),"
	" '-') AS cheapest_fit"
	" FROM " STATUS_ROWS STATUS_ORDER;

static const char data_sql[] =
	"SELECT v.system, v.status, v.worst_finding, v.findings, v.tier, v.rto_s,"
	" v.worst_recovery_s, v.last_recovery_s, v.rpo_s, v.data_lag_s, v.recovery_point_at,"
	" v.strategy, v.cost_tier, v.recommended_strategy, v.recommended_cost_tier,"
	" v.last_probe_at, v.worst_recovery_lower_s, v.worst_recovery_upper_s,"
	" v.last_recovery_lower_s, v.last_recovery_upper_s FROM " STATUS_ROWS STATUS_ORDER;

static const char findings_sql[] =
	"SELECT f.system, f.finding, f.severity,"
	" coalesce(duration_versus(f.target_s, f.measured_s), '-') AS target,"
	" coalesce(CASE WHEN f.lower_s IS NOT NULL OR f.upper_s IS NOT NULL"
	" THEN duration_bounds(f.measured_s, f.lower_s, f.upper_s, f.target_s)"
	" ELSE duration_versus(f.measured_s, f.target_s) END, '-') AS measured,"
	" coalesce(duration_round(f.resolution_s), '-') AS resolution, f.since_iso AS since, f.detail"
	" FROM " VERDICT_SNAPSHOT_FINDINGS " f WHERE ?1 IS NULL OR f.system = ?1"
	" ORDER BY CASE f.severity WHEN 'BREACH' THEN 0 WHEN 'UNKNOWN' THEN 1 WHEN 'WARN' THEN 2"
	" ELSE 3 END, f.system,"
	" f.finding";

static int run(struct ctx *ctx, struct args *a, struct error *e)
{
	enum out_format f;
	sqlite3_stmt *st;
	char iso[WHEN_BUFSZ];
	int64_t id;
	int rc;

	if (output_format(arg(a, "format"), &f, e) < 0)
		return -1;
	if (a->npos && inventory_system_id(ctx->db, a->pos[0], &id, e) < 0)
		return -1;
	if (verdict_snapshot(ctx->db, e) < 0)
		return -1;
	/* A table read later must not pass for the present. */
	if (f == OUT_TABLE && when_clock_note())
		fprintf(ctx->out, "as of %s (%s)\n\n", when_format(when_now(), iso), when_clock_note());
	rc = output_list(ctx, a, table_sql, data_sql, e);
	if (rc == 0 && f == OUT_TABLE) {
		st = db_prepare(ctx->db, findings_sql, e);
		if (!st)
			return -1;
		db_bind_text(st, 1, a->npos ? a->pos[0] : NULL);
		fprintf(ctx->out, "\nfindings:\n");
		rc = output_rows(ctx, ctx->db, st, OUT_TABLE, e);
		sqlite3_finalize(st);
	}
	/* A read: the history is kept when it can be, after the answer. */
	if (rc == 0)
		verdict_note_snapshot_history(ctx->db);
	return rc;
}

const struct cmd cmd_status = {"status", "[SYSTEM]",
			       "show each system's status and the findings behind it, worst first",
			       opts, 0, 1, run, NULL, CMD_READ};

/*
 * cmd-schedule.c - drtop schedule add|list|rm: when backups should run.
 */
#include "config.h"

#include "cmd.h"
#include "duration.h"
#include "inventory.h"
#include "output.h"

static const struct opt add_opts[] = {
	{"cron", "EXPR", "five-field cron expression or @daily, @hourly, ...", 0},
	{"tz", "ZONE", "time zone of the cron expression, e.g. Europe/Berlin (default UTC)", 0},
	{"every", "DUR", "a fixed interval instead of a cron expression", 0},
	{"duration", "DUR", "how long one backup takes (default 0s)", 0},
	{"grace", "DUR", "how late a check-in may be before it counts as missed (default: the backup_grace setting, 1h)", 0},
	{"since", "TIME", "in force since TIME, to back-fill a plan from records (default: now, by the real clock)", 0},
	{NULL},
};

static const struct opt list_opts[] = {
	{"format", "FMT", "table (default), json or csv", 0},
	{NULL},
};

static int run_add(struct ctx *ctx, struct args *a, struct error *e)
{
	struct inventory_schedule s;

	inventory_schedule_defaults(&s);
	s.name = a->pos[1];
	s.cron = arg(a, "cron");
	s.tz = arg(a, "tz");
	if (!s.cron && !arg(a, "every"))
		return error_set(e, ERR_USAGE, "drtop schedule add: give --cron EXPR or --every DUR");
	if (s.cron && arg(a, "every"))
		return error_set(e, ERR_USAGE, "drtop schedule add: give --cron or --every, not both");
	if (arg_duration(a, "every", 0, &s.every_s, e) < 0 ||
	    arg_duration(a, "duration", DURATION_ZERO_OK, &s.duration_s, e) < 0 ||
	    arg_duration(a, "grace", DURATION_ZERO_OK, &s.grace_s, e) < 0 ||
	    arg_since(a, &s.since, e) < 0)
		return -1;
	if (db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, inventory_schedule_put(ctx->db, a->pos[0], &s, 0, NULL, e), e) < 0)
		return -1;
	fprintf(ctx->out, "added schedule %s to %s\n", s.name, a->pos[0]);
	return 0;
}

static const char table_sql[] =
	"SELECT s.name AS system, b.name AS schedule,"
	" coalesce(b.cron, 'every ' || duration(b.every_s)) AS runs,"
	" coalesce(b.tz, CASE WHEN b.cron IS NULL THEN '-' ELSE 'UTC' END) AS zone,"
	" duration(b.duration_s) AS takes, duration(coalesce(b.grace_s, (SELECT CAST(value"
	" AS INTEGER) FROM setting WHERE key = 'backup_grace_s'))) AS grace,"
	" duration(b.max_gap_s) AS max_gap"
	" FROM backup_schedule b JOIN system s ON s.id = b.system_id"
	" WHERE ?1 IS NULL OR s.name = ?1 ORDER BY s.name, b.name";
static const char data_sql[] =
	"SELECT s.name AS system, b.name AS schedule, b.cron, b.tz, b.every_s, b.duration_s,"
	" b.grace_s, b.max_gap_s FROM backup_schedule b JOIN system s ON s.id = b.system_id"
	" WHERE ?1 IS NULL OR s.name = ?1 ORDER BY s.name, b.name";

static int run_list(struct ctx *ctx, struct args *a, struct error *e)
{
	return output_list(ctx, a, table_sql, data_sql, e);
}

static int run_rm(struct ctx *ctx, struct args *a, struct error *e)
{
	if (db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, inventory_schedule_rm(ctx->db, a->pos[0], a->pos[1], e), e) < 0)
		return -1;
	fprintf(ctx->out, "removed schedule %s from %s\n", a->pos[1], a->pos[0]);
	return 0;
}

const struct cmd cmd_schedule[] = {
	{"add", "SYSTEM NAME", "add a backup schedule (cron expression or fixed interval)",
	 add_opts, 2, 2, run_add},
	{"list", "[SYSTEM]", "list backup schedules with their largest gap between runs", list_opts,
	 0, 1, run_list, NULL, CMD_READ},
	{"rm", "SYSTEM NAME", "remove a backup schedule", NULL, 2, 2, run_rm},
	{NULL},
};

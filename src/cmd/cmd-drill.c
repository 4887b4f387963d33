/*
 * cmd-drill.c - drtop drill add|list: recorded recovery exercises.
 */
#include "config.h"

#include "cmd.h"
#include "duration.h"
#include "evidence.h"
#include "inventory.h"
#include "output.h"

static const struct opt add_opts[] = {
	{"kind", "KIND", "restore, failover or tabletop", OPT_REQUIRED},
	{"started", "TIME", "when the recovery began", OPT_REQUIRED},
	{"recovered", "TIME", "when the system was back in service", OPT_REQUIRED},
	{"data-loss", "DUR", "how much data, as time, was lost", 0},
	{"notes", "TEXT", "what happened", 0},
	{NULL},
};

static const struct opt list_opts[] = {
	{"format", "FMT", "table (default), json or csv", 0},
	{NULL},
};

static int run_add(struct ctx *ctx, struct args *a, struct error *e)
{
	int64_t started = 0, recovered = 0, loss = -1, id;
	char buf[DURATION_BUFSZ];

	if (arg_time(a, "started", &started, e) < 0 || arg_time(a, "recovered", &recovered, e) < 0 ||
	    arg_duration(a, "data-loss", DURATION_ZERO_OK, &loss, e) < 0)
		return -1;
	if (db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, evidence_drill_add(ctx->db, a->pos[0], arg(a, "kind"), started,
					       recovered, loss, arg(a, "notes"), &id, e), e) < 0)
		return -1;
	fprintf(ctx->out, "recorded %s drill %lld of %s: recovered in %s\n", arg(a, "kind"),
		(long long)id, a->pos[0], duration_format(recovered - started, buf));
	return 0;
}

static const char list_table_sql[] =
	"SELECT d.id, s.name AS system, d.kind, iso_time(d.started_at) AS"
	" started, duration(d.recovery_s) AS recovery,"
	" coalesce(duration(d.data_loss_s), '-') AS data_loss, d.notes"
	" FROM drill d JOIN system s ON s.id = d.system_id"
	" WHERE ?1 IS NULL OR s.name = ?1 ORDER BY d.started_at DESC";
static const char list_data_sql[] =
	"SELECT d.id, s.name AS system, d.kind, d.started_at, d.recovered_at,"
	" d.recovery_s, d.data_loss_s, d.notes FROM drill d"
	" JOIN system s ON s.id = d.system_id"
	" WHERE ?1 IS NULL OR s.name = ?1 ORDER BY d.started_at DESC";

static int run_list(struct ctx *ctx, struct args *a, struct error *e)
{
	return output_list(ctx, a, list_table_sql, list_data_sql, e);
}

const struct cmd cmd_drill[] = {
	{"add", "SYSTEM", "record a recovery drill and its measured times", add_opts, 1, 1, run_add},
	{"list", "[SYSTEM]", "list drills, newest first", list_opts, 0, 1, run_list, NULL, CMD_READ},
	{NULL},
};

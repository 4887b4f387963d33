/*
 * cmd-maintenance.c - drtop maintenance add|list|rm: planned downtime.
 *
 * Outages inside a declared window are recorded and shown as planned, and
 * left out of the RTO verdict.
 */
#include "config.h"

#include <stdlib.h>

#include "cmd.h"
#include "inventory.h"
#include "output.h"

static const struct opt add_opts[] = {
	{"from", "TIME", "start of the window", OPT_REQUIRED},
	{"to", "TIME", "end of the window", OPT_REQUIRED},
	{"reason", "TEXT", "why", 0},
	{NULL},
};

static const struct opt list_opts[] = {
	{"format", "FMT", "table (default), json or csv", 0},
	{NULL},
};

static int run_add(struct ctx *ctx, struct args *a, struct error *e)
{
	int64_t from = 0, to = 0, id;

	if (arg_time(a, "from", &from, e) < 0 || arg_time(a, "to", &to, e) < 0)
		return -1;
	if (db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, inventory_maintenance_put(ctx->db, a->pos[0], from, to, arg(a, "reason"),
						      0, &id, NULL, e), e) < 0)
		return -1;
	fprintf(ctx->out, "added maintenance window %lld to %s\n", (long long)id, a->pos[0]);
	return 0;
}

static const char list_table_sql[] =
	"SELECT m.id, s.name AS system, iso_time(m.starts_at) AS starts,"
	" iso_time(m.ends_at) AS ends, duration(m.ends_at - m.starts_at) AS"
	" length, m.reason FROM maintenance_window m JOIN system s ON"
	" s.id = m.system_id WHERE ?1 IS NULL OR s.name = ?1"
	" ORDER BY m.starts_at, s.name";
static const char list_data_sql[] =
	"SELECT m.id, s.name AS system, m.starts_at, m.ends_at, m.reason"
	" FROM maintenance_window m JOIN system s ON s.id = m.system_id"
	" WHERE ?1 IS NULL OR s.name = ?1 ORDER BY m.starts_at, s.name";

static int run_list(struct ctx *ctx, struct args *a, struct error *e)
{
	return output_list(ctx, a, list_table_sql, list_data_sql, e);
}

static int run_rm(struct ctx *ctx, struct args *a, struct error *e)
{
	char *end;
	long long id = strtoll(a->pos[0], &end, 10);

	if (!*a->pos[0] || *end || id <= 0)
		return error_set(e, ERR_USAGE, "drtop maintenance rm: expected a window id (see "
					       "'drtop maintenance list'), not '%s'", a->pos[0]);
	if (db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, inventory_maintenance_rm(ctx->db, id, e), e) < 0)
		return -1;
	fprintf(ctx->out, "removed maintenance window %lld\n", id);
	return 0;
}

const struct cmd cmd_maintenance[] = {
	{"add", "SYSTEM", "declare a maintenance window", add_opts, 1, 1, run_add},
	{"list", "[SYSTEM]", "list maintenance windows", list_opts, 0, 1, run_list, NULL, CMD_READ},
	{"rm", "ID", "remove a maintenance window", NULL, 1, 1, run_rm},
	{NULL},
};

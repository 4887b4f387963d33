/*
 * cmd-depend.c - drtop depend add|rm|list: system A depends on system B.
 */
#include "config.h"

#include "cmd.h"
#include "inventory.h"
#include "output.h"

static const struct opt on_opts[] = {
	{"on", "OTHER", "the system it depends on", OPT_REQUIRED},
	{NULL},
};

static const struct opt list_opts[] = {
	{"format", "FMT", "table (default), json or csv", 0},
	{NULL},
};

static int run_add(struct ctx *ctx, struct args *a, struct error *e)
{
	if (db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, inventory_depend_add(ctx->db, a->pos[0], arg(a, "on"), 0, NULL, e), e) < 0)
		return -1;
	fprintf(ctx->out, "%s now depends on %s\n", a->pos[0], arg(a, "on"));
	return 0;
}

static int run_rm(struct ctx *ctx, struct args *a, struct error *e)
{
	if (db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, inventory_depend_rm(ctx->db, a->pos[0], arg(a, "on"), e), e) < 0)
		return -1;
	fprintf(ctx->out, "%s no longer depends on %s\n", a->pos[0], arg(a, "on"));
	return 0;
}

static const char list_sql[] =
	"SELECT s.name AS system, o.name AS depends_on FROM dependency d"
	" JOIN system s ON s.id = d.system_id JOIN system o ON o.id = d.depends_on"
	" WHERE ?1 IS NULL OR s.name = ?1 OR o.name = ?1 ORDER BY s.name, o.name";

static int run_list(struct ctx *ctx, struct args *a, struct error *e)
{
	return output_list(ctx, a, list_sql, list_sql, e);
}

const struct cmd cmd_depend[] = {
	{"add", "SYSTEM", "record that SYSTEM needs OTHER to work", on_opts, 1, 1, run_add},
	{"rm", "SYSTEM", "remove a dependency", on_opts, 1, 1, run_rm},
	{"list", "[SYSTEM]", "list dependencies (of or on SYSTEM)", list_opts, 0, 1, run_list, NULL, CMD_READ},
	{NULL},
};

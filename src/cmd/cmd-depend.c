/*
 * cmd-depend.c - drtop depend add|rm|list: system A depends on system B.
 */
#include "config.h"

#include <stdlib.h>

#include "cmd.h"
#include "inventory.h"
#include "output.h"
#include "util.h"

static const struct opt on_opts[] = {
	{"on", "OTHER", "the system it depends on", OPT_REQUIRED},
	{NULL},
};

static const struct opt list_opts[] = {
	{"format", "FMT", "table (default), json or csv", 0},
	{NULL},
};

/* A dependency that closes a cycle is kept (the plan is the operator's), but
 * said at once: no recovery order exists while it stands. */
static void warn_cycle(struct ctx *ctx, const char *name)
{
	int64_t id, cycle = 0;
	char *sql;

	if (inventory_system_id(ctx->db, name, &id, NULL) < 0)
		return;
	sql = xasprintf("WITH RECURSIVE r(id) AS (SELECT depends_on FROM dependency WHERE system_id = %lld"
			" UNION SELECT d.depends_on FROM r JOIN dependency d ON d.system_id = r.id)"
			" SELECT EXISTS (SELECT 1 FROM r WHERE id = %lld)",
			(long long)id, (long long)id);
	if (db_int64(ctx->db, sql, &cycle, NULL) == 0 && cycle)
		cmd_note("warning: %s now depends on itself through its dependencies: no recovery order "
			 "exists while it does (finding dependency-cycle)", name);
	free(sql);
}

static int run_add(struct ctx *ctx, struct args *a, struct error *e)
{
	if (db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, inventory_depend_add(ctx->db, a->pos[0], arg(a, "on"), 0, NULL, e), e) < 0)
		return -1;
	fprintf(ctx->out, "%s now depends on %s\n", a->pos[0], arg(a, "on"));
	warn_cycle(ctx, a->pos[0]);
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

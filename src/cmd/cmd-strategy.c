/*
 * cmd-strategy.c - drtop strategy list|set: the catalogue of recovery
 * strategies with their cost tiers and typical RTO and RPO.
 */
#include "config.h"

#include "cmd.h"
#include "inventory.h"
#include "output.h"

static const struct opt set_opts[] = {
	{"rto", "DUR", "typical recovery time of this strategy", 0},
	{"rpo", "DUR", "typical data loss of this strategy", 0},
	{"cost-tier", "1-4", "relative cost, 1 ($) to 4 ($$$$)", 0},
	{"description", "TEXT", "what it means here", 0},
	{"reason", "TEXT",
	 "why, kept in the ledger (required for figures and cost tier when the require-reason "
	 "setting is on)",
	 0},
	{NULL},
};

static const struct opt list_opts[] = {
	{"format", "FMT", "table (default), json or csv", 0},
	{NULL},
};

static const char list_table_sql[] =
	"SELECT name, substr('$$$$', 1, cost_tier) AS cost, duration(rto_s)"
	" AS typical_rto, duration(rpo_s) AS typical_rpo, description FROM"
	" strategy ORDER BY cost_tier, name";
static const char list_data_sql[] =
	"SELECT name, cost_tier, rto_s, rpo_s, description FROM strategy"
	" ORDER BY cost_tier, name";

static int run_list(struct ctx *ctx, struct args *a, struct error *e)
{
	return output_list(ctx, a, list_table_sql, list_data_sql, e);
}

static int run_set(struct ctx *ctx, struct args *a, struct error *e)
{
	int64_t rto = 0, rpo = 0;
	long cost = 0;
	unsigned mask = 0;

	if (arg_duration(a, "rto", 0, &rto, e) < 0 || arg_duration(a, "rpo", 0, &rpo, e) < 0 ||
	    arg_int(a, "cost-tier", 1, 4, &cost, e) < 0)
		return -1;
	mask |= arg(a, "rto") ? STRAT_RTO : 0;
	mask |= arg(a, "rpo") ? STRAT_RPO : 0;
	mask |= arg(a, "cost-tier") ? STRAT_COST : 0;
	mask |= arg(a, "description") ? STRAT_DESCRIPTION : 0;
	if (!mask)
		return error_set(e, ERR_USAGE, "drtop strategy set: nothing to change; see "
					       "'drtop strategy set --help'");
	if (cmd_reason(ctx, a, mask & (STRAT_RTO | STRAT_RPO | STRAT_COST), e) < 0 ||
	    db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, inventory_strategy_set(ctx->db, a->pos[0], rto, rpo, cost,
						   arg(a, "description"), mask, e), e) < 0)
		return -1;
	fprintf(ctx->out, "changed strategy %s\n", a->pos[0]);
	return 0;
}

const struct cmd cmd_strategy[] = {
	{"list", NULL, "list strategies with cost tier and typical RTO and RPO", list_opts, 0, 0,
	 run_list, NULL, CMD_READ},
	{"set", "NAME", "change a strategy's typical figures or cost tier", set_opts, 1, 1, run_set},
	{NULL},
};

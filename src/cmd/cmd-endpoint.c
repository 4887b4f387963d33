/*
 * cmd-endpoint.c - drtop endpoint add|list|rm: the URLs drtop probes.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "inventory.h"
#include "output.h"

static const struct opt add_opts[] = {
	{"kind", "KIND", "health (is it up?) or freshness (how old is its data?); default health",
	 0},
	{"interval", "DUR", "time between probes (default 60s)", 0},
	{"timeout", "DUR", "give up on a probe after this long (default 10s)", 0},
	{"expect", "CODES", "status codes that mean success (default 200-399)", 0},
	{"body", "TEXT", "the response must contain TEXT", 0},
	{"json-path", "PATH", "freshness: JSON field holding a timestamp or a lag, e.g. "
			      "$.last_backup", 0},
	{"header", "'Name: value'", "send a header; ${VAR} is read from the environment at probe "
				    "time and never stored (credentials must use it)", OPT_MULTI},
	{"max-latency", "DUR", "a slower answer counts as a failure", 0},
	{"insecure", NULL, "do not verify the TLS certificate (shown in reports)", 0},
	{"disabled", NULL, "add it but do not probe it", 0},
	{"since", "TIME", "in force since TIME, to back-fill a plan from records (default: now, by the real clock)", 0},
	{NULL},
};

static const struct opt list_opts[] = {
	{"format", "FMT", "table (default), json or csv", 0},
	{NULL},
};

static int run_add(struct ctx *ctx, struct args *a, struct error *e)
{
	struct inventory_endpoint ep;
	int64_t id;

	inventory_endpoint_defaults(&ep);
	ep.url = a->pos[1];
	if (arg(a, "kind"))
		ep.kind = arg(a, "kind");
	if (arg(a, "expect"))
		ep.expect = arg(a, "expect");
	ep.body_match = arg(a, "body");
	ep.json_path = arg(a, "json-path");
	ep.headers = arg_all(a, "header", &ep.nheaders);
	ep.tls_verify = !arg(a, "insecure");
	ep.enabled = !arg(a, "disabled");
	if (arg_duration_ms(a, "interval", &ep.interval_ms, e) < 0 ||
	    arg_duration_ms(a, "timeout", &ep.timeout_ms, e) < 0 ||
	    arg_duration_ms(a, "max-latency", &ep.max_latency_ms, e) < 0 ||
	    arg_since(a, &ep.since, e) < 0)
		return -1;
	if (db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, inventory_endpoint_put(ctx->db, a->pos[0], &ep, 0, &id, NULL, e), e) < 0)
		return -1;
	fprintf(ctx->out, "added %s endpoint %lld to %s\n", ep.kind, (long long)id, a->pos[0]);
	return 0;
}

static const char table_sql[] =
	"SELECT e.id, s.name AS system, e.kind, e.url, duration_ms(e.interval_ms) AS every,"
	" duration_ms(e.timeout_ms) AS timeout, e.expect,"
	" CASE WHEN e.tls_verify THEN '' ELSE 'insecure' END AS tls,"
	" CASE WHEN e.enabled THEN 'yes' ELSE 'no' END AS enabled"
	" FROM endpoint e JOIN system s ON s.id = e.system_id"
	" WHERE ?1 IS NULL OR s.name = ?1 ORDER BY s.name, e.url, e.kind";
static const char data_sql[] =
	"SELECT e.id, s.name AS system, e.kind, e.url, e.interval_ms, e.timeout_ms, e.expect,"
	" e.body_match, e.json_path, json(e.headers) AS headers, e.max_latency_ms, e.tls_verify, e.enabled"
	" FROM endpoint e JOIN system s ON s.id = e.system_id"
	" WHERE ?1 IS NULL OR s.name = ?1 ORDER BY s.name, e.url, e.kind";

static int run_list(struct ctx *ctx, struct args *a, struct error *e)
{
	return output_list(ctx, a, table_sql, data_sql, e);
}

static const struct opt rm_opts[] = {
	{"purge", NULL, "remove its recorded evidence too: its probes and outages leave the verdict", 0},
	{NULL},
};

static int run_rm(struct ctx *ctx, struct args *a, struct error *e)
{
	char *end;
	long long id = strtoll(a->pos[0], &end, 10);

	if (!*a->pos[0] || *end || id <= 0)
		return error_set(e, ERR_USAGE, "drtop endpoint rm: expected an endpoint id (see "
					       "'drtop endpoint list'), not '%s'", a->pos[0]);
	if (db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, inventory_endpoint_rm(ctx->db, id, arg(a, "purge") != NULL, e), e) < 0)
		return -1;
	fprintf(ctx->out, "removed endpoint %lld\n", id);
	return 0;
}

const struct cmd cmd_endpoint[] = {
	{"add", "SYSTEM URL", "add an http, https or file URL to probe", add_opts, 2, 2, run_add},
	{"list", "[SYSTEM]", "list endpoints", list_opts, 0, 1, run_list, NULL, CMD_READ},
	{"rm", "ID", "remove an endpoint (with --purge, one that has evidence: its probes and outages)",
	 rm_opts, 1, 1, run_rm},
	{NULL},
};

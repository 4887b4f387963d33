/*
 * cmd-system.c - drtop system add|list|show|set|rm: the inventory of systems.
 */
#include "config.h"

#include <string.h>

#include "cmd.h"
#include "inventory.h"
#include "output.h"
#include "transfer.h"
#include "util.h"

static const struct opt add_opts[] = {
	{"rto", "DUR", "recovery time objective: the longest tolerable outage", OPT_REQUIRED},
	{"rpo", "DUR", "recovery point objective: the most tolerable data loss", OPT_REQUIRED},
	{"strategy", "NAME", "recovery strategy (see 'drtop strategy list')", 0},
	{"tier", "0-3", "criticality, 0 most critical (default 2)", 0},
	{"owner", "TEXT", "who answers for it", 0},
	{"description", "TEXT", "what it is", 0},
	{"disabled", NULL, "keep it in the inventory but do not probe it", 0},
	{"since", "TIME", "in force since TIME, to back-fill a plan from records (default: now, by the real clock)", 0},
	{"reason", "TEXT", "why, kept in the ledger", 0},
	{NULL},
};

static const struct opt set_opts[] = {
	{"name", "NAME", "rename the system", 0},
	{"rto", "DUR", "recovery time objective", 0},
	{"rpo", "DUR", "recovery point objective", 0},
	{"strategy", "NAME", "recovery strategy; 'none' clears it", 0},
	{"tier", "0-3", "criticality, 0 most critical", 0},
	{"owner", "TEXT", "who answers for it", 0},
	{"description", "TEXT", "what it is", 0},
	{"enable", NULL, "probe it again", 0},
	{"disable", NULL, "keep it but do not probe it", 0},
	{"reason", "TEXT",
	 "why, kept in the ledger (required for objectives, strategy and tier when the "
	 "require-reason setting is on)",
	 0},
	{NULL},
};

static const struct opt format_opts[] = {
	{"format", "FMT", "table (default), json or csv", 0},
	{NULL},
};

static const struct opt rm_opts[] = {
	{"force", NULL, "also remove its endpoints, schedules, dependencies and evidence", 0},
	{NULL},
};

/* Read the options shared by add and set into S; MASK gets what was given. */
static int read_fields(const struct args *a, struct inventory_system *s, unsigned *mask,
		       struct error *e)
{
	*mask = 0;
	if (arg_duration(a, "rto", 0, &s->rto_s, e) < 0 || arg_duration(a, "rpo", 0, &s->rpo_s, e) < 0 ||
	    arg_int(a, "tier", 0, 3, &s->tier, e) < 0)
		return -1;
	*mask |= arg(a, "rto") ? SYS_RTO : 0;
	*mask |= arg(a, "rpo") ? SYS_RPO : 0;
	*mask |= arg(a, "tier") ? SYS_TIER : 0;
	if (arg(a, "strategy")) {
		s->strategy = strcmp(arg(a, "strategy"), "none") ? arg(a, "strategy") : NULL;
		*mask |= SYS_STRATEGY;
	}
	if (arg(a, "owner")) {
		s->owner = arg(a, "owner");
		*mask |= SYS_OWNER;
	}
	if (arg(a, "description")) {
		s->description = arg(a, "description");
		*mask |= SYS_DESCRIPTION;
	}
	return 0;
}

static int run_add(struct ctx *ctx, struct args *a, struct error *e)
{
	struct inventory_system s;
	unsigned mask;

	inventory_system_defaults(&s);
	s.name = a->pos[0];
	if (read_fields(a, &s, &mask, e) < 0)
		return -1;
	s.enabled = !arg(a, "disabled");
	if (arg_since(a, &s.since, e) < 0 || cmd_reason(ctx, a, 0, e) < 0 ||
	    db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, inventory_system_put(ctx->db, &s, 0, NULL, e), e) < 0)
		return -1;
	fprintf(ctx->out, "added system %s\n", s.name);
	return 0;
}

static int run_set(struct ctx *ctx, struct args *a, struct error *e)
{
	struct inventory_system s;
	unsigned mask;
	int changed = 0;

	inventory_system_defaults(&s);
	if (read_fields(a, &s, &mask, e) < 0)
		return -1;
	if (arg(a, "name")) {
		s.name = arg(a, "name");
		mask |= SYS_NAME;
	}
	if (arg(a, "enable") && arg(a, "disable"))
		return error_set(e, ERR_USAGE, "--enable and --disable contradict each other");
	if (arg(a, "enable") || arg(a, "disable")) {
		s.enabled = arg(a, "enable") != NULL;
		mask |= SYS_ENABLED;
	}
	if (!mask)
		return error_set(e, ERR_USAGE, "drtop system set: nothing to change; see "
					       "'drtop system set --help'");
	if (cmd_reason(ctx, a, mask & (SYS_RTO | SYS_RPO | SYS_STRATEGY | SYS_TIER), e) < 0 ||
	    db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, inventory_system_set(ctx->db, a->pos[0], &s, mask, &changed, e), e) < 0)
		return -1;
	fprintf(ctx->out, "%s system %s\n", changed ? "changed" : "no change to",
		mask & SYS_NAME ? s.name : a->pos[0]);
	return 0;
}

static int run_rm(struct ctx *ctx, struct args *a, struct error *e)
{
	if (db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, inventory_system_rm(ctx->db, a->pos[0], arg(a, "force") != NULL, e), e) < 0)
		return -1;
	fprintf(ctx->out, "removed system %s\n", a->pos[0]);
	return 0;
}

static const char list_table_sql[] =
	"SELECT s.name, s.tier, duration(s.rto_s) AS rto, duration(s.rpo_s) AS rpo,"
	" coalesce(s.strategy, '-') AS strategy, coalesce(substr('$$$$', 1, st.cost_tier), '')"
	" AS cost, (SELECT count(*) FROM endpoint e WHERE e.system_id = s.id) AS endpoints,"
	" (SELECT count(*) FROM backup_schedule b WHERE b.system_id = s.id) AS schedules,"
	" CASE WHEN s.enabled THEN 'yes' ELSE 'no' END AS enabled, s.owner"
	" FROM system s LEFT JOIN strategy st ON st.name = s.strategy"
	" WHERE ?1 IS NULL OR s.name = ?1 ORDER BY s.tier, s.name";

static const char list_data_sql[] =
	"SELECT s.name, s.tier, s.rto_s, s.rpo_s, s.strategy, st.cost_tier, s.owner,"
	" s.description, s.enabled,"
	" (SELECT count(*) FROM endpoint e WHERE e.system_id = s.id) AS endpoints,"
	" (SELECT count(*) FROM backup_schedule b WHERE b.system_id = s.id) AS schedules,"
	" s.created_at, s.updated_at"
	" FROM system s LEFT JOIN strategy st ON st.name = s.strategy"
	" WHERE ?1 IS NULL OR s.name = ?1 ORDER BY s.tier, s.name";

static int list(struct ctx *ctx, const char *name, enum out_format f, struct error *e)
{
	sqlite3_stmt *st = db_prepare(ctx->db, f == OUT_TABLE ? list_table_sql : list_data_sql, e);
	int rc;

	if (!st)
		return -1;
	db_bind_text(st, 1, name);
	rc = output_rows(ctx, ctx->db, st, f, e);
	sqlite3_finalize(st);
	return rc;
}

static int run_list(struct ctx *ctx, struct args *a, struct error *e)
{
	enum out_format f;

	if (output_format(arg(a, "format"), &f, e) < 0)
		return -1;
	return list(ctx, NULL, f, e);
}

static int run_show(struct ctx *ctx, struct args *a, struct error *e)
{
	static const struct {
		const char *title, *sql;
	} sections[] = {
		{"endpoints",
		 "SELECT id, kind, url, duration_ms(interval_ms) AS every,"
		 " duration_ms(timeout_ms) AS timeout, expect,"
		 " CASE WHEN enabled THEN 'yes' ELSE 'no' END AS enabled"
		 " FROM endpoint WHERE system_id = ?1 ORDER BY url, kind"},
		{"backup schedules",
		 "SELECT name, coalesce(cron, 'every ' || duration(every_s)) AS schedule,"
		 " coalesce(tz, CASE WHEN cron IS NULL THEN '-' ELSE 'UTC' END) AS zone,"
		 " duration(duration_s) AS takes, duration(coalesce(grace_s, (SELECT CAST(value AS"
		 " INTEGER) FROM setting WHERE key = 'backup_grace_s'))) AS grace,"
		 " duration(max_gap_s) AS max_gap FROM backup_schedule WHERE system_id = ?1"
		 " ORDER BY name"},
		{"depends on",
		 "SELECT o.name, duration(o.rto_s) AS rto, duration(o.rpo_s) AS rpo FROM dependency d"
		 " JOIN system o ON o.id = d.depends_on WHERE d.system_id = ?1 ORDER BY o.name"},
		{"needed by",
		 "SELECT o.name, duration(o.rto_s) AS rto, duration(o.rpo_s) AS rpo FROM dependency d"
		 " JOIN system o ON o.id = d.system_id WHERE d.depends_on = ?1 ORDER BY o.name"},
		{"maintenance windows",
		 "SELECT id, iso_time(starts_at) AS starts, iso_time(ends_at) AS ends, reason"
		 " FROM maintenance_window WHERE system_id = ?1 ORDER BY starts_at"},
	};
	static const char head_sql[] =
		"SELECT s.name, s.tier, duration(s.rto_s), duration(s.rpo_s),"
		" coalesce(s.strategy || ' (' || substr('$$$$', 1, st.cost_tier) || ')', '-'),"
		" s.owner, s.description, CASE WHEN s.enabled THEN 'yes' ELSE 'no' END,"
		" iso_time(s.created_at), iso_time(s.updated_at)"
		" FROM system s LEFT JOIN strategy st ON st.name = s.strategy WHERE s.id = ?1";
	static const char *const labels[] = {"name",  "tier",        "rto",     "rpo",
					     "strategy", "owner", "description", "enabled",
					     "created", "updated"};
	enum out_format f;
	sqlite3_stmt *st;
	int64_t id;
	size_t i;

	if (output_format(arg(a, "format"), &f, e) < 0 ||
	    inventory_system_id(ctx->db, a->pos[0], &id, e) < 0)
		return -1;
	if (f == OUT_JSON) {
		struct strbuf sb = STRBUF_INIT;

		if (transfer_export(ctx->db, a->pos[0], &sb, e) < 0) {
			strbuf_done(&sb);
			return -1;
		}
		fputs(strbuf_str(&sb), ctx->out);
		strbuf_done(&sb);
		return 0;
	}
	if (f == OUT_CSV)
		return list(ctx, a->pos[0], f, e);
	st = db_prepare(ctx->db, head_sql, e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	if (sqlite3_step(st) == SQLITE_ROW) {
		for (i = 0; i < sizeof(labels) / sizeof(labels[0]); i++) {
			struct strbuf v = STRBUF_INIT;

			output_printable(&v, (const char *)sqlite3_column_text(st, (int)i));
			fprintf(ctx->out, "%-12s %s\n", labels[i], strbuf_str(&v));
			strbuf_done(&v);
		}
	}
	sqlite3_finalize(st);
	for (i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
		if (output_section(ctx, sections[i].title, sections[i].sql, id, e) < 0)
			return -1;
	return 0;
}

const struct cmd cmd_system[] = {
	{"add", "NAME", "add a system with its recovery objectives", add_opts, 1, 1, run_add},
	{"list", NULL, "list the systems, most critical first", format_opts, 0, 0, run_list, NULL, CMD_READ},
	{"show", "NAME", "show a system with its endpoints, schedules and dependencies",
	 format_opts, 1, 1, run_show, NULL, CMD_READ},
	{"set", "NAME", "change a system's objectives or details", set_opts, 1, 1, run_set},
	{"rm", "NAME", "remove a system", rm_opts, 1, 1, run_rm},
	{NULL},
};

/*
 * cmd-whatif.c - drtop whatif SYSTEM: the verdict and cost tier before and
 * after a change of strategy, objectives or schedule, without saving it.
 */
#include "config.h"

#include <string.h>

#include "cmd.h"
#include "duration.h"
#include "verdict.h"

static const struct opt opts[] = {
	{"strategy", "NAME", "try this strategy ('none' for none)", 0},
	{"rto", "DUR", "try this RTO target", 0},
	{"rpo", "DUR", "try this RPO target", 0},
	{"schedule-every", "DUR", "try one backup every DUR instead of the current schedules", 0},
	{"schedule-cron", "EXPR", "try one backup on this cron expression instead", 0},
	{"schedule-tz", "ZONE", "time zone of --schedule-cron", 0},
	{"schedule-duration", "DUR", "how long the tried backup takes (default 0s)", 0},
	{NULL},
};

static void show(FILE *out, const char *label, const struct verdict *v)
{
	char rto[DURATION_BUFSZ], rpo[DURATION_BUFSZ];
	const char *p = strbuf_str(&v->findings);

	fprintf(out, "%s: %s", label, v->status);
	if (v->worst_finding)
		fprintf(out, " (%s)", v->worst_finding);
	fprintf(out, "; RTO %s, RPO %s; strategy %s", duration_format(v->rto_s, rto),
		duration_format(v->rpo_s, rpo), v->strategy ? v->strategy : "none");
	if (v->cost_tier)
		fprintf(out, " %.*s", (int)v->cost_tier, "$$$$");
	if (v->recommended)
		fprintf(out, "; cheapest fit %s %.*s", v->recommended, (int)v->recommended_cost_tier,
			"$$$$");
	else
		fprintf(out, "; no strategy in the catalogue meets these objectives");
	fputc('\n', out);
	while (*p) {
		size_t n = strcspn(p, "\n");

		fprintf(out, "  %.*s\n", (int)n, p);
		p += n + (p[n] ? 1 : 0);
	}
}

static int run(struct ctx *ctx, struct args *a, struct error *e)
{
	struct whatif w = {0};
	struct verdict before, after;
	int rc;

	w.strategy = arg(a, "strategy");
	w.schedule_cron = arg(a, "schedule-cron");
	w.schedule_tz = arg(a, "schedule-tz");
	if (arg_duration(a, "rto", 0, &w.rto_s, e) < 0 || arg_duration(a, "rpo", 0, &w.rpo_s, e) < 0 ||
	    arg_duration(a, "schedule-every", 0, &w.schedule_every_s, e) < 0 ||
	    arg_duration(a, "schedule-duration", DURATION_ZERO_OK, &w.schedule_duration_s, e) < 0)
		return -1;
	if (w.schedule_every_s && w.schedule_cron)
		return error_set(e, ERR_USAGE,
				 "drtop whatif: --schedule-every and --schedule-cron contradict each other");
	if (w.schedule_tz && !w.schedule_cron)
		return error_set(e, ERR_USAGE, "drtop whatif: --schedule-tz needs --schedule-cron");
	if (!w.strategy && !w.rto_s && !w.rpo_s && !w.schedule_every_s && !w.schedule_cron)
		return error_set(e, ERR_USAGE, "drtop whatif: nothing to try; see 'drtop whatif --help'");
	rc = verdict_whatif(ctx->db, a->pos[0], &w, &before, &after, e);
	if (rc == 0) {
		show(ctx->out, "now", &before);
		show(ctx->out, "what if", &after);
		fprintf(ctx->out, "(nothing was saved)\n");
	}
	verdict_done(&before);
	verdict_done(&after);
	return rc;
}

const struct cmd cmd_whatif = {"whatif", "SYSTEM",
			       "show the verdict and cost tier if the plan changed, without saving",
			       opts, 1, 1, run, NULL, CMD_DB_EXISTS};

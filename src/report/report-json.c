/*
 * report-json.c - the verdict as one JSON document; the field names are
 * documented in doc/report-json.md and stable.
 */
#include "config.h"

#include <stdlib.h>

#include "report.h"
#include "when.h"

static void str(struct strbuf *sb, const char *key, const char *v, int comma)
{
	strbuf_printf(sb, "%s\"%s\":", comma ? "," : "", key);
	if (v)
		strbuf_json_string(sb, v);
	else
		strbuf_puts(sb, "null");
}

static void num(struct strbuf *sb, const char *key, int64_t v)
{
	if (v == BOARD_NONE)
		strbuf_printf(sb, ",\"%s\":null", key);
	else
		strbuf_printf(sb, ",\"%s\":%lld", key, (long long)v);
}

int report_json(const struct board *r, struct db *db, int color, struct strbuf *out, struct error *e)
{
	size_t i, j, nsteps, ncomp;
	struct board_compliance *comp;
	struct strbuf doc = STRBUF_INIT;
	static const char *const worst[] = {"OK", "WARN", "BREACH", "UNKNOWN"};
	static const char *const within[] = {"null", "false", "true"};
	struct board_step *steps;

	(void)color;
	if (board_recovery_order(db, r, &steps, &nsteps, e) < 0)
		return -1;
	if (board_compliance(db, r, &comp, &ncomp, e) < 0) {
		free(steps);
		return -1;
	}
	strbuf_puts(&doc, "{\"drtop_report\":1");
	str(&doc, "generated_at", r->now_iso, 1);
	num(&doc, "generated_at_unix", r->now);
	str(&doc, "as_of", when_known() ? r->now_iso : NULL, 1);
	if (when_now_given()) /* only then: a report of the present keeps its shape */
		strbuf_puts(&doc, ",\"clock_set_by_now\":true");
	num(&doc, "window_s", r->window_s);
	str(&doc, "ledger_head", *r->ledger_head ? r->ledger_head : NULL, 1);
	str(&doc, "status", worst[board_exit_status(r)], 1);
	strbuf_printf(&doc, ",\"summary\":{\"systems\":%zu,\"ok\":%d,\"warn\":%d,\"breach\":%d,"
			    "\"unknown\":%d},\"systems\":[",
		      r->nsystems, r->ok, r->warn, r->breach, r->unknown);
	for (i = 0; i < r->nsystems; i++) {
		const struct board_system *s = &r->systems[i];

		strbuf_puts(&doc, i ? ",{" : "{");
		str(&doc, "name", s->name, 0);
		str(&doc, "status", s->status, 1);
		str(&doc, "worst_finding", s->worst_finding, 1);
		num(&doc, "tier", s->tier);
		str(&doc, "owner", s->owner, 1);
		num(&doc, "rto_s", s->rto_s);
		num(&doc, "worst_recovery_s", s->worst_recovery_s);
		num(&doc, "worst_recovery_lower_s", s->worst_recovery_lower_s);
		num(&doc, "worst_recovery_upper_s", s->worst_recovery_upper_s);
		num(&doc, "last_recovery_s", s->last_recovery_s);
		num(&doc, "last_recovery_lower_s", s->last_recovery_lower_s);
		num(&doc, "last_recovery_upper_s", s->last_recovery_upper_s);
		num(&doc, "rpo_s", s->rpo_s);
		num(&doc, "data_lag_s", s->data_lag_s);
		str(&doc, "recovery_point", s->recovery_point, 1);
		str(&doc, "strategy", s->strategy, 1);
		num(&doc, "cost_tier", s->cost_tier);
		str(&doc, "recommended_strategy", s->recommended, 1);
		num(&doc, "recommended_cost_tier", s->recommended_cost_tier);
		str(&doc, "last_probe", s->last_probe, 1);
		strbuf_puts(&doc, ",\"findings\":[");
		for (j = 0; j < s->nfindings; j++) {
			const struct board_finding *f = &s->findings[j];

			strbuf_puts(&doc, j ? ",{" : "{");
			str(&doc, "finding", f->finding, 0);
			str(&doc, "severity", f->severity, 1);
			str(&doc, "objective", f->objective, 1);
			num(&doc, "target_s", f->target_s);
			num(&doc, "measured_s", f->measured_s);
			num(&doc, "measured_lower_s", f->lower_s);
			num(&doc, "measured_upper_s", f->upper_s);
			num(&doc, "resolution_s", f->resolution_s);
			str(&doc, "since", f->since_iso, 1);
			str(&doc, "detail", f->detail, 1);
			strbuf_putc(&doc, '}');
		}
		strbuf_puts(&doc, "]}");
	}
	strbuf_puts(&doc, "],\"recovery_order\":[");
	for (i = 0; i < nsteps; i++) {
		strbuf_puts(&doc, i ? ",{" : "{");
		strbuf_printf(&doc, "\"step\":%lld", (long long)steps[i].step);
		str(&doc, "system", steps[i].system->name, 1);
		num(&doc, "recovery_s", steps[i].recovery_s);
		str(&doc, "estimate", *steps[i].estimate ? steps[i].estimate : NULL, 1);
		num(&doc, "ready_s", steps[i].ready_s);
		num(&doc, "done_s", steps[i].done_s);
		strbuf_printf(&doc, ",\"within_rto\":%s}", within[steps[i].meets_rto + 1]);
	}
	free(steps);
	strbuf_puts(&doc, "],\"backup_compliance\":[");
	for (i = 0; i < ncomp; i++) {
		strbuf_puts(&doc, i ? ",{" : "{");
		str(&doc, "system", comp[i].system->name, 0);
		str(&doc, "schedule", comp[i].schedule, 1);
		num(&doc, "due", comp[i].due);
		num(&doc, "on_time", comp[i].on_time);
		num(&doc, "late", comp[i].late);
		num(&doc, "missed", comp[i].missed);
		num(&doc, "failed", comp[i].failed);
		num(&doc, "pending", comp[i].pending);
		strbuf_putc(&doc, '}');
	}
	board_compliance_free(comp, ncomp);
	strbuf_puts(&doc, "]}");
	strbuf_json_pretty(out, strbuf_str(&doc));
	strbuf_done(&doc);
	return 0;
}

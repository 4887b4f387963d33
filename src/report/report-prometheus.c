/*
 * report-prometheus.c - the text exposition format, for node_exporter's
 * textfile collector: HELP and TYPE before each family, base units
 * (seconds), no timestamps, label values escaped. Metric names are
 * documented in doc/integration.md.
 */
#include "config.h"

#include <stddef.h>
#include <string.h>

#include "report.h"

static void label(struct strbuf *sb, const char *v)
{
	for (; v && *v; v++) {
		if (*v == '\\')
			strbuf_puts(sb, "\\\\");
		else if (*v == '"')
			strbuf_puts(sb, "\\\"");
		else if (*v == '\n')
			strbuf_puts(sb, "\\n");
		else
			strbuf_putc(sb, *v);
	}
}

static void family(struct strbuf *sb, const char *name, const char *help)
{
	strbuf_printf(sb, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

/* One sample per system for a per-system number (systems without it are left out). */
static void per_system(const struct board *r, struct strbuf *sb, const char *name,
		       const char *help, size_t offset)
{
	size_t i;

	family(sb, name, help);
	for (i = 0; i < r->nsystems; i++) {
		const struct board_system *s = &r->systems[i];
		int64_t v = *(const int64_t *)((const char *)s + offset);

		if (v == BOARD_NONE)
			continue;
		strbuf_printf(sb, "%s{system=\"", name);
		label(sb, s->name);
		strbuf_printf(sb, "\"} %lld\n", (long long)v);
	}
}

/* A series is one metric and label set, and the textfile collector refuses a
 * file that repeats one. A system can hold several findings of a kind (two
 * looser dependencies, backups missed on two schedules, no evidence for
 * either objective): drtop_finding counts them, and the values are those of
 * the worst, the one measured largest. */

/* Is finding J the first of S's findings with its name and severity? */
static int first_of_kind(const struct board_system *s, size_t j)
{
	size_t k;

	for (k = 0; k < j; k++)
		if (!strcmp(s->findings[k].finding, s->findings[j].finding) &&
		    !strcmp(s->findings[k].severity, s->findings[j].severity))
			return 0;
	return 1;
}

static size_t count_of_kind(const struct board_system *s, size_t j)
{
	size_t k, n = 0;

	for (k = j; k < s->nfindings; k++)
		n += !strcmp(s->findings[k].finding, s->findings[j].finding) &&
		     !strcmp(s->findings[k].severity, s->findings[j].severity);
	return n;
}

/* Does finding A speak for its series (name and objective) before B: it has a
 * target and B has none, or both do and A was measured larger? */
static int worse(const struct board_finding *a, const struct board_finding *b)
{
	if ((a->target_s == BOARD_NONE) != (b->target_s == BOARD_NONE))
		return b->target_s == BOARD_NONE;
	if ((a->measured_s == BOARD_NONE) != (b->measured_s == BOARD_NONE))
		return b->measured_s == BOARD_NONE;
	return a->measured_s > b->measured_s;
}

/* Is finding J the one whose values S's series of its name and objective show? */
static int speaks_for_series(const struct board_system *s, size_t j)
{
	const struct board_finding *f = &s->findings[j];
	size_t k;

	for (k = 0; k < s->nfindings; k++) {
		const struct board_finding *g = &s->findings[k];

		if (k == j || strcmp(g->finding, f->finding) || strcmp(g->objective, f->objective))
			continue;
		if (worse(g, f) || (k < j && !worse(f, g)))
			return 0;
	}
	return 1;
}

/* One sample per series of findings with a number, in seconds, beside drtop_finding. */
static void findings_value(const struct board *r, struct strbuf *sb, const char *name,
			   const char *help, size_t offset)
{
	size_t i, j;

	family(sb, name, help);
	for (i = 0; i < r->nsystems; i++) {
		for (j = 0; j < r->systems[i].nfindings; j++) {
			const struct board_finding *f = &r->systems[i].findings[j];
			int64_t v = *(const int64_t *)((const char *)f + offset);

			if (v == BOARD_NONE || f->target_s == BOARD_NONE ||
			    !speaks_for_series(&r->systems[i], j))
				continue;
			strbuf_printf(sb, "%s{system=\"", name);
			label(sb, r->systems[i].name);
			strbuf_printf(sb, "\",finding=\"%s\",objective=\"%s\"} %lld\n", f->finding,
				      f->objective, (long long)v);
		}
	}
}

static int status_code(const char *status)
{
	return !strcmp(status, "OK") ? 0 : !strcmp(status, "WARN") ? 1
					: !strcmp(status, "BREACH") ? 2 : 3;
}

int report_prometheus(const struct board *r, struct db *db, int color, struct strbuf *out,
		      struct error *e)
{
	struct board_compliance *c;
	size_t i, j, n;

	(void)color;
	if (board_compliance(db, r, &c, &n, e) < 0)
		return -1;
	family(out, "drtop_system_status",
	       "Verdict of the system: 0 OK, 1 WARN, 2 BREACH, 3 UNKNOWN.");
	for (i = 0; i < r->nsystems; i++) {
		strbuf_puts(out, "drtop_system_status{system=\"");
		label(out, r->systems[i].name);
		strbuf_printf(out, "\"} %d\n", status_code(r->systems[i].status));
	}
	per_system(r, out, "drtop_rto_target_seconds", "RTO target: the longest tolerable outage.",
		   offsetof(struct board_system, rto_s));
	per_system(r, out, "drtop_rpo_target_seconds", "RPO target: the most tolerable data loss.",
		   offsetof(struct board_system, rpo_s));
	per_system(r, out, "drtop_recovery_worst_seconds",
		   "Longest unplanned outage in the evaluation window.",
		   offsetof(struct board_system, worst_recovery_s));
	per_system(r, out, "drtop_recovery_worst_lower_seconds",
		   "The longest outage lasted at least this long (its lower bound).",
		   offsetof(struct board_system, worst_recovery_lower_s));
	per_system(r, out, "drtop_recovery_worst_upper_seconds",
		   "The longest outage lasted at most this long (no sample: not bounded).",
		   offsetof(struct board_system, worst_recovery_upper_s));
	per_system(r, out, "drtop_recovery_last_seconds", "Length of the most recent outage.",
		   offsetof(struct board_system, last_recovery_s));
	per_system(r, out, "drtop_data_lag_seconds", "Age of the newest recovery point.",
		   offsetof(struct board_system, data_lag_s));
	per_system(r, out, "drtop_cost_tier", "Cost tier of the system's strategy, 1 to 4.",
		   offsetof(struct board_system, cost_tier));
	family(out, "drtop_finding",
	       "Findings of this kind against the system (1 or more while one holds).");
	for (i = 0; i < r->nsystems; i++) {
		for (j = 0; j < r->systems[i].nfindings; j++) {
			const struct board_finding *f = &r->systems[i].findings[j];

			if (!first_of_kind(&r->systems[i], j))
				continue;
			strbuf_puts(out, "drtop_finding{system=\"");
			label(out, r->systems[i].name);
			strbuf_printf(out, "\",finding=\"%s\",severity=\"%s\"} %zu\n", f->finding,
				      f->severity, count_of_kind(&r->systems[i], j));
		}
	}
	findings_value(r, out, "drtop_finding_target_seconds",
		       "The target a finding is judged against (of several: the worst's).",
		       offsetof(struct board_finding, target_s));
	findings_value(r, out, "drtop_finding_measured_seconds",
		       "The measured value of a finding (of several: the largest).",
		       offsetof(struct board_finding, measured_s));
	if (n)
		family(out, "drtop_backup_due_runs",
		       "Due runs of a cron schedule in the evaluation window, by outcome.");
	for (i = 0; i < n; i++) {
		static const char *const outcome[] = {"on-time", "late", "missed", "failed", "pending"};
		const int64_t v[] = {c[i].on_time, c[i].late, c[i].missed, c[i].failed, c[i].pending};

		for (j = 0; j < 5; j++) {
			strbuf_puts(out, "drtop_backup_due_runs{system=\"");
			label(out, c[i].system->name);
			strbuf_puts(out, "\",schedule=\"");
			label(out, c[i].schedule);
			strbuf_printf(out, "\",outcome=\"%s\"} %lld\n", outcome[j], (long long)v[j]);
		}
	}
	board_compliance_free(c, n);
	family(out, "drtop_systems", "Systems by status.");
	strbuf_printf(out, "drtop_systems{status=\"OK\"} %d\ndrtop_systems{status=\"WARN\"} %d\n"
			   "drtop_systems{status=\"BREACH\"} %d\ndrtop_systems{status=\"UNKNOWN\"} %d\n",
		      r->ok, r->warn, r->breach, r->unknown);
	family(out, "drtop_report_time_seconds", "When the report was made (Unix time).");
	strbuf_printf(out, "drtop_report_time_seconds %lld\n", (long long)r->now);
	return 0;
}

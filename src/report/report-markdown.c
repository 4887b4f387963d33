/*
 * report-markdown.c - a summary and a table, for tickets and wikis.
 */
#include "config.h"

#include <stdlib.h>

#include "report.h"

/* A table cell: no pipe, no line break, no HTML from the data. */
static void md(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		if (*s == '|')
			strbuf_puts(sb, "\\|");
		else if (*s == '\n' || *s == '\r')
			strbuf_putc(sb, ' ');
		else if (*s == '<')
			strbuf_puts(sb, "&lt;");
		else if (*s == '>')
			strbuf_puts(sb, "&gt;");
		else if (*s == '&')
			strbuf_puts(sb, "&amp;");
		else if ((unsigned char)*s < 0x20)
			strbuf_putc(sb, '?');
		else
			strbuf_putc(sb, *s);
	}
}

/* The recovery order as a table, its steps first. */
static int recovery_order(const struct board *r, struct db *db, struct strbuf *out, struct error *e)
{
	struct board_step *p;
	size_t i, n;

	if (board_recovery_order(db, r, &p, &n, e) < 0)
		return -1;
	if (n)
		strbuf_puts(out, "\n### Recovery order\n\nSteps run one after another; the systems of a step "
				 "can be recovered in parallel.\n\n| step | system | takes | back after | RTO | "
				 "within RTO |\n| ---: | --- | --- | ---: | ---: | --- |\n");
	for (i = 0; i < n; i++) {
		struct report_step c;

		report_step(&p[i], &c);
		strbuf_printf(out, "| %lld | `", (long long)p[i].step);
		md(out, p[i].system->name);
		strbuf_printf(out, "` | %s | %s | %s | %s |\n", c.takes, c.back, c.rto, c.within);
	}
	free(p);
	return 0;
}

/* Each cron schedule's due runs in the window by outcome, as a table. */
static int compliance(const struct board *r, struct db *db, struct strbuf *out, struct error *e)
{
	struct board_compliance *c;
	size_t i, n;

	if (board_compliance(db, r, &c, &n, e) < 0)
		return -1;
	if (n)
		strbuf_puts(out, "\n### Backups against their schedules\n\nDue runs in the window.\n\n"
				 "| system | schedule | due | on time | late | missed | failed |\n"
				 "| --- | --- | ---: | ---: | ---: | ---: | ---: |\n");
	for (i = 0; i < n; i++) {
		strbuf_puts(out, "| `");
		md(out, c[i].system->name);
		strbuf_puts(out, "` | `");
		md(out, c[i].schedule);
		strbuf_printf(out, "` | %lld | %lld | %lld | %lld | %lld |\n", (long long)c[i].due,
			      (long long)c[i].on_time, (long long)c[i].late, (long long)c[i].missed,
			      (long long)c[i].failed);
	}
	board_compliance_free(c, n);
	return 0;
}

int report_markdown(const struct board *r, struct db *db, int color, struct strbuf *out,
		    struct error *e)
{
	char a[DURATION_BOUNDS_BUFSZ], b[DURATION_BOUNDS_BUFSZ], c[DURATION_BUFSZ], d[DURATION_BUFSZ];
	size_t i, j;
	int header = 0;

	(void)color;
	strbuf_printf(out, "## drtop report, %s%s\n\n**%d BREACH**, %d WARN, %d UNKNOWN, %d OK "
			   "(%zu systems).\n\n",
		      r->now_iso, r->as_of, r->breach, r->warn, r->unknown, r->ok, r->nsystems);
	if (*r->ledger_head)
		strbuf_printf(out, "Ledger head `%s`.\n\n", r->ledger_head);
	strbuf_puts(out, "| status | system | tier | strategy | RTO | worst recovery | RPO | data lag "
			 "| finding |\n| --- | --- | ---: | --- | ---: | ---: | ---: | ---: | --- |\n");
	for (i = 0; i < r->nsystems; i++) {
		const struct board_system *s = &r->systems[i];

		strbuf_printf(out, "| %s | ", s->status);
		md(out, s->name);
		strbuf_printf(out, " | %lld | ", (long long)s->tier);
		if (s->strategy) {
			md(out, s->strategy);
			strbuf_printf(out, " %.*s", (int)s->cost_tier, "$$$$");
		} else {
			strbuf_puts(out, "-");
		}
		duration_format_pair(s->rpo_s, s->data_lag_s, c, d);
		strbuf_printf(out, " | %s | %s | %s | %s | %s |\n", duration_format_round(s->rto_s, a),
			      board_recovery_format(s, 0, 0, b), c, d,
			      s->worst_finding ? s->worst_finding : "");
	}
	for (i = 0; i < r->nsystems; i++) {
		const struct board_system *s = &r->systems[i];

		for (j = 0; j < s->nfindings; j++) {
			if (!header++)
				strbuf_puts(out, "\n### Findings\n\n");
			strbuf_printf(out, "- **%s** `", s->findings[j].severity);
			md(out, s->name);
			strbuf_printf(out, "` %s: ", s->findings[j].finding);
			md(out, s->findings[j].detail);
			report_values(out, &s->findings[j], 0);
			strbuf_printf(out, " (since %s)\n",
				      s->findings[j].since_iso ? s->findings[j].since_iso : "-");
		}
	}
	if (compliance(r, db, out, e) < 0)
		return -1;
	return recovery_order(r, db, out, e);
}

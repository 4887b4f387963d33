/*
 * report-nagios.c - one status line and perfdata in the monitoring-plugins
 * format: "DRTOP CRITICAL - ... | 'label'=value[UOM];warn;crit;min;max".
 */
#include "config.h"

#include <string.h>

#include "report.h"

static void plain(struct strbuf *sb, const char *s)
{
	/* A plugin line: no newline, no '|' (it separates perfdata), no quote in labels. */
	for (; s && *s; s++)
		strbuf_putc(sb, *s == '|' || *s == '\n' || *s == '\'' || (unsigned char)*s < 0x20 ? '_' : *s);
}

int report_nagios(const struct board *r, struct db *db, int color, struct strbuf *out,
		  struct error *e)
{
	static const char *const words[] = {"OK", "WARNING", "CRITICAL", "UNKNOWN"};
	int code = board_exit_status(r), shown = 0, listed = 0;
	size_t i;

	(void)db;
	(void)color;
	(void)e;
	strbuf_printf(out, "DRTOP %s - %d BREACH, %d WARN, %d UNKNOWN, %d OK", words[code], r->breach,
		      r->warn, r->unknown, r->ok);
	if (*r->as_of) /* --as-of: a past state must not read as the present */
		strbuf_printf(out, " as of %s%s", r->now_iso, r->as_of);
	for (i = 0; i < r->nsystems; i++) {
		const struct board_system *s = &r->systems[i];

		const struct board_finding *f = board_worst_finding(s);
		char t[DURATION_BOUNDS_BUFSZ], m[DURATION_BOUNDS_BUFSZ];

		if (!s->worst_finding)
			continue;
		if (++listed > 5) /* a plugin line stays short: the rest is counted */
			continue;
		strbuf_puts(out, shown++ ? ", " : ": ");
		plain(out, s->name);
		strbuf_printf(out, " %s", s->worst_finding);
		if (f && f->target_s != BOARD_NONE && f->measured_s != BOARD_NONE) {
			board_finding_format(f, DURATION_ASCII, t, m);
			strbuf_printf(out, " %s (target %s)", m, t);
		}
	}
	if (listed > shown)
		strbuf_printf(out, ", +%d more", listed - shown);
	strbuf_printf(out, " | 'breach'=%d;;;0 'warn'=%d;;;0 'unknown'=%d;;;0 'ok'=%d;;;0", r->breach,
		      r->warn, r->unknown, r->ok);
	for (i = 0; i < r->nsystems; i++) {
		const struct board_system *s = &r->systems[i];

		if (s->data_lag_s == BOARD_NONE)
			continue;
		strbuf_puts(out, " '");
		/* named, unless one system was asked for by name: a label that followed
		 * how many systems --min-severity left would break the graphs */
		if (!r->one_system) {
			plain(out, s->name);
			strbuf_putc(out, ' ');
		}
		strbuf_printf(out, "data_lag'=%llds;%lld;%lld;0", (long long)s->data_lag_s,
			      (long long)(s->rpo_s * r->near_ratio), (long long)s->rpo_s);
	}
	strbuf_putc(out, '\n');
	return 0;
}

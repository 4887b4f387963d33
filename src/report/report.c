/*
 * report.c - helpers the report formats share.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "report.h"

const char *report_duration(int64_t secs, char buf[48])
{
	if (secs == BOARD_NONE)
		return "-";
	return duration_format(secs, buf);
}

void report_values(struct strbuf *out, const struct board_finding *f, unsigned flags)
{
	char t[DURATION_BOUNDS_BUFSZ], m[DURATION_BOUNDS_BUFSZ];

	if (f->target_s == BOARD_NONE || !strcmp(f->objective, "cost"))
		return;
	board_finding_format(f, flags, t, m);
	strbuf_printf(out, " (target %s, measured %s)", t, m);
}

void report_html_escape(struct strbuf *sb, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '<':
			strbuf_puts(sb, "&lt;");
			break;
		case '>':
			strbuf_puts(sb, "&gt;");
			break;
		case '&':
			strbuf_puts(sb, "&amp;");
			break;
		case '"':
			strbuf_puts(sb, "&quot;");
			break;
		case '\'':
			strbuf_puts(sb, "&#39;");
			break;
		default:
			if ((unsigned char)*s < 0x20 && *s != '\n' && *s != '\t')
				strbuf_putc(sb, '?');
			else
				strbuf_putc(sb, *s);
		}
	}
}

void report_step(const struct board_step *p, struct report_step *out)
{
	char d[DURATION_BUFSZ];

	if (p->recovery_s == BOARD_NONE)
		snprintf(out->takes, sizeof(out->takes), "?");
	else
		snprintf(out->takes, sizeof(out->takes), "%s (%s)", duration_format_round(p->recovery_s, d),
			 p->estimate);
	if (p->done_s == BOARD_NONE)
		snprintf(out->back, sizeof(out->back), "?");
	else
		duration_format(p->done_s, out->back);
	duration_format_round(p->system->rto_s, out->rto);
	out->within = p->meets_rto == 1 ? "yes" : p->meets_rto == 0 ? "NO" : "?";
}

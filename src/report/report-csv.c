/*
 * report-csv.c - RFC 4180, one row per finding, and one row with empty finding
 * cells for each system without any (so that every system is listed). A cell a spreadsheet would
 * run as a formula (starting with =, +, -, @, a tab or a carriage return) is
 * neutralised with a leading apostrophe (strbuf_csv_cell, shared with every
 * CSV drtop prints).
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "report.h"

static void cell(struct strbuf *sb, const char *s, int first)
{
	if (!first)
		strbuf_putc(sb, ',');
	if (s)
		strbuf_csv_cell(sb, s);
}

static void num(struct strbuf *sb, int64_t v)
{
	char buf[32];

	if (v == BOARD_NONE)
		cell(sb, NULL, 0);
	else {
		snprintf(buf, sizeof(buf), "%lld", (long long)v);
		strbuf_putc(sb, ',');
		strbuf_puts(sb, buf);
	}
}

int report_csv(const struct board *r, struct db *db, int color, struct strbuf *out, struct error *e)
{
	size_t i, j;

	(void)db;
	(void)color;
	(void)e;
	strbuf_puts(out, "system,status,owner,finding,severity,objective,target_s,measured_s,"
			 "measured_lower_s,measured_upper_s,resolution_s,since,detail\r\n");
	for (i = 0; i < r->nsystems; i++) {
		const struct board_system *s = &r->systems[i];

		if (s->nfindings == 0) {
			cell(out, s->name, 1);
			cell(out, s->status, 0);
			cell(out, s->owner, 0);
			strbuf_puts(out, ",,,,,,,,,,\r\n");
		}
		for (j = 0; j < s->nfindings; j++) {
			const struct board_finding *f = &s->findings[j];

			cell(out, s->name, 1);
			cell(out, s->status, 0);
			cell(out, s->owner, 0);
			cell(out, f->finding, 0);
			cell(out, f->severity, 0);
			cell(out, f->objective, 0);
			num(out, f->target_s);
			num(out, f->measured_s);
			num(out, f->lower_s);
			num(out, f->upper_s);
			num(out, f->resolution_s);
			cell(out, f->since_iso, 0);
			cell(out, f->detail, 0);
			strbuf_puts(out, "\r\n");
		}
	}
	return 0;
}

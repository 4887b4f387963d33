/*
 * report-text.c - the verdict as an aligned table for people, then the
 * findings. Colour (the status column) only when asked: the caller decides
 * (a terminal, and no NO_COLOR).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"

#define NCOL 9

static const char *const heads[NCOL] = {"STATUS", "SYSTEM", "TIER", "STRATEGY", "RTO",
					"WORST RECOVERY", "RPO", "DATA LAG", "FINDING"};

static size_t width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Control characters never reach the terminal. */
static char *printable(const char *s)
{
	char *p = xstrdup(s ? s : ""), *q;

	for (q = p; *q; q++)
		if ((unsigned char)*q < 0x20 || *q == 0x7f)
			*q = '?';
	return p;
}

static const char *color_of(const char *status)
{
	if (!strcmp(status, "BREACH"))
		return "\033[1;31m";
	if (!strcmp(status, "WARN"))
		return "\033[33m";
	if (!strcmp(status, "OK"))
		return "\033[32m";
	return "\033[2m";
}

/* The recovery order: a line a system, its step first. */
static int recovery_order(const struct board *r, struct db *db, struct strbuf *out, struct error *e)
{
	struct board_step *p;
	size_t i, n;

	if (board_recovery_order(db, r, &p, &n, e) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		struct report_step c;
		char *name = printable(p[i].system->name);

		report_step(&p[i], &c);
		if (!i)
			strbuf_puts(out, "\nrecovery order (a step after another; the systems of a step in "
					 "parallel):\n");
		strbuf_printf(out, "  step %lld  %s: takes %s, back after %s, RTO %s, within: %s\n",
			      (long long)p[i].step, name, c.takes, c.back, c.rto, c.within);
		free(name);
	}
	free(p);
	return 0;
}

/* Each cron schedule's due runs in the window by outcome. */
static int compliance(const struct board *r, struct db *db, struct strbuf *out, struct error *e)
{
	struct board_compliance *c;
	size_t i, n;

	if (board_compliance(db, r, &c, &n, e) < 0)
		return -1;
	for (i = 0; i < n; i++) {
		char *name = printable(c[i].system->name), *sched = printable(c[i].schedule);

		if (!i)
			strbuf_puts(out, "\nbackups against their schedules (due runs in the window):\n");
		strbuf_printf(out, "  %s %s: %lld due, %lld on time, %lld late, %lld missed, %lld failed",
			      name, sched, (long long)c[i].due, (long long)c[i].on_time,
			      (long long)c[i].late, (long long)c[i].missed, (long long)c[i].failed);
		if (c[i].on_time_share >= 0)
			strbuf_printf(out, " (%.1f%% on time)", 100 * c[i].on_time_share);
		strbuf_putc(out, '\n');
		free(name);
		free(sched);
	}
	board_compliance_free(c, n);
	return 0;
}

int report_text(const struct board *r, struct db *db, int color, struct strbuf *out, struct error *e)
{
	char ***cells = xcalloc(r->nsystems + 1, sizeof(char **));
	size_t w[NCOL] = {0}, i, j, c;
	char buf[DURATION_BOUNDS_BUFSZ], t[DURATION_BOUNDS_BUFSZ], m[DURATION_BOUNDS_BUFSZ];
	int header;

	for (i = 0; i <= r->nsystems; i++) {
		cells[i] = xcalloc(NCOL, sizeof(char *));
		if (i == 0) {
			for (c = 0; c < NCOL; c++)
				cells[0][c] = xstrdup(heads[c]);
		} else {
			const struct board_system *s = &r->systems[i - 1];

			cells[i][0] = xstrdup(s->status);
			cells[i][1] = printable(s->name);
			cells[i][2] = xasprintf("%lld", (long long)s->tier);
			cells[i][3] = s->strategy ? xasprintf("%s %.*s", s->strategy, (int)s->cost_tier,
							      "$$$$")
						  : xstrdup("-");
			cells[i][4] = xstrdup(duration_format_round(s->rto_s, buf));
			cells[i][5] = xstrdup(board_recovery_format(s, 0, 0, buf));
			duration_format_pair(s->rpo_s, s->data_lag_s, t, m);
			cells[i][6] = xstrdup(t);
			cells[i][7] = xstrdup(m);
			cells[i][8] = xstrdup(s->worst_finding ? s->worst_finding : "");
		}
		for (c = 0; c < NCOL; c++)
			if (width(cells[i][c]) > w[c])
				w[c] = width(cells[i][c]);
	}
	strbuf_printf(out, "drtop report %s%s: %d BREACH, %d WARN, %d UNKNOWN, %d OK\n\n",
		      r->now_iso, r->as_of, r->breach, r->warn, r->unknown, r->ok);
	for (i = 0; i <= r->nsystems; i++) {
		for (c = 0; c < NCOL; c++) {
			int last = c == NCOL - 1, pad = (int)(w[c] - width(cells[i][c]));

			if (color && i > 0 && c == 0)
				strbuf_printf(out, "%s%s\033[0m", color_of(cells[i][0]), cells[i][0]);
			else
				strbuf_puts(out, cells[i][c]);
			if (!last)
				strbuf_printf(out, "%*s  ", pad, "");
			free(cells[i][c]);
		}
		/* no trailing blanks */
		while (out->len && out->buf[out->len - 1] == ' ')
			out->buf[--out->len] = '\0';
		strbuf_putc(out, '\n');
		free(cells[i]);
	}
	free(cells);
	header = 0;
	for (i = 0; i < r->nsystems; i++) {
		const struct board_system *s = &r->systems[i];

		for (j = 0; j < s->nfindings; j++) {
			const struct board_finding *f = &s->findings[j];
			char *name = printable(s->name), *detail = printable(f->detail);

			if (!header++)
				strbuf_puts(out, "\nfindings:\n");
			strbuf_printf(out, "  %s %s %s: %s", f->severity, name, f->finding, detail);
			report_values(out, f, 0);
			strbuf_printf(out, " since %s\n", f->since_iso ? f->since_iso : "-");
			free(name);
			free(detail);
		}
	}
	if (compliance(r, db, out, e) < 0 || recovery_order(r, db, out, e) < 0)
		return -1;
	if (*r->ledger_head)
		strbuf_printf(out, "\nledger head: %s\n", r->ledger_head);
	return 0;
}

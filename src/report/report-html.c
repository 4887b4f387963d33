/*
 * report-html.c - one self-contained page for auditors and managers: an
 * executive summary (who has what to fix, the cheapest fixes, what changed in
 * the last week), the table, and per system a chart of outage durations against the RTO and of
 * data lag against the RPO, as inline SVG. No external asset; every value
 * from the data is escaped. The markup is also well-formed XML.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"
#include "when.h"

#define W 360
#define H 110

static const char style[] =
	"body{font-family:system-ui,sans-serif;margin:2em;color:#222}"
	"table{border-collapse:collapse}td,th{padding:.25em .6em;border-bottom:1px solid #ddd;"
	"text-align:left}td.n{text-align:right}"
	".BREACH{color:#b00;font-weight:bold}.WARN{color:#a60}.OK{color:#070}.UNKNOWN{color:#777}"
	"section{margin-top:2em}svg{background:#fafafa;border:1px solid #ddd;margin-right:1em}"
	"figure{display:inline-block;margin:0 1em 0 0}figcaption{font-size:.85em;color:#555}";

static void esc(struct strbuf *sb, const char *s)
{
	report_html_escape(sb, s ? s : "");
}

/* A chart's frame: a plot area with a time axis over the window (its first
 * and last day, and its span) and a duration axis from 0 to MAX (rounded,
 * with its unit), a dashed line at the objective TARGET labelled with it. */
#define PL 44                 /* left margin: the duration axis' labels */
#define PB 16                 /* bottom margin: the time axis' labels */
#define PW (W - PL - 6)       /* plot width */
#define PH (H - PB - 6)       /* plot height */

/* The top of a duration axis: a fifth above the largest value, rounded up to
 * a whole unit of its size, so that its label reads plainly. */
static int64_t axis_max(int64_t max)
{
	int64_t unit = max >= 2 * 86400 ? 86400 : max >= 2 * 3600 ? 3600 : max >= 120 ? 60 : 1;

	max += max / 5 + 1;
	return (max + unit - 1) / unit * unit;
}

static int plot_y(int64_t v, int64_t max)
{
	return 6 + PH - (int)(PH * (v < 0 ? 0 : v > max ? max : v) / (max ? max : 1));
}

static int plot_x(int64_t t, const struct board *r)
{
	int64_t from = r->now - r->window_s;

	return PL + (int)(PW * (t < from ? 0 : t - from) / (r->window_s ? r->window_s : 1));
}

static void frame(struct strbuf *out, const struct board *r, const char *title, int64_t max,
		  int64_t target, const char *target_name)
{
	char a[DURATION_BUFSZ], b[DURATION_BUFSZ], d1[WHEN_BUFSZ], d2[WHEN_BUFSZ];

	strbuf_printf(out, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
			   "height=\"%d\" role=\"img\" font-size=\"9\" font-family=\"sans-serif\">"
			   "<title>%s</title>", W, H, title);
	strbuf_printf(out, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#888\"/>"
			   "<line x1=\"%d\" x2=\"%d\" y1=\"6\" y2=\"%d\" stroke=\"#888\"/>",
		      PL, PL + PW, 6 + PH, 6 + PH, PL, PL, 6 + PH);
	strbuf_printf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
			   "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">0</text>",
		      PL - 3, 12, duration_format_round(max, a), PL - 3, 6 + PH);
	strbuf_printf(out, "<text x=\"%d\" y=\"%d\">%.10s</text>"
			   "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.10s</text>"
			   "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%s</text>",
		      PL, H - 4, when_format(r->now - r->window_s, d1), PL + PW, H - 4,
		      when_format(r->now, d2), PL + PW / 2, H - 4, duration_format_round(r->window_s, b));
	strbuf_printf(out, "<line x1=\"%d\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#b00\" "
			   "stroke-dasharray=\"4 3\"/><text x=\"%d\" y=\"%d\" fill=\"#b00\">%s %s</text>",
		      PL, PL + PW, plot_y(target, max), plot_y(target, max), PL + 3,
		      plot_y(target, max) - 2, target_name, duration_format_round(target, a));
}

/*
 * The charts' points, read for every system at once: a query per system would
 * compute the views' shared parts (the objectives' first rows, the outages'
 * gaps) once per system, which made the page quadratic in the systems.
 */
#define CHART_MAX 200 /* the newest points of a chart */

struct point {
	int64_t at, v;
	int planned, breach, may;
};

struct series {
	struct point *p;
	int n, cap;
};

static const struct board *sort_board;

static int by_name(const void *a, const void *b)
{
	return strcmp(sort_board->systems[*(const size_t *)a].name,
		      sort_board->systems[*(const size_t *)b].name);
}

/* Read the rows of SQL (the system's name, the point's time and value, then
 * for an outage whether it was planned, a breach, maybe one), ordered by name
 * and newest first, into S[i] for the system i of R of that name, at most
 * CHART_MAX each. ?1 is the window's start. */
static int load_series(const struct board *r, struct db *db, const char *sql, struct series *s,
		       struct error *e)
{
	sqlite3_stmt *st = db_prepare(db, sql, e);
	size_t *order = xcalloc(r->nsystems + 1, sizeof(*order)), i, k = 0;
	int rc;

	if (!st) {
		free(order);
		return -1;
	}
	for (i = 0; i < r->nsystems; i++)
		order[i] = i;
	sort_board = r;
	qsort(order, r->nsystems, sizeof(*order), by_name);
	sqlite3_bind_int64(st, 1, r->now - r->window_s);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *name = (const char *)sqlite3_column_text(st, 0);
		struct series *t;
		struct point *pt;

		while (k < r->nsystems && name && strcmp(r->systems[order[k]].name, name) < 0)
			k++;
		if (k == r->nsystems)
			break;
		if (!name || strcmp(r->systems[order[k]].name, name))
			continue;
		t = &s[order[k]];
		if (t->n == CHART_MAX)
			continue;
		if (t->n == t->cap) {
			t->cap = t->cap ? 2 * t->cap : 16;
			t->p = xrealloc(t->p, (size_t)t->cap * sizeof(*t->p));
		}
		pt = &t->p[t->n++];
		memset(pt, 0, sizeof(*pt));
		pt->at = sqlite3_column_int64(st, 1);
		pt->v = sqlite3_column_int64(st, 2);
		if (sqlite3_column_count(st) > 3) {
			pt->planned = sqlite3_column_int(st, 3);
			pt->breach = sqlite3_column_int(st, 4);
			pt->may = sqlite3_column_int(st, 5);
		}
	}
	free(order);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
		sqlite3_finalize(st);
		return db_fail(db, e, "reading the report's charts");
	}
	sqlite3_finalize(st);
	return 0;
}

static void free_series(struct series *s, size_t n)
{
	size_t i;

	for (i = 0; s && i < n; i++)
		free(s[i].p);
	free(s);
}

/* The outages of the window at their time, each as high as it lasted, against the RTO. */
static void outage_chart(const struct board_system *s, const struct series *o, const struct board *r,
			 struct strbuf *out)
{
	int64_t max = s->rto_s;
	int i;

	for (i = 0; i < o->n; i++)
		if (o->p[i].v > max)
			max = o->p[i].v;
	max = axis_max(max);
	frame(out, r, "outages against the RTO", max, s->rto_s, "RTO");
	for (i = 0; i < o->n; i++)
		strbuf_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"3\" height=\"%d\" fill=\"%s\"/>",
			      plot_x(o->p[i].at, r), plot_y(o->p[i].v, max), 6 + PH - plot_y(o->p[i].v, max),
			      o->p[i].planned ? "#9ab" : o->p[i].breach ? "#c33" : o->p[i].may ? "#e90" : "#4a4");
	/* the line is the RTO now; a bar's colour is against the RTO in force when
	 * it began, which may differ */
	strbuf_printf(out, "</svg><figcaption>%d ended outage%s in the window, at their start, as "
			   "high as they lasted; red: above the RTO in force then, amber: maybe, "
			   "grey: planned%s</figcaption></figure>",
		      o->n, o->n == 1 ? "" : "s",
		      s->down_since_ms != BOARD_NONE ? "; one going on now, not drawn" : "");
}

/* The data lag measured by freshness probes over the window, with the RPO as a line. */
static void lag_chart(const struct board_system *s, const struct series *l, const struct board *r,
		      struct strbuf *out)
{
	int64_t max = s->rpo_s;
	int i;

	for (i = 0; i < l->n; i++)
		if (l->p[i].v > max)
			max = l->p[i].v;
	max = axis_max(max);
	frame(out, r, "data lag against the RPO", max, s->rpo_s, "RPO");
	if (l->n) {
		strbuf_puts(out, "<polyline fill=\"none\" stroke=\"#36c\" points=\"");
		for (i = l->n - 1; i >= 0; i--)
			strbuf_printf(out, "%d,%d ", plot_x(l->p[i].at, r), plot_y(l->p[i].v, max));
		strbuf_puts(out, "\"/>");
	}
	strbuf_printf(out, "</svg><figcaption>%s</figcaption></figure>",
		      l->n ? "data lag seen by freshness probes, at their time"
			   : "no data lag measured by probes");
}

static const char outages_sql[] =
	"SELECT system, started_ms / 1000, duration_s, planned, coalesce(breach, 0),"
	" coalesce(may_breach, upper_ms IS NULL) FROM v_outages"
	" WHERE ended_ms IS NOT NULL AND started_ms >= ?1 * 1000 ORDER BY system, started_ms DESC";

static const char lags_sql[] =
	"SELECT s.name, p.at, p.lag_s FROM probe_result p JOIN endpoint e ON e.id = p.endpoint_id"
	" JOIN system s ON s.id = e.system_id WHERE p.lag_s IS NOT NULL AND p.at_ms >= ?1 * 1000"
	" ORDER BY s.name, p.at_ms DESC";

#define SUMMARY_MAX 10          /* lines of a summary list; the rest is counted */
#define CHANGES_S (7 * 86400)   /* the summary's changes: the last week */

static void system_link(struct strbuf *out, const struct board *r, const struct board_system *s)
{
	strbuf_printf(out, "<a href=\"#s%zu\">", (size_t)(s - r->systems));
	esc(out, s->name);
	strbuf_puts(out, "</a>");
}

/* Who has what to fix: the systems not OK, grouped by owner (in the order of
 * their worst system), each with its worst finding. */
static void summary_owners(const struct board *r, struct strbuf *out)
{
	size_t i, j, owners = 0;

	strbuf_puts(out, "<h3>To fix, by owner</h3>");
	for (i = 0; i < r->nsystems; i++) {
		const struct board_system *s = &r->systems[i];
		size_t shown = 0, more = 0;
		int seen = 0;

		if (!strcmp(s->status, "OK"))
			continue;
		for (j = 0; j < i && !seen; j++)
			seen = strcmp(r->systems[j].status, "OK") && !strcmp(r->systems[j].owner, s->owner);
		if (seen)
			continue;
		if (owners++ == 0)
			strbuf_puts(out, "<ul>");
		strbuf_puts(out, "<li><b>");
		esc(out, *s->owner ? s->owner : "(no owner)");
		strbuf_puts(out, "</b>: ");
		for (j = i; j < r->nsystems; j++) {
			const struct board_system *t = &r->systems[j];
			const struct board_finding *f = board_worst_finding(t);

			if (!strcmp(t->status, "OK") || strcmp(t->owner, s->owner))
				continue;
			if (shown == SUMMARY_MAX) {
				more++;
				continue;
			}
			strbuf_puts(out, shown++ ? "; " : "");
			system_link(out, r, t);
			strbuf_printf(out, " <span class=\"%s\">%s</span>", t->status, t->status);
			if (f) {
				strbuf_printf(out, " %s", f->finding);
				report_values(out, f, 0);
			}
		}
		if (more)
			strbuf_printf(out, "; +%zu more", more);
		strbuf_puts(out, "</li>");
	}
	strbuf_puts(out, owners ? "</ul>\n" : "<p>Nothing: every system is OK.</p>\n");
}

/* Does S have finding NAME? */
static int has_finding(const struct board_system *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nfindings; i++)
		if (!strcmp(s->findings[i].finding, name))
			return 1;
	return 0;
}

/* The cheapest fixes: systems not OK without a strategy, or whose strategy
 * cannot meet their objectives (strategy-under), with the cheapest strategy
 * that would, cheapest fix first. A cheaper strategy for a system that meets
 * its objectives already is a saving, not a fix: not listed here. */
static void summary_fixes(const struct board *r, struct strbuf *out)
{
	size_t i, shown = 0, more = 0;
	int64_t tier;

	strbuf_puts(out, "<h3>Cheapest fixes</h3>");
	for (tier = 1; tier <= 4; tier++) {
		for (i = 0; i < r->nsystems; i++) {
			const struct board_system *s = &r->systems[i];

			if (!strcmp(s->status, "OK") || !s->recommended || s->recommended_cost_tier != tier ||
			    (s->strategy && !has_finding(s, "strategy-under")))
				continue;
			if (shown == SUMMARY_MAX) {
				more++;
				continue;
			}
			strbuf_puts(out, shown++ ? "" : "<ul>");
			strbuf_puts(out, "<li>");
			system_link(out, r, s);
			strbuf_puts(out, ": ");
			esc(out, s->strategy ? s->strategy : "no strategy");
			if (s->strategy)
				strbuf_printf(out, " (%.*s)", (int)s->cost_tier, "$$$$");
			strbuf_puts(out, " &#8594; ");
			esc(out, s->recommended);
			strbuf_printf(out, " (%.*s)</li>", (int)tier, "$$$$");
		}
	}
	if (more)
		strbuf_printf(out, "<li>+%zu more</li>", more);
	strbuf_puts(out, shown ? "</ul>\n" : "<p>None: no strategy change would help.</p>\n");
}

/* What changed: the status changes of the last week. */
static int summary_changes(const struct board *r, struct db *db, struct strbuf *out,
			   struct error *e)
{
	struct board_change *c;
	size_t i, n;

	if (board_changes(db, r, r->now - CHANGES_S, SUMMARY_MAX * 2, &c, &n, e) < 0)
		return -1;
	strbuf_puts(out, "<h3>Changes of status in the last 7 days</h3>");
	for (i = 0; i < n; i++) {
		strbuf_puts(out, i ? "" : "<ul>");
		strbuf_printf(out, "<li>%s ", c[i].at_iso);
		system_link(out, r, c[i].system);
		if (*c[i].from)
			strbuf_printf(out, ": <span class=\"%s\">%s</span> &#8594; ", c[i].from, c[i].from);
		else
			strbuf_puts(out, ": first judged ");
		strbuf_printf(out, "<span class=\"%s\">%s</span></li>", c[i].to, c[i].to);
	}
	strbuf_puts(out, n ? "</ul>\n" : "<p>None.</p>\n");
	free(c);
	return 0;
}

/* The recovery order: parallel steps, each system's own recovery time, when it
 * is back, against its RTO. */
static int recovery_plan(const struct board *r, struct db *db, struct strbuf *out, struct error *e)
{
	struct board_step *p;
	size_t i, n;

	if (board_recovery_order(db, r, &p, &n, e) < 0)
		return -1;
	strbuf_puts(out, "<h2>Recovery order</h2>\n<p>Steps run one after the other; the systems of "
			 "a step can be recovered in parallel. Times from the start of the recovery: a "
			 "system's own recovery from its latest live drill, else its strategy's "
			 "typical RTO.</p>\n<table><thead><tr><th>step</th><th>system</th>"
			 "<th>takes</th><th>back after</th><th>RTO</th><th>within RTO</th></tr>"
			 "</thead><tbody>\n");
	for (i = 0; i < n; i++) {
		struct report_step c;

		report_step(&p[i], &c);
		strbuf_printf(out, "<tr><td class=\"n\">%lld</td><td>", (long long)p[i].step);
		system_link(out, r, p[i].system);
		strbuf_printf(out, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td>"
				   "<td class=\"n\">%s</td><td class=\"%s\">%s</td></tr>\n",
			      c.takes, c.back, c.rto,
			      p[i].meets_rto == 1 ? "OK" : p[i].meets_rto == 0 ? "BREACH" : "UNKNOWN",
			      p[i].meets_rto == 0 ? "no" : c.within);
	}
	strbuf_puts(out, "</tbody></table>\n");
	free(p);
	return 0;
}

/* Each cron schedule's due runs in the window by outcome (none: nothing). */
static int compliance(const struct board *r, struct db *db, struct strbuf *out, struct error *e)
{
	struct board_compliance *c;
	size_t i, n;

	if (board_compliance(db, r, &c, &n, e) < 0)
		return -1;
	if (n)
		strbuf_puts(out, "<h2>Backups against their schedules</h2>\n<p>Due runs in the window.</p>\n"
				 "<table><thead><tr><th>system</th><th>schedule</th><th>due</th>"
				 "<th>on time</th><th>late</th><th>missed</th><th>failed</th></tr>"
				 "</thead><tbody>\n");
	for (i = 0; i < n; i++) {
		strbuf_puts(out, "<tr><td>");
		system_link(out, r, c[i].system);
		strbuf_puts(out, "</td><td>");
		report_html_escape(out, c[i].schedule);
		strbuf_printf(out, "</td><td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
				   "<td class=\"n\">%lld</td><td class=\"n\">%lld</td>"
				   "<td class=\"n\">%lld</td></tr>\n",
			      (long long)c[i].due, (long long)c[i].on_time, (long long)c[i].late,
			      (long long)c[i].missed, (long long)c[i].failed);
	}
	if (n)
		strbuf_puts(out, "</tbody></table>\n");
	board_compliance_free(c, n);
	return 0;
}

int report_html(const struct board *r, struct db *db, int color, struct strbuf *out, struct error *e)
{
	char a[DURATION_BOUNDS_BUFSZ], b[DURATION_BOUNDS_BUFSZ], c[DURATION_BUFSZ], d[DURATION_BUFSZ];
	struct series *outages, *lags;
	size_t i, j;

	(void)color;
	strbuf_printf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
			   "<title>drtop report %s</title><style>%s</style></head><body>\n",
		      r->now_iso, style);
	strbuf_printf(out, "<h1>drtop report</h1><p>%s%s: <span class=\"BREACH\">%d BREACH</span>, "
			   "<span class=\"WARN\">%d WARN</span>, <span class=\"UNKNOWN\">%d UNKNOWN"
			   "</span>, <span class=\"OK\">%d OK</span>.</p>\n",
		      r->now_iso, r->as_of, r->breach, r->warn, r->unknown, r->ok);
	strbuf_puts(out, "<section class=\"summary\"><h2>Summary</h2>\n");
	summary_owners(r, out);
	summary_fixes(r, out);
	if (summary_changes(r, db, out, e) < 0)
		return -1;
	strbuf_puts(out, "</section>\n<h2>Systems</h2>\n");
	strbuf_puts(out, "<table><thead><tr><th>status</th><th>system</th><th>owner</th><th>tier</th>"
			 "<th>strategy</th><th>RTO</th><th>worst recovery</th><th>RPO</th>"
			 "<th>data lag</th><th>cheapest fit</th><th>finding</th></tr></thead><tbody>\n");
	for (i = 0; i < r->nsystems; i++) {
		const struct board_system *s = &r->systems[i];

		strbuf_printf(out, "<tr><td class=\"%s\">%s</td><td><a href=\"#s%zu\">", s->status,
			      s->status, i);
		esc(out, s->name);
		strbuf_puts(out, "</a></td><td>");
		esc(out, s->owner);
		strbuf_printf(out, "</td><td class=\"n\">%lld</td><td>", (long long)s->tier);
		esc(out, s->strategy ? s->strategy : "-");
		duration_format_pair(s->rpo_s, s->data_lag_s, c, d);
		if (s->strategy)
			strbuf_printf(out, " %.*s", (int)s->cost_tier, "$$$$");
		strbuf_printf(out, "</td><td class=\"n\">%s</td><td class=\"n\">%s</td><td class=\"n\">%s"
				   "</td><td class=\"n\">%s</td><td>",
			      duration_format_round(s->rto_s, a), board_recovery_format(s, 0, 0, b),
			      c, d);
		esc(out, s->recommended ? s->recommended : "-");
		strbuf_puts(out, "</td><td>");
		esc(out, s->worst_finding);
		strbuf_puts(out, "</td></tr>\n");
	}
	strbuf_puts(out, "</tbody></table>\n");
	if (compliance(r, db, out, e) < 0 || recovery_plan(r, db, out, e) < 0)
		return -1;
	outages = xcalloc(r->nsystems + 1, sizeof(*outages));
	lags = xcalloc(r->nsystems + 1, sizeof(*lags));
	if (load_series(r, db, outages_sql, outages, e) < 0 || load_series(r, db, lags_sql, lags, e) < 0) {
		free_series(outages, r->nsystems);
		free_series(lags, r->nsystems);
		return -1;
	}
	for (i = 0; i < r->nsystems; i++) {
		const struct board_system *s = &r->systems[i];

		strbuf_printf(out, "<section id=\"s%zu\"><h2><span class=\"%s\">%s</span> ", i, s->status,
			      s->status);
		esc(out, s->name);
		strbuf_puts(out, "</h2>\n");
		outage_chart(s, &outages[i], r, out);
		lag_chart(s, &lags[i], r, out);
		if (s->nfindings)
			strbuf_puts(out, "<ul>");
		for (j = 0; j < s->nfindings; j++) {
			const struct board_finding *f = &s->findings[j];

			strbuf_printf(out, "<li><span class=\"%s\">%s</span> %s: ",
				      !strcmp(f->severity, "INFO") ? "OK" : f->severity, f->severity,
				      f->finding);
			esc(out, f->detail);
			report_values(out, f, 0);
			strbuf_puts(out, " (since ");
			esc(out, f->since_iso);
			strbuf_puts(out, ")</li>");
		}
		if (s->nfindings)
			strbuf_puts(out, "</ul>");
		strbuf_puts(out, "</section>\n");
	}
	free_series(outages, r->nsystems);
	free_series(lags, r->nsystems);
	if (*r->ledger_head)
		strbuf_printf(out, "<footer><p>Ledger head <code>%s</code></p></footer>\n",
			      r->ledger_head);
	strbuf_puts(out, "</body></html>\n");
	return 0;
}

/*
 * report-html.c - one self-contained page for auditors: the summary, the
 * table, and per system a chart of outage durations against the RTO and of
 * data lag against the RPO, as inline SVG. No external asset; every value
 * from the data is escaped. The markup is also well-formed XML.
 */
#include "config.h"

#include <string.h>

#include "report.h"

#define W 360
#define H 90

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

/* Bars of the outage durations in the window, with the RTO as a line: red a
 * sure breach (its lower bound is above the RTO), amber a possible one (its
 * upper bound is, or it has none: cut short, only a lower bound is known). */
static int outage_chart(const struct board_system *s, const struct board *r, struct db *db,
			struct strbuf *out, struct error *e)
{
	sqlite3_stmt *st = db_prepare(db,
				      "SELECT duration_s, planned, coalesce(breach, 0),"
				      " coalesce(may_breach, upper_ms IS NULL) FROM v_outages WHERE system = ?1"
				      " AND ended_ms IS NOT NULL AND started_ms >= ?2 * 1000"
				      " ORDER BY started_ms DESC LIMIT 60",
				      e);
	int64_t d[60], max = s->rto_s;
	int planned[60], breach[60], may[60], n = 0, i;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->now - r->window_s);
	while (sqlite3_step(st) == SQLITE_ROW && n < 60) {
		d[n] = sqlite3_column_int64(st, 0);
		planned[n] = sqlite3_column_int(st, 1);
		breach[n] = sqlite3_column_int(st, 2);
		may[n] = sqlite3_column_int(st, 3);
		if (d[n] > max)
			max = d[n];
		n++;
	}
	sqlite3_finalize(st);
	strbuf_printf(out, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
			   "height=\"%d\" role=\"img\"><title>outages against the RTO</title>",
		      W, H);
	max = max + max / 5 + 1;
	for (i = 0; i < n; i++) {
		int bw = (W - 20) / 60, x = W - 10 - (i + 1) * bw;
		int bh = (int)((H - 10) * d[i] / max);

		strbuf_printf(out, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>", x,
			      H - 5 - bh, bw - 1, bh,
			      planned[i] ? "#9ab" : breach[i] ? "#c33" : may[i] ? "#e90" : "#4a4");
	}
	strbuf_printf(out, "<line x1=\"0\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#b00\" "
			   "stroke-dasharray=\"4 3\"/></svg><figcaption>%d outage%s in the window; "
			   "dashed: RTO; red: above it, amber: maybe</figcaption></figure>",
		      W, H - 5 - (int)((H - 10) * s->rto_s / max), H - 5 - (int)((H - 10) * s->rto_s / max),
		      n, n == 1 ? "" : "s");
	return 0;
}

/* The data lag measured by freshness probes over the window, with the RPO as a line. */
static int lag_chart(const struct board_system *s, const struct board *r, struct db *db,
		     struct strbuf *out, struct error *e)
{
	sqlite3_stmt *st = db_prepare(db,
				      "SELECT p.at, p.lag_s FROM probe_result p JOIN endpoint e ON"
				      " e.id = p.endpoint_id JOIN system s ON s.id = e.system_id"
				      " WHERE s.name = ?1 AND p.lag_s IS NOT NULL AND p.at_ms >= ?2 * 1000"
				      " ORDER BY p.at_ms DESC LIMIT 200",
				      e);
	int64_t at[200], lag[200], max = s->rpo_s;
	int n = 0, i;

	if (!st)
		return -1;
	sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 2, r->now - r->window_s);
	while (sqlite3_step(st) == SQLITE_ROW && n < 200) {
		at[n] = sqlite3_column_int64(st, 0);
		lag[n] = sqlite3_column_int64(st, 1);
		if (lag[n] > max)
			max = lag[n];
		n++;
	}
	sqlite3_finalize(st);
	max = max + max / 5 + 1;
	strbuf_printf(out, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" "
			   "height=\"%d\" role=\"img\"><title>data lag against the RPO</title>",
		      W, H);
	if (n) {
		strbuf_puts(out, "<polyline fill=\"none\" stroke=\"#36c\" points=\"");
		for (i = n - 1; i >= 0; i--)
			strbuf_printf(out, "%lld,%d ",
				      (long long)(W - 10 - (W - 20) * (r->now - at[i]) / (r->window_s ? r->window_s : 1)),
				      H - 5 - (int)((H - 10) * lag[i] / max));
		strbuf_puts(out, "\"/>");
	}
	strbuf_printf(out, "<line x1=\"0\" x2=\"%d\" y1=\"%d\" y2=\"%d\" stroke=\"#b00\" "
			   "stroke-dasharray=\"4 3\"/></svg><figcaption>%s; dashed: RPO</figcaption>"
			   "</figure>",
		      W, H - 5 - (int)((H - 10) * s->rpo_s / max), H - 5 - (int)((H - 10) * s->rpo_s / max),
		      n ? "data lag seen by freshness probes" : "no data lag measured by probes");
	return 0;
}

int report_html(const struct board *r, struct db *db, int color, struct strbuf *out, struct error *e)
{
	char a[DURATION_BOUNDS_BUFSZ], b[DURATION_BOUNDS_BUFSZ], c[DURATION_BUFSZ], d[DURATION_BUFSZ];
	size_t i, j;

	(void)color;
	strbuf_printf(out, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>"
			   "<title>drtop report %s</title><style>%s</style></head><body>\n",
		      r->now_iso, style);
	strbuf_printf(out, "<h1>drtop report</h1><p>%s: <span class=\"BREACH\">%d BREACH</span>, "
			   "<span class=\"WARN\">%d WARN</span>, <span class=\"UNKNOWN\">%d UNKNOWN"
			   "</span>, <span class=\"OK\">%d OK</span>.</p>\n",
		      r->now_iso, r->breach, r->warn, r->unknown, r->ok);
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
	for (i = 0; i < r->nsystems; i++) {
		const struct board_system *s = &r->systems[i];

		strbuf_printf(out, "<section id=\"s%zu\"><h2><span class=\"%s\">%s</span> ", i, s->status,
			      s->status);
		esc(out, s->name);
		strbuf_puts(out, "</h2>\n");
		if (outage_chart(s, r, db, out, e) < 0 || lag_chart(s, r, db, out, e) < 0)
			return -1;
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
	if (*r->ledger_head)
		strbuf_printf(out, "<footer><p>Ledger head <code>%s</code></p></footer>\n",
			      r->ledger_head);
	strbuf_puts(out, "</body></html>\n");
	return 0;
}

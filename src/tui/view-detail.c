/*
 * view-detail.c - one system's page: its verdict and findings, charts of its
 * evidence, its endpoints, schedules, drills, dependencies and strategies,
 * and the what-if (view-whatif.c). The page scrolls as a whole.
 *
 * The page is read anew through core/detail.h at each redraw, so what a form
 * just saved shows at once; the verdict part comes from the board.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "detail.h"
#include "reason.h"
#include "theme.h"
#include "view.h"
#include "when.h"

int view_scroll(int *top, int page, enum tui_action a)
{
	switch (a) {
	case ACT_UP:
		*top -= *top > 0;
		return 1;
	case ACT_DOWN:
		++*top;
		return 1;
	case ACT_PAGE_UP:
		*top = *top > page ? *top - page : 0;
		return 1;
	case ACT_PAGE_DOWN:
		*top += page;
		return 1;
	case ACT_HOME:
		*top = 0;
		return 1;
	case ACT_END:
		*top = 1000000; /* the drawing stops it at the end */
		return 1;
	default:
		return 0;
	}
}

int view_row(struct view_lines *l)
{
	int r = 2 + l->y - l->top;

	l->y++;
	return r >= 2 && r <= l->max ? r : -1;
}

void view_heading(struct view_lines *l, const char *text)
{
	int y;

	view_row(l);
	if ((y = view_row(l)) >= 0) {
		attrset(theme_attr(C_TITLE));
		tui_put(y, 0, tui_pane_cols, text);
	}
}

void view_detail_open(struct tui *t)
{
	const struct board_system *s = tui_selected(t);

	if (!s)
		return;
	t->open_id = s->id;
	t->detail_top = 0;
	t->whatif_on = 0;
	t->screen = SCR_DETAIL;
	t->dirty = 1;
}

/* The lines of SECTION, coloured by their status, under HEADING (when not
 * NULL); EMPTY when there are none, or nothing at all, heading included, when
 * EMPTY is NULL. */
static void section(struct tui *t, struct view_lines *l, enum detail_section sec, int64_t id,
		    const char *heading, const char *empty)
{
	struct detail_lines d;
	size_t i;
	int y;

	if (detail_lines_load(t->db, sec, id, &d, NULL) < 0)
		return;
	if (heading && (d.n || empty))
		view_heading(l, heading);
	for (i = 0; i < d.n; i++) {
		if ((y = view_row(l)) < 0)
			continue;
		attrset(d.v[i].status ? theme_status(d.v[i].status) : theme_attr(C_NORMAL));
		tui_put(y, 2, tui_pane_cols - 4, d.v[i].text);
	}
	if (!d.n && empty && (y = view_row(l)) >= 0) {
		attrset(theme_attr(C_DIM));
		tui_put(y, 2, tui_pane_cols - 4, empty);
	}
	detail_lines_done(&d);
}

/* A chart of SERIES, newest right, against its objective: bars of the last
 * outages against the RTO, or a sparkline of the data lag freshness probes
 * saw against the RPO. */
static void chart(struct tui *t, struct view_lines *l, const struct board_system *s,
		  enum detail_series series)
{
	static const char *const blocks[] = {" ", "\u2581", "\u2582", "\u2583", "\u2584",
					     "\u2585", "\u2586", "\u2587", "\u2588"};
	int lag = series == DETAIL_LAG;
	int64_t v[40], target = lag ? s->rpo_s : s->rto_s, max = target;
	int n = detail_series_load(t->db, series, s->id, v, 40, NULL), i, y;
	char a[DURATION_BUFSZ], w[DURATION_BUFSZ + 4];

	if (n < 0)
		return;
	for (i = 0; i < n; i++)
		if (v[i] > max)
			max = v[i];
	if ((y = view_row(l)) < 0)
		return;
	attrset(theme_attr(C_DIM));
	tui_putf(y, 2, 24, "%s (%s %s):", lag ? "data lag" : "outages", lag ? "RPO" : "RTO",
		 tui_dur(target, a));
	if (!n) {
		tui_put(y, 26, tui_pane_cols - 28,
			lag ? "no freshness probe of it yet (its lag is read from check-ins, if any)"
			    : s->down_since_ms != BOARD_NONE ? "none ended yet: one is going on (above)"
							     : "none recorded");
		return;
	}
	for (i = 0; i < n; i++) {
		/* a bar at least one eighth high; the sparkline's levels from the bottom */
		int level = lag ? 1 + (int)(7 * v[i] / (max ? max : 1)) : (int)(8 * v[i] / (max ? max : 1));

		attrset(theme_attr(v[i] > target ? C_BAR_BAD : C_BAR_GOOD));
		if (t->utf8)
			tui_put(y, 26 + i, 1, blocks[level < 1 ? 1 : level]);
		else
			tui_put(y, 26 + i, 1, v[i] > target ? "#" : lag ? "." : "|");
	}
	attrset(theme_attr(C_TARGET));
	if (lag) {
		/* "now" in the colour of its own state against the RPO */
		if (s->data_lag_s != BOARD_NONE)
			attrset(theme_status(s->data_lag_s > s->rpo_s ? "BREACH"
					     : s->data_lag_s > s->rpo_s * t->board.near_ratio ? "WARN" : "OK"));
		tui_putf(y, 26 + n + 1, tui_pane_cols - 28 - n, "now %s", tui_dur(s->data_lag_s, a));
	} else {
		tui_putf(y, 26 + n + 1, tui_pane_cols - 28 - n, "worst %s", tui_recovery(t, s, w));
	}
}

static void draw(struct tui *t)
{
	const struct board_system *s = tui_selected(t);
	struct view_lines l = {0, t->detail_top, LINES - 2};
	char a[DURATION_BUFSZ], c[DURATION_BUFSZ + 4], d[DURATION_BUFSZ],
		g[DURATION_BUFSZ];
	size_t i;
	int y;

	for (y = 1; y < LINES - 1; y++) {
		attrset(theme_attr(C_NORMAL));
		tui_clear_row(y);
	}
	if (!s) {
		tui_put(2, 2, tui_pane_cols - 4, "this system is gone (deleted elsewhere?): Esc for the list");
		return;
	}
	attrset(theme_status(s->status));
	tui_putf(1, 0, 8, " %s ", s->status);
	attrset(theme_attr(C_TITLE));
	tui_putf(1, 9, tui_pane_cols - 9, "%s   tier %lld   owner %s   strategy %s %.*s%s", s->name,
		 (long long)s->tier, s->owner && *s->owner ? s->owner : "-",
		 s->strategy ? s->strategy : "none", s->cost_tier == BOARD_NONE ? 0 : (int)s->cost_tier,
		 "$$$$", s->disabled ? "   DISABLED: not probed, its figures not current" : "");
	if ((y = view_row(&l)) >= 0) {
		attrset(theme_attr(C_NORMAL));
		char worst[DURATION_BOUNDS_BUFSZ], last[DURATION_BOUNDS_BUFSZ];
		unsigned flags = t->utf8 ? 0 : DURATION_ASCII;

		/* the bounds of the outages' lengths, as the reports give them */
		tui_putf(y, 2, tui_pane_cols - 4, "RTO %s, worst recovery %s, last %s    RPO %s, data lag %s",
			 tui_dur(s->rto_s, a),
			 s->worst_recovery_s == BOARD_NONE ? "-" : board_recovery_format(s, 0, flags, worst),
			 s->last_recovery_s == BOARD_NONE ? "-" : board_recovery_format(s, 1, flags, last),
			 tui_dur(s->rpo_s, d), tui_dur(s->data_lag_s, g));
	}
	if (s->down_since_ms != BOARD_NONE && (y = view_row(&l)) >= 0) {
		char since[DURATION_BOUNDS_BUFSZ], rto[DURATION_BUFSZ], gap[DURATION_BUFSZ], tail[96] = "";
		int64_t down = s->down_lower_s;

		/* at the least, as the verdict measures it: the silence of a gap is not down */
		attrset(theme_status(down > s->rto_s ? "BREACH" : "WARN"));
		if (s->down_gap_s > 0)
			snprintf(tail, sizeof(tail), ", with %s of it unwatched (a gap in probing, neither up nor down)",
				 duration_format_round(s->down_gap_s, gap));
		tui_putf(y, 2, tui_pane_cols - 4, "%s down now, for %s (RTO %s): an outage is going on%s",
			 t->utf8 ? "\u25cf" : "*",
			 duration_format_bounds(down, down, DURATION_NONE, t->utf8 ? 0 : DURATION_ASCII, since),
			 duration_format_round(s->rto_s, rto), tail);
	}
	view_whatif_draw(t, &l);
	view_heading(&l, "findings");
	if (!s->nfindings && (y = view_row(&l)) >= 0) {
		attrset(theme_attr(C_DIM));
		tui_put(y, 2, tui_pane_cols - 4, t->loaded_full ? "none" : "reading...");
	}
	for (i = 0; i < s->nfindings; i++) {
		const struct board_finding *f = &s->findings[i];

		if ((y = view_row(&l)) < 0)
			continue;
		attrset(theme_status(f->severity));
		tui_putf(y, 2, 8, "%-7s", f->severity);
		attrset(theme_attr(C_NORMAL));
		if (f->target_s != BOARD_NONE && strcmp(f->objective, "cost")) {
			char target[DURATION_BOUNDS_BUFSZ], measured[DURATION_BOUNDS_BUFSZ];

			/* an outage's bounds, as status and the reports give them */
			board_finding_format(f, t->utf8 ? 0 : DURATION_ASCII, target, measured);
			tui_putf(y, 10, tui_pane_cols - 12, "%-20s target %s, measured %s, resolution %s: %s",
				 f->finding, target, f->measured_s == BOARD_NONE ? "-" : measured,
				 tui_dur(f->resolution_s, c), f->detail);
		} else
			tui_putf(y, 10, tui_pane_cols - 12, "%-20s %s", f->finding, f->detail);
	}
	view_heading(&l, "evidence");
	chart(t, &l, s, DETAIL_OUTAGES);
	chart(t, &l, s, DETAIL_LAG);
	view_heading(&l, "endpoints");
	section(t, &l, DETAIL_ENDPOINTS, s->id, NULL, "none: press E to add one");
	view_heading(&l, "backup schedules and check-ins");
	section(t, &l, DETAIL_SCHEDULES, s->id, NULL, "none: press S to add one");
	section(t, &l, DETAIL_RUNS, s->id,
		"backup runs, oldest to newest (+ on time, L late, M missed, F failed, . due)", NULL);
	view_heading(&l, "drills");
	section(t, &l, DETAIL_DRILLS, s->id, NULL, "none: press D to record one");
	view_heading(&l, "status history (the list's HISTORY cells, newest first)");
	section(t, &l, DETAIL_HISTORY, s->id, NULL, "none kept yet");
	/* only when there are some: a system nobody was told of keeps a short page */
	section(t, &l, DETAIL_NOTIFICATIONS, s->id, "notifications (the last five, newest first)", NULL);
	view_heading(&l, "dependencies");
	section(t, &l, DETAIL_DEPENDENCIES, s->id, NULL, "none");
	view_heading(&l, "strategies");
	section(t, &l, DETAIL_STRATEGIES, s->id, NULL, "");
}

static void scroll_by(struct tui *t, int by)
{
	t->detail_top += by;
	if (t->detail_top < 0)
		t->detail_top = 0;
	t->dirty = 1;
}

static int act(struct tui *t, enum tui_action a)
{
	const struct board_system *s = tui_selected(t);

	switch (a) {
	case ACT_QUIT:
		t->screen = SCR_LIST;
		return 1;
	case ACT_BACK:
		if (t->whatif_on)
			t->whatif_on = 0;
		else
			t->screen = SCR_LIST;
		return 1;
	case ACT_OPEN:
		if (t->whatif_on) {
			if (tui_editable(t))
				view_whatif_save(t);
		} else {
			view_detail_open(t);
		}
		return 1;
	case ACT_UP:
		scroll_by(t, -1);
		return 1;
	case ACT_DOWN:
		scroll_by(t, 1);
		return 1;
	case ACT_PAGE_UP:
		scroll_by(t, -(LINES - 4));
		return 1;
	case ACT_PAGE_DOWN:
		scroll_by(t, LINES - 4);
		return 1;
	case ACT_HOME:
		scroll_by(t, -1000000);
		return 1;
	case ACT_END:
		scroll_by(t, 1000000);
		return 1;
	case ACT_WHATIF:
		view_whatif_next(t);
		return 1;
	case ACT_WHATIF_SCHEDULE:
		modal_prompt(tui_pop_up(t, DO_WHATIF_SCHEDULE, NULL),
			     "what if backups ran every (e.g. 15m) or on (a cron expression)", NULL);
		return 1;
	case ACT_ADD_ENDPOINT:
		if (s && tui_editable(t))
			edit_endpoints(t, s);
		return 1;
	case ACT_ADD_SCHEDULE:
		if (s && tui_editable(t))
			edit_schedules(t, s);
		return 1;
	case ACT_DRILL:
		if (s && tui_editable(t))
			edit_drill(t, s);
		return 1;
	default:
		return 0;
	}
}

const struct view_ops view_detail_ops = {"detail", draw, act};

/*
 * view-list.c - the list of systems, worst first: one row each with its
 * status, objectives against what was measured, and its recent history.
 *
 * The list draws from the board in memory only (filtered and sorted into
 * t->rows), so its keys never wait for the database.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "theme.h"
#include "util.h"
#include "view.h"

static struct tui *sort_ctx;

static int cmp_rows(const void *a, const void *b)
{
	const struct board_system *x = &sort_ctx->board.systems[*(const size_t *)a],
				  *y = &sort_ctx->board.systems[*(const size_t *)b];
	int64_t d = 0;

	switch (sort_ctx->sort) {
	case SORT_STATUS:
		d = board_status_rank(y->status) - board_status_rank(x->status);
		if (!d)
			d = x->tier - y->tier;
		break;
	case SORT_TIER:
		d = x->tier - y->tier;
		break;
	case SORT_LAG:
		d = (y->data_lag_s == BOARD_NONE ? -1 : y->data_lag_s) -
		    (x->data_lag_s == BOARD_NONE ? -1 : x->data_lag_s);
		break;
	case SORT_RTO:
		d = x->rto_s - y->rto_s;
		break;
	default:
		break;
	}
	if (d)
		return d < 0 ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int matches(const struct board_system *s, const char *text)
{
	return !text || !*text || strstr(s->name, text) || (s->owner && strstr(s->owner, text)) ||
	       (s->strategy && strstr(s->strategy, text)) || !strcasecmp(s->status, text);
}

void view_list_arrange(struct tui *t)
{
	int64_t keep = t->nrows && t->sel < (int)t->nrows ? t->board.systems[t->rows[t->sel]].id : 0;
	size_t i;

	free(t->rows);
	t->rows = xcalloc(t->board.nsystems + 1, sizeof(size_t));
	t->nrows = 0;
	for (i = 0; i < t->board.nsystems; i++)
		if (matches(&t->board.systems[i], t->filter))
			t->rows[t->nrows++] = i;
	sort_ctx = t;
	qsort(t->rows, t->nrows, sizeof(size_t), cmp_rows);
	t->sel = 0;
	for (i = 0; i < t->nrows; i++)
		if (t->board.systems[t->rows[i]].id == keep)
			t->sel = (int)i;
	t->dirty = 1;
}

void view_list_search_next(struct tui *t, int from)
{
	size_t i;

	if (!t->search || !*t->search)
		return;
	for (i = 0; i < t->nrows; i++) {
		size_t r = (size_t)(from + (int)i) % t->nrows;

		if (strstr(t->board.systems[t->rows[r]].name, t->search)) {
			t->sel = (int)r;
			t->dirty = 1;
			return;
		}
	}
	tui_message(t, 1, "no system named like '%s'", t->search);
}

static void history_bar(struct tui *t, int y, int x, const char *h)
{
	for (; *h; h++, x++) {
		const char *word = *h == 'B' ? "BREACH" : *h == 'W' ? "WARN" : *h == 'O' ? "OK" : "UNKNOWN";

		attrset(theme_status(word));
		tui_put(y, x, 1, t->utf8 ? "\u2588" : (*h == 'B' ? "#" : *h == 'W' ? "=" : *h == 'O' ? "." : "?"));
	}
}

static void draw(struct tui *t)
{
	int h = LINES - 3, i, wide = COLS >= 100, namew = COLS - 80 + 16;
	char a[DURATION_BUFSZ], c[DURATION_BUFSZ], d[DURATION_BUFSZ];

	if (namew > 30)
		namew = 30;
	attrset(theme_attr(C_TITLE));
	mvhline(1, 0, ' ', COLS);
	tui_putf(1, 0, COLS, "%-7s %-*s %4s %-18s %-14s %-14s %-8s%s", "STATUS", namew, "SYSTEM", "TIER",
		 "STRATEGY", "RTO/WORST", "RPO/LAG", "PROBED", wide ? " HISTORY" : "");
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + h)
		t->top = t->sel - h + 1;
	for (i = 0; i < h; i++) {
		int r = t->top + i, y = 2 + i, on = r == t->sel;
		const struct board_system *s;
		char strategy[48], rto[40], rpo[40], probed[DURATION_BUFSZ + 4], w[DURATION_BUFSZ + 4];
		int extra; /* bytes of the RTO cell beyond its columns (a "≥") */

		attrset(theme_attr(C_NORMAL));
		mvhline(y, 0, ' ', COLS);
		if (r >= (int)t->nrows) {
			if (r == 0)
				tui_put(y, 2, COLS - 4, t->filter ? "no system matches the filter"
								: "no systems yet: press a (or F2) to add one");
			continue;
		}
		s = &t->board.systems[t->rows[r]];
		if (on) {
			attrset(theme_attr(C_SELECTED));
			mvhline(y, 0, ' ', COLS);
		}
		snprintf(strategy, sizeof(strategy), "%s %.*s", s->strategy ? s->strategy : "-",
			 s->cost_tier == BOARD_NONE ? 0 : (int)s->cost_tier, "$$$$");
		snprintf(rto, sizeof(rto), "%s/%s", tui_dur(s->rto_s, a),
			 tui_recovery(t, s->worst_recovery_s, s->worst_recovery_bound, w));
		extra = s->worst_recovery_bound && t->utf8 && s->worst_recovery_s != BOARD_NONE ? 2 : 0;
		snprintf(rpo, sizeof(rpo), "%s/%s", tui_dur(s->rpo_s, c), tui_dur(s->data_lag_s, d));
		if (s->last_probe_at == BOARD_NONE)
			snprintf(probed, sizeof(probed), "-");
		else
			snprintf(probed, sizeof(probed), "%s ago", tui_dur(t->board.now - s->last_probe_at, a));
		tui_putf(y, 8, COLS - 8, "%-*.*s %4lld %-18.18s %-*.*s %-14.14s %-8.8s", namew, namew,
			 s->name, (long long)s->tier, strategy, 14 + extra, 14 + extra, rto, rpo, probed);
		attrset(on ? theme_attr(C_SELECTED) : theme_status(s->status));
		tui_putf(y, 0, 7, "%-7s", s->status);
		if (wide)
			history_bar(t, y, 8 + namew + 1 + 4 + 1 + 18 + 1 + 14 + 1 + 14 + 1 + 8 + 1, s->history);
	}
}

static void move_sel(struct tui *t, int by)
{
	t->sel += by;
	if (t->sel >= (int)t->nrows)
		t->sel = (int)t->nrows - 1;
	if (t->sel < 0)
		t->sel = 0;
	t->dirty = 1;
}

void view_list_click(struct tui *t, int y, int twice)
{
	int r = t->top + y - 2;

	if (y >= 2 && r < (int)t->nrows) {
		int again = r == t->sel || twice;

		t->sel = r;
		if (again)
			view_detail_open(t);
	}
}

static int act(struct tui *t, enum tui_action a)
{
	switch (a) {
	case ACT_OPEN:
		view_detail_open(t);
		return 1;
	case ACT_UP:
		move_sel(t, -1);
		return 1;
	case ACT_DOWN:
		move_sel(t, 1);
		return 1;
	case ACT_PAGE_UP:
		move_sel(t, -(LINES - 4));
		return 1;
	case ACT_PAGE_DOWN:
		move_sel(t, LINES - 4);
		return 1;
	case ACT_HOME:
		move_sel(t, -1000000);
		return 1;
	case ACT_END:
		move_sel(t, 1000000);
		return 1;
	case ACT_BACK:
		return 1;
	default:
		return 0;
	}
}

const struct view_ops view_list_ops = {"list", draw, act};

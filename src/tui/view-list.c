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

#include "reason.h"
#include "theme.h"
#include "util.h"
#include "view.h"
#include "when.h"

static int matches(const struct board_system *s, const char *text)
{
	return !text || !*text || strstr(s->name, text) || (s->owner && strstr(s->owner, text)) ||
	       (s->strategy && strstr(s->strategy, text)) || !strcasecmp(s->status, text);
}

int64_t view_list_selected_id(const struct tui *t)
{
	return t->nrows && t->sel < (int)t->nrows ? t->board.systems[t->rows[t->sel]].id : 0;
}

void view_list_arrange(struct tui *t)
{
	view_list_arrange_keeping(t, view_list_selected_id(t));
}

void view_list_arrange_keeping(struct tui *t, int64_t keep)
{
	/* The sorts in the order of enum sort; the board works each out once
	 * (the reading thread every one), so a key that sorts costs a pass. */
	static const enum board_order orders[SORT_COUNT] = {
		[SORT_STATUS] = BOARD_BY_STATUS, [SORT_NAME] = BOARD_BY_NAME, [SORT_TIER] = BOARD_BY_TIER,
		[SORT_LAG] = BOARD_BY_LAG,       [SORT_RTO] = BOARD_BY_RTO,
	};
	const size_t *order = board_order(&t->board, orders[t->sort]);
	size_t i, n = t->board.nsystems;

	free(t->rows);
	t->rows = xcalloc(n + 1, sizeof(size_t));
	t->nrows = 0;
	for (i = 0; i < n; i++) {
		size_t k = order[t->reverse ? n - 1 - i : i];

		if (matches(&t->board.systems[k], t->filter))
			t->rows[t->nrows++] = k;
	}
	/* KEEP's row; when it is gone, the row that took its place */
	for (i = 0; i < t->nrows; i++)
		if (t->board.systems[t->rows[i]].id == keep)
			break;
	if (i < t->nrows)
		t->sel = (int)i;
	else if (!keep || t->sel < 0)
		t->sel = 0;
	else if (t->sel >= (int)t->nrows)
		t->sel = t->nrows ? (int)t->nrows - 1 : 0;
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
			t->chosen = 1;
			t->dirty = 1;
			return;
		}
	}
	tui_message(t, 1, "no system named like '%s'", t->search);
}

/* The last status changes, a cell each: the cell's height says the status
 * whatever the colours (a monochrome theme, a colour-blind reader), the colour
 * repeats it. */
static void history_bar(struct tui *t, int y, int x, const char *h)
{
	for (; *h; h++, x++) {
		const char *word = *h == 'B' ? "BREACH" : *h == 'W' ? "WARN" : *h == 'O' ? "OK" : "UNKNOWN";

		attrset(theme_status(word));
		if (t->utf8)
			tui_put(y, x, 1, *h == 'B' ? "\u2588" : *h == 'W' ? "\u2585" : *h == 'O' ? "\u2582" : "\u2591");
		else
			tui_put(y, x, 1, *h == 'B' ? "#" : *h == 'W' ? "=" : *h == 'O' ? "." : "?");
	}
}

/* The list's columns, in screen order. Those of lower PRIO are shown first;
 * a column that does not fit is left out, and what is left over widens
 * SYSTEM (the flexible column) up to its MAX. */
enum column { COL_STATUS, COL_SYSTEM, COL_TIER, COL_STRATEGY, COL_RTO, COL_RPO, COL_REASON,
	      COL_PROBED, COL_HISTORY, COL_COUNT };

static const struct {
	const char *title;
	int width, max, prio;
	int sort;   /* the sort it stands for, or -1 */
	int down;   /* that sort runs from the largest (the worst) down */
} columns[COL_COUNT] = {
	[COL_STATUS] = {"STATUS", 7, 7, 0, SORT_STATUS, 1},
	[COL_SYSTEM] = {"SYSTEM", 12, 30, 0, SORT_NAME, 0},
	[COL_TIER] = {"TIER", 5, 5, 1, SORT_TIER, 0},
	[COL_STRATEGY] = {"STRATEGY", 18, 18, 3, -1, 0},
	[COL_RTO] = {"RTO/WORST", 12, 12, 1, SORT_RTO, 0},
	[COL_RPO] = {"RPO/LAG", 12, 12, 1, SORT_LAG, 1},
	[COL_REASON] = {"REASON", 22, 40, 2, -1, 0},
	[COL_PROBED] = {"PROBED", 10, 10, 4, -1, 0}, /* "43m27s ago" */
	[COL_HISTORY] = {"HISTORY", 12, 12, 5, -1, 0},
};

struct layout {
	int x[COL_COUNT], w[COL_COUNT]; /* w 0: left out */
};

/* How wide SYSTEM grows at most before REASON does. */
#define SYSTEM_FIRST_WIDTH 16

/* NAME_WIDTH: the longest name of the board, which SYSTEM needs with a
 * down marker before it. */
static void layout(struct layout *l, int name_width)
{
	int used = 0, prio, c, x = 0, i;

	memset(l, 0, sizeof(*l));
	for (prio = 0; prio <= 5; prio++)
		for (c = 0; c < COL_COUNT; c++)
			if (columns[c].prio == prio && used + columns[c].width + (used > 0) <= tui_pane_cols) {
				l->w[c] = columns[c].width;
				used += columns[c].width + (used > 0);
			}
	/* The room left widens SYSTEM to what most names take, then REASON (a
	 * reason cut short says less than a long name cut short), then SYSTEM. */
	for (i = 0; i < 3; i++) {
		static const int order[] = {COL_SYSTEM, COL_REASON, COL_SYSTEM};
		int more = tui_pane_cols - used, upto;

		c = order[i];
		upto = i == 0 ? (name_width + 2 < SYSTEM_FIRST_WIDTH ? name_width + 2 : SYSTEM_FIRST_WIDTH)
			      : columns[c].max;
		if (!l->w[c] || l->w[c] >= upto)
			continue;
		if (more > upto - l->w[c])
			more = upto - l->w[c];
		l->w[c] += more;
		used += more;
	}
	for (c = 0; c < COL_COUNT; c++)
		if (l->w[c]) {
			l->x[c] = x;
			x += l->w[c] + 1;
		}
}

/* The sort's direction as shown: down (the worst or largest first) or up. */
static int sort_down(const struct tui *t)
{
	int c;

	for (c = 0; c < COL_COUNT; c++)
		if (columns[c].sort == (int)t->sort)
			return columns[c].down != t->reverse;
	return 0;
}

/* Put cell TEXT of column C at row Y. */
static void cell(const struct layout *l, int y, int c, const char *text)
{
	if (l->w[c])
		tui_putf(y, l->x[c], l->w[c], "%-*s", l->w[c], text);
}

static void draw(struct tui *t)
{
	int h = LINES - 3, i, c;
	struct layout lay;
	char a[DURATION_BUFSZ], b[DURATION_BUFSZ];

	layout(&lay, t->board.name_width);
	attrset(theme_attr(C_TITLE));
	tui_clear_row(1);
	for (c = 0; c < COL_COUNT; c++) {
		char title[32];

		if (columns[c].sort == (int)t->sort)
			snprintf(title, sizeof(title), "%s%s", columns[c].title,
				 sort_down(t) ? (t->utf8 ? "\u25bc" : "v") : (t->utf8 ? "\u25b2" : "^"));
		else
			snprintf(title, sizeof(title), "%s", columns[c].title);
		cell(&lay, 1, c, title);
	}
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + h)
		t->top = t->sel - h + 1;
	for (i = 0; i < h; i++) {
		int r = t->top + i, y = 2 + i, on = r == t->sel;
		const struct board_system *s;
		char text[64], w[DURATION_BUFSZ + 4];

		attrset(theme_attr(C_NORMAL));
		tui_clear_row(y);
		if (r >= (int)t->nrows) {
			if (r == 0)
				tui_put(y, 2, tui_pane_cols - 4,
					t->filter	 ? "no system matches the filter"
					: when_known()	 ? "no systems had been added by then"
					: t->o->readonly ? "no systems yet (read-only: drtop system add makes one)"
							 : "no systems yet: press a (or F2) to add one");
			continue;
		}
		s = &t->board.systems[t->rows[r]];
		if (on) {
			attrset(theme_attr(C_SELECTED));
			tui_clear_row(y);
		}
		if (s->down_since_ms != BOARD_NONE) { /* down now: a marker before the name */
			snprintf(text, sizeof(text), "%s %s", t->utf8 ? "\u25cf" : "*", s->name);
			cell(&lay, y, COL_SYSTEM, text);
		} else {
			cell(&lay, y, COL_SYSTEM, s->name);
		}
		snprintf(text, sizeof(text), "%4lld", (long long)s->tier);
		cell(&lay, y, COL_TIER, text);
		snprintf(text, sizeof(text), "%s %.*s", s->strategy ? s->strategy : "-",
			 s->cost_tier == BOARD_NONE ? 0 : (int)s->cost_tier, "$$$$");
		cell(&lay, y, COL_STRATEGY, text);
		snprintf(text, sizeof(text), "%s/%s", tui_dur(s->rto_s, a),
			 tui_recovery(t, s, w));
		/* a cell past its objective in the breach colour */
		if (!on && ((s->worst_recovery_s != BOARD_NONE && s->worst_recovery_s > s->rto_s) ||
			    (s->down_since_ms != BOARD_NONE && s->down_lower_s > s->rto_s)))
			attrset(theme_attr(C_BREACH));
		cell(&lay, y, COL_RTO, text);
		attrset(theme_attr(on ? C_SELECTED : C_NORMAL));
		snprintf(text, sizeof(text), "%s/%s", tui_dur(s->rpo_s, a), tui_dur(s->data_lag_s, b));
		if (!on && s->data_lag_s != BOARD_NONE && s->data_lag_s > s->rpo_s)
			attrset(theme_attr(C_BREACH));
		cell(&lay, y, COL_RPO, text);
		attrset(theme_attr(on ? C_SELECTED : C_NORMAL));
		if (lay.w[COL_REASON]) {
			char why[96];
			const char *severity;

			reason_text(s, t->utf8 ? 0 : DURATION_ASCII, t->loaded_full, why, sizeof(why),
				    &severity);
			if (!on)
				attrset(theme_status(severity));
			cell(&lay, y, COL_REASON, why);
			attrset(theme_attr(on ? C_SELECTED : C_NORMAL));
		}
		if (s->last_probe_at == BOARD_NONE)
			snprintf(text, sizeof(text), "-");
		else
			snprintf(text, sizeof(text), "%s ago", tui_dur(t->board.now - s->last_probe_at, a));
		cell(&lay, y, COL_PROBED, text);
		attrset(on ? theme_attr(C_SELECTED) : theme_status(s->status));
		cell(&lay, y, COL_STATUS, s->status);
		if (lay.w[COL_HISTORY])
			history_bar(t, y, lay.x[COL_HISTORY], s->history);
	}
}

/* Sort by the column whose title is at column X; its own column again reverses. */
static void click_title(struct tui *t, int x)
{
	struct layout lay;
	int c;

	layout(&lay, t->board.name_width);
	for (c = 0; c < COL_COUNT; c++) {
		if (!lay.w[c] || x < lay.x[c] || x > lay.x[c] + lay.w[c] || columns[c].sort < 0)
			continue;
		if (columns[c].sort == (int)t->sort) {
			t->reverse = !t->reverse;
		} else {
			t->sort = columns[c].sort;
			t->reverse = 0;
		}
		view_list_arrange(t);
		view_list_sorted(t);
		return;
	}
}

void view_list_sorted(struct tui *t)
{
	static const char *const names[] = {"status", "name", "tier", "data lag", "RTO"};

	tui_message(t, 0, "sorted by %s%s", names[t->sort], t->reverse ? ", reversed" : "");
	t->settings_changed = 1;
}

static void move_sel(struct tui *t, int by)
{
	t->chosen = 1;
	t->sel += by;
	if (t->sel >= (int)t->nrows)
		t->sel = (int)t->nrows - 1;
	if (t->sel < 0)
		t->sel = 0;
	t->dirty = 1;
}

void view_list_click(struct tui *t, int y, int x, int twice)
{
	int r = t->top + y - 2;

	if (y == 1)
		click_title(t, x);
	else if (y >= 2 && r < (int)t->nrows) {
		int again = r == t->sel || twice;

		t->sel = r;
		t->chosen = 1;
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
	case ACT_REVERSE:
		t->reverse = !t->reverse;
		view_list_arrange(t);
		view_list_sorted(t);
		return 1;
	default:
		return 0;
	}
}

const struct view_ops view_list_ops = {"list", draw, act};

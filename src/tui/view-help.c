/*
 * view-help.c - the help: the keys of the view it was opened from, generated
 * from the key table (keys.c), then a legend of the list's columns, colours,
 * statuses and cost marks, under drtop's version. It scrolls; q, Esc or F1
 * return to the view it was opened from.
 *
 * The lines are made anew at each redraw (they depend on the view, on
 * --readonly and on the width); each has the colour element that draws it.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "theme.h"
#include "util.h"
#include "view.h"

struct help_line {
	int color;      /* a theme element, or -1: coloured as the status TEXT names */
	const char *status;
	char *text;
};

struct help {
	struct help_line *v;
	size_t n, cap;
};

static void add(struct help *h, int color, const char *status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void add(struct help *h, int color, const char *status, const char *fmt, ...)
{
	va_list ap;

	h->v = xgrow(h->v, &h->cap, h->n + 1, sizeof(*h->v));
	va_start(ap, fmt);
	h->v[h->n].text = xvasprintf(fmt, ap);
	va_end(ap);
	h->v[h->n].color = color;
	h->v[h->n++].status = status;
}

static void build(struct tui *t, struct help *h)
{
	unsigned where = t->help_from == SCR_DETAIL ? KEYS_DETAIL : KEYS_LIST;
	const struct tui_key *k;
	char a[16], b[16];
	int pass;

	add(h, C_TITLE, NULL, "drtop keys %s%s   (drtop %s)",
	    where == KEYS_DETAIL ? "in a system's page" : "in the list",
	    t->o->readonly ? " (read-only)" : "", PACKAGE_VERSION);
	/* The view's own keys first, then those every view has. */
	for (pass = 0; pass < 2; pass++) {
		for (k = tui_keys; k->action != ACT_NONE; k++) {
			int shared = (k->where & KEYS_ALL) == KEYS_ALL;

			if (!(k->where & where) || (k->writes && t->o->readonly) || shared != pass)
				continue;
			tui_key_name(k->key, a);
			if (k->alt && strcmp(tui_key_name(k->alt, b), a))
				add(h, C_NORMAL, NULL, "  %-6s %-9s %s", a, b, k->help);
			else
				add(h, C_NORMAL, NULL, "  %-16s %s", a, k->help);
		}
	}
	add(h, C_DIM, NULL, "  Mouse: a click selects, a second opens; a click on a column's title");
	add(h, C_DIM, NULL, "  sorts by it (again: the other way); the wheel scrolls.");
	add(h, C_NORMAL, NULL, "%s", "");
	add(h, C_TITLE, NULL, "Statuses and their colours");
	add(h, -1, "BREACH", "  BREACH   an objective is missed now or was in the window");
	add(h, -1, "WARN", "  WARN     at risk: close to an objective, untested, or a weak plan");
	add(h, -1, "UNKNOWN", "  UNKNOWN  not enough evidence to judge (no probe or check-in yet)");
	add(h, -1, "OK", "  OK       every objective met by the evidence");
	add(h, C_NORMAL, NULL, "%s", "");
	add(h, C_TITLE, NULL, "Columns of the list (those that do not fit are left out)");
	add(h, C_NORMAL, NULL, "  The sorted column's title ends in %s when the worst or largest comes",
	    t->utf8 ? "\u25bc" : "v");
	add(h, C_NORMAL, NULL, "  first, else in %s; I reverses it.", t->utf8 ? "\u25b2" : "^");
	add(h, C_NORMAL, NULL, "  STATUS     the verdict");
	add(h, C_NORMAL, NULL, "  SYSTEM     its name (the column that takes the room left)");
	add(h, C_NORMAL, NULL, "  TIER       0 (most critical) to 3");
	add(h, C_NORMAL, NULL, "  STRATEGY   recovery strategy and its cost: $ cheapest .. $$$$ dearest");
	add(h, C_NORMAL, NULL, "  RTO/WORST  recovery time objective / longest recovery seen in the window");
	add(h, C_NORMAL, NULL, "             (%s: at least that long, an outage cut short by a gap)",
	    t->utf8 ? "\u2265" : ">=");
	add(h, C_NORMAL, NULL, "  RPO/LAG    recovery point objective / data lag now");
	add(h, C_NORMAL, NULL, "  REASON     why: the worst finding in words, its figure against the");
	add(h, C_NORMAL, NULL, "             target (data lag 1d2h > 1h); down now: for how long, and the RTO");
	add(h, C_NORMAL, NULL, "  %s before a name: the system is down now (an outage going on); the",
	    t->utf8 ? "\u25cf" : "*");
	add(h, C_NORMAL, NULL, "             header counts them (DOWN), apart from breaches in the window");
	add(h, C_NORMAL, NULL, "  PROBED     since the last probe of one of its endpoints");
	add(h, C_NORMAL, NULL, "  HISTORY    its last status changes, one cell each, oldest left:");
	add(h, C_NORMAL, NULL, "             %s BREACH, %s WARN, %s OK, %s UNKNOWN (one a change, not a time span)",
	    t->utf8 ? "\u2588" : "#", t->utf8 ? "\u2585" : "=", t->utf8 ? "\u2582" : ".",
	    t->utf8 ? "\u2591" : "?");
	add(h, C_NORMAL, NULL, "  A figure past its objective is in the BREACH colour.");
	add(h, C_NORMAL, NULL, "  notify: in the header, notifications not delivered yet (late, or nobody");
	add(h, C_NORMAL, NULL, "  delivering them: stuck), held (for a disabled channel: sent once it is");
	add(h, C_NORMAL, NULL, "  enabled), failed in the last 24 hours, and alertmanager channels whose");
	add(h, C_NORMAL, NULL, "  refreshes fail; none: not shown.");
	add(h, C_NORMAL, NULL, "%s", "");
	add(h, C_DIM, NULL, "Up, Down, PgUp, PgDn: scroll   q, Esc or F1: back");
}

static void help_free(struct help *h)
{
	size_t i;

	for (i = 0; i < h->n; i++)
		free(h->v[i].text);
	free(h->v);
}

/* How far the help can scroll: its lines less the rows it has. */
static int bottom(struct tui *t, const struct help *h)
{
	int rows = LINES - 3, max = (int)h->n - rows;

	(void)t;
	return max > 0 ? max : 0;
}

static void draw(struct tui *t)
{
	struct help h = {0};
	int y, rows = LINES - 3;

	build(t, &h);
	if (t->help_top > bottom(t, &h))
		t->help_top = bottom(t, &h);
	attrset(theme_attr(C_NORMAL));
	for (y = 1; y < LINES - 1; y++)
		mvhline(y, 0, ' ', COLS);
	for (y = 0; y < rows && t->help_top + y < (int)h.n; y++) {
		const struct help_line *l = &h.v[t->help_top + y];

		attrset(l->color < 0 ? theme_status(l->status) : theme_attr(l->color));
		tui_put(1 + y, 1, COLS - 2, l->text);
	}
	if (bottom(t, &h)) {
		attrset(theme_attr(C_DIM));
		tui_putf(LINES - 2, COLS - 12, 11, t->help_top < bottom(t, &h) ? "more below" : "     (end)");
	}
	help_free(&h);
}

static int act(struct tui *t, enum tui_action a)
{
	if (view_scroll(&t->help_top, LINES - 4, a))
		return 1;
	switch (a) {
	case ACT_NONE:
		break;
	default: /* anything else returns to where the help was opened */
		t->screen = t->help_from;
		break;
	}
	return 1;
}

const struct view_ops view_help_ops = {"help", draw, act};

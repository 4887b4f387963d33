/*
 * view-order.c - the recovery order (o): the systems in parallel steps,
 * dependencies first, then tier and RTO, each with how long its own recovery
 * takes (its latest live drill, else its strategy's typical RTO), when it is
 * back from the start of the recovery, and whether that is within its RTO:
 * the same rows as `drtop recovery-order` and the reports (v_recovery_order,
 * read through board_recovery_order). It is read when opened; R reads it again.
 * It scrolls; any other key returns to the list.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>

#include "theme.h"
#include "view.h"

/* Read the order anew for the board as it is now: its rows point into the
 * board's systems, so they are read again whenever the board is. */
static int reread(struct tui *t)
{
	struct error e = {0};

	free(t->order);
	t->order = NULL;
	t->norder = 0;
	if (board_recovery_order(t->db, &t->board, &t->order, &t->norder, &e) < 0) {
		tui_message(t, 1, "%s", e.msg);
		error_done(&e);
		return -1;
	}
	return 0;
}

void view_order_open(struct tui *t)
{
	t->order_top = 0;
	if (reread(t) == 0)
		t->screen = SCR_ORDER;
}

void view_order_board_changed(struct tui *t)
{
	if (!t->order)
		return;
	if (reread(t) < 0 && t->screen == SCR_ORDER)
		t->screen = SCR_LIST;
}

void view_order_done(struct tui *t)
{
	free(t->order);
	t->order = NULL;
	t->norder = 0;
}

/* How far the table can scroll: its rows less the screen's. */
static int bottom(const struct tui *t)
{
	int rows = LINES - 5, max = (int)t->norder - rows;

	return max > 0 ? max : 0;
}

static void draw(struct tui *t)
{
	static const char *const within[] = {"?", "NO", "yes"};
	int y, rows = LINES - 5;

	if (t->order_top > bottom(t))
		t->order_top = bottom(t);
	attrset(theme_attr(C_NORMAL));
	for (y = 1; y < LINES - 1; y++)
		mvhline(y, 0, ' ', COLS);
	attrset(theme_attr(C_TITLE));
	tui_put(1, 1, COLS - 2, "Recovery order: a step's systems can be recovered in parallel; times from "
				"the start of the recovery");
	tui_putf(2, 1, COLS - 2, "%4s  %-22s %4s  %-16s %8s %7s  %s", "STEP", "SYSTEM", "TIER", "TAKES",
		 "BACK", "RTO", "WITHIN RTO");
	if (!t->norder) {
		attrset(theme_attr(C_DIM));
		tui_put(3, 1, COLS - 2, "no system has an order (none, or all in a dependency cycle)");
	}
	for (y = 0; y < rows && t->order_top + y < (int)t->norder; y++) {
		const struct board_step *p = &t->order[t->order_top + y];
		char a[DURATION_BUFSZ], b[DURATION_BUFSZ], c[DURATION_BUFSZ], takes[DURATION_BUFSZ + 16];

		if (p->recovery_s == BOARD_NONE)
			snprintf(takes, sizeof(takes), "?");
		else
			snprintf(takes, sizeof(takes), "%s (%s)", tui_dur(p->recovery_s, a), p->estimate);
		attrset(theme_attr(C_NORMAL));
		tui_putf(3 + y, 1, COLS - 2, "%4lld  %-22.22s %4lld  %-16s %8s %7s", (long long)p->step,
			 p->system->name, (long long)p->system->tier, takes,
			 /* exact, as recovery-order gives it: a sum where the minutes matter */
			 p->done_s == BOARD_NONE ? "?" : duration_format(p->done_s, b),
			 tui_dur(p->system->rto_s, c));
		attrset(p->meets_rto == 0 ? theme_status("BREACH")
			: p->meets_rto == 1 ? theme_status("OK") : theme_status("UNKNOWN"));
		/* under WITHIN RTO: after the 68 columns before it and two blanks */
		tui_put(3 + y, 71, COLS - 72, within[p->meets_rto + 1]);
	}
	if (bottom(t)) {
		attrset(theme_attr(C_DIM));
		tui_put(LINES - 2, COLS - 12, 11, t->order_top < bottom(t) ? "more below" : "     (end)");
	}
}

static int act(struct tui *t, enum tui_action a)
{
	if (view_scroll(&t->order_top, LINES - 6, a)) {
		if (t->order_top > bottom(t))
			t->order_top = bottom(t);
		return 1;
	}
	switch (a) {
	case ACT_REFRESH:
		view_order_open(t);
		break;
	case ACT_HELP:
		return 0; /* the loop opens the help, which returns here */
	case ACT_NONE:
		break;
	default: /* anything else returns to the list */
		t->screen = SCR_LIST;
		view_order_done(t);
		break;
	}
	return 1;
}

const struct view_ops view_order_ops = {"recovery order", draw, act};

/*
 * view-whatif.c - the what-if of a system's page: the verdict the open system
 * would have with another strategy (w cycles through the catalogue) or
 * another backup schedule (W), beside its verdict now; Enter saves it.
 *
 * The evaluation is core's (verdict_whatif, on a private copy of the
 * database); this file only keeps what is tried and draws it.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "theme.h"
#include "util.h"
#include "view.h"

/* Evaluate W on the open system and show it in the what-if line (LABEL says what). */
static void show(struct tui *t, const struct whatif *w, const char *label)
{
	const struct board_system *s = tui_selected(t);
	struct error e = {0};

	if (!s)
		return;
	verdict_done(&t->whatif_before);
	verdict_done(&t->whatif_after);
	if (verdict_whatif(t->db, s->name, w, &t->whatif_before, &t->whatif_after, &e) < 0) {
		tui_message(t, 1, "%s", e.msg);
		error_done(&e);
		t->whatif_on = 0;
		return;
	}
	free(t->whatif_label);
	t->whatif_label = xstrdup(label);
	free(t->whatif_cron);
	t->whatif_cron = w->schedule_cron ? xstrdup(w->schedule_cron) : NULL;
	t->whatif = *w;
	t->whatif.strategy = w->strategy ? t->whatif_strategy : NULL;
	t->whatif.schedule_cron = t->whatif_cron;
	t->whatif_on = 1;
	t->dirty = 1;
}

void view_whatif_next(struct tui *t)
{
	struct whatif w = {0};
	const char *next = NULL;
	char *label;
	int i;

	for (i = 1; edit_strategies[i]; i++)
		if (t->whatif_strategy && !strcmp(edit_strategies[i], t->whatif_strategy))
			next = edit_strategies[i + 1];
	if (!next)
		next = edit_strategies[1];
	free(t->whatif_strategy);
	t->whatif_strategy = xstrdup(next);
	w.strategy = t->whatif_strategy;
	label = xasprintf("strategy %s", next);
	show(t, &w, label);
	free(label);
}

void view_whatif_schedule(struct tui *t, const char *text)
{
	struct whatif w = {0};
	struct error e = {0};
	char *label;

	if (!*text)
		return;
	if (duration_parse(text, 0, &w.schedule_every_s, &e) < 0) {
		error_done(&e);
		w.schedule_cron = text;
	}
	label = xasprintf("backups %s%s", w.schedule_cron ? "on " : "every ", text);
	show(t, &w, label);
	free(label);
}

void view_whatif_save(struct tui *t)
{
	const struct board_system *s = tui_selected(t);
	struct error e = {0};

	if (!s || !t->whatif_on)
		return;
	if (db_begin(t->db, &e) < 0 || verdict_apply(t->db, s->name, &t->whatif, &e) < 0 ||
	    db_commit(t->db, &e) < 0) {
		db_rollback(t->db);
		tui_message(t, 1, "%s", e.msg);
		error_done(&e);
	} else {
		tui_message(t, 0, "saved for %s: %s", s->name, t->whatif_label);
	}
	t->whatif_on = 0;
	tui_reload(t, 0);
}

void view_whatif_draw(struct tui *t, struct view_lines *l)
{
	int y;

	if (!t->whatif_on)
		return;
	view_heading(l, "what if");
	if ((y = view_row(l)) < 0)
		return;
	attrset(theme_attr(C_INFO));
	tui_putf(y, 2, COLS - 4, "%s: %s%s%s (now %s%s%s), cost %.*s (now %.*s)   Enter: save   Esc: cancel",
		 t->whatif_label, t->whatif_after.status, t->whatif_after.worst_finding ? ", " : "",
		 t->whatif_after.worst_finding ? t->whatif_after.worst_finding : "",
		 t->whatif_before.status, t->whatif_before.worst_finding ? ", " : "",
		 t->whatif_before.worst_finding ? t->whatif_before.worst_finding : "",
		 (int)t->whatif_after.cost_tier, "$$$$", (int)t->whatif_before.cost_tier, "$$$$");
}

void view_whatif_done(struct tui *t)
{
	free(t->whatif_strategy);
	free(t->whatif_cron);
	free(t->whatif_label);
	verdict_done(&t->whatif_before);
	verdict_done(&t->whatif_after);
}

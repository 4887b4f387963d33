/*
 * view-whatif.c - the what-if of a system's page. w: a table of every
 * strategy of the catalogue side by side (the status it would give, the
 * findings it would clear or raise, its cost), the current one starred and
 * the tried one marked; w again marks the next, Enter saves it (only a real
 * change, and never with --readonly). W: another backup schedule, beside the
 * verdict now. Esc cancels.
 *
 * The evaluation is core's (verdict_whatif and verdict_whatif_strategies, on a
 * private copy of the database); this file only keeps what is tried and draws
 * it. Findings that rest on recorded evidence (a past outage) are the same
 * whatever the plan: only what the plan changes shows as cleared or raised.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "theme.h"
#include "util.h"
#include "view.h"

static void table_done(struct tui *t)
{
	size_t i;

	for (i = 0; i < t->wi_n; i++) {
		free(t->wi_names[i]);
		verdict_done(&t->wi_after[i]);
	}
	free(t->wi_names);
	free(t->wi_after);
	t->wi_names = NULL;
	t->wi_after = NULL;
	t->wi_n = t->wi_sel = 0;
	t->wi_table = 0;
}

/* Evaluate W on the open system and show it in the what-if line (LABEL says what). */
static void show(struct tui *t, const struct whatif *w, const char *label)
{
	const struct board_system *s = tui_selected(t);
	struct error e = {0};

	if (!s)
		return;
	table_done(t);
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


/* Mark row I of the table as what Enter would save. */
static void mark(struct tui *t, size_t i)
{
	t->wi_sel = i;
	free(t->whatif_strategy);
	t->whatif_strategy = xstrdup(t->wi_names[i]);
	memset(&t->whatif, 0, sizeof(t->whatif));
	t->whatif.strategy = t->whatif_strategy;
	free(t->whatif_label);
	t->whatif_label = xasprintf("strategy %s", t->wi_names[i]);
	t->dirty = 1;
}

void view_whatif_next(struct tui *t)
{
	const struct board_system *s = tui_selected(t);
	struct error e = {0};
	size_t i;

	if (!s)
		return;
	if (t->whatif_on && t->wi_table) {
		mark(t, (t->wi_sel + 1) % t->wi_n);
		return;
	}
	table_done(t);
	verdict_done(&t->whatif_before);
	if (verdict_whatif_strategies(t->db, s->name, &t->whatif_before, &t->wi_names, &t->wi_after,
				      &t->wi_n, &e) < 0 || !t->wi_n) {
		tui_message(t, 1, "%s", e.msg ? e.msg : "no strategy in the catalogue");
		error_done(&e);
		table_done(t);
		t->whatif_on = 0;
		return;
	}
	t->wi_table = 1;
	t->whatif_on = 1;
	/* the first one that is not the current strategy */
	for (i = 0; i < t->wi_n; i++)
		if (!s->strategy || strcmp(t->wi_names[i], s->strategy))
			break;
	mark(t, i < t->wi_n ? i : 0);
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
	if (t->wi_table && s->strategy && !strcmp(t->wi_names[t->wi_sel], s->strategy)) {
		tui_message(t, 0, "%s is the current strategy: nothing to save", s->strategy);
		return;
	}
	if (db_begin(t->db, &e) < 0 || verdict_apply(t->db, s->name, &t->whatif, &e) < 0 ||
	    db_commit(t->db, &e) < 0) {
		db_rollback(t->db);
		tui_message(t, 1, "%s", e.msg);
		error_done(&e);
	} else {
		tui_message(t, 0, "saved for %s: %s", s->name, t->whatif_label);
	}
	t->whatif_on = 0;
	table_done(t);
	tui_reload(t, 0);
}

/* The names of the findings in LIST ("finding severity detail" lines) that
 * OTHER does not have, into OUT, comma-separated. */
static void missing(const struct strbuf *list, const struct strbuf *other, struct strbuf *out)
{
	const char *p = strbuf_str(list);

	while (*p) {
		size_t n = strcspn(p, " \n");
		const char *q = strbuf_str(other);
		int found = 0;

		while (*q && !found) {
			found = strncmp(q, p, n) == 0 && q[n] == ' ';
			q = strchr(q, '\n');
			q = q ? q + 1 : "";
		}
		if (!found) {
			if (out->len)
				strbuf_puts(out, ", ");
			strbuf_add(out, p, n);
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : "";
	}
}

static void draw_table(struct tui *t, struct view_lines *l)
{
	const struct board_system *s = tui_selected(t);
	size_t i;
	int y;

	view_heading(l, t->o->readonly ? "what if: every strategy (w: mark the next, Esc: close)"
					: "what if: every strategy (w: mark the next, Enter: save it, Esc: cancel)");
	for (i = 0; i < t->wi_n; i++) {
		const struct verdict *v = &t->wi_after[i];
		struct strbuf clears = STRBUF_INIT, raises = STRBUF_INIT;
		int current = s && s->strategy && !strcmp(s->strategy, t->wi_names[i]);

		if ((y = view_row(l)) < 0)
			continue;
		missing(&t->whatif_before.findings, &v->findings, &clears);
		missing(&v->findings, &t->whatif_before.findings, &raises);
		attrset(theme_attr(i == t->wi_sel ? C_SELECTED : C_NORMAL));
		tui_putf(y, 2, 34, "%s%s %-15s %-4.*s", i == t->wi_sel ? ">" : " ", current ? "*" : " ",
			 t->wi_names[i], (int)v->cost_tier, "$$$$");
		attrset(theme_status(v->status));
		tui_putf(y, 28, 8, "%-7s", v->status);
		attrset(theme_attr(i == t->wi_sel ? C_SELECTED : C_NORMAL));
		tui_putf(y, 36, tui_pane_cols - 38, "%s%s%s%s%s", clears.len ? "clears " : "", strbuf_str(&clears),
			 clears.len && raises.len ? "; " : "", raises.len ? "raises " : "",
			 strbuf_str(&raises));
		if (!clears.len && !raises.len)
			tui_put(y, 36, tui_pane_cols - 38, current ? "(the plan now)" : "no change to the findings");
		strbuf_done(&clears);
		strbuf_done(&raises);
	}
	if ((y = view_row(l)) >= 0) {
		attrset(theme_attr(C_DIM));
		tui_put(y, 2, tui_pane_cols - 4, "* the strategy now; findings that rest on recorded evidence "
					"(a past outage) stay whatever the plan");
	}
}

void view_whatif_draw(struct tui *t, struct view_lines *l)
{
	int y;

	if (!t->whatif_on)
		return;
	if (t->wi_table) {
		draw_table(t, l);
		return;
	}
	view_heading(l, "what if");
	if ((y = view_row(l)) < 0)
		return;
	attrset(theme_attr(C_INFO));
	tui_putf(y, 2, tui_pane_cols - 4, "%s: %s%s%s (now %s%s%s), cost %.*s (now %.*s)   %sEsc: cancel",
		 t->whatif_label, t->whatif_after.status, t->whatif_after.worst_finding ? ", " : "",
		 t->whatif_after.worst_finding ? t->whatif_after.worst_finding : "",
		 t->whatif_before.status, t->whatif_before.worst_finding ? ", " : "",
		 t->whatif_before.worst_finding ? t->whatif_before.worst_finding : "",
		 (int)t->whatif_after.cost_tier, "$$$$", (int)t->whatif_before.cost_tier, "$$$$",
		 t->o->readonly ? "" : "Enter: save   ");
}

void view_whatif_done(struct tui *t)
{
	table_done(t);
	free(t->whatif_strategy);
	free(t->whatif_cron);
	free(t->whatif_label);
	verdict_done(&t->whatif_before);
	verdict_done(&t->whatif_after);
}

/*
 * view.h - what the dashboard's files share: the dashboard's state, the
 * table of views, and the few helpers every view draws with.
 *
 * After tig: each screen is a view with its own file (view-list.c,
 * view-detail.c, view-help.c), owning its drawing and its keys through a
 * struct view_ops; the what-if (view-whatif.c) is a part of the detail view,
 * the forms, menus and questions that edit the inventory are in edit.c, and
 * tui.c holds only the loop, the header and key bar, and dispatch. No file
 * here holds SQL: the data comes from src/core (board.h, detail.h).
 */
#ifndef DRTOP_VIEW_H
#define DRTOP_VIEW_H

#include <stdint.h>

#include "board.h"
#include "db.h"
#include "duration.h"
#include "keys.h"
#include "modal.h"
#include "notify.h"
#include "tui.h"
#include "verdict.h"

enum tui_screen { SCR_LIST, SCR_DETAIL, SCR_HELP, SCR_ORDER, SCR_DRILL, SCR_COUNT };
enum sort { SORT_STATUS, SORT_NAME, SORT_TIER, SORT_LAG, SORT_RTO, SORT_COUNT };

struct prober;
struct drill_view;

struct tui {
	/* Why the dashboard leaves, when it must: a damaged database found while
	 * reading (exit 65, as every command), or its file replaced under it
	 * (exit 74); not shown as an empty or stale inventory. */
	struct error leave;
	struct db *db;
	struct db *reader; /* the connection the verdict is read on (db when no second one opens) */
	const struct tui_options *o;
	struct board board;
	int loaded_full;
	size_t *rows; /* indexes into board.systems, filtered and sorted */
	size_t nrows;
	int sel, top;
	int chosen; /* the selection was moved: it follows its system across re-reads */
	enum tui_screen screen;
	enum sort sort;
	int reverse;      /* the sort runs the other way */
	int settings_changed; /* sort or theme changed: drtoprc is written on leaving */
	int64_t open_id; /* the system shown in detail */
	int detail_top;
	enum tui_screen help_from; /* the view the help was opened from, and returns to */
	int help_top;
	char *filter, *search;
	int search_from; /* the row a search began at */
	char *message;
	int message_error;
	struct prober *prober;
	long prober_elsewhere; /* the PID of the prober holding the lease, or 0 */
	int64_t next_reload_ms, load_cost_ms;
	struct notify_status notify; /* the outbox at a glance, for the header */
	int64_t next_notify_ms;      /* when it is read again */
	/* A full read of the verdict is under way: on the reader's thread
	 * (rthread), or on this one with the loop served between its steps. */
	struct reader *rthread;
	int reading, reload_again;
	int64_t read_started_ms, yielded_ms; /* yielded_ms: the header says so */
	int utf8, dirty, quit, frames;
	/* what-if in the detail view */
	int whatif_on;
	char *whatif_strategy, *whatif_cron, *whatif_label;
	struct whatif whatif; /* what is tried; its strings are the two above */
	struct verdict whatif_before, whatif_after;
	/* the what-if table (w): every strategy of the catalogue tried, one marked */
	char **wi_names;
	struct verdict *wi_after;
	size_t wi_n, wi_sel;
	int wi_table;
	struct modal modal; /* the open pop-up, or kind MODAL_NONE */
	int64_t clock_s;    /* the second the header's clock shows */
	/* the recovery order view: its rows, read when it was opened */
	struct board_step *order;
	size_t norder;
	int order_top;
	/* the drill run from here (view-drill.c): the one running or just ended,
	 * and the one waiting for the operator's yes */
	struct drill_view *drill, *pending_drill;
};

/* A view: its name, how it draws rows 1 to LINES - 2, and the keys it takes
 * (act returns 1 when it handled action A, 0 to leave it to the loop). */
struct view_ops {
	const char *name;
	void (*draw)(struct tui *t);
	int (*act)(struct tui *t, enum tui_action a);
};

extern const struct view_ops view_list_ops, view_detail_ops, view_help_ops, view_order_ops,
	view_drill_ops;

/* What the loop does when a pop-up is answered (modal.action). */
enum {
	DO_SEARCH,
	DO_FILTER,
	DO_WHATIF_SCHEDULE,
	DO_DELETE,
	DO_ENDPOINT_MENU,
	DO_SCHEDULE_MENU,
	DO_FORM,
	DO_DRILL_FORM,
	DO_DRILL_CONFIRM,
	DO_DRILL_ABORT,
};

/* --- tui.c: drawing helpers and the loop's services to the views --------- */

/* The pane being drawn: the whole screen, or on a terminal at least
 * SPLIT_COLS wide the list on the left and the selected system's page on the
 * right. Views draw from its left edge (tui_put's X) and within its width. */
#define SPLIT_COLS 160
extern int tui_pane_x0, tui_pane_cols;
/* Blank row Y of the pane. */
void tui_clear_row(int y);
/* Put S at (Y, X) of the pane in at most W columns (one per code point), made printable. */
void tui_put(int y, int x, int w, const char *s);
void tui_putf(int y, int x, int w, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A duration for people, "-" for none (BOARD_NONE). Returns BUF or a constant. */
const char *tui_dur(int64_t s, char buf[DURATION_BUFSZ]);
/* A recovery time, "≥" before it when BOUND (a lower bound). Returns BUF. */
const char *tui_recovery(const struct tui *t, const struct board_system *s, char buf[DURATION_BUFSZ + 4]);
/* Show a message (ERROR: as an error) in the key bar until the next key. */
void tui_message(struct tui *t, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Re-read the board (QUICK: only the quick look), keeping the selection. */
void tui_reload(struct tui *t, int quick);
/* The system selected in the list or open in the detail view, or NULL. */
const struct board_system *tui_selected(const struct tui *t);
/* Open a pop-up that ACTION answers, about system NAME (or NULL). */
struct modal *tui_pop_up(struct tui *t, int action, const char *name);
/* The inventory changed here: probe what it now holds. */
void tui_restart_prober(struct tui *t);
/* May the operator change things? Says why not when not. */
int tui_editable(struct tui *t);

/* --- view-list.c --------------------------------------------------------- */

/* Filter and sort the board into t->rows, keeping the selected system. */
void view_list_arrange(struct tui *t);
/* The same after a new board was read (t->rows still index the old one):
 * select the system KEEP (an id), if it is there. */
void view_list_arrange_keeping(struct tui *t, int64_t keep);
/* The id of the system selected in the list, or 0. */
int64_t view_list_selected_id(const struct tui *t);
/* Select the next system named like t->search from row FROM on. */
void view_list_search_next(struct tui *t, int from);
/* A click at row Y, column X of the list (on a title: sort by it). */
void view_list_click(struct tui *t, int y, int x, int twice);
/* Say how the list is sorted now. */
void view_list_sorted(struct tui *t);

/* --- view-detail.c ------------------------------------------------------- */

/* Open the selected system's page. */
void view_detail_open(struct tui *t);

/* Lines of a scrolled page: the next virtual line, the first shown, the last screen row. */
struct view_lines {
	int y, top, max;
};
/* The screen row of the next virtual line, or -1 when it is scrolled out. */
int view_row(struct view_lines *l);
/* Scroll *TOP of a page of PAGE rows by action A (up, down, a page, the
 * ends; clamped by the caller's drawing). Returns 1 when A was a scroll. */
int view_scroll(int *top, int page, enum tui_action a);
/* An empty line, then TEXT as a heading. */
void view_heading(struct view_lines *l, const char *text);

/* --- view-order.c -------------------------------------------------------- */

/* Read the recovery order and show it. */
void view_order_open(struct tui *t);
void view_order_done(struct tui *t);
/* The board was read anew: so is the order, whose rows point into it. */
void view_order_board_changed(struct tui *t);

/* --- view-drill.c -------------------------------------------------------- */

/* r: the form for a drill of S (or the screen of the drill there is). */
void view_drill_open(struct tui *t, const struct board_system *s);
/* A drill's pop-up (DO_DRILL_*) was answered (OK) or cancelled. */
void view_drill_answered(struct tui *t, struct modal *m, int ok);
/* Step the drill: from every pass of the loop. */
void view_drill_serve(struct tui *t);
/* Is a drill running (started, not yet recorded)? */
int view_drill_running(const struct tui *t);
/* Abort the running drill (Ctrl-C, x on its screen), or ask first (x, q elsewhere). */
void view_drill_interrupt(struct tui *t);
void view_drill_ask_abort(struct tui *t);
/* Leaving: release the drill (one still running is abandoned). */
void view_drill_done(struct tui *t);

/* --- view-whatif.c ------------------------------------------------------- */

void view_whatif_next(struct tui *t);
void view_whatif_schedule(struct tui *t, const char *text);
void view_whatif_save(struct tui *t);
/* The what-if part of the detail page, when one is shown. */
void view_whatif_draw(struct tui *t, struct view_lines *l);
void view_whatif_done(struct tui *t);

/* --- edit.c: forms, menus and questions that change the inventory ---------- */

/* The strategy catalogue, "none" first, NULL-terminated. */
extern const char *const edit_strategies[];

/* Add a system (S NULL) or edit S. */
void edit_system(struct tui *t, const struct board_system *s);
void edit_endpoints(struct tui *t, const struct board_system *s);
void edit_schedules(struct tui *t, const struct board_system *s);
void edit_drill(struct tui *t, const struct board_system *s);
void edit_delete(struct tui *t, const struct board_system *s);
/* The pop-up M that edit.c opened was answered (OK) or cancelled. */
void edit_answered(struct tui *t, struct modal *m, int ok);

#endif

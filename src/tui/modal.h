/*
 * modal.h - the dashboard's pop-ups as states: a one-line prompt, a yes/no
 * question, a menu and a form (form.h).
 *
 * A modal never reads a key itself. The dashboard's one loop hands it each
 * key (modal_key) and draws it over the screen behind it (modal_draw) on
 * every redraw, so probing, the clock and the screen behind go on while an
 * operator types. What to do with the answer is the caller's: it keeps the
 * modal, and acts when modal_key says it was answered or cancelled.
 */
#ifndef DRTOP_MODAL_H
#define DRTOP_MODAL_H

#include <stdint.h>

#include "form.h"
#include "strbuf.h"

enum modal_kind { MODAL_NONE, MODAL_PROMPT, MODAL_CONFIRM, MODAL_MENU, MODAL_FORM };
enum modal_result { MODAL_OPEN, MODAL_ANSWERED, MODAL_CANCELLED };

struct modal {
	enum modal_kind kind;
	char *label;        /* the prompt's label, the question, the menu's title (owned) */
	struct strbuf text; /* what is typed into a prompt */
	char **lines;       /* a menu's lines and the id of each (owned) */
	int64_t *ids;
	int n, cur;        /* how many lines, and the chosen one */
	struct form *form; /* a form (owned) */
	int action;        /* what the caller does with the answer */
	char *name;        /* the system it is about (owned), or NULL */
	void *data;        /* the caller's, freed with data_free */
	void (*data_free)(void *data);
};

/* Make M a prompt, a question, a menu of N LINES with IDS (both taken over)
 * or the form F (taken over). LABEL is copied. M must be closed (kind NONE,
 * after modal_done); its action, name and data are kept. */
void modal_prompt(struct modal *m, const char *label, const char *initial);
void modal_confirm(struct modal *m, const char *question);
void modal_menu(struct modal *m, const char *title, char **lines, int64_t *ids, int n);
void modal_form(struct modal *m, struct form *f);

/* Give the open modal key CH: a prompt is answered by Enter, a question by
 * y (anything else is no: MODAL_CANCELLED), a menu by Enter, a form when it
 * is saved; Esc cancels them all. */
enum modal_result modal_key(struct modal *m, int ch);

/* Draw the open modal over the screen, with the cursor where typing goes. */
void modal_draw(const struct modal *m);

/* Free what M holds and make it empty. */
void modal_done(struct modal *m);

#endif

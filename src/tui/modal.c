/*
 * modal.c - see modal.h.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "modal.h"
#include "theme.h"
#include "util.h"

static void open_as(struct modal *m, enum modal_kind kind, const char *label)
{
	m->kind = kind;
	m->label = xstrdup(label ? label : "");
}

void modal_prompt(struct modal *m, const char *label, const char *initial)
{
	open_as(m, MODAL_PROMPT, label);
	strbuf_puts(&m->text, initial ? initial : "");
}

void modal_confirm(struct modal *m, const char *question)
{
	open_as(m, MODAL_CONFIRM, question);
}

void modal_menu(struct modal *m, const char *title, char **lines, int64_t *ids, int n)
{
	open_as(m, MODAL_MENU, title);
	m->lines = lines;
	m->ids = ids;
	m->n = n;
}

void modal_form(struct modal *m, struct form *f)
{
	open_as(m, MODAL_FORM, f->title);
	m->form = f;
}

void modal_done(struct modal *m)
{
	int i;

	free(m->label);
	strbuf_done(&m->text);
	for (i = 0; i < m->n; i++)
		free(m->lines[i]);
	free(m->lines);
	free(m->ids);
	form_free(m->form);
	free(m->name);
	if (m->data && m->data_free)
		m->data_free(m->data);
	memset(m, 0, sizeof(*m));
}

static int is_enter(int ch)
{
	return ch == '\n' || ch == '\r' || ch == KEY_ENTER;
}

enum modal_result modal_key(struct modal *m, int ch)
{
	if (ch == 27)
		return MODAL_CANCELLED;
	switch (m->kind) {
	case MODAL_PROMPT:
		if (is_enter(ch))
			return MODAL_ANSWERED;
		form_edit_text(&m->text, ch);
		break;
	case MODAL_CONFIRM:
		return ch == 'y' || ch == 'Y' ? MODAL_ANSWERED : MODAL_CANCELLED;
	case MODAL_MENU:
		if (is_enter(ch))
			return MODAL_ANSWERED;
		if ((ch == KEY_UP || ch == 'k') && m->cur > 0)
			m->cur--;
		if ((ch == KEY_DOWN || ch == 'j') && m->cur < m->n - 1)
			m->cur++;
		break;
	case MODAL_FORM:
		switch (form_key(m->form, ch)) {
		case FORM_SAVED:
			return MODAL_ANSWERED;
		case FORM_CANCELLED:
			return MODAL_CANCELLED;
		case FORM_OPEN:
			break;
		}
		break;
	case MODAL_NONE:
		break;
	}
	return MODAL_OPEN;
}

/* Columns taken by S (one per code point). */
static int width(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

/* Put S at (Y, X) in at most W columns, control characters shown as '?'. */
static void put(int y, int x, int w, const char *s)
{
	int cols = 0;

	move(y, x);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c & 0xc0) != 0x80 && cols++ == w)
			break;
		addch(c < 0x20 || c == 0x7f ? '?' : c);
	}
}

static void draw_menu(const struct modal *m)
{
	int w = COLS - 8, y0 = (LINES - m->n - 4) / 2, i;

	if (y0 < 1)
		y0 = 1;
	attrset(theme_attr(C_HEADER));
	mvhline(y0, 4, ' ', w);
	put(y0, 5, w - 2, m->label);
	for (i = 0; i < m->n && y0 + 1 + i < LINES - 2; i++) {
		attrset(theme_attr(i == m->cur ? C_SELECTED : C_NORMAL));
		mvhline(y0 + 1 + i, 4, ' ', w);
		put(y0 + 1 + i, 6, w - 4, m->lines[i]);
	}
	attrset(theme_attr(C_DIM));
	mvhline(y0 + 1 + i, 4, ' ', w);
	put(y0 + 1 + i, 6, w - 4, "Up/Down: choose   Enter: open   Esc: cancel");
}

void modal_draw(const struct modal *m)
{
	int x;

	switch (m->kind) {
	case MODAL_PROMPT:
		attrset(theme_attr(C_INPUT));
		mvhline(LINES - 1, 0, ' ', COLS);
		put(LINES - 1, 0, COLS - 1, m->label);
		put(LINES - 1, width(m->label), COLS - 1 - width(m->label), ": ");
		x = width(m->label) + 2;
		put(LINES - 1, x, COLS - 1 - x, strbuf_str(&m->text));
		x += width(strbuf_str(&m->text));
		move(LINES - 1, x < COLS - 1 ? x : COLS - 1);
		curs_set(1);
		break;
	case MODAL_CONFIRM:
		attrset(theme_attr(C_ERROR));
		mvhline(LINES - 1, 0, ' ', COLS);
		put(LINES - 1, 0, COLS - 7, m->label);
		put(LINES - 1, width(m->label) < COLS - 7 ? width(m->label) : COLS - 7, 7,
		    " [y/N]");
		curs_set(0);
		break;
	case MODAL_MENU:
		draw_menu(m);
		curs_set(0);
		break;
	case MODAL_FORM:
		form_draw(m->form);
		curs_set(1);
		break;
	case MODAL_NONE:
		curs_set(0);
		break;
	}
}

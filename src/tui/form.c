/*
 * form.c - see form.h.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "form.h"
#include "theme.h"
#include "util.h"

struct form *form_new(const char *title, int n, form_submit_fn submit, void *arg)
{
	struct form *f = xcalloc(1, sizeof(*f));
	int i;

	f->title = title;
	f->n = n;
	f->fields = xcalloc((size_t)n, sizeof(*f->fields));
	for (i = 0; i < n; i++)
		strbuf_init(&f->fields[i].value);
	f->submit = submit;
	f->arg = arg;
	return f;
}

void form_free(struct form *f)
{
	int i;

	if (!f)
		return;
	for (i = 0; i < f->n; i++) {
		strbuf_done(&f->fields[i].value);
		free(f->fields[i].error);
	}
	free(f->fields);
	free(f->error);
	free(f);
}

void form_field(struct form *f, int i, const char *label, const char *hint,
		const char *const *choices, const char *value)
{
	struct form_field *fd = &f->fields[i];

	fd->label = label;
	fd->hint = hint;
	fd->choices = choices;
	strbuf_reset(&fd->value);
	if (choices && (!value || !*value))
		value = choices[0];
	strbuf_puts(&fd->value, value ? value : "");
}

void form_set_error(struct form *f, int field, const char *msg)
{
	char **slot = field < 0 ? &f->error : &f->fields[field].error;

	free(*slot);
	*slot = msg ? xstrdup(msg) : NULL;
	if (field >= 0)
		f->cur = field;
}

const char *form_value(const struct form *f, int field)
{
	return strbuf_str(&f->fields[field].value);
}

static void clear_errors(struct form *f)
{
	int i;

	for (i = 0; i < f->n; i++) {
		free(f->fields[i].error);
		f->fields[i].error = NULL;
	}
	free(f->error);
	f->error = NULL;
}

void form_draw(const struct form *f)
{
	int want = 76, w, h = f->n * 2 + 6, y0 = (LINES - h) / 2, x0;
	int i, y;

	/* wide enough for every error in full, as far as the screen allows */
	for (i = 0; i < f->n; i++)
		if (f->fields[i].error && (int)strlen(f->fields[i].error) + 6 > want)
			want = (int)strlen(f->fields[i].error) + 6;
	w = COLS - 4 < want ? COLS - 4 : want;
	x0 = (COLS - w) / 2;

	if (y0 < 0)
		y0 = 0;
	attrset(theme_attr(C_NORMAL));
	for (y = y0; y < y0 + h && y < LINES; y++)
		mvhline(y, x0, ' ', w);
	/* a frame around it, so that it cannot be taken for the screen below */
	attrset(theme_attr(C_DIM));
	for (y = y0; y < y0 + h && y < LINES; y++) {
		mvaddch(y, x0 - 1, ACS_VLINE);
		mvaddch(y, x0 + w, ACS_VLINE);
	}
	if (y0 + h < LINES) {
		mvaddch(y0 + h, x0 - 1, ACS_LLCORNER);
		mvhline(y0 + h, x0, ACS_HLINE, w);
		mvaddch(y0 + h, x0 + w, ACS_LRCORNER);
	}
	attrset(theme_attr(C_HEADER));
	mvhline(y0, x0, ' ', w);
	mvaddnstr(y0, x0 + 1, f->title, w - 2);
	for (i = 0; i < f->n; i++) {
		const struct form_field *fd = &f->fields[i];
		const char *v = strbuf_str(&fd->value);
		int fy = y0 + 2 + i * 2;

		attrset(theme_attr(i == f->cur ? C_TITLE : C_NORMAL));
		mvprintw(fy, x0 + 1, "%-16.16s", fd->label);
		attrset(theme_attr(C_INPUT));
		mvhline(fy, x0 + 18, ' ', w - 20);
		if (*v)
			mvaddnstr(fy, x0 + 18, v, w - 20);
		else if (fd->hint) {
			/* in parentheses and dim: a hint, never a value */
			attrset(theme_attr(C_INPUT) | A_DIM);
			mvprintw(fy, x0 + 18, "(%.*s)", w - 22, fd->hint);
		}
		if (fd->error) {
			/* under its field, across the whole pop-up, so that it reads in full */
			attrset(theme_attr(C_ERROR));
			mvaddnstr(fy + 1, x0 + 3, fd->error, w - 4);
		}
	}
	attrset(theme_attr(f->error ? C_ERROR : C_DIM));
	mvaddnstr(y0 + h - 2, x0 + 1,
		  f->error ? f->error : "Enter: save   Tab/Up/Down: field   Left/Right: choose   Esc: cancel",
		  w - 2);
	attrset(theme_attr(C_NORMAL));
	if (f->n) {
		int cx = x0 + 18 + (int)strlen(form_value(f, f->cur));

		move(y0 + 2 + f->cur * 2, cx < x0 + w - 2 ? cx : x0 + w - 2);
	}
}

/* Choose the choice DIR steps away, or (DIR 0) the next one starting with C. */
static void choose(struct form_field *fd, int dir, int c)
{
	int n, i, at = 0;

	for (n = 0; fd->choices[n]; n++)
		if (!strcmp(fd->choices[n], strbuf_str(&fd->value)))
			at = n;
	if (dir) {
		i = (at + dir + n) % n;
	} else {
		for (i = (at + 1) % n; i != at && fd->choices[i][0] != c; i = (i + 1) % n)
			;
		if (fd->choices[i][0] != c)
			return;
	}
	strbuf_reset(&fd->value);
	strbuf_puts(&fd->value, fd->choices[i]);
}

/* Refuse the empty required fields, each with a message beside it. */
static int check_required(struct form *f)
{
	int i, first = -1;

	for (i = 0; i < f->n; i++) {
		if (f->fields[i].required && !*form_value(f, i)) {
			char *msg = xasprintf("%s is required", f->fields[i].label);

			form_set_error(f, i, msg);
			free(msg);
			if (first < 0)
				first = i;
		}
	}
	if (first >= 0)
		f->cur = first;
	return first < 0 ? 0 : -1;
}

enum form_result form_key(struct form *f, int ch)
{
	struct form_field *fd = &f->fields[f->cur];

	if (ch == 27)
		return FORM_CANCELLED;
	if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
		clear_errors(f);
		if (check_required(f) == 0 && f->submit(f, f->arg) == 0)
			return FORM_SAVED;
	} else if (ch == '\t' || ch == KEY_DOWN) {
		f->cur = (f->cur + 1) % f->n;
	} else if (ch == KEY_BTAB || ch == KEY_UP) {
		f->cur = (f->cur + f->n - 1) % f->n;
	} else if (fd->choices) {
		/* A choice is chosen, never typed or erased: it cannot become empty. */
		if (ch == KEY_LEFT || ch == KEY_RIGHT || ch == ' ')
			choose(fd, ch == KEY_LEFT ? -1 : 1, 0);
		else if (ch > 0x20 && ch < 0x7f)
			choose(fd, 0, ch);
	} else {
		form_edit_text(&fd->value, ch);
	}
	return FORM_OPEN;
}

int form_edit_text(struct strbuf *sb, int ch)
{
	if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
		/* drop a whole UTF-8 character */
		while (sb->len) {
			unsigned char c = (unsigned char)sb->buf[--sb->len];

			sb->buf[sb->len] = '\0';
			if ((c & 0xc0) != 0x80)
				break;
		}
	} else if (ch == 21) { /* Ctrl-U */
		strbuf_reset(sb);
	} else if (ch >= 0x20 && ch < 0x100 && ch != 0x7f) {
		strbuf_putc(sb, (char)ch);
	} else {
		return 0;
	}
	return 1;
}

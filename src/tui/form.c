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

void form_set_error(struct form *f, int field, const char *msg)
{
	char **slot = field < 0 ? &f->error : &f->fields[field].error;

	free(*slot);
	*slot = msg ? xstrdup(msg) : NULL;
	if (field >= 0)
		f->cur = field;
}

void form_done(struct form *f)
{
	int i;

	for (i = 0; i < f->n; i++) {
		strbuf_done(&f->fields[i].value);
		free(f->fields[i].error);
	}
	free(f->error);
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

static void draw(struct form *f)
{
	int w = COLS - 4 < 76 ? COLS - 4 : 76, h = f->n * 2 + 6, y0 = (LINES - h) / 2, x0 = (COLS - w) / 2;
	int i, y;

	if (y0 < 0)
		y0 = 0;
	attrset(theme_attr(C_NORMAL));
	for (y = y0; y < y0 + h && y < LINES; y++)
		mvhline(y, x0, ' ', w);
	attrset(theme_attr(C_HEADER));
	mvhline(y0, x0, ' ', w);
	mvaddnstr(y0, x0 + 1, f->title, w - 2);
	for (i = 0; i < f->n; i++) {
		struct form_field *fd = &f->fields[i];
		const char *v = strbuf_str(&fd->value);
		int fy = y0 + 2 + i * 2;

		attrset(theme_attr(i == f->cur ? C_TITLE : C_NORMAL));
		mvprintw(fy, x0 + 1, "%-16.16s", fd->label);
		attrset(theme_attr(C_INPUT));
		mvhline(fy, x0 + 18, ' ', w - 20);
		if (*v)
			mvaddnstr(fy, x0 + 18, v, w - 20);
		else if (fd->hint) {
			attrset(theme_attr(C_INPUT) | A_DIM);
			mvaddnstr(fy, x0 + 18, fd->hint, w - 20);
		}
		if (fd->error) {
			attrset(theme_attr(C_ERROR));
			mvaddnstr(fy + 1, x0 + 18, fd->error, w - 20);
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
	refresh();
}

static void cycle(struct form_field *fd, int dir)
{
	int n = 0, i, at = -1;

	for (n = 0; fd->choices[n]; n++)
		if (!strcmp(fd->choices[n], strbuf_str(&fd->value)))
			at = n;
	i = at < 0 ? 0 : (at + dir + n) % n;
	strbuf_reset(&fd->value);
	strbuf_puts(&fd->value, fd->choices[i]);
}

int form_run(struct form *f, form_submit_fn submit, void *arg)
{
	curs_set(1);
	timeout(-1);
	for (;;) {
		struct form_field *fd = &f->fields[f->cur];
		int ch;

		draw(f);
		ch = getch();
		if (ch == 27) {
			curs_set(0);
			return 0;
		} else if (ch == '\n' || ch == '\r' || ch == KEY_ENTER) {
			clear_errors(f);
			if (submit(f, arg) == 0) {
				curs_set(0);
				return 1;
			}
		} else if (ch == '\t' || ch == KEY_DOWN) {
			f->cur = (f->cur + 1) % f->n;
		} else if (ch == KEY_BTAB || ch == KEY_UP) {
			f->cur = (f->cur + f->n - 1) % f->n;
		} else if ((ch == KEY_LEFT || ch == KEY_RIGHT) && fd->choices) {
			cycle(fd, ch == KEY_LEFT ? -1 : 1);
		} else if (ch == KEY_BACKSPACE || ch == 127 || ch == 8) {
			/* drop a whole UTF-8 character */
			while (fd->value.len) {
				unsigned char c = (unsigned char)fd->value.buf[--fd->value.len];

				fd->value.buf[fd->value.len] = '\0';
				if ((c & 0xc0) != 0x80)
					break;
			}
		} else if (ch == 21) { /* Ctrl-U */
			strbuf_reset(&fd->value);
		} else if (ch >= 0x20 && ch < 0x100 && ch != 0x7f && !fd->choices) {
			strbuf_putc(&fd->value, (char)ch);
		}
	}
}

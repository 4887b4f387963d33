/*
 * theme.h - colour elements as a semantic enum; a theme file maps names to
 * colours and attributes ("warn = yellow bold"). The default theme is
 * compiled in (generated from themes/default.theme) and shipped as a file.
 */
#ifndef DRTOP_THEME_H
#define DRTOP_THEME_H

#include "error.h"

enum tui_color {
	C_HEADER,
	C_TITLE,
	C_NORMAL,
	C_DIM,
	C_SELECTED,
	C_OK,
	C_WARN,
	C_BREACH,
	C_UNKNOWN,
	C_INFO,
	C_FKEY,
	C_FKEY_LABEL,
	C_BAR_GOOD,
	C_BAR_BAD,
	C_TARGET,
	C_ERROR,
	C_INPUT,
	C_COUNT
};

/* Load theme NAME (a name from the theme directory, or a path). USE_COLOR 0
 * keeps only the attributes (NO_COLOR, --no-color, a terminal without colour). */
int theme_load(const char *name, int use_color, struct error *e);

/* The curses attributes of an element. */
int theme_attr(enum tui_color c);

/* The current theme's name, and the next one of the shipped themes. */
const char *theme_name(void);
const char *theme_next(void);

/* The colour attribute for a status word (OK, WARN, BREACH, UNKNOWN, INFO). */
int theme_status(const char *status);

#endif

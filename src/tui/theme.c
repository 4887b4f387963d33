/*
 * theme.c - see theme.h.
 *
 * A theme name is looked up as NAME.theme in $DRTOP_THEME_DIR, then in
 * $XDG_CONFIG_HOME/drtop/themes (~/.config/drtop/themes), then in the
 * installed data directory; the shipped themes are also compiled in, so they
 * work from a build tree that was never installed. A theme is parsed whole
 * before anything is applied: a bad or unknown one leaves the current one.
 */
#include "config.h"

#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"
#include "theme.h"
#include "util.h"

/* theme-default.c, generated from themes/NAME.theme: the shipped themes. */
extern const char *const theme_builtin_names[], *const theme_builtin_texts[];

static const char *const element_names[C_COUNT] = {
	"header", "title", "normal", "dim",  "selected", "ok",       "warn",       "breach", "unknown",
	"info",   "fkey",  "fkey.label", "bar.good", "bar.bad", "target", "error", "input",
};

static const char *const shipped[] = {"default", "light", "monochrome", "high-contrast"};

static int attrs[C_COUNT];
static char current[64] = "default";

/* An element as read: colours (-1 the terminal's default) and attributes. */
struct spec {
	short fg, bg;
	int a;
};

static int color_number(const char *w)
{
	static const char *const names[] = {"black", "red",     "green", "yellow",
					    "blue",  "magenta", "cyan",  "white"};
	int i;

	if (!strcasecmp(w, "default"))
		return -1;
	for (i = 0; i < 8; i++)
		if (!strcasecmp(w, names[i]))
			return i;
	return -2;
}

/* Parse "fg [on bg] [attr...]" into SP; returns -1 on a bad word. */
static int parse_spec(char *spec, struct spec *sp, const char **bad)
{
	int fg = -1, bg = -1, a = A_NORMAL, on = 0;
	char *w, *save = NULL;

	for (w = strtok_r(spec, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
		int c = color_number(w);

		if (!strcasecmp(w, "on")) {
			on = 1;
		} else if (c >= -1) {
			if (on)
				bg = c;
			else
				fg = c;
			on = 0;
		} else if (!strcasecmp(w, "bold")) {
			a |= A_BOLD;
		} else if (!strcasecmp(w, "dim")) {
			a |= A_DIM;
		} else if (!strcasecmp(w, "reverse")) {
			a |= A_REVERSE;
		} else if (!strcasecmp(w, "underline")) {
			a |= A_UNDERLINE;
		} else {
			*bad = w;
			return -1;
		}
	}
	sp->fg = (short)fg;
	sp->bg = (short)bg;
	sp->a = a;
	return 0;
}

/* Make the parsed elements the current ones. */
static void apply(const struct spec *sp, int use_color)
{
	int i;

	for (i = 0; i < C_COUNT; i++) {
		int a = sp[i].a, colored = sp[i].fg != -1 || sp[i].bg != -1;

		if (use_color && colored) {
			init_pair((short)(i + 1), sp[i].fg, sp[i].bg);
			a |= COLOR_PAIR(i + 1);
		} else if (!use_color && colored && !(a & (A_BOLD | A_REVERSE | A_UNDERLINE))) {
			/* Without colour, a coloured element keeps some emphasis. */
			if (i == C_SELECTED || i == C_HEADER || i == C_FKEY || i == C_BREACH || i == C_ERROR)
				a |= A_REVERSE;
		}
		attrs[i] = a;
	}
}

static int parse(const char *text, const char *where, struct spec *sp, struct error *e)
{
	char *copy = xstrdup(text), *line, *save = NULL;
	int lineno = 0, rc = 0;

	for (line = strtok_r(copy, "\n", &save); line && rc == 0; line = strtok_r(NULL, "\n", &save)) {
		char *eq, *name, *end;
		const char *bad = NULL;
		int i;

		lineno++;
		while (*line == ' ' || *line == '\t')
			line++;
		if (!*line || *line == '#')
			continue;
		eq = strchr(line, '=');
		if (!eq) {
			rc = error_set(e, ERR_DATA, "%s:%d: expected 'element = colours'", where, lineno);
			break;
		}
		*eq = '\0';
		name = line;
		for (end = eq - 1; end >= name && (*end == ' ' || *end == '\t'); end--)
			*end = '\0';
		for (i = 0; i < C_COUNT && strcmp(element_names[i], name); i++)
			;
		if (i == C_COUNT) {
			rc = error_set(e, ERR_DATA, "%s:%d: unknown element '%s'", where, lineno, name);
			break;
		}
		if (parse_spec(eq + 1, &sp[i], &bad) < 0)
			rc = error_set(e, ERR_DATA, "%s:%d: unknown colour or attribute '%s'", where,
				       lineno, bad);
	}
	free(copy);
	return rc;
}

/* The text of theme NAME (a path, or a name looked up as the top says);
 * *WHERE says where it was found. NULL when there is no such theme. */
static char *read_theme(const char *name, char **where)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *dirs[3];
	char *text = NULL;
	size_t i;

	if (strchr(name, '/')) {
		*where = xstrdup(name);
		return file_read_text(name);
	}
	dirs[0] = getenv("DRTOP_THEME_DIR") && *getenv("DRTOP_THEME_DIR")
			  ? xstrdup(getenv("DRTOP_THEME_DIR")) : NULL;
	dirs[1] = xdg && *xdg ? xasprintf("%s/drtop/themes", xdg)
		  : home && *home ? xasprintf("%s/.config/drtop/themes", home) : NULL;
	dirs[2] = xstrdup(DRTOP_DATADIR "/themes");
	for (i = 0; i < 3; i++) {
		if (!text && dirs[i]) {
			char *path = xasprintf("%s/%s.theme", dirs[i], name);

			if ((text = file_read_text(path)))
				*where = path;
			else
				free(path);
		}
		free(dirs[i]);
	}
	for (i = 0; !text && theme_builtin_names[i]; i++) {
		if (!strcmp(theme_builtin_names[i], name)) {
			text = xstrdup(theme_builtin_texts[i]);
			*where = xasprintf("(built-in %s theme)", name);
		}
	}
	return text;
}

int theme_load(const char *name, int use_color, struct error *e)
{
	struct spec sp[C_COUNT];
	char *text, *where = NULL;
	int i, rc;

	for (i = 0; i < C_COUNT; i++)
		sp[i] = (struct spec){-1, -1, A_NORMAL};
	text = read_theme(name, &where);
	if (!text) {
		free(where);
		return error_set(e, ERR_DATA,
				 "unknown theme '%s' (themes: default, light, monochrome, "
				 "high-contrast, or NAME.theme in ~/.config/drtop/themes; or a path "
				 "to a .theme file)",
				 name);
	}
	rc = parse(text, where, sp, e);
	if (rc == 0) {
		apply(sp, use_color);
		snprintf(current, sizeof(current), "%s", name);
	}
	free(text);
	free(where);
	return rc;
}

int theme_attr(enum tui_color c)
{
	return attrs[c];
}

const char *theme_name(void)
{
	return current;
}

const char *theme_next(void)
{
	size_t i, n = sizeof(shipped) / sizeof(shipped[0]);

	for (i = 0; i < n; i++)
		if (!strcmp(shipped[i], current))
			return shipped[(i + 1) % n];
	return shipped[0];
}

int theme_status(const char *status)
{
	if (!status)
		return attrs[C_DIM];
	if (!strcmp(status, "BREACH"))
		return attrs[C_BREACH];
	if (!strcmp(status, "WARN"))
		return attrs[C_WARN];
	if (!strcmp(status, "OK"))
		return attrs[C_OK];
	if (!strcmp(status, "INFO"))
		return attrs[C_INFO];
	return attrs[C_UNKNOWN];
}

/*
 * theme.c - see theme.h.
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

extern const char theme_default_text[]; /* theme-default.c, generated */

static const char *const element_names[C_COUNT] = {
	"header", "title", "normal", "dim",  "selected", "ok",       "warn",       "breach", "unknown",
	"info",   "fkey",  "fkey.label", "bar.good", "bar.bad", "target", "error", "input",
};

static const char *const shipped[] = {"default", "light", "monochrome", "high-contrast"};

static int attrs[C_COUNT];
static char current[64] = "default";

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

/* Parse "fg [on bg] [attr...]" into pair I; returns -1 on a bad word. */
static int parse_spec(int i, char *spec, int use_color, const char **bad)
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
	if (use_color && (fg != -1 || bg != -1)) {
		init_pair((short)(i + 1), (short)fg, (short)bg);
		a |= COLOR_PAIR(i + 1);
	} else if (!use_color && (fg != -1 || bg != -1) && !(a & (A_BOLD | A_REVERSE | A_UNDERLINE))) {
		/* Without colour, a coloured element keeps some emphasis. */
		if (i == C_SELECTED || i == C_HEADER || i == C_FKEY || i == C_BREACH || i == C_ERROR)
			a |= A_REVERSE;
	}
	attrs[i] = a;
	return 0;
}

static int parse(const char *text, const char *where, int use_color, struct error *e)
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
		if (parse_spec(i, eq + 1, use_color, &bad) < 0)
			rc = error_set(e, ERR_DATA, "%s:%d: unknown colour or attribute '%s'", where,
				       lineno, bad);
	}
	free(copy);
	return rc;
}

static char *read_theme(const char *name, char **where)
{
	const char *dirs[3] = {getenv("DRTOP_THEME_DIR"), DRTOP_DATADIR "/themes", NULL};
	struct strbuf sb = STRBUF_INIT;
	size_t i;

	for (i = 0; i < 2; i++) {
		char *path, buf[4096];
		FILE *f;
		size_t n;

		if (!dirs[i] || !*dirs[i])
			continue;
		path = strchr(name, '/') ? xstrdup(name) : xasprintf("%s/%s.theme", dirs[i], name);
		f = fopen(path, "r");
		if (!f) {
			free(path);
			continue;
		}
		while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
			strbuf_add(&sb, buf, n);
		fclose(f);
		*where = path;
		return strbuf_detach(&sb);
	}
	return NULL;
}

int theme_load(const char *name, int use_color, struct error *e)
{
	char *text, *where = NULL;
	int i, rc;

	for (i = 0; i < C_COUNT; i++)
		attrs[i] = A_NORMAL;
	text = read_theme(name, &where);
	if (!text && !strcmp(name, "default")) {
		text = xstrdup(theme_default_text);
		where = xstrdup("(built-in default theme)");
	}
	if (!text)
		return error_set(e, ERR_DATA,
				 "unknown theme '%s' (themes: default, light, monochrome, "
				 "high-contrast; or a path to a .theme file)",
				 name);
	rc = parse(text, where, use_color, e);
	if (rc == 0)
		snprintf(current, sizeof(current), "%s", name);
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

/*
 * rc.c - see rc.h.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "rc.h"
#include "strbuf.h"
#include "util.h"

#define HEADER "# drtop dashboard settings, written by drtop when they change"

/* The file's directory, or NULL without HOME or XDG_CONFIG_HOME (caller frees). */
static char *rc_dir(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (xdg && *xdg)
		return xasprintf("%s/drtop", xdg);
	if (home && *home)
		return xasprintf("%s/.config/drtop", home);
	return NULL;
}

/* Trim spaces around S in place. */
static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

static void parse(struct tui_rc *rc, char *text)
{
	struct strbuf other = STRBUF_INIT;
	char *line, *next;

	memset(rc, 0, sizeof(*rc));
	for (line = text; line && *line; line = next) {
		char *eq, *key, *value;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		eq = strchr(line, '=');
		if (!strncmp(line, HEADER, strlen(HEADER)))
			continue; /* written anew */
		if (*trim(line) == '#' || !eq) {
			if (*line)
				strbuf_printf(&other, "%s\n", line);
			continue;
		}
		*eq = '\0';
		key = trim(line);
		value = trim(eq + 1);
		if (!strcmp(key, "theme") && *value) {
			free(rc->theme);
			rc->theme = xstrdup(value);
		} else if (!strcmp(key, "sort") && *value) {
			free(rc->sort);
			rc->sort = xstrdup(value);
		} else if (!strcmp(key, "reverse")) {
			rc->reverse = !strcmp(value, "yes") || !strcmp(value, "1");
		} else {
			*eq = '=';
			strbuf_printf(&other, "%s\n", line);
		}
	}
	rc->other = other.len ? strbuf_detach(&other) : NULL;
	strbuf_done(&other);
}

void tui_rc_load(struct tui_rc *rc)
{
	char *dir = rc_dir(), *path = dir ? xasprintf("%s/drtoprc", dir) : NULL;
	char *text = path ? file_read_text(path) : NULL;

	parse(rc, text);
	free(text);
	free(path);
	free(dir);
}

static int same(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

int tui_rc_save(const struct tui_rc *rc, char **why)
{
	char *dir = rc_dir(), *path, *tmp;
	struct tui_rc old;
	struct strbuf sb = STRBUF_INIT;
	FILE *f;
	int rc_ = 0;

	*why = NULL;
	if (!dir)
		return 0;
	path = xasprintf("%s/drtoprc", dir);
	tmp = xasprintf("%s/drtoprc.new", dir);
	{
		char *text = file_read_text(path);

		parse(&old, text);
		free(text);
	}
	if (same(old.theme, rc->theme) && same(old.sort, rc->sort) && old.reverse == rc->reverse)
		goto done;
	strbuf_printf(&sb, "%s\n", HEADER);
	if (old.other)
		strbuf_puts(&sb, old.other);
	if (rc->theme)
		strbuf_printf(&sb, "theme = %s\n", rc->theme);
	if (rc->sort)
		strbuf_printf(&sb, "sort = %s\n", rc->sort);
	strbuf_printf(&sb, "reverse = %s\n", rc->reverse ? "yes" : "no");
	{
		char *parent = xstrdup(dir), *slash = strrchr(parent, '/');

		if (slash && slash != parent) {
			*slash = '\0';
			mkdir(parent, 0700);
		}
		free(parent);
	}
	if (mkdir(dir, 0700) < 0 && errno != EEXIST) {
		*why = xasprintf("cannot create %s: %s", dir, strerror(errno));
		rc_ = -1;
		goto done;
	}
	f = fopen(tmp, "w");
	if (!f || fputs(strbuf_str(&sb), f) == EOF || fclose(f) == EOF || rename(tmp, path) < 0) {
		*why = xasprintf("cannot write %s: %s", path, strerror(errno));
		rc_ = -1;
	}
done:
	tui_rc_done(&old);
	strbuf_done(&sb);
	free(tmp);
	free(path);
	free(dir);
	return rc_;
}

void tui_rc_done(struct tui_rc *rc)
{
	free(rc->theme);
	free(rc->sort);
	free(rc->other);
	memset(rc, 0, sizeof(*rc));
}

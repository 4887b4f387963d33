/*
 * cmd-dashboard.c - drtop [options]: the dashboard, and drtop demo.
 *
 * The dashboard creates a missing database only when the operator says so
 * at the terminal: a mistyped --db must not open an empty, all-is-well board.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "demo.h"
#include "tui.h"
#include "when.h"

static const struct opt opts[] = {
	{"theme", "NAME", "colour theme: default, light, monochrome, high-contrast, or a file", 0},
	{"no-color", NULL, "no colours (as with NO_COLOR)", 0},
	{"readonly", NULL, "no edits and no probes (for auditors)", 0},
	{"frames", "N", "draw N frames and leave (for smoke tests)", 0},
	{NULL},
};

static const struct opt demo_opts[] = {
	{"theme", "NAME", "colour theme: default, light, monochrome, high-contrast, or a file", 0},
	{"no-color", NULL, "no colours (as with NO_COLOR)", 0},
	{"readonly", NULL, "no edits and no probes", 0},
	{"frames", "N", "draw N frames and leave (for smoke tests)", 0},
	{"no-dashboard", NULL, "create the demo database and stop", 0},
	{NULL},
};

/* Does the operator, asked at the terminal, want the missing database created? */
static int ask_create(const char *path)
{
	char answer[16];

	if (!isatty(STDERR_FILENO))
		return 0;
	cmd_note("no database at %s", path);
	fprintf(stderr, "Create a new, empty database there? [y/N] ");
	fflush(stderr);
	return fgets(answer, sizeof(answer), stdin) && (answer[0] == 'y' || answer[0] == 'Y');
}

/* Open the database for the dashboard; a missing one only when the operator
 * agrees (never with --readonly). */
static int open_db(struct ctx *ctx, int readonly, struct error *e)
{
	char *path = db_resolve_path(ctx->db_path, e);
	struct stat sb;
	unsigned flags = readonly ? CMD_READ : CMD_DB_EXISTS;

	if (!path)
		return -1;
	if (!readonly && stat(path, &sb) < 0 && errno == ENOENT && ask_create(path))
		flags = 0;
	free(path);
	return cmd_open_db(ctx, flags, e);
}

static int dashboard(struct ctx *ctx, struct args *a, struct error *e)
{
	struct tui_options o = {0};
	long frames = 0;

	/* --as-of replays what was recorded by then: no edits and no probes either. */
	o.readonly = arg(a, "readonly") != NULL || when_known();
	if (arg_int(a, "frames", 1, 1000000, &frames, e) < 0)
		return -1;
	if (!ctx->db && (tui_check_terminal(e) < 0 || open_db(ctx, o.readonly, e) < 0))
		return -1;
	o.theme = arg(a, "theme");
	o.no_color = arg(a, "no-color") != NULL;
	o.frames = (int)frames;
	return tui_run(ctx->db, &o, e);
}

static int run_demo(struct ctx *ctx, struct args *a, struct error *e)
{
	char *path;
	int rc;

	/* The demo database is made anew, now: nothing of it to see as of another time. */
	if (db_refuse_as_of(e) < 0)
		return -1;
	path = demo_path(ctx->db_path, e);
	if (!path)
		return -1;
	rc = demo_create(path, e);
	if (rc == 0)
		cmd_note("demo database at %s", path);
	if (rc == 0 && !arg(a, "no-dashboard")) {
		ctx->db = db_open(path, DB_NO_CREATE, e);
		rc = ctx->db ? dashboard(ctx, a, e) : -1;
	}
	free(path);
	return rc;
}

const struct cmd cmd_dashboard = {"drtop", NULL, "the dashboard", opts, 0, 0, dashboard, NULL,
				  CMD_NO_DB};
const struct cmd cmd_demo = {"demo", NULL,
			     "create a demo database (never over a real one) and open the dashboard",
			     demo_opts, 0, 0, run_demo, NULL, CMD_NO_DB};

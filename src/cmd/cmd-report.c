/*
 * cmd-report.c - drtop report: the verdict for cron, CI and monitoring.
 *
 * Exits like a monitoring plugin: 0 all OK, 1 some WARN, 2 some BREACH,
 * 3 UNKNOWN or an error (64 for a usage error). The verdict is read from the
 * views; once the arguments are known good, each change of status is recorded
 * in status_history when the file can be written (never a reason to fail).
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "duration.h"
#include "report.h"

static const struct opt opts[] = {
	{"format", "FMT", "text (default), json, csv, markdown, html, prometheus or nagios", 0},
	{"window", "DUR", "how far back outages count, for this report (default: the window setting)",
	 0},
	{"system", "NAME", "report only this system", OPT_MULTI},
	{"min-severity", "LEVEL", "leave out systems below ok, warn (WARN, BREACH, UNKNOWN) or breach",
	 0},
	{"output", "FILE", "write to FILE atomically (a temporary file, then a rename)", 0},
	{"mode", "OCTAL", "the --output file's permissions (default: 0666 less the umask)", 0},
	{NULL},
};

static const struct {
	const char *name;
	int (*fn)(const struct board *, struct db *, int, struct strbuf *, struct error *);
} formats[] = {
	{"text", report_text},         {"json", report_json},
	{"csv", report_csv},           {"markdown", report_markdown},
	{"html", report_html},         {"prometheus", report_prometheus},
	{"nagios", report_nagios},
};

static int run(struct ctx *ctx, struct args *a, struct error *e)
{
	const char *fmt = arg(a, "format") ? arg(a, "format") : "text", *min = arg(a, "min-severity");
	struct board_options o = {0};
	struct strbuf out = STRBUF_INIT;
	struct board r;
	size_t i, f = sizeof(formats) / sizeof(formats[0]);
	int rc, color, mode = -1;

	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++)
		if (!strcmp(formats[i].name, fmt))
			f = i;
	if (f == sizeof(formats) / sizeof(formats[0]))
		return error_set(e, ERR_USAGE, "--format: expected text, json, csv, markdown, html, "
					       "prometheus or nagios, not '%s'", fmt);
	if (min && strcmp(min, "ok") && strcmp(min, "warn") && strcmp(min, "breach"))
		return error_set(e, ERR_USAGE, "--min-severity: expected ok, warn or breach, not '%s'",
				 min);
	o.min = !min || !strcmp(min, "ok") ? BOARD_OK : !strcmp(min, "warn") ? BOARD_WARN : BOARD_BREACH;
	o.systems = arg(a, "system") ? arg_all(a, "system", NULL) : NULL;
	if (arg_duration(a, "window", 0, &o.window_s, e) < 0) {
		e->kind = ERR_USAGE;
		return -1;
	}
	if (arg_mode(a, "mode", &mode, e) < 0)
		return -1;
	if (arg(a, "output") && cmd_check_output(arg(a, "output"), e) < 0)
		return -1;
	/* The verdict is read once: the report and the history kept from it. */
	o.snapshot = 1;
	if (board_load(ctx->db, &o, &r, e) < 0)
		return -1;
	/* A read: the history is kept when it can be, once the arguments are known good. */
	if (board_note_history(ctx->db, &r, e) < 0) {
		board_free(&r);
		return -1;
	}
	color = f == 0 && !arg(a, "output") && ctx->out_tty && !getenv("NO_COLOR");
	rc = formats[f].fn(&r, ctx->db, color, &out, e);
	if (rc == 0) {
		if (arg(a, "output"))
			rc = cmd_write_file(arg(a, "output"), strbuf_str(&out), out.len, mode, e);
		else
			fputs(strbuf_str(&out), ctx->out);
	}
	if (rc == 0)
		rc = board_exit_status(&r);
	board_free(&r);
	strbuf_done(&out);
	return rc;
}

const struct cmd cmd_report = {"report", NULL,
			       "report the verdict for automation; exits 0 OK, 1 WARN, 2 BREACH, "
			       "3 UNKNOWN or error",
			       opts, 0, 0, run, NULL, CMD_DB_EXISTS | CMD_PLUGIN | CMD_READ};

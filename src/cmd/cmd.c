/*
 * cmd.c - the command dispatcher and the generated help.
 *
 * Global options (--db, --now) may appear before the command or among its
 * options. The top-level table is the one list of what drtop can do.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "duration.h"
#include "inventory.h"
#include "output.h"
#include "util.h"
#include "when.h"

static int run_help(struct ctx *ctx, struct args *a, struct error *e);

static const struct cmd top[] = {
	{"demo", NULL, "open the dashboard on a demo database", NULL, 0, 0, NULL, NULL, 0, &cmd_demo},
	{"system", NULL, "keep the inventory of systems", NULL, 0, 0, NULL, cmd_system, 0},
	{"endpoint", NULL, "URLs to probe for a system", NULL, 0, 0, NULL, cmd_endpoint, 0},
	{"schedule", NULL, "backup schedules", NULL, 0, 0, NULL, cmd_schedule, 0},
	{"depend", NULL, "dependencies between systems", NULL, 0, 0, NULL, cmd_depend, 0},
	{"maintenance", NULL, "declared maintenance windows", NULL, 0, 0, NULL, cmd_maintenance, 0},
	{"checkin", NULL, "record that a backup started or finished, or run it", NULL, 0, 0, NULL, NULL, 0, &cmd_checkin},
	{"drill", NULL, "recovery drills: run and measured, or recorded", NULL, 0, 0, NULL, cmd_drill, 0},
	{"strategy", NULL, "the strategy catalogue and its cost tiers", NULL, 0, 0, NULL,
	 cmd_strategy, 0},
	{"status", NULL, "the verdict: status and findings per system", NULL, 0, 0, NULL, NULL, 0,
	 &cmd_status},
	{"whatif", NULL, "the verdict if the plan changed, without saving", NULL, 0, 0, NULL, NULL,
	 0, &cmd_whatif},
	{"recovery-order", NULL, "the order to recover systems in", NULL, 0, 0, NULL, NULL, 0,
	 &cmd_recovery_order},
	{"report", NULL, "the verdict for automation: text, json, csv, markdown, html, prometheus, "
		     "nagios", NULL, 0, 0, NULL, NULL, 0, &cmd_report},
	{"probe", NULL, "probe endpoints: outages, recovery times, data lag", NULL, 0, 0, NULL,
	 NULL, 0, &cmd_probe},
	{"notify", NULL, "notifications: channels, rules and the delivery log", NULL, 0, 0, NULL,
	 cmd_notify, 0},
	{"import", NULL, "load an inventory from JSON", NULL, 0, 0, NULL, NULL, 0, &cmd_import},
	{"export", NULL, "write the inventory as JSON", NULL, 0, 0, NULL, NULL, 0, &cmd_export},
	{"config", NULL, "settings of the verdicts", NULL, 0, 0, NULL, cmd_config, 0},
	{"db", NULL, "the database file: path, check, migrate", NULL, 0, 0, NULL, cmd_db, 0},
	{"help", "[COMMAND...]", "show help for drtop or a command", NULL, 0, 8, run_help, NULL,
	 CMD_NO_DB},
	{NULL},
};

static const struct opt global_opts[] = {
	{"db", "PATH", "use the database at PATH (default: $DRTOP_DB, else "
		       "$XDG_DATA_HOME/drtop/drtop.db)", 0},
	{"now", "TIME", "judge as of TIME, a replay kept as no status history ($DRTOP_NOW: "
			"the clock of a whole run); writes keep the real time", 0},
	{"as-of", "TIME", "judge as of TIME from only the evidence recorded by then; "
			  "writes nothing", 0},
	{NULL},
};

/* Is PATH (following links) something other than a regular file or a directory:
 * a terminal, a device, a FIFO? Those are written in place, like a shell
 * redirection; replacing them by a regular file would break them. */
static int output_is_special(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 && !S_ISREG(sb.st_mode) && !S_ISDIR(sb.st_mode);
}

int cmd_check_output(const char *path, struct error *e)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	struct stat sb;
	int rc = 0;

	if (output_is_special(path))
		; /* written in place: the directory is not touched */
	else if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		rc = error_set(e, ERR_CANTCREAT, "cannot write %s: it is a directory", path);
	else if (stat(dir, &sb) < 0 && errno == ENOENT)
		rc = error_set(e, ERR_CANTCREAT, "cannot write %s: directory %s does not exist", path,
			       dir);
	else if (stat(dir, &sb) < 0 || !S_ISDIR(sb.st_mode))
		rc = error_set(e, ERR_CANTCREAT, "cannot write %s: %s is not a directory", path, dir);
	else if (access(dir, W_OK) < 0)
		rc = error_set(e, ERR_CANTCREAT, "cannot write %s: directory %s is not writable", path,
			       dir);
	free(dir);
	return rc;
}

static int write_all(int fd, const char *text, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, text, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		text += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write TEXT to the device, FIFO or terminal at PATH, in place. */
static int write_special(const char *path, const char *text, size_t len, struct error *e)
{
	int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	int ok;

	if (fd < 0)
		return error_set(e, ERR_CANTCREAT, "cannot write %s: %s", path, strerror(errno));
	ok = write_all(fd, text, len) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok)
		return error_set(e, ERR_IO, "cannot write %s: %s", path, strerror(errno));
	return 0;
}

/* Write TEXT to PATH through a temporary file and a rename. mkstemp() makes the
 * temporary file 0600; it gets MODE, or what open() would give (0666 less the
 * umask) when MODE is negative, before the rename makes it visible. A path that
 * is (or links to) a device, FIFO or socket is written in place instead. */
int cmd_write_file(const char *path, const char *text, size_t len, int mode, struct error *e)
{
	char *tmp;
	int fd, ok;

	if (cmd_check_output(path, e) < 0)
		return -1;
	if (output_is_special(path))
		return write_special(path, text, len, e);
	if (mode < 0) {
		mode_t mask = umask(0);

		umask(mask);
		mode = (int)(0666 & ~mask);
	}
	tmp = xasprintf("%s.tmp.XXXXXX", path);
	fd = mkstemp(tmp);
	if (fd < 0) {
		error_set(e, ERR_CANTCREAT, "cannot write %s: %s", path, strerror(errno));
		free(tmp);
		return -1;
	}
	ok = fchmod(fd, (mode_t)mode) == 0 && write_all(fd, text, len) == 0 && fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	if (!ok || rename(tmp, path) < 0) {
		error_set(e, ERR_IO, "cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		free(tmp);
		return -1;
	}
	free(tmp);
	return 0;
}

void cmd_note(const char *fmt, ...)
{
	struct strbuf msg = STRBUF_INIT;
	va_list ap;
	char *text;

	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	/* Messages quote user data: nothing from it may drive the terminal. */
	output_printable(&msg, text);
	/* A message that already names the command ("drtop status: ...") gets no
	 * second prefix. */
	if (!strncmp(text, "drtop:", 6) || !strncmp(text, "drtop ", 6))
		fprintf(stderr, "%s\n", strbuf_str(&msg));
	else
		fprintf(stderr, "drtop: %s\n", strbuf_str(&msg));
	strbuf_done(&msg);
	free(text);
}

int cmd_reason(struct ctx *ctx, const struct args *a, int needed, struct error *e)
{
	const char *reason = arg(a, "reason");
	sqlite3_stmt *st;
	int required = 0;

	if (reason && (inventory_text_check("--reason", reason, e) < 0))
		return -1;
	if (reason && !*reason)
		return error_set(e, ERR_USAGE, "--reason: say why, it cannot be empty");
	if (!reason && needed) {
		st = db_prepare(ctx->db, "SELECT value = '1' FROM setting WHERE key = 'require_reason'",
				e);
		if (!st)
			return -1;
		required = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0);
		sqlite3_finalize(st);
		if (required)
			return error_set(e, ERR_USAGE,
					 "a change of objectives, strategy or tier needs --reason TEXT "
					 "(the require-reason setting is on)");
	}
	ctx->db->reason = reason;
	return 0;
}

int cmd_commit(struct ctx *ctx, int rc, struct error *e)
{
	if (rc < 0) {
		db_rollback(ctx->db);
		return -1;
	}
	if (db_commit(ctx->db, e) < 0)
		return -1;
	return rc;
}

int cmd_exit_status(enum error_kind kind)
{
	switch (kind) {
	case ERR_NONE:
		return 0;
	case ERR_USAGE:
		return 64;
	case ERR_DATA:
		return 65;
	case ERR_NOINPUT:
		return 66;
	case ERR_CANTCREAT:
		return 73;
	case ERR_IO:
		return 74;
	case ERR_BUSY:
		return 75;
	case ERR_INTERNAL:
		break;
	}
	return 70;
}

/* --- help, generated from the tables ------------------------------------ */

static void synopsis(FILE *f, const char *path, const struct cmd *c)
{
	const struct opt *o;

	fprintf(f, "%s", path);
	if (c->args)
		fprintf(f, " %s", c->args);
	for (o = c->opts; o && o->name; o++) {
		if (!(o->flags & OPT_REQUIRED))
			continue;
		fprintf(f, " --%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");
	}
	for (o = c->opts; o && o->name; o++)
		if (!(o->flags & OPT_REQUIRED)) {
			fprintf(f, " [options]");
			break;
		}
	fputc('\n', f);
}

static void option_lines(FILE *f, const struct opt *opts)
{
	const struct opt *o;

	for (o = opts; o && o->name; o++) {
		char *lhs = xasprintf("--%s%s%s", o->name, o->arg ? " " : "", o->arg ? o->arg : "");

		fprintf(f, "  %-24s %s%s\n", lhs, o->help,
			o->flags & OPT_MULTI ? " (may be repeated)" : "");
		free(lhs);
	}
}

static void leaf_help(FILE *f, const char *path, const struct cmd *c)
{
	fprintf(f, "usage: ");
	synopsis(f, path, c);
	fprintf(f, "\n%s.\n", c->summary);
	if (c->opts && c->opts->name) {
		fprintf(f, "\noptions:\n");
		option_lines(f, c->opts);
	}
	fprintf(f, "\nglobal options:\n");
	option_lines(f, global_opts);
}

static void group_help(FILE *f, const char *path, const struct cmd *sub)
{
	const struct cmd *c;

	fprintf(f, "usage:\n");
	for (c = sub; c->name; c++) {
		char *p = xasprintf("%s %s", path, c->name);

		fprintf(f, "  ");
		synopsis(f, p, c);
		fprintf(f, "      %s\n", c->summary);
		free(p);
	}
	fprintf(f, "\nRun '%s COMMAND --help' for a command's options.\n", path);
}

static void top_help(FILE *f)
{
	const struct cmd *c;

	fprintf(f, "usage: drtop [--db PATH] [--theme NAME] [--no-color] [--readonly]   (the dashboard)\n"
		   "       drtop [--db PATH] COMMAND [ARGS...]\n\n"
		   "drtop keeps an inventory of systems with their recovery objectives (RTO,\n"
		   "RPO), strategies and backups, and checks the evidence against them.\n\n"
		   "commands:\n");
	for (c = top; c->name; c++)
		fprintf(f, "  %-12s %s\n", c->name, c->summary);
	fprintf(f, "\nglobal options:\n");
	option_lines(f, global_opts);
	fprintf(f, "  %-24s %s\n  %-24s %s\n", "-h, --help", "show help",
		"--version", "show the version");
	fprintf(f, "\nRun 'drtop help COMMAND' or 'drtop COMMAND --help' for more.\n"
		   "Exit status: 0 success, 64 usage error, 65 bad data, 66 missing input,\n"
		   "73 cannot create, 74 I/O error, 75 database locked, 70 internal error.\n"
		   "report exits 0 OK, 1 WARN, 2 BREACH, 3 UNKNOWN; drill run 0 met the RTO and\n"
		   "RPO, 1 missed one, 2 failed or aborted, 75 another drill of the system runs.\n");
}

static const struct cmd *find(const struct cmd *table, const char *name)
{
	for (; table && table->name; table++)
		if (!strcmp(table->name, name))
			return table->leaf ? table->leaf : table;
	return NULL;
}

static int run_help(struct ctx *ctx, struct args *a, struct error *e)
{
	const struct cmd *table = top, *c = NULL;
	char *path = xstrdup("drtop"), *next;
	int i;

	for (i = 0; i < a->npos; i++) {
		c = find(table, a->pos[i]);
		if (!c) {
			free(path);
			return error_set(e, ERR_USAGE, "unknown command '%s'; see 'drtop help'",
					 a->pos[i]);
		}
		next = xasprintf("%s %s", path, c->name);
		free(path);
		path = next;
		table = c->sub;
		if (!table)
			break;
	}
	if (!c)
		top_help(ctx->out);
	else if (c->sub)
		group_help(ctx->out, path, c->sub);
	else
		leaf_help(ctx->out, path, c);
	free(path);
	return 0;
}

/* --- option access ------------------------------------------------------ */

static int opt_index(const struct cmd *c, const char *name)
{
	int i;

	for (i = 0; c->opts && c->opts[i].name; i++)
		if (!strcmp(c->opts[i].name, name))
			return i;
	fatal("command %s has no option --%s", c->name, name);
}

const char *arg(const struct args *a, const char *name)
{
	return a->val[opt_index(a->cmd, name)];
}

char **arg_all(const struct args *a, const char *name, size_t *n)
{
	static char *none[] = {NULL};
	int i = opt_index(a->cmd, name);

	if (n)
		*n = a->nmulti[i];
	return a->multi[i] ? a->multi[i] : none;
}

int arg_duration(const struct args *a, const char *name, unsigned flags, int64_t *out,
		 struct error *e)
{
	const char *v = arg(a, name);

	if (v && duration_parse(v, flags, out, e) < 0)
		return error_prefix(e, "--%s", name);
	return 0;
}

int arg_duration_ms(const struct args *a, const char *name, int64_t *out, struct error *e)
{
	const char *v = arg(a, name);

	if (v && duration_parse_ms(v, 0, out, e) < 0)
		return error_prefix(e, "--%s", name);
	return 0;
}

int arg_time(const struct args *a, const char *name, int64_t *out, struct error *e)
{
	const char *v = arg(a, name);

	char buf[WHEN_BUFSZ];

	if (v && when_parse(v, when_now(), out, e) < 0)
		return error_prefix(e, "--%s", name);
	/* as a probe's recovery point: nothing drtop records happened by then */
	if (v && *out <= 0)
		return error_set(e, ERR_DATA, "--%s %s is not a plausible time: not after 1970",
				 name, when_format(*out, buf));
	return 0;
}

int arg_since(const struct args *a, int64_t *out, struct error *e)
{
	char buf[WHEN_BUFSZ];

	if (arg_time(a, "since", out, e) < 0)
		return -1;
	if (*out > when_real_now() + WHEN_SKEW_S)
		return error_set(e, ERR_DATA, "--since %s is in the future; a plan is back-filled, "
				 "never dated ahead", when_format(*out, buf));
	return 0;
}

int arg_int(const struct args *a, const char *name, long lo, long hi, long *out, struct error *e)
{
	const char *v = arg(a, name);
	char *end;
	long n;

	if (!v)
		return 0;
	errno = 0;
	n = strtol(v, &end, 10);
	/* digits only (a '-' where a number may be negative): no blank, no '+', no
	 * overflow, no "-0" for a number that cannot be negative */
	if (!*v || *end || errno == ERANGE || !(isdigit((unsigned char)*v) || (*v == '-' && lo < 0)) ||
	    n < lo || n > hi)
		return error_set(e, ERR_DATA, "--%s: expected a whole number from %ld to %ld, not '%s'",
				 name, lo, hi, v);
	*out = n;
	return 0;
}

int arg_mode(const struct args *a, const char *name, int *mode, struct error *e)
{
	const char *v = arg(a, name);
	char *end;
	long m;

	if (!v)
		return 0;
	m = strtol(v, &end, 8);
	if (!*v || *end || *v == '-' || *v == '+' || m > 0777)
		return error_set(e, ERR_USAGE, "--%s: expected an octal file mode such as 644, not '%s'",
				 name, v);
	*mode = (int)m;
	return 0;
}

/* --- parsing ------------------------------------------------------------ */

static int set_global(struct ctx *ctx, const char *name, const char *value, struct error *e)
{
	if (!strcmp(name, "db")) {
		ctx->db_path = value;
	} else {
		int as_of = !strcmp(name, "as-of");
		int64_t t;

		if ((as_of ? ctx->clock_now : ctx->clock_as_of) != NULL)
			return error_set(e, ERR_USAGE, "give --now or --as-of, not both");
		if (when_parse(value, when_now(), &t, e) < 0)
			return error_prefix(e, "--%s", name);
		/* Nothing is recorded after the present: a later --as-of would
		 * pass a guess about the future off as the record. */
		if (as_of && t > when_now() && t > when_real_now()) {
			char iso[WHEN_BUFSZ];

			return error_set(e, ERR_DATA, "--as-of %s lies in the future: nothing has been "
						      "recorded after now (--now judges a time to come)",
					 when_format(t, iso));
		}
		if (as_of) {
			ctx->clock_as_of = value;
			when_set_known(t);
		} else {
			ctx->clock_now = value;
			when_set_replay(t);
		}
	}
	return 0;
}

/* Split "--name=value" and find NAME among OPTS; returns its index or -1. */
static int match(const struct opt *opts, const char *word, const char **inline_val)
{
	const char *eq = strchr(word, '=');
	size_t len = eq ? (size_t)(eq - word) : strlen(word);
	int i;

	*inline_val = eq ? eq + 1 : NULL;
	for (i = 0; opts && opts[i].name; i++)
		if (strlen(opts[i].name) == len && !strncmp(opts[i].name, word, len))
			return i;
	return -1;
}

static int parse(const struct cmd *c, const char *path, int argc, char **argv, struct ctx *ctx,
		 struct args *a, int *help, struct error *e)
{
	int i, j, only_pos = 0;

	memset(a, 0, sizeof(*a));
	a->cmd = c;
	a->pos = xcalloc((size_t)argc + 1, sizeof(char *));
	for (i = 0; i < argc; i++) {
		const char *w = argv[i], *val;
		const struct opt *o;
		int k;

		if (only_pos || w[0] != '-' || !w[1] || (w[1] != '-' && w[1] != 'h')) {
			a->pos[a->npos++] = argv[i];
			continue;
		}
		if (!strcmp(w, "--")) {
			only_pos = 1;
			continue;
		}
		if (!strcmp(w, "-h") || !strcmp(w, "--help")) {
			*help = 1;
			return 0;
		}
		k = match(c->opts, w + 2, &val);
		o = k >= 0 ? &c->opts[k] : NULL;
		if (!o) {
			j = match(global_opts, w + 2, &val);
			if (j < 0)
				return error_set(e, ERR_USAGE, "%s: unknown option '%s'; see '%s --help'",
						 path, w, path);
			o = &global_opts[j];
		}
		if (o->arg && !val) {
			if (i + 1 >= argc)
				return error_set(e, ERR_USAGE, "%s: option --%s needs a value (%s)",
						 path, o->name, o->arg);
			val = argv[++i];
		} else if (!o->arg && val) {
			return error_set(e, ERR_USAGE, "%s: option --%s takes no value", path,
					 o->name);
		}
		if (k < 0) {
			if (set_global(ctx, o->name, val, e) < 0)
				return -1;
			continue;
		}
		a->val[k] = val ? val : "";
		if (o->flags & OPT_MULTI) {
			a->multi[k] = xrealloc(a->multi[k], (a->nmulti[k] + 2) * sizeof(char *));
			a->multi[k][a->nmulti[k]++] = (char *)a->val[k];
			a->multi[k][a->nmulti[k]] = NULL;
		}
	}
	for (j = 0; c->opts && c->opts[j].name; j++)
		if ((c->opts[j].flags & OPT_REQUIRED) && !a->val[j])
			return error_set(e, ERR_USAGE, "%s: missing --%s %s", path, c->opts[j].name,
					 c->opts[j].arg ? c->opts[j].arg : "");
	if (a->npos < c->min_pos)
		return error_set(e, ERR_USAGE, "%s: missing %s; usage: %s %s", path,
				 c->args ? c->args : "arguments", path, c->args ? c->args : "");
	if (a->npos > c->max_pos)
		return error_set(e, ERR_USAGE, "%s: unexpected argument '%s'; see '%s --help'", path,
				 a->pos[c->max_pos], path);
	return 0;
}

static void args_done(struct args *a)
{
	int i;

	free(a->pos);
	for (i = 0; i < CMD_MAXOPT; i++)
		free(a->multi[i]);
}

int cmd_open_db(struct ctx *ctx, unsigned flags, struct error *e)
{
	/* Only a command that writes creates the file: a read of a mistyped
	 * --db must not answer "all is well" from a new, empty database. */
	ctx->db = db_open(ctx->db_path,
			  (flags & (CMD_DB_EXISTS | CMD_READ) ? DB_NO_CREATE : 0) |
				  (flags & CMD_READ ? DB_READ : 0),
			  e);
	if (!ctx->db)
		return -1;
	if (ctx->db->migrated_from >= 0)
		cmd_note("upgraded the database schema from version %d to %d; "
			 "the previous file is kept as %s",
			 ctx->db->migrated_from, ctx->db->version, ctx->db->backup_path);
	return 0;
}

static int run(const struct cmd *c, const char *path, int argc, char **argv, struct ctx *ctx,
	       struct error *e)
{
	struct args a;
	int help = 0, rc;

	if (parse(c, path, argc, argv, ctx, &a, &help, e) < 0) {
		args_done(&a);
		return -1;
	}
	if (help) {
		leaf_help(ctx->out, path, c);
		args_done(&a);
		return 0;
	}
	if (!(c->flags & CMD_NO_DB) && cmd_open_db(ctx, c->flags, e) < 0) {
		args_done(&a);
		return -1;
	}
	rc = c->run(ctx, &a, e);
	args_done(&a);
	return rc;
}

/* Leading global options, before the command name. */
static int globals(int *argc, char ***argv, struct ctx *ctx, struct error *e)
{
	while (*argc > 0 && !strncmp((*argv)[0], "--", 2) && (*argv)[0][2]) {
		const char *val;
		int j = match(global_opts, (*argv)[0] + 2, &val);

		if (j < 0)
			return 0;
		if (!val) {
			if (*argc < 2)
				return error_set(e, ERR_USAGE, "option --%s needs a value (%s)",
						 global_opts[j].name, global_opts[j].arg);
			val = (*argv)[1];
			(*argc)--, (*argv)++;
		}
		if (set_global(ctx, global_opts[j].name, val, e) < 0)
			return -1;
		(*argc)--, (*argv)++;
	}
	return 0;
}

/* Whether ARGV asks for the Nagios plugin's output (--format nagios). */
static int plugin_output(int argc, char **argv)
{
	int i;

	for (i = 0; i < argc; i++)
		if ((!strcmp(argv[i], "--format") && i + 1 < argc && !strcmp(argv[i + 1], "nagios")) ||
		    !strcmp(argv[i], "--format=nagios"))
			return 1;
	return 0;
}

/* The plugin's UNKNOWN line, on standard output where Nagios reads it: MSG on
 * one line, without the '|' that would begin performance data. */
static void plugin_unknown(const char *msg)
{
	fputs("DRTOP UNKNOWN - ", stdout);
	for (; *msg; msg++)
		putchar(*msg == '|' || *msg == '\n' || *msg == '\r' ? ' ' : *msg);
	putchar('\n');
}

int cmd_main(int argc, char **argv)
{
	struct ctx ctx = {0};
	struct error e = {0};
	const struct cmd *table = top, *c = NULL;
	char *path = xstrdup("drtop"), *next;
	const char *now = getenv("DRTOP_NOW");
	int rc = 0, failed = 0;

	ctx.out = stdout;
	ctx.out_tty = isatty(STDOUT_FILENO);
	if (now && *now) {
		int64_t t;

		if (when_parse(now, (int64_t)time(NULL), &t, &e) < 0) {
			error_prefix(&e, "DRTOP_NOW");
			rc = -1;
			goto out;
		}
		when_set_now(t);
	}
	if (globals(&argc, &argv, &ctx, &e) < 0) {
		rc = -1;
		goto out;
	}
	if (argc == 0 || (argv[0][0] == '-' && strcmp(argv[0], "--version") && strcmp(argv[0], "-h") &&
			  strcmp(argv[0], "--help"))) {
		/* No command: the dashboard, with its options. */
		rc = run(&cmd_dashboard, "drtop", argc, argv, &ctx, &e);
		goto out;
	}
	if (!strcmp(argv[0], "--version")) {
		printf("drtop %s\n", PACKAGE_VERSION);
		goto out;
	}
	if (!strcmp(argv[0], "-h") || !strcmp(argv[0], "--help")) {
		top_help(stdout);
		goto out;
	}
	for (;;) {
		c = find(table, argv[0]);
		if (!c) {
			rc = error_set(&e, ERR_USAGE, "%s: unknown command '%s'; see '%s --help'",
				       path, argv[0], path);
			goto out;
		}
		next = xasprintf("%s %s", path, c->name);
		free(path);
		path = next;
		argc--, argv++;
		if (!c->sub)
			break;
		if (argc == 0 || !strcmp(argv[0], "-h") || !strcmp(argv[0], "--help")) {
			group_help(argc ? stdout : stderr, path, c->sub);
			rc = argc ? 0 : 64;
			goto out;
		}
		table = c->sub;
	}
	rc = run(c, path, argc, argv, &ctx, &e);
out:
	if (rc < 0) {
		failed = 1;
		/* Every error goes out here, through the printable filter. */
		cmd_note("%s", e.msg ? e.msg : "unknown error");
		rc = cmd_exit_status(e.kind ? e.kind : ERR_INTERNAL);
		/* A monitoring system reads 3 as UNKNOWN: it could not be checked. */
		if (c && (c->flags & CMD_PLUGIN) && e.kind != ERR_USAGE) {
			rc = 3;
			/* Nagios shows a plugin's first line of output: it says why. */
			if (plugin_output(argc, argv))
				plugin_unknown(e.msg ? e.msg : "unknown error");
		}
	}
	/* EPIPE: the reader left on purpose (`drtop probe | head -1`, which ignores
	 * SIGPIPE to record all it probed); that is no failure. */
	if (fflush(stdout) != 0 && rc == 0 && errno != EPIPE) {
		fprintf(stderr, "drtop: cannot write the output\n");
		rc = 74;
	}
	error_done(&e);
	if (failed)
		db_close_failed(ctx.db);
	else
		db_close(ctx.db);
	free(path);
	return rc;
}

static int sigpipe[2] = {-1, -1};

static void on_signal(int sig)
{
	int saved = errno;
	char c = (char)sig;

	if (write(sigpipe[1], &c, 1) < 0) {
		/* nothing to do: the pipe is full, a wake-up is already pending */
	}
	errno = saved;
}

void cmd_catch_signals(void)
{
	struct sigaction sa;

	if (pipe(sigpipe) < 0)
		fatal("pipe: %s", strerror(errno));
	fcntl(sigpipe[0], F_SETFL, O_NONBLOCK);
	fcntl(sigpipe[1], F_SETFL, O_NONBLOCK);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

void cmd_release_signals(void)
{
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	signal(SIGHUP, SIG_DFL);
	close(sigpipe[0]);
	close(sigpipe[1]);
	sigpipe[0] = sigpipe[1] = -1;
}

int cmd_signal_fd(void)
{
	return sigpipe[0];
}

int cmd_take_signals(void)
{
	char buf[16];
	ssize_t r;
	int n = 0;

	while ((r = read(sigpipe[0], buf, sizeof(buf))) > 0)
		n += (int)r;
	return n;
}

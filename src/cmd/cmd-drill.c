/*
 * cmd-drill.c - drtop drill add|run|list: recovery exercises, typed in
 * after the fact (add) or run and measured by drtop (run, see drill.h).
 *
 * drill run prints each step, probe and line of the command's output as it
 * comes, and exits 0 when the drill met the RTO and RPO in force, 1 when it
 * recovered but missed one, 2 when it failed or was aborted. Ctrl-C (SIGINT),
 * SIGTERM and SIGHUP only wake the loop (cmd_catch_signals): the drill then
 * ends its command, runs --abort and records itself as aborted; a second one
 * also ends the abort command.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "drill.h"
#include "duration.h"
#include "evidence.h"
#include "inventory.h"
#include "output.h"
#include "when.h"

static const struct opt add_opts[] = {
	{"kind", "KIND", "restore, failover or tabletop", OPT_REQUIRED},
	{"started", "TIME", "when the recovery began", OPT_REQUIRED},
	{"recovered", "TIME", "when the system was back in service", OPT_REQUIRED},
	{"data-loss", "DUR", "how much data, as time, was lost", 0},
	{"notes", "TEXT", "what happened", 0},
	{NULL},
};

static const struct opt run_opts[] = {
	{"kind", "KIND", "failover or restore", OPT_REQUIRED},
	{"command", "CMD", "the failover or restore to run (/bin/sh -c CMD); none: done by hand", 0},
	{"verify", "CMD", "run after recovery; the drill fails when it exits non-zero", 0},
	{"abort", "CMD", "run on Ctrl-C or timeout, after the command was ended", 0},
	{"timeout", "DUR", "abort after this long (default twice the RTO, at least 1m)", 0},
	{"healthy", "N", "consecutive successes that declare recovery (default 3)", 0},
	{"every", "DUR", "probe this often (default 1s, at most RTO/20)", 0},
	{"dry-run", NULL, "print every step with the endpoints and commands; change nothing", 0},
	{"yes", NULL, "do not ask before acting on the system", 0},
	{NULL},
};

static const struct opt list_opts[] = {
	{"format", "FMT", "table (default), json or csv", 0},
	{NULL},
};

static int run_add(struct ctx *ctx, struct args *a, struct error *e)
{
	int64_t started = 0, recovered = 0, loss = -1, id;
	char buf[DURATION_BUFSZ];

	if (arg_time(a, "started", &started, e) < 0 || arg_time(a, "recovered", &recovered, e) < 0 ||
	    arg_duration(a, "data-loss", DURATION_ZERO_OK, &loss, e) < 0)
		return -1;
	if (db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, evidence_drill_add(ctx->db, a->pos[0], arg(a, "kind"), started,
					       recovered, loss, arg(a, "notes"), &id, e), e) < 0)
		return -1;
	fprintf(ctx->out, "recorded %s drill %lld of %s: recovered in %s\n", arg(a, "kind"),
		(long long)id, a->pos[0], duration_format(recovered - started, buf));
	return 0;
}

static void on_note(enum drill_note kind, const char *text, void *arg)
{
	struct ctx *ctx = arg;
	struct strbuf sb = STRBUF_INIT;

	output_printable(&sb, text);
	fprintf(ctx->out, "%s%s\n", kind == DRILL_NOTE_PROBE ? "  probe " : kind == DRILL_NOTE_OUTPUT ? "  | " : "",
		strbuf_str(&sb));
	fflush(ctx->out);
	strbuf_done(&sb);
}

/* --dry-run: the steps, as drill_describe() tells them. */
static void dry_run(struct ctx *ctx, const struct drill_plan *p, const struct drill_info *in)
{
	struct strbuf text = STRBUF_INIT, line = STRBUF_INIT;
	const char *s, *nl;

	drill_describe(p, in, &text);
	fprintf(ctx->out, "dry run: nothing is run or recorded\n");
	for (s = strbuf_str(&text); *s; s = *nl ? nl + 1 : nl) {
		nl = strchr(s, '\n');
		if (!nl)
			nl = s + strlen(s);
		strbuf_reset(&line);
		strbuf_add(&line, s, (size_t)(nl - s));
		on_note(DRILL_NOTE_STEP, strbuf_str(&line), ctx);
	}
	strbuf_done(&text);
	strbuf_done(&line);
}

static void summary(struct ctx *ctx, const struct drill_result *r)
{
	char a[DURATION_BUFSZ];

	if (r->recovered)
		fprintf(ctx->out, "recovery time: %.2fs (back between %.2fs and %.2fs; resolution %.2fs),"
				  " RTO %s: %s\n",
			r->recovery_ms / 1000.0, r->lower_ms / 1000.0, r->recovery_ms / 1000.0,
			(r->recovery_ms - r->lower_ms) / 1000.0, duration_format(r->rto_s, a),
			r->met_rto == 1 ? "met" : "missed");
	if (strcmp(r->state, "recovered"))
		fprintf(ctx->out, "drill %lld %s: %s\n", (long long)r->id, r->state,
			r->failure ? r->failure : "the system did not recover");
	else
		fprintf(ctx->out, "drill %lld recovered: %s\n", (long long)r->id,
			r->exit_status	     ? "it missed an objective"
			: r->met_rpo == 1 ? "it met the RTO and the RPO in force"
					  : "it met the RTO in force; the RPO was not judged (no data loss measured)");
}

static int confirm(struct ctx *ctx, const struct args *a, const struct drill_plan *p,
		   struct error *e)
{
	char line[16];

	if (arg(a, "yes"))
		return 0;
	if (!isatty(STDIN_FILENO))
		return error_set(e, ERR_USAGE, "a drill acts on the real system: confirm with --yes"
					       " (or run it on a terminal)");
	{
		struct strbuf sb = STRBUF_INIT;

		output_printable(&sb, p->command ? p->command : "");
		fprintf(ctx->out, "This %s drill of %s runs %s%s%s. It acts on the real system."
				  " Go ahead? [y/N] ", p->kind, p->system, p->command ? "/bin/sh -c '" : "",
			p->command ? strbuf_str(&sb) : "no command (recovery by hand)",
			p->command ? "'" : "");
		strbuf_done(&sb);
	}
	fflush(ctx->out);
	if (!fgets(line, sizeof(line), stdin) || (line[0] != 'y' && line[0] != 'Y'))
		return error_set(e, ERR_USAGE, "not confirmed: nothing was run");
	return 0;
}

static int run_run(struct ctx *ctx, struct args *a, struct error *e)
{
	struct drill_plan p = {0};
	struct drill_info info;
	struct drill *d;
	long healthy = 0;
	int64_t timeout = 0;
	int rc = 0, ready = 0;

	p.system = a->pos[0];
	p.kind = arg(a, "kind");
	p.command = arg(a, "command");
	p.verify = arg(a, "verify");
	p.abort = arg(a, "abort");
	if (arg_duration(a, "timeout", 0, &timeout, e) < 0 ||
	    arg_duration_ms(a, "every", &p.every_ms, e) < 0 ||
	    arg_int(a, "healthy", 1, 100, &healthy, e) < 0)
		return -1;
	p.timeout_ms = timeout * 1000;
	p.healthy = (int)healthy;
	if (drill_check(ctx->db, &p, &info, e) < 0)
		return -1;
	if (arg(a, "dry-run")) {
		dry_run(ctx, &p, &info);
		drill_info_done(&info);
		return 0;
	}
	if (confirm(ctx, a, &p, e) < 0) {
		drill_info_done(&info);
		return -1;
	}
	cmd_catch_signals();
	d = drill_start(ctx->db, &p, &info, on_note, ctx, e);
	drill_info_done(&info);
	if (!d) {
		cmd_release_signals();
		return -1;
	}
	while ((rc = drill_step(d, 100, cmd_signal_fd(), &ready, e)) == 0) {
		if (!ready)
			continue;
		ready = 0;
		for (rc = cmd_take_signals(); rc > 0; rc--)
			drill_interrupt(d);
	}
	cmd_release_signals();
	if (rc > 0) {
		summary(ctx, drill_result(d));
		rc = drill_result(d)->exit_status;
	}
	drill_free(d);
	return rc;
}

static const char list_table_sql[] =
	"SELECT d.id, d.system, d.kind, d.started, coalesce(duration(d.recovery_s), '-') AS recovery,"
	" coalesce(duration(d.data_loss_s), '-') AS data_loss, d.evidence,"
	" coalesce(d.state, '-') AS state, d.notes"
	" FROM v_drills d WHERE ?1 IS NULL OR d.system = ?1 ORDER BY d.started DESC, d.id DESC";
static const char list_data_sql[] =
	"SELECT d.id, s.name AS system, d.kind, d.started_at, d.recovered_at,"
	" v.recovery_s, d.data_loss_s, d.notes, v.evidence, d.state, v.recovery_ms,"
	" v.recovery_lower_ms, v.failure FROM drill d"
	" JOIN system s ON s.id = d.system_id JOIN v_drills v ON v.id = d.id"
	" WHERE ?1 IS NULL OR s.name = ?1 ORDER BY d.started_at DESC, d.id DESC";

static int run_list(struct ctx *ctx, struct args *a, struct error *e)
{
	return output_list(ctx, a, list_table_sql, list_data_sql, e);
}

const struct cmd cmd_drill[] = {
	{"add", "SYSTEM", "record a drill done elsewhere, with the times taken then", add_opts, 1, 1, run_add},
	{"run", "SYSTEM", "run a failover or restore drill and measure it", run_opts, 1, 1, run_run},
	{"list", "[SYSTEM]", "list drills, newest first", list_opts, 0, 1, run_list, NULL, CMD_READ},
	{NULL},
};

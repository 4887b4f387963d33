/*
 * cmd-notify.c - drtop notify add|list|show|test|remove|rule|log: who is told
 * of status changes, and how it went.
 *
 * The events themselves are written when status history is kept (probe,
 * status, report, the dashboard) and delivered by the prober that holds the
 * lease; these commands only keep the channels and rules and read the log.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "duration.h"
#include "notify-am.h"
#include "notify-mail.h"
#include "notify-send.h"
#include "notify.h"
#include "output.h"

#define RULE_OPTS                                                                                  \
	{"events", "KIND", "status (changes of status, the default), findings (a finding "          \
			   "appearing or clearing) or all", 0},                                     \
	{"severity", "LEVEL", "hear changes at WARN (default), UNKNOWN or BREACH and worse, "       \
			      "and back from them", 0},                                            \
	{"tier", "N[-M]", "only systems of these tiers (default 0-3)", 0},                          \
	{"finding", "NAME", "only changes whose worst finding, before or after, is NAME",          \
	 OPT_MULTI},                                                                               \
	{"system", "PATTERN", "only systems whose name matches PATTERN (* ? [...])", OPT_MULTI},   \
	{"remind", "DUR", "while a system it told of stays in BREACH, tell again this often", 0}

static const struct opt add_opts[] = {
	{"kind", "KIND", "webhook (HTTP POST of the event as JSON), exec (a command, the "
			 "event on its standard input), email (a plain-text mail through SMTP) or "
			 "alertmanager (alerts pushed to a Prometheus Alertmanager)", OPT_REQUIRED},
	{"url", "URL", "webhook: where to POST (http or https); email: the mail server, "
		       "smtp://HOST[:PORT] (25; 587 for submission) or smtps://HOST[:PORT] (465); "
		       "alertmanager: its base URL (http://HOST:9093)", 0},
	{"command", "CMD", "exec: the command, run by /bin/sh", 0},
	{"header", "'Name: value'", "webhook, alertmanager: send a header; ${VAR} is read from the environment "
				    "when sending and never stored (credentials must use it)", OPT_MULTI},
	{"shape", "SHAPE", "webhook: the body, drtop (the event, the default), slack or "
			   "mattermost (their incoming webhooks' {\"text\": ...}) or teams (a "
			   "Microsoft Teams Workflows webhook: an Adaptive Card)", 0},
	{"label", "NAME=VALUE", "alertmanager: a label of its own on every alert (env=prod)",
	 OPT_MULTI},
	{"from", "ADDR", "email: the sender's address", 0},
	{"to", "ADDR", "email: a recipient's address (at least one)", OPT_MULTI},
	{"tls", "MODE", "email with smtp://: starttls (required, the default), try (when the "
			"server offers it) or none (a relay on a trusted network); smtps:// is TLS "
			"from the start", 0},
	{"user", "NAME", "email: log in (SMTP AUTH, over TLS only) as NAME, which may name "
			 "${VARIABLES}", 0},
	{"password", "'${VAR}'", "email: the password, an environment variable read when "
				 "sending and never stored (a literal password is refused)", 0},
	{"cacert", "FILE", "email: trust the CA certificates in FILE (PEM) for the server's "
			   "certificate, in place of the system's", 0},
	{"timeout", "DUR", "give up on an attempt after this long (default 10s)", 0},
	{"attempts", "N", "attempts before a notification is failed (default 8)", 0},
	RULE_OPTS,
	{NULL},
};

static const struct opt rule_opts[] = {
	RULE_OPTS,
	{NULL},
};

static const struct opt list_opts[] = {
	{"format", "FMT", "table (default), json or csv", 0},
	{NULL},
};

static const struct opt log_opts[] = {
	{"channel", "NAME", "only this channel's notifications", 0},
	{"system", "NAME", "only this system's notifications", 0},
	{"state", "STATE", "only pending, in-flight, delivered, failed or suppressed ones", 0},
	{"limit", "N", "the newest N (default 50)", 0},
	{"format", "FMT", "table (default), json or csv", 0},
	{NULL},
};

static int rule_args(struct args *a, struct notify_rule *r, struct error *e)
{
	notify_rule_defaults(r);
	if (arg(a, "events"))
		r->events = arg(a, "events");
	if (arg(a, "severity"))
		r->min_severity = arg(a, "severity");
	if (arg(a, "tier") && notify_rule_tiers(r, arg(a, "tier"), e) < 0)
		return -1;
	if (arg(a, "finding"))
		r->findings = arg_all(a, "finding", &r->nfindings);
	if (arg(a, "system"))
		r->systems = arg_all(a, "system", &r->nsystems);
	if (arg_duration(a, "remind", 0, &r->remind_s, e) < 0)
		return -1;
	return notify_rule_check(r, e);
}

/* An email channel's options from its arguments into c->options (the caller
 * frees); any of them given to another kind is refused. */
static const char *const mail_opts[] = {"from", "to", "tls", "user", "password", "cacert", NULL};

static int mail_args(struct args *a, struct notify_channel *c, char **options, struct error *e)
{
	struct notify_mail_settings s = {0};
	size_t i;

	if (!c->kind || strcmp(c->kind, "email")) {
		for (i = 0; mail_opts[i]; i++)
			if (arg(a, mail_opts[i]))
				return error_set(e, ERR_USAGE, "--%s belongs to an email channel",
						 mail_opts[i]);
		return 0;
	}
	if (!c->target)
		return 0; /* notify_channel_check says what is missing */
	s.from = arg(a, "from");
	s.to = arg_all(a, "to", &s.nto);
	s.tls = arg(a, "tls");
	s.user = arg(a, "user");
	s.password = arg(a, "password");
	s.cacert = arg(a, "cacert");
	if (notify_mail_options(c->target, &s, options, e) < 0)
		return -1;
	c->options = *options;
	return 0;
}

static int run_add(struct ctx *ctx, struct args *a, struct error *e)
{
	struct notify_channel c;
	struct notify_rule r;
	char *options = NULL;
	size_t nlabels = 0;
	char **labels;
	long attempts;
	int rc;

	notify_channel_defaults(&c);
	c.name = a->pos[0];
	c.kind = arg(a, "kind");
	attempts = c.max_attempts;
	if (arg(a, "url") && arg(a, "command"))
		return error_set(e, ERR_USAGE, "drtop notify add: --url is for a webhook, email or "
					       "alertmanager, --command for exec: give one");
	if (c.kind && strcmp(c.kind, "exec") && arg(a, "command"))
		return error_set(e, ERR_USAGE, "drtop notify add: %s takes --url, not --command",
				 c.kind);
	if (c.kind && !strcmp(c.kind, "exec") && arg(a, "url"))
		return error_set(e, ERR_USAGE, "drtop notify add: exec takes --command, not --url");
	labels = arg_all(a, "label", &nlabels);
	if (nlabels && (!c.kind || strcmp(c.kind, "alertmanager")))
		return error_set(e, ERR_USAGE, "--label belongs to an alertmanager channel");
	c.target = arg(a, "url") ? arg(a, "url") : arg(a, "command");
	c.headers = arg_all(a, "header", &c.nheaders);
	if (arg(a, "shape"))
		c.shape = arg(a, "shape");
	if (arg_duration_ms(a, "timeout", &c.timeout_ms, e) < 0 ||
	    arg_int(a, "attempts", 1, 100, &attempts, e) < 0 || rule_args(a, &r, e) < 0)
		return -1;
	c.max_attempts = attempts;
	rc = mail_args(a, &c, &options, e);
	if (rc == 0 && c.kind && !strcmp(c.kind, "alertmanager")) {
		rc = notify_am_options(labels, nlabels, &options, e);
		c.options = options;
	}
	if (rc == 0 && (notify_channel_check(&c, e) < 0 || db_begin(ctx->db, e) < 0))
		rc = -1;
	if (rc == 0 && cmd_commit(ctx, notify_channel_add(ctx->db, &c, &r, e), e) < 0)
		rc = -1;
	free(options);
	if (rc < 0)
		return -1;
	fprintf(ctx->out, "added %s channel %s\n", c.kind, c.name);
	return 0;
}

static const char list_table_sql[] =
	"SELECT c.name, c.kind, c.target || coalesce(' to ' || (SELECT group_concat(value, ',')"
	"  FROM json_each(c.options, '$.to')), '') AS target, duration_ms(c.timeout_ms) AS timeout,"
	" c.max_attempts AS attempts,"
	" (SELECT count(*) FROM notify_rule r WHERE r.channel_id = c.id) AS rules,"
	" (SELECT count(*) FROM notify_outbox o WHERE o.channel_id = c.id"
	"  AND o.state IN ('pending', 'in-flight')) AS undelivered,"
	" (SELECT count(*) FROM notify_outbox o WHERE o.channel_id = c.id AND o.state = 'failed')"
	"  AS failed, CASE WHEN r.channel_id IS NOT NULL THEN 'FAILING' ELSE '-' END AS refresh,"
	" CASE c.enabled WHEN 1 THEN 'yes' ELSE 'no' END AS enabled"
	" FROM notify_channel c LEFT JOIN notify_refresh r ON r.channel_id = c.id ORDER BY c.name";
static const char list_data_sql[] =
	"SELECT c.name, c.kind, c.target, json(c.headers) AS headers, c.shape,"
	" json(c.options) AS options, c.timeout_ms,"
	" c.max_attempts, c.enabled,"
	" (SELECT count(*) FROM notify_outbox o WHERE o.channel_id = c.id"
	"  AND o.state IN ('pending', 'in-flight')) AS undelivered,"
	" (SELECT count(*) FROM notify_outbox o WHERE o.channel_id = c.id AND o.state = 'failed')"
	"  AS failed, r.last_error AS refresh_error, iso_time(r.failing_since) AS refresh_failing_since"
	" FROM notify_channel c LEFT JOIN notify_refresh r ON r.channel_id = c.id ORDER BY c.name";

static int run_list(struct ctx *ctx, struct args *a, struct error *e)
{
	return output_list(ctx, a, list_table_sql, list_data_sql, e);
}

static int run_show(struct ctx *ctx, struct args *a, struct error *e)
{
	sqlite3_stmt *st;
	int64_t id;
	int rc;

	if (notify_channel_id(ctx->db, a->pos[0], &id, e) < 0)
		return -1;
	st = db_prepare(ctx->db,
			"WITH c AS (SELECT * FROM notify_channel WHERE id = ?1), f(k, v) AS ("
			" SELECT 'channel', name FROM c UNION ALL SELECT 'kind', kind FROM c"
			" UNION ALL SELECT CASE kind WHEN 'exec' THEN 'command' ELSE 'url' END, target FROM c"
			" UNION ALL SELECT 'header', j.value FROM c, json_each(c.headers) j"
			" UNION ALL SELECT 'shape', shape FROM c WHERE kind = 'webhook'"
			" UNION ALL SELECT 'label', j.key || '=' || j.value FROM c,"
			"  json_each(c.options, '$.labels') j"
			/* options: lists joined; secrets are never in them, only their names */
			" UNION ALL SELECT j.key, CASE j.type WHEN 'array' THEN (SELECT"
			"  group_concat(value, ', ') FROM json_each(j.value)) ELSE j.value END"
			" FROM c, json_each(c.options) j WHERE j.key <> 'labels'"
			" UNION ALL SELECT 'enabled', CASE enabled WHEN 1 THEN 'yes' ELSE"
			"  'no (drtop notify enable ' || name || ')' END FROM c"
			" UNION ALL SELECT 'refresh', 'FAILING since ' || iso_time(r.failing_since) || ' ('"
			"  || r.failures || ' failed): ' || r.last_error FROM c JOIN notify_refresh r"
			"  ON r.channel_id = c.id"
			" UNION ALL SELECT 'timeout', duration_ms(timeout_ms) FROM c"
			" UNION ALL SELECT 'attempts', max_attempts FROM c"
			" UNION ALL SELECT 'added', iso_time(created_at) FROM c)"
			" SELECT printf('%-9s %s', k || ':', v) FROM f",
			e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	rc = output_rows(ctx, ctx->db, st, OUT_LIST, e);
	sqlite3_finalize(st);
	if (rc < 0 ||
	    output_section(ctx, "rules",
		      "SELECT id AS rule, events, min_severity AS severity,"
		      " tier_min || '-' || tier_max AS tiers,"
		      " coalesce((SELECT group_concat(value, ',') FROM json_each(findings)), '*')"
		      " AS findings,"
		      " coalesce((SELECT group_concat(value, ',') FROM json_each(systems)), '*')"
		      " AS systems, coalesce(duration(remind_s), '-') AS remind"
		      " FROM notify_rule WHERE channel_id = ?1 ORDER BY id",
		      id, e) < 0 ||
	    output_section(ctx, "notifications",
		      "SELECT s.state, count(o.id) AS count FROM (SELECT 'pending' AS state, 1 AS k"
		      " UNION ALL SELECT 'in-flight', 2 UNION ALL SELECT 'delivered', 3"
		      " UNION ALL SELECT 'failed', 4 UNION ALL SELECT 'suppressed', 5) s"
		      " LEFT JOIN notify_outbox o ON o.state = s.state AND o.channel_id = ?1"
		      " GROUP BY s.state ORDER BY s.k",
		      id, e) < 0)
		return -1;
	return 0;
}

static int run_test(struct ctx *ctx, struct args *a, struct error *e)
{
	if (notify_send_test(ctx->db, a->pos[0], e) < 0)
		return -1;
	fprintf(ctx->out, "delivered a test notification to %s\n", a->pos[0]);
	return 0;
}

static int run_remove(struct ctx *ctx, struct args *a, struct error *e)
{
	if (db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, notify_channel_remove(ctx->db, a->pos[0], e), e) < 0)
		return -1;
	fprintf(ctx->out, "removed channel %s\n", a->pos[0]);
	return 0;
}

static int run_rule_add(struct ctx *ctx, struct args *a, struct error *e)
{
	struct notify_rule r;
	int64_t id = 0;

	if (rule_args(a, &r, e) < 0 || db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, notify_rule_add(ctx->db, a->pos[0], &r, &id, e), e) < 0)
		return -1;
	fprintf(ctx->out, "added rule %lld to channel %s\n", (long long)id, a->pos[0]);
	return 0;
}

static const char rule_table_sql[] =
	"SELECT r.id AS rule, c.name AS channel, r.events, r.min_severity AS severity,"
	" r.tier_min || '-' || r.tier_max AS tiers,"
	" coalesce((SELECT group_concat(value, ',') FROM json_each(r.findings)), '*') AS findings,"
	" coalesce((SELECT group_concat(value, ',') FROM json_each(r.systems)), '*') AS systems,"
	" coalesce(duration(r.remind_s), '-') AS remind"
	" FROM notify_rule r JOIN notify_channel c ON c.id = r.channel_id"
	" WHERE ?1 IS NULL OR c.name = ?1 ORDER BY c.name, r.id";
static const char rule_data_sql[] =
	"SELECT r.id, c.name AS channel, r.events, r.min_severity, r.tier_min, r.tier_max,"
	" json(r.findings) AS findings, json(r.systems) AS systems, r.remind_s"
	" FROM notify_rule r JOIN notify_channel c ON c.id = r.channel_id"
	" WHERE ?1 IS NULL OR c.name = ?1 ORDER BY c.name, r.id";

static int run_rule_list(struct ctx *ctx, struct args *a, struct error *e)
{
	enum out_format f;
	sqlite3_stmt *st;
	int64_t id;
	int rc;

	if (output_format(arg(a, "format"), &f, e) < 0 ||
	    (a->npos && notify_channel_id(ctx->db, a->pos[0], &id, e) < 0))
		return -1;
	st = db_prepare(ctx->db, f == OUT_TABLE ? rule_table_sql : rule_data_sql, e);
	if (!st)
		return -1;
	db_bind_text(st, 1, a->npos ? a->pos[0] : NULL);
	rc = output_rows(ctx, ctx->db, st, f, e);
	sqlite3_finalize(st);
	return rc;
}

static int run_rule_rm(struct ctx *ctx, struct args *a, struct error *e)
{
	char *end;
	long long id = strtoll(a->pos[0], &end, 10);

	if (!*a->pos[0] || *end || id <= 0)
		return error_set(e, ERR_USAGE, "drtop notify rule rm: expected a rule id (see "
					       "'drtop notify rule list'), not '%s'", a->pos[0]);
	if (db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, notify_rule_remove(ctx->db, id, e), e) < 0)
		return -1;
	fprintf(ctx->out, "removed rule %lld\n", id);
	return 0;
}

#define LOG_WHERE                                                                                  \
	" WHERE (?1 IS NULL OR channel = ?1) AND (?2 IS NULL OR system = ?2)"                      \
	" AND (?3 IS NULL OR state = ?3) ORDER BY id DESC LIMIT ?4"
static const char log_table_sql[] =
	"SELECT id, created AS recorded, channel, system, CASE event WHEN 'finding' THEN change"
	" WHEN 'reminder' THEN 'still ' || status"
	" ELSE coalesce(previous_status, '-') || '>' || status END AS change,"
	" coalesce(finding, '') AS finding, state, attempts,"
	" coalesce(last_error, CASE WHEN affected <> '' THEN 'affects ' || affected END,"
	"  CASE WHEN cause IS NOT NULL THEN 'cause ' || cause END, '') AS note"
	" FROM v_notifications" LOG_WHERE;
static const char log_data_sql[] =
	"SELECT id, key, channel, channel_kind, system, event, previous_status, status, change,"
	" severity,"
	" finding, cause, affected, at, state, attempts, last_error, created_at, delivered_at"
	" FROM v_notifications" LOG_WHERE;

static int run_log(struct ctx *ctx, struct args *a, struct error *e)
{
	const char *state = arg(a, "state");
	long limit = 50;
	enum out_format f;
	sqlite3_stmt *st;
	int64_t id;
	int rc;

	if (output_format(arg(a, "format"), &f, e) < 0 || arg_int(a, "limit", 1, 1000000, &limit, e) < 0)
		return -1;
	if (state && strcmp(state, "pending") && strcmp(state, "in-flight") &&
	    strcmp(state, "delivered") && strcmp(state, "failed") && strcmp(state, "suppressed"))
		return error_set(e, ERR_DATA, "--state must be pending, in-flight, delivered, failed "
					      "or suppressed, not '%s'", state);
	if (arg(a, "channel") && notify_channel_id(ctx->db, arg(a, "channel"), &id, e) < 0)
		return -1;
	st = db_prepare(ctx->db, f == OUT_TABLE ? log_table_sql : log_data_sql, e);
	if (!st)
		return -1;
	db_bind_text(st, 1, arg(a, "channel"));
	db_bind_text(st, 2, arg(a, "system"));
	db_bind_text(st, 3, state);
	sqlite3_bind_int64(st, 4, limit);
	rc = output_rows(ctx, ctx->db, st, f, e);
	sqlite3_finalize(st);
	return rc;
}

static int enable(struct ctx *ctx, struct args *a, int on, struct error *e)
{
	sqlite3_stmt *st;
	int64_t waiting = 0;

	if (db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, notify_channel_enable(ctx->db, a->pos[0], on, e), e) < 0)
		return -1;
	st = db_prepare(ctx->db,
			"SELECT count(*) FROM notify_outbox o JOIN notify_channel c ON c.id = o.channel_id"
			" WHERE c.name = ?1 AND o.state IN ('pending', 'in-flight')",
			NULL);
	if (st) {
		db_bind_text(st, 1, a->pos[0]);
		if (sqlite3_step(st) == SQLITE_ROW)
			waiting = sqlite3_column_int64(st, 0);
		sqlite3_finalize(st);
	}
	fprintf(ctx->out, "%s channel %s%s", on ? "enabled" : "disabled", a->pos[0],
		on ? "" : ": it hears no events until it is enabled again");
	if (waiting)
		fprintf(ctx->out, "; %lld undelivered notification%s %s", (long long)waiting,
			waiting == 1 ? "" : "s",
			on ? "will be sent" : waiting == 1 ? "waits for it" : "wait for it");
	fputc('\n', ctx->out);
	return 0;
}

static int run_enable(struct ctx *ctx, struct args *a, struct error *e)
{
	return enable(ctx, a, 1, e);
}

static int run_disable(struct ctx *ctx, struct args *a, struct error *e)
{
	return enable(ctx, a, 0, e);
}

static const struct cmd rule_cmds[] = {
	{"add", "CHANNEL", "add a rule: which events the channel hears", rule_opts, 1, 1, run_rule_add},
	{"list", "[CHANNEL]", "list rules", list_opts, 0, 1, run_rule_list, NULL, CMD_READ},
	{"rm", "ID", "remove a rule", NULL, 1, 1, run_rule_rm},
	{NULL},
};

const struct cmd cmd_notify[] = {
	{"add", "NAME", "add a channel, with a first rule (default: every change at WARN and worse)",
	 add_opts, 1, 1, run_add},
	{"list", NULL, "list channels, with undelivered and failed notifications", list_opts, 0, 0,
	 run_list, NULL, CMD_READ},
	{"show", "NAME", "a channel, its rules and its notifications", NULL, 1, 1, run_show, NULL,
	 CMD_READ},
	{"test", "NAME", "send a test notification now and say whether it was delivered", NULL, 1,
	 1, run_test, NULL, CMD_READ},
	{"remove", "NAME", "remove a channel (its undelivered notifications are failed)", NULL, 1,
	 1, run_remove},
	{"rm", "NAME", "the same as remove", NULL, 1, 1, run_remove},
	{"disable", "NAME", "tell a channel nothing until it is enabled (its undelivered "
			    "notifications wait)", NULL, 1, 1, run_disable},
	{"enable", "NAME", "tell a disabled channel again", NULL, 1, 1, run_enable},
	{"rule", NULL, "rules: which channels hear which events", NULL, 0, 0, NULL, rule_cmds},
	{"log", NULL, "notifications, newest first, with their delivery", log_opts, 0, 0, run_log,
	 NULL, CMD_READ},
	{NULL},
};

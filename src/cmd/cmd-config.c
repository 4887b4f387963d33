/*
 * cmd-config.c - drtop config list|get|set: the settings the verdicts use.
 *
 * Each setting has a name, a kind and a check, in one table; values are
 * stored in the setting table (in seconds for durations) and audited.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "duration.h"
#include "inventory.h"
#include "output.h"
#include "util.h"

enum kind { K_DURATION, K_RATIO, K_COUNT, K_FLAG };

static const struct setting {
	const char *name, *key;
	enum kind kind;
	const char *help;
	int64_t max; /* a duration's largest value, in seconds; 0: none */
} settings[] = {
	{"window", "window_s", K_DURATION, "how far back outages count against the RTO (90d)"},
	{"rpo-near-ratio", "rpo_near_ratio", K_RATIO,
	 "share of the RPO above which the data lag warns (0.8)"},
	{"drill-max-age", "drill_max_age_s", K_DURATION,
	 "a system without a drill for this long warns (365d)"},
	{"backup-grace", "backup_grace_s", K_DURATION,
	 "how late a check-in may be, for schedules without their own grace (1h)"},
	{"backup-suspect-ratio", "backup_suspect_ratio", K_RATIO,
	 "share of the median size or duration of the last ten runs below which a run is suspect (0.5)"},
	{"outage-threshold", "outage_threshold", K_COUNT,
	 "consecutive failed probes that open an outage (2)"},
	{"retention", "retention_s", K_DURATION,
	 "how long raw probe results are kept; older ones live on as hourly rollups (4h)"},
	{"history", "history_s", K_DURATION,
	 "how long rollups, outages, check-ins, drills, status history and notifications are kept (400d)"},
	{"coverage-min", "coverage_min", K_RATIO,
	 "share of the window a system's endpoints must be watched, or evidence-gap warns (95%)"},
	{"future-skew", "future_skew_s", K_DURATION,
	 "how far past the probe's clock a recovery point may lie (5m)"},
	{"seal-every", "seal_every_s", K_DURATION,
	 "how long probe --watch may leave results out of the ledger before sealing them in one "
	 "batch entry, at most 1h, 0 at every write (1m)", 3600},
	{"anchor-log", "anchor_log_s", K_DURATION,
	 "how often probe --watch logs the ledger's head to syslog, 0 never (1h)"},
	{"notify-retry-max", "notify_retry_max_s", K_DURATION,
	 "the longest wait between two attempts at a notification (5m)"},
	{"notify-hold", "notify_hold_s", K_DURATION,
	 "how long a change of a system that depends on others waits, in case its cause shows (30s)"},
	{"notify-flap-changes", "notify_flap_changes", K_COUNT,
	 "a system whose status changes more often than this within notify-flap-window is held "
	 "back as flapping, with one notice, until it settles; 0 never (4)"},
	{"notify-flap-window", "notify_flap_window_s", K_DURATION,
	 "the window in which changes of status count as flapping, and a flapping system must keep "
	 "one status to settle (10m)"},
	{"notify-unwatched", "notify_unwatched_s", K_DURATION,
	 "a prober that starts after nobody probed for this long tells of that time, 0 never (5m)"},
	{"alertmanager-refresh", "notify_am_refresh_s", K_DURATION,
	 "how often the prober pushes firing alerts to alertmanager channels again (1m)"},
	{"require-reason", "require_reason", K_FLAG,
	 "changes of objectives, strategy or tier need --reason (no)"},
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static const struct setting *find(const char *name, struct error *e)
{
	struct strbuf known = STRBUF_INIT;
	size_t i;

	for (i = 0; i < NSETTINGS; i++)
		if (!strcmp(settings[i].name, name))
			return &settings[i];
	for (i = 0; i < NSETTINGS; i++)
		strbuf_printf(&known, "%s%s", i ? ", " : "", settings[i].name);
	error_set(e, ERR_DATA, "unknown setting '%s' (known: %s)", name, strbuf_str(&known));
	strbuf_done(&known);
	return NULL;
}

/* The stored value, shown as people write it. */
static char *shown(struct db *db, const struct setting *s)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT value FROM setting WHERE key = ?1", NULL);
	char *v = NULL, buf[DURATION_BUFSZ];

	if (!st)
		return xstrdup("?");
	sqlite3_bind_text(st, 1, s->key, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW) {
		const char *raw = (const char *)sqlite3_column_text(st, 0);

		v = xstrdup(s->kind == K_DURATION ? duration_format(atoll(raw), buf)
			    : s->kind == K_FLAG	  ? (strcmp(raw, "1") ? "no" : "yes")
						  : raw);
	}
	sqlite3_finalize(st);
	return v ? v : xstrdup("-");
}

static int run_list(struct ctx *ctx, struct args *a, struct error *e)
{
	size_t i;
	int w = 0;

	for (i = 0; i < NSETTINGS; i++)
		if ((int)strlen(settings[i].name) > w)
			w = (int)strlen(settings[i].name);
	for (i = 0; i < NSETTINGS; i++) {
		char *v = shown(ctx->db, &settings[i]);

		fprintf(ctx->out, "%-*s %-8s %s\n", w, settings[i].name, v, settings[i].help);
		free(v);
	}
	return 0;
}

static int run_get(struct ctx *ctx, struct args *a, struct error *e)
{
	const struct setting *s = find(a->pos[0], e);
	char *v;

	if (!s)
		return -1;
	v = shown(ctx->db, s);
	fprintf(ctx->out, "%s\n", v);
	free(v);
	return 0;
}

static int run_set(struct ctx *ctx, struct args *a, struct error *e)
{
	const struct setting *s = find(a->pos[0], e);
	const char *value = a->pos[1];
	char stored[64];
	sqlite3_stmt *st;

	if (!s)
		return -1;
	if (s->kind == K_DURATION) {
		int64_t secs;

		if (duration_parse(value,
				   !strcmp(s->key, "backup_grace_s") || !strcmp(s->key, "future_skew_s") ||
					   !strcmp(s->key, "anchor_log_s") || !strcmp(s->key, "notify_hold_s") ||
					   !strcmp(s->key, "seal_every_s") ||
					   !strcmp(s->key, "notify_unwatched_s")
					   ? DURATION_ZERO_OK
					   : 0,
				   &secs, e) < 0)
			return error_prefix(e, "%s", s->name);
		if (s->max && secs > s->max) {
			char most[DURATION_BUFSZ];

			return error_set(e, ERR_DATA, "%s: at most %s, not '%s'", s->name,
					 duration_format(s->max, most), value);
		}
		snprintf(stored, sizeof(stored), "%lld", (long long)secs);
	} else if (s->kind == K_RATIO) {
		char *end;
		double r = strtod(value, &end);

		if (*value && end != value && !strcmp(end, "%")) { /* 95% */
			r /= 100;
			end++;
		}
		if (!*value || *end || !(r > 0 && r < 1))
			return error_set(e, ERR_DATA,
					 "%s: expected a number between 0 and 1 or a percentage, not '%s'",
					 s->name, value);
		snprintf(stored, sizeof(stored), "%g", r);
	} else if (s->kind == K_FLAG) {
		if (strcmp(value, "yes") && strcmp(value, "no"))
			return error_set(e, ERR_DATA, "%s: expected yes or no, not '%s'", s->name,
					 value);
		snprintf(stored, sizeof(stored), "%s", strcmp(value, "yes") ? "0" : "1");
	} else {
		char *end;
		long n = strtol(value, &end, 10);

		int zero = !strcmp(s->key, "notify_flap_changes"); /* 0: never */

		if (!*value || *end || n < !zero || n > 100)
			return error_set(e, ERR_DATA, "%s: expected a whole number from %d to 100, not '%s'",
					 s->name, !zero, value);
		snprintf(stored, sizeof(stored), "%ld", n);
	}
	if (db_begin(ctx->db, e) < 0)
		return -1;
	st = db_prepare(ctx->db,
			"INSERT INTO setting (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE"
			" SET value = excluded.value WHERE value IS NOT excluded.value",
			e);
	if (!st) {
		db_rollback(ctx->db);
		return -1;
	}
	sqlite3_bind_text(st, 1, s->key, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, stored, -1, SQLITE_STATIC);
	if (cmd_commit(ctx, inventory_step(ctx->db, st, e), e) < 0)
		return -1;
	fprintf(ctx->out, "%s = %s\n", s->name, value);
	return 0;
}

const struct cmd cmd_config[] = {
	{"list", NULL, "list the settings with their values", NULL, 0, 0, run_list, NULL, CMD_READ},
	{"get", "KEY", "print one setting", NULL, 1, 1, run_get, NULL, CMD_READ},
	{"set", "KEY VALUE", "change a setting", NULL, 2, 2, run_set},
	{NULL},
};

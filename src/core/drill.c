/*
 * drill.c - see drill.h.
 */
#include "config.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "child.h"
#include "drill.h"
#include "duration.h"
#include "inventory.h"
#include "probe.h"
#include "prober.h"
#include "strbuf.h"
#include "util.h"
#include "when.h"

#define STEP_MAX_MS    100  /* the longest wait while commands run: their output is read between */
#define AFTER_EXTRA_MS 2000 /* the recovery point after: a probe's timeout and this */
#define WINDOW_EXTRA_S 60   /* the maintenance window reaches past the timeout by this */

struct health {
	int64_t id;
	int streak;                  /* consecutive successes that count */
	int64_t streak_ms, lower_ms; /* the first of them, and the probe before it */
	int64_t prev_ms;             /* the start of the latest probe */
};

struct fresh {
	int64_t id, timeout_ms;
	int before, after;         /* a result was had */
	int has_before, has_after; /* ... with a recovery point */
	int64_t data_before, data_after;
};

struct drill {
	struct db *db;
	char *system, *kind, *command, *verify, *abort;
	int64_t system_id, rto_s, rpo_s, timeout_ms, every_ms;
	int healthy;
	int64_t checkin_id, checkin_at;
	drill_note_fn fn;
	void *arg;
	struct prober *prober;
	char *systems[2];
	enum drill_phase phase;
	int64_t id, window_id;
	int64_t begin_ms; /* wall clock, when drill_start() ran */
	int64_t t0_ms;    /* the command's start (or the run's, without one) */
	int64_t deadline; /* monotonic: the limit of the phase at hand (before, after, abort) */
	int64_t end_by;   /* monotonic: --timeout, from the command's start (running, verify) */
	struct child cmd, ver, abo;
	int cmd_on, ver_on, abo_on; /* started (and not released) */
	int cmd_told;               /* its end was told */
	int seen_down;
	struct health *health;
	size_t nhealth;
	struct fresh *fresh;
	size_t nfresh;
	int recovered;
	int64_t recovered_ms, lower_ms, declared_ms;
	int64_t point_before, point_after; /* -1: unknown */
	int64_t restored_checkin_id;
	int interrupts;
	char *failure;
	const char *state;
	struct drill_result res;
};

static void note(struct drill *d, enum drill_note kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note(struct drill *d, enum drill_note kind, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (!d->fn)
		return;
	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	d->fn(kind, s, d->arg);
	free(s);
}

static char *dup_or_null(const char *s)
{
	return s && *s ? xstrdup(s) : NULL;
}

static void free_list(char **l)
{
	size_t i;

	for (i = 0; l && l[i]; i++)
		free(l[i]);
	free(l);
}

void drill_info_done(struct drill_info *info)
{
	free_list(info->health);
	free_list(info->freshness);
	memset(info, 0, sizeof(*info));
}

/* The enabled endpoints of KIND of the system, NULL-terminated (never NULL). */
static int urls(struct db *db, int64_t sys, const char *kind, char ***out, struct error *e)
{
	sqlite3_stmt *st =
	    db_prepare(db,
	               "SELECT url FROM endpoint WHERE system_id = ?1 AND kind = ?2 AND"
	               " enabled ORDER BY url",
	               e);
	size_t n = 0, cap = 0;
	char **l = NULL;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, sys);
	sqlite3_bind_text(st, 2, kind, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		l = xgrow(l, &cap, n + 2, sizeof(*l));
		l[n++] = db_column_strdup(st, 0);
	}
	sqlite3_finalize(st);
	l = xgrow(l, &cap, n + 1, sizeof(*l));
	l[n] = NULL;
	*out = l;
	return 0;
}

static char *hostname(void)
{
	char h[256];

	if (gethostname(h, sizeof(h)) < 0)
		return xstrdup("unknown");
	h[sizeof(h) - 1] = '\0';
	return xstrdup(h);
}

/* Is the drill recorded as running by RUNNER (user@host) in process PID still
 * going? Only a process of this host can be checked; another host's is taken
 * as running. */
static int still_running(const char *runner, int64_t pid)
{
	char *host = hostname();
	const char *at = runner ? strrchr(runner, '@') : NULL;
	int same = at && !strcmp(at + 1, host);

	free(host);
	if (!same || pid <= 0)
		return !same;
	return kill((pid_t)pid, 0) == 0 || errno != ESRCH;
}

static int check_running(struct db *db, const struct drill_plan *plan, struct drill_info *info,
                         struct error *e)
{
	sqlite3_stmt *st =
	    db_prepare(db,
	               "SELECT id, started_at, runner, pid FROM drill WHERE system_id = ?1"
	               " AND state = 'running' ORDER BY id",
	               e);
	int rc = 0;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, info->system_id);
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *runner = (const char *)sqlite3_column_text(st, 2);
		char when[WHEN_BUFSZ];

		if (!still_running(runner, sqlite3_column_int64(st, 3))) {
			info->stale_id = sqlite3_column_int64(st, 0);
			continue;
		}
		rc = error_set(
		    e, ERR_BUSY,
		    "a drill of '%s' is already running (drill %lld, started %s by %s, process"
		    " %lld); one drill of a system at a time",
		    plan->system, (long long)sqlite3_column_int64(st, 0),
		    when_format(sqlite3_column_int64(st, 1), when), runner ? runner : "?",
		    (long long)sqlite3_column_int64(st, 3));
	}
	sqlite3_finalize(st);
	return rc;
}

int drill_check(struct db *db, const struct drill_plan *plan, struct drill_info *info,
                struct error *e)
{
	sqlite3_stmt *st;
	int64_t skew = when_now() - when_real_now();
	char a[DURATION_BUFSZ], b[DURATION_BUFSZ], w[WHEN_BUFSZ];
	int rc, enabled = 0;

	memset(info, 0, sizeof(*info));
	if (skew > WHEN_SKEW_S || skew < -WHEN_SKEW_S)
		return error_set(e, ERR_USAGE,
		                 "a drill runs in real time, but the clock is set to %s by --now or"
		                 " DRTOP_NOW: run it without them",
		                 when_format(when_now(), w));
	if (strcmp(plan->kind, "failover") && strcmp(plan->kind, "restore"))
		return error_set(
		    e, ERR_USAGE,
		    "--kind: a drill that drtop runs is a failover or a restore, not '%s'"
		    " (a tabletop exercise is recorded with 'drtop drill add')",
		    plan->kind);
	if (inventory_system_id(db, plan->system, &info->system_id, e) < 0)
		return -1;
	if (inventory_text_check("--command", plan->command, e) < 0 ||
	    inventory_text_check("--verify", plan->verify, e) < 0 ||
	    inventory_text_check("--abort", plan->abort, e) < 0)
		return -1;
	st = db_prepare(db,
	                "SELECT o.rto_s, o.rpo_s, s.enabled FROM system s JOIN v_objectives_now o"
	                " ON o.system_id = s.id WHERE s.id = ?1",
	                e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, info->system_id);
	rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		info->rto_s = sqlite3_column_int64(st, 0);
		info->rpo_s = sqlite3_column_int64(st, 1);
		enabled = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_ROW)
		return rc == SQLITE_DONE
		           ? error_set(e, ERR_DATA, "system '%s' has no objectives in force",
		                       plan->system)
		           : db_fail(db, e, "reading the objectives");
	if (!enabled)
		return error_set(e, ERR_DATA, "system '%s' is disabled: enable it to drill it",
		                 plan->system);
	/* Options against the RTO: probes at most a twentieth of it apart. */
	info->every_ms = plan->every_ms ? plan->every_ms : DRILL_EVERY_MS;
	if (!plan->every_ms && info->every_ms > info->rto_s * 50)
		info->every_ms = info->rto_s * 50;
	if (info->every_ms < DRILL_EVERY_MIN_MS)
		info->every_ms = DRILL_EVERY_MIN_MS;
	if (plan->every_ms && plan->every_ms < DRILL_EVERY_MIN_MS)
		return error_set(e, ERR_USAGE, "--every must be at least %dms", DRILL_EVERY_MIN_MS);
	if (plan->every_ms && plan->every_ms > info->rto_s * 50)
		return error_set(
		    e, ERR_USAGE,
		    "--every %s is slower than a twentieth of the RTO (%s): the recovery"
		    " time would be known too roughly",
		    duration_format_ms(plan->every_ms, a), duration_format_ms(info->rto_s * 50, b));
	info->healthy = plan->healthy ? plan->healthy : DRILL_HEALTHY;
	info->timeout_ms = plan->timeout_ms ? plan->timeout_ms : 2 * info->rto_s * 1000;
	if (!plan->timeout_ms && info->timeout_ms < DRILL_TIMEOUT_MIN_MS)
		info->timeout_ms = DRILL_TIMEOUT_MIN_MS;
	if (urls(db, info->system_id, "health", &info->health, e) < 0 ||
	    urls(db, info->system_id, "freshness", &info->freshness, e) < 0)
		goto fail;
	if (!info->health[0]) {
		error_set(
		    e, ERR_DATA,
		    "system '%s' has no health endpoint: a drill measures the recovery by probing"
		    " one (add it with 'drtop endpoint add %s URL')",
		    plan->system, plan->system);
		goto fail;
	}
	st = db_prepare(db,
	                "SELECT id, at FROM checkin WHERE system_id = ?1 AND ok AND at <= ?2"
	                " ORDER BY at DESC, id DESC LIMIT 1",
	                e);
	if (!st)
		goto fail;
	sqlite3_bind_int64(st, 1, info->system_id);
	sqlite3_bind_int64(st, 2, when_real_now());
	if (sqlite3_step(st) == SQLITE_ROW) {
		info->checkin_id = sqlite3_column_int64(st, 0);
		info->checkin_at = sqlite3_column_int64(st, 1);
	}
	sqlite3_finalize(st);
	if (check_running(db, plan, info, e) < 0)
		goto fail;
	return 0;
fail:
	drill_info_done(info);
	return -1;
}

/* End maintenance window ID at AT (at least a second after its start). A window
 * is one per system, start and end: beside one that ends then, this one ends a
 * second later. */
static int close_window(struct db *db, int64_t id, int64_t at, struct error *e)
{
	sqlite3_stmt *up =
	    db_prepare(db,
	               "UPDATE OR IGNORE maintenance_window SET ends_at = max(starts_at + 1, ?2)"
	               " WHERE id = ?1 AND ends_at > max(starts_at + 1, ?2)",
	               e);
	sqlite3_stmt *open = db_prepare(db,
	                                "SELECT count(*) FROM maintenance_window WHERE id = ?1"
	                                " AND ends_at > max(starts_at + 1, ?2)",
	                                e);
	int tries, rc = 0, left = 1;

	for (tries = 0; up && open && left && tries < 60; tries++, at++) {
		sqlite3_bind_int64(up, 1, id);
		sqlite3_bind_int64(up, 2, at);
		sqlite3_bind_int64(open, 1, id);
		sqlite3_bind_int64(open, 2, at);
		if (sqlite3_step(up) != SQLITE_DONE || sqlite3_step(open) != SQLITE_ROW) {
			rc = db_fail(db, e, "closing the maintenance window");
			break;
		}
		/* still open: another window of its start ends then; try a second later */
		left = sqlite3_column_int(open, 0);
		sqlite3_reset(up);
		sqlite3_reset(open);
	}
	if (!up || !open)
		rc = -1;
	sqlite3_finalize(up);
	sqlite3_finalize(open);
	return rc;
}

static void describe_urls(struct strbuf *o, char **l, const char *kind)
{
	size_t i;

	for (i = 0; l[i]; i++)
		strbuf_printf(o, "%s%s (%s)", i ? ", " : "", l[i], kind);
}

void drill_describe(const struct drill_plan *p, const struct drill_info *in, struct strbuf *o)
{
	char a[DURATION_BUFSZ], b[DURATION_BUFSZ], w[WHEN_BUFSZ];
	int n = 1;

	strbuf_printf(o, "%s drill of %s; RTO %s and RPO %s in force\n", p->kind, p->system,
	              duration_format(in->rto_s, a), duration_format(in->rpo_s, b));
	if (in->stale_id)
		strbuf_printf(o, "%d. mark drill %lld aborted: the drtop that ran it is gone\n",
		              n++, (long long)in->stale_id);
	strbuf_printf(o,
	              "%d. record the drill as running and open a maintenance window for up to %s,"
	              " so that the outage it causes is planned\n",
	              n++, duration_format(in->timeout_ms / 1000 + WINDOW_EXTRA_S, a));
	strbuf_printf(o, "%d. recovery point before: ", n++);
	if (in->freshness[0]) {
		strbuf_puts(o, "probe ");
		describe_urls(o, in->freshness, "freshness");
	} else if (!strcmp(p->kind, "restore") && in->checkin_id) {
		strbuf_printf(o,
		              "the newest check-in (%lld, of %s), the backup a restore brings back",
		              (long long)in->checkin_id, when_format(in->checkin_at, w));
	} else {
		strbuf_printf(o, "not known (no freshness endpoint%s): data loss is not measured",
		              strcmp(p->kind, "restore") ? "" : ", no check-in");
	}
	if (p->command && *p->command)
		strbuf_printf(
		    o,
		    "\n%d. run the recovery command: /bin/sh -c '%s' (its output kept, the"
		    " last %d bytes)\n",
		    n++, p->command, CHILD_KEEP);
	else
		strbuf_printf(
		    o, "\n%d. no command: the clock starts and the system is recovered by hand\n",
		    n++);
	strbuf_printf(o, "%d. meanwhile probe every %s: ", n++,
	              duration_format_ms(in->every_ms, a));
	describe_urls(o, in->health, "health");
	strbuf_printf(
	    o,
	    "; recovered after %d consecutive successes of each, once the command ended or"
	    " the system was seen down\n",
	    in->healthy);
	if (p->verify && *p->verify)
		strbuf_printf(
		    o,
		    "%d. run the verify command: /bin/sh -c '%s'; the drill fails when it exits"
		    " non-zero\n",
		    n++, p->verify);
	if (in->freshness[0]) {
		strbuf_printf(o, "%d. recovery point after: probe ", n++);
		describe_urls(o, in->freshness, "freshness");
		strbuf_puts(o, "; data loss = the point before - the point after\n");
	}
	strbuf_printf(
	    o,
	    "%d. record the drill (measured), close the window; the status is 0 when it met the RTO"
	    " and RPO, 1 when it missed one, 2 when it failed\n",
	    n++);
	strbuf_printf(o, "on Ctrl-C or after %s: end the command's process group, ",
	              duration_format_ms(in->timeout_ms, a));
	if (p->abort && *p->abort)
		strbuf_printf(o, "run the abort command: /bin/sh -c '%s', ", p->abort);
	strbuf_puts(o, "record the drill as aborted (status 2)\n");
}

int drill_last_commands(struct db *db, const char *system, char **kind, char **command,
                        char **verify, char **abort, struct error *e)
{
	sqlite3_stmt *st;
	int64_t sys;

	*kind = *command = *verify = *abort = NULL;
	if (inventory_system_id(db, system, &sys, e) < 0)
		return -1;
	st = db_prepare(
	    db,
	    "SELECT kind, command, verify_command, abort_command FROM drill WHERE system_id = ?1"
	    " AND state IS NOT NULL ORDER BY id DESC LIMIT 1",
	    e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, sys);
	if (sqlite3_step(st) == SQLITE_ROW) {
		*kind = db_column_strdup(st, 0);
		*command = db_column_strdup(st, 1);
		*verify = db_column_strdup(st, 2);
		*abort = db_column_strdup(st, 3);
	}
	sqlite3_finalize(st);
	return 0;
}

/* Record the drill as running and open its window, in one transaction. */
static int record_start(struct drill *d, int64_t stale_id, struct error *e)
{
	char *runner = NULL, *host = hostname();
	const char *user = d->db->actor ? d->db->actor : "unknown";
	int64_t now = when_real_now(), busy = 0;
	sqlite3_stmt *st;
	char *reason;
	int rc = -1;

	if (db_begin(d->db, e) < 0) {
		free(host);
		return -1;
	}
	if (stale_id) {
		st = db_prepare(
		    d->db,
		    "UPDATE drill SET state = 'aborted', ended_at = ?2, pid = NULL, failure ="
		    " 'its drtop process ended before the drill did' WHERE id = ?1 AND state = "
		    "'running'",
		    e);
		if (!st)
			goto out;
		sqlite3_bind_int64(st, 1, stale_id);
		sqlite3_bind_int64(st, 2, now);
		if (inventory_step(d->db, st, e) < 0)
			goto out;
		/* ... and its window, which it named, closes now */
		st = db_prepare(d->db,
		                "SELECT id FROM maintenance_window WHERE system_id = ?1 AND"
		                " reason GLOB 'drill ' || ?2 || ' (*)'",
		                e);
		if (!st)
			goto out;
		sqlite3_bind_int64(st, 1, d->system_id);
		sqlite3_bind_int64(st, 2, stale_id);
		busy = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
		if (busy && close_window(d->db, busy, now, e) < 0)
			goto out;
		busy = 0;
	}
	/* Again inside the transaction: two drills started at once. */
	st = db_prepare(d->db,
	                "SELECT count(*) FROM drill WHERE system_id = ?1 AND state = 'running'", e);
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, d->system_id);
	if (sqlite3_step(st) == SQLITE_ROW)
		busy = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	if (busy) {
		error_set(e, ERR_BUSY,
		          "a drill of '%s' is already running; one drill of a system at a time",
		          d->system);
		goto out;
	}
	runner = xasprintf("%s@%s", user, host);
	st = db_prepare(
	    d->db,
	    "INSERT INTO drill (system_id, kind, started_at, recovered_at, notes, created_at,"
	    " state, started_ms, command, verify_command, abort_command, runner, pid)"
	    " VALUES (?1, ?2, ?3, ?3, '', ?3, 'running', ?4, ?5, ?6, ?7, ?8, ?9)",
	    e);
	if (!st)
		goto out;
	sqlite3_bind_int64(st, 1, d->system_id);
	sqlite3_bind_text(st, 2, d->kind, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, now);
	sqlite3_bind_int64(st, 4, d->begin_ms);
	db_bind_text(st, 5, d->command);
	db_bind_text(st, 6, d->verify);
	db_bind_text(st, 7, d->abort);
	db_bind_text(st, 8, runner);
	sqlite3_bind_int64(st, 9, (int64_t)getpid());
	if (inventory_step(d->db, st, e) < 0)
		goto out;
	d->id = sqlite3_last_insert_rowid(d->db->h);
	/* The window: its own row, even beside another of the same second (a
	 * window is one per system, start and end: this one ends a little later). */
	reason = xasprintf("drill %lld (%s)", (long long)d->id, d->kind);
	st = db_prepare(
	    d->db,
	    "INSERT INTO maintenance_window (system_id, starts_at, ends_at, reason, created_at)"
	    " VALUES (?1, ?2, ?3 + (SELECT count(*) FROM maintenance_window WHERE system_id = ?1"
	    " AND starts_at = ?2 AND ends_at >= ?3), ?4, ?2)",
	    e);
	if (st) {
		sqlite3_bind_int64(st, 1, d->system_id);
		sqlite3_bind_int64(st, 2, now);
		sqlite3_bind_int64(st, 3, now + d->timeout_ms / 1000 + WINDOW_EXTRA_S);
		sqlite3_bind_text(st, 4, reason, -1, free);
	} else {
		free(reason);
	}
	if (!st || inventory_step(d->db, st, e) < 0)
		goto out;
	d->window_id = sqlite3_last_insert_rowid(d->db->h);
	rc = db_commit(d->db, e);
out:
	if (rc < 0)
		db_rollback(d->db);
	free(runner);
	free(host);
	return rc;
}

static struct health *health_of(struct drill *d, int64_t id)
{
	size_t i;

	for (i = 0; i < d->nhealth; i++)
		if (d->health[i].id == id)
			return &d->health[i];
	d->health = xrealloc(d->health, (d->nhealth + 1) * sizeof(*d->health));
	memset(&d->health[d->nhealth], 0, sizeof(*d->health));
	d->health[d->nhealth].id = id;
	return &d->health[d->nhealth++];
}

static struct fresh *fresh_of(struct drill *d, int64_t id)
{
	size_t i;

	for (i = 0; i < d->nfresh; i++)
		if (d->fresh[i].id == id)
			return &d->fresh[i];
	return NULL;
}

/* Has every freshness endpoint answered before the command (AFTER: after the recovery)? */
static int fresh_all(const struct drill *d, int after)
{
	size_t i;

	for (i = 0; i < d->nfresh; i++)
		if (!(after ? d->fresh[i].after : d->fresh[i].before))
			return 0;
	return 1;
}

/* How long to wait, from FROM (monotonic), for an answer of every freshness
 * endpoint: the longest timeout of theirs and a little. */
static int64_t fresh_deadline(const struct drill *d, int64_t from)
{
	int64_t longest = 0;
	size_t i;

	for (i = 0; i < d->nfresh; i++)
		if (d->fresh[i].timeout_ms > longest)
			longest = d->fresh[i].timeout_ms;
	return from + longest + AFTER_EXTRA_MS;
}

static int64_t since_ms(const struct drill *d, int64_t at_ms)
{
	return at_ms - (d->t0_ms ? d->t0_ms : d->begin_ms);
}

/* Has every health endpoint had its run of successes? Then the recovery is the
 * latest first success of them, bounded below by the probe before it. */
static void check_recovered(struct drill *d)
{
	size_t i;
	int64_t at = 0, lower = 0;

	if (d->recovered || !d->nhealth)
		return;
	for (i = 0; i < d->nhealth; i++) {
		if (d->health[i].streak < d->healthy)
			return;
		if (d->health[i].streak_ms > at) {
			at = d->health[i].streak_ms;
			lower = d->health[i].lower_ms;
		}
	}
	d->recovered = 1;
	d->recovered_ms = at;
	d->lower_ms = lower < d->t0_ms ? d->t0_ms : lower;
	d->declared_ms = probe_now_ms();
	note(d, DRILL_NOTE_STEP,
	     "recovered: %d healthy probes from %.2fs after the start (back between %.2fs and "
	     "%.2fs)",
	     d->healthy, (at - d->t0_ms) / 1000.0, (d->lower_ms - d->t0_ms) / 1000.0,
	     (at - d->t0_ms) / 1000.0);
}

static void on_probe(const struct prober_endpoint *ep, const struct probe_result *r, void *arg)
{
	struct drill *d = arg;
	char when[WHEN_BUFSZ];
	struct fresh *f;

	if (r->unprobed) { /* drtop's own want, no word on the system */
		note(d, DRILL_NOTE_PROBE, "%+.1fs %s %s", since_ms(d, r->started_ms) / 1000.0, ep->url,
		     r->error);
		return;
	}
	if (r->ok && ep->health)
		note(d, DRILL_NOTE_PROBE, "%+.1fs %s up (%ld, %lld ms)",
		     since_ms(d, r->started_ms) / 1000.0, ep->url, r->status,
		     (long long)r->latency_ms);
	else if (r->ok && r->has_data_time)
		note(d, DRILL_NOTE_PROBE, "%+.1fs %s data of %s",
		     since_ms(d, r->started_ms) / 1000.0, ep->url, when_format(r->data_time, when));
	else
		note(d, DRILL_NOTE_PROBE, "%+.1fs %s down (%s)",
		     since_ms(d, r->started_ms) / 1000.0, ep->url, r->error ? r->error : "failed");
	if (!ep->health) {
		if (!(f = fresh_of(d, ep->id)))
			return;
		if (d->phase == DRILL_BEFORE && !f->before) {
			f->before = 1;
			f->has_before = r->ok && r->has_data_time;
			f->data_before = r->data_time;
		} else if (d->recovered && r->started_ms >= d->declared_ms && !f->after) {
			f->after = 1;
			f->has_after = r->ok && r->has_data_time;
			f->data_after = r->data_time;
		}
		return;
	}
	if (d->phase != DRILL_RUNNING || r->started_ms < d->t0_ms || d->recovered) {
		health_of(d, ep->id)->prev_ms = r->started_ms;
		return;
	}
	{
		struct health *h = health_of(d, ep->id);
		/* Successes count once the system was seen down or the command ended. */
		int counts = d->seen_down ||
		             (d->cmd_on && d->cmd.exited && r->started_ms >= d->cmd.ended_ms);

		if (!r->ok) {
			d->seen_down = 1;
			h->streak = 0;
		} else if (counts) {
			if (!h->streak) {
				h->streak_ms = r->started_ms;
				h->lower_ms = h->prev_ms;
			}
			h->streak++;
		} else {
			h->streak = 0;
		}
		h->prev_ms = r->started_ms;
	}
	check_recovered(d);
}

static void on_output(const char *line, void *arg)
{
	note(arg, DRILL_NOTE_OUTPUT, "%s", line);
}

struct drill *drill_start(struct db *db, const struct drill_plan *plan,
                          const struct drill_info *info, drill_note_fn fn, void *arg,
                          struct error *e)
{
	struct drill *d = xcalloc(1, sizeof(*d));
	struct prober_options po = {0};
	const struct prober_endpoint *eps;
	size_t n, i;
	char a[DURATION_BUFSZ], b[DURATION_BUFSZ], c[DURATION_BUFSZ];

	d->db = db;
	d->system = xstrdup(plan->system);
	d->kind = xstrdup(plan->kind);
	d->command = dup_or_null(plan->command);
	d->verify = dup_or_null(plan->verify);
	d->abort = dup_or_null(plan->abort);
	d->system_id = info->system_id;
	d->rto_s = info->rto_s;
	d->rpo_s = info->rpo_s;
	d->timeout_ms = info->timeout_ms;
	d->every_ms = info->every_ms;
	d->healthy = info->healthy;
	d->checkin_id = info->checkin_id;
	d->checkin_at = info->checkin_at;
	d->fn = fn;
	d->arg = arg;
	d->point_before = d->point_after = -1;
	d->begin_ms = probe_now_ms();
	d->systems[0] = d->system;
	po.systems = d->systems;
	po.every_ms = d->every_ms;
	po.no_history = 1; /* a read of every system's verdict would hold up the probes */
	if (!(d->prober = prober_new(db, &po, on_probe, d, e)))
		goto fail;
	eps = prober_endpoints(d->prober, &n);
	for (i = 0; i < n; i++) {
		if (eps[i].health) {
			health_of(d, eps[i].id);
			continue;
		}
		d->fresh = xrealloc(d->fresh, (d->nfresh + 1) * sizeof(*d->fresh));
		memset(&d->fresh[d->nfresh], 0, sizeof(*d->fresh));
		d->fresh[d->nfresh].id = eps[i].id;
		d->fresh[d->nfresh++].timeout_ms = eps[i].timeout_ms;
	}
	if (record_start(d, info->stale_id, e) < 0)
		goto fail;
	note(d, DRILL_NOTE_STEP, "drill %lld of %s (%s): RTO %s, RPO %s; probing every %s",
	     (long long)d->id, d->system, d->kind, duration_format(d->rto_s, a),
	     duration_format(d->rpo_s, b), duration_format_ms(d->every_ms, c));
	note(d, DRILL_NOTE_STEP,
	     "maintenance window %lld open: the outage the drill causes is planned",
	     (long long)d->window_id);
	d->phase = DRILL_BEFORE;
	d->deadline = fresh_deadline(d, prober_clock_ms());
	return d;
fail:
	drill_free(d);
	return NULL;
}

void drill_interrupt(struct drill *d)
{
	d->interrupts++;
}

enum drill_phase drill_phase(const struct drill *d)
{
	return d->phase;
}

int64_t drill_elapsed_ms(const struct drill *d)
{
	return since_ms(d, probe_now_ms());
}

int64_t drill_id(const struct drill *d)
{
	return d->id;
}

const struct drill_result *drill_result(const struct drill *d)
{
	return d->phase == DRILL_DONE ? &d->res : NULL;
}

static int run(struct drill *d, struct child *c, int *on, const char *what, const char *command)
{
	struct error e = {0};
	char *env[5];
	int rc, i;

	env[0] = xasprintf("DRTOP_DRILL_ID=%lld", (long long)d->id);
	env[1] = xasprintf("DRTOP_DRILL_SYSTEM=%s", d->system);
	env[2] = xasprintf("DRTOP_DRILL_KIND=%s", d->kind);
	env[3] = xasprintf("DRTOP_DRILL_STEP=%s", what);
	env[4] = NULL;
	note(d, DRILL_NOTE_STEP, "running the %s command: /bin/sh -c '%s'", what, command);
	rc = child_start(c, command, env, on_output, d, &e);
	for (i = 0; env[i]; i++)
		free(env[i]);
	*on = rc == 0;
	if (!*on) {
		note(d, DRILL_NOTE_STEP, "%s", e.msg);
		free(d->failure);
		d->failure = xasprintf("the %s command could not be started: %s", what, e.msg);
		error_done(&e);
		return -1;
	}
	return 0;
}

static void set_failure(struct drill *d, const char *state, char *failure)
{
	d->state = state;
	free(d->failure);
	d->failure = failure;
}

/* Move to aborting: end what runs; the abort command follows once it ended. */
static void begin_abort(struct drill *d, char *why)
{
	note(d, DRILL_NOTE_STEP, "aborting: %s", why);
	set_failure(d, "aborted", why);
	if (d->cmd_on && !d->cmd.exited)
		child_kill(&d->cmd);
	if (d->ver_on && !d->ver.exited)
		child_kill(&d->ver);
	d->phase = DRILL_ABORTING;
	d->deadline = prober_clock_ms() + d->timeout_ms;
}

static int64_t max_data(const struct drill *d, int after, int *found)
{
	int64_t best = 0;
	size_t i;

	*found = 0;
	for (i = 0; i < d->nfresh; i++) {
		int has = after ? d->fresh[i].has_after : d->fresh[i].has_before;
		int64_t t = after ? d->fresh[i].data_after : d->fresh[i].data_before;

		if (has && (!*found || t > best))
			best = t;
		*found |= has;
	}
	return best;
}

static void end_before(struct drill *d)
{
	char when[WHEN_BUFSZ];
	int found;
	int64_t t = max_data(d, 0, &found);

	if (found) {
		d->point_before = t;
		note(d, DRILL_NOTE_STEP, "recovery point before: %s (freshness probe)",
		     when_format(t, when));
	} else if (d->nfresh) {
		note(d, DRILL_NOTE_STEP,
		     "recovery point before: not known (the freshness probe found none)");
	} else if (!strcmp(d->kind, "restore") && d->checkin_id) {
		note(d, DRILL_NOTE_STEP,
		     "recovery point: check-in %lld of %s, the backup to restore",
		     (long long)d->checkin_id, when_format(d->checkin_at, when));
	} else {
		note(d, DRILL_NOTE_STEP,
		     "recovery point before: not known (no freshness endpoint%s)",
		     strcmp(d->kind, "restore") ? "" : " and no check-in");
	}
	d->phase = DRILL_RUNNING;
	d->end_by = prober_clock_ms() + d->timeout_ms;
	if (d->command) {
		if (run(d, &d->cmd, &d->cmd_on, "recovery", d->command) < 0) {
			d->state = "failed";
			d->phase = DRILL_DONE; /* recorded by the caller's step */
			return;
		}
		d->t0_ms = d->cmd.started_ms;
	} else {
		d->t0_ms = probe_now_ms();
		note(d, DRILL_NOTE_STEP, "no command: recover the system by hand; the clock runs");
	}
	/* Restore without a freshness endpoint: the system comes back with the
	 * restored backup, and loses what was written since. */
	if (!d->nfresh && !strcmp(d->kind, "restore") && d->checkin_id) {
		d->point_before = d->t0_ms / 1000;
		d->point_after = d->checkin_at;
		d->restored_checkin_id = d->checkin_id;
	}
}

/* The verify command, or the end. */
static void after_recovery(struct drill *d)
{
	if (d->verify) {
		d->phase = DRILL_VERIFY;
		if (run(d, &d->ver, &d->ver_on, "verify", d->verify) < 0) {
			d->state = "failed";
			d->phase = DRILL_DONE;
		}
		return;
	}
	d->state = "recovered";
	d->phase = DRILL_DONE;
}

static const char finish_sql[] =
    "UPDATE drill SET state = ?2, started_at = ?3, recovered_at = ?4, started_ms = ?5,"
    " recovered_ms = ?6, recovered_lower_ms = ?7, ended_at = ?8, failure = ?9,"
    " command_status = ?10, command_output = ?11, verify_status = ?12, verify_output = ?13,"
    " abort_status = ?14, recovery_point_before = ?15, recovery_point_after = ?16,"
    " restored_checkin_id = ?17, data_loss_s = ?18, pid = NULL WHERE id = ?1";

static void bind_child(sqlite3_stmt *st, int i, const struct child *c, int on, int with_output)
{
	char *out;

	if (!on)
		return;
	if (c->exited)
		sqlite3_bind_int(st, i, c->status);
	if (with_output) {
		out = child_output(c);
		sqlite3_bind_text(st, i + 1, out, -1, free);
	}
}

/* Record the end, close the window, and judge it. */
static int finish(struct drill *d, struct error *e)
{
	int64_t now = when_real_now(), t0 = d->t0_ms ? d->t0_ms : d->begin_ms, loss = -1;
	sqlite3_stmt *st;
	int found, rc;
	char a[DURATION_BUFSZ], b[DURATION_BUFSZ], when[WHEN_BUFSZ];

	if (prober_stop(d->prober, 1000, e) < 0)
		return -1;
	if (d->nfresh && d->recovered) {
		int64_t t = max_data(d, 1, &found);

		if (found) {
			d->point_after = t;
			note(d, DRILL_NOTE_STEP, "recovery point after: %s (freshness probe)",
			     when_format(t, when));
		} else {
			note(d, DRILL_NOTE_STEP,
			     "recovery point after: not known (the freshness probe found none)");
		}
	}
	if (d->point_before >= 0 && d->point_after >= 0 && (d->recovered || d->restored_checkin_id))
		loss = d->point_before > d->point_after ? d->point_before - d->point_after : 0;
	if (db_begin(d->db, e) < 0)
		return -1;
	if (!(st = db_prepare(d->db, finish_sql, e)))
		goto undo;
	sqlite3_bind_int64(st, 1, d->id);
	sqlite3_bind_text(st, 2, d->state, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, t0 / 1000);
	sqlite3_bind_int64(
	    st, 4, d->recovered ? d->recovered_ms / 1000 : (now > t0 / 1000 ? now : t0 / 1000));
	sqlite3_bind_int64(st, 5, t0);
	if (d->recovered) {
		sqlite3_bind_int64(st, 6, d->recovered_ms);
		sqlite3_bind_int64(st, 7, d->lower_ms);
	}
	sqlite3_bind_int64(st, 8, now);
	db_bind_text(st, 9, d->failure);
	bind_child(st, 10, &d->cmd, d->cmd_on, 1);
	bind_child(st, 12, &d->ver, d->ver_on, 1);
	bind_child(st, 14, &d->abo, d->abo_on, 0);
	if (d->point_before >= 0)
		sqlite3_bind_int64(st, 15, d->point_before);
	if (d->point_after >= 0)
		sqlite3_bind_int64(st, 16, d->point_after);
	if (d->restored_checkin_id)
		sqlite3_bind_int64(st, 17, d->restored_checkin_id);
	if (loss >= 0)
		sqlite3_bind_int64(st, 18, loss);
	if (inventory_step(d->db, st, e) < 0)
		goto undo;
	if (close_window(d->db, d->window_id, now + 1, e) < 0 || db_commit(d->db, e) < 0)
		goto undo;
	note(d, DRILL_NOTE_STEP, "maintenance window %lld closed", (long long)d->window_id);
	/* The verdict: the objectives in force when it began. */
	st = db_prepare(
	    d->db,
	    "SELECT coalesce(met_rto, -1), coalesce(met_rpo, -1) FROM v_drills WHERE id = ?1", e);
	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, d->id);
	rc = sqlite3_step(st);
	d->res.met_rto = rc == SQLITE_ROW ? sqlite3_column_int(st, 0) : -1;
	d->res.met_rpo = rc == SQLITE_ROW ? sqlite3_column_int(st, 1) : -1;
	sqlite3_finalize(st);
	d->res.id = d->id;
	d->res.state = d->state;
	d->res.failure = d->failure;
	d->res.recovered = d->recovered;
	d->res.recovery_ms = d->recovered ? d->recovered_ms - t0 : -1;
	d->res.lower_ms = d->recovered ? d->lower_ms - t0 : -1;
	d->res.data_loss_s = loss;
	d->res.rto_s = d->rto_s;
	d->res.rpo_s = d->rpo_s;
	if (strcmp(d->state, "recovered"))
		d->res.exit_status = 2;
	else
		d->res.exit_status = d->res.met_rto == 0 || d->res.met_rpo == 0 ? 1 : 0;
	if (loss < 0)
		note(d, DRILL_NOTE_STEP, "data loss: not measured%s",
		     d->nfresh || !strcmp(d->kind, "restore")
		         ? ""
		         : " (the system has no freshness endpoint)");
	else
		note(d, DRILL_NOTE_STEP, "data loss: %s (RPO %s)", duration_format(loss, a),
		     duration_format(d->rpo_s, b));
	d->phase = DRILL_DONE;
	return 1;
undo:
	db_rollback(d->db);
	return -1;
}

/* The children's news, and what it moves. */
static void advance(struct drill *d)
{
	int64_t now = prober_clock_ms();
	char a[DURATION_BUFSZ];

	if (d->cmd_on)
		child_poll(&d->cmd);
	if (d->ver_on)
		child_poll(&d->ver);
	if (d->abo_on)
		child_poll(&d->abo);
	if (d->interrupts && d->phase != DRILL_ABORTING && d->phase != DRILL_DONE) {
		begin_abort(d, xstrdup("interrupted"));
		return;
	}
	if ((d->phase == DRILL_RUNNING || d->phase == DRILL_VERIFY) && now >= d->end_by) {
		begin_abort(d, xasprintf("timed out after %s", duration_format_ms(d->timeout_ms, a)));
		return;
	}
	switch (d->phase) {
	case DRILL_BEFORE:
		if (fresh_all(d, 0) || now >= d->deadline)
			end_before(d);
		break;
	case DRILL_RUNNING:
		if (d->cmd_on && d->cmd.exited && d->cmd.fd < 0 && !d->cmd.killed &&
		    d->cmd.status && !d->failure) {
			note(d, DRILL_NOTE_STEP, "the recovery command exited %d", d->cmd.status);
			set_failure(d, "failed",
			            xasprintf("the recovery command exited %d", d->cmd.status));
			d->phase = DRILL_DONE;
			break;
		}
		if (d->cmd_on && d->cmd.exited && d->cmd.fd < 0 && !d->cmd_told) {
			d->cmd_told = 1;
			note(d, DRILL_NOTE_STEP, "the recovery command exited 0 after %.2fs",
			     (d->cmd.ended_ms - d->t0_ms) / 1000.0);
		}
		if (!d->recovered || (d->cmd_on && (!d->cmd.exited || d->cmd.fd >= 0)))
			break;
		if (d->nfresh) {
			d->phase = DRILL_AFTER; /* the next freshness probe, at most */
			d->deadline = fresh_deadline(d, now + d->every_ms);
		} else {
			after_recovery(d);
		}
		break;
	case DRILL_AFTER:
		if (fresh_all(d, 1) || now >= d->deadline)
			after_recovery(d);
		break;
	case DRILL_VERIFY:
		if (!d->ver.exited || d->ver.fd >= 0)
			break;
		note(d, DRILL_NOTE_STEP, "the verify command exited %d", d->ver.status);
		if (d->ver.status)
			set_failure(d, "failed",
			            xasprintf("the verify command exited %d", d->ver.status));
		else
			d->state = "recovered";
		d->phase = DRILL_DONE;
		break;
	case DRILL_ABORTING:
		if ((d->cmd_on && !d->cmd.exited) || (d->ver_on && !d->ver.exited))
			break; /* SIGKILL follows SIGTERM */
		/* Nothing to undo when the recovery command never started. */
		if (d->abort && d->cmd_on && !d->abo_on && !d->abo.exited) {
			if (run(d, &d->abo, &d->abo_on, "abort", d->abort) < 0)
				d->abo.exited = 1; /* could not start: nothing to wait for */
			d->deadline = now + d->timeout_ms;
			break;
		}
		if (d->abo_on && !d->abo.killed && (d->interrupts > 1 || now >= d->deadline))
			child_kill(&d->abo);
		if (d->abo_on && (!d->abo.exited || d->abo.fd >= 0))
			break;
		if (d->abo_on)
			note(d, DRILL_NOTE_STEP, "the abort command exited %d", d->abo.status);
		d->phase = DRILL_DONE;
		break;
	case DRILL_DONE:
		break;
	}
}

int drill_step(struct drill *d, int wait_ms, int extra_fd, int *extra_ready, struct error *e)
{
	enum drill_phase was;

	if (d->res.id)
		return 1;
	if (wait_ms > STEP_MAX_MS)
		wait_ms = STEP_MAX_MS;
	advance(d);
	if (d->phase != DRILL_DONE && prober_step(d->prober, wait_ms, extra_fd, extra_ready, e) < 0)
		return -1;
	do {
		was = d->phase;
		advance(d);
	} while (d->phase != was && d->phase != DRILL_DONE);
	if (d->phase != DRILL_DONE)
		return 0;
	if (!d->state)
		d->state = "failed";
	return finish(d, e);
}

void drill_free(struct drill *d)
{
	if (!d)
		return;
	if (d->cmd_on)
		child_done(&d->cmd);
	if (d->ver_on)
		child_done(&d->ver);
	if (d->abo_on)
		child_done(&d->abo);
	prober_free(d->prober);
	free(d->health);
	free(d->fresh);
	free(d->failure);
	free(d->system);
	free(d->kind);
	free(d->command);
	free(d->verify);
	free(d->abort);
	free(d);
}

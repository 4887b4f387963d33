/*
 * tui.c - the dashboard: one loop, one thread.
 *
 * The loop waits in curl_multi_poll (through prober_step) with the terminal
 * as the extra descriptor, so keys and probes are served together. It probes
 * only while it holds the database's probing lease, the one `drtop probe
 * --watch` takes: when another dashboard or a watcher holds it, or in
 * --readonly, it only reads (and takes the lease when it is free again). The board (core/board.c: the verdict views) is re-read every
 * few seconds and after every change, so edits made elsewhere appear too.
 * Screens: the list (worst first), a system's detail with its what-if, the
 * help generated from the key table. Pop-ups (prompts, questions, menus,
 * forms: modal.c) are states of the same loop, never a key loop of their
 * own: while one is open the loop still probes, ticks the clock and redraws
 * the screen behind it, and hands it the keys.
 */
#include "config.h"

#include <curses.h>
#include <errno.h>
#include <langinfo.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "board.h"
#include "duration.h"
#include "evidence.h"
#include "form.h"
#include "inventory.h"
#include "keys.h"
#include "modal.h"
#include "probe.h"
#include "prober.h"
#include "recorder.h"
#include "theme.h"
#include "tui.h"
#include "url.h"
#include "util.h"
#include "verdict.h"
#include "when.h"

enum tui_screen { SCR_LIST, SCR_DETAIL, SCR_HELP };
enum sort { SORT_STATUS, SORT_NAME, SORT_TIER, SORT_LAG, SORT_RTO, SORT_COUNT };
static const char *const sort_names[] = {"status", "name", "tier", "data lag", "RTO"};

struct tui {
	struct db *db;
	const struct tui_options *o;
	struct board board;
	int loaded_full;
	size_t *rows; /* indexes into board.systems, filtered and sorted */
	size_t nrows;
	int sel, top;
	enum tui_screen screen;
	enum sort sort;
	int64_t open_id; /* the system shown in detail */
	int detail_top;
	char *filter, *search;
	char *message;
	int message_error;
	struct prober *prober;
	long prober_elsewhere; /* the PID of the prober holding the lease, or 0 */
	int64_t next_reload_ms, load_cost_ms;
	int utf8, dirty, quit, frames;
	/* what-if in the detail view */
	int whatif_on;
	char *whatif_strategy, *whatif_cron, *whatif_label;
	struct whatif whatif; /* what is tried; its strings are the two above */
	struct verdict whatif_before, whatif_after;
	struct modal modal; /* the open pop-up, or kind MODAL_NONE */
	int64_t clock_s;    /* the second the header's clock shows */
};

/* What the loop does when a pop-up is answered (modal.action). */
enum {
	DO_SEARCH,
	DO_FILTER,
	DO_WHATIF_SCHEDULE,
	DO_DELETE,
	DO_ENDPOINT_MENU,
	DO_SCHEDULE_MENU,
	DO_FORM,
};

static volatile sig_atomic_t interrupted;

static void on_sigint(int sig)
{
	(void)sig;
	interrupted = 1;
}

static void restore_terminal(void)
{
	if (!isendwin())
		endwin();
}

static void on_crash(int sig)
{
	restore_terminal();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* --- text helpers ---------------------------------------------------------- */

/* Put S at (Y, X) in at most W columns (one per code point), made printable. */
static void put(int y, int x, int w, const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	int cols = 0;

	if (w <= 0 || !s)
		return;
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if ((c & 0xc0) != 0x80 && cols++ == w)
			break;
		strbuf_putc(&sb, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	mvaddstr(y, x, strbuf_str(&sb));
	strbuf_done(&sb);
}

static void putf(int y, int x, int w, const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static void putf(int y, int x, int w, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	put(y, x, w, s);
	free(s);
}

static const char *dur(int64_t s, char buf[DURATION_BUFSZ])
{
	if (s == BOARD_NONE)
		return "-";
	return duration_format(s < 0 ? 0 : s, buf);
}

/* A recovery time S, "≥" before it when it is only a lower bound (BOUND):
 * an outage cut by a gap in probing lasted at least that long. */
static const char *recovery(const struct tui *t, int64_t s, int bound, char buf[DURATION_BUFSZ + 4])
{
	char d[DURATION_BUFSZ];

	snprintf(buf, DURATION_BUFSZ + 4, "%s%s", bound && s != BOARD_NONE ? t->utf8 ? "\u2265" : ">=" : "",
		 dur(s, d));
	return buf;
}

static void message(struct tui *t, int error, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void message(struct tui *t, int error, const char *fmt, ...)
{
	va_list ap;

	free(t->message);
	va_start(ap, fmt);
	t->message = xvasprintf(fmt, ap);
	va_end(ap);
	t->message_error = error;
	t->dirty = 1;
}

/* --- data ------------------------------------------------------------------ */

static struct tui *sort_ctx;

static int cmp_rows(const void *a, const void *b)
{
	const struct board_system *x = &sort_ctx->board.systems[*(const size_t *)a],
				  *y = &sort_ctx->board.systems[*(const size_t *)b];
	int64_t d = 0;

	switch (sort_ctx->sort) {
	case SORT_STATUS:
		d = board_status_rank(y->status) - board_status_rank(x->status);
		if (!d)
			d = x->tier - y->tier;
		break;
	case SORT_TIER:
		d = x->tier - y->tier;
		break;
	case SORT_LAG:
		d = (y->data_lag_s == BOARD_NONE ? -1 : y->data_lag_s) -
		    (x->data_lag_s == BOARD_NONE ? -1 : x->data_lag_s);
		break;
	case SORT_RTO:
		d = x->rto_s - y->rto_s;
		break;
	default:
		break;
	}
	if (d)
		return d < 0 ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int matches(const struct board_system *s, const char *text)
{
	return !text || !*text || strstr(s->name, text) || (s->owner && strstr(s->owner, text)) ||
	       (s->strategy && strstr(s->strategy, text)) || !strcasecmp(s->status, text);
}

static void arrange(struct tui *t)
{
	int64_t keep = t->nrows && t->sel < (int)t->nrows ? t->board.systems[t->rows[t->sel]].id : 0;
	size_t i;

	free(t->rows);
	t->rows = xcalloc(t->board.nsystems + 1, sizeof(size_t));
	t->nrows = 0;
	for (i = 0; i < t->board.nsystems; i++)
		if (matches(&t->board.systems[i], t->filter))
			t->rows[t->nrows++] = i;
	sort_ctx = t;
	qsort(t->rows, t->nrows, sizeof(size_t), cmp_rows);
	t->sel = 0;
	for (i = 0; i < t->nrows; i++)
		if (t->board.systems[t->rows[i]].id == keep)
			t->sel = (int)i;
	t->dirty = 1;
}

static void reload(struct tui *t, int quick)
{
	struct error e = {0};
	struct board b;
	int64_t t0 = probe_now_ms();
	int rc = quick ? board_load_quick(t->db, &b, &e)
		       : board_load(t->db, &(struct board_options){0}, &b, &e);

	if (rc < 0) {
		message(t, 1, "%s", e.msg);
		error_done(&e);
		t->next_reload_ms = probe_now_ms() + 5000;
		return;
	}
	board_free(&t->board);
	t->board = b;
	t->loaded_full = !quick;
	arrange(t);
	t->load_cost_ms = probe_now_ms() - t0;
	/* Re-read every 2 s, or less often when reading costs more (large inventories). */
	t->next_reload_ms = probe_now_ms() + (t->load_cost_ms * 10 > 2000 ? t->load_cost_ms * 10 : 2000);
}

static const struct board_system *selected(const struct tui *t)
{
	if (t->screen == SCR_DETAIL) {
		size_t i;

		for (i = 0; i < t->board.nsystems; i++)
			if (t->board.systems[i].id == t->open_id)
				return &t->board.systems[i];
		return NULL;
	}
	return t->nrows ? &t->board.systems[t->rows[t->sel]] : NULL;
}

/* Take the probing lease and probe; while another prober (a dashboard or a
 * `probe --watch`) holds it, note its PID and only read. */
static void start_prober(struct tui *t)
{
	struct error e = {0};
	long pid = 0;

	if (t->o->readonly || t->prober)
		return;
	if (recorder_heartbeat_other(t->db, &pid, NULL, NULL) > 0) {
		t->prober_elsewhere = pid;
		return;
	}
	if (recorder_heartbeat_claim(t->db, RECORDER_DASHBOARD, &e) < 0) {
		if (e.kind == ERR_BUSY) /* taken just now */
			t->prober_elsewhere = recorder_heartbeat_other(t->db, &pid, NULL, NULL) > 0 ? pid : -1;
		else
			message(t, 1, "cannot probe: %s", e.msg);
		error_done(&e);
		return;
	}
	t->prober_elsewhere = 0;
	t->prober = prober_new(t->db, &(struct prober_options){0, 0, NULL}, NULL, NULL, &e);
	if (!t->prober) {
		message(t, 1, "cannot probe: %s", e.msg);
		error_done(&e);
		recorder_heartbeat_release(t->db);
		return;
	}
	prober_set_heartbeat(t->prober, 1);
}

/* Stop probing (giving in-flight probes GRACE_MS) and free the lease. */
static void stop_prober(struct tui *t, int grace_ms)
{
	if (!t->prober)
		return;
	prober_stop(t->prober, grace_ms, NULL);
	prober_free(t->prober);
	t->prober = NULL;
	recorder_heartbeat_release(t->db);
}

/* The inventory changed here: probe what it now holds. */
static void restart_prober(struct tui *t)
{
	struct error e = {0};

	if (!t->prober) {
		start_prober(t);
	} else if (prober_reload(t->prober, 0, &e) < 0) {
		message(t, 1, "probing stopped: %s", e.msg);
		error_done(&e);
		stop_prober(t, 0);
	}
}

/* --- drawing --------------------------------------------------------------- */

static void draw_header(struct tui *t)
{
	char clock[WHEN_BUFSZ], elsewhere[48];
	const char *state = t->o->readonly ? "read-only"
			    : t->prober_elsewhere ? elsewhere
			    : t->prober ? "probing" : "not probing";

	if (t->prober_elsewhere > 0)
		snprintf(elsewhere, sizeof(elsewhere), "probing elsewhere (pid %ld)", t->prober_elsewhere);
	else
		snprintf(elsewhere, sizeof(elsewhere), "probing elsewhere");

	attrset(theme_attr(C_HEADER));
	mvhline(0, 0, ' ', COLS);
	putf(0, 1, COLS - 2, "drtop  %zu systems", t->board.nsystems);
	attrset(theme_attr(C_BREACH));
	putf(0, 20, 12, " BREACH %d ", t->board.breach);
	attrset(theme_attr(C_WARN));
	putf(0, 32, 10, " WARN %d ", t->board.warn);
	attrset(theme_attr(C_UNKNOWN));
	putf(0, 42, 13, " UNKNOWN %d ", t->board.unknown);
	attrset(theme_attr(C_OK));
	putf(0, 55, 8, " OK %d ", t->board.ok);
	attrset(theme_attr(C_HEADER));
	when_format(when_now(), clock);
	if (COLS >= 100)
		putf(0, 63, COLS - 63 - 10, " %s%s", state, t->loaded_full ? "" : ", reading verdict...");
	put(0, COLS - 9, 9, clock + 11);
}

static void draw_fkeys(struct tui *t)
{
	const struct tui_key *k;
	int x = 0;
	char name[16];

	move(LINES - 1, 0);
	attrset(theme_attr(C_FKEY_LABEL));
	hline(' ', COLS);
	if (t->message) {
		attrset(theme_attr(t->message_error ? C_ERROR : C_INFO));
		put(LINES - 1, 0, COLS, t->message);
		return;
	}
	for (k = tui_keys; k->action != ACT_NONE && x < COLS - 8; k++) {
		if (!k->bar)
			continue;
		attrset(theme_attr(C_FKEY_LABEL));
		put(LINES - 1, x, 3, tui_key_name(k->key, name));
		x += (int)strlen(name);
		attrset(theme_attr(C_FKEY));
		putf(LINES - 1, x, 7, "%-6s", k->bar);
		x += 6;
		attrset(theme_attr(C_FKEY_LABEL));
		put(LINES - 1, x++, 1, " ");
	}
}

static void history_bar(struct tui *t, int y, int x, const char *h)
{
	for (; *h; h++, x++) {
		const char *word = *h == 'B' ? "BREACH" : *h == 'W' ? "WARN" : *h == 'O' ? "OK" : "UNKNOWN";

		attrset(theme_status(word));
		put(y, x, 1, t->utf8 ? "\u2588" : (*h == 'B' ? "#" : *h == 'W' ? "=" : *h == 'O' ? "." : "?"));
	}
}

static void draw_list(struct tui *t)
{
	int h = LINES - 3, i, wide = COLS >= 100, namew = COLS - 80 + 16;
	char a[DURATION_BUFSZ], c[DURATION_BUFSZ], d[DURATION_BUFSZ];

	if (namew > 30)
		namew = 30;
	attrset(theme_attr(C_TITLE));
	mvhline(1, 0, ' ', COLS);
	putf(1, 0, COLS, "%-7s %-*s %4s %-18s %-14s %-14s %-8s%s", "STATUS", namew, "SYSTEM", "TIER",
	     "STRATEGY", "RTO/WORST", "RPO/LAG", "PROBED", wide ? " HISTORY" : "");
	if (t->sel < t->top)
		t->top = t->sel;
	if (t->sel >= t->top + h)
		t->top = t->sel - h + 1;
	for (i = 0; i < h; i++) {
		int r = t->top + i, y = 2 + i, on = r == t->sel;
		const struct board_system *s;
		char strategy[48], rto[40], rpo[40], probed[DURATION_BUFSZ + 4], w[DURATION_BUFSZ + 4];
		int extra; /* bytes of the RTO cell beyond its columns (a "≥") */

		attrset(theme_attr(C_NORMAL));
		mvhline(y, 0, ' ', COLS);
		if (r >= (int)t->nrows) {
			if (r == 0)
				put(y, 2, COLS - 4, t->filter ? "no system matches the filter"
							    : "no systems yet: press a (or F2) to add one");
			continue;
		}
		s = &t->board.systems[t->rows[r]];
		if (on) {
			attrset(theme_attr(C_SELECTED));
			mvhline(y, 0, ' ', COLS);
		}
		snprintf(strategy, sizeof(strategy), "%s %.*s", s->strategy ? s->strategy : "-",
			 s->cost_tier == BOARD_NONE ? 0 : (int)s->cost_tier, "$$$$");
		snprintf(rto, sizeof(rto), "%s/%s", dur(s->rto_s, a),
			 recovery(t, s->worst_recovery_s, s->worst_recovery_bound, w));
		extra = s->worst_recovery_bound && t->utf8 && s->worst_recovery_s != BOARD_NONE ? 2 : 0;
		snprintf(rpo, sizeof(rpo), "%s/%s", dur(s->rpo_s, c), dur(s->data_lag_s, d));
		if (s->last_probe_at == BOARD_NONE)
			snprintf(probed, sizeof(probed), "-");
		else
			snprintf(probed, sizeof(probed), "%s ago",
				 dur(t->board.now - s->last_probe_at, a));
		putf(y, 8, COLS - 8, "%-*.*s %4lld %-18.18s %-*.*s %-14.14s %-8.8s", namew, namew,
		     s->name, (long long)s->tier, strategy, 14 + extra, 14 + extra, rto, rpo, probed);
		attrset(on ? theme_attr(C_SELECTED) : theme_status(s->status));
		putf(y, 0, 7, "%-7s", s->status);
		if (wide)
			history_bar(t, y, 8 + namew + 1 + 4 + 1 + 18 + 1 + 14 + 1 + 14 + 1 + 8 + 1, s->history);
	}
}

/* --- the detail view ------------------------------------------------------- */

struct lines {
	int y, top, max; /* next line to write (virtual), first shown, last screen row */
};

/* The screen row of virtual line L->y, or -1 when it is scrolled out. */
static int row(struct lines *l)
{
	int r = 2 + l->y - l->top;

	l->y++;
	return r >= 2 && r <= l->max ? r : -1;
}

static void heading(struct lines *l, const char *text)
{
	int y;

	row(l);
	if ((y = row(l)) >= 0) {
		attrset(theme_attr(C_TITLE));
		put(y, 0, COLS, text);
	}
}

static void query_lines(struct tui *t, struct lines *l, const char *sql, int64_t id,
			const char *empty)
{
	sqlite3_stmt *st = db_prepare(t->db, sql, NULL);
	int n = 0, y;

	if (!st)
		return;
	sqlite3_bind_int64(st, 1, id);
	while (sqlite3_step(st) == SQLITE_ROW) {
		n++;
		if ((y = row(l)) < 0)
			continue;
		attrset(sqlite3_column_count(st) > 1 ? theme_status((const char *)sqlite3_column_text(st, 1))
						     : theme_attr(C_NORMAL));
		put(y, 2, COLS - 4, (const char *)sqlite3_column_text(st, 0));
	}
	sqlite3_finalize(st);
	if (!n && (y = row(l)) >= 0) {
		attrset(theme_attr(C_DIM));
		put(y, 2, COLS - 4, empty);
	}
}

/* Bars of the last outages (newest right) against the RTO. */
static void outage_chart(struct tui *t, struct lines *l, const struct board_system *s)
{
	static const char *const blocks[] = {" ", "\u2581", "\u2582", "\u2583", "\u2584",
					     "\u2585", "\u2586", "\u2587", "\u2588"};
	sqlite3_stmt *st = db_prepare(t->db,
				      "SELECT duration_s FROM (SELECT duration_s, started_ms FROM v_outages"
				      " WHERE system = ?1 AND ended_ms IS NOT NULL ORDER BY started_ms DESC"
				      " LIMIT 40) ORDER BY started_ms",
				      NULL);
	int64_t v[40], max = s->rto_s;
	int n = 0, i, y;
	char a[DURATION_BUFSZ], w[DURATION_BUFSZ + 4];

	if (!st)
		return;
	sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW && n < 40) {
		v[n] = sqlite3_column_int64(st, 0);
		if (v[n] > max)
			max = v[n];
		n++;
	}
	sqlite3_finalize(st);
	if ((y = row(l)) < 0)
		return;
	attrset(theme_attr(C_DIM));
	putf(y, 2, 24, "outages (RTO %s):", dur(s->rto_s, a));
	if (!n) {
		put(y, 26, COLS - 28, "none recorded");
		return;
	}
	for (i = 0; i < n; i++) {
		int level = (int)(8 * v[i] / (max ? max : 1));

		attrset(theme_attr(v[i] > s->rto_s ? C_BAR_BAD : C_BAR_GOOD));
		if (t->utf8)
			put(y, 26 + i, 1, blocks[level < 1 ? 1 : level]);
		else
			put(y, 26 + i, 1, v[i] > s->rto_s ? "#" : "|");
	}
	attrset(theme_attr(C_TARGET));
	putf(y, 26 + n + 1, COLS - 28 - n, "worst %s", recovery(t, s->worst_recovery_s, s->worst_recovery_bound, w));
}

/* A sparkline of the data lag seen by freshness probes against the RPO. */
static void lag_sparkline(struct tui *t, struct lines *l, const struct board_system *s)
{
	static const char *const blocks[] = {"\u2581", "\u2582", "\u2583", "\u2584",
					     "\u2585", "\u2586", "\u2587", "\u2588"};
	sqlite3_stmt *st = db_prepare(t->db,
				      "SELECT lag_s FROM (SELECT p.lag_s, p.at_ms FROM probe_result p JOIN"
				      " endpoint e ON e.id = p.endpoint_id WHERE e.system_id = ?1 AND"
				      " p.lag_s IS NOT NULL ORDER BY p.at_ms DESC LIMIT 40) ORDER BY at_ms",
				      NULL);
	int64_t v[40], max = s->rpo_s;
	int n = 0, i, y;
	char a[DURATION_BUFSZ];

	if (!st)
		return;
	sqlite3_bind_int64(st, 1, s->id);
	while (sqlite3_step(st) == SQLITE_ROW && n < 40) {
		v[n] = sqlite3_column_int64(st, 0);
		if (v[n] > max)
			max = v[n];
		n++;
	}
	sqlite3_finalize(st);
	if ((y = row(l)) < 0)
		return;
	attrset(theme_attr(C_DIM));
	putf(y, 2, 24, "data lag (RPO %s):", dur(s->rpo_s, a));
	if (!n) {
		put(y, 26, COLS - 28, "no freshness probe yet");
		return;
	}
	for (i = 0; i < n; i++) {
		int level = (int)(7 * v[i] / (max ? max : 1));

		attrset(theme_attr(v[i] > s->rpo_s ? C_BAR_BAD : C_BAR_GOOD));
		put(y, 26 + i, 1, t->utf8 ? blocks[level] : v[i] > s->rpo_s ? "#" : ".");
	}
	attrset(theme_attr(C_TARGET));
	putf(y, 26 + n + 1, COLS - 28 - n, "now %s", dur(s->data_lag_s, a));
}

static void draw_detail(struct tui *t)
{
	const struct board_system *s = selected(t);
	struct lines l = {0, t->detail_top, LINES - 2};
	char a[DURATION_BUFSZ], b[DURATION_BUFSZ + 4], c[DURATION_BUFSZ + 4], d[DURATION_BUFSZ],
		g[DURATION_BUFSZ];
	size_t i;
	int y;

	for (y = 1; y < LINES - 1; y++) {
		attrset(theme_attr(C_NORMAL));
		mvhline(y, 0, ' ', COLS);
	}
	if (!s) {
		put(2, 2, COLS - 4, "this system is gone (deleted elsewhere?): Esc for the list");
		return;
	}
	attrset(theme_status(s->status));
	putf(1, 0, 8, " %s ", s->status);
	attrset(theme_attr(C_TITLE));
	putf(1, 9, COLS - 9, "%s   tier %lld   owner %s   strategy %s %.*s", s->name, (long long)s->tier,
	     s->owner && *s->owner ? s->owner : "-", s->strategy ? s->strategy : "none",
	     s->cost_tier == BOARD_NONE ? 0 : (int)s->cost_tier, "$$$$");
	l.y = 0;
	if ((y = row(&l)) >= 0) {
		attrset(theme_attr(C_NORMAL));
		putf(y, 2, COLS - 4, "RTO %s, worst recovery %s, last %s    RPO %s, data lag %s",
		     dur(s->rto_s, a), recovery(t, s->worst_recovery_s, s->worst_recovery_bound, b),
		     recovery(t, s->last_recovery_s, s->last_recovery_bound, c),
		     dur(s->rpo_s, d), dur(s->data_lag_s, g));
	}
	if (t->whatif_on) {
		heading(&l, "what if");
		if ((y = row(&l)) >= 0) {
			attrset(theme_attr(C_INFO));
			putf(y, 2, COLS - 4, "%s: %s%s%s (now %s%s%s), cost %.*s (now %.*s)   "
					     "Enter: save   Esc: cancel",
			     t->whatif_label, t->whatif_after.status,
			     t->whatif_after.worst_finding ? ", " : "",
			     t->whatif_after.worst_finding ? t->whatif_after.worst_finding : "",
			     t->whatif_before.status, t->whatif_before.worst_finding ? ", " : "",
			     t->whatif_before.worst_finding ? t->whatif_before.worst_finding : "",
			     (int)t->whatif_after.cost_tier, "$$$$", (int)t->whatif_before.cost_tier,
			     "$$$$");
		}
	}
	heading(&l, "findings");
	if (!s->nfindings && (y = row(&l)) >= 0) {
		attrset(theme_attr(C_DIM));
		put(y, 2, COLS - 4, t->loaded_full ? "none" : "reading...");
	}
	for (i = 0; i < s->nfindings; i++) {
		const struct board_finding *f = &s->findings[i];

		if ((y = row(&l)) < 0)
			continue;
		attrset(theme_status(f->severity));
		putf(y, 2, 8, "%-7s", f->severity);
		attrset(theme_attr(C_NORMAL));
		if (f->target_s != BOARD_NONE && strcmp(f->objective, "cost"))
			putf(y, 10, COLS - 12, "%-20s target %s, measured %s, resolution %s: %s",
			     f->finding, dur(f->target_s, a), dur(f->measured_s, b),
			     dur(f->resolution_s, c), f->detail);
		else
			putf(y, 10, COLS - 12, "%-20s %s", f->finding, f->detail);
	}
	heading(&l, "evidence");
	outage_chart(t, &l, s);
	lag_sparkline(t, &l, s);
	heading(&l, "endpoints");
	query_lines(t, &l,
		    "SELECT printf('%-9s %-44s every %s  %s', e.kind, e.url, duration_ms(e.interval_ms),"
		    " CASE WHEN st.endpoint_id IS NULL THEN 'not probed yet' WHEN st.last_ok THEN"
		    " 'ok' ELSE 'failing: ' || coalesce(st.first_error, '') END),"
		    " CASE WHEN st.last_ok THEN 'OK' WHEN st.endpoint_id IS NULL THEN 'UNKNOWN'"
		    " ELSE 'BREACH' END FROM endpoint e LEFT JOIN endpoint_state st ON"
		    " st.endpoint_id = e.id WHERE e.system_id = ?1 ORDER BY e.url",
		    s->id, "none: press E to add one");
	heading(&l, "backup schedules and check-ins");
	query_lines(t, &l,
		    "SELECT printf('%-12s %-22s max gap %-8s last ok %s', b.name, coalesce(b.cron,"
		    " 'every ' || duration(b.every_s)), duration(b.max_gap_s), coalesce((SELECT"
		    " iso_time(max(at)) FROM checkin c WHERE c.schedule_id = b.id AND c.ok), 'never'))"
		    " FROM backup_schedule b WHERE b.system_id = ?1 ORDER BY b.name",
		    s->id, "none: press S to add one");
	heading(&l, "drills");
	query_lines(t, &l,
		    "SELECT printf('%-9s %s  recovered in %s%s', kind, started, duration(recovery_s),"
		    " CASE WHEN NOT live THEN ' (no recovery)' WHEN met_rto THEN '' ELSE ' (over the RTO)' END),"
		    " CASE WHEN NOT live THEN 'INFO' WHEN met_rto THEN 'OK' ELSE 'WARN' END"
		    " FROM v_drills WHERE system = (SELECT name FROM system"
		    " WHERE id = ?1) ORDER BY started DESC LIMIT 5",
		    s->id, "none: press D to record one");
	heading(&l, "dependencies");
	query_lines(t, &l,
		    "SELECT 'needs ' || o.name || ' (RTO ' || duration(o.rto_s) || ')' FROM dependency"
		    " d JOIN system o ON o.id = d.depends_on WHERE d.system_id = ?1 UNION ALL"
		    " SELECT 'needed by ' || o.name FROM dependency d JOIN system o ON o.id ="
		    " d.system_id WHERE d.depends_on = ?1",
		    s->id, "none");
	heading(&l, "strategies");
	query_lines(t, &l,
		    "SELECT printf('%s %-15s %-5s typical RTO %-6s RPO %-6s %s%s', CASE WHEN current"
		    " THEN '>' ELSE ' ' END, strategy, substr('$$$$', 1, cost_tier),"
		    " duration(typical_rto_s), duration(typical_rpo_s), CASE WHEN meets THEN 'meets"
		    " the objectives' ELSE 'cannot meet them' END, CASE WHEN cheapest THEN"
		    " '  <- cheapest fit' ELSE '' END), CASE WHEN meets THEN 'OK' ELSE 'WARN' END"
		    " FROM v_strategy_fit WHERE system_id = ?1 ORDER BY cost_tier",
		    s->id, "");
}

static void draw_help(struct tui *t)
{
	const struct tui_key *k;
	char a[16], b[16];
	int y = 2;

	(void)t;
	attrset(theme_attr(C_NORMAL));
	for (y = 1; y < LINES - 1; y++)
		mvhline(y, 0, ' ', COLS);
	attrset(theme_attr(C_TITLE));
	put(1, 2, COLS - 4, "drtop keys (any key returns)");
	y = 3;
	for (k = tui_keys; k->action != ACT_NONE && y < LINES - 2; k++, y++) {
		attrset(theme_attr(C_INFO));
		putf(y, 2, 14, "%s%s%s", tui_key_name(k->key, a), k->alt ? " " : "",
		     k->alt ? tui_key_name(k->alt, b) : "");
		attrset(theme_attr(C_NORMAL));
		put(y, 16, COLS - 18, k->help);
	}
	if (y < LINES - 2) {
		attrset(theme_attr(C_DIM));
		put(y + 1, 2, COLS - 4, "Mouse: click selects, click again opens; the wheel scrolls.");
	}
}

static void draw(struct tui *t)
{
	erase();
	if (COLS < 80 || LINES < 24) {
		attrset(theme_attr(C_ERROR));
		putf(0, 0, COLS, "drtop needs at least 80x24 (this terminal is %dx%d)", COLS, LINES);
		refresh();
		return;
	}
	draw_header(t);
	if (t->screen == SCR_LIST)
		draw_list(t);
	else if (t->screen == SCR_DETAIL)
		draw_detail(t);
	else
		draw_help(t);
	draw_fkeys(t);
	modal_draw(&t->modal);
	refresh();
	t->frames++;
}

/* --- input ----------------------------------------------------------------- */

/* Open a pop-up that ACTION answers, about system NAME (or NULL). */
static struct modal *pop_up(struct tui *t, int action, const char *name)
{
	modal_done(&t->modal);
	t->modal.action = action;
	t->modal.name = name ? xstrdup(name) : NULL;
	t->dirty = 1;
	return &t->modal;
}

/* Rows of SQL (one text column, one id column) as menu lines; the ids in *IDS. */
static int menu_rows(struct tui *t, const char *sql, int64_t id, const char *last, char ***lines,
		     int64_t **ids)
{
	sqlite3_stmt *st = db_prepare(t->db, sql, NULL);
	int n = 0;

	*lines = NULL;
	*ids = NULL;
	if (st) {
		sqlite3_bind_int64(st, 1, id);
		while (sqlite3_step(st) == SQLITE_ROW) {
			*lines = xrealloc(*lines, (size_t)(n + 2) * sizeof(char *));
			*ids = xrealloc(*ids, (size_t)(n + 2) * sizeof(int64_t));
			(*lines)[n] = xstrdup((const char *)sqlite3_column_text(st, 0));
			(*ids)[n++] = sqlite3_column_int64(st, 1);
		}
		sqlite3_finalize(st);
	}
	*lines = xrealloc(*lines, (size_t)(n + 1) * sizeof(char *));
	*ids = xrealloc(*ids, (size_t)(n + 1) * sizeof(int64_t));
	(*lines)[n] = xstrdup(last);
	(*ids)[n++] = 0;
	return n;
}

static void menu_free(char **lines, int64_t *ids, int n)
{
	int i;

	for (i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	free(ids);
}

static const char *const strategies[] = {"none", "backup-restore", "pilot-light", "warm-standby",
					 "active-active", NULL};
static const char *const tiers[] = {"0", "1", "2", "3", NULL};
static const char *const kinds[] = {"health", "freshness", NULL};
static const char *const drill_kinds[] = {"restore", "failover", "tabletop", NULL};

/* What a form edits; it lives as long as the form (the board may be re-read
 * meanwhile, so it holds copies, never pointers into the board). */
struct edit {
	struct tui *t;
	char *name;      /* the system edited (owned), or NULL to add one */
	int64_t id;      /* the endpoint or schedule edited, or 0 to add one */
	char *old;       /* the schedule edited (its name, owned), or NULL */
	enum { ED_SYSTEM, ED_ENDPOINT, ED_SCHEDULE, ED_DRILL } kind;
};

static struct edit *edit_new(struct tui *t, const char *name, int64_t id)
{
	struct edit *ed = xcalloc(1, sizeof(*ed));

	ed->t = t;
	ed->name = name ? xstrdup(name) : NULL;
	ed->id = id;
	return ed;
}

static void edit_free(struct edit *ed)
{
	free(ed->name);
	free(ed->old);
	free(ed);
}

static void edit_free_data(void *ed)
{
	edit_free(ed);
}

/* Form F editing ED was closed, SAVED or cancelled: say what was saved. */
static void form_closed(struct tui *t, struct form *f, struct edit *ed, int saved)
{
	/* An existing system, endpoint (id) or schedule (old) is saved; a new one added. */
	int existing = ed->kind == ED_SYSTEM ? ed->name != NULL : ed->id || ed->old;
	const char *verb = ed->kind == ED_DRILL ? "recorded" : existing ? "saved" : "added";
	const char *what = ed->kind == ED_ENDPOINT ? "endpoint"
			   : ed->kind == ED_SCHEDULE ? "schedule" : "drill";

	if (!saved)
		return;
	if (ed->kind == ED_SYSTEM)
		message(t, 0, "%s system %s", verb, form_value(f, 0));
	else
		message(t, 0, "%s %s %s of %s", verb, what, form_value(f, 0), ed->name);
	if (ed->kind == ED_SYSTEM || ed->kind == ED_ENDPOINT)
		restart_prober(t);
	reload(t, 0);
}

/* Open form F, editing ED (both taken over by the pop-up). */
static void open_form(struct tui *t, struct form *f, struct edit *ed)
{
	struct modal *m = pop_up(t, DO_FORM, NULL);

	modal_form(m, f);
	m->data = ed;
	m->data_free = edit_free_data;
}

/* Show parser error E next to field I of F; returns -1. */
static int field_fail(struct form *f, int i, struct error *e)
{
	form_set_error(f, i, e->msg);
	error_done(e);
	return -1;
}

static int duration_field(struct form *f, int i, unsigned flags, int64_t *out, int required)
{
	struct error e = {0};

	if (!*form_value(f, i) && !required)
		return 0;
	if (duration_parse(form_value(f, i), flags, out, &e) < 0)
		return field_fail(f, i, &e);
	return 0;
}

/* Run a write in a transaction; a core error goes to the form. */
static int commit(struct tui *t, struct form *f, int rc, struct error *e)
{
	if (rc < 0) {
		db_rollback(t->db);
		form_set_error(f, -1, e->msg);
		error_done(e);
		return -1;
	}
	if (db_commit(t->db, e) < 0) {
		form_set_error(f, -1, e->msg);
		error_done(e);
		return -1;
	}
	return 0;
}

static int submit_system(struct form *f, void *arg)
{
	struct edit *ed = arg;
	struct inventory_system s;
	struct error e = {0};
	int rc;

	inventory_system_defaults(&s);
	s.name = form_value(f, 0);
	if (inventory_name_check("system", s.name, &e) < 0)
		return field_fail(f, 0, &e);
	if (duration_field(f, 1, 0, &s.rto_s, 1) < 0 || duration_field(f, 2, 0, &s.rpo_s, 1) < 0)
		return -1;
	s.strategy = strcmp(form_value(f, 3), "none") ? form_value(f, 3) : NULL;
	s.tier = atol(form_value(f, 4));
	s.owner = form_value(f, 5);
	s.description = form_value(f, 6);
	if (db_begin(ed->t->db, &e) < 0) {
		form_set_error(f, -1, e.msg);
		error_done(&e);
		return -1;
	}
	rc = ed->name ? inventory_system_set(ed->t->db, ed->name, &s,
					     SYS_NAME | SYS_RTO | SYS_RPO | SYS_STRATEGY | SYS_TIER |
						     SYS_OWNER | SYS_DESCRIPTION,
					     NULL, &e)
		      : inventory_system_put(ed->t->db, &s, 0, NULL, &e);
	return commit(ed->t, f, rc, &e);
}

static void edit_system(struct tui *t, const struct board_system *s)
{
	struct edit *ed = edit_new(t, s ? s->name : NULL, 0);
	struct form *f = form_new(s ? "Edit system" : "Add a system", 7, submit_system, ed);
	char rto[DURATION_BUFSZ] = "", rpo[DURATION_BUFSZ] = "", tier[8] = "2";

	if (s) {
		duration_format(s->rto_s, rto);
		duration_format(s->rpo_s, rpo);
		snprintf(tier, sizeof(tier), "%lld", (long long)s->tier);
	}
	form_field(f, 0, "name", "payments-db", NULL, s ? s->name : NULL);
	form_field(f, 1, "RTO", "longest tolerable outage, e.g. 15m", NULL, rto);
	form_field(f, 2, "RPO", "most tolerable data loss, e.g. 5m", NULL, rpo);
	form_field(f, 3, "strategy", NULL, strategies, s && s->strategy ? s->strategy : "none");
	form_field(f, 4, "tier", NULL, tiers, tier);
	form_field(f, 5, "owner", "who answers for it", NULL, s ? s->owner : NULL);
	form_field(f, 6, "description", "what it is", NULL, NULL);
	f->fields[0].required = f->fields[1].required = f->fields[2].required = 1;
	open_form(t, f, ed);
}

static int duration_field_ms(struct form *f, int i, int64_t *out)
{
	struct error e = {0};

	if (!*form_value(f, i))
		return 0;
	if (duration_parse_ms(form_value(f, i), 0, out, &e) < 0)
		return field_fail(f, i, &e);
	return 0;
}

static int url_check_field(struct form *f)
{
	struct error e = {0};

	if (url_check(form_value(f, 0), &e) < 0)
		return field_fail(f, 0, &e);
	return 0;
}

static int submit_endpoint(struct form *f, void *arg)
{
	struct edit *ed = arg;
	struct inventory_endpoint ep;
	struct error e = {0};

	inventory_endpoint_defaults(&ep);
	ep.url = form_value(f, 0);
	ep.kind = form_value(f, 1);
	if (url_check_field(f) < 0)
		return -1;
	if (duration_field_ms(f, 2, &ep.interval_ms) < 0 || duration_field_ms(f, 3, &ep.timeout_ms) < 0)
		return -1;
	if (*form_value(f, 4))
		ep.expect = form_value(f, 4);
	if (*form_value(f, 5))
		ep.json_path = form_value(f, 5);
	if (db_begin(ed->t->db, &e) < 0) {
		form_set_error(f, -1, e.msg);
		error_done(&e);
		return -1;
	}
	return commit(ed->t, f,
		      ed->id ? inventory_endpoint_set(ed->t->db, ed->id, &ep, NULL, &e)
			     : inventory_endpoint_put(ed->t->db, ed->name, &ep, 0, NULL, NULL, &e),
		      &e);
}

/* The endpoint form, empty to add one or filled from endpoint ID to edit it. */
static void endpoint_form(struct tui *t, const char *system, int64_t id)
{
	struct edit *ed = edit_new(t, system, id);
	struct form *f = form_new(id ? "Edit an endpoint" : "Add an endpoint", 6, submit_endpoint, ed);
	sqlite3_stmt *st = NULL;
	int i;

	form_field(f, 0, "URL", "http://, https:// or file:///", NULL, NULL);
	form_field(f, 1, "kind", NULL, kinds, "health");
	form_field(f, 2, "interval", "60s", NULL, NULL);
	form_field(f, 3, "timeout", "10s", NULL, NULL);
	form_field(f, 4, "expect", "200-399", NULL, NULL);
	form_field(f, 5, "JSON path", "freshness: $.last_backup or $.lag_seconds", NULL, NULL);
	f->fields[0].required = 1;
	if (id)
		st = db_prepare(t->db, "SELECT url, kind, duration_ms(interval_ms), duration_ms(timeout_ms),"
				       " expect, json_path FROM endpoint WHERE id = ?1", NULL);
	if (st) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW)
			for (i = 0; i < 6; i++)
				if (sqlite3_column_type(st, i) != SQLITE_NULL)
					form_field(f, i, f->fields[i].label, f->fields[i].hint,
						   f->fields[i].choices,
						   (const char *)sqlite3_column_text(st, i));
		sqlite3_finalize(st);
	}
	ed->kind = ED_ENDPOINT;
	open_form(t, f, ed);
}

static void add_endpoint(struct tui *t, const struct board_system *s)
{
	char **lines;
	int64_t *ids;
	int n = menu_rows(t, "SELECT kind || '  ' || url, id FROM endpoint WHERE system_id = ?1 ORDER BY url",
			  s->id, "add a new endpoint", &lines, &ids);

	if (n > 1) {
		modal_menu(pop_up(t, DO_ENDPOINT_MENU, s->name), "Endpoints: edit one, or add one",
			   lines, ids, n);
	} else {
		menu_free(lines, ids, n);
		endpoint_form(t, s->name, 0);
	}
}

static int submit_schedule(struct form *f, void *arg)
{
	struct edit *ed = arg;
	struct inventory_schedule sc;
	struct error e = {0};
	int64_t gap;

	inventory_schedule_defaults(&sc);
	sc.name = form_value(f, 0);
	if (*form_value(f, 1))
		sc.cron = form_value(f, 1);
	if (*form_value(f, 2))
		sc.tz = form_value(f, 2);
	if (duration_field(f, 3, 0, &sc.every_s, 0) < 0 ||
	    duration_field(f, 4, DURATION_ZERO_OK, &sc.duration_s, 0) < 0)
		return -1;
	if (!sc.cron && !sc.every_s) {
		form_set_error(f, 1, "give a cron expression or an interval");
		return -1;
	}
	if (inventory_schedule_check(&sc, &gap, &e) < 0) {
		form_set_error(f, sc.cron ? 1 : 3, e.msg);
		error_done(&e);
		return -1;
	}
	if (db_begin(ed->t->db, &e) < 0) {
		form_set_error(f, -1, e.msg);
		error_done(&e);
		return -1;
	}
	/* Editing: the old schedule goes, the form's one comes (a renamed one too). */
	if (ed->old && inventory_schedule_rm(ed->t->db, ed->name, ed->old, &e) < 0)
		return commit(ed->t, f, -1, &e);
	return commit(ed->t, f, inventory_schedule_put(ed->t->db, ed->name, &sc, 0, NULL, &e), &e);
}

static void schedule_form(struct tui *t, const char *system, int64_t id)
{
	struct edit *ed = edit_new(t, system, 0);
	struct form *f = form_new(id ? "Edit a backup schedule" : "Add a backup schedule", 5,
				  submit_schedule, ed);
	sqlite3_stmt *st = NULL;
	int i;

	form_field(f, 0, "name", "nightly", NULL, NULL);
	form_field(f, 1, "cron", "30 2 * * *  (or leave empty and give an interval)", NULL, NULL);
	form_field(f, 2, "time zone", "UTC", NULL, NULL);
	form_field(f, 3, "every", "6h", NULL, NULL);
	form_field(f, 4, "takes", "0s", NULL, NULL);
	f->fields[0].required = 1;
	if (id)
		st = db_prepare(t->db, "SELECT name, cron, tz, duration(every_s), duration(duration_s)"
				       " FROM backup_schedule WHERE id = ?1", NULL);
	if (st) {
		sqlite3_bind_int64(st, 1, id);
		if (sqlite3_step(st) == SQLITE_ROW) {
			for (i = 0; i < 5; i++)
				if (sqlite3_column_type(st, i) != SQLITE_NULL)
					form_field(f, i, f->fields[i].label, f->fields[i].hint, NULL,
						   (const char *)sqlite3_column_text(st, i));
			ed->old = xstrdup((const char *)sqlite3_column_text(st, 0));
		}
		sqlite3_finalize(st);
	}
	ed->kind = ED_SCHEDULE;
	open_form(t, f, ed);
}

static void add_schedule(struct tui *t, const struct board_system *s)
{
	char **lines;
	int64_t *ids;
	int n = menu_rows(t,
			  "SELECT name || '  ' || coalesce(cron, 'every ' || duration(every_s)), id"
			  " FROM backup_schedule WHERE system_id = ?1 ORDER BY name",
			  s->id, "add a new schedule", &lines, &ids);

	if (n > 1) {
		modal_menu(pop_up(t, DO_SCHEDULE_MENU, s->name),
			   "Backup schedules: edit one, or add one", lines, ids, n);
	} else {
		menu_free(lines, ids, n);
		schedule_form(t, s->name, 0);
	}
}

static int time_field(struct form *f, int i, int64_t *out)
{
	struct error e = {0};

	if (when_parse(form_value(f, i), when_now(), out, &e) < 0)
		return field_fail(f, i, &e);
	return 0;
}

static int submit_drill(struct form *f, void *arg)
{
	struct edit *ed = arg;
	struct error e = {0};
	int64_t started, recovered, loss = -1;

	if (time_field(f, 1, &started) < 0 || time_field(f, 2, &recovered) < 0 ||
	    duration_field(f, 3, DURATION_ZERO_OK, &loss, 0) < 0)
		return -1;
	if (db_begin(ed->t->db, &e) < 0) {
		form_set_error(f, -1, e.msg);
		error_done(&e);
		return -1;
	}
	return commit(ed->t, f,
		      evidence_drill_add(ed->t->db, ed->name, form_value(f, 0), started, recovered, loss,
					 form_value(f, 4), NULL, &e),
		      &e);
}

static void record_drill(struct tui *t, const struct board_system *s)
{
	struct edit *ed = edit_new(t, s->name, 0);
	struct form *f = form_new("Record a drill", 5, submit_drill, ed);

	form_field(f, 0, "kind", NULL, drill_kinds, "restore");
	form_field(f, 1, "started", "2026-11-25T10:00Z, or -3h", NULL, NULL);
	form_field(f, 2, "recovered", "2026-11-25T11:30Z, or -90m", NULL, NULL);
	form_field(f, 3, "data loss", "5m (optional)", NULL, NULL);
	form_field(f, 4, "notes", "what happened", NULL, NULL);
	f->fields[1].required = f->fields[2].required = 1;
	ed->kind = ED_DRILL;
	open_form(t, f, ed);
}

static void delete_system(struct tui *t, const struct board_system *s)
{
	char *q = xasprintf("Delete %s with its endpoints, schedules and evidence?", s->name);

	modal_confirm(pop_up(t, DO_DELETE, s->name), q);
	free(q);
}

/* The operator said yes to deleting system NAME. */
static void delete_confirmed(struct tui *t, const char *name)
{
	struct error e = {0};

	if (db_begin(t->db, &e) < 0 || inventory_system_rm(t->db, name, 1, &e) < 0 ||
	    db_commit(t->db, &e) < 0) {
		db_rollback(t->db);
		message(t, 1, "%s", e.msg);
		error_done(&e);
	} else {
		message(t, 0, "deleted %s", name);
		t->screen = SCR_LIST;
		restart_prober(t);
	}
	reload(t, 0);
}

/* Evaluate W on the open system and show it in the what-if line (LABEL says what). */
static void whatif_show(struct tui *t, const struct whatif *w, const char *label)
{
	const struct board_system *s = selected(t);
	struct error e = {0};

	if (!s)
		return;
	verdict_done(&t->whatif_before);
	verdict_done(&t->whatif_after);
	if (verdict_whatif(t->db, s->name, w, &t->whatif_before, &t->whatif_after, &e) < 0) {
		message(t, 1, "%s", e.msg);
		error_done(&e);
		t->whatif_on = 0;
		return;
	}
	free(t->whatif_label);
	t->whatif_label = xstrdup(label);
	free(t->whatif_cron);
	t->whatif_cron = w->schedule_cron ? xstrdup(w->schedule_cron) : NULL;
	t->whatif = *w;
	t->whatif.strategy = w->strategy ? t->whatif_strategy : NULL;
	t->whatif.schedule_cron = t->whatif_cron;
	t->whatif_on = 1;
	t->dirty = 1;
}

/* What if the open system used the next strategy of the catalogue? */
static void whatif_next(struct tui *t)
{
	struct whatif w = {0};
	const char *next = NULL;
	char *label;
	int i;

	for (i = 1; strategies[i]; i++)
		if (t->whatif_strategy && !strcmp(strategies[i], t->whatif_strategy))
			next = strategies[i + 1];
	if (!next)
		next = strategies[1];
	free(t->whatif_strategy);
	t->whatif_strategy = xstrdup(next);
	w.strategy = t->whatif_strategy;
	label = xasprintf("strategy %s", next);
	whatif_show(t, &w, label);
	free(label);
}

/* What if its backups ran on TEXT, another schedule (replacing the current ones)? */
static void whatif_schedule(struct tui *t, const char *text)
{
	struct whatif w = {0};
	struct error e = {0};
	char *label;

	if (!*text)
		return;
	if (duration_parse(text, 0, &w.schedule_every_s, &e) < 0) {
		error_done(&e);
		w.schedule_cron = text;
	}
	label = xasprintf("backups %s%s", w.schedule_cron ? "on " : "every ", text);
	whatif_show(t, &w, label);
	free(label);
}

static void whatif_save(struct tui *t)
{
	const struct board_system *s = selected(t);
	struct error e = {0};

	if (!s || !t->whatif_on)
		return;
	if (db_begin(t->db, &e) < 0 || verdict_apply(t->db, s->name, &t->whatif, &e) < 0 ||
	    db_commit(t->db, &e) < 0) {
		db_rollback(t->db);
		message(t, 1, "%s", e.msg);
		error_done(&e);
	} else {
		message(t, 0, "saved for %s: %s", s->name, t->whatif_label);
	}
	t->whatif_on = 0;
	reload(t, 0);
}

/* --- keys and mouse -------------------------------------------------------- */

static void move_sel(struct tui *t, int by)
{
	if (t->screen == SCR_DETAIL) {
		t->detail_top += by;
		if (t->detail_top < 0)
			t->detail_top = 0;
	} else {
		t->sel += by;
		if (t->sel >= (int)t->nrows)
			t->sel = (int)t->nrows - 1;
		if (t->sel < 0)
			t->sel = 0;
	}
	t->dirty = 1;
}

static void search_next(struct tui *t, int from)
{
	size_t i;

	if (!t->search || !*t->search)
		return;
	for (i = 0; i < t->nrows; i++) {
		size_t r = (size_t)(from + (int)i) % t->nrows;

		if (strstr(t->board.systems[t->rows[r]].name, t->search)) {
			t->sel = (int)r;
			t->dirty = 1;
			return;
		}
	}
	message(t, 1, "no system named like '%s'", t->search);
}

static int editable(struct tui *t)
{
	if (t->o->readonly)
		message(t, 1, "read-only: no changes (started with --readonly)");
	return !t->o->readonly;
}

static void open_selected(struct tui *t)
{
	const struct board_system *s = selected(t);

	if (!s)
		return;
	t->open_id = s->id;
	t->detail_top = 0;
	t->whatif_on = 0;
	t->screen = SCR_DETAIL;
	t->dirty = 1;
}

static void act(struct tui *t, enum tui_action a)
{
	const struct board_system *s = selected(t);

	free(t->message);
	t->message = NULL;
	if (t->screen == SCR_HELP && a != ACT_NONE) {
		t->screen = SCR_LIST;
		t->dirty = 1;
		if (a != ACT_QUIT)
			return;
		a = ACT_NONE;
	}
	switch (a) {
	case ACT_HELP:
		t->screen = SCR_HELP;
		break;
	case ACT_QUIT:
		if (t->screen == SCR_DETAIL)
			t->screen = SCR_LIST;
		else
			t->quit = 1;
		break;
	case ACT_BACK:
		if (t->whatif_on)
			t->whatif_on = 0;
		else
			t->screen = SCR_LIST;
		break;
	case ACT_OPEN:
		if (t->screen == SCR_DETAIL && t->whatif_on) {
			if (editable(t))
				whatif_save(t);
		} else {
			open_selected(t);
		}
		break;
	case ACT_UP:
		move_sel(t, -1);
		break;
	case ACT_DOWN:
		move_sel(t, 1);
		break;
	case ACT_PAGE_UP:
		move_sel(t, -(LINES - 4));
		break;
	case ACT_PAGE_DOWN:
		move_sel(t, LINES - 4);
		break;
	case ACT_HOME:
		move_sel(t, -1000000);
		break;
	case ACT_END:
		move_sel(t, 1000000);
		break;
	case ACT_SEARCH:
		modal_prompt(pop_up(t, DO_SEARCH, NULL), "search", NULL);
		break;
	case ACT_SEARCH_NEXT:
		search_next(t, t->sel + 1);
		break;
	case ACT_FILTER:
		modal_prompt(pop_up(t, DO_FILTER, NULL),
			     "filter (name, owner, strategy or status; empty: all)", t->filter);
		break;
	case ACT_SORT:
		t->sort = (t->sort + 1) % SORT_COUNT;
		arrange(t);
		message(t, 0, "sorted by %s", sort_names[t->sort]);
		break;
	case ACT_THEME: {
		struct error e = {0};
		const char *next = theme_next();

		if (theme_load(next, !t->o->no_color && has_colors(), &e) < 0) {
			message(t, 1, "%s", e.msg);
			error_done(&e);
		} else {
			message(t, 0, "theme %s", next);
		}
		break;
	}
	case ACT_PROBE:
		if (!editable(t))
			break;
		if (t->prober) {
			prober_probe_now(t->prober);
			message(t, 0, "probing every endpoint now");
		} else {
			message(t, 1, t->prober_elsewhere ? "another prober (a dashboard or drtop probe "
							    "--watch) does the probing"
							  : "nothing to probe");
		}
		break;
	case ACT_ADD:
		if (editable(t))
			edit_system(t, NULL);
		break;
	case ACT_EDIT:
		if (s && editable(t))
			edit_system(t, s);
		break;
	case ACT_DELETE:
		if (s && editable(t))
			delete_system(t, s);
		break;
	case ACT_WHATIF:
		if (t->screen == SCR_DETAIL)
			whatif_next(t);
		break;
	case ACT_WHATIF_SCHEDULE:
		if (t->screen == SCR_DETAIL)
			modal_prompt(pop_up(t, DO_WHATIF_SCHEDULE, NULL),
				     "what if backups ran every (e.g. 15m) or on (a cron expression)", NULL);
		break;
	case ACT_ADD_ENDPOINT:
		if (s && t->screen == SCR_DETAIL && editable(t))
			add_endpoint(t, s);
		break;
	case ACT_ADD_SCHEDULE:
		if (s && t->screen == SCR_DETAIL && editable(t))
			add_schedule(t, s);
		break;
	case ACT_DRILL:
		if (s && t->screen == SCR_DETAIL && editable(t))
			record_drill(t, s);
		break;
	case ACT_REFRESH:
		reload(t, 0);
		break;
	case ACT_NONE:
		break;
	}
	t->dirty = 1;
}

/* The open pop-up was answered (OK) or cancelled: act on it and close it. */
static void pop_down(struct tui *t, int ok)
{
	struct modal m = t->modal;

	memset(&t->modal, 0, sizeof(t->modal)); /* what it does may open the next one */
	t->dirty = 1;
	switch (m.action) {
	case DO_SEARCH:
		if (ok) {
			free(t->search);
			t->search = strbuf_detach(&m.text);
			t->screen = SCR_LIST;
			search_next(t, 0);
		}
		break;
	case DO_FILTER:
		if (ok) {
			free(t->filter);
			t->filter = m.text.len ? strbuf_detach(&m.text) : NULL;
			t->screen = SCR_LIST;
			arrange(t);
		}
		break;
	case DO_WHATIF_SCHEDULE:
		if (ok && t->screen == SCR_DETAIL)
			whatif_schedule(t, strbuf_str(&m.text));
		break;
	case DO_DELETE:
		if (ok)
			delete_confirmed(t, m.name);
		else
			message(t, 0, "nothing deleted");
		break;
	case DO_ENDPOINT_MENU:
		if (ok)
			endpoint_form(t, m.name, m.ids[m.cur]);
		break;
	case DO_SCHEDULE_MENU:
		if (ok)
			schedule_form(t, m.name, m.ids[m.cur]);
		break;
	case DO_FORM:
		form_closed(t, m.form, m.data, ok);
		break;
	}
	modal_done(&m);
}

static void mouse(struct tui *t)
{
	MEVENT ev;

	if (getmouse(&ev) != OK || t->modal.kind != MODAL_NONE)
		return;
	if (ev.bstate & BUTTON4_PRESSED) {
		move_sel(t, -3);
	} else if (ev.bstate & BUTTON5_PRESSED) {
		move_sel(t, 3);
	} else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED)) {
		int r = t->top + ev.y - 2;

		if (t->screen == SCR_LIST && ev.y >= 2 && r < (int)t->nrows) {
			int again = r == t->sel || (ev.bstate & BUTTON1_DOUBLE_CLICKED);

			t->sel = r;
			if (again)
				open_selected(t);
		} else if (ev.y == LINES - 1) {
			/* the function-key bar: each label is 2 + 6 or 3 + 6 columns wide */
			const struct tui_key *k;
			int x = 0;
			char name[16];

			for (k = tui_keys; k->action != ACT_NONE; k++) {
				int w;

				if (!k->bar)
					continue;
				w = (int)strlen(tui_key_name(k->key, name)) + 7;
				if (ev.x >= x && ev.x < x + w) {
					act(t, k->action);
					break;
				}
				x += w;
			}
		}
		t->dirty = 1;
	}
}

static void keys(struct tui *t)
{
	int ch;

	/* Never block here, but wait a moment so that a lone Esc is told from
	 * the start of a key sequence. */
	while ((timeout(30), ch = getch()) != ERR) {
		enum modal_result r;

		if (ch == KEY_RESIZE) {
			t->dirty = 1;
		} else if (ch == KEY_MOUSE) {
			mouse(t);
		} else if (t->modal.kind != MODAL_NONE) {
			t->dirty = 1;
			if ((r = modal_key(&t->modal, ch)) != MODAL_OPEN)
				pop_down(t, r == MODAL_ANSWERED);
		} else {
			act(t, tui_key_action(ch));
		}
		if (t->quit)
			return;
	}
}

/* --- the loop -------------------------------------------------------------- */

int tui_check_terminal(struct error *e)
{
	if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
		return error_set(e, ERR_USAGE, "the dashboard needs a terminal; for scripts use "
					       "drtop status or drtop report");
	return 0;
}

int tui_run(struct db *db, const struct tui_options *o, struct error *e)
{
	struct tui t = {0};
	struct sigaction sa;
	const char *codeset;
	int use_color;

	if (tui_check_terminal(e) < 0)
		return -1;
	t.db = db;
	t.o = o;
	codeset = nl_langinfo(CODESET);
	t.utf8 = codeset && !strcmp(codeset, "UTF-8");
	if (!initscr())
		return error_set(e, ERR_INTERNAL, "cannot initialise the terminal");
	fatal_set_cleanup(restore_terminal);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGSEGV, on_crash);
	signal(SIGABRT, on_crash);
	signal(SIGBUS, on_crash);
	cbreak();
	noecho();
	intrflush(stdscr, FALSE);
	keypad(stdscr, TRUE);
	set_escdelay(25);
	curs_set(0);
	mousemask(BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED | BUTTON5_PRESSED, NULL);
	use_color = !o->no_color && !getenv("NO_COLOR") && has_colors();
	if (use_color) {
		start_color();
		use_default_colors();
	}
	if (theme_load(o->theme ? o->theme : "default", use_color, e) < 0) {
		endwin();
		fatal_set_cleanup(NULL);
		return -1;
	}
	/* A first frame from a quick look, then the full verdict. */
	reload(&t, 1);
	draw(&t);
	if (o->frames == 1)
		t.quit = 1; /* the first frame only: how fast it comes is measured */
	else
		reload(&t, 0);
	if (!t.quit)
		start_prober(&t);
	t.dirty = !t.quit;
	while (!t.quit && !interrupted) {
		int ready = 0;
		int64_t now;

		if (t.dirty) {
			draw(&t);
			t.dirty = 0;
			if (o->frames && t.frames >= o->frames)
				break;
		}
		if (t.prober) {
			if (prober_step(t.prober, 250, STDIN_FILENO, &ready, e) < 0) {
				message(&t, 1, "probing stopped: %s", e->msg);
				error_done(e);
				stop_prober(&t, 0);
			}
		} else {
			struct pollfd p = {STDIN_FILENO, POLLIN, 0};

			ready = poll(&p, 1, 250) > 0;
		}
		if (t.prober && prober_lost_lease(t.prober)) {
			long pid = 0;

			stop_prober(&t, 0);
			t.prober_elsewhere = recorder_heartbeat_other(t.db, &pid, NULL, NULL) > 0 ? pid : -1;
			message(&t, 0, "drtop probe --watch took over probing");
			t.dirty = 1;
		}
		keys(&t);
		now = probe_now_ms();
		if (now / 1000 != t.clock_s) { /* the header's clock */
			t.clock_s = now / 1000;
			t.dirty = 1;
		}
		if (now >= t.next_reload_ms) {
			reload(&t, 0);
			start_prober(&t); /* when the lease has come free */
		}
		if (o->frames)
			t.dirty = 1;
		(void)ready;
	}
	stop_prober(&t, 200);
	endwin();
	fatal_set_cleanup(NULL);
	board_free(&t.board);
	free(t.rows);
	free(t.filter);
	free(t.search);
	free(t.message);
	free(t.whatif_strategy);
	free(t.whatif_cron);
	free(t.whatif_label);
	verdict_done(&t.whatif_before);
	verdict_done(&t.whatif_after);
	modal_done(&t.modal);
	return 0;
}

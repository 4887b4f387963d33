/*
 * tui.c - the dashboard: one loop, and a thread that reads the verdict.
 *
 * The loop waits in curl_multi_poll (through prober_step) with the terminal
 * as the extra descriptor, so keys and probes are served together. It probes
 * only while it holds the database's probing lease, the one `drtop probe
 * --watch` takes: when another dashboard or a watcher holds it, or in
 * --readonly, it only reads (and takes the lease when it is free again).
 * The board (core/board.c: the verdict views) is re-read every few seconds
 * and after every change, so edits made elsewhere appear too; the reading
 * is done on a thread of its own (reader.c), so that no key waits for it.
 *
 * The views (view.h) draw the screen below the header and take their keys:
 * the list (view-list.c), a system's page with its what-if (view-detail.c,
 * view-whatif.c), the help (view-help.c); edit.c holds the forms. This file
 * holds the loop, the header and key bar, and hands each action to the open
 * view first. Pop-ups (prompts, questions, menus, forms: modal.c) are states
 * of the same loop, never a key loop of their own: while one is open the loop still probes, ticks the clock and redraws
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
#include <wchar.h>

#include "probe.h"
#include "rc.h"
#include "reader.h"
#include "prober.h"
#include "recorder.h"
#include "theme.h"
#include "util.h"
#include "view.h"
#include "when.h"

/* Ctrl-C (SIGINT) leaves, or, during a drill, aborts the drill and stays;
 * SIGTERM and SIGHUP (the terminal closed) abort a running drill (its command
 * ended, its abort command run, its end recorded) and then leave. */
static volatile sig_atomic_t interrupted, terminated;

static void on_signal(int sig)
{
	if (sig == SIGINT)
		interrupted = 1;
	else
		terminated = 1;
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

static const char *const sort_keys[SORT_COUNT] = {"status", "name", "tier", "lag", "rto"};

static const struct view_ops *const views[SCR_COUNT] = {
	[SCR_LIST] = &view_list_ops,
	[SCR_DETAIL] = &view_detail_ops,
	[SCR_HELP] = &view_help_ops,
	[SCR_ORDER] = &view_order_ops,
	[SCR_DRILL] = &view_drill_ops,
};

/* --- text helpers ---------------------------------------------------------- */

/* Put S at (Y, X) in at most W columns (one per code point), made printable. */
int tui_pane_x0, tui_pane_cols = 80;

void tui_clear_row(int y)
{
	mvhline(y, tui_pane_x0, ' ', tui_pane_cols);
}

/* The mark of text cut at the pane's edge. */
static const char *cut_mark = "~";

/* S at row Y, column X of the pane, in at most W columns. Text too long for
 * them is cut between words when the word cut lies within CUT_BACK columns
 * of the edge, so that no number is shown in part ("40m (39m50s-40m1"
 * would read as another figure), and ends with a mark. */
#define CUT_BACK 24
/* The screen columns of the character at S (of N bytes, set here): 2 for a
 * wide one (CJK, most emoji), 0 for a combining one, 1 for one not valid in
 * the locale (shown as one replacement). */
static int char_cols(const char *s, size_t *n)
{
	mbstate_t st;
	wchar_t wc;
	size_t len;
	int cols;

	memset(&st, 0, sizeof(st));
	len = mbrtowc(&wc, s, MB_CUR_MAX, &st);
	if (len == (size_t)-1 || len == (size_t)-2 || len == 0) {
		*n = 1;
		return 1;
	}
	*n = len;
	cols = wcwidth(wc);
	return cols < 0 ? 1 : cols;
}

void tui_put(int y, int x, int w, const char *s)
{
	struct strbuf sb = STRBUF_INIT;
	size_t i, n, mark_at = 0, over = 0, space = 0, keep;
	int col = 0, mark_col = -1, space_col = -1, past = 0, cut, cw;

	/* in the pane being drawn: X from its left edge, never past its right one */
	x += tui_pane_x0;
	if (w > tui_pane_x0 + tui_pane_cols - x)
		w = tui_pane_x0 + tui_pane_cols - x;
	if (w <= 0 || !s)
		return;
	/* where the text must end to leave a column for the mark, and the first
	 * character past the edge, counting screen columns (a wide character two) */
	for (i = 0; s[i]; i += n) {
		cw = char_cols(s + i, &n);
		if (mark_col < 0 && col + cw > w - 1)
			mark_at = i, mark_col = col;
		if (col + cw > w) {
			over = i, past = 1;
			break;
		}
		if (s[i] == ' ' && col < w - 1)
			space = i, space_col = col;
		col += cw;
	}
	cut = past && s[over + strspn(s + over, " ")]; /* blanks past the edge lose nothing */
	keep = !cut ? (past ? over : i) : mark_at;
	if (cut && mark_at > 0 && s[mark_at] != ' ' && s[mark_at - 1] != ' ' && space_col >= 0 &&
	    mark_col - space_col <= CUT_BACK)
		keep = space + 1, mark_col = space_col + 1; /* the word across the edge goes whole */
	for (i = 0; i < keep; i++) {
		unsigned char c = (unsigned char)s[i];

		strbuf_putc(&sb, c < 0x20 || c == 0x7f ? '?' : (char)c);
	}
	if (cut) { /* a mark, then blanks to the edge */
		strbuf_puts(&sb, cut_mark);
		for (col = mark_col + 1; col < w; col++)
			strbuf_putc(&sb, ' ');
	}
	mvaddstr(y, x, strbuf_str(&sb));
	strbuf_done(&sb);
}

void tui_putf(int y, int x, int w, const char *fmt, ...)
{
	va_list ap;
	char *s;

	va_start(ap, fmt);
	s = xvasprintf(fmt, ap);
	va_end(ap);
	tui_put(y, x, w, s);
	free(s);
}

/* A duration as every list and report shows one: rounded to two units. */
const char *tui_dur(int64_t s, char buf[DURATION_BUFSZ])
{
	if (s == BOARD_NONE)
		return "-";
	return duration_format_round(s < 0 ? 0 : s, buf);
}

/* S's worst recovery in a narrow cell: the point estimate, or "≥" and the
 * lower bound when that is all that is known (ongoing, or cut by a gap in
 * probing), the same figure the detail and the reports give. */
const char *tui_recovery(const struct tui *t, const struct board_system *s, char buf[DURATION_BUFSZ + 4])
{
	char d[DURATION_BUFSZ];
	int bound = s->worst_recovery_bound && s->worst_recovery_s != BOARD_NONE;
	int64_t v = bound && s->worst_recovery_lower_s != BOARD_NONE ? s->worst_recovery_lower_s
								     : s->worst_recovery_s;

	/* Down now, and longer than the verdict last measured: the outage going on
	 * is the worst, at the figure the reason gives (the verdict's was read a
	 * moment before). */
	if (s->down_since_ms != BOARD_NONE && s->down_lower_s != BOARD_NONE &&
	    (v == BOARD_NONE || s->down_lower_s > v)) {
		v = s->down_lower_s;
		bound = 1;
	}

	snprintf(buf, DURATION_BUFSZ + 4, "%s%s", bound ? t->utf8 ? "\u2265" : ">=" : "", tui_dur(v, d));
	return buf;
}

void tui_message(struct tui *t, int error, const char *fmt, ...)
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

static void serve(struct tui *t, int wait_ms);
static void draw(struct tui *t);

/* A read on the reader's thread that lasts longer than this is said in the header. */
#define READING_SHOWN_MS 100

/* While the verdict is read on the loop's own thread (when no reader thread
 * could start): every 10 ms, one pass of the loop without waiting (probes,
 * keys, the clock) and a redraw of what changed. The board on screen stays
 * the old one until the new one is read. */
static int read_yield(void *arg)
{
	struct tui *t = arg;
	int64_t now = probe_now_ms();

	if (t->o->frames || now - t->yielded_ms < 10)
		return t->quit || interrupted || terminated;
	if (!t->yielded_ms)
		t->dirty = 1; /* the header says it is reading */
	t->yielded_ms = now;
	serve(t, 0);
	if (t->dirty && !t->quit) {
		draw(t);
		t->dirty = 0;
	}
	return t->quit || interrupted || terminated;
}

/* The dashboard leaves (as every command does, exit 65) when E came of a
 * damaged file (SQLite's primary result CODE says so), with E's message,
 * which it takes; 0 otherwise. */
static int leave_if_damaged(struct tui *t, int code, struct error *e)
{
	if (code != SQLITE_CORRUPT && code != SQLITE_NOTADB)
		return 0;
	t->leave = *e;
	memset(e, 0, sizeof(*e));
	t->quit = 1;
	return 1;
}

/* Put board B, just read (RC 0), on the screen, or say why it could not be
 * read (RC -1, E, and SQLite's result CODE). */
static void reload_done(struct tui *t, int quick, int rc, int code, struct board *b, struct error *e)
{
	int64_t keep;

	t->reading = 0;
	if (t->yielded_ms)
		t->dirty = 1;
	if (rc < 0) {
		board_free(b); /* what a failed quick look read */
		if (leave_if_damaged(t, code, e))
			return;
		if (!t->quit && !interrupted && !terminated)
			tui_message(t, 1, "%s", e->msg);
		error_done(e);
		t->next_reload_ms = probe_now_ms() + 5000;
		return;
	}
	/* A system chosen stays selected (t->rows index the board read before);
	 * until one is, the selection is the top row, the worst. */
	keep = t->chosen ? view_list_selected_id(t) : 0;
	if (t->rthread)
		reader_discard(t->rthread, &t->board);
	else
		board_free(&t->board);
	t->board = *b;
	t->loaded_full = !quick;
	view_list_arrange_keeping(t, keep);
	view_order_board_changed(t);
	t->load_cost_ms = probe_now_ms() - t->read_started_ms;
	/* Re-read every 2 s, or less often when reading costs more (large inventories). */
	t->next_reload_ms = probe_now_ms() + (t->load_cost_ms * 10 > 2000 ? t->load_cost_ms * 10 : 2000);
	if (t->reload_again) {
		t->reload_again = 0;
		t->next_reload_ms = 0;
	}
}

void tui_reload(struct tui *t, int quick)
{
	struct error e = {0};
	struct board b;
	int rc;

	if (t->reading) { /* asked while reading: read again after */
		t->reload_again = 1;
		return;
	}
	t->reading = !quick;
	t->yielded_ms = 0;
	t->read_started_ms = probe_now_ms();
	if (!quick && t->rthread) { /* on the reader's thread: reload_collect takes the board */
		reader_ask(t->rthread, t->prober != NULL);
		return;
	}
	rc = quick ? board_load_quick(t->reader, &b, &e)
		   : board_load(t->reader,
				&(struct board_options){.yield = t->reader != t->db ? read_yield : NULL,
							.yield_arg = t,
							.snapshot = 1},
				&b, &e);
	/* The dashboard that probes keeps the status history from the verdict it
	 * has just read, not its prober from a read of its own every few seconds
	 * that would hold up probing, keys and the screen. */
	if (rc == 0 && !quick && t->prober)
		rc = board_note_history(t->reader, &b, &e);
	reload_done(t, quick, rc, rc < 0 ? sqlite3_extended_errcode(t->reader->h) & 0xff : 0, &b, &e);
}

/* The board the reader's thread has read, once it is done; until then, after
 * a moment, the header says the verdict is being read. */
static void reload_collect(struct tui *t)
{
	struct error e = {0};
	struct board b;
	int rc, code;

	if (!t->rthread || !t->reading)
		return;
	if (reader_take(t->rthread, &b, &rc, &code, &e)) {
		reload_done(t, 0, rc, code, &b, &e);
	} else if (!t->yielded_ms && probe_now_ms() - t->read_started_ms >= READING_SHOWN_MS) {
		t->yielded_ms = probe_now_ms();
		t->dirty = 1;
	}
}

const struct board_system *tui_selected(const struct tui *t)
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

/* Leave when the database file was replaced or removed while the dashboard
 * ran: its connections would go on showing (and writing to) the file that is
 * gone, while the path names another. */
static void leave_if_replaced(struct tui *t)
{
	if (t->quit || !db_replaced(t->db))
		return;
	error_set(&t->leave, ERR_IO,
		  "the database file %s was replaced or removed while the dashboard ran; start "
		  "it again to read the file there now",
		  t->db->path);
	t->quit = 1;
}

/* Take the probing lease and probe; while another prober (a dashboard or a
 * `probe --watch`) holds it, note its PID and only read. */
static void start_prober(struct tui *t)
{
	struct error e = {0};
	long pid = 0;

	if (t->prober || db_replaced(t->db))
		return; /* a file replaced: leave_if_replaced says so */
	if (t->o->readonly) { /* never probes: says whether something else does */
		t->prober_elsewhere = recorder_heartbeat_other(t->db, &pid, NULL, NULL) > 0 ? pid : 0;
		return;
	}
	if (recorder_heartbeat_other(t->db, &pid, NULL, NULL) > 0) {
		t->prober_elsewhere = pid;
		return;
	}
	if (recorder_heartbeat_claim(t->db, RECORDER_DASHBOARD, &e) < 0) {
		if (e.kind == ERR_BUSY) /* taken just now */
			t->prober_elsewhere = recorder_heartbeat_other(t->db, &pid, NULL, NULL) > 0 ? pid : -1;
		else if (!leave_if_damaged(t, sqlite3_extended_errcode(t->db->h) & 0xff, &e))
			tui_message(t, 1, "cannot probe: %s", e.msg);
		error_done(&e);
		return;
	}
	t->prober_elsewhere = 0;
	t->prober = prober_new(t->db, &(struct prober_options){.no_history = 1}, NULL, NULL, &e);
	if (!t->prober) {
		if (!leave_if_damaged(t, sqlite3_extended_errcode(t->db->h) & 0xff, &e))
			tui_message(t, 1, "cannot probe: %s", e.msg);
		error_done(&e);
		recorder_heartbeat_release(t->db);
		return;
	}
	prober_set_heartbeat(t->prober, 1);
	if (t->message && strstr(t->message, "took over probing")) /* no longer so */
		tui_message(t, 0, "probing again: the lease came free");
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
void tui_restart_prober(struct tui *t)
{
	struct error e = {0};

	if (!t->prober) {
		start_prober(t);
	} else if (prober_reload(t->prober, 0, &e) < 0) {
		tui_message(t, 1, "probing stopped: %s", e.msg);
		error_done(&e);
		stop_prober(t, 0);
	}
}

/* Endpoints or systems added, changed or removed by another command or
 * process: probe what the inventory now holds, as probe --watch does. */
static void follow_inventory(struct tui *t)
{
	struct error e = {0};

	if (t->prober && prober_follow_inventory(t->prober, 0, &e) < 0) {
		tui_message(t, 1, "probing stopped: %s", e.msg);
		error_done(&e);
		stop_prober(t, 0);
	}
}

/* The outbox at a glance for the header, read every 2 s: what it costs
 * follows the notifications waiting and failed lately, not the outbox's size.
 * It never waits for a lock (the loop would wait with it): a read that would,
 * or that fails, keeps what the header said. */
static void read_notify(struct tui *t)
{
	struct notify_status s;
	int rc;

	t->next_notify_ms = probe_now_ms() + 2000;
	db_nowait(t->db, 1);
	rc = notify_status_read(t->db, t->prober != NULL, &s, NULL);
	db_nowait(t->db, 0);
	if (rc < 0)
		return;
	if (s.waiting != t->notify.waiting || s.failed != t->notify.failed || s.held != t->notify.held ||
	    s.am_failing != t->notify.am_failing ||
	    s.late != t->notify.late || s.nobody != t->notify.nobody ||
	    (s.late && s.oldest_s / 60 != t->notify.oldest_s / 60))
		t->dirty = 1;
	t->notify = s;
}

/* --- drawing --------------------------------------------------------------- */

/* Put a part of the header at X in element C; returns where the next goes. */
static int segment(struct tui *t, int x, enum tui_color c, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int segment(struct tui *t, int x, enum tui_color c, const char *fmt, ...)
{
	va_list ap;
	char *text;
	int n;

	(void)t;
	va_start(ap, fmt);
	text = xvasprintf(fmt, ap);
	va_end(ap);
	attrset(theme_attr(c));
	tui_put(0, x, COLS - x - 10, text);
	n = (int)strlen(text);
	free(text);
	return x + n + 1;
}

/* The notifications' part of the header at DETAIL (0: all, 4: the least), or
 * "" when nothing waits, nothing is held and nothing failed lately (a quiet
 * system stays quiet):
 *   0  notify: 3 waiting (oldest 12m, nobody delivering), 2 held (channel disabled), 1 failed
 *   1  notify: 3 waiting (nobody delivering), 2 held, 1 failed    or (oldest 12m)
 *   2  notify: 3 stuck, 2 held, 1 failed  (nobody delivering)     or 3 waiting (12m)
 *   3  notify: 3 stuck, 1 failed                                  or 3 waiting
 *   4  notify: 1 failed                                           (when some failed)
 * each failed part followed by ", 1 alertmanager failing" (its refreshes fail)
 * but at 4, where it stands alone only when nothing failed. The age is given
 * once the oldest is late. Those held for a disabled channel are not
 * waiting: nobody sends them until it is enabled. *WAITING_LEN receives the
 * length up to the held part (drawn in the header's colour), *HELD_LEN up to
 * the failed part, drawn in the alarm colour. */
static char *notify_text(const struct notify_status *n, int detail, size_t *waiting_len,
			 size_t *held_len)
{
	struct strbuf sb = STRBUF_INIT;
	char age[DURATION_BUFSZ];

	int alarm = n->failed || n->am_failing; /* a part in the alarm colour */

	*waiting_len = *held_len = 0;
	if (!n->waiting && !alarm && !n->held)
		return strbuf_detach(&sb);
	strbuf_puts(&sb, "notify: ");
	if (n->waiting && !(detail == 4 && alarm)) {
		strbuf_printf(&sb, "%lld %s", (long long)n->waiting,
			      n->nobody && detail >= 2 ? "stuck" : "waiting");
		if (n->late)
			duration_format_round(n->oldest_s, age);
		if (detail == 0 && n->late && n->nobody)
			strbuf_printf(&sb, " (oldest %s, nobody delivering)", age);
		else if (detail <= 1 && n->nobody)
			strbuf_puts(&sb, " (nobody delivering)");
		else if (detail <= 1 && n->late)
			strbuf_printf(&sb, " (oldest %s)", age);
		else if (detail == 2 && n->late && !n->nobody)
			strbuf_printf(&sb, " (%s)", age);
		if (alarm || (n->held && detail <= 2))
			strbuf_puts(&sb, ", ");
	}
	*waiting_len = sb.len;
	if (n->held && (detail <= 2 || (!n->waiting && !alarm))) {
		strbuf_printf(&sb, "%lld held", (long long)n->held);
		if (detail == 0)
			strbuf_puts(&sb, " (channel disabled)");
		if (alarm)
			strbuf_puts(&sb, ", ");
	}
	*held_len = sb.len;
	if (n->failed)
		strbuf_printf(&sb, "%lld failed", (long long)n->failed);
	if (n->am_failing && (detail <= 3 || !n->failed))
		strbuf_printf(&sb, "%s%lld alertmanager%s failing", n->failed ? ", " : "",
			      (long long)n->am_failing, n->am_failing > 1 ? "s" : "");
	return strbuf_detach(&sb);
}

/* Draw the notifications' part at X, in at most ROOM columns and at the most
 * DETAIL that fits (the least, cut, when none does); returns where the next
 * part goes, X when there is nothing to say. */
static int draw_notify(struct tui *t, int x, int room)
{
	enum tui_color wc = t->notify.late || t->notify.nobody ? C_WARN : C_HEADER;
	size_t wlen, hlen, len;
	char *text = NULL;
	int detail;

	for (detail = 0; detail <= 4; detail++) {
		free(text);
		text = notify_text(&t->notify, detail, &wlen, &hlen);
		if ((int)(len = strlen(text)) <= room)
			break;
	}
	if (len) {
		attrset(theme_attr(C_HEADER));
		tui_put(0, x, room, "notify: ");
		attrset(theme_attr(wc));
		tui_putf(0, x + 8, room - 8, "%.*s", (int)(wlen - 8), text + 8);
		attrset(theme_attr(C_HEADER));
		tui_putf(0, x + (int)wlen, room - (int)wlen, "%.*s", (int)(hlen - wlen), text + wlen);
		attrset(theme_attr(C_BREACH));
		tui_put(0, x + (int)hlen, room - (int)hlen, text + hlen);
		x += (int)len + 2;
	}
	free(text);
	return x;
}

static void draw_header(struct tui *t)
{
	char clock[WHEN_BUFSZ], elsewhere[64], waiting[96], given[128];
	int64_t unrecorded = t->prober ? prober_unrecorded_since(t->prober) : 0;

	/* a lock of a moment is nothing to tell; two seconds of one are */
	if (unrecorded && prober_clock_ms() - unrecorded < 2000)
		unrecorded = 0;
	/* a clock set by --now or --as-of is a date, not this moment: shown whole */
	int fixed = when_known() || when_now_given(), cw = fixed ? 21 : 10;
	int x = 1, clock_shown;
	size_t wlen, hlen;
	char *least;
	const char *state = when_known() ? when_clock_note()
			    : t->o->readonly && !t->prober_elsewhere ? "read-only, nobody probing"
			    : t->prober_elsewhere ? elsewhere
			    : t->prober && unrecorded ? waiting
			    : t->prober ? "probing" : "not probing";

	if (when_now_given()) { /* never passes for the present */
		snprintf(given, sizeof(given), "--now, %s", state);
		state = given;
	}

	if (unrecorded) { /* what the list shows is older than what the prober has seen */
		char d[DURATION_BUFSZ];

		snprintf(waiting, sizeof(waiting), "db busy, %zu unrecorded %s",
			 prober_pending(t->prober),
			 duration_format_round((prober_clock_ms() - unrecorded) / 1000, d));
	}
	snprintf(elsewhere, sizeof(elsewhere), "%sprobing elsewhere", t->o->readonly ? "read-only, " : "");
	if (t->prober_elsewhere > 0)
		snprintf(elsewhere + strlen(elsewhere), sizeof(elsewhere) - strlen(elsewhere), " (pid %ld)",
			 t->prober_elsewhere);

	attrset(theme_attr(C_HEADER));
	mvhline(0, 0, ' ', COLS);
	x = segment(t, x, C_HEADER, "%zu systems", t->board.nsystems);
	x = segment(t, x, C_BREACH, " BREACH %d ", t->board.breach);
	x = segment(t, x, C_WARN, " WARN %d ", t->board.warn);
	x = segment(t, x, C_UNKNOWN, " UNKNOWN %d ", t->board.unknown);
	x = segment(t, x, C_OK, " OK %d ", t->board.ok);
	/* outages going on now: down differs from breached in the window */
	x = segment(t, x, t->board.down ? C_BREACH : C_HEADER, " DOWN %d ", t->board.down);
	/* Notifications not delivered come before what the dashboard is doing,
	 * and before the clock when they need its room too. */
	least = notify_text(&t->notify, 4, &wlen, &hlen);
	clock_shown = (int)strlen(least) <= COLS - x - cw;
	free(least);
	x = draw_notify(t, x, clock_shown ? COLS - x - cw : COLS - x - 1);
	attrset(theme_attr(C_HEADER));
	when_format(when_now(), clock);
	if (state == elsewhere && (int)strlen(elsewhere) > COLS - x - cw && strchr(elsewhere, '('))
		strchr(elsewhere, '(')[-1] = '\0'; /* the PID left out */
	/* What the dashboard is doing (above all whether it probes) comes before
	 * the clock on a narrow terminal, when it would not fit beside it (12
	 * columns of it at least); under --as-of the clock is the time shown, and
	 * stays. */
	if (clock_shown && COLS - x - cw < ((int)strlen(state) < 12 ? (int)strlen(state) : 12) && !fixed &&
	    COLS - x - 1 >= 8)
		clock_shown = 0;
	if (COLS - x - (clock_shown ? cw : 1) >= 8) {
		const char *reading = t->loaded_full && !(t->reading && t->yielded_ms) ? "" : ", reading verdict";

		/* A read-only dashboard's state is long ("read-only, nobody probing"):
		 * while a reading is under way, and both would not fit, the reading is
		 * said and the state shortened to "read-only" for that moment. */
		if (*reading && t->o->readonly && !when_known() &&
		    (int)(strlen(state) + strlen(reading)) > COLS - x - (clock_shown ? cw : 1))
			state = when_now_given() ? "--now, read-only" : "read-only";
		tui_putf(0, x, COLS - x - (clock_shown ? cw : 1), "%s%s", state, reading);
	}
	if (clock_shown && fixed) {
		clock[10] = ' '; /* 2026-11-25 22:25:00Z */
		tui_put(0, COLS - 20, 20, clock);
	} else if (clock_shown) {
		tui_put(0, COLS - 9, 9, clock + 11);
	}
}

/* The key bar: the filter first when there is one ("Filter: backup  7 of
 * 15"), then the function keys that fit, leaving out those of highest drop
 * rank first (F1, F9 and F10 stay), and with --readonly those that write. */
struct bar {
	char *filter;                 /* the filter's part, or NULL (owned) */
	const struct tui_key *k[16]; /* the keys shown, and where each starts */
	int x[16], w[16], n;
};

static void bar_layout(struct tui *t, struct bar *b)
{
	const struct tui_key *k;
	char name[16];
	int width, i, worst;

	memset(b, 0, sizeof(*b));
	if (t->filter)
		b->filter = xasprintf("Filter: %s  %zu of %zu ", t->filter, t->nrows, t->board.nsystems);
	for (k = tui_keys; k->action != ACT_NONE && b->n < 16; k++)
		if (k->bar && !(k->writes && t->o->readonly)) {
			b->k[b->n] = k;
			b->w[b->n++] = (int)strlen(tui_key_name(k->key, name)) + (int)strlen(k->bar) + 1;
		}
	for (;;) {
		width = b->filter ? (int)strlen(b->filter) : 0;
		worst = -1;
		for (i = 0; i < b->n; i++) {
			b->x[i] = width;
			width += b->w[i];
			if (b->k[i]->drop > 0 && (worst < 0 || b->k[i]->drop > b->k[worst]->drop))
				worst = i;
		}
		if (width <= COLS || worst < 0)
			return;
		b->n--;
		memmove(&b->k[worst], &b->k[worst + 1], (size_t)(b->n - worst) * sizeof(b->k[0]));
		memmove(&b->w[worst], &b->w[worst + 1], (size_t)(b->n - worst) * sizeof(b->w[0]));
	}
}

static void draw_fkeys(struct tui *t)
{
	struct bar b;
	char name[16];
	int i;

	move(LINES - 1, 0);
	attrset(theme_attr(C_FKEY_LABEL));
	hline(' ', COLS);
	if (t->message) {
		attrset(theme_attr(t->message_error ? C_ERROR : C_INFO));
		tui_put(LINES - 1, 0, COLS, t->message);
		return;
	}
	bar_layout(t, &b);
	if (b.filter) {
		attrset(theme_attr(C_INFO));
		tui_put(LINES - 1, 0, COLS, b.filter);
		free(b.filter);
	}
	for (i = 0; i < b.n; i++) {
		int w = (int)strlen(tui_key_name(b.k[i]->key, name));

		attrset(theme_attr(C_FKEY_LABEL));
		tui_put(LINES - 1, b.x[i], w, name);
		attrset(theme_attr(C_FKEY));
		tui_put(LINES - 1, b.x[i] + w, b.w[i] - w - 1, b.k[i]->bar);
	}
}

static void draw(struct tui *t)
{
	erase();
	if (COLS < 80 || LINES < 24) {
		attrset(theme_attr(C_ERROR));
		tui_putf(0, 0, COLS, "drtop needs at least 80x24 (this terminal is %dx%d)", COLS, LINES);
		refresh();
		return;
	}
	tui_pane_x0 = 0;
	tui_pane_cols = COLS;
	draw_header(t);
	if (t->screen == SCR_LIST && COLS >= SPLIT_COLS && t->nrows) {
		/* a wide terminal: the list, and the selected system's page beside it */
		int left = COLS * 11 / 20;

		tui_pane_cols = left;
		views[SCR_LIST]->draw(t);
		attrset(theme_attr(C_DIM));
		mvvline(1, left, ACS_VLINE, LINES - 2);
		tui_pane_x0 = left + 1;
		tui_pane_cols = COLS - left - 1;
		views[SCR_DETAIL]->draw(t);
		tui_pane_x0 = 0;
		tui_pane_cols = COLS;
	} else {
		views[t->screen]->draw(t);
	}
	draw_fkeys(t);
	modal_draw(&t->modal);
	refresh();
	t->frames++;
}

/* --- input ----------------------------------------------------------------- */

/* Open a pop-up that ACTION answers, about system NAME (or NULL). */
struct modal *tui_pop_up(struct tui *t, int action, const char *name)
{
	modal_done(&t->modal);
	t->modal.action = action;
	t->modal.name = name ? xstrdup(name) : NULL;
	t->dirty = 1;
	return &t->modal;
}

int tui_editable(struct tui *t)
{
	if (t->o->readonly)
		tui_message(t, 1, when_known() ? "read-only: no changes (started with --as-of)"
					       : "read-only: no changes (started with --readonly)");
	return !t->o->readonly;
}

/* Action A: the open view's first, then what every view shares. */
static void act(struct tui *t, enum tui_action a)
{
	const struct board_system *s;

	free(t->message);
	t->message = NULL;
	t->dirty = 1;
	if (views[t->screen]->act(t, a))
		return;
	s = tui_selected(t);
	switch (a) {
	case ACT_HELP:
		t->help_from = t->screen;
		t->help_top = 0;
		t->screen = SCR_HELP;
		break;
	case ACT_QUIT:
		if (view_drill_running(t))
			view_drill_ask_abort(t); /* quit once it is recorded */
		else
			t->quit = 1;
		break;
	case ACT_DRILL_RUN:
		if (tui_editable(t) && (s || t->drill))
			view_drill_open(t, s);
		break;
	case ACT_DRILL_ABORT:
		if (view_drill_running(t))
			view_drill_ask_abort(t);
		else
			tui_message(t, 0, "no drill is running");
		break;
	case ACT_ORDER:
		view_order_open(t);
		break;
	case ACT_SEARCH:
		t->screen = SCR_LIST;
		t->search_from = t->sel;
		modal_prompt(tui_pop_up(t, DO_SEARCH, NULL), "search", NULL);
		break;
	case ACT_SEARCH_NEXT:
		view_list_search_next(t, t->sel + 1);
		break;
	case ACT_FILTER:
		modal_prompt(tui_pop_up(t, DO_FILTER, NULL),
			     "filter (name, owner, strategy or status; empty: all)", t->filter);
		break;
	case ACT_SORT:
		t->sort = (t->sort + 1) % SORT_COUNT;
		view_list_arrange(t);
		view_list_sorted(t);
		break;
	case ACT_THEME: {
		struct error e = {0};
		const char *next = theme_next();

		if (theme_load(next, !t->o->no_color && has_colors(), &e) < 0) {
			tui_message(t, 1, "%s", e.msg);
			error_done(&e);
		} else {
			tui_message(t, 0, "theme %s", next);
			t->settings_changed = 1;
		}
		break;
	}
	case ACT_PROBE:
		if (!tui_editable(t))
			break;
		if (t->prober) {
			prober_probe_now(t->prober);
			tui_message(t, 0, "probing every endpoint now");
		} else {
			tui_message(t, 1, t->prober_elsewhere ? "another prober (a dashboard or drtop probe "
								"--watch) does the probing"
							      : "nothing to probe");
		}
		break;
	case ACT_ADD:
		if (tui_editable(t))
			edit_system(t, NULL);
		break;
	case ACT_EDIT:
		if (s && tui_editable(t))
			edit_system(t, s);
		break;
	case ACT_DELETE:
		if (s && tui_editable(t))
			edit_delete(t, s);
		break;
	case ACT_REFRESH:
		tui_reload(t, 0);
		break;
	default:
		break;
	}
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
			view_list_search_next(t, t->search_from);
		}
		break;
	case DO_FILTER:
		if (ok) {
			free(t->filter);
			t->filter = m.text.len ? strbuf_detach(&m.text) : NULL;
			t->screen = SCR_LIST;
			view_list_arrange(t);
		}
		break;
	case DO_WHATIF_SCHEDULE:
		if (ok && t->screen == SCR_DETAIL)
			view_whatif_schedule(t, strbuf_str(&m.text));
		break;
	case DO_DRILL_FORM:
	case DO_DRILL_CONFIRM:
	case DO_DRILL_ABORT:
		view_drill_answered(t, &m, ok);
		break;
	default:
		edit_answered(t, &m, ok);
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
		act(t, ACT_UP), act(t, ACT_UP), act(t, ACT_UP);
	} else if (ev.bstate & BUTTON5_PRESSED) {
		act(t, ACT_DOWN), act(t, ACT_DOWN), act(t, ACT_DOWN);
	} else if (ev.bstate & (BUTTON1_CLICKED | BUTTON1_PRESSED | BUTTON1_DOUBLE_CLICKED)) {
		if (t->screen == SCR_LIST && ev.y >= 1 && ev.y < LINES - 1) {
			view_list_click(t, ev.y, ev.x, !!(ev.bstate & BUTTON1_DOUBLE_CLICKED));
		} else if (ev.y == LINES - 1) {
			struct bar b;
			int i;

			bar_layout(t, &b);
			free(b.filter);
			for (i = 0; i < b.n; i++)
				if (ev.x >= b.x[i] && ev.x < b.x[i] + b.w[i]) {
					act(t, b.k[i]->action);
					break;
				}
		}
		t->dirty = 1;
	}
}

/* F3 searches as the operator types: each key selects the first system
 * named like the text so far, from where the search began. */
static void search_as_typed(struct tui *t)
{
	free(t->search);
	t->search = xstrdup(strbuf_str(&t->modal.text));
	if (*t->search)
		view_list_search_next(t, t->search_from);
	else
		t->sel = t->search_from;
	t->dirty = 1;
}

static void keys(struct tui *t)
{
	int ch = 0;

	/* Never block here: take the keys there are (after an Esc, wait a moment
	 * so that a lone Esc is told from the start of a key sequence). */
	while ((timeout(ch == 27 ? 30 : 0), ch = getch()) != ERR) {
		enum modal_result r;

		if (ch == KEY_RESIZE) {
			t->dirty = 1;
		} else if (ch == KEY_MOUSE) {
			mouse(t);
		} else if (t->modal.kind != MODAL_NONE) {
			t->dirty = 1;
			if ((r = modal_key(&t->modal, ch)) != MODAL_OPEN)
				pop_down(t, r == MODAL_ANSWERED);
			else if (t->modal.action == DO_SEARCH)
				search_as_typed(t);
		} else {
			act(t, tui_key_action(ch));
		}
		if (t->quit)
			return;
	}
}

/* --- the loop -------------------------------------------------------------- */

/* One pass of the loop but the drawing: wait up to WAIT_MS for the terminal
 * or the probes, serve them, tick the clock. */
static void serve(struct tui *t, int wait_ms)
{
	struct error e = {0};
	int ready = 0;
	int64_t now;

	if (t->prober) {
		if (prober_step(t->prober, wait_ms, STDIN_FILENO, &ready, &e) < 0) {
			tui_message(t, 1, "probing stopped: %s", e.msg);
			error_done(&e);
			stop_prober(t, 0);
		}
	} else {
		struct pollfd p = {STDIN_FILENO, POLLIN, 0};

		ready = poll(&p, 1, wait_ms) > 0;
	}
	if (t->prober && prober_lost_lease(t->prober)) {
		long pid = 0;

		stop_prober(t, 0);
		t->prober_elsewhere = recorder_heartbeat_other(t->db, &pid, NULL, NULL) > 0 ? pid : -1;
		tui_message(t, 0, "drtop probe --watch took over probing");
		t->dirty = 1;
	}
	view_drill_serve(t);
	if (ready || wait_ms) /* between the steps of a read: only when a key is there */
		keys(t);
	now = probe_now_ms();
	if (now / 1000 != t->clock_s) { /* the header's clock, and a look at the file */
		t->clock_s = now / 1000;
		t->dirty = 1;
		leave_if_replaced(t);
	}
}

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
	struct tui_rc rc;
	struct error te = {0};
	struct sigaction sa;
	int i, aborting = 0;
	const char *codeset;
	int use_color;

	if (tui_check_terminal(e) < 0)
		return -1;
	t.db = db;
	t.o = o;
	t.reader = db; /* until the first frame is drawn (below) */
	codeset = nl_langinfo(CODESET);
	t.utf8 = codeset && !strcmp(codeset, "UTF-8");
	cut_mark = t.utf8 ? "\u2026" : "~";
	if (!initscr())
		return error_set(e, ERR_INTERNAL, "cannot initialise the terminal");
	fatal_set_cleanup(restore_terminal);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
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
	tui_rc_load(&rc);
	for (i = 0; rc.sort && i < SORT_COUNT; i++)
		if (!strcmp(rc.sort, sort_keys[i]))
			t.sort = (enum sort)i;
	t.reverse = rc.reverse;
	/* The theme kept in drtoprc, unless --theme names one; a kept theme gone
	 * since is left for the default. */
	if (!o->theme && rc.theme && theme_load(rc.theme, use_color, &te) == 0) {
		/* loaded */
	} else if (theme_load(o->theme ? o->theme : "default", use_color, e) < 0) {
		endwin();
		fatal_set_cleanup(NULL);
		tui_rc_done(&rc);
		return -1;
	}
	/* A first frame from a quick look, then the full verdict. */
	tui_reload(&t, 1);
	if (!t.quit)
		draw(&t);
	if (o->frames == 1)
		t.quit = 1; /* the first frame only: how fast it comes is measured */
	/* The verdict is read on a connection of its own, so that keys served
	 * meanwhile can use the database too (opened once the first frame is
	 * drawn: reading the schema again is a part of it at 100,000 systems),
	 * and on a thread of its own, except when frames are counted (each then
	 * shows a read that is done) or no second connection opened. */
	if (!t.quit) {
		struct error re = {0};

		t.reader = db_open(db->path, DB_NO_CREATE | DB_NO_MIGRATE | DB_READ, &re);
		if (!t.reader)
			t.reader = db;
		error_done(&re);
	}
	if (!t.quit && !o->frames && t.reader != db)
		t.rthread = reader_start(t.reader);
	if (!t.quit)
		tui_reload(&t, 0);
	if (!t.quit) {
		start_prober(&t);
		read_notify(&t);
	}
	t.dirty = !t.quit;
	while (!t.quit) {
		if ((interrupted || terminated) && !view_drill_running(&t))
			break;
		if (interrupted || (terminated && !aborting)) {
			/* Ctrl-C during a drill aborts the drill, not the dashboard; a
			 * SIGTERM or SIGHUP aborts it and leaves once it has ended */
			aborting = terminated;
			interrupted = 0;
			view_drill_interrupt(&t);
		}
		if (t.dirty) {
			draw(&t);
			t.dirty = 0;
			if (o->frames && t.frames >= o->frames)
				break;
		}
		/* a drill's probes: step it often; a read on the reader's thread: take it when done */
		serve(&t, t.rthread && t.reading ? 10 : view_drill_running(&t) ? 50 : 250);
		reload_collect(&t);
		follow_inventory(&t);
		if (!t.reading && probe_now_ms() >= t.next_reload_ms) { /* a reading under way is not asked again */
			tui_reload(&t, 0);
			start_prober(&t); /* when the lease has come free */
		}
		if (probe_now_ms() >= t.next_notify_ms)
			read_notify(&t);
		if (o->frames)
			t.dirty = 1;
	}
	reader_stop(t.rthread);
	stop_prober(&t, 200);
	endwin();
	fatal_set_cleanup(NULL);
	if (t.settings_changed) { /* theme or sort: kept for the next start */
		char *why = NULL;

		free(rc.theme);
		rc.theme = xstrdup(theme_name());
		free(rc.sort);
		rc.sort = xstrdup(sort_keys[t.sort]);
		rc.reverse = t.reverse;
		if (tui_rc_save(&rc, &why) < 0)
			fprintf(stderr, "drtop: settings not kept: %s\n", why);
		free(why);
	}
	tui_rc_done(&rc);
	error_done(&te);
	board_free(&t.board);
	free(t.rows);
	free(t.filter);
	free(t.search);
	free(t.message);
	view_whatif_done(&t);
	view_order_done(&t);
	modal_done(&t.modal);
	view_drill_done(&t);
	if (t.reader != db)
		db_close(t.reader);
	if (t.leave.msg) {
		*e = t.leave;
		return -1;
	}
	return 0;
}

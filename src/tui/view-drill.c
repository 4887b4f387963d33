/*
 * view-drill.c - a drill that drtop runs, from the dashboard (r).
 *
 * r on a system opens a form with the drill's kind and commands (the ones of
 * its latest measured drill offered again), checks it as drtop drill run
 * does, and shows the drill screen with every step it would take, the
 * endpoints and the commands, asking before it starts. While the drill runs
 * the screen shows a live timer against the RTO, the probes as they come,
 * the last lines of the command's output and the steps; at the end, the
 * result. x aborts it (Ctrl-C too; x and q elsewhere ask first):
 * the command's process group ends and the abort command runs.
 *
 * The drill (core/drill.c) is a state machine the loop steps between its
 * other work (view_drill_serve, from the loop's serve): the dashboard keeps
 * probing every system and serving keys while it runs, and the operator may
 * leave the screen (Esc) and come back to it (r). One drill at a time.
 */
#include "config.h"

#include <curses.h>
#include <stdlib.h>
#include <string.h>

#include "drill.h"
#include "form.h"
#include "theme.h"
#include "util.h"
#include "view.h"

#define RING 64 /* lines kept of each kind */

struct ring {
	char *line[RING];
	size_t n; /* lines ever added */
};

struct drill_view {
	struct tui *t;
	char *system, *kind, *command, *verify, *abort;
	int64_t timeout_ms;
	struct drill_info info;
	int have_info;
	struct strbuf plan; /* drill_describe's steps */
	struct drill *d;
	struct ring steps, probes, output;
	int done;
	struct drill_result res;
	char *failure;
	int abort_asked;
};

static const char *const kinds[] = {"failover", "restore", NULL};

static void ring_add(struct ring *r, const char *s)
{
	free(r->line[r->n % RING]);
	r->line[r->n % RING] = xstrdup(s);
	r->n++;
}

static void ring_done(struct ring *r)
{
	size_t i;

	for (i = 0; i < RING; i++)
		free(r->line[i]);
	memset(r, 0, sizeof(*r));
}

static void view_free(struct drill_view *v)
{
	if (!v)
		return;
	drill_free(v->d);
	if (v->have_info)
		drill_info_done(&v->info);
	strbuf_done(&v->plan);
	ring_done(&v->steps);
	ring_done(&v->probes);
	ring_done(&v->output);
	free(v->system);
	free(v->kind);
	free(v->command);
	free(v->verify);
	free(v->abort);
	free(v->failure);
	free(v);
}

static void free_data(void *data)
{
	view_free(data);
}

static void plan_of(const struct drill_view *v, struct drill_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->system = v->system;
	p->kind = v->kind;
	p->command = v->command;
	p->verify = v->verify;
	p->abort = v->abort;
	p->timeout_ms = v->timeout_ms;
}

static char *value(const struct form *f, int i)
{
	return *form_value(f, i) ? xstrdup(form_value(f, i)) : NULL;
}

/* The form was filled in: check the drill as drill run does. */
static int submit(struct form *f, void *arg)
{
	struct drill_view *v = arg;
	struct drill_plan p;
	struct error e = {0};
	int64_t timeout = 0;

	if (*form_value(f, 4) && duration_parse(form_value(f, 4), 0, &timeout, &e) < 0) {
		form_set_error(f, 4, e.msg);
		error_done(&e);
		return -1;
	}
	free(v->kind), free(v->command), free(v->verify), free(v->abort);
	v->kind = xstrdup(form_value(f, 0));
	v->command = value(f, 1);
	v->verify = value(f, 2);
	v->abort = value(f, 3);
	v->timeout_ms = timeout * 1000;
	if (v->have_info)
		drill_info_done(&v->info);
	plan_of(v, &p);
	v->have_info = drill_check(v->t->db, &p, &v->info, &e) == 0;
	if (!v->have_info) {
		form_set_error(f, -1, e.msg);
		error_done(&e);
		return -1;
	}
	return 0;
}

void view_drill_open(struct tui *t, const struct board_system *s)
{
	struct drill_view *v;
	struct form *f;
	struct modal *m;
	char *kind = NULL, *command = NULL, *verify = NULL, *abort = NULL;
	struct error e = {0};

	if (view_drill_running(t) || !s) {
		t->screen = SCR_DRILL; /* one at a time: the one there is */
		return;
	}
	view_drill_done(t); /* the last one's result, seen or not */
	if (drill_last_commands(t->db, s->name, &kind, &command, &verify, &abort, &e) < 0) {
		tui_message(t, 1, "%s", e.msg);
		error_done(&e);
		return;
	}
	v = xcalloc(1, sizeof(*v));
	v->t = t;
	v->system = xstrdup(s->name);
	f = form_new("Run a drill (it acts on the real system)", 5, submit, v);
	form_field(f, 0, "kind", NULL, kinds, kind ? kind : "failover");
	form_field(f, 1, "command", "the failover or restore (/bin/sh -c)", NULL, command);
	form_field(f, 2, "verify", "checks the data after recovery (optional)", NULL, verify);
	form_field(f, 3, "abort", "undoes it on abort or timeout (optional)", NULL, abort);
	form_field(f, 4, "timeout", "default: twice the RTO, at least 1m", NULL, NULL);
	free(kind), free(command), free(verify), free(abort);
	m = tui_pop_up(t, DO_DRILL_FORM, s->name);
	modal_form(m, f);
	m->data = v;
	m->data_free = free_data;
}

static void on_note(enum drill_note kind, const char *text, void *arg)
{
	struct tui *t = arg;
	struct drill_view *v = t->drill;

	ring_add(kind == DRILL_NOTE_PROBE    ? &v->probes
	         : kind == DRILL_NOTE_OUTPUT ? &v->output
	                                     : &v->steps,
	         text);
	t->dirty = 1;
}

/* Checked and confirmed: start it. */
static void start(struct tui *t, struct drill_view *v)
{
	struct drill_plan p;
	struct error e = {0};

	plan_of(v, &p);
	t->drill = v;
	v->d = drill_start(t->db, &p, &v->info, on_note, t, &e);
	if (!v->d) {
		t->drill = NULL;
		t->screen = SCR_LIST;
		tui_message(t, 1, "drill not started: %s", e.msg);
		error_done(&e);
		view_free(v);
		return;
	}
	t->screen = SCR_DRILL;
	tui_message(t, 0, "drill %lld of %s started", (long long)drill_id(v->d), v->system);
}

void view_drill_answered(struct tui *t, struct modal *m, int ok)
{
	struct drill_view *v = m->data;
	struct drill_plan p;
	char *q;

	switch (m->action) {
	case DO_DRILL_FORM:
		if (!ok || !v->have_info)
			return;
		plan_of(v, &p);
		m->data = NULL; /* the question below takes it over */
		strbuf_reset(&v->plan);
		drill_describe(&p, &v->info, &v->plan);
		t->pending_drill = v;
		t->screen = SCR_DRILL;
		q = xasprintf("Start this %s drill of %s now? It acts on the real system", v->kind,
		              v->system);
		modal_confirm(tui_pop_up(t, DO_DRILL_CONFIRM, v->system), q);
		free(q);
		break;
	case DO_DRILL_CONFIRM:
		v = t->pending_drill;
		t->pending_drill = NULL;
		if (!ok) {
			tui_message(t, 0, "no drill run");
			t->screen = SCR_LIST;
			view_free(v);
			return;
		}
		start(t, v);
		break;
	case DO_DRILL_ABORT:
		if (ok)
			view_drill_interrupt(t);
		break;
	}
}

int view_drill_running(const struct tui *t)
{
	return t->drill && !t->drill->done;
}

void view_drill_interrupt(struct tui *t)
{
	if (!view_drill_running(t))
		return;
	drill_interrupt(t->drill->d);
	tui_message(t, 0, "aborting the drill of %s: ending its command, then the abort command",
	            t->drill->system);
	t->dirty = 1;
}

void view_drill_ask_abort(struct tui *t)
{
	char *q;

	if (!view_drill_running(t))
		return;
	q = xasprintf("A drill of %s is running. Abort it (its abort command runs)?",
	              t->drill->system);
	modal_confirm(tui_pop_up(t, DO_DRILL_ABORT, t->drill->system), q);
	free(q);
}

void view_drill_serve(struct tui *t)
{
	struct drill_view *v = t->drill;
	struct error e = {0};
	int rc;

	if (!v || v->done)
		return;
	rc = drill_step(v->d, 0, -1, NULL, &e);
	if (rc == 0)
		return;
	v->done = 1;
	t->dirty = 1;
	if (rc < 0) {
		ring_add(&v->steps, e.msg);
		tui_message(t, 1, "the drill could not be recorded: %s", e.msg);
		error_done(&e);
		return;
	}
	v->res = *drill_result(v->d);
	v->failure = v->res.failure ? xstrdup(v->res.failure) : NULL;
	v->res.failure = v->failure;
	tui_message(t, v->res.exit_status == 2, "drill %lld of %s: %s", (long long)v->res.id,
	            v->system,
	            v->res.exit_status == 0   ? "met the RTO and RPO"
	            : v->res.exit_status == 1 ? "recovered, missed an objective"
	                                      : v->res.state);
	tui_reload(t, 0);
}

void view_drill_done(struct tui *t)
{
	view_free(t->pending_drill);
	t->pending_drill = NULL;
	view_free(t->drill); /* a drill still running is abandoned: drill_free says how */
	t->drill = NULL;
}

/* Lines from the end of R into rows Y0..Y1 (exclusive), newest last. */
static void draw_ring(const struct ring *r, int y0, int y1, const char *prefix)
{
	size_t rows = y1 > y0 ? (size_t)(y1 - y0) : 0, n = r->n < RING ? r->n : RING;
	size_t first = n > rows ? r->n - rows : r->n - n, i;
	int y = y0;

	for (i = first; i < r->n && y < y1; i++, y++)
		tui_putf(y, 3, tui_pane_cols - 4, "%s%s", prefix, r->line[i % RING]);
}

static void draw_plan(struct tui *t, const struct drill_view *v)
{
	const char *s = strbuf_str(&v->plan), *nl;
	int y = 3;

	attrset(theme_attr(C_TITLE));
	tui_putf(1, 1, tui_pane_cols - 2, "Drill of %s: what it will do", v->system);
	attrset(theme_attr(C_NORMAL));
	/* each step wrapped at the pane's width, at a blank where there is one */
	for (; *s && y < LINES - 2; s = *nl ? nl + 1 : nl) {
		const char *p;
		int w = tui_pane_cols - 6, indent = 0;

		nl = strchr(s, '\n');
		if (!nl)
			nl = s + strlen(s);
		for (p = s; p < nl && y < LINES - 2; y++, indent = 3) {
			const char *end = p + w - indent < nl ? p + w - indent : nl, *cut = end;
			char *line;

			while (end < nl && cut > p && *cut != ' ')
				cut--;
			if (end < nl && cut > p)
				end = cut;
			line = xstrndup(p, (size_t)(end - p));
			tui_put(y, 2 + indent, w - indent + 1, line);
			free(line);
			p = end;
			while (p < nl && *p == ' ')
				p++;
		}
	}
	(void)t;
}

static void draw(struct tui *t)
{
	const struct drill_view *v = t->drill ? t->drill : t->pending_drill;
	int64_t ms, rto_ms;
	int y, half, w, fill;
	char a[DURATION_BUFSZ], b[DURATION_BUFSZ];

	attrset(theme_attr(C_NORMAL));
	for (y = 1; y < LINES - 1; y++)
		tui_clear_row(y);
	if (!v) {
		tui_put(1, 1, tui_pane_cols - 2, "no drill: r on a system runs one");
		return;
	}
	if (!v->d) {
		draw_plan(t, v);
		return;
	}
	ms = v->done ? (v->res.recovered ? v->res.recovery_ms : drill_elapsed_ms(v->d))
	             : drill_elapsed_ms(v->d);
	rto_ms = v->info.rto_s * 1000;
	attrset(theme_attr(C_TITLE));
	tui_putf(1, 1, tui_pane_cols - 2, "Drill %lld of %s (%s)", (long long)drill_id(v->d),
	         v->system, v->kind);
	/* the timer against the RTO */
	attrset(theme_attr(ms > rto_ms ? C_BREACH : C_OK));
	tui_putf(2, 1, 40, "%s %6.1fs / RTO %s",
	         v->done ? (v->res.recovered ? "recovered in" : "ran for") : "running   ",
	         ms / 1000.0, duration_format(v->info.rto_s, a));
	w = tui_pane_cols - 44;
	if (w > 10) {
		fill = (int)(rto_ms > 0 ? (ms * w) / rto_ms : w);
		if (fill > w)
			fill = w;
		attrset(theme_attr(ms > rto_ms ? C_BAR_BAD : C_BAR_GOOD));
		mvhline(2, tui_pane_x0 + 42, t->utf8 ? ACS_CKBOARD : '#', fill);
		attrset(theme_attr(C_DIM));
		mvhline(2, tui_pane_x0 + 42 + fill, '.', w - fill);
	}
	attrset(theme_attr(C_DIM));
	tui_putf(3, 1, tui_pane_cols - 2, "command: %s%s%s", v->command ? "/bin/sh -c '" : "",
	         v->command ? v->command : "none (recovered by hand)", v->command ? "'" : "");
	tui_putf(4, 1, tui_pane_cols - 2, "verify: %s   abort: %s", v->verify ? v->verify : "none",
	         v->abort ? v->abort : "none");
	half = 6 + (LINES - 10) / 2;
	attrset(theme_attr(C_TITLE));
	tui_put(5, 1, tui_pane_cols - 2, "Steps and probes");
	attrset(theme_attr(C_NORMAL));
	{
		int steps = (half - 6) / 2;

		draw_ring(&v->steps, 6, 6 + steps, "");
		attrset(theme_attr(C_DIM));
		draw_ring(&v->probes, 6 + steps, half, "probe ");
	}
	attrset(theme_attr(C_TITLE));
	tui_put(half, 1, tui_pane_cols - 2, "Output of the command (last lines)");
	attrset(theme_attr(C_NORMAL));
	draw_ring(&v->output, half + 1, LINES - 4, "| ");
	if (v->done) {
		attrset(theme_attr(v->res.exit_status == 0   ? C_OK
		                   : v->res.exit_status == 1 ? C_WARN
		                                             : C_BREACH));
		if (v->res.recovered && !strcmp(v->res.state, "recovered"))
			tui_putf(LINES - 4, 1, tui_pane_cols - 2, "result: %s",
			         v->res.exit_status == 0 ? "met the RTO and RPO"
			                                 : "missed an objective");
		else
			tui_putf(LINES - 4, 1, tui_pane_cols - 2, "result: %s: %s", v->res.state,
			         v->failure ? v->failure : "the system did not recover");
		if (v->res.recovered)
			tui_putf(LINES - 3, 1, tui_pane_cols - 2,
			         "back after %.2fs (between %.2fs and %.2fs), RTO %s: %s; data "
			         "loss %s   Esc: back",
			         v->res.recovery_ms / 1000.0, v->res.lower_ms / 1000.0,
			         v->res.recovery_ms / 1000.0, duration_format(v->info.rto_s, b),
			         v->res.met_rto == 1 ? "met" : "missed",
			         v->res.data_loss_s < 0 ? "not measured"
			                                : duration_format(v->res.data_loss_s, a));
		else
			tui_put(LINES - 3, 1, tui_pane_cols - 2, "Esc: back");
	} else {
		attrset(theme_attr(C_INFO));
		tui_put(LINES - 3, 1, tui_pane_cols - 2,
		        "x: abort the drill (runs the abort command)   Esc: back to the list (the "
		        "drill goes on)");
	}
}

static int act(struct tui *t, enum tui_action a)
{
	switch (a) {
	case ACT_DRILL_ABORT: /* on its own screen: at once */
		if (view_drill_running(t))
			view_drill_interrupt(t);
		return 1;
	case ACT_DRILL_RUN:
		return 1;
	case ACT_BACK:
	case ACT_QUIT:
		t->screen = SCR_LIST;
		if (t->drill && t->drill->done)
			view_drill_done(t);
		return 1;
	case ACT_HELP:
		return 0;
	default:
		return 1; /* the list's keys wait: Esc first */
	}
}

const struct view_ops view_drill_ops = {"drill", draw, act};

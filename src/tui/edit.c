/*
 * edit.c - the forms, menus and questions that change the inventory from the
 * dashboard: add or edit a system, its endpoints and backup schedules, record
 * a drill, delete a system.
 *
 * Each opens a pop-up (modal.c), a state of the loop; what the pop-up edits
 * lives as long as it does (struct edit), and the loop hands its answer back
 * here (edit_answered). The writes are core's (inventory.c, evidence.c), each
 * in its own transaction; a core error is shown next to the field it names.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "detail.h"
#include "evidence.h"
#include "form.h"
#include "inventory.h"
#include "url.h"
#include "util.h"
#include "view.h"
#include "when.h"

/* The lines of menu SECTION of system ID, with their ids, then LAST (id 0). */
static int menu_rows(struct tui *t, enum detail_section section, int64_t id, const char *last,
		     char ***lines, int64_t **ids)
{
	struct detail_lines d = {0};
	size_t i;
	int n = 0;

	if (detail_lines_load(t->db, section, id, &d, NULL) < 0)
		d.n = 0;
	*lines = xcalloc(d.n + 1, sizeof(char *));
	*ids = xcalloc(d.n + 1, sizeof(int64_t));
	for (i = 0; i < d.n; i++) {
		(*lines)[n] = d.v[i].text;
		d.v[i].text = NULL;
		(*ids)[n++] = d.v[i].id;
	}
	detail_lines_done(&d);
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

const char *const edit_strategies[] = {"none", "backup-restore", "pilot-light", "warm-standby",
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
		tui_message(t, 0, "%s system %s", verb, form_value(f, 0));
	else
		tui_message(t, 0, "%s %s %s of %s", verb, what, form_value(f, 0), ed->name);
	if (ed->kind == ED_SYSTEM || ed->kind == ED_ENDPOINT)
		tui_restart_prober(t);
	tui_reload(t, 0);
}

/* Open form F, editing ED (both taken over by the pop-up). */
static void open_form(struct tui *t, struct form *f, struct edit *ed)
{
	struct modal *m = tui_pop_up(t, DO_FORM, NULL);

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

void edit_system(struct tui *t, const struct board_system *s)
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
	form_field(f, 3, "strategy", NULL, edit_strategies, s && s->strategy ? s->strategy : "none");
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

/* Fill form F with the stored values of record ID (WHAT); its first value
 * (the schedule's name) also into *FIRST when FIRST is given. */
static void fill(struct tui *t, struct form *f, enum detail_record what, int64_t id, char **first)
{
	char *v[DETAIL_ENDPOINT_FIELDS];
	int i, n = what == DETAIL_ENDPOINT ? DETAIL_ENDPOINT_FIELDS : DETAIL_SCHEDULE_FIELDS;

	if (detail_record_load(t->db, what, id, v, NULL) <= 0)
		return;
	if (first && v[0])
		*first = xstrdup(v[0]);
	for (i = 0; i < n; i++) {
		if (v[i])
			form_field(f, i, f->fields[i].label, f->fields[i].hint, f->fields[i].choices, v[i]);
		free(v[i]);
	}
}

/* The endpoint form, empty to add one or filled from endpoint ID to edit it. */
static void endpoint_form(struct tui *t, const char *system, int64_t id)
{
	struct edit *ed = edit_new(t, system, id);
	struct form *f = form_new(id ? "Edit an endpoint" : "Add an endpoint", 6, submit_endpoint, ed);
	form_field(f, 0, "URL", "http://, https:// or file:///", NULL, NULL);
	form_field(f, 1, "kind", NULL, kinds, "health");
	form_field(f, 2, "interval", "60s", NULL, NULL);
	form_field(f, 3, "timeout", "10s", NULL, NULL);
	form_field(f, 4, "expect", "200-399", NULL, NULL);
	form_field(f, 5, "JSON path", "freshness: $.last_backup or $.lag_seconds", NULL, NULL);
	f->fields[0].required = 1;
	if (id)
		fill(t, f, DETAIL_ENDPOINT, id, NULL);
	ed->kind = ED_ENDPOINT;
	open_form(t, f, ed);
}

void edit_endpoints(struct tui *t, const struct board_system *s)
{
	char **lines;
	int64_t *ids;
	int n = menu_rows(t, DETAIL_ENDPOINT_MENU, s->id, "add a new endpoint", &lines, &ids);

	if (n > 1) {
		modal_menu(tui_pop_up(t, DO_ENDPOINT_MENU, s->name), "Endpoints: edit one, or add one",
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
	if (inventory_schedule_check(&sc, &e) < 0) {
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
	form_field(f, 0, "name", "nightly", NULL, NULL);
	form_field(f, 1, "cron", "30 2 * * *  (or leave empty and give an interval)", NULL, NULL);
	form_field(f, 2, "time zone", "UTC", NULL, NULL);
	form_field(f, 3, "every", "6h", NULL, NULL);
	form_field(f, 4, "takes", "0s", NULL, NULL);
	f->fields[0].required = 1;
	if (id)
		fill(t, f, DETAIL_SCHEDULE, id, &ed->old);
	ed->kind = ED_SCHEDULE;
	open_form(t, f, ed);
}

void edit_schedules(struct tui *t, const struct board_system *s)
{
	char **lines;
	int64_t *ids;
	int n = menu_rows(t, DETAIL_SCHEDULE_MENU, s->id, "add a new schedule", &lines, &ids);

	if (n > 1) {
		modal_menu(tui_pop_up(t, DO_SCHEDULE_MENU, s->name),
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

void edit_drill(struct tui *t, const struct board_system *s)
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

void edit_delete(struct tui *t, const struct board_system *s)
{
	char *q = xasprintf("Delete %s with its endpoints, schedules and evidence?", s->name);

	modal_confirm(tui_pop_up(t, DO_DELETE, s->name), q);
	free(q);
}

/* The operator said yes to deleting system NAME. */
static void delete_confirmed(struct tui *t, const char *name)
{
	struct error e = {0};

	if (db_begin(t->db, &e) < 0 || inventory_system_rm(t->db, name, 1, &e) < 0 ||
	    db_commit(t->db, &e) < 0) {
		db_rollback(t->db);
		tui_message(t, 1, "%s", e.msg);
		error_done(&e);
	} else {
		tui_message(t, 0, "deleted %s", name);
		t->screen = SCR_LIST;
		tui_restart_prober(t);
	}
	tui_reload(t, 0);
}

void edit_answered(struct tui *t, struct modal *m, int ok)
{
	switch (m->action) {
	case DO_DELETE:
		if (ok)
			delete_confirmed(t, m->name);
		else
			tui_message(t, 0, "nothing deleted");
		break;
	case DO_ENDPOINT_MENU:
		if (ok)
			endpoint_form(t, m->name, m->ids[m->cur]);
		break;
	case DO_SCHEDULE_MENU:
		if (ok)
			schedule_form(t, m->name, m->ids[m->cur]);
		break;
	case DO_FORM:
		form_closed(t, m->form, m->data, ok);
		break;
	}
}

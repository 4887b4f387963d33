/*
 * board.c - see board.h.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board.h"
#include "ledger.h"
#include "util.h"
#include "verdict.h"
#include "when.h"

static int64_t col_int(sqlite3_stmt *st, int i)
{
	return sqlite3_column_type(st, i) == SQLITE_NULL ? BOARD_NONE : sqlite3_column_int64(st, i);
}

int board_status_rank(const char *status)
{
	return !strcmp(status, "BREACH") ? 3 : !strcmp(status, "WARN") ? 2
					   : !strcmp(status, "UNKNOWN") ? 1 : 0;
}

static int wanted(const struct board_options *o, const char *name, const char *status)
{
	size_t i;

	if (o->min == BOARD_BREACH && board_status_rank(status) < 3)
		return 0;
	if (o->min == BOARD_WARN && board_status_rank(status) < 1)
		return 0;
	if (!o->systems)
		return 1;
	for (i = 0; o->systems[i]; i++)
		if (!strcmp(o->systems[i], name))
			return 1;
	return 0;
}

/* A system's id and its index in the board, sorted by id for find_system. */
struct by_id {
	int64_t id;
	size_t i;
};

static int by_id(const void *a, const void *b)
{
	int64_t x = ((const struct by_id *)a)->id, y = ((const struct by_id *)b)->id;

	return x < y ? -1 : x > y;
}

/* B's systems sorted by id, for find_system; the caller frees. */
static struct by_id *index_by_id(const struct board *b)
{
	struct by_id *byid = xcalloc(b->nsystems + 1, sizeof(*byid));
	size_t i;

	for (i = 0; i < b->nsystems; i++) {
		byid[i].id = b->systems[i].id;
		byid[i].i = i;
	}
	qsort(byid, b->nsystems, sizeof(*byid), by_id);
	return byid;
}

static struct board_system *find_system(const struct by_id *byid, const struct board *r, int64_t id)
{
	size_t lo = 0, hi = r->nsystems;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int64_t v = byid[mid].id;

		if (v == id)
			return &r->systems[byid[mid].i];
		if (v < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Step ST (prepared and bound), whose rows start with a system id, and hand
 * each row to FILL with its system and ARG (rows of systems not on the board
 * are skipped); FILL returns nonzero to stop early. ST is finalized. */
static int each_system_row(struct db *db, const struct board *b, sqlite3_stmt *st,
			   int (*fill)(struct board_system *s, sqlite3_stmt *st, void *arg), void *arg,
			   const char *what, struct error *e)
{
	struct by_id *byid = NULL; /* made at the first row: many reads have none */
	int rc;

	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct board_system *s;

		if (!byid)
			byid = index_by_id(b);
		s = find_system(byid, b, sqlite3_column_int64(st, 0));

		if (s && fill(s, st, arg)) {
			rc = SQLITE_DONE; /* stopped early: the rest is not wanted */
			break;
		}
	}
	free(byid);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, e, what);
}

/* Run SQL, whose rows start with a system id, and hand each row to FILL. */
static int load_per_system(struct db *db, struct board *b, const char *sql,
			   int (*fill)(struct board_system *s, sqlite3_stmt *st, void *arg), const char *what,
			   struct error *e)
{
	sqlite3_stmt *st = db_prepare(db, sql, e);

	return st ? each_system_row(db, b, st, fill, NULL, what, e) : -1;
}

static int fill_history(struct board_system *s, sqlite3_stmt *st, void *arg)
{
	(void)arg;
	snprintf(s->history, sizeof(s->history), "%s", (const char *)sqlite3_column_text(st, 1));
	return 0;
}

/* What a board read under --as-of or --now says after its time, so that it
 * never passes for the verdict of the present; "" otherwise. */
static void as_of_note(struct board *b)
{
	const char *clock = when_clock_note();

	snprintf(b->as_of, sizeof(b->as_of), clock ? " (%s)" : "", clock);
}

/* The last twelve status changes of every system up to drtop's clock, oldest
 * first: with --now or --as-of T, none recorded after T. */
static int load_history(struct db *db, struct board *b, struct error *e)
{
	return load_per_system(db, b,
			       "SELECT system_id, group_concat(substr(status, 1, 1), '') FROM ("
			       " SELECT system_id, status, at, id FROM (SELECT system_id, status,"
			       "  at, id, row_number() OVER (PARTITION BY system_id ORDER BY at DESC,"
			       "  id DESC) AS rn FROM status_history"
			       "  WHERE at <= (SELECT now FROM v_settings)) WHERE rn <= 12"
			       " ORDER BY system_id, at, id) GROUP BY system_id",
			       fill_history, "reading the status history", e);
}

static int fill_down(struct board_system *s, sqlite3_stmt *st, void *arg)
{
	(void)arg;
	s->down_since_ms = sqlite3_column_int64(st, 1);
	s->down_lower_s = sqlite3_column_int64(st, 2) / 1000;
	s->down_gap_s = sqlite3_column_int64(st, 3) / 1000;
	return 0;
}

/* The systems down at 'now': an outage going on then (planned ones too: the
 * system is down all the same), with the start of the oldest and how long it
 * has lasted at the least, as the verdict measures it (v_outage_measure: to
 * its last failure by then, the silence of a gap not counted; a planned one
 * to 'now'), so that the list never says more than the verdict does. */
static int load_down(struct db *db, struct board *b, struct error *e)
{
	size_t i;

	for (i = 0; i < b->nsystems; i++) {
		b->systems[i].down_since_ms = b->systems[i].down_lower_s = BOARD_NONE;
		b->systems[i].down_gap_s = 0;
	}
	if (load_per_system(db, b,
			    "SELECT system_id, min(started_ms), max(lower_ms), max(gap_ms) FROM ("
			    " SELECT system_id, started_ms, lower_ms, gap_ms FROM v_outage_measure WHERE ongoing"
			    " UNION ALL SELECT o.system_id, o.started_ms, max(p.now * 1000 - o.started_ms, 0), 0"
			    " FROM v_settings p JOIN outage o"
			    " ON o.ended_ms IS NULL OR o.ended_ms >= (p.now + 1) * 1000" /* through outage_ended */
			    " WHERE o.planned AND o.started_ms / 1000 <= p.now) GROUP BY system_id",
			    fill_down, "reading the outages going on", e) < 0)
		return -1;
	for (i = 0; i < b->nsystems; i++)
		b->down += b->systems[i].down_since_ms != BOARD_NONE;
	return 0;
}

/* The view is computed once, whole (MATERIALIZED): let the planner push the
 * ORDER BY or column choices into it and it may compute parts per row. Or
 * it is read from the snapshot verdict_snapshot took. */
#define SYSTEMS_SQL(FROM)                                                                          \
	"WITH v AS MATERIALIZED (SELECT * FROM " FROM ")"                                          \
	" SELECT system_id, system, status, worst_finding, owner, strategy, recommended_strategy," \
	" recovery_point, last_probe, tier, cost_tier, recommended_cost_tier, rto_s, rpo_s,"       \
	" worst_recovery_s, last_recovery_s, data_lag_s, last_probe_at, worst_recovery_lower_s,"   \
	" worst_recovery_upper_s, last_recovery_lower_s, last_recovery_upper_s, NOT enabled FROM v" \
	" ORDER BY CASE status WHEN 'BREACH' THEN 0 WHEN 'WARN' THEN 1 WHEN 'UNKNOWN' THEN 2"      \
	" ELSE 3 END, tier, system"

/* Each system's findings, in the view's order: they are sorted per system
 * after (sort_findings), not in one large sort of them all. */
#define FINDINGS_SQL(FROM)                                                                         \
	"SELECT system_id, finding, severity, objective, detail, since_iso, target_s, measured_s," \
	" resolution_s, since, lower_s, upper_s FROM " FROM

/* The findings' strings are kept in large blocks, not one allocation each: a
 * board of 100,000 findings was freed half a million blocks at a time, up to
 * 80 ms in which the dashboard answered no key. */
struct board_text {
	struct board_text *next;
	size_t used, cap;
	char data[];
};

/* Column I of ST's row as a string in B's blocks, or NULL for NULL. */
static char *text_column(struct board *b, sqlite3_stmt *st, int i)
{
	const char *v = (const char *)sqlite3_column_text(st, i);
	size_t n;
	char *p;

	if (!v)
		return NULL;
	n = (size_t)sqlite3_column_bytes(st, i) + 1;
	if (!b->text || b->text->cap - b->text->used < n) {
		size_t cap = n > 65536 ? n : 65536;
		struct board_text *t = xmalloc(sizeof(*t) + cap);

		t->next = b->text;
		t->used = 0;
		t->cap = cap;
		b->text = t;
	}
	p = b->text->data + b->text->used;
	memcpy(p, v, n);
	b->text->used += n;
	return p;
}

static int fill_finding(struct board_system *s, sqlite3_stmt *st, void *arg)
{
	struct board *b = arg;
	struct board_finding *f;

	s->findings = xrealloc(s->findings, (s->nfindings + 1) * sizeof(*s->findings));
	f = &s->findings[s->nfindings++];
	f->finding = text_column(b, st, 1);
	f->severity = text_column(b, st, 2);
	f->objective = text_column(b, st, 3);
	f->detail = text_column(b, st, 4);
	f->since_iso = text_column(b, st, 5);
	f->target_s = col_int(st, 6);
	f->measured_s = col_int(st, 7);
	f->resolution_s = col_int(st, 8);
	f->since = col_int(st, 9);
	f->lower_s = col_int(st, 10);
	f->upper_s = col_int(st, 11);
	return 0;
}

/* BREACH first, then WARN, then the rest; by name within each. */
static int finding_order(const struct board_finding *x, const struct board_finding *y)
{
	int rx = board_status_rank(x->severity), ry = board_status_rank(y->severity);

	rx = rx == 3 ? 0 : rx == 2 ? 1 : 2;
	ry = ry == 3 ? 0 : ry == 2 ? 1 : 2;
	if (rx != ry)
		return rx - ry;
	return strcmp(x->finding, y->finding);
}

/* A system has a few findings: sorted in place by insertion, which keeps
 * those that compare equal in the order the view gave them. */
static void sort_findings(struct board_system *s)
{
	size_t i, j;

	for (i = 1; i < s->nfindings; i++) {
		struct board_finding f = s->findings[i];

		for (j = i; j > 0 && finding_order(&s->findings[j - 1], &f) > 0; j--)
			s->findings[j] = s->findings[j - 1];
		s->findings[j] = f;
	}
}

static int load_findings(struct db *db, struct board *r, struct error *e)
{
	size_t i;

	sqlite3_stmt *st = db_prepare(db,
				      r->snapshot ? FINDINGS_SQL(VERDICT_SNAPSHOT_FINDINGS)
						  : FINDINGS_SQL("(SELECT * FROM v_findings LIMIT -1)"),
				      e);

	if (!st || each_system_row(db, r, st, fill_finding, r, "reading the findings", e) < 0)
		return -1;
	for (i = 0; i < r->nsystems; i++)
		sort_findings(&r->systems[i]);
	return 0;
}

/* A system's name and its index in the board, sorted by name for rank_names. */
struct by_name {
	const char *name;
	size_t i;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct by_name *)a)->name, ((const struct by_name *)b)->name);
}

/* The order by name, and each system's place in it, so that the other
 * orders sort on integers alone: string comparisons made a key that sorts
 * 100,000 systems wait. */
static void rank_names(struct board *b)
{
	struct by_name *v = xcalloc(b->nsystems + 1, sizeof(*v));
	size_t i;

	for (i = 0; i < b->nsystems; i++) {
		v[i].name = b->systems[i].name;
		v[i].i = i;
	}
	qsort(v, b->nsystems, sizeof(*v), by_name);
	b->name_rank = xcalloc(b->nsystems + 1, sizeof(*b->name_rank));
	b->orders[BOARD_BY_NAME] = xcalloc(b->nsystems + 1, sizeof(size_t));
	for (i = 0; i < b->nsystems; i++) {
		b->name_rank[v[i].i] = i;
		b->orders[BOARD_BY_NAME][i] = v[i].i;
	}
	free(v);
}

struct order_key {
	int64_t first, second;
	size_t name_rank, index;
};

static int by_key(const void *a, const void *b)
{
	const struct order_key *x = a, *y = b;

	return x->first != y->first     ? (x->first < y->first ? -1 : 1)
	       : x->second != y->second ? (x->second < y->second ? -1 : 1)
	       : x->name_rank != y->name_rank ? (x->name_rank < y->name_rank ? -1 : 1)
					      : 0;
}

/* What system S sorts by in ORDER, smallest first (then its name). */
static void order_key(const struct board_system *s, enum board_order order, struct order_key *k)
{
	k->first = k->second = 0;
	switch (order) {
	case BOARD_BY_STATUS:
		k->first = -board_status_rank(s->status);
		k->second = s->tier;
		break;
	case BOARD_BY_TIER:
		k->first = s->tier;
		break;
	case BOARD_BY_LAG:
		k->first = s->data_lag_s == BOARD_NONE ? 1 : -s->data_lag_s;
		break;
	case BOARD_BY_RTO:
		k->first = s->rto_s;
		break;
	default:
		break;
	}
}

const size_t *board_order(struct board *b, enum board_order order)
{
	struct order_key *keys;
	size_t i;

	if (!b->name_rank)
		rank_names(b); /* the order by name too */
	if (b->orders[order])
		return b->orders[order];
	keys = xcalloc(b->nsystems + 1, sizeof(*keys));
	for (i = 0; i < b->nsystems; i++) {
		order_key(&b->systems[i], order, &keys[i]);
		keys[i].name_rank = b->name_rank[i];
		keys[i].index = i;
	}
	qsort(keys, b->nsystems, sizeof(*keys), by_key);
	b->orders[order] = xcalloc(b->nsystems + 1, sizeof(size_t));
	for (i = 0; i < b->nsystems; i++)
		b->orders[order][i] = keys[i].index;
	free(keys);
	return b->orders[order];
}

static int load_rows(struct db *db, const struct board_options *o, struct board *r, struct error *e)
{
	sqlite3_stmt *st = db_prepare(db, "SELECT now, window_s, rpo_near_ratio FROM v_settings", e);
	size_t cap = 0;
	int rc;

	if (!st)
		return -1;
	if (sqlite3_step(st) == SQLITE_ROW) {
		r->now = sqlite3_column_int64(st, 0);
		r->window_s = sqlite3_column_int64(st, 1);
		r->near_ratio = sqlite3_column_double(st, 2);
	}
	sqlite3_finalize(st);
	when_format(r->now, r->now_iso);
	as_of_note(r);
	/* With a window of its own the verdict is read inside a transaction that
	 * is rolled back: not the verdict to keep. */
	r->snapshot = o->snapshot && !o->window_s;
	if (r->snapshot && verdict_snapshot(db, e) < 0)
		return -1;
	/* Kept prepared (db_cached): preparing the views is one long call that
	 * would hold up the caller's yield. */
	st = db_cached(db,
		       r->snapshot ? SYSTEMS_SQL(VERDICT_SNAPSHOT_SYSTEMS) : SYSTEMS_SQL("v_system_status"),
		       e);
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct board_system *s;
		const char *name = (const char *)sqlite3_column_text(st, 1),
			   *status = (const char *)sqlite3_column_text(st, 2);

		if (!wanted(o, name, status))
			continue;
		r->systems = xgrow(r->systems, &cap, r->nsystems + 1, sizeof(*r->systems));
		s = &r->systems[r->nsystems++];
		memset(s, 0, sizeof(*s));
		s->id = sqlite3_column_int64(st, 0);
		s->name = text_column(r, st, 1);
		if ((int)strlen(s->name) > r->name_width)
			r->name_width = (int)strlen(s->name);
		s->status = text_column(r, st, 2);
		s->worst_finding = text_column(r, st, 3);
		s->owner = text_column(r, st, 4);
		s->strategy = text_column(r, st, 5);
		s->recommended = text_column(r, st, 6);
		s->recovery_point = text_column(r, st, 7);
		s->last_probe = text_column(r, st, 8);
		s->tier = col_int(st, 9);
		s->cost_tier = col_int(st, 10);
		s->recommended_cost_tier = col_int(st, 11);
		s->rto_s = col_int(st, 12);
		s->rpo_s = col_int(st, 13);
		s->worst_recovery_s = col_int(st, 14);
		s->last_recovery_s = col_int(st, 15);
		s->data_lag_s = col_int(st, 16);
		s->last_probe_at = col_int(st, 17);
		s->worst_recovery_lower_s = col_int(st, 18);
		s->worst_recovery_upper_s = col_int(st, 19);
		s->last_recovery_lower_s = col_int(st, 20);
		s->last_recovery_upper_s = col_int(st, 21);
		s->disabled = sqlite3_column_int(st, 22);
		/* Without an upper bound (ongoing, or cut by a gap) a figure is
		 * only a lower bound, never a recovery. */
		s->worst_recovery_bound =
			s->worst_recovery_s != BOARD_NONE && s->worst_recovery_upper_s == BOARD_NONE;
		s->last_recovery_bound =
			s->last_recovery_s != BOARD_NONE && s->last_recovery_upper_s == BOARD_NONE;
		switch (board_status_rank(s->status)) {
		case 3:
			r->breach++;
			break;
		case 2:
			r->warn++;
			break;
		case 1:
			r->unknown++;
			break;
		default:
			r->ok++;
		}
	}
	sqlite3_reset(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, e, "reading the verdict");
	if (load_findings(db, r, e) < 0)
		return -1;
	if (load_down(db, r, e) < 0)
		return -1;
	return load_history(db, r, e);
}

int board_note_history(struct db *db, struct board *r, struct error *e)
{
	int changed = r->snapshot ? verdict_note_snapshot_history(db) : verdict_note_history(db);

	return changed > 0 ? load_history(db, r, e) : 0;
}

/* The ledger's head once the verdict is read: every fact the report rests on
 * is in the entries up to it. A database without a ledger has none. */
static int read_head(struct db *db, struct board *r)
{
	struct error e = {0};
	char hash[LEDGER_HASH_HEX + 1];
	int64_t seq;

	if (ledger_head(db, &seq, hash, &e) == 0)
		snprintf(r->ledger_head, sizeof(r->ledger_head), "%lld:%s", (long long)seq, hash);
	error_done(&e);
	return 0;
}

/* The progress handler while the verdict is read: hand over to the caller. */
static int progress(void *arg)
{
	const struct board_options *o = arg;

	return o->yield(o->yield_arg);
}

/* Waiting for a lock, in steps of 10 ms that hand over to the caller, for as
 * long as the connection's busy timeout would wait. */
static int busy(void *arg, int count)
{
	const struct board_options *o = arg;
	struct timespec ts = {0, 10 * 1000000L};

	if ((int64_t)count * 10 >= db_busy_timeout_ms() || o->yield(o->yield_arg))
		return 0;
	nanosleep(&ts, NULL);
	return 1;
}

static int load(struct db *db, const struct board_options *o, struct board *r, struct error *e);

int board_load(struct db *db, const struct board_options *o, struct board *r, struct error *e)
{
	int rc, i;

	if (o->yield) {
		sqlite3_progress_handler(db->h, 1000, progress, (void *)o);
		db_busy_handler(db, busy, (void *)o);
	}
	rc = load(db, o, r, e);
	if (o->yield) {
		sqlite3_progress_handler(db->h, 0, NULL, NULL);
		db_busy_handler(db, NULL, NULL);
	}
	if (rc < 0) {
		board_free(r);
		return -1;
	}
	for (i = 0; o->orders && i < BOARD_ORDERS; i++)
		board_order(r, (enum board_order)i);
	return 0;
}

static int load(struct db *db, const struct board_options *o, struct board *r, struct error *e)
{
	struct db *w;
	sqlite3_stmt *st;
	size_t i;
	int rc;

	memset(r, 0, sizeof(*r));
	for (i = 0; o->systems && o->systems[i]; i++) {
		int64_t id;

		st = db_prepare(db, "SELECT id FROM system WHERE name = ?1", e);
		if (!st)
			return -1;
		sqlite3_bind_text(st, 1, o->systems[i], -1, SQLITE_STATIC);
		rc = sqlite3_step(st);
		id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
		sqlite3_finalize(st);
		if (!id)
			return error_set(e, ERR_DATA, "unknown system '%s'", o->systems[i]);
	}
	/* one system, however often it was named */
	r->one_system = i > 0;
	for (i = 1; r->one_system && o->systems[i]; i++)
		r->one_system = !strcmp(o->systems[i], o->systems[0]);
	if (!o->window_s)
		return load_rows(db, o, r, e) < 0 ? -1 : read_head(db, r);
	/* A window for this report only: set it where the views read it, read, and
	 * roll back; under --as-of, which writes nothing, on a private copy. */
	w = when_known() ? db_private_copy(db, e) : db;
	if (!w || db_begin(w, e) < 0) {
		if (w != db)
			db_close(w);
		return -1;
	}
	st = db_prepare(w, "UPDATE setting SET value = ?1 WHERE key = 'window_s'", e);
	if (st) {
		sqlite3_bind_int64(st, 1, o->window_s);
		rc = sqlite3_step(st);
		sqlite3_finalize(st);
		rc = rc == SQLITE_DONE ? load_rows(w, o, r, e) : db_fail(w, e, "report window");
	} else {
		rc = -1;
	}
	db_rollback(w);
	if (w != db)
		db_close(w);
	return rc < 0 ? -1 : read_head(db, r);
}

void board_free(struct board *r)
{
	size_t i;

	for (i = 0; i < r->nsystems; i++)
		free(r->systems[i].findings); /* their strings, and the systems', are in r->text */
	free(r->systems);
	free(r->name_rank);
	for (i = 0; i < BOARD_ORDERS; i++)
		free(r->orders[i]);
	while (r->text) {
		struct board_text *next = r->text->next;

		free(r->text);
		r->text = next;
	}
	memset(r, 0, sizeof(*r));
}

struct changes {
	struct board_change *v;
	size_t n, max;
};

static int fill_change(struct board_system *s, sqlite3_stmt *st, void *arg)
{
	struct changes *c = arg;
	struct board_change *p;

	/* an entry that repeats the status before it (written by other clients,
	 * or a demo) changed nothing */
	if (!strcmp((const char *)sqlite3_column_text(st, 2), (const char *)sqlite3_column_text(st, 3)))
		return 0;
	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	p = &c->v[c->n++];
	p->system = s;
	snprintf(p->at_iso, sizeof(p->at_iso), "%s", (const char *)sqlite3_column_text(st, 1));
	snprintf(p->to, sizeof(p->to), "%s", (const char *)sqlite3_column_text(st, 2));
	snprintf(p->from, sizeof(p->from), "%s", (const char *)sqlite3_column_text(st, 3));
	return c->n >= c->max;
}

int board_changes(struct db *db, const struct board *r, int64_t since, size_t max,
		  struct board_change **out, size_t *n, struct error *e)
{
	static const char sql[] =
		"SELECT h.system_id, strftime('%Y-%m-%dT%H:%M:%SZ', h.at, 'unixepoch'), h.status,"
		" coalesce((SELECT p.status FROM status_history p WHERE p.system_id = h.system_id"
		"  AND (p.at < h.at OR p.at = h.at AND p.id < h.id) ORDER BY p.at DESC, p.id DESC"
		"  LIMIT 1), '')"
		" FROM status_history h WHERE h.at > ?1 AND h.at <= ?2 ORDER BY h.at DESC, h.id DESC";
	struct changes c = {NULL, 0, max};
	sqlite3_stmt *st;
	int rc = 0;

	*out = NULL;
	*n = 0;
	if (!max)
		return 0;
	if (!(st = db_prepare(db, sql, e)))
		return -1;
	sqlite3_bind_int64(st, 1, since);
	sqlite3_bind_int64(st, 2, r->now);
	rc = each_system_row(db, r, st, fill_change, &c, "reading the status history", e);
	*out = c.v;
	*n = c.n;
	return rc;
}

struct steps {
	struct board_step *v;
	size_t n;
};

static int fill_step(struct board_system *s, sqlite3_stmt *st, void *arg)
{
	struct steps *o = arg;
	struct board_step *p;

	o->v = xrealloc(o->v, (o->n + 1) * sizeof(*o->v));
	p = &o->v[o->n++];
	p->system = s;
	p->step = sqlite3_column_int64(st, 1);
	p->recovery_s = col_int(st, 2);
	p->ready_s = col_int(st, 3);
	p->done_s = col_int(st, 4);
	p->meets_rto = sqlite3_column_type(st, 5) == SQLITE_NULL ? -1 : sqlite3_column_int(st, 5);
	snprintf(p->estimate, sizeof(p->estimate), "%s", (const char *)sqlite3_column_text(st, 6));
	return 0;
}

int board_recovery_order(struct db *db, const struct board *r, struct board_step **out, size_t *n,
			 struct error *e)
{
	static const char sql[] =
		"SELECT s.id, o.step, o.recovery_s, o.ready_s, o.done_s, o.meets_rto,"
		" coalesce(o.estimate, '') FROM v_recovery_order o JOIN system s ON s.name = o.system"
		" ORDER BY o.position";
	struct steps o = {NULL, 0};
	sqlite3_stmt *st = db_prepare(db, sql, e);
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	rc = each_system_row(db, r, st, fill_step, &o, "reading the recovery order", e);
	*out = o.v;
	*n = o.n;
	return rc;
}

struct compliances {
	struct board_compliance *v;
	size_t n;
};

static int fill_compliance(struct board_system *s, sqlite3_stmt *st, void *arg)
{
	struct compliances *o = arg;
	struct board_compliance *c;

	o->v = xrealloc(o->v, (o->n + 1) * sizeof(*o->v));
	c = &o->v[o->n++];
	c->system = s;
	c->schedule = db_column_strdup(st, 1);
	c->due = sqlite3_column_int64(st, 2);
	c->on_time = sqlite3_column_int64(st, 3);
	c->late = sqlite3_column_int64(st, 4);
	c->missed = sqlite3_column_int64(st, 5);
	c->failed = sqlite3_column_int64(st, 6);
	c->pending = sqlite3_column_int64(st, 7);
	c->on_time_share = sqlite3_column_type(st, 8) == SQLITE_NULL ? -1
								      : sqlite3_column_double(st, 8);
	return 0;
}

int board_compliance(struct db *db, const struct board *r, struct board_compliance **out,
		     size_t *n, struct error *e)
{
	static const char sql[] =
		"SELECT b.system_id, c.schedule, c.due, c.on_time, c.late, c.missed, c.failed,"
		" c.pending, c.on_time_share FROM v_backup_compliance c"
		" JOIN backup_schedule b ON b.id = c.schedule_id"
		" WHERE c.due + c.pending > 0 ORDER BY c.system, c.schedule";
	struct compliances o = {NULL, 0};
	sqlite3_stmt *st = db_prepare(db, sql, e);
	int rc;

	*out = NULL;
	*n = 0;
	if (!st)
		return -1;
	rc = each_system_row(db, r, st, fill_compliance, &o, "reading the backups' compliance", e);
	*out = o.v;
	*n = o.n;
	return rc;
}

void board_compliance_free(struct board_compliance *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(v[i].schedule);
	free(v);
}

int board_exit_status(const struct board *r)
{
	if (r->breach)
		return 2;
	if (r->warn)
		return 1;
	if (r->unknown)
		return 3;
	return 0;
}

int board_load_quick(struct db *db, struct board *b, struct error *e)
{
	static const char sql[] =
		"SELECT s.id, s.name, coalesce(CASE WHEN l.at <= p.now THEN l.status ELSE"
		" (SELECT h.status FROM status_history h WHERE h.system_id = s.id AND h.at <= p.now"
		"  ORDER BY h.at DESC, h.id DESC LIMIT 1) END, 'UNKNOWN'), s.owner,"
		" s.strategy, s.tier, st.cost_tier, s.rto_s, s.rpo_s, NOT s.enabled"
		" FROM v_settings p JOIN system s LEFT JOIN status_latest l ON l.system_id = s.id"
		" LEFT JOIN strategy st ON st.name = s.strategy"; /* in no order: the list sorts */
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc;

	memset(b, 0, sizeof(*b));
	st = db_prepare(db, sql, e);
	if (!st)
		return -1;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct board_system *s;

		b->systems = xgrow(b->systems, &cap, b->nsystems + 1, sizeof(*b->systems));
		s = &b->systems[b->nsystems++];
		memset(s, 0, sizeof(*s));
		s->id = sqlite3_column_int64(st, 0);
		s->name = text_column(b, st, 1);
		if ((int)strlen(s->name) > b->name_width)
			b->name_width = (int)strlen(s->name);
		s->status = text_column(b, st, 2);
		s->owner = text_column(b, st, 3);
		s->strategy = text_column(b, st, 4);
		s->tier = col_int(st, 5);
		s->cost_tier = col_int(st, 6);
		s->rto_s = col_int(st, 7);
		s->rpo_s = col_int(st, 8);
		s->disabled = sqlite3_column_int(st, 9);
		s->worst_recovery_s = s->last_recovery_s = s->data_lag_s = BOARD_NONE;
		s->worst_recovery_lower_s = s->worst_recovery_upper_s = BOARD_NONE;
		s->last_recovery_lower_s = s->last_recovery_upper_s = BOARD_NONE;
		s->last_probe_at = s->recommended_cost_tier = BOARD_NONE;
		switch (board_status_rank(s->status)) {
		case 3:
			b->breach++;
			break;
		case 2:
			b->warn++;
			break;
		case 1:
			b->unknown++;
			break;
		default:
			b->ok++;
		}
	}
	sqlite3_finalize(st);
	b->now = when_now();
	when_format(b->now, b->now_iso);
	as_of_note(b);
	if (rc != SQLITE_DONE)
		return db_fail(db, e, "reading the systems");
	return load_down(db, b, e);
}

void board_finding_format(const struct board_finding *f, unsigned flags,
			  char target[DURATION_BOUNDS_BUFSZ], char measured[DURATION_BOUNDS_BUFSZ])
{
	if (f->lower_s == BOARD_NONE && f->upper_s == BOARD_NONE) {
		duration_format_pair(f->target_s, f->measured_s, target, measured);
		return;
	}
	duration_format_round(f->target_s, target);
	duration_format_bounds_versus(f->measured_s, f->lower_s, f->upper_s, f->target_s, flags,
				      measured);
}

char *board_recovery_format(const struct board_system *s, int last, unsigned flags,
			    char buf[DURATION_BOUNDS_BUFSZ])
{
	if (last)
		return duration_format_bounds_versus(s->last_recovery_s, s->last_recovery_lower_s,
						     s->last_recovery_upper_s, s->rto_s, flags, buf);
	return duration_format_bounds_versus(s->worst_recovery_s, s->worst_recovery_lower_s,
					     s->worst_recovery_upper_s, s->rto_s, flags, buf);
}

const struct board_finding *board_worst_finding(const struct board_system *s)
{
	size_t i;

	for (i = 0; s->worst_finding && i < s->nfindings; i++)
		if (!strcmp(s->findings[i].finding, s->worst_finding))
			return &s->findings[i];
	return NULL;
}

/*
 * output.c - see output.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "inventory.h"
#include "output.h"
#include "util.h"

int output_format(const char *s, enum out_format *f, struct error *e)
{
	if (!s || !strcmp(s, "table"))
		*f = OUT_TABLE;
	else if (!strcmp(s, "json"))
		*f = OUT_JSON;
	else if (!strcmp(s, "csv"))
		*f = OUT_CSV;
	else
		return error_set(e, ERR_USAGE, "--format: expected table, json or csv, not '%s'", s);
	return 0;
}

int output_format_list(const char *s, enum out_format *f, struct error *e)
{
	if (s && !strcmp(s, "list")) {
		*f = OUT_LIST;
		return 0;
	}
	if (output_format(s, f, e) < 0)
		return error_set(e, ERR_USAGE, "--format: expected table, json, csv or list, not '%s'",
				 s);
	return 0;
}

void output_printable(struct strbuf *sb, const char *s)
{
	unsigned long cp;
	size_t n;

	for (; *s; s += n) {
		/* 4 bytes at most are read; a NUL ends a character early and makes it invalid */
		n = utf8_char(s, 4, &cp);
		if (n == 0 || utf8_is_control(cp))
			strbuf_putc(sb, '?');
		else
			strbuf_add(sb, s, n);
		n = n ? n : 1;
	}
}

/* A CSV cell: text through the one CSV writer (formula neutralisation), numbers as they
 * are, so that a negative number stays a number. */
static void csv_cell(struct strbuf *sb, const char *s, int text, int printable)
{
	struct strbuf tmp = STRBUF_INIT;

	if (printable) {
		output_printable(&tmp, s);
		s = strbuf_str(&tmp);
	}
	if (text)
		strbuf_csv_cell(sb, s);
	else
		strbuf_puts(sb, s);
	strbuf_done(&tmp);
}

/* Display width of UTF-8 text, counting one column per code point. */
static size_t width(const char *s)
{
	size_t n = 0;

	for (; *s; s++)
		n += ((unsigned char)*s & 0xc0) != 0x80;
	return n;
}

struct table {
	int ncol;
	char **cells; /* rows * ncol, row 0 is the header */
	int *numeric; /* right-align this column */
	size_t rows, cap;
};

static void print_table(FILE *out, struct table *t)
{
	size_t *w = xcalloc((size_t)t->ncol, sizeof(size_t)), r;
	int c;

	for (r = 0; r < t->rows; r++)
		for (c = 0; c < t->ncol; c++) {
			size_t n = width(t->cells[r * t->ncol + c]);

			if (n > w[c])
				w[c] = n;
		}
	for (r = 0; r < t->rows; r++) {
		for (c = 0; c < t->ncol; c++) {
			const char *cell = t->cells[r * t->ncol + c];
			size_t pad = w[c] - width(cell);
			int last = c == t->ncol - 1;

			if (t->numeric[c] && r > 0)
				fprintf(out, "%*s%s", (int)pad, "", cell);
			else
				fprintf(out, "%s%*s", cell, last ? 0 : (int)pad, "");
			fputs(last ? "\n" : "  ", out);
		}
	}
	free(w);
}

int output_rows(struct ctx *ctx, struct db *db, sqlite3_stmt *st, enum out_format f,
		struct error *e)
{
	int ncol = sqlite3_column_count(st), c, rc, first = 1;
	struct strbuf sb = STRBUF_INIT;
	struct table t = {0};
	size_t i;

	t.ncol = ncol;
	t.numeric = xcalloc((size_t)ncol, sizeof(int));
	if (f == OUT_TABLE) {
		t.cells = xgrow(NULL, &t.cap, (size_t)ncol, sizeof(char *));
		for (c = 0; c < ncol; c++) {
			char *h = xstrdup(sqlite3_column_name(st, c)), *p;

			for (p = h; *p; p++)
				*p = *p == '_' ? ' ' : (char)(*p >= 'a' && *p <= 'z' ? *p - 32 : *p);
			t.cells[c] = h;
		}
		t.rows = 1;
	} else if (f == OUT_JSON) {
		strbuf_putc(&sb, '[');
	} else if (f == OUT_CSV) {
		for (c = 0; c < ncol; c++) {
			if (c)
				strbuf_putc(&sb, ',');
			csv_cell(&sb, sqlite3_column_name(st, c), 1, 0);
		}
		strbuf_puts(&sb, "\r\n");
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (f == OUT_JSON)
			strbuf_puts(&sb, first ? "\n  {" : ",\n  {");
		first = 0;
		if (f == OUT_TABLE)
			t.cells = xgrow(t.cells, &t.cap, (t.rows + 1) * (size_t)ncol,
					sizeof(char *));
		for (c = 0; c < ncol; c++) {
			int type = sqlite3_column_type(st, c);
			const char *v = (const char *)sqlite3_column_text(st, c);

			if (f == OUT_TABLE) {
				struct strbuf cell = STRBUF_INIT;

				output_printable(&cell, v ? v : "-");
				t.cells[t.rows * (size_t)ncol + (size_t)c] = strbuf_detach(&cell);
				if (type == SQLITE_INTEGER || type == SQLITE_FLOAT)
					t.numeric[c] = 1;
			} else if (f == OUT_JSON) {
				if (c)
					strbuf_puts(&sb, ", ");
				strbuf_json_string(&sb, sqlite3_column_name(st, c));
				strbuf_puts(&sb, ": ");
				if (type == SQLITE_NULL)
					strbuf_puts(&sb, "null");
				else if (type == SQLITE_INTEGER || type == SQLITE_FLOAT)
					strbuf_puts(&sb, v);
				else if (sqlite3_value_subtype(sqlite3_column_value(st, c)) == 'J')
					strbuf_puts(&sb, v); /* already JSON, from json() */
				else
					strbuf_json_string(&sb, v);
			} else if (f == OUT_CSV) {
				if (c)
					strbuf_putc(&sb, ',');
				csv_cell(&sb, v ? v : "",
					 type != SQLITE_INTEGER && type != SQLITE_FLOAT, ctx->out_tty);
			} else {
				if (c)
					strbuf_putc(&sb, '|');
				if (ctx->out_tty)
					output_printable(&sb, v ? v : "");
				else
					strbuf_puts(&sb, v ? v : "");
			}
		}
		if (f == OUT_JSON)
			strbuf_putc(&sb, '}');
		else if (f == OUT_CSV)
			strbuf_puts(&sb, "\r\n");
		else if (f == OUT_LIST)
			strbuf_putc(&sb, '\n');
		else
			t.rows++;
	}
	if (rc != SQLITE_DONE) {
		db_fail(db, e, "database");
	} else if (f == OUT_TABLE) {
		print_table(ctx->out, &t);
	} else {
		if (f == OUT_JSON)
			strbuf_puts(&sb, first ? "]\n" : "\n]\n");
		fputs(strbuf_str(&sb), ctx->out);
	}
	for (i = 0; i < t.rows * (size_t)ncol; i++)
		free(t.cells[i]);
	free(t.cells);
	free(t.numeric);
	strbuf_done(&sb);
	return rc == SQLITE_DONE ? 0 : -1;
}

int output_list(struct ctx *ctx, const struct args *a, const char *table_sql, const char *data_sql,
		struct error *e)
{
	const char *system = a->npos ? a->pos[0] : NULL;
	enum out_format f;
	sqlite3_stmt *st;
	int64_t id;
	int rc;

	if (output_format(arg(a, "format"), &f, e) < 0)
		return -1;
	if (system && inventory_system_id(ctx->db, system, &id, e) < 0)
		return -1;
	st = db_prepare(ctx->db, f == OUT_TABLE ? table_sql : data_sql, e);
	if (!st)
		return -1;
	db_bind_text(st, 1, system);
	rc = output_rows(ctx, ctx->db, st, f, e);
	sqlite3_finalize(st);
	return rc;
}

int output_section(struct ctx *ctx, const char *title, const char *sql, int64_t id,
		   struct error *e)
{
	sqlite3_stmt *st = db_prepare(ctx->db, sql, e);
	int rc;

	if (!st)
		return -1;
	sqlite3_bind_int64(st, 1, id);
	fprintf(ctx->out, "\n%s:\n", title);
	rc = output_rows(ctx, ctx->db, st, OUT_TABLE, e);
	sqlite3_finalize(st);
	return rc;
}

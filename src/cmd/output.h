/*
 * output.h - printing query results for people and for machines.
 *
 * table: aligned columns with a header, every cell made printable (no
 * escape sequence from the data reaches a terminal); json: an array of
 * objects, typed as SQLite typed them; csv: RFC 4180 with a header row; list:
 * values joined by '|', no header, as the sqlite3 shell prints them.
 */
#ifndef DRTOP_OUTPUT_H
#define DRTOP_OUTPUT_H

#include <stdio.h>

#include <sqlite3.h>

#include "cmd.h"
#include "strbuf.h"

enum out_format { OUT_TABLE, OUT_JSON, OUT_CSV, OUT_LIST };

/* Parse --format's value (NULL means table); list is accepted only when LIST_OK. */
int output_format(const char *s, enum out_format *f, struct error *e);
int output_format_list(const char *s, enum out_format *f, struct error *e);

/* Step ST to the end, printing its rows in format F. */
int output_rows(struct ctx *ctx, struct db *db, sqlite3_stmt *st, enum out_format f,
		struct error *e);

/* The body of every `list` command: print TABLE_SQL's rows for --format table, DATA_SQL's
 * for json and csv. ?1 is bound to the optional SYSTEM argument (NULL when absent), which
 * must name a known system. */
int output_list(struct ctx *ctx, const struct args *a, const char *table_sql, const char *data_sql,
		struct error *e);

/* One section of a `show`: "\nTITLE:" and SQL's rows (?1 bound to ID) as a table. */
int output_section(struct ctx *ctx, const char *title, const char *sql, int64_t id,
		   struct error *e);

/* Append S to SB made printable: control characters (C0, DEL, C1), bidirectional
 * overrides and isolates, and bytes that are not UTF-8 each become '?'. */
void output_printable(struct strbuf *sb, const char *s);

#endif

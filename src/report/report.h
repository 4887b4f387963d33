/*
 * report.h - the report formats.
 *
 * Each report-*.c file turns the board (core/board.h: the verdict read from
 * the same views as the dashboard and `drtop status`) into one format.
 * Nothing is recomputed here: a report says what the views say.
 */
#ifndef DRTOP_REPORT_H
#define DRTOP_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "error.h"
#include "strbuf.h"

#include "board.h"

/* The formats. DB is open for formats that read more (charts). */
int report_text(const struct board *r, struct db *db, int color, struct strbuf *out, struct error *e);
int report_json(const struct board *r, struct db *db, int color, struct strbuf *out, struct error *e);
int report_csv(const struct board *r, struct db *db, int color, struct strbuf *out, struct error *e);
int report_markdown(const struct board *r, struct db *db, int color, struct strbuf *out,
		    struct error *e);
int report_html(const struct board *r, struct db *db, int color, struct strbuf *out, struct error *e);
int report_prometheus(const struct board *r, struct db *db, int color, struct strbuf *out,
		      struct error *e);
int report_nagios(const struct board *r, struct db *db, int color, struct strbuf *out,
		  struct error *e);

/* Helpers shared by the formats. */
const char *report_duration(int64_t secs, char buf[48]); /* "-" for BOARD_NONE */
/* Append " (target 15m, measured 40m (38m–41m))" for a finding with a
 * target, nothing otherwise; FLAGS as duration_format_bounds. */
void report_values(struct strbuf *out, const struct board_finding *f, unsigned flags);

/* A step of the recovery order in words, as every report gives it: how long
 * the system's own recovery takes and from what ("20m (drill)", "?"), when it
 * is back ("1d20m", exact: a sum where the minutes matter, or "?"), its RTO,
 * and whether it is back within it ("yes", "NO", "?"). */
struct report_step {
	char takes[DURATION_BUFSZ + 16], back[DURATION_BUFSZ], rto[DURATION_BUFSZ];
	const char *within;
};
void report_step(const struct board_step *p, struct report_step *out);
void report_html_escape(struct strbuf *sb, const char *s);

#endif

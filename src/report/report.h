/*
 * report.h - the verdict gathered once, for every report format.
 *
 * report_load() reads v_system_status and v_findings (the same views as the
 * dashboard and `drtop status`) into plain structs; each report-*.c file
 * turns them into one format. Nothing is recomputed here: a report says what
 * the views say.
 */
#ifndef DRTOP_REPORT_H
#define DRTOP_REPORT_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "error.h"
#include "strbuf.h"

#define REPORT_NONE INT64_MIN /* a NULL number */

struct report_finding {
	char *finding, *severity, *objective, *detail, *since_iso;
	int64_t target_s, measured_s, resolution_s, since;
};

struct report_system {
	int64_t id;
	char *name, *status, *worst_finding, *owner, *strategy, *recommended;
	char *recovery_point, *last_probe; /* ISO-8601 or NULL */
	int64_t tier, cost_tier, recommended_cost_tier;
	int64_t rto_s, rpo_s, worst_recovery_s, last_recovery_s, data_lag_s;
	struct report_finding *findings;
	size_t nfindings;
};

struct report {
	int64_t now;
	char now_iso[32];
	int64_t window_s;
	double near_ratio;
	struct report_system *systems;
	size_t nsystems;
	int ok, warn, breach, unknown;
};

enum report_severity { SEV_OK, SEV_WARN, SEV_BREACH };

struct report_options {
	char **systems;          /* only these (NULL-terminated), or NULL */
	enum report_severity min; /* leave out systems below this */
	int64_t window_s;         /* 0: the window setting */
};

/* Read the verdict. With a window, the views are read inside a transaction that
 * sets it and is rolled back, so the setting itself never changes. */
int report_load(struct db *db, const struct report_options *o, struct report *r, struct error *e);
void report_free(struct report *r);

/* Monitoring-plugin status: 2 any BREACH, 1 any WARN, 3 any UNKNOWN, else 0. */
int report_exit_status(const struct report *r);

/* The formats. DB is open for formats that read more (charts). */
int report_text(const struct report *r, struct db *db, int color, struct strbuf *out, struct error *e);
int report_json(const struct report *r, struct db *db, int color, struct strbuf *out, struct error *e);
int report_csv(const struct report *r, struct db *db, int color, struct strbuf *out, struct error *e);
int report_markdown(const struct report *r, struct db *db, int color, struct strbuf *out,
		    struct error *e);
int report_html(const struct report *r, struct db *db, int color, struct strbuf *out, struct error *e);
int report_prometheus(const struct report *r, struct db *db, int color, struct strbuf *out,
		      struct error *e);
int report_nagios(const struct report *r, struct db *db, int color, struct strbuf *out,
		  struct error *e);

/* Helpers shared by the formats. */
const char *report_duration(int64_t secs, char buf[48]); /* "-" for REPORT_NONE */
void report_html_escape(struct strbuf *sb, const char *s);

#endif

/*
 * inventory.h - systems and what describes them: endpoints, backup
 * schedules, dependencies, maintenance windows and the strategy catalogue.
 *
 * Every function validates its input completely before writing and reports
 * one clear error naming the value that was wrong. None of them opens a
 * transaction: the caller wraps one command (or one whole import) in
 * db_begin()/db_commit(), so a failure leaves the database as it was.
 *
 * The _put functions serve both "add" (a duplicate is an error) and import
 * (INVENTORY_UPSERT: an existing row with the same name is updated, and
 * left untouched when nothing differs, so importing twice changes nothing).
 */
#ifndef DRTOP_INVENTORY_H
#define DRTOP_INVENTORY_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "error.h"

#define INVENTORY_UPSERT 0x1
/* The longest probe timeout: 10 minutes. */
#define INVENTORY_TIMEOUT_MAX_MS 600000

/* Names of systems and schedules: 1-64 of [A-Za-z0-9._-], starting with a letter or digit. */
int inventory_name_check(const char *what, const char *name, struct error *e);
/* Free text (owner, description, note, reason): valid UTF-8 without controls or
 * bidirectional overrides (str_text_problem), at most TEXT_MAX bytes. The message names WHAT. */
int inventory_text_check(const char *what, const char *s, struct error *e);

/* The id of system NAME; ERR_DATA "unknown system" when there is none. */
int inventory_system_id(struct db *db, const char *name, int64_t *id, struct error *e);

enum {
	SYS_NAME = 0x01,
	SYS_RTO = 0x02,
	SYS_RPO = 0x04,
	SYS_STRATEGY = 0x08,
	SYS_TIER = 0x10,
	SYS_OWNER = 0x20,
	SYS_DESCRIPTION = 0x40,
	SYS_ENABLED = 0x80,
	SYS_ALL = 0xff,
};

struct inventory_system {
	const char *name;
	int64_t rto_s, rpo_s;
	const char *strategy; /* NULL or "" for none */
	long tier;            /* 0 (most critical) to 3 */
	const char *owner, *description;
	int enabled;
	int64_t since; /* a new system is in force from: 0 for now, by the real clock */
};

/* Defaults for the optional fields: no strategy, tier 2, enabled. */
void inventory_system_defaults(struct inventory_system *s);

/* Add S (every field), or with INVENTORY_UPSERT update the system of that name.
 * *changed (may be NULL) tells whether anything was written. */
int inventory_system_put(struct db *db, const struct inventory_system *s, unsigned flags,
			 int *changed, struct error *e);

/* Change the fields of system NAME selected by MASK to those in S. */
int inventory_system_set(struct db *db, const char *name, const struct inventory_system *s,
			 unsigned mask, int *changed, struct error *e);

/* Remove system NAME. Without FORCE, refuse when anything else would go with it
 * (endpoints, schedules, evidence, dependents) and say what. */
int inventory_system_rm(struct db *db, const char *name, int force, struct error *e);

struct inventory_endpoint {
	const char *url;
	const char *kind; /* "health" or "freshness" */
	int64_t interval_ms, timeout_ms;
	const char *expect;     /* "200-399", "200,204" */
	const char *body_match; /* NULL: none */
	const char *json_path;  /* NULL: none */
	char **headers;         /* "Name: value", may name ${VARIABLES} */
	size_t nheaders;
	int64_t max_latency_ms; /* 0: none */
	int tls_verify, enabled;
	int64_t since; /* a new endpoint is in force from: 0 for now, by the real clock */
};

void inventory_endpoint_defaults(struct inventory_endpoint *ep);

/* Check a header "Name: value": well formed, and a credential only by ${VARIABLE}. */
int inventory_header_check(const char *h, struct error *e);

/* Check an endpoint's fields without touching the database. */
int inventory_endpoint_check(const struct inventory_endpoint *ep, struct error *e);

/* Add EP to SYSTEM (or with INVENTORY_UPSERT update the one with the same URL
 * and kind). *id (may be NULL) receives its id. */
int inventory_endpoint_put(struct db *db, const char *system, const struct inventory_endpoint *ep,
			   unsigned flags, int64_t *id, int *changed, struct error *e);
/* Write every field of EP (URL and kind too) over endpoint ID; its history stays. */
int inventory_endpoint_set(struct db *db, int64_t id, const struct inventory_endpoint *ep,
			   int *changed, struct error *e);
/* Remove endpoint ID; one with recorded evidence (outages, probes) only with
 * PURGE, which removes that too. */
int inventory_endpoint_rm(struct db *db, int64_t id, int purge, struct error *e);

struct inventory_schedule {
	const char *name;
	const char *cron; /* NULL when every_s is set */
	const char *tz;   /* NULL: UTC, or the CRON_TZ= prefix of the expression */
	int64_t every_s;
	int64_t duration_s;
	int64_t grace_s; /* -1: the backup_grace_s setting */
	int64_t since;   /* a new schedule is in force from: 0 for now, by the real clock */
	int64_t max_gap_s; /* its largest gap between runs: 0 until inventory_schedule_check */
};

void inventory_schedule_defaults(struct inventory_schedule *s);

/* Check a schedule's fields and compute its largest gap between runs
 * (S->max_gap_s, which inventory_schedule_put then takes as it is). */
int inventory_schedule_check(struct inventory_schedule *s, struct error *e);
int inventory_schedule_put(struct db *db, const char *system, const struct inventory_schedule *s,
			   unsigned flags, int *changed, struct error *e);
int inventory_schedule_rm(struct db *db, const char *system, const char *name, struct error *e);

int inventory_depend_add(struct db *db, const char *system, const char *on, unsigned flags,
			 int *changed, struct error *e);
int inventory_depend_rm(struct db *db, const char *system, const char *on, struct error *e);

int inventory_maintenance_put(struct db *db, const char *system, int64_t from, int64_t to,
			      const char *reason, unsigned flags, int64_t *id, int *changed,
			      struct error *e);
int inventory_maintenance_rm(struct db *db, int64_t id, struct error *e);

enum { STRAT_RTO = 0x1, STRAT_RPO = 0x2, STRAT_COST = 0x4, STRAT_DESCRIPTION = 0x8 };

/* Change the catalogue entry NAME's typical figures selected by MASK. */
int inventory_strategy_set(struct db *db, const char *name, int64_t rto_s, int64_t rpo_s,
			   long cost_tier, const char *description, unsigned mask,
			   struct error *e);

/* Step ST once expecting no row; finalize it. Returns 0 or -1 with e set. */
int inventory_step(struct db *db, sqlite3_stmt *st, struct error *e);

#endif

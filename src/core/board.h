/*
 * board.h - the verdict of every system, gathered once: what the dashboard
 * shows and every report prints.
 *
 * board_load() reads v_system_status and v_findings (the views that hold the
 * rules) into plain structs, with each system's recent status history.
 * Nothing is recomputed here: the board says what the views say.
 */
#ifndef DRTOP_BOARD_H
#define DRTOP_BOARD_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "duration.h"
#include "error.h"

#define BOARD_NONE INT64_MIN /* a NULL number */

struct board_finding {
	char *finding, *severity, *objective, *detail, *since_iso;
	int64_t target_s, measured_s, resolution_s, since;
	/* An outage's bounds (rto findings): at least, at most; BOARD_NONE when
	 * not known or not an outage. */
	int64_t lower_s, upper_s;
};

struct board_system {
	int64_t id;
	char *name, *status, *worst_finding, *owner, *strategy, *recommended;
	char *recovery_point, *last_probe; /* ISO-8601 or NULL */
	int64_t tier, cost_tier, recommended_cost_tier;
	int64_t rto_s, rpo_s, worst_recovery_s, last_recovery_s, data_lag_s;
	/* The bounds of the worst and the last outage's length: at least LOWER,
	 * at most UPPER (BOARD_NONE when not bounded: ongoing, or cut by a gap
	 * in probing). The figure is then only a lower bound (the _bound flags). */
	int64_t worst_recovery_lower_s, worst_recovery_upper_s;
	int64_t last_recovery_lower_s, last_recovery_upper_s;
	int worst_recovery_bound, last_recovery_bound;
	struct board_finding *findings;
	size_t nfindings;
	int64_t last_probe_at;
	int disabled;          /* not probed, nor judged on its evidence (system set --disable) */
	int64_t down_since_ms; /* the start of an outage going on now, or BOARD_NONE */
	int64_t down_lower_s;  /* how long it has been down at the least, from the
				* probes by 'now' (the silence of a gap not counted) */
	int64_t down_gap_s;    /* the silence of the gaps in probing inside it (0: none) */
	char history[13]; /* the last status changes, oldest first: O W B U */
};

struct board_text;

/* The orders a list of systems is sorted in: the worst status first (then the
 * most important tier), the name, the tier, the largest data lag first (none
 * last), the RTO; ties by name. */
enum board_order { BOARD_BY_STATUS, BOARD_BY_NAME, BOARD_BY_TIER, BOARD_BY_LAG, BOARD_BY_RTO, BOARD_ORDERS };

struct board {
	int64_t now;
	char now_iso[32];
	char as_of[48]; /* "" or, under --as-of or --now, a note of what the clock is */
	int64_t window_s;
	double near_ratio;
	struct board_system *systems;
	size_t nsystems;
	int name_width; /* the longest system name, in columns (names are ASCII) */
	size_t *name_rank; /* each system's place by name (names are unique), once an order is asked for */
	size_t *orders[BOARD_ORDERS]; /* board_order's, each worked out once */
	int ok, warn, breach, unknown;
	int down; /* systems in an outage now (down_since_ms set) */
	char ledger_head[96]; /* SEQ:HASH of the ledger's newest entry after reading; "" without one */
	int snapshot; /* read from temp.verdict_snapshot (board_options.snapshot) */
	int one_system; /* asked about one system by name (board_options.systems) */
	struct board_text *text; /* the systems' and findings' strings, in large blocks */
};

enum board_severity { BOARD_OK, BOARD_WARN, BOARD_BREACH };

struct board_options {
	char **systems;          /* only these (NULL-terminated), or NULL */
	enum board_severity min; /* leave out systems below this */
	int64_t window_s;         /* 0: the window setting */
	/* Called every few milliseconds while the verdict is read (also while it
	 * waits for a lock), so that a caller with one thread can serve its
	 * terminal meanwhile; it must not use DB's connection. A nonzero return
	 * abandons the read (board_load fails). NULL: none. */
	int (*yield)(void *arg);
	void *yield_arg;
	/* Read v_system_status into temp.verdict_snapshot first (verdict_snapshot),
	 * so that the history can be kept from the same rows. Not with a window. */
	int snapshot;
	/* Work out every board_order as the board is read (by the thread that
	 * reads it), so that sorting it later costs nothing. */
	int orders;
};

/* Read the verdict. With a window, the views are read inside a transaction that
 * sets it and is rolled back, so the setting itself never changes. */
int board_load(struct db *db, const struct board_options *o, struct board *r, struct error *e);
void board_free(struct board *r);
/* Keep the status history from the verdict R was read from: its snapshot, or
 * the views when it took none (a window of its own), as verdict_note_history
 * does. When a change was recorded, R's history cells are read again.
 * Returns -1 only when that read fails. */
int board_note_history(struct db *db, struct board *r, struct error *e);

/* A quick first look, for a first frame: every system with its last recorded
 * status (status_history), its objectives and strategy, without the findings. */
int board_load_quick(struct db *db, struct board *b, struct error *e);

/* B's systems' indexes in ORDER, worked out the first time it is asked for
 * (every one of them by board_load with board_options.orders). Reversed, it is
 * the same order the other way. */
const size_t *board_order(struct board *b, enum board_order order);

/* How bad a status is: 3 BREACH, 2 WARN, 1 UNKNOWN, 0 OK. */
int board_status_rank(const char *status);

/* A finding's target and measured value side by side, in the same rounded
 * units ("15m" against "40m (38m–41m)", "≥ 10m" for an outage with no upper
 * bound); "-" where there is none. FLAGS as duration_format_bounds. */
void board_finding_format(const struct board_finding *f, unsigned flags,
			  char target[DURATION_BOUNDS_BUFSZ], char measured[DURATION_BOUNDS_BUFSZ]);

/* The worst (or the last ended, LAST) outage's length of S with its bounds,
 * beside its RTO, as duration_format_bounds_versus. */
char *board_recovery_format(const struct board_system *s, int last, unsigned flags,
			    char buf[DURATION_BOUNDS_BUFSZ]);

/* The finding of S named by its worst_finding, or NULL. */
const struct board_finding *board_worst_finding(const struct board_system *s);

/* A change of a system's status (status_history), newest first. */
struct board_change {
	const struct board_system *system; /* on the board */
	char at_iso[32];
	char from[8], to[8]; /* "" for the first status ever kept */
};

/* The status changes of the board's systems after SINCE up to its 'now', newest
 * first, at most MAX. *out (freed by the caller) receives *n of them. */
int board_changes(struct db *db, const struct board *r, int64_t since, size_t max,
		  struct board_change **out, size_t *n, struct error *e);

/* A system's place in the recovery order (v_recovery_order): its parallel step,
 * how long its own recovery takes and from what, when it can begin and when it
 * is back (seconds from the start of the recovery; BOARD_NONE when unknown),
 * and whether that is within its RTO (1, 0, or -1 when unknown). */
struct board_step {
	const struct board_system *system; /* on the board: valid while the board is */
	int64_t step, recovery_s, ready_s, done_s;
	int meets_rto;
	char estimate[16]; /* "drill", "strategy" or "" */
};

/* The recovery order of the board's systems (those in a dependency cycle have
 * none). *out (freed by the caller) receives *n steps, in runbook order. */
int board_recovery_order(struct db *db, const struct board *r, struct board_step **out, size_t *n,
			 struct error *e);

/* A cron schedule's due runs in the verdict window by outcome
 * (v_backup_compliance); on_time_share is -1 when none is due yet. */
struct board_compliance {
	const struct board_system *system; /* on the board: valid while the board is */
	char *schedule;
	int64_t due, on_time, late, missed, failed, pending;
	double on_time_share;
};

/* The compliance of the board's cron schedules that were due in the window,
 * by system and schedule. *out (board_compliance_free) receives *n of them. */
int board_compliance(struct db *db, const struct board *r, struct board_compliance **out,
		     size_t *n, struct error *e);
void board_compliance_free(struct board_compliance *v, size_t n);

/* Monitoring-plugin status: 2 any BREACH, 1 any WARN, 3 any UNKNOWN, else 0. */
int board_exit_status(const struct board *r);

#endif

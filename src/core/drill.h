/*
 * drill.h - drills that drtop runs and measures (drtop drill run, the
 * dashboard's `r`).
 *
 * A drill is a recovery carried out for real while drtop watches: it takes
 * the recovery point before, opens a maintenance window (the outage it causes
 * is planned), runs the operator's command (a failover or a restore script),
 * probes the system's endpoints every `every` with the prober (so the probes
 * are recorded like any others), declares recovery after `healthy`
 * consecutive successes of every health endpoint, runs the verify command,
 * takes the recovery point after, and records the drill with its measured
 * recovery time as an interval (the start of the first healthy probe is the
 * upper bound, the start of the probe before it the lower bound) and its data
 * loss. An interrupt or the timeout ends the command's process group, runs
 * the abort command, and records the drill as aborted.
 *
 * The drill is a state machine: drill_step() never blocks longer than it is
 * told, so the command line waits in it on a signal's self-pipe and the
 * dashboard drives it from its own loop. A drill runs in real time: its times
 * are the real clock's, and it is refused while --now fixes the clock.
 * Successes count toward recovery once the command has ended or the drill has
 * seen the system down, so a system still answering before the command took
 * it down is never taken for recovered.
 */
#ifndef DRTOP_DRILL_H
#define DRTOP_DRILL_H

#include <stddef.h>
#include <stdint.h>

#include "db.h"
#include "error.h"
#include "strbuf.h"

#define DRILL_HEALTHY        3    /* consecutive successes that declare recovery */
#define DRILL_EVERY_MS       1000 /* the default probe spacing, at most RTO/20 */
#define DRILL_EVERY_MIN_MS   100
#define DRILL_TIMEOUT_MIN_MS 60000 /* the default timeout: twice the RTO, at least this */

struct drill_plan {
	const char *system;
	const char *kind;    /* failover or restore */
	const char *command; /* the failover or restore, or NULL: recovered by hand */
	const char *verify;  /* NULL: none */
	const char *abort;   /* NULL: none */
	int64_t timeout_ms;  /* 0: the default */
	int64_t every_ms;    /* 0: the default */
	int healthy;         /* 0: the default */
};

/* What a drill of a system would use: the answers of drill_check(). */
struct drill_info {
	int64_t system_id, rto_s, rpo_s;
	int64_t timeout_ms, every_ms;
	int healthy;
	char **health, **freshness;     /* URLs, NULL-terminated */
	int64_t checkin_id, checkin_at; /* the newest good check-in, 0 when none */
	int64_t stale_id;               /* a drill left 'running' by a drtop that is gone, or 0 */
};

/* Check that PLAN can run now (kind, options against the RTO, a health
 * endpoint, no other drill of the system running, the real clock) and fill
 * INFO with what it would use, defaults applied. Returns 0, or -1 with e set:
 * ERR_USAGE for options, ERR_DATA for what the inventory lacks, ERR_BUSY when
 * another drill of the system runs. Release INFO with drill_info_done(). */
int drill_check(struct db *db, const struct drill_plan *plan, struct drill_info *info,
                struct error *e);
void drill_info_done(struct drill_info *info);

/* Every step the drill of PLAN would take, with the endpoints and the commands,
 * one a line, appended to OUT: what --dry-run prints and the dashboard shows
 * before it asks. */
void drill_describe(const struct drill_plan *plan, const struct drill_info *info,
                    struct strbuf *out);

/* The kind and commands of SYSTEM's latest drill that drtop ran, to offer again
 * (each NULL when there was none or it had none; the caller frees). Returns 0,
 * or -1 with e set. */
int drill_last_commands(struct db *db, const char *system, char **kind, char **command,
                        char **verify, char **abort, struct error *e);

/* What the drill tells as it goes: a step, a probe result, a line of a command's output. */
enum drill_note { DRILL_NOTE_STEP, DRILL_NOTE_PROBE, DRILL_NOTE_OUTPUT };
typedef void (*drill_note_fn)(enum drill_note kind, const char *text, void *arg);

enum drill_phase {
	DRILL_BEFORE,   /* taking the recovery point before */
	DRILL_RUNNING,  /* the command runs and/or the system is probed until it recovers */
	DRILL_AFTER,    /* taking the recovery point after */
	DRILL_VERIFY,   /* the verify command runs */
	DRILL_ABORTING, /* the command was ended, the abort command runs */
	DRILL_DONE
};

struct drill_result {
	int64_t id;                    /* the drill row */
	const char *state;             /* recovered, failed or aborted */
	const char *failure;           /* why it failed or was aborted, or NULL */
	int recovered;                 /* recovery was seen */
	int64_t recovery_ms, lower_ms; /* measured from the command's start */
	int64_t data_loss_s;           /* -1: not measured */
	int met_rto, met_rpo;          /* 1, 0, or -1 when not judged */
	int64_t rto_s, rpo_s;
	int exit_status; /* 0 met both, 1 missed one, 2 failed or aborted */
};

struct drill;

/* Start the drill checked with drill_check() (INFO): record it as running and
 * open its maintenance window. FN (or NULL) hears about it as it goes. NULL
 * with e set on failure, with nothing recorded. */
struct drill *drill_start(struct db *db, const struct drill_plan *plan,
                          const struct drill_info *info, drill_note_fn fn, void *arg,
                          struct error *e);

/* Work: probe, read the commands' output, move on. Waits up to WAIT_MS, or
 * until EXTRA_FD (or -1) is readable (*extra_ready is then set). Returns 1 once
 * the drill is done and recorded, 0 while it goes on, -1 with e set when the
 * database failed (the drill is then left as it was recorded last). */
int drill_step(struct drill *d, int wait_ms, int extra_fd, int *extra_ready, struct error *e);

/* Abort (Ctrl-C, the dashboard's key): end the command, run the abort command,
 * record the drill as aborted. A second call also ends the abort command. */
void drill_interrupt(struct drill *d);

enum drill_phase drill_phase(const struct drill *d);
/* Milliseconds since the command started (or the drill, before that). */
int64_t drill_elapsed_ms(const struct drill *d);
/* The drill's row id. */
int64_t drill_id(const struct drill *d);
/* The result, once drill_step() returned 1. */
const struct drill_result *drill_result(const struct drill *d);

/* Release the drill; one not done is abandoned (its command's group killed) and
 * stays recorded as running until the next drill of the system finds it stale. */
void drill_free(struct drill *d);

#endif

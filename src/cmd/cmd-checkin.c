/*
 * cmd-checkin.c - drtop checkin SYSTEM: a backup job reports that it finished.
 *
 * Meant to be the last line of a backup script (`pg_dump ... && drtop
 * checkin payments-db`), in the manner of a dead-man's switch.
 */
#include "config.h"

#include "cmd.h"
#include "evidence.h"
#include "when.h"

static const struct opt opts[] = {
	{"schedule", "NAME", "the schedule this run belongs to (default: the system's only one)", 0},
	{"at", "TIME", "when the backup finished (default: now, by the real clock)", 0},
	{"failed", NULL, "the backup failed", 0},
	{"note", "TEXT", "a note, e.g. the backup's size or id", 0},
	{NULL},
};

static int run(struct ctx *ctx, struct args *a, struct error *e)
{
	/* What is recorded about the past says so with --at: --now moves only the
	 * verdict's clock, so a check-in without --at is dated by the real one. */
	int64_t at = when_real_now(), id;
	int ok = !arg(a, "failed");
	char buf[WHEN_BUFSZ];

	if (arg_time(a, "at", &at, e) < 0)
		return -1;
	if (db_begin(ctx->db, e) < 0)
		return -1;
	if (cmd_commit(ctx, evidence_checkin_add(ctx->db, a->pos[0], arg(a, "schedule"), at, ok,
						 arg(a, "note"), &id, e), e) < 0)
		return -1;
	fprintf(ctx->out, "recorded %s backup of %s at %s\n", ok ? "a successful" : "a failed",
		a->pos[0], when_format(at, buf));
	return 0;
}

const struct cmd cmd_checkin = {"checkin", "SYSTEM", "record that a backup of SYSTEM finished",
				opts, 1, 1, run};

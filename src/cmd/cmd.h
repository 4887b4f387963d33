/*
 * cmd.h - the command table and what every command shares.
 *
 * Each subcommand lives in its own cmd-*.c file and exports a table of
 * struct cmd. A command describes its positional arguments and its options
 * as data; the dispatcher parses the command line from that description,
 * and `drtop help`, `drtop COMMAND --help` and the usage errors are
 * generated from the same tables, so help never drifts from behaviour.
 */
#ifndef DRTOP_CMD_H
#define DRTOP_CMD_H

#include <stdio.h>

#include "db.h"
#include "error.h"

#define OPT_REQUIRED 0x1 /* must be given */
#define OPT_MULTI 0x2    /* may be repeated; all values kept */

#define CMD_NO_DB 0x1    /* does not open the database */
#define CMD_DB_EXISTS 0x2 /* the database must exist already (never created) */
#define CMD_PLUGIN 0x4   /* exits like a monitoring plugin: errors other than usage exit 3 */
#define CMD_READ 0x8     /* only reads: works on a file it cannot write (see DB_READ), and
			  * never creates one (a missing file is refused, exit 66) */

struct opt {
	const char *name; /* long name, without the dashes */
	const char *arg;  /* placeholder of its argument, NULL for a flag */
	const char *help;
	unsigned flags;
};

#define CMD_MAXOPT 24

struct args {
	const struct cmd *cmd;
	char **pos;
	int npos;
	const char *val[CMD_MAXOPT]; /* last value given; "" for a flag that was given */
	char **multi[CMD_MAXOPT];    /* every value of an OPT_MULTI option, NULL-terminated */
	size_t nmulti[CMD_MAXOPT];
};

struct ctx {
	struct db *db;       /* open unless the command is CMD_NO_DB */
	const char *db_path; /* --db, or NULL */
	const char *clock_now, *clock_as_of; /* --now, --as-of: NULL if not given */
	FILE *out;
	int out_tty;
};

struct cmd {
	const char *name;
	const char *args; /* synopsis of the positional arguments, e.g. "NAME" */
	const char *summary;
	const struct opt *opts; /* terminated by {NULL} */
	int min_pos, max_pos;
	/* Returns the exit status, or -1 with e set. */
	int (*run)(struct ctx *ctx, struct args *a, struct error *e);
	const struct cmd *sub; /* subcommands, terminated by {NULL} */
	unsigned flags;
	const struct cmd *leaf; /* a top-level entry that is itself a command */
};

/* The command tables, one per cmd-*.c file. */
extern const struct cmd cmd_system[], cmd_endpoint[], cmd_schedule[], cmd_depend[],
	cmd_maintenance[], cmd_drill[], cmd_strategy[], cmd_db[], cmd_config[], cmd_notify[];
extern const struct cmd cmd_checkin, cmd_import, cmd_export, cmd_probe, cmd_status, cmd_whatif,
	cmd_recovery_order, cmd_report, cmd_dashboard, cmd_demo;

/* Run the command line (without the program name); returns the exit status. */
int cmd_main(int argc, char **argv);

/* The value of option NAME, or NULL when it was not given. */
const char *arg(const struct args *a, const char *name);
/* Every value of the OPT_MULTI option NAME (NULL-terminated, possibly empty), and its count. */
char **arg_all(const struct args *a, const char *name, size_t *n);

/* Print "drtop: MESSAGE" on stderr, made printable (output_printable): every error and
 * notice goes through it. */
void cmd_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* The --reason option of a change: checked as free text, required when NEEDED (the
 * change touches objectives, strategy or tier) and the require-reason setting is on,
 * and handed to the database for the ledger. Returns 0, or -1 with e set. */
int cmd_reason(struct ctx *ctx, const struct args *a, int needed, struct error *e);

/* Finish a write transaction begun with db_begin(): commit when RC is 0,
 * else roll back. Returns RC, or -1 when the commit fails. */
int cmd_commit(struct ctx *ctx, int rc, struct error *e);

/* Write LEN bytes of TEXT to PATH atomically: a temporary file, then a rename. The file
 * gets MODE, or 0666 less the umask when MODE is negative. */
int cmd_write_file(const char *path, const char *text, size_t len, int mode, struct error *e);

/* Fail (ERR_CANTCREAT) when PATH cannot be written by cmd_write_file(): it is a directory,
 * or its directory is missing or not writable. */
int cmd_check_output(const char *path, struct error *e);


/* Open the database for a command with FLAGS (CMD_*) into ctx->db, saying when its
 * schema was upgraded. Returns 0, or -1 with e set. */
int cmd_open_db(struct ctx *ctx, unsigned flags, struct error *e);

/* SIGINT, SIGTERM and SIGHUP wake a loop through a self-pipe (cmd_signal_fd(),
 * for curl_multi_poll) instead of killing the process, so that what finished
 * is recorded before it exits; cmd_release_signals() makes them kill again and
 * closes the pipe. cmd_take_signals() empties the pipe and says how many came. */
void cmd_catch_signals(void);
void cmd_release_signals(void);
int cmd_signal_fd(void);
int cmd_take_signals(void);

/* Exit status for an error kind (sysexits). */
int cmd_exit_status(enum error_kind kind);

/* Parse option NAME as a duration / ms duration / time / integer in [lo, hi]. An absent
 * option leaves *out untouched and returns 0. Errors name the option. */
int arg_duration(const struct args *a, const char *name, unsigned flags, int64_t *out,
		 struct error *e);
int arg_duration_ms(const struct args *a, const char *name, int64_t *out, struct error *e);
int arg_time(const struct args *a, const char *name, int64_t *out, struct error *e);
/* --since TIME of a new row of the plan: when it came into force (never in the
 * real future); absent leaves *out 0, meaning now by the real clock. */
int arg_since(const struct args *a, int64_t *out, struct error *e);
int arg_int(const struct args *a, const char *name, long lo, long hi, long *out,
	    struct error *e);
/* Parse option NAME as an octal file mode (0 to 0777) into *mode; absent leaves it. */
int arg_mode(const struct args *a, const char *name, int *mode, struct error *e);

#endif

/*
 * cmd-checkin.c - drtop checkin SYSTEM: a backup job reports on a run.
 *
 * Meant to be the last line of a backup script (`pg_dump ... && drtop
 * checkin payments-db`), in the manner of a dead-man's switch. A script may
 * also say when the run started (`--start` first, then the check-in that
 * finishes it) and what it wrote (--size, --artifact, --sha256), or let drtop
 * run the job: `drtop checkin SYSTEM --run -- CMD ARGS...` records the start,
 * runs CMD, and records the finish with its exit status, and exits as CMD did.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "evidence.h"
#include "util.h"
#include "when.h"

static const struct opt opts[] = {
	{"schedule", "NAME", "the schedule this run belongs to (default: the system's only one)", 0},
	{"at", "TIME", "when the backup finished, or started with --start (default: now, by the real "
		       "clock)", 0},
	{"failed", NULL, "the backup failed", 0},
	{"note", "TEXT", "a note about the run", 0},
	{"start", NULL, "record that a run started; the next check-in finishes it", 0},
	{"exit-status", "N", "the job's exit status; any but 0 records a failed run", 0},
	{"size", "BYTES", "the size of what the run wrote", 0},
	{"size-of", "PATH", "record the size of the file PATH (after the command, with --run)", 0},
	{"artifact", "ID", "what the run wrote: a file name, snapshot or archive id", 0},
	{"sha256", "HEX", "the SHA-256 of what the run wrote", 0},
	{"run", NULL, "run the command after the arguments (-- CMD ARGS...), timed, and check in with "
		      "its exit status", 0},
	{NULL},
};

/* A check-in of a system with several schedules, none named, counts for none
 * of them: recorded all the same (refusing would lose the run), and said. */
static void warn_no_schedule(struct ctx *ctx, const char *system)
{
	sqlite3_stmt *st = db_prepare(ctx->db,
				      "SELECT count(*), group_concat(name, ', ') FROM (SELECT b.name "
				      "FROM backup_schedule b JOIN system s ON s.id = b.system_id "
				      "WHERE s.name = ?1 ORDER BY b.name)",
				      NULL);

	if (!st)
		return;
	db_bind_text(st, 1, system);
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) > 1)
		cmd_note("%s has %d schedules (%s): this run counts for none of them; name its "
			 "schedule with --schedule",
			 system, sqlite3_column_int(st, 0), (const char *)sqlite3_column_text(st, 1));
	sqlite3_finalize(st);
}

static int size_of(const char *path, int64_t *size, struct error *e)
{
	struct stat sb;

	if (stat(path, &sb) < 0)
		return error_set(e, ERR_NOINPUT, "--size-of %s: %s", path, strerror(errno));
	if (!S_ISREG(sb.st_mode)) /* a directory's or a device's size is no backup's */
		return error_set(e, ERR_DATA, "--size-of %s: not a regular file", path);
	*size = (int64_t)sb.st_size;
	return 0;
}

/* The command --run runs in a process group of its own, its whole tree (a
 * wrapper script and what it starts): SIGTERM and SIGHUP sent to drtop alone
 * (kill, a service manager's stop) go on to the group, and drtop waits for it
 * to end and records how, rather than dying with the run's outcome unknown.
 * At a terminal the group is given the terminal, so that Ctrl-C, Ctrl-\ and
 * what the command reads reach it as they would without drtop; Ctrl-Z stops
 * drtop with it. */
static volatile sig_atomic_t run_group;

static void forward(int sig)
{
	if (run_group > 0)
		kill(-(pid_t)run_group, sig);
}

/* Give the terminal TTY (-1: none) to process group PGRP. SIGTTOU is held:
 * drtop takes it back from the background. */
static void terminal_to(int tty, pid_t pgrp)
{
	sigset_t ttou, old;

	if (tty < 0)
		return;
	sigemptyset(&ttou);
	sigaddset(&ttou, SIGTTOU);
	sigprocmask(SIG_BLOCK, &ttou, &old);
	tcsetpgrp(tty, pgrp);
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Wait for PID, the leader of its group, to end. At terminal TTY a stop of the
 * group (Ctrl-Z) stops drtop too, so that the shell has its job back; when
 * continued in the foreground, the group gets the terminal again. */
static int wait_group(pid_t pid, int tty)
{
	int status = 0;

	for (;;) {
		if (waitpid(pid, &status, tty >= 0 ? WUNTRACED : 0) < 0) {
			if (errno == EINTR)
				continue;
			return 127;
		}
		if (!WIFSTOPPED(status))
			break;
		terminal_to(tty, getpgrp());
		raise(SIGSTOP);
		if (tcgetpgrp(tty) == getpgrp()) /* fg, not bg */
			terminal_to(tty, pid);
		kill(-pid, SIGCONT);
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : WIFSIGNALED(status) ? 128 + WTERMSIG(status) : 127;
}

/* Run ARGV; its exit status (128 + N when killed by signal N, 127 when it
 * could not be started). SIGINT and SIGQUIT are ignored meanwhile (at a
 * terminal they go to the command's group); SIGTERM and SIGHUP are passed on
 * to its group, and after it no longer end drtop. */
static int run_command(char **argv)
{
	struct sigaction ign, fwd, old_int, old_quit, old_term, old_hup;
	sigset_t block, old_mask;
	int tty = isatty(STDIN_FILENO) && tcgetpgrp(STDIN_FILENO) == getpgrp() ? STDIN_FILENO : -1;
	pid_t pid;
	int status = 0;

	fflush(NULL);
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	memset(&fwd, 0, sizeof(fwd));
	fwd.sa_handler = forward;
	sigemptyset(&fwd.sa_mask);
	/* held until the child's group is known, so that none is lost on the way */
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGHUP);
	sigprocmask(SIG_BLOCK, &block, &old_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	sigaction(SIGTERM, &fwd, &old_term);
	sigaction(SIGHUP, &fwd, &old_hup);
	pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		terminal_to(tty, getpid());
		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		sigaction(SIGTERM, &old_term, NULL);
		sigaction(SIGHUP, &old_hup, NULL);
		sigprocmask(SIG_SETMASK, &old_mask, NULL);
		execvp(argv[0], argv);
		cmd_note("cannot run %s: %s", argv[0], strerror(errno));
		_exit(127);
	}
	if (pid > 0) {
		setpgid(pid, pid); /* as the child does: whichever comes first */
		terminal_to(tty, pid);
	}
	run_group = pid > 0 ? pid : 0;
	sigprocmask(SIG_SETMASK, &old_mask, NULL);
	if (pid < 0) {
		cmd_note("cannot run %s: %s", argv[0], strerror(errno));
		status = 127;
	} else {
		status = wait_group(pid, tty);
		terminal_to(tty, getpgrp());
	}
	/* SIGTERM and SIGHUP stay caught, with nobody to pass them to, until the
	 * command ends: the outcome is recorded before drtop goes. */
	run_group = 0;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	return status;
}

static int run(struct ctx *ctx, struct args *a, struct error *e)
{
	/* What is recorded about the past says so with --at: --now moves only the
	 * verdict's clock, so a check-in without --at is dated by the real one. */
	int64_t at = when_real_now(), id, started = -1;
	const char *system = a->pos[0];
	struct evidence_run r;
	char buf[WHEN_BUFSZ], took[WHEN_BUFSZ];
	long n = -1, size = -1;
	char *missing = NULL; /* --size-of's file, missing after the run */
	int status = 0;

	if (!arg(a, "run") && a->npos > 1)
		return error_set(e, ERR_USAGE, "checkin: unexpected argument '%s'; a command to run "
					       "needs --run (drtop checkin SYSTEM --run -- CMD ARGS...)",
				 a->pos[1]);
	if (arg(a, "run") && a->npos < 2)
		return error_set(e, ERR_USAGE, "checkin: --run needs a command: drtop checkin SYSTEM "
					       "--run -- CMD ARGS...");
	if (arg(a, "run") && (arg(a, "at") || arg(a, "start") || arg(a, "failed") ||
			      arg(a, "exit-status")))
		return error_set(e, ERR_USAGE, "checkin: --run times the command itself: it takes no "
					       "--at, --start, --failed or --exit-status");
	if (arg(a, "start") && (arg(a, "failed") || arg(a, "exit-status") || arg(a, "size") ||
				arg(a, "size-of") || arg(a, "artifact") || arg(a, "sha256")))
		return error_set(e, ERR_USAGE, "checkin: --start records only that a run began; say "
					       "how it ended in the check-in that finishes it");
	/* Refused before the command runs: a backup run under --as-of would never be recorded. */
	if (arg(a, "run") && db_refuse_as_of(e) < 0)
		return -1;
	if (arg(a, "size") && arg(a, "size-of"))
		return error_set(e, ERR_USAGE, "checkin: --size or --size-of, not both");
	if (arg_time(a, "at", &at, e) < 0 || arg_int(a, "exit-status", 0, 255, &n, e) < 0 ||
	    arg_int(a, "size", 0, LONG_MAX, &size, e) < 0)
		return -1;
	if (arg(a, "failed") && arg(a, "exit-status") && n == 0)
		return error_set(e, ERR_USAGE, "checkin: --failed with --exit-status 0 contradict each "
					       "other (0 is a successful run)");
	/* Opened here, not before: with --run the backup runs even when its
	 * evidence cannot be kept (no database at a mistyped --db, a damaged or
	 * locked one), and a missing file is never created. */
	if (cmd_open_db(ctx, CMD_DB_EXISTS, e) < 0) {
		if (!arg(a, "run"))
			return -1;
		cmd_note("%s; running the command anyway", e->msg);
		error_done(e);
		status = run_command(a->pos + 1);
		cmd_note("the run (exit status %d) is not recorded", status);
		return status;
	}
	if (arg(a, "start") || arg(a, "run")) {
		if (db_begin(ctx->db, e) < 0 ||
		    cmd_commit(ctx, evidence_run_start(ctx->db, system, arg(a, "schedule"), at, &id, e),
			       e) < 0) {
			if (!arg(a, "run"))
				return -1;
			/* the backup runs all the same: it matters more than its start */
			cmd_note("%s; running the command anyway", e->msg);
			error_done(e);
		} else if (arg(a, "start")) {
			fprintf(ctx->out, "recorded the start of a backup of %s at %s\n", system,
				when_format(at, buf));
			return 0;
		}
		status = run_command(a->pos + 1);
		at = when_real_now();
		n = status;
	}
	if (arg(a, "size-of")) {
		int64_t sz = 0;

		if (size_of(arg(a, "size-of"), &sz, e) < 0) {
			if (!arg(a, "run"))
				return -1;
			/* A run whose artifact is missing did not back anything up,
			 * whatever its status said: recorded as failed, and its
			 * scheduler told. */
			cmd_note("%s; the run is recorded as failed", e->msg);
			missing = xstrdup(e->msg);
			error_done(e);
			if (status == 0)
				status = 1;
		} else {
			size = (long)sz;
		}
	}
	evidence_run_init(&r, at);
	r.schedule = arg(a, "schedule");
	r.ok = !arg(a, "failed") && n <= 0 && !missing;
	r.note = missing ? missing : arg(a, "note");
	r.exit_status = n;
	r.size_bytes = size;
	r.artifact = arg(a, "artifact");
	r.sha256 = arg(a, "sha256");
	if (db_begin(ctx->db, e) < 0 ||
	    cmd_commit(ctx, evidence_checkin_add(ctx->db, system, &r, &id, &started, e), e) < 0) {
		if (!arg(a, "run"))
			return -1;
		/* the job's own status is what its scheduler must see */
		cmd_note("%s; the run is not recorded", e->msg);
		error_done(e);
		free(missing);
		return status;
	}
	free(missing);
	if (!r.schedule)
		warn_no_schedule(ctx, system);
	fprintf(ctx->out, "recorded %s backup of %s at %s", r.ok ? "a successful" : "a failed",
		system, when_format(at, buf));
	if (started >= 0)
		fprintf(ctx->out, " (started %s, took %llds)", when_format(started, took),
			(long long)(at - started));
	fputc('\n', ctx->out);
	return status;
}

const struct cmd cmd_checkin = {"checkin", "SYSTEM [-- CMD ARGS...]",
				"record that a backup of SYSTEM started or finished, or run it",
				opts, 1, INT_MAX, run, NULL, CMD_NO_DB};

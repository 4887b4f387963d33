/*
 * child.h - running a drill's commands: one shell command at a time, watched
 * without blocking.
 *
 * A command runs as `/bin/sh -c COMMAND` (what cron and ssh do: the operator's
 * string may use pipes, redirections and variables) in a process group of its
 * own, with stdin from /dev/null and stdout and stderr into one pipe. The
 * caller's loop calls child_poll() between other work: it reads what is there
 * (never waiting), hands complete lines to a callback, keeps the last
 * CHILD_KEEP bytes made printable, and reaps the process. child_kill() ends
 * the whole group: SIGTERM, then SIGKILL CHILD_GRACE_MS later if anything of
 * it is still there. It knows nothing of drills or the database.
 */
#ifndef DRTOP_CHILD_H
#define DRTOP_CHILD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "error.h"
#include "strbuf.h"

#define CHILD_KEEP     4096 /* bytes of output kept (the last ones) */
#define CHILD_GRACE_MS 2000 /* SIGTERM to SIGKILL */
#define CHILD_LINE_MAX 1024 /* a longer line is handed on in pieces */

typedef void (*child_line_fn)(const char *line, void *arg);

struct child {
	pid_t pid;                    /* the shell; its process group has the same id */
	int fd;                       /* the output pipe, -1 once closed */
	int exited;                   /* the shell was reaped: status is known */
	int status;                   /* its exit status; 128 + N when signal N ended it */
	int64_t started_ms, ended_ms; /* wall clock, Unix milliseconds */
	int64_t kill_at_ms;           /* SIGKILL the group at this monotonic time; 0: not due */
	int in_fd;                    /* standard input still being written, or -1 */
	struct strbuf in;             /* what is left to write to it */
	size_t in_off;
	int killed;                   /* child_kill() was called */
	size_t total;                 /* bytes of output read */
	struct strbuf tail;           /* the last CHILD_KEEP bytes or so, printable */
	struct strbuf line;           /* the line being read */
	child_line_fn fn;
	void *arg;
};

/* Start COMMAND with the environment plus ENV ("NAME=value", NULL-terminated, or
 * NULL); FN (or NULL) receives each line of output as it comes. Returns 0, or -1
 * with e set (nothing is left running). */
int child_start(struct child *c, const char *command, char **env, child_line_fn fn, void *arg,
                struct error *e);

/* The same with INPUT (LEN bytes) on the command's standard input, written
 * without blocking as the command reads it (child_poll), then closed. */
int child_start_input(struct child *c, const char *command, char **env, const char *input,
                      size_t len, child_line_fn fn, void *arg, struct error *e);

/* Read what output there is, reap the process when it ended, and send SIGKILL
 * when a kill's grace ran out. Never waits. Returns 1 once the process ended and
 * its output was read (the pipe closed, or the process is gone), else 0. */
int child_poll(struct child *c);

/* End the command's process group: SIGTERM now, SIGKILL after CHILD_GRACE_MS. */
void child_kill(struct child *c);

/* The output kept, with a note of what was cut from its start; the caller frees. */
char *child_output(const struct child *c);

/* Kill what is left (SIGKILL to the group), reap and release. */
void child_done(struct child *c);

/* S made printable into SB: controls other than newline and tab, and bytes
 * that are not UTF-8, become '?'. */
void child_printable(struct strbuf *sb, const char *s, size_t len);

#endif

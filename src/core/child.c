/*
 * child.c - see child.h.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "child.h"
#include "probe.h"
#include "prober.h"
#include "util.h"

extern char **environ;

void child_printable(struct strbuf *sb, const char *s, size_t len)
{
	size_t i = 0, n;
	unsigned long cp;

	while (i < len) {
		if (s[i] == '\n' || s[i] == '\t') {
			strbuf_putc(sb, s[i++]);
			continue;
		}
		n = utf8_char(s + i, len - i, &cp);
		if (!n || utf8_is_control(cp)) {
			strbuf_putc(sb, '?');
			i += n ? n : 1;
			continue;
		}
		strbuf_add(sb, s + i, n);
		i += n;
	}
}

int child_start(struct child *c, const char *command, char **env, child_line_fn fn, void *arg,
                struct error *e)
{
	return child_start_input(c, command, env, NULL, 0, fn, arg, e);
}

/* Write what is left of the input, never waiting; close it when all is written
 * or the command stopped reading. A socket rather than a pipe: send() with
 * MSG_NOSIGNAL, so a command that exits without reading raises no SIGPIPE. */
static void feed(struct child *c)
{
	while (c->in_fd >= 0 && c->in_off < c->in.len) {
		ssize_t w = send(c->in_fd, c->in.buf + c->in_off, c->in.len - c->in_off, MSG_NOSIGNAL);

		if (w > 0) {
			c->in_off += (size_t)w;
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			return;
		break;
	}
	if (c->in_fd >= 0) {
		close(c->in_fd);
		c->in_fd = -1;
	}
}

int child_start_input(struct child *c, const char *command, char **env, const char *input,
                      size_t len, child_line_fn fn, void *arg, struct error *e)
{
	int p[2], in[2] = {-1, -1}, devnull;
	size_t n = 0, k = 0, i;
	char **envp;

	memset(c, 0, sizeof(*c));
	c->fd = -1;
	c->in_fd = -1;
	c->fn = fn;
	c->arg = arg;
	/* The environment is built before fork: the child only execs. */
	while (environ[n])
		n++;
	while (env && env[k])
		k++;
	envp = xcalloc(n + k + 1, sizeof(char *));
	for (i = 0; i < k; i++)
		envp[i] = env[i];
	for (i = 0; i < n; i++)
		envp[k + i] = environ[i];
	if (pipe2(p, O_CLOEXEC) < 0) {
		free(envp);
		return error_set(e, ERR_IO, "cannot run '%s': pipe: %s", command, strerror(errno));
	}
	if (input && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0) {
		close(p[0]);
		close(p[1]);
		free(envp);
		return error_set(e, ERR_IO, "cannot run '%s': socketpair: %s", command,
				 strerror(errno));
	}
	devnull = input ? -1 : open("/dev/null", O_RDONLY | O_CLOEXEC);
	c->started_ms = probe_now_ms();
	c->pid = fork();
	if (c->pid < 0) {
		int err = errno;

		close(p[0]);
		close(p[1]);
		if (in[0] >= 0) {
			close(in[0]);
			close(in[1]);
		}
		if (devnull >= 0)
			close(devnull);
		free(envp);
		c->pid = 0;
		return error_set(e, ERR_IO, "cannot run '%s': fork: %s", command, strerror(err));
	}
	if (c->pid == 0) {
		/* Only async-signal-safe calls from here on. */
		setpgid(0, 0);
		if (devnull >= 0)
			dup2(devnull, 0);
		if (in[0] >= 0) {
			shutdown(in[0], SHUT_WR);
			dup2(in[0], 0);
		}
		dup2(p[1], 1);
		dup2(p[1], 2);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGHUP, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		closefrom(3);
		execve("/bin/sh", (char *[]){"sh", "-c", (char *)command, NULL}, envp);
		_exit(127);
	}
	/* Also here, so that a kill right away finds the group. */
	setpgid(c->pid, c->pid);
	close(p[1]);
	if (devnull >= 0)
		close(devnull);
	free(envp);
	c->fd = p[0];
	fcntl(c->fd, F_SETFL, O_NONBLOCK);
	if (in[0] >= 0) {
		close(in[0]);
		shutdown(in[1], SHUT_RD);
		c->in_fd = in[1];
		fcntl(c->in_fd, F_SETFL, O_NONBLOCK);
		strbuf_add(&c->in, input, len);
		feed(c);
	}
	return 0;
}

/* Hand the line read so far to the caller's callback, and start the next. */
static void emit(struct child *c)
{
	if (c->fn) {
		struct strbuf sb = STRBUF_INIT;

		child_printable(&sb, c->line.buf ? c->line.buf : "", c->line.len);
		c->fn(strbuf_str(&sb), c->arg);
		strbuf_done(&sb);
	}
	strbuf_reset(&c->line);
}

/* Keep the tail of what was read, and hand on its complete lines. */
static void take(struct child *c, const char *buf, size_t len)
{
	size_t i;

	c->total += len;
	child_printable(&c->tail, buf, len);
	if (c->tail.len > 2 * CHILD_KEEP) {
		size_t cut = c->tail.len - CHILD_KEEP;

		memmove(c->tail.buf, c->tail.buf + cut, c->tail.len - cut + 1);
		c->tail.len -= cut;
	}
	for (i = 0; i < len; i++) {
		if (buf[i] != '\n' && c->line.len < CHILD_LINE_MAX) {
			strbuf_putc(&c->line, buf[i]);
			continue;
		}
		emit(c);
		if (buf[i] != '\n')
			strbuf_putc(&c->line, buf[i]);
	}
}

/* The output ended: its last line, if it had no newline. */
static void flush_line(struct child *c)
{
	if (c->line.len)
		emit(c);
}

int child_poll(struct child *c)
{
	char buf[4096];
	ssize_t r;
	int st;

	feed(c);
	while (c->fd >= 0) {
		r = read(c->fd, buf, sizeof(buf));
		if (r > 0) {
			take(c, buf, (size_t)r);
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0 || errno != EAGAIN) {
			close(c->fd);
			c->fd = -1;
			flush_line(c);
		}
		break;
	}
	if (c->pid > 0 && !c->exited) {
		pid_t w = waitpid(c->pid, &st, WNOHANG);

		if (w == c->pid) {
			c->exited = 1;
			c->ended_ms = probe_now_ms();
			c->status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
		} else if (w < 0 && errno == ECHILD) {
			c->exited = 1;
			c->ended_ms = probe_now_ms();
			c->status = 127;
		}
	}
	if (c->kill_at_ms && prober_clock_ms() >= c->kill_at_ms) {
		kill(-c->pid, SIGKILL);
		c->kill_at_ms = 0;
	}
	/* A process the shell left behind may hold the pipe open: once the shell
	 * ended, what it wrote is read and the rest of its group is not waited for. */
	if (c->exited && c->fd >= 0) {
		close(c->fd);
		c->fd = -1;
		flush_line(c);
	}
	return c->exited && c->fd < 0;
}

void child_kill(struct child *c)
{
	if (c->pid <= 0 || c->killed)
		return;
	c->killed = 1;
	kill(-c->pid, SIGTERM);
	c->kill_at_ms = prober_clock_ms() + CHILD_GRACE_MS;
}

char *child_output(const struct child *c)
{
	struct strbuf sb = STRBUF_INIT;
	const char *s = c->tail.buf ? c->tail.buf : "";
	size_t len = c->tail.len;

	if (len > CHILD_KEEP) {
		s += len - CHILD_KEEP;
		len = CHILD_KEEP;
		while (len && (*s & 0xc0) == 0x80) /* not in the middle of a character */
			s++, len--;
	}
	if (len < c->total && c->tail.len > CHILD_KEEP)
		strbuf_printf(&sb, "[%zu earlier bytes not kept]\n", c->total - len);
	strbuf_add(&sb, s, len);
	return strbuf_detach(&sb);
}

void child_done(struct child *c)
{
	/* What a command that ended left running on purpose (a standby it
	 * started) stays; one still running is abandoned: its group is killed. */
	if (c->pid > 0 && !c->exited) {
		kill(-c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
	}
	if (c->fd >= 0)
		close(c->fd);
	c->fd = -1;
	if (c->in_fd >= 0)
		close(c->in_fd);
	c->in_fd = -1;
	c->pid = 0;
	strbuf_done(&c->in);
	strbuf_done(&c->tail);
	strbuf_done(&c->line);
}

/*
 * cmd-probe.c - drtop probe [--once | --watch]: measure outages and data lag.
 *
 * --once probes every enabled endpoint once and prints what it found; SIGINT,
 * SIGTERM or SIGHUP stop it early, recording what finished (exit 0).
 * --watch keeps probing until SIGINT, SIGTERM or SIGHUP; the signal handler
 * only writes to a self-pipe that curl_multi_poll watches, so the one loop
 * wakes, lets in-flight probes finish for up to a second, commits, and exits.
 * SIGPIPE is ignored: when the reader of the output goes away (`| head`),
 * printing stops and recording goes on.
 *
 * The watcher outlives what operators and clocks do: a locked database makes
 * it wait with its results in memory, and a database file replaced under it
 * (a restore by `mv`) is reopened, never written through the old handle.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "duration.h"
#include "output.h"
#include "prober.h"
#include "recorder.h"
#include "util.h"
#include "when.h"

static const struct opt opts[] = {
	{"once", NULL, "probe every endpoint once and print the results (the default)", 0},
	{"watch", NULL, "keep probing until interrupted", 0},
	{"concurrency", "N", "probes in flight at once (default 64)", 0},
	{"per-host", "N", "probes in flight to one host (default 6)", 0},
	{"system", "NAME", "probe only this system's endpoints", OPT_MULTI},
	{"verbose", NULL, "with --watch, print every result as it comes, a line each, with its time", 0},
	{NULL},
};

struct view {
	FILE *out;
	int wsys, wurl;
	int progress; /* show done/total on stderr */
	size_t total, shown;
	int print;
	int stamp; /* start each line with the probe's time (--watch --verbose) */
	size_t done, failed, lost; /* by the probers of files replaced meanwhile */
};

static void on_result(const struct prober_endpoint *ep, const struct probe_result *r, void *arg)
{
	struct view *v = arg;
	struct strbuf url = STRBUF_INIT, err = STRBUF_INIT;
	char lat[DURATION_BUFSZ], lagd[DURATION_BUFSZ], lag[DURATION_BUFSZ + 8] = "", status[16] = "-";

	v->shown++;
	if (v->print) {
		output_printable(&url, ep->url);
		output_printable(&err, r->ok ? "ok" : r->error);
		if (r->status)
			snprintf(status, sizeof(status), "%ld", r->status);
		duration_format_ms(r->latency_ms > 0 ? r->latency_ms : 1, lat);
		if (r->has_data_time) {
			int64_t l = r->started_ms / 1000 - r->data_time;

			snprintf(lag, sizeof(lag), "lag %s", duration_format(l > 0 ? l : 0, lagd));
		}
		if (v->progress)
			fputs("\r\033[K", stderr);
		if (v->stamp) {
			char when[WHEN_BUFSZ];

			fprintf(v->out, "%s  ", when_format(r->started_ms / 1000, when));
		}
		fprintf(v->out, "%-*s  %-*s  %-4s  %6s  %s%s%s\n", v->wsys, ep->system, v->wurl,
			strbuf_str(&url), status, r->latency_ms > 0 ? lat : "-", strbuf_str(&err),
			lag[0] ? "  " : "", lag);
		if (ferror(v->out))
			v->print = 0; /* nobody reads any more (EPIPE): record without printing */
	}
	if (v->progress)
		fprintf(stderr, "\rprobing %zu/%zu", v->shown, v->total);
	strbuf_done(&url);
	strbuf_done(&err);
}

/* Show what the prober carried on through. */
static void show_warnings(struct prober *p)
{
	struct strbuf line = STRBUF_INIT;
	char *w = prober_take_warning(p), *s, *nl;

	for (s = w; s && *s; s = nl ? nl + 1 : s + strlen(s)) {
		nl = strchr(s, '\n');
		if (nl)
			*nl = '\0';
		strbuf_reset(&line);
		output_printable(&line, s);
		fprintf(stderr, "drtop: %s\n", strbuf_str(&line));
	}
	free(w);
	strbuf_done(&line);
}

/* The database file was replaced: drop the old handle unwritten and carry on
 * with the new file, whose inventory may differ. */
static int reopen(struct ctx *ctx, struct prober **pp, const struct prober_options *po,
		  struct view *v, struct error *e)
{
	size_t lost = 0;

	if (*pp) {
		size_t done, failed;

		lost = prober_pending(*pp);
		prober_counts(*pp, &done, &failed);
		v->done += done;
		v->failed += failed;
		v->lost += prober_dropped(*pp) + lost;
		prober_free(*pp);
		*pp = NULL;
	}
	fprintf(stderr, "drtop: %s was replaced or removed; reopening it (%zu results not recorded)\n",
		ctx->db->path, lost);
	if (db_reopen(ctx->db, e) < 0 || recorder_heartbeat_claim(ctx->db, RECORDER_WATCH, e) < 0)
		return -1;
	*pp = prober_new(ctx->db, po, on_result, v, e);
	if (!*pp)
		return -1;
	prober_set_heartbeat(*pp, 1);
	return 0;
}

static int watch(struct ctx *ctx, struct prober **pp, const struct prober_options *po,
		 struct view *v, struct error *e)
{
	struct prober *p = *pp;
	size_t n, done, failed, lost, unstored = 0;
	int rc = 0, ready = 0;
	int64_t checked;

	if (recorder_heartbeat_claim(ctx->db, RECORDER_WATCH, e) < 0)
		return -1;
	prober_set_heartbeat(p, 1);
	cmd_catch_signals();
	prober_endpoints(p, &n);
	fprintf(stderr, "drtop: watching %zu endpoints of %s (pid %ld); stop with Ctrl-C\n", n,
		ctx->db->path, (long)getpid());
	checked = prober_clock_ms();
	while (!ready && rc == 0) {
		rc = prober_step(*pp, 1000, cmd_signal_fd(), &ready, e);
		show_warnings(*pp);
		if (rc < 0 && prober_db_replaced(*pp)) {
			error_done(e);
			rc = reopen(ctx, pp, po, v, e);
			continue;
		}
		if (rc < 0 || ready)
			break;
		/* Held up (stopped, a paused machine) long enough for a dashboard to
		 * take probing over: take it back, as at the start; from another
		 * watcher, stop: one prober per database. */
		if (prober_lost_lease(*pp)) {
			if (recorder_heartbeat_claim(ctx->db, RECORDER_WATCH, e) < 0) {
				error_prefix(e, "probing was taken over while this watcher was held up");
				rc = -1;
				break;
			}
			fprintf(stderr, "drtop: probing was taken over while this watcher was held up; "
					"took it back\n");
			prober_set_heartbeat(*pp, 1);
		}
		/* The file moved away (a restore by mv): carry on with the new one. */
		if (prober_clock_ms() - checked >= PROBER_INVENTORY_EVERY_MS) {
			checked = prober_clock_ms();
			if (db_replaced(ctx->db)) {
				rc = reopen(ctx, pp, po, v, e);
				continue;
			}
		}
		/* Endpoints added, changed or removed elsewhere: start over with them. */
		rc = prober_follow_inventory(*pp, 1000, e) < 0 ? -1 : 0;
		show_warnings(*pp);
	}
	if (*pp && prober_stop(*pp, 1000, rc == 0 ? e : NULL) < 0) {
		/* what is still waiting (a lock held past the stop) is lost: said so */
		unstored = prober_pending(*pp);
		if (rc == 0 && unstored)
			error_prefix(e, "%zu probe result%s not recorded", unstored, unstored == 1 ? "" : "s");
		if (rc == 0)
			rc = -1;
	}
	if (*pp)
		show_warnings(*pp);
	if (ctx->db->h)
		recorder_heartbeat_release(ctx->db);
	done = failed = 0;
	if (*pp)
		prober_counts(*pp, &done, &failed);
	lost = v->lost + (*pp ? prober_dropped(*pp) : 0) + unstored;
	fprintf(stderr, "drtop: stopped after %zu probes (%zu failed", v->done + done,
		v->failed + failed);
	if (lost)
		fprintf(stderr, ", %zu not recorded", lost);
	fputs(")\n", stderr);
	cmd_release_signals();
	return rc;
}

static int run(struct ctx *ctx, struct args *a, struct error *e)
{
	long concurrency = 64, per_host = 6;
	struct prober_options po = {0};
	struct view v = {0};
	const struct prober_endpoint *eps;
	struct prober *p;
	size_t n, i, done, failed;
	int64_t t0 = probe_now_ms();
	char took[DURATION_BUFSZ];
	int rc;

	signal(SIGPIPE, SIG_IGN);
	if (arg(a, "once") && arg(a, "watch"))
		return error_set(e, ERR_USAGE, "drtop probe: --once and --watch contradict each other");
	if (arg_int(a, "concurrency", 1, 4096, &concurrency, e) < 0 ||
	    arg_int(a, "per-host", 1, 4096, &per_host, e) < 0)
		return -1;
	/* A probe is recorded as it is made: under --as-of, or with the clock
	 * ahead of the real time (which nothing is written with), none is made at all. */
	if (db_refuse_as_of(e) < 0 || db_refuse_future(e) < 0)
		return -1;
	po.concurrency = (int)concurrency;
	po.per_host = (int)per_host;
	po.systems = arg(a, "system") ? arg_all(a, "system", NULL) : NULL;
	v.out = ctx->out;
	v.print = !arg(a, "watch") || arg(a, "verbose");
	/* A log read live (| tee, journald): a line each as it happens, not a block
	 * when the buffer fills. */
	v.stamp = arg(a, "watch") && arg(a, "verbose");
	if (v.stamp)
		setvbuf(ctx->out, NULL, _IOLBF, 0);
	p = prober_new(ctx->db, &po, on_result, &v, e);
	if (!p)
		return -1;
	if (prober_concurrency(p) < (size_t)po.concurrency)
		fprintf(stderr, "drtop: probing at most %zu at once, not %d: the limit on open files "
				"(ulimit -n) holds no more\n", prober_concurrency(p), po.concurrency);
	eps = prober_endpoints(p, &n);
	v.total = n;
	for (i = 0; i < n; i++) {
		int ls = (int)strlen(eps[i].system), lu = (int)strlen(eps[i].url);

		v.wsys = ls > v.wsys ? ls : v.wsys;
		v.wurl = lu > v.wurl ? (lu < 60 ? lu : 60) : v.wurl;
	}
	if (arg(a, "watch")) {
		rc = watch(ctx, &p, &po, &v, e);
	} else {
		int stopped = 0;

		v.progress = isatty(STDERR_FILENO) && n > 0;
		cmd_catch_signals();
		rc = prober_once(p, cmd_signal_fd(), &stopped, e);
		cmd_release_signals();
		if (v.progress)
			fputs("\r\033[K", stderr);
		prober_counts(p, &done, &failed);
		if (stopped)
			fprintf(stderr, "drtop: interrupted: %zu of %zu endpoints probed and recorded,"
					" the rest not probed\n", done, n);
		if (rc == 0)
			fprintf(ctx->out, "probed %zu endpoints in %s: %zu ok, %zu failed\n", done,
				duration_format_ms(probe_now_ms() - t0 > 0 ? probe_now_ms() - t0 : 1,
						   took),
				done - failed, failed);
		if (rc == 0 && prober_unprobed(p))
			fprintf(stderr, "drtop: %zu probes not made, nothing recorded of them: drtop ran out "
					"of file descriptors or threads (raise ulimit -n, or lower "
					"--concurrency)\n", prober_unprobed(p));
	}
	prober_free(p);
	return rc;
}

const struct cmd cmd_probe = {"probe", NULL,
			      "probe the endpoints: record outages, recovery times and data lag",
			      opts, 0, 0, run, NULL, CMD_DB_EXISTS};

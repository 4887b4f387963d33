/*
 * reader.c - see reader.h.
 *
 * One mutex and one condition guard what the two threads share: the request,
 * the result, and whether to stop. The connection and the board being read
 * belong to the thread from the request until the result is taken. The
 * thread blocks every signal, so that SIGINT, SIGTERM and SIGWINCH reach the
 * loop's thread as before.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <unistd.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "reader.h"
#include "util.h"

/* How much lower than the loop's the reading thread's priority is. */
#define READER_NICE 10

struct reader {
	struct db *db;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t wake;
	int asked, note_history, done;
	atomic_int stop;
	/* a board the loop is done with, freed here (up to tens of milliseconds
	 * at 100,000 systems that a key would otherwise wait for) */
	struct board discarded;
	int has_discarded;
	/* the result, while done */
	struct board board;
	struct error error;
	int rc, code;
};

/* The board's progress and busy handlers: abandon the read when told to stop. */
static int stopping(void *arg)
{
	struct reader *r = arg;

	return atomic_load(&r->stop);
}

static void read_once(struct reader *r, int note_history)
{
	struct board b;
	struct error e = {0};
	int rc, code = 0;

	rc = board_load(r->db,
			&(struct board_options){.yield = stopping, .yield_arg = r, .snapshot = 1, .orders = 1},
			&b, &e);
	/* A dashboard that probes keeps the status history from the verdict it
	 * has just read, not its prober from a read of its own. */
	if (rc == 0 && note_history)
		rc = board_note_history(r->db, &b, &e);
	if (rc < 0) {
		code = sqlite3_extended_errcode(r->db->h) & 0xff;
		board_free(&b);
	}
	pthread_mutex_lock(&r->lock);
	r->board = b;
	r->error = e;
	r->rc = rc;
	r->code = code;
	r->done = 1;
	pthread_mutex_unlock(&r->lock);
}

static void *run(void *arg)
{
	struct reader *r = arg;

#ifdef __linux__
	/* A background reading: a key, a probe or a redraw on the loop's thread
	 * comes first when the cores are busy (on Linux a thread has a nice
	 * value of its own). Where it cannot be lowered, it stays as it is. */
	int base;

	errno = 0;
	base = getpriority(PRIO_PROCESS, 0);
	if (errno == 0)
		(void)setpriority(PRIO_PROCESS, (id_t)gettid(), base + READER_NICE);
#endif
	for (;;) {
		struct board old;
		int note, asked, has_old;

		pthread_mutex_lock(&r->lock);
		while (!r->asked && !r->has_discarded && !atomic_load(&r->stop))
			pthread_cond_wait(&r->wake, &r->lock);
		if (atomic_load(&r->stop)) {
			pthread_mutex_unlock(&r->lock);
			return NULL;
		}
		asked = r->asked;
		r->asked = 0;
		note = r->note_history;
		has_old = r->has_discarded;
		old = r->discarded;
		r->has_discarded = 0;
		pthread_mutex_unlock(&r->lock);
		if (has_old)
			board_free(&old);
		if (asked)
			read_once(r, note);
	}
}

struct reader *reader_start(struct db *db)
{
	struct reader *r = xcalloc(1, sizeof(*r));
	sigset_t all, old;
	int rc;

	r->db = db;
	atomic_init(&r->stop, 0);
	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->wake, NULL);
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old); /* the thread starts with every signal blocked */
	rc = pthread_create(&r->thread, NULL, run, r);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc != 0) {
		pthread_cond_destroy(&r->wake);
		pthread_mutex_destroy(&r->lock);
		free(r);
		return NULL;
	}
	return r;
}

void reader_ask(struct reader *r, int note_history)
{
	pthread_mutex_lock(&r->lock);
	r->asked = 1;
	r->note_history = note_history;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
}

void reader_discard(struct reader *r, struct board *b)
{
	struct board old = {0};
	int has_old;

	pthread_mutex_lock(&r->lock);
	has_old = r->has_discarded; /* one not freed yet: this thread frees it */
	if (has_old)
		old = r->discarded;
	r->discarded = *b;
	r->has_discarded = 1;
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	if (has_old)
		board_free(&old);
	memset(b, 0, sizeof(*b));
}

int reader_take(struct reader *r, struct board *b, int *rc, int *code, struct error *e)
{
	int done;

	pthread_mutex_lock(&r->lock);
	done = r->done;
	if (done) {
		*b = r->board;
		*e = r->error;
		*rc = r->rc;
		*code = r->code;
		memset(&r->board, 0, sizeof(r->board));
		memset(&r->error, 0, sizeof(r->error));
		r->done = 0;
	}
	pthread_mutex_unlock(&r->lock);
	return done;
}

void reader_stop(struct reader *r)
{
	if (!r)
		return;
	pthread_mutex_lock(&r->lock);
	atomic_store(&r->stop, 1);
	pthread_cond_signal(&r->wake);
	pthread_mutex_unlock(&r->lock);
	sqlite3_interrupt(r->db->h); /* a step under way ends now, not at its next progress call */
	pthread_join(r->thread, NULL);
	if (r->done) {
		board_free(&r->board);
		error_done(&r->error);
	}
	if (r->has_discarded)
		board_free(&r->discarded);
	pthread_cond_destroy(&r->wake);
	pthread_mutex_destroy(&r->lock);
	free(r);
}

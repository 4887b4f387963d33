/*
 * reader.h - the dashboard's verdict read on a thread of its own.
 *
 * The verdict of a large inventory takes seconds to read, and some of
 * SQLite's steps in it (a sort, a temporary table of every finding) take
 * hundreds of milliseconds that no progress handler can interrupt. Read on
 * the loop's thread, a key pressed during such a step waited for it; read
 * here, no key waits for the verdict at all: the loop asks for a read, goes
 * on serving keys, probes and the clock, and takes the board when it is done.
 *
 * The thread reads on a connection of its own, which nothing else may use
 * while a read is under way (from reader_ask to the reader_take that returns
 * 1). It keeps the status history from the verdict it read when asked to (a
 * dashboard that probes), as board_note_history does.
 */
#ifndef DRTOP_READER_H
#define DRTOP_READER_H

#include "board.h"
#include "db.h"
#include "error.h"

struct reader;

/* Start the thread that reads on DB. NULL when no thread could start (the
 * caller then reads on its own thread, as with --frames). */
struct reader *reader_start(struct db *db);
/* Ask for a full read (with a snapshot; NOTE_HISTORY: keep the status history
 * from it). Only when no read is under way. */
void reader_ask(struct reader *r, int note_history);
/* Free B (a board the caller is done with) on the thread, and empty it. */
void reader_discard(struct reader *r, struct board *b);
/* Once the read asked for is done: 1, with the board in *B (0 in *RC), or
 * -1 in *RC with the reason in E and SQLite's primary result code in
 * *CODE. 0 while it is still under way. */
int reader_take(struct reader *r, struct board *b, int *rc, int *code, struct error *e);
/* Abandon a read under way, end the thread and free R. */
void reader_stop(struct reader *r);

#endif

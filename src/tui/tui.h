/*
 * tui.h - the dashboard. The only part of drtop that includes curses.
 */
#ifndef DRTOP_TUI_H
#define DRTOP_TUI_H

#include "db.h"
#include "error.h"

struct tui_options {
	const char *theme;
	int no_color;
	int readonly; /* no edits, no probes */
	int frames;   /* draw this many frames, then leave (smoke tests); 0: run */
};

/* Are standard input and output a terminal? Returns 0, or -1 with e set (a usage error). */
int tui_check_terminal(struct error *e);

/* Run the dashboard on DB until the operator quits. Returns 0, or -1 with e set. */
int tui_run(struct db *db, const struct tui_options *o, struct error *e);

#endif

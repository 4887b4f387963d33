/*
 * demo.h - a demo database: about a dozen systems across all strategies,
 * with 30 days of history, so that every finding appears; its endpoints work
 * offline (files it creates, fresh or stale on purpose, and a loopback port
 * where nothing listens).
 */
#ifndef DRTOP_DEMO_H
#define DRTOP_DEMO_H

#include "error.h"

/* Where the demo database goes: EXPLICIT, else demo.db in the data directory
 * (never the real database). The caller frees. */
char *demo_path(const char *explicit_path, struct error *e);

/* Create (or re-create) the demo database at PATH. Refuses a file that is not
 * a demo database: a real one is never overwritten. */
int demo_create(const char *path, struct error *e);

#endif

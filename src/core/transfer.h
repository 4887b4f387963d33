/*
 * transfer.h - the inventory as JSON: export, and import as an upsert.
 *
 * The format is documented in doc/inventory-json.md. Export writes every
 * system with its endpoints, schedules, dependencies and maintenance
 * windows, sorted, with durations as people write them. Import checks the
 * whole file first (JSON syntax with line and column, then every field
 * with its path, e.g. $.systems[2].rto), then applies it in one
 * transaction, inserting what is new and updating what differs, matched by
 * name; it never deletes. Importing the same file twice changes nothing,
 * and export -> import into an empty database -> export gives the same text.
 * JSON is parsed by SQLite's JSON functions.
 */
#ifndef DRTOP_TRANSFER_H
#define DRTOP_TRANSFER_H

#include "db.h"
#include "error.h"
#include "strbuf.h"

struct transfer_stats {
	int systems, endpoints, schedules, dependencies, maintenance; /* in the file */
	int changed;                                                   /* rows written */
};

/* Append the inventory (or only system ONLY, when not NULL) to OUT as indented JSON. */
int transfer_export(struct db *db, const char *only, struct strbuf *out, struct error *e);

/* Import TEXT (from a file called NAME, for messages). Holds its own transaction. */
int transfer_import(struct db *db, const char *text, const char *name, struct transfer_stats *st,
		    struct error *e);

/* Offset of the first JSON syntax error in TEXT, or -1 when it is well-formed. */
long transfer_json_error(const char *text, const char **why);

#endif

/*
 * error.h - recoverable errors with a kind and a message.
 *
 * Functions below src/cmd never exit: they return -1 and fill a caller's
 * struct error. The kind tells the command layer which exit status to use;
 * the message is one line for a person, naming what was wrong.
 */
#ifndef DRTOP_ERROR_H
#define DRTOP_ERROR_H

enum error_kind {
	ERR_NONE = 0,
	ERR_USAGE,     /* the command line is wrong */
	ERR_DATA,      /* a value or a file's content is wrong */
	ERR_NOINPUT,   /* a file to read is missing or unreadable */
	ERR_CANTCREAT, /* a file to write cannot be created */
	ERR_IO,        /* an I/O error while reading or writing */
	ERR_BUSY,      /* the database is locked by another process */
	ERR_INTERNAL,  /* a bug or an unexpected library failure */
};

struct error {
	enum error_kind kind;
	char *msg; /* owned; NULL when no error */
};

/* Set the error (replacing any earlier one) and return -1, for `return error_set(...)`. */
int error_set(struct error *e, enum error_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the current message with "PREFIX: "; returns -1. */
int error_prefix(struct error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Release the message and reset to ERR_NONE. */
void error_done(struct error *e);

#endif

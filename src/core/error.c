/*
 * error.c - see error.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "error.h"
#include "util.h"

int error_set(struct error *e, enum error_kind kind, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	if (!e)
		return -1;
	/* Format before freeing: the arguments may point into the old message. */
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	free(e->msg);
	e->msg = msg;
	e->kind = kind;
	return -1;
}

int error_prefix(struct error *e, const char *fmt, ...)
{
	va_list ap;
	char *prefix, *old;

	if (!e || !e->msg)
		return -1;
	va_start(ap, fmt);
	prefix = xvasprintf(fmt, ap);
	va_end(ap);
	old = e->msg; /* the prefix was formatted first, so it may use the old message */
	e->msg = xasprintf("%s: %s", prefix, old);
	free(prefix);
	free(old);
	return -1;
}

void error_done(struct error *e)
{
	free(e->msg);
	e->msg = NULL;
	e->kind = ERR_NONE;
}

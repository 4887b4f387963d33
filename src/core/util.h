/*
 * util.h - memory helpers that never return NULL, and the one fatal exit.
 *
 * Out of memory is not recoverable in drtop: the wrappers call fatal(), which
 * runs the registered cleanup hook (the dashboard restores the terminal) and
 * exits. Everything else is reported through struct error.
 */
#ifndef DRTOP_UTIL_H
#define DRTOP_UTIL_H

#include <stdarg.h>
#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* Grow an array of `size`-byte items so that it holds at least `need` items. */
void *xgrow(void *p, size_t *cap, size_t need, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Print "drtop: MESSAGE" and exit(70) after the cleanup hook; never returns. */
void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Register the function fatal() calls before exiting (NULL to clear). */
void fatal_set_cleanup(void (*fn)(void));

/* True when s contains a C0 control character or DEL. */
int str_has_control(const char *s);

/* True when every "${" in s starts a variable reference ${NAME} (letters,
 * digits and _, not starting with a digit). */
int str_vars_ok(const char *s);

#endif

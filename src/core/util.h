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
/* The text of the file PATH (the caller frees it), or NULL when it cannot be read. */
char *file_read_text(const char *path);

void fatal(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/* Register the function fatal() calls before exiting (NULL to clear). */
void fatal_set_cleanup(void (*fn)(void));

/* True when s contains a C0 control character or DEL. */
int str_has_control(const char *s);

/* The most bytes one free-text field (owner, description, note, notes, reason) may hold. */
#define TEXT_MAX 4096

/* The length (1-4) of the valid UTF-8 character at S (at most LEN bytes), its code point
 * in *cp; 0 when the bytes there are not UTF-8 (overlong forms and surrogates included). */
size_t utf8_char(const char *s, size_t len, unsigned long *cp);

/* True for a code point no text should carry to a screen: C0, DEL, C1, and the
 * bidirectional overrides and isolates (U+202A-U+202E, U+2066-U+2069). */
int utf8_is_control(unsigned long cp);

/* Why the LEN bytes at S are not acceptable free text, as a phrase ("is not valid
 * UTF-8"), or NULL when they are. Refused: a NUL; bytes that are not UTF-8, overlong
 * forms and UTF-16 surrogates (ED A0..ED BF) included; C0 controls, DEL and C1 controls
 * (U+0080-U+009F); the bidirectional overrides and isolates U+202A-U+202E and
 * U+2066-U+2069, which reorder what a reader sees. The length is the caller's. */
const char *str_text_problem(const char *s, size_t len);
/* Does a header or URL parameter NAME (LEN bytes) carry credentials, by its name
 * (Authorization, Cookie, or containing token, secret, key, auth, password)? */
int str_name_is_secret(const char *name, size_t len);
/* True when every "${" in s starts a variable reference ${NAME} (letters,
 * digits and _, not starting with a digit). */
int str_vars_ok(const char *s);

#endif

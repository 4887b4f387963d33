/*
 * strbuf.h - a growing string.
 *
 * Used wherever text is assembled from data of unknown length, so that no
 * fixed buffer ever truncates user data. buf is always NUL-terminated.
 */
#ifndef DRTOP_STRBUF_H
#define DRTOP_STRBUF_H

#include <stddef.h>

struct strbuf {
	char *buf;
	size_t len;
	size_t cap;
};

#define STRBUF_INIT {NULL, 0, 0}

void strbuf_init(struct strbuf *sb);
void strbuf_done(struct strbuf *sb);
void strbuf_reset(struct strbuf *sb);
void strbuf_add(struct strbuf *sb, const char *s, size_t n);
void strbuf_puts(struct strbuf *sb, const char *s);
void strbuf_putc(struct strbuf *sb, char c);
/* Append V in decimal, as "%lld" would, without printf's cost (hot loops). */
void strbuf_put_int(struct strbuf *sb, long long v);
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append S as a JSON string literal, escaping quotes, backslashes and controls. */
void strbuf_json_string(struct strbuf *sb, const char *s);
/* Append S as one RFC 4180 CSV cell, quoted when needed. Text a spreadsheet would run
 * as a formula (starting with =, +, -, @, a tab or a carriage return) gets a leading
 * apostrophe. The one CSV writer: every CSV drtop prints goes through it. */
void strbuf_csv_cell(struct strbuf *sb, const char *s);

/* Append compact JSON text S (no insignificant whitespace, as SQLite and drtop
 * write it) indented by two spaces per level, with a final newline. */
void strbuf_json_pretty(struct strbuf *sb, const char *s);

/* Hand the string to the caller (who frees it) and reset the buffer. */
char *strbuf_detach(struct strbuf *sb);
/* The current text; never NULL. */
const char *strbuf_str(const struct strbuf *sb);

#endif

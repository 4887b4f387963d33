/*
 * strbuf.c - see strbuf.h.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "util.h"

void strbuf_init(struct strbuf *sb)
{
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

void strbuf_done(struct strbuf *sb)
{
	free(sb->buf);
	strbuf_init(sb);
}

void strbuf_reset(struct strbuf *sb)
{
	sb->len = 0;
	if (sb->buf)
		sb->buf[0] = '\0';
}

static void reserve(struct strbuf *sb, size_t extra)
{
	sb->buf = xgrow(sb->buf, &sb->cap, sb->len + extra + 1, 1);
}

void strbuf_add(struct strbuf *sb, const char *s, size_t n)
{
	reserve(sb, n);
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void strbuf_puts(struct strbuf *sb, const char *s)
{
	strbuf_add(sb, s, strlen(s));
}

void strbuf_putc(struct strbuf *sb, char c)
{
	strbuf_add(sb, &c, 1);
}

void strbuf_put_int(struct strbuf *sb, long long v)
{
	char digits[24];
	unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
	size_t n = sizeof(digits);

	do {
		digits[--n] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		digits[--n] = '-';
	strbuf_add(sb, digits + n, sizeof(digits) - n);
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		fatal("invalid format string");
	reserve(sb, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	sb->len += (size_t)n;
}

char *strbuf_detach(struct strbuf *sb)
{
	char *p = sb->buf ? sb->buf : xstrdup("");

	strbuf_init(sb);
	return p;
}

const char *strbuf_str(const struct strbuf *sb)
{
	return sb->buf ? sb->buf : "";
}

void strbuf_json_string(struct strbuf *sb, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	strbuf_putc(sb, '"');
	for (; *p; p++) {
		switch (*p) {
		case '"':
			strbuf_puts(sb, "\\\"");
			break;
		case '\\':
			strbuf_puts(sb, "\\\\");
			break;
		case '\n':
			strbuf_puts(sb, "\\n");
			break;
		case '\t':
			strbuf_puts(sb, "\\t");
			break;
		case '\r':
			strbuf_puts(sb, "\\r");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f) {
				strbuf_printf(sb, "\\u%04x", *p);
			} else if (*p >= 0x80) {
				/* Text from before the input checks may hold bytes that are not
				 * UTF-8: U+FFFD keeps the document valid JSON. */
				unsigned long cp;
				size_t n = utf8_char((const char *)p, 4, &cp);

				if (n == 0)
					strbuf_puts(sb, "\\ufffd");
				else if (utf8_is_control(cp))
					strbuf_printf(sb, "\\u%04lx", cp);
				else
					strbuf_add(sb, (const char *)p, n);
				p += n ? n - 1 : 0;
			} else {
				strbuf_putc(sb, (char)*p);
			}
		}
	}
	strbuf_putc(sb, '"');
}

/* Indent compact JSON (as SQLite writes it: no insignificant whitespace). */
void strbuf_json_pretty(struct strbuf *out, const char *s)
{
	int depth = 0, in_str = 0;

	for (; *s; s++) {
		char c = *s;

		if (in_str) {
			unsigned long cp;
			size_t n = (unsigned char)c < 0x80 ? 1 : utf8_char(s, 4, &cp);

			/* SQLite's JSON functions pass bytes that are not UTF-8 through */
			if (n == 0)
				strbuf_puts(out, "\\ufffd");
			else
				strbuf_add(out, s, n);
			s += n ? n - 1 : 0;
			if (c == '\\' && s[1])
				strbuf_putc(out, *++s);
			else if (c == '"')
				in_str = 0;
			continue;
		}
		switch (c) {
		case '"':
			in_str = 1;
			strbuf_putc(out, c);
			break;
		case '{':
		case '[':
			if (s[1] == (c == '{' ? '}' : ']')) {
				strbuf_putc(out, c);
				strbuf_putc(out, *++s);
				break;
			}
			strbuf_printf(out, "%c\n%*s", c, 2 * ++depth, "");
			break;
		case '}':
		case ']':
			strbuf_printf(out, "\n%*s%c", 2 * --depth, "", c);
			break;
		case ',':
			strbuf_printf(out, ",\n%*s", 2 * depth, "");
			break;
		case ':':
			strbuf_puts(out, ": ");
			break;
		default:
			strbuf_putc(out, c);
		}
	}
	strbuf_putc(out, '\n');
}

void strbuf_csv_cell(struct strbuf *sb, const char *s)
{
	const char *p;

	if (*s && strchr("=+-@\t\r", *s)) {
		strbuf_puts(sb, "\"'");
	} else if (strpbrk(s, ",\"\r\n")) {
		strbuf_putc(sb, '"');
	} else {
		strbuf_puts(sb, s);
		return;
	}
	for (p = s; *p; p++) {
		if (*p == '"')
			strbuf_putc(sb, '"');
		strbuf_putc(sb, *p);
	}
	strbuf_putc(sb, '"');
}

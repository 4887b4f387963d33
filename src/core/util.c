/*
 * util.c - see util.h.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "strbuf.h"
#include "util.h"

static void (*cleanup_hook)(void);

void fatal_set_cleanup(void (*fn)(void))
{
	cleanup_hook = fn;
}

void fatal(const char *fmt, ...)
{
	va_list ap;

	if (cleanup_hook)
		cleanup_hook();
	fputs("drtop: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(70);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		fatal("out of memory");
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		fatal("out of memory");
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		fatal("out of memory");
	return p;
}

void *xgrow(void *p, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 8;

	if (need <= *cap)
		return p;
	while (n < need)
		n *= 2;
	if (n > ((size_t)-1) / size)
		fatal("out of memory");
	p = xrealloc(p, n * size);
	*cap = n;
	return p;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

char *xstrndup(const char *s, size_t n)
{
	char *p = xmalloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	va_list copy;
	int n;
	char *p;

	va_copy(copy, ap);
	n = vsnprintf(NULL, 0, fmt, copy);
	va_end(copy);
	if (n < 0)
		fatal("invalid format string");
	p = xmalloc((size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

int str_has_control(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 1;
	return 0;
}

size_t utf8_char(const char *s, size_t len, unsigned long *cp)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n, k;

	if (len == 0)
		return 0;
	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, *cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, *cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, *cp = p[0] & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (k = 1; k < n; k++) {
		if ((p[k] & 0xc0) != 0x80)
			return 0;
		*cp = *cp << 6 | (p[k] & 0x3f);
	}
	/* overlong, beyond Unicode, or a UTF-16 surrogate */
	if ((n == 3 && *cp < 0x800) || (n == 4 && (*cp < 0x10000 || *cp > 0x10ffff)) ||
	    (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return n;
}

int utf8_is_control(unsigned long cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) || (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2066 && cp <= 0x2069);
}

const char *str_text_problem(const char *s, size_t len)
{
	unsigned long cp;
	size_t i, n;

	for (i = 0; i < len; i += n) {
		if (s[i] == 0)
			return "contains a NUL character";
		n = utf8_char(s + i, len - i, &cp);
		if (n == 0)
			return "is not valid UTF-8";
		if (cp >= 0x202a && utf8_is_control(cp))
			return "contains a bidirectional control character";
		if (utf8_is_control(cp))
			return "contains a control character";
	}
	return NULL;
}

/* Is WORD (LEN bytes, any case) a word that names a secret? Whole words only,
 * so that "monkey", "keyword" and "author" are not taken for secrets. */
static int word_is_secret(const char *word, size_t len)
{
	static const char *const words[] = {
		"token",  "secret",	"key",	       "apikey",      "auth",	    "authorization",
		"password", "passwd",	"pwd",	       "passphrase",  "credential", "credentials",
		"cookie", "signature", "sig",	       "session",     "sessionid",  "jwt",
		"bearer"};
	static const char *const endings[] = {"token", "secret", "password", "apikey"};
	size_t i, n;

	for (i = 0; i < sizeof(words) / sizeof(words[0]); i++)
		if (strlen(words[i]) == len && !strncasecmp(word, words[i], len))
			return 1;
	for (i = 0; i < sizeof(endings) / sizeof(endings[0]); i++) {
		n = strlen(endings[i]);
		if (len >= n && !strncasecmp(word + len - n, endings[i], n))
			return 1;
	}
	return 0;
}

int str_name_is_secret(const char *name, size_t len)
{
	size_t i = 0, start;

	/* Words are split at anything but letters and digits, and before an
	 * upper-case letter that follows a lower-case one (apiKey). */
	while (i < len) {
		while (i < len && !isalnum((unsigned char)name[i]))
			i++;
		start = i;
		while (i < len && isalnum((unsigned char)name[i]) &&
		       !(i > start && isupper((unsigned char)name[i]) &&
			 islower((unsigned char)name[i - 1])))
			i++;
		if (i > start && word_is_secret(name + start, i - start))
			return 1;
	}
	return 0;
}

int str_vars_ok(const char *s)
{
	const char *p;

	for (p = strstr(s, "${"); p; p = strstr(p + 1, "${")) {
		size_t n = strspn(p + 2, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
					 "0123456789_");

		if (n == 0 || p[2 + n] != '}' || isdigit((unsigned char)p[2]))
			return 0;
	}
	return 1;
}

char *file_read_text(const char *path)
{
	struct strbuf sb = STRBUF_INIT;
	char buf[4096];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return NULL;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		strbuf_add(&sb, buf, n);
	fclose(f);
	return strbuf_detach(&sb);
}

/*
 * notify-mail.c - see notify-mail.h.
 *
 * The mail is made once per attempt, in memory, and handed to libcurl's SMTP
 * upload through a read callback: headers (RFC 5322: Date, From, To, Subject
 * folded or RFC 2047-encoded, Message-ID from the key, X-Drtop-* for
 * filters) and a plain-text body of the event's facts, wrapped for reading,
 * 7bit when it is plain ASCII and quoted-printable otherwise. libcurl does
 * the SMTP conversation, STARTTLS and AUTH, and the dot-stuffing; the
 * server's answers come to the header callback, and the last refusal is kept
 * for the error.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

#include "inventory.h"
#include "notify-mail.h"
#include "probe.h"
#include "strbuf.h"
#include "util.h"

#define ADDRESSES_MAX 50 /* recipients of one channel */
#define SUBJECT_MAX 150  /* bytes of the summary kept in the subject (the body has it all) */
#define WRAP 76          /* columns of a body line */
#define LABEL 14         /* columns of a fact's label */
#define REFUSAL_KEEP 200 /* bytes of the server's refusal kept for the error */

struct notify_mail {
	char *message;
	size_t len, pos;
	struct curl_slist *rcpt;
	char *mail_from;
	struct strbuf refusal; /* the server's last 4xx or 5xx answer */
	char errbuf[CURL_ERROR_SIZE];
};

/* ASCII only, whatever the locale says of other bytes. */
static int ascii_alnum(unsigned char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* --- the channel's settings -------------------------------------------------- */

/* ADDR is a plain mail address, local@domain, in ASCII: no display name, no
 * comments, nothing SMTP or a header would read as syntax. */
static int address_check(const char *opt, const char *addr, struct error *e)
{
	const char *at = strchr(addr, '@'), *p;
	size_t n = strlen(addr);
	int ok = at && at > addr && at[1] && !strchr(at + 1, '@') && n <= 254;

	for (p = addr; ok && *p; p++)
		if (*p <= ' ' || *p >= 127 || strchr("<>()[]\\,;:\"", *p))
			ok = 0;
	for (p = at ? at + 1 : addr; ok && *p; p++)
		if (!ascii_alnum((unsigned char)*p) && *p != '-' && *p != '.')
			ok = 0;
	if (!ok)
		return error_set(e, ERR_DATA, "%s: '%s' is not a mail address (expected local@domain, "
					      "in ASCII)", opt, addr);
	return 0;
}

/* The URL: smtp:// or smtps://, a host and maybe a port (and a path: the
 * name said in EHLO), no credentials (--user and --password), no variables. */
static int url_check(const char *url, int *smtps, struct error *e)
{
	CURLU *h = curl_url();
	char *scheme = NULL, *host = NULL, *user = NULL, *password = NULL, *query = NULL;
	int rc = 0;

	if (!h)
		fatal("out of memory");
	if (str_has_control(url) || strchr(url, ' ') || strstr(url, "${"))
		rc = error_set(e, ERR_DATA, "malformed mail server URL '%s': a space, a control "
					    "character or a ${VARIABLE} (credentials go in --user and "
					    "--password)", url);
	else if (curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) == CURLUE_OK &&
		 (curl_url_get(h, CURLUPART_USER, &user, 0) == CURLUE_OK ||
		  curl_url_get(h, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK))
		/* Not echoed: it may hold the secret. */
		rc = error_set(e, ERR_DATA, "a mail server URL with credentials (user:password@host) "
					    "is refused: give --user and --password '${VARIABLE}', "
					    "read from the environment when sending");
	else if (curl_url_get(h, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
		 (strcasecmp(scheme, "smtp") && strcasecmp(scheme, "smtps")))
		rc = error_set(e, ERR_DATA, "an email channel's URL is smtp://HOST[:PORT] or "
					    "smtps://HOST[:PORT], not '%s'", url);
	else if (curl_url_get(h, CURLUPART_HOST, &host, 0) != CURLUE_OK || !host || !*host)
		rc = error_set(e, ERR_DATA, "malformed mail server URL '%s': no host", url);
	else if (curl_url_get(h, CURLUPART_QUERY, &query, 0) == CURLUE_OK)
		rc = error_set(e, ERR_DATA, "malformed mail server URL '%s': no ?query in smtp URLs",
			       url);
	if (rc == 0)
		*smtps = !strcasecmp(scheme, "smtps");
	curl_free(scheme);
	curl_free(host);
	curl_free(user);
	curl_free(password);
	curl_free(query);
	curl_url_cleanup(h);
	return rc;
}

/* A password is one ${VARIABLE}: anything else would be stored. */
static int password_check(const char *p, struct error *e)
{
	size_t n = strlen(p);

	if (n > 3 && !strncmp(p, "${", 2) && p[n - 1] == '}' && !strchr(p + 2, '$') && str_vars_ok(p))
		return 0;
	if (!strstr(p, "${"))
		/* Not echoed: it is the secret. */
		return error_set(e, ERR_DATA, "--password holds a literal secret, and drtop never "
					      "stores secrets: name an environment variable instead, "
					      "read when sending, e.g. --password '${SMTP_PASSWORD}' "
					      "(in single quotes, so that the shell leaves it)");
	return error_set(e, ERR_DATA, "--password: expected one ${VARIABLE} and nothing else, e.g. "
				      "'${SMTP_PASSWORD}'");
}

int notify_mail_url_check(const char *url, struct error *e)
{
	int smtps;

	return url_check(url, &smtps, e);
}

int notify_mail_options(const char *url, const struct notify_mail_settings *s, char **options,
			struct error *e)
{
	struct strbuf sb = STRBUF_INIT;
	const char *tls = s->tls;
	char *cacert = NULL;
	int smtps = 0;
	size_t i;

	if (url_check(url, &smtps, e) < 0)
		return -1;
	if (!s->from || !s->nto)
		return error_set(e, ERR_USAGE, "an email channel needs --from ADDR and at least one "
					       "--to ADDR");
	if (address_check("--from", s->from, e) < 0)
		return -1;
	if (s->nto > ADDRESSES_MAX)
		return error_set(e, ERR_DATA, "--to: at most %d recipients (a list's address "
					      "reaches more)", ADDRESSES_MAX);
	for (i = 0; i < s->nto; i++)
		if (address_check("--to", s->to[i], e) < 0)
			return -1;
	if (!tls)
		tls = smtps ? "implicit" : "starttls";
	if (strcmp(tls, "starttls") && strcmp(tls, "try") && strcmp(tls, "none") &&
	    strcmp(tls, "implicit"))
		return error_set(e, ERR_DATA, "--tls must be starttls, try or none, not '%s'", tls);
	if (smtps != !strcmp(tls, "implicit"))
		return error_set(e, ERR_USAGE, "%s", smtps ? "an smtps:// server speaks TLS from the "
							     "start: --tls is for smtp:// URLs"
							   : "--tls implicit is for smtps:// URLs");
	if (!s->user != !s->password)
		return error_set(e, ERR_USAGE, "--user and --password go together");
	if (s->user && inventory_text_check("--user", s->user, e) < 0)
		return -1;
	if (s->user && !str_vars_ok(s->user))
		return error_set(e, ERR_DATA, "--user: malformed variable reference (expected ${NAME})");
	if (s->password && password_check(s->password, e) < 0)
		return -1;
	if (s->user && (!strcmp(tls, "try") || !strcmp(tls, "none")))
		return error_set(e, ERR_USAGE, "--user and --password need TLS, so that the password "
					       "never crosses the network in clear: --tls starttls "
					       "(the default) or an smtps:// URL");
	if (s->cacert && !strcmp(tls, "none"))
		return error_set(e, ERR_USAGE, "--cacert is for TLS, and --tls none has none");
	if (s->cacert) {
		char *text;

		/* Kept as an absolute path: the prober may run elsewhere. */
		cacert = realpath(s->cacert, NULL);
		text = cacert ? file_read_text(cacert) : NULL;
		if (!text) {
			int err = errno;

			free(cacert);
			return error_set(e, ERR_NOINPUT, "--cacert: cannot read '%s': %s", s->cacert,
					 strerror(err));
		}
		free(text);
	}
	strbuf_puts(&sb, "{\"from\":");
	strbuf_json_string(&sb, s->from);
	strbuf_puts(&sb, ",\"to\":[");
	for (i = 0; i < s->nto; i++) {
		if (i)
			strbuf_putc(&sb, ',');
		strbuf_json_string(&sb, s->to[i]);
	}
	strbuf_puts(&sb, "],\"tls\":");
	strbuf_json_string(&sb, tls);
	if (s->user) {
		strbuf_puts(&sb, ",\"user\":");
		strbuf_json_string(&sb, s->user);
		strbuf_puts(&sb, ",\"password\":");
		strbuf_json_string(&sb, s->password);
	}
	if (cacert) {
		strbuf_puts(&sb, ",\"cacert\":");
		strbuf_json_string(&sb, cacert);
		free(cacert);
	}
	strbuf_putc(&sb, '}');
	*options = strbuf_detach(&sb);
	return 0;
}

/* --- the message ------------------------------------------------------------- */

static int is_ascii(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 128)
			return 0;
	return 1;
}

/* At most MAX bytes of S, cut at a character's start (S is UTF-8). */
static size_t utf8_cut(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (n <= max)
		return n;
	while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80)
		max--;
	return max;
}

/* A header NAME: VALUE, VALUE being ASCII: folded at spaces to keep lines
 * within 78 columns where it can. */
static void header_put(struct strbuf *sb, const char *name, const char *value)
{
	size_t col = strlen(name) + 2;
	const char *p = value;

	strbuf_printf(sb, "%s: ", name);
	while (*p) {
		size_t word = strcspn(p + 1, " ") + 1; /* a space, if any, and the word after it */

		if (*p == ' ' && col + word > 78 && col > strlen(name) + 2) {
			strbuf_puts(sb, "\r\n");
			col = 0;
		}
		strbuf_add(sb, p, word);
		col += word;
		p += word;
	}
	strbuf_puts(sb, "\r\n");
}

/* The subject: as it is when ASCII, else RFC 2047 encoded words (Q), each
 * within 75 characters and whole UTF-8 characters. */
static void subject_put(struct strbuf *sb, const char *subject)
{
	const unsigned char *p = (const unsigned char *)subject;
	size_t word = 0;

	if (is_ascii(subject)) {
		header_put(sb, "Subject", subject);
		return;
	}
	strbuf_puts(sb, "Subject:");
	while (*p) {
		size_t n = 1, i, need;

		while ((p[n] & 0xC0) == 0x80)
			n++;
		need = ascii_alnum(*p) || *p == ' ' ? 1 : 3 * n;
		if (!word || word + need > 75 - 2) {
			strbuf_puts(sb, word ? "?=\r\n =?UTF-8?Q?" : " =?UTF-8?Q?");
			word = 10;
		}
		for (i = 0; i < n; i++)
			if (ascii_alnum(p[i]))
				strbuf_putc(sb, (char)p[i]);
			else if (p[i] == ' ')
				strbuf_putc(sb, '_');
			else
				strbuf_printf(sb, "=%02X", p[i]);
		word += need;
		p += n;
	}
	strbuf_puts(sb, "?=\r\n");
}

/* A body line, LABEL (in INDENT columns) then TEXT, wrapped at spaces within
 * WRAP columns (a longer word stays whole), continued under the text. */
static void line_put(struct strbuf *sb, const char *label, int indent, const char *text)
{
	const char *p = text;
	size_t col = (size_t)indent, start = col;

	strbuf_printf(sb, "%-*s", indent, label);
	while (*p) {
		size_t word = strcspn(p, " "), width = 0, i;

		for (i = 0; i < word; i++) /* columns: UTF-8 characters, not bytes */
			width += ((unsigned char)p[i] & 0xC0) != 0x80;
		if (col > start && col + 1 + width > WRAP) {
			strbuf_printf(sb, "\r\n%*s", indent, "");
			col = start;
		} else if (col > start) {
			strbuf_putc(sb, ' ');
			col++;
		}
		strbuf_add(sb, p, word);
		col += width;
		p += word;
		while (*p == ' ')
			p++;
	}
	strbuf_puts(sb, "\r\n");
}

/* Can BODY go as 7bit: ASCII, no line longer than SMTP's 998? */
static int plain_7bit(const char *body)
{
	size_t line = 0;

	for (; *body; body++) {
		if ((unsigned char)*body >= 128 || ++line > 998)
			return 0;
		if (*body == '\n')
			line = 0;
	}
	return 1;
}

/* BODY (CRLF lines) as quoted-printable (RFC 2045): lines within 76 columns,
 * '=' and bytes outside printable ASCII as =XX, no space at a line's end. */
static void qp_put(struct strbuf *sb, const char *body)
{
	const unsigned char *p = (const unsigned char *)body;
	size_t col = 0;

	for (; *p; p++) {
		int plain = (*p >= 33 && *p <= 126 && *p != '=') ||
			    (*p == ' ' && p[1] != '\r' && p[1]);
		size_t need = plain ? 1 : 3;

		if (*p == '\r' && p[1] == '\n') {
			strbuf_puts(sb, "\r\n");
			p++;
			col = 0;
			continue;
		}
		if (col + need > 75) {
			strbuf_puts(sb, "=\r\n");
			col = 0;
		}
		if (plain)
			strbuf_putc(sb, (char)*p);
		else
			strbuf_printf(sb, "=%02X", *p);
		col += need;
	}
}

/* The event and the channel's options, as rows (what, name, value): 'opt'
 * for each option but the recipients, 'to' for each recipient, 'ev' for the
 * event's fields the headers use, 'fact' for each fact of the body. */
static const char parts_sql[] =
	"WITH e(p, o) AS (SELECT ?1, ?2)"
	" SELECT 'opt', j.key, j.value FROM e, json_each(e.o) j WHERE j.type <> 'array'"
	" UNION ALL SELECT 'to', NULL, t.value FROM e, json_each(e.o, '$.to') t"
	" UNION ALL SELECT 'ev', j.key, j.value FROM e, json_each(e.p) j"
	"  WHERE j.key IN ('key', 'event', 'system', 'status', 'summary', 'channel')"
	" UNION ALL SELECT 'fact', f.value ->> '$.title', f.value ->> '$.value'"
	"  FROM e, json_each(" NOTIFY_FACTS_SQL("e.p") ") f";

struct parts {
	char *from, *tls, *user, *password, *cacert;
	char *key, *event, *system, *status, *summary, *channel;
	struct strbuf to;    /* the To header's list */
	struct strbuf facts; /* the body's lines */
	struct curl_slist *rcpt;
};

static void parts_done(struct parts *pt)
{
	free(pt->from);
	free(pt->tls);
	free(pt->user);
	free(pt->password);
	free(pt->cacert);
	free(pt->key);
	free(pt->event);
	free(pt->system);
	free(pt->status);
	free(pt->summary);
	free(pt->channel);
	strbuf_done(&pt->to);
	strbuf_done(&pt->facts);
	curl_slist_free_all(pt->rcpt);
}

static int parts_read(struct db *db, const char *options, const char *event, struct parts *pt,
		      struct error *e)
{
	sqlite3_stmt *st = db_prepare(db, parts_sql, e);
	int rc;

	if (!st)
		return -1;
	db_bind_text(st, 1, event);
	db_bind_text(st, 2, options ? options : "{}");
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *what = (const char *)sqlite3_column_text(st, 0);
		const char *name = (const char *)sqlite3_column_text(st, 1);
		const char *value = (const char *)sqlite3_column_text(st, 2);
		struct {
			const char *what, *name;
			char **to;
		} fields[] = {
			{"opt", "from", &pt->from},       {"opt", "tls", &pt->tls},
			{"opt", "user", &pt->user},       {"opt", "password", &pt->password},
			{"opt", "cacert", &pt->cacert},   {"ev", "key", &pt->key},
			{"ev", "event", &pt->event},      {"ev", "system", &pt->system},
			{"ev", "status", &pt->status},    {"ev", "summary", &pt->summary},
			{"ev", "channel", &pt->channel},
		};
		size_t i;

		if (!value)
			continue;
		if (!strcmp(what, "to")) {
			char *r = xasprintf("<%s>", value);

			if (pt->to.len)
				strbuf_puts(&pt->to, ", ");
			strbuf_puts(&pt->to, value);
			pt->rcpt = curl_slist_append(pt->rcpt, r);
			free(r);
			if (!pt->rcpt)
				fatal("out of memory");
		} else if (!strcmp(what, "fact")) {
			char *label = xasprintf("%s:", name);

			line_put(&pt->facts, label, LABEL, value);
			free(label);
		}
		for (i = 0; i < sizeof(fields) / sizeof(fields[0]); i++)
			if (!strcmp(what, fields[i].what) && name && !strcmp(name, fields[i].name)) {
				free(*fields[i].to);
				*fields[i].to = xstrdup(value);
			}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return db_fail(db, e, "reading a notification");
	if (!pt->from || !pt->rcpt || !pt->key)
		return error_set(e, ERR_DATA, "the email channel has no sender or no recipient");
	return 0;
}

/* Date: in RFC 5322's form, UTC, with English names whatever the locale. */
static void date_put(struct strbuf *sb, time_t t)
{
	static const char days[][4] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
	static const char months[][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
					 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
	struct tm tm;

	gmtime_r(&t, &tm);
	strbuf_printf(sb, "Date: %s, %d %s %d %02d:%02d:%02d +0000\r\n", days[tm.tm_wday], tm.tm_mday,
		      months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

static char *message_make(const struct parts *pt)
{
	struct strbuf sb = STRBUF_INIT, body = STRBUF_INIT;
	char *subject, *from;
	const char *summary = pt->summary ? pt->summary : "notification";
	int test = pt->event && !strcmp(pt->event, "test");

	if (test && pt->channel)
		subject = xasprintf("[drtop] test notification for channel %s", pt->channel);
	else
		subject = xasprintf("[drtop] %.*s%s", (int)utf8_cut(summary, SUBJECT_MAX), summary,
				    strlen(summary) > SUBJECT_MAX ? " ..." : "");
	date_put(&sb, time(NULL));
	from = xasprintf("drtop <%s>", pt->from);
	header_put(&sb, "From", from);
	free(from);
	header_put(&sb, "To", strbuf_str(&pt->to));
	subject_put(&sb, subject);
	free(subject);
	/* The key, the same on every attempt: a copy sent again is a duplicate. */
	strbuf_printf(&sb, "Message-ID: <drtop.%s@%s>\r\n", pt->key,
		      strchr(pt->from, '@') ? strchr(pt->from, '@') + 1 : "drtop");
	strbuf_printf(&sb, "X-Drtop-Key: %s\r\n", pt->key);
	if (pt->event)
		strbuf_printf(&sb, "X-Drtop-Event: %s\r\n", pt->event);
	if (pt->system)
		strbuf_printf(&sb, "X-Drtop-System: %s\r\n", pt->system);
	if (pt->status)
		strbuf_printf(&sb, "X-Drtop-Status: %s\r\n", pt->status);
	strbuf_puts(&sb, "Auto-Submitted: auto-generated\r\nMIME-Version: 1.0\r\n"
			 "Content-Type: text/plain; charset=utf-8\r\n");

	line_put(&body, "", 0, test ? "This is a test notification from drtop: the channel works."
				    : summary);
	strbuf_puts(&body, "\r\n");
	strbuf_puts(&body, strbuf_str(&pt->facts));
	strbuf_printf(&body, "\r\n-- \r\ndrtop notification %s\r\n", pt->key);
	strbuf_puts(&body, "(a copy sent again carries the same key: drop it)\r\n");

	if (plain_7bit(strbuf_str(&body))) {
		strbuf_puts(&sb, "Content-Transfer-Encoding: 7bit\r\n\r\n");
		strbuf_puts(&sb, strbuf_str(&body));
	} else {
		strbuf_puts(&sb, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
		qp_put(&sb, strbuf_str(&body));
	}
	strbuf_done(&body);
	return strbuf_detach(&sb);
}

/* --- the transfer ------------------------------------------------------------ */

static size_t on_read(char *buf, size_t size, size_t n, void *arg)
{
	struct notify_mail *m = arg;
	size_t k = size * n < m->len - m->pos ? size * n : m->len - m->pos;

	memcpy(buf, m->message + m->pos, k);
	m->pos += k;
	return k;
}

/* Each answer of the server: the last refusal (4xx, 5xx) is kept. */
static size_t on_answer(char *data, size_t size, size_t n, void *arg)
{
	struct notify_mail *m = arg;
	size_t k = size * n;

	if (k >= 3 && (data[0] == '4' || data[0] == '5') && data[1] >= '0' && data[1] <= '9' &&
	    data[2] >= '0' && data[2] <= '9') {
		while (k > 0 && (data[k - 1] == '\r' || data[k - 1] == '\n'))
			k--;
		strbuf_reset(&m->refusal);
		strbuf_add(&m->refusal, data, k < REFUSAL_KEEP ? k : REFUSAL_KEEP);
	}
	return size * n;
}

/* Set a credential: its ${VARIABLES} read now, the value wiped after libcurl copied it. */
static int credential_set(CURL *easy, CURLoption opt, const char *label, const char *s,
			  struct error *e)
{
	char *v;

	if (probe_expand_value(label, s, &v, e) < 0)
		return -1;
	curl_easy_setopt(easy, opt, v);
	memset(v, 0, strlen(v));
	free(v);
	return 0;
}

struct notify_mail *notify_mail_new(struct db *db, void *easy, const char *url,
				    const char *options, const char *event, long timeout_ms,
				    struct error *e)
{
	struct parts pt = {0};
	struct notify_mail *m;
	long tls;

	if (parts_read(db, options, event, &pt, e) < 0) {
		parts_done(&pt);
		return NULL;
	}
	if (pt.user && (credential_set(easy, CURLOPT_USERNAME, "the channel's --user", pt.user, e) < 0 ||
			credential_set(easy, CURLOPT_PASSWORD, "the channel's --password", pt.password,
				       e) < 0)) {
		parts_done(&pt);
		return NULL;
	}
	m = xcalloc(1, sizeof(*m));
	m->message = message_make(&pt);
	m->len = strlen(m->message);
	m->mail_from = xasprintf("<%s>", pt.from);
	m->rcpt = pt.rcpt;
	pt.rcpt = NULL;
	tls = !pt.tls || !strcmp(pt.tls, "starttls") || !strcmp(pt.tls, "implicit") ? CURLUSESSL_ALL
	      : !strcmp(pt.tls, "try")						      ? CURLUSESSL_TRY
										      : CURLUSESSL_NONE;
	curl_easy_setopt(easy, CURLOPT_URL, url);
#if LIBCURL_VERSION_NUM >= 0x075500
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
#else
	curl_easy_setopt(easy, CURLOPT_PROTOCOLS, CURLPROTO_SMTP | CURLPROTO_SMTPS);
#endif
	curl_easy_setopt(easy, CURLOPT_USE_SSL, tls);
	if (pt.cacert)
		curl_easy_setopt(easy, CURLOPT_CAINFO, pt.cacert);
	curl_easy_setopt(easy, CURLOPT_MAIL_FROM, m->mail_from);
	curl_easy_setopt(easy, CURLOPT_MAIL_RCPT, m->rcpt);
	curl_easy_setopt(easy, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(easy, CURLOPT_INFILESIZE_LARGE, (curl_off_t)m->len);
	curl_easy_setopt(easy, CURLOPT_READFUNCTION, on_read);
	curl_easy_setopt(easy, CURLOPT_READDATA, m);
	curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, on_answer);
	curl_easy_setopt(easy, CURLOPT_HEADERDATA, m);
	curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, m->errbuf);
	curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
	curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 5000 ? timeout_ms : 5000L);
	parts_done(&pt);
	return m;
}

char *notify_mail_error(const struct notify_mail *m, int code)
{
	const char *why = m->errbuf[0] ? m->errbuf : curl_easy_strerror((CURLcode)code);
	size_t n = strlen(why);

	while (n > 0 && (why[n - 1] == '.' || why[n - 1] == '\n'))
		n--;
	if (code == CURLE_USE_SSL_FAILED)
		return xasprintf("%.*s: the server offers no TLS (--tls none sends in clear, for a "
				 "relay on a trusted network)",
				 (int)n, why);
	if (m->refusal.len)
		return xasprintf("%.*s; the server answered: %s", (int)n, why, strbuf_str(&m->refusal));
	return xasprintf("%.*s", (int)n, why);
}

int notify_mail_permanent(const struct notify_mail *m, int code)
{
	if (code == CURLE_OPERATION_TIMEDOUT || code == CURLE_COULDNT_CONNECT)
		return 0; /* a refusal then the server went quiet: the end was not its answer */
	return m->refusal.len && strbuf_str(&m->refusal)[0] == '5';
}

void notify_mail_free(struct notify_mail *m)
{
	if (!m)
		return;
	free(m->message);
	free(m->mail_from);
	curl_slist_free_all(m->rcpt);
	strbuf_done(&m->refusal);
	free(m);
}

/*
 * notify-mail.h - email notification channels: SMTP or SMTPS through libcurl.
 *
 * An email channel's target is its mail server's smtp:// or smtps:// URL;
 * its options (notify_channel.options) hold the sender, the recipients, the
 * TLS mode, the CA bundle to trust and, for SMTP AUTH, the user and the
 * password as ${VARIABLES} read from the environment when sending (a password
 * is never stored). Each notification is one plain-text mail, sent as a
 * transfer on the probe engine's multi handle like a webhook's POST: its
 * Message-ID and X-Drtop-Key header carry the idempotency key, so that a
 * receiver (or a mail filter) can drop the copy a retry sends.
 *
 * The mail's facts, and a Teams card's, come from one SQL expression
 * (NOTIFY_FACTS_SQL) over the event.
 */
#ifndef DRTOP_NOTIFY_MAIL_H
#define DRTOP_NOTIFY_MAIL_H

#include <stddef.h>

#include "db.h"
#include "error.h"

/* An email channel's settings, as given to `notify add`. */
struct notify_mail_settings {
	const char *from;
	char **to;
	size_t nto;
	const char *tls;      /* smtp://: starttls (the default), try or none; smtps://: implicit */
	const char *user;     /* SMTP AUTH: a name, may name ${VARIABLES}; NULL: none */
	const char *password; /* one ${VARIABLE}, never the secret */
	const char *cacert;   /* a file of CA certificates to trust, or NULL (the system's) */
};

/* 0 when URL is a mail server's (smtp:// or smtps://, no credentials), else
 * -1 with e set. */
int notify_mail_url_check(const char *url, struct error *e);

/* Check an email channel's URL and settings S and make its options, a JSON
 * object (*options, caller frees): -1 with e set naming what is wrong. */
int notify_mail_options(const char *url, const struct notify_mail_settings *s, char **options,
			struct error *e);

/* The facts of the event P (an SQL expression of its JSON) as a JSON array of
 * {"title", "value"} (both text), the ones the event has, in reading order:
 * a mail's lines and a Teams card's FactSet. */
#define NOTIFY_FACTS_SQL(P)                                                                        \
	"(SELECT json_group_array(json_object('title', t, 'value', v)) FROM ("                     \
	" SELECT 1 AS k, 'System' AS t, " P " ->> '$.system' AS v"                                  \
	" UNION ALL SELECT 2, 'Status', (" P " ->> '$.status')"                                     \
	"  || coalesce(' (was ' || (" P " ->> '$.previous_status') || ')', '')"                     \
	" UNION ALL SELECT 3, 'Finding', CASE WHEN coalesce(" P " ->> '$.finding',"                 \
	"  " P " ->> '$.previous_finding') IS NOT NULL THEN coalesce(" P " ->> '$.finding', 'none')" \
	"  || coalesce(' ' || (" P " ->> '$.change'), '')"                                           \
	"  || coalesce(' (was ' || (" P " ->> '$.previous_finding') || ')', '') END"                \
	" UNION ALL SELECT 4, 'Detail', " P " ->> '$.detail'"                                       \
	" UNION ALL SELECT 5, 'Severity', CASE WHEN " P " ->> '$.status' IS NULL"                   \
	"  THEN " P " ->> '$.severity' END"                                                          \
	" UNION ALL SELECT 6, 'Tier', CAST(" P " ->> '$.tier' AS TEXT)"                             \
	" UNION ALL SELECT 7, 'Owner', nullif(" P " ->> '$.owner', '')"                             \
	" UNION ALL SELECT 8, 'Since', " P " ->> '$.since'"                                         \
	" UNION ALL SELECT 9, 'When', " P " ->> '$.at'"                                             \
	" UNION ALL SELECT 10, 'Likely cause', nullif(" P " ->> '$.cause', " P " ->> '$.system')"   \
	" UNION ALL SELECT 11, 'Affected', (SELECT group_concat((a.value ->> '$.system') || ' ('"    \
	"  || (a.value ->> '$.status') || ')', ', ') FROM json_each(" P ", '$.affected') a)"        \
	" UNION ALL SELECT 12, 'Channel', " P " ->> '$.channel'"                                    \
	" ORDER BY k) WHERE v IS NOT NULL)"

struct notify_mail;

/* Set the curl easy handle EASY up to send the event EVENT (its JSON, with
 * its key) as a mail through the server URL with the channel's OPTIONS,
 * within TIMEOUT_MS; DB only reads the event. The transfer reads the
 * returned mail: free it after. NULL with e set (ERR_DATA) when it cannot be
 * sent (a variable is not set). */
struct notify_mail *notify_mail_new(struct db *db, void *easy, const char *url,
				    const char *options, const char *event, long timeout_ms,
				    struct error *e);

/* Why the transfer that ended with CODE (a CURLcode, not CURLE_OK) failed:
 * libcurl's error and the server's last refusal; the caller frees. */
char *notify_mail_error(const struct notify_mail *m, int code);

/* Whether the transfer that ended with CODE (not CURLE_OK) was refused for
 * good: the server's last answer was a 5xx (the mailbox does not exist, the
 * message is refused), so sending again will not help. A 4xx answer, or none
 * (the connection failed or timed out), is worth another attempt. */
int notify_mail_permanent(const struct notify_mail *m, int code);

void notify_mail_free(struct notify_mail *m);

#endif

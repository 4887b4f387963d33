/*
 * url.h - the URLs drtop will probe.
 *
 * Accepted schemes are http, https and file; anything else (ftp, gopher,
 * dict, a typo) is refused at the door rather than at probe time, and so is
 * a URL with literal credentials in it (user:password@host). A URL may name
 * environment variables (${NAME}) in its user, password, path and query; the
 * probe engine expands them (percent-encoded) when it probes. Parsing is
 * libcurl's own (the CURLU API), so what is accepted here is what the probe
 * engine will fetch.
 */
#ifndef DRTOP_URL_H
#define DRTOP_URL_H

#include "error.h"

/* 0 when URL is an acceptable probe target, else -1 with e set (ERR_DATA). */
int url_check(const char *url, struct error *e);

/* URL with every ${NAME} replaced by a sample value, for parsing it before the
 * variables are known (caller frees). */
char *url_sample(const char *url);

#endif

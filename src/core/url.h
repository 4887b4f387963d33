/*
 * url.h - the URLs drtop will probe.
 *
 * Accepted schemes are http, https and file; anything else (ftp, gopher,
 * dict, a typo) is refused at the door rather than at probe time, and so is
 * a URL with credentials in it (user:password@host). Parsing is
 * libcurl's own (the CURLU API), so what is accepted here is what the probe
 * engine will fetch.
 */
#ifndef DRTOP_URL_H
#define DRTOP_URL_H

#include "error.h"

/* 0 when URL is an acceptable probe target, else -1 with e set (ERR_DATA). */
int url_check(const char *url, struct error *e);

#endif

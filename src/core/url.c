/*
 * url.c - see url.h.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "strbuf.h"
#include "url.h"
#include "util.h"

#define SAMPLE "drtopvar"

char *url_sample(const char *url)
{
	struct strbuf sb = STRBUF_INIT;
	const char *p = url, *close;

	while (*p) {
		if (p[0] == '$' && p[1] == '{' && (close = strchr(p + 2, '}'))) {
			strbuf_puts(&sb, SAMPLE);
			p = close + 1;
		} else {
			strbuf_putc(&sb, *p++);
		}
	}
	return strbuf_detach(&sb);
}

int url_check(const char *url, struct error *e)
{
	CURLU *h;
	CURLUcode rc;
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *user = NULL,
	     *password = NULL, *sample;
	int ret = 0;

	if (!url || !*url)
		return error_set(e, ERR_DATA, "empty URL");
	if (str_has_control(url) || strchr(url, ' '))
		return error_set(e, ERR_DATA, "malformed URL '%s': contains a space or a control character",
				 url);
	if (!str_vars_ok(url))
		return error_set(e, ERR_DATA,
				 "malformed URL '%s': malformed variable reference (expected ${NAME})",
				 url);
	h = curl_url();
	if (!h)
		fatal("out of memory");
	sample = url_sample(url);
	rc = curl_url_set(h, CURLUPART_URL, sample, CURLU_NON_SUPPORT_SCHEME);
	free(sample);
	if (rc != CURLUE_OK) {
		ret = error_set(e, ERR_DATA, "malformed URL '%s': %s", url,
				strchr(url, ':') ? curl_url_strerror(rc)
						 : "expected http://, https:// or file://");
		goto out;
	}
	curl_url_get(h, CURLUPART_SCHEME, &scheme, 0);
	if (!scheme || (strcasecmp(scheme, "http") && strcasecmp(scheme, "https") &&
			strcasecmp(scheme, "file"))) {
		ret = error_set(e, ERR_DATA,
				"unsupported URL scheme in '%s': use http, https or file", url);
		goto out;
	}
	curl_url_get(h, CURLUPART_USER, &user, 0);
	curl_url_get(h, CURLUPART_PASSWORD, &password, 0);
	/* A password, or a user name alone (often a token), must be a variable. */
	if ((password && !strstr(password, SAMPLE)) || (user && !password && !strstr(user, SAMPLE))) {
		/* Not echoed: the URL holds the secret. */
		ret = error_set(e, ERR_DATA,
				"a URL with literal credentials (user:password@host) is refused: "
				"drtop stores URLs and never stores secrets; name an environment "
				"variable, read at probe time: https://user:${SITE_PASSWORD}@host/");
		goto out;
	}
	curl_url_get(h, CURLUPART_HOST, &host, 0);
	curl_url_get(h, CURLUPART_PORT, &port, 0);
	if ((host && strstr(host, SAMPLE)) || (port && strstr(port, SAMPLE)) ||
	    strstr(scheme, SAMPLE)) {
		ret = error_set(e, ERR_DATA,
				"malformed URL '%s': ${VARIABLES} may stand in its user, password, "
				"path or query, not in its scheme, host or port",
				url);
		goto out;
	}
	curl_url_get(h, CURLUPART_PATH, &path, 0);
	if (!strcasecmp(scheme, "file")) {
		if (host && *host && strcasecmp(host, "localhost"))
			ret = error_set(e, ERR_DATA,
					"malformed URL '%s': a file URL names a local path "
					"(file:///path)",
					url);
		else if (!path || strlen(path) < 2)
			ret = error_set(e, ERR_DATA, "malformed URL '%s': no file path", url);
	} else if (!host || !*host) {
		ret = error_set(e, ERR_DATA, "malformed URL '%s': no host", url);
	}
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(path);
	curl_free(port);
	curl_free(user);
	curl_free(password);
	curl_url_cleanup(h);
	return ret;
}

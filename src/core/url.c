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

/* The first name=value parameter of a query or fragment (sampled: variables
 * replaced by SAMPLE) whose name says it is a secret and whose value is literal. */
static const char *secret_param(const char *params)
{
	const char *p = params;

	while (p && *p) {
		size_t len = strcspn(p, "&;"), name = strcspn(p, "=&;");

		if (name < len && str_name_is_secret(p, name) && name + 1 < len &&
		    !memmem(p + name + 1, len - name - 1, SAMPLE, strlen(SAMPLE)))
			return p;
		p += len;
		if (*p)
			p++;
	}
	return NULL;
}

int url_check(const char *url, struct error *e)
{
	CURLU *h;
	CURLUcode rc;
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL, *user = NULL,
	     *password = NULL, *query = NULL, *fragment = NULL, *sample;
	const char *why, *secret;
	int ret = 0;

	if (!url || !*url)
		return error_set(e, ERR_DATA, "empty URL");
	if (str_has_control(url) || strchr(url, ' '))
		return error_set(e, ERR_DATA, "malformed URL '%s': contains a space or a control character",
				 url);
	why = str_text_problem(url, strlen(url));
	if (why)
		return error_set(e, ERR_DATA, "malformed URL: it %s", why);
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
	curl_url_get(h, CURLUPART_QUERY, &query, 0);
	curl_url_get(h, CURLUPART_FRAGMENT, &fragment, 0);
	if ((secret = secret_param(query)) || (secret = secret_param(fragment))) {
		size_t n = strcspn(secret, "=");

		/* Not echoed: the URL holds the secret. */
		ret = error_set(e, ERR_DATA,
				"URL parameter %.*s holds a literal secret, and drtop never stores "
				"secrets: name an environment variable instead, read at probe time, "
				"e.g. %.*s=${SITE_TOKEN}",
				(int)n, secret, (int)n, secret);
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
		else if (*path != '/')
			ret = error_set(e, ERR_DATA,
					"malformed URL '%s': a file URL names an absolute path "
					"(file:///path)",
					url);
	} else if (!host || !*host || strncmp(strchr(url, ':'), "://", 3) ||
		   strchr(url, ':')[3] == '/') {
		/* libcurl reads http:///x and http:/x as host x: never what was meant */
		ret = error_set(e, ERR_DATA, "malformed URL '%s': no host", url);
	} else if (port && strtol(port, NULL, 10) == 0) {
		ret = error_set(e, ERR_DATA, "malformed URL '%s': port 0", url);
	}
out:
	curl_free(scheme);
	curl_free(host);
	curl_free(path);
	curl_free(port);
	curl_free(user);
	curl_free(password);
	curl_free(query);
	curl_free(fragment);
	curl_url_cleanup(h);
	return ret;
}

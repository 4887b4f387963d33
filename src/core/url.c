/*
 * url.c - see url.h.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "url.h"
#include "util.h"

int url_check(const char *url, struct error *e)
{
	CURLU *h;
	CURLUcode rc;
	char *scheme = NULL, *host = NULL, *path = NULL, *user = NULL, *password = NULL;
	int ret = 0;

	if (!url || !*url)
		return error_set(e, ERR_DATA, "empty URL");
	if (str_has_control(url) || strchr(url, ' '))
		return error_set(e, ERR_DATA, "malformed URL '%s': contains a space or a control character",
				 url);
	h = curl_url();
	if (!h)
		fatal("out of memory");
	rc = curl_url_set(h, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME);
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
	if (curl_url_get(h, CURLUPART_USER, &user, 0) == CURLUE_OK ||
	    curl_url_get(h, CURLUPART_PASSWORD, &password, 0) == CURLUE_OK) {
		/* Not echoed: the URL holds the secret. */
		ret = error_set(e, ERR_DATA,
				"a URL with credentials (user:password@host) is refused: drtop "
				"stores URLs and never stores secrets; send them in a header read "
				"from the environment, e.g. --header 'Authorization: Basic ${SITE_AUTH}'");
		goto out;
	}
	curl_url_get(h, CURLUPART_HOST, &host, 0);
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
	curl_free(user);
	curl_free(password);
	curl_url_cleanup(h);
	return ret;
}

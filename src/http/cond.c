/* cond.c: conditional GET (RFC 9110 §13): ETag, Last-Modified and 304. */
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/http-int.h"

const char *
http_etag_of(struct arena *a, const void *data, size_t len)
{
	unsigned char h[16];
	char	      hex[sizeof(h) * 2 + 1];

	/* A strong validator: the same bytes give the same tag on every
	 * thread and after a restart, and any change in the bytes changes it. */
	crypto_generichash(h, sizeof(h), data, len, NULL, 0);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	return arena_printf(a, "\"%s\"", hex);
}

/* true if the If-None-Match list v holds etag (or is "*"). Comparison is
 * weak (RFC 9110 §13.1.2): W/"x" matches "x". */
bool
http_inm_matches(const char *v, const char *etag)
{
	size_t	    elen = strlen(etag), n;
	const char *p = v, *q;

	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		if (*p == '*')
			return true;
		if (strncmp(p, "W/", 2) == 0)
			p += 2;
		if (*p != '"')
			return false; /* malformed: ignore the header */
		if ((q = strchr(p + 1, '"')) == NULL)
			return false;
		n = (size_t)(q - p) + 1;
		if (n == elen && memcmp(p, etag, n) == 0)
			return true;
		p = q + 1;
	}
	return false;
}

/* Parses an IMF-fixdate ("Sun, 06 Nov 1994 08:49:37 GMT"); the obsolete
 * forms are rare enough that ignoring them only costs a full response. */
bool
http_date_parse(const char *s, int64_t *out)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May",
		"Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	char			 ms[4], tz[4], iso[32];
	int			 d, y, hh, mm, ss, m, used = 0;

	if (strlen(s) != 29 ||
	    sscanf(s + 5, "%2d %3s %4d %2d:%2d:%2d %3s%n", &d, ms, &y, &hh, &mm,
		&ss, tz, &used) != 7 ||
	    used != 24 || strcmp(tz, "GMT") != 0)
		return false;
	for (m = 0; m < 12; m++)
		if (strcmp(ms, mon[m]) == 0)
			break;
	if (m == 12)
		return false;
	snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02dZ", y, m + 1,
	    d, hh, mm, ss);
	return time_parse_rfc3339(iso, strlen(iso), out);
}

bool
http_resp_conditional(const struct http_req *req, struct http_resp *resp,
    const char *etag, int64_t last_modified)
{
	const char *inm, *ims;
	struct buf  b = BUF_INIT;
	bool	    fresh = false;
	int64_t	    t;

	if (etag)
		http_resp_header(resp, "ETag", etag);
	if (last_modified > 0) {
		time_format_http(&b, last_modified);
		http_resp_header(resp, "Last-Modified",
		    arena_strndup(req->arena, buf_str(&b), b.len));
		buf_free(&b);
	}
	/* A page the server caches gets its validators from the cache,
	 * which answers conditional requests itself. */
	if ((req->method != HTTP_GET && req->method != HTTP_HEAD) ||
	    resp->cache)
		return false;
	/* If-None-Match, when present, decides alone (§13.2.2). */
	if ((inm = http_req_header(req, "If-None-Match")) != NULL)
		fresh = etag != NULL && http_inm_matches(inm, etag);
	else if ((ims = http_req_header(req, "If-Modified-Since")) != NULL)
		fresh = last_modified > 0 && http_date_parse(ims, &t) &&
		    last_modified <= t;
	if (!fresh)
		return false;
	resp->status = 304;
	buf_reset(&resp->body);
	if (resp->shared) {
		http_shared_unref(resp->shared);
		resp->shared = NULL;
	}
	return true;
}

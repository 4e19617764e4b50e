/* route.c: matching a request path against the route table. */
#include <string.h>

#include "http/http-int.h"

static const char *const method_names[HTTP_METHOD__MAX] = {
	"GET",
	"HEAD",
	"POST",
	"PUT",
	"PATCH",
	"DELETE",
	"OPTIONS",
};

bool
http_method_parse(const char *s, size_t n, enum http_method *m)
{
	size_t i;

	for (i = 0; i < HTTP_METHOD__MAX; i++)
		if (strlen(method_names[i]) == n &&
		    memcmp(method_names[i], s, n) == 0) {
			*m = (enum http_method)i;
			return true;
		}
	return false;
}

const char *
http_method_name(enum http_method m)
{
	return (unsigned)m < HTTP_METHOD__MAX ? method_names[m] : "?";
}

void
http_allow_format(struct buf *b, unsigned mask)
{
	size_t i, n = 0;

	if (mask & HTTP_M(HTTP_GET))
		mask |= HTTP_M(HTTP_HEAD);
	mask |= HTTP_M(HTTP_OPTIONS);
	for (i = 0; i < HTTP_METHOD__MAX; i++)
		if (mask & HTTP_M(i)) {
			if (n++)
				buf_puts(b, ", ");
			buf_puts(b, method_names[i]);
		}
}

/* Matches one pattern against path, both starting with '/'. Segments are
 * compared one at a time so that a trailing slash, an empty segment ("//")
 * and a missing segment all count: nothing is normalised here. */
static bool
match(const char *pat, const char *path, struct sv *params, size_t *np)
{
	const char *pe, *se;
	size_t	    plen, slen;

	*np = 0;
	if (pat[0] != '/' || path[0] != '/')
		return false;
	pat++;
	path++;
	for (;;) {
		/* A literal segment that differs at its first byte: most of
		 * the table, on every request (cache hits route first). */
		if (pat[0] != ':' && pat[0] != '*' && pat[0] != path[0])
			return false;
		pe = strchr(pat, '/');
		plen = pe ? (size_t)(pe - pat) : strlen(pat);
		se = strchr(path, '/');
		slen = se ? (size_t)(se - path) : strlen(path);

		if (plen == 1 && pat[0] == '*' && pe == NULL) {
			/* The rest, slashes included; never empty. */
			if (path[0] == '\0' || *np >= 4)
				return false;
			params[(*np)++] = (struct sv){ path, strlen(path) };
			return true;
		}
		if (plen > 1 && pat[0] == ':') {
			if (slen == 0 || *np >= 4)
				return false;
			params[(*np)++] = (struct sv){ path, slen };
		} else if (plen != slen || memcmp(pat, path, plen) != 0)
			return false;

		if (pe == NULL || se == NULL)
			return pe == NULL && se == NULL;
		pat = pe + 1;
		path = se + 1;
	}
}

enum route_result
route_match(const struct route *routes, size_t n, enum http_method m,
    const char *path, struct http_req *req, const struct route **found,
    unsigned *allow)
{
	struct sv params[4];
	size_t	  i, j, np;
	unsigned  want, mask = 0;

	want = HTTP_M(m);
	if (m == HTTP_HEAD)
		want |= HTTP_M(HTTP_GET);
	if (found)
		*found = NULL;
	for (i = 0; i < n; i++) {
		if (!match(routes[i].pattern, path, params, &np))
			continue;
		if (routes[i].methods & want) {
			if (req) {
				for (j = 0; j < np; j++)
					req->params[j] = params[j];
				req->nparams = np;
			}
			if (found)
				*found = &routes[i];
			return ROUTE_FOUND;
		}
		mask |= routes[i].methods;
	}
	if (mask == 0)
		return ROUTE_NOT_FOUND;
	if (mask & HTTP_M(HTTP_GET))
		mask |= HTTP_M(HTTP_HEAD);
	if (allow)
		*allow = mask;
	return ROUTE_BAD_METHOD;
}

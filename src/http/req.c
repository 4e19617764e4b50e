/* req.c: what a handler reads of its request beyond struct http_req's
 * fields: header values and cookies, looked up in libmicrohttpd's copy of
 * the header block (req->impl; NULL outside the server, as in gazette
 * build, where there are none). */
#include <string.h>
#include <strings.h>

#include <microhttpd.h>

#include "http/http-int.h"
#include "util/arena.h"

const char *
http_req_header(const struct http_req *req, const char *name)
{
	if (req->impl == NULL)
		return NULL;
	return MHD_lookup_connection_value(req->impl, MHD_HEADER_KIND, name);
}

struct cookie_iter {
	struct arena *arena;
	const char   *name;
	const char   *found;
};

static enum MHD_Result
cookie_each(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct cookie_iter *it = cls;

	(void)kind;
	if (key == NULL || value == NULL || strcasecmp(key, "Cookie") != 0)
		return MHD_YES;
	it->found = cookie_find(it->arena, value, it->name);
	return it->found ? MHD_NO : MHD_YES;
}

const char *
http_req_cookie(const struct http_req *req, const char *name)
{
	struct cookie_iter it = { req->arena, name, NULL };

	if (req->impl == NULL)
		return NULL;
	MHD_get_connection_values(req->impl, MHD_HEADER_KIND, cookie_each, &it);
	return it.found;
}

const char *
http_req_limit_key(const struct http_req *req)
{
	char key[HTTP_LIMIT_KEY_MAX];

	http_limit_key(req->client, key, sizeof(key));
	return arena_strdup(req->arena, key);
}

/* page-redirect.c: old links of imported articles answer 301 to where the
 * article lives now (WordPress /?p=N and /YYYY/MM/DD/slug/, Blogger
 * /YYYY/MM/slug.html, as the importer recorded them). */
#include <string.h>
#include <time.h>

#include "site/page.h"
#include "util/arena.h"
#include "util/str.h"

bool
page_redirect_old(struct http_req *req, struct http_resp *resp,
    const struct site *s, const char *old_path)
{
	struct store  *st;
	struct article a;
	int64_t	       id;
	size_t	       n = strlen(old_path);
	enum store_err e;

	if ((req->method != HTTP_GET && req->method != HTTP_HEAD) || n == 0 ||
	    n > 1024 || (st = site_store(s)) == NULL)
		return false;
	e = store_redirect_get(st, old_path, &id);
	/* WordPress links are written with and without the final slash. */
	if (e == STORE_NOTFOUND && old_path[n - 1] != '/' &&
	    strchr(old_path, '?') == NULL)
		e = store_redirect_get(st,
		    arena_printf(req->arena, "%s/", old_path), &id);
	if (e != STORE_OK ||
	    store_article_by_id(st, req->arena, id, &a) != STORE_OK ||
	    !article_is_public(&a, (int64_t)time(NULL)))
		return false;
	buf_reset(&resp->body);
	http_resp_redirect(resp, 301, article_path(s, req->arena, &a));
	return true;
}

bool
page_redirect_query(struct http_req *req, struct http_resp *resp,
    const struct site *s)
{
	static const char *const keys[] = { "p", "page_id", NULL };
	const char		*v;
	size_t			 n, i;
	int64_t			 id;

	for (i = 0; keys[i]; i++)
		if ((v = form_get(&req->args, keys[i], &n)) != NULL && n > 0 &&
		    n < 19 && parse_int(v, n, 1, INT64_MAX, &id))
			return page_redirect_old(req, resp, s,
			    arena_printf(req->arena, "/?%s=%lld", keys[i],
				(long long)id));
	return false;
}

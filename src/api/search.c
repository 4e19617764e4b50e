/* search.c: GET /api/v1/search?q=…&cursor=…&limit=…, the full-text search
 * as JSON: {"items": [...], "next_cursor": "N" | null}. The search runs,
 * bounded and cached, as the results page's does (site/search.h); errors
 * are problem documents. */
#include <string.h>

#include "api/api-int.h"
#include "api/api.h"
#include "site/page.h"
#include "site/search.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

/* One result as the API shows it. */
static void
item_json(struct buf *b, struct arena *a, const struct site *s,
    const struct search_hit *h)
{
	const struct article *art = &h->article;
	bool		      first = true;

	buf_putc(b, '{');
	jw_key(b, &first, "id");
	buf_printf(b, "%lld", (long long)art->id);
	jw_key(b, &first, "title");
	jw_str(b, art->title);
	jw_key(b, &first, "url");
	jw_str(b, site_abs_url(s, a, article_path(s, a, art)));
	jw_key(b, &first, "summary");
	jw_str(b, art->summary);
	jw_key(b, &first, "author");
	jw_str(b, art->author);
	jw_key(b, &first, "published_at");
	jw_str(b, page_date_iso(a, art->published_at));
	jw_key(b, &first, "snippet");
	jw_str(b, search_snippet_plain(a, h->snippet));
	jw_key(b, &first, "snippet_html");
	jw_str(b, search_snippet_html_a(a, h->snippet));
	buf_putc(b, '}');
}

void
api_search(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site     *s = ctx;
	struct arena	      *a = req->arena;
	struct search_query    q;
	struct search_result   r;
	struct search_page     pg;
	struct buf	      *b = &resp->body;
	const char	      *qs, *v;
	size_t		       qlen = 0, vlen, i;
	int64_t		       offset = 0, limit = SEARCH_PER_PAGE;
	enum search_err	       se;
	enum search_run_result o;
	bool		       first = true;

	if (api_method_check(req, resp, HTTP_M(HTTP_GET)))
		return;
	http_resp_header(resp, "Access-Control-Allow-Origin", "*");
	/* The route takes q, cursor and limit, and nothing else (strict). */
	if ((v = form_get(&req->args, "limit", &vlen)) != NULL &&
	    !parse_int(v, vlen, 1, 100, &limit)) {
		api_error(resp, a, 400, "limit",
		    "limit must be a number from "
		    "1 to 100");
		return;
	}
	if ((v = form_get(&req->args, "cursor", &vlen)) != NULL &&
	    !parse_int(v, vlen, 0, SEARCH_MAX_OFFSET, &offset)) {
		api_error(resp, a, 400, "cursor",
		    "cursor is not one this "
		    "server gave out");
		return;
	}
	if ((qs = form_get(&req->args, "q", &qlen)) == NULL) {
		api_error(resp, a, 400, "q", "the q parameter is required");
		return;
	}
	if ((se = search_query_parse(a, qs, qlen, &q)) != SEARCH_OK) {
		api_error(resp, a, 400, "q", "%s", search_err_text(se));
		return;
	}
	o = search_run(req, resp, s, "api", &q, (size_t)offset, (size_t)limit,
	    &r, &pg);
	if (o != SEARCH_RUN_OK && o != SEARCH_RUN_CACHED) {
		const char *why = search_refusal(o, req, resp);

		api_error(resp, a, 503, NULL, "%s", why);
		return;
	}
	http_resp_header(resp, "Cache-Control", "no-store");
	resp->content_type = "application/json";
	if (o == SEARCH_RUN_CACHED)
		return;
	buf_reset(b);
	buf_putc(b, '{');
	jw_key(b, &first, "items");
	buf_putc(b, '[');
	for (i = 0; i < r.n; i++) {
		if (i)
			buf_putc(b, ',');
		item_json(b, a, s, &r.items[i]);
	}
	buf_putc(b, ']');
	jw_key(b, &first, "next_cursor");
	if (r.more && offset + limit <= SEARCH_MAX_OFFSET)
		jw_str(b, arena_printf(a, "%lld", (long long)(offset + limit)));
	else
		buf_puts(b, "null");
	buf_puts(b, "}\n");
	search_keep(s, resp, &pg);
}

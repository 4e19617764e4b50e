/* page-search.c: /search (the results page) and /api/v1/search (JSON). */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/esc.h"
#include "search/query.h"
#include "site/feed.h"
#include "site/page.h"
#include "util/str.h"

#define SEARCH_PER_PAGE		20
#define SEARCH_MAX_OFFSET	1000	/* deeper pages are not worth the work */

void
search_snippet_html(struct buf *out, const char *s, size_t n)
{
	size_t i, start = 0;
	bool open = false;

	for (i = 0; i <= n; i++) {
		if (i < n && s[i] != SEARCH_MARK_OPEN &&
		    s[i] != SEARCH_MARK_CLOSE)
			continue;
		esc_html(out, s + start, i - start);
		start = i + 1;
		if (i == n)
			break;
		if (s[i] == SEARCH_MARK_OPEN && !open) {
			buf_puts(out, "<mark>");
			open = true;
		} else if (s[i] == SEARCH_MARK_CLOSE && open) {
			buf_puts(out, "</mark>");
			open = false;
		}
	}
	if (open)
		buf_puts(out, "</mark>");
}

/* The snippet with the marks dropped: plain text for JSON clients. */
static const char *
snippet_plain(struct arena *a, const char *s)
{
	char *o = arena_strdup(a, s), *w = o;

	for (; *s; s++)
		if (*s != SEARCH_MARK_OPEN && *s != SEARCH_MARK_CLOSE)
			*w++ = *s;
	*w = '\0';
	return o;
}

static const char *
snippet_html(struct arena *a, const char *s)
{
	struct buf b = BUF_INIT;
	const char *out;

	search_snippet_html(&b, s, strlen(s));
	out = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return out;
}

static const char *
search_url(struct arena *a, const char *q, size_t qlen, int64_t page)
{
	struct buf b = BUF_INIT;
	const char *out;

	buf_puts(&b, "/search?q=");
	esc_url_arg(&b, q, qlen);
	if (page > 1)
		buf_printf(&b, "&page=%lld", (long long)page);
	out = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return out;
}

void
page_search(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site *s = ctx;
	struct arena *a = req->arena;
	struct store *st = site_store(s);
	struct search_query q;
	struct search_result r;
	struct tval *root, *items, *m;
	const char *qs, *ps;
	size_t qlen = 0, plen, i;
	int64_t pageno = 1;
	enum search_err se = SEARCH_EMPTY;

	/* The route's q and page (a malformed one was the server's 400). */
	qs = form_get(&req->args, "q", &qlen);
	if ((ps = form_get(&req->args, "page", &plen)) != NULL &&
	    !parse_int(ps, plen, 1, SEARCH_MAX_OFFSET / SEARCH_PER_PAGE,
	    &pageno))
		pageno = 1;
	if (qs)
		se = search_query_parse(a, qs, qlen, &q);
	root = page_root(req, s, "/search", qs && qlen && utf8_valid(qs, qlen) ?
	    arena_printf(a, "Search: %.*s — %s", (int)qlen, qs, s->title) :
	    arena_printf(a, "Search — %s", s->title),
	    "Search the articles of this site.");
	tv_set_bool(a, tv_get(root, "page"), "noindex", true);
	if (qs && utf8_valid(qs, qlen))
		tv_set(a, root, "query", tv_str(a, qs, qlen));
	if (se != SEARCH_OK) {
		/* No query is the empty search form; a query we cannot
		 * search is the reader's mistake, said plainly. */
		if (qs != NULL && qlen > 0 && se != SEARCH_EMPTY) {
			resp->status = 400;
			tv_set_str(a, root, "error", search_err_text(se));
		} else if (qs != NULL && qlen > 0)
			tv_set_str(a, root, "error", search_err_text(se));
		page_render(resp, s, "search.html", root);
		return;
	}
	if (st == NULL) {
		page_store_failed(resp, st);
		return;
	}
	if (store_search(st, a, &q, (int64_t)time(NULL),
	    (size_t)(pageno - 1) * SEARCH_PER_PAGE, SEARCH_PER_PAGE, &r) !=
	    STORE_OK) {
		page_store_failed(resp, st);
		return;
	}
	tv_set_bool(a, root, "searched", true);
	tv_set_int(a, root, "count", (int64_t)r.n);
	items = tv_list(a);
	for (i = 0; i < r.n; i++) {
		m = page_article_tval(req, s, &r.items[i].article, false);
		const char *h = snippet_html(a, r.items[i].snippet);
		tv_set(a, m, "snippet", tv_raw(a, h, strlen(h)));
		tv_push(a, items, m);
	}
	tv_set(a, root, "results", items);
	if (pageno > 1)
		tv_set_str(a, root, "newer_url", search_url(a, qs, qlen,
		    pageno - 1));
	if (r.more && pageno * SEARCH_PER_PAGE < SEARCH_MAX_OFFSET)
		tv_set_str(a, root, "older_url", search_url(a, qs, qlen,
		    pageno + 1));
	page_render(resp, s, "search.html", root);
}

/* RFC 7807 problem details. */
static void
problem(struct http_resp *resp, int status, const char *detail)
{
	json_t *o = json_object();
	char *text;

	json_object_set_new(o, "type", json_string("about:blank"));
	json_object_set_new(o, "title", json_string(http_status_text(status)));
	json_object_set_new(o, "status", json_integer(status));
	json_object_set_new(o, "detail", json_string(detail));
	text = json_dumps(o, JSON_PRESERVE_ORDER);
	buf_reset(&resp->body);
	buf_puts(&resp->body, text ? text : "{}");
	buf_putc(&resp->body, '\n');
	free(text);
	json_decref(o);
	resp->status = status;
	resp->content_type = "application/problem+json";
}

void
api_search(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site *s = ctx;
	struct arena *a = req->arena;
	struct store *st;
	struct search_query q;
	struct search_result r;
	const char *qs, *v;
	size_t qlen = 0, vlen, i;
	int64_t offset = 0, limit = SEARCH_PER_PAGE;
	enum search_err se;
	json_t *root, *items, *it;
	char *text;

	http_resp_header(resp, "Access-Control-Allow-Origin", "*");
	http_resp_header(resp, "Cache-Control", "no-store");
	/* The route takes q, cursor and limit, and nothing else (strict). */
	if ((v = form_get(&req->args, "limit", &vlen)) != NULL &&
	    !parse_int(v, vlen, 1, 100, &limit)) {
		problem(resp, 400, "limit must be a number from 1 to 100");
		return;
	}
	if ((v = form_get(&req->args, "cursor", &vlen)) != NULL &&
	    !parse_int(v, vlen, 0, SEARCH_MAX_OFFSET, &offset)) {
		problem(resp, 400, "cursor is not one this server gave out");
		return;
	}
	if ((qs = form_get(&req->args, "q", &qlen)) == NULL) {
		problem(resp, 400, "the q parameter is required");
		return;
	}
	if ((se = search_query_parse(a, qs, qlen, &q)) != SEARCH_OK) {
		problem(resp, 400, search_err_text(se));
		return;
	}
	if ((st = site_store(s)) == NULL ||
	    store_search(st, a, &q, (int64_t)time(NULL), (size_t)offset,
	    (size_t)limit, &r) != STORE_OK) {
		problem(resp, 503, "the database is not available");
		http_resp_header(resp, "Retry-After", "5");
		return;
	}
	root = json_object();
	items = json_array();
	for (i = 0; i < r.n; i++) {
		const struct article *art = &r.items[i].article;

		it = json_object();
		json_object_set_new(it, "id", json_integer(art->id));
		json_object_set_new(it, "title", json_string(art->title));
		json_object_set_new(it, "url", json_string(site_abs_url(s, a,
		    article_path(s, a, art))));
		json_object_set_new(it, "summary", json_string(art->summary));
		json_object_set_new(it, "author", json_string(art->author));
		json_object_set_new(it, "published_at", json_string(
		    page_date_iso(a, art->published_at)));
		json_object_set_new(it, "snippet", json_string(
		    snippet_plain(a, r.items[i].snippet)));
		json_object_set_new(it, "snippet_html", json_string(
		    snippet_html(a, r.items[i].snippet)));
		json_array_append_new(items, it);
	}
	json_object_set_new(root, "items", items);
	if (r.more && offset + limit <= SEARCH_MAX_OFFSET)
		json_object_set_new(root, "next_cursor", json_string(
		    arena_printf(a, "%lld", (long long)(offset + limit))));
	else
		json_object_set_new(root, "next_cursor", json_null());
	text = json_dumps(root, JSON_PRESERVE_ORDER);
	json_decref(root);
	if (text == NULL) {
		problem(resp, 500, "the result could not be encoded");
		return;
	}
	buf_puts(&resp->body, text);
	buf_putc(&resp->body, '\n');
	free(text);
	resp->content_type = "application/json";
}

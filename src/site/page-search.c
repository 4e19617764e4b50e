/* page-search.c: /search, the results page, and what bounds a search's
 * cost for it and for /api/v1/search (api/search.c) alike (struct
 * search_gate).
 *
 * Both pages go through search_run: a result page already made is
 * answered from the page cache, under a key of the query's canonical
 * form (search_query_format), so every spelling of one search shares an
 * entry, and the API's own checks (unknown parameters are a 400) still
 * run first; otherwise the search takes one of the gate's slots, fewer
 * than the server's threads so that searches cannot hold them all (none
 * free: 503 at once), and runs within the time budget (past it: 503).
 * Both 503s carry Retry-After and say what happened. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache/cache.h"
#include "render/esc.h"
#include "search/query.h"
#include "site/feed.h"
#include "site/page.h"
#include "site/search.h"
#include "util/str.h"
#include "util/xalloc.h"

struct search_gate {
	atomic_uint   running; /* searches holding a slot */
	unsigned      slots;
	int64_t	      budget_ms;
	struct cache *cache; /* borrowed; NULL: none */
};

struct search_gate *
search_gate_new(unsigned slots, int64_t budget_ms, struct cache *cache)
{
	struct search_gate *g = xcalloc(1, sizeof(*g));

	atomic_init(&g->running, 0);
	g->slots = slots ? slots : 1;
	g->budget_ms = budget_ms > 0 ? budget_ms : 0;
	g->cache = cache;
	return g;
}

void
search_gate_free(struct search_gate *g)
{
	free(g);
}

/* The answer to a search not run, the same for the page and the API. */
static const struct {
	int64_t	    retry_after;
	const char *text;
} refusal[SEARCH_RUN__MAX] = {
	[SEARCH_RUN_BUSY] = { 1,
	    "too many searches are running at once; "
	    "try again in a moment" },
	[SEARCH_RUN_SLOW] = { HTTP_RETRY_S,
	    "the search took longer than its "
	    "time budget; try again, or with longer words and fewer '*'" },
	[SEARCH_RUN_FAILED] = { HTTP_RETRY_S,
	    "the database is not "
	    "available" },
};

const char *
search_refusal(enum search_run_result o, struct http_req *req,
    struct http_resp *resp)
{
	if ((unsigned)o >= SEARCH_RUN__MAX || refusal[o].text == NULL)
		o = SEARCH_RUN_FAILED;
	http_resp_retry_after(resp, req->arena, refusal[o].retry_after);
	return refusal[o].text;
}

static void
shared_free(void *p)
{
	http_shared_unref(p);
}

/*
 * Runs q for one page of results (offset, limit) of kind ("page" or
 * "api": their bytes differ), unless that page is in the cache (then
 * SEARCH_RUN_CACHED and resp holds it) or the gate refuses it. pg is set for
 * search_keep. The key starts with a byte no request path starts with,
 * so no request can be answered with it by the server's own lookup.
 */
enum search_run_result
search_run(struct http_req *req, struct http_resp *resp, const struct site *s,
    const char *kind, const struct search_query *q, size_t offset, size_t limit,
    struct search_result *r, struct search_page *pg)
{
	struct search_gate *g = s->search;
	struct store	   *st = site_store(s);
	struct cache_item  *it;
	struct http_shared *body;
	struct buf	    k = BUF_INIT;
	enum store_err	    e;

	memset(pg, 0, sizeof(*pg));
	if (g != NULL && g->cache != NULL) {
		buf_printf(&k, "\x1fsearch %s %zu %zu ", kind, offset, limit);
		search_query_format(q, &k);
		pg->keylen = k.len;
		pg->key = arena_strndup(req->arena, buf_str(&k), k.len);
		buf_free(&k);
		if ((it = cache_get(g->cache, pg->key, pg->keylen)) != NULL) {
			body = cache_item_payload(it);
			http_shared_ref(body);
			resp->shared = body;
			cache_item_unref(it);
			return SEARCH_RUN_CACHED;
		}
		pg->cache = g->cache;
		pg->epoch = cache_epoch(g->cache);
	}
	if (st == NULL)
		return SEARCH_RUN_FAILED;
	if (g != NULL && atomic_fetch_add(&g->running, 1) >= g->slots) {
		atomic_fetch_sub(&g->running, 1);
		return SEARCH_RUN_BUSY;
	}
	e = store_search_budget(st, req->arena, q, (int64_t)time(NULL), offset,
	    limit, g ? g->budget_ms : 0, r);
	if (g != NULL)
		atomic_fetch_sub(&g->running, 1);
	if (e == STORE_OK)
		return SEARCH_RUN_OK;
	if (e != STORE_TIMEOUT)
		return SEARCH_RUN_FAILED;
	fprintf(stderr,
	    "gazette: serve: a search ran past its %lld ms budget "
	    "(%s)\n",
	    (long long)g->budget_ms, store_errmsg(st));
	return SEARCH_RUN_SLOW;
}

/* Keeps the page just made (a 200 in resp's body) for pg's key, until
 * an article changes ("list") or the next scheduled one goes public. */
void
search_keep(const struct site *s, struct http_resp *resp,
    const struct search_page *pg)
{
	static const char *const deps[] = { "list" };
	struct store		*st = site_store(s);
	struct http_shared	*body;
	int64_t			 when = 0;

	if (pg->cache == NULL || resp->status != 200 || resp->shared ||
	    buf_err(&resp->body) || st == NULL ||
	    store_article_next_public(st, (int64_t)time(NULL), &when) !=
		STORE_OK)
		return;
	body = http_shared_new(buf_str(&resp->body), resp->body.len);
	if (!cache_put(pg->cache, pg->key, pg->keylen, deps, 1, pg->epoch, when,
		body, resp->body.len, shared_free))
		http_shared_unref(body);
}

void
search_snippet_html(struct buf *out, const char *s, size_t n)
{
	size_t i, start = 0;
	bool   open = false;

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
const char *
search_snippet_plain(struct arena *a, const char *s)
{
	char *o = arena_strdup(a, s), *w = o;

	for (; *s; s++)
		if (*s != SEARCH_MARK_OPEN && *s != SEARCH_MARK_CLOSE)
			*w++ = *s;
	*w = '\0';
	return o;
}

const char *
search_snippet_html_a(struct arena *a, const char *s)
{
	struct buf  b = BUF_INIT;
	const char *out;

	search_snippet_html(&b, s, strlen(s));
	out = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return out;
}

static const char *
search_url(struct arena *a, const char *q, size_t qlen, int64_t page)
{
	struct buf  b = BUF_INIT;
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
	const struct site     *s = ctx;
	struct arena	      *a = req->arena;
	struct search_query    q;
	struct search_result   r;
	struct search_page     pg;
	struct tval	      *root, *items, *m;
	struct buf	       canon = BUF_INIT;
	const char	      *qs, *ps, *shown;
	size_t		       qlen = 0, plen, i, shownlen;
	int64_t		       pageno = 1;
	enum search_err	       se = SEARCH_EMPTY;
	enum search_run_result o = SEARCH_RUN_OK;

	/* The route's q and page (a malformed one was the server's 400). */
	qs = form_get(&req->args, "q", &qlen);
	if ((ps = form_get(&req->args, "page", &plen)) != NULL &&
	    !parse_int(ps, plen, 1, SEARCH_MAX_OFFSET / SEARCH_PER_PAGE,
		&pageno))
		pageno = 1;
	if (qs)
		se = search_query_parse(a, qs, qlen, &q);
	/* A search is shown as it was understood (its canonical form): so
	 * the page is the same for every spelling, and can be cached as one. */
	shown = qs;
	shownlen = qlen;
	if (se == SEARCH_OK) {
		search_query_format(&q, &canon);
		shown = arena_strndup(a, buf_str(&canon), canon.len);
		shownlen = canon.len;
		buf_free(&canon);
		o = search_run(req, resp, s, "page", &q,
		    (size_t)(pageno - 1) * SEARCH_PER_PAGE, SEARCH_PER_PAGE, &r,
		    &pg);
		if (o == SEARCH_RUN_CACHED)
			return;
		if (o == SEARCH_RUN_FAILED) {
			page_store_failed(resp, site_store(s));
			return;
		}
	}
	root = page_root(req, s, "/search",
	    shown && shownlen && utf8_valid(shown, shownlen) ?
		arena_printf(a, "Search: %.*s — %s", (int)shownlen, shown,
		    s->title) :
		arena_printf(a, "Search — %s", s->title),
	    "Search the articles of this site.");
	tv_set_bool(a, tv_get(root, "page"), "noindex", true);
	if (shown && utf8_valid(shown, shownlen))
		tv_set(a, root, "query", tv_str(a, shown, shownlen));
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
	if (o != SEARCH_RUN_OK) {
		resp->status = 503;
		tv_set_str(a, root, "error", search_refusal(o, req, resp));
		page_render(resp, s, "search.html", root);
		return;
	}
	tv_set_bool(a, root, "searched", true);
	tv_set_int(a, root, "count", (int64_t)r.n);
	items = tv_list(a);
	for (i = 0; i < r.n; i++) {
		m = page_article_tval(req, s, &r.items[i].article, false);
		const char *h = search_snippet_html_a(a, r.items[i].snippet);
		tv_set(a, m, "snippet", tv_raw(a, h, strlen(h)));
		tv_push(a, items, m);
	}
	tv_set(a, root, "results", items);
	if (pageno > 1)
		tv_set_str(a, root, "newer_url",
		    search_url(a, shown, shownlen, pageno - 1));
	if (r.more && pageno * SEARCH_PER_PAGE < SEARCH_MAX_OFFSET)
		tv_set_str(a, root, "older_url",
		    search_url(a, shown, shownlen, pageno + 1));
	page_render(resp, s, "search.html", root);
	search_keep(s, resp, &pg);
}

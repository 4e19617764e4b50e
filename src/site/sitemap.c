/* sitemap.c: sitemaps (sitemaps.org 0.9) and the Google News sitemap.
 *
 * Written straight into the response with esc_xml: a sitemap of a large
 * site is tens of thousands of <url> entries, walked row by row from the
 * store without building a template context for them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/esc.h"
#include "site/feed.h"
#include "site/page.h"
#include "util/str.h"

#define SITEMAP_URLS_MAX 50000 /* per sitemap, by the protocol */
#define NEWS_URLS_MAX	 1000  /* per news sitemap, by Google */
#define NEWS_WINDOW	 (2 * 86400)

/* The per-file limit; GAZETTE_SITEMAP_URLS lowers it so tests can see
 * an index without importing 50,000 articles. */
static size_t
urls_max(void)
{
	const char *v = getenv("GAZETTE_SITEMAP_URLS");
	int64_t	    n;

	if (v && parse_int(v, strlen(v), 1, SITEMAP_URLS_MAX, &n))
		return (size_t)n;
	return SITEMAP_URLS_MAX;
}

static void
xml_text(struct buf *b, const char *s)
{
	esc_xml(b, s, strlen(s));
}

static void
url_entry(struct buf *b, const char *loc, int64_t lastmod)
{
	buf_puts(b, "<url><loc>");
	xml_text(b, loc);
	buf_puts(b, "</loc>");
	if (lastmod > 0) {
		buf_puts(b, "<lastmod>");
		time_format_rfc3339(b, lastmod);
		buf_puts(b, "</lastmod>");
	}
	buf_puts(b, "</url>\n");
}

/* The pages other than articles that a sitemap lists: the front page,
 * the tag index and every tag with public articles. */
struct extras {
	const char **paths;
	size_t	     n;
};

static bool
extras_load(const struct site *s, struct store *st, struct arena *a,
    int64_t now, struct extras *x)
{
	struct tag *tags;
	size_t	    n, i;

	if (store_tag_list(st, a, now, &tags, &n) != STORE_OK)
		return false;
	x->paths = arena_alloc(a, (n + 2) * sizeof(*x->paths));
	x->paths[0] = "/";
	x->paths[1] = "/tags";
	for (i = 0; i < n; i++)
		x->paths[i + 2] = arena_printf(a, "/tags/%s", tags[i].slug);
	x->n = n + 2;
	(void)s;
	return true;
}

struct walk {
	const struct site *site;
	struct buf	  *out;
	size_t		   per;	   /* URLs per child sitemap */
	size_t		   seen;   /* articles walked */
	size_t		   first;  /* of the child being measured */
	int64_t		  *mtimes; /* newest change per child */
	size_t		   nchild;
	int64_t		   newest;
	bool		   news;
	const char	  *lang;
};

static int
walk_url(void *ctx, const struct article *art)
{
	struct walk *w = ctx;
	struct arena a;
	int64_t	     t = feed_article_mtime(art);

	if (t > w->newest)
		w->newest = t;
	arena_init(&a);
	if (w->mtimes) {
		size_t c = (w->first + w->seen) / w->per;

		if (c < w->nchild && t > w->mtimes[c])
			w->mtimes[c] = t;
	} else if (w->news) {
		buf_puts(w->out, "<url><loc>");
		xml_text(w->out,
		    site_abs_url(w->site, &a, article_path(w->site, &a, art)));
		buf_puts(w->out,
		    "</loc><news:news><news:publication>"
		    "<news:name>");
		xml_text(w->out, w->site->title);
		buf_puts(w->out, "</news:name><news:language>");
		xml_text(w->out, w->lang);
		buf_puts(w->out,
		    "</news:language></news:publication>"
		    "<news:publication_date>");
		time_format_rfc3339(w->out, art->published_at);
		buf_puts(w->out, "</news:publication_date><news:title>");
		xml_text(w->out, art->title);
		buf_puts(w->out, "</news:title></news:news></url>\n");
	} else
		url_entry(w->out,
		    site_abs_url(w->site, &a, article_path(w->site, &a, art)),
		    t);
	arena_free(&a);
	w->seen++;
	return 0;
}

static void
finish(struct http_req *req, struct http_resp *resp, const struct site *s,
    int64_t newest)
{
	resp->content_type = "application/xml";
	http_resp_header(resp, "Cache-Control", "public, max-age=300");
	if (resp->status == 200)
		page_cache_list(req, resp, s, NULL);
	http_resp_conditional(req, resp,
	    http_etag_of(req->arena, buf_str(&resp->body), resp->body.len),
	    newest);
}

static const char urlset_open[] =
    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n";

/* Entries [first, first + count) of the site's URL list (extras, then
 * articles newest first) as a urlset. */
static bool
urlset(const struct site *s, struct store *st, struct http_req *req,
    struct http_resp *resp, const struct extras *x, size_t first, size_t count,
    int64_t now)
{
	struct walk w = { s, &resp->body, 0, 0, 0, NULL, 0, 0, false, NULL };
	size_t	    i, end = first + count, skip;

	buf_puts(&resp->body, urlset_open);
	for (i = first; i < x->n && i < end; i++)
		url_entry(&resp->body, site_abs_url(s, req->arena, x->paths[i]),
		    0);
	skip = first > x->n ? first - x->n : 0;
	if (end > x->n &&
	    store_article_each_public(st, now, 0, skip, end - x->n - skip,
		walk_url, &w) != STORE_OK)
		return false;
	buf_puts(&resp->body, "</urlset>\n");
	finish(req, resp, s, w.newest);
	return true;
}

void
sitemap_index(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site *s = ctx;
	struct store	  *st = site_store(s);
	struct arena	  *a = req->arena;
	int64_t		   now = (int64_t)time(NULL), total = 0;
	size_t		   per = urls_max(), nchild, i;
	struct extras	   x;
	struct walk w = { s, &resp->body, per, 0, 0, NULL, 0, 0, false, NULL };

	if (st == NULL || !extras_load(s, st, a, now, &x) ||
	    store_article_count(st, true, now, &total) != STORE_OK) {
		page_store_failed(resp, st);
		return;
	}
	if ((size_t)total + x.n <= per) {
		if (!urlset(s, st, req, resp, &x, 0, per, now))
			page_store_failed(resp, st);
		return;
	}
	/* An index: each child's lastmod is the newest change among its
	 * articles, found by one walk over all of them. */
	nchild = ((size_t)total + x.n + per - 1) / per;
	w.nchild = nchild;
	w.first = x.n;
	w.mtimes = arena_alloc(a, nchild * sizeof(*w.mtimes));
	if (store_article_each_public(st, now, 0, 0, (size_t)total, walk_url,
		&w) != STORE_OK) {
		page_store_failed(resp, st);
		return;
	}
	buf_puts(&resp->body,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<sitemapindex xmlns=\"http://www.sitemaps.org/schemas/"
	    "sitemap/0.9\">\n");
	for (i = 0; i < nchild; i++) {
		buf_puts(&resp->body, "<sitemap><loc>");
		xml_text(&resp->body,
		    site_abs_url(s, a,
			arena_printf(a, "/sitemaps/%zu.xml", i + 1)));
		buf_puts(&resp->body, "</loc>");
		if (w.mtimes[i] > 0) {
			buf_puts(&resp->body, "<lastmod>");
			time_format_rfc3339(&resp->body, w.mtimes[i]);
			buf_puts(&resp->body, "</lastmod>");
		}
		buf_puts(&resp->body, "</sitemap>\n");
	}
	buf_puts(&resp->body, "</sitemapindex>\n");
	finish(req, resp, s, w.newest);
}

enum store_err
sitemap_parts(const struct site *s, struct store *st, int64_t now, size_t *n)
{
	struct arena   a;
	struct extras  x;
	int64_t	       total = 0;
	size_t	       per = urls_max();
	enum store_err e = STORE_ERROR;

	arena_init(&a);
	*n = 0;
	if (!extras_load(s, st, &a, now, &x) ||
	    (e = store_article_count(st, true, now, &total)) != STORE_OK)
		goto out;
	if ((size_t)total + x.n > per)
		*n = ((size_t)total + x.n + per - 1) / per;
	e = STORE_OK;
out:
	arena_free(&a);
	return e;
}

/* /sitemaps/:n (the route captures "N.xml"). */
void
sitemap_part(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site *s = ctx;
	struct store	  *st = site_store(s);
	int64_t		   now = (int64_t)time(NULL), total = 0, n;
	size_t		   per = urls_max();
	struct extras	   x;
	const char	  *p = req->params[0].p;
	size_t		   len = req->params[0].n;

	if (len < 5 || len > 10 || strncmp(p + len - 4, ".xml", 4) != 0 ||
	    !parse_int(p, len - 4, 1, 1000000, &n)) {
		page_not_found(req, resp, ctx);
		return;
	}
	if (st == NULL || !extras_load(s, st, req->arena, now, &x) ||
	    store_article_count(st, true, now, &total) != STORE_OK) {
		page_store_failed(resp, st);
		return;
	}
	if ((size_t)total + x.n <= per ||
	    (size_t)(n - 1) * per >= (size_t)total + x.n) {
		page_not_found(req, resp, ctx);
		return;
	}
	if (!urlset(s, st, req, resp, &x, (size_t)(n - 1) * per, per, now))
		page_store_failed(resp, st);
}

void
sitemap_news(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site *s = ctx;
	struct store	  *st = site_store(s);
	int64_t		   now = (int64_t)time(NULL);
	struct walk
	    w = { s, &resp->body, 0, 0, 0, NULL, 0, 0, true, s->language };

	if (st == NULL) {
		page_store_failed(resp, st);
		return;
	}
	buf_puts(&resp->body,
	    "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
	    "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\" "
	    "xmlns:news=\"http://www.google.com/schemas/sitemap-news/0.9\">\n");
	if (store_article_each_public(st, now, now - NEWS_WINDOW, 0,
		NEWS_URLS_MAX, walk_url, &w) != STORE_OK) {
		page_store_failed(resp, st);
		return;
	}
	buf_puts(&resp->body, "</urlset>\n");
	finish(req, resp, s, w.newest);
}

/* page-reader.c: the pages readers see: front page, articles, listings. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "render/esc.h"
#include "site/comments.h"
#include "site/feed.h"
#include "site/page.h"
#include "util/str.h"

#define MAX_PAGE 100000

/* OpenGraph wants ll_TT ("en_GB") where BCP 47 says "en-GB". */
static const char *
og_locale(struct arena *a, const char *lang)
{
	char *l = arena_strdup(a, lang), *p;

	for (p = l; *p; p++)
		if (*p == '-')
			*p = '_';
	return l;
}

static struct tval *
root_new(struct http_req *req, const struct site *s, const char *path)
{
	struct arena *a = req->arena;
	struct tval  *root = tv_map(a), *site = tv_map(a), *page = tv_map(a);

	tv_set(a, root, "site", site);
	tv_set_str(a, site, "title", s->title);
	tv_set_str(a, site, "description", s->description);
	tv_set_str(a, site, "base_url", s->base_url);
	tv_set_str(a, site, "language", s->language);
	tv_set_str(a, site, "locale", og_locale(a, s->language));
	/* The header's search form; a static build has no /search. */
	if (!s->static_build)
		tv_set_str(a, site, "search_url", "/search");
	else if (s->live_url != NULL)
		tv_set_str(a, site, "search_url",
		    arena_printf(a, "%s/search", s->live_url));
	tv_set(a, root, "page", page);
	tv_set_str(a, page, "path", path);
	tv_set_str(a, page, "canonical",
	    arena_printf(a, "%s%s", s->base_url, path));
	tv_set_str(a, page, "description", s->description);
	tv_set_str(a, page, "og_type", "website");
	return root;
}

static void
page_meta(struct http_req *req, struct tval *root, const char *title,
    const char *description)
{
	struct tval *page = tv_get(root, "page");

	tv_set_str(req->arena, page, "title", title);
	if (description && *description)
		tv_set_str(req->arena, page, "description", description);
}

void
page_render(struct http_resp *resp, const struct site *s, const char *name,
    const struct tval *root)
{
	if (!tmpl_render(s->tmpl, name, root, &resp->body) ||
	    buf_err(&resp->body)) {
		buf_free(&resp->body);
		http_resp_text(resp, 500, "the page could not be rendered");
		fprintf(stderr, "gazette: serve: template '%s' failed\n", name);
	}
}

void
page_store_failed(struct http_resp *resp, struct store *st)
{
	fprintf(stderr, "gazette: serve: database: %s\n",
	    st ? store_errmsg(st) : "cannot open");
	http_resp_unavailable(resp,
	    "the database is not available; "
	    "try again shortly");
}

const char *
page_date_iso(struct arena *a, int64_t t)
{
	char *s = arena_alloc(a, TIME_RFC3339_MAX);

	time_rfc3339(s, t);
	return s;
}

const char *
page_date_human(const struct site *s, struct arena *a, int64_t t)
{
	char	 *out = arena_alloc(a, TIME_HUMAN_MAX);
	struct tm tm;

	site_time(s, t, &tm);
	time_human_tm(out, &tm);
	return out;
}

const char *
page_url_seg(struct arena *a, const char *prefix, const char *s)
{
	struct buf  b = BUF_INIT;
	const char *out;

	buf_puts(&b, prefix);
	esc_url_arg(&b, s, strlen(s));
	out = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return out;
}

const char *
page_author_path(struct arena *a, const char *byline)
{
	struct buf  b = BUF_INIT;
	const char *out = NULL;

	buf_puts(&b, "/authors/");
	byline_slug(&b, byline, strlen(byline));
	if (b.len > strlen("/authors/"))
		out = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return out;
}

bool
page_author_find(struct http_req *req, struct http_resp *resp,
    const struct site *s, const char **slug, const char **name)
{
	struct article_filter f = { 0 };
	struct article_list   l;
	struct store	     *st = site_store(s);
	struct buf	      b = BUF_INIT;
	const char	     *given, *rest;
	size_t		      len;
	bool		      ok = false;

	given = url_decode_segment(req->arena, req->params[0].p,
	    req->params[0].n, &len);
	if (given == NULL || len == 0 || len > 200 ||
	    text_check(given, len, false) != NULL) {
		page_not_found(req, resp, (void *)s);
		goto out;
	}
	byline_slug(&b, given, len);
	if (b.len == 0) {
		page_not_found(req, resp, (void *)s);
		goto out;
	}
	if (st == NULL) {
		page_store_failed(resp, st);
		goto out;
	}
	/* Only an author with public articles has pages, under any name
	 * that leads to the slug. */
	f.public = true;
	f.now = (int64_t)time(NULL);
	f.author_slug = arena_strndup(req->arena, buf_str(&b), b.len);
	f.limit = 1;
	if (store_article_list(st, req->arena, &f, &l) != STORE_OK) {
		page_store_failed(resp, st);
		goto out;
	}
	if (l.n == 0) {
		page_not_found(req, resp, (void *)s);
		goto out;
	}
	if (strcmp(f.author_slug, given) != 0) {
		/* The byline where the slug goes: an author's URL as it was
		 * before slugs, or a near miss ("J-Smith"). */
		rest = req->params[0].p + req->params[0].n;
		http_resp_redirect(resp, 301,
		    arena_printf(req->arena, "/authors/%s%s", f.author_slug,
			rest));
		goto out;
	}
	*slug = f.author_slug;
	*name = l.items[0].author;
	ok = true;
out:
	buf_free(&b);
	return ok;
}

struct tval *
page_article_tval(struct http_req *req, const struct site *s,
    const struct article *art, bool body)
{
	struct arena *a = req->arena;
	struct tval  *m = tv_map(a), *tags = tv_list(a), *t;
	const char   *path = article_path(s, a, art), *apath;
	size_t	      i;

	tv_set_int(a, m, "id", art->id);
	tv_set_str(a, m, "title", art->title);
	tv_set_str(a, m, "slug", art->slug);
	tv_set_str(a, m, "url", path);
	tv_set_str(a, m, "abs_url", arena_printf(a, "%s%s", s->base_url, path));
	tv_set_str(a, m, "summary", art->summary);
	if (art->author && *art->author) {
		tv_set_str(a, m, "author", art->author);
		if ((apath = page_author_path(a, art->author)) != NULL)
			tv_set_str(a, m, "author_url", apath);
	}
	tv_set_str(a, m, "date_iso", page_date_iso(a, art->published_at));
	tv_set_str(a, m, "date_human",
	    page_date_human(s, a, art->published_at));
	tv_set_str(a, m, "updated_iso", page_date_iso(a, art->updated_at));
	tv_set_int(a, m, "comment_count", art->comment_count);
	for (i = 0; i < art->ntags; i++) {
		t = tv_map(a);
		tv_set_str(a, t, "name", art->tags[i].name);
		tv_set_str(a, t, "url",
		    page_url_seg(a, "/tags/", art->tags[i].slug));
		tv_push(a, tags, t);
	}
	tv_set(a, m, "tags", tags);
	if (body)
		tv_set(a, m, "body",
		    tv_raw(a, art->body_html, strlen(art->body_html)));
	return m;
}

/* "N" of a /page/N route parameter; 0 when it is not a page number. */
static int64_t
page_param(const struct http_req *req, size_t i)
{
	int64_t n;

	if (i >= req->nparams || req->params[i].n > 6 ||
	    !parse_int(req->params[i].p, req->params[i].n, 1, MAX_PAGE, &n))
		return 0;
	return n;
}

/* Renders one page of a listing. base is the listing's first page
 * ("/", "/tags/china", "/2022/"); later pages are base + "page/N". */
static void
listing(struct http_req *req, struct http_resp *resp, const struct site *s,
    struct article_filter *f, int64_t pageno, const char *base,
    const char *heading, const char *title, const char *description)
{
	struct arena	   *a = req->arena;
	struct store	   *st = site_store(s);
	struct article_list l;
	struct tval	   *root, *items;
	const char	   *sep, *path;
	enum store_err	    e;
	size_t		    i;

	if (st == NULL) {
		page_store_failed(resp, st);
		return;
	}
	sep = base[strlen(base) - 1] == '/' ? "" : "/";
	if (pageno == 1 && req->nparams > 0 &&
	    strstr(req->path, "/page/") != NULL) {
		http_resp_redirect(resp, 301, base);
		return;
	}
	f->public = true;
	f->now = (int64_t)time(NULL);
	f->limit = SITE_PER_PAGE;
	f->offset = (size_t)(pageno - 1) * SITE_PER_PAGE;
	if ((e = store_article_list(st, a, f, &l)) != STORE_OK) {
		page_store_failed(resp, st);
		return;
	}
	if (l.n == 0 && pageno > 1) {
		page_not_found(req, resp, (void *)s);
		return;
	}
	path = pageno == 1 ?
	    base :
	    arena_printf(a, "%s%spage/%lld", base, sep, (long long)pageno);
	root = root_new(req, s, path);
	if (pageno > 1)
		title = arena_printf(a, "%s (page %lld)", title,
		    (long long)pageno);
	page_meta(req, root, title, description);
	tv_set_str(a, root, "heading", heading);
	if (f->tag_slug || f->author_slug) {
		/* A tag's or author's own feeds, next to the site's. */
		tv_set_str(a, tv_get(root, "page"), "feed_base",
		    arena_printf(a, "%s/", base));
		tv_set_str(a, tv_get(root, "page"), "feed_title", heading);
	}
	items = tv_list(a);
	for (i = 0; i < l.n; i++)
		tv_push(a, items,
		    page_article_tval(req, s, &l.items[i], false));
	tv_set(a, root, "articles", items);
	if (pageno == 2)
		tv_set_str(a, root, "newer_url", base);
	else if (pageno > 2)
		tv_set_str(a, root, "newer_url",
		    arena_printf(a, "%s%spage/%lld", base, sep,
			(long long)pageno - 1));
	if (l.more)
		tv_set_str(a, root, "older_url",
		    arena_printf(a, "%s%spage/%lld", base, sep,
			(long long)pageno + 1));
	page_render(resp, s, "list.html", root);
	if (resp->status == 200)
		page_cache_list(req, resp, s, NULL);
}

void
page_cache_list(struct http_req *req, struct http_resp *resp,
    const struct site *s, const char *key)
{
	struct store *st = site_store(s);
	int64_t	      when = 0;

	(void)req;
	if (st == NULL ||
	    store_article_next_public(st, (int64_t)time(NULL), &when) !=
		STORE_OK)
		return; /* not known: not cached */
	http_resp_cache(resp, "list");
	if (key)
		http_resp_cache(resp, key);
	resp->expires = when;
}

void
page_home(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site    *s = ctx;
	struct article_filter f = { 0 };
	int64_t		      n = req->nparams ? page_param(req, 0) : 1;

	if (req->nparams == 0 && page_redirect_query(req, resp, s))
		return;
	if (n == 0) {
		page_not_found(req, resp, ctx);
		return;
	}
	listing(req, resp, s, &f, n, "/", "Latest news",
	    n == 1 ? s->title : arena_printf(req->arena, "%s", s->title),
	    s->description);
}

bool
page_tag_find(struct http_req *req, struct http_resp *resp,
    const struct site *s, const char **slug, struct tag *t)
{
	struct store  *st = site_store(s);
	enum store_err e;

	if (st == NULL) {
		page_store_failed(resp, st);
		return false;
	}
	*slug = arena_strndup(req->arena, req->params[0].p, req->params[0].n);
	if (!slug_valid(*slug, strlen(*slug)) ||
	    (e = store_tag_by_slug(st, req->arena, *slug, (int64_t)time(NULL),
		 t)) == STORE_NOTFOUND) {
		page_not_found(req, resp, (void *)s);
		return false;
	}
	if (e != STORE_OK) {
		page_store_failed(resp, st);
		return false;
	}
	return true;
}

void
page_tag(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site    *s = ctx;
	struct article_filter f = { 0 };
	struct tag	      t;
	const char	     *slug;
	int64_t		      n = req->nparams > 1 ? page_param(req, 1) : 1;

	if (n == 0) {
		page_not_found(req, resp, ctx);
		return;
	}
	if (!page_tag_find(req, resp, s, &slug, &t))
		return;
	f.tag_slug = slug;
	listing(req, resp, s, &f, n, arena_printf(req->arena, "/tags/%s", slug),
	    t.name, arena_printf(req->arena, "%s — %s", t.name, s->title),
	    arena_printf(req->arena, "Articles tagged %s.", t.name));
}

void
page_tags(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site *s = ctx;
	struct store	  *st = site_store(s);
	struct arena	  *a = req->arena;
	struct tval	  *root, *list, *m;
	struct tag	  *tags;
	size_t		   n, i;

	if (st == NULL ||
	    store_tag_list(st, a, (int64_t)time(NULL), &tags, &n) != STORE_OK) {
		page_store_failed(resp, st);
		return;
	}
	root = root_new(req, s, "/tags");
	page_meta(req, root, arena_printf(a, "Tags — %s", s->title),
	    "Every tag on the site, with its number of articles.");
	list = tv_list(a);
	for (i = 0; i < n; i++) {
		m = tv_map(a);
		tv_set_str(a, m, "name", tags[i].name);
		tv_set_str(a, m, "url",
		    page_url_seg(a, "/tags/", tags[i].slug));
		tv_set_int(a, m, "count", tags[i].count);
		tv_push(a, list, m);
	}
	tv_set(a, root, "tags", list);
	page_render(resp, s, "tags.html", root);
	if (resp->status == 200)
		page_cache_list(req, resp, s, NULL);
}

void
page_author(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site    *s = ctx;
	struct article_filter f = { 0 };
	const char	     *slug, *name;
	int64_t		      n = req->nparams > 1 ? page_param(req, 1) : 1;

	if (n == 0) {
		page_not_found(req, resp, ctx);
		return;
	}
	if (!page_author_find(req, resp, s, &slug, &name))
		return;
	f.author_slug = slug;
	listing(req, resp, s, &f, n,
	    arena_printf(req->arena, "/authors/%s", slug), name,
	    arena_printf(req->arena, "%s — %s", name, s->title),
	    arena_printf(req->arena, "Articles by %s.", name));
}

static const char *const month_names[] = { "January", "February", "March",
	"April", "May", "June", "July", "August", "September", "October",
	"November", "December" };

/* Unix time of the first second of year/month (month 0: the year) in the
 * site's zone. */
static int64_t
zone_start(const struct site *s, int year, int month)
{
	struct tm tm = { 0 };
	char	  buf[32];
	int64_t	  t;

	if (s->tz_utc) {
		snprintf(buf, sizeof(buf), "%04d-%02d-01", year,
		    month ? month : 1);
		return time_parse_rfc3339(buf, strlen(buf), &t) ? t : 0;
	}
	tm.tm_year = year - 1900;
	tm.tm_mon = month ? month - 1 : 0;
	tm.tm_mday = 1;
	tm.tm_isdst = -1;
	return (int64_t)mktime(&tm);
}

void
page_archive(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site    *s = ctx;
	struct article_filter f = { 0 };
	struct arena	     *a = req->arena;
	int64_t		      year, month = 0, n = 1;
	const char	     *base, *heading;
	bool		      paged;

	if (req->params[0].n != 4 ||
	    !parse_int(req->params[0].p, 4, 1970, 9999, &year)) {
		page_not_found(req, resp, ctx);
		return;
	}
	/* /:year/page/:n and /:year/:month/ both have two parameters:
	 * only the path tells them apart (a month "page" is no month). */
	paged = strstr(req->path, "/page/") != NULL;
	if (req->nparams > (paged ? 2u : 1u) &&
	    !(req->params[1].n == 2 &&
		parse_int(req->params[1].p, 2, 1, 12, &month))) {
		page_not_found(req, resp, ctx);
		return;
	}
	if (paged) {
		n = page_param(req, req->nparams - 1);
		if (n == 0) {
			page_not_found(req, resp, ctx);
			return;
		}
	}
	f.from = zone_start(s, (int)year, (int)month);
	f.to = month == 0 ?
	    zone_start(s, (int)year + 1, 0) :
	    month == 12 ?
	    zone_start(s, (int)year + 1, 1) :
	    zone_start(s, (int)year, (int)month + 1);
	if (month) {
		base = arena_printf(a, "/%04d/%02d/", (int)year, (int)month);
		heading = arena_printf(a, "%s %04d", month_names[month - 1],
		    (int)year);
	} else {
		base = arena_printf(a, "/%04d/", (int)year);
		heading = arena_printf(a, "%04d", (int)year);
	}
	listing(req, resp, s, &f, n, base, heading,
	    arena_printf(a, "%s — %s", heading, s->title),
	    arena_printf(a, "Articles from %s.", heading));
}

int
page_article_lookup(struct http_req *req, const struct site *s,
    struct article *art, const char **path)
{
	struct store  *st = site_store(s);
	struct arena  *a = req->arena;
	const char    *slug;
	int64_t	       now = (int64_t)time(NULL), y, mo;
	enum store_err e;

	if (st == NULL)
		return 503;
	slug = arena_strndup(a, req->params[2].p, req->params[2].n);
	if (req->params[0].n != 4 || req->params[1].n != 2 ||
	    !parse_int(req->params[0].p, 4, 1970, 9999, &y) ||
	    !parse_int(req->params[1].p, 2, 1, 12, &mo) ||
	    !slug_valid(slug, strlen(slug)))
		return 404;
	e = store_article_by_slug(st, a, slug, art);
	if (e == STORE_NOTFOUND ||
	    (e == STORE_OK && !article_is_public(art, now)))
		return 404;
	if (e != STORE_OK)
		return 503;
	*path = article_path(s, a, art);
	/* The date in the URL is not the article's (its publish time was
	 * changed): the caller sends readers to where it lives now. */
	if (strncmp(req->path, *path, 8) != 0)
		return 301;
	return 0;
}

void
page_article_show(struct http_req *req, struct http_resp *resp,
    const struct site *s, const struct article *art, const char *path,
    const struct comment_form *form)
{
	struct arena *a = req->arena;
	struct tval  *root, *m;
	int64_t	      now = (int64_t)time(NULL);
	bool	      has_form;

	root = root_new(req, s, path);
	m = page_article_tval(req, s, art, true);
	tv_set(a, root, "article", m);
	page_meta(req, root, arena_printf(a, "%s — %s", art->title, s->title),
	    art->summary);
	tv_set_str(a, tv_get(root, "page"), "og_type", "article");
	if (!comment_page_data(req, resp, s, art, path, root, form)) {
		page_store_failed(resp, site_store(s));
		return;
	}
	page_render(resp, s, "article.html", root);
	if (resp->status != 200 || form != NULL)
		return;
	/* The same bytes for every visitor (the form's token is in the
	 * cookie): cacheable, ?reply and ?held included (route parameters). */
	has_form = s->comments != NULL &&
	    !comment_closed(s->close_days, art, now);
	http_resp_cache(resp,
	    arena_printf(a, "article:%lld", (long long)art->id));
	http_resp_cache(resp,
	    arena_printf(a, "comments:%lld", (long long)art->id));
	/* The form goes away when comments close with age. */
	if (has_form && s->close_days > 0)
		resp->expires = art->published_at + s->close_days * 86400;
}

void
page_article(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site *s = ctx;
	struct article	   art;
	const char	  *path = NULL;

	/* The article, its tags and its comments from one snapshot. */
	store_read_begin(site_store(s));
	switch (page_article_lookup(req, s, &art, &path)) {
	case 0:
		page_article_show(req, resp, s, &art, path, NULL);
		break;
	case 301:
		http_resp_redirect(resp, 301, path);
		break;
	case 404:
		page_not_found(req, resp, ctx);
		break;
	default:
		page_store_failed(resp, site_store(s));
		break;
	}
	store_read_end(site_store(s));
}

void
page_not_found(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site *s = ctx;
	struct tval	  *root;

	if (page_redirect_old(req, resp, s, req->path))
		return;
	root = root_new(req, s, "/404");

	page_meta(req, root,
	    arena_printf(req->arena, "Page not found — %s", s->title),
	    "There is no page at this address.");
	buf_reset(&resp->body);
	page_render(resp, s, "404.html", root);
	if (resp->status == 200)
		resp->status = 404;
}

/*
 * An error the HTTP layer answers itself (a malformed request, 405, 413,
 * 414, 431, 501, 505...; http_server_opts.error), for the path asked:
 * under the API a problem document like every other API error, elsewhere
 * a short page of its own, not the theme's (the request may be too
 * broken to render a page for).
 */
void
page_error(struct http_req *req, struct http_resp *resp, int status,
    const char *msg, void *ctx)
{
	const struct site *s = ctx;
	const char	  *title = http_status_text(status);
	struct buf	  *b = &resp->body;

	(void)req;
	resp->status = status;
	resp->content_type = "text/html; charset=utf-8";
	http_resp_header(resp, "Cache-Control", "no-store");
	buf_reset(b);
	buf_puts(b, "<!doctype html>\n<html lang=\"");
	esc_attr(b, s->language, strlen(s->language));
	buf_printf(b,
	    "\">\n<head>\n<meta charset=\"utf-8\">\n"
	    "<title>%d ",
	    status);
	esc_html(b, title, strlen(title));
	buf_printf(b, "</title>\n</head>\n<body>\n<h1>%d ", status);
	esc_html(b, title, strlen(title));
	buf_puts(b, "</h1>\n<p>");
	esc_html(b, msg, strlen(msg));
	buf_puts(b,
	    "</p>\n<p><a href=\"/\">Go to the front page</a></p>\n"
	    "</body>\n</html>\n");
}

void
page_bad_query(struct http_req *req, struct http_resp *resp, void *ctx,
    const char *param, const char *msg)
{
	const struct site *s = ctx;
	struct tval	  *root;

	(void)param; /* the page names the problem; the API names the field */
	root = root_new(req, s, "/400");
	page_meta(req, root,
	    arena_printf(req->arena, "Bad request — %s", s->title), msg);
	tv_set_bool(req->arena, tv_get(root, "page"), "noindex", true);
	tv_set_str(req->arena, root, "error", msg);
	buf_reset(&resp->body);
	page_render(resp, s, "400.html", root);
	if (resp->status == 200)
		resp->status = 400;
}

void
page_static(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site *s = ctx;
	size_t		   i;

	for (i = 0; i < s->nstatics; i++)
		if (strcmp(s->statics[i].path, req->path) == 0) {
			resp->content_type = s->statics[i].type;
			resp->shared = s->statics[i].body;
			http_shared_ref(resp->shared);
			http_resp_cache(resp, NULL);
			return;
		}
	page_not_found(req, resp, ctx);
}

void
page_healthz(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)req;
	(void)ctx;
	resp->content_type = "text/plain; charset=utf-8";
	http_resp_header(resp, "Cache-Control", "no-store");
	buf_puts(&resp->body, "ok\n");
}

void
page_robots(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site *s = ctx;

	resp->content_type = "text/plain; charset=utf-8";
	buf_printf(&resp->body,
	    "User-agent: *\nDisallow: /admin/\n"
	    "Disallow: /search\nDisallow: /api/\n\n");
	/* Crawlers need absolute sitemap URLs (sitemaps.org). */
	buf_printf(&resp->body, "Sitemap: %s\nSitemap: %s\n",
	    site_abs_url(s, req->arena, "/sitemap.xml"),
	    site_abs_url(s, req->arena, "/sitemap-news.xml"));
	http_resp_cache(resp, NULL);
}

void
page_decorate(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)req;
	(void)ctx;
	http_resp_header(resp, "X-Content-Type-Options", "nosniff");
	http_resp_header(resp, "Referrer-Policy",
	    "strict-origin-when-cross-origin");
	if (resp->content_type == NULL ||
	    strncmp(resp->content_type, "text/html", 9) == 0) {
		http_resp_header(resp, "Content-Security-Policy",
		    "default-src 'self'; script-src 'self'; "
		    "style-src 'self'; img-src 'self' https: data:; "
		    "object-src 'none'; base-uri 'self'; "
		    "form-action 'self'; frame-ancestors 'none'");
		http_resp_header(resp, "X-Frame-Options", "DENY");
	}
}

struct tval *
page_root(struct http_req *req, const struct site *s, const char *path,
    const char *title, const char *description)
{
	struct tval *root = root_new(req, s, path);

	page_meta(req, root, title, description);
	return root;
}

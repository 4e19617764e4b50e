/* feed.c: Atom 1.0, RSS 2.0 and JSON Feed 1.1 for the site, tags, authors.
 *
 * Atom and RSS come from the theme's feed.atom.xml and feed.rss.xml (XML
 * templates: every value passes esc_xml); JSON Feed is built with jansson,
 * which escapes every string it writes. All three are filled from one
 * context built here, so the three formats always carry the same entries. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "render/esc.h"
#include "render/json.h"
#include "site/feed.h"
#include "site/page.h"
#include "util/str.h"

#define FEED_ENTRIES 20

static const struct {
	const char *suffix; /* of the URL path */
	const char *type;   /* Content-Type */
	const char *tmpl;   /* NULL: built in C */
} fmts[FEED__MAX] = {
	[FEED_ATOM] = { "feed.atom", "application/atom+xml", "feed.atom.xml" },
	[FEED_RSS] = { "feed.rss", "application/rss+xml", "feed.rss.xml" },
	[FEED_JSON] = { "feed.json", "application/feed+json", NULL },
};

/* The host of the base URL, lower-case, without port or user info. */
static const char *
base_host(const struct site *s, struct arena *a)
{
	const char *p = strstr(s->base_url, "://"), *e;
	char	   *h;
	size_t	    i;

	if (p == NULL)
		return "localhost";
	p += 3;
	if ((e = strchr(p, '@')) != NULL && e < p + strcspn(p, "/"))
		p = e + 1;
	if (*p == '[')
		e = strchr(p, ']') ? strchr(p, ']') + 1 : p + strlen(p);
	else
		e = p + strcspn(p, ":/?#");
	if (e == p)
		return "localhost";
	h = arena_strndup(a, p, (size_t)(e - p));
	for (i = 0; h[i]; i++)
		h[i] = (char)tolower((unsigned char)h[i]);
	return h;
}

const char *
feed_entry_id(const struct site *s, struct arena *a, const struct article *art)
{
	struct tm tm;

	time_utc(art->created_at ? art->created_at : art->published_at, &tm);
	return arena_printf(a, "tag:%s,%04d-%02d-%02d:/articles/%lld",
	    base_host(s, a), tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
	    (long long)art->id);
}

int64_t
feed_article_mtime(const struct article *art)
{
	return art->updated_at > art->published_at ?
	    art->updated_at :
	    art->published_at;
}

static const char *
date_rfc822(struct arena *a, int64_t t)
{
	struct buf  b = BUF_INIT;
	const char *s;

	time_format_http(&b, t);
	s = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return s;
}

/* What a feed is about: its title and where its HTML page is. */
struct feed_desc {
	const char *title;
	const char *subtitle;
	const char *html_path; /* "/tags/china" */
	const char *feed_path; /* "/tags/china/" (format appended) */
};

const char *
feed_suffix(enum feed_fmt f)
{
	return (unsigned)f < FEED__MAX ?
	    fmts[f].suffix :
	    fmts[FEED_ATOM].suffix;
}

static enum feed_fmt
fmt_of(const char *path)
{
	size_t n = strlen(path), k;
	int    i;

	for (i = 0; i < FEED__MAX; i++) {
		k = strlen(fmts[i].suffix);
		if (n >= k && strcmp(path + n - k, fmts[i].suffix) == 0)
			return (enum feed_fmt)i;
	}
	return FEED_ATOM;
}

static struct tval *
entry_tval(struct http_req *req, const struct site *s,
    const struct article *art)
{
	struct arena *a = req->arena;
	struct tval  *m = tv_map(a), *tags = tv_list(a), *t;
	size_t	      i;

	tv_set_str(a, m, "id", feed_entry_id(s, a, art));
	tv_set_str(a, m, "title", art->title);
	tv_set_str(a, m, "url", site_abs_url(s, a, article_path(s, a, art)));
	tv_set_str(a, m, "summary", art->summary);
	if (art->author && *art->author)
		tv_set_str(a, m, "author", art->author);
	tv_set_str(a, m, "published", page_date_iso(a, art->published_at));
	tv_set_str(a, m, "updated", page_date_iso(a, feed_article_mtime(art)));
	tv_set_str(a, m, "pubdate", date_rfc822(a, art->published_at));
	/* Escaped as text by the XML templates: feeds carry HTML content as
	 * escaped markup (Atom type="html", RSS content:encoded). */
	tv_set_str(a, m, "body_html", art->body_html);
	tv_set_int(a, m, "comment_count", art->comment_count);
	for (i = 0; i < art->ntags; i++) {
		t = tv_map(a);
		tv_set_str(a, t, "name", art->tags[i].name);
		tv_set_str(a, t, "url",
		    site_abs_url(s, a,
			page_url_seg(a, "/tags/", art->tags[i].slug)));
		tv_push(a, tags, t);
	}
	tv_set(a, m, "tags", tags);
	return m;
}

/* A member with a string value, left out when v is empty (JSON Feed has
 * no empty strings). */
static void
jf_str(struct buf *b, bool *first, const char *k, const char *v)
{
	if (v == NULL || *v == '\0')
		return;
	jw_key(b, first, k);
	jw_str(b, v);
}

static void
jf_author(struct buf *b, bool *first, const char *name)
{
	bool f = true;

	jw_key(b, first, "authors");
	buf_puts(b, "[{");
	jf_str(b, &f, "name", name);
	buf_puts(b, "}]");
}

/* JSON Feed 1.1 (https://jsonfeed.org/version/1.1), through the one JSON
 * writer. Stored text is UTF-8 (checked on the way in), so every string
 * goes out whole. */
static bool
json_feed(struct http_req *req, const struct site *s, const struct feed_desc *d,
    const struct article_list *l, struct buf *out)
{
	struct arena	     *a = req->arena;
	const struct article *art;
	bool		      first = true, f;
	size_t		      i, k;

	buf_putc(out, '{');
	jf_str(out, &first, "version", "https://jsonfeed.org/version/1.1");
	jf_str(out, &first, "title", d->title);
	jf_str(out, &first, "description", d->subtitle);
	jf_str(out, &first, "home_page_url", site_abs_url(s, a, d->html_path));
	jf_str(out, &first, "feed_url",
	    site_abs_url(s, a, arena_printf(a, "%sfeed.json", d->feed_path)));
	jf_str(out, &first, "language", s->language);
	jf_author(out, &first, s->title);
	jw_key(out, &first, "items");
	buf_putc(out, '[');
	for (i = 0; i < l->n; i++) {
		art = &l->items[i];
		f = true;
		buf_puts(out, i ? ",\n{" : "\n{");
		jf_str(out, &f, "id", feed_entry_id(s, a, art));
		jf_str(out, &f, "url",
		    site_abs_url(s, a, article_path(s, a, art)));
		jf_str(out, &f, "title", art->title);
		jf_str(out, &f, "summary", art->summary);
		jw_key(out, &f, "content_html");
		jw_str(out, art->body_html ? art->body_html : "");
		jf_str(out, &f, "date_published",
		    page_date_iso(a, art->published_at));
		jf_str(out, &f, "date_modified",
		    page_date_iso(a, feed_article_mtime(art)));
		if (art->author && *art->author)
			jf_author(out, &f, art->author);
		if (art->ntags) {
			jw_key(out, &f, "tags");
			buf_putc(out, '[');
			for (k = 0; k < art->ntags; k++) {
				if (k)
					buf_putc(out, ',');
				jw_str(out, art->tags[k].name);
			}
			buf_putc(out, ']');
		}
		buf_putc(out, '}');
	}
	buf_puts(out, "]}\n");
	return !buf_err(out);
}

static void
feed_render(struct http_req *req, struct http_resp *resp, const struct site *s,
    struct article_filter *f, const struct feed_desc *d, bool empty_is_404)
{
	struct arena	   *a = req->arena;
	struct store	   *st = site_store(s);
	enum feed_fmt	    fmt = fmt_of(req->path);
	struct tval	   *root, *feed, *site, *entries;
	struct article_list l;
	int64_t		    newest = 0, t;
	size_t		    i;

	if (st == NULL) {
		page_store_failed(resp, st);
		return;
	}
	f->public = true;
	f->now = (int64_t)time(NULL);
	f->limit = FEED_ENTRIES;
	f->with_body = true;
	if (store_article_list(st, a, f, &l) != STORE_OK) {
		page_store_failed(resp, st);
		return;
	}
	if (l.n == 0 && empty_is_404) {
		page_not_found(req, resp, (void *)s);
		return;
	}
	for (i = 0; i < l.n; i++)
		if ((t = feed_article_mtime(&l.items[i])) > newest)
			newest = t;
	if (fmt == FEED_JSON) {
		if (!json_feed(req, s, d, &l, &resp->body)) {
			http_resp_text(resp, 500,
			    "the feed could not be built");
			return;
		}
	} else {
		root = tv_map(a);
		site = tv_map(a);
		feed = tv_map(a);
		tv_set(a, root, "site", site);
		tv_set_str(a, site, "title", s->title);
		tv_set_str(a, site, "language", s->language);
		tv_set(a, root, "feed", feed);
		tv_set_str(a, feed, "title", d->title);
		tv_set_str(a, feed, "subtitle", d->subtitle);
		tv_set_str(a, feed, "id",
		    site_abs_url(s, a,
			arena_printf(a, "%s%s", d->feed_path,
			    fmts[fmt].suffix)));
		tv_set_str(a, feed, "self",
		    site_abs_url(s, a,
			arena_printf(a, "%s%s", d->feed_path,
			    fmts[fmt].suffix)));
		tv_set_str(a, feed, "html", site_abs_url(s, a, d->html_path));
		tv_set_str(a, feed, "updated", page_date_iso(a, newest));
		tv_set_str(a, feed, "pubdate", date_rfc822(a, newest));
		entries = tv_list(a);
		for (i = 0; i < l.n; i++)
			tv_push(a, entries, entry_tval(req, s, &l.items[i]));
		tv_set(a, root, "entries", entries);
		page_render(resp, s, fmts[fmt].tmpl, root);
		if (resp->status != 200)
			return;
	}
	resp->content_type = fmts[fmt].type;
	http_resp_header(resp, "Cache-Control", "public, max-age=300");
	/* RSS items carry comment counts. */
	page_cache_list(req, resp, s, fmt == FEED_RSS ? "counts" : NULL);
	http_resp_conditional(req, resp,
	    http_etag_of(a, buf_str(&resp->body), resp->body.len), newest);
}

void
feed_site(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site    *s = ctx;
	struct article_filter f = { 0 };
	struct feed_desc      d = { s->title, s->description, "/", "/" };

	feed_render(req, resp, s, &f, &d, false);
}

void
feed_tag(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site    *s = ctx;
	struct arena	     *a = req->arena;
	struct article_filter f = { 0 };
	struct feed_desc      d;
	struct tag	      t;
	const char	     *slug;

	if (!page_tag_find(req, resp, s, &slug, &t))
		return;
	f.tag_slug = slug;
	d.title = arena_printf(a, "%s — %s", t.name, s->title);
	d.subtitle = arena_printf(a, "Articles tagged %s.", t.name);
	d.html_path = arena_printf(a, "/tags/%s", slug);
	d.feed_path = arena_printf(a, "/tags/%s/", slug);
	feed_render(req, resp, s, &f, &d, false);
}

void
feed_author(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site    *s = ctx;
	struct arena	     *a = req->arena;
	struct article_filter f = { 0 };
	struct feed_desc      d;
	const char	     *slug, *name;

	/* Only an author with articles has a feed, so crawlers cannot mint
	 * endless empty ones; a byline in the URL is sent to its slug's. */
	if (!page_author_find(req, resp, s, &slug, &name))
		return;
	f.author_slug = slug;
	d.title = arena_printf(a, "%s — %s", name, s->title);
	d.subtitle = arena_printf(a, "Articles by %s.", name);
	d.html_path = arena_printf(a, "/authors/%s", slug);
	d.feed_path = arena_printf(a, "%s/", d.html_path);
	feed_render(req, resp, s, &f, &d, true);
}

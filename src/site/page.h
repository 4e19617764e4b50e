/* page.h: the reader's pages: the handlers the routes name, and the
 * pieces pages share (the root context, rendering, dates, URLs, the
 * cache marks of listings). The site they render is site.h's. */
#ifndef GAZETTE_PAGE_H
#define GAZETTE_PAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"
#include "site/site.h"

struct comment_form;

/* Finds the article of an /YYYY/MM/SLUG route: 0 and *path when it is
 * public and at this path; 301 (*path is where it lives), 404, or 503
 * when the database failed. */
int page_article_lookup(struct http_req *, const struct site *,
    struct article *, const char **path);
/* Renders the article page; form (NULL: empty) is a comment form being
 * re-shown with the reader's text and its problems. */
void page_article_show(struct http_req *, struct http_resp *,
    const struct site *, const struct article *, const char *path,
    const struct comment_form *form);
/* Dates as pages show them, into the arena. */
const char *page_date_iso(struct arena *, int64_t t);
const char *page_date_human(const struct site *, struct arena *, int64_t t);

/* Handlers (ctx is the struct site). */
void page_home(struct http_req *, struct http_resp *, void *);
void page_article(struct http_req *, struct http_resp *, void *);
void page_tag(struct http_req *, struct http_resp *, void *);
void page_tags(struct http_req *, struct http_resp *, void *);
void page_author(struct http_req *, struct http_resp *, void *);
void page_archive(struct http_req *, struct http_resp *, void *);
void page_static(struct http_req *, struct http_resp *, void *);
void page_healthz(struct http_req *, struct http_resp *, void *);
void page_robots(struct http_req *, struct http_resp *, void *);
void page_not_found(struct http_req *, struct http_resp *, void *);
/* The themed 400.html for a query the server refused outside the API
 * (routes_bad_query decides which). */
void page_bad_query(struct http_req *, struct http_resp *, void *,
    const char *param, const char *msg);
/* The short HTML page of an error the HTTP layer raises outside the API
 * (routes_error decides which). */
void page_error(struct http_req *, struct http_resp *, int status,
    const char *msg, void *);
/* Prometheus text metrics (page-ops.c). */
void page_metrics(struct http_req *, struct http_resp *, void *);
/* page-search.c: the results page. */
void page_search(struct http_req *, struct http_resp *, void *);
/* Appends a store snippet (SEARCH_MARK_OPEN/CLOSE around matches) as
 * HTML: the text escaped, the marks as balanced <mark> elements. */
void search_snippet_html(struct buf *, const char *s, size_t n);
/* page-redirect.c: answers an imported article's old path with 301 to
 * its URL and returns true; false (nothing sent) when old_path is not
 * one, or its article is not public. _query does it for the WordPress
 * query links /?p=N and /?page_id=N of the front page. */
bool page_redirect_old(struct http_req *, struct http_resp *,
    const struct site *, const char *old_path);
bool page_redirect_query(struct http_req *, struct http_resp *,
    const struct site *);
/* Security headers every response carries. */
void page_decorate(struct http_req *, struct http_resp *, void *);

/* For pages defined outside page-reader.c (search, feeds): the root
 * context every theme page expects (site, page with title, description
 * and canonical URL), an article as templates see it, rendering with a
 * 500 on failure, and the 503 for an unreachable database. */
struct tval *page_root(struct http_req *, const struct site *, const char *path,
    const char *title, const char *description);
struct tval *page_article_tval(struct http_req *, const struct site *,
    const struct article *, bool with_body);
void page_render(struct http_resp *, const struct site *, const char *name,
    const struct tval *root);
void page_store_failed(struct http_resp *, struct store *);
/* prefix + s percent-encoded as one path segment ("/tags/A%20B"). */
const char *page_url_seg(struct arena *, const char *prefix, const char *s);
/* The URL of an author's pages, "/authors/" + byline_slug(byline), the
 * one form the site, its feeds and the static build use; NULL for a
 * byline without one (blanks). */
const char *page_author_path(struct arena *, const char *byline);
/* The author route parameter 0 of an /authors/ URL names: true with
 * *slug and *name (the byline of their newest public article) for the
 * slug of an author with public articles. Else false, answered: for
 * another name of such an author (the byline itself, the form author
 * URLs had before they were slugs) a 301 to the same URL under the slug;
 * a 404 for anyone without public articles; a 503 when the database
 * fails. */
/* The tag route parameter 0 names: true with *slug and *t for a tag
 * with public articles; else false, answered (404, or 503 when the
 * database fails). The tag page and its feeds both ask it. */
bool page_tag_find(struct http_req *, struct http_resp *, const struct site *,
    const char **slug, struct tag *t);
bool page_author_find(struct http_req *, struct http_resp *,
    const struct site *, const char **slug, const char **name);

/* Marks resp a cacheable page that lists articles: it depends on "list"
 * (and on key too, when not NULL: "counts") and expires when the next
 * scheduled article goes public. Only on a 200 about to be sent. */
void page_cache_list(struct http_req *, struct http_resp *, const struct site *,
    const char *key);

#endif

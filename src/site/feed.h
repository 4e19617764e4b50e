/* feed.h: what crawlers and feed readers fetch: Atom, RSS and JSON Feed
 * for the site, a tag and an author; sitemaps; and the shared helpers that
 * make absolute URLs and stable entry ids.
 *
 * Handlers take the struct site as ctx like every reader page. Every
 * feed and sitemap answers conditional requests through
 * http_resp_conditional(): a strong ETag over the body and Last-Modified
 * from the newest change among its entries. */
#ifndef GAZETTE_FEED_H
#define GAZETTE_FEED_H

#include <stdint.h>

#include "http/http.h"
#include "store/store.h"

struct site;

/* The formats every feed comes in, each at its own URL suffix. */
enum feed_fmt {
	FEED_ATOM = 0,
	FEED_RSS,
	FEED_JSON,
	FEED__MAX
};
/* "feed.atom", "feed.rss", "feed.json": what a feed's URL ends in. */
const char *feed_suffix(enum feed_fmt);

/* "tag:HOST,YYYY-MM-DD:/articles/ID": HOST from the base URL (no port),
 * the date from the article's creation, which no edit changes, so
 * neither does the id when a title or publish time does. */
const char *feed_entry_id(const struct site *, struct arena *,
    const struct article *);
/* When a reader's copy of a goes stale: its last edit, or its publish
 * time when it came out (scheduled) after that. */
int64_t feed_article_mtime(const struct article *);

/* /feed.atom|rss|json, /tags/TAG/feed.*, /authors/SLUG/feed.* (the
 * format is the path's suffix). */
void feed_site(struct http_req *, struct http_resp *, void *);
void feed_tag(struct http_req *, struct http_resp *, void *);
void feed_author(struct http_req *, struct http_resp *, void *);

/* /sitemap.xml (a urlset, or an index of child sitemaps when the site has
 * more URLs than one sitemap may hold), /sitemaps/N.xml, and the Google
 * News sitemap /sitemap-news.xml (articles of the last two days). */
void sitemap_index(struct http_req *, struct http_resp *, void *);
void sitemap_part(struct http_req *, struct http_resp *, void *);
void sitemap_news(struct http_req *, struct http_resp *, void *);
/* How many child sitemaps /sitemaps/1.xml … /sitemaps/N.xml the site has
 * as of now (0: /sitemap.xml is the one urlset), for gazette build. */
enum store_err sitemap_parts(const struct site *, struct store *, int64_t now,
    size_t *n);

#endif

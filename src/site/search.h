/* search.h: running a search for a page of results, bounded and cached
 * the one way, for the results page (page-search.c) and the JSON API
 * (api/search.c). */
#ifndef GAZETTE_SITE_SEARCH_H
#define GAZETTE_SITE_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "http/http.h"
#include "search/query.h"
#include "store/store.h"

struct arena;
struct cache;
struct site;

/* At most slots searches at once (serve: one fewer than its threads),
 * each within budget_ms of database time (0: none), their pages kept in
 * cache (the page cache; NULL: none). */
struct search_gate;
#define SEARCH_BUDGET_MS_DEFAULT 1000
struct search_gate *search_gate_new(unsigned slots, int64_t budget_ms,
    struct cache *cache);
void		    search_gate_free(struct search_gate *);

#define SEARCH_PER_PAGE	  20
#define SEARCH_MAX_OFFSET 1000 /* deeper pages are not worth the work */

/* What became of a search (search_run). */
enum search_run_result {
	SEARCH_RUN_OK = 0, /* results in the search_result */
	SEARCH_RUN_CACHED, /* resp holds the page, from the cache */
	SEARCH_RUN_BUSY,   /* every slot taken */
	SEARCH_RUN_SLOW,   /* past the time budget */
	SEARCH_RUN_FAILED, /* the database failed */
	SEARCH_RUN__MAX
};

/* One search's page: its cache key and the cache's epoch before the
 * search ran (cache.h: a page that raced an invalidation is not kept). */
struct search_page {
	const char   *key;
	size_t	      keylen;
	uint64_t      epoch;
	struct cache *cache; /* NULL: not cached */
};

/*
 * Runs q for one page of results (offset, limit) of kind ("page" or
 * "api": their bytes differ), unless that page is in the cache (then
 * SEARCH_RUN_CACHED and resp holds it) or the gate refuses it. pg is set
 * for search_keep. The key starts with a byte no request path starts
 * with, so no request can be answered with it by the server's own lookup.
 */
enum search_run_result search_run(struct http_req *, struct http_resp *,
    const struct site *, const char *kind, const struct search_query *q,
    size_t offset, size_t limit, struct search_result *r,
    struct search_page *pg);
/* Keeps the page just made (a 200 in resp's body) for pg's key, until
 * an article changes ("list") or the next scheduled one goes public. */
void search_keep(const struct site *, struct http_resp *,
    const struct search_page *pg);
/* A search not run (o is neither OK nor CACHED): sets resp's Retry-After
 * and returns the sentence that says why, the same for page and API. */
const char *search_refusal(enum search_run_result o, struct http_req *,
    struct http_resp *);
/* A store snippet with its marks dropped (plain text for JSON), and as
 * HTML (search_snippet_html), in the arena. */
const char *search_snippet_plain(struct arena *, const char *s);
const char *search_snippet_html_a(struct arena *, const char *s);

#endif

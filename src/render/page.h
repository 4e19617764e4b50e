/* page.h: the reader-facing site: settings, the per-thread store, and the
 * page handlers the server routes to.
 *
 * A struct site is built once at start-up (and rebuilt whole on reload); it
 * is read-only while requests run, so handlers on every thread share it
 * without locks. Each server thread gets its own database connection, opened
 * on first use and closed when the thread ends. */
#ifndef GAZETTE_PAGE_H
#define GAZETTE_PAGE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"
#include "render/tmpl.h"
#include "store/store.h"

struct static_file {
	const char		*path;		/* URL path: "/static/style.css" */
	const char		*type;		/* Content-Type */
	struct http_shared	*body;
};

struct site {
	const char		*db_url;
	struct tmpl_set		*tmpl;
	/* settings: database, overridden by GAZETTE_* and flags */
	const char		*title;
	const char		*description;
	const char		*base_url;	/* no trailing slash */
	const char		*language;
	const char		*timezone;
	bool			 tz_utc;
	struct static_file	*statics;
	size_t			 nstatics;
	const char		*moderation;	/* none | first | all */
	const char		*comments_close_days;	/* "0": never */
	int			 moderation_policy;	/* enum moderation */
	int64_t			 close_days;		/* 0: never */
	const char		*spam_threshold_s;	/* setting, as text */
	double			 spam_threshold;	/* held above it */
	/* Comment posting (keys, pacing, the writer); NULL outside serve,
	 * where pages show comments without a form. Owned by serve, not by
	 * the site: every site loaded on a reload borrows the same one. */
	struct comment_ctx	*comments;
	_Atomic unsigned	 refs;		/* see struct site_holder */
	/* Set by `gazette build`: the pages become static files, so what
	 * needs the server (search, posting and paging comments) points at
	 * live_url (absolute, no trailing slash), or is left out when
	 * live_url is NULL. Borrowed from the caller. */
	bool			 static_build;
	const char		*live_url;
	/* Clients /metrics answers (GAZETTE_METRICS_ALLOW), judged by
	 * req->client, the address a trusted proxy names; anyone else
	 * gets 404. Owned by serve and borrowed by every site it loads;
	 * none (any other command): nobody. */
	const struct http_cidr	*metrics_allow;
	size_t			 nmetrics_allow;
	/* How searches are bounded and cached (page-search.c); owned by
	 * serve, borrowed by every site loaded, like comments. NULL outside
	 * serve: searches then run unbounded and uncached. */
	struct search_gate	*search;
};

/* The setting keys a site has, with their defaults. */
struct setting_def {
	const char	*key;
	const char	*def;
	const char	*help;
};
extern const struct setting_def site_settings[];
extern const size_t site_settings_n;
/* Parses a spam_threshold value: a plain decimal from 0 to 1. */
bool		 site_threshold_parse(const char *, double *);

/* Loads settings (database < environment < overrides, a NULL-terminated
 * key/value list from flags), templates and static files. On failure NULL
 * and a message in err. */
struct site	*site_load(struct store *, const char *db_url,
		    const char *theme_dir, const char *overlay_dir,
		    const char *const *overrides, char *err, size_t errlen);
void		 site_free(struct site *);
/*
 * The site being served, replaceable while requests run (SIGHUP). Each
 * request takes a reference on the current site and drops it when done,
 * so a reload never frees a site a request still uses: the old one goes
 * when its last request ends. Taking the reference is the one short lock
 * per request; dropping it is an atomic decrement.
 */
struct site_holder;
/* Takes the site's first reference. */
struct site_holder *site_holder_new(struct site *);
/* Frees the holder and drops its reference (requests must be over). */
void		 site_holder_free(struct site_holder *);
struct site	*site_acquire(struct site_holder *);
void		 site_release(struct site *);
/* Makes s (a new site, reference taken over) the one new requests get. */
void		 site_holder_swap(struct site_holder *, struct site *s);

/* Where the built-in theme lives: beside the binary in a source or build
 * tree, else the installed one; never found through the working
 * directory (site.c says the order). */
const char	*site_default_theme(void);

/* This thread's store, opened on first use; NULL (and a log line) when
 * the database cannot be opened. */
struct store	*site_store(const struct site *);

/* Broken-down time in the site's time zone. */
void		 site_time(const struct site *, int64_t t, struct tm *);
/* "/2022/01/slug" for a, in the site's time zone, into the arena. */
const char	*article_path(const struct site *, struct arena *,
		    const struct article *a);

struct comment_form;

/* Finds the article of an /YYYY/MM/SLUG route: 0 and *path when it is
 * public and at this path; 301 (*path is where it lives), 404, or 503
 * when the database failed. */
int		 page_article_lookup(struct http_req *, const struct site *,
		    struct article *, const char **path);
/* Renders the article page; form (NULL: empty) is a comment form being
 * re-shown with the reader's text and its problems. */
void		 page_article_show(struct http_req *, struct http_resp *,
		    const struct site *, const struct article *,
		    const char *path, const struct comment_form *form);
/* Dates as pages show them, into the arena. */
const char	*page_date_iso(struct arena *, int64_t t);
const char	*page_date_human(const struct site *, struct arena *,
		    int64_t t);

/* Handlers (ctx is the struct site). */
void	page_home(struct http_req *, struct http_resp *, void *);
void	page_article(struct http_req *, struct http_resp *, void *);
void	page_tag(struct http_req *, struct http_resp *, void *);
void	page_tags(struct http_req *, struct http_resp *, void *);
void	page_author(struct http_req *, struct http_resp *, void *);
void	page_archive(struct http_req *, struct http_resp *, void *);
void	page_static(struct http_req *, struct http_resp *, void *);
void	page_healthz(struct http_req *, struct http_resp *, void *);
void	page_robots(struct http_req *, struct http_resp *, void *);
void	page_not_found(struct http_req *, struct http_resp *, void *);
/* The 400 for a query the server refused (struct http_server_opts
 * .bad_query): the themed 400.html, or a problem document under /api/. */
void	page_bad_query(struct http_req *, struct http_resp *, void *,
	    const char *param, const char *msg);
/* The body of an error the HTTP layer raises (http_server_opts.error):
 * a problem document under the API (api_path), a page elsewhere. */
void	page_error(struct http_req *, struct http_resp *, int status,
	    const char *msg, void *);
/* Prometheus text metrics (page-ops.c). */
void	page_metrics(struct http_req *, struct http_resp *, void *);
/* page-search.c: the results page and the JSON search API. */
void	page_search(struct http_req *, struct http_resp *, void *);
void	api_search(struct http_req *, struct http_resp *, void *);
/* At most slots searches at once (serve: one fewer than its threads),
 * each within budget_ms of database time (0: none), their pages kept in
 * cache (the page cache; NULL: none). */
struct cache;
struct search_gate;
#define SEARCH_BUDGET_MS_DEFAULT	1000
struct search_gate *search_gate_new(unsigned slots, int64_t budget_ms,
		    struct cache *cache);
void		 search_gate_free(struct search_gate *);
/* Appends a store snippet (SEARCH_MARK_OPEN/CLOSE around matches) as
 * HTML: the text escaped, the marks as balanced <mark> elements. */
void	search_snippet_html(struct buf *, const char *s, size_t n);
/* page-redirect.c: answers an imported article's old path with 301 to
 * its URL and returns true; false (nothing sent) when old_path is not
 * one, or its article is not public. _query does it for the WordPress
 * query links /?p=N and /?page_id=N of the front page. */
bool	page_redirect_old(struct http_req *, struct http_resp *,
	    const struct site *, const char *old_path);
bool	page_redirect_query(struct http_req *, struct http_resp *,
	    const struct site *);
/* Security headers every response carries. */
void	page_decorate(struct http_req *, struct http_resp *, void *);

/* For pages defined outside page-reader.c (search, feeds): the root
 * context every theme page expects (site, page with title, description
 * and canonical URL), an article as templates see it, rendering with a
 * 500 on failure, and the 503 for an unreachable database. */
struct tval	*page_root(struct http_req *, const struct site *,
		    const char *path, const char *title,
		    const char *description);
struct tval	*page_article_tval(struct http_req *, const struct site *,
		    const struct article *, bool with_body);
void		 page_render(struct http_resp *, const struct site *,
		    const char *name, const struct tval *root);
void		 page_store_failed(struct http_resp *, struct store *);
/* prefix + s percent-encoded as one path segment ("/tags/A%20B"). */
const char	*page_url_seg(struct arena *, const char *prefix, const char *s);
/* The URL of an author's pages, "/authors/" + byline_slug(byline), the
 * one form the site, its feeds and the static build use; NULL for a
 * byline without one (blanks). */
const char	*page_author_path(struct arena *, const char *byline);
/* The author route parameter 0 of an /authors/ URL names: true with
 * *slug and *name (the byline of their newest public article) for the
 * slug of an author with public articles. Else false, answered: for
 * another name of such an author (the byline itself, the form author
 * URLs had before they were slugs) a 301 to the same URL under the slug;
 * a 404 for anyone without public articles; a 503 when the database
 * fails. */
bool		 page_author_find(struct http_req *, struct http_resp *,
		    const struct site *, const char **slug,
		    const char **name);

/* Marks resp a cacheable page that lists articles: it depends on "list"
 * (and on key too, when not NULL: "counts") and expires when the next
 * scheduled article goes public. Only on a 200 about to be sent. */
void	page_cache_list(struct http_req *, struct http_resp *,
	    const struct site *, const char *key);

/* The route table of the reader site. */
extern const struct route site_routes[];
extern const size_t site_routes_n;

#endif

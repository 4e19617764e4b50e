/* site.h: the site being served: its settings, theme and statics, the
 * per-thread store, and where an article lives. What pages are made of
 * is page.h.
 *
 * A struct site is built once at start-up (and rebuilt whole on reload); it
 * is read-only while requests run, so handlers on every thread share it
 * without locks. Each server thread gets its own database connection, opened
 * on first use and closed when the thread ends. */
#ifndef GAZETTE_SITE_H
#define GAZETTE_SITE_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"
#include "render/tmpl.h"
#include "store/store.h"

/* Articles on a page of a listing (front page, tags, authors, archives),
 * live and in the static build alike. */
#define SITE_PER_PAGE 20

struct static_file {
	const char	   *path; /* URL path: "/static/style.css" */
	const char	   *type; /* Content-Type */
	struct http_shared *body;
};

struct site {
	const char	*db_url;
	struct tmpl_set *tmpl;
	/* settings: database, overridden by GAZETTE_* and flags */
	const char	   *title;
	const char	   *description;
	const char	   *base_url; /* no trailing slash */
	const char	   *language;
	const char	   *timezone;
	bool		    tz_utc;
	struct static_file *statics;
	size_t		    nstatics;
	const char	   *moderation;		 /* none | first | all */
	const char	   *comments_close_days; /* "0": never */
	int		    moderation_policy;	 /* enum moderation */
	int64_t		    close_days;		 /* 0: never */
	const char	   *spam_threshold_s;	 /* setting, as text */
	double		    spam_threshold;	 /* held above it */
	/* Comment posting (keys, pacing, the writer); NULL outside serve,
	 * where pages show comments without a form. Owned by serve, not by
	 * the site: every site loaded on a reload borrows the same one. */
	struct comment_ctx *comments;
	_Atomic unsigned    refs; /* see struct site_holder */
	/* Set by `gazette build`: the pages become static files, so what
	 * needs the server (search, posting and paging comments) points at
	 * live_url (absolute, no trailing slash), or is left out when
	 * live_url is NULL. Borrowed from the caller. */
	bool	    static_build;
	const char *live_url;
	/* Clients /metrics answers (GAZETTE_METRICS_ALLOW), judged by
	 * req->client, the address a trusted proxy names; anyone else
	 * gets 404. Owned by serve and borrowed by every site it loads;
	 * none (any other command): nobody. */
	const struct http_cidr *metrics_allow;
	size_t			nmetrics_allow;
	/* How searches are bounded and cached (page-search.c); owned by
	 * serve, borrowed by every site loaded, like comments. NULL outside
	 * serve: searches then run unbounded and uncached. */
	struct search_gate *search;
};

/* The setting keys a site has, with their defaults. */
struct setting_def {
	const char *key;
	const char *def;
	const char *help;
};
extern const struct setting_def site_settings[];
extern const size_t		site_settings_n;
/* Parses a spam_threshold value: a plain decimal from 0 to 1. */
bool site_threshold_parse(const char *, double *);

/* Loads settings (database < environment < overrides, a NULL-terminated
 * key/value list from flags), templates and static files. On failure NULL
 * and a message in err. */
struct site *site_load(struct store *, const char *db_url,
    const char *theme_dir, const char *overlay_dir,
    const char *const *overrides, char *err, size_t errlen);
void	     site_free(struct site *);
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
void	     site_holder_free(struct site_holder *);
struct site *site_acquire(struct site_holder *);
void	     site_release(struct site *);
/* Makes s (a new site, reference taken over) the one new requests get. */
void site_holder_swap(struct site_holder *, struct site *s);

/* Where the built-in theme lives: beside the binary in a source or build
 * tree, else the installed one; never found through the working
 * directory (site.c says the order). */
const char *site_default_theme(void);

/* This thread's store, opened on first use; NULL (and a log line) when
 * the database cannot be opened. */
struct store *site_store(const struct site *);

/* Broken-down time in the site's time zone. */
void site_time(const struct site *, int64_t t, struct tm *);
/* base_url + path when the base URL is an http(s) URL with a host (the
 * setting is an operator's, but a javascript: base must not turn into
 * links); path alone otherwise. In the arena. */
const char *site_abs_url(const struct site *, struct arena *, const char *path);
/* "/2022/01/slug" for a, in the site's time zone, into the arena. */
const char *article_path(const struct site *, struct arena *,
    const struct article *a);

#endif

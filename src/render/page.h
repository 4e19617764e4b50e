/* page.h: the reader-facing site: settings, the per-thread store, and the
 * page handlers the server routes to.
 *
 * A struct site is built once at start-up (and rebuilt whole on reload); it
 * is read-only while requests run, so handlers on every thread share it
 * without locks. Each server thread gets its own database connection, opened
 * on first use and closed when the thread ends. */
#ifndef GAZETTE_PAGE_H
#define GAZETTE_PAGE_H

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
};

/* The setting keys a site has, with their defaults. */
struct setting_def {
	const char	*key;
	const char	*def;
	const char	*help;
};
extern const struct setting_def site_settings[];
extern const size_t site_settings_n;

/* Loads settings (database < environment < overrides, a NULL-terminated
 * key/value list from flags), templates and static files. On failure NULL
 * and a message in err. */
struct site	*site_load(struct store *, const char *db_url,
		    const char *theme_dir, const char *overlay_dir,
		    const char *const *overrides, char *err, size_t errlen);
void		 site_free(struct site *);
/* Where the default theme lives (source tree or installed). */
const char	*site_default_theme(void);

/* This thread's store, opened on first use; NULL (and a log line) when
 * the database cannot be opened. */
struct store	*site_store(const struct site *);

/* Broken-down time in the site's time zone. */
void		 site_time(const struct site *, int64_t t, struct tm *);
/* "/2022/01/slug" for a, in the site's time zone, into the arena. */
const char	*article_path(const struct site *, struct arena *,
		    const struct article *a);

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

/* The route table of the reader site. */
extern const struct route site_routes[];
extern const size_t site_routes_n;

#endif

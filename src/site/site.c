/* site.c: site settings, theme loading and the per-thread store. */
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "render/esc.h"
#include "site/page.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#ifndef GAZETTE_DATADIR
#define GAZETTE_DATADIR "/usr/local/share/gazette"
#endif

const struct setting_def site_settings[] = {
	{ "title", "Gazette", "the site's name, in every page title" },
	{ "description", "News and comment",
	    "one line about the site, for the front page and feeds" },
	{ "base_url", "",
	    "absolute URL of the site (default http:// + the listen address)" },
	{ "language", "en", "BCP 47 language tag of the content" },
	{ "timezone", "UTC", "IANA time zone for dates and /YYYY/MM/ URLs" },
	{ "moderation", "first", "comment moderation: none, first or all" },
	{ "comments_close_days", "0",
	    "days after publication when comments close (0: never)" },
	{ "spam_threshold", "0.9",
	    "spam score (0 to 1) above which a new comment is held as spam" },
};
const size_t site_settings_n = sizeof(site_settings) / sizeof(site_settings[0]);

/* Whether dir holds a theme (its article template). */
static bool
is_theme(const char *dir)
{
	char	    probe[PATH_MAX + 128];
	struct stat st;

	snprintf(probe, sizeof(probe), "%s/article.html", dir);
	return stat(probe, &st) == 0 && S_ISREG(st.st_mode);
}

static char default_theme[PATH_MAX + 64];

/*
 * Where the built-in theme is, looked up from the binary and never from
 * the working directory: a directory gazette happens to be started in
 * (a home directory, an upload area, another site's tree) does not get to
 * supply the templates. In order:
 *   BINDIR/themes/default          a source checkout or build tree
 *                                  (./gazette at the repository root)
 *   GAZETTE_DATADIR/themes/default the installed theme (compiled in)
 *   BINDIR/../share/gazette/...    a tree staged under DESTDIR, or moved
 *                                  whole to another prefix
 * GAZETTE_THEME and --theme overlay it file by file (site_load).
 */
static void
default_theme_find(void)
{
	char	exe[PATH_MAX], *slash;
	ssize_t n;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		exe[n] = '\0';
		if ((slash = strrchr(exe, '/')) != NULL) {
			*slash = '\0';
			snprintf(default_theme, sizeof(default_theme),
			    "%s/themes/default", exe);
			if (is_theme(default_theme))
				return;
			if (!is_theme(GAZETTE_DATADIR "/themes/default")) {
				snprintf(default_theme, sizeof(default_theme),
				    "%s/../share/gazette/themes/default", exe);
				if (is_theme(default_theme))
					return;
			}
		}
	}
	snprintf(default_theme, sizeof(default_theme), "%s",
	    GAZETTE_DATADIR "/themes/default");
}

const char *
site_default_theme(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, default_theme_find);
	return default_theme;
}

static const char *
mime_for(const char *name)
{
	static const struct {
		const char *ext, *type;
	} types[] = {
		{ ".css", "text/css; charset=utf-8" },
		{ ".js", "text/javascript; charset=utf-8" },
		{ ".svg", "image/svg+xml" },
		{ ".png", "image/png" },
		{ ".ico", "image/x-icon" },
		{ ".woff2", "font/woff2" },
		{ ".txt", "text/plain; charset=utf-8" },
	};
	size_t i, n = strlen(name), k;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		k = strlen(types[i].ext);
		if (n > k && strcmp(name + n - k, types[i].ext) == 0)
			return types[i].type;
	}
	return NULL;
}

/* Static files are read into memory once: a theme's assets are small, and
 * serving them from memory keeps the request path free of file I/O. */
static bool
load_statics(struct site *s, const char *dir, char *err, size_t errlen)
{
	char	       path[4096], *data;
	struct dirent *de;
	const char    *type;
	struct stat    st;
	size_t	       i;
	FILE	      *f;
	DIR	      *d;

	snprintf(path, sizeof(path), "%s/static", dir);
	if ((d = opendir(path)) == NULL)
		return true;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.' ||
		    (type = mime_for(de->d_name)) == NULL)
			continue;
		snprintf(path, sizeof(path), "%s/static/%s", dir, de->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode) ||
		    st.st_size > 4 * 1024 * 1024)
			continue;
		if ((f = fopen(path, "rb")) == NULL) {
			snprintf(err, errlen, "%s: cannot read", path);
			closedir(d);
			return false;
		}
		data = xmalloc((size_t)st.st_size + 1);
		if (fread(data, 1, (size_t)st.st_size, f) !=
		    (size_t)st.st_size) {
			free(data);
			fclose(f);
			snprintf(err, errlen, "%s: cannot read", path);
			closedir(d);
			return false;
		}
		fclose(f);
		/* An overlay's file replaces the theme's of the same name. */
		snprintf(path, sizeof(path), "/static/%s", de->d_name);
		for (i = 0; i < s->nstatics; i++)
			if (strcmp(s->statics[i].path, path) == 0)
				break;
		if (i == s->nstatics) {
			s->statics = xrealloc(s->statics,
			    (s->nstatics + 1) * sizeof(*s->statics));
			s->nstatics++;
			s->statics[i].path = xstrdup(path);
		} else
			http_shared_unref(s->statics[i].body);
		s->statics[i].type = type;
		s->statics[i].body = http_shared_adopt(data,
		    (size_t)st.st_size);
	}
	closedir(d);
	return true;
}

bool
site_threshold_parse(const char *v, double *out)
{
	char  *end;
	double d;

	if (v == NULL || *v == '\0' || strlen(v) > 20 ||
	    strspn(v, "0123456789.") != strlen(v))
		return false;
	d = strtod(v, &end);
	if (*end != '\0' || !(d >= 0.0 && d <= 1.0))
		return false;
	*out = d;
	return true;
}

static const char *
setting(struct store *st, struct arena *a, const char *const *over,
    const struct setting_def *def)
{
	char	    env[64];
	const char *v;
	size_t	    i;

	for (i = 0; over && over[i]; i += 2)
		if (strcmp(over[i], def->key) == 0 && over[i + 1])
			return xstrdup(over[i + 1]);
	snprintf(env, sizeof(env), "GAZETTE_%s", def->key);
	for (i = 8; env[i]; i++)
		env[i] = (char)toupper((unsigned char)env[i]);
	if ((v = getenv(env)) != NULL && *v)
		return xstrdup(v);
	if (st && store_setting_get(st, a, def->key, &v) == STORE_OK)
		return xstrdup(v);
	return xstrdup(def->def);
}

struct site *
site_load(struct store *st, const char *db_url, const char *theme,
    const char *overlay, const char *const *over, char *err, size_t errlen)
{
	static const char *const moderations[3] = { "none", "first", "all" };
	struct site		*s = xcalloc(1, sizeof(*s));
	const char **slot[] = { &s->title, &s->description, &s->base_url,
		&s->language, &s->timezone, &s->moderation,
		&s->comments_close_days, &s->spam_threshold_s, NULL };
	struct arena a;
	size_t	     i, n;
	char	    *bu;

	arena_init(&a);
	for (i = 0; slot[i] != NULL; i++)
		*slot[i] = setting(st, &a, over, &site_settings[i]);
	arena_free(&a);
	bu = (char *)s->base_url;
	n = strlen(bu);
	while (n > 0 && bu[n - 1] == '/')
		bu[--n] = '\0';
	for (i = 0; i < 3; i++)
		if (strcmp(s->moderation, moderations[i]) == 0)
			break;
	if (i == 3) {
		snprintf(err, errlen,
		    "moderation '%s' is not none, first or "
		    "all",
		    s->moderation);
		goto fail;
	}
	s->moderation_policy = (int)i; /* enum moderation's order */
	if (!parse_int(s->comments_close_days, strlen(s->comments_close_days),
		0, 100000, &s->close_days)) {
		snprintf(err, errlen,
		    "comments_close_days '%s' is not a "
		    "number of days",
		    s->comments_close_days);
		goto fail;
	}
	if (!site_threshold_parse(s->spam_threshold_s, &s->spam_threshold)) {
		snprintf(err, errlen,
		    "spam_threshold '%s' is not a number "
		    "from 0 to 1",
		    s->spam_threshold_s);
		goto fail;
	}
	s->tz_utc = strcmp(s->timezone, "UTC") == 0 ||
	    strcmp(s->timezone, "Etc/UTC") == 0;
	if (!s->tz_utc) {
		char	    zpath[512];
		struct stat zs;

		snprintf(zpath, sizeof(zpath), "/usr/share/zoneinfo/%s",
		    s->timezone);
		if (strstr(s->timezone, "..") || stat(zpath, &zs) != 0) {
			snprintf(err, errlen,
			    "timezone '%s' is not a known "
			    "IANA zone",
			    s->timezone);
			goto fail;
		}
		/* The whole process works in one zone, set before any
		 * thread starts, so localtime_r needs no locking. */
		setenv("TZ", s->timezone, 1);
		tzset();
	}
	s->db_url = xstrdup(db_url);
	if ((s->tmpl = tmpl_set_load(theme, overlay, err, errlen)) == NULL)
		goto fail;
	if (!load_statics(s, theme, err, errlen) ||
	    (overlay && !load_statics(s, overlay, err, errlen)))
		goto fail;
	return s;
fail:
	site_free(s);
	return NULL;
}

void
site_free(struct site *s)
{
	size_t i;

	if (s == NULL)
		return;
	tmpl_set_free(s->tmpl);
	for (i = 0; i < s->nstatics; i++) {
		free((char *)s->statics[i].path);
		http_shared_unref(s->statics[i].body);
	}
	free(s->statics);
	free((char *)s->title);
	free((char *)s->description);
	free((char *)s->base_url);
	free((char *)s->language);
	free((char *)s->timezone);
	free((char *)s->moderation);
	free((char *)s->comments_close_days);
	free((char *)s->spam_threshold_s);
	free((char *)s->db_url);
	free(s);
}

struct site_holder {
	pthread_mutex_t mu;
	struct site    *cur;
};

struct site_holder *
site_holder_new(struct site *s)
{
	struct site_holder *h = xcalloc(1, sizeof(*h));

	pthread_mutex_init(&h->mu, NULL);
	atomic_store(&s->refs, 1);
	h->cur = s;
	return h;
}

void
site_holder_free(struct site_holder *h)
{
	if (h == NULL)
		return;
	site_release(h->cur);
	pthread_mutex_destroy(&h->mu);
	free(h);
}

/* The increment happens under the lock that a swap takes to replace the
 * pointer, so the holder's own reference cannot be dropped between
 * reading cur and counting ours. */
struct site *
site_acquire(struct site_holder *h)
{
	struct site *s;

	pthread_mutex_lock(&h->mu);
	s = h->cur;
	atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
	pthread_mutex_unlock(&h->mu);
	return s;
}

void
site_release(struct site *s)
{
	if (s != NULL &&
	    atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) == 1)
		site_free(s);
}

void
site_holder_swap(struct site_holder *h, struct site *s)
{
	struct site *old;

	atomic_store(&s->refs, 1);
	pthread_mutex_lock(&h->mu);
	old = h->cur;
	h->cur = s;
	pthread_mutex_unlock(&h->mu);
	site_release(old);
}

static pthread_key_t  store_key;
static pthread_once_t store_once = PTHREAD_ONCE_INIT;

static void
store_destroy(void *p)
{
	store_close(p);
}

static void
store_key_init(void)
{
	pthread_key_create(&store_key, store_destroy);
}

struct store *
site_store(const struct site *s)
{
	struct store *st;
	char	      err[512];

	pthread_once(&store_once, store_key_init);
	if ((st = pthread_getspecific(store_key)) != NULL)
		return st;
	if ((st = store_open(s->db_url, err, sizeof(err))) == NULL) {
		fprintf(stderr, "gazette: serve: %s\n", err);
		return NULL;
	}
	pthread_setspecific(store_key, st);
	return st;
}

void
site_time(const struct site *s, int64_t t, struct tm *tm)
{
	time_t tt = (time_t)t;

	if (s->tz_utc)
		time_utc(t, tm);
	else
		localtime_r(&tt, tm);
}

const char *
site_abs_url(const struct site *s, struct arena *a, const char *path)
{
	if (!url_is_http(s->base_url, strlen(s->base_url)))
		return arena_strdup(a, path);
	return arena_printf(a, "%s%s", s->base_url, path);
}

const char *
article_path(const struct site *s, struct arena *a, const struct article *art)
{
	struct tm tm;

	site_time(s, art->published_at, &tm);
	return arena_printf(a, "/%04d/%02d/%s", tm.tm_year + 1900,
	    tm.tm_mon + 1, art->slug);
}

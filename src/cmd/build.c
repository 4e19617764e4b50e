/* build.c: gazette build — the public site as static files, rendered by
 * the very handlers serve routes to, with a .gz beside each text file.
 *
 * The main thread lists every URL of the public site (from one walk over
 * the public articles: their pages, tags, authors, months and years, with
 * the listings' page counts), then N workers take URLs from that list in
 * turn, each with its own database connection (site_store), and call the
 * route's handler with a request made up here: no server, no socket, the
 * same bytes serve would send for the same base URL. Files go into a new
 * directory beside OUT, which replaces OUT only once everything is
 * written and synced: a failed or interrupted build leaves OUT as it was. */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "cmd/cmd.h"
#include "http/http.h"
#include "routes.h"
#include "site/feed.h"
#include "site/page.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

/* Level 9 against 6, measured on 2,000 generated articles (4,778 files):
 * .gz 0.12% smaller (8,153,069 against 8,162,568 bytes) for no user CPU
 * time we could tell apart (1.1-1.2 s either way): pages are compressed
 * once and sent many times, so 9. -DGZ_LEVEL=N to measure again. */
#ifndef GZ_LEVEL
#define GZ_LEVEL 9
#endif
#define MARKER	    ".gazette-build" /* says OUT is ours to replace */
#define MAX_THREADS 64

static volatile sig_atomic_t interrupted;

static void
on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

struct strs {
	char **v;
	size_t n, cap;
};

static void
strs_push(struct strs *s, char *p)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 256;
		s->v = xrealloc(s->v, s->cap * sizeof(*s->v));
	}
	s->v[s->n++] = p;
}

static void __attribute__((format(printf, 2, 3)))
strs_printf(struct strs *s, const char *fmt, ...)
{
	va_list ap;
	char   *p;

	va_start(ap, fmt);
	if (vasprintf(&p, fmt, ap) < 0)
		abort();
	va_end(ap);
	strs_push(s, p);
}

static void
strs_free(struct strs *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A listing's first page and its later ones, as the listing links them. */
static void
add_listing(struct strs *urls, const char *base, size_t count)
{
	size_t pages = count ? (count + SITE_PER_PAGE - 1) / SITE_PER_PAGE : 1,
	       p;
	const char *sep = base[strlen(base) - 1] == '/' ? "" : "/";

	strs_printf(urls, "%s", base);
	for (p = 2; p <= pages; p++)
		strs_printf(urls, "%s%spage/%zu", base, sep, p);
}

/* Listings counted by key: "t/SLUG", "a/SLUG", "y/YYYY", "m/YYYY/MM";
 * sorted, each run is one listing. */
static void
add_listings(struct strs *urls, struct strs *keys)
{
	size_t	    i, j;
	const char *k;

	qsort(keys->v, keys->n, sizeof(*keys->v), cmp_str);
	for (i = 0; i < keys->n; i = j) {
		for (j = i + 1;
		     j < keys->n && strcmp(keys->v[i], keys->v[j]) == 0; j++)
			;
		k = keys->v[i];
		switch (k[0]) {
		case 't':
		case 'a': {
			char *base;
			int   f;

			if (asprintf(&base, "/%s/%s",
				k[0] == 't' ? "tags" : "authors", k + 2) < 0)
				abort();
			add_listing(urls, base, j - i);
			for (f = 0; f < FEED__MAX; f++)
				strs_printf(urls, "%s/%s", base,
				    feed_suffix((enum feed_fmt)f));
			free(base);
			break;
		}
		default: /* "y/2022" → "/2022/", "m/2022/01" → "/2022/01/" */
		{
			char *base;

			if (asprintf(&base, "/%s/", k + 2) < 0)
				abort();
			add_listing(urls, base, j - i);
			free(base);
		} break;
		}
	}
}

/* Every URL of the public site, into urls. */
static bool
site_urls(const struct site *s, struct store *st, struct strs *urls,
    size_t *narticles, char *err, size_t errlen)
{
	static const char *const fixed[] = { "/feed.atom", "/feed.rss",
		"/feed.json", "/tags", "/robots.txt", "/sitemap.xml",
		"/sitemap-news.xml", "/404.html" };
	struct article_filter	 f = { 0 };
	struct article_list	 l;
	struct strs		 keys = { 0 };
	struct arena		 a;
	const char		*path;
	enum store_err		 e;
	struct tm		 tm;
	size_t			 i, k, total = 0;
	bool			 ok = false;

	f.public = true;
	f.now = (int64_t)time(NULL);
	f.limit = 1000;
	arena_init(&a);
	for (;;) {
		if ((e = store_article_list(st, &a, &f, &l)) != STORE_OK) {
			snprintf(err, errlen, "listing the articles: %s",
			    store_errmsg(st));
			goto out;
		}
		for (i = 0; i < l.n; i++) {
			const struct article *art = &l.items[i];

			path = article_path(s, &a, art);
			strs_printf(urls, "%s", path);
			strs_printf(urls, "%s/comments.atom", path);
			site_time(s, art->published_at, &tm);
			strs_printf(&keys, "y/%04d", tm.tm_year + 1900);
			strs_printf(&keys, "m/%04d/%02d", tm.tm_year + 1900,
			    tm.tm_mon + 1);
			/* The author's pages where every page links them. */
			if (art->author && *art->author &&
			    (path = page_author_path(&a, art->author)) != NULL)
				strs_printf(&keys, "a/%s",
				    path + strlen("/authors/"));
			for (k = 0; k < art->ntags; k++)
				strs_printf(&keys, "t/%s", art->tags[k].slug);
			total++;
		}
		if (!l.more || l.n == 0)
			break;
		f.before_time = l.items[l.n - 1].published_at;
		f.before_id = l.items[l.n - 1].id;
		arena_free(&a);
		arena_init(&a);
	}
	add_listing(urls, "/", total);
	add_listings(urls, &keys);
	for (i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		strs_printf(urls, "%s", fixed[i]);
	for (i = 0; i < s->nstatics; i++)
		strs_printf(urls, "%s", s->statics[i].path);
	*narticles = total;
	ok = true;
out:
	strs_free(&keys);
	arena_free(&a);
	return ok;
}

/* The file a URL path is kept in, relative to OUT, percent-decoded (as a
 * static server maps it): "/" and "/x/" are directories with index.html,
 * "/x.y" a file, any other "/x" the directory x with index.html. NULL when
 * the path cannot be a file name. */
static char *
file_of(const char *path)
{
	struct buf  b = BUF_INIT;
	const char *seg, *p, *last;
	size_t	    len;
	char	   *out;

	last = strrchr(path, '/');
	for (p = path; *p;) {
		seg = ++p;
		while (*p && *p != '/')
			p++;
		len = (size_t)(p - seg);
		if (len == 0)
			continue;
		{
			struct arena a;
			size_t	     n;
			char	    *d;

			arena_init(&a);
			d = url_decode_segment(&a, seg, len, &n);
			if (d == NULL || n == 0 || strlen(d) != n ||
			    strchr(d, '/') || strcmp(d, ".") == 0 ||
			    strcmp(d, "..") == 0) {
				arena_free(&a);
				buf_free(&b);
				return NULL;
			}
			if (b.len)
				buf_putc(&b, '/');
			buf_put(&b, d, n);
			arena_free(&a);
		}
	}
	if (path[strlen(path) - 1] == '/')
		buf_puts(&b, b.len ? "/index.html" : "index.html");
	else if (strchr(last, '.') == NULL)
		buf_puts(&b, "/index.html");
	out = buf_err(&b) ? NULL : xstrdup(buf_str(&b));
	buf_free(&b);
	return out;
}

static bool
is_text(const char *type)
{
	return type == NULL || strncmp(type, "text/", 5) == 0 ||
	    strstr(type, "xml") != NULL || strstr(type, "json") != NULL;
}

struct job {
	const struct site	  *site;
	const char		  *tmp; /* the directory being written */
	char			 **urls;
	size_t			   n;
	_Atomic size_t		   next;
	_Atomic size_t		   done;
	_Atomic size_t		   files;
	_Atomic size_t		   gzfiles;
	_Atomic unsigned long long bytes;
	_Atomic unsigned long long gzbytes;
	atomic_bool		   failed;
	pthread_mutex_t		   mu;
	char			   err[1024]; /* the first failure */
};

static void __attribute__((format(printf, 2, 3)))
job_fail(struct job *j, const char *fmt, ...)
{
	va_list ap;

	pthread_mutex_lock(&j->mu);
	if (!atomic_load(&j->failed)) {
		va_start(ap, fmt);
		vsnprintf(j->err, sizeof(j->err), fmt, ap);
		va_end(ap);
		atomic_store(&j->failed, true);
	}
	pthread_mutex_unlock(&j->mu);
}

/* Makes the directories above rel inside tmp. */
static bool
mkdirs(const char *tmp, const char *rel)
{
	char   path[4096];
	size_t n = strlen(tmp), i;

	if (n + 1 + strlen(rel) >= sizeof(path))
		return false;
	memcpy(path, tmp, n);
	path[n] = '/';
	strcpy(path + n + 1, rel);
	for (i = n + 1; path[i]; i++)
		if (path[i] == '/') {
			path[i] = '\0';
			if (mkdir(path, 0755) != 0 && errno != EEXIST)
				return false;
			path[i] = '/';
		}
	return true;
}

static bool
write_file(struct job *j, const char *rel, const void *data, size_t len)
{
	char	    path[4096];
	const char *p = data;
	ssize_t	    w;
	int	    fd;

	if (snprintf(path, sizeof(path), "%s/%s", j->tmp, rel) >=
	    (int)sizeof(path)) {
		job_fail(j, "%s: path too long", rel);
		return false;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0 && errno == ENOENT && mkdirs(j->tmp, rel))
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0) {
		job_fail(j, "%s: %s", path, strerror(errno));
		return false;
	}
	while (len > 0) {
		if ((w = write(fd, p, len)) < 0) {
			if (errno == EINTR)
				continue;
			job_fail(j, "%s: %s", path, strerror(errno));
			close(fd);
			return false;
		}
		p += w;
		len -= (size_t)w;
	}
	if (close(fd) != 0) {
		job_fail(j, "%s: %s", path, strerror(errno));
		return false;
	}
	return true;
}

/* gzip (RFC 1952, no name, mtime 0: the same input gives the same bytes)
 * of data into *out (of *cap bytes, grown as needed and reused from file
 * to file); the length in *outlen. */
static bool
gzip_into(char **out, size_t *cap, size_t *outlen, const void *data, size_t len)
{
	z_stream z = { 0 };
	size_t	 need;
	int	 rc;

	if (deflateInit2(&z, GZ_LEVEL, Z_DEFLATED, 15 + 16, 9,
		Z_DEFAULT_STRATEGY) != Z_OK)
		return false;
	need = deflateBound(&z, len) + 32;
	if (*cap < need) {
		*out = xrealloc(*out, need);
		*cap = need;
	}
	z.next_in = (Bytef *)(uintptr_t)data;
	z.avail_in = (uInt)len;
	z.next_out = (Bytef *)*out;
	z.avail_out = (uInt)*cap;
	rc = deflate(&z, Z_FINISH);
	*outlen = z.total_out;
	deflateEnd(&z);
	return rc == Z_STREAM_END;
}

/* Renders one URL as serve would answer a GET for it, into resp. */
static void
render(const struct site *s, struct http_req *req, struct http_resp *resp)
{
	const struct route *found;
	unsigned	    allow = 0;

	if (strcmp(req->path, "/404.html") == 0) {
		resp->status = 404;
		routes_not_found(req, resp, (void *)s);
		return;
	}
	if (route_match(routes, routes_n, HTTP_GET, req->path, req, &found,
		&allow) == ROUTE_FOUND) {
		req->route = found->pattern;
		found->fn(req, resp, (void *)s);
	} else {
		resp->status = 404;
		routes_not_found(req, resp, (void *)s);
	}
}

static void *
worker(void *arg)
{
	struct job	*j = arg;
	char		*gz = NULL;
	size_t		 gzcap = 0, gzlen;
	struct http_resp resp;
	struct http_req	 req;
	const char	*data, *loc;
	struct arena	 a;
	size_t		 i, len, k;
	char		*rel, gzrel[4200];
	int		 want;

	for (;;) {
		if (interrupted || atomic_load(&j->failed))
			break;
		i = atomic_fetch_add(&j->next, 1);
		if (i >= j->n)
			break;
		arena_init(&a);
		memset(&req, 0, sizeof(req));
		req.method = HTTP_GET;
		req.path = j->urls[i];
		req.query = "";
		req.body = "";
		req.arena = &a;
		req.scheme = "http";
		snprintf(req.client, sizeof(req.client), "127.0.0.1");
		http_resp_init(&resp);
		render(j->site, &req, &resp);
		want = strcmp(req.path, "/404.html") == 0 ? 404 : 200;
		rel = file_of(req.path);
		if (resp.status != want || rel == NULL) {
			loc = NULL;
			for (k = 0; k < resp.nheaders; k++)
				if (strcmp(resp.headers[k].name, "Location") ==
				    0)
					loc = resp.headers[k].value;
			if (rel == NULL)
				job_fail(j, "%s: not a path a file can have",
				    req.path);
			else
				job_fail(j, "%s: the page answered %d%s%s%s",
				    req.path, resp.status, loc ? " (to " : "",
				    loc ? loc : "", loc ? ")" : "");
			goto next;
		}
		if (resp.shared)
			data = http_shared_data(resp.shared, &len);
		else {
			data = buf_str(&resp.body);
			len = resp.body.len;
		}
		if (!write_file(j, rel, data, len))
			goto next;
		atomic_fetch_add(&j->files, 1);
		atomic_fetch_add(&j->bytes, len);
		if (is_text(resp.content_type)) {
			if (!gzip_into(&gz, &gzcap, &gzlen, data, len)) {
				job_fail(j, "%s: gzip failed", rel);
				goto next;
			}
			snprintf(gzrel, sizeof(gzrel), "%s.gz", rel);
			if (!write_file(j, gzrel, gz, gzlen))
				goto next;
			atomic_fetch_add(&j->gzfiles, 1);
			atomic_fetch_add(&j->gzbytes, gzlen);
		}
next:
		free(rel);
		http_resp_clear(&resp);
		arena_free(&a);
		atomic_fetch_add(&j->done, 1);
	}
	free(gz);
	return NULL;
}

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

static void
rm_tree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

/* OUT may be replaced when it is absent, an empty directory (removed
 * here), or an earlier build's output (it holds the marker): never a
 * directory of someone's files given by mistake. */
static bool
out_replaceable(const char *out, bool *exists, char *err, size_t errlen)
{
	char	    path[4096];
	struct stat st;

	*exists = false;
	if (lstat(out, &st) != 0) {
		if (errno == ENOENT)
			return true;
		snprintf(err, errlen, "%s: %s", out, strerror(errno));
		return false;
	}
	*exists = true;
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "%s exists and is not a directory", out);
		return false;
	}
	snprintf(path, sizeof(path), "%s/" MARKER, out);
	if (access(path, F_OK) == 0)
		return true;
	if (rmdir(out) == 0) {
		*exists = false;
		return true;
	}
	snprintf(err, errlen,
	    "%s is not empty and was not written by "
	    "gazette build; remove it or choose another directory",
	    out);
	return false;
}

static void
progress(const struct job *j, bool tty, double t0)
{
	size_t		done = atomic_load(&j->done), w = 30, fill;
	struct timespec ts;
	char		bar[64];

	if (!tty)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	fill = j->n ? done * w / j->n : w;
	memset(bar, '#', fill);
	memset(bar + fill, '.', w - fill);
	bar[w] = '\0';
	fprintf(stderr, "\rgazette: build: [%s] %zu/%zu pages %.1f s ", bar,
	    done, j->n, (double)ts.tv_sec + ts.tv_nsec / 1e9 - t0);
	fflush(stderr);
}

static double
now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Puts the finished tree tmp in OUT's place: an atomic exchange when OUT
 * exists (the old site is then removed), a rename otherwise. */
static bool
swap_in(const char *tmp, const char *out, bool exists, char *err, size_t errlen)
{
	char marker[4096];
	int  fd;

	snprintf(marker, sizeof(marker), "%s/" MARKER, tmp);
	if ((fd = open(marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
		 0644)) < 0 ||
	    write(fd, "gazette build output\n", 21) != 21) {
		snprintf(err, errlen, "%.900s: %s", marker, strerror(errno));
		if (fd >= 0)
			close(fd);
		return false;
	}
	/* One syncfs for the whole tree before it becomes OUT: after a
	 * crash OUT is the old site or the complete new one. */
	if (syncfs(fd) != 0) {
		snprintf(err, errlen, "%s: sync: %s", tmp, strerror(errno));
		close(fd);
		return false;
	}
	close(fd);
	if (!exists) {
		if (rename(tmp, out) != 0) {
			snprintf(err, errlen, "%s: %s", out, strerror(errno));
			return false;
		}
		return true;
	}
	if (renameat2(AT_FDCWD, tmp, AT_FDCWD, out, RENAME_EXCHANGE) != 0) {
		snprintf(err, errlen, "replacing %s: %s", out, strerror(errno));
		return false;
	}
	rm_tree(tmp); /* the old site, now at tmp's name */
	return true;
}

/* One build: what the flags said, then what build_start made ready. */
struct build {
	const char   *db, *outarg, *base, *live, *theme;
	const char   *over[3];
	int64_t	      nthreads;
	char	     *out;    /* --out without trailing slashes */
	bool	      exists; /* out is there, to be replaced */
	struct store *st;
	struct site  *site;
	struct strs   urls; /* every page to render */
	size_t	      narticles;
	char	     *tmp; /* out.build-XXXXXX, until swapped in */
	struct job    j;
	double	      t0;
};

/* The flags into b. -1 to go on; else the exit code. */
static int
build_parse(struct build *b, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "base-url", required_argument, NULL, 'b' },
		{ "live-url", required_argument, NULL, 'l' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "theme", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *jobs = NULL, *v;
	size_t	    len;
	int	    c;

	while ((c = getopt_long(argc, argv, "ho:j:", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			b->db = optarg;
			break;
		case 'o':
			b->outarg = optarg;
			break;
		case 'b':
			b->base = optarg;
			break;
		case 'l':
			b->live = optarg;
			break;
		case 'j':
			jobs = optarg;
			break;
		case 'T':
			b->theme = optarg;
			break;
		case 'h':
			return cmd_usage("build", true);
		default:
			return cmd_usage("build", false);
		}
	}
	if (optind != argc || b->outarg == NULL || *b->outarg == '\0')
		return cmd_usage("build", false);
	b->nthreads = sysconf(_SC_NPROCESSORS_ONLN);
	if (jobs &&
	    !parse_int(jobs, strlen(jobs), 1, MAX_THREADS, &b->nthreads)) {
		cmd_err("build", "--jobs '%s' is not a number from 1 to %d",
		    jobs, MAX_THREADS);
		return EXIT_USAGE;
	}
	if (b->nthreads < 1)
		b->nthreads = 1;
	if (b->nthreads > MAX_THREADS)
		b->nthreads = MAX_THREADS;
	b->out = xstrdup(b->outarg);
	len = strlen(b->out);
	while (len > 1 && b->out[len - 1] == '/')
		b->out[--len] = '\0';
	if (strcmp(b->out, "/") == 0 || strcmp(b->out, ".") == 0 ||
	    strcmp(b->out, "..") == 0) {
		cmd_err("build", "--out '%s': name a directory of its own",
		    b->outarg);
		return EXIT_USAGE;
	}
	if (b->theme == NULL && (v = getenv("GAZETTE_THEME")) != NULL && *v)
		b->theme = v;
	return -1;
}

/* The site loaded for a static build, the list of its pages, and the
 * directory they go into first. false (and a message) on failure. */
static bool
build_start(struct build *b)
{
	struct site *site;
	char	     err[1024];
	size_t	     nparts = 0, i, len;

	if ((b->st = cmd_open("build", cmd_db_url(b->db), false)) == NULL)
		return false;
	b->over[0] = "base_url";
	b->over[1] = b->base;
	if ((b->site = site_load(b->st, cmd_db_url(b->db), site_default_theme(),
		 b->theme, b->base ? b->over : NULL, err, sizeof(err))) ==
	    NULL) {
		cmd_err("build", "%s", err);
		return false;
	}
	site = b->site;
	if (*site->base_url == '\0') {
		free((char *)site->base_url);
		site->base_url = xstrdup("http://127.0.0.1:8080");
		fprintf(stderr,
		    "gazette: build: no base URL set (--base-url, "
		    "GAZETTE_BASE_URL or the base_url setting); feeds and "
		    "canonical links use %s\n",
		    site->base_url);
	}
	site->static_build = true;
	if (b->live == NULL)
		site->live_url = site->base_url;
	else if (*b->live != '\0') {
		len = strlen(b->live);
		while (len > 0 && b->live[len - 1] == '/')
			len--;
		site->live_url = xstrndup(b->live, len);
	}
	if (!out_replaceable(b->out, &b->exists, err, sizeof(err))) {
		cmd_err("build", "%s", err);
		return false;
	}
	b->t0 = now_s();
	if (!site_urls(site, b->st, &b->urls, &b->narticles, err,
		sizeof(err))) {
		cmd_err("build", "%s", err);
		return false;
	}
	if (sitemap_parts(site, b->st, (int64_t)time(NULL), &nparts) !=
	    STORE_OK) {
		cmd_err("build", "counting sitemaps: %s", store_errmsg(b->st));
		return false;
	}
	for (i = 1; i <= nparts; i++)
		strs_printf(&b->urls, "/sitemaps/%zu.xml", i);
	store_close(b->st);
	b->st = NULL;
	if (asprintf(&b->tmp, "%s.build-XXXXXX", b->out) < 0)
		abort();
	if (mkdtemp(b->tmp) == NULL) {
		cmd_err("build", "cannot create %s: %s", b->tmp,
		    strerror(errno));
		free(b->tmp);
		b->tmp = NULL;
		return false;
	}
	chmod(b->tmp, 0755);
	return true;
}

/* Renders every page on the worker threads into b->tmp, showing progress,
 * then swaps it in for out. SIGINT and SIGTERM stop it with out as it
 * was. false (and a message) when it did not finish. */
static bool
build_run(struct build *b)
{
	struct job	*j = &b->j;
	struct sigaction sa, oldint, oldterm;
	pthread_t	 th[MAX_THREADS];
	char		 err[1024];
	unsigned	 started = 0, t;
	bool		 tty, ok = false;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &oldint);
	sigaction(SIGTERM, &sa, &oldterm);
	j->site = b->site;
	j->tmp = b->tmp;
	j->urls = b->urls.v;
	j->n = b->urls.n;
	for (t = 0; t < (unsigned)b->nthreads; t++) {
		if (pthread_create(&th[t], NULL, worker, j) != 0) {
			job_fail(j, "cannot start a thread");
			break;
		}
		started++;
	}
	tty = isatty(STDERR_FILENO);
	while (atomic_load(&j->done) < j->n && !atomic_load(&j->failed) &&
	    !interrupted) {
		struct timespec ts = { 0, 100 * 1000 * 1000 };

		progress(j, tty, b->t0);
		nanosleep(&ts, NULL);
	}
	for (t = 0; t < started; t++)
		pthread_join(th[t], NULL);
	if (tty) {
		progress(j, tty, b->t0);
		fputc('\n', stderr);
	}
	if (interrupted)
		cmd_err("build", "interrupted; %s is left as it was", b->out);
	else if (atomic_load(&j->failed))
		cmd_err("build", "%s; nothing was written to %s", j->err,
		    b->out);
	else if (!swap_in(b->tmp, b->out, b->exists, err, sizeof(err)))
		cmd_err("build", "%s; %s is left as it was", err, b->out);
	else {
		free(b->tmp);
		b->tmp = NULL;
		fprintf(stderr,
		    "gazette: build: %zu pages (%zu articles) in "
		    "%s: %zu files, %.1f MiB, and %zu .gz, %.1f MiB; %.2f s "
		    "with %u threads\n",
		    j->n, b->narticles, b->out, atomic_load(&j->files),
		    (double)atomic_load(&j->bytes) / 1048576,
		    atomic_load(&j->gzfiles),
		    (double)atomic_load(&j->gzbytes) / 1048576, now_s() - b->t0,
		    started);
		ok = true;
	}
	sigaction(SIGINT, &oldint, NULL);
	sigaction(SIGTERM, &oldterm, NULL);
	return ok;
}

/* Frees what the build holds; a directory left half-written goes. */
static void
build_free(struct build *b)
{
	if (b->tmp) {
		rm_tree(b->tmp);
		free(b->tmp);
	}
	if (b->site && b->site->live_url &&
	    b->site->live_url != b->site->base_url)
		free((char *)b->site->live_url);
	site_free(b->site);
	store_close(b->st);
	strs_free(&b->urls);
	free(b->out);
	pthread_mutex_destroy(&b->j.mu);
}

int
cmd_build(int argc, char **argv)
{
	struct build b;
	int	     rc;

	memset(&b, 0, sizeof(b));
	pthread_mutex_init(&b.j.mu, NULL);
	if ((rc = build_parse(&b, argc, argv)) < 0)
		rc = build_start(&b) && build_run(&b) ? 0 : 1;
	build_free(&b);
	return rc;
}

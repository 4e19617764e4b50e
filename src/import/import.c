/* import.c: turns Markdown files into stored articles, all or nothing. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "import/import-int.h"
#include "import/import.h"
#include "render/body.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#define MAX_FILE (16u * 1024 * 1024)

struct pathlist {
	char **v;
	size_t n, cap;
};

static void
pl_add(struct pathlist *l, const char *p)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 64;
		l->v = xrealloc(l->v, l->cap * sizeof(*l->v));
	}
	l->v[l->n++] = xstrdup(p);
}

static void
pl_free(struct pathlist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A directory stands for its *.md files (not recursive), in name order so
 * an import is repeatable. */
static bool
expand(const char *path, struct pathlist *out, struct buf *err)
{
	struct stat    st;
	struct dirent *de;
	DIR	      *d;
	size_t	       first = out->n, len;
	char	      *full;

	if (stat(path, &st) != 0) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		return false;
	}
	if (!S_ISDIR(st.st_mode)) {
		pl_add(out, path);
		return true;
	}
	if ((d = opendir(path)) == NULL) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		return false;
	}
	while ((de = readdir(d)) != NULL) {
		len = strlen(de->d_name);
		if (de->d_name[0] == '.' || len < 4 ||
		    strcmp(de->d_name + len - 3, ".md") != 0)
			continue;
		full = xmalloc(strlen(path) + len + 2);
		sprintf(full, "%s/%s", path, de->d_name);
		pl_add(out, full);
		free(full);
	}
	closedir(d);
	qsort(out->v + first, out->n - first, sizeof(*out->v), cmp_str);
	return true;
}

/* Distinct names (tag slugs, bylines) for the report: an open-addressing
 * set of copies, grown at half full. */
struct nameset {
	char **v;
	size_t n, cap;
};

static size_t
name_hash(const char *s)
{
	size_t h = 5381;

	while (*s)
		h = h * 33 + (unsigned char)*s++;
	return h;
}

static void
nameset_add(struct nameset *ns, const char *s)
{
	size_t i, j, oldcap;
	char **old;

	if (*s == '\0')
		return;
	if (ns->n * 2 >= ns->cap) {
		old = ns->v;
		oldcap = ns->cap;
		ns->cap = ns->cap ? ns->cap * 2 : 64;
		ns->v = xcalloc(ns->cap, sizeof(*ns->v));
		for (i = 0; i < oldcap; i++) {
			if (old[i] == NULL)
				continue;
			for (j = name_hash(old[i]) & (ns->cap - 1); ns->v[j];
			     j = (j + 1) & (ns->cap - 1))
				;
			ns->v[j] = old[i];
		}
		free(old);
	}
	for (j = name_hash(s) & (ns->cap - 1); ns->v[j];
	     j = (j + 1) & (ns->cap - 1))
		if (strcmp(ns->v[j], s) == 0)
			return;
	ns->v[j] = xstrdup(s);
	ns->n++;
}

static bool
nameset_has(const struct nameset *ns, const char *s)
{
	size_t j;

	if (ns->cap == 0)
		return false;
	for (j = name_hash(s) & (ns->cap - 1); ns->v[j];
	     j = (j + 1) & (ns->cap - 1))
		if (strcmp(ns->v[j], s) == 0)
			return true;
	return false;
}

static void
nameset_free(struct nameset *ns)
{
	size_t i;

	for (i = 0; i < ns->cap; i++)
		free(ns->v[i]);
	free(ns->v);
	memset(ns, 0, sizeof(*ns));
}

/* What the report counts across every file of one import. */
struct tally {
	struct nameset tags;
	struct nameset authors;
	struct nameset slugs; /* taken in this import */
};

static void
tally_article(struct tally *t, const struct article *a)
{
	struct buf slug = BUF_INIT;
	size_t	   i;

	for (i = 0; i < a->ntags; i++) {
		buf_reset(&slug);
		slugify(&slug, a->tags[i].name, strlen(a->tags[i].name));
		if (slug.len)
			nameset_add(&t->tags, slug.p);
	}
	if (a->author)
		nameset_add(&t->authors, a->author);
	nameset_add(&t->slugs, a->slug);
	buf_free(&slug);
}

static bool
read_file(const char *path, struct buf *into, struct buf *err)
{
	char   chunk[65536];
	size_t n;
	FILE  *f;

	buf_reset(into);
	if ((f = fopen(path, "rb")) == NULL) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		return false;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (into->len + n > IMP_MAX_XML) {
			fclose(f);
			buf_printf(err, "%s: larger than %u MiB", path,
			    IMP_MAX_XML >> 20);
			return false;
		}
		buf_put(into, chunk, n);
	}
	if (ferror(f)) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		fclose(f);
		return false;
	}
	fclose(f);
	buf_put(into, "", 0);
	return true;
}

static void
progress(size_t done, size_t total)
{
	int width = 40, fill = total ? (int)(done * (size_t)width / total) : 0;

	fprintf(stderr, "\rimporting %zu/%zu [%.*s%*s]", done, total, fill,
	    "########################################", width - fill, "");
	if (done == total)
		fputc('\n', stderr);
}

/* Checks and renders one file's text into art (arena memory); the error
 * is "NAME:LINE: problem" or "NAME: problem". */
static bool
load_text(struct arena *a, const char *path, const struct buf *text,
    const struct import_opts *o, struct article *art, struct buf *err)
{
	struct fm_doc	    d;
	struct article_body body;
	struct buf	    tmp = BUF_INIT, ferr = BUF_INIT;
	const char	   *why;
	size_t		    line;
	bool		    ok = false;

	if (text->len > MAX_FILE) {
		buf_printf(err, "%s: larger than 16 MiB", path);
		return false;
	}
	if ((why = text_check(text->p, text->len, true)) != NULL) {
		/* Name the line of the first bad byte: that is what an
		 * author can go and fix. No UTF-8 sequence spans a newline,
		 * so checking line by line finds it. */
		const char *ls = text->p, *le, *fin = text->p + text->len;

		for (line = 1; ls < fin; line++, ls = le + 1) {
			if ((le = memchr(ls, '\n', (size_t)(fin - ls))) == NULL)
				le = fin;
			if (text_check(ls, (size_t)(le - ls), true) != NULL)
				break;
		}
		buf_printf(err, "%s:%zu: text %s", path, line, why);
		return false;
	}
	if (!fm_parse(a, text->p, text->len, &d, &ferr)) {
		buf_printf(err, "%s:%s", path, buf_str(&ferr));
		goto out;
	}
	if ((why = text_check(d.title, strlen(d.title), false)) != NULL) {
		buf_printf(err, "%s: title %s", path, why);
		goto out;
	}
	memset(art, 0, sizeof(*art));
	art->title = d.title;
	if (d.slug)
		art->slug = d.slug;
	else {
		slugify(&tmp, d.title, strlen(d.title));
		if (tmp.len == 0) {
			buf_printf(err,
			    "%s: cannot make a slug from the "
			    "title; give one with 'slug:'",
			    path);
			goto out;
		}
		art->slug = arena_strndup(a, tmp.p, tmp.len);
	}
	art->status = d.status;
	art->format = d.format;
	art->comments_closed = d.comments_closed;
	art->author = d.author ? d.author : "";
	art->published_at =
	    d.has_date ? d.date : (d.status == ARTICLE_DRAFT ? 0 : o->now);
	art->created_at = o->now;
	art->updated_at = o->now;
	/* HTML kept from another system (an export of an import) goes
	 * through the allow-list again, which leaves it as it was. */
	if (!article_body(a, d.format, d.body, d.body_len, d.summary, NULL,
		&body)) {
		buf_printf(err, "%s: the body could not be rendered", path);
		goto out;
	}
	art->body_md = body.source;
	art->body_html = body.html;
	art->body_text = body.text;
	art->summary = body.summary;
	if (d.ntags) {
		size_t i;

		art->tags = arena_alloc(a, d.ntags * sizeof(*art->tags));
		for (i = 0; i < d.ntags; i++)
			art->tags[i].name = d.tags[i];
		art->ntags = d.ntags;
	}
	ok = true;
out:
	buf_free(&tmp);
	buf_free(&ferr);
	return ok;
}

/* An export is XML when its first byte past a byte order mark and blanks
 * is '<'; front matter starts with '-'. */
static bool
isdigit_first(const struct buf *b)
{
	return b->len > 0 && b->p[0] >= '0' && b->p[0] <= '9';
}

static bool
is_xml(const struct buf *t)
{
	size_t i = 0;

	if (t->len >= 3 && memcmp(t->p, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < t->len &&
	    (t->p[i] == ' ' || t->p[i] == '\t' || t->p[i] == '\n' ||
		t->p[i] == '\r'))
		i++;
	return i < t->len && t->p[i] == '<';
}

/* A slug not yet taken, in the store or by this import: the post's own,
 * or it with -2, -3 … (reported). */
static bool
slug_free(struct store *s, struct imp_set *set, struct imp_post *p,
    struct tally *t, struct buf *err)
{
	struct arena   tmp;
	struct article got;
	struct buf     b = BUF_INIT;
	const char    *want = p->art.slug;
	enum store_err e;
	int	       n;

	arena_init(&tmp);
	for (n = 1; n < 1000; n++) {
		buf_reset(&b);
		if (n == 1)
			buf_puts(&b, want);
		else
			buf_printf(&b, "%.*s-%d", 72, want, n);
		if (nameset_has(&t->slugs, b.p))
			continue;
		e = store_article_by_slug(s, &tmp, b.p, &got);
		if (e == STORE_NOTFOUND)
			break;
		if (e != STORE_OK) {
			buf_printf(err, "%s: cannot read: %s", set->file,
			    store_errmsg(s));
			goto fail;
		}
	}
	if (n > 1)
		imp_drop(set, "%s '%s': slug '%s' is taken: imported as '%s'",
		    p->kind, p->art.title, want, b.p);
	p->art.slug = arena_strndup(set->arena, b.p, b.len);
	arena_free(&tmp);
	buf_free(&b);
	return true;
fail:
	arena_free(&tmp);
	buf_free(&b);
	return false;
}

/* One WordPress or Blogger export: parse it whole, then store each post
 * with its old links and comments (inside the caller's transaction). */
static bool
import_xml(struct store *s, const char *path, const struct buf *text,
    const struct import_opts *o, struct import_stats *stats, struct tally *t,
    struct buf *err)
{
	struct arena	 a;
	struct imp_set	 set;
	struct buf	 xerr = BUF_INIT;
	struct imp_post *p;
	enum store_err	 e;
	size_t		 i, j;
	void		*doc;
	bool		 ok = false;

	arena_init(&a);
	memset(&set, 0, sizeof(set));
	set.arena = &a;
	set.file = path;
	set.report = o->report;
	set.now = o->now;
	if ((doc = imp_xml_read(text->p, text->len, &xerr)) == NULL) {
		buf_printf(err, "%s:%s%s", path,
		    isdigit_first(&xerr) ? "" : " ", buf_str(&xerr));
		goto out;
	}
	switch (imp_xml_kind(doc)) {
	case IMP_WXR:
		ok = wxr_read(doc, &set, &xerr);
		break;
	case IMP_BLOGGER:
		ok = blogger_read(doc, &set, &xerr);
		break;
	default:
		buf_printf(&xerr,
		    "XML that is neither a WordPress export "
		    "(WXR) nor a Blogger export (Atom)");
		break;
	}
	imp_xml_free(doc);
	if (!ok) {
		buf_printf(err, "%s: %s", path, buf_str(&xerr));
		goto out;
	}
	ok = false;
	for (i = 0; i < set.n; i++) {
		p = &set.posts[i];
		if (!slug_free(s, &set, p, t, err))
			goto out;
		tally_article(t, &p->art);
		stats->articles++;
		if (strcmp(p->kind, "page") == 0)
			stats->pages++;
		stats->comments += p->ncomments;
		stats->redirects += p->nold;
		if (o->dry_run) {
			if (!imp_comments_store(NULL, &set, p, 0, stats, err))
				goto out;
			continue;
		}
		if ((e = store_article_insert(s, &p->art)) != STORE_OK) {
			buf_printf(err, "%s: %s '%s': cannot store: %s", path,
			    p->kind, p->art.title, store_errmsg(s));
			goto out;
		}
		for (j = 0; j < p->nold; j++)
			if ((e = store_redirect_add(s, p->old[j], p->art.id)) !=
			    STORE_OK) {
				buf_printf(err,
				    "%s: cannot store an old link: "
				    "%s",
				    path, store_errmsg(s));
				goto out;
			}
		if (!imp_comments_store(s, &set, p, p->art.id, stats, err))
			goto out;
	}
	stats->drops += set.drops;
	ok = true;
out:
	buf_free(&xerr);
	arena_free(&a);
	return ok;
}

/*
 * Reading, checking and rendering the files (read_file, load_text) runs on
 * a second thread while this one stores them: the two halves of an import
 * take about the same time, and a machine has two cores or more. The
 * reader runs at most QUEUE_LEN files ahead; the store takes them in file
 * order, so the first bad file in name order is still the one reported,
 * the store's own errors come where they did, and one transaction still
 * stores all or nothing. Only this thread touches the store, the report
 * and stderr.
 */
#define QUEUE_LEN 64

enum job_kind {
	JOB_ARTICLE, /* art, from a Markdown file */
	JOB_XML,     /* text, an export for import_xml */
	JOB_ERROR,   /* err */
	JOB_KIND__MAX
};

struct job {
	enum job_kind  kind;
	struct arena   arena; /* art's strings */
	struct article art;
	struct buf     text; /* the file */
	struct buf     err;
	/* JOB_ARTICLE: its comments file, read here; an error in reading
	 * it is reported after the article's own, as it always was. */
	bool	   side_ok, side_found;
	struct buf side, side_err;
};

struct reader {
	pthread_mutex_t mu;
	pthread_cond_t	ready; /* produced grew */
	pthread_cond_t	room;  /* room for half the queue, or stop */
	size_t		produced, consumed;
	bool		stop;
	/* Who sleeps: a wake-up is a system call, so each side is woken
	 * only when it waits (the reader, usually ahead, only once half
	 * the queue is free, so not once per file). */
	bool			  want_ready, want_room;
	struct job		  q[QUEUE_LEN]; /* file i in q[i % QUEUE_LEN] */
	const struct pathlist	 *files;
	const struct import_opts *o;
};

static void
job_load(struct job *j, const char *path, const struct import_opts *o)
{
	buf_reset(&j->err);
	j->kind = JOB_ERROR;
	if (!read_file(path, &j->text, &j->err))
		return;
	if (is_xml(&j->text))
		j->kind = JOB_XML;
	else if (load_text(&j->arena, path, &j->text, o, &j->art, &j->err)) {
		j->kind = JOB_ARTICLE;
		buf_reset(&j->side_err);
		j->side_ok = imp_sidecar_read(path, &j->side, &j->side_found,
		    &j->side_err);
	}
}

static void *
reader_run(void *arg)
{
	struct reader *r = arg;
	struct job    *j;
	size_t	       i;

	for (i = 0; i < r->files->n; i++) {
		pthread_mutex_lock(&r->mu);
		while (!r->stop && i - r->consumed >= QUEUE_LEN) {
			r->want_room = true;
			pthread_cond_wait(&r->room, &r->mu);
		}
		if (r->stop) {
			pthread_mutex_unlock(&r->mu);
			break;
		}
		pthread_mutex_unlock(&r->mu);
		/* Slot i % QUEUE_LEN is ours until produced passes i: the
		 * store is done with file i - QUEUE_LEN. */
		j = &r->q[i % QUEUE_LEN];
		job_load(j, r->files->v[i], r->o);
		pthread_mutex_lock(&r->mu);
		r->produced = i + 1;
		if (r->want_ready) {
			r->want_ready = false;
			pthread_cond_signal(&r->ready);
		}
		pthread_mutex_unlock(&r->mu);
		if (j->kind == JOB_ERROR)
			break; /* the import ends there */
	}
	return NULL;
}

/* File i, read and rendered: from the reader thread, or made here when
 * there is none. */
static struct job *
reader_take(struct reader *r, bool threaded, size_t i)
{
	struct job *j = &r->q[i % QUEUE_LEN];

	if (!threaded) {
		job_load(j, r->files->v[i], r->o);
		return j;
	}
	pthread_mutex_lock(&r->mu);
	while (r->produced <= i) {
		r->want_ready = true;
		pthread_cond_wait(&r->ready, &r->mu);
	}
	pthread_mutex_unlock(&r->mu);
	return j;
}

static void
reader_done(struct reader *r, bool threaded, size_t i)
{
	/* Per-file memory is dropped as we go so 100,000 files do not pile
	 * up. */
	arena_free(&r->q[i % QUEUE_LEN].arena);
	if (!threaded)
		return;
	pthread_mutex_lock(&r->mu);
	r->consumed = i + 1;
	if (r->want_room && r->produced - r->consumed <= QUEUE_LEN / 2) {
		r->want_room = false;
		pthread_cond_signal(&r->room);
	}
	pthread_mutex_unlock(&r->mu);
}

static void
reader_init(struct reader *r, const struct pathlist *files,
    const struct import_opts *o)
{
	size_t i;

	memset(r, 0, sizeof(*r));
	pthread_mutex_init(&r->mu, NULL);
	pthread_cond_init(&r->ready, NULL);
	pthread_cond_init(&r->room, NULL);
	for (i = 0; i < QUEUE_LEN; i++) {
		arena_init(&r->q[i].arena);
		buf_init(&r->q[i].text, 0);
		buf_init(&r->q[i].err, 0);
		buf_init(&r->q[i].side, 0);
		buf_init(&r->q[i].side_err, 0);
	}
	r->files = files;
	r->o = o;
}

/* Stops the reader thread (when there is one) and frees everything. */
static void
reader_free(struct reader *r, pthread_t *th)
{
	size_t i;

	if (th != NULL) {
		pthread_mutex_lock(&r->mu);
		r->stop = true;
		pthread_cond_signal(&r->room);
		pthread_mutex_unlock(&r->mu);
		pthread_join(*th, NULL);
	}
	for (i = 0; i < QUEUE_LEN; i++) {
		arena_free(&r->q[i].arena);
		buf_free(&r->q[i].text);
		buf_free(&r->q[i].err);
		buf_free(&r->q[i].side);
		buf_free(&r->q[i].side_err);
	}
	pthread_cond_destroy(&r->room);
	pthread_cond_destroy(&r->ready);
	pthread_mutex_destroy(&r->mu);
}

bool
import_files(struct store *s, char *const *paths, size_t npaths,
    const struct import_opts *o, struct import_stats *stats, struct buf *err)
{
	struct pathlist files = { NULL, 0, 0 };
	struct reader  *r;
	struct tally	t;
	struct job     *j;
	pthread_t	th;
	enum store_err	e;
	bool   ok = false, intx = false, threaded = false, bulk = false;
	size_t i, step;

	r = xmalloc(sizeof(*r));
	reader_init(r, &files, o);
	memset(&t, 0, sizeof(t));
	memset(stats, 0, sizeof(*stats));
	for (i = 0; i < npaths; i++)
		if (!expand(paths[i], &files, err))
			goto out;
	if (files.n == 0) {
		buf_printf(err, "no files to import");
		goto out;
	}
	if (!o->dry_run) {
		store_bulk(s);
		bulk = true;
		if ((e = store_begin(s)) != STORE_OK) {
			buf_printf(err, "cannot start a transaction: %s",
			    store_errmsg(s));
			goto out;
		}
		intx = true;
	}
	/* libxml2 sets itself up on first use, which two threads must not
	 * race to do (format: html bodies there, exports here). */
	imp_xml_init();
	/* Without a thread (none to be had) the files load here in turn. */
	threaded = files.n > 1 && pthread_create(&th, NULL, reader_run, r) == 0;
	step = files.n / 100 ? files.n / 100 : 1;
	for (i = 0; i < files.n; i++) {
		j = reader_take(r, threaded, i);
		if (j->kind == JOB_ERROR) {
			buf_put(err, j->err.p, j->err.len);
			goto out;
		}
		if (j->kind == JOB_XML) {
			if (!import_xml(s, files.v[i], &j->text, o, stats, &t,
				err))
				goto out;
			goto next;
		}
		if (o->dry_run && nameset_has(&t.slugs, j->art.slug)) {
			buf_printf(err,
			    "%s: slug '%s' is already taken by "
			    "another article",
			    files.v[i], j->art.slug);
			goto out;
		}
		tally_article(&t, &j->art);
		if (!o->dry_run &&
		    (e = store_article_insert(s, &j->art)) != STORE_OK) {
			if (e == STORE_CONFLICT)
				buf_printf(err,
				    "%s: slug '%s' is already "
				    "taken by another article",
				    files.v[i], j->art.slug);
			else
				buf_printf(err, "%s: cannot store: %s",
				    files.v[i], store_errmsg(s));
			goto out;
		}
		stats->articles++;
		if (!j->side_ok) {
			buf_put(err, j->side_err.p, j->side_err.len);
			goto out;
		}
		if (!imp_comments_sidecar(s, files.v[i],
			j->side_found ? buf_str(&j->side) : NULL, j->side.len,
			&j->art, o, stats, err))
			goto out;
next:
		reader_done(r, threaded, i);
		if (o->progress && (i % step == 0 || i + 1 == files.n))
			progress(i + 1, files.n);
	}
	if (intx) {
		intx = false;
		if ((e = store_commit(s)) != STORE_OK) {
			buf_printf(err, "cannot commit: %s", store_errmsg(s));
			goto out;
		}
	}
	ok = true;
out:
	if (intx)
		store_rollback(s);
	if (bulk)
		store_bulk_end(s);
	stats->tags = t.tags.n;
	stats->authors = t.authors.n;
	nameset_free(&t.tags);
	nameset_free(&t.authors);
	nameset_free(&t.slugs);
	if (!ok)
		memset(stats, 0, sizeof(*stats));
	if (!ok && o->progress)
		fputc('\n', stderr);
	reader_free(r, threaded ? &th : NULL);
	free(r);
	pl_free(&files);
	return ok;
}

bool
import_memory(struct store *s, const char *name, const char *text, size_t len,
    const struct import_opts *o, struct buf *err)
{
	struct buf     t = BUF_INIT;
	struct arena   a;
	struct article art;
	enum store_err e;
	bool	       ok = false;

	arena_init(&a);
	buf_put(&t, text, len);
	if (!load_text(&a, name, &t, o, &art, err))
		goto out;
	if ((e = store_article_insert(s, &art)) != STORE_OK) {
		buf_printf(err, "%s: cannot store: %s", name,
		    e == STORE_CONFLICT ?
			"the slug is already taken" :
			store_errmsg(s));
		goto out;
	}
	ok = true;
out:
	arena_free(&a);
	buf_free(&t);
	return ok;
}

/* store.c: storage domain functions, written once over the driver vtable. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store-int.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/metrics.h"
#include "util/str.h"
#include "util/xalloc.h"

int
store_name_index(const char *const *names, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0)
			return i;
	return -1;
}

static const char *const status_names[ARTICLE_STATUS__MAX] = {
	[ARTICLE_DRAFT] = "draft",
	[ARTICLE_PUBLISHED] = "published",
	[ARTICLE_SCHEDULED] = "scheduled",
};

const char *
article_status_name(enum article_status s)
{
	return s < ARTICLE_STATUS__MAX ? status_names[s] : "draft";
}

bool
article_status_parse(const char *s, enum article_status *out)
{
	int i = store_name_index(status_names, ARTICLE_STATUS__MAX, s);

	if (i < 0)
		return false;
	*out = (enum article_status)i;
	return true;
}

bool
article_is_public(const struct article *a, int64_t now)
{
	return (a->status == ARTICLE_PUBLISHED ||
		   a->status == ARTICLE_SCHEDULED) &&
	    a->published_at <= now;
}

/* NULL for a string that is no database (STORE_URL_BAD). */
static const struct store_driver *
driver_for(const char *url)
{
	switch (store_url_kind(url)) {
	case STORE_URL_PG:
		return &store_driver_pg;
	case STORE_URL_SQLITE:
		return &store_driver_sqlite;
	default:
		return NULL;
	}
}

struct store *
store_open(const char *url, char *err, size_t errlen)
{
	const struct store_driver *drv = driver_for(url);
	struct store		  *s;
	char			   shown[256];
	void			  *conn;

	if (drv == NULL) {
		snprintf(err, errlen,
		    "'%s' is neither a database file path "
		    "nor a postgresql:// URL (for PostgreSQL write "
		    "postgresql://USER@HOST/DB, other settings as ?KEY=VALUE; "
		    "a file whose name has the form KEY=... is written "
		    "./KEY=...)",
		    store_url_printable(url, shown, sizeof(shown)));
		return NULL;
	}
	if ((conn = drv->open(url, err, errlen)) == NULL)
		return NULL;
	s = xcalloc(1, sizeof(*s));
	s->drv = drv;
	s->conn = conn;
	return s;
}

void
store_close(struct store *s)
{
	if (s == NULL)
		return;
	if (s->txdepth > 0)
		s->drv->rollback(s->conn);
	s->drv->close(s->conn);
	free(s);
}

const char *
store_errmsg(const struct store *s)
{
	return s->drv->errmsg(s->conn);
}

const char *
store_driver_name(const struct store *s)
{
	return s->drv->name;
}

static store_change_fn change_fn;
static void	      *change_ctx;

void
store_on_change(store_change_fn fn, void *ctx)
{
	change_fn = fn;
	change_ctx = ctx;
}

struct store_listener {
	const struct store_driver *drv;
	void			  *l;
};

struct store_listener *
store_listen_start(const char *url, store_change_fn fn, void *ctx)
{
	const struct store_driver *drv = driver_for(url);
	struct store_listener	  *sl;
	void			  *l;

	if (drv == NULL || drv->listen_start == NULL ||
	    (l = drv->listen_start(url, fn, ctx)) == NULL)
		return NULL;
	sl = xcalloc(1, sizeof(*sl));
	sl->drv = drv;
	sl->l = l;
	return sl;
}

void
store_listen_stop(struct store_listener *sl)
{
	if (sl == NULL)
		return;
	sl->drv->listen_stop(sl->l);
	free(sl);
}

static void
pend_clear(struct store *s)
{
	s->npend = 0;
	s->pend_all = false;
}

/* The queued keys in keys[]; their number (0: none). */
static size_t
pend_keys(const struct store *s, const char **keys)
{
	size_t i;

	if (s->pend_all) {
		keys[0] = "site";
		return 1;
	}
	for (i = 0; i < s->npend; i++)
		keys[i] = s->pend[i];
	return s->npend;
}

/* The queued keys to every listener on the database, with the open
 * transaction (a failure fails it), or at once outside one. */
static enum store_err
pend_notify(struct store *s)
{
	const char *keys[STORE_PEND_MAX];
	size_t	    n;

	if (s->drv->notify == NULL || (n = pend_keys(s, keys)) == 0)
		return STORE_OK;
	return s->drv->notify(s->conn, keys, n);
}

/* Hands the queued keys to the hook (after a commit, or a write outside
 * a transaction). */
static void
pend_flush(struct store *s)
{
	const char *keys[STORE_PEND_MAX];
	size_t	    n;

	if (change_fn != NULL && (n = pend_keys(s, keys)) > 0)
		change_fn(change_ctx, keys, n);
	pend_clear(s);
}

void
store_changed(struct store *s, const char *fmt, ...)
{
	char	key[sizeof(s->pend[0])];
	va_list ap;
	size_t	i;
	int	n;

	va_start(ap, fmt);
	n = vsnprintf(key, sizeof(key), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(key))
		s->pend_all = true;
	else {
		for (i = 0; i < s->npend; i++)
			if (strcmp(s->pend[i], key) == 0)
				break;
		if (i == s->npend && s->npend < STORE_PEND_MAX)
			memcpy(s->pend[s->npend++], key, (size_t)n + 1);
		else if (i == s->npend)
			s->pend_all = true; /* a big batch: everything */
	}
	if (s->txdepth == 0) {
		/* The write is in: a notification that fails now is made
		 * up for by the cache's time limit. */
		(void)pend_notify(s);
		pend_flush(s);
	}
}

void
store_bulk(struct store *s)
{
	if (s->drv->bulk != NULL && s->txdepth == 0)
		s->drv->bulk(s->conn);
}

void
store_bulk_end(struct store *s)
{
	if (s->drv->bulk_end != NULL && s->txdepth == 0)
		s->drv->bulk_end(s->conn);
}

void
store_read_begin(struct store *s)
{
	if (s == NULL || s->txdepth > 0 || s->reading ||
	    s->drv->read_begin == NULL)
		return;
	s->reading = s->drv->read_begin(s->conn) == STORE_OK;
}

void
store_read_end(struct store *s)
{
	if (s == NULL || !s->reading)
		return;
	s->reading = false;
	s->drv->read_end(s->conn);
}

enum store_err
store_begin(struct store *s)
{
	enum store_err e;

	store_read_end(s);
	if (s->txdepth++ > 0)
		return s->txfailed ? STORE_ERROR : STORE_OK;
	s->txfailed = false;
	s->txdeferred = false;
	pend_clear(s);
	if ((e = s->drv->begin(s->conn)) != STORE_OK)
		s->txdepth = 0;
	return e;
}

enum store_err
store_commit(struct store *s)
{
	enum store_err e;

	if (s->txdepth == 0)
		return STORE_ERROR;
	if (--s->txdepth > 0)
		return s->txfailed ? STORE_ERROR : STORE_OK;
	if (s->txfailed) {
		s->drv->rollback(s->conn);
		pend_clear(s);
		return STORE_ERROR;
	}
	if ((e = pend_notify(s)) != STORE_OK ||
	    (e = s->drv->commit(s->conn)) != STORE_OK) {
		s->drv->rollback(s->conn);
		pend_clear(s);
	} else
		pend_flush(s);
	return e;
}

void
store_rollback(struct store *s)
{
	if (s->txdepth == 0)
		return;
	if (--s->txdepth > 0) {
		s->txfailed = true;
		return;
	}
	s->drv->rollback(s->conn);
	s->txfailed = false;
	pend_clear(s);
}

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

_Atomic unsigned char store_stmt_ran[ST__MAX];

/* Every statement of the domain code passes here, so this is where the
 * time spent in the database is measured (row callbacks included) and
 * where the conformance suite learns which statements ran. */
enum store_err
store_exec(struct store *s, enum stmt st, const struct sval *p, size_t n,
    store_row_fn fn, void *ctx)
{
	int64_t	       t0 = mono_us();
	enum store_err e;

	store_stmt_ran[st] = 1;
	e = s->drv->exec(s->conn, st, p, n, fn, ctx);
	metrics_db(mono_us() - t0);
	return e;
}

#define NPARAMS(a) (sizeof(a) / sizeof((a)[0]))

static int
row_int(void *ctx, const struct sval *c, size_t n)
{
	if (n > 0)
		*(int64_t *)ctx = c[0].i;
	return 1;
}

/* Every backend has the same migration versions (the store unit test
 * compares the lists), so the newest SQLite one speaks for all. */
int
store_schema_latest(void)
{
	return (int)migrations_sqlite[migrations_sqlite_n - 1].version;
}

/* Reads only: a database without the bookkeeping table is at version 0.
 * (Creating the table here would race with a migrating process on a shared
 * PostgreSQL; store_migrate creates it under its lock.) */
enum store_err
store_schema_version(struct store *s, int *version)
{
	int64_t	       v = 0, exists = 0;
	enum store_err e;

	e = store_exec(s, ST_MIGRATION_TABLE_EXISTS, NULL, 0, row_int, &exists);
	if (e == STORE_OK && exists)
		e = store_exec(s, ST_MIGRATION_VERSION, NULL, 0, row_int, &v);
	*version = (int)v;
	return e;
}

/* Set once at start (main.c), read by migrations only. */
static store_body_text_fn body_text_fn;

void
store_on_body_text(store_body_text_fn fn)
{
	body_text_fn = fn;
}

/* The applied versions below 64 as bits (all there are, for now; the
 * newest version still guards any above). */
static int
row_applied(void *ctx, const struct sval *c, size_t n)
{
	if (n > 0 && c[0].i >= 0 && c[0].i < 64)
		*(uint64_t *)ctx |= UINT64_C(1) << c[0].i;
	return 0;
}

enum store_err
store_migrate(struct store *s, int *version)
{
	const struct migration *m = s->drv->migrations;
	size_t			i, n = *s->drv->nmigrations;
	uint64_t		done = 0;
	enum store_err		e;
	bool			applied = false;
	int			cur = 0;

	/* The version is read inside the write transaction, after the
	 * backend's migration lock, so two processes starting at once cannot
	 * both apply the same migration. */
	if ((e = store_begin(s)) != STORE_OK)
		return e;
	if (s->drv->lock_migrations != NULL &&
	    (e = s->drv->lock_migrations(s->conn)) != STORE_OK)
		goto out;
	if ((e = s->drv->script(s->conn,
		 "CREATE TABLE IF NOT EXISTS schema_migrations ("
		 " version INTEGER PRIMARY KEY,"
		 " name TEXT NOT NULL,"
		 " applied_at BIGINT NOT NULL)")) != STORE_OK)
		goto out;
	if ((e = store_schema_version(s, &cur)) != STORE_OK)
		goto out;
	/* Every migration not yet recorded, in order: not only those above
	 * the newest, so one written beside a newer one (two branches of
	 * work, merged) still runs. */
	if ((e = store_exec(s, ST_MIGRATION_APPLIED, NULL, 0, row_applied,
		 &done)) != STORE_OK)
		goto out;
	for (i = 0; i < n; i++) {
		if (m[i].version < 64 && (done & (UINT64_C(1) << m[i].version)))
			continue;
		if (m[i].version >= 64 && m[i].version <= cur)
			continue;
		if ((e = s->drv->script(s->conn, m[i].sql)) != STORE_OK)
			goto out;
		struct sval p[] = { P_INT(m[i].version), P_TEXT(m[i].name),
			P_INT((int64_t)time(NULL)) };
		if ((e = store_exec(s, ST_MIGRATION_RECORD, p, NPARAMS(p), NULL,
			 NULL)) != STORE_OK)
			goto out;
		if (m[i].version > cur)
			cur = m[i].version;
		applied = true;
	}
	if (applied)
		e = store_search_backfill(s, body_text_fn);
	if (applied && e == STORE_OK)
		e = store_author_slug_backfill(s);
out:
	if (e != STORE_OK) {
		store_rollback(s);
		return e;
	}
	if ((e = store_commit(s)) == STORE_OK && version)
		*version = cur;
	return e;
}

/* Settings */

struct str_out {
	struct arena *arena;
	const char   *s;
	bool	      found;
};

static int
row_str(void *ctx, const struct sval *c, size_t n)
{
	struct str_out *o = ctx;

	if (n > 0) {
		o->s = arena_strndup(o->arena, c[0].s ? c[0].s : "", c[0].n);
		o->found = true;
	}
	return 1;
}

enum store_err
store_setting_get(struct store *s, struct arena *a, const char *key,
    const char **value)
{
	struct str_out o = { a, NULL, false };
	struct sval    p[] = { P_TEXT(key) };
	enum store_err e;

	if ((e = store_exec(s, ST_SETTING_GET, p, 1, row_str, &o)) != STORE_OK)
		return e;
	if (!o.found)
		return STORE_NOTFOUND;
	*value = o.s;
	return STORE_OK;
}

enum store_err
store_setting_set(struct store *s, const char *key, const char *value)
{
	struct sval    p[] = { P_TEXT(key), P_TEXT(value) };
	enum store_err e;

	if ((e = store_exec(s, ST_SETTING_SET, p, NPARAMS(p), NULL, NULL)) ==
	    STORE_OK)
		store_changed(s, "site");
	return e;
}

/* Articles */

/* Links article id to a's tags (by slug, creating tags as needed). */
static enum store_err
add_tags(struct store *s, int64_t id, const struct article *a)
{
	struct buf     slug = BUF_INIT;
	enum store_err e = STORE_OK;
	int64_t	       tag_id;
	size_t	       i;

	for (i = 0; i < a->ntags && e == STORE_OK; i++) {
		buf_reset(&slug);
		slugify(&slug, a->tags[i].name, strlen(a->tags[i].name));
		if (slug.len == 0)
			continue;
		/* Most tags exist: looking first spares the upsert's write
		 * of the tag row. */
		struct sval sp[] = { P_TEXTN(slug.p, slug.len) };
		tag_id = 0;
		if ((e = store_exec(s, ST_TAG_ID, sp, 1, row_int, &tag_id)) !=
		    STORE_OK)
			break;
		if (tag_id == 0) {
			struct sval tp[] = { P_TEXT(a->tags[i].name),
				P_TEXTN(slug.p, slug.len) };
			if ((e = store_exec(s, ST_TAG_UPSERT, tp, 2, row_int,
				 &tag_id)) != STORE_OK)
				break;
		}
		struct sval ap[] = { P_INT(id), P_INT(tag_id) };
		e = store_exec(s, ST_ARTICLE_TAG_ADD, ap, 2, NULL, NULL);
	}
	buf_free(&slug);
	return e;
}

/* The tag ids an ST_ARTICLE_TAGS_CLEAR unlinked. */
struct tag_ids {
	int64_t *v;
	size_t	 n, cap;
};

static int
row_tag_id(void *ctx, const struct sval *c, size_t n)
{
	struct tag_ids *t = ctx;

	if (n == 0)
		return 0;
	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 16;
		t->v = xrealloc(t->v, t->cap * sizeof(*t->v));
	}
	t->v[t->n++] = c[0].i;
	return 0;
}

/*
 * Unlinks article id from its tags, their ids into *t (the caller frees
 * t->v), for tags_prune once the article has its new links, or none.
 */
static enum store_err
tags_unlink(struct store *s, int64_t id, struct tag_ids *t)
{
	struct sval p[] = { P_INT(id) };

	return store_exec(s, ST_ARTICLE_TAGS_CLEAR, p, 1, row_tag_id, t);
}

/*
 * A tag lives as long as an article links it: the tags in t that lost
 * their last link go, so no name an editor typed once and took back (or
 * that only a deleted article had) stays in the store. Inside the
 * caller's transaction; each driver's ST_TAG_PRUNE says how it keeps a
 * tag another transaction is linking right now.
 */
static enum store_err
tags_prune(struct store *s, const struct tag_ids *t)
{
	enum store_err e = STORE_OK;
	size_t	       i;

	for (i = 0; i < t->n && e == STORE_OK; i++) {
		struct sval p[] = { P_INT(t->v[i]) };

		e = store_exec(s, ST_TAG_PRUNE, p, 1, NULL, NULL);
	}
	return e;
}

/* The author slug of a's byline into b (empty for no byline). */
static void
author_slug(struct buf *b, const struct article *a)
{
	buf_reset(b);
	if (a->author)
		byline_slug(b, a->author, strlen(a->author));
}

#define AUTHOR_BATCH 64

struct author_rows {
	char  *names[AUTHOR_BATCH];
	size_t n;
};

static int
row_author(void *ctx, const struct sval *c, size_t n)
{
	struct author_rows *r = ctx;

	if (n < 1 || r->n == AUTHOR_BATCH)
		return 1;
	r->names[r->n++] = xstrndup(c[0].s ? c[0].s : "", c[0].n);
	return 0;
}

/* Bylines in batches, in order, each past the last: one the slug of
 * which is empty (blanks) stays without and is not read again. */
enum store_err
store_author_slug_backfill(struct store *s)
{
	struct author_rows r;
	struct buf	   slug = BUF_INIT;
	char		  *last = xstrdup("");
	enum store_err	   e;
	size_t		   i;

	do {
		r.n = 0;
		struct sval p[] = { P_INT(AUTHOR_BATCH), P_TEXT(last) };
		e = store_exec(s, ST_AUTHOR_SLUG_MISSING, p, NPARAMS(p),
		    row_author, &r);
		for (i = 0; i < r.n; i++) {
			buf_reset(&slug);
			byline_slug(&slug, r.names[i], strlen(r.names[i]));
			struct sval q[] = { P_TEXT(r.names[i]),
				P_TEXTN(buf_str(&slug), slug.len) };
			if (e == STORE_OK)
				e = store_exec(s, ST_AUTHOR_SLUG_SET, q,
				    NPARAMS(q), NULL, NULL);
			free(last);
			last = r.names[i];
		}
	} while (e == STORE_OK && r.n == AUTHOR_BATCH);
	free(last);
	buf_free(&slug);
	if (e == STORE_OK)
		store_changed(s, "list");
	return e;
}

/* Records a's current state as revision a->version. */
static enum store_err
add_revision(struct store *s, const struct article *a, const char *editor,
    int64_t now)
{
	struct buf     tags = BUF_INIT;
	enum store_err e;
	size_t	       i;

	for (i = 0; i < a->ntags; i++)
		buf_printf(&tags, "%s%s", i ? ", " : "", a->tags[i].name);
	struct sval p[] = { P_INT(a->id), P_INT(a->version),
		P_TEXT(editor ? editor : ""), P_TEXT(a->title), P_TEXT(a->slug),
		P_TEXT(a->summary ? a->summary : ""),
		P_TEXT(a->body_md ? a->body_md : ""),
		P_TEXTN(buf_str(&tags), tags.len),
		P_TEXT(article_status_name(a->status)), P_INT(a->published_at),
		P_INT(now), P_TEXT(body_format_name(a->format)) };
	e = store_exec(s, ST_REVISION_ADD, p, NPARAMS(p), NULL, NULL);
	buf_free(&tags);
	return e;
}

/*
 * The row goes in with its search text (body_text, tags_text) already
 * there, so the insert trigger indexes the article once. Setting the text
 * after the insert, as an edit does, made FTS5 index the article twice and
 * wrote its row twice: most of an import's time. So the article's id is
 * taken first and its tags are linked before the row exists (foreign keys
 * deferred to the commit for that): the tags' triggers find no article and
 * leave the index alone, and the insert reads the tags' text as
 * ST_SEARCH_SET_TEXT would.
 */
enum store_err
store_article_insert(struct store *s, struct article *a)
{
	const char    *md = a->body_md ? a->body_md : "", *text = a->body_text;
	struct buf     aslug = BUF_INIT;
	int64_t	       id = 0;
	enum store_err e;

	if (text == NULL)
		return STORE_INVALID; /* the caller renders, not the store */
	if ((e = store_begin(s)) != STORE_OK)
		return e;
	author_slug(&aslug, a);
	e = store_exec(s, ST_ARTICLE_NEXT_ID, NULL, 0, row_int, &id);
	if (e == STORE_OK && a->ntags > 0 && !s->txdeferred &&
	    (e = store_exec(s, ST_COPY_DEFER_FKS, NULL, 0, NULL, NULL)) ==
		STORE_OK)
		s->txdeferred = true;
	if (e == STORE_OK && a->ntags > 0)
		e = add_tags(s, id, a);
	if (e == STORE_OK) {
		struct sval p[] = {
			P_TEXT(a->slug),
			P_TEXT(a->title),
			P_TEXT(a->summary ? a->summary : ""),
			P_TEXT(md),
			P_TEXT(a->body_html ? a->body_html : ""),
			P_TEXT(a->author ? a->author : ""),
			P_TEXT(article_status_name(a->status)),
			P_INT(a->published_at),
			P_INT(a->created_at),
			P_INT(a->updated_at),
			P_INT(a->comments_closed),
			P_INT(a->author_id),
			P_TEXT(body_format_name(a->format)),
			P_TEXT(text),
			P_INT(id),
			P_TEXTN(buf_str(&aslug), aslug.len),
		};
		a->id = 0;
		e = store_exec(s, ST_ARTICLE_INSERT, p, NPARAMS(p), row_int,
		    &a->id);
	}
	buf_free(&aslug);
	a->version = 1;
	if (e == STORE_OK)
		e = add_revision(s, a, a->author, a->created_at);
	if (e == STORE_OK) {
		store_changed(s, "article:%lld", (long long)a->id);
		store_changed(s, "list");
	}
	if (e != STORE_OK) {
		store_rollback(s);
		return e;
	}
	return store_commit(s);
}

enum store_err
store_article_update(struct store *s, struct article *a, const char *editor,
    int64_t now)
{
	struct tag_ids old = { 0 };
	struct buf     aslug = BUF_INIT;
	int64_t	       version = 0;
	enum store_err e;

	if (a->body_text == NULL)
		return STORE_INVALID; /* the caller renders, not the store */
	if ((e = store_begin(s)) != STORE_OK)
		return e;
	author_slug(&aslug, a);
	{
		struct sval p[] = {
			P_INT(a->id),
			P_TEXT(a->slug),
			P_TEXT(a->title),
			P_TEXT(a->summary ? a->summary : ""),
			P_TEXT(a->body_md ? a->body_md : ""),
			P_TEXT(a->body_html ? a->body_html : ""),
			P_TEXT(a->author ? a->author : ""),
			P_TEXT(article_status_name(a->status)),
			P_INT(a->published_at),
			P_INT(now),
			P_INT(a->comments_closed),
			P_INT(a->version),
			P_TEXT(body_format_name(a->format)),
			P_TEXTN(buf_str(&aslug), aslug.len),
		};
		e = store_exec(s, ST_ARTICLE_UPDATE, p, NPARAMS(p), row_int,
		    &version);
	}
	buf_free(&aslug);
	if (e == STORE_OK && version == 0) {
		/* No row at that version: gone, or saved by someone else
		 * since this copy was read. */
		struct arena   ar;
		struct article cur;

		arena_init(&ar);
		e = store_article_by_id(s, &ar, a->id, &cur) == STORE_OK ?
		    STORE_STALE :
		    STORE_NOTFOUND;
		arena_free(&ar);
	}
	if (e == STORE_OK) {
		a->version = version;
		a->updated_at = now;
		e = tags_unlink(s, a->id, &old);
	}
	if (e == STORE_OK)
		e = add_tags(s, a->id, a);
	if (e == STORE_OK)
		e = tags_prune(s, &old);
	free(old.v);
	if (e == STORE_OK)
		e = store_search_set_plain(s, a->id, a->body_text,
		    strlen(a->body_text));
	if (e == STORE_OK)
		e = add_revision(s, a, editor, now);
	if (e == STORE_OK) {
		store_changed(s, "article:%lld", (long long)a->id);
		store_changed(s, "list");
	}
	if (e != STORE_OK) {
		store_rollback(s);
		return e;
	}
	return store_commit(s);
}

/*
 * Comments go with their article by ON DELETE CASCADE, and so do replies
 * with their parent: left to itself, a chain of replies is deleted one
 * level of cascade per reply, which SQLite stops at 1,000 levels
 * ("too many levels of trigger recursion") however few comments there
 * are. Unthreading the article's comments first leaves the cascade one
 * level deep whatever the data: threads written before the depth cap,
 * or by hand.
 */
enum store_err
store_article_delete(struct store *s, int64_t id)
{
	struct sval    p[] = { P_INT(id) };
	struct tag_ids old = { 0 };
	int64_t	       got = 0;
	enum store_err e;

	if ((e = store_begin(s)) != STORE_OK)
		return e;
	if ((e = tags_unlink(s, id, &old)) == STORE_OK &&
	    (e = store_exec(s, ST_ARTICLE_COMMENTS_UNTHREAD, p, 1, NULL,
		 NULL)) == STORE_OK &&
	    (e = store_exec(s, ST_ARTICLE_DELETE, p, 1, row_int, &got)) ==
		STORE_OK &&
	    got == 0)
		e = STORE_NOTFOUND;
	if (e == STORE_OK)
		e = tags_prune(s, &old);
	free(old.v);
	/* Nothing was there to change: no failure of an enclosing
	 * transaction either. */
	if (e == STORE_NOTFOUND)
		return (e = store_commit(s)) == STORE_OK ? STORE_NOTFOUND : e;
	if (e != STORE_OK) {
		store_rollback(s);
		return e;
	}
	store_changed(s, "article:%lld", (long long)id);
	store_changed(s, "comments:%lld", (long long)id);
	store_changed(s, "list");
	return store_commit(s);
}

static const char *
col_str(struct arena *a, const struct sval *c)
{
	return arena_strndup(a, c->s ? c->s : "", c->t == SV_TEXT ? c->n : 0);
}

static int
row_article(void *ctx, const struct sval *c, size_t n)
{
	struct article_rows *r = ctx;
	struct article	    *a, *grown;

	if (n < ARTICLE_NCOLS)
		return 1;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		grown = arena_alloc(r->arena, r->cap * sizeof(*grown));
		if (r->n)
			memcpy(grown, r->items, r->n * sizeof(*grown));
		r->items = grown;
	}
	a = &r->items[r->n++];
	memset(a, 0, sizeof(*a));
	a->id = c[0].i;
	a->slug = col_str(r->arena, &c[1]);
	a->title = col_str(r->arena, &c[2]);
	a->summary = col_str(r->arena, &c[3]);
	a->author = col_str(r->arena, &c[4]);
	if (!article_status_parse(col_str(r->arena, &c[5]), &a->status))
		a->status = ARTICLE_DRAFT;
	a->published_at = c[6].i;
	a->created_at = c[7].i;
	a->updated_at = c[8].i;
	a->comment_count = c[9].i;
	a->comments_closed = c[10].i != 0;
	a->body_md = col_str(r->arena, &c[11]);
	a->body_html = col_str(r->arena, &c[12]);
	a->version = c[13].i;
	a->author_id = c[14].i;
	if (!body_format_parse(col_str(r->arena, &c[15]), &a->format))
		a->format = BODY_MARKDOWN;
	return 0;
}

int
store_row_article(void *ctx, const struct sval *c, size_t n)
{
	return row_article(ctx, c, n);
}

struct tag_rows {
	struct arena *arena;
	struct tag   *items;
	size_t	      n, cap;
};

static int
row_tag(void *ctx, const struct sval *c, size_t n)
{
	struct tag_rows *r = ctx;
	struct tag	*grown;

	if (n < 2)
		return 1;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 4;
		grown = arena_alloc(r->arena, r->cap * sizeof(*grown));
		if (r->n)
			memcpy(grown, r->items, r->n * sizeof(*grown));
		r->items = grown;
	}
	r->items[r->n].name = col_str(r->arena, &c[0]);
	r->items[r->n].slug = col_str(r->arena, &c[1]);
	r->items[r->n].count = n > 2 ? c[2].i : 0;
	r->n++;
	return 0;
}

static enum store_err
load_tags(struct store *s, struct arena *arena, struct article *a)
{
	struct tag_rows r = { arena, NULL, 0, 0 };
	struct sval	p[] = { P_INT(a->id) };
	enum store_err	e;

	e = store_exec(s, ST_ARTICLE_TAGS, p, 1, row_tag, &r);
	a->tags = r.items;
	a->ntags = r.n;
	return e;
}

enum store_err
store_article_by_slug(struct store *s, struct arena *arena, const char *slug,
    struct article *out)
{
	struct article_rows r = { arena, NULL, 0, 0 };
	/* Parameters 2..9 are unused by this statement but keep ?10 (with
	 * body) at the same place as in the listings. */
	struct sval    p[] = { P_TEXT(slug), P_NULL, P_NULL, P_NULL, P_NULL,
		   P_NULL, P_NULL, P_NULL, P_NULL, P_INT(1) };
	enum store_err e;

	if ((e = store_exec(s, ST_ARTICLE_BY_SLUG, p, NPARAMS(p), row_article,
		 &r)) != STORE_OK)
		return e;
	if (r.n == 0)
		return STORE_NOTFOUND;
	*out = r.items[0];
	return load_tags(s, arena, out);
}

enum store_err
store_article_by_id(struct store *s, struct arena *arena, int64_t id,
    struct article *out)
{
	struct article_rows r = { arena, NULL, 0, 0 };
	struct sval p[] = { P_INT(id), P_NULL, P_NULL, P_NULL, P_NULL, P_NULL,
		P_NULL, P_NULL, P_NULL, P_INT(1) };
	enum store_err e;

	if ((e = store_exec(s, ST_ARTICLE_BY_ID, p, NPARAMS(p), row_article,
		 &r)) != STORE_OK)
		return e;
	if (r.n == 0)
		return STORE_NOTFOUND;
	*out = r.items[0];
	return load_tags(s, arena, out);
}

struct rev_rows {
	struct arena	*arena;
	struct revision *items;
	size_t		 n, cap;
};

static int
row_revision(void *ctx, const struct sval *c, size_t n)
{
	struct rev_rows *r = ctx;
	struct revision *v, *grown;

	if (n < 13)
		return 1;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 8;
		grown = arena_alloc(r->arena, r->cap * sizeof(*grown));
		if (r->n)
			memcpy(grown, r->items, r->n * sizeof(*grown));
		r->items = grown;
	}
	v = &r->items[r->n++];
	v->id = c[0].i;
	v->article_id = c[1].i;
	v->version = c[2].i;
	v->editor = col_str(r->arena, &c[3]);
	v->title = col_str(r->arena, &c[4]);
	v->slug = col_str(r->arena, &c[5]);
	v->summary = col_str(r->arena, &c[6]);
	v->body_md = col_str(r->arena, &c[7]);
	v->tags = col_str(r->arena, &c[8]);
	if (!article_status_parse(col_str(r->arena, &c[9]), &v->status))
		v->status = ARTICLE_DRAFT;
	v->published_at = c[10].i;
	v->created_at = c[11].i;
	if (!body_format_parse(col_str(r->arena, &c[12]), &v->format))
		v->format = BODY_MARKDOWN;
	return 0;
}

enum store_err
store_revision_list(struct store *s, struct arena *arena, int64_t article_id,
    struct revision **out, size_t *n)
{
	struct rev_rows r = { arena, NULL, 0, 0 };
	struct sval	p[] = { P_INT(article_id) };
	enum store_err	e;

	e = store_exec(s, ST_REVISION_LIST, p, 1, row_revision, &r);
	*out = r.items;
	*n = r.n;
	return e;
}

enum store_err
store_revision_get(struct store *s, struct arena *arena, int64_t id,
    struct revision *out)
{
	struct rev_rows r = { arena, NULL, 0, 0 };
	struct sval	p[] = { P_INT(id) };
	enum store_err	e;

	if ((e = store_exec(s, ST_REVISION_GET, p, 1, row_revision, &r)) !=
	    STORE_OK)
		return e;
	if (r.n == 0)
		return STORE_NOTFOUND;
	*out = r.items[0];
	return STORE_OK;
}

/* Ends a listing read with one row past limit: that row only says more. */
static enum store_err
list_finish(struct store *s, struct arena *arena, struct article_rows *r,
    size_t limit, struct article_list *out)
{
	enum store_err e;
	size_t	       i;

	out->more = r->n > limit;
	out->n = r->n > limit ? limit : r->n;
	out->items = r->items;
	for (i = 0; i < out->n; i++)
		if ((e = load_tags(s, arena, &out->items[i])) != STORE_OK)
			return e;
	return STORE_OK;
}

enum store_err
store_article_list(struct store *s, struct arena *arena,
    const struct article_filter *f, struct article_list *out)
{
	struct article_rows r = { arena, NULL, 0, 0 };
	size_t		    limit = f->limit ? f->limit : 20;
	enum stmt	    st;
	enum store_err	    e;

	if (limit > 1000)
		limit = 1000;
	struct sval p[] = {
		P_INT(f->public),
		P_INT(f->now),
		f->author ? P_TEXT(f->author) : P_NULL,
		P_INT(f->from),
		P_INT(f->to),
		P_INT(f->before_time),
		P_INT(f->before_id),
		P_INT((int64_t)limit + 1),
		P_INT((int64_t)f->offset),
		P_INT(f->with_body),
		f->tag_slug ? P_TEXT(f->tag_slug) : P_NULL,
		f->status ? P_TEXT(f->status) : P_NULL,
		P_INT(f->author_id),
		f->author_slug ? P_TEXT(f->author_slug) : P_NULL,
	};
	if (!f->public)
		st = f->tag_slug ? ST_ARTICLE_LIST_TAG : ST_ARTICLE_LIST;
	else if (f->tag_slug)
		st = ST_ARTICLE_LIST_TAG_PUBLIC;
	else if (f->author_slug)
		st = ST_ARTICLE_LIST_AUTHOR_SLUG_PUBLIC;
	else
		st = f->author ?
		    ST_ARTICLE_LIST_AUTHOR_PUBLIC :
		    ST_ARTICLE_LIST_PUBLIC;
	e = store_exec(s, st, p, NPARAMS(p), row_article, &r);
	if (e != STORE_OK)
		return e;
	return list_finish(s, arena, &r, limit, out);
}

enum store_err
store_article_all(struct store *s, struct arena *arena, int64_t after_id,
    size_t limit, struct article_list *out)
{
	struct article_rows r = { arena, NULL, 0, 0 };
	/* ?10 (with body) sits where the other article statements have it. */
	struct sval p[] = { P_INT(after_id), P_INT((int64_t)limit + 1), P_NULL,
		P_NULL, P_NULL, P_NULL, P_NULL, P_NULL, P_NULL, P_INT(1) };
	enum store_err e;
	size_t	       i;

	if ((e = store_exec(s, ST_ARTICLE_ALL, p, NPARAMS(p), row_article,
		 &r)) != STORE_OK)
		return e;
	out->more = r.n > limit;
	out->n = r.n > limit ? limit : r.n;
	out->items = r.items;
	for (i = 0; i < out->n; i++)
		if ((e = load_tags(s, arena, &out->items[i])) != STORE_OK)
			return e;
	return STORE_OK;
}

enum store_err
store_article_next_public(struct store *s, int64_t now, int64_t *when)
{
	struct sval p[] = { P_INT(now) };

	*when = 0;
	return store_exec(s, ST_ARTICLE_NEXT_PUBLIC, p, 1, row_int, when);
}

enum store_err
store_article_count(struct store *s, bool public, int64_t now, int64_t *count)
{
	struct sval p[] = { P_INT(now) };

	*count = 0;
	if (public)
		return store_exec(s, ST_ARTICLE_COUNT_PUBLIC, p, 1, row_int,
		    count);
	return store_exec(s, ST_ARTICLE_COUNT_ALL, NULL, 0, row_int, count);
}

enum store_err
store_tag_list(struct store *s, struct arena *arena, int64_t now,
    struct tag **out, size_t *n)
{
	struct tag_rows r = { arena, NULL, 0, 0 };
	struct sval	p[] = { P_INT(now) };
	enum store_err	e;

	e = store_exec(s, ST_TAG_LIST, p, 1, row_tag, &r);
	*out = r.items;
	*n = r.n;
	return e;
}

enum store_err
store_tag_by_slug(struct store *s, struct arena *arena, const char *slug,
    int64_t now, struct tag *out)
{
	struct tag_rows r = { arena, NULL, 0, 0 };
	struct sval	p[] = { P_TEXT(slug), P_INT(now) };
	enum store_err	e;

	if ((e = store_exec(s, ST_TAG_BY_SLUG, p, NPARAMS(p), row_tag, &r)) !=
	    STORE_OK)
		return e;
	if (r.n == 0)
		return STORE_NOTFOUND;
	*out = r.items[0];
	return STORE_OK;
}

enum store_err
store_article_query(struct store *s, struct arena *arena,
    const struct article_query *q, struct article_list *out)
{
	struct article_rows r = { arena, NULL, 0, 0 };
	size_t		    limit = q->limit ? q->limit : 20;
	struct buf	    like = BUF_INIT;
	const char	   *p;
	enum store_err	    e;

	if (limit > 1000)
		limit = 1000;
	/* The search text is matched literally: LIKE's own wildcards in it
	 * are escaped, and spaces between words match anything. */
	if (q->title_like != NULL) {
		buf_putc(&like, '%');
		for (p = q->title_like; *p; p++) {
			if (*p == '%' || *p == '_' || *p == '\\')
				buf_putc(&like, '\\');
			buf_putc(&like, *p == ' ' ? '%' : *p);
		}
		buf_putc(&like, '%');
	}
	struct sval pr[] = {
		q->any_status ? P_NULL : P_TEXT(article_status_name(q->status)),
		P_INT(q->author_id),
		q->tag_slug ? P_TEXT(q->tag_slug) : P_NULL,
		q->title_like ? P_TEXTN(buf_str(&like), like.len) : P_NULL,
		P_INT((int64_t)limit + 1),
		P_INT((int64_t)q->offset),
		P_NULL,
		P_NULL,
		P_NULL,
		P_INT(0),
	};
	e = store_exec(s, ST_ARTICLE_ADMIN_LIST, pr, NPARAMS(pr), row_article,
	    &r);
	buf_free(&like);
	if (e != STORE_OK)
		return e;
	return list_finish(s, arena, &r, limit, out);
}

enum store_err
store_article_count_status(struct store *s, enum article_status st,
    int64_t author_id, int64_t *count)
{
	struct sval p[] = { P_TEXT(article_status_name(st)), P_INT(author_id) };

	*count = 0;
	return store_exec(s, ST_ARTICLE_STATUS_COUNT, p, NPARAMS(p), row_int,
	    count);
}

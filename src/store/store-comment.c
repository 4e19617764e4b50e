/* store-comment.c: storage of reader comments, over the driver vtable. */
#include <stdlib.h>
#include <string.h>

#include "store/store-int.h"
#include "util/arena.h"

#define NPARAMS(a)    (sizeof(a) / sizeof((a)[0]))
#define COMMENT_NCOLS 15

static const char *const cstatus_names[COMMENT_STATUS__MAX] = {
	[COMMENT_PENDING] = "pending",
	[COMMENT_APPROVED] = "approved",
	[COMMENT_SPAM] = "spam",
	[COMMENT_DELETED] = "deleted",
};

const char *
comment_status_name(enum comment_status s)
{
	return s < COMMENT_STATUS__MAX ? cstatus_names[s] : "pending";
}

bool
comment_status_parse(const char *s, enum comment_status *out)
{
	int i = store_name_index(cstatus_names, COMMENT_STATUS__MAX, s);

	if (i < 0)
		return false;
	*out = (enum comment_status)i;
	return true;
}

static int
row_int(void *ctx, const struct sval *c, size_t n)
{
	if (n > 0)
		*(int64_t *)ctx = c[0].i;
	return 1;
}

struct comment_rows {
	struct arena   *arena;
	struct comment *items;
	size_t		n, cap;
};

static const char *
col_str(struct arena *a, const struct sval *c)
{
	return arena_strndup(a, c->t == SV_TEXT ? c->s : "",
	    c->t == SV_TEXT ? c->n : 0);
}

static int
row_comment(void *ctx, const struct sval *c, size_t n)
{
	struct comment_rows *r = ctx;
	struct comment	    *m, *grown;
	const char	    *status;

	if (n < COMMENT_NCOLS)
		return 1;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		grown = arena_alloc(r->arena, r->cap * sizeof(*grown));
		if (r->n)
			memcpy(grown, r->items, r->n * sizeof(*grown));
		r->items = grown;
	}
	m = &r->items[r->n++];
	memset(m, 0, sizeof(*m));
	m->id = c[0].i;
	m->article_id = c[1].i;
	m->parent_id = c[2].i;
	m->thread_id = c[3].i;
	m->depth = c[4].i;
	m->author = col_str(r->arena, &c[5]);
	m->email = col_str(r->arena, &c[6]);
	m->url = col_str(r->arena, &c[7]);
	m->body_md = col_str(r->arena, &c[8]);
	m->body_html = col_str(r->arena, &c[9]);
	status = col_str(r->arena, &c[10]);
	if (!comment_status_parse(status, &m->status))
		m->status = COMMENT_PENDING;
	m->client_hash = col_str(r->arena, &c[11]);
	m->spam_score = c[12].d;
	m->created_at = c[13].i;
	m->updated_at = c[14].i;
	return 0;
}

/*
 * Where a reply goes, the one place that decides it for posts and imports
 * alike: under its parent, one level deeper, unless the parent is at
 * COMMENT_DEPTH_MAX; then beside it, under the nearest ancestor above the
 * cap. Rows written before the cap (or by hand) may be deeper still, so
 * this climbs as far as it must, one level a step, at most as many steps
 * as the parent's depth says (a loop of parents written by hand cannot
 * hold it). Past that the depth is clamped: nothing written is deeper
 * than the cap.
 */
static enum store_err
comment_place(struct store *s, struct comment *c)
{
	struct comment p;
	struct arena   a;
	enum store_err e;
	int64_t	       id = c->parent_id, steps = -1;

	arena_init(&a);
	for (;;) {
		if ((e = store_comment_get(s, &a, id, &p)) == STORE_NOTFOUND ||
		    (e == STORE_OK && p.article_id != c->article_id)) {
			e = STORE_INVALID;
			goto out;
		}
		if (e != STORE_OK)
			goto out;
		if (steps < 0)
			steps = p.depth;
		if (p.depth < COMMENT_DEPTH_MAX || p.parent_id == 0 ||
		    steps-- <= 0)
			break;
		id = p.parent_id;
	}
	c->parent_id = p.id;
	c->thread_id = p.thread_id;
	c->depth =
	    p.depth < COMMENT_DEPTH_MAX ? p.depth + 1 : COMMENT_DEPTH_MAX;
out:
	arena_free(&a);
	return e;
}

enum store_err
store_comment_insert(struct store *s, struct comment *c)
{
	enum store_err e;

	if ((e = store_begin(s)) != STORE_OK)
		return e;
	c->thread_id = c->depth = 0;
	if (c->parent_id != 0 && (e = comment_place(s, c)) != STORE_OK)
		goto out;
	{
		struct sval p[] = {
			P_INT(c->article_id),
			c->parent_id ? P_INT(c->parent_id) : P_NULL,
			P_INT(c->thread_id),
			P_INT(c->depth),
			P_TEXT(c->author),
			P_TEXT(c->email ? c->email : ""),
			P_TEXT(c->url ? c->url : ""),
			P_TEXT(c->body_md),
			P_TEXT(c->body_html),
			P_TEXT(comment_status_name(c->status)),
			P_TEXT(c->client_hash ? c->client_hash : ""),
			((struct sval){ .t = SV_REAL, .d = c->spam_score }),
			P_INT(c->created_at),
			P_TEXT(c->commenter ? c->commenter : ""),
		};
		c->id = 0;
		if ((e = store_exec(s, ST_COMMENT_INSERT, p, NPARAMS(p),
			 row_int, &c->id)) != STORE_OK)
			goto out;
	}
	if (c->parent_id == 0) {
		struct sval p[] = { P_INT(c->id) };

		c->thread_id = c->id;
		if ((e = store_exec(s, ST_COMMENT_SET_THREAD, p, 1, NULL,
			 NULL)) != STORE_OK)
			goto out;
	}
	if (c->updated_at > c->created_at) {
		struct sval p[] = { P_INT(c->id), P_INT(c->updated_at) };

		if ((e = store_exec(s, ST_COMMENT_SET_UPDATED, p, 2, NULL,
			 NULL)) != STORE_OK)
			goto out;
	}
	if (c->status == COMMENT_APPROVED) {
		struct sval p[] = { P_INT(c->article_id), P_INT(1) };

		if ((e = store_exec(s, ST_ARTICLE_COMMENT_ADD, p, 2, NULL,
			 NULL)) != STORE_OK)
			goto out;
	}
out:
	if (e != STORE_OK) {
		store_rollback(s);
		return e;
	}
	store_changed(s, "comments:%lld", (long long)c->article_id);
	if (c->status == COMMENT_APPROVED)
		store_changed(s, "counts");
	return store_commit(s);
}

enum store_err
store_comment_get(struct store *s, struct arena *a, int64_t id,
    struct comment *out)
{
	struct comment_rows r = { a, NULL, 0, 0 };
	struct sval	    p[] = { P_INT(id) };
	enum store_err	    e;

	if ((e = store_exec(s, ST_COMMENT_GET, p, 1, row_comment, &r)) !=
	    STORE_OK)
		return e;
	if (r.n == 0)
		return STORE_NOTFOUND;
	*out = r.items[0];
	return STORE_OK;
}

/*
 * Every change of a comment's status, whoever asks (the admin's queue,
 * the API's PATCH and DELETE, the command line): the status, the
 * article's count, and what the verdict says of the commenter. Approval
 * is what makes a commenter trusted under moderation policy "first" (an
 * email address, which anyone can type, never is); a spam verdict takes
 * that back. Holding or deleting judges no one. Inside the caller's
 * transaction.
 */
static enum store_err
status_write(struct store *s, const struct comment *old,
    enum comment_status status, int64_t now)
{
	struct sval p[] = { P_INT(old->id), P_TEXT(comment_status_name(status)),
		P_INT(now) };
	struct sval q[] = { P_INT(old->article_id) };
	struct sval t[] = { P_INT(old->id), P_INT(now) };
	enum store_err e;

	if ((e = store_exec(s, ST_COMMENT_SET_STATUS, p, NPARAMS(p), NULL,
		 NULL)) != STORE_OK)
		return e;
	if (status == COMMENT_APPROVED)
		e = store_exec(s, ST_COMMENTER_TRUST, t, NPARAMS(t), NULL,
		    NULL);
	else if (status == COMMENT_SPAM)
		e = store_exec(s, ST_COMMENTER_DISTRUST, t, 1, NULL, NULL);
	if (e != STORE_OK)
		return e;
	/* A recount rather than +1/-1: moderation is rare, and this way a
	 * count that ever drifted heals itself. */
	if ((e = store_exec(s, ST_ARTICLE_COMMENT_RECOUNT, q, 1, NULL, NULL)) !=
	    STORE_OK)
		return e;
	store_changed(s, "comments:%lld", (long long)old->article_id);
	store_changed(s, "counts");
	return STORE_OK;
}

enum store_err
store_comment_set_status(struct store *s, int64_t id,
    enum comment_status status, int64_t now)
{
	struct arena   a;
	struct comment c;
	enum store_err e;

	arena_init(&a);
	if ((e = store_begin(s)) != STORE_OK)
		goto done;
	if ((e = store_comment_get(s, &a, id, &c)) != STORE_OK)
		goto out;
	e = status_write(s, &c, status, now);
out:
	if (e != STORE_OK)
		store_rollback(s);
	else
		e = store_commit(s);
done:
	arena_free(&a);
	return e;
}

enum store_err
store_commenter_trusted(struct store *s, const char *commenter, bool *trusted)
{
	int64_t	       one = 0;
	enum store_err e;

	*trusted = false;
	if (commenter == NULL || *commenter == '\0')
		return STORE_OK;
	{
		struct sval p[] = { P_TEXT(commenter) };

		e = store_exec(s, ST_COMMENTER_TRUSTED, p, 1, row_int, &one);
	}
	*trusted = e == STORE_OK && one != 0;
	return e;
}

struct id_rows {
	struct arena *arena;
	int64_t	     *ids;
	size_t	      n, cap;
};

static int
row_id(void *ctx, const struct sval *c, size_t n)
{
	struct id_rows *r = ctx;
	int64_t	       *grown;

	if (n < 1)
		return 1;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 64;
		grown = arena_alloc(r->arena, r->cap * sizeof(*grown));
		if (r->n)
			memcpy(grown, r->ids, r->n * sizeof(*grown));
		r->ids = grown;
	}
	r->ids[r->n++] = c[0].i;
	return 0;
}

enum store_err
store_comment_threads(struct store *s, struct arena *a, int64_t article_id,
    int64_t after_thread, size_t nthreads, struct comment_list *out)
{
	struct id_rows	    ids = { a, NULL, 0, 0 };
	struct comment_rows r = { a, NULL, 0, 0 };
	enum store_err	    e;
	int64_t		    last;

	memset(out, 0, sizeof(*out));
	if (nthreads == 0)
		nthreads = 100;
	{
		struct sval p[] = { P_INT(article_id), P_INT(after_thread),
			P_INT((int64_t)nthreads + 1) };

		if ((e = store_exec(s, ST_COMMENT_THREAD_IDS, p, NPARAMS(p),
			 row_id, &ids)) != STORE_OK)
			return e;
	}
	if (ids.n == 0)
		return STORE_OK;
	last = ids.n > nthreads ? ids.ids[nthreads - 1] : ids.ids[ids.n - 1];
	if (ids.n > nthreads)
		out->next_after = last;
	{
		struct sval
		    p[] = { P_INT(article_id), P_INT(ids.ids[0]), P_INT(last) };

		if ((e = store_exec(s, ST_COMMENT_THREAD_ITEMS, p, NPARAMS(p),
			 row_comment, &r)) != STORE_OK)
			return e;
	}
	out->items = r.items;
	out->n = r.n;
	return STORE_OK;
}

enum store_err
store_comment_recent(struct store *s, struct arena *a, int64_t article_id,
    size_t limit, struct comment_list *out)
{
	struct comment_rows r = { a, NULL, 0, 0 };
	struct sval	    p[] = { P_INT(article_id), P_INT((int64_t)limit) };
	enum store_err	    e;

	memset(out, 0, sizeof(*out));
	e = store_exec(s, ST_COMMENT_RECENT, p, NPARAMS(p), row_comment, &r);
	out->items = r.items;
	out->n = r.n;
	return e;
}

enum store_err
store_comment_list(struct store *s, struct arena *a, int status,
    int64_t article_id, size_t limit, struct comment_list *out)
{
	struct comment_rows r = { a, NULL, 0, 0 };
	struct sval	    p[] = {
			status >= 0 && status < COMMENT_STATUS__MAX ?
			    P_TEXT(comment_status_name((enum comment_status)status)) :
			    P_NULL,
		P_INT(article_id),
		P_INT((int64_t)limit),
	};
	enum store_err e;

	memset(out, 0, sizeof(*out));
	e = store_exec(s, ST_COMMENT_LIST, p, NPARAMS(p), row_comment, &r);
	out->items = r.items;
	out->n = r.n;
	return e;
}

enum store_err
store_comment_page(struct store *s, struct arena *a, int64_t article_id,
    int status, int64_t after_id, size_t limit, struct comment_list *out)
{
	struct comment_rows r = { a, NULL, 0, 0 };
	enum store_err	    e;

	memset(out, 0, sizeof(*out));
	if (limit == 0 || limit > 1000)
		limit = 1000;
	{
		struct sval p[] = {
			P_INT(article_id),
			status >= 0 && status < COMMENT_STATUS__MAX ?
			    P_TEXT(comment_status_name(
				(enum comment_status)status)) :
			    P_NULL,
			P_INT(after_id),
			P_INT((int64_t)limit + 1),
		};

		if ((e = store_exec(s, ST_COMMENT_ARTICLE_PAGE, p, NPARAMS(p),
			 row_comment, &r)) != STORE_OK)
			return e;
	}
	/* One row past the page says whether another page follows. */
	if (r.n > limit) {
		r.n = limit;
		out->next_after = r.items[limit - 1].id;
	}
	out->items = r.items;
	out->n = r.n;
	return STORE_OK;
}

enum store_err
store_comment_update(struct store *s, const struct comment *c)
{
	struct arena   a;
	struct comment old;
	enum store_err e;

	arena_init(&a);
	if ((e = store_begin(s)) != STORE_OK)
		goto done;
	if ((e = store_comment_get(s, &a, c->id, &old)) != STORE_OK)
		goto out;
	{
		struct sval p[] = { P_INT(c->id), P_TEXT(c->author),
			P_TEXT(c->url ? c->url : ""), P_TEXT(c->body_md),
			P_TEXT(c->body_html), P_INT(c->updated_at) };

		if ((e = store_exec(s, ST_COMMENT_EDIT, p, NPARAMS(p), NULL,
			 NULL)) != STORE_OK)
			goto out;
	}
	if (c->status != old.status &&
	    (e = status_write(s, &old, c->status, c->updated_at)) != STORE_OK)
		goto out;
	store_changed(s, "comments:%lld", (long long)old.article_id);
out:
	if (e != STORE_OK)
		store_rollback(s);
	else
		e = store_commit(s);
done:
	arena_free(&a);
	return e;
}

static const char *const verdict_names[SPAM_VERDICT__MAX] = {
	[SPAM_NONE] = "",
	[SPAM_HAM] = "ham",
	[SPAM_SPAM] = "spam",
};

const char *
spam_verdict_name(enum spam_verdict v)
{
	return (unsigned)v < SPAM_VERDICT__MAX ? verdict_names[v] : "";
}

static enum spam_verdict
verdict_parse(const struct sval *c)
{
	if (c->t == SV_TEXT && c->n == 3 && memcmp(c->s, "ham", 3) == 0)
		return SPAM_HAM;
	if (c->t == SV_TEXT && c->n == 4 && memcmp(c->s, "spam", 4) == 0)
		return SPAM_SPAM;
	return SPAM_NONE;
}

struct queue_rows {
	struct comment_rows   r;
	struct comment_queue *q;
	size_t		      cap;
};

static int
row_queue(void *ctx, const struct sval *c, size_t n)
{
	struct queue_rows	  *qr = ctx;
	struct comment_queue_item *it, *grown;
	struct arena		  *a = qr->r.arena;
	const char		  *status;

	if (n < COMMENT_NCOLS + 5)
		return 1;
	/* One comment through the common reader, then its article. */
	qr->r.n = 0;
	if (row_comment(&qr->r, c, n) != 0)
		return 1;
	if (qr->q->n == qr->cap) {
		qr->cap = qr->cap ? qr->cap * 2 : 32;
		grown = arena_alloc(a, qr->cap * sizeof(*grown));
		if (qr->q->n)
			memcpy(grown, qr->q->items, qr->q->n * sizeof(*grown));
		qr->q->items = grown;
	}
	it = &qr->q->items[qr->q->n++];
	memset(it, 0, sizeof(*it));
	it->c = qr->r.items[0];
	it->article.id = it->c.article_id;
	it->article.slug = col_str(a, &c[COMMENT_NCOLS]);
	it->article.title = col_str(a, &c[COMMENT_NCOLS + 1]);
	status = col_str(a, &c[COMMENT_NCOLS + 2]);
	if (!article_status_parse(status, &it->article.status))
		it->article.status = ARTICLE_DRAFT;
	it->article.published_at = c[COMMENT_NCOLS + 3].i;
	it->trained = verdict_parse(&c[COMMENT_NCOLS + 4]);
	return 0;
}

enum store_err
store_comment_queue(struct store *s, struct arena *a,
    enum comment_status status, int64_t before_id, size_t limit,
    struct comment_queue *out)
{
	struct queue_rows qr = { { a, NULL, 0, 0 }, out, 0 };
	struct sval	  p[] = { P_TEXT(comment_status_name(status)),
		      P_INT(before_id), P_INT((int64_t)limit + 1) };
	enum store_err	  e;

	memset(out, 0, sizeof(*out));
	if (limit == 0 || limit > 1000)
		return STORE_INVALID;
	if ((e = store_exec(s, ST_COMMENT_QUEUE, p, NPARAMS(p), row_queue,
		 &qr)) != STORE_OK)
		return e;
	/* One row past the page says whether another page follows. */
	if (out->n > limit) {
		out->n = limit;
		out->next_before = out->items[limit - 1].c.id;
	}
	return STORE_OK;
}

enum store_err
store_comment_count_status(struct store *s, enum comment_status status,
    int64_t *n)
{
	struct sval p[] = { P_TEXT(comment_status_name(status)) };

	*n = 0;
	return store_exec(s, ST_COMMENT_COUNT_STATUS, p, 1, row_int, n);
}

enum store_err
store_comment_edit(struct store *s, int64_t id, const char *author,
    const char *url, const char *body_md, const char *body_html, int64_t now)
{
	struct sval    p[] = { P_INT(id), P_TEXT(author), P_TEXT(url),
		   P_TEXT(body_md), P_TEXT(body_html), P_INT(now) };
	struct comment c;
	struct arena   a;
	enum store_err e;

	/* The comment must exist (an UPDATE of nothing is no error), and
	 * its article's pages are what the edit changes. */
	arena_init(&a);
	if ((e = store_comment_get(s, &a, id, &c)) == STORE_OK &&
	    (e = store_exec(s, ST_COMMENT_EDIT, p, NPARAMS(p), NULL, NULL)) ==
		STORE_OK)
		store_changed(s, "comments:%lld", (long long)c.article_id);
	arena_free(&a);
	return e;
}

struct trained_row {
	bool		  found;
	enum spam_verdict v;
};

static int
row_trained(void *ctx, const struct sval *c, size_t n)
{
	struct trained_row *t = ctx;

	if (n < 1)
		return 1;
	t->found = true;
	t->v = verdict_parse(&c[0]);
	return 1;
}

enum store_err
store_comment_trained(struct store *s, int64_t id, enum spam_verdict *out)
{
	struct trained_row t = { false, SPAM_NONE };
	struct sval	   p[] = { P_INT(id) };
	enum store_err	   e;

	*out = SPAM_NONE;
	if ((e = store_exec(s, ST_COMMENT_TRAINED_GET, p, 1, row_trained,
		 &t)) != STORE_OK)
		return e;
	if (!t.found)
		return STORE_NOTFOUND;
	*out = t.v;
	return STORE_OK;
}

enum store_err
store_comment_set_trained(struct store *s, int64_t id, enum spam_verdict v)
{
	struct sval p[] = { P_INT(id), P_TEXT(spam_verdict_name(v)) };

	return store_exec(s, ST_COMMENT_TRAINED_SET, p, NPARAMS(p), NULL, NULL);
}

/* store-comment.c: storage of reader comments, over the driver vtable. */
#include <stdlib.h>
#include <string.h>

#include "store/store-int.h"
#include "util/arena.h"

#define NPARAMS(a)	(sizeof(a) / sizeof((a)[0]))
#define COMMENT_NCOLS	15

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
	int i;

	for (i = 0; i < COMMENT_STATUS__MAX; i++)
		if (strcmp(s, cstatus_names[i]) == 0) {
			*out = (enum comment_status)i;
			return true;
		}
	return false;
}

static enum store_err
exec(struct store *s, enum stmt st, const struct sval *p, size_t n,
    store_row_fn fn, void *ctx)
{
	return store_exec(s, st, p, n, fn, ctx);
}

static int
row_int(void *ctx, const struct sval *c, size_t n)
{
	if (n > 0)
		*(int64_t *)ctx = c[0].i;
	return 1;
}

struct comment_rows {
	struct arena	*arena;
	struct comment	*items;
	size_t		 n, cap;
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
	struct comment *m, *grown;
	const char *status;

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

enum store_err
store_comment_insert(struct store *s, struct comment *c)
{
	enum store_err e;

	if ((e = store_begin(s)) != STORE_OK)
		return e;
	{
		struct sval p[] = {
			P_INT(c->article_id),
			c->parent_id ? P_INT(c->parent_id) : P_NULL,
			P_INT(c->parent_id ? c->thread_id : 0),
			P_INT(c->parent_id ? c->depth : 0),
			P_TEXT(c->author), P_TEXT(c->email ? c->email : ""),
			P_TEXT(c->url ? c->url : ""), P_TEXT(c->body_md),
			P_TEXT(c->body_html),
			P_TEXT(comment_status_name(c->status)),
			P_TEXT(c->client_hash ? c->client_hash : ""),
			((struct sval){ .t = SV_REAL, .d = c->spam_score }),
			P_INT(c->created_at),
		};
		c->id = 0;
		if ((e = exec(s, ST_COMMENT_INSERT, p, NPARAMS(p), row_int,
		    &c->id)) != STORE_OK)
			goto out;
	}
	if (c->parent_id == 0) {
		struct sval p[] = { P_INT(c->id) };

		c->thread_id = c->id;
		c->depth = 0;
		if ((e = exec(s, ST_COMMENT_SET_THREAD, p, 1, NULL, NULL)) !=
		    STORE_OK)
			goto out;
	}
	if (c->status == COMMENT_APPROVED) {
		struct sval p[] = { P_INT(c->article_id), P_INT(1) };

		if ((e = exec(s, ST_ARTICLE_COMMENT_ADD, p, 2, NULL, NULL)) !=
		    STORE_OK)
			goto out;
	}
out:
	if (e != STORE_OK) {
		store_rollback(s);
		return e;
	}
	return store_commit(s);
}

enum store_err
store_comment_get(struct store *s, struct arena *a, int64_t id,
    struct comment *out)
{
	struct comment_rows r = { a, NULL, 0, 0 };
	struct sval p[] = { P_INT(id) };
	enum store_err e;

	if ((e = exec(s, ST_COMMENT_GET, p, 1, row_comment, &r)) != STORE_OK)
		return e;
	if (r.n == 0)
		return STORE_NOTFOUND;
	*out = r.items[0];
	return STORE_OK;
}

enum store_err
store_comment_set_status(struct store *s, int64_t id,
    enum comment_status status, int64_t now)
{
	struct arena a;
	struct comment c;
	enum store_err e;

	arena_init(&a);
	if ((e = store_begin(s)) != STORE_OK)
		goto done;
	if ((e = store_comment_get(s, &a, id, &c)) != STORE_OK)
		goto out;
	{
		struct sval p[] = { P_INT(id),
		    P_TEXT(comment_status_name(status)), P_INT(now) };

		if ((e = exec(s, ST_COMMENT_SET_STATUS, p, NPARAMS(p), NULL,
		    NULL)) != STORE_OK)
			goto out;
	}
	/* A recount rather than +1/-1: moderation is rare, and this way a
	 * count that ever drifted heals itself. */
	{
		struct sval p[] = { P_INT(c.article_id) };

		e = exec(s, ST_ARTICLE_COMMENT_RECOUNT, p, 1, NULL, NULL);
	}
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
store_comment_email_trusted(struct store *s, const char *email,
    bool *trusted)
{
	struct sval p[] = { P_TEXT(email) };
	int64_t one = 0;
	enum store_err e;

	*trusted = false;
	if (*email == '\0')
		return STORE_OK;
	e = exec(s, ST_COMMENT_EMAIL_APPROVED, p, 1, row_int, &one);
	*trusted = one != 0;
	return e;
}

struct id_rows {
	struct arena	*arena;
	int64_t		*ids;
	size_t		 n, cap;
};

static int
row_id(void *ctx, const struct sval *c, size_t n)
{
	struct id_rows *r = ctx;
	int64_t *grown;

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
	struct id_rows ids = { a, NULL, 0, 0 };
	struct comment_rows r = { a, NULL, 0, 0 };
	enum store_err e;
	int64_t last;

	memset(out, 0, sizeof(*out));
	if (nthreads == 0)
		nthreads = 100;
	{
		struct sval p[] = { P_INT(article_id), P_INT(after_thread),
		    P_INT((int64_t)nthreads + 1) };

		if ((e = exec(s, ST_COMMENT_THREAD_IDS, p, NPARAMS(p), row_id,
		    &ids)) != STORE_OK)
			return e;
	}
	if (ids.n == 0)
		return STORE_OK;
	last = ids.n > nthreads ? ids.ids[nthreads - 1] : ids.ids[ids.n - 1];
	if (ids.n > nthreads)
		out->next_after = last;
	{
		struct sval p[] = { P_INT(article_id), P_INT(ids.ids[0]),
		    P_INT(last) };

		if ((e = exec(s, ST_COMMENT_THREAD_ITEMS, p, NPARAMS(p),
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
	struct sval p[] = { P_INT(article_id), P_INT((int64_t)limit) };
	enum store_err e;

	memset(out, 0, sizeof(*out));
	e = exec(s, ST_COMMENT_RECENT, p, NPARAMS(p), row_comment, &r);
	out->items = r.items;
	out->n = r.n;
	return e;
}

enum store_err
store_comment_list(struct store *s, struct arena *a, int status,
    int64_t article_id, size_t limit, struct comment_list *out)
{
	struct comment_rows r = { a, NULL, 0, 0 };
	struct sval p[] = {
		status >= 0 && status < COMMENT_STATUS__MAX ?
		    P_TEXT(comment_status_name((enum comment_status)status)) :
		    P_NULL,
		P_INT(article_id), P_INT((int64_t)limit),
	};
	enum store_err e;

	memset(out, 0, sizeof(*out));
	e = exec(s, ST_COMMENT_LIST, p, NPARAMS(p), row_comment, &r);
	out->items = r.items;
	out->n = r.n;
	return e;
}

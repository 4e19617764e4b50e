/* store-search.c: full-text search and crawler listings over the driver. */
#include <stdlib.h>
#include <string.h>

#include "search/query.h"
#include "store/store-int.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/xalloc.h"

#define NPARAMS(a)     (sizeof(a) / sizeof((a)[0]))
#define BACKFILL_BATCH 256

enum store_err
store_search_set_plain(struct store *s, int64_t id, const char *text,
    size_t len)
{
	struct sval p[] = { P_INT(id), P_TEXTN(text, len) };

	return store_exec(s, ST_SEARCH_SET_TEXT, p, NPARAMS(p), NULL, NULL);
}

struct backfill {
	int64_t		 ids[BACKFILL_BATCH];
	char		*bodies[BACKFILL_BATCH];
	enum body_format formats[BACKFILL_BATCH];
	size_t		 n;
};

static int
row_backfill(void *ctx, const struct sval *c, size_t n)
{
	struct backfill *b = ctx;

	if (n < 3 || b->n == BACKFILL_BATCH)
		return 1;
	b->ids[b->n] = c[0].i;
	b->bodies[b->n] = xstrndup(c[1].s ? c[1].s : "", c[1].n);
	if (c[2].t != SV_TEXT ||
	    !body_format_parse(c[2].s ? c[2].s : "", &b->formats[b->n]))
		b->formats[b->n] = BODY_MARKDOWN;
	b->n++;
	return 0;
}

/* In batches by id, because an UPDATE may not run on the rows a SELECT
 * is still stepping over, and a whole site's bodies need not be in
 * memory at once. */
enum store_err
store_search_backfill(struct store *s, store_body_text_fn fn)
{
	struct backfill b;
	struct buf	text = BUF_INIT;
	int64_t		last = 0;
	enum store_err	e = STORE_OK;
	size_t		i;

	do {
		b.n = 0;
		struct sval p[] = { P_INT(last), P_INT(BACKFILL_BATCH) };
		e = store_exec(s, ST_SEARCH_BACKFILL, p, NPARAMS(p),
		    row_backfill, &b);
		if (e == STORE_OK && b.n > 0 && fn == NULL)
			e = STORE_UNSUPPORTED;
		for (i = 0; i < b.n; i++) {
			if (e == STORE_OK) {
				buf_reset(&text);
				fn(&text, b.formats[i], b.bodies[i],
				    strlen(b.bodies[i]));
				e = store_search_set_plain(s, b.ids[i],
				    buf_str(&text), text.len);
			}
			free(b.bodies[i]);
			last = b.ids[i];
		}
	} while (e == STORE_OK && b.n == BACKFILL_BATCH);
	buf_free(&text);
	return e;
}

struct hit_rows {
	struct article_rows r;
	const char	  **snippets;
	size_t		    cap;
};

static int
row_hit(void *ctx, const struct sval *c, size_t n)
{
	struct hit_rows *h = ctx;
	const char     **grown;
	size_t		 before = h->r.n;

	if (n < ARTICLE_NCOLS + 1 || store_row_article(&h->r, c, n) != 0 ||
	    h->r.n == before)
		return 1;
	if (h->r.n > h->cap) {
		h->cap = h->r.cap;
		grown = arena_alloc(h->r.arena, h->cap * sizeof(*grown));
		if (before)
			memcpy(grown, h->snippets, before * sizeof(*grown));
		h->snippets = grown;
	}
	h->snippets[before] = arena_strndup(h->r.arena,
	    c[ARTICLE_NCOLS].s ? c[ARTICLE_NCOLS].s : "",
	    c[ARTICLE_NCOLS].t == SV_TEXT ? c[ARTICLE_NCOLS].n : 0);
	return 0;
}

enum store_err
store_search(struct store *s, struct arena *arena, const struct search_query *q,
    int64_t now, size_t offset, size_t limit, struct search_result *out)
{
	return store_search_budget(s, arena, q, now, offset, limit, 0, out);
}

/* The budget is the driver's (a progress handler and a shorter busy
 * timeout on SQLite, statement_timeout on PostgreSQL), set around the one
 * statement and lifted after it, so no other statement on the connection
 * runs under it. */
enum store_err
store_search_budget(struct store *s, struct arena *arena,
    const struct search_query *q, int64_t now, size_t offset, size_t limit,
    int64_t budget_ms, struct search_result *out)
{
	struct hit_rows h = { { arena, NULL, 0, 0 }, NULL, 0 };
	struct buf	expr = BUF_INIT;
	enum store_err	e, e2;
	size_t		i;
	bool		timed;

	memset(out, 0, sizeof(*out));
	if (s->drv->search_expr == NULL)
		return STORE_ERROR;
	if (limit == 0 || limit > 100)
		limit = 20;
	timed = budget_ms > 0 && s->drv->budget != NULL && s->txdepth == 0;
	if (timed && (e = s->drv->budget(s->conn, budget_ms)) != STORE_OK)
		return e;
	s->drv->search_expr(q, &expr);
	struct sval p[] = { P_TEXTN(buf_str(&expr), expr.len), P_INT(now),
		P_INT((int64_t)limit + 1), P_INT((int64_t)offset) };
	e = store_exec(s, ST_SEARCH, p, NPARAMS(p), row_hit, &h);
	buf_free(&expr);
	if (timed && (e2 = s->drv->budget(s->conn, 0)) != STORE_OK &&
	    e == STORE_OK)
		e = e2;
	if (e != STORE_OK)
		return e;
	out->more = h.r.n > limit;
	out->n = h.r.n > limit ? limit : h.r.n;
	out->items = arena_alloc(arena,
	    (out->n ? out->n : 1) * sizeof(*out->items));
	for (i = 0; i < out->n; i++) {
		out->items[i].article = h.r.items[i];
		out->items[i].snippet = h.snippets[i];
	}
	return STORE_OK;
}

struct each_ctx {
	store_article_fn fn;
	void		*ctx;
	struct arena	 arena;
};

static int
row_each(void *ctx, const struct sval *c, size_t n)
{
	struct each_ctx *x = ctx;
	struct article	 a;
	int		 rc;

	if (n < 5)
		return 1;
	memset(&a, 0, sizeof(a));
	a.id = c[0].i;
	a.slug = arena_strndup(&x->arena, c[1].s ? c[1].s : "", c[1].n);
	a.title = arena_strndup(&x->arena, c[2].s ? c[2].s : "", c[2].n);
	a.published_at = c[3].i;
	a.updated_at = c[4].i;
	a.status = ARTICLE_PUBLISHED;
	rc = x->fn(x->ctx, &a);
	/* Each row's strings die with it: a walk over every article of a
	 * large site must not grow memory. */
	arena_free(&x->arena);
	return rc;
}

enum store_err
store_article_each_public(struct store *s, int64_t now, int64_t from,
    size_t offset, size_t limit, store_article_fn fn, void *ctx)
{
	struct each_ctx x = { fn, ctx, { 0 } };
	enum store_err	e;

	arena_init(&x.arena);
	struct sval p[] = { P_INT(now), P_INT(from), P_INT((int64_t)limit),
		P_INT((int64_t)offset) };
	e = store_exec(s, ST_ARTICLE_EACH_PUBLIC, p, NPARAMS(p), row_each, &x);
	arena_free(&x.arena);
	return e;
}

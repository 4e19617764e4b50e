/* store-redirect.c: old links of imported articles (WordPress, Blogger). */
#include <string.h>

#include "store/store-int.h"
#include "util/arena.h"

struct id_out {
	int64_t id;
	bool	found;
};

static int
row_id(void *ctx, const struct sval *c, size_t n)
{
	struct id_out *o = ctx;

	if (n > 0) {
		o->id = c[0].i;
		o->found = true;
	}
	return 1;
}

enum store_err
store_redirect_add(struct store *s, const char *old_path, int64_t article_id)
{
	struct sval p[] = { P_TEXT(old_path), P_INT(article_id) };

	return store_exec(s, ST_REDIRECT_ADD, p, 2, NULL, NULL);
}

enum store_err
store_redirect_get(struct store *s, const char *old_path, int64_t *article_id)
{
	struct sval    p[] = { P_TEXT(old_path) };
	struct id_out  o = { 0, false };
	enum store_err e;

	if ((e = store_exec(s, ST_REDIRECT_GET, p, 1, row_id, &o)) != STORE_OK)
		return e;
	if (!o.found)
		return STORE_NOTFOUND;
	*article_id = o.id;
	return STORE_OK;
}

struct path_rows {
	struct arena *arena;
	const char  **v;
	size_t	      n, cap;
};

static int
row_path(void *ctx, const struct sval *c, size_t n)
{
	struct path_rows *r = ctx;
	const char	**grown;

	if (n < 1 || c[0].t != SV_TEXT)
		return 0;
	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 4;
		grown = arena_alloc(r->arena, r->cap * sizeof(*grown));
		if (r->n)
			memcpy(grown, r->v, r->n * sizeof(*grown));
		r->v = grown;
	}
	r->v[r->n++] = arena_strndup(r->arena, c[0].s, c[0].n);
	return 0;
}

enum store_err
store_redirect_list(struct store *s, struct arena *a, int64_t article_id,
    const char ***out, size_t *n)
{
	struct path_rows r = { a, NULL, 0, 0 };
	struct sval	 p[] = { P_INT(article_id) };
	enum store_err	 e;

	e = store_exec(s, ST_REDIRECT_LIST, p, 1, row_path, &r);
	*out = r.v;
	*n = r.n;
	return e;
}

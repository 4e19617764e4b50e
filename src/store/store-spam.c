/* store-spam.c: the spam classifier's token and verdict counts, over the
 * driver vtable. */
#include <stdlib.h>
#include <string.h>

#include "store/store-int.h"

struct totals {
	int64_t *ham, *spam;
};

static int
row_totals(void *ctx, const struct sval *c, size_t n)
{
	struct totals *t = ctx;

	if (n >= 2) {
		*t->ham = c[0].i;
		*t->spam = c[1].i;
	}
	return 1;
}

enum store_err
store_spam_totals(struct store *s, int64_t *ham, int64_t *spam)
{
	struct totals t = { ham, spam };

	*ham = *spam = 0;
	return store_exec(s, ST_SPAM_TOTALS_GET, NULL, 0, row_totals, &t);
}

struct batch {
	const char *const *tokens;
	size_t		   n;
	struct spam_count *out;
};

static int
row_count(void *ctx, const struct sval *c, size_t n)
{
	struct batch *b = ctx;
	size_t	      i;

	if (n < 3 || c[0].t != SV_TEXT)
		return 0;
	/* At most SPAM_BATCH tokens: a scan is cheaper than a map. */
	for (i = 0; i < b->n; i++)
		if (strlen(b->tokens[i]) == c[0].n &&
		    memcmp(b->tokens[i], c[0].s, c[0].n) == 0) {
			b->out[i].ham = c[1].i;
			b->out[i].spam = c[2].i;
			break;
		}
	return 0;
}

enum store_err
store_spam_counts(struct store *s, const char *const *tokens, size_t n,
    struct spam_count *out)
{
	struct sval    p[SPAM_BATCH];
	struct batch   b;
	enum store_err e;
	size_t	       at, i, k;

	memset(out, 0, n * sizeof(*out));
	for (at = 0; at < n; at += k) {
		k = n - at < SPAM_BATCH ? n - at : SPAM_BATCH;
		for (i = 0; i < SPAM_BATCH; i++)
			p[i] = i < k ? P_TEXT(tokens[at + i]) : P_NULL;
		b.tokens = tokens + at;
		b.n = k;
		b.out = out + at;
		if ((e = store_exec(s, ST_SPAM_TOKENS_GET, p, SPAM_BATCH,
			 row_count, &b)) != STORE_OK)
			return e;
	}
	return STORE_OK;
}

enum store_err
store_spam_add(struct store *s, const char *const *tokens, size_t n,
    enum spam_verdict v, int delta)
{
	int64_t dh = v == SPAM_HAM ? delta : 0, ds = v == SPAM_SPAM ? delta : 0;
	enum store_err e;
	size_t	       i;

	if (v != SPAM_HAM && v != SPAM_SPAM)
		return STORE_INVALID;
	if ((e = store_begin(s)) != STORE_OK)
		return e;
	for (i = 0; i < n; i++) {
		struct sval p[] = { P_TEXT(tokens[i]), P_INT(dh), P_INT(ds) };

		if ((e = store_exec(s, ST_SPAM_TOKEN_ADD, p, 3, NULL, NULL)) !=
		    STORE_OK)
			goto out;
	}
	{
		struct sval p[] = { P_INT(dh), P_INT(ds) };

		e = store_exec(s, ST_SPAM_TOTALS_ADD, p, 2, NULL, NULL);
	}
out:
	if (e != STORE_OK) {
		store_rollback(s);
		return e;
	}
	return store_commit(s);
}

/* store-copy.c: whole-site copy and canonical digest, over the generic
 * per-table dump and load statements of every driver.
 *
 * Every table is copied, with its ids. What is derived is left out of the
 * dumps (and so of the digest) and rebuilt by the target: tags_text (by
 * ST_COPY_TAGS_TEXT) and the search index over the articles (the FTS5
 * triggers, PostgreSQL's generated tsvector column). body_text is copied:
 * it is the search text render/body.h made, which SQL cannot remake. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "store/store-int.h"

struct table {
	const char *name;
	enum stmt   dump, load;
};

static const struct table tables[STORE_TABLE__MAX] = {
	[STORE_T_USERS] = { "users", ST_USERS_DUMP, ST_USERS_LOAD },
	[STORE_T_ARTICLES] = { "articles", ST_ARTICLES_DUMP, ST_ARTICLES_LOAD },
	[STORE_T_TAGS] = { "tags", ST_TAGS_DUMP, ST_TAGS_LOAD },
	[STORE_T_ARTICLE_TAGS] = { "article_tags", ST_ARTICLE_TAGS_DUMP,
	    ST_ARTICLE_TAGS_LOAD },
	[STORE_T_COMMENTS] = { "comments", ST_COMMENTS_DUMP, ST_COMMENTS_LOAD },
	[STORE_T_SETTINGS] = { "settings", ST_SETTINGS_DUMP, ST_SETTINGS_LOAD },
	[STORE_T_SESSIONS] = { "sessions", ST_SESSIONS_DUMP, ST_SESSIONS_LOAD },
	[STORE_T_API_TOKENS] = { "api_tokens", ST_API_TOKENS_DUMP,
	    ST_API_TOKENS_LOAD },
	[STORE_T_REVISIONS] = { "revisions", ST_REVISIONS_DUMP,
	    ST_REVISIONS_LOAD },
	[STORE_T_SPAM_TOKENS] = { "spam_tokens", ST_SPAM_TOKENS_DUMP,
	    ST_SPAM_TOKENS_LOAD },
	[STORE_T_SPAM_TOTALS] = { "spam_totals", ST_SPAM_TOTALS_DUMP,
	    ST_SPAM_TOTALS_LOAD },
	[STORE_T_REDIRECTS] = { "redirects", ST_REDIRECTS_DUMP,
	    ST_REDIRECTS_LOAD },
	[STORE_T_TRUSTED_COMMENTERS] = { "trusted_commenters",
	    ST_TRUSTED_COMMENTERS_DUMP, ST_TRUSTED_COMMENTERS_LOAD },
};

const char *
store_table_name(enum store_table t)
{
	return t < STORE_TABLE__MAX ? tables[t].name : "?";
}

static int
row_count(void *ctx, const struct sval *c, size_t n)
{
	if (n > 0)
		*(int64_t *)ctx = c[0].i;
	return 1;
}

enum store_err
store_site_empty(struct store *s, bool *empty)
{
	int64_t	       n = 0;
	enum store_err e;

	e = store_exec(s, ST_SITE_ROWS, NULL, 0, row_count, &n);
	*empty = n == 0;
	return e;
}

struct digest_ctx {
	crypto_generichash_state h;
	int64_t			 rows;
};

/* A type byte, a 64-bit little-endian length, then the bytes (a row's
 * header has no bytes: its length is its number of fields). */
static void
put_field(crypto_generichash_state *h, char type, const void *p, size_t n)
{
	unsigned char hdr[9];
	uint64_t      len = n;
	int	      i;

	hdr[0] = (unsigned char)type;
	for (i = 0; i < 8; i++)
		hdr[1 + i] = (unsigned char)(len >> (8 * i));
	crypto_generichash_update(h, hdr, sizeof(hdr));
	if (p != NULL && n > 0)
		crypto_generichash_update(h, p, n);
}

/* Integers and reals go in as decimal text ("%.17g" round-trips a double)
 * so the digest does not depend on how a backend hands numbers over. */
static int
row_digest(void *ctx, const struct sval *c, size_t n)
{
	struct digest_ctx *d = ctx;
	char		   num[40];
	size_t		   i;
	int		   len;

	d->rows++;
	put_field(&d->h, 'R', NULL, n);
	for (i = 0; i < n; i++) {
		switch (c[i].t) {
		case SV_NULL:
			put_field(&d->h, 'n', NULL, 0);
			break;
		case SV_INT:
			len = snprintf(num, sizeof(num), "%" PRId64, c[i].i);
			put_field(&d->h, 'i', num, (size_t)len);
			break;
		case SV_REAL:
			len = snprintf(num, sizeof(num), "%.17g", c[i].d);
			put_field(&d->h, 'r', num, (size_t)len);
			break;
		default:
			put_field(&d->h, 't', c[i].s, c[i].n);
			break;
		}
	}
	return 0;
}

enum store_err
store_digest(struct store *s, struct store_digest *out)
{
	struct digest_ctx d;
	enum store_err	  e = STORE_OK;
	int		  t;

	memset(out, 0, sizeof(*out));
	crypto_generichash_init(&d.h, NULL, 0, sizeof(out->sum));
	for (t = 0; t < STORE_TABLE__MAX; t++) {
		put_field(&d.h, 'T', tables[t].name, strlen(tables[t].name));
		d.rows = 0;
		e = store_exec(s, tables[t].dump, NULL, 0, row_digest, &d);
		if (e != STORE_OK)
			return e;
		out->rows[t] = d.rows;
	}
	crypto_generichash_final(&d.h, out->sum, sizeof(out->sum));
	return STORE_OK;
}

struct copy_ctx {
	struct store  *to;
	enum stmt      load;
	int64_t	       rows;
	enum store_err e;
};

/* Each dumped row is loaded as it comes, on the other connection: the
 * columns of a dump are the parameters of its load. */
static int
row_copy(void *ctx, const struct sval *c, size_t n)
{
	struct copy_ctx *k = ctx;

	k->e = store_exec(k->to, k->load, c, n, NULL, NULL);
	if (k->e != STORE_OK)
		return 1;
	k->rows++;
	return 0;
}

enum store_err
store_copy(struct store *from, struct store *to, int64_t rows[STORE_TABLE__MAX],
    struct store **culprit)
{
	struct copy_ctx k = { to, ST__MAX, 0, STORE_OK };
	enum store_err	e;
	int		t;

	*culprit = to;
	memset(rows, 0, STORE_TABLE__MAX * sizeof(rows[0]));
	if ((e = store_begin(to)) != STORE_OK)
		return e;
	if ((e = store_exec(to, ST_COPY_DEFER_FKS, NULL, 0, NULL, NULL)) !=
	    STORE_OK)
		goto out;
	for (t = 0; t < STORE_TABLE__MAX; t++) {
		k.load = tables[t].load;
		k.rows = 0;
		k.e = STORE_OK;
		e = store_exec(from, tables[t].dump, NULL, 0, row_copy, &k);
		if (e != STORE_OK) {
			*culprit = from;
			goto out;
		}
		if ((e = k.e) != STORE_OK)
			goto out;
		rows[t] = k.rows;
	}
	if ((e = store_exec(to, ST_COPY_TAGS_TEXT, NULL, 0, NULL, NULL)) !=
	    STORE_OK)
		goto out;
	e = store_exec(to, ST_COPY_RESET_IDS, NULL, 0, NULL, NULL);
	/* A whole site arrived: a server already on the target (an empty
	 * site) drops every page it cached. */
	if (e == STORE_OK)
		store_changed(to, "site");
out:
	if (e != STORE_OK) {
		store_rollback(to);
		return e;
	}
	return store_commit(to);
}

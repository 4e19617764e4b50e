/* fuzz-search.c: the search box grammar, and the FTS5 expression the
 * SQLite driver builds from it, which FTS5 itself must accept. */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "search/query.h"
#include "store/store-int.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* One in-memory table with the real one's tokenizer and a few rows, so a
 * MATCH is parsed and also run. */
static sqlite3_stmt *
fts(void)
{
	static sqlite3_stmt *st;
	sqlite3		    *db;

	if (st != NULL)
		return st;
	if (sqlite3_open(":memory:", &db) != SQLITE_OK ||
	    sqlite3_exec(db,
		"CREATE VIRTUAL TABLE t USING fts5(title, "
		"summary, body_text, tags_text, tokenize = 'unicode61 "
		"remove_diacritics 2');"
		"INSERT INTO t VALUES ('Protests in Kazakhstan', 'Fuel prices', "
		"'The \"price\" of AND OR NOT NEAR(a b) col:x ^start', 'Asia');"
		"INSERT INTO t VALUES ('Élection', 'naïve café', 'prefix pre "
		"preface', 'Europe');",
		NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db,
		"SELECT rowid, bm25(t) FROM t WHERE t "
		"MATCH ?1 ORDER BY 2",
		-1, &st, NULL) != SQLITE_OK)
		abort();
	return st;
}

static void
check_fts5(const struct search_query *q)
{
	sqlite3_stmt *st = fts();
	struct buf    e = BUF_INIT;
	int	      rc;

	store_driver_sqlite.search_expr(q, &e);
	if (buf_err(&e))
		abort();
	sqlite3_bind_text(st, 1, buf_str(&e), (int)e.len, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		;
	if (rc != SQLITE_DONE) {
		fprintf(stderr, "fts5 refused %s: %s\n", buf_str(&e),
		    sqlite3_errmsg(sqlite3_db_handle(st)));
		abort();
	}
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	buf_free(&e);
}

static void
check_terms(const struct search_query *q)
{
	const struct search_term *t;
	size_t			  i, pos = 0;

	if (q->n < 1 || q->n > SEARCH_MAX_TERMS)
		abort();
	for (i = 0; i < q->n; i++) {
		t = &q->terms[i];
		if (t->text == NULL || strlen(t->text) != t->len ||
		    t->len == 0 || !utf8_valid(t->text, t->len) ||
		    memchr(t->text, '"', t->len) != NULL)
			abort();
		if (t->phrase && memchr(t->text, ' ', t->len) == NULL)
			abort();
		if (!t->phrase && memchr(t->text, ' ', t->len) != NULL)
			abort();
		if (!t->exclude)
			pos++;
	}
	if (pos != q->npositive || pos == 0)
		abort();
}

static bool
same(const struct search_query *a, const struct search_query *b)
{
	const struct search_term *s, *t;
	size_t			  i;

	if (a->n != b->n || a->npositive != b->npositive)
		return false;
	for (i = 0; i < a->n; i++) {
		s = &a->terms[i];
		t = &b->terms[i];
		if (s->len != t->len || memcmp(s->text, t->text, s->len) ||
		    s->phrase != t->phrase || s->prefix != t->prefix ||
		    s->exclude != t->exclude)
			return false;
	}
	return true;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct search_query q, q2;
	struct buf	    f = BUF_INIT, f2 = BUF_INIT;
	struct arena	    a;
	enum search_err	    e;

	arena_init(&a);
	e = search_query_parse(&a, (const char *)data, n, &q);
	if (e >= SEARCH__MAX || search_err_text(e) == NULL)
		abort();
	if (e != SEARCH_OK) {
		if (q.n != 0 || q.npositive != 0)
			abort();
		goto out;
	}
	check_terms(&q);
	check_fts5(&q);
	/* The canonical form reads back as the same query. It can be longer
	 * than the input (a closing quote added, quotes kept), so past the
	 * input limit it is refused as too long, and that is all. */
	search_query_format(&q, &f);
	e = search_query_parse(&a, buf_str(&f), f.len, &q2);
	if (f.len > SEARCH_MAX_BYTES) {
		if (e != SEARCH_TOO_LONG)
			abort();
		goto out;
	}
	if (e != SEARCH_OK)
		abort();
	search_query_format(&q2, &f2);
	if (!same(&q, &q2)) {
		fprintf(stderr, "format changes the query: [%s] -> [%s]\n",
		    buf_str(&f), buf_str(&f2));
		abort();
	}
out:
	buf_free(&f);
	buf_free(&f2);
	arena_free(&a);
	return 0;
}

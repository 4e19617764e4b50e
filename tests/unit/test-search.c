/* test-search.c: the search grammar (tables of input → terms or error),
 * the SQLite driver's MATCH expressions for every row (no FTS5 syntax
 * error for any input), and snippet escaping. */
#include <sqlite3.h>
#include <stdlib.h>
#include <unistd.h>

#include "t.h"
#include "render/body.h"
#include "search/query.h"
#include "site/page.h"
#include "store/store.h"
#include "util/arena.h"
#include "util/buf.h"

static const struct {
	const char     *in;
	size_t		len; /* 0: strlen(in) */
	enum search_err err;
	const char     *want; /* search_query_format() */
} rows[] = {
	{ "kazakhstan", 0, SEARCH_OK, "kazakhstan" },
	{ "  china   russia ", 0, SEARCH_OK, "china russia" },
	{ "kazakh*", 0, SEARCH_OK, "kazakh*" },
	{ "kazakh***", 0, SEARCH_OK, "kazakh*" },
	/* A prefix needs 2 letters or digits (of its last word) before
	 * the '*', and a query at most 4 prefixes: each is merged from
	 * every word it starts, the costly part of a search. */
	{ "k*", 0, SEARCH_PREFIX_SHORT, "" },
	/* A combining mark is no letter: the tokenizer drops it. */
	{ "h\xcc\x81*", 0, SEARCH_PREFIX_SHORT, "" },
	{ "h\xcc\x81\xcc\x81\xcc\x81*", 0, SEARCH_PREFIX_SHORT, "" },
	{ "ü*", 0, SEARCH_PREFIX_SHORT, "" },
	{ "ür*", 0, SEARCH_OK, "ür*" },
	{ "ab*", 0, SEARCH_OK, "ab*" },
	{ "ab.*", 0, SEARCH_OK, "ab.*" },	/* the tokenizers see "ab" */
	{ "x.y*", 0, SEARCH_PREFIX_SHORT, "" }, /* ... and here "y" */
	{ "a\xe2\x80\xa6*", 0, SEARCH_PREFIX_SHORT, "" },     /* "a…" */
	{ "a\xf0\x9f\x92\xa5*", 0, SEARCH_PREFIX_SHORT, "" }, /* emoji */
	{ "\xe2\x80\xa6\xe2\x80\xa6*", 0, SEARCH_PREFIX_SHORT, "" },
	{ "pipeline -k*", 0, SEARCH_PREFIX_SHORT, "" },
	{ "\"central a\"*", 0, SEARCH_PREFIX_SHORT, "" },
	{ "\"central as\"*", 0, SEARCH_OK, "\"central as\"*" },
	{ "co* re* pr* de*", 0, SEARCH_OK, "co* re* pr* de*" },
	{ "co* re* pr* de* ex*", 0, SEARCH_TOO_MANY_PREFIXES, "" },
	{ "co* re* pr* de* -ex*", 0, SEARCH_TOO_MANY_PREFIXES, "" },
	{ "co* re* pr* de* ex", 0, SEARCH_OK, "co* re* pr* de* ex" },
	/* A term given again is searched once (each copy cost as much). */
	{ "common common Common COMMON", 0, SEARCH_OK, "common" },
	{ "co* co* re* Re* pr* de* ex", 0, SEARCH_OK, "co* re* pr* de* ex" },
	{ "xy -xy xy* \"x y\" \"X Y\" -xy", 0, SEARCH_OK,
	    "xy -xy xy* \"x y\"" },
	{ "a a a a a a a a a a a a a a a a a b", 0, SEARCH_OK, "a b" },
	{ "\"central asia\"", 0, SEARCH_OK, "\"central asia\"" },
	{ "\"  central \t asia  \"", 0, SEARCH_OK, "\"central asia\"" },
	{ "\"central asi\"*", 0, SEARCH_OK, "\"central asi\"*" },
	{ "\"single\"", 0, SEARCH_OK, "single" },
	{ "\"unclosed phrase", 0, SEARCH_OK, "\"unclosed phrase\"" },
	{ "pipeline -russia", 0, SEARCH_OK, "pipeline -russia" },
	{ "pipeline -\"signed a\"", 0, SEARCH_OK, "pipeline -\"signed a\"" },
	{ "pipeline -rus*", 0, SEARCH_OK, "pipeline -rus*" },
	{ "a - b", 0, SEARCH_OK, "a b" }, /* a lone '-' is dropped */
	{ "a--b", 0, SEARCH_OK, "a--b" },
	{ "--x y", 0, SEARCH_OK, "--x y" },
	/* Quoted to keep '-' and '*' as text: the canonical form keeps
	 * the quotes (found by fuzz/fuzz-search.c). */
	{ "\"-foo\" x", 0, SEARCH_OK, "\"-foo\" x" },
	{ "\"bar*\" \"bar*\"*", 0, SEARCH_OK, "\"bar*\" \"bar*\"*" },
	{ "AND OR NOT", 0, SEARCH_OK, "AND OR NOT" },
	{ "NEAR(a b, 2)", 0, SEARCH_OK, "NEAR(a b, 2)" },
	{ "title:x ^y {a b}", 0, SEARCH_OK, "title:x ^y {a b}" },
	{ "ab\"cd\"ef", 0, SEARCH_OK, "ab cd ef" },
	{ "Ürümqi & Almaty", 0, SEARCH_OK, "Ürümqi Almaty" },
	{ "a\x01"
	  "b\x7f"
	  "c",
	    0, SEARCH_OK, "a b c" },
	{ "a\0b", 3, SEARCH_OK, "a b" },
	{ "", 0, SEARCH_EMPTY, "" },
	{ "   ", 0, SEARCH_EMPTY, "" },
	{ "\"", 0, SEARCH_EMPTY, "" },
	{ "\"\"", 0, SEARCH_EMPTY, "" },
	{ "*", 0, SEARCH_EMPTY, "" },
	{ "-", 0, SEARCH_EMPTY, "" },
	{ ")", 0, SEARCH_EMPTY, "" },
	{ "( ) * - \" &", 0, SEARCH_EMPTY, "" },
	{ "-x", 0, SEARCH_ONLY_EXCLUDED, "" },
	{ "-x -\"y z\"", 0, SEARCH_ONLY_EXCLUDED, "" },
	{ "\xff", 0, SEARCH_BAD_UTF8, "" },
	{ "ok \xc3\x28", 0, SEARCH_BAD_UTF8, "" },
	{ "\xed\xa0\x80", 0, SEARCH_BAD_UTF8, "" }, /* surrogate */
	{ "\xc0\xaf", 0, SEARCH_BAD_UTF8, "" },	    /* overlong */
	{ "a b c d e f g h i j k l m n o p", 0, SEARCH_OK,
	    "a b c d e f g h i j k l m n o p" },
	{ "a b c d e f g h i j k l m n o p q", 0, SEARCH_TOO_MANY, "" },
};

static void
test_grammar(void)
{
	struct arena	    a;
	struct search_query q;
	struct buf	    b = BUF_INIT;
	enum search_err	    e;
	size_t		    i, n;

	arena_init(&a);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		n = rows[i].len ? rows[i].len : strlen(rows[i].in);
		e = search_query_parse(&a, rows[i].in, n, &q);
		T_CHECK(e == rows[i].err, "row %zu \"%s\": error %d, want %d",
		    i, rows[i].in, (int)e, (int)rows[i].err);
		buf_reset(&b);
		search_query_format(&q, &b);
		T_EQ_STR(buf_str(&b), rows[i].want);
		if (e != SEARCH_OK)
			T_EQ_INT(q.n, 0);
		else
			T_TRUE(q.npositive > 0 && q.n <= SEARCH_MAX_TERMS);
		T_TRUE(strlen(search_err_text(e)) > 0);
	}
	buf_free(&b);
	arena_free(&a);
}

static void
test_limits(void)
{
	char		    big[SEARCH_MAX_BYTES + 2];
	struct arena	    a;
	struct search_query q;

	arena_init(&a);
	memset(big, 'x', sizeof(big));
	T_EQ_INT(search_query_parse(&a, big, SEARCH_MAX_BYTES, &q), SEARCH_OK);
	T_EQ_INT(q.n, 1);
	T_EQ_INT(search_query_parse(&a, big, SEARCH_MAX_BYTES + 1, &q),
	    SEARCH_TOO_LONG);
	T_EQ_INT(q.n, 0);
	arena_free(&a);
}

/* Every parsable row, and some raw FTS5 and tsquery syntax, goes through
 * the driver under test ($GAZETTE_TEST_DB, an empty database, else a new
 * SQLite file): the store must answer STORE_OK (never a syntax error of
 * FTS5 MATCH or to_tsquery). */
static void
test_driver_expressions(void)
{
	static const char *const extra[] = { "x OR", "NEAR(", "\"a\" + \"b\"",
		"col:x", "x AND", "*x", "x*y", "a'b", "a\\b", "💥*", "\"\"\"\"",
		"-\"\"x\"\"", "x:*", "a\"*\"b", "!x", "x & y", "x | y", "<->",
		"x' & 'y", "\\'", "'", "(a) -(b)", "x:A" };
	char			 path[] = "/tmp/gazette-test-search-XXXXXX";
	char			 err[256];
	struct store		*st;
	struct arena		 a;
	struct search_query	 q;
	struct search_result	 r;
	struct article		 art = { 0 };
	struct tag		 tags[] = { { "Central Asia", NULL, 0 } };
	const char		*url;
	size_t			 i, n;
	int			 fd;

	if ((fd = mkstemp(path)) < 0) {
		T_CHECK(0, "mkstemp");
		return;
	}
	close(fd);
	arena_init(&a);
	url = getenv("GAZETTE_TEST_DB");
	st = store_open(url && *url ? url : path, err, sizeof(err));
	T_TRUE(st != NULL);
	if (st == NULL)
		goto out;
	T_EQ_INT(store_migrate(st, NULL), STORE_OK);
	art.slug = "a";
	art.title = "Central asia trade";
	art.summary = "summary";
	art.body_md = "Body with *emphasis* and <script>x</script> text.";
	art.body_html = "";
	/* The text a caller makes with article_body: the store indexes it
	 * as given. */
	art.body_text = "Body with emphasis and <script>x</script> text.";
	art.status = ARTICLE_PUBLISHED;
	art.published_at = 1000;
	art.created_at = art.updated_at = 1000;
	art.tags = tags;
	art.ntags = 1;
	T_EQ_INT(store_article_insert(st, &art), STORE_OK);
	for (i = 0; i <
	     sizeof(rows) / sizeof(rows[0]) + sizeof(extra) / sizeof(extra[0]);
	     i++) {
		const char *in = i < sizeof(rows) / sizeof(rows[0]) ?
		    rows[i].in :
		    extra[i - sizeof(rows) / sizeof(rows[0])];

		n = i < sizeof(rows) / sizeof(rows[0]) && rows[i].len ?
		    rows[i].len :
		    strlen(in);
		if (search_query_parse(&a, in, n, &q) != SEARCH_OK)
			continue;
		T_CHECK(store_search(st, &a, &q, 2000, 0, 20, &r) == STORE_OK,
		    "\"%s\": %s", in, store_errmsg(st));
	}
	/* The body is indexed as plain text: no Markdown in the snippet. */
	T_EQ_INT(search_query_parse(&a, "emphasis", 8, &q), SEARCH_OK);
	T_EQ_INT(store_search(st, &a, &q, 2000, 0, 20, &r), STORE_OK);
	T_EQ_INT(r.n, 1);
	if (r.n == 1) {
		T_LACKS(r.items[0].snippet, "*");
		T_CONTAINS(r.items[0].snippet,
		    "\x01"
		    "emphasis\x02");
	}
	/* Tags are searchable; not yet public is not found. */
	T_EQ_INT(search_query_parse(&a, "\"central asia\"", 14, &q), SEARCH_OK);
	T_EQ_INT(store_search(st, &a, &q, 2000, 0, 20, &r), STORE_OK);
	T_EQ_INT(r.n, 1);
	T_EQ_INT(store_search(st, &a, &q, 999, 0, 20, &r), STORE_OK);
	T_EQ_INT(r.n, 0);
out:
	store_close(st);
	arena_free(&a);
	unlink(path);
	{
		char side[sizeof(path) + 8];

		snprintf(side, sizeof(side), "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", path);
		unlink(side);
	}
}

/* The time budget, on the driver under test: a search of many matches
 * given 1 ms stops with STORE_TIMEOUT (it takes tens of ms: 1,500
 * articles ranked and snipped), and the budget goes with it, so that the
 * next search on the connection, given none, runs to the end. */
static void
test_budget(void)
{
	char		     path[] = "/tmp/gazette-test-budget-XXXXXX";
	char		     err[256], slug[32], side[64];
	struct store	    *st;
	struct arena	     a;
	struct search_query  q;
	struct search_result r;
	struct article	     art = { 0 };
	const char	    *url;
	int		     i, fd, bad = 0;

	if ((fd = mkstemp(path)) < 0) {
		T_CHECK(0, "mkstemp");
		return;
	}
	close(fd);
	arena_init(&a);
	url = getenv("GAZETTE_TEST_DB");
	st = store_open(url && *url ? url : path, err, sizeof(err));
	T_TRUE(st != NULL);
	if (st == NULL)
		goto out;
	T_EQ_INT(store_migrate(st, NULL), STORE_OK);
	art.title = "Common budget story";
	art.summary = "common";
	art.body_md =
	    "common words on a common theme, common to every one of "
	    "these common articles; common again, and common once more.";
	art.body_text = art.body_md;
	art.body_html = "";
	art.status = ARTICLE_PUBLISHED;
	art.published_at = art.created_at = art.updated_at = 1000;
	T_EQ_INT(store_begin(st), STORE_OK);
	for (i = 0; i < 1500; i++) {
		snprintf(slug, sizeof(slug), "budget-%d", i);
		art.slug = slug;
		art.id = 0;
		if (store_article_insert(st, &art) != STORE_OK)
			bad++;
	}
	T_EQ_INT(bad, 0);
	T_EQ_INT(store_commit(st), STORE_OK);
	T_EQ_INT(search_query_parse(&a, "common", 6, &q), SEARCH_OK);
	T_EQ_INT(store_search_budget(st, &a, &q, 2000, 0, 100, 1, &r),
	    STORE_TIMEOUT);
	T_EQ_INT(r.n, 0);
	T_EQ_INT(store_search_budget(st, &a, &q, 2000, 0, 100, 0, &r),
	    STORE_OK);
	T_EQ_INT(r.n, 100);
	T_EQ_INT(store_search_budget(st, &a, &q, 2000, 0, 100, 60000, &r),
	    STORE_OK);
	T_EQ_INT(r.n, 100);
	T_TRUE(r.more);
out:
	store_close(st);
	arena_free(&a);
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

static void
check_quiet(void *ctx, bool problem, const char *text)
{
	(void)ctx;
	(void)problem;
	(void)text;
}

/* The SQL text of articles_fts in the SQLite file at path, or "". */
static void
fts_sql(const char *path, char *out, size_t n)
{
	sqlite3	     *db;
	sqlite3_stmt *st;

	out[0] = '\0';
	if (sqlite3_open(path, &db) != SQLITE_OK)
		return;
	if (sqlite3_prepare_v2(db,
		"SELECT sql FROM sqlite_schema WHERE name "
		"= 'articles_fts'",
		-1, &st, NULL) == SQLITE_OK) {
		if (sqlite3_step(st) == SQLITE_ROW)
			snprintf(out, n, "%s", sqlite3_column_text(st, 0));
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
}

/* Schema 0010 on SQLite: the full-text table has a prefix index, and a
 * site upgraded from schema 9 (its table without one, articles indexed)
 * gets it with every article still found and the index in step. */
static void
test_prefix_index(void)
{
	char		     path[] = "/tmp/gazette-test-prefix-XXXXXX";
	char		     err[256], sql[1024], side[64];
	struct store	    *st = NULL;
	struct arena	     a;
	struct search_query  q;
	struct search_result r;
	struct article	     art = { 0 };
	unsigned	     problems = 0;
	sqlite3		    *db;
	int		     fd;

	if (getenv("GAZETTE_TEST_DB") && *getenv("GAZETTE_TEST_DB"))
		return; /* PostgreSQL has no such index */
	if ((fd = mkstemp(path)) < 0) {
		T_CHECK(0, "mkstemp");
		return;
	}
	close(fd);
	arena_init(&a);
	T_TRUE((st = store_open(path, err, sizeof(err))) != NULL);
	if (st == NULL)
		goto out;
	T_EQ_INT(store_migrate(st, NULL), STORE_OK);
	fts_sql(path, sql, sizeof(sql));
	T_CONTAINS(sql, "prefix = '2 3'");
	art.slug = "kazakh";
	art.title = "Kazakhstan votes";
	art.summary = "";
	art.body_md = "Voters went to the polls in Almaty.";
	art.body_text = art.body_md;
	art.body_html = "";
	art.status = ARTICLE_PUBLISHED;
	art.published_at = art.created_at = art.updated_at = 1000;
	T_EQ_INT(store_article_insert(st, &art), STORE_OK);
	store_close(st);
	st = NULL;
	/* Back to schema 9's table, as 0003 made it. */
	T_EQ_INT(sqlite3_open(path, &db), SQLITE_OK);
	T_EQ_INT(
	    sqlite3_exec(db,
		"DELETE FROM schema_migrations WHERE "
		"version = 10; DROP TABLE articles_fts; CREATE VIRTUAL TABLE "
		"articles_fts USING fts5(title, summary, body_text, tags_text, "
		"content = 'articles', content_rowid = 'id', tokenize = "
		"'unicode61 remove_diacritics 2'); INSERT INTO articles_fts "
		"(articles_fts) VALUES ('rebuild');",
		NULL, NULL, NULL),
	    SQLITE_OK);
	sqlite3_close(db);
	fts_sql(path, sql, sizeof(sql));
	T_LACKS(sql, "prefix");
	T_TRUE((st = store_open(path, err, sizeof(err))) != NULL);
	if (st == NULL)
		goto out;
	T_EQ_INT(store_migrate(st, NULL), STORE_OK);
	fts_sql(path, sql, sizeof(sql));
	T_CONTAINS(sql, "prefix = '2 3'");
	T_EQ_INT(search_query_parse(&a, "ka* almaty", 10, &q), SEARCH_OK);
	T_EQ_INT(store_search(st, &a, &q, 2000, 0, 20, &r), STORE_OK);
	T_EQ_INT(r.n, 1);
	T_EQ_INT(store_check(st, STORE_CHECK_SEARCH, check_quiet, NULL,
		     &problems),
	    STORE_OK);
	T_EQ_INT(problems, 0);
out:
	store_close(st);
	arena_free(&a);
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

static void
test_snippet_html(void)
{
	static const struct {
		const char *in, *want;
	} srows[] = {
		{ "plain", "plain" },
		{ "a \x01"
		  "b\x02 c",
		    "a <mark>b</mark> c" },
		{ "<script>\x01x\x02</script>",
		    "&lt;script&gt;<mark>x</mark>&lt;/script&gt;" },
		{ "\x01open", "<mark>open</mark>" },
		{ "close\x02", "close" },
		{ "\x01\x01"
		  "a\x02\x02",
		    "<mark>a</mark>" },
		{ "&\"'", "&amp;&quot;&#39;" },
		{ "", "" },
	};
	struct buf b = BUF_INIT;
	size_t	   i;

	for (i = 0; i < sizeof(srows) / sizeof(srows[0]); i++) {
		buf_reset(&b);
		search_snippet_html(&b, srows[i].in, strlen(srows[i].in));
		T_EQ_STR(buf_str(&b), srows[i].want);
	}
	buf_free(&b);
}

int
main(void)
{
	/* As main.c: what a migration's backfill makes search text with. */
	store_on_body_text(article_body_text);
	T_RUN(test_grammar);
	T_RUN(test_limits);
	T_RUN(test_driver_expressions);
	T_RUN(test_budget);
	T_RUN(test_prefix_index);
	T_RUN(test_snippet_html);
	T_DONE("search");
}

/* test-store.c: the store conformance suite.
 *
 * Runs against $GAZETTE_TEST_DB when set (so the same suite runs on every
 * backend: the test runner points it at a throwaway PostgreSQL too), else
 * against a fresh SQLite file. The database must start empty. */
#include <stdlib.h>
#include <unistd.h>

#include "t.h"
#include "store/store.h"
#include "store/store-int.h"
#include "util/arena.h"

static struct store *st;
static char tmpdir[] = "/tmp/gazette-store-XXXXXX";

static struct article
mk(const char *slug, const char *title, enum article_status status,
    int64_t when, const char *author, struct tag *tags, size_t ntags)
{
	struct article a = { 0 };

	a.slug = slug;
	a.title = title;
	a.summary = "sum";
	a.body_md = "body";
	a.body_html = "<p>body</p>";
	a.author = author;
	a.status = status;
	a.published_at = when;
	a.created_at = a.updated_at = 1000;
	a.tags = tags;
	a.ntags = ntags;
	return a;
}

static void
test_migrate(void)
{
	int v1 = -1, v2 = -2;

	T_EQ_INT(store_migrate(st, &v1), STORE_OK);
	T_EQ_INT(v1, store_schema_latest());
	T_EQ_INT(store_migrate(st, &v2), STORE_OK);
	T_EQ_INT(v2, v1);
	T_EQ_INT(store_schema_version(st, &v2), STORE_OK);
	T_EQ_INT(v2, v1);
}

static void
test_settings(void)
{
	struct arena a;
	const char *v = NULL;

	arena_init(&a);
	T_EQ_INT(store_setting_get(st, &a, "nope", &v), STORE_NOTFOUND);
	T_EQ_INT(store_setting_set(st, "title", "Ürümqi & <Almaty>"), STORE_OK);
	T_EQ_INT(store_setting_get(st, &a, "title", &v), STORE_OK);
	T_EQ_STR(v, "Ürümqi & <Almaty>");
	T_EQ_INT(store_setting_set(st, "title", "Second"), STORE_OK);
	T_EQ_INT(store_setting_get(st, &a, "title", &v), STORE_OK);
	T_EQ_STR(v, "Second");
	arena_free(&a);
}

static void
test_articles(void)
{
	struct tag t1[] = { { "China", NULL, 0 }, { "Central Asia", NULL, 0 } };
	struct tag t2[] = { { "china", NULL, 0 } };	/* same slug as China */
	struct article a, got;
	struct arena ar;
	int64_t n;

	arena_init(&ar);
	a = mk("first", "First", ARTICLE_PUBLISHED, 2000, "Ann", t1, 2);
	T_EQ_INT(store_article_insert(st, &a), STORE_OK);
	T_TRUE(a.id > 0);
	a = mk("first", "Dup", ARTICLE_PUBLISHED, 2000, "Ann", NULL, 0);
	T_EQ_INT(store_article_insert(st, &a), STORE_CONFLICT);
	a = mk("second", "Second", ARTICLE_PUBLISHED, 3000, "Bob", t2, 1);
	T_EQ_INT(store_article_insert(st, &a), STORE_OK);
	a = mk("draft", "Draft", ARTICLE_DRAFT, 0, "Ann", t1, 1);
	T_EQ_INT(store_article_insert(st, &a), STORE_OK);
	a = mk("future", "Future", ARTICLE_SCHEDULED, 9000, "Ann", t1, 1);
	T_EQ_INT(store_article_insert(st, &a), STORE_OK);

	T_EQ_INT(store_article_by_slug(st, &ar, "first", &got), STORE_OK);
	T_EQ_STR(got.title, "First");
	T_EQ_STR(got.body_html, "<p>body</p>");
	T_EQ_STR(got.author, "Ann");
	T_EQ_INT(got.status, ARTICLE_PUBLISHED);
	T_EQ_INT(got.published_at, 2000);
	T_EQ_INT(got.ntags, 2);
	if (got.ntags == 2) {
		T_EQ_STR(got.tags[0].name, "Central Asia");
		T_EQ_STR(got.tags[0].slug, "central-asia");
		T_EQ_STR(got.tags[1].slug, "china");
	}
	T_EQ_INT(store_article_by_slug(st, &ar, "none", &got), STORE_NOTFOUND);
	T_TRUE(article_is_public(&got, 5000) || true);

	T_EQ_INT(store_article_count(st, true, 5000, &n), STORE_OK);
	T_EQ_INT(n, 2);
	T_EQ_INT(store_article_count(st, false, 0, &n), STORE_OK);
	T_EQ_INT(n, 4);
	T_EQ_INT(store_article_count(st, true, 9000, &n), STORE_OK);
	T_EQ_INT(n, 3);
	arena_free(&ar);
}

static void
test_listing(void)
{
	struct article_filter f = { 0 };
	struct article_list l;
	struct arena ar;
	struct tag *tags;
	size_t n;

	arena_init(&ar);
	f.public = true;
	f.now = 5000;
	f.limit = 10;
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_EQ_INT(l.n, 2);
	if (l.n == 2) {
		T_EQ_STR(l.items[0].slug, "second");	/* newest first */
		T_EQ_STR(l.items[1].slug, "first");
		T_EQ_STR(l.items[0].body_html, "");	/* no body asked */
	}
	T_TRUE(!l.more);

	f.limit = 1;
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_TRUE(l.n == 1 && l.more);
	f.offset = 1;
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_TRUE(l.n == 1 && !l.more && strcmp(l.items[0].slug, "first") == 0);
	f.offset = 0;
	f.before_time = 3000;
	f.before_id = 1;	/* keyset: strictly older than (3000, 1) */
	f.limit = 10;
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_EQ_INT(l.n, 1);
	f.before_time = f.before_id = 0;

	f.tag_slug = "china";
	f.with_body = true;
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_EQ_INT(l.n, 2);
	if (l.n)
		T_EQ_STR(l.items[0].body_html, "<p>body</p>");
	f.tag_slug = "central-asia";
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_EQ_INT(l.n, 1);
	f.tag_slug = NULL;
	f.author = "Bob";
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_EQ_INT(l.n, 1);
	f.author = NULL;
	f.from = 2500;
	f.to = 3500;
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_TRUE(l.n == 1 && strcmp(l.items[0].slug, "second") == 0);
	f.from = f.to = 0;
	f.public = false;
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_EQ_INT(l.n, 4);

	T_EQ_INT(store_tag_list(st, &ar, 5000, &tags, &n), STORE_OK);
	T_EQ_INT(n, 2);
	if (n == 2) {
		T_EQ_STR(tags[0].name, "Central Asia");
		T_EQ_INT(tags[0].count, 1);
		T_EQ_INT(tags[1].count, 2);
	}
	arena_free(&ar);
}

static void
test_tag_by_slug(void)
{
	struct arena ar;
	struct tag t;

	arena_init(&ar);
	T_EQ_INT(store_tag_by_slug(st, &ar, "central-asia", &t), STORE_OK);
	T_EQ_STR(t.name, "Central Asia");
	T_EQ_INT(store_tag_by_slug(st, &ar, "nope", &t), STORE_NOTFOUND);
	arena_free(&ar);
}

/* Both backends must carry the same migrations, version for version. */
static void
test_migration_lists(void)
{
	size_t i;

	T_EQ_INT(migrations_pg_n, migrations_sqlite_n);
	for (i = 0; i < migrations_pg_n && i < migrations_sqlite_n; i++) {
		T_EQ_INT(migrations_pg[i].version, migrations_sqlite[i].version);
		T_EQ_STR(migrations_pg[i].name, migrations_sqlite[i].name);
	}
}

/* Text reaches the store validated, so a NUL never should; if one does,
 * PostgreSQL (C strings) refuses it instead of cutting the text short. */
static void
test_nul_text(void)
{
	struct sval p[] = { P_TEXTN("a\0b", 3) };
	enum store_err e = store_exec(st, ST_SETTING_GET, p, 1, NULL, NULL);

	if (strcmp(store_driver_name(st), "postgresql") == 0)
		T_EQ_INT(e, STORE_INVALID);
	else
		T_EQ_INT(e, STORE_OK);
}

static struct store *
open_or_fail(const char *url)
{
	struct store *s;
	char err[256];

	if ((s = store_open(url, err, sizeof(err))) == NULL)
		T_CHECK(0, "cannot open %s: %s", url, err);
	return s;
}

/* Users and comments have no domain functions yet: rows go in through
 * the copy's own load statements, with the NULLs and the real number a
 * copy must carry over. */
static void
add_people(struct store *s)
{
	struct sval u[] = { P_INT(7), P_TEXT("Ann"), P_TEXT("Ann A."),
	    P_TEXT("admin"), P_TEXT("$argon2id$x"), P_INT(1000) };
	struct sval c1[] = { P_INT(1), P_INT(1), P_NULL, P_TEXT("Bob"),
	    P_TEXT("b@example.org"), P_TEXT(""), P_TEXT("Hi"),
	    P_TEXT("<p>Hi</p>"), P_TEXT("approved"), P_TEXT("h1"),
	    (struct sval){ .t = SV_REAL, .d = 0.25 }, P_INT(1100),
	    P_INT(1100) };
	struct sval c2[] = { P_INT(2), P_INT(1), P_INT(1), P_TEXT("Cé"),
	    P_TEXT(""), P_TEXT("https://example.org/"), P_TEXT("Re: hi"),
	    P_TEXT("<p>Re: hi</p>"), P_TEXT("pending"), P_TEXT("h2"),
	    (struct sval){ .t = SV_REAL, .d = 0.1 }, P_INT(1200),
	    P_INT(1200) };

	T_EQ_INT(store_exec(s, ST_USERS_LOAD, u, 6, NULL, NULL), STORE_OK);
	T_EQ_INT(store_exec(s, ST_COMMENTS_LOAD, c1, 13, NULL, NULL),
	    STORE_OK);
	T_EQ_INT(store_exec(s, ST_COMMENTS_LOAD, c2, 13, NULL, NULL),
	    STORE_OK);
}

/* The copy behind `gazette migrate`: from the backend under test to a
 * SQLite file and on into a second database of the backend under test
 * ($GAZETTE_TEST_DB2, else another SQLite file), with equal digests all
 * along, ids kept, and sequences moved past them. */
static void
test_copy(void)
{
	struct store_digest d0, d1, d2;
	int64_t rows[STORE_TABLE__MAX];
	struct store *mid = NULL, *dst = NULL, *bad;
	const char *url2 = getenv("GAZETTE_TEST_DB2");
	char p1[128], p2[128];
	struct arena ar;
	struct article a, got;
	bool empty = false;

	arena_init(&ar);
	add_people(st);
	snprintf(p1, sizeof(p1), "%s/copy1.db", tmpdir);
	snprintf(p2, sizeof(p2), "%s/copy2.db", tmpdir);
	if (url2 == NULL || *url2 == '\0')
		url2 = p2;
	if ((mid = open_or_fail(p1)) == NULL ||
	    (dst = open_or_fail(url2)) == NULL)
		goto out;
	T_EQ_INT(store_migrate(mid, NULL), STORE_OK);
	T_EQ_INT(store_migrate(dst, NULL), STORE_OK);
	T_EQ_INT(store_site_empty(mid, &empty), STORE_OK);
	T_TRUE(empty);
	T_EQ_INT(store_site_empty(st, &empty), STORE_OK);
	T_TRUE(!empty);

	T_EQ_INT(store_digest(st, &d0), STORE_OK);
	T_EQ_INT(d0.rows[STORE_T_USERS], 1);
	T_EQ_INT(d0.rows[STORE_T_ARTICLES], 5);
	T_EQ_INT(d0.rows[STORE_T_COMMENTS], 2);
	T_EQ_INT(d0.rows[STORE_T_SETTINGS], 1);
	T_EQ_INT(store_copy(st, mid, rows, &bad), STORE_OK);
	T_EQ_INT(rows[STORE_T_ARTICLE_TAGS], d0.rows[STORE_T_ARTICLE_TAGS]);
	T_EQ_INT(store_digest(mid, &d1), STORE_OK);
	T_TRUE(memcmp(d0.sum, d1.sum, sizeof(d0.sum)) == 0);
	T_EQ_INT(store_copy(mid, dst, rows, &bad), STORE_OK);
	T_EQ_INT(store_digest(dst, &d2), STORE_OK);
	T_TRUE(memcmp(d0.sum, d2.sum, sizeof(d0.sum)) == 0);
	T_TRUE(memcmp(d0.rows, d2.rows, sizeof(d0.rows)) == 0);

	/* A second copy into the same target collides and leaves it as it
	 * was (one transaction). */
	T_EQ_INT(store_copy(mid, dst, rows, &bad), STORE_CONFLICT);
	T_TRUE(bad == dst);
	T_EQ_INT(store_digest(dst, &d2), STORE_OK);
	T_TRUE(memcmp(d0.sum, d2.sum, sizeof(d0.sum)) == 0);

	/* New rows get ids past the copied ones. */
	a = mk("after-copy", "After", ARTICLE_PUBLISHED, 10, "", NULL, 0);
	T_EQ_INT(store_article_insert(dst, &a), STORE_OK);
	T_EQ_INT(store_article_by_slug(dst, &ar, "after-copy", &got),
	    STORE_OK);
	T_TRUE(got.id > 5);
	T_EQ_INT(store_digest(dst, &d2), STORE_OK);
	T_TRUE(memcmp(d0.sum, d2.sum, sizeof(d0.sum)) != 0);
out:
	store_close(mid);
	store_close(dst);
	arena_free(&ar);
}

/* Every statement of enum stmt ran in this suite, on this backend: what
 * proves each driver's SQL table is whole and valid. */
static void
test_every_statement_ran(void)
{
	int i;

	for (i = 0; i < ST__MAX; i++)
		T_CHECK(store_stmt_ran[i], "statement %d never ran: test it "
		    "in test-store.c", i);
}

static void
test_transactions(void)
{
	struct article a = mk("tx", "Tx", ARTICLE_PUBLISHED, 100, "", NULL, 0);
	struct arena ar;
	struct article got;

	arena_init(&ar);
	T_EQ_INT(store_begin(st), STORE_OK);
	T_EQ_INT(store_begin(st), STORE_OK);
	T_EQ_INT(store_article_insert(st, &a), STORE_OK);
	store_rollback(st);	/* inner rollback dooms the whole */
	T_TRUE(store_commit(st) != STORE_OK);
	T_EQ_INT(store_article_by_slug(st, &ar, "tx", &got), STORE_NOTFOUND);
	T_EQ_INT(store_begin(st), STORE_OK);
	T_EQ_INT(store_article_insert(st, &a), STORE_OK);
	T_EQ_INT(store_commit(st), STORE_OK);
	T_EQ_INT(store_article_by_slug(st, &ar, "tx", &got), STORE_OK);
	arena_free(&ar);
}

int
main(void)
{
	char db[128], err[256];
	const char *url = getenv("GAZETTE_TEST_DB");

	if (mkdtemp(tmpdir) == NULL)
		return 1;
	if (url == NULL || *url == '\0') {
		snprintf(db, sizeof(db), "%s/store.db", tmpdir);
		url = db;
	}
	if ((st = store_open(url, err, sizeof(err))) == NULL) {
		fprintf(stderr, "cannot open %s: %s\n", url, err);
		printf("store: 0 passed, 1 failed\n");
		return 1;
	}
	printf("store: backend %s\n", store_driver_name(st));
	T_RUN(test_migrate);
	T_RUN(test_settings);
	T_RUN(test_articles);
	T_RUN(test_listing);
	T_RUN(test_transactions);
	T_RUN(test_tag_by_slug);
	T_RUN(test_migration_lists);
	T_RUN(test_nul_text);
	T_RUN(test_copy);
	T_RUN(test_every_statement_ran);
	store_close(st);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
	T_DONE("store");
}

/* test-store.c: the store conformance suite.
 *
 * Runs against $GAZETTE_TEST_DB when set (so the same suite runs on every
 * backend: the test runner points it at a throwaway PostgreSQL too), else
 * against a fresh SQLite file. The database must start empty. */
#include <stdlib.h>
#include <unistd.h>

#include "t.h"
#include "store/store.h"
#include "util/arena.h"

static struct store *st;

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

static void
count_problem(void *ctx, bool problem, const char *text)
{
	(void)text;
	if (problem)
		(*(int *)ctx)++;
}

/* Every backend runs the checks (and so every check statement) on the
 * data the tests above left; it holds no problem. Backup may be
 * unsupported, never wrong. */
static void
test_ops(void)
{
	char path[] = "/tmp/gazette-backup-XXXXXX", side[80];
	unsigned problems = 99;
	int seen = 0, fd;
	enum store_err e;

	T_EQ_INT(store_check(st, STORE_CHECK_ALL, count_problem, &seen,
	    &problems), STORE_OK);
	T_EQ_INT(problems, 0);
	T_EQ_INT(seen, 0);
	if ((fd = mkstemp(path)) < 0)
		return;
	close(fd);
	unlink(path);
	e = store_backup_to(st, path);
	T_CHECK(e == STORE_OK || e == STORE_UNSUPPORTED, "backup: %d", e);
	if (e == STORE_OK) {
		T_TRUE(access(path, F_OK) == 0);
		T_EQ_INT(store_backup_to(st, path), STORE_CONFLICT);
		T_EQ_INT(store_restore_from(st, path, false), STORE_CONFLICT);
		T_EQ_INT(store_restore_from(st, path, true), STORE_OK);
	}
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

int
main(void)
{
	char path[] = "/tmp/gazette-store-XXXXXX", db[64], err[256];
	const char *url = getenv("GAZETTE_TEST_DB");
	int fd = -1;

	if (url == NULL || *url == '\0') {
		if ((fd = mkstemp(path)) < 0)
			return 1;
		close(fd);
		snprintf(db, sizeof(db), "%s", path);
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
	T_RUN(test_ops);
	store_close(st);
	if (fd >= 0) {
		char wal[80];

		unlink(path);
		snprintf(wal, sizeof(wal), "%s-wal", path);
		unlink(wal);
		snprintf(wal, sizeof(wal), "%s-shm", path);
		unlink(wal);
	}
	T_DONE("store");
}

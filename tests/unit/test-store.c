/* test-store.c: the store conformance suite.
 *
 * Runs against $GAZETTE_TEST_DB when set (so the same suite runs on every
 * backend: the test runner points it at a throwaway PostgreSQL too), else
 * against a fresh SQLite file. The database must start empty. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "t.h"
#include "render/body.h"
#include "search/query.h"
#include "store/store-int.h"
#include "store/store.h"
#include "util/arena.h"

static struct store *st;
static const char   *st_url;
static char	     tmpdir[] = "/tmp/gazette-store-XXXXXX";
static struct arena  bodies; /* set_body's, freed at the end */

/* Gives a the body md as every caller of the store does: made by
 * article_body, search text and all (the store never renders). */
static void
set_body(struct article *a, const char *md)
{
	struct article_body b;

	if (!article_body(&bodies, BODY_MARKDOWN, md, strlen(md), a->summary,
		NULL, &b)) {
		T_CHECK(0, "article_body(\"%s\")", md);
		return;
	}
	a->body_md = b.source;
	a->body_html = b.html;
	a->body_text = b.text;
}

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
	a.body_text = "body";
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
	const char  *v = NULL;

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
	struct tag t2[] = { { "china", NULL, 0 } }; /* same slug as China */
	struct article a, got;
	struct arena   ar;
	int64_t	       n;

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
	/* The store indexes what it is given and makes no text itself. */
	a = mk("no-text", "No text", ARTICLE_PUBLISHED, 2000, "Ann", NULL, 0);
	a.body_text = NULL;
	T_EQ_INT(store_article_insert(st, &a), STORE_INVALID);

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
	struct article_list   l;
	struct arena	      ar;
	struct tag	     *tags;
	size_t		      n;

	arena_init(&ar);
	f.public = true;
	f.now = 5000;
	f.limit = 10;
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_EQ_INT(l.n, 2);
	if (l.n == 2) {
		T_EQ_STR(l.items[0].slug, "second"); /* newest first */
		T_EQ_STR(l.items[1].slug, "first");
		T_EQ_STR(l.items[0].body_html, ""); /* no body asked */
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
	f.before_id = 1; /* keyset: strictly older than (3000, 1) */
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
	/* An author's pages go by the slug of the byline. */
	f.author_slug = "ann";
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_TRUE(l.n == 1 && strcmp(l.items[0].slug, "first") == 0);
	f.public = false;
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_EQ_INT(l.n, 3);
	f.public = true;
	f.author_slug = NULL;
	f.from = 2500;
	f.to = 3500;
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_TRUE(l.n == 1 && strcmp(l.items[0].slug, "second") == 0);
	f.from = f.to = 0;
	f.public = false;
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_EQ_INT(l.n, 4);
	f.tag_slug = "china"; /* drafts and future ones too, for editors */
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_EQ_INT(l.n, 4);
	f.tag_slug = NULL;
	/* Owned by user id, whatever the byline says (an author's drafts
	 * in the API). */
	{
		struct user    u = { 0 };
		struct article o = mk("owned", "Owned", ARTICLE_DRAFT, 0,
		    "Somebody else", NULL, 0);

		u.name = "owner";
		u.role = ROLE_AUTHOR;
		T_EQ_INT(store_user_add(st, &u), STORE_OK);
		o.author_id = u.id;
		T_EQ_INT(store_article_insert(st, &o), STORE_OK);
		f.author_id = u.id;
		T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
		T_TRUE(l.n == 1 && strcmp(l.items[0].slug, "owned") == 0);
		f.status = "draft";
		T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
		T_EQ_INT(l.n, 1);
		f.status = NULL;
		f.author_id = u.id + 1;
		T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
		T_EQ_INT(l.n, 0);
		f.author_id = 0;
		T_EQ_INT(store_article_delete(st, o.id), STORE_OK);
		T_EQ_INT(store_user_remove(st, u.id), STORE_OK);
	}

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
	struct tag   t;

	arena_init(&ar);
	T_EQ_INT(store_tag_by_slug(st, &ar, "central-asia", 5000, &t),
	    STORE_OK);
	T_EQ_STR(t.name, "Central Asia");
	T_EQ_INT(t.count, 1);
	T_EQ_INT(store_tag_by_slug(st, &ar, "nope", 5000, &t), STORE_NOTFOUND);
	/* Before its article's time, a tag is nobody's business. */
	T_EQ_INT(store_tag_by_slug(st, &ar, "central-asia", 1, &t),
	    STORE_NOTFOUND);
	arena_free(&ar);
}

static int
row_first_int(void *ctx, const struct sval *c, size_t n)
{
	if (n > 0)
		*(int64_t *)ctx = c[0].i;
	return 1;
}

/* The id of the tag with slug, 0 when the store has no such tag. */
static int64_t
tag_id(const char *slug)
{
	struct sval p[] = { P_TEXT(slug) };
	int64_t	    id = 0;

	T_EQ_INT(store_exec(st, ST_TAG_ID, p, 1, row_first_int, &id), STORE_OK);
	return id;
}

/* A tag is public while a public article carries it, and in the store
 * while any article does. */
static void
test_tag_cleanup(void)
{
	struct tag only[] = { { "Only Draft", NULL, 0 } };
	struct tag shared[] = { { "Shared Tag", NULL, 0 } };
	struct article
	    a = mk("tc-one", "One", ARTICLE_DRAFT, 0, "Ann", only, 1),
	    b = mk("tc-two", "Two", ARTICLE_PUBLISHED, 100, "Ann", shared, 1),
	    c = mk("tc-three", "Three", ARTICLE_DRAFT, 0, "Ann", shared, 1);
	struct arena ar;
	struct tag   t;
	int64_t	     id;

	arena_init(&ar);
	T_EQ_INT(store_article_insert(st, &a), STORE_OK);
	T_TRUE(tag_id("only-draft") > 0);
	T_EQ_INT(store_tag_by_slug(st, &ar, "only-draft", 5000, &t),
	    STORE_NOTFOUND); /* only a draft has it */
	a.status = ARTICLE_SCHEDULED;
	a.published_at = 9000;
	T_EQ_INT(store_article_update(st, &a, "ed", 1100), STORE_OK);
	T_EQ_INT(store_tag_by_slug(st, &ar, "only-draft", 5000, &t),
	    STORE_NOTFOUND); /* not yet */
	T_EQ_INT(store_tag_by_slug(st, &ar, "only-draft", 9000, &t), STORE_OK);
	T_EQ_STR(t.name, "Only Draft");
	/* Saved with the same tags: the tag is kept, the same row. */
	id = tag_id("only-draft");
	T_EQ_INT(store_article_update(st, &a, "ed", 1200), STORE_OK);
	T_EQ_INT(tag_id("only-draft"), id);
	/* Taken off its last article: gone from the store. */
	a.tags = NULL;
	a.ntags = 0;
	T_EQ_INT(store_article_update(st, &a, "ed", 1300), STORE_OK);
	T_EQ_INT(tag_id("only-draft"), 0);
	T_EQ_INT(store_tag_by_slug(st, &ar, "only-draft", 9000, &t),
	    STORE_NOTFOUND);

	/* Shared: stays while one article links it, whatever its status. */
	T_EQ_INT(store_article_insert(st, &b), STORE_OK);
	T_EQ_INT(store_article_insert(st, &c), STORE_OK);
	T_EQ_INT(store_tag_by_slug(st, &ar, "shared-tag", 5000, &t), STORE_OK);
	T_EQ_INT(t.count, 1); /* the draft does not count */
	T_EQ_INT(store_article_delete(st, b.id), STORE_OK);
	T_TRUE(tag_id("shared-tag") > 0); /* the draft still has it */
	T_EQ_INT(store_tag_by_slug(st, &ar, "shared-tag", 5000, &t),
	    STORE_NOTFOUND);
	T_EQ_INT(store_article_delete(st, c.id), STORE_OK);
	T_EQ_INT(tag_id("shared-tag"), 0);
	T_EQ_INT(store_article_delete(st, c.id), STORE_NOTFOUND);
	T_EQ_INT(store_article_delete(st, a.id), STORE_OK);
	arena_free(&ar);
}

/* Both backends must carry the same migrations, version for version. */
static void
test_migration_lists(void)
{
	size_t i;

	T_EQ_INT(migrations_pg_n, migrations_sqlite_n);
	for (i = 0; i < migrations_pg_n && i < migrations_sqlite_n; i++) {
		T_EQ_INT(migrations_pg[i].version,
		    migrations_sqlite[i].version);
		T_EQ_STR(migrations_pg[i].name, migrations_sqlite[i].name);
	}
}

/* Text reaches the store validated, so a NUL never should; if one does,
 * PostgreSQL (C strings) refuses it instead of cutting the text short. */
static void
test_nul_text(void)
{
	struct sval    p[] = { P_TEXTN("a\0b", 3) };
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
	char	      err[256];

	if ((s = store_open(url, err, sizeof(err))) == NULL)
		T_CHECK(0, "cannot open %s: %s", url, err);
	return s;
}

static void count_problem(void *, bool, const char *);

/* A row in every table a copy carries, through the domain functions:
 * a user with a token and a session, an article by them with a tag, an
 * edit (a second revision), an old link, a comment with a reply (NULL
 * parent, a real spam score), and an approved one whose commenter is
 * trusted. */
static void
add_people(struct store *s)
{
	struct tag     tags[] = { { "Copied Tag", NULL, 0 } };
	struct article a = mk("copied", "Copied", ARTICLE_PUBLISHED, 3000,
	    "Ann", tags, 1);
	struct comment c1 = { 0 }, c2 = { 0 };
	struct user    u = { 0 };
	int64_t	       tok = 0;

	u.name = "copy-ann";
	u.display_name = "Ann Å.";
	u.role = ROLE_ADMIN;
	u.pw_hash = "$argon2id$x";
	u.created_at = 1000;
	T_EQ_INT(store_user_add(s, &u), STORE_OK);
	T_EQ_INT(store_token_add(s, u.id, "copy-token-hash", 1001, &tok),
	    STORE_OK);
	T_EQ_INT(store_session_add(s, "copy-session-hash", u.id, "csrf", 1002),
	    STORE_OK);
	a.author_id = u.id;
	set_body(&a, "Copied *body* text.");
	T_EQ_INT(store_article_insert(s, &a), STORE_OK);
	a.title = "Copied, edited";
	T_EQ_INT(store_article_update(s, &a, "copy-ann", 1100), STORE_OK);
	T_EQ_INT(store_redirect_add(s, "/?p=42", a.id), STORE_OK);
	c1.article_id = a.id;
	c1.author = "Bob";
	c1.email = "b@example.org";
	c1.body_md = "Hi";
	c1.body_html = "<p>Hi</p>";
	c1.status = COMMENT_APPROVED;
	c1.client_hash = "h1";
	c1.spam_score = 0.25;
	c1.created_at = c1.updated_at = 1100;
	T_EQ_INT(store_comment_insert(s, &c1), STORE_OK);
	c2 = c1;
	c2.parent_id = c1.id;
	c2.thread_id = c1.thread_id;
	c2.depth = 1;
	c2.author = "Cé";
	c2.url = "https://example.org/";
	c2.status = COMMENT_PENDING;
	c2.spam_score = 0.1;
	T_EQ_INT(store_comment_insert(s, &c2), STORE_OK);
	c2.parent_id = 0;
	c2.commenter = "copy-commenter";
	T_EQ_INT(store_comment_insert(s, &c2), STORE_OK);
	T_EQ_INT(store_comment_set_status(s, c2.id, COMMENT_APPROVED, 1200),
	    STORE_OK);
}

/* The copy behind `gazette migrate`: from the backend under test to a
 * SQLite file and on into a second database of the backend under test
 * ($GAZETTE_TEST_DB2, else another SQLite file), with equal digests all
 * along, ids kept, and sequences moved past them. */
static void
test_copy(void)
{
	struct store_digest  d0, d1, d2;
	int64_t		     rows[STORE_TABLE__MAX];
	unsigned	     problems = 99;
	struct store	    *mid = NULL, *dst = NULL, *bad;
	const char	    *url2 = getenv("GAZETTE_TEST_DB2");
	char		     p1[128], p2[128];
	struct arena	     ar;
	struct article	     a, got, last;
	struct search_query  q;
	struct search_result r;
	bool		     empty = false;
	int		     t;

	arena_init(&ar);
	add_people(st);
	T_EQ_INT(store_article_by_slug(st, &ar, "copied", &last), STORE_OK);
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
	for (t = 0; t < STORE_TABLE__MAX; t++)
		T_CHECK(d0.rows[t] > 0, "table %s has no row to copy",
		    store_table_name((enum store_table)t));
	T_EQ_INT(store_copy(st, mid, rows, &bad), STORE_OK);
	T_EQ_INT(rows[STORE_T_ARTICLE_TAGS], d0.rows[STORE_T_ARTICLE_TAGS]);
	T_EQ_INT(store_digest(mid, &d1), STORE_OK);
	T_TRUE(memcmp(d0.sum, d1.sum, sizeof(d0.sum)) == 0);
	T_EQ_INT(store_copy(mid, dst, rows, &bad), STORE_OK);
	T_EQ_INT(store_digest(dst, &d2), STORE_OK);
	T_TRUE(memcmp(d0.sum, d2.sum, sizeof(d0.sum)) == 0);
	T_TRUE(memcmp(d0.rows, d2.rows, sizeof(d0.rows)) == 0);
	/* The copies search as the original does: body text copied, tag
	 * text and index rebuilt. */
	T_EQ_INT(search_query_parse(&ar, "copied body \"copied tag\"", 25, &q),
	    SEARCH_OK);
	T_EQ_INT(store_search(mid, &ar, &q, 5000, 0, 20, &r), STORE_OK);
	T_EQ_INT(r.n, 1);
	T_EQ_INT(store_search(dst, &ar, &q, 5000, 0, 20, &r), STORE_OK);
	T_EQ_INT(r.n, 1);
	T_EQ_INT(store_check(dst, STORE_CHECK_ALL, count_problem, &t,
		     &problems),
	    STORE_OK);
	T_EQ_INT(problems, 0);

	/* A second copy into the same target collides and leaves it as it
	 * was (one transaction). */
	T_EQ_INT(store_copy(mid, dst, rows, &bad), STORE_CONFLICT);
	T_TRUE(bad == dst);
	T_EQ_INT(store_digest(dst, &d2), STORE_OK);
	T_TRUE(memcmp(d0.sum, d2.sum, sizeof(d0.sum)) == 0);

	/* New rows get ids past the copied ones. */
	a = mk("after-copy", "After", ARTICLE_PUBLISHED, 10, "", NULL, 0);
	T_EQ_INT(store_article_insert(dst, &a), STORE_OK);
	T_EQ_INT(store_article_by_slug(dst, &ar, "after-copy", &got), STORE_OK);
	T_TRUE(got.id > last.id);
	T_EQ_INT(store_digest(dst, &d2), STORE_OK);
	T_TRUE(memcmp(d0.sum, d2.sum, sizeof(d0.sum)) != 0);
out:
	store_close(mid);
	store_close(dst);
	arena_free(&ar);
}

/* The moderation queue, the classifier's counts and the scheduled-article
 * lookup (the page cache's), on the comments test_comments left behind;
 * runs before test_copy so the copy carries spam rows too. */
static void
test_spam_store(void)
{
	static const char
	    *const toks[] = { "casino", "host:spam.example", "words" };
	struct comment_queue q;
	struct comment_list  l;
	struct spam_count    cnt[3];
	enum spam_verdict    v;
	struct arena	     ar;
	int64_t		     n, ham = -1, spam = -1, when = -1;

	arena_init(&ar);
	T_EQ_INT(store_spam_totals(st, &ham, &spam), STORE_OK);
	T_EQ_INT(ham + spam, 0);
	T_EQ_INT(store_spam_add(st, toks, 3, SPAM_SPAM, 1), STORE_OK);
	T_EQ_INT(store_spam_add(st, toks + 2, 1, SPAM_HAM, 1), STORE_OK);
	T_EQ_INT(store_spam_counts(st, toks, 3, cnt), STORE_OK);
	T_TRUE(cnt[0].spam == 1 && cnt[0].ham == 0);
	T_TRUE(cnt[2].spam == 1 && cnt[2].ham == 1);
	T_EQ_INT(store_spam_add(st, toks, 1, SPAM_SPAM, -5), STORE_OK);
	T_EQ_INT(store_spam_counts(st, toks, 1, cnt), STORE_OK);
	T_EQ_INT(cnt[0].spam, 0); /* never below zero */
	T_EQ_INT(store_spam_totals(st, &ham, &spam), STORE_OK);
	T_TRUE(ham >= 1 && spam >= 0);

	T_EQ_INT(store_comment_list(st, &ar, -1, 0, 1, &l), STORE_OK);
	if (l.n == 1) {
		T_EQ_INT(store_comment_set_trained(st, l.items[0].id, SPAM_HAM),
		    STORE_OK);
		T_EQ_INT(store_comment_trained(st, l.items[0].id, &v),
		    STORE_OK);
		T_EQ_INT(v, SPAM_HAM);
		T_EQ_INT(store_comment_queue(st, &ar, l.items[0].status, 0, 10,
			     &q),
		    STORE_OK);
		T_TRUE(q.n >= 1);
		T_EQ_INT(store_comment_count_status(st, l.items[0].status, &n),
		    STORE_OK);
		T_TRUE(n >= 1);
	} else
		T_CHECK(0, "test_comments left no comment");
	T_EQ_INT(store_comment_trained(st, 99999999, &v), STORE_NOTFOUND);
	T_EQ_INT(store_article_next_public(st, 0, &when), STORE_OK);
	T_TRUE(when > 0);
	arena_free(&ar);
}

/* Every statement of enum stmt ran in this suite, on this backend: what
 * proves each driver's SQL table is whole and valid. */
static void
test_every_statement_ran(void)
{
	int i;

	for (i = 0; i < ST__MAX; i++)
		T_CHECK(store_stmt_ran[i],
		    "statement %d never ran: test it "
		    "in test-store.c",
		    i);
}

/* Author slugs: written with each save, filled in by the backfill for
 * rows without (as after migration 12), bylines of blanks left alone;
 * and a revision keeps the format of its body. */
static void
test_author_slugs(void)
{
	struct article a = mk("smith", "Smith", ARTICLE_PUBLISHED, 100,
	    "J. Smith", NULL, 0);
	struct article b = mk("blank", "Blank", ARTICLE_PUBLISHED, 100, "  ",
	    NULL, 0);
	struct article_filter f = { 0 };
	struct article_list   l;
	struct revision	     *revs;
	struct arena	      ar;
	size_t		      n;

	arena_init(&ar);
	a.format = BODY_HTML;
	T_EQ_INT(store_article_insert(st, &a), STORE_OK);
	T_EQ_INT(store_article_insert(st, &b), STORE_OK);
	f.public = true;
	f.now = 5000;
	f.limit = 10;
	f.author_slug = "j-smith";
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_TRUE(l.n == 1 && strcmp(l.items[0].author, "J. Smith") == 0);
	T_EQ_INT(st->drv->script(st->conn,
		     "UPDATE articles SET author_slug = ''"),
	    STORE_OK);
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_EQ_INT(l.n, 0);
	T_EQ_INT(store_author_slug_backfill(st), STORE_OK);
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_EQ_INT(l.n, 1);
	f.author_slug = "ann";
	T_EQ_INT(store_article_list(st, &ar, &f, &l), STORE_OK);
	T_EQ_INT(l.n, 1);
	T_EQ_INT(store_revision_list(st, &ar, a.id, &revs, &n), STORE_OK);
	T_TRUE(n == 1 && revs[0].format == BODY_HTML);
	T_EQ_INT(store_revision_list(st, &ar, b.id, &revs, &n), STORE_OK);
	T_TRUE(n == 1 && revs[0].format == BODY_MARKDOWN);
	T_EQ_INT(store_article_delete(st, a.id), STORE_OK);
	T_EQ_INT(store_article_delete(st, b.id), STORE_OK);
	arena_free(&ar);
}

static void
test_transactions(void)
{
	struct article a = mk("tx", "Tx", ARTICLE_PUBLISHED, 100, "", NULL, 0);
	struct arena   ar;
	struct article got;

	arena_init(&ar);
	T_EQ_INT(store_begin(st), STORE_OK);
	T_EQ_INT(store_begin(st), STORE_OK);
	T_EQ_INT(store_article_insert(st, &a), STORE_OK);
	store_rollback(st); /* inner rollback dooms the whole */
	T_TRUE(store_commit(st) != STORE_OK);
	T_EQ_INT(store_article_by_slug(st, &ar, "tx", &got), STORE_NOTFOUND);
	T_EQ_INT(store_begin(st), STORE_OK);
	T_EQ_INT(store_article_insert(st, &a), STORE_OK);
	T_EQ_INT(store_commit(st), STORE_OK);
	T_EQ_INT(store_article_by_slug(st, &ar, "tx", &got), STORE_OK);
	arena_free(&ar);
}

/* A run of reads sees one snapshot (where the backend keeps one); a
 * write inside it ends it first; read_end outside one is harmless. */
static void
test_read_snapshot(void)
{
	struct article a = mk("snap", "Snap", ARTICLE_PUBLISHED, 100, "", NULL,
	    0);
	struct article b = mk("snap-w", "Snap W", ARTICLE_PUBLISHED, 100, "",
	    NULL, 0);
	struct store  *other;
	struct arena   ar;
	struct article got;
	char	       err[256];
	bool	       snapshots = strcmp(store_driver_name(st), "sqlite") == 0;

	arena_init(&ar);
	store_read_end(st);
	store_read_begin(NULL);
	store_read_end(NULL);
	if ((other = store_open(st_url, err, sizeof(err))) == NULL) {
		T_CHECK(0, "second connection: %s", err);
		return;
	}
	store_read_begin(st);
	T_EQ_INT(store_article_by_slug(st, &ar, "tx", &got), STORE_OK);
	T_EQ_INT(store_article_insert(other, &a), STORE_OK);
	T_EQ_INT(store_article_by_slug(st, &ar, "snap", &got),
	    snapshots ? STORE_NOTFOUND : STORE_OK);
	store_read_end(st);
	T_EQ_INT(store_article_by_slug(st, &ar, "snap", &got), STORE_OK);
	/* A write in the middle of reads. */
	store_read_begin(st);
	T_EQ_INT(store_article_by_slug(st, &ar, "tx", &got), STORE_OK);
	T_EQ_INT(store_begin(st), STORE_OK);
	T_EQ_INT(store_article_insert(st, &b), STORE_OK);
	T_EQ_INT(store_commit(st), STORE_OK);
	store_read_end(st);
	T_EQ_INT(store_article_by_slug(other, &ar, "snap-w", &got), STORE_OK);
	/* Not inside a transaction: no snapshot to take. */
	T_EQ_INT(store_begin(st), STORE_OK);
	store_read_begin(st);
	store_read_end(st);
	T_EQ_INT(store_commit(st), STORE_OK);
	T_EQ_INT(store_article_delete(st, got.id), STORE_OK);
	T_EQ_INT(store_article_by_slug(st, &ar, "snap", &got), STORE_OK);
	T_EQ_INT(store_article_delete(st, got.id), STORE_OK);
	store_close(other);
	arena_free(&ar);
}

static void
test_users(void)
{
	struct user	  u = { 0 }, got, *list;
	struct session	  se;
	struct api_token *toks;
	struct arena	  ar;
	int64_t		  id, n;
	size_t		  k;

	arena_init(&ar);
	u.name = "Ann";
	u.display_name = "Ann A.";
	u.role = ROLE_EDITOR;
	u.pw_hash = "$argon2id$x";
	u.created_at = 5;
	T_EQ_INT(store_user_add(st, &u), STORE_OK);
	T_TRUE(u.id > 0);
	u.name = "ann"; /* names are unique ignoring case */
	T_EQ_INT(store_user_add(st, &u), STORE_CONFLICT);
	u.name = "Bob";
	u.role = ROLE_ADMIN;
	T_EQ_INT(store_user_add(st, &u), STORE_OK);
	T_EQ_INT(store_user_by_name(st, &ar, "ANN", &got), STORE_OK);
	T_EQ_STR(got.name, "Ann");
	T_EQ_INT(got.role, ROLE_EDITOR);
	T_EQ_STR(got.pw_hash, "$argon2id$x");
	T_EQ_INT(store_user_by_name(st, &ar, "nobody", &got), STORE_NOTFOUND);
	T_EQ_INT(store_user_list(st, &ar, &list, &k), STORE_OK);
	T_EQ_INT(k, 2);
	T_EQ_INT(store_user_count_role(st, ROLE_ADMIN, &n), STORE_OK);
	T_EQ_INT(n, 1);
	/* A new password ends the user's sessions and revokes their tokens,
	 * and no one else's. */
	{
		struct user bob;

		T_EQ_INT(store_user_by_name(st, &ar, "Bob", &bob), STORE_OK);
		T_EQ_INT(store_session_add(st, "pw-s1", got.id, "c", 50),
		    STORE_OK);
		T_EQ_INT(store_session_add(st, "pw-s2", bob.id, "c", 50),
		    STORE_OK);
		T_EQ_INT(store_token_add(st, got.id, "pw-t1", 50, &id),
		    STORE_OK);
		T_EQ_INT(store_token_add(st, bob.id, "pw-t2", 50, &id),
		    STORE_OK);
		T_EQ_INT(store_user_set_password(st, got.id, "new", 60),
		    STORE_OK);
		T_EQ_INT(store_user_by_id(st, &ar, got.id, &u), STORE_OK);
		T_EQ_STR(u.pw_hash, "new");
		T_EQ_INT(store_session_get(st, &ar, "pw-s1", &se),
		    STORE_NOTFOUND);
		T_EQ_INT(store_token_user(st, &ar, "pw-t1", &u),
		    STORE_NOTFOUND);
		T_EQ_INT(store_session_get(st, &ar, "pw-s2", &se), STORE_OK);
		T_EQ_INT(store_token_user(st, &ar, "pw-t2", &u), STORE_OK);
		T_EQ_INT(store_token_list(st, &ar, &toks, &k), STORE_OK);
		T_TRUE(k == 2 && toks[0].revoked_at == 60 &&
		    toks[1].revoked_at == 0);
		T_EQ_INT(store_session_delete(st, "pw-s2"), STORE_OK);
		T_EQ_INT(store_token_revoke(st, id, 61), STORE_OK);
		T_EQ_INT(store_user_set_password(st, 99999, "new", 60),
		    STORE_NOTFOUND);
	}

	T_EQ_INT(store_token_add(st, got.id, "digest1", 10, &id), STORE_OK);
	T_EQ_INT(store_token_user(st, &ar, "digest1", &u), STORE_OK);
	T_EQ_STR(u.name, "Ann");
	T_EQ_INT(store_token_user(st, &ar, "other", &u), STORE_NOTFOUND);
	T_EQ_INT(store_token_list(st, &ar, &toks, &k), STORE_OK);
	T_TRUE(k == 3 && toks[2].revoked_at == 0);
	T_EQ_INT(store_token_revoke(st, id, 11), STORE_OK);
	T_EQ_INT(store_token_revoke(st, id, 12), STORE_NOTFOUND);
	T_EQ_INT(store_token_user(st, &ar, "digest1", &u), STORE_NOTFOUND);

	T_EQ_INT(store_session_add(st, "sess1", got.id, "csrf1", 100),
	    STORE_OK);
	T_EQ_INT(store_session_get(st, &ar, "sess1", &se), STORE_OK);
	T_EQ_STR(se.user.name, "Ann");
	T_EQ_STR(se.csrf, "csrf1");
	T_EQ_INT(se.seen_at, 100);
	T_EQ_INT(store_session_touch(st, "sess1", 150), STORE_OK);
	T_EQ_INT(store_session_get(st, &ar, "sess1", &se), STORE_OK);
	T_EQ_INT(se.seen_at, 150);
	T_EQ_INT(store_session_purge(st, 140, 0), STORE_OK);
	T_EQ_INT(store_session_get(st, &ar, "sess1", &se), STORE_OK);
	T_EQ_INT(store_session_purge(st, 160, 0), STORE_OK);
	T_EQ_INT(store_session_get(st, &ar, "sess1", &se), STORE_NOTFOUND);
	T_EQ_INT(store_session_add(st, "sess2", got.id, "c", 200), STORE_OK);
	T_EQ_INT(store_session_delete(st, "sess2"), STORE_OK);
	T_EQ_INT(store_session_get(st, &ar, "sess2", &se), STORE_NOTFOUND);
	T_EQ_INT(store_session_add(st, "sess3", got.id, "c", 200), STORE_OK);
	T_EQ_INT(store_user_remove(st, got.id), STORE_OK);
	T_EQ_INT(store_session_get(st, &ar, "sess3", &se), STORE_NOTFOUND);
	T_EQ_INT(store_user_remove(st, got.id), STORE_NOTFOUND);
	arena_free(&ar);
}

static void
test_update(void)
{
	struct tag tags[] = { { "Energy", NULL, 0 } };
	struct article
	    a = mk("upd", "Before", ARTICLE_DRAFT, 0, "Ann", NULL, 0),
	    b, stale;
	struct revision *revs, rv;
	struct arena	 ar;
	size_t		 n;

	arena_init(&ar);
	T_EQ_INT(store_article_insert(st, &a), STORE_OK);
	T_EQ_INT(a.version, 1);
	T_EQ_INT(store_article_by_id(st, &ar, a.id, &b), STORE_OK);
	T_EQ_INT(b.version, 1);
	T_TRUE(b.body_text == NULL); /* reads leave it out */
	b.body_text = "body";
	stale = b;
	b.title = "After";
	b.status = ARTICLE_PUBLISHED;
	b.published_at = 4000;
	b.tags = tags;
	b.ntags = 1;
	T_EQ_INT(store_article_update(st, &b, "editor-x", 4100), STORE_OK);
	T_EQ_INT(b.version, 2);
	stale.title = "Lost edit";
	T_EQ_INT(store_article_update(st, &stale, "editor-y", 4200),
	    STORE_STALE);
	T_EQ_INT(store_article_by_id(st, &ar, a.id, &b), STORE_OK);
	T_EQ_STR(b.title, "After");
	T_EQ_INT(b.updated_at, 4100);
	T_TRUE(b.ntags == 1 && strcmp(b.tags[0].slug, "energy") == 0);
	b.body_text = "body";
	b.slug = "first"; /* taken */
	T_EQ_INT(store_article_update(st, &b, "x", 4300), STORE_CONFLICT);
	T_EQ_INT(store_revision_list(st, &ar, a.id, &revs, &n), STORE_OK);
	T_EQ_INT(n, 2);
	if (n == 2) {
		T_EQ_INT(revs[0].version, 2);
		T_EQ_STR(revs[0].editor, "editor-x");
		T_EQ_STR(revs[0].tags, "Energy");
		T_EQ_STR(revs[1].title, "Before");
		T_EQ_INT(store_revision_get(st, &ar, revs[1].id, &rv),
		    STORE_OK);
		T_EQ_STR(rv.title, "Before");
	}
	b.id = 999999;
	T_EQ_INT(store_article_update(st, &b, "x", 1), STORE_NOTFOUND);
	T_EQ_INT(store_article_delete(st, a.id), STORE_OK);
	T_EQ_INT(store_article_delete(st, a.id), STORE_NOTFOUND);
	T_EQ_INT(store_revision_list(st, &ar, a.id, &revs, &n), STORE_OK);
	T_EQ_INT(n, 0);
	arena_free(&ar);
}

static struct comment
mkc(int64_t article, const struct comment *parent, const char *author,
    const char *email, enum comment_status status, int64_t when)
{
	struct comment c = { 0 };

	c.article_id = article;
	if (parent) {
		c.parent_id = parent->id;
		c.thread_id = parent->thread_id;
		c.depth = parent->depth + 1;
	}
	c.author = author;
	c.email = email;
	c.url = "";
	c.body_md = "*hi*";
	c.body_html = "<p><em>hi</em></p>";
	c.status = status;
	c.client_hash = "00ff";
	c.created_at = c.updated_at = when;
	return c;
}

static void
test_comments(void)
{
	struct article
	    a = mk("talk", "Talk", ARTICLE_PUBLISHED, 100, "", NULL, 0),
	    got;
	struct comment	    t1, r1, r2, t2, t3, held, c;
	struct comment_list l;
	struct arena	    ar;
	enum comment_status cs;
	bool		    trusted;

	arena_init(&ar);
	T_TRUE(comment_status_parse("spam", &cs) && cs == COMMENT_SPAM);
	T_TRUE(!comment_status_parse("nope", &cs));
	T_EQ_STR(comment_status_name(COMMENT_DELETED), "deleted");
	T_EQ_INT(store_article_insert(st, &a), STORE_OK);
	t1 = mkc(a.id, NULL, "Ann", "ann@x.org", COMMENT_APPROVED, 10);
	T_EQ_INT(store_comment_insert(st, &t1), STORE_OK);
	T_EQ_INT(t1.thread_id, t1.id);
	r1 = mkc(a.id, &t1, "Bob", "", COMMENT_APPROVED, 11);
	T_EQ_INT(store_comment_insert(st, &r1), STORE_OK);
	r2 = mkc(a.id, &r1, "Cy", "", COMMENT_APPROVED, 12);
	T_EQ_INT(store_comment_insert(st, &r2), STORE_OK);
	t2 = mkc(a.id, NULL, "Dee", "", COMMENT_APPROVED, 13);
	T_EQ_INT(store_comment_insert(st, &t2), STORE_OK);
	held = mkc(a.id, NULL, "Eve", "eve@x.org", COMMENT_PENDING, 14);
	T_EQ_INT(store_comment_insert(st, &held), STORE_OK);
	t3 = mkc(a.id, NULL, "Fay", "", COMMENT_APPROVED, 15);
	T_EQ_INT(store_comment_insert(st, &t3), STORE_OK);
	c = mkc(a.id + 1000, NULL, "Nobody", "", COMMENT_APPROVED, 16);
	T_EQ_INT(store_comment_insert(st, &c), STORE_INVALID);

	T_EQ_INT(store_comment_get(st, &ar, r2.id, &c), STORE_OK);
	T_EQ_INT(c.parent_id, r1.id);
	T_EQ_INT(c.thread_id, t1.id);
	T_EQ_INT(c.depth, 2);
	T_EQ_STR(c.author, "Cy");
	T_EQ_STR(c.body_html, "<p><em>hi</em></p>");
	T_EQ_INT(store_comment_get(st, &ar, 999999, &c), STORE_NOTFOUND);
	T_EQ_INT(store_article_by_slug(st, &ar, "talk", &got), STORE_OK);
	T_EQ_INT(got.comment_count, 5);

	/* paging by threads: two a page, the held thread skipped */
	T_EQ_INT(store_comment_threads(st, &ar, a.id, 0, 2, &l), STORE_OK);
	T_EQ_INT(l.n, 4); /* t1, r1, r2, t2 */
	T_EQ_INT(l.items[0].id, t1.id);
	T_EQ_INT(l.items[3].id, t2.id);
	T_EQ_INT(l.next_after, t2.id);
	T_EQ_INT(store_comment_threads(st, &ar, a.id, l.next_after, 2, &l),
	    STORE_OK);
	T_EQ_INT(l.n, 1); /* the held comment's thread is not shown */
	T_EQ_INT(l.items[0].id, t3.id);
	T_EQ_INT(l.next_after, 0);
	/* a comment not approved inside a shown thread comes without text */
	c = mkc(a.id, &t3, "Gil", "", COMMENT_SPAM, 16);
	T_EQ_INT(store_comment_insert(st, &c), STORE_OK);
	T_EQ_INT(store_comment_threads(st, &ar, a.id, t2.id, 2, &l), STORE_OK);
	T_EQ_INT(l.n, 2);
	T_EQ_INT(l.items[1].status, COMMENT_SPAM);
	T_EQ_STR(l.items[1].author, "");
	T_EQ_STR(l.items[1].body_html, "");

	/* Trust (moderation policy "first") is a commenter's, earned by an
	 * approval, whatever their comments say their email is. */
	T_EQ_INT(store_commenter_trusted(st, "k-eve", &trusted), STORE_OK);
	T_TRUE(!trusted);
	T_EQ_INT(store_commenter_trusted(st, "", &trusted), STORE_OK);
	T_TRUE(!trusted);
	T_EQ_INT(store_commenter_trusted(st, NULL, &trusted), STORE_OK);
	T_TRUE(!trusted);
	T_EQ_INT(store_comment_set_status(st, held.id, COMMENT_APPROVED, 20),
	    STORE_OK);
	/* held was written without a commenter: approving it trusts no
	 * one, not even the empty one. */
	T_EQ_INT(store_commenter_trusted(st, "", &trusted), STORE_OK);
	T_TRUE(!trusted);
	T_EQ_INT(store_comment_set_status(st, t1.id, COMMENT_SPAM, 21),
	    STORE_OK);
	T_EQ_INT(store_comment_set_status(st, 999999, COMMENT_SPAM, 21),
	    STORE_NOTFOUND);
	T_EQ_INT(store_article_by_slug(st, &ar, "talk", &got), STORE_OK);
	T_EQ_INT(got.comment_count, 5);
	T_EQ_INT(store_comment_recent(st, &ar, a.id, 2, &l), STORE_OK);
	T_EQ_INT(l.n, 2);
	T_EQ_INT(l.items[0].id, t3.id);
	T_EQ_INT(store_comment_list(st, &ar, COMMENT_SPAM, 0, 10, &l),
	    STORE_OK);
	T_EQ_INT(l.n, 2);
	T_EQ_INT(l.items[1].id, t1.id);
	T_EQ_STR(l.items[1].email, "ann@x.org");
	T_EQ_INT(store_comment_list(st, &ar, -1, a.id, 100, &l), STORE_OK);
	T_EQ_INT(l.n, 7);

	/* one article's comments by id, keyset paged (API lists, export) */
	T_EQ_INT(store_comment_page(st, &ar, a.id, COMMENT_APPROVED, 0, 2, &l),
	    STORE_OK);
	T_EQ_INT(l.n, 2);
	T_EQ_INT(l.items[0].id, r1.id);
	T_EQ_INT(l.items[1].id, r2.id);
	T_EQ_INT(l.next_after, r2.id);
	T_EQ_STR(l.items[0].email, "");
	T_EQ_INT(store_comment_page(st, &ar, a.id, COMMENT_APPROVED,
		     l.next_after, 2, &l),
	    STORE_OK);
	T_EQ_INT(l.n, 2);
	T_EQ_INT(l.items[0].id, t2.id);
	T_EQ_INT(l.items[1].id, held.id);
	T_EQ_INT(store_comment_page(st, &ar, a.id, COMMENT_APPROVED,
		     l.next_after, 2, &l),
	    STORE_OK);
	T_EQ_INT(l.n, 1);
	T_EQ_INT(l.items[0].id, t3.id);
	T_EQ_INT(l.next_after, 0);
	T_EQ_INT(store_comment_page(st, &ar, a.id, -1, 0, 100, &l), STORE_OK);
	T_EQ_INT(l.n, 7);
	T_EQ_INT(l.items[0].id, t1.id);
	T_EQ_INT(l.next_after, 0);
	T_EQ_INT(store_comment_page(st, &ar, a.id, COMMENT_SPAM, t1.id, 100,
		     &l),
	    STORE_OK);
	T_EQ_INT(l.n, 1); /* Gil */
	T_EQ_INT(store_comment_page(st, &ar, a.id + 1000, -1, 0, 10, &l),
	    STORE_OK);
	T_EQ_INT(l.n, 0);

	/* a moderator's edit: fields, status and the count in one go */
	T_EQ_INT(store_comment_get(st, &ar, r2.id, &c), STORE_OK);
	c.author = "Cy B.";
	c.url = "https://cy.example";
	c.body_md = "**new**";
	c.body_html = "<p><strong>new</strong></p>";
	c.status = COMMENT_DELETED;
	c.updated_at = 30;
	c.email = "ignored@x.org";
	T_EQ_INT(store_comment_update(st, &c), STORE_OK);
	T_EQ_INT(store_comment_get(st, &ar, r2.id, &c), STORE_OK);
	T_EQ_STR(c.author, "Cy B.");
	T_EQ_STR(c.url, "https://cy.example");
	T_EQ_STR(c.body_md, "**new**");
	T_EQ_STR(c.body_html, "<p><strong>new</strong></p>");
	T_EQ_STR(c.email, "");
	T_EQ_INT(c.status, COMMENT_DELETED);
	T_EQ_INT(c.updated_at, 30);
	T_EQ_INT(c.created_at, 12);
	T_EQ_INT(c.parent_id, r1.id);
	T_EQ_INT(store_article_by_slug(st, &ar, "talk", &got), STORE_OK);
	T_EQ_INT(got.comment_count, 4);
	c.id = 999999;
	T_EQ_INT(store_comment_update(st, &c), STORE_NOTFOUND);
	/* an import keeps an edit time later than the creation */
	c = mkc(a.id, NULL, "Imp", "", COMMENT_APPROVED, 40);
	c.updated_at = 50;
	T_EQ_INT(store_comment_insert(st, &c), STORE_OK);
	T_EQ_INT(store_comment_get(st, &ar, c.id, &c), STORE_OK);
	T_EQ_INT(c.created_at, 40);
	T_EQ_INT(c.updated_at, 50);
	T_EQ_INT(store_article_by_slug(st, &ar, "talk", &got), STORE_OK);
	T_EQ_INT(got.comment_count, 5);

	/* A commenter is trusted once a comment of theirs is approved, by
	 * set_status or by update, and no longer after a spam verdict;
	 * another commenter with the same email is not. */
	c = mkc(a.id, NULL, "Kay", "kay@x.org", COMMENT_PENDING, 60);
	c.commenter = "k-kay";
	T_EQ_INT(store_comment_insert(st, &c), STORE_OK);
	held = mkc(a.id, NULL, "Kay", "kay@x.org", COMMENT_APPROVED, 61);
	held.commenter = "k-mallory";
	T_EQ_INT(store_comment_insert(st, &held), STORE_OK);
	T_EQ_INT(store_commenter_trusted(st, "k-kay", &trusted), STORE_OK);
	T_TRUE(!trusted);
	T_EQ_INT(store_commenter_trusted(st, "k-mallory", &trusted), STORE_OK);
	T_TRUE(!trusted); /* stored approved is no moderator's word */
	T_EQ_INT(store_comment_set_status(st, c.id, COMMENT_APPROVED, 62),
	    STORE_OK);
	T_EQ_INT(store_commenter_trusted(st, "k-kay", &trusted), STORE_OK);
	T_TRUE(trusted);
	T_EQ_INT(store_commenter_trusted(st, "k-mallory", &trusted), STORE_OK);
	T_TRUE(!trusted);
	T_EQ_INT(store_comment_set_status(st, c.id, COMMENT_APPROVED, 63),
	    STORE_OK); /* twice is once */
	T_EQ_INT(store_comment_set_status(st, c.id, COMMENT_DELETED, 64),
	    STORE_OK);
	T_EQ_INT(store_commenter_trusted(st, "k-kay", &trusted), STORE_OK);
	T_TRUE(trusted); /* deleting judges no one */
	T_EQ_INT(store_comment_set_status(st, c.id, COMMENT_SPAM, 65),
	    STORE_OK);
	T_EQ_INT(store_commenter_trusted(st, "k-kay", &trusted), STORE_OK);
	T_TRUE(!trusted);
	T_EQ_INT(store_comment_get(st, &ar, c.id, &c), STORE_OK);
	c.status = COMMENT_APPROVED;
	c.updated_at = 66;
	T_EQ_INT(store_comment_update(st, &c), STORE_OK);
	T_EQ_INT(store_commenter_trusted(st, "k-kay", &trusted), STORE_OK);
	T_TRUE(trusted);
	arena_free(&ar);
}

/* Reply chains 2,000 deep: through the store, a reply nests at most
 * COMMENT_DEPTH_MAX deep (deeper ones attach to the deepest allowed
 * ancestor); written by raw SQL, as data from before the cap is, the
 * chain is as deep as it was. Either way its article deletes (a
 * cascade that recursed once per level stopped SQLite at 1,000). */
#define DEEP_CHAIN 2000

static void
test_comment_depth(void)
{
	struct article
	    a = mk("deep", "Deep", ARTICLE_PUBLISHED, 100, "", NULL, 0),
	    b = mk("legacy-deep", "Legacy", ARTICLE_PUBLISHED, 100, "", NULL,
		0),
	    o = mk("elsewhere", "Elsewhere", ARTICLE_PUBLISHED, 100, "", NULL,
		0);
	struct comment	   *chain, c, got;
	struct comment_list l;
	struct arena	    ar;
	char		    sql[1024];
	int64_t		    top = 0, maxdepth = 0, base = 5000000;
	size_t		    i;

	arena_init(&ar);
	chain = arena_alloc(&ar, DEEP_CHAIN * sizeof(*chain));
	T_EQ_INT(store_article_insert(st, &a), STORE_OK);
	T_EQ_INT(store_article_insert(st, &b), STORE_OK);
	T_EQ_INT(store_article_insert(st, &o), STORE_OK);
	T_EQ_INT(store_begin(st), STORE_OK);
	for (i = 0; i < DEEP_CHAIN; i++) {
		chain[i] = mkc(a.id, i ? &chain[i - 1] : NULL, "Deep", "",
		    COMMENT_APPROVED, 100 + (int64_t)i);
		/* What a caller says of thread and depth is not believed:
		 * the store works them out from the parent. */
		chain[i].depth = 0;
		chain[i].thread_id = 0;
		if (store_comment_insert(st, &chain[i]) != STORE_OK) {
			T_CHECK(0, "reply %zu: %s", i, store_errmsg(st));
			break;
		}
		if (chain[i].depth > maxdepth)
			maxdepth = chain[i].depth;
	}
	T_EQ_INT(store_commit(st), STORE_OK);
	T_EQ_INT(maxdepth, COMMENT_DEPTH_MAX);
	T_EQ_INT(store_comment_get(st, &ar, chain[DEEP_CHAIN - 1].id, &got),
	    STORE_OK);
	T_EQ_INT(got.depth, COMMENT_DEPTH_MAX);
	T_EQ_INT(got.thread_id, chain[0].id);
	/* At the cap a reply goes beside the comment it answers, under the
	 * deepest comment that may have replies. */
	T_EQ_INT(got.parent_id, chain[COMMENT_DEPTH_MAX - 1].id);
	T_EQ_INT(store_comment_get(st, &ar, chain[COMMENT_DEPTH_MAX].id, &got),
	    STORE_OK);
	T_EQ_INT(got.parent_id, chain[COMMENT_DEPTH_MAX - 1].id);
	T_EQ_INT(got.depth, COMMENT_DEPTH_MAX);
	T_EQ_INT(store_comment_get(st, &ar, chain[2].id, &got), STORE_OK);
	T_EQ_INT(got.parent_id, chain[1].id);
	T_EQ_INT(got.depth, 2);
	/* A parent on another article is refused, as a missing one is. */
	c = mkc(o.id, &chain[3], "Astray", "", COMMENT_APPROVED, 5000);
	T_EQ_INT(store_comment_insert(st, &c), STORE_INVALID);
	c = mkc(a.id, &chain[3], "Gone", "", COMMENT_APPROVED, 5000);
	c.parent_id = 99999999;
	T_EQ_INT(store_comment_insert(st, &c), STORE_INVALID);

	/* Data from before the cap, 2,000 deep, as raw SQL writes it. */
	snprintf(sql, sizeof(sql),
	    "WITH RECURSIVE n(i) AS (SELECT 1 UNION "
	    "ALL SELECT i + 1 FROM n WHERE i < %d) INSERT INTO comments "
	    "(id, article_id, parent_id, thread_id, depth, author, body_md, "
	    "body_html, status, created_at, updated_at) SELECT %lld + i, "
	    "%lld, CASE WHEN i = 1 THEN NULL ELSE %lld + i - 1 END, %lld, "
	    "i - 1, 'Old', 'old', '<p>old</p>', 'approved', 1, 1 FROM n",
	    DEEP_CHAIN, (long long)base, (long long)b.id, (long long)base,
	    (long long)base + 1);
	T_EQ_INT(st->drv->script(st->conn, sql), STORE_OK);
	T_EQ_INT(store_comment_get(st, &ar, base + DEEP_CHAIN, &got), STORE_OK);
	T_EQ_INT(got.depth, DEEP_CHAIN - 1);
	/* A reply to its deepest comment climbs to the cap. */
	c = mkc(b.id, &got, "New", "", COMMENT_APPROVED, 5000);
	T_EQ_INT(store_comment_insert(st, &c), STORE_OK);
	T_EQ_INT(c.depth, COMMENT_DEPTH_MAX);
	T_EQ_INT(c.parent_id, base + COMMENT_DEPTH_MAX);
	T_EQ_INT(c.thread_id, base + 1);
	top = chain[0].id;

	T_CHECK(store_article_delete(st, a.id) == STORE_OK,
	    "deleting the "
	    "article of a capped chain: %s",
	    store_errmsg(st));
	T_EQ_INT(store_comment_get(st, &ar, top, &got), STORE_NOTFOUND);
	T_EQ_INT(store_comment_get(st, &ar, chain[DEEP_CHAIN - 1].id, &got),
	    STORE_NOTFOUND);
	T_CHECK(store_article_delete(st, b.id) == STORE_OK,
	    "deleting the "
	    "article of a 2,000-deep legacy chain: %s",
	    store_errmsg(st));
	T_EQ_INT(store_comment_get(st, &ar, base + DEEP_CHAIN, &got),
	    STORE_NOTFOUND);
	T_EQ_INT(store_comment_list(st, &ar, -1, b.id, 10, &l), STORE_OK);
	T_EQ_INT(l.n, 0);
	T_EQ_INT(store_article_delete(st, o.id), STORE_OK);
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
	char	       path[] = "/tmp/gazette-backup-XXXXXX", side[80];
	unsigned       problems = 99;
	int	       seen = 0, fd;
	enum store_err e;

	T_EQ_INT(store_check(st, STORE_CHECK_ALL, count_problem, &seen,
		     &problems),
	    STORE_OK);
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

/* The admin's listing: status, author, tag and title filters, paging. */
static void
test_query(void)
{
	struct tag     t_ru[] = { { "Rail & Roads", NULL, 0 } };
	struct article a[] = {
		mk("q-one", "Steppe rail 100%", ARTICLE_DRAFT, 0, "Q", t_ru, 1),
		mk("q-two", "Steppe roads", ARTICLE_PUBLISHED, 50, "Q", NULL,
		    0),
		mk("q-three", "Lake level", ARTICLE_SCHEDULED, 90, "Q", t_ru,
		    1),
	};
	struct article_query q = { 0 };
	struct article_list  l;
	struct user	     u = { 0 };
	struct arena	     ar;
	int64_t		     n;
	size_t		     i;

	arena_init(&ar);
	u.name = "quinn";
	u.role = ROLE_AUTHOR;
	u.pw_hash = "";
	T_EQ_INT(store_user_add(st, &u), STORE_OK);
	for (i = 0; i < 3; i++) {
		a[i].author_id = i < 2 ? u.id : 0;
		a[i].updated_at = 2000 + (int64_t)i;
		T_EQ_INT(store_article_insert(st, &a[i]), STORE_OK);
	}
	q.any_status = true;
	q.title_like = "steppe";
	T_EQ_INT(store_article_query(st, &ar, &q, &l), STORE_OK);
	T_TRUE(l.n == 2 && strcmp(l.items[0].slug, "q-two") == 0);
	q.title_like = "100%"; /* literal, not a wildcard */
	T_EQ_INT(store_article_query(st, &ar, &q, &l), STORE_OK);
	T_TRUE(l.n == 1 && strcmp(l.items[0].slug, "q-one") == 0);
	q.title_like = "1_0";
	T_EQ_INT(store_article_query(st, &ar, &q, &l), STORE_OK);
	T_EQ_INT(l.n, 0);
	q.title_like = NULL;
	q.tag_slug = "rail-roads";
	T_EQ_INT(store_article_query(st, &ar, &q, &l), STORE_OK);
	T_EQ_INT(l.n, 2);
	q.author_id = u.id;
	T_EQ_INT(store_article_query(st, &ar, &q, &l), STORE_OK);
	T_TRUE(l.n == 1 && strcmp(l.items[0].slug, "q-one") == 0 &&
	    l.items[0].ntags == 1);
	q.tag_slug = NULL;
	q.any_status = false;
	q.status = ARTICLE_PUBLISHED;
	T_EQ_INT(store_article_query(st, &ar, &q, &l), STORE_OK);
	T_TRUE(l.n == 1 && strcmp(l.items[0].slug, "q-two") == 0);
	q.status = ARTICLE_SCHEDULED;
	T_EQ_INT(store_article_query(st, &ar, &q, &l), STORE_OK);
	T_EQ_INT(l.n, 0);
	q.any_status = true;
	q.limit = 1;
	T_EQ_INT(store_article_query(st, &ar, &q, &l), STORE_OK);
	T_TRUE(l.n == 1 && l.more && strcmp(l.items[0].slug, "q-two") == 0);
	q.offset = 1;
	T_EQ_INT(store_article_query(st, &ar, &q, &l), STORE_OK);
	T_TRUE(l.n == 1 && !l.more && strcmp(l.items[0].slug, "q-one") == 0);
	T_EQ_INT(store_article_count_status(st, ARTICLE_DRAFT, u.id, &n),
	    STORE_OK);
	T_EQ_INT(n, 1);
	T_EQ_INT(store_user_set_role(st, u.id, ROLE_EDITOR), STORE_OK);
	T_EQ_INT(store_user_by_id(st, &ar, u.id, &u), STORE_OK);
	T_EQ_INT(u.role, ROLE_EDITOR);
	T_EQ_INT(store_user_set_role(st, 999999, ROLE_ADMIN), STORE_NOTFOUND);
	for (i = 0; i < 3; i++)
		T_EQ_INT(store_article_delete(st, a[i].id), STORE_OK);
	T_EQ_INT(store_user_remove(st, u.id), STORE_OK);
	arena_free(&ar);
}

static int
count_article(void *ctx, const struct article *a)
{
	(void)a;
	(*(int *)ctx)++;
	return 0;
}

/* Search on the backend under test: the reader grammar's terms, phrases,
 * prefixes and exclusions, title above body, tags searched, snippets
 * marked with \x01 \x02 and free of Markdown, hostile input answered; and
 * the crawler walk, the full scan and old links. */
static void
test_search_store(void)
{
	static const char *const hostile[] = { "x OR", "NEAR(", "a'b", "a\\b",
		"x:*", "\"\"\"\"", "!x", "x & y | z", "<->", "'", "x' & 'y",
		"\\'", "-\"\"x\"\"", "💥*", "(a) -(b)" };
	struct tag		 tags[] = { { "Fauna Notes", NULL, 0 } };
	struct article a1 = mk("s-one", "Quokka crossing", ARTICLE_PUBLISHED,
	    100, "", NULL, 0);
	struct article a2 = mk("s-two", "Island news", ARTICLE_PUBLISHED, 200,
	    "", tags, 1);
	struct article a3 = mk("s-three", "Quokka draft", ARTICLE_DRAFT, 0, "",
	    NULL, 0);
	struct search_query  q;
	struct search_result r;
	struct arena	     ar;
	const char	   **paths;
	struct article_list  all;
	size_t		     i, n;
	int64_t		     id = 0;
	int		     walked = 0;

	arena_init(&ar);
	set_body(&a1, "Nothing but sand.");
	set_body(&a2, "A *quokka* & a <b>wombat</b> met on the crossing.");
	T_EQ_INT(store_article_insert(st, &a1), STORE_OK);
	T_EQ_INT(store_article_insert(st, &a2), STORE_OK);
	T_EQ_INT(store_article_insert(st, &a3), STORE_OK);
#define SEARCH(text, when) \
	(search_query_parse(&ar, (text), strlen(text), &q) == SEARCH_OK ? \
		store_search(st, &ar, &q, (when), 0, 20, &r) : \
		STORE_ERROR)
	T_EQ_INT(SEARCH("quokka", 1000), STORE_OK);
	T_EQ_INT(r.n, 2);
	if (r.n == 2) {
		T_EQ_STR(r.items[0].article.slug, "s-one"); /* title */
		T_EQ_STR(r.items[1].article.slug, "s-two"); /* body */
		T_CONTAINS(r.items[1].snippet, "\x01quokka\x02");
		T_LACKS(r.items[1].snippet, "*");
		T_CONTAINS(r.items[1].snippet, "<b>wombat</b>");
		T_CONTAINS(r.items[0].snippet, "\x01Quokka\x02");
	}
	T_EQ_INT(SEARCH("QUOK*", 1000), STORE_OK);
	T_EQ_INT(r.n, 2);
	T_EQ_INT(SEARCH("quok", 1000), STORE_OK);
	T_EQ_INT(r.n, 0);
	T_EQ_INT(SEARCH("quokka -wombat", 1000), STORE_OK);
	T_TRUE(r.n == 1 && strcmp(r.items[0].article.slug, "s-one") == 0);
	T_EQ_INT(SEARCH("\"quokka crossing\"", 1000), STORE_OK);
	T_TRUE(r.n == 1 && strcmp(r.items[0].article.slug, "s-one") == 0);
	T_EQ_INT(SEARCH("\"crossing quokka\"", 1000), STORE_OK);
	T_EQ_INT(r.n, 0);
	T_EQ_INT(SEARCH("\"fauna notes\"", 1000), STORE_OK);
	T_TRUE(r.n == 1 && strcmp(r.items[0].article.slug, "s-two") == 0);
	T_EQ_INT(SEARCH("quokka", 150), STORE_OK); /* not yet public */
	T_EQ_INT(r.n, 1);
	for (i = 0; i < sizeof(hostile) / sizeof(hostile[0]); i++)
		if (search_query_parse(&ar, hostile[i], strlen(hostile[i]),
			&q) == SEARCH_OK)
			T_CHECK(store_search(st, &ar, &q, 1000, 0, 20, &r) ==
				STORE_OK,
			    "\"%s\": %s", hostile[i], store_errmsg(st));
	/* A tag renamed or removed is followed by the index. */
	T_EQ_INT(store_article_by_id(st, &ar, a2.id, &a2), STORE_OK);
	set_body(&a2, a2.body_md);
	a2.tags = NULL;
	a2.ntags = 0;
	T_EQ_INT(store_article_update(st, &a2, "", 300), STORE_OK);
	T_EQ_INT(SEARCH("fauna", 1000), STORE_OK);
	T_EQ_INT(r.n, 0);
#undef SEARCH

	T_EQ_INT(store_article_each_public(st, 1000, 150, 0, 100, count_article,
		     &walked),
	    STORE_OK);
	T_EQ_INT(walked, 1);
	n = 0;
	for (id = 0;;) {
		T_EQ_INT(store_article_all(st, &ar, id, 2, &all), STORE_OK);
		n += all.n;
		if (all.n == 0 || !all.more)
			break;
		id = all.items[all.n - 1].id;
	}
	T_TRUE(n >= 3);

	T_EQ_INT(store_redirect_add(st, "/?p=7", a1.id), STORE_OK);
	T_EQ_INT(store_redirect_add(st, "/2019/05/x.html", a1.id), STORE_OK);
	T_EQ_INT(store_redirect_add(st, "/?p=7", a2.id), STORE_OK);
	T_EQ_INT(store_redirect_get(st, "/?p=7", &id), STORE_OK);
	T_EQ_INT(id, a2.id);
	T_EQ_INT(store_redirect_get(st, "/?p=8", &id), STORE_NOTFOUND);
	T_EQ_INT(store_redirect_list(st, &ar, a1.id, &paths, &n), STORE_OK);
	T_TRUE(n == 1 && strcmp(paths[0], "/2019/05/x.html") == 0);
	T_EQ_INT(store_article_delete(st, a1.id), STORE_OK);
	T_EQ_INT(store_article_delete(st, a2.id), STORE_OK);
	T_EQ_INT(store_article_delete(st, a3.id), STORE_OK);
	T_EQ_INT(store_redirect_get(st, "/?p=7", &id), STORE_NOTFOUND);
	arena_free(&ar);
}

/* What a listener heard: each call's keys, space-separated, then "|". */
struct heard {
	pthread_mutex_t mu;
	pthread_cond_t	cv;
	char		text[8192];
};

static void
heard_fn(void *ctx, const char *const *keys, size_t n)
{
	struct heard *h = ctx;
	size_t	      i, len;

	pthread_mutex_lock(&h->mu);
	for (i = 0; i < n; i++) {
		len = strlen(h->text);
		snprintf(h->text + len, sizeof(h->text) - len, "%s%s",
		    i ? " " : "", keys[i]);
	}
	len = strlen(h->text);
	snprintf(h->text + len, sizeof(h->text) - len, "|");
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

/* Waits (20 s at most: a limit for a broken run, not a timing check)
 * until what was heard holds needle; true if it does. */
static bool
heard_wait(struct heard *h, const char *needle)
{
	struct timespec until;
	bool		found;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += 20;
	pthread_mutex_lock(&h->mu);
	while (!(found = strstr(h->text, needle) != NULL))
		if (pthread_cond_timedwait(&h->cv, &h->mu, &until) != 0)
			break;
	found = strstr(h->text, needle) != NULL;
	pthread_mutex_unlock(&h->mu);
	if (!found)
		fprintf(stderr, "heard \"%s\", not \"%s\"\n", h->text, needle);
	return found;
}

static void
heard_clear(struct heard *h)
{
	pthread_mutex_lock(&h->mu);
	h->text[0] = '\0';
	pthread_mutex_unlock(&h->mu);
}

/*
 * Change keys from one connection to every listener (PostgreSQL's
 * LISTEN/NOTIFY): sent with a committed transaction, not with a rolled
 * back one, at once outside a transaction, as "site" when too many to
 * name; and a listener whose connection was killed listens again and
 * says "site". SQLite has no listener. Keys of one connection arrive in
 * commit order, so once a later commit's keys are heard an earlier one's
 * would have been.
 */
static void
test_listen(void)
{
	static struct heard
	    h = { PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, "" };
	struct article a1 = mk("listen-1", "L", ARTICLE_PUBLISHED, 100, "",
	    NULL, 0);
	struct article a2 = mk("listen-2", "L", ARTICLE_PUBLISHED, 100, "",
	    NULL, 0);
	struct article a3 = mk("listen-3", "L", ARTICLE_PUBLISHED, 100, "",
	    NULL, 0);
	struct store_listener *l;
	const char	      *many[300];
	char		       want[64], no[64], key[300][32];
	PGconn		      *pg;
	PGresult	      *r;
	size_t		       i;

	l = store_listen_start(st_url, heard_fn, &h);
	if (strcmp(store_driver_name(st), "postgresql") != 0) {
		T_TRUE(l == NULL);
		return;
	}
	T_TRUE(l != NULL);
	T_TRUE(heard_wait(&h, "site|")); /* listening: all is new */
	heard_clear(&h);
	T_EQ_INT(store_begin(st), STORE_OK);
	T_EQ_INT(store_article_insert(st, &a1), STORE_OK);
	store_rollback(st);
	T_EQ_INT(store_begin(st), STORE_OK);
	T_EQ_INT(store_article_insert(st, &a2), STORE_OK);
	T_EQ_INT(store_commit(st), STORE_OK);
	snprintf(want, sizeof(want), "article:%lld list|", (long long)a2.id);
	snprintf(no, sizeof(no), "article:%lld ", (long long)a1.id);
	T_TRUE(heard_wait(&h, want));
	T_LACKS(h.text, no);
	heard_clear(&h);
	T_EQ_INT(store_setting_set(st, "listen_test", "1"), STORE_OK);
	T_TRUE(heard_wait(&h, "site|")); /* outside a transaction */
	heard_clear(&h);
	/* Past NOTIFY's 8000-byte payload: everything, not an error. */
	for (i = 0; i < 300; i++) {
		snprintf(key[i], sizeof(key[i]), "article:%zu0000000000000", i);
		many[i] = key[i];
	}
	T_EQ_INT(st->drv->notify(st->conn, many, 300), STORE_OK);
	T_TRUE(heard_wait(&h, "site|"));
	T_LACKS(h.text, "article:1");
	heard_clear(&h);
	/* The listening connection killed: it comes back, drops all. */
	pg = PQconnectdb(st_url);
	T_EQ_INT(PQstatus(pg), CONNECTION_OK);
	r = PQexec(pg,
	    "SELECT count(pg_terminate_backend(pid, 10000)) "
	    "FROM pg_stat_activity WHERE datname = current_database() AND "
	    "application_name = 'gazette-listen'");
	T_EQ_INT(PQresultStatus(r), PGRES_TUPLES_OK);
	T_EQ_STR(PQntuples(r) == 1 ? PQgetvalue(r, 0, 0) : "", "1");
	PQclear(r);
	PQfinish(pg);
	T_TRUE(heard_wait(&h, "site|"));
	T_EQ_INT(store_article_insert(st, &a3), STORE_OK);
	snprintf(want, sizeof(want), "article:%lld list|", (long long)a3.id);
	T_TRUE(heard_wait(&h, want));
	store_listen_stop(l);
}

/* What a --db string is, and what of it may be printed: bad input
 * included (keyword strings, other schemes, malformed URLs). */
static void
test_url_strings(void)
{
	static const struct {
		const char	   *url;
		enum store_url_kind kind;
		const char	   *shown;
	} rows[] = {
		{ "site.db", STORE_URL_SQLITE, "site.db" },
		{ "/srv/a=b/site.db", STORE_URL_SQLITE, "/srv/a=b/site.db" },
		{ "./dbname=x", STORE_URL_SQLITE, "./dbname=x" },
		{ "my site.db", STORE_URL_SQLITE, "my site.db" },
		{ "file:site.db", STORE_URL_SQLITE, "file:site.db" },
		{ "sqlite://site.db", STORE_URL_SQLITE, "sqlite://site.db" },
		{ "sqlite://", STORE_URL_BAD, "sqlite://" },
		{ "", STORE_URL_BAD, "" },
		{ "postgresql://u@h/db", STORE_URL_PG, "postgresql://u@h/db" },
		{ "postgres://u:pw@h/db", STORE_URL_PG,
		    "postgres://u:***@h/db" },
		{ "postgresql://u:@h/db", STORE_URL_PG,
		    "postgresql://u:***@h/db" },
		{ "postgresql://u:p?w:x@h:5/db?password=q&x=1", STORE_URL_PG,
		    "postgresql://u:***@h:5/db?password=***&x=1" },
		{ "postgresql://h/db?sslmode=require&password=q", STORE_URL_PG,
		    "postgresql://h/db?sslmode=require&password=***" },
		{ "postgresql://h/db?pass%77ord=q&sslpassword=k", STORE_URL_PG,
		    "postgresql://h/db?pass%77ord=***&sslpassword=***" },
		{ "postgresql://h/db?password", STORE_URL_PG,
		    "postgresql://h/db?password" },
		{ "postgresql://h:5/a@b?password=q", STORE_URL_PG,
		    "postgresql://h:5/a@b?password=***" },
		/* An '@' in the password, unescaped: all of it hidden. */
		{ "postgresql://bob:S3c@retPW@h/db", STORE_URL_PG,
		    "postgresql://bob:***@h/db" },
		/* PASSWORD in capitals is not libpq's, but meant as one. */
		{ "postgresql://h/db?PASSWORD=q", STORE_URL_PG,
		    "postgresql://h/db?PASSWORD=***" },
		{ "postgresql://h/d?password=1&password=2&password=3&"
		  "password=4&password=5&password=6&password=7&password=8&"
		  "password=9&x=10",
		    STORE_URL_PG,
		    "postgresql://h/d?password=***&password=***&password=***&"
		    "password=***&password=***&password=***&password=***&"
		    "password=***&***" },
		{ "mysql://u:pw@h/db", STORE_URL_BAD, "mysql://u:***@h/db" },
		{ "host=h password=pw dbname=d", STORE_URL_BAD,
		    "host=h password=*** dbname=d" },
		{ " dbname = d password = 'p w\\' x' sslpassword=k",
		    STORE_URL_BAD,
		    " dbname = d password = '***' sslpassword=***" },
		{ "dbname=d password='unterminated", STORE_URL_BAD,
		    "dbname=d ***" },
		{ "dbname=d garbage password=pw", STORE_URL_BAD,
		    "dbname=d ***" },
	};
	char   out[256];
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		T_CHECK(store_url_kind(rows[i].url) == rows[i].kind,
		    "kind of '%s': %d, want %d", rows[i].url,
		    (int)store_url_kind(rows[i].url), (int)rows[i].kind);
		T_EQ_STR(store_url_printable(rows[i].url, out, sizeof(out)),
		    rows[i].shown);
	}
	T_EQ_STR(store_url_path("sqlite://a.db"), "a.db");
	T_EQ_STR(store_url_path("a.db"), "a.db");
	T_TRUE(store_url_path("postgresql://h/d") == NULL);
	T_TRUE(store_url_path("host=h") == NULL);

	/* libpq's messages quote the URL, or the password as written. */
	T_EQ_STR(store_url_scrub("postgresql://u:s%zz@h/d",
		     "invalid percent-encoded token: \"s%zz\"", out,
		     sizeof(out)),
	    "invalid percent-encoded token: \"***\"");
	T_EQ_STR(store_url_scrub("postgresql://u:se%41@[::1/d",
		     "in URI: \"postgresql://u:se%41@[::1/d\" (seA)", out,
		     sizeof(out)),
	    "in URI: \"postgresql://u:***@[::1/d\" (***)");
	T_EQ_STR(store_url_scrub("postgresql://h/d?password=p%00q",
		     "forbidden value %00 in percent-encoded value: \"p%00q\"",
		     out, sizeof(out)),
	    "forbidden value %00 in percent-encoded value: \"***\"");
	T_EQ_STR(store_url_scrub("host=h password='a\\'b'", "x a'b a\\'b", out,
		     sizeof(out)),
	    "x *** ***");
	T_EQ_STR(store_url_scrub("site.db", "cannot open site.db", out,
		     sizeof(out)),
	    "cannot open site.db");
	T_EQ_STR(store_url_scrub("postgresql://u:@h/d", "no password", out,
		     sizeof(out)),
	    "no password");
}

int
main(void)
{
	char	    db[128], err[256];
	const char *url = getenv("GAZETTE_TEST_DB");

	if (mkdtemp(tmpdir) == NULL)
		return 1;
	arena_init(&bodies);
	if (url == NULL || *url == '\0') {
		snprintf(db, sizeof(db), "%s/store.db", tmpdir);
		url = db;
	}
	if ((st = store_open(url, err, sizeof(err))) == NULL) {
		fprintf(stderr, "cannot open %s: %s\n", url, err);
		printf("store: 0 passed, 1 failed\n");
		return 1;
	}
	st_url = url;
	printf("store: backend %s\n", store_driver_name(st));
	T_RUN(test_url_strings);
	T_RUN(test_migrate);
	T_RUN(test_settings);
	T_RUN(test_articles);
	T_RUN(test_listing);
	T_RUN(test_author_slugs);
	T_RUN(test_transactions);
	T_RUN(test_read_snapshot);
	T_RUN(test_users);
	T_RUN(test_update);
	T_RUN(test_comments);
	T_RUN(test_comment_depth);
	T_RUN(test_ops);
	T_RUN(test_query);
	T_RUN(test_search_store);
	T_RUN(test_tag_by_slug);
	T_RUN(test_tag_cleanup);
	T_RUN(test_migration_lists);
	T_RUN(test_nul_text);
	T_RUN(test_spam_store);
	T_RUN(test_copy);
	T_RUN(test_listen);
	T_RUN(test_every_statement_ran);
	store_close(st);
	arena_free(&bodies);
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "cannot remove %s\n", tmpdir);
	}
	T_DONE("store");
}

/* test-spam.c: the spam classifier: tokenizer tables (bad input included),
 * the combining rule, training and untraining through the store, and its
 * quality on the labelled set in tests/fixtures/spam/ (trained on 70% as
 * moderators' verdicts, scored on the held-out 30%).
 *
 * GAZETTE_TEST_DB picks the database (default: a SQLite temp file), as
 * for test-store. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "t.h"
#include "comment/comment.h"
#include "comment/spam.h"
#include "util/arena.h"
#include "util/str.h"

static struct store *st;
static int64_t	     art_id;

static bool
has(const struct spam_tokens *t, const char *tok)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->v[i], tok) == 0)
			return true;
	return false;
}

static void
test_tokens(void)
{
	static const struct {
		const char *author, *url, *body;
		const char *want[6];  /* tokens that must be there */
		const char * not [4]; /* and must not */
	} rows[] = {
		{ "Ann", "", "Hello World, hello again!",
		    { "hello", "world", "again", "name:ann", "meta:links=0",
			"meta:url=no" },
		    { "Hello", "a", NULL } },
		{ "", "https://WWW.Example.COM/x",
		    "see http://cheap-pills.shop/buy",
		    { "host:example.com", "host:cheap-pills.shop", "tld:shop",
			"meta:links=1", "meta:url=yes", NULL },
		    { "host:www.example.com", NULL } },
		{ "", "",
		    "[click](https://a.xyz/) and <http://b.xyz> and www.c.xyz/p",
		    { "host:a.xyz", "host:b.xyz", "host:c.xyz",
			"meta:links=3-4", "click", NULL },
		    { NULL } },
		/* Disguises undone. */
		{ "", "", "buy v1agr4 now", { "v1agr4", "viagra", NULL },
		    { NULL } },
		{ "", "", "c.a.s.i.n.o and c a s i n o",
		    { "casino", "meta:spaced", NULL }, { NULL } },
		{ "", "",
		    "vi\xe2\x80\x8b"
		    "ag\xe2\x80\x8bra",
		    { "viagra", NULL }, { "vi", NULL } },
		/* Fullwidth "ＣＡＳＩＮＯ". */
		{ "", "",
		    "\xef\xbc\xa3\xef\xbc\xa1\xef\xbc\xb3\xef\xbc\xa9"
		    "\xef\xbc\xae\xef\xbc\xaf",
		    { "casino", NULL }, { NULL } },
		/* "саsinо" with Cyrillic с, а, о. */
		{ "", "", "\xd1\x81\xd0\xb0sin\xd0\xbe",
		    { "casino", "meta:mixedscript", NULL }, { NULL } },
		/* Cyrillic words alone stay Cyrillic, lowercased. */
		{ "", "", "\xd0\x9c\xd0\x98\xd0\xa0",
		    { "\xd0\xbc\xd0\xb8\xd1\x80", NULL }, { NULL } },
		{ "", "", "Call 18005551234 or 2024",
		    { "meta:number", "2024", "call", NULL },
		    { "18005551234", NULL } },
		{ "", "", "BUY CHEAP PILLS NOW TODAY",
		    { "meta:shouting", "buy", NULL }, { NULL } },
		{ "", "", "abcdefghijklmnopqrstuvwxyz0123 ok",
		    { "meta:longword", "ok", NULL }, { NULL } },
		/* Invalid UTF-8 separates words and is never a token. */
		{ "", "",
		    "ab\xff"
		    "cd\xc3(ef\xe2\x82 gh\xf0\x9f\x98",
		    { "ab", "cd", "ef", "gh", NULL }, { NULL } },
		{ "", "",
		    "\xed\xa0\x80"
		    "ab\xc0\xaf"
		    "cd",
		    { "ab", "cd", NULL }, { NULL } },
	};
	struct spam_tokens t;
	struct arena	   a;
	size_t		   i, k;

	arena_init(&a);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		spam_tokenize(&a, rows[i].author, "", rows[i].url, rows[i].body,
		    strlen(rows[i].body), &t);
		for (k = 0; k < 6 && rows[i].want[k]; k++)
			T_CHECK(has(&t, rows[i].want[k]), "row %zu lacks '%s'",
			    i, rows[i].want[k]);
		for (k = 0; k < 4 && rows[i].not [k]; k++)
			T_CHECK(!has(&t, rows[i].not [k]), "row %zu has '%s'",
			    i, rows[i].not [k]);
		for (k = 0; k < t.n; k++)
			T_CHECK(strlen(t.v[k]) <= SPAM_TOKEN_MAX &&
				utf8_valid(t.v[k], strlen(t.v[k])),
			    "row %zu token %zu bad", i, k);
		/* Each token once. */
		for (k = 1; k < t.n; k++)
			T_CHECK(strcmp(t.v[k - 1], t.v[k]) != 0, "row %zu dup",
			    i);
	}
	arena_free(&a);
}

/* Bytes of every value, and huge input: bounded, never a crash. */
static void
test_tokens_hostile(void)
{
	struct spam_tokens t;
	struct arena	   a;
	size_t		   n = 4 * 1024 * 1024, i;
	char		  *big = malloc(n);
	unsigned	   seed = 7;

	arena_init(&a);
	for (i = 0; i < n; i++) {
		seed = seed * 1103515245u + 12345u;
		big[i] = (char)(seed >> 16);
	}
	spam_tokenize(&a, big, big, NULL, big, n, &t);
	T_TRUE(t.n <= SPAM_TOKENS_MAX);
	/* A million distinct words: the cap holds. */
	for (i = 0; i + 8 < n; i += 8)
		snprintf(big + i, 9, "w%06zu ", (i / 8) % 1000000);
	spam_tokenize(&a, "x", "", "", big, n, &t);
	T_EQ_INT(t.n, SPAM_TOKENS_MAX);
	/* Links everywhere: every host is bounded. */
	memset(big, 'a', n);
	memcpy(big, "http://", 7);
	spam_tokenize(&a, "", "", "", big, n, &t);
	for (i = 0; i < t.n; i++)
		T_TRUE(strlen(t.v[i]) <= SPAM_TOKEN_MAX);
	spam_tokenize(&a, NULL, NULL, NULL, NULL, 0, &t);
	T_TRUE(t.n >= 3);
	spam_tokenize(&a, "", "", "", "\xf4\x90\x80\x80\xc2", 5, &t);
	T_TRUE(t.n >= 3);
	free(big);
	arena_free(&a);
}

static void
test_combine(void)
{
	struct spam_count c[3] = { { 0, 30 }, { 0, 25 }, { 1, 28 } };
	struct spam_count h[3] = { { 30, 0 }, { 25, 1 }, { 28, 0 } };
	struct spam_count none[2] = { { 0, 0 }, { 10, 10 } };

	T_TRUE(spam_combine(c, 3, 19, 100) == SPAM_UNSURE);
	T_TRUE(spam_combine(c, 3, 100, 19) == SPAM_UNSURE);
	T_TRUE(spam_combine(c, 3, 40, 40) > 0.95);
	T_TRUE(spam_combine(h, 3, 40, 40) < 0.05);
	T_TRUE(spam_combine(none, 2, 40, 40) == SPAM_UNSURE);
	T_TRUE(spam_combine(NULL, 0, 40, 40) == SPAM_UNSURE);
	/* Counts past their totals are clipped, not a NaN. */
	{
		struct spam_count odd[1] = { { 1000, -5 } };
		double		  s = spam_combine(odd, 1, 20, 20);

		T_TRUE(s >= 0 && s <= 1);
	}
}

static int64_t
add_comment(const char *author, const char *email, const char *url,
    const char *body)
{
	struct comment c = { 0 };

	c.article_id = art_id;
	c.author = author;
	c.email = email;
	c.url = url;
	c.body_md = body;
	c.body_html = "<p>x</p>";
	c.status = COMMENT_PENDING;
	c.spam_score = 0.5;
	c.created_at = c.updated_at = 1000;
	if (store_comment_insert(st, &c) != STORE_OK)
		return 0;
	return c.id;
}

static int64_t
token_count(const char *tok, bool spam)
{
	struct spam_count c;
	const char	 *v[1] = { tok };

	if (store_spam_counts(st, v, 1, &c) != STORE_OK)
		return -1;
	return spam ? c.spam : c.ham;
}

/* Verdicts train, changed verdicts untrain, edits recount. */
static void
test_training(void)
{
	struct comment_form  cf = { 0 };
	struct comment_queue q;
	struct article	     art;
	struct arena	     a;
	enum spam_verdict    v;
	int64_t		     id, h0, s0, h, s, n;

	arena_init(&a);
	T_EQ_INT(store_article_by_id(st, &a, art_id, &art), STORE_OK);
	store_spam_totals(st, &h0, &s0);
	id = add_comment("Zed", "", "", "zebraword quokkaword");
	T_TRUE(id > 0);
	T_EQ_INT(comment_moderate(st, id, COMMENT_APPROVED, 2000), STORE_OK);
	T_EQ_INT(token_count("zebraword", false), 1);
	T_EQ_INT(store_comment_trained(st, id, &v), STORE_OK);
	T_EQ_INT(v, SPAM_HAM);
	T_EQ_INT(store_article_by_id(st, &a, art_id, &art), STORE_OK);
	n = art.comment_count;
	T_TRUE(n >= 1);
	/* Approving again changes nothing. */
	T_EQ_INT(comment_moderate(st, id, COMMENT_APPROVED, 2001), STORE_OK);
	T_EQ_INT(token_count("zebraword", false), 1);
	/* Spam: the ham count goes back out. */
	T_EQ_INT(comment_moderate(st, id, COMMENT_SPAM, 2002), STORE_OK);
	T_EQ_INT(token_count("zebraword", false), 0);
	T_EQ_INT(token_count("zebraword", true), 1);
	store_spam_totals(st, &h, &s);
	T_EQ_INT(h, h0);
	T_EQ_INT(s, s0 + 1);
	T_EQ_INT(store_article_by_id(st, &a, art_id, &art), STORE_OK);
	T_EQ_INT(art.comment_count, n - 1);
	/* Delete keeps the last verdict; the queue shows it. */
	T_EQ_INT(comment_moderate(st, id, COMMENT_DELETED, 2003), STORE_OK);
	T_EQ_INT(token_count("zebraword", true), 1);
	T_EQ_INT(store_comment_queue(st, &a, COMMENT_DELETED, 0, 10, &q),
	    STORE_OK);
	T_TRUE(q.n >= 1 && q.items[0].c.id == id &&
	    q.items[0].trained == SPAM_SPAM &&
	    strcmp(q.items[0].article.slug, art.slug) == 0);
	/* An edit recounts the new words under the same verdict. */
	cf.author = "Zed";
	cf.url = "";
	cf.body = "wombatword";
	T_EQ_INT(comment_edit(st, &a, id, &cf, 3, 0, 10, 2004), STORE_OK);
	T_EQ_INT(token_count("zebraword", true), 0);
	T_EQ_INT(token_count("wombatword", true), 1);
	/* A bad edit changes nothing. */
	cf.author = "";
	cf.body = "quollword";
	T_EQ_INT(comment_edit(st, &a, id, &cf, 0, 0, 9, 2005), STORE_INVALID);
	T_TRUE(cf.err_author != NULL);
	T_EQ_INT(token_count("quollword", true), 0);
	T_EQ_INT(comment_moderate(st, 99999999, COMMENT_SPAM, 1),
	    STORE_NOTFOUND);
	T_EQ_INT(comment_edit(st, &a, 99999999, &cf, 3, 0, 3, 1),
	    STORE_INVALID);
	/* Back to approved: spam out, ham in; then the store is as before
	 * but for this one ham. */
	T_EQ_INT(comment_moderate(st, id, COMMENT_APPROVED, 2006), STORE_OK);
	T_EQ_INT(token_count("wombatword", true), 0);
	T_EQ_INT(token_count("wombatword", false), 1);
	store_spam_totals(st, &h, &s);
	T_EQ_INT(h, h0 + 1);
	T_EQ_INT(s, s0);
	arena_free(&a);
}

static void
test_queue_paging(void)
{
	struct comment_queue q;
	struct arena	     a;
	int64_t		     first = 0, ids[7], n0, n1;
	size_t		     i, seen = 0;

	arena_init(&a);
	T_EQ_INT(store_comment_count_status(st, COMMENT_PENDING, &n0),
	    STORE_OK);
	for (i = 0; i < 7; i++)
		ids[i] = add_comment("P", "", "", "paging");
	T_EQ_INT(store_comment_count_status(st, COMMENT_PENDING, &n1),
	    STORE_OK);
	T_EQ_INT(n1, n0 + 7);
	do {
		T_EQ_INT(store_comment_queue(st, &a, COMMENT_PENDING, first, 3,
			     &q),
		    STORE_OK);
		for (i = 0; i < q.n; i++) {
			if (seen < 7)
				T_EQ_INT(q.items[i].c.id, ids[6 - seen]);
			seen++;
		}
		first = q.next_before;
	} while (first != 0 && seen < 100);
	T_EQ_INT(seen, (size_t)n1);
	for (i = 0; i < 7; i++)
		comment_moderate(st, ids[i], COMMENT_DELETED, 1);
	arena_free(&a);
}

struct labelled {
	json_t *items;
	size_t	n;
};

static bool
load(const char *path, struct labelled *out)
{
	json_error_t err;
	FILE	    *f = fopen(path, "r");
	char	     line[64 * 1024];
	json_t	    *j;

	out->items = json_array();
	out->n = 0;
	if (f == NULL) {
		fprintf(stderr, "cannot open %s\n", path);
		return false;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((j = json_loads(line, 0, &err)) == NULL) {
			fprintf(stderr, "%s: %s\n", path, err.text);
			fclose(f);
			return false;
		}
		json_array_append_new(out->items, j);
		out->n++;
	}
	fclose(f);
	return true;
}

static const char *
jstr(json_t *o, const char *k)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s ? s : "";
}

/* Training is the moderators' path: insert as pending, then a verdict. */
static void
train_set(struct labelled *l, bool spam, size_t *ntrain)
{
	size_t	i;
	int64_t id;
	json_t *o;

	for (i = 0; i < l->n; i++) {
		if (i % 10 >= 7)
			continue;
		o = json_array_get(l->items, i);
		id = add_comment(jstr(o, "author"), jstr(o, "email"),
		    jstr(o, "url"), jstr(o, "body"));
		if (id == 0 ||
		    comment_moderate(st, id,
			spam ? COMMENT_SPAM : COMMENT_APPROVED,
			5000) != STORE_OK) {
			T_CHECK(false, "training comment %zu", i);
			continue;
		}
		(*ntrain)++;
	}
}

/* Held-out comments scored as post.c scores them; returns how many score
 * above the default threshold. */
static size_t
score_set(struct labelled *l, bool spam, size_t *ntest)
{
	struct spam_tokens t;
	struct arena	   a;
	size_t		   i, over = 0;
	double		   score;
	json_t		  *o;

	arena_init(&a);
	for (i = 0; i < l->n; i++) {
		if (i % 10 < 7)
			continue;
		o = json_array_get(l->items, i);
		spam_tokenize(&a, jstr(o, "author"), jstr(o, "email"),
		    jstr(o, "url"), jstr(o, "body"), strlen(jstr(o, "body")),
		    &t);
		if (spam_score(st, &t, &score) != STORE_OK) {
			T_CHECK(false, "scoring comment %zu", i);
			continue;
		}
		(*ntest)++;
		if (getenv("SPAM_SCORES"))
			fprintf(stderr, "%s %.4f\n", spam ? "spam" : "ham",
			    score);
		if (score > SPAM_THRESHOLD_DEFAULT)
			over++;
		else if (spam && getenv("SPAM_VERBOSE"))
			fprintf(stderr, "missed %.3f: %s\n", score,
			    jstr(o, "body"));
		if (!spam && score > SPAM_THRESHOLD_DEFAULT &&
		    getenv("SPAM_VERBOSE"))
			fprintf(stderr, "flagged %.3f: %s\n", score,
			    jstr(o, "body"));
	}
	arena_free(&a);
	return over;
}

static void
test_quality(void)
{
	struct labelled ham, spam;
	size_t htrain = 0, strain = 0, htest = 0, stest = 0, caught, flagged;
	struct spam_tokens t;
	struct arena	   a;
	double		   score = 0;

	if (!load("tests/fixtures/spam/ham.jsonl", &ham) ||
	    !load("tests/fixtures/spam/spam.jsonl", &spam)) {
		T_CHECK(false, "labelled set missing (run from the top)");
		return;
	}
	T_TRUE(ham.n >= 200 && spam.n >= 200);
	/* Abstains until both kinds have SPAM_MIN_VERDICTS verdicts (the
	 * training test above made one ham). */
	arena_init(&a);
	spam_tokenize(&a, "x", "", "", "buy cheap viagra", 16, &t);
	T_EQ_INT(spam_score(st, &t, &score), STORE_OK);
	T_TRUE(score == SPAM_UNSURE);
	arena_free(&a);

	train_set(&ham, false, &htrain);
	train_set(&spam, true, &strain);
	caught = score_set(&spam, true, &stest);
	flagged = score_set(&ham, false, &htest);
	printf("spam classifier: trained on %zu ham + %zu spam; held out "
	       "%zu ham + %zu spam\n",
	    htrain, strain, htest, stest);
	printf("spam classifier: caught %zu/%zu spam (%.1f%%), flagged "
	       "%zu/%zu ham (%.1f%%) at threshold %.2f\n",
	    caught, stest, stest ? 100.0 * (double)caught / (double)stest : 0.0,
	    flagged, htest,
	    htest ? 100.0 * (double)flagged / (double)htest : 0.0,
	    SPAM_THRESHOLD_DEFAULT);
	T_CHECK(stest > 0 && caught * 100 >= stest * 90,
	    "caught %zu of %zu held-out spam, want >= 90%%", caught, stest);
	T_CHECK(htest > 0 && flagged * 100 <= htest * 2,
	    "flagged %zu of %zu held-out ham, want <= 2%%", flagged, htest);
	json_decref(ham.items);
	json_decref(spam.items);
}

int
main(void)
{
	char	       path[] = "/tmp/gazette-spam-XXXXXX", db[64], err[256];
	const char    *url = getenv("GAZETTE_TEST_DB");
	struct article art = { 0 };
	int	       fd = -1;

	T_RUN(test_tokens);
	T_RUN(test_tokens_hostile);
	T_RUN(test_combine);
	if (url == NULL || *url == '\0') {
		if ((fd = mkstemp(path)) < 0)
			return 1;
		close(fd);
		snprintf(db, sizeof(db), "%s", path);
		url = db;
	}
	if ((st = store_open(url, err, sizeof(err))) == NULL ||
	    store_migrate(st, NULL) != STORE_OK) {
		fprintf(stderr, "cannot open %s: %s\n", url, err);
		printf("spam: %d passed, %d failed\n", t_pass, t_fail + 1);
		return 1;
	}
	art.slug = "spam-test";
	art.title = "Spam test";
	art.summary = "";
	art.body_md = "x";
	art.body_html = "<p>x</p>";
	art.body_text = "x";
	art.author = "t";
	art.status = ARTICLE_PUBLISHED;
	art.published_at = art.created_at = art.updated_at = 1000;
	if (store_article_insert(st, &art) != STORE_OK) {
		store_close(st);
		printf("spam: %d passed, %d failed\n", t_pass, t_fail + 1);
		return 1;
	}
	art_id = art.id;
	T_RUN(test_training);
	T_RUN(test_queue_paging);
	T_RUN(test_quality);
	store_close(st);
	if (fd >= 0) {
		char wal[80];

		unlink(path);
		snprintf(wal, sizeof(wal), "%s-wal", path);
		unlink(wal);
		snprintf(wal, sizeof(wal), "%s-shm", path);
		unlink(wal);
	}
	T_DONE("spam");
}

/* test-import.c: front matter tables, good and bad; the text form and
 * stored bodies of imported comments. */
#include <stdlib.h>
#include <string.h>

#include "t.h"
#include "import/import-int.h"
#include "import/import.h"
#include "util/arena.h"
#include "util/buf.h"

static void
test_good(void)
{
	static const char doc[] =
	    "---\n"
	    "# a comment line\n"
	    "title: \"Quoted: with colon\"\n"
	    "slug: my-slug\n"
	    "date: 2022-01-10T09:30:00+02:00\n"
	    "author: 'O''Brien'\n"
	    "tags: [One, \"Two, Three\", 'Four']\n"
	    "summary: Short.\n"
	    "status: scheduled\n"
	    "---\n"
	    "Body *here*.\n";
	struct arena  a;
	struct buf    err = BUF_INIT;
	struct fm_doc d;

	arena_init(&a);
	T_TRUE(fm_parse(&a, doc, sizeof(doc) - 1, &d, &err));
	T_EQ_STR(d.title, "Quoted: with colon");
	T_EQ_STR(d.slug, "my-slug");
	T_TRUE(d.has_date && d.date == 1641799800);
	T_EQ_STR(d.author, "O'Brien");
	T_EQ_INT(d.ntags, 3);
	if (d.ntags == 3) {
		T_EQ_STR(d.tags[0], "One");
		T_EQ_STR(d.tags[1], "Two, Three");
		T_EQ_STR(d.tags[2], "Four");
	}
	T_EQ_STR(d.summary, "Short.");
	T_EQ_INT(d.status, ARTICLE_SCHEDULED);
	T_TRUE(d.body_len == 13 && strncmp(d.body, "Body *here*.\n", 13) == 0);
	buf_free(&err);
	arena_free(&a);
}

static void
test_table(void)
{
	static const struct {
		const char *in;
		const char *err; /* NULL: parses */
		const char *title;
		size_t	    ntags;
	} rows[] = {
		{ "---\ntitle: X\n---\n", NULL, "X", 0 },
		{ "---\r\ntitle: X\r\n---\r\nbody", NULL, "X", 0 },
		{ "\xef\xbb\xbf---\ntitle: X\n---\n", NULL, "X", 0 },
		{ "---\ntitle: X\n...\n", NULL, "X", 0 },
		{ "---\ntitle: X\ntags: solo\n---\n", NULL, "X", 1 },
		{ "---\ntitle: X\ntags: []\n---\n", NULL, "X", 0 },
		{ "---\ntitle: X\ntags:\n  - a\n  - \"b\"\n---\n", NULL, "X",
		    2 },
		{ "---\ntitle: \"a \\\"q\\\" b\"\n---\n", NULL, "a \"q\" b",
		    0 },
		{ "---\ntitle: X\n\n---\n", NULL, "X", 0 },
		{ "", "1: front matter: the file must start with a '---' line",
		    NULL, 0 },
		{ "---", "2: front matter: no closing '---' line", NULL, 0 },
		{ "---\n---\n", "1: front matter: title is required", NULL, 0 },
		{ "---\ntitle:\n---\n", "2: front matter: title is empty", NULL,
		    0 },
		{ "---\ntitle: X\nfoo: bar\n---\n",
		    "3: front matter: unknown key 'foo'", NULL, 0 },
		{ "---\ntitle X\n---\n",
		    "2: front matter: expected 'key: value'", NULL, 0 },
		{ "---\ntitle: X\n  indented\n---\n",
		    "3: front matter: unexpected indented line", NULL, 0 },
		{ "---\ntitle: X\ndate: 2022-02-30\n---\n",
		    "3: front matter: date '2022-02-30' is not RFC 3339", NULL,
		    0 },
		{ "---\ntitle: X\nstatus: Published\n---\n",
		    "3: front matter: status 'Published' is not draft, published or scheduled",
		    NULL, 0 },
		{ "---\ntitle: 'a' b\n---\n",
		    "2: front matter: unterminated 'string'", NULL, 0 },
		{ "---\ntitle: \"a\" b\"\n---\n",
		    "2: front matter: text after the closing quote", NULL, 0 },
		{ "---\ntitle: \"a\\qb\"\n---\n",
		    "2: front matter: unknown escape '\\q'", NULL, 0 },
		{ "---\ntitle: X\ntags: [a, , b]\n---\n",
		    "3: front matter: empty tag", NULL, 0 },
		{ "---\ntitle: X\ntags: [\"a, b]\n---\n",
		    "3: front matter: tags: unterminated quote", NULL, 0 },
		{ "---\ntitle: X\nslug: -x\n---\n",
		    "3: front matter: slug '-x' must be", NULL, 0 },
		{ "---\ntitle: X\ndate: 2022-01-01\ndate: 2022-01-02\n---\n",
		    "4: front matter: key 'date' given twice", NULL, 0 },
		{ "---\n- a\n---\n",
		    "2: front matter: unexpected indented line", NULL, 0 },
	};
	struct arena  a;
	struct buf    err = BUF_INIT;
	struct fm_doc d;
	size_t	      i;
	bool	      ok;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		arena_init(&a);
		buf_reset(&err);
		ok = fm_parse(&a, rows[i].in, strlen(rows[i].in), &d, &err);
		if (rows[i].err == NULL) {
			T_CHECK(ok, "row %zu: %s", i, buf_str(&err));
			if (ok) {
				T_EQ_STR(d.title, rows[i].title);
				T_EQ_INT(d.ntags, rows[i].ntags);
			}
		} else {
			T_CHECK(!ok, "row %zu parsed", i);
			T_CHECK(strncmp(buf_str(&err), rows[i].err,
				    strlen(rows[i].err)) == 0,
			    "row %zu: got \"%s\", want \"%s…\"", i,
			    buf_str(&err), rows[i].err);
		}
		arena_free(&a);
	}
	buf_free(&err);
}

static void
test_many_tags(void)
{
	struct buf    in = BUF_INIT, err = BUF_INIT;
	struct arena  a;
	struct fm_doc d;
	int	      i;

	buf_puts(&in, "---\ntitle: X\ntags: [");
	for (i = 0; i < 65; i++)
		buf_printf(&in, "%st%d", i ? ", " : "", i);
	buf_puts(&in, "]\n---\n");
	arena_init(&a);
	T_TRUE(!fm_parse(&a, in.p, in.len, &d, &err));
	T_CONTAINS(buf_str(&err), "more than 64 tags");
	arena_free(&a);
	buf_free(&in);
	buf_free(&err);
}

/* html_text: the text a comment's HTML body keeps as its body_md. */
static void
test_html_text(void)
{
	static const struct {
		const char *in, *want;
	} t[] = {
		{ "<p>a <em>b</em>  c</p><p>d</p>", "a b c\n\nd" },
		{ "one<br>two<br/>\nthree", "one\ntwo\nthree" },
		{ "<ul><li>x</li><li>y</li></ul>after", "x\n\ny\n\nafter" },
		{ "<blockquote><p>q</p></blockquote>t", "q\n\nt" },
		{ "a<script>alert(1)</script>b", "ab" },
		{ "<a href=\"https://x\">link</a> &amp; &lt;b&gt;",
		    "link & <b>" },
		{ "", "" },
		{ "<p></p><p>  </p>", "" },
	};
	struct buf b = BUF_INIT;
	size_t	   i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		buf_reset(&b);
		html_text(&b, t[i].in, strlen(t[i].in));
		T_EQ_STR(buf_str(&b), t[i].want);
	}
	buf_free(&b);
}

/* imp_comment_body: Markdown is trusted only when it renders to exactly
 * the HTML beside it; anything else is sanitised. */
static void
test_comment_body(void)
{
	struct arena a;
	const char  *md, *html;

	arena_init(&a);
	imp_comment_body(&a, "<p><em>x</em></p>\n", "*x*", &md, &html, NULL);
	T_EQ_STR(md, "*x*");
	T_EQ_STR(html, "<p><em>x</em></p>\n");
	imp_comment_body(&a, "<p>x</p><script>y</script>", "*x*", &md, &html,
	    NULL);
	T_EQ_STR(md, "*x*");
	T_EQ_STR(html, "<p>x</p>");
	imp_comment_body(&a, "Hi <b onclick=x>there</b>", NULL, &md, &html,
	    NULL);
	T_EQ_STR(html, "<p>Hi <b>there</b></p>");
	T_EQ_STR(md, "Hi there");
	imp_comment_body(&a, "<p>x</p>", "bad\x01", &md, &html, NULL);
	T_EQ_STR(md, "x");
	arena_free(&a);
}

/* imp_order: the order a pass after pass walk places items in (by pass,
 * then by index), loops and what hangs from them or from nothing left
 * out; and linear on a 200,000-long chain listed child first. */
static void
test_order(void)
{
	static const struct {
		ssize_t	    par[8];
		size_t	    n;
		const char *want; /* indexes placed, in order */
	} t[] = {
		{ { IMP_ROOT, IMP_ROOT, 0 }, 3, "0 1 2" },
		/* A chain listed child first: one pass per link. */
		{ { 1, 2, 3, IMP_ROOT }, 4, "3 2 1 0" },
		/* A reply before its parent waits one pass; after, none. */
		{ { 2, IMP_ROOT, IMP_ROOT, 2 }, 4, "1 2 3 0" },
		/* A loop (0 <-> 1) and what hangs from it are left out. */
		{ { 1, 0, 0, IMP_ROOT }, 4, "3" },
		{ { 0, IMP_ROOT }, 2, "1" },
		{ { IMP_STUCK, 0, IMP_ROOT, 2 }, 4, "2 3" },
		{ { IMP_ROOT }, 0, "" },
	};
	struct arena a;
	struct buf   got = BUF_INIT;
	size_t	     order[8], i, k, n, big = 200000;
	ssize_t	    *par;
	size_t	    *ord;

	arena_init(&a);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		buf_reset(&got);
		n = imp_order(&a, t[i].par, t[i].n, order);
		for (k = 0; k < n; k++)
			buf_printf(&got, "%s%zu", k ? " " : "", order[k]);
		T_EQ_STR(buf_str(&got), t[i].want);
	}
	par = arena_alloc(&a, big * sizeof(*par));
	ord = arena_alloc(&a, big * sizeof(*ord));
	for (i = 0; i < big; i++)
		par[i] = i + 1 < big ? (ssize_t)i + 1 : IMP_ROOT;
	T_EQ_INT(imp_order(&a, par, big, ord), big);
	T_TRUE(ord[0] == big - 1 && ord[big - 1] == 0);
	buf_free(&got);
	arena_free(&a);
}

/* imp_index: first key wins, "" is no key, full is full. */
static void
test_index(void)
{
	struct arena	 a;
	struct imp_index x;
	size_t		 v = 0;

	arena_init(&a);
	imp_index_init(&x, &a, 2);
	T_TRUE(imp_index_add(&x, "42", 0));
	T_TRUE(!imp_index_add(&x, "42", 1));
	T_TRUE(!imp_index_add(&x, "", 2));
	T_TRUE(imp_index_add(&x, "7", 3));
	T_TRUE(!imp_index_add(&x, "8", 4));
	T_TRUE(imp_index_get(&x, "42", &v) && v == 0);
	T_TRUE(imp_index_get(&x, "7", &v) && v == 3);
	T_TRUE(!imp_index_get(&x, "8", &v));
	T_TRUE(!imp_index_get(&x, "", &v));
	arena_free(&a);
}

int
main(void)
{
	T_RUN(test_order);
	T_RUN(test_index);
	T_RUN(test_html_text);
	T_RUN(test_comment_body);
	T_RUN(test_good);
	T_RUN(test_table);
	T_RUN(test_many_tags);
	T_DONE("import");
}

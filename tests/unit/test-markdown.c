/* test-markdown.c: tables for Markdown rendering under both policies, a
 * hostile-input property check for comments, and plain-text summaries. */
#include <ctype.h>
#include <stdlib.h>
#include <strings.h>

#include "t.h"
#include "html-allow.h"
#include "render/body.h"
#include "render/markdown.h"
#include "util/arena.h"
#include "util/buf.h"

struct row {
	const char *in;
	const char *want;
};

static void
run_rows(const struct row *rows, size_t n, enum md_policy pol)
{
	struct buf b = BUF_INIT;
	size_t	   i;

	for (i = 0; i < n; i++) {
		buf_reset(&b);
		T_CHECK(md_render(&b, rows[i].in, strlen(rows[i].in), pol),
		    "md_render row %zu", i);
		T_EQ_STR(buf_str(&b), rows[i].want);
	}
	buf_free(&b);
}

static void
test_article(void)
{
	static const struct row rows[] = {
		{ "", "" },
		{ "Hello *world* and **bold** ~~gone~~ `c<d`",
		    "<p>Hello <em>world</em> and <strong>bold</strong> "
		    "<del>gone</del> <code>c&lt;d</code></p>\n" },
		{ "# Hello *world*\n\n## Hello world\n\n### hello-world",
		    "<h1 id=\"hello-world\">Hello <em>world</em></h1>\n"
		    "<h2 id=\"hello-world-2\">Hello world</h2>\n"
		    "<h3 id=\"hello-world-3\">hello-world</h3>\n" },
		/* an explicit "-2" heading is not handed out twice */
		{ "# a\n# a 2\n# a\n# a",
		    "<h1 id=\"a\">a</h1>\n<h1 id=\"a-2\">a 2</h1>\n"
		    "<h1 id=\"a-3\">a</h1>\n<h1 id=\"a-4\">a</h1>\n" },
		{ "# Ürümqi news",
		    "<h1 id=\"urumqi-news\">Ürümqi news</h1>\n" },
		{ "# 日本語\n\n# !!!",
		    "<h1 id=\"section\">日本語</h1>\n"
		    "<h1 id=\"section-2\">!!!</h1>\n" },
		{ "Title\n=====\n\nSub\n---",
		    "<h1 id=\"title\">Title</h1>\n<h2 id=\"sub\">Sub</h2>\n" },
		{ "###### `x<y` & [link](/a)",
		    "<h6 id=\"x-y-link\"><code>x&lt;y</code> &amp; "
		    "<a href=\"/a\">link</a></h6>\n" },
		{ "> quote\n> more",
		    "<blockquote>\n<p>quote\nmore</p>\n</blockquote>\n" },
		{ "- a\n- b", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n" },
		{ "- a\n\n- b",
		    "<ul>\n<li><p>a</p>\n</li>\n<li><p>b</p>\n</li>\n</ul>\n" },
		{ "1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n" },
		{ "3. a\n4. b",
		    "<ol start=\"3\">\n<li>a</li>\n<li>b</li>\n</ol>\n" },
		{ "```c\nif (a < b && c > \"d\")\n```",
		    "<pre><code class=\"language-c\">if (a &lt; b &amp;&amp; "
		    "c &gt; &quot;d&quot;)\n</code></pre>\n" },
		{ "```\"><script> x\nk\n```",
		    "<pre><code class=\"language-&quot;&gt;&lt;script&gt;\">"
		    "k\n</code></pre>\n" },
		{ "    indented <b>\n",
		    "<pre><code>indented &lt;b&gt;\n</code></pre>\n" },
		{ "| a | b | c |\n|:--|:-:|--:|\n| 1 | *2* | 3 |",
		    "<table>\n<thead>\n<tr>\n"
		    "<th style=\"text-align:left\">a</th>\n"
		    "<th style=\"text-align:center\">b</th>\n"
		    "<th style=\"text-align:right\">c</th>\n"
		    "</tr>\n</thead>\n<tbody>\n<tr>\n"
		    "<td style=\"text-align:left\">1</td>\n"
		    "<td style=\"text-align:center\"><em>2</em></td>\n"
		    "<td style=\"text-align:right\">3</td>\n"
		    "</tr>\n</tbody>\n</table>\n" },
		{ "| a |\n|---|\n| <b> |",
		    "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n"
		    "<tbody>\n<tr>\n<td>&lt;b&gt;</td>\n</tr>\n</tbody>\n"
		    "</table>\n" },
		{ "a\n\n---\n\nb", "<p>a</p>\n<hr>\n<p>b</p>\n" },
		{ "hard  \nbreak\\\nagain\nsoft",
		    "<p>hard<br>\nbreak<br>\nagain\nsoft</p>\n" },
		{ "<script>alert(1)</script>",
		    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n" },
		{ "a <b onclick=\"x\">b</b> <!-- c -->",
		    "<p>a &lt;b onclick=&quot;x&quot;&gt;b&lt;/b&gt; "
		    "&lt;!-- c --&gt;</p>\n" },
		{ "&copy; &mdash; &hellip; &laquo;x&raquo; &nbsp;",
		    "<p>\xc2\xa9 \xe2\x80\x94 \xe2\x80\xa6 \xc2\xabx\xc2\xbb "
		    "\xc2\xa0</p>\n" },
		{ "&amp; &lt;b&gt; &quot; &apos;",
		    "<p>&amp; &lt;b&gt; &quot; &#39;</p>\n" },
		{ "&#65; &#x42; &#x1F600; &#0; &#xD800; &#1114112;",
		    "<p>A B \xf0\x9f\x98\x80 \xef\xbf\xbd \xef\xbf\xbd "
		    "\xef\xbf\xbd</p>\n" },
		{ "&bogus; &#x3C;script&#x3E;",
		    "<p>&amp;bogus; &lt;script&gt;</p>\n" },
		{ "bad \xff\xfe byte",
		    "<p>bad \xef\xbf\xbd\xef\xbf\xbd byte</p>\n" },
		{ "[x](https://e.com/a?b=1&c=2 \"T \\\"q\\\"\")",
		    "<p><a href=\"https://e.com/a?b=1&amp;c=2\" "
		    "title=\"T &quot;q&quot;\">x</a></p>\n" },
		{ "[rel](/2022/01/x#c-1) [mail](mailto:a@b.c)",
		    "<p><a href=\"/2022/01/x#c-1\">rel</a> "
		    "<a href=\"mailto:a@b.c\">mail</a></p>\n" },
		{ "[x](javascript:alert(1)) [y](jav&#x09;ascript:alert(1))",
		    "<p><a href=\"#\">x</a> <a href=\"#\">y</a></p>\n" },
		{ "[x][r]\n\n[r]: data:text/html,<script>",
		    "<p><a href=\"#\">x</a></p>\n" },
		{ "see http://example.com/a_b.",
		    "<p>see <a href=\"http://example.com/a_b\">"
		    "http://example.com/a_b</a>.</p>\n" },
		{ "<https://e.com/x>",
		    "<p><a href=\"https://e.com/x\">https://e.com/x</a></p>\n" },
		{ "![An *image* & \"q\"](/i.png \"t\")",
		    "<p><img src=\"/i.png\" alt=\"An image &amp; &quot;q&quot;\" "
		    "title=\"t\"></p>\n" },
		{ "![x\" onerror=\"alert(1)](x.png)",
		    "<p><img src=\"x.png\" alt=\"x&quot; onerror=&quot;"
		    "alert(1)\"></p>\n" },
		{ "![a ![b](c) d](javascript:x)",
		    "<p><img src=\"#\" alt=\"a b d\"></p>\n" },
		{ "[![logo](/l.png)](/)",
		    "<p><a href=\"/\"><img src=\"/l.png\" alt=\"logo\"></a></p>\n" },
		{ "[a http://b.com c](http://d.com)",
		    "<p><a href=\"http://d.com\">a http://b.com c</a></p>\n" },
	};

	struct buf b = BUF_INIT;

	run_rows(rows, sizeof(rows) / sizeof(rows[0]), MD_ARTICLE);
	/* a NUL in the input is U+FFFD in the output */
	T_TRUE(md_render(&b, "a\0b", 3, MD_ARTICLE));
	T_EQ_STR(buf_str(&b),
	    "<p>a\xef\xbf\xbd"
	    "b</p>\n");
	buf_free(&b);
}

static void
test_comment(void)
{
	static const struct row rows[] = {
		{ "Hello *world* and **bold** ~~gone~~ `c<d`",
		    "<p>Hello <em>world</em> and <strong>bold</strong> "
		    "<del>gone</del> <code>c&lt;d</code></p>\n" },
		{ "# Big news\n\ntext", "<p>Big news</p>\n<p>text</p>\n" },
		{ "![alt *text*](https://e.com/i.png)", "<p>alt text</p>\n" },
		{ "[x](https://e.com/a?b=1&c=2 \"title\")",
		    "<p><a href=\"https://e.com/a?b=1&amp;c=2\" "
		    "rel=\"nofollow ugc noopener\">x</a></p>\n" },
		{ "[m](mailto:a@b.c) and a@b.c",
		    "<p><a href=\"mailto:a@b.c\" rel=\"nofollow ugc noopener\">m</a>"
		    " and <a href=\"mailto:a@b.c\" rel=\"nofollow ugc noopener\">"
		    "a@b.c</a></p>\n" },
		{ "see http://example.com",
		    "<p>see <a href=\"http://example.com\" "
		    "rel=\"nofollow ugc noopener\">http://example.com</a></p>\n" },
		{ "[rel](/admin) [proto](//e.com) [ftp](ftp://e.com)",
		    "<p>rel proto ftp</p>\n" },
		{ "[x](javascript:alert(1))", "<p>x</p>\n" },
		{ "3. a\n4. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n" },
		{ "a\n\n***\n\nb", "<p>a</p>\n<p>b</p>\n" },
		{ "```c\n<x>\n```", "<pre><code>&lt;x&gt;\n</code></pre>\n" },
		{ "| a |\n|---|\n| 1 |", "<p>| a |\n|---|\n| 1 |</p>\n" },
		{ "> q\n\n- a\n- b",
		    "<blockquote>\n<p>q</p>\n</blockquote>\n"
		    "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n" },
		{ "line  \nbreak", "<p>line<br>\nbreak</p>\n" },
		{ "<script>alert(1)</script>",
		    "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>\n" },
		{ "&copy; &#x3C;b&#x3E; &bogus;",
		    "<p>\xc2\xa9 &lt;b&gt; &amp;bogus;</p>\n" },
	};

	run_rows(rows, sizeof(rows) / sizeof(rows[0]), MD_COMMENT);
}

static void
test_comment_hostile(void)
{
	/* sizeof, not strlen: some rows carry a NUL of their own */
#define R(s) \
	{ \
		(s), sizeof(s) - 1 \
	}
	static const struct {
		const char *s;
		size_t	    n;
	} in[] = {
		R("[x](javascript:alert(1))"),
		R("[x](JaVaScRiPt:alert(1))"),
		R("[x]( javascript:alert(1) )"),
		R("[x](<javascript:alert(1)>)"),
		R("[x](jav&#x09;ascript:alert(1))"),
		R("[x](jav&#9;ascript:alert(1))"),
		R("[x](&#106;avascript:alert(1))"),
		R("[x](&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;"
		  "&#x74;&#x3A;alert(1))"),
		R("[x](javascript&colon;alert(1))"),
		R("[x](java\\\nscript:alert(1))"),
		R("<javascript:alert(1)>"),
		R("<JAVASCRIPT:alert(1)>"),
		R("javascript:alert(1) and javascript://example.com/%0aalert(1)"),
		R("[x][r]\n\n[r]: javascript:alert(1)"),
		R("[x][r]\n\n[r]: <javascript:alert(1)> \"t\""),
		R("[r]\n\n[r]: javascript:alert(1)"),
		R("[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)"),
		R("<data:text/html,<script>alert(1)</script>>"),
		R("[x](vbscript:msgbox(1))"),
		R("[x](mailto:javascript:alert(1))"),
		R("[x](http://e.com/?javascript:alert(1))"),
		R("[x](file:///etc/passwd) [y](//evil.com) [z](/admin)"),
		R("![x](javascript:alert(1))"),
		R("![x\" onerror=\"alert(1)](x.png)"),
		R("![x](x.png\" onerror=\"alert(1))"),
		R("<img src=x onerror=alert(1)>"),
		R("<script>alert(1)</script>"),
		R("<iframe src=\"javascript:alert(1)\"></iframe>"),
		R("<a href=\"javascript:alert(1)\">x</a>"),
		R("<svg/onload=alert(1)>"),
		R("[x](http://e.com \"t\\\" onmouseover=\\\"alert(1)\")"),
		R("[x](http://e.com/\"onmouseover=\"alert(1))"),
		R("[x](<http://e.com/\" onclick=\"alert(1)\">)"),
		R("[x](http://e.com/&quot;onclick=&quot;alert(1))"),
		R("[x](http://e.com/'onclick='alert(1))"),
		R("<http://e.com/\"onclick=\"alert(1)>"),
		R("<mailto:x@y.z?subject=\"><script>alert(1)</script>>"),
		R("[![img](javascript:x)](javascript:y)"),
		R("[a http://b.com c](javascript:y)"),
		R("[<b onclick=x>t</b>](http://e.com)"),
		R("# <h1 onclick=x>\n\n***\n\n| a |\n|---|\n| <td> |"),
		R("```\"><script>alert(1)</script>\n</code></pre><script>\n```"),
		R("`</code><script>`"),
		R("&lt;script&gt; &#60;script&#62; &#x3c;img src=x&#x3e;"),
		R("<!-- x --> <?php x ?> <![CDATA[x]]> <!DOCTYPE x>"),
		R("[x](\x01javascript:alert(1)) [y](java\x00script:alert(1))"),
		R("[x](http://e.com/\xff\xfe) \xc0\xaf"),
		R("www.evil.com javascript:alert(1)@e.com"),
	};
	struct buf  b = BUF_INIT;
	const char *why;
	size_t	    i;

	for (i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		buf_reset(&b);
		T_CHECK(md_render(&b, in[i].s, in[i].n, MD_COMMENT), "row %zu",
		    i);
		why = comment_violation(buf_str(&b));
		T_CHECK(why == NULL,
		    "row %zu: %s\n  in:  \"%s\"\n  out: \"%s\"", i, why,
		    in[i].s, buf_str(&b));
	}
	/* the checker itself must catch what it is there to catch */
#undef R
	T_TRUE(comment_violation("<p><img src=x></p>") != NULL);
	T_TRUE(
	    comment_violation(
		"<a href=\"javascript:x\" "
		"rel=\"nofollow ugc noopener\">") != NULL);
	T_TRUE(
	    comment_violation(
		"<a href=\"/x\" "
		"rel=\"nofollow ugc noopener\">") != NULL);
	T_TRUE(comment_violation("<a href=\"http://x\">") != NULL);
	T_TRUE(
	    comment_violation(
		"<a href=\"http://x\" title=\"t\" "
		"rel=\"nofollow ugc noopener\">") != NULL);
	T_TRUE(comment_violation("<p class=\"x\">") != NULL);
	T_TRUE(comment_violation("a\" b") != NULL);
	T_TRUE(
	    comment_violation(
		"<p>ok <a href=\"https://x\" "
		"rel=\"nofollow ugc noopener\">x</a></p>\n") == NULL);
	buf_free(&b);
}

/* Input md4c must survive and we must render without crashing: deep
 * nesting of every kind, long lines, many headings with the same id. */
static void
test_robust(void)
{
	static const char *const unit[] = { ">", "[", "*", "- ", "![", "`",
		"# a\n", "&#x1F600;", "\xff", "<a>", "1. ", "**_", "](" };
	struct buf		 in = BUF_INIT, b = BUF_INIT;
	size_t			 i, k;
	int			 pol;

	for (i = 0; i < sizeof(unit) / sizeof(unit[0]); i++) {
		buf_reset(&in);
		for (k = 0; k < 20000; k++)
			buf_puts(&in, unit[i]);
		buf_puts(&in, "x\n");
		for (pol = 0; pol < MD_POLICY__MAX; pol++) {
			buf_reset(&b);
			T_CHECK(md_render(&b, in.p, in.len,
				    (enum md_policy)pol),
			    "unit %zu policy %d", i, pol);
			if (pol == MD_COMMENT)
				T_CHECK(comment_violation(buf_str(&b)) == NULL,
				    "unit %zu", i);
		}
		buf_reset(&b);
		md_plain(&b, in.p, in.len, 100);
		T_TRUE(b.len <= 100);
	}
	/* the last of 20000 equal headings gets its own suffix */
	buf_reset(&in);
	for (k = 0; k < 20000; k++)
		buf_puts(&in, "# a\n");
	buf_reset(&b);
	T_TRUE(md_render(&b, in.p, in.len, MD_ARTICLE));
	T_CONTAINS(buf_str(&b), "<h1 id=\"a-20000\">a</h1>\n");
	T_LACKS(buf_str(&b), "a-20001");
	/* a capped buffer reports the overflow, it does not crash */
	buf_free(&b);
	buf_init(&b, 64);
	md_render(&b, in.p, in.len, MD_ARTICLE);
	T_TRUE(buf_err(&b));
	buf_free(&b);
	buf_free(&in);
}

static void
test_plain(void)
{
	static const struct {
		const char *in;
		size_t	    max;
		const char *want;
	} rows[] = {
		{ "", 0, "" },
		{ "# Title\n\nSome *emph* and [a link](http://x) "
		  "![alt text](i.png).\n\n- one\n- two",
		    0, "Title Some emph and a link alt text. one two" },
		{ "  lots\t of \n\n\n   space  ", 0, "lots of space" },
		{ "<script>x</script> &amp; &copy; &bogus;", 0,
		    "<script>x</script> & \xc2\xa9 &bogus;" },
		{ "```\ncode  here\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |", 0,
		    "code here a b 1 2" },
		{ "a\\\nb  \nc", 0, "a b c" },
		{ "bad \xff byte", 0, "bad \xef\xbf\xbd byte" },
		{ "short", 5, "short" },
		{ "short", 100, "short" },
		/* cut at a word, "…" included in max */
		{ "The quick brown fox jumps", 15, "The quick\xe2\x80\xa6" },
		{ "The quick brown fox jumps", 16, "The quick\xe2\x80\xa6" },
		{ "The quick brown fox jumps", 19,
		    "The quick brown\xe2\x80\xa6" },
		/* one long word: cut inside it, on a code point boundary */
		{ "Ürümqiürümqiürümqi", 9, "Ürüm\xe2\x80\xa6" },
		{ "Ürümqiürümqiürümqi", 8, "Ürü\xe2\x80\xa6" },
		{ "\xf0\x9f\x98\x80\xf0\x9f\x98\x80\xf0\x9f\x98\x80", 9,
		    "\xf0\x9f\x98\x80\xe2\x80\xa6" },
		{ "abcdef", 3, "\xe2\x80\xa6" },
		{ "abcdef", 2, "" },
		{ "**bold**\n\nnext", 0, "bold next" },
	};
	struct buf b = BUF_INIT;
	size_t	   i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		buf_reset(&b);
		md_plain(&b, rows[i].in, strlen(rows[i].in), rows[i].max);
		T_EQ_STR(buf_str(&b), rows[i].want);
		if (rows[i].max)
			T_CHECK(b.len <= rows[i].max, "row %zu: %zu bytes", i,
			    b.len);
	}
	/* appends, does not replace */
	buf_reset(&b);
	buf_puts(&b, "x:");
	md_plain(&b, "*y*", 3, 0);
	T_EQ_STR(buf_str(&b), "x:y");
	buf_free(&b);
}

/* Equal bytes; an empty buffer may have no memory at all. */
static bool
same(const struct buf *a, const struct buf *b)
{
	return a->len == b->len &&
	    (a->len == 0 || memcmp(a->p, b->p, a->len) == 0);
}

/* md_render_text is md_render and md_plain in one parse: the same bytes,
 * for documents made of every construct in every order (a fixed-seed
 * generator, so a failure repeats), and md_plain_cut of the whole text is
 * md_plain's cut at any length. */
static void
test_render_text(void)
{
	static const char *const piece[] = { "# ", "## Head", "word", " ", "\n",
		"\n\n", "*", "**", "_", "`", "```\n", "[", "](", ")", "![",
		"<a>", "&amp;", "&copy;", "&bogus;", "\\\n", "  \n", "> ", "- ",
		"1. ", "| a | b |\n|---|---|\n| 1 | 2 |\n", "~~",
		"http://x.org/", "\xff", "\xc3\xbc", "\t", "---\n", "\x00" };
	static const size_t	 maxes[] = { 0, 1, 3, 8, 40, 280 };
	struct buf in = BUF_INIT, h1 = BUF_INIT, h2 = BUF_INIT, t1 = BUF_INIT,
		   t2 = BUF_INIT, c = BUF_INIT;
	unsigned long long seed = 42;
	size_t		   i, k, m, np = sizeof(piece) / sizeof(piece[0]), len;
	bool		   ok1, ok2;

	for (i = 0; i < 3000; i++) {
		buf_reset(&in);
		len = i % 60 + 1;
		for (k = 0; k < len; k++) {
			seed = seed * 6364136223846793005ULL +
			    1442695040888963407ULL;
			m = (size_t)(seed >> 33) % np;
			/* "\x00" is one NUL byte, which strlen cannot see */
			if (piece[m][0] == '\0')
				buf_put(&in, "", 1);
			else
				buf_puts(&in, piece[m]);
		}
		buf_reset(&h1);
		buf_reset(&h2);
		buf_reset(&t1);
		buf_reset(&t2);
		ok1 = md_render(&h1, in.p, in.len, MD_ARTICLE);
		md_plain(&t1, in.p, in.len, 0);
		ok2 = md_render_text(&h2, &t2, in.p, in.len);
		T_CHECK(ok1 == ok2, "doc %zu", i);
		T_CHECK(same(&h1, &h2),
		    "doc %zu html\n  md_render:      \"%s\"\n"
		    "  md_render_text: \"%s\"",
		    i, buf_str(&h1), buf_str(&h2));
		T_CHECK(same(&t1, &t2),
		    "doc %zu text\n  md_plain:       \"%s\"\n"
		    "  md_render_text: \"%s\"",
		    i, buf_str(&t1), buf_str(&t2));
		for (m = 0; m < sizeof(maxes) / sizeof(maxes[0]); m++) {
			buf_reset(&t1);
			buf_reset(&c);
			md_plain(&t1, in.p, in.len, maxes[m]);
			md_plain_cut(&c, t2.p, t2.len, maxes[m]);
			T_CHECK(strcmp(buf_str(&t1), buf_str(&c)) == 0,
			    "doc %zu max %zu\n  md_plain:     \"%s\"\n"
			    "  md_plain_cut: \"%s\"",
			    i, maxes[m], buf_str(&t1), buf_str(&c));
		}
	}
	buf_free(&in);
	buf_free(&h1);
	buf_free(&h2);
	buf_free(&t1);
	buf_free(&t2);
	buf_free(&c);
}

/* article_body, the one owner of a body: each format read by its own
 * reader only, the search text without markup, the summary given or cut
 * from that text. */
static void
test_article_body(void)
{
	static const struct {
		enum body_format f;
		const char	*in, *summary;
		const char	*source, *html, *text, *sum;
	} t[] = {
		{ BODY_MARKDOWN, "Some **bold** <b>x</b>", NULL,
		    "Some **bold** <b>x</b>",
		    "<p>Some <strong>bold</strong> &lt;b&gt;x&lt;/b&gt;</p>\n",
		    "Some bold <b>x</b>", "Some bold <b>x</b>" },
		{ BODY_HTML,
		    "<p>Fuel on <strong>1 January</strong>; "
		    "<a href=\"https://x.org/\" onclick=\"y()\">go</a>"
		    "<script>z()</script></p>",
		    "",
		    "<p>Fuel on <strong>1 January</strong>; "
		    "<a href=\"https://x.org/\">go</a></p>",
		    "<p>Fuel on <strong>1 January</strong>; "
		    "<a href=\"https://x.org/\">go</a></p>",
		    "Fuel on 1 January; go", "Fuel on 1 January; go" },
		/* An HTML body is never read as Markdown. */
		{ BODY_HTML, "<p>*not* emphasis</p>", "Given.",
		    "<p>*not* emphasis</p>", "<p>*not* emphasis</p>",
		    "*not* emphasis", "Given." },
		{ BODY_MARKDOWN, "", NULL, "", "", "", "" },
		{ BODY_HTML, "", NULL, "", "", "", "" },
	};
	struct arena	    a;
	struct article_body b;
	struct buf	    big = BUF_INIT, txt = BUF_INIT;
	enum body_format    f;
	size_t		    i;

	arena_init(&a);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		T_TRUE(article_body(&a, t[i].f, t[i].in, strlen(t[i].in),
		    t[i].summary, NULL, &b));
		T_EQ_STR(b.source, t[i].source);
		T_EQ_STR(b.html, t[i].html);
		T_EQ_STR(b.text, t[i].text);
		T_EQ_STR(b.summary, t[i].sum);
		buf_reset(&txt);
		article_body_text(&txt, t[i].f, t[i].in, strlen(t[i].in));
		T_EQ_STR(buf_str(&txt), t[i].text);
	}
	/* The derived summary is the text cut at SUMMARY_AUTO bytes. */
	for (i = 0; i < 100; i++)
		buf_puts(&big, "<p>word word word</p>");
	T_TRUE(article_body(&a, BODY_HTML, big.p, big.len, NULL, NULL, &b));
	T_TRUE(strlen(b.summary) <= SUMMARY_AUTO);
	T_TRUE(strlen(b.summary) > SUMMARY_AUTO - 10);
	T_CONTAINS(b.summary, "word word\xe2\x80\xa6");
	T_LACKS(b.text, "<");
	/* Reference links may make far more HTML than source: refused past
	 * the cap, never a huge allocation. */
	buf_reset(&big);
	buf_puts(&big, "[r]: http://x.org/");
	for (i = 0; i < 2000; i++)
		buf_putc(&big, 'a');
	buf_puts(&big, "\n\n");
	for (i = 0; i < 300000; i++)
		buf_puts(&big, "[r] ");
	T_TRUE(
	    !article_body(&a, BODY_MARKDOWN, big.p, big.len, NULL, NULL, &b));
	T_EQ_STR(body_format_name(BODY_HTML), "html");
	T_TRUE(body_format_parse("markdown", &f) && f == BODY_MARKDOWN);
	T_TRUE(!body_format_parse("HTML", &f));
	buf_free(&big);
	buf_free(&txt);
	arena_free(&a);
}

int
main(void)
{
	T_RUN(test_article);
	T_RUN(test_comment);
	T_RUN(test_comment_hostile);
	T_RUN(test_robust);
	T_RUN(test_plain);
	T_RUN(test_render_text);
	T_RUN(test_article_body);
	T_DONE("markdown");
}

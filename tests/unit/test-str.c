/* test-str.c: tables for UTF-8 checks, slugs, times and escaping. */
#include <stdlib.h>

#include "t.h"
#include "render/esc.h"
#include "util/buf.h"
#include "util/str.h"

static void
test_slugify(void)
{
	static const struct {
		const char *in, *want;
	} rows[] = {
		{ "China offers Kazakhstan security help",
		    "china-offers-kazakhstan-security-help" },
		{ "  Hello,   World!  ", "hello-world" },
		{ "Ürümqi & Almaty", "urumqi-almaty" },
		{ "Łódź — Kraków", "lodz-krakow" },
		{ "Straße über Æsir", "strasse-uber-aesir" },
		{ "China's \xe2\x80\x9chelp\xe2\x80\x9d", "chinas-help" },
		{ "2022: a year", "2022-a-year" },
		{ "日本語", "" },
		{ "---", "" },
		{ "", "" },
		{ "a\xff"
		  "b",
		    "a-b" },
		{ "Œuvre", "oeuvre" },
	};
	struct buf b = BUF_INIT;
	size_t	   i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		buf_reset(&b);
		slugify(&b, rows[i].in, strlen(rows[i].in));
		T_EQ_STR(buf_str(&b), rows[i].want);
		if (b.len)
			T_TRUE(slug_valid(b.p, b.len));
	}
	buf_reset(&b);
	slugify(&b,
	    "aaaaaaaaaa bbbbbbbbbb cccccccccc dddddddddd eeeeeeeeee "
	    "ffffffffff gggggggggg hhhhhhhhhh",
	    87);
	T_TRUE(b.len <= 80);
	T_TRUE(b.p[b.len - 1] != '-');
	T_TRUE(!slug_valid("-a", 2));
	T_TRUE(!slug_valid("A", 1));
	T_TRUE(!slug_valid("", 0));
	T_TRUE(slug_valid("a-1", 3));
	buf_free(&b);
}

/* byline_slug: slugify's where it makes one, a hashed slug where it
 * makes none, nothing for blanks; always a valid slug. */
static void
test_byline_slug(void)
{
	static const struct {
		const char *in, *want;
	} rows[] = {
		{ "J. Smith", "j-smith" },
		{ "../etc", "etc" },
		{ "\xc3\x9c"
		  "n\xc3\xaf"
		  "code Name",
		    "unicode-name" },
		{ "a/b", "a-b" },
		{ "Aigerim Seitkali", "aigerim-seitkali" },
		{ "", "" },
		{ "  ", "" },
	};
	struct buf b = BUF_INIT, c = BUF_INIT;
	size_t	   i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		buf_reset(&b);
		byline_slug(&b, rows[i].in, strlen(rows[i].in));
		T_EQ_STR(buf_str(&b), rows[i].want);
	}
	buf_reset(&b);
	byline_slug(&b, "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd", 8); /* Иван */
	T_TRUE(b.len == 18 && strncmp(b.p, "a-", 2) == 0);
	T_TRUE(slug_valid(b.p, b.len));
	byline_slug(&c, "\xe6\x97\xa5\xe6\x9c\xac", 6);
	T_TRUE(c.len == 18 && slug_valid(c.p, c.len));
	T_TRUE(strcmp(b.p, c.p) != 0);
	buf_free(&b);
	buf_free(&c);
}

static void
test_utf8(void)
{
	static const struct {
		const char *s;
		int	    ok;
	} rows[] = {
		{ "plain", 1 },
		{ "\xc3\xbc", 1 },
		{ "\xf0\x9f\x98\x80", 1 },
		{ "\xc0\xaf", 0 },	   /* overlong '/' */
		{ "\xe0\x80\xaf", 0 },	   /* overlong */
		{ "\xed\xa0\x80", 0 },	   /* surrogate */
		{ "\xf4\x90\x80\x80", 0 }, /* > U+10FFFF */
		{ "\xc3", 0 },		   /* truncated */
		{ "\x80", 0 },		   /* lone continuation */
		{ "\xff", 0 },
	};
	size_t i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		T_CHECK(utf8_valid(rows[i].s, strlen(rows[i].s)) == rows[i].ok,
		    "row %zu", i);
	T_EQ_INT(utf8_len("\xc3\xbc"
			  "a\xf0\x9f\x98\x80",
		     7),
	    3);
	T_TRUE(text_check("a\nb", 3, true) == NULL);
	T_TRUE(text_check("a\nb", 3, false) != NULL);
	T_TRUE(text_check("a\0b", 3, true) != NULL);
	T_TRUE(
	    text_check("a\x1b"
		       "b",
		3, true) != NULL);
	T_TRUE(text_check("\xc3", 1, true) != NULL);
}

static void
test_time(void)
{
	static const struct {
		const char *in;
		long long   want;
		int	    ok;
	} rows[] = {
		{ "2022-01-10", 1641772800, 1 },
		{ "2022-01-10T09:30:00Z", 1641807000, 1 },
		{ "2022-01-10T09:30:00.123Z", 1641807000, 1 },
		{ "2022-01-10T11:30:00+02:00", 1641807000, 1 },
		{ "2022-01-10T04:30:00-05:00", 1641807000, 1 },
		{ "1970-01-01T00:00:00Z", 0, 1 },
		{ "2024-02-29", 1709164800, 1 },
		{ "2023-02-29", 0, 0 },
		{ "2022-13-01", 0, 0 },
		{ "2022-01-10T25:00:00Z", 0, 0 },
		{ "2022-01-10T09:30:00", 0, 0 }, /* no offset */
		{ "2022-1-10", 0, 0 },
		{ "yesterday", 0, 0 },
		{ "", 0, 0 },
		{ "2022-01-10T09:30:00Zjunk", 0, 0 },
		{ "-022-01-10", 0, 0 },
	};
	struct buf b = BUF_INIT;
	int64_t	   t;
	size_t	   i;
	bool	   ok;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		t = -1;
		ok = time_parse_rfc3339(rows[i].in, strlen(rows[i].in), &t);
		T_CHECK(ok == rows[i].ok, "parse \"%s\"", rows[i].in);
		if (ok && rows[i].ok)
			T_CHECK(t == rows[i].want, "\"%s\" = %lld, want %lld",
			    rows[i].in, (long long)t, rows[i].want);
	}
	time_format_rfc3339(&b, 1641807000);
	T_EQ_STR(buf_str(&b), "2022-01-10T09:30:00Z");
	buf_reset(&b);
	time_format_http(&b, 1641807000);
	T_EQ_STR(buf_str(&b), "Mon, 10 Jan 2022 09:30:00 GMT");
	buf_reset(&b);
	time_format_human(&b, 1641807000);
	T_EQ_STR(buf_str(&b), "10 January 2022");
	buf_reset(&b);
	time_format_rfc3339(&b, -1);
	T_EQ_STR(buf_str(&b), "1969-12-31T23:59:59Z");
	{
		static const struct {
			int64_t	    t;
			const char *iso, *human;
		} fmt[] = {
			{ 0, "1970-01-01T00:00:00Z", "1 January 1970" },
			{ 951782400, "2000-02-29T00:00:00Z",
			    "29 February 2000" },
			{ 1643673599, "2022-01-31T23:59:59Z",
			    "31 January 2022" },
			{ 253402300799, "9999-12-31T23:59:59Z",
			    "31 December 9999" },
			/* Past four digits: printf's widths, not cut off. */
			{ 253402300800, "10000-01-01T00:00:00Z",
			    "1 January 10000" },
			{ -62167219200, "0000-01-01T00:00:00Z",
			    "1 January 0000" },
		};
		char   out[TIME_RFC3339_MAX];
		size_t k;

		for (k = 0; k < sizeof(fmt) / sizeof(fmt[0]); k++) {
			T_EQ_INT(time_rfc3339(out, fmt[k].t),
			    strlen(fmt[k].iso));
			T_EQ_STR(out, fmt[k].iso);
			buf_reset(&b);
			time_format_human(&b, fmt[k].t);
			T_EQ_STR(buf_str(&b), fmt[k].human);
		}
	}
	buf_free(&b);
}

static void
test_esc(void)
{
	struct buf b = BUF_INIT;

#define ESC(fn, in, want) \
	do { \
		buf_reset(&b); \
		fn(&b, in, sizeof(in) - 1); \
		T_EQ_STR(buf_str(&b), want); \
	} while (0)
	ESC(esc_html, "<script>alert('x')</script>",
	    "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
	ESC(esc_html, "a & \"b\"", "a &amp; &quot;b&quot;");
	ESC(esc_html,
	    "bad\xff"
	    "byte",
	    "bad\xef\xbf\xbd"
	    "byte");
	ESC(esc_html, "nul\0x", "nul\xef\xbf\xbdx");
	ESC(esc_attr, "\" onmouseover=\"x", "&quot; onmouseover=&quot;x");
	ESC(esc_url_arg, "a b/c&d=é", "a%20b%2Fc%26d%3D%C3%A9");
	ESC(esc_json, "</script><!--\"\\\n\x01",
	    "\\u003c/script\\u003e\\u003c!--\\\"\\\\\\n\\u0001");
	ESC(esc_json, "\xe2\x80\xa8", "\\u2028");
	ESC(esc_xml, "Ürümqi & <Almaty> \"'",
	    "Ürümqi &amp; &lt;Almaty&gt; &quot;&apos;");
	ESC(esc_xml, "bell\x07", "bell\xef\xbf\xbd");
	ESC(esc_url, "https://example.com/a?b=1&c=\"2\"",
	    "https://example.com/a?b=1&amp;c=%222%22");
	ESC(esc_url, "javascript:alert(1)", "#");
	ESC(esc_url, " JaVaScRiPt:alert(1)", "#");
	ESC(esc_url, "java\tscript:alert(1)", "#");
	ESC(esc_url, "data:text/html,<script>", "#");
	ESC(esc_url, "vbscript:x", "#");
	ESC(esc_url, "/2022/01/slug", "/2022/01/slug");
	ESC(esc_url, "mailto:a@b.c", "mailto:a@b.c");
	ESC(esc_url, "#c-1", "#c-1");
	ESC(esc_url, "foo bar:baz", "#");
#undef ESC
	T_TRUE(url_is_http("https://example.com/x", 21));
	T_TRUE(!url_is_http("javascript:x", 12));
	T_TRUE(!url_is_http("http://", 7));
	T_TRUE(!url_is_http("http:///x", 9));
	T_TRUE(!url_is_http("http://a b", 10));
	buf_free(&b);
}

static void
test_buf(void)
{
	struct buf b;

	buf_init(&b, 8);
	buf_puts(&b, "12345");
	T_TRUE(!buf_err(&b));
	buf_puts(&b, "6789");
	T_TRUE(buf_err(&b));
	T_EQ_STR(buf_str(&b), "12345");
	buf_puts(&b, "x"); /* sticky: later small appends are dropped too */
	T_EQ_STR(buf_str(&b), "12345");
	buf_free(&b);
	buf_printf(&b, "%d-%s", 42, "x");
	T_EQ_STR(buf_str(&b), "42-x");
	buf_free(&b);
}

static void
test_parse_int(void)
{
	int64_t v;

	T_TRUE(parse_int("42", 2, 0, 100, &v) && v == 42);
	T_TRUE(!parse_int("101", 3, 0, 100, &v));
	T_TRUE(!parse_int("4a", 2, 0, 100, &v));
	T_TRUE(!parse_int("", 0, 0, 100, &v));
	T_TRUE(!parse_int("99999999999999999999", 20, 0, INT64_MAX, &v));
	T_TRUE(parse_int("-5", 2, -10, 10, &v) && v == -5);
}

int
main(void)
{
	T_RUN(test_slugify);
	T_RUN(test_byline_slug);
	T_RUN(test_utf8);
	T_RUN(test_time);
	T_RUN(test_esc);
	T_RUN(test_buf);
	T_RUN(test_parse_int);
	T_DONE("str");
}

/* test-tmpl.c: tables for template escaping, sections, partials, errors. */
#include <sys/stat.h>

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "t.h"
#include "render/tmpl.h"
#include "util/arena.h"
#include "util/buf.h"

static struct arena A;

/* The one data set every render row runs against. */
static struct tval *
data_new(void)
{
	struct tval *d = tv_map(&A), *l, *m, *u, *addr;

	tv_set_str(&A, d, "title", "A <b>&\"'");
	tv_set(&A, d, "html", tv_raw(&A, "<p>hi</p>", 9));
	tv_set_str(&A, d, "strhtml", "<p>x</p>");
	tv_set_str(&A, d, "url_js", "javascript:alert(1)");
	tv_set_str(&A, d, "url_ok", "https://e.com/a b?x=1&y=2");
	tv_set_str(&A, d, "q", "a b&c/d");
	tv_set_str(&A, d, "json", "</script><script>alert(1)</script>");
	tv_set_str(&A, d, "name", "Root");
	tv_set_int(&A, d, "n", 42);
	tv_set_int(&A, d, "neg", -7);
	tv_set_int(&A, d, "zero", 0);
	tv_set_int(&A, d, "min", INT64_MIN);
	tv_set_bool(&A, d, "t", true);
	tv_set_bool(&A, d, "f", false);
	tv_set_str(&A, d, "empty", "");
	tv_set_str(&A, d, "nul", NULL);
	l = tv_set(&A, d, "tags", tv_list(&A));
	tv_push(&A, l, tv_cstr(&A, "x<"));
	tv_push(&A, l, tv_cstr(&A, "y"));
	tv_set(&A, d, "emptylist", tv_list(&A));
	tv_set(&A, d, "emptymap", tv_map(&A));
	l = tv_set(&A, d, "items", tv_list(&A));
	m = tv_map(&A);
	tv_set_str(&A, m, "name", "a");
	tv_set_str(&A, m, "url", "/a?b");
	tv_push(&A, l, m);
	m = tv_map(&A);
	tv_set_str(&A, m, "name", "b");
	tv_push(&A, l, m);
	l = tv_set(&A, d, "nums", tv_list(&A));
	tv_push(&A, l, tv_int(&A, 1));
	tv_push(&A, l, tv_int(&A, 2));
	u = tv_set(&A, d, "user", tv_map(&A));
	tv_set_str(&A, u, "name", "Ann");
	addr = tv_set(&A, u, "addr", tv_map(&A));
	tv_set_str(&A, addr, "city", "Oslo");
	m = tv_set(&A, d, "site", tv_map(&A));
	tv_set_str(&A, m, "name", "Site");
	return d;
}

static void
test_render(void)
{
	static const struct {
		const char *name, *in, *want;
	} rows[] = {
		/* text, attributes, RCDATA */
		{ "t.html", "<p>{{title}}</p>",
		    "<p>A &lt;b&gt;&amp;&quot;&#39;</p>" },
		{ "t.html", "<a title=\"{{title}}\">",
		    "<a title=\"A &lt;b&gt;&amp;&quot;&#39;\">" },
		{ "t.html", "<a title='{{title}}'>",
		    "<a title='A &lt;b&gt;&amp;&quot;&#39;'>" },
		{ "t.html", "<title>{{title}}</title>",
		    "<title>A &lt;b&gt;&amp;&quot;&#39;</title>" },
		{ "t.html", "<a href=x title=\"{{q}}\">",
		    "<a href=x title=\"a b&amp;c/d\">" },
		{ "t.html", "<p>a < b {{q}}</p>", "<p>a < b a b&amp;c/d</p>" },
		{ "t.html", "<!-- <a href=\" --><p>{{q}}</p>",
		    "<!-- <a href=\" --><p>a b&amp;c/d</p>" },
		{ "t.html", "<style>p{}</style><script>x=1</script>{{q}}",
		    "<style>p{}</style><script>x=1</script>a b&amp;c/d" },
		{ "t.html", "<script>x='</p>'</SCRIPT ><b title=\"{{q}}\">",
		    "<script>x='</p>'</SCRIPT ><b title=\"a b&amp;c/d\">" },
		{ "t.html", "{{ title }}", "A &lt;b&gt;&amp;&quot;&#39;" },
		/* URLs */
		{ "t.html", "<a href=\"{{url_js}}\">", "<a href=\"#\">" },
		{ "t.html", "<A HREF='{{url_js}}'>", "<A HREF='#'>" },
		{ "t.html", "<a href=\" {{url_js}}\">", "<a href=\" #\">" },
		{ "t.html", "<form action=\"{{url_js}}\">",
		    "<form action=\"#\">" },
		{ "t.html", "<img src=\"{{url_js}}\" data-x=\"{{url_js}}\">",
		    "<img src=\"#\" data-x=\"javascript:alert(1)\">" },
		{ "t.html", "<a href=\"{{url_ok}}\">",
		    "<a href=\"https://e.com/a%20b?x=1&amp;y=2\">" },
		{ "t.html", "<a href=\"/s?q={{q}}&amp;p={{n}}\">",
		    "<a href=\"/s?q=a%20b%26c%2Fd&amp;p=42\">" },
		{ "t.html", "<a href=\"{{url_ok}}{{q}}\">",
		    "<a href=\"https://e.com/a%20b?x=1&amp;y=2a%20b%26c%2Fd\">" },
		{ "t.html", "<a href=\"{{#url_ok}}{{url_js}}{{/url_ok}}\">",
		    "<a href=\"#\">" },
		{ "t.html", "<a href=\"{{#t}}/x/{{/t}}{{url_js}}\">",
		    "<a href=\"/x/javascript%3Aalert%281%29\">" },
		{ "t.html", "<img srcset=\"{{url_js}} 1x, {{url_js}} 2x\">",
		    "<img srcset=\"# 1x, # 2x\">" },
		/* JSON-LD and XML */
		{ "t.html",
		    "<script type=\"application/ld+json\">{\"t\":\"{{json}}\"}"
		    "</script><p>{{q}}</p>",
		    "<script type=\"application/ld+json\">{\"t\":\"\\u003c/script"
		    "\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e\"}"
		    "</script><p>a b&amp;c/d</p>" },
		{ "t.html",
		    "<script type=' Application/LD+JSON '>"
		    "[{{#tags}}\"{{.}}\",{{/tags}}\"{{{html}}}\"]</script>",
		    "<script type=' Application/LD+JSON '>[\"x\\u003c\",\"y\","
		    "\"\\u003cp\\u003ehi\\u003c/p\\u003e\"]</script>" },
		{ "feed.xml",
		    "<t a=\"{{title}}\">{{title}}</t><c>{{{html}}}</c>"
		    "<l href=\"{{url_ok}}\"/>",
		    "<t a=\"A &lt;b&gt;&amp;&quot;&apos;\">A &lt;b&gt;&amp;&quot;"
		    "&apos;</t><c>&lt;p&gt;hi&lt;/p&gt;</c>"
		    "<l href=\"https://e.com/a b?x=1&amp;y=2\"/>" },
		{ "feed.xml", "<!-- {{n}} --><x {{#t}}a=\"1\"{{/t}}>",
		    "<!-- 42 --><x a=\"1\">" },
		/* raw marker */
		{ "t.html", "{{{html}}}", "<p>hi</p>" },
		{ "t.html", "{{html}}", "&lt;p&gt;hi&lt;/p&gt;" },
		{ "t.html", "{{{strhtml}}}", "&lt;p&gt;x&lt;/p&gt;" },
		{ "t.html", "<a title=\"{{{html}}}\">",
		    "<a title=\"&lt;p&gt;hi&lt;/p&gt;\">" },
		{ "t.html", "<textarea>{{{html}}}</textarea>",
		    "<textarea>&lt;p&gt;hi&lt;/p&gt;</textarea>" },
		{ "t.html", "<a href=\"/{{{html}}}\">",
		    "<a href=\"/%3Cp%3Ehi%3C%2Fp%3E\">" },
		/* scalars */
		{ "t.html", "{{n}} {{neg}} {{zero}} {{t}} {{f}} {{min}}",
		    "42 -7 0 true false -9223372036854775808" },
		{ "t.html", "[{{missing}}{{nul}}{{empty}}{{tags}}{{user}}]",
		    "[]" },
		/* sections */
		{ "t.html", "{{#tags}}[{{.}}]{{/tags}}", "[x&lt;][y]" },
		{ "t.html", "{{#nums}}{{.}},{{/nums}}", "1,2," },
		{ "t.html",
		    "{{#items}}<a href=\"{{url}}\">{{name}}</a>{{/items}}",
		    "<a href=\"/a?b\">a</a><a href=\"\">b</a>" },
		{ "t.html", "{{#user}}{{name}}{{/user}}", "Ann" },
		{ "t.html", "{{#emptymap}}m{{/emptymap}}", "m" },
		{ "t.html",
		    "{{#t}}yes{{/t}}{{#f}}no{{/f}}{{#zero}}no{{/zero}}"
		    "{{#n}}({{.}}){{/n}}{{#empty}}no{{/empty}}{{#nul}}no{{/nul}}"
		    "{{#emptylist}}no{{/emptylist}}{{#missing}}no{{/missing}}",
		    "yes(42)" },
		{ "t.html",
		    "{{^f}}1{{/f}}{{^zero}}2{{/zero}}{{^empty}}3{{/empty}}"
		    "{{^nul}}4{{/nul}}{{^emptylist}}5{{/emptylist}}"
		    "{{^missing}}6{{/missing}}{{^t}}x{{/t}}{{^tags}}x{{/tags}}"
		    "{{^user}}x{{/user}}{{^n}}x{{/n}}{{^emptymap}}x{{/emptymap}}",
		    "123456" },
		{ "t.html", "{{#items}}{{#t}}{{name}}{{/t}}{{/items}}", "ab" },
		{ "t.html", "{{#tags}}{{#t}}{{.}}{{/t}}{{/tags}}", "truetrue" },
		/* names: dotted, outward, no outward after the first part */
		{ "t.html",
		    "{{user.addr.city}}|{{user.nope.city}}|{{user.name.x}}",
		    "Oslo||" },
		{ "t.html",
		    "{{#user}}{{name}} in {{addr.city}} at {{site.name}}, "
		    "{{q}}{{/user}}",
		    "Ann in Oslo at Site, a b&amp;c/d" },
		{ "t.html", "{{#user}}[{{addr.name}}]{{/user}}", "[]" },
		{ "t.html", "{{#user.addr}}{{city}}/{{name}}{{/user.addr}}",
		    "Oslo/Root" },
		/* boolean attributes and sections inside values */
		{ "t.html",
		    "<input type=\"checkbox\"{{#t}} checked{{/t}}"
		    "{{#f}} disabled{{/f}}>",
		    "<input type=\"checkbox\" checked>" },
		{ "t.html",
		    "<option {{#t}}selected=\"selected\" {{/t}}value=\"{{n}}\">",
		    "<option selected=\"selected\" value=\"42\">" },
		{ "t.html", "<input {{#t}}checked {{/t}}{{^t}}x {{/t}}/>",
		    "<input checked />" },
		{ "t.html",
		    "<input {{#t}}checked{{/t}}{{#t}} disabled{{/t}} "
		    "name=\"{{n}}\">",
		    "<input checked disabled name=\"42\">" },
		{ "t.html", "<a class=\"x{{#t}} on{{/t}}\">",
		    "<a class=\"x on\">" },
		{ "t.html", "<a onclick=\"{{#t}}go(){{/t}}\">",
		    "<a onclick=\"go()\">" },
		/* text kept exactly; comments vanish */
		{ "t.html", "a\n  {{#t}}\n  b\n  {{/t}}\n",
		    "a\n  \n  b\n  \n" },
		{ "t.html", "a{{! c\n }}b }} {", "ab }} {" },
		{ "t.html", "", "" },
	};
	struct tval	*d = data_new();
	struct tmpl_set *set;
	struct buf	 b = BUF_INIT;
	char		 err[256];
	size_t		 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		err[0] = '\0';
		set = tmpl_set_from_strings(&rows[i].name, &rows[i].in, 1, err,
		    sizeof(err));
		T_CHECK(set != NULL, "row %zu: %s", i, err);
		if (set == NULL)
			continue;
		buf_reset(&b);
		T_TRUE(tmpl_render(set, rows[i].name, d, &b));
		T_CHECK(strcmp(buf_str(&b), rows[i].want) == 0,
		    "row %zu\n  got:  \"%s\"\n  want: \"%s\"", i, buf_str(&b),
		    rows[i].want);
		tmpl_set_free(set);
	}
	buf_free(&b);
}

static void
test_errors(void)
{
	static const struct {
		const char *name, *in, *want;
	} rows[] = {
		{ "article.html", "<h1>x</h1>\n{{#comments}}\n<p>",
		    "article.html:2: unclosed section 'comments'" },
		{ "x.html", "\n\n{{#a}}{{#b}}{{/b}}{{/b}}",
		    "x.html:3: '{{/b}}' closes 'a'" },
		{ "x.html", "{{/b}}", "x.html:1: '{{/b}}' closes no section" },
		{ "x.html", "\n\n\n\n{{>nav.html}}",
		    "x.html:5: unknown partial 'nav.html'" },
		{ "x.html", "{{x", "x.html:1: unclosed tag '{{x'" },
		{ "x.html", "{{{x}}", "x.html:1: unclosed tag '{{{x}}'" },
		{ "x.html", "{{a b}}", "x.html:1: bad name in '{{a b}}'" },
		{ "x.html", "{{a..b}}", "x.html:1: bad name in '{{a..b}}'" },
		{ "x.html", "{{.a}}", "x.html:1: bad name in '{{.a}}'" },
		{ "x.html", "{{}}", "x.html:1: bad name in '{{}}'" },
		{ "x.html", "{{&x}}", "x.html:1: bad name in '{{&x}}'" },
		{ "x.html", "{{#}}", "x.html:1: bad name in '{{#}}'" },
		{ "x.html", "{{>../x}}", "x.html:1: bad name in '{{>../x}}'" },
		/* contexts where no escaping is safe */
		{ "x.html", "<a href={{u}}>",
		    "x.html:1: '{{u}}' in an unquoted attribute value" },
		{ "x.html", "<a href=x{{u}}>",
		    "x.html:1: '{{u}}' in an unquoted attribute value" },
		{ "x.html", "<{{t}}>", "x.html:1: '{{t}}' in a tag name" },
		{ "x.html", "</{{t}}>", "x.html:1: '{{t}}' in a tag name" },
		{ "x.html", "<a{{t}}>", "x.html:1: '{{t}}' in a tag name" },
		{ "x.html", "<a b{{t}}>",
		    "x.html:1: '{{t}}' in an attribute name" },
		{ "x.html", "<a {{t}}>",
		    "x.html:1: '{{t}}' in a tag, between "
		    "attributes (a section may add a boolean attribute)" },
		{ "x.html", "<a\nb\n{{{t}}}>",
		    "x.html:3: '{{{t}}}' in a tag, "
		    "between attributes (a section may add a boolean attribute)" },
		{ "x.html", "<script>\nvar x = '{{t}}';</script>",
		    "x.html:2: '{{t}}' in <script>" },
		{ "x.html", "<script type=\"text/javascript\">{{t}}</script>",
		    "x.html:1: '{{t}}' in <script>" },
		{ "x.html", "<script type=\"application/ld+json\" type=x>{{t}}",
		    "x.html:1: '{{t}}' in <script>" },
		{ "x.html", "<script type=\"{{t}}\">{{t}}</script>",
		    "x.html:1: '{{t}}' in <script>" },
		{ "x.html",
		    "<script type=\"application/{{#t}}ld+json{{/t}}\">{{t}}",
		    "x.html:1: '{{t}}' in <script>" },
		{ "x.html", "<style>p { color: {{t}} }</style>",
		    "x.html:1: '{{t}}' in <style>" },
		{ "x.html", "<!-- {{t}} -->",
		    "x.html:1: '{{t}}' in an HTML comment" },
		{ "x.html", "<!-- --> -->{{#t}}",
		    "x.html:1: unclosed section 't'" },
		{ "x.html", "<!-- -- > {{t}} -->",
		    "x.html:1: '{{t}}' in an HTML comment" },
		{ "x.html", "<!-- {{#t}}{{/t}} -->",
		    "x.html:1: '{{#t}}' in an HTML comment" },
		{ "x.html", "<a onclick=\"f('{{t}}')\">",
		    "x.html:1: '{{t}}' in an event handler, style or srcdoc attribute" },
		{ "x.html", "<p STYLE='color:{{t}}'>",
		    "x.html:1: '{{t}}' in an event handler, style or srcdoc attribute" },
		{ "x.html", "<iframe srcdoc=\"{{t}}\">",
		    "x.html:1: '{{t}}' in an event handler, style or srcdoc attribute" },
		{ "x.html", "<script>\n\n<!--</script>",
		    "x.html:3: '<!--' inside <script>" },
		{ "x.html",
		    "<script type=\"application/ld+json\">{}</scr{{t}}ipt>",
		    "x.html:1: template tag inside an end tag" },
		/* sections must leave the context as they found it */
		{ "x.html", "{{#x}}<a href=\"{{/x}}\">",
		    "x.html:1: section 'x' ends in a different HTML context than it "
		    "began (began in HTML text at line 1, ends in a URL attribute "
		    "value)" },
		{ "x.html", "<a title=\"{{#x}}\" onclick=\"{{/x}}\">",
		    "x.html:1: section 'x' ends in a different HTML context than it "
		    "began (began in an attribute value at line 1, ends in an event "
		    "handler, style or srcdoc attribute)" },
		{ "x.html", "<title>\n{{^x}}</title>{{/x}}",
		    "x.html:2: section 'x' ends in a different HTML context than it "
		    "began (began in <title> at line 2, ends in HTML text)" },
		{ "x.html", "<p {{#x}}a=\"{{/x}}\">",
		    "x.html:1: section 'x' ends "
		    "in a different HTML context than it began (began in a tag, "
		    "between attributes at line 1, ends in an attribute value)" },
		{ "x.html", "<script>{{#x}}</script>{{/x}}",
		    "x.html:1: section "
		    "'x' ends in a different HTML context than it began (began in "
		    "<script> at line 1, ends in HTML text)" },
		{ "x.html", "<script {{#x}}type=\"application/ld+json\"{{/x}}>",
		    "x.html:1: section 'x' ends in a different HTML context than it "
		    "began (began in a tag, between attributes at line 1, ends in a "
		    "tag, between attributes)" },
		{ "x.html", "<input {{#x}}checked{{/x}}{{#y}}disabled{{/y}}>",
		    "x.html:1: attribute name runs on from a section" },
		{ "x.html", "<a {{#x}}on{{/x}}click=\"{{t}}\">",
		    "x.html:1: attribute name runs on from a section" },
		{ "x.html", "<input {{#x}}checked{{/x}} =\"{{t}}\">",
		    "x.html:1: '=' after a section that may leave no attribute name "
		    "before it" },
		{ "x.html", "<a href={{#x}}\"a\"{{/x}}>",
		    "x.html:1: '{{#x}}' in an unquoted attribute value" },
		{ "x.html", "<a hr{{#x}}ef{{/x}}=\"{{t}}\">",
		    "x.html:1: '{{#x}}' in an attribute name" },
		{ "x.html", "<scr{{^x}}ipt{{/x}}>",
		    "x.html:1: '{{^x}}' in a tag name" },
		{ "x.html", "<a title=\"{{>p.html}}\">",
		    "x.html:1: '{{>p.html}}' in an attribute value" },
		{ "x.html", "{{! a\nb }}\n<a {{t}}>",
		    "x.html:3: '{{t}}' in a tag, "
		    "between attributes (a section may add a boolean attribute)" },
	};
	struct tmpl_set *set;
	char		 err[256];
	size_t		 i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		err[0] = '\0';
		set = tmpl_set_from_strings(&rows[i].name, &rows[i].in, 1, err,
		    sizeof(err));
		T_CHECK(set == NULL, "row %zu compiled: %s", i, rows[i].in);
		T_CHECK(strcmp(err, rows[i].want) == 0,
		    "row %zu\n  got:  \"%s\"\n  want: \"%s\"", i, err,
		    rows[i].want);
		tmpl_set_free(set);
	}
}

static void
test_limits(void)
{
	const char	*names[20], *texts[20];
	char		 nm[20][32], tx[20][64], err[256], *big;
	struct tmpl_set *set;
	struct buf	 src = BUF_INIT, b = BUF_INIT;
	size_t		 i;

	for (i = 0; i < 32; i++)
		buf_printf(&src, "{{#s%zu}}", i);
	for (i = 32; i-- > 0;)
		buf_printf(&src, "{{/s%zu}}", i);
	names[0] = "n.html";
	texts[0] = src.p;
	set = tmpl_set_from_strings(names, texts, 1, err, sizeof(err));
	T_CHECK(set != NULL, "%s", err);
	tmpl_set_free(set);
	buf_reset(&src);
	for (i = 0; i < 33; i++)
		buf_printf(&src, "{{#s%zu}}", i);
	texts[0] = src.p;
	set = tmpl_set_from_strings(names, texts, 1, err, sizeof(err));
	T_TRUE(set == NULL);
	T_EQ_STR(err, "n.html:1: sections nested deeper than 32");

	big = malloc(1024 * 1024 + 2);
	memset(big, 'a', 1024 * 1024 + 1);
	big[1024 * 1024 + 1] = '\0';
	texts[0] = big;
	set = tmpl_set_from_strings(names, texts, 1, err, sizeof(err));
	T_TRUE(set == NULL);
	T_EQ_STR(err, "n.html:1: template larger than 1 MiB");
	big[1024 * 1024] = '\0';
	set = tmpl_set_from_strings(names, texts, 1, err, sizeof(err));
	T_TRUE(set != NULL);
	tmpl_set_free(set);
	free(big);

	/* A chain of partials: 16 deep is fine, 17 is not. */
	for (i = 0; i < 18; i++) {
		snprintf(nm[i], sizeof(nm[i]), "p%02zu.html", i);
		snprintf(tx[i], sizeof(tx[i]), "%zu{{>p%02zu.html}}", i, i + 1);
		names[i] = nm[i];
		texts[i] = tx[i];
	}
	snprintf(tx[16], sizeof(tx[16]), "16");
	set = tmpl_set_from_strings(names, texts, 17, err, sizeof(err));
	T_CHECK(set != NULL, "%s", err);
	T_TRUE(tmpl_render(set, "p00.html", NULL, &b));
	T_EQ_STR(buf_str(&b), "012345678910111213141516");
	tmpl_set_free(set);
	snprintf(tx[16], sizeof(tx[16]), "16{{>p17.html}}");
	snprintf(tx[17], sizeof(tx[17]), "17");
	set = tmpl_set_from_strings(names, texts, 18, err, sizeof(err));
	T_TRUE(set == NULL);
	T_EQ_STR(err, "p00.html:1: partials nested deeper than 16");

	/* Cycles, direct and through another template. */
	names[0] = "a.html";
	texts[0] = "{{>b.html}}";
	names[1] = "b.html";
	texts[1] = "\n{{#x}}{{>a.html}}{{/x}}";
	set = tmpl_set_from_strings(names, texts, 2, err, sizeof(err));
	T_TRUE(set == NULL);
	T_EQ_STR(err, "b.html:2: partial 'a.html' includes itself");
	names[0] = "a.html";
	texts[0] = "{{>a.html}}";
	set = tmpl_set_from_strings(names, texts, 1, err, sizeof(err));
	T_TRUE(set == NULL);
	T_EQ_STR(err, "a.html:1: partial 'a.html' includes itself");

	/* A partial must end where it began, in HTML text. */
	names[0] = "a.html";
	texts[0] = "<p>{{>b.html}}\">";
	names[1] = "b.html";
	texts[1] = "<a href=\"";
	set = tmpl_set_from_strings(names, texts, 2, err, sizeof(err));
	T_TRUE(set == NULL);
	T_EQ_STR(err, "a.html:1: partial 'b.html' does not end in HTML text");
	buf_free(&src);
	buf_free(&b);
}

static void
test_partials(void)
{
	const char *names[] = { "page.html", "partials/nav.html", "feed.xml" };
	const char *texts[] = {
		"<nav>{{>partials/nav.html}}</nav>{{#user}}{{>partials/nav.html}}"
		"{{/user}}",
		"{{#items}}<a href=\"{{url}}\">{{name}}</a>{{/items}}({{name}})",
		"<x>{{>partials/nav.html}}</x>",
	};
	struct tval	*d = data_new();
	struct tmpl_set *set;
	struct buf	 b = BUF_INIT;
	char		 err[256];

	set = tmpl_set_from_strings(names, texts, 3, err, sizeof(err));
	T_CHECK(set != NULL, "%s", err);
	if (set == NULL)
		return;
	T_TRUE(tmpl_exists(set, "page.html"));
	T_TRUE(tmpl_exists(set, "partials/nav.html"));
	T_TRUE(!tmpl_exists(set, "nav.html"));
	T_TRUE(!tmpl_exists(set, "page.htm"));
	T_TRUE(!tmpl_render(set, "nope.html", d, &b));
	T_EQ_INT(b.len, 0);
	T_TRUE(tmpl_render(set, "page.html", d, &b));
	T_EQ_STR(buf_str(&b),
	    "<nav><a href=\"/a?b\">a</a><a href=\"\">b</a>"
	    "(Root)</nav><a href=\"/a?b\">a</a><a href=\"\">b</a>(Ann)");
	buf_reset(&b);
	T_TRUE(tmpl_render(set, "feed.xml", d, &b));
	T_EQ_STR(buf_str(&b),
	    "<x><a href=\"/a?b\">a</a><a href=\"\">b</a>"
	    "(Root)</x>");
	buf_reset(&b);
	T_TRUE(tmpl_render(set, "page.html", NULL, &b));
	T_EQ_STR(buf_str(&b), "<nav>()</nav>");
	tmpl_set_free(set);
	buf_free(&b);
}

static void
test_values(void)
{
	struct tval *m = tv_map(&A), *l = tv_list(&A), *v;
	char	     key[16];
	int	     i;

	tv_set_str(&A, m, "k", "one");
	v = tv_set(&A, m, "k", tv_int(&A, 2));
	T_TRUE(tv_get(m, "k") == v);
	for (i = 0; i < 40; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		tv_set_int(&A, m, arena_strdup(&A, key), i);
		tv_push(&A, l, tv_int(&A, i));
	}
	T_TRUE(tv_get(m, "k") == v);
	T_TRUE(tv_get(m, "k39") != NULL);
	T_TRUE(tv_get(m, "nope") == NULL);
	T_TRUE(tv_get(l, "k") == NULL);
	T_TRUE(tv_get(NULL, "k") == NULL);
	T_EQ_INT(tv_len(l), 40);
	T_EQ_INT(tv_len(m), 0);
	T_EQ_INT(tv_len(NULL), 0);
	tv_push(&A, m, v);     /* not a list: ignored */
	tv_set(&A, l, "x", v); /* not a map: ignored */
	T_EQ_INT(tv_len(l), 40);
}

/* Whatever the values, every '<' in the output comes from the template:
 * rendering with hostile values gives as many as rendering with none. */
static void
test_hostile(void)
{
	static const char *const bad[] = {
		"<script>alert(1)</script>",
		"\"><img src=x onerror=alert(1)>",
		"'><svg/onload=alert(1)>",
		"</script><script>alert(1)</script>",
		"</title><script>",
		"</textarea><script>",
		"<!--",
		"]]><x>",
		"\xc0<\xff",
		"<\xe2\x80\xa8>",
		"javascript:alert('<x>')",
		"&lt;",
		"%3Cx%3E",
		"\\u003c",
	};
	static const char *const tmpls[] = {
		"<p>{{v}}{{.}}</p><a title=\"{{v}}\" alt='{{{v}}}'>x</a>",
		"<a href=\"{{v}}\">{{v}}</a><a href='/x?{{v}}&y={{{v}}}'>",
		"<img srcset=\"{{v}} 1x, /b?{{v}} 2x\">",
		"<title>{{v}}{{{v}}}</title><textarea>{{{v}}}</textarea>",
		"<script type=\"application/ld+json\">{\"a\":\"{{v}}\",\"b\":"
		"\"{{{v}}}\"}</script>{{v}}",
		"<input {{#v}}checked{{/v}}>{{^v}}x{{/v}}",
	};
	struct tval	*d, *e;
	struct tmpl_set *set;
	struct buf	 b = BUF_INIT;
	char		 err[256];
	const char	*name = "h.html", *p;
	size_t		 i, j, want, got;

	e = tv_map(&A);
	tv_set_str(&A, e, "v", "");
	for (j = 0; j < sizeof(tmpls) / sizeof(tmpls[0]); j++) {
		set = tmpl_set_from_strings(&name, &tmpls[j], 1, err,
		    sizeof(err));
		T_CHECK(set != NULL, "%s", err);
		if (set == NULL)
			continue;
		buf_reset(&b);
		tmpl_render(set, name, e, &b);
		for (want = 0, p = buf_str(&b); (p = strchr(p, '<')); p++)
			want++;
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			d = tv_map(&A);
			tv_set_str(&A, d, "v", bad[i]);
			buf_reset(&b);
			tmpl_render(set, name, d, &b);
			for (got = 0, p = buf_str(&b); (p = strchr(p, '<'));
			     p++)
				got++;
			T_CHECK(got == want, "template %zu, value %zu: %s", j,
			    i, buf_str(&b));
			if (j == 1 || j == 2) { /* URL attributes */
				T_LACKS(buf_str(&b), "=\"javascript:");
				T_LACKS(buf_str(&b), "='javascript:");
			}
			/* A list pushes each value as the current item. */
			d = tv_list(&A);
			tv_push(&A, d, tv_cstr(&A, bad[i]));
			buf_reset(&b);
			tmpl_render(set, name, d, &b);
			for (got = 0, p = buf_str(&b); (p = strchr(p, '<'));
			     p++)
				got++;
			T_CHECK(got == want, "template %zu, item %zu: %s", j, i,
			    buf_str(&b));
		}
		tmpl_set_free(set);
	}
	buf_free(&b);
}

static int
write_file(const char *dir, const char *name, const char *text)
{
	char  path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "w")) == NULL)
		return -1;
	fputs(text, f);
	return fclose(f);
}

static void
rm_dir(const char *dir, const char *const *files)
{
	char path[512];

	for (; *files; files++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *files);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/partials", dir);
	rmdir(path);
	rmdir(dir);
}

static void
test_load(void)
{
	static const char *const files[] = { "page.html", "partials/nav.html",
		"feed.xml", "notes.txt", "bad.html", "big.html", ".hidden.html",
		NULL };
	char			 theme[] = "/tmp/tmpl-theme-XXXXXX",
	     site[] = "/tmp/tmpl-site-XXXXXX";
	char		 bad[] = "/tmp/tmpl-bad-XXXXXX", path[512], err[256];
	struct tmpl_set *set;
	struct buf	 b = BUF_INIT;
	struct tval	*d = data_new();
	FILE		*f;
	int		 i;

	if (mkdtemp(theme) == NULL || mkdtemp(site) == NULL ||
	    mkdtemp(bad) == NULL) {
		T_CHECK(0, "mkdtemp");
		return;
	}
	snprintf(path, sizeof(path), "%s/partials", theme);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/partials", site);
	mkdir(path, 0700);
	write_file(theme, "page.html", "theme {{>partials/nav.html}}\n");
	write_file(theme, "partials/nav.html", "nav-theme {{q}}");
	write_file(theme, "feed.xml", "<f>{{title}}</f>");
	write_file(theme, "notes.txt", "{{#not a template");
	write_file(theme, ".hidden.html", "{{#hidden");
	write_file(site, "partials/nav.html", "nav-site {{q}}");

	set = tmpl_set_load(theme, NULL, err, sizeof(err));
	T_CHECK(set != NULL, "%s", err);
	if (set != NULL) {
		T_TRUE(tmpl_render(set, "page.html", d, &b));
		T_EQ_STR(buf_str(&b), "theme nav-theme a b&amp;c/d\n");
		T_TRUE(!tmpl_exists(set, "notes.txt"));
		T_TRUE(!tmpl_exists(set, ".hidden.html"));
		tmpl_set_free(set);
	}
	set = tmpl_set_load(theme, site, err, sizeof(err));
	T_CHECK(set != NULL, "%s", err);
	if (set != NULL) {
		buf_reset(&b);
		T_TRUE(tmpl_render(set, "page.html", d, &b));
		T_EQ_STR(buf_str(&b), "theme nav-site a b&amp;c/d\n");
		buf_reset(&b);
		T_TRUE(tmpl_render(set, "feed.xml", d, &b));
		T_EQ_STR(buf_str(&b), "<f>A &lt;b&gt;&amp;&quot;&apos;</f>");
		tmpl_set_free(set);
	}
	/* The overlay may also fix a broken theme file. */
	write_file(theme, "bad.html", "ok\n\n{{#x}}\n");
	set = tmpl_set_load(theme, NULL, err, sizeof(err));
	T_TRUE(set == NULL);
	T_EQ_STR(err, "bad.html:3: unclosed section 'x'");
	write_file(site, "bad.html", "fixed");
	set = tmpl_set_load(theme, site, err, sizeof(err));
	T_CHECK(set != NULL, "%s", err);
	tmpl_set_free(set);
	/* The overlay's errors are reported by its file name too. */
	write_file(site, "page.html", "{{>partials/none.html}}");
	set = tmpl_set_load(theme, site, err, sizeof(err));
	T_TRUE(set == NULL);
	T_EQ_STR(err, "page.html:1: unknown partial 'partials/none.html'");

	set = tmpl_set_load("/nonexistent/theme", NULL, err, sizeof(err));
	T_TRUE(set == NULL);
	T_CONTAINS(err, "/nonexistent/theme/: ");

	snprintf(path, sizeof(path), "%s/big.html", bad);
	if ((f = fopen(path, "w")) != NULL) {
		for (i = 0; i < 1024 * 1024 + 1; i++)
			fputc('a', f);
		fclose(f);
	}
	set = tmpl_set_load(bad, NULL, err, sizeof(err));
	T_TRUE(set == NULL);
	T_CONTAINS(err, "big.html:1: template larger than 1 MiB");

	rm_dir(theme, files);
	rm_dir(site, files);
	rm_dir(bad, files);
	buf_free(&b);
}

struct thr {
	const struct tmpl_set *set;
	const struct tval     *d;
	const char	      *want;
	int		       bad;
};

static void *
thr_run(void *arg)
{
	struct thr *t = arg;
	struct buf  b = BUF_INIT;
	int	    i;

	for (i = 0; i < 2000; i++) {
		buf_reset(&b);
		tmpl_render(t->set, "p.html", t->d, &b);
		if (strcmp(buf_str(&b), t->want) != 0)
			t->bad++;
	}
	buf_free(&b);
	return NULL;
}

/* One set, one data tree, many threads: nothing is written while rendering. */
static void
test_threads(void)
{
	const char *
	    name = "p.html",
	   *text = "{{#items}}<a href=\"{{url}}\">"
		   "{{name}}</a>{{/items}}{{#user}}{{addr.city}}{{/user}}";
	struct thr	 t[4];
	pthread_t	 id[4];
	struct tmpl_set *set;
	char		 err[256];
	int		 i;

	set = tmpl_set_from_strings(&name, &text, 1, err, sizeof(err));
	T_CHECK(set != NULL, "%s", err);
	if (set == NULL)
		return;
	for (i = 0; i < 4; i++) {
		t[i].set = set;
		t[i].d = data_new();
		t[i].want = "<a href=\"/a?b\">a</a><a href=\"\">b</a>Oslo";
		t[i].bad = 0;
		pthread_create(&id[i], NULL, thr_run, &t[i]);
	}
	for (i = 0; i < 4; i++) {
		pthread_join(id[i], NULL);
		T_EQ_INT(t[i].bad, 0);
	}
	tmpl_set_free(set);
}

int
main(void)
{
	arena_init(&A);
	T_RUN(test_render);
	T_RUN(test_errors);
	T_RUN(test_limits);
	T_RUN(test_partials);
	T_RUN(test_values);
	T_RUN(test_hostile);
	T_RUN(test_load);
	T_RUN(test_threads);
	arena_free(&A);
	T_DONE("tmpl");
}

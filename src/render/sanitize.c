/* sanitize.c: the one HTML allow-list for bodies from other systems.
 *
 * libxml2's HTML parser builds the tree (network off, errors quiet); the
 * tree is then walked without recursion (a hostile body may nest a
 * million elements) and written out again element by element, so only
 * what the allow-list names is ever emitted, and every text and attribute
 * byte goes through render/esc.h. */
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "render/body.h"
#include "render/esc.h"
#include "render/markdown.h"
#include "util/buf.h"
#include "util/str.h"

enum el_kind {
	EL_UNWRAP = 0, /* unknown: children kept, the tag itself not */
	EL_KEEP,
	EL_VOID, /* kept, no content, no end tag */
	EL_DROP, /* removed with everything inside */
	EL_KIND__MAX
};

struct el_rule {
	const char  *name;
	enum el_kind kind;
	const char  *as; /* written under another name, or NULL */
};

static const struct el_rule rules[] = {
	{ "p", EL_KEEP, NULL },
	{ "br", EL_VOID, NULL },
	{ "h1", EL_KEEP, "h2" },
	{ "h2", EL_KEEP, NULL },
	{ "h3", EL_KEEP, NULL },
	{ "h4", EL_KEEP, NULL },
	{ "h5", EL_KEEP, NULL },
	{ "h6", EL_KEEP, NULL },
	{ "blockquote", EL_KEEP, NULL },
	{ "ul", EL_KEEP, NULL },
	{ "ol", EL_KEEP, NULL },
	{ "li", EL_KEEP, NULL },
	{ "a", EL_KEEP, NULL },
	{ "em", EL_KEEP, NULL },
	{ "strong", EL_KEEP, NULL },
	{ "b", EL_KEEP, NULL },
	{ "i", EL_KEEP, NULL },
	{ "u", EL_KEEP, NULL },
	{ "s", EL_KEEP, NULL },
	{ "del", EL_KEEP, NULL },
	{ "sub", EL_KEEP, NULL },
	{ "sup", EL_KEEP, NULL },
	{ "code", EL_KEEP, NULL },
	{ "pre", EL_KEEP, NULL },
	{ "img", EL_VOID, NULL },
	{ "figure", EL_KEEP, NULL },
	{ "figcaption", EL_KEEP, NULL },
	{ "table", EL_KEEP, NULL },
	{ "thead", EL_KEEP, NULL },
	{ "tbody", EL_KEEP, NULL },
	{ "tfoot", EL_KEEP, NULL },
	{ "tr", EL_KEEP, NULL },
	{ "th", EL_KEEP, NULL },
	{ "td", EL_KEEP, NULL },
	{ "hr", EL_VOID, NULL },
	{ "span", EL_KEEP, NULL },
	{ "div", EL_KEEP, NULL },
	{ "cite", EL_KEEP, NULL },
	{ "script", EL_DROP, NULL },
	{ "style", EL_DROP, NULL },
	{ "iframe", EL_DROP, NULL },
	{ "object", EL_DROP, NULL },
	{ "embed", EL_DROP, NULL },
	{ "applet", EL_DROP, NULL },
	{ "form", EL_DROP, NULL },
	{ "input", EL_DROP, NULL },
	{ "button", EL_DROP, NULL },
	{ "select", EL_DROP, NULL },
	{ "textarea", EL_DROP, NULL },
	{ "template", EL_DROP, NULL },
	{ "svg", EL_DROP, NULL },
	{ "math", EL_DROP, NULL },
	{ "noscript", EL_DROP, NULL },
	{ "frame", EL_DROP, NULL },
	{ "frameset", EL_DROP, NULL },
	{ "head", EL_DROP, NULL },
	{ "title", EL_DROP, NULL },
	{ "meta", EL_DROP, NULL },
	{ "link", EL_DROP, NULL },
	{ "base", EL_DROP, NULL },
	{ "audio", EL_DROP, NULL },
	{ "video", EL_DROP, NULL },
	{ "source", EL_DROP, NULL },
	{ "param", EL_DROP, NULL },
};

static const struct el_rule *
rule_of(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(rules) / sizeof(rules[0]); i++)
		if (strcmp(rules[i].name, name) == 0)
			return &rules[i];
	return NULL;
}

static bool url_ok(const char *, bool);

/* Counts a drop; the one named in reports is the first element removed,
 * else the first URL or attribute: the most telling. */
static void
note(struct html_drops *d, size_t *count, const char *what, const char *name)
{
	if (d == NULL)
		return;
	(*count)++;
	if (d->first[0] == '\0' || (count == &d->elements && d->elements == 1))
		snprintf(d->first, sizeof(d->first), "%s %s", name, what);
}

/* An img whose src is missing or refused shows nothing: it goes. */
static bool
img_ok(xmlNode *n)
{
	xmlChar *v = xmlGetProp(n, (const xmlChar *)"src");
	bool	 ok = v &&
	    text_check((const char *)v, strlen((const char *)v), false) ==
		NULL &&
	    url_ok((const char *)v, true);

	xmlFree(v);
	return ok;
}

static bool
digits(const char *s, size_t max)
{
	size_t n = strlen(s), i;

	if (n == 0 || n > max)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* A URL for src: like href but never mailto. */
static bool
url_ok(const char *v, bool is_src)
{
	size_t n = strlen(v);

	if (!url_scheme_allowed(v, n))
		return false;
	if (is_src && n >= 7 && strncasecmp(v, "mailto:", 7) == 0)
		return false;
	return true;
}

static void
attrs(struct buf *out, xmlNode *n, const char *name, struct html_drops *d)
{
	struct buf  u = BUF_INIT;
	xmlAttr	   *at;
	xmlChar	   *val;
	const char *an, *v;
	bool is_a = strcmp(name, "a") == 0, is_img = strcmp(name, "img") == 0,
	     is_cell = strcmp(name, "td") == 0 || strcmp(name, "th") == 0, ok;

	for (at = n->properties; at; at = at->next) {
		an = (const char *)at->name;
		val = xmlNodeGetContent((xmlNode *)at);
		v = val ? (const char *)val : "";
		ok = false;
		if (text_check(v, strlen(v), true) != NULL)
			; /* NUL or controls: never copied */
		else if ((is_a && strcmp(an, "href") == 0) ||
		    (is_img && strcmp(an, "src") == 0)) {
			buf_reset(&u);
			if (url_ok(v, is_img) && esc_url(&u, v, strlen(v))) {
				buf_printf(out, " %s=\"", an);
				buf_put(out, u.p, u.len);
				buf_putc(out, '"');
				ok = true;
			} else {
				note(d, d ? &d->urls : NULL, "URL refused", an);
				xmlFree(val);
				continue;
			}
		} else if (strcmp(an, "title") == 0 ||
		    (is_img && strcmp(an, "alt") == 0)) {
			buf_printf(out, " %s=\"", an);
			esc_attr(out, v, strlen(v));
			buf_putc(out, '"');
			ok = true;
		} else if ((is_img &&
			       (strcmp(an, "width") == 0 ||
				   strcmp(an, "height") == 0) &&
			       digits(v, 5)) ||
		    (is_cell &&
			(strcmp(an, "colspan") == 0 ||
			    strcmp(an, "rowspan") == 0) &&
			digits(v, 3))) {
			buf_printf(out, " %s=\"%s\"", an, v);
			ok = true;
		}
		if (!ok)
			note(d, d ? &d->attributes : NULL, "attribute dropped",
			    an);
		xmlFree(val);
	}
	buf_free(&u);
}

/* Walks the tree under root in document order without recursion, calling
 * open on the way in (which says whether to descend) and close on the
 * way out. */
typedef bool (*walk_open)(xmlNode *, void *);
typedef void (*walk_close)(xmlNode *, void *);

static void
walk(xmlNode *root, walk_open open, walk_close close, void *ctx)
{
	xmlNode *n = root ? root->children : NULL;

	while (n) {
		if (open(n, ctx) && n->children) {
			n = n->children;
			continue;
		}
		close(n, ctx);
		while (n->next == NULL) {
			n = n->parent;
			if (n == NULL || n == root)
				return;
			close(n, ctx);
		}
		n = n->next;
	}
}

struct san {
	struct buf	  *out;
	struct html_drops *drops;
};

static bool
san_open(xmlNode *n, void *ctx)
{
	struct san	     *s = ctx;
	const struct el_rule *r;
	const char	     *name;

	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		if (n->content)
			esc_html(s->out, (const char *)n->content,
			    strlen((const char *)n->content));
		return false;
	}
	if (n->type != XML_ELEMENT_NODE)
		return false; /* comments, processing instructions */
	name = (const char *)n->name;
	if (strcmp(name, "html") == 0 || strcmp(name, "body") == 0)
		return true;
	if ((r = rule_of(name)) == NULL)
		return true; /* unwrapped */
	if (r->kind == EL_DROP) {
		note(s->drops, s->drops ? &s->drops->elements : NULL,
		    "element removed", name);
		return false;
	}
	if (strcmp(name, "img") == 0 && !img_ok(n)) {
		note(s->drops, s->drops ? &s->drops->urls : NULL,
		    "without an acceptable src removed", name);
		return false;
	}
	buf_printf(s->out, "<%s", r->as ? r->as : r->name);
	attrs(s->out, n, name, s->drops);
	buf_putc(s->out, '>');
	return r->kind == EL_KEEP;
}

static void
san_close(xmlNode *n, void *ctx)
{
	struct san	     *s = ctx;
	const struct el_rule *r;

	if (n->type != XML_ELEMENT_NODE ||
	    (r = rule_of((const char *)n->name)) == NULL || r->kind != EL_KEEP)
		return;
	buf_printf(s->out, "</%s>", r->as ? r->as : r->name);
}

static htmlDocPtr
parse(const char *s, size_t n)
{
	/* A fragment is parsed as the body of a document; the parser adds
	 * html and body, which the writers skip. */
	if (n > INT32_MAX)
		return NULL;
	return htmlReadMemory(s, (int)n, NULL, "UTF-8",
	    HTML_PARSE_NONET | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
		HTML_PARSE_COMPACT);
}

static void
sanitize_once(struct buf *out, const char *s, size_t n,
    struct html_drops *drops)
{
	struct san st = { out, drops };
	htmlDocPtr doc;

	if (n == 0 || (doc = parse(s, n)) == NULL)
		return;
	walk((xmlNode *)doc, san_open, san_close, &st);
	xmlFreeDoc(doc);
}

/* Two passes: the HTML parser repairs a document in ways that depend on
 * where text sits (a paragraph implied for text at the very start,
 * whitespace kept or dropped next to some elements), so what one pass
 * writes can be read a little differently by the next. Writing the
 * second reading makes the result a fixed point, which export and
 * re-import rely on (fuzz-wxr checks it). */
void
html_sanitize(struct buf *out, const char *s, size_t n,
    struct html_drops *drops)
{
	struct buf once = BUF_INIT;

	sanitize_once(&once, s, n, drops);
	sanitize_once(out, buf_str(&once), once.len, NULL);
	buf_free(&once);
}

struct plain {
	struct buf *out;
	bool	    space;
	/* html_text: breaks kept, 2 a line break, 3 a paragraph's */
	bool lines;
	int  brk;
};

static bool
plain_open(xmlNode *n, void *ctx)
{
	struct plain	     *p = ctx;
	const struct el_rule *r;
	const unsigned char  *c;

	if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
		for (c = n->content; c && *c; c++) {
			if (*c == ' ' || *c == '\n' || *c == '\t' ||
			    *c == '\r' || *c == '\f')
				p->space = true;
			else {
				if (p->lines && p->brk >= 2 && p->out->len > 0)
					buf_puts(p->out,
					    p->brk == 2 ? "\n" : "\n\n");
				else if (p->space && p->out->len > 0)
					buf_putc(p->out, ' ');
				p->space = false;
				p->brk = 0;
				buf_putc(p->out, *c);
			}
		}
		return false;
	}
	if (n->type != XML_ELEMENT_NODE)
		return false;
	r = rule_of((const char *)n->name);
	if (r && r->kind == EL_DROP)
		return false;
	/* Block boundaries separate words. */
	if (r && strcmp(r->name, "a") && strcmp(r->name, "em") &&
	    strcmp(r->name, "strong") && strcmp(r->name, "b") &&
	    strcmp(r->name, "i") && strcmp(r->name, "span") &&
	    strcmp(r->name, "code")) {
		p->space = true;
		if (p->lines) {
			if (strcmp(r->name, "br") == 0) {
				if (p->brk < 2)
					p->brk = 2;
			} else
				p->brk = 3;
		}
	}
	return true;
}

static void
plain_close(xmlNode *n, void *ctx)
{
	struct plain	     *p = ctx;
	const struct el_rule *r;

	/* What follows a block starts a paragraph of its own. */
	if (!p->lines || n->type != XML_ELEMENT_NODE ||
	    (r = rule_of((const char *)n->name)) == NULL ||
	    r->kind == EL_DROP || strcmp(r->name, "br") == 0)
		return;
	if (strcmp(r->name, "a") && strcmp(r->name, "em") &&
	    strcmp(r->name, "strong") && strcmp(r->name, "b") &&
	    strcmp(r->name, "i") && strcmp(r->name, "span") &&
	    strcmp(r->name, "code"))
		p->brk = 3;
}

void
html_plain(struct buf *out, const char *s, size_t n, size_t max)
{
	struct buf   all = BUF_INIT;
	struct plain p = { &all, false, false, 0 };
	htmlDocPtr   doc;

	if (n == 0 || (doc = parse(s, n)) == NULL)
		return;
	walk((xmlNode *)doc, plain_open, plain_close, &p);
	xmlFreeDoc(doc);
	/* Cut as Markdown's plain text is, so a summary ends alike
	 * whichever language the body is in. */
	md_plain_cut(out, buf_str(&all), all.len, max);
	buf_free(&all);
}

void
html_text(struct buf *out, const char *s, size_t n)
{
	struct plain p = { out, false, true, 0 };
	htmlDocPtr   doc;

	if (n == 0 || (doc = parse(s, n)) == NULL)
		return;
	walk((xmlNode *)doc, plain_open, plain_close, &p);
	xmlFreeDoc(doc);
}

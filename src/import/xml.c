/* xml.c: reading export files with libxml2, safely, and what the
 * WordPress and Blogger readers share. */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "import/import-int.h"
#include "render/body.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Finds a DOCTYPE in the prolog (before the root element). Exports never
 * carry one; a DOCTYPE is where entity bombs and external entities are
 * declared, so refusing it before libxml2 sees the document is the
 * cheapest sure defence. */
static bool
has_doctype(const char *s, size_t n)
{
	size_t	    i = 0;
	const char *e;

	if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0)
		i = 3;
	while (i < n) {
		if (is_space(s[i])) {
			i++;
			continue;
		}
		if (s[i] != '<' || i + 1 >= n)
			return false;
		if (s[i + 1] == '?') {
			e = memmem(s + i, n - i, "?>", 2);
		} else if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
			e = memmem(s + i, n - i, "-->", 3);
		} else if (n - i >= 9 &&
		    strncasecmp(s + i, "<!DOCTYPE", 9) == 0)
			return true;
		else
			return false; /* the root element */
		if (e == NULL)
			return false;
		i = (size_t)(e - s) + 2;
	}
	return false;
}

static void
quiet(void *ctx, const char *msg, ...)
{
	(void)ctx;
	(void)msg;
}

/* The first error is the one to show (libxml2 keeps the last, which for
 * a mismatched tag is "premature end of data" far below it). */
struct first_err {
	int  line;
	char msg[200];
	bool set;
};

static void
first_error(void *data, xmlErrorPtr e)
{
	xmlParserCtxtPtr  ctx = data;
	struct first_err *f = ctx ? ctx->_private : NULL;
	size_t		  k;

	if (f == NULL || f->set || e == NULL || e->level < XML_ERR_ERROR)
		return;
	f->set = true;
	f->line = e->line;
	snprintf(f->msg, sizeof(f->msg), "%s",
	    e->message ? e->message : "error");
	k = strlen(f->msg);
	while (k > 0 && is_space(f->msg[k - 1]))
		f->msg[--k] = '\0';
}

void *
imp_xml_read(const char *data, size_t n, struct buf *err)
{
	xmlParserCtxtPtr ctx = NULL;
	xmlDocPtr	 doc = NULL;
	struct first_err fe = { 0, "", false };

	if (n > IMP_MAX_XML) {
		buf_printf(err, "larger than %u MiB", IMP_MAX_XML >> 20);
		return NULL;
	}
	if (has_doctype(data, n)) {
		buf_printf(err,
		    "the XML has a DOCTYPE; refused, because "
		    "entity declarations (entity bombs, external entities) "
		    "are not accepted in an import");
		return NULL;
	}
	if ((ctx = xmlNewParserCtxt()) == NULL) {
		buf_printf(err, "out of memory");
		return NULL;
	}
	xmlSetGenericErrorFunc(NULL, quiet);
	ctx->_private = &fe;
	ctx->sax->serror = first_error;
	/* No XML_PARSE_NOENT (entities are not substituted), no DTDLOAD,
	 * DTDATTR or XINCLUDE, no HUGE: libxml2's default limits on text
	 * nodes and nesting stay on. */
	doc = xmlCtxtReadMemory(ctx, data, (int)n, NULL, NULL,
	    XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_NOERROR |
		XML_PARSE_NOWARNING | XML_PARSE_NOBLANKS);
	if (doc == NULL || !ctx->wellFormed) {
		if (fe.set)
			buf_printf(err, "%d: malformed XML: %s", fe.line,
			    fe.msg);
		else
			buf_printf(err, "malformed XML");
		goto fail;
	}
	if (doc->intSubset != NULL || doc->extSubset != NULL) {
		buf_printf(err, "the XML has a DOCTYPE; refused");
		goto fail;
	}
	xmlFreeParserCtxt(ctx);
	return doc;
fail:
	if (doc)
		xmlFreeDoc(doc);
	xmlFreeParserCtxt(ctx);
	return NULL;
}

void
imp_xml_init(void)
{
	xmlInitParser();
}

void
imp_xml_free(void *doc)
{
	if (doc)
		xmlFreeDoc(doc);
}

enum imp_kind
imp_xml_kind(void *vdoc)
{
	xmlNode *root = xmlDocGetRootElement(vdoc);

	if (root == NULL)
		return IMP_UNKNOWN;
	if (strcmp((const char *)root->name, "rss") == 0)
		return IMP_WXR;
	if (strcmp((const char *)root->name, "feed") == 0 && root->ns &&
	    strcmp((const char *)root->ns->href,
		"http://www.w3.org/2005/Atom") == 0)
		return IMP_BLOGGER;
	return IMP_UNKNOWN;
}

const char *
imp_text(struct arena *a, const void *node)
{
	xmlChar	   *c = xmlNodeGetContent(node);
	const char *s = arena_strdup(a, c ? (const char *)c : "");

	xmlFree(c);
	return s;
}

const char *
imp_one_line(struct arena *a, const char *s)
{
	struct buf  b = BUF_INIT;
	const char *out;
	bool	    sp = false;

	for (; *s; s++) {
		/* XML 1.0 lets DEL (and C1 controls) through, but no control
		 * character belongs in a title or a name (text_check refuses
		 * them): they fold to a space like the line breaks (found by
		 * fuzz-wxr). */
		if (is_space(*s) || (unsigned char)*s < 0x20 || *s == 0x7f) {
			sp = true;
			continue;
		}
		if (sp && b.len)
			buf_putc(&b, ' ');
		sp = false;
		buf_putc(&b, *s);
	}
	out = arena_strndup(a, buf_str(&b), b.len);
	buf_free(&b);
	return out;
}

const char *
imp_url_path(struct arena *a, const char *url, bool with_query)
{
	const char *p = url ? strstr(url, "://") : NULL, *h;

	if (p == NULL || (h = strchr(p + 3, '/')) == NULL || strlen(h) < 2 ||
	    strlen(h) > 1000 || strchr(h, '#') ||
	    (!with_query && strchr(h, '?')) ||
	    text_check(h, strlen(h), false) != NULL)
		return NULL;
	return arena_strdup(a, h);
}

void
imp_drop(struct imp_set *s, const char *fmt, ...)
{
	va_list ap;

	s->drops++;
	if (s->report == NULL)
		return;
	buf_printf(s->report, "dropped: %s: ", s->file);
	va_start(ap, fmt);
	buf_vprintf(s->report, fmt, ap);
	va_end(ap);
	buf_putc(s->report, '\n');
}

struct imp_post *
imp_post_new(struct imp_set *s)
{
	struct imp_post *grown;

	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		grown = arena_alloc(s->arena, s->cap * sizeof(*grown));
		if (s->n)
			memcpy(grown, s->posts, s->n * sizeof(*grown));
		s->posts = grown;
	}
	memset(&s->posts[s->n], 0, sizeof(s->posts[0]));
	return &s->posts[s->n++];
}

/* Sets p's body from what article_body made of src, or, when it could
 * make nothing (a body past its limits), an empty one, reported. */
static void
post_body(struct imp_set *s, struct imp_post *p, enum body_format f,
    const char *src, const char *summary, struct html_drops *d,
    const char *what)
{
	struct article_body body;

	p->art.format = f;
	if (!article_body(s->arena, f, src, strlen(src), summary, d, &body)) {
		imp_drop(s,
		    "%s: body: too large once rendered: imported "
		    "empty",
		    what);
		body.source = body.html = body.text = "";
		body.summary = summary ? summary : "";
	}
	p->art.body_md = body.source;
	p->art.body_html = body.html;
	p->art.body_text = body.text;
	p->art.summary = body.summary;
}

void
imp_post_body(struct imp_set *s, struct imp_post *p, const char *html,
    const char *excerpt, const char *what)
{
	struct html_drops d;
	struct buf	  b = BUF_INIT;
	const char	 *summary = NULL;

	memset(&d, 0, sizeof(d));
	if (excerpt && *excerpt) {
		html_plain(&b, excerpt, strlen(excerpt), 0);
		summary = arena_strndup(s->arena, buf_str(&b), b.len);
	}
	post_body(s, p, BODY_HTML, html, summary, &d, what);
	if (d.elements + d.attributes + d.urls > 0)
		imp_drop(s,
		    "%s: body: %s (%zu element%s, %zu attribute%s, "
		    "%zu URL%s removed by the HTML allow-list)",
		    what, d.first, d.elements, d.elements == 1 ? "" : "s",
		    d.attributes, d.attributes == 1 ? "" : "s", d.urls,
		    d.urls == 1 ? "" : "s");
	buf_free(&b);
}

void
imp_post_markdown(struct imp_set *s, struct imp_post *p, const char *md,
    const char *summary)
{
	post_body(s, p, BODY_MARKDOWN, md, summary, NULL,
	    arena_printf(s->arena, "%s '%s'", p->kind, p->art.title));
}

bool
imp_time_wp(const char *s, int64_t *out)
{
	char iso[32];

	if (strlen(s) != 19 || s[10] != ' ' ||
	    strncmp(s, "0000-00-00", 10) == 0)
		return false;
	memcpy(iso, s, 19);
	iso[10] = 'T';
	iso[19] = 'Z';
	iso[20] = '\0';
	return time_parse_rfc3339(iso, 20, out);
}

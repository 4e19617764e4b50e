/* markdown.c: Markdown to HTML and to plain text on md4c's parser callbacks. */
#include "render/markdown.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <md4c.h>

#include "render/esc.h"
#include "util/buf.h"
#include "util/str.h"
#include "util/xalloc.h"

#define REPLACEMENT "\xef\xbf\xbd"
#define ELLIPSIS    "\xe2\x80\xa6"

/* md4c's own renderer (md4c-html) is not used: it passes every URL through
 * and knows no policy. These flags are the whole dialect of each policy;
 * both include MD_FLAG_NOHTML so raw HTML arrives as text and is escaped. */
static const unsigned md_flags[MD_POLICY__MAX] = {
	[MD_ARTICLE] = MD_DIALECT_COMMONMARK | MD_FLAG_TABLES |
	    MD_FLAG_STRIKETHROUGH | MD_FLAG_PERMISSIVEURLAUTOLINKS |
	    MD_FLAG_NOHTML,
	[MD_COMMENT] = MD_DIALECT_COMMONMARK | MD_FLAG_STRIKETHROUGH |
	    MD_FLAG_PERMISSIVEURLAUTOLINKS | MD_FLAG_PERMISSIVEEMAILAUTOLINKS |
	    MD_FLAG_NOHTML,
};

/* Links cannot nest in CommonMark, but md4c still reports a permissive
 * autolink inside link text; such an inner link renders as text (nested
 * <a> is invalid HTML), and so does any link deeper than this. */
#define LINK_DEPTH 64

struct md_id {
	char	*s;    /* NULL: free slot */
	unsigned next; /* next suffix to try for this base */
};

/* The heading ids already given out in one document: an open-addressing
 * hash set, so a hostile article of many equal headings stays linear. */
struct md_ids {
	struct md_id *tab;
	size_t	      cap; /* power of two, or 0 */
	size_t	      n;
};

struct md_ctx {
	enum md_policy pol;
	struct buf    *out; /* the caller's buffer */
	struct buf    *o; /* where HTML goes now: out, or hhtml in a heading */
	struct buf     hhtml; /* article heading: its inner HTML */
	struct buf     htext; /* article heading: its plain text, for the id */
	int	       inhead;
	unsigned       hlevel;
	unsigned       img; /* image nesting: inside, only alt text is output */
	unsigned char  links[LINK_DEPTH]; /* did this <a> get emitted? */
	size_t	       nlinks;
	unsigned       ina; /* emitted <a> now open */
	struct md_ids  ids;
	struct buf     tmp; /* decoded attributes */
	/* md_plain only */
	int plain;
	/* md_render_text: the plain text as well, into this buffer */
	struct buf *ptext;
	size_t	    plainmax; /* stop collecting past this; 0: never */
	const char *in_beg;   /* the text md4c parses, for clamping */
	const char *in_end;
	int	    pspace; /* a space is owed before the next byte */
};

/* Decodes the entity s[0..n) ("&name;", "&#NNN;", "&#xHH;") into o, which
 * has room for 4 bytes; returns the length, or 0 for a named entity we do
 * not know, which the caller then shows as the text it is. A short table
 * is enough: authors type the common ones, and an unknown one displayed
 * literally is a visible, harmless mistake. */
static size_t
entity_decode(const char *s, size_t n, char *o)
{
	static const struct {
		const char *name;
		uint32_t    cp;
	} names[] = {
		{ "amp", '&' },
		{ "lt", '<' },
		{ "gt", '>' },
		{ "quot", '"' },
		{ "apos", '\'' },
		{ "nbsp", 0xa0 },
		{ "copy", 0xa9 },
		{ "reg", 0xae },
		{ "trade", 0x2122 },
		{ "mdash", 0x2014 },
		{ "ndash", 0x2013 },
		{ "hellip", 0x2026 },
		{ "laquo", 0xab },
		{ "raquo", 0xbb },
		{ "lsquo", 0x2018 },
		{ "rsquo", 0x2019 },
		{ "ldquo", 0x201c },
		{ "rdquo", 0x201d },
		{ "euro", 0x20ac },
		{ "times", 0xd7 },
		{ "deg", 0xb0 },
		{ "middot", 0xb7 },
		{ "bull", 0x2022 },
	};
	uint32_t cp = 0;
	size_t	 i;
	int	 d;

	if (n < 3 || s[0] != '&' || s[n - 1] != ';')
		return 0;
	s++;
	n -= 2;
	if (s[0] != '#') {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			if (strlen(names[i].name) == n &&
			    memcmp(names[i].name, s, n) == 0)
				return utf8_encode(names[i].cp, o);
		return 0;
	}
	if (n >= 2 && (s[1] == 'x' || s[1] == 'X')) {
		if (n == 2)
			return 0;
		for (i = 2; i < n; i++) {
			if (s[i] >= '0' && s[i] <= '9')
				d = s[i] - '0';
			else if (s[i] >= 'a' && s[i] <= 'f')
				d = s[i] - 'a' + 10;
			else if (s[i] >= 'A' && s[i] <= 'F')
				d = s[i] - 'A' + 10;
			else
				return 0;
			if (cp <= 0x10ffff)
				cp = cp * 16 + (uint32_t)d;
		}
	} else {
		if (n == 1)
			return 0;
		for (i = 1; i < n; i++) {
			if (s[i] < '0' || s[i] > '9')
				return 0;
			if (cp <= 0x10ffff)
				cp = cp * 10 + (uint32_t)(s[i] - '0');
		}
	}
	return utf8_encode(cp, o); /* 0, surrogates, too large: U+FFFD */
}

/* An md4c attribute (link href, title, code info) with its entities and
 * NUL characters resolved, into b. */
static void
attr_decode(struct buf *b, const MD_ATTRIBUTE *a)
{
	const char *s;
	size_t	    i, beg, end, k;
	char	    u[4];

	buf_reset(b);
	if (a->text == NULL || a->size == 0)
		return;
	for (i = 0; a->substr_offsets[i] < a->size; i++) {
		beg = a->substr_offsets[i];
		end = a->substr_offsets[i + 1];
		s = a->text + beg;
		switch (a->substr_types[i]) {
		case MD_TEXT_ENTITY:
			if ((k = entity_decode(s, end - beg, u)) > 0)
				buf_put(b, u, k);
			else
				buf_put(b, s, end - beg);
			break;
		case MD_TEXT_NULLCHAR:
			buf_puts(b, REPLACEMENT);
			break;
		default:
			buf_put(b, s, end - beg);
			break;
		}
	}
}

static uint64_t
fnv(const char *s, size_t n)
{
	uint64_t h = 14695981039346656037ULL;

	while (n--)
		h = (h ^ (unsigned char)*s++) * 1099511628211ULL;
	return h;
}

static struct md_id *
ids_find(struct md_ids *t, const char *s, size_t n, int add)
{
	struct md_id *old;
	size_t	      i, j, oldcap;

	if (add && (t->n + 1) * 2 > t->cap) {
		old = t->tab;
		oldcap = t->cap;
		t->cap = oldcap ? oldcap * 2 : 16;
		t->tab = xcalloc(t->cap, sizeof(*t->tab));
		for (j = 0; j < oldcap; j++) {
			if (old[j].s == NULL)
				continue;
			i = fnv(old[j].s, strlen(old[j].s)) & (t->cap - 1);
			while (t->tab[i].s != NULL)
				i = (i + 1) & (t->cap - 1);
			t->tab[i] = old[j];
		}
		free(old);
	}
	if (t->cap == 0)
		return NULL;
	i = fnv(s, n) & (t->cap - 1);
	while (t->tab[i].s != NULL) {
		if (strlen(t->tab[i].s) == n && memcmp(t->tab[i].s, s, n) == 0)
			return &t->tab[i];
		i = (i + 1) & (t->cap - 1);
	}
	if (!add)
		return NULL;
	t->tab[i].s = xstrndup(s, n);
	t->tab[i].next = 2;
	t->n++;
	return &t->tab[i];
}

static void
ids_free(struct md_ids *t)
{
	size_t i;

	for (i = 0; i < t->cap; i++)
		free(t->tab[i].s);
	free(t->tab);
	t->tab = NULL;
	t->cap = t->n = 0;
}

/* Appends to b the id for a heading whose plain text is s: its slug, or
 * "section", made unique in the document by a "-2", "-3" … suffix. */
static void
heading_id(struct md_ctx *c, struct buf *b, const char *s, size_t n)
{
	struct md_id *e;
	size_t	      base = b->len;
	unsigned      k;

	slugify(b, s, n);
	if (b->len == base)
		buf_puts(b, "section");
	n = b->len - base;
	if ((e = ids_find(&c->ids, b->p + base, n, 0)) == NULL) {
		ids_find(&c->ids, b->p + base, n, 1);
		return;
	}
	for (k = e->next;; k++) {
		buf_truncate(b, base + n);
		buf_printf(b, "-%u", k);
		if (ids_find(&c->ids, b->p + base, b->len - base, 0) == NULL)
			break;
	}
	e->next = k + 1; /* before the insert, which may move e */
	ids_find(&c->ids, b->p + base, b->len - base, 1);
}

/* Plain text, whitespace collapsed as it arrives, invalid UTF-8 replaced;
 * returns non-zero once enough is collected to know the cut, which makes
 * md4c stop parsing a long document early. */
static int
plain_put(struct md_ctx *c, struct buf *o, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		     i = 0, k = 1, run;
	uint32_t	     cp;

	while (i < n) {
		if (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' ||
		    p[i] == '\r' || p[i] == '\f' || p[i] == '\v') {
			c->pspace = 1;
			i++;
			continue;
		}
		if (c->pspace && o->len > 0)
			buf_putc(o, ' ');
		c->pspace = 0;
		/* A whole word at a time: this runs over every article body
		 * (summaries, the search index), so no per-byte appends. */
		for (run = i;
		     i < n && p[i] != ' ' && p[i] != '\t' && p[i] != '\n' &&
		     p[i] != '\r' && p[i] != '\f' && p[i] != '\v';
		     i += k)
			if (p[i] < 0x80)
				k = 1;
			else if ((k = utf8_decode(p + i, n - i, &cp)) == 0)
				break;
		buf_put(o, s + run, i - run);
		if (i < n && k == 0) {
			buf_puts(o, REPLACEMENT);
			i++;
		}
	}
	return c->plainmax && o->len > c->plainmax;
}

/* Text that is content (not markup): escaped into the current output,
 * and remembered as the heading's plain text when in a heading. */
static int
put_text(struct md_ctx *c, const char *s, size_t n)
{
	if (c->plain)
		return plain_put(c, c->o, s, n);
	if (c->ptext != NULL)
		(void)plain_put(c, c->ptext, s, n);
	if (c->img)
		esc_attr(c->o, s, n);
	else
		esc_html(c->o, s, n);
	if (c->inhead)
		buf_put(&c->htext, s, n);
	return 0;
}

static void
put_attr(struct buf *o, const char *name, const struct buf *v)
{
	buf_putc(o, ' ');
	buf_puts(o, name);
	buf_puts(o, "=\"");
	esc_attr(o, v->p, v->len);
	buf_putc(o, '"');
}

static int
enter_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
	static const char *const align[] = {
		[MD_ALIGN_LEFT] = "left",
		[MD_ALIGN_CENTER] = "center",
		[MD_ALIGN_RIGHT] = "right",
	};
	struct md_ctx	     *c = arg;
	struct buf	     *o = c->o;
	MD_BLOCK_OL_DETAIL   *ol;
	MD_BLOCK_CODE_DETAIL *code;
	MD_BLOCK_TD_DETAIL   *td;
	int		      art = c->pol == MD_ARTICLE;

	c->pspace = 1; /* plain text: blocks are separated by a space */
	if (c->plain)
		return 0;
	switch (type) {
	case MD_BLOCK_QUOTE:
		buf_puts(o, "<blockquote>\n");
		break;
	case MD_BLOCK_UL:
		buf_puts(o, "<ul>\n");
		break;
	case MD_BLOCK_OL:
		/* Comments allow no attribute but href and rel, so a list
		 * there always counts from 1. */
		ol = detail;
		if (art && ol->start != 1)
			buf_printf(o, "<ol start=\"%u\">\n", ol->start);
		else
			buf_puts(o, "<ol>\n");
		break;
	case MD_BLOCK_LI:
		buf_puts(o, "<li>");
		break;
	case MD_BLOCK_HR:
		if (art)
			buf_puts(o, "<hr>\n");
		break;
	case MD_BLOCK_H:
		if (!art) {
			buf_puts(o, "<p>");
			break;
		}
		/* The id comes from text not yet seen: the heading is built
		 * aside and written out whole when it ends. */
		c->hlevel = ((MD_BLOCK_H_DETAIL *)detail)->level;
		if (c->hlevel < 1 || c->hlevel > 6)
			c->hlevel = 6;
		c->inhead = 1;
		buf_reset(&c->hhtml);
		buf_reset(&c->htext);
		c->o = &c->hhtml;
		break;
	case MD_BLOCK_CODE:
		code = detail;
		buf_puts(o, "<pre><code");
		if (art) {
			attr_decode(&c->tmp, &code->lang);
			if (c->tmp.len > 0) {
				buf_puts(o, " class=\"language-");
				esc_attr(o, c->tmp.p, c->tmp.len);
				buf_putc(o, '"');
			}
		}
		buf_putc(o, '>');
		break;
	case MD_BLOCK_P:
		buf_puts(o, "<p>");
		break;
	case MD_BLOCK_TABLE:
		if (art)
			buf_puts(o, "<table>\n");
		break;
	case MD_BLOCK_THEAD:
		if (art)
			buf_puts(o, "<thead>\n");
		break;
	case MD_BLOCK_TBODY:
		if (art)
			buf_puts(o, "<tbody>\n");
		break;
	case MD_BLOCK_TR:
		if (art)
			buf_puts(o, "<tr>\n");
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		if (!art)
			break;
		td = detail;
		buf_puts(o, type == MD_BLOCK_TH ? "<th" : "<td");
		if (td->align >= MD_ALIGN_LEFT && td->align <= MD_ALIGN_RIGHT)
			buf_printf(o, " style=\"text-align:%s\"",
			    align[td->align]);
		buf_putc(o, '>');
		break;
	default: /* DOC; HTML cannot occur under MD_FLAG_NOHTML */
		break;
	}
	return 0;
}

static int
leave_block(MD_BLOCKTYPE type, void *detail, void *arg)
{
	struct md_ctx *c = arg;
	struct buf    *o = c->o;
	int	       art = c->pol == MD_ARTICLE;

	(void)detail;
	c->pspace = 1;
	if (c->plain)
		return 0;
	switch (type) {
	case MD_BLOCK_QUOTE:
		buf_puts(o, "</blockquote>\n");
		break;
	case MD_BLOCK_UL:
		buf_puts(o, "</ul>\n");
		break;
	case MD_BLOCK_OL:
		buf_puts(o, "</ol>\n");
		break;
	case MD_BLOCK_LI:
		buf_puts(o, "</li>\n");
		break;
	case MD_BLOCK_H:
		if (!art) {
			buf_puts(o, "</p>\n");
			break;
		}
		c->o = c->out;
		c->inhead = 0;
		buf_printf(c->out, "<h%u id=\"", c->hlevel);
		/* slugify output is [a-z0-9-] and needs no escaping, but
		 * every byte goes through esc_* all the same. */
		buf_reset(&c->tmp);
		heading_id(c, &c->tmp, c->htext.p, c->htext.len);
		esc_attr(c->out, c->tmp.p, c->tmp.len);
		buf_puts(c->out, "\">");
		buf_put(c->out, c->hhtml.p, c->hhtml.len);
		buf_printf(c->out, "</h%u>\n", c->hlevel);
		break;
	case MD_BLOCK_CODE:
		buf_puts(o, "</code></pre>\n");
		break;
	case MD_BLOCK_P:
		buf_puts(o, "</p>\n");
		break;
	case MD_BLOCK_TABLE:
		if (art)
			buf_puts(o, "</table>\n");
		break;
	case MD_BLOCK_THEAD:
		if (art)
			buf_puts(o, "</thead>\n");
		break;
	case MD_BLOCK_TBODY:
		if (art)
			buf_puts(o, "</tbody>\n");
		break;
	case MD_BLOCK_TR:
		if (art)
			buf_puts(o, "</tr>\n");
		break;
	case MD_BLOCK_TH:
		if (art)
			buf_puts(o, "</th>\n");
		break;
	case MD_BLOCK_TD:
		if (art)
			buf_puts(o, "</td>\n");
		break;
	default:
		break;
	}
	return 0;
}

/* Which link targets a comment may have: absolute http(s) URLs with a
 * host, and mailto. Relative and protocol-relative URLs are refused too:
 * a comment has no business pointing into the site's own admin pages, and
 * the check stays a prefix test that cannot be confused. */
static bool
comment_href_ok(const char *s, size_t n)
{
	size_t i;

	/* "mailto:javascript:…" or "http://x/?javascript:…" does no harm
	 * in href, but no script scheme name appears in a comment's tags at
	 * all, so a filter downstream never has to think about it. */
	for (i = 0; i + 7 <= n; i++)
		if (strncasecmp(s + i, "script:", 7) == 0)
			return false;
	if (url_is_http(s, n))
		return true;
	return n > 7 && strncasecmp(s, "mailto:", 7) == 0 &&
	    url_scheme_allowed(s, n);
}

static void
link_enter(struct md_ctx *c, const MD_SPAN_A_DETAIL *a)
{
	struct buf *o = c->o;
	int	    emit;

	attr_decode(&c->tmp, &a->href);
	emit = c->img == 0 && c->ina == 0 && c->nlinks < LINK_DEPTH;
	if (emit && c->pol == MD_COMMENT)
		emit = comment_href_ok(c->tmp.p, c->tmp.len);
	if (c->nlinks < LINK_DEPTH)
		c->links[c->nlinks] = (unsigned char)emit;
	c->nlinks++;
	if (!emit)
		return;
	c->ina++;
	buf_puts(o, "<a href=\"");
	esc_url(o, c->tmp.p, c->tmp.len);
	buf_putc(o, '"');
	if (c->pol == MD_COMMENT) {
		/* No title on comment links: one attribute less for a
		 * hostile writer to play with. */
		buf_puts(o, " rel=\"nofollow ugc noopener\">");
		return;
	}
	attr_decode(&c->tmp, &a->title);
	if (c->tmp.len > 0)
		put_attr(o, "title", &c->tmp);
	buf_putc(o, '>');
}

static void
link_leave(struct md_ctx *c)
{
	if (c->nlinks == 0)
		return;
	c->nlinks--;
	if (c->nlinks < LINK_DEPTH && c->links[c->nlinks]) {
		c->ina--;
		buf_puts(c->o, "</a>");
	}
}

static int
enter_span(MD_SPANTYPE type, void *detail, void *arg)
{
	struct md_ctx	   *c = arg;
	struct buf	   *o = c->o;
	MD_SPAN_IMG_DETAIL *im;

	if (c->plain)
		return 0;
	if (type == MD_SPAN_A) {
		link_enter(c, detail);
		return 0;
	}
	if (type == MD_SPAN_IMG) {
		/* Comments show an image as its alt text; an article opens
		 * <img> and lets the alt text flow into its attribute. */
		if (c->img++ == 0 && c->pol == MD_ARTICLE) {
			im = detail;
			attr_decode(&c->tmp, &im->src);
			buf_puts(o, "<img src=\"");
			esc_url(o, c->tmp.p, c->tmp.len);
			buf_puts(o, "\" alt=\"");
		}
		return 0;
	}
	if (c->img)
		return 0; /* alt text is plain */
	switch (type) {
	case MD_SPAN_EM:
		buf_puts(o, "<em>");
		break;
	case MD_SPAN_STRONG:
		buf_puts(o, "<strong>");
		break;
	case MD_SPAN_CODE:
		buf_puts(o, "<code>");
		break;
	case MD_SPAN_DEL:
		buf_puts(o, "<del>");
		break;
	default: /* extensions we do not enable */
		break;
	}
	return 0;
}

static int
leave_span(MD_SPANTYPE type, void *detail, void *arg)
{
	struct md_ctx	   *c = arg;
	struct buf	   *o = c->o;
	MD_SPAN_IMG_DETAIL *im;

	if (c->plain)
		return 0;
	if (type == MD_SPAN_A) {
		link_leave(c);
		return 0;
	}
	if (type == MD_SPAN_IMG) {
		if (--c->img == 0 && c->pol == MD_ARTICLE) {
			buf_putc(o, '"');
			im = detail;
			attr_decode(&c->tmp, &im->title);
			if (c->tmp.len > 0)
				put_attr(o, "title", &c->tmp);
			buf_putc(o, '>');
		}
		return 0;
	}
	if (c->img)
		return 0;
	switch (type) {
	case MD_SPAN_EM:
		buf_puts(o, "</em>");
		break;
	case MD_SPAN_STRONG:
		buf_puts(o, "</strong>");
		break;
	case MD_SPAN_CODE:
		buf_puts(o, "</code>");
		break;
	case MD_SPAN_DEL:
		buf_puts(o, "</del>");
		break;
	default:
		break;
	}
	return 0;
}

static int
text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *arg)
{
	struct md_ctx *c = arg;
	char	       u[4];
	size_t	       k;

	if (s >= c->in_beg && s <= c->in_end && n > (MD_SIZE)(c->in_end - s))
		n = (MD_SIZE)(c->in_end - s);
	switch (type) {
	case MD_TEXT_NULLCHAR:
		return put_text(c, REPLACEMENT, sizeof(REPLACEMENT) - 1);
	case MD_TEXT_BR:
		if (c->plain || c->img)
			return put_text(c, " ", 1);
		if (c->ptext != NULL)
			(void)plain_put(c, c->ptext, " ", 1);
		buf_puts(c->o, "<br>\n");
		if (c->inhead)
			buf_putc(&c->htext, ' ');
		return 0;
	case MD_TEXT_SOFTBR:
		return put_text(c, c->img ? " " : "\n", 1);
	case MD_TEXT_ENTITY:
		if ((k = entity_decode(s, n, u)) > 0)
			return put_text(c, u, k);
		return put_text(c, s, n); /* "&amp;name;" once escaped */
	default:
		/* NORMAL, CODE, and HTML and LATEXMATH, which our flags keep
		 * from happening: all of it is text to escape. */
		return put_text(c, s, n);
	}
}

static void
ctx_init(struct md_ctx *c, struct buf *out, enum md_policy pol)
{
	memset(c, 0, sizeof(*c));
	c->pol = pol;
	c->out = c->o = out;
	buf_init(&c->hhtml, 0);
	buf_init(&c->htext, 0);
	buf_init(&c->tmp, 0);
}

static void
ctx_free(struct md_ctx *c)
{
	buf_free(&c->hhtml);
	buf_free(&c->htext);
	buf_free(&c->tmp);
	ids_free(&c->ids);
}

/* md4c 0.4.8 can read a byte past the end of its input and hand that
 * range to the text callback (found by fuzzing, with NUL bytes in the
 * input). So md4c parses our own copy: NULs already replaced by U+FFFD as
 * CommonMark prescribes, followed by zero padding it may over-read, and
 * text() clamps every range to the real input. */
static int
parse(struct md_ctx *c, const char *s, size_t n)
{
	struct buf  in = BUF_INIT;
	const char *nul;
	MD_PARSER   p;
	int	    rc;

	while (n > 0 && (nul = memchr(s, '\0', n)) != NULL) {
		buf_put(&in, s, (size_t)(nul - s));
		buf_puts(&in, REPLACEMENT);
		n -= (size_t)(nul - s) + 1;
		s = nul + 1;
	}
	buf_put(&in, s, n);
	n = in.len;
	buf_put(&in, "\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 16);
	c->in_beg = in.p;
	c->in_end = in.p + n;
	memset(&p, 0, sizeof(p));
	p.flags = md_flags[c->pol];
	p.enter_block = enter_block;
	p.leave_block = leave_block;
	p.enter_span = enter_span;
	p.leave_span = leave_span;
	p.text = text;
	rc = md_parse(in.p, (MD_SIZE)n, &p, c);
	buf_free(&in);
	return rc;
}

/* HTML into out under pol, and the plain text into text when not NULL. */
static bool
render(struct buf *out, struct buf *text, const char *s, size_t n,
    enum md_policy pol)
{
	struct md_ctx c;
	bool	      ok;

	if ((unsigned)pol >= MD_POLICY__MAX || n > UINT_MAX)
		return false;
	ctx_init(&c, out, pol);
	c.ptext = text;
	ok = parse(&c, s, n) == 0;
	ctx_free(&c);
	return ok;
}

bool
md_render(struct buf *out, const char *s, size_t n, enum md_policy pol)
{
	return render(out, NULL, s, n, pol);
}

bool
md_render_text(struct buf *html, struct buf *text, const char *s, size_t n)
{
	return render(html, text, s, n, MD_ARTICLE);
}

void
md_plain(struct buf *out, const char *s, size_t n, size_t max)
{
	struct buf    t;
	struct md_ctx c;

	if (n > UINT_MAX)
		n = UINT_MAX; /* a summary needs only the start */
	buf_init(&t, 0);
	ctx_init(&c, &t, MD_ARTICLE);
	c.plain = 1;
	c.plainmax = max;
	(void)parse(&c, s, n); /* a stop on plainmax is not a failure */
	ctx_free(&c);
	/* Past max, what was collected is the start of the whole text
	 * (output only ever grows), and the cut reads no further than max. */
	md_plain_cut(out, t.p, t.len, max);
	buf_free(&t);
}

void
md_plain_cut(struct buf *out, const char *t, size_t len, size_t max)
{
	size_t cut, i;

	if (max == 0 || len <= max) {
		buf_put(out, t, len);
		return;
	}
	/* Cut so that text and ellipsis together fit in max bytes: at a
	 * code point boundary, and at the last space when there is one in
	 * the second half, so the summary does not end in half a word. */
	cut = max >= 3 ? max - 3 : 0;
	while (cut > 0 && ((unsigned char)t[cut] & 0xc0) == 0x80)
		cut--;
	if (t[cut] != ' ') {
		for (i = cut; i > 0 && t[i - 1] != ' '; i--)
			;
		if (i > 0 && i - 1 >= cut / 2)
			cut = i - 1;
	}
	while (cut > 0 && t[cut - 1] == ' ')
		cut--;
	buf_put(out, t, cut);
	if (max >= 3)
		buf_puts(out, ELLIPSIS);
}

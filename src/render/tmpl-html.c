/* tmpl-html.c: the HTML context tracker behind template escaping. */
#include "render/tmpl-int.h"

#include <string.h>
#include <strings.h>

static const char
    *const elnames[HE__MAX] = { NULL, "script", "style", "title", "textarea" };

/* Attributes whose value is a URL; data-* and the like are plain. */
static const char *const urlattrs[] = {
	"href",
	"src",
	"action",
	"formaction",
	"cite",
	"poster",
	"xlink:href",
	"background",
	"longdesc",
	"manifest",
	"ping",
	"codebase",
	"icon",
};

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool
isws(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

static bool
isalpha_(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

void
hctx_init(struct hctx *h)
{
	memset(h, 0, sizeof(*h));
	h->st = HS_DATA;
}

/* Names longer than the buffer keep counting, so "scriptxxxxxxxxxxxxx"
 * never matches "script" after truncation. */
static void
name_start(struct hctx *h, int c)
{
	h->namelen = 0;
	h->name[h->namelen++] = (char)lower(c);
}

static void
name_add(struct hctx *h, int c)
{
	if (h->namelen < sizeof(h->name))
		h->name[h->namelen] = (char)lower(c);
	if (h->namelen <= sizeof(h->name))
		h->namelen++;
}

static bool
name_is(const struct hctx *h, const char *s)
{
	size_t n = strlen(s);

	return h->namelen == n && memcmp(h->name, s, n) == 0;
}

/* The tag name is complete. */
static void
tag_named(struct hctx *h)
{
	int e;

	h->el = HE_OTHER;
	for (e = HE_OTHER + 1; e < HE__MAX; e++)
		if (name_is(h, elnames[e]))
			h->el = (enum helem)e;
	h->json = false;
	h->typeseen = false;
	h->ambig = 0;
}

static void
tag_end(struct hctx *h)
{
	h->at = HA_PLAIN;
	h->ambig = 0;
	if (h->endtag || h->el == HE_OTHER)
		h->st = HS_DATA;
	else if (h->el == HE_SCRIPT || h->el == HE_STYLE)
		h->st = HS_RAWTEXT;
	else
		h->st = HS_RCDATA;
	if (h->el != HE_SCRIPT || h->endtag)
		h->json = false;
}

/* '=' after an attribute name: classify the attribute by its name. */
static void
value_begin(struct hctx *h)
{
	size_t i;

	h->st = HS_BEFORE_VALUE;
	h->at = HA_PLAIN;
	h->urlstart = true;
	h->typelen = 0;
	if (h->namelen >= 2 && h->name[0] == 'o' && h->name[1] == 'n')
		h->at = HA_UNSAFE;
	else if (name_is(h, "style") || name_is(h, "srcdoc"))
		h->at = HA_UNSAFE;
	else if (name_is(h, "srcset"))
		h->at = HA_SRCSET;
	else if (name_is(h, "type") && h->el == HE_SCRIPT && !h->endtag) {
		/* Browsers take the first type attribute, we the last: a
		 * second one makes the script plain JavaScript to us. */
		h->at = HA_TYPE;
		h->typebad = h->typeseen;
		h->typeseen = true;
	} else
		for (i = 0; i < sizeof(urlattrs) / sizeof(urlattrs[0]); i++)
			if (name_is(h, urlattrs[i]))
				h->at = HA_URL;
}

static void
value_char(struct hctx *h, int c)
{
	switch (h->at) {
	case HA_URL:
		if (!isws(c))
			h->urlstart = false;
		break;
	case HA_SRCSET:
		if (c == ',')
			h->urlstart = true;
		else if (!isws(c))
			h->urlstart = false;
		break;
	case HA_TYPE:
		if (h->typelen < sizeof(h->type))
			h->type[h->typelen++] = (char)lower(c);
		else
			h->typebad = true;
		break;
	default:
		break;
	}
}

static void
value_end(struct hctx *h)
{
	static const char ldjson[] = "application/ld+json";
	size_t		  a = 0, b = h->typelen;

	if (h->at == HA_TYPE) {
		while (a < b && isws(h->type[a]))
			a++;
		while (b > a && isws(h->type[b - 1]))
			b--;
		h->json = !h->typebad && b - a == sizeof(ldjson) - 1 &&
		    memcmp(h->type + a, ldjson, b - a) == 0;
	}
	h->at = HA_PLAIN;
	h->st = HS_BEFORE_ATTR;
}

/* At '<' in raw text or RCDATA: length of a matching "</name" end tag
 * (followed by a delimiter or the end of s), 0 for none, -1 when s ends
 * inside what could be one. */
static long
endtag_match(const struct hctx *h, const char *s, size_t n)
{
	const char *name = elnames[h->el];
	size_t	    len = strlen(name), m;

	if (n < 2 || s[1] != '/')
		return n < 2 ? -1 : 0;
	m = n - 2 < len ? n - 2 : len;
	if (strncasecmp(s + 2, name, m) != 0)
		return 0;
	if (n - 2 < len)
		return -1;
	if (n - 2 == len || isws(s[2 + len]) || s[2 + len] == '/' ||
	    s[2 + len] == '>')
		return (long)(2 + len);
	return 0;
}

const char *
hctx_feed(struct hctx *h, const char *s, size_t n, bool more, size_t *off)
{
	size_t i;
	long   k;
	int    c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		switch (h->st) {
		case HS_DATA:
			if (c == '<')
				h->st = HS_TAG_OPEN;
			break;
		case HS_RCDATA:
		case HS_RAWTEXT:
			if (c != '<')
				break;
			/* "<!--" in a script starts the escaped states, in
			 * which "</script>" may not end it: stay out. */
			if (h->el == HE_SCRIPT && n - i >= 4 &&
			    memcmp(s + i, "<!--", 4) == 0) {
				*off = i;
				return "'<!--' inside <script>";
			}
			k = endtag_match(h, s + i, n - i);
			if (k < 0 && more) {
				*off = i;
				return "template tag inside an end tag";
			}
			if (k > 0) {
				h->endtag = true;
				h->namelen = 0;
				for (c = 2; c < k; c++)
					name_add(h, s[i + (size_t)c]);
				h->st = HS_TAG_NAME;
				i += (size_t)k - 1;
			}
			break;
		case HS_TAG_OPEN:
			if (isalpha_(c)) {
				h->endtag = false;
				name_start(h, c);
				h->st = HS_TAG_NAME;
			} else if (c == '/')
				h->st = HS_END_TAG_OPEN;
			else if (c == '!')
				h->st = HS_MARKUP;
			else if (c == '?')
				h->st = HS_BOGUS;
			else {
				h->st = HS_DATA;
				i--; /* "<<", "< ": look at it again as text */
			}
			break;
		case HS_END_TAG_OPEN:
			if (isalpha_(c)) {
				h->endtag = true;
				name_start(h, c);
				h->st = HS_TAG_NAME;
			} else
				h->st = c == '>' ? HS_DATA : HS_BOGUS;
			break;
		case HS_MARKUP:
			h->st = c == '-' ?
			    HS_MARKUP_DASH :
			    c == '>' ?
			    HS_DATA :
			    HS_BOGUS;
			break;
		case HS_MARKUP_DASH:
			h->st = c == '-' ?
			    HS_COMMENT :
			    c == '>' ?
			    HS_DATA :
			    HS_BOGUS;
			h->dashes = 0;
			break;
		case HS_COMMENT:
			/* "--!>" and "<!-->" also end comments in browsers;
			 * missing them only keeps us in the comment, where
			 * values are refused. */
			if (c == '-')
				h->dashes++;
			else if (c == '>' && h->dashes >= 2)
				h->st = HS_DATA;
			else
				h->dashes = 0;
			break;
		case HS_BOGUS:
			if (c == '>')
				h->st = HS_DATA;
			break;
		case HS_TAG_NAME:
			if (isws(c) || c == '/') {
				tag_named(h);
				h->st = HS_BEFORE_ATTR;
			} else if (c == '>') {
				tag_named(h);
				tag_end(h);
			} else
				name_add(h, c);
			break;
		case HS_BEFORE_ATTR:
			if (c == '>')
				tag_end(h);
			else if (!isws(c) && c != '/') {
				name_start(h, c);
				h->st = HS_ATTR_NAME;
			}
			break;
		case HS_ATTR_NAME:
			if (isws(c))
				h->st = HS_AFTER_ATTR_NAME;
			else if (c == '/')
				h->st = HS_BEFORE_ATTR;
			else if (c == '>')
				tag_end(h);
			else if (c == '=')
				value_begin(h);
			else
				name_add(h, c);
			break;
		case HS_AFTER_ATTR_NAME:
			if (isws(c)) {
				if (h->ambig == 1)
					h->ambig = 2;
			} else if (c == '/') {
				h->ambig = 0;
				h->st = HS_BEFORE_ATTR;
			} else if (c == '>')
				tag_end(h);
			else if (c == '=') {
				if (h->ambig) {
					*off = i;
					return "'=' after a section that may "
					       "leave no attribute name before it";
				}
				value_begin(h);
			} else {
				if (h->ambig == 1) {
					*off = i;
					return "attribute name runs on from "
					       "a section";
				}
				h->ambig = 0;
				name_start(h, c);
				h->st = HS_ATTR_NAME;
			}
			break;
		case HS_BEFORE_VALUE:
			if (c == '"')
				h->st = HS_DQ;
			else if (c == '\'')
				h->st = HS_SQ;
			else if (c == '>') {
				value_end(h);
				tag_end(h);
			} else if (!isws(c)) {
				h->st = HS_UNQ;
				value_char(h, c);
			}
			break;
		case HS_DQ:
		case HS_SQ:
			if (c == (h->st == HS_DQ ? '"' : '\''))
				value_end(h);
			else
				value_char(h, c);
			break;
		case HS_UNQ:
			if (isws(c))
				value_end(h);
			else if (c == '>') {
				value_end(h);
				tag_end(h);
			} else
				value_char(h, c);
			break;
		case HS__MAX:
			break;
		}
	}
	return NULL;
}

const char *
hctx_where(const struct hctx *h)
{
	switch (h->st) {
	case HS_DATA:
		return "HTML text";
	case HS_RCDATA:
		return h->el == HE_TITLE ? "<title>" : "<textarea>";
	case HS_RAWTEXT:
		if (h->el == HE_STYLE)
			return "<style>";
		return h->json ?
		    "<script type=\"application/ld+json\">" :
		    "<script>";
	case HS_TAG_OPEN:
	case HS_END_TAG_OPEN:
	case HS_TAG_NAME:
		return "a tag name";
	case HS_BEFORE_ATTR:
	case HS_AFTER_ATTR_NAME:
		return "a tag, between attributes";
	case HS_ATTR_NAME:
		return "an attribute name";
	case HS_BEFORE_VALUE:
	case HS_UNQ:
		return "an unquoted attribute value";
	case HS_DQ:
	case HS_SQ:
		switch (h->at) {
		case HA_URL:
		case HA_SRCSET:
			return "a URL attribute value";
		case HA_UNSAFE:
			return "an event handler, style or srcdoc attribute";
		default:
			return "an attribute value";
		}
	case HS_MARKUP:
	case HS_MARKUP_DASH:
	case HS_COMMENT:
	case HS_BOGUS:
	case HS__MAX:
		break;
	}
	return "an HTML comment";
}

const char *
hctx_var(struct hctx *h, enum tctx *tc)
{
	switch (h->st) {
	case HS_DATA:
		*tc = TC_HTML;
		return NULL;
	case HS_RCDATA:
		*tc = TC_RCDATA;
		return NULL;
	case HS_RAWTEXT:
		if (h->el == HE_SCRIPT && h->json) {
			*tc = TC_JSON;
			return NULL;
		}
		break;
	case HS_DQ:
	case HS_SQ:
		switch (h->at) {
		case HA_URL:
		case HA_SRCSET:
			*tc = h->urlstart ? TC_URL : TC_URL_ARG;
			h->urlstart = false;
			return NULL;
		case HA_UNSAFE:
			break;
		case HA_TYPE:
			h->typebad = true;
			*tc = TC_ATTR;
			return NULL;
		default:
			*tc = TC_ATTR;
			return NULL;
		}
		break;
	case HS_BEFORE_ATTR:
	case HS_AFTER_ATTR_NAME:
		return "a tag, between attributes (a section may add a "
		       "boolean attribute)";
	default:
		break;
	}
	return hctx_where(h);
}

static bool
between(enum hstate st)
{
	return st == HS_BEFORE_ATTR || st == HS_AFTER_ATTR_NAME ||
	    st == HS_ATTR_NAME;
}

const char *
hctx_sect_open(struct hctx *h)
{
	switch (h->st) {
	case HS_DATA:
	case HS_RCDATA:
	case HS_RAWTEXT:
	case HS_BEFORE_ATTR:
	case HS_AFTER_ATTR_NAME:
		return NULL;
	case HS_DQ:
	case HS_SQ:
		if (h->at == HA_TYPE)
			h->typebad = true;
		return NULL;
	default:
		return hctx_where(h);
	}
}

/* A section's body may or may not be rendered, so what follows the section
 * must be read the same way after either. Most states must simply be equal.
 * Inside a tag the section may add attributes ("{{#x}} checked{{/x}}"),
 * which ends in an attribute name: what follows is then safe only if it
 * does not go on with that name or give it a value, which ambig enforces
 * (1: no '=' and no name character next, 2: no '=' even after spaces). */
const char *
hctx_sect_close(struct hctx *h, const struct hctx *begin)
{
	const char *why = "ends in a different HTML context than it began";

	switch (h->st) {
	case HS_DATA:
	case HS_RCDATA:
	case HS_RAWTEXT:
	case HS_BEFORE_ATTR:
	case HS_AFTER_ATTR_NAME:
	case HS_ATTR_NAME:
		break;
	case HS_DQ:
	case HS_SQ:
		if (h->at == HA_TYPE)
			h->typebad = true;
		break;
	default:
		return why;
	}
	if (h->el != begin->el || h->json != begin->json ||
	    h->endtag != begin->endtag)
		return h->st == HS_DATA && begin->st == HS_DATA ? NULL : why;
	if (between(h->st) && between(begin->st)) {
		if (h->st == HS_BEFORE_ATTR && begin->st == HS_BEFORE_ATTR)
			return NULL;
		h->ambig = h->st == HS_ATTR_NAME || h->ambig == 1 ||
			begin->ambig == 1 ?
		    1 :
		    2;
		h->st = HS_AFTER_ATTR_NAME;
		return NULL;
	}
	if (h->st != begin->st)
		return why;
	if (h->st == HS_DQ || h->st == HS_SQ) {
		if (h->at != begin->at)
			return why;
		/* Not at the start after either way: esc_url_arg output has
		 * no ':' so it can never make a scheme; that is safe even if
		 * the value turns out empty before it. */
		h->urlstart = h->urlstart && begin->urlstart;
		if (begin->typebad)
			h->typebad = true;
	}
	return NULL;
}

const char *
hctx_partial(const struct hctx *h)
{
	return h->st == HS_DATA ? NULL : hctx_where(h);
}

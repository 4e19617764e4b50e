/* body.h: an article's body, from its source to what is stored and shown.
 *
 * One owner for "body -> HTML, search text, summary": the JSON API, every
 * importer, the admin editor (its preview too) and revision restore call
 * article_body(), so a body comes out the same whichever door it came in
 * by. A body's format says which language its source is in, and only that
 * language's reader ever sees it: an HTML body never goes through
 * Markdown (which would show its tags as text), a Markdown body never
 * through the HTML allow-list, and the search text never holds markup.
 * The store keeps what this makes and never renders (store/store.h). */
#ifndef GAZETTE_BODY_H
#define GAZETTE_BODY_H

#include <stdbool.h>
#include <stddef.h>

#include "util/body-format.h"

struct arena;
struct buf;

/* The summary made when none is given: the start of the body's plain
 * text, cut at a word to at most this many bytes with its ellipsis. */
#define SUMMARY_AUTO 280

struct html_drops;

/* What a body is once made; strings in the arena given to article_body. */
struct article_body {
	/* What to store as the source: Markdown as given; HTML as the
	 * allow-list wrote it (a fixed point: making it again changes
	 * nothing, so a save of an unchanged body is a no-op). */
	const char *source;
	const char *html; /* what readers see */
	const char *text; /* plain text, for search: no markup */
	/* The summary given, or when that is NULL or "", SUMMARY_AUTO
	 * bytes of text (md_plain_cut). */
	const char *summary;
};

/* Makes a body of format from src[0..n) (valid UTF-8; callers check).
 * HTML goes through html_sanitize (what it dropped counted in drops,
 * which may be NULL). false, with out untouched, when the body cannot be
 * made: md4c failed, or the HTML or text would pass 8 times the source
 * (at least 8 MiB), as a few bytes of reference links can make of
 * Markdown. Hostile input is otherwise made, never refused. */
bool article_body(struct arena *, enum body_format, const char *src, size_t n,
    const char *summary, struct html_drops *drops, struct article_body *out);
/* Appends the search text alone of a body (what article_body puts in
 * text): for the store's backfill (store_on_body_text). Appends nothing
 * for a body article_body would refuse. */
void article_body_text(struct buf *out, enum body_format, const char *src,
    size_t n);

/* sanitize.c: HTML from other systems (WordPress, Blogger, the API with
 * body_format "html") through one allow-list.
 *
 * Only these elements survive: p br h2-h6 (h1 becomes h2: the page has
 * its one h1) blockquote ul ol li a em strong b i u s del sub sup code pre
 * img figure figcaption table thead tbody tfoot tr th td hr span div
 * cite. Only
 * these attributes: href on a (http, https, mailto or relative, through
 * esc_url), src alt width height on img (src http, https or relative),
 * title on any, colspan rowspan on cells. script, style, iframe, object,
 * embed, form, template, svg, math and the like are dropped with their
 * content; other unknown elements are unwrapped (their text kept). Text
 * and attribute values go through esc_html / esc_attr.
 *
 * The output is a fixed point: sanitising it again gives the same bytes,
 * which is what makes an export and re-import lossless. */

/* Why something was dropped, reported by --dry-run. */
struct html_drops {
	size_t elements;   /* dangerous elements removed with content */
	size_t attributes; /* attributes outside the allow-list */
	size_t urls;	   /* href/src with a refused scheme */
	char   first[128]; /* the first drop, "script element" … */
};

/* Appends the sanitised form of the HTML fragment s[0..n) (UTF-8) to out;
 * drops may be NULL. Never fails on any input; out may hit its cap. */
void html_sanitize(struct buf *out, const char *s, size_t n,
    struct html_drops *drops);
/* Appends the plain text of an HTML fragment, whitespace collapsed, cut
 * as md_plain_cut cuts at max bytes (0: no limit). Not escaped. */
void html_plain(struct buf *out, const char *s, size_t n, size_t max);
/* Appends the text of an HTML fragment as plain text that keeps its
 * shape: blocks (paragraphs, list items, quotes) apart by a blank line,
 * <br> as a line break, other whitespace runs folded. Not escaped. */
void html_text(struct buf *out, const char *s, size_t n);

#endif

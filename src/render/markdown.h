/* markdown.h: Markdown to HTML through md4c, under a policy.
 *
 * Two policies exist because two kinds of people write: authors write
 * articles (CommonMark plus tables and strikethrough, headings with stable
 * ids, images), readers write comments (emphasis, code, links, quotes and
 * lists only). Both escape raw HTML as text (MD_FLAG_NOHTML) and both filter
 * link URLs through esc_url (http, https, mailto, relative). Every byte of
 * output goes through render/esc.h. */
#ifndef GAZETTE_MARKDOWN_H
#define GAZETTE_MARKDOWN_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

enum md_policy {
	MD_ARTICLE, /* full CommonMark + tables, strikethrough, heading ids */
	MD_COMMENT, /* emphasis, code, links, quotes, lists; headings and
			 * images as plain text; links rel="nofollow ugc noopener" */
	MD_POLICY__MAX
};

/* Appends the HTML for s[0..n) to out. Returns false only if md4c itself
 * failed or n is past what md4c can address (UINT_MAX); out may then hold a
 * partial rendering and must be discarded. Hostile input is rendered, never
 * refused. Callers check buf_err(out) for the buffer's cap as usual.
 *
 * MD_ARTICLE: <h1>..<h6> carry id="slug" (slugify() of the heading's plain
 * text, "section" when nothing survives, "-2", "-3" … appended to repeats
 * within the document); code blocks get class="language-X" from the first
 * word of the info string; tables align with style="text-align:…"; links
 * and image sources go through esc_url (refused schemes become "#").
 *
 * MD_COMMENT: the output holds only the elements p br em strong del code pre
 * blockquote ul ol li a, and no attribute but href and rel on <a>:
 *  - a link whose URL is not absolute http:// or https:// with a host, or
 *    mailto:, renders as its text alone (relative and protocol-relative
 *    URLs included); the others get rel="nofollow ugc noopener" and no
 *    title;
 *  - headings render as <p> with the heading's text (the '#' marks are
 *    not restored); images as their alt text; hr as nothing; ordered
 *    lists without a start attribute; code blocks without a class;
 *  - tables are not parsed: their source stays text. */
bool md_render(struct buf *out, const char *s, size_t n, enum md_policy);
/* Appends the plain text of s (no markup: link text, image alt text and
 * code included), whitespace collapsed to single spaces and trimmed,
 * invalid UTF-8 replaced by U+FFFD: for summaries and meta descriptions.
 * The result is NOT escaped; it is text for the template engine to escape
 * where it lands. When the text is longer than max bytes it is cut so that
 * text plus "…" fit in max (at a code point boundary, at a space when
 * one lies in the second half); max 0 means no limit, max < 3 yields ""
 * for text that does not fit. Parsing stops early once the cut is known. */
void md_plain(struct buf *out, const char *s, size_t n, size_t max);
/* What an article needs of its body in one parse instead of two: appends
 * md_render(html, s, n, MD_ARTICLE) to html and md_plain(text, s, n, 0) to
 * text, byte for byte; false as md_render. */
bool md_render_text(struct buf *html, struct buf *text, const char *s,
    size_t n);
/* Appends t[0..len), plain text as md_plain makes it, cut to max bytes as
 * md_plain cuts it: md_plain(out, s, n, max) is md_plain_cut of
 * md_plain(s, n, 0), so a summary can come from text already at hand. */
void md_plain_cut(struct buf *out, const char *t, size_t len, size_t max);

#endif

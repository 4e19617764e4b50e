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
	MD_ARTICLE,	/* full CommonMark + tables, strikethrough, heading ids */
	MD_COMMENT,	/* emphasis, code, links, quotes, lists; headings and
			 * images as plain text; links rel="nofollow ugc noopener" */
	MD_POLICY__MAX
};

/* Appends the HTML for s[0..n) to out. Returns false only if md4c itself
 * failed (out may then hold a partial rendering and must be discarded);
 * hostile input is rendered, never refused. */
bool	md_render(struct buf *out, const char *s, size_t n, enum md_policy);
/* Appends the plain text of s (no markup), collapsing whitespace, cut at
 * max bytes on a UTF-8 boundary with "…" when cut: for summaries and
 * meta descriptions. */
void	md_plain(struct buf *out, const char *s, size_t n, size_t max);

#endif

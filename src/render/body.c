/* body.c: the one owner of "article body -> HTML, search text, summary". */
#include "render/body.h"

#include <string.h>

#include "render/markdown.h"
#include "util/arena.h"
#include "util/buf.h"

/* A body may grow this much on its way to HTML, and never be refused
 * under BODY_MIN_CAP: Markdown's reference links let a few bytes stand
 * for a long URL each time they are used, so without a cap a small body
 * could become gigabytes. */
#define BODY_GROWTH  8
#define BODY_MIN_CAP (8u * 1024 * 1024)

static size_t
cap_of(size_t n)
{
	if (n > (size_t)-1 / BODY_GROWTH)
		return (size_t)-1;
	return n * BODY_GROWTH > BODY_MIN_CAP ? n * BODY_GROWTH : BODY_MIN_CAP;
}

/* src's HTML into html and its plain text into text; false when either
 * cannot be made. */
static bool
make(enum body_format f, const char *src, size_t n, struct html_drops *drops,
    struct buf *html, struct buf *text)
{
	if (f == BODY_HTML) {
		html_sanitize(html, src, n, drops);
		if (buf_err(html))
			return false;
		html_plain(text, buf_str(html), html->len, 0);
		return !buf_err(text);
	}
	return md_render_text(html, text, src, n) && !buf_err(html) &&
	    !buf_err(text);
}

bool
article_body(struct arena *a, enum body_format f, const char *src, size_t n,
    const char *summary, struct html_drops *drops, struct article_body *out)
{
	struct buf html, text, sum = BUF_INIT;
	bool	   ok = false;

	buf_init(&html, cap_of(n));
	buf_init(&text, cap_of(n));
	if (!make(f, src, n, drops, &html, &text))
		goto out;
	out->html = arena_strndup(a, buf_str(&html), html.len);
	/* The allow-list's output is the source from now on: what is
	 * stored, exported and edited is what is shown. */
	out->source = f == BODY_HTML ? out->html : arena_strndup(a, src, n);
	out->text = arena_strndup(a, buf_str(&text), text.len);
	if (summary != NULL && *summary != '\0')
		out->summary = summary;
	else {
		md_plain_cut(&sum, buf_str(&text), text.len, SUMMARY_AUTO);
		out->summary = arena_strndup(a, buf_str(&sum), sum.len);
	}
	ok = true;
out:
	buf_free(&html);
	buf_free(&text);
	buf_free(&sum);
	return ok;
}

void
article_body_text(struct buf *out, enum body_format f, const char *src,
    size_t n)
{
	struct buf html, text;

	buf_init(&html, cap_of(n));
	buf_init(&text, cap_of(n));
	if (make(f, src, n, NULL, &html, &text))
		buf_put(out, buf_str(&text), text.len);
	buf_free(&html);
	buf_free(&text);
}

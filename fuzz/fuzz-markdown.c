/* fuzz-markdown.c: comment and article Markdown rendering.
 *
 * Checks a property, not only crashes: comment HTML never holds an element
 * or attribute outside the allow-list, an event handler, or a link whose
 * scheme is not http, https or mailto (tests/unit/html-allow.h). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "html-allow.h"
#include "render/markdown.h"
#include "util/buf.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct buf  out = BUF_INIT;
	const char *why;

	if (md_render(&out, (const char *)data, n, MD_COMMENT) &&
	    !buf_err(&out) && (why = comment_violation(buf_str(&out)))) {
		fprintf(stderr, "comment allow-list broken: %s\n%s\n", why,
		    buf_str(&out));
		abort();
	}
	buf_reset(&out);
	md_render(&out, (const char *)data, n, MD_ARTICLE);
	buf_reset(&out);
	md_plain(&out, (const char *)data, n, 280);
	if (out.len > 280)
		abort();
	buf_free(&out);
	return 0;
}

/* fuzz-frontmatter.c: the front matter parser, fed as the importer feeds
 * it (only text that passed text_check reaches fm_parse). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "import/import.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct buf    err = BUF_INIT;
	struct fm_doc d;
	struct arena  a;
	const char   *s = (const char *)data;

	if (text_check(s, n, true) != NULL)
		return 0;
	arena_init(&a);
	if (fm_parse(&a, s, n, &d, &err)) {
		if (d.title == NULL || d.body + d.body_len != s + n)
			abort();
	} else if (err.len == 0)
		abort(); /* a refusal always says why */
	arena_free(&a);
	buf_free(&err);
	return 0;
}

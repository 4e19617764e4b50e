/* fuzz-json.c: API request bodies: api_json_parse and api_article_apply
 * in every mode, as the handlers call them, without a server. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "util/arena.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct tag tags[] = { { "China", "china", 0 } };
	struct api_problem p;
	struct api_article_req r;
	struct api_json *doc;
	struct arena a;
	struct article art;
	int m;

	arena_init(&a);
	doc = api_json_parse(&a, (const char *)data, n, &p);
	if (doc == NULL) {
		/* A refusal is always a 4xx with a detail. */
		if (p.status < 400 || p.status > 499 || p.detail == NULL)
			abort();
		goto out;
	}
	for (m = 0; m < API_MODE__MAX; m++) {
		memset(&art, 0, sizeof(art));
		art.id = 7;
		art.version = 3;
		art.slug = "stored";
		art.title = "Stored";
		art.summary = "";
		art.body_md = "*x*";
		art.author = "ed";
		art.tags = tags;
		art.ntags = 1;
		if (!api_article_apply(&a, doc, (enum api_mode)m, 1700000000,
		    &art, &r, &p)) {
			if (p.status != 422 || p.detail == NULL)
				abort();
			continue;
		}
		/* What is accepted is storable: a title, a valid slug, text
		 * fit to store, a rendered body. */
		if (art.title == NULL || *art.title == '\0' ||
		    !slug_valid(art.slug, strlen(art.slug)) ||
		    text_check(art.title, strlen(art.title), false) != NULL ||
		    text_check(art.body_md, strlen(art.body_md), true) != NULL ||
		    art.body_html == NULL || art.summary == NULL ||
		    (art.status == ARTICLE_SCHEDULED && art.published_at == 0))
			abort();
	}
out:
	api_json_free(doc);
	arena_free(&a);
	return 0;
}

/* fuzz-json.c: API request bodies: api_json_parse and api_article_apply
 * in every mode, and for comments api_comment_parse with the field rules
 * every comment follows (comment_fields_check, the form's too) and a
 * moderator's api_comment_patch, as the handlers call them, without a
 * server. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "api/api.h"
#include "comment/comment.h"
#include "render/esc.h"
#include "util/arena.h"
#include "util/str.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* Text a comment may be stored with: fit to store, within its limit. */
static void
storable(const char *s, bool multiline, size_t max)
{
	if (s == NULL || text_check(s, strlen(s), multiline) != NULL ||
	    utf8_len(s, strlen(s)) > max)
		abort();
}

static void
comments(struct arena *a, const struct api_json *doc)
{
	struct comment_form cf;
	struct api_problem  p;
	struct comment	    c;
	size_t		    len[4];

	if (!api_comment_parse(a, doc, &cf, len, &p)) {
		if (p.status != 422 || p.detail == NULL || p.field == NULL)
			abort();
	} else if (!comment_fields_check(a, &cf, &len[0], &len[1], &len[2],
		       &len[3])) {
		/* Each refusal names its member; none is echoed unfit. */
		if (api_comment_problem(a, &cf, &p) || p.status != 422 ||
		    p.field == NULL)
			abort();
		storable(cf.author, false, (size_t)-1);
		storable(cf.body, true, (size_t)-1);
	} else {
		storable(cf.author, false, COMMENT_AUTHOR_MAX);
		storable(cf.email, false, COMMENT_EMAIL_MAX);
		storable(cf.url, false, COMMENT_URL_MAX);
		storable(cf.body, true, COMMENT_BODY_MAX);
		if (sv_trim(sv_cstr(cf.author)).n == 0 ||
		    sv_trim(sv_cstr(cf.body)).n == 0 ||
		    (*cf.url && !url_is_http(cf.url, strlen(cf.url))) ||
		    strchr(cf.body, '\r') != NULL)
			abort();
	}

	memset(&c, 0, sizeof(c));
	c.id = 5;
	c.author = ""; /* imported without a name */
	c.email = "e@example.com";
	c.url = "";
	c.body_md = "old";
	c.body_html = "<p>old</p>";
	c.status = COMMENT_PENDING;
	if (!api_comment_patch(a, doc, 1700000000, &c, &p)) {
		if (p.status != 422 || p.detail == NULL || p.field == NULL)
			abort();
		return;
	}
	if (c.status >= COMMENT_STATUS__MAX || c.body_html == NULL ||
	    c.updated_at != 1700000000 || strcmp(c.email, "e@example.com"))
		abort();
	storable(c.body_md, true, COMMENT_BODY_MAX);
	storable(c.url, false, COMMENT_URL_MAX);
	if (*c.author)
		storable(c.author, false, COMMENT_AUTHOR_MAX);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static struct tag      tags[] = { { "China", "china", 0 } };
	struct api_problem     p;
	struct api_article_req r;
	struct api_json	      *doc;
	struct arena	       a;
	struct article	       art;
	int		       m;

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
		    text_check(art.body_md, strlen(art.body_md), true) !=
			NULL ||
		    art.body_html == NULL || art.summary == NULL ||
		    (art.status == ARTICLE_SCHEDULED && art.published_at == 0))
			abort();
	}
	comments(&a, doc);
out:
	api_json_free(doc);
	arena_free(&a);
	return 0;
}

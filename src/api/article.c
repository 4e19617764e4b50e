/* article.c: the article resource of the JSON API: checking a write
 * document member by member, and writing an article out. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "api/api.h"
#include "render/body.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

#define MAX_TITLE   300 /* characters */
#define MAX_SUMMARY 2000
#define MAX_AUTHOR  200
#define MAX_TAG	    100
#define MAX_BODY    (1024u * 1024) /* bytes */

enum member {
	M_SLUG = 0,
	M_TITLE,
	M_BODY_MARKDOWN,
	M_BODY_FORMAT,
	M_SUMMARY,
	M_TAGS,
	M_AUTHOR,
	M_STATUS,
	M_PUBLISHED_AT,
	M_VERSION,
	/* read only: accepted so a GET document can be PUT back */
	M_ID,
	M_BODY_HTML,
	M_URL,
	M_CREATED_AT,
	M_UPDATED_AT,
	M__MAX
};

static const char *const members[M__MAX] = {
	[M_SLUG] = "slug",
	[M_TITLE] = "title",
	[M_BODY_MARKDOWN] = "body_markdown",
	[M_BODY_FORMAT] = "body_format",
	[M_SUMMARY] = "summary",
	[M_TAGS] = "tags",
	[M_AUTHOR] = "author",
	[M_STATUS] = "status",
	[M_PUBLISHED_AT] = "published_at",
	[M_VERSION] = "version",
	[M_ID] = "id",
	[M_BODY_HTML] = "body_html",
	[M_URL] = "url",
	[M_CREATED_AT] = "created_at",
	[M_UPDATED_AT] = "updated_at",
};

static const char *const type_names[] = {
	[JSON_OBJECT] = "an object",
	[JSON_ARRAY] = "an array",
	[JSON_STRING] = "a string",
	[JSON_INTEGER] = "an integer",
	[JSON_REAL] = "a number",
	[JSON_TRUE] = "true",
	[JSON_FALSE] = "false",
	[JSON_NULL] = "null",
};

/* A string member, checked: type, UTF-8 (jansson already insists), NUL
 * and control characters, length in characters. */
static bool
text_member(struct arena *a, json_t *v, const char *field, bool multiline,
    size_t maxchars, size_t maxbytes, const char **out, struct api_problem *p)
{
	const char *s, *why;
	size_t	    n;

	if (!json_is_string(v))
		return api_fail(p, a, 422, field, "%s must be a string, not %s",
		    field, type_names[json_typeof(v)]);
	s = json_string_value(v);
	n = json_string_length(v);
	if (maxbytes && n > maxbytes)
		return api_fail(p, a, 422, field, "%s is longer than %zu bytes",
		    field, maxbytes);
	if ((why = text_check(s, n, multiline)) != NULL)
		return api_fail(p, a, 422, field, "%s %s", field, why);
	if (maxchars && utf8_len(s, n) > maxchars)
		return api_fail(p, a, 422, field,
		    "%s is longer than %zu "
		    "characters",
		    field, maxchars);
	*out = arena_strndup(a, s, n);
	return true;
}

static bool
tags_member(struct arena *a, json_t *v, struct article *art,
    struct api_problem *p)
{
	struct buf  slug = BUF_INIT;
	const char *name;
	char	    field[32];
	size_t	    i, n;
	bool	    ok = false;

	if (json_is_null(v)) {
		art->tags = NULL;
		art->ntags = 0;
		return true;
	}
	if (!json_is_array(v))
		return api_fail(p, a, 422, "tags",
		    "tags must be an array of "
		    "strings, not %s",
		    type_names[json_typeof(v)]);
	if ((n = json_array_size(v)) > API_MAX_TAGS)
		return api_fail(p, a, 422, "tags", "more than %d tags",
		    API_MAX_TAGS);
	art->tags = n ? arena_alloc(a, n * sizeof(*art->tags)) : NULL;
	art->ntags = 0;
	for (i = 0; i < n; i++) {
		snprintf(field, sizeof(field), "tags[%zu]", i);
		if (!text_member(a, json_array_get(v, i), field, false, MAX_TAG,
			0, &name, p))
			goto out;
		buf_reset(&slug);
		slugify(&slug, name, strlen(name));
		if (slug.len == 0) {
			api_fail(p, a, 422, field,
			    "tag '%s' has no letter or "
			    "digit to make its URL from",
			    name);
			goto out;
		}
		art->tags[art->ntags++].name = name;
	}
	ok = true;
out:
	buf_free(&slug);
	return ok;
}

static bool
member_apply(struct arena *a, enum member m, json_t *v, int64_t now,
    struct article *art, struct api_article_req *req, bool *has_title,
    bool *has_slug, struct api_problem *p)
{
	const char *f = members[m], *s;
	int64_t	    t;

	(void)now;
	/* RFC 7396: null removes a member; for those an article cannot be
	 * without, that is a broken rule. */
	if (json_is_null(v)) {
		switch (m) {
		case M_TITLE:
		case M_STATUS:
		case M_VERSION:
			return api_fail(p, a, 422, f, "%s cannot be null", f);
		case M_SLUG:
			*has_slug = false;
			art->slug = NULL;
			break;
		case M_BODY_MARKDOWN:
			art->body_md = "";
			break;
		case M_BODY_FORMAT:
			art->format = BODY_MARKDOWN;
			break;
		case M_SUMMARY:
			art->summary = "";
			break;
		case M_TAGS:
			return tags_member(a, v, art, p);
		case M_AUTHOR:
			art->author = "";
			req->has_author = true;
			break;
		case M_PUBLISHED_AT:
			art->published_at = 0;
			break;
		default:
			break;
		}
		return true;
	}
	switch (m) {
	case M_TITLE:
		if (!text_member(a, v, f, false, MAX_TITLE, 0, &s, p))
			return false;
		if (sv_trim(sv_cstr(s)).n == 0)
			return api_fail(p, a, 422, f, "title is empty");
		art->title = s;
		*has_title = true;
		return true;
	case M_SLUG:
		if (!text_member(a, v, f, false, 0, 0, &s, p))
			return false;
		if (!slug_valid(s, strlen(s)))
			return api_fail(p, a, 422, f,
			    "slug '%s' is not a "
			    "slug: use a-z, 0-9 and '-', at most 80",
			    s);
		art->slug = s;
		*has_slug = true;
		return true;
	case M_BODY_MARKDOWN:
		return text_member(a, v, f, true, 0, MAX_BODY, &art->body_md,
		    p);
	case M_BODY_FORMAT:
		if (!text_member(a, v, f, false, 0, 0, &s, p))
			return false;
		if (!body_format_parse(s, &art->format))
			return api_fail(p, a, 422, f,
			    "body_format must be "
			    "'markdown' or 'html'");
		return true;
	case M_SUMMARY:
		return text_member(a, v, f, true, MAX_SUMMARY, 0, &art->summary,
		    p);
	case M_TAGS:
		return tags_member(a, v, art, p);
	case M_AUTHOR:
		req->has_author = true;
		return text_member(a, v, f, false, MAX_AUTHOR, 0, &art->author,
		    p);
	case M_STATUS:
		if (!text_member(a, v, f, false, 0, 0, &s, p))
			return false;
		if (!article_status_parse(s, &art->status))
			return api_fail(p, a, 422, f,
			    "status must be "
			    "'published', 'draft' or 'scheduled'");
		req->has_status = true;
		return true;
	case M_PUBLISHED_AT:
		if (!text_member(a, v, f, false, 0, 64, &s, p))
			return false;
		if (!time_parse_rfc3339(s, strlen(s), &t) || t < 0)
			return api_fail(p, a, 422, f,
			    "published_at must be an "
			    "RFC 3339 date, as 2022-01-10T09:30:00Z");
		art->published_at = t;
		return true;
	case M_VERSION:
		if (!json_is_integer(v))
			return api_fail(p, a, 422, f,
			    "version must be an "
			    "integer, not %s",
			    type_names[json_typeof(v)]);
		if (json_integer_value(v) < 1)
			return api_fail(p, a, 422, f,
			    "version must be 1 or "
			    "more");
		req->has_version = true;
		req->version = json_integer_value(v);
		return true;
	default:
		return true; /* read only: ignored */
	}
}

bool
api_article_apply(struct arena *a, const struct api_json *jdoc,
    enum api_mode mode, int64_t now, struct article *art,
    struct api_article_req *req, struct api_problem *p)
{
	json_t	   *doc = (json_t *)jdoc, *v;
	const char *key, *old_slug = art->slug, *old_author = art->author;
	struct buf  tmp = BUF_INIT;
	bool	    has_title = false, has_slug = mode == API_PATCH, ok = false;
	int64_t	    id = art->id;
	size_t	    i;
	enum member m;

	memset(req, 0, sizeof(*req));
	/* Unknown members first, all of them, before anything changes: a
	 * typo ("titel") must not half-apply a document. */
	json_object_foreach(doc, key, v)
	{
		for (i = 0; i < M__MAX; i++)
			if (strcmp(key, members[i]) == 0)
				break;
		if (i == M__MAX) {
			/* The name may hold anything: put it out escaped by
			 * the JSON writer, but keep the detail readable. */
			api_fail(p, a, 422, key, "unknown member '%s'", key);
			goto out;
		}
	}
	if (mode != API_PATCH) {
		int64_t ver = art->version, cat = art->created_at;

		memset(art, 0, sizeof(*art));
		art->id = id;
		art->version = ver;
		art->created_at = cat;
		art->summary = "";
		art->body_md = "";
		art->status = ARTICLE_DRAFT;
		art->author = mode == API_REPLACE ? old_author : NULL;
	}
	/* Members in a fixed order, so which fault is named for a document
	 * with several does not depend on member order. */
	for (m = 0; m < M__MAX; m++) {
		if ((v = json_object_get(doc, members[m])) == NULL)
			continue;
		if (!member_apply(a, m, v, now, art, req, &has_title, &has_slug,
			p))
			goto out;
	}
	if (mode != API_PATCH && !has_title) {
		api_fail(p, a, 422, "title", "title is required");
		goto out;
	}
	if (!has_slug || art->slug == NULL) {
		if (mode == API_REPLACE && old_slug &&
		    json_object_get(doc, "slug") == NULL)
			art->slug = old_slug;
		else {
			slugify(&tmp, art->title, strlen(art->title));
			if (tmp.len == 0) {
				api_fail(p, a, 422, "slug",
				    "the title has no "
				    "letter or digit to make a slug from; "
				    "give one");
				goto out;
			}
			art->slug = arena_strndup(a, tmp.p, tmp.len);
		}
	}
	if (art->status == ARTICLE_SCHEDULED && art->published_at == 0) {
		api_fail(p, a, 422, "published_at",
		    "a scheduled article needs "
		    "published_at");
		goto out;
	}
	if (art->status == ARTICLE_PUBLISHED && art->published_at == 0)
		art->published_at = now;
	if (art->summary == NULL)
		art->summary = "";
	if (art->body_md == NULL)
		art->body_md = "";
	if (!api_article_render(a, art)) {
		api_fail(p, a, 422, "body_markdown",
		    "the body could not be "
		    "rendered");
		goto out;
	}
	ok = true;
out:
	buf_free(&tmp);
	return ok;
}

bool
api_article_render(struct arena *a, struct article *art)
{
	struct article_body body;

	if (!article_body(a, art->format, art->body_md, strlen(art->body_md),
		art->summary, NULL, &body))
		return false;
	art->body_md = body.source;
	art->body_html = body.html;
	art->body_text = body.text;
	art->summary = body.summary;
	return true;
}

void
api_article_json(struct buf *b, const struct article *art, const char *abs_url)
{
	bool   first = true;
	size_t i;

	buf_putc(b, '{');
	jw_key(b, &first, "id");
	buf_printf(b, "%lld", (long long)art->id);
	jw_key(b, &first, "slug");
	jw_str(b, art->slug);
	jw_key(b, &first, "title");
	jw_str(b, art->title);
	jw_key(b, &first, "summary");
	jw_str(b, art->summary ? art->summary : "");
	jw_key(b, &first, "body_format");
	jw_str(b, body_format_name(art->format));
	jw_key(b, &first, "body_markdown");
	jw_str(b, art->body_md ? art->body_md : "");
	jw_key(b, &first, "body_html");
	jw_str(b, art->body_html ? art->body_html : "");
	jw_key(b, &first, "tags");
	buf_putc(b, '[');
	for (i = 0; i < art->ntags; i++) {
		if (i)
			buf_putc(b, ',');
		jw_str(b, art->tags[i].name);
	}
	buf_putc(b, ']');
	jw_key(b, &first, "author");
	jw_str(b, art->author ? art->author : "");
	jw_key(b, &first, "status");
	jw_str(b, article_status_name(art->status));
	jw_key(b, &first, "published_at");
	if (art->published_at > 0)
		jw_time(b, art->published_at);
	else
		buf_puts(b, "null");
	jw_key(b, &first, "created_at");
	jw_time(b, art->created_at);
	jw_key(b, &first, "updated_at");
	jw_time(b, art->updated_at);
	jw_key(b, &first, "url");
	jw_str(b, abs_url);
	jw_key(b, &first, "version");
	buf_printf(b, "%lld", (long long)art->version);
	buf_putc(b, '}');
}

/* The cursor is "t.id" in base64url: opaque enough that clients do not
 * build them, plain enough to check strictly on the way back. */
static const char b64[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void
api_cursor_encode(struct buf *b, int64_t t, int64_t id)
{
	char raw[48];
	int  n = snprintf(raw, sizeof(raw), "%lld.%lld", (long long)t,
		 (long long)id),
	    i;
	unsigned v;

	for (i = 0; i < n; i += 3) {
		v = (unsigned)(unsigned char)raw[i] << 16;
		if (i + 1 < n)
			v |= (unsigned)(unsigned char)raw[i + 1] << 8;
		if (i + 2 < n)
			v |= (unsigned char)raw[i + 2];
		buf_putc(b, b64[(v >> 18) & 63]);
		buf_putc(b, b64[(v >> 12) & 63]);
		if (i + 1 < n)
			buf_putc(b, b64[(v >> 6) & 63]);
		if (i + 2 < n)
			buf_putc(b, b64[v & 63]);
	}
}

bool
api_cursor_decode(const char *s, size_t n, int64_t *t, int64_t *id)
{
	char	    raw[48], *dot;
	size_t	    i, j = 0, k;
	unsigned    v, bits = 0;
	const char *c;

	if (n == 0 || n > 60)
		return false;
	v = 0;
	for (i = 0; i < n; i++) {
		if ((c = memchr(b64, s[i], 64)) == NULL || s[i] == '\0')
			return false;
		v = (v << 6) | (unsigned)(c - b64);
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (j + 1 >= sizeof(raw))
				return false;
			raw[j++] = (char)((v >> bits) & 0xff);
		}
	}
	raw[j] = '\0';
	if ((dot = strchr(raw, '.')) == NULL)
		return false;
	k = (size_t)(dot - raw);
	if (!parse_int(raw, k, 0, INT64_MAX, t) ||
	    !parse_int(dot + 1, j - k - 1, 1, INT64_MAX, id))
		return false;
	/* Only the canonical spelling: re-encoding must give s back. */
	{
		struct buf b = BUF_INIT;
		bool	   same;

		api_cursor_encode(&b, *t, *id);
		same = b.len == n && memcmp(b.p, s, n) == 0;
		buf_free(&b);
		return same;
	}
}

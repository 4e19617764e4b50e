/* comment.c: the comment resource of the JSON API: a reader's post and a
 * moderator's merge patch checked member by member, and a comment
 * written out.
 *
 * The rules of a comment's fields are not here: comment_fields_check
 * (src/comment/post.c) is the one checker the form and the API share.
 * This file only maps JSON onto it (types, unknown members) and its
 * verdicts back onto problem documents naming the member. */
#include <jansson.h>
#include <string.h>

#include "api/api.h"
#include "comment/comment.h"
#include "render/markdown.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

enum cmember {
	CM_AUTHOR = 0,
	CM_EMAIL,
	CM_URL,
	CM_BODY,
	CM_PARENT,
	CM_STATUS,
	CM_BODY_MARKDOWN, /* PATCH: the name GET writes the body under */
	/* read only: accepted so a GET document can be sent back */
	CM_ID,
	CM_BODY_HTML,
	CM_CREATED_AT,
	CM_UPDATED_AT,
	CM__MAX
};

static const char *const cmembers[CM__MAX] = {
	[CM_AUTHOR] = "author",
	[CM_EMAIL] = "email",
	[CM_URL] = "url",
	[CM_BODY] = "body",
	[CM_PARENT] = "parent",
	[CM_STATUS] = "status",
	[CM_BODY_MARKDOWN] = "body_markdown",
	[CM_ID] = "id",
	[CM_BODY_HTML] = "body_html",
	[CM_CREATED_AT] = "created_at",
	[CM_UPDATED_AT] = "updated_at",
};

static const char *const jtypes[] = {
	[JSON_OBJECT] = "an object",
	[JSON_ARRAY] = "an array",
	[JSON_STRING] = "a string",
	[JSON_INTEGER] = "an integer",
	[JSON_REAL] = "a number",
	[JSON_TRUE] = "true",
	[JSON_FALSE] = "false",
	[JSON_NULL] = "null",
};

/* Members a reader may send, and those a moderator's PATCH may. */
#define POST_MEMBERS \
	((1u << CM_AUTHOR) | (1u << CM_EMAIL) | (1u << CM_URL) | \
	    (1u << CM_BODY) | (1u << CM_PARENT))
#define PATCH_MEMBERS \
	((1u << CM_AUTHOR) | (1u << CM_URL) | (1u << CM_BODY) | \
	    (1u << CM_STATUS) | (1u << CM_BODY_MARKDOWN) | (1u << CM_ID) | \
	    (1u << CM_EMAIL) | (1u << CM_PARENT) | (1u << CM_BODY_HTML) | \
	    (1u << CM_CREATED_AT) | (1u << CM_UPDATED_AT))

/* Every member of doc must be one of mask; the first that is not is a
 * 422 naming it (before anything is looked at, so a typo never
 * half-applies). */
static bool
members_known(struct arena *a, json_t *doc, unsigned mask,
    struct api_problem *p)
{
	const char *key;
	json_t	   *v;
	int	    i;

	json_object_foreach(doc, key, v)
	{
		for (i = 0; i < CM__MAX; i++)
			if ((mask & (1u << i)) && strcmp(key, cmembers[i]) == 0)
				break;
		if (i == CM__MAX)
			return api_fail(p, a, 422, key, "unknown member '%s'",
			    key);
	}
	return true;
}

/* A string member's bytes (NUL included: the checker refuses it by
 * name); null is "" when nullable. */
static bool
str_member(struct arena *a, json_t *v, const char *f, bool nullable,
    const char **out, size_t *n, struct api_problem *p)
{
	if (v == NULL || (nullable && json_is_null(v))) {
		*out = "";
		*n = 0;
		return true;
	}
	if (!json_is_string(v))
		return api_fail(p, a, 422, f, "%s must be a string, not %s", f,
		    jtypes[json_typeof(v)]);
	*n = json_string_length(v);
	*out = arena_strndup(a, json_string_value(v), *n);
	return true;
}

/* The first field the checker found fault with, as a 422 naming it; true
 * when there is none. Fields in a fixed order, so the answer does not
 * depend on member order. */
bool
api_comment_problem(struct arena *a, const struct comment_form *cf,
    struct api_problem *p)
{
	if (cf->err_author)
		return api_fail(p, a, 422, "author", "%s", cf->err_author);
	if (cf->err_email)
		return api_fail(p, a, 422, "email", "%s", cf->err_email);
	if (cf->err_url)
		return api_fail(p, a, 422, "url", "%s", cf->err_url);
	if (cf->err_body)
		return api_fail(p, a, 422, "body", "%s", cf->err_body);
	if (cf->err_parent)
		return api_fail(p, a, 422, "parent", "%s", cf->err_parent);
	return true;
}

bool
api_comment_parse(struct arena *a, const struct api_json *jdoc,
    struct comment_form *cf, size_t len[4], struct api_problem *p)
{
	json_t *doc = (json_t *)jdoc, *v;

	memset(cf, 0, sizeof(*cf));
	if (!members_known(a, doc, POST_MEMBERS, p))
		return false;
	if ((v = json_object_get(doc, "author")) == NULL)
		return api_fail(p, a, 422, "author", "author is required");
	if (!str_member(a, v, "author", false, &cf->author, &len[0], p))
		return false;
	if (!str_member(a, json_object_get(doc, "email"), "email", true,
		&cf->email, &len[1], p) ||
	    !str_member(a, json_object_get(doc, "url"), "url", true, &cf->url,
		&len[2], p))
		return false;
	if ((v = json_object_get(doc, "body")) == NULL)
		return api_fail(p, a, 422, "body", "body is required");
	if (!str_member(a, v, "body", false, &cf->body, &len[3], p))
		return false;
	if ((v = json_object_get(doc, "parent")) != NULL && !json_is_null(v)) {
		if (!json_is_integer(v))
			return api_fail(p, a, 422, "parent",
			    "parent must be "
			    "a comment's id (an integer), not %s",
			    jtypes[json_typeof(v)]);
		if (json_integer_value(v) < 1)
			return api_fail(p, a, 422, "parent",
			    "parent must be "
			    "a comment's id, 1 or more");
		cf->parent = json_integer_value(v);
	}
	return true;
}

bool
api_comment_patch(struct arena *a, const struct api_json *jdoc, int64_t now,
    struct comment *c, struct api_problem *p)
{
	json_t		   *doc = (json_t *)jdoc, *v, *vb, *vm;
	struct comment_form cf;
	struct buf	    html = BUF_INIT;
	const char	   *s;
	size_t		    na = 1, ne = 0, nu = 0, nb = 1, n;
	bool		    has_author, has_url, has_body, ok = false;

	if (!members_known(a, doc, PATCH_MEMBERS, p))
		return false;
	/* Fields the patch leaves alone are checked as stand-ins that
	 * pass, so an imported comment without a name can still be
	 * approved; only what is sent must keep the rules. */
	memset(&cf, 0, sizeof(cf));
	cf.author = "x";
	cf.email = "";
	cf.url = "";
	cf.body = "x";
	if ((v = json_object_get(doc, "status")) != NULL) {
		enum comment_status st;

		if (!json_is_string(v))
			return api_fail(p, a, 422, "status",
			    "status must be a "
			    "string, not %s",
			    jtypes[json_typeof(v)]);
		if (!comment_status_parse(json_string_value(v), &st) ||
		    strlen(json_string_value(v)) != json_string_length(v))
			return api_fail(p, a, 422, "status",
			    "status must be "
			    "'approved', 'pending', 'spam' or 'deleted'");
		c->status = st;
	}
	if ((has_author = (v = json_object_get(doc, "author")) != NULL) &&
	    !str_member(a, v, "author", false, &cf.author, &na, p))
		return false;
	if ((has_url = (v = json_object_get(doc, "url")) != NULL) &&
	    !str_member(a, v, "url", true, &cf.url, &nu, p))
		return false;
	vb = json_object_get(doc, "body");
	vm = json_object_get(doc, "body_markdown");
	if (vb && vm && !json_equal(vb, vm))
		return api_fail(p, a, 422, "body_markdown",
		    "body and "
		    "body_markdown are one field: send one of them");
	if ((has_body = (v = vb ? vb : vm) != NULL) &&
	    !str_member(a, v, vb ? "body" : "body_markdown", false, &cf.body,
		&nb, p))
		return false;
	if (!comment_fields_check(a, &cf, &na, &ne, &nu, &nb)) {
		if (cf.err_body && vb == NULL)
			return api_fail(p, a, 422, "body_markdown", "%s",
			    cf.err_body);
		if (!api_comment_problem(a, &cf, p))
			return false;
	}
	if (has_author)
		c->author = cf.author;
	if (has_url)
		c->url = cf.url;
	if (has_body) {
		s = cf.body;
		n = strlen(s);
		buf_init(&html, 4 * COMMENT_POST_MAX);
		if (!md_render(&html, s, n, MD_COMMENT) || buf_err(&html)) {
			api_fail(p, a, 422, vb ? "body" : "body_markdown",
			    "the comment could not be rendered");
			goto out;
		}
		c->body_md = s;
		c->body_html = arena_strndup(a, buf_str(&html), html.len);
	}
	c->updated_at = now;
	ok = true;
out:
	buf_free(&html);
	return ok;
}

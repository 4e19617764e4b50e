/* v1-comment.c: /api/v1 comment handlers: an article's comments (list,
 * post as a reader) and one comment (read, moderate, delete).
 *
 * Readers post without a token, through comment_accept, the same path as
 * the article page's form: the same checks, the rate limit per address
 * and the site's moderation policy. The form's minimum fill time has no
 * meaning here (there is no form whose render time could be signed), and
 * a valid token exempts a request from pacing altogether (SPEC §9).
 *
 * Why no anti-forgery token: the API never reads cookies, so a request
 * carries no ambient authority for a forged one to borrow; and a body is
 * taken only as application/json, which an HTML form on another site
 * cannot send, while a script there must first pass a CORS preflight,
 * which these routes never grant for writes (OPTIONS answers without
 * Access-Control-Allow-Origin). So another site cannot make its visitors'
 * browsers post comments from their addresses either. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "api/api-int.h"
#include "api/api.h"
#include "auth/acl.h"
#include "import/import.h"
#include "site/comments.h"
#include "site/page.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

#define ALLOW_LIST (HTTP_M(HTTP_GET) | HTTP_M(HTTP_POST))
#define ALLOW_ITEM (HTTP_M(HTTP_GET) | HTTP_M(HTTP_PATCH) | HTTP_M(HTTP_DELETE))

/* Who moderates is the ACL table's to say (editors and admins), as on
 * the admin pages. */
static bool
moderator(const struct api_caller *c)
{
	return c->token &&
	    acl_allows(c->user.role, ACL_COMMENT_MODERATE, false);
}

static bool
need_moderator(struct http_req *req, struct http_resp *resp,
    const struct api_caller *c)
{
	if (!api_need_token(req, resp, c))
		return false;
	if (moderator(c))
		return true;
	api_error(resp, req->arena, 403, NULL,
	    "moderating comments needs an "
	    "editor's or an admin's token; an author's does not");
	return false;
}

static void
read_headers(struct http_resp *resp, const struct api_caller *c)
{
	if (!c->token)
		http_resp_header(resp, "Access-Control-Allow-Origin", "*");
	else
		http_resp_header(resp, "Cache-Control", "private, no-store");
}

/* GET /api/v1/articles/SLUG/comments */
static void
comments_list(struct http_req *req, struct http_resp *resp, struct store *st,
    const struct api_caller *c, const struct article *art)
{
	/* The route's cursor, limit and status (strict). */
	const struct form  *q = &req->args;
	struct comment_list l;
	struct buf	   *b = &resp->body;
	const char	   *v;
	size_t		    n, i;
	int64_t		    lim = API_LIMIT_DEF, t, after = 0;
	int		    status = COMMENT_APPROVED;
	enum comment_status cs;

	if ((v = form_get(q, "limit", &n)) != NULL &&
	    (n > 4 || !parse_int(v, n, 1, API_LIMIT_MAX, &lim))) {
		api_error(resp, req->arena, 400, "limit",
		    "limit must be a "
		    "number from 1 to %d",
		    API_LIMIT_MAX);
		return;
	}
	if ((v = form_get(q, "cursor", &n)) != NULL &&
	    (!api_cursor_decode(v, n, &t, &after) || t != 0)) {
		api_error(resp, req->arena, 400, "cursor",
		    "the cursor is not "
		    "one this server gave out");
		return;
	}
	if ((v = form_get(q, "status", &n)) != NULL) {
		if (strcmp(v, "all") == 0)
			status = -1;
		else if (comment_status_parse(v, &cs))
			status = (int)cs;
		else {
			api_error(resp, req->arena, 400, "status",
			    "status must "
			    "be 'approved', 'pending', 'spam', 'deleted' or "
			    "'all'");
			return;
		}
		if (status != COMMENT_APPROVED && !need_moderator(req, resp, c))
			return;
	}
	if (store_comment_page(st, req->arena, art->id, status, after,
		(size_t)lim, &l) != STORE_OK) {
		api_store_failed(req, resp, st);
		return;
	}
	resp->content_type = "application/json";
	buf_puts(b, "{\"items\":[");
	for (i = 0; i < l.n; i++) {
		if (i)
			buf_putc(b, ',');
		export_comment_json(b, &l.items[i], moderator(c));
	}
	buf_puts(b, "],\"next_cursor\":");
	if (l.next_after) {
		buf_putc(b, '"');
		api_cursor_encode(b, 0, l.next_after);
		buf_putc(b, '"');
	} else
		buf_puts(b, "null");
	buf_puts(b, "}\n");
	read_headers(resp, c);
}

/* POST /api/v1/articles/SLUG/comments */
static void
comments_post(struct http_req *req, struct http_resp *resp,
    const struct site *s, const struct api_caller *c, const struct article *art)
{
	struct api_problem	  p;
	struct api_json		 *doc = NULL;
	struct comment_form	  cf;
	struct comment_submission sub = { 0 };
	struct comment		  got;
	size_t			  len[4];
	int64_t			  now = (int64_t)time(NULL), retry = 0;

	if (!api_content_type_ok(req, resp, false))
		return;
	if (req->body_len > COMMENT_POST_MAX) {
		api_error(resp, req->arena, 413, NULL,
		    "a comment is sent in "
		    "at most %d bytes",
		    COMMENT_POST_MAX);
		return;
	}
	if (req->args.n > 0) {
		api_error(resp, req->arena, 400, NULL,
		    "this takes no query "
		    "parameters");
		return;
	}
	if (s->comments == NULL) {
		api_error(resp, req->arena, 503, NULL,
		    "comments cannot be "
		    "posted here");
		return;
	}
	if (comment_closed(s->close_days, art, now)) {
		api_error(resp, req->arena, 403, NULL,
		    "comments are closed on "
		    "this article");
		return;
	}
	if ((doc = api_json_parse(req->arena, req->body, req->body_len, &p)) ==
	    NULL) {
		api_problem_send(resp, &p);
		return;
	}
	if (!api_comment_parse(req->arena, doc, &cf, len, &p)) {
		api_problem_send(resp, &p);
		goto out;
	}
	sub.art = art;
	sub.cf = &cf;
	sub.nauthor = len[0];
	sub.nemail = len[1];
	sub.nurl = len[2];
	sub.nbody = len[3];
	sub.paced = !c->token;
	sub.client = req->client;
	sub.client_key = http_req_limit_key(req);
	sub.now = now;
	switch (site_comment_accept(s, req->arena, &sub, &got, &retry)) {
	case COMMENT_ACCEPTED:
		break;
	case COMMENT_INVALID:
		if (api_comment_problem(req->arena, &cf, &p))
			api_fail(&p, req->arena, 422, NULL,
			    "the comment "
			    "breaks a rule");
		api_problem_send(resp, &p);
		goto out;
	case COMMENT_TOO_QUICK:
	case COMMENT_TOO_MANY:
		api_error(resp, req->arena, 429, NULL,
		    "too many comments "
		    "from your address: post again in %lld seconds",
		    (long long)retry);
		http_resp_retry_after(resp, req->arena, retry);
		goto out;
	case COMMENT_GONE:
		api_error(resp, req->arena, 404, NULL,
		    "the article or the "
		    "comment replied to is gone");
		goto out;
	case COMMENT_UNRENDERABLE:
		api_error(resp, req->arena, 422, "body",
		    "the comment could "
		    "not be rendered");
		goto out;
	default:
		api_store_failed(req, resp, site_store(s));
		goto out;
	}
	resp->status = got.status == COMMENT_APPROVED ? 201 : 202;
	resp->content_type = "application/json";
	export_comment_json(&resp->body, &got, moderator(c));
	buf_putc(&resp->body, '\n');
	http_resp_header(resp, "Location",
	    arena_printf(req->arena, "/api/v1/comments/%lld",
		(long long)got.id));
	http_resp_header(resp, "Cache-Control", "no-store");
out:
	api_json_free(doc);
}

void
api_article_comments(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site *s = ctx;
	struct store	  *st;
	struct api_caller  c;
	struct article	   a;
	const char	  *slug;
	int64_t		   now = (int64_t)time(NULL);
	enum store_err	   e;

	if (!api_begin(req, resp, s, ALLOW_LIST, &st, &c))
		return;
	slug = arena_strndup(req->arena, req->params[0].p, req->params[0].n);
	e = slug_valid(slug, strlen(slug)) ?
	    store_article_by_slug(st, req->arena, slug, &a) :
	    STORE_NOTFOUND;
	/* Comments of an article nobody may read do not exist either; a
	 * reader's post needs the article published. */
	if (e == STORE_OK &&
	    (!api_may_read(&c, &a, now) ||
		(req->method == HTTP_POST && !article_is_public(&a, now))))
		e = STORE_NOTFOUND;
	if (e == STORE_NOTFOUND) {
		api_error(resp, req->arena, 404, NULL,
		    "no published article "
		    "has the slug '%s'",
		    slug_valid(slug, strlen(slug)) ? slug : "?");
		return;
	}
	if (e != STORE_OK) {
		api_store_failed(req, resp, st);
		return;
	}
	if (req->method == HTTP_POST)
		comments_post(req, resp, s, &c, &a);
	else
		comments_list(req, resp, st, &c, &a);
}

/* The comment of /api/v1/comments/ID as a reader or c may see it. */
static enum store_err
comment_find(struct http_req *req, struct store *st, const struct api_caller *c,
    struct comment *out)
{
	struct article a;
	int64_t	       id, now = (int64_t)time(NULL);
	enum store_err e;

	if (req->params[0].n > 18 ||
	    !parse_int(req->params[0].p, req->params[0].n, 1, INT64_MAX, &id))
		return STORE_NOTFOUND;
	if ((e = store_comment_get(st, req->arena, id, out)) != STORE_OK)
		return e;
	if (moderator(c))
		return STORE_OK;
	if (out->status != COMMENT_APPROVED)
		return STORE_NOTFOUND;
	if ((e = store_article_by_id(st, req->arena, out->article_id, &a)) !=
	    STORE_OK)
		return e;
	return article_is_public(&a, now) ? STORE_OK : STORE_NOTFOUND;
}

static void
send_comment(struct http_resp *resp, const struct comment *cm,
    const struct api_caller *c)
{
	resp->content_type = "application/json";
	export_comment_json(&resp->body, cm, moderator(c));
	buf_putc(&resp->body, '\n');
	read_headers(resp, c);
}

void
api_comment(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site *s = ctx;
	struct store	  *st;
	struct api_caller  c;
	struct api_problem p;
	struct api_json	  *doc = NULL;
	struct comment	   cm, got;
	int64_t		   now = (int64_t)time(NULL);
	enum store_err	   e;
	bool read = req->method == HTTP_GET || req->method == HTTP_HEAD;

	if (!api_begin(req, resp, s, ALLOW_ITEM, &st, &c))
		return;
	if (!read && !need_moderator(req, resp, &c))
		return;
	if (req->method == HTTP_PATCH && !api_content_type_ok(req, resp, true))
		return;
	if (req->args.n > 0) {
		api_error(resp, req->arena, 400, NULL,
		    "this takes no query "
		    "parameters");
		return;
	}
	if ((e = comment_find(req, st, &c, &cm)) == STORE_NOTFOUND) {
		api_error(resp, req->arena, 404, NULL, "no such comment");
		return;
	}
	if (e != STORE_OK) {
		api_store_failed(req, resp, st);
		return;
	}
	switch (req->method) {
	case HTTP_GET:
	case HTTP_HEAD:
		send_comment(resp, &cm, &c);
		return;
	case HTTP_DELETE:
		/* Soft: the comment stays, as deleted, so nothing is lost by
		 * a wrong click and its replies keep their place. */
		if (cm.status != COMMENT_DELETED &&
		    (e = store_comment_set_status(st, cm.id, COMMENT_DELETED,
			 now)) != STORE_OK &&
		    e != STORE_NOTFOUND) {
			api_store_failed(req, resp, st);
			return;
		}
		resp->status = 204;
		return;
	default:
		break;
	}
	if ((doc = api_json_parse(req->arena, req->body, req->body_len, &p)) ==
	    NULL) {
		api_problem_send(resp, &p);
		return;
	}
	if (!api_comment_patch(req->arena, doc, now, &cm, &p)) {
		api_problem_send(resp, &p);
		goto out;
	}
	if ((e = store_comment_update(st, &cm)) == STORE_NOTFOUND) {
		api_error(resp, req->arena, 404, NULL, "no such comment");
		goto out;
	}
	if (e != STORE_OK ||
	    store_comment_get(st, req->arena, cm.id, &got) != STORE_OK) {
		api_store_failed(req, resp, st);
		goto out;
	}
	send_comment(resp, &got, &c);
out:
	api_json_free(doc);
}

/* v1.c: /api/v1 handlers: articles (list, get, create, replace, patch,
 * delete).
 *
 * The routes take every method and dispatch here, so a wrong method gets
 * a problem document with Allow like every other API error. Writes need
 * "Authorization: Bearer TOKEN" and act with that user's role; cookies are
 * never looked at, so there is nothing for a cross-site form to ride on.
 * What a role may do to an article is acl_article_refused()'s to say, the
 * same function the admin pages ask (admin/acl.h). An article the caller
 * may not see is a 404, never a 403, so drafts' slugs cannot be probed.
 * Every write is one store call, which is one transaction. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "api/api-int.h"
#include "api/api.h"
#include "auth/acl.h"
#include "auth/auth.h"
#include "site/page.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

#define ALLOW_LIST (HTTP_M(HTTP_GET) | HTTP_M(HTTP_POST))
#define ALLOW_ITEM \
	(HTTP_M(HTTP_GET) | HTTP_M(HTTP_PUT) | HTTP_M(HTTP_PATCH) | \
	    HTTP_M(HTTP_DELETE))

static void
allow_header(struct http_resp *resp, struct arena *a, unsigned mask)
{
	static const char *const names[HTTP_METHOD__MAX] = { "GET", "HEAD",
		"POST", "PUT", "PATCH", "DELETE", "OPTIONS" };
	struct buf		 b = BUF_INIT;
	int			 i;

	mask |= HTTP_M(HTTP_HEAD) | HTTP_M(HTTP_OPTIONS);
	for (i = 0; i < HTTP_METHOD__MAX; i++)
		if (mask & HTTP_M(i))
			buf_printf(&b, "%s%s", b.len ? ", " : "", names[i]);
	http_resp_header(resp, "Allow", arena_strndup(a, buf_str(&b), b.len));
	buf_free(&b);
}

/* OPTIONS and wrong methods; true when answered. */
bool
api_method_check(struct http_req *req, struct http_resp *resp, unsigned mask)
{
	unsigned m = HTTP_M(req->method);

	if (req->method == HTTP_HEAD)
		m = HTTP_M(HTTP_GET);
	if (req->method == HTTP_OPTIONS) {
		resp->status = 204;
		allow_header(resp, req->arena, mask);
		return true;
	}
	if (mask & m)
		return false;
	api_error(resp, req->arena, 405, NULL, "%s is not allowed here",
	    req->method == HTTP_GET	  ? "GET" :
		req->method == HTTP_POST  ? "POST" :
		req->method == HTTP_PUT	  ? "PUT" :
		req->method == HTTP_PATCH ? "PATCH" :
					    "DELETE");
	allow_header(resp, req->arena, mask);
	return true;
}

void
api_store_failed(struct http_req *req, struct http_resp *resp, struct store *st)
{
	fprintf(stderr, "gazette: serve: api: database: %s\n",
	    st ? store_errmsg(st) : "cannot open");
	api_error(resp, req->arena, 503, NULL,
	    "the database is not "
	    "available; try again shortly");
	http_resp_retry_after(resp, NULL, HTTP_RETRY_S);
}

/* Reads the bearer token, if any. Returns false when it answered (a token
 * that is malformed, unknown or revoked is a 401, not anonymous). */
bool
api_caller_get(struct http_req *req, struct http_resp *resp, struct store *st,
    struct api_caller *c)
{
	const char    *h = http_req_header(req, "Authorization"), *tok;
	char	       digest[AUTH_DIGEST_LEN + 1];
	enum store_err e;
	size_t	       n;

	memset(c, 0, sizeof(*c));
	if (h == NULL)
		return true;
	if (strncasecmp(h, "Bearer ", 7) != 0) {
		api_error(resp, req->arena, 401, NULL,
		    "the Authorization "
		    "header must be 'Bearer TOKEN'");
		http_resp_header(resp, "WWW-Authenticate", "Bearer");
		return false;
	}
	tok = h + 7;
	while (*tok == ' ')
		tok++;
	n = strlen(tok);
	while (n > 0 && tok[n - 1] == ' ')
		n--;
	if (n == 0 || n > 256) {
		api_error(resp, req->arena, 401, NULL,
		    "the token is not "
		    "valid");
		http_resp_header(resp, "WWW-Authenticate",
		    "Bearer error=\"invalid_token\"");
		return false;
	}
	auth_token_digest(tok, n, digest);
	e = store_token_user(st, req->arena, digest, &c->user);
	if (e == STORE_NOTFOUND) {
		api_error(resp, req->arena, 401, NULL,
		    "the token is not "
		    "valid (unknown or revoked)");
		http_resp_header(resp, "WWW-Authenticate",
		    "Bearer error=\"invalid_token\"");
		return false;
	}
	if (e != STORE_OK) {
		api_store_failed(req, resp, st);
		return false;
	}
	c->token = true;
	return true;
}

bool
api_begin(struct http_req *req, struct http_resp *resp, const struct site *s,
    unsigned mask, struct store **st, struct api_caller *c)
{
	if (api_method_check(req, resp, mask))
		return false;
	if ((*st = site_store(s)) == NULL) {
		api_store_failed(req, resp, *st);
		return false;
	}
	return api_caller_get(req, resp, *st, c);
}

bool
api_need_token(struct http_req *req, struct http_resp *resp,
    const struct api_caller *c)
{
	if (c->token)
		return true;
	api_error(resp, req->arena, 401, NULL,
	    "this needs an API token: "
	    "Authorization: Bearer TOKEN (gazette token create NAME)");
	http_resp_header(resp, "WWW-Authenticate", "Bearer");
	return false;
}

static const char *
byline(const struct user *u)
{
	return u->display_name && *u->display_name ? u->display_name : u->name;
}

/* Whether c may see a (any article, public or not). */
bool
api_may_read(const struct api_caller *c, const struct article *a, int64_t now)
{
	if (article_is_public(a, now))
		return true;
	return c->token &&
	    acl_article_refused(&c->user, ACL_ARTICLE_VIEW, a, a->status) ==
	    ACL__MAX;
}

/* Answers 403 when c may not do action to cur (NULL: a new article) with
 * status want; false then. A refused status names the field "status". */
static bool
acl_check(struct http_req *req, struct http_resp *resp,
    const struct api_caller *c, enum acl_action action,
    const struct article *cur, enum article_status want)
{
	enum acl_action no = acl_article_refused(&c->user, action, cur, want);

	if (no == ACL__MAX)
		return true;
	api_error(resp, req->arena, 403,
	    no == ACL_ARTICLE_PUBLISH ? "status" : NULL,
	    "role %s may not %s; an editor may", user_role_name(c->user.role),
	    acl_action_name(no));
	return false;
}

/* The media type of the body must be JSON (merge patch too for PATCH);
 * the only parameter taken is charset=utf-8. */
bool
api_content_type_ok(struct http_req *req, struct http_resp *resp, bool patch)
{
	const char *h = http_req_header(req, "Content-Type"), *semi, *p;
	struct sv   mt, par;

	if (h == NULL)
		goto bad;
	semi = strchr(h, ';');
	mt = sv_trim((struct sv){ h, semi ? (size_t)(semi - h) : strlen(h) });
	if (!(mt.n == 16 && strncasecmp(mt.p, "application/json", 16) == 0) &&
	    !(patch && mt.n == 28 &&
		strncasecmp(mt.p, "application/merge-patch+json", 28) == 0))
		goto bad;
	for (p = semi; p; p = semi) {
		semi = strchr(p + 1, ';');
		par = sv_trim((struct sv){ p + 1,
		    semi ? (size_t)(semi - p - 1) : strlen(p + 1) });
		if (par.n == 0)
			continue;
		if (!(par.n == 13 &&
			strncasecmp(par.p, "charset=utf-8", 13) == 0) &&
		    !(par.n == 15 &&
			strncasecmp(par.p, "charset=\"utf-8\"", 15) == 0))
			goto bad;
	}
	return true;
bad:
	api_error(resp, req->arena, 415, NULL, "send the body as %s",
	    patch ? "application/merge-patch+json or application/json" :
		    "application/json");
	if (patch)
		http_resp_header(resp, "Accept-Patch",
		    "application/merge-patch+json, application/json");
	return false;
}

static const char *
abs_url(const struct site *s, struct arena *a, const struct article *art,
    int64_t now)
{
	if (!article_is_public(art, now))
		return NULL;
	return arena_printf(a, "%s%s", s->base_url, article_path(s, a, art));
}

static void
send_article(struct http_req *req, struct http_resp *resp, const struct site *s,
    const struct article *art, int64_t now)
{
	resp->content_type = "application/json";
	api_article_json(&resp->body, art, abs_url(s, req->arena, art, now));
	buf_putc(&resp->body, '\n');
	http_resp_header(resp, "ETag",
	    arena_printf(req->arena, "\"v%lld\"", (long long)art->version));
}

/* GET /api/v1/articles */
static void
articles_list(struct http_req *req, struct http_resp *resp,
    const struct site *s, struct store *st, const struct api_caller *c)
{
	/* The route's cursor, limit, status, tag and author (strict). */
	const struct form    *q = &req->args;
	struct article_filter f = { 0 };
	struct article_list   l;
	struct buf	     *b = &resp->body;
	const char	     *v;
	size_t		      n, i;
	int64_t		      lim = API_LIMIT_DEF, now = (int64_t)time(NULL);
	enum article_status   status = ARTICLE_PUBLISHED;
	enum store_err	      e;

	if ((v = form_get(q, "limit", &n)) != NULL &&
	    (n > 4 || !parse_int(v, n, 1, API_LIMIT_MAX, &lim))) {
		api_error(resp, req->arena, 400, "limit",
		    "limit must be a "
		    "number from 1 to %d",
		    API_LIMIT_MAX);
		return;
	}
	if ((v = form_get(q, "cursor", &n)) != NULL &&
	    !api_cursor_decode(v, n, &f.before_time, &f.before_id)) {
		api_error(resp, req->arena, 400, "cursor",
		    "the cursor is not "
		    "one this server gave out");
		return;
	}
	if ((v = form_get(q, "status", &n)) != NULL &&
	    !article_status_parse(v, &status)) {
		api_error(resp, req->arena, 400, "status",
		    "status must be "
		    "'published', 'draft' or 'scheduled'");
		return;
	}
	if ((v = form_get(q, "tag", &n)) != NULL) {
		if (!slug_valid(v, n)) {
			api_error(resp, req->arena, 400, "tag",
			    "tag must be a "
			    "tag's slug, as in /tags/SLUG");
			return;
		}
		f.tag_slug = v;
	}
	if ((v = form_get(q, "author", &n)) != NULL) {
		if (n == 0 || n > 200) {
			api_error(resp, req->arena, 400, "author",
			    "author "
			    "must be a byline of 1 to 200 bytes");
			return;
		}
		f.author = v;
	}
	if (status == ARTICLE_PUBLISHED) {
		f.public = true;
		f.now = now;
	} else {
		if (!api_need_token(req, resp, c))
			return;
		f.status = article_status_name(status);
		/* Those who may not list everyone's see their own: owned
		 * by id, as the item is, never matched by byline text. */
		if (!acl_allows(c->user.role, ACL_ARTICLE_LIST_ALL, false))
			f.author_id = c->user.id;
	}
	f.limit = (size_t)lim;
	f.with_body = true;
	if ((e = store_article_list(st, req->arena, &f, &l)) != STORE_OK) {
		api_store_failed(req, resp, st);
		return;
	}
	resp->content_type = "application/json";
	buf_puts(b, "{\"items\":[");
	for (i = 0; i < l.n; i++) {
		if (i)
			buf_putc(b, ',');
		api_article_json(b, &l.items[i],
		    abs_url(s, req->arena, &l.items[i], now));
	}
	buf_puts(b, "],\"next_cursor\":");
	if (l.more && l.n > 0) {
		buf_putc(b, '"');
		api_cursor_encode(b, l.items[l.n - 1].published_at,
		    l.items[l.n - 1].id);
		buf_putc(b, '"');
	} else
		buf_puts(b, "null");
	buf_puts(b, "}\n");
	if (f.public && !c->token)
		http_resp_header(resp, "Access-Control-Allow-Origin", "*");
	else
		http_resp_header(resp, "Cache-Control", "private, no-store");
}

static void
write_problem(struct http_req *req, struct http_resp *resp,
    const struct api_problem *p)
{
	(void)req;
	api_problem_send(resp, p);
}

/* May c save a over old (NULL on create)? acl_article_refused decides
 * the article; the byline is the API's own: only those who may edit
 * others' articles (editors) write under another name. */
static bool
save_check(struct http_req *req, struct http_resp *resp,
    const struct api_caller *c, const struct article *old,
    const struct article *a, const struct api_article_req *r)
{
	if (!acl_check(req, resp, c,
		old ? ACL_ARTICLE_EDIT : ACL_ARTICLE_CREATE, old, a->status))
		return false;
	if (!acl_allows(c->user.role, ACL_ARTICLE_EDIT, false) &&
	    r->has_author && strcmp(a->author, byline(&c->user)) != 0 &&
	    (old == NULL || strcmp(a->author, old->author) != 0)) {
		api_error(resp, req->arena, 403, "author",
		    "an author writes "
		    "under their own byline");
		return false;
	}
	return true;
}

/* POST /api/v1/articles */
static void
articles_create(struct http_req *req, struct http_resp *resp,
    const struct site *s, struct store *st, const struct api_caller *c)
{
	struct api_problem     p;
	struct api_article_req r;
	struct api_json	      *doc = NULL;
	struct article	       a, got;
	int64_t		       now = (int64_t)time(NULL);
	enum store_err	       e;

	if (!api_need_token(req, resp, c) ||
	    !api_content_type_ok(req, resp, false))
		return;
	if (req->args.n > 0) {
		api_error(resp, req->arena, 400, NULL,
		    "this takes no query "
		    "parameters");
		return;
	}
	if ((doc = api_json_parse(req->arena, req->body, req->body_len, &p)) ==
	    NULL) {
		write_problem(req, resp, &p);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.created_at = now;
	if (!api_article_apply(req->arena, doc, API_CREATE, now, &a, &r, &p)) {
		write_problem(req, resp, &p);
		goto out;
	}
	if (a.author == NULL)
		a.author = byline(&c->user);
	if (!save_check(req, resp, c, NULL, &a, &r))
		goto out;
	a.author_id = c->user.id;
	a.created_at = a.updated_at = now;
	if ((e = store_article_insert(st, &a)) == STORE_CONFLICT) {
		api_error(resp, req->arena, 409, "slug",
		    "slug '%s' is taken "
		    "by another article",
		    a.slug);
		goto out;
	}
	if (e != STORE_OK) {
		api_store_failed(req, resp, st);
		goto out;
	}
	/* Saved: a failed read-back must not report the save as failed
	 * (a retry would then conflict), so answer with what was written. */
	if (store_article_by_id(st, req->arena, a.id, &got) != STORE_OK)
		got = a;
	send_article(req, resp, s, &got, now);
	resp->status = 201;
	http_resp_header(resp, "Location",
	    arena_printf(req->arena, "/api/v1/articles/%s", got.slug));
out:
	api_json_free(doc);
}

void
api_articles(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site *s = ctx;
	struct store	  *st;
	struct api_caller  c;

	if (!api_begin(req, resp, s, ALLOW_LIST, &st, &c))
		return;
	if (req->method == HTTP_POST)
		articles_create(req, resp, s, st, &c);
	else
		articles_list(req, resp, s, st, &c);
}

/* PUT and PATCH /api/v1/articles/SLUG */
static void
article_write(struct http_req *req, struct http_resp *resp,
    const struct site *s, struct store *st, const struct api_caller *c,
    struct article *old)
{
	struct api_problem     p;
	struct api_article_req r;
	struct api_json	      *doc = NULL;
	struct article	       a, got;
	int64_t		       now = (int64_t)time(NULL);
	bool		       patch = req->method == HTTP_PATCH;
	enum store_err	       e;

	if (!api_content_type_ok(req, resp, patch))
		return;
	if ((doc = api_json_parse(req->arena, req->body, req->body_len, &p)) ==
	    NULL) {
		write_problem(req, resp, &p);
		return;
	}
	a = *old;
	if (!api_article_apply(req->arena, doc, patch ? API_PATCH : API_REPLACE,
		now, &a, &r, &p)) {
		write_problem(req, resp, &p);
		goto out;
	}
	if (!save_check(req, resp, c, old, &a, &r))
		goto out;
	if (r.has_version && r.version != old->version) {
		api_error(resp, req->arena, 409, "version",
		    "the article was "
		    "saved since version %lld was read (it is at version "
		    "%lld); read it again and reapply the change",
		    (long long)r.version, (long long)old->version);
		goto out;
	}
	a.version = old->version;
	e = store_article_update(st, &a, byline(&c->user), now);
	if (e == STORE_STALE) {
		api_error(resp, req->arena, 409, "version",
		    "the article was "
		    "saved by someone else meanwhile; read it again");
		goto out;
	}
	if (e == STORE_CONFLICT) {
		api_error(resp, req->arena, 409, "slug",
		    "slug '%s' is taken "
		    "by another article",
		    a.slug);
		goto out;
	}
	if (e == STORE_NOTFOUND) {
		api_error(resp, req->arena, 404, NULL, "no such article");
		goto out;
	}
	if (e != STORE_OK) {
		api_store_failed(req, resp, st);
		goto out;
	}
	/* Saved: answer with what was written if it cannot be read back. */
	if (store_article_by_id(st, req->arena, a.id, &got) != STORE_OK)
		got = a;
	send_article(req, resp, s, &got, now);
out:
	api_json_free(doc);
}

void
api_article(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site *s = ctx;
	struct store	  *st;
	struct api_caller  c;
	struct article	   a;
	const char	  *slug;
	int64_t		   now = (int64_t)time(NULL);
	enum store_err	   e;

	if (!api_begin(req, resp, s, ALLOW_ITEM, &st, &c))
		return;
	if (req->method != HTTP_GET && req->method != HTTP_HEAD &&
	    !api_need_token(req, resp, &c))
		return;
	if (req->args.n > 0) {
		api_error(resp, req->arena, 400, NULL,
		    "this takes no query "
		    "parameters");
		return;
	}
	slug = arena_strndup(req->arena, req->params[0].p, req->params[0].n);
	e = slug_valid(slug, strlen(slug)) ?
	    store_article_by_slug(st, req->arena, slug, &a) :
	    STORE_NOTFOUND;
	/* What the caller may not see does not exist for them: a 403
	 * would tell that the slug is taken by someone's draft. */
	if (e == STORE_OK && !api_may_read(&c, &a, now))
		e = STORE_NOTFOUND;
	if (e == STORE_NOTFOUND) {
		api_error(resp, req->arena, 404, NULL,
		    "no article has the "
		    "slug '%s'",
		    slug_valid(slug, strlen(slug)) ? slug : "?");
		return;
	}
	if (e != STORE_OK) {
		api_store_failed(req, resp, st);
		return;
	}
	switch (req->method) {
	case HTTP_GET:
	case HTTP_HEAD:
		send_article(req, resp, s, &a, now);
		if (!c.token)
			http_resp_header(resp, "Access-Control-Allow-Origin",
			    "*");
		else
			http_resp_header(resp, "Cache-Control",
			    "private, no-store");
		return;
	case HTTP_DELETE:
		if (!acl_check(req, resp, &c, ACL_ARTICLE_DELETE, &a, a.status))
			return;
		if ((e = store_article_delete(st, a.id)) != STORE_OK &&
		    e != STORE_NOTFOUND) {
			api_store_failed(req, resp, st);
			return;
		}
		resp->status = 204;
		return;
	default:
		article_write(req, resp, s, st, &c, &a);
		return;
	}
}

bool
api_bad_query(struct http_req *req, struct http_resp *resp, const char *param,
    const char *msg)
{
	if (strncmp(req->path, "/api/", 5) != 0)
		return false;
	api_error(resp, req->arena, 400, param, "%s", msg);
	return true;
}

bool
api_path(const char *path)
{
	return strncmp(path, "/api/", 5) == 0 || strcmp(path, "/api") == 0;
}

void
api_unknown(struct http_req *req, struct http_resp *resp, void *ctx)
{
	(void)ctx;
	api_not_found(req, resp);
}

bool
api_not_found(struct http_req *req, struct http_resp *resp)
{
	if (!api_path(req->path))
		return false;
	api_error(resp, req->arena, 404, NULL,
	    "there is no API resource "
	    "at this path; see /api/v1/articles");
	return true;
}

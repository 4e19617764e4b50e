/* page-admin.c: the admin's sign-in, sessions and CSRF, the dashboard, and
 * the /admin route table.
 *
 * A session is a 256-bit secret in the gz_session cookie (HttpOnly,
 * SameSite=Lax, Path=/admin, Secure under an https base URL); the database
 * keeps only its digest, with the session's own CSRF token. Sessions end
 * after SESSION_IDLE_S without a request or SESSION_MAX_S after sign-in,
 * whichever comes first, checked on every request. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "admin/admin.h"
#include "auth/auth.h"
#include "render/esc.h"
#include "util/str.h"

#define SESSION_COOKIE "gz_session"
#define LOGIN_COOKIE   "gz_login" /* the sign-in form's own CSRF */
#define SESSION_IDLE_S (2 * 3600)
#define SESSION_MAX_S  (12 * 3600)
#define TOUCH_EVERY_S  60 /* seen_at is rewritten at most this often */
#define MAX_FIELDS     64

static bool
secure_site(const struct site *s)
{
	return strncmp(s->base_url, "https://", 8) == 0;
}

const char *
admin_field(const struct admin_req *ar, const char *name, size_t *len)
{
	const char *v = form_get(&ar->form, name, len);

	if (v == NULL) {
		if (len)
			*len = 0;
		return "";
	}
	return v;
}

const char *
admin_time(const struct admin_req *ar, struct arena *a, int64_t t)
{
	struct tm tm;

	if (t == 0)
		return "";
	site_time(ar->site, t, &tm);
	return arena_printf(a, "%04d-%02d-%02d %02d:%02d", tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min);
}

void
admin_store_failed(struct http_resp *resp, struct store *st)
{
	fprintf(stderr, "gazette: admin: database: %s\n",
	    st ? store_errmsg(st) : "cannot open");
	buf_reset(&resp->body);
	http_resp_unavailable(resp,
	    "the database is not available; "
	    "try again shortly");
}

/* Whether next is a path on this site's admin that a sign-in may send the
 * browser to: a plain relative path, so never another host ("//evil",
 * "/\evil", "https:…"). */
static bool
next_ok(const char *next)
{
	const char *p;

	if (strncmp(next, "/admin", 6) != 0 ||
	    (next[6] != '\0' && next[6] != '/' && next[6] != '?'))
		return false;
	if (strlen(next) > 1000)
		return false;
	for (p = next; *p; p++)
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
			(*p >= '0' && *p <= '9') || strchr("/-_.~?=&%+", *p)))
			return false;
	return strstr(next, "//") == NULL;
}

static void
to_login(struct http_req *req, struct http_resp *resp, const char *why)
{
	struct buf  b = BUF_INIT;
	const char *next = req->path;

	if (req->method == HTTP_GET && *req->query)
		next = arena_printf(req->arena, "%s?%s", req->path, req->query);
	buf_puts(&b, "/admin/login");
	if (next_ok(next) && strcmp(req->path, "/admin/login") != 0) {
		buf_puts(&b, "?next=");
		esc_url_arg(&b, next, strlen(next));
		if (why)
			buf_printf(&b, "&why=%s", why);
	} else if (why)
		buf_printf(&b, "?why=%s", why);
	http_resp_redirect(resp, 303,
	    arena_strndup(req->arena, buf_str(&b), b.len));
	http_resp_header(resp, "Cache-Control", "no-store");
	buf_free(&b);
}

static const char *
cookie_line(struct http_req *req, const struct site *s, const char *name,
    const char *value, const char *path, const char *samesite, long max_age)
{
	return arena_printf(req->arena,
	    "%s=%s; Path=%s; Max-Age=%ld; "
	    "HttpOnly; SameSite=%s%s",
	    name, value, path, max_age, samesite,
	    secure_site(s) ? "; Secure" : "");
}

/* The live session of req into *out; false (and why) otherwise. An
 * expired one is deleted on the way. */
static bool
session_of(struct http_req *req, struct store *st, int64_t now,
    struct session *out, const char **why, enum store_err *err)
{
	char	       digest[AUTH_DIGEST_LEN + 1];
	const char    *tok = http_req_cookie(req, SESSION_COOKIE);
	enum store_err e;

	*why = NULL;
	*err = STORE_OK;
	if (tok == NULL || strlen(tok) != AUTH_TOKEN_LEN ||
	    strncmp(tok, "gz_", 3) != 0)
		return false;
	auth_token_digest(tok, strlen(tok), digest);
	if ((e = store_session_get(st, req->arena, digest, out)) != STORE_OK) {
		if (e != STORE_NOTFOUND)
			*err = e;
		return false;
	}
	if (now - out->seen_at > SESSION_IDLE_S ||
	    now - out->created_at > SESSION_MAX_S || out->seen_at > now + 300) {
		store_session_delete(st, digest);
		*why = "expired";
		return false;
	}
	if (now - out->seen_at >= TOUCH_EVERY_S)
		store_session_touch(st, digest, now);
	return true;
}

bool
admin_begin(struct http_req *req, struct http_resp *resp, const struct site *s,
    struct admin_req *ar)
{
	const char    *why, *csrf;
	enum store_err e;

	memset(ar, 0, sizeof(*ar));
	ar->site = s;
	ar->now = (int64_t)time(NULL);
	http_resp_header(resp, "Cache-Control", "no-store");
	if ((ar->st = site_store(s)) == NULL) {
		admin_store_failed(resp, NULL);
		return false;
	}
	if (!session_of(req, ar->st, ar->now, &ar->sess, &why, &e)) {
		if (e != STORE_OK)
			admin_store_failed(resp, ar->st);
		else
			to_login(req, resp, why);
		return false;
	}
	if (req->method != HTTP_POST) {
		ar->form = req->args; /* the route's (admin_routes) */
		return true;
	}
	/* Every change comes as a POST carrying the session's token, which
	 * another site cannot read and so cannot forge. */
	if (form_parse(req->arena, req->body, req->body_len, MAX_FIELDS,
		&ar->form) != FORM_OK ||
	    (csrf = form_get(&ar->form, "csrf", NULL)) == NULL ||
	    !auth_equal(csrf, ar->sess.csrf)) {
		http_resp_text(resp, 403,
		    "this form has expired or did not "
		    "come from this site: go back, reload the page and try "
		    "again");
		return false;
	}
	return true;
}

struct tval *
admin_root(struct http_req *req, const struct admin_req *ar, const char *title,
    const char *msg)
{
	struct arena  *a = req->arena;
	struct tval   *root = tv_map(a), *site = tv_map(a), *me = tv_map(a);
	enum user_role r = ar->sess.user.role;
	int64_t	       pending;

	tv_set(a, root, "site", site);
	tv_set_str(a, site, "title", ar->site->title);
	tv_set_str(a, site, "language", ar->site->language);
	tv_set(a, root, "me", me);
	tv_set_str(a, me, "name", ar->sess.user.name);
	tv_set_str(a, me, "role", user_role_name(r));
	tv_set_bool(a, me, "can_users", acl_allows(r, ACL_USER_MANAGE, false));
	tv_set_bool(a, me, "can_settings", acl_allows(r, ACL_SETTINGS, false));
	tv_set_bool(a, me, "can_moderate",
	    acl_allows(r, ACL_COMMENT_MODERATE, false));
	/* The header's pending count, for those who can act on it: one
	 * count over the index comments_status. A failure only hides it. */
	if (acl_allows(r, ACL_COMMENT_MODERATE, false) &&
	    store_comment_count_status(ar->st, COMMENT_PENDING, &pending) ==
		STORE_OK)
		tv_set_int(a, me, "pending", pending);
	tv_set_str(a, root, "csrf", ar->sess.csrf);
	tv_set_str(a, root, "title", title);
	if (msg && *msg)
		tv_set_str(a, root, "msg", msg);
	return root;
}

void
admin_render(struct http_resp *resp, const struct admin_req *ar,
    const char *name, const struct tval *root)
{
	if (!tmpl_render(ar->site->tmpl, name, root, &resp->body) ||
	    buf_err(&resp->body)) {
		buf_free(&resp->body);
		http_resp_text(resp, 500, "the page could not be rendered");
		fprintf(stderr, "gazette: admin: template '%s' failed\n", name);
	}
}

void
admin_forbidden(struct http_req *req, struct http_resp *resp,
    const struct admin_req *ar, const char *what)
{
	struct tval *root = admin_root(req, ar, "Not allowed", NULL);

	tv_set_str(req->arena, root, "what", what);
	buf_reset(&resp->body);
	admin_render(resp, ar, "admin/denied.html", root);
	if (resp->status == 200)
		resp->status = 403;
}

/*
 * Sign-in and sign-out
 */

static void
login_page(struct http_req *req, struct http_resp *resp, const struct site *s,
    const char *token, const char *name, const char *next, const char *msg)
{
	struct arena *a = req->arena;
	struct tval  *root = tv_map(a), *site = tv_map(a);

	tv_set(a, root, "site", site);
	tv_set_str(a, site, "title", s->title);
	tv_set_str(a, site, "language", s->language);
	tv_set_str(a, root, "title", "Sign in");
	tv_set_str(a, root, "csrf", token);
	tv_set_str(a, root, "name", name);
	tv_set_str(a, root, "next", next);
	if (msg)
		tv_set_str(a, root, "msg", msg);
	http_resp_header(resp, "Cache-Control", "no-store");
	if (!tmpl_render(s->tmpl, "admin/login.html", root, &resp->body) ||
	    buf_err(&resp->body)) {
		buf_free(&resp->body);
		http_resp_text(resp, 500, "the page could not be rendered");
	}
}

static const char *
why_text(const char *why)
{
	if (why == NULL)
		return NULL;
	if (strcmp(why, "expired") == 0)
		return "Your session has expired. Please sign in again.";
	if (strcmp(why, "out") == 0)
		return "You have signed out.";
	if (strcmp(why, "password") == 0)
		return "Your password was changed, which signed you out "
		       "everywhere. Please sign in with the new one.";
	return NULL;
}

void
admin_login(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site *s = ctx;
	struct store	  *st = site_store(s);
	char	       token[AUTH_TOKEN_LEN + 1], digest[AUTH_DIGEST_LEN + 1];
	char	       csrf[AUTH_TOKEN_LEN + 1];
	const char    *pre, *name, *pw, *next, *why, *old;
	struct session cur;
	struct form    f;
	struct user    u;
	size_t	       pwlen, namelen;
	int64_t	       now = (int64_t)time(NULL), wait;
	enum store_err e;
	bool	       known, ok;

	if (st == NULL) {
		admin_store_failed(resp, NULL);
		return;
	}
	if (req->method != HTTP_POST) {
		f = req->args;
		next = form_get(&f, "next", NULL);
		if (next == NULL || !next_ok(next))
			next = "/admin";
		if (session_of(req, st, now, &cur, &why, &e)) {
			http_resp_redirect(resp, 303, next);
			return;
		}
		/* The form's own anti-forgery token, in a cookie only this
		 * path sees: no other site can sign a browser in to an
		 * account of theirs. */
		auth_token_new(token);
		http_resp_header(resp, "Set-Cookie",
		    cookie_line(req, s, LOGIN_COOKIE, token, "/admin/login",
			"Strict", 3600));
		why = form_get(&f, "why", NULL);
		login_page(req, resp, s, arena_strdup(req->arena, token), "",
		    next, why_text(why));
		return;
	}

	if (form_parse(req->arena, req->body, req->body_len, MAX_FIELDS, &f) !=
	    FORM_OK)
		memset(&f, 0, sizeof(f));
	pre = http_req_cookie(req, LOGIN_COOKIE);
	name = form_get(&f, "username", &namelen);
	pw = form_get(&f, "password", &pwlen);
	next = form_get(&f, "next", NULL);
	if (next == NULL || !next_ok(next))
		next = "/admin";
	if (pre == NULL || form_get(&f, "csrf", NULL) == NULL ||
	    !auth_equal(pre, form_get(&f, "csrf", NULL))) {
		http_resp_text(resp, 403,
		    "the sign-in form has expired or "
		    "cookies are off: reload the sign-in page and try again");
		return;
	}
	if (name == NULL || pw == NULL || namelen == 0 || namelen > 64 ||
	    text_check(name, namelen, false) != NULL || pwlen == 0 ||
	    pwlen > AUTH_PASSWORD_MAX) {
		resp->status = 400;
		login_page(req, resp, s, pre,
		    name && namelen <= 64 && !text_check(name, namelen, false) ?
			name :
			"",
		    next, "Enter your user name and password.");
		return;
	}
	if ((wait = login_limit_wait(req->client, name, now)) > 0) {
		resp->status = 429;
		http_resp_retry_after(resp, req->arena, wait);
		login_page(req, resp, s, pre, name, next,
		    arena_printf(req->arena,
			"Too many failed sign-ins. Try again in %lld "
			"minutes.",
			(long long)(wait + 59) / 60));
		return;
	}
	e = store_user_by_name(st, req->arena, name, &u);
	if (e != STORE_OK && e != STORE_NOTFOUND) {
		admin_store_failed(resp, st);
		return;
	}
	known = e == STORE_OK && u.pw_hash[0] != '\0';
	/* Same work whether or not the name exists. */
	ok = auth_password_verify(known ? u.pw_hash : NULL, pw, pwlen);
	if (!ok || !known) {
		login_limit_fail(req->client, name, now);
		resp->status = 401;
		login_page(req, resp, s, pre, name, next,
		    "Wrong user name or password.");
		return;
	}
	login_limit_success(name);

	/* A new secret on every sign-in: a session fixed beforehand by
	 * someone else is dropped, never promoted. */
	if ((old = http_req_cookie(req, SESSION_COOKIE)) != NULL) {
		auth_token_digest(old, strlen(old), digest);
		store_session_delete(st, digest);
	}
	store_session_purge(st, now - SESSION_IDLE_S, now - SESSION_MAX_S);
	auth_token_new(token);
	auth_token_new(csrf);
	auth_token_digest(token, strlen(token), digest);
	if (store_session_add(st, digest, u.id, csrf, now) != STORE_OK) {
		admin_store_failed(resp, st);
		return;
	}
	http_resp_header(resp, "Set-Cookie",
	    cookie_line(req, s, SESSION_COOKIE, arena_strdup(req->arena, token),
		"/admin", "Lax", SESSION_MAX_S));
	http_resp_header(resp, "Set-Cookie",
	    cookie_line(req, s, LOGIN_COOKIE, "", "/admin/login", "Strict", 0));
	http_resp_header(resp, "Cache-Control", "no-store");
	http_resp_redirect(resp, 303, next);
}

void
admin_logout(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site *s = ctx;
	char		   digest[AUTH_DIGEST_LEN + 1];
	struct admin_req   ar;
	const char	  *tok;

	if (!admin_begin(req, resp, s, &ar))
		return;
	tok = http_req_cookie(req, SESSION_COOKIE);
	auth_token_digest(tok, strlen(tok), digest);
	if (store_session_delete(ar.st, digest) != STORE_OK) {
		admin_store_failed(resp, ar.st);
		return;
	}
	http_resp_header(resp, "Set-Cookie",
	    cookie_line(req, s, SESSION_COOKIE, "", "/admin", "Lax", 0));
	http_resp_redirect(resp, 303, "/admin/login?why=out");
}

/*
 * Dashboard and the places other modules fill
 */

void
admin_dashboard(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct admin_req ar;
	struct arena	*a = req->arena;
	struct tval	*root, *counts, *m;
	int64_t		 n, mine;
	int		 i;

	if (!admin_begin(req, resp, ctx, &ar))
		return;
	root = admin_root(req, &ar, "Dashboard", NULL);
	mine = acl_allows(ar.sess.user.role, ACL_ARTICLE_LIST_ALL, false) ?
	    0 :
	    ar.sess.user.id;
	counts = tv_list(a);
	for (i = 0; i < ARTICLE_STATUS__MAX; i++) {
		if (store_article_count_status(ar.st, (enum article_status)i,
			mine, &n) != STORE_OK) {
			admin_store_failed(resp, ar.st);
			return;
		}
		m = tv_map(a);
		tv_set_str(a, m, "status",
		    article_status_name((enum article_status)i));
		tv_set_int(a, m, "count", n);
		tv_push(a, counts, m);
	}
	tv_set(a, root, "counts", counts);
	admin_render(resp, &ar, "admin/dashboard.html", root);
}

void
admin_unknown(struct http_req *req, struct http_resp *resp, void *ctx)
{
	struct admin_req ar;

	if (!admin_begin(req, resp, ctx, &ar))
		return;
	page_not_found(req, resp, ctx);
	http_resp_header(resp, "Cache-Control", "no-store");
}

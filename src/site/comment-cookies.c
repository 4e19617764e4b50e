/* comment-cookies.c: the comment form's cookies: gz_csrf, the
 * anti-forgery token each reader of an article page gets once, and
 * gz_commenter, the browser's commenter id that an approval trusts. The
 * tokens themselves are made and checked by comment/ctx.c. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "comment/comment.h"
#include "site/comments.h"
#include "site/page.h"
#include "util/arena.h"

bool
comment_csrf_valid(const struct comment_ctx *c, const struct http_req *req,
    int64_t now, int64_t *issued)
{
	return comment_csrf_check(c, http_req_cookie(req, "gz_csrf"), now,
	    issued);
}

void
comment_csrf_issue(const struct comment_ctx *c, struct http_req *req,
    struct http_resp *resp, int64_t now)
{
	char hex[CSRF_HEX + 1];

	comment_csrf_make(c, now, hex);
	http_resp_header(resp, "Set-Cookie",
	    arena_printf(req->arena,
		"gz_csrf=%s; Path=/; HttpOnly; SameSite=Strict%s", hex,
		comment_ctx_is_secure(c) ? "; Secure" : ""));
}

void
comment_visitor(struct http_req *req, struct http_resp *hdrs, void *ctx)
{
	const struct comment_ctx *c = ctx;
	int64_t			  now = (int64_t)time(NULL);

	if (!comment_csrf_valid(c, req, now, NULL))
		comment_csrf_issue(c, req, hdrs, now);
}

void
comment_ctx_site(struct comment_ctx *c, const struct site *s)
{
	if (c != NULL)
		comment_ctx_secure(c, strncmp(s->base_url, "https://", 8) == 0);
}

void
comment_commenter_issue(const struct comment_ctx *c, struct http_req *req,
    struct http_resp *resp, const char *hex)
{
	http_resp_header(resp, "Set-Cookie",
	    arena_printf(req->arena,
		"gz_commenter=%s; Path=/; Max-Age=%d; HttpOnly; "
		"SameSite=Strict%s",
		hex, COMMENTER_MAX_AGE,
		comment_ctx_is_secure(c) ? "; Secure" : ""));
}

/* comment-post.c: POST /YYYY/MM/SLUG/comments, the HTTP half of a
 * reader's comment: the form read, the anti-forgery checks, the browser's
 * commenter cookie, and the answer; comment_accept (comment/accept.c)
 * decides the rest, as it does for the JSON API.
 *
 * The checks run cheapest and least revealing first: the request's shape
 * (415, 413), the article (404, 403), the anti-forgery token (403, nothing
 * stored), the fields (400, the form re-shown with the reader's text),
 * the minimum fill time (400, re-shown), the address's rate (429,
 * re-shown, Retry-After). A filled honeypot is stored as spam and answered
 * exactly like a held comment, so a bot learns nothing from the answer. */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "comment/comment.h"
#include "site/comments.h"
#include "site/page.h"
#include "util/arena.h"
#include "util/str.h"

/* Form fields this route reads at most; a longer form is refused. */
#define POST_FIELDS 32

static bool
form_type_ok(const struct http_req *req)
{
	static const char want[] = "application/x-www-form-urlencoded";
	const char	 *ct = http_req_header(req, "Content-Type");
	size_t		  n = sizeof(want) - 1;

	if (ct == NULL)
		return false;
	while (*ct == ' ' || *ct == '\t')
		ct++;
	return strncasecmp(ct, want, n) == 0 &&
	    (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ' || ct[n] == '\t');
}

/* A field's value as a C string in the arena ("" when absent); *n gets
 * its length, which is authoritative (a %00 makes an inner NUL). */
static const char *
field(const struct form *f, const char *name, size_t *n)
{
	const char *v = form_get(f, name, n);

	if (v == NULL) {
		*n = 0;
		return "";
	}
	return v;
}

/* Whether the browser says the post comes from a page of this site
 * (Fetch Metadata, else Origin). A page elsewhere, even on a sibling
 * subdomain able to plant cookies, is refused; a client that says
 * nothing (not a current browser) is left to the SameSite cookie. */
static bool
same_origin(const struct http_req *req, const struct site *s)
{
	const char *sfs = http_req_header(req, "Sec-Fetch-Site");
	const char *o = http_req_header(req, "Origin");
	const char *host = http_req_header(req, "Host"), *p, *b;
	size_t	    n;

	if (sfs != NULL)
		return strcmp(sfs, "same-origin") == 0 ||
		    strcmp(sfs, "none") == 0;
	if (o == NULL)
		return true;
	if ((p = strstr(o, "://")) == NULL)
		return false; /* "null" and anything else unreadable */
	if (host != NULL && strcasecmp(p + 3, host) == 0)
		return true;
	/* Behind a proxy that rewrites Host: the site's own base URL. */
	if ((b = strstr(s->base_url, "://")) == NULL)
		return false;
	n = (size_t)(b + 3 - s->base_url) + strcspn(b + 3, "/");
	return strlen(o) == n && strncasecmp(o, s->base_url, n) == 0;
}

static void
reshow(struct http_req *req, struct http_resp *resp, const struct site *s,
    const struct article *art, const char *path, struct comment_form *cf,
    int status)
{
	page_article_show(req, resp, s, art, path, cf);
	if (resp->status == 200)
		resp->status = status;
	http_resp_header(resp, "Cache-Control", "no-store");
}

void
comment_post(struct http_req *req, struct http_resp *resp, void *ctx)
{
	const struct site	 *s = ctx;
	struct comment_ctx	 *cc = s->comments;
	struct arena		 *a = req->arena;
	struct comment_form	  cf = { 0 };
	struct comment_submission sub = { 0 };
	struct comment		  c;
	struct article		  art;
	struct form		  f;
	const char		 *path = NULL, *token, *want, *hp, *p, *who;
	char			  fresh[COMMENTER_HEX + 1];
	size_t			  ntok, nhp, np;
	int64_t			  now = (int64_t)time(NULL), when, retry = 0;

	if (cc == NULL) {
		http_resp_text(resp, 503, "comments cannot be posted here");
		return;
	}
	if (!form_type_ok(req)) {
		http_resp_text(resp, 415,
		    "comments are sent as "
		    "application/x-www-form-urlencoded");
		return;
	}
	if (req->body_len > COMMENT_POST_MAX) {
		http_resp_text(resp, 413, "the comment is too large");
		return;
	}
	switch (page_article_lookup(req, s, &art, &path)) {
	case 0:
		break;
	case 301:
	case 404:
		page_not_found(req, resp, ctx);
		return;
	default:
		http_resp_unavailable(resp,
		    "the database is not available; "
		    "try again shortly");
		return;
	}
	if (comment_closed(s->close_days, &art, now)) {
		http_resp_text(resp, 403,
		    "comments are closed on this article");
		return;
	}
	if (form_parse(a, req->body, req->body_len, POST_FIELDS, &f) !=
	    FORM_OK) {
		http_resp_text(resp, 400, "the form data is malformed");
		return;
	}

	/* Anti-forgery (comment.h): this article's form token, a
	 * genuine token in this browser's SameSite cookie, and a browser
	 * that says the form was on one of our pages. */
	token = field(&f, "csrf", &ntok);
	want = comment_form_token(a, cc, art.id);
	if (token == NULL || ntok != strlen(want) ||
	    sodium_memcmp(token, want, ntok) != 0 ||
	    !comment_csrf_valid(cc, req, now, &when)) {
		http_resp_text(resp, 403,
		    "the form's security token does not "
		    "match this browser; reload the article and post again "
		    "(cookies must be on)");
		return;
	}
	if (!same_origin(req, s)) {
		http_resp_text(resp, 403,
		    "comments are posted from this "
		    "site's own pages only");
		return;
	}

	cf.author = field(&f, "author", &sub.nauthor);
	cf.email = field(&f, "email", &sub.nemail);
	cf.url = field(&f, "url", &sub.nurl);
	cf.body = field(&f, "body", &sub.nbody);
	p = field(&f, "parent", &np);
	hp = field(&f, "website2", &nhp);
	if (np > 0 &&
	    (np > 18 || !parse_int(p, np, 1, INT64_MAX, &cf.parent))) {
		cf.err_parent =
		    "the comment you are replying to is not on "
		    "this article";
		cf.parent = 0;
	}
	sub.art = &art;
	sub.cf = &cf;
	/* Any byte in the honeypot marks a bot. */
	sub.honeypot = nhp > 0 && hp != NULL;
	sub.check_fill = true;
	sub.shown_at = when;
	sub.paced = true;
	sub.client = req->client;
	sub.client_key = http_req_limit_key(req);
	/* The browser's commenter, or a new one: what an approval of this
	 * comment will trust (comment.h). A cookie that does not check
	 * is answered as no cookie. */
	who = http_req_cookie(req, "gz_commenter");
	if ((sub.commenter = comment_commenter_hash(a, cc, who)) == NULL) {
		comment_commenter_make(cc, fresh);
		who = fresh;
		sub.commenter = comment_commenter_hash(a, cc, who);
	}
	sub.now = now;
	switch (site_comment_accept(s, a, &sub, &c, &retry)) {
	case COMMENT_ACCEPTED:
		/* Renewed with each post, so a regular stays known. */
		comment_commenter_issue(cc, req, resp, who);
		break;
	case COMMENT_INVALID:
		cf.err_form =
		    "the comment was not posted: please see the "
		    "notes by the fields below";
		reshow(req, resp, s, &art, path, &cf, 400);
		return;
	case COMMENT_TOO_QUICK:
		cf.err_form = arena_printf(a,
		    "that was quick: please read "
		    "your comment over and post it again in %lld seconds",
		    (long long)retry);
		reshow(req, resp, s, &art, path, &cf, 400);
		return;
	case COMMENT_TOO_MANY:
		cf.err_form = arena_printf(a,
		    "too many comments from your "
		    "address: please post again in %lld seconds",
		    (long long)retry);
		reshow(req, resp, s, &art, path, &cf, 429);
		http_resp_retry_after(resp, a, retry);
		return;
	case COMMENT_GONE:
		/* The article or the parent went away meanwhile. */
		page_not_found(req, resp, ctx);
		return;
	case COMMENT_UNRENDERABLE:
		http_resp_text(resp, 500, "the comment could not be rendered");
		return;
	default:
		http_resp_unavailable(resp,
		    "the comment could not be saved; "
		    "try again shortly");
		return;
	}
	if (c.status == COMMENT_APPROVED)
		http_resp_redirect(resp, 303,
		    arena_printf(a, "%s#c-%lld", path, (long long)c.id));
	else
		http_resp_redirect(resp, 303,
		    arena_printf(a, "%s?held=1#comments", path));
}

enum comment_verdict
site_comment_accept(const struct site *s, struct arena *a,
    struct comment_submission *sub, struct comment *out, int64_t *retry)
{
	struct comment_policy pol = {
		.moderation = (enum moderation)s->moderation_policy,
		.spam_threshold = s->spam_threshold,
	};

	return comment_accept(s->comments, site_store(s), &pol, a, sub, out,
	    retry);
}

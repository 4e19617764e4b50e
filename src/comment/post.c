/* post.c: POST /YYYY/MM/SLUG/comments — validation, anti-forgery, pacing,
 * honeypot, and handing the comment to the writer; and comment_accept,
 * the one path every reader's comment takes into the store (the JSON API
 * calls it too, src/api/v1-comment.c).
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

#include "comment/comment-int.h"
#include "comment/spam.h"
#include "render/esc.h"
#include "render/markdown.h"
#include "render/page.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/metrics.h"
#include "util/str.h"

/* Form fields this route reads at most; a longer form is refused. */
#define POST_FIELDS	32

static bool
form_type_ok(const struct http_req *req)
{
	static const char want[] = "application/x-www-form-urlencoded";
	const char *ct = http_req_header(req, "Content-Type");
	size_t n = sizeof(want) - 1;

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

/* Trims surrounding ASCII whitespace of a one-line field. */
static const char *
trim(struct arena *a, const char *s, size_t *n)
{
	struct sv v = sv_trim((struct sv){ s, *n });

	*n = v.n;
	return arena_strndup(a, v.p, v.n);
}

/* Textareas send CRLF; comments store LF, and a lone CR (which JSON can
 * carry) is a line end too, so stored text has one kind only. */
static const char *
unix_lines(struct arena *a, const char *s, size_t *n)
{
	char *out = arena_alloc(a, *n + 1);
	size_t i, o = 0;

	for (i = 0; i < *n; i++)
		if (s[i] != '\r')
			out[o++] = s[i];
		else if (!(i + 1 < *n && s[i + 1] == '\n'))
			out[o++] = '\n';
	out[o] = '\0';
	*n = o;
	return out;
}

static bool
blank(const char *s, size_t n)
{
	return sv_trim((struct sv){ s, n }).n == 0;
}

/* Enough of an address to be worth keeping: one '@' with something on
 * each side, no spaces. Deliverability is not ours to judge. */
static bool
email_ok(const char *s, size_t n)
{
	const char *at = memchr(s, '@', n);
	size_t i;

	if (at == NULL || at == s || at == s + n - 1 ||
	    memchr(at + 1, '@', n - (size_t)(at + 1 - s)) != NULL)
		return false;
	for (i = 0; i < n; i++)
		if (s[i] == ' ' || s[i] == '\t' || s[i] == '<' || s[i] == '>')
			return false;
	return true;
}

static const char *
check_text(const char *s, size_t n, bool multiline, size_t max,
    const char *what, struct arena *a)
{
	const char *why;

	if ((why = text_check(s, n, multiline)) != NULL)
		return arena_printf(a, "%s %s", what, why);
	if (utf8_len(s, n) > max)
		return arena_printf(a, "%s is longer than %zu characters",
		    what, max);
	return NULL;
}

bool
comment_fields_check(struct arena *a, struct comment_form *cf, size_t *na,
    size_t *ne, size_t *nu, size_t *nb)
{
	if ((cf->err_author = check_text(cf->author, *na, false,
	    COMMENT_AUTHOR_MAX, "the name", a)) == NULL) {
		cf->author = trim(a, cf->author, na);
		if (*na == 0)
			cf->err_author = "please give a name";
	}
	if ((cf->err_email = check_text(cf->email, *ne, false,
	    COMMENT_EMAIL_MAX, "the email address", a)) == NULL) {
		cf->email = trim(a, cf->email, ne);
		if (*ne > 0 && !email_ok(cf->email, *ne))
			cf->err_email = "this does not look like an email "
			    "address";
	}
	if ((cf->err_url = check_text(cf->url, *nu, false, COMMENT_URL_MAX,
	    "the web address", a)) == NULL) {
		cf->url = trim(a, cf->url, nu);
		if (*nu > 0 && !url_is_http(cf->url, *nu))
			cf->err_url = "the web address must start with "
			    "http:// or https://";
	}
	if ((cf->err_body = check_text(cf->body, *nb, true, COMMENT_BODY_MAX,
	    "the comment", a)) == NULL) {
		cf->body = unix_lines(a, cf->body, nb);
		if (blank(cf->body, *nb))
			cf->err_body = "please write a comment";
	}
	/* Text that cannot be stored is not echoed back either: the form
	 * comes back with that field empty and the message beside it. */
	if (cf->err_author && text_check(cf->author, *na, false))
		cf->author = "";
	if (cf->err_email && text_check(cf->email, *ne, false))
		cf->email = "";
	if (cf->err_url && text_check(cf->url, *nu, false))
		cf->url = "";
	if (cf->err_body && text_check(cf->body, *nb, true))
		cf->body = "";
	return !(cf->err_author || cf->err_email || cf->err_url ||
	    cf->err_body);
}

const char *
comment_body_html(struct arena *a, const char *body, size_t n)
{
	struct buf html = BUF_INIT;
	const char *out = NULL;

	buf_init(&html, 4 * COMMENT_POST_MAX);
	if (md_render(&html, body, n, MD_COMMENT) && !buf_err(&html))
		out = arena_strndup(a, buf_str(&html), html.len);
	buf_free(&html);
	return out;
}

/* The classifier's score for a new comment; when the database cannot
 * answer, the classifier abstains rather than hold up the comment. */
static double
spam_score_of(struct arena *a, const struct site *s, const char *author,
    const char *email, const char *url, const char *body, size_t nb)
{
	struct spam_tokens t;
	struct store *st = site_store(s);
	double score = SPAM_UNSURE;

	if (st == NULL)
		return score;
	spam_tokenize(a, author, email, url, body, nb, &t);
	if (spam_score(st, &t, &score) != STORE_OK) {
		fprintf(stderr, "gazette: comments: spam score: %s\n",
		    store_errmsg(st));
		score = SPAM_UNSURE;
	}
	return score;
}

/* Links in a comment's rendered HTML: what a link drop is made of. */
static size_t
count_links(const char *html)
{
	size_t n = 0;

	while ((html = strstr(html, "<a href=")) != NULL) {
		n++;
		html += 8;
	}
	return n;
}

static enum comment_verdict accept(const struct site *, struct arena *,
    struct comment_submission *, struct comment *, int64_t *);

/* Every outcome is counted for /metrics: published, held, spam (the
 * honeypot and the classifier's suspects) or refused. */
enum comment_verdict
comment_accept(const struct site *s, struct arena *a,
    struct comment_submission *sub, struct comment *out, int64_t *retry)
{
	enum comment_verdict v = accept(s, a, sub, out, retry);

	if (v != COMMENT_ACCEPTED)
		metrics_comment_post(METRICS_COMMENT_REFUSED);
	else if (out->status == COMMENT_APPROVED)
		metrics_comment_post(METRICS_COMMENT_PUBLISHED);
	else if (out->status == COMMENT_SPAM)
		metrics_comment_post(METRICS_COMMENT_SPAM);
	else
		metrics_comment_post(METRICS_COMMENT_HELD);
	return v;
}

static enum comment_verdict
accept(const struct site *s, struct arena *a,
    struct comment_submission *sub, struct comment *out, int64_t *retry)
{
	struct comment_ctx *cc = s->comments;
	enum moderation policy = (enum moderation)s->moderation_policy;
	struct comment_form *cf = sub->cf;
	struct comment c = { 0 }, parent;
	const struct article *art = sub->art;
	const char *hash, *html;
	char lkey[HTTP_LIMIT_KEY_MAX];
	enum store_err e;
	double score;
	bool ok, spam;

	*retry = 0;
	if (cc == NULL)
		return COMMENT_UNAVAILABLE;
	ok = comment_fields_check(a, cf, &sub->nauthor, &sub->nemail,
	    &sub->nurl, &sub->nbody);
	if (cf->err_parent == NULL && cf->parent != 0) {
		if ((e = store_comment_get(site_store(s), a, cf->parent,
		    &parent)) == STORE_NOTFOUND || (e == STORE_OK &&
		    (parent.article_id != art->id ||
		    parent.status != COMMENT_APPROVED))) {
			cf->err_parent = "the comment you are replying to is "
			    "not on this article";
			cf->parent = 0;
		} else if (e != STORE_OK)
			return COMMENT_UNAVAILABLE;
	}
	if (!ok || cf->err_parent)
		return COMMENT_INVALID;
	if (sub->check_fill && cc->min_fill > 0 &&
	    sub->now - sub->shown_at < cc->min_fill) {
		*retry = cc->min_fill - (sub->now - sub->shown_at);
		return COMMENT_TOO_QUICK;
	}
	hash = comment_client_hash(a, cc, sub->client);
	/* Paced by the address's limit key (an IPv6 /64), as every
	 * per-address limit is; the comment keeps its own address's hash. */
	http_limit_key(sub->client, lkey, sizeof(lkey));
	if (sub->paced && !comment_rate_take(cc,
	    comment_client_hash(a, cc, lkey), retry))
		return COMMENT_TOO_MANY;

	if ((html = comment_body_html(a, cf->body, sub->nbody)) == NULL)
		return COMMENT_UNRENDERABLE;
	/* Past the threshold the comment is held as spam whatever the
	 * moderation policy: a suspect (spam.c tells how it decides). */
	score = spam_score_of(a, s, cf->author, cf->email, cf->url, cf->body,
	    sub->nbody);
	spam = sub->honeypot || score > s->spam_threshold;
	/* More links than a reader's comment needs: held for a moderator
	 * whatever the policy, so a link drop never goes live unseen. */
	if (cc->max_links > 0 && count_links(html) > (size_t)cc->max_links)
		policy = MODERATION_ALL;
	c.article_id = art->id;
	/* The store places the reply (a parent at the depth cap passes it
	 * up to its own parent). */
	c.parent_id = cf->parent;
	c.author = cf->author;
	c.email = cf->email;
	c.url = cf->url;
	c.body_md = cf->body;
	c.body_html = html;
	c.spam_score = score;
	c.client_hash = hash;
	c.commenter = sub->commenter;
	c.created_at = c.updated_at = sub->now;
	e = comment_writer_submit(cc->writer, &c, policy, spam);
	if (e == STORE_INVALID)
		return COMMENT_GONE;
	if (e != STORE_OK)
		return COMMENT_UNAVAILABLE;
	*out = c;
	return COMMENT_ACCEPTED;
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
	size_t n;

	if (sfs != NULL)
		return strcmp(sfs, "same-origin") == 0 ||
		    strcmp(sfs, "none") == 0;
	if (o == NULL)
		return true;
	if ((p = strstr(o, "://")) == NULL)
		return false;	/* "null" and anything else unreadable */
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
	const struct site *s = ctx;
	struct comment_ctx *cc = s->comments;
	struct arena *a = req->arena;
	struct comment_form cf = { 0 };
	struct comment_submission sub = { 0 };
	struct comment c;
	struct article art;
	struct form f;
	const char *path = NULL, *token, *want, *hp, *p, *who;
	char fresh[COMMENTER_HEX + 1];
	size_t ntok, nhp, np;
	int64_t now = (int64_t)time(NULL), when, retry = 0;

	if (cc == NULL) {
		http_resp_text(resp, 503, "comments cannot be posted here");
		return;
	}
	if (!form_type_ok(req)) {
		http_resp_text(resp, 415, "comments are sent as "
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
		http_resp_text(resp, 503, "the database is not available; "
		    "try again shortly");
		http_resp_header(resp, "Retry-After", "5");
		return;
	}
	if (comment_closed(s, &art, now)) {
		http_resp_text(resp, 403, "comments are closed on this article");
		return;
	}
	if (form_parse(a, req->body, req->body_len, POST_FIELDS, &f) !=
	    FORM_OK) {
		http_resp_text(resp, 400, "the form data is malformed");
		return;
	}

	/* Anti-forgery (comment-int.h): this article's form token, a
	 * genuine token in this browser's SameSite cookie, and a browser
	 * that says the form was on one of our pages. */
	token = field(&f, "csrf", &ntok);
	want = comment_form_token(a, cc, art.id);
	if (token == NULL || ntok != strlen(want) ||
	    sodium_memcmp(token, want, ntok) != 0 ||
	    !comment_csrf_valid(cc, req, now, &when)) {
		http_resp_text(resp, 403, "the form's security token does not "
		    "match this browser; reload the article and post again "
		    "(cookies must be on)");
		return;
	}
	if (!same_origin(req, s)) {
		http_resp_text(resp, 403, "comments are posted from this "
		    "site's own pages only");
		return;
	}

	cf.author = field(&f, "author", &sub.nauthor);
	cf.email = field(&f, "email", &sub.nemail);
	cf.url = field(&f, "url", &sub.nurl);
	cf.body = field(&f, "body", &sub.nbody);
	p = field(&f, "parent", &np);
	hp = field(&f, "website2", &nhp);
	if (np > 0 && (np > 18 || !parse_int(p, np, 1, INT64_MAX,
	    &cf.parent))) {
		cf.err_parent = "the comment you are replying to is not on "
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
	/* The browser's commenter, or a new one: what an approval of this
	 * comment will trust (comment-int.h). A cookie that does not check
	 * is answered as no cookie. */
	who = http_req_cookie(req, "gz_commenter");
	if ((sub.commenter = comment_commenter_hash(a, cc, who)) == NULL) {
		comment_commenter_make(cc, fresh);
		who = fresh;
		sub.commenter = comment_commenter_hash(a, cc, who);
	}
	sub.now = now;
	switch (comment_accept(s, a, &sub, &c, &retry)) {
	case COMMENT_ACCEPTED:
		/* Renewed with each post, so a regular stays known. */
		comment_commenter_issue(cc, req, resp, who);
		break;
	case COMMENT_INVALID:
		cf.err_form = "the comment was not posted: please see the "
		    "notes by the fields below";
		reshow(req, resp, s, &art, path, &cf, 400);
		return;
	case COMMENT_TOO_QUICK:
		cf.err_form = arena_printf(a, "that was quick: please read "
		    "your comment over and post it again in %lld seconds",
		    (long long)retry);
		reshow(req, resp, s, &art, path, &cf, 400);
		return;
	case COMMENT_TOO_MANY:
		cf.err_form = arena_printf(a, "too many comments from your "
		    "address: please post again in %lld seconds",
		    (long long)retry);
		reshow(req, resp, s, &art, path, &cf, 429);
		http_resp_header(resp, "Retry-After", arena_printf(a, "%lld",
		    (long long)retry));
		return;
	case COMMENT_GONE:
		/* The article or the parent went away meanwhile. */
		page_not_found(req, resp, ctx);
		return;
	case COMMENT_UNRENDERABLE:
		http_resp_text(resp, 500, "the comment could not be rendered");
		return;
	default:
		http_resp_text(resp, 503, "the comment could not be saved; "
		    "try again shortly");
		http_resp_header(resp, "Retry-After", "5");
		return;
	}
	if (c.status == COMMENT_APPROVED)
		http_resp_redirect(resp, 303, arena_printf(a, "%s#c-%lld",
		    path, (long long)c.id));
	else
		http_resp_redirect(resp, 303, arena_printf(a,
		    "%s?held=1#comments", path));
}

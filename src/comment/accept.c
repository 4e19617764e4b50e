/* accept.c: comment_accept, the one path every reader's comment takes
 * into the store, from the form (site/comment-post.c) and the JSON API
 * alike: the fields checked and normalised, the parent, the minimum fill
 * time, the address's rate, the body rendered, the spam score, and the
 * comment handed to the writer. It knows nothing of HTTP or pages: the
 * caller hands it the settings, the store and what the request said. */
#include <stdio.h>
#include <string.h>

#include "comment/comment-int.h"
#include "comment/spam.h"
#include "render/esc.h"
#include "render/markdown.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/metrics.h"
#include "util/str.h"

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
	char  *out = arena_alloc(a, *n + 1);
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
	size_t	    i;

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
		return arena_printf(a, "%s is longer than %zu characters", what,
		    max);
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
			cf->err_email =
			    "this does not look like an email "
			    "address";
	}
	if ((cf->err_url = check_text(cf->url, *nu, false, COMMENT_URL_MAX,
		 "the web address", a)) == NULL) {
		cf->url = trim(a, cf->url, nu);
		if (*nu > 0 && !url_is_http(cf->url, *nu))
			cf->err_url =
			    "the web address must start with "
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
	return !(
	    cf->err_author || cf->err_email || cf->err_url || cf->err_body);
}

const char *
comment_body_html(struct arena *a, const char *body, size_t n)
{
	struct buf  html = BUF_INIT;
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
spam_score_of(struct arena *a, struct store *st, const char *author,
    const char *email, const char *url, const char *body, size_t nb)
{
	struct spam_tokens t;
	double		   score = SPAM_UNSURE;

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

static enum comment_verdict accept(struct comment_ctx *, struct store *,
    const struct comment_policy *, struct arena *, struct comment_submission *,
    struct comment *, int64_t *);

/* Every outcome is counted for /metrics: published, held, spam (the
 * honeypot and the classifier's suspects) or refused. */
enum comment_verdict
comment_accept(struct comment_ctx *cc, struct store *st,
    const struct comment_policy *pol, struct arena *a,
    struct comment_submission *sub, struct comment *out, int64_t *retry)
{
	enum comment_verdict v = accept(cc, st, pol, a, sub, out, retry);

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
accept(struct comment_ctx *cc, struct store *st,
    const struct comment_policy *pol, struct arena *a,
    struct comment_submission *sub, struct comment *out, int64_t *retry)
{
	enum moderation	      policy = pol->moderation;
	struct comment_form  *cf = sub->cf;
	struct comment	      c = { 0 }, parent;
	const struct article *art = sub->art;
	const char	     *hash, *html;
	enum store_err	      e;
	double		      score;
	bool		      ok, spam;

	*retry = 0;
	if (cc == NULL || st == NULL)
		return COMMENT_UNAVAILABLE;
	ok = comment_fields_check(a, cf, &sub->nauthor, &sub->nemail,
	    &sub->nurl, &sub->nbody);
	if (cf->err_parent == NULL && cf->parent != 0) {
		if ((e = store_comment_get(st, a, cf->parent, &parent)) ==
			STORE_NOTFOUND ||
		    (e == STORE_OK &&
			(parent.article_id != art->id ||
			    parent.status != COMMENT_APPROVED))) {
			cf->err_parent =
			    "the comment you are replying to is "
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
	if (sub->paced &&
	    !comment_rate_take(cc,
		sub->client_key ?
		    comment_client_hash(a, cc, sub->client_key) :
		    hash,
		retry))
		return COMMENT_TOO_MANY;

	if ((html = comment_body_html(a, cf->body, sub->nbody)) == NULL)
		return COMMENT_UNRENDERABLE;
	/* Past the threshold the comment is held as spam whatever the
	 * moderation policy: a suspect (spam.c tells how it decides). */
	score = spam_score_of(a, st, cf->author, cf->email, cf->url, cf->body,
	    sub->nbody);
	spam = sub->honeypot || score > pol->spam_threshold;
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

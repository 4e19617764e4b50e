/* comments.h: what a reader sees and does of comments on the site: the
 * article page's comment section, the form's post and its cookies, and
 * the comment feeds. The decisions are the comment domain's (comment.h);
 * these are its pages. */
#ifndef GAZETTE_SITE_COMMENTS_H
#define GAZETTE_SITE_COMMENTS_H

#include <stdbool.h>
#include <stdint.h>

#include "comment/comment.h"
#include "http/http.h"

struct site;
struct tval;

/* Fills root.comments for an article page: the count, one page of
 * threads (?comments_after=THREAD), the held notice (?held=1), and the
 * form (?reply=ID pre-sets parent, cf re-shows a rejected post). The page
 * holds nothing per visitor: when it has a form, resp gets comment_visitor
 * as its visitor hook, which sets the anti-forgery cookie for a visitor
 * without one. false when the database failed. */
bool comment_page_data(struct http_req *, struct http_resp *,
    const struct site *, const struct article *, const char *path,
    struct tval *root, const struct comment_form *);
/* An http_visitor_fn (ctx: the struct comment_ctx): the anti-forgery
 * cookie (Set-Cookie) when the visitor has no current one. */
void comment_visitor(struct http_req *, struct http_resp *, void *ctx);
/* Tells the comment context the site being served (on start and each
 * reload): cookies get Secure when its base URL is https. */
void comment_ctx_site(struct comment_ctx *, const struct site *);

/* comment_accept with the site's settings and this thread's store, for
 * the form and the JSON API alike. */
enum comment_verdict site_comment_accept(const struct site *, struct arena *,
    struct comment_submission *, struct comment *out, int64_t *retry);

/* The anti-forgery cookie (gz_csrf): whether req carries a genuine,
 * current one (*issued its time), and a new one as a Set-Cookie on resp. */
bool comment_csrf_valid(const struct comment_ctx *, const struct http_req *,
    int64_t now, int64_t *issued);
void comment_csrf_issue(const struct comment_ctx *, struct http_req *,
    struct http_resp *, int64_t now);
/* The gz_commenter cookie holding hex, as a Set-Cookie header on resp. */
void comment_commenter_issue(const struct comment_ctx *, struct http_req *,
    struct http_resp *, const char *hex);

/* Handlers (ctx is the struct site). */
void comment_post(struct http_req *, struct http_resp *, void *);
void comment_feed(struct http_req *, struct http_resp *, void *);

#endif

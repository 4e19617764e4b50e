/* admin.h: the administration pages under /admin: who may do what, the
 * sign-in session every page runs under, and the page handlers.
 *
 * Every handler here starts with admin_begin(), which refuses a request
 * without a live session (303 to the sign-in page), and, for a POST,
 * without the session's CSRF token (403, nothing changed). Then each action
 * asks acl_allows(), or for an article acl_article_refused(), before
 * touching anything: the rules live in acl.c and nowhere else (acl.h; the
 * API asks the same functions). Pages are the templates in
 * themes/default/admin/. */
#ifndef GAZETTE_ADMIN_H
#define GAZETTE_ADMIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "auth/acl.h"
#include "auth/auth.h"
#include "http/http.h"
#include "site/page.h"
#include "store/store.h"

/* A line diff of two texts (diff.c): LCS over lines after trimming the
 * common head and tail. The middle is at most DIFF_MAX_CELLS lines × lines;
 * past that the whole middle is shown as removed then added (still
 * correct, only less tidy). Lines point into the arena. */
#define DIFF_MAX_CELLS (4u * 1000u * 1000u)

enum diff_op {
	DIFF_SAME = 0,
	DIFF_DEL, /* only in the old text */
	DIFF_ADD, /* only in the new text */
	DIFF_OP__MAX
};

struct diff_line {
	enum diff_op op;
	const char  *text; /* without its newline, NUL-terminated */
};

/* Diffs a against b into *out (arena memory); *n lines. Returns false when
 * the middle was too big for LCS (the fallback above was used). */
bool diff_lines(struct arena *, const char *a, const char *b,
    struct diff_line **out, size_t *n);

/* Route handlers (ctx is the struct site). */
void admin_login(struct http_req *, struct http_resp *, void *);
void admin_logout(struct http_req *, struct http_resp *, void *);
void admin_dashboard(struct http_req *, struct http_resp *, void *);
void admin_articles(struct http_req *, struct http_resp *, void *);
void admin_article_new(struct http_req *, struct http_resp *, void *);
void admin_article_edit(struct http_req *, struct http_resp *, void *);
void admin_article_delete(struct http_req *, struct http_resp *, void *);
void admin_preview(struct http_req *, struct http_resp *, void *);
void admin_revision(struct http_req *, struct http_resp *, void *);
void admin_revision_restore(struct http_req *, struct http_resp *, void *);
void admin_users(struct http_req *, struct http_resp *, void *);
void admin_settings(struct http_req *, struct http_resp *, void *);
/* The moderation queue and a moderator's comment editor
 * (page-admin-comments.c). */
void admin_comments(struct http_req *, struct http_resp *, void *);
void admin_comment_edit(struct http_req *, struct http_resp *, void *);
/* Any other /admin path: the session check, then 404. */
void admin_unknown(struct http_req *, struct http_resp *, void *);

/* The /admin routes. They go before the reader routes, whose
 * "/:year/:month/:slug" would otherwise take /admin/articles/7. */

/*
 * Shared by the page files (admin-int.h would hold only this).
 */

/* One admin request after admin_begin() said yes. */
struct admin_req {
	const struct site *site;
	struct store	  *st;
	struct session	   sess; /* the signed-in user and their csrf */
	struct form	   form; /* POST body (or query for GET) */
	int64_t		   now;
};

/* Checks the session (and, on POST, the CSRF token) and fills ar. On false
 * the response is already made: 303 to sign-in, 403, or 503. */
bool admin_begin(struct http_req *, struct http_resp *, const struct site *,
    struct admin_req *ar);
/* The root template context for a page: site, me (name, role, what the
 * nav may show), csrf, the page title and the flash message msg (may be
 * NULL). */
struct tval *admin_root(struct http_req *, const struct admin_req *,
    const char *title, const char *msg);
/* Renders template name (500 when it fails); Cache-Control: no-store. */
void admin_render(struct http_resp *, const struct admin_req *,
    const char *name, const struct tval *root);
/* 403 page: what was refused. */
void admin_forbidden(struct http_req *, struct http_resp *,
    const struct admin_req *, const char *what);
void admin_store_failed(struct http_resp *, struct store *);
/* A form field (NUL-terminated, "" when missing); len may be NULL. */
const char *admin_field(const struct admin_req *, const char *name,
    size_t *len);
/* "YYYY-MM-DD HH:MM" in the site's zone, for tables. */
const char *admin_time(const struct admin_req *, struct arena *, int64_t t);

#endif

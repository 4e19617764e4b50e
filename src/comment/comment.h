/* comment.h: reader comments: posting, pacing, the group-commit writer,
 * and what article pages and feeds show of them.
 *
 * A struct comment_ctx is made once by serve, before the server starts,
 * and freed after the server has drained: it holds the keys (derived from
 * the client_hash_key setting), the pacing settings, the per-address rate
 * buckets (locked inside) and the writer thread. Everything else here is
 * per request and lives in the request's arena. */
#ifndef GAZETTE_COMMENT_H
#define GAZETTE_COMMENT_H

#include <stdbool.h>
#include <stdint.h>

#include "http/http.h"
#include "store/store.h"

struct arena;
struct site;
struct tval;

/* Limits, in Unicode characters (bytes for email). */
#define COMMENT_AUTHOR_MAX	80
#define COMMENT_EMAIL_MAX	254
#define COMMENT_URL_MAX		2000
#define COMMENT_BODY_MAX	10000
/* Bytes of a POST body this route reads at most (413 past it). */
#define COMMENT_POST_MAX	(64 * 1024)
/* Threads (top-level comments and their replies) on a page. */
#define COMMENT_THREADS_PAGE	100

enum moderation {
	MODERATION_NONE = 0,
	MODERATION_FIRST,	/* waits until a browser is trusted */
	MODERATION_ALL,
	MODERATION__MAX
};

/* A comment form being re-shown: what the reader typed and, per field,
 * what is wrong with it (NULL: nothing). */
struct comment_form {
	const char	*author, *email, *url, *body;
	int64_t		 parent;
	const char	*err_author, *err_email, *err_url, *err_body;
	const char	*err_parent;
	const char	*err_form;	/* the whole submission */
};

struct comment_ctx;

/* Reads the settings (moderation, comments_close_days from the site;
 * GAZETTE_COMMENT_MIN_FILL, GAZETTE_COMMENT_RATE from the environment),
 * loads or creates client_hash_key, and starts the writer on its own
 * connection to the site's database. NULL and a message on failure. */
struct comment_ctx *comment_ctx_new(struct store *, const struct site *,
		    char *err, size_t errlen);
/* Stops the writer (after the server drained) and frees; NULL is fine. */
void		 comment_ctx_free(struct comment_ctx *);

/* Whether comments on art are closed at time now (per article, or past
 * comments_close_days after publication). */
bool		 comment_closed(const struct site *, const struct article *,
		    int64_t now);

/* Fills root.comments for an article page: the count, one page of
 * threads (?comments_after=THREAD), the held notice (?held=1), and the
 * form (?reply=ID pre-sets parent, cf re-shows a rejected post). The page
 * holds nothing per visitor: when it has a form, resp gets comment_visitor
 * as its visitor hook, which sets the anti-forgery cookie for a visitor
 * without one. false when the database failed. */
bool		 comment_page_data(struct http_req *, struct http_resp *,
		    const struct site *, const struct article *,
		    const char *path, struct tval *root,
		    const struct comment_form *);
/* An http_visitor_fn (ctx: the struct comment_ctx): the anti-forgery
 * cookie (Set-Cookie) when the visitor has no current one. */
void		 comment_visitor(struct http_req *, struct http_resp *,
		    void *ctx);
/* Tells the comment context the site being served (on start and each
 * reload): cookies get Secure when its base URL is https. */
void		 comment_ctx_site(struct comment_ctx *, const struct site *);

/* What comment_accept decided. */
enum comment_verdict {
	COMMENT_ACCEPTED = 0,	/* stored: the comment's id and status set */
	COMMENT_INVALID,	/* cf's err_* fields say what is wrong */
	COMMENT_TOO_QUICK,	/* before the minimum fill time; *retry */
	COMMENT_TOO_MANY,	/* the address's rate is spent; *retry */
	COMMENT_GONE,		/* the article or the parent went away */
	COMMENT_UNAVAILABLE,	/* the database failed; try again */
	COMMENT_UNRENDERABLE,	/* the body could not be rendered */
	COMMENT_VERDICT__MAX
};

/* One reader's submission, from the form or the JSON API. The fields in
 * cf are what the reader sent, with their byte lengths here (a %00 or a
 * \u0000 makes an inner NUL, so strlen would not do). */
struct comment_submission {
	const struct article	*art;
	struct comment_form	*cf;
	size_t			 nauthor, nemail, nurl, nbody;
	bool			 honeypot;	/* a bot filled the trap field */
	bool			 check_fill;	/* shown_at is the form's time */
	int64_t			 shown_at;
	bool			 paced;		/* rate limit applies (no token) */
	const char		*client;	/* the client's address */
	/* The browser's commenter (comment_commenter_hash), whose trust
	 * lets a post go live under MODERATION_FIRST; NULL: none (the
	 * API, which reads no cookies, so its posts wait). */
	const char		*commenter;
	int64_t			 now;
};

/* The one path of a reader's comment into the store, for the form and
 * the API alike: comment_fields_check, the parent (cf->parent, which must
 * be an approved comment on the same article; cf->err_parent set by the
 * caller when the value was not even a number), the minimum fill time
 * (check_fill), the address's rate (paced), the honeypot (stored as spam,
 * answered as held), rendering (MD_COMMENT), then the writer, which
 * decides held or published by the site's moderation policy. The article
 * must be open (the caller answers 403 first). *out is the stored comment
 * on COMMENT_ACCEPTED; *retry is set for TOO_QUICK and TOO_MANY. */
enum comment_verdict comment_accept(const struct site *, struct arena *,
		    struct comment_submission *, struct comment *out,
		    int64_t *retry);

/* Checks and normalises the fields a reader (or a moderator editing)
 * writes (post.c), the way every comment is checked: text fit to store
 * (UTF-8, no NUL or control characters), limits in characters, a name and
 * a body that are not blank, an email that looks like one, an http(s) web
 * address; author, email and url trimmed, the body's line ends made LF.
 * Sets cf->err_* for each field that cannot be stored, emptying a field
 * whose text cannot even be shown back. *na … *nb are the fields' byte
 * lengths (a form value may hold a NUL) and are updated. Pure: no store,
 * no server (what the fuzz driver calls). false when any field is
 * wrong. */
bool		 comment_fields_check(struct arena *, struct comment_form *cf,
		    size_t *na, size_t *ne, size_t *nu, size_t *nb);
/* A comment body's HTML (md_render MD_COMMENT) in the arena; NULL when
 * it could not be rendered. */
const char	*comment_body_html(struct arena *, const char *body, size_t n);

/* Moderation (moderate.c): every verdict also trains the spam classifier
 * (approved: ham; spam: spam; a changed verdict untrains the old one).
 * Both run in one transaction; STORE_NOTFOUND when there is no comment
 * id. */
enum store_err	 comment_moderate(struct store *, int64_t id,
		    enum comment_status to, int64_t now);
/* Replaces author, url and body of comment id (its id, email, status and
 * place kept) after checking them as a post is checked: STORE_INVALID and
 * cf->err_* set when a field is wrong. The body is re-rendered, and a
 * trained comment is recounted under its verdict with the new text. */
enum store_err	 comment_edit(struct store *, struct arena *, int64_t id,
		    struct comment_form *cf, size_t na, size_t nu, size_t nb,
		    int64_t now);

/* Handlers (ctx is the struct site). */
void		 comment_post(struct http_req *, struct http_resp *, void *);
void		 comment_feed(struct http_req *, struct http_resp *, void *);

/* The writer (writer.c): one thread on its own connection that commits
 * queued comments in groups, one transaction per group. */
struct comment_writer;
struct comment_writer *comment_writer_start(const char *db_url, char *err,
		    size_t errlen);
/* Finishes what is queued, then stops; NULL is fine. */
void		 comment_writer_stop(struct comment_writer *);
/* Queues c and waits until its group has committed (synchronous=FULL).
 * The writer decides c->status from policy (MODERATION_FIRST asks the
 * database whether c->commenter is trusted) unless spam is set; on
 * STORE_OK c->id, c->status and c's place in its thread (parent_id,
 * thread_id, depth: the store's) are final. */
enum store_err	 comment_writer_submit(struct comment_writer *,
		    struct comment *c, enum moderation policy, bool spam);

#endif

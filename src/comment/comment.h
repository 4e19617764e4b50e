/* comment.h: the comment domain: accepting a reader's comment, pacing,
 * anti-forgery tokens, moderation and the group-commit writer. No HTTP
 * and no pages: what article pages, the form and feeds make of comments
 * is src/site/ (comments.h).
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

#include "store/store.h"

struct arena;

/* Limits, in Unicode characters (bytes for email). */
#define COMMENT_AUTHOR_MAX 80
#define COMMENT_EMAIL_MAX  254
#define COMMENT_URL_MAX	   2000
#define COMMENT_BODY_MAX   10000
/* Bytes of a POST body this route reads at most (413 past it). */
#define COMMENT_POST_MAX (64 * 1024)
/* Threads (top-level comments and their replies) on a page. */
#define COMMENT_THREADS_PAGE 100

enum moderation {
	MODERATION_NONE = 0,
	MODERATION_FIRST, /* waits until a browser is trusted */
	MODERATION_ALL,
	MODERATION__MAX
};

/* A comment form being re-shown: what the reader typed and, per field,
 * what is wrong with it (NULL: nothing). */
struct comment_form {
	const char *author, *email, *url, *body;
	int64_t	    parent;
	const char *err_author, *err_email, *err_url, *err_body;
	const char *err_parent;
	const char *err_form; /* the whole submission */
};

struct comment_ctx;

/* Reads the settings (GAZETTE_COMMENT_MIN_FILL, GAZETTE_COMMENT_RATE,
 * GAZETTE_COMMENT_MAX_LINKS from the environment), loads or creates
 * client_hash_key, and starts the writer on its own connection to the
 * database at db_url. NULL and a message on failure. */
struct comment_ctx *comment_ctx_new(struct store *, const char *db_url,
    char *err, size_t errlen);
/* Stops the writer (after the server drained) and frees; NULL is fine. */
void comment_ctx_free(struct comment_ctx *);

/* Whether the cookies carrying tokens get Secure (the site is served
 * over https); set on start and each reload. */
void comment_ctx_secure(struct comment_ctx *, bool secure);
bool comment_ctx_is_secure(const struct comment_ctx *);

/* Whether comments on art are closed at time now (per article, or past
 * close_days after publication; 0: never). */
bool comment_closed(int64_t close_days, const struct article *, int64_t now);

/*
 * Anti-forgery, with article pages the same bytes for everyone (so the
 * page cache keeps them): the form's csrf field names the page (a MAC of
 * the article id under the site's form key), and what is the visitor's
 * own is bound through the gz_csrf cookie (HttpOnly, SameSite=Strict): its
 * issue time (8 bytes), 16 random bytes and a MAC over both (16 bytes),
 * as 80 hex digits. A post needs the article's form token, a genuine
 * cookie not older than CSRF_MAX_AGE, and a same-origin page
 * (site/comment-post.c);
 * the cookie's issue time starts the minimum fill time.
 */
#define CSRF_RAW     40
#define CSRF_MAC     16
#define CSRF_HEX     (2 * CSRF_RAW)
#define CSRF_MAX_AGE (30 * 86400)

/* Whether v (NULL: none) is a genuine token, current at now; *issued
 * its time. */
bool comment_csrf_check(const struct comment_ctx *, const char *v, int64_t now,
    int64_t *issued);
/* A new token issued at now. */
void comment_csrf_make(const struct comment_ctx *, int64_t now,
    char hex[CSRF_HEX + 1]);
/* The form token of an article's page, 32 hex digits, into the arena. */
const char *comment_form_token(struct arena *, const struct comment_ctx *,
    int64_t article_id);
/*
 * Who posts, for moderation policy "first": the gz_commenter cookie
 * (HttpOnly, SameSite=Strict, COMMENTER_MAX_AGE, renewed by each accepted
 * post) holds a random commenter id and a MAC of it under the site's
 * commenter key, as 64 hex digits. A browser gets one with its first
 * accepted post. The store sees only a keyed hash of the id, which is
 * what a moderator's approval trusts (store_commenter_trusted); a cookie
 * whose MAC does not check is no commenter, and its post is a stranger's.
 */
#define COMMENTER_ID	  16
#define COMMENTER_MAC	  16
#define COMMENTER_HEX	  (2 * (COMMENTER_ID + COMMENTER_MAC))
#define COMMENTER_MAX_AGE (365 * 86400)

/* The commenter of cookie value v as the store keeps it (32 hex digits,
 * into the arena), or NULL when v (NULL: no cookie) is not genuine. */
const char *comment_commenter_hash(struct arena *, const struct comment_ctx *,
    const char *v);
/* A new commenter's cookie value. */
void comment_commenter_make(const struct comment_ctx *,
    char hex[COMMENTER_HEX + 1]);
/* What comment_accept decided. */
enum comment_verdict {
	COMMENT_ACCEPTED = 0, /* stored: the comment's id and status set */
	COMMENT_INVALID,      /* cf's err_* fields say what is wrong */
	COMMENT_TOO_QUICK,    /* before the minimum fill time; *retry */
	COMMENT_TOO_MANY,     /* the address's rate is spent; *retry */
	COMMENT_GONE,	      /* the article or the parent went away */
	COMMENT_UNAVAILABLE,  /* the database failed; try again */
	COMMENT_UNRENDERABLE, /* the body could not be rendered */
	COMMENT_VERDICT__MAX
};

/* One reader's submission, from the form or the JSON API. The fields in
 * cf are what the reader sent, with their byte lengths here (a %00 or a
 * \u0000 makes an inner NUL, so strlen would not do). */
struct comment_submission {
	const struct article *art;
	struct comment_form  *cf;
	size_t		      nauthor, nemail, nurl, nbody;
	bool		      honeypot;	  /* a bot filled the trap field */
	bool		      check_fill; /* shown_at is the form's time */
	int64_t		      shown_at;
	bool		      paced;  /* rate limit applies (no token) */
	const char	     *client; /* the client's address */
	/* What pacing counts: the address's limit key (http_limit_key: an
	 * IPv6 /64 is one address, as for every per-address limit); the
	 * comment keeps the hash of client itself. NULL: client. */
	const char *client_key;
	/* The browser's commenter (comment_commenter_hash), whose trust
	 * lets a post go live under MODERATION_FIRST; NULL: none (the
	 * API, which reads no cookies, so its posts wait). */
	const char *commenter;
	int64_t	    now;
};

/* The one path of a reader's comment into the store, for the form and
 * the API alike: comment_fields_check, the parent (cf->parent, which must
 * be an approved comment on the same article; cf->err_parent set by the
 * caller when the value was not even a number), the minimum fill time
 * (check_fill), the address's rate (paced), the honeypot (stored as spam,
 * answered as held), rendering (MD_COMMENT), then the writer, which
 * decides held or published by the moderation policy. The article must be
 * open (the caller answers 403 first). *out is the stored comment on
 * COMMENT_ACCEPTED; *retry is set for TOO_QUICK and TOO_MANY.
 * COMMENT_UNAVAILABLE when ctx or st is NULL (no posting here, or no
 * database). */
struct comment_policy {
	enum moderation moderation;
	double		spam_threshold; /* held as spam above it */
};
enum comment_verdict comment_accept(struct comment_ctx *, struct store *,
    const struct comment_policy *, struct arena *, struct comment_submission *,
    struct comment *out, int64_t *retry);

/* Checks and normalises the fields a reader (or a moderator editing)
 * writes (accept.c), the way every comment is checked: text fit to store
 * (UTF-8, no NUL or control characters), limits in characters, a name and
 * a body that are not blank, an email that looks like one, an http(s) web
 * address; author, email and url trimmed, the body's line ends made LF.
 * Sets cf->err_* for each field that cannot be stored, emptying a field
 * whose text cannot even be shown back. *na … *nb are the fields' byte
 * lengths (a form value may hold a NUL) and are updated. Pure: no store,
 * no server (what the fuzz driver calls). false when any field is
 * wrong. */
bool comment_fields_check(struct arena *, struct comment_form *cf, size_t *na,
    size_t *ne, size_t *nu, size_t *nb);
/* A comment body's HTML (md_render MD_COMMENT) in the arena; NULL when
 * it could not be rendered. */
const char *comment_body_html(struct arena *, const char *body, size_t n);

/* Moderation (moderate.c): every verdict also trains the spam classifier
 * (approved: ham; spam: spam; a changed verdict untrains the old one).
 * Both run in one transaction; STORE_NOTFOUND when there is no comment
 * id. */
enum store_err comment_moderate(struct store *, int64_t id,
    enum comment_status to, int64_t now);
/* Replaces author, url and body of comment id (its id, email, status and
 * place kept) after checking them as a post is checked: STORE_INVALID and
 * cf->err_* set when a field is wrong. The body is re-rendered, and a
 * trained comment is recounted under its verdict with the new text. */
enum store_err comment_edit(struct store *, struct arena *, int64_t id,
    struct comment_form *cf, size_t na, size_t nu, size_t nb, int64_t now);

/* The writer (writer.c): one thread on its own connection that commits
 * queued comments in groups, one transaction per group. */
struct comment_writer;
struct comment_writer *comment_writer_start(const char *db_url, char *err,
    size_t errlen);
/* Finishes what is queued, then stops; NULL is fine. */
void comment_writer_stop(struct comment_writer *);
/* Queues c and waits until its group has committed (synchronous=FULL).
 * The writer decides c->status from policy (MODERATION_FIRST asks the
 * database whether c->commenter is trusted) unless spam is set; on
 * STORE_OK c->id, c->status and c's place in its thread (parent_id,
 * thread_id, depth: the store's) are final. */
enum store_err comment_writer_submit(struct comment_writer *, struct comment *c,
    enum moderation policy, bool spam);

#endif

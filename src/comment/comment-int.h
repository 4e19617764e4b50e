/* comment-int.h: what the comment module's files share; private to
 * src/comment/. */
#ifndef GAZETTE_COMMENT_INT_H
#define GAZETTE_COMMENT_INT_H

#include <pthread.h>
#include <sodium.h>

#include "comment/comment.h"

/* Rate buckets: a fixed table, so a flood of addresses costs no memory;
 * a full neighbourhood evicts its stalest bucket. */
#define RATE_SLOTS	4096
#define RATE_PROBE	8

struct rate_slot {
	uint64_t	 key;		/* 0: free */
	double		 tokens;
	int64_t		 at_us;		/* last refill, monotonic */
};

struct comment_ctx {
	int64_t			 min_fill;	/* seconds; 0 off */
	int64_t			 rate;		/* per minute; 0 off */
	int64_t			 max_links;	/* more are held; 0 off */
	unsigned char		 hash_key[crypto_generichash_KEYBYTES];
	unsigned char		 form_key[crypto_auth_KEYBYTES];
	unsigned char		 commenter_mac_key[crypto_auth_KEYBYTES];
	unsigned char		 commenter_id_key[crypto_auth_KEYBYTES];
	struct comment_writer	*writer;
	_Atomic bool		 secure;	/* cookies get Secure */
	pthread_mutex_t		 rate_mu;
	struct rate_slot	 slots[RATE_SLOTS];
};

/*
 * Anti-forgery, with article pages the same bytes for everyone (so the
 * page cache keeps them): the form's csrf field names the page (a MAC of
 * the article id under the site's form key), and what is the visitor's
 * own is bound through the gz_csrf cookie (HttpOnly, SameSite=Strict): its
 * issue time (8 bytes), 16 random bytes and a MAC over both (16 bytes),
 * as 80 hex digits. A post needs the article's form token, a genuine
 * cookie not older than CSRF_MAX_AGE, and a same-origin page (post.c);
 * the cookie's issue time starts the minimum fill time.
 */
#define CSRF_RAW	40
#define CSRF_MAC	16
#define CSRF_HEX	(2 * CSRF_RAW)
#define CSRF_MAX_AGE	(30 * 86400)

/* Whether v (NULL: none) is a genuine token, current at now; *issued
 * its time. comment_csrf_valid reads it from req's cookie. */
bool		 comment_csrf_check(const struct comment_ctx *, const char *v,
		    int64_t now, int64_t *issued);
/* A new token issued at now. */
void		 comment_csrf_make(const struct comment_ctx *, int64_t now,
		    char hex[CSRF_HEX + 1]);
bool		 comment_csrf_valid(const struct comment_ctx *,
		    const struct http_req *, int64_t now, int64_t *issued);
/* The form token of an article's page, 32 hex digits, into the arena. */
const char	*comment_form_token(struct arena *, const struct comment_ctx *,
		    int64_t article_id);
/* A new token, issued now, as a Set-Cookie header on resp. */
void		 comment_csrf_issue(const struct comment_ctx *,
		    struct http_req *, struct http_resp *, int64_t now);
/*
 * Who posts, for moderation policy "first": the gz_commenter cookie
 * (HttpOnly, SameSite=Strict, COMMENTER_MAX_AGE, renewed by each accepted
 * post) holds a random commenter id and a MAC of it under the site's
 * commenter key, as 64 hex digits. A browser gets one with its first
 * accepted post. The store sees only a keyed hash of the id, which is
 * what a moderator's approval trusts (store_commenter_trusted); a cookie
 * whose MAC does not check is no commenter, and its post is a stranger's.
 */
#define COMMENTER_ID		16
#define COMMENTER_MAC		16
#define COMMENTER_HEX		(2 * (COMMENTER_ID + COMMENTER_MAC))
#define COMMENTER_MAX_AGE	(365 * 86400)

/* The commenter of cookie value v as the store keeps it (32 hex digits,
 * into the arena), or NULL when v (NULL: no cookie) is not genuine. */
const char	*comment_commenter_hash(struct arena *,
		    const struct comment_ctx *, const char *v);
/* A new commenter's cookie value. */
void		 comment_commenter_make(const struct comment_ctx *,
		    char hex[COMMENTER_HEX + 1]);
/* The gz_commenter cookie holding hex, as a Set-Cookie header on resp. */
void		 comment_commenter_issue(const struct comment_ctx *,
		    struct http_req *, struct http_resp *, const char *hex);
/* Keyed hash of the client address, 32 hex digits, into the arena. */
const char	*comment_client_hash(struct arena *,
		    const struct comment_ctx *, const char *addr);
/* Takes a token from the address's bucket; false and *retry (seconds)
 * when it is empty. */
bool		 comment_rate_take(struct comment_ctx *, const char *hash,
		    int64_t *retry);

#endif

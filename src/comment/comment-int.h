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
	struct comment_writer	*writer;
	_Atomic bool		 secure;	/* cookies get Secure */
	pthread_mutex_t		 rate_mu;
	struct rate_slot	 slots[RATE_SLOTS];
};

/* The anti-forgery token is 32 random bytes as 64 hex digits. */
#define CSRF_HEX	64

/* The visitor's token from the gz_csrf cookie if well-formed, else NULL. */
const char	*comment_csrf_cookie(const struct http_req *);
/* A new token, into the arena, and the Set-Cookie header for it. */
const char	*comment_csrf_new(struct http_req *, struct http_resp *,
		    const struct site *);
const char	*comment_csrf_new_secure(struct http_req *,
		    struct http_resp *, bool secure);
/* The form's ts field: "TIME.MAC" binding render time to the token. */
const char	*comment_ts_make(struct arena *, const struct comment_ctx *,
		    int64_t now, const char *csrf);
/* Render time from a ts field that is genuine for csrf; false if not. */
bool		 comment_ts_check(const struct comment_ctx *, const char *ts,
		    size_t n, const char *csrf, int64_t *when);
/* Keyed hash of the client address, 32 hex digits, into the arena. */
const char	*comment_client_hash(struct arena *,
		    const struct comment_ctx *, const char *addr);
/* Takes a token from the address's bucket; false and *retry (seconds)
 * when it is empty. */
bool		 comment_rate_take(struct comment_ctx *, const char *hash,
		    int64_t *retry);

#endif

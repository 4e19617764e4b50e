/* comment-int.h: what the comment module's files share; private to
 * src/comment/. */
#ifndef GAZETTE_COMMENT_INT_H
#define GAZETTE_COMMENT_INT_H

#include <pthread.h>
#include <sodium.h>

#include "comment/comment.h"

/* Rate buckets: a fixed table, so a flood of addresses costs no memory;
 * a full neighbourhood evicts its stalest bucket. */
#define RATE_SLOTS 4096
#define RATE_PROBE 8

struct rate_slot {
	uint64_t key; /* 0: free */
	double	 tokens;
	int64_t	 at_us; /* last refill, monotonic */
};

struct comment_ctx {
	int64_t		       min_fill;  /* seconds; 0 off */
	int64_t		       rate;	  /* per minute; 0 off */
	int64_t		       max_links; /* more are held; 0 off */
	unsigned char	       hash_key[crypto_generichash_KEYBYTES];
	unsigned char	       form_key[crypto_auth_KEYBYTES];
	unsigned char	       commenter_mac_key[crypto_auth_KEYBYTES];
	unsigned char	       commenter_id_key[crypto_auth_KEYBYTES];
	struct comment_writer *writer;
	_Atomic bool	       secure; /* cookies get Secure */
	pthread_mutex_t	       rate_mu;
	struct rate_slot       slots[RATE_SLOTS];
};

/* Keyed hash of the client address, 32 hex digits, into the arena. */
const char *comment_client_hash(struct arena *, const struct comment_ctx *,
    const char *addr);
/* Takes a token from the address's bucket; false and *retry (seconds)
 * when it is empty. */
bool comment_rate_take(struct comment_ctx *, const char *hash, int64_t *retry);

#endif

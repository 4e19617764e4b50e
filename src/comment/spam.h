/* spam.h: the built-in spam classifier for reader comments: a naive Bayes
 * over a comment's tokens, trained by moderators' verdicts, its counts kept
 * in the database (store_spam_*). How it decides is told at the top of
 * spam.c.
 *
 * Memory: tokens live in the arena passed in. Nothing here keeps state
 * between calls; the database is the classifier's whole memory, so every
 * server thread and the CLI see the same one. */
#ifndef GAZETTE_SPAM_H
#define GAZETTE_SPAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "store/store.h"

struct arena;

/* Bounds on what one comment costs, whatever it holds. */
#define SPAM_SCAN_MAX  (32 * 1024) /* bytes of text read, per field */
#define SPAM_TOKEN_MAX 64	   /* bytes of a token, prefix included */
#define SPAM_WORD_MAX \
	24		    /* code points of a word; longer ones
					 * become the token "meta:longword" */
#define SPAM_TOKENS_MAX 256 /* distinct tokens kept */
/* Verdicts of each kind needed before the classifier says anything: until
 * then every score is SPAM_UNSURE and nothing is held for it. */
#define SPAM_MIN_VERDICTS 20
#define SPAM_UNSURE	  0.5
/* The most interesting tokens the score combines. */
#define SPAM_CLUES 64
/* The setting spam_threshold's default: a score above it holds a comment
 * as a spam suspect. */
#define SPAM_THRESHOLD_DEFAULT 0.9

struct spam_tokens {
	const char **v; /* distinct, NUL-terminated */
	size_t	     n; /* at most SPAM_TOKENS_MAX */
};

/* The tokens of a comment's fields (any may be NULL; body is n bytes and
 * may hold anything: invalid UTF-8 separates words). */
void spam_tokenize(struct arena *, const char *author, const char *email,
    const char *url, const char *body, size_t nbody, struct spam_tokens *out);
/* The same for a stored comment. */
void spam_tokens_of(struct arena *, const struct comment *,
    struct spam_tokens *out);

/* The score of tokens, from counts[i] of tokens (as store_spam_counts
 * gives them) and the verdict totals: 0 ham … 1 spam, SPAM_UNSURE while
 * either total is below SPAM_MIN_VERDICTS. Pure: no database. */
double spam_combine(const struct spam_count *counts, size_t n,
    int64_t ham_total, int64_t spam_total);
/* Looks the tokens up (one batched query per SPAM_BATCH tokens, and one
 * for the totals) and combines them into *score. */
enum store_err spam_score(struct store *, const struct spam_tokens *,
    double *score);

/* Makes comment id's tokens count under verdict to (SPAM_NONE: under
 * none), taking them out of the verdict they counted under before, in one
 * transaction (the caller's, if one is open). Nothing changes when the
 * verdict is already to. */
enum store_err spam_train(struct store *, int64_t id, enum spam_verdict to);

#endif

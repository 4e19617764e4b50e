/* ctx.c: comment settings, keys, anti-forgery tokens and rate buckets
 * (the cookies that carry the tokens are site/comment-cookies.c). */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "comment/comment-int.h"
#include "util/arena.h"
#include "util/str.h"
#include "util/xalloc.h"

static bool
env_int(const char *name, int64_t def, int64_t max, int64_t *out, char *err,
    size_t errlen)
{
	const char *v = getenv(name);

	*out = def;
	if (v == NULL || *v == '\0')
		return true;
	if (!parse_int(v, strlen(v), 0, max, out)) {
		snprintf(err, errlen, "%s '%s' is not a number from 0 to %lld",
		    name, v, (long long)max);
		return false;
	}
	return true;
}

/* The key is made by init; a database that never saw init gets one
 * here, the same way, so serve works on it too. */
static bool
load_key(struct store *st, unsigned char *key, char *err, size_t errlen)
{
	char	       hex[2 * crypto_generichash_KEYBYTES + 1];
	struct arena   a;
	const char    *v = NULL;
	size_t	       n = 0;
	enum store_err e;
	bool	       ok = false;

	arena_init(&a);
	e = store_setting_get(st, &a, "client_hash_key", &v);
	if (e == STORE_NOTFOUND) {
		randombytes_buf(key, crypto_generichash_KEYBYTES);
		sodium_bin2hex(hex, sizeof(hex), key,
		    crypto_generichash_KEYBYTES);
		if (store_setting_set(st, "client_hash_key", hex) != STORE_OK)
			snprintf(err, errlen,
			    "cannot store client_hash_key: "
			    "%s",
			    store_errmsg(st));
		else
			ok = true;
		goto out;
	}
	if (e != STORE_OK) {
		snprintf(err, errlen, "cannot read client_hash_key: %s",
		    store_errmsg(st));
		goto out;
	}
	if (sodium_hex2bin(key, crypto_generichash_KEYBYTES, v, strlen(v), NULL,
		&n, NULL) != 0 ||
	    n != crypto_generichash_KEYBYTES) {
		snprintf(err, errlen,
		    "setting client_hash_key is not 64 hex "
		    "digits");
		goto out;
	}
	ok = true;
out:
	arena_free(&a);
	return ok;
}

struct comment_ctx *
comment_ctx_new(struct store *st, const char *db_url, char *err, size_t errlen)
{
	static const char   ctxt[] = "gazette comment form v1";
	static const char   mtxt[] = "gazette commenter mac v1";
	static const char   itxt[] = "gazette commenter id v1";
	struct comment_ctx *c;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot start");
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->rate_mu, NULL);
	if (!env_int("GAZETTE_COMMENT_MIN_FILL", 3, 86400, &c->min_fill, err,
		errlen) ||
	    !env_int("GAZETTE_COMMENT_RATE", 6, 1000000, &c->rate, err,
		errlen) ||
	    !env_int("GAZETTE_COMMENT_MAX_LINKS", 3, 1000, &c->max_links, err,
		errlen))
		goto fail;
	if (!load_key(st, c->hash_key, err, errlen))
		goto fail;
	/* A key of its own for form MACs, so a leak of one use of the key
	 * does not hand over the other. */
	crypto_generichash(c->form_key, sizeof(c->form_key),
	    (const unsigned char *)ctxt, sizeof(ctxt) - 1, c->hash_key,
	    sizeof(c->hash_key));
	crypto_generichash(c->commenter_mac_key, sizeof(c->commenter_mac_key),
	    (const unsigned char *)mtxt, sizeof(mtxt) - 1, c->hash_key,
	    sizeof(c->hash_key));
	crypto_generichash(c->commenter_id_key, sizeof(c->commenter_id_key),
	    (const unsigned char *)itxt, sizeof(itxt) - 1, c->hash_key,
	    sizeof(c->hash_key));
	if ((c->writer = comment_writer_start(db_url, err, errlen)) == NULL)
		goto fail;
	return c;
fail:
	comment_ctx_free(c);
	return NULL;
}

void
comment_ctx_free(struct comment_ctx *c)
{
	if (c == NULL)
		return;
	comment_writer_stop(c->writer);
	pthread_mutex_destroy(&c->rate_mu);
	sodium_memzero(c->hash_key, sizeof(c->hash_key));
	sodium_memzero(c->form_key, sizeof(c->form_key));
	sodium_memzero(c->commenter_mac_key, sizeof(c->commenter_mac_key));
	sodium_memzero(c->commenter_id_key, sizeof(c->commenter_id_key));
	free(c);
}

void
comment_ctx_secure(struct comment_ctx *c, bool secure)
{
	if (c != NULL)
		atomic_store(&c->secure, secure);
}

bool
comment_ctx_is_secure(const struct comment_ctx *c)
{
	return atomic_load(&c->secure);
}

bool
comment_closed(int64_t days, const struct article *art, int64_t now)
{
	if (art->comments_closed)
		return true;
	return days > 0 && now >= art->published_at + days * 86400;
}

/* The token's MAC: keyed BLAKE2b of its issue time and random part. */
static void
csrf_mac(const struct comment_ctx *c, const unsigned char *raw,
    unsigned char *mac)
{
	crypto_generichash(mac, CSRF_MAC, raw, CSRF_RAW - CSRF_MAC, c->form_key,
	    sizeof(c->form_key));
}

bool
comment_csrf_check(const struct comment_ctx *c, const char *v, int64_t now,
    int64_t *issued)
{
	unsigned char raw[CSRF_RAW], mac[CSRF_MAC];
	uint64_t      t = 0;
	size_t	      got = 0, i;

	if (v == NULL || strlen(v) != CSRF_HEX ||
	    sodium_hex2bin(raw, sizeof(raw), v, CSRF_HEX, NULL, &got, NULL) !=
		0 ||
	    got != sizeof(raw))
		return false;
	csrf_mac(c, raw, mac);
	if (sodium_memcmp(mac, raw + CSRF_RAW - CSRF_MAC, CSRF_MAC) != 0)
		return false;
	for (i = 0; i < 8; i++)
		t = t << 8 | raw[i];
	/* A minute of clock skew between nodes sharing the key. */
	if ((int64_t)t > now + 60 || (int64_t)t < now - CSRF_MAX_AGE)
		return false;
	if (issued)
		*issued = (int64_t)t;
	return true;
}

/*
 * Random bytes from a per-thread pool: a cookie for every new reader of
 * a cached page must not cost a getrandom() system call each.
 */
static void
random_take(unsigned char *out, size_t n)
{
	static _Thread_local unsigned char pool[4096];
	static _Thread_local size_t	   left;

	if (left < n) {
		randombytes_buf(pool, sizeof(pool));
		left = sizeof(pool);
	}
	memcpy(out, pool + sizeof(pool) - left, n);
	sodium_memzero(pool + sizeof(pool) - left, n);
	left -= n;
}

void
comment_csrf_make(const struct comment_ctx *c, int64_t now,
    char hex[CSRF_HEX + 1])
{
	unsigned char raw[CSRF_RAW];
	size_t	      i;

	for (i = 0; i < 8; i++)
		raw[i] = (unsigned char)((uint64_t)now >> (56 - 8 * i));
	random_take(raw + 8, CSRF_RAW - CSRF_MAC - 8);
	csrf_mac(c, raw, raw + CSRF_RAW - CSRF_MAC);
	sodium_bin2hex(hex, CSRF_HEX + 1, raw, sizeof(raw));
}

const char *
comment_form_token(struct arena *a, const struct comment_ctx *c,
    int64_t article_id)
{
	unsigned char mac[16];
	char	      msg[32], *hex = arena_alloc(a, 2 * sizeof(mac) + 1);
	int	      n;

	n = snprintf(msg, sizeof(msg), "form:%lld", (long long)article_id);
	crypto_generichash(mac, sizeof(mac), (const unsigned char *)msg,
	    (size_t)n, c->form_key, sizeof(c->form_key));
	sodium_bin2hex(hex, 2 * sizeof(mac) + 1, mac, sizeof(mac));
	return hex;
}

/* The commenter cookie's MAC: keyed BLAKE2b of its id. */
static void
commenter_mac(const struct comment_ctx *c, const unsigned char *id,
    unsigned char *mac)
{
	crypto_generichash(mac, COMMENTER_MAC, id, COMMENTER_ID,
	    c->commenter_mac_key, sizeof(c->commenter_mac_key));
}

const char *
comment_commenter_hash(struct arena *a, const struct comment_ctx *c,
    const char *v)
{
	unsigned char raw[COMMENTER_ID + COMMENTER_MAC], mac[COMMENTER_MAC];
	unsigned char h[16];
	char	     *hex;
	size_t	      got = 0;

	if (v == NULL || strlen(v) != COMMENTER_HEX ||
	    sodium_hex2bin(raw, sizeof(raw), v, COMMENTER_HEX, NULL, &got,
		NULL) != 0 ||
	    got != sizeof(raw))
		return NULL;
	commenter_mac(c, raw, mac);
	if (sodium_memcmp(mac, raw + COMMENTER_ID, COMMENTER_MAC) != 0)
		return NULL;
	/* Under a key of its own, so what the database holds is neither
	 * the cookie nor enough to make one. */
	crypto_generichash(h, sizeof(h), raw, COMMENTER_ID, c->commenter_id_key,
	    sizeof(c->commenter_id_key));
	hex = arena_alloc(a, 2 * sizeof(h) + 1);
	sodium_bin2hex(hex, 2 * sizeof(h) + 1, h, sizeof(h));
	return hex;
}

void
comment_commenter_make(const struct comment_ctx *c, char hex[COMMENTER_HEX + 1])
{
	unsigned char raw[COMMENTER_ID + COMMENTER_MAC];

	randombytes_buf(raw, COMMENTER_ID);
	commenter_mac(c, raw, raw + COMMENTER_ID);
	sodium_bin2hex(hex, COMMENTER_HEX + 1, raw, sizeof(raw));
}

const char *
comment_client_hash(struct arena *a, const struct comment_ctx *c,
    const char *addr)
{
	unsigned char h[16];
	char	     *hex = arena_alloc(a, 2 * sizeof(h) + 1);

	crypto_generichash(h, sizeof(h), (const unsigned char *)addr,
	    strlen(addr), c->hash_key, sizeof(c->hash_key));
	sodium_bin2hex(hex, 2 * sizeof(h) + 1, h, sizeof(h));
	return hex;
}

static int64_t
mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

bool
comment_rate_take(struct comment_ctx *c, const char *hash, int64_t *retry)
{
	struct rate_slot *slot = NULL, *s;
	uint64_t	  key = 0;
	int64_t		  now = mono_us();
	double		  per_us;
	size_t		  i, base;
	bool		  ok;

	if (c->rate <= 0)
		return true;
	for (i = 0; i < 16 && hash[i]; i++)
		key = key << 4 |
		    (uint64_t)(hash[i] <= '9' ?
			    hash[i] - '0' :
			    hash[i] - 'a' + 10);
	key |= 1;
	per_us = (double)c->rate / 60e6;
	base = (size_t)(key % RATE_SLOTS);
	pthread_mutex_lock(&c->rate_mu);
	for (i = 0; i < RATE_PROBE; i++) {
		s = &c->slots[(base + i) % RATE_SLOTS];
		if (s->key == key) {
			slot = s;
			break;
		}
		/* A free slot, or a bucket full again (the same as a new
		 * one), or else the stalest of the neighbourhood. */
		if (slot == NULL || s->key == 0 ||
		    (slot->key != 0 && s->at_us < slot->at_us))
			slot = s;
	}
	if (slot->key != key) {
		slot->key = key;
		slot->tokens = (double)c->rate;
		slot->at_us = now;
	}
	slot->tokens += (double)(now - slot->at_us) * per_us;
	if (slot->tokens > (double)c->rate)
		slot->tokens = (double)c->rate;
	slot->at_us = now;
	if ((ok = slot->tokens >= 1.0))
		slot->tokens -= 1.0;
	else
		*retry = (int64_t)((1.0 - slot->tokens) / per_us / 1e6) + 1;
	pthread_mutex_unlock(&c->rate_mu);
	return ok;
}

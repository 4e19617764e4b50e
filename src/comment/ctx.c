/* ctx.c: comment settings, keys, anti-forgery tokens and rate buckets. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "comment/comment-int.h"
#include "render/page.h"
#include "util/arena.h"
#include "util/str.h"
#include "util/xalloc.h"

static bool
env_int(const char *name, int64_t def, int64_t max, int64_t *out,
    char *err, size_t errlen)
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
	char hex[2 * crypto_generichash_KEYBYTES + 1];
	struct arena a;
	const char *v = NULL;
	size_t n = 0;
	enum store_err e;
	bool ok = false;

	arena_init(&a);
	e = store_setting_get(st, &a, "client_hash_key", &v);
	if (e == STORE_NOTFOUND) {
		randombytes_buf(key, crypto_generichash_KEYBYTES);
		sodium_bin2hex(hex, sizeof(hex), key,
		    crypto_generichash_KEYBYTES);
		if (store_setting_set(st, "client_hash_key", hex) != STORE_OK)
			snprintf(err, errlen, "cannot store client_hash_key: "
			    "%s", store_errmsg(st));
		else
			ok = true;
		goto out;
	}
	if (e != STORE_OK) {
		snprintf(err, errlen, "cannot read client_hash_key: %s",
		    store_errmsg(st));
		goto out;
	}
	if (sodium_hex2bin(key, crypto_generichash_KEYBYTES, v, strlen(v),
	    NULL, &n, NULL) != 0 || n != crypto_generichash_KEYBYTES) {
		snprintf(err, errlen, "setting client_hash_key is not 64 hex "
		    "digits");
		goto out;
	}
	ok = true;
out:
	arena_free(&a);
	return ok;
}

struct comment_ctx *
comment_ctx_new(struct store *st, const struct site *s, char *err,
    size_t errlen)
{
	static const char ctxt[] = "gazette comment form v1";
	struct comment_ctx *c;

	if (sodium_init() < 0) {
		snprintf(err, errlen, "libsodium cannot start");
		return NULL;
	}
	c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->rate_mu, NULL);
	if (!env_int("GAZETTE_COMMENT_MIN_FILL", 3, 86400, &c->min_fill, err,
	    errlen) || !env_int("GAZETTE_COMMENT_RATE", 6, 1000000, &c->rate,
	    err, errlen) || !env_int("GAZETTE_COMMENT_MAX_LINKS", 3, 1000,
	    &c->max_links, err, errlen))
		goto fail;
	if (!load_key(st, c->hash_key, err, errlen))
		goto fail;
	/* A key of its own for form MACs, so a leak of one use of the key
	 * does not hand over the other. */
	crypto_generichash(c->form_key, sizeof(c->form_key),
	    (const unsigned char *)ctxt, sizeof(ctxt) - 1, c->hash_key,
	    sizeof(c->hash_key));
	if ((c->writer = comment_writer_start(s->db_url, err, errlen)) ==
	    NULL)
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
	free(c);
}

bool
comment_closed(const struct site *s, const struct article *art, int64_t now)
{
	int64_t days = s->close_days;

	if (art->comments_closed)
		return true;
	return days > 0 && now >= art->published_at + days * 86400;
}

static bool
is_hex(const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

const char *
comment_csrf_cookie(const struct http_req *req)
{
	const char *v = http_req_cookie(req, "gz_csrf");

	if (v == NULL || strlen(v) != CSRF_HEX || !is_hex(v, CSRF_HEX))
		return NULL;
	return v;
}

const char *
comment_csrf_new_secure(struct http_req *req, struct http_resp *resp,
    bool secure)
{
	unsigned char raw[CSRF_HEX / 2];
	char *hex = arena_alloc(req->arena, CSRF_HEX + 1);

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(hex, CSRF_HEX + 1, raw, sizeof(raw));
	http_resp_header(resp, "Set-Cookie", arena_printf(req->arena,
	    "gz_csrf=%s; Path=/; HttpOnly; SameSite=Strict%s", hex,
	    secure ? "; Secure" : ""));
	return hex;
}

const char *
comment_csrf_new(struct http_req *req, struct http_resp *resp,
    const struct site *s)
{
	return comment_csrf_new_secure(req, resp,
	    strncmp(s->base_url, "https://", 8) == 0);
}

void
comment_ctx_site(struct comment_ctx *c, const struct site *s)
{
	if (c != NULL)
		atomic_store(&c->secure,
		    strncmp(s->base_url, "https://", 8) == 0);
}

static void
ts_mac(const struct comment_ctx *c, int64_t when, const char *csrf,
    unsigned char *mac)
{
	char msg[32 + CSRF_HEX];
	int n;

	n = snprintf(msg, sizeof(msg), "%lld:%s", (long long)when, csrf);
	crypto_auth(mac, (const unsigned char *)msg, (size_t)n, c->form_key);
}

const char *
comment_ts_make(struct arena *a, const struct comment_ctx *c, int64_t now,
    const char *csrf)
{
	unsigned char mac[crypto_auth_BYTES];
	char hex[2 * crypto_auth_BYTES + 1];

	ts_mac(c, now, csrf, mac);
	sodium_bin2hex(hex, sizeof(hex), mac, sizeof(mac));
	return arena_printf(a, "%lld.%s", (long long)now, hex);
}

bool
comment_ts_check(const struct comment_ctx *c, const char *ts, size_t n,
    const char *csrf, int64_t *when)
{
	unsigned char mac[crypto_auth_BYTES], want[crypto_auth_BYTES];
	const char *dot = memchr(ts, '.', n);
	size_t got = 0;

	if (dot == NULL || !parse_int(ts, (size_t)(dot - ts), 0,
	    INT64_C(1) << 40, when))
		return false;
	if (sodium_hex2bin(mac, sizeof(mac), dot + 1,
	    n - (size_t)(dot + 1 - ts), NULL, &got, NULL) != 0 ||
	    got != sizeof(mac))
		return false;
	ts_mac(c, *when, csrf, want);
	return sodium_memcmp(mac, want, sizeof(mac)) == 0;
}

const char *
comment_client_hash(struct arena *a, const struct comment_ctx *c,
    const char *addr)
{
	unsigned char h[16];
	char *hex = arena_alloc(a, 2 * sizeof(h) + 1);

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
	uint64_t key = 0;
	int64_t now = mono_us();
	double per_us;
	size_t i, base;
	bool ok;

	if (c->rate <= 0)
		return true;
	for (i = 0; i < 16 && hash[i]; i++)
		key = key << 4 | (uint64_t)(hash[i] <= '9' ? hash[i] - '0' :
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

/* cache.c: the page cache's map, LRU list and invalidation epochs. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cache/cache.h"
#include "util/metrics.h"
#include "util/xalloc.h"

#define SLOTS	      4096  /* dependency key slots; a power of two */
#define BUCKETS	      16384 /* hash chains; a power of two */
#define ITEM_OVERHEAD 128   /* bytes an item costs besides its payload */

struct cache_item {
	atomic_uint	   refs;
	struct cache_item *hnext;	/* hash chain */
	struct cache_item *prev, *next; /* LRU, most recent first */
	uint64_t	   hash;
	char		  *key;
	size_t		   keylen;
	unsigned	   slots[CACHE_DEPS_MAX];
	size_t		   nslots;
	uint64_t	   epoch;
	int64_t		   expires;
	void		  *payload;
	void (*payload_free)(void *);
	size_t size; /* counted against the bound */
};

struct cache {
	pthread_mutex_t	    mu; /* the map, the list, bytes, count */
	struct cache_item **buckets;
	struct cache_item  *head, *tail;
	size_t		    bytes, count, max;
	int64_t		    ttl;
	_Atomic uint64_t    epoch;
	_Atomic uint64_t    site;
	_Atomic uint64_t    slots[SLOTS];
};

static uint64_t
hash_bytes(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL; /* FNV-1a */
	size_t	 i;

	for (i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 1099511628211ULL;
	}
	return h;
}

struct cache *
cache_new(size_t max_bytes, int64_t ttl)
{
	struct cache *c;

	if (max_bytes == 0)
		return NULL;
	c = xcalloc(1, sizeof(*c));
	pthread_mutex_init(&c->mu, NULL);
	c->buckets = xcalloc(BUCKETS, sizeof(*c->buckets));
	c->max = max_bytes;
	c->ttl = ttl;
	/* Epoch 0 is what slots start at: entries start from 1. */
	atomic_init(&c->epoch, 1);
	return c;
}

static void
item_unref(struct cache_item *it)
{
	if (atomic_fetch_sub_explicit(&it->refs, 1, memory_order_acq_rel) != 1)
		return;
	if (it->payload_free)
		it->payload_free(it->payload);
	free(it->key);
	free(it);
}

/* Takes it out of the map and the list (under mu) and drops the map's
 * reference; whoever still holds one keeps it alive. */
static void
item_unlink(struct cache *c, struct cache_item *it)
{
	struct cache_item **pp;

	for (pp = &c->buckets[it->hash & (BUCKETS - 1)]; *pp != NULL;
	     pp = &(*pp)->hnext)
		if (*pp == it) {
			*pp = it->hnext;
			break;
		}
	if (it->prev)
		it->prev->next = it->next;
	else
		c->head = it->next;
	if (it->next)
		it->next->prev = it->prev;
	else
		c->tail = it->prev;
	c->bytes -= it->size;
	c->count--;
	item_unref(it);
}

void
cache_free(struct cache *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&c->mu);
	while (c->head)
		item_unlink(c, c->head);
	pthread_mutex_unlock(&c->mu);
	metrics_gauge_set(METRICS_CACHE_BYTES, 0);
	pthread_mutex_destroy(&c->mu);
	free(c->buckets);
	free(c);
}

uint64_t
cache_epoch(const struct cache *c)
{
	return atomic_load(&((struct cache *)c)->epoch);
}

static void
slot_raise(_Atomic uint64_t *slot, uint64_t e)
{
	uint64_t cur = atomic_load(slot);

	/* Invalidations may store out of order; a slot never goes back. */
	while (cur < e && !atomic_compare_exchange_weak(slot, &cur, e))
		;
}

void
cache_invalidate(struct cache *c, const char *const *keys, size_t n)
{
	uint64_t e;
	size_t	 i;

	if (c == NULL || n == 0)
		return;
	e = atomic_fetch_add(&c->epoch, 1) + 1;
	for (i = 0; i < n; i++) {
		if (strcmp(keys[i], "site") == 0)
			slot_raise(&c->site, e);
		else
			slot_raise(
			    &c->slots[hash_bytes(keys[i], strlen(keys[i])) &
				(SLOTS - 1)],
			    e);
	}
}

static bool
item_valid(struct cache *c, const struct cache_item *it, int64_t now)
{
	size_t i;

	if (it->expires != 0 && now >= it->expires)
		return false;
	if (atomic_load(&c->site) > it->epoch)
		return false;
	for (i = 0; i < it->nslots; i++)
		if (atomic_load(&c->slots[it->slots[i]]) > it->epoch)
			return false;
	return true;
}

struct cache_item *
cache_get(struct cache *c, const char *key, size_t len)
{
	struct cache_item *it;
	uint64_t	   h = hash_bytes(key, len);
	int64_t		   now = (int64_t)time(NULL);

	pthread_mutex_lock(&c->mu);
	for (it = c->buckets[h & (BUCKETS - 1)]; it != NULL; it = it->hnext)
		if (it->hash == h && it->keylen == len &&
		    memcmp(it->key, key, len) == 0)
			break;
	if (it != NULL && !item_valid(c, it, now)) {
		item_unlink(c, it);
		metrics_gauge_set(METRICS_CACHE_BYTES, (int64_t)c->bytes);
		it = NULL;
	}
	if (it != NULL) {
		if (it != c->head) {
			/* To the front of the LRU list. */
			it->prev->next = it->next;
			if (it->next)
				it->next->prev = it->prev;
			else
				c->tail = it->prev;
			it->prev = NULL;
			it->next = c->head;
			c->head->prev = it;
			c->head = it;
		}
		atomic_fetch_add_explicit(&it->refs, 1, memory_order_relaxed);
	}
	pthread_mutex_unlock(&c->mu);
	if (it)
		metrics_cache_hit();
	else
		metrics_cache_miss();
	return it;
}

void *
cache_item_payload(const struct cache_item *it)
{
	return it->payload;
}

void
cache_item_unref(struct cache_item *it)
{
	if (it)
		item_unref(it);
}

bool
cache_put(struct cache *c, const char *key, size_t len, const char *const *deps,
    size_t ndeps, uint64_t epoch, int64_t expires, void *payload, size_t size,
    void (*payload_free)(void *))
{
	struct cache_item *it, *old;
	uint64_t	   h = hash_bytes(key, len);
	size_t		   i, total = size + len + ITEM_OVERHEAD;

	if (ndeps > CACHE_DEPS_MAX || total > c->max / 8)
		return false;
	it = xcalloc(1, sizeof(*it));
	atomic_init(&it->refs, 1);
	it->hash = h;
	it->key = xmalloc(len + 1);
	memcpy(it->key, key, len);
	it->key[len] = '\0';
	it->keylen = len;
	for (i = 0; i < ndeps; i++)
		it->slots[i] = (unsigned)(hash_bytes(deps[i], strlen(deps[i])) &
		    (SLOTS - 1));
	it->nslots = ndeps;
	it->epoch = epoch;
	if (c->ttl > 0 && (expires == 0 || expires > time(NULL) + c->ttl))
		expires = (int64_t)time(NULL) + c->ttl;
	it->expires = expires;
	it->size = total;
	/* Rendered from data an invalidation has since replaced: not kept
	 * (lookups would drop it anyway; this saves the slot). */
	if (!item_valid(c, it, 0)) {
		free(it->key);
		free(it);
		return false;
	}
	it->payload = payload;
	it->payload_free = payload_free;
	pthread_mutex_lock(&c->mu);
	for (old = c->buckets[h & (BUCKETS - 1)]; old != NULL; old = old->hnext)
		if (old->hash == h && old->keylen == len &&
		    memcmp(old->key, key, len) == 0)
			break;
	/* Concurrent misses on one key each render (at most one per server
	 * thread); the last to finish is kept. */
	if (old)
		item_unlink(c, old);
	it->hnext = c->buckets[h & (BUCKETS - 1)];
	c->buckets[h & (BUCKETS - 1)] = it;
	it->next = c->head;
	if (c->head)
		c->head->prev = it;
	c->head = it;
	if (c->tail == NULL)
		c->tail = it;
	c->bytes += total;
	c->count++;
	while (c->bytes > c->max && c->tail != it)
		item_unlink(c, c->tail);
	metrics_gauge_set(METRICS_CACHE_BYTES, (int64_t)c->bytes);
	pthread_mutex_unlock(&c->mu);
	return true;
}

size_t
cache_bytes(const struct cache *c)
{
	size_t n;

	pthread_mutex_lock(&((struct cache *)c)->mu);
	n = c->bytes;
	pthread_mutex_unlock(&((struct cache *)c)->mu);
	return n;
}

size_t
cache_count(const struct cache *c)
{
	size_t n;

	pthread_mutex_lock(&((struct cache *)c)->mu);
	n = c->count;
	pthread_mutex_unlock(&((struct cache *)c)->mu);
	return n;
}

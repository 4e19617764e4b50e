/* cache.h: the page cache: a bounded, thread-safe map from a request key
 * to an opaque, refcounted payload (the HTTP layer's prebuilt responses),
 * with LRU eviction and invalidation by dependency keys.
 *
 * Invalidation works by epochs. One global counter (the epoch) is bumped
 * by every invalidation; each dependency key ("article:42", "comments:42",
 * "list", "counts") hashes to a slot that remembers the epoch of its last
 * invalidation, and "site" is a slot every entry depends on. An entry
 * records the epoch read BEFORE its page was rendered; it is valid while
 * none of its slots was invalidated after that. So invalidating is O(1)
 * and lookups check lazily; a render that raced with an invalidation of
 * one of its keys is not stored at all (its data may predate the change).
 * Slots are a fixed table: two keys sharing a slot only cost a spurious
 * miss, never a stale page, and a flood of keys costs no memory.
 *
 * Knows nothing of HTTP or of the store (but for notify.c, which listens
 * through it): serve wires the store's change hook to cache_invalidate(),
 * and the server stores and finds payloads. */
#ifndef GAZETTE_CACHE_H
#define GAZETTE_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Dependency keys a page may declare, at most this many. */
#define CACHE_DEPS_MAX 8

struct cache;
struct cache_item;

/* A cache of at most max_bytes (payload sizes as given to cache_put plus
 * the key), whose items live at most ttl seconds (0: no limit): the bound
 * on staleness for changes no hook reports (another process writing the
 * SQLite file, time passing on a page that shows "the last two days").
 * max_bytes 0: NULL, no cache. */
struct cache *cache_new(size_t max_bytes, int64_t ttl);
/* Frees the cache; items still referenced stay alive until unref'd. */
void cache_free(struct cache *);

/* The epoch to pass to cache_put for a page about to be rendered. */
uint64_t cache_epoch(const struct cache *);
/* Invalidates each key (NUL-terminated strings); "site" invalidates every
 * entry. Safe from any thread, including while requests are served. */
void cache_invalidate(struct cache *, const char *const *keys, size_t n);

/* The valid item for key[0..len), referenced (cache_item_unref when done),
 * or NULL; counts a hit or a miss in the metrics. An item past its expiry
 * or invalidated is dropped here. */
struct cache_item *cache_get(struct cache *, const char *key, size_t len);
void		  *cache_item_payload(const struct cache_item *);
void		   cache_item_unref(struct cache_item *);

/*
 * Stores payload (of size bytes, freed by payload_free when the item goes
 * and no one holds it) under key, replacing an older item, with its
 * dependency keys and the epoch read before rendering; expires is a Unix
 * time after which the item is not served (0: never). Returns false, and
 * frees nothing, when the item was not stored: a dependency was
 * invalidated since epoch, or it is too large for the cache (over an
 * eighth of it). On true the cache owns the payload.
 */
bool cache_put(struct cache *, const char *key, size_t len,
    const char *const *deps, size_t ndeps, uint64_t epoch, int64_t expires,
    void *payload, size_t size, void (*payload_free)(void *));

/* notify.c: keys from other processes writing the same database. The
 * server starts a listener (NULL when it cannot: then only the time limit
 * bounds what it misses): a local socket, and on PostgreSQL also LISTEN,
 * which hears every node's commits and drops the whole cache after its
 * connection was lost and made again. A writing process's change hook
 * calls cache_notify_send, which returns once a server on this host
 * invalidated the keys (or at once, when none runs on that database). */
struct cache_notify;
struct cache_notify *cache_notify_start(const char *db_url, struct cache *);
void		     cache_notify_stop(struct cache_notify *);
void cache_notify_send(const char *db_url, const char *const *keys, size_t n);

/* Bytes and items held (tests, metrics). */
size_t cache_bytes(const struct cache *);
size_t cache_count(const struct cache *);

#endif

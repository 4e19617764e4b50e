/* http-int.h: pieces of src/http/ shared between its files, kept pure
 * (no libmicrohttpd) so the unit tests can call them directly. */
#ifndef GAZETTE_HTTP_INT_H
#define GAZETTE_HTTP_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "http/http.h"

/* cookie.c */

/* The value of the first cookie called name in one Cookie header value
 * ("a=1; b=\"x y\""), unquoted, copied into the arena; NULL when absent or
 * when header is NULL. Pairs without '=' are skipped. */
const char *cookie_find(struct arena *, const char *header, const char *name);

/* route.c */

/* The method named by s[0..n) (case-sensitive, as RFC 9110 says), or false
 * when it is none gazette knows. */
bool	    http_method_parse(const char *s, size_t n, enum http_method *);
const char *http_method_name(enum http_method);
/* Appends the Allow header value for mask ("GET, HEAD, OPTIONS"); HEAD is
 * added whenever GET is, and OPTIONS always. */
void http_allow_format(struct buf *, unsigned mask);

/* proxy.c */

/* http_cidr_list_match over the trusted proxies. */
bool http_proxy_trusted(const struct http_cidr *, size_t n, const char *addr);
/*
 * The client address of a request whose TCP peer is peer, given the
 * X-Forwarded-For value xff (NULL when absent; several headers joined by
 * commas). When the peer is not trusted it is the client, whatever the
 * header says. Otherwise the header is read from the right: trusted
 * addresses are hops of our own proxies and are skipped; the first
 * untrusted one is the client. An item that is not an address stops the
 * walk, and the last trusted hop seen is the client: everything left of
 * the rightmost untrusted hop may have been written by the client. Writes
 * the address (IPv4-mapped IPv6 as IPv4) into out.
 */
void http_proxy_client(const struct http_cidr *, size_t n, const char *peer,
    const char *xff, char *out, size_t outlen);
/* "https" or "http" from an X-Forwarded-Proto value (its last item), or
 * NULL when it is neither. */
const char *http_proxy_scheme(const char *xfp);

/* limit.c */

/* Open connections per limit key (http_limit_key), for the per-address
 * connection cap. Not locked: the caller serialises. expect sizes the
 * table (the connections there may be at once). */
struct http_addr_counts;
struct http_addr_counts *http_addr_counts_new(size_t expect);
void			 http_addr_counts_free(struct http_addr_counts *);
/* Counts one more connection for key, unless key has max already: then
 * false and nothing changes. */
bool http_addr_counts_take(struct http_addr_counts *, const char *key,
    unsigned max);
/* One connection of key's ended (one that take counted). */
void	 http_addr_counts_put(struct http_addr_counts *, const char *key);
unsigned http_addr_counts_get(struct http_addr_counts *, const char *key);

/* cond.c */

/* true if the If-None-Match value v lists etag (or is "*"); weak
 * comparison, as RFC 9110 §13.1.2 asks of If-None-Match. */
bool http_inm_matches(const char *v, const char *etag);
/* An IMF-fixdate into Unix seconds; false for anything else. */
bool http_date_parse(const char *s, int64_t *out);

/* pagecache.c: the page cache's side of the server. */

/* Whether an Accept-Encoding value admits gzip (q-values honoured:
 * "gzip;q=0" refuses it; "*" admits it unless gzip is listed). */
bool http_accepts_gzip(const char *accept_encoding);
/* The cache key of a request: path, then "?" and args (what
 * http_query_parse kept of its query: the route's parameters, decoded,
 * in the route's order) as name=value pairs joined by '&', each value
 * percent-encoded one way (every byte but A-Z a-z 0-9 - . _ ~ as %XX),
 * so that every spelling of one query is one key and no two queries
 * share one; the path itself when args is empty. In the arena. */
const char *http_cache_key(struct arena *, const char *path,
    const struct form *args, size_t *len);

/* resp.c */

/* Appends s[0..n) for a log line: bytes < 0x20, 0x7f, '"', '\\' and ' '
 * become \xHH, so a request can neither forge nor split a line. */
void http_log_escape(struct buf *, const char *s, size_t n);

#endif

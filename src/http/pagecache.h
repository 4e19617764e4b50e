/* pagecache.h: the server's half of the page cache: prebuilt responses.
 * Private to src/http/ (it speaks libmicrohttpd).
 *
 * A struct prebuilt is one cacheable page made ready to send: its
 * libmicrohttpd responses (identity, gzip, 304s) built once, with every
 * header, and kept persistent, so answering a hit allocates nothing and
 * builds no header: it only queues one of them. A page with a visitor
 * hook (http_resp_visitor) whose hook adds headers for this request gets
 * a response built around the same shared bytes instead. Refcounted:
 * the cache holds one reference, each request in flight may hold one, and
 * libmicrohttpd holds its own on the responses it is sending. */
#ifndef GAZETTE_HTTP_PAGECACHE_H
#define GAZETTE_HTTP_PAGECACHE_H

#include <stdbool.h>
#include <stddef.h>

#include <microhttpd.h>

#include "http/http-int.h"

struct prebuilt;

/* Builds a prebuilt page from a decorated, cacheable 200 (consuming its
 * body; headers are copied); with_gzip adds the gzip variant. NULL when
 * resp cannot be kept (Set-Cookie, too many headers); resp is untouched
 * then. *size gets the bytes it holds. route is the metrics index. */
struct prebuilt *prebuilt_new(struct http_resp *, bool with_gzip,
    unsigned route, size_t *size);
void		 prebuilt_ref(struct prebuilt *);
/* void * so that it can be the cache's payload destructor. */
void	 prebuilt_unref(void *);
unsigned prebuilt_route(const struct prebuilt *);
/* Queues the answer to req from pb: 304 when a validator matches, gzip
 * when accepted, with the visitor's own headers. *status and *bytes
 * get what was answered. */
enum MHD_Result prebuilt_queue(struct prebuilt *, struct MHD_Connection *,
    struct http_req *, int *status, size_t *bytes);

#endif

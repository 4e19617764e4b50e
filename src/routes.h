/* routes.h: the one route table of serve and build, and the handlers for
 * what no route answers. */
#ifndef GAZETTE_ROUTES_H
#define GAZETTE_ROUTES_H

#include <stddef.h>

#include "http/http.h"

extern const struct route routes[];
extern const size_t	  routes_n;

/* No route matched: a problem document under /api, else the site's 404
 * page (which first tries an imported article's old address). ctx is the
 * struct site. */
void routes_not_found(struct http_req *, struct http_resp *, void *ctx);
/* An error the HTTP layer answers itself (http_server_opts.error): a
 * problem document under /api, else the site's short error page. */
void routes_error(struct http_req *, struct http_resp *, int status,
    const char *msg, void *ctx);
/* A query parameter a route reads was malformed: a problem document under
 * /api, else the site's 400 page. */
void routes_bad_query(struct http_req *, struct http_resp *, void *ctx,
    const char *param, const char *msg);

#endif

/* http.h: gazette's HTTP interface: requests, responses, routes, server.
 *
 * Handlers see only this header; libmicrohttpd stays inside src/http/.
 * A request and everything hanging off it (params, decoded forms, the
 * response's headers) live in the request's arena and die when the response
 * has been sent. A handler fills in a struct http_resp and returns; it never
 * writes to the socket. */
#ifndef GAZETTE_HTTP_H
#define GAZETTE_HTTP_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

/* Decoded application/x-www-form-urlencoded data or query string. */
struct form_field {
	const char *name; /* NUL-terminated, may hold NULs: see len */
	size_t	    name_len;
	const char *value;
	size_t	    value_len;
};

struct form {
	struct form_field *fields;
	size_t		   n;
};

enum form_err {
	FORM_OK = 0,
	FORM_TOO_MANY,	 /* more than max_fields pairs */
	FORM_BAD_ESCAPE, /* '%' not followed by two hex digits */
	FORM__MAX
};

/* Decodes s[0..n) ('+' is space, %XX bytes) into arena memory. Pairs are
 * separated by '&' alone (';' is an ordinary byte, as in the WHATWG URL
 * standard), the one rule http_query_parse also follows. Empty pairs
 * ("a&&b") are skipped; a name without '=' has an empty value. For
 * request bodies: a query string is read with http_query_parse. */
enum form_err form_parse(struct arena *, const char *s, size_t n,
    size_t max_fields, struct form *out);
/* First value of name, or NULL; *len gets its length when len is non-NULL. */
const char *form_get(const struct form *, const char *name, size_t *len);
/* Percent-decodes one path segment into the arena ('+' stays '+').
 * NULL if an escape is malformed. */
char *url_decode_segment(struct arena *, const char *s, size_t n,
    size_t *outlen);

/*
 * The query string, parsed once (form.c) by the server for the route the
 * request matched, before the page cache is asked: the cache key and the
 * page are made from the same parsed parameters, so no spelling of a
 * query ("%68eld=1", "held=%31", "x=1;held=1") can give the page one
 * parameter and the key another. Only the parameters the route declares
 * (struct route) are kept; any other is ignored, or, on a strict route
 * (the API), refused. A declared parameter must come at most once, with
 * well-formed escapes, and decode to UTF-8 without a NUL or another
 * control character (a tab passes); otherwise the request is a 400
 * naming it.
 */
enum http_query_err {
	HTTP_QUERY_OK = 0,
	HTTP_QUERY_BAD_ESCAPE, /* '%' not followed by two hex digits */
	HTTP_QUERY_NUL,	       /* decodes to a NUL byte */
	HTTP_QUERY_CONTROL,    /* decodes to another control character */
	HTTP_QUERY_BAD_UTF8,   /* decodes to bytes that are not UTF-8 */
	HTTP_QUERY_TWICE,      /* a declared parameter given more than once */
	HTTP_QUERY_UNKNOWN,    /* not declared, on a strict route */
	HTTP_QUERY__MAX
};

/* Parses the query s[0..n) against names (the route's declared
 * parameters, space-separated; NULL: none) into out, in arena memory:
 * out's fields are the declared parameters that came, in names' order,
 * each name as declared and its value decoded ('+' is a space),
 * NUL-terminated. On an error out is empty and *bad is the parameter at
 * fault: a declared name, or for HTTP_QUERY_UNKNOWN the name as sent if
 * it is printable ASCII of at most 64 bytes, else NULL (also NULL for a
 * broken escape in an unknown name). Work and memory are linear in n. */
enum http_query_err http_query_parse(struct arena *, const char *s, size_t n,
    const char *names, bool strict, struct form *out, const char **bad);
/* "query parameter 'q' is not valid UTF-8": the 400's message for an
 * error of http_query_parse and its *bad, in the arena. */
const char *http_query_problem(struct arena *, enum http_query_err,
    const char *bad);

enum http_method {
	HTTP_GET = 0,
	HTTP_HEAD,
	HTTP_POST,
	HTTP_PUT,
	HTTP_PATCH,
	HTTP_DELETE,
	HTTP_OPTIONS,
	HTTP_METHOD__MAX
};

#define HTTP_M(m) (1u << (m))

struct http_req {
	enum http_method method;
	const char	*path;	/* as sent, not percent-decoded */
	const char	*query; /* after '?', "" when none, as sent:
					 * read parameters from args */
	/* The query's parameters the route declares (http_query_parse):
	 * form_get(&req->args, "q", &len). Empty outside a route. */
	struct form   args;
	const char   *body; /* NUL-terminated, may hold NULs */
	size_t	      body_len;
	char	      client[64]; /* client address, text: the peer,
					 * or behind a trusted proxy the
					 * client it names (proxy.c); the
					 * one every check by address uses */
	int64_t	      start_us;	  /* monotonic, at arrival */
	struct arena *arena;
	struct sv     params[4]; /* route parameters, in pattern order */
	size_t	      nparams;
	void	     *impl;   /* the server's own (headers) */
	const char   *route;  /* pattern of the route matched, or NULL */
	const char   *scheme; /* "http", or X-Forwarded-Proto's
					 * "https" from a trusted proxy */
};

/* A header of the request (case-insensitive name), or NULL. */
const char *http_req_header(const struct http_req *, const char *name);
/* The value of cookie name from the Cookie header(s), or NULL. */
const char *http_req_cookie(const struct http_req *, const char *name);

struct http_header {
	const char *name;
	const char *value;
};

/* Immutable response bytes shared between the page cache and responses in
 * flight: the last http_shared_unref() frees them. */
struct http_shared;
struct http_shared *http_shared_new(const char *data, size_t len); /* copies */
struct http_shared *http_shared_adopt(char *data, size_t len);	   /* takes */
void		    http_shared_ref(struct http_shared *);
void		    http_shared_unref(struct http_shared *);
const char	   *http_shared_data(const struct http_shared *, size_t *len);
/* A response outside the server (gazette build renders pages into one):
 * init puts it to its defaults (status 200, no body, no headers); clear
 * releases what it holds, a shared body included. */
struct http_resp;
void http_resp_init(struct http_resp *);
void http_resp_clear(struct http_resp *);

/* Dependency keys a cacheable response may name (cache/cache.h). */
#define HTTP_CACHE_DEPS 8

struct http_resp;
/* Adds a visitor's own headers (Set-Cookie) to hdrs for a page whose body
 * is the same for everyone; called per request, cache hits included. */
typedef void (
    *http_visitor_fn)(struct http_req *, struct http_resp *hdrs, void *ctx);

struct http_resp {
	int		    status;	  /* default 200 */
	const char	   *content_type; /* default text/html; charset=utf-8 */
	struct buf	    body;	  /* used unless shared is set */
	struct http_shared *shared;	  /* referenced; unref'd after send */
	struct http_header  headers[24];
	size_t		    nheaders;
	/*
	 * The page cache (set through http_resp_cache; the server decides).
	 * A 200 to a GET or HEAD marked cache, with no Set-Cookie, is kept
	 * by the server's page cache under its path (and the query
	 * parameters routes declare, struct route) and served from memory
	 * with ETag, Last-Modified, Cache-Control and a gzip variant until
	 * one of deps is invalidated (store_on_change keys; "site" is
	 * implied) or, when expires is set (Unix s), until then. A page must
	 * then depend on nothing but its path, the declared parameters and
	 * the data its deps name: no cookie, session or header.
	 */
	bool	    cache;
	const char *deps[HTTP_CACHE_DEPS]; /* outlive the request */
	size_t	    ndeps;
	int64_t	    expires;
	/* Per-visitor headers for this page (http_visitor_fn), cached or
	 * not. A response that gets any is Cache-Control private, so no
	 * shared cache hands one visitor's cookie to another. */
	http_visitor_fn visitor_fn;
	void	       *visitor_ctx;
};

/* Adds a response header; the strings must outlive the request (literals or
 * the request arena). Over the fixed count it is dropped and logged. */
void http_resp_header(struct http_resp *, const char *name, const char *value);
/* Sets a plain-text error body and status; for 4xx/5xx without a page. */
void http_resp_text(struct http_resp *, int status, const char *msg);
/* Seconds a client is asked to wait after a 503 of a part that is down
 * for a moment (the database, a full queue). */
#define HTTP_RETRY_S 5
#define HTTP_STR_(x) #x
#define HTTP_STR(x)  HTTP_STR_(x)
/* Retry-After: seconds, the one way every 429 and 503 says it; the text
 * goes in arena (NULL is fine for HTTP_RETRY_S). */
void http_resp_retry_after(struct http_resp *, struct arena *, int64_t seconds);
/* 503, msg as plain text, Retry-After HTTP_RETRY_S. */
void http_resp_unavailable(struct http_resp *, const char *msg);
/* 303 (or status) to location. */
void http_resp_redirect(struct http_resp *, int status, const char *location);
const char *http_status_text(int status);
/* Marks resp cacheable, depending on key (NULL: only on "site"); the key
 * must outlive the request. Call once per key. */
void http_resp_cache(struct http_resp *, const char *key);
/* Sets resp's per-visitor headers hook (see struct http_resp). */
void http_resp_visitor(struct http_resp *, http_visitor_fn fn, void *ctx);

/* cond.c: conditional requests. http_etag_of() is a strong ETag (quoted)
 * for a body, in the arena. http_resp_conditional() adds the ETag (if not
 * NULL) and Last-Modified (if > 0, Unix s) headers, then answers a GET or
 * HEAD whose If-None-Match matches etag, or, without If-None-Match, whose
 * If-Modified-Since is not older than last_modified: it makes resp a 304
 * with no body and returns true. Otherwise resp is left to the caller. */
const char *http_etag_of(struct arena *, const void *data, size_t len);
bool	    http_resp_conditional(const struct http_req *, struct http_resp *,
	   const char *etag, int64_t last_modified);

typedef void (*http_handler)(struct http_req *, struct http_resp *, void *ctx);

/* A route: methods is a mask of HTTP_M(); a HEAD request is routed to the
 * GET route. Pattern segments are literals, ":name" (one non-empty
 * segment, captured into params), or a trailing "*" (the rest, captured).
 * "/" matches only the root. A trailing slash in the request path is not
 * ignored: "/2022/" and "/2022" are different paths. */
struct route {
	unsigned     methods;
	const char  *pattern;
	http_handler fn;
	/* Query parameters the handler reads, space-separated (NULL: none).
	 * They are all it sees (http_req.args), and the page cache keys
	 * pages by path and these parameters only, decoded, so
	 * "/?utm_source=x" is the "/" page. */
	const char *query;
	/* Parameters not in query are a 400 (the API's rule, SPEC §9)
	 * instead of being ignored (reader pages: campaign tags must not
	 * break links). */
	bool query_strict;
};

enum route_result {
	ROUTE_FOUND = 0,
	ROUTE_NOT_FOUND,
	ROUTE_BAD_METHOD, /* path matched, method did not; see allow */
	ROUTE__MAX
};

/* Finds the first route matching method and path (path without query).
 * On ROUTE_FOUND fills req->params. On ROUTE_BAD_METHOD *allow gets the
 * mask of methods that would match. */
enum route_result route_match(const struct route *routes, size_t n,
    enum http_method, const char *path, struct http_req *req,
    const struct route **found, unsigned *allow);

/* A limit set to this never applies (a zero one takes its default). */
#define HTTP_LIMIT_OFF UINT_MAX

struct http_limits {
	size_t	 max_url;	   /* bytes of request target → 414 */
	size_t	 max_body;	   /* → 413 */
	size_t	 header_mem;	   /* request line and headers → 431 */
	unsigned header_timeout;   /* s to send the headers */
	unsigned idle_timeout;	   /* s of keep-alive idleness */
	unsigned body_timeout;	   /* s to send the body, once the
					 * headers are in; then closed */
	unsigned body_min_rate;	   /* bytes/s a body must average after
					 * its first seconds, or it is closed;
					 * HTTP_LIMIT_OFF: no minimum */
	unsigned max_conns;	   /* at the cap, a new client takes the
					 * slot of the connection longest in
					 * a phase with no handler running */
	unsigned max_conns_per_ip; /* per http_limit_key();
						 * trusted proxies exempt */
};

/* The key every per-address limit counts by (connections, comment pacing,
 * sign-in failures), from an address in text: an IPv4 address as itself,
 * an IPv4-mapped IPv6 address as the IPv4 address, any other IPv6 address
 * by its /64 ("2001:db8:1:2::/64"); text that is no address is its own
 * key. Into out, truncated to outlen (HTTP_LIMIT_KEY_MAX is always
 * enough). */
#define HTTP_LIMIT_KEY_MAX 64
void http_limit_key(const char *addr, char *out, size_t outlen);
/* The limit key of req's client, in its arena. */
const char *http_req_limit_key(const struct http_req *);

/* An address or network a reverse proxy is trusted at (proxy.c). IPv4 is
 * kept as such; an IPv4-mapped IPv6 address (::ffff:a.b.c.d) is treated
 * as the IPv4 address it carries, in lists and in peers alike. */
struct http_cidr {
	int	 family;   /* AF_INET or AF_INET6 */
	uint8_t	 addr[16]; /* network order; 4 bytes for v4 */
	unsigned bits;	   /* prefix length */
};

/* Parses "10.0.0.0/8", "::1/128", "192.0.2.7" (a single address) from
 * s[0..n). Host bits beyond the prefix are cleared. False when it is
 * not one of these. */
bool http_cidr_parse(const char *s, size_t n, struct http_cidr *);
/* Parses a comma-separated list (blanks allowed around items, empty
 * items skipped), appending to *list (xrealloc'd; the caller frees).
 * False at the first bad item, which *bad points at (its length in
 * *badlen). */
bool http_cidr_list_parse(const char *csv, struct http_cidr **list, size_t *n,
    const char **bad, size_t *badlen);
/* Whether addr (text, IPv4 or IPv6; an IPv4-mapped IPv6 address counts
 * as its IPv4 one) is inside one of the list's networks; false for
 * anything that is not an address. */
bool http_cidr_list_match(const struct http_cidr *, size_t n, const char *addr);

enum http_log_format {
	HTTP_LOG_TEXT = 0, /* METHOD PATH STATUS BYTES µs CLIENT [aborted] */
	HTTP_LOG_JSON,	   /* one JSON object a line */
	HTTP_LOG__MAX
};

struct http_server_opts {
	const char	    *addr; /* "127.0.0.1" */
	unsigned	     port; /* 0: pick a free one */
	unsigned	     threads;
	struct http_limits   limits;
	bool		     access_log; /* one line per request, stderr */
	enum http_log_format log_format;
	const struct route  *routes;
	size_t		     nroutes;
	/* Answers unknown paths (themed 404) and 405s; may be NULL. */
	void (*not_found)(struct http_req *, struct http_resp *, void *);
	/* Peers whose X-Forwarded-For and X-Forwarded-Proto are believed
	 * (must outlive the server); none: the headers are ignored. */
	const struct http_cidr *trusted;
	size_t			ntrusted;
	/* Answers a request whose query http_query_parse refused (resp's
	 * status is 400; param is its *bad, msg its http_query_problem):
	 * a themed page or a problem document. NULL: plain text. */
	void (*bad_query)(struct http_req *, struct http_resp *, void *,
	    const char *param, const char *msg);
	/* Fills resp for an error this layer answers itself (a malformed
	 * request: 400, 405, 413, 414, 431, 501, 505; a page that could not
	 * be built: 500), given its status and a short message: the body a
	 * client expects at req->path (a problem document under the API, a
	 * page elsewhere). req->path is the target's path even when the
	 * request was refused before it was parsed, or "" when the target
	 * was no path. The status stays. May be NULL: plain text. */
	void (*error)(struct http_req *, struct http_resp *, int status,
	    const char *msg, void *);
	/* Sets headers every response carries (security headers). */
	void (*decorate)(struct http_req *, struct http_resp *, void *);
	void *ctx;
	/* Optional, for a ctx that can be replaced while serving (a
	 * reload): each request's handlers, not_found and decorate get
	 * ctx_acquire(ctx) instead of ctx, and ctx_release(ctx, that) is
	 * called once the request is over. Both or neither. */
	void *(*ctx_acquire)(void *ctx);
	void (*ctx_release)(void *ctx, void *acquired);
	/* The page cache (cache/cache.h), or NULL: none. Pages are looked
	 * up before routing; see struct http_resp. */
	struct cache *cache;
	/* > 0: listen on this socket (inherited, already bound and
	 * listening) instead of binding addr:port; it becomes the
	 * server's. */
	int listen_fd;
};

struct http_server;

/* Starts listening; on failure NULL and a message in err. */
struct http_server *http_server_start(const struct http_server_opts *,
    char *err, size_t errlen);
/* The port actually bound (when opts.port was 0). */
unsigned http_server_port(const struct http_server *);
/* Stops accepting, lets requests in flight finish, frees the server.
 * While it drains, every response says "Connection: close", and a kept-
 * alive connection idle for a second is closed, so clients move to
 * whichever process now accepts on the socket. */
void http_server_stop(struct http_server *);
/* The listening socket, to hand to a successor process. */
int http_server_listen_fd(const struct http_server *);

/* Requests currently being handled (for /metrics and tests). */
unsigned http_server_active(const struct http_server *);

#endif

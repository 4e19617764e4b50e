/* server.c: the libmicrohttpd wrapper: listening socket, limits,
 * timeouts, dispatch to routes, responses, access log, graceful stop.
 *
 * The per-request life: the URI callback (request line read) allocates a
 * struct rq and copies the raw target; the first access-handler call
 * (headers read) validates the request line and headers and may answer an
 * error at once; later calls collect the body; the last call routes and
 * queues the response (on the second-or-later call, never the first, so
 * 0.9.75 keeps the connection alive: NOTES-http.md); the completion
 * callback writes the access log line and frees everything.
 *
 * We accept connections ourselves (acceptor()) and hand them to
 * libmicrohttpd, rather than letting its workers listen: stopping then
 * means stopping our own thread. MHD_quiesce_daemon() races with the epoll
 * workers in 0.9.75 (both remove the listen socket from the epoll set and
 * the loser aborts the process), which a stop under load hit. */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>

#include "cache/cache.h"
#include "http/http-int.h"
#include "http/pagecache.h"
#include "render/json.h"
#include "util/metrics.h"
#include "util/xalloc.h"

#define STOP_WAIT_US  (10 * 1000000LL)
#define DRAIN_IDLE_US (1000000LL) /* idle kept-alive conns closed */
#define BODY_GRACE_US (2000000LL) /* before a body's rate counts */
/* libmicrohttpd's memory for one connection: the header block we accept
 * (our 431 is at header_mem) and room for its own bookkeeping. It zeroes
 * the whole pool between requests, so every byte here costs on every
 * request: 32 KiB for the default 24 KiB of header fields. */
#define MHD_POOL(header_mem) ((header_mem) + (header_mem) / 3)
#define EVICT_WAIT_MS	     100 /* for an evicted conn to go */

/* Where a connection is in its request (see watchdog() and evict()). */
enum conn_phase {
	CONN_WAIT = 0, /* reading a request line and headers, or idle */
	CONN_BODY,     /* headers in, reading the body */
	CONN_BUSY,     /* a handler runs */
	CONN_SEND      /* the answer is queued or going out */
};

/* Per connection, for the deadlines and the caps. */
struct conn {
	struct conn	*prev, *next;
	int		 fd;
	_Atomic int64_t	 deadline;   /* monotonic µs; 0: none */
	_Atomic int64_t	 idle_since; /* between requests; 0: in one */
	_Atomic int	 phase;	     /* enum conn_phase */
	_Atomic int64_t	 since;	     /* µs, the phase's start */
	_Atomic uint64_t body_bytes; /* of this request's body */
	bool		 evicted;    /* shut for a newcomer */
	unsigned	 eof_ticks;  /* peer_gone()'s count */
	bool		 counted;    /* in per_addr under key */
	char		 key[HTTP_LIMIT_KEY_MAX];
};

struct http_server {
	struct MHD_Daemon	*d;
	struct http_server_opts	 o;
	int			 fd;
	unsigned		 port;
	atomic_uint		 active;
	atomic_bool		 draining; /* stopping: close after answering */
	atomic_uint		 nconns;   /* open connections */
	int			 stopfd;   /* eventfd: the acceptor stops */
	bool			 acceptor_on;
	pthread_t		 acceptor;
	pthread_mutex_t		 mu; /* conns, per_addr, stopping */
	pthread_cond_t		 cv;
	bool			 stopping;
	bool			 watchdog_on;
	pthread_t		 watchdog;
	struct conn		*conns;
	struct http_addr_counts *per_addr; /* open conns per limit key */
};

enum rq_state {
	RQ_NEW = 0, /* request line read, headers not yet seen */
	RQ_BODY,    /* headers read, body (if any) arriving */
	RQ_DONE	    /* response queued */
};

struct rq {
	struct http_server *s;
	struct arena	    arena;
	enum rq_state	    state;
	const char	   *uri;	/* MHD's, for the NUL check */
	const char	   *target;	/* raw, maybe truncated */
	size_t		    target_len; /* as sent */
	const char	   *method;	/* as sent, for the log */
	struct buf	    body;
	bool		    too_big;
	size_t		    dropped; /* body bytes past max_body */
	int		    status;  /* 0 until we queue */
	unsigned	    route;   /* metrics index */
	void		   *ctx;     /* acquired, or NULL */
	size_t		    bytes;
	const char	   *ckey; /* page cache key, or NULL */
	size_t		    ckeylen;
	uint64_t	    epoch; /* the cache's, before the handler */
	struct http_req	    req;
};

static int64_t
now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static struct conn *
conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;

	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	return ci ? ci->socket_context : NULL;
}

static void
conn_enter(struct conn *cn, enum conn_phase phase)
{
	if (cn == NULL)
		return;
	atomic_store(&cn->since, now_us());
	atomic_store(&cn->phase, (int)phase);
}

/* The handlers' context for this request, acquired on first use. */
static void *
rq_ctx(struct rq *rq)
{
	struct http_server *s = rq->s;

	if (s->o.ctx_acquire == NULL)
		return s->o.ctx;
	if (rq->ctx == NULL)
		rq->ctx = s->o.ctx_acquire(s->o.ctx);
	return rq->ctx;
}

/* --- responses -------------------------------------------------------- */

static enum MHD_Result respond(struct rq *, struct MHD_Connection *,
    struct http_resp *);
static void	       error_fill(struct rq *, struct http_resp *, int status,
	       const char *msg);

static bool
header_ok(const char *s)
{
	for (; *s; s++)
		if (*s == '\r' || *s == '\n')
			return false;
	return true;
}

static void
shared_free(void *p)
{
	http_shared_unref(p);
}

/*
 * A cacheable page (decorated): made into a prebuilt page, kept in the
 * cache when there is one, and answered from it exactly as a hit would
 * be, so a miss and later hits send the same bytes. Without a cache the
 * page is still answered this way (validators, visitor headers), without
 * gzip.
 */
static enum MHD_Result
respond_cached(struct rq *rq, struct MHD_Connection *c, struct http_resp *resp)
{
	struct http_server *s = rq->s;
	struct cache	   *cache = s->o.cache;
	struct prebuilt	   *pb;
	enum MHD_Result	    ret;
	size_t		    size = 0;

	if ((pb = prebuilt_new(resp, cache != NULL, rq->route, &size)) ==
	    NULL) {
		fprintf(stderr, "http: page not cacheable: \"%s\"\n",
		    rq->req.path);
		error_fill(rq, resp, 500, "the page could not be built");
		return respond(rq, c, resp);
	}
	if (cache && rq->ckey && resp->cache) {
		prebuilt_ref(pb);
		if (!cache_put(cache, rq->ckey, rq->ckeylen, resp->deps,
			resp->ndeps, rq->epoch, resp->expires, pb, size,
			prebuilt_unref))
			prebuilt_unref(pb);
	}
	ret = prebuilt_queue(pb, c, &rq->req, &rq->status, &rq->bytes);
	prebuilt_unref(pb);
	http_resp_clear(resp);
	return ret;
}

/* The visitor's own headers on a page not cached; a response with any is
 * private (unless the page said how it may be kept). */
static void
visitor_headers(struct rq *rq, struct http_resp *resp)
{
	size_t i, n = resp->nheaders;

	resp->visitor_fn(&rq->req, resp, resp->visitor_ctx);
	if (resp->nheaders == n)
		return;
	for (i = 0; i < n; i++)
		if (strcasecmp(resp->headers[i].name, "Cache-Control") == 0)
			return;
	http_resp_header(resp, "Cache-Control", "private, no-cache");
}

/* Decorates, builds and queues resp; consumes resp's body or shared. */
static enum MHD_Result
respond(struct rq *rq, struct MHD_Connection *c, struct http_resp *resp)
{
	struct http_server  *s = rq->s;
	struct MHD_Response *mr;
	enum MHD_Result	     ret;
	const char	    *data;
	char		    *own;
	size_t		     i, len;

	rq->state = RQ_DONE;
	if (resp->shared == NULL && buf_err(&resp->body)) {
		fprintf(stderr, "http: response body over its cap: \"%s\"\n",
		    rq->req.path);
		error_fill(rq, resp, 500, "response too large");
	}
	if (s->o.decorate)
		s->o.decorate(&rq->req, resp, rq_ctx(rq));
	if (resp->status < 100 || resp->status > 999)
		resp->status = 500;
	if (resp->status == 200 && resp->cache &&
	    (rq->req.method == HTTP_GET || rq->req.method == HTTP_HEAD))
		return respond_cached(rq, c, resp);
	if (resp->visitor_fn)
		visitor_headers(rq, resp);
	if (resp->shared) {
		data = http_shared_data(resp->shared, &len);
		mr = MHD_create_response_from_buffer_with_free_callback_cls(len,
		    (void *)data, shared_free, resp->shared);
		if (mr == NULL)
			http_shared_unref(resp->shared);
		resp->shared = NULL;
	} else {
		own = buf_detach(&resp->body, &len);
		mr = MHD_create_response_from_buffer(len, own,
		    MHD_RESPMEM_MUST_FREE);
		if (mr == NULL)
			free(own);
	}
	if (mr == NULL) {
		http_resp_clear(resp);
		return MHD_NO;
	}
	if (atomic_load(&s->draining))
		MHD_add_response_header(mr, MHD_HTTP_HEADER_CONNECTION,
		    "close");
	MHD_add_response_header(mr, MHD_HTTP_HEADER_CONTENT_TYPE,
	    resp->content_type ?
		resp->content_type :
		"text/html; charset=utf-8");
	for (i = 0; i < resp->nheaders; i++) {
		if (!header_ok(resp->headers[i].name) ||
		    !header_ok(resp->headers[i].value) ||
		    MHD_add_response_header(mr, resp->headers[i].name,
			resp->headers[i].value) != MHD_YES)
			fprintf(stderr, "http: header refused: \"%s\"\n",
			    resp->headers[i].name);
	}
	rq->status = resp->status;
	rq->bytes = len;
	ret = MHD_queue_response(c, (unsigned)resp->status, mr);
	MHD_destroy_response(mr);
	http_resp_clear(resp);
	return ret;
}

/*
 * Makes resp (cleared first) the answer to an error this layer raises
 * itself: the server's error hook decides its body by path (a problem
 * document under the API, a page elsewhere); without one, plain text. A
 * request refused before its target was parsed is given the target's
 * path, so the hook can tell whose it is.
 */
static void
error_fill(struct rq *rq, struct http_resp *resp, int status, const char *msg)
{
	struct http_server *s = rq->s;
	struct http_req	   *req = &rq->req;

	http_resp_clear(resp);
	if (s->o.error == NULL) {
		http_resp_text(resp, status, msg);
		return;
	}
	if (req->path[0] == '\0' && rq->target[0] == '/')
		req->path = arena_strndup(&rq->arena, rq->target,
		    strcspn(rq->target, "?"));
	s->o.error(req, resp, status, msg, rq_ctx(rq));
	resp->status = status;
}

/* An answer from this layer (errors, OPTIONS), decorated. */
static enum MHD_Result
respond_text(struct rq *rq, struct MHD_Connection *c, int status,
    const char *msg, unsigned allow)
{
	struct http_resp resp;
	struct buf	 b = BUF_INIT;

	http_resp_init(&resp);
	if (status >= 400)
		error_fill(rq, &resp, status, msg);
	else {
		resp.status = status; /* 204: no body */
		resp.content_type = "text/plain; charset=utf-8";
	}
	if (allow) {
		http_allow_format(&b, allow);
		http_resp_header(&resp, "Allow",
		    arena_strndup(&rq->arena, buf_str(&b), b.len));
		buf_free(&b);
	}
	return respond(rq, c, &resp);
}

/* --- request life ----------------------------------------------------- */

static void
client_text(struct MHD_Connection *c, char *out, size_t n)
{
	const union MHD_ConnectionInfo *ci;
	const struct sockaddr	       *sa;

	snprintf(out, n, "-");
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	if (ci == NULL || (sa = ci->client_addr) == NULL)
		return;
	if (sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr,
		    out, (socklen_t)n);
	else if (sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6,
		    &((const struct sockaddr_in6 *)sa)->sin6_addr, out,
		    (socklen_t)n);
}

struct xff_iter {
	struct buf  b;
	const char *name;
};

static enum MHD_Result
xff_each(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct xff_iter *it = cls;

	(void)kind;
	if (key == NULL || value == NULL || strcasecmp(key, it->name) != 0)
		return MHD_YES;
	if (it->b.len)
		buf_puts(&it->b, ", ");
	buf_puts(&it->b, value);
	return MHD_YES;
}

/* Behind a trusted proxy, the client and scheme are the ones it says.
 * Several X-Forwarded-For headers count as one list, in order. */
static void
client_from_proxy(struct rq *rq, struct MHD_Connection *c)
{
	struct http_server *s = rq->s;
	struct xff_iter	    it = { BUF_INIT, "X-Forwarded-For" };
	char		    peer[sizeof(rq->req.client)];
	const char	   *scheme;

	if (!http_proxy_trusted(s->o.trusted, s->o.ntrusted, rq->req.client))
		return;
	memcpy(peer, rq->req.client, sizeof(peer));
	MHD_get_connection_values(c, MHD_HEADER_KIND, xff_each, &it);
	http_proxy_client(s->o.trusted, s->o.ntrusted, peer,
	    it.b.len ? buf_str(&it.b) : NULL, rq->req.client,
	    sizeof(rq->req.client));
	buf_free(&it.b);
	it.name = "X-Forwarded-Proto";
	MHD_get_connection_values(c, MHD_HEADER_KIND, xff_each, &it);
	if (it.b.len && (scheme = http_proxy_scheme(buf_str(&it.b))) != NULL)
		rq->req.scheme = scheme;
	buf_free(&it.b);
}

static struct rq *
rq_new(struct http_server *s, const char *uri)
{
	struct rq *rq = xcalloc(1, sizeof(*rq));
	size_t	   n = strlen(uri);

	rq->s = s;
	arena_init(&rq->arena);
	buf_init(&rq->body, 0);
	rq->req.start_us = now_us();
	rq->req.arena = &rq->arena;
	rq->req.path = "";
	rq->req.query = "";
	rq->req.body = "";
	rq->req.scheme = "http";
	rq->route = METRICS_ROUTE_NONE;
	rq->target_len = n;
	/* An overlong target is kept only as far as the log wants it. */
	rq->target = arena_strndup(&rq->arena, uri,
	    n > s->o.limits.max_url ? 256 : n);
	atomic_fetch_add(&s->active, 1);
	metrics_gauge_add(METRICS_IN_FLIGHT, 1);
	return rq;
}

static void *
on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	struct conn *cn;
	struct rq   *rq;

	if ((cn = conn_of(c)) != NULL)
		atomic_store(&cn->idle_since, 0);
	rq = rq_new(cls, uri ? uri : "");
	rq->uri = uri;
	client_text(c, rq->req.client, sizeof(rq->req.client));
	return rq;
}

/* MHD would percent-decode the path in place; gazette wants it raw and
 * takes the query from the URI callback, so decoding is wasted work. */
static size_t
on_unescape(void *cls, struct MHD_Connection *c, char *s)
{
	(void)cls;
	(void)c;
	return strlen(s);
}

struct framing {
	unsigned ncl, nte;
};

static enum MHD_Result
framing_each(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct framing *f = cls;

	(void)kind;
	(void)value;
	if (key && strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
		f->ncl++;
	else if (key && strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0)
		f->nte++;
	return MHD_YES;
}

struct fields {
	size_t	 bytes; /* names, values and separators */
	unsigned nhost;
	bool	 bad_name;
	bool	 bad_host;
};

/* A field name is a token (RFC 9110 section 5.1): "X(Y)" or "Content-
 * Length " (a blank before the colon, RFC 9112 section 5.1) is not. */
static bool
token_ok(const char *s)
{
	/* tchar: ALPHA, DIGIT and "!#$%&'*+-.^_`|~"; a table, as every
	 * header of every request passes here. */
	/* clang-format off */
	static const unsigned char tchar[256] = {
		['!'] = 1, ['#'] = 1, ['$'] = 1, ['%'] = 1, ['&'] = 1,
		['\''] = 1, ['*'] = 1, ['+'] = 1, ['-'] = 1, ['.'] = 1,
		['^'] = 1, ['_'] = 1, ['`'] = 1, ['|'] = 1, ['~'] = 1,
		['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1,
		['5'] = 1, ['6'] = 1, ['7'] = 1, ['8'] = 1, ['9'] = 1,
		['A'] = 1, ['B'] = 1, ['C'] = 1, ['D'] = 1, ['E'] = 1,
		['F'] = 1, ['G'] = 1, ['H'] = 1, ['I'] = 1, ['J'] = 1,
		['K'] = 1, ['L'] = 1, ['M'] = 1, ['N'] = 1, ['O'] = 1,
		['P'] = 1, ['Q'] = 1, ['R'] = 1, ['S'] = 1, ['T'] = 1,
		['U'] = 1, ['V'] = 1, ['W'] = 1, ['X'] = 1, ['Y'] = 1,
		['Z'] = 1, ['a'] = 1, ['b'] = 1, ['c'] = 1, ['d'] = 1,
		['e'] = 1, ['f'] = 1, ['g'] = 1, ['h'] = 1, ['i'] = 1,
		['j'] = 1, ['k'] = 1, ['l'] = 1, ['m'] = 1, ['n'] = 1,
		['o'] = 1, ['p'] = 1, ['q'] = 1, ['r'] = 1, ['s'] = 1,
		['t'] = 1, ['u'] = 1, ['v'] = 1, ['w'] = 1, ['x'] = 1,
		['y'] = 1, ['z'] = 1,
	};
	/* clang-format on */
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if (!tchar[*p])
			return false;
	return p != (const unsigned char *)s;
}

/* A Host value is uri-host [ ":" port ] (RFC 9110 section 7.2): the
 * characters of a reg-name or an IP literal and a port, nothing else (no
 * blank: "x, y" is two hosts, not one). Empty is allowed (RFC 9112
 * section 3.2, for a target without an authority). */
static bool
host_ok(const char *s)
{
	static const char other[] = "-._~!$&'()*+,;=%:[]";

	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
			(*s >= '0' && *s <= '9') || strchr(other, *s) != NULL))
			return false;
	return true;
}

static enum MHD_Result
fields_each(void *cls, enum MHD_ValueKind kind, const char *key,
    const char *value)
{
	struct fields *f = cls;

	(void)kind;
	if (key == NULL)
		return MHD_YES;
	f->bytes += strlen(key) + (value ? strlen(value) : 0) + 4;
	if (!token_ok(key))
		f->bad_name = true;
	else if (strcasecmp(key, MHD_HTTP_HEADER_HOST) == 0) {
		f->nhost++;
		if (value != NULL && !host_ok(value))
			f->bad_host = true;
	}
	return MHD_YES;
}

/*
 * What libmicrohttpd 0.9.75 lets through or answers with its own page:
 * its strict mode checks a missing Host and blanks in the target, but
 * not two Hosts or a field name that is not a token (it checks blanks
 * before the colon only in its "tolerant" mode, -1), and it stores
 * "Content-Length : 5" as a field named "Content-Length " and reads no
 * body. So it runs tolerant (0) and every check is here, answered by
 * error_fill(). The header size is checked here too, below MHD's own cap
 * (MHD_POOL: header_mem and a third), so all but a grossly oversized
 * header gets our 431.
 */
static int
check_fields(struct rq *rq, struct MHD_Connection *c, const char *method,
    const char *version, const char **msg)
{
	struct fields f = { 0, 0, false, false };

	MHD_get_connection_values(c, MHD_HEADER_KIND, fields_each, &f);
	f.bytes += strlen(method) + rq->target_len + strlen(version) + 4;
	if (f.bytes > rq->s->o.limits.header_mem)
		return *msg = "request header fields too large", 431;
	if (f.bad_name)
		return *msg = "malformed header field name", 400;
	if (f.nhost > 1)
		return *msg = "more than one Host header", 400;
	if (f.bad_host)
		return *msg = "the Host header is not one host", 400;
	if (f.nhost == 0 && strcmp(version, MHD_HTTP_VERSION_1_1) == 0)
		return *msg = "Host header missing", 400;
	return 0;
}

/*
 * MHD hands the request target over as a C string, so a NUL inside it cuts
 * it short unseen ("GET /a\0b" arrives as "/a"). The version string
 * follows the target in MHD's read buffer, so a byte other than the
 * separator (which MHD overwrote with NUL) or blanks between the end of
 * the string and the version means the target went on past a NUL.
 */
static bool
target_has_nul(const struct rq *rq, const char *version)
{
	uintptr_t   end, v = (uintptr_t)version;
	const char *p;

	if (rq->uri == NULL)
		return false;
	end = (uintptr_t)rq->uri + rq->target_len;
	if (v <= end || v - end > rq->s->o.limits.header_mem)
		return false; /* not the layout described above */
	for (p = rq->uri + rq->target_len; (uintptr_t)p < v; p++)
		if (*p != '\0' && *p != ' ' && *p != '\t')
			return true;
	return false;
}

/* Checks what can be checked once the headers are in. Returns 0 to go on
 * or the status to answer with (and *msg). */
static int
check_request(struct rq *rq, struct MHD_Connection *c, const char *method,
    const char *version, const char **msg, unsigned *allow)
{
	const struct http_limits *l = &rq->s->o.limits;
	const char		 *t = rq->target, *q, *v;
	struct framing		  fr = { 0, 0 };
	unsigned long long	  cl;
	char			 *end;
	size_t			  i;
	int			  st;

	if (strcmp(version, MHD_HTTP_VERSION_1_1) != 0 &&
	    strcmp(version, MHD_HTTP_VERSION_1_0) != 0)
		return *msg = "http version not supported", 505;
	if (!http_method_parse(method, strlen(method), &rq->req.method))
		return *msg = "method not implemented", 501;
	if (rq->target_len > l->max_url)
		return *msg = "request target too long", 414;
	if ((st = check_fields(rq, c, method, version, msg)) != 0)
		return st;
	if (strcmp(t, "*") == 0) {
		if (rq->req.method != HTTP_OPTIONS)
			return *msg = "bad request target", 400;
		*allow = (1u << HTTP_METHOD__MAX) - 1;
		return *msg = "", 204;
	}
	if (t[0] != '/' || target_has_nul(rq, version))
		return *msg = "bad request target", 400;
	for (i = 0; i < rq->target_len; i++) /* blanks: MHD is tolerant */
		if ((unsigned char)t[i] <= 0x20 || t[i] == 0x7f)
			return *msg = "bad request target", 400;
	if ((q = strchr(t, '?')) != NULL) {
		rq->req.path = arena_strndup(&rq->arena, t, (size_t)(q - t));
		rq->req.query = q + 1;
	} else
		rq->req.path = t;

	/* Framing that two parsers could read differently (request
	 * smuggling, RFC 9112 section 6.3) is refused outright. */
	MHD_get_connection_values(c, MHD_HEADER_KIND, framing_each, &fr);
	if (fr.ncl > 1 || fr.nte > 1 || (fr.ncl && fr.nte))
		return *msg = "ambiguous message framing", 400;
	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_TRANSFER_ENCODING);
	if (v && strcasecmp(v, "chunked") != 0 &&
	    strcasecmp(v, "identity") != 0)
		return *msg = "transfer coding not implemented", 501;
	v = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
	    MHD_HTTP_HEADER_CONTENT_LENGTH);
	if (v) {
		errno = 0;
		cl = strtoull(v, &end, 10);
		if (errno == 0 && end != v && *end == '\0' && cl > l->max_body)
			return *msg = "request body too large", 413;
	}
	return 0;
}

/* Answers a request whose query the route refuses (http_query_parse). */
static enum MHD_Result
bad_query(struct rq *rq, struct MHD_Connection *c, enum http_query_err e,
    const char *param)
{
	struct http_resp resp;
	const char	*msg = http_query_problem(&rq->arena, e, param);

	http_resp_init(&resp);
	if (rq->s->o.bad_query == NULL)
		http_resp_text(&resp, 400, msg);
	else {
		resp.status = 400;
		rq->s->o.bad_query(&rq->req, &resp, rq_ctx(rq), param, msg);
	}
	return respond(rq, c, &resp);
}

static enum MHD_Result
dispatch(struct rq *rq, struct MHD_Connection *c)
{
	struct http_server *s = rq->s;
	struct http_req	   *req = &rq->req;
	struct http_resp    resp;
	const struct route *found;
	enum http_query_err qe;
	const char	   *bad;
	unsigned	    allow = 0;

	if (rq->body.p) {
		req->body = rq->body.p;
		req->body_len = rq->body.len;
	}
	switch (route_match(s->o.routes, s->o.nroutes, req->method, req->path,
	    req, &found, &allow)) {
	case ROUTE_FOUND:
		break;
	case ROUTE_BAD_METHOD:
		if (req->method == HTTP_OPTIONS)
			return respond_text(rq, c, 204, "", allow);
		return respond_text(rq, c, 405, "method not allowed", allow);
	default:
		if (s->o.not_found == NULL)
			return respond_text(rq, c, 404, "not found", 0);
		http_resp_init(&resp);
		resp.status = 404;
		s->o.not_found(req, &resp, rq_ctx(rq));
		return respond(rq, c, &resp);
	}
	rq->route = (unsigned)(found - s->o.routes);
	req->route = found->pattern;
	/* The query is parsed here, once, for the page and for its cache
	 * key alike: the key is made of exactly what the page can read. */
	qe = http_query_parse(&rq->arena, req->query, strlen(req->query),
	    found->query, found->query_strict, &req->args, &bad);
	if (qe != HTTP_QUERY_OK)
		return bad_query(rq, c, qe, bad);
	if (s->o.cache &&
	    (req->method == HTTP_GET || req->method == HTTP_HEAD) &&
	    !atomic_load(&s->draining)) {
		struct cache_item *it;
		struct prebuilt	  *pb;
		enum MHD_Result	   ret;

		rq->ckey = http_cache_key(&rq->arena, req->path, &req->args,
		    &rq->ckeylen);
		rq->epoch = cache_epoch(s->o.cache);
		if ((it = cache_get(s->o.cache, rq->ckey, rq->ckeylen)) !=
		    NULL) {
			/* The fast path: no site, no handler. */
			rq->state = RQ_DONE;
			pb = cache_item_payload(it);
			rq->route = prebuilt_route(pb);
			ret = prebuilt_queue(pb, c, req, &rq->status,
			    &rq->bytes);
			cache_item_unref(it);
			return ret;
		}
	}
	http_resp_init(&resp);
	found->fn(req, &resp, rq_ctx(rq));
	return respond(rq, c, &resp);
}

static enum MHD_Result
on_access(void *cls, struct MHD_Connection *c, const char *url,
    const char *method, const char *version, const char *upload,
    size_t *upload_size, void **con_cls)
{
	struct http_server *s = cls;
	struct rq	   *rq = *con_cls;
	struct conn	   *cn = conn_of(c);
	const char	   *msg = NULL;
	enum MHD_Result	    ret;
	unsigned	    allow = 0;
	int		    status;

	if (rq == NULL) /* no URI callback: should not happen */
		*con_cls = rq = rq_new(s, url);
	switch (rq->state) {
	case RQ_NEW:
		rq->state = RQ_BODY;
		if (cn != NULL)
			atomic_store(&cn->deadline, 0);
		rq->method = arena_strdup(&rq->arena, method);
		rq->req.impl = c;
		if (rq->req.client[0] == '\0')
			client_text(c, rq->req.client, sizeof(rq->req.client));
		if (s->o.ntrusted > 0)
			client_from_proxy(rq, c);
		status = check_request(rq, c, method, version, &msg, &allow);
		/* Errors are queued now, on the first call: MHD then closes
		 * the connection instead of reading a body we refuse. */
		if (status) {
			ret = respond_text(rq, c, status, msg, allow);
			conn_enter(cn, CONN_SEND);
			return ret;
		}
		/* MHD's timeout counts only silence, so a body sent a byte
		 * at a time would hold the connection for ever: the body
		 * gets a deadline and a minimum rate (watchdog()). */
		if (cn != NULL) {
			atomic_store(&cn->body_bytes, 0);
			atomic_store(&cn->deadline,
			    now_us() +
				(int64_t)s->o.limits.body_timeout * 1000000);
			conn_enter(cn, CONN_BODY);
		}
		return MHD_YES;
	case RQ_BODY:
		if (cn != NULL)
			atomic_fetch_add(&cn->body_bytes, *upload_size);
		if (*upload_size == 0)
			break;
		/* 0.9.75 refuses MHD_queue_response while a body is being
		 * read, so a body that outgrows max_body is read on and
		 * dropped, and 413 is answered at its end; past another
		 * max_body of it the connection is cut without an answer,
		 * so an endless chunked body can't keep a thread busy. */
		if (!rq->too_big &&
		    *upload_size > s->o.limits.max_body - rq->body.len) {
			rq->too_big = true;
			buf_free(&rq->body);
		}
		if (rq->too_big) {
			rq->dropped += *upload_size;
			if (rq->dropped > s->o.limits.max_body)
				return MHD_NO;
		} else
			buf_put(&rq->body, upload, *upload_size);
		*upload_size = 0;
		return MHD_YES;
	case RQ_DONE:
		*upload_size = 0;
		return MHD_YES;
	}
	/* The body is in: no deadline while the handler runs, and no
	 * eviction either (evict()). */
	if (cn != NULL)
		atomic_store(&cn->deadline, 0);
	conn_enter(cn, CONN_BUSY);
	if (rq->too_big)
		ret = respond_text(rq, c, 413, "request body too large", 0);
	else
		ret = dispatch(rq, c);
	conn_enter(cn, CONN_SEND);
	return ret;
}

/* The access log as JSON lines: every string through esc_json, so a
 * request can neither break the line nor forge a field. */
static void
log_json(struct rq *rq, int status, bool completed)
{
	struct buf	line = BUF_INIT;
	struct timespec ts;
	bool		first = true;

	clock_gettime(CLOCK_REALTIME, &ts);
	buf_putc(&line, '{');
	jw_key(&line, &first, "time");
	jw_time(&line, (int64_t)ts.tv_sec);
	jw_key(&line, &first, "method");
	jw_str(&line, rq->method);
	jw_key(&line, &first, "path");
	jw_str(&line, rq->req.path[0] ? rq->req.path : rq->target);
	jw_key(&line, &first, "route");
	jw_str(&line, rq->req.route);
	buf_printf(&line, ",\"status\":%d,\"bytes\":%zu,\"duration_us\":%lld",
	    status, rq->bytes, (long long)(now_us() - rq->req.start_us));
	jw_key(&line, &first, "client");
	jw_str(&line, rq->req.client[0] ? rq->req.client : NULL);
	jw_key(&line, &first, "scheme");
	jw_str(&line, rq->req.scheme);
	buf_printf(&line, ",\"aborted\":%s}\n", completed ? "false" : "true");
	fwrite(line.p, 1, line.len, stderr);
	buf_free(&line);
}

static void
on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
    enum MHD_RequestTerminationCode toe)
{
	struct http_server	       *s = cls;
	struct rq		       *rq = *con_cls;
	const union MHD_ConnectionInfo *ci;
	struct conn		       *cn;
	struct buf			line = BUF_INIT;
	const char		       *path;
	int				status;

	if (rq == NULL)
		return;
	*con_cls = NULL;
	status = rq->status;
	if (status == 0 &&
	    (ci = MHD_get_connection_info(c,
		 MHD_CONNECTION_INFO_HTTP_STATUS)) != NULL)
		status = (int)ci->http_status;
	metrics_http(rq->route, status, now_us() - rq->req.start_us);
	if (s->o.access_log && s->o.log_format == HTTP_LOG_JSON)
		log_json(rq, status,
		    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK);
	else if (s->o.access_log) {
		path = rq->req.path[0] ? rq->req.path : rq->target;
		if (rq->method)
			http_log_escape(&line, rq->method, strlen(rq->method));
		else
			buf_putc(&line, '-');
		buf_putc(&line, ' ');
		http_log_escape(&line, path, strlen(path));
		buf_printf(&line, " %d %zu %lld %s%s\n", status, rq->bytes,
		    (long long)(now_us() - rq->req.start_us),
		    rq->req.client[0] ? rq->req.client : "-",
		    toe == MHD_REQUEST_TERMINATED_COMPLETED_OK ?
			"" :
			" aborted");
		fwrite(line.p, 1, line.len, stderr);
		buf_free(&line);
	}
	/* A kept-alive connection gets its idle time plus the header time to
	 * send the next request's headers. */
	if ((cn = conn_of(c)) != NULL) {
		atomic_store(&cn->deadline,
		    now_us() +
			(int64_t)(s->o.limits.idle_timeout +
			    s->o.limits.header_timeout) *
			    1000000);
		atomic_store(&cn->idle_since, now_us());
		conn_enter(cn, CONN_WAIT);
	}
	if (rq->ctx)
		s->o.ctx_release(s->o.ctx, rq->ctx);
	buf_free(&rq->body);
	arena_free(&rq->arena);
	free(rq);
	metrics_gauge_add(METRICS_IN_FLIGHT, -1);
	atomic_fetch_sub(&s->active, 1);
}

/* --- deadlines and caps ------------------------------------------------ */

/*
 * MHD 0.9.75 has one timeout, and it counts inactivity: a client sending a
 * header or body byte every few seconds is never timed out by it. So each
 * connection carries a deadline for its current phase: header_timeout
 * after it was accepted (and idle_timeout + header_timeout after each
 * response, for the next request on a kept-alive connection), then
 * body_timeout once the headers are in, cleared when the handler starts.
 * A body must also keep up body_min_rate. A watchdog thread shuts the
 * socket down when a deadline passes; MHD then sees the connection end
 * and cleans up as for any client that went away (no 408: 0.9.75 cannot
 * answer while it reads a body). The socket is shut down, not closed,
 * and only while it is in our list under the lock: MHD reports CLOSED
 * (which removes it) before it closes the fd, so the fd can't have been
 * reused by then.
 *
 * The per-address cap counts by http_limit_key() here rather than with
 * MHD's own option, which counts IPv6 by whole address. A connection over
 * it is shut down as it starts; a trusted proxy's connections carry many
 * clients and are not counted.
 */
static void
on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
    enum MHD_ConnectionNotificationCode code)
{
	struct http_server	       *s = cls;
	const union MHD_ConnectionInfo *ci;
	char				peer[64];
	struct conn		       *cn;

	if (code == MHD_CONNECTION_NOTIFY_STARTED) {
		atomic_fetch_add(&s->nconns, 1);
		ci = MHD_get_connection_info(c,
		    MHD_CONNECTION_INFO_CONNECTION_FD);
		if (ci == NULL)
			return;
		cn = xcalloc(1, sizeof(*cn));
		cn->fd = ci->connect_fd;
		atomic_init(&cn->deadline,
		    now_us() + (int64_t)s->o.limits.header_timeout * 1000000);
		atomic_init(&cn->idle_since, now_us());
		atomic_init(&cn->phase, CONN_WAIT);
		atomic_init(&cn->since, now_us());
		atomic_init(&cn->body_bytes, 0);
		client_text(c, peer, sizeof(peer));
		http_limit_key(peer, cn->key, sizeof(cn->key));
		pthread_mutex_lock(&s->mu);
		cn->next = s->conns;
		if (s->conns)
			s->conns->prev = cn;
		s->conns = cn;
		if (!http_proxy_trusted(s->o.trusted, s->o.ntrusted, peer) &&
		    !(cn->counted = http_addr_counts_take(s->per_addr, cn->key,
			  s->o.limits.max_conns_per_ip)))
			shutdown(cn->fd, SHUT_RDWR);
		pthread_mutex_unlock(&s->mu);
		*socket_context = cn;
		metrics_gauge_add(METRICS_CONNECTIONS, 1);
		return;
	}
	atomic_fetch_sub(&s->nconns, 1);
	if ((cn = *socket_context) == NULL)
		return;
	*socket_context = NULL;
	metrics_gauge_add(METRICS_CONNECTIONS, -1);
	pthread_mutex_lock(&s->mu);
	if (cn->counted)
		http_addr_counts_put(s->per_addr, cn->key);
	if (cn->prev)
		cn->prev->next = cn->next;
	else
		s->conns = cn->next;
	if (cn->next)
		cn->next->prev = cn->prev;
	pthread_mutex_unlock(&s->mu);
	free(cn);
}

/* Whether a body arriving since since has fallen below the minimum rate,
 * counted after a grace for the client's first round trips. */
static bool
body_too_slow(const struct http_limits *l, struct conn *cn, int64_t now)
{
	int64_t t = now - atomic_load(&cn->since) - BODY_GRACE_US;

	if (l->body_min_rate == HTTP_LIMIT_OFF || t <= 0)
		return false;
	return (double)atomic_load(&cn->body_bytes) <
	    (double)l->body_min_rate * (double)t / 1e6;
}

/*
 * libmicrohttpd 0.9.75 reads with edge-triggered epoll and takes a short
 * read to mean "nothing more for now", so the end of stream that comes
 * with a client's last bytes is never read: a client that sends part of a
 * request (half a chunk) and shuts down its side is held until the idle
 * timeout. Whether a connection waiting for request bytes has a peer that
 * has finished sending (a peek sees the end of the stream and no data
 * before it) on two ticks in a row, the second tick covering MHD's own
 * pass over bytes it has just read. Not while a handler runs or an answer
 * goes out: a client may half-close after a whole request and wait for
 * the answer. Called under the lock.
 */
static bool
peer_gone(struct conn *cn)
{
	int  phase = atomic_load(&cn->phase);
	char ch;

	if ((phase != CONN_WAIT && phase != CONN_BODY) ||
	    recv(cn->fd, &ch, 1, MSG_PEEK | MSG_DONTWAIT) != 0) {
		cn->eof_ticks = 0;
		return false;
	}
	return ++cn->eof_ticks >= 2;
}

static void *
watchdog(void *arg)
{
	struct http_server *s = arg;
	struct timespec	    ts;
	struct conn	   *cn;
	int64_t		    now, d;

	pthread_mutex_lock(&s->mu);
	while (!s->stopping) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		ts.tv_nsec += 250 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&s->cv, &s->mu, &ts);
		now = now_us();
		for (cn = s->conns; cn != NULL; cn = cn->next) {
			d = atomic_load(&cn->deadline);
			if ((d != 0 && now > d) ||
			    (atomic_load(&cn->phase) == CONN_BODY && d != 0 &&
				body_too_slow(&s->o.limits, cn, now)) ||
			    peer_gone(cn)) {
				shutdown(cn->fd, SHUT_RDWR);
				atomic_store(&cn->deadline, 0);
			}
			/* Draining: a connection with no request under way
			 * for a while is closed, so the client reconnects to
			 * the process that now accepts. */
			d = atomic_load(&cn->idle_since);
			if (atomic_load(&s->draining) && d != 0 &&
			    now - d > DRAIN_IDLE_US) {
				shutdown(cn->fd, SHUT_RDWR);
				atomic_store(&cn->idle_since, 0);
			}
		}
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* --- start and stop --------------------------------------------------- */

/* MHD's own messages (malformed requests it answered itself), marked as
 * coming from here. */
static void
on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	struct buf b = BUF_INIT;

	(void)cls;
	buf_puts(&b, "http: mhd: ");
	buf_vprintf(&b, fmt, ap);
	if (b.len && b.p[b.len - 1] != '\n')
		buf_putc(&b, '\n');
	fwrite(b.p, 1, b.len, stderr);
	buf_free(&b);
}

static void
limits_default(struct http_limits *l)
{
	if (l->max_url == 0)
		l->max_url = 8192;
	if (l->max_body == 0)
		l->max_body = 1024 * 1024;
	if (l->header_mem == 0)
		l->header_mem = 24 * 1024;
	if (l->header_timeout == 0)
		l->header_timeout = 10;
	if (l->idle_timeout == 0)
		l->idle_timeout = 30;
	if (l->body_timeout == 0)
		l->body_timeout = 30;
	if (l->body_min_rate == 0)
		l->body_min_rate = 1024;
	if (l->max_conns == 0)
		l->max_conns = 1024;
	if (l->max_conns_per_ip == 0)
		l->max_conns_per_ip = 64;
}

/* Binds the listening socket ourselves (rather than letting MHD do it) so
 * that it carries SO_REUSEPORT: a new process can bind the same port
 * while the old one drains, for restarts without refused connections. */
static int
listen_on(const char *addr, unsigned port, unsigned *bound, char *err,
    size_t errlen)
{
	struct addrinfo		hints, *res = NULL;
	struct sockaddr_storage ss;
	socklen_t		sl = sizeof(ss);
	char			portstr[16];
	int			fd = -1, one = 1, rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
	snprintf(portstr, sizeof(portstr), "%u", port);
	if ((rc = getaddrinfo(addr, portstr, &hints, &res)) != 0) {
		snprintf(err, errlen, "bad listen address \"%s\": %s", addr,
		    gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family,
	    res->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) != 0 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) != 0 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) != 0 ||
	    listen(fd, 1024) != 0 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) != 0) {
		snprintf(err, errlen, "cannot listen on %s:%u: %s", addr, port,
		    strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	*bound = ntohs(ss.ss_family == AF_INET6 ?
		((struct sockaddr_in6 *)&ss)->sin6_port :
		((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

/* An inherited socket must be a listening TCP socket; it is made
 * non-blocking (systemd hands them over blocking), since every pool
 * thread polls it and a blocking accept would hang the one that lost
 * the race for a connection. */
static bool
listen_check(int fd, unsigned *bound, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	socklen_t		sl = sizeof(ss), ol = sizeof(int);
	int			acc = 0, fl;

	if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &acc, &ol) != 0 || !acc ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) != 0 ||
	    (ss.ss_family != AF_INET && ss.ss_family != AF_INET6)) {
		snprintf(err, errlen,
		    "inherited descriptor %d is not a "
		    "listening TCP socket",
		    fd);
		return false;
	}
	if ((fl = fcntl(fd, F_GETFL)) < 0 ||
	    fcntl(fd, F_SETFL, fl | O_NONBLOCK) != 0 ||
	    fcntl(fd, F_SETFD, FD_CLOEXEC) != 0) {
		snprintf(err, errlen, "inherited descriptor %d: %s", fd,
		    strerror(errno));
		return false;
	}
	*bound = ntohs(ss.ss_family == AF_INET6 ?
		((struct sockaddr_in6 *)&ss)->sin6_port :
		((struct sockaddr_in *)&ss)->sin_port);
	return true;
}

static void
watchdog_stop(struct http_server *s)
{
	if (!s->watchdog_on)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = true;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->watchdog, NULL);
	s->watchdog_on = false;
}

/*
 * At the connection cap, with a client waiting: shuts down the connection
 * that has been longest in its phase with no handler running (reading a
 * request line, headers or body, idle between requests, or being sent
 * an answer), so connections held open slowly, from however many
 * addresses, can't keep new clients out. A request whose handler runs is
 * never cut. False when every connection is running one.
 */
static bool
evict(struct http_server *s)
{
	struct conn *cn, *victim = NULL;
	int64_t	     oldest = 0, t;

	pthread_mutex_lock(&s->mu);
	for (cn = s->conns; cn != NULL; cn = cn->next) {
		if (cn->evicted || atomic_load(&cn->phase) == CONN_BUSY)
			continue;
		t = atomic_load(&cn->since);
		if (victim == NULL || t < oldest) {
			victim = cn;
			oldest = t;
		}
	}
	if (victim != NULL) {
		victim->evicted = true;
		shutdown(victim->fd, SHUT_RDWR);
	}
	pthread_mutex_unlock(&s->mu);
	return victim != NULL;
}

/*
 * Accepts connections and hands them to libmicrohttpd's workers until
 * stopfd fires. At the connection cap a waiting client takes the place of
 * the connection evict() picks; when none can go, clients wait in the
 * listen queue (as nginx's do) instead of being closed; so they do when
 * out of descriptors. The listen socket is non-blocking: a successor
 * sharing it (SIGUSR2) may take a connection between poll and accept.
 */
static void *
acceptor(void *arg)
{
	struct http_server *s = arg;
	struct pollfd	    pfd[2] = {
		      { .fd = s->fd, .events = POLLIN },
		      { .fd = s->stopfd, .events = POLLIN },
	};
	struct sockaddr_storage ss;
	socklen_t		sl;
	int			c, i;

	for (;;) {
		if (poll(pfd, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (pfd[1].revents)
			break;
		if (!(pfd[0].revents & POLLIN))
			continue;
		if (atomic_load(&s->nconns) >= s->o.limits.max_conns) {
			if (!evict(s)) {
				if (poll(&pfd[1], 1, 5) != 0)
					break;
				continue;
			}
			for (i = 0; i < EVICT_WAIT_MS &&
			     atomic_load(&s->nconns) >= s->o.limits.max_conns;
			     i++)
				if (poll(&pfd[1], 1, 1) != 0)
					return NULL;
			continue;
		}
		sl = sizeof(ss);
		c = accept4(s->fd, (struct sockaddr *)&ss, &sl,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (c < 0) {
			if (errno == EMFILE || errno == ENFILE ||
			    errno == ENOBUFS || errno == ENOMEM)
				(void)poll(&pfd[1], 1, 10);
			continue;
		}
		/* On failure (per-address limit, memory) libmicrohttpd has
		 * closed the socket. */
		(void)MHD_add_connection(s->d, c, (struct sockaddr *)&ss, sl);
	}
	return NULL;
}

static void
acceptor_stop(struct http_server *s)
{
	uint64_t one = 1;

	if (!s->acceptor_on)
		return;
	(void)!write(s->stopfd, &one, sizeof(one));
	pthread_join(s->acceptor, NULL);
	s->acceptor_on = false;
}

static void
server_free(struct http_server *s)
{
	acceptor_stop(s);
	watchdog_stop(s);
	http_addr_counts_free(s->per_addr);
	if (s->stopfd >= 0)
		close(s->stopfd);
	if (s->fd >= 0)
		close(s->fd);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

struct http_server *
http_server_start(const struct http_server_opts *opts, char *err, size_t errlen)
{
	struct http_server   *s = xcalloc(1, sizeof(*s));
	struct MHD_OptionItem pool[2] = {
		{ MHD_OPTION_END, 0, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	pthread_condattr_t ca;
	const char	 **patterns;
	size_t		   i;

	s->o = *opts;
	s->fd = -1;
	s->stopfd = -1;
	limits_default(&s->o.limits);
	if (s->o.threads == 0)
		s->o.threads = 2;
	if (s->o.addr == NULL)
		s->o.addr = "127.0.0.1";
	atomic_init(&s->active, 0);
	atomic_init(&s->nconns, 0);
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	s->per_addr = http_addr_counts_new(s->o.limits.max_conns);

	patterns = xcalloc(s->o.nroutes + 1, sizeof(*patterns));
	for (i = 0; i < s->o.nroutes; i++)
		patterns[i] = s->o.routes[i].pattern;
	metrics_routes_set(patterns, (unsigned)s->o.nroutes);
	free(patterns);

	if (s->o.listen_fd > 0) {
		s->fd = s->o.listen_fd;
		if (!listen_check(s->fd, &s->port, err, errlen))
			goto fail;
	} else if ((s->fd = listen_on(s->o.addr, s->o.port, &s->port, err,
			errlen)) < 0)
		goto fail;
	if (pthread_create(&s->watchdog, NULL, watchdog, s) != 0) {
		snprintf(err, errlen, "cannot start the watchdog thread");
		goto fail;
	}
	s->watchdog_on = true;
	if (s->o.threads > 1) {
		pool[0].option = MHD_OPTION_THREAD_POOL_SIZE;
		pool[0].value = (intptr_t)s->o.threads;
	}
	s->d = MHD_start_daemon(MHD_USE_EPOLL_INTERNAL_THREAD |
		MHD_USE_ERROR_LOG | MHD_USE_ITC | MHD_USE_NO_LISTEN_SOCKET,
	    0, NULL, NULL, on_access, s, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
	    s, MHD_OPTION_ARRAY, pool, MHD_OPTION_CONNECTION_TIMEOUT,
	    s->o.limits.idle_timeout,
	    /* Room above our own 431 (check_fields()). */
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    MHD_POOL(s->o.limits.header_mem),
	    /* The acceptor enforces max_conns; MHD's count lags ours (it
	     * drops a connection after telling us), and each of its
	     * workers gets an equal share, so its cap is set above
	     * anything the acceptor lets through. */
	    MHD_OPTION_CONNECTION_LIMIT, 2 * s->o.limits.max_conns,
	    /* Tolerant: check_fields() is the strict one. */
	    MHD_OPTION_STRICT_FOR_CLIENT, (int)0, MHD_OPTION_URI_LOG_CALLBACK,
	    on_uri, s, MHD_OPTION_UNESCAPE_CALLBACK, on_unescape, s,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
	    MHD_OPTION_NOTIFY_CONNECTION, on_connection, s, MHD_OPTION_END);
	if (s->d == NULL) {
		snprintf(err, errlen, "cannot start the http server on %s:%u",
		    s->o.addr, s->port);
		goto fail;
	}
	if ((s->stopfd = eventfd(0, EFD_CLOEXEC)) < 0 ||
	    fcntl(s->fd, F_SETFL, fcntl(s->fd, F_GETFL) | O_NONBLOCK) != 0 ||
	    pthread_create(&s->acceptor, NULL, acceptor, s) != 0) {
		snprintf(err, errlen, "cannot start accepting connections: %s",
		    strerror(errno));
		MHD_stop_daemon(s->d);
		goto fail;
	}
	s->acceptor_on = true;
	return s;
fail:
	server_free(s);
	return NULL;
}

unsigned
http_server_port(const struct http_server *s)
{
	return s->port;
}

int
http_server_listen_fd(const struct http_server *s)
{
	return s->fd;
}

unsigned
http_server_active(const struct http_server *s)
{
	return atomic_load(&((struct http_server *)s)->active);
}

void
http_server_stop(struct http_server *s)
{
	int64_t until;
	bool	left;

	if (s == NULL)
		return;
	/*
	 * Stop accepting; connections still waiting in the socket's queue
	 * stay there for whoever else listens on it (a successor that
	 * inherited it). Then drain: requests in flight finish, each
	 * connection is closed after its next response or once idle (see
	 * the watchdog), all bounded; what is left is closed at the end.
	 */
	atomic_store(&s->draining, true);
	acceptor_stop(s);
	until = now_us() + STOP_WAIT_US;
	for (;;) {
		pthread_mutex_lock(&s->mu);
		left = s->conns != NULL;
		pthread_mutex_unlock(&s->mu);
		if ((!left && atomic_load(&s->active) == 0) ||
		    now_us() >= until)
			break;
		usleep(10 * 1000);
	}
	MHD_stop_daemon(s->d);
	server_free(s);
}

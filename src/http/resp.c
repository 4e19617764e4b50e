/* resp.c: response helpers, status texts and refcounted shared bodies. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http/http-int.h"
#include "util/arena.h"
#include "util/xalloc.h"

/* A handler's body may not grow past this; buf_err() turns it into a 500. */
#define RESP_BODY_MAX (64u * 1024 * 1024)

struct http_shared {
	atomic_uint refs;
	size_t	    len;
	char	   *data;
};

struct http_shared *
http_shared_adopt(char *data, size_t len)
{
	struct http_shared *s = xmalloc(sizeof(*s));

	atomic_init(&s->refs, 1);
	s->len = len;
	s->data = data;
	return s;
}

struct http_shared *
http_shared_new(const char *data, size_t len)
{
	char *p = xmalloc(len + 1);

	if (len)
		memcpy(p, data, len);
	p[len] = '\0';
	return http_shared_adopt(p, len);
}

void
http_shared_ref(struct http_shared *s)
{
	atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
}

void
http_shared_unref(struct http_shared *s)
{
	if (s == NULL)
		return;
	if (atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
		return;
	free(s->data);
	free(s);
}

const char *
http_shared_data(const struct http_shared *s, size_t *len)
{
	if (len)
		*len = s->len;
	return s->data;
}

void
http_resp_init(struct http_resp *r)
{
	memset(r, 0, sizeof(*r));
	r->status = 200;
	buf_init(&r->body, RESP_BODY_MAX);
}

void
http_resp_clear(struct http_resp *r)
{
	buf_free(&r->body);
	http_shared_unref(r->shared);
	http_resp_init(r);
}

void
http_resp_header(struct http_resp *r, const char *name, const char *value)
{
	size_t max = sizeof(r->headers) / sizeof(r->headers[0]);

	if (r->nheaders >= max) {
		fprintf(stderr, "http: header dropped, too many: \"%s\"\n",
		    name);
		return;
	}
	r->headers[r->nheaders].name = name;
	r->headers[r->nheaders].value = value;
	r->nheaders++;
}

void
http_resp_text(struct http_resp *r, int status, const char *msg)
{
	r->status = status;
	r->content_type = "text/plain; charset=utf-8";
	/* An error is never what a page marked cacheable meant to keep. */
	r->cache = false;
	if (r->shared) {
		http_shared_unref(r->shared);
		r->shared = NULL;
	}
	buf_reset(&r->body);
	buf_puts(&r->body, msg);
	buf_putc(&r->body, '\n');
}

void
http_resp_retry_after(struct http_resp *r, struct arena *a, int64_t seconds)
{
	if (seconds == HTTP_RETRY_S || a == NULL)
		http_resp_header(r, "Retry-After", HTTP_STR(HTTP_RETRY_S));
	else
		http_resp_header(r, "Retry-After",
		    arena_printf(a, "%lld",
			(long long)(seconds > 0 ? seconds : 1)));
}

void
http_resp_unavailable(struct http_resp *r, const char *msg)
{
	http_resp_text(r, 503, msg);
	http_resp_retry_after(r, NULL, HTTP_RETRY_S);
}

void
http_resp_redirect(struct http_resp *r, int status, const char *location)
{
	http_resp_text(r, status ? status : 303, "see other");
	http_resp_header(r, "Location", location);
}

void
http_resp_cache(struct http_resp *r, const char *key)
{
	r->cache = true;
	if (key == NULL)
		return;
	if (r->ndeps >= HTTP_CACHE_DEPS) {
		/* More than it can track: not kept rather than kept stale. */
		fprintf(stderr, "http: too many cache keys: \"%s\"\n", key);
		r->cache = false;
		return;
	}
	r->deps[r->ndeps++] = key;
}

void
http_resp_visitor(struct http_resp *r, http_visitor_fn fn, void *ctx)
{
	r->visitor_fn = fn;
	r->visitor_ctx = ctx;
}

const char *
http_status_text(int status)
{
	/* One status a line. */
	/* clang-format off */
	switch (status) {
	case 100: return "Continue";
	case 200: return "OK";
	case 201: return "Created";
	case 202: return "Accepted";
	case 204: return "No Content";
	case 206: return "Partial Content";
	case 301: return "Moved Permanently";
	case 302: return "Found";
	case 303: return "See Other";
	case 304: return "Not Modified";
	case 307: return "Temporary Redirect";
	case 308: return "Permanent Redirect";
	case 400: return "Bad Request";
	case 401: return "Unauthorized";
	case 403: return "Forbidden";
	case 404: return "Not Found";
	case 405: return "Method Not Allowed";
	case 406: return "Not Acceptable";
	case 408: return "Request Timeout";
	case 409: return "Conflict";
	case 410: return "Gone";
	case 411: return "Length Required";
	case 412: return "Precondition Failed";
	case 413: return "Content Too Large";
	case 414: return "URI Too Long";
	case 415: return "Unsupported Media Type";
	case 416: return "Range Not Satisfiable";
	case 422: return "Unprocessable Content";
	case 429: return "Too Many Requests";
	case 431: return "Request Header Fields Too Large";
	case 500: return "Internal Server Error";
	case 501: return "Not Implemented";
	case 502: return "Bad Gateway";
	case 503: return "Service Unavailable";
	case 504: return "Gateway Timeout";
	case 505: return "HTTP Version Not Supported";
	default: return "Unknown";
	}
	/* clang-format on */
}

void
http_log_escape(struct buf *b, const char *s, size_t n)
{
	size_t	      i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == ' ')
			buf_printf(b, "\\x%02x", c);
		else
			buf_putc(b, c);
	}
}

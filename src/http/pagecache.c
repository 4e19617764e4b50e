/* pagecache.c: prebuilt responses for the page cache: gzip compressed
 * once, validators, persistent libmicrohttpd responses, and per-visitor
 * headers (the comment form's cookie) around the same shared bytes. */
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <zlib.h>

#include "http/pagecache.h"
#include "util/xalloc.h"

#define GZIP_MIN 256 /* smaller bodies are sent as they are */
#define HDRS_MAX 32

/* Shared caches (a CDN, nginx) keep a page a minute and may serve it
 * stale while they fetch a new one; browsers revalidate every time
 * (max-age=0), which costs a 304 from memory, so an edit or a scheduled
 * article shows on the next reload. */
static const char cc_public[] =
    "public, max-age=0, s-maxage=60, "
    "stale-while-revalidate=600";
static const char cc_private[] = "private, no-cache";

struct prebuilt {
	atomic_uint	   refs;
	unsigned	   route;
	int64_t		   last_modified;
	char		   etag[48], etag_gz[52];
	struct http_header hdrs[HDRS_MAX];
	size_t		   nhdrs;
	char		  *hstore;
	/* Persistent responses. r_gz NULL: no gzip. */
	struct MHD_Response *r_id, *r_gz, *r_304, *r_304_gz;
	size_t		     id_len, gz_len;
	/* Pages with per-visitor headers: the bytes, for a response built
	 * per request when the hook adds any. */
	http_visitor_fn	    vfn;
	void		   *vctx;
	struct http_shared *body, *gz;
};

static void
shared_free(void *p)
{
	http_shared_unref(p);
}

static bool
compressible(const char *type)
{
	return type == NULL || strncmp(type, "text/", 5) == 0 ||
	    strstr(type, "xml") != NULL || strstr(type, "json") != NULL ||
	    strstr(type, "javascript") != NULL || strstr(type, "svg") != NULL;
}

/* Appends the gzip member of s[0..n) to out. */
static bool
gzip_to(struct buf *out, const char *s, size_t n)
{
	z_stream z;
	size_t	 cap;
	char	*tmp;
	bool	 ok;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		return false;
	cap = deflateBound(&z, (uLong)n) + 16;
	tmp = xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)s;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)tmp;
	z.avail_out = (uInt)cap;
	ok = deflate(&z, Z_FINISH) == Z_STREAM_END && z.avail_in == 0;
	if (ok)
		buf_put(out, tmp, cap - z.avail_out);
	ok = ok && !buf_err(out);
	free(tmp);
	deflateEnd(&z);
	return ok;
}

/* Strong validators of a body: its hash, and the same marked for gzip.
 * Not a secret, only a fingerprint: 128-bit SipHash under a fixed key
 * (three times BLAKE2b's speed; this runs on every page render). */
static void
etags_set(struct prebuilt *pb, const char *data, size_t len)
{
	static const unsigned char key[crypto_shorthash_siphashx24_KEYBYTES] =
	    "gazette etag key";
	unsigned char h[crypto_shorthash_siphashx24_BYTES];
	char	      hex[sizeof(h) * 2 + 1];

	crypto_shorthash_siphashx24(h, (const unsigned char *)data, len, key);
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(pb->etag, sizeof(pb->etag), "\"%s\"", hex);
	snprintf(pb->etag_gz, sizeof(pb->etag_gz), "\"%s-gz\"", hex);
}

static bool
hdr_skipped(const char *name)
{
	/* Set by the cache itself, once, from its own validators. */
	return strcasecmp(name, "ETag") == 0 ||
	    strcasecmp(name, "Last-Modified") == 0 ||
	    strcasecmp(name, "Cache-Control") == 0 ||
	    strcasecmp(name, "Vary") == 0 ||
	    strcasecmp(name, "Content-Type") == 0;
}

static bool
hdr_ok(const char *s)
{
	return strpbrk(s, "\r\n") == NULL;
}

/* Copies the headers the page is sent with into pb (one allocation). */
static bool
headers_copy(struct prebuilt *pb, const struct http_resp *resp)
{
	const char *lm_etc[4][2];
	struct buf  lm = BUF_INIT;
	size_t	    i, n = 0, total = 0, k;
	char	   *p;

	time_format_http(&lm, pb->last_modified);
	for (i = 0; i < resp->nheaders; i++) {
		if (strcasecmp(resp->headers[i].name, "Set-Cookie") == 0)
			goto fail;
		if (hdr_skipped(resp->headers[i].name) ||
		    !hdr_ok(resp->headers[i].name) ||
		    !hdr_ok(resp->headers[i].value))
			continue;
		if (n >= HDRS_MAX - 5)
			goto fail;
		pb->hdrs[n].name = resp->headers[i].name;
		pb->hdrs[n].value = resp->headers[i].value;
		n++;
	}
	lm_etc[0][0] = "Content-Type";
	lm_etc[0][1] = resp->content_type ?
	    resp->content_type :
	    "text/html; charset=utf-8";
	lm_etc[1][0] = "Last-Modified";
	lm_etc[1][1] = buf_str(&lm);
	lm_etc[2][0] = "Cache-Control";
	lm_etc[2][1] = cc_public;
	lm_etc[3][0] = "Vary";
	lm_etc[3][1] = "Accept-Encoding";
	for (k = 0; k < 4; k++) {
		pb->hdrs[n].name = lm_etc[k][0];
		pb->hdrs[n].value = lm_etc[k][1];
		n++;
	}
	/* The request's strings die with it: one block holds them all. */
	for (i = 0; i < n; i++)
		total += strlen(pb->hdrs[i].name) + strlen(pb->hdrs[i].value) +
		    2;
	p = pb->hstore = xmalloc(total);
	for (i = 0; i < n; i++) {
		k = strlen(pb->hdrs[i].name) + 1;
		memcpy(p, pb->hdrs[i].name, k);
		pb->hdrs[i].name = p;
		p += k;
		k = strlen(pb->hdrs[i].value) + 1;
		memcpy(p, pb->hdrs[i].value, k);
		pb->hdrs[i].value = p;
		p += k;
	}
	pb->nhdrs = n;
	buf_free(&lm);
	return true;
fail:
	buf_free(&lm);
	return false;
}

/* pb's headers; private ones (a visitor's own) say so in Cache-Control. */
static void
headers_add(struct MHD_Response *r, const struct prebuilt *pb, const char *etag,
    bool private)
{
	size_t i;

	for (i = 0; i < pb->nhdrs; i++)
		MHD_add_response_header(r, pb->hdrs[i].name,
		    private &&
			    strcasecmp(pb->hdrs[i].name, "Cache-Control") == 0 ?
			cc_private :
			pb->hdrs[i].value);
	MHD_add_response_header(r, "ETag", etag);
}

static struct MHD_Response *
resp_shared(struct http_shared *sh)
{
	struct MHD_Response *r;
	const char	    *data;
	size_t		     len;

	data = http_shared_data(sh, &len);
	http_shared_ref(sh);
	r = MHD_create_response_from_buffer_with_free_callback_cls(len,
	    (void *)data, shared_free, sh);
	if (r == NULL)
		http_shared_unref(sh);
	return r;
}

static struct MHD_Response *
resp_304(const struct prebuilt *pb, const char *etag, bool private)
{
	struct MHD_Response *r;
	size_t		     i;

	r = MHD_create_response_from_buffer(0, (void *)"",
	    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return NULL;
	/* RFC 9110 §15.4.5: the validators and caching headers only. */
	for (i = 0; i < pb->nhdrs; i++)
		if (strcasecmp(pb->hdrs[i].name, "Cache-Control") == 0)
			MHD_add_response_header(r, pb->hdrs[i].name,
			    private ? cc_private : pb->hdrs[i].value);
		else if (strcasecmp(pb->hdrs[i].name, "Last-Modified") == 0 ||
		    strcasecmp(pb->hdrs[i].name, "Vary") == 0)
			MHD_add_response_header(r, pb->hdrs[i].name,
			    pb->hdrs[i].value);
	MHD_add_response_header(r, "ETag", etag);
	return r;
}

/* A whole page: persistent responses for both encodings and the 304s. */
static bool
build_whole(struct prebuilt *pb, struct http_shared *body, bool with_gzip,
    const char *type, size_t *size)
{
	struct http_shared *gz = NULL;
	struct buf	    z = BUF_INIT;
	const char	   *data;
	size_t		    len;
	char		   *own;

	data = http_shared_data(body, &len);
	etags_set(pb, data, len);
	if (with_gzip && len >= GZIP_MIN && compressible(type) &&
	    gzip_to(&z, data, len) && z.len < len) {
		own = buf_detach(&z, &pb->gz_len);
		gz = http_shared_adopt(own, pb->gz_len);
		*size += pb->gz_len;
	}
	pb->id_len = len;
	buf_free(&z);
	if ((pb->r_id = resp_shared(body)) == NULL ||
	    (pb->r_304 = resp_304(pb, pb->etag, false)) == NULL)
		goto fail;
	headers_add(pb->r_id, pb, pb->etag, false);
	if (gz) {
		if ((pb->r_gz = resp_shared(gz)) == NULL ||
		    (pb->r_304_gz = resp_304(pb, pb->etag_gz, false)) == NULL)
			goto fail;
		headers_add(pb->r_gz, pb, pb->etag_gz, false);
		MHD_add_response_header(pb->r_gz, "Content-Encoding", "gzip");
	}
	if (pb->vfn) {
		http_shared_ref(body);
		pb->body = body;
		pb->gz = gz;
	} else
		http_shared_unref(gz);
	return true;
fail:
	http_shared_unref(gz);
	return false;
}

struct prebuilt *
prebuilt_new(struct http_resp *resp, bool with_gzip, unsigned route,
    size_t *size)
{
	struct prebuilt	   *pb = xcalloc(1, sizeof(*pb));
	struct http_shared *body = NULL;
	char		   *own;
	size_t		    len;

	atomic_init(&pb->refs, 1);
	pb->route = route;
	pb->last_modified = (int64_t)time(NULL);
	pb->vfn = resp->visitor_fn;
	pb->vctx = resp->visitor_ctx;
	if (!headers_copy(pb, resp))
		goto fail;
	if (resp->shared) {
		body = resp->shared;
		http_shared_ref(body);
	} else {
		own = buf_detach(&resp->body, &len);
		if (own == NULL)
			own = xcalloc(1, 1);
		body = http_shared_adopt(own, len);
	}
	(void)http_shared_data(body, &len);
	*size = sizeof(*pb) + len + 1024;
	if (!build_whole(pb, body, with_gzip, resp->content_type, size))
		goto fail;
	http_shared_unref(body);
	return pb;
fail:
	http_shared_unref(body);
	prebuilt_unref(pb);
	return NULL;
}

void
prebuilt_ref(struct prebuilt *pb)
{
	atomic_fetch_add_explicit(&pb->refs, 1, memory_order_relaxed);
}

void
prebuilt_unref(void *p)
{
	struct prebuilt *pb = p;

	if (pb == NULL ||
	    atomic_fetch_sub_explicit(&pb->refs, 1, memory_order_acq_rel) != 1)
		return;
	/* libmicrohttpd frees each response when its last send is done. */
	if (pb->r_id)
		MHD_destroy_response(pb->r_id);
	if (pb->r_gz)
		MHD_destroy_response(pb->r_gz);
	if (pb->r_304)
		MHD_destroy_response(pb->r_304);
	if (pb->r_304_gz)
		MHD_destroy_response(pb->r_304_gz);
	http_shared_unref(pb->body);
	http_shared_unref(pb->gz);
	free(pb->hstore);
	free(pb);
}

unsigned
prebuilt_route(const struct prebuilt *pb)
{
	return pb->route;
}

bool
http_accepts_gzip(const char *v)
{
	const char *p = v, *end, *semi, *q;
	bool	    star = false, gzip_listed = false, gzip_ok = false, ok;
	size_t	    n;

	if (v == NULL)
		return false;
	while (*p) {
		while (*p == ' ' || *p == '\t' || *p == ',')
			p++;
		if (*p == '\0')
			break;
		end = p + strcspn(p, ",");
		semi = memchr(p, ';', (size_t)(end - p));
		n = (size_t)((semi ? semi : end) - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		/* q=0 (0, 0.0, 0.000) refuses; any other weight accepts. */
		ok = true;
		if (semi && (q = strstr(semi, "q=")) != NULL && q < end) {
			q += 2;
			ok = false;
			for (; q < end && *q != ' ' && *q != ';'; q++)
				if (*q >= '1' && *q <= '9')
					ok = true;
		}
		if ((n == 4 && strncasecmp(p, "gzip", 4) == 0) ||
		    (n == 6 && strncasecmp(p, "x-gzip", 6) == 0)) {
			gzip_listed = true;
			gzip_ok = ok;
		} else if (n == 1 && *p == '*')
			star = ok;
		p = end;
	}
	return gzip_listed ? gzip_ok : star;
}

const char *
http_cache_key(struct arena *a, const char *path, const struct form *args,
    size_t *len)
{
	static const char	 hex[] = "0123456789ABCDEF";
	struct buf		 b = BUF_INIT;
	const struct form_field *f;
	const char		*out;
	unsigned char		 c;
	size_t			 i, j;

	*len = strlen(path);
	if (args->n == 0)
		return path;
	buf_puts(&b, path);
	for (i = 0; i < args->n; i++) {
		f = &args->fields[i];
		buf_putc(&b, i == 0 ? '?' : '&');
		buf_put(&b, f->name, f->name_len);
		buf_putc(&b, '=');
		for (j = 0; j < f->value_len; j++) {
			c = (unsigned char)f->value[j];
			if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '.' ||
			    c == '_' || c == '~')
				buf_putc(&b, (char)c);
			else {
				buf_putc(&b, '%');
				buf_putc(&b, hex[c >> 4]);
				buf_putc(&b, hex[c & 15]);
			}
		}
	}
	out = arena_strndup(a, buf_str(&b), b.len);
	*len = b.len;
	buf_free(&b);
	return out;
}

/* A response for this visitor: the shared bytes (none for a 304), pb's
 * headers made private, and the visitor's own. */
static struct MHD_Response *
visitor_response(struct prebuilt *pb, const struct http_resp *v, int status,
    bool gz, size_t *bytes)
{
	struct MHD_Response *r;
	const char	    *etag = gz ? pb->etag_gz : pb->etag;
	size_t		     i;

	if (status == 304) {
		if ((r = resp_304(pb, etag, true)) == NULL)
			return NULL;
	} else {
		if ((r = resp_shared(gz ? pb->gz : pb->body)) == NULL)
			return NULL;
		*bytes = gz ? pb->gz_len : pb->id_len;
		headers_add(r, pb, etag, true);
		if (gz)
			MHD_add_response_header(r, "Content-Encoding", "gzip");
	}
	for (i = 0; i < v->nheaders; i++)
		if (hdr_ok(v->headers[i].name) && hdr_ok(v->headers[i].value))
			MHD_add_response_header(r, v->headers[i].name,
			    v->headers[i].value);
	return r;
}

/* Whether req's validators say its copy is current; *gz_tag when the one
 * that matched is the gzip variant's. */
static bool
fresh(const struct prebuilt *pb, struct http_req *req, bool *gz_tag)
{
	const char *inm, *ims;
	int64_t	    t;

	*gz_tag = false;
	if ((inm = http_req_header(req, "If-None-Match")) != NULL) {
		if (http_inm_matches(inm, pb->etag))
			return true;
		return *gz_tag = pb->r_304_gz &&
		    http_inm_matches(inm, pb->etag_gz);
	}
	if ((ims = http_req_header(req, "If-Modified-Since")) != NULL)
		return http_date_parse(ims, &t) && pb->last_modified <= t;
	return false;
}

enum MHD_Result
prebuilt_queue(struct prebuilt *pb, struct MHD_Connection *c,
    struct http_req *req, int *status, size_t *bytes)
{
	struct MHD_Response *r;
	struct http_resp     v;
	enum MHD_Result	     ret = MHD_NO;
	bool		     gz_tag, gz;

	*bytes = 0;
	if (fresh(pb, req, &gz_tag)) {
		*status = 304;
		gz = gz_tag;
	} else {
		*status = 200;
		gz = pb->r_gz &&
		    http_accepts_gzip(http_req_header(req, "Accept-Encoding"));
	}
	if (pb->vfn != NULL) {
		http_resp_init(&v);
		pb->vfn(req, &v, pb->vctx);
		if (v.nheaders > 0) {
			if ((r = visitor_response(pb, &v, *status, gz,
				 bytes)) != NULL) {
				ret = MHD_queue_response(c, (unsigned)*status,
				    r);
				MHD_destroy_response(r);
			}
			http_resp_clear(&v);
			return ret;
		}
		http_resp_clear(&v);
	}
	if (*status == 304)
		return MHD_queue_response(c, 304,
		    gz ? pb->r_304_gz : pb->r_304);
	*bytes = gz ? pb->gz_len : pb->id_len;
	return MHD_queue_response(c, 200, gz ? pb->r_gz : pb->r_id);
}

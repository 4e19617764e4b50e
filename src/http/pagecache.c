/* pagecache.c: prebuilt responses for the page cache: gzip compressed
 * once, validators, persistent libmicrohttpd responses, and the splice of
 * a per-visitor fragment into a cached page (identity and gzip). */
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

#define GZIP_MIN	256	/* smaller bodies are sent as they are */
#define HDRS_MAX	32

/* Shared caches (a CDN, nginx) keep a page a minute and may serve it
 * stale while they fetch a new one; browsers revalidate every time
 * (max-age=0), which costs a 304 from memory, so an edit or a scheduled
 * article shows on the next reload. */
static const char cc_public[] = "public, max-age=0, s-maxage=60, "
    "stale-while-revalidate=600";
static const char cc_private[] = "private, no-cache";

/* The 10-byte gzip member header (RFC 1952): deflate, no name, no time,
 * OS unix. */
static const unsigned char gz_head[10] = { 0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0,
    3 };

struct prebuilt {
	atomic_uint		 refs;
	unsigned		 route;
	int64_t			 last_modified;
	char			 etag[48], etag_gz[52];
	/* Every header but Content-Encoding, for responses built per
	 * request (spliced pages). */
	struct http_header	 hdrs[HDRS_MAX];
	size_t			 nhdrs;
	char			*hstore;
	/* Whole pages: persistent responses. r_gz NULL: no gzip. */
	struct MHD_Response	*r_id, *r_gz, *r_304, *r_304_gz;
	size_t			 id_len, gz_len;
	/* Spliced pages: the identity body with the marker at at, and the
	 * raw deflate of the prefix (sync-flushed, so byte-aligned and not
	 * final: zp bytes) followed by that of the suffix (final). */
	http_splice_fn		 fn;
	void			*fctx;
	struct http_shared	*body, *z;	/* z NULL: no gzip */
	size_t			 at, len, zp, zlen;
	uLong			 crc_pre, crc_suf;
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

/* Appends the deflate of s[0..n) to out: wbits 31 a whole gzip member,
 * -15 raw deflate ending as flush says (Z_SYNC_FLUSH or Z_FINISH). */
static bool
deflate_to(struct buf *out, const char *s, size_t n, int wbits, int flush)
{
	z_stream z;
	size_t cap;
	char *tmp;
	bool ok;

	memset(&z, 0, sizeof(z));
	if (deflateInit2(&z, 6, Z_DEFLATED, wbits, 8, Z_DEFAULT_STRATEGY) !=
	    Z_OK)
		return false;
	cap = deflateBound(&z, (uLong)n) + 16;
	tmp = xmalloc(cap);
	z.next_in = (Bytef *)(uintptr_t)s;
	z.avail_in = (uInt)n;
	z.next_out = (Bytef *)tmp;
	z.avail_out = (uInt)cap;
	ok = deflate(&z, flush) == (flush == Z_FINISH ? Z_STREAM_END : Z_OK) &&
	    z.avail_in == 0;
	if (ok)
		buf_put(out, tmp, cap - z.avail_out);
	ok = ok && !buf_err(out);
	free(tmp);
	deflateEnd(&z);
	return ok;
}

static void
etag_hex(char *out, size_t outlen, const char *fmt, const char *a,
    size_t an, const char *b, size_t bn)
{
	crypto_generichash_state st;
	unsigned char h[16];
	char hex[sizeof(h) * 2 + 1];

	crypto_generichash_init(&st, NULL, 0, sizeof(h));
	crypto_generichash_update(&st, (const unsigned char *)a, an);
	if (bn)
		crypto_generichash_update(&st, (const unsigned char *)b, bn);
	crypto_generichash_final(&st, h, sizeof(h));
	sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
	snprintf(out, outlen, fmt, hex);
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
	struct buf lm = BUF_INIT;
	size_t i, n = 0, total = 0, k;
	char *p;

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
	lm_etc[0][1] = resp->content_type ? resp->content_type :
	    "text/html; charset=utf-8";
	lm_etc[1][0] = "Last-Modified";
	lm_etc[1][1] = buf_str(&lm);
	lm_etc[2][0] = "Cache-Control";
	lm_etc[2][1] = pb->fn ? cc_private : cc_public;
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

static void
headers_add(struct MHD_Response *r, const struct prebuilt *pb,
    const char *etag)
{
	size_t i;

	for (i = 0; i < pb->nhdrs; i++)
		MHD_add_response_header(r, pb->hdrs[i].name,
		    pb->hdrs[i].value);
	MHD_add_response_header(r, "ETag", etag);
}

static struct MHD_Response *
resp_shared(struct http_shared *sh)
{
	struct MHD_Response *r;
	const char *data;
	size_t len;

	data = http_shared_data(sh, &len);
	http_shared_ref(sh);
	r = MHD_create_response_from_buffer_with_free_callback_cls(len,
	    (void *)data, shared_free, sh);
	if (r == NULL)
		http_shared_unref(sh);
	return r;
}

static struct MHD_Response *
resp_304(const struct prebuilt *pb, const char *etag)
{
	struct MHD_Response *r;
	size_t i;

	r = MHD_create_response_from_buffer(0, (void *)"",
	    MHD_RESPMEM_PERSISTENT);
	if (r == NULL)
		return NULL;
	/* RFC 9110 §15.4.5: the validators and caching headers only. */
	for (i = 0; i < pb->nhdrs; i++)
		if (strcasecmp(pb->hdrs[i].name, "Last-Modified") == 0 ||
		    strcasecmp(pb->hdrs[i].name, "Cache-Control") == 0 ||
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
	struct buf z = BUF_INIT;
	const char *data;
	size_t len;
	char *own;

	data = http_shared_data(body, &len);
	etag_hex(pb->etag, sizeof(pb->etag), "\"%s\"", data, len, NULL, 0);
	etag_hex(pb->etag_gz, sizeof(pb->etag_gz), "\"%s-gz\"", data, len,
	    NULL, 0);
	if (with_gzip && len >= GZIP_MIN && compressible(type) &&
	    deflate_to(&z, data, len, 31, Z_FINISH) && z.len < len) {
		own = buf_detach(&z, &pb->gz_len);
		gz = http_shared_adopt(own, pb->gz_len);
		*size += pb->gz_len;
	}
	pb->id_len = len;
	buf_free(&z);
	if ((pb->r_id = resp_shared(body)) == NULL ||
	    (pb->r_304 = resp_304(pb, pb->etag)) == NULL)
		goto fail;
	headers_add(pb->r_id, pb, pb->etag);
	if (gz) {
		if ((pb->r_gz = resp_shared(gz)) == NULL ||
		    (pb->r_304_gz = resp_304(pb, pb->etag_gz)) == NULL)
			goto fail;
		headers_add(pb->r_gz, pb, pb->etag_gz);
		MHD_add_response_header(pb->r_gz, "Content-Encoding", "gzip");
		http_shared_unref(gz);
	}
	return true;
fail:
	http_shared_unref(gz);
	return false;
}

/* A spliced page: prefix and suffix, and their deflate streams. */
static bool
build_splice(struct prebuilt *pb, bool with_gzip, size_t *size)
{
	struct buf z = BUF_INIT;
	const char *data, *suf;
	size_t sl;
	char *own;

	data = http_shared_data(pb->body, &pb->len);
	suf = data + pb->at + HTTP_SPLICE_MARK_LEN;
	sl = pb->len - pb->at - HTTP_SPLICE_MARK_LEN;
	/* Weak: the visitor's part is not in it, and differs per copy. */
	etag_hex(pb->etag, sizeof(pb->etag), "W/\"%s\"", data, pb->at, suf,
	    sl);
	memcpy(pb->etag_gz, pb->etag, sizeof(pb->etag));
	pb->crc_pre = crc32(0, (const Bytef *)data, (uInt)pb->at);
	pb->crc_suf = crc32(0, (const Bytef *)suf, (uInt)sl);
	if (with_gzip && pb->len >= GZIP_MIN) {
		if (deflate_to(&z, data, pb->at, -15, Z_SYNC_FLUSH)) {
			pb->zp = z.len;
			if (deflate_to(&z, suf, sl, -15, Z_FINISH)) {
				own = buf_detach(&z, &pb->zlen);
				pb->z = http_shared_adopt(own, pb->zlen);
				*size += pb->zlen;
			}
		}
		buf_free(&z);
	}
	return (pb->r_304 = resp_304(pb, pb->etag)) != NULL;
}

struct prebuilt *
prebuilt_new(struct http_resp *resp, bool with_gzip, unsigned route,
    size_t *size)
{
	struct prebuilt *pb = xcalloc(1, sizeof(*pb));
	struct http_shared *body = NULL;
	const char *data;
	char *own;
	size_t len;

	atomic_init(&pb->refs, 1);
	pb->route = route;
	pb->last_modified = (int64_t)time(NULL);
	pb->fn = resp->splice_fn;
	pb->fctx = resp->splice_ctx;
	if (pb->fn && (resp->shared || resp->splice_at +
	    HTTP_SPLICE_MARK_LEN > resp->body.len))
		goto fail;
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
	data = http_shared_data(body, &len);
	(void)data;
	*size = sizeof(*pb) + len + 1024;
	if (pb->fn) {
		pb->body = body;
		pb->at = resp->splice_at;
		if (!build_splice(pb, with_gzip, size))
			goto fail;
	} else {
		if (!build_whole(pb, body, with_gzip, resp->content_type,
		    size))
			goto fail;
		http_shared_unref(body);
	}
	return pb;
fail:
	if (body && !pb->body)
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

	if (pb == NULL || atomic_fetch_sub_explicit(&pb->refs, 1,
	    memory_order_acq_rel) != 1)
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
	http_shared_unref(pb->z);
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
	bool star = false, gzip_listed = false, gzip_ok = false, ok;
	size_t n;

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
http_cache_key(struct arena *a, const char *path, const char *query,
    const char *const *names, size_t *len)
{
	struct buf b = BUF_INIT;
	const char *p, *amp, *out;
	size_t i, nl;

	*len = strlen(path);
	if (*query == '\0' || names == NULL || names[0] == NULL)
		return path;
	buf_puts(&b, path);
	for (i = 0; names[i]; i++) {
		nl = strlen(names[i]);
		for (p = query; *p; p = *amp ? amp + 1 : amp) {
			amp = p + strcspn(p, "&;");
			if ((size_t)(amp - p) > nl && p[nl] == '=' &&
			    strncmp(p, names[i], nl) == 0) {
				buf_putc(&b, b.len == *len ? '?' : '&');
				buf_put(&b, p, (size_t)(amp - p));
			}
		}
	}
	out = b.len == *len ? path : arena_strndup(a, buf_str(&b), b.len);
	*len = b.len;
	buf_free(&b);
	return out;
}

/* A spliced page's response for this visitor. */
struct splice_rq {
	struct prebuilt	*pb;
	unsigned char	 stored[5];
	unsigned char	 trailer[8];
	size_t		 n;
	char		 frag[];
};

static void
splice_free(void *p)
{
	struct splice_rq *sr = p;

	prebuilt_unref(sr->pb);
	free(sr);
}

static struct MHD_Response *
splice_response(struct prebuilt *pb, struct http_req *req, bool gz,
    size_t *bytes)
{
	struct http_resp frag;
	struct MHD_IoVec iov[6];
	struct MHD_Response *r;
	struct splice_rq *sr;
	const char *data, *z;
	unsigned niov = 0;
	uLong crc;
	size_t i, k, total;
	char *out;

	http_resp_init(&frag);
	pb->fn(req, &frag, pb->fctx);
	/* A stored block holds at most 65535 bytes; a fragment is tiny. */
	if (buf_err(&frag.body) || frag.body.len > 65535) {
		http_resp_clear(&frag);
		return NULL;
	}
	sr = xmalloc(sizeof(*sr) + frag.body.len + 1);
	sr->n = frag.body.len;
	if (sr->n)
		memcpy(sr->frag, frag.body.p, sr->n);
	prebuilt_ref(pb);
	sr->pb = pb;
	data = http_shared_data(pb->body, NULL);
	if (gz) {
		z = http_shared_data(pb->z, NULL);
		/* The fragment as one stored, non-final deflate block after
		 * the prefix's byte-aligned sync flush; the suffix's stream
		 * ends the member. The CRC is combined, not recomputed. */
		sr->stored[0] = 0;
		sr->stored[1] = (unsigned char)(sr->n & 0xff);
		sr->stored[2] = (unsigned char)(sr->n >> 8);
		sr->stored[3] = (unsigned char)(~sr->n & 0xff);
		sr->stored[4] = (unsigned char)((~sr->n >> 8) & 0xff);
		crc = crc32_combine(pb->crc_pre, crc32(0,
		    (const Bytef *)sr->frag, (uInt)sr->n), (z_off_t)sr->n);
		crc = crc32_combine(crc, pb->crc_suf, (z_off_t)(pb->len -
		    pb->at - HTTP_SPLICE_MARK_LEN));
		total = pb->len - HTTP_SPLICE_MARK_LEN + sr->n;
		for (i = 0; i < 4; i++) {
			sr->trailer[i] = (unsigned char)(crc >> (8 * i));
			sr->trailer[4 + i] = (unsigned char)(total >> (8 * i));
		}
		iov[niov++] = (struct MHD_IoVec){ gz_head, sizeof(gz_head) };
		iov[niov++] = (struct MHD_IoVec){ z, pb->zp };
		iov[niov++] = (struct MHD_IoVec){ sr->stored, 5 };
		iov[niov++] = (struct MHD_IoVec){ sr->frag, sr->n };
		iov[niov++] = (struct MHD_IoVec){ z + pb->zp,
		    pb->zlen - pb->zp };
		iov[niov++] = (struct MHD_IoVec){ sr->trailer, 8 };
	} else {
		iov[niov++] = (struct MHD_IoVec){ data, pb->at };
		iov[niov++] = (struct MHD_IoVec){ sr->frag, sr->n };
		iov[niov++] = (struct MHD_IoVec){ data + pb->at +
		    HTTP_SPLICE_MARK_LEN, pb->len - pb->at -
		    HTTP_SPLICE_MARK_LEN };
	}
	/*
	 * One contiguous copy (a few KB) rather than the iovec: libmicrohttpd
	 * 0.9.75 sends a buffer response's headers and body in one sendmsg,
	 * but an iovec response's in two, and the second syscall and TCP
	 * segment cost more than the copy (measured: bench/http.py).
	 */
	for (i = 0, *bytes = 0; i < niov; i++)
		*bytes += iov[i].iov_len;
	out = xmalloc(*bytes + 1);
	for (i = 0, k = 0; i < niov; i++) {
		if (iov[i].iov_len)
			memcpy(out + k, iov[i].iov_base, iov[i].iov_len);
		k += iov[i].iov_len;
	}
	splice_free(sr);
	if ((r = MHD_create_response_from_buffer(*bytes, out,
	    MHD_RESPMEM_MUST_FREE)) == NULL) {
		free(out);
		http_resp_clear(&frag);
		return NULL;
	}
	headers_add(r, pb, pb->etag);
	if (gz)
		MHD_add_response_header(r, "Content-Encoding", "gzip");
	for (i = 0; i < frag.nheaders; i++)
		if (hdr_ok(frag.headers[i].name) &&
		    hdr_ok(frag.headers[i].value))
			MHD_add_response_header(r, frag.headers[i].name,
			    frag.headers[i].value);
	http_resp_clear(&frag);
	return r;
}

/* Whether req's validators say its copy is current; *gz_tag when the one
 * that matched is the gzip variant's. */
static bool
fresh(const struct prebuilt *pb, struct http_req *req, bool *gz_tag)
{
	const char *inm, *ims;
	int64_t t;

	*gz_tag = false;
	if ((inm = http_req_header(req, "If-None-Match")) != NULL) {
		/* Weak comparison: the list's W/ prefixes are dropped, and
		 * so is ours. */
		if (http_inm_matches(inm, pb->etag[0] == 'W' ? pb->etag + 2 :
		    pb->etag))
			return true;
		return *gz_tag = pb->r_304_gz && http_inm_matches(inm,
		    pb->etag_gz);
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
	enum MHD_Result ret;
	bool gz_tag, gz;

	*bytes = 0;
	if (fresh(pb, req, &gz_tag)) {
		*status = 304;
		return MHD_queue_response(c, 304, gz_tag ? pb->r_304_gz :
		    pb->r_304);
	}
	*status = 200;
	gz = (pb->r_gz || pb->z) &&
	    http_accepts_gzip(http_req_header(req, "Accept-Encoding"));
	if (pb->fn == NULL) {
		r = gz ? pb->r_gz : pb->r_id;
		*bytes = gz ? pb->gz_len : pb->id_len;
		return MHD_queue_response(c, 200, r);
	}
	if ((r = splice_response(pb, req, gz, bytes)) == NULL)
		return MHD_NO;
	ret = MHD_queue_response(c, 200, r);
	MHD_destroy_response(r);
	return ret;
}

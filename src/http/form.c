/* form.c: bounded decoders for application/x-www-form-urlencoded data,
 * the query string (the one parser every reader of a query parameter
 * goes through) and percent-encoded path segments.
 *
 * Our own instead of MHD_PostProcessor (see NOTES-http.md): it works on a
 * (pointer, length) view, counts pairs before allocating, and keeps NUL
 * bytes that %00 produces (lengths are authoritative). */
#include <string.h>

#include "http/http-int.h"

static int
hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Decodes s[0..n) into out (room for n + 1); returns the length or -1 on
 * a bad escape. */
static long
decode(char *out, const char *s, size_t n, bool plus)
{
	size_t i, o = 0;
	int    hi, lo;

	for (i = 0; i < n; i++) {
		if (s[i] == '%') {
			if (n - i < 3)
				return -1;
			hi = hexval((unsigned char)s[i + 1]);
			lo = hexval((unsigned char)s[i + 2]);
			if (hi < 0 || lo < 0)
				return -1;
			out[o++] = (char)(hi << 4 | lo);
			i += 2;
		} else if (plus && s[i] == '+')
			out[o++] = ' ';
		else
			out[o++] = s[i];
	}
	out[o] = '\0';
	return (long)o;
}

char *
url_decode_segment(struct arena *a, const char *s, size_t n, size_t *outlen)
{
	char *out = arena_alloc(a, n + 1);
	long  len = decode(out, s, n, false);

	if (len < 0)
		return NULL;
	if (outlen)
		*outlen = (size_t)len;
	return out;
}

/* One pair of an urlencoded string, as sent. */
struct pair {
	const char *name, *value;
	size_t	    nlen, vlen;
};

/*
 * The next non-empty pair of s[*pos..n), split at its first '=' (none:
 * an empty value), and *pos moved past it. False when none is left.
 * '&' alone separates pairs: a ';' is part of a name or value, as the
 * WHATWG URL standard has it. A second rule (the page cache once split
 * on ';' too, the pages did not) is how "?x=1;held=1" came to be cached
 * as the "?held=1" page; every urlencoded string is split here.
 */
static bool
pair_next(const char *s, size_t n, size_t *pos, struct pair *p)
{
	const char *amp, *eq;
	size_t	    len;

	while (*pos < n) {
		p->name = s + *pos;
		amp = memchr(p->name, '&', n - *pos);
		len = amp ? (size_t)(amp - p->name) : n - *pos;
		*pos += len + (amp != NULL);
		if (len == 0)
			continue;
		eq = memchr(p->name, '=', len);
		p->nlen = eq ? (size_t)(eq - p->name) : len;
		p->value = eq ? eq + 1 : p->name + len;
		p->vlen = eq ? len - p->nlen - 1 : 0;
		return true;
	}
	return false;
}

enum form_err
form_parse(struct arena *a, const char *s, size_t n, size_t max_fields,
    struct form *out)
{
	struct form_field *f;
	struct pair	   p;
	size_t		   count = 0, pos = 0;
	char		  *buf;
	long		   len;

	out->fields = NULL;
	out->n = 0;
	while (pair_next(s, n, &pos, &p))
		if (++count > max_fields)
			return FORM_TOO_MANY;
	if (count == 0)
		return FORM_OK;
	out->fields = arena_alloc(a, count * sizeof(*out->fields));
	for (pos = 0; pair_next(s, n, &pos, &p); out->n++) {
		f = &out->fields[out->n];
		buf = arena_alloc(a, p.nlen + 1);
		if ((len = decode(buf, p.name, p.nlen, true)) < 0)
			goto bad;
		f->name = buf;
		f->name_len = (size_t)len;
		buf = arena_alloc(a, p.vlen + 1);
		if ((len = decode(buf, p.value, p.vlen, true)) < 0)
			goto bad;
		f->value = buf;
		f->value_len = (size_t)len;
	}
	return FORM_OK;
bad:
	out->fields = NULL;
	out->n = 0;
	return FORM_BAD_ESCAPE;
}

/* Whether the name s[0..n) as sent decodes to exactly d[0..dn), decoding
 * as it compares (nothing is allocated for names a route does not take).
 * A broken escape matches nothing. */
static bool
name_is(const char *s, size_t n, const char *d, size_t dn)
{
	size_t i, o = 0;
	int    hi, lo;
	char   c;

	for (i = 0; i < n; i++, o++) {
		if (s[i] == '%') {
			if (n - i < 3 ||
			    (hi = hexval((unsigned char)s[i + 1])) < 0 ||
			    (lo = hexval((unsigned char)s[i + 2])) < 0)
				return false;
			c = (char)(hi << 4 | lo);
			i += 2;
		} else
			c = s[i] == '+' ? ' ' : s[i];
		if (o >= dn || d[o] != c)
			return false;
	}
	return o == dn;
}

/* The next word of a route's space-separated list at *w (its length in
 * *len), *w moved to it; false at the end. */
static bool
word_next(const char **w, size_t *len)
{
	if (*w == NULL)
		return false;
	*w += strspn(*w, " ");
	*len = strcspn(*w, " ");
	return *len > 0;
}

static enum http_query_err
value_check(const char *v, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i] == '\0')
			return HTTP_QUERY_NUL;
	if (!utf8_valid(v, n))
		return HTTP_QUERY_BAD_UTF8;
	for (i = 0; i < n; i++)
		if (((unsigned char)v[i] < 0x20 && v[i] != '\t') ||
		    v[i] == 0x7f)
			return HTTP_QUERY_CONTROL;
	return HTTP_QUERY_OK;
}

/* Whether a decoded unknown name may be quoted in a message. */
static bool
name_shown(const char *s, long n)
{
	long i;

	if (n <= 0 || n > 64)
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x20 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

enum http_query_err
http_query_parse(struct arena *a, const char *s, size_t n, const char *names,
    bool strict, struct form *out, const char **bad)
{
	struct form_field  *slot = NULL, *f;
	enum http_query_err e = HTTP_QUERY_OK;
	struct pair	    p;
	const char	   *w;
	size_t		    k = 0, i, wl, pos = 0;
	char		   *v;
	long		    len;

	out->fields = NULL;
	out->n = 0;
	*bad = NULL;
	for (w = names; word_next(&w, &wl); w += wl)
		k++;
	if (k > 0)
		slot = arena_alloc(a, k * sizeof(*slot)); /* zeroed */
	while (pair_next(s, n, &pos, &p)) {
		for (i = 0, w = names; word_next(&w, &wl); w += wl, i++)
			if (name_is(p.name, p.nlen, w, wl))
				break;
		if (i == k) {
			if (!strict)
				continue; /* not this page's: ignored */
			v = arena_alloc(a, p.nlen + 1);
			if ((len = decode(v, p.name, p.nlen, true)) < 0)
				return HTTP_QUERY_BAD_ESCAPE;
			*bad = name_shown(v, len) ? v : NULL;
			return HTTP_QUERY_UNKNOWN;
		}
		f = &slot[i];
		*bad = arena_strndup(a, w, wl);
		/* Two values would let two readers (a CDN, a proxy, this
		 * server) each take a different one: there is no right one. */
		if (f->name != NULL)
			return HTTP_QUERY_TWICE;
		v = arena_alloc(a, p.vlen + 1);
		if ((len = decode(v, p.value, p.vlen, true)) < 0)
			return HTTP_QUERY_BAD_ESCAPE;
		if ((e = value_check(v, (size_t)len)) != HTTP_QUERY_OK)
			return e;
		f->name = *bad;
		f->name_len = wl;
		f->value = v;
		f->value_len = (size_t)len;
	}
	*bad = NULL;
	for (i = 0; i < k; i++)
		if (slot[i].name != NULL)
			slot[out->n++] = slot[i];
	if (out->n > 0)
		out->fields = slot;
	return HTTP_QUERY_OK;
}

const char *
http_query_problem(struct arena *a, enum http_query_err e, const char *bad)
{
	static const char *const what[HTTP_QUERY__MAX] = {
		[HTTP_QUERY_OK] = "is well-formed",
		[HTTP_QUERY_BAD_ESCAPE] = "has a broken percent-escape",
		[HTTP_QUERY_NUL] = "contains a NUL byte",
		[HTTP_QUERY_CONTROL] = "contains a control character",
		[HTTP_QUERY_BAD_UTF8] = "is not valid UTF-8",
		[HTTP_QUERY_TWICE] = "is given more than once",
		[HTTP_QUERY_UNKNOWN] = "is not one this resource takes",
	};

	if ((unsigned)e >= HTTP_QUERY__MAX)
		e = HTTP_QUERY_BAD_ESCAPE;
	if (e == HTTP_QUERY_UNKNOWN)
		return bad ?
		    arena_printf(a, "unknown query parameter '%s'", bad) :
		    "unknown query parameter";
	if (bad == NULL)
		return arena_printf(a, "the query string %s", what[e]);
	return arena_printf(a, "query parameter '%s' %s", bad, what[e]);
}

const char *
form_get(const struct form *f, const char *name, size_t *len)
{
	size_t i, n = strlen(name);

	for (i = 0; i < f->n; i++)
		if (f->fields[i].name_len == n &&
		    memcmp(f->fields[i].name, name, n) == 0) {
			if (len)
				*len = f->fields[i].value_len;
			return f->fields[i].value;
		}
	return NULL;
}

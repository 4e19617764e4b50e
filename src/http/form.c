/* form.c: bounded decoder for application/x-www-form-urlencoded data,
 * query strings and percent-encoded path segments.
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
	int hi, lo;

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
	long len = decode(out, s, n, false);

	if (len < 0)
		return NULL;
	if (outlen)
		*outlen = (size_t)len;
	return out;
}

enum form_err
form_parse(struct arena *a, const char *s, size_t n, size_t max_fields,
    struct form *out)
{
	const char *p, *end = s + n, *amp, *eq;
	size_t count = 0, plen;
	struct form_field *f;
	char *buf;
	long len;

	out->fields = NULL;
	out->n = 0;
	for (p = s; p < end; p = amp + 1) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		if (amp > p && ++count > max_fields)
			return FORM_TOO_MANY;
		if (amp == end)
			break;
	}
	if (count == 0)
		return FORM_OK;
	out->fields = arena_alloc(a, count * sizeof(*out->fields));
	for (p = s; p < end; p = amp + 1) {
		amp = memchr(p, '&', (size_t)(end - p));
		if (amp == NULL)
			amp = end;
		plen = (size_t)(amp - p);
		if (plen > 0) {
			f = &out->fields[out->n];
			eq = memchr(p, '=', plen);
			if (eq == NULL)
				eq = amp;
			buf = arena_alloc(a, (size_t)(eq - p) + 1);
			if ((len = decode(buf, p, (size_t)(eq - p), true)) < 0)
				goto bad;
			f->name = buf;
			f->name_len = (size_t)len;
			if (eq == amp) {
				f->value = "";
				f->value_len = 0;
			} else {
				buf = arena_alloc(a, (size_t)(amp - eq));
				len = decode(buf, eq + 1,
				    (size_t)(amp - eq - 1), true);
				if (len < 0)
					goto bad;
				f->value = buf;
				f->value_len = (size_t)len;
			}
			out->n++;
		}
		if (amp == end)
			break;
	}
	return FORM_OK;
bad:
	out->fields = NULL;
	out->n = 0;
	return FORM_BAD_ESCAPE;
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

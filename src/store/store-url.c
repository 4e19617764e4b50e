/* store-url.c: what a database string names, and how it may be printed. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "store/store.h"
#include "util/buf.h"

static bool
has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

/* Length of a URL scheme and its "://" at the start of s, or 0. */
static size_t
scheme_len(const char *s)
{
	size_t i = 0;

	if (!isalpha((unsigned char)s[0]))
		return 0;
	while (isalnum((unsigned char)s[i]) || s[i] == '+' || s[i] == '-' ||
	    s[i] == '.')
		i++;
	return strncmp(s + i, "://", 3) == 0 ? i + 3 : 0;
}

/* Whether s starts like libpq's keyword=value form ("host=… dbname=…",
 * "dbname = x"): a keyword, then '='. */
static bool
is_keyword_form(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	while (isalnum((unsigned char)*s) || *s == '_')
		s++;
	while (isspace((unsigned char)*s))
		s++;
	return *s == '=';
}

/*
 * The one place that tells what a --db string is. libpq would take a
 * keyword=value string too, and SQLite any string at all as a file name,
 * so a string that is neither a path nor a postgresql:// URL is refused
 * here rather than left for a driver to guess: "host=db password=…"
 * taken as a path once created a file named after the password.
 */
enum store_url_kind
store_url_kind(const char *url)
{
	if (has_prefix(url, "postgresql://") || has_prefix(url, "postgres://"))
		return STORE_URL_PG;
	if (has_prefix(url, "sqlite://"))
		return url[9] != '\0' ? STORE_URL_SQLITE : STORE_URL_BAD;
	if (*url == '\0' || scheme_len(url) > 0 || is_keyword_form(url))
		return STORE_URL_BAD;
	return STORE_URL_SQLITE;
}

const char *
store_url_path(const char *url)
{
	if (store_url_kind(url) != STORE_URL_SQLITE)
		return NULL;
	return has_prefix(url, "sqlite://") ? url + 9 : url;
}

/* A secret in a connection string: its bytes as written, and whether
 * they are percent-encoded (a URL) or backslash-escaped (keyword form). */
struct secret {
	size_t off, len;
	bool   pct;
};

#define SECRETS_MAX 8

static bool
secret_key(const char *k, size_t n)
{
	/* In any case: libpq reads only lower case, but a user who wrote
	 * PASSWORD meant one all the same. */
	return (n == 8 && strncasecmp(k, "password", 8) == 0) ||
	    (n == 11 && strncasecmp(k, "sslpassword", 11) == 0);
}

static int
hexval(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

/* Whether s (n bytes) starts with a %XX escape. */
static bool
is_pct(const char *s, size_t n)
{
	return n >= 3 && s[0] == '%' && isxdigit((unsigned char)s[1]) &&
	    isxdigit((unsigned char)s[2]);
}

/* A query key as libpq reads it: percent-decoded. */
static bool
secret_key_pct(const char *k, size_t n)
{
	char   d[16];
	size_t i = 0, m = 0;

	while (i < n && m < sizeof(d)) {
		if (is_pct(k + i, n - i)) {
			d[m++] = (char)(hexval((unsigned char)k[i + 1]) * 16 +
			    hexval((unsigned char)k[i + 2]));
			i += 3;
		} else
			d[m++] = k[i++];
	}
	return i == n && secret_key(d, m);
}

/* The secrets of a URL: the password of the userinfo and the values of
 * password and sslpassword in the query. libpq ends the userinfo at the
 * first '@'; everything up to the last '@' of the authority is taken
 * here, so a password with an '@' the user forgot to escape (which libpq
 * then reads partly as the host) is hidden whole. */
static size_t
secrets_url(const char *url, size_t skip, struct secret *sv)
{
	const char *p = url + skip, *at, *colon, *q, *amp, *eq;
	size_t	    n = 0;

	at = NULL;
	for (q = p; *q != '\0' && *q != '/'; q++)
		if (*q == '@')
			at = q;
	if (at != NULL) {
		if ((colon = memchr(p, ':', (size_t)(at - p))) != NULL)
			sv[n++] = (struct secret){ (size_t)(colon + 1 - url),
				(size_t)(at - colon - 1), true };
		p = at + 1;
	}
	if ((q = strchr(p, '?')) == NULL)
		return n;
	for (q++; *q != '\0'; q = *amp ? amp + 1 : amp) {
		if (n == SECRETS_MAX) {
			/* More than any real URL has: hide the rest. */
			sv[n++] = (struct secret){ (size_t)(q - url), strlen(q),
				true };
			break;
		}
		amp = q + strcspn(q, "&");
		eq = memchr(q, '=', (size_t)(amp - q));
		if (eq != NULL && secret_key_pct(q, (size_t)(eq - q)))
			sv[n++] = (struct secret){ (size_t)(eq + 1 - url),
				(size_t)(amp - eq - 1), true };
	}
	return n;
}

/* The secrets of a keyword=value string, read as libpq reads one (values
 * bare or in single quotes, with backslash escapes). Past anything it
 * cannot read, the whole rest is taken as secret: better a message that
 * hides too much than one that shows a password. */
static size_t
secrets_keywords(const char *s, struct secret *sv)
{
	const char *p = s, *k, *v;
	size_t	    n = 0, klen;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\0')
			return n;
		k = p;
		if (n == SECRETS_MAX)
			break;
		while (*p != '\0' && *p != '=' && !isspace((unsigned char)*p))
			p++;
		klen = (size_t)(p - k);
		while (isspace((unsigned char)*p))
			p++;
		if (*p != '=' || klen == 0)
			break;
		p++;
		while (isspace((unsigned char)*p))
			p++;
		if (*p == '\'') {
			v = ++p;
			while (*p != '\0' && *p != '\'')
				p += p[0] == '\\' && p[1] != '\0' ? 2 : 1;
			if (*p != '\'')
				break;
		} else {
			v = p;
			while (*p != '\0' && !isspace((unsigned char)*p))
				p += p[0] == '\\' && p[1] != '\0' ? 2 : 1;
		}
		if (secret_key(k, klen))
			sv[n++] = (struct secret){ (size_t)(v - s),
				(size_t)(p - v), false };
		if (*p == '\'')
			p++;
	}
	sv[n++] = (struct secret){ (size_t)(k - s), strlen(k), false };
	return n;
}

static size_t
secrets_of(const char *url, struct secret *sv)
{
	size_t skip = scheme_len(url);

	if (skip > 0)
		return secrets_url(url, skip, sv);
	if (is_keyword_form(url))
		return secrets_keywords(url, sv);
	return 0;
}

const char *
store_url_printable(const char *url, char *out, size_t len)
{
	struct secret sv[SECRETS_MAX + 1];
	struct buf    b = BUF_INIT;
	size_t	      n = secrets_of(url, sv), i, at = 0;

	for (i = 0; i < n; i++) {
		buf_put(&b, url + at, sv[i].off - at);
		buf_puts(&b, "***");
		at = sv[i].off + sv[i].len;
	}
	buf_puts(&b, url + at);
	snprintf(out, len, "%s", buf_str(&b));
	buf_free(&b);
	return out;
}

/* A secret as the library that parsed it may quote it: decoded. Empty
 * when that is the same as written, or not a string (a %00). */
static void
secret_decoded(const char *url, const struct secret *s, struct buf *d)
{
	const char *p = url + s->off, *e = p + s->len;
	int	    c;

	buf_reset(d);
	while (p < e) {
		if (s->pct && is_pct(p, (size_t)(e - p))) {
			if ((c = hexval((unsigned char)p[1]) * 16 +
				    hexval((unsigned char)p[2])) == 0) {
				buf_reset(d);
				return;
			}
			buf_putc(d, c);
			p += 3;
		} else if (!s->pct && *p == '\\' && p + 1 < e) {
			buf_putc(d, p[1]);
			p += 2;
		} else
			buf_putc(d, *p++);
	}
	if (d->len == s->len && memcmp(d->p, url + s->off, s->len) == 0)
		buf_reset(d);
}

/* Every occurrence of needle (n > 0 bytes) in *from replaced by "***". */
static void
mask_all(struct buf *from, struct buf *to, const char *needle, size_t n)
{
	const char *p = buf_str(from), *hit;

	buf_reset(to);
	while ((hit = memmem(p, strlen(p), needle, n)) != NULL) {
		buf_put(to, p, (size_t)(hit - p));
		buf_puts(to, "***");
		p = hit + n;
	}
	buf_puts(to, p);
	buf_reset(from);
	buf_puts(from, buf_str(to));
}

const char *
store_url_scrub(const char *url, const char *msg, char *out, size_t len)
{
	struct secret sv[SECRETS_MAX + 1];
	struct buf    m = BUF_INIT, t = BUF_INIT, d = BUF_INIT;
	size_t	      n = secrets_of(url, sv), i;

	buf_puts(&m, msg);
	for (i = 0; i < n; i++) {
		if (sv[i].len == 0)
			continue;
		mask_all(&m, &t, url + sv[i].off, sv[i].len);
		secret_decoded(url, &sv[i], &d);
		if (d.len > 0)
			mask_all(&m, &t, d.p, d.len);
	}
	snprintf(out, len, "%s", buf_str(&m));
	buf_free(&m);
	buf_free(&t);
	buf_free(&d);
	return out;
}

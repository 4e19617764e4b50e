/* proxy.c: trusted reverse proxies: CIDR lists and the client address
 * behind X-Forwarded-For. Pure functions, unit-tested with tables. */
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "http/http-int.h"
#include "util/str.h"
#include "util/xalloc.h"

/* An address in text (at most n bytes, no brackets or port) into family
 * and bytes, IPv4-mapped IPv6 folded to IPv4. */
static bool
addr_parse(const char *s, size_t n, int *family, uint8_t out[16])
{
	static const uint8_t
	     mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	char tmp[INET6_ADDRSTRLEN + 1];

	if (n == 0 || n >= sizeof(tmp))
		return false;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, out) == 1) {
		*family = AF_INET;
		return true;
	}
	if (inet_pton(AF_INET6, tmp, out) != 1)
		return false;
	if (memcmp(out, mapped, 12) == 0) {
		memmove(out, out + 12, 4);
		*family = AF_INET;
	} else
		*family = AF_INET6;
	return true;
}

bool
http_cidr_parse(const char *s, size_t n, struct http_cidr *c)
{
	const char *slash = memchr(s, '/', n);
	size_t	    alen = slash ? (size_t)(slash - s) : n, i, max;
	int64_t	    bits;

	memset(c, 0, sizeof(*c));
	if (!addr_parse(s, alen, &c->family, c->addr))
		return false;
	max = c->family == AF_INET ? 32 : 128;
	if (slash) {
		if (!parse_int(slash + 1, n - alen - 1, 0,
			memchr(s, ':', alen) ? 128 : (int64_t)max, &bits))
			return false;
		/* "::ffff:10.0.0.0/104" means 10.0.0.0/8. */
		if (c->family == AF_INET && memchr(s, ':', alen) != NULL) {
			if (bits < 96)
				return false;
			bits -= 96;
		}
	} else
		bits = (int64_t)max;
	c->bits = (unsigned)bits;
	for (i = 0; i < max / 8; i++) {
		if (i * 8 >= c->bits)
			c->addr[i] = 0;
		else if (i * 8 + 8 > c->bits)
			c->addr[i] &= (uint8_t)(0xff
			    << (8 - (c->bits - i * 8)));
	}
	return true;
}

bool
http_cidr_list_parse(const char *csv, struct http_cidr **list, size_t *n,
    const char **bad, size_t *badlen)
{
	const char	*p = csv, *e, *a, *b;
	struct http_cidr c;

	while (*p) {
		e = strchr(p, ',');
		if (e == NULL)
			e = p + strlen(p);
		for (a = p; a < e && isspace((unsigned char)*a); a++)
			;
		for (b = e; b > a && isspace((unsigned char)b[-1]); b--)
			;
		if (b > a) {
			if (!http_cidr_parse(a, (size_t)(b - a), &c)) {
				*bad = a;
				*badlen = (size_t)(b - a);
				return false;
			}
			*list = xrealloc(*list, (*n + 1) * sizeof(**list));
			(*list)[(*n)++] = c;
		}
		p = *e ? e + 1 : e;
	}
	return true;
}

static bool
in_list(const struct http_cidr *l, size_t n, int family, const uint8_t *addr)
{
	size_t	i, k, full;
	uint8_t mask;

	for (i = 0; i < n; i++) {
		if (l[i].family != family)
			continue;
		full = l[i].bits / 8;
		if (memcmp(l[i].addr, addr, full) != 0)
			continue;
		if (l[i].bits % 8) {
			k = full;
			mask = (uint8_t)(0xff << (8 - l[i].bits % 8));
			if ((addr[k] & mask) != l[i].addr[k])
				continue;
		}
		return true;
	}
	return false;
}

bool
http_cidr_list_match(const struct http_cidr *l, size_t n, const char *addr)
{
	uint8_t a[16];
	int	family;

	return addr_parse(addr, strlen(addr), &family, a) &&
	    in_list(l, n, family, a);
}

bool
http_proxy_trusted(const struct http_cidr *l, size_t n, const char *addr)
{
	return http_cidr_list_match(l, n, addr);
}

/* One X-Forwarded-For item, trimmed: a bare address, "[v6]" or
 * "[v6]:port", or "v4:port". */
static bool
item_parse(const char *s, size_t n, int *family, uint8_t a[16])
{
	const char *close, *colon;

	if (n > 0 && s[0] == '[') {
		if ((close = memchr(s, ']', n)) == NULL)
			return false;
		if ((size_t)(close - s) + 1 != n && close[1] != ':')
			return false;
		return addr_parse(s + 1, (size_t)(close - s) - 1, family, a) &&
		    *family == AF_INET6;
	}
	colon = memchr(s, ':', n);
	if (colon &&
	    memchr(colon + 1, ':', n - (size_t)(colon - s) - 1) == NULL)
		return addr_parse(s, (size_t)(colon - s), family, a) &&
		    *family == AF_INET;
	return addr_parse(s, n, family, a);
}

static void
addr_text(int family, const uint8_t *a, char *out, size_t outlen)
{
	char tmp[INET6_ADDRSTRLEN];

	if (inet_ntop(family, a, tmp, sizeof(tmp)) == NULL)
		snprintf(tmp, sizeof(tmp), "-");
	snprintf(out, outlen, "%s", tmp);
}

void
http_proxy_client(const struct http_cidr *l, size_t n, const char *peer,
    const char *xff, char *out, size_t outlen)
{
	const char *end, *p, *a, *b;
	uint8_t	    addr[16];
	int	    family;

	snprintf(out, outlen, "%s", peer);
	if (!addr_parse(peer, strlen(peer), &family, addr))
		return;
	addr_text(family, addr, out, outlen); /* unmapped */
	if (n == 0 || !in_list(l, n, family, addr) || xff == NULL)
		return;
	end = xff + strlen(xff);
	while (end > xff) {
		for (p = end; p > xff && p[-1] != ','; p--)
			;
		for (a = p; a < end && (*a == ' ' || *a == '\t'); a++)
			;
		for (b = end; b > a && (b[-1] == ' ' || b[-1] == '\t'); b--)
			;
		end = p > xff ? p - 1 : xff;
		if (a == b)
			continue; /* "a,,b": an empty item says nothing */
		if (!item_parse(a, (size_t)(b - a), &family, addr))
			return;
		addr_text(family, addr, out, outlen);
		if (!in_list(l, n, family, addr))
			return;
	}
}

const char *
http_proxy_scheme(const char *xfp)
{
	const char *p, *a, *b;

	if (xfp == NULL)
		return NULL;
	p = strrchr(xfp, ',');
	a = p ? p + 1 : xfp;
	while (*a == ' ' || *a == '\t')
		a++;
	for (b = a + strlen(a); b > a && (b[-1] == ' ' || b[-1] == '\t'); b--)
		;
	if (b - a == 5 && strncasecmp(a, "https", 5) == 0)
		return "https";
	if (b - a == 4 && strncasecmp(a, "http", 4) == 0)
		return "http";
	return NULL;
}

/* esc.c: escaping for HTML text, attributes, URLs, JSON and XML. */
#include "render/esc.h"

#include <string.h>
#include <strings.h>

#include "util/buf.h"
#include "util/str.h"

#define REPLACEMENT "\xef\xbf\xbd"

static void
html_common(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		     i = 0, run = 0, k;
	uint32_t	     cp;
	const char	    *rep;

	while (i < n) {
		rep = NULL;
		k = 1;
		switch (p[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		case '\0':
			rep = REPLACEMENT;
			break;
		default:
			if (p[i] >= 0x80 &&
			    (k = utf8_decode(p + i, n - i, &cp)) == 0) {
				rep = REPLACEMENT;
				k = 1;
			}
			break;
		}
		if (rep) {
			buf_put(b, s + run, i - run);
			buf_puts(b, rep);
			run = i + k;
		}
		i += k;
	}
	buf_put(b, s + run, n - run);
}

void
esc_html(struct buf *b, const char *s, size_t n)
{
	html_common(b, s, n);
}

void
esc_attr(struct buf *b, const char *s, size_t n)
{
	html_common(b, s, n);
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

bool
url_scheme_allowed(const char *s, size_t n)
{
	char	      scheme[16];
	size_t	      i, k = 0;
	unsigned char c;

	/* Browsers ignore leading spaces/controls and strip tabs and
	 * newlines anywhere in the scheme ("java\tscript:"), so do we. */
	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if (c <= 0x20 && k == 0)
			continue;
		if (c == '\t' || c == '\n' || c == '\r')
			continue;
		if (c == ':')
			break;
		if (c == '/' || c == '?' || c == '#')
			return true; /* relative reference */
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			(k > 0 &&
			    ((c >= '0' && c <= '9') || c == '+' || c == '-' ||
				c == '.'))))
			return memchr(s + i, ':', n - i) == NULL;
		if (k + 1 >= sizeof(scheme))
			return false;
		scheme[k++] = (char)lower(c);
	}
	if (i == n)
		return true; /* no colon: relative */
	scheme[k] = '\0';
	return strcmp(scheme, "http") == 0 || strcmp(scheme, "https") == 0 ||
	    strcmp(scheme, "mailto") == 0;
}

bool
url_is_http(const char *s, size_t n)
{
	size_t i, pre;

	if (n > 7 && strncasecmp(s, "http://", 7) == 0)
		pre = 7;
	else if (n > 8 && strncasecmp(s, "https://", 8) == 0)
		pre = 8;
	else
		return false;
	if (s[pre] == '/' || s[pre] == '?' || s[pre] == '#')
		return false;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f ||
		    s[i] == '"' || s[i] == '<' || s[i] == '>' || s[i] == '\\')
			return false;
	return true;
}

bool
esc_url(struct buf *b, const char *s, size_t n)
{
	static const char    hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t		     i;

	if (!url_scheme_allowed(s, n)) {
		buf_putc(b, '#');
		return false;
	}
	for (i = 0; i < n; i++) {
		if (p[i] <= 0x20 || p[i] == 0x7f || p[i] == '"' ||
		    p[i] == '<' || p[i] == '>' || p[i] == '\\' || p[i] == '`' ||
		    p[i] == '\'' || p[i] >= 0x80) {
			buf_putc(b, '%');
			buf_putc(b, hex[p[i] >> 4]);
			buf_putc(b, hex[p[i] & 15]);
		} else if (p[i] == '&')
			buf_puts(b, "&amp;");
		else
			buf_putc(b, p[i]);
	}
	return true;
}

void
esc_url_arg(struct buf *b, const char *s, size_t n)
{
	static const char    hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s;
	size_t		     i;

	for (i = 0; i < n; i++) {
		if ((p[i] >= 'a' && p[i] <= 'z') ||
		    (p[i] >= 'A' && p[i] <= 'Z') ||
		    (p[i] >= '0' && p[i] <= '9') || p[i] == '-' ||
		    p[i] == '.' || p[i] == '_' || p[i] == '~')
			buf_putc(b, p[i]);
		else {
			buf_putc(b, '%');
			buf_putc(b, hex[p[i] >> 4]);
			buf_putc(b, hex[p[i] & 15]);
		}
	}
}

void
esc_json(struct buf *b, const char *s, size_t n)
{
	static const char    hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	size_t		     i = 0, k;
	uint32_t	     cp;

	while (i < n) {
		if (p[i] >= 0x80) {
			if ((k = utf8_decode(p + i, n - i, &cp)) == 0) {
				buf_puts(b, "\\ufffd");
				i++;
			} else if (cp == 0x2028 || cp == 0x2029) {
				buf_printf(b, "\\u%04x", cp);
				i += k;
			} else {
				buf_put(b, s + i, k);
				i += k;
			}
			continue;
		}
		switch (p[i]) {
		case '"':
			buf_puts(b, "\\\"");
			break;
		case '\\':
			buf_puts(b, "\\\\");
			break;
		case '\n':
			buf_puts(b, "\\n");
			break;
		case '\r':
			buf_puts(b, "\\r");
			break;
		case '\t':
			buf_puts(b, "\\t");
			break;
		case '<':
		case '>':
		case '&':
		case '\'':
			buf_printf(b, "\\u%04x", p[i]);
			break;
		default:
			if (p[i] < 0x20 || p[i] == 0x7f) {
				buf_puts(b, "\\u00");
				buf_putc(b, hex[p[i] >> 4]);
				buf_putc(b, hex[p[i] & 15]);
			} else
				buf_putc(b, p[i]);
		}
		i++;
	}
}

void
esc_xml(struct buf *b, const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		     i = 0, run = 0, k;
	uint32_t	     cp;
	const char	    *rep;

	while (i < n) {
		rep = NULL;
		k = 1;
		switch (p[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&apos;";
			break;
		case '\t':
		case '\n':
		case '\r':
			break;
		default:
			if (p[i] < 0x20 || p[i] == 0x7f)
				rep = REPLACEMENT;
			else if (p[i] >= 0x80) {
				k = utf8_decode(p + i, n - i, &cp);
				if (k == 0 || cp == 0xfffe || cp == 0xffff ||
				    (cp >= 0x80 && cp <= 0x9f)) {
					rep = REPLACEMENT;
					if (k == 0)
						k = 1;
				}
			}
			break;
		}
		if (rep) {
			buf_put(b, s + run, i - run);
			buf_puts(b, rep);
			run = i + k;
		}
		i += k;
	}
	buf_put(b, s + run, n - run);
}

/* esc.h: the one escaping layer; every byte of output passes through a
 * function named for the context it lands in.
 *
 * All functions append to a struct buf and take (pointer, length) input that
 * need not be NUL-terminated. Input is assumed UTF-8; invalid sequences and
 * characters that are illegal in the target (NUL, C0 controls in XML) are
 * replaced with U+FFFD rather than passed through. */
#ifndef GAZETTE_ESC_H
#define GAZETTE_ESC_H

#include <stdbool.h>
#include <stddef.h>

struct buf;

/* HTML text content: & < > escaped (and " ' so the same output is also safe
 * in a quoted attribute). */
void esc_html(struct buf *, const char *, size_t);
/* HTML attribute value inside double quotes. Same set as esc_html. */
void esc_attr(struct buf *, const char *, size_t);
/* A URL for href/src: only http, https, mailto and relative URLs pass
 * (others, after stripping whitespace/controls as browsers do, become "#");
 * then attribute-escaped. Returns false if the URL was refused. */
bool esc_url(struct buf *, const char *, size_t);
/* One query or path component: percent-encodes everything outside
 * RFC 3986 unreserved characters. */
void esc_url_arg(struct buf *, const char *, size_t);
/* Contents of a JSON string (without the quotes). Escapes < > & and
 * U+2028/U+2029 too, so the result is safe inside <script> elements. */
void esc_json(struct buf *, const char *, size_t);
/* XML character data and attribute values (feeds, sitemaps). */
void esc_xml(struct buf *, const char *, size_t);

/* Which link schemes may appear in output: http, https, mailto, or a
 * relative reference (no scheme). */
bool url_scheme_allowed(const char *, size_t);
/* true for an absolute http:// or https:// URL with a host. */
bool url_is_http(const char *, size_t);

#endif

/* str.h: string views, UTF-8 checks, slugs and times.
 *
 * Parsers work on (pointer, length) views and never assume a terminating
 * NUL. Nothing here allocates except where a struct buf or arena is passed. */
#ifndef GAZETTE_STR_H
#define GAZETTE_STR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

struct buf;

struct sv {
	const char *p;
	size_t	    n;
};

#define SV(lit) ((struct sv){ (lit), sizeof(lit) - 1 })

struct sv sv_cstr(const char *);
bool	  sv_eq(struct sv, const char *);
bool	  sv_starts(struct sv, const char *);
struct sv sv_trim(struct sv);

/* Decodes the code point at s (n > 0 bytes left) into *cp and returns
 * its length in bytes, or 0 when the sequence is malformed (strict, RFC
 * 3629: no overlongs, no surrogates, nothing past U+10FFFF). Inline: the
 * escaping layer calls it for every non-ASCII byte of every page. */
static inline size_t
utf8_decode(const unsigned char *s, size_t n, uint32_t *cp)
{
	uint32_t c = s[0];
	size_t	 len, i;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, c &= 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, c &= 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, c &= 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* true if s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, no
 * code points past U+10FFFF). */
/* Writes code point c as UTF-8 into o (room for 4 bytes) and returns its
 * length; NUL, surrogates and anything past U+10FFFF become U+FFFD. */
static inline size_t
utf8_encode(uint32_t c, char *o)
{
	if (c == 0 || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		c = 0xfffd;
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xc0 | (c >> 6));
		o[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xe0 | (c >> 12));
		o[1] = (char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (char)(0xf0 | (c >> 18));
	o[1] = (char)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

bool utf8_valid(const char *s, size_t n);
/* Number of code points in valid UTF-8 (limits count characters). */
size_t utf8_len(const char *s, size_t n);
/* Why text is unfit to store, or NULL: invalid UTF-8, NUL bytes, control
 * characters other than tab, newline and carriage return (when multiline),
 * or other than none (single line). */
const char *text_check(const char *s, size_t n, bool multiline);

/* Appends a URL slug for title: lowercase ASCII letters and digits, runs of
 * anything else folded to one '-', common Latin accents transliterated
 * (é → e, ß → ss, ø → o), no leading or trailing '-', at most 80 bytes.
 * Appends nothing when no letter or digit survives. */
void slugify(struct buf *, const char *s, size_t n);
/* Appends the slug of a byline, for its author's pages (/authors/SLUG):
 * slugify()'s, so tags and authors share one alphabet and one function;
 * a byline of which no letter or digit survives slugify (a name in
 * Cyrillic or Chinese, say) gets "a-" and 16 hex digits of a hash of its
 * bytes instead, so every byline has a page. Nothing for a byline of
 * blanks only. */
void byline_slug(struct buf *, const char *s, size_t n);
/* true if s is a slug as slugify() makes them (also accepts what an editor
 * typed: [a-z0-9-], 1..80, not starting or ending with '-'). */
bool slug_valid(const char *s, size_t n);

/* Parses RFC 3339 ("2022-01-10T09:30:00Z", "…+02:00", fractional seconds
 * allowed) or a bare date "2022-01-10" (midnight UTC) into Unix seconds.
 * Returns false on anything else, including out-of-range fields. */
bool time_parse_rfc3339(const char *s, size_t n, int64_t *out);
/* Appends t as "YYYY-MM-DDTHH:MM:SSZ". */
void time_format_rfc3339(struct buf *, int64_t t);
/* The same into out, NUL-terminated; its length. */
#define TIME_RFC3339_MAX 32
size_t time_rfc3339(char out[TIME_RFC3339_MAX], int64_t t);
/* Appends t as an RFC 1123 HTTP date / RFC 822 date ("Mon, 10 Jan 2022 …"). */
void time_format_http(struct buf *, int64_t t);
/* Human date for pages: "10 January 2022". */
void time_format_human(struct buf *, int64_t t);
/* "10 January 2022" from a broken-down time, into out; its length. */
#define TIME_HUMAN_MAX 48
size_t time_human_tm(char out[TIME_HUMAN_MAX], const struct tm *);
/* Broken-down UTC time without touching the process time zone. */
void time_utc(int64_t t, struct tm *);

/* Decimal parse of s[0..n) into [min, max]; false on any other byte. */
bool parse_int(const char *s, size_t n, int64_t min, int64_t max, int64_t *out);

#endif

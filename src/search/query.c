/* query.c: parser for the search box grammar in query.h. */
#include <stdint.h>
#include <string.h>

#include "search/query.h"
#include "util/arena.h"
#include "util/buf.h"
#include "util/str.h"

static const char *const err_text[SEARCH__MAX] = {
	[SEARCH_OK] = "ok",
	[SEARCH_EMPTY] = "enter one or more words to search for",
	[SEARCH_TOO_LONG] = "the search is too long (at most 256 bytes)",
	[SEARCH_TOO_MANY] = "the search has too many words (at most 16)",
	[SEARCH_BAD_UTF8] = "the search is not valid UTF-8 text",
	[SEARCH_ONLY_EXCLUDED] =
	    "the search needs a word that is not excluded with '-'",
	[SEARCH_PREFIX_SHORT] =
	    ("a word ending in '*' needs at least 2 "
	     "letters or digits before the '*'"),
	[SEARCH_TOO_MANY_PREFIXES] =
	    "the search has too many words ending in '*' (at most 4)",
};

_Static_assert(SEARCH_MIN_PREFIX == 2 && SEARCH_MAX_PREFIXES == 4,
    "the sentences in err_text name the limits");

const char *
search_err_text(enum search_err e)
{
	return e < SEARCH__MAX ? err_text[e] : "bad search";
}

static char
ascii_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool
is_space(unsigned char c)
{
	return c <= 0x20 || c == 0x7f;
}

/* A letter or digit for the tokenizers: ASCII alphanumerics, and any
 * non-ASCII character (which may be punctuation; a term made only of that
 * matches nothing, harmlessly). */
static bool
has_word_char(const char *s, size_t n)
{
	size_t	      i;
	unsigned char c;

	for (i = 0; i < n; i++) {
		c = (unsigned char)s[i];
		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z') || c >= 0x80)
			return true;
	}
	return false;
}

/* Whether code point c counts as a letter or digit of a prefix: ASCII
 * alphanumerics, and any other character outside the punctuation and
 * symbol blocks, where FTS5's unicode61 and PostgreSQL's parser split
 * words. (An approximation without Unicode tables: what it misses is
 * rare punctuation counted as a letter, bounded by the time budget.) */
static bool
prefix_char(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		    (c >= 'A' && c <= 'Z');
	return !(c <= 0xbf || c == 0xd7 || c == 0xf7 ||
	    (c >= 0x2000 && c <= 0x2bff) || /* punctuation … symbols */
	    (c >= 0x2e00 && c <= 0x2e7f) || /* supplemental punctuation */
	    (c >= 0x3000 && c <= 0x303f) || /* CJK punctuation */
	    (c >= 0xe000 && c <= 0xf8ff) || /* private use */
	    (c >= 0xfe10 && c <= 0xfe6f) || /* vertical, small forms */
	    (c >= 0xff00 && c <= 0xff0f) || (c >= 0xff1a && c <= 0xff20) ||
	    (c >= 0xff3b && c <= 0xff40) || (c >= 0xff5b && c <= 0xff65) ||
	    (c >= 0xfff0 && c <= 0xffff) ||   /* specials */
	    (c >= 0x1f000 && c <= 0x1faff) || /* emoji and pictographs */
	    c >= 0xf0000);
}

/* Combining marks: part of the word they sit on, but no letter of it
 * (the tokenizers drop them with remove_diacritics). */
static bool
combining(uint32_t c)
{
	return (c >= 0x300 && c <= 0x36f) || (c >= 0x1ab0 && c <= 0x1aff) ||
	    (c >= 0x1dc0 && c <= 0x1dff) || (c >= 0x20d0 && c <= 0x20ff) ||
	    (c >= 0xfe20 && c <= 0xfe2f);
}

/* Characters of the word a '*' applies to: the last run of prefix
 * characters in s[0..n) (valid UTF-8), as the tokenizers see it: the
 * prefix of "ab.*" is "ab", of "x.y*" and "\"big c\"*" one letter. */
static size_t
prefix_len(const char *s, size_t n)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t		     i = 0, k, run = 0, last = 0;
	uint32_t	     c;

	while (i < n) {
		if ((k = utf8_decode(p + i, n - i, &c)) == 0)
			return 0;
		i += k;
		if (combining(c))
			continue;
		if (prefix_char(c))
			run++;
		else if (run > 0) {
			last = run;
			run = 0;
		}
	}
	return run > 0 ? run : last;
}

/* Copies s[0..n) with runs of space collapsed to one and none at the
 * ends; '"' cannot occur (it ends a phrase, and splits words). */
static char *
squeeze(struct arena *a, const char *s, size_t n, size_t *outlen)
{
	char  *o = arena_alloc(a, n + 1);
	size_t i, k = 0;
	bool   sp = false;

	for (i = 0; i < n; i++) {
		if (is_space((unsigned char)s[i])) {
			sp = k > 0;
			continue;
		}
		if (sp)
			o[k++] = ' ';
		sp = false;
		o[k++] = s[i];
	}
	o[k] = '\0';
	*outlen = k;
	return o;
}

/* Whether q already has t, letter case aside (ASCII; the tokenizers
 * fold case). */
static bool
repeated(const struct search_query *q, const struct search_term *t)
{
	const struct search_term *u;
	size_t			  i, k;

	for (i = 0; i < q->n; i++) {
		u = &q->terms[i];
		if (u->len != t->len || u->phrase != t->phrase ||
		    u->prefix != t->prefix || u->exclude != t->exclude)
			continue;
		for (k = 0; k < t->len; k++)
			if (ascii_lower(u->text[k]) != ascii_lower(t->text[k]))
				break;
		if (k == t->len)
			return true;
	}
	return false;
}

enum search_err
search_query_parse(struct arena *a, const char *s, size_t n,
    struct search_query *out)
{
	struct search_term t;
	size_t		   i = 0, start, end, nprefix = 0;
	enum search_err	   e = SEARCH_OK;

	memset(out, 0, sizeof(*out));
	if (n > SEARCH_MAX_BYTES)
		return SEARCH_TOO_LONG;
	if (!utf8_valid(s, n))
		return SEARCH_BAD_UTF8;
	while (i < n) {
		while (i < n && is_space((unsigned char)s[i]))
			i++;
		if (i == n)
			break;
		memset(&t, 0, sizeof(t));
		if (s[i] == '-' && i + 1 < n &&
		    !is_space((unsigned char)s[i + 1])) {
			t.exclude = true;
			i++;
		}
		if (s[i] == '"') {
			t.phrase = true;
			start = ++i;
			while (i < n && s[i] != '"')
				i++;
			end = i;
			if (i < n)
				i++; /* the closing quote */
			if (i < n && s[i] == '*') {
				t.prefix = true;
				while (i < n && s[i] == '*')
					i++;
			}
		} else {
			start = i;
			while (i < n && !is_space((unsigned char)s[i]) &&
			    s[i] != '"')
				i++;
			end = i;
			while (end > start && s[end - 1] == '*') {
				end--;
				t.prefix = true;
			}
		}
		t.text = squeeze(a, s + start, end - start, &t.len);
		if (!has_word_char(t.text, t.len))
			continue;
		/* A quoted single word is just that word. */
		if (t.phrase && memchr(t.text, ' ', t.len) == NULL)
			t.phrase = false;
		/* A term given twice is searched once: it adds nothing but
		 * work (each copy is matched, ranked and snipped anew). */
		if (repeated(out, &t))
			continue;
		if (out->n == SEARCH_MAX_TERMS) {
			e = SEARCH_TOO_MANY;
			goto out;
		}
		/* A short prefix expands to much of the vocabulary, and each
		 * prefix is merged from many words: refused, not guessed at
		 * (searching "k*" as the word "k" found nothing useful). */
		if (t.prefix && prefix_len(t.text, t.len) < SEARCH_MIN_PREFIX) {
			e = SEARCH_PREFIX_SHORT;
			goto out;
		}
		if (t.prefix && ++nprefix > SEARCH_MAX_PREFIXES) {
			e = SEARCH_TOO_MANY_PREFIXES;
			goto out;
		}
		out->terms[out->n++] = t;
		if (!t.exclude)
			out->npositive++;
	}
	if (out->n == 0)
		e = SEARCH_EMPTY;
	else if (out->npositive == 0)
		e = SEARCH_ONLY_EXCLUDED;
out:
	if (e != SEARCH_OK)
		out->n = out->npositive = 0;
	return e;
}

void
search_query_format(const struct search_query *q, struct buf *b)
{
	const struct search_term *t;
	size_t			  i;
	bool			  quote;

	for (i = 0; i < q->n; i++) {
		t = &q->terms[i];
		/* A word that was quoted to keep a leading '-' or a trailing
		 * '*' as text stays quoted, or it would read back as an
		 * exclusion or a prefix ("--x" needs none: one '-' is taken). */
		quote = t->phrase || (!t->exclude && t->text[0] == '-') ||
		    t->text[t->len - 1] == '*';
		if (i)
			buf_putc(b, ' ');
		if (t->exclude)
			buf_putc(b, '-');
		if (quote)
			buf_putc(b, '"');
		buf_put(b, t->text, t->len);
		if (quote)
			buf_putc(b, '"');
		if (t->prefix)
			buf_putc(b, '*');
	}
}

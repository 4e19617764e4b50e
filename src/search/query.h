/* query.h: the search box's grammar, parsed into terms any backend can use.
 *
 * A reader's query is words separated by white space:
 *   word        must appear (all positive terms must match: AND)
 *   pre*        a word starting with "pre" (its last word at least
 *               SEARCH_MIN_PREFIX letters or digits before the '*')
 *   "a b c"     the words in this order (an unclosed quote runs to the end)
 *   -word  -"a b"  -pre*   must not appear
 * Nothing else is an operator: AND, OR, NOT, NEAR, parentheses, colons and
 * quotes inside words are text. A term with no letter or digit in it (a
 * lone "-", "*", "()") is dropped, and so is a term given again (letter
 * case aside). Control characters count as spaces.
 *
 * Limits, so no query is slow or large: at most SEARCH_MAX_BYTES bytes of
 * input, SEARCH_MAX_TERMS terms, and of those at most SEARCH_MAX_PREFIXES
 * prefixes, each of at least SEARCH_MIN_PREFIX characters. A prefix is
 * the expensive term: the index has to merge every word that starts with
 * it (SQLite keeps a prefix index of 2 and 3 characters for them, schema
 * 0010; PostgreSQL's GIN index scans every matching word), so a shorter
 * one, or more of them, is refused with a sentence saying so rather than
 * run. What else a search may cost is bounded where it runs: the time
 * budget and the number of searches at once (render/page-search.c).
 * The parse is pure (no database); the
 * store's driver turns the terms into its own expression (FTS5 MATCH,
 * tsquery), quoting every term, so no input can be a syntax error there. */
#ifndef GAZETTE_SEARCH_QUERY_H
#define GAZETTE_SEARCH_QUERY_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct buf;

#define SEARCH_MAX_BYTES    256
#define SEARCH_MAX_TERMS    16
#define SEARCH_MAX_PREFIXES 4
#define SEARCH_MIN_PREFIX   2 /* characters of the word before '*' */

enum search_err {
	SEARCH_OK = 0,
	SEARCH_EMPTY,		  /* nothing to search for */
	SEARCH_TOO_LONG,	  /* over SEARCH_MAX_BYTES */
	SEARCH_TOO_MANY,	  /* over SEARCH_MAX_TERMS */
	SEARCH_BAD_UTF8,	  /* not well-formed UTF-8 */
	SEARCH_ONLY_EXCLUDED,	  /* every term has a '-' */
	SEARCH_PREFIX_SHORT,	  /* under SEARCH_MIN_PREFIX before a '*' */
	SEARCH_TOO_MANY_PREFIXES, /* over SEARCH_MAX_PREFIXES */
	SEARCH__MAX
};

struct search_term {
	const char *text; /* NUL-terminated, in the arena; for a
					 * phrase its words joined by spaces */
	size_t	    len;
	bool	    phrase;  /* was quoted */
	bool	    prefix;  /* ended in '*' */
	bool	    exclude; /* began with '-' */
};

struct search_query {
	struct search_term terms[SEARCH_MAX_TERMS];
	size_t		   n;
	size_t		   npositive; /* terms without exclude */
};

/* Parses s[0..n). On SEARCH_OK out holds 1..SEARCH_MAX_TERMS terms with
 * at least one positive; otherwise out->n is 0. */
enum search_err search_query_parse(struct arena *, const char *s, size_t n,
    struct search_query *out);
/* A sentence for the reader: "the search is too long (at most 256 bytes)". */
const char *search_err_text(enum search_err);
/* The query written back in canonical form (-"a b" pre* word), for tests
 * and for showing the reader what was searched. */
void search_query_format(const struct search_query *, struct buf *);

#endif

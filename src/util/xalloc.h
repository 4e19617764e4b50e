/* xalloc.h: allocation that aborts on exhaustion.
 *
 * gazette bounds every request's memory by limits, so running out of memory
 * is an operator problem, not an input problem: these never return NULL.
 * Hostile input must never reach them with an unbounded size. */
#ifndef GAZETTE_XALLOC_H
#define GAZETTE_XALLOC_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

#endif

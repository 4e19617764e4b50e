/* arena.h: request-scoped bump allocator.
 *
 * Everything a request allocates comes from its arena and is released in one
 * arena_free() when the response is done; nothing allocated here is freed
 * on its own. Allocation aborts on exhaustion like xmalloc (request sizes are
 * bounded by the HTTP limits before they get here). */
#ifndef GAZETTE_ARENA_H
#define GAZETTE_ARENA_H

#include <stddef.h>

struct arena_chunk;

struct arena {
	struct arena_chunk *head;
	size_t		    used; /* bytes handed out, for metrics/tests */
};

void  arena_init(struct arena *);
void  arena_free(struct arena *);	   /* releases everything; reusable */
void *arena_alloc(struct arena *, size_t); /* 16-byte aligned, zeroed */
char *arena_strndup(struct arena *, const char *, size_t);
char *arena_strdup(struct arena *, const char *);
char *arena_printf(struct arena *, const char *, ...)
    __attribute__((format(printf, 2, 3)));

#endif

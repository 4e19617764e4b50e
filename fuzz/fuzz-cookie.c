/* fuzz-cookie.c: the Cookie header parser. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http-int.h"
#include "util/arena.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	static const char *const names[] = { "gz_csrf", "gz_session", "a", "" };
	struct arena		 a;
	char			*hdr;
	const char		*v;
	size_t			 i;

	arena_init(&a);
	hdr = arena_strndup(&a, (const char *)data,
	    n); /* a header has no NUL */
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		v = cookie_find(&a, hdr, names[i]);
		if (v != NULL && strlen(v) > n)
			abort();
	}
	arena_free(&a);
	return 0;
}

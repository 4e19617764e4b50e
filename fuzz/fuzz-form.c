/* fuzz-form.c: form and query decoding (form_parse, url_decode_segment). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	struct arena a;
	struct form  f;
	size_t	     i, len, total = 0;
	char	    *seg;

	arena_init(&a);
	if (form_parse(&a, (const char *)data, n, 1000, &f) == FORM_OK) {
		/* Decoding only ever shrinks: names and values together are
		 * no longer than the input. */
		for (i = 0; i < f.n; i++)
			total += f.fields[i].name_len + f.fields[i].value_len;
		if (total > n)
			abort();
		/* form_get looks names up as C strings: a name holding a
		 * NUL (from %00) cannot be asked for, so is not checked. */
		if (f.n > 0 &&
		    strlen(f.fields[0].name) == f.fields[0].name_len &&
		    form_get(&f, f.fields[0].name, &len) == NULL)
			abort();
	}
	seg = url_decode_segment(&a, (const char *)data, n, &len);
	if (seg != NULL && len > n)
		abort();
	arena_free(&a);
	return 0;
}

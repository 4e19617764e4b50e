/* fuzz-query.c: the query parser (http_query_parse) and the page cache key
 * made from what it keeps (http_cache_key). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http-int.h"
#include "http/http.h"

int LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The article page's parameters, and the search page's. */
static const char names[] = "comments_after reply held q page";

static bool
declared(const char *name, size_t n)
{
	const char *w = names;
	size_t	    len;

	for (; *w; w += len) {
		w += strspn(w, " ");
		len = strcspn(w, " ");
		if (len == n && memcmp(w, name, n) == 0)
			return true;
	}
	return false;
}

static void
same(const struct form *a, const struct form *b)
{
	size_t i;

	if (a->n != b->n)
		abort();
	for (i = 0; i < a->n; i++)
		if (strcmp(a->fields[i].name, b->fields[i].name) != 0 ||
		    a->fields[i].value_len != b->fields[i].value_len ||
		    memcmp(a->fields[i].value, b->fields[i].value,
			a->fields[i].value_len) != 0)
			abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
	const char *s = (const char *)data, *bad, *bad2, *key, *key2, *q;
	enum http_query_err e, es;
	struct form	    f, fs, f2;
	struct arena	    a;
	size_t		    i, j, total = 0, klen, klen2;

	arena_init(&a);
	e = http_query_parse(&a, s, n, names, false, &f, &bad);
	es = http_query_parse(&a, s, n, names, true, &fs, &bad2);
	if ((unsigned)e >= HTTP_QUERY__MAX || (unsigned)es >= HTTP_QUERY__MAX ||
	    http_query_problem(&a, e, bad) == NULL)
		abort();
	/* Strict refuses all that lenient refuses, and keeps the same when
	 * it accepts. */
	if (e != HTTP_QUERY_OK && es == HTTP_QUERY_OK)
		abort();
	if (es == HTTP_QUERY_OK)
		same(&f, &fs);
	if (e != HTTP_QUERY_OK) {
		/* An error keeps nothing, and names a declared parameter
		 * (an unknown one only on a strict route). */
		if (f.n != 0 || f.fields != NULL ||
		    (bad != NULL && !declared(bad, strlen(bad))))
			abort();
		goto out;
	}
	if (bad != NULL)
		abort();
	for (i = 0; i < f.n; i++) {
		/* Declared names only, each once, values that decode only
		 * ever shrink and hold no NUL, control byte or bad UTF-8. */
		if (!declared(f.fields[i].name, f.fields[i].name_len))
			abort();
		for (j = 0; j < i; j++)
			if (strcmp(f.fields[i].name, f.fields[j].name) == 0)
				abort();
		if (f.fields[i].value[f.fields[i].value_len] != '\0' ||
		    text_check(f.fields[i].value, f.fields[i].value_len,
			false) != NULL)
			abort();
		total += f.fields[i].value_len;
	}
	if (total > n)
		abort();
	/* The key is a fixed point: its query, parsed again, is the same
	 * parameters and the same key. */
	key = http_cache_key(&a, "/p", &f, &klen);
	if (klen != strlen(key) || strncmp(key, "/p", 2) != 0)
		abort();
	q = key[2] == '?' ? key + 3 : key + 2;
	if (http_query_parse(&a, q, strlen(q), names, true, &f2, &bad2) !=
	    HTTP_QUERY_OK)
		abort();
	same(&f, &f2);
	key2 = http_cache_key(&a, "/p", &f2, &klen2);
	if (klen2 != klen || memcmp(key, key2, klen) != 0)
		abort();
out:
	arena_free(&a);
	return 0;
}

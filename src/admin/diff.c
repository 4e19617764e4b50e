/* diff.c: a line diff for the revisions page. */
#include <stdint.h>
#include <string.h>

#include "admin/admin.h"
#include "util/arena.h"

struct lines {
	const char **v;
	size_t	     n;
};

/* Splits s at '\n' (a '\r' before it goes too) into arena strings. */
static void
split(struct arena *a, const char *s, struct lines *out)
{
	const char *p, *nl;
	size_t	    n = 0, k = 0, len;

	for (p = s; *p; p++)
		if (*p == '\n')
			n++;
	n++;
	out->v = arena_alloc(a, n * sizeof(*out->v));
	out->n = 0;
	if (*s == '\0')
		return; /* no lines at all, not one empty line */
	for (p = s;; p = nl + 1) {
		nl = strchr(p, '\n');
		len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > 0 && p[len - 1] == '\r')
			len--;
		if (nl == NULL && len == 0 && k > 0)
			break; /* no empty line after a final newline */
		out->v[k++] = arena_strndup(a, p, len);
		if (nl == NULL)
			break;
	}
	out->n = k;
}

static void
push(struct diff_line *d, size_t *n, enum diff_op op, const char *t)
{
	d[*n].op = op;
	d[*n].text = t;
	(*n)++;
}

bool
diff_lines(struct arena *ar, const char *a, const char *b,
    struct diff_line **out, size_t *nout)
{
	struct lines	  x, y;
	struct diff_line *d;
	size_t		  head = 0, tail = 0, m, n, i, j, k = 0;
	uint32_t	 *t;
	bool		  ok = true;

	split(ar, a, &x);
	split(ar, b, &y);
	while (head < x.n && head < y.n && strcmp(x.v[head], y.v[head]) == 0)
		head++;
	while (tail < x.n - head && tail < y.n - head &&
	    strcmp(x.v[x.n - 1 - tail], y.v[y.n - 1 - tail]) == 0)
		tail++;
	m = x.n - head - tail;
	n = y.n - head - tail;
	d = arena_alloc(ar, (x.n + y.n + 1) * sizeof(*d));
	for (i = 0; i < head; i++)
		push(d, &k, DIFF_SAME, x.v[i]);
	if (m > 0 && n > 0 && (m + 1) * (n + 1) <= DIFF_MAX_CELLS) {
		/* t[i][j]: LCS length of the middles from i and j on. */
		const char **xv = x.v + head, **yv = y.v + head;

		t = arena_alloc(ar, (m + 1) * (n + 1) * sizeof(*t));
#define T(i, j) t[(i) * (n + 1) + (j)]
		for (i = m; i-- > 0;)
			for (j = n; j-- > 0;)
				T(i, j) = strcmp(xv[i], yv[j]) == 0 ?
				    T(i + 1, j + 1) + 1 :
				    T(i + 1, j) >= T(i, j + 1) ?
				    T(i + 1, j) :
				    T(i, j + 1);
		for (i = 0, j = 0; i < m || j < n;) {
			if (i < m && j < n && strcmp(xv[i], yv[j]) == 0) {
				push(d, &k, DIFF_SAME, xv[i]);
				i++, j++;
			} else if (i < m &&
			    (j == n || T(i + 1, j) >= T(i, j + 1))) {
				push(d, &k, DIFF_DEL, xv[i++]);
			} else
				push(d, &k, DIFF_ADD, yv[j++]);
		}
#undef T
	} else {
		ok = m == 0 || n == 0;
		for (i = 0; i < m; i++)
			push(d, &k, DIFF_DEL, x.v[head + i]);
		for (j = 0; j < n; j++)
			push(d, &k, DIFF_ADD, y.v[head + j]);
	}
	for (i = x.n - tail; i < x.n; i++)
		push(d, &k, DIFF_SAME, x.v[i]);
	*out = d;
	*nout = k;
	return ok;
}

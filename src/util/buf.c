/* buf.c: growable byte buffer with a cap and a sticky error. */
#include "util/buf.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/xalloc.h"

char buf_slop[1];

void
buf_init(struct buf *b, size_t max)
{
	memset(b, 0, sizeof(*b));
	b->p = buf_slop;
	b->max = max;
}

void
buf_free(struct buf *b)
{
	size_t max = b->max;

	if (b->cap)
		free(b->p);
	buf_init(b, max);
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	b->err = 0;
	if (b->cap)
		b->p[0] = '\0';
	else
		b->p = buf_slop;
}

/* Makes room for n more bytes plus the terminator; 0 when the cap forbids. */
static int
grow(struct buf *b, size_t n)
{
	size_t need, cap;

	if (b->err)
		return 0;
	if (n > SIZE_MAX / 2 - b->len || (b->max && b->len + n > b->max)) {
		b->err = 1;
		return 0;
	}
	need = b->len + n + 1;
	if (need <= b->cap)
		return 1;
	cap = b->cap ? b->cap : 256;
	while (cap < need)
		cap *= 2;
	b->p = xrealloc(b->cap ? b->p : NULL, cap);
	if (b->cap == 0)
		b->p[0] = '\0';
	b->cap = cap;
	return 1;
}

void
buf_put(struct buf *b, const void *p, size_t n)
{
	if (n == 0) {
		if (b->p == NULL)
			b->p = buf_slop;
		return;
	}
	if (!grow(b, n))
		return;
	memcpy(b->p + b->len, p, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void
buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void
buf_putc(struct buf *b, int c)
{
	char ch = (char)c;

	buf_put(b, &ch, 1);
}

void
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	int	n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || !grow(b, (size_t)n))
		return;
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void
buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->p[len] = '\0';
	}
}

char *
buf_detach(struct buf *b, size_t *lenp)
{
	char *p = b->cap ? b->p : xstrdup("");

	if (lenp)
		*lenp = b->cap ? b->len : 0;
	buf_init(b, b->max);
	return p;
}

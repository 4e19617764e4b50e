/* buf.h: growable byte buffer with a cap and a sticky error.
 *
 * Invariants: b->p is never NULL: an empty buffer (BUF_INIT, buf_init, after
 * buf_free or buf_detach) points at buf_slop, a shared "" that is never
 * written (cap 0 says the memory is not the buffer's), as git's strbuf does.
 * b->p is always NUL-terminated at b->len, so buf contents can be passed
 * as C strings when they hold no NUL. Appends never fail loudly: going past b->max (0 means
 * unlimited) sets b->err and drops the append, and the caller checks
 * buf_err() once before using the result. The buffer owns b->p; buf_free()
 * releases it and leaves an empty buffer behind. */
#ifndef GAZETTE_BUF_H
#define GAZETTE_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char  *p;
	size_t len;
	size_t cap;
	size_t max; /* 0: no cap */
	int    err; /* sticky: set once the cap was hit */
};

extern char buf_slop[1];
/* An initialiser, not a block. */
/* clang-format off */
#define BUF_INIT { buf_slop, 0, 0, 0, 0 }
/* clang-format on */

void buf_init(struct buf *, size_t max);
void buf_free(struct buf *);
void buf_reset(struct buf *); /* len = 0, err = 0; keeps memory */
void buf_put(struct buf *, const void *, size_t);
void buf_puts(struct buf *, const char *);
void buf_putc(struct buf *, int);
void buf_printf(struct buf *, const char *, ...)
    __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *, const char *, va_list);
void buf_truncate(struct buf *, size_t len);
/* Detaches the bytes (NUL-terminated, never NULL); the caller frees them. */
char *buf_detach(struct buf *, size_t *lenp);
static inline int
buf_err(const struct buf *b)
{
	return b->err;
}
/* b->p; "" for a buffer zeroed by calloc rather than initialised. */
static inline const char *
buf_str(const struct buf *b)
{
	return b->p ? b->p : "";
}

#endif

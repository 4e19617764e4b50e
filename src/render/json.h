/* json.h: writing JSON into a buffer, every string through esc_json.
 * Members are written in the order called; the caller opens and closes
 * objects and arrays with buf_putc, keeping a "first" flag per object. */
#ifndef GAZETTE_RENDER_JSON_H
#define GAZETTE_RENDER_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct buf;

void jw_str(struct buf *, const char *s); /* "…" or null for NULL */
void jw_strn(struct buf *, const char *s, size_t n);
/* ',' unless *first, then "key": */
void jw_key(struct buf *, bool *first, const char *key);
void jw_time(struct buf *, int64_t t); /* RFC 3339 string */

#endif

/* json.c: the one JSON writer: every string through esc_json, appended to
 * a buffer, as kcgi keeps kcgijson.c beside kcgihtml.c. The API, the
 * access log and the exports all write JSON with it. */
#include <string.h>

#include "render/esc.h"
#include "render/json.h"
#include "util/buf.h"
#include "util/str.h"

void
jw_strn(struct buf *b, const char *s, size_t n)
{
	buf_putc(b, '"');
	esc_json(b, s, n);
	buf_putc(b, '"');
}

void
jw_str(struct buf *b, const char *s)
{
	if (s == NULL)
		buf_puts(b, "null");
	else
		jw_strn(b, s, strlen(s));
}

void
jw_key(struct buf *b, bool *first, const char *key)
{
	if (!*first)
		buf_putc(b, ',');
	*first = false;
	jw_str(b, key);
	buf_putc(b, ':');
}

void
jw_time(struct buf *b, int64_t t)
{
	buf_putc(b, '"');
	time_format_rfc3339(b, t);
	buf_putc(b, '"');
}
